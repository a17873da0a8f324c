"""The report's content: one function per notebook cell, each returning displayable HTML.

``prepare(...)`` loads the year, evaluates it and builds the view of the report once; the
section functions render it with Jinja2 (autoescape on: every string from the data is escaped).
The notebook ``notebooks/self_evaluation.ipynb`` calls these and nothing else.
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from evaltools import fmt, labels
from evaltools.data.discover import discover
from evaltools.data.load import find_source, load_year
from evaltools.errors import InputError
from evaltools.params import HANDOVER_ENV, JobParams, handover_key, job_params
from evaltools.paths import resolve_data_dir
from evaltools.scoring.evaluation import Evaluation, evaluate
from evaltools.scoring.grading import check_bands, describe_band
from evaltools.scoring.rules import RuleSet, load_rules

TEMPLATES = Path(__file__).parent / "templates"
#: Improvement measures suggested for each kind of audit finding (五、改进措施).
MEASURES = {
    "COUNT_MISMATCH": "核对报告中的项目、指标和人员数量，使文字表述与所列清单一致。",
    "SUM_MISMATCH": "核对合计数与分项数，分项之和应等于合计，差额应说明原因。",
    "RATE_FORMULA": "执行率统一按“支出数 ÷ 预算数”计算；支付上年应付款项的，另行列示扣除后的执行率并说明。",
    "RATE_MISMATCH": "按数据重新计算报告所述比率，并更正文字。",
    "STATEMENT_MISMATCH": "统一报告各处对同一数字的表述，以财务数据为准。",
    "MISSING_ACTUAL": "对没有实际完成值的指标补充统计数据，无法统计的应在年初设定可衡量的指标。",
    "OVERACHIEVED": "对大幅超额完成的指标分析原因，下一年度按实际能力合理调高年度指标值。",
    "RANGE_ABOVE": "区间指标实际值远超上限的，应修订指标区间。",
    "SCORE_DIFFERS": "对评价得分与按数据重算得分不一致的项目，补充打分依据或更正得分。",
    "GRADE_BANDS_GAP": "修订等级划分表，使各等级首尾相接、不留空档。",
    "GRADE_BANDS_OVERLAP": "修订等级划分表，消除等级之间的重叠。",
    "YEAR_IN_TEXT": "更正报告中与评价年度不一致的年份表述。",
    "SPENT_OVER_BUDGET": "支出超预算的，说明原因（如支付以前年度应付款项）并完善预算编制。",
    "FULL_MARKS_BELOW_TARGET": "未达目标的指标不应给满分，按完成比例计分。",
    "GRADE_MISMATCH": "按等级划分表重新确定等级。",
}


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES / "report")),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=fmt.pct, wan=fmt.wan, num=fmt.num, score=fmt.score)
    return env


def _macro(name: str):
    return getattr(_env().get_template("sections.html.j2").module, name)


class Html:
    """A piece of report HTML; Jupyter displays it as text/html, so nbconvert exports it as is."""

    def __init__(self, html: str):
        self.html = str(html)

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@dataclass(frozen=True)
class ReportContext:
    """What the report cells share: the parameters, the evaluation and the view built from it."""

    params: JobParams
    ev: Evaluation
    history: pd.DataFrame
    view: SimpleNamespace = field(repr=False)


def history(params: JobParams, rules: RuleSet, current: Evaluation | None = None) -> pd.DataFrame:
    """Totals of every year of this unit found in the data folder up to ``params.year`` (for trends);
    ``current`` is reused for the report's own year. An earlier year whose data has errors is left out
    (its own report names them; the trend shows the years that load)."""
    root = resolve_data_dir(params.data_dir)
    years = sorted({y for u, y in discover(root) if u == params.unit and y <= params.year})
    rows = []
    for year in years:
        if current is not None and year == current.year:
            ev = current
        else:
            try:
                ev = evaluate(load_year(year, params.data_dir, params.unit, with_previous=False), rules)
            except InputError:
                continue
        d = ev.data
        spent = d.budget_lines["spent"].sum() + d.projects["spent"].sum()
        budget = d.budget_lines["budget"].sum() + d.projects["budget"].sum()
        rows.append(
            {
                "year": year,
                "spent": spent,
                "budget": budget,
                "execution_rate": spent / budget if budget else np.nan,
                "score": ev.total.score,
            }
        )
    return pd.DataFrame(rows, columns=["year", "spent", "budget", "execution_rate", "score"])


def _budget_sentences(ev: Evaluation, rate: Callable) -> list[SimpleNamespace]:
    """一（二）: one sentence per budget line — budget, spending, execution rate (net of prior-year payables)."""
    findings = ev.findings
    rate_disputed = set(findings.loc[findings["code"].isin(["RATE_FORMULA", "RATE_MISMATCH"]), "subject"])
    lines = []
    for ln in ev.data.budget_lines.itertuples():
        r = rate("line_execution", ln.line)
        text = f"{ln.line}预算 {fmt.wan(ln.budget)} 万元，支出 {fmt.wan(ln.spent)} 万元"
        if fmt.known(ln.prior_year_payables):
            net = rate("line_execution_net", ln.line)
            text += (
                f"，其中支付以前年度应付未付款项约 {fmt.wan(ln.prior_year_payables)} 万元；按支出数 ÷ 预算数计算"
                f"完成率 {fmt.pct(r)}，扣除该款项后为 {fmt.pct(net)}"
            )
        else:
            text += f"，完成率 {fmt.pct(r)}"
        if ln.line in rate_disputed:  # the audit judged the stated rate (tolerance of its printed digits)
            text += f"（原报告所述 {fmt.pct(ln.stated_rate, fmt.stated_decimals(ln.stated_rate))}，见附录一）"
        lines.append(SimpleNamespace(sentence=text + "。"))
    return lines


def _budget_table(ev: Evaluation, rate: Callable) -> list[SimpleNamespace]:
    """The budget table: every budget line, every project, and a 合计 row."""
    d = ev.data
    table = [
        SimpleNamespace(
            name=ln.line,
            kind=ln.category or "基本支出",
            budget=ln.budget,
            spent=ln.spent,
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
            budget=p.budget,
            spent=p.spent,
            rate=fmt.known(p.execution_rate),
            stated=fmt.known(p.stated_rate),
            total=False,
        )
        for p in ev.projects.itertuples()
    ]
    table.append(
        SimpleNamespace(
            name="合计",
            kind="",
            budget=sum(r.budget for r in table),
            spent=sum(r.spent for r in table),
            rate=rate("department_execution"),
            stated=None,
            total=True,
        )
    )
    return table


def _indicator_rows(ev: Evaluation, project: str, flagged: set, by_subject: dict) -> list[SimpleNamespace]:
    """The indicator table of one project, each row with its shown target/actual and the audit's notes."""
    rows = ev.indicators[ev.indicators["project"] == project]
    out = []
    for i in rows.itertuples():
        key = f"{project} / {i.level3}"
        deviation = "；".join([x for x in [i.deviation] if x] + by_subject.get(key, []))
        out.append(
            SimpleNamespace(
                level1=i.level1,
                level2=i.level2,
                level3=i.level3,
                is_part=i.parent is not None,
                target_shown=fmt.indicator_target(i) or "—",
                actual_shown=fmt.indicator_actual(i) or "—",
                completion=fmt.known(i.completion),
                weight=i.weight,
                score=i.score,
                flagged=key in flagged,
                deviation_shown=deviation,
            )
        )
    return out


def _project_sentence(p: object) -> str:
    """三: how one project scored — execution, indicators, total, and the difference from the published score."""
    diff = fmt.known(p.difference)
    head = (
        f"预算执行率 {fmt.pct(p.execution_rate)}，得 {fmt.score(p.execution_score)} 分；指标得分 "
        f"{fmt.score(p.indicator_score)} 分；"
    )
    if diff is None:
        sentence = head + f"合计 {fmt.score(p.computed_score)} 分，等级{p.grade or '—'}。"
    elif abs(diff) <= 0.005:
        sentence = head + f"按数据重算合计 {fmt.score(p.computed_score)} 分，与公布得分一致。"
    else:
        sentence = head + (
            f"按数据重算合计 {fmt.score(p.computed_score)} 分"
            f"（{p.computed_grade or '—'}），较公布得分 {fmt.score(p.published_score)} 分"
            f"{'低' if diff > 0 else '高'} {fmt.score(abs(diff))} 分，差异见附录一。"
        )
    if p.missing_actuals:
        sentence += f"其中 {int(p.missing_actuals)} 项指标没有实际完成值，按 0 分计。"
    return sentence


def _project_views(ev: Evaluation) -> list[SimpleNamespace]:
    """Every project with its scores (missing values as None), indicator rows and sentence."""
    findings = ev.findings
    flagged = set(findings.loc[findings["severity"] != "info", "subject"])
    by_subject = findings.groupby("subject")["message"].apply(list).to_dict()
    return [
        SimpleNamespace(
            **{k: fmt.known(v) if isinstance(v, float) else v for k, v in p._asdict().items()},
            indicators=_indicator_rows(ev, p.project, flagged, by_subject),
            sentence=_project_sentence(p),
            difference_abs=abs(fmt.known(p.difference) or 0.0),
        )
        for p in ev.projects.itertuples()
    ]


def _total_sentence(t: object) -> str:
    """四: the recomputed department total by both means, the one used, and its grade."""
    return (
        f"按数据重算，各项目得分的简单平均为 {fmt.score(t.computed_simple)} 分，按预算加权平均为 "
        f"{fmt.score(t.computed_weighted)} 分（本报告按{'简单平均' if t.method == 'simple' else '预算加权平均'}），"
        f"对应等级{t.computed_grade or '—'}。"
    )


def _audit_view(findings: pd.DataFrame) -> dict:
    """附录一 and 五: counts by severity, every finding with its label, the problems and their measures."""
    counts = findings["severity"].value_counts()
    problems = findings[findings["severity"] != "info"]
    measures = [MEASURES[code] for code in problems["code"].drop_duplicates() if code in MEASURES]
    return dict(
        counts=SimpleNamespace(
            error=int(counts.get("error", 0)), warning=int(counts.get("warning", 0)), info=int(counts.get("info", 0))
        ),
        findings=[
            SimpleNamespace(
                severity=f.severity,
                severity_zh=labels.SEVERITY[f.severity],
                code=f.code,
                subject=f.subject,
                message=f.message,
            )
            for f in findings.itertuples()
        ],
        audit_problems=[SimpleNamespace(message=m) for m in problems["message"]],
        audit_measures=measures,
    )


def build_view(ev: Evaluation, source: str, generated: str) -> SimpleNamespace:
    """Everything the templates show, computed once from the evaluation (no arithmetic in templates
    beyond sums of already computed parts)."""
    d, prof, t = ev.data, ev.data.profile, ev.total

    def rate(key: str, subject: str = "部门整体") -> float | None:
        return ev.rate(key, subject, default=None)

    income = d.income_sources
    income_text = (
        "；".join(f"{s.source} {fmt.wan(s.amount)} 万元" for s in income.itertuples()) + "。" if len(income) else ""
    )
    budget_table = _budget_table(ev, rate)
    bands = [SimpleNamespace(grade=b["grade"], text=describe_band(b)) for b in ev.rules.grade_bands.to_dict("records")]
    pub_issues = [i.message.split(" / ")[0] for i in check_bands(d.grade_bands)] if len(d.grade_bands) else []
    rates = ev.rates
    changes = [
        SimpleNamespace(subject=r.subject, label=r.label, value=fmt.known(r.value))
        for r in rates[rates["key"].isin(["budget_change", "spending_change"])].itertuples()
    ]
    return SimpleNamespace(
        unit=ev.unit,
        year=ev.year,
        generated=generated,
        source=source,
        profile=prof,
        rules=ev.rules,
        total=t,
        synthetic=bool(prof.synthetic),
        rate=rate,
        lines=_budget_sentences(ev, rate),
        income_text=income_text,
        budget_table=budget_table,
        budget_total=budget_table[-1].budget,
        projects=_project_views(ev),
        bands=bands,
        published_band_issues=pub_issues,
        total_sentence=_total_sentence(t),
        total_difference=(t.published - t.computed_score) if fmt.known(t.published) is not None else None,
        **_audit_view(ev.findings),
        team=list(d.team.itertuples()),
        changes=changes,
    )


def _handed_over(params: JobParams) -> Evaluation | None:
    """The runner's evaluation of this very report, when it handed one over (else None)."""
    path = os.environ.get(HANDOVER_ENV)
    if not path or not Path(path).is_file():
        return None
    import pickle

    with open(path, "rb") as handle:
        key, ev = pickle.load(handle)  # written by this report's runner into its private staging folder
    return ev if key == handover_key(params) else None


def prepare(**parameters: object) -> ReportContext:
    """Validate the parameters (those of :class:`~evaltools.params.JobParams`, whose defaults apply;
    unknown ones are refused), load and evaluate the year (or take the runner's evaluation of it), build
    the view."""
    params = job_params(parameters, source="report parameters")
    rule_set = load_rules(params.rules)
    ev = _handed_over(params)
    if ev is None:
        ev = evaluate(load_year(params.year, params.data_dir, params.unit), rule_set)
    hist = history(params, rule_set, ev)
    source = str(find_source(params.year, params.data_dir, params.unit))
    view = build_view(ev, source, _dt.date.today().isoformat())
    return ReportContext(params, ev, hist, view)


def _section(name: str):
    def render(ctx: ReportContext) -> Html:
        return Html(_macro(name)(ctx.view))

    render.__name__ = name
    render.__doc__ = f"Render the report's {name!r} section."
    return render


title_block = _section("title_block")
contents = _section("contents")
basic = _section("basic")
work = _section("work")
results = _section("results")
conclusion = _section("conclusion")
problems = _section("problems")
team = _section("team")
audit = _section("audit")
forms = _section("forms")


def chart(ctx: ReportContext, name: str, dpi: int = 150) -> Html:
    """Draw one chart (see :mod:`evaltools.report.charts`) and return it as an inline PNG figure.

    The charts are plain ``Figure`` objects, not pyplot's: nothing here touches the session's backend."""
    from evaltools.report.charts import CHARTS

    spec = CHARTS[name]  # an unknown name raises ParamsError listing the charts
    fig = spec.fn(ctx.history if spec.uses == "history" else ctx.ev)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)  # figures use constrained layout
    caption = spec.caption
    return Html(_macro("figure")(ctx.view, base64.b64encode(buf.getvalue()).decode("ascii"), caption, caption))
