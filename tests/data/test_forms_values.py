"""Values as filled-in forms print them: targets with direction and unit, ranges, percentages, qualitative
results, not-applicable and unreadable marks, full-width digits — read, never guessed."""

from __future__ import annotations

import math

import pytest

from evaltools.data.forms.values import is_not_applicable, is_unknown_mark, number, printed_decimals, quantity


@pytest.mark.parametrize(
    ("printed", "direction", "value", "high", "unit"),
    [
        ("≥50个", ">=", 50, None, "个"),
        ("≤90万元", "<=", 90, None, "万元"),
        ("≤202.6万元", "<=", 202.6, None, "万元"),
        ("4-6场", "range", 4, 6, "场"),
        ("4--6场", "range", 4, 6, "场"),
        ("4～6次", "range", 4, 6, "次"),
        ("100%", None, 1.0, None, "%"),
        ("=100%", "=", 1.0, None, "%"),
        (">=90%", ">=", 0.9, None, "%"),
        ("≥100百分比", ">=", 1.0, None, "%"),
        ("89.974", None, 89.974, None, None),
        ("１，２９０人", None, 1290, None, "人"),
        ("≥９５％", ">=", 0.95, None, "%"),
        ("不低于300人", ">=", 300, None, "人"),
        ("-3%", None, -0.03, None, "%"),
    ],
)
def test_targets_read_with_direction_and_unit(printed, direction, value, high, unit):
    q = quantity(printed)
    assert (q.direction, q.unit, q.text) == (direction, unit, printed)
    assert math.isclose(q.value, value) and (q.high is None if high is None else math.isclose(q.high, high))


@pytest.mark.parametrize("printed", ["2023年12月前", "及时", "效果明显", "严格执行相关制度规定", "约2万余份", "4-2场"])
def test_text_is_kept_as_text_never_a_number(printed):
    q = quantity(printed)
    assert q.value is None and q.text == printed and q.direction in (None,)


@pytest.mark.parametrize(
    ("printed", "grade"),
    [
        ("达成预期指标", "达成"),
        ("达成年度指标", "达成"),
        ("部分达成预期指标并具有一定效果", "部分达成"),
        ("未达成年度指标且效果较差", "未达成"),
        ("未达成预期指标", "未达成"),
    ],
)
def test_qualitative_results(printed, grade):
    assert quantity(printed).grade == grade


@pytest.mark.parametrize("printed", ["—", "/", "无", "-", "——", "／", ""])
def test_not_applicable_marks_are_empty(printed):
    """No figure; the mark is kept as the text printed (衡山 2020 实际 无, 银川 2021 指标值 -: a person reads them)."""
    q = quantity(printed)
    assert q.value is None and q.text == (printed or None) and q.direction is None and not q.unknown
    assert number(printed) == (None, None)
    assert printed == "" or is_not_applicable(printed)


@pytest.mark.parametrize("printed", ["?", "？", "无法辨认", "未知"])
def test_unreadable_is_unknown_not_zero(printed):
    assert quantity(printed).unknown and is_unknown_mark(printed)


def test_a_unit_column_makes_bare_numbers_percentages():
    assert quantity("100", "%").value == 1.0 and quantity(90, "%").value == 0.9
    assert quantity("30", "万元").value == 30 and quantity("30", "万元").unit == "万元"


@pytest.mark.parametrize(
    ("printed", "value"),
    [("880万元", 880), ("215,457.6", 215457.6), ("８９．９７４", 89.974), ("10分", 10), (7.6, 7.6)],
)
def test_amounts(printed, value):
    assert number(printed) == (value, None)


@pytest.mark.parametrize("printed", ["三万", "约20", "1,5", "880 万 元 左右"])
def test_amounts_that_are_not_numbers_say_so(printed):
    parsed, reason = number(printed)
    assert parsed is None and reason


@pytest.mark.parametrize(
    ("printed", "points", "decimals"),
    [
        ("97.80%", False, 2),  # 临翔 2023: trailing zero kept — 2 decimals, not 1
        ("50%", False, 0),  # 北京 海淀 2016
        ("100 %", False, 0),  # 广水 交通 2021
        ("79.27", True, 2),  # 重庆 梁平 2023: a bare number under 执行率, percent points
        ("0.9780", False, 2),  # a fraction printed to 4 decimals is a percent to 2
        (0.978, False, None),  # a workbook number: its format, not its value, says how it was printed
        ("？", False, None),
    ],
)
def test_printed_decimals_of_a_rate(printed, points, decimals):
    assert printed_decimals(printed, points) == decimals
