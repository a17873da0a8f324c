"""Small tables without pandas' per-call overhead (issue 19 item 6: one form read and audited in a tenth of a
second): columns set at once, per-unit means of forms without a grouping where each unit has one form.

``frame[name] = values`` for a new column re-makes the frame's column index (a pyarrow string index in pandas 3)
and its block layout: on the table of one form, a score step that adds a dozen columns one by one spends more
in that than in its arithmetic. :func:`with_columns` gives the same frame with one concatenation."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pyarrow as pa

# pyarrow's pandas shim imports these on the first text column pandas makes (pa.array(from_pandas=True): pandas 3's
# str dtype), ~10 ms inside whatever call makes it first — with the other imports, not inside one form's audit
# (issue 19 item 6: one form read and audited ≤ 0.1 s after imports)
import pyarrow.pandas_compat  # noqa: E402, F401, I001
import pyarrow.vendored.version  # noqa: E402, F401


def with_columns(frame: pd.DataFrame, columns: Mapping[str, object], *, own: bool = False) -> pd.DataFrame:
    """A new ``frame`` with ``columns`` set as ``frame[name] = value`` in order would set them: an existing column
    replaced where it is, a new one appended (same values, dtypes, index and order); ``frame`` is not changed.
    The new columns are made into one frame and concatenated once. ``own``: the new columns' arrays were made for
    this frame and nothing else holds them (a scoring step's results): they become its columns as they are, not
    copied into 2-D blocks (a dozen columns of a million rows: tens of milliseconds of copying)."""
    out = frame.copy(deep=False)
    new = {}
    for name, value in columns.items():
        if name in out.columns:
            out[name] = value
        else:
            new[name] = value
    if not new:
        return out
    attrs = out.attrs
    out = pd.concat([out, pd.DataFrame(new, index=out.index, copy=False if own else None)], axis=1)
    if attrs:
        out.attrs = attrs
    return out


def unit_means(
    projects: pd.DataFrame, codes: np.ndarray, n: int, cols: list[str]
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per unit, for each of ``cols``: the simple mean over its projects and the mean weighted by 全年预算数 (NaN
    when none); one grouping for all the columns (each summed as alone)."""
    budget = projects["budget"].to_numpy(dtype=float)
    values = {col: projects[col].to_numpy(dtype=float) for col in cols}
    columns = {**values, **{f"{c}|w": v * budget for c, v in values.items()}, "|budget": budget}
    if not len(codes) or (codes.min() >= 0 and len(np.unique(codes)) == len(codes)):
        return _own_means(columns, codes, n, cols)
    frame = pd.DataFrame(columns)
    grouped = frame.groupby(codes, sort=False)
    sums, counts, size = grouped.sum(), grouped.count(), grouped.size()
    out = []
    for col in cols:
        count = counts[col]
        # a project total that cannot be computed makes the mean unknown, not the mean of the others (issue 20 item 2)
        whole = (count == size).reindex(range(n), fill_value=True).to_numpy(dtype=bool)
        weighable = (counts[f"{col}|w"] == size).reindex(range(n), fill_value=True).to_numpy(dtype=bool)
        simple = np.where(whole, (sums[col] / count.where(count > 0)).reindex(range(n)).to_numpy(), np.nan)
        total = sums["|budget"].reindex(range(n)).to_numpy()
        with np.errstate(divide="ignore", invalid="ignore"):
            weighted = sums[f"{col}|w"].reindex(range(n)).to_numpy() / total
        out.append((simple, np.where((total > 0) & weighable, weighted, np.nan)))
    return out


def _own_means(columns: dict[str, np.ndarray], codes: np.ndarray, n: int, cols: list[str]) -> list[tuple]:
    """:func:`unit_means` where each unit has one form (``codes`` distinct): its means are its own figures, as the
    grouped sums give them (a sum of one value; with a NaN in the table, pandas' compensated sum adds it to 0.0)."""
    block = np.column_stack(list(columns.values()))
    nan = np.isnan(block)
    sums = np.full((n, block.shape[1]), np.nan)
    sums[codes] = np.where(nan, 0.0, block) + 0.0 if nan.any() else block
    known = np.ones((n, block.shape[1]), dtype=bool)
    known[codes] = ~nan
    at = {c: i for i, c in enumerate(columns)}
    out = []
    for col in cols:
        simple = np.where(known[:, at[col]], sums[:, at[col]], np.nan)
        total = sums[:, at["|budget"]]
        with np.errstate(divide="ignore", invalid="ignore"):
            weighted = sums[:, at[f"{col}|w"]] / total
        out.append((simple, np.where((total > 0) & known[:, at[f"{col}|w"]], weighted, np.nan)))
    return out


def code_sums(columns: Mapping[str, np.ndarray], codes: np.ndarray, n: int) -> dict[str, np.ndarray]:
    """Per code 0 … n − 1, the sum of each column's values (float, no NaN) of the rows of that code (−1: no code,
    left out); 0.0 for a code without rows. Pandas' grouped sum (``groupby(codes).sum()``, its compensated sum);
    where each code has at most one row — each unit one form — each sum is that value as that sum gives it
    (0.0 + value: −0.0 becomes 0.0), without a grouping."""
    codes = np.asarray(codes)
    kept = codes[codes >= 0]
    if len(np.unique(kept)) == len(kept):
        out = {}
        for name, values in columns.items():
            sums = np.zeros(n)
            sums[kept] = np.asarray(values, dtype=float)[codes >= 0] + 0.0
            out[name] = sums
        return out
    grouped = pd.DataFrame(dict(columns)).groupby(codes, sort=False).sum().reindex(range(n), fill_value=0.0)
    return {name: grouped[name].to_numpy(dtype=float).copy() for name in columns}


def str_column(values: np.ndarray) -> pd.arrays.ArrowStringArray | np.ndarray:
    """A text column of few distinct values as pandas 3's ``str`` dtype — what ``frame[name] = values`` makes of
    an object array of text — built from its codes (each distinct value converted once, pyarrow spreading them)
    instead of one conversion per cell; the same array, values and missing cells (NaN). Values that pandas would
    not infer as text (none, or not all text) are returned as they are, to be set as before."""
    from evaltools.data.cells import factorize_objects

    codes, uniques = factorize_objects(np.asarray(values, dtype=object))
    if not len(uniques) or not all(isinstance(u, str) for u in uniques.tolist()):
        return values
    index = pa.array(codes.astype(np.int32), mask=codes < 0)
    text = pa.DictionaryArray.from_arrays(index, pa.array(list(uniques), type=pa.large_string())).dictionary_decode()
    return pd.arrays.ArrowStringArray(pa.chunked_array([text]), dtype=pd.StringDtype("pyarrow", na_value=np.nan))
