"""The one entry point: ``evaluate(year_data, rules)`` → :class:`Evaluation`."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.kinds import KINDS, ReportKind, kinds_with
from evaltools.data.model import Slicer, UnitsData, YearData, as_units, org_codes, unit_kinds
from evaltools.data.schema import ORG, TABLES
from evaltools.errors import ParamsError
from evaltools.fmt import is_missing
from evaltools.params import DEFAULT_RULES
from evaltools.scoring.audit import AuditContext, finding_label
from evaltools.scoring.audit.core import Messages, audit_pending
from evaltools.scoring.audit.cost_control import cost_summary
from evaltools.scoring.codes import each_value, remembered
from evaltools.scoring.codes import is_missing as missing_cells
from evaltools.scoring.completeness import form_reasons, reason_sentence, unit_reasons, without_scores
from evaltools.scoring.frames import with_columns
from evaltools.scoring.grading import grade
from evaltools.scoring.indicators import (
    DEPARTMENT,
    composition,
    department_totals,
    level1_totals,
    score_indicators,
    score_projects,
)
from evaltools.scoring.rates import all_rates
from evaltools.scoring.rules import RuleSet, load_rules

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler


def _plain(x: object) -> object:
    """A JSON-ready scalar: None for missing values, numpy scalars as Python numbers."""
    if is_missing(x):
        return None
    return x.item() if hasattr(x, "item") else x


def _reason(reason: object) -> dict:
    """The ``unknown_reason`` entry of a JSON object: why its total is unknown (a table cut off, not scored,
    scores blank); left out where the total is complete, so that a complete year's summary is as before."""
    return {} if is_missing(reason) else {"unknown_reason": reason_sentence(reason)}


@dataclass(frozen=True)
class Total:
    """The department's total: the assessed score (published where it exists), the recomputed one,
    both means of project totals, and the grades under the rule set's bands."""

    score: float
    computed_score: float
    grade: str | None
    computed_grade: str | None
    published: float | None
    method: str
    computed_simple: float
    computed_weighted: float
    assessed_simple: float
    assessed_weighted: float
    published_grade: str | None = None
    #: Why the total cannot be computed though the table gives figures (cut off, not scored, scores blank:
    #: :mod:`evaltools.scoring.completeness`), in Chinese; None when nothing but unknown figures stops it.
    unknown_reason: str | None = None

    @property
    def published_known(self) -> bool:
        """Whether a published total exists and is readable (NaN: printed but unreadable)."""
        return self.published is not None and not is_missing(self.published)


#: The figures of each project in summary.json.
_PROJECT_KEYS = ("budget", "spent", "execution_rate", "execution_score", "score", "computed_score", "published_score")


@dataclass(frozen=True, eq=False)
class Evaluation:
    """Everything computed for one unit and year, as tidy DataFrames:

    ``rates`` (see :mod:`evaltools.scoring.rates`), ``indicators`` (scored rows, see
    :func:`evaltools.scoring.indicators.score_indicators`), ``projects`` (totals and grades), ``composition``
    (score per project and 一级指标), ``findings`` (the audit), plus ``total`` and ``grade``.
    """

    data: YearData
    rules: RuleSet
    rates: pd.DataFrame
    indicators: pd.DataFrame
    projects: pd.DataFrame
    composition: pd.DataFrame
    findings: pd.DataFrame
    total: Total
    kind: str = "department_projects"
    department: pd.DataFrame | None = None

    @property
    def grade(self) -> str | None:
        return self.total.grade

    @property
    def report_kind(self) -> ReportKind:
        """The declaration of this unit's report kind (:mod:`evaltools.data.kinds`): structure and totals mode."""
        return KINDS[self.kind]

    @property
    def year(self) -> int:
        return self.data.year

    @property
    def unit(self) -> str:
        return self.data.unit

    def rate(self, key: str, subject: str = "部门整体", default: object = KeyError) -> float | None:
        """One rate's value by key and subject, e.g. ``ev.rate("line_execution", "日常公用支出")``;
        ``default`` is returned when there is no such rate (KeyError is raised without one)."""
        hit = self.rates[(self.rates["key"] == key) & (self.rates["subject"] == subject)]
        if hit.empty:
            if default is KeyError:
                raise KeyError(f"no rate {key!r} for {subject!r}")
            return default
        value = float(hit["value"].iloc[0])
        return default if math.isnan(value) and default is not KeyError else value

    def project(self, name: str) -> pd.DataFrame:
        """The scored indicators of one project."""
        return self.indicators[self.indicators["project"] == name]

    def to_summary(self) -> dict:
        """JSON-ready summary (summary.json): money in 万元, rates as fractions, full precision."""

        clean = _plain
        bands = _bands_json(self.rules.grade_bands)
        projects = [
            {
                "name": p.project,
                **{k: clean(getattr(p, k)) for k in _PROJECT_KEYS},
                "grade": p.grade,
                "computed_grade": p.computed_grade,
                "published_grade": p.published_grade,
                **_reason(getattr(p, "incomplete", None)),
            }
            for p in self.projects.itertuples()
        ]
        rates = {}
        for r in self.rates.itertuples():
            name = r.key if r.subject == "部门整体" else f"{r.key}:{r.subject}"
            rates[name] = clean(r.value)
        t = self.total
        return {
            "year": self.year,
            "unit": self.unit,
            "rules": self.rules.name,
            "synthetic": bool(self.data.profile.synthetic),
            "overall": {
                "score": clean(t.score),
                "computed_score": clean(t.computed_score),
                "grade": t.grade,
                "computed_grade": t.computed_grade,
                "published_score": clean(t.published),
                **_reason(t.unknown_reason),
                "method": t.method,
                "computed_simple": clean(t.computed_simple),
                "computed_weighted": clean(t.computed_weighted),
                "grade_bands": bands,
            },
            "projects": projects,
            "rates": rates,
            "findings": [
                {"code": f.code, "severity": f.severity, "subject": f.subject, "message": f.message}
                for f in self.findings.itertuples()
            ],
            **cost_summary(self.data),
        }

    def table(self, name: str, columns: list[str] | None = None, *, project: str | None = None) -> Styler:
        """A computed table for people (JupyterLab): ``projects``, ``indicators`` (of one ``project`` if
        given), ``findings``, ``rates`` or ``composition`` with Chinese titles, numbers as the report prints
        them, labels for codes and "—" for missing values. The DataFrame itself is ``ev.<name>``."""
        from evaltools.data.display import columns_of, styled

        frames = ("projects", "indicators", "findings", "rates", "composition")
        if name not in frames:
            raise ParamsError(f"没有表 / no table {name!r}; tables: {', '.join(frames)}", key="table")
        frame = self.project(project) if project is not None else getattr(self, name)
        if name == "indicators":  # 年度指标值 and 实际完成值 as the report prints them (with unit and direction)
            rows = list(frame.itertuples())
            frame = frame.assign(
                target_shown=[fmt.indicator_target(r) for r in rows],
                actual_shown=[fmt.indicator_actual(r) for r in rows],
            )
        known = columns_of(TABLES[name].fields if name in TABLES else ())
        return styled(frame, columns, known, show={"finding": finding_label})

    def compare(self, other: Evaluation, names: tuple[str, str] = ("修改前", "修改后")) -> Styler:
        """This evaluation beside ``other`` (the same data under changed rules, say): the recomputed total,
        grade and each project's score and grade, with the change of each score."""
        from evaltools.data.display import styled

        def score_row(subject: str, before: float, after: float) -> tuple:
            return subject, "重算得分", fmt.score(before), fmt.score(after), after - before

        def grade_row(subject: str, before: str | None, after: str | None) -> tuple:
            return subject, "重算等级", before or "—", after or "—", None

        t, u = self.total, other.total
        rows = [score_row("部门整体", t.computed_score, u.computed_score)]
        rows.append(grade_row("部门整体", t.computed_grade, u.computed_grade))
        right = other.projects.set_index("project")
        for p in self.projects.itertuples():
            if p.project in right.index:
                rows.append(score_row(p.project, p.computed_score, right.at[p.project, "computed_score"]))
                rows.append(grade_row(p.project, p.computed_grade, right.at[p.project, "computed_grade"]))
        titles = {"subject": ("对象", "text"), "what": ("", "text"), "before": (names[0], "text")}
        titles.update(after=(names[1], "text"), change=("变化", "score"))
        return styled(pd.DataFrame(rows, columns=list(titles)), None, titles)

    def _repr_html_(self) -> str:
        t = self.total
        counts = self.findings["severity"].value_counts()
        rows = "".join(
            f"<tr><td>{escape(str(p.project))}</td><td>{fmt.pct(p.execution_rate)}</td>"
            f"<td>{fmt.score(p.computed_score)}</td><td>{fmt.score(p.published_score)}</td>"
            f"<td>{escape(p.grade or '—')}</td></tr>"
            for p in self.projects.itertuples()
        )
        return (
            f"<h4>{escape(self.unit)} {self.year} 年度 — {escape(self.rules.title)}</h4>"
            f"<p>总分 <b>{fmt.score(t.score)}</b>（重算 {fmt.score(t.computed_score)}），等级 <b>{escape(t.grade or '—')}</b>；"
            f"核查发现：错误 {counts.get('error', 0)}，警告 {counts.get('warning', 0)}，提示 {counts.get('info', 0)}</p>"
            f"<table><tr><th>项目</th><th>资金使用率</th><th>重算得分</th><th>公布得分</th><th>等级</th></tr>{rows}</table>"
        )

    def __repr__(self) -> str:
        return (
            f"Evaluation({self.unit!r}, {self.year}, score={self.total.score:.2f}, "
            f"computed={self.total.computed_score:.2f}, grade={self.grade!r}, findings={len(self.findings)})"
        )


@dataclass(frozen=True, eq=False)
class UnitsEvaluation:
    """Everything computed for many units of one year in one pass: the frames of :class:`Evaluation`,
    each with an ``org`` column naming the unit, and ``totals`` (one row per unit: score, grade, both
    means …). :meth:`unit` gives one unit's :class:`Evaluation` (a slice: the same as evaluating that
    unit alone); iterating gives every unit's, each frame grouped once. ``findings`` are written when first read,
    a slice's only for its unit (``raw_findings``: those of the audit with the messages it left to be written by
    ``messages``, :class:`~evaltools.scoring.audit.core.Messages`)."""

    data: UnitsData
    rules: RuleSet
    rates: pd.DataFrame
    indicators: pd.DataFrame
    projects: pd.DataFrame
    composition: pd.DataFrame
    raw_findings: pd.DataFrame
    totals: pd.DataFrame
    #: The department forms (部门整体 rows) of units of kind department and department_full.
    departments: pd.DataFrame | None = None
    messages: Messages | None = None

    @property
    def findings(self) -> pd.DataFrame:
        """Every unit's findings, each message written (on first reading, then kept)."""
        written = self.__dict__.get("_findings")
        if written is None:
            written = self._written(self.raw_findings)
            object.__setattr__(self, "_findings", written)
        return written

    def _written(self, frame: pd.DataFrame) -> pd.DataFrame:
        return frame if self.messages is None else self.messages.write(frame)

    def __post_init__(self):
        object.__setattr__(self, "_slice", Slicer(self.data.orgs))
        object.__setattr__(self, "_row", {org: i for i, org in enumerate(self.totals[ORG].tolist())})

    @property
    def year(self) -> int:
        return self.data.year

    @property
    def orgs(self) -> list[str]:
        return self.data.orgs

    def __len__(self) -> int:
        return len(self.totals)

    def slice(self, org: str, data: YearData | None = None) -> Evaluation:
        """One unit's slice: its :class:`Evaluation` (``data``: its YearData, when the caller already has it)."""
        if org not in self._row:
            raise KeyError(f"no unit {org!r}")
        row = self.totals.iloc[self._row[org]]
        total = _total(row)
        s = self._slice
        department = s(self.departments, org) if self.departments is not None and len(self.departments) else None
        return Evaluation(
            data if data is not None else self.data.slice(org),
            self.rules,
            s(self.rates, org),
            s(self.indicators, org),
            s(self.projects, org),
            s(self.composition, org),
            self._written(s(self.raw_findings, org)),
            total,
            str(row["kind"]) if "kind" in row else "department_projects",
            department if department is not None and len(department) else None,
        )

    def __iter__(self) -> Iterator[Evaluation]:
        return (self.slice(org) for org in self.orgs)

    def to_summary(self) -> dict:
        """JSON-ready summary of every unit: its total and grade (assessed and recomputed) and its findings
        counted by severity (each unit's full summary is ``ev.slice(name).to_summary()``)."""
        counts = self.raw_findings.groupby([ORG, "severity"], observed=True).size().unstack(fill_value=0)
        units = []
        for row in self.totals.itertuples(index=False):
            org = getattr(row, ORG)
            n = counts.loc[org] if org in counts.index else {}
            units.append(
                {
                    "unit": org,
                    "score": _plain(row.score),
                    "grade": row.grade,
                    "computed_score": _plain(row.computed_score),
                    "computed_grade": row.computed_grade,
                    "published_score": _plain(row.published),
                    **_reason(getattr(row, "unknown_reason", None)),
                    "findings": {sev: int(n.get(sev, 0)) for sev in ("error", "warning", "info")},
                }
            )
        return {"year": self.year, "rules": self.rules.name, "source": self.data.source, "units": units}

    def __repr__(self) -> str:
        return (
            f"UnitsEvaluation({len(self)} units, {self.year}, indicators={len(self.indicators)}, "
            f"findings={len(self.raw_findings)})"
        )


def _float(x: object) -> float:
    return np.nan if is_missing(x) else float(x)


_TOTAL_TEXT = ("grade", "computed_grade", "published_grade", "method", "unknown_reason")


def _total(row: pd.Series) -> Total:
    """A unit's :class:`Total` from its row of ``UnitsEvaluation.totals``: numbers stay floats (NaN: cannot be
    computed); ``published`` is None when no total was printed and NaN when it was printed but is unreadable."""
    values = {k: _plain(row.get(k)) if k in _TOTAL_TEXT else _float(row[k]) for k in Total.__dataclass_fields__}
    if values["published"] != values["published"]:
        values["published"] = np.nan if bool(row.get("published_unknown", False)) else None
    return Total(**values)


def evaluate_units(data: UnitsData, rules: RuleSet) -> UnitsEvaluation:
    """Every unit of ``data`` scored, totalled and audited in one vectorised pass; each text column's codes and
    missing cells computed once for every step that reads them (:func:`~evaltools.scoring.codes.remembered`)."""
    with remembered():
        return _evaluate_units(data, rules)


def _evaluate_units(data: UnitsData, rules: RuleSet) -> UnitsEvaluation:
    bands = rules.grade_bands
    scored = score_indicators(data.indicators, rules)
    totals = level1_totals(scored)
    kinds = unit_kinds(data, missing_cells)  # the indicators' project column: its missing cells found once
    department = department_forms(data, kinds)
    forms = pd.concat([department, data.projects], ignore_index=True) if len(department) else data.projects
    reasons = form_reasons(forms, scored, data.units, kinds)
    given_weight = forms["execution_weight"].astype(float)
    forms = without_scores(score_projects(forms, scored, rules, bands, totals), reasons, given_weight)
    comp = composition(scored, forms, totals)
    projects, departments = _split(forms)
    unit_totals = department_totals(projects, data.units, rules, bands)
    unit_totals = _form_totals(unit_totals, kinds, departments, projects, bands)
    profile = {"published_grade": _column_or_none(data.units, "published_grade"), "kind": kinds}
    unit_totals = with_columns(unit_totals, {**profile, "published_unknown": _published_unknown(data)})
    unit_totals = _incomplete_totals(unit_totals, unit_reasons(unit_totals, forms, data.units, kinds))
    rates = all_rates(data, rules)
    found, messages = audit_pending(AuditContext(data, rules, rates, scored, forms, unit_totals, totals))
    return UnitsEvaluation(data, rules, rates, scored, projects, comp, found, unit_totals, departments, messages)


def _split(forms: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the project forms, the department forms), each indexed 0 … n − 1; no filtering where there is none of the
    latter (most datasets, and every project form)."""
    is_dept = (forms["project"] == DEPARTMENT).to_numpy()
    if not is_dept.any():
        return forms.reset_index(drop=True), forms.iloc[:0].reset_index(drop=True)
    return forms[~is_dept].reset_index(drop=True), forms[is_dept].reset_index(drop=True)


#: The figures of a unit's total that depend on its tables' scores (unknown when a table is incomplete).
_UNIT_SCORES = (
    "score",
    "computed_score",
    "assessed_mean",
    "computed_simple",
    "computed_weighted",
    "assessed_simple",
    "assessed_weighted",
)


def _incomplete_totals(totals: pd.DataFrame, reasons: np.ndarray) -> pd.DataFrame:
    """``totals`` with every score and grade of a unit whose table is incomplete unknown (NaN / None), the
    reason in ``unknown_reason``; its published total stays as printed (issue 20 item 1)."""
    hit = pd.notna(reasons)
    some = bool(np.any(hit))  # the usual case: none, and no column to mask
    dtypes = dict(zip(totals.columns, totals.dtypes))
    columns = {}  # only the columns that change (a column already of its type, unmasked, stays as it is)
    for column in _UNIT_SCORES:
        if some or dtypes[column] != np.float64:
            columns[column] = totals[column].astype(float).where(~hit) if some else totals[column].astype(float)
    for column in ("grade", "computed_grade"):
        if some or dtypes[column] != np.dtype(object):
            columns[column] = totals[column].astype(object)
            columns[column] = columns[column].where(~hit, None) if some else columns[column]
    columns["unknown_reason"] = np.asarray(reasons, dtype=object)
    return with_columns(totals, columns)


def _column_or_none(frame: pd.DataFrame, name: str) -> np.ndarray:
    if name not in frame:
        return np.full(len(frame), None, dtype=object)
    col = frame[name].astype(object)
    return col.where(col.notna(), None).to_numpy(dtype=object)


def _published_unknown(data: UnitsData) -> np.ndarray:
    """Per unit: a published total printed but unreadable (NaN, unlike None: not given)."""
    if data.profiles is None:
        return np.zeros(len(data), dtype=bool)
    out = []
    for org in data.orgs:
        value = getattr(data.profiles.get(org), "published_total", None)
        out.append(value is not None and is_missing(value))
    return np.array(out, dtype=bool)


def department_forms(data: UnitsData, kinds: np.ndarray) -> pd.DataFrame:
    """The department's own table (部门整体支出绩效自评表) of every unit of a kind with a department form
    (``department_form``: department, department_full), as one form beside its projects: its funds are the unit's budget lines (Σ 预算数,
    Σ 支出数; unknown when any is unreadable), its 预算执行率 weight, printed execution score, total and
    grade come from the unit's profile. One grouped sum over the budget lines; counts by integer codes."""
    orgs, n = data.org_index, len(data)
    wanted = np.isin(kinds, kinds_with("department_form"))
    if not wanted.any():
        return data.projects.iloc[:0]
    lines = data.budget_lines
    codes = org_codes(lines[ORG], orgs)
    unknown_col = lines["unknown"] if "unknown" in lines else np.full(len(lines), None)
    amounts = pd.DataFrame({c: lines[c].to_numpy(dtype=float) for c in ("budget_initial", "budget", "spent")})
    sums = amounts.groupby(codes, sort=False).sum(min_count=1).reindex(range(n))  # pandas' compensated sums
    # counts, flags and the first stated rate per unit: integer codes and np.bincount, no more groupings
    ok = np.flatnonzero(np.asarray(codes) >= 0)
    at = np.asarray(codes)[ok]
    bad = {
        c: (lines[c].isna().to_numpy() | each_value(unknown_col, lambda v, c=c: c in str(v)))[ok]
        for c in ("budget", "spent")
    }
    any_bad = {f"bad_{c}": np.bincount(at, weights=b, minlength=n) > 0 for c, b in bad.items()}
    n_lines = np.bincount(at, minlength=n)
    rate = lines["stated_rate"].to_numpy(dtype=float)[ok]
    given = ~np.isnan(rate)
    n_stated = np.bincount(at[given], minlength=n)
    stated = np.full(n, np.nan)
    first_units, first_rows = np.unique(at[given], return_index=True)
    stated[first_units] = rate[given][first_rows]
    units = data.units
    published = units["published_total"].to_numpy(dtype=float) if "published_total" in units else np.full(n, np.nan)
    no_lines = n_lines == 0
    unknown = [
        ",".join([c for c, bad in (("budget", b or z), ("spent", s or z)) if bad] + (["published_score"] if p else []))
        or None
        for b, s, z, p in zip(any_bad["bad_budget"], any_bad["bad_spent"], no_lines, _published_unknown(data))
    ]
    rows = pd.DataFrame(
        {
            ORG: pd.Categorical(np.asarray(orgs, dtype=object), categories=orgs),
            "project": DEPARTMENT,
            "budget_initial": sums["budget_initial"].to_numpy(),
            "budget": np.where(no_lines, np.nan, sums["budget"].to_numpy()),
            "spent": np.where(no_lines, np.nan, sums["spent"].to_numpy()),
            "execution_weight": _float_column(units, "execution_weight"),
            "published_execution_score": _float_column(units, "published_execution_score"),
            "stated_rate": np.where(n_stated == 1, stated, np.nan),
            "published_score": published,
            "published_grade": _column_or_none(units, "published_grade"),
            "unknown": unknown,
        }
    )[wanted]
    return rows.reindex(columns=list(dict.fromkeys([*data.projects.columns, *rows.columns]))).reset_index(drop=True)


def _float_column(frame: pd.DataFrame, name: str) -> np.ndarray:
    return frame[name].to_numpy(dtype=float) if name in frame else np.full(len(frame), np.nan)


def _form_totals(
    totals: pd.DataFrame, kinds: np.ndarray, departments: pd.DataFrame, projects: pd.DataFrame, bands
) -> pd.DataFrame:
    """Units of a kind whose totals mode is ``form`` (:data:`evaltools.data.kinds.TOTALS_MODES`; department,
    department_full, project): the total is that form's — its department row, else its first project: the
    form's published score where printed and readable (an unreadable one stays unknown, not replaced by the
    recomputed score), and its recomputed score. Units of mode ``projects_mean`` keep ``totals`` (the mean of
    their project totals, :func:`~evaltools.scoring.indicators.department_totals`)."""
    single = np.isin(kinds, kinds_with("totals", "form"))
    if not single.any():
        return totals
    orgs = list(totals[ORG])
    parts = [f for f in (departments, projects) if len(f)]  # a form is one or the other: nothing to concatenate
    forms = (
        parts[0].reset_index(drop=True) if len(parts) == 1 else pd.concat([departments, projects], ignore_index=True)
    )
    codes = org_codes(forms[ORG], orgs)
    kept = np.flatnonzero(codes >= 0)
    units, where = np.unique(codes[kept], return_index=True)
    order = np.argsort(where, kind="stable")  # the units in order of their first form, as a groupby's first()
    rows = forms.take(kept[where[order]])
    at = units[order]
    chosen = single[at]
    rows, at = rows[chosen], at[chosen]
    published = rows["published_score"].to_numpy(dtype=float)
    computed = rows["computed_score"].to_numpy(dtype=float)
    listed = each_value(rows["unknown"], lambda v: "published_score" in str(v))
    score = np.where(np.isnan(published), np.where(listed, np.nan, computed), published)
    positions = totals.index.get_indexer(at)  # the rows labelled ``at``; each column set as a whole array
    columns: dict[str, object] = {}
    for col, values in (
        ("score", score),
        ("computed_score", computed),
        ("assessed_mean", score),
        ("computed_simple", computed),
        ("computed_weighted", computed),
        ("assessed_simple", score),
        ("assessed_weighted", score),
    ):
        columns[col] = totals[col].to_numpy(dtype=float, copy=True)
        columns[col][positions] = values
    shown = totals["published"].to_numpy(dtype=object, copy=True)
    shown[positions] = np.where(np.isnan(published), None, published.astype(object))
    columns["published"] = pd.Series(shown, index=totals.index, dtype=object)
    columns["method"] = totals["method"].to_numpy(dtype=object, copy=True)
    columns["method"][positions] = "form"
    grades = grade(np.concatenate([columns["score"], columns["computed_score"]]), bands).to_numpy()  # one pass
    columns["grade"], columns["computed_grade"] = grades[: len(totals)], grades[len(totals) :]
    # one frame of the new columns and the others as they are (not a dozen columns set one by one)
    return pd.DataFrame({c: columns[c] if c in columns else totals[c] for c in totals.columns}, index=totals.index)


def department_form(data: YearData) -> pd.DataFrame:
    """One unit's department table as a form (see :func:`department_forms`)."""
    return department_forms(as_units(data), np.array(["department"], dtype=object)).drop(columns=ORG)


def evaluate(data: YearData | UnitsData, rules: RuleSet | str = DEFAULT_RULES) -> Evaluation | UnitsEvaluation:
    """Rates, indicator scores, project totals, the department total and grade, and the audit.

    ``data`` is one unit's :class:`YearData` (→ :class:`Evaluation`) or many units'
    :class:`UnitsData` (→ :class:`UnitsEvaluation`, all of them in one pass; ``ev.slice(name)`` is one
    unit's Evaluation). ``rules`` is a :class:`RuleSet` or the name of one in ``params/rules``.
    The report kind (department_projects, department, department_full, project) is each unit's own.
    Inputs are not changed.
    """
    if isinstance(rules, str):
        rules = load_rules(rules)
    if isinstance(data, UnitsData):
        return evaluate_units(data, rules)
    return evaluate_units(as_units(data), rules).slice(data.unit, data)


def _bands_json(bands: pd.DataFrame) -> list[dict]:
    """The rule set's grade bands as summary.json gives them: bounds at full precision, inclusiveness as flags."""
    return [
        {
            "grade": b.grade,
            "lower": _plain(b.lower),
            "upper": _plain(b.upper),
            "lower_inclusive": bool(b.lower_inclusive),
            "upper_inclusive": bool(b.upper_inclusive),
        }
        for b in bands.itertuples()
    ]
