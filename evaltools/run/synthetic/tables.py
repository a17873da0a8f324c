"""One synthetic unit-year's projects and indicators: this year's targets and budgets (drifting from the
plan), plausible actuals (mostly met, some short, some far above, a few missing or not applicable),
qualitative grades with panel scores, breakdown rows that sometimes do not add up, and the scores the
year's own rule set gives them (to publish plausible scores)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from evaltools.data import schema as S
from evaltools.data.load import BOOL_DEFAULTS
from evaltools.run.synthetic.plan import (
    EXECUTION_WEIGHT,
    Item,
    Project,
    UnitPlan,
    decimals,
    nice,
    num,
    shown,
    target_text,
)
from evaltools.run.synthetic.vocabulary import MARK, load_vocabulary
from evaltools.scoring.indicators import score_indicators, score_projects
from evaltools.scoring.rules import RuleSet


def _actual(item: Item, target, high, rng: np.random.Generator):
    """A plausible actual for the target: mostly met, some short, some far above (target set too low)."""
    d = item.direction
    if d == "range":
        r = rng.random()
        if r < 0.6:
            return float(rng.integers(int(target), int(high) + 1))
        if r < 0.8:
            return float(max(0, int(target) - int(rng.integers(1, 3))))
        return float(int(high) + int(rng.integers(1, max(2, int(high) * 2))))
    if item.unit == "%":
        if d == "=":
            return 1.0 if rng.random() < 0.85 else round(float(rng.uniform(0.95, 0.995)), 3)
        return round(float(min(1.0, target + rng.normal(0.02, 0.03))), 3)
    if d == "<=":
        return float(round(target * rng.uniform(0.6, 1.12), 1 if item.unit == "元" else 0))
    r = rng.random()
    factor = (
        rng.uniform(1.0, 1.25)
        if r < 0.7
        else rng.uniform(0.75, 1.0)
        if r < 0.85
        else rng.uniform(1.3, 3.0)
        if r < 0.95
        else rng.uniform(0.4, 0.75)
    )
    return float(round(target * factor, decimals(item.unit)))


def year_tables(plan: UnitPlan, drift: float, rng: np.random.Generator) -> tuple[list[dict], list[dict]]:
    """The tables of one year as canonical frames (for scoring) and as CSV-ready rows."""
    projects, indicators = [], []
    present = [p for p in plan.projects if not p.optional or rng.random() < 0.5]
    for p in present:
        money = _project_money(p, drift, rng)
        goals, results = [], []
        for it in p.items:
            rows = _item_rows(p.name, it, money["budget"], money["spent"], drift, rng)
            indicators.extend(rows)
            if _measured(it, rows[0]) and len(goals) < 3:
                goals.append(f"{it.name}{rows[0]['target_text']}")
                results.append(f"{it.name}{shown(rows[0]['actual'], it.unit)}")
        projects.append(_project_row(plan.name, p.name, money, goals, results, rng))
    _mark_not_applicable(indicators, rng)
    return projects, indicators


def _project_money(p: Project, drift: float, rng: np.random.Generator) -> dict:
    """The project's budget, spending, funding split and stated execution rate for one year."""
    budget = round(p.base_budget * drift * float(rng.uniform(0.95, 1.05)), 2)
    r = rng.random()
    rate = 1.0 if r < 0.3 else float(rng.uniform(0.88, 1.0)) if r < 0.93 else float(rng.uniform(0.6, 0.88))
    spent = round(budget * rate, 2)
    carry = round(budget * float(rng.uniform(0.05, 0.3)), 2) if rng.random() < 0.3 else 0.0
    fiscal = round(budget - carry, 2)
    stated = round(spent / budget, 4) if budget else None
    if stated is not None and rng.random() < 0.08:  # a rate the text states wrongly
        stated = round(min(1.0, stated + float(rng.uniform(0.02, 0.06))), 4)
    return dict(budget=budget, spent=spent, fiscal_current=fiscal, carryover=carry, stated_rate=stated)


def _project_row(
    implementer: str, name: str, money: dict, goals: list[str], results: list[str], rng: np.random.Generator
) -> dict:
    """The project's row of the projects table, with the goals and results its text quotes."""
    budget = money["budget"]
    return dict(
        project=name,
        department=None,
        implementer=implementer,
        budget_initial=round(budget * (1.0 if rng.random() < 0.6 else float(rng.uniform(0.85, 1.0))), 2),
        budget=budget,
        spent=money["spent"],
        fiscal_current=money["fiscal_current"],
        carryover=money["carryover"],
        other_funds=None,
        execution_weight=float(EXECUTION_WEIGHT),
        stated_rate=money["stated_rate"],
        published_score=None,
        published_grade=None,
        goal="，".join(goals) + "。" if goals else None,
        result="，".join(results) + "。" if results else None,
        note=MARK,
    )


def _item_target(it: Item, budget: float, drift: float, rng: np.random.Generator) -> tuple[float | None, float | None]:
    """This year's (target, upper end of a range) of the indicator; None for a qualitative one."""
    high = None
    if it.direction == "qualitative":
        target = None
    elif it.target == "budget":
        target = budget
    elif it.direction == "range":
        lo, hi = it.target
        grow = max(0, round((drift - 1) * lo))
        target, high = float(lo + grow), float(hi + grow)
    elif it.unit == "%" or it.unit == "工作日" or it.unit == "元":
        target = float(it.target)
    else:
        target = nice(float(it.target) * math.sqrt(drift) * float(rng.uniform(0.9, 1.1)), decimals(it.unit))
    return target, high


def _measured(it: Item, row: dict) -> bool:
    """Whether the row holds a measured actual of a quantitative indicator (not the budget line)."""
    return row["actual"] is not None and it.direction != "qualitative" and it.target != "budget"


def _item_rows(
    project: str, it: Item, budget: float, spent: float, drift: float, rng: np.random.Generator
) -> list[dict]:
    """The indicator's row for one year, followed by its breakdown rows (if any)."""
    target, high = _item_target(it, budget, drift, rng)
    row = dict(
        project=project,
        level1=it.level1,
        level2=it.level2,
        level3=it.name,
        unit=it.unit,
        direction=it.direction,
        target=target,
        target_high=high,
        actual=None,
        weight=float(it.weight),
        panel_score=None,
        qualitative_grade=None,
        applicable=True,
        parent=None,
        target_text=target_text(it, target, high),
        actual_text=None,
        deviation=None,
        source=f"{MARK}（随机生成，非真实数据）",
    )
    _fill_actual(row, it, target, high, spent, rng)
    rows = [row]
    if _measured(it, row):
        row["actual_text"] = None
    if it.parts and row["actual"] is not None and row["actual"] >= len(it.parts):
        rows.extend(_part_rows(project, it, row["actual"], rng))
    return rows


def _fill_actual(
    row: dict, it: Item, target: float | None, high: float | None, spent: float, rng: np.random.Generator
) -> None:
    """Fill the row's actual (or its qualitative grade), or say why it is missing."""
    if it.direction == "qualitative":
        _fill_qualitative(row, it, rng)
    elif it.target == "budget":
        row["actual"] = spent
        row["actual_text"] = f"实际支出 {num(spent)} 万元"
    elif rng.random() < 0.04:
        row["actual_text"] = "未统计"
        row["deviation"] = "统计口径未建立，未能取得实际完成数"
    else:
        row["actual"] = _actual(it, target, high, rng)


def _fill_qualitative(row: dict, it: Item, rng: np.random.Generator) -> None:
    """Fill a qualitative indicator's grade, its text and sometimes the panel's score."""
    g = rng.random()
    if g < 0.04:
        row["actual_text"] = "未提供完成情况"
        row["deviation"] = "缺少佐证材料"
        return
    grade = "达成" if g < 0.82 else "部分达成" if g < 0.96 else "未达成"
    row["qualitative_grade"] = grade
    row["actual_text"] = load_vocabulary().qualitative_text[grade]
    if grade != "达成":
        row["deviation"] = "工作推进慢于计划，下年度加强调度"
    if rng.random() < 0.4:  # the panel's score, inside the grade's band
        row["panel_score"] = _panel_score(it.weight, grade, rng)


def _panel_score(weight: int, grade: str, rng: np.random.Generator) -> float:
    """A panel's score of a qualitative indicator, one decimal, inside the band of its grade."""
    low, up = {"达成": (0.8, 1.0), "部分达成": (0.6, 0.8), "未达成": (0.0, 0.6)}[grade]
    score = math.floor(weight * float(rng.uniform(low, up)) * 10) / 10
    score = min(max(score, math.ceil(weight * low * 10) / 10), weight)
    if up < 1.0 and score >= weight * up:
        score = math.ceil(weight * low * 10) / 10
    return score


def _part_rows(project: str, it: Item, total: float, rng: np.random.Generator) -> list[dict]:
    """Breakdown rows (weight 0) of the indicator's actual ``total``; in some years they do not add up."""
    shares = rng.dirichlet(np.full(len(it.parts), 4.0))
    values = [float(math.floor(total * s)) for s in shares[:-1]]
    values.append(float(total - sum(values)))
    wrong = rng.random() < 0.3
    if wrong:  # as in real reports: the parts do not add up to the total
        values[0] += float(max(1, round(total * rng.uniform(0.02, 0.15))))
    return [
        dict(
            project=project,
            level1=it.level1,
            level2=it.level2,
            level3=f"{it.name}（{sub}）",
            unit=it.unit,
            direction=it.direction,
            target=None,
            target_high=None,
            actual=v,
            weight=0.0,
            panel_score=None,
            qualitative_grade=None,
            applicable=True,
            parent=it.name,
            target_text=None,
            actual_text=None,
            deviation=None,
            source=f"{MARK}：合计的组成部分，权重为 0" + ("；各部分之和故意与合计不符，供核查演示" if wrong else ""),
        )
        for sub, v in zip(it.parts, values)
    ]


def _mark_not_applicable(indicators: list[dict], rng: np.random.Generator) -> None:
    """Sometimes mark one scored quantitative indicator (without breakdown rows) not applicable this year."""
    scored = [r for r in indicators if r["parent"] is None and r["direction"] != "qualitative"]
    if scored and rng.random() < 0.15:  # an indicator that did not apply this year
        row = scored[int(rng.integers(len(scored)))]
        if not any(r.get("parent") == row["level3"] and r["project"] == row["project"] for r in indicators):
            row.update(applicable=False, actual=None, actual_text="本年度不适用", deviation="政策调整，本年度未实施")


def score(projects: list[dict], indicators: list[dict], rules: RuleSet) -> pd.DataFrame:
    """Score the year in memory (the same functions ``evaluate`` uses) to publish plausible scores."""
    ind = pd.DataFrame(indicators)
    for col in ("target", "target_high", "actual", "weight", "panel_score"):
        ind[col] = pd.to_numeric(ind[col], errors="coerce").astype(float)
    ind["rule"] = None  # percentages are fractions already, as the loader gives them
    proj = pd.DataFrame(projects)
    for col in ("budget", "spent", "execution_weight"):
        proj[col] = proj[col].astype(float)
    proj["published_score"] = np.nan
    return score_projects(proj, score_indicators(ind, rules), rules, rules.grade_bands)


def canonical(frame: pd.DataFrame, table: S.Table) -> pd.DataFrame:
    """``frame`` with every declared column of ``table`` (and the ``org`` column first, when it has one), typed
    as the loader types them: floats for numbers, bools for flags (a missing flag its blank default), object
    text with None where empty."""
    out = {}
    if S.ORG in frame:
        out[S.ORG] = pd.Series(frame[S.ORG].to_numpy(dtype=object), dtype=object)
    for f in table.fields:
        if f.name not in frame:
            blank = BOOL_DEFAULTS.get(f.name, False) if f.kind == "bool" else None
            col = pd.Series([blank] * len(frame), index=frame.index, dtype=object)
        else:
            col = frame[f.name]
        if f.kind in ("number", "money", "rate"):
            out[f.name] = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        elif f.kind == "bool":
            out[f.name] = col.to_numpy(dtype=bool)
        else:
            values = col.to_numpy(dtype=object, copy=True)
            values[pd.isna(values)] = None
            out[f.name] = pd.Series(values, dtype=object)
    return pd.DataFrame(out, index=pd.RangeIndex(len(frame)))
