"""What a workbook's cells really hold, beyond the values openpyxl gives.

* Formula cells without a saved value: a workbook written by a program (not saved by Excel or WPS)
  keeps the formula but no result, and reading it gives an empty cell. Such a cell is named with its
  formula and how to fix it (open the file in Excel or WPS and save it), never read as empty.
* The rows that hold values: formatting applied far below the data (a border on row 1,048,576) makes
  openpyxl's ``max_row`` huge, but a row without a value is no row of the table.
"""

from __future__ import annotations

import posixpath
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from defusedxml import ElementTree  # no entity expansion, no DTD fetching (issue 22)
from openpyxl.utils.cell import coordinate_from_string, get_column_letter

from evaltools.errors import Location, ProblemList

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"


def last_value_row(ws: Worksheet) -> int:
    """The last row of ``ws`` (a sheet of a workbook opened with ``read_only=False``) holding a value."""
    return max((row for (row, _), cell in ws._cells.items() if cell.value is not None), default=0)


def last_value_column(ws: Worksheet) -> int:
    return max((col for (_, col), cell in ws._cells.items() if cell.value is not None), default=0)


def _sheet_files(archive: zipfile.ZipFile) -> dict[str, str]:
    """Sheet title → its XML file inside the archive."""
    book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
    rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{_PKG}Relationship")}
    out = {}
    for sheet in book.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(f"{_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        out[sheet.get("name")] = path
    return out


def _unsaved_in(archive: zipfile.ZipFile, member: str) -> Iterator[tuple[str, str]]:
    """(cell, formula) of each formula cell without a value in one sheet's XML."""
    with archive.open(member) as handle:
        for _, cell in ElementTree.iterparse(handle):
            if cell.tag != f"{_MAIN}c":
                continue
            formula = cell.find(f"{_MAIN}f")
            value = cell.find(f"{_MAIN}v")
            if formula is not None and (value is None or not (value.text or "").strip()):
                yield cell.get("r", ""), "=" + (formula.text or "…")
            cell.clear()


def formulas_without_values(path: Path) -> list[tuple[str, int, int, str]]:
    """(sheet, row, column, formula) of every formula cell that holds no saved value; empty for a workbook
    saved by Excel or WPS (or without formulas). Sheets without any formula are not parsed."""
    out = []
    try:
        with zipfile.ZipFile(path) as archive:
            for title, member in _sheet_files(archive).items():
                if member not in archive.namelist():
                    continue
                if not _has_formula(archive, member):
                    continue
                for ref, formula in _unsaved_in(archive, member):
                    letters, row = coordinate_from_string(ref)
                    out.append((title, row, _column_index(letters), formula))
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError):
        return []  # openpyxl opened it: anything odd here is left to what it read
    return out


def _has_formula(archive: zipfile.ZipFile, member: str) -> bool:
    """Whether a sheet's XML holds a formula element, read in chunks (the sheet may be large)."""
    tail = b""
    with archive.open(member) as handle:
        while chunk := handle.read(1 << 20):
            if b"<f>" in tail + chunk or b"<f " in tail + chunk:
                return True
            tail = chunk[-2:]
    return False


def _column_index(letters: str) -> int:
    index = 0
    for ch in letters:
        index = index * 26 + ord(ch) - 64
    return index


def report_formulas(path: Path, frames: dict, problems: ProblemList) -> None:
    """Report each formula cell without a saved value in a sheet that is read (``frames``: title → its cells
    under the header), at its row and under its column's header. The cell is then marked unknown (``?``) in
    its frame so that no second message calls it empty."""
    for sheet, row, col, formula in formulas_without_values(path):
        frame = frames.get(sheet)
        if frame is None or frame.attrs.get("unreadable"):
            continue
        header_row = frame.attrs.get("header_row", 1)
        header = list(frame.columns)
        title = header[col - 1] if 0 < col <= len(header) and header[col - 1] else get_column_letter(col)
        problems.add(
            Location(str(path), sheet, row, str(title)),
            "公式未保存计算结果 / a formula cell without a saved value",
            found=f"{formula[:80]} (the workbook was written by a program that keeps formulas but not their results)",
            expected="the value: open the workbook in Excel or WPS and save it, or type the number itself",
            code="FORMULA_NO_VALUE",
        )
        at = row - header_row - 1
        if 0 <= at < len(frame) and 0 < col <= len(header):
            frame.iat[at, col - 1] = "?"
