"""Synthetic data: valid input in the declared shape, realistic features, deterministic; big frames
for the benchmark score per unit exactly as each unit alone."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import yaml

from evaltools.data.folder import write_folder
from evaltools.data.load import find_source, inspect_path, load_year
from evaltools.data.schema import REPORT_KINDS, TABLES
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
        printed = [t.file for t in TABLES.values() if t.name != "cost_control"]  # no 经费控制 block is generated
        assert sorted(p.name for p in folder.iterdir()) == sorted([*printed, "profile.yaml"])
        header = (folder / "indicators.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
        declared = TABLES["indicators"].names()
        assert header == [c for c in declared if c in header]  # the declared order, the columns that hold anything
        assert {"project", "level3", "direction", "target", "actual", "weight", "parent", "source"} <= set(header)


def test_written_by_the_data_folder_writer(dataset, loaded, tmp_path):
    """Each unit-year is exactly what the data folder writer writes for its data: loaded and written again
    (with the comment line of its profile.yaml), every file comes back byte for byte."""
    for (unit, year), data in loaded.items():
        folder = dataset.path(unit, year)
        comment = (folder / "profile.yaml").read_text(encoding="utf-8").splitlines()[0]
        assert comment.startswith("# ") and synthetic.MARK in comment
        again = write_folder(data, tmp_path / unit / str(year), header=comment[2:])
        written = sorted(p.name for p in folder.iterdir())
        assert written == sorted(p.name for p in again.iterdir())
        for name in written:
            assert (again / name).read_bytes() == (folder / name).read_bytes(), (unit, year, name)


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


def test_cli_synthetic_projects_kind_is_detected_and_runs(tmp_path):
    """``--kinds projects``: several project forms alone (no budget lines, no department indicators), detected
    as ``projects`` with the stated kind cleared, and ``evaltools run`` reports the mean of the forms."""
    import json
    from dataclasses import replace

    from typer.testing import CliRunner

    from evaltools.cli import app
    from evaltools.data.model import YearData

    args = [
        "synthetic",
        str(tmp_path / "d"),
        "--units",
        "2",
        "--years",
        "1",
        "--indicators",
        "4",
        "--kinds",
        "projects",
    ]
    res = CliRunner().invoke(app, [*args, "--start-year", "2021"])
    assert res.exit_code == 0, res.output
    units = sorted(p.parent.name for p in (tmp_path / "d").glob("*/2021"))
    assert len(units) == 2
    for unit in units:
        data = load_year(2021, tmp_path / "d", unit, with_previous=False)
        assert data.profile.report_kind == "projects" and data.budget_lines.empty
        assert len(data.projects) >= 2 and data.indicators["project"].notna().all()
        assert set(data.indicators["project"]) == set(data.projects["project"])
        assert YearData(replace(data.profile, report_kind=None), data.tables).kind == "projects"
    out = tmp_path / "out"
    res = CliRunner().invoke(
        app,
        ["run", "2021", "--all", "--data-dir", str(tmp_path / "d"), "--output-dir", str(out), "--to", "xlsx"]
        + ["--executor", "serial", "--no-index", "--no-progress"],
    )
    assert res.exit_code == 0, res.output
    for unit in units:
        summary = json.loads((out / unit / "2021" / "summary.json").read_text(encoding="utf-8"))
        scores = [p["computed_score"] for p in summary["projects"]]
        assert len(scores) >= 2 and (out / unit / "2021" / "自评表.xlsx").stat().st_size > 0
        assert summary["overall"]["method"] == "simple"
        assert summary["overall"]["computed_score"] == pytest.approx(sum(scores) / len(scores), abs=0.01)


def test_synthetic_refuses_a_kind_it_cannot_make(tmp_path):
    assert set(synthetic.SYNTHETIC_KINDS) <= set(REPORT_KINDS) and "projects" in synthetic.SYNTHETIC_KINDS
    with pytest.raises(ParamsError) as err:
        synthetic.generate(tmp_path, kinds=("nonesuch",))
    assert err.value.key == "kinds" and "nonesuch" in str(err.value)
    assert ", ".join(synthetic.SYNTHETIC_KINDS) in str(err.value)


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


def test_vocabulary_is_the_yaml_read_once():
    from evaltools.run.synthetic import vocabulary as voc

    raw = yaml.safe_load(voc.VOCABULARY_FILE.read_text(encoding="utf-8"))
    v = voc.load_vocabulary()
    assert voc.load_vocabulary() is v  # read once per process
    assert [k.name for k in v.kinds] == list(raw["kinds"])
    assert [t.name for t in v.kinds[1].themes] == list(raw["kinds"][v.kinds[1].name]["projects"])
    assert v.areas == tuple(raw["areas"]) and len(v.problems) >= 2 and len(v.measures) >= 2
    assert all(len(k.themes) >= 2 for k in v.kinds)


def test_units_take_the_kinds_of_the_yaml_in_turn(dataset):
    kinds = [k.name for k in synthetic.load_vocabulary().kinds]
    for i, unit in enumerate(dataset.units):
        assert kinds[i] in unit and dataset.names[unit] == f"{unit}（{synthetic.MARK}）"


def test_a_kind_added_to_the_yaml_makes_units(monkeypatch):
    from evaltools.run.synthetic import plan
    from evaltools.run.synthetic import vocabulary as voc

    raw = yaml.safe_load(voc.VOCABULARY_FILE.read_text(encoding="utf-8"))
    raw["kinds"] = {
        "气象站": {
            "pattern": "{area}县{kind}",
            "functions": ["负责气象观测和预报服务"],
            "projects": {
                "气象观测": [["观测站点数", "个", "count", 30]],
                "人工影响天气": [["作业次数", "次", "range", [6, 8]]],
            },
        }
    }
    monkeypatch.setattr(plan, "load_vocabulary", lambda: voc.parse(raw))
    unit = plan.plan_unit(0, 6, "department_projects", np.random.default_rng(0))
    assert unit.folder == f"{raw['areas'][0]}县气象站" and unit.kind == "气象站"
    assert {p.name for p in unit.projects} == {"气象观测", "人工影响天气"}
    names = {it.name for p in unit.projects for it in p.items}
    assert "观测站点数" in names or "作业次数" in names


@pytest.mark.parametrize(
    "change",
    [
        lambda raw: raw["quality"].append(["质量指标", "合格率", "%", "about", 0.9]),
        lambda raw: next(iter(raw["kinds"].values()))["projects"].popitem(),
        lambda raw: next(iter(raw["kinds"].values())).update(pattern="{kind}"),
    ],
    ids=["unknown-direction", "one-project", "pattern-without-area"],
)
def test_malformed_vocabulary_refused(change):
    from evaltools.run.synthetic import vocabulary as voc

    raw = yaml.safe_load(voc.VOCABULARY_FILE.read_text(encoding="utf-8"))
    kind = next(iter(raw["kinds"].values()))
    while len(kind["projects"]) > 2:
        kind["projects"].popitem()
    voc.parse(raw)  # two projects: still fine
    change(raw)
    with pytest.raises(ParamsError):
        voc.parse(raw)


def test_nothing_of_the_2022_unit(dataset, root):
    """No project or indicator of the real 2022 unit in the vocabulary or the data it makes, and none of its
    words (我中心, 就业服务中心, 桥西) anywhere in the package or the notebooks."""
    real_projects = set(pd.read_csv(root / "data" / "2022" / "projects.csv")["project"])
    real_indicators = set(pd.read_csv(root / "data" / "2022" / "indicators.csv")["level3"])
    v = synthetic.load_vocabulary()
    themes = {t.name for k in v.kinds for t in k.themes}
    names = {q.name for k in v.kinds for t in k.themes for q in t.quantities}
    names |= {g.name for group in (v.quality, v.timely, v.cost, v.benefit, v.satisfaction) for g in group}
    assert themes and names and not themes & real_projects and not names & real_indicators
    words = ("我中心", "就业服务中心", "桥西")
    for file in dataset.root.rglob("*.*"):
        text = file.read_text(encoding="utf-8")
        assert not [w for w in words if w in text], file
        assert not [p for p in real_projects if p in text], file
    for folder in ("evaltools", "notebooks"):
        for file in (root / folder).rglob("*"):
            if file.is_file() and file.suffix in (".py", ".yaml", ".ipynb", ".md", ".html", ".j2", ".css", ".txt"):
                text = file.read_text(encoding="utf-8")
                assert not [w for w in words if w in text], file
