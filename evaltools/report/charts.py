"""Charts for the report: seaborn theme + matplotlib, with Chinese text in Noto Sans CJK SC.

Every chart function takes an :class:`~evaltools.scoring.evaluation.Evaluation` (``trends`` a DataFrame) and
returns a :class:`matplotlib.figure.Figure`. Figures are built with ``Figure(...)`` directly, not
through pyplot: nothing is shown, nothing is registered with pyplot, nothing is saved (the caller
saves, choosing the dpi). Each function applies the report theme only while it builds its figure
(inside ``matplotlib.rc_context``), so the caller's rcParams are left as they were; call
:func:`use_theme` to make the theme global for your own plots.

Amounts are in 万元, rates as percentages with two decimals. Text that comes from data (project and
line names) passes through :func:`plain` so that matplotlib never reads ``$…$`` as mathtext.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import SimpleNamespace
from typing import TYPE_CHECKING

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FuncFormatter

from evaltools import fmt
from evaltools.errors import ChartDataError
from evaltools.registry import Registry
from evaltools.report.chart_layout import WIDTH, plain
from evaltools.report.chart_layout import current as _L
from evaltools.report.chart_layout import figure as _figure
from evaltools.report.chart_layout import fit_labels as _fit_labels
from evaltools.report.chart_layout import label_bars as _label_bars
from evaltools.report.chart_layout import legend as _legend
from evaltools.report.chart_layout import note as _note
from evaltools.report.chart_layout import reference as _reference
from evaltools.report.chart_layout import row_label as _row_label
from evaltools.report.chart_layout import suptitle as _suptitle
from evaltools.report.fonts import register_cjk_font

if TYPE_CHECKING:
    from evaltools.scoring.evaluation import Evaluation


@dataclass(frozen=True)
class Chart:
    """A registered chart: ``fn`` draws it from the evaluation (or, ``uses="history"``, the years' totals);
    ``empty`` says, in one sentence, why there is nothing to draw (every figure unknown), else None."""

    name: str
    fn: Callable[..., Figure]
    caption: str
    uses: str = "evaluation"
    empty: Callable[..., str | None] | None = None


#: The report's charts by name, in report order; ``evaltools.report.chart(ctx, name)`` draws one.
CHARTS: Registry[Chart] = Registry("chart", "图表", key="chart")


def chart(
    name: str, caption: str, uses: str = "evaluation", empty: Callable[..., str | None] | None = None
) -> Callable[[Callable[..., Figure]], Callable[..., Figure]]:
    """Register the decorated function as chart ``name`` with its Chinese caption; ``empty(data)`` gives the
    sentence shown instead of the chart when all its figures are unknown."""

    def register(fn: Callable[..., Figure]) -> Callable[..., Figure]:
        CHARTS.add(name, Chart(name, fn, caption, uses, empty))
        return fn

    return register


# --------------------------------------------------------------------------- theme and text


def use_theme() -> str:
    """Register the CJK font and apply the report theme globally; return the font family name.

    Idempotent. ``sns.set_theme`` resets rcParams, so the font is passed to it rather than set before.
    """
    family = register_cjk_font()
    # font.family as a list: matplotlib draws each glyph the CJK font lacks (Ą, ₹ …) with DejaVu Sans
    sns.set_theme(
        style="whitegrid",
        font=family,
        rc={
            "axes.unicode_minus": False,
            "font.family": [family, "DejaVu Sans"],
            "font.sans-serif": [family, "DejaVu Sans"],
        },
    )
    return family


@contextlib.contextmanager
def _themed() -> Iterator[None]:
    """The report theme for the duration of building one figure; rcParams are restored afterwards."""
    size = _L()
    with mpl.rc_context():
        use_theme()
        sns.set_context("paper")  # sizes for a 7.5 in wide figure on an A4 page
        mpl.rcParams.update(
            {
                "xtick.labelsize": max(size.small, 8.8),
                "ytick.labelsize": max(size.small, 8.8),
                "legend.fontsize": size.small,
                "axes.labelsize": size.text,
                "axes.titlesize": size.text,
            }
        )
        yield


def _names(frame: pd.DataFrame) -> pd.Series:
    """Display name of each project row: ``project``, or ``unit / project`` in multi-unit tables."""
    names = frame["project"].astype(str)
    if "unit" in frame.columns:
        names = frame["unit"].astype(str) + " / " + names
    return names


def _title(ev, what: str) -> str:
    sep = "\n" if _L().lines > 1 else " "  # on a phone the unit's name on its own line
    return plain(f"{ev.unit}{sep}{ev.year} 年{what}")


# --------------------------------------------------------------------------- 1. budget vs spending


def _budget_groups(ev: Evaluation) -> list[tuple[str, pd.Series, np.ndarray, np.ndarray]]:
    """(group, names, 预算数, 支出数) for 基本支出 (the budget lines) and 项目支出 (the projects), as floats."""
    lines, groups = ev.data.budget_lines, []
    if len(lines):
        groups.append(("基本支出", lines["line"].astype(str), lines["budget"], lines["spent"]))
    if len(ev.projects):
        groups.append(("项目支出", _names(ev.projects), ev.projects["budget"], ev.projects["spent"]))
    as_float = lambda v: pd.to_numeric(v, errors="coerce").to_numpy(dtype=float)  # noqa: E731
    return [(g, n.reset_index(drop=True), as_float(b), as_float(s)) for g, n, b, s in groups]


def _no_amounts(ev: Evaluation) -> str | None:
    groups = _budget_groups(ev)
    if not groups:
        return "本年度数据没有预算数和支出数。"
    if all(np.isnan(np.concatenate([b, s])).all() for _, _, b, s in groups):
        return "各支出项目的预算数和支出数均未能读取（无法计算）。"
    return None


@chart("budget_vs_spending", "图 1　预算数与支出数（万元）", empty=_no_amounts)
def budget_vs_spending(ev: Evaluation) -> Figure:
    """Grouped horizontal bars of 预算数 and 支出数 (万元) for every budget line (基本支出) and every
    project (项目支出), each group in its own panel with its own scale, values at the bar ends
    (— where unknown: no bar)."""
    groups = _budget_groups(ev)
    with _themed():
        if (why := _no_amounts(ev)) is not None:
            return _note(why)
        counts = [len(g[1]) for g in groups]
        fig = _figure(0.55 * sum(counts) + 0.45 * len(groups), fixed=0.9)
        axes = fig.subplots(len(groups), 1, squeeze=False, gridspec_kw={"height_ratios": counts})[:, 0]
        colors = sns.color_palette()
        height = 0.38
        for ax, (group, names, budget, spent) in zip(axes, groups):
            y = np.arange(len(names))
            b = ax.barh(y - height / 2, np.nan_to_num(budget), height, color=colors[0], label="预算数")
            s = ax.barh(y + height / 2, np.nan_to_num(spent), height, color=colors[1], label="支出数")
            _label_bars(ax, b, map(fmt.wan, budget))
            _label_bars(ax, s, map(fmt.wan, spent))
            ax.set_yticks(y, [_row_label(n) for n in names])
            ax.invert_yaxis()
            top = np.nanmax(np.concatenate([budget, spent, [0.0]]))
            ax.set_xlim(0, top * (1.18 if _L().lines == 1 else 1.45) if top > 0 else 1)
            ax.set_title(group, loc="left", fontsize=_L().text)
            ax.set_xlabel("万元")
            ax.grid(axis="y", visible=False)
        _legend(fig, [Patch(color=colors[0], label="预算数"), Patch(color=colors[1], label="支出数")])
        _suptitle(fig, _title(ev, "预算数与支出数（万元）"))
    return fig


# --------------------------------------------------------------------------- 2. execution rates


def _execution_table(ev) -> pd.DataFrame:
    """One row per bar: name, group (基本支出 / 项目支出), rate as a fraction."""
    r = ev.rates
    rows = []
    for line in r[r["key"] == "line_execution"].itertuples():
        rows.append((str(line.subject), "基本支出", line.value))
        net = r[(r["key"] == "line_execution_net") & (r["subject"] == line.subject)]
        if len(net):
            rows.append((f"{line.subject}（扣除上年应付未付）", "基本支出", float(net["value"].iloc[0])))
    for p in r[r["key"] == "project_execution"].itertuples():
        rows.append((str(p.subject), "项目支出", p.value))
    return pd.DataFrame(rows, columns=["name", "group", "rate"])


def _no_rates(ev: Evaluation) -> str | None:
    return _why_no_rates(_execution_table(ev))


def _why_no_rates(table: pd.DataFrame) -> str | None:
    if table.empty:
        return "本年度数据没有预算执行数据。"
    if pd.to_numeric(table["rate"], errors="coerce").isna().all():
        return "各支出项目的预算执行率均无法计算（预算数或支出数未能读取）。"
    return None


@chart("execution_rates", "图 2　预算执行率（参考线 100%）", empty=_no_rates)
def execution_rates(ev: Evaluation) -> Figure:
    """Horizontal bars of the execution rate (预算执行率 of each budget line, also net of 上年应付未付
    where given, and 资金使用率 of each project) in percent, with a reference line at 100%; an unknown
    rate has no bar and reads 无法计算."""
    table = _execution_table(ev)
    with _themed():
        if (why := _why_no_rates(table)) is not None:
            return _note(why)
        fig = _figure(0.42 * len(table), fixed=1.1)
        ax = fig.subplots()
        colors = dict(zip(["基本支出", "项目支出"], sns.color_palette()[:2]))
        y = np.arange(len(table))
        percent = pd.to_numeric(table["rate"], errors="coerce").to_numpy(dtype=float) * 100
        bars = ax.barh(y, np.nan_to_num(percent), 0.6, color=[colors[g] for g in table["group"]])
        _label_bars(ax, bars, [fmt.pct(v, missing="无法计算") for v in table["rate"]])
        _reference(ax, 100)
        ax.set_yticks(y, [_row_label(n) for n in table["name"]])
        ax.invert_yaxis()
        top = np.nanmax(np.append(percent, 100.0))
        ax.set_xlim(0, top * (1.16 if _L().lines == 1 else 1.4))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}%"))
        ax.set_xlabel("执行率（支出数 / 预算数）")
        ax.grid(axis="y", visible=False)
        _legend(
            fig,
            [Patch(color=c, label=g) for g, c in colors.items() if g in set(table["group"])]
            + [Line2D([], [], color="0.2", linewidth=1, linestyle="--", label="100%")],
        )
        _suptitle(fig, _title(ev, "预算执行率"))
    return fig


# --------------------------------------------------------------------------- 3. indicator completion

#: Completion above this share of the target is drawn to it, the bar broken, its value written at the end:
#: 0 and 1,427% both read on one linear axis (no log axis, which cannot hold 0).
CAP = 2.0
_STATUS = ("达标", "未达标", "高于区间", "未判定")


def _completion_rows(ev: Evaluation) -> pd.DataFrame:
    """The quantitative indicators drawn (scored, or the 三级 measures of an item scored at 二级): name,
    ``kind``/``text``/``ratio`` of :func:`evaltools.fmt.completion`, ``status`` (one of ``_STATUS``) and
    ``length`` (the bar, a fraction of the target, capped at :data:`CAP`)."""
    ind = ev.indicators
    measure = ind["is_measure"].astype(bool) if "is_measure" in ind else False
    rows = ind[ind["scored"].astype(bool) | measure]
    shown = [fmt.completion(r) for r in rows.itertuples()]
    names = rows["project"].astype(str) + " / " + rows["level3"].astype(str)
    out = pd.DataFrame(
        {
            "name": names.to_numpy(),
            "kind": [c.kind for c in shown],
            "text": [c.text for c in shown],
            "ratio": [np.nan if c.ratio is None else c.ratio for c in shown],
            "status": [
                {True: "达标", False: "未达标"}.get(c.met, "高于区间" if c.side == "above" else "未判定") for c in shown
            ],
        }
    )
    out = out[out["kind"] != "unknown"].reset_index(drop=True)
    out["length"] = np.where(out["kind"] == "ratio", np.minimum(out["ratio"], CAP), 1.0)
    return out


_NO_COMPLETION = "没有实际值和目标值均已读取的定量指标。"


def _no_completion(ev: Evaluation) -> str | None:
    return _NO_COMPLETION if _completion_rows(ev).empty else None


@chart("indicator_completion", "图 3　定量指标完成情况（实际/目标；上限、区间指标按是否达标）", empty=_no_completion)
def indicator_completion(ev: Evaluation) -> Figure:
    """Completion of the scored quantitative indicators on a linear axis with the target at 100%: for ≥ targets
    the bar is 实际值 / 目标值 (above 200% the bar is cut, marked by a gap, and its value written: 1,427.00%;
    0 is a bar of no length labelled 0.00%); for ≤ ceilings and ranges the bar reaches the target line, solid
    when met, hatched when not, and reads 达标（低于上限5工作日） / 未达标（超出上限…） / 区间内 / 高于区间（…）
    (:func:`evaltools.fmt.completion`), never 83.33% for a ceiling beaten. The 三级 measures of an item scored
    at 二级 are drawn too (issue 20 item 3)."""
    rows = _completion_rows(ev)
    with _themed():
        if rows.empty:
            return _note(_NO_COMPLETION)
        palette = sns.color_palette()
        colors = dict(zip(_STATUS, [palette[2], palette[3], palette[0], "0.6"]))
        fig = _figure(0.36 * len(rows), fixed=1.3)
        ax = fig.subplots()
        y = np.arange(len(rows))
        hollow = (rows["kind"] != "ratio") & (rows["status"] == "未达标")
        bars = ax.barh(
            y,
            rows["length"] * 100,
            0.6,
            color=["white" if h else colors[s] for s, h in zip(rows["status"], hollow)],
            edgecolor=[colors[s] for s in rows["status"]],
            hatch=None,
        )
        for bar, h in zip(bars, hollow):
            if h:
                bar.set_hatch("///")
        cut = rows["ratio"].to_numpy(dtype=float) > CAP
        ax.barh(y[cut], 3, 0.72, left=CAP * 100 - 12, color="white", zorder=3)  # the break in a cut bar
        _label_bars(ax, bars, rows["text"])
        _reference(ax, 100)
        top = max(float(rows["length"].max()), 1.0) * 100
        ax.set_xlim(0, top * 1.12)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}%"))
        ax.set_yticks(y, [_row_label(n) for n in rows["name"]])
        ax.invert_yaxis()
        ax.set_xlabel("完成率（实际值 / 目标值，目标值 = 100%）")
        ax.grid(axis="y", visible=False)
        handles = [Patch(color=colors[k], label=k) for k in _STATUS if k in set(rows["status"])]
        if cut.any():
            handles.append(Patch(facecolor="0.85", edgecolor="0.5", label=f"超过 {CAP:.0%} 截断，数值见标注"))
        _legend(fig, handles + [Line2D([], [], color="0.2", linewidth=1, linestyle="--", label="目标值")])
        _suptitle(fig, _title(ev, "定量指标完成情况"))
        _fit_labels(fig, ax, top)
    return fig


# --------------------------------------------------------------------------- 4. score composition


def _forms(ev: Evaluation) -> pd.DataFrame:
    """The scored forms: the department's own table (when the report has one), then the projects."""
    frames = [f for f in (ev.department, ev.projects) if f is not None and len(f)]
    return pd.concat(frames, ignore_index=True) if frames else ev.projects


def _composition_tables(ev: Evaluation) -> SimpleNamespace:
    """Score and weight per project (rows, in project order) and 一级指标 (columns), totals and full marks."""
    comp = ev.composition.copy()
    projects = _forms(ev)
    comp["name"] = _names(comp)
    order = list(dict.fromkeys(_names(projects)))
    order += [n for n in dict.fromkeys(comp["name"]) if n not in order]
    levels = list(dict.fromkeys(comp["level1"]))  # 预算执行率 first, then the data's 一级指标 as they appear
    score = comp.pivot_table(index="name", columns="level1", values="score", aggfunc="sum")
    weight = comp.pivot_table(index="name", columns="level1", values="weight", aggfunc="sum")
    levels = [lv for lv in levels if lv in score.columns]
    score = score.reindex(index=order, columns=levels).fillna(0.0)
    weight = weight.reindex(index=order, columns=levels).fillna(0.0)
    # a 分值 unknown (unreadable, or a form that prints none) leaves the full marks unknown, not Σ of the rest
    # (issue 20 item 2: 满分 was drawn as 10 or 90)
    unknown = comp["weight"].isna().groupby(comp["name"]).any().reindex(order, fill_value=False)
    info = projects.assign(name=_names(projects)).set_index("name")
    total = info["computed_score"].reindex(order)  # NaN: 无法计算 (a figure is unreadable), never a partial sum
    published = info["published_score"].reindex(order) if "published_score" in info else None
    return SimpleNamespace(
        order=order,
        levels=levels,
        score=score,
        weight=weight,
        total=total,
        published=published,
        full=weight.sum(axis=1).where(~unknown.to_numpy(dtype=bool)),
    )


def _composition_bars(ax: Axes, c: SimpleNamespace, y: np.ndarray) -> tuple[np.ndarray, list[Patch]]:
    """One stacked segment per 一级指标 (labelled when wide enough); returns the bar ends and legend handles."""
    palette = sns.color_palette()
    left = np.zeros(len(c.order))
    handles = []
    for i, level in enumerate(c.levels):
        w = c.weight[level]
        same = w.nunique() == 1 and w.iloc[0] > 0
        label = f"{level}（{fmt.score(w.iloc[0])} 分）" if same else level
        values = c.score[level].to_numpy(dtype=float)
        bars = ax.barh(y, values, 0.5, left=left, color=palette[i % len(palette)], zorder=2)
        ax.bar_label(
            bars,
            labels=[fmt.score(v) if v >= 6 else "" for v in values],
            label_type="center",
            color="white",
            fontsize=_L().small,
            zorder=3,
        )
        handles.append(Patch(color=palette[i % len(palette)], label=label))
        left += values
    return left, handles


def _no_scores(ev: Evaluation) -> str | None:
    if ev.composition.empty or _forms(ev).empty:
        return "本年度数据没有得分数据。"
    if ev.composition["score"].isna().all() and _forms(ev)["computed_score"].isna().all():
        return "各表的得分均无法计算（指标或分值未能读取）。"
    return None


@chart("score_composition", "图 4　项目得分构成（按一级指标）", empty=_no_scores)
def score_composition(ev: Evaluation) -> Figure:
    """Stacked horizontal bars per project of the recomputed score by 一级指标 (预算执行率, 产出指标,
    效益指标, 满意度指标), the project's total at the bar end, and its full marks (Σ weights) as a
    light bar behind; a published score that differs is noted at the right."""
    with _themed():
        if (why := _no_scores(ev)) is not None:
            return _note(why)
        c = _composition_tables(ev)
        fig = _figure(0.5 * len(c.order), fixed=1.3)
        ax = fig.subplots()
        y = np.arange(len(c.order))
        ax.barh(y, c.full.to_numpy(), 0.78, color="0.9", edgecolor="0.8", linewidth=0.6, zorder=1)
        left, handles = _composition_bars(ax, c, y)
        for yi, end, t in zip(y, left, c.total):
            ax.text(
                end + 1,
                yi,
                fmt.score(t) if not fmt.is_missing(t) else "无法计算",
                va="center",
                ha="left",
                fontsize=max(_L().small, 9),
                zorder=4,
            )
        right = float(np.nanmax([*c.full.to_numpy(dtype=float), *left, 1.0]))
        if c.published is not None:
            for yi, p, t in zip(y, c.published, c.total):
                if pd.notna(p) and (pd.isna(t) or round(float(p), 2) != round(float(t), 2)):
                    ax.text(
                        right * 1.02,
                        yi,
                        f"公布 {fmt.score(p)}",
                        va="center",
                        ha="left",
                        fontsize=_L().small,
                        color="0.35",
                        zorder=4,
                    )
        handles.append(Patch(facecolor="0.9", edgecolor="0.8", label="满分（权重）"))
        ax.set_xlim(0, right * 1.16)
        ax.set_yticks(y, [_row_label(n) for n in c.order])
        ax.invert_yaxis()
        ax.set_xlabel("得分（重算）")
        ax.grid(axis="y", visible=False)
        _legend(fig, handles)
        _suptitle(fig, _title(ev, "项目得分构成"))
    return fig


# --------------------------------------------------------------------------- 5. trends


_TREND_COLUMNS = ["year", "spent", "execution_rate", "score"]


def _no_trend(history: pd.DataFrame) -> str | None:
    h = history.dropna(subset=["year"]) if "year" in history else history
    if "year" in h and h["year"].nunique() < 2:
        return "仅有一年数据，无法显示趋势。"
    values = [c for c in _TREND_COLUMNS[1:] if c in h]
    if values and h[values].apply(pd.to_numeric, errors="coerce").isna().all().all():
        return "历年支出、执行率和总分均无法计算。"
    return None


def _line(ax: Axes, x: np.ndarray, y: np.ndarray, color: object) -> None:
    """The line ``sns.lineplot(x=x, y=y, marker="o", color=color)`` draws for one value per x (its points
    through the known values, white-edged markers), without its per-call data handling (a quarter of the
    figure's cost)."""
    known = np.isfinite(x) & np.isfinite(y)
    order = np.argsort(x[known], kind="stable")
    ax.plot(x[known][order], y[known][order], marker="o", color=color, markeredgewidth=0.75, markeredgecolor="w")


@chart("trends", "图 5　历年支出、执行率与总分", uses="history", empty=_no_trend)
def trends(history: pd.DataFrame) -> Figure:
    """Three small panels against the year: 支出 (万元), 预算执行率 (%) and 总分.

    ``history`` has columns ``year``, ``spent`` (total, 万元), ``execution_rate`` (a fraction) and
    ``score``, one row per year. With fewer than two years the figure holds only a note.
    """
    need = _TREND_COLUMNS
    missing = [c for c in need if c not in history.columns]
    if missing:
        raise ChartDataError(f"trends(): history lacks column(s) {missing}; expected columns {need}")
    h = history[need].dropna(subset=["year"]).copy()
    h["year"] = h["year"].astype(int)
    h = h.drop_duplicates("year", keep="last").sort_values("year")
    with _themed():
        if (why := _no_trend(h)) is not None:
            return _note(why)
        phone = _L().lines > 1
        fig = _figure(0, fixed=6.4 if phone else 2.6)
        axes = fig.subplots(3, 1) if phone else fig.subplots(1, 3)
        panels = [
            ("spent", "支出（万元）", 1.0, fmt.wan),
            ("execution_rate", "预算执行率（%）", 100.0, lambda v: fmt.pct(v / 100)),
            ("score", "总分", 1.0, fmt.score),
        ]
        years = h["year"].to_numpy()
        for i, (ax, (col, title, scale, label)) in enumerate(zip(axes, panels)):
            values = pd.to_numeric(h[col], errors="coerce").to_numpy(dtype=float) * scale
            _line(ax, years, values, sns.color_palette()[i])
            for x, v in zip(years, values):
                if np.isfinite(v):
                    ax.annotate(
                        label(v),
                        (x, v),
                        textcoords="offset points",
                        xytext=(0, 7),
                        ha="center",
                        fontsize=_L().small,
                        zorder=5,
                        bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=0.4),
                    )
            ax.set_title(title, fontsize=_L().text)
            ax.set_xticks(years, [str(x) for x in years])
            ax.set_xlim(years.min() - 0.5, years.max() + 0.5)
            ax.margins(y=0.25)
            ax.set_xlabel("")
            ax.tick_params(labelsize=_L().small)
        _suptitle(fig, "历年趋势")
    return fig


__all__ = [
    "use_theme",
    "plain",
    "budget_vs_spending",
    "execution_rates",
    "indicator_completion",
    "score_composition",
    "trends",
    "CHARTS",
    "Chart",
    "ChartDataError",
    "WIDTH",
]
