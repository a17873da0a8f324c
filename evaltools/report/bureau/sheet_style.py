"""How the bureau's workbooks look and print (复核底稿, 复核问题清单, 整改台账): 宋体 everywhere (a font without a
name is Calibri, which has no Chinese glyphs), a filled bold header, wrapped text, A4 landscape fitted to the page
width with the table's header repeated, the synthetic-data note on every sheet and page, and drop-down lists
(a long list kept on a hidden sheet: an inline list is limited to 255 characters)."""

from __future__ import annotations

import math
from copy import copy

import numpy as np
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.merge import MergedCellRange
from openpyxl.worksheet.worksheet import Worksheet

from evaltools import fmt
from evaltools.data import workbook as W

FONT, BOLD = Font(name="宋体", size=11), Font(name="宋体", size=11, bold=True)
TITLE = Font(name="宋体", size=14, bold=True)
WARN = Font(name="宋体", size=11, bold=True, color="A11D1D")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
#: The reviewer's cells, shaded so that they are found at a glance.
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
HEAD = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP = Alignment(vertical="top", wrap_text=True)
TOP = Alignment(vertical="top")
LEFT = Alignment(horizontal="left", vertical="top", wrap_text=True)
RIGHT = Alignment(horizontal="right", vertical="top")
_THIN = Side(style="thin", color="808080")
GRID = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
UNLOCKED, LOCKED_HIDDEN = Protection(locked=False), Protection(locked=True, hidden=True)
#: Printed on every sheet (a row) and every page (the page header) of a workbook made from synthetic data.
SYNTHETIC_NOTE = "合成数据 · 仅供演示，不是真实单位的数据"
#: The height of a line of text in points (LibreOffice and WPS keep a wrapped row's default height: set it).
LINE = 14.5


def paint(cell: Cell, **attrs: object) -> None:
    """Set style attributes of ``cell`` (font, alignment, fill, border, protection, number_format). openpyxl hashes
    every style object on each assignment, the most of a sheet's writing time: the resulting style of each
    (style before, attributes) pair is kept per workbook and copied to the next cell that asks for it."""
    cache = cell.parent.parent.__dict__.setdefault("_evaltools_styles", {})
    key = (tuple(cell._style or ()), tuple((k, v if isinstance(v, str) else id(v)) for k, v in sorted(attrs.items())))
    found = cache.get(key)
    if found is None:
        for name, value in attrs.items():
            setattr(cell, name, value)
        cache[key] = found = (copy(cell._style), attrs)  # attrs kept: their ids stay theirs
    else:
        cell._style = copy(found[0])


def text(cell: Cell, value: object, font: Font = FONT, alignment: Alignment = WRAP) -> None:
    """A text cell (never a formula); blank for a missing value; invisible characters shown as ⟨U+…⟩."""
    paint(cell, font=font, alignment=alignment)
    if not fmt.is_missing(value) and str(value) != "":
        W.set_text(cell, fmt.page_text(str(value)))


def number(cell: Cell, value: object, number_format: str | None = None) -> None:
    """A number cell in the report's score format (two decimals); blank when unknown (unknown is not zero)."""
    if fmt.is_missing(value):
        paint(cell, font=FONT, alignment=TOP)
        return
    value = float(value) if isinstance(value, (np.floating, np.integer)) else value
    W.set_number(cell, value)
    paint(cell, font=FONT, alignment=TOP, number_format=number_format or fmt.excel_score_format(value))


def header_row(ws: Worksheet, row: int, titles: list[str]) -> None:
    for j, title in enumerate(titles, start=1):
        cell = ws.cell(row, j)
        text(cell, title, BOLD, HEAD)
        paint(cell, fill=HEADER_FILL)


def grid(ws: Worksheet, first: int, last: int, columns: int) -> None:
    """Thin borders on every cell of rows ``first`` … ``last`` (a printed table)."""
    for row in ws.iter_rows(min_row=first, max_row=last, max_col=columns):
        for cell in row:
            paint(cell, border=GRID)


def widths(ws: Worksheet, sizes: list[float]) -> None:
    for j, size in enumerate(sizes, start=1):
        ws.column_dimensions[get_column_letter(j)].width = size


def lines(value: object, width: float) -> int:
    """How many lines ``value`` wraps to in a column ``width`` wide (a formula counts as one line)."""
    text = "" if value is None else str(value)
    if text.startswith("="):
        return 1
    return sum(max(1, math.ceil(W.display_width(line) / max(width - 1.5, 4))) for line in text.split("\n"))


def fit_rows(ws: Worksheet, first: int, sizes: list[float]) -> None:
    """Row heights for wrapped text from ``first`` down (columns ``sizes`` wide)."""
    for row in ws.iter_rows(min_row=first, max_col=len(sizes)):
        n = max(lines(c.value, sizes[c.column - 1]) for c in row)
        if n > 1:
            ws.row_dimensions[row[0].row].height = min(n * LINE + 3, 409)


def printable(ws: Worksheet, title_rows: str, synthetic: bool) -> None:
    """A4 landscape, fitted to the page width, ``title_rows`` repeated on every page, page numbers in the footer,
    the synthetic-data note in the page header of synthetic data."""
    ws.print_title_rows = title_rows
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.8
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.font = "宋体"
    if synthetic:
        ws.oddHeader.center.text = SYNTHETIC_NOTE
        ws.oddHeader.center.font = "宋体,Bold"
        ws.oddHeader.center.color = "A11D1D"


def merge(ws: Worksheet, ref: str) -> None:
    """Merge ``ref`` whose cells other than the first were never written: the range is recorded as
    ``ws.merge_cells`` records it, without its clean-up of covered cells (a third of a sheet's writing time)."""
    ws.merged_cells.add(MergedCellRange(ws, ref))


def list_range(title: str, n: int) -> str:
    """The range of :func:`list_sheet`'s ``n`` choices, as a list validation refers to it."""
    return f"{quote_sheetname(title)}!$A$1:$A${max(n, 1)}"


def list_sheet(wb: Workbook, title: str, choices: list[str]) -> None:
    """A hidden sheet (the workbook's last) holding ``choices`` in column A."""
    ws = wb.create_sheet(title)
    for i, choice in enumerate(choices, start=1):
        W.set_text(ws.cell(i, 1), choice)
    ws.sheet_state = "hidden"


def choice_list(ws: Worksheet, source: str, cells: str, title: str, prompt: str) -> None:
    """A drop-down list on ``cells`` from ``source`` (a range, or an inline ``"a,b"`` list); other text refused."""
    dv = DataValidation(type="list", formula1=source, allow_blank=True, showErrorMessage=True, showInputMessage=True)
    dv.errorTitle = dv.promptTitle = title[:32]
    dv.error, dv.prompt = f"请从下拉列表选择{title}", prompt[:255]
    ws.add_data_validation(dv)
    dv.add(cells)


def decimal_range(ws: Worksheet, cells: list[str], high: float | None, title: str) -> None:
    """A decimal validation on ``cells``: 0 … ``high`` (≥ 0 when ``high`` is unknown)."""
    if high is None:
        dv = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
        dv.error = f"{title}应为不小于 0 的数字"
    else:
        dv = DataValidation(type="decimal", operator="between", formula1="0", formula2=f"{high:.10g}", allow_blank=True)
        dv.error = f"{title}应为 0 至 {high:.10g} 之间的数字（分值），未复核请留空"
    dv.showErrorMessage = dv.showInputMessage = True
    dv.errorTitle = dv.promptTitle = title
    dv.prompt = "填写复核得分；未复核请留空（留空不等于 0 分）"
    ws.add_data_validation(dv)
    for cell in cells:
        dv.add(cell)
