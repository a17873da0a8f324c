"""Finding the blocks of a 自评表 by their text, not by fixed cells.

A form starts at its title — any 自评表 title (:data:`~evaltools.data.forms.layouts.TITLE`: 项目支出绩效自评表,
绩效目标自评表, 项目自评表, 部门整体支出绩效评价自评表, 绩效自评结果 …, after the characters are simplified) — or,
in a sheet or document that prints no title, at its first row when an indicator block is in it. Its year is the
one printed in the title (2022年度, 2022年), just below it (（2022年度）) or in a header cell (评价年度 …), else
unknown (:func:`form_year`). Among the layouts whose title it is (all, when none claims it), the form is read with
the one whose funds and indicator headers name the most of its columns (:func:`choose_layout`); its kind is the
title's, else found from what it prints (:func:`form_kind`). Within a form, each block is found by the labels its layout
declares: the 项目名称 / 主管部门 / 实施单位 (or 部门名称) labels, the funds block by its column headers and row
labels, the 年度总体目标 block, the indicator block by its header, and the 总分 / 自评等级 rows. Every label is
matched after :mod:`evaltools.data.forms.wording` normalises it. Whatever a form prints that cannot be read is a
:class:`~evaltools.errors.Problem` at its cell.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from evaltools.data.forms.grid import CellRef, Grid
from evaltools.data.forms.layouts import FORM_LAYOUTS, Block, FormLayout, is_title, layouts_titled
from evaltools.data.forms.wording import Labels, cell_text, label_keys
from evaltools.errors import ERROR, WARNING, Problem, ProblemList

#: The year of a form: 2022年度 anywhere near the title, else a bare (2022年) cell or title ending, else a
#: 2022年 in the title itself (2020年市级服务贸易发展资金项目自评表, 湖北 2020).
YEAR = re.compile(r"(\d{4})年度")
_BARE_YEAR = re.compile(r"(?:^|\()(\d{4})年(?:\)|$)")
_TITLE_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})年")
#: A year printed as the value of a 评价年度 / 所属年度 cell (2021, 2021年, 2021年度).
_A_YEAR = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")
_WEIGHT_NOTE = re.compile(r"[(（]?(?:特性指标)?[0-9０-９]+(?:[.．][0-9０-９]+)?分[)）]?$")
PLACEHOLDERS = {"", "……", "…", "...", "/", "—", "-", "无"}


@dataclass
class Form:
    """One form as read: its layout, kind, year, the values of its blocks and the cells they were read from."""

    grid: Grid
    layout: FormLayout
    year: int | None
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
    #: The kind found from what the form prints (:func:`form_kind`) when its title names none.
    kind_read: str | None = None
    #: Names the form does not print (``unit``, ``project``) → the placeholder its data is completed with (the
    #: tables need a name); what was read stays unknown (:func:`evaltools.data.forms.read.form_unit`).
    completed: dict[str, str] = field(default_factory=dict)

    @property
    def kind(self) -> str:
        """project or department: the kind the title names (its layout's), else the one found (:attr:`kind_read`)."""
        return self.kind_read or self.layout.kind

    def block(self, name: str) -> Block:
        """The layout's block ``name`` (its labels)."""
        return self.layout.block(name)

    def problem(
        self,
        i: int,
        j: int,
        message: str,
        found: object = None,
        expected: str | None = None,
        severity: str = ERROR,
        code: str = "INVALID",
    ) -> None:
        """A problem at the cell ``(i, j)``; an error refuses the form, a warning is reported and the form read."""
        where = self.grid.ref(i, j).location()
        ProblemList(self.problems).add(where, message, found=found, expected=expected, severity=severity, code=code)

    def warn(
        self,
        i: int,
        j: int,
        message: str,
        found: object = None,
        expected: str | None = None,
        code: str = "FORM_UNKNOWN",
    ) -> None:
        """A located warning: what cannot be read there is unknown (``code``), the rest of the form is read."""
        self.problem(i, j, message, found, expected, WARNING, code)


# ----------------------------------------------------------------------------- forms in a grid


#: How many paragraphs may stand between a title paragraph and its table (the year, 单位名称：…, 填报日期 …).
TITLE_TO_TABLE = 6


def _is_paragraph(grid: Grid, i: int) -> bool:
    """Whether row ``i`` is a paragraph of a Word document (not a table row)."""
    return not grid.excel and grid.places[i][0].startswith("段落")


def _starts_a_table(grid: Grid, i: int, end: int) -> bool:
    """Whether a title paragraph at row ``i`` is followed by a table before ``end`` (the next title) within
    :data:`TITLE_TO_TABLE` paragraphs: a heading or a sentence of a report naming the form is not a form."""
    for k in range(i + 1, min(end, i + TITLE_TO_TABLE + 2)):
        if not _is_paragraph(grid, k):
            return True
    return False


def find_forms(grid: Grid) -> list[tuple[int, int, str]]:
    """(first row, end row, title text) of every form in the grid, by its title (:func:`is_title`); in a Word
    document a title paragraph starts a form only when a table follows it (headings and paragraphs around a table
    that name the form are not forms), and a title over no indicator block (:func:`_indicator_header`) starts
    none: a summary sheet titled 整体支出绩效自评表 (this tool's own 「部门整体」 sheet), a repeated title over a
    continued table. A grid with no title holds one form from its first row, title ``""``, when an indicator
    block is in it (a page cut from a longer document, a form printed without its title: 四川 大英 fragments,
    湖南 长沙 雨花 2022)."""
    starts = []
    for i in range(len(grid)):
        for k, j in enumerate(filled := grid.filled(i)):
            text = grid.text(i, j)
            if (
                is_title(text)
                and not grid.copied_from_above(i, j)
                and not (k and _a_name_label(grid, i, filled[k - 1]))
            ):
                starts.append((i, text))
                break
    ends = [starts[k + 1][0] if k + 1 < len(starts) else len(grid) for k in range(len(starts))]
    kept = [(s, e, t) for (s, t), e in zip(starts, ends) if not _is_paragraph(grid, s) or _starts_a_table(grid, s, e)]
    forms: list[list] = []
    for k, (s, _, t) in enumerate(kept):
        e = kept[k + 1][0] if k + 1 < len(kept) else len(grid)
        if _indicator_header(grid, s, e):
            forms.append([s, e, t])
        elif forms:  # a title over no indicator block (a repeated title, 续表) continues the form above it
            forms[-1][1] = e
    if not kept:
        return [(0, len(grid), "")] if len(grid) and _indicator_header(grid, 0, len(grid)) else []
    return [(s, e, t) for s, e, t in forms]


def _a_name_label(grid: Grid, i: int, j: int) -> bool:
    """Whether the cell ``(i, j)`` is a label of a layout's names block: the cell after it is its value, not a
    title (项目名称 | 2020年省级自然资源卫片执法补助经费支出绩效自评表, 云南 丽江 2020)."""
    return any(layout.block("names").labelled(grid.text(i, j)) for layout in FORM_LAYOUTS.values())


def _indicator_header(grid: Grid, start: int, end: int) -> bool:
    """Whether a row between ``start`` and ``end`` heads an indicator block: its cells name the 三级指标 column
    and another indicator column of a declared layout (一级指标 | 二级指标 | 三级指标 | …). The form is then read
    and, when no layout reads that header whole, refused for its indicator block — not for its title."""
    blocks = {layout.block("indicators") for layout in FORM_LAYOUTS.values()}
    for i in range(start, end):
        for block in blocks:
            cols = header_columns(grid, i, block)
            if "level3" in cols and len(cols) >= 2:
                return True
    return False


def form_year(grid: Grid, start: int, end: int, titled: bool = True) -> tuple[int | None, int]:
    """The year printed in the title or within the three rows below it (2022年度; else a cell that is only the
    year, (2022年); else 2022年 in the title itself), and the row it is on. A form printed without a title
    (``titled`` False) prints none there: (None, ``start`` - 1). The year of a 评价年度 cell is read with the
    names block."""
    if not titled:
        return None, start - 1
    rows = range(start, min(end, start + 4))
    for pattern in (YEAR, _BARE_YEAR):
        for i in rows:
            for j in grid.filled(i):
                found = pattern.search(grid.text(i, j))
                if found:
                    return int(found.group(1)), i
    for j in grid.filled(start):
        found = _TITLE_YEAR.search(grid.text(start, j))
        if found:
            return int(found.group(1)), start
    return None, start


def year_value(value: object) -> int | None:
    """The year a 评价年度 / 所属年度 cell prints (2021, 2021年, 2021年度), or None."""
    found = _A_YEAR.search(cell_text(value))
    return int(found.group(1)) if found else None


def _headers(grid: Grid, start: int, end: int, layout: FormLayout) -> tuple[int | None, int | None, int]:
    """The funds and indicator header rows the layout finds in a form, and how many columns they name."""
    funds_block, block = layout.block("funds"), layout.block("indicators")
    funds = find_header(grid, start, end, funds_block)
    indicators = find_header(grid, funds or start, end, block)
    if indicators is None and funds is not None:  # the funds block under the indicators (彭水 2024)
        indicators = find_header(grid, start, funds, block)
    named = len(header_columns(grid, funds, funds_block)) if funds is not None else 0
    named += len(header_columns(grid, indicators, block)) if indicators is not None else 0
    return funds, indicators, named


def choose_layout(grid: Grid, start: int, end: int, title: str) -> tuple[FormLayout, int | None, int | None]:
    """The layout to read a form with — of the layouts whose title it is (every declared layout when none is:
    no title, or one no layout claims), the one whose funds and indicator headers name the most columns (the
    first declared on a tie) — and its funds and indicator header rows."""
    best = None
    for layout in layouts_titled(title) or list(FORM_LAYOUTS.values()):
        funds, indicators, named = _headers(grid, start, end, layout)
        if best is None or named > best[3]:
            best = (layout, funds, indicators, named)
    if best is None:
        raise ValueError("no form layout is declared")
    return best[:3]


#: 二级 items of the 部门整体支出 frameworks, which weigh how a whole department budgets and spends — 财预〔2013〕53号
#: 附4 部门整体支出绩效评价共性指标体系框架 (目标设定, 预算配置, 预算执行, 预算管理, 资产管理, 职责履行, 履职效益),
#: seen in 湖南 长沙 雨花 2022 (预算配置 (13), 预算执行 (20)), 江西 南昌 2021 (预算执行管理, 资产管理), 安徽 寿县 2023
#: (预算执行 (18分)); a project's framework (决策 / 过程 / 产出 / 效益, 产出 / 效益 / 满意度) names none of them.
DEPARTMENT_ITEMS = ("目标设定", "预算配置", "预算执行", "预算管理", "资产管理", "职责履行", "履职效益")


def form_kind(form: Form) -> tuple[str, str]:
    """The kind of a form whose title names none, and how it was found: a form that prints a 项目名称 is a
    project's (项目名称); one whose 一级 / 二级 items name two or more of :data:`DEPARTMENT_ITEMS` (weights and
    notes aside) a department's (指标体系); else a project's, the kind most forms are (默认)."""
    if "project" in form.names:
        return "project", "项目名称"
    items = set()
    for row in form.indicators:
        for level in ("level1", "level2"):
            key = label_keys(str(row.get(level) or ""))[-1]
            items |= {item for item in DEPARTMENT_ITEMS if key.startswith(item)}
    return ("department", "指标体系") if len(items) >= 2 else ("project", "默认")


def label_of(text: str, labels: Labels) -> tuple[str | None, str | None]:
    """The field whose label ``text`` is (alone, with a note such as (盖章), or followed by 「：」 and its value),
    and the value written after the colon (None when there is none)."""
    name, rest = labels.starting(text)
    if name is None:
        return None, None
    if rest == "" or re.fullmatch(r"\(.*?\)", rest):
        return name, None
    if rest.startswith(":"):
        return name, cell_text(text).split(":", 1)[1] or None
    return None, None


def _after_colon(value: object) -> str | None:
    """The value written after a label's colon in the cell as printed (NFKC, no spaces — in the characters it
    is printed in: a traditional-character name stays so)."""
    text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
    return text.split(":", 1)[1] or None if ":" in text else None


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


def next_value(grid: Grid, i: int, j: int, stop: Block | None = None) -> int | None:
    """The first filled cell right of ``(i, j)`` in row ``i`` (a label of the block ``stop`` ends the search)."""
    for k in grid.cells(i):
        if k <= j or grid.origins[i][k] == grid.origins[i][j]:
            continue
        text = grid.text(i, k)
        if stop is not None and text and stop.labelled(text):
            return None
        if text:
            return k
    return None


def read_names(form: Form, first: int, last: int) -> None:
    """项目名称 / 主管部门 / 实施单位 (部门名称, 自评总分 …) from the rows ``first`` to ``last``: each label's value is
    written after it in the same cell (项目名称：…) or in the next filled cell to its right."""
    grid, block = form.grid, form.block("names")
    for i in range(first, last):
        for j in grid.filled(i):
            key, inline = label_of(grid.text(i, j), block.rows)
            key, part = (key, None) if key is not None else _joint_label(grid.text(i, j), block)
            if key is None or key in form.names:
                continue
            if inline is not None:
                form.names[key], form.cells[key] = _after_colon(grid.value(i, j)) or inline, grid.ref(i, j)
                continue
            k = next_value(grid, i, j, block)
            value = None if k is None else grid.value(i, k)
            form.names[key] = value if part is None or value is None else _joint_value(value, part)
            form.cells[key] = grid.ref(i, j if k is None else k)


def _joint_label(text: str, block: Block) -> tuple[str | None, int | None]:
    """A cell naming two fields joined by 「/」 (项目实施单位/项目负责人 | 原州区农技中心/, 原州 2022,
    ningxia-yuanzhou-malingshu-2022-project.md): the first of the block's labels in it, and its position."""
    parts = cell_text(text).split("/") if "/" in text else []
    for n, part in enumerate(parts if len(parts) > 1 else []):
        key, inline = label_of(part, block.rows)
        if key is not None and inline is None:
            return key, n
    return None, None


def _joint_value(value: object, part: int) -> str | None:
    """The ``part``-th of the values a cell joins by 「/」 (原州区农技中心/ → 原州区农技中心)."""
    parts = str(value).split("/")
    return (parts[part].strip() or None) if part < len(parts) else None


def header_columns(grid: Grid, i: int, block: Block) -> dict[str, int]:
    """Field → column of each header cell of row ``i`` that names one of the block's columns (the first cell of a
    merged header)."""
    cols: dict[str, int] = {}
    for j in grid.filled(i):
        key = block.columns.field(grid.text(i, j))
        if key is not None and key not in cols:
            cols[key] = j
    return cols


def find_header(grid: Grid, first: int, last: int, block: Block) -> int | None:
    """The first row from ``first`` whose header cells name at least one field of each of the block's needs."""
    for i in range(first, last):
        cols = header_columns(grid, i, block)
        if all(cols.keys() & need for need in block.needs):
            return i
    return None
