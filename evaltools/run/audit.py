"""Auditing a bureau's year of filled-in forms at once: every .xlsx and .docx under the folders given is read,
its forms are scored and audited, and one findings table lists what was found, each finding with its form
and cell — the audit's findings and every located warning of the reading (a cell read as unknown …); forms
that cannot be read are listed with the reason and never stop the others. A forms table says per form what
was read, what is unknown and why (:mod:`evaltools.run.audit_rows`).

Files are read in chunks (one worker each: ``--jobs``, ``--executor process | dask | serial``; a few files are
read in this process: starting workers costs more than they save); the forms of a chunk are evaluated together
by :func:`evaluate_forms` — each form a unit of one dataset, one scoring and audit pass over all of them.
"""

from __future__ import annotations

import errno
import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd

from evaltools import labels
from evaltools.data.forms import READERS, FormFailure, ImportedForm, form_files, read_file, read_files
from evaltools.data.model import UnitsData, YearData
from evaltools.data.schema import ORG
from evaltools.errors import ParamsError
from evaltools.fmt import is_missing
from evaltools.params import DEFAULT_RULES
from evaltools.paths import (
    OUTPUT_MARK,
    input_folders,
    output_folder,
    sha256,
    unwritable,
    write_mark,
)
from evaltools.scoring.evaluation import evaluate_units
from evaltools.scoring.rules import RuleSet, load_rules

from .audit_rows import (
    DUPLICATE,
    FINDING_COLUMNS,
    FORM_COLUMNS,
    READ,
    UNREADABLE,
    UNREADABLE_CODE,
    audit_rows,
    duplicate_row,
    failure_row,
    finding_cell,
    form_row,
    reading_rows,
    refused_row,
)
from .executors import CALL_EXECUTORS, ExecutorOptions

__all__ = [
    "FINDING_COLUMNS",
    "FORM_COLUMNS",
    "UNREADABLE",
    "UNREADABLE_CODE",
    "AuditResult",
    "FoundFiles",
    "audit_output",
    "audit_files",
    "find_files",
    "audit_tables",
    "evaluate_forms",
    "finding_cell",
    "run_audit",
    "write_audit",
]

#: Files per chunk at most: small enough for a live progress bar, large enough for one pass to pay.
CHUNK = 25
#: Files read in this process whatever ``--jobs``: a worker process costs about a second to start and import
#: (bench/run.py, forms row), a file about 30 ms to read and audit, so fewer files are done sooner here.
INLINE_FILES = 40
_KEY = re.compile(r"⟦(\d+)⟧")


# ----------------------------------------------------------------------------- one pass over many forms


def _key(i: int) -> str:
    return f"⟦{i}⟧"


def forms_as_units(forms: Sequence[ImportedForm], keys: Sequence[int]) -> UnitsData:
    """The forms as one dataset of units, form ``keys[n]`` the unit ``⟦keys[n]⟧`` (two forms of one unit stay
    two units), so that one :func:`evaluate_units` scores and audits each form as :func:`evaluate` of it alone
    would. The forms are of one year."""
    years = [YearData(replace(f.data.profile, unit=_key(k)), f.data.tables, f.data.source) for f, k in zip(forms, keys)]
    return UnitsData.from_years(years)


def evaluate_forms(forms: Sequence[ImportedForm], rules: RuleSet) -> list[pd.DataFrame]:
    """Each form's audit findings (columns of :data:`evaltools.scoring.audit.FINDING_COLUMNS`) and, in the
    frame's ``attrs["total"]``, its score, recomputed score and grade — from ONE scoring and audit pass over the
    forms of each year (:func:`forms_as_units`): the findings of unit ``⟦i⟧`` are form ``i``'s, the unit's
    name in their text written back as the form's own."""
    out: list[pd.DataFrame | None] = [None] * len(forms)
    by_year: dict[object, list[int]] = {}
    for i, form in enumerate(forms):
        by_year.setdefault(form.data.year, []).append(i)
    for keys in by_year.values():
        ev = evaluate_units(forms_as_units([forms[i] for i in keys], keys), rules)
        found = ev.findings
        units = np.asarray(found[ORG].array.codes)
        names = {_key(i): forms[i].data.unit for i in keys}
        text = {c: _named(found[c], names) for c in ("subject", "message")}
        found = found.drop(columns=ORG).assign(**{c: v for c, v in text.items() if v is not None})
        at = {org: i for i, org in enumerate(ev.totals[ORG].astype(object))}  # each unit's row of its totals
        for position, org in enumerate(ev.data.orgs):
            rows = found.iloc[np.flatnonzero(units == position)].reset_index(drop=True)
            total = ev.totals.iloc[at[org]]
            rows.attrs["total"] = {k: total.get(k) for k in ("score", "computed_score", "grade")}
            out[int(_KEY.fullmatch(org).group(1))] = rows
    return out


def _named(column: pd.Series, names: dict[str, str]) -> pd.Series | None:
    """A text column with each unit key ``⟦i⟧`` written as the form's unit name (None: an object column naming
    no key, left as it is)."""
    values = column.to_numpy(dtype=object)
    if not any(isinstance(v, str) and "⟦" in v for v in values):  # a few findings' texts: no string pass of pandas
        return None if column.dtype == np.dtype(object) else column.astype(object)
    swap = lambda m: names[m.group(0)]  # noqa: E731
    named = [v if is_missing(v) else _KEY.sub(swap, str(v)) for v in values]
    return pd.Series(named, index=column.index, dtype=object)


# ----------------------------------------------------------------------------- a chunk of files (one worker)


def audit_files(files: Sequence[str], rules: str | RuleSet = DEFAULT_RULES, roots: Sequence[str] = ()) -> dict:
    """Read, score and audit the forms of ``files`` (plain values back: a worker's result crosses processes):
    ``{"findings": [...], "forms": [...], "refused": [...], "files": n}`` — the findings (the audit's and the
    reading warnings), a forms-table row per form read and per file or form refused. A file or form that cannot
    be read is a finding ``FORM_UNREADABLE`` with the reason, never an exception. Files are named in messages
    by their path under the folder of ``roots`` that holds them."""
    rules = _rules(rules) if isinstance(rules, str) else rules
    try:
        forms, failures = read_files(files)
    except Exception:  # noqa: BLE001 - an internal error: read file by file to keep the others
        forms, failures = _file_by_file(files)
    evaluated = _evaluated(forms, rules, failures)
    findings = [failure_row(f, roots) for f in failures]
    form_rows = []
    for form, found in zip(forms, evaluated):
        if found is None:
            continue
        rows = audit_rows(form, found) + reading_rows(form)
        findings += rows
        form_rows.append(form_row(form, found.attrs.get("total", {}), len(rows)))
    refused = [refused_row(f, roots) for f in failures]
    return {"findings": findings, "forms": form_rows, "refused": refused, "files": len(files)}


@functools.lru_cache(maxsize=8)
def _rules(name: str) -> RuleSet:
    """A rule set by name, read once per worker process (every chunk of a worker uses it)."""
    return load_rules(name)


def _file_by_file(files: Sequence[str]) -> tuple[list[ImportedForm], list[FormFailure]]:
    forms: list[ImportedForm] = []
    failures: list[FormFailure] = []
    for file in files:
        try:
            found, failed = read_file(file)
        except Exception as exc:  # noqa: BLE001 - one file's internal error must not stop the others
            found, failed = (
                [],
                [FormFailure(str(file), None, f"内部错误 / internal error: {type(exc).__name__}: {exc}")],
            )
        forms += found
        failures += failed
    return forms, failures


def _evaluated(forms: list[ImportedForm], rules: RuleSet, failures: list[FormFailure]) -> list[pd.DataFrame | None]:
    """:func:`evaluate_forms` over all the forms; if that pass fails, form by form, so that a form the scoring
    cannot handle is listed (an internal error, added to ``failures``) and the others are still audited."""
    try:
        return evaluate_forms(forms, rules)
    except Exception:  # noqa: BLE001 - find the form that fails
        out = []
        for form in forms:
            try:
                out += evaluate_forms([form], rules)
            except Exception as exc:  # noqa: BLE001
                reason = f"无法计分 / cannot be scored: {type(exc).__name__}: {exc}"
                failures.append(FormFailure(form.source, form.part, reason))
                out.append(None)
        return out


# ----------------------------------------------------------------------------- the whole audit


@dataclass(frozen=True)
class AuditResult:
    """Every finding (:data:`FINDING_COLUMNS`, most serious first), every form found (:data:`FORM_COLUMNS`:
    the forms read, then the files and forms refused), how many files were read."""

    findings: pd.DataFrame
    forms: pd.DataFrame
    files: int
    #: Folders under the audited ones that evaltools wrote (an earlier audit's, an import's): never read as forms.
    skipped: tuple[str, ...] = ()

    @property
    def duplicates(self) -> pd.DataFrame:
        """The findings of files identical to a form audited (:data:`DUPLICATE`): each counted once."""
        return self.findings[self.findings["code"] == DUPLICATE]

    @property
    def unreadable(self) -> pd.DataFrame:
        return self.findings[self.findings["code"] == UNREADABLE]

    @property
    def read(self) -> pd.DataFrame:
        """The forms read (rows of :attr:`forms`)."""
        return self.forms[self.forms["status"] == READ]

    def by_code(self) -> pd.DataFrame:
        """Counts by finding code: code, label, severity, count (most serious and most frequent first)."""
        f = self.findings
        counts = f.groupby(["severity", "code", "label"], sort=False).size().rename("count").reset_index()
        counts["_o"] = counts["severity"].map(labels.SEVERITY_ORDER)
        return counts.sort_values(["_o", "count"], ascending=[True, False]).drop(columns="_o").reset_index(drop=True)

    def by_unit(self) -> pd.DataFrame:
        """Per unit: forms read, and findings by severity."""
        forms = self.read.groupby("unit").size().rename("forms")
        counts = self.findings[self.findings["unit"].notna()].pivot_table(
            index="unit", columns="severity", values="code", aggfunc="size", fill_value=0
        )
        out = pd.concat([forms, counts.reindex(columns=list(labels.SEVERITY), fill_value=0)], axis=1)
        return out.fillna(0).astype(int).reset_index(names="unit")

    def summary(self) -> str:
        """The counts line printed by ``evaltools audit`` and heading findings.html (one function: the same)."""
        from evaltools.report.audit_table import summary_line

        return summary_line(audit_tables(self))


def _chunks(files: list[str], jobs_n: int, size: int | None) -> list[tuple[str, ...]]:
    size = size or max(1, min(CHUNK, -(-len(files) // max(1, jobs_n * 4))))
    return [tuple(files[i : i + size]) for i in range(0, len(files), size)]


def _executor(executor: str, jobs_n: int, files: int, chunk: int | None) -> tuple[str, int]:
    """The executor and worker count to use: the process pool only when the files are more than
    :data:`INLINE_FILES` (fewer are read and audited in this process sooner than workers start); a chunk size
    given (tests, benchmarks) keeps the pool."""
    if executor == "process" and jobs_n > 1 and files <= INLINE_FILES and chunk is None:
        return "serial", 1
    return executor, jobs_n


def run_audit(
    paths: Sequence[str | Path],
    rules: str = DEFAULT_RULES,
    *,
    jobs_n: int = 1,
    executor: str = "process",
    scheduler: str | None = None,
    chunk: int | None = None,
    on_done: Callable[[int], None] | None = None,
) -> AuditResult:
    """Audit every form under ``paths`` (files and folders, nested; .xlsx and .docx, legacy files refused with
    how to save them). ``jobs_n`` chunks at once on ``executor``; ``on_done(n_files)`` as each chunk ends."""
    CALL_EXECUTORS[executor]  # an unknown executor fails here, before anything is read
    if scheduler and executor != "dask":
        raise ParamsError("--scheduler is only used by the dask executor (add --executor dask)", key="scheduler")
    load_rules(rules)  # an unknown rule set fails here, once
    found = find_files(paths)
    files, missing = found.files, found.missing
    if not files and not missing:
        raise ParamsError(
            "没有找到自评表文件 / no form files (.xlsx, .docx, or legacy .doc/.xls/.et) under "
            + ", ".join(str(p) for p in paths)
            + (
                f" (evaltools 写出的目录已跳过 / folders evaltools wrote, skipped: {', '.join(found.skipped)})"
                if found.skipped
                else ""
            ),
            key="paths",
        )
    roots = tuple(str(p) for p in paths if Path(p).is_dir())
    executor, jobs_n = _executor(executor, jobs_n, len(files), chunk)
    chunks = _chunks([str(f) for f in files], jobs_n, chunk)
    done = on_done or (lambda n: None)
    results = CALL_EXECUTORS[executor](
        audit_files,
        [(c, rules, roots) for c in chunks],
        ExecutorOptions(jobs_n, scheduler),
        lambda i, r: done(r["files"]),
    )
    return _result(results, found, roots)


def _result(results: list[dict], found: FoundFiles, roots: tuple[str, ...]) -> AuditResult:
    """The chunks' rows as one result: findings most serious first, then by code and file."""
    missing = found.missing
    findings = [failure_row(f, roots) for f in missing] + [row for r in results for row in r["findings"]]
    findings += [duplicate_row(copy, first, roots) for copy, first in found.duplicates]
    frame = pd.DataFrame(findings, columns=FINDING_COLUMNS)
    frame["_o"] = frame["severity"].map(labels.SEVERITY_ORDER)
    frame = frame.sort_values(["_o", "code", "file"], kind="stable").drop(columns="_o").reset_index(drop=True)
    frame["year"] = pd.to_numeric(frame["year"]).astype("Int64")
    rows = [row for r in results for row in r["forms"]]
    rows += [refused_row(f, roots) for f in missing] + [row for r in results for row in r["refused"]]
    forms = pd.DataFrame(rows, columns=FORM_COLUMNS)
    for column in ("number", "year"):
        forms[column] = pd.to_numeric(forms[column]).astype("Int64")
    return AuditResult(frame, forms, len(found.files), found.skipped)


def audit_tables(result: AuditResult) -> dict[str, pd.DataFrame]:
    """The tables written for people: 核查发现, 按类别, 按单位, 自评表."""
    return {"核查发现": result.findings, "按类别": result.by_code(), "按单位": result.by_unit(), "自评表": result.forms}


def write_audit(result: AuditResult, out_dir: str | Path) -> list[Path]:
    """findings.html, findings.xlsx and the CSV files of ``result`` in ``out_dir``, and :data:`OUTPUT_MARK` (a
    later audit of a tree holding ``out_dir`` skips it); returns the files (the mark not among them)."""
    from evaltools.report.audit_table import write_audit_tables

    try:
        written = write_audit_tables(audit_tables(result), out_dir)
        write_mark(out_dir, "audit", written)
    except PermissionError as exc:  # read-only folder or file system: said, never an internal error
        raise unwritable(out_dir, "输出目录 / the output folder", exc, "output_dir") from None
    except OSError as exc:
        if exc.errno not in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise
        raise unwritable(out_dir, "输出目录 / the output folder", exc, "output_dir") from None
    return written


def audit_output(paths: Sequence[str | Path], out_dir: str | Path) -> Path:
    """The audit's output folder, refused before anything is read or written when it is equal to, inside or
    above a folder audited, is the folder of a form file audited, or cannot be written."""
    folders, beside = input_folders(paths, "核查的文件夹", "the audited folder")
    return output_folder(out_dir, folders, beside=beside)


# ----------------------------------------------------------------------------- which files


@dataclass(frozen=True)
class FoundFiles:
    """The files an audit reads; the paths that do not exist; the folders evaltools wrote that were skipped
    (holding :data:`OUTPUT_MARK`); and each file identical to one read (copy, the file read), not read again."""

    files: list[Path]
    missing: list[FormFailure]
    skipped: tuple[str, ...] = ()
    duplicates: tuple[tuple[Path, Path], ...] = ()


def find_files(paths: Sequence[str | Path]) -> FoundFiles:
    """The form files under ``paths`` (:func:`form_files`) less those in a folder evaltools wrote (an audit's or
    an import's output: its findings.xlsx, forms.csv … are never read as forms) and less the second copy of a
    file whose bytes equal a first one's (the same form under two names: audited and counted once)."""
    files, missing = form_files(paths)
    roots = [Path(p) for p in paths if Path(p).is_dir()]
    marked: dict[Path, bool] = {}
    skipped: dict[str, None] = {}
    kept = []
    for file in files:
        mark = _marked_folder(file, roots, marked)
        if mark is None:
            kept.append(file)
        else:
            skipped[str(mark)] = None
    unique, duplicates = _unique(kept)
    return FoundFiles(unique, missing, tuple(skipped), tuple(duplicates))


def _marked_folder(file: Path, roots: list[Path], marked: dict[Path, bool]) -> Path | None:
    """The folder between ``file`` and the audited folder holding it that holds :data:`OUTPUT_MARK`, or None."""
    root = next((r for r in roots if r in file.parents), None)
    if root is None:
        return None
    for folder in reversed([p for p in file.parents if p == root or root in p.parents]):
        if folder not in marked:
            marked[folder] = (folder / OUTPUT_MARK).is_file()
        if marked[folder]:
            return folder
    return None


def _unique(files: list[Path]) -> tuple[list[Path], list[tuple[Path, Path]]]:
    """The files with the first of each set of identical form files (same size, same SHA-256), and (copy,
    first); legacy files (.doc, .xls …), never read, are each listed with their refusal."""
    sizes: dict[int, list[Path]] = {}
    for file in files:
        if file.suffix.lower() not in READERS:  # a legacy file is refused, each with how to save it
            continue
        try:
            sizes.setdefault(file.stat().st_size, []).append(file)
        except OSError:
            sizes.setdefault(-1 - len(sizes), []).append(file)  # unreadable: the reader says why
    copies: dict[Path, Path] = {}
    for same in sizes.values():
        if len(same) < 2:
            continue
        first: dict[str, Path] = {}
        for file in same:
            try:
                digest = sha256(file)
            except OSError:
                continue
            if digest in first:
                copies[file] = first[digest]
            else:
                first[digest] = file
    return [f for f in files if f not in copies], [(c, copies[c]) for c in files if c in copies]
