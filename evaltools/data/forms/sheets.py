"""The cell values of a workbook's sheets, read from its XML as openpyxl's read-only mode reads them — without
building openpyxl's workbook (its styles, theme, defined names …), most of the time of reading a one-page form
(issue 19 item 6: one form read and audited in a tenth of a second).

Each value is what ``openpyxl.load_workbook(path, read_only=True, data_only=True)`` gives for the cell: numbers as
int or float, a number of a date or time format as ``datetime`` / ``timedelta`` (openpyxl.utils.datetime), shared and
inline strings as their text, booleans, errors as their text (``#DIV/0!``), a formula's saved value; a number whose
format shows ``%`` is a :class:`Percent`. Reading is bounded: rows beyond ``max_row`` and columns beyond ``max_col``
are never materialised, and the XML is parsed by lxml with no entity expansion and nothing fetched (OWASP XXE
prevention; the archive's size was judged before, evaltools.data.archive), a sheet row by row. A workbook laid out otherwise than Excel and WPS save it (its parts
elsewhere) is read by openpyxl itself (:func:`sheet_values` returns None).

Source: ECMA-376 part 1, 18.3.1.4 (c), 18.3.1.73 (row), 18.4 (shared strings), 18.8.30–31 (numFmt, built-in ids).
"""

from __future__ import annotations

import posixpath
import zipfile

from lxml import etree
from openpyxl.styles.numbers import BUILTIN_FORMATS, BUILTIN_FORMATS_REVERSE, is_date_format, is_timedelta_format
from openpyxl.utils.cell import coordinate_to_tuple
from openpyxl.utils.datetime import CALENDAR_MAC_1904, CALENDAR_WINDOWS_1900, from_excel, from_ISO8601

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_PKG = "{http://schemas.openxmlformats.org/package/2006/relationships}"
_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_WORKSHEET = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"
_BOOK, _BOOK_RELS, _STRINGS, _STYLES = (
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/sharedStrings.xml",
    "xl/styles.xml",
)
_BOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


class Percent(float):
    """A number a workbook shows as a percentage (its number format has ``%``): the fraction itself."""


def sheet_values(archive: zipfile.ZipFile, max_row: int, max_col: int) -> list[tuple[str, list[list]]] | None:
    """Every worksheet of the workbook in ``archive`` (in the workbook's order; chart sheets left out) as
    ``(title, rows)``: row ``i`` the values of sheet row ``i + 1``, trailing empty cells and rows dropped, within
    ``max_row`` × ``max_col``. None when the workbook is not laid out as Excel and WPS save it."""
    names = set(archive.namelist())
    parts = _parts(archive) if {_BOOK, _BOOK_RELS, "[Content_Types].xml"} <= names else {}
    if parts.get(_BOOK_TYPE) != "/" + _BOOK or parts.get(_STRINGS_TYPE, "/" + _STRINGS) != "/" + _STRINGS:
        return None
    book = _xml(archive.read(_BOOK))
    flag = getattr(book.find(f"{_MAIN}workbookPr"), "get", lambda _: None)("date1904")
    epoch = CALENDAR_MAC_1904 if flag and flag not in ("false", "f", "0") else CALENDAR_WINDOWS_1900  # as openpyxl
    rels = _xml(archive.read(_BOOK_RELS))
    targets = {r.get("Id"): r for r in rels.iter(f"{_PKG}Relationship")}
    strings = _shared_strings(archive) if _STRINGS_TYPE in parts else []  # found by its content type
    styles = _styles(archive) if _STYLES in names else ([], set(), set())
    out = []
    for sheet in book.iter(f"{_MAIN}sheet"):
        rel = targets.get(sheet.get(f"{_REL}id"))
        if rel is None or rel.get("Type") != _WORKSHEET:
            return None  # a chart sheet or an unusual relationship: left to openpyxl
        target = rel.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
        if path not in names:
            continue  # openpyxl skips a sheet whose part is missing
        with archive.open(path) as source:
            rows = _rows(source, strings, styles, epoch, max_row, max_col)
        out.append((sheet.get("name"), rows, path))
    return out


#: What every part is parsed with: entities never expanded, nothing fetched, no DTD, no huge tree.
_SAFE = {"resolve_entities": False, "no_network": True, "huge_tree": False, "load_dtd": False}


def _xml(data: bytes) -> object:
    return etree.fromstring(data, etree.XMLParser(**_SAFE))


def _parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Content type → part name of the package's overrides (where openpyxl finds the workbook and its strings)."""
    types = _xml(archive.read("[Content_Types].xml"))
    return {o.get("ContentType"): o.get("PartName") for o in types.iterfind(f"{_TYPES}Override")}


def _text(node: object) -> str:
    """A string item's text as openpyxl's ``Text.content``: its plain ``t`` and its runs' ``t``, phonetic runs
    (``rPh``) left out."""
    parts = [node.find(f"{_MAIN}t")] + [r.find(f"{_MAIN}t") for r in node.iterfind(f"{_MAIN}r")]
    return "".join(t.text or "" for t in parts if t is not None)


def _shared_strings(archive: zipfile.ZipFile) -> list[str]:
    root = _xml(archive.read(_STRINGS))
    return [_text(si).replace("x005F_", "") for si in root.iterfind(f"{_MAIN}si")]


def _styles(archive: zipfile.ZipFile) -> tuple[list[str], set[int], set[int]]:
    """Per cell style (its index in cellXfs): its number format code; the styles of date and of duration formats."""
    root = _xml(archive.read(_STYLES))
    custom = {int(f.get("numFmtId")): f.get("formatCode") for f in root.iterfind(f"{_MAIN}numFmts/{_MAIN}numFmt")}
    xfs = root.find(f"{_MAIN}cellXfs")
    codes, dates, durations = [], set(), set()
    for i, xf in enumerate(xfs.iterfind(f"{_MAIN}xf") if xfs is not None else ()):
        number = int(xf.get("numFmtId", 0))
        code = custom.get(number)
        if code is not None and code in BUILTIN_FORMATS_REVERSE:
            number, code = BUILTIN_FORMATS_REVERSE[code], None
        tested = code if code is not None else BUILTIN_FORMATS.get(number)
        codes.append(tested if code is not None else BUILTIN_FORMATS.get(number, "General"))
        if is_date_format(tested):
            dates.add(i)
        if is_timedelta_format(tested):
            durations.add(i)
    return codes, dates, durations


def _row_number(text: str | None, previous: int) -> int:
    if text is None:
        return previous + 1
    try:
        return int(text)
    except ValueError:
        number = float(text)
        if not number.is_integer():
            raise ValueError(f"{text} is not a valid row number") from None
        return int(number)


def _rows(source: object, strings: list[str], styles: tuple, epoch: object, max_row: int, max_col: int) -> list[list]:
    """The sheet's rows of values (see :func:`sheet_values`), its XML read row by row."""
    rows: list[list] = []
    number = 0
    for _, element in etree.iterparse(source, events=("end",), tag=f"{_MAIN}row", **_SAFE):
        number = _row_number(element.get("r"), number)
        if number > max_row:
            break
        if number > len(rows):  # a row number seen before (out of order) is skipped, as openpyxl does
            rows += [[] for _ in range(len(rows), number - 1)]
            rows.append(_cells(element, strings, styles, epoch, max_col))
        element.clear()
        while element.getprevious() is not None:  # rows read are dropped: a long sheet is not held whole
            del element.getparent()[0]
    while rows and not rows[-1]:
        rows.pop()
    return rows


def _cells(row: object, strings: list[str], styles: tuple, epoch: object, max_col: int) -> list:
    values: list = []
    column = 0
    for cell in row.iterfind(f"{_MAIN}c"):
        ref = cell.get("r")
        column = coordinate_to_tuple(ref)[1] if ref else column + 1
        if column > max_col:
            continue
        value = _value(cell, strings, styles, epoch)
        values += [None] * (column - len(values))
        values[column - 1] = value
    while values and values[-1] is None:
        values.pop()
    return values


def _value(cell: object, strings: list[str], styles: tuple, epoch: object) -> object:
    """One cell's value as openpyxl reads it with ``data_only=True`` (see :func:`sheet_values`)."""
    kind = cell.get("t", "n")
    if kind == "inlineStr":
        child = cell.find(f"{_MAIN}is")
        return None if child is None else _text(child)
    value = cell.findtext(f"{_MAIN}v", None) or None
    if value is None:
        return None
    if kind == "n":
        style = int(cell.get("s") or 0)
        codes, dates, durations = styles
        number = float(value) if "." in value or "E" in value or "e" in value else int(value)
        if style in dates:
            try:
                return from_excel(number, epoch, timedelta=style in durations)
            except (OverflowError, ValueError):
                return "#VALUE!"
        code = codes[style] if style < len(codes) else "General"
        return Percent(number) if "%" in (code or "") else number
    if kind == "s":
        return strings[int(value)]
    if kind == "b":
        return bool(int(value))
    if kind == "d":
        return from_ISO8601(value)
    return value
