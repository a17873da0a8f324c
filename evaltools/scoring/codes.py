"""Integer codes of text columns against a list of categories, hashing each distinct value once; group codes of
several coded columns combined."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from evaltools.data.schema import ORG


def category_codes(values: pd.Series | np.ndarray, categories: Sequence[object]) -> np.ndarray:
    """The position of each value in ``categories`` (-1 where absent or missing), hashing each distinct
    value once (``pd.Categorical`` hashes every row against the categories: slow on 1M text cells)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.array.codes.astype(np.int64), values.array.categories  # no accessor Series
        if uniques is categories or (isinstance(categories, pd.Index) and uniques.equals(categories)):
            return codes  # already coded against these very categories (a unit column of UnitsData)
    else:
        codes, uniques = pd.factorize(np.asarray(values, dtype=object) if isinstance(values, np.ndarray) else values)
    lookup = {c: i for i, c in enumerate(categories)}
    table = np.array([lookup.get(u, -1) for u in uniques] + [-1], dtype=np.int64)
    return table[codes]


def combined_codes(columns: list[tuple[np.ndarray, int]], n: int) -> tuple[np.ndarray, np.ndarray]:
    """(group code of each of ``n`` rows in order of first appearance, first row of each group) from each key
    column's integer codes (0 … size − 1, −1 for missing) and size: one int64 key, factorised once."""
    codes, span = np.zeros(n, dtype=np.int64), 1
    for col_codes, size in columns:
        if span * (size + 1) >= 2**62:  # keep the combined key an int64: renumber first
            codes, _ = pd.factorize(codes)
            span = int(codes.max()) + 1 if len(codes) else 1
        codes, span = codes * (size + 1) + (col_codes + 1), span * (size + 1)
    codes, _ = pd.factorize(codes)
    first = np.empty(codes.max() + 1 if len(codes) else 0, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)  # the last write wins: the first row of each code
    return codes, first


def form_codes(rows: pd.DataFrame, forms: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Joint integer codes of the form (``org``, ``project``) of each row of ``rows`` and of ``forms``: equal
    codes, the same form (a missing key matched as a merge matches it; -1 for neither side's forms). Per form
    aggregates then take ``np.bincount`` instead of a groupby and a merge back (issue 19 item 6: one form
    read and audited ≤ 0.1 s)."""
    a, _ = joint_codes(rows[ORG], forms[ORG])
    b, size = joint_codes(rows["project"], forms["project"])
    codes, _ = pd.factorize(a * (size + 1) + b)
    return codes[: len(rows)], codes[len(rows) :]


def joint_codes(x: object, y: object) -> tuple[np.ndarray, int]:
    """Integer codes of the values of ``x`` then ``y`` (columns, or (codes, categories) pairs such as a
    MultiIndex level's), equal where the values are (every missing value one more value), and how many codes
    there may be. Two sides coded over the same categories (a unit column of UnitsData, the levels of its
    sums) give their own codes: no text is converted or hashed (issue 19 item 6)."""
    cx, cy = _coded(x), _coded(y)
    if cx is not None and cy is not None and (cx[1] is cy[1] or cx[1].equals(cy[1])):
        return np.concatenate([cx[0], cy[0]]).astype(np.int64) + 1, len(cx[1]) + 1
    values = [_objects(v, c) for v, c in ((x, cx), (y, cy))]
    codes, uniques = pd.factorize(np.concatenate(values))
    return np.where(codes < 0, len(uniques), codes).astype(np.int64), len(uniques) + 1


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


def each_value(values: pd.Series | np.ndarray, test: Callable[[object], bool]) -> np.ndarray:
    """``test`` of each cell of a text column, each distinct value tested once (a missing cell: False) — the few
    names of a form tested in Python cost less than a pandas/pyarrow string pass (``.str.contains``, ``.str.strip``)."""
    values = values.to_numpy(dtype=object) if isinstance(values, pd.Series) else np.asarray(values, dtype=object)
    codes, uniques = pd.factorize(values)
    return np.array([*(bool(test(u)) for u in uniques), False], dtype=bool)[codes]
