"""step_deduction, hand-computed: W − n × points, n whole steps of shortfall (floor) or started steps (ceil)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaltools import load_rules
from evaltools.errors import ParamsError
from evaltools.scoring.indicators import score_indicators

RULES = load_rules()
FIVE_PCT = {"type": "step_deduction", "step": 0.05, "points": 2}  # 每低于5%扣2分


def ind(direction: str, target: float, actual: float, weight: float = 10.0, **extra: object) -> dict:
    """One indicator row of project P."""
    row = dict(project="P", level1="产出指标", level2="数量指标", level3="x", direction=direction, target=target)
    return {**row, "target_high": np.nan, "actual": actual, "weight": weight, "panel_score": np.nan, **extra}


def _scores(rule: dict, *rows: tuple[float, float, float]) -> list[float]:
    """Computed scores of indicators (target, actual, weight) scored by ``rule``."""
    rules = RULES.with_changes(rules={"r": rule})
    frame = [ind(">=", t, a, weight=w, rule="r") for t, a, w in rows]
    return score_indicators(pd.DataFrame(frame), rules)["computed_score"].tolist()


@pytest.mark.parametrize(
    ("actual", "floor", "ceil"),
    [
        (1.05, 10.0, 10.0),  # above the target: full marks
        (1.0, 10.0, 10.0),
        (0.9927, 10.0, 8.0),  # 0.73 points short: 0 full steps; 1 started step
        (0.91, 8.0, 6.0),  # 9 short: 1 full step (10 − 2); 2 started (10 − 4)
        (0.90, 6.0, 6.0),  # exactly 2 steps (0.10 / 0.05 is 1.9999999999999996 in floating point)
        (0.70, 0.0, 0.0),  # 6 steps × 2 = 12 > 10: never below 0
    ],
)
def test_each_full_or_started_step_below_five_percent_deducts_two(actual, floor, ceil):
    assert _scores(FIVE_PCT, (1.0, actual, 10.0)) == [floor]
    assert _scores({**FIVE_PCT, "partial_step": "ceil"}, (1.0, actual, 10.0)) == [ceil]


def test_the_published_2018_rows():
    """预算完成率 99.27%, 分值 8, printed 8 (full steps); 三公经费变动率 98.31% over a target of 0, 每超过一个
    百分点扣0.8分, 分值 8: 98 steps × 0.8 > 8 → printed 0 (docs/research/hunan-style-dept-deduction-2018.md)."""
    assert _scores(FIVE_PCT, (1.0, 0.9927, 8.0)) == [8.0]
    over = {"type": "step_deduction", "step": 0.01, "points": 0.8, "side": "over"}
    assert _scores(over, (0.0, 0.9831, 8.0), (1.0, 1.031, 8.0), (1.0, 0.95, 8.0)) == [0.0, 5.6, 8.0]  # 8 − 3 × 0.8


def test_relative_steps_are_shares_of_the_target():
    """185 of 200 is 7.5% short: 1 full step of 5% → 10 − 2 = 8; 160 of 200 is 20% short: 4 steps → 2."""
    rule = {**FIVE_PCT, "relative": True}
    assert _scores(rule, (200.0, 185.0, 10.0), (200.0, 160.0, 10.0)) == [8.0, 2.0]


def test_unknown_actual_stays_unknown_and_zero_weight_is_full():
    """An unreadable actual is 无法计算 (NaN share, not 0 or 10); W = 0 scores 0 of 0."""
    rules = RULES.with_changes(rules={"r": FIVE_PCT})
    scored = score_indicators(pd.DataFrame([ind(">=", 1.0, np.nan, rule="r", unknown="actual")]), rules)
    assert bool(scored["unknown_score"].iloc[0]) and np.isnan(scored["share"].iloc[0])
    assert _scores(FIVE_PCT, (1.0, 0.5, 0.0)) == [0.0]


def test_words_state_the_reading():
    floor = RULES.with_changes(rules={"r": FIVE_PCT}, directions={">=": "r", ">": "r"})
    assert (
        dict(floor.describe())["指标计分（≥、>）"]
        == "达到年度指标值得满分；每低于5 个百分点扣 2 分（不足5 个百分点的部分不扣），扣完为止"
    )
    ceil = RULES.with_changes(
        rules={"r": {**FIVE_PCT, "partial_step": "ceil", "relative": True}}, directions={">=": "r"}
    )
    assert "每低于5%扣 2 分（不足5%的按5%扣）" in dict(ceil.describe())["指标计分（≥）"]


def test_settings_are_checked():
    with pytest.raises(ParamsError, match="one of floor, ceil") as err:
        RULES.with_changes(rules={"r": {**FIVE_PCT, "partial_step": "round"}})
    assert err.value.key == "rules.r.partial_step"
    with pytest.raises(ParamsError, match="rule type step_deduction needs it") as err:
        RULES.with_changes(rules={"r": {"type": "step_deduction", "step": 0.05}})
    assert err.value.key == "rules.r.points"
