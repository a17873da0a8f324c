"""The unit's 经费控制 block: “三公”经费 (因公出国（境）费, 公务用车购置及运行费, 公务接待费), 会议费 and 培训费, each
with its 预算数, 决算数 and last year's 决算数 (input table ``cost_control``, :data:`evaltools.labels.COST_ITEMS`).

Three checks, each with its codes:

* ``cost_budget`` — 决算数 above 预算数 (COST_OVER_BUDGET);
* ``cost_change`` — 决算数 above last year's (COST_INCREASED): “三公”经费只减不增 (中央八项规定 and its 实施细则,
  2012; 《党政机关厉行节约反对浪费条例》 2013, 第十条 “严格控制……‘三公’经费……支出”; 国务院 “约法三章” 2013,
  “公费接待、公费出国、公费购车只减不增”); 会议费 and 培训费 are held to the same 条例 (第四章 会议活动, 第二十一条
  培训), so a rise needs an explanation;
* ``cost_sums`` — a printed 三公经费 total (or 公务用车购置及运行费) that is not the sum of its printed parts
  (COST_SUM_MISMATCH).

Unknown is not zero: a figure left blank where a comparison needs it gives no finding; a figure marked unreadable
(``?``) makes a sum unknown. Source of the layout: docs/research/hunan-style-dept-deduction-2018.md (基础数据表,
经费控制情况: 2017年决算数 | 2018年预算数 | 2018年决算数).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt, labels
from evaltools.data.schema import COST_CONTROL, ORG

from .core import AuditContext, Code, check, concat, findings

#: The value columns of the block, as a table prints them.
AMOUNTS = {"budget": "预算数", "spent": "决算数", "prior_spent": "上年决算数"}
#: Columns of :func:`cost_table`.
TABLE_COLUMNS = ["item", "budget", "spent", "execution_rate", "prior_spent", "change", "change_rate", "is_part"]
#: The “三公”经费 items: the total and every part of it.
_SANGONG = frozenset(("三公经费", *(p for parts in labels.COST_TOTALS.values() for p in parts)))


def block(data: object) -> pd.DataFrame:
    """The 经费控制 table of ``data`` (YearData or UnitsData), empty when the data carries none (built in code)."""
    tables = data.tables
    if COST_CONTROL.name in tables:
        return tables[COST_CONTROL.name]
    from evaltools.data.load import empty_frame  # here, not at import: the loaders (a report's kernel needs none)

    return empty_frame(COST_CONTROL, many=ORG in next(iter(tables.values()), pd.DataFrame()).columns)


def cost_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The block as the report prints it (三公经费支出情况), items in the order of
    :data:`evaltools.labels.COST_ITEMS`: 预算数, 决算数, 执行率 = 决算数 ÷ 预算数, 上年决算数, 增减额 = 决算数 −
    上年决算数 and 增减率 = 增减额 ÷ 上年决算数; every figure that depends on an unknown one is unknown (NaN).
    ``is_part``: the item is a part of a total printed above it (公务用车购置费 under 公务用车购置及运行费)."""
    order = {item: i for i, item in enumerate(labels.COST_ITEMS)}
    rows = frame.assign(_order=frame["item"].map(order)).sort_values("_order", kind="stable")
    budget, spent, prior = (rows[c].to_numpy(dtype=float) for c in AMOUNTS)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(budget > 0, spent / budget, np.nan)
        change_rate = np.where(prior > 0, (spent - prior) / prior, np.nan)
    parts = {p for k, ps in labels.COST_TOTALS.items() if k != "三公经费" for p in ps}
    return pd.DataFrame(
        {
            "item": rows["item"].to_numpy(dtype=object),
            "budget": budget,
            "spent": spent,
            "execution_rate": rate,
            "prior_spent": prior,
            "change": spent - prior,
            "change_rate": change_rate,
            "is_part": rows["item"].isin(parts).to_numpy(),
        }
    )[TABLE_COLUMNS]


def cost_summary(data: object) -> dict:
    """``{"cost_control": [...]}`` for summary.json (one object per row of :func:`cost_table`, amounts in 万元, rates
    as fractions, unknown as null), or ``{}`` when the data has no 经费控制 block."""
    frame = block(data)
    if frame.empty:
        return {}
    rows = cost_table(frame).astype(object)
    rows = rows.where(rows.notna(), None)
    return {"cost_control": [{**r, "is_part": bool(r["is_part"])} for r in rows.to_dict("records")]}


@check(
    "cost_budget",
    codes=[
        Code(
            "COST_OVER_BUDGET",
            label="经费决算超预算",
            severity="warning",
            measure="“三公”经费、会议费、培训费应严格按预算执行，决算超预算的说明原因，并完善预算编制。",
            field="cost_control.spent",
        )
    ],
)
def _over_budget(ctx: AuditContext) -> pd.DataFrame:
    """Items of the 经费控制 block whose 决算数 is above their 预算数 (both printed):
    决算数 − 预算数 > 0 (《党政机关厉行节约反对浪费条例》第八条: 严格执行预算, 严禁超预算安排支出)."""
    c = block(ctx.data)
    spent, budget = c["spent"].to_numpy(dtype=float), c["budget"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(spent > budget + 1e-9)
    sub = c.iloc[bad]
    s, b = spent[bad], budget[bad]
    text = [
        f"「{k}」决算数 {a} 万元超过预算数 {p} 万元，超出 {d} 万元"
        for k, a, p, d in zip(sub["item"], fmt.wans(s), fmt.wans(b), fmt.wans(s - b))
    ]
    return findings("COST_OVER_BUDGET", sub[ORG], sub["item"], text, b, s)


@check(
    "cost_change",
    codes=[
        Code(
            "COST_INCREASED",
            label="经费比上年增加",
            severity="warning",
            measure="落实中央八项规定和《党政机关厉行节约反对浪费条例》，“三公”经费只减不增；"
            "比上年增加的（含会议费、培训费）说明原因并压减。",
            field="cost_control.spent",
        )
    ],
)
def _increased(ctx: AuditContext) -> pd.DataFrame:
    """Items whose 决算数 is above last year's 决算数 (both printed): 增减额 = 决算数 − 上年决算数 > 0. “三公”经费
    只减不增 (中央八项规定, 2012; 国务院 “约法三章”, 2013; 《党政机关厉行节约反对浪费条例》第十条)."""
    c = block(ctx.data)
    spent, prior = c["spent"].to_numpy(dtype=float), c["prior_spent"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(spent > prior + 1e-9)
    sub = c.iloc[bad]
    s, p = spent[bad], prior[bad]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(p > 0, (s - p) / p, np.nan)
    rule = np.where(sub["item"].isin(_SANGONG), "，不符合“三公”经费只减不增的要求", "")
    text = [
        f"「{k}」决算数 {a} 万元比上年 {b} 万元增加 {d} 万元（{r}）{why}"
        for k, a, b, d, r, why in zip(sub["item"], fmt.wans(s), fmt.wans(p), fmt.wans(s - p), fmt.pcts(share), rule)
    ]
    return findings("COST_INCREASED", sub[ORG], sub["item"], text, p, s)


@check(
    "cost_sums",
    codes=[
        Code(
            "COST_SUM_MISMATCH",
            label="三公经费合计与分项不符",
            severity="error",
            measure="核对“三公”经费合计数与因公出国（境）费、公务用车购置及运行费、公务接待费之和，更正不符之处。",
            field="cost_control.spent",
            also_at=("cost_control.budget", "cost_control.prior_spent"),
        )
    ],
)
def _sums(ctx: AuditContext) -> pd.DataFrame:
    """A printed total against the sum of its parts, per column: 三公经费 = 因公出国（境）费 + 公务用车购置及运行费 +
    公务接待费, and 公务用车购置及运行费 = 购置费 + 运行维护费. Checked only where the total and every part are rows of
    the table, the total and at least one part print a figure, and every part is known in that column. A row left
    blank throughout is printed as nothing (the 2018 基础数据表 leaves 出国经费 blank and its 三公经费 63.46 = 41.46 +
    22); a part with figures elsewhere but blank in this column is unknown there, as is one marked unreadable (政协
    寻甸县委员会 2022 prints no 年初预算 of 因公出国（境）费, only “完成年初预算的0%”: its budget sum is not checked)."""
    c = block(ctx.data)
    if c.empty:
        return concat([])
    unknown = c["unknown"].fillna("").astype(str)
    blank = (c[list(AMOUNTS)].isna().all(axis=1) & (unknown == "")).to_numpy()
    filled = c.assign(_f=(~blank).astype(float)).pivot_table(
        index=ORG, columns="item", values="_f", aggfunc="max", observed=True
    )
    parts = []
    for column, title in AMOUNTS.items():
        values = c[column].to_numpy(dtype=float)
        values = np.where(blank, 0.0, values)  # a row printed empty throughout: nothing
        values = np.where(np.isnan(values) | unknown.str.contains(column).to_numpy(), np.inf, values)  # unknown
        table = c.assign(_v=values).pivot_table(index=ORG, columns="item", values="_v", aggfunc="first", observed=True)
        for total, members in labels.COST_TOTALS.items():
            parts.append(_sum_findings(table, filled, total, members, column, title))
    return concat(parts)


def _sum_findings(
    table: pd.DataFrame, filled: pd.DataFrame, total: str, members: tuple, column: str, title: str
) -> pd.DataFrame:
    """COST_SUM_MISMATCH of one total in one column (``table``: unit × item values, inf where unknown; ``filled``:
    unit × item, 1 where the row prints a figure, 0 where it is blank throughout, NaN where the table has no row)."""
    if not all(m in filled for m in (total, *members)):
        return concat([])
    present = filled[[total, *members]]
    some_part = present[list(members)].max(axis=1).to_numpy() > 0
    checked = present.notna().all(axis=1).to_numpy() & (present[total].to_numpy() > 0) & some_part
    given = table[total].to_numpy(dtype=float)
    sums = table[list(members)].to_numpy(dtype=float).sum(axis=1)
    tolerance = 0.005 * (len(members) + 1) + 1e-9
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(checked & np.isfinite(sums) & np.isfinite(given) & (np.abs(given - sums) > tolerance))
    names = "＋".join(members)
    text = [
        f"「{total}」{title} {a} 万元 ≠ {names} = {b} 万元，相差 {d} 万元"
        for a, b, d in zip(fmt.wans(given[bad]), fmt.wans(sums[bad]), fmt.wans(given[bad] - sums[bad]))
    ]
    orgs = table.index.to_numpy(dtype=object)[bad]
    return findings("COST_SUM_MISMATCH", orgs, total, text, given[bad], sums[bad], field=f"cost_control.{column}")
