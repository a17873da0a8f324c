"""The review's computations over :class:`~evaltools.scoring.review.frames.ReviewFrames`: 复核得分, 偏离度 (form, unit,
indicator), 结果应用 tiers, the consistency of deductions, the ranking within peer groups and score inflation by unit.
Risk triage is :mod:`.risk`, the stratified sample :mod:`.sample` (both re-exported here).

All functions are pure and vectorised; unknown stays unknown (NaN), never 0 and never a tier. Formulas are the rule
book's (``params/review/bureau.yaml``), stated once there and printed by the report.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.scoring.review.frames import Deviations, ReviewFrames
from evaltools.scoring.review.risk import risk_scores
from evaltools.scoring.review.rulebook import NO_TIER, RuleBook
from evaltools.scoring.review.sample import Sample, stratified_sample

REVIEWER = "复核人员"
RECOMPUTED = "重算"
#: Two deductions closer than this (分) are the same: scores are kept to two decimals.
SAME_POINTS = 0.005


def _by_indicator(values: pd.Series, form: pd.Series, level3: pd.Series, at: pd.DataFrame) -> np.ndarray:
    """``values`` (one per (form, level3) of ``form``/``level3``; the first of a pair given twice) at the rows of
    ``at`` (columns form, level3); NaN where ``at`` names a pair with none."""
    index = pd.MultiIndex.from_arrays([form.to_numpy(), level3.to_numpy()])
    table = pd.Series(values.to_numpy(), index=index)
    table = table[~table.index.duplicated()]
    return table.reindex(pd.MultiIndex.from_arrays([at["form"].to_numpy(), at["level3"].to_numpy()])).to_numpy()


#: The source of a reviewer's 复核得分 whose 预算执行率 row was left blank and taken as recomputed.
REVIEWER_EXECUTION_RECOMPUTED = "复核人员（预算执行率按重算）"
#: The level3 of a 复核底稿's 预算执行率 row (evaltools.report.bureau.workbooks writes it so).
EXECUTION_ROW = "预算执行率"
#: The forms' columns that :func:`reviewed_scores` carries on for :func:`apply_tiers`.
MISSING_COLUMNS = ("missing_actual_count", "missing_actual_weight", "missing_actual_share")


def _reviewer_rows(scores: pd.DataFrame, forms: pd.DataFrame) -> pd.DataFrame:
    """Per form of ``scores``: the sum of its 复核得分 (``total``), the rows the reviewer filled (``given``), the rows
    with a score (``filled``: a blank 预算执行率 row takes the form's recomputed ``execution_score``, the rate being
    recomputable from the budget and spending), the rows (``rows``) and whether the execution row was so taken."""
    given = scores["reviewer_score"].astype(float)
    execution = forms.drop_duplicates("form").set_index("form").reindex(scores["form"].to_numpy())
    recomputed = execution["execution_score"].astype(float).to_numpy() if "execution_score" in forms else np.nan
    blank_execution = given.isna().to_numpy() & (scores["level3"].astype(object) == EXECUTION_ROW).to_numpy()
    value = np.where(blank_execution, recomputed, given.to_numpy())
    table = pd.DataFrame(
        {
            "form": scores["form"].to_numpy(),
            "score": value,
            "given": given.notna().to_numpy(),
            "filled": ~np.isnan(value.astype(float)),
            "taken": blank_execution & ~np.isnan(value.astype(float)),
        }
    )
    return table.groupby("form", sort=False).agg(
        total=("score", "sum"), given=("given", "sum"), filled=("filled", "sum"), rows=("given", "size"),
        taken=("taken", "any"),
    )  # fmt: skip


def reviewed_scores(frames: ReviewFrames, scores: pd.DataFrame | None = None) -> pd.DataFrame:
    """复核得分 per form: the reviewer's — the sum of the form's 复核得分 in ``scores`` (columns ``form``, ``level3``,
    ``reviewer_score``), source 复核人员 — when every row of the form has one; a blank 预算执行率 row (level3
    预算执行率) with every other row filled takes the recomputed 执行率得分 (the forms' ``execution_score``: 执行率 =
    全年执行数 ÷ 全年预算数 is recomputable, so a blank there is not the reviewer's 0), source 复核人员（预算执行率按重算）;
    the recomputed score (``computed_score``, source 重算) for a form with no 复核得分 at all; NaN (无法计算, source
    复核人员) for a form whose 复核得分 are filled in part only (a blank is not a 0). The forms' missing-actual
    columns (:data:`MISSING_COLUMNS`, when present) are carried on for :func:`apply_tiers`."""
    forms = frames.forms
    score = forms["computed_score"].astype(float).to_numpy()
    source = np.full(len(forms), RECOMPUTED, dtype=object)
    if scores is not None and len(scores):
        rows = _reviewer_rows(scores, forms).reindex(forms["form"].to_numpy())
        any_given = rows["given"].fillna(0).to_numpy() > 0
        complete = any_given & (rows["filled"] == rows["rows"]).to_numpy()
        score = np.where(complete, rows["total"].to_numpy(), np.where(any_given, np.nan, score))
        taken = complete & rows["taken"].fillna(False).to_numpy(dtype=bool)
        source = np.where(taken, REVIEWER_EXECUTION_RECOMPUTED, np.where(any_given, REVIEWER, source))
    out = pd.DataFrame({"form": forms["form"].to_numpy(), "reviewed_score": score, "source": source})
    return out.assign(**{c: forms[c].to_numpy() for c in MISSING_COLUMNS if c in forms})


def _ratio(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """numerator / denominator, NaN where either is unknown or the denominator is 0."""
    with np.errstate(divide="ignore", invalid="ignore"):
        out = numerator / np.where(denominator == 0, np.nan, denominator)
    return np.where(np.isfinite(out), out, np.nan)


#: |偏离度| exactly at the threshold is within it: a float quotient such as 5.7 / 114 may land a hair above 0.05.
AT_THRESHOLD = 1e-12


def _beyond(deviation: np.ndarray, threshold: float) -> pd.Series:
    """|偏离度| > threshold (at the threshold: within); NA where the deviation is unknown."""
    return pd.Series(np.abs(deviation) > threshold + AT_THRESHOLD, dtype="boolean").mask(np.isnan(deviation))


def _form_deviations(frames: ReviewFrames, reviewed: pd.DataFrame, book: RuleBook) -> pd.DataFrame:
    forms = frames.forms
    rev = reviewed.set_index("form")["reviewed_score"].reindex(forms["form"].to_numpy()).astype(float).to_numpy()
    own = forms["self_score"].astype(float).to_numpy()
    dev = _ratio(own - rev, own)
    return pd.DataFrame(
        {
            "form": forms["form"].to_numpy(),
            "unit": forms["unit"].to_numpy(),
            "self_score": own,
            "reviewed_score": rev,
            "deviation": dev,
            "beyond": _beyond(dev, book.deviation.threshold).to_numpy(),
        }
    )


def _unit_deviations(form_dev: pd.DataFrame, book: RuleBook) -> pd.DataFrame:
    both = form_dev["self_score"].notna() & form_dev["reviewed_score"].notna()
    known = form_dev.assign(
        both=both,
        self_total=form_dev["self_score"].where(both),
        reviewed_total=form_dev["reviewed_score"].where(both),
    )
    grouped = known.groupby("unit", sort=False)
    units = grouped.agg(forms=("form", "size"), compared=("both", "sum"))
    units = units.join(grouped[["self_total", "reviewed_total"]].sum(min_count=1))
    dev = _ratio((units["self_total"] - units["reviewed_total"]).to_numpy(), units["self_total"].to_numpy())
    return units.reset_index().assign(deviation=dev, beyond=_beyond(dev, book.deviation.threshold).to_numpy())


def _indicator_deviations(frames: ReviewFrames, scores: pd.DataFrame | None) -> pd.DataFrame:
    ind = frames.indicators
    reviewed = ind["computed_score"].astype(float).to_numpy()
    source = np.full(len(ind), RECOMPUTED, dtype=object)
    if scores is not None and len(scores):
        by_reviewer = _by_indicator(scores["reviewer_score"].astype(float), scores["form"], scores["level3"], ind)
        by_reviewer = by_reviewer.astype(float)
        reviewed = np.where(np.isnan(by_reviewer), reviewed, by_reviewer)
        source = np.where(np.isnan(by_reviewer), source, REVIEWER)
    own, weight = ind["self_score"].astype(float).to_numpy(), ind["weight"].astype(float).to_numpy()
    return pd.DataFrame(
        {
            **{c: ind[c].to_numpy() for c in ("form", "unit", "level1", "level2", "level3")},
            "weight": weight,
            "self_score": own,
            "reviewed_score": reviewed,
            "source": source,
            "deviation": _ratio(own - reviewed, weight),
        }
    )


def deviations(
    frames: ReviewFrames, reviewed: pd.DataFrame, book: RuleBook, scores: pd.DataFrame | None = None
) -> Deviations:
    """偏离度 as the rule book states it (``book.deviation``; 财预〔2020〕10号 gives none, see its source):

    * form: (自评得分 − 复核得分) ÷ 自评得分 — columns form, unit, self_score, reviewed_score, deviation, beyond
      (|偏离度| > ``book.deviation.threshold``);
    * unit: (Σ自评 − Σ复核) ÷ Σ自评 over the unit's forms where both are known — unit, forms, compared, self_total,
      reviewed_total, deviation, beyond;
    * indicator: (指标自评得分 − 指标复核得分) ÷ 分值, the 复核得分 the reviewer's from ``scores`` (form, level3,
      reviewer_score) where given, else the recomputed score.

    Unknown (either score, or a 0 denominator) is NaN — never 0."""
    form_dev = _form_deviations(frames, reviewed, book)
    return Deviations(form_dev, _unit_deviations(form_dev, book), _indicator_deviations(frames, scores))


def _band_text(tiers: pd.DataFrame) -> pd.Series:
    """Each tier's band as printed: [90, 100], [80, 90) …"""
    left = np.where(tiers["lower_inclusive"], "[", "(")
    right = np.where(tiers["upper_inclusive"], "]", ")")
    return pd.Series(
        left + pd.Series(fmt.nums(tiers["lower"], 0)) + ", " + pd.Series(fmt.nums(tiers["upper"], 0)) + right,
        index=tiers.index,
    )


def apply_tiers(reviewed: pd.DataFrame, book: RuleBook) -> pd.DataFrame:
    """结果应用 proposal per form from its 复核得分 and the rule book's tiers (score bands with inclusive flags →
    tier, adjustment = share of next year's budget proposed to be cut, wording as local rules print it). A score
    that is unknown, or in no band, gets tier 无法计算 and no proposal. The evidence names the score, its source
    and the band — a proposal with its evidence, never a decision."""
    score = reviewed["reviewed_score"].astype(float).to_numpy()
    tiers = book.tiers
    lower, upper = tiers["lower"].to_numpy(), tiers["upper"].to_numpy()
    above = np.where(tiers["lower_inclusive"], score[:, None] >= lower, score[:, None] > lower)
    below = np.where(tiers["upper_inclusive"], score[:, None] <= upper, score[:, None] < upper)
    inside = above & below
    found = inside.any(axis=1)
    which = inside.argmax(axis=1)
    pick = tiers.iloc[which].reset_index(drop=True)
    band = _band_text(tiers).iloc[which].to_numpy()
    tier = np.where(found, pick["tier"].to_numpy(dtype=object), NO_TIER)
    wording = np.where(found, pick["wording"].to_numpy(dtype=object), None)
    shown = np.asarray(fmt.nums(score, 2), dtype=object)
    source = reviewed["source"].astype(str).to_numpy(dtype=object)
    evidence = np.where(
        found,
        "复核得分 " + shown + " 分（" + source + "），在 " + band + " 分区间，属“" + tier + "”档",
        "复核得分无法计算（" + source + "），不提出结果应用建议",
    )
    withheld, why = _withheld(reviewed, book)
    return pd.DataFrame(
        {
            "form": reviewed["form"].to_numpy(),
            "tier": np.where(withheld, None, tier),
            "adjustment": np.where(found & ~withheld, pick["adjustment"].to_numpy(dtype=float), np.nan),
            "wording": np.where(withheld, book.missing_actuals.wording, wording),
            "evidence": np.where(withheld, why, evidence),
        }
    )


def _withheld(reviewed: pd.DataFrame, book: RuleBook) -> tuple[np.ndarray, np.ndarray]:
    """Forms whose tier is withheld: 复核得分 recomputed (source 重算) and the indicators with no 实际完成值 carry at
    least ``book.missing_actuals.share`` of the indicator weight — the score measures the blanks, not the
    performance. Returns the mask and the evidence 完成值缺失（x 项、分值 y），应补报后复核."""
    if "missing_actual_share" not in reviewed:
        return np.zeros(len(reviewed), dtype=bool), np.full(len(reviewed), "", dtype=object)
    share = reviewed["missing_actual_share"].astype(float).to_numpy()
    recomputed = (reviewed["source"] == RECOMPUTED).to_numpy()
    withheld = recomputed & (np.nan_to_num(share, nan=-1.0) >= book.missing_actuals.share - AT_THRESHOLD)
    count = np.asarray(fmt.nums(reviewed["missing_actual_count"].astype(float), 0), dtype=object)
    weight = np.asarray(fmt.nums(reviewed["missing_actual_weight"].astype(float), 2), dtype=object)
    return withheld, "完成值缺失（" + count + " 项、分值 " + weight + "），应补报后复核"


def _deductions(scores: pd.DataFrame, frames: ReviewFrames | None) -> pd.Series:
    """Each reviewed row's deduction: 自评得分 − 复核得分 when ``frames`` gives the 自评得分, else 分值 − 复核得分."""
    base = scores["weight"].astype(float)
    if frames is not None:
        ind = frames.indicators
        own = _by_indicator(ind["self_score"].astype(float), ind["form"], ind["level3"], scores).astype(float)
        base = pd.Series(np.where(np.isnan(own), base.to_numpy(), own), index=scores.index)
    return base - scores["reviewer_score"].astype(float)


def deduction_consistency(scores: pd.DataFrame, book: RuleBook, frames: ReviewFrames | None = None) -> pd.DataFrame:
    """The rule-book items whose deductions differ between the rows they are given to (the 复核 complaint: "the same
    problem deducted differently"). A row's deduction is 自评得分 − 复核得分 (``frames`` given) or 分值 − 复核得分;
    an item with a ``share`` is compared as deduction ÷ 分值, else in 分. An item differs when its deductions spread
    more than 0.005 or, where the book states the deduction, any differs from it. Columns: item, dimension,
    description, measure (points | share), expected, rows, forms, low, high, values."""
    columns = ["item", "dimension", "description", "measure", "expected", "rows", "forms", "low", "high", "values"]
    rows = scores[scores["item"].notna() & scores["reviewer_score"].notna()]
    if not len(rows):
        return pd.DataFrame(columns=columns)
    items = book.items.set_index("item").reindex(rows["item"].to_numpy())
    by_share = items["share"].notna().to_numpy()
    deduction = _deductions(rows, frames).to_numpy()
    value = np.where(by_share, _ratio(deduction, rows["weight"].astype(float).to_numpy()), deduction)
    expected = np.where(by_share, items["share"].to_numpy(), items["points"].to_numpy())
    table = pd.DataFrame(
        {"item": rows["item"].to_numpy(), "form": rows["form"].to_numpy(), "value": value.round(4)}
    ).assign(
        off=np.abs(value - expected) > SAME_POINTS, measure=np.where(by_share, "share", "points"), expected=expected
    )
    grouped = table.groupby("item", sort=True)
    out = grouped.agg(
        measure=("measure", "first"),
        expected=("expected", "first"),
        rows=("value", "size"),
        forms=("form", "nunique"),
        low=("value", "min"),
        high=("value", "max"),
        off=("off", "any"),
    )
    out["values"] = grouped["value"].agg(lambda v: "、".join(fmt.nums(sorted(set(v)), 2)))
    differ = out[(out["high"] - out["low"] > SAME_POINTS) | out["off"]]
    meta = book.items.set_index("item").reindex(differ.index)[["dimension", "description"]]
    return differ.join(meta).reset_index()[columns]


def _with_reviewed(forms: pd.DataFrame, reviewed: pd.DataFrame) -> pd.DataFrame:
    score = reviewed.set_index("form")["reviewed_score"].reindex(forms["form"].to_numpy()).astype(float)
    return forms.assign(reviewed_score=score.to_numpy())


def peer_ranking(forms: pd.DataFrame, reviewed: pd.DataFrame) -> pd.DataFrame:
    """Units ranked within their peer group (单位性质, ``peer_group``) by the simple mean of their forms' 复核得分
    (forms whose 复核得分 is unknown left out, counted in ``unknown``); rank 1 = highest, ties share the lower rank;
    a unit with no known 复核得分 has no rank (NaN). Columns: peer_group, unit, forms, unknown, reviewed_mean, rank,
    peers (ranked units of the group), percentile (rank ÷ peers)."""
    table = _with_reviewed(forms, reviewed)
    table = table.assign(unknown=table["reviewed_score"].isna())
    units = table.groupby(["peer_group", "unit"], sort=True).agg(
        forms=("form", "size"),
        unknown=("unknown", "sum"),
        reviewed_mean=("reviewed_score", "mean"),
    )
    units = units.reset_index()
    rank = units.groupby("peer_group")["reviewed_mean"].rank(method="min", ascending=False)
    peers = units.groupby("peer_group")["reviewed_mean"].transform("count")
    units = units.assign(rank=rank.to_numpy(), peers=peers.to_numpy(), percentile=(rank / peers).to_numpy())
    return units.sort_values(["peer_group", "rank", "unit"], na_position="last").reset_index(drop=True)


def inflation(forms: pd.DataFrame, reviewed: pd.DataFrame) -> pd.DataFrame:
    """Score inflation by unit over its forms where 自评得分 and 复核得分 are both known: self_mean, reviewed_mean,
    inflation = self_mean − reviewed_mean (分), inflated (forms scored higher by the unit than on review, by more
    than 0.005), inflated_share = inflated ÷ compared, full_marks (forms self-scored 100). Units sorted by
    inflation, largest first; a unit with nothing compared has NaN means."""
    table = _with_reviewed(forms, reviewed)
    own, rev = table["self_score"].astype(float), table["reviewed_score"]
    both = own.notna() & rev.notna()
    table = table.assign(
        both=both,
        own=own.where(both),
        rev=rev.where(both),
        up=both & (own - rev > SAME_POINTS),
        full=own >= 100 - SAME_POINTS,
    )
    units = table.groupby("unit", sort=True).agg(
        forms=("form", "size"),
        compared=("both", "sum"),
        self_mean=("own", "mean"),
        reviewed_mean=("rev", "mean"),
        inflated=("up", "sum"),
        full_marks=("full", "sum"),
    )
    units = units.assign(
        inflation=units["self_mean"] - units["reviewed_mean"],
        inflated_share=_ratio(units["inflated"].to_numpy(float), units["compared"].to_numpy(float)),
    )
    return units.sort_values("inflation", ascending=False, na_position="last").reset_index()


__all__ = [
    "Deviations",
    "Sample",
    "apply_tiers",
    "deduction_consistency",
    "deviations",
    "inflation",
    "peer_ranking",
    "reviewed_scores",
    "risk_scores",
    "stratified_sample",
]
