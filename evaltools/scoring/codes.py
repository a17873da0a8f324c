"""Integer codes of text columns against a list of categories, hashing each distinct value once; group codes of
several coded columns combined."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd

from evaltools.data.cells import factorize_objects, object_addresses
from evaltools.data.schema import ORG

#: While :func:`remembered` runs (one :func:`~evaltools.scoring.evaluation.evaluate`): the integer codes and the
#: missing cells of each text column read, keyed by where its values are in memory (address, shape, strides,
#: type) and holding the values, so that no other array can take that address meanwhile; a column read again by
#: another step (the project of a million indicator rows is grouped by half a dozen) is hashed once (issue 23
#: item 3). The frames are not changed in place (copy-on-write, inputs never mutated). Per thread (evaluations
#: may run in threads side by side); ``memo`` None: nothing is kept.
_LOCAL = threading.local()


@contextmanager
def remembered() -> Iterator[None]:
    """Keep the codes and missing cells of the text columns read inside the block (nested blocks share one)."""
    outer = getattr(_LOCAL, "memo", None)
    if outer is None:
        _LOCAL.memo = {}
    try:
        yield
    finally:
        if outer is None:
            _LOCAL.memo = None


def _objects_of(values: object) -> np.ndarray:
    if isinstance(values, pd.Series):
        return values.to_numpy(dtype=object)
    return np.asarray(values, dtype=object)


def _key(kind: str, values: np.ndarray) -> tuple:
    return (kind, values.__array_interface__["data"][0], values.shape, values.strides)


def _memo(kind: str, values: np.ndarray, make: Callable[[np.ndarray], object]) -> object:
    memo = getattr(_LOCAL, "memo", None)
    if memo is None or values.dtype != object or len(values) < 1000:  # small columns: hashing costs less
        return make(values)
    key = _key(kind, values)
    hit = memo.get(key)
    if hit is not None:
        return hit[1]
    out = make(values)
    for part in out if isinstance(out, tuple) else (out,):
        if isinstance(part, np.ndarray):
            part.flags.writeable = False  # shared by every reader: never changed in place
    memo[key] = (values, out)
    return out


def text_codes(values: pd.Series | np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of a text column (codes, −1 for missing; the distinct values in order of first appearance),
    each column hashed once inside :func:`remembered`. The codes are read-only."""
    return _memo("codes", _objects_of(values), lambda v: _factorized(v))


def factorized(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of an object array (not remembered): by the cells' addresses where they share their objects
    (:func:`_shares_objects`), else by value — the same codes and distinct values either way."""
    return factorize_objects(values) if _shares_objects(values) else pd.factorize(values)


def _one_object(values: np.ndarray) -> bool:
    """Whether every cell of a (contiguous, non-empty) object array is the same object — a column left blank as
    loaded (one None) or of one value: its cells' addresses compared as integers, no object looked at."""
    addresses = object_addresses(values)
    return bool((addresses == addresses[0]).all())


def _factorized(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    if len(values) and values.flags.c_contiguous and _one_object(values):  # one object: one value, or blank
        first = values[:1]
        if pd.isna(first).all():
            return np.full(len(values), -1, dtype=np.int64), np.empty(0, dtype=object)
        return np.zeros(len(values), dtype=np.int64), first.copy()
    if _shares_objects(values):  # a loaded column (a blank one too): its cells' addresses factorised
        codes, uniques = factorize_objects(values)
        return codes.astype(np.int64, copy=False), np.asarray(uniques, dtype=object)
    memo = getattr(_LOCAL, "memo", None)
    if memo is not None and not _has_text(values) and is_missing(values).all():
        return np.full(len(values), -1, dtype=np.int64), np.empty(0, dtype=object)  # a column left blank: no hashing
    codes, uniques = pd.factorize(values)
    return codes.astype(np.int64, copy=False), np.asarray(uniques, dtype=object)


def _shares_objects(values: np.ndarray) -> bool:
    """Whether the cells of one value share their str objects (a sample of 256 cells holds few more objects than
    values), as in every loaded text column (pandas' CSV reader and pyarrow intern each distinct string): then
    :func:`~evaltools.data.cells.factorize_objects` factorises the cells' addresses as integers, the same codes as
    ``pd.factorize`` in a fraction of its time. Cells made one by one (a generated frame): hashed as text."""
    sample = values[:: max(1, len(values) // 256)].tolist()
    try:
        distinct = len(set(sample))
    except TypeError:  # an unhashable cell: pd.factorize says so as it always did
        return False
    return len({id(v) for v in sample}) <= 2 * distinct + 2


def _has_text(values: np.ndarray) -> bool:
    """Whether a sample of 64 cells of a column holds text (else it is likely a column of blanks)."""
    return any(isinstance(v, str) for v in values[:: max(1, len(values) // 64)].tolist())


def is_missing(values: pd.Series | np.ndarray) -> np.ndarray:
    """``pd.isna`` of a column as a boolean array, a text column's computed once inside :func:`remembered`
    (read-only)."""
    if isinstance(values, pd.Series) and values.dtype != object:
        return values.isna().to_numpy()
    values = _objects_of(values)
    if getattr(_LOCAL, "memo", None) is None or len(values) < 1000:
        return np.asarray(pd.isna(values), dtype=bool)
    # a column of text: from its codes (−1: missing, as pd.isna finds it) — hashing it costs about what testing it
    # for missing values does, and its codes are read by the next step; a column of blanks (a sample of its cells
    # says which; the result is the same either way): pd.isna, far faster there than hashing — unless its cells
    # share their objects (loaded): then its codes cost less than pd.isna
    if _has_text(values) or _shares_objects(values):
        return _memo("missing", values, lambda v: text_codes(v)[0] < 0)
    return _memo("missing", values, lambda v: np.asarray(pd.isna(v), dtype=bool))


def category_codes(values: pd.Series | np.ndarray, categories: Sequence[object]) -> np.ndarray:
    """The position of each value in ``categories`` (-1 where absent or missing), hashing each distinct
    value once (``pd.Categorical`` hashes every row against the categories: slow on 1M text cells)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.array.codes.astype(np.int64), values.array.categories  # no accessor Series
        if uniques is categories or (isinstance(categories, pd.Index) and uniques.equals(categories)):
            return codes  # already coded against these very categories (a unit column of UnitsData)
    elif isinstance(values, np.ndarray) or values.dtype == object:
        codes, uniques = text_codes(values)
    else:
        codes, uniques = pd.factorize(values)
    lookup = {c: i for i, c in enumerate(categories)}
    table = np.array([lookup.get(u, -1) for u in uniques] + [-1], dtype=np.int64)
    return table[codes]


def column_codes(values: pd.Series) -> tuple[np.ndarray, pd.Index]:
    """(code of each value, the distinct values): a categorical column's own codes (no hashing), else factorized."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.array.codes.astype(np.int64), values.array.categories  # no accessor Series
    # with the NA sentinel: no separate missing-value pass over the column; a text column's codes remembered
    codes, uniques = text_codes(values) if values.dtype == object else pd.factorize(values)
    uniques = pd.Index(uniques, dtype=object)
    missing = codes < 0
    if missing.any():  # missing values are one more group, coded after the others
        codes = np.where(missing, len(uniques), codes)
        uniques = uniques.append(pd.Index([np.nan], dtype=object))
    return codes, uniques


def combined_codes(columns: list[tuple[np.ndarray, int]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(group code of each of ``n`` rows in order of first appearance, first row of each group) from each key
    column's integer codes (0 … size − 1, −1 for missing) and size: one int64 key, factorised once."""
    codes, span = np.zeros(n, dtype=np.int64), 1
    for col_codes, size in columns:
        if span * (size + 1) >= 2**62:  # keep the combined key an int64: renumber first
            codes, _ = factorized_ints(codes)
            span = int(codes.max()) + 1 if len(codes) else 1
        codes, span = codes * (size + 1) + (col_codes + 1), span * (size + 1)
    codes, _ = factorized_ints(codes)
    first = np.empty(codes.max() + 1 if len(codes) else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write wins: the first row of each code
    return codes, first


def form_codes(rows: pd.DataFrame, forms: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Joint integer codes of the form (``org``, ``project``) of each row of ``rows`` and of ``forms``: equal
    codes, the same form (a missing key matched as a merge matches it; -1 for neither side's forms). Per form
    aggregates then take ``np.bincount`` instead of a groupby and a merge back (issue 19 item 6: one form
    read and audited ≤ 0.1 s). Remembered inside :func:`remembered` (several steps code the same rows and forms)."""
    memo = getattr(_LOCAL, "memo", None)
    if memo is None or len(rows) < 1000:
        return _form_codes(rows, forms)
    columns = [_arrays_of(frame[c]) for frame in (rows, forms) for c in (ORG, "project")]
    key = ("forms", *((_key("", a)[1:], id(c)) for a, c in columns))
    hit = memo.get(key)
    if hit is None:
        hit = memo[key] = (columns, _form_codes(rows, forms))
        for part in hit[1]:
            part.flags.writeable = False
    return hit[1]


def _arrays_of(values: pd.Series) -> tuple[np.ndarray, object]:
    """The array holding a column's values (a categorical's codes, and its categories): what identifies it."""
    if isinstance(values.dtype, pd.CategoricalDtype):
        return values.array.codes, values.array.categories
    return values.to_numpy(), None


def _form_codes(rows: pd.DataFrame, forms: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    a, _ = joint_codes(rows[ORG], forms[ORG])
    b, size = joint_codes(rows["project"], forms["project"])
    key = a * (size + 1) + b
    return factorized_pair(key[: len(rows)], key[len(rows) :])


def _runs(key: np.ndarray) -> tuple[np.ndarray, np.ndarray] | None:
    """``pd.factorize`` of integers that never decrease (rows in the order of their forms, as tables are loaded):
    each run of one value is one code, the distinct values ascending — a pass of comparisons, no hashing; None
    where the values decrease somewhere."""
    if len(key) > 1 and not (key[1:] >= key[:-1]).all():
        return None
    new = np.ones(len(key), dtype=bool)
    np.not_equal(key[1:], key[:-1], out=new[1:])
    return np.cumsum(new) - 1, key[new]


def factorized_ints(key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``pd.factorize`` of an integer array (codes in order of first appearance, the distinct values): by its runs
    where the values never decrease (:func:`_runs`), else hashed — the same codes and values either way."""
    runs = _runs(key)
    return pd.factorize(key) if runs is None else runs


def factorized_pair(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The codes of ``pd.factorize(np.concatenate([x, y]))`` of two integer arrays, split back into ``x``'s and
    ``y``'s: where each never decreases, from their runs (:func:`_runs`) — ``x``'s values ascending are its codes in
    order of first appearance; ``y``'s are looked up among them (``np.searchsorted``), its new ones numbered after
    them, ascending (their order of first appearance)."""
    rx, ry = _runs(x), _runs(y)
    if rx is None or ry is None:
        codes, _ = pd.factorize(np.concatenate([x, y]))
        return codes[: len(x)], codes[len(x) :]
    (cx, ux), (cy, uy) = rx, ry
    at = np.searchsorted(ux, uy)
    found = at < len(ux)
    found[found] = ux[at[found]] == uy[found]
    table = np.where(found, at, len(ux) + np.cumsum(~found) - 1)
    return cx, table[cy]


def joint_codes(x: object, y: object) -> tuple[np.ndarray, int]:
    """Integer codes of the values of ``x`` then ``y`` (columns, or (codes, categories) pairs such as a
    MultiIndex level's), equal where the values are (every missing value one more value), and how many codes
    there may be. Two sides coded over the same categories (a unit column of UnitsData, the levels of its
    sums) give their own codes: no text is converted or hashed (issue 19 item 6)."""
    cx, cy = _coded(x), _coded(y)
    if cx is not None and cy is not None and (cx[1] is cy[1] or cx[1].equals(cy[1])):
        return np.concatenate([cx[0], cy[0]]).astype(np.int64) + 1, len(cx[1]) + 1
    if cx is None and cy is None and len(x) >= len(y):  # the long side's codes (remembered), the short one's
        return _joined_codes(text_codes(x), _objects(y, None))  # values looked up among them
    values = [_objects(v, c) for v, c in ((x, cx), (y, cy))]
    codes, uniques = pd.factorize(np.concatenate(values))
    return np.where(codes < 0, len(uniques), codes).astype(np.int64), len(uniques) + 1


def _joined_codes(coded: tuple[np.ndarray, np.ndarray], other: np.ndarray) -> tuple[np.ndarray, int]:
    """:func:`joint_codes` of a column with its codes (``pd.factorize``'s) then ``other``'s values: the same codes
    as factorising both one after the other — the first column's values in order of first appearance, then the new
    values of ``other``, then one code for every missing value."""
    codes, uniques = coded
    theirs, new = pd.factorize(other)
    lookup = {u: i for i, u in enumerate(uniques)}
    table = np.empty(len(new) + 1, dtype=np.int64)
    added = 0
    for i, u in enumerate(new.tolist() if hasattr(new, "tolist") else list(new)):
        at = lookup.get(u)
        if at is None:
            at = len(uniques) + added
            added += 1
        table[i] = at
    missing = len(uniques) + added
    table[-1] = missing
    mine = np.where(codes < 0, missing, codes)
    return np.concatenate([mine, table[theirs]]), missing + 1


def _coded(values: object) -> tuple[np.ndarray, pd.Index] | None:
    if isinstance(values, tuple):
        return values
    array = values.array
    return (array.codes, array.categories) if isinstance(array, pd.Categorical) else None


def _objects(values: object, coded: tuple[np.ndarray, pd.Index] | None) -> np.ndarray:
    """The values as an object array (missing: NaN), a coded side's through its codes."""
    if coded is None:
        return values.to_numpy(dtype=object)
    return np.append(np.asarray(coded[1], dtype=object), np.nan)[coded[0]]


def any_per_form(rows: pd.DataFrame, forms: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
    """Per row of ``forms``: whether any row of ``rows`` of that form has ``mask`` true."""
    at, of = form_codes(rows, forms)
    hits = np.bincount(at[np.asarray(mask, dtype=bool)], minlength=len(at) + len(of))
    return hits[of] > 0


def is_in(values: pd.Series | np.ndarray, wanted: Sequence[object]) -> np.ndarray:
    """``values.isin(wanted)`` of a text column as a boolean array (a missing cell: False), through its remembered
    codes: each distinct value looked up once."""
    codes, uniques = text_codes(values)
    found = set(wanted)
    return np.array([u in found for u in uniques.tolist()] + [False], dtype=bool)[codes]


def is_false(values: pd.Series | np.ndarray) -> np.ndarray:
    """``values == False`` of a column of True / False / None (``met``, ``in_band``: None where it cannot be
    told) without comparing a million objects in Python: False where missing, else not truthy."""
    values = _objects_of(values)
    if len(values) >= 1000 and values.flags.c_contiguous:  # a flag column as made here: True, False, None only
        addresses = object_addresses(values)
        no, known = addresses == id(False), (addresses == id(True)) | (addresses == id(None))
        if (no | known).all():  # each cell one of the three objects: no object looked at
            return no
    if len(values) < 1000 or getattr(_LOCAL, "memo", None) is None or not _shares_objects(values):
        return ~np.asarray(pd.isna(values), dtype=bool) & ~values.astype(bool)
    # True / False / None cells are shared objects: each distinct value tested once, through the column's codes
    codes, uniques = text_codes(values)
    return np.array([not bool(u) for u in uniques.tolist()] + [False], dtype=bool)[codes]


def each_value(values: pd.Series | np.ndarray, test: Callable[[object], bool]) -> np.ndarray:
    """``test`` of each cell of a text column, each distinct value tested once (a missing cell: False) — the few
    names of a form tested in Python cost less than a pandas/pyarrow string pass (``.str.contains``, ``.str.strip``)."""
    codes, uniques = text_codes(values)
    return np.array([*(bool(test(u)) for u in uniques), False], dtype=bool)[codes]
