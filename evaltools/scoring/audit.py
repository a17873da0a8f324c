"""The audit: recompute every published figure and name each difference.

A finding has a stable ``code``, a ``severity`` (error: the report's arithmetic or text is wrong;
warning: needs an explanation; info: checked and consistent within rounding) and a message that
carries the numbers. Checks are a registry keyed by name; each gets an :class:`AuditContext`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaltools import fmt, labels
from evaltools.data.schema import TABLES
from evaltools.fmt import is_missing
from evaltools.registry import Registry
from evaltools.scoring.grading import check_bands, grade

FINDING_COLUMNS = ["code", "severity", "subject", "message", "stated", "computed"]
#: Audit checks by name: ``fn(ctx) -> list of findings``; every one runs, in registration order.
CHECKS: Registry[Callable] = Registry("audit check", "核查项")
#: Statement metrics (statements table, column 陈述类型) → ``fn(ctx, row) -> finding``.
STATEMENT_METRICS: Registry[Callable] = Registry("statement metric", "陈述类型", key="metric")
check = CHECKS.register
statement = STATEMENT_METRICS.register


@dataclass(frozen=True)
class AuditContext:
    data: object
    rules: object
    rates: pd.DataFrame
    indicators: pd.DataFrame
    projects: pd.DataFrame
    total: dict


def finding(
    code: str, severity: str, subject: str, message: str, stated: float | None = None, computed: float | None = None
) -> dict:
    return dict(
        code=code,
        severity=severity,
        subject=subject,
        message=message,
        stated=None if stated is None else float(stated),
        computed=None if computed is None else float(computed),
    )


def run_audit(ctx: AuditContext) -> pd.DataFrame:
    """Run every registered check; findings sorted by severity, then in check order."""
    rows = [f for fn in CHECKS.values() for f in fn(ctx)]
    frame = pd.DataFrame(rows, columns=FINDING_COLUMNS)
    frame["_o"] = frame["severity"].map(labels.SEVERITY_ORDER)
    return frame.sort_values("_o", kind="stable").drop(columns="_o").reset_index(drop=True)


# ----------------------------------------------------------------------------- rates stated in the text


def _tolerance(stated: float) -> float:
    """Half a unit of the last printed digit of a stated percentage, as a fraction."""
    return 0.5 * 10 ** (-fmt.stated_decimals(stated)) / 100


def _precision(stated: float) -> str:
    """How a stated percentage was rounded, in words: 取整, 保留 2 位小数."""
    digits = fmt.stated_decimals(stated)
    return "取整" if digits == 0 else f"保留 {digits} 位小数"


def rate_finding(subject: str, stated: float, formulas: list[tuple[str, float, float, float]]) -> dict:
    """Compare a stated rate with the standard formula (first) and alternatives.

    ``formulas`` are (description, numerator, denominator, value). Within rounding of the
    standard: info RATE_ROUNDED. Reproduced only by an alternative: warning RATE_FORMULA naming it.
    Otherwise: error RATE_MISMATCH with every formula tried.
    """
    tol = _tolerance(stated)
    name, num, den, value = formulas[0]
    if is_missing(value):  # an amount is unknown (unreadable) or zero: nothing to compare with
        return finding(
            "RATE_UNCHECKED",
            "info",
            subject,
            f"「{subject}」所述 {fmt.pct(stated, fmt.stated_decimals(stated))} 无法核对：{name} 所需的数原表无法辨认或为零",
            stated,
            None,
        )
    shown = lambda f: f"{f[0]} = {fmt.num(f[1])}/{fmt.num(f[2])} = {fmt.pct(f[3])}"  # noqa: E731
    if abs(value - stated) <= tol + 1e-12:
        exact = abs(value - stated) < 1e-12
        return finding(
            "RATE_ROUNDED",
            "info",
            subject,
            f"「{subject}」所述 {fmt.pct(stated, fmt.stated_decimals(stated))} 与重算 {shown(formulas[0])} "
            f"{'一致' if exact else f'四舍五入后一致（所述{_precision(stated)}）'}",
            stated,
            value,
        )
    for alt in formulas[1:]:
        if abs(alt[3] - stated) <= tol + 1e-12:
            return finding(
                "RATE_FORMULA",
                "warning",
                subject,
                f"「{subject}」所述 {fmt.pct(stated, fmt.stated_decimals(stated))} 不等于标准公式 {shown(formulas[0])}；"
                f"只有 {shown(alt)} 能得出该数（非标准公式）",
                stated,
                value,
            )
    tried = "；".join(shown(f) for f in formulas)
    return finding(
        "RATE_MISMATCH",
        "error",
        subject,
        f"「{subject}」所述 {fmt.pct(stated, fmt.stated_decimals(stated))} 与重算不符：{tried}",
        stated,
        value,
    )


def _line_formulas(line) -> list[tuple]:
    out = [("支出数/预算数", line.spent, line.budget, line.spent / line.budget if line.budget else np.nan)]
    pay = 0.0 if is_missing(line.prior_year_payables) else line.prior_year_payables
    if pay:
        net = line.spent - pay
        out.append(("(支出数−上年应付未付)/预算数", net, line.budget, net / line.budget))
        out.append(("预算数/(支出数−上年应付未付)", line.budget, net, line.budget / net if net else np.nan))
    out.append(("预算数/支出数", line.budget, line.spent, line.budget / line.spent if line.spent else np.nan))
    return out


def _project_formulas(p) -> list[tuple]:
    return [
        ("全年执行数/全年预算数", p.spent, p.budget, p.spent / p.budget if p.budget else np.nan),
        ("全年预算数/全年执行数", p.budget, p.spent, p.budget / p.spent if p.spent else np.nan),
    ]


@check("stated_rates")
def _stated_rates(ctx):
    out = []
    for line in ctx.data.budget_lines.itertuples():
        if not is_missing(line.stated_rate):
            out.append(rate_finding(line.line, line.stated_rate, _line_formulas(line)))
    for p in ctx.data.projects.itertuples():
        if not is_missing(p.stated_rate):
            out.append(rate_finding(p.project, p.stated_rate, _project_formulas(p)))
    return out


# ----------------------------------------------------------------------------- statements in the text


@statement("project_count")
def _project_count(ctx, row):
    n = len(ctx.data.projects)
    listed = "、".join(ctx.data.projects["project"])
    if n == row.stated:
        return finding(
            "COUNT_OK", "info", row.subject, f"所述项目数 {fmt.num(row.stated)} 与所列项目数一致", row.stated, n
        )
    return finding(
        "COUNT_MISMATCH",
        "error",
        row.subject,
        f"文中称“{row.quote or ''}”（{fmt.num(row.stated)} 个项目），但只列出 {n} 个：{listed}",
        row.stated,
        n,
    )


@statement("indicator_count")
def _indicator_count(ctx, row):
    ind = ctx.data.indicators
    n = int(((ind["project"] == row.subject) if row.subject in set(ind["project"]) else ind["parent"].isna()).sum())
    code, sev = ("COUNT_OK", "info") if n == row.stated else ("COUNT_MISMATCH", "error")
    return finding(code, sev, row.subject, f"所述指标数 {fmt.num(row.stated)}，所列 {n} 个", row.stated, n)


@statement("team_count")
def _team_count(ctx, row):
    n = len(ctx.data.team)
    code, sev = ("COUNT_OK", "info") if n == row.stated else ("COUNT_MISMATCH", "error")
    return finding(code, sev, row.subject, f"所述评价组人数 {fmt.num(row.stated)}，名单 {n} 人", row.stated, n)


def _rate_statement(ctx, row):
    projects = ctx.data.projects.set_index("project")
    lines = ctx.data.budget_lines.set_index("line")
    if row.subject in projects.index:  # a Series row gives attribute access like itertuples
        f = rate_finding(row.subject, row.stated, _project_formulas(projects.loc[row.subject]))
    elif row.subject in lines.index:
        f = rate_finding(row.subject, row.stated, _line_formulas(lines.loc[row.subject]))
    else:
        return finding(
            "STATEMENT_UNCHECKED", "warning", row.subject, f"无法核对：没有名为「{row.subject}」的项目或支出项目"
        )
    where = f"（{row.location}：“{row.quote}”）" if row.quote else ""
    f["message"] += where
    if f["code"] == "RATE_MISMATCH":
        f["code"] = "STATEMENT_MISMATCH"
    return f


STATEMENT_METRICS.add("fund_usage_rate", _rate_statement)
STATEMENT_METRICS.add("execution_rate", _rate_statement)


@statement("total_score")
def _total_score(ctx, row):
    published = ctx.data.profile.published_total
    if published is not None and abs(published - row.stated) > 1e-9:
        return finding(
            "STATEMENT_MISMATCH",
            "error",
            row.subject,
            f"文中两处总分不一致：{fmt.score(row.stated)} 与 {fmt.score(published)}",
            row.stated,
            published,
        )
    return finding(
        "COUNT_OK", "info", row.subject, f"文中总分 {fmt.score(row.stated)} 与公布总分一致", row.stated, published
    )


@statement("evaluated_year")
def _evaluated_year(ctx, row):
    year = ctx.data.profile.year
    if int(row.stated) != year:
        return finding(
            "YEAR_IN_TEXT",
            "warning",
            row.subject,
            f"文中称评价的是 {int(row.stated)} 年（{row.location}：“{row.quote}”），但报告和数据是 {year} 年度",
            row.stated,
            year,
        )
    return finding("COUNT_OK", "info", row.subject, f"文中年度 {year} 与数据一致", row.stated, year)


@check("statements")
def _statements(ctx):
    out = []
    for row in ctx.data.statements.itertuples():
        fn = STATEMENT_METRICS.get(row.metric)
        if fn is None:
            out.append(
                finding(
                    "STATEMENT_UNCHECKED",
                    "warning",
                    row.subject,
                    f"未知的陈述类型「{row.metric}」，无法核对；可用：{', '.join(STATEMENT_METRICS)}",
                )
            )
        else:
            out.append(fn(ctx, row))
    return [f for f in out if f["code"] != "COUNT_OK"]


# ----------------------------------------------------------------------------- totals and parts


@check("sums")
def _sums(ctx):
    out = []
    ind = ctx.data.indicators
    parts = ind[ind["parent"].notna()]
    if len(parts):
        sums = parts.groupby(["project", "parent"], sort=False)["actual"].agg(["sum", "size"])
        totals = ind.set_index(["project", "level3"])["actual"]
        for (project, parent), row in sums.iterrows():
            total = totals.get((project, parent), np.nan)
            if not is_missing(total) and abs(total - row["sum"]) > 1e-6:
                names = "、".join(parts[(parts["project"] == project) & (parts["parent"] == parent)]["level3"])
                out.append(
                    finding(
                        "SUM_MISMATCH",
                        "error",
                        f"{project} / {parent}",
                        f"「{parent}」合计 {fmt.num(total)}，但其分项（{names}）之和为 {fmt.num(row['sum'])}，"
                        f"相差 {fmt.num(total - row['sum'])}",
                        total,
                        row["sum"],
                    )
                )
    prof = ctx.data.profile
    if None not in (prof.assets_net, prof.assets_carryover, prof.assets_fixed):
        parts_sum = prof.assets_carryover + prof.assets_fixed
        if abs(parts_sum - prof.assets_net) > 0.005:
            out.append(
                finding(
                    "SUM_MISMATCH",
                    "error",
                    "资产",
                    f"资产净值 {fmt.wan(prof.assets_net)} 万元 ≠ 结转下年 "
                    f"{fmt.wan(prof.assets_carryover)} + 固定资产 {fmt.wan(prof.assets_fixed)} = "
                    f"{fmt.wan(parts_sum)} 万元",
                    prof.assets_net,
                    parts_sum,
                )
            )
    p = ctx.data.projects
    sources = p[["fiscal_current", "carryover", "other_funds"]]
    has = sources.notna().any(axis=1)
    diff = (sources.fillna(0).sum(axis=1) - p["budget"]).abs() > 0.005
    for idx in p.index[has & diff]:
        out.append(
            finding(
                "SUM_MISMATCH",
                "error",
                p.at[idx, "project"],
                f"资金来源之和 {fmt.wan(sources.loc[idx].fillna(0).sum())} 万元 ≠ 全年预算数 "
                f"{fmt.wan(p.at[idx, 'budget'])} 万元",
                p.at[idx, "budget"],
                sources.loc[idx].fillna(0).sum(),
            )
        )
    return out


@check("spending")
def _spending(ctx):
    out = []
    for frame, key in ((ctx.data.budget_lines, "line"), (ctx.data.projects, "project")):
        over = frame[frame["spent"] > frame["budget"] + 1e-9]
        for row in over.itertuples():
            subject = getattr(row, key)
            pay = getattr(row, "prior_year_payables", np.nan)
            extra = (
                f"；其中上年应付未付 {fmt.wan(pay)} 万元，扣除后 {fmt.wan(row.spent - pay)} 万元"
                if pay == pay and pay
                else ""
            )
            out.append(
                finding(
                    "SPENT_OVER_BUDGET",
                    "warning",
                    subject,
                    f"「{subject}」支出 {fmt.wan(row.spent)} 万元超过预算 {fmt.wan(row.budget)} 万元"
                    f"（{fmt.pct(row.spent / row.budget)}）{extra}",
                    row.budget,
                    row.spent,
                )
            )
    return out


# ----------------------------------------------------------------------------- indicators


def _subject(row: object) -> str:
    return f"{row.project} / {row.level3}"


@check("overachieved")
def _overachieved(ctx: AuditContext) -> list[dict]:
    """Targets exceeded by the rule set's ratio or more: the target may have been set too low."""
    s, ratio = ctx.indicators, ctx.rules.overachievement_ratio
    up = s["direction"].isin([">=", ">", "="]) & s["scored"] & (s["completion"] >= ratio)
    return [
        finding(
            "OVERACHIEVED",
            "warning",
            _subject(row),
            f"「{row.level3}」实际 {fmt.value(row.actual, row.unit)}，目标 {fmt.value(row.target, row.unit)}，"
            f"完成 {fmt.pct(row.completion)}（≥ {fmt.pct(ratio, 0)}）：目标可能设定偏低，"
            f"按财预〔2020〕10号应分析原因并视偏离度适度调减",
            row.target,
            row.actual,
        )
        for row in s[up].itertuples()
    ]


@check("range_above")
def _range_above(ctx: AuditContext) -> list[dict]:
    """Range indicators above the upper end: full marks, but the deviation needs explaining."""
    s, ratio = ctx.indicators, ctx.rules.overachievement_ratio
    above = (s["direction"] == "range") & s["scored"] & (s["actual"] > s["target_high"])
    return [
        finding(
            "RANGE_ABOVE",
            "warning",
            _subject(row),
            f"「{row.level3}」目标区间 {fmt.num(row.target)}–{fmt.num(row.target_high)}{row.unit or ''}，实际 "
            f"{fmt.value(row.actual, row.unit)}，为上限的 {fmt.pct(row.completion)}：得满分，但偏离需说明"
            + ("，目标可能设定偏低" if row.completion >= ratio else ""),
            row.target_high,
            row.actual,
        )
        for row in s[above].itertuples()
    ]


@check("missing_actuals")
def _missing_actuals(ctx: AuditContext) -> list[dict]:
    """Indicators without an actual value (or qualitative grade), and how the rule set scores them."""
    s = ctx.indicators
    return [
        finding(
            "MISSING_ACTUAL",
            "warning",
            _subject(row),
            f"「{row.level3}」没有实际完成值{'或定性等级' if row.direction == 'qualitative' else ''}"
            f"（目标 {row.target_text or fmt.value(row.target, row.unit)}），按"
            f"{' 0 分' if ctx.rules.missing_actual == 'zero' else '不适用'}计",
            None,
            None,
        )
        for row in s[s["missing"]].itertuples()
    ]


@check("full_marks_below_target")
def _full_marks_below_target(ctx: AuditContext) -> list[dict]:
    """Indicators that missed their target yet were given full marks."""
    s = ctx.indicators
    full = s["scored"] & (s["score"] >= s["weight"] - 1e-9) & (s["met"] == False) & (s["weight"] > 0)  # noqa: E712
    return [
        finding(
            "FULL_MARKS_BELOW_TARGET",
            "warning",
            _subject(row),
            f"「{row.level3}」未达目标（实际 {fmt.value(row.actual, row.unit)}，目标 "
            f"{fmt.value(row.target, row.unit)}）却得满分 {fmt.score(row.score)}",
            row.weight,
            row.score,
        )
        for row in s[full].itertuples()
    ]


@check("indicator_score_above_weight")
def _indicator_score_above_weight(ctx: AuditContext) -> list[dict]:
    """Indicator scores (published or panel) above the indicator's weight."""
    s = ctx.indicators
    return [
        finding(
            "SCORE_ABOVE_WEIGHT",
            "error",
            _subject(row),
            f"「{row.level3}」得分 {fmt.score(row.score)} 超过分值 {fmt.score(row.weight)}",
            row.weight,
            row.score,
        )
        for row in s[s["score"] > s["weight"] + 1e-9].itertuples()
    ]


@check("qualitative_bands")
def _qualitative_bands(ctx: AuditContext) -> list[dict]:
    """Panel scores of qualitative indicators outside the band of their grade."""
    s = ctx.indicators
    return [
        finding(
            "QUALITATIVE_OUT_OF_BAND",
            "error",
            _subject(row),
            f"「{row.level3}」定性等级「{row.qualitative_grade}」的得分区间为 {fmt.score(row.band_low)}–"
            f"{fmt.score(row.band_high)} 分，评价得分 {fmt.score(row.panel_score)} 不在其中",
            row.band_high,
            row.panel_score,
        )
        for row in s[s["in_band"] == False].itertuples()  # noqa: E712
    ]


@check("weights")
def _weights(ctx):
    out = []
    p = ctx.projects
    full = p["execution_weight"] + p["indicator_weight"] + p["dropped_weight"]
    for idx in p.index[(full - 100).abs() > 0.01]:
        out.append(
            finding(
                "WEIGHTS_NOT_100",
                "error",
                p.at[idx, "project"],
                f"「{p.at[idx, 'project']}」分值合计 {fmt.score(full[idx])}，应为 100",
                100,
                full[idx],
            )
        )
    out += _framework_weights(ctx)
    over = p[p["execution_score"] > p["execution_weight"] + 1e-9]
    for row in over.itertuples():
        out.append(
            finding(
                "SCORE_ABOVE_WEIGHT",
                "error",
                row.project,
                f"「{row.project}」预算执行率得分 {fmt.score(row.execution_score)} 超过分值 "
                f"{fmt.score(row.execution_weight)}（执行率 {fmt.pct(row.execution_rate)} 未封顶）",
                row.execution_weight,
                row.execution_score,
            )
        )
    over_p = p[p["score"] > 100 + 1e-9]
    for row in over_p.itertuples():
        out.append(
            finding(
                "SCORE_ABOVE_WEIGHT",
                "error",
                row.project,
                f"「{row.project}」得分 {fmt.score(row.score)} 超过满分 100",
                100,
                row.score,
            )
        )
    return out


# ----------------------------------------------------------------------------- scores and grades


def _framework_weights(ctx: AuditContext) -> list[dict]:
    """Category (一级指标) weights of each form against its framework's weights, where the framework sets them."""
    s = ctx.indicators[ctx.indicators["parent"].isna() & ~ctx.indicators["is_measure"]]
    by_cat = s.groupby(["project", "level1"], sort=False)["weight"].sum(min_count=1)
    out = []
    for (project, level1), weight in by_cat.items():
        expected = next((f["weights"][level1] for f in ctx.rules.frameworks.values() if level1 in f["weights"]), None)
        if expected is not None and not is_missing(weight) and abs(weight - expected) > 0.01:
            out.append(
                finding(
                    "CATEGORY_WEIGHTS",
                    "info",
                    project,
                    f"「{project}」{level1}分值 {fmt.score(weight)}，与规则默认 {fmt.score(expected)} 不同",
                    expected,
                    weight,
                )
            )
    return out


@check("unknown_figures")
def _unknown_figures(ctx: AuditContext) -> list[dict]:
    """Figures the source prints but that cannot be read, and the recomputed totals that depend on them."""
    s = ctx.indicators
    rows = s[s["unknown"].notna()]
    out = [
        finding(
            "UNKNOWN_FIGURE",
            "warning",
            f"{row.project} / {row.level3 or row.level2}",
            f"「{row.level3 or row.level2}」的{'、'.join(_TITLES.get(c, c) for c in row.unknown.split(','))}原表无法辨认，"
            + ("依赖它的重算得分无法计算" if row.unknown_score else "不影响重算得分"),
        )
        for row in rows.itertuples()
    ]
    for row in ctx.projects[ctx.projects["computed_score"].isna()].itertuples():
        out.append(
            finding(
                "TOTAL_UNKNOWN",
                "warning",
                row.project,
                f"「{row.project}」的重算总分无法计算：{int(row.unknown_scores)} 项指标得分"
                + ("及预算执行率得分" if is_missing(row.execution_score) else "")
                + "依赖原表无法辨认的数（不计为 0 分，也不折算）",
            )
        )
    if ctx.data.profile.published_total is not None and is_missing(ctx.data.profile.published_total):
        out.append(finding("TOTAL_UNKNOWN", "warning", "公布总分", "原表印出的总分无法辨认，未作比较"))
    return out


#: Column titles for messages about figures (from the schema's declarations).
_TITLES = {f.name: f.title for t in TABLES.values() for f in t.fields}


@check("scores")
def _scores(ctx: AuditContext) -> list[dict]:
    """Published project scores against the recomputed ones, and published grades against the bands."""
    out = []
    p = ctx.projects
    differs = p["published_score"].notna() & (p["difference"].abs() > 0.005)
    for row in p[differs].itertuples():
        out.append(
            finding(
                "SCORE_DIFFERS",
                "warning",
                row.project,
                f"「{row.project}」公布得分 {fmt.score(row.published_score)}，按数据重算 {fmt.score(row.computed_score)}"
                f"（预算执行率 {fmt.score(row.execution_score)} + 指标 {fmt.score(row.indicator_score)}），"
                f"相差 {fmt.score(row.difference)}",
                row.published_score,
                row.computed_score,
            )
        )
    pub = p[p["published_grade"].notna() & p["published_score"].notna()]
    expected = grade(pub["published_score"], ctx.rules.grade_bands)
    for row, exp in zip(pub.itertuples(), expected):
        if exp != row.published_grade:
            out.append(
                finding(
                    "GRADE_MISMATCH",
                    "error",
                    row.project,
                    f"「{row.project}」公布 {fmt.score(row.published_score)} 分、等级「{row.published_grade}」，"
                    f"按等级表应为「{exp}」",
                    row.published_score,
                    None,
                )
            )
    return out


@check("total_score")
def _total_score(ctx: AuditContext) -> list[dict]:
    """The published department total against the recomputed one (the mean of project totals), and its
    grade against the bands. Reports that are one form are checked as that form (``scores``)."""
    out = []
    if ctx.data.kind != "department_projects":
        return out
    t = ctx.total
    prof = ctx.data.profile
    if t["published"] is not None and not is_missing(t["published"]):
        mean_pub = ctx.projects["published_score"].dropna()
        note = ""
        if len(mean_pub) == len(ctx.projects) and len(mean_pub):
            simple = mean_pub.mean()
            weighted = t["assessed_weighted"]
            note = f"；各项目公布得分的简单平均 {fmt.score(simple)}、按预算加权平均 {fmt.score(weighted)}"
        sev = "info" if abs(t["published"] - t["computed_score"]) < 1.0 else "warning"
        out.append(
            finding(
                "TOTAL_DIFFERS" if sev == "warning" else "TOTAL_CHECKED",
                sev,
                "部门整体",
                f"公布总分 {fmt.score(t['published'])}；按数据重算的项目得分简单平均 {fmt.score(t['computed_simple'])}、"
                f"按预算加权平均 {fmt.score(t['computed_weighted'])}{note}",
                t["published"],
                t["computed_score"],
            )
        )
        if prof.published_grade and t["grade"] != prof.published_grade:
            out.append(
                finding(
                    "GRADE_MISMATCH",
                    "error",
                    "部门整体",
                    f"公布总分 {fmt.score(t['published'])}、等级「{prof.published_grade}」，按等级表应为「{t['grade']}」",
                    t["published"],
                    None,
                )
            )
    return out


@check("execution_low")
def _execution_low(ctx: AuditContext) -> list[dict]:
    """预算执行率 below the rule set's alert level (``audit.execution_alert``, default 90%): the form
    should state why (common practice: a low rate needs an explanation)."""
    alert = float(ctx.rules.audit.get("execution_alert", 0.9))
    p = ctx.projects
    low = p[p["execution_rate"] < alert]
    return [
        finding(
            "EXECUTION_LOW",
            "warning",
            row.project,
            f"「{row.project}」预算执行率 {fmt.pct(row.execution_rate)}，低于 {fmt.pct(alert, 0)}，应说明原因",
            alert,
            row.execution_rate,
        )
        for row in low.itertuples()
    ]


def _printed_tolerance(printed: float) -> float:
    """Half a unit of the last decimal a score was printed with (9.5 → 0.05, 8.62 → 0.005), at most 2 decimals."""
    digits = next((d for d in range(3) if abs(round(printed, d) - printed) < 1e-9), 2)
    return 0.5 * 10**-digits + 1e-9


@check("printed_execution_score")
def _printed_execution_score(ctx: AuditContext) -> list[dict]:
    """A printed 预算执行率得分 (the funds row's 得分) that the rate × its weight does not give."""
    p = ctx.projects
    if "published_execution_score" not in p:
        return []
    printed, computed = p["published_execution_score"], p["execution_score"]
    known = printed.notna() & computed.notna()
    tol = printed.where(known, 0.0).map(_printed_tolerance)
    off = known & ((printed - computed).abs() > tol)
    return [
        finding(
            "EXECUTION_SCORE_DIFFERS",
            "error",
            row.project,
            f"「{row.project}」预算执行率得分印为 {fmt.score(row.published_execution_score)}，按执行率 "
            f"{fmt.pct(row.execution_rate)} × 分值 {fmt.score(row.execution_weight)} 应为 {fmt.score(row.execution_score)}",
            row.published_execution_score,
            row.execution_score,
        )
        for row in p[off].itertuples()
    ]


@check("printed_rates")
def _printed_rates(ctx: AuditContext) -> list[dict]:
    """A printed 完成率 that actual ÷ target does not give, and a printed 得分系数 that 得分 ÷ 分值 does not."""
    s = ctx.indicators
    out = []
    tol = s["stated_completion"].map(lambda v: _tolerance(v) if not is_missing(v) else 0.0)
    off = (
        s["stated_completion"].notna()
        & s["completion"].notna()
        & ((s["completion"] - s["stated_completion"]).abs() > tol + 1e-9)
    )
    for row in s[off].itertuples():
        out.append(
            finding(
                "COMPLETION_MISMATCH",
                "error",
                _subject(row),
                f"「{row.level3}」印出完成率 {fmt.pct(row.stated_completion)}，按实际 ÷ 目标为 "
                f"{fmt.pct(row.completion)}",
                row.stated_completion,
                row.completion,
            )
        )
    with np.errstate(divide="ignore", invalid="ignore"):
        printed = s["panel_score"] / s["weight"]
    off = s["score_coefficient"].notna() & printed.notna() & ((printed - s["score_coefficient"]).abs() > 0.005)
    for row, share in zip(s[off].itertuples(), printed[off]):
        out.append(
            finding(
                "COEFFICIENT_MISMATCH",
                "error",
                _subject(row),
                f"「{row.level3}」印出得分系数 {fmt.pct(row.score_coefficient)}，得分 ÷ 分值 = "
                f"{fmt.score(row.panel_score)} ÷ {fmt.score(row.weight)} = {fmt.pct(share)}",
                row.score_coefficient,
                share,
            )
        )
    return out


@check("cost_contradicts_spending")
def _cost_contradicts_spending(ctx: AuditContext) -> list[dict]:
    """A cost indicator (成本指标) in 万元 reporting 0 while its form spent money."""
    s = ctx.indicators
    spent = s["project"].map(dict(zip(ctx.projects["project"], ctx.projects["spent"])))
    cost = s["level2"].fillna("").str.contains("成本") & (s["unit"] == "万元") & (s["actual"] == 0) & (spent > 0)
    return [
        finding(
            "COST_CONTRADICTS",
            "error",
            _subject(row),
            f"「{row.level3}」实际完成值 0 万元，但「{row.project}」全年执行数 {fmt.wan(sp)} 万元",
            0.0,
            sp,
        )
        for row, sp in zip(s[cost].itertuples(), spent[cost])
    ]


@check("target_below_previous")
def _target_below_previous(ctx: AuditContext) -> list[dict]:
    """A target (≥) set below last year's actual for the same indicator, when last year is loaded."""
    prev = getattr(ctx.data, "previous", None)
    if prev is None or not ctx.rules.audit.get("previous_target", True) or prev.indicators.empty:
        return []
    keys = ["project", "level3"]
    last = prev.indicators[keys + ["actual"]].rename(columns={"actual": "previous_actual"}).dropna()
    s = ctx.indicators.merge(last.drop_duplicates(keys), how="inner", on=keys)
    low = s["direction"].isin([">=", ">"]) & (s["target"] < s["previous_actual"])
    return [
        finding(
            "TARGET_BELOW_PREVIOUS",
            "warning",
            _subject(row),
            f"「{row.level3}」年度指标值 {fmt.value(row.target, row.unit)} 低于上年实际 "
            f"{fmt.value(row.previous_actual, row.unit)}：目标可能设定偏低",
            row.previous_actual,
            row.target,
        )
        for row in s[low].itertuples()
    ]


@check("grade_bands")
def _grade_bands(ctx):
    bands = ctx.data.grade_bands
    if bands.empty:
        return []
    code = {
        "gap": "GRADE_BANDS_GAP",
        "overlap": "GRADE_BANDS_OVERLAP",
        "order": "GRADE_BANDS_ORDER",
        "empty": "GRADE_BANDS_GAP",
    }
    return [
        finding(code[i.kind], "error", "公布的等级表", f"报告所列等级表：{i.zh}", i.low, i.high)
        for i in check_bands(bands)
    ]
