"""Sheet 「部门整体」 of the 自评表 workbook: the title, the unit's basic data (单位名称, 年度, 编制/在编/其他人员,
资产净值 …), the budget lines (支出项目 | 预算数 | 支出数 | 执行率 | 报告所述完成率 …), the projects summary
(项目名称 | 全年预算数 | 全年执行数 | 执行率 | 重算得分 | 公布得分 | 等级), the total (总分, 重算总分, 等级) and the
number of audit findings by severity, pointing to the report's 数据核查 appendix.
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
#: Column widths (Excel character units) of the sheet.
_DEPARTMENT_WIDTHS = (28, 18, 18, 14, 16, 14, 14)


def department_sheet(ws: Worksheet, ev: Evaluation) -> None:
    """Sheet 「部门整体」: the title, then the five numbered sections, each boxed and followed by a blank row."""
    profile = ev.data.profile
    ncols = len(_DEPARTMENT_WIDTHS)
    C.set_widths(ws, _DEPARTMENT_WIDTHS)
    C.title(ws, 1, ncols, f"{profile.unit}{profile.year}年度整体支出绩效自评表")
    row = 3
    blocks = (
        ("基本情况", _basic_block),
        ("部门预算执行情况（万元）", _budget_block),
        *(((f"{HEADING}（万元）", _cost_block),) if cost_view(ev) is not None else ()),
        *((("项目支出绩效自评情况", _projects_block),) if len(ev.projects) else ()),  # none: a 部门整体 table alone
        ("整体绩效评价结果", _total_block),
        ("数据核查", _findings_block),
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
        row = C.label_row(ws, row, ncols, "说明", "本表数据为合成（演示）数据，不是真实单位的数据。", left=False)
    return row


def _budget_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「二、部门预算执行情况」 from ``row``: one row per budget line and the bold total; returns the next free row."""
    C.headers(ws, row, ("支出项目", "预算数", "支出数", "执行率", "报告所述完成率", "上年应付未付", "扣除后执行率"))
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
                (getattr(line, "stated_rate", None), C.RATE),
                (payables, C.MONEY),
                (net, C.RATE),
            ),
        )
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
                (dept.denominator, C.MONEY),
                (dept.numerator, C.MONEY),
                (dept.value, C.RATE),
                None,
                (payables, C.MONEY),
                (None if net is None else net.value, C.RATE),
            ),
            range(1, ncols + 1),
        )
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
    C.headers(
        ws, row, ("项目名称", "全年预算数（万元）", "全年执行数（万元）", "执行率", "重算得分", "公布得分", "等级")
    )
    row += 1
    for p in ev.projects.itertuples(index=False):
        C.fill_row(
            ws,
            row,
            (
                p.project,
                (p.budget, C.MONEY),
                (p.spent, C.MONEY),
                (p.execution_rate, C.RATE),
                (p.computed_score, C.SCORE),
                (p.published_score, C.SCORE),
                p.grade,
            ),
        )
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
                (budget, C.MONEY),
                (spent, C.MONEY),
                (spent / budget if budget and spent is not None else None, C.RATE),
                None,
                None,
                None,
            ),
            range(1, ncols + 1),
        )
    return row


def _total_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「四、整体绩效评价结果」 from ``row``: 总分, 重算总分 and the two grades; returns the next free row."""
    total = ev.total
    method = labels.TOTAL_METHOD.get(total.method, "")
    own_form = total.method == "form"
    published = (
        "报告公布的总分"
        if total.published is not None and not W.is_missing(total.published)
        else f"按{'本表' if own_form else '各项目'}评定得分计算"
    )
    reason = total.unknown_reason  # a table cut off / not scored: 无法计算 with the reason (issue 20 item 1)
    unknown = unknown_text(reason) if reason else None
    for label, value, number_format, note in (
        ("总分", unknown or total.score, None if reason else C.SCORE, published),
        ("重算总分", unknown or total.computed_score, None if reason else C.SCORE, f"按数据重算：{method}"),
        ("等级", grade_shown(total.grade, reason) if reason else total.grade, None, None),
        ("重算等级", grade_shown(total.computed_grade, reason) if reason else total.computed_grade, None, None),
    ):
        if W.is_missing(value):  # unknown is shown as 无法计算, never an empty score or grade (issue 20)
            value, note = C.NOT_APPLICABLE, "无法计算" + (f"（{note}）" if note else "")
        row = _result_row(ws, row, ncols, label, value, number_format, note)
    return row


def _findings_block(ws: Worksheet, row: int, ncols: int, ev: Evaluation) -> int:
    """「五、数据核查」 from ``row``: the number of findings per severity and a pointer to the appendix."""
    C.headers(ws, row, ("严重程度", "条数"))
    C.merge(ws, row, 3, row, ncols)
    row += 1
    counts = ev.findings["severity"].value_counts() if len(ev.findings) else {}
    for severity, title in labels.SEVERITY.items():
        row = _result_row(ws, row, ncols, title, int(counts.get(severity, 0)), C.INTEGER, None)
    C.put(
        ws.cell(row, 1),
        f"核查发现共 {len(ev.findings)} 条，逐条列于自评报告附录「数据核查」；"
        "涉及具体指标的发现也写在各项目表的「偏差原因分析及改进措施」栏。",
    )
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


def _unknown_amounts(ev: Evaluation) -> bool:
    """Whether a budget line's or a project's 预算数 or 支出数 is unknown (blank or unreadable)."""
    frames = (ev.data.budget_lines, ev.projects)
    return any(len(f) and f[["budget", "spent"]].isna().to_numpy().any() for f in frames)


def _rate_row(ev, key: str):
    hit = ev.rates[(ev.rates["key"] == key) & (ev.rates["subject"] == "部门整体")]
    return None if hit.empty else next(hit.itertuples(index=False))
