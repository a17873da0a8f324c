"""反向 (≤ <) indicators: full marks at or below the target, less above it.

Sources: ``reverse_linear`` is the provincial systems' rule (1 − (A−T)/T, 0 at A ≥ 2T); ``reverse_ratio`` the
published 自评表 template (T/A). See ``params/rules/mof.yaml``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools.scoring.rule_types.base import Rules, actual_target, rule_type, shares


@rule_type(
    "reverse_linear",
    describe=lambda spec, rules: (
        "未超过年度指标值得满分；超过的按 (1 − 超出部分 ÷ 年度指标值) × 分值 计分，超出一倍及以上不得分"
    ),
)
def reverse_linear(df: pd.DataFrame, spec: dict, rules: Rules) -> pd.Series:
    """1 when A ≤ T, else max(0, 1 − (A−T)/T): 0 at A ≥ 2T (and when T ≤ 0 < A)."""
    a, t = actual_target(df)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        over = np.where(t > 0, np.clip(1.0 - (a - t) / t, 0.0, 1.0), 0.0)
    return shares(df, np.where(a <= t, 1.0, over), a, t)


@rule_type(
    "reverse_ratio",
    describe=lambda spec, rules: "未超过年度指标值得满分；超过的按 年度指标值 ÷ 实际完成值 × 分值 计分",
)
def reverse_ratio(df: pd.DataFrame, spec: dict, rules: Rules) -> pd.Series:
    """1 when A ≤ T, else T/A (0 when T ≤ 0 or A ≤ 0)."""
    a, t = actual_target(df)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        over = np.where((t > 0) & (a > 0), np.clip(t / a, 0.0, 1.0), 0.0)
    return shares(df, np.where(a <= t, 1.0, over), a, t)
