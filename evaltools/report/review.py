"""The 复核意见: the reviewer's document on a unit's published self-evaluation (``evaltools run YEAR --document
review``, notebook ``notebooks/review.ipynb``). Written in the reviewer's voice (复核单位 from the job's
``reviewer``), it sets the published figures beside the recomputed ones, lists every finding with its evidence,
where it is printed and the score it costs, and states the 复核得分, 复核等级, 偏离度 and an opinion.

The figures come from the same :class:`~evaltools.scoring.evaluation.Evaluation` as the 自评报告 (one evaluation,
two documents); the view is built here (:func:`build_review`) and rendered by ``templates/report/review.html.j2``,
one macro per notebook cell. The opinion is data: ``params/review/opinion.yaml`` (:func:`opinion_rule`), its 偏离度
threshold the 复核 rule book's (``params/review/bureau.yaml``), stated once.
The wording of findings (location, score effect) is in :mod:`evaltools.report.review_findings`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from evaltools import fmt
from evaltools.errors import ParamsError
from evaltools.params import PARAMS_DIR, JobParams, read_yaml
from evaltools.report import sections
from evaltools.report.exporters import get_document
from evaltools.report.kinds import KINDS, NUMERALS
from evaltools.report.review_findings import finding_rows
from evaltools.report.view import published_total_text
from evaltools.scoring.audit import measure
from evaltools.scoring.completeness import grade_shown, unknown_text
from evaltools.scoring.evaluation import Evaluation
from evaltools.scoring.grading import describe_band
from evaltools.scoring.indicators import DEPARTMENT
from evaltools.scoring.review.rulebook import load_rulebook

OPINION_FILE = PARAMS_DIR / "review" / "opinion.yaml"
#: Shown where the 复核单位 is not given: a blank to fill in, never an invented name.
REVIEWER_BLANK = "（复核单位）"
#: The document's sections in order, with their headings (numbered 一、二、… as they appear).
HEADINGS = {
    "basis": "复核依据",
    "scope": "复核范围和方法",
    "comparison": "自评结果与复核结果对照",
    "findings": "复核发现的问题",
    "conclusion": "复核结论和意见",
    "suggestions": "整改建议",
}


@dataclass(frozen=True)
class OpinionRule:
    """How 偏离度 is defined and which opinion a deviation gets (``params/review/opinion.yaml``, with its source)."""

    title: str
    formula: str
    level: str
    threshold: float
    within: str
    beyond: str
    source: str


@lru_cache(maxsize=4)
def opinion_rule(path: str | Path = OPINION_FILE) -> OpinionRule:
    """The opinion's settings from ``path``, with 偏离度's formula, threshold and source from the rule book it names
    (:func:`evaltools.scoring.review.rulebook.load_rulebook`: stated once, there); a missing or unknown key, or a
    threshold that is not a share between 0 and 1, is a ParamsError naming the file and the key."""
    data = read_yaml(path)
    expected = {"title": str, "rulebook": str, "level": str, "opinion": dict}
    if not isinstance(data, dict) or set(data) != set(expected):
        found = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise ParamsError(f"expected the keys {', '.join(expected)}, found {found}", file=str(path))
    opinion = data["opinion"]
    if set(opinion) != {"within", "beyond"}:
        raise ParamsError(f"expected the keys beyond, within, found {sorted(opinion)}", file=str(path), key="opinion")
    deviation = load_rulebook(str(data["rulebook"])).deviation
    return OpinionRule(
        str(data["title"]),
        deviation.form_formula,
        str(data["level"]),
        deviation.threshold,
        str(opinion["within"]),
        str(opinion["beyond"]),
        deviation.source,
    )


def deviation(published: object, reviewed: object) -> float | None:
    """偏离度 = (自评 − 复核) / 自评, at full precision; None (无法计算) when either is unknown or 自评 is 0."""
    if fmt.is_missing(published) or fmt.is_missing(reviewed) or float(published) == 0:
        return None
    return (float(published) - float(reviewed)) / float(published)


@dataclass(frozen=True)
class ReviewContext:
    """What the review's cells share: the parameters, the evaluation and the review's view."""

    params: JobParams
    ev: Evaluation
    view: SimpleNamespace = field(repr=False)


def prepare(params: Mapping | JobParams | None = None, /, **values: object) -> ReviewContext:
    """The review's parameters through the one loader (as :func:`evaltools.report.sections.prepare`: unknown keys
    refused, the runner's evaluation reused), then the review's view."""
    base = sections.prepare(params, **values)
    return ReviewContext(base.params, base.ev, build_review(base.ev, base.params, base.view.source, base.view.method))


def _total(ev: Evaluation, rule: OpinionRule) -> SimpleNamespace:
    """The total: published (未公布 / 原表无法辨认 where it is), reviewed (无法复核总分 with the reason), 偏离度."""
    t, prof = ev.total, ev.data.profile
    reason = t.unknown_reason
    known = not fmt.is_missing(t.computed_score) and reason is None
    published = published_total_text(t.published)
    dev = deviation(t.published, t.computed_score) if known else None
    return SimpleNamespace(
        published=fmt.known(t.published),
        published_text=published,
        #: 为 87 分 / 未公布: the total as a sentence continues 「自评总分…」
        published_phrase=f"为 {published}" if published.endswith("分") else published,
        published_grade=prof.published_grade or "未公布",
        #: 自评等级为良好 / 未公布自评等级: the grade as a clause
        grade_phrase=f"自评等级为{prof.published_grade}" if prof.published_grade else "未公布自评等级",
        reviewed=float(t.computed_score) if known else None,
        reviewed_text=f"{fmt.score(t.computed_score)} 分" if known else unknown_text(reason),
        grade=t.computed_grade if known else None,
        grade_text=t.computed_grade if known and t.computed_grade else grade_shown(None, reason or "无法计算"),
        reason=reason,
        cannot=None if known else f"无法复核总分（{reason or '部分得分依赖的数字原表无法辨认'}）",
        change=(float(t.computed_score) - float(t.published)) if dev is not None else None,
        deviation=dev,
        beyond=dev is not None and abs(dev) > rule.threshold + 1e-12,
        means=ev.report_kind.totals == "projects_mean",
        method="简单平均" if t.method == "simple" else "预算加权平均",
    )


def _forms(ev: Evaluation, rule: OpinionRule) -> list[SimpleNamespace]:
    """Each scored form (the department's table, then the projects): funds, stated vs recomputed execution rate,
    published vs reviewed score and grade, difference and 偏离度, and its indicators."""
    frames = [ev.department] if ev.department is not None else []
    out = []
    for frame in [*frames, ev.projects]:
        for p in frame.itertuples():
            reason = p.incomplete if isinstance(getattr(p, "incomplete", None), str) else None
            reviewed = None if reason else fmt.known(p.computed_score)
            dev = deviation(p.published_score, reviewed)
            out.append(
                SimpleNamespace(
                    name="部门整体" if p.project == DEPARTMENT else p.project,
                    budget=fmt.known(p.budget),
                    spent=fmt.known(p.spent),
                    stated_rate=fmt.known(p.stated_rate),
                    rate=fmt.known(p.execution_rate),
                    published=fmt.known(p.published_score),
                    published_grade=p.published_grade if isinstance(p.published_grade, str) else None,
                    reviewed=reviewed,
                    reviewed_grade=None if reason or reviewed is None else p.computed_grade,
                    reason=unknown_text(reason) if reason else None,
                    change=None if dev is None else float(reviewed) - float(p.published_score),
                    deviation=dev,
                    beyond=dev is not None and abs(dev) > rule.threshold + 1e-12,
                    indicators=_indicator_rows(ev, p),
                )
            )
    return out


def _indicator_rows(ev: Evaluation, p: object) -> SimpleNamespace:
    """A form's 预算执行率 and scored indicators: 分值, published score (None where the form does not print it),
    reviewed score (None: 无法计算), the change (复核 − 自评) where both are known."""
    rows = [
        SimpleNamespace(
            name="预算执行率",
            weight=fmt.known(p.execution_weight),
            published=fmt.known(p.published_execution_score),
            reviewed=fmt.known(p.execution_score),
        )
    ]
    scored = ev.indicators[(ev.indicators["project"] == p.project) & ev.indicators["scored"]]
    for i in scored.itertuples():
        rows.append(
            SimpleNamespace(
                name=i.level3 or i.level2,
                weight=fmt.known(i.weight),
                published=fmt.known(i.panel_score),
                reviewed=None if i.unknown_score else fmt.known(i.computed_score),
            )
        )
    for r in rows:
        both = r.published is not None and r.reviewed is not None
        r.change = float(r.reviewed) - float(r.published) if both else None
    printed = any(r.published is not None for r in rows)
    return SimpleNamespace(rows=rows, printed=printed)


def _rates(ev: Evaluation) -> list[SimpleNamespace]:
    """Execution rates as the report states them beside the recomputed ones (budget lines, then forms)."""
    rows = [
        SimpleNamespace(
            name=ln.line, stated=fmt.known(ln.stated_rate), reviewed=ev.rate("line_execution", ln.line, default=None)
        )
        for ln in ev.data.budget_lines.itertuples()
    ]
    rows += [
        SimpleNamespace(name=p.project, stated=fmt.known(p.stated_rate), reviewed=fmt.known(p.execution_rate))
        for p in ev.projects.itertuples()
    ]
    return rows


def _opinion(total: SimpleNamespace, forms: list, rule: OpinionRule, errors: int) -> SimpleNamespace:
    """The opinion: 基本真实 when the total's and every form's |偏离度| is within the threshold, 存在较大偏差
    otherwise; none on the total when it cannot be reviewed (the reason stated instead)."""
    beyond = [f.name for f in forms if f.beyond]
    if total.deviation is None:
        verdict = None
    else:
        verdict = rule.beyond if total.beyond or beyond else rule.within
    return SimpleNamespace(
        verdict=verdict,
        beyond=beyond,
        errors=errors,
        unknown_forms=[f.name for f in forms if f.published is not None and f.deviation is None],
    )


def _document_name(source: str) -> str:
    """The published document's name from the profile's 数据来源: its first 《…》, else the text before any
    parenthesis, in 《》."""
    start = source.find("《")
    end = source.find("》", start)
    if start >= 0 and end > start:
        return source[start : end + 1]
    return f"《{source.split('（')[0].strip()}》"


def _basis(ev: Evaluation) -> list[str]:
    """复核依据: the published self-evaluation, its own basis, the rule set and grade bands the recomputation used."""
    prof = ev.data.profile
    items = []
    if prof.source:
        items.append(f"被复核单位公开的{_document_name(prof.source)}")
    if prof.basis:
        items.append(f"被复核单位自评所依据的{prof.basis}")
    items.append(f"评分规则：{ev.rules.title}")
    bands = "；".join(f"{describe_band(b)}为{b['grade']}" for b in ev.rules.grade_bands.to_dict("records"))
    items.append(f"等级划分：{bands}")
    return items


def build_review(ev: Evaluation, params: JobParams, source: str, method: list[str]) -> SimpleNamespace:
    """Everything the review's template shows, computed once (no arithmetic in the template)."""
    rule = opinion_rule()
    kind = KINDS[ev.kind]
    total = _total(ev, rule)
    forms = _forms(ev, rule)
    findings = finding_rows(ev)
    problems = [f for f in findings if f.severity != "info"]
    errors = sum(f.severity == "error" for f in problems)
    measures = [m for m in dict.fromkeys(measure(f.code) for f in problems) if m is not None]
    return SimpleNamespace(
        title=params.title or get_document("review").title_for(ev),
        unit=ev.unit,
        year=ev.year,
        kind=kind,
        reviewer=params.reviewer,
        reviewer_shown=params.reviewer or REVIEWER_BLANK,
        synthetic=bool(ev.data.profile.synthetic),
        source=source,
        profile=ev.data.profile,
        rules=ev.rules,
        rule=rule,
        headings={k: f"{NUMERALS[i]}、{v}" for i, (k, v) in enumerate(HEADINGS.items())},
        basis=_basis(ev),
        method=method,
        total=total,
        forms=forms,
        rates=_rates(ev),
        problems=problems,
        checked=len(findings) - len(problems),
        checked_rows=[f for f in findings if f.severity == "info"],
        findings=findings,
        measures=measures,
        opinion=_opinion(total, forms, rule, errors),
        counts={s: sum(f.severity == s for f in findings) for s in ("error", "warning", "info")},
    )


_section = sections.section_maker("review.html.j2", "review")


title_block = _section("title_block")
basis = _section("basis")
scope = _section("scope")
comparison = _section("comparison")
findings = _section("findings")
conclusion = _section("conclusion")
suggestions = _section("suggestions")
signature = _section("signature")
appendix = _section("appendix")

__all__ = [
    "prepare",
    "build_review",
    "deviation",
    "opinion_rule",
    "OpinionRule",
    "ReviewContext",
    "title_block",
    "basis",
    "scope",
    "comparison",
    "findings",
    "conclusion",
    "suggestions",
    "signature",
    "appendix",
]
