"""正向 (≥ >) and 等于 (=) indicators: the actual as a share of the target, no bonus above it.

Source: 财政部《项目支出绩效评价管理办法》财预〔2020〕10号 附件 (自评表 完成值/指标值 × 分值) and the
practice in ``shared/domain.md``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools.scoring.rule_types.base import Rules, actual_target, rule_type, shares


@rule_type("ratio_up", describe=lambda spec, rules: "得分 = min(实际完成值 ÷ 年度指标值, 1) × 分值，超额完成不加分")
def ratio_up(df: pd.DataFrame, spec: dict, rules: Rules) -> pd.Series:
    """min(A/T, 1); T = 0 → 1 when A ≥ 0 (else 0); never below 0."""
    a, t = actual_target(df)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(t > 0, np.clip(a / t, 0.0, 1.0), np.where(a >= t, 1.0, 0.0))
    return shares(df, ratio, a, t)


@rule_type("equal", describe=lambda spec, rules: "得分 = min(实际完成值 ÷ 年度指标值, 1) × 分值")
def equal(df: pd.DataFrame, spec: dict, rules: Rules) -> pd.Series:
    """As ``ratio_up``: min(A/T, 1) for T ≠ 0; T = 0 → 1 when A = 0, else 0: an "=0" target (“三公”经费变动率 =0,
    预算调整率 =0 on 部门整体 tables, docs/research/hunan-style-dept-deduction-2018.md 预算控制率=0) is met only by 0,
    an actual on either side of it misses (issue 20 item 5)."""
    a, t = actual_target(df)
    zero = np.where(a == 0, 1.0, 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(t != 0, np.clip(a / t, 0.0, 1.0), zero)
    return shares(df, ratio, a, t)
