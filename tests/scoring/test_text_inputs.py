"""A year evaluates the same whatever its text columns hold: cells made one by one (a generated frame), cells that
share one object per value (what pandas' CSV reader and pyarrow hand over: the fast path of
:mod:`evaltools.scoring.codes`) and categorical columns — every frame, every finding and message, in order."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaltools.data.model import UnitsData
from evaltools.run.synthetic import generate_units
from evaltools.scoring import codes
from evaltools.scoring.evaluation import UnitsEvaluation, evaluate

FRAMES = ("rates", "indicators", "projects", "composition", "raw_findings", "totals", "findings")


@pytest.fixture(scope="module")
def year() -> UnitsData:
    """30 units × 100 indicator rows: above the size from which text columns' codes are remembered."""
    return generate_units(30, 100, seed=3, year=2022, projects_per_unit=4)


def _interned(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with each object column's equal values one shared object, as a loaded table's are."""
    columns = {}
    for name in frame.columns:
        if frame[name].dtype == object:
            pool: dict = {}
            values = [pool.setdefault(v, v) if isinstance(v, str) else v for v in frame[name].tolist()]
            columns[name] = pd.Series(values, index=frame.index, dtype=object)
    return frame.assign(**columns)


def _same(a: UnitsEvaluation, b: UnitsEvaluation) -> None:
    for name in FRAMES:
        x, y = getattr(a, name), getattr(b, name)
        assert list(x.columns) == list(y.columns), name
        pd.testing.assert_frame_equal(x, y, obj=name)


def test_shared_text_objects_evaluate_as_cells_made_one_by_one(year):
    shared = UnitsData(year.profile, year.units, {k: _interned(v) for k, v in year.tables.items()}, "shared")
    plain, fast = year.indicators["level3"].to_numpy(), shared.indicators["level3"].to_numpy()
    assert not codes._shares_objects(plain) and codes._shares_objects(fast)  # each path is taken
    ev_plain, ev_fast = evaluate(year, "mof"), evaluate(shared, "mof")
    assert len(ev_plain.raw_findings) > 0
    _same(ev_plain, ev_fast)


def test_shared_codes_are_pandas_codes():
    values = np.array(["乙", None, "甲", "乙", np.nan, "丙", "甲"] * 200, dtype=object)
    with codes.remembered():
        got, uniques = codes.text_codes(values)
        missing = codes.is_missing(values)
    assert uniques.tolist() == ["乙", "甲", "丙"]
    assert got[:7].tolist() == [0, -1, 1, 0, -1, 2, 1]
    assert missing[:7].tolist() == [False, True, False, False, True, False, False]


def test_is_false_of_shared_flags():
    values = np.array([True, False, None, False, np.nan] * 300, dtype=object)
    with codes.remembered():
        assert codes.is_false(values)[:5].tolist() == [False, True, False, True, False]


def test_actual_printed_reads_each_pair_of_texts_once():
    from evaltools.scoring.audit.indicators import _actual_printed

    told = ("18—54周岁", "存在18岁以下、54周岁以上")  # the actual speaks of the target's own figures: printed
    progress = ("90%", "已完成100%")  # a progress statement: no actual
    m = pd.DataFrame(
        {
            "actual": [np.nan, np.nan, 1.0, np.nan, np.nan, np.nan],
            "target_text": [told[0], progress[0], "一", told[0], None, progress[0]],
            "actual_text": [told[1], progress[1], None, told[1], "无", told[1]],
        }
    )
    assert _actual_printed(m).tolist() == [True, False, True, True, True, False]


@pytest.mark.parametrize("value", [None, np.nan, "个"])
def test_a_column_of_one_object_codes_as_pandas_does(value):
    values = np.array([value] * 2000, dtype=object)
    with codes.remembered():
        got, uniques = codes.text_codes(values)
        missing = codes.is_missing(values)
    expected, expected_uniques = pd.factorize(values)
    assert got.tolist() == expected.tolist() and uniques.tolist() == list(expected_uniques)
    assert missing.all() == (value is None or value != value)


def test_target_met_is_true_false_or_none():
    from evaltools.scoring.indicators import target_met

    ind = pd.DataFrame(
        {
            "direction": [">=", "<=", ">=", "qualitative", "qualitative", "qualitative", "=", "="],
            "target": [90.0, 5.0, 90.0, np.nan, np.nan, np.nan, 0.0, 3.0],
            "actual": [95.0, 6.0, np.nan, np.nan, np.nan, np.nan, 0.0, 4.0],
            "qualitative_grade": [None, None, None, "达成", "部分达成", None, None, None],
        }
    )
    met = target_met(ind).tolist()
    assert met == [True, False, None, True, False, None, True, True]  # "=" is met by ≥ unless the target is 0
    assert all(v is None or type(v) is bool for v in met)


def test_categorical_text_columns_evaluate_as_object_ones(year):
    """A loader may hand text over as categoricals: every computed frame is the same (the indicators' own columns
    keep the input's dtype and its missing marker — NaN in a categorical — and are left out of the comparison)."""
    ind = year.indicators
    text = [c for c in ind.columns if ind[c].dtype == object]
    coded = ind.assign(**{c: ind[c].astype("category") for c in text})
    cat = UnitsData(year.profile, year.units, {**year.tables, "indicators": coded}, "categorical")
    a, b = evaluate(year, "mof"), evaluate(cat, "mof")
    assert len(a.raw_findings) > 0 and isinstance(b.data.indicators["level3"].dtype, pd.CategoricalDtype)
    for name in FRAMES:
        x, y = getattr(a, name), getattr(b, name)
        if name == "indicators":
            x, y = x.drop(columns=text), y.drop(columns=text)
        pd.testing.assert_frame_equal(x, y, check_dtype=False, check_categorical=False, obj=name)
    assert (b.indicators["level3"].astype(object) == a.indicators["level3"]).all()


def test_is_false_of_flag_objects_and_of_others():
    flags = np.array([True, False, None] * 500, dtype=object)  # the three objects only
    others = np.array([np.True_, np.False_, None, 0, 1.0, np.nan] * 250, dtype=object)  # numpy scalars, numbers
    assert codes.is_false(flags)[:3].tolist() == [False, True, False]
    assert codes.is_false(others)[:6].tolist() == [False, True, False, True, False, False]


def test_subjects_written_once_per_pair_of_names():
    from evaltools.scoring.audit.rows import Rows, subjects

    frame = pd.DataFrame(
        {"project": ["甲", "乙", "甲", "甲", "乙"], "level3": ["人数", "人数", "人数", "次数", None]}, dtype=object
    )
    assert subjects(Rows(frame, np.array([0, 1, 2, 3]))).tolist() == [
        "甲 / 人数",
        "乙 / 人数",
        "甲 / 人数",
        "甲 / 次数",
    ]
    assert subjects(Rows(frame, np.array([4, 0]))).tolist() == ["乙 / None", "甲 / 人数"]
    assert subjects(Rows(frame, np.array([], dtype=int))).tolist() == []
