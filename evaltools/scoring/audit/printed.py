"""Figures a form prints that its own numbers do not give: the 预算执行率得分, an indicator's 完成率 and
its 得分系数."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.schema import ORG
from evaltools.scoring.codes import each_value
from evaltools.scoring.rule_types import EXECUTION_METHODS

from .core import AuditContext, Code, check, concat, findings
from .rows import Rows, execution_rates, flagged, on_indicators


def _printed_tolerance(printed: np.ndarray) -> np.ndarray:
    """Half a unit of the last decimal each score was printed with (9.5 → 0.05, 8.62 → 0.005), at most 2 decimals
    and at least 1: a score printed as a whole number is rounded to one decimal at most (a printed 9 for 8.62
    is 0.38 points given, not rounding: 廊坊市食品工程学校 2019, 43.2 / 37.24 = 86.20% of 10 points printed 9;
    2.9 for 2.89 is rounding: 施甸县 2019)."""
    digits = np.full(len(printed), 2)
    for d in (1,):
        with np.errstate(invalid="ignore"):
            digits = np.where(np.abs(np.round(printed, d) - printed) < 1e-9, d, digits)
    return 0.5 * 10.0 ** (-digits) + 1e-9


@check(
    "printed_execution_score",
    codes=[
        Code(
            "EXECUTION_SCORE_DIFFERS",
            label="预算执行率得分与重算不符",
            severity="error",
            measure="预算执行率得分应等于执行率 × 分值（执行率超过 100% 的按满分），核对后更正。",
            field="funds.score",
            also_at=("indicator.panel_score",),
        )
    ],
)
def _printed_execution_score(ctx: AuditContext) -> pd.DataFrame:
    """A printed 预算执行率得分 (the funds row's 得分) that the rate × its weight does not give; where the amounts
    cannot be read, the printed rate's (issue 20 item 4); and the same of a 预算执行率 scored as an indicator row
    (:func:`_execution_rows`)."""
    p = ctx.projects
    if "published_execution_score" not in p:
        return _execution_rows(ctx)
    printed = p["published_execution_score"].to_numpy(dtype=float)
    rate, said = execution_rates(p)
    computed = p["execution_score"].to_numpy(dtype=float)
    method = EXECUTION_METHODS[ctx.rules.execution.get("method", "ratio")]
    weight = p["execution_weight"].to_numpy(dtype=float)
    by_printed = (method(pd.Series(rate), dict(ctx.rules.execution)).to_numpy(dtype=float) * weight).round(
        ctx.rules.rounding
    )
    computed = np.where(said, by_printed, computed)  # amounts illegible: the printed rate × the 分值
    with np.errstate(invalid="ignore"):
        r = flagged(p, np.abs(printed - computed) > _printed_tolerance(printed))
    note = np.where(said[r.rows], "（所述）", "")
    text = [
        f"「{n}」预算执行率得分印为 {a}，按执行率 {b}{e} × 分值 {c} 应为 {d}"
        for n, a, b, c, d, e in zip(
            r["project"],
            fmt.scores(r["published_execution_score"]),
            fmt.pcts(rate[r.rows]),
            fmt.scores(r["execution_weight"]),
            fmt.scores(computed[r.rows]),
            note,
        )
    ]
    stated = r["published_execution_score"]
    funds = findings(
        "EXECUTION_SCORE_DIFFERS", r[ORG], r["project"], text, stated, computed[r.rows], project=r["project"]
    )
    return concat([funds, _execution_rows(ctx)])


#: The 三级 name of an indicator row that scores the 预算执行率 itself (银川市第六中学 2021: 项目管理 / 投入管理 /
#: 预算执行率, target 一, actual 100%, 分值 10, 得分 9).
EXECUTION_ROW_NAMES = ("预算执行率",)


def _execution_rows(ctx: AuditContext) -> pd.DataFrame:
    """An indicator row named 预算执行率 with no target to compare (not printed or not applicable) is scored as the
    funds' 预算执行率得分 is — the rule set's execution method of its actual rate × its 分值 — and its printed 得分
    is checked against that (银川市第六中学 2021: 100% printed 9 of 10)."""
    s = ctx.indicators
    named = each_value(s["level3"], lambda v: str(v).strip() in EXECUTION_ROW_NAMES)
    rows = np.flatnonzero(named & s["target"].isna().to_numpy() & s["actual"].notna().to_numpy())
    r = Rows(s, rows[(s["weight"].to_numpy(dtype=float)[rows] > 0) & s["panel_score"].notna().to_numpy()[rows]])
    method = EXECUTION_METHODS[ctx.rules.execution.get("method", "ratio")]
    rate = pd.Series(np.asarray(r["actual"], dtype=float))
    computed = (method(rate, dict(ctx.rules.execution)).to_numpy(dtype=float) * r["weight"]).round(ctx.rules.rounding)
    printed = np.asarray(r["panel_score"], dtype=float)
    differs = np.abs(printed - computed) > _printed_tolerance(printed)
    r, computed = r.subset(differs), computed[differs]
    text = [
        f"「{n}」预算执行率得分印为 {a}，按执行率 {b} × 分值 {c} 应为 {d}"
        for n, a, b, c, d in zip(
            r["project"],
            fmt.scores(r["panel_score"]),
            fmt.pcts(r["actual"]),
            fmt.scores(r["weight"]),
            fmt.scores(computed),
        )
    ]
    return on_indicators("EXECUTION_SCORE_DIFFERS", r, text, r["panel_score"], computed, field="indicator.panel_score")


def _completion(s: pd.DataFrame) -> pd.DataFrame:
    """A printed 完成率 that actual ÷ target does not give (beyond the rounding it was printed with)."""
    stated, done = s["stated_completion"].to_numpy(dtype=float), s["completion"].to_numpy(dtype=float)
    rows = np.flatnonzero(~np.isnan(stated) & ~np.isnan(done))
    tol = 0.5 * 10.0 ** (-np.asarray(fmt.stated_decimals_all(stated[rows]))) / 100
    r = Rows(s, rows[np.abs(done[rows] - stated[rows]) > tol + 1e-9])
    text = [
        f"「{n}」印出完成率 {a}，按实际 ÷ 目标为 {b}"
        for n, a, b in zip(r["level3"], fmt.pcts(r["stated_completion"]), fmt.pcts(r["completion"]))
    ]
    return on_indicators("COMPLETION_MISMATCH", r, text, r["stated_completion"], r["completion"])


def _coefficient(s: pd.DataFrame) -> pd.DataFrame:
    """A printed 得分系数 that 得分 ÷ 分值 does not give (beyond 0.5 percentage points)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        share = s["panel_score"].to_numpy(dtype=float) / s["weight"].to_numpy(dtype=float)
        coefficient = s["score_coefficient"].to_numpy(dtype=float)
        bad = np.isfinite(share) & ~np.isnan(coefficient) & (np.abs(share - coefficient) > 0.005)
    r = flagged(s, bad)
    text = [
        f"「{n}」印出得分系数 {a}，得分 ÷ 分值 = {b} ÷ {c} = {d}"
        for n, a, b, c, d in zip(
            r["level3"],
            fmt.pcts(r["score_coefficient"]),
            fmt.scores(r["panel_score"]),
            fmt.scores(r["weight"]),
            fmt.pcts(share[r.rows]),
        )
    ]
    return on_indicators("COEFFICIENT_MISMATCH", r, text, r["score_coefficient"], share[r.rows])


@check(
    "printed_rates",
    codes=[
        Code(
            "COMPLETION_MISMATCH",
            label="完成率与重算不符",
            severity="error",
            measure="按实际完成值 ÷ 年度指标值重新计算完成率。",
            field="indicator.stated_completion",
        ),
        Code(
            "COEFFICIENT_MISMATCH",
            label="得分系数与得分不符",
            severity="error",
            measure="得分系数应等于得分 ÷ 分值，核对后更正。",
            field="indicator.score_coefficient",
        ),
    ],
)
def _printed_rates(ctx: AuditContext) -> pd.DataFrame:
    """Printed 完成率 and 得分系数 (where the source prints them) against the indicator's own figures."""
    s = ctx.indicators
    parts = [_completion(s)] if "stated_completion" in s else []
    return concat(parts + ([_coefficient(s)] if "score_coefficient" in s else []))
