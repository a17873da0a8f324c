"""Auditing a bureau's year of filled-in forms at once: every .xlsx and .docx under the folders given is read,
its forms are scored and audited, and one findings table lists what was found, each finding with its form
and cell; forms that cannot be read are listed with the reason and never stop the others.

Files are read in chunks (one worker each: ``--jobs``, ``--executor process | dask | serial``); the forms of
a chunk are evaluated together by :func:`evaluate_forms` — one scoring and audit pass over all of them.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaltools import labels
from evaltools.data.forms import FormFailure, ImportedForm, form_files, read_file, read_files
from evaltools.data.model import Profile, YearData
from evaltools.errors import ParamsError
from evaltools.params import DEFAULT_RULES
from evaltools.scoring.audit import Code, finding_label
from evaltools.scoring.evaluation import department_form, evaluate
from evaltools.scoring.indicators import DEPARTMENT
from evaltools.scoring.rules import RuleSet, load_rules

from .executors import CALL_EXECUTORS, ExecutorOptions

#: Columns of the findings table, in order.
FINDING_COLUMNS = [
    "severity",
    "code",
    "label",
    "unit",
    "year",
    "kind",
    "project",
    "indicator",
    "field",
    "subject",
    "message",
    "file",
    "part",
    "cell",
    "stated",
    "computed",
]
FORM_COLUMNS = [
    "file",
    "part",
    "number",
    "kind",
    "unit",
    "year",
    "project",
    "score",
    "computed_score",
    "grade",
    "findings",
]
#: The finding of a file or form that cannot be read (or scored): no check of the audit emits it.
UNREADABLE_CODE = Code(
    "FORM_UNREADABLE",
    label="自评表无法读取",
    severity="error",
    measure="按提示更正或补齐原表，另存为 .xlsx / .docx 后重新核查。",
    field="title",
)
UNREADABLE = UNREADABLE_CODE.code
#: Files per chunk at most: small enough for a live progress bar, large enough for one pass to pay.
CHUNK = 25
_KEY = re.compile(r"⟦(\d+)⟧")


# ----------------------------------------------------------------------------- one pass over many forms


def _key(i: int) -> str:
    return f"⟦{i}⟧"


def merged_year(forms: Sequence[ImportedForm]) -> YearData:
    """The forms as one year's data of projects: each form (a department table as the one form it is) is a
    project keyed ``⟦i⟧`` with its indicators, so that one :func:`evaluate` scores and audits them all."""
    projects, indicators = [], []
    for i, form in enumerate(forms):
        data = form.data
        row = department_form(data) if form.kind == "department" else data.projects
        projects.append(row.assign(project=_key(i)))
        indicators.append(data.indicators.assign(project=_key(i)))
    first = forms[0].data
    tables = {name: frame.iloc[0:0] for name, frame in first.tables.items()}
    tables["projects"] = pd.concat(projects, ignore_index=True)
    tables["indicators"] = pd.concat(indicators, ignore_index=True)
    profile = Profile(unit="（批量核查）", year=first.year, report_kind="department_projects")
    return YearData(profile, tables, "（批量核查）")


def _form_name(form: ImportedForm) -> str:
    return DEPARTMENT if form.kind == "department" else str(form.data.projects["project"].iloc[0])


def evaluate_forms(forms: Sequence[ImportedForm], rules: RuleSet) -> list[pd.DataFrame]:
    """Each form's audit findings (columns of :data:`evaltools.scoring.audit.FINDING_COLUMNS`) and its scored
    project row, from ONE scoring and audit pass over all the forms (:func:`merged_year`): a finding belongs
    to the form its ``project`` column names.

    This is the one place to switch to the many-units ``evaluate`` (an ``org`` column) when it lands: the
    forms then go in as units of one table instead of as projects of one made-up unit.
    """
    if not forms:
        return []
    ev = evaluate(merged_year(forms), rules)
    names = [_form_name(f) for f in forms]
    found = ev.findings.copy()
    project = found["project"].where(found["project"].notna(), "").astype(str)
    found["_form"] = pd.to_numeric(project.str.extract(_KEY, expand=False), errors="coerce")
    for column in ("subject", "message"):
        found[column] = found[column].astype(str).str.replace(_KEY, lambda m: names[int(m.group(1))], regex=True)
    found["project"] = found["_form"].map(dict(enumerate(names)))
    scored = ev.projects.assign(_form=ev.projects["project"].str.extract(_KEY, expand=False).astype(int))
    out = []
    for i in range(len(forms)):
        rows = found[found["_form"] == i].drop(columns="_form").reset_index(drop=True)
        rows.attrs["score"] = scored[scored["_form"] == i].drop(columns="_form").assign(project=names[i])
        out.append(rows)
    return out


# ----------------------------------------------------------------------------- where a finding is


def finding_cell(form: ImportedForm, indicator: object, field: str) -> str:
    """Where on the form a finding points: ``sheet!D14`` or ``表格 1 第14行第4列``. A finding on an indicator
    (``indicator`` its 三级指标, ``field`` ``indicator.<column>``) points at that column of the indicator's
    row (else at its name); one on the form at its block's cell ``field`` (``funds.rate``, ``total`` …);
    a field the form has no cell for at the form's title."""
    cells = form.cells
    if isinstance(indicator, str) and indicator:
        column = field.removeprefix("indicator.")
        ref = cells.get(f"indicator:{indicator}:{column}") or cells.get(f"indicator:{indicator}")
    else:
        ref = cells.get(field) or (cells.get("total") if field == "grade" else None)
    ref = ref or cells.get("title")
    return "" if ref is None else str(ref)


def _finding_rows(form: ImportedForm, found: pd.DataFrame) -> list[dict]:
    data = form.data
    project = None if form.kind == "department" else _form_name(form)
    return [
        {
            "severity": f.severity,
            "code": f.code,
            "label": finding_label(f.code),
            "unit": data.unit,
            "year": data.year,
            "kind": form.kind,
            "project": project,
            "indicator": f.indicator if isinstance(f.indicator, str) else None,
            "field": f.field,
            "subject": f.subject,
            "message": f.message,
            "file": form.source,
            "part": form.part,
            "cell": finding_cell(form, f.indicator, str(f.field)),
            "stated": f.stated,
            "computed": f.computed,
        }
        for f in found.itertuples(index=False)
    ]


def _failure_row(failure: FormFailure) -> dict:
    where = failure.problems[0].location if failure.problems else None
    cell = (
        ""
        if where is None or where.row is None
        else f"{where.sheet or ''} 第{where.row}行 {where.column or ''}".strip()
    )
    return {
        "severity": UNREADABLE_CODE.severity,
        "code": UNREADABLE,
        "label": UNREADABLE_CODE.label,
        "unit": None,
        "year": None,
        "kind": None,
        "project": None,
        "indicator": None,
        "field": UNREADABLE_CODE.field,
        "subject": Path(failure.source).name,
        "message": failure.reason,
        "file": failure.source,
        "part": failure.part,
        "cell": cell,
        "stated": None,
        "computed": None,
    }


def _form_row(form: ImportedForm, found: pd.DataFrame) -> dict:
    score = found.attrs.get("score")
    row = score.iloc[0] if score is not None and len(score) else {}
    return {
        "file": form.source,
        "part": form.part,
        "number": form.number,
        "kind": form.kind,
        "unit": form.data.unit,
        "year": form.data.year,
        "project": None if form.kind == "department" else _form_name(form),
        "score": row.get("score"),
        "computed_score": row.get("computed_score"),
        "grade": row.get("grade"),
        "findings": len(found),
    }


# ----------------------------------------------------------------------------- a chunk of files (one worker)


def audit_files(files: Sequence[str], rules: str | RuleSet = DEFAULT_RULES) -> dict:
    """Read, score and audit the forms of ``files`` (plain values back: a worker's result crosses processes):
    ``{"findings": [...], "forms": [...], "files": n}``; a file or form that cannot be read is a finding
    ``FORM_UNREADABLE`` with the reason, never an exception."""
    rules = _rules(rules) if isinstance(rules, str) else rules
    try:
        forms, failures = read_files(files)
    except Exception:  # noqa: BLE001 - an internal error: read file by file to keep the others
        forms, failures = _file_by_file(files)
    findings = [_failure_row(f) for f in failures]
    form_rows = []
    for form, found in zip(forms, _evaluated(forms, rules, findings)):
        if found is not None:
            findings += _finding_rows(form, found)
            form_rows.append(_form_row(form, found))
    return {"findings": findings, "forms": form_rows, "files": len(files)}


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


def _evaluated(forms: list[ImportedForm], rules: RuleSet, findings: list[dict]) -> list[pd.DataFrame | None]:
    """:func:`evaluate_forms` over all the forms; if that pass fails, form by form, so that a form the scoring
    cannot handle is listed (an internal error) and the others are still audited."""
    try:
        return evaluate_forms(forms, rules)
    except Exception:  # noqa: BLE001 - find the form that fails
        out = []
        for form in forms:
            try:
                out += evaluate_forms([form], rules)
            except Exception as exc:  # noqa: BLE001
                reason = f"无法计分 / cannot be scored: {type(exc).__name__}: {exc}"
                findings.append(_failure_row(FormFailure(form.source, form.part, reason)))
                out.append(None)
        return out


# ----------------------------------------------------------------------------- the whole audit


@dataclass(frozen=True)
class AuditResult:
    """Every finding (:data:`FINDING_COLUMNS`, most serious first), every form read (:data:`FORM_COLUMNS`)."""

    findings: pd.DataFrame
    forms: pd.DataFrame
    files: int

    @property
    def unreadable(self) -> pd.DataFrame:
        return self.findings[self.findings["code"] == UNREADABLE]

    def by_code(self) -> pd.DataFrame:
        """Counts by finding code: code, label, severity, count (most serious and most frequent first)."""
        f = self.findings
        counts = f.groupby(["severity", "code", "label"], sort=False).size().rename("count").reset_index()
        counts["_o"] = counts["severity"].map(labels.SEVERITY_ORDER)
        return counts.sort_values(["_o", "count"], ascending=[True, False]).drop(columns="_o").reset_index(drop=True)

    def by_unit(self) -> pd.DataFrame:
        """Per unit: forms read, and findings by severity."""
        forms = self.forms.groupby("unit").size().rename("forms")
        counts = self.findings[self.findings["unit"].notna()].pivot_table(
            index="unit", columns="severity", values="code", aggfunc="size", fill_value=0
        )
        out = pd.concat([forms, counts.reindex(columns=list(labels.SEVERITY), fill_value=0)], axis=1)
        return out.fillna(0).astype(int).reset_index(names="unit")


def _chunks(files: list[str], jobs_n: int, size: int | None) -> list[tuple[str, ...]]:
    size = size or max(1, min(CHUNK, -(-len(files) // max(1, jobs_n * 4))))
    return [tuple(files[i : i + size]) for i in range(0, len(files), size)]


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
    run = CALL_EXECUTORS[executor]
    if scheduler and executor != "dask":
        raise ParamsError("--scheduler is only used by the dask executor (add --executor dask)", key="scheduler")
    load_rules(rules)  # an unknown rule set fails here, once
    files, missing = form_files(paths)
    if not files and not missing:
        raise ParamsError(
            "没有找到自评表文件 / no form files (.xlsx, .docx, or legacy .doc/.xls/.et) under "
            + ", ".join(str(p) for p in paths),
            key="paths",
        )
    chunks = _chunks([str(f) for f in files], jobs_n, chunk)
    done = on_done or (lambda n: None)
    results = run(
        audit_files, [(c, rules) for c in chunks], ExecutorOptions(jobs_n, scheduler), lambda i, r: done(r["files"])
    )
    findings = [_failure_row(f) for f in missing] + [row for r in results for row in r["findings"]]
    frame = pd.DataFrame(findings, columns=FINDING_COLUMNS)
    frame["_o"] = frame["severity"].map(labels.SEVERITY_ORDER)
    frame = frame.sort_values(["_o", "code", "file"], kind="stable").drop(columns="_o").reset_index(drop=True)
    frame["year"] = pd.to_numeric(frame["year"]).astype("Int64")
    forms = pd.DataFrame([row for r in results for row in r["forms"]], columns=FORM_COLUMNS)
    return AuditResult(frame, forms, len(files))


def audit_tables(result: AuditResult) -> dict[str, pd.DataFrame]:
    """The tables written for people: 核查发现, 按类别, 按单位, 自评表."""
    return {"核查发现": result.findings, "按类别": result.by_code(), "按单位": result.by_unit(), "自评表": result.forms}


def write_audit(result: AuditResult, out_dir: str | Path) -> list[Path]:
    """findings.html, findings.xlsx and the CSV files of ``result`` in ``out_dir``; returns the files."""
    from evaltools.report.audit_table import write_audit_tables

    return write_audit_tables(audit_tables(result), out_dir)
