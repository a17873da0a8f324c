"""Integer codes of text columns against a list of categories, hashing each distinct value once; group codes of
several coded columns combined."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from evaltools.data.schema import ORG


def category_codes(values: pd.Series | np.ndarray, categories: Sequence[object]) -> np.ndarray:
    """The position of each value in ``categories`` (-1 where absent or missing), hashing each distinct
    value once (``pd.Categorical`` hashes every row against the categories: slow on 1M text cells)."""
    if isinstance(values, pd.Series) and isinstance(values.dtype, pd.CategoricalDtype):
        codes, uniques = values.cat.codes.to_numpy(dtype=np.int64), values.cat.categories
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
    org = np.concatenate([rows[ORG].to_numpy(dtype=object), forms[ORG].to_numpy(dtype=object)])
    project = np.concatenate([rows["project"].to_numpy(dtype=object), forms["project"].to_numpy(dtype=object)])
    a, _ = pd.factorize(org, use_na_sentinel=False)
    b, names = pd.factorize(project, use_na_sentinel=False)
    codes, _ = pd.factorize(a.astype(np.int64) * (len(names) + 1) + b)
    return codes[: len(rows)], codes[len(rows) :]


def any_per_form(rows: pd.DataFrame, forms: pd.DataFrame, mask: np.ndarray) -> np.ndarray:
    """Per row of ``forms``: whether any row of ``rows`` of that form has ``mask`` true."""
    at, of = form_codes(rows, forms)
    hits = np.bincount(at[np.asarray(mask, dtype=bool)], minlength=len(at) + len(of))
    return hits[of] > 0
