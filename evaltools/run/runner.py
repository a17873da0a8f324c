"""Running one report: validate, execute the notebook with papermill, export, and move the
outputs into place atomically. A failure leaves the previous good outputs untouched."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import sys
import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from evaltools.errors import EvaltoolsError, InputError, RunError
from evaltools.params import HANDOVER_ENV, JobParams, chosen_rules, handover_key, job_to_dict
from evaltools.paths import PROJECT_ROOT, inside, refuse_output_on_inputs, safe_component, unwritable, usable_folder
from evaltools.run import stop
from evaltools.run.kernelcheck import kernel_failure

if TYPE_CHECKING:
    from nbformat import NotebookNode

ROOT = PROJECT_ROOT
#: The default document's notebook (the 自评报告); each document names its own (:data:`~evaltools.report.exporters.DOCUMENTS`).
NOTEBOOK = ROOT / "notebooks" / "self_evaluation.ipynb"
STAGING_PREFIX = ".tmp-run-"


@dataclass(frozen=True)
class RunResult:
    """What one run produced: its folder, files, score and grade, and how long each step took."""

    year: int
    unit: str | None
    output_dir: Path
    files: tuple[Path, ...]
    score: float | None
    grade: str | None
    seconds: float
    timings: dict = field(default_factory=dict)
    #: What the reader of a batch should know about this run (a previous year left out …).
    warnings: tuple[str, ...] = ()
    #: Why the total cannot be computed (a table cut off, not scored, scores blank), None when it can.
    unknown_reason: str | None = None
    #: What else this run did that its reader should know: the rule set given over the data's own, files of
    #: formats not asked for that an earlier run had left and that were removed.
    notes: tuple[str, ...] = ()
    #: The findings of the audit counted by severity (error, warning, info), as summary.json and the index count.
    counts: dict = field(default_factory=dict)

    @property
    def total_text(self) -> str:
        """The total as the console line shows it: 87 分 良好, or 无法计算（原表截断于第19行）."""
        from evaltools import fmt
        from evaltools.scoring.completeness import unknown_text

        if self.score is None or self.score != self.score:
            return unknown_text(self.unknown_reason) if self.unknown_reason else "— 分 —"
        if not self.grade and not 0 <= self.score <= 100:  # 870: beyond every band, said so (issue 22)
            return f"{fmt.score(self.score)} 分（超出 0–100，无法评级）"
        return f"{fmt.score(self.score)} 分 {self.grade or '—'}"

    @property
    def counts_text(self) -> str:
        """The findings as the index shows them: 错误 4 · 警告 13."""
        return f"错误 {self.counts.get('error', 0)} · 警告 {self.counts.get('warning', 0)}"


#: Load warnings a run reports by their message alone (every other load warning is shown located, as
#: `evaltools check` shows it).
RUN_WARNINGS = ("PREVIOUS_YEAR_UNUSABLE",)


def output_dir(params: JobParams) -> Path:
    """``outputs/[unit/]YEAR`` — each part checked so data can never point outside the output folder."""
    parts = ([safe_component(params.unit, "unit")] if params.unit else []) + [safe_component(str(params.year), "year")]
    return inside(params.output_dir, *parts)


def clean_stale(parent: Path) -> None:
    """Remove staging folders left by runs that were killed (their process no longer runs)."""
    for stale in parent.glob(f"{STAGING_PREFIX}*"):
        try:
            pid = int(stale.name[len(STAGING_PREFIX) :].split("-")[0])
        except ValueError:
            continue
        if not stop.running(pid):
            shutil.rmtree(stale, ignore_errors=True)


def skip_slow_optional_imports() -> None:
    """Keep ``rfc3987_syntax`` out of this process: jsonschema imports it when installed, and it
    builds a Lark grammar at import (about 1 s of the 1.3 s that importing papermill costs here).
    nbformat never validates the IRI formats it serves. Called by the runner, never on ``import evaltools``."""
    if "rfc3987_syntax" not in sys.modules:
        sys.modules["rfc3987_syntax"] = None  # a None entry makes ``import rfc3987_syntax`` raise ImportError


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

    def __init__(self, cwd: Path, log: Path | None, warm_up: str | None = WARM_UP, env: dict | None = None):
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
        self._log_handle = open(log, "wb")
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
            extra_arguments=[f"--IPKernelApp.exec_lines={line}" for line in lines],
        )

    def adopt(self, stage: Path) -> None:
        """Tell the guard of a kernel started early (:func:`prestart`) its run's staging folder: if this process
        dies, the kernel removes it as it would its own."""
        if self.private is not None:
            (self.private / stop.STAGE_POINTER).write_text(str(stage), encoding="utf-8")

    def usable(self) -> bool:
        """Whether the kernel process still runs (a kernel started early might have died since)."""
        return bool(self._run_sync(self.km.is_alive)())

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


ENGINE = "evaltools"
#: Errors raised in the notebook that are the data's fault (exit 2, no failed notebook kept).
INPUT_ERRORS = ("InputError", "DataNotFoundError")


def _no_save(**kwargs: object) -> None:
    """papermill's save of the output notebook at each cell's start and end, left out: the notebook is written
    when execution starts and when it ends (also after a cell error), which is all a run reads; the 40 saves in
    between (validated and serialised whole, charts and all) only delayed the next cell."""


def _register_engine() -> None:
    """A papermill engine like its default (nbclient) that, when handed a kernel manager, stops the kernel
    client's channels afterwards: nbclient leaves them running when it does not own the kernel, and each
    left a heartbeat thread, its event loop and a zmq context behind — about 14 descriptors a report,
    until a long-lived worker ran out ("Too many open files")."""
    from papermill.engines import NBClientEngine, papermill_engines

    if ENGINE in papermill_engines._engines:
        return

    class Engine(NBClientEngine):
        @classmethod
        def execute_managed_notebook(cls, nb_man, kernel_name, **kwargs):  # noqa: ANN001, ANN206 - papermill's API
            from papermill.clientwrap import PapermillNotebookClient
            from papermill.engines import logger, merge_kwargs, remove_args

            kwargs = remove_args(["input_path"], **kwargs)
            final = merge_kwargs(
                remove_args(
                    [
                        "timeout",
                        "startup_timeout",
                        "log_output",
                        "stdout_file",
                        "stderr_file",
                        "start_timeout",
                        "execution_timeout",
                    ],
                    **kwargs,
                ),
                timeout=kwargs.get("execution_timeout") or kwargs.get("timeout"),
                startup_timeout=kwargs.get("start_timeout", 60),
                kernel_name=kernel_name,
                log=logger,
                log_output=kwargs.get("log_output", False),
                stdout_file=kwargs.get("stdout_file"),
                stderr_file=kwargs.get("stderr_file"),
            )
            client = PapermillNotebookClient(nb_man, **final)
            nb_man.save = _no_save  # papermill saves at the start and the end; not at each cell (see _no_save)
            try:
                return client.execute()
            finally:
                del nb_man.save
                kc = getattr(client, "kc", None)
                if kc is not None:
                    kc.stop_channels()

    papermill_engines.register(ENGINE, Engine)


def execute(
    params: JobParams, target: Path, notebook: Path = NOTEBOOK, cwd: Path = ROOT, km: object | None = None
) -> NotebookNode:
    """Execute the report notebook with papermill (in ``km`` when given); returns the executed notebook.

    The notebook is handed the job as one parameter, ``params`` (:func:`~evaltools.params.job_to_dict`), which
    its parameters cell declares and its first cell gives back to :func:`~evaltools.params.job_params`.

    On a cell error :class:`RunError` names the cell and the error; papermill has then written the
    executed notebook, with the error, to ``target/<the document's ipynb file>`` (report.ipynb, review.ipynb).
    """
    from evaltools.report.exporters import get_document

    out = target / get_document(params.document).filename("ipynb")
    return execute_notebook(notebook, out, job_to_dict(params), cwd=cwd, km=km, what="报告", kept=True)


def execute_notebook(
    notebook: Path, out: Path, params: dict, *, cwd: Path, km: object | None, what: str, kept: bool
) -> NotebookNode:
    """papermill over ``notebook`` into ``out`` with ``params`` as its one parameter ``params`` (in ``km``, a warm
    kernel's manager, when given; the runner's engine): the executed notebook. A cell raising an input error
    (:data:`INPUT_ERRORS`: the data changed under the run, or a year it reads is bad) is an InputError; any other
    cell error a RunError naming ``what`` (报告, 复核报告), the cell and the error, and ``out`` when it is ``kept``."""
    skip_slow_optional_imports()
    import papermill as pm
    from papermill.exceptions import PapermillExecutionError

    _register_engine()
    extra = {"km": km} if km is not None else {}
    try:
        return pm.execute_notebook(
            str(notebook),
            str(out),
            parameters={"params": params},
            kernel_name="python3",
            cwd=str(cwd),
            progress_bar=False,
            log_output=False,
            report_mode=True,
            engine_name=ENGINE,
            **extra,
        )
    except PapermillExecutionError as exc:
        if exc.ename in INPUT_ERRORS:
            raise InputError([], summary=f"{exc.ename}: {exc.evalue}") from None
        raise RunError(
            f"{what}第 {exc.exec_count} 个单元格出错 / cell {exc.exec_count} failed: {exc.ename}: {exc.evalue}",
            cell=exc.exec_count,
            notebook=str(out) if kept else None,
        ) from None


def _export_one(spec, nb, ev, done: dict, stage: Path, timings: dict, filename: str) -> None:
    """Run one exporter into the staging folder as ``filename``; a failure becomes a RunError naming the format."""
    t = time.perf_counter()
    try:
        done[spec.name] = spec.fn(nb, ev, done)
    except EvaltoolsError:
        raise
    except Exception as exc:  # an exporter failed: say which; the previous outputs stay as they are
        raise RunError(f"导出 {spec.name} 失败 / exporting {spec.name} failed: {type(exc).__name__}: {exc}") from exc
    (stage / filename).write_bytes(done[spec.name])
    timings[spec.name] = time.perf_counter() - t


def _export_early(formats, ev, stage: Path, export, doc) -> tuple[dict, dict]:
    """Exports that need no notebook (xlsx, json), and the notebook exporters' imports."""
    done, timings = {}, {}
    for name in formats:
        if not export.EXPORTERS[name].notebook:
            _export_one(export.EXPORTERS[name], None, ev, done, stage, timings, doc.filename(name))
    t = time.perf_counter()
    export.warm_up(formats)
    timings["export_imports"] = time.perf_counter() - t
    return done, timings


def _execute_keeping_failure(
    params: JobParams, stage: Path, final: Path, notebook: Path, cwd: Path, km: object, doc: object
):
    """Execute the notebook; on a cell error keep the executed notebook as ``report.failed.ipynb`` (the
    document's: review.failed.ipynb for the 复核意见)."""
    try:
        return execute(params, stage, notebook, cwd, km=km)
    except RunError as exc:
        failed = stage / doc.filename("ipynb")
        if failed.exists():
            final.mkdir(parents=True, exist_ok=True)
            os.replace(failed, final / doc.failed_notebook)
            exc.notebook = str(final / doc.failed_notebook)
            exc.args = (f"{exc.args[0]} (executed notebook kept at {exc.notebook})",)
        raise


def _publish(formats: list[str], stage: Path, final: Path, doc: object) -> tuple[list[Path], list[str]]:
    """Move every exported file from the staging folder into ``final`` (atomic renames); then remove what an
    earlier run of the same document left there that this run did not make: its failure notebook, and its file
    of each format not asked for this time (report.pdf beside a new report.html for ``--to html,json``) — only
    this document's own files, by its file names, nothing else (a 复核意见 run leaves report.html alone). Returns
    the files written and the names removed (issue 24 item 3: every output of a run comes from that run)."""
    final.mkdir(parents=True, exist_ok=True)
    files = []
    for name in formats:
        src = stage / doc.filename(name)
        os.replace(src, final / src.name)  # same filesystem: atomic; a reader sees old or new, never half
        files.append(final / src.name)
    failed = doc.failed_notebook
    stale = [failed, *(doc.files[n] for n in doc.files if n not in formats)]
    removed = []
    for name in dict.fromkeys(stale):
        if (final / name).is_file() and not (final / name).is_symlink():
            (final / name).unlink()
            removed.append(name)
    return files, [n for n in removed if n != failed]


def _remove_empty(folders: list[Path]) -> None:
    """Remove the folders this run made and left empty (another run may have filled them)."""
    for folder in folders:
        try:
            folder.rmdir()
        except OSError:
            pass


HANDOVER_FILE = "evaluation.pickle"


def _hand_over(params: JobParams, ev: object, path: Path | None, charts: tuple[str, ...] = ()) -> None:
    """Leave the evaluation for the report's kernel at ``path`` (its :attr:`WarmKernel.handover`; its prepare()
    then skips loading and evaluating), with the ``charts`` its notebook draws: the kernel draws them as soon as
    the file is there (:func:`evaltools.report.sections.watch_handover`). Written whole, then renamed into place:
    the kernel never reads half a file."""
    import pickle

    if path is None:
        return
    try:
        payload = pickle.dumps((handover_key(params), ev, charts), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - not picklable: the kernel evaluates for itself
        return
    part = path.with_name(path.name + ".part")
    part.write_bytes(payload)
    os.replace(part, path)


_CHART_CALL = re.compile(r"""\.chart\(\s*ctx\s*,\s*["'](\w+)["']""")


def notebook_charts(notebook: Path) -> tuple[str, ...]:
    """The charts a report notebook draws (its ``report.chart(ctx, "name" …)`` cells), in order; () when it
    cannot be read (papermill then says why)."""
    try:
        cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    except (OSError, ValueError, AttributeError):
        return ()
    sources = ("".join(c.get("source", "")) for c in cells if isinstance(c, dict) and c.get("cell_type") == "code")
    return tuple(dict.fromkeys(name for source in sources for name in _CHART_CALL.findall(source)))


def _make(
    params: JobParams, kernel: WarmKernel, stage: Path, final: Path, notebook: Path, cwd: Path, timings: dict
) -> tuple[object, list[Path], tuple[str, ...]]:
    """Evaluate here while the kernel warms up, execute the notebook, export every format, publish; returns the
    evaluation, the files written and the run's notes (the rule set chosen over the data's own, stale files
    removed)."""
    from concurrent.futures import ThreadPoolExecutor

    from evaltools.data.load import load_year
    from evaltools.report import exporters as export
    from evaltools.scoring.evaluation import evaluate
    from evaltools.scoring.rules import load_rules

    t = time.perf_counter()
    doc = export.get_document(params.document)
    formats = export.order(["ipynb", *params.formats])
    # the year is loaded and checked here, before the notebook runs (bad input refused with its location); last
    # year is attached when it loads, else left out with a warning; the trend reads the earlier years that load
    data = load_year(params.year, params.data_dir, params.unit)
    choice = chosen_rules(params.rules, data.profile.rules)  # the one precedence: explicit > profile > default
    params = replace(params, rules=choice.name)  # the notebook is handed the rule set chosen here
    ev = evaluate(data, load_rules(params.rules))
    _hand_over(params, ev, kernel.handover, notebook_charts(notebook))
    timings["evaluate"] = time.perf_counter() - t
    # While the kernel runs the notebook this process mostly waits: on the other core, make the
    # outputs that need only the evaluation and import what the notebook exporters need.
    side = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evaltools-export")
    early = side.submit(_export_early, formats, ev, stage, export, doc)
    t = time.perf_counter()
    try:
        nb = _execute_keeping_failure(params, stage, final, notebook, cwd, kernel.km, doc)
    finally:
        kernel.shutdown()
        side.shutdown(wait=True)  # never leave it writing into a staging folder being removed
    kernel_failure(nb, kernel.log, final, stage)  # errors the kernel logged or cells left empty: no report
    kernel.discard()  # a kernel started early: its private folder (log, evaluation) goes now, not after the exports
    nb.metadata["title"] = params.title or doc.title_for(ev)
    timings["execute"] = time.perf_counter() - t
    done, early_timings = early.result()
    timings.update(early_timings)
    for name in formats:
        if name not in done:
            _export_one(export.EXPORTERS[name], nb, ev, done, stage, timings, doc.filename(name))
    files, removed = _publish(formats, stage, final, doc)
    notes = ([choice.note] if choice.note else []) + [
        f"已删除上次运行留下的 {name}（本次未要求此格式）/ removed {name} left by an earlier run" for name in removed
    ]
    return ev, files, tuple(notes)


def run_report(params: JobParams, *, notebook: Path | None = None, cwd: Path = ROOT) -> RunResult:
    """Validate the data, execute the notebook, export ``params.formats``, then move each file into
    ``outputs/[unit/]YEAR/`` with an atomic rename. Bad input raises before anything is written.

    ``params.document`` chooses the document (its notebook, unless ``notebook`` is given, and its file names);
    an unknown document is a ParamsError before anything is written.
    The kernel starts first and warms up while this process validates and evaluates the data.
    """
    from evaltools.report.exporters import DOCUMENTS, get_document

    doc = get_document(params.document)
    notebook = Path(notebook) if notebook is not None else doc.notebook_path
    started = time.perf_counter()
    timings: dict[str, float] = {}
    # params were resolved when made (absolute folders, the rule set checked): the kernel, which runs in the
    # project folder, is handed the same values
    # never on, in or above the data (plan_jobs says it first, and tries the folder for writing: not here, where
    # the reports of a batch start at once)
    refuse_output_on_inputs(params.output_dir, {params.data_dir: ("数据目录", "the data folder")})
    final = usable_folder(output_dir(params), "输出目录 / the output folder", "output_dir")
    created = [d for d in (final.parent, *final.parent.parents) if not d.exists()]
    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        clean_stale(final.parent)
        stage = Path(tempfile.mkdtemp(prefix=f"{STAGING_PREFIX}{os.getpid()}-", dir=final.parent))
    except OSError as exc:  # read-only, a read-only file system, permission denied (also for root: /sys …)
        _remove_empty(created)
        raise unwritable(params.output_dir, "输出目录 / the output folder", exc, "output_dir") from None
    running: dict[str, WarmKernel] = {}
    token = stop.on_stop(lambda: (shutil.rmtree(stage, True), running["kernel"].kill() if running else None))
    try:
        ours = {d.notebook_path for d in DOCUMENTS.values()}
        warm_up = WarmKernel.WARM_UP if notebook in ours else None  # another notebook: its own imports
        running["kernel"] = _kernel_for(cwd, stage, warm_up)
        timings["kernel_start"] = time.perf_counter() - started
        ev, files, notes = _make(params, running["kernel"], stage, final, notebook, cwd, timings)
    except BaseException:
        if running:
            running["kernel"].shutdown()
        shutil.rmtree(stage, ignore_errors=True)
        _remove_empty(created)
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if running:
            running["kernel"].discard()
        stop.forget(token)
    warnings = tuple(p.message if p.code in RUN_WARNINGS else str(p) for p in ev.data.warnings)  # as check shows them
    seconds = time.perf_counter() - started
    return RunResult(
        params.year,
        params.unit,
        final,
        tuple(files),
        ev.total.score,
        ev.grade,
        seconds,
        timings,
        warnings,
        ev.total.unknown_reason,
        notes,
        {sev: int((ev.findings["severity"] == sev).sum()) for sev in ("error", "warning", "info")},
    )


#: The kernel :func:`prestart` started, until a run takes it (:func:`_kernel_for`) or the process ends.
_EARLY: list[WarmKernel] = []


def prestart(cwd: Path = ROOT) -> None:
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


def _kernel_for(cwd: Path, stage: Path, warm_up: str | None) -> WarmKernel:
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


_clean_stale = clean_stale  # the former name

__all__ = ["run_report", "RunResult", "output_dir", "execute", "WarmKernel", "clean_stale", "prestart"]
