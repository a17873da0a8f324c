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


LAYOUTS = {"standard": standard, "sichuan": sichuan, "shanghai": shanghai, "chongqing": chongqing}


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
    for r, c, cell in cells:
        if cell.cs > 1 or cell.rs > 1:
            table.cell(r, c).merge(table.cell(r + cell.rs - 1, c + cell.cs - 1))
        if cell.value not in (None, ""):
            table.cell(r, c).text = str(cell.value) if not isinstance(cell.value, float) else f"{cell.value:g}"


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
    """The Spec of a project's form as evaltools' own 自评表.xlsx prints it (report/form.py): the same figures,
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
        total_score=value(p["score"]),
        grade=value(p["grade"]),
        heading_weights=False,
    )
