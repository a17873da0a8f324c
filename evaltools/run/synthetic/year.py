"""One synthetic unit-year written as an input folder: its tables (:mod:`.tables`) scored, some scores
published (a few off), statements of the text (sometimes wrong), budget lines, the printed grade table,
the profile (marked 合成数据), reshaped to the unit's report kind and written by the data folder writer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from evaltools.data import schema as S
from evaltools.data.folder import write_folder
from evaltools.data.model import Profile, YearData
from evaltools.run.synthetic.plan import UnitPlan, num, pct
from evaltools.run.synthetic.tables import canonical, score, year_tables
from evaltools.run.synthetic.vocabulary import MARK, load_vocabulary
from evaltools.scoring.grading import grade as grade_of
from evaltools.scoring.rules import RuleSet


def unit_year(
    plan: UnitPlan, year: int, drift: float, rule_set: RuleSet, seed: int, rng: np.random.Generator
) -> YearData:
    """One unit-year as the loader gives it: its tables scored, some scores published, statements, budget
    lines, the printed grade table and the profile, reshaped to the plan's report kind."""
    bands = rule_set.grade_bands
    projects, indicator_rows = year_tables(plan, drift, rng)
    scored = score(projects, indicator_rows, rule_set)
    total = _publish_scores(projects, scored["computed_score"], bands, rng)
    lines = _budget_lines(plan, drift, rng)
    statements = _statements(projects, total, year, rng)
    band_rows = _band_rows(bands, _misprint(bands, rng))
    profile = _profile(plan, year, seed, projects, total, lines, drift, bands, rng)
    income = [
        dict(source="事业收入", amount=0.0, note=MARK),
        dict(source="其他收入", amount=round(float(rng.uniform(0, 5)), 2), note=MARK),
    ]
    rows = {
        "budget_lines": lines,
        "income_sources": income,
        "projects": projects,
        "indicators": indicator_rows,
        "team": list(plan.team),
        "statements": statements,
        "grade_bands": band_rows,
    }
    if plan.report_kind != "department_projects":
        profile["report_kind"] = plan.report_kind
        rows = _RESHAPE[plan.report_kind](rows, profile)
    tables = {name: canonical(pd.DataFrame(rows.get(name, [])), table) for name, table in S.TABLES.items()}
    values = {k: tuple(v) if isinstance(v, list) else v for k, v in profile.items()}
    return YearData(Profile(**values), tables)


def generate_year(
    root: Path, plan: UnitPlan, year: int, drift: float, rule_set: RuleSet, seed: int, rng: np.random.Generator
) -> Path:
    """Write one unit-year (:func:`unit_year`) to ``root/<unit>/<year>/`` with the data folder writer."""
    data = unit_year(plan, year, drift, rule_set, seed, rng)
    header = f"{data.unit} {year} — {MARK}：由 evaltools synthetic 随机生成，不是任何真实单位的数据。"
    return write_folder(data, root / plan.folder / str(year), header=header)


def _as_project(rows: dict[str, list[dict]], profile: dict) -> dict[str, list[dict]]:
    """``project``: the first project's form alone (its indicators only), its score the published total; no
    budget lines, no statements."""
    first = _publish_first(rows, profile)
    kept = [r for r in rows["indicators"] if r["project"] == first["project"]]
    return {**rows, "projects": [first], "indicators": kept, "budget_lines": [], "statements": []}


def _as_projects(rows: dict[str, list[dict]], profile: dict) -> dict[str, list[dict]]:
    """``projects``: every project's form, published together without a department table or budget lines;
    the published total stays the year's (the mean of the forms' scores) and so do the statements."""
    return {**rows, "budget_lines": []}


def _as_department(rows: dict[str, list[dict]], profile: dict) -> dict[str, list[dict]]:
    """``department`` / ``department_full``: the first project becomes the department's own table (its
    indicators lose their project; its execution weight, score and grade become the profile's);
    ``department_full`` keeps the other projects' forms beside it. No statements."""
    first = _publish_first(rows, profile)
    profile["execution_weight"] = first["execution_weight"]
    indicators = [{**r, "project": None} if r["project"] == first["project"] else r for r in rows["indicators"]]
    rest = rows["projects"][1:] if profile["report_kind"] == "department_full" else []
    names = {p["project"] for p in rest}
    kept = [r for r in indicators if r["project"] is None or r["project"] in names]
    return {**rows, "projects": rest, "indicators": kept, "statements": []}


def _publish_first(rows: dict[str, list[dict]], profile: dict) -> dict:
    """The first project, its published score and grade made the profile's total; returns it."""
    first = rows["projects"][0]
    profile["published_total"] = first["published_score"]
    profile["published_grade"] = first["published_grade"]
    return first


#: How a department-with-projects year is reshaped into each other report kind synthetic makes.
_RESHAPE = {
    "department": _as_department,
    "project": _as_project,
    "department_full": _as_department,
    "projects": _as_projects,
}
#: The report kinds :func:`unit_year` can make (a department with projects, then the reshaped ones).
SYNTHETIC_KINDS: tuple[str, ...] = ("department_projects", *_RESHAPE)


def _publish_scores(
    projects: list[dict], computed_scores: pd.Series, bands: pd.DataFrame, rng: np.random.Generator
) -> float | None:
    """Publish scores and grades for some projects (a few off); return the published total, or None."""
    published = []
    for p, computed in zip(projects, computed_scores):
        if rng.random() < 0.6:
            value = float(round(computed))
            if rng.random() < 0.15:  # a published score the data does not support
                value = float(min(100, value + int(rng.integers(3, 9))))
            p["published_score"] = value
            p["published_grade"] = grade_of(pd.Series([value]), bands).iloc[0]
            published.append(value)
        else:
            published.append(float(computed))
    return float(round(float(np.mean(published)))) if rng.random() < 0.6 else None


def _statement(metric: str, stated: float, value: str, year: int, project: str = "") -> dict:
    """One statement of the text, worded as the vocabulary's ``statements`` say."""
    spec = load_vocabulary().statements[metric]
    return dict(
        subject=spec["subject"].format(project=project),
        metric=metric,
        stated=float(stated),
        quote=spec["quote"].format(value=value, year=year, project=project),
        location=spec["location"],
    )


def _off_by_one(value: int, p: float, rng: np.random.Generator) -> int:
    """``value``, or with probability ``p`` one more or one less (a mistake for the audit to find)."""
    return value + int(rng.choice([-1, 1])) if rng.random() < p else value


def _statements(projects: list[dict], total: float | None, year: int, rng: np.random.Generator) -> list[dict]:
    """What the text states (project count, total score, year, a fund usage rate), sometimes wrongly: the
    count or the year one off, a rate mis-stated (see :func:`~.tables.year_tables`)."""
    count = _off_by_one(len(projects), 0.15, rng)
    statements = [_statement("project_count", count, str(count), year)]
    if total is not None:
        statements.append(_statement("total_score", total, num(total), year))
    said = _off_by_one(year, 0.1, rng)
    statements.append(_statement("evaluated_year", said, str(said), year))
    first = projects[0]
    if first["stated_rate"] is not None:
        rate = first["stated_rate"]
        statements.append(_statement("fund_usage_rate", rate, pct(rate), year, first["project"]))
    return statements


def _profile(
    plan: UnitPlan,
    year: int,
    seed: int,
    projects: list[dict],
    total: float | None,
    lines: list[dict],
    drift: float,
    bands: pd.DataFrame,
    rng: np.random.Generator,
) -> dict:
    """The unit-year's profile.yaml content (marked synthetic), with assets, goals, problems and measures."""
    text = load_vocabulary().profile
    assets_fixed = round(plan.staff_authorized * float(rng.uniform(1.5, 4.0)) * drift, 2)
    assets_carry = round(float(rng.uniform(0, 0.05)) * sum(line["budget"] for line in lines), 2)
    return {
        "unit": plan.name,
        "year": year,
        "synthetic": True,
        "unit_type": text["unit_type"],
        "accounting_system": text["accounting_system"],
        "staff_authorized": plan.staff_authorized,
        "staff_actual": plan.staff_actual,
        "staff_other": plan.staff_other,
        "assets_net": round(assets_fixed + assets_carry, 2),
        "assets_carryover": assets_carry,
        "assets_fixed": assets_fixed,
        "published_total": total,
        "published_grade": grade_of(pd.Series([total]), bands).iloc[0] if total is not None else None,
        "basis": text["basis"],
        "source": f"{MARK}：由 evaltools synthetic 随机生成（seed={seed}），不是任何真实单位的数据，仅供演示和测试",
        "functions": list(plan.functions),
        "goals": [f"{p['project']}：{p['goal']}" for p in projects if p["goal"]],
        "organisation": list(text["organisation"]),
        "methods": list(text["methods"]),
        "achievements": [f"{p['project']}：{p['result']}" for p in projects if p["result"]],
        "problems": [str(x) for x in rng.choice(load_vocabulary().problems, size=2, replace=False)],
        "measures": [str(x) for x in rng.choice(load_vocabulary().measures, size=2, replace=False)],
    }


def _budget_lines(plan: UnitPlan, drift: float, rng: np.random.Generator) -> list[dict]:
    lines = []
    for line, base, spread in (
        ("人员经费", plan.personnel, (0.95, 1.03)),
        ("日常公用支出", plan.public, (0.82, 1.0)),
    ):
        budget = round(base * drift * float(rng.uniform(0.97, 1.03)), 2)
        spent = round(budget * float(rng.uniform(*spread)), 2)
        payables = (
            round(budget * float(rng.uniform(0.05, 0.2)), 2) if line == "人员经费" and rng.random() < 0.1 else None
        )
        if payables:
            spent = round(spent + payables, 2)
        lines.append(
            dict(
                line=line,
                category="基本支出",
                budget=budget,
                spent=spent,
                prior_year_payables=payables,
                stated_rate=round(spent / budget, 4) if rng.random() < 0.8 else None,
                note=f"{MARK}：支出 {num(spent)} 万元",
            )
        )
    return lines


def _misprint(bands: pd.DataFrame, rng: np.random.Generator) -> int | None:
    """In one year of ten, the band (position) whose upper end the printed table gets one point too low."""
    if rng.random() >= 0.1:
        return None
    inner = np.flatnonzero((bands["upper"] < 100).to_numpy())
    return int(inner[int(rng.integers(len(inner)))]) if len(inner) else None


def _band_rows(bands: pd.DataFrame, misprint: int | None = None) -> list[dict]:
    """The grade table as the report prints it (the lowest band without a lower end, the highest without an
    upper one); the band at position ``misprint`` ends one point too low, a gap for the audit to find."""
    rows = []
    for k, b in enumerate(bands.to_dict("records")):
        top, bottom = b["upper"] >= 100, b["lower"] <= 0
        lower = None if bottom else float(b["lower"])
        upper = None if top else float(b["upper"]) - (1.0 if k == misprint else 0.0)
        rows.append(
            dict(
                grade=b["grade"],
                lower=lower,
                lower_inclusive=True if bottom else bool(b["lower_inclusive"]),
                upper=upper,
                upper_inclusive=False if top else bool(b["upper_inclusive"]),
                note=f"{_band_words(lower, upper)} 分为{b['grade']}",
            )
        )
    return rows


def _band_words(lower: float | None, upper: float | None) -> str:
    """得分 ≥ 90, 75 ≤ 得分 < 90, 得分 < 60."""
    if upper is None:
        return f"得分 ≥ {num(lower)}"
    return f"得分 < {num(upper)}" if lower is None else f"{num(lower)} ≤ 得分 < {num(upper)}"
