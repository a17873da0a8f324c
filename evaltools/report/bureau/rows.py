"""Shared pieces of the bureau report's view: the table namespace the template's ``table`` macro renders, the
form table (every form with its reviewed score, 偏离度, tier, risk and sample), the findings with their rule-book
items, and how unknown figures and cut lists are shown."""

from __future__ import annotations

import re
from collections.abc import Sequence
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
    "figure",
    "ref",
    "number",
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
    key: str | None = None,
) -> SimpleNamespace:
    """A table for the template's ``table`` macro: columns (label, css class: "n" for figures), rows of cells
    (text, or a namespace with ``text`` and ``href``), a note under it, the sentence shown when it has no row.
    ``key``: the table's place in the report's numbering (:func:`number` puts "表 n" before the caption); without
    one the caption is printed as given (the appendices' 附表)."""
    return SimpleNamespace(
        key=key,
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


#: A place-holder in the view's text: ⟦图:key⟧ (a figure's number and the space after it, in its caption) and
#: ⟦见:key⟧ (a reference to a table: "表 n"), replaced by :func:`number`.
_MARK = re.compile(r"⟦(图|见):([A-Za-z_]+)⟧")


def figure(key: str, caption: str) -> str:
    """A drawn figure's caption, numbered by :func:`number` (a figure not drawn gets no number: pass the bare caption)."""
    return f"⟦图:{key}⟧{caption}"


def ref(key: str) -> str:
    """A reference to the table ``key`` in a sentence: "表 n" once numbered ("下表" when that table shows no row)."""
    return f"⟦见:{key}⟧"


def number(view: SimpleNamespace, tables: Sequence[str], figures: Sequence[str]) -> SimpleNamespace:
    """The one numbering of the report: the tables that show rows, in the order of ``tables`` (their order on
    the page), 表 1, 表 2, …; several tables under one key (a section's sub-tables) are 表 n-1, 表 n-2; the
    figures drawn, in the order of ``figures``, 图 1, 图 2, …; every reference in the text resolved. Returns a copy."""
    found: dict[str, list[SimpleNamespace]] = {}
    texts: list[str] = []
    _walk(view, found, texts)
    numbers: dict[str, str] = {}
    for key in tables:
        shown = [t for t in found.get(key, []) if t.rows]
        if shown:
            numbers[key] = f"表 {len(numbers) + 1}"
            for i, t in enumerate(shown):
                t.caption = f"{numbers[key]}{f'-{i + 1}' if len(shown) > 1 else ''}　{t.caption}"
    drawn = {m.group(2) for s in texts for m in _MARK.finditer(s) if m.group(1) == "图"}
    pictures = {k: f"图 {i + 1}　" for i, k in enumerate(k for k in figures if k in drawn)}

    def resolve(m: re.Match) -> str:
        return pictures.get(m.group(2), "") if m.group(1) == "图" else numbers.get(m.group(2), "下表")

    return _resolved(view, resolve)


def _walk(value: object, found: dict[str, list[SimpleNamespace]], texts: list[str]) -> None:
    if isinstance(value, str):
        texts.append(value)
    elif isinstance(value, SimpleNamespace):
        if getattr(value, "key", None) and hasattr(value, "rows"):
            found.setdefault(value.key, []).append(value)
        for v in vars(value).values():
            _walk(v, found, texts)
    elif isinstance(value, (list, tuple)):
        for v in value:
            _walk(v, found, texts)


def _resolved(value: object, resolve: object) -> object:
    if isinstance(value, str):
        return _MARK.sub(resolve, value) if "⟦" in value else value
    if isinstance(value, SimpleNamespace):
        return SimpleNamespace(**{k: _resolved(v, resolve) for k, v in vars(value).items()})
    if isinstance(value, list):
        return [_resolved(v, resolve) for v in value]
    return value
