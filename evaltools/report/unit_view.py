"""The unit's own voice: the sentences of the 自评报告 as the unit submits it (issue 24 item 1).

Every figure is the one this tool computes from the unit's data under its rule set, stated as the unit
states its own: no published-vs-recomputed comparison, no finding text (those belong to the 复核意见 and the
核查清单). A figure that cannot be known is said in words — "预算数未填报，执行率无法计算" — never a dash or a
status word where a number belongs (issue 24 item 4).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from types import SimpleNamespace

from evaltools import fmt
from evaltools.scoring.completeness import unknown_text
from evaltools.scoring.evaluation import Evaluation

#: What a report says of a figure the data does not give.
NOT_GIVEN = "未填报"
#: What a report says of a figure that depends on one it does not have.
CANNOT = "无法计算"
#: Written where the data gives no text for a section or a column the unit fills in.
NO_TEXT = "（未填报）"
#: The 偏差原因 of an indicator whose row in the data has none.
NO_DEVIATION = "未说明"
#: The 落款 date left for the unit to fill in when the data gives none.
BLANK_DATE = "年　月　日"


def money(label: str, value: object) -> str:
    """``label`` and an amount in 万元 ("预算数 616.16 万元"), or that it was not given ("预算数未填报")."""
    return f"{label} {fmt.wan(value)} 万元" if not fmt.is_missing(value) else f"{label}{NOT_GIVEN}"


def rate(label: str, value: object) -> str:
    """``label`` and a rate ("执行率 96.67%"), or that it cannot be computed ("执行率无法计算")."""
    return f"{label} {fmt.pct(value)}" if not fmt.is_missing(value) else f"{label}{CANNOT}"


def points(label: str, value: object, unknown: str) -> str:
    """``label`` and a score ("绩效指标得 75 分"), or ``unknown`` when it cannot be computed."""
    return f"{label} {fmt.score(value)} 分" if not fmt.is_missing(value) else unknown


def line_sentences(ev: Evaluation, rate_of: Callable) -> list[str]:
    """一（二）: one sentence per budget line — budget, spending, execution rate = 支出数 ÷ 预算数 — and, where the
    data gives payments of earlier years' payables (上年应付未付), the rate net of them, as the unit explains it."""
    out = []
    for ln in ev.data.budget_lines.itertuples():
        text = "，".join(
            [
                money(f"{ln.line}：预算数", ln.budget),
                money("支出数", ln.spent),
                rate("执行率", rate_of("line_execution", ln.line)),
            ]
        )
        if fmt.known(ln.prior_year_payables) is not None:
            text += f"；支出数中含支付以前年度应付未付款项约 {fmt.wan(ln.prior_year_payables)} 万元，" + rate(
                "扣除该款项后执行率", rate_of("line_execution_net", ln.line)
            )
        out.append(text + "。")
    return out


def project_sentence(year: int, we: str, projects: list) -> str:
    """一（二）: the projects of a department report, each with budget, spending and execution rate."""
    parts = [
        f"“{p.name}”"
        + "，".join([money("预算数", p.budget), money("支出数", p.spent), rate("执行率", p.execution_rate)])
        for p in projects
    ]
    return f"{year} 年{we}共安排 {len(projects)} 个项目：" + "；".join(parts) + "。"


def _sum(values: list) -> float | None:
    """Σ of amounts as printed: None when any is unknown (a sum of the known parts would mislead)."""
    return None if not values or any(v is None for v in values) else float(sum(values))


def totals_sentence(table: list) -> str | None:
    """一（二）: 全年预算数合计 and 支出合计 (Σ of the budget table's rows), split into 基本支出 and 项目支出 when
    the table has both; a sum with an unknown part is said to be unknown, and which part is. None without a
    budget table."""
    rows = [r for r in table if not r.total]
    if not rows:
        return None
    groups = {
        "基本支出": [r for r in rows if r.kind != "项目支出"],
        "项目支出": [r for r in rows if r.kind == "项目支出"],
    }
    groups = {name: members for name, members in groups.items() if members}

    def clause(column: str, label: str, head: str) -> str:
        total = _sum([getattr(r, column) for r in rows])
        parts = [
            money(name, value) if value is not None else f"{name}中有未填报的{label}"
            for name, value in ((n, _sum([getattr(r, column) for r in m])) for n, m in groups.items())
        ]
        split = f"（{'、'.join(parts)}）" if len(groups) > 1 else ""
        if total is None:
            return f"{head}无法计算{split or f'（有未填报的{label}）'}"
        return money(head, total) + split

    return clause("budget", "预算数", "全年预算数合计") + "，" + clause("spent", "支出数", "支出合计") + "。"


def income_sentence(ev: Evaluation) -> str | None:
    """一（二）: the income the data lists (income_sources). Sources with an amount are named with it; sources of
    0 are summarised in one clause (never a list of zeros); a source without an amount is said to be 未填报.
    收入合计 is the 合计 row where the data has one, else the sum when every source is known and a 财政拨款
    source is among them; otherwise the sentence says the total is not given. None without income data."""
    src = ev.data.income_sources
    if src.empty:
        return None
    is_total = src["source"].astype(str).str.contains("合计")
    parts = src[~is_total]
    named = [money(s, a) for s, a in zip(parts["source"], parts["amount"]) if not fmt.is_missing(a) and a != 0]
    zero = [s for s, a in zip(parts["source"], parts["amount"]) if not fmt.is_missing(a) and a == 0]
    unknown = [s for s, a in zip(parts["source"], parts["amount"]) if fmt.is_missing(a)]
    if is_total.any():
        total = src.loc[is_total, "amount"].iloc[0]
    elif not unknown and parts["source"].astype(str).str.contains("财政拨款").any():
        total = parts["amount"].sum()
    else:
        total = None
    clauses = [money("收入合计", total) if total is not None else "收入合计未填报"]
    if not parts["source"].astype(str).str.contains("财政拨款").any():
        clauses.append("财政拨款收入未单独列示")
    clauses += named
    if zero:
        clauses.append(f"{'、'.join(zero)}{'均' if len(zero) > 1 else ''}为零")
    if unknown:
        clauses.append(f"{'、'.join(unknown)}{NOT_GIVEN}")
    return "收入情况：" + "；".join(clauses) + "。"


def form_sentence(p: object) -> str:
    """How one form scored, in the unit's words: its 自评得分 and grade — the form's score as every output gives
    it (``score``: the unit's own where its data states one, else computed from its rows) — preceded by the
    execution rate and, where they make up that score, the execution and indicator scores; an unknown part is
    said to be unknown (with the reason the data declares)."""
    reason = getattr(p, "incomplete", None)
    if fmt.is_missing(p.score):
        total = f"自评得分{unknown_text(reason) if isinstance(reason, str) else CANNOT}"
    else:
        total = f"自评得分 {fmt.score(p.score)} 分" + (f"，评价等级为{p.grade}" if p.grade else "")
    execution = rate("预算执行率", p.execution_rate)
    parts = (
        not fmt.is_missing(p.score) and not fmt.is_missing(p.computed_score) and abs(p.score - p.computed_score) < 5e-3
    )
    if parts or fmt.is_missing(p.score):
        execution += "，" + points("得", p.execution_score, "该项得分无法计算")
        return "；".join([execution, points("绩效指标得", p.indicator_score, "绩效指标得分无法计算"), total]) + "。"
    return f"{execution}；{total}。"


def conclusion(ev: Evaluation, we: str) -> SimpleNamespace:
    """四: the unit's total and grade in one sentence — the total every output gives (``Total.score``: the
    unit's own where its data states one, else computed) — or that it cannot be computed, with the reason; and,
    for a total computed from several projects, how it is formed."""
    t = ev.total
    subject = f"{we} {ev.year} 年度{ev.report_kind.subject}支出绩效自评"
    if fmt.is_missing(t.score):
        why = f"（{t.unknown_reason}）" if t.unknown_reason else "（部分得分未填报或无法辨认）"
        sentence = f"{subject}总得分无法计算{why}，评价等级无法评定。"
    else:
        sentence = f"经评分，{subject}总得分 {fmt.score(t.score)} 分" + (
            f"，评价等级为{t.grade}。" if t.grade else "。"
        )
    means = (
        f"总得分取各项目自评得分的{'简单平均' if t.method == 'simple' else '按预算加权平均'}。"
        if ev.report_kind.totals == "projects_mean" and t.published is None
        else ""
    )
    return SimpleNamespace(sentence=sentence, means=means)


def score_cell(t: object) -> SimpleNamespace:
    """The title block's 自评得分 and 评价等级: the total every output gives, or 无法计算 with its reason."""
    from evaltools.scoring.completeness import grade_shown

    if fmt.is_missing(t.score):
        return SimpleNamespace(score=unknown_text(t.unknown_reason), grade=grade_shown(t.grade, t.unknown_reason))
    return SimpleNamespace(score=f"{fmt.score(t.score)} 分", grade=t.grade or "—")


def main_sentence(main: object) -> str:
    """一（二） of a one-project report: the project's funds and execution rate, unknowns in words."""
    initial = f"（{money('年初预算数', main.budget_initial)}）" if not fmt.is_missing(main.budget_initial) else ""
    return (
        f"“{main.name}”{money('全年预算数', main.budget)}{initial}，"
        + "，".join([money("全年执行数", main.spent), rate("预算执行率", main.execution_rate)])
        + "。"
    )


_CHECK_CLAUSE = re.compile(r"（[^（）]*(?:核查|核对)[^（）]*）")


def without_checks(sentences: list[str]) -> list[str]:
    """The scoring method's sentences without the clauses on what a check would do (“（高于上限的在核查中
    说明）”): the unit states how it scored, the checks are the 核查清单's."""
    return [_CHECK_CLAUSE.sub("", s) for s in sentences]
