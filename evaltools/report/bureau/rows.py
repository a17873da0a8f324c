"""Shared pieces of the bureau report's view: the table namespace the template's ``table`` macro renders, the
form table (every form with its reviewed score, 偏离度, tier, risk and sample), the findings with their rule-book
items, and how unknown figures and cut lists are shown."""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from evaltools import fmt
from evaltools.scoring.audit.core import finding_label

__all__ = [
    "TOP",
    "UNKNOWN",
    "REVIEWER_BLANK",
    "table",
    "cut",
    "score_text",
    "form_table",
    "findings_frame",
    "problems",
    "beyond",
]

#: Rows of a unit or form list shown in the body (the workbooks hold them all).
TOP = 20
#: Shown where the 复核单位 is not given: a blank to fill in, never an invented name.
REVIEWER_BLANK = "（复核单位）"
UNKNOWN = "无法计算"


def table(
    caption: str,
    columns: list[tuple[str, str]],
    rows: list[list],
    note: str = "",
    empty: str = "无。",
    widths: list[int] | None = None,
) -> SimpleNamespace:
    """A table for the template's ``table`` macro: columns (label, css class: "n" for figures), rows of cells
    (text, or a namespace with ``text`` and ``href``), a note under it, the sentence shown when it has no row."""
    return SimpleNamespace(
        caption=caption,
        columns=columns,
        rows=[SimpleNamespace(cells=r, cls="") for r in rows],
        note=note,
        empty=empty,
        wide=len(columns) > 6,
        widths=widths or [],
    )


def cut(frame: pd.DataFrame, what: str, where: str) -> str:
    """The note under a table cut to :data:`TOP` rows."""
    return f"仅列前 {TOP} 个{what}，共 {len(frame)} 个，全部见{where}。" if len(frame) > TOP else ""


def score_text(x: object) -> str:
    return UNKNOWN if fmt.is_missing(x) else fmt.score(x)


def form_table(review: object) -> pd.DataFrame:
    """One row per form: the form frame with its reviewed score and source, 偏离度, tier, risk and whether sampled."""
    forms = review.frames.forms
    out = forms.merge(review.reviewed[["form", "reviewed_score", "source"]], on="form", how="left")
    dev = review.deviations.forms
    out = out.merge(dev[["form", "deviation", "beyond"]], on="form", how="left")
    out["beyond"] = out["beyond"].fillna(False).astype(bool)  # |偏离度| > the threshold (unknown: not beyond)
    out = out.merge(review.tiers[["form", "tier", "adjustment", "wording", "evidence"]], on="form", how="left")
    out = out.merge(review.risk[["form", "risk", "risk_rank", "risk_level"]], on="form", how="left")
    sampled = review.sample.frame[["form", "stratum", "reason"]]
    return out.merge(sampled, on="form", how="left").assign(sampled=lambda f: f["stratum"].notna())


def findings_frame(review: object) -> pd.DataFrame:
    """The findings with their rule-book item, dimension, P-level and basis, and a label (the code's wording)."""
    found = review.frames.findings
    items = review.book.item_for(found["code"])
    out = found.assign(
        **{c: items[c].to_numpy() for c in ("item", "dimension", "basis")}, level=items["severity"].to_numpy()
    )
    return out.assign(label=out["code"].map(finding_label))


def beyond(frame: pd.DataFrame) -> pd.Series:
    """The ``beyond`` column of a deviations frame (|偏离度| > the rule book's threshold, as compute states it) as
    plain booleans: unknown is not beyond."""
    return frame["beyond"].fillna(False).astype(bool)


def problems(found: pd.DataFrame) -> pd.DataFrame:
    """Findings that are problems (not the audit's 提示)."""
    return found[found["severity"] != "info"]
