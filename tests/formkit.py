"""Filled-in 自评表 as real finance bureaus lay them out, written by the tests (and the benchmark).

A form is a :class:`Spec` (what is printed in it); a layout turns it into rows of cells with their spans
(:class:`C`), as the templates in ``research/templates.md`` print them:

* :func:`standard` — 财预〔2020〕10号 附件 as used in 安徽 (T3: 天长市水利局, 棠溪镇): 项目名称 / 主管部门 |
  实施单位, 项目资金（万元） with 年度资金总额 / 其中：本年财政拨款 / 上年结转资金 / 其他资金, 年度总体目标
  (预期目标 | 实际完成情况), 一级指标 headings with their weights (产出指标（50分）), 「指标1：」 names, 总分;
* :func:`sichuan` — 四川 部门预算项目支出绩效自评表 (T2, 报表编号 510000_0013zp): 项目基本情况 before the funds,
  预算执行情况(10分) with 总额 / 其中:财政资金 / 财政专户管理资金 / 单位资金 / 其他资金, 指标性质 and 度量单位
  columns, 权重, 合计, 评价结论;
* :func:`shanghai` — 上海 财政项目支出绩效自评表 (T5): amounts in 元, 其中：当年财政拨款, ``=100%`` / ``>=90%``;
* :func:`chongqing` — 重庆 部门整体绩效自评表 (T6): 主管部门 | 财政处室 | 自评总分, 部门预算执行情况 in one row,
  当年绩效目标, 指标名称 | 计量单位 | 指标性质 | 年初指标值 | 调整指标值 | 全年完成值 | 得分系数 | 指标权重 |
  指标得分 | 是否核心指标.

Renderers write a list of laid-out forms to .xlsx (one sheet each, or several in one sheet) or .docx (title
paragraphs, then the table; optionally split in two tables as across a page break).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

FULL_WIDTH = str.maketrans("0123456789.%", "０１２３４５６７８９．％")


@dataclass
class Ind:
    """One indicator row as printed."""

    level1: str
    level2: str
    level3: str
    target: object = None
    actual: object = None
    weight: object = None
    score: object = None
    deviation: str | None = None
    unit: str | None = None
    direction: str | None = None  # 指标性质 column (四川, 重庆)
    adjusted: object = None
    coefficient: object = None
    core: str | None = None


@dataclass
class Spec:
    """What one form prints."""

    kind: str = "project"
    year: int = 2022
    project: str = "示例项目"
    department: str | None = "某某区财政局"
    implementer: str | None = "某某区某某中心"
    budget_initial: object = 100
    budget: object = 100
    spent: object = 95
    fiscal_current: object = 100
    carryover: object = None
    other_funds: object = None
    exec_weight: object = 10
    rate: object = "95.00%"
    exec_score: object = 9.5
    goal: str | None = "完成年度工作任务。"
    result: str | None = "已完成年度工作任务。"
    indicators: list[Ind] = field(default_factory=list)
    total_weight: object = 100
    total_score: object = None
    grade: str | None = None
    heading_weights: bool = True


@dataclass
class C:
    """A cell: its value and how many columns and rows it spans."""

    value: object = None
    cs: int = 1
    rs: int = 1


Rows = list[list[C]]


def _blank(value: object) -> object:
    return "" if value is None else value


def _groups(indicators: list[Ind], key) -> list[tuple[object, list[Ind]]]:
    out: list[tuple[object, list[Ind]]] = []
    for ind in indicators:
        if out and out[-1][0] == key(ind):
            out[-1][1].append(ind)
        else:
            out.append((key(ind), [ind]))
    return out


def _weight_of(inds: list[Ind]) -> str:
    total = sum(float(i.weight) for i in inds if isinstance(i.weight, (int, float)))
    return f"{total:g}"


# ----------------------------------------------------------------------------- layouts


def standard(spec: Spec, *, placeholders: bool = False, grade_row: bool = True) -> tuple[list[str], Rows]:
    """财预〔2020〕10号 附件 / 安徽: (title paragraphs, table rows), 8 columns."""
    rows: Rows = [
        [C("项目名称", 2), C(spec.project, 6)],
        [C("主管部门", 2), C(_blank(spec.department), 2), C("实施单位", 2), C(_blank(spec.implementer), 2)],
        [C("项目资金（万元）", 1, 5), C(""), C("年初预算数"), C("全年预算数（A）"), C("全年执行数（B）")]
        + [C("分值"), C("执行率（B/A）"), C("得分")],
        [C("年度资金总额：")]
        + [C(_blank(v)) for v in (spec.budget_initial, spec.budget, spec.spent, spec.exec_weight, spec.rate)]
        + [C(_blank(spec.exec_score))],
    ]
    for label, value in (
        ("其中：本年财政拨款", spec.fiscal_current),
        ("上年结转资金", spec.carryover),
        ("其他资金", spec.other_funds),
    ):
        rows.append([C(label), C(_blank(value)), C(_blank(value)), C(""), C("—"), C("-"), C("-")])
    rows += [
        [C("年度总体目标", 1, 2), C("预期目标", 4), C("实际完成情况", 3)],
        [C(_blank(spec.goal), 4), C(_blank(spec.result), 3)],
    ]
    header = ("一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施")
    rows.append([C(h) for h in header])
    rows += _indicator_rows(spec, placeholders)
    rows.append([C("总分", 5), C(_blank(spec.total_weight)), C(_blank(spec.total_score)), C("")])
    if grade_row and spec.grade:
        rows.append([C("自评等级", 5), C(spec.grade, 3)])
    return ["项目支出绩效自评表", f"（{spec.year}年度）"], rows


def _indicator_rows(spec: Spec, placeholders: bool) -> Rows:
    rows: Rows = []
    for level1, inds in _groups(spec.indicators, lambda i: i.level1):
        groups = _groups(inds, lambda i: i.level2)
        extra = len(groups) if placeholders else 0
        heading = f"{level1}（{_weight_of(inds)}分）" if spec.heading_weights else level1
        first1 = True
        for level2, items in groups:
            first2 = True
            for n, ind in enumerate(items, start=1):
                cells = [C(heading, 1, len(inds) + extra)] if first1 else []
                cells += [C(level2, 1, len(items) + (1 if placeholders else 0))] if first2 else []
                name = f"指标{n}：{ind.level3}" if placeholders else ind.level3
                cells += [C(name), C(_blank(ind.target)), C(_blank(ind.actual))]
                cells += [C(_blank(ind.weight)), C(_blank(ind.score)), C(_blank(ind.deviation))]
                rows.append(cells)
                first1 = first2 = False
            if placeholders:
                rows.append([C(f"指标{len(items) + 1}："), C(""), C(""), C(""), C(""), C("")])
    return rows


def sichuan(spec: Spec) -> tuple[list[str], Rows]:
    """四川 510000_0013zp: everything in the table (title rows included), 10 columns."""
    rows: Rows = [
        [C("报表编号:510000_0013zp", 10)],
        [C(f"部门预算项目支出绩效自评表({spec.year}年度)", 10)],
        [C("项目名称", 2), C(spec.project, 8)],
        [C("主管部门", 2), C(_blank(spec.department), 3), C("实施单位（盖章）", 2), C(_blank(spec.implementer), 3)],
        [C("项目基本情况", 2, 3), C("1.项目年度目标完成情况", 8)],
        [C("项目年度目标", 4), C("年度目标完成情况", 4)],
        [C(_blank(spec.goal), 4), C(_blank(spec.result), 4)],
        [C("预算执行情况(10分)", 2, 7), C("年度预算数(万元)", 8)],
        [C(""), C("年初预算"), C("调整后预算数"), C("预算执行数"), C("预算执行率"), C("权重"), C("得分"), C("原因")],
        [C("总额")]
        + [C(_blank(v)) for v in (spec.budget_initial, spec.budget, spec.spent, spec.rate, spec.exec_weight)]
        + [C(_blank(spec.exec_score)), C("")],
    ]
    sources = (
        ("其中:财政资金", spec.fiscal_current),
        ("财政专户管理资金", 0),
        ("单位资金", 0),
        ("其他资金", spec.other_funds),
    )
    for label, value in sources:
        rows.append([C(label), C(_blank(value)), C(_blank(value)), C(_blank(value)), C(""), C("/"), C("/"), C("")])
    rows.append([C("绩效指标(90分)", 10)])
    header = (
        "一级指标",
        "二级指标",
        "三级指标",
        "指标性质",
        "指标值",
        "度量单位",
        "完成值",
        "权重",
        "得分",
        "未完成原因分析",
    )
    rows.append([C(h) for h in header])
    for level1, inds in _groups(spec.indicators, lambda i: i.level1):
        first1 = True
        for level2, items in _groups(inds, lambda i: i.level2):
            for k, ind in enumerate(items):
                cells = [C(level1, 1, len(inds))] if first1 else []
                cells += [C(level2, 1, len(items))] if k == 0 else []
                cells += [C(ind.level3), C(_blank(ind.direction)), C(_blank(ind.target)), C(_blank(ind.unit))]
                cells += [C(_blank(ind.actual)), C(_blank(ind.weight)), C(_blank(ind.score)), C(_blank(ind.deviation))]
                rows.append(cells)
                first1 = False
    rows.append([C("合计", 7), C(_blank(spec.total_weight)), C(_blank(spec.total_score)), C("")])
    for label in ("评价结论", "存在问题", "改进措施"):
        rows.append([C(label, 2), C("无", 8)])
    rows.append([C("项目负责人:", 5), C("财务负责人:", 5)])
    return [], rows


def shanghai(spec: Spec) -> tuple[list[str], Rows]:
    """上海: the standard layout with amounts in 元 and 其中：当年财政拨款; the spec's amounts are in 元."""
    titles, rows = standard(replace(spec, heading_weights=False))
    rows[2][0] = C("项目资金（元）", 1, 5)
    rows[4][0] = C("其中：当年财政拨款")
    return ["财政项目支出绩效自评表", f"（{spec.year} 年度）"], rows


def chongqing(spec: Spec) -> tuple[list[str], Rows]:
    """重庆 部门整体绩效自评表: 11 columns, the total in the header, no 总分 row."""
    rows: Rows = [
        [C("主管部门", 2), C(_blank(spec.department), 3), C("财政处室", 2), C(""), C("自评总分(分)", 2)]
        + [C(_blank(spec.total_score))],
        [C("部门联系人", 2), C("张三", 3), C("联系电话", 2), C("", 4)],
        [C("部门预算执行情况(万元)", 2, 2), C("年初预算数", 2), C("全年(调整)预算数", 2), C("全年执行数", 2)]
        + [C("执行率(%)"), C("执行率权重"), C("执行率得分(分)")],
        [C(_blank(spec.budget_initial), 2), C(_blank(spec.budget), 2), C(_blank(spec.spent), 2)]
        + [C(_blank(spec.rate)), C(_blank(spec.exec_weight)), C(_blank(spec.exec_score))],
        [C("当年绩效目标", 2, 2), C("年初绩效目标", 3), C("全年(调整)绩效目标", 3), C("全年目标实际完成情况", 3)],
        [C(_blank(spec.goal), 3), C("无", 3), C(_blank(spec.result), 3)],
    ]
    header = ("指标名称", "计量单位", "指标性质", "年初指标值", "调整指标值", "全年完成值", "得分系数(%)")
    rows.append(
        [C("绩效指标", 1, len(spec.indicators) + 1)]
        + [C(h) for h in header + ("指标权重(分)", "指标得分(分)", "是否核心指标")]
    )
    for ind in spec.indicators:
        values = (ind.level3, ind.unit, ind.direction, ind.target, ind.adjusted, ind.actual, ind.coefficient)
        rows.append([C(_blank(v)) for v in values + (ind.weight, ind.score, ind.core)])
    return ["部门整体绩效自评表", f"（{spec.year}年度）"], rows


# ----------------------------------------------------------------------------- rendering


def placed(rows: Rows) -> tuple[list[tuple[int, int, C]], int]:
    """Each cell's (row, column) once the cells spanning from rows above are skipped, and the width."""
    taken: set[tuple[int, int]] = set()
    out = []
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            taken.update((r + dr, c + dc) for dr in range(cell.rs) for dc in range(cell.cs))
            c += cell.cs
    width = max((c + 1 for _, c in taken), default=0)
    return out, width


def write_xlsx(
    path: Path,
    sheets: list[tuple[str, list[tuple[list[str], Rows]]]],
    *,
    at: tuple[int, int] = (1, 1),
    gap: int = 2,
    title_rows: int = 1,
) -> Path:
    """A workbook: each sheet holds one or more forms, stacked with ``gap`` blank rows, from cell ``at``."""
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    for name, forms in sheets:
        ws = wb.create_sheet(name)
        row0 = at[0]
        for titles, rows in forms:
            cells, width = placed(rows)
            for text in titles:
                ws.cell(row0, at[1], text)
                ws.merge_cells(
                    start_row=row0, start_column=at[1], end_row=row0 + title_rows - 1, end_column=at[1] + width - 1
                )
                row0 += title_rows
            for r, c, cell in cells:
                target = ws.cell(row0 + r, at[1] + c, cell.value if cell.value != "" else None)
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    target.data_type = "s"  # typed as text ('=100%), not a formula
                if cell.cs > 1 or cell.rs > 1:
                    ws.merge_cells(
                        start_row=row0 + r,
                        start_column=at[1] + c,
                        end_row=row0 + r + cell.rs - 1,
                        end_column=at[1] + c + cell.cs - 1,
                    )
            row0 += len(rows) + gap
    wb.save(path)
    return path


def write_docx(
    path: Path, forms: list[tuple[list[str], Rows]], *, split_at: int | None = None, repeat_header: int | None = None
) -> Path:
    """A Word document: per form its title paragraphs, then its table; ``split_at`` splits the table into two
    tables at that row (a page break between), repeating row ``repeat_header`` at the top of the second."""
    import docx

    document = docx.Document()
    for titles, rows in forms:
        for text in titles:
            document.add_paragraph(text)
        parts = (
            [rows]
            if split_at is None
            else [rows[:split_at], ([rows[repeat_header]] if repeat_header is not None else []) + rows[split_at:]]
        )
        for k, part in enumerate(parts):
            if k:
                document.add_paragraph("")
            _docx_table(document, part)
    document.save(str(path))
    return path


def _docx_table(document, rows: Rows) -> None:
    cells, width = placed(rows)
    height = max((r + cell.rs for r, _, cell in cells), default=0)
    table = document.add_table(rows=height, cols=width)
    grid = table._cells  # every cell once, before any merge (table.cell() would recompute it each time)
    for r, c, cell in cells:
        top = grid[r * width + c]
        if cell.value not in (None, ""):
            top.text = str(cell.value) if not isinstance(cell.value, float) else f"{cell.value:g}"
        if cell.cs > 1 or cell.rs > 1:
            top.merge(grid[(r + cell.rs - 1) * width + c + cell.cs - 1])


def full_width(spec: Spec) -> Spec:
    """The same form with its figures typed as text in full-width digits (８８０, ９５％)."""
    conv = lambda v: str(v).translate(FULL_WIDTH) if isinstance(v, (int, float, str)) and v != "" else v  # noqa: E731
    inds = [
        replace(i, target=conv(i.target), actual=conv(i.actual), weight=conv(i.weight), score=conv(i.score))
        for i in spec.indicators
    ]
    money = {
        k: conv(getattr(spec, k))
        for k in ("budget_initial", "budget", "spent", "fiscal_current", "exec_score", "total_score")
    }
    return replace(spec, indicators=inds, **money)


def split_row(rows: Rows, groups: int = 1) -> int:
    """The row where a standard layout's table can be split (page break) after its first ``groups`` 一级 groups:
    no cell spans across it."""
    header = next(i for i, r in enumerate(rows) if r and r[0].value == "一级指标")
    i = header + 1
    for _ in range(groups):
        i += rows[i][0].rs
    return i


def spec_from_evaluation(ev, project: str) -> Spec:
    """The Spec of a project's form as evaltools' own 自评表.xlsx prints it (report/form/project.py): the same figures,
    targets and actuals as the report formats them, the assessed scores, breakdowns as 「其中：…」."""
    from evaltools import fmt

    p = ev.projects.set_index("project").loc[project]
    value = lambda x: None if fmt.is_missing(x) else (float(x) if not isinstance(x, str) else x)  # noqa: E731
    inds = []
    for r in ev.project(project).itertuples(index=False):
        part = not fmt.is_missing(r.parent)
        score = None if part else (r.score if bool(r.scored) else ("不计分" if bool(r.applicable) else "不适用"))
        inds.append(
            Ind(
                r.level1,
                r.level2,
                ("其中：" if part else "") + r.level3,
                fmt.indicator_target(r),
                fmt.indicator_actual(r),
                None if part else value(r.weight),
                value(score) if not isinstance(score, str) else score,
                None if fmt.is_missing(r.deviation) else r.deviation,
            )
        )
    return Spec(
        year=ev.year,
        project=project,
        department=value(p["department"]),
        implementer=value(p["implementer"]),
        budget_initial=value(p["budget_initial"]),
        budget=value(p["budget"]),
        spent=value(p["spent"]),
        fiscal_current=value(p["fiscal_current"]),
        carryover=value(p["carryover"]),
        other_funds=value(p["other_funds"]),
        exec_weight=value(p["execution_weight"]),
        rate=f"{float(p['execution_rate']) * 100!r}%",
        exec_score=value(p["execution_score"]),
        goal=value(p["goal"]),
        result=value(p["result"]),
        indicators=inds,
        total_weight=None,
        total_score=value(p["computed_score"]),  # the form's 总分: Σ 得分, the recomputed score (report/form)
        grade=value(p["computed_grade"]),
        heading_weights=False,
    )


# ----------------------------------------------------------------------------- a bureau's year of forms

#: Quantitative indicators: (一级, 二级, name, unit, direction, target); percentages as fractions.
QUANTITATIVE = (
    ("产出指标", "数量指标", "举办活动场次", "场", ">=", 40),
    ("产出指标", "数量指标", "服务人次", "人次", ">=", 1200),
    ("产出指标", "数量指标", "培训人数", "人", ">=", 300),
    ("产出指标", "质量指标", "验收合格率", "%", ">=", 0.95),
    ("产出指标", "时效指标", "按时完成率", "%", ">=", 0.9),
    ("产出指标", "成本指标", "项目总成本", "万元", "<=", 0),  # target = the budget
    ("效益指标", "社会效益指标", "受益群众人数", "人", ">=", 5000),
    ("满意度指标", "服务对象满意度指标", "服务对象满意度", "%", ">=", 0.9),
)
QUALITATIVE = (
    ("效益指标", "社会效益指标", "社会影响", "效果明显"),
    ("效益指标", "可持续影响指标", "长效机制建设", "持续发挥作用"),
)
DEPARTMENT_INDICATORS = (
    ("预算完成率", "%", "定量指标", 0.9),
    ("公用经费控制率", "%", "定量指标", 1.0),
    ("固定资产利用率", "%", "定量指标", 0.85),
    ("播发稿件数量", "篇", "定量指标", 2000),
    ("组织宣传活动次数", "次", "定量指标", 40),
    ("管理制度健全性", None, "定性指标", "健全"),
)
UNITS = (
    "青山区文化馆",
    "青山区图书馆",
    "青山区水利局",
    "青山区就业服务中心",
    "青山区农业农村局",
    "青山区卫健委",
    "绿水县教育局",
    "绿水县民政局",
    "绿水县融媒体中心",
    "绿水县司法局",
    "绿水县交通运输局",
    "绿水县体育中心",
)
#: Planted defects: name → the finding codes (errors and warnings) each must give.
DEFECTS = {
    "rate": {"RATE_MISMATCH"},
    "execution_score": {"EXECUTION_SCORE_DIFFERS"},
    "total": {"SCORE_DIFFERS"},
    "above_weight": {"SCORE_ABOVE_WEIGHT", "SCORE_DIFFERS"},
    "weights": {"WEIGHTS_NOT_100"},
    "below_target": {"FULL_MARKS_BELOW_TARGET", "SCORE_DIFFERS"},
    "sources": {"SUM_MISMATCH"},
    "unreadable": {"UNKNOWN_FIGURE", "TOTAL_UNKNOWN"},
    "low_execution": {"EXECUTION_LOW"},
    "grade": {"GRADE_MISMATCH"},
    "overachieved": {"OVERACHIEVED"},
}
PROJECT_ONLY = {"sources", "grade"}
#: Cells a form prints that cannot be read: the form is read with them unknown (issue 19), giving these codes
#: with the reading's FORM_UNKNOWN at the cell (which stands for the UNKNOWN_FIGURE of a ? printed: one per cell).
READ_AS_UNKNOWN = {"amount_in_words": {"TOTAL_UNKNOWN"}, "weight_in_words": DEFECTS["unreadable"] - {"UNKNOWN_FIGURE"}}
#: Forms read whole that the reader warns about: a form printing no year anywhere is read, its year unknown.
READ_WITH_WARNING = {"no_year": {"YEAR_UNKNOWN"}}


def _pct(x: float) -> str:
    return f"{x * 100:.2f}%".replace(".00%", "%")


def _shown(value: float, unit: str | None, direction: str | None = None) -> str:
    prefix = {">=": "≥", "<=": "≤"}.get(direction or "", "")
    if unit == "%":
        return prefix + _pct(value)
    return f"{prefix}{value:g}{unit or ''}"


def _project_indicators(rng, budget: float) -> list[dict]:
    """Eight indicators, weights 90 in all (50 产出, 30 效益, 10 满意度), each meeting its target."""
    weights = {"产出指标": [10, 10, 10, 10, 10], "效益指标": [15, 15], "满意度指标": [10]}
    picks = [q for q in QUANTITATIVE if q[0] == "产出指标"]
    rows = []
    for q, w in zip(rng.sample(picks, 5), weights["产出指标"]):
        rows.append(_quantity_row(q, w, budget, rng))
    rows.append(_quantity_row(QUANTITATIVE[6], 15, budget, rng))
    l1, l2, name, target = QUALITATIVE[rng.randrange(2)]
    rows.append(
        {
            "level1": l1,
            "level2": l2,
            "level3": name,
            "target": target,
            "actual": "达成预期指标",
            "weight": 15,
            "score": 13.5,
            "unit": None,
            "direction": None,
            "t": None,
            "a": None,
        }
    )
    rows.append(_quantity_row(QUANTITATIVE[7], 10, budget, rng))
    return rows


def _quantity_row(q, weight: float, budget: float, rng) -> dict:
    level1, level2, name, unit, direction, target = q
    if direction == "<=":
        target = round(budget, 2)
        actual = round(target * rng.uniform(0.9, 1.0), 2)
    else:
        actual = round(target * rng.uniform(1.0, 1.2), 2 if unit != "%" else 4)
    if unit == "%":
        actual = min(actual, 1.0) if target <= 1 else actual
    return {
        "level1": level1,
        "level2": level2,
        "level3": name,
        "unit": unit,
        "direction": direction,
        "t": target,
        "a": actual,
        "weight": weight,
        "score": weight,
    }


def _department_indicators(rng) -> list[dict]:
    weights = [20, 15, 15, 15, 15, 10]
    rows = []
    for (name, unit, nature, target), w in zip(DEPARTMENT_INDICATORS, weights):
        if nature == "定性指标":
            rows.append(
                {
                    "level1": "",
                    "level2": "",
                    "level3": name,
                    "unit": None,
                    "direction": nature,
                    "target": target,
                    "actual": "达成预期指标",
                    "t": None,
                    "a": None,
                    "weight": w,
                    "score": w * 0.9,
                }
            )
            continue
        actual = round(target * (0.97 if "控制率" in name else rng.uniform(1.0, 1.15)), 4 if unit == "%" else 0)
        rows.append(
            {
                "level1": "",
                "level2": "",
                "level3": name,
                "unit": unit,
                "direction": nature,
                "t": target,
                "a": actual,
                "weight": w,
                "score": w,
            }
        )
    return rows


def _grade(score: float) -> str:
    return "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"


def _plant(rows: list[dict], money: dict, defect: str | None, department: bool) -> None:
    """Change one figure of a clean form so that it shows ``defect`` (see :data:`DEFECTS`)."""
    first = next(
        r for r in rows if r["t"] is not None and r["direction"] in (">=", "定量指标") and "控制率" not in r["level3"]
    )
    if defect == "above_weight":
        rows[0]["score"] = rows[0]["weight"] + 2
    elif defect == "weights":
        rows[0]["weight"] -= 5
        rows[0]["score"] -= 5
    elif defect == "below_target":
        first["a"] = round(first["t"] * 0.8, 4)
    elif defect == "overachieved":
        first["a"] = round(first["t"] * 2, 4)
    elif defect == "unreadable":
        first["a"] = "?"
    elif defect == "low_execution":
        money["spent"] = round(money["budget"] * 0.7, 2)


def _money(rng, defect: str | None) -> dict:
    budget = round(rng.uniform(10, 500), 2)
    money = {"budget": budget, "budget_initial": budget, "spent": round(budget * rng.uniform(0.92, 1.0), 2)}
    if defect == "low_execution":
        money["spent"] = round(budget * 0.7, 2)
    rate = money["spent"] / budget
    money["exec_score"] = round(min(rate, 1.0) * 10, 2)
    money["rate"] = _pct(rate + (0.05 if defect == "rate" else 0.0))
    return money


def _printed_value(value: object, unit: str | None, layout: str, direction: str | None = None) -> object:
    """A target or actual as the layout prints it: 四川 and 重庆 a bare number beside a unit column."""
    if isinstance(value, str) or value is None:
        return value
    if layout in ("sichuan", "chongqing"):
        return (
            _pct(value)
            if unit == "%" and layout == "chongqing"
            else f"{value * 100:g}"
            if unit == "%"
            else f"{value:g}"
        )
    return _shown(value, unit, direction)


def _inds(rows: list[dict], layout: str) -> list[Ind]:
    out = []
    for r in rows:
        target = r.get("target") if r["t"] is None else _printed_value(r["t"], r["unit"], layout, r["direction"])
        actual = r.get("actual") if r["a"] is None else _printed_value(r["a"], r["unit"], layout)
        column = (
            {">=": "≥", "<=": "≤", None: "定性"}.get(r["direction"], r["direction"])
            if layout in ("sichuan", "chongqing")
            else None
        )
        unit = r["unit"] if layout in ("sichuan", "chongqing") else None
        extra = {"coefficient": f"{r['score'] / r['weight']:.0%}", "core": "否"} if layout == "chongqing" else {}
        out.append(
            Ind(
                r["level1"],
                r["level2"],
                r["level3"],
                target,
                actual,
                r["weight"],
                r["score"],
                unit=unit,
                direction=column,
                **extra,
            )
        )
    return out


def make_form(rng, unit: str, n: int, layout: str, defect: str | None) -> tuple[list[str], Rows]:
    """One filled-in form of ``unit`` in ``layout`` (standard, sichuan, shanghai, chongqing), clean or showing
    ``defect``: its figures agree with each other and with the mof rule set unless a defect is planted."""
    department = layout == "chongqing"
    money = _money(rng, defect)
    rows = _department_indicators(rng) if department else _project_indicators(rng, money["budget"])
    _plant(rows, money, defect, department)
    total = round(money["exec_score"] + sum(r["score"] for r in rows), 2)
    printed_exec = money["exec_score"] - 1 if defect == "execution_score" else money["exec_score"]
    scale = 10000 if layout == "shanghai" else 1
    amount = lambda x: f"{x * scale:.2f}" if scale != 1 else x  # noqa: E731
    spec = Spec(
        kind="department" if department else "project",
        year=2023,
        project=f"{unit}第{n}号项目",
        department=unit if department else unit[:3] + "财政局",
        implementer=unit,
        budget_initial=amount(money["budget_initial"]),
        budget=amount(money["budget"]),
        spent=amount(money["spent"]),
        fiscal_current=amount(money["budget"] - (5 if defect == "sources" else 0)),
        rate=money["rate"],
        exec_score=printed_exec,
        indicators=_inds(rows, layout),
        total_score=total - 5 if defect == "total" else total,
        grade=("良" if defect == "grade" else _grade(total)) if layout == "standard" and total <= 100 else None,
    )
    return {"standard": standard, "sichuan": sichuan, "shanghai": shanghai, "chongqing": chongqing}[layout](spec)


@dataclass
class Bureau:
    """What :func:`bureau` wrote: the forms (relative file, part, defect or None) and the broken files
    (relative file, part or None, a words its reason must contain)."""

    forms: list[tuple[str, str, str | None]] = field(default_factory=list)
    broken: list[tuple[str, str | None, str]] = field(default_factory=list)


LAYOUT_CYCLE = ("standard", "sichuan", "standard", "shanghai", "chongqing")


def bureau(root: Path, n: int = 200, seed: int = 0, broken: bool = True) -> Bureau:
    """A finance bureau's year: ``n`` forms of 12 units in nested folders (区/单位/项目), xlsx and docx, every
    layout and both kinds, a third of them with a planted defect; with ``broken``, files that cannot be read."""
    import random

    rng = random.Random(seed)
    out = Bureau()
    defects = list(DEFECTS)
    i = 0
    while i < n:
        unit = UNITS[i % len(UNITS)]
        layout = LAYOUT_CYCLE[i % len(LAYOUT_CYCLE)]
        defect = defects[(i // 3) % len(defects)] if i % 3 == 0 else None
        if defect in PROJECT_ONLY and layout != "standard":
            layout = "standard"
        folder = Path(unit[:3]) / unit / ("部门整体" if layout == "chongqing" else "项目")
        (root / folder).mkdir(parents=True, exist_ok=True)
        laid = make_form(rng, unit, i, layout, defect)
        two = i % 10 == 5 and i + 1 < n and layout != "chongqing"
        if i % 2 == 0 or two:
            name = folder / f"{i:03d}-{layout}.xlsx"
            sheets = [(f"表{i}", [laid])]
            out.forms.append((str(name), f"表{i}", defect))
            if two:
                i += 1
                sheets.append((f"表{i}", [make_form(rng, unit, i, "standard", None)]))
                out.forms.append((str(name), f"表{i}", None))
            write_xlsx(root / name, sheets)
        else:
            name = folder / f"{i:03d}-{layout}.docx"
            write_docx(root / name, [laid])
            out.forms.append((str(name), "表格 1", defect))
        i += 1
    if broken:
        _broken_files(root, rng, out)
    return out


def _broken_files(root: Path, rng, out: Bureau) -> None:
    folder = root / "有问题的表"
    (folder / "旧格式").mkdir(parents=True, exist_ok=True)
    for name, how in (("旧格式/项目.doc", "docx"), ("旧格式/项目.xls", "xlsx"), ("旧格式/项目.et", "xlsx")):
        (folder / name).write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
        out.broken.append((f"有问题的表/{name}", None, how))
    (folder / "损坏.xlsx").write_bytes(bytes(rng.randrange(256) for _ in range(300)))
    out.broken.append(("有问题的表/损坏.xlsx", None, "cannot open"))
    (folder / "空.docx").write_bytes(b"")
    out.broken.append(("有问题的表/空.docx", None, "cannot open"))
    titles, rows = make_form(rng, "青山区文化馆", 900, "standard", None)
    rows[3][2] = C("三万")  # 全年预算数 typed in words
    write_docx(folder / "金额写成汉字.docx", [(titles, rows)])
    out.forms.append(("有问题的表/金额写成汉字.docx", "表格 1", "amount_in_words"))  # read, 三万 unknown
    titles, rows = make_form(rng, "青山区文化馆", 903, "standard", None)
    write_xlsx(folder / "没有年度.xlsx", [("表1", [(titles[:1], rows)])])
    out.forms.append(("有问题的表/没有年度.xlsx", "表1", "no_year"))  # read and audited, its year unknown (a warning)
    write_docx(folder / "没有指标.docx", [(titles, rows[:9])])
    out.broken.append(("有问题的表/没有指标.docx", "表格 1", "no indicator block"))
    good = make_form(rng, "青山区图书馆", 901, "standard", None)
    bad_titles, bad_rows = make_form(rng, "青山区图书馆", 902, "standard", None)
    header = next(k for k, r in enumerate(bad_rows) if r and r[0].value == "一级指标")
    bad_rows[header + 1][5] = C("十分")
    write_xlsx(folder / "一好一坏.xlsx", [("好表", [good]), ("坏表", [(bad_titles, bad_rows)])])
    out.forms.append(("有问题的表/一好一坏.xlsx", "好表", None))
    out.forms.append(("有问题的表/一好一坏.xlsx", "坏表", "weight_in_words"))  # read, 十分 unknown
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "单位通讯录"
    wb.save(folder / "不是自评表.xlsx")
    out.broken.append(("有问题的表/不是自评表.xlsx", None, "no 自评表"))


# ----------------------------------------------------------------------------- printed grids (the real-form corpus)

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


def grid_rows(grid: list[list], *, numbers: bool = False) -> Rows:
    """A printed grid as laid-out rows: each cell a string or ``{text, span: [rows, cols]}`` (tests/corpus/forms);
    with ``numbers``, plain decimal texts become numbers (as a spreadsheet stores typed figures)."""

    def value(text: object) -> object:
        text = "" if text is None else text
        if numbers and isinstance(text, str) and _NUMBER.fullmatch(text):
            return float(text) if "." in text else int(text)
        return text

    rows: Rows = []
    for row in grid:
        cells = []
        for cell in row:
            if isinstance(cell, dict):
                rs, cs = cell.get("span", [1, 1])
                cells.append(C(value(cell.get("text", "")), cs, rs))
            else:
                cells.append(C(value(cell)))
        rows.append(cells)
    return rows


def write_grid(path: Path, titles: list[str], grid: list[list], fmt: str = "docx") -> Path:
    """One printed form (its title lines and grid) as ``fmt`` (xlsx: one sheet; docx: title paragraphs, table)."""
    if fmt == "xlsx":
        return write_xlsx(path, [("Sheet1", [(titles, grid_rows(grid, numbers=True))])])
    return write_docx(path, [(titles, grid_rows(grid))])
