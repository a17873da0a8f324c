"""区间 (lo–hi) indicators: full marks inside the range and above it (above is an audit finding), A/lo below."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools.scoring.rule_types.base import Rules, actual_target, rule_type, shares


@rule_type(
    "range",
    describe=lambda spec, rules: (
        "实际完成值在区间内或高于上限得满分（高于上限的在核查中说明），低于下限的按 实际完成值 ÷ 下限 × 分值 计分"
    ),
)
def range_(df: pd.DataFrame, spec: dict, rules: Rules) -> pd.Series:
    """1 when A ≥ lo (``target``; above ``target_high`` too), else A/lo (lo = 0: 1 when A ≥ 0)."""
    a, lo = actual_target(df)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        below = np.where(lo > 0, np.clip(a / lo, 0.0, 1.0), np.where(a >= lo, 1.0, 0.0))
    return shares(df, np.where(a >= lo, 1.0, below), a, lo)
