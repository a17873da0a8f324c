"""One table's cells as read → the validated, typed table: headers mapped (:mod:`.headers`), blank rows
dropped, cells parsed by their field's kind (numbers, money, rates, yes/no, text with its vocabulary, cells
marked unknown), the value bounds and the pandera schema checked; every problem located by the raw table."""

from __future__ import annotations

import unicodedata

import numpy as np
import pandas as pd
import pyarrow.compute as pc
from pandas.api.internals import create_dataframe_from_blocks

from evaltools.data import schema as S
from evaltools.data.bounds import check_table
from evaltools.data.cells import clean_text, is_unknown, parse_bool, parse_number_series, plain_numbers, unknown_mask
from evaltools.data.load.headers import map_headers
from evaltools.data.load.tables import RawTable
from evaltools.data.text import arrow_text, factorized, screen_column, text_categories
from evaltools.data.validate import schema_clean
from evaltools.errors import ProblemList
from evaltools.fmt import is_missing, uninert

#: The value a blank yes/no cell takes (others: 否).
BOOL_DEFAULTS = {"applicable": True, "lower_inclusive": True, "upper_inclusive": False}


def normalise_rows(name: str, raw: RawTable, problems: ProblemList) -> pd.DataFrame:
    """One table's cells (``raw``) → the validated, typed table, exactly as a CSV file's; problems are added to
    ``problems`` where ``raw.loc`` places them. ``raw.kept`` then maps each row of the result to its raw row."""
    return normalise(S.TABLES[name], raw, problems)


def empty_table(name: str) -> pd.DataFrame:
    """An empty table with every column of ``name`` and its canonical dtypes (made once, then copied)."""
    if name not in _EMPTY:
        _EMPTY[name] = empty_frame(S.TABLES[name])
    return _EMPTY[name].copy()


def normalise(table: S.Table, raw: RawTable, problems: ProblemList, many: bool = False) -> pd.DataFrame:
    """Headers → canonical names, cells → typed values, then the pandera schema; problems recorded."""
    frame = raw.frame
    if frame.attrs.get("unreadable"):
        return empty_frame(table, many)
    if len(frame.columns) == 0:
        problems.add(raw.loc(), "没有表头 / no header row", expected=", ".join(table.titles().values()))
        return empty_frame(table, many)
    rename = map_headers(table, raw, problems, many)
    if rename is None:
        return empty_frame(table, many)
    if list(rename.items()) != [(c, c) for c in frame.columns]:  # a form's table is already so
        frame = frame[list(rename)].set_axis(list(rename.values()), axis=1)  # the columns in order, renamed
    empty = _all_missing(frame)
    blank = _blank_rows(frame, empty)
    frame = frame.loc[~blank] if blank.any() else frame
    index = frame.index  # the raw rows kept: a range when they are all of them (no list of a million labels)
    whole = isinstance(index, pd.RangeIndex)
    raw.kept = range(index.start, index.stop, index.step) if whole else list(index)
    if len(frame) < table.min_rows:
        problems.add(
            raw.loc(), "表中没有数据 / the table has no data rows", expected=f"at least {table.min_rows} row(s)"
        )
        return empty_frame(table, many)
    titles = {**table.titles(), S.ORG: S.ORG_FIELD.title}
    reported: set[tuple] = set()  # cells already reported: pandera need not say "empty" again
    cols = _parse_cells(table, frame, raw, titles, reported, problems, empty)
    # the parsed columns are checked as they are: a frame of them is made only for pandera to name failures
    check_table(table, cols, lambda idx, n: raw.loc(raw.excel_row(idx), titles[n]), reported, problems)
    _check_schema(table, cols, frame.index, raw, titles, reported, problems)
    return _typed_columns(cols, len(frame), table)


def _has_org(table: S.Table, many: bool) -> bool:
    """Whether rows of ``table`` name their unit: every table of many-unit data (the units table by its key)."""
    return many and table.name != S.UNITS.name


def empty_frame(table: S.Table, many: bool = False) -> pd.DataFrame:
    """An empty ``table`` with its canonical columns and dtypes (and the unit column in many-unit data): what
    :func:`typed` gives for no rows, made from empty arrays of the block dtypes (a tenth of its time)."""
    fields = ([S.ORG_FIELD] if _has_org(table, many) else []) + list(table.fields)
    return pd.DataFrame({f.name: np.empty(0, dtype=_BLOCK_DTYPE.get(f.kind, object)) for f in fields})


_EMPTY: dict[str, pd.DataFrame] = {}


def typed(frame: pd.DataFrame, table: S.Table) -> pd.DataFrame:
    """Canonical dtypes: float for numbers, bool for flags, object (str or None) for text; the unit column
    (many-unit data) first."""
    out = {}
    fields = ([S.ORG_FIELD] if S.ORG in frame and S.ORG not in table.names() else []) + list(table.fields)
    for f in fields:
        absent = [BOOL_DEFAULTS.get(f.name, False) if f.kind == "bool" else None] * len(frame)
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


def _typed_columns(cols: dict[str, pd.Series], n: int, table: S.Table) -> pd.DataFrame:
    """:func:`typed` of the parsed columns ``cols`` (each already of its canonical dtype, text str or None): the
    same consolidated frame as ``pd.DataFrame`` of them, built as its blocks (numbers, yes/no, text) filled column
    by column, each parsed column let go once copied in (``cols`` is emptied): a million rows are not held twice."""
    fields = ([S.ORG_FIELD] if S.ORG in cols and S.ORG not in table.names() else []) + list(table.fields)
    index = pd.RangeIndex(n)
    places: dict[type, list[int]] = {}
    for at, f in enumerate(fields):
        places.setdefault(_BLOCK_DTYPE.get(f.kind, object), []).append(at)
    blocks = []
    for dtype, where in places.items():
        values = np.empty((len(where), n), dtype=dtype)
        for row, at in enumerate(where):
            col = cols.pop(fields[at].name, None)
            values[row] = (_missing_column(fields[at], index) if col is None else col).to_numpy(dtype=dtype)
        blocks.append((values, np.array(where, dtype=np.intp)))
    return create_dataframe_from_blocks(blocks, index=index, columns=pd.Index([f.name for f in fields]))


#: The block dtype of each field kind's column (text: object, str or None).
_BLOCK_DTYPE = {"number": np.float64, "money": np.float64, "rate": np.float64, "bool": np.bool_}


def _all_missing(frame: pd.DataFrame) -> frozenset[str]:
    """The columns whose every cell is missing (None, NaN; empty Arrow-backed text): a form leaves most of its
    table's columns so, a CSV file's blank columns are so.
    One pass over the frame; such a column is typed without parsing (:func:`_missing_column`)."""
    if frame.empty:
        return frozenset()
    return frozenset(frame.columns[at] for at in range(len(frame.columns)) if _none_present(frame.iloc[:, at]))


def _none_present(col: pd.Series) -> bool:
    """Whether every cell of ``col`` is missing (Arrow-backed text: its null count, no pass over its cells) or,
    in Arrow-backed text, empty: parsed, an empty cell gives what a missing one gives (no text, no number, the
    yes/no default) and nothing to report."""
    categories = text_categories(col)
    if categories is not None:  # categorical text: by its categories, each cell by its code (as Arrow-backed text)
        codes, empty = col.array.codes, np.asarray(categories.str.len() == 0, dtype=bool)
        return bool(codes.max(initial=-1) < 0) if not empty.any() else bool(np.append(empty, True)[codes].all())
    arr = arrow_text(col)
    if arr is not None:  # or only empty text (a CSV file's blank column): read as missing cells are
        return arr.null_count == len(arr) or pc.max(pc.binary_length(arr)).as_py() == 0
    return bool(col.iloc[:1].isna().all()) and bool(col.isna().all())  # a first cell given: no pass over the rest


def _missing_column(f: S.Field, index: pd.Index) -> pd.Series:
    """A column of missing cells as its field's parser would give it: NaN for numbers, the blank default
    for yes/no (:data:`BOOL_DEFAULTS`, else False), None for text. No cell to report."""
    n = len(index)
    if f.kind in ("number", "money", "rate"):
        return pd.Series(np.full(n, np.nan), index=index)
    if f.kind == "bool":
        return pd.Series(np.full(n, bool(parse_bool(None, BOOL_DEFAULTS.get(f.name))[0])), index=index)
    return pd.Series(np.full(n, None, dtype=object), index=index, dtype=object)


def _missing_key(f: S.Field) -> tuple:
    """Fields whose columns of missing cells are the same column (:func:`_missing_column`): numbers, yes/no
    of one default, text."""
    if f.kind in ("number", "money", "rate"):
        return ("number",)
    return ("bool", BOOL_DEFAULTS.get(f.name, False)) if f.kind == "bool" else ("text",)


def _blank_rows(frame: pd.DataFrame, empty: frozenset[str]) -> np.ndarray:
    """Which rows are blank: every cell missing or only spaces (the columns of ``empty`` are). The object columns
    are tested together: their cells factorised in one pass, each distinct value cleaned once. A column is looked
    at only in the rows still blank (typed and filled columns first: most tables are done after one)."""
    blank = np.ones(len(frame), dtype=bool)
    texts, objects, others = [], 0, []
    for at, (name, dtype) in enumerate(zip(frame.columns, frame.dtypes)):
        objects += dtype == np.dtype(object)
        if name in empty:
            continue
        if dtype == np.dtype(object):
            texts.append(at)
        else:
            others.append(at)
    others.sort(key=lambda at: isinstance(frame.dtypes.iloc[at], pd.StringDtype))  # numbers, flags, then text
    for at in others:
        rows = np.flatnonzero(blank)
        if not len(rows):
            return blank
        col = frame.iloc[:, at]
        blank[rows] = _blank(col if len(rows) == len(frame) else col.iloc[rows])
    rows = np.flatnonzero(blank)
    if texts and len(rows):  # a frame all of object dtype (a form's table) is one block: its array at once
        whole = objects == len(frame.columns) and len(rows) == len(frame)
        cells = frame.to_numpy(dtype=object)[:, texts] if whole else frame.iloc[rows, texts].to_numpy(dtype=object)
        codes, uniques = pd.factorize(cells.ravel(), use_na_sentinel=True)
        clear = np.array([clean_text(u) is None for u in uniques] + [True], dtype=bool)
        blank[rows] = clear[codes].reshape(cells.shape).all(axis=1)
    return blank


def _blank(col: pd.Series) -> np.ndarray:
    """Which cells of a column not of object dtype are empty (missing or only spaces); categorical text by its
    categories, as Arrow-backed text is tested."""
    categories = text_categories(col)
    if categories is not None:
        empty = pd.Series(categories).str.strip() == ""
        return np.append(empty.to_numpy(dtype=bool), True)[col.array.codes]
    if isinstance(col.dtype, pd.StringDtype):
        return (col.isna() | (col.str.strip() == "")).to_numpy(dtype=bool)
    return col.isna().to_numpy()


def _parse_cells(
    table: S.Table,
    frame: pd.DataFrame,
    raw: RawTable,
    titles: dict[str, str],
    reported: set[tuple],
    problems: ProblemList,
    empty: frozenset[str] = frozenset(),
) -> dict[str, pd.Series]:
    """Every column's cells parsed by its field's kind (by name, in the table's order); bad numbers are added to ``reported``; the columns
    in ``empty`` (every cell missing) are typed without parsing.

    A number cell marking an unknown figure (``?``, 未知 …) becomes NaN and its column is listed in the
    row's ``unknown`` field (with any the input listed there itself)."""
    cols = {}
    marks: dict[str, np.ndarray] = {}  # number columns with cells marked unknown → which cells
    fields = ([S.ORG_FIELD] if S.ORG in frame and S.ORG not in table.names() else []) + list(table.fields)
    missing: dict[tuple, pd.Series] = {}  # columns of missing cells, one per :func:`_missing_key` (read only)
    for f in fields:
        if f.name not in frame:
            continue
        if f.name in empty:
            key = _missing_key(f)
            cols[f.name] = missing[key] if key in missing else missing.setdefault(key, _missing_column(f, frame.index))
            continue
        col = frame[f.name]
        if f.kind in ("number", "money", "rate"):
            cols[f.name], marked = _number_column(f, col, raw, titles, reported, problems)
            if marked is not None:
                marks[f.name] = marked
        elif f.kind == "bool":
            cols[f.name] = _parse_bools(f, col, raw, titles, problems)
        else:
            coded = factorized(col)  # one pass: screened and cleaned by distinct value
            screened = screen_column(col, lambda idx, n=f.name: raw.loc(raw.excel_row(idx), titles[n]), problems, coded)
            cols[f.name] = _parse_text(f, screened, coded if screened is col else None)
    if S.ORG in cols and S.ORG not in table.names():
        absent = np.equal(cols[S.ORG].to_numpy(dtype=object), None)  # parsed text: str or None
        for idx in cols[S.ORG].index[absent][:20]:  # pandera does not know the unit column
            problems.add(
                raw.loc(raw.excel_row(idx), S.ORG_FIELD.title),
                "必填项为空 / a required cell is empty",
                found="(empty)",
                expected="the unit of the row",
            )
    if "unknown" in table.names() and marks:
        given = cols.get("unknown", pd.Series([None] * len(frame), index=frame.index, dtype=object))
        cols["unknown"] = _merge_unknown(given, marks)
    return cols


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


def _number_column(
    f: S.Field, col: pd.Series, raw: RawTable, titles: dict[str, str], reported: set[tuple], problems: ProblemList
) -> tuple[pd.Series, np.ndarray | None]:
    """A number column parsed (:func:`_parse_numbers`) and which of its cells mark an unknown figure (None: none);
    a column of text (CSV) parsed once per distinct value (:func:`_parse_distinct`)."""
    if col.dtype == object and plain_numbers(values := col.to_numpy()):  # a workbook's typed cells
        return pd.Series(values.astype(float), index=col.index), None
    if isinstance(col.dtype, pd.StringDtype) or text_categories(col) is not None:
        return _parse_distinct(f, col, raw, titles, reported, problems)
    marked = unknown_mask(col)
    if marked.any():
        return _parse_numbers(f, col.mask(marked, None), raw, titles, reported, problems), marked.to_numpy(dtype=bool)
    return _parse_numbers(f, col, raw, titles, reported, problems), None


def _parse_distinct(
    f: S.Field, col: pd.Series, raw: RawTable, titles: dict[str, str], reported: set[tuple], problems: ProblemList
) -> tuple[pd.Series, np.ndarray | None]:
    """:func:`_number_column` of a column of text by its distinct values: each marked unknown or parsed once, a
    value that is no number reported at every cell holding it (in the column's order)."""
    codes, uniques = factorized(col)
    unknown = np.array([*map(is_unknown, uniques), False], dtype=bool)
    categories = text_categories(col)
    distinct = pd.Series(uniques, dtype=col.dtype if categories is None else categories.dtype).mask(unknown[:-1])
    numbers, reasons = parse_number_series(distinct, allow_percent=f.kind != "money")
    bad = np.append(reasons.notna().to_numpy(), False)
    for pos in np.flatnonzero(bad[codes]).tolist():
        _bad_number(f, col.index[pos], reasons.iloc[codes[pos]], col.iloc[pos], raw, titles, reported, problems)
    numbers = pd.Series(np.append(numbers.to_numpy(dtype=float), np.nan)[codes], index=col.index)
    marked = unknown[codes]  # the cells' marks: a category no cell holds (rows left out) marks none
    return numbers, (marked if marked.any() else None)


def _parse_numbers(
    f: S.Field, col: pd.Series, raw: RawTable, titles: dict[str, str], reported: set[tuple], problems: ProblemList
) -> pd.Series:
    """A number, money or rate column as floats; each bad cell reported and added to ``reported``."""
    numbers, reasons = parse_number_series(col, allow_percent=f.kind != "money")
    for idx in reasons[reasons.notna()].index:
        _bad_number(f, idx, reasons[idx], col[idx], raw, titles, reported, problems)
    return numbers


def _bad_number(
    f: S.Field,
    idx: object,
    reason: str,
    value: object,
    raw: RawTable,
    titles: dict[str, str],
    reported: set[tuple],
    problems: ProblemList,
) -> None:
    """A cell that is not a number, reported at its place and added to ``reported``."""
    reported.add((idx, f.name))
    problems.add(
        raw.loc(raw.excel_row(idx), titles[f.name]),
        f"应为数字 / expected a number ({reason})",
        found=repr(value),
        expected="a number such as 6, 2.9, 1,290 or 94.26%"
        if f.kind != "money"
        else "an amount in 万元 such as 616.16",
    )


def _by_value(col: pd.Series, fn: object) -> tuple[np.ndarray, np.ndarray]:
    """``fn`` applied to each distinct value of ``col`` once: (results, index of each cell's value; -1 when
    the cell is missing)."""
    codes, uniques = pd.factorize(col, use_na_sentinel=True)
    return [fn(u) for u in uniques], codes


def _parse_bools(f: S.Field, col: pd.Series, raw: RawTable, titles: dict[str, str], problems: ProblemList) -> pd.Series:
    """A yes/no column as flags (blank → the field's default, else False); each bad cell reported."""
    default = BOOL_DEFAULTS.get(f.name)
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


def _parse_text(f: S.Field, col: pd.Series, coded: tuple[np.ndarray, np.ndarray] | None = None) -> pd.Series:
    """A text column cleaned (the apostrophe that keeps a formula start inert dropped: :func:`evaltools.fmt.uninert`); for a field with a vocabulary, accepted spellings → the canonical value
    (NFKC: full-width signs). Each distinct value is cleaned once."""
    spellings = f.spellings if f.vocabulary is not None else None

    def clean(value: object) -> object:
        text = uninert(clean_text(value))  # '=… as evaltools (or a spreadsheet) wrote the text =…
        if spellings is None or text is None:
            return text
        return spellings.get(text, spellings.get(unicodedata.normalize("NFKC", text), text))

    codes, uniques = coded if coded is not None else factorized(col)
    values = np.array([*map(clean, uniques), None], dtype=object)[codes]
    return pd.Series(values, index=col.index, dtype=object)


def _marked_unknown(frame: pd.DataFrame, idx: object, column: str | None) -> bool:
    """Whether a cell was given as unknown (``?``): present, though its value cannot be read."""
    if column is None or "unknown" not in frame or is_missing(idx) or idx not in frame.index:
        return False
    listed = frame.at[idx, "unknown"]
    return isinstance(listed, str) and column in listed.split(",")


def _check_schema(
    table: S.Table,
    cols: dict[str, pd.Series],
    index: pd.Index,
    raw: RawTable,
    titles: dict[str, str],
    reported: set[tuple],
    problems: ProblemList,
) -> None:
    """The table's pandera schema over the parsed columns (as a frame on ``index``); every failure not already in
    ``reported`` is reported."""
    if schema_clean(table, cols):  # most tables: nothing for pandera to name, found in one vectorised pass
        return
    import pandera.pandas as pa

    frame = pd.DataFrame(cols, index=index)

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
