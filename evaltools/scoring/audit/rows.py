"""Helpers for vectorised checks: the flagged rows of a frame, unit keys for merges, names joined per group."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools.data.schema import ORG
from evaltools.scoring.codes import any_per_form, factorized, form_codes  # noqa: F401  (re-exported for the checks)
from evaltools.scoring.indicators import category_codes

from .core import column_values, findings


class Rows:
    """The flagged rows of a frame; each column is taken (for those rows only) when first read."""

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray):
        self.frame, self.rows, self._taken = frame, rows, {}

    def __getitem__(self, column: str) -> np.ndarray:
        if column not in self._taken:
            values = column_values(self.frame, column)  # taken as arrays: a Series' take builds an index too
            self._taken[column] = values.take(self.rows) if isinstance(values, pd.Categorical) else values[self.rows]
        return self._taken[column]

    def __len__(self) -> int:
        return len(self.rows)

    def subset(self, mask: np.ndarray) -> Rows:
        """The rows of these where ``mask`` is true."""
        return Rows(self.frame, self.rows[mask])


def taken(frame: pd.DataFrame, columns: list[str], mask: object) -> pd.DataFrame:
    """``frame[columns][mask]`` (``mask``: booleans, or the positions of the rows): each column's rows taken from
    it, not every row of the columns first copied into a frame of its own (a million rows' few flagged ones)."""
    mask = np.asarray(mask)
    rows = np.flatnonzero(mask) if mask.dtype == bool else mask
    return pd.DataFrame({c: frame[c].take(rows) for c in columns}, index=frame.index[rows])


def flagged(frame: pd.DataFrame, mask: object) -> Rows:
    """The rows of ``frame`` where ``mask`` is true."""
    return Rows(frame, np.flatnonzero(np.asarray(mask, dtype=bool)))


def subjects(rows: Rows) -> np.ndarray:
    """「项目 / 三级指标」 of indicator rows: the subject of a finding on an indicator — each distinct pair of names
    written once (a form's names recur on every unit's findings), as an object array."""
    projects, names = np.asarray(rows["project"], dtype=object), np.asarray(rows["level3"], dtype=object)
    (a, _), (b, seen) = factorized(projects), factorized(names)
    if (a < 0).any() or (b < 0).any():  # a missing name is written as it is (None, nan): each row's own
        return np.array([f"{p} / {q}" for p, q in zip(projects, names)], dtype=object)
    pairs, distinct = pd.factorize(a * len(seen) + b)  # each distinct pair: a code, and the first row it is on
    first = np.empty(len(distinct), dtype=np.intp)
    first[pairs[::-1]] = np.arange(len(pairs) - 1, -1, -1)  # the last write wins: the first row
    return np.array([f"{p} / {q}" for p, q in zip(projects[first], names[first])], dtype=object)[pairs]


def plain_keys(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``columns`` of a (small) frame with the unit column as plain text, ready to merge across tables."""
    out = frame[columns].copy()
    out[ORG] = out[ORG].astype(object)
    return out


def by_org(ctx: object, frame: pd.DataFrame, column: str) -> pd.Series:
    """``column`` of the units table for each row of ``frame`` (by its org)."""
    codes = category_codes(frame[ORG], ctx.data.org_index)
    values = ctx.data.units[column].to_numpy()
    return pd.Series(np.append(values, None)[codes], index=frame.index)


def joined(codes: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> list[str]:
    """For each code in ``wanted``: the values of its rows joined with 、 (in row order), one sort for all."""
    keep = np.flatnonzero(np.isin(codes, wanted))
    keep = keep[np.argsort(codes[keep], kind="stable")]
    sorted_codes = codes[keep]
    starts = np.searchsorted(sorted_codes, wanted, side="left")
    ends = np.searchsorted(sorted_codes, wanted, side="right")
    names = values[keep].tolist()
    return ["、".join(names[a:b]) for a, b in zip(starts, ends)]


def on_indicators(
    code: str, rows: Rows, message: object, stated: object = None, computed: object = None, field: str | None = None
) -> pd.DataFrame:
    """Findings on indicator rows: subject 「项目 / 三级指标」, their unit, project and 三级指标."""
    return findings(
        code,
        rows[ORG],
        subjects(rows),
        message,
        stated,
        computed,
        project=rows["project"],
        indicator=rows["level3"],
        field=field,
    )


def execution_rates(p: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Each form's 预算执行率: recomputed from its amounts, else as printed where the amounts cannot be read or
    are not printed (issue 20 item 4: 融媒体中心 2021 prints 执行率 76% over illegible amounts); and whether the
    printed one was taken. A budget printed as 0 is no such case: the printed rate over it says nothing of the
    spending (棠溪镇 2022: a 年度资金总额 row 0 / 0 / 0, 执行率 0, above 其中 rows 90 / 89.974)."""
    rate = p["execution_rate"].to_numpy(dtype=float)
    stated = p["stated_rate"].to_numpy(dtype=float) if "stated_rate" in p else np.full(len(p), np.nan)
    zero_budget = (p["budget"] == 0).to_numpy() if "budget" in p else np.zeros(len(p), dtype=bool)
    printed = np.isnan(rate) & ~np.isnan(stated) & ~zero_budget
    return np.where(printed, stated, rate), printed
