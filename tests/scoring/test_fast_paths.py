"""Fast paths of evaluate() on a bureau's year (issue 23 item 3) give what the slow ones give: integer keys
factorised by their runs, new columns not copied into blocks, the findings sorted in one pass."""

import numpy as np
import pandas as pd
import pytest

from evaltools.data.schema import ORG
from evaltools.scoring.audit import core
from evaltools.scoring.audit.core import AuditContext
from evaltools.scoring.codes import combined_codes, factorized_ints, factorized_pair
from evaltools.scoring.frames import with_columns

KEYS = {
    "runs": np.array([0, 0, 3, 3, 3, 7, 9, 9]),
    "unsorted": np.array([5, 5, 1, 1, 5, 2, 0]),
    "one": np.array([4]),
    "none": np.array([], dtype=np.int64),
    "random sorted": np.sort(np.random.default_rng(1).integers(0, 50, 500)),
}


@pytest.mark.parametrize("name", list(KEYS))
def test_factorized_ints_is_pd_factorize(name):
    key = KEYS[name]
    codes, uniques = factorized_ints(key)
    expected, values = pd.factorize(key)
    np.testing.assert_array_equal(codes, expected)
    np.testing.assert_array_equal(uniques, values)
    assert codes.dtype == expected.dtype


def test_factorized_ints_hand_computed():
    codes, uniques = factorized_ints(np.array([2, 2, 5, 8, 8, 8]))
    assert codes.tolist() == [0, 0, 1, 2, 2, 2]
    assert uniques.tolist() == [2, 5, 8]


@pytest.mark.parametrize("x", list(KEYS))
@pytest.mark.parametrize("y", list(KEYS))
def test_factorized_pair_is_factorize_of_both(x, y):
    a, b = KEYS[x], KEYS[y]
    left, right = factorized_pair(a, b)
    expected, _ = pd.factorize(np.concatenate([a, b]))
    np.testing.assert_array_equal(np.concatenate([left, right]), expected)


def test_factorized_pair_hand_computed():
    # x's values 1, 4, 6 are codes 0, 1, 2; y's new values 2 and 9 come after them, ascending
    left, right = factorized_pair(np.array([1, 1, 4, 6]), np.array([2, 4, 4, 9]))
    assert left.tolist() == [0, 0, 1, 2]
    assert right.tolist() == [3, 1, 1, 4]


def test_combined_codes_sorted_and_shuffled_rows():
    rng = np.random.default_rng(2)
    a, b = np.sort(rng.integers(-1, 30, 2000)), rng.integers(-1, 4, 2000)
    for order in (np.arange(2000), rng.permutation(2000)):
        codes, first = combined_codes([(a[order], 30), (b[order], 4)], 2000)
        expected, _ = pd.factorize(pd.MultiIndex.from_arrays([a[order], b[order]]))
        np.testing.assert_array_equal(codes, expected)
        np.testing.assert_array_equal(first, [np.flatnonzero(expected == c)[0] for c in range(expected.max() + 1)])


def test_with_columns_own_is_the_copying_frame():
    frame = pd.DataFrame({"org": pd.Categorical(["a", "b", "a"]), "x": [1.0, 2.0, 3.0]})
    columns = {"y": np.array([0.5, 1.5, 2.5]), "flag": np.array([True, False, True]), "x": np.array([7.0, 8, 9])}
    own = with_columns(frame, dict(columns), own=True)
    pd.testing.assert_frame_equal(own, with_columns(frame, dict(columns)))
    assert own["y"].tolist() == [0.5, 1.5, 2.5] and frame["x"].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.parametrize("units", [1, 40])
def test_sorted_findings_equal_the_concatenated_and_taken_ones(units, monkeypatch):
    """The findings as :func:`core._ordered` writes them (each column once, in its sorted place) are the frame
    that concatenating the checks' findings, setting severity and field, and taking them in order makes."""
    from evaltools.run.synthetic import generate_units
    from evaltools.scoring.evaluation import evaluate_units
    from evaltools.scoring.rules import load_rules

    data, rules = generate_units(units, 30, seed=units, year=2022), load_rules("mof")
    fast = evaluate_units(data, rules)
    assert len(fast.raw_findings) > 10
    calls = []
    monkeypatch.setattr(core, "_ordered", lambda *a: calls.append(1))  # the slow path: concatenate, then take
    slow = evaluate_units(data, rules)
    assert calls == [1]
    pd.testing.assert_frame_equal(fast.raw_findings, slow.raw_findings, check_exact=True)
    pd.testing.assert_frame_equal(fast.findings, slow.findings, check_exact=True)
    assert list(fast.raw_findings.columns) == [*core.FINDING_COLUMNS, ORG, core.PENDING]
    codes = fast.raw_findings[ORG].array.codes
    assert (np.diff(codes) >= 0).all()  # by unit first


def test_no_findings_take_the_slow_path():
    ctx = AuditContext(None, None, None, None, None, None)
    empty = core.no_findings()
    assert core._ordered([empty], np.array([], dtype=object), np.array([], dtype=object), ctx) is None


def test_unit_reasons_name_each_units_first_incomplete_form():
    """A unit's reason is its declared one, else its first incomplete form's (「项目」 before it where its total is
    the mean of its projects) — as dropping the duplicate units of the incomplete forms gave it."""
    from evaltools.scoring.completeness import UNSCORED, unit_reasons

    orgs = ["甲", "乙", "丙", "丁"]
    forms = pd.DataFrame(
        {
            ORG: pd.Categorical(["乙", "甲", "乙", "甲", "丙", "丁"], categories=orgs),
            "project": ["p1", "q1", "p2", "q2", "r1", "s1"],
            "incomplete": [None, "未评分", "得分空白", "无法计算", None, "未评分"],
        }
    )
    units = pd.DataFrame({ORG: orgs, "scores_printed": [None, None, None, "否"]})
    kinds = np.array(["project", "department_projects", "department_projects", "project"], dtype=object)
    totals = pd.DataFrame({ORG: pd.Categorical(orgs, categories=orgs)})
    got = unit_reasons(totals, forms, units, kinds).tolist()
    assert got[0] == "未评分"  # 甲 (one form's total): q1's reason as it is
    assert got[1] == "「p2」得分空白"  # 乙 (the mean of its projects): its first incomplete one, named
    assert got[2] is None  # 丙: complete
    assert got[3] == UNSCORED  # 丁: its declared reason (scores_printed 否) wins over its form's
