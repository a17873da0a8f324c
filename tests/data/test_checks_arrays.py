"""The per-form checks on plain arrays give what the pandas forms gave (tests/data/test_load.py covers the
messages): pandera is skipped only where it finds nothing, duplicates as DataFrame.duplicated, a published score
above its weights with rows that name no project."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

from evaltools.data import schema as S
from evaltools.data.sense import check_sense
from evaltools.data.validate import _repeated, schema_clean
from evaltools.errors import ProblemList


def _pandera_finds(table: S.Table, frame: pd.DataFrame) -> bool:
    try:
        S.pandera_schema(table).validate(frame, lazy=True)
    except pa.errors.SchemaErrors:
        return True
    return False


@pytest.mark.parametrize(
    ("changes", "clean"),
    [
        ({}, True),
        ({"weight": [10.0, -1.0]}, False),  # 分值 ≥ 0
        ({"direction": [">=", "upwards"]}, False),  # not a 指标性质
        ({"level1": ["产出指标", None]}, False),  # 一级指标 is required
        ({"weight": np.array([10, 20], dtype=np.int64)}, False),  # pandera wants float64
    ],
)
def test_schema_clean_agrees_with_pandera(changes, clean):
    frame = pd.DataFrame(
        {"project": ["甲", "甲"], "level1": ["产出指标", "效益指标"], "level2": ["数量指标", "社会效益指标"]}
        | {"level3": ["培训人数", "满意度"], "weight": [10.0, 20.0], "direction": [">=", None]}
    ).astype(object)
    frame["weight"] = frame["weight"].astype(float)
    for column, values in changes.items():
        frame[column] = values
    table = S.TABLES["indicators"]
    assert schema_clean(table, frame) is clean
    assert _pandera_finds(table, frame) is not clean


def test_repeated_is_duplicated():
    frame = pd.DataFrame(
        {"a": ["x", "x", None, None, "y", "x"], "b": [1.0, 1.0, np.nan, np.nan, 2.0, 2.0]}, dtype=object
    )
    for key in (["a"], ["a", "b"], ["b"]):
        assert _repeated(frame, key).tolist() == frame.duplicated(key).tolist()


def test_published_above_weights_with_rows_naming_no_project():
    projects = pd.DataFrame(
        {"project": ["甲", "乙"], "published_score": [95.0, 95.0], "execution_weight": [10.0, np.nan]}
        | {"unknown": [None, None]}
    )
    ind = pd.DataFrame(
        {"project": ["甲", None, "乙", "乙"], "parent": [None, None, None, "x"], "weight": [90.0, 50.0, 80.0, 30.0]}
        | {"unknown": [None, "weight", None, None], "level3": ["a", "b", "c", "d"]}
    )
    problems = ProblemList()
    check_sense({"indicators": ind, "projects": projects}, {}, problems)
    above = [p for p in problems.items if p.code == "INPUT_SCORE_ABOVE_WEIGHTS"]
    # 甲: 10 + 90 = 100 ≥ 95; 乙: 10 (default) + 80 (its breakdown row does not count) = 90 < 95
    assert [p.found for p in above] == ["95 > 90（预算执行率 10 + 指标分值 80）"]


def test_many_units_projects_of_one_name_are_each_units_own():
    """In many-unit data two units' 甲 are two projects: unit B's 甲 has no indicators although unit A's has, and
    B's published 95 is above its 10 + 50 although A's 甲 carries 90 more (summed over both units: 150, no flag)."""
    projects = pd.DataFrame(
        {"org": ["A", "B", "B"], "project": ["甲", "甲", "乙"], "published_score": [95.0, 95.0, np.nan]}
        | {"execution_weight": [10.0, 10.0, 10.0], "unknown": [None, None, None]}
    )
    ind = pd.DataFrame(
        {"org": ["A", "B", "A"], "project": ["甲", "甲", "乙"], "parent": [None, None, None]}
        | {"weight": [90.0, 50.0, 20.0], "unknown": [None, None, None], "level3": ["a", "b", "c"]}
    )
    problems = ProblemList()
    check_sense({"indicators": ind, "projects": projects}, {}, problems)
    above = [p.found for p in problems.items if p.code == "INPUT_SCORE_ABOVE_WEIGHTS"]
    assert above == ["95 > 60（预算执行率 10 + 指标分值 50）"]
    assert [p.found for p in problems.items if p.code == "NO_INDICATORS"] == ["乙"]


def test_many_units_breakdown_chains_stay_in_their_unit():
    """A's 甲 has x → y and B's 甲 has y → x: no circle (each unit's chain leaves its table); one unit with both is."""
    ind = pd.DataFrame(
        {"org": ["A", "B"], "project": ["甲", "甲"], "level3": ["x", "y"], "parent": ["y", "x"]}
        | {"weight": [0.0, 0.0], "unknown": [None, None]}
    )
    projects = pd.DataFrame(
        {"org": ["A", "B"], "project": ["甲", "甲"], "published_score": [np.nan, np.nan]}
        | {"execution_weight": [10.0, 10.0], "unknown": [None, None]}
    )
    problems = ProblemList()
    check_sense({"indicators": ind, "projects": projects}, {}, problems)
    assert [p.code for p in problems.items if p.code == "PARENT_CYCLE"] == []
    problems = ProblemList()
    check_sense({"indicators": ind.assign(org="A"), "projects": projects.iloc[:1]}, {}, problems)
    assert [p.found for p in problems.items if p.code == "PARENT_CYCLE"] == ["x → y → x"]


def test_a_chain_into_a_circle_reports_the_circle_once():
    """a → b → c → b: a leads into the circle b ↔ c and is not on it (its chain does not come back to a); the
    circle is reported once, from its first row. Another project's chain x → y ends: nothing."""
    ind = pd.DataFrame(
        {"project": ["甲", "甲", "甲", "乙", "乙"], "level3": ["a", "b", "c", "x", "y"]}
        | {"parent": ["b", "c", "b", "y", None], "weight": [0.0] * 4 + [10.0], "unknown": [None] * 5}
    )
    projects = pd.DataFrame(
        {"project": ["甲", "乙"], "published_score": [np.nan, np.nan], "execution_weight": [10.0, 10.0]}
        | {"unknown": [None, None]}
    )
    problems = ProblemList()
    check_sense({"indicators": ind, "projects": projects}, {}, problems)
    assert [p.found for p in problems.items if p.code == "PARENT_CYCLE"] == ["b → c → b"]
