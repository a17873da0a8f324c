"""What ``evaltools review`` writes (:mod:`evaltools.run.review` reads and reviews): the 复核底稿 (in parallel on the
executors when many), 复核问题清单, 整改台账 and 复核汇总 workbooks, the report (the bureau notebook executed by
papermill in a warm kernel, exported to HTML and PDF), the units' 复核意见 (``--opinions``); all made in a staging
folder inside the output folder and moved into place, the output mark written last."""

from __future__ import annotations

import os
import pickle
import shutil
import time
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from evaltools.paths import PROJECT_ROOT, write_mark
from evaltools.report.bureau.model import BureauReview

from .executors import CALL_EXECUTORS, ExecutorOptions

__all__ = ["NOTEBOOK", "SUMMARY_FILE", "WORKSHEETS", "opinion_units", "write_opinions", "write_review"]

#: The notebook the command executes (the bureau's 复核报告).
NOTEBOOK = PROJECT_ROOT / "notebooks" / "bureau_review.ipynb"
_STAGING = ".tmp-review-"
#: Which forms get a 复核底稿: the sampled ones (重点复核, the default), every one, none.
WORKSHEETS = ("sample", "all", "none")
#: 复核底稿 written in this process at most; more are split by unit over ``jobs_n`` workers.
INLINE_WORKSHEETS = 200


#: The 复核汇总 workbook: every unit and every form with its figures (the report lists the first of each).
SUMMARY_FILE = "复核汇总.xlsx"


def _write_summary(review: BureauReview, path: Path) -> Path:
    """复核汇总.xlsx (:func:`evaltools.report.bureau.summary.summary_tables`), one sheet per table."""
    from evaltools.report.bureau.summary import summary_tables

    with pd.ExcelWriter(path, engine="openpyxl") as writer:
        for sheet, frame in summary_tables(review).items():
            frame.to_excel(writer, sheet_name=sheet, index=False)
            writer.sheets[sheet].freeze_panes = "A2"
    return path


def _worksheet_task(frames: object, book: object, folder: str, per: str, synthetic: bool) -> list[str]:
    """One worker's share of the 复核底稿 (whole units: a per-unit workbook is never split)."""
    from evaltools.report.bureau.workbooks import write_worksheets

    return [str(p) for p in write_worksheets(frames, book, folder, per, synthetic)]


def _worksheets(review: BureauReview, folder: Path, only: set[str] | None, per: str, jobs_n: int) -> list[Path]:
    """The 复核底稿 of ``only`` (None: every form): in this process when few (:data:`INLINE_WORKSHEETS`) or one job,
    else split by unit into ``2 × jobs_n`` parts written by the process pool (openpyxl is about 50 ms a workbook)."""
    frames, synthetic = review.frames, review.source.synthetic
    forms = frames.forms if only is None else frames.forms[frames.forms["form"].isin(only)]
    if jobs_n <= 1 or len(forms) <= INLINE_WORKSHEETS:
        return [
            Path(p)
            for p in _worksheet_task(_subset(frames, set(forms["form"])), review.book, str(folder), per, synthetic)
        ]
    units = pd.unique(forms["unit"])
    parts = [set(units[i :: 2 * jobs_n]) for i in range(2 * jobs_n)]
    tasks = []
    for part in parts:
        chosen = set(forms.loc[forms["unit"].isin(part), "form"])
        tasks.append((_subset(frames, chosen), review.book, str(folder), per, synthetic))
    done = CALL_EXECUTORS["process"](_worksheet_task, tasks, ExecutorOptions(jobs_n), lambda i, r: None)
    return [Path(p) for paths in done for p in paths]


def _subset(frames: object, forms: set[str]) -> object:
    """``frames`` cut to ``forms`` (their indicators and findings with them)."""
    from evaltools.scoring.review.frames import ReviewFrames

    return ReviewFrames(*(f[f["form"].isin(forms)] for f in (frames.forms, frames.indicators, frames.findings)))


def _worksheet_forms(review: BureauReview, which: str) -> set[str] | None:
    """The forms that get a 复核底稿: None for every form (``all``), the sampled ones (``sample``), none."""
    if which == "all":
        return None
    return set(review.sample.frame["form"]) if which == "sample" else set()


def opinion_units(review: BureauReview, n: int) -> list[str]:
    """The ``n`` dataset units of highest risk (their riskiest form first) whose 复核意见 the command writes."""
    if n <= 0 or not review.source.datasets:
        return []
    forms = review.frames.forms[review.frames.forms["file"].isna()]
    risk = review.risk.set_index("form")["risk"].reindex(forms["form"].to_numpy()).to_numpy()
    ranked = forms.assign(risk=risk).sort_values(["risk", "unit"], ascending=[False, True], kind="stable")
    return list(dict.fromkeys(ranked["unit"]))[:n]


def write_opinions(
    review: BureauReview, out: Path, units: Sequence[str], reviewer: str | None, jobs_n: int = 1
) -> tuple[str, ...]:
    """Each unit's 复核意见 (``evaltools run YEAR --document review``) into ``out/复核意见/<unit>/<year>/`` from the
    dataset that holds it (a folder named by its year, as ``evaltools run`` reads it); returns the units written."""
    from evaltools.params import JobParams
    from evaltools.report.bureau.lists import OPINIONS
    from evaltools.run.batch import run_batch

    jobs = []
    for folder in map(Path, review.source.datasets):
        if not folder.name.isdigit():
            continue  # not a year folder: `evaltools run` cannot find it
        for unit in units:
            jobs.append(
                JobParams(
                    int(folder.name),
                    unit,
                    str(folder.parent),
                    output_dir=str(out / OPINIONS),
                    formats=("html",),
                    document="review",
                    reviewer=reviewer,
                )
            )
    results = run_batch(jobs, jobs_n=jobs_n, executor="process" if jobs_n > 1 else "serial") if jobs else []
    return tuple(r.unit for r in results if r.ok)


def write_review(
    review: BureauReview,
    out: Path,
    *,
    formats: Sequence[str] = ("html", "pdf"),
    reviewer: str | None = None,
    title: str | None = None,
    worksheets: str = "sample",
    per: str = "form",
    jobs_n: int = 1,
    timings: dict | None = None,
) -> list[Path]:
    """The workbooks (复核底稿 for ``worksheets`` forms, one per form or per unit; 复核问题清单; 整改台账), then the
    report (notebook executed, exported), all made in a staging folder and moved into ``out``; the output mark
    written last. Returns the files written, the report first."""
    from evaltools.report.bureau.issue_list import write_issue_list, write_rectification
    from evaltools.report.bureau.lists import rectification_levels

    timings = {} if timings is None else timings
    out.mkdir(parents=True, exist_ok=True)
    stage = out / f"{_STAGING}{os.getpid()}"
    shutil.rmtree(stage, ignore_errors=True)
    stage.mkdir()
    synthetic = review.source.synthetic
    from evaltools.run.runner import WarmKernel

    kernel = WarmKernel(PROJECT_ROOT, stage / "kernel.log", WARM_UP)  # starts while the workbooks are written
    try:
        t = time.perf_counter()
        frames, book = review.frames, review.book
        only = _worksheet_forms(review, worksheets)
        sheets = _worksheets(review, stage / "复核底稿", only, per, jobs_n) if only != set() else []
        books = [
            write_issue_list(frames, book, stage / "复核问题清单.xlsx", synthetic=synthetic),
            write_rectification(
                frames, book, stage / "整改台账.xlsx", levels=rectification_levels(book), synthetic=synthetic
            ),
            _write_summary(review, stage / SUMMARY_FILE),
        ]
        timings["workbooks"] = time.perf_counter() - t
        t = time.perf_counter()
        report = _report_files(review, stage, kernel, formats, reviewer, title)
        timings["report"] = time.perf_counter() - t
        written = [_publish(p, stage, out) for p in [*report, *books]]
        if sheets or (stage / "复核底稿").is_dir():
            (stage / "复核底稿").mkdir(exist_ok=True)
            written.append(_publish(stage / "复核底稿", stage, out))
    finally:
        kernel.shutdown()
        shutil.rmtree(stage, ignore_errors=True)
    files = [f for p in written for f in ([p] if p.is_file() else sorted(p.rglob("*")))]
    write_mark(out, "review", [f for f in files if f.is_file()])
    return written


def _publish(path: Path, stage: Path, out: Path) -> Path:
    """Move ``path`` (under ``stage``) to the same place under ``out``, replacing what an earlier review wrote."""
    target = out / path.relative_to(stage)
    if target.is_dir() and not target.is_symlink():
        shutil.rmtree(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)
    return target


def _report_files(
    review: BureauReview, stage: Path, kernel: object, formats: Sequence[str], reviewer: str | None, title: str | None
) -> list[Path]:
    """Execute the bureau notebook on the review (handed over as a pickle in the staging folder) and export it."""
    from evaltools.report.bureau.export import BUREAU, export

    handover = stage / "review.pickle"
    handover.write_bytes(pickle.dumps(review, protocol=pickle.HIGHEST_PROTOCOL))
    params = {"review": str(handover), "reviewer": reviewer, "title": title}
    nb = _execute(stage / BUREAU.files["ipynb"], params, kernel)
    handover.unlink()
    return export(nb, review, stage, formats)


#: What the kernel imports while this process reads and reviews.
WARM_UP = "import evaltools.report.bureau.report, evaltools.report.charts; evaltools.report.charts.use_theme()"


def _execute(target: Path, params: dict, kernel: object) -> object:
    """papermill over :data:`NOTEBOOK` in ``kernel`` (the runner's :class:`WarmKernel`: private Unix sockets) with
    ``params`` as the one parameter (:func:`evaltools.run.runner.execute_notebook`); a cell's error a RunError
    naming the cell."""
    from evaltools.run.runner import execute_notebook

    try:
        return execute_notebook(NOTEBOOK, target, params, cwd=PROJECT_ROOT, km=kernel.km, what="复核报告", kept=False)
    finally:
        kernel.shutdown()
