"""Figures the source prints but that cannot be read, and the recomputed totals that depend on them."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools.data.schema import ORG, TABLES

from .core import AuditContext, Code, check, concat, findings
from .rows import flagged

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


def _unknown_totals(ctx: AuditContext) -> list[pd.DataFrame]:
    """TOTAL_UNKNOWN per form whose recomputed total is NaN and per unit whose printed total is unreadable."""
    p = ctx.projects
    f = flagged(p, p["computed_score"].isna().to_numpy())
    counts = f["unknown_scores"] if "unknown_scores" in p else np.zeros(len(f))
    text = [
        f"「{n}」的重算总分无法计算：{int(c) if c == c else 0} 项指标得分"
        + ("及预算执行率得分" if e != e else "")
        + "依赖原表无法辨认的数（不计为 0 分，也不折算）"
        for n, c, e in zip(f["project"], counts, np.asarray(f["execution_score"], dtype=float))
    ]
    parts = [findings("TOTAL_UNKNOWN", f[ORG], f["project"], text, project=f["project"])]
    if "published_unknown" in ctx.total:
        t = ctx.total[ctx.total["published_unknown"].to_numpy(dtype=bool)]
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
