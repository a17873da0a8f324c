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
from matplotlib.ticker import FixedLocator, FuncFormatter, NullFormatter, NullLocator

from evaltools import fmt
from evaltools.errors import ChartDataError
from evaltools.registry import Registry
from evaltools.report.fonts import register_cjk_font

if TYPE_CHECKING:
    from evaltools.scoring.evaluation import Evaluation

#: Width of every figure in inches: fits an A4 page with margins.
WIDTH = 7.5
_LABEL_SIZE = 8


@dataclass(frozen=True)
class Chart:
    """A registered chart: ``fn`` draws it from the evaluation (or, ``uses="history"``, the years' totals)."""

    name: str
    fn: Callable[..., Figure]
    caption: str
    uses: str = "evaluation"


#: The report's charts by name, in report order; ``evaltools.report.chart(ctx, name)`` draws one.
CHARTS: Registry[Chart] = Registry("chart", "图表", key="chart")


def chart(
    name: str, caption: str, uses: str = "evaluation"
) -> Callable[[Callable[..., Figure]], Callable[..., Figure]]:
    """Register the decorated function as chart ``name`` with its Chinese caption."""

    def register(fn: Callable[..., Figure]) -> Callable[..., Figure]:
        CHARTS.add(name, Chart(name, fn, caption, uses))
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
    with mpl.rc_context():
        use_theme()
        sns.set_context("paper")  # sizes for a 7.5 in wide figure on an A4 page
        yield


def plain(text: object) -> str:
    """Data text drawn literally: ``$`` escaped so that matplotlib does not start mathtext."""
    return str(text).replace("$", r"\$")


def _short(text, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _names(frame: pd.DataFrame) -> pd.Series:
    """Display name of each project row: ``project``, or ``unit / project`` in multi-unit tables."""
    names = frame["project"].astype(str)
    if "unit" in frame.columns:
        names = frame["unit"].astype(str) + " / " + names
    return names


def _title(ev, what: str) -> str:
    return plain(f"{ev.unit} {ev.year} 年{what}")


def _figure(height: float, **kwargs) -> Figure:
    return Figure(figsize=(WIDTH, height), layout="constrained", **kwargs)


def _label_bars(ax, bars, labels, **kwargs) -> None:
    """Value labels at the bar ends, on a light box so that a reference line behind stays readable."""
    ax.bar_label(
        bars,
        labels=list(labels),
        padding=3,
        fontsize=_LABEL_SIZE,
        zorder=5,
        bbox=dict(facecolor="white", edgecolor="none", pad=0.6),
        **kwargs,
    )


def _reference(ax, x: float) -> None:
    """The 100% line, behind the bars: visible between them, never through a bar or its label."""
    ax.axvline(x, color="0.15", linewidth=1.3, linestyle="--", zorder=0.5)


def _legend(fig, handles) -> None:
    fig.legend(
        handles=handles, loc="outside lower center", ncol=min(len(handles), 5), fontsize=_LABEL_SIZE, frameon=False
    )


# --------------------------------------------------------------------------- 1. budget vs spending


@chart("budget_vs_spending", "图 1　预算数与支出数（万元）")
def budget_vs_spending(ev: Evaluation) -> Figure:
    """Grouped horizontal bars of 预算数 and 支出数 (万元) for every budget line (基本支出) and every
    project (项目支出), each group in its own panel with its own scale, values at the bar ends."""
    lines = ev.data.budget_lines
    groups = []
    if len(lines):
        groups.append(("基本支出", lines["line"].astype(str), lines["budget"], lines["spent"]))
    if len(ev.projects):
        groups.append(("项目支出", _names(ev.projects), ev.projects["budget"], ev.projects["spent"]))
    with _themed():
        if not groups:
            return _note("没有预算数据")
        counts = [len(g[1]) for g in groups]
        fig = _figure(0.9 + 0.55 * sum(counts) + 0.45 * len(groups))
        axes = fig.subplots(len(groups), 1, squeeze=False, gridspec_kw={"height_ratios": counts})[:, 0]
        colors = sns.color_palette()
        height = 0.38
        for ax, (group, names, budget, spent) in zip(axes, groups):
            y = np.arange(len(names))
            budget = pd.to_numeric(budget, errors="coerce").to_numpy(dtype=float)
            spent = pd.to_numeric(spent, errors="coerce").to_numpy(dtype=float)
            b = ax.barh(y - height / 2, np.nan_to_num(budget), height, color=colors[0], label="预算数")
            s = ax.barh(y + height / 2, np.nan_to_num(spent), height, color=colors[1], label="支出数")
            _label_bars(ax, b, map(fmt.wan, budget))
            _label_bars(ax, s, map(fmt.wan, spent))
            ax.set_yticks(y, [plain(_short(n, 16)) for n in names])
            ax.invert_yaxis()
            top = np.nanmax(np.concatenate([budget, spent, [0.0]]))
            ax.set_xlim(0, top * 1.18 if top > 0 else 1)
            ax.set_title(group, loc="left", fontsize=10)
            ax.set_xlabel("万元")
            ax.grid(axis="y", visible=False)
        _legend(fig, [Patch(color=colors[0], label="预算数"), Patch(color=colors[1], label="支出数")])
        fig.suptitle(_title(ev, "预算数与支出数（万元）"), fontsize=12)
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


@chart("execution_rates", "图 2　预算执行率（参考线 100%）")
def execution_rates(ev: Evaluation) -> Figure:
    """Horizontal bars of the execution rate (预算执行率 of each budget line, also net of 上年应付未付
    where given, and 资金使用率 of each project) in percent, with a reference line at 100%."""
    table = _execution_table(ev)
    with _themed():
        if table.empty:
            return _note("没有预算执行数据")
        fig = _figure(1.1 + 0.42 * len(table))
        ax = fig.subplots()
        colors = dict(zip(["基本支出", "项目支出"], sns.color_palette()[:2]))
        y = np.arange(len(table))
        percent = table["rate"].to_numpy(dtype=float) * 100
        bars = ax.barh(y, np.nan_to_num(percent), 0.6, color=[colors[g] for g in table["group"]])
        _label_bars(ax, bars, map(fmt.pct, table["rate"]))
        _reference(ax, 100)
        ax.set_yticks(y, [plain(_short(n, 22)) for n in table["name"]])
        ax.invert_yaxis()
        top = np.nanmax(np.append(percent, 100.0))
        ax.set_xlim(0, top * 1.16)
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x:g}%"))
        ax.set_xlabel("执行率（支出数 / 预算数）")
        ax.grid(axis="y", visible=False)
        _legend(
            fig,
            [Patch(color=c, label=g) for g, c in colors.items() if g in set(table["group"])]
            + [Line2D([], [], color="0.2", linewidth=1, linestyle="--", label="100%")],
        )
        fig.suptitle(_title(ev, "预算执行率"), fontsize=12)
    return fig


# --------------------------------------------------------------------------- 3. indicator completion


def _completion_ticks(lo: float, hi: float) -> list[float]:
    ticks = []
    steps = (1, 2, 5) if np.log10(hi / lo) <= 2.2 else (1, 3)
    for e in range(int(np.floor(np.log10(lo))), int(np.ceil(np.log10(hi))) + 1):
        ticks += [m * 10.0**e for m in steps]
    return [t for t in ticks if lo <= t <= hi]


@chart("indicator_completion", "图 3　指标完成率（实际/目标，对数坐标）")
def indicator_completion(ev: Evaluation) -> Figure:
    """Completion (实际值 / 目标值) of the scored quantitative indicators on a log axis, so that 1,427%
    reads next to 83%; reference line at 100%; bars colored by whether the indicator was met
    (a 反向 indicator below 100% is met). The 三级 measures of an item scored at 二级 are drawn too: each has
    its own target and actual though only the item is scored (issue 20 item 3)."""
    ind = ev.indicators
    measure = ind["is_measure"].astype(bool) if "is_measure" in ind else False
    rows = ind[ind["completion"].notna() & (ind["scored"].astype(bool) | measure)].copy()
    with _themed():
        if rows.empty:
            return _note("没有可计算完成率的定量指标")
        names = rows["project"].astype(str) + " / " + rows["level3"].astype(str)
        completion = rows["completion"].to_numpy(dtype=float)
        positive = completion[completion > 0]
        lo = 10.0 ** np.floor(np.log10(min(positive.min() if len(positive) else 1.0, 1.0) * 0.8))
        hi = max(completion.max(), 1.0)
        met = rows["met"].map({True: "达标", False: "未达标"}).fillna("未判定")
        palette = sns.color_palette()
        colors = {"达标": palette[2], "未达标": palette[3], "未判定": "0.6"}

        fig = _figure(1.2 + 0.36 * len(rows))
        ax = fig.subplots()
        ax.set_xscale("log")
        y = np.arange(len(rows))
        # a completion of 0% (nothing done, or a reverse indicator at 0) still shows: a short stub at the
        # axis start, colored by whether it met its target, labelled 0.00%
        ends = np.where(completion <= lo, lo * 1.6, completion)
        bars = ax.barh(y, ends - lo, 0.6, left=lo, color=[colors[m] for m in met])
        _label_bars(ax, bars, map(fmt.pct, completion))
        _reference(ax, 1.0)
        ax.set_xlim(lo, hi * 4)
        ticks = _completion_ticks(lo, hi * 4)
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(FuncFormatter(lambda x, _: f"{x * 100:,.0f}%"))
        ax.xaxis.set_minor_locator(NullLocator())
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_yticks(y, [plain(_short(n, 24)) for n in names])
        ax.invert_yaxis()
        ax.set_xlabel("完成率（实际值 / 目标值，对数刻度）")
        ax.grid(axis="y", visible=False)
        _legend(
            fig,
            [Patch(color=colors[k], label=k) for k in colors if k in set(met)]
            + [Line2D([], [], color="0.2", linewidth=1, linestyle="--", label="100%（目标值）")],
        )
        fig.suptitle(_title(ev, "定量指标完成率"), fontsize=12)
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
            fontsize=7,
            zorder=3,
        )
        handles.append(Patch(color=palette[i % len(palette)], label=label))
        left += values
    return left, handles


@chart("score_composition", "图 4　项目得分构成（按一级指标）")
def score_composition(ev: Evaluation) -> Figure:
    """Stacked horizontal bars per project of the recomputed score by 一级指标 (预算执行率, 产出指标,
    效益指标, 满意度指标), the project's total at the bar end, and its full marks (Σ weights) as a
    light bar behind; a published score that differs is noted at the right."""
    with _themed():
        if ev.composition.empty or _forms(ev).empty:
            return _note("没有得分数据")
        c = _composition_tables(ev)
        fig = _figure(1.3 + 0.5 * len(c.order))
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
                fontsize=9,
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
                        fontsize=_LABEL_SIZE,
                        color="0.35",
                        zorder=4,
                    )
        handles.append(Patch(facecolor="0.9", edgecolor="0.8", label="满分（权重）"))
        ax.set_xlim(0, right * 1.16)
        ax.set_yticks(y, [plain(_short(n, 16)) for n in c.order])
        ax.invert_yaxis()
        ax.set_xlabel("得分（重算）")
        ax.grid(axis="y", visible=False)
        _legend(fig, handles)
        fig.suptitle(_title(ev, "项目得分构成"), fontsize=12)
    return fig


# --------------------------------------------------------------------------- 5. trends


def _note(text: str) -> Figure:
    fig = _figure(1.6)
    ax = fig.subplots()
    ax.set_axis_off()
    ax.text(0.5, 0.5, plain(text), ha="center", va="center", fontsize=12, color="0.3", transform=ax.transAxes)
    return fig


@chart("trends", "图 5　历年支出、执行率与总分", uses="history")
def trends(history: pd.DataFrame) -> Figure:
    """Three small panels against the year: 支出 (万元), 预算执行率 (%) and 总分.

    ``history`` has columns ``year``, ``spent`` (total, 万元), ``execution_rate`` (a fraction) and
    ``score``, one row per year. With fewer than two years the figure holds only a note.
    """
    need = ["year", "spent", "execution_rate", "score"]
    missing = [c for c in need if c not in history.columns]
    if missing:
        raise ChartDataError(f"trends(): history lacks column(s) {missing}; expected columns {need}")
    h = history[need].dropna(subset=["year"]).copy()
    h["year"] = h["year"].astype(int)
    h = h.drop_duplicates("year", keep="last").sort_values("year")
    with _themed():
        if len(h) < 2:
            return _note("仅有一年数据，无法显示趋势")
        fig = _figure(2.6)
        axes = fig.subplots(1, 3)
        panels = [
            ("spent", "支出（万元）", 1.0, fmt.wan),
            ("execution_rate", "预算执行率（%）", 100.0, lambda v: fmt.pct(v / 100)),
            ("score", "总分", 1.0, fmt.score),
        ]
        years = h["year"].to_numpy()
        for i, (ax, (col, title, scale, label)) in enumerate(zip(axes, panels)):
            values = pd.to_numeric(h[col], errors="coerce").to_numpy(dtype=float) * scale
            sns.lineplot(x=years, y=values, marker="o", ax=ax, color=sns.color_palette()[i])
            for x, v in zip(years, values):
                if np.isfinite(v):
                    ax.annotate(
                        label(v),
                        (x, v),
                        textcoords="offset points",
                        xytext=(0, 7),
                        ha="center",
                        fontsize=7,
                        zorder=5,
                        bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=0.4),
                    )
            ax.set_title(title, fontsize=10)
            ax.set_xticks(years, [str(x) for x in years])
            ax.set_xlim(years.min() - 0.5, years.max() + 0.5)
            ax.margins(y=0.25)
            ax.set_xlabel("")
            ax.tick_params(labelsize=_LABEL_SIZE)
        fig.suptitle("历年趋势", fontsize=12)
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
