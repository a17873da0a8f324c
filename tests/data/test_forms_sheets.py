"""A workbook's cell values read from its sheet XML (evaltools.data.forms.sheets) are what openpyxl's read-only
mode gives: numbers, dates, percent formats, booleans, shared and inline rich text, formulas without a value."""

import datetime
import zipfile

import openpyxl
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from evaltools.data.forms.grid import MAX_COLS, MAX_ROWS, Percent, xlsx_grids
from evaltools.data.forms.sheets import sheet_values


def _workbook(path, epoch=None):
    wb = openpyxl.Workbook()
    if epoch is not None:
        wb.epoch = epoch
    ws = wb.active
    ws.title = "表一"
    ws["A1"], ws["B1"], ws["C1"] = "  项目名称 ", 0.9426, 3
    ws["B1"].number_format = "0.00%"
    ws["A2"], ws["B2"] = datetime.datetime(2022, 5, 1, 8, 30), True
    ws["C2"] = "=1/0"  # a formula saved without its value (a program wrote the workbook): read as empty
    ws["A3"] = CellRichText(["预算", TextBlock(InlineFont(b=True), "执行率")])
    ws["D5"] = 12.5
    ws["D5"].number_format = '#,##0.00"万元"'
    ws.cell(row=4, column=MAX_COLS + 1, value="beyond the columns read")
    ws.cell(row=MAX_ROWS + 1, column=1, value="beyond the rows read")
    wb.create_sheet("第二页")["B2"] = "二"
    wb.save(path)
    return path


def test_sheet_values_hand_stated(tmp_path):
    with zipfile.ZipFile(_workbook(tmp_path / "a.xlsx")) as archive:
        sheets = sheet_values(archive, MAX_ROWS, MAX_COLS)
    assert [(title, part) for title, _, part in sheets] == [
        ("表一", "xl/worksheets/sheet1.xml"),
        ("第二页", "xl/worksheets/sheet2.xml"),
    ]
    rows = sheets[0][1]
    assert rows[0] == ["  项目名称 ", 0.9426, 3] and type(rows[0][1]) is Percent and type(rows[0][2]) is int
    assert rows[1] == [datetime.datetime(2022, 5, 1, 8, 30), True]  # the formula cell left empty, then trimmed
    assert rows[2] == ["预算执行率"] and rows[3] == []  # the cell beyond MAX_COLS is not read
    assert rows[4] == [None, None, None, 12.5] and type(rows[4][3]) is float  # 万元 format: no percent
    assert len(rows) == 5  # the row beyond MAX_ROWS is not read
    assert sheets[1][1] == [[], [None, "二"]]


def test_sheet_values_as_openpyxl_reads_them_1904_dates_too(tmp_path):
    for epoch in (None, openpyxl.utils.datetime.CALENDAR_MAC_1904):
        path = _workbook(tmp_path / f"b{epoch is None}.xlsx", epoch)
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
        expected = []
        for ws in wb.worksheets:
            ws.reset_dimensions()
            rows = [[c.value for c in row] for row in ws.iter_rows(max_row=MAX_ROWS, max_col=MAX_COLS)]
            rows = [r[: max([i + 1 for i, v in enumerate(r) if v is not None], default=0)] for r in rows]
            while rows and not rows[-1]:
                rows.pop()
            expected.append((ws.title, rows))
        wb.close()
        got = [(title, rows) for title, rows, _ in sheet_values(zipfile.ZipFile(path), MAX_ROWS, MAX_COLS)]
        assert got == expected
        assert got[0][1][1][0] == datetime.datetime(2022, 5, 1, 8, 30)


def test_a_workbook_laid_out_otherwise_is_left_to_openpyxl(tmp_path):
    path = _workbook(tmp_path / "c.xlsx")
    moved = tmp_path / "moved.xlsx"
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(moved, "w") as dst:
        for info in src.infolist():
            data = src.read(info.filename).replace(b"xl/workbook.xml", b"xl/book.xml")  # content types, package rels
            name = {"xl/workbook.xml": "xl/book.xml", "xl/_rels/workbook.xml.rels": "xl/_rels/book.xml.rels"}
            dst.writestr(name.get(info.filename, info.filename), data)
    with zipfile.ZipFile(moved) as archive:
        assert sheet_values(archive, MAX_ROWS, MAX_COLS) is None
    grids = xlsx_grids(moved)  # read by openpyxl, which finds the workbook by its content type
    assert [title for title, _ in grids] == ["表一", "第二页"]
    assert grids[0][1].value(0, 1) == 0.9426 and isinstance(grids[0][1].value(0, 1), Percent)
