"""Executors, a registry keyed by name: ``process`` (a process pool; the default), ``dask``
(dask.distributed: a local cluster, or a scheduler's address) and ``serial`` (in this process, for
debugging). Each takes the tasks, the options and an ``on_done`` callback and returns the results
in the order of the tasks; a failed report is a result, never an exception."""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, replace
from pathlib import Path

from evaltools.errors import ParamsError
from evaltools.registry import Registry
from evaltools.run import stop
from evaltools.run.jobs import BatchResult, Task, failed, run_job, task_output_dir
from evaltools.run.runner import STAGING_PREFIX, clean_stale
from evaltools.run.session import Session, SharedYear, close_current, current


@dataclass(frozen=True)
class ExecutorOptions:
    jobs_n: int = 1
    scheduler: str | None = None


#: ``fn(tasks, options, on_done) -> results`` by name; ``on_done(result)`` is called as each finishes.
#: Reports one worker process runs before it is replaced: none — a worker lives for the whole batch. It keeps one
#: kernel and its evaluated years for all its reports (:mod:`evaltools.run.session`), so the ~14 descriptors a
#: kernel per report once left open (the reason workers were recycled) are gone; and CPython 3.11's pool, asked to
#: replace workers that reached ``max_tasks_per_child`` together, stopped starting new ones: a 1,000-unit batch
#: hung after its 500th report with every worker gone (measured, issue 23).
TASKS_PER_WORKER = None
ExecutorFn = Callable[[Sequence[Task], ExecutorOptions, Callable[[BatchResult], None]], list[BatchResult]]
EXECUTORS: Registry[ExecutorFn] = Registry("executor", "执行器", key="executor")


@EXECUTORS.register("serial")
def _serial(tasks, options, on_done):
    """One after another in this process (for debugging: breakpoints and prints work)."""
    out = []
    try:
        for task in tasks:
            result = run_job(*task.args())
            on_done(result)
            out.append(result)
    finally:
        close_current()  # this process's kept kernel and evaluated years end with the batch
    return out


def _mp_context():
    """``forkserver`` where available (Linux), else ``spawn``: never plain fork, which would copy this
    process's threads and open sockets into the worker."""
    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("forkserver" if "forkserver" in methods else "spawn")


def _pool(workers: int, tasks_per_child: int | None = TASKS_PER_WORKER) -> ProcessPoolExecutor:
    """A pool whose workers ignore Ctrl-C (the parent coordinates), clean up and exit on SIGTERM, and exit
    when this process dies (:func:`evaltools.run.stop.guard_worker`)."""
    with stop.sigint_ignored():  # the forkserver, started with the first pool, hands SIGINT ignored on
        return ProcessPoolExecutor(
            max_workers=workers,
            mp_context=_mp_context(),
            max_tasks_per_child=tasks_per_child,
            initializer=stop.guard_worker,
            initargs=(os.getpid(),),
        )


def _stop_pools(pools: list[ProcessPoolExecutor], tasks: Sequence[Task]) -> None:
    """End every worker of ``pools`` and everything they started, then remove their staging folders."""
    pids = [pid for pool in pools for pid in list(getattr(pool, "_processes", None) or {})]
    for pool in pools:
        pool.shutdown(wait=False, cancel_futures=True)
    stop.terminate(pids)
    sweep(tasks)


def sweep(tasks: Sequence[Task]) -> None:
    """Remove the staging folders that stopped or killed runs left beside the tasks' outputs."""
    for folder in {Path(d).parent for d in (task_output_dir(t.params) for t in tasks) if d}:
        if folder.is_dir():
            clean_stale(folder)


def _in_own_process(task: Task, pools: list[ProcessPoolExecutor]) -> BatchResult:
    """Run one task in a pool of its own (used after a crash, to tell the culprit from its neighbours)."""
    started = time.perf_counter()
    pool = _pool(1, None)
    pools.append(pool)
    try:
        return replace(pool.submit(run_job, *task.args()).result(), attempts=2)
    except BrokenProcessPool:
        return failed(
            task.job,
            "工作进程异常退出 / the worker process died while running this report "
            "(killed, out of memory or crashed in native code)",
            time.perf_counter() - started,
            attempts=2,
        )
    except Exception as exc:  # noqa: BLE001 - e.g. a task that could not be pickled
        return failed(task.job, f"{type(exc).__name__}: {exc}", time.perf_counter() - started, attempts=2)
    finally:
        pool.shutdown(wait=True)


def _rerun_broken(tasks, broken: list[int], options, on_done, results: dict, pools: list) -> None:
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=max(1, options.jobs_n)) as threads:
        retry = {threads.submit(_in_own_process, tasks[i], pools): i for i in sorted(broken)}
        for future in as_completed(retry):
            result = future.result()
            results[retry[future]] = result
            on_done(result)


@EXECUTORS.register("process")
def _process(tasks, options, on_done):
    """A :class:`~concurrent.futures.ProcessPoolExecutor` of ``jobs_n`` workers (forkserver or spawn).

    Workers are reused from one report to the next: each reads and evaluates a year once and keeps one kernel
    for its reports (:mod:`evaltools.run.session`). A worker that dies (killed, out of memory, a crash in native code) breaks the
    whole pool: the reports it took down are then run again, each in a process of its own (still
    ``jobs_n`` at a time), so a crash costs only the report that caused it (the closing table says
    it was rerun). Stopped (Ctrl-C, SIGTERM), every worker and kernel ends and no staging folder stays.
    """
    results: dict[int, BatchResult] = {}
    broken: list[int] = []
    pools = [_pool(max(1, min(options.jobs_n, len(tasks))))]
    try:
        futures = {pools[0].submit(run_job, *task.args()): i for i, task in enumerate(tasks)}
        for future in as_completed(futures):
            i = futures[future]
            try:
                result = future.result()
            except BrokenProcessPool:
                broken.append(i)
                continue
            except Exception as exc:  # noqa: BLE001 - e.g. a task that could not be pickled
                result = failed(tasks[i].job, f"{type(exc).__name__}: {exc}")
            results[i] = result
            on_done(result)
        pools[0].shutdown(wait=True)
        if broken:
            _rerun_broken(tasks, broken, options, on_done, results, pools)
    except BaseException:
        _stop_pools(pools, tasks)
        raise
    return [results[i] for i in range(len(tasks))]


def dask_job(*args: object, shared: Sequence[SharedYear] = ()) -> BatchResult:
    """:func:`run_job` in a dask worker: the worker also exits, cleaning up, when its parent is gone. ``shared``:
    the years the client read and evaluated (scattered to every worker once), taken by the worker's session."""
    stop.watch_parent()
    for year in shared:
        current().adopt(year)
    return run_job(*args)


def _scatter_years(client: object, tasks: Sequence[Task]) -> list:
    """Each many-unit year the tasks report on, read and evaluated here once and scattered to every worker once
    (issue 23 item 4: not loaded and evaluated per task, nor per worker)."""
    sharer = Session()
    try:
        shared = sharer.share(task.params for task in tasks)
        return client.scatter(shared, broadcast=True) if shared else []
    finally:
        sharer.close()


def _dask_client(options: ExecutorOptions) -> tuple[object, object | None]:
    """A dask client: on ``options.scheduler``, or on a local cluster of ``jobs_n`` single-threaded worker
    processes bound to 127.0.0.1, started with SIGINT ignored (the parent decides when they stop). Returns
    (client, the cluster to close or None)."""
    import logging

    try:
        from dask.distributed import Client, LocalCluster
    except ImportError as exc:  # pragma: no cover - dask[distributed] is a dependency
        raise ParamsError(f"the dask executor needs dask[distributed]: {exc}", key="executor") from None
    try:
        if options.scheduler:
            return Client(options.scheduler, timeout="30s"), None
        with stop.sigint_ignored():
            cluster = LocalCluster(
                n_workers=max(1, options.jobs_n),
                threads_per_worker=1,
                processes=True,
                host="127.0.0.1",
                # a free port on this machine only: never "port 8787 is already in use", never on the network
                dashboard_address="127.0.0.1:0",
                silence_logs=logging.CRITICAL,
            )
        return Client(cluster), cluster
    except OSError as exc:
        raise ParamsError(
            f"无法连接 Dask 调度器 / cannot reach the Dask scheduler {options.scheduler}: {exc}", key="scheduler"
        ) from None


def _dask_pids(cluster: object) -> list[int]:
    """The worker processes of a local cluster."""
    pids = []
    for nanny in getattr(cluster, "workers", {}).values():
        process = getattr(getattr(nanny, "process", None), "process", None)
        pid = getattr(process, "pid", None)
        if pid:
            pids.append(pid)
    return pids


def _attempts_dir(tasks: Sequence[Task], local: bool) -> str | None:
    """A folder for the tasks' start marks: a temporary one for a local cluster; beside the outputs for a
    remote scheduler (its workers share the folders), named like a staging folder so that it is swept."""
    if local:
        return tempfile.mkdtemp(prefix="evaltools-attempts-")
    out = tasks[0].params.output_dir
    Path(out).mkdir(parents=True, exist_ok=True)
    return tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-attempts-", dir=out)


def _collect(client, tasks: Sequence[Task], attempts: str | None, on_done) -> dict[int, BatchResult]:
    from dask.distributed import as_completed as dask_completed

    stamp = f"{os.getpid()}-{time.time_ns()}"
    shared = _scatter_years(client, tasks)
    futures = {}
    for i, task in enumerate(tasks):
        key = f"evaltools-report-{i}-{stamp}"
        task = replace(task, attempts_dir=attempts, key=str(i))
        futures[client.submit(dask_job, *task.args(), shared=shared, key=key, pure=False, retries=0)] = i
    results = {}
    for future in dask_completed(list(futures)):
        i = futures[future]
        try:
            result = future.result()
        except Exception as exc:  # noqa: BLE001 - a worker that died (KilledWorker) or a lost task
            result = failed(tasks[i].job, f"Dask: {type(exc).__name__}: {exc}")
        results[i] = result
        on_done(result)
    return results


@EXECUTORS.register("dask")
def _dask(tasks, options, on_done):
    """dask.distributed: ``Client(LocalCluster(n_workers=jobs_n, threads_per_worker=1, processes=True))``,
    or ``Client(scheduler)`` when a scheduler address is given (its workers must be able to import
    evaltools and see the data and output folders at the same paths). A report whose worker was lost is
    run again by dask; its result says how many times it was started. Stopped, a local cluster's workers
    and kernels end and no staging folder stays (a remote scheduler's running reports finish on their own)."""
    client, cluster = _dask_client(options)
    attempts = _attempts_dir(tasks, local=cluster is not None)
    try:
        results = _collect(client, tasks, attempts, on_done)
    except BaseException:
        _stop_dask(client, cluster)
        raise
    finally:
        with contextlib.suppress(Exception):
            client.close(timeout=5)
        if cluster is not None:
            with contextlib.suppress(Exception):
                cluster.close(timeout=5)
        if attempts:
            shutil.rmtree(attempts, ignore_errors=True)
        sweep(tasks)  # what a worker restarted meanwhile may have begun
    return [results[i] for i in range(len(tasks))]


def _stop_dask(client: object, cluster: object) -> None:
    """Stop a local cluster at once: no worker restarts, its workers and their kernels killed (dask workers
    cannot run our clean-up themselves: the staging folders are swept afterwards)."""
    import logging

    logging.getLogger("distributed").setLevel(logging.CRITICAL)  # the workers are killed on purpose
    for nanny in getattr(cluster, "workers", {}).values():
        nanny.auto_restart = False
    with contextlib.suppress(Exception):
        client.cancel(list(client.futures), force=True)
    stop.terminate(_dask_pids(cluster), grace=0)


# ----------------------------------------------------------------------------- plain calls (the audit's chunks)

#: ``fn(call, argument_tuples, options, on_done) -> results`` by name: runs ``call(*args)`` for each tuple of
#: ``argument_tuples`` (``call`` module-level, its results plain values) and returns the results in order;
#: ``on_done(index, result)`` as each finishes. The same names as :data:`EXECUTORS`.
CallsFn = Callable[[Callable, Sequence[tuple], ExecutorOptions, Callable[[int, object], None]], list]
CALL_EXECUTORS: Registry[CallsFn] = Registry("executor", "执行器", key="executor")


@CALL_EXECUTORS.register("serial")
def _calls_serial(call, argument_tuples, options, on_done):
    out = []
    for i, args in enumerate(argument_tuples):
        out.append(call(*args))
        on_done(i, out[-1])
    return out


@CALL_EXECUTORS.register("process")
def _calls_process(call, argument_tuples, options, on_done):
    """A process pool of ``jobs_n`` workers (forkserver or spawn); ``jobs_n`` 1 runs in this process."""
    if options.jobs_n <= 1 or len(argument_tuples) <= 1:
        return _calls_serial(call, argument_tuples, options, on_done)
    results: dict[int, object] = {}
    pool = _pool(min(options.jobs_n, len(argument_tuples)), None)
    try:
        futures = {pool.submit(call, *args): i for i, args in enumerate(argument_tuples)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            on_done(futures[future], results[futures[future]])
        pool.shutdown(wait=True)
    except BaseException:  # stopped (Ctrl-C, SIGTERM) or failed: every worker ends now, queued calls are dropped
        _stop_pools([pool], ())
        raise
    return [results[i] for i in range(len(argument_tuples))]


@CALL_EXECUTORS.register("dask")
def _calls_dask(call, argument_tuples, options, on_done):
    """dask.distributed: a local cluster of ``jobs_n`` single-threaded workers, or the scheduler given."""
    from dask.distributed import as_completed as dask_completed

    client, cluster = _dask_client(options)
    try:
        futures = {client.submit(call, *args, pure=False): i for i, args in enumerate(argument_tuples)}
        results: dict[int, object] = {}
        for future in dask_completed(list(futures)):
            results[futures[future]] = future.result()
            on_done(futures[future], results[futures[future]])
        return [results[i] for i in range(len(argument_tuples))]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
