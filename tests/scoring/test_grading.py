"""Grade bands: presets, grading at the edges, and the checker for gaps, overlaps and disorder."""

from __future__ import annotations

import pytest

from evaltools import GradeBandError, load_rules
from evaltools.scoring.grading import check_bands, grade, validated_bands
from evaltools.scoring.rules import load_bands


def test_mof_preset_edges():
    _, bands = load_bands("mof")
    assert grade([100, 90, 89.99, 80, 79.99, 60, 59.99, 0], bands).tolist() == [
        "优",
        "优",
        "良",
        "良",
        "中",
        "中",
        "差",
        "差",
    ]


def test_report_preset_grades_2022_total():
    rules = load_rules("qiaoxi2022")
    assert grade([87, 85, 88, 90, 75, 74.99, 59], rules.grade_bands).tolist() == [
        "良好",
        "良好",
        "良好",
        "优秀",
        "良好",
        "一般",
        "较差",
    ]


def test_published_2022_bands_have_a_gap(data_2022):
    issues = check_bands(data_2022.grade_bands)
    assert [(i.kind, i.bands, i.low, i.high) for i in issues] == [("gap", ("良好", "优秀"), 89.0, 90.0)]


def test_overlap_and_order_are_named():
    overlap = [
        {"grade": "A", "lower": 80, "upper": 100},
        {"grade": "B", "lower": 60, "upper": 85},
        {"grade": "C", "lower": 0, "upper": 60},
    ]
    [issue] = check_bands(overlap)
    assert issue.kind == "overlap" and issue.bands == ("B", "A") and (issue.low, issue.high) == (80, 85)
    disorder = [
        {"grade": "B", "lower": 60, "upper": 80},
        {"grade": "A", "lower": 80, "upper": 100},
        {"grade": "C", "lower": 0, "upper": 60},
    ]
    assert [i.kind for i in check_bands(disorder)] == ["order"]


def test_both_inclusive_at_the_same_point_is_an_overlap():
    bands = [
        {"grade": "A", "lower": 90, "upper": 100},
        {"grade": "B", "lower": 0, "upper": 90, "upper_inclusive": True},
    ]
    [issue] = check_bands(bands)
    assert issue.kind == "overlap" and issue.low == issue.high == 90


def test_missing_bottom_is_a_gap():
    [issue] = check_bands([{"grade": "A", "lower": 60, "upper": 100}])
    assert issue.kind == "gap" and (issue.low, issue.high) == (0, 60)


def test_invalid_bands_raise_with_names():
    with pytest.raises(GradeBandError, match="「良好」与「优秀」之间 89–90"):
        validated_bands(
            [
                {"grade": "优秀", "lower": 90},
                {"grade": "良好", "lower": 75, "upper": 89},
                {"grade": "较差", "lower": 0, "upper": 75},
            ]
        )
