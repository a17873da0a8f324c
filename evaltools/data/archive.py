"""Opening an untrusted Office file within bounds: what it would inflate to is judged before any parser sees it.

An .xlsx or .docx is a zip archive of XML. A 10 KB file can inflate to gigabytes (a "zip bomb"), and a parser
holds what it inflates, so :func:`check_archive` reads only the archive's directory and refuses a file whose
members would inflate beyond :data:`MAX_INFLATED` in all, or whose large members are compressed more than
:data:`MAX_RATIO` to one — ratios no spreadsheet or document saved by Excel, WPS or Word reaches (their XML
compresses about 5–30 to one; 200 to one is a run of one repeated byte). The limits are raised with the
environment variables named in the message. A file that is no zip at all is told apart by its first bytes:
a password-protected workbook or document (an OLE compound file holding ``EncryptedPackage``, as Excel, WPS
and Word save them) or a legacy binary file, each with what to do.

Sources: OWASP "XML External Entity Prevention" and "Zip bomb" notes; ECMA-376 part 2 (packaging) and
MS-OFFCRYPTO 2.3.4 (the encrypted package).
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from pathlib import Path

from openpyxl.utils import get_column_letter

from evaltools.data.size import gb, parse_size
from evaltools.errors import Location, Problem

#: Bytes the XML parts of one archive may inflate to: a filled-in 自评表 inflates to well under 1 MB, a data
#: workbook of a million indicator rows to some 300 MB (its memory is judged again while it is read, evaltools.
#: data.size). Pictures and other binary parts are never parsed and do not count.
MAX_INFLATED = 512 * 1024**2
#: The same for a form read by ``import`` / ``audit`` (its XML is parsed whole: a Word document's tree takes
#: several times its text), so that reading one form stays within 500 MB.
FORM_MAX_INFLATED = 48 * 1024**2
MAX_INFLATED_ENV = "EVALTOOLS_MAX_INFLATED"
#: The compression ratio no member above :data:`RATIO_FLOOR` bytes may pass.
MAX_RATIO = 200
MAX_RATIO_ENV = "EVALTOOLS_MAX_RATIO"
RATIO_FLOOR = 1024**2
#: The first bytes of an OLE compound file (legacy .xls/.doc, and Office's password-protected files).
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _limit(env: str, default: int, parse=parse_size) -> int:
    text = os.environ.get(env, "").strip()
    if not text:
        return default
    try:
        value = parse(text)
    except ValueError:
        value = 0
    return value if value > 0 else default


def limits(form: bool = False) -> tuple[int, int]:
    """(bytes an archive's XML may inflate to, the largest compression ratio), environment first."""
    inflated = _limit(MAX_INFLATED_ENV, FORM_MAX_INFLATED if form else MAX_INFLATED)
    return inflated, _limit(MAX_RATIO_ENV, MAX_RATIO, lambda t: int(float(t)))


def sniff(path: Path) -> str:
    """What the file's first bytes say it is: ``zip``, ``encrypted`` (Office password protection), ``ole`` (a
    legacy binary .xls/.doc) or ``other``."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(8)
            if head[:4] == b"PK\x03\x04" or head[:4] == b"PK\x05\x06":
                return "zip"
            if head != OLE_MAGIC:
                return "other"
            return "encrypted" if _ENCRYPTED in handle.read(1 << 20) else "ole"
    except OSError:
        return "other"


def not_an_archive(path: Path) -> Problem | None:
    """Why ``path`` (an .xlsx/.docx by name) is no zip archive of XML, said for people; None when it is one."""
    kind = sniff(path)
    if kind == "zip":
        return None
    if kind == "encrypted":
        return Problem(
            Location(str(path)),
            "文件受密码保护，无法读取 / the file is password-protected: open it in Excel, WPS or Word, remove the "
            "password and save it",
            "an encrypted Office file (EncryptedPackage)",
            "the file without a password: open it in Excel, WPS or Word, remove the password (文件 → 信息 → "
            "保护/加密) and save it",
            code="ENCRYPTED",
        )
    if kind == "ole":
        return Problem(
            Location(str(path)),
            "文件是旧格式却用了新扩展名 / a legacy binary file (.xls/.doc) under a new-format name: save it as "
            ".xlsx or .docx",
            "an OLE compound file (.xls/.doc)",
            "open it in Excel, WPS or Word and save it as .xlsx or .docx",
            code="LEGACY_FORMAT",
        )
    return Problem(
        Location(str(path)),
        "无法打开文件 / cannot open the file: not an Office file (no zip archive: damaged, or another kind of file "
        "renamed)",
        "no zip archive",
        "an .xlsx or .docx saved by Excel, WPS or Word",
        code="NOT_OFFICE",
    )


def check_archive(path: Path, form: bool = False) -> Problem | None:
    """The first bound ``path`` passes over (inflated size of its XML, compression ratio) or why it is no
    archive; None when it may be parsed. Only the zip's central directory is read. ``form``: the tighter limit of
    a form read whole (:data:`FORM_MAX_INFLATED`)."""
    problem = not_an_archive(path)
    if problem is not None:
        return problem
    max_inflated, max_ratio = limits(form)
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        return Problem(
            Location(str(path)),
            "无法打开文件 / cannot open the file",
            f"{type(exc).__name__}: {exc}",
            "an .xlsx or .docx saved by Excel, WPS or Word",
            code="NOT_OFFICE",
        )
    xml = [m for m in members if m.filename.lower().endswith(XML_SUFFIXES)]
    total = sum(m.file_size for m in xml)
    if total > max_inflated:
        return _bomb(
            path,
            f"its XML parts inflate to {gb(total)}",
            f"at most {gb(max_inflated)} inflated (raise with {MAX_INFLATED_ENV}=2G)",
        )
    for m in members:
        ratio = m.file_size / max(m.compress_size, 1)
        if m.file_size > RATIO_FLOOR and ratio > max_ratio:
            return _bomb(
                path,
                f"part {m.filename} inflates {ratio:,.0f}:1 ({gb(m.compress_size)} → {gb(m.file_size)})",
                f"at most {max_ratio}:1 (raise with {MAX_RATIO_ENV}=1000)",
            )
    return _declared_entities(path, xml)


def _bomb(path: Path, found: str, expected: str) -> Problem:
    return Problem(
        Location(str(path)),
        f"文件解压后过大，未读取 / the file would inflate beyond the limit and was not read: {found}; {expected}",
        found,
        expected,
        code="ARCHIVE_LIMIT",
    )


#: The parts an Office archive holds as XML (the only ones parsed).
XML_SUFFIXES = (".xml", ".rels", ".vml")
#: Bytes of a part's start read for its prolog: the root element of a part saved by Excel, WPS or Word starts
#: within its first few hundred bytes.
PROLOG_BYTES = 64 * 1024
_DOCTYPE = re.compile(rb"<!DOCTYPE|<!ENTITY", re.IGNORECASE)
_ROOT = re.compile(rb"<[A-Za-z_]")


def _declared_entities(path: Path, members: list[zipfile.ZipInfo]) -> Problem | None:
    """A located refusal when an XML part declares a DOCTYPE (entities that expand a billionfold, or an
    external entity naming a file or an address): Excel, WPS and Word never write one, so such a part is never
    handed to a parser. Only each part's prolog (at most :data:`PROLOG_BYTES`, before its root element) is read."""
    try:
        with zipfile.ZipFile(path) as archive:
            for m in members:
                with archive.open(m) as handle:
                    head = handle.read(PROLOG_BYTES)
                root = _ROOT.search(head)
                if _DOCTYPE.search(head[: root.start()] if root else head):
                    return _entities(path, m.filename)
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, zlib.error):
        return None  # a damaged archive: the reader names what it finds
    return None


def _entities(path: Path, member: str) -> Problem:
    found = f"part {member} declares XML entities (<!DOCTYPE …>)"
    expected = (
        "an .xlsx or .docx saved by Excel, WPS or Word (they never declare entities): open the file in one of them "
        "and save it again"
    )
    return Problem(
        Location(str(path)),
        f"文件的 XML 含有实体声明，未读取 / the file's XML declares entities (an entity expansion or an external "
        f"reference) and was not read: {found}; {expected}",
        found,
        expected,
        code="XML_ENTITIES",
    )


#: The most cells the merged ranges of one sheet may cover when a workbook is opened whole (openpyxl makes one
#: object per cell of every merged range: A1:XFD1048576 is 17 billion); a sheet over it has its ranges clipped.
MERGE_AREA_LIMIT = 100_000
# a mergeCell element however written: any namespace prefix, either quote, absolute ($A$1) or lower-case refs
_MERGE = re.compile(
    rb"<(?:[A-Za-z_][\w.-]*:)?mergeCell\b[^>]*?\bref\s*=\s*[\"']\s*\$?([A-Za-z]{1,3})\$?([0-9]{1,7})"
    rb"(?::\$?([A-Za-z]{1,3})\$?([0-9]{1,7}))?\s*[\"'][^>]*?(?:/>|>\s*</(?:[A-Za-z_][\w.-]*:)?mergeCell\s*>)"
)
_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\b[^>]*?\br\s*=\s*[\"']\$?([A-Za-z]{1,3})\$?([0-9]{1,7})[\"']")


def _col(letters: bytes) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + ch - 64
    return n


def _bounds(m: re.Match) -> tuple[int, int, int, int]:
    """(first column, first row, last column, last row) of a mergeCell match (a single cell when it has no ':')."""
    c1, r1 = _col(m[1]), int(m[2])
    c2, r2 = (_col(m[3]), int(m[4])) if m[3] else (c1, r1)
    return min(c1, c2), min(r1, r2), max(c1, c2), max(r1, r2)


def merged_ranges(xml: bytes) -> list[tuple[int, int, int, int]]:
    """(first column, first row, last column, last row) of every merged range of a sheet's XML, however written
    (namespace prefix, quotes, ``$``): read without building a cell."""
    return [_bounds(m) for m in _MERGE.finditer(xml)]


def _area(m: re.Match) -> int:
    c1, r1, c2, r2 = _bounds(m)
    return (c2 - c1 + 1) * (r2 - r1 + 1)


def clipped_workbook(path: Path) -> Path | io.BytesIO:
    """``path`` itself, or — when the merged ranges of a sheet cover more than :data:`MERGE_AREA_LIMIT` cells —
    the workbook in memory with its ranges clipped (:func:`_clip_merges`). Every XML part is looked at, wherever
    the workbook's relationships put its sheets."""
    with zipfile.ZipFile(path) as archive:
        parts = [n for n in archive.namelist() if n.lower().endswith(".xml")]
        big = [n for n in parts if sum(_area(m) for m in _MERGE.finditer(archive.read(n))) > MERGE_AREA_LIMIT]
        if not big:
            return path
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as copy:
            for info in archive.infolist():
                data = archive.read(info.filename)
                copy.writestr(info, _clip_merges(data) if info.filename in big else data)
    out.seek(0)
    return out


def _clip_merges(xml: bytes) -> bytes:
    """The sheet's merged ranges within :data:`MERGE_AREA_LIMIT` cells in all: a range over the limit is first
    cut to the last row and column holding a cell (what a person sees is kept, the empty area is not
    materialised); then, in the order written, each range keeps the rows (and columns) that still fit and the
    ranges beyond are dropped, as are ranges left with one cell. Each range keeps its first cell, so a merged
    header is still seen as one."""
    cells = [(_col(m[1]), int(m[2])) for m in _CELL.finditer(xml)]
    last_col, last_row = max((c for c, _ in cells), default=1), max((r for _, r in cells), default=1)
    budget = MERGE_AREA_LIMIT

    def clip(m: re.Match) -> bytes:
        nonlocal budget
        c1, r1, c2, r2 = _bounds(m)
        if (c2 - c1 + 1) * (r2 - r1 + 1) > MERGE_AREA_LIMIT:
            c2, r2 = min(c2, max(last_col, c1)), min(r2, max(last_row, r1))
        c2 = min(c2, c1 + max(budget, 1) - 1)  # a row wider than what is left
        r2 = min(r2, r1 + max(budget // (c2 - c1 + 1), 1) - 1)
        if budget <= 0 or (c1, r1) == (c2, r2):
            return b""
        budget -= (c2 - c1 + 1) * (r2 - r1 + 1)
        return b'<mergeCell ref="%s%d:%s%d"/>' % (
            get_column_letter(c1).encode(),
            r1,
            get_column_letter(c2).encode(),
            r2,
        )

    return _MERGE.sub(clip, xml)
