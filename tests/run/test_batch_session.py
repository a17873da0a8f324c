"""A bureau's batch evaluates each year once and keeps one kernel per worker (issue 23 item 1), and its outputs
equal those of running each unit alone (issue 23, done-when): a small bureau of 4 units over 2 years, with one
unit's typo in 2022 (its report fails, alone) and another's in 2021 (its 2021 report fails; its 2022 report is
made without last year, with the warning) — every other report's files compared with the single run's."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pandas as pd
import pytest

from evaltools.data.load import load_year
from evaltools.run import session as sessions
from evaltools.run.batch import run_batch
from evaltools.run.plan import plan_jobs
from evaltools.run.runner import run_report
from evaltools.run.synthetic import generate_units, write_units
from evaltools.scoring import evaluation as evaluation_module
from evaltools.scoring.evaluation import evaluate

UNITS = [f"合成数据单位0000{i}" for i in range(4)]


def _typo(folder: Path, unit: str) -> None:
    """``unit``'s first project budget typed as 123x (projects.csv: 预算单位, 项目名称, …, the budget 6th)."""
    path = folder / "projects.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    row = next(i for i, line in enumerate(lines) if line.startswith(unit + ","))
    cells = lines[row].split(",")
    float(cells[5])  # the budget column, as written by write_units
    cells[5] = "123x"
    lines[row] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")


@pytest.fixture(scope="module")
def bureau(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bureau")
    for year, seed in ((2021, 3), (2022, 4)):
        write_units(generate_units(4, 4, seed=seed, year=year, projects_per_unit=2), root / "data" / str(year), "csv")
    _typo(root / "data" / "2022", UNITS[1])
    _typo(root / "data" / "2021", UNITS[2])
    return root


def _jobs(root: Path, out: str) -> list:
    values = {"data_dir": str(root / "data"), "output_dir": str(root / out), "formats": ["html", "xlsx", "json"]}
    return plan_jobs(values, every=True)


_VOLATILE = (
    (re.compile(r'id="cell-id=[0-9a-f-]+"'), 'id="cell-id"'),  # papermill's injected cell: a new id each run
    (re.compile(r" at 0x[0-9a-f]+"), " at 0x"),  # object addresses in text/plain reprs
)


def _html(path: Path) -> str:
    text = path.read_text(encoding="utf-8")
    for pattern, repl in _VOLATILE:
        text = pattern.sub(repl, text)
    return text


def _notebook(path: Path, out: Path) -> list:
    """The cells as a reader sees them: source, execution count, outputs (timestamps and ids left out; the output
    folder, which the parameters cell names, as OUT)."""
    nb = json.loads(path.read_text(encoding="utf-8").replace(json.dumps(str(out))[1:-1], "OUT"))
    cells = []
    for cell in nb["cells"]:
        outputs = json.loads(_html_text(json.dumps(cell.get("outputs", []), ensure_ascii=False)))
        cells.append((cell["cell_type"], cell["source"], cell.get("execution_count"), outputs))
    return cells


def _html_text(text: str) -> str:
    for pattern, repl in _VOLATILE:
        text = pattern.sub(repl, text)
    return text


def _xlsx(path: Path) -> dict:
    sheets = pd.read_excel(path, sheet_name=None, header=None)
    return {name: frame.astype(str).values.tolist() for name, frame in sheets.items()}


def _same_files(a: Path, b: Path) -> None:
    names = sorted(p.name for p in a.iterdir())
    assert names == sorted(p.name for p in b.iterdir())
    assert {"report.html", "report.ipynb", "自评表.xlsx", "summary.json"} <= set(names)
    for name in names:
        x, y = a / name, b / name
        if name.endswith(".html"):
            assert _html(x) == _html(y), name
        elif name.endswith(".ipynb"):
            assert _notebook(x, a.parent.parent) == _notebook(y, b.parent.parent), name
        elif name.endswith(".xlsx"):
            assert _xlsx(x) == _xlsx(y), name
        else:
            assert x.read_bytes() == y.read_bytes(), name


def test_a_bureau_batch_equals_each_unit_run_alone(bureau):
    batch = run_batch(_jobs(bureau, "batch"), jobs_n=2)
    alone = []
    for job in _jobs(bureau, "alone"):
        try:
            alone.append(run_report(job))
        except Exception as exc:  # noqa: BLE001 - a unit whose data has an error fails alone too
            alone.append(exc)
    assert len(batch) == len(alone) == 8
    failed = {(r.unit, r.year) for r in batch if not r.ok}
    assert failed == {(UNITS[1], 2022), (UNITS[2], 2021)}
    for result, single in zip(batch, alone):
        if not result.ok:
            assert isinstance(single, Exception) and "123x" in str(single) and "123x" in result.error
            continue
        assert result.score == pytest.approx(single.score, abs=0) and result.grade == single.grade
        assert set(result.warnings) == set(single.warnings) | set(single.notes)
        _same_files(Path(result.output_dir), single.output_dir)
    # the unit whose 2021 data has the typo: its 2022 report is made, without last year, and says so
    warned = next(r for r in batch if (r.unit, r.year) == (UNITS[2], 2022))
    assert warned.ok and any("2021" in w for w in warned.warnings)


def test_a_session_evaluates_each_year_once_and_each_slice_equals_the_unit_alone(bureau, monkeypatch):
    calls = []
    real = evaluation_module.evaluate_units
    monkeypatch.setattr(sessions, "evaluate_units", lambda data, rules: calls.append(len(data)) or real(data, rules))
    session = sessions.Session()
    try:
        for job in _jobs(bureau, "unused"):
            if (job.unit, job.year) in {(UNITS[1], 2022), (UNITS[2], 2021)}:
                continue
            ev, choice = session.report_evaluation(job)
            want = evaluate(load_year(job.year, job.data_dir, job.unit), choice.name)
            assert ev.total == want.total and ev.grade == want.grade
            for name in ("indicators", "projects", "rates", "findings", "composition"):
                got, exp = (getattr(e, name).reset_index(drop=True) for e in (ev, want))
                pd.testing.assert_frame_equal(got.astype(object), exp.astype(object), check_dtype=False, obj=name)
            assert ev.data.warnings == want.data.warnings
        # 2021 (3 units without errors) and 2022 (3 units; last year's 3 attached): once each
        assert calls == [3, 3]
    finally:
        session.close()
    assert not session.folder.exists()


def test_a_unit_whose_last_year_is_read_from_its_own_folder_is_evaluated_alone(bureau, tmp_path):
    """The year evaluated once has last year's many-unit folder; a unit with a 2021 folder of its own (one unit's
    layout) is given no last year by load_year (the layouts differ), so its slice of the whole — with last year's
    change rates — would differ: it is evaluated alone, as before."""
    root = tmp_path / "own"
    shutil.copytree(bureau / "data", root / "data")
    own = load_year(2021, root / "data", UNITS[0], with_previous=False)
    from evaltools.data.folder import write_folder

    write_folder(own, root / "data" / UNITS[0] / "2021")
    session = sessions.Session()
    try:
        job = next(j for j in _jobs(root, "out") if (j.unit, j.year) == (UNITS[0], 2022))
        ev, choice = session.report_evaluation(job)
        want = evaluate(load_year(2022, root / "data", UNITS[0]), choice.name)
        assert ev.data.previous is None and want.data.previous is None
        whole = session.evaluate_year(root / "data" / "2022", 2022, job.data_dir, choice.name)
        assert UNITS[0] in whole.ev.data.previous  # the whole year has last year, for this unit too
        assert (whole.ev.slice(UNITS[0]).rates["key"] == "spending_change").any()
        assert not (ev.rates["key"] == "spending_change").any()
        assert ev.total == want.total
        pd.testing.assert_frame_equal(
            ev.rates.reset_index(drop=True).astype(object), want.rates.reset_index(drop=True).astype(object)
        )
    finally:
        session.close()


def test_a_long_batch_without_a_terminal_says_its_progress_and_the_time_left(capsys):
    from evaltools.cli.console import BatchProgress
    from evaltools.run.jobs import BatchResult

    bar = BatchProgress(40, enabled=False)
    assert bar.line(95.0) == "报告 / reports 0/40（✗ 0），用时 / elapsed 1 分 35 秒，预计剩余 / left —"
    for i in range(8):
        bar.report(BatchResult(2022, f"u{i}", ok=i != 3))
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("报告 / reports 4/40（✗ 1）")  # at 4 and 8 of 40 (each tenth)
    bar.done, bar.failed = 10, 1
    assert bar.line(150.0) == "报告 / reports 10/40（✗ 1），用时 / elapsed 2 分 30 秒，预计剩余 / left 7 分 30 秒"
    assert BatchProgress(19, enabled=False).log is False  # a short batch stays quiet


def test_a_year_shared_with_a_worker_is_neither_read_nor_evaluated_there_again(bureau, monkeypatch):
    """The dask executor reads and evaluates each year once in the client and scatters it (Session.share → adopt):
    the worker's session then reads no file of that year and evaluates nothing, and gives the same evaluation."""
    jobs = [j for j in _jobs(bureau, "unused") if j.year == 2022 and j.unit != UNITS[1]]
    client = sessions.Session()
    try:
        shared = client.share(jobs)
        assert len(shared) == 1 and len(shared[0].years) == 1 and len(shared[0].reads) == 2  # 2022 and 2021
        import pickle

        shared = pickle.loads(pickle.dumps(shared))  # as it travels to a worker
        worker = sessions.Session()
        read, evaluated = [], []
        real_read = sessions.read_year
        monkeypatch.setattr(sessions, "read_year", lambda *a, **k: read.append(a) or real_read(*a, **k))
        monkeypatch.setattr(sessions, "evaluate_units", lambda *a: evaluated.append(a))
        worker.adopt(shared[0])
        for job in jobs:
            ev, choice = worker.report_evaluation(job)
            want, _ = client.report_evaluation(job)
            assert ev.total == want.total and len(ev.findings) == len(want.findings)
        assert read == [] and evaluated == []
        worker.close()
    finally:
        client.close()
