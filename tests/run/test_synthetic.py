"""Synthetic data: valid input in the declared shape, realistic features, deterministic; big frames
for the benchmark score per unit exactly as each unit alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from evaltools.data.load import find_source, inspect_path, load_year
from evaltools.data.schema import TABLES
from evaltools.errors import ParamsError
from evaltools.run import synthetic
from evaltools.scoring.rules import load_rules


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    return synthetic.generate(tmp_path_factory.mktemp("syn") / "data", units=3, years=4, indicators=12, seed=0)


@pytest.fixture(scope="module")
def loaded(dataset):
    return {(u, y): load_year(y, dataset.root, u, with_previous=False) for u, y in dataset.jobs}


def test_layout_units_times_years(dataset):
    assert len(dataset.units) == 3 and dataset.years == (2020, 2021, 2022, 2023)
    assert sorted(p.name for p in dataset.root.iterdir()) == sorted(dataset.units)
    for unit in dataset.units:
        assert sorted(p.name for p in (dataset.root / unit).iterdir()) == ["2020", "2021", "2022", "2023"]
        folder = dataset.path(unit, 2021)
        assert sorted(p.name for p in folder.iterdir()) == sorted([t.file for t in TABLES.values()] + ["profile.yaml"])
        header = (folder / "indicators.csv").read_text(encoding="utf-8").splitlines()[0]
        assert header == ",".join(TABLES["indicators"].names())


def test_every_unit_year_passes_check(dataset):
    assert len(dataset.jobs) == 12  # 3 units × 4 years: the loop below is not empty
    for unit, year in dataset.jobs:
        data, problems = inspect_path(find_source(year, dataset.root, unit), expected_year=year)
        assert data is not None and not problems.has_errors, [str(p) for p in problems.items]


def test_marked_synthetic(dataset, loaded):
    for (unit, year), data in loaded.items():
        prof = data.profile
        assert prof.synthetic is True and prof.year == year
        assert synthetic.MARK in prof.unit and synthetic.MARK in prof.source
        raw = yaml.safe_load(dataset.path(unit, year).joinpath("profile.yaml").read_text(encoding="utf-8"))
        assert raw["synthetic"] is True


def test_weights_add_to_100_with_execution_10(loaded):
    for data in loaded.values():
        ind, proj = data.indicators, data.projects
        assert (proj["execution_weight"] == 10).all()
        sums = ind[ind["parent"].isna()].groupby("project")["weight"].sum()
        assert set(sums.index) == set(proj["project"])
        assert (sums + 10 == 100).all(), sums  # exactly, not within a tolerance
        assert (ind.loc[ind["parent"].notna(), "weight"] == 0).all()
        assert 2 <= len(proj) <= 4
        assert (ind[ind["parent"].isna()].groupby("project").size() == 12).all()


def test_realistic_features(loaded):
    ind = pd.concat([d.indicators for d in loaded.values()])
    assert {">=", "<=", "=", "range", "qualitative"} <= set(ind["direction"])
    rng = ind[ind["direction"] == "range"]
    assert len(rng) and (rng["target_high"] > rng["target"]).all()
    qual = ind[ind["direction"] == "qualitative"]
    assert set(qual["qualitative_grade"].dropna()) >= {"达成", "部分达成"}
    assert qual["panel_score"].notna().any()
    scored = ind[ind["parent"].isna() & ind["applicable"] & (ind["direction"] != "qualitative")]
    assert scored["actual"].isna().any()  # some missing actuals
    parts = ind[ind["parent"].notna()]
    assert len(parts)
    match, mismatch = 0, 0
    for data in loaded.values():
        i = data.indicators
        p = i[i["parent"].notna()]
        if p.empty:
            continue
        t = i.set_index(["project", "level3"])["actual"]
        for (project, parent), s in p.groupby(["project", "parent"])["actual"].sum().items():
            if t[(project, parent)] == s:
                match += 1
            else:
                mismatch += 1
    assert match and mismatch, (match, mismatch)  # parts add up, and sometimes deliberately not


def test_budget_lines_projects_and_drift(loaded, dataset):
    for data in loaded.values():
        assert list(data.budget_lines["line"]) == ["人员经费", "日常公用支出"]
        assert (data.budget_lines["budget"] > 0).all() and (data.projects["budget"] > 0).all()
        assert (data.projects["spent"] <= data.projects["budget"]).all()
        assert "project_count" in set(data.statements["metric"])
        assert len(data.team) >= 5 and len(data.grade_bands) == 4
    published = pd.concat([d.projects for d in loaded.values()])["published_score"]
    assert published.notna().any() and published.isna().any()
    unit = dataset.units[0]
    personnel = [loaded[(unit, y)].budget_lines.set_index("line").at["人员经费", "budget"] for y in dataset.years]
    assert len(set(personnel)) == len(personnel)  # amounts drift from year to year
    assert max(personnel) / min(personnel) < 2  # … plausibly


def test_same_seed_same_files(tmp_path):
    a = synthetic.generate(tmp_path / "a", units=1, years=2, indicators=5, seed=7)
    b = synthetic.generate(tmp_path / "b", units=1, years=2, indicators=5, seed=7)
    c = synthetic.generate(tmp_path / "c", units=1, years=2, indicators=5, seed=8)
    files = sorted(p.relative_to(a.root) for p in a.root.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(b.root) for p in b.root.rglob("*") if p.is_file())
    assert all((a.root / f).read_bytes() == (b.root / f).read_bytes() for f in files)
    assert any((a.root / f).read_bytes() != (c.root / f).read_bytes() for f in files if (c.root / f).exists())


@pytest.mark.parametrize("kwargs", [dict(indicators=2), dict(indicators=61), dict(units=0), dict(years=0)])
def test_bad_arguments(tmp_path, kwargs):
    with pytest.raises(ParamsError):
        synthetic.generate(tmp_path, **kwargs)


def test_cli_synthetic(tmp_path):
    from typer.testing import CliRunner

    from evaltools.cli import app

    res = CliRunner().invoke(
        app,
        [
            "synthetic",
            str(tmp_path / "d"),
            "--units",
            "2",
            "--years",
            "1",
            "--indicators",
            "4",
            "--seed",
            "3",
            "--start-year",
            "2019",
        ],
    )
    assert res.exit_code == 0, res.output
    assert len(list((tmp_path / "d").glob("*/2019/profile.yaml"))) == 2
    res = CliRunner().invoke(app, ["synthetic", str(tmp_path / "e"), "--indicators", "99"])
    assert res.exit_code == 2 and "Traceback" not in res.output


def test_frames_score_per_unit_as_each_unit_alone():
    from evaltools.scoring.indicators import group_keys, score_indicators, score_projects

    rules = load_rules("mof")
    ind, proj = synthetic.generate_frames(50, 20, seed=1)
    org = group_keys(proj)[0]
    assert org != "project" and ind[org].nunique() == 50 and len(ind) == 1000
    together = score_projects(proj, score_indicators(ind, rules), rules, rules.grade_bands)
    together = together.set_index([org, "project"])["computed_score"]
    for unit, part in ind.groupby(org):
        alone_ind = part.drop(columns=[org]).reset_index(drop=True)
        alone_proj = proj[proj[org] == unit].drop(columns=[org]).reset_index(drop=True)
        alone = score_projects(alone_proj, score_indicators(alone_ind, rules), rules, rules.grade_bands)
        expected = together.loc[unit].reindex(alone["project"]).to_numpy()
        np.testing.assert_allclose(alone["computed_score"].to_numpy(), expected, rtol=0, atol=1e-9)
    assert together.between(0, 100).all()


def test_frames_shape():
    ind, proj = synthetic.generate_frames(10, 100, seed=0)
    assert len(ind) == 1000 and len(proj) == 50
    assert {">=", "<=", "=", "range", "qualitative"} <= set(ind["direction"])
    assert ind["parent"].notna().any() and ind["actual"].isna().any()
    scored = ind[ind["parent"].isna()]
    org = [
        c
        for c in proj.columns
        if c not in ("project", "budget", "spent", "execution_weight", "published_score", "published_grade")
    ][0]
    np.testing.assert_allclose(scored.groupby([org, "project"])["weight"].sum(), 90.0, atol=1e-3)
