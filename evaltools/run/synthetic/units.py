"""A synthetic finance bureau's whole year (合成数据): many units in one dataset, for the scale benchmark.

:func:`generate_units` builds a :class:`~evaltools.data.model.UnitsData` of ``units`` invented units in
one vectorised pass — every table with its ``org`` column (预算单位), published totals and grades, stated
rates, funding sources, breakdowns, statements and a printed grade table per unit, some deliberately off —
so that :func:`evaltools.evaluate` meets every kind of finding. :func:`evaltools.data.folder.write_units` writes it as the
many-unit input folder (``units.csv`` beside the tables, or Parquet files) that
:func:`evaltools.load_year` reads back. Every unit, profile and source says 合成数据.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools.data import schema as S
from evaltools.data.model import Profile, UnitsData
from evaltools.data.schema import ORG
from evaltools.errors import ParamsError
from evaltools.params import DEFAULT_RULES
from evaltools.run.synthetic.frames import generate_frames
from evaltools.run.synthetic.tables import canonical
from evaltools.run.synthetic.vocabulary import MARK, load_vocabulary
from evaltools.scoring.grading import bands_frame, grade
from evaltools.scoring.rules import load_rules


def _projects(proj: pd.DataFrame, rng: np.random.Generator, bands: pd.DataFrame) -> pd.DataFrame:
    """Budgets, funding sources (2% not adding up), stated rates (some mis-stated) and published grades."""
    n = len(proj)
    budget, spent = proj["budget"].to_numpy(), proj["spent"].to_numpy()
    fiscal = np.where(rng.random(n) < 0.02, np.round(budget * 0.9, 2), budget)
    rate = spent / budget
    stated = np.select(
        [rng.random(n) < 0.6, rng.random(n) < 0.05],
        [np.round(rate, 4), np.round(budget / spent, 2)],
        np.where(rng.random(n) < 0.5, np.round(rate, 2), np.nan),
    )
    published = proj["published_score"]
    wrong = rng.random(n) < 0.03
    grades = grade(published + np.where(wrong, 15.0, 0.0), bands)
    return proj.assign(
        fiscal_current=fiscal,
        carryover=0.0,
        other_funds=0.0,
        stated_rate=stated,
        published_grade=grades.where(published.notna(), None),
        department=f"{MARK}主管部门",
    )


def _budget_lines(orgs: np.ndarray, rng: np.random.Generator) -> pd.DataFrame:
    """人员经费 (10% with prior-year payables) and 日常公用支出 of every unit, with stated rates."""
    n = len(orgs)
    budget = np.round(np.concatenate([rng.lognormal(np.log(600), 0.5, n), rng.lognormal(np.log(30), 0.5, n)]), 2)
    spent = np.round(budget * rng.uniform(0.85, 1.02, 2 * n), 2)
    payables = np.where((np.arange(2 * n) < n) & (rng.random(2 * n) < 0.1), np.round(budget * 0.1, 2), np.nan)
    spent = np.where(np.isnan(payables), spent, np.round(spent + np.nan_to_num(payables), 2))
    stated = np.where(rng.random(2 * n) < 0.8, np.round(spent / budget, 4), np.nan)
    order = np.argsort(np.tile(np.arange(n), 2), kind="stable")  # each unit's two lines together
    frame = pd.DataFrame(
        {
            ORG: np.tile(orgs, 2),
            "line": np.repeat(np.array(["人员经费", "日常公用支出"], dtype=object), n),
            "category": "基本支出",
            "budget": budget,
            "spent": spent,
            "prior_year_payables": payables,
            "stated_rate": stated,
        }
    )
    return frame.take(order).reset_index(drop=True)


def _statements(orgs: np.ndarray, ppu: int, year: int, rng: np.random.Generator) -> pd.DataFrame:
    """Per unit: the project count (5% wrong), the year evaluated (2% wrong) and a restated usage rate."""
    n = len(orgs)
    count = ppu + (rng.random(n) < 0.05)
    said_year = year - (rng.random(n) < 0.02)
    frame = pd.DataFrame(
        {
            ORG: np.repeat(orgs, 3),
            "subject": np.tile(np.array(["部门", "部门", "项目1"], dtype=object), n),
            "metric": np.tile(np.array(["project_count", "evaluated_year", "fund_usage_rate"], dtype=object), n),
            "stated": np.column_stack([count, said_year, np.full(n, 1.0)]).ravel().astype(float),
            "location": "一",
        }
    )
    frame["quote"] = [f"{MARK}：{v:g}" for v in frame["stated"]]
    return frame


def _grade_bands(orgs: np.ndarray, bands: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The grade table each unit printed: the rule set's, 5% of them with 良好 ending at 89 (a gap)."""
    b = bands.reset_index(drop=True)
    n, k = len(orgs), len(b)
    frame = pd.DataFrame({ORG: np.repeat(orgs, k), **{c: np.tile(b[c].to_numpy(), n) for c in b.columns}})
    gap = np.repeat(rng.random(n) < 0.05, k) & (frame["upper"] == 90.0).to_numpy()
    frame.loc[gap, "upper"] = 89.0
    frame.loc[frame["lower"] <= 0, "lower"] = np.nan
    frame.loc[frame["upper"] >= 100, "upper"] = np.nan
    return frame


def _units_table(
    orgs: np.ndarray, projects: pd.DataFrame, bands: pd.DataFrame, rng: np.random.Generator
) -> pd.DataFrame:
    """Staffing, assets (3% not adding up), published totals (60% of units) and grades (some wrong)."""
    n = len(orgs)
    authorized = rng.integers(10, 80, n)
    net = np.round(rng.lognormal(np.log(80), 0.6, n), 2)
    carry = np.round(net * rng.uniform(0.05, 0.2, n), 2)
    fixed = np.round(net - carry + np.where(rng.random(n) < 0.03, 1.0, 0.0), 2)
    mean = projects.groupby(ORG, sort=False)["published_score"].mean().reindex(orgs).to_numpy()
    published = np.where(rng.random(n) < 0.6, np.round(np.nan_to_num(mean, nan=85.0)), np.nan)
    grades = grade(pd.Series(published + np.where(rng.random(n) < 0.03, -20.0, 0.0)), bands)
    return pd.DataFrame(
        {
            ORG: orgs,
            "unit_type": f"{MARK}·事业单位",
            "staff_authorized": authorized.astype(float),
            "staff_actual": np.maximum(authorized - rng.integers(0, 8, n), 1).astype(float),
            "assets_net": net,
            "assets_carryover": carry,
            "assets_fixed": fixed,
            "published_total": published,
            "published_grade": grades.where(~np.isnan(published), None).to_numpy(),
            "source": f"{MARK}（随机生成，仅供演示和基准测试）",
            "synthetic": True,
        }
    )


def generate_units(
    units: int = 1000,
    indicators_per_unit: int = 100,
    seed: int = 0,
    *,
    projects_per_unit: int = 10,
    year: int = 2022,
    rules: str = DEFAULT_RULES,
) -> UnitsData:
    """``units`` synthetic units of one year in one dataset: ``units × indicators_per_unit`` indicator rows,
    ``projects_per_unit`` projects each (the benchmark's million rows: 10,000 × 100 with 10 projects)."""
    if units < 1:
        raise ParamsError("units must be at least 1", key="units")
    rng = np.random.default_rng(seed)
    bands = bands_frame(load_rules(rules).grade_bands)
    ind, proj = generate_frames(units, indicators_per_unit, seed=seed, projects_per_unit=projects_per_unit)
    orgs = proj[ORG].drop_duplicates().to_numpy(dtype=object)
    ind = ind.assign(unit=np.where(ind["direction"] == "qualitative", None, "个"))
    proj = _projects(proj, rng, bands)
    names = load_vocabulary().bureau_team
    team = pd.DataFrame(
        {ORG: np.repeat(orgs, len(names)), "name": np.tile(np.array(names, dtype=object), units), "role": "成员"}
    )
    tables = {
        "budget_lines": canonical(_budget_lines(orgs, rng), S.BUDGET_LINES),
        "income_sources": canonical(pd.DataFrame({ORG: []}), S.INCOME_SOURCES),
        "projects": canonical(proj, S.PROJECTS),
        "indicators": canonical(ind, S.INDICATORS),
        "team": canonical(team, S.TEAM),
        "statements": canonical(_statements(orgs, projects_per_unit, year, rng), S.STATEMENTS),
        "grade_bands": canonical(_grade_bands(orgs, bands, rng), S.GRADE_BANDS),
    }
    profile = Profile(unit=f"{MARK}·{units} 个预算单位", year=year, synthetic=True, source=f"{MARK}（随机生成）")
    return UnitsData(profile, canonical(_units_table(orgs, proj, bands, rng), S.UNITS), tables, MARK)


__all__ = ["generate_units"]
