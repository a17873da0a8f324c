"""The reproducible stratified sample of forms for 复核 (现场复核 / 重点复核).

Strata are the risk levels (高 / 中 / 低, :func:`evaltools.scoring.review.risk.risk_scores`). From each stratum of
N forms the sample draws n = max(⌈share × N⌉, min(minimum, N)) forms uniformly without replacement (the rule book's
``sample.shares`` and ``sample.minimum``); every 高 form when ``sample.always_high``. The draw uses numpy's
``default_rng(seed)`` (the rule book's ``sample.seed`` unless one is given) over the forms sorted by their id, so
that the same forms and seed give the same sample whatever the order of the rows. Coverage states what the sample
reaches: units, forms and amount (Σ 全年预算数 of the sampled forms ÷ Σ of all, unknown budgets left out of both).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaltools.scoring.review.rulebook import RuleBook

SAMPLE_COLUMNS = ["form", "unit", "project", "budget", "risk", "risk_level", "stratum", "reason"]


@dataclass(frozen=True)
class Sample:
    """The sampled forms (``frame``: :data:`SAMPLE_COLUMNS`), the draw per stratum (``strata``: stratum, N, n,
    share) and ``coverage``: {"units" | "forms" | "amount": {"n", "N", "share"}}; ``seed`` the seed used."""

    frame: pd.DataFrame
    strata: pd.DataFrame
    coverage: dict
    seed: int


def _size(total: int, stratum: str, book: RuleBook) -> int:
    s = book.sample
    if s.always_high and stratum == "高":
        return total
    return min(total, max(math.ceil(s.shares[stratum] * total - 1e-9), min(s.minimum, total)))


def _coverage(table: pd.DataFrame, chosen: np.ndarray) -> dict:
    def part(n: float, total: float) -> dict:
        return {"n": n, "N": total, "share": n / total if total else math.nan}

    budget = table["budget"].astype(float)
    return {
        "units": part(table["unit"][chosen].nunique(), table["unit"].nunique()),
        "forms": part(int(chosen.sum()), len(table)),
        "amount": part(float(budget[chosen].sum()), float(budget.sum())),
    }


def _reasons(book: RuleBook) -> dict[str, str]:
    s = book.sample
    out = {k: f"{k}风险层随机抽取（抽取比例 {s.shares[k]:.0%}，最少 {s.minimum} 份）" for k in s.strata}
    if s.always_high:
        out["高"] = "高风险，全部复核"
    return out


def stratified_sample(forms: pd.DataFrame, risk: pd.DataFrame, book: RuleBook, seed: int | None = None) -> Sample:
    """The stratified sample of ``forms`` (the review's forms frame) by ``risk`` (risk_scores' frame), as the module
    docstring states."""
    seed = book.sample.seed if seed is None else int(seed)
    rng = np.random.default_rng(seed)
    levels = risk.set_index("form").reindex(forms["form"].to_numpy())
    table = pd.DataFrame(
        {
            **{c: forms[c].to_numpy() for c in ("form", "unit", "project", "budget")},
            "risk": levels["risk"].to_numpy(float),
            "risk_level": levels["risk_level"].to_numpy(object),
        }
    )
    table = table.sort_values("form", kind="stable").reset_index(drop=True)
    chosen = np.zeros(len(table), dtype=bool)
    counts = []
    for stratum in book.sample.strata:
        rows = np.flatnonzero((table["risk_level"] == stratum).to_numpy())
        n = _size(len(rows), stratum, book)
        chosen[rng.choice(rows, size=n, replace=False) if n < len(rows) else rows] = True
        counts.append({"stratum": stratum, "N": len(rows), "n": n, "share": n / len(rows) if len(rows) else math.nan})
    reasons = _reasons(book)
    frame = table[chosen].assign(stratum=lambda t: t["risk_level"], reason=lambda t: t["risk_level"].map(reasons))
    frame = frame.sort_values(["risk"], ascending=False, kind="stable").reset_index(drop=True)
    return Sample(frame[SAMPLE_COLUMNS], pd.DataFrame(counts), _coverage(table, chosen), seed)
