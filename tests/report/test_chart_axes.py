"""The report's axes (evaltools.report.chart_axes) draw what matplotlib's own axes draw, pixel for pixel."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.figure import Figure

import evaltools
from evaltools.paths import PROJECT_ROOT
from evaltools.report import chart_axes, chart_layout, charts


@pytest.fixture(scope="module")
def ev():
    return evaltools.evaluate(evaltools.load_year(2022, PROJECT_ROOT / "data"), "qiaoxi2022")


@pytest.mark.parametrize("which", [chart_layout.PRINT, chart_layout.PHONE], ids=["print", "phone"])
@pytest.mark.parametrize("name", ["budget_vs_spending", "execution_rates", "indicator_completion", "score_composition"])
def test_charts_on_report_axes_are_the_pixels_of_matplotlibs_axes(ev, name, which, monkeypatch):
    with chart_layout.layout(which):
        fig = charts.CHARTS[name].fn(ev)
        assert all(type(ax) is chart_axes.ReportAxes for ax in fig.axes)
        fast = chart_layout.png_bytes(fig, 150)
        monkeypatch.setattr(chart_layout, "ReportFigure", Figure)
        plain = charts.CHARTS[name].fn(ev)
        assert all(type(ax) is Axes for ax in plain.axes)
        assert chart_layout.png_bytes(plain, 150) == fast


def _bars(fig: Figure) -> Axes:
    ax = fig.subplots()
    ax.barh(np.arange(5), [3.0, -2.5, 0.0, np.nan, 7.25], 0.6, left=[0, 1, 0, 0, -1])
    ax.bar([10.0], [0.0], 0.0)  # a bar of no width and no height: no limits
    ax.set_yticks(np.arange(5), list("abcde"))
    return ax


def test_report_axes_take_the_limits_and_make_the_ticks_matplotlib_does():
    fast, plain = _bars(chart_axes.ReportFigure()), _bars(Figure())
    assert fast.name == plain.name == "rectilinear"
    assert np.array_equal(fast.dataLim.get_points(), plain.dataLim.get_points(), equal_nan=True)
    assert fast.get_xlim() == plain.get_xlim() and fast.get_ylim() == plain.get_ylim()
    ticks, ref = fast.yaxis.get_major_ticks(), plain.yaxis.get_major_ticks()
    assert len(ticks) == len(ref) == 5
    for tick, other in zip(ticks[1:], ref[1:]):
        for line in ("tick1line", "tick2line", "gridline"):
            shared, copied = getattr(tick, line)._marker, getattr(other, line)._marker
            assert shared is getattr(ticks[0], line)._marker  # the first tick's style, not a copy
            assert copied is not getattr(ref[0], line)._marker
            assert shared.get_marker() == copied.get_marker() and shared.get_fillstyle() == copied.get_fillstyle()
            assert np.array_equal(shared.get_path().vertices, copied.get_path().vertices)
    assert [t.get_text() for t in fast.get_yticklabels()] == list("abcde")
    assert type(fast.figure.add_subplot(projection="polar")).__name__ == "PolarAxes"


@pytest.mark.parametrize("name", ["indicator_completion", "score_composition", "trends"])
def test_texts_laid_out_once_draw_the_same_pixels(ev, name, monkeypatch):
    import pandas as pd

    history = pd.DataFrame(
        {"year": [2020, 2021, 2022], "spent": [1.0e3, 1.2e3, 9.5e2], "execution_rate": [0.9, 1.01, 0.87]}
    ).assign(score=[88.5, 91.0, 86.25])
    data = history if name == "trends" else ev
    fast = chart_layout.png_bytes(charts.CHARTS[name].fn(data), 150)
    monkeypatch.setattr(chart_layout, "lay_out_texts_once", lambda fig: None)
    assert chart_layout.png_bytes(charts.CHARTS[name].fn(data), 150) == fast


def test_a_text_is_laid_out_again_when_what_it_shows_changes(monkeypatch):
    from matplotlib.backends.backend_agg import RendererAgg
    from matplotlib.text import Text

    fig = chart_axes.ReportFigure(figsize=(3, 2))
    ax = fig.subplots()
    text = ax.text(0.5, 0.5, "rate 100.00%", ha="right")
    label = ax.annotate("note", (0.2, 0.2))
    chart_axes.lay_out_texts_once(fig)
    assert isinstance(text, Text) and type(text).__name__ == "Text" and type(text) is not Text
    assert type(label).__name__ == "Annotation" and isinstance(label, chart_axes._LayoutOnce)
    calls = []
    laid_out = Text._get_layout
    monkeypatch.setattr(Text, "_get_layout", lambda self, r: calls.append(self.get_text()) or laid_out(self, r))
    renderer = RendererAgg(300, 200, fig.dpi)
    first = text._get_layout(renderer)
    assert text._get_layout(renderer) is first and calls == ["rate 100.00%"]  # once for the same state
    text.set_fontsize(20)
    bigger = text._get_layout(renderer)
    assert calls == ["rate 100.00%"] * 2 and bigger[0].width > first[0].width
    text.set_text("rate")
    text.set_ha("left")
    narrower = text._get_layout(renderer)
    assert len(calls) == 3 and narrower[0].width < bigger[0].width and narrower[0].x0 == 0
    text._get_layout(RendererAgg(300, 200, fig.dpi))  # another renderer: laid out for it
    assert len(calls) == 4
    text.set_wrap(True)
    text._get_layout(renderer), text._get_layout(renderer)
    assert len(calls) == 6  # a wrapping text depends on where it stands: laid out each time
