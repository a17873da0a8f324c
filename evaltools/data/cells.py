"""Turning spreadsheet cells into numbers and booleans, tolerantly but never by guessing.

Accepted where unambiguous: thousands separators (``1,290``), a trailing percent sign
(``94.26%`` → 0.9426), full-width digits and signs (``１２３``, ``９５％``). Anything else
(``1,5``, ``约20``, ``abc``) is an error that names what was found.
"""

from __future__ import annotations

import ctypes
import re
import unicodedata

import numpy as np
import pandas as pd

from evaltools.fmt import is_missing

_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PLAIN = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
#: What a cell holds when the source has a figure we cannot read (cut off, illegible, not printed):
#: unknown — neither 0 nor 不适用. Whatever depends on it is 无法计算.
UNKNOWN_WORDS = {"?", "？", "??", "未知", "不详", "无法辨认", "看不清", "unknown"}
TRUE_WORDS = {"是", "true", "yes", "y", "1", "适用", "t"}
FALSE_WORDS = {"否", "false", "no", "n", "0", "不适用", "f"}


def parse_number(value: object, *, allow_percent: bool = True) -> tuple[float, str | None]:
    """Parse one cell. Returns ``(number, None)`` or ``(nan, reason)``; empty cells give ``(nan, None)``."""
    if is_missing(value):
        return np.nan, None
    if isinstance(value, bool):
        return np.nan, "a true/false value is not a number"
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value), None
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    if text == "" or text.lower() in ("nan", "none"):
        return np.nan, None
    percent = text.endswith("%")
    if percent:
        if not allow_percent:
            return np.nan, "a percentage is not allowed here (amounts are in 万元)"
        text = text[:-1]
    if _THOUSANDS.match(text):
        text = text.replace(",", "")
    if not _PLAIN.match(text):
        return np.nan, "not a number"
    number = float(text)
    return (number / 100.0 if percent else number), None


def parse_number_series(series: pd.Series, *, allow_percent: bool = True) -> tuple[pd.Series, pd.Series]:
    """Vectorised fast path for a whole column: returns (numbers, reasons) with reasons NaN where fine. A column of
    text (CSV) is parsed once per distinct value, the answers spread to its cells."""
    if pd.api.types.is_numeric_dtype(series.dtype) and not pd.api.types.is_bool_dtype(series.dtype):
        return series.astype(float), pd.Series(np.nan, index=series.index)  # typed (Parquet): no reason to give
    if series.dtype == object and plain_numbers(values := series.to_numpy()):  # a workbook's typed cells
        return pd.Series(values.astype(float), index=series.index), pd.Series(np.nan, index=series.index, dtype=object)
    if isinstance(series.dtype, pd.StringDtype) and len(series) > 1:
        codes, uniques = pd.factorize(series)  # a missing cell: -1 (no number, no reason)
        numbers, reasons = _parse_cells(pd.Series(uniques), allow_percent)
        numbers = pd.Series(np.append(numbers.to_numpy(dtype=float), np.nan)[codes], index=series.index)
        if not reasons.notna().any():  # no reason to give: a column whose missing cells are found at once
            return numbers, pd.Series(np.nan, index=series.index)
        return numbers, pd.Series(np.append(reasons.to_numpy(dtype=object), np.nan)[codes], index=series.index)
    return _parse_cells(series, allow_percent)


def _parse_cells(series: pd.Series, allow_percent: bool) -> tuple[pd.Series, pd.Series]:
    """:func:`parse_number_series` cell by cell: ``pd.to_numeric`` where it reads the cell, :func:`parse_number`
    for the rest (it refuses true/false, which ``pd.to_numeric`` reads as 1 and 0)."""
    # pd.to_numeric reads True as 1: leave true/false cells (an Excel TRUE) to parse_number, which refuses them
    if series.dtype == object:
        flags = series.map(lambda v: isinstance(v, (bool, np.bool_))).astype(bool)
    else:
        flags = pd.Series(pd.api.types.is_bool_dtype(series.dtype), index=series.index)
    numbers = pd.to_numeric(series.mask(flags) if flags.any() else series, errors="coerce")
    blank = series.isna() | series.astype(str).str.strip().isin(["", "nan", "None"])
    todo = numbers.isna() & ~blank
    reasons = pd.Series(np.nan, index=series.index, dtype=object)
    if todo.any():
        parsed = series[todo].map(lambda v: parse_number(v, allow_percent=allow_percent))
        numbers = numbers.astype(float).copy()
        numbers[todo] = [p[0] for p in parsed]
        reasons[todo] = [p[1] for p in parsed]
    return numbers.astype(float), reasons


_NUMBER_TYPES = (int, float, np.integer, np.floating)

#: Below this many cells an object column is factorised by value at once (:func:`factorize_objects`).
_BY_ADDRESS = 10_000


def object_addresses(values: np.ndarray) -> np.ndarray:
    """The cells of a C-contiguous object array as the integers they are (the objects' addresses), read in place:
    valid while ``values`` lives (it keeps the objects alive)."""
    pointers = ctypes.cast(values.ctypes.data, ctypes.POINTER(ctypes.c_ssize_t))
    return np.ctypeslib.as_array(pointers, shape=(len(values),))


def factorize_objects(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(values)`` of an object array — the same codes (−1 for a missing value) and distinct values,
    in order of first appearance — for a loaded text column, whose cells of one value share a few str objects:
    the cells' object addresses are factorised as integers (no hashing of text, no comparison of objects), then the
    first object of each address by value. A million cells in a fraction of pandas' time on their objects."""
    values = np.ascontiguousarray(values, dtype=object)
    n = len(values)
    if n < _BY_ADDRESS:
        return pd.factorize(values)
    ids, addresses = pd.factorize(object_addresses(values))
    first = np.empty(len(addresses), dtype=np.intp)
    first[ids] = np.arange(n)  # a cell of each address (its last): every cell of an address holds that one object
    codes, uniques = pd.factorize(values[first])
    return codes[ids], uniques


def missing_objects(values: object) -> np.ndarray:
    """``pd.isna`` of a column of objects (a Series or array): for a loaded text column, from its
    :func:`factorize_objects` codes (−1: missing, as pandas finds it), a fraction of the time of a look at every
    object."""
    values = np.asarray(values, dtype=object)
    if len(values) < _BY_ADDRESS:
        return pd.isna(values)
    return factorize_objects(values)[0] < 0


def plain_numbers(values: np.ndarray) -> bool:
    """Whether every cell is a number or missing (None, NaN) and none is a true/false value: then the column's
    numbers are its values, with no reason to give (what :func:`parse_number` gives each such cell)."""
    return all(v is None or (isinstance(v, _NUMBER_TYPES) and not isinstance(v, (bool, np.bool_))) for v in values)


def is_unknown(value: object) -> bool:
    """Whether a cell marks an unknown figure (``?``, 未知, 无法辨认 …)."""
    return isinstance(value, str) and unicodedata.normalize("NFKC", value).strip().lower() in UNKNOWN_WORDS


def unknown_mask(series: pd.Series) -> pd.Series:
    """Cells of a column that mark an unknown figure (``?``, 未知 …). A column of numbers holds none; in
    any other, each distinct value is tested once and the answer spread to its cells."""
    dtype = series.dtype
    if pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_bool_dtype(dtype):
        return pd.Series(False, index=series.index)
    codes, uniques = pd.factorize(series)
    marked = np.array([is_unknown(u) for u in uniques] + [False], dtype=bool)  # per value: no pandas call
    return pd.Series(marked[codes], index=series.index)


def parse_bool(value: object, default: bool | None = None) -> tuple[bool | None, str | None]:
    """是/否, true/false, yes/no, 1/0 (case-insensitive); empty gives ``default``."""
    if is_missing(value):
        return default, None
    if isinstance(value, (bool, np.bool_)):
        return bool(value), None
    text = unicodedata.normalize("NFKC", str(value)).strip().lower()
    if text in ("", "nan", "none"):
        return default, None
    if text.endswith(".0"):
        text = text[:-2]
    if text in TRUE_WORDS:
        return True, None
    if text in FALSE_WORDS:
        return False, None
    return default, "not a yes/no value"


def clean_text(value: object) -> str | None:
    """Strip a text cell; empty → None. Full-width letters are kept (they are real text)."""
    if is_missing(value):
        return None
    text = str(value).strip()
    return text or None


#: A figure printed with its unit (1000件, 5個, 97%, ≥200平方米): the unit (蔡甸区 2021 「滅火設備配備率」 1000件).
_FIGURE_UNIT = r"^[≥≤><=＝]*\s*-?[\d,]+(?:\.\d+)?\s*([^\d\s.,]+)$"


def printed_units(texts: pd.Series) -> pd.Series:
    """The unit each text prints after its one figure (``1000件`` → 件, ``97％`` → %), None where it prints none
    or more than a figure and its unit: the unit of a target or actual the input does not give
    (``target_unit`` / ``actual_unit`` derived from ``target_text`` / ``actual_text``)."""
    pattern = re.compile(_FIGURE_UNIT)

    def unit(value: object) -> str | None:  # as the column's text (str of a number) stripped, then searched
        found = pattern.search(str(value).strip())
        return None if found is None else found.group(1).replace("％", "%")

    codes, uniques = pd.factorize(texts.to_numpy(dtype=object))  # each distinct text once, no string pass
    units = np.array([*(unit(u) for u in uniques), None], dtype=object)[codes]
    return pd.Series(units, index=texts.index, dtype=object)
