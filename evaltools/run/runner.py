"""Running one report: validate, execute the notebook with papermill, export, and move the
outputs into place atomically. A failure leaves the previous good outputs untouched."""

from __future__ import annotations

import json
import os
import re
import shutil
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
from evaltools.run.kernel import HANDOVER_FILE, STAGE_POINTER, WarmKernel, discard_early, kernel_for, prestart
from evaltools.run.kernelcheck import kernel_failure

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from evaltools.run.session import Session

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


def _export_early(formats, ev, stage: Path, export, doc, warm: list[str]) -> tuple[dict, dict]:
    """Exports that need no notebook (xlsx, json), and the imports of the notebook exporters of ``warm``."""
    done, timings = {}, {}
    for name in formats:
        if not export.EXPORTERS[name].notebook:
            _export_one(export.EXPORTERS[name], None, ev, done, stage, timings, doc.filename(name))
    t = time.perf_counter()
    export.warm_up(warm)
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


def _hand_over(
    params: JobParams, ev: object, path: Path | None, charts: tuple[str, ...] = (), history: object = None
) -> None:
    """Leave the evaluation for the report's kernel at ``path`` (its :attr:`WarmKernel.handover`; its prepare()
    then skips loading and evaluating), with the ``charts`` its notebook draws — the kernel draws them as soon as
    the file is there (:func:`evaltools.report.sections.watch_handover`) — and, in a batch, the trend's years.
    Written whole, then renamed into place: the kernel never reads half a file."""
    import pickle

    if path is None:
        return
    try:
        payload = pickle.dumps((handover_key(params), ev, charts, history), protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # noqa: BLE001 - not picklable: the kernel evaluates for itself
        path.unlink(missing_ok=True)
        return
    part = path.with_name(path.name + ".part")
    part.write_bytes(payload)
    os.replace(part, path)


def _evaluated(params: JobParams, session: Session | None) -> tuple[JobParams, object, object, object]:
    """The year loaded, checked and evaluated here, before the notebook runs (bad input refused with its
    location; last year attached when it loads, else left out with a warning): the parameters with the rule set
    chosen (the one precedence: explicit > profile > default), the choice, the evaluation and — in a batch — the
    trend's years (None: the kernel reads them). A batch's session reads each file and evaluates each year once."""
    from evaltools.data.load import load_year
    from evaltools.scoring.evaluation import evaluate
    from evaltools.scoring.rules import load_rules

    if session is None:
        data = load_year(params.year, params.data_dir, params.unit)
        choice = chosen_rules(params.rules, data.profile.rules)
        params = replace(params, rules=choice.name)
        return params, choice, evaluate(data, load_rules(params.rules)), None
    from evaltools.report.sections import history

    ev, choice = session.report_evaluation(params)
    params = replace(params, rules=choice.name)
    earlier = lambda year: session.earlier_evaluation(year, params.data_dir, params.unit, params.rules)  # noqa: E731
    return params, choice, ev, history(params, ev.rules, ev, earlier)


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


def _execute_in(kernel: WarmKernel, params, stage, final, notebook, cwd, doc, side, session) -> NotebookNode:  # noqa: ANN001
    """Execute the notebook in ``kernel`` (shut down after it unless a batch keeps it; the ``side`` thread's work
    finished first); a report whose kernel logged errors or left cells empty is refused (kernel_failure)."""
    since = kernel.log.stat().st_size if session else 0
    try:
        kernel.reset()
        nb = _execute_keeping_failure(params, stage, final, notebook, cwd, kernel.km, doc)
        kernel.used += 1
    finally:
        if session is None:
            kernel.shutdown()
        side.shutdown(wait=True)  # never leave it writing into a staging folder being removed
    kernel_failure(nb, kernel.log, final, stage, since)  # errors the kernel logged or cells left empty: no report
    if session is None:
        kernel.discard()  # a kernel started early: its private folder (log, evaluation) goes now, not after the exports
    return nb


def _make(
    params: JobParams,
    kernel: WarmKernel,
    stage: Path,
    final: Path,
    notebook: Path,
    cwd: Path,
    timings: dict,
    session: Session | None = None,
) -> tuple[object, list[Path], tuple[str, ...]]:
    """Evaluate here while the kernel warms up, execute the notebook, export every format, publish; returns the
    evaluation, the files written and the run's notes (the rule set chosen over the data's own, stale files
    removed). In a batch (``session``) the kernel is the worker's, kept for its next report."""
    from concurrent.futures import ThreadPoolExecutor

    from evaltools.report import exporters as export

    t = time.perf_counter()
    doc = export.get_document(params.document)
    formats = export.order(["ipynb", *params.formats])
    params, choice, ev, hist = _evaluated(params, session)
    _hand_over(params, ev, kernel.handover, notebook_charts(notebook), hist)
    timings["evaluate"] = time.perf_counter() - t
    # While the kernel runs the notebook this process mostly waits: on the other core, make the
    # outputs that need only the evaluation and import what the notebook exporters need. papermill (and nbclient,
    # which nbconvert imports too) is imported here first: two threads importing the same modules at once can meet
    # in Python's import locks ("_DeadlockError: deadlock detected by _ModuleLock('nbclient.exceptions')", a report
    # of the bench's batch failed so)
    skip_slow_optional_imports()
    import papermill  # noqa: F401

    side = ThreadPoolExecutor(max_workers=1, thread_name_prefix="evaltools-export")
    # a single report prints its PDF in a process of its own, warmed up on the core the kernel leaves idle; a batch
    # worker prints in its own process (its reports already keep both cores busy)
    with export.printing(formats if session is None else (), stage) as printed:
        warm = [f for f in formats if not (printed and f == "pdf")]
        early = side.submit(_export_early, formats, ev, stage, export, doc, warm)
        t = time.perf_counter()
        nb = _execute_in(kernel, params, stage, final, notebook, cwd, doc, side, session)
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


def run_report(
    params: JobParams, *, notebook: Path | None = None, cwd: Path = ROOT, session: Session | None = None
) -> RunResult:
    """Validate the data, execute the notebook, export ``params.formats``, then move each file into
    ``outputs/[unit/]YEAR/`` with an atomic rename. Bad input raises before anything is written.

    ``params.document`` chooses the document (its notebook, unless ``notebook`` is given, and its file names);
    an unknown document is a ParamsError before anything is written.
    The kernel starts first and warms up while this process validates and evaluates the data. In a batch,
    ``session`` (:mod:`evaltools.run.session`) gives the worker's kept kernel and its year evaluated once.
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
        running["kernel"] = _kernel(session, stage, cwd, warm_up)
        timings["kernel_start"] = time.perf_counter() - started
        ev, files, notes = _make(params, running["kernel"], stage, final, notebook, cwd, timings, session)
    except BaseException:
        if running:  # a failed report's kernel is not kept: the next report starts afresh
            session.drop_kernel() if session else running["kernel"].shutdown()
        shutil.rmtree(stage, ignore_errors=True)
        _remove_empty(created)
        raise
    finally:
        shutil.rmtree(stage, ignore_errors=True)
        if running and session is None:
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


def _kernel(session: Session | None, stage: Path, cwd: Path, warm_up: str | None) -> WarmKernel:
    """A new kernel for this report, or the batch worker's kept one (told which staging folder is this report's,
    so that it removes it too when the worker is killed)."""
    if session is None:
        return kernel_for(cwd, stage, warm_up)
    (session.folder / STAGE_POINTER).write_text(str(stage), encoding="utf-8")
    return session.kernel(cwd, warm_up, {HANDOVER_ENV: str(session.folder / HANDOVER_FILE)}, WarmKernel)


_clean_stale = clean_stale  # the former name

__all__ = [
    "run_report",
    "RunResult",
    "output_dir",
    "execute",
    "WarmKernel",
    "clean_stale",
    "prestart",
    "discard_early",
    "HANDOVER_FILE",
]
