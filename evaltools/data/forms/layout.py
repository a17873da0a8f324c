"""Finding the blocks of a 自评表 by their text, not by fixed cells.

A form starts at its title — a title of a declared layout (:mod:`evaltools.data.forms.layouts`: 项目支出绩效自评表,
部门整体支出绩效自评表 and their provincial wordings) — with its year (（2022年度）, （2022年）) in the title or just
below it. Among the layouts whose title it is, the form is read with the one whose funds and indicator headers
name the most of its columns (:func:`choose_layout`). Within a form, each block is found by the labels its layout
declares: the 项目名称 / 主管部门 / 实施单位 (or 部门名称) labels, the funds block by its column headers and row
labels, the 年度总体目标 block, the indicator block by its header, and the 总分 / 自评等级 rows. Every label is
matched after :mod:`evaltools.data.forms.wording` normalises it. Whatever a form prints that cannot be read is a
:class:`~evaltools.errors.Problem` at its cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from evaltools.data.forms.grid import CellRef, Grid
from evaltools.data.forms.layouts import Block, FormLayout, layouts_titled
from evaltools.data.forms.wording import Labels, cell_text
from evaltools.errors import ERROR, WARNING, Problem, ProblemList

#: The year of a form: 2022年度 anywhere near the title, else a bare (2022年) cell or title ending.
YEAR = re.compile(r"(\d{4})年度")
_BARE_YEAR = re.compile(r"(?:^|\()(\d{4})年(?:\)|$)")
_WEIGHT_NOTE = re.compile(r"[(（]?(?:特性指标)?[0-9０-９]+(?:[.．][0-9０-９]+)?分[)）]?$")
PLACEHOLDERS = {"", "……", "…", "...", "/", "—", "-", "无"}


@dataclass
class Form:
    """One form as read: its layout, kind, year, the values of its blocks and the cells they were read from."""

    grid: Grid
    layout: FormLayout
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

    @property
    def kind(self) -> str:
        """project or department: the kind of the form's layout."""
        return self.layout.kind

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
    """(first row, end row, title text) of every form in the grid, by a title of a declared layout; in a Word
    document a title paragraph starts a form only when a table follows it (headings and paragraphs around a table
    that name the form are not forms)."""
    starts = []
    for i in range(len(grid)):
        for j in grid.filled(i):
            text = grid.text(i, j)
            if len(text) <= 60 and layouts_titled(text) and not grid.copied_from_above(i, j):
                starts.append((i, text))
                break
    ends = [starts[k + 1][0] if k + 1 < len(starts) else len(grid) for k in range(len(starts))]
    kept = [(s, e, t) for (s, t), e in zip(starts, ends) if not _is_paragraph(grid, s) or _starts_a_table(grid, s, e)]
    return [(s, kept[k + 1][0] if k + 1 < len(kept) else len(grid), t) for k, (s, _, t) in enumerate(kept)]


def form_year(grid: Grid, start: int, end: int) -> tuple[int | None, int]:
    """The year printed in the title or within the three rows below it (2022年度; else a cell that is only the
    year, (2022年)), and the row it is on."""
    rows = range(start, min(end, start + 4))
    for pattern in (YEAR, _BARE_YEAR):
        for i in rows:
            for j in grid.filled(i):
                found = pattern.search(grid.text(i, j))
                if found:
                    return int(found.group(1)), i
    return None, start


def _headers(grid: Grid, start: int, end: int, layout: FormLayout) -> tuple[int | None, int | None, int]:
    """The funds and indicator header rows the layout finds in a form, and how many columns they name."""
    funds_block, block = layout.block("funds"), layout.block("indicators")
    funds = find_header(grid, start, end, funds_block)
    indicators = find_header(grid, funds or start, end, block)
    named = len(header_columns(grid, funds, funds_block)) if funds is not None else 0
    named += len(header_columns(grid, indicators, block)) if indicators is not None else 0
    return funds, indicators, named


def choose_layout(grid: Grid, start: int, end: int, title: str) -> tuple[FormLayout, int | None, int | None]:
    """The layout to read a form with — of the layouts whose title it is, the one whose funds and indicator
    headers name the most columns (the first declared on a tie) — and its funds and indicator header rows."""
    best = None
    for layout in layouts_titled(title):
        funds, indicators, named = _headers(grid, start, end, layout)
        if best is None or named > best[3]:
            best = (layout, funds, indicators, named)
    if best is None:
        raise ValueError(f"no form layout has the title {title!r}")
    return best[:3]


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
            if key is None or key in form.names:
                continue
            if inline is not None:
                form.names[key], form.cells[key] = inline, grid.ref(i, j)
                continue
            k = next_value(grid, i, j, block)
            form.names[key] = None if k is None else grid.value(i, k)
            form.cells[key] = grid.ref(i, j if k is None else k)


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
