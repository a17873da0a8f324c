"""The report's view model: everything the templates show, computed once from an Evaluation.

The view speaks as the unit the data names (``profile.self_reference``, default 本单位), follows the
report kind (:mod:`evaltools.report.kinds`), states the scoring method generated from the rule set
actually used (:mod:`evaltools.scoring.describe`), and keeps published (评定) and recomputed (重算)
figures in separate columns, each adding up to its own total row. Templates do no arithmetic.
"""

from __future__ import annotations

from collections.abc import Callable
from types import SimpleNamespace

import pandas as pd

from evaltools import fmt, labels
from evaltools.report import unit_view
from evaltools.report.cost_view import cost_view
from evaltools.report.kinds import KINDS, SECTIONS, numbered
from evaltools.scoring.audit import LINE_RATE_FIELD, finding_label, measure
from evaltools.scoring.completeness import grade_shown, unknown_text
from evaltools.scoring.describe import method_sentences
from evaltools.scoring.evaluation import Evaluation
from evaltools.scoring.grading import check_bands, describe_band, grade
from evaltools.scoring.indicators import DEPARTMENT

#: How the report refers to the unit when the profile does not say (我局, 我镇, 我馆 …).
DEFAULT_SELF_REFERENCE = "本单位"
#: Shown for a figure that depends on one we cannot read.
UNKNOWN_TEXT = "无法计算"


def _sum_or_none(values: list) -> float | None:
    """Σ of a column as printed: None when any part is missing (a total of known parts would mislead)."""
    if not values or any(fmt.is_missing(v) for v in values):
        return None
    return float(sum(values))


def _budget_sentences(ev: Evaluation, rate: Callable) -> list[SimpleNamespace]:
    """一（二）: one sentence per budget line — budget, spending, execution rate (net of prior-year payables)."""
    findings = ev.findings
    on_lines = findings["code"].isin(["RATE_FORMULA", "RATE_MISMATCH"]) & (findings["field"] == LINE_RATE_FIELD)
    rate_disputed = set(findings.loc[on_lines, "subject"])  # a budget line's finding names the line
    lines = []
    for ln in ev.data.budget_lines.itertuples():
        r = rate("line_execution", ln.line)
        text = f"{ln.line}：预算 {fmt.wan(ln.budget)} 万元，支出 {fmt.wan(ln.spent)} 万元"
        if fmt.known(ln.prior_year_payables):
            net = rate("line_execution_net", ln.line)
            text += (
                f"，其中支付以前年度应付未付款项约 {fmt.wan(ln.prior_year_payables)} 万元；按支出数 ÷ 预算数计算"
                f"执行率 {fmt.pct(r)}，扣除该款项后为 {fmt.pct(net)}"
            )
        else:
            text += f"，执行率 {fmt.pct(r)}"
        if ln.line in rate_disputed:  # the audit judged the stated rate (tolerance of its printed digits)
            text += f"（原报告所述 {fmt.pct(ln.stated_rate, fmt.stated_decimals(ln.stated_rate))}，见附录一）"
        lines.append(SimpleNamespace(sentence=text + "。"))
    return lines


def _budget_table(ev: Evaluation, rate: Callable) -> list[SimpleNamespace]:
    """The budget table: every budget line, every project, and a 合计 row (None where a part is unknown)."""
    d = ev.data
    table = [
        SimpleNamespace(
            name=ln.line,
            kind=ln.category or "基本支出",
            budget=fmt.known(ln.budget),
            spent=fmt.known(ln.spent),
            rate=rate("line_execution", ln.line),
            stated=fmt.known(ln.stated_rate),
            total=False,
        )
        for ln in d.budget_lines.itertuples()
    ]
    table += [
        SimpleNamespace(
            name=p.project,
            kind="项目支出",
            budget=fmt.known(p.budget),
            spent=fmt.known(p.spent),
            rate=fmt.known(p.execution_rate),
            stated=fmt.known(p.stated_rate),
            total=False,
        )
        for p in ev.projects.itertuples()
    ]
    if table:
        table.append(
            SimpleNamespace(
                name="合计",
                kind="",
                budget=_sum_or_none([r.budget for r in table]),
                spent=_sum_or_none([r.spent for r in table]),
                rate=rate("department_execution"),
                stated=None,
                total=True,
            )
        )
    return table


def _indicator_rows(ev: Evaluation, form: str, flagged: set, by_place: dict) -> list[SimpleNamespace]:
    """The indicator table of one form, each row with its shown target/actual, published and recomputed
    scores (None where not printed / 无法计算) and the audit's notes (the findings on that form and 三级指标)."""
    rows = ev.indicators[ev.indicators["project"] == form]
    out = []
    for i in rows.itertuples():
        key = (form, i.level3 or i.level2)
        deviation = "；".join([x for x in [i.deviation] if x] + by_place.get(key, []))
        counted = bool(i.scored)
        out.append(
            SimpleNamespace(
                level1=i.level1,
                level2=i.level2 or "",
                level3=i.level3 or "",
                is_part=i.parent is not None or i.is_measure,
                target_shown=fmt.indicator_target(i) or "—",
                actual_shown=fmt.indicator_actual(i) or "—",
                completion=fmt.completion_shown(i),
                direction_assumed=bool(i.direction_assumed),
                weight=fmt.known(i.weight) if (counted or not i.applicable) else None,
                counted=counted,
                published=fmt.known(i.panel_score) if counted else None,
                computed=fmt.known(i.computed_score) if counted and not i.unknown_score else None,
                unknown=counted and bool(i.unknown_score),
                applicable=bool(i.applicable),
                flagged=key in flagged,
                deviation_shown=deviation,
                deviation_own=i.deviation or unit_view.NO_DEVIATION,  # the unit's own 偏差原因, never a finding
            )
        )
    return out


def _form_view(ev: Evaluation, p: object, flagged: set, by_place: dict) -> SimpleNamespace:
    """One scored form (the department's table or a project's): funds, indicator rows, both totals."""
    values = {k: fmt.known(v) if isinstance(v, float) else v for k, v in p._asdict().items()}
    inds = _indicator_rows(ev, p.project, flagged, by_place)
    counted = [i for i in inds if i.counted]
    exec_unknown = fmt.is_missing(p.execution_score)
    published_col = [values.get("published_execution_score")] + [i.published for i in counted]
    show_published = any(v is not None for v in published_col)
    return SimpleNamespace(
        **values,
        name=p.project if p.project != DEPARTMENT else "部门整体",
        is_department=p.project == DEPARTMENT,
        reason=unknown_text(values["incomplete"]) if isinstance(values.get("incomplete"), str) else None,
        indicators=inds,
        show_published=show_published,
        weight_total=_sum_or_none([values.get("execution_weight")] + [i.weight for i in counted]),
        published_sum=_sum_or_none(published_col) if show_published else None,
        computed_sum=None
        if exec_unknown
        else _sum_or_none([values.get("execution_score")] + [i.computed for i in counted]),
        rescaled=abs((values.get("rescale_factor") or 1.0) - 1.0) > 1e-9,
        sentence=_form_sentence(ev, p),
        unit_sentence=unit_view.form_sentence(p),
        difference_abs=abs(fmt.known(p.difference) or 0.0),
    )


def _form_sentence(ev: Evaluation, p: object) -> str:
    """How one form scored — execution, indicators, recomputed total — and its difference from the published one."""
    reason = getattr(p, "incomplete", None)
    if isinstance(reason, str):
        computed = f"按数据重算的合计{unknown_text(reason)}"
    elif fmt.is_missing(p.computed_score):
        computed = f"按数据重算的合计{UNKNOWN_TEXT}（部分数字原表无法辨认，见附录一）"
    else:
        computed = f"按数据重算合计 {fmt.score(p.computed_score)} 分（按等级表为{p.computed_grade or '—'}）"
    head = (
        f"预算执行率 {fmt.pct(p.execution_rate)}，重算得 {fmt.score(p.execution_score)} 分；指标重算得分 "
        f"{fmt.score(p.indicator_score)} 分；{computed}"
    )
    diff = fmt.known(p.difference)
    if fmt.is_missing(p.published_score):
        return head + "。"
    if diff is None or abs(diff) <= 0.005:
        return head + f"，公布得分 {fmt.score(p.published_score)} 分。"
    return head + (
        f"，较公布得分 {fmt.score(p.published_score)} 分{'低' if diff > 0 else '高'} "
        f"{fmt.score(abs(diff))} 分，差异见附录一。"
    )


def _forms(ev: Evaluation) -> list[SimpleNamespace]:
    """Every scored form: the department's own table first (when the kind has one), then the projects."""
    on = ev.findings[ev.findings["indicator"].notna()]  # findings on an indicator: (form, 三级指标) → messages
    flagged = set(zip(*(on.loc[on["severity"] != "info", c] for c in ("project", "indicator"))))
    by_place = on.groupby(["project", "indicator"], sort=False)["message"].apply(list).to_dict()
    frames = [ev.department] if ev.department is not None else []
    return [_form_view(ev, p, flagged, by_place) for frame in [*frames, ev.projects] for p in frame.itertuples()]


def _method(ev: Evaluation) -> list[str]:
    """The scoring method sentences for the rules these indicators actually used."""
    s = ev.indicators[ev.indicators["scored"] | ev.indicators["is_measure"]]
    directions = dict(zip(s["rule_name"], s["direction"]))
    return method_sentences(
        ev.rules,
        s["rule_name"].dropna(),
        directions,
        missing=bool(ev.indicators["missing"].any()),
        unknown=bool(ev.indicators["unknown_score"].any() or ev.total.computed_score != ev.total.computed_score),
        dropped=bool((~ev.indicators["applicable"]).any()),
        mean_of_projects=ev.report_kind.totals == "projects_mean",
    )


def _assumed_directions(ev: Evaluation) -> str:
    """The indicators whose 指标性质 the table did not print, with the direction assumed from their names."""
    s = ev.indicators[ev.indicators["direction_assumed"] & ev.indicators["scored"]]
    return "、".join(f"{r.level3 or r.level2}（{labels.DIRECTION[r.direction]}）" for r in s.itertuples())


def finding_item(f: object, **more: object) -> SimpleNamespace:
    """One finding (a row of the findings table) as a page lists it: severity and its Chinese word, code, label,
    subject and message; ``more`` adds or replaces fields (the 复核意见's place and effect)."""
    item = dict(
        severity=f.severity,
        severity_zh=labels.SEVERITY[f.severity],
        code=f.code,
        label=finding_label(f.code),
        subject=f.subject,
        message=f.message,
    )
    return SimpleNamespace(**{**item, **more})


def published_total_text(published: object) -> str:
    """A published total as the page shows it: "87 分", 未公布 (the table printed none) or 原表无法辨认 (unreadable)."""
    if published is None:
        return "未公布"
    return "原表无法辨认" if fmt.is_missing(published) else f"{fmt.score(published)} 分"


def _totals(ev: Evaluation) -> SimpleNamespace:
    """The report's result: the published total and grade (as printed, or 未公布 / 无法辨认), and the
    recomputed total with the grade the same bands give it."""
    t, prof = ev.total, ev.data.profile
    published = published_total_text(t.published)
    computed_known = not fmt.is_missing(t.computed_score)
    reason = t.unknown_reason  # a table cut off / not scored: no grade at all, the reason stated (issue 20 item 1)
    return SimpleNamespace(
        published_text=published,
        published_grade=prof.published_grade,
        published_band_grade=grade(pd.Series([t.published]), ev.rules.grade_bands).iloc[0]
        if t.published_known and reason is None
        else None,
        computed_text=f"{fmt.score(t.computed_score)} 分" if computed_known else unknown_text(reason),
        computed_grade=t.computed_grade if computed_known else None,
        grade_text=grade_shown(t.grade, reason),
        reason=reason,
        difference=(t.published - t.computed_score) if t.published_known and computed_known else None,
        means=(
            f"按数据重算，各项目得分的简单平均为 {fmt.score(t.computed_simple)} 分，按预算加权平均为 "
            f"{fmt.score(t.computed_weighted)} 分（本报告取{'简单平均' if t.method == 'simple' else '预算加权平均'}）。"
        )
        if ev.report_kind.totals == "projects_mean"
        else "",
    )


def _audit_view(findings: pd.DataFrame) -> dict:
    """附录一 and 存在的问题: counts by severity, every finding with its label, the problems and measures."""
    counts = findings["severity"].value_counts()
    problems = findings[findings["severity"] != "info"]
    measures = [m for m in map(measure, problems["code"].drop_duplicates()) if m is not None]
    return dict(
        counts=SimpleNamespace(
            error=int(counts.get("error", 0)), warning=int(counts.get("warning", 0)), info=int(counts.get("info", 0))
        ),
        findings=[finding_item(f) for f in findings.itertuples()],
        audit_problems=[SimpleNamespace(message=m) for m in problems["message"]],
        audit_measures=measures,
    )


def _sections(ev: Evaluation) -> list[str]:
    """The sections this report has, in order (a report without a team list has no team section)."""
    return [name for name in SECTIONS if name != "team" or len(ev.data.team)]


def _unit_voice(ev: Evaluation, we: str, rate: Callable, budget_table: list, forms: list) -> SimpleNamespace:
    """The 自评报告's own sentences and texts (:mod:`evaltools.report.unit_view`): the unit's figures, its
    explanations and its 落款, with no comparison to a published figure and no finding."""
    prof = ev.data.profile
    projects = [f for f in forms if not f.is_department]
    return SimpleNamespace(
        lines=unit_view.line_sentences(ev, rate),
        totals=unit_view.totals_sentence(budget_table),
        income=unit_view.income_sentence(ev),
        projects=unit_view.project_sentence(ev.year, we, projects) if projects else None,
        main=unit_view.main_sentence(forms[0]) if ev.report_kind.named_by_project and forms else None,
        conclusion=unit_view.conclusion(ev, we),
        total=unit_view.score_cell(ev.total),
        method=unit_view.without_checks(_method(ev)),
        procurement=list(prof.procurement),
        problems=list(prof.problems),
        measures=list(prof.measures),
        use=list(prof.results_use),
        other=list(prof.other_notes),
        none=unit_view.NO_TEXT,
        date=prof.report_date or unit_view.BLANK_DATE,
        no_deviation=unit_view.NO_DEVIATION,
    )


def build_view(ev: Evaluation, source: str, generated: str, title: str | None = None) -> SimpleNamespace:
    """Everything the templates show, computed once from the evaluation (no arithmetic in templates);
    ``title`` (the job's) replaces the one made from the data."""
    d, prof = ev.data, ev.data.profile
    kind = KINDS[ev.kind]

    def rate(key: str, subject: str = "部门整体") -> float | None:
        return ev.rate(key, subject, default=None)

    forms = _forms(ev)
    main = forms[0] if kind.named_by_project and forms else None
    present = _sections(ev)
    rates = ev.rates
    we = prof.self_reference or DEFAULT_SELF_REFERENCE
    budget_table = _budget_table(ev, rate)
    projects = [f for f in forms if not f.is_department]
    return SimpleNamespace(
        unit=ev.unit,
        year=ev.year,
        generated=generated,
        source=source,
        profile=prof,
        rules=ev.rules,
        total=ev.total,
        kind=kind,
        headings=numbered(kind, present),
        sections=present,
        title=title or f"{main.name if main else ev.unit} {ev.year} 年度{kind.title}",
        we=we,
        synthetic=bool(prof.synthetic),
        rate=rate,
        lines=_budget_sentences(ev, rate),
        budget_table=budget_table,
        cost_control=cost_view(ev),
        income_text="；".join(f"{s.source} {fmt.wan(s.amount)} 万元" for s in d.income_sources.itertuples()),
        forms=forms,
        projects=projects,
        main=main,
        method=_method(ev),
        assumed_directions=_assumed_directions(ev),
        totals=_totals(ev),
        bands=[
            SimpleNamespace(grade=b["grade"], text=describe_band(b)) for b in ev.rules.grade_bands.to_dict("records")
        ],
        published_band_issues=[i.zh for i in check_bands(d.grade_bands)] if len(d.grade_bands) else [],
        **_audit_view(ev.findings),
        own=_unit_voice(ev, we, rate, budget_table, forms),
        team=list(d.team.itertuples()),
        changes=[
            SimpleNamespace(subject=r.subject, label=r.label, value=fmt.known(r.value))
            for r in rates[rates["key"].isin(["budget_change", "spending_change"])].itertuples()
        ],
    )


def report_title(ev: Evaluation) -> str:
    """The report's title as the page and the PDF metadata show it (unit or project, year, kind)."""
    kind = KINDS[ev.kind]
    name = ev.projects["project"].iloc[0] if kind.named_by_project and len(ev.projects) else ev.unit
    return f"{name} {ev.year} 年度{kind.title}"
