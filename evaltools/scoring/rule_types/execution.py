"""预算执行率 scoring methods (the ``execution:`` section of a rule set): 执行率 = 全年执行数 ÷ 全年预算数.

Source: 财预〔2020〕10号 自评表 (预算执行率 分值 10, 得分 = 执行率 × 分值, capped at full marks); the
``threshold`` method is the practice of some regions (full marks at ≥ 95%).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.scoring.rule_types.base import Setting, execution_method, flag, number

_CAP = Setting(True, flag)
_RATE = "（执行率 = 全年执行数 ÷ 全年预算数）"


def _ratio_words(settings: dict, rules) -> str:
    if settings["cap"]:
        return f"预算执行率得分 = min(执行率, 100%) × 分值{_RATE}"
    return f"预算执行率得分 = 执行率 × 分值，不封顶{_RATE}"


@execution_method("ratio", settings={"cap": _CAP}, describe=_ratio_words)
def ratio(rate: pd.Series, settings: dict) -> pd.Series:
    """预算执行率得分 = min(rate, 1) × W (uncapped when ``cap: false``); never below 0. As ``Series.clip`` gives it
    (NaN stays NaN), on the array: clip's two masked passes cost more than the rates of a form."""
    x = rate.to_numpy(dtype=float)
    x = np.where(x < 0, 0.0, x)
    if settings["cap"]:
        x = np.where(x > 1.0, 1.0, x)
    return pd.Series(x, index=rate.index, name=rate.name)


def _threshold_words(settings: dict, rules) -> str:
    th = fmt.pct(float(settings["threshold"]))
    return f"预算执行率达到 {th} 及以上得满分，低于 {th} 的按 执行率 × 分值 计分"


@execution_method(
    "threshold", settings={"threshold": Setting(0.95, number(0, 1)), "cap": _CAP}, describe=_threshold_words
)
def threshold(rate: pd.Series, settings: dict) -> pd.Series:
    """Full marks at rate ≥ threshold (e.g. 95%), else rate × W (capped as ``ratio``)."""
    return ratio(rate, settings).where(rate < float(settings["threshold"]), 1.0)
