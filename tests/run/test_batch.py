"""Batches: discovery, the executor registry, whole synthetic sets through the command line (process
pool, 2 at a time), a broken year that does not stop the others, and the Dask path."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup

from evaltools.data.discover import discover
from evaltools.errors import ParamsError
from evaltools.params import job_params
from evaltools.run import synthetic
from evaltools.run.batch import BatchResult, exit_code, run_batch
from evaltools.run.executors import EXECUTORS
from evaltools.run.plan import plan_jobs
from tests._paths import DATA

CLI = [sys.executable, "-m", "evaltools.cli"]


# ----------------------------------------------------------------------------- discovery (fast)


def test_discover_synthetic_tree(tmp_path):
    ds = synthetic.generate(tmp_path / "data", units=2, years=3, indicators=4, seed=2)
    assert discover(ds.root) == sorted(ds.jobs)


def test_discover_every_layout(tmp_path):
    data = tmp_path / "data"
    for d in ("2021", "2022", "A/2020", "B单位/2019", "notes", ".git/2020", "A/drafts", "_old/2018"):
        (data / d).mkdir(parents=True)
    for f in (
        "2022.xlsx",
        "2023.xlsx",
        "A/2021.xlsx",
        "README.md",
        "~$2024.xlsx",
        "2025.csv",
        "A/2020.xlsx",
        "notes/readme.txt",
    ):
        (data / f).write_bytes(b"")
    assert discover(data) == [(None, 2021), (None, 2022), (None, 2023), ("A", 2020), ("A", 2021), ("B单位", 2019)]
    with pytest.raises(ParamsError):
        discover(tmp_path / "missing")


def test_repository_data():
    assert (None, 2022) in discover(DATA)


# ----------------------------------------------------------------------------- pieces (fast)


def test_executors_are_a_registry():
    assert {"process", "dask", "serial"} <= set(EXECUTORS)
    job = job_params({"year": 2022})
    with pytest.raises(ParamsError, match="unknown executor"):
        run_batch([job], executor="threads")
    with pytest.raises(ParamsError, match="format"):
        run_batch([job, replace(job, formats=("html", "docx"))], executor="serial")
    with pytest.raises(ParamsError, match="scheduler"):
        run_batch([job], executor="process", scheduler="tcp://localhost:8786")
    with pytest.raises(TypeError, match="JobParams"):
        run_batch([(None, 2022)], executor="serial")  # the former (unit, year) pairs
    assert run_batch([]) == []


def test_result_is_plain_and_picklable():
    r = BatchResult(2022, "单位", False, error="x", exit_code=2)
    assert pickle.loads(pickle.dumps(r)) == r and r.input_error and r.label == "单位/2022"


def test_exit_code():
    ok = BatchResult(2022, None, True, 87.0, "良好")
    data = BatchResult(2021, None, False, error="no data", exit_code=2)
    run = BatchResult(2020, None, False, error="cell 3 failed", exit_code=1)
    assert exit_code([ok]) == 0 and exit_code([]) == 0
    assert exit_code([ok, data]) == 2 and exit_code([data, run]) == 1 and exit_code([run]) == 1


def test_to_keeps_json():
    from evaltools.cli import _formats

    assert _formats("html,pdf") == "html,pdf,json" and _formats("json,html") == "json,html"
    assert _formats(None) is None


# ----------------------------------------------------------------------------- whole batches (slow)


@pytest.fixture(scope="module")
def full_batch(tmp_path_factory):
    """3 units × 4 years of synthetic data through `evaltools run --all --jobs 2 --to html,json`."""
    root = tmp_path_factory.mktemp("batch")
    ds = synthetic.generate(root / "data", units=3, years=4, indicators=8, seed=11)
    out = root / "outputs"
    res = subprocess.run(
        CLI
        + ["run", "--all", "--data-dir", str(ds.root), "--output-dir", str(out), "--jobs", "2", "--to", "html,json"],
        capture_output=True,
        text=True,
        cwd=root,
    )
    return ds, out, res


@pytest.mark.slow
def test_full_batch_writes_every_report_and_the_index(full_batch):
    ds, out, res = full_batch
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    for unit, year in ds.jobs:
        folder = out / unit / str(year)
        assert sorted(p.name for p in folder.iterdir()) == ["report.html", "report.ipynb", "summary.json"]
        summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
        assert summary["synthetic"] is True and summary["year"] == year and summary["unit"] == ds.names[unit]
        html = (folder / "report.html").read_text(encoding="utf-8")
        assert "合成数据" in BeautifulSoup(html, "html.parser").select_one(".synthetic-banner").get_text()
    assert not list(out.rglob(".tmp-*"))
    assert "12/12" in res.stdout and all(u in res.stdout for u in ds.units)  # the closing table
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    hrefs = {unquote(a["href"]) for a in soup.find_all("a") if not a["href"].startswith("#")}
    for unit, year in ds.jobs:
        assert f"{unit}/{year}/report.html" in hrefs and f"{unit}/{year}/summary.json" in hrefs
    assert all((out / h).is_file() for h in hrefs)
    assert soup.find("script") is None and len(soup.find_all("img")) == 3  # a trend chart per unit
    assert all(img["src"].startswith("data:image/png;base64,") for img in soup.find_all("img"))
    assert soup.get_text().count("合成数据") >= 3


@pytest.mark.slow
def test_broken_year_does_not_stop_the_others(tmp_path):
    ds = synthetic.generate(tmp_path / "data", units=2, years=2, indicators=4, seed=5)
    broken_unit = ds.units[1]
    (ds.path(broken_unit, 2021) / "projects.csv").write_text('project,budget\n"unterminated,1\n', encoding="utf-8")
    out = tmp_path / "outputs"
    res = subprocess.run(
        CLI + ["run", "--all", "--data-dir", str(ds.root), "--output-dir", str(out), "--jobs", "2", "--to", "html"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert res.returncode == 2, res.stdout + res.stderr  # the only failure is an input error
    assert "Traceback" not in res.stderr + res.stdout
    assert f"✗ {broken_unit}/2021" in res.stderr and "projects.csv" in res.stderr
    assert "3/4" in res.stdout
    for unit, year in ds.jobs:
        if (unit, year) != (broken_unit, 2021):
            assert (out / unit / str(year) / "report.html").is_file()
            assert (out / unit / str(year) / "summary.json").is_file()  # --to html still writes json
    assert not (out / broken_unit / "2021" / "report.html").exists()
    soup = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    failed = soup.select("tr.failed")
    assert len(failed) == 1 and "projects.csv" in failed[0].get_text()


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_outputs(full_batch, tmp_path):
    ds, out, _ = full_batch
    unit = ds.units[0]
    jobs = [(unit, 2022), (unit, 2023)]
    dask_out = tmp_path / "dask-outputs"
    import socket
    import warnings

    busy = socket.socket()  # dask's default dashboard port taken, as by another cluster
    busy.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        busy.bind(("127.0.0.1", 8787))
        busy.listen()
    except OSError:  # already taken by something else: the same situation
        pass
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            values = {"data_dir": str(ds.root), "output_dir": str(dask_out), "formats": ["html", "json"]}
            results = run_batch(plan_jobs(values, units=[unit], years=[2022, 2023]), jobs_n=2, executor="dask")
    finally:
        busy.close()
    assert not [w for w in caught if "already in use" in str(w.message)]  # the dashboard took a free port
    assert [r.ok for r in results] == [True, True], [r.error for r in results]
    assert [(r.unit, r.year) for r in results] == jobs
    pids = {r.worker.rpartition(":")[2] for r in results}  # worker = "host:pid"
    assert pids and not pids & {"", str(os.getpid())}  # each report ran in a dask worker process, not here
    for r, (u, y) in zip(results, jobs):
        dask_dir, process_dir = dask_out / u / str(y), out / u / str(y)
        assert Path(r.output_dir) == dask_dir.resolve()
        assert sorted(p.name for p in dask_dir.iterdir()) == sorted(p.name for p in process_dir.iterdir())
        assert json.loads((dask_dir / "summary.json").read_text(encoding="utf-8")) == json.loads(
            (process_dir / "summary.json").read_text(encoding="utf-8")
        )
        assert r.score == json.loads((dask_dir / "summary.json").read_text(encoding="utf-8"))["overall"]["score"]


@pytest.mark.slow
def test_serial_input_error_is_a_result_not_an_exception(tmp_path):
    (tmp_path / "data").mkdir()  # the output folder apart from the data: one inside it is refused first
    values = {"year": 2019, "unit": "nobody", "data_dir": str(tmp_path / "data"), "output_dir": str(tmp_path / "o")}
    job = job_params(values)
    results = run_batch([job], executor="serial")
    assert len(results) == 1 and not results[0].ok and results[0].exit_code == 2
    assert "no data for 2019" in results[0].error


@pytest.mark.slow
def test_one_bad_year_stays_one_bad_year(tmp_path):
    """A broken middle year fails once, as bad input (no failed notebook); the year after it is made without
    last year's figures and says so; exit 2 since every failure is bad input."""
    ds = synthetic.generate(tmp_path / "data", units=1, years=3, indicators=4, seed=8)
    unit = ds.units[0]
    first, bad, last = ds.years
    (ds.path(unit, bad) / "projects.csv").write_text('project,budget\n"unterminated,1\n', encoding="utf-8")
    out = tmp_path / "outputs"
    res = subprocess.run(
        CLI + ["run", "--all", "--data-dir", str(ds.root), "--output-dir", str(out), "--jobs", "2", "--to", "json"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert res.returncode == 2, res.stdout + res.stderr
    assert "Traceback" not in res.stderr + res.stdout
    failures = [line for line in res.stderr.splitlines() if line.startswith("✗")]
    assert failures == [f"✗ {unit}/{bad}: 输入数据有 1 处错误 / 1 error(s) in the input data"]  # once
    assert f"⚠ {unit}/{last}: {bad} 年数据有误" in res.stderr and "year-over-year figures are missing" in res.stderr
    assert "rerun" not in res.stdout and "2/3" in res.stdout
    assert (out / unit / str(first) / "summary.json").is_file() and (out / unit / str(last) / "summary.json").is_file()
    assert not list(out.rglob("*.failed.ipynb")) and not (out / unit / str(bad)).exists()
    rates = json.loads((out / unit / str(last) / "summary.json").read_text(encoding="utf-8"))["rates"]
    assert "budget_change" not in rates  # no year-over-year figure without a usable previous year
