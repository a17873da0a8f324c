"""Every CSV written for people opens in Excel on Chinese Windows: UTF-8 with a BOM (without it Excel reads GBK and
shows mojibake). ``evaltools import`` writes one folder per form (profile.yaml, projects.csv, indicators.csv …) and
forms.csv; the synthetic many-unit folders are written the same way. The tool reads them back: import → check →
score gives what the same files without the BOM give."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pandas as pd
import pytest

from evaltools import evaluate
from evaltools.data.load import load_path
from evaltools.data.schema import ORG
from evaltools.report.form import write_selfeval_form
from evaltools.run.importer import import_to
from evaltools.run.synthetic import generate_units, write_units
from tests._paths import ROOT

BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def imported(tmp_path_factory):
    out = tmp_path_factory.mktemp("imported")
    done = import_to([ROOT / "examples" / "forms" / "县直"], out)
    return out, done


def _without_bom(folder, to):
    shutil.copytree(folder, to)
    for csv in to.glob("*.csv"):
        csv.write_bytes(csv.read_bytes().removeprefix(BOM))
    return to


def test_every_imported_csv_starts_with_the_bom(imported):
    out, done = imported
    assert len(done.folders) == 2  # 融媒体中心 2021 部门整体, 青神县发改局 2023 工资性支出
    csvs = sorted(out.rglob("*.csv"))
    assert {p.name for p in csvs} >= {"forms.csv", "projects.csv", "indicators.csv"}
    for path in csvs:
        assert path.read_bytes().startswith(BOM), path


def test_import_check_and_score_read_the_bom(imported, tmp_path):
    """Each imported folder loads equal to the same files without the BOM (the first column is 「project」, not
    「\\ufeffproject」), scores the same, writes its 自评表, and ``evaltools check`` says the same of both."""
    _, done = imported
    for form, folder in done.folders:
        plain = _without_bom(folder, tmp_path / f"plain-{folder.name}")
        data = load_path(folder)
        assert data == load_path(plain) and list(data.projects.columns)[0] == "project"
        ev, ev_plain = evaluate(data, "mof"), evaluate(load_path(plain), "mof")
        assert ev.to_summary()["overall"] == ev_plain.to_summary()["overall"]
        assert write_selfeval_form(ev, tmp_path / f"{folder.name}.xlsx").is_file()
        checked = [
            subprocess.run(
                [sys.executable, "-m", "evaltools.cli", "check", str(form.data.year), "--path", str(p)],
                capture_output=True,
                text=True,
                cwd=ROOT,
            )
            for p in (folder, plain)
        ]
        assert checked[0].returncode == checked[1].returncode != 1, checked[0].stderr
        assert checked[0].stdout.replace(str(folder), "X") == checked[1].stdout.replace(str(plain), "X")


def test_many_unit_csvs_start_with_the_bom_and_load(tmp_path):
    """A bureau's many-unit folder (units.csv beside the tables) as CSV with the BOM loads as its Parquet copy."""
    data = generate_units(4, 3, seed=5, year=2022, projects_per_unit=2)
    csv, parquet = (write_units(data, tmp_path / form / "2022", form) for form in ("csv", "parquet"))
    assert {p.name for p in csv.glob("*.csv")} >= {"units.csv", "projects.csv", "indicators.csv"}
    for path in csv.glob("*.csv"):
        assert path.read_bytes().startswith(BOM), path
    left, right = load_path(csv, 2022), load_path(parquet, 2022)
    assert left.orgs == right.orgs == data.orgs
    for name in left.tables:
        pd.testing.assert_frame_equal(left.tables[name].astype({ORG: object}), right.tables[name].astype({ORG: object}))
