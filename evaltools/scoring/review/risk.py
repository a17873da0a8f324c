"""Risk triage of the forms under review: a weighted score of stated parts, each scaled to [0, 1] — a ranking for
choosing what to review first, never a probability.

    risk = Σ weight(part) × part ÷ Σ weight(measured parts)

with the parts and weights of the rule book (``risk.parts``, scaling in ``risk.scaling``):

* amount — the percentile rank of the form's 全年预算数 among the forms of the review (pandas ``rank(pct=True)``,
  ties averaged; the largest budget is 1);
* severity — min((errors × error_weight + warnings × warning_weight) ÷ severity_cap, 1);
* deviation — min(|form 偏离度|, deviation_cap) ÷ deviation_cap;
* persistence — the share of the form's distinct finding codes this year that last year's 复核问题清单 (``prior``)
  also lists for the same unit and project (a 部门整体 form: project blank or 部门整体; a form with no finding: 0);
* evidence — the share of the form's checked fields that are missing: 全年预算数, 全年执行数 and, per indicator, a
  score that cannot be computed or no 实际完成值 (a form with no indicator counts its indicators as missing).

A figure that is unknown for a form (its budget, its 偏离度) counts at the part's maximum 1: an unknown never lowers
the risk. A part whose input is absent altogether (no ``prior`` given) is not measured: its column is NaN and the
weights of the measured parts are rescaled to 1. risk_level: 高 at or above ``risk.levels.高``, 中 at or above
``risk.levels.中``, else 低; risk_rank 1 is the highest risk (ties share the lower rank).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools.scoring.review.frames import DEPARTMENT, Deviations, ReviewFrames
from evaltools.scoring.review.rulebook import RISK_PARTS, RuleBook

LEVELS = ("高", "中", "低")


def _project(values: pd.Series) -> np.ndarray:
    """A project name as a key: a 部门整体 form's (None on the form, 部门整体 in a list) as ""."""
    text = values.astype(object).where(values.notna(), "").astype(str)
    return text.where(text != DEPARTMENT, "").to_numpy(dtype=object)


def _amount(forms: pd.DataFrame) -> np.ndarray:
    rank = forms["budget"].astype(float).rank(pct=True, method="average").to_numpy()
    return np.where(np.isnan(rank), 1.0, rank)


def _severity(forms: pd.DataFrame, book: RuleBook) -> np.ndarray:
    s = book.risk_settings
    weighted = forms["errors"].to_numpy(float) * s.error_weight + forms["warnings"].to_numpy(float) * s.warning_weight
    return np.minimum(weighted / s.severity_cap, 1.0)


def _deviation(forms: pd.DataFrame, deviations: Deviations, book: RuleBook) -> np.ndarray:
    cap = book.risk_settings.deviation_cap
    dev = deviations.forms.set_index("form")["deviation"].reindex(forms["form"].to_numpy()).astype(float).to_numpy()
    return np.where(np.isnan(dev), 1.0, np.minimum(np.abs(dev), cap) / cap)


def _persistence(frames: ReviewFrames, prior: pd.DataFrame | None) -> np.ndarray:
    forms = frames.forms
    if prior is None:
        return np.full(len(forms), np.nan)
    found = frames.findings[frames.findings["form"].notna()]
    project = forms.set_index("form")["project"].reindex(found["form"].to_numpy())
    now = pd.DataFrame(
        {
            "form": found["form"].to_numpy(),
            "unit": found["unit"].astype(str).to_numpy(),
            "project": _project(project),
            "code": found["code"].astype(str).to_numpy(),
        }
    ).drop_duplicates()
    before = pd.DataFrame(
        {"unit": prior["unit"].astype(str), "project": _project(prior["project"]), "code": prior["code"].astype(str)}
    )
    keys = ["unit", "project", "code"]
    seen = pd.MultiIndex.from_frame(now[keys]).isin(pd.MultiIndex.from_frame(before[keys]))
    now = now.assign(seen=seen)
    share = now.groupby("form")["seen"].mean().reindex(forms["form"].to_numpy())
    return share.fillna(0.0).to_numpy(float)


def _evidence(frames: ReviewFrames) -> np.ndarray:
    forms, ind = frames.forms, frames.indicators
    actual = ind["actual_text"].astype(object)
    missing = ind["computed_score"].isna() | actual.isna() | (actual.astype(str).str.strip() == "")
    per = pd.DataFrame({"form": ind["form"].to_numpy(), "missing": missing.to_numpy()}).groupby("form")["missing"]
    count = per.size().reindex(forms["form"].to_numpy()).fillna(0).to_numpy(float)
    bad = per.sum().reindex(forms["form"].to_numpy()).fillna(0).to_numpy(float)
    fields = forms["budget"].isna().to_numpy(float) + forms["spent"].isna().to_numpy(float)
    return np.where(count == 0, 1.0, (bad + fields) / (count + 2))


def _levels(risk: np.ndarray, book: RuleBook) -> np.ndarray:
    bounds = book.risk_settings.levels
    return np.where(risk >= bounds["高"], "高", np.where(risk >= bounds["中"], "中", "低")).astype(object)


def risk_scores(
    frames: ReviewFrames, deviations: Deviations, prior: pd.DataFrame | None, book: RuleBook
) -> pd.DataFrame:
    """The risk score of each form (see the module docstring for every part's formula). ``deviations`` is
    :func:`evaltools.scoring.review.compute.deviations`' result; ``prior`` last year's 复核问题清单 (columns unit,
    project, code), or None. Columns: form, amount, severity, deviation, persistence, evidence, risk, risk_rank,
    risk_level."""
    forms = frames.forms
    parts = pd.DataFrame(
        {
            "amount": _amount(forms),
            "severity": _severity(forms, book),
            "deviation": _deviation(forms, deviations, book),
            "persistence": _persistence(frames, prior),
            "evidence": _evidence(frames),
        }
    )[list(RISK_PARTS)]
    weights = book.risk.set_index("part")["weight"].reindex(RISK_PARTS).to_numpy(float)
    measured = (~parts.isna().all()).to_numpy()
    used = np.where(measured, weights, 0.0)
    risk = parts.fillna(0.0).to_numpy(float) @ used / used.sum()
    rank = pd.Series(risk).rank(method="min", ascending=False).to_numpy()
    out = parts.assign(risk=risk, risk_rank=rank.astype(int), risk_level=_levels(risk, book))
    return out.assign(form=forms["form"].to_numpy())[["form", *RISK_PARTS, "risk", "risk_rank", "risk_level"]]
