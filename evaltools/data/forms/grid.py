"""A filled-in form as a grid of cells, whatever it was typed in: an Excel sheet, or a Word document's
tables and paragraphs in the order they are printed.

Merged cells are filled with their value and remember where their range starts (``origin``), so that
blocks are found by their text wherever a layout put them; each grid row remembers where it is in the file
(sheet and row, or Word table and row) so that whatever is found there is located for people.
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from openpyxl.utils import get_column_letter

from evaltools.data.archive import merged_ranges
from evaltools.data.forms.sheets import Percent, sheet_values
from evaltools.data.forms.values import norm
from evaltools.data.xlsxcheck import formulas_without_values
from evaltools.errors import WARNING, Location, Problem


@dataclass(frozen=True)
class CellRef:
    """Where a cell is printed: the file, the sheet (or Word table, paragraph), its row and column."""

    file: str
    part: str
    row: int
    column: int
    excel: bool = True

    @property
    def ref(self) -> str:
        """``D14`` in a workbook, ``第14行第4列`` in a Word table."""
        if self.excel:
            return f"{get_column_letter(self.column)}{self.row}"
        return f"第{self.row}行第{self.column}列"

    def location(self, what: str | None = None) -> Location:
        column = self.ref if what is None else f"{self.ref}（{what}）"
        return Location(self.file, self.part, self.row, column)

    def __str__(self) -> str:
        return f"{self.part}!{self.ref}" if self.excel else f"{self.part} {self.ref}"


@dataclass
class Grid:
    """Rows of cell values (merged ranges filled), each cell's range origin, and each row's place in the file."""

    file: str
    excel: bool
    values: list[list[object]] = field(default_factory=list)
    origins: list[list[tuple[int, int]]] = field(default_factory=list)
    places: list[tuple[str, int]] = field(default_factory=list)
    _texts: list[list[str]] = field(default_factory=list, repr=False)
    _filled: dict[int, list[int]] = field(default_factory=dict, repr=False)
    #: Formula cells saved without their result (a workbook written by a program): (row, column) → formula;
    #: they read as empty, and :func:`unsaved_formulas` says so at each.
    unsaved: dict[tuple[int, int], str] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.values)

    def text(self, i: int, j: int) -> str:
        """The cell's text for matching (:func:`~evaltools.data.forms.values.norm`), computed once per cell."""
        if len(self._texts) != len(self.values):
            self._texts = [[norm(v) for v in row] for row in self.values]
        row = self._texts[i]
        return row[j] if j < len(row) else ""

    def value(self, i: int, j: int) -> object:
        row = self.values[i]
        return row[j] if j < len(row) else None

    def cells(self, i: int) -> list[int]:
        """The columns of row ``i`` that start a range (a horizontally merged range counts once)."""
        origins = self.origins[i]
        return [j for j in range(len(origins)) if j == 0 or origins[j] != origins[j - 1]]

    def filled(self, i: int) -> list[int]:
        """:meth:`cells` of row ``i`` that hold text (computed once per row)."""
        if i not in self._filled:
            self._filled[i] = [j for j in self.cells(i) if self.text(i, j)]
        return self._filled[i]

    def copied_from_above(self, i: int, j: int) -> bool:
        return self.origins[i][j][0] != i

    def ref(self, i: int, j: int) -> CellRef:
        part, row = self.places[i]
        return CellRef(self.file, part, row, j + 1, self.excel)

    def add(self, values: list[object], origins: list[tuple[int, int]], place: tuple[str, int]) -> None:
        self.values.append(values)
        self.origins.append(origins)
        self.places.append(place)


# ----------------------------------------------------------------------------- Excel


def _merged_ranges(archive: zipfile.ZipFile, sheet_path: str) -> list[tuple[int, int, int, int]]:
    """(min_col, min_row, max_col, max_row) of every merged range of a sheet, read from its XML (a range
    written with a namespace prefix or single quotes, as some generators do, included)."""
    return [r for r in merged_ranges(archive.read(sheet_path.lstrip("/"))) if r[:2] != r[2:]]


def _cell_value(cell: object) -> object:
    """A cell's value; a number formatted as a percentage is a :class:`Percent` (the fraction, exactly)."""
    value = getattr(cell, "value", None)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and "%" in (cell.number_format or ""):
        return Percent(value)
    return value


#: The most rows and columns of a sheet read as a form's grid (a printed 自评表 is a page or two, some 20
#: columns wide; a workbook of many forms a few thousand rows): cells beyond are never materialised, so a cell
#: typed at XFD1048576 or a sheet's forged dimension costs nothing (issue 22: bounded reading).
MAX_ROWS = 10_000
MAX_COLS = 100


def _trimmed(row: tuple) -> list[object]:
    values = [_cell_value(c) for c in row]
    while values and values[-1] is None:
        values.pop()
    return values


def xlsx_grids(path: Path) -> list[tuple[str, Grid]]:
    """Every sheet of a workbook as ``(sheet title, grid)``; merged ranges filled with their value, within
    the cells that hold values (at most :data:`MAX_ROWS` × :data:`MAX_COLS`)."""
    import openpyxl

    unsaved: dict[str, dict[tuple[int, int], str]] = {}
    for sheet, row, col, formula in formulas_without_values(path):
        if row <= MAX_ROWS and col <= MAX_COLS:
            unsaved.setdefault(sheet, {})[(row - 1, col - 1)] = formula
    with zipfile.ZipFile(path) as archive:
        sheets = sheet_values(archive, MAX_ROWS, MAX_COLS)  # its XML read directly (None: left to openpyxl)
        if sheets is not None:
            return [_grid(path, title, rows, _merged_ranges(archive, part), unsaved) for title, rows, part in sheets]
    wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    try:
        out = []
        for ws in wb.worksheets:
            ws.reset_dimensions()  # the stored dimension is not trusted: rows are read as they are
            rows = [_trimmed(row) for row in ws.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLS)]
            while rows and not rows[-1]:
                rows.pop()
            merged = _merged_ranges(wb._archive, ws._worksheet_path) if hasattr(ws, "_worksheet_path") else []
            out.append(_grid(path, ws.title, rows, merged, unsaved))
        return out
    finally:
        wb.close()


def _grid(path: Path, title: str, rows: list[list], merged: list, unsaved: dict) -> tuple[str, Grid]:
    grid = _sheet_grid(str(path), title, rows, _clipped(merged, rows))
    grid.unsaved.update(unsaved.get(title, {}))
    return title, grid


def _clipped(merged: list[tuple[int, int, int, int]], rows: list[list[object]]) -> list[tuple[int, int, int, int]]:
    """Merged ranges cut to the rows and columns that hold values (a range over the whole sheet fills only the
    cells a person sees); ranges that start beyond them are dropped."""
    height, width = len(rows), max((len(r) for r in rows), default=0)
    return [
        (c1, r1, min(c2, max(width, c1)), min(r2, max(height, r1)))
        for c1, r1, c2, r2 in merged
        if r1 <= height and c1 <= width
    ]


def _sheet_grid(file: str, title: str, rows: list[list[object]], merged: list[tuple[int, int, int, int]]) -> Grid:
    width = max((len(r) for r in rows), default=0)
    width = max([width] + [c2 for _, _, c2, _ in merged])
    while len(rows) < max((r2 for _, _, _, r2 in merged), default=0):
        rows.append([])
    values = [list(r) + [None] * (width - len(r)) for r in rows]
    origins = [[(i, j) for j in range(width)] for i in range(len(values))]
    for c1, r1, c2, r2 in merged:
        top = values[r1 - 1][c1 - 1]
        for i in range(r1 - 1, r2):
            for j in range(c1 - 1, c2):
                values[i][j] = top
                origins[i][j] = (r1 - 1, c1 - 1)
    grid = Grid(file, True)
    for i, row in enumerate(values):
        grid.add(row, origins[i], (title, i + 1))
    return grid


def unsaved_formulas(grid: Grid, start: int, end: int) -> list[Problem]:
    """A located warning at each formula cell of rows ``start``..``end`` saved without its result: the cell is
    read as unknown (empty, never zero), and the message says how to get its value (issue 22)."""
    return [
        Problem(
            grid.ref(i, j).location(),
            "公式未保存计算结果，按未知读取 / a formula saved without its value: read as unknown",
            f"{formula[:80]} (the workbook was written by a program that keeps formulas but not their results)",
            "the value: open the workbook in Excel or WPS and save it, or type the number itself",
            WARNING,
            "FORMULA_NO_VALUE",
        )
        for (i, j), formula in sorted(grid.unsaved.items())
        if start <= i < end
    ]


# ----------------------------------------------------------------------------- Word


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _paragraph_text(element: object) -> str:
    return "".join(t.text or "" for t in element.iter(f"{_W}t"))


def _cell_text(tc: object) -> str:
    return "\n".join(_paragraph_text(p) for p in tc.iter(f"{_W}p")).strip()


def _attr(element: object, path: str) -> str | None:
    """The ``w:val`` of the first ``path`` under ``element`` ('' when the element has no value), None when absent."""
    found = element.find(path)
    return None if found is None else found.get(f"{_W}val", "")


def docx_grid(path: Path) -> Grid:
    """The document's paragraphs and tables in print order as one grid: a paragraph is a row of one cell
    (placed as 「段落 N」), a table's rows keep their cells (「表格 N」, row); merged cells (w:gridSpan across,
    w:vMerge down) are filled. The document's XML is read with lxml (word/document.xml)."""
    from lxml import etree

    with zipfile.ZipFile(path) as archive:
        # entities are never expanded (a "billion laughs" document), nothing is fetched (OWASP XXE prevention)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
        body = etree.fromstring(archive.read("word/document.xml"), parser).find(f"{_W}body")
    if body is None:
        raise ValueError("word/document.xml has no body")
    grid = Grid(str(path), False)
    paragraphs = tables = 0
    for element in body.iterchildren():
        if element.tag == f"{_W}p":
            paragraphs += 1
            text = _paragraph_text(element).strip()
            if text:
                grid.add([text], [(len(grid), 0)], (f"段落 {paragraphs}", 1))
        elif element.tag == f"{_W}tbl":
            tables += 1
            _add_table(grid, element, f"表格 {tables}")
    return grid


def _table_row(tr: object, width: int, above: tuple[list, list] | None, row: int) -> tuple[list, list]:
    """One w:tr as (values, origins) over ``width`` grid columns: a cell spans its w:gridSpan columns; a
    w:vMerge continuation takes the value and origin of the cell above."""
    values: list[object] = [None] * (int(_attr(tr, f"{_W}trPr/{_W}gridBefore") or 0))
    origins: list[tuple[int, int]] = [(row, c) for c in range(len(values))]
    for tc in tr.iterchildren(f"{_W}tc"):
        span = int(_attr(tc, f"{_W}tcPr/{_W}gridSpan") or 1)
        merge = _attr(tc, f"{_W}tcPr/{_W}vMerge")
        c = len(values)
        if merge not in (None, "restart") and above is not None and c < len(above[0]):
            value, origin = above[0][c], above[1][c]
        else:
            value, origin = _cell_text(tc), (row, c)
        values += [value] * span
        origins += [origin] * span
    values += [None] * (width - len(values))
    origins += [(row, c) for c in range(len(origins), width)]
    return values, origins


def _add_table(grid: Grid, table: object, part: str) -> None:
    width = len(table.findall(f"{_W}tblGrid/{_W}gridCol"))
    rows = table.findall(f"{_W}tr")
    width = max(
        [width]
        + [sum(int(_attr(tc, f"{_W}tcPr/{_W}gridSpan") or 1) for tc in tr.iterchildren(f"{_W}tc")) for tr in rows]
    )
    above = None
    for r, tr in enumerate(rows):
        values, origins = _table_row(tr, width, above, len(grid))
        grid.add(values, origins, (part, r + 1))
        above = (values, origins)
