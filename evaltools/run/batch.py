"""Many reports at once, in worker processes that each read and evaluate a year once and keep one kernel.

:func:`evaltools.run.plan.plan_jobs` lists the jobs; :func:`run_batch` runs them with an executor
chosen by name from :data:`evaltools.run.executors.EXECUTORS`. Each report runs through
:func:`evaltools.run.runner.run_report` in a worker process, with that worker's
:class:`~evaltools.run.session.Session` (the year loaded and evaluated once, each report its unit's slice; one
kernel from report to report), so nothing computed for the year is computed again per report; one failure never
stops the others:
a worker returns a :class:`~evaltools.run.jobs.BatchResult`, never an exception. Progress is
reported through ``on_done``; drawing it is the command line's business.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from evaltools import fmt
from evaltools.errors import ParamsError, visible
from evaltools.params import JobParams
from evaltools.report.exporters import get_document, order
from evaltools.run.executors import EXECUTORS, ExecutorOptions
from evaltools.run.jobs import BatchResult, Task


def exit_code(results: Iterable[BatchResult]) -> int:
    """0 when every report succeeded; 2 when every failure was an input (data or parameter) error; else 1."""
    failed = [r for r in results if not r.ok]
    if not failed:
        return 0
    return 2 if all(r.input_error for r in failed) else 1


def run_batch(
    jobs: Iterable[JobParams],
    jobs_n: int = 1,
    executor: str = "process",
    scheduler: str | None = None,
    *,
    notebook: str | Path | None = None,
    cwd: str | Path | None = None,
    on_done: Callable[[BatchResult], None] | None = None,
) -> list[BatchResult]:
    """Run a report for every job (a :class:`JobParams`, as :func:`evaltools.run.plan.plan_jobs` makes
    them); return their results in the order given (a job given twice runs once).

    ``executor`` names an entry of :data:`EXECUTORS`; ``jobs_n`` is how many reports run at once;
    ``scheduler`` is a Dask scheduler address (``tcp://host:8786``) for the ``dask`` executor.
    ``on_done(result)`` is called as each report finishes (in this process). Failures are results with
    ``ok=False``, not exceptions; only wrong arguments (an unknown executor …) raise ParamsError.
    """
    jobs = list(dict.fromkeys(jobs))
    if not all(isinstance(job, JobParams) for job in jobs):
        raise TypeError("run_batch takes JobParams (see evaltools.run.plan.plan_jobs)")
    run = EXECUTORS[executor]  # an unknown name raises ParamsError listing the executors
    if scheduler and executor != "dask":
        raise ParamsError("--scheduler is only used by the dask executor (add --executor dask)", key="scheduler")
    if int(jobs_n) < 1:
        raise ParamsError(f"jobs must be at least 1, found {jobs_n}", key="jobs")
    for formats in dict.fromkeys(job.formats for job in jobs):
        order(["ipynb", *formats])  # an unknown format fails once here, not once per report
    for name in dict.fromkeys(job.document for job in jobs):
        get_document(name)  # likewise an unknown document
    where = (str(Path(notebook).resolve()) if notebook else None, str(Path(cwd).resolve()) if cwd else None)
    tasks = [Task(job, *where) for job in jobs]
    if not tasks:
        return []
    return run(tasks, ExecutorOptions(int(jobs_n), scheduler), on_done or (lambda result: None))


def summary_table(results: Iterable[BatchResult], base: str | Path | None = None) -> object:
    """A rich table: unit, year, score, grade, time, and the output folder or the error."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="批量报告 / batch", show_lines=False)
    for name, justify in (
        ("单位 unit", "left"),
        ("年度", "right"),
        ("得分", "right"),
        ("等级", "left"),
        ("用时", "right"),
        ("输出 / 错误", "left"),
        ("备注 / note", "left"),
    ):
        table.add_column(name, justify=justify, overflow="fold")
    for r in results:
        where = r.output_dir or ""
        if base is not None and r.output_dir:
            try:
                where = os.path.relpath(r.output_dir, base)
            except ValueError:
                pass
        last = Text(visible(where)) if r.ok else Text("✗ " + visible(_brief(r.error)), style="red")
        table.add_row(
            Text(visible(r.unit or "—")),
            str(r.year),
            fmt.score(r.score) if r.ok else "—",
            Text(r.grade or "—"),
            f"{r.seconds:.1f} s",
            last,
            Text(_note(r), style="yellow"),
        )
    return table


def _note(r: BatchResult) -> str:
    """What else the reader should know about one report: a rerun, a warning."""
    notes = []
    if r.attempts > 1:
        notes.append(f"重跑 {r.attempts - 1} 次（工作进程丢失）/ rerun ×{r.attempts - 1}: its worker was lost")
    if len(r.warnings) > 2:  # listed in full below the table; the table only counts them
        notes.append(f"⚠ {len(r.warnings)} 个警告 / {len(r.warnings)} warnings (listed below)")
    else:
        notes += [f"⚠ {_brief(w, 80)}" for w in r.warnings]
    return "；".join(notes)


def _brief(error: str | None, limit: int = 160) -> str:
    """The error's first line, and for an input error its first problem, in at most ``limit`` characters."""
    lines = [x.strip() for x in (error or "").splitlines() if x.strip()]
    text = lines[0] if lines else ""
    if len(lines) > 1 and lines[1].startswith("- "):
        text += " " + lines[1]
    return text if len(text) <= limit else text[: limit - 1] + "…"


__all__ = ["run_batch", "exit_code", "summary_table", "BatchResult", "Task", "ExecutorOptions", "EXECUTORS"]
