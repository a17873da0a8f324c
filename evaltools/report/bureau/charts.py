"""The bureau report's charts, in the unit report's style (:mod:`evaltools.report.charts`: the seaborn theme, the
CJK font, the A4 and phone layouts of :mod:`evaltools.report.chart_layout`, one ``<picture>`` per chart).

Each chart function takes a small tidy frame that the view prepared (no arithmetic on the review here) and returns
a :class:`matplotlib.figure.Figure`; :func:`chart_html` draws it in both layouts, or gives the sentence shown
instead when there is nothing to draw (every figure unknown).
"""

from __future__ import annotations

import base64
import io
from collections.abc import Callable

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.patches import Patch
from matplotlib.ticker import MaxNLocator

from evaltools import fmt
from evaltools.report.chart_html import DrawnChart, figure_html
from evaltools.report.chart_layout import PHONE, PRINT, layout, plain
from evaltools.report.chart_layout import current as _L
from evaltools.report.chart_layout import figure as _figure
from evaltools.report.chart_layout import label_bars as _label_bars
from evaltools.report.chart_layout import legend as _legend
from evaltools.report.chart_layout import row_label as _row_label
from evaltools.report.chart_layout import suptitle as _suptitle
from evaltools.report.charts import _themed

__all__ = ["chart_html", "score_distributions", "unit_bars", "findings_by_kind", "SEVERITY_COLORS"]

#: P0 / P1 / P2 as the report's error / warning / muted colours.
SEVERITY_COLORS = {"P0": "#a11d1d", "P1": "#c77c0e", "P2": "#7f8c9a"}


def score_distributions(scores: pd.DataFrame) -> Figure:
    """Histograms of the forms' scores, one step line per kind of score (``which``: 自评得分, 重算得分, 复核得分),
    in bands of 5 分 from 0 to 100; unknown scores are not drawn (the table beside counts them)."""
    with _themed():
        fig = _figure(0, fixed=3.4 if _L().lines == 1 else 3.6)
        ax = fig.subplots()
        kinds = list(dict.fromkeys(scores["which"]))
        colors = sns.color_palette(n_colors=max(3, len(kinds)))
        bins = np.arange(0, 105, 5)
        for color, kind in zip(colors, kinds):
            values = scores.loc[scores["which"] == kind, "score"].dropna().clip(0, 100)
            ax.hist(values, bins=bins, histtype="step", linewidth=2.0, color=color, label=kind)
        ax.set_xlim(0, 100)
        ax.set_xlabel("得分（分）")
        ax.set_ylabel("自评表（张）")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        _legend(fig, [Patch(color=c, label=k) for c, k in zip(colors, kinds)])
        _suptitle(fig, "自评得分、重算得分与复核得分的分布")
    return fig


def unit_bars(bars: pd.DataFrame, title: str, threshold: float | None = None, share: bool = True) -> Figure:
    """Horizontal bars, one per unit (``name``, ``value``), largest first; values as shares (偏离度) or 分;
    dashed lines at ±``threshold`` when given."""
    with _themed():
        fig = _figure(0.3 * len(bars), fixed=1.1)
        ax = fig.subplots()
        y = np.arange(len(bars))
        values = bars["value"].to_numpy(dtype=float)
        colors = np.where(values > 0, "#a11d1d", "#2b6cb0")
        drawn = ax.barh(y, values * (100 if share else 1), color=colors, height=0.6)
        labels = [fmt.share(v) if share else fmt.signed(v) for v in values]
        _label_bars(ax, drawn, labels)
        ax.set_yticks(y, [_row_label(n) for n in bars["name"]])
        ax.invert_yaxis()
        if threshold is not None:
            for x in (threshold * 100, -threshold * 100):
                ax.axvline(x, color="0.15", linewidth=1.1, linestyle="--", zorder=0.5)
        low, high = min(0.0, float(np.nanmin(values)) * (100 if share else 1)), float(np.nanmax(values))
        high = max(high * (100 if share else 1), (threshold or 0) * 100 if share else 0.0)
        span = (high - low) or 1.0
        ax.set_xlim(low - (0.3 * span if low < 0 else 0), high + 0.3 * span)
        ax.set_xlabel("%" if share else "分")
        ax.grid(axis="y", visible=False)
        _suptitle(fig, plain(title))
    return fig


def findings_by_kind(counts: pd.DataFrame) -> Figure:
    """Horizontal bars of the findings per rule-book item (``label``, ``severity`` P0/P1/P2, ``count``)."""
    with _themed():
        fig = _figure(0.3 * len(counts), fixed=1.3)
        ax = fig.subplots()
        y = np.arange(len(counts))
        colors = [SEVERITY_COLORS.get(s, "#7f8c9a") for s in counts["severity"]]
        drawn = ax.barh(y, counts["count"].to_numpy(dtype=float), color=colors, height=0.6)
        _label_bars(ax, drawn, [fmt.num(v, 0) for v in counts["count"]])
        ax.set_yticks(y, [_row_label(n) for n in counts["label"]])
        ax.invert_yaxis()
        ax.set_xlim(0, float(counts["count"].max()) * 1.25 or 1)
        ax.set_xlabel("发现（项）")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", visible=False)
        levels = [s for s in SEVERITY_COLORS if s in set(counts["severity"])]
        _legend(fig, [Patch(color=SEVERITY_COLORS[s], label=s) for s in levels])
        _suptitle(fig, "复核发现按扣分标准条目")
    return fig


def chart_html(fn: Callable[..., Figure], caption: str, *args: object, empty: str | None = None, dpi: int = 150) -> str:
    """The page's ``<figure>`` for ``fn(*args)`` drawn in the A4 and phone layouts; ``empty`` (a sentence: why
    there is nothing to draw) gives the sentence instead."""
    if empty is not None:
        return figure_html(DrawnChart(fn.__name__, caption, {}, empty))
    png = {}
    for which in (PRINT, PHONE):
        with layout(which):
            fig = fn(*args)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)
        png[which.name] = base64.b64encode(buf.getvalue()).decode("ascii")
    return figure_html(DrawnChart(fn.__name__, caption, png))
