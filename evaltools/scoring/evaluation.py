"""The one entry point: ``evaluate(year_data, rules)`` → :class:`Evaluation`."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from html import escape

import pandas as pd

from evaltools import fmt
from evaltools.data.model import Slicer, UnitsData, YearData, as_units
from evaltools.data.schema import ORG
from evaltools.fmt import is_missing
from evaltools.scoring.audit import AuditContext, run_audit
from evaltools.scoring.indicators import (
    composition,
    department_totals,
    level1_totals,
    score_indicators,
    score_projects,
)
from evaltools.scoring.rates import all_rates
from evaltools.scoring.rules import RuleSet, load_rules


def _plain(x: object) -> object:
    """A JSON-ready scalar: None for missing values, numpy scalars as Python numbers."""
    if is_missing(x):
        return None
    return x.item() if hasattr(x, "item") else x


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

    @property
    def grade(self) -> str | None:
        return self.total.grade

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
        bands = [
            {
                "grade": b.grade,
                "lower": clean(b.lower),
                "upper": clean(b.upper),
                "lower_inclusive": bool(b.lower_inclusive),
                "upper_inclusive": bool(b.upper_inclusive),
            }
            for b in self.rules.grade_bands.itertuples()
        ]
        project_keys = (
            "budget",
            "spent",
            "execution_rate",
            "execution_score",
            "score",
            "computed_score",
            "published_score",
        )
        projects = [
            {
                "name": p.project,
                **{k: clean(getattr(p, k)) for k in project_keys},
                "grade": p.grade,
                "computed_grade": p.computed_grade,
                "published_grade": p.published_grade,
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
        }

    def _repr_html_(self) -> str:
        t = self.total
        counts = self.findings["severity"].value_counts()
        rows = "".join(
            f"<tr><td>{escape(str(p.project))}</td><td>{fmt.pct(p.execution_rate)}</td>"
            f"<td>{fmt.score(p.computed_score)}</td><td>{fmt.score(p.published_score)}</td>"
            f"<td>{escape(str(p.grade))}</td></tr>"
            for p in self.projects.itertuples()
        )
        return (
            f"<h4>{escape(self.unit)} {self.year} 年度 — {escape(self.rules.title)}</h4>"
            f"<p>总分 <b>{fmt.score(t.score)}</b>（重算 {fmt.score(t.computed_score)}），等级 <b>{escape(str(t.grade))}</b>；"
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
    unit alone); iterating gives every unit's, each frame grouped once."""

    data: UnitsData
    rules: RuleSet
    rates: pd.DataFrame
    indicators: pd.DataFrame
    projects: pd.DataFrame
    composition: pd.DataFrame
    findings: pd.DataFrame
    totals: pd.DataFrame

    def __post_init__(self):
        object.__setattr__(self, "_slice", Slicer(self.data.orgs))
        object.__setattr__(self, "_row", {org: i for i, org in enumerate(self.totals[ORG])})

    @property
    def year(self) -> int:
        return self.data.year

    @property
    def orgs(self) -> list[str]:
        return self.data.orgs

    def __len__(self) -> int:
        return len(self.totals)

    def unit(self, org: str, data: YearData | None = None) -> Evaluation:
        """One unit's :class:`Evaluation` (``data``: its YearData, when the caller already has it)."""
        if org not in self._row:
            raise KeyError(f"no unit {org!r}")
        row = self.totals.iloc[self._row[org]]
        total = Total(**{k: _plain(row[k]) if k != "method" else row[k] for k in Total.__dataclass_fields__})
        s = self._slice
        return Evaluation(
            data if data is not None else self.data.unit(org),
            self.rules,
            s(self.rates, org),
            s(self.indicators, org),
            s(self.projects, org),
            s(self.composition, org),
            s(self.findings, org),
            total,
        )

    def __iter__(self) -> Iterator[Evaluation]:
        return (self.unit(org) for org in self.orgs)

    def to_summary(self) -> dict:
        """JSON-ready summary of every unit: its total and grade (assessed and recomputed) and its findings
        counted by severity (each unit's full summary is ``ev.unit(name).to_summary()``)."""
        counts = self.findings.groupby([ORG, "severity"], observed=True).size().unstack(fill_value=0)
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
                    "findings": {sev: int(n.get(sev, 0)) for sev in ("error", "warning", "info")},
                }
            )
        return {"year": self.year, "rules": self.rules.name, "source": self.data.source, "units": units}

    def __repr__(self) -> str:
        return (
            f"UnitsEvaluation({len(self)} units, {self.year}, indicators={len(self.indicators)}, "
            f"findings={len(self.findings)})"
        )


def evaluate_units(data: UnitsData, rules: RuleSet) -> UnitsEvaluation:
    """Every unit of ``data`` scored, totalled and audited in one vectorised pass."""
    bands = rules.grade_bands
    scored = score_indicators(data.indicators, rules)
    totals = level1_totals(scored)
    projects = score_projects(data.projects, scored, rules, bands, totals)
    comp = composition(scored, projects, totals)
    unit_totals = department_totals(projects, data.units, rules, bands)
    rates = all_rates(data, rules)
    findings = run_audit(AuditContext(data, rules, rates, scored, projects, unit_totals, totals))
    return UnitsEvaluation(data, rules, rates, scored, projects, comp, findings, unit_totals)


def evaluate(data: YearData | UnitsData, rules: RuleSet | str = "mof") -> Evaluation | UnitsEvaluation:
    """Rates, indicator scores, project totals, the department total and grade, and the audit.

    ``data`` is one unit's :class:`YearData` (→ :class:`Evaluation`) or many units'
    :class:`UnitsData` (→ :class:`UnitsEvaluation`, all of them in one pass; ``ev.unit(name)`` is one
    unit's Evaluation). ``rules`` is a :class:`RuleSet` or the name of one in ``params/rules``.
    Inputs are not changed.
    """
    if isinstance(rules, str):
        rules = load_rules(rules)
    if isinstance(data, UnitsData):
        return evaluate_units(data, rules)
    return evaluate_units(as_units(data), rules).unit(data.unit, data)
