"""达标即满分: full marks once the actual reaches a level, e.g. "资金到位率大于 90% 得满分" (issue 10's forms)."""

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
    positive,
    rule_type,
    shares,
)


def _words(spec: dict, rules: Rules) -> str:
    what = "实际完成值与年度指标值之比" if spec["of"] == "target" else "实际完成值"
    rest = "按比例计分" if spec["below"] == "ratio" else "不得分"
    return f"{what}达到 {fmt.pct(float(spec['at']))} 得满分，未达到的{rest}"


@rule_type(
    "threshold",
    settings={
        "at": Setting(REQUIRED, positive, example=0.9),
        "of": Setting("actual", choice("target", "actual")),
        "below": Setting("ratio", choice("ratio", "zero")),
    },
    describe=_words,
)
def threshold(df: pd.DataFrame, spec: dict, rules: Rules) -> pd.Series:
    """1 when the value (A, or A/T with ``of: target``) reaches ``at``; else min(value/at, 1) (``below:
    ratio``) or 0 (``below: zero``)."""
    a, t = actual_target(df)
    at = float(spec["at"])
    value = a / np.where(t != 0, t, np.nan) if spec["of"] == "target" else a
    with np.errstate(divide="ignore", invalid="ignore"):
        below = np.clip(value / at, 0.0, 1.0) if spec["below"] == "ratio" else np.zeros(len(a))
    return shares(df, np.where(value >= at, 1.0, below), value)
