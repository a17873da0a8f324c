"""The reviewer's workbooks: a 复核底稿 per form (or one workbook per unit, a sheet per form) to be filled in and
read back by :func:`evaltools.data.review_scores.read_reviewer_scores`, and the two lists next year's review reads
(:mod:`.issue_list`: 复核问题清单, 整改台账, re-exported here).

A 复核底稿 sheet: the title, the synthetic-data note (synthetic data only), a header block (被复核单位, 项目,
自评表文件, 自评得分, 重算得分, 自评等级, 重算等级, the form's findings on no single indicator, how to fill it
in), then the indicator table — 一级/二级/三级指标, 分值, 自评得分, 重算得分, 核查发现 (the form's findings on that
indicator) and the reviewer's shaded columns 复核得分 (a decimal 0 … 分值), 扣分项 (a drop-down of the rule book's
items, kept on a hidden sheet) and 复核说明 — then a 预算执行率 row (a project form) and the 总分 row. The form and
each row are named by key cells in a hidden, locked column (:data:`~evaltools.data.review_scores.FORM_KEY`), so
reading back depends on neither the file's nor the sheet's name. The sheet is protected without a password: only
the reviewer's cells can be edited, columns and rows can still be resized."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator
from pathlib import Path
from typing import Any, Literal

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from evaltools import fmt, labels
from evaltools.data import review_scores as R
from evaltools.data import workbook as W
from evaltools.errors import UnsafePathError
from evaltools.paths import safe_component
from evaltools.report.bureau import sheet_style as S
from evaltools.report.bureau.issue_list import write_issue_list, write_rectification

__all__ = ["write_issue_list", "write_rectification", "write_worksheets", "WORKSHEET", "ITEM_SHEET"]

#: The file name's ending and the hidden sheet of rule-book items.
WORKSHEET, ITEM_SHEET = "复核底稿", "扣分项清单"
#: The indicator table's columns (their titles from the reader's layout) and widths; the key column after them.
_COLUMNS = list(R.WORKSHEET_COLUMNS)
_WIDTHS = [10.0, 12.0, 22.0, 7.0, 9.0, 9.0, 40.0, 9.0, 24.0, 28.0]
_KEY_COLUMN = len(_COLUMNS) + 1
_LAST = get_column_letter(len(_COLUMNS))
_DEPARTMENT = "部门整体"
#: What an unknown score reads on the sheet: a self score not printed, a score that cannot be recomputed.
_NOT_STATED, _UNKNOWN = "—", "无法计算"
_HOW = (
    "填写说明：逐项在「复核得分」填写复核后的得分（0 至分值），未复核的留空（留空不等于 0 分）；"
    "有扣分的在「扣分项」下拉列表中选择复核规则的扣分项，并在「复核说明」写明事实及依据。"
    "请勿删除或插入指标行；文件可改名、另存（Excel、WPS、LibreOffice 均可），仍按表内标识读取。"
)
_UNSAFE = re.compile(r'[\x00-\x1f<>:"/\\|?*\[\]]')


def write_worksheets(
    frames: Any,
    book: Any,
    folder: str | Path,
    per: Literal["form", "unit"] = "form",
    synthetic: bool | None = None,
    only: Collection[str] | None = None,
) -> list[Path]:
    """Write the 复核底稿 of every form of ``frames`` (a ReviewFrames: forms, indicators, findings) under
    ``folder``: per="form" → ``<unit>/<project>_复核底稿.xlsx`` per form; per="unit" → ``<unit>_复核底稿.xlsx``
    with one sheet per form. ``book`` (a RuleBook) gives the 扣分项 drop-down ("FH01 description"). ``synthetic``:
    whether to print the synthetic-data note (None: the forms' ``synthetic`` column where there is one).
    ``only``: the ids of the forms to write (e.g. the sample's; None: all; about 20 ms of CPU a form).
    The forms' optional columns ``execution_weight``, ``execution_self_score``, ``execution_score`` fill the
    预算执行率 row's 分值, 自评得分 and 重算得分 (blank when absent: unknown, not 0).
    Returns the files written, in the order of the forms."""
    if per not in ("form", "unit"):
        raise ValueError(f"per must be 'form' or 'unit', not {per!r}")
    root = Path(folder)
    forms = frames.forms if only is None else frames.forms[frames.forms["form"].isin(list(only))]
    flags = (
        forms["synthetic"] if synthetic is None and "synthetic" in forms else pd.Series(bool(synthetic), forms.index)
    )
    forms = forms.assign(print_synthetic=flags.fillna(False).astype(bool).to_numpy())
    choices = [_choice(r) for r in book.items.itertuples(index=False)]
    by_form = {k: g for k, g in frames.indicators.groupby("form", sort=False)}
    findings = _findings_text(frames.findings)
    written: list[Path] = []
    for path, group in _files(root, forms, per):
        wb = Workbook()
        wb.remove(wb.active)
        titles: set[str] = set()
        for form in group.itertuples(index=False):
            ws = wb.create_sheet(_sheet_title(form, titles) if per == "unit" else WORKSHEET)
            _form_sheet(ws, form, by_form.get(form.form), findings, S.list_range(ITEM_SHEET, len(choices)))
        S.list_sheet(wb, ITEM_SHEET, choices)
        wb.active = 0
        path.parent.mkdir(parents=True, exist_ok=True)
        W.save_workbook(wb, path)
        written.append(path)
    return written


def _choice(item: Any) -> str:
    description = fmt.page_text(str(item.description or "")).strip()
    return f"{item.item} {description[:60]}".strip()


def _name(text: object, fallback: str) -> str:
    """A file or sheet name from a unit's or project's name: unsafe characters as _, at most 60 characters, a
    name Windows reserves (CON, NUL …) after a _."""
    name = _UNSAFE.sub("_", fmt.page_text(str(text))).strip(" .")[:60].strip(" .") if not fmt.is_missing(text) else ""
    if not name:
        return fallback
    try:
        return safe_component(name)
    except UnsafePathError:
        return f"_{name}"


def _files(root: Path, forms: pd.DataFrame, per: str) -> Iterator[tuple[Path, pd.DataFrame]]:
    """The workbook of each form (per form) or of each unit (per unit), numbered when two would share a name."""
    used: set[str] = set()
    keys = forms["form"] if per == "form" else forms["unit"]
    for _, group in forms.groupby(keys.to_numpy(), sort=False, dropna=False):
        first = group.iloc[0]
        unit = _name(first["unit"], "单位")
        if per == "form":
            project = _name(first["project"], _DEPARTMENT)
            stem = f"{unit}/{project}_{WORKSHEET}"
        else:
            stem = f"{unit}_{WORKSHEET}"
        name, n = stem, 1
        while name.lower() in used:
            n += 1
            name = f"{stem}_{n}"
        used.add(name.lower())
        yield root.joinpath(*f"{name}.xlsx".split("/")), group


def _sheet_title(form: Any, used: set[str]) -> str:
    base = _name(form.project, _DEPARTMENT)[:28]
    title, n = base, 1
    while title.lower() in used or title in (ITEM_SHEET,):
        n += 1
        title = f"{base[:26]}_{n}"
    used.add(title.lower())
    return title


def _findings_text(findings: pd.DataFrame) -> dict[tuple[str, object], str]:
    """The findings of each (form, indicator) as lines "【错误】message"; indicator "" for the form's others."""
    if findings is None or not len(findings):
        return {}
    shown = findings.assign(
        _line="【"
        + findings["severity"].map(lambda s: labels.SEVERITY.get(s, str(s)))
        + "】"
        + findings["message"].astype(str),
        _indicator=findings["indicator"].fillna("").astype(str),
    )
    return {
        (form, indicator): "\n".join(g["_line"])
        for (form, indicator), g in shown.groupby(["form", "_indicator"], sort=False)
    }


def _form_sheet(ws: Worksheet, form: Any, indicators: pd.DataFrame | None, findings: dict, source: str) -> None:
    """One form's 复核底稿 sheet (see the module's docstring)."""
    indicators = indicators if indicators is not None else pd.DataFrame(columns=["level1", "level3", "weight"])
    row = _head(ws, form, findings.get((form.form, "")))
    header = row
    S.header_row(ws, header, list(R.WORKSHEET_COLUMNS.values()))
    keyed = 0
    bounds: dict[float | None, list[str]] = {}
    for ind in indicators.itertuples(index=False):
        row += 1
        _indicator_row(ws, row, ind, findings.get((form.form, ind.level3), ""))
        bounds.setdefault(_weight(ind.weight), []).append(f"H{row}")
        keyed += 1
    execution = form.kind == "project" and not indicators["level1"].eq("预算执行率").any()
    if execution:
        row += 1
        _execution_row(ws, row, form)
        bounds.setdefault(_weight(getattr(form, "execution_weight", None)), []).append(f"H{row}")
        keyed += 1
    row += 1
    _total_row(ws, row, header, form, indicators, execution)
    keyed += 1
    for high, cells in bounds.items():
        S.decimal_range(ws, cells, high, R.WORKSHEET_COLUMNS["reviewer_score"])
    if keyed > 1:
        S.choice_list(ws, source, f"I{header + 1}:I{row - 1}", R.WORKSHEET_COLUMNS["item"], "从复核规则的扣分项中选择")
    key = {"form": form.form, "unit": form.unit, "project": form.project, "rows": keyed}
    _key_cell(ws, 1, R.key_text(R.FORM_KEY, key))
    _finish(ws, header, bool(form.print_synthetic))


def _weight(value: object) -> float | None:
    return None if fmt.is_missing(value) else float(value)


def _head(ws: Worksheet, form: Any, other_findings: str | None) -> int:
    """The title, the synthetic note and the header block; the row the indicator table's header goes to."""
    project = form.project if not fmt.is_missing(form.project) else _DEPARTMENT
    S.text(ws.cell(1, 1), f"{form.unit}｜{project}  {WORKSHEET}", S.TITLE, S.HEAD)
    S.merge(ws, f"A1:{_LAST}1")
    row = 2
    if form.print_synthetic:
        S.text(ws.cell(row, 1), S.SYNTHETIC_NOTE, S.WARN, S.HEAD)
        S.merge(ws, f"A{row}:{_LAST}{row}")
        row += 1
    where = " · ".join(str(v) for v in (form.file, form.part) if not fmt.is_missing(v)) or f"数据集（{form.form}）"
    block = [
        ("被复核单位", form.unit),
        ("项目", project),
        ("自评表文件", where),
        ("自评得分", _NOT_STATED if fmt.is_missing(form.self_score) else form.self_score),
        ("重算得分", _UNKNOWN if fmt.is_missing(form.computed_score) else form.computed_score),
        ("自评等级", _text(form.self_grade, _NOT_STATED)),
        ("重算等级", _text(form.computed_grade, _UNKNOWN)),
    ]
    if other_findings:
        block.append(("表级核查发现", other_findings))
    block.append(("说明", _HOW))
    for label, value in block:
        S.text(ws.cell(row, 1), label, S.BOLD, S.TOP)
        S.paint(ws.cell(row, 1), fill=S.HEADER_FILL)
        cell = ws.cell(row, 2)
        S.number(cell, value) if isinstance(value, float) else S.text(cell, value)
        S.paint(cell, alignment=S.LEFT)
        S.merge(ws, f"B{row}:{_LAST}{row}")
        n = S.lines(value, sum(_WIDTHS[1:]))
        if n > 1:
            ws.row_dimensions[row].height = n * S.LINE + 3
        row += 1
    return row + 1


def _text(value: object, missing: str) -> str:
    return missing if fmt.is_missing(value) or str(value) == "" else str(value)


def _reviewer_cells(ws: Worksheet, row: int) -> None:
    for j in (8, 9, 10):
        cell = ws.cell(row, j)
        S.paint(cell, fill=S.INPUT_FILL, protection=S.UNLOCKED, font=S.FONT, alignment=S.WRAP if j > 8 else S.TOP)


def _indicator_row(ws: Worksheet, row: int, ind: Any, found: str) -> None:
    for j, name in enumerate(("level1", "level2", "level3"), start=1):
        S.text(ws.cell(row, j), getattr(ind, name, None))
    S.number(ws.cell(row, 4), ind.weight)
    _score(ws.cell(row, 5), ind.self_score, _NOT_STATED)
    _score(ws.cell(row, 6), ind.computed_score, _UNKNOWN)
    S.text(ws.cell(row, 7), found)
    _reviewer_cells(ws, row)
    key = {"role": R.INDICATOR, "level3": ind.level3, "weight": _weight(ind.weight)}
    _key_cell(ws, row, R.key_text(R.ROW_KEY, key))


def _score(cell: Any, value: object, missing: str) -> None:
    if fmt.is_missing(value):
        S.text(cell, missing, alignment=S.RIGHT)
    else:
        S.number(cell, value)


def _execution_row(ws: Worksheet, row: int, form: Any) -> None:
    """The form's 预算执行率 row: the rate with its budget and spending, the score where the forms give it."""
    S.text(ws.cell(row, 1), "预算执行率")
    rate = fmt.pct(getattr(form, "execution_rate", None))
    money = f"全年预算数 {fmt.wan(getattr(form, 'budget', None))} 万元，全年执行数 {fmt.wan(getattr(form, 'spent', None))} 万元"
    S.text(ws.cell(row, 3), f"预算执行率 {rate}（{money}）")
    weight = getattr(form, "execution_weight", None)
    S.number(ws.cell(row, 4), weight)
    _score(ws.cell(row, 5), getattr(form, "execution_self_score", None), _NOT_STATED)
    # 无法计算 only where the forms carry the recomputed 执行率 score and it is unknown; else not given (—)
    _score(
        ws.cell(row, 6),
        getattr(form, "execution_score", None),
        _UNKNOWN if hasattr(form, "execution_score") else _NOT_STATED,
    )
    _reviewer_cells(ws, row)
    key = {"role": R.EXECUTION, "level3": "预算执行率", "weight": _weight(weight)}
    _key_cell(ws, row, R.key_text(R.ROW_KEY, key))


def _total_row(ws: Worksheet, row: int, header: int, form: Any, indicators: pd.DataFrame, execution: bool) -> None:
    """总分: the 分值 summed (unknown when a row's is, the 执行率 row's included), the form's self and recomputed
    totals, and the 复核得分 column summed by a formula (blank while nothing is scored)."""
    S.text(ws.cell(row, 1), "总分", S.BOLD)
    S.merge(ws, f"A{row}:C{row}")
    weights = pd.to_numeric(indicators["weight"], errors="coerce").tolist()
    weights += [getattr(form, "execution_weight", None)] if execution else []
    total = None if not weights or any(fmt.is_missing(w) for w in weights) else float(sum(weights))
    S.number(ws.cell(row, 4), total)
    _score(ws.cell(row, 5), form.self_score, _NOT_STATED)
    _score(ws.cell(row, 6), form.computed_score, _UNKNOWN)
    scores = f"H{header + 1}:H{row - 1}"
    ws.cell(row, 8).value = f'=IF(COUNT({scores})=0,"",SUM({scores}))'
    S.paint(ws.cell(row, 8), font=S.BOLD, number_format="0.00")
    _key_cell(ws, row, R.key_text(R.ROW_KEY, {"role": R.TOTAL, "level3": None, "weight": total}))


def _key_cell(ws: Worksheet, row: int, value: str) -> None:
    cell = ws.cell(row, _KEY_COLUMN)
    W.set_text(cell, value)
    S.paint(cell, protection=S.LOCKED_HIDDEN)


def _finish(ws: Worksheet, header: int, synthetic: bool) -> None:
    """Widths, wrapped rows' heights, the hidden key column, frozen header, print settings and protection."""
    S.widths(ws, _WIDTHS)
    S.grid(ws, header, ws.max_row, len(_COLUMNS))
    S.fit_rows(ws, header + 1, _WIDTHS)
    ws.column_dimensions[get_column_letter(_KEY_COLUMN)].hidden = True
    ws.freeze_panes = f"D{header + 1}"
    ws.print_area = f"A1:{_LAST}{ws.max_row}"
    S.printable(ws, f"{header}:{header}", synthetic)
    ws.protection.sheet = True
    ws.protection.formatColumns = ws.protection.formatRows = ws.protection.formatCells = False
