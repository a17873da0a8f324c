"""No leaks, and lost workers told: 60 reports through one long-lived dask worker under a small descriptor
limit keep a flat descriptor count (each report's kernel client is closed), and a dask worker killed while
it makes a report has that report rerun elsewhere — said in its result and in the closing table."""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import pytest

from evaltools.run import synthetic
from evaltools.run.batch import run_batch
from evaltools.run.plan import plan_jobs

pytestmark = pytest.mark.slow
REPORTS = 60
FD_LIMIT = 256  # a report used to leave ~14 descriptors open: 60 reports would have needed ~900


def tiny_notebook(path: Path) -> Path:
    """A report notebook that only takes its parameters: the cost of a report is its kernel, what leaked."""
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell("params = {}")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("answer = 42")]
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.write(nb, path)
    return path


@pytest.fixture(scope="module")
def many_units(tmp_path_factory):
    """One synthetic unit-year, seen as 60 units (symbolic links): 60 reports to make."""
    root = tmp_path_factory.mktemp("leaks")
    ds = synthetic.generate(root / "one", units=1, years=1, indicators=3, seed=9, start_year=2022)
    data = root / "data"
    for i in range(REPORTS):
        (data / f"u{i:02d}").mkdir(parents=True)
        (data / f"u{i:02d}" / "2022").symlink_to(ds.path(ds.units[0], 2022), target_is_directory=True)
    return root, data, tiny_notebook(root / "tiny.ipynb")


SCRIPT = """
import json, sys
from evaltools.run.batch import run_batch
from evaltools.run.plan import plan_jobs
data, out, notebook = sys.argv[1:4]
units = [f"u{i:02d}" for i in range(int(sys.argv[4]))]
jobs = plan_jobs({"data_dir": data, "output_dir": out, "formats": ["json"]}, years=[2022], units=units)
results = run_batch(jobs, jobs_n=1, executor="dask", notebook=notebook)
print(json.dumps([[r.ok, r.open_files, r.worker, r.error] for r in results]))
"""


def _limit_descriptors() -> None:
    resource.setrlimit(resource.RLIMIT_NOFILE, (FD_LIMIT, FD_LIMIT))


def test_sixty_reports_through_one_dask_worker_keep_descriptors_flat(many_units):
    root, data, notebook = many_units
    res = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(data), str(root / "out"), str(notebook), str(REPORTS)],
        capture_output=True,
        text=True,
        timeout=900,
        preexec_fn=_limit_descriptors,
        cwd=root,
    )
    assert res.returncode == 0, res.stderr[-3000:]
    results = json.loads(res.stdout.strip().splitlines()[-1])
    assert [r[0] for r in results] == [True] * REPORTS, [r[3] for r in results if not r[0]][:3]
    assert len({r[2] for r in results}) == 1  # one long-lived worker made all of them
    counts = [r[1] for r in results]
    assert counts[0] > 0 and max(counts[5:]) - min(counts[5:]) <= 2, counts  # flat, not ~14 more a report


def test_a_lost_dask_worker_is_rerun_and_said(many_units, tmp_path):
    from evaltools.run.batch import summary_table

    _, data, notebook = many_units
    out = tmp_path / "out"
    killed: list[int] = []

    def kill_first_worker() -> None:  # SIGKILL the worker of the first report seen running
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not killed:
            for stage in out.glob("*/.tmp-run-*"):
                pid = int(stage.name.split("-")[2])
                if pid != os.getpid():
                    os.kill(pid, signal.SIGKILL)
                    killed.append(pid)
                    return
            time.sleep(0.05)

    watcher = threading.Thread(target=kill_first_worker, daemon=True)
    watcher.start()
    units = [f"u{i:02d}" for i in range(4)]
    jobs = plan_jobs({"data_dir": str(data), "output_dir": str(out), "formats": ["json"]}, years=[2022], units=units)
    results = run_batch(jobs, jobs_n=2, executor="dask", notebook=notebook)
    watcher.join(timeout=5)
    assert killed, "no worker was killed"
    assert [r.ok for r in results] == [True] * 4, [r.error for r in results]
    rerun = [r for r in results if r.attempts > 1]
    assert len(rerun) == 1 and rerun[0].attempts == 2
    assert not list(out.rglob(".tmp-*"))
    from rich.console import Console

    console = Console(width=250, record=True)
    console.print(summary_table(results, out))
    table = console.export_text()
    assert "rerun ×1" in table and "its worker was lost" in table
