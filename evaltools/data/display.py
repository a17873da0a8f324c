"""Tables for people (JupyterLab): a DataFrame shown with Chinese column titles, numbers as the report
prints them (万元 with thousands separators, two-decimal percentages, scores), codes as their Chinese
labels and "—" for a missing value — never NaN or None. Display only: the frames keep their values."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING

import pandas as pd

from evaltools import fmt, labels
from evaltools.errors import ParamsError

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

MISSING = "—"
_YES_NO = {True: "是", False: "否"}
#: How each display kind shows a present value (missing values are shown as MISSING).
_SHOW: dict[str, Callable[[object], str]] = {
    "money": fmt.wan,
    "rate": fmt.pct,
    "score": fmt.score,
    "number": fmt.num,
    "count": lambda v: fmt.num(v, 0),
    "bool": lambda v: _YES_NO.get(bool(v), str(v)),
    "severity": lambda v: labels.SEVERITY.get(str(v), str(v)),
    "finding": str,  # a finding code; its label is the audit's (see ``show`` of :func:`styled`)
    "direction": lambda v: labels.DIRECTION.get(str(v), str(v)),
    "text": str,
}
#: Input-schema kinds as display kinds.
_SCHEMA_KIND = {"money": "money", "rate": "rate", "number": "number", "int": "count", "bool": "bool"}
_NUMERIC = {"money", "rate", "score", "number", "count"}


def _cell(show: Callable[[object], str]) -> Callable[[object], str]:
    return lambda value: MISSING if fmt.is_missing(value) else show(value)


def _kind(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "bool"
    if pd.api.types.is_integer_dtype(series):
        return "count"
    return "number" if pd.api.types.is_numeric_dtype(series) else "text"


def columns_of(schema_fields: Sequence[object] = ()) -> dict[str, tuple[str, str]]:
    """Title and display kind of every column: the title an input column has in the schema (else
    labels.COLUMNS'), the display kind labels.COLUMNS gives (else the schema's)."""
    out = dict(labels.COLUMNS)
    for f in schema_fields:
        kind = labels.COLUMNS[f.name][1] if f.name in labels.COLUMNS else _SCHEMA_KIND.get(f.kind, "text")
        out[f.name] = (f.title, kind)
    return out


def styled(
    frame: pd.DataFrame,
    columns: Sequence[str] | None = None,
    known: Mapping[str, tuple[str, str]] | None = None,
    show: Mapping[str, Callable[[object], str]] | None = None,
) -> Styler:
    """``frame`` (its ``columns``, all by default) as a pandas Styler: Chinese titles, formatted numbers
    aligned right, labels for codes, "—" for missing values, no index. ``known`` gives each column's
    (title, kind); see :func:`columns_of`. ``show`` gives how a display kind is shown where a higher layer
    knows it (``{"finding": label of a finding code}``). An unknown column is refused with the list of columns."""
    names = list(frame.columns if columns is None else columns)
    unknown = [c for c in names if c not in frame.columns]
    if unknown:
        raise ParamsError(
            f"没有这些列 / no column(s) {', '.join(map(str, unknown))}; columns: {', '.join(map(str, frame.columns))}",
            key="columns",
        )
    known = dict(known or columns_of())
    view = frame[names].reset_index(drop=True)
    kinds = {c: known[c][1] if c in known else _kind(view[c]) for c in names}
    shows = {**_SHOW, **(show or {})}
    styler = view.style.format({c: _cell(shows[kinds[c]]) for c in names})
    styler = styler.relabel_index([known[c][0] if c in known else str(c) for c in names], axis="columns")
    numeric = [c for c in names if kinds[c] in _NUMERIC]
    if numeric:
        styler = styler.set_properties(subset=numeric, **{"text-align": "right", "white-space": "nowrap"})
    styler = styler.set_properties(subset=[c for c in names if c not in numeric], **{"text-align": "left"})
    return styler.hide(axis="index").set_table_styles([{"selector": "th", "props": "text-align: left;"}])
