"""扣分 by whole steps: "100%计满分，每低于5%扣2分，扣完为止".

Score = max(0, W − n × points), n = the number of steps of ``step`` by which the actual falls short of the
target (``side: under``) or exceeds it (``side: over``): with D = T − A (or A − T; as a share of |T| when
``relative``), n = floor(D / step) by default — only full steps deduct — or ceil(D / step) with
``partial_step: ceil`` — a started step deducts a whole one. At or past the target on the good side: W.

Source: the Hunan-style 部门整体支出绩效评价指标表 (2018), 预算完成率 "100%计满分,每低于5%扣2分,扣完为止"
with 分值 8: the unit's 99.27% is printed as 8 points, which is the full-step reading (floor: 0 steps → 8;
ceil would give 1 step → 6); ``docs/research/hunan-style-dept-deduction-2018.md``, note 2. The proportional
reading (a part of a step deducts its part) is :mod:`.deduction`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.scoring.rule_types.base import (
    REQUIRED,
    Rules,
    Setting,
    choice,
    flag,
    number,
    positive,
    rule_type,
    shares,
)
from evaltools.scoring.rule_types.deduction import deviation, step_words

#: Tolerance on the number of steps: 0.10 / 0.05 is 1.9999999999999996 in floating point, and is 2 steps.
_EPS = 1e-9


def _words(spec: dict, rules: Rules) -> str:
    side = "超出" if spec["side"] == "over" else "低于"
    step = step_words(spec)
    part = f"不足{step}的部分不扣" if spec["partial_step"] == "floor" else f"不足{step}的按{step}扣"
    return f"达到年度指标值得满分；每{side}{step}扣 {fmt.num(float(spec['points']))} 分（{part}），扣完为止"


@rule_type(
    "step_deduction",
    settings={
        "step": Setting(REQUIRED, positive, example=0.05),
        "points": Setting(REQUIRED, number(0, 100, above=True), example=2),
        "side": Setting("under", choice("under", "over")),
        "relative": Setting(False, flag),
        "partial_step": Setting("floor", choice("floor", "ceil")),
    },
    describe=_words,
)
def step_deduction(df: pd.DataFrame, spec: dict, rules: Rules) -> pd.Series:
    """max(0, W − n × points) / W with n = floor (or ceil) of deviation / step; W = 0 → 1; NaN when A or T is."""
    a, t, excess = deviation(df, spec)
    steps = excess / float(spec["step"])
    with np.errstate(invalid="ignore"):
        n = np.floor(steps + _EPS) if spec["partial_step"] == "floor" else np.ceil(steps - _EPS)
    w = df["weight"].to_numpy(dtype=float)
    points = np.maximum(0.0, w - np.maximum(n, 0.0) * float(spec["points"]))
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(w > 0, points / w, 1.0)
    return shares(df, share, a, t)
