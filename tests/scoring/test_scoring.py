"""Indicator rules, hand-computed (A actual, T target, W weight), plus properties (hypothesis)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaltools import load_rules
from evaltools.scoring.indicators import score_indicators, score_projects

RULES = load_rules("mof")


def ind(direction, target, actual, weight=10.0, **extra):
    row = dict(
        project="P",
        level1="产出指标",
        level2="数量指标",
        level3="x",
        direction=direction,
        target=target,
        target_high=np.nan,
        actual=actual,
        weight=weight,
        panel_score=np.nan,
        qualitative_grade=None,
        rule=None,
        applicable=True,
        parent=None,
    )
    row.update(extra)
    return row


def score(*rows, rules=RULES):
    return score_indicators(pd.DataFrame(list(rows)), rules)["computed_score"].tolist()


@pytest.mark.parametrize(
    "target,actual,expected",
    [
        (100, 80, 8.0),  # 80/100 × 10
        (100, 100, 10.0),
        (100, 250, 10.0),  # no bonus above target
        (3, 2, 6.67),  # 2/3 × 10 = 6.666… → 6.67
        (100, 0, 0.0),  # A = 0
        (0, 0, 10.0),  # T = 0, A ≥ 0 meets it
        (0, 5, 10.0),
        (100, -5, 0.0),  # negative actual never scores below 0
    ],
)
def test_higher_better(target, actual, expected):
    assert score(ind(">=", target, actual)) == [expected]


@pytest.mark.parametrize(
    "target,actual,expected",
    [
        (30, 25, 10.0),  # A ≤ T
        (30, 30, 10.0),
        (30, 45, 5.0),  # 1 − 15/30 = 0.5
        (30, 60, 0.0),  # A = 2T → 0
        (30, 90, 0.0),  # beyond 2T stays 0
        (0, 0, 10.0),  # T = 0, A = 0
        (0, 1, 0.0),  # T = 0, A > 0
        (30, -3, 10.0),
    ],
)
def test_lower_better_linear(target, actual, expected):
    assert score(ind("<=", target, actual)) == [expected]


def test_lower_better_ratio_is_a_setting():
    rules = RULES.with_changes(directions={"<=": "lower_better_ratio"})
    # T/A × W: 30/45 × 10 = 6.666… → 6.67; at A = 2T → 5, not 0
    assert score(ind("<=", 30, 45), ind("<=", 30, 60), ind("<=", 30, 20), rules=rules) == [6.67, 5.0, 10.0]


@pytest.mark.parametrize(
    "target,actual,expected", [(10, 10, 10.0), (10, 5, 5.0), (10, 20, 10.0), (0, 0, 10.0), (0, -1, 0.0), (0, 2, 0.0)]
)
def test_equal(target, actual, expected):
    assert score(ind("=", target, actual)) == [expected]


@pytest.mark.parametrize("actual,expected", [(4, 10.0), (5, 10.0), (6, 10.0), (64, 10.0), (2, 5.0), (0, 0.0), (3, 7.5)])
def test_range_4_to_6(actual, expected):
    assert score(ind("range", 4, actual, target_high=6)) == [expected]


@pytest.mark.parametrize(
    "grade_,panel,expected",
    [
        ("达成", np.nan, 10.0),  # default position: upper end of [80%, 100%]
        ("部分达成", np.nan, 8.0),
        ("未达成", np.nan, 6.0),
        ("达成", 8.5, 8.5),  # a panel score inside the band is used
    ],
)
def test_qualitative(grade_, panel, expected):
    assert score(ind("qualitative", np.nan, np.nan, qualitative_grade=grade_, panel_score=panel)) == [expected]


def test_qualitative_default_position_lower():
    rules = RULES.with_changes(qualitative={"default_position": "lower"})
    assert score(
        ind("qualitative", np.nan, np.nan, qualitative_grade="达成"),
        ind("qualitative", np.nan, np.nan, qualitative_grade="部分达成"),
        rules=rules,
    ) == [8.0, 6.0]


def test_qualitative_panel_outside_band_is_flagged():
    out = score_indicators(
        pd.DataFrame([ind("qualitative", np.nan, np.nan, qualitative_grade="部分达成", panel_score=9.0)]), RULES
    )
    assert out["in_band"].tolist() == [False] and out["band_low"].tolist() == [6.0]


def test_deduction_half_point_per_percentage_point_over():
    # target ≤ 100% (1.0); actual 104% → 4 points over × 0.5 = 2 off 10
    rows = [
        ind("<=", 1.0, 1.04, rule="deduct_half_per_point_over"),
        ind("<=", 1.0, 0.98, rule="deduct_half_per_point_over"),
        ind("<=", 1.0, 1.5, rule="deduct_half_per_point_over"),
    ]
    assert score(*rows) == [8.0, 10.0, 0.0]


def test_tiered_overrun():
    # tiers on (A−T)/T: 0 → 100%, (0,10%] → 75%, (10%,20%] → 50%, (20%,30%] → 25%, beyond → 0 (W = 8)
    rows = [ind("<=", 100, a, weight=8.0, rule="tiers_overrun") for a in (100, 105, 110, 115, 125, 140, 90)]
    assert score(*rows) == [8.0, 6.0, 6.0, 4.0, 2.0, 0.0, 8.0]


def test_unknown_rule_name_is_an_error():
    from evaltools import RuleError

    with pytest.raises(RuleError, match="nope"):
        score(ind(">=", 1, 1, rule="nope"))


def test_missing_actual_scores_zero_or_is_dropped():
    rows = [ind(">=", 10, np.nan, weight=40.0), ind(">=", 10, 10, weight=50.0)]
    assert score(*rows) == [0.0, 50.0]
    dropped = score_indicators(pd.DataFrame(rows), RULES.with_changes(missing_actual="drop"))
    assert dropped["scored"].tolist() == [False, True]


def projects_frame(budget=10.0, spent=9.0, published=np.nan):
    return pd.DataFrame(
        [
            dict(
                project="P",
                budget=budget,
                spent=spent,
                execution_weight=10.0,
                published_score=published,
                published_grade=None,
            )
        ]
    )


def test_project_total_and_not_applicable_rescaled():
    rows = [
        ind(">=", 10, 5, weight=40.0),
        ind(">=", 10, 10, weight=30.0),
        ind(">=", 10, 10, weight=20.0, applicable=False),
    ]
    scored = score_indicators(pd.DataFrame(rows), RULES)
    p = score_projects(projects_frame(), scored, RULES, RULES.grade_bands).iloc[0]
    # execution 9/10 × 10 = 9; indicators 20 + 30 = 50; 59 of 80 available points → × 100/80 = 73.75
    assert p["execution_score"] == 9.0 and p["indicator_score"] == 50.0
    assert p["computed_score"] == pytest.approx(73.75) and p["computed_grade"] == "中"


def test_execution_capped_and_threshold():
    scored = score_indicators(pd.DataFrame([ind(">=", 1, 1, weight=90.0)]), RULES)
    over = score_projects(projects_frame(spent=13.0), scored, RULES).iloc[0]
    assert over["execution_score"] == 10.0 and over["computed_score"] == 100.0
    uncapped = RULES.with_changes(execution={"cap": False})
    assert score_projects(projects_frame(spent=13.0), scored, uncapped).iloc[0]["execution_score"] == 13.0
    thresh = RULES.with_changes(execution={"method": "threshold", "threshold": 0.95})
    assert score_projects(projects_frame(spent=9.6), scored, thresh).iloc[0]["execution_score"] == 10.0
    assert score_projects(projects_frame(spent=9.0), scored, thresh).iloc[0]["execution_score"] == 9.0


def test_empty_project_scores_execution_only():
    empty = score_indicators(pd.DataFrame([ind(">=", 1, 1)]).iloc[0:0], RULES)
    p = score_projects(projects_frame(), empty, RULES).iloc[0]
    assert p["indicator_count"] == 0 and p["computed_score"] == 9.0


def test_inputs_are_not_changed():
    frame = pd.DataFrame([ind(">=", 10, 5)])
    before = frame.copy()
    score_indicators(frame, RULES)
    pd.testing.assert_frame_equal(frame, before)


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_infinity=False)
positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False, allow_infinity=False)
# Weights (分值) are printed with at most two decimals, like the scores they bound.
weights = st.integers(min_value=0, max_value=10_000).map(lambda cents: cents / 100)


@settings(max_examples=300, deadline=None)
@given(
    direction=st.sampled_from([">=", ">", "<=", "<", "=", "range"]),
    target=finite,
    actual=finite,
    weight=weights,
    span=st.floats(min_value=0, max_value=1e3),
)
def test_score_between_zero_and_weight(direction, target, actual, weight, span):
    s = score(ind(direction, target, actual, weight=weight, target_high=target + span))[0]
    assert 0.0 <= s <= weight + 1e-9


@settings(max_examples=300, deadline=None)
@given(target=positive, a1=finite, a2=finite, weight=weights)
def test_higher_better_never_falls_as_actual_rises(target, a1, a2, weight):
    lo, hi = sorted((a1, a2))
    s_lo, s_hi = score(ind(">=", target, lo, weight=weight), ind(">=", target, hi, weight=weight))
    assert s_lo <= s_hi


@settings(max_examples=200, deadline=None)
@given(target=positive, a1=finite, a2=finite)
def test_lower_better_never_rises_as_actual_rises(target, a1, a2):
    lo, hi = sorted((a1, a2))
    s_lo, s_hi = score(ind("<=", target, lo), ind("<=", target, hi))
    assert s_lo >= s_hi


def test_not_applicable_without_actual_is_dropped_not_missing():
    rows = [ind(">=", 10, np.nan, weight=20.0, applicable=False), ind(">=", 10, 10, weight=70.0)]
    out = score_indicators(pd.DataFrame(rows), RULES)
    assert out["missing"].tolist() == [False, False] and out["scored"].tolist() == [False, True]
    p = score_projects(projects_frame(spent=10.0), out, RULES).iloc[0]
    assert p["missing_actuals"] == 0 and p["computed_score"] == pytest.approx(100.0)  # (10 + 70) × 100/80


# ----------------------------------------------------------------------------- issue 10: rules the forms use


def test_step_deduction_relative_shortfall():
    """每低 5% 扣 2 分 (W 10): 85 of 100 is 15% short → 3 steps → 10 − 6 = 4; at or above target → 10."""
    rules = RULES.with_changes(
        rules={"step5": {"type": "deduction", "per_step": 2, "step": 0.05, "side": "under", "relative": True}}
    )
    assert score(ind(">=", 100, 85, rule="step5"), ind(">=", 100, 100, rule="step5"), rules=rules) == [4.0, 10.0]


def test_threshold_rule_full_marks_above():
    """资金到位率大于 90% 得满分, below it in proportion: 95% → 10; 72% → 72/90 × 10 = 8."""
    rules = RULES.with_changes(rules={"over90": {"type": "threshold", "at": 0.9}})
    assert score(ind(">=", 1.0, 0.95, rule="over90"), ind(">=", 1.0, 0.72, rule="over90"), rules=rules) == [10.0, 8.0]


def test_direction_assumed_from_the_name_table():
    """No 指标性质: 控制率/成本 names are ≤, others ≥; no figures at all → 定性 (scored by its panel score)."""
    out = score_indicators(
        pd.DataFrame(
            [
                ind(None, 1.0, 0.92, level3="财政供养人员控制率"),
                ind(None, 1.0, 0.92, level3="政府采购执行率"),
                ind(None, np.nan, np.nan, level3="管理制度健全性", panel_score=3.0, weight=3.0),
            ]
        ),
        RULES,
    )
    assert out["direction"].tolist() == ["<=", ">=", "qualitative"] and out["direction_assumed"].all()
    assert out["computed_score"].tolist() == [10.0, 9.2, 3.0]


def test_scores_at_the_second_level():
    """数量指标 10 points given on the 二级 row; its 三级 rows carry targets only: share = mean of theirs
    (1000 of 1000 → 1, 40 of 50 → 0.8) → 9 points; the 三级 rows are not scored themselves."""
    out = score_indicators(
        pd.DataFrame(
            [
                ind(">=", np.nan, np.nan, level3=None, weight=10.0),
                ind(">=", 1000, 1000, level3="a", weight=np.nan),
                ind(">=", 50, 40, level3="b", weight=np.nan),
            ]
        ),
        RULES,
    )
    assert out["is_item"].tolist() == [True, False, False] and out["is_measure"].tolist() == [False, True, True]
    assert out["computed_score"].tolist() == [9.0, 0.0, 0.0] and out["scored"].tolist() == [True, False, False]


def test_unknown_actual_is_not_zero():
    """An actual marked unknown (?) makes its score — and the form's total — 无法计算 (NaN), never 0."""
    out = score_indicators(pd.DataFrame([ind(">=", 10, np.nan, unknown="actual"), ind(">=", 10, 10)]), RULES)
    assert np.isnan(out["computed_score"].iloc[0]) and out["unknown_score"].tolist() == [True, False]
    assert not out["missing"].iloc[0]
    projects = pd.DataFrame([dict(project="P", budget=10.0, spent=10.0, execution_weight=10.0)])
    assert np.isnan(score_projects(projects, out, RULES)["computed_score"].iloc[0])
