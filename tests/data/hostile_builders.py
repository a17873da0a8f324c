"""Hostile Office and Parquet files built from the project's own examples (issue 22 item 1), shared by the unit
tests of tests/data/test_hostile_files.py and the bad-input corpus (tests/data/bad_inputs/resources.yaml).

Each builder writes a small file that asks a reader for far more than it holds: a merged range or a sheet
dimension over the whole sheet, a zip member that inflates a thousandfold, XML entities that expand (or fetch
a file), an encrypted package, a dictionary-encoded Parquet table of millions of rows. They stream what they
write, so that building a bomb never costs the test what reading it would.
"""

from __future__ import annotations

import csv
import io
import re
import shutil
import zipfile
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter

from tests._paths import ROOT

FORMS = ROOT / "examples" / "forms"
FORM = FORMS / "县直" / "青神县发改局-工资性支出.xlsx"
WORD_FORM = FORMS / "县直" / "融媒体中心-部门整体.docx"
#: The example forms by the name a case gives.
EXAMPLES = {"xlsx": FORM, "docx": WORD_FORM}
#: The first bytes of an OLE compound file (as evaltools.data.archive.OLE_MAGIC, written here independently).
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
WHOLE_SHEET = "A1:XFD1048576"
#: What starts a formula in a spreadsheet cell (as evaltools.fmt.FORMULA_START, written here independently).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def rewrite_members(path: Path, edit) -> Path:
    """The archive at ``path`` rewritten with each member's bytes passed through ``edit(name, data)``."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, edit(info.filename, archive.read(info.filename))) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            archive.writestr(info, data)
    return path


def widen_merges(path: Path, small: str = "A1:B2", ref: str = WHOLE_SHEET) -> Path:
    """The workbook with every ``small`` merge rewritten as ``ref`` in its XML (openpyxl would build every cell
    of such a range if it wrote it)."""
    return rewrite_members(path, lambda _, data: data.replace(f'ref="{small}"'.encode(), f'ref="{ref}"'.encode()))


def whole_sheet_merge(path: Path, sheet: str = "填表说明", ref: str = WHOLE_SHEET) -> Path:
    """A sheet (added when the workbook has none of that name) whose text in A1 is merged over ``ref``."""
    return merge_xml(path, sheet, [ref])


_PLACEHOLDER = "XFC1048575:XFD1048576"


def merge_xml(path: Path, sheet: str, refs: list[str], quote: str = '"') -> Path:
    """A sheet (added when missing) with a text in A1 and the merged ranges ``refs`` written into its XML as
    they are (``quote`` around each ref): openpyxl would build every cell of them if it wrote them."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
    ws["A1"] = ws["A1"].value or "填表说明：本表由单位填写"
    ws.merge_cells(_PLACEHOLDER)  # four empty cells at the sheet's end, replaced in the XML
    wb.save(path)
    tags = "".join(f"<mergeCell ref={quote}{ref}{quote}/>" for ref in refs)
    placeholder = re.compile(rf'<mergeCell ref="{_PLACEHOLDER}"\s*/>'.encode())
    return rewrite_members(path, lambda _, data: placeholder.sub(lambda _m: tags.encode(), data))


def column_merges(path: Path, sheet: str, count: int, rows: int = 99_999) -> Path:
    """``count`` merged ranges side by side, each one column of ``rows`` rows from row 3 (each under the size
    a single range is clipped at; together ``count`` × ``rows`` cells), written with single quotes."""
    refs = [f"{get_column_letter(c)}3:{get_column_letter(c)}{rows + 2}" for c in range(1, count + 1)]
    return merge_xml(path, sheet, refs, quote="'")


def last_cell(path: Path, sheet: str, text: str = "末格") -> Path:
    """A sheet (added when missing) with a text at the sheet's last address, XFD1048576."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet in wb.sheetnames else wb.create_sheet(sheet)
    ws["XFD1048576"] = text
    wb.save(path)
    return path


def claim_dimension(path: Path, ref: str = WHOLE_SHEET) -> Path:
    """Every sheet of the workbook claims the dimension ``ref`` (its ``<dimension>``), whatever it holds."""
    pattern = re.compile(rb'<dimension ref="[^"]*"\s*/>')
    tag = f'<dimension ref="{ref}"/>'.encode()

    def edit(name: str, data: bytes) -> bytes:
        if not (name.startswith("xl/worksheets/") and name.endswith(".xml")):
            return data
        if pattern.search(data):
            return pattern.sub(tag, data)
        return data.replace(b"<sheetData", tag + b"<sheetData", 1)

    return rewrite_members(path, edit)


def zip_pad(path: Path, member: str, megabytes: float) -> Path:
    """``path`` with one more member of ``megabytes`` MB of one repeated byte (compresses about 1000:1),
    written in chunks."""
    size = int(megabytes * 1024**2)
    chunk = b" " * (1 << 20)
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open(member, "w", force_zip64=True) as out,
    ):
        for start in range(0, size, len(chunk)):
            out.write(chunk[: size - start])
    return path


#: A "billion laughs" DOCTYPE: &i; expands to 10^8 letters.
LAUGHS = (
    '<!DOCTYPE lol [<!ENTITY a "aaaaaaaaaa">'
    + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
    + "]>"
)
#: An external entity: the machine's password file, fetched if the parser resolves it.
XXE = '<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
ENTITIES = {"laughs": (LAUGHS, "&i;"), "xxe": (XXE, "&xxe;")}


def _with_doctype(xml: bytes, doctype: str) -> bytes:
    """XML with ``doctype`` after its declaration (and before its root)."""
    text = xml.decode("utf-8")
    head, sep, body = text.partition("?>")
    return (head + sep + doctype + body if sep else doctype + text).encode("utf-8")


def xml_entities(path: Path, kind: str, member: str | None = None) -> Path:
    """The workbook (its first sheet's XML) or document (word/document.xml) with an entity declared and used
    in its first text: ``laughs`` (exponential expansion) or ``xxe`` (an external file)."""
    doctype, use = ENTITIES[kind]
    word = path.suffix.lower() in (".docx", ".docm")
    member = member or ("word/document.xml" if word else "xl/worksheets/sheet1.xml")

    def edit(name: str, data: bytes) -> bytes:
        if name != member:
            return data
        data = _with_doctype(data, doctype)
        if word:
            return re.sub(rb"<w:t( [^>]*)?>", lambda m: m[0] + use.encode(), data, count=1)
        # an inline-string cell in the first row: <c r="A1" t="inlineStr"><is><t>&i;</t></is></c>
        cell = f'<c r="A1" t="inlineStr"><is><t>{use}</t></is></c>'.encode()
        data = re.sub(rb'<c r="A1"[^>]*/>|<c r="A1"[^>]*>.*?</c>', b"", data, count=1, flags=re.S)
        return re.sub(rb'(<row [^>]*r="1"[^>]*>)', lambda m: m[1] + cell, data, count=1)

    return rewrite_members(path, edit)


def encrypted(path: Path) -> Path:
    """An OLE compound file holding an ``EncryptedPackage`` stream, as Excel and WPS save a workbook with a
    password to open (MS-OFFCRYPTO 2.3.4): header, a directory sector naming the streams, padding."""
    header = OLE_MAGIC + b"\0" * 16 + b"\x3e\x00\x03\x00\xfe\xff\x09\x00\x06\x00" + b"\0" * 10
    header = header.ljust(512, b"\xff")
    directory = b"".join(
        name.encode("utf-16-le").ljust(64, b"\0") + bytes([2 * len(name) + 2, 0]) + b"\0" * 62
        for name in ("Root Entry", "EncryptionInfo", "EncryptedPackage", "\x06DataSpaces")
    )
    path.write_bytes(header + directory + b"\0" * 4096)
    return path


def set_cells(path: Path, cells: dict[str, object], sheet: str | None = None) -> Path:
    """The workbook with each cell (``C3`` …) of ``sheet`` (the first one by default) holding a value as text:
    ``=cmd|…`` is stored as a string, the way a person types it after a quote, never as a formula."""
    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    for ref, value in cells.items():
        ws[ref].value = value
        if isinstance(value, str):
            ws[ref].data_type = "s"
    wb.save(path)
    return path


def example_form(path: Path, name: str) -> Path:
    """A copy of an example form (``xlsx`` or ``docx``) at ``path`` (its suffix may differ: .xlsm, .docm)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(EXAMPLES[name], path)
    return path


def dictionary_parquet(csv_path: Path, rows: int, batch: int = 500_000) -> Path:
    """``csv_path`` as ``NAME.parquet`` beside it (the CSV removed): its first data row repeated ``rows`` times,
    every column dictionary-encoded (a few KB as stored, gigabytes as loaded), written a row group at a time."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    first = pcsv.read_csv(csv_path, convert_options=pcsv.ConvertOptions(strings_can_be_null=False)).slice(0, 1)
    first = first.cast(pa.schema([pa.field(f.name, pa.string()) for f in first.schema]))
    first = pa.table({name: pc.fill_null(first.column(name), "") for name in first.column_names})
    indices = pa.array([0] * batch, pa.int32())
    columns = {
        name: pa.DictionaryArray.from_arrays(indices, first.column(name).combine_chunks())
        for name in first.column_names
    }
    chunk = pa.table(columns)
    out = csv_path.with_suffix(".parquet")
    with pq.ParquetWriter(out, chunk.schema, use_dictionary=True, compression="zstd") as writer:
        for start in range(0, rows, batch):
            writer.write_table(chunk.slice(0, min(batch, rows - start)))
    csv_path.unlink()
    return out


def _formula_like(value: object) -> bool:
    """Whether a spreadsheet would run this text as a formula (a signed number is a number)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


def live_formulas(path: Path) -> tuple[list[str], list[str]]:
    """(what in an output file a spreadsheet would run, its text cells): in a CSV the cells starting a formula
    (``=``, ``+``, ``-``, ``@``, tab, CR; OWASP "CSV Injection"), in a workbook the formula cells."""
    if path.suffix == ".csv":
        rows = csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))
        texts = [value for row in rows for value in row]
        return [v for v in texts if _formula_like(v)], texts
    book = openpyxl.load_workbook(path)
    cells = [c for ws in book for row in ws.iter_rows() for c in row]
    return [c.coordinate for c in cells if c.data_type == "f"], [c.value for c in cells if isinstance(c.value, str)]
