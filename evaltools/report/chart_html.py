"""A chart as the report page shows it: an A4/desktop drawing and a phone drawing in one ``<picture>``, or,
when every figure the chart would show is unknown, one sentence in its place (issue 24 items 4 and 5).

The phone drawing (:data:`~evaltools.report.chart_layout.PHONE`, 3.81 in for a 366 px column) is chosen by
the browser below 44rem; WeasyPrint and wide screens use the A4 one. Both are inline PNGs: the page needs
nothing from outside.
"""

from __future__ import annotations

import base64
import html
import threading
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import pandas as pd

from evaltools.report.chart_layout import PHONE, PRINT, Layout, layout, png_bytes

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


#: One chart at a time in a process: a figure is built under the report theme (``matplotlib.rc_context``, which
#: changes the process's rcParams while it lasts), so a chart drawn ahead (:func:`draw_ahead`) and one drawn by a
#: cell never overlap.
_DRAWING = threading.Lock()


@dataclass
class _Ahead:
    """A chart being drawn ahead for ``ev``: ``done`` is set when ``drawn`` holds it (None: drawing it failed —
    the cell then draws it itself and meets the same error), with the warnings drawing it raised (shown by the
    cell that takes it, as if it had drawn it: a glyph the font lacks is said in that cell)."""

    ev: object
    done: threading.Event = field(default_factory=threading.Event)
    drawn: DrawnChart | None = None
    warned: list = field(default_factory=list)


_ahead: dict[tuple[str, int], _Ahead] = {}
_recording = threading.local()
_shown: list = []  # the showwarning that :func:`_route` stands in front of


def _route(message, category, filename, lineno, file=None, line=None) -> None:  # noqa: ANN001 - warnings' API
    """``warnings.showwarning`` while charts are drawn ahead: a warning of the drawing thread is kept for the cell
    that takes the chart; every other one is shown as before."""
    kept = getattr(_recording, "warned", None)
    if kept is not None and file is None:
        kept.append((message, category, filename, lineno, None, line))
    else:
        _shown[0](message, category, filename, lineno, file, line)


def _record_warnings() -> None:
    if warnings.showwarning is not _route:
        _shown[:] = [warnings.showwarning]
        warnings.showwarning = _route


def draw_ahead(ev: object, names: Iterable[str], dpi: int = 150) -> None:
    """Draw the charts ``names`` of ``ev`` (those drawn from the evaluation alone) now, in this thread, for the
    cells that will ask for them (:func:`draw`): a report's kernel does it in the background as soon as the
    runner hands the evaluation over, while papermill is still starting and between cells."""
    from evaltools.report.charts import CHARTS

    jobs = []
    for name in dict.fromkeys(names):
        if name in CHARTS and CHARTS[name].uses != "history":
            job = _ahead.get((name, dpi))
            if job is None or job.ev is not ev:  # a kernel that serves another report: its own charts
                job = _ahead[(name, dpi)] = _Ahead(ev)
            jobs.append((name, job))
    _record_warnings()
    for name, job in jobs:
        if job.done.is_set():
            continue
        _recording.warned = job.warned
        try:
            job.drawn = _draw(name, ev, ev, dpi, (PRINT, PHONE))
        except Exception:  # noqa: BLE001 - the cell draws it again and says what is wrong
            job.drawn = None
        finally:
            _recording.warned = None
            job.done.set()


def draw(
    name: str, ev: object, history: pd.DataFrame, dpi: int = 150, layouts: tuple[Layout, ...] = (PRINT, PHONE)
) -> DrawnChart:
    """Draw chart ``name`` (:data:`evaltools.report.charts.CHARTS`) in each layout; the sentence instead
    when its ``empty`` says all its figures are unknown. A chart :func:`draw_ahead` draws (or drew) for this
    very evaluation is taken from there."""
    job = _ahead.get((name, dpi))
    if job is not None and job.ev is ev and layouts == (PRINT, PHONE):
        job.done.wait()
        if job.drawn is not None:
            for warned in job.warned:
                warnings.showwarning(*warned)
            return job.drawn
    return _draw(name, ev, history, dpi, layouts)


def _draw(name: str, ev: object, history: pd.DataFrame, dpi: int, layouts: tuple[Layout, ...]) -> DrawnChart:
    from evaltools.report.charts import CHARTS

    spec = CHARTS[name]  # an unknown name raises ParamsError listing the charts
    data = history if spec.uses == "history" else ev
    with _DRAWING:
        why = spec.empty(data) if spec.empty is not None else None
        if why is not None:
            return DrawnChart(name, spec.caption, {}, why)
        png = {}
        for which in layouts:
            with layout(which):
                fig = spec.fn(data)
            # savefig's drawing and pixels — font lookups, text measurements and glyph layouts cached, the layout
            # pass cut to the layout engine — and a faster PNG encoding (chart_layout)
            png[which.name] = base64.b64encode(png_bytes(fig, dpi)).decode("ascii")
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
