"""A chart as the report page shows it: an A4/desktop drawing and a phone drawing in one ``<picture>``, or,
when every figure the chart would show is unknown, one sentence in its place (issue 24 items 4 and 5).

The phone drawing (:data:`~evaltools.report.chart_layout.PHONE`, 3.81 in for a 366 px column) is chosen by
the browser below 44rem; WeasyPrint and wide screens use the A4 one. Both are inline PNGs: the page needs
nothing from outside.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

import pandas as pd

from evaltools.report.chart_layout import PHONE, PRINT, Layout, layout

#: Below this width the page shows the phone drawing (the report's narrow-screen breakpoint).
PHONE_MEDIA = "(max-width: 44rem)"


@dataclass(frozen=True)
class DrawnChart:
    """One chart drawn for the page: ``png`` per layout name (``print``, ``phone``), or ``note`` (the
    sentence shown instead: every figure unknown), with its caption."""

    name: str
    caption: str
    png: dict
    note: str | None = None


def draw(
    name: str, ev: object, history: pd.DataFrame, dpi: int = 150, layouts: tuple[Layout, ...] = (PRINT, PHONE)
) -> DrawnChart:
    """Draw chart ``name`` (:data:`evaltools.report.charts.CHARTS`) in each layout; the sentence instead
    when its ``empty`` says all its figures are unknown."""
    from evaltools.report.charts import CHARTS

    spec = CHARTS[name]  # an unknown name raises ParamsError listing the charts
    data = history if spec.uses == "history" else ev
    why = spec.empty(data) if spec.empty is not None else None
    if why is not None:
        return DrawnChart(name, spec.caption, {}, why)
    png = {}
    for which in layouts:
        with layout(which):
            fig = spec.fn(data)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi)  # figures use constrained layout: their size is kept
        png[which.name] = base64.b64encode(buf.getvalue()).decode("ascii")
    return DrawnChart(name, spec.caption, png)


def figure_html(drawn: DrawnChart) -> str:
    """``<figure class="chart">`` with a ``<picture>`` (phone source, A4 image), or ``<p class="chart-note">``
    naming the figure left out and why."""
    caption = html.escape(drawn.caption)
    if drawn.note is not None:
        return f'<p class="chart-note">{caption}从略：{html.escape(drawn.note)}</p>'
    phone = drawn.png.get("phone")
    source = f'<source media="{PHONE_MEDIA}" srcset="data:image/png;base64,{phone}">' if phone else ""
    img = f'<img src="data:image/png;base64,{drawn.png["print"]}" alt="{caption}">'
    return f'<figure class="chart"><picture>{source}{img}</picture><figcaption>{caption}</figcaption></figure>'


def chart_html(name: str, ev: object, history: pd.DataFrame, dpi: int = 150) -> str:
    """The page's HTML for chart ``name``: :func:`figure_html` of :func:`draw`."""
    return figure_html(draw(name, ev, history, dpi))
