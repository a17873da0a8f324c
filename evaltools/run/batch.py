"""Many reports at once, one process (and one kernel) each.

:func:`evaltools.run.plan.plan_jobs` lists the jobs; :func:`run_batch` runs them with an executor
chosen by name from :data:`evaltools.run.executors.EXECUTORS`. Each report runs through
:func:`evaltools.run.runner.run_report` in a worker process, so one failure never stops the others:
a worker returns a :class:`~evaltools.run.jobs.BatchResult`, never an exception. Progress is
reported through ``on_done``; drawing it is the command line's business.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from evaltools.errors import ParamsError
from evaltools.params import JobParams
from evaltools.report.exporters import order
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
    where = (str(Path(notebook).resolve()) if notebook else None, str(Path(cwd).resolve()) if cwd else None)
    tasks = [Task(job, *where) for job in jobs]
    if not tasks:
        return []
    return run(tasks, ExecutorOptions(int(jobs_n), scheduler), on_done or (lambda result: None))


__all__ = ["run_batch", "exit_code", "BatchResult", "Task", "ExecutorOptions", "EXECUTORS"]
