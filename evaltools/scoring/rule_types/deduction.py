"""扣分 rules, proportional: W − per_step × (deviation / step), never below 0.

Sources: "每超过一个百分点扣0.5分，扣完为止" (``side: over``, ``step: 0.01``: 在职人员控制率 in the Hunan-style
部门整体支出绩效评价指标表, ``docs/research/hunan-style-dept-deduction-2018.md``); "每低 5% 扣 2 分" with
``side: under, relative: true`` (the shortfall as a share of T). A part of a step deducts its part; for
whole steps only see :mod:`.step_deduction`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.scoring.rule_types.base import (
    REQUIRED,
    Rules,
    Setting,
    actual_target,
    choice,
    flag,
    number,
    positive,
    rule_type,
    shares,
)


def step_words(spec: dict) -> str:
    """A step as printed: "5%" (relative), "1 个百分点" (a share below 1), or the number."""
    step = float(spec["step"])
    if spec["relative"]:
        return fmt.pct(step, 0)
    return f"{fmt.num(step * 100)} 个百分点" if step < 1 else fmt.num(step)


def deviation(df: pd.DataFrame, spec: dict) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(A, T, how far A is past T on the rule's ``side``, as a share of |T| when ``relative``; 0 when not past)."""
    a, t = actual_target(df)
    excess = np.maximum(0.0, (a - t) if spec["side"] == "over" else (t - a))
    if spec["relative"]:
        with np.errstate(divide="ignore", invalid="ignore"):
            excess = np.where(t != 0, excess / np.abs(t), np.where(excess > 0, np.inf, 0.0))
    return a, t, excess


def _words(spec: dict, rules: Rules) -> str:
    side = "超出" if spec["side"] == "over" else "低于"
    return f"达到年度指标值得满分；每{side}{step_words(spec)}扣 {fmt.num(float(spec['per_step']))} 分，扣完为止"


@rule_type(
    "deduction",
    settings={
        "per_step": Setting(REQUIRED, number(0, 100, above=True), example=0.5),
        "step": Setting(1.0, positive),
        "side": Setting("over", choice("over", "under")),
        "relative": Setting(False, flag),
    },
    describe=_words,
)
def deduction(df: pd.DataFrame, spec: dict, rules: Rules) -> pd.Series:
    """max(0, W − per_step × deviation / step) / W (W = 0: 1)."""
    a, t, excess = deviation(df, spec)
    w = df["weight"].to_numpy(dtype=float)
    points = np.maximum(0.0, w - float(spec["per_step"]) * excess / float(spec["step"]))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = np.where(w > 0, points / w, 1.0)
    return shares(df, share, a, t)
