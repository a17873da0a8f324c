"""分档计分: a share of W by the tier that the overrun (or shortfall) (A−T)/|T| falls in."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.scoring.rule_types.base import (
    REQUIRED,
    Check,
    Rules,
    Setting,
    actual_target,
    choice,
    rule_type,
    share,
    shares,
)


def _tiers(c: Check, key: str, value: object) -> None:
    if not isinstance(value, list) or not value:
        c.fail(key, "a list of [upper bound, share] pairs such as [[0.1, 1.0], [0.2, 0.5]]", value)
    for i, tier in enumerate(value):
        if not isinstance(tier, list) or len(tier) != 2:
            c.fail(f"{key}[{i}]", "a pair [upper bound, share]", tier)
        c.number(f"{key}[{i}][0]", tier[0], 0, 1e6)
        share(c, f"{key}[{i}][1]", tier[1])


def _words(spec: dict, rules: Rules) -> str:
    what = "超出" if spec["measure"] == "overrun" else "低于"
    tiers = "；".join(f"{what}不超过 {fmt.pct(u, 0)} 得 {fmt.pct(s, 0)}" for u, s in sorted(spec["tiers"]))
    return f"按{what}年度指标值的比例分档计分：{tiers}；其余得 {fmt.pct(float(spec['otherwise']), 0)}"


@rule_type(
    "tiered",
    settings={
        "measure": Setting("overrun", choice("overrun", "shortfall")),
        "tiers": Setting(REQUIRED, _tiers, example=[[0.1, 1.0], [0.2, 0.5]]),
        "otherwise": Setting(0.0, share),
    },
    describe=_words,
)
def tiered(df: pd.DataFrame, spec: dict, rules: Rules) -> pd.Series:
    """The share of the first tier (by upper bound) that max(0, ±(A−T)/|T|) does not exceed, else ``otherwise``."""
    a, t = actual_target(df)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rel = np.where(t != 0, (a - t) / np.abs(t), np.where(a > t, np.inf, np.where(a < t, -np.inf, 0.0)))
    measure = np.maximum(0.0, rel if spec["measure"] == "overrun" else -rel)
    tiers = sorted((float(u), float(s)) for u, s in spec["tiers"])
    share_ = np.select([measure <= u for u, _ in tiers], [s for _, s in tiers], default=float(spec["otherwise"]))
    return shares(df, share_, a, t)
