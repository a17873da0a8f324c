"""evaltools.fmt.completion: the one display rule of an indicator's completion (issue 24 item 4). A ≤ ceiling
beaten is 达标 with its margin, never actual ÷ target (25 of "不得超过30个工作日" printed 83.33%, a shortfall to
a reader); a range says within / above / below with the margin; ≥ targets keep 实际值 ÷ 目标值."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from evaltools import fmt


def row(direction, actual, target, unit=None, target_high=None, completion=None):
    return SimpleNamespace(
        direction=direction, actual=actual, target=target, unit=unit, target_high=target_high, completion=completion
    )


@pytest.mark.parametrize(
    ("r", "text", "met", "margin"),
    [
        # 2022 档案保管和整理 查询和办事时限: 不得超过30个工作日, 25 (tests/report/test_charts.py draws it)
        (row("<=", 25, 30, "工作日", completion=25 / 30), "达标（低于上限5工作日）", True, 5),
        (row("<=", 30, 30, "工作日"), "达标（等于上限）", True, 0),
        (row("<", 30, 30, "工作日"), "未达标（等于上限）", False, 0),
        (row("<=", 33.5, 30, "天"), "未达标（超出上限3.5天）", False, 3.5),
        (row("<=", 0, 30, "天"), "达标（低于上限30天）", True, 30),  # 0 is a figure, not unknown
        (row("<=", 0.03, 0.05, "%"), "达标（低于上限2个百分点）", True, 0.02),
        # 2022 失业就业服务 专场招聘会场次: 4--6场, 64 held
        (row("range", 64, 4, "场", target_high=6), "高于区间（超出上限58场）", None, 58),
        (row("range", 5, 4, "场", target_high=6), "区间内", True, 0),
        (row("range", 3, 4, "场", target_high=6), "低于区间（差下限1场）", False, 1),
        (row("=", 0, 0, "起"), "达标", True, 0),
        (row("=", 2, 0, "起"), "未达标（实际2起）", False, 2),
    ],
)
def test_ceilings_ranges_and_zero_targets_are_met_or_unmet_with_the_margin(r, text, met, margin):
    c = fmt.completion(r)
    assert (c.text, c.met) == (text, met)
    assert c.margin == pytest.approx(margin)
    assert c.ratio is None
    assert fmt.completion_shown(r) == text


def test_at_least_targets_keep_the_ratio():
    # 2022 失业就业服务 提供工作岗位数: 约1000个, 14270 provided
    c = fmt.completion(row(">=", 14270, 1000, "个", completion=14.27))
    assert (c.kind, c.text, c.met, c.ratio) == ("ratio", "1,427.00%", True, 14.27)
    assert fmt.completion(row(">=", 0, 300, "人")).text == "0.00%"  # nothing done: 0%, not unknown
    assert fmt.completion(row(">=", 83, 100, "人")).met is False


@pytest.mark.parametrize(
    "r",
    [row(">=", None, 100), row("<=", 25, float("nan")), row("qualitative", 1, 1), row(">=", 5, 0)],
)
def test_unknown_or_qualitative_is_a_dash_never_a_grade(r):
    c = fmt.completion(r)
    assert (c.kind, c.text, c.met) == ("unknown", "—", None)
