"""Text cells decided once, at load time, for every output (HTML, PDF, xlsx, json, the terminal).

* Invisible and control characters (zero-width spaces, bidi marks and overrides, NUL, ANSI escapes, the
  BOM …: :data:`evaltools.errors.INVISIBLE`) are removed, with a warning that names the cell and shows
  what it held (``<U+200B>``). They come from copying out of web pages and PDFs; left in, they make two
  equal-looking names differ, break the xlsx export or reorder what a reader sees. Tabs and line breaks
  are kept; a carriage return (CR LF, or CR alone) becomes a line break.
* Text longer than a spreadsheet cell holds (:data:`MAX_TEXT`, 32,767 characters) is refused with its
  location: the 自评表.xlsx could not hold it, and no real 自评表 cell is that long.
* In YAML, where text is expected, only text or a plain number is accepted: a mapping, a list, a
  yes/no (YAML reads ``no`` as false), binary data or a date is refused with its location.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from evaltools.errors import INVISIBLE, WARNING, Location, ProblemList, visible

#: The most characters a spreadsheet cell holds (Excel's and WPS's limit).
MAX_TEXT = 32_767

#: Checks naming the characters of a text that no output can draw; the report layer adds one for its
#: fonts while ``evaltools check`` runs (:func:`evaltools.report.fonts.glyph_check`), the data layer
#: knowing no font. Each takes a text and returns its undrawable characters ('' when none).
GLYPH_CHECKS: list[Callable[[str], str]] = []

#: What the removal of invisible characters keeps: tab and line feed are ordinary text.
_KEEP = "\t\n"


def clean_invisible(text: str) -> str:
    """``text`` with CR LF and CR as line breaks and every other invisible character but tab removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return INVISIBLE.sub(lambda m: m.group(0) if m.group(0) in _KEEP else "", text)


def _has_invisible(text: str) -> bool:
    return any(ch not in _KEEP for ch in INVISIBLE.findall(text.replace("\r\n", "\n").replace("\r", "\n")))


def _report_invisible(where: Location, raw: str, problems: ProblemList) -> None:
    shown = visible(raw, keep="")
    problems.add(
        where,
        "不可见字符或控制字符已删除 / invisible or control characters removed",
        found=repr(shown if len(shown) <= 80 else shown[:77] + "…"),
        expected="plain text (zero-width spaces, direction marks and control codes usually come from copying "
        "out of a web page or PDF); the cell is read without them",
        severity=WARNING,
        code="INVISIBLE_CHARACTERS",
    )


def _report_too_long(where: Location, length: int, problems: ProblemList) -> None:
    problems.add(
        where,
        f"文字过长 / text longer than a spreadsheet cell holds ({MAX_TEXT:,} characters)",
        found=f"{length:,} characters",
        expected=f"at most {MAX_TEXT:,} characters: shorten it, or split it over several rows",
        code="TEXT_TOO_LONG",
    )


def _arrow_class(pattern: str) -> str:
    """A character class of Python's ``re`` written as literal characters and ranges (as
    :data:`~evaltools.errors.INVISIBLE` is) in RE2's syntax, for Arrow's regex kernels. The surrogates are
    left out: Arrow text is UTF-8, which cannot hold them."""
    if not (pattern.startswith("[") and pattern.endswith("]")) or "\\" in pattern or pattern[1:2] == "^":
        raise ValueError(f"not a plain character class: {pattern!r}")
    body, parts, i = pattern[1:-1], [], 0
    while i < len(body):
        low = high = ord(body[i])
        if body[i + 1 : i + 2] == "-" and i + 2 < len(body):
            high, i = ord(body[i + 2]), i + 3
        else:
            i += 1
        for a, b in ((low, min(high, 0xD7FF)), (max(low, 0xE000), high)):
            if a <= b:
                parts.append(f"\\x{{{a:X}}}" + (f"-\\x{{{b:X}}}" if b > a else ""))
    return "[" + "".join(parts) + "]"


#: :data:`~evaltools.errors.INVISIBLE` for Arrow-backed text columns (what CSV and Parquet load as).
ARROW_INVISIBLE = _arrow_class(INVISIBLE.pattern)


def arrow_text(col: pd.Series) -> pa.ChunkedArray | None:
    """The Arrow array of a column of Arrow-backed text, or None for any other column."""
    if isinstance(col.dtype, pd.StringDtype) and col.dtype.storage == "pyarrow":
        return col.array.__arrow_array__()
    return None


def _flagged(arr: pa.ChunkedArray | pa.Array) -> np.ndarray:
    """Positions where an Arrow boolean result is true (null counts as false)."""
    return np.flatnonzero(pc.fill_null(arr, False).to_numpy(zero_copy_only=False))


def text_categories(col: pd.Series) -> pd.Index | None:
    """The categories of a categorical column of text (a Parquet dictionary column, a plain CSV file's column as
    Arrow reads it: :mod:`evaltools.data.load.readers`), or None for any other column. Its cells are those
    categories' text (missing: −1), so what holds for each category holds for its cells."""
    dtype = col.dtype
    if isinstance(dtype, pd.CategoricalDtype) and isinstance(dtype.categories.dtype, pd.StringDtype):
        return dtype.categories
    return None


def category_codes(col: pd.Series) -> tuple[np.ndarray, np.ndarray] | None:
    """(codes, categories as an object array) of a categorical column of text (:func:`text_categories`), None for
    any other column: what :func:`factorized` gives, read from the column (unused categories may stay: no cell
    names them)."""
    categories = text_categories(col)
    if categories is None:
        return None
    return col.array.codes.astype(np.intp), categories.to_numpy(dtype=object)


def factorized(col: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize(col)`` as (codes, distinct values as an object array; −1 for a missing cell): Arrow-backed
    text dictionary-encoded by Arrow's kernel in one pass (the codes then serve every test of the values)."""
    coded = category_codes(col)
    if coded is not None:
        return coded
    arr = arrow_text(col)
    if arr is None:
        codes, uniques = pd.factorize(col)
        return codes, np.asarray(uniques, dtype=object)
    encoded = pc.dictionary_encode(arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr)
    codes = pc.fill_null(encoded.indices, -1).to_numpy(zero_copy_only=False).astype(np.intp, copy=False)
    return codes, encoded.dictionary.to_numpy(zero_copy_only=False).astype(object, copy=False)


def _to_screen(col: pd.Series, coded: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Positions of the text cells holding an invisible or control character or longer than
    :data:`MAX_TEXT`, each distinct value tested once (by Arrow's kernels for Arrow-backed text; ``coded``: the
    column's :func:`factorized`, then its distinct values are tested)."""
    if coded is not None:
        search = INVISIBLE.search
        flags = [isinstance(v, str) and (search(v) is not None or len(v) > MAX_TEXT) for v in coded[1]]
        return np.flatnonzero(np.array([*flags, False], dtype=bool)[coded[0]]) if any(flags) else np.array([], int)
    arr = arrow_text(col)
    if arr is not None:  # the kernels run over the distinct values, their answers spread by the indices
        encoded = pc.dictionary_encode(arr.combine_chunks() if isinstance(arr, pa.ChunkedArray) else arr)
        values = encoded.dictionary
        found = pc.or_(pc.match_substring_regex(values, ARROW_INVISIBLE), pc.greater(pc.utf8_length(values), MAX_TEXT))
        flags = np.append(found.to_numpy(zero_copy_only=False), False)
        return np.flatnonzero(flags[pc.fill_null(encoded.indices, len(values)).to_numpy(zero_copy_only=False)])
    search = INVISIBLE.search
    codes, uniques = pd.factorize(col)
    flags = [isinstance(v, str) and (search(v) is not None or len(v) > MAX_TEXT) for v in uniques]
    return np.flatnonzero(np.array([*flags, False], dtype=bool)[codes])


def screen_column(
    col: pd.Series,
    where: Callable[[object], Location],
    problems: ProblemList,
    coded: tuple[np.ndarray, np.ndarray] | None = None,
) -> pd.Series:
    """The text cells of ``col`` with invisible characters removed (each such cell reported as a warning
    at ``where(index)``) and over-long cells reported as errors. Only text cells are looked at: every cell
    is tested at once (:func:`_to_screen`; ``coded``: the column's :func:`factorized`), then the few it flags
    one by one. ``col`` itself when nothing was removed."""
    todo = col.index[_to_screen(col, coded)]
    if GLYPH_CHECKS:
        _glyphs(col, where, problems)
    if not len(todo):
        return col
    out = col.astype(object).copy()
    for idx in todo:
        raw = col[idx]
        if _has_invisible(raw):
            _report_invisible(where(idx), raw, problems)
        out[idx] = clean_invisible(raw)
        if len(out[idx]) > MAX_TEXT:
            _report_too_long(where(idx), len(out[idx]), problems)
    return out


def _report_glyphs(where: Location, missing: str, problems: ProblemList) -> None:
    problems.add(
        where,
        "报告字体中没有这些字 / no font of the report can draw these characters",
        found=", ".join(f"{ch} (U+{ord(ch):04X})" for ch in missing[:10]) + (" …" if len(missing) > 10 else ""),
        expected="characters the report's fonts draw: each would print as an empty box in the PDF and the "
        "自评表 (write the common form of the character, or leave it if the box is acceptable)",
        severity=WARNING,
        code="NO_GLYPH",
    )


def _missing_glyphs(value: object) -> str:
    """The characters of a non-ASCII text that a registered glyph check cannot draw ('' for other values)."""
    if isinstance(value, str) and not value.isascii():
        return "".join(check(clean_invisible(value)) for check in GLYPH_CHECKS)
    return ""


def _glyphs(col: pd.Series, where: Callable[[object], Location], problems: ProblemList) -> None:
    """Warn at each text cell holding characters that a registered glyph check cannot draw. Only non-ASCII
    cells can (found by Arrow's kernel for Arrow-backed text); each distinct value is checked once."""
    arr = arrow_text(col)
    positions = _flagged(pc.invert(pc.string_is_ascii(arr))) if arr is not None else np.arange(len(col))
    codes, uniques = pd.factorize(col.iloc[positions])
    missing = [_missing_glyphs(u) for u in uniques]
    for k in np.flatnonzero(np.array([*map(bool, missing), False], dtype=bool)[codes]).tolist():
        _report_glyphs(where(col.index[positions[k]]), missing[codes[k]], problems)


#: Returned by :func:`profile_text` for a value it reported as an error.
INVALID = object()


def _wrong_type(value: object) -> str | None:
    """Why a YAML value cannot stand where text is expected, or None when it can."""
    if isinstance(value, bool):
        return "a yes/no value (YAML reads yes, no, on, off, true and false so): put the text in quotes"
    if isinstance(value, dict):
        return "a mapping (key: value pairs)"
    if isinstance(value, (list, tuple, set)):
        return "a list"
    if isinstance(value, (bytes, bytearray)):
        return "binary data (a !!binary tag)"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return "a date: put it in quotes if it is text"
    if not isinstance(value, (str, int, float)):
        return f"a value of type {type(value).__name__}"
    return None


def profile_text(value: object, where: Location, problems: ProblemList) -> str | None | object:
    """A profile value where text is expected: cleaned text, None when empty, or :data:`INVALID` (reported)."""
    if value is None:
        return None
    reason = _wrong_type(value)
    if reason is not None:
        problems.add(
            where,
            "应为文字 / expected text",
            found=reason,
            expected="text (or a number), as in data/2022/profile.yaml",
            code="WRONG_TYPE",
        )
        return INVALID
    text = str(value)
    if isinstance(value, str) and _has_invisible(text):
        _report_invisible(where, text, problems)
    text = clean_invisible(text)
    missing = "".join(check(text) for check in GLYPH_CHECKS) if not text.isascii() else ""
    if missing:
        _report_glyphs(where, missing, problems)
    if len(text) > MAX_TEXT:
        _report_too_long(where, len(text), problems)
        return INVALID
    return text.strip() or None
