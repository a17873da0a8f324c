"""Charts: Chinese text renders with the CJK font (no missing-glyph warning), the figures show the
right numbers, data text is drawn literally (no mathtext), and the caller's matplotlib state is kept."""

from __future__ import annotations

import dataclasses
import io
import warnings

import matplotlib
import pandas as pd
import pytest
from matplotlib.text import Text

import evaltools
from evaltools import fmt
from evaltools.errors import EvaltoolsError
from evaltools.report import charts, fonts
from tests._paths import ROOT

matplotlib.use("Agg")

CHARTS = ["budget_vs_spending", "execution_rates", "indicator_completion", "score_composition"]


@pytest.fixture(scope="module")
def ev():
    return evaltools.evaluate(evaltools.load_year(2022, ROOT / "data"), "qiaoxi2022")


@pytest.fixture(scope="module")
def history():
    return pd.DataFrame(
        {
            "year": [2020, 2021, 2022],
            "spent": [700.5, 790.1, 871.78],
            "execution_rate": [0.95, 1.1, 1.292675],
            "score": [86.0, 88.5, 87.22],
        }
    )


def draw(fig) -> list[str]:
    """Render to PNG in memory; return the messages of all warnings raised while drawing."""
    buf = io.BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fig.savefig(buf, format="png")
    assert buf.getvalue()[:8] == b"\x89PNG\r\n\x1a\n"
    return [str(w.message) for w in caught]


def assert_no_missing_glyphs(fig) -> None:
    messages = draw(fig)
    missing = [m for m in messages if "missing from font" in m]
    assert missing == [], missing[:3]


def texts(fig) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text)]


def ytick_labels(fig) -> list[str]:
    return [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()]


# --------------------------------------------------------------------------- fonts


def test_font_path_is_the_mplfonts_noto_sans_sc():
    path = fonts.font_path()
    assert path.is_file() and path.name == "NotoSansCJKsc-Regular.otf" and "mplfonts" in path.parts


def test_register_cjk_font_is_idempotent():
    from matplotlib import font_manager

    assert fonts.register_cjk_font() == "Noto Sans CJK SC"
    count = len(font_manager.fontManager.ttflist)
    assert fonts.register_cjk_font() == "Noto Sans CJK SC"
    assert len(font_manager.fontManager.ttflist) == count
    assert "Noto Sans CJK SC" in {f.name for f in font_manager.fontManager.ttflist}


def test_font_path_imports_neither_mplfonts_nor_matplotlib():
    import subprocess
    import sys

    code = "import sys; from evaltools.report import fonts; p = fonts.font_path(); "
    code += "print(p.is_file(), 'mplfonts' in sys.modules, 'matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.split() == ["True", "False", "False"], done.stderr[-2000:]


def test_font_path_missing_is_a_clear_evaltools_error(monkeypatch, tmp_path):
    from importlib.machinery import ModuleSpec

    spec = ModuleSpec("mplfonts", None, is_package=True)
    spec.submodule_search_locations = [str(tmp_path)]
    monkeypatch.setattr(fonts.importlib.util, "find_spec", lambda name: spec)
    with pytest.raises(EvaltoolsError, match="CJK font missing.*NotoSansCJKsc-Regular.otf"):
        fonts.font_path()
    with pytest.raises(EvaltoolsError, match="unknown font family"):
        fonts.font_path("comic")


def test_use_theme_sets_the_font_globally():
    with matplotlib.rc_context():
        assert charts.use_theme() == "Noto Sans CJK SC"
        charts.use_theme()
        assert matplotlib.rcParams["font.sans-serif"][:2] == ["Noto Sans CJK SC", "DejaVu Sans"]
        assert "Noto Sans CJK SC" in matplotlib.rcParams["font.family"]
        assert matplotlib.rcParams["axes.unicode_minus"] is False


# --------------------------------------------------------------------------- every chart


@pytest.mark.parametrize("name", CHARTS)
def test_chart_renders_chinese_without_missing_glyphs(ev, name):
    fig = getattr(charts, name)(ev)
    assert fig.get_size_inches()[0] == pytest.approx(charts.WIDTH)
    assert_no_missing_glyphs(fig)
    assert any("石家庄市桥西区就业服务中心 2022 年" in t for t in texts(fig))


@pytest.mark.parametrize("name", CHARTS)
def test_chart_leaves_rcparams_and_pyplot_alone(ev, name):
    import matplotlib.pyplot as plt

    before, figures = dict(matplotlib.rcParams), plt.get_fignums()
    getattr(charts, name)(ev)
    assert dict(matplotlib.rcParams) == before
    assert plt.get_fignums() == figures


def test_budget_vs_spending_labels_amounts(ev):
    fig = charts.budget_vs_spending(ev)
    shown = texts(fig)
    assert {"815.36", "616.16", "28.27", "19.25", "2.90"} <= set(shown)
    assert {"人员经费", "日常公用支出", "失业就业服务", "档案保管和整理", "创业担保贴息"} <= set(ytick_labels(fig))


def _label_on_row(ax, row: str) -> list[str]:
    """Texts of the bar labels drawn on the row whose y tick label is ``row``."""
    ticks = {t.get_text(): y for t, y in zip(ax.get_yticklabels(), ax.get_yticks())}
    y = ticks[row]
    return [a.get_text() for a in ax.texts if hasattr(a, "xy") and abs(a.xy[1] - y) < 0.35]


def test_execution_rates_labels_percentages_per_row(ev):
    fig = charts.execution_rates(ev)
    assert_no_missing_glyphs(fig)
    ax = fig.axes[0]
    assert _label_on_row(ax, "日常公用支出") == ["94.26%"]
    assert _label_on_row(ax, "档案保管和整理") == ["96.67%"]
    assert _label_on_row(ax, "人员经费") == ["132.33%"]
    assert _label_on_row(ax, "人员经费（扣除上年应付未付）") == ["100.54%"]
    assert any(line.get_xdata()[0] == 100 for line in ax.get_lines())


def test_indicator_completion_linear_axis_ceiling_met_not_83_percent(ev):
    """The 2022 chart: a linear axis (0 can sit on it), 1,427% cut at 200% and labelled with its value, the
    ≤ 30 工作日 target done in 25 drawn as met with its margin (not 83.33%), the 4–6 场 range exceeded by 58."""
    fig = charts.indicator_completion(ev)
    ax = fig.axes[0]
    assert ax.get_xscale() == "linear"
    assert ax.get_xlim()[0] == 0
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert any(t.startswith("档案保管和整理 / ") for t in labels)
    expected = ev.indicators[ev.indicators["completion"].notna() & ev.indicators["scored"]]
    assert len(labels) == len(expected) == 8
    jobs = next(t for t in labels if "提供工作岗位数" in t)
    assert _label_on_row(ax, jobs) == ["1,427.00%"]
    assert _label_on_row(ax, next(t for t in labels if "查询和办事时限" in t)) == ["达标（低于上限5工作日）"]
    assert _label_on_row(ax, next(t for t in labels if "专场招聘会场次" in t)) == ["高于区间（超出上限58场）"]
    assert "83.33%" not in texts(fig)
    bars = {round(p.get_y() + p.get_height() / 2): p.get_width() for p in ax.patches if p.get_width() > 10}
    assert bars[labels.index(jobs)] == pytest.approx(charts.CAP * 100)  # cut at 200%, value in the label
    assert any(line.get_xdata()[0] == 100 for line in ax.get_lines())
    assert_no_missing_glyphs(fig)


def test_score_composition_totals_are_the_computed_scores(ev):
    fig = charts.score_composition(ev)
    ax = fig.axes[0]
    totals = [fmt.score(round(x, 2)) for x in ev.projects["computed_score"]]
    assert totals == ["85", "84.67", "90"]
    for project, total in zip(ev.projects["project"], totals):
        assert total in _label_on_row_text(ax, project)
    assert {"公布 87", "公布 88"} <= set(texts(fig))
    legend = texts(fig)
    assert {"预算执行率（10 分）", "产出指标（50 分）", "效益指标（30 分）", "满意度指标（10 分）"} <= set(legend)


def _label_on_row_text(ax, row: str) -> list[str]:
    """Texts (labels and plain ``ax.text``) on the row whose y tick label is ``row``."""
    ticks = {t.get_text(): y for t, y in zip(ax.get_yticklabels(), ax.get_yticks())}
    return [
        t.get_text()
        for t in ax.texts
        if abs(t.get_position()[1] - ticks[row]) < 0.35 or (hasattr(t, "xy") and abs(t.xy[1] - ticks[row]) < 0.35)
    ]


# --------------------------------------------------------------------------- literal data text


def test_dollar_names_render_literally(ev):
    name = "$x$ <script>"
    old = "失业就业服务"

    def rename(frame, column="project"):
        return frame.assign(**{column: frame[column].replace(old, name)})

    odd = dataclasses.replace(
        ev,
        projects=rename(ev.projects),
        composition=rename(ev.composition),
        indicators=rename(ev.indicators),
        rates=rename(ev.rates, "subject"),
    )
    escaped = charts.plain(name)
    assert escaped == r"\$x\$ <script>"
    for chart in CHARTS:
        fig = getattr(charts, chart)(odd)
        assert_no_missing_glyphs(fig)  # draws: a mathtext error would raise here
        hits = [t for ax in fig.axes for t in ax.get_yticklabels() if "<script>" in t.get_text()]
        assert hits, chart
        for label in hits:
            text = label.get_text()
            assert text.startswith(escaped)
            assert text.replace(r"\$", "$").startswith(name)
            shown, is_math = label._preprocess_math(text)
            assert is_math is False and shown.startswith(name)


def test_plain_escapes_every_dollar():
    assert charts.plain("a$b$c") == r"a\$b\$c"
    assert charts.plain(12) == "12"


# --------------------------------------------------------------------------- trends


def test_trends_one_year_is_a_note(history):
    fig = charts.trends(history.iloc[[2]])
    assert "仅有一年数据，无法显示趋势。" in texts(fig)
    assert_no_missing_glyphs(fig)


def test_trends_three_years_three_panels(history):
    fig = charts.trends(history.sample(frac=1, random_state=1))
    assert len(fig.axes) == 3
    assert [ax.get_title() for ax in fig.axes] == ["支出（万元）", "预算执行率（%）", "总分"]
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2020", "2021", "2022"]
    assert {"871.78", "129.27%", "87.22"} <= set(texts(fig))
    assert_no_missing_glyphs(fig)


def test_trends_without_required_columns_fails_clearly(history):
    with pytest.raises(EvaltoolsError, match="execution_rate"):
        charts.trends(history.drop(columns="execution_rate"))


def test_indicator_completion_draws_the_measures_of_a_scored_item(tmp_path):
    """稷山县医疗保险服务中心 2020 with its 数量指标 scored once over two 三级 measures (as 黄石市图书馆 2022 prints merged
    items; tests/scoring/test_printed_forms.py): the chart draws both measures — 全县参合人数 8676 of 8755 (99.10%)
    and 新增参保人数 150 of 100 (150.00%) — not only the rows that carry a 分值."""
    from tests.scoring.test_printed_forms import _evaluated, merged_item_form

    fig = charts.indicator_completion(_evaluated(tmp_path, merged_item_form()))
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert any("全县参合人数" in t for t in labels) and any("新增参保人数" in t for t in labels)
    assert {"99.10%", "150.00%"} <= set(texts(fig))


# --------------------------------------------------------------------------- cost (issue 23): same drawings


def _old_fit_labels(fig, ax, low: float) -> None:
    """fit_labels as it was: each label measured with a renderer of its own (canvas.draw() of a bare Figure
    draws nothing, so the axes stand where the subplot parameters put them)."""
    for _ in range(3):
        inverse = ax.transData.inverted()
        right = max((inverse.transform(t.get_window_extent())[1, 0] for t in ax.texts), default=low)
        lo, hi = ax.get_xlim()
        if right <= hi:
            return
        ax.set_xlim(lo, right + (right - lo) * 0.03)


def _labelled_bars():
    from evaltools.report import chart_layout

    with charts._themed():
        fig = chart_layout.figure(2)
        ax = fig.subplots()
        bars = ax.barh([0, 1], [200.0, 40.0], 0.6)
        chart_layout.label_bars(ax, bars, ["1,427.00%", "达标（低于上限5工作日）"])
        ax.set_xlim(0, 205.0)
    return fig, ax


def test_fit_labels_widens_the_axis_to_the_old_limit():
    fig, ax = _labelled_bars()
    old_fig, old_ax = _labelled_bars()
    with charts._themed():
        charts._fit_labels(fig, ax, 205.0)
        _old_fit_labels(old_fig, old_ax, 205.0)
    assert ax.get_xlim() == old_ax.get_xlim()
    # "1,427.00%" at 8 pt ends beyond 205 (the bar's end 200 + 3 pt + its width): the axis is widened
    assert ax.get_xlim()[1] > 205.0
    # 3 rounds: 205 → ~221 (the label's end) + 3 % → … settling at 226.40 (7.5 in figure, 8 pt Noto Sans CJK)
    assert ax.get_xlim()[1] == pytest.approx(226.4036, abs=1e-3)
    renderer = fig.canvas.get_renderer() if hasattr(fig.canvas, "get_renderer") else None
    ends = [ax.transData.inverted().transform(t.get_window_extent(renderer))[1, 0] for t in ax.texts]
    assert max(ends) <= ax.get_xlim()[1]


def _pixels(png: bytes):
    from PIL import Image

    image = Image.open(io.BytesIO(png))
    return image, image.convert("RGBA").tobytes()


@pytest.mark.parametrize("which", ["print", "phone"])
def test_png_bytes_are_the_pixels_savefig_draws(ev, which):
    from evaltools.report import chart_layout

    size = chart_layout.PRINT if which == "print" else chart_layout.PHONE
    with chart_layout.layout(size):
        saved, fast = charts.indicator_completion(ev), charts.indicator_completion(ev)
    buf = io.BytesIO()
    saved.savefig(buf, format="png", dpi=150)
    ref, ref_pixels = _pixels(buf.getvalue())
    image, pixels = _pixels(chart_layout.png_bytes(fast, 150))
    assert image.size == ref.size == (int(size.width * 150), int(saved.get_figheight() * 150))
    assert pixels == ref_pixels
    assert image.mode == "RGB" and round(image.info["dpi"][0]) == 150  # opaque: no alpha channel


def test_png_bytes_keeps_transparency():
    from matplotlib.figure import Figure

    from evaltools.report import chart_layout

    def drawn():
        fig = Figure(figsize=(2, 1), facecolor="none")
        fig.subplots().plot([0, 1], [1, 0])
        return fig

    buf = io.BytesIO()
    drawn().savefig(buf, format="png", dpi=100)
    image, pixels = _pixels(chart_layout.png_bytes(drawn(), 100))
    assert image.mode == "RGBA" and image.size == (200, 100)
    assert pixels == _pixels(buf.getvalue())[1]


def test_trend_line_draws_what_seaborn_lineplot_drew():
    import numpy as np
    import seaborn as sns
    from matplotlib.figure import Figure

    from evaltools.report import chart_layout

    years, values = np.array([2019, 2020, 2021, 2022]), np.array([86.0, np.nan, 88.5, 87.22])

    def drawn(draw):
        with charts._themed():
            fig = Figure(figsize=(3, 2))
            ax = fig.subplots()
            draw(ax)
            ax.margins(y=0.25)
        return fig

    ours = drawn(lambda ax: charts._line(ax, years, values, "C1"))
    theirs = drawn(lambda ax: sns.lineplot(x=years, y=values, marker="o", ax=ax, color="C1"))
    (line,) = ours.axes[0].lines
    assert list(line.get_xdata()) == [2019, 2021, 2022] and list(line.get_ydata()) == [86.0, 88.5, 87.22]
    assert (line.get_marker(), line.get_markeredgecolor(), line.get_markeredgewidth()) == ("o", "w", 0.75)
    assert _pixels(chart_layout.png_bytes(ours, 100))[1] == _pixels(chart_layout.png_bytes(theirs, 100))[1]


def test_png_bytes_settles_only_labels_inside_the_axes():
    from evaltools.report import chart_layout

    with charts._themed():
        fig = chart_layout.figure(3)
        ax = fig.subplots()
        bars = ax.barh([0, 1, 2], [0.0, 100.0, -30.0], 0.6)
        chart_layout.label_bars(ax, bars, ["0.00%", "100.00%", "-30.00%"])
        ax.set_xlim(0, 100)
    chart_layout.png_bytes(fig, 50)
    # the bar of no length (on the left edge) and the one at the right edge are inside; -30 lies outside the
    # axes and is left to matplotlib, which does not draw it
    assert [t.get_annotation_clip() for t in ax.texts] == [False, False, None]
    renderer = fig.canvas.get_renderer()
    assert [t._check_xy(renderer) for t in ax.texts] == [True, True, False]
