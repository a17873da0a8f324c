"""Many reports at once: find every unit and year under ``data/`` and run them, one process each.

:func:`discover` lists the jobs; :func:`run_batch` runs them with an executor chosen by name from
:data:`EXECUTORS` (a registry, as :mod:`evaltools.export`): ``process`` (a process pool; the
default), ``dask`` (dask.distributed: a local cluster, or a scheduler's address) or ``serial`` (in
this process, for debugging). Each report runs through :func:`evaltools.runner.run_report` in a
worker process — papermill then starts the report's own kernel — so one failure never stops the
others: a worker returns a :class:`BatchResult` (plain, picklable values; the error already
formatted as text), never an exception object that might not pickle.
"""
from __future__ import annotations

import multiprocessing
import os
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Sequence

from .errors import EvaltoolsError, ParamsError
from .params import JobParams, job_params, job_to_dict

Job = tuple["str | None", int]


# ----------------------------------------------------------------------------- finding the jobs

def _year_of(path: Path) -> int | None:
    """The year a data entry holds: a folder ``2022/`` or a workbook ``2022.xlsx``; else None."""
    if path.name.startswith((".", "~$")):
        return None
    if path.is_dir() and path.name.isdigit():
        return int(path.name)
    if path.is_file() and path.suffix.lower() == ".xlsx" and path.stem.isdigit():
        return int(path.stem)
    return None


def discover(data_dir: str | Path = "data") -> list[Job]:
    """Every (unit, year) under ``data_dir``, sorted (years without a unit first).

    ``data/<year>/`` and ``data/<year>.xlsx`` give ``(None, year)``; ``data/<unit>/<year>/`` and
    ``data/<unit>/<year>.xlsx`` give ``(unit, year)``, where a unit folder is any folder whose name
    is not all digits and that holds at least one year. A year present as both folder and workbook
    is listed once (the folder is what :func:`evaltools.load.find_source` reads).
    """
    root = Path(data_dir)
    if not root.is_dir():
        raise ParamsError(f"数据目录不存在 / data folder {root} does not exist", key="data_dir")
    jobs: set[Job] = set()
    for entry in root.iterdir():
        year = _year_of(entry)
        if year is not None:
            jobs.add((None, year))
        elif entry.is_dir() and not entry.name.startswith((".", "_")):
            for sub in entry.iterdir():
                year = _year_of(sub)
                if year is not None:
                    jobs.add((entry.name, year))
    return sorted(jobs, key=_job_key)


def _job_key(job: Job):
    unit, year = job
    return (unit is not None, unit or "", year)


def label(unit: str | None, year: int) -> str:
    return f"{unit}/{year}" if unit else str(year)


# ----------------------------------------------------------------------------- one job, in a worker

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

    @property
    def label(self) -> str:
        return label(self.unit, self.year)

    @property
    def input_error(self) -> bool:
        """A failure caused by the data or the parameters (exit code 2), not by running the report."""
        return not self.ok and self.exit_code == 2


def run_job(unit: str | None, year: int, params: dict, notebook: str | None = None,
            cwd: str | None = None) -> BatchResult:
    """Run one report and return its :class:`BatchResult`; never raises for a failed report.

    Module-level so that every executor can pickle it by reference. The error text is formatted
    here, in the worker: exception objects (with their tracebacks and causes) stay in the worker.
    """
    from .runner import NOTEBOOK, ROOT, run_report

    started = time.perf_counter()
    worker = f"{os.uname().nodename if hasattr(os, 'uname') else ''}:{os.getpid()}"
    try:
        job = job_params({**params, "year": year, "unit": unit}, source="batch")
        result = run_report(job, notebook=Path(notebook) if notebook else NOTEBOOK, cwd=Path(cwd) if cwd else ROOT)
        score = None if result.score is None else float(result.score)
        return BatchResult(year, unit, True, score, None if result.grade is None else str(result.grade),
                           time.perf_counter() - started, str(result.output_dir), None, 0,
                           tuple(str(f) for f in result.files), worker)
    except EvaltoolsError as exc:
        return BatchResult(year, unit, False, seconds=time.perf_counter() - started, error=str(exc),
                           exit_code=int(getattr(exc, "exit_code", 1)), output_dir=_output_dir_or_none(params, unit, year),
                           worker=worker)
    except Exception as exc:  # noqa: BLE001 - an internal error in one report must not stop the batch
        return BatchResult(year, unit, False, seconds=time.perf_counter() - started,
                           error=f"内部错误 / internal error: {type(exc).__name__}: {exc}", exit_code=1,
                           output_dir=_output_dir_or_none(params, unit, year), worker=worker)


def _output_dir_or_none(params: dict, unit, year) -> str | None:
    try:
        from .runner import output_dir

        return str(output_dir(job_params({**params, "year": year, "unit": unit})))
    except Exception:  # noqa: BLE001 - an unsafe unit name has no output folder
        return None


def _failed(job: Job, message: str, seconds: float = 0.0) -> BatchResult:
    unit, year = job
    return BatchResult(year, unit, False, seconds=seconds, error=message, exit_code=1)


# ----------------------------------------------------------------------------- executors

@dataclass(frozen=True)
class Task:
    """One job with everything a worker needs, as plain values."""

    unit: str | None
    year: int
    params: dict
    notebook: str | None
    cwd: str | None

    @property
    def job(self) -> Job:
        return (self.unit, self.year)

    def args(self) -> tuple:
        return (self.unit, self.year, self.params, self.notebook, self.cwd)


@dataclass(frozen=True)
class ExecutorOptions:
    jobs_n: int = 1
    scheduler: str | None = None


#: ``fn(tasks, options, on_done) -> results`` by name; ``on_done(result)`` is called as each finishes.
#: Reports one worker process runs before it is replaced: jupyter_client leaves ~14 file descriptors
#: open per kernel it is handed, so a worker is recycled long before any descriptor limit.
TASKS_PER_WORKER = 50
ExecutorFn = Callable[[Sequence[Task], ExecutorOptions, Callable[[BatchResult], None]], list[BatchResult]]
EXECUTORS: dict[str, ExecutorFn] = {}


def executor(name: str):
    """Register an executor under ``name``, e.g. ``@executor("process")``."""
    def register(fn: ExecutorFn) -> ExecutorFn:
        EXECUTORS[name] = fn
        return fn
    return register


@executor("serial")
def _serial(tasks, options, on_done):
    """One after another in this process (for debugging: breakpoints and prints work)."""
    out = []
    for task in tasks:
        result = run_job(*task.args())
        on_done(result)
        out.append(result)
    return out


def _mp_context():
    """``forkserver`` where available (Linux), else ``spawn``: never plain fork, which would copy this
    process's threads and open sockets into the worker."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _in_own_process(task: Task) -> BatchResult:
    """Run one task in a pool of its own (used after a crash, to tell the culprit from its neighbours)."""
    started = time.perf_counter()
    try:
        with ProcessPoolExecutor(max_workers=1, mp_context=_mp_context()) as pool:
            return pool.submit(run_job, *task.args()).result()
    except BrokenProcessPool:
        return _failed(task.job, "工作进程异常退出 / the worker process died while running this report "
                       "(killed, out of memory or crashed in native code)", time.perf_counter() - started)
    except Exception as exc:  # noqa: BLE001 - e.g. a task that could not be pickled
        return _failed(task.job, f"{type(exc).__name__}: {exc}", time.perf_counter() - started)


@executor("process")
def _process(tasks, options, on_done):
    """A :class:`~concurrent.futures.ProcessPoolExecutor` of ``jobs_n`` workers (forkserver or spawn).

    Workers are reused from one report to the next (their imports stay warm); every report still
    gets a new kernel. A worker that dies (killed, out of memory, a crash in native code) breaks the
    whole pool: the reports it took down are then run again, each in a process of its own (still
    ``jobs_n`` at a time), so a crash costs only the report that caused it.
    """
    from concurrent.futures import ThreadPoolExecutor

    results: dict[int, BatchResult] = {}
    broken: list[int] = []
    pool = ProcessPoolExecutor(max_workers=max(1, min(options.jobs_n, len(tasks))), mp_context=_mp_context(),
                               max_tasks_per_child=TASKS_PER_WORKER)
    try:
        futures = {pool.submit(run_job, *task.args()): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                broken.append(i)
                continue
            except Exception as exc:  # noqa: BLE001 - e.g. a task that could not be pickled
                result = _failed(tasks[i].job, f"{type(exc).__name__}: {exc}")
            results[i] = result
            on_done(result)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    if broken:
        with ThreadPoolExecutor(max_workers=max(1, options.jobs_n)) as threads:
            retry = {threads.submit(_in_own_process, tasks[i]): i for i in sorted(broken)}
            for future in as_completed(retry):
                result = future.result()
                results[retry[future]] = result
                on_done(result)
    return [results[i] for i in range(len(tasks))]


@executor("dask")
def _dask(tasks, options, on_done):
    """dask.distributed: ``Client(LocalCluster(n_workers=jobs_n, threads_per_worker=1, processes=True))``,
    or ``Client(scheduler)`` when a scheduler address is given (its workers must be able to import
    evaltools and see the data and output folders at the same paths)."""
    import logging

    try:
        from dask.distributed import Client, LocalCluster
        from dask.distributed import as_completed as dask_completed
    except ImportError as exc:  # pragma: no cover - dask[distributed] is a dependency
        raise ParamsError(f"the dask executor needs dask[distributed]: {exc}", key="executor") from None

    cluster = None
    try:
        if options.scheduler:
            client = Client(options.scheduler, timeout="30s")
        else:
            cluster = LocalCluster(n_workers=max(1, options.jobs_n), threads_per_worker=1, processes=True,
                                   dashboard_address=None, silence_logs=logging.ERROR)
            client = Client(cluster)
    except OSError as exc:
        raise ParamsError(f"无法连接 Dask 调度器 / cannot reach the Dask scheduler {options.scheduler}: {exc}",
                          key="scheduler") from None
    results: dict[int, BatchResult] = {}
    try:
        stamp = f"{os.getpid()}-{time.time_ns()}"
        futures = {}
        for i, task in enumerate(tasks):
            key = f"evaltools-report-{i}-{stamp}"
            futures[client.submit(run_job, *task.args(), key=key, pure=False, retries=0)] = i
        for future in dask_completed(list(futures)):
            i = futures[future]
            try:
                result = future.result()
            except Exception as exc:  # noqa: BLE001 - a worker that died (KilledWorker) or a lost task
                result = _failed(tasks[i].job, f"Dask: {type(exc).__name__}: {exc}")
            results[i] = result
            on_done(result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return [results[i] for i in range(len(tasks))]


# ----------------------------------------------------------------------------- progress and summary

class _Progress:
    """A rich progress bar: done / failed / remaining (silent when not on a terminal)."""

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.failed = total, 0, 0
        self.bar = None
        if enabled and total:
            from rich.console import Console
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

            self.bar = Progress(TextColumn("[bold]报告[/bold]"), BarColumn(), MofNCompleteColumn(),
                                TextColumn("{task.description}"), TimeElapsedColumn(),
                                console=Console(stderr=True), transient=False)
            self.task = self.bar.add_task(self._text(), total=total)

    def _text(self) -> str:
        remaining = self.total - self.done
        return (f"[green]✓ {self.done - self.failed}[/green] [red]✗ {self.failed}[/red] "
                f"剩余 remaining {remaining}")

    def __enter__(self):
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()

    def advance(self, result: BatchResult) -> None:
        self.done += 1
        self.failed += not result.ok
        if self.bar is not None:
            self.bar.update(self.task, advance=1, description=self._text())


def _console(stderr: bool = False):
    from rich.console import Console

    interactive = (sys.stderr if stderr else sys.stdout).isatty()
    return Console(stderr=stderr, width=None if interactive else max(120, int(os.environ.get("COLUMNS", 0) or 0)),
                   highlight=False)


def summary_table(results: Iterable[BatchResult], base: str | Path | None = None):
    """A rich table: unit, year, score, grade, time, and the output folder or the error."""
    from rich.table import Table
    from rich.text import Text

    from . import fmt

    table = Table(title="批量报告 / batch", show_lines=False)
    for name, justify in (("单位 unit", "left"), ("年度", "right"), ("得分", "right"), ("等级", "left"),
                          ("用时", "right"), ("输出 / 错误", "left")):
        table.add_column(name, justify=justify, overflow="fold")
    for r in results:
        where = r.output_dir or ""
        if base is not None and r.output_dir:
            try:
                where = os.path.relpath(r.output_dir, base)
            except ValueError:
                pass
        last = Text(where) if r.ok else Text("✗ " + _brief(r.error), style="red")
        table.add_row(Text(r.unit or "—"), str(r.year), fmt.score(r.score) if r.ok else "—", Text(r.grade or "—"),
                      f"{r.seconds:.1f} s", last)
    return table


def _brief(error: str | None, limit: int = 160) -> str:
    """The error's first line, and for an input error its first problem, in at most ``limit`` characters."""
    lines = [x.strip() for x in (error or "").splitlines() if x.strip()]
    text = lines[0] if lines else ""
    if len(lines) > 1 and lines[1].startswith("- "):
        text += " " + lines[1]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def exit_code(results: Iterable[BatchResult]) -> int:
    """0 when every report succeeded; 2 when every failure was an input (data or parameter) error; else 1."""
    failed = [r for r in results if not r.ok]
    if not failed:
        return 0
    return 2 if all(r.input_error for r in failed) else 1


# ----------------------------------------------------------------------------- running

def _absolute(params: JobParams) -> dict:
    """The job's parameters with data and output folders made absolute: workers (and the report's
    kernel, which runs in the repository) must not depend on this process's working directory."""
    values = job_to_dict(params)
    values["data_dir"] = str(Path(params.data_dir).expanduser().resolve())
    values["output_dir"] = str(Path(params.output_dir).expanduser().resolve())
    return values


def run_batch(jobs: Iterable[Job], base_params: JobParams | dict | None = None, jobs_n: int = 1,
              executor: str = "process", scheduler: str | None = None, progress: bool = True, *,
              notebook: str | Path | None = None, cwd: str | Path | None = None,
              on_done: Callable[[BatchResult], None] | None = None) -> list[BatchResult]:
    """Run a report for every (unit, year) in ``jobs``; return their results in the order given.

    ``base_params`` holds everything but year and unit (rules, data and output folders, formats).
    ``executor`` names an entry of :data:`EXECUTORS`; ``jobs_n`` is how many reports run at once;
    ``scheduler`` is a Dask scheduler address (``tcp://host:8786``) for the ``dask`` executor.
    A progress bar shows on a terminal unless ``progress`` is False. Failures are results with
    ``ok=False``, not exceptions; only wrong arguments (an unknown executor …) raise ParamsError.
    """
    jobs = list(dict.fromkeys((u, int(y)) for u, y in jobs))
    if executor not in EXECUTORS:
        raise ParamsError(f"未知的执行器 / unknown executor {executor!r}; available: {', '.join(EXECUTORS)}",
                          key="executor")
    if scheduler and executor != "dask":
        raise ParamsError("--scheduler is only used by the dask executor (add --executor dask)", key="scheduler")
    if int(jobs_n) < 1:
        raise ParamsError(f"jobs must be at least 1, found {jobs_n}", key="jobs")
    if isinstance(base_params, JobParams):
        base = base_params
    else:
        base = job_params(dict(base_params or {}), source="batch parameters")
    from .export import order

    order(["ipynb", *base.formats])  # an unknown format fails once here, not once per report
    params = _absolute(base)
    params.pop("year", None)
    params.pop("unit", None)
    tasks = [Task(u, y, params, str(Path(notebook).resolve()) if notebook else None,
                  str(Path(cwd).resolve()) if cwd else None) for u, y in jobs]
    if not tasks:
        return []
    enabled = progress and sys.stderr.isatty()
    with _Progress(len(tasks), enabled) as bar:
        def done(result: BatchResult) -> None:
            bar.advance(result)
            if on_done is not None:
                on_done(result)

        return EXECUTORS[executor](tasks, ExecutorOptions(int(jobs_n), scheduler), done)


def print_summary(results: Sequence[BatchResult], output_dir: str | Path | None = None, console=None,
                  errors_to=None) -> None:
    """The closing table on stdout, then every failure in full on stderr (no tracebacks)."""
    console = console or _console()
    console.print(summary_table(results, output_dir))
    ok = sum(r.ok for r in results)
    console.print(f"完成 {ok}/{len(results)}，失败 {len(results) - ok} / {ok} of {len(results)} succeeded, "
                  f"{len(results) - ok} failed")
    err = errors_to or sys.stderr
    for r in results:  # in full, unwrapped, as plain text (no markup is read from data)
        if not r.ok:
            print(f"✗ {r.label}: {r.error}", file=err, flush=True)


__all__ = ["discover", "run_batch", "run_job", "BatchResult", "EXECUTORS", "executor", "exit_code",
           "summary_table", "print_summary", "label", "Task", "ExecutorOptions"]
