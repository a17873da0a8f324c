"""One report of a batch, as a worker runs it: the :class:`Task` it is given and the
:class:`BatchResult` it returns — plain, picklable values (the error already formatted as text),
never an exception object that might not pickle."""

from __future__ import annotations

import contextlib
import gc
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from evaltools.data.discover import Job, label
from evaltools.errors import EvaltoolsError
from evaltools.params import JobParams
from evaltools.run import session
from evaltools.run.runner import ROOT, output_dir, run_report


@dataclass(frozen=True)
class Task:
    """One report with everything a worker needs: its resolved parameters, carried as themselves."""

    params: JobParams
    notebook: str | None
    cwd: str | None
    #: Where each start of this task leaves a mark (executors that may rerun a task: dask), and its key there.
    attempts_dir: str | None = None
    key: str = ""

    @property
    def job(self) -> Job:
        return (self.params.unit, self.params.year)

    def args(self) -> tuple:
        return (self.params, self.notebook, self.cwd, self.attempts_dir, self.key)


@dataclass(frozen=True)
class BatchResult:
    """The outcome of one report: plain values only, so that it crosses process boundaries."""

    year: int
    unit: str | None
    ok: bool
    score: float | None = None
    grade: str | None = None
    seconds: float = 0.0
    output_dir: str | None = None
    error: str | None = None
    exit_code: int = 0
    files: tuple[str, ...] = ()
    worker: str = ""
    #: What the reader should know about a report that was made (a previous year left out …).
    warnings: tuple[str, ...] = ()
    #: How many times the report was started (more than 1: rerun after its worker was lost).
    attempts: int = 1
    #: File descriptors open in the worker when the report ended (-1 where it cannot be told).
    open_files: int = -1

    @property
    def label(self) -> str:
        return label(self.unit, self.year)

    @property
    def input_error(self) -> bool:
        """A failure caused by the data or the parameters (exit code 2), not by running the report."""
        return not self.ok and self.exit_code == 2


def _open_files() -> int:
    """Descriptors open in this process once the report's garbage is gone (a worker that runs tasks in fresh
    contexts, as dask does, leaves jupyter's per-context event loop behind each time: collected here)."""
    gc.collect()
    try:
        return len(os.listdir("/proc/self/fd"))
    except OSError:
        return -1


def _attempt(attempts_dir: str | None, key: str) -> Callable[[], int]:
    """Mark this start of a task; returns a function counting the starts so far."""
    if not attempts_dir:
        return lambda: 1
    folder = Path(attempts_dir)
    with contextlib.suppress(OSError):
        (folder / f"{key}.{os.getpid()}.{time.time_ns()}").touch()
    return lambda: max(1, len(list(folder.glob(f"{key}.*"))))


def run_job(
    params: JobParams,
    notebook: str | None = None,
    cwd: str | None = None,
    attempts_dir: str | None = None,
    key: str = "",
) -> BatchResult:
    """Run one report and return its :class:`BatchResult`; never raises for a failed report.

    Module-level so that every executor can pickle it by reference. The error text is formatted
    here, in the worker: exception objects (with their tracebacks and causes) stay in the worker.
    """
    started = time.perf_counter()
    worker = f"{os.uname().nodename if hasattr(os, 'uname') else ''}:{os.getpid()}"
    attempts = _attempt(attempts_dir, key)
    year, unit = params.year, params.unit
    try:
        result = run_report(
            params,
            notebook=Path(notebook) if notebook else None,
            cwd=Path(cwd) if cwd else ROOT,
            session=session.current(),  # the worker's: each file read, each year evaluated, one kernel, once
        )
        return BatchResult(
            year,
            unit,
            True,
            None if result.score is None else float(result.score),
            None if result.grade is None else str(result.grade),
            time.perf_counter() - started,
            str(result.output_dir),
            files=tuple(str(f) for f in result.files),
            worker=worker,
            warnings=(*result.warnings, *result.notes),
            attempts=attempts(),
            open_files=_open_files(),
        )
    except EvaltoolsError as exc:
        message, code = str(exc), int(getattr(exc, "exit_code", 1))
    except Exception as exc:  # noqa: BLE001 - an internal error in one report must not stop the batch
        message, code = f"内部错误 / internal error: {type(exc).__name__}: {exc}", 1
    return BatchResult(
        year,
        unit,
        False,
        seconds=time.perf_counter() - started,
        error=message,
        exit_code=code,
        output_dir=task_output_dir(params),
        worker=worker,
        attempts=attempts(),
        open_files=_open_files(),
    )


def task_output_dir(params: JobParams) -> str | None:
    """The report's output folder, or None when its unit's name is not a safe folder name."""
    try:
        return str(output_dir(params))
    except Exception:  # noqa: BLE001 - an unsafe unit name has no output folder
        return None


def failed(job: Job, message: str, seconds: float = 0.0, attempts: int = 1) -> BatchResult:
    """A failed result for ``job`` that never reached its worker (a crash, a lost task)."""
    unit, year = job
    return BatchResult(year, unit, False, seconds=seconds, error=message, exit_code=1, attempts=attempts)
