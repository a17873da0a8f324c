"""The funds block of a form (项目资金 / 预算执行情况 / 资金情况 …), read once
:func:`~evaltools.data.forms.layout.choose_layout` has found its header row, with the wordings of the layout's
``funds`` block (:mod:`evaltools.data.forms.layouts.standard`).

A funds block that cannot be read never refuses the form: a figure it does not print, or prints unreadably, is
unknown (``?``) with a located warning, and the form is read and audited. What a person reads off the block:

* amounts in 万元, the tool's unit: a unit printed in the cell (3359.62万, 300万元, 10萬), else the unit its
  column header states (全年预算数（元）), else the unit the block label or a 单位 cell above states
  (项目资金 (元), 单位 | 万元), else 万元 (:func:`~evaltools.data.forms.values.money`);
* the total row (年度资金总额 …; the first row under the header when it has no label or the project's name);
  the source rows under it (其中：本年财政拨款, 中央补助, 地方资金 …), each kind added up;
* a total printed 0 / 0 / 0 (or blank) above filled source rows, and a block printed without a total row:
  the sums of the source rows (``FUNDS_TOTAL_RECOMPUTED``);
* a budget printed 0 beside spending: the sum of the source rows' budgets, else 0 as printed (the loader's
  ``ZERO_BUDGET`` warning flags it, the execution rate 无法计算);
* a block with 年初预算数 and no 全年预算数 column (北京 2016, 济南 2019: 执行率(B/A) with A = 年初预算数): the
  budget is the 年初预算数;
* no 分值 column: the weight the block's label states (预算执行情况(20分)), else unknown — never a default 10.
"""

from __future__ import annotations

import re
from decimal import Decimal

from evaltools.data.forms.blocks import UNKNOWN, read_number
from evaltools.data.forms.funds_grid import check_cross_sums, part_rows
from evaltools.data.forms.grid import Percent
from evaltools.data.forms.layout import Form, header_columns
from evaltools.data.forms.layouts import Block
from evaltools.data.forms.values import (
    add_amounts,
    is_unknown_mark,
    money,
    norm,
    percent,
    printed_decimals,
    stated_money_unit,
)
from evaltools.data.schema import BUDGET_BASES

#: The amounts of a funds row, with the name a message gives each.
AMOUNTS = {"budget_initial": "年初预算数", "budget": "全年预算数", "spent": "全年执行数"}
#: How many rows above its header a block label or 单位 cell may state the block's money unit (济南 历城 2019
#: prints 单位 | 万元 eight rows above its funds block; the form's title row bounds the search).
_UNIT_ROWS = 12


#: What a source row's label starts with before the source it names: 其中：本年财政拨款; 资金来源:(1)财政拨款 (南昌
#: 蚕茶卫生院 2021, jiangxi-nanchang-canchawsy-2021-dept: 资金来源:(1)财政拨款 | 全年预算数 | 全年执行数 | 执行率).
_SOURCE_HEADING = re.compile(r"^(?:其中|资金来源)?[:：]?\s*(?:[(（]\d+[)）])?\s*")


def funds_row_kind(label: str, block: Block) -> str | None:
    """The kind of funds row a label names (total, fiscal_current, carryover, other_funds): the longest of the
    block's row labels it starts with."""
    return block.rows.starting(label)[0] if label else None


def _funds_label(form: Form, i: int, first_col: int) -> str:
    grid = form.grid
    parts = [
        grid.text(i, j)
        for j in grid.filled(i)
        if j < first_col and not grid.copied_from_above(i, j) and "预算执行情况" not in grid.text(i, j)
    ]
    return _SOURCE_HEADING.sub("", "".join(parts)).rstrip(":：")


def money_units(form: Form, header: int, cols: dict[str, int]) -> dict[str, Decimal]:
    """The unit of each amount column, as a multiple of 万元: the one its header states (全年预算数（元）), else
    the nearest one stated on the header row or above it (项目资金 (元), 单位 | 万元), else 万元."""
    grid = form.grid
    block_unit = Decimal(1)
    for i in range(header, max(form.start, header - _UNIT_ROWS) - 1, -1):
        stated = [u for j in grid.filled(i) if j not in cols.values() for u in [stated_money_unit(grid.text(i, j))]]
        stated = [u for u in stated if u is not None]
        if stated:
            block_unit = stated[0]
            break
    units = {}
    for key in AMOUNTS:
        own = stated_money_unit(grid.text(header, cols[key])) if key in cols else None
        units[key] = own if own is not None else block_unit
    return units


def read_amount(form: Form, i: int, j: int | None, what: str, unit: Decimal) -> object:
    """An amount in 万元 (None when empty or not applicable, ``?`` when unreadable, with a located warning)."""
    if j is None:
        return None
    value = form.grid.value(i, j)
    if is_unknown_mark(value):
        return UNKNOWN
    amount, reason = money(value, unit)
    if reason:
        form.warn(
            i,
            j,
            f"「{what}」不是金额，按无法辨认处理 / not an amount in 「{what}」: read as unknown",
            repr(value),
            "金额，如 89.974、3359.62万 或 387664.62元",
        )
        return UNKNOWN
    return amount


def _has_amounts(form: Form, i: int, cols: dict[str, int]) -> bool:
    """Whether row ``i`` prints an amount (a number, with or without its unit, or an unreadable ``?``)."""
    for key in AMOUNTS:
        value = form.grid.value(i, cols[key]) if key in cols else None
        if money(value)[0] is not None or is_unknown_mark(value):
            return True
    return False


def _funds_rows(form: Form, header: int, last: int, cols: dict[str, int]) -> tuple[list[tuple[int, str]], int]:
    """(row, kind) of each row of the block under its header, and the row after the block. The row right under
    the header is the total row when it has no label (重庆: the block label merged over it), or when it is
    labelled by the project's name and prints amounts (湖北 hbust 2021: 本专科生奖助学金项目 | 2596 | 2595.6208)."""
    block, first_col = form.block("funds"), min(cols.values())
    rows: list[tuple[int, str]] = []
    i = header + 1
    while i < last:
        label = _funds_label(form, i, first_col)
        kind = funds_row_kind(label, block)
        if kind is None and i == header + 1 and (not label or _named_total(form, i, cols, label)):
            kind = "total"
        if kind is None:
            break
        rows.append((i, kind))
        i += 1
    return rows, i


def _named_total(form: Form, i: int, cols: dict[str, int], label: str) -> bool:
    """Whether a row labelled by something other than a funds row label is the block's one row: it prints
    amounts and its label is no label of another block (年度总体目标, 一级指标 …)."""
    others = [form.block(name) for name in ("goal", "indicators", "names")]
    return _has_amounts(form, i, cols) and not any(b.labelled(label) for b in others)


def read_funds(form: Form, header: int, last: int) -> int:
    """The funds block under its header row (see the module docstring); returns the row after the block."""
    grid, block = form.grid, form.block("funds")
    cols = header_columns(grid, header, block)
    form.funds["budget_basis"] = BUDGET_BASES[0]
    if "budget" not in cols and "budget_initial" in cols:
        cols["budget"] = cols["budget_initial"]  # 执行率(B/A) with A = 年初预算数 (北京 2016, 济南 2019)
        form.funds["budget_basis"] = BUDGET_BASES[1]
    units = money_units(form, header, cols)
    if _inline(form, header, cols):
        return _read_inline(form, header, cols, units)
    rows, after = _funds_rows(form, header, last, cols)
    totals = [i for i, kind in rows if kind == "total"]
    sources = [(i, kind) for i, kind in rows if kind != "total"]
    parts: dict[str, list] = {}
    for i, kind in sources:
        _funds_source(form, i, cols, kind, units, parts)
    if totals:
        _funds_total(form, totals[0], header, cols, units)
        _scored_source(form, header, cols, sources)
        _zero_total(form, totals[0], cols, parts)
        _zero_budget(form, totals[0], cols, parts)
        below = part_rows(form, [i for i, _ in sources], after, last, min(cols.values()))
        check_cross_sums(form, header, totals[0], cols, units["budget"], below)
    else:
        _no_total(form, header, cols, units, sources, parts)
    if form.funds.get("weight") is None:  # no 分值 column, or nothing in it: never a default 10
        row = totals[0] if totals else header
        _stated_weight(form, header, row, cols.get("weight") if totals else None)
    _unknown_amounts(form, totals[0] if totals else header, cols)
    return after


def _next_cell(form: Form, i: int, j: int) -> int | None:
    """The first cell right of ``(i, j)`` that is not part of its merged cell."""
    return next((k for k in form.grid.cells(i) if k > j and form.grid.origins[i][k] != form.grid.origins[i][j]), None)


def _inline(form: Form, header: int, cols: dict[str, int]) -> bool:
    """Whether the header row prints each amount beside its label (成安 2020: 预算数 | 6.84 | 到位数 | 6.84 |
    执行数 | 6.84, hebei-chengan-minzheng-bainian-2020-project.md) rather than under it."""
    if "spent" not in cols:  # a budget-only block (彭水 2024)
        return False
    beside = [_next_cell(form, header, cols[k]) for k in ("budget", "spent")]
    return all(k is not None and money(form.grid.value(header, k))[0] is not None for k in beside)


def _read_inline(form: Form, header: int, cols: dict[str, int], units: dict[str, Decimal]) -> int:
    """A block printing its amounts beside their labels, its rate (预算执行进度(%)) under a heading row above:
    the amounts and the rate of that row; the source rows under it (其中:财政资金 repeated per column) are not
    read. Returns the row after the header."""
    grid, block = form.grid, form.block("funds")
    beside = {k: _next_cell(form, header, j) for k, j in cols.items() if k in AMOUNTS}
    for key, j in beside.items():
        form.funds[key] = read_amount(form, header, j, AMOUNTS[key], units[key])
        form.cells[f"funds.{key}"] = grid.ref(header, j)
    above = header_columns(grid, header - 1, block) if header > form.start else {}
    if "rate" in above:
        _funds_rate(form, header, header - 1, above["rate"])
    form.cells["funds"] = grid.ref(header, min(cols.values()))
    _stated_weight(form, header, header, None)
    _unknown_amounts(form, header, cols)
    return header + 1


def no_funds(form: Form, i: int, j: int) -> None:
    """A form without a funds block (重庆 部门整体 as transcribed, 四川 大英 2023): budget, spending and the
    execution weight unknown — the form is read and audited — with a warning at the form's title."""
    form.funds.update(budget=UNKNOWN, spent=UNKNOWN, weight=UNKNOWN)
    form.warn(
        i,
        j,
        "找不到资金表（项目资金 / 预算执行情况），预算数、执行数按无法辨认处理 / no funds block: budget and spending unknown",
        None,
        "年初预算数 | 全年预算数 | 全年执行数 | 分值 | 执行率 | 得分",
    )


def _unknown_amounts(form: Form, row: int, cols: dict[str, int]) -> None:
    """A budget or spending the block does not print (no figures under the header, a column missing) is
    unknown, with one warning at its cell on the total row (or the header)."""
    missing = [k for k in ("budget", "spent") if form.funds.get(k) is None]
    if not missing:
        return
    j = cols.get(missing[0], min(cols.values()))
    for key in missing:
        form.funds[key] = UNKNOWN
        form.cells.setdefault(f"funds.{key}", form.grid.ref(row, cols.get(key, j)))
    form.warn(
        row,
        j,
        f"资金表未印出{'、'.join(AMOUNTS[k] for k in missing)}，按无法辨认处理 / the funds block prints no "
        f"{' or '.join(missing)}: unknown",
        None,
        "年度资金总额行的全年预算数与全年执行数",
    )


def _funds_total(form: Form, i: int, header: int, cols: dict[str, int], units: dict[str, Decimal]) -> None:
    """The total row's amounts, weight, stated rate (执行率(%) printed as a bare percent number is a percent) and
    score; its cells are the anchors ``funds.<field>``."""
    grid = form.grid
    for key, what in AMOUNTS.items():
        form.funds[key] = read_amount(form, i, cols.get(key), what, units[key])
    form.funds["weight"] = read_number(form, i, cols.get("weight"), "分值")
    _funds_rate(form, i, header, cols.get("rate"))
    form.funds["score"] = read_number(form, i, cols.get("score"), "得分")
    for key, column in cols.items():
        form.cells[f"funds.{key}"] = grid.ref(i, column)
    form.cells["funds"] = grid.ref(i, min(cols.values()))


#: A bare number above this under an 执行率 header is percent points, not a fraction: 79.27 is 79.27 % (重庆 部门整体
#: 2023 prints 执行率 | 79.27 with 权重 10 and 得分 7.93, chongqing-liangping-linye-2023-dept); no form states an
#: execution of 1000 % as the fraction 10.
_PERCENT_POINTS = 10.0
#: The figures of the funds block that score its execution.
_SCORED = ("weight", "rate", "score")


def _funds_rate(form: Form, i: int, header: int, j: int | None) -> None:
    """The stated rate of row ``i``: a percentage as its fraction; a bare number under a header stating % (执行率(%),
    预算执行进度(%)) is a percent (100.00 → 1.0), as is a bare number above :data:`_PERCENT_POINTS`. The number of
    decimals printed (97.80% → 2) is kept as ``rate_decimals``: the rate is checked to half its last digit."""
    rate = read_number(form, i, j, "执行率")
    raw = form.grid.value(i, j) if j is not None else None
    percent_header = j is not None and "%" in form.grid.text(header, j)
    bare = isinstance(rate, float) and not isinstance(raw, Percent) and not norm(raw).endswith("%")
    points = bare and (percent_header or rate > _PERCENT_POINTS)
    if points:
        rate = percent(rate)
    form.funds["rate"] = rate
    form.funds["rate_decimals"] = printed_decimals(raw, points) if isinstance(rate, float) else None


def _scored_source(form: Form, header: int, cols: dict[str, int], sources: list[tuple[int, str]]) -> None:
    """A total row that prints no 执行率 / 分值 / 得分 while a 其中 row does (重庆 部门整体 2023: 年度总金额 | ? | ? | ? |
    | | above 其中财政拨款 | ? | ? | ? | 79.27 | 10 | 7.93, chongqing-liangping-linye-2023-dept — the execution is
    scored on the 财政拨款): the block's execution figures are that row's (the first that prints them); its
    amounts stay the total row's."""
    if any(form.funds.get(k) is not None for k in _SCORED) or not any(k in cols for k in _SCORED):
        return
    grid = form.grid
    row = next((i for i, _ in sources if any(grid.text(i, cols[k]) for k in _SCORED if k in cols)), None)
    if row is None:
        return
    form.funds["weight"] = read_number(form, row, cols.get("weight"), "分值")
    _funds_rate(form, row, header, cols.get("rate"))
    form.funds["score"] = read_number(form, row, cols.get("score"), "得分")
    for key in _SCORED:
        if key in cols:
            form.cells[f"funds.{key}"] = grid.ref(row, cols[key])


def _add(current: object, value: object) -> object:
    """Two figures of one kind added: unknown when either is, the other when one is not printed."""
    if UNKNOWN in (current, value):
        return UNKNOWN
    if isinstance(current, float) and isinstance(value, float):
        return add_amounts(current, value)
    return value if value is not None else current


def _funds_source(form: Form, i: int, cols: dict, kind: str, units: dict[str, Decimal], parts: dict) -> None:
    """A source row (其中：本年财政拨款, 中央补助, 其他资金 …): its 全年预算数 is added to its kind's amount; its
    年初预算数 / 全年预算数 / 全年执行数 are kept in ``parts`` to recompute a total printed 0 or not printed."""
    for key, what in AMOUNTS.items():
        value = read_amount(form, i, cols.get(key), what, units[key]) if key in cols else None
        parts.setdefault(key, []).append(value)
        if key == "budget":
            form.funds[kind] = _add(form.funds.get(kind), value)


def _sums(parts: dict[str, list], keys: list[str]) -> dict[str, object]:
    """Each amount the sum of its source rows' figures (None where they print none)."""
    out: dict[str, object] = {}
    for key in keys:
        total: object = None
        for value in parts.get(key, []):
            total = _add(total, value)
        out[key] = total
    return out


def _recomputed(
    form: Form, i: int, j: int, keys: list[str], printed: list | None, why: str, how: str = "按其中各行合计重算为"
) -> None:
    """The located warning that the block's amounts ``keys`` were taken from its 其中 rows (printed: what the
    total row printed, None when there is no total row)."""
    shown = " / ".join("无法重算" if form.funds.get(k) in (None, UNKNOWN) else f"{form.funds[k]:g}" for k in keys)
    found = None if printed is None else " / ".join("" if v is None else f"{v:g}" for v in printed)
    form.warn(
        i,
        j,
        f"{why}，{how} {shown} / the total is recomputed from its 其中 rows",
        found,
        "年度资金总额 = 其中各行之和",
        code="FUNDS_TOTAL_RECOMPUTED",
    )


def _zero_total(form: Form, i: int, cols: dict[str, int], parts: dict[str, list]) -> None:
    """年度资金总额 printed 0 / 0 / 0 (or blank) above filled 其中 rows (棠溪镇 2022) is not a real zero: each
    figure is the sum of its 其中 rows, or unknown where they print none (never a 0% execution); the rate printed
    for the zero total is left unknown too; a located warning says so."""
    keys = [k for k in AMOUNTS if k in cols]
    printed = [form.funds.get(k) for k in keys]
    sums = _sums(parts, keys)
    if (
        not keys
        or any(v not in (None, 0.0) for v in printed)
        or not any(isinstance(v, float) and v for v in sums.values())
    ):
        return
    for key in keys:
        form.funds[key] = sums[key] if sums[key] is not None else UNKNOWN
    if not form.funds.get("rate"):
        form.funds["rate"] = UNKNOWN
    _recomputed(form, i, cols[keys[0]], keys, printed, "年度资金总额印为 0")


def _zero_budget(form: Form, i: int, cols: dict[str, int], parts: dict[str, list]) -> None:
    """A 全年预算数 printed 0 (or blank) beside spending (稷山 翟店 2021: 0 / 207.4538, 执行率 100%): the sum of the
    其中 rows' budgets where they print one (FUNDS_TOTAL_RECOMPUTED); else a printed 0 is read as 0 — it is
    printed — and the loader flags it (ZERO_BUDGET, a warning at the budget's cell on a form:
    evaltools.data.forms.read.FORM_WARNINGS; the execution score 无法计算), a blank one stays unknown."""
    budget, spent = form.funds.get("budget"), form.funds.get("spent")
    if budget not in (0.0, None) or not (isinstance(spent, float) and spent > 0) or "budget" not in cols:
        return
    summed = _sums(parts, ["budget"])["budget"]
    if isinstance(summed, float) and summed > 0:
        form.funds["budget"] = summed
        why = "全年预算数印为 0 而有支出" if budget == 0 else "全年预算数为空而有支出"
        _recomputed(form, i, cols["budget"], ["budget"], [budget], why)


def _no_total(form: Form, header: int, cols: dict, units: dict, sources: list[tuple[int, str]], parts: dict) -> None:
    """A block printed without its 年度资金总额 row (新洲 2020, 原州 2022 as transcribed): one filled source row
    is the total (its rate and score too); several are added up (FUNDS_TOTAL_RECOMPUTED); none leaves the
    amounts unknown (:func:`_unknown_amounts`)."""
    filled = [i for i, _ in sources if _has_amounts(form, i, cols)]
    if (
        not filled and "rate" in cols
    ):  # amounts lost, the rate printed (南昌 蚕茶卫生院 2021: 资金来源:(1)财政拨款 | | | 103.21%)
        filled = [i for i, _ in sources if form.grid.text(i, cols["rate"])][:1]
    if not filled:
        return
    keys = [k for k in AMOUNTS if k in cols]
    how = "按其中各行合计重算为"
    if len(filled) == 1:
        _funds_total(form, filled[0], header, cols, units)
        how = "按唯一填写的其中行读取为"
    else:
        form.funds.update(_sums(parts, keys))
        form.cells["funds"] = form.grid.ref(filled[0], min(cols.values()))
        for key, column in cols.items():
            form.cells.setdefault(f"funds.{key}", form.grid.ref(filled[0], column))
    _recomputed(form, filled[0], cols[keys[0]], keys, None, "资金表没有年度资金总额行", how)


def _stated_weight(form: Form, header: int, row: int, column: int | None) -> None:
    """The weight of a funds block that prints none (no 分值 column, or its cell blank: 湖北 hbust 2021): the one
    its label or score header states (预算执行情况(20分), 得分(20分*执行率)), else unknown — never a default 10 —
    with a located warning (at the blank 分值 cell, else the header)."""
    grid, block = form.grid, form.block("funds")
    for i in range(max(form.start, header - 1), row + 1):
        for j in grid.filled(i):
            weight = block.stated_weight(grid.text(i, j))
            if weight is not None:
                form.funds["weight"], form.cells["funds.weight"] = weight, grid.ref(i, j)
                return
    at = (row, column) if column is not None else (header, min(grid.filled(header)))
    form.funds["weight"] = UNKNOWN
    form.cells["funds.weight"] = grid.ref(*at)
    form.warn(
        *at,
        "资金表没有分值列或分值为空，也未注明分值，预算执行率得分无法计算 / the funds block prints no weight",
        None,
        "分值列，或表头注明如 预算执行情况(10分)",
    )
