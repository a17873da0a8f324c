"""Sheet 「部门整体」 of the 自评表 workbook: the title (整体支出绩效自评表, or 项目支出绩效自评汇总表 for a unit that
publishes project tables only), the unit's basic data (单位名称, 年度, 编制/在编/其他人员, 资产净值 …), the budget
lines where the data has them (支出项目 | 预算数 | 支出数 | 执行率 | 上年应付未付 | 扣除后执行率), 三公经费, the
projects summary (项目名称 | 全年预算数 | 全年执行数 | 执行率 | 得分 | 等级, each project's 得分 the 总分 of its own
sheet), the unit's total (总分 and 等级: the run's one answer — the unit's published total where it has one, else
the recomputed one — each 无法计算 when unknown), and how many findings the pre-submission check lists, by severity.

It is part of the form the unit submits: no finding's text and no published-versus-recomputed comparison appears
(those are the report's 核查 pages and the 复核意见).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from openpyxl.worksheet.worksheet import Worksheet

from evaltools import labels
from evaltools.data import workbook as W
from evaltools.report.cost_view import HEADERS, HEADING, cost_view
from evaltools.report.form import cells as C
from evaltools.report.kinds import NUMERALS
from evaltools.scoring.completeness import grade_shown, unknown_text

if TYPE_CHECKING:
    from evaltools.scoring.evaluation import Evaluation

DEPARTMENT_SHEET = "部门整体"
#: The sheet's title by what the report evaluates (the kind's ``subject``): the unit as a whole, or its projects.
_TITLES = {"部门整体": "{unit}{year}年度整体支出绩效自评表", "项目": "{unit}{year}年度项目支出绩效自评汇总表"}
#: Column widths (Excel character units) of the sheet.
_DEPARTMENT_WIDTHS = (28, 18, 18, 14, 16, 14, 14)


def department_sheet(ws: Worksheet, ev: Evaluation) -> None:
    """Sheet 「部门整体」: the title, then the five numbered sections, each boxed and followed by a blank row."""
    profile = ev.data.profile
    ncols = len(_DEPARTMENT_WIDTHS)
    C.set_widths(ws, _DEPARTMENT_WIDTHS)
    title = _TITLES.get(ev.report_kind.subject, _TITLES["部门整体"])
    C.title(ws, 1, ncols, title.format(unit=profile.unit, year=profile.year))
    row = 3
    blocks = (
        ("基本情况", _basic_block),
        *((("部门预算执行情况（万元）", _budget_block),) if len(ev.data.budget_lines) else ()),
        *(((f"{HEADING}（万元）", _cost_block),) if cost_view(ev) is not None else ()),
        *((("项目支出绩效自评情况", _projects_block),) if len(ev.projects) else ()),  # none: a 部门整体 table alone
        ("整体绩效评价结果" if ev.report_kind.subject == "部门整体" else "绩效评价结果", _total_block),
        ("提交前数据核查", _findings_block),
    )
    for number, (heading, block) in zip(NUMERALS, blocks):
        start = C.section(ws, row, ncols, f"{number}、{heading}")
        row = block(ws, start, ncols, ev)
        C.box(ws, start, 1, row - 1, ncols)
        row += 1
    C.finish(ws, _DEPARTMENT_WIDTHS, title_rows=1)


def _basic_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「一、基本情况」 from ``row``: name, year, staffing, assets, basis and source; returns the next free row."""
    profile = ev.data.profile
    for label, value in (
        ("单位名称", profile.unit),
        ("年度", profile.year),
        ("单位性质", profile.unit_type),
        ("会计制度", profile.accounting_system),
    ):
        row = C.label_row(ws, row, ncols, label, value, C.YEAR if label == "年度" else None)
    for pairs, number_format in (
        (
            (
                ("编制人数", profile.staff_authorized),
                ("年底在编人数", profile.staff_actual),
                ("其他工作人员", profile.staff_other),
            ),
            C.INTEGER,
        ),
        (
            (
                ("资产净值（万元）", profile.assets_net),
                ("其中：结转下年", profile.assets_carryover),
                ("其中：固定资产", profile.assets_fixed),
            ),
            C.MONEY,
        ),
    ):
        for k, (label, value) in enumerate(pairs):
            C.label_cell(ws.cell(row, 1 + 2 * k), label)
            C.put(ws.cell(row, 2 + 2 * k), value, number_format)
        C.merge(ws, row, 6, row, ncols)
        row += 1
    for label, value in (("评价依据", profile.basis), ("数据来源", profile.source)):
        if C.text_or_none(value) is not None:
            row = C.label_row(ws, row, ncols, label, value, left=False)
    if profile.synthetic:
        row = C.label_row(ws, row, ncols, "说明", C.SYNTHETIC_NOTE, left=False)
    return row


def _budget_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「二、部门预算执行情况」 from ``row``: one row per budget line and the bold total; returns the next free row."""
    C.headers(ws, row, ("支出项目", "预算数", "支出数", "执行率", "上年应付未付", "扣除后执行率", None))
    C.merge(ws, row, 6, row, ncols)
    row += 1
    for line in ev.data.budget_lines.itertuples(index=False):
        payables = getattr(line, "prior_year_payables", None)
        net = ev.rate("line_execution_net", line.line, default=None)
        rate = ev.rate("line_execution", line.line, default=None)
        C.fill_row(
            ws,
            row,
            (
                line.line,
                (line.budget, C.MONEY),
                (line.spent, C.MONEY),
                (rate, C.RATE),
                (payables, C.MONEY),
                (net, C.RATE),
            ),
        )
        C.merge(ws, row, 6, row, ncols)
        row += 1
    dept = _rate_row(ev, "department_execution")
    if dept is not None:
        net = _rate_row(ev, "department_execution_net")
        payables = None if net is None else dept.numerator - net.numerator
        if _unknown_amounts(ev):  # a sum over an unknown amount is unknown, never the known ones added (issue 20)
            dept = dept._replace(numerator=None, denominator=None, value=None)
            payables, net = None, None
        row = C.bold_row(
            ws,
            row,
            (
                "合计（基本支出 + 项目支出）",
                _known(dept.denominator, C.MONEY),
                _known(dept.numerator, C.MONEY),
                _known(dept.value, C.RATE),
                (payables, C.MONEY),
                (None if net is None else net.value, C.RATE),
            ),
            range(1, ncols + 1),
        )
        C.merge(ws, row - 1, 6, row - 1, ncols)
    return row


def _cost_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「三公经费支出情况」 from ``row``: 项目 | 预算数 | 决算数 | 执行率 | 上年决算数 | 增减额 | 增减率, one row per item
    (parts indented as 「其中：…」), unknown figures empty; returns the next free row."""
    view = cost_view(ev)
    C.headers(ws, row, HEADERS)
    row += 1
    for r in view.rows:
        C.fill_row(
            ws,
            row,
            (
                f"其中：{r.item}" if r.part else r.item,
                (r.budget, C.MONEY),
                (r.spent, C.MONEY),
                (r.rate, C.RATE),
                (r.prior, C.MONEY),
                (r.change, C.MONEY),
                (r.change_rate, C.RATE),
            ),
        )
        if r.part:
            ws.cell(row, 1).alignment = C.INDENTED
        row += 1
    if view.sentence:
        C.put(ws.cell(row, 1), view.sentence)
        ws.cell(row, 1).alignment = C.LEFT
        C.merge(ws, row, 1, row, ncols)
        row += 1
    return row


def _projects_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「三、项目支出绩效自评情况」 from ``row``: one row per project and the bold total; returns the next free row."""
    C.headers(ws, row, ("项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "得分", "等级", None))
    C.merge(ws, row, 6, row, ncols)
    row += 1
    for p in ev.projects.itertuples(index=False):
        reason = C.text_or_none(getattr(p, "incomplete", None))
        known = not W.is_missing(p.computed_score) and reason is None
        C.fill_row(
            ws,
            row,
            (
                p.project,
                (p.budget, C.MONEY),
                (p.spent, C.MONEY),
                (p.execution_rate, C.RATE),
                (p.computed_score, C.SCORE) if known else unknown_text(None),
                grade_shown(p.computed_grade if known else None, reason or ""),
            ),
        )
        C.merge(ws, row, 6, row, ncols)
        row += 1
    if len(ev.projects):
        # an unknown amount is not 0: the total of a column with one is unknown (issue 20 item 2)
        budget, spent = (
            None if ev.projects[c].isna().any() else float(ev.projects[c].sum()) for c in ("budget", "spent")
        )
        row = C.bold_row(
            ws,
            row,
            (
                "合计",
                _known(budget, C.MONEY),
                _known(spent, C.MONEY),
                _known(spent / budget if budget and spent is not None else None, C.RATE),
                None,
                None,
            ),
            range(1, ncols + 1),
        )
        C.merge(ws, row - 1, 6, row - 1, ncols)
    return row


def _total_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「整体绩效评价结果」 from ``row``: 总分 — the unit's published total where it has one (as the report, the index
    and summary.json give it), else the total of its sheets, how it is formed said beside it — and 等级, each
    无法计算 with the reason when unknown; returns the next free row."""
    total = ev.total
    reason = total.unknown_reason  # a table cut off / not scored: 无法计算 with the reason (issue 20 item 1)
    published = total.published is not None and not W.is_missing(total.published) and not reason
    how = "单位自评总分（自评报告所列）" if published else labels.TOTAL_METHOD.get(total.method, "")
    score = None if reason else total.score
    for label, value, number_format, note in (
        ("总分", score, C.SCORE, how),
        ("等级", grade_shown(total.grade, reason or "") if not W.is_missing(score) else None, None, None),
    ):
        if W.is_missing(value):  # unknown is shown as 无法计算, never an empty score or grade (issue 20)
            value, number_format = unknown_text(reason), None
        row = _result_row(ws, row, ncols, label, value, number_format, note)
    return row


def _findings_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「提交前数据核查」 from ``row``: how many findings the pre-submission check lists, per severity — counts only,
    their text is in the report's 核查 pages, not in the unit's form; returns the next free row."""
    C.headers(ws, row, ("严重程度", "条数", None))
    C.merge(ws, row, 3, row, ncols)
    row += 1
    counts = ev.findings["severity"].value_counts() if len(ev.findings) else {}
    for severity, title in labels.SEVERITY.items():
        row = _result_row(ws, row, ncols, title, int(counts.get(severity, 0)), C.INTEGER, None)
    C.put(ws.cell(row, 1), f"提交前核查发现共 {len(ev.findings)} 条，逐条列于报告的核查部分，供更正数据后再提交。")
    ws.cell(row, 1).alignment = C.LEFT
    C.merge(ws, row, 1, row, ncols)
    return row + 1


def _result_row(
    ws: Worksheet, row: int, ncols: int, label: str, value: object, number_format: str | None, note: str | None
) -> int:
    """A label, ``value`` in column 2 and ``note`` merged over the rest of the row; returns the next row."""
    C.label_cell(ws.cell(row, 1), label)
    C.put(ws.cell(row, 2), value, number_format)
    C.put(ws.cell(row, 3), note)
    C.merge(ws, row, 3, row, ncols)
    return row + 1


def _known(value: object, number_format: str) -> tuple[object, str | None]:
    """A total's cell: the number in ``number_format``, or 无法计算 when it is unknown (a sum over an unreadable
    amount: shown as unknown, never an empty or 0.00 cell)."""
    return (value, number_format) if not W.is_missing(value) else (unknown_text(None), None)


def _unknown_amounts(ev: Evaluation) -> bool:
    """Whether a budget line's or a project's 预算数 or 支出数 is unknown (blank or unreadable)."""
    frames = (ev.data.budget_lines, ev.projects)
    return any(len(f) and f[["budget", "spent"]].isna().to_numpy().any() for f in frames)


def _rate_row(ev, key: str):
    hit = ev.rates[(ev.rates["key"] == key) & (ev.rates["subject"] == "部门整体")]
    return None if hit.empty else next(hit.itertuples(index=False))
