"""The 复核意见's findings: every finding of the audit with its evidence (the audit's own message, which states
the figures), where it is printed (the report's chapter and quote for a statement, the form and indicator for a
score) and what it does to the score (the points at the indicator or form it affects, from the recomputation;
不影响得分 when it changes none).

A finding's score effect: on an indicator, the reviewed score against the published one (or against its 分值
where the form prints no indicator scores); on a form's total, the reviewed total against the published one; on a
form's funds or a statement about them, the reviewed 预算执行率 score against its 分值; on the unit's total, the
reviewed total against the published one. Everything else (a typo of the report's text, a budget line's rate, the
grade table) changes no score.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from evaltools import fmt
from evaltools.report.audit_table import field_title
from evaltools.report.view import finding_item
from evaltools.scoring.evaluation import Evaluation
from evaltools.scoring.indicators import DEPARTMENT

NO_EFFECT = "不影响得分"
#: A difference smaller than this is rounding, not a change of score.
EPS = 0.005


def _form_name(project: str) -> str:
    return "部门整体支出绩效自评表" if project == DEPARTMENT else f"「{project}」自评表"


def _statement_place(
    statements: pd.DataFrame, subject: object, stated: object, metric: str | None = None
) -> str | None:
    """The printed place of a statement finding: the report's chapter and its quote (报告 一(二)：“…”)."""
    if not len(statements):
        return None
    rows = statements[statements["subject"] == subject] if metric is None else statements
    if metric is not None:
        rows = rows[rows["metric"] == metric]
    if not fmt.is_missing(stated) and metric is None:
        close = (pd.to_numeric(rows["stated"], errors="coerce") - float(stated)).abs() < 1e-9
        rows = rows[close] if close.any() else rows
    if not len(rows):
        return None
    r = rows.iloc[0]
    where = "报告" + (f" {r['location']}" if isinstance(r["location"], str) and r["location"] else "正文")
    return where + (f"：“{r['quote']}”" if isinstance(r["quote"], str) and r["quote"] else "")


def location(ev: Evaluation, f: object) -> str:
    """Where the finding ``f`` (a row of ``ev.findings``) is printed, as a reader finds it."""
    field = f.field if isinstance(f.field, str) else ""
    project = f.project if isinstance(f.project, str) else None
    statements = ev.data.statements
    if field.startswith("statements."):
        return _statement_place(statements, f.subject, f.stated) or "报告正文"
    if project and isinstance(f.indicator, str):
        return f"{_form_name(project)} · 三级指标「{f.indicator}」 · {field_title(field)}"
    if project:
        return f"{_form_name(project)} · {'总分' if field == 'total' else field_title(field)}"
    if field == "total":
        return _statement_place(statements, None, None, "total_score") or "报告总分"
    if field.startswith("budget_lines."):
        return f"预算执行情况 · 「{f.subject}」 · {field_title(field)}"
    if field == "grade_bands":
        return "报告所列等级表"
    return f"{f.subject} · {field_title(field)}" if field else str(f.subject)


def _change(published: object, reviewed: object) -> float | None:
    if fmt.is_missing(published) or fmt.is_missing(reviewed):
        return None
    return float(reviewed) - float(published)


def _moved(what: str, published: object, reviewed: object) -> tuple[str, float | None]:
    """「x」自评 87 分，复核 84.67 分，扣 2.33 分 (or 复核增加 2 分); 不影响得分 when equal."""
    change = _change(published, reviewed)
    if change is None:
        return (f"{what}复核得分无法计算", None) if fmt.is_missing(reviewed) else (NO_EFFECT, None)
    if abs(change) < EPS:
        return NO_EFFECT, 0.0
    move = f"扣 {fmt.score(-change)} 分" if change < 0 else f"复核增加 {fmt.score(change)} 分"
    return f"{what}自评 {fmt.score(published)} 分，复核 {fmt.score(reviewed)} 分，{move}", change


def _lost(what: str, weight: object, reviewed: object) -> tuple[str, float | None]:
    """「x」复核得 0 分，较分值 5 分扣 5 分, where the form prints no score of its own for it."""
    if fmt.is_missing(reviewed):
        return f"{what}复核得分无法计算", None
    lost = (float(weight) - float(reviewed)) if not fmt.is_missing(weight) else 0.0
    if lost < EPS:
        return NO_EFFECT, 0.0
    return (
        f"{what}复核得 {fmt.score(reviewed)} 分，较分值 {fmt.score(weight)} 分扣 {fmt.score(lost)} 分（自评表未列该项得分）",
        -lost,
    )


def effect(ev: Evaluation, f: object) -> tuple[str, float | None]:
    """What the finding ``f`` does to the score: the sentence and the points (复核 − 自评, negative for a
    deduction; None when unknown)."""
    field = f.field if isinstance(f.field, str) else ""
    project = f.project if isinstance(f.project, str) else None
    if project and isinstance(f.indicator, str):
        ind = ev.indicators
        rows = ind[(ind["project"] == project) & ind["scored"] & (ind["level3"].fillna(ind["level2"]) == f.indicator)]
        if not len(rows):
            return NO_EFFECT, None
        i = rows.iloc[0]
        what = f"「{f.indicator}」"
        reviewed = None if i["unknown_score"] else i["computed_score"]
        if not fmt.is_missing(i["panel_score"]):
            return _moved(what, i["panel_score"], reviewed)
        return _lost(what, i["weight"], reviewed)
    forms = pd.concat([x for x in (ev.department, ev.projects) if x is not None])
    form = forms[forms["project"] == project] if project else forms.iloc[0:0]
    if len(form):
        p = form.iloc[0]
        unknown = isinstance(p.get("incomplete"), str)
        if field in ("total", "grade"):
            return _moved(f"「{project}」", p["published_score"], None if unknown else p["computed_score"])
        if field.startswith(("funds.", "statements.")):
            what = f"「{project}」预算执行率"
            if not fmt.is_missing(p["published_execution_score"]):
                return _moved(what, p["published_execution_score"], p["execution_score"])
            return _lost(what, p["execution_weight"], p["execution_score"])
        return NO_EFFECT, None
    if field == "total" and not project:
        t = ev.total
        return _moved("总分", t.published, None if t.unknown_reason else t.computed_score)
    return NO_EFFECT, None


def finding_rows(ev: Evaluation) -> list[SimpleNamespace]:
    """Every finding, most serious first as the audit orders them, with its label, evidence, place and effect."""
    out = []
    for f in ev.findings.itertuples():
        text, points = effect(ev, f) if f.severity != "info" else ("已核对，不影响得分", None)
        out.append(
            finding_item(f, message=str(f.message).rstrip("。"), location=location(ev, f), effect=text, points=points)
        )
    return out
