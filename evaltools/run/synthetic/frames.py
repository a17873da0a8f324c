"""Large in-memory synthetic tables for the scoring benchmark: :func:`generate_frames` builds (indicators,
projects) for many units at once, vectorised (10,000 units × 100 indicators in about a second), with a
column naming the unit (合成数据单位00000 …)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools.data import schema as S
from evaltools.errors import ParamsError
from evaltools.run.synthetic.plan import EXECUTION_WEIGHT
from evaltools.run.synthetic.vocabulary import MARK
from evaltools.scoring import indicators as scoring


def generate_frames(
    units: int = 10_000, indicators_per_unit: int = 100, seed: int = 0, projects_per_unit: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(indicators, projects) for ``units`` synthetic units, vectorised, with a column naming the unit.

    The column is :data:`evaltools.scoring.indicators.ORG` (``org``: in the indicator table ``unit`` is the unit of
    measure, 度量单位), so that :func:`~evaltools.scoring.indicators.group_keys` scores each unit's projects apart.

        The indicator table has every column :func:`evaltools.scoring.indicators.score_indicators` reads; each unit
        has ``projects_per_unit`` projects (default: one per 20 indicators, 1–5) whose scored weights add
        to 90 (floats), all directions, ~2% breakdown rows, ~3% missing actuals, ~1% not applicable.
    """
    org = getattr(scoring, "ORG", "unit")
    rng = np.random.default_rng(seed)
    ipu = int(indicators_per_unit)
    ppu = int(projects_per_unit or max(1, min(5, ipu // 20)))
    if units < 1 or ipu < 1 or ppu > ipu:
        raise ParamsError("need units ≥ 1 and indicators_per_unit ≥ projects_per_unit ≥ 1")
    unit_names = np.array([f"{MARK}单位{i:05d}" for i in range(units)], dtype=object)
    project_names = np.array([f"项目{k + 1}" for k in range(ppu)], dtype=object)
    indicators = _indicator_frame(org, unit_names, project_names, ipu, rng)
    projects = _project_frame(org, unit_names, project_names, rng)
    return indicators, projects


def _frame_layout(units: int, ipu: int, ppu: int) -> tuple[np.ndarray, ...]:
    """Per indicator row: position in unit, unit, project in unit, global project, position in project, project size."""
    pos = np.tile(np.arange(ipu), units)  # position in the unit
    u = np.repeat(np.arange(units), ipu)
    proj = pos * ppu // ipu  # project within the unit
    gproj = u * ppu + proj  # global project number
    starts = np.searchsorted(proj[:ipu], np.arange(ppu))  # first position of each project in a unit
    in_proj = pos - starts[proj]  # position within its project
    size = np.bincount(proj[:ipu], minlength=ppu)[proj]  # indicators in its project
    return pos, u, proj, gproj, in_proj, size


def _indicator_frame(
    org: str, unit_names: np.ndarray, project_names: np.ndarray, ipu: int, rng: np.random.Generator
) -> pd.DataFrame:
    """The indicator table of :func:`generate_frames`: ``ipu`` indicators for each unit."""
    units, ppu = len(unit_names), len(project_names)
    n = units * ipu
    pos, u, proj, gproj, in_proj, size = _frame_layout(units, ipu, ppu)
    level3_names = np.array([f"指标{k:03d}" for k in range(ipu)], dtype=object)

    directions = np.array([">=", "<=", "=", "range", "qualitative"], dtype=object)
    d, target, high, actual = _frame_targets(n, rng)
    direction = directions[d]

    grades = np.array(list(S.QUALITATIVE_GRADES) + [None], dtype=object)
    g = rng.choice(4, size=n, p=[0.78, 0.14, 0.04, 0.04])
    grade = np.where(d == 4, grades[g], None)

    # breakdowns: positions 8 and 9 of every ten in a project may be parts of position 7 (same 一级指标)
    part = (in_proj % 10 >= 8) & (rng.random(n) < 0.1)
    parent = np.full(n, None, dtype=object)
    parent_row = np.arange(n) - np.where(part, in_proj % 10 - 7, 0)
    parent[part] = level3_names[pos[parent_row[part]]]
    share = in_proj / size
    category = np.where(share < 0.55, 0, np.where(share < 0.88, 1, 2))[parent_row]
    level1 = np.array(["产出指标", "效益指标", "满意度指标"], dtype=object)[category]
    level2 = np.array(["数量指标", "社会效益指标", "服务对象满意度指标"], dtype=object)[category]

    weight, panel = _frame_weights(part, gproj, units * ppu, category, d, g, rng)
    return pd.DataFrame(
        {
            org: unit_names[u],
            "project": project_names[proj],
            "level1": level1,
            "level2": level2,
            "level3": level3_names[pos],
            "direction": direction,
            "target": target,
            "target_high": high,
            "actual": actual,
            "weight": weight,
            "panel_score": panel,
            "qualitative_grade": grade,
            "rule": np.full(n, None, dtype=object),
            "applicable": rng.random(n) >= 0.01,
            "parent": parent,
        }
    )


def _frame_targets(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(direction codes 0–4, target, upper end of ranges, actual) for ``n`` indicators, ~3% actuals missing."""
    d = rng.choice(5, size=n, p=[0.5, 0.12, 0.08, 0.08, 0.22])
    target = np.where(
        d == 0,
        rng.integers(10, 5000, n),
        np.where(d == 1, rng.integers(5, 60, n), np.where(d == 2, 100, rng.integers(2, 20, n))),
    ).astype(float)
    high = np.where(d == 3, target + rng.integers(1, 5, n), np.nan)
    target[d == 4] = np.nan
    actual = np.round(target * rng.lognormal(0.02, 0.2, n))
    actual[rng.random(n) < 0.03] = np.nan
    return d, target, high, actual


def _frame_weights(
    part: np.ndarray,
    gproj: np.ndarray,
    n_projects: int,
    category: np.ndarray,
    d: np.ndarray,
    g: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(weight, panel score): weights with two decimals, as forms print them, adding per project to the
    10号 split 产出 50 / 效益 30 / 满意度 10 (5% of projects split 55/25/10; a category whose rows are all
    breakdowns gives its points to 产出); breakdown rows 0; panel scores inside the grade's band."""
    n = len(part)
    off = rng.random(n_projects) < 0.05
    points = np.where(off[:, None], [55.0, 25.0, 10.0], [50.0, 30.0, 10.0])  # per project and category
    counted = np.bincount(gproj * 3 + category, weights=~part, minlength=n_projects * 3).reshape(-1, 3) > 0
    points[:, 0] += np.where(counted, 0.0, points).sum(axis=1)
    points = np.where(counted, points, 0.0).ravel()
    group = gproj * 3 + category
    raw = np.where(part, 0.0, rng.uniform(0.5, 1.5, n))
    total = np.bincount(group, weights=raw, minlength=n_projects * 3)
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.where(part, 0.0, np.round(raw / total[group] * points[group], 2))
    residual = points - np.bincount(group, weights=weight, minlength=n_projects * 3)
    rows = np.flatnonzero(~part)
    first = np.full(n_projects * 3, -1)
    first[group[rows][::-1]] = rows[::-1]  # the first weighted row of each project and category
    weight[first[first >= 0]] = np.round(weight[first[first >= 0]] + residual[first >= 0], 2)
    low = np.select([g == 0, g == 1, g == 2], [0.8, 0.6, 0.0], 0.0)
    width = np.select([g == 0, g == 1], [0.2, 0.2], 0.6)
    panel = np.where(
        (d == 4) & (g < 3) & (rng.random(n) < 0.3), np.round(weight * (low + width * rng.random(n) * 0.99), 2), np.nan
    )
    return weight, panel


def _project_frame(
    org: str, unit_names: np.ndarray, project_names: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """The project table of :func:`generate_frames`: budgets, spending and some published scores."""
    units, ppu = len(unit_names), len(project_names)
    pu = np.repeat(np.arange(units), ppu)
    budget = np.round(rng.lognormal(np.log(25), 0.9, units * ppu), 2)
    spent = np.round(budget * np.clip(rng.normal(0.95, 0.05, units * ppu), 0.5, 1.05), 2)
    published = np.where(rng.random(units * ppu) < 0.3, np.round(rng.uniform(70, 98, units * ppu)), np.nan)
    return pd.DataFrame(
        {
            org: unit_names[pu],
            "project": project_names[np.tile(np.arange(ppu), units)],
            "budget": budget,
            "spent": spent,
            "execution_weight": np.full(units * ppu, float(EXECUTION_WEIGHT)),
            "published_score": published,
            "published_grade": np.full(units * ppu, None, dtype=object),
        }
    )
