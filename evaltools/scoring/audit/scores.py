"""Published scores and grades against the recomputed ones and the grade bands, and low 预算执行率."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.schema import ORG
from evaltools.scoring.grading import grade, grade_band_names
from evaltools.scoring.indicators import category_codes

from .core import AuditContext, Code, check, concat, findings, lazily, no_findings
from .rows import execution_rates, flagged, form_codes


def _other_band(published: np.ndarray, expected: np.ndarray, ctx: AuditContext) -> np.ndarray:
    """Whether each published grade names another band than the expected one: spellings of one band (the rule
    set's ``audit.grade_synonyms``: 良好 = 良) are the same grade (issue 20 item 7)."""
    if not len(published):
        return np.zeros(0, dtype=bool)
    synonyms = ctx.rules.audit.get("grade_synonyms") or {}
    return grade_band_names(published, synonyms) != grade_band_names(expected, synonyms)


def _expected_grade(band: object) -> str:
    """What the grade bands say of a published score: its band, or that no band holds it (a total of 870 is
    beyond every band: said so, never 「None」)."""
    if isinstance(band, str) and band:
        return f"按等级表应为「{band}」"
    return "该分数不在等级表任何档次的分数范围内（满分 100），无法按等级表评级：请核对公布的分数"


def _form_scores(ctx: AuditContext) -> list[pd.DataFrame]:
    """Published form scores against the recomputed ones, and published grades against the bands."""
    p = ctx.projects
    r = flagged(p, p["published_score"].notna() & (p["difference"].abs() > 0.005))
    figures = ("published_score", "computed_score", "execution_score", "indicator_score", "difference")
    text = lazily(_differs_text, r["project"], *(r[c] for c in figures))
    at = dict(project=r["project"])
    differs = findings("SCORE_DIFFERS", r[ORG], r["project"], text, r["published_score"], r["computed_score"], **at)
    pub = flagged(p, p["published_grade"].notna() & p["published_score"].notna())
    expected = grade(pub["published_score"], ctx.rules.grade_bands).to_numpy(dtype=object)
    wrong = _other_band(pub["published_grade"], expected, ctx)
    r, expected = pub.subset(wrong), expected[wrong]
    text = [
        f"「{n}」公布 {a} 分、等级「{g}」，" + _expected_grade(e)
        for n, a, g, e in zip(r["project"], fmt.scores(r["published_score"]), r["published_grade"], expected)
    ]
    mismatch = findings("GRADE_MISMATCH", r[ORG], r["project"], text, r["published_score"], project=r["project"])
    return [differs, mismatch]


def _differs_text(names, published, computed, execution, indicators, difference) -> list[str]:
    return [
        f"「{n}」公布得分 {a}，按数据重算 {b}（预算执行率 {c} + 指标 {d}），相差 {e}"
        for n, a, b, c, d, e in zip(
            names,
            fmt.scores(published),
            fmt.scores(computed),
            fmt.scores(execution),
            fmt.scores(indicators),
            fmt.scores(difference),
        )
    ]


def _reachable(ctx: AuditContext) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per form (row of ``ctx.projects``): the lowest and highest total its printed figures allow — each
    printed score as it is, an unknown score anywhere from 0 to its 分值 (NaN: no 分值 either), the 预算执行率
    得分 as printed, else as computed, else 0 to its 分值 — and whether the table is whole enough to bound its
    total: it prints no indicator 分值 at all (a layout without a 分值 column: its printed scores are all it
    scores), or its 分值 are all printed and add to 100 or more (新洲区楚剧团 2020: 100 + the funds' 10; a table cut off after its first rows does not: 融媒体中心
    2021, 分值 29 visible). Breakdown rows and 二级 measures are not counted."""
    s, p = ctx.indicators, ctx.projects
    on = s["scored"].to_numpy(dtype=bool) & s["parent"].isna().to_numpy()
    score, weight = s["score"].to_numpy(dtype=float)[on], s["weight"].to_numpy(dtype=float)[on]
    known = ~np.isnan(score)
    at, of = form_codes(s, p)
    named = s[ORG].notna().to_numpy() & s["project"].notna().to_numpy()  # a groupby leaves out a row without a form
    hi = np.where(known, score, weight)
    rows = pd.DataFrame(
        {"lo": np.where(known, score, 0.0), "hi": hi, "open_hi": np.isnan(hi), "open": np.isnan(weight), "w": weight}
    )
    # one groupby sum over integer codes (pandas' compensated sum, as before): booleans summed are counts
    sums = rows[named[on]].groupby(at[on][named[on]], sort=False).sum().reindex(of)
    count = np.bincount(at[on][named[on]], minlength=len(at) + len(of))[of]
    none = count == 0
    sums["hi"] = sums["hi"].where(sums["open_hi"].to_numpy() == 0)
    open_all = np.where(none, False, sums["open"].to_numpy() == count)
    some = np.where(none, True, sums["open"].to_numpy() > 0)
    at_lo = sums["lo"].to_numpy(dtype=float)
    printed = p["published_execution_score"] if "published_execution_score" in p else p["execution_score"] * np.nan
    execution = printed.fillna(p["execution_score"]).to_numpy(dtype=float)
    lo = np.nan_to_num(at_lo) + np.nan_to_num(execution)
    hi = sums["hi"].to_numpy(dtype=float) + np.where(np.isnan(execution), p["execution_weight"], execution)
    full = sums["w"].to_numpy(dtype=float) + p["execution_weight"].to_numpy(dtype=float) > 100 - 0.01
    whole = open_all | (~some & full)
    return lo, np.where(none, lo, hi), whole


def _unrecomputed_totals(ctx: AuditContext) -> pd.DataFrame:
    """A printed total the form's own printed scores cannot give, where the total cannot be recomputed (no 分值
    printed, or a score unreadable): outside [lowest, highest] of :func:`_reachable` by more than 0.05 (issue 20
    item 4). Seen: 区商务局 2020 prints 总分 100 over scores adding to 120 and no 分值 column; 银川市第六中学 2021
    prints 98 where the visible scores and the 满意度 分值 allow at most 94."""
    p = ctx.projects
    published = p["published_score"].to_numpy(dtype=float)
    rows = p["computed_score"].isna().to_numpy() & ~np.isnan(published) & (p["rescale_factor"] == 1).to_numpy()
    if not rows.any():  # every total recomputed or none printed (the usual case): no bounds to work out
        return no_findings()
    lo, hi, whole = _reachable(ctx)
    with np.errstate(invalid="ignore"):
        rows &= whole & ((published < lo - 0.05) | (published > hi + 0.05))
    r = flagged(p, rows)
    lo, hi = lo[r.rows], hi[r.rows]
    text = [
        f"「{n}」公布总分 {a}，"
        + (f"表中印出的各项得分之和为 {b}" if b == c else f"按表中印出的得分和分值，总分只能在 {b}–{c} 之间")
        for n, a, b, c in zip(r["project"], fmt.scores(r["published_score"]), fmt.scores(lo), fmt.scores(hi))
    ]
    computed = np.where(r["published_score"] > hi, hi, lo)
    return findings("SCORE_DIFFERS", r[ORG], r["project"], text, r["published_score"], computed, project=r["project"])


def _published_means(ctx: AuditContext) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: the simple mean of its projects' published scores, and whether every project has one."""
    p = ctx.projects
    codes = category_codes(p[ORG], ctx.data.org_index)
    grouped = p["published_score"].groupby(codes, sort=False)
    n = len(ctx.data.org_index)
    count = grouped.count().reindex(range(n), fill_value=0).to_numpy()
    size = grouped.size().reindex(range(n), fill_value=0).to_numpy()
    mean = grouped.mean().reindex(range(n)).to_numpy(dtype=float)
    return mean, (count == size) & (size > 0)


def _total_text(published, mean, complete, assessed_weighted, simple, weighted) -> list[str]:
    notes = [
        f"；各项目公布得分的简单平均 {a}、按预算加权平均 {b}" if c else ""
        for a, b, c in zip(fmt.scores(mean), fmt.scores(assessed_weighted), complete)
    ]
    return [
        f"公布总分 {a}；按数据重算的项目得分简单平均 {b}、按预算加权平均 {c}{d}"
        for a, b, c, d in zip(fmt.scores(published), fmt.scores(simple), fmt.scores(weighted), notes)
    ]


def _total_score(ctx: AuditContext) -> list[pd.DataFrame]:
    """The published department total against the recomputed one (the mean of project totals), and its
    grade against the bands, for units of kind department_projects; reports that are one form are checked
    as that form (``scores``)."""
    t = ctx.total
    published = t["published"].to_numpy(dtype=float)
    has = ~np.isnan(published) & (t["kind"] == "department_projects").to_numpy()
    if not has.any():  # no unit prints a total over its projects: nothing to check
        return []
    mean, complete = _published_means(ctx)
    rows = np.flatnonzero(has)
    r = t.iloc[rows]
    figures = (r[c].to_numpy(dtype=float) for c in ("assessed_weighted", "computed_simple", "computed_weighted"))
    text = lazily(_total_text, published[rows], mean[rows], complete[rows], *figures)
    info = np.abs(published[rows] - r["computed_score"].to_numpy(dtype=float)) < 1.0
    checked = findings(
        np.where(info, "TOTAL_CHECKED", "TOTAL_DIFFERS"),
        r[ORG],
        "部门整体",
        text,
        published[rows],
        r["computed_score"],
    )
    stated_grade = ctx.data.units["published_grade"].to_numpy(dtype=object)
    given = np.array([isinstance(g, str) and bool(g) for g in stated_grade])
    wrong = np.flatnonzero(has & given & _other_band(stated_grade, t["grade"].to_numpy(dtype=object), ctx))
    r = t.iloc[wrong]
    text = [
        f"公布总分 {a}、等级「{g}」，" + _expected_grade(e)
        for a, g, e in zip(fmt.scores(published[wrong]), stated_grade[wrong], r["grade"])
    ]
    return [checked, findings("GRADE_MISMATCH", r[ORG], "部门整体", text, published[wrong])]


@check(
    "scores",
    codes=[
        Code(
            "SCORE_DIFFERS",
            label="得分与重算不符",
            severity="warning",
            measure="对评价得分与按数据重算得分不一致的项目，补充打分依据或更正得分。",
            field="total",
        ),
        Code(
            "GRADE_MISMATCH",
            label="等级与等级表不符",
            severity="error",
            measure="按等级划分表重新确定等级。",
            field="grade",
        ),
        Code(
            "TOTAL_CHECKED",
            label="总分已核对",
            severity="info",
            measure="公布总分与按数据重算的总分相差不足 1 分，无需更正。",
            field="total",
        ),
        Code(
            "TOTAL_DIFFERS",
            label="总分与重算不符",
            severity="warning",
            measure="核对部门总分的计算口径（各项目得分简单平均或按预算加权平均），更正总分或说明口径。",
            field="total",
        ),
    ],
)
def _scores(ctx: AuditContext) -> pd.DataFrame:
    """Published form scores and grades (``_form_scores``), printed totals the printed scores cannot give where
    no total can be recomputed (``_unrecomputed_totals``), then each unit's published total and grade
    (``_total_score``), against the recomputed ones and the bands."""
    return concat([*_form_scores(ctx), _unrecomputed_totals(ctx), *_total_score(ctx)])


def _low_text(names, rates, printed, alert) -> list[str]:
    limit = fmt.pct(alert, 0)
    said = np.where(printed, "（按原表所述，金额无法重算）", "")
    return [f"「{n}」预算执行率 {a}{b}，低于 {limit}，应说明原因" for n, a, b in zip(names, fmt.pcts(rates), said)]


@check(
    "execution_low",
    codes=[
        Code(
            "EXECUTION_LOW",
            label="预算执行率偏低",
            severity="warning",
            measure="预算执行率偏低的，分析原因并在自评中说明，完善预算编制和支出进度管理。",
            field="funds.rate",
        )
    ],
)
def _execution_low(ctx: AuditContext) -> pd.DataFrame:
    """预算执行率 below the rule set's alert level (``audit.execution_alert``, default 90%): the form
    should state why (common practice: a low rate needs an explanation). The printed rate stands in where the
    amounts cannot be read (:func:`execution_rates`)."""
    alert = float(ctx.rules.audit.get("execution_alert", 0.9))
    p = ctx.projects
    rate, printed = execution_rates(p)
    with np.errstate(invalid="ignore"):
        r = flagged(p, rate < alert)
    text = lazily(_low_text, r["project"], rate[r.rows], printed[r.rows], alert)
    return findings("EXECUTION_LOW", r[ORG], r["project"], text, alert, rate[r.rows], project=r["project"])
