"""The grade table each report printed (等级划分表): gaps, overlaps, order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools.data.schema import ORG
from evaltools.scoring.grading import check_bands
from evaltools.scoring.indicators import category_codes

from .core import AuditContext, Code, check, concat, findings

#: The printed grade table: no form cell (the report lists it).
_FIELD = "grade_bands"
_BAND_CODE = {
    "gap": "GRADE_BANDS_GAP",
    "overlap": "GRADE_BANDS_OVERLAP",
    "order": "GRADE_BANDS_ORDER",
    "empty": "GRADE_BANDS_GAP",
}


def _band_tables(bands: pd.DataFrame, orgs: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The distinct band tables: for each, (the rows of one unit that printed it, every unit that printed it).

    Rows are hashed (one vectorised pass), each unit's hashes combined in order; equal tables give equal
    signatures."""
    codes = category_codes(bands[ORG], orgs)
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    cols = ["grade", "lower", "lower_inclusive", "upper", "upper_inclusive"]
    rows = pd.util.hash_pandas_object(bands[cols].astype(object), index=False).to_numpy()[order]
    mixed = rows * (rank.astype(np.uint64) * np.uint64(2654435761) + np.uint64(1))
    signature = np.add.reduceat(mixed, starts) + np.diff(np.r_[starts, len(order)]).astype(np.uint64)
    groups = pd.Series(np.arange(len(starts))).groupby(pd.factorize(signature)[0], sort=False).indices
    bounds = np.r_[starts, len(order)]
    return [
        (order[bounds[g[0]] : bounds[g[0] + 1]], np.asarray(orgs, dtype=object)[sorted_codes[starts[g]]])
        for g in groups.values()
    ]


@check(
    "grade_bands",
    codes=[
        Code(
            "GRADE_BANDS_GAP",
            label="等级表有缺口",
            severity="error",
            measure="修订等级划分表，使各等级首尾相接、不留空档。",
            field=_FIELD,
        ),
        Code(
            "GRADE_BANDS_OVERLAP",
            label="等级表有重叠",
            severity="error",
            measure="修订等级划分表，消除等级之间的重叠。",
            field=_FIELD,
        ),
        Code(
            "GRADE_BANDS_ORDER",
            label="等级表顺序有误",
            severity="error",
            measure="修订等级划分表，各等级按分数从高到低排列，下限不高于上限。",
            field=_FIELD,
        ),
    ],
)
def _grade_bands(ctx: AuditContext) -> pd.DataFrame:
    """The grade table each report printed (gaps, overlaps, order): each distinct table checked once."""
    bands = ctx.data.grade_bands
    if bands.empty:
        return concat([])
    parts = []
    bands = bands[category_codes(bands[ORG], ctx.data.org_index) >= 0]
    for rows, orgs in _band_tables(bands, ctx.data.org_index):
        for i in check_bands(bands.iloc[rows].drop(columns=ORG)):
            message = f"报告所列等级表：{i.zh}"
            parts.append(findings(_BAND_CODE[i.kind], orgs, "公布的等级表", message, i.low, i.high))
    return concat(parts)
