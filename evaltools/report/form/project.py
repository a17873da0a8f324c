"""One standard 项目支出绩效自评表 per project (财预〔2020〕10号 附件) in the 自评表 workbook, and the unit's own
部门整体支出绩效自评表 in the same layout.

项目名称 / 主管部门 / 实施单位, the 项目资金（万元） block (for the unit's own table: 部门整体支出预算执行情况（万元）)
with its 预算执行率 row (分值 | 执行率 | 得分), the 年度总体目标 block, the indicator table
(一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施) with the
一级/二级指标 cells merged vertically, breakdown rows (``parent`` set) indented under their total as
「其中：…」, and a 总分 row: the sum of the 得分 column (预算执行率 得分 + the indicators that count), 无法计算 when a
part of it is unknown.

This is the form the unit submits: the 偏差原因分析及改进措施 column holds the unit's own ``deviation`` text only (the
tool's findings are in the report's 核查清单 and in findings.xlsx), and no published-versus-recomputed note.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from openpyxl.worksheet.worksheet import Worksheet

from evaltools import fmt
from evaltools.data import workbook as W
from evaltools.fmt import indicator_actual as actual_display
from evaltools.fmt import indicator_target as target_display
from evaltools.report.form import cells as C
from evaltools.scoring.completeness import grade_shown, unknown_text
from evaltools.scoring.indicators import DEPARTMENT

if TYPE_CHECKING:
    from evaltools.scoring.evaluation import Evaluation

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
#: The funds block's label: a project's, the unit's own table's (部门整体支出绩效自评表).
FUNDS_LABEL = "项目资金（万元）"
DEPARTMENT_FUNDS_LABEL = "部门整体支出预算执行情况（万元）"
PART_PREFIX = "其中："
#: The unit's own table (kinds department, department_full): its sheet and its title.
DEPARTMENT_FORM_SHEET = "部门整体支出绩效自评表"
#: Column widths (Excel character units) of the sheet.
_PROJECT_WIDTHS = (18, 18, 24, 18, 26, 9, 13, 42)


def project_sheet(ws: Worksheet, ev: Evaluation, p: Any) -> None:
    """One standard 项目支出绩效自评表 for ``p`` (a row of ``ev.projects``), boxed from row 2 to the last note; for
    the unit's own table (``p`` the row of ``ev.department``) its 部门整体支出绩效自评表 in the same layout, named by
    部门（单位）名称, its goals the profile's."""
    ncols = len(INDICATOR_HEADERS)
    department = str(p.project) == DEPARTMENT
    C.set_widths(ws, _PROJECT_WIDTHS)
    C.title(ws, 1, ncols, f"{DEPARTMENT_FORM_SHEET if department else '项目支出绩效自评表'}（{ev.year} 年度）")
    start = 2
    if department:
        row = C.label_row(ws, start, ncols, "部门（单位）名称", ev.unit)
        goals = "；".join(ev.data.profile.goals) or None
        p = p._replace(goal=goals) if W.is_missing(p.goal) else p
    else:
        row = _project_names(ws, start, ncols, p)
    row = _funds_block(ws, row, p, DEPARTMENT_FUNDS_LABEL if department else FUNDS_LABEL)
    row = _goals_block(ws, row, ncols, p)
    rows = _ordered(ev.project(p.project))
    row = _indicator_table(ws, row, rows)
    row = _score_row(ws, row, p, rows)
    for note in _project_notes(p) + ([C.SYNTHETIC_NOTE] if ev.data.profile.synthetic else []):
        row = C.label_row(ws, row, ncols, "说明", note)
    C.box(ws, start, 1, row - 1, ncols)
    C.finish(ws, _PROJECT_WIDTHS, title_rows=1)


def _project_names(ws: Worksheet, row: int, ncols: int, p: Any) -> int:
    """项目名称 / 主管部门 / 实施单位 from ``row``, each label over two columns; returns the next free row."""
    for label, value in (("项目名称", p.project), ("主管部门", p.department), ("实施单位", p.implementer)):
        C.label_cell(ws.cell(row, 1), label)
        C.merge(ws, row, 1, row, 2)
        C.put(ws.cell(row, 3), value)
        C.merge(ws, row, 3, row, ncols)
        row += 1
    return row


def _funds_block(ws: Worksheet, row: int, p: Any, label: str) -> int:
    """The funds block (``label``: 项目资金（万元）, or the unit's 部门整体支出预算执行情况（万元）) from ``row``: the
    预算执行率 row 年度资金总额 (预算数, 执行数, 分值, 执行率, 得分) and its three sources; returns the next free row."""
    funds_top = row
    C.label_cell(ws.cell(row, 1), label)
    C.headers(ws, row, ("",), first_column=2)
    C.headers(ws, row, FUNDS_HEADERS, first_column=3)
    row += 1
    C.label_cell(ws.cell(row, 2), "年度资金总额")
    C.fill_row(
        ws,
        row,
        (
            (p.budget_initial, C.MONEY),
            (p.budget, C.MONEY),
            (p.spent, C.MONEY),
            (p.execution_weight, C.SCORE),
            (_known_or_printed(p.execution_rate, getattr(p, "stated_rate", None)), C.RATE),
            (_known_or_printed(p.execution_score, getattr(p, "published_execution_score", None)), C.SCORE),
        ),
        first_column=3,
    )
    row += 1
    for label, value in (
        ("其中：本年财政拨款", p.fiscal_current),
        ("上年结转资金", p.carryover),
        ("其他资金", p.other_funds),
    ):
        C.label_cell(ws.cell(row, 2), label)
        ws.cell(row, 2).alignment = C.INDENTED if label != "其中：本年财政拨款" else C.LEFT
        C.fill_row(
            ws,
            row,
            (None, (value, C.MONEY), None, C.NOT_APPLICABLE, C.NOT_APPLICABLE, C.NOT_APPLICABLE),
            first_column=3,
        )
        row += 1
    C.merge(ws, funds_top, 1, row - 1, 1)
    return row


def _known_or_printed(computed: object, printed: object) -> object:
    """The recomputed figure, else the one the form prints (amounts unreadable: 融媒体中心 2021 prints 执行率 76% and
    得分 7.6 beside illegible amounts — issue 20 item 4: printed figures are shown, never left out or made 0)."""
    return printed if W.is_missing(computed) else computed


def _goals_block(ws: Worksheet, row: int, ncols: int, p: Any) -> int:
    """The 年度总体目标 block from ``row``: 预期目标 beside 实际完成情况; returns the next free row."""
    C.label_cell(ws.cell(row, 1), "年度总体目标")
    C.merge(ws, row, 1, row + 1, 1)
    C.headers(ws, row, ("预期目标",), first_column=2)
    C.merge(ws, row, 2, row, 5)
    C.headers(ws, row, ("实际完成情况",), first_column=6)
    C.merge(ws, row, 6, row, ncols)
    row += 1
    for column, value, last in ((2, p.goal, 5), (6, p.result, ncols)):
        C.put(ws.cell(row, column), value)
        ws.cell(row, column).alignment = C.TOP_LEFT
        C.merge(ws, row, column, row, last)
    return row + 1


def _indicator_table(ws: Worksheet, row: int, rows: list) -> int:
    """The indicator table from ``row``: its header (printed on every page) and one row per indicator."""
    C.headers(ws, row, INDICATOR_HEADERS)
    ws.print_title_rows = f"{row}:{row}"
    row += 1
    first = row
    for ind in rows:
        _indicator_row(ws, row, ind)
        row += 1
    _merge_runs(ws, first, rows)
    return row


def _indicator_row(ws: Worksheet, row: int, ind: Any) -> None:
    """One indicator; a breakdown row is indented as 「其中：…」; 偏差原因分析及改进措施 is the unit's own text."""
    part = not W.is_missing(getattr(ind, "parent", None))
    level3 = (PART_PREFIX + str(ind.level3)) if part else ind.level3
    weight, score = _weight_and_score(ind, part)
    C.fill_row(
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
            C.text_or_none(getattr(ind, "deviation", None)),
        ),
    )
    ws.cell(row, 8).alignment = C.LEFT  # wrapped, also where the unit has yet to write its reasons
    if part:
        ws.cell(row, 3).alignment = C.INDENTED


def _weight_and_score(ind: Any, part: bool) -> tuple[tuple | None, tuple | str | None]:
    """The 分值 and 得分 cells of an indicator: blank for a breakdown row, 不适用 / 不计分 when not counted."""
    if part:
        return None, None
    if bool(ind.scored):
        return (ind.weight, C.SCORE), (ind.score, C.SCORE)
    # not applicable, or dropped for want of an actual value: shown, not counted
    applicable = getattr(ind, "applicable", True)
    return (ind.weight, C.SCORE), "不适用" if not W.is_missing(applicable) and not bool(applicable) else "不计分"


def _score_row(ws: Worksheet, row: int, p: Any, rows: list) -> int:
    """The bold 总分 row: total 分值, the total of the 得分 column (:func:`form_total`, 无法计算 when unknown) and
    the grade that follows from it; returns the next row."""
    C.label_cell(ws.cell(row, 1), "总分")
    C.merge(ws, row, 1, row, 5)
    ws.cell(row, 1).alignment = C.CENTER
    total = form_total(p, rows)
    grade = C.text_or_none(getattr(p, "computed_grade", None)) if total is not None else None
    row = C.bold_row(
        ws,
        row,
        (
            (_total_weight(p, rows), C.SCORE),
            (total, C.SCORE) if total is not None else unknown_text(None),
            f"评价等级：{grade}" if grade else _unknown_grade(p),
        ),
        (1, 6, 7),
        first_column=6,
    )
    if total is None:
        ws.cell(row - 1, 7).alignment = C.CENTER
    return row


def form_total(p: Any, rows: list) -> float | None:
    """The 总分 of a form: Σ 得分 = 预算执行率 得分 + the 得分 of every indicator that counts (breakdown rows are
    parts of their total, not added) — the recomputed score (档案保管和整理 2022: 9.67 + 75 = 84.67); None
    (unknown) when any part is unknown or the form cannot be scored (cut off, no 得分 printed). Where 不计分 指标
    are rescaled to 100 (the note says so) the recomputed, rescaled score."""
    computed = getattr(p, "computed_score", None)
    if W.is_missing(computed) or C.text_or_none(getattr(p, "incomplete", None)):
        return None
    counted = [r.score for r in rows if W.is_missing(getattr(r, "parent", None)) and bool(r.scored)]
    if W.is_missing(p.execution_score) or any(W.is_missing(s) for s in counted):
        return None
    return float(computed)


def _unknown_grade(p: Any) -> str:
    """The 总分 row's grade cell of a form whose total is unknown: 评价等级：无法计算（reason）."""
    reason = C.text_or_none(getattr(p, "incomplete", None))
    if reason is None:
        return f"评价等级：{unknown_text(None)}"
    return f"评价等级：{grade_shown(None, reason)}（{reason}）"


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
                C.merge(ws, first + start, column, first + i - 1, column)
                ws.cell(first + start, column).alignment = C.CENTER
                start = i


def _total_weight(p, rows) -> float | None:
    """分值 of the 总分 row: 预算执行率 分值 plus the indicators that count (100 on a complete form); unknown (empty)
    when a 分值 is printed but unreadable or not printed at all — a sum over an unknown is unknown (issue 20 item 2;
    融媒体中心 2021: 「公共服务…」)."""
    if any("weight" in str(getattr(r, "unknown", None) or "").split(",") for r in rows):
        return None
    weights = [r.weight for r in rows if W.is_missing(getattr(r, "parent", None)) and bool(r.scored)]
    if W.is_missing(p.execution_weight) or any(W.is_missing(w) for w in weights):
        return None
    return float(p.execution_weight) + sum(float(w) for w in weights)


def _project_notes(p) -> list[str]:
    """The form's own notes: the rescaling of 不计分 indicators' 分值, where it applies."""
    notes = []
    factor = getattr(p, "rescale_factor", 1.0)
    if not W.is_missing(factor) and abs(float(factor) - 1.0) > 1e-12:
        notes.append(f"不计分指标的分值已剔除，指标得分按 100 分折算（系数 {fmt.num(factor, 4)}）。")
    return notes
