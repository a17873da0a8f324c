"""The report's kernel: :class:`WarmKernel` (started before it is needed, its imports already running), one
started before the command line plans the run (:func:`prestart`, taken by the run: :func:`kernel_for`), and —
in a batch — one kept by the worker's session from report to report (:meth:`WarmKernel.reset` between them)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import tempfile
from pathlib import Path

from evaltools.errors import RunError
from evaltools.params import HANDOVER_ENV
from evaltools.paths import PROJECT_ROOT
from evaltools.run import stop

#: The file the runner leaves the evaluation in for the kernel (in the run's staging folder, the kernel's private
#: folder, or a batch worker's session folder).
HANDOVER_FILE = "evaluation.pickle"
#: The file of a kernel's private folder naming the staging folder of the report it serves now (its guard removes it).
STAGE_POINTER = stop.STAGE_POINTER


def reset_shell() -> None:
    """In a kept kernel, between two reports: what ``%reset -f`` does (``shell.reset(new_session=False)``: every
    name the last notebook made removed, the output cache flushed, the namespace as a new kernel's) and the cell
    count back to 1 — without the two full garbage collections ``%reset`` makes (IPython's ``DisplayHook.flush`` and
    ``NamespaceMagics.reset`` each call ``gc.collect()``). In a kernel that holds the report's imports and the
    charts' caches each walks every live object: 0.4 s of the kernel's 2.8 s CPU a report in the 1,000-unit bureau
    year (py-spy on a kept kernel, 2026-12-07). What a report leaves in cycles (its figures) is young: the
    collection of the young generations here frees it; anything older goes at Python's own next full collection."""
    import gc

    from IPython import get_ipython

    shell = get_ipython()
    collect = gc.collect
    gc.collect = lambda generation=2: 0  # only while IPython resets: the kernel's other threads do not collect
    try:
        shell.reset(new_session=False)
    finally:
        gc.collect = collect
    gc.collect(1)
    shell.execution_count = 1


class WarmKernel:
    """A kernel started before it is needed, with the report's imports already running in it.

    The kernel boots and imports evaltools while this process validates the data and imports
    papermill; each run still gets its own new kernel, shut down afterwards.

    Two things keep the kernel's messages whole (issue 14: under load, 2 of 11 runs once had
    "ValueError: DELIM not in msg_list" in the kernel and empty outputs). The warm-up code is the
    kernel's own start-up code (``exec_lines``), not an execute request from a second client that is
    torn down while the kernel boots; so papermill's client is the only one. And the kernel listens
    on Unix sockets in a private folder (``transport=ipc``), not on TCP ports that jupyter_client
    picks by binding port 0 and releasing it: two runs starting at once could be handed the same
    port, and one run's IOPub subscription then reached the other's shell socket (a message
    without the Jupyter delimiter). Elsewhere than POSIX, TCP as before.
    """

    WARM_UP = (
        "import evaltools.report.sections, evaltools.report.charts; evaltools.report.charts.use_theme(); "
        "evaltools.report.sections.watch_handover()"
    )
    #: In the kernel: when the process that started it dies (killed: no clean-up of its own), remove the
    #: run's staging folder and exit — a killed worker leaves neither a kernel nor a staging folder behind.
    GUARD = "import evaltools.run.stop; evaltools.run.stop.guard_kernel({stage!r}, {parent})"

    #: Run before each notebook after the first in a kernel kept for a batch (:mod:`evaltools.run.session`): the
    #: namespace emptied and the cell count back to 1, as in a new kernel (imported modules stay: that is the gain;
    #: :func:`reset_shell`); then the kernel's warm-up again, as a new kernel runs it at start (it waits for the next
    #: evaluation).
    RESET = "import evaltools.run.kernel; evaltools.run.kernel.reset_shell()"

    def __init__(
        self, cwd: Path, log: Path | None, warm_up: str | None = WARM_UP, env: dict | None = None, kept: bool = False
    ):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync

        self._run_sync = run_sync
        self._client = None
        #: Started before its run's staging folder exists (``log`` None: :func:`prestart`): a private folder for its
        #: log and the handed-over evaluation, removed by :meth:`discard`; :meth:`adopt` names the staging folder.
        self.private = Path(tempfile.mkdtemp(prefix="evaltools-run-")) if log is None else None
        if self.private is not None:
            log = self.private / "kernel.log"
            env = {**(env or {}), HANDOVER_ENV: str(self.private / HANDOVER_FILE)}
        #: Where the runner leaves the evaluation for this kernel (None: the kernel evaluates for itself).
        self.handover = Path(env[HANDOVER_ENV]) if env and HANDOVER_ENV in env else None
        self.cwd, self.warm_up = cwd, warm_up
        self.log = log
        self.used = 0  # notebooks executed in it
        self._log_handle = open(log, "ab" if kept else "wb")
        self._sockets = Path(tempfile.mkdtemp(prefix="evaltools-kernel-")) if os.name == "posix" else None
        ipc = {"transport": "ipc", "ip": str(self._sockets / "k")} if self._sockets else {}
        self.km = AsyncKernelManager(kernel_name="python3", **ipc)
        # the guard and the warm-up are the kernel's own start-up code: no second client (issue 14)
        lines = [self.GUARD.format(stage=str(log.parent), parent=os.getpid()), *([warm_up] if warm_up else [])]
        run_sync(self.km.start_kernel)(
            cwd=str(cwd),
            stdout=self._log_handle,
            stderr=self._log_handle,
            env={**os.environ, **(env or {})},
            extra_arguments=[f"--IPKernelApp.exec_lines={line}" for line in lines]
            # kept for a batch (its cell count set back to 1 for each notebook): no history database, whose
            # (session, line) keys would then repeat ("ERROR! Session/line number was not unique")
            + (["--HistoryManager.enabled=False"] if kept else []),
        )

    def adopt(self, stage: Path) -> None:
        """Tell the guard of a kernel started early (:func:`prestart`) its run's staging folder: if this process
        dies, the kernel removes it as it would its own."""
        if self.private is not None:
            (self.private / stop.STAGE_POINTER).write_text(str(stage), encoding="utf-8")

    def usable(self) -> bool:
        """Whether the kernel still runs and was not shut down (a kernel started early, or kept for a batch's
        reports, might have died since)."""
        return not self._log_handle.closed and bool(self._run_sync(self.km.is_alive)())

    def discard(self) -> None:
        """Shut the kernel down (if still running) and remove its private folder (:meth:`__init__`)."""
        self.shutdown()
        if self.private is not None:
            shutil.rmtree(self.private, ignore_errors=True)

    def _close_client(self) -> None:
        if self._client is not None:
            self._client.stop_channels()
            self._client.context.destroy(linger=0)  # the blocking client made a context of its own
            self._client = None

    def reset(self) -> None:
        """Before the next notebook in a kept kernel: :data:`RESET` (nothing for a kernel not used yet)."""
        if not self.used:
            return
        client = self.km.blocking_client()
        client.start_channels()
        try:
            client.wait_for_ready(timeout=60)
            code = self.RESET + (f"; {self.warm_up}" if self.warm_up else "")
            reply = client.execute_interactive(code, silent=True, store_history=False, timeout=60)
        finally:
            client.stop_channels()
            client.context.destroy(linger=0)
        if reply["content"].get("status") != "ok":
            raise RunError(f"重置内核失败 / could not reset the kernel: {reply['content'].get('evalue', '')}")

    def kill(self) -> None:
        """Kill the kernel process (and its process group) at once: for a run being stopped."""
        provisioner = getattr(self.km, "provisioner", None)
        pid = getattr(provisioner, "pgid", None) or getattr(provisioner, "pid", None)
        if pid:
            with contextlib.suppress(OSError):
                os.killpg(pid, signal.SIGKILL)

    def shutdown(self) -> None:
        """Stop the kernel and close every socket made on its context (nbclient leaves its client's
        channels open when it does not own the kernel manager). Safe to call more than once."""
        if self._log_handle.closed:
            return
        try:
            if self.km.has_kernel:
                self._run_sync(self.km.shutdown_kernel)(now=True)
        finally:
            self._close_client()
            self.km.context.destroy(linger=0)
            self._log_handle.close()
            if self._sockets is not None:
                shutil.rmtree(self._sockets, ignore_errors=True)


#: The kernel :func:`prestart` started, until a run takes it (:func:`kernel_for`) or the process ends.
_EARLY: list[WarmKernel] = []


def prestart(cwd: Path = PROJECT_ROOT) -> None:
    """Start the report's kernel now, with its warm-up, before the command line plans the run (which imports
    pandas and reads the data folder): the kernel boots on the other core meanwhile. :func:`run_report` takes it
    when its notebook is one of the documents' and its folder ``cwd``; a kernel not taken is discarded when this
    process ends (or by :func:`discard_early`). Nothing is written in the output folder. POSIX only (elsewhere
    the run starts its own kernel, as before)."""
    if _EARLY or os.name != "posix":
        return
    import atexit

    _EARLY.append(WarmKernel(cwd, None, WarmKernel.WARM_UP))
    atexit.register(discard_early)


def discard_early() -> None:
    """Shut down the kernel :func:`prestart` started, if no run took it (a batch, or a run refused)."""
    while _EARLY:
        kernel = _EARLY.pop()
        kernel.kill()
        kernel.discard()


def kernel_for(cwd: Path, stage: Path, warm_up: str | None) -> WarmKernel:
    """The kernel of a run: the one :func:`prestart` started, when it suits (same folder and warm-up, still
    running; told the staging folder), else a new one whose log and handed-over evaluation live in ``stage``."""
    early = _EARLY.pop() if _EARLY else None
    if early is not None and early.cwd == cwd and early.warm_up == warm_up and early.usable():
        early.adopt(stage)
        return early
    if early is not None:
        _EARLY.append(early)
        discard_early()
    return WarmKernel(cwd, stage / "kernel.log", warm_up, {HANDOVER_ENV: str(stage / HANDOVER_FILE)})


__all__ = ["WarmKernel", "prestart", "discard_early", "kernel_for", "HANDOVER_FILE", "STAGE_POINTER"]
