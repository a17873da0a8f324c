"""分档计分: a share of W by the tier that the overrun (or shortfall) (A−T)/|T| — or the actual value itself
(``measure: value``) — falls in.

Tiers on the value itself are printed as such on the Hunan-style 部门整体支出绩效评价指标表 (2018), 预算控制率:
"预算控制率=0,计8分;0-10%(含),计6分;10-20%(含),计4分;20-30%(含),计2分;大于30%不得分"
(docs/research/hunan-style-dept-deduction-2018.md): tiers [[0, 1.0], [0.1, 0.75], [0.2, 0.5], [0.3, 0.25]] of W = 8,
otherwise 0; the unit's 767.86 / 1922.76 = 39.94% scores 0.
"""

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
    seen: dict[float, int] = {}
    for i, (upper, _) in enumerate(value):  # equal bounds: which share applies would depend on the order written
        if float(upper) in seen:
            c.fail(
                f"{key}[{i}][0]",
                f"an upper bound different from every other tier's (tier {seen[float(upper)]} has the same "
                f"bound {upper:g}: which share applies is undecided); give each tier its own bound",
                value,
            )
        seen[float(upper)] = i


_WHAT = {"overrun": "超出年度指标值的比例", "shortfall": "低于年度指标值的比例", "value": "实际完成值"}


def _words(spec: dict, rules: Rules) -> str:
    tiers = "；".join(f"不超过 {fmt.pct(u, 0)} 得 {fmt.pct(s, 0)}" for u, s in sorted(spec["tiers"]))
    return f"按{_WHAT[spec['measure']]}分档计分：{tiers}；其余得 {fmt.pct(float(spec['otherwise']), 0)}"


@rule_type(
    "tiered",
    settings={
        "measure": Setting("overrun", choice(*_WHAT)),
        "tiers": Setting(REQUIRED, _tiers, example=[[0.1, 1.0], [0.2, 0.5]]),
        "otherwise": Setting(0.0, share),
    },
    describe=_words,
)
def tiered(df: pd.DataFrame, spec: dict, rules: Rules) -> pd.Series:
    """The share of the first tier (by upper bound) that the measure does not exceed, else ``otherwise``: the
    measure is max(0, ±(A−T)/|T|), or A itself for ``measure: value`` (no target needed; NaN only when A is)."""
    a, t = actual_target(df)
    if spec["measure"] == "value":
        measure, needed = a, (a,)
    else:
        with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
            rel = np.where(t != 0, (a - t) / np.abs(t), np.where(a > t, np.inf, np.where(a < t, -np.inf, 0.0)))
        measure, needed = np.maximum(0.0, rel if spec["measure"] == "overrun" else -rel), (a, t)
    tiers = sorted((float(u), float(s)) for u, s in spec["tiers"])
    with np.errstate(invalid="ignore"):
        share_ = np.select([measure <= u for u, _ in tiers], [s for _, s in tiers], default=float(spec["otherwise"]))
    return shares(df, share_, *needed)
