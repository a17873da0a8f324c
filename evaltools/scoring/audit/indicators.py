"""Indicators whose result needs explaining: far above the target, above a range, without an actual value,
or given full marks though the target was missed."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.schema import ORG
from evaltools.scoring.codes import each_value, factorized, is_false, is_in, is_missing
from evaltools.scoring.indicators import group_codes

from .core import AuditContext, Code, check, concat, findings, lazily, no_findings
from .goals import stated_figures
from .rows import Rows, flagged, on_indicators, taken


def _checked(s: pd.DataFrame) -> np.ndarray:
    """Rows whose result is checked: the scored ones and the 三级 measures of a 二级 item scored as printed (an
    item scored at 二级 keeps every check of its measures, issue 20 item 3; 黄石市图书馆 2022 merges 分值/得分
    over its 三级 rows)."""
    measure = s["is_measure"].to_numpy(dtype=bool) if "is_measure" in s else np.zeros(len(s), dtype=bool)
    return s["scored"].to_numpy(dtype=bool) | measure


def _comparable(s: pd.DataFrame) -> np.ndarray:
    """Rows whose actual is in the unit of their target: not an actual printed with another unit (``actual_unit``)
    than its target's (``target_unit``, else the row's 度量单位) — 蔡甸区 2021 「滅火設備配備率」: target 100%, actual
    1000件; 「監控系統維護率」 100% against 5個: a count is no share of a rate, so neither over- nor
    under-achievement can be told. The units are the ones the form prints, carried by the reader (and derived
    where data is loaded when a data folder gives none)."""
    if "actual_unit" not in s:
        return np.ones(len(s), dtype=bool)
    out = np.ones(len(s), dtype=bool)
    rows = np.flatnonzero(~is_missing(s["actual_unit"]))  # only rows printing an actual's unit can differ
    if not len(rows):
        return out
    printed = s["actual_unit"].to_numpy(dtype=object)[rows]
    own = s["unit"].to_numpy(dtype=object)[rows]
    if "target_unit" in s:
        target = s["target_unit"].to_numpy(dtype=object)[rows]
        own = np.where(pd.notna(target), target, own)
    known = pd.notna(own) & (own != "")
    out[rows] = ~(known & (printed != own))
    return out


def cost_rows(s: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """Which of ``rows`` are 成本 indicators: 一级 or 二级 name containing 成本 (each distinct name read once). A cost
    target is a ceiling: exceeding it is overspending, not a target set too low."""
    return np.asarray(
        each_value(s["level1"].iloc[rows], _is_cost) | each_value(s["level2"].iloc[rows], _is_cost), dtype=bool
    )


def _is_cost(name: object) -> bool:
    return isinstance(name, str) and "成本" in name


@check(
    "overachieved",
    codes=[
        Code(
            "OVERACHIEVED",
            label="大幅超额完成",
            severity="warning",
            measure="对大幅超额完成的指标分析原因，下一年度按实际能力合理调高年度指标值。",
            field="indicator.actual",
        )
    ],
)
def _overachieved(ctx: AuditContext) -> pd.DataFrame:
    """Targets exceeded by the rule set's ratio or more: the target may have been set too low. Not a 成本 indicator
    (:func:`cost_rows`): a cost far over its target is overspending (COST_FAR_OVER_TARGET), one written ≥ is
    COST_TARGET_NOT_UPPER_BOUND — never "目标可能设定偏低"."""
    s, ratio = ctx.indicators, ctx.rules.overachievement_ratio
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero(_checked(s) & (s["completion"] >= ratio).to_numpy() & _comparable(s))
    rows = rows[is_in(s["direction"], [">=", ">", "="])[rows]]
    r = Rows(s, rows[~cost_rows(s, rows)])
    text = lazily(_overachieved_text, r["level3"], r["actual"], r["target"], r["unit"], r["completion"], ratio)
    numeric = on_indicators("OVERACHIEVED", r, text, r["target"], r["actual"])
    return concat([numeric, _stated_overachieved(ctx, numeric)])


def _overachieved_text(names, actual, target, units, completion, ratio) -> list[str]:
    limit = fmt.pct(ratio, 0)
    return [
        f"「{n}」实际 {a}，目标 {t}，完成 {c}（≥ {limit}）：目标可能设定偏低，按财预〔2020〕10号应分析原因并视偏离度适度调减"
        for n, a, t, c in zip(names, fmt.values(actual, units), fmt.values(target, units), fmt.pcts(completion))
    ]


def _stated_overachieved(ctx: AuditContext, numeric: pd.DataFrame) -> pd.DataFrame:
    """The figure a form's 年度总体目标 states for an indicator exceeded by its 实际完成情况's by the ratio or more
    (:func:`.goals.stated_figures`; 南昌 蚕茶卫生院 2021: 业务收入 55万元 → 77.57万元, 141%), unless the indicator's
    own figures raised it already."""
    ratio = ctx.rules.overachievement_ratio
    g = stated_figures(ctx)
    if not len(g):  # most forms state no figure in both texts
        return no_findings()
    with np.errstate(invalid="ignore"):
        g = g[(g["completion"] >= ratio).to_numpy()]
    done = set(zip(numeric["project"], numeric["indicator"]))
    g = g[np.array([(p, n) not in done for p, n in zip(g["project"], g["name"])], dtype=bool)]
    limit = fmt.pct(ratio, 0)
    text = [
        f"「{n}」年度总体目标所述 {fmt.num(t, 6)}{u}，实际完成情况所述 {fmt.num(a, 6)}{u}，完成 {c}（≥ {limit}）："
        "目标可能设定偏低，按财预〔2020〕10号应分析原因并视偏离度适度调减"
        for n, t, a, u, c in zip(g["name"], g["target"], g["actual"], g["unit"], fmt.pcts(g["completion"]))
    ]
    subject = [f"{p} / {n}" for p, n in zip(g["project"], g["name"])]
    return findings(
        "OVERACHIEVED", g[ORG], subject, text, g["target"], g["actual"], project=g["project"], indicator=g["name"]
    )


@check(
    "range_above",
    codes=[
        Code(
            "RANGE_ABOVE",
            label="超出指标区间上限",
            severity="warning",
            measure="区间指标实际值远超上限的，应修订指标区间。",
            field="indicator.actual",
        )
    ],
)
def _range_above(ctx: AuditContext) -> pd.DataFrame:
    """Range indicators above the upper end: full marks, but the deviation needs explaining."""
    s, ratio = ctx.indicators, ctx.rules.overachievement_ratio
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero(_checked(s) & (s["actual"] > s["target_high"]).to_numpy())
    r = Rows(s, rows[s["direction"].to_numpy(dtype=object)[rows] == "range"])
    text = lazily(
        _range_text, r["level3"], r["target"], r["target_high"], r["unit"], r["actual"], r["completion"], ratio
    )
    return on_indicators("RANGE_ABOVE", r, text, r["target_high"], r["actual"])


def _range_text(names, low, high, units, actual, completion, ratio) -> list[str]:
    return [
        f"「{n}」目标区间 {lo}–{hi}{u if isinstance(u, str) else ''}，实际 {a}，为上限的 {c}：得满分，但偏离需说明"
        + ("，目标可能设定偏低" if comp >= ratio else "")
        for n, lo, hi, u, a, c, comp in zip(
            names, fmt.nums(low), fmt.nums(high), units, fmt.values(actual, units), fmt.pcts(completion), completion
        )
    ]


@check(
    "missing_actuals",
    codes=[
        Code(
            "MISSING_ACTUAL",
            label="缺少实际完成值",
            severity="warning",
            measure="对没有实际完成值的指标补充统计数据，无法统计的应在年初设定可衡量的指标。",
            field="indicator.actual",
        )
    ],
)
def _missing_actuals(ctx: AuditContext) -> pd.DataFrame:
    """Indicators without an actual value (or qualitative grade), and how the rule set scores them. A row
    that prints nothing but its name (no target, 分值 or 得分: 黄石市图书馆 2022 「促进黄石文化经济发展」) promised
    nothing to miss: an empty row, not this finding. A 定性 actual printed as words is scored, never missing
    (:func:`~evaltools.scoring.rule_types.qualitative.text_grades`)."""
    s = ctx.indicators
    rows = np.flatnonzero(s["missing"].to_numpy(dtype=bool))  # few rows: their text is read only there
    read = ("target_text", "target", "weight", "panel_score", "unknown", "actual", "actual_text")
    m = taken(s, [c for c in read if c in s], rows)  # the columns read, of those rows only
    stated = each_value(m["target_text"], lambda v: bool(str(v).strip())) if "target_text" in m else False
    printed = m["target"].notna() | stated | m["weight"].notna() | m["panel_score"].notna() | m["unknown"].notna()
    r = Rows(s, rows[printed.fillna(False).to_numpy(dtype=bool) & ~_actual_printed(m)])
    how = " 0 分" if ctx.rules.missing_actual == "zero" else "不适用"
    text = lazily(_missing_text, r["level3"], r["direction"], r["target_text"], r["target"], r["unit"], how)
    return on_indicators("MISSING_ACTUAL", r, text)


def _missing_text(names, directions, texts, targets, units, how) -> list[str]:
    return [
        f"「{n}」没有实际完成值{'或定性等级' if d == 'qualitative' else ''}（目标 {tt if isinstance(tt, str) and tt else t}），按{how}计"
        for n, d, tt, t in zip(names, directions, texts, fmt.values(targets, units))
    ]


def _actual_printed(m: pd.DataFrame) -> np.ndarray:
    """Rows whose actual is printed though the row cannot be scored from it: a number under a target printed
    as not applicable (银川市第六中学 2021 「预算执行率」: target 一, actual 100%), or words that speak of the
    target's own figures — the result told against the target (吕梁山护工培训 2021: target 18—54周岁, actual
    存在18岁以下、54周岁以上). Other words are no actual: a progress statement (大英县 2020 「群众满意度」: target
    90%, 已完成100%), 未统计, 未提供完成情况. An actual printed as not applicable (无, —, /) is no missing value either:
    the form says the measure did not apply (衡山县 2020 「政策性挂账利息补贴保障率」: 无, 没有轮换、动用库存)."""
    number = m["actual"].notna().to_numpy(dtype=bool)
    if "actual_text" not in m or "target_text" not in m:
        return number
    figures = lambda v: set(re.findall(r"\d+(?:\.\d+)?", v)) if isinstance(v, str) else set()  # noqa: E731
    # each distinct (target text, actual text) pair read once (a missing text: no figures)
    targets, actuals = m["target_text"].to_numpy(dtype=object), m["actual_text"].to_numpy(dtype=object)
    (t_codes, _), (a_codes, a_values) = factorized(targets), factorized(actuals)
    key = (t_codes + 1) * (len(a_values) + 1) + (a_codes + 1)
    _, first, pairs = np.unique(key, return_index=True, return_inverse=True)
    told = [bool(t) and t <= figures(a) for t, a in zip(map(figures, targets[first]), actuals[first])]
    # imported here: the forms package reads forms (openpyxl …), which a report's kernel never needs
    from evaltools.data.forms.values import is_not_applicable

    declared = each_value(actuals, is_not_applicable)  # each distinct text once; a missing one: False
    return number | np.asarray(told, dtype=bool)[pairs] | declared


@check(
    "full_marks_below_target",
    codes=[
        Code(
            "FULL_MARKS_BELOW_TARGET",
            label="未达目标却得满分",
            severity="warning",
            measure="未达目标的指标不应给满分，按完成比例计分。",
            field="indicator.panel_score",
        )
    ],
)
def _full_marks_below_target(ctx: AuditContext) -> pd.DataFrame:
    """Indicators that missed their target yet were given full marks."""
    s = ctx.indicators
    missed = is_false(s["met"]) & _comparable(s)  # an object column of True/False/None
    full = (
        s["scored"].to_numpy() & (s["score"] >= s["weight"] - 1e-9).to_numpy() & missed & (s["weight"] > 0).to_numpy()
    )
    r = flagged(s, full)
    text = lazily(_full_marks_text, r["level3"], r["actual"], r["target"], r["unit"], r["score"])
    rows = on_indicators("FULL_MARKS_BELOW_TARGET", r, text, r["weight"], r["score"])
    return concat([rows, _measures_below_target(s, missed)])


def _full_marks_text(names, actual, target, units, scores) -> list[str]:
    return [
        f"「{n}」未达目标（实际 {a}，目标 {t}）却得满分 {sc}"
        for n, a, t, sc in zip(names, fmt.values(actual, units), fmt.values(target, units), fmt.scores(scores))
    ]


def _measures_below_target(s: pd.DataFrame, missed: np.ndarray) -> pd.DataFrame:
    """三级 measures that missed their target under a 二级 item given full marks (issue 20 item 3: the item's
    score is printed once for its measures, so the measure's miss is the item's full marks'). One grouping by
    unit, project, 一级 and 二级."""
    if "is_item" not in s or not s["is_item"].any():
        return concat([])
    item = s["is_item"].to_numpy(dtype=bool)
    codes, _ = group_codes(s, [ORG, "project", "level1", "level2"])
    score, weight = s["score"].to_numpy(dtype=float), s["weight"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        full = item & (score >= weight - 1e-9) & (weight > 0)
    at = np.full(codes.max() + 1, -1)
    at[codes[full]] = np.flatnonzero(full)  # the full-marks item of each group
    r = flagged(s, s["is_measure"].to_numpy(dtype=bool) & missed & (at[codes] >= 0))
    items = at[codes[r.rows]]
    units = r["unit"]
    text = [
        f"「{n}」未达目标（实际 {a}，目标 {t}），其所属「{g}」却得满分 {sc}"
        for n, a, t, g, sc in zip(
            r["level3"],
            fmt.values(r["actual"], units),
            fmt.values(r["target"], units),
            r["level2"],
            fmt.scores(score[items]),
        )
    ]
    return on_indicators("FULL_MARKS_BELOW_TARGET", r, text, weight[items], score[items])
