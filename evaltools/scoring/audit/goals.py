"""The figures a form's 年度总体目标 states for an indicator against those its 实际完成情况 states.

南昌 蚕茶卫生院 2021 (jiangxi-nanchang-canchawsy-2021-dept) prints the indicator 业务收入 with target 超上年度 and
actual 增收27万元 — no figure to compare — while its 年度总体目标 reads 业务收入达到55万元 and its 实际完成情况
业务收入77.57万元: a reviewer reads 141% of the stated target off the two texts. Each text is split into its
clauses (by ， ； 。 and line breaks); a clause that is a name, an optional verb (达到, 完成, 实现 …) and one figure
with its unit is a stated figure. A goal and a result clause of the same form, the same name — the 三级 name of
one of its indicators — and the same unit are paired; nothing else is guessed.
"""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd

from evaltools.data.schema import ORG
from evaltools.scoring.indicators import DEPARTMENT

from .core import AuditContext

#: A clause stating one figure: its name, a verb, the figure and its unit (业务收入达到55万元, 业务收入77.57万元).
_CLAUSE = re.compile(
    r"^(?P<name>[^\d\s,，;；。:：]{2,20}?)(?:达到|完成|实现|为|共计|累计|计)?"
    r"(?P<num>\d+(?:\.\d+)?)(?P<unit>[^\d\s,，;；。.、:：()（）]{1,4})$"
)
_SPLIT = re.compile(r"[,，;；。\n]")
_KEYS = [ORG, "project", "name", "unit"]


def _texts(ctx: AuditContext) -> list[tuple]:
    """(org, project, goal, result) of every form that prints both texts: the projects' 年度总体目标 / 实际完成情况,
    and each unit's own goals and achievements (部门整体) where its profile is known. Plain tuples: a form has a
    few texts, and a frame per step costs more than reading them (issue 19 item 6)."""
    p = ctx.data.projects
    both = np.flatnonzero(p["goal"].notna().to_numpy() & p["result"].notna().to_numpy())
    rows = list(zip(*(p[c].to_numpy(dtype=object)[both] for c in (ORG, "project", "goal", "result"))))
    profiles = ctx.data.profiles or {}
    rows += [
        (org, DEPARTMENT, "\n".join(pr.goals), "\n".join(pr.achievements))
        for org, pr in profiles.items()
        if getattr(pr, "goals", None) and getattr(pr, "achievements", None)
    ]
    return [r for r in rows if pd.notna(r[2]) and pd.notna(r[3])]


def _clauses(keys: list[tuple], texts: list[object]) -> dict[tuple, float]:
    """(org, project, name, unit) → the figure, per clause of ``texts`` (one per row of ``keys``: org, project)
    that states one figure, in text order; a name, unit and form stated twice says neither. The few texts of a
    form are split with ``re`` directly: pandas' string machinery (split, explode, extract) and a frame per step
    cost more than the parsing itself (issue 19 item 6)."""
    found = [
        ((org, project, m["name"], m["unit"]), float(m["num"]))
        for (org, project), text in zip(keys, texts)
        for clause in _SPLIT.split(str(text))
        if (m := _CLAUSE.search(clause.strip()))
    ]
    counts = Counter(key for key, _ in found)
    return {key: value for key, value in found if counts[key] == 1}


def stated_figures(ctx: AuditContext) -> pd.DataFrame:
    """Goal and result figures paired per form, name and unit, where the name is one of the form's indicators:
    org, project, name (the indicator), unit, target, actual, completion (in the order the goals state them)."""
    texts = _texts(ctx)
    keys = [(org, project) for org, project, _, _ in texts]
    goals = _clauses(keys, [t[2] for t in texts])
    results = _clauses(keys, [t[3] for t in texts])
    both = [key for key in goals if key in results]
    if not both:
        return pd.DataFrame(columns=[*_KEYS, "target", "actual", "completion"])
    ind = ctx.indicators
    named = pd.MultiIndex.from_arrays([ind[c].to_numpy(dtype=object) for c in (ORG, "project", "level3")])
    both = [key for key, ok in zip(both, pd.MultiIndex.from_tuples([k[:3] for k in both]).isin(named)) if ok]
    target = np.array([goals[k] for k in both], dtype=float)
    actual = np.array([results[k] for k in both], dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        completion = np.where(target > 0, actual / target, np.nan)
    columns = {c: np.array([k[i] for k in both], dtype=object) for i, c in enumerate(_KEYS)}
    return pd.DataFrame({**columns, "target": target, "actual": actual, "completion": completion})
