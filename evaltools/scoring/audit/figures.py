"""Figures the source prints but that cannot be read, and the recomputed totals that depend on them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.schema import ORG, TABLES
from evaltools.scoring.codes import is_in
from evaltools.scoring.indicators import DEPARTMENT, unknown_in

from .core import AuditContext, Code, check, concat, findings, lazily
from .rows import any_per_form, by_org, flagged, form_codes

#: Column titles for messages about figures (from the schema's declarations).
_TITLES = {f.name: f.title for t in TABLES.values() for f in t.fields}


def _unknown_indicator_figures(ctx: AuditContext) -> pd.DataFrame:
    """UNKNOWN_FIGURE per indicator row with an ``unknown`` field (the columns that cannot be read)."""
    s = ctx.indicators
    r = flagged(s, s["unknown"].notna().to_numpy())
    named = [c if isinstance(c, str) and c else b for b, c in zip(r["level2"], r["level3"])]
    titles = {u: "、".join(_TITLES.get(c, c) for c in u.split(",")) for u in set(r["unknown"])}
    effect = np.where(np.asarray(r["unknown_score"], dtype=bool), "依赖它的重算得分无法计算", "不影响重算得分")
    return findings(
        "UNKNOWN_FIGURE",
        r[ORG],
        [f"{p} / {n}" for p, n in zip(r["project"], named)],
        [f"「{n}」的{titles[u]}原表无法辨认，{e}" for n, u, e in zip(named, r["unknown"], effect)],
        project=r["project"],
        indicator=named,
    )


def _unreadable_scores(ctx: AuditContext) -> np.ndarray:
    """Per form (row of ``ctx.projects``): how many of its indicator scores are unknown because a figure of
    their row cannot be read (its ``unknown`` field names one) — not because the form prints no 分值."""
    s, p = ctx.indicators, ctx.projects
    hit = s["unknown_score"].to_numpy(dtype=bool) & s["unknown"].notna().to_numpy()
    at, of = form_codes(s, p)
    named = s[ORG].notna().to_numpy() & s["project"].notna().to_numpy()  # a count leaves out a row without a form
    return np.bincount(at[hit & named], minlength=len(at) + len(of))[of]


def scores_printed(ctx: AuditContext) -> np.ndarray:
    """Per form (row of ``ctx.projects``): whether it prints any score — an indicator's 得分 (readable or not),
    the 预算执行率得分 or a total. A form that prints none is unscored (未评分, issue 20 item 1): it has no total
    to compute or check, and no figure of it is to blame (湖北科技学院 2021 and 吕梁山护工培训 2021 print no
    分值/得分 columns; 大英县 2022 leaves its 得分 column empty)."""
    s, p = ctx.indicators, ctx.projects
    scored = s["panel_score"].notna().to_numpy() | unknown_in(s, "panel_score").to_numpy()
    out = any_per_form(s, p, scored)
    for column in ("published_execution_score", "published_score"):
        if column in p:
            out = out | p[column].notna().to_numpy()
    return out | unknown_in(p, "published_score").to_numpy()


def _blank_execution_score(ctx: AuditContext) -> pd.DataFrame:
    """TOTAL_UNKNOWN per form that scores its indicators and prints the 预算执行率's 分值 but leaves its 得分
    blank (issue 20 item 1, scores left blank): the form's own total cannot be checked from the table, and the
    blank is not 0 (金寨县茶谷和美丽乡村建设服务中心 2023: 年度资金总额 分值 10, 得分 empty, every indicator scored)."""
    p = ctx.projects
    if "published_execution_score" not in p:
        return concat([])
    blank = p["published_execution_score"].isna().to_numpy() & ~unknown_in(p, "published_execution_score").to_numpy()
    if not blank.any():  # the usual case: no form to look further at
        return concat([])
    s = ctx.indicators
    indicators = any_per_form(s, p, s["panel_score"].notna().to_numpy())
    weight = _printed_execution_weight(ctx)
    with np.errstate(invalid="ignore"):
        r = flagged(p, indicators & blank & (weight > 0))
    text = lazily(_blank_text, r["project"], weight[r.rows])
    return findings("TOTAL_UNKNOWN", r[ORG], r["project"], text, project=r["project"])


def _blank_text(names, weights) -> list[str]:
    return [
        f"「{n}」的自评总分无法核对：预算执行率分值 {w} 分，得分未填（不计为 0 分）"
        for n, w in zip(names, fmt.scores(weights))
    ]


def _printed_execution_weight(ctx: AuditContext) -> np.ndarray:
    """Per form (row of ``ctx.projects``): the 预算执行率's 分值 as the input gives it — a project's own, the
    unit's for its department table — NaN where none is given (not the rule set's default weight)."""
    p, data = ctx.projects, ctx.data
    own = np.full(len(p), np.nan)
    if "execution_weight" in data.projects:
        # the first input row of each form (as a merge on the first of each key would find it), by integer codes
        at, of = form_codes(data.projects, p)
        first = np.full(len(at) + len(of) + 1, -1, dtype=np.int64)
        first[at[::-1]] = np.arange(len(at) - 1, -1, -1)
        given = np.append(data.projects["execution_weight"].to_numpy(dtype=float), np.nan)
        own = given[first[of]]
    if "execution_weight" in data.units:
        unit = by_org(ctx, p, "execution_weight").to_numpy(dtype=float)
        own = np.where(is_in(p["project"], [DEPARTMENT]), unit, own)
    return own


def _unknown_totals(ctx: AuditContext) -> list[pd.DataFrame]:
    """TOTAL_UNKNOWN per form whose recomputed total is NaN because a printed figure cannot be read (an
    indicator row's or the execution score's), and per unit whose printed total is unreadable. A total unknown
    only because the form prints no 分值 (older layouts, seen on 湖北 区商务局 2020 and 云南 施甸县 2019 forms)
    blames no unreadable figure: it is not this finding."""
    p = ctx.projects
    unknown = p["computed_score"].isna().to_numpy()
    counts = _unreadable_scores(ctx) if unknown.any() else np.zeros(len(p), dtype=int)  # none: nothing to count
    execution = p["execution_score"].isna().to_numpy() & (p["unknown"].notna().to_numpy() if "unknown" in p else False)
    f = flagged(p, unknown & ((counts > 0) | execution) & (scores_printed(ctx) if unknown.any() else unknown))
    text = [
        f"「{n}」的重算总分无法计算：{c} 项指标得分"
        + ("及预算执行率得分" if e != e else "")
        + "依赖原表无法辨认的数（不计为 0 分，也不折算）"
        for n, c, e in zip(f["project"], counts[f.rows], np.asarray(f["execution_score"], dtype=float))
    ]
    parts = [findings("TOTAL_UNKNOWN", f[ORG], f["project"], text, project=f["project"]), _blank_execution_score(ctx)]
    unreadable = ctx.total["published_unknown"].to_numpy(dtype=bool) if "published_unknown" in ctx.total else []
    if np.any(unreadable):
        t = ctx.total[unreadable]
        parts.append(findings("TOTAL_UNKNOWN", t[ORG], "公布总分", "原表印出的总分无法辨认，未作比较"))
    return parts


@check(
    "unknown_figures",
    codes=[
        Code(
            "UNKNOWN_FIGURE",
            label="原表数字无法辨认",
            severity="warning",
            measure="补齐原表中无法辨认的数字，公开的自评表应清晰完整。",
            field="indicator.level3",
        ),
        Code(
            "TOTAL_UNKNOWN",
            label="总分无法计算或无法核对",
            severity="warning",
            measure="补齐原表中无法辨认的数字后重新核对总分。",
            field="total",
        ),
    ],
)
def _unknown_figures(ctx: AuditContext) -> pd.DataFrame:
    """Figures the source prints but that cannot be read, and the recomputed totals that depend on them:
    UNKNOWN_FIGURE per indicator row with an ``unknown`` field (pointing at its name: the row's unreadable
    columns are named in the message); TOTAL_UNKNOWN per form whose recomputed total is NaN and per unit
    whose printed total is unreadable (never counted as 0, never rescaled)."""
    if "unknown" not in ctx.indicators:
        return concat([])
    return concat([_unknown_indicator_figures(ctx), *_unknown_totals(ctx)])
