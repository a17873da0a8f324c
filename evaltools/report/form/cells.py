"""Cells and layout of the 自评表 workbook: number formats, styles, and the helpers that write a value, a row,
a label, a header, a title or a section, merge and box ranges, and fit row heights for printing.

Numbers stay numbers with a number format; unknown amounts are empty cells; every text is stored as text,
never as a formula (see :mod:`evaltools.data.workbook`).
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import numpy as np
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from evaltools import fmt
from evaltools.data import workbook as W

MONEY = fmt.EXCEL_MONEY
#: Scores take the format of their own value (fmt.excel_score_format): 87 as 87, 84.67 as 84.67, as the report prints them.
SCORE = "score"
RATE = fmt.EXCEL_RATE
INTEGER = fmt.EXCEL_COUNT
YEAR = fmt.EXCEL_YEAR

#: The note on every sheet of a workbook written from synthetic (demonstration) data.
SYNTHETIC_NOTE = "本表数据为合成（演示）数据，不是真实单位的数据。"
#: What a cell that does not apply to a row shows.
NOT_APPLICABLE = "—"

_THIN = Side(style="thin", color="000000")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
#: The CJK typeface of every cell (Excel and WPS on Chinese Windows have it; LibreOffice substitutes its own CJK
#: font): a bold or sized Font without a name falls back to Calibri, whose bold has no Chinese glyphs.
FONT_NAME = "宋体"
_TITLE_FONT = Font(name=FONT_NAME, bold=True, size=16)
BOLD = Font(name=FONT_NAME, bold=True)
_SECTION_FONT = Font(name=FONT_NAME, bold=True, size=12)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_LABEL_FILL = PatternFill("solid", fgColor="F2F2F2")
CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)
TOP_LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
INDENTED = Alignment(horizontal="left", vertical="center", wrap_text=True, indent=1)
_NUMBER = Alignment(horizontal="right", vertical="center")

_LINE_HEIGHT = 15.0
#: Printable height of an A4 landscape page in points (210 mm less the margins below and the print title), and
#: how far a sheet may be shrunk to fit it on one page (Excel's least scale is 10 %, a form stays readable at 60 %).
_PAGE_HEIGHT = 500.0
_LEAST_SCALE = 0.6
_DEFAULT_HEIGHT = 15.0


def text_or_none(value: object) -> str | None:
    """``value`` as text, or None when it is missing or blank."""
    if W.is_missing(value):
        return None
    text = str(value)
    return text if text.strip() else None


def put(cell: Cell, value: object, number_format: str | None = None) -> None:
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
        cell.alignment = LEFT


def fill_row(ws: Worksheet, row: int, values: Iterable, first_column: int = 1) -> None:
    """One row of values; a value is plain, or ``(value, number_format)``."""
    for j, value in enumerate(values, start=first_column):
        if isinstance(value, tuple):
            put(ws.cell(row, j), *value)
        else:
            put(ws.cell(row, j), value)
            if value == NOT_APPLICABLE:
                ws.cell(row, j).alignment = CENTER


def bold_row(ws: Worksheet, row: int, values: tuple, bold: range | tuple[int, ...], first_column: int = 1) -> int:
    """A :func:`_row` of totals with the cells of the columns ``bold`` in bold; returns the next row."""
    fill_row(ws, row, values, first_column=first_column)
    for j in bold:
        ws.cell(row, j).font = BOLD
    return row + 1


def label_row(
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
    label_cell(ws.cell(row, 1), label)
    put(ws.cell(row, 2), value, number_format)
    if left:
        ws.cell(row, 2).alignment = LEFT
    merge(ws, row, 2, row, ncols)
    return row + 1


def label_cell(cell: Cell, text: str) -> None:
    W.set_text(cell, text)
    cell.font = BOLD
    cell.fill = _LABEL_FILL
    cell.alignment = CENTER


def headers(ws: Worksheet, row: int, titles: Iterable[str], first_column: int = 1) -> None:
    for j, title in enumerate(titles, start=first_column):
        cell = ws.cell(row, j)
        if title:
            W.set_text(cell, title)
        cell.font = BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = CENTER


def title(ws: Worksheet, row: int, ncols: int, text: str) -> None:
    cell = ws.cell(row, 1)
    W.set_text(cell, text)
    cell.font = _TITLE_FONT
    cell.alignment = CENTER
    merge(ws, row, 1, row, ncols)
    ws.row_dimensions[row].height = 30


def section(ws: Worksheet, row: int, ncols: int, text: str) -> int:
    cell = ws.cell(row, 1)
    W.set_text(cell, text)
    cell.font = _SECTION_FONT
    cell.alignment = Alignment(horizontal="left", vertical="center")
    merge(ws, row, 1, row, ncols)
    return row + 1


def merge(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    if (r1, c1) != (r2, c2):
        ws.merge_cells(start_row=r1, start_column=c1, end_row=r2, end_column=c2)


def box(ws: Worksheet, r1: int, c1: int, r2: int, c2: int) -> None:
    """Thin borders on every cell of the rectangle (merged cells included, so Excel draws them)."""
    for row in ws.iter_rows(min_row=r1, max_row=r2, min_col=c1, max_col=c2):
        for cell in row:
            cell.border = _BORDER


def set_widths(ws: Worksheet, widths: tuple[float, ...]) -> None:
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width


def finish(ws: Worksheet, widths: tuple[float, ...], title_rows: int) -> None:
    """Row heights for wrapped text (Excel does not fit merged cells itself), the typeface on every cell, and A4
    landscape printing (:func:`page_setup`)."""
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
    typeface(ws)
    page_setup(ws)


def typeface(ws: Worksheet) -> None:
    """The CJK typeface (:data:`FONT_NAME`) on every cell that has a value or a style, keeping its bold and size."""
    for row in ws.iter_rows():
        for cell in row:
            if isinstance(cell, Cell) and cell.font.name != FONT_NAME:
                font = cell.font
                cell.font = Font(name=FONT_NAME, bold=font.bold, size=font.size or 11, italic=font.italic)


def page_setup(ws: Worksheet) -> None:
    """A4 landscape, centred, margins 1 cm / 1.3 cm, fitted to the page width — and to one page when the sheet
    fits one at :data:`_LEAST_SCALE` or more (the standard form does), else as many pages as it takes, the
    indicator header repeated on each (its print title, set by the sheet)."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    height = sum(ws.row_dimensions[r].height or _DEFAULT_HEIGHT for r in range(1, ws.max_row + 1))
    ws.page_setup.fitToHeight = 1 if height <= _PAGE_HEIGHT / _LEAST_SCALE else 0  # else the header repeats
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
