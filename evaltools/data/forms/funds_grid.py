"""A funds block printed as a cross-table — its lines as rows, its sources as columns — checked cell by cell.

彭水 2024 (chongqing-pengshui-jihuashengyu-2024-project) prints::

    资金                                  | 年度预算资金总额 | 其中:中央补助 | 市级资金 | 本级资金
    …资金合计(万元) 年度预算资金总额)       | 1084.25          | 668.00        | 343.00   | 73.25
    其中: 农村部分计划生育家庭奖励扶助…     | 763.00           | 502.00        | 208.00   | 53.00
    其中: 计划生育家庭特别扶助制度补助资金   | 321.25           | 166.00        | 136.00   | 20.25

Each row's sources add up to its 年度预算资金总额, and each column's 其中 rows to the total row's cell. A person
checks both; a cell that does not add up gets one located ``SUM_MISMATCH`` warning (166 + 136 + 20.25 = 322.25
≠ 321.25; 208 + 136 = 344 ≠ 343). Checked only where the block prints two or more source columns beside its
budget column (a block with its sources as rows is checked by the audit: ``_funding_sums``), and only over
the cells printed as amounts — a blank row (其中: 2023年绩效调整资金 | | | |) is no part of a sum.
"""

from __future__ import annotations

import re
from decimal import Decimal

from evaltools import fmt
from evaltools.data.forms.layout import Form
from evaltools.data.forms.values import add_amounts, money

#: Two amounts that differ by less than this (万元) are equal: forms print to the 元 at most.
_TOLERANCE = 0.005
#: A row label that names a part of the row above it (其中: …).
_PART = re.compile(r"^其中")
#: A unit note at the end of a row label: …补助资金(万元).
_UNIT_NOTE = re.compile(r"[(（][万千]?元[)）]$")
#: The finding code of a total its parts do not add up to (declared in evaltools.scoring.audit.sums).
SUM_MISMATCH = "SUM_MISMATCH"


def source_columns(form: Form, header: int, total: int, cols: dict[str, int]) -> list[int]:
    """The columns right of the budget column whose header names no field of the block and whose total-row cell
    prints an amount, up to the first that does not: the sources of a cross-table."""
    grid, known = form.grid, set(cols.values())
    out = []
    for j in (k for k in grid.cells(header) if k > cols["budget"]):
        if j in known or not grid.text(header, j) or money(grid.value(total, j))[0] is None:
            break
        out.append(j)
    return out


def _label(form: Form, i: int, first_col: int) -> str:
    text = "".join(form.grid.text(i, j) for j in form.grid.filled(i) if j < first_col)
    return _UNIT_NOTE.sub("", re.sub(r"^其中[:：]?", "", text))


def part_rows(form: Form, sources: list[int], after: int, last: int, first_col: int) -> list[int]:
    """The 其中 rows of the block: its source rows, then the rows under it whose label starts with 其中."""
    out = list(sources)
    i = after
    while i < last and _PART.match("".join(form.grid.text(i, j) for j in form.grid.filled(i) if j < first_col)):
        out.append(i)
        i += 1
    return out


def check_cross_sums(
    form: Form, header: int, total: int, cols: dict[str, int], unit: Decimal, parts: list[int]
) -> None:
    """Row sums and column sums of a cross-table (see the module docstring), one located warning per cell."""
    if "budget" not in cols:
        return
    columns = source_columns(form, header, total, cols)
    if len(columns) < 2:
        return
    first_col = min(cols.values())
    amounts = {
        i: {j: money(form.grid.value(i, j), unit)[0] for j in [cols["budget"], *columns]} for i in [total, *parts]
    }
    for i, row in amounts.items():  # each row: its sources against its budget
        figures = [row[j] for j in columns if row[j] is not None]
        if row[cols["budget"]] is not None and len(figures) >= 2:
            name = "年度资金总额" if i == total else _label(form, i, first_col)
            _mismatch(form, i, cols["budget"], name, figures, row[cols["budget"]], "各资金来源")
    for j in [cols["budget"], *columns]:  # each column: its 其中 rows against the total row
        figures = [amounts[i][j] for i in parts if amounts[i][j] is not None]
        if amounts[total][j] is not None and len(figures) >= 2:
            name = form.grid.text(header, j)
            _mismatch(form, total, j, f"{name}（合计）", figures, amounts[total][j], "其中各行")


def _mismatch(form: Form, i: int, j: int, name: str, figures: list[float], printed: float, what: str) -> None:
    total = 0.0
    for value in figures:
        total = add_amounts(total, value)
    if abs(total - printed) < _TOLERANCE:
        return
    terms = " + ".join(fmt.nums(figures, 6))
    form.warn(
        i,
        j,
        f"「{name}」{what}之和 {terms} = {fmt.num(total, 6)}，与所印 {fmt.num(printed, 6)} 不符（相差 "
        f"{fmt.num(total - printed, 6)}） / the parts do not add up to the printed total",
        form.grid.value(i, j),
        f"{what}之和 {fmt.num(total, 6)}",
        code=SUM_MISMATCH,
    )
