"""The one entry point: ``evaluate(year_data, rules)`` → :class:`Evaluation`."""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape
from typing import TYPE_CHECKING

import pandas as pd

from evaltools import fmt
from evaltools.data.model import YearData
from evaltools.errors import ParamsError
from evaltools.fmt import is_missing
from evaltools.scoring.audit import AuditContext, run_audit
from evaltools.scoring.indicators import (
    DEPARTMENT,
    composition,
    department_total,
    form_total,
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

    @property
    def published_known(self) -> bool:
        """Whether a published total exists and is readable (NaN: printed but unreadable)."""
        return self.published is not None and not is_missing(self.published)


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

    def table(self, name: str, columns: list[str] | None = None, *, project: str | None = None) -> Styler:
        """A computed table for people (JupyterLab): ``projects``, ``indicators`` (of one ``project`` if
        given), ``findings``, ``rates`` or ``composition`` with Chinese titles, numbers as the report prints
        them, labels for codes and "—" for missing values. The DataFrame itself is ``ev.<name>``."""
        from evaltools.data.display import columns_of, styled
        from evaltools.data.schema import TABLES

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
        return styled(frame, columns, columns_of(TABLES[name].fields if name in TABLES else ()))

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


def evaluate(data: YearData, rules: RuleSet | str = "mof") -> Evaluation:
    """Rates, indicator scores, project totals, the department total and grade, and the audit.

    ``rules`` is a :class:`RuleSet` or the name of one in ``params/rules``. Inputs are not changed.
    """
    if isinstance(rules, str):
        rules = load_rules(rules)
    bands = rules.grade_bands
    kind = data.kind
    scored = score_indicators(data.indicators, rules)
    totals = level1_totals(scored)
    forms = data.projects
    if kind in ("department", "department_full"):
        forms = pd.concat([department_form(data), data.projects], ignore_index=True)
    forms = score_projects(forms, scored, rules, bands, totals)
    comp = composition(scored, forms, totals)
    is_dept = forms["project"] == DEPARTMENT
    projects, department = forms[~is_dept].reset_index(drop=True), forms[is_dept].reset_index(drop=True)
    if kind == "department_projects":
        total = department_total(projects, data.profile.published_total, rules, bands)
    else:
        total = form_total(department if len(department) else projects, rules, bands)
    total["published_grade"] = data.profile.published_grade
    rates = all_rates(data, rules)
    findings = run_audit(AuditContext(data, rules, rates, scored, forms, total))
    return Evaluation(
        data,
        rules,
        rates,
        scored,
        projects,
        comp,
        findings,
        Total(**{k: total[k] for k in Total.__dataclass_fields__}),
        kind,
        department if len(department) else None,
    )


def department_form(data: YearData) -> pd.DataFrame:
    """The department's own table (部门整体支出绩效自评表) as one form beside the projects: its funds are the
    budget lines (Σ 预算数, Σ 支出数; unknown when any is unreadable), its 预算执行率 weight, printed
    execution score, total and grade come from the profile."""
    lines, prof = data.budget_lines, data.profile
    unknown = [
        c for c in ("budget", "spent") if lines[c].isna().any() or lines["unknown"].fillna("").str.contains(c).any()
    ]
    if len(lines) == 0:
        unknown = ["budget", "spent"]
    if prof.published_total is not None and is_missing(prof.published_total):  # printed but unreadable
        unknown.append("published_score")
    stated = lines["stated_rate"].dropna()
    row = {
        "project": DEPARTMENT,
        "budget_initial": lines["budget_initial"].sum(min_count=1),
        "budget": lines["budget"].sum(min_count=1) if len(lines) else float("nan"),
        "spent": lines["spent"].sum(min_count=1) if len(lines) else float("nan"),
        "execution_weight": prof.execution_weight,
        "published_execution_score": prof.published_execution_score,
        "stated_rate": stated.iloc[0] if len(stated) == 1 else float("nan"),
        "published_score": prof.published_total,
        "published_grade": prof.published_grade,
        "unknown": ",".join(unknown) or None,
    }
    return pd.DataFrame([row]).reindex(columns=list(dict.fromkeys([*data.projects.columns, *row])))
