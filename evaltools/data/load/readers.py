"""Reading a year's data as it is stored, before validation: a folder of CSV (streamed in chunks within the
memory budget) or Parquet files with ``profile.yaml``, or a workbook (:mod:`.sheets`).

Readers report what they cannot read (encoding, malformed CSV, a file too large …) and give every cell as
found; :mod:`.normalise` makes typed tables of them.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from evaltools.data import schema as S
from evaltools.data.load.sheets import read_workbook
from evaltools.data.load.tables import ALL_TABLES, PROFILE_FILE, RawProfile, RawTable, not_readable, unreadable
from evaltools.data.size import NEED_PER_PARQUET_BYTE, NEED_PER_TEXT_BYTE, MemoryBudget
from evaltools.errors import WARNING, Location, ProblemList
from evaltools.params import safe_yaml_load

#: Rows parsed at a time when a CSV file is streamed (the memory estimate is checked after each chunk).
CSV_CHUNK_ROWS = 50_000

if TYPE_CHECKING:
    import pyarrow.parquet as pq


def _skip_blank_top(handle: object) -> int:
    """Move past blank lines above the header; how many there were."""
    blank = 0
    while True:
        start = handle.tell()
        line = handle.readline()
        if not line or line.strip():
            break
        blank += 1
    handle.seek(start)
    return blank


class TextAsBytes(io.RawIOBase):
    """A text handle read as UTF-8 bytes for pandas' C parser, as pandas' own wrapper reads it: each
    ``read(n)`` reads ``n`` characters of the text and returns the first ``n`` bytes of what is waiting,
    so the parser gets the same blocks and a decoding error surfaces at the same read. pandas joins what
    waits to every new block (a copy that grows with the file: quadratic for Chinese text, whose
    characters take 3 bytes); here it waits in a bytearray taken from the front in place."""

    def __init__(self, text: io.TextIOBase):
        super().__init__()
        self.text = text
        self.waiting = bytearray()

    def readable(self) -> bool:
        return True

    def read(self, n: int | None = -1) -> bytes:
        """The next ``n`` bytes (all that waits when ``n`` is negative, None or more than there is)."""
        self.waiting += self.text.read(n).encode("utf-8")
        if n is None or n < 0 or n >= len(self.waiting):
            block = bytes(self.waiting)
            self.waiting.clear()
            return block
        block = bytes(self.waiting[:n])
        del self.waiting[:n]
        return block


def _stream_csv(handle: object, file: Path, header_row: int, budget: MemoryBudget, problems: ProblemList):
    """The file's rows as text, chunk by chunk; stops (reported) at the row where the memory estimate
    passes the limit, so that a file too large is refused after reading only what fits."""
    chunks = []
    reader = pd.read_csv(
        TextAsBytes(handle), dtype=str, keep_default_na=False, skip_blank_lines=False, chunksize=CSV_CHUNK_ROWS
    )
    with reader:
        for chunk in reader:
            need = float(chunk.memory_usage(deep=True, index=False).sum()) * NEED_PER_TEXT_BYTE
            if not budget.fits(need):
                row = header_row + int(chunk.index[-1]) + 1
                message, found, expected = budget.message(budget.used + need)
                problems.add(Location(str(file), None, row), message, found=found, expected=expected, code="TOO_LARGE")
                return None
            budget.take(need)
            chunks.append(chunk)
    return pd.concat(chunks) if len(chunks) > 1 else chunks[0]


#: A plain CSV file is read at once (:func:`_plain_csv`) when this many times its size (times
#: :data:`NEED_PER_TEXT_BYTE`) fits the memory budget, the need of what was read then taken exactly; else it is
#: streamed, and reading stops at the row where the estimate passes the limit.
PLAIN_CSV_BOUND = 2.0


def _plain_csv(file: Path, header: list[str], budget: MemoryBudget) -> pd.DataFrame | None:
    """A plain CSV file — no double quote, no NUL, a header of distinct names, every row as many fields as the
    header, UTF-8 — read at once by Arrow's parser (several threads): the same cells as :func:`_stream_csv` gives,
    each column a categorical of its distinct texts (Arrow's dictionary: a million cells of a few hundred values
    are their codes, not a million strings; normalising looks at each text once). The budget takes what
    :func:`_stream_csv`'s frame of text would need (:func:`_text_need`). None for any other file, or one that would
    not fit the budget: the streamed reader then reads it and reports what it finds where it finds it."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    size = file.stat().st_size
    if not header or "" in header or len(set(header)) < len(header):
        return None
    if not budget.fits(size * NEED_PER_TEXT_BYTE * PLAIN_CSV_BOUND):
        return None
    breaks = _line_breaks(file)
    if breaks is None:
        return None
    try:
        table = pacsv.read_csv(
            file,
            parse_options=pacsv.ParseOptions(ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.dictionary(pa.int32(), pa.string())),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
            memory_pool=(pool := _text_pool()),
        )
    except (pa.ArrowException, OSError, ValueError):  # ragged rows, not UTF-8 …: the streamed reader names it
        return None
    if table.column_names != header or not table.num_rows:
        return None
    need = _text_need(file, header, table.num_rows, breaks) * NEED_PER_TEXT_BYTE
    if not budget.fits(need):
        return None
    frame = table.to_pandas()
    del table
    pool.release_unused()  # the parser's freed blocks back to the system now, not after the pool's delay
    budget.take(need)
    return frame


def _text_need(file: Path, header: list[str], rows: int, breaks: int) -> float:
    """The bytes the plain CSV file's ``rows`` rows (below ``header``) take as pandas' Arrow-backed text
    (``memory_usage(deep=True)`` of the frame of text: 8 bytes of offset per cell and the cells' UTF-8 bytes), from
    the file's size: a plain file's bytes are its cells' bytes, its commas (one fewer than the fields on every
    line), its ``breaks`` line-break bytes (CR, LF) and a byte-order mark."""
    with open(file, "rb") as handle:
        bom = len(codecs.BOM_UTF8) if handle.read(len(codecs.BOM_UTF8)) == codecs.BOM_UTF8 else 0
    commas = (len(header) - 1) * (rows + 1)
    cells = file.stat().st_size - bom - breaks - commas - sum(len(h.encode("utf-8")) for h in header)
    return 8.0 * rows * len(header) + float(cells)


def _text_pool() -> object:
    """Arrow's jemalloc pool where this build of pyarrow has one (Linux): the parser's blocks, freed, are given
    back to the system (the default pool keeps about half the text's size more for the rest of the load); else
    the default pool."""
    import pyarrow as pa

    try:
        return pa.jemalloc_memory_pool()
    except (NotImplementedError, pa.ArrowException):
        return pa.default_memory_pool()


def _line_breaks(file: Path) -> int | None:
    """How many line-break bytes (CR, LF) the file holds; None when it holds a double quote or a NUL (not a plain
    file: read in chunks, stops there)."""
    breaks = 0
    with open(file, "rb") as handle:
        while chunk := handle.read(_CHUNK * 16):
            if b'"' in chunk or b"\x00" in chunk:
                return None
            breaks += chunk.count(b"\n") + chunk.count(b"\r")
    return breaks


def read_csv(file: Path, problems: ProblemList, budget: MemoryBudget | None = None) -> pd.DataFrame | None:
    """Every cell as text, streamed in chunks of :data:`CSV_CHUNK_ROWS` rows within the memory ``budget``.

    Blank lines are kept as blank rows (dropped later) so that row numbers stay the file's.
    """
    budget = budget or MemoryBudget.default()
    if not _has_content(file):
        problems.add(Location(str(file)), "文件是空的 / the file is empty", expected="a header row and data rows")
        return None
    blank = 0  # blank lines above the header
    try:
        with open(file, encoding="utf-8-sig", newline="") as handle:
            blank = _skip_blank_top(handle)
            start = handle.tell()
            header = next(csv.reader(handle), [])  # as written: pandas renames a repeated header (budget.1)
            handle.seek(start)
            frame = _plain_csv(file, header, budget) if not blank else None
            if frame is None:
                frame = _stream_csv(handle, file, blank + 1, budget, problems)
        if frame is None:
            return None
        if len(set(header)) < len(header) == len(frame.columns):
            frame.columns = header  # the duplicate is then reported as such
        frame.attrs["header_row"] = blank + 1
    except UnicodeDecodeError:
        problems.add(
            Location(str(file)),
            "文件编码不是 UTF-8 / the file is not UTF-8",
            found=_not_utf8(file),
            expected="UTF-8: in Excel choose 另存为 → 'CSV UTF-8 (逗号分隔)'",
            code="ENCODING",
        )
        return None
    except pd.errors.EmptyDataError:
        problems.add(Location(str(file)), "文件是空的 / the file is empty", expected="a header row and data rows")
        return None
    except pd.errors.ParserError as exc:
        # pandas counts rows (a quoted cell over several lines is one) from where it began: after the blank
        # lines above the header; the row the user sees in a spreadsheet is that plus those lines
        text = str(exc).strip().removeprefix("Error tokenizing data. C error: ")
        line = re.search(r"line (\d+)", text)
        # an unclosed quote: pandas names the row where the quoted cell opens, counted from 0 at the header
        quote = re.search(r"starting at row (\d+)", text)
        row = int(line.group(1)) + blank if line else int(quote.group(1)) + 1 + blank if quote else None
        problems.add(
            Location(str(file), row=row),
            "CSV 格式错误 / malformed CSV",
            found=re.sub(r"line \d+|row \d+", f"row {row}", text) if row else text,
            expected="the same number of fields on every row (a cell holding a comma must be in double quotes)",
        )
        return None
    return frame


def read_parquet(file: Path, problems: ProblemList, budget: MemoryBudget | None = None) -> pd.DataFrame | None:
    """A Parquet table (typed columns as stored), refused before reading when it would not fit in memory."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    budget = budget or MemoryBudget.default()
    try:
        parquet = pq.ParquetFile(file)
        meta = parquet.metadata
        need = parquet_decoded_size(parquet) * NEED_PER_PARQUET_BYTE
        if not budget.fits(need):
            message, found, expected = budget.message(budget.used + need)
            problems.add(
                Location(str(file)),
                message,
                found=f"{meta.num_rows:,} rows; {found}",
                expected=expected,
                code="TOO_LARGE",
            )
            return None
        nested = [f for f in parquet.schema_arrow if pa.types.is_nested(f.type)]
        for f in nested:  # a list, struct or map column: a table's cell holds one value (issue 22)
            problems.add(
                Location(str(file), column=f.name),
                "Parquet 列含嵌套值 / a Parquet column holds lists or records, not one value per cell",
                found=str(f.type),
                expected="one text or number per cell (a column as in the CSV form); write the list out as text",
                code="PARQUET_NESTED",
            )
        if nested:
            return None
        budget.take(need)
        text = [f.name for f in parquet.schema_arrow if pa.types.is_string(f.type) or pa.types.is_large_string(f.type)]
        # text columns read as Arrow dictionaries, so categoricals: each distinct text decoded once, not per cell
        table = pq.read_table(file, read_dictionary=text)
        # each column its own block, the table's buffers let go as they are converted: no second copy of it held
        frame = table.to_pandas(types_mapper=_null_as_text, split_blocks=True, self_destruct=True)
        del table
        pa.default_memory_pool().release_unused()  # the decoder's freed blocks back to the system now
        return frame
    except (OSError, ValueError, pa.ArrowException) as exc:  # not Parquet, damaged, or unreadable
        problems.add(
            Location(str(file)),
            "无法读取 Parquet 文件 / cannot read the Parquet file",
            found=f"{type(exc).__name__}: {exc}",
            expected="a Parquet file with one column per field (headers as in the CSV form)",
        )
        return None


def _null_as_text(arrow_type: object) -> pd.StringDtype | None:
    """A column Parquet stores as nulls only (a column left blank) read as text with every cell missing, as the
    CSV form's text is read (not a column of ``None`` objects: its missing cells are then counted, not looked at)."""
    import pyarrow as pa

    return pd.StringDtype("pyarrow", na_value=float("nan")) if pa.types.is_null(arrow_type) else None


_CHUNK = 1 << 20
#: Rows decoded to judge a Parquet file's size as loaded.
_SAMPLE_ROWS = 10_000


def parquet_decoded_size(parquet: pq.ParquetFile) -> float:
    """Bytes a Parquet file's rows take decoded: the larger of its metadata's (uncompressed, but still
    dictionary- or run-length-encoded) size and the decoded size of its first :data:`_SAMPLE_ROWS` rows scaled to
    all rows. A dictionary-encoded text column of 5 million rows is a few KB as stored and hundreds of MB as
    text (issue 22: its encoded size let it pass a 1 GB limit and peak at 3.3 GB)."""
    import pyarrow as pa

    meta = parquet.metadata
    encoded = float(sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups)))
    if not meta.num_rows:
        return encoded
    sample = next(parquet.iter_batches(batch_size=_SAMPLE_ROWS), None)
    if sample is None or not sample.num_rows:
        return encoded
    decoded = 0
    for column in sample.columns:
        if pa.types.is_dictionary(column.type):
            column = column.dictionary_decode()
        decoded += column.nbytes
    return max(encoded, decoded / sample.num_rows * meta.num_rows)


def _has_content(file: Path) -> bool:
    """Whether the file holds anything but whitespace (read in chunks, stops at the first)."""
    with open(file, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            if chunk.strip():
                return True
    return False


def _not_utf8(file: Path) -> str:
    """What a file that is not UTF-8 looks like: GBK text, or where the first bad byte is."""
    utf8, gbk = codecs.getincrementaldecoder("utf-8")(), codecs.getincrementaldecoder("gb18030")()
    offset, bad, is_gbk = 0, None, True
    with open(file, "rb") as handle:
        while (chunk := handle.read(_CHUNK)) and (bad is None or is_gbk):
            if bad is None:
                try:
                    utf8.decode(chunk)
                except UnicodeDecodeError as exc:
                    bad = offset + exc.start
            if is_gbk:
                try:
                    gbk.decode(chunk)
                except UnicodeDecodeError:
                    is_gbk = False
            offset += len(chunk)
    if bad is None:  # a character cut short at the end of the file
        bad = offset
    if is_gbk:
        return "GBK/GB18030 text (as Excel saves 'CSV' on Chinese Windows)"
    return f"bytes that are not UTF-8 (at byte {bad})"


def _table_file(path: Path, table: S.Table, problems: ProblemList) -> Path | None:
    """The file holding ``table`` in a data folder: ``name.csv`` or ``name.parquet`` (both: an error)."""
    found = [f for f in (path / table.file, path / f"{table.name}.parquet") if f.exists() or f.is_symlink()]
    if len(found) > 1:
        problems.add(
            Location(str(found[1])),
            "同一张表有两个文件 / two files for one table",
            found=", ".join(f.name for f in found),
            expected="one of them",
        )
    return found[0] if found else None


def read_folder(
    path: Path, problems: ProblemList, budget: MemoryBudget
) -> tuple[RawProfile | None, dict[str, RawTable]]:
    """The raw profile and raw tables of a data folder; unknown .csv and .parquet files are warned about."""
    profile_file = path / PROFILE_FILE
    profile_raw = None
    if not profile_file.exists():
        problems.add(
            Location(str(profile_file)),
            "缺少单位概况 / profile.yaml is missing",
            expected="a YAML file with unit, year and the report's text (see data/2022/profile.yaml)",
        )
    else:
        profile_raw = (read_yaml(profile_file, problems), Location(str(profile_file)))
    raws = {}
    for name, table in ALL_TABLES.items():
        file = _table_file(path, table, problems)
        if file is None:
            continue
        read = read_parquet if file.suffix == ".parquet" else read_csv
        skip = budget.exceeded or not_readable(file, f"a {file.suffix[1:].upper()} file", problems)
        frame = None if skip else read(file, problems, budget)
        if frame is None:
            frame = unreadable()  # already reported; not "missing" as well
        raws[name] = RawTable(frame, str(file), header_row=frame.attrs.get("header_row", 1))
    known = {t.file for t in ALL_TABLES.values()} | {f"{t.name}.parquet" for t in ALL_TABLES.values()} | {PROFILE_FILE}
    for extra in sorted(p.name for p in path.iterdir() if p.suffix in (".csv", ".parquet")):
        if extra not in known:
            problems.add(
                Location(str(path / extra)),
                "未知的文件，已忽略 / unknown file ignored",
                expected=", ".join(sorted(t.file for t in ALL_TABLES.values())),
                severity=WARNING,
                code="UNKNOWN_FILE",
            )
    return profile_raw, raws


def read_yaml(file: Path, problems: ProblemList) -> dict | None:
    """profile.yaml as a mapping, or None when it cannot be read or is no mapping (reported)."""
    if not_readable(file, "a YAML file (see data/2022/profile.yaml)", problems):
        return None
    try:
        data = safe_yaml_load(file.read_text(encoding="utf-8-sig"), str(file))
    except UnicodeDecodeError:
        problems.add(
            Location(str(file)), "文件编码不是 UTF-8 / the file is not UTF-8", expected="UTF-8 text", code="ENCODING"
        )
        return None
    except Exception as exc:  # ParamsError from safe_yaml_load carries the reason (after the file name)
        problems.add(
            Location(str(file)),
            str(exc).removeprefix(f"{file}: "),
            expected="plain YAML (mappings, lists, text, numbers)",
        )
        return None
    if data is None:
        problems.add(Location(str(file)), "文件是空的 / the file is empty", expected="unit, year and the report text")
        return None
    if not isinstance(data, dict):
        problems.add(Location(str(file)), "应为键值对 / expected a mapping", found=type(data).__name__)
        return None
    return data


_INPUT_FORMS = "a folder of CSV (or Parquet) files with profile.yaml, or an .xlsx workbook"


def read_input(
    path: Path, problems: ProblemList, budget: MemoryBudget
) -> tuple[RawProfile | None, dict[str, RawTable]] | None:
    """(raw profile, raw tables) of a folder or workbook, or None when it cannot be read at all (reported)."""
    if path.is_dir():
        return read_folder(path, problems, budget)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        profile_raw, raws = read_workbook(path, problems, budget)
        return None if raws is None else (profile_raw, raws)  # not a workbook, or an empty one: reported
    if not path.exists():
        problems.add(Location(str(path)), "数据不存在 / no such file or folder", expected=_INPUT_FORMS)
    else:
        problems.add(
            Location(str(path)),
            "不支持的文件类型 / unsupported input",
            found=path.suffix or "(none)",
            expected=_INPUT_FORMS,
        )
    return None
