"""Nothing is lost: a run killed with SIGKILL, or one whose export fails, leaves the previous outputs
byte-identical, no partial file and (after the next run) no staging folder or orphan kernel."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from evaltools import RunError
from evaltools.params import job_params
from evaltools.report import exporters as export
from evaltools.run.runner import STAGING_PREFIX, run_report

pytestmark = pytest.mark.slow
FORMATS = ["html", "pdf", "xlsx", "json"]


@pytest.fixture(scope="module")
def previous(root, tmp_path_factory) -> Path:
    """A good run's outputs (outputs/2022/), made once; each test works on its own copy."""
    out = tmp_path_factory.mktemp("previous")
    result = run_report(job_params(dict(year=2022, data_dir=str(root / "data"), output_dir=str(out), formats=FORMATS)))
    return result.output_dir


@pytest.fixture()
def outputs(previous, tmp_path) -> Path:
    out = tmp_path / "outputs"
    shutil.copytree(previous, out / "2022")
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _alive(proc: psutil.Process) -> bool:
    try:
        return proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _in_group(pgid: int) -> list[psutil.Process]:
    found = []
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid and _alive(proc):
                found.append(proc)
        except (ProcessLookupError, psutil.NoSuchProcess):
            pass
    return found


def _wait_for(predicate, timeout: float, what: str, proc: subprocess.Popen):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        if proc.poll() is not None:
            out, err = proc.communicate()
            pytest.fail(f"the run ended (exit {proc.returncode}) before {what}:\n{out}\n{err}")
        time.sleep(0.02)
    pytest.fail(f"timed out waiting for {what}")


def _start_run(root: Path, outputs: Path, formats: str) -> subprocess.Popen:
    """``evaltools run 2022`` of the copied data into ``outputs``, in its own process group (killed as a whole)."""
    args = [sys.executable, "-m", "evaltools.cli", "run", "2022", "--data-dir", str(root / "data")]
    return subprocess.Popen(
        [*args, "--output-dir", str(outputs), "--to", formats],
        cwd=root,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )


def _staging(out: Path, pid: int) -> list[Path]:
    return list(out.glob(f"{STAGING_PREFIX}{pid}-*"))


@pytest.mark.parametrize("kill_when", ["executing", "exporting"])
def test_sigkill_keeps_previous_outputs(root, outputs, kill_when):
    """Kill the whole process group while the notebook runs (staging holds report.ipynb) or while the
    PDF is made (staging holds report.html); nothing in outputs/2022 may change."""
    before = _snapshot(outputs / "2022")
    proc = _start_run(root, outputs, ",".join(FORMATS))
    try:
        stage = _wait_for(lambda: _staging(outputs, proc.pid), 60, "the staging folder", proc)[0]
        marker = "report.ipynb" if kill_when == "executing" else "report.html"
        _wait_for(lambda: (stage / marker).exists(), 60, f"{marker} in the staging folder", proc)
        if kill_when == "executing":
            time.sleep(0.3)  # a few cells in; the notebook takes about 2 s more
        family = psutil.Process(proc.pid).children(recursive=True)  # the kernel, in a session of its own
        if kill_when == "executing":
            assert any("ipykernel" in " ".join(p.cmdline()) for p in family), [p.cmdline() for p in family]
        else:
            # the kernel is shut down once the notebook has run (the PDF is printed in a process of the run's group)
            assert [p for p in family if _alive(p) and "ipykernel" in " ".join(p.cmdline())] == []
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    # the previous outputs: the same files, byte for byte, and nothing else (no partial or temporary file)
    assert _snapshot(outputs / "2022") == before
    assert not [p.name for p in (outputs / "2022").iterdir() if p.name.startswith(".tmp")]
    # at most the killed run's staging: its kernel (in a session of its own) removes it once it sees its parent
    # gone (within about 0.1 s), so on a busy machine it may already be gone here
    assert [p.name for p in outputs.iterdir() if p.name != "2022"] in ([stage.name], [])

    # no process of the killed group survives, and its kernel exits too (it polls for its parent, about 1 s)
    gone, alive = psutil.wait_procs(family, timeout=10)
    survivors = [(p.pid, p.cmdline()) for p in alive + _in_group(proc.pid) if _alive(p)]
    for p in alive + _in_group(proc.pid):
        p.kill()  # do not leave them behind even when the test fails
    assert survivors == []

    # the next run succeeds, replaces the outputs and removes the dead run's staging folder
    result = run_report(
        job_params(dict(year=2022, data_dir=str(root / "data"), output_dir=str(outputs), formats=["html", "json"]))
    )
    assert result.output_dir == (outputs / "2022").resolve()
    assert not stage.exists()
    assert [p.name for p in outputs.iterdir()] == ["2022"]
    after = _snapshot(outputs / "2022")
    # every output comes from this run (issue 24 item 3): the formats not asked for, left by the earlier run, are
    # removed and said; the ones asked for are made again
    assert sorted(after) == sorted(set(before) - {"report.pdf", "自评表.xlsx"})
    assert [n for n in result.notes if "已删除" in n] == [
        f"已删除上次运行留下的 {name}（本次未要求此格式）/ removed {name} left by an earlier run"
        for name in ("report.pdf", "自评表.xlsx")
    ]
    assert after["report.ipynb"] != before["report.ipynb"]  # executed again


def test_staging_of_a_live_run_is_kept(outputs, root):
    """_clean_stale removes only staging folders whose process is gone."""
    live = outputs / f"{STAGING_PREFIX}{os.getpid()}-keep"
    dead_pid = _dead_pid()
    dead = outputs / f"{STAGING_PREFIX}{dead_pid}-gone"
    odd = outputs / f"{STAGING_PREFIX}notapid"
    for folder in (live, dead, odd):
        folder.mkdir()
        (folder / "report.html").write_text("half")
    from evaltools.run.runner import _clean_stale

    _clean_stale(outputs)
    assert live.exists() and odd.exists() and not dead.exists()


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


class Boom(RuntimeError):
    pass


def test_failing_exporter_keeps_previous_outputs(root, outputs, monkeypatch):
    def boom(nb, ev, done):
        assert "html" in done  # it runs after the other formats were made
        raise Boom("the PDF printer broke")

    monkeypatch.setitem(export.EXPORTERS._items, "pdf", export.Exporter("pdf", "report.pdf", boom, ("html",)))
    before = _snapshot(outputs / "2022")
    children = {p.pid for p in psutil.Process().children(recursive=True)}
    with pytest.raises(RunError, match="exporting pdf failed: Boom: the PDF printer broke") as info:
        run_report(job_params(dict(year=2022, data_dir=str(root / "data"), output_dir=str(outputs), formats=FORMATS)))
    assert isinstance(info.value.__cause__, Boom)
    assert _snapshot(outputs / "2022") == before
    assert [p.name for p in outputs.iterdir()] == ["2022"]  # no staging folder left
    time.sleep(0.2)
    new = [p for p in psutil.Process().children(recursive=True) if p.pid not in children and _alive(p)]
    assert new == [], [(p.pid, p.cmdline()) for p in new]  # its kernel was shut down


def test_sigterm_while_executing_is_one_line(root, outputs):
    """SIGTERM while the kernel runs a cell: the stop line and exit 143, and no asyncio traceback of the killed
    kernel's cell after it ("Task exception was never retrieved … DeadKernelError", issue 22 item 5)."""
    before = _snapshot(outputs / "2022")
    proc = _start_run(root, outputs, "html")
    try:
        stage = _wait_for(lambda: _staging(outputs, proc.pid), 60, "the staging folder", proc)[0]
        _wait_for(lambda: (stage / "report.ipynb").exists(), 60, "report.ipynb in the staging folder", proc)
        time.sleep(1.0)  # cells are running (the notebook takes about 2 s more)
        os.kill(proc.pid, signal.SIGTERM)
        out, err = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 128 + signal.SIGTERM, err
    assert err.strip().splitlines() == ["已中断 / stopped (SIGTERM); 原有输出未改动 / previous outputs unchanged"]
    assert "Traceback" not in out + err and "DeadKernelError" not in err
    assert _snapshot(outputs / "2022") == before


def _abandon_dead_kernel_task() -> None:
    """A task that failed with DeadKernelError and that nobody awaited, collected (as at exit after a stop)."""
    import asyncio
    import gc

    from nbclient.exceptions import DeadKernelError

    async def cell():
        raise DeadKernelError("Kernel died")

    loop = asyncio.new_event_loop()
    task = loop.create_task(cell())
    loop.run_until_complete(asyncio.sleep(0))
    loop.close()
    del task
    gc.collect()


def test_a_stop_silences_abandoned_kernel_tasks(caplog):
    """The mechanism of the test above, deterministic: asyncio logs an abandoned DeadKernelError until the CLI's
    stop handler (via evaltools.run.stop.quiet_abandoned_tasks) has run, and nothing after."""
    import logging

    from evaltools.cli import _stopped
    from evaltools.errors import Stopped

    logger = logging.getLogger("asyncio")
    level = logger.level
    try:
        with caplog.at_level(logging.ERROR, logger="asyncio"):
            _abandon_dead_kernel_task()
            assert "Task exception was never retrieved" in caplog.text
            caplog.clear()
            with pytest.raises(Exception) as stopped:  # typer.Exit(143)
                _stopped(Stopped(signal.SIGTERM))
            assert stopped.value.exit_code == 143
            _abandon_dead_kernel_task()
            assert "never retrieved" not in caplog.text and "DeadKernelError" not in caplog.text
    finally:
        logger.setLevel(level)
