"""The 自评表 workbook: the department summary and one standard 项目支出绩效自评表 per project.

:func:`write_selfeval_form` turns an :class:`~evaltools.scoring.evaluation.Evaluation` into ``自评表.xlsx``:

* sheet 「部门整体」: the title, the unit's basic data (单位名称, 年度, 编制/在编/其他人员, 资产净值 …),
  the budget lines (支出项目 | 预算数 | 支出数 | 执行率 | 报告所述完成率 …), the projects summary
  (项目名称 | 全年预算数 | 全年执行数 | 执行率 | 重算得分 | 公布得分 | 等级), the total (总分, 重算总分, 等级)
  and the number of audit findings by severity, pointing to the report's 数据核查 appendix;
* one sheet per project in the layout of the standard 项目支出绩效自评表 (财预〔2020〕10号 附件):
  项目名称 / 主管部门 / 实施单位, the 项目资金（万元） block, the 年度总体目标 block, the indicator table
  (一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施) with the
  一级/二级指标 cells merged vertically, breakdown rows (``parent`` set) indented under their total as
  「其中：…」, and a 总分 row; a note row gives the recomputed score where it differs from the assessed one.

Numbers stay numbers with a number format (``0.00`` for money and scores, ``0.00%`` for rates, the
fraction stored); unknown amounts are empty cells, never an invented 0. Every text taken from the data
is stored as text, never as a formula (``=…``, ``+…``, ``@…`` included). The file is written atomically.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from evaltools import fmt, labels
from evaltools.data import workbook as W
from evaltools.fmt import indicator_actual as actual_display  # noqa: F401 - public here too
from evaltools.fmt import indicator_target as target_display

if TYPE_CHECKING:
    import pandas as pd

    from evaltools.scoring.evaluation import Evaluation

#: Audit findings by where they are (see :func:`_findings_by_place`).
_ByPlace = dict[tuple[str, "str | None"], list[tuple[str, str]]]

DEPARTMENT_SHEET = "部门整体"
#: Excel's limit on a sheet title, and the characters it refuses in one.
MAX_SHEET_TITLE = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")

MONEY = fmt.EXCEL_MONEY
#: Scores take the format of their own value (fmt.excel_score_format): 87 as 87, 84.67 as 84.67, as the report prints them.
SCORE = "score"
RATE = fmt.EXCEL_RATE
INTEGER = fmt.EXCEL_COUNT
YEAR = fmt.EXCEL_YEAR

INDICATOR_HEADERS = (
    "一级指标",
    "二级指标",
    "三级指标",
    "年度指标值",
    "实际完成值",
    "分值",
    "得分",
    "偏差原因分析及改进措施",
)
FUNDS_HEADERS = ("年初预算数", "全年预算数（A）", "全年执行数（B）", "分值", "执行率（B/A）", "得分")
PART_PREFIX = "其中："
#: How each direction prefixes a formatted target (range and qualitative targets are written apart).
_NOT_APPLICABLE = "—"

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_TITLE_FONT = Font(bold=True, size=16)
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
_TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
_INDENTED = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)
_NUMBER = Alignment(horizontal="right", vertical="center")

#: Column widths (Excel character units) of the two kinds of sheet.
_PROJECT_WIDTHS = (18, 18, 24, 18, 26, 9, 13, 42)
_DEPARTMENT_WIDTHS = (28, 18, 18, 14, 16, 14, 14)
_LINE_HEIGHT = 15.0


# ----------------------------------------------------------------------------- public API


def write_selfeval_form(ev: Evaluation, path: str | Path) -> Path:
    """Write the 自评表 workbook of ``ev`` (an :class:`~evaltools.scoring.evaluation.Evaluation`) to ``path``.

    The first sheet is 「部门整体」, then one sheet per project in ``ev.projects`` order, titled with
    the project's name made safe for Excel (see :func:`sheet_titles`). ``path`` must end in ``.xlsx``;
    the file is written atomically, so a failure leaves any previous file untouched. Returns the path.
    Raises ValueError for a text Excel cannot hold (control characters, over 32,767 characters).
    """
    path = W.xlsx_path(path)
    wb = Workbook()
    wb.remove(wb.active)
    _department_sheet(wb.create_sheet(DEPARTMENT_SHEET), ev)
    names = [str(p) for p in ev.projects["project"]]
    for project, title in zip(ev.projects.itertuples(index=False), sheet_titles(names, taken=[DEPARTMENT_SHEET])):
        _project_sheet(wb.create_sheet(title), ev, project)
    W.save_workbook(wb, path)
    return path


def sheet_titles(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Excel-safe, unique sheet titles for ``names`` (in order), avoiding the titles in ``taken``.

    Characters Excel refuses (``[ ] : * ? / \\`` and control characters) become ``_``, leading and
    trailing apostrophes and spaces are dropped, titles are cut to 31 characters, an empty title
    becomes 「项目」, and duplicates (compared case-insensitively, as Excel does) get ``(2)``, ``(3)`` ….
    """
    used = {t.lower() for t in taken}
    out = []
    for name in names:
        base = _BAD_SHEET_CHARS.sub("_", str(name)).strip().strip("'").strip() or "项目"
        if base.lower() == "history":  # reserved by Excel
            base += "_"
        base = base[:MAX_SHEET_TITLE]
        title, n = base, 1
        while title.lower() in used:
            n += 1
            suffix = f"({n})"
            title = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        used.add(title.lower())
        out.append(title)
    return out


# ----------------------------------------------------------------------------- 部门整体


def _department_sheet(ws: Worksheet, ev: Evaluation) -> None:
    """Sheet 「部门整体」: the title, then the five numbered sections, each boxed and followed by a blank row."""
    profile = ev.data.profile
    ncols = len(_DEPARTMENT_WIDTHS)
    _widths(ws, _DEPARTMENT_WIDTHS)
    _title(ws, 1, ncols, f"{profile.unit}{profile.year}年度整体支出绩效自评表")
    row = 3
    for heading, block in (
        ("一、基本情况", _basic_block),
        ("二、部门预算执行情况（万元）", _budget_block),
        ("三、项目支出绩效自评情况", _projects_block),
        ("四、整体绩效评价结果", _total_block),
        ("五、数据核查", _findings_block),
    ):
        start = _section(ws, row, ncols, heading)
        row = block(ws, start, ncols, ev)
        _box(ws, start, 1, row - 1, ncols)
        row += 1
    _finish(ws, _DEPARTMENT_WIDTHS, title_rows=1)


def _basic_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「一、基本情况」 from ``row``: name, year, staffing, assets, basis and source; returns the next free row."""
    profile = ev.data.profile
    for label, value in (
        ("单位名称", profile.unit),
        ("年度", profile.year),
        ("单位性质", profile.unit_type),
        ("会计制度", profile.accounting_system),
    ):
        row = _label_row(ws, row, ncols, label, value, YEAR if label == "年度" else None)
    for pairs, number_format in (
        (
            (
                ("编制人数", profile.staff_authorized),
                ("年底在编人数", profile.staff_actual),
                ("其他工作人员", profile.staff_other),
            ),
            INTEGER,
        ),
        (
            (
                ("资产净值（万元）", profile.assets_net),
                ("其中：结转下年", profile.assets_carryover),
                ("其中：固定资产", profile.assets_fixed),
            ),
            MONEY,
        ),
    ):
        for k, (label, value) in enumerate(pairs):
            _label(ws.cell(row, 1 + 2 * k), label)
            _put(ws.cell(row, 2 + 2 * k), value, number_format)
        _merge(ws, row, 6, row, ncols)
        row += 1
    for label, value in (("评价依据", profile.basis), ("数据来源", profile.source)):
        if _text(value) is not None:
            row = _label_row(ws, row, ncols, label, value, left=False)
    if profile.synthetic:
        row = _label_row(ws, row, ncols, "说明", "本表数据为合成（演示）数据，不是真实单位的数据。", left=False)
    return row


def _budget_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「二、部门预算执行情况」 from ``row``: one row per budget line and the bold total; returns the next free row."""
    _headers(ws, row, ("支出项目", "预算数", "支出数", "执行率", "报告所述完成率", "上年应付未付", "扣除后执行率"))
    row += 1
    for line in ev.data.budget_lines.itertuples(index=False):
        payables = getattr(line, "prior_year_payables", None)
        net = ev.rate("line_execution_net", line.line, default=None)
        rate = ev.rate("line_execution", line.line, default=None)
        _row(
            ws,
            row,
            (
                line.line,
                (line.budget, MONEY),
                (line.spent, MONEY),
                (rate, RATE),
                (getattr(line, "stated_rate", None), RATE),
                (payables, MONEY),
                (net, RATE),
            ),
        )
        row += 1
    dept = _rate_row(ev, "department_execution")
    if dept is not None:
        net = _rate_row(ev, "department_execution_net")
        payables = None if net is None else dept.numerator - net.numerator
        row = _bold_row(
            ws,
            row,
            (
                "合计（基本支出 + 项目支出）",
                (dept.denominator, MONEY),
                (dept.numerator, MONEY),
                (dept.value, RATE),
                None,
                (payables, MONEY),
                (None if net is None else net.value, RATE),
            ),
            range(1, ncols + 1),
        )
    return row


def _projects_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「三、项目支出绩效自评情况」 from ``row``: one row per project and the bold total; returns the next free row."""
    _headers(
        ws, row, ("项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "重算得分", "公布得分", "等级")
    )
    row += 1
    for p in ev.projects.itertuples(index=False):
        _row(
            ws,
            row,
            (
                p.project,
                (p.budget, MONEY),
                (p.spent, MONEY),
                (p.execution_rate, RATE),
                (p.computed_score, SCORE),
                (p.published_score, SCORE),
                p.grade,
            ),
        )
        row += 1
    if len(ev.projects):
        budget, spent = float(ev.projects["budget"].sum()), float(ev.projects["spent"].sum())
        row = _bold_row(
            ws,
            row,
            ("合计", (budget, MONEY), (spent, MONEY), (spent / budget if budget else None, RATE), None, None, None),
            range(1, ncols + 1),
        )
    return row


def _total_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「四、整体绩效评价结果」 from ``row``: 总分, 重算总分 and the two grades; returns the next free row."""
    total = ev.total
    method = {"simple": "各项目得分的简单平均", "weighted": "各项目得分按预算加权平均"}.get(total.method, total.method)
    published = (
        "报告公布的总分"
        if total.published is not None and not W.is_missing(total.published)
        else "按各项目评定得分计算"
    )
    for label, value, number_format, note in (
        ("总分", total.score, SCORE, published),
        ("重算总分", total.computed_score, SCORE, f"按数据重算：{method}"),
        ("等级", total.grade, None, None),
        ("重算等级", total.computed_grade, None, None),
    ):
        row = _result_row(ws, row, ncols, label, value, number_format, note)
    return row


def _findings_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「五、数据核查」 from ``row``: the number of findings per severity and a pointer to the appendix."""
    _headers(ws, row, ("严重程度", "条数"))
    _merge(ws, row, 3, row, ncols)
    row += 1
    counts = ev.findings["severity"].value_counts() if len(ev.findings) else {}
    for severity, title in labels.SEVERITY.items():
        row = _result_row(ws, row, ncols, title, int(counts.get(severity, 0)), INTEGER, None)
    _put(
        ws.cell(row, 1),
        f"核查发现共 {len(ev.findings)} 条，逐条列于自评报告附录「数据核查」；"
        "涉及具体指标的发现也写在各项目表的「偏差原因分析及改进措施」栏。",
    )
    ws.cell(row, 1).alignment = _LEFT
    _merge(ws, row, 1, row, ncols)
    return row + 1


def _result_row(
    ws: Worksheet, row: int, ncols: int, label: str, value: object, number_format: str | None, note: str | None
) -> int:
    """A label, ``value`` in column 2 and ``note`` merged over the rest of the row; returns the next row."""
    _label(ws.cell(row, 1), label)
    _put(ws.cell(row, 2), value, number_format)
    _put(ws.cell(row, 3), note)
    _merge(ws, row, 3, row, ncols)
    return row + 1


# ----------------------------------------------------------------------------- 项目支出绩效自评表


def _project_sheet(ws: Worksheet, ev: Evaluation, p: Any) -> None:
    """One standard 项目支出绩效自评表 for ``p`` (a row of ``ev.projects``), boxed from row 2 to the last note."""
    ncols = len(INDICATOR_HEADERS)
    _widths(ws, _PROJECT_WIDTHS)
    _title(ws, 1, ncols, f"项目支出绩效自评表（{ev.year} 年度）")
    start = 2
    row = _project_names(ws, start, ncols, p)
    row = _funds_block(ws, row, p)
    row = _goals_block(ws, row, ncols, p)
    findings = _findings_by_place(ev.findings)
    rows = _ordered(ev.project(p.project))
    row = _indicator_table(ws, row, rows, findings)
    row = _score_row(ws, row, p, rows)
    for note in _project_notes(p) + _project_findings_note(p, findings):
        row = _label_row(ws, row, ncols, "说明", note)
    _box(ws, start, 1, row - 1, ncols)
    _finish(ws, _PROJECT_WIDTHS, title_rows=1)


def _project_names(ws: Worksheet, row: int, ncols: int, p: Any) -> int:
    """项目名称 / 主管部门 / 实施单位 from ``row``, each label over two columns; returns the next free row."""
    for label, value in (("项目名称", p.project), ("主管部门", p.department), ("实施单位", p.implementer)):
        _label(ws.cell(row, 1), label)
        _merge(ws, row, 1, row, 2)
        _put(ws.cell(row, 3), value)
        _merge(ws, row, 3, row, ncols)
        row += 1
    return row


def _funds_block(ws: Worksheet, row: int, p: Any) -> int:
    """The 项目资金（万元） block from ``row``: 年度资金总额 and its three sources; returns the next free row."""
    funds_top = row
    _label(ws.cell(row, 1), "项目资金（万元）")
    _headers(ws, row, ("",), first_column=2)
    _headers(ws, row, FUNDS_HEADERS, first_column=3)
    row += 1
    _label(ws.cell(row, 2), "年度资金总额")
    _row(
        ws,
        row,
        (
            (p.budget_initial, MONEY),
            (p.budget, MONEY),
            (p.spent, MONEY),
            (p.execution_weight, SCORE),
            (p.execution_rate, RATE),
            (p.execution_score, SCORE),
        ),
        first_column=3,
    )
    row += 1
    for label, value in (
        ("其中：本年财政拨款", p.fiscal_current),
        ("上年结转资金", p.carryover),
        ("其他资金", p.other_funds),
    ):
        _label(ws.cell(row, 2), label)
        ws.cell(row, 2).alignment = _INDENTED if label != "其中：本年财政拨款" else _LEFT
        _row(ws, row, (None, (value, MONEY), None, _NOT_APPLICABLE, _NOT_APPLICABLE, _NOT_APPLICABLE), first_column=3)
        row += 1
    _merge(ws, funds_top, 1, row - 1, 1)
    return row


def _goals_block(ws: Worksheet, row: int, ncols: int, p: Any) -> int:
    """The 年度总体目标 block from ``row``: 预期目标 beside 实际完成情况; returns the next free row."""
    _label(ws.cell(row, 1), "年度总体目标")
    _merge(ws, row, 1, row + 1, 1)
    _headers(ws, row, ("预期目标",), first_column=2)
    _merge(ws, row, 2, row, 5)
    _headers(ws, row, ("实际完成情况",), first_column=6)
    _merge(ws, row, 6, row, ncols)
    row += 1
    for column, value, last in ((2, p.goal, 5), (6, p.result, ncols)):
        _put(ws.cell(row, column), value)
        ws.cell(row, column).alignment = _TOP_LEFT
        _merge(ws, row, column, row, last)
    return row + 1


def _indicator_table(ws: Worksheet, row: int, rows: list, findings: _ByPlace) -> int:
    """The indicator table from ``row``: its header (printed on every page) and one row per indicator."""
    _headers(ws, row, INDICATOR_HEADERS)
    ws.print_title_rows = f"{row}:{row}"
    row += 1
    first = row
    for ind in rows:
        _indicator_row(ws, row, ind, findings)
        row += 1
    _merge_runs(ws, first, rows)
    return row


def _indicator_row(ws: Worksheet, row: int, ind: Any, findings: _ByPlace) -> None:
    """One indicator; a breakdown row is indented as 「其中：…」, its notes join deviation and findings."""
    part = not W.is_missing(getattr(ind, "parent", None))
    level3 = (PART_PREFIX + str(ind.level3)) if part else ind.level3
    weight, score = _weight_and_score(ind, part)
    notes = [t for t in (_text(getattr(ind, "deviation", None)),) if t is not None]
    notes += [_finding_text(sev, msg) for sev, msg in findings.get((str(ind.project), ind.level3), [])]
    _row(
        ws,
        row,
        (
            ind.level1,
            ind.level2,
            level3,
            target_display(ind),
            actual_display(ind),
            weight,
            score,
            "\n".join(notes) or None,
        ),
    )
    if part:
        ws.cell(row, 3).alignment = _INDENTED


def _weight_and_score(ind: Any, part: bool) -> tuple[tuple | None, tuple | str | None]:
    """The 分值 and 得分 cells of an indicator: blank for a breakdown row, 不适用 / 不计分 when not counted."""
    if part:
        return None, None
    if bool(ind.scored):
        return (ind.weight, SCORE), (ind.score, SCORE)
    # not applicable, or dropped for want of an actual value: shown, not counted
    applicable = getattr(ind, "applicable", True)
    return (ind.weight, SCORE), "不适用" if not W.is_missing(applicable) and not bool(applicable) else "不计分"


def _score_row(ws: Worksheet, row: int, p: Any, rows: list) -> int:
    """The bold 总分 row: total 分值, the assessed score and the grade; returns the next row."""
    _label(ws.cell(row, 1), "总分")
    _merge(ws, row, 1, row, 5)
    ws.cell(row, 1).alignment = _CENTER
    return _bold_row(
        ws,
        row,
        ((_total_weight(p, rows), SCORE), (p.score, SCORE), f"评价等级：{p.grade}" if _text(p.grade) else None),
        (1, 6, 7),
        first_column=6,
    )


def _ordered(frame) -> list:
    """Indicator rows in the order of the data, each breakdown row moved right under its total."""
    rows = list(frame.itertuples(index=False))
    names = {str(r.level3) for r in rows if W.is_missing(getattr(r, "parent", None))}
    children: dict[str, list] = {}
    for r in rows:
        parent = getattr(r, "parent", None)
        if not W.is_missing(parent) and str(parent) in names:
            children.setdefault(str(parent), []).append(r)
    out = []
    for r in rows:
        parent = getattr(r, "parent", None)
        if not W.is_missing(parent) and str(parent) in names:
            continue  # placed under its total
        out.append(r)
        if W.is_missing(parent):
            out.extend(children.get(str(r.level3), []))
    return out


def _merge_runs(ws: Worksheet, first: int, rows: list) -> None:
    """Merge runs of equal 一级指标, and of equal 二级指标 within them, vertically (as on the paper form)."""
    for column, key in ((1, lambda r: (r.level1,)), (2, lambda r: (r.level1, r.level2))):
        start = 0
        for i in range(1, len(rows) + 1):
            if i == len(rows) or key(rows[i]) != key(rows[start]):
                _merge(ws, first + start, column, first + i - 1, column)
                ws.cell(first + start, column).alignment = _CENTER
                start = i


def _total_weight(p, rows) -> float | None:
    """分值 of the 总分 row: 预算执行率 分值 plus the indicators that count (100 on a complete form)."""
    weights = [
        float(r.weight)
        for r in rows
        if W.is_missing(getattr(r, "parent", None)) and bool(r.scored) and not W.is_missing(r.weight)
    ]
    execution = 0.0 if W.is_missing(p.execution_weight) else float(p.execution_weight)
    return execution + sum(weights)


def _project_notes(p) -> list[str]:
    notes = []
    computed, assessed = getattr(p, "computed_score", None), p.score
    if (
        not W.is_missing(computed)
        and not W.is_missing(assessed)
        and round(float(computed), 2) != round(float(assessed), 2)
    ):
        published = getattr(p, "published_score", None)
        note = f"重算得分 {fmt.score(computed)}（公布得分 {fmt.score(published if not W.is_missing(published) else assessed)}）"
        grade, computed_grade = _text(p.grade), _text(getattr(p, "computed_grade", None))
        if computed_grade is not None and computed_grade != grade:
            note += f"；重算等级 {computed_grade}（公布等级 {grade or '—'}）"
        notes.append(note + "。总分栏为评定得分（公布得分）；上列预算执行率与各指标得分按数据计算。")
    factor = getattr(p, "rescale_factor", 1.0)
    if not W.is_missing(factor) and abs(float(factor) - 1.0) > 1e-12:
        notes.append(f"不计分指标的分值已剔除，指标得分按 100 分折算（系数 {fmt.num(factor, 4)}）。")
    return notes


def _project_findings_note(p: Any, findings: _ByPlace) -> list[str]:
    """The 数据核查 note on the project as a whole (not on one indicator), if any; 提示 findings only confirm figures."""
    project_findings = [
        _finding_text(sev, msg) for sev, msg in findings.get((str(p.project), None), []) if sev != "info"
    ]
    return ["数据核查：" + "\n".join(project_findings)] if project_findings else []


def _findings_by_place(findings: pd.DataFrame) -> _ByPlace:
    """Audit findings by where they are: (project, 三级指标) → [(severity, message)] for a finding on an
    indicator, (project, None) for one on the form as a whole; findings on no form are left out."""
    out: _ByPlace = {}
    for f in findings.itertuples(index=False):
        if isinstance(f.project, str):
            key = (f.project, f.indicator if isinstance(f.indicator, str) else None)
            out.setdefault(key, []).append((str(f.severity), str(f.message)))
    return out


def _finding_text(severity: str, message: str) -> str:
    return f"【核查·{labels.SEVERITY.get(severity, severity)}】{message}"


def _rate_row(ev, key: str):
    hit = ev.rates[(ev.rates["key"] == key) & (ev.rates["subject"] == "部门整体")]
    return None if hit.empty else next(hit.itertuples(index=False))


# ----------------------------------------------------------------------------- cells and layout


def _text(value) -> str | None:
    if W.is_missing(value):
        return None
    text = str(value)
    return text if text.strip() else None


def _put(cell: Cell, value, number_format: str | None = None) -> None:
    """Empty for missing (and for an infinite number), a number with ``number_format`` for numbers,
    anything else as plain text (never a formula)."""
    if W.is_missing(value):
        cell.value = None
    elif isinstance(value, (bool, np.bool_)):
        W.set_text(cell, W.YES if bool(value) else W.NO)
    elif isinstance(value, (int, float, np.integer, np.floating)):
        if not math.isfinite(float(value)):
            cell.value = None
            return
        W.set_number(cell, value)
        cell.number_format = fmt.excel_score_format(value) if number_format == SCORE else number_format or "General"
        cell.alignment = _NUMBER
    else:
        W.set_text(cell, str(value))
        cell.alignment = _LEFT


def _row(ws: Worksheet, row: int, values, first_column: int = 1) -> None:
    """One row of values; a value is plain, or ``(value, number_format)``."""
    for j, value in enumerate(values, start=first_column):
        if isinstance(value, tuple):
            _put(ws.cell(row, j), *value)
        else:
            _put(ws.cell(row, j), value)
            if value == _NOT_APPLICABLE:
                ws.cell(row, j).alignment = _CENTER


def _bold_row(ws: Worksheet, row: int, values: tuple, bold: range | tuple[int, ...], first_column: int = 1) -> int:
    """A :func:`_row` of totals with the cells of the columns ``bold`` in bold; returns the next row."""
    _row(ws, row, values, first_column=first_column)
    for j in bold:
        ws.cell(row, j).font = _BOLD
    return row + 1


def _label_row(
    ws: Worksheet,
    row: int,
    ncols: int,
    label: str,
    value: object,
    number_format: str | None = None,
    *,
    left: bool = True,
) -> int:
    """A label, then ``value`` merged over columns 2 to ``ncols`` (left-aligned if ``left``); returns the next row."""
    _label(ws.cell(row, 1), label)
    _put(ws.cell(row, 2), value, number_format)
    if left:
        ws.cell(row, 2).alignment = _LEFT
    _merge(ws, row, 2, row, ncols)
    return row + 1


def _label(cell: Cell, text: str) -> None:
    W.set_text(cell, text)
    cell.font = _BOLD
    cell.fill = _LABEL_FILL
    cell.alignment = _CENTER


def _headers(ws: Worksheet, row: int, titles, first_column: int = 1) -> None:
    for j, title in enumerate(titles, start=first_column):
        cell = ws.cell(row, j)
        if title:
            W.set_text(cell, title)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTER


def _title(ws: Worksheet, row: int, ncols: int, text: str) -> None:
    cell = ws.cell(row, 1)
    W.set_text(cell, text)
    cell.font = _TITLE_FONT
    cell.alignment = _CENTER
    _merge(ws, row, 1, row, ncols)
    ws.row_dimensions[row].height = 30


def _section(ws: Worksheet, row: int, ncols: int, text: str) -> int:
    cell = ws.cell(row, 1)
    W.set_text(cell, text)
    cell.font = Font(bold=True, size=12)
    cell.alignment = Alignment(horizontal="left", vertical="center")
    _merge(ws, row, 1, row, ncols)
    return row + 1


def _merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def _box(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    """Thin borders on every cell of the rectangle (merged cells included, so Excel draws them)."""
    for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
        for cell in row:
            cell.border = _BORDER


def _widths(ws: Worksheet, widths) -> None:
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width


def _finish(ws: Worksheet, widths, title_rows: int) -> None:
    """Row heights for wrapped text (Excel does not fit merged cells itself) and A4 landscape printing."""
    spans: dict[tuple[int, int], tuple[int, int]] = {}  # top-left → (width in characters, rows spanned)
    covered = set()
    for rng in ws.merged_cells.ranges:
        width = sum(widths[j - 1] for j in range(rng.min_col, rng.max_col + 1) if j <= len(widths))
        spans[(rng.min_row, rng.min_col)] = (width, rng.max_row - rng.min_row + 1)
        covered.update(
            (r, c)
            for r in range(rng.min_row, rng.max_row + 1)
            for c in range(rng.min_col, rng.max_col + 1)
            if (r, c) != (rng.min_row, rng.min_col)
        )
    heights: dict[int, float] = {}
    for row in ws.iter_rows(min_row=title_rows + 1):
        for cell in row:
            # data_type, not isinstance: an exact number is held as a str subclass (see workbook.set_number)
            if cell.data_type != "s" or cell.value is None or (cell.row, cell.column) in covered:
                continue
            width, span = spans.get(
                (cell.row, cell.column), (widths[cell.column - 1] if cell.column <= len(widths) else 10, 1)
            )
            usable = max(width - 1.5, 4)
            lines = sum(max(1, math.ceil(W.display_width(part) / usable)) for part in cell.value.split("\n"))
            need = lines * _LINE_HEIGHT + 4
            per_row = need / span
            heights[cell.row] = max(heights.get(cell.row, 0.0), per_row)
    for r, height in heights.items():
        if height > _LINE_HEIGHT + 5:
            ws.row_dimensions[r].height = min(height, 409)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
