"""Integer codes of text columns against a list of categories, hashing each distinct value once."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd


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
