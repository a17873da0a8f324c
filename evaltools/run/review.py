"""The finance bureau's 复核 of a year: ``evaltools review PATH… --to DIR``.

The inputs are folders (or files) of filled-in forms and/or many-unit dataset folders (``units.csv`` …, as
:func:`evaltools.load_path` reads). Forms are found as ``evaltools audit`` finds them (:func:`find_files`:
folders evaltools wrote skipped, identical copies read once), read in parallel on the executors when many, and
then scored and audited in ONE :func:`evaluate_units` pass over all the forms of a year (never chunked: the
cross-form red flags must see every form). A dataset is one evaluation as it is.

The review itself — frames, red flags, reviewer scores, 偏离度, tiers, risk, the sample — is assembled by
:func:`evaltools.report.bureau.model.assemble`; the report is the notebook ``notebooks/bureau_review.ipynb``
executed by papermill and exported to HTML and PDF; the workbooks (复核底稿, 复核问题清单, 整改台账) are written
beside it (:mod:`evaltools.report.bureau.workbooks`). The output folder is checked as the audit's is: never in, on
or above an input folder, writable, marked as evaltools' output once written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from evaltools.data.forms import FormFailure, ImportedForm, read_files
from evaltools.data.load import load_path
from evaltools.data.model import UnitsData, YearData
from evaltools.errors import ParamsError
from evaltools.params import DEFAULT_RULES
from evaltools.paths import changed_since_written, input_folders, output_folder, read_mark
from evaltools.report.bureau.model import BureauReview, ReviewSource, assemble
from evaltools.scoring.audit.redflags import with_red_flags
from evaltools.scoring.evaluation import UnitsEvaluation, evaluate_units
from evaltools.scoring.rules import RuleSet, load_rules

from .audit import INLINE_FILES, find_files, forms_as_units
from .executors import CALL_EXECUTORS, ExecutorOptions
from .review_output import WORKSHEETS, opinion_units, write_opinions, write_review

__all__ = [
    "DATASET_FILES",
    "ReviewInputs",
    "ReviewRun",
    "is_dataset",
    "review_rules",
    "read_inputs",
    "review_output",
    "run_review",
]

#: A folder holding one of these is a many-unit dataset (read whole by :func:`evaltools.load_path`), not forms.
DATASET_FILES = ("units.csv", "units.parquet", "profile.yaml")
#: Files per reading task on the executors.
READ_CHUNK = 25


def review_rules(name: str) -> RuleSet:
    """The rule set ``name`` as the review scores with it: the per-form red flags on (``audit.red_flags``)."""
    return with_red_flags(load_rules(name))


def is_dataset(path: str | Path) -> bool:
    """Whether ``path`` is a dataset folder (:data:`DATASET_FILES` directly in it) rather than a folder of forms."""
    path = Path(path)
    return path.is_dir() and any((path / name).is_file() for name in DATASET_FILES)


# ----------------------------------------------------------------------------- the inputs


@dataclass(frozen=True)
class ReviewInputs:
    """What was read: one evaluation per year of forms and per dataset, each with its ``meta`` (forms: one row per
    unit key ⟦i⟧ — org, form, unit, file, part; datasets: None); the forms that could not be read (file, part,
    reason); how many form files were read; the dataset folders; the folders evaltools wrote that were skipped."""

    evaluations: tuple[UnitsEvaluation, ...]
    metas: tuple[pd.DataFrame | None, ...]
    failures: pd.DataFrame
    files: int = 0
    datasets: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()
    duplicates: tuple[tuple[str, str], ...] = field(default=())


def _shown(path: str | Path, roots: Sequence[Path]) -> str:
    """A file as the report names it: its path under the input folder holding it, else its name."""
    path = Path(path)
    for root in roots:
        try:
            return (Path(root.name) / path.relative_to(root)).as_posix()
        except ValueError:
            continue
    return path.name


@dataclass(frozen=True)
class FoundFilesInfo:
    files: int
    skipped: tuple[str, ...]
    duplicates: tuple[tuple[str, str], ...]


def _read_chunk(files: Sequence[str]) -> tuple[list[ImportedForm], list[FormFailure]]:
    """One reading task: the forms of ``files`` (a bad file a failure, never an exception)."""
    return read_files(files)


def _read_forms(
    files: list[Path], jobs_n: int, executor: str, on_read: Callable[[int], None], scheduler: str | None = None
) -> tuple[list[ImportedForm], list[FormFailure]]:
    """Every form of ``files``: in this process when few (:data:`INLINE_FILES`), else in chunks on the executor
    (the dask executor on ``scheduler`` when one is given, whatever ``jobs_n``)."""
    names = [str(f) for f in files]
    if len(names) <= INLINE_FILES or (jobs_n <= 1 and not scheduler):
        executor, jobs_n = "serial", 1
    chunks = [tuple(names[i : i + READ_CHUNK]) for i in range(0, len(names), READ_CHUNK)]
    results = CALL_EXECUTORS[executor](
        _read_chunk, [(c,) for c in chunks], ExecutorOptions(jobs_n, scheduler), lambda i, r: on_read(len(chunks[i]))
    )
    forms = [f for found, _ in results for f in found]
    failures = [f for _, failed in results for f in failed]
    return forms, failures


def _evaluate_year(forms: list[ImportedForm], keys: list[int], rules: RuleSet) -> tuple[UnitsEvaluation, list[int]]:
    """ONE :func:`evaluate_units` pass over the forms of a year; a form the scoring cannot handle is found (form by
    form, only then) and left out. Returns the evaluation and the keys of the forms left out."""
    try:
        return evaluate_units(forms_as_units(forms, keys), rules), []
    except Exception:  # noqa: BLE001 - find the forms that fail, then one pass over the others
        bad = []
        for form, key in zip(forms, keys):
            try:
                evaluate_units(forms_as_units([form], [key]), rules)
            except Exception:  # noqa: BLE001
                bad.append(key)
        kept = [(f, k) for f, k in zip(forms, keys) if k not in bad]
        if not kept:
            raise
        return evaluate_units(forms_as_units([f for f, _ in kept], [k for _, k in kept]), rules), bad


def _meta(forms: Sequence[ImportedForm], keys: Sequence[int], roots: Sequence[Path]) -> pd.DataFrame:
    """One row per unit key ⟦i⟧: the form's id (file + #part), its unit, file and part."""
    rows = []
    for form, key in zip(forms, keys):
        file = _shown(form.source, roots)
        part = form.part or ""
        rows.append({"org": f"⟦{key}⟧", "form": f"{file}#{part}", "unit": form.data.unit, "file": file, "part": part})
    return pd.DataFrame(rows, columns=["org", "form", "unit", "file", "part"])


def _forms_inputs(
    paths: list[Path],
    rules: RuleSet,
    jobs_n: int,
    executor: str,
    on_read: Callable[[int], None],
    scheduler: str | None = None,
) -> tuple[list[UnitsEvaluation], list[pd.DataFrame], list[dict], int, FoundFilesInfo]:
    """The evaluations (one per year) and metas of every form under ``paths``, and the failures."""
    found = find_files(paths)
    roots = [p for p in paths if p.is_dir()]
    forms, failures = _read_forms(found.files, jobs_n, executor, on_read, scheduler)
    failed = [{"file": _shown(f.source, roots), "part": f.part or "", "reason": f.reason} for f in found.missing]
    failed += [{"file": _shown(f.source, roots), "part": f.part or "", "reason": f.reason} for f in failures]
    by_year: dict[object, list[int]] = {}
    for i, form in enumerate(forms):
        by_year.setdefault(form.data.year, []).append(i)
    evaluations, metas = [], []
    for year in sorted(by_year, key=str):
        keys = by_year[year]
        ev, bad = _evaluate_year([forms[i] for i in keys], keys, rules)
        for key in bad:
            reason = "无法计分 / cannot be scored"
            failed.append({"file": _shown(forms[key].source, roots), "part": forms[key].part or "", "reason": reason})
        kept = [k for k in keys if k not in bad]
        evaluations.append(ev)
        metas.append(_meta([forms[k] for k in kept], kept, roots))
    info = FoundFilesInfo(
        len(found.files),
        tuple(found.skipped),
        tuple((_shown(c, roots), _shown(f, roots)) for c, f in found.duplicates),
    )
    return evaluations, metas, failed, len(found.files), info


def _dataset(path: Path, rules: str | None) -> UnitsEvaluation:
    """A dataset folder loaded (every problem a located InputError) and evaluated in one pass."""
    from evaltools.params import chosen_rules

    data = load_path(path)
    if isinstance(data, YearData):  # one unit's folder: a dataset of one unit
        data = UnitsData.from_years([data])
    return evaluate_units(data, review_rules(chosen_rules(rules, getattr(data.profile, "rules", None)).name))


def read_inputs(
    paths: Sequence[str | Path],
    rules: str = DEFAULT_RULES,
    *,
    jobs_n: int = 1,
    executor: str = "process",
    scheduler: str | None = None,
    on_read: Callable[[int], None] | None = None,
) -> ReviewInputs:
    """Read every input of the review: the datasets among ``paths`` (:func:`is_dataset`) and the forms under the
    others (``executor``; ``scheduler``: a Dask scheduler's address, dask only). Nothing found at all is a
    ParamsError naming the paths."""
    CALL_EXECUTORS[executor]  # an unknown executor fails here, before anything is read
    if scheduler and executor != "dask":
        raise ParamsError(
            "--scheduler 只用于 dask 执行器（加 --executor dask）/ --scheduler is only used by the dask executor "
            "(add --executor dask)",
            key="scheduler",
        )
    paths = [Path(p) for p in paths]
    datasets = [p for p in paths if is_dataset(p)]
    others = [p for p in paths if p not in datasets]
    evaluations = [_dataset(p, rules if rules != DEFAULT_RULES else None) for p in datasets]
    metas: list[pd.DataFrame | None] = [None] * len(evaluations)
    failed: list[dict] = []
    files, info = 0, FoundFilesInfo(0, (), ())
    if others:
        ev, meta, failed, files, info = _forms_inputs(
            others, review_rules(rules), jobs_n, executor, on_read or _none, scheduler
        )
        evaluations += ev
        metas += meta
    if not evaluations and not failed:
        raise ParamsError(
            "没有找到自评表或数据集 / no forms (.xlsx, .docx) or dataset folders (units.csv) under "
            + ", ".join(str(p) for p in paths),
            key="paths",
        )
    frame = pd.DataFrame(failed, columns=["file", "part", "reason"])
    return ReviewInputs(
        tuple(evaluations), tuple(metas), frame, files, tuple(str(p) for p in datasets), info.skipped, info.duplicates
    )


def _none(n: int) -> None:
    return None


# ----------------------------------------------------------------------------- the output folder


def refuse_filled(out: Path) -> None:
    """ParamsError when files an earlier review wrote into ``out`` were changed since (a 复核底稿 filled in, the
    整改台账 updated): a reviewer's work is never overwritten without ``--force``."""
    changed = changed_since_written(out) if read_mark(out) is not None else []
    if changed:
        shown = "、".join(changed[:10]) + (f" … (+{len(changed) - 10})" if len(changed) > 10 else "")
        raise ParamsError(
            f"不覆盖已填写或改动的复核文件 / not overwriting {out}: {shown} — 自上次 evaltools review 写出后已改动 / "
            "changed since evaltools review wrote them; 已填写的复核底稿用 --scores 读回，另选 --to，或加 --force 覆盖 / "
            "read filled 复核底稿 back with --scores, choose another --to, or add --force to overwrite them",
            key="to",
        )


def review_output(paths: Sequence[str | Path], out_dir: str | Path, *also: str | Path | None) -> Path:
    """The review's output folder, refused before anything is read or written when it is equal to, inside or
    above an input folder (the forms, a dataset, ``--scores``, ``--prior``), is the folder of a form file given,
    or cannot be written — as the audit's (:func:`evaltools.paths.output_folder`)."""
    given = [*paths, *(p for p in also if p is not None)]
    folders, beside = input_folders(given, "复核的文件夹", "a folder the review reads")
    return output_folder(out_dir, folders, beside=beside)


# ----------------------------------------------------------------------------- the whole command


@dataclass(frozen=True)
class ReviewRun:
    """What ``evaltools review`` did: the review, the files written (report first), timings in seconds."""

    review: BureauReview
    files: tuple[Path, ...]
    seconds: float
    timings: dict = field(default_factory=dict)


def _source(inputs: ReviewInputs, paths: Sequence[str | Path]) -> ReviewSource:
    kinds = ("dataset" if inputs.datasets else "") + ("forms" if inputs.files else "")
    return ReviewSource(
        kind={"dataset": "dataset", "forms": "forms", "datasetforms": "mixed"}.get(kinds, "forms"),
        paths=tuple(Path(p).name or str(p) for p in paths),
        files=inputs.files,
        failures=inputs.failures,
        datasets=inputs.datasets,
        synthetic=any(bool(getattr(ev.data.profile, "synthetic", False)) for ev in inputs.evaluations),
    )


def run_review(
    paths: Sequence[str | Path],
    out_dir: str | Path,
    *,
    scores: str | Path | None = None,
    prior: str | Path | None = None,
    rulebook: str = "bureau",
    seed: int | None = None,
    rules: str = DEFAULT_RULES,
    formats: Sequence[str] = ("html", "pdf"),
    reviewer: str | None = None,
    title: str | None = None,
    worksheets: str = "sample",
    per: str = "form",
    opinions: int = 0,
    force: bool = False,
    jobs_n: int = 1,
    executor: str = "process",
    scheduler: str | None = None,
    on_step: Callable[[str], None] | None = None,
) -> ReviewRun:
    """The review of every form and dataset under ``paths`` written to ``out_dir``: the 复核报告 (``formats``), the
    复核底稿 folder, 复核问题清单.xlsx and 整改台账.xlsx. ``scores``: the filled 复核底稿 read back (the reviewers'
    复核得分); ``prior``: last year's 复核问题清单 / 整改台账 (persistence, 整改 checked). Input problems are
    located errors, raised before anything is written."""
    from evaltools.data.review_scores import read_prior, read_reviewer_scores
    from evaltools.scoring.review.rulebook import load_rulebook

    step = on_step or (lambda s: None)
    started = time.perf_counter()
    if worksheets not in WORKSHEETS or per not in ("form", "unit"):
        raise ParamsError(
            f"--worksheets 为 {'|'.join(WORKSHEETS)}，--per 为 form|unit / expected --worksheets {'|'.join(WORKSHEETS)}, "
            f"--per form|unit, found {worksheets!r}, {per!r}",
            key="worksheets",
        )
    out = review_output(paths, out_dir, scores, prior)
    if not force:
        refuse_filled(out)
    book = load_rulebook(rulebook)
    timings: dict = {}
    t = time.perf_counter()
    inputs = read_inputs(paths, rules, jobs_n=jobs_n, executor=executor, scheduler=scheduler)
    timings["read"] = time.perf_counter() - t
    step("read")
    items = list(book.items["item"])
    given = read_reviewer_scores(scores, items) if scores is not None else None
    before = read_prior(prior) if prior is not None else None
    t = time.perf_counter()
    review = assemble(
        inputs.evaluations, inputs.metas, book, scores=given, prior=before, seed=seed, source=_source(inputs, paths)
    )
    timings["review"] = time.perf_counter() - t
    step("review")
    if opinions:
        t = time.perf_counter()
        written = write_opinions(review, out, opinion_units(review, opinions), reviewer, jobs_n)
        review = replace(review, source=replace(review.source, opinions=written))
        timings["opinions"] = time.perf_counter() - t
    files = write_review(
        review,
        out,
        formats=formats,
        reviewer=reviewer,
        title=title,
        worksheets=worksheets,
        per=per,
        jobs_n=jobs_n,
        timings=timings,
    )
    if review.source.opinions:
        from evaltools.report.bureau.lists import OPINIONS

        files.append(out / OPINIONS)
    return ReviewRun(review, tuple(files), time.perf_counter() - started, timings)
