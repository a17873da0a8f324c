"""Loading one year's data from a CSV folder (+ profile.yaml) or one Excel workbook, validated.

Both forms give equal :class:`~evaltools.data.model.YearData` objects. Every problem found is
collected and raised at once as an :class:`~evaltools.errors.InputError` naming file, sheet,
row and column; after this boundary the rest of evaltools trusts the data.
"""

from __future__ import annotations

import codecs
import csv
import difflib
import io
import re
import unicodedata
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaltools.data import schema as S
from evaltools.data.bounds import check_profile, check_table
from evaltools.data.cells import clean_text, is_unknown, parse_bool, parse_number, parse_number_series, unknown_mask
from evaltools.data.discover import locate
from evaltools.data.model import Profile, UnitsData, YearData
from evaltools.data.sense import check_sense
from evaltools.data.size import NEED_PER_PARQUET_BYTE, NEED_PER_TEXT_BYTE, NEED_PER_XLSX_BYTE, MemoryBudget
from evaltools.data.text import INVALID, profile_text, screen_column
from evaltools.data.validate import cross_check
from evaltools.data.xlsxcheck import last_value_column, last_value_row, report_formulas
from evaltools.errors import WARNING, DataNotFoundError, InputError, Location, Problem, ProblemList
from evaltools.fmt import is_missing
from evaltools.params import JobParams, safe_yaml_load
from evaltools.paths import not_a_file, resolve_data_dir, safe_component

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet

PROFILE_FILE = "profile.yaml"


@dataclass
class RawTable:
    """A table as read, before validation: original headers, every cell as found."""

    frame: pd.DataFrame
    file: str
    sheet: str | None = None
    header_row: int = 1
    #: The frame index of each row kept after blank rows were dropped (set by ``_normalise``).
    kept: list | None = None

    def loc(self, row: int | None = None, column: str | None = None) -> Location:
        return Location(self.file, self.sheet, row, column)

    def excel_row(self, index: object) -> int:
        """Spreadsheet row (header = ``header_row``) of a row of :attr:`frame`, by its index label."""
        return int(index) + self.header_row + 1

    def data_row(self, position: int) -> int:
        """Spreadsheet row of the ``position``-th row of the validated table (blank rows dropped)."""
        return self.excel_row(self.kept[int(position)] if self.kept is not None else position)


@dataclass
class PlacedTable(RawTable):
    """A table whose rows were read from the cells of a filled-in form: ``places[i](column title)`` locates
    row ``i``'s cell of that column where the form prints it (sheet or Word table, row, cell)."""

    places: list | None = None

    def loc(self, row: int | None = None, column: str | None = None) -> Location:
        if row is None or self.places is None:
            return RawTable.loc(self, row, column)
        return self.places[row - self.header_row - 1](column)


def normalise_rows(name: str, raw: RawTable, problems: ProblemList) -> pd.DataFrame:
    """One table's cells (``raw``) → the validated, typed table, exactly as a CSV file's; problems are added to
    ``problems`` where ``raw.loc`` places them. ``raw.kept`` then maps each row of the result to its raw row."""
    return _normalise(S.TABLES[name], raw, problems)


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with every column of ``name`` and its canonical dtypes (made once, then copied)."""
    if name not in _EMPTY:
        _EMPTY[name] = _empty(S.TABLES[name])
    return _EMPTY[name].copy()


def year_data(
    profile: dict, tables: dict[str, pd.DataFrame], raws: dict[str, RawTable], source: str, where: Location
) -> tuple[YearData | None, ProblemList]:
    """Year data from tables already normalised (:func:`normalise_rows`): the profile validated, the tables not
    given empty, the year's content and the cross-table rules checked as for a CSV folder."""
    problems = ProblemList()
    built = _build_profile((dict(profile), where), problems, None)
    out = {name: tables[name] if name in tables else empty_table(name) for name in S.TABLES}
    _require_content(out, raws, Path(source), problems)
    if problems.has_errors or built is None:
        return None, problems
    cross_check(out, raws, problems)
    if problems.has_errors:
        return None, problems
    warnings = tuple(p for p in problems.items if p.severity == WARNING)
    return YearData(built, out, source, warnings), problems


# ----------------------------------------------------------------------------- locating data


def is_many_units(path: Path) -> bool:
    """Whether a data folder holds many units at once (it has a units table)."""
    return path.is_dir() and any((path / f"{S.UNITS.name}{ext}").exists() for ext in (".csv", ".parquet"))


def find_source(year: int, data_dir: str | Path = JobParams.data_dir, unit: str | None = None) -> Path:
    """Where the data of ``year`` (and ``unit``) lives: ``data/[unit/]YEAR/`` or ``data/[unit/]YEAR.xlsx``
    (:func:`evaltools.data.discover.locate`: the folder when both exist; near misses named when neither does)
    — or, for a unit without a folder of its own, the many-unit folder ``data/YEAR/`` (units.csv) that holds it."""
    try:
        return locate(year, data_dir, unit)[0]
    except DataNotFoundError:
        if unit is not None:
            many = resolve_data_dir(data_dir) / safe_component(str(year), "year")
            if is_many_units(many):
                return many
        raise


def earlier_year_unusable(earlier: int, year: int, source: str | Path, errors: list[Problem]) -> Problem:
    """The warning that an earlier year's data has errors and is left out of ``year``'s report: last year's
    (the year-over-year figures are missing) or an older one's (the trend leaves it out). One bad year stays
    one bad year: it fails its own report, never the next ones."""
    first = errors[0] if errors else None
    if earlier == year - 1:
        zh, en = "同比数字（变动率、趋势）缺失", "year-over-year figures are missing"
    else:
        zh, en = "趋势图不含该年", "the trend leaves it out"
    return Problem(
        Location(str(source)),
        f"{earlier} 年数据有误，未使用：{zh} / the {earlier} data has errors and is left out: {en}",
        f"{len(errors)} error(s){'; first: ' + str(first) if first else ''}",
        f"fix the {earlier} data (evaltools check {earlier})",
        WARNING,
        "PREVIOUS_YEAR_UNUSABLE",
    )


def _previous(year: int, data_dir: str | Path, unit: str | None) -> tuple[YearData | UnitsData | None, tuple]:
    """Last year's data, or None; a last year with errors is left out with a warning (never an error: one
    bad year must not stop the next)."""
    try:
        source = find_source(year - 1, data_dir, unit)
        return load_path(source, expected_year=year - 1), ()
    except DataNotFoundError:
        return None, ()
    except InputError as exc:
        return None, (earlier_year_unusable(year - 1, year, source, exc.errors),)


def load_year(
    year: int, data_dir: str | Path = JobParams.data_dir, unit: str | None = None, *, with_previous: bool = True
) -> YearData | UnitsData:
    """Load and validate one year (``evaltools.load_year(2022)``); last year is attached when present.

    Many-unit data (a units table) loads as :class:`UnitsData`; with ``unit`` one unit's slice of it."""
    data = load_path(find_source(year, data_dir, unit), expected_year=year)
    many = isinstance(data, UnitsData)
    prev, warnings = _previous(year, data_dir, unit) if with_previous else (None, ())
    if prev is not None and isinstance(prev, UnitsData) != many:
        prev = None  # last year in the other layout: not comparable row by row
    data = replace(data, warnings=data.warnings + warnings, previous=prev)
    if many and unit is not None:
        if unit not in data:
            raise DataNotFoundError([], summary=f"没有这个单位 / no unit {unit!r} in {data.source} ({S.UNITS.file})")
        return data.unit(unit)
    return data


def load_path(path: str | Path, expected_year: int | None = None) -> YearData | UnitsData:
    """Load a data folder (CSV or Parquet files, profile.yaml) or an ``.xlsx`` workbook; raises InputError
    listing every problem. With a units table (units.csv, units.parquet or sheet 「单位」) the data holds many
    units at once and loads as :class:`UnitsData`; otherwise as one unit's :class:`YearData`."""
    data, problems = inspect_path(path, expected_year)
    if problems.has_errors:
        raise InputError(problems.items)
    return data


_INPUT_FORMS = "a folder of CSV (or Parquet) files with profile.yaml, or an .xlsx workbook"


def _read_input(path: Path, problems: ProblemList, budget: MemoryBudget):
    """(raw profile, raw tables) of a folder or workbook, or None when it cannot be read at all (reported)."""
    if path.is_dir():
        return _read_folder(path, problems, budget)
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        profile_raw, raws = _read_workbook(path, problems, budget)
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


def inspect_path(
    path: str | Path, expected_year: int | None = None, budget: MemoryBudget | None = None
) -> tuple[YearData | UnitsData | None, ProblemList]:
    """Load without raising: returns the data (None when errors) and every problem found.

    ``budget`` bounds the memory the data may need (default: :meth:`MemoryBudget.default`)."""
    path = Path(path)
    problems = ProblemList()
    read = _read_input(path, problems, budget or MemoryBudget.default())
    if read is None:
        return None, problems
    profile_raw, raws = read
    profile = _build_profile(profile_raw, problems, expected_year) if profile_raw is not None else None
    many = S.UNITS.name in raws
    tables = {name: _table(path, name, raws, many, problems) for name in (*S.TABLES, *([S.UNITS.name] if many else []))}
    _require_content(tables, raws, path, problems)
    if problems.has_errors or profile is None:
        return None, problems
    cross_check(tables, raws, problems)
    check_sense(tables, raws, problems)
    if problems.has_errors:
        return None, problems
    warnings = tuple(p for p in problems.items if p.severity == WARNING)
    if not many:
        return YearData(profile, tables, str(path), warnings), problems
    units = tables.pop(S.UNITS.name)
    tables = {name: _for_every_unit(frame, units) for name, frame in tables.items()}
    return UnitsData(profile, units, tables, str(path), warnings), problems


def _table(path: Path, name: str, raws: dict, many: bool, problems: ProblemList) -> pd.DataFrame:
    """One table normalised, or an empty one (a required table that is missing is reported)."""
    table = ALL_TABLES[name]
    raw = raws.get(name)
    if raw is not None:
        return _normalise(table, raw, problems, many)
    if table.required:
        where = str(path / table.file) if path.is_dir() else str(path)
        problems.add(
            Location(where, None if path.is_dir() else table.sheet),
            f"缺少必需的表 / required table 「{table.sheet}」 ({table.name}) is missing",
            expected=f"{table.file}" if path.is_dir() else f"a sheet named 「{table.sheet}」",
        )
    return _empty(table, many)


#: Tables that, in many-unit data, may leave out the 预算单位 column: then they hold for every unit.
SHARED_TABLES = ("grade_bands", "team")


def _for_every_unit(frame: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """A table of many-unit data with its org column (a shared table repeated for every unit)."""
    if S.ORG in frame.columns:
        return frame
    orgs = units[S.ORG].to_numpy(dtype=object)
    repeated = frame.loc[np.tile(frame.index.to_numpy(), len(orgs))].reset_index(drop=True)
    repeated.insert(0, S.ORG, pd.Series(np.repeat(orgs, len(frame)), dtype=object))
    return repeated


# ----------------------------------------------------------------------------- reading


#: Rows parsed at a time when a CSV file is streamed (the memory estimate is checked after each chunk).
CSV_CHUNK_ROWS = 50_000


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


def _read_csv(file: Path, problems: ProblemList, budget: MemoryBudget | None = None) -> pd.DataFrame | None:
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
        row = int(line.group(1)) + blank if line else None
        problems.add(
            Location(str(file), row=row),
            "CSV 格式错误 / malformed CSV",
            found=re.sub(r"line \d+", f"row {row}", text) if line else text,
            expected="the same number of fields on every row (a cell holding a comma must be in double quotes)",
        )
        return None
    return frame


def _read_parquet(file: Path, problems: ProblemList, budget: MemoryBudget | None = None) -> pd.DataFrame | None:
    """A Parquet table (typed columns as stored), refused before reading when it would not fit in memory."""
    import pyarrow.parquet as pq

    budget = budget or MemoryBudget.default()
    try:
        meta = pq.ParquetFile(file).metadata
        size = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
        need = float(size) * NEED_PER_PARQUET_BYTE
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
        budget.take(need)
        return pq.read_table(file).to_pandas()
    except (OSError, ValueError) as exc:  # not Parquet, damaged, or unreadable
        problems.add(
            Location(str(file)),
            "无法读取 Parquet 文件 / cannot read the Parquet file",
            found=f"{type(exc).__name__}: {exc}",
            expected="a Parquet file with one column per field (headers as in the CSV form)",
        )
        return None


_CHUNK = 1 << 20


def _not_readable(file: Path, expected: str, problems: ProblemList, message: str = "") -> bool:
    """Whether ``file`` is not a regular file (a folder, a FIFO, a broken link …), reported; nothing is opened."""
    why = not_a_file(file)
    if why is not None:
        problems.add(
            Location(str(file)), message or "无法读取文件 / cannot read the file", found=why, expected=expected
        )
    return why is not None


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


def _unreadable() -> pd.DataFrame:
    frame = pd.DataFrame()
    frame.attrs["unreadable"] = True
    return frame


#: Every table a year's data may hold: the declared ones and, for many units at once, the units table.
ALL_TABLES: dict[str, S.Table] = {**S.TABLES, S.UNITS.name: S.UNITS}


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


def _read_folder(path: Path, problems: ProblemList, budget: MemoryBudget):
    profile_file = path / PROFILE_FILE
    profile_raw = None
    if not profile_file.exists():
        problems.add(
            Location(str(profile_file)),
            "缺少单位概况 / profile.yaml is missing",
            expected="a YAML file with unit, year and the report's text (see data/2022/profile.yaml)",
        )
    else:
        profile_raw = (_read_yaml(profile_file, problems), Location(str(profile_file)))
    raws = {}
    for name, table in ALL_TABLES.items():
        file = _table_file(path, table, problems)
        if file is None:
            continue
        read = _read_parquet if file.suffix == ".parquet" else _read_csv
        unreadable = budget.exceeded or _not_readable(file, f"a {file.suffix[1:].upper()} file", problems)
        frame = None if unreadable else read(file, problems, budget)
        if frame is None:
            frame = _unreadable()  # already reported; not "missing" as well
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


def _read_yaml(file: Path, problems: ProblemList) -> dict | None:
    if _not_readable(file, "a YAML file (see data/2022/profile.yaml)", problems):
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


def _read_workbook(
    path: Path, problems: ProblemList, budget: MemoryBudget
) -> tuple[tuple[dict, Location] | None, dict[str, RawTable] | None]:
    """The raw profile and raw tables of a workbook; (None, None) when it cannot be read at all (reported)."""
    need = float(path.stat().st_size) * NEED_PER_XLSX_BYTE if not_a_file(path) is None else 0.0
    if not budget.fits(need):
        message, found, expected = budget.message(need)
        problems.add(
            Location(str(path)),
            message,
            found=found,
            expected=expected + "; or CSV instead of a workbook",
            code="TOO_LARGE",
        )
        return None, None
    wb = _open_workbook(path, problems)
    if wb is None:
        return None, None
    raws: dict[str, RawTable] = {}
    by_sheet = {t.sheet: t for t in ALL_TABLES.values()}
    known = set(by_sheet) | {S.PROFILE_SHEET, S.TEXT_SHEET, "说明"}
    if all(ws.max_row <= 1 and ws.max_column <= 1 and ws.cell(1, 1).value is None for ws in wb.worksheets):
        problems.add(
            Location(str(path)),
            "工作簿是空的 / the workbook is empty",
            expected="sheets 「单位概况」, 「项目」, 「绩效指标」 … (run `evaltools template YEAR`)",
        )
        return None, None
    for ws in wb.worksheets:
        if ws.title not in known:
            problems.add(
                Location(str(path), ws.title),
                "未知的工作表，已忽略 / unknown sheet ignored",
                expected=", ".join(sorted(known)),
                severity=WARNING,
                code="UNKNOWN_SHEET",
            )
    frames = {}
    for ws in wb.worksheets:
        if ws.title not in known or ws.title == "说明":
            continue
        frames[ws.title] = _unreadable() if budget.exceeded else _read_sheet(ws, path, problems, budget)
    report_formulas(path, frames, problems)
    profile_raw = _workbook_profile(frames, path, problems)
    for sheet, table in by_sheet.items():
        if sheet in frames:
            raws[table.name] = RawTable(frames[sheet], str(path), sheet, frames[sheet].attrs.get("header_row", 1))
    return profile_raw, raws


def _open_workbook(path: Path, problems: ProblemList) -> Workbook | None:
    """The workbook with its cells' values, or None when it cannot be opened (reported)."""
    from zipfile import BadZipFile

    import openpyxl

    if _not_readable(
        path, "an .xlsx file saved by Excel or WPS", problems, "无法打开工作簿 / cannot open the workbook"
    ):
        return None
    try:
        return openpyxl.load_workbook(path, read_only=False, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged file fails in many ways (zip, zlib, XML …): report any
        found = str(exc) if isinstance(exc, (BadZipFile, OSError)) else f"{type(exc).__name__}: {exc}"
        problems.add(
            Location(str(path)),
            "无法打开工作簿 / cannot open the workbook",
            found=found,
            expected="an .xlsx file saved by Excel or WPS",
        )
        return None


def _read_sheet(ws: Worksheet, path: Path, problems: ProblemList, budget: MemoryBudget) -> pd.DataFrame:
    """One sheet as a frame of cells under its header row, or an unreadable frame (reported)."""
    loc = Location(str(path), ws.title)
    merged = [str(r) for r in ws.merged_cells.ranges if r.min_row == 1]
    if merged:
        problems.add(
            Location(str(path), ws.title, 1),
            "表头有合并单元格 / merged cells in the header row",
            found=", ".join(merged),
            expected="one header cell per column: unmerge them",
        )
        return _unreadable()
    last = last_value_row(ws)  # formatting far below the data is no row of the table
    width = last_value_column(ws) if last else 0
    need = float(last) * max(width, 1) * 8 * NEED_PER_TEXT_BYTE  # ~8 bytes of text a cell
    if not budget.fits(need):
        message, found, expected = budget.message(budget.used + need)
        problems.add(loc, message, found=f"{last:,} rows; {found}", expected=expected, code="TOO_LARGE")
        return _unreadable()
    budget.take(need)
    rows = list(ws.iter_rows(max_row=last, max_col=width, values_only=True)) if last else []
    filled = [i for i, r in enumerate(rows) if any(c is not None and str(c).strip() != "" for c in r)]
    if not filled:
        problems.add(loc, "工作表是空的 / the sheet is empty", expected="a header row and data rows")
        return _unreadable()
    # the first filled row is the header; blank rows below it are kept (dropped later) so that
    # row numbers stay the sheet's
    first, last = filled[0], filled[-1]
    header = [clean_text(c) or "" for c in rows[first]]
    width = max((i + 1 for i, h in enumerate(header) if h), default=0)
    frame = pd.DataFrame([list(r[:width]) for r in rows[first + 1 : last + 1]], columns=header[:width], dtype=object)
    frame.attrs["header_row"] = first + 1
    return frame


def _workbook_profile(
    frames: dict[str, pd.DataFrame], path: Path, problems: ProblemList
) -> tuple[dict, Location] | None:
    """The profile as read from the 单位概况 and 文字材料 sheets, or None when absent or unreadable (reported)."""
    if S.PROFILE_SHEET in frames and frames[S.PROFILE_SHEET].attrs.get("unreadable"):
        return None  # already reported; the tables are still checked
    if S.PROFILE_SHEET in frames:
        return (
            _profile_from_sheets(frames[S.PROFILE_SHEET], frames.get(S.TEXT_SHEET), path, problems),
            Location(str(path), S.PROFILE_SHEET),
        )
    problems.add(
        Location(str(path)),
        f"缺少工作表 / sheet 「{S.PROFILE_SHEET}」 is missing",
        expected="a sheet with columns 字段 | 值 (unit name, year …)",
    )
    return None


def _profile_from_sheets(kv: pd.DataFrame, text: pd.DataFrame | None, path: Path, problems: ProblemList):
    out: dict = {}
    cols = list(kv.columns)
    if len(cols) < 2:
        problems.add(
            Location(str(path), S.PROFILE_SHEET, 1),
            "应有两列 / expected two columns",
            found=", ".join(map(str, cols)),
            expected="字段 | 值",
        )
        return out
    for i, (key, value) in enumerate(zip(kv[cols[0]], kv[cols[1]])):
        key = clean_text(key)
        if key is None:
            continue
        name = S.PROFILE_ALIASES.get(key, key)
        out[name] = value
        out.setdefault("__rows__", {})[name] = i + kv.attrs.get("header_row", 1) + 1
    if text is not None and len(text.columns) >= 2:
        c0, c1 = text.columns[:2]
        for i, (key, value) in enumerate(zip(text[c0], text[c1])):
            key, value = clean_text(key), clean_text(value)
            if key is None:
                continue
            name = S.PROFILE_ALIASES.get(key, key)
            out.setdefault(name, [])
            if isinstance(out[name], list):
                if value is not None:
                    out[name].append(value)
            out.setdefault("__rows__", {})[name] = i + text.attrs.get("header_row", 1) + 1
    return out


# ----------------------------------------------------------------------------- validating


def _build_profile(
    profile_raw: tuple[dict | None, Location], problems: ProblemList, expected_year: int | None
) -> Profile | None:
    """The validated :class:`Profile` from the raw profile, or None when it has errors (reported)."""
    data, loc = profile_raw
    if data is None:
        return None
    rows = data.pop("__rows__", {}) if isinstance(data, dict) else {}
    values = {}
    ok = True
    for key, value in data.items():
        name = S.PROFILE_ALIASES.get(key)
        where = Location(loc.file, loc.sheet, rows.get(key), str(key))
        if name is None:
            close = difflib.get_close_matches(str(key), list(S.PROFILE_ALIASES), n=1)
            problems.add(
                where,
                "未知的字段 / unknown profile key",
                found=key,
                expected=f"one of the profile fields{'; did you mean ' + close[0] + '?' if close else ''}",
            )
            ok = False
            continue
        parsed = _profile_value(S.PROFILE_BY_NAME[name], value, where, problems)
        if parsed is _INVALID:
            ok = False
            continue
        values[name] = parsed
    for spec in S.PROFILE_FIELDS:
        if spec.required and values.get(spec.name) is None:
            problems.add(
                Location(loc.file, loc.sheet, None, spec.title),
                f"缺少必填项 / required field 「{spec.title}」 ({spec.name}) is missing",
                expected="a value",
            )
            ok = False
    if ok and expected_year is not None and values.get("year") != expected_year:
        problems.add(
            Location(loc.file, loc.sheet, rows.get("year"), "year"),
            "年度与请求不符 / the data is for another year",
            found=values.get("year"),
            expected=str(expected_year),
            code="YEAR_MISMATCH",
        )
        ok = False
    return Profile(**values) if ok else None


#: What the profile value parsers return for a value they reported as a problem (None is a valid value).
_INVALID = object()


def _profile_value(spec: S.ProfileField, value: object, where: Location, problems: ProblemList) -> object:
    """One profile value converted to its field's kind, or ``_INVALID`` when it cannot be (reported)."""
    if spec.kind == "list":
        return _profile_list(value, where, problems)
    if spec.kind in ("int", "money", "number"):
        return _profile_number(spec.kind, value, where, problems, spec.name)
    if spec.kind == "bool":
        flag, reason = parse_bool(value)
        if reason:
            problems.add(where, "应为是/否 / expected yes or no", found=value)
            return _INVALID
        return flag
    text = profile_text(value, where, problems)
    if text is INVALID:
        return _INVALID
    if spec.choices and text is not None and text not in spec.choices:
        problems.add(
            where, f"「{spec.title}」的值无效 / invalid {spec.name}", found=text, expected=" | ".join(spec.choices)
        )
        return _INVALID
    return text


def _profile_list(value: object, where: Location, problems: ProblemList) -> tuple[str, ...] | object:
    """A list-of-text profile value as a tuple of non-blank texts, or ``_INVALID`` (reported)."""
    if value is None:
        value = []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.add(where, "应为文字列表 / expected a list of text", found=type(value).__name__)
        return _INVALID
    items = [profile_text(v, where, problems) for v in value]
    if any(v is INVALID for v in items):
        return _INVALID
    return tuple(v for v in items if v)


def _profile_number(
    kind: str, value: object, where: Location, problems: ProblemList, name: str = ""
) -> int | float | None | object:
    """An int, money or number profile value (None when empty), or ``_INVALID`` (reported)."""
    if is_unknown(value):  # printed but unreadable: NaN, unlike None (not given)
        return float("nan")
    number, reason = parse_number(value, allow_percent=False)  # one value: no Series for it
    if isinstance(reason, str):
        problems.add(where, "应为数字 / expected a number", found=repr(value), expected="a number")
        return _INVALID
    if name and not check_profile(name, number, where, problems):
        return _INVALID
    if kind == "int" and not is_missing(number):
        if number != int(number):
            problems.add(where, "应为整数 / expected a whole number", found=value)
            return _INVALID
        number = int(number)
    if kind == "money" and not is_missing(number) and number < 0:
        problems.add(where, "金额不能为负 / money must be ≥ 0", found=value, expected="≥ 0")
        return _INVALID
    return None if is_missing(number) else (number if isinstance(number, int) else float(number))


def _has_org(table: S.Table, many: bool) -> bool:
    """Whether rows of ``table`` name their unit: every table of many-unit data (the units table by its key)."""
    return many and table.name != S.UNITS.name


#: A year needs at least one of these to be evaluated (kinds: department lines, projects, indicators).
_CONTENT = ("budget_lines", "projects", "indicators")


def _require_content(tables: dict, raws: dict, path: Path, problems: ProblemList) -> None:
    """Refuse a year with nothing to evaluate: no budget line, no project and no indicator."""
    unreadable = any(raws.get(n) is not None and raws[n].frame.attrs.get("unreadable") for n in _CONTENT)
    if unreadable or any(len(tables[n]) for n in _CONTENT):
        return
    sheets = "、".join(f"「{S.TABLES[n].sheet}」" for n in _CONTENT)
    problems.add(
        Location(str(path)),
        f"表中没有数据 / nothing to evaluate: {sheets} are all empty",
        expected="budget lines (部门整体), projects with their indicators, or department indicators",
    )


def _empty(table: S.Table, many: bool = False) -> pd.DataFrame:
    columns = ([S.ORG] if _has_org(table, many) else []) + [f.name for f in table.fields]
    return _typed(pd.DataFrame({c: pd.Series([], dtype=object) for c in columns}), table)


_EMPTY: dict[str, pd.DataFrame] = {}


def _typed(frame: pd.DataFrame, table: S.Table) -> pd.DataFrame:
    """Canonical dtypes: float for numbers, bool for flags, object (str or None) for text; the unit column
    (many-unit data) first."""
    out = {}
    fields = ([S.ORG_FIELD] if S.ORG in frame and S.ORG not in table.names() else []) + list(table.fields)
    for f in fields:
        absent = [_BOOL_DEFAULTS.get(f.name, False) if f.kind == "bool" else None] * len(frame)
        col = frame[f.name] if f.name in frame else pd.Series(absent, index=frame.index, dtype=object)
        if f.kind in ("number", "money", "rate"):
            out[f.name] = col.astype(float)
        elif f.kind == "bool":
            out[f.name] = col.astype(bool)
        else:
            values = col.to_numpy(dtype=object, copy=True)
            values[pd.isna(values)] = None
            out[f.name] = pd.Series(values, index=frame.index, dtype=object)
    return pd.DataFrame(out, index=frame.index).reset_index(drop=True)


_BOOL_DEFAULTS = {"applicable": True, "lower_inclusive": True, "upper_inclusive": False}
#: The value a blank yes/no cell takes (others: 否).
BOOL_DEFAULTS = _BOOL_DEFAULTS


def _blank(col: pd.Series) -> np.ndarray:
    """Which cells are empty (missing or only spaces), one vectorised pass for text columns."""
    if isinstance(col.dtype, pd.StringDtype):
        return (col.isna() | (col.str.strip() == "")).to_numpy(dtype=bool)
    if col.dtype != object:
        return col.isna().to_numpy()
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    empty = np.array([clean_text(u) is None for u in uniques] + [True], dtype=bool)
    return empty[codes]


def _normalise(table: S.Table, raw: RawTable, problems: ProblemList, many: bool = False) -> pd.DataFrame:
    """Headers → canonical names, cells → typed values, then the pandera schema; problems recorded."""
    frame = raw.frame
    if frame.attrs.get("unreadable"):
        return _empty(table, many)
    if len(frame.columns) == 0:
        problems.add(raw.loc(), "没有表头 / no header row", expected=", ".join(table.titles().values()))
        return _empty(table, many)
    rename = _map_headers(table, raw, problems, many)
    if rename is None:
        return _empty(table, many)
    frame = frame[list(rename)].rename(columns=rename)
    blank = np.ones(len(frame), dtype=bool)
    for col in frame.columns:
        blank &= _blank(frame[col])
    frame = frame.loc[~blank]
    raw.kept = list(frame.index)
    if len(frame) < table.min_rows:
        problems.add(
            raw.loc(), "表中没有数据 / the table has no data rows", expected=f"at least {table.min_rows} row(s)"
        )
        return _empty(table, many)
    titles = {**table.titles(), S.ORG: S.ORG_FIELD.title}
    reported: set[tuple] = set()  # cells already reported: pandera need not say "empty" again
    frame = _parse_cells(table, frame, raw, titles, reported, problems)
    check_table(table, frame, lambda idx, n: raw.loc(raw.excel_row(idx), titles[n]), reported, problems)
    _check_schema(table, frame, raw, titles, reported, problems)
    return _typed(frame, table)


def _org_header(table: S.Table, raw: RawTable, many: bool, seen: dict, problems: ProblemList) -> bool:
    """The 预算单位 column: required in many-unit data (except in shared tables), refused without a units
    table. Whether the header row is wrong (reported)."""
    if table.name == S.UNITS.name:
        return False
    if many and S.ORG not in seen and table.name not in SHARED_TABLES:
        problems.add(
            raw.loc(raw.header_row, S.ORG_FIELD.title),
            f"缺少必需的列 / required column 「{S.ORG_FIELD.title}」 ({S.ORG}) is missing",
            expected="the unit of every row: the data has a units table, so it holds many units",
        )
        return True
    if not many and S.ORG in seen:
        problems.add(
            raw.loc(raw.header_row, str(seen[S.ORG])),
            "有预算单位列，但没有单位表 / a 预算单位 column without a units table",
            expected=f"units.csv (sheet 「{S.UNITS.sheet}」) listing every unit, or no 预算单位 column",
        )
        return True
    return False


def _map_headers(table: S.Table, raw: RawTable, problems: ProblemList, many: bool = False) -> dict[str, str] | None:
    """Original header → field name of every recognised column, or None when the header row has errors (reported)."""
    rename, unknown, seen = _match_headers(table, raw, problems)
    missing = [f for f in table.fields if f.required and f.name not in seen]
    header_error = len(seen) < sum(1 for c in raw.frame.columns if c not in unknown)  # duplicates
    header_error |= _org_header(table, raw, many, seen, problems)
    if _report_unknown_columns(table, raw, unknown, seen, missing, problems):
        header_error = True
    for f in missing:
        problems.add(
            raw.loc(raw.header_row, f.title),
            f"缺少必需的列 / required column 「{f.title}」 ({f.name}) is missing",
            expected=f"a column headed 「{f.title}」 or '{f.name}'",
        )
    if missing or header_error:
        return None
    return rename


def _match_headers(
    table: S.Table, raw: RawTable, problems: ProblemList
) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """Headers matched by accepted spelling: (header → field, unknown headers, field → header); duplicates reported."""
    aliases = {**table.header_aliases(), **{h: S.ORG for h in (S.ORG, S.ORG_FIELD.title, *S.ORG_HEADERS)}}
    rename, unknown, seen = {}, [], {}
    for col in raw.frame.columns:
        head = unicodedata.normalize("NFKC", str(col)).strip()
        key = aliases.get(head) or aliases.get(head.lower()) or aliases.get(str(col).strip())
        if key is None:
            unknown.append(col)
        elif key in seen:
            problems.add(
                raw.loc(raw.header_row, str(col)),
                "重复的列 / duplicate column",
                found=col,
                expected=f"「{titles_of(table, key)}」 once",
            )
        else:
            seen[key] = col
            rename[col] = key
    return rename, unknown, seen


def titles_of(table: S.Table, name: str) -> str:
    """The Chinese title of a column of ``table`` (the unit column included)."""
    return S.ORG_FIELD.title if name == S.ORG and S.ORG not in table.names() else table.field(name).title


def _report_unknown_columns(
    table: S.Table,
    raw: RawTable,
    unknown: list[str],
    seen: dict[str, str],
    missing: list[S.Field],
    problems: ProblemList,
) -> bool:
    """Report unknown headers (misspelt ones as errors, taken off ``missing``); whether any was misspelt."""
    misspelt = False
    for col in unknown:
        candidates = {
            **{f.title: f for f in table.fields if f.name not in seen},
            **{f.name: f for f in table.fields if f.name not in seen},
        }
        close = difflib.get_close_matches(str(col).strip(), list(candidates), n=1, cutoff=0.6)
        if close:
            f = candidates[close[0]]
            problems.add(
                raw.loc(raw.header_row, str(col)),
                "列名拼写有误 / misspelt column header",
                found=col,
                expected=f"「{f.title}」 or '{f.name}'",
            )
            misspelt = True
            if f in missing:
                missing.remove(f)
        else:
            problems.add(
                raw.loc(raw.header_row, str(col)),
                "未知的列，已忽略 / unknown column ignored",
                found=col,
                expected=", ".join(table.titles().values()),
                severity=WARNING,
                code="UNKNOWN_COLUMN",
            )
    return misspelt


def _parse_cells(
    table: S.Table,
    frame: pd.DataFrame,
    raw: RawTable,
    titles: dict[str, str],
    reported: set[tuple],
    problems: ProblemList,
) -> pd.DataFrame:
    """Every column's cells parsed by its field's kind; bad numbers are added to ``reported``.

    A number cell marking an unknown figure (``?``, 未知 …) becomes NaN and its column is listed in the
    row's ``unknown`` field (with any the input listed there itself)."""
    cols = {}
    marks: dict[str, np.ndarray] = {}  # number columns with cells marked unknown → which cells
    fields = ([S.ORG_FIELD] if S.ORG in frame and S.ORG not in table.names() else []) + list(table.fields)
    for f in fields:
        if f.name not in frame:
            continue
        col = frame[f.name]
        if f.kind in ("number", "money", "rate"):
            marked = unknown_mask(col)
            if marked.any():
                marks[f.name] = marked.to_numpy(dtype=bool)
                col = col.mask(marked, None)
            cols[f.name] = _parse_numbers(f, col, raw, titles, reported, problems)
        elif f.kind == "bool":
            cols[f.name] = _parse_bools(f, col, raw, titles, problems)
        else:
            col = screen_column(col, lambda idx, n=f.name: raw.loc(raw.excel_row(idx), titles[n]), problems)
            cols[f.name] = _parse_text(f, col)
    if S.ORG in cols and S.ORG not in table.names():
        for idx in cols[S.ORG].index[cols[S.ORG].isna()][:20]:  # pandera does not know the unit column
            problems.add(
                raw.loc(raw.excel_row(idx), S.ORG_FIELD.title),
                "必填项为空 / a required cell is empty",
                found="(empty)",
                expected="the unit of the row",
            )
    if "unknown" in table.names() and marks:
        given = cols.get("unknown", pd.Series([None] * len(frame), index=frame.index, dtype=object))
        cols["unknown"] = _merge_unknown(given, marks)
    return pd.DataFrame(cols, index=frame.index)


def _listed(value: object) -> tuple[str, ...]:
    """The column names an ``unknown`` cell lists (comma or full-width comma separated)."""
    return tuple(x.strip() for x in value.replace("，", ",").split(",") if x.strip()) if isinstance(value, str) else ()


def _merge_unknown(given: pd.Series, marks: dict[str, np.ndarray]) -> pd.Series:
    """The ``unknown`` field: the columns the input listed plus those whose cells were marked (in the
    order of ``marks``), comma-joined, without repeats. Each distinct listing is rewritten once; only the
    rows with a marked cell are merged one by one."""
    codes, uniques = pd.factorize(given)
    listed = [_listed(u) for u in uniques]
    rewritten = np.array([*(",".join(dict.fromkeys(names)) or None for names in listed), None], dtype=object)
    merged = rewritten[codes]
    for pos in np.flatnonzero(np.logical_or.reduce(list(marks.values()))).tolist():
        names = (*(listed[codes[pos]] if codes[pos] >= 0 else ()), *(n for n, m in marks.items() if m[pos]))
        merged[pos] = ",".join(dict.fromkeys(names)) or None
    return pd.Series(merged, index=given.index, dtype=object)


def _parse_numbers(
    f: S.Field, col: pd.Series, raw: RawTable, titles: dict[str, str], reported: set[tuple], problems: ProblemList
) -> pd.Series:
    """A number, money or rate column as floats; each bad cell reported and added to ``reported``."""
    numbers, reasons = parse_number_series(col, allow_percent=f.kind != "money")
    for idx in reasons[reasons.notna()].index:
        reported.add((idx, f.name))
        problems.add(
            raw.loc(raw.excel_row(idx), titles[f.name]),
            f"应为数字 / expected a number ({reasons[idx]})",
            found=repr(col[idx]),
            expected="a number such as 6, 2.9, 1,290 or 94.26%"
            if f.kind != "money"
            else "an amount in 万元 such as 616.16",
        )
    return numbers


def _by_value(col: pd.Series, fn: object) -> tuple[np.ndarray, np.ndarray]:
    """``fn`` applied to each distinct value of ``col`` once: (results, index of each cell's value; -1 when
    the cell is missing)."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return [fn(u) for u in uniques], codes


def _parse_bools(f: S.Field, col: pd.Series, raw: RawTable, titles: dict[str, str], problems: ProblemList) -> pd.Series:
    """A yes/no column as flags (blank → the field's default, else False); each bad cell reported."""
    default = _BOOL_DEFAULTS.get(f.name)
    parsed, codes = _by_value(col, lambda v: parse_bool(v, default))
    blank = parse_bool(None, default)
    flags = np.array([p[0] if p[0] is not None else False for p in parsed] + [bool(blank[0])], dtype=bool)
    bad = np.array([bool(p[1]) for p in parsed] + [False], dtype=bool)
    for idx in col.index[bad[codes]]:
        problems.add(
            raw.loc(raw.excel_row(idx), titles[f.name]),
            "应为是/否 / expected yes or no",
            found=repr(col[idx]),
            expected="是 or 否",
        )
    return pd.Series(flags[codes], index=col.index)


def _parse_text(f: S.Field, col: pd.Series) -> pd.Series:
    """A text column cleaned; for a field with a vocabulary, accepted spellings → the canonical value
    (NFKC: full-width signs). Each distinct value is cleaned once."""
    spellings = f.spellings if f.vocabulary is not None else None

    def clean(value: object) -> object:
        text = clean_text(value)
        if spellings is None or text is None:
            return text
        return spellings.get(text, spellings.get(unicodedata.normalize("NFKC", text), text))

    cleaned, codes = _by_value(col, clean)
    values = np.array([*cleaned, None], dtype=object)[codes]
    return pd.Series(values, index=col.index, dtype=object)


def _marked_unknown(frame: pd.DataFrame, idx: object, column: str | None) -> bool:
    """Whether a cell was given as unknown (``?``): present, though its value cannot be read."""
    if column is None or "unknown" not in frame or is_missing(idx) or idx not in frame.index:
        return False
    listed = frame.at[idx, "unknown"]
    return isinstance(listed, str) and column in listed.split(",")


def _check_schema(
    table: S.Table,
    frame: pd.DataFrame,
    raw: RawTable,
    titles: dict[str, str],
    reported: set[tuple],
    problems: ProblemList,
) -> None:
    """The table's pandera schema over the parsed frame; every failure not already in ``reported`` is reported."""
    import pandera.pandas as pa

    try:
        S.pandera_schema(table).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        for case in err.failure_cases.itertuples(index=False):
            column = case.column if isinstance(case.column, str) else None
            idx = case.index
            if (idx, column) in reported or _marked_unknown(frame, idx, column):
                continue
            row = raw.excel_row(idx) if not is_missing(idx) else None
            check = str(case.check)
            found = repr(case.failure_case)
            if check == "not_nullable":
                msg, expected, found = "必填项为空 / a required cell is empty", "a value", "(empty)"
            else:
                msg, expected = check, None
            problems.add(raw.loc(row, titles.get(column, column)), msg, found=found, expected=expected)
