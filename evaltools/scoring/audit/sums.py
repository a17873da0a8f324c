"""Totals against their parts (indicator breakdowns, assets, funding sources) and spending against budgets."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.schema import ORG
from evaltools.scoring.codes import is_in, is_missing
from evaltools.scoring.indicators import group_codes

from .core import AuditContext, Code, check, concat, findings, lazily
from .rows import execution_rates, flagged, joined, taken


def _joint_keys(
    a: pd.DataFrame, a_cols: list[str], b: pd.DataFrame, b_cols: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Integer keys of the rows of ``a`` (columns ``a_cols``) and ``b`` (``b_cols``), equal where the values are:
    each column pair hashed once over both frames."""
    left, right = np.zeros(len(a), dtype=np.int64), np.zeros(len(b), dtype=np.int64)
    for ca, cb in zip(a_cols, b_cols):
        x, y = a[ca], b[cb]
        if isinstance(x.dtype, pd.CategoricalDtype) and x.dtype == y.dtype:  # a unit column: its codes
            codes, size = (
                np.concatenate([x.array.codes, y.array.codes]).astype(np.int64) + 1,
                len(x.cat.categories) + 1,
            )
        else:
            codes, uniques = pd.factorize(pd.concat([x.astype(object), y.astype(object)], ignore_index=True))
            size = len(uniques) + 1
        combined, _ = pd.factorize(np.concatenate([left, right]) * size + codes)
        left, right = combined[: len(a)], combined[len(a) :]
    return left, right


def _first_match(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Position of the first row of ``keys`` equal to each of ``wanted`` (-1: none)."""
    unique, first = np.unique(keys, return_index=True)
    at = np.searchsorted(unique, wanted)
    hit = (at < len(unique)) & (unique[np.minimum(at, len(unique) - 1)] == wanted)
    return np.where(hit, first[np.minimum(at, len(unique) - 1)], -1)


def _breakdown_text(parents, totals, sums, names) -> list[str]:
    return [
        f"「{p}」合计 {t}，但其分项（{n}）之和为 {s}，相差 {d}"
        for p, t, s, d, n in zip(parents, fmt.nums(totals), fmt.nums(sums), fmt.nums(totals - sums), names)
    ]


def _breakdown_sums(ctx: AuditContext) -> pd.DataFrame:
    """Totals (合计指标) whose breakdown rows (所属合计指标) do not add up to them: one grouping of the parts."""
    ind = ctx.data.indicators
    # the columns read, of the rows that are parts: not a copy of every column of a million rows
    parts = taken(ind, [ORG, "project", "parent", "level3", "actual"], ~is_missing(ind["parent"]))
    if parts.empty:
        return concat([])
    codes, first = group_codes(parts, [ORG, "project", "parent"])
    sums = parts["actual"].groupby(codes, sort=False).sum().to_numpy()
    groups = parts[[ORG, "project", "parent"]].iloc[first].reset_index(drop=True)
    candidates = is_in(ind["level3"], set(groups["parent"]))  # only rows that can be a total
    named = taken(ind, [ORG, "project", "level3", "actual"], candidates)
    keys, wanted = _joint_keys(named, [ORG, "project", "level3"], groups, [ORG, "project", "parent"])
    found = pd.Index(keys).get_indexer(wanted) if pd.Index(keys).is_unique else _first_match(keys, wanted)
    actual = named["actual"].to_numpy(dtype=float)
    totals = np.where(found >= 0, actual[np.maximum(found, 0)] if len(actual) else np.nan, np.nan)
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~np.isnan(totals) & (np.abs(totals - sums) > 1e-6))
    names = joined(codes, parts["level3"].to_numpy(dtype=object), bad)
    g = groups.iloc[bad]
    text = lazily(_breakdown_text, g["parent"].to_numpy(dtype=object), totals[bad], sums[bad], names)
    subject = [f"{p} / {q}" for p, q in zip(g["project"], g["parent"])]
    return findings(
        "SUM_MISMATCH",
        g[ORG],
        subject,
        text,
        totals[bad],
        sums[bad],
        project=g["project"],
        indicator=g["parent"],
        field="indicator.actual",
    )


def _asset_sums(ctx: AuditContext) -> pd.DataFrame:
    """资产净值 against 结转下年 + 固定资产, per unit."""
    u = ctx.data.units
    net, carry, fixed = (u[c].to_numpy(dtype=float) for c in ("assets_net", "assets_carryover", "assets_fixed"))
    parts = carry + fixed
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~np.isnan(parts) & ~np.isnan(net) & (np.abs(parts - net) > 0.005))
    text = [
        f"资产净值 {a} 万元 ≠ 结转下年 {b} + 固定资产 {c} = {d} 万元"
        for a, b, c, d in zip(fmt.wans(net[bad]), fmt.wans(carry[bad]), fmt.wans(fixed[bad]), fmt.wans(parts[bad]))
    ]
    org = u[ORG].to_numpy(dtype=object)[bad]
    return findings("SUM_MISMATCH", org, "资产", text, net[bad], parts[bad], field="units.assets_net")


def _funding_sums(ctx: AuditContext) -> pd.DataFrame:
    """Each project's funding sources (本年财政拨款 + 上年结转 + 其他) against its 全年预算数."""
    p = ctx.data.projects
    sources = np.column_stack([p[c].to_numpy(dtype=float) for c in ("fiscal_current", "carryover", "other_funds")])
    given = ~np.isnan(sources)
    total = np.where(given, sources, 0.0).sum(axis=1)  # a missing source counts 0, as the row's fillna(0).sum()
    budget = p["budget"].to_numpy(dtype=float)
    r = flagged(p, given.any(axis=1) & (np.abs(total - budget) > 0.005))
    text = [
        f"资金来源之和 {a} 万元 ≠ 全年预算数 {b} 万元"
        for a, b in zip(fmt.wans(total[r.rows]), fmt.wans(budget[r.rows]))
    ]
    return findings(
        "SUM_MISMATCH",
        r[ORG],
        r["project"],
        text,
        budget[r.rows],
        total[r.rows],
        project=r["project"],
        field="funds.budget",
    )


@check(
    "sums",
    codes=[
        Code(
            "SUM_MISMATCH",
            label="合计与分项不符",
            severity="error",
            measure="核对合计数与分项数，分项之和应等于合计，差额应说明原因。",
            field="indicator.actual",
            also_at=("funds.budget", "units.assets_net"),
        )
    ],
)
def _sums(ctx: AuditContext) -> pd.DataFrame:
    """Totals against their parts: indicator breakdowns, assets, project funding sources."""
    return concat([_breakdown_sums(ctx), _asset_sums(ctx), _funding_sums(ctx)])


def _overspent(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """SPENT_OVER_BUDGET for the rows of ``frame`` (budget lines: ``key`` line, or projects) that spent more
    than their budget, naming the prior-year payables where there are any."""
    spent, budget = frame["spent"].to_numpy(dtype=float), frame["budget"].to_numpy(dtype=float)
    bad = np.flatnonzero((spent > budget + 1e-9) & (budget > 0))  # a 0 budget is the loader's ZERO_BUDGET warning
    sub = frame.iloc[bad]
    s, b = spent[bad], budget[bad]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = s / b
    pay = (
        sub["prior_year_payables"].to_numpy(dtype=float) if "prior_year_payables" in sub else np.full(len(bad), np.nan)
    )
    text = lazily(_overspent_text, sub[key].to_numpy(dtype=object), s, b, share, pay)
    if key == "project":
        return findings("SPENT_OVER_BUDGET", sub[ORG], sub[key], text, b, s, project=sub[key], field="funds.spent")
    return findings("SPENT_OVER_BUDGET", sub[ORG], sub[key], text, b, s, field="budget_lines.spent")


def _overspent_text(names, spent, budget, share, pay) -> list[str]:
    extra = [
        f"；其中上年应付未付 {a} 万元，扣除后 {c} 万元" if p == p and p else ""
        for p, a, c in zip(pay, fmt.wans(pay), fmt.wans(spent - pay))
    ]
    return [
        f"「{k}」支出 {a} 万元超过预算 {c} 万元（{r}）{e}"
        for k, a, c, r, e in zip(names, fmt.wans(spent), fmt.wans(budget), fmt.pcts(share), extra)
    ]


@check(
    "spending",
    codes=[
        Code(
            "SPENT_OVER_BUDGET",
            label="支出超过预算",
            severity="warning",
            measure="支出超预算的，说明原因（如支付以前年度应付款项）并完善预算编制。",
            field="funds.spent",
            also_at=("budget_lines.spent", "funds.rate"),
        )
    ],
)
def _spending(ctx: AuditContext) -> pd.DataFrame:
    """Budget lines and projects that spent more than their budget; where the amounts cannot be read, a printed
    执行率 above 100% (:func:`_stated_overspent`)."""
    parts = [_overspent(ctx.data.budget_lines, "line"), _overspent(ctx.data.projects, "project")]
    return concat([*parts, _stated_overspent(ctx)])


def _stated_overspent(ctx: AuditContext) -> pd.DataFrame:
    """SPENT_OVER_BUDGET of a form whose amounts cannot be read or are not printed but whose printed 执行率 is
    above 100% (issue 20 item 4: printed figures are used where the amounts are illegible; 蚕茶卫生院 2021 prints
    执行率 103.21% beside amounts the source lost)."""
    p = ctx.projects
    rate, printed = execution_rates(p)
    with np.errstate(invalid="ignore"):
        r = flagged(p, printed & (rate > 1 + 1e-9))
    text = [
        f"「{n}」所述执行率 {a} 超过 100%（金额无法辨认），支出超过预算"
        for n, a in zip(r["project"], fmt.pcts(rate[r.rows]))
    ]
    return findings(
        "SPENT_OVER_BUDGET", r[ORG], r["project"], text, 1.0, rate[r.rows], project=r["project"], field="funds.rate"
    )
