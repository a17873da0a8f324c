"""How targets and costs are set: a cost indicator contradicting the form's spending, a target below last
year's actual."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.schema import ORG
from evaltools.scoring.codes import each_value, is_in
from evaltools.scoring.indicators import DEPARTMENT

from .core import AuditContext, Code, check, concat
from .rows import Rows, on_indicators, plain_keys


@check(
    "cost_contradicts_spending",
    codes=[
        Code(
            "COST_CONTRADICTS",
            label="成本指标与支出矛盾",
            severity="error",
            measure="成本指标的实际完成值应与资金执行情况一致，核对后更正。",
            field="indicator.actual",
        )
    ],
)
def _cost_contradicts_spending(ctx: AuditContext) -> pd.DataFrame:
    """A cost indicator (成本指标) in 万元 reporting 0 while its form spent money."""
    s = ctx.indicators
    rows = np.flatnonzero((s["actual"] == 0).to_numpy())  # few rows: their text is read only there
    level2, unit = s["level2"].to_numpy(dtype=object)[rows], s["unit"].to_numpy(dtype=object)[rows]
    rows = rows[[isinstance(a, str) and "成本" in a and b == "万元" for a, b in zip(level2, unit)]]
    if not len(rows):
        return concat([])
    cand = plain_keys(s.iloc[rows], [ORG, "project", "level3"]).assign(_row=rows)
    spent = plain_keys(ctx.projects, [ORG, "project", "spent"]).drop_duplicates([ORG, "project"])
    hit = cand.merge(spent, how="inner", on=[ORG, "project"])
    hit = hit[hit["spent"].to_numpy(dtype=float) > 0]
    r = Rows(s, hit["_row"].to_numpy())
    amounts = hit["spent"].to_numpy(dtype=float)
    text = [
        f"「{n}」实际完成值 0 万元，但「{p}」全年执行数 {a} 万元"
        for n, p, a in zip(r["level3"], r["project"], fmt.wans(amounts))
    ]
    return on_indicators("COST_CONTRADICTS", r, text, 0.0, amounts)


@check(
    "target_below_previous",
    codes=[
        Code(
            "TARGET_BELOW_PREVIOUS",
            label="目标低于上年实际",
            severity="warning",
            measure="年度指标值不应低于上年实际完成值，按实际能力合理设定目标。",
            field="indicator.target",
        )
    ],
)
def _target_below_previous(ctx: AuditContext) -> pd.DataFrame:
    """A target (≥) set below last year's actual for the same indicator (unit, form, 三级指标), when last
    year is loaded and the rule set's ``audit.previous_target`` is on."""
    prev = getattr(ctx.data, "previous", None)
    if prev is None or not ctx.rules.audit.get("previous_target", True) or prev.indicators.empty:
        return concat([])
    s = ctx.indicators
    rows = np.flatnonzero(is_in(s["direction"], [">=", ">"]) & s["target"].notna().to_numpy())
    keys = [ORG, "project", "level3"]
    now = plain_keys(s.iloc[rows], keys + ["target"]).assign(_row=rows)
    last = plain_keys(prev.indicators, keys + ["actual"]).dropna(subset=["actual"])
    last["project"] = last["project"].fillna(DEPARTMENT)
    hit = now.merge(last.drop_duplicates(keys), how="inner", on=keys)
    hit = hit[hit["target"].to_numpy(dtype=float) < hit["actual"].to_numpy(dtype=float)]
    r = Rows(s, hit["_row"].to_numpy())
    before = hit["actual"].to_numpy(dtype=float)
    text = [
        f"「{n}」年度指标值 {a} 低于上年实际 {b}：目标可能设定偏低"
        for n, a, b in zip(r["level3"], fmt.values(r["target"], r["unit"]), fmt.values(before, r["unit"]))
    ]
    return on_indicators("TARGET_BELOW_PREVIOUS", r, text, before, r["target"])


@check(
    "cost_target_not_upper_bound",
    codes=[
        Code(
            "COST_TARGET_NOT_UPPER_BOUND",
            label="成本指标未设为上限",
            severity="warning",
            measure="成本指标的年度指标值是成本的上限，指标性质应为“≤”，按成本控制目标修订。",
            field="indicator.direction",
        )
    ],
)
def _cost_target_not_upper_bound(ctx: AuditContext) -> pd.DataFrame:
    """A cost indicator (二级指标 name containing 成本) whose printed direction is ≥ or >: a cost target is a
    ceiling (≤), so the form scores saving as failure and overspending as success. A direction the scoring
    assumed (none printed) is not flagged. Source: a 复核 workbook's red flag "成本 indicator written ≥"."""
    s = ctx.indicators
    rows = np.flatnonzero(is_in(s["direction"], [">=", ">"]) & ~s["direction_assumed"].to_numpy(dtype=bool))
    cost = each_value(s["level2"], lambda n: isinstance(n, str) and "成本" in n)  # remembered codes: each name once
    r = Rows(s, rows[cost[rows]])
    shown = {">=": "≥", ">": ">"}
    text = [
        f"「{n}」是成本指标，指标性质却为「{shown[d]}」（年度指标值 {t}）：成本指标的目标应为上限「≤」"
        for n, d, t in zip(r["level3"], r["direction"], fmt.values(r["target"], r["unit"]))
    ]
    return on_indicators("COST_TARGET_NOT_UPPER_BOUND", r, text, r["target"])
