"""Executors, a registry keyed by name: ``process`` (a process pool; the default), ``dask``
(dask.distributed: a local cluster, or a scheduler's address) and ``serial`` (in this process, for
debugging). Each takes the tasks, the options and an ``on_done`` callback and returns the results
in the order of the tasks; a failed report is a result, never an exception."""

from __future__ import annotations

import multiprocessing
import os
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass

from evaltools.errors import ParamsError
from evaltools.registry import Registry
from evaltools.run.jobs import BatchResult, Task, failed, run_job


@dataclass(frozen=True)
class ExecutorOptions:
    jobs_n: int = 1
    scheduler: str | None = None


#: ``fn(tasks, options, on_done) -> results`` by name; ``on_done(result)`` is called as each finishes.
#: Reports one worker process runs before it is replaced: jupyter_client leaves ~14 file descriptors
#: open per kernel it is handed, so a worker is recycled long before any descriptor limit.
TASKS_PER_WORKER = 50
ExecutorFn = Callable[[Sequence[Task], ExecutorOptions, Callable[[BatchResult], None]], list[BatchResult]]
EXECUTORS: Registry[ExecutorFn] = Registry("executor", "执行器", key="executor")


@EXECUTORS.register("serial")
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
        return failed(
            task.job,
            "工作进程异常退出 / the worker process died while running this report "
            "(killed, out of memory or crashed in native code)",
            time.perf_counter() - started,
        )
    except Exception as exc:  # noqa: BLE001 - e.g. a task that could not be pickled
        return failed(task.job, f"{type(exc).__name__}: {exc}", time.perf_counter() - started)


@EXECUTORS.register("process")
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
    pool = ProcessPoolExecutor(
        max_workers=max(1, min(options.jobs_n, len(tasks))),
        mp_context=_mp_context(),
        max_tasks_per_child=TASKS_PER_WORKER,
    )
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
                result = failed(tasks[i].job, f"{type(exc).__name__}: {exc}")
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


def _dask_client(options: ExecutorOptions) -> tuple[object, object | None]:
    """A dask client: on ``options.scheduler``, or on a local cluster of ``jobs_n`` single-threaded worker
    processes bound to 127.0.0.1 (the dashboard on a free port: never "port 8787 is already in use", never on
    the network). Returns (client, the cluster to close or None)."""
    import logging

    from dask.distributed import Client, LocalCluster

    try:
        if options.scheduler:
            return Client(options.scheduler, timeout="30s"), None
        cluster = LocalCluster(
            n_workers=max(1, options.jobs_n),
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address="127.0.0.1:0",
            silence_logs=logging.ERROR,
        )
        return Client(cluster), cluster
    except OSError as exc:
        raise ParamsError(
            f"无法连接 Dask 调度器 / cannot reach the Dask scheduler {options.scheduler}: {exc}", key="scheduler"
        ) from None


@EXECUTORS.register("dask")
def _dask(tasks, options, on_done):
    """dask.distributed: ``Client(LocalCluster(n_workers=jobs_n, threads_per_worker=1, processes=True))``,
    or ``Client(scheduler)`` when a scheduler address is given (its workers must be able to import
    evaltools and see the data and output folders at the same paths)."""
    try:
        from dask.distributed import as_completed as dask_completed
    except ImportError as exc:  # pragma: no cover - dask[distributed] is a dependency
        raise ParamsError(f"the dask executor needs dask[distributed]: {exc}", key="executor") from None

    client, cluster = _dask_client(options)
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
                result = failed(tasks[i].job, f"Dask: {type(exc).__name__}: {exc}")
            results[i] = result
            on_done(result)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return [results[i] for i in range(len(tasks))]


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
    with ProcessPoolExecutor(max_workers=min(options.jobs_n, len(argument_tuples)), mp_context=_mp_context()) as pool:
        futures = {pool.submit(call, *args): i for i, args in enumerate(argument_tuples)}
        for future in as_completed(futures):
            results[futures[future]] = future.result()
            on_done(futures[future], results[futures[future]])
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
