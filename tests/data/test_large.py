"""Large and many-unit inputs: a bureau's year (units.csv + tables with a 预算单位 column) loads from CSV or
Parquet to the same data, evaluates in one pass, gives each unit's report data as a slice; the size limit
is memory (a located error where reading stopped), not a row count; a broken previous year is a warning."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from evaltools import evaluate, load_path, load_rules, load_year
from evaltools.data.discover import discover
from evaltools.data.load import inspect_path
from evaltools.data.model import UnitsData, YearData
from evaltools.data.schema import ORG
from evaltools.data.size import MemoryBudget, parse_size
from evaltools.errors import DataNotFoundError, InputError
from evaltools.run.synthetic import generate_units, write_units

RULES = load_rules("mof")


@pytest.fixture(scope="module")
def bureau(tmp_path_factory):
    """40 synthetic units of 2022 (and of 2021), as CSV and as Parquet folders."""
    root = tmp_path_factory.mktemp("bureau")
    data = generate_units(40, 30, seed=5, projects_per_unit=3)
    for form in ("csv", "parquet"):
        write_units(data, root / form / "2022", form)
        write_units(generate_units(40, 30, seed=6, projects_per_unit=3, year=2021), root / form / "2021", form)
    return root, data


def test_csv_and_parquet_load_to_the_same_data(bureau):
    root, made = bureau
    csv, parquet = load_path(root / "csv" / "2022", 2022), load_path(root / "parquet" / "2022", 2022)
    assert isinstance(csv, UnitsData) and isinstance(parquet, UnitsData)
    assert csv.orgs == parquet.orgs == made.orgs and len(csv) == 40
    for name in csv.tables:
        left, right = csv.tables[name], parquet.tables[name]
        pd.testing.assert_frame_equal(left.astype({ORG: object}), right.astype({ORG: object}), obj=name)
    assert len(csv.indicators) == len(made.indicators) and csv.indicators[ORG].dtype == "category"


def test_a_loaded_bureau_evaluates_in_one_pass_and_slices(bureau):
    root, _ = bureau
    data = load_year(2022, root / "csv")
    assert isinstance(data, UnitsData) and data.previous is not None and data.previous.year == 2021
    ev = evaluate(data, RULES)
    assert list(ev.totals[ORG]) == data.orgs and set(ev.findings["code"]) >= {"RATE_ROUNDED", "MISSING_ACTUAL"}
    org = data.orgs[7]
    alone = evaluate(load_year(2022, root / "csv", org), RULES)  # a unit's report data is a slice of the file
    assert isinstance(alone.data, YearData) and alone.unit == org and alone.data.previous is not None
    part = ev.slice(org)
    pd.testing.assert_frame_equal(part.findings, alone.findings, check_dtype=False)
    assert part.total == alone.total and part.to_summary() == alone.to_summary()


def test_units_of_a_bureau_are_jobs(bureau):
    root, data = bureau
    jobs = discover(root / "csv")
    assert sorted(jobs) == sorted((u, y) for u in data.orgs for y in (2021, 2022))
    with pytest.raises(DataNotFoundError, match="no unit"):
        load_year(2022, root / "csv", "不存在的单位")


def test_memory_limit_stops_reading_at_a_row(bureau, tmp_path, monkeypatch):
    """Streamed in chunks (100 rows here), reading stops in the middle of the file that passes the limit."""
    from evaltools.data.load import readers

    root, _ = bureau
    folder = tmp_path / "2022"
    shutil.copytree(root / "csv" / "2022", folder)
    monkeypatch.setattr(readers, "CSV_CHUNK_ROWS", 100)
    data, problems = inspect_path(folder, 2022, MemoryBudget(parse_size("1M"), "a test"))
    assert data is None
    [problem] = [p for p in problems.items if p.code == "TOO_LARGE"]  # reported once: the rest is not read
    assert problem.location.file.endswith("indicators.csv")
    assert 1 < problem.location.row < 1201  # a row inside the file: its last rows were never parsed
    assert "limit 1 MB (a test)" in problem.found and "split the year by unit" in problem.expected


def test_memory_limit_refuses_parquet_before_reading(bureau):
    root, _ = bureau
    data, problems = inspect_path(root / "parquet" / "2022", 2022, MemoryBudget(parse_size("100K"), "a test"))
    assert data is None
    [first, *_] = [p for p in problems.items if p.code == "TOO_LARGE"]
    assert first.location.file.endswith(".parquet") and "rows" in first.found


def test_rows_without_a_listed_unit_are_located(bureau, tmp_path):
    root, _ = bureau
    folder = tmp_path / "2022"
    shutil.copytree(root / "csv" / "2022", folder)
    projects = pd.read_csv(folder / "projects.csv", dtype=str, keep_default_na=False)
    projects.loc[4, ORG] = "别的单位"
    projects.to_csv(folder / "projects.csv", index=False)
    with pytest.raises(InputError) as info:
        load_path(folder, 2022)
    [problem] = [p for p in info.value.problems if p.code == "UNKNOWN_UNIT"]
    assert problem.location.row == 6 and problem.location.column == "预算单位" and problem.found == "别的单位"


def test_units_column_without_a_units_table(root, tmp_path):
    folder = tmp_path / "2022"
    shutil.copytree(root / "data" / "2022", folder)
    team = pd.read_csv(folder / "team.csv", dtype=str, keep_default_na=False).assign(预算单位="甲")
    team.to_csv(folder / "team.csv", index=False)
    with pytest.raises(InputError, match="without a units table"):
        load_path(folder, 2022)


def test_broken_previous_year_is_a_warning(root, tmp_path):
    data_dir = tmp_path / "data"
    shutil.copytree(root / "data" / "2022", data_dir / "2022")
    shutil.copytree(root / "data" / "2022", data_dir / "2021")
    (data_dir / "2021" / "projects.csv").write_text('project,budget\n"unterminated,1\n', encoding="utf-8")
    data = load_year(2022, data_dir)
    assert data.previous is None
    [warning] = [w for w in data.warnings if w.code == "PREVIOUS_YEAR_UNUSABLE"]
    assert warning.severity == "warning" and "year-over-year figures are missing" in warning.message
    assert "malformed CSV" in warning.found and "2021" in warning.location.file
    assert evaluate(data, RULES).rate("budget_change", default=None) is None


def test_evaluate_command_summarises_every_unit(bureau):
    import json

    from typer.testing import CliRunner

    from evaltools.cli import app

    root, data = bureau
    res = CliRunner().invoke(app, ["evaluate", "2022", "--data-dir", str(root / "parquet"), "--rules", "mof"])
    assert res.exit_code == 0, res.output
    summary = json.loads(res.output)
    assert [u["unit"] for u in summary["units"]] == data.orgs
    assert all(set(u["findings"]) == {"error", "warning", "info"} for u in summary["units"])
