"""Charts as the page shows them (issue 24 items 4 and 5): a chart whose figures are all unknown is one
sentence, not an empty frame; the phone drawing keeps every text at 9 pt or more when scaled to a 390 px
phone's column; the page offers it to narrow screens in a ``<picture>``."""

from __future__ import annotations

import base64
import dataclasses
import io

import matplotlib
import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image

import evaltools
from evaltools.report import chart_html, charts
from evaltools.report.chart_layout import PHONE, PHONE_COLUMN_PX, PRINT, layout, shown_pt
from tests._paths import ROOT

matplotlib.use("Agg")

HISTORY = pd.DataFrame(
    {
        "year": [2020, 2021, 2022],
        "spent": [700.5, 790.1, 871.78],
        "execution_rate": [0.95, 1.1, 1.29],
        "score": [86, 88.5, 87.22],
    }
)


@pytest.fixture(scope="module")
def ev():
    return evaltools.evaluate(evaltools.load_year(2022, ROOT / "data"), "qiaoxi2022")


@pytest.fixture(scope="module")
def cut_off():
    """西部（重庆）科学城融媒体中心 2021: the budget line's 预算数/支出数 are illegible in the archived text (?)."""
    return evaltools.evaluate(evaltools.load_year(2021, ROOT / "data" / "西部（重庆）科学城融媒体中心"))


def test_charts_with_every_figure_unknown_are_one_sentence(cut_off):
    budget = chart_html.draw("budget_vs_spending", cut_off, HISTORY)
    assert budget.png == {} and budget.note == "各支出项目的预算数和支出数均未能读取（无法计算）。"
    page = chart_html.figure_html(budget)
    assert page == (
        '<p class="chart-note">图 1　预算数与支出数（万元）从略：各支出项目的预算数和支出数均未能读取（无法计算）。</p>'
    )
    assert chart_html.draw("execution_rates", cut_off, HISTORY).note.startswith("各支出项目的预算执行率均无法计算")
    assert chart_html.draw("score_composition", cut_off, HISTORY).note.startswith("各表的得分均无法计算")
    # its 财政供养人员控制率 (92% of 100%) and 预算完成率 (76% of 70%) are known: that chart is drawn
    assert set(chart_html.draw("indicator_completion", cut_off, HISTORY).png) == {"print", "phone"}


def test_trends_of_unknown_years_are_one_sentence():
    unknown = HISTORY.assign(spent=float("nan"), execution_rate=float("nan"), score=float("nan"))
    drawn = chart_html.draw("trends", None, unknown)
    assert drawn.note == "历年支出、执行率和总分均无法计算。"


def test_page_offers_the_phone_drawing_below_44rem(ev):
    page = chart_html.chart_html("indicator_completion", ev, HISTORY)
    assert page.startswith(
        '<figure class="chart"><picture><source media="(max-width: 44rem)" srcset="data:image/png;base64,'
    )
    assert page.count("data:image/png;base64,") == 2 and "<figcaption>图 3　" in page


def _png_width_px(b64: str) -> int:
    return Image.open(io.BytesIO(base64.b64decode(b64))).size[0]


@pytest.mark.parametrize("name", [*charts.CHARTS])
def test_phone_drawing_text_is_at_least_9pt_at_390px(ev, name):
    """Every text of the phone drawing, as seen when the image is scaled to the 366 px column of a 390 px
    phone: size × 366 / (width × 96) ≥ 9 pt. The A4 drawing shrunk to that column showed 8 pt labels at 4.1 pt."""
    data = HISTORY if charts.CHARTS[name].uses == "history" else ev
    with layout(PHONE):
        fig = charts.CHARTS[name].fn(data)
    width = fig.get_size_inches()[0]
    assert width == pytest.approx(PHONE_COLUMN_PX / 96)
    sizes = [t.get_fontsize() for t in fig.findobj(Text) if t.get_text().strip() and t.get_visible()]
    assert min(shown_pt(s, width, PHONE_COLUMN_PX) for s in sizes) >= 9
    # the PNG (one image px = one CSS px) is wider than the column, so max-width: 100% scales it to the column
    drawn = chart_html.draw(name, ev, HISTORY, layouts=(PHONE,))
    assert _png_width_px(drawn.png["phone"]) == int(width * 150) > PHONE_COLUMN_PX
    # the A4 drawing would not do: its smallest text shrunk to the phone's column
    with layout(PRINT):
        a4 = charts.CHARTS[name].fn(data)
    small = min(t.get_fontsize() for t in a4.findobj(Text) if t.get_text().strip())
    assert shown_pt(small, a4.get_size_inches()[0], PHONE_COLUMN_PX) < 9


def test_completion_of_indicators_all_unread_is_one_sentence(ev):
    """The 2022 indicators with every 实际完成值 unread: no ratio, no 达标 — the chart is left out."""
    unread = dataclasses.replace(ev, indicators=ev.indicators.assign(actual=float("nan"), completion=float("nan")))
    drawn = chart_html.draw("indicator_completion", unread, HISTORY)
    assert drawn.note == "没有实际值和目标值均已读取的定量指标。" and drawn.png == {}
    # and the A4 drawing of the real 2022 data has its eight indicators
    assert len(charts.indicator_completion(ev).axes[0].get_yticklabels()) == 8
