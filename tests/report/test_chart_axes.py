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
