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
