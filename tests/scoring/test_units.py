"""Many units in one pass: a dataset of many units evaluates at once, and each unit's slice equals that unit
evaluated alone — every frame, the total, every finding (codes, subjects, messages, order)."""

from __future__ import annotations

import pandas as pd
import pytest

from evaltools import evaluate, load_rules, load_year
from evaltools.data.model import UnitsData, YearData
from evaltools.data.schema import ORG
from evaltools.run import synthetic
from evaltools.scoring.evaluation import Evaluation, UnitsEvaluation

RULES = load_rules("qiaoxi2022")


@pytest.fixture(scope="module")
def singles(tmp_path_factory, root) -> list[YearData]:
    """The real 2022 unit and four synthetic ones (each with its previous year), loaded one by one."""
    ds = synthetic.generate(
        tmp_path_factory.mktemp("units") / "data", units=4, years=2, indicators=6, seed=7, start_year=2021
    )
    return [load_year(2022, root / "data"), *(load_year(2022, ds.root, unit) for unit in ds.units)]


def _same_frames(a: pd.DataFrame, b: pd.DataFrame, name: str) -> None:
    assert list(a.columns) == list(b.columns), name
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True), check_dtype=False, obj=name)


def test_slices_equal_units_evaluated_alone(singles):
    many = UnitsData.from_years(singles)
    assert len(many) == len(singles) and many.orgs == [d.unit for d in singles]
    ev = evaluate(many, RULES)
    assert isinstance(ev, UnitsEvaluation) and len(ev) == len(singles)
    assert set(ev.findings[ORG]) <= set(many.orgs) and ORG in ev.indicators
    for data, part in zip(singles, ev):
        alone = evaluate(data, RULES)
        assert isinstance(part, Evaluation) and part.unit == data.unit
        for name in ("rates", "indicators", "projects", "composition", "findings"):
            _same_frames(getattr(part, name), getattr(alone, name), f"{data.unit}: {name}")
        assert part.total == alone.total, data.unit
        assert part.to_summary() == alone.to_summary()


def test_data_slices_equal_the_units(singles):
    many = UnitsData.from_years(singles)
    for data in singles:
        part = many.slice(data.unit)
        assert part == data and part.profile == data.profile
        assert (part.previous is None) == (data.previous is None)
    with pytest.raises(KeyError):
        many.slice("nobody")


def test_totals_per_unit(singles):
    ev = evaluate(UnitsData.from_years(singles), RULES)
    assert list(ev.totals[ORG]) == [d.unit for d in singles]
    real = ev.totals.iloc[0]
    # recomputed, not the published 87: (85 + 84.67 + 90) / 3 = 86.56 (project totals, see test_evaluate), 良好
    assert real["computed_score"] == pytest.approx((85 + 84.67 + 90) / 3) and real["computed_grade"] == "良好"
    assert ev.slice(singles[0].unit).grade == "良好"


def test_findings_are_grouped_by_unit_then_severity(singles):
    f = evaluate(UnitsData.from_years(singles), RULES).findings
    order = {org: i for i, org in enumerate(d.unit for d in singles)}
    severity = {"error": 0, "warning": 1, "info": 2}
    keys = list(zip(f[ORG].map(order), f["severity"].map(severity)))
    assert keys == sorted(keys)
