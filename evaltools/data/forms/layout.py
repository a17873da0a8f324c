"""Finding the blocks of a 自评表 by their text, not by fixed cells.

A form starts at its title (项目支出绩效自评表, 部门整体支出绩效自评表 and their provincial variants) with its
year (（2022年度）) in the title or just below it. Within a form, the blocks are found by the words
printed in them: the 项目名称 / 主管部门 / 实施单位 (or 部门名称) labels, the funds block by its column
headers (年初预算数, 全年预算数, 全年执行数, 分值, 执行率, 得分) and row labels (年度资金总额, 其中：本年财政拨款,
上年结转资金, 其他资金), the 年度总体目标 block (预期目标 / 实际完成情况), the indicator block by its header
(一级/二级/三级指标 or 指标名称, 年度指标值, 实际完成值, 分值, 得分 and the optional columns), and the 总分 /
自评等级 rows. Whatever a form prints that cannot be read is a :class:`~evaltools.errors.Problem` at its cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evaltools.data.forms.grid import CellRef, Grid
from evaltools.errors import Problem

TITLE = re.compile(r"(项目支出|部门整体支出|部门整体|部门预算项目支出|财政项目支出)绩效(自评|评价)(表|得分表|评分表)")
YEAR = re.compile(r"(\d{4})年度")
#: Header words of the funds block → field.
FUNDS_COLUMNS = {
    "年初预算数": "budget_initial",
    "年初预算": "budget_initial",
    "全年预算数": "budget",
    "全年(调整)预算数": "budget",
    "调整后预算数": "budget",
    "全年调整预算数": "budget",
    "全年执行数": "spent",
    "预算执行数": "spent",
    "分值": "weight",
    "权重": "weight",
    "执行率权重": "weight",
    "执行率": "rate",
    "预算执行率": "rate",
    "得分": "score",
    "执行率得分": "score",
}
#: Row labels of the funds block → the kind of row.
FUNDS_ROWS = (
    ("total", ("年度资金总额", "资金总额", "总额", "合计")),
    ("fiscal_current", ("本年财政拨款", "当年财政拨款", "财政拨款", "财政资金")),
    ("carryover", ("上年结转资金", "上年结转")),
    ("other_funds", ("其他资金", "财政专户管理资金", "单位资金")),
)
#: Header words of the indicator block → field.
INDICATOR_COLUMNS = {
    "一级指标": "level1",
    "二级指标": "level2",
    "三级指标": "level3",
    "指标名称": "level3",
    "三级指标名称": "level3",
    "指标性质": "direction",
    "计量单位": "unit",
    "度量单位": "unit",
    "年度指标值": "target",
    "指标值": "target",
    "年初指标值": "target",
    "年度目标值": "target",
    "调整指标值": "target_adjusted",
    "全年(调整)指标值": "target_adjusted",
    "实际完成值": "actual",
    "完成值": "actual",
    "全年完成值": "actual",
    "全年实际值": "actual",
    "分值": "weight",
    "权重": "weight",
    "指标权重": "weight",
    "得分": "panel_score",
    "指标得分": "panel_score",
    "完成率": "stated_completion",
    "指标完成率": "stated_completion",
    "得分系数": "score_coefficient",
    "是否核心指标": "core",
    "偏差原因分析及改进措施": "deviation",
    "偏差原因分析": "deviation",
    "未完成原因分析": "deviation",
    "偏差原因分析及改进措施(未完成原因)": "deviation",
}
GOAL_HEADERS = ("预期目标", "年初绩效目标", "项目年度目标", "年度目标")
RESULT_HEADERS = ("实际完成情况", "全年目标实际完成情况", "年度目标完成情况", "实际完成")
GOAL_LABELS = ("年度总体目标", "年度主要任务", "当年绩效目标", "项目年度目标完成情况", "年度目标")
NAME_LABELS = {
    "project": ("项目名称",),
    "department": ("主管部门", "部门名称", "单位名称", "预算部门"),
    "implementer": ("实施单位", "项目实施单位"),
    "published_total": ("自评总分",),
    "published_grade": ("自评等级", "评价等级"),
}
STOP = re.compile(
    r"^(报表编号|总分|合计|总计|得分合计|自评总分|自评等级|评价等级|评价结论|存在问题|改进措施|说明|注[:：1-9]|备注|项目负责人|财务负责人|填报人|联系电话)"
)
_BRACKETS = re.compile(r"\((?:[A-Za-z/]+|%|分|万元|元|个)\)")
_WEIGHT_NOTE = re.compile(r"[(（]?(?:特性指标)?[0-9０-９]+(?:[.．][0-9０-９]+)?分[)）]?$")
_NUMBERED = re.compile(r"^(?:指标\s*[0-9０-９]+|[0-9０-９]+)\s*[:：.．、]")
PLACEHOLDERS = {"", "……", "…", "...", "/", "—", "-", "无"}


@dataclass
class Form:
    """One form as read: its kind, year, the values of its blocks and the cells they were read from."""

    grid: Grid
    kind: str
    year: int
    start: int
    end: int
    title: str
    problems: list[Problem] = field(default_factory=list)
    names: dict[str, object] = field(default_factory=dict)
    funds: dict[str, object] = field(default_factory=dict)
    goal: str | None = None
    result: str | None = None
    indicators: list[dict] = field(default_factory=list)
    total: dict[str, object] = field(default_factory=dict)
    cells: dict[str, CellRef] = field(default_factory=dict)

    def problem(self, i: int, j: int, message: str, found: object = None, expected: str | None = None) -> None:
        where = self.grid.ref(i, j).location()
        self.problems.append(Problem(where, message, None if found is None else str(found), expected))


def header_key(text: str, table: dict[str, str]) -> str | None:
    """The field a header cell names: exact, without a bracketed note ((A), (%), (分)), or by its first words."""
    bare = _BRACKETS.sub("", text)
    for candidate in (text, bare, re.sub(r"\(.*?\)", "", bare)):
        if candidate in table:
            return table[candidate]
    return None


# ----------------------------------------------------------------------------- forms in a grid


def find_forms(grid: Grid) -> list[tuple[int, int, str]]:
    """(first row, end row, title text) of every form in the grid, by its title."""
    starts = []
    for i in range(len(grid)):
        for j in grid.filled(i):
            text = grid.text(i, j)
            if TITLE.search(text) and len(text) <= 60 and not grid.copied_from_above(i, j):
                starts.append((i, text))
                break
    return [(s, starts[k + 1][0] if k + 1 < len(starts) else len(grid), t) for k, (s, t) in enumerate(starts)]


def form_year(grid: Grid, start: int, end: int) -> tuple[int | None, int]:
    """The year printed in the title or within the three rows below it, and the row it is on."""
    for i in range(start, min(end, start + 4)):
        for j in grid.filled(i):
            found = YEAR.search(grid.text(i, j))
            if found:
                return int(found.group(1)), i
    return None, start


def label_of(text: str, labels: tuple[str, ...]) -> tuple[bool, str | None]:
    """Whether ``text`` is one of ``labels`` (alone, with a note such as (盖章), or followed by its value)."""
    for label in labels:
        if text == label:
            return True, None
        if text.startswith(label):
            rest = text[len(label) :]
            if rest.startswith((":", "：")):
                return True, rest[1:] or None
            if re.fullmatch(r"\(.*?\)", rest):
                return True, None
    return False, None


def text_value(value: object) -> str | None:
    """A text cell as printed: stripped, lines of a wrapped name joined; None when empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def name_value(value: object) -> str | None:
    """A name (project, unit, indicator) as printed: stripped, a name broken over lines joined."""
    text = text_value(value)
    return None if text is None else re.sub(r"\s*\n\s*", "", text)


def next_value(grid: Grid, i: int, j: int, stop: tuple[str, ...] = ()) -> int | None:
    """The first filled cell right of ``(i, j)`` in row ``i`` (another label in ``stop`` ends the search)."""
    for k in grid.cells(i):
        if k <= j or grid.origins[i][k] == grid.origins[i][j]:
            continue
        text = grid.text(i, k)
        if any(text.startswith(s) for s in stop):
            return None
        if text:
            return k
    return None


#: Labels printed in the header of some layouts that are not read but end the value of the label before them.
OTHER_LABELS = ("财政处室", "部门联系人", "联系电话", "项目负责人", "财务负责人", "填报人", "项目属性", "项目类别")
_ALL_LABELS = tuple(label for labels in NAME_LABELS.values() for label in labels) + OTHER_LABELS


def read_names(form: Form, first: int, last: int) -> None:
    """项目名称 / 主管部门 / 实施单位 (部门名称, 自评总分 …) from the rows ``first`` to ``last``: each label's value is
    written after it in the same cell (项目名称：…) or in the next filled cell to its right."""
    grid = form.grid
    for i in range(first, last):
        for j in grid.filled(i):
            text = grid.text(i, j)
            for key, labels in NAME_LABELS.items():
                found, inline = label_of(text, labels)
                if not found or key in form.names:
                    continue
                if inline is not None:
                    form.names[key], form.cells[key] = inline, grid.ref(i, j)
                    continue
                k = next_value(grid, i, j, _ALL_LABELS)
                form.names[key] = None if k is None else grid.value(i, k)
                form.cells[key] = grid.ref(i, j if k is None else k)


def header_columns(grid: Grid, i: int, table: dict[str, str]) -> dict[str, int]:
    """Field → column of each header cell of row ``i`` that names one (the first cell of a merged header)."""
    cols: dict[str, int] = {}
    for j in grid.filled(i):
        key = header_key(grid.text(i, j), table)
        if key is not None and key not in cols:
            cols[key] = j
    return cols


def find_header(grid: Grid, first: int, last: int, table: dict[str, str], needs: tuple[set, ...]) -> int | None:
    """The first row from ``first`` whose header cells name at least one field of each set in ``needs``."""
    for i in range(first, last):
        cols = header_columns(grid, i, table)
        if all(cols.keys() & need for need in needs):
            return i
    return None
