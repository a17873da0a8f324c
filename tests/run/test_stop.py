"""Stop means stop: a batch (`evaltools run --all`) sent Ctrl-C (SIGINT to its process group, as a terminal
does), SIGTERM, or whose process is killed outright (its workers' parent dies) ends every worker and kernel
within 5 s, leaves no staging folder, and the previous complete outputs stay as they were. Ctrl-C and
SIGTERM print one line (no traceback) and exit 130 / 143."""

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

from evaltools.run import synthetic

pytestmark = pytest.mark.slow
CLI = [sys.executable, "-m", "evaltools.cli"]
FORMATS = "html,json"


def _start(args: list[str], cwd: Path, **popen) -> subprocess.Popen:
    """``evaltools ARGS`` as a process whose output is kept as text."""
    return subprocess.Popen([*CLI, *args], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


def _batch(data: Path, out: Path, executor: str = "process", **popen) -> subprocess.Popen:
    args = ["run", "--all", "--data-dir", str(data), "--output-dir", str(out), "--jobs", "2", "--to", FORMATS]
    return _start([*args, "--no-index", "--no-progress", "--executor", executor], out.parent, **popen)


@pytest.fixture(scope="module")
def previous(tmp_path_factory):
    """2 units × 2 years of synthetic data and a complete earlier run of all four reports."""
    root = tmp_path_factory.mktemp("stop")
    ds = synthetic.generate(root / "data", units=2, years=2, indicators=4, seed=3)
    out = root / "outputs"
    proc = _batch(ds.root, out)
    _, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    return ds, out


def _snapshot(out: Path) -> dict[str, bytes]:
    return {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def _family(pid: int) -> list[psutil.Process]:
    try:
        return psutil.Process(pid).children(recursive=True)
    except psutil.NoSuchProcess:
        return []


def _kernels(pid: int) -> list[psutil.Process]:
    found = []
    for p in _family(pid):
        try:
            if "ipykernel" in " ".join(p.cmdline()):
                found.append(p)
        except psutil.Error:
            pass
    return found


def _running(p: psutil.Process) -> bool:
    try:
        return p.is_running() and p.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


def _wait_for_reports(proc: subprocess.Popen, out: Path) -> None:
    """Until two reports are being made: staging folders exist and kernels run."""
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"the batch ended (exit {proc.returncode}) before its reports started:\n{proc.stderr.read()}")
        if len(list(out.rglob(".tmp-run-*"))) >= 2 and len(_kernels(proc.pid)) >= 2:
            time.sleep(0.5)  # a few cells in
            return
        time.sleep(0.05)
    pytest.fail("the reports never started")


@pytest.mark.parametrize(
    "executor,how",
    [("process", "ctrl-c"), ("process", "sigterm"), ("process", "parent-killed"), ("dask", "ctrl-c")],
)
def test_stopping_a_batch(previous, tmp_path, executor, how):
    ds, earlier = previous
    out = tmp_path / "outputs"
    shutil.copytree(earlier, out)
    before = _snapshot(out)
    proc = _batch(ds.root, out, executor, start_new_session=True)  # its own process group, as in a terminal
    try:
        _wait_for_reports(proc, out)
        family = _family(proc.pid)
        kernels = _kernels(proc.pid)
        assert len(kernels) >= 2
        sent = time.monotonic()
        if how == "ctrl-c":
            os.killpg(proc.pid, signal.SIGINT)  # a terminal's Ctrl-C reaches the whole foreground group
        else:
            os.kill(proc.pid, signal.SIGTERM if how == "sigterm" else signal.SIGKILL)
        gone, alive = psutil.wait_procs(family, timeout=5 - (time.monotonic() - sent))
        survivors = [(p.pid, p.name()) for p in alive if _running(p)]
        out_text, err_text = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        for p in _family(proc.pid):
            p.kill()
    assert survivors == [], f"still running 5 s after the signal: {survivors}"
    assert all(not _running(k) for k in kernels)
    assert not list(out.rglob(".tmp-*")), "a staging folder was left"
    after = _snapshot(out)
    assert sorted(after) == sorted(before)  # no file added or lost; a report that finished meanwhile replaced
    for name, content in after.items():  # its files whole (json parses, html ends), the others are unchanged
        if content != before[name] and name.endswith(".json"):
            import json

            json.loads(content)
        elif content != before[name] and name.endswith(".html"):
            assert content.rstrip().endswith(b"</html>")
    if how == "parent-killed":
        assert proc.returncode == -signal.SIGKILL
        return
    assert proc.returncode == (130 if how == "ctrl-c" else 143), err_text
    text = out_text + err_text
    assert "Traceback" not in text and "Error" not in text.replace("error", ""), text
    lines = [line for line in err_text.splitlines() if line.strip() and "已中断" in line]
    assert len(lines) == 1 and "previous outputs unchanged" in lines[0], err_text
    assert ("Ctrl-C" if how == "ctrl-c" else "SIGTERM") in lines[0]


@pytest.fixture(scope="module")
def forms_bureau(tmp_path_factory):
    """600 filled-in forms (tests/formkit.py): enough for the forms audit to be stopped half way."""
    from tests.formkit import bureau

    root = tmp_path_factory.mktemp("stop-forms")
    bureau(root / "forms", n=600)
    return root / "forms"


def test_stopping_the_forms_audit(forms_bureau, tmp_path):
    """`evaltools audit DIR --jobs 2` sent Ctrl-C while its workers read forms: every worker ends within 5 s
    (queued chunks are dropped, not run), one line, exit 130, no findings written."""
    out = tmp_path / "findings"
    args = ["audit", str(forms_bureau), "--jobs", "2", "--output-dir", str(out), "--no-progress"]
    proc = _start(args, tmp_path, start_new_session=True)  # its own process group, as in a terminal
    try:
        deadline = time.monotonic() + 60
        while len(_family(proc.pid)) < 2 and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)  # the workers are reading
        assert proc.poll() is None, proc.communicate()
        family = _family(proc.pid)
        sent = time.monotonic()
        os.killpg(proc.pid, signal.SIGINT)
        _, alive = psutil.wait_procs(family, timeout=5)
        survivors = [(p.pid, p.name()) for p in alive if _running(p)]
        out_text, err_text = proc.communicate(timeout=30)
        waited = time.monotonic() - sent
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
    assert survivors == [], f"still running 5 s after Ctrl-C: {survivors}"
    assert proc.returncode == 130, err_text
    assert waited < 10, waited
    assert "Traceback" not in out_text + err_text
    assert len([line for line in err_text.splitlines() if "已中断" in line]) == 1, err_text
    assert not (out / "findings.csv").exists()
