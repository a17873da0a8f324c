"""Stopping: a batch told to stop (Ctrl-C, SIGTERM) or whose parent dies ends every worker and kernel
within seconds, leaves no staging folder and never touches the previous outputs.

Worker side: :func:`guard_worker` (a process pool's initializer) makes a worker ignore SIGINT — the
parent coordinates — and, on SIGTERM or when the parent process is gone, run the cleanups the runner
registered (:func:`on_stop`: kill the report's kernel, remove its staging folder) and exit at once.
:func:`watch_parent` alone (no signal handlers) serves workers whose main thread is not ours (dask).

Parent side: :func:`terminate` ends processes and everything they started (kernels live in sessions of
their own, so a process group kill does not reach them): SIGTERM, a short grace, then SIGKILL.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Iterable, Iterator

#: Seconds a worker gets to clean up after SIGTERM before it is killed.
GRACE = 2.0
#: How often a worker checks that its parent still exists.
POLL = 0.2

_cleanups: dict[int, Callable[[], None]] = {}
_lock = threading.Lock()
_watching: list[int] = []


def on_stop(fn: Callable[[], None]) -> int:
    """Register ``fn`` to run if this process is stopped; returns a token for :func:`forget`."""
    with _lock:
        token = id(fn) ^ time.monotonic_ns()
        _cleanups[token] = fn
    return token


def forget(token: int) -> None:
    with _lock:
        _cleanups.pop(token, None)


def run_cleanups() -> None:
    """Run every registered cleanup once (each may fail alone)."""
    with _lock:
        fns = list(_cleanups.values())
        _cleanups.clear()
    for fn in fns:
        with contextlib.suppress(Exception):
            fn()


def quiet_abandoned_tasks() -> None:
    """Once a command is stopped: a report's kernel killed while nbclient awaits a cell leaves a task whose
    DeadKernelError nobody retrieves, and asyncio would log it, traceback and all, when the task is collected at
    exit — after the one stop line, which already says what happened. asyncio logs nothing more in this process."""
    logging.getLogger("asyncio").setLevel(logging.CRITICAL + 1)


def _exit_now(code: int) -> None:
    run_cleanups()
    os._exit(code)


def _on_sigterm(signum: int, frame: object) -> None:
    _exit_now(128 + signum)


def _die_with_parent() -> None:
    """Ask the kernel to send SIGTERM to this process when its parent dies (Linux)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux: the watch thread alone notices
        pass


def running(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie — dead, not yet reaped by its parent — does not)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return not _zombie(pid)


def watch_parent(parent: int | None = None) -> None:
    """Once per process: a daemon thread that runs the cleanups and exits when the parent process (``parent``,
    else the current parent) is gone."""
    with _lock:
        if _watching:
            return
        _watching.append(os.getpid())
    original = os.getppid()
    target = parent or original

    def watch() -> None:
        while True:
            time.sleep(POLL)
            if os.getppid() != original or not running(target):
                _exit_now(1)

    threading.Thread(target=watch, name="evaltools-parent-watch", daemon=True).start()


def guard_worker(parent: int) -> None:
    """A pool worker's initializer: SIGINT ignored, SIGTERM and the parent's death clean up and exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, _on_sigterm)
    _die_with_parent()
    watch_parent(parent)


#: In a kernel started before its run's staging folder existed (the runner's ``prestart``), or kept for a batch's
#: reports (:mod:`evaltools.run.session`), the file of its private folder that names the staging folder of the
#: report it serves now.
STAGE_POINTER = "staging-folder"


def guard_kernel(stage: str, parent: int) -> None:
    """In a report's kernel: when ``parent`` (the process running the report) is gone, remove its staging
    folder ``stage`` — and the folder that ``stage``/:data:`STAGE_POINTER` names, if it does (a kernel started early,
    or kept for a batch) — and exit. Runs before ipykernel's own parent check (once a second)."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.1)
        import shutil

        with contextlib.suppress(OSError):
            with open(os.path.join(stage, STAGE_POINTER), encoding="utf-8") as handle:
                shutil.rmtree(handle.read().strip(), ignore_errors=True)
        shutil.rmtree(stage, ignore_errors=True)
        os._exit(1)

    threading.Thread(target=watch, name="evaltools-run-guard", daemon=True).start()


@contextlib.contextmanager
def sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while processes are started, so that they inherit it ignored (Python leaves an inherited
    SIG_IGN in place): a Ctrl-C, which the terminal sends to the whole process group, reaches only the parent."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _parents() -> dict[int, int]:
    """pid → parent pid of every process (Linux /proc); empty elsewhere."""
    out = {}
    try:
        names = os.listdir("/proc")
    except OSError:
        return out
    for name in names:
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", "rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        out[int(name)] = int(fields[1])
    return out


def descendants(pids: Iterable[int]) -> set[int]:
    """Every process started, directly or not, by one of ``pids`` (kernels included)."""
    children: dict[int, list[int]] = {}
    for pid, ppid in _parents().items():
        children.setdefault(ppid, []).append(pid)
    found, todo = set(), list(pids)
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def terminate(pids: Iterable[int], grace: float = GRACE) -> None:
    """End ``pids`` and their descendants: SIGTERM to the pids (they clean up), SIGKILL to whatever is left
    after ``grace`` seconds (descendants as found before and after)."""
    pids = [p for p in set(pids) if p != os.getpid()]
    family = descendants(pids)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(running(p) for p in pids):
        time.sleep(0.05)
    for pid in {*pids, *family, *descendants(pids)}:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 1.0
    while time.monotonic() < deadline and any(running(p) for p in pids):
        time.sleep(0.02)


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat", "rb") as handle:
            stat = handle.read()
        return stat[stat.rfind(b")") + 2 : stat.rfind(b")") + 3] == b"Z"
    except OSError:
        return False


__all__ = [
    "GRACE",
    "on_stop",
    "forget",
    "run_cleanups",
    "quiet_abandoned_tasks",
    "guard_worker",
    "guard_kernel",
    "watch_parent",
    "sigint_ignored",
    "descendants",
    "running",
    "terminate",
]
