"""Scores within their weights: indicator and 预算执行率 scores at most their 分值, qualitative scores within
their grade's band, a form's 分值 adding to 100 and its 一级指标 分值 as the rule set's framework sets them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.schema import ORG
from evaltools.scoring.codes import combined_codes, is_false, text_codes
from evaltools.scoring.completeness import BLANK
from evaltools.scoring.indicators import level1_totals

from .core import AuditContext, Code, check, concat, findings, lazily
from .rows import flagged, form_codes, on_indicators


def _indicator_score_above_weight(ctx: AuditContext) -> pd.DataFrame:
    """Indicator scores (published or panel) above the indicator's weight."""
    s = ctx.indicators
    r = flagged(s, (s["score"] > s["weight"] + 1e-9).to_numpy())
    text = [
        f"「{n}」得分 {a} 超过分值 {b}" for n, a, b in zip(r["level3"], fmt.scores(r["score"]), fmt.scores(r["weight"]))
    ]
    return on_indicators("SCORE_ABOVE_WEIGHT", r, text, r["weight"], r["score"])


def _qualitative_bands(ctx: AuditContext) -> pd.DataFrame:
    """Panel scores of qualitative indicators outside the band of their grade."""
    s = ctx.indicators
    r = flagged(s, is_false(s["in_band"]))  # an object column of True/False/None
    text = [
        f"「{n}」定性等级「{g}」的得分区间为 {lo}–{hi} 分，评价得分 {p} 不在其中"
        for n, g, lo, hi, p in zip(
            r["level3"],
            r["qualitative_grade"],
            fmt.scores(r["band_low"]),
            fmt.scores(r["band_high"]),
            fmt.scores(r["panel_score"]),
        )
    ]
    return on_indicators("QUALITATIVE_OUT_OF_BAND", r, text, r["band_high"], r["panel_score"])


def _level(index: pd.MultiIndex, name: str) -> np.ndarray:
    """The values of one level of ``index`` for every row (through the level's codes: no text conversion)."""
    i = index.names.index(name)
    return np.asarray(index.levels[i], dtype=object)[index.codes[i]]


def _form_frameworks(forms: np.ndarray, names: np.ndarray, codes: np.ndarray, rules: object) -> np.ndarray:
    """The framework of each form (one code per form): the one whose 一级 names its rows use most (first on a
    tie), as ``params/rules/mof.yaml`` says (each form's framework is the one whose names its 一级 rows use). 过程
    is in both 决策/过程/产出/效益 and 投入/过程/产出/效果: a form's own other names decide (issue 20 item 5). The
    rows' 一级 are ``names`` at ``codes``: each name looked up once."""
    n = int(forms.max()) + 1 if len(forms) else 0
    counts = [
        np.bincount(forms, weights=np.isin(names, list(f["weights"]))[codes], minlength=n)
        for f in rules.frameworks.values()
    ]
    return np.argmax(np.vstack(counts), axis=0) if counts else np.zeros(n, dtype=np.int64)


def _expected_weights(index: pd.MultiIndex, rules: object) -> np.ndarray:
    """Each (form, 一级) row's weight in its own form's framework (NaN: the framework leaves it open or does not
    name it); one table frameworks × distinct 一级 names, indexed by the level's codes."""
    at = index.names.index("level1")
    names, codes = index.levels[at], index.codes[at]
    # the other levels' own integer codes combined, in order of first appearance: no text is hashed again
    others = [i for i, k in enumerate(index.names) if k != "level1"]
    forms, _ = combined_codes([(index.codes[i], len(index.levels[i])) for i in others], len(index))
    if not len(forms):
        return np.zeros(0)
    table = np.array(
        [
            [np.nan if f["weights"].get(v) is None else float(f["weights"][v]) for v in names]
            for f in rules.frameworks.values()
        ],
        dtype=float,
    ).reshape(len(rules.frameworks), len(names))
    return table[_form_frameworks(forms, np.asarray(names, dtype=object), codes, rules)[forms], codes]


def _category_weights(ctx: AuditContext) -> pd.DataFrame:
    """一级指标 weights of each form against its own framework's weights, where that framework sets them (info)."""
    totals = ctx.totals if ctx.totals is not None else level1_totals(ctx.indicators)
    index = totals.index
    weight = (totals["indicator_weight"] + totals["dropped_weight"]).to_numpy(dtype=float)
    expected = _expected_weights(index, ctx.rules)
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~np.isnan(expected) & (np.abs(weight - expected) > 0.01) & _shown_whole(ctx, index))
    project, category = _level(index, "project")[bad], _level(index, "level1")[bad]
    org = pd.Categorical.from_codes(index.codes[index.names.index(ORG)][bad], categories=index.levels[0])
    text = lazily(_category_text, project, category, weight[bad], expected[bad])
    return findings("CATEGORY_WEIGHTS", org, project, text, expected[bad], weight[bad], project=project)


def _category_text(projects, categories, weights, expected) -> list[str]:
    return [
        f"「{p}」{c}分值 {a}，与规则默认 {b} 不同"
        for p, c, a, b in zip(projects, categories, fmt.scores(weights), fmt.scores(expected))
    ]


def _shown_whole(ctx: AuditContext, index: pd.MultiIndex) -> np.ndarray:
    """Per row of ``index`` (org, project, …): whether its form shows all its 分值 — not a table cut off or
    printing none (:mod:`evaltools.scoring.completeness`; 分值 printed with blank 得分 are whole)."""
    p = ctx.projects
    if "incomplete" not in p:
        return np.ones(len(index), dtype=bool)
    cut = p[~(p["incomplete"].isna() | (p["incomplete"] == BLANK)).to_numpy()]
    if not len(cut):  # the usual case: every form whole
        return np.ones(len(index), dtype=bool)
    hidden = pd.MultiIndex.from_arrays([cut[ORG].astype(object).to_numpy(), cut["project"].astype(object).to_numpy()])
    forms = pd.MultiIndex.from_arrays([_level(index, ORG), _level(index, "project")])
    return ~forms.isin(hidden)


def _heading_weights(ctx: AuditContext) -> pd.DataFrame:
    """WEIGHTS_NOT_100 of a form that prints no 分值 per indicator but its 一级 headings' (产出指标 (60 分)) and its
    预算执行率's: those add to 100 (区商务局 2020: 产出 60 + 效益 40 + 预算执行 20 = 120). Every 一级 of the form
    must print its heading weight, and no indicator its own 分值 (then the rows' 分值 are checked)."""
    s, p = ctx.indicators, ctx.projects
    if "level1_weight" not in s or not s["level1_weight"].notna().any():  # no heading weight printed: none adds up
        return concat([])
    heading, row = _heading_sums(s, p)
    execution = p["execution_weight"].to_numpy(dtype=float)
    full = heading + execution
    with np.errstate(invalid="ignore"):
        r = flagged(p, ~row & (np.abs(full - 100) > 0.01))
    text = [
        f"「{n}」一级指标标题所注分值合计 {a}，加预算执行率分值 {b}，共 {c}，应为 100"
        for n, a, b, c in zip(
            r["project"], fmt.scores(heading[r.rows]), fmt.scores(execution[r.rows]), fmt.scores(full[r.rows])
        )
    ]
    return findings("WEIGHTS_NOT_100", r[ORG], r["project"], text, 100, full[r.rows], project=r["project"])


def _heading_sums(s: pd.DataFrame, p: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per form (row of ``p``): the sum of its 一级 heading weights (each 一级's first one given; NaN when one
    一级 gives none, or the form has no 一级) and whether any indicator row prints its own 分值 (True for a form
    with no 一级). Rows without a form or a 一级 are left out. Integer codes and ``np.bincount``, not two groupbys
    and a merge (issue 19 item 6)."""
    at, of = form_codes(s, p)
    level1, names = text_codes(s["level1"])  # remembered: every row's, kept ones taken (the order of the groups
    named = s[ORG].notna().to_numpy() & (text_codes(s["project"])[0] >= 0)  # is the same)
    keep = np.flatnonzero(named & (level1 >= 0))
    groups, _ = pd.factorize(at[keep].astype(np.int64) * (len(names) + 1) + level1[keep])
    n, size = int(groups.max()) + 1 if len(groups) else 0, len(at) + len(of)
    form = np.zeros(n, dtype=np.int64)
    form[groups] = at[keep]
    h = s["level1_weight"].to_numpy(dtype=float)[keep]
    valid = np.flatnonzero(~np.isnan(h))
    given, first = np.unique(groups[valid], return_index=True)
    heading = np.full(n, np.nan)
    heading[given] = h[valid][first]
    row = np.bincount(groups, weights=s["weight"].notna().to_numpy()[keep], minlength=n) > 0
    has = np.bincount(form, minlength=size)[of] > 0
    sums = np.bincount(form, weights=np.nan_to_num(heading), minlength=size)[of]
    missing = np.bincount(form, weights=np.isnan(heading), minlength=size)[of] > 0
    printed = np.bincount(form, weights=row, minlength=size)[of] > 0
    return np.where(has & ~missing, sums, np.nan), np.where(has, printed, True)


def _project_weights(ctx: AuditContext) -> list[pd.DataFrame]:
    """Forms whose weights do not add to 100, 预算执行率 scores above their weight, totals above 100."""
    p = ctx.projects
    full = (p["execution_weight"] + p["indicator_weight"] + p["dropped_weight"]).to_numpy(dtype=float)
    # a table cut off (or not scored) is not blamed for the 分值 it does not show (issue 20 item 1)
    reason = p["incomplete"] if "incomplete" in p else pd.Series(None, index=p.index, dtype=object)
    whole = (reason.isna() | (reason == BLANK)).to_numpy()
    r = flagged(p, (np.abs(full - 100) > 0.01) & whole)
    f = full[r.rows]
    text = [f"「{n}」分值合计 {a}，应为 100" for n, a in zip(r["project"], fmt.scores(f))]
    parts = [findings("WEIGHTS_NOT_100", r[ORG], r["project"], text, 100, f, project=r["project"])]
    parts += [_heading_weights(ctx), _category_weights(ctx)]
    r = flagged(p, p["execution_score"] > p["execution_weight"] + 1e-9)
    text = [
        f"「{n}」预算执行率得分 {a} 超过分值 {b}（执行率 {c} 未封顶）"
        for n, a, b, c in zip(
            r["project"],
            fmt.scores(r["execution_score"]),
            fmt.scores(r["execution_weight"]),
            fmt.pcts(r["execution_rate"]),
        )
    ]
    at = dict(project=r["project"], field="funds.score")
    parts.append(
        findings("SCORE_ABOVE_WEIGHT", r[ORG], r["project"], text, r["execution_weight"], r["execution_score"], **at)
    )
    r = flagged(p, p["score"] > 100 + 1e-9)
    text = [f"「{n}」得分 {a} 超过满分 100" for n, a in zip(r["project"], fmt.scores(r["score"]))]
    at = dict(project=r["project"], field="total")
    parts.append(findings("SCORE_ABOVE_WEIGHT", r[ORG], r["project"], text, 100, r["score"], **at))
    return parts


@check(
    "weights",
    codes=[
        Code(
            "SCORE_ABOVE_WEIGHT",
            label="得分超过分值",
            severity="error",
            measure="得分不得超过分值（预算执行率得分不超过其分值，总分不超过 100 分），核对后更正。",
            field="indicator.panel_score",
            also_at=("funds.score", "total"),
        ),
        Code(
            "QUALITATIVE_OUT_OF_BAND",
            label="定性得分超出档次区间",
            severity="error",
            measure="定性指标的得分应落在所评等级对应的分数区间内，核对等级或得分后更正。",
            field="indicator.panel_score",
        ),
        Code(
            "WEIGHTS_NOT_100",
            label="分值合计不为 100",
            severity="error",
            measure="核对预算执行率和各项指标的分值，使分值合计为 100 分。",
            field="total",
        ),
        Code(
            "CATEGORY_WEIGHTS",
            label="一级指标分值与规则不同",
            severity="info",
            measure="一级指标分值与所用指标体系的默认分值不同的，在自评中说明设置理由。",
            field="indicator.weight",
        ),
    ],
)
def _weights(ctx: AuditContext) -> pd.DataFrame:
    """Indicator scores above their weight, qualitative scores outside their band, then each form's weights
    (not adding to 100, 一级指标 weights unlike the rules'), its 预算执行率 score and total above their weight."""
    return concat([_indicator_score_above_weight(ctx), _qualitative_bands(ctx), *_project_weights(ctx)])
