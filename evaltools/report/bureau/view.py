"""What the bureau's 复核报告 shows, built once from a :class:`~evaltools.report.bureau.model.BureauReview`: every
table as rows of display text, every sentence's figures, the charts drawn (no arithmetic in the template).

Figures are kept at full precision in the review and rounded here for display only; a figure that cannot be
computed is 无法计算 / — and is never given a tier. Long lists (units, forms) are cut to :data:`TOP` rows in the
body, the full lists being in the workbooks written beside the report (复核问题清单.xlsx, 整改台账.xlsx).
"""

from __future__ import annotations

import datetime as _dt
from types import SimpleNamespace

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.report.bureau import charts
from evaltools.report.bureau.export import BUREAU, title_of
from evaltools.report.bureau.rows import (
    REVIEWER_BLANK,
    TOP,
    UNKNOWN,
    beyond,
    cut,
    figure,
    findings_frame,
    form_table,
    number,
    problems,
    ref,
    score_text,
    table,
)
from evaltools.report.bureau.rulebook_view import book_view, chinese_part, risk_parts

__all__ = ["HEADINGS", "build_view"]

#: The chapter numbers (the report has up to twelve chapters).
NUMERALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二")
HEADINGS = {
    "summary": "复核基本情况",
    "basis": "复核依据",
    "method": "复核方法",
    "scores": "自评得分与复核得分对照",
    "deviation": "偏离度分析",
    "ranking": "同类单位复核得分排名",
    "findings": "复核发现的问题",
    "sample": "重点复核抽样",
    "rectification": "整改要求",
    "application": "结果应用建议",
    "reviewers": "复核人员评分一致性",
}

#: The body's tables (their ``key``) and figures in the order the page shows them (bureau.html.j2): the one
#: numbering, 表 1 … and 图 1 …, follows it (:func:`evaltools.report.bureau.rows.number`).
TABLES = (
    "failures", "coverage", "risk", "strata", "scores", "grades", "deviation", "indicators", "inflation", "ranking",
    "kinds", "found_units", "sample", "rectification", "tiers", "proposals", "consistency",
)  # fmt: skip
FIGURES = ("scores", "deviation", "inflation", "findings")

# ----------------------------------------------------------------------------- sections


def _coverage(review: object, forms: pd.DataFrame) -> SimpleNamespace:
    projects = int((forms["kind"] == "project").sum())
    return SimpleNamespace(
        units=fmt.num(forms["unit"].nunique(), 0),
        forms=fmt.num(len(forms), 0),
        projects=fmt.num(projects, 0),
        departments=fmt.num(len(forms) - projects, 0),
        amount=fmt.wan(forms["budget"].sum(min_count=1)),
        spent=fmt.wan(forms["spent"].sum(min_count=1)),
        unknown=int(forms["reviewed_score"].isna().sum()),
    )


def _coverage_table(forms: pd.DataFrame) -> SimpleNamespace:
    """Per peer group: units, forms, amount, known scores."""
    groups = forms.groupby("peer_group", sort=True, dropna=False)
    rows = [
        [
            str(name),
            fmt.num(g["unit"].nunique(), 0),
            fmt.num(len(g), 0),
            fmt.wan(g["budget"].sum(min_count=1)),
            fmt.num(int(g["reviewed_score"].notna().sum()), 0),
        ]
        for name, g in groups
    ]
    columns = [("单位性质", ""), ("单位", "n"), ("自评表", "n"), ("预算（万元）", "n"), ("可确定复核得分", "n")]
    return table("复核范围（按单位性质）", columns, rows, key="coverage")


def _conclusions(review: object, forms: pd.DataFrame, found: pd.DataFrame) -> list[str]:
    """The overall conclusions, each one sentence with its figure; what cannot be computed said so, never as 0."""
    threshold = review.book.deviation.threshold
    dev = forms["deviation"]
    n_beyond = int(forms["beyond"].sum())
    known, unknown = int(dev.notna().sum()), int(dev.isna().sum())
    found_problems = problems(found)
    p0 = found_problems[found_problems["level"] == "P0"]
    first = (
        f"经复核，{fmt.num(known, 0)} 张可计算偏离度的自评表中，{fmt.num(n_beyond, 0)} 张偏离度绝对值超过 "
        f"{fmt.pct(threshold, 0)}，自评结果存在较大偏差；其余 {fmt.num(known - n_beyond, 0)} 张基本真实。"
        if known
        else f"经复核，{fmt.num(unknown, 0)} 张自评表的偏离度均无法计算（自评得分未公布或复核得分无法确定），"
        "不对自评结果的真实性作出判断。"
    )
    lines = [
        first,
        f"共发现问题 {fmt.num(len(found_problems), 0)} 项，涉及 {fmt.num(found_problems['form'].nunique(), 0)} 张自评表、"
        f"{fmt.num(found_problems['unit'].nunique(), 0)} 个单位，其中重大问题（P0）{fmt.num(len(p0), 0)} 项。",
    ]
    if unknown and known:
        lines.append(f"{fmt.num(unknown, 0)} 张自评表的自评得分或复核得分无法确定，偏离度无法计算。")
    units = review.deviations.units
    if units["deviation"].notna().any():
        high = units[beyond(units)]
        lines.append(
            f"按单位汇总，{fmt.num(len(high), 0)} 个单位的单位偏离度绝对值超过 {fmt.pct(threshold, 0)}"
            f"（见“{HEADINGS['deviation']}”）。"
        )
    return lines


def _failures(review: object) -> SimpleNamespace:
    f = review.source.failures
    rows = [[r.file, r.part or "—", chinese_part(r.reason)] for r in f.itertuples(index=False)]
    return table("无法读取、未纳入复核的文件", [("文件", ""), ("表", ""), ("原因", "")], rows, key="failures")


def _sample_view(review: object, forms: pd.DataFrame) -> SimpleNamespace:
    s, settings = review.sample, review.book.sample
    cov = s.coverage
    seed = s.seed
    shares = "；".join(f"{k}风险 {fmt.pct(settings.shares[k], 0)}" for k in settings.strata)
    text = (
        f"按风险分将自评表分为高、中、低三层，各层按比例随机抽取（{shares}，每层至少 {settings.minimum} 张，不足的全部抽取"
        f"{'；高风险自评表全部纳入' if settings.always_high else ''}），随机数种子为 {seed}，同一种子、同一批自评表抽出的样本相同，可复现。"
        f"样本覆盖{_coverage_text(cov)}。抽样结果只确定重点复核的对象，未抽中的自评表同样经过全面重算和跨表核查。"
    )
    strata = forms.groupby("risk_level", dropna=False).agg(
        n=("form", "size"), sampled=("sampled", "sum"), amount=("budget", "sum")
    )
    rows = [
        [
            str(level) if level == level else UNKNOWN,
            fmt.num(r.n, 0),
            fmt.num(r.sampled, 0),
            fmt.pct(r.sampled / r.n if r.n else np.nan),
            fmt.wan(r.amount),
        ]
        for level, r in strata.reindex([x for x in settings.strata if x in strata.index]).iterrows()
    ]
    columns = [("风险层", ""), ("自评表", "n"), ("抽中", "n"), ("抽样比例", "n"), ("预算（万元）", "n")]
    chosen = forms[forms["sampled"]].sort_values("risk_rank", kind="stable")
    listed = [
        [r.unit, r.project or "部门整体", r.stratum, fmt.num(r.risk, 3), r.reason]
        for r in chosen.head(TOP * 2).itertuples(index=False)
    ]
    list_columns = [("单位", ""), ("自评表", ""), ("风险层", ""), ("风险分", "n"), ("抽中原因", "")]
    note = (
        f"仅列风险分最高的 {TOP * 2} 张，共抽中 {len(chosen)} 张，全部见复核汇总.xlsx（自评表，“抽中”列）。"
        if len(chosen) > TOP * 2
        else ""
    )
    return SimpleNamespace(
        text=text,
        strata=table("分层抽样", columns, rows, key="strata"),
        list_text=f"按上述方法共抽中 {fmt.num(len(chosen), 0)} 张自评表作为重点复核对象，覆盖{_coverage_text(cov)}。",
        table=table("重点复核自评表", list_columns, listed, note, widths=[30, 22, 9, 10, 29], key="sample"),
    )


def _coverage_text(cov: dict) -> str:
    """units / forms / amount reached by the sample: n of N (share)."""
    parts = []
    for key, what, unit in (("units", "单位", "个"), ("forms", "自评表", "张"), ("amount", "预算资金", "万元")):
        c = cov.get(key) if isinstance(cov, dict) else None
        if c is None:
            continue
        show = fmt.wan if key == "amount" else (lambda v: fmt.num(v, 0))
        parts.append(f"{what} {show(c['n'])} {unit}（共 {show(c['N'])} {unit}，占 {fmt.pct(c['share'])}）")
    return "、".join(parts) or "—"


def _scores_view(review: object, forms: pd.DataFrame) -> tuple[SimpleNamespace, str]:
    reviewers = review.scores is not None
    kinds = [("自评得分", forms["self_score"]), ("重算得分", forms["computed_score"])]
    if reviewers:
        kinds.append(("复核得分", forms["reviewed_score"]))
    long = pd.concat([pd.DataFrame({"which": k, "score": v.to_numpy()}) for k, v in kinds], ignore_index=True)
    rows = [
        [
            k,
            fmt.num(int(v.notna().sum()), 0),
            fmt.num(int(v.isna().sum()), 0),
            score_text(v.mean()),
            score_text(v.median()),
            score_text(v.min()),
            score_text(v.max()),
            fmt.num(int((v >= 100 - 1e-9).sum()), 0),
        ]
        for k, v in kinds
    ]
    columns = [
        ("得分", ""),
        ("可确定", "n"),
        ("未公布或无法计算", "n"),
        ("平均", "n"),
        ("中位数", "n"),
        ("最低", "n"),
        ("最高", "n"),
        ("满分", "n"),
    ]
    source = (
        "复核人员填写的复核底稿（复核得分为各指标复核得分之和；未填写的自评表以重算得分为准）"
        if reviewers
        else "按评分规则重算的得分"
    )
    text = f"复核得分取自{source}。自评得分、重算得分{'和复核得分' if reviewers else ''}的分布如下图，统计见{ref('scores')}。"
    empty = None if long["score"].notna().any() else "全部得分均无法计算"
    caption = "得分分布" if empty else figure("scores", "得分分布")
    chart = charts.chart_html(charts.score_distributions, caption, long, empty=empty)
    return SimpleNamespace(text=text, table=table("得分统计（分）", columns, rows, key="scores")), chart


def _grades_view(review: object, forms: pd.DataFrame) -> SimpleNamespace:
    """Self grade × reviewed grade (the rule set's bands over the reviewed score; 无法计算 where it is unknown);
    grade names as the rule set's bands name them (良好 = 良)."""
    from evaltools.scoring.grading import grade, grade_band_names

    rules = review.rules
    synonyms = (rules.audit.get("grade_synonyms") or {}) if rules is not None else {}
    self_grade = pd.Series(grade_band_names(forms["self_grade"], synonyms), index=forms.index)
    self_grade = self_grade.where(self_grade.notna(), "未公布")
    reviewed = grade(forms["reviewed_score"], rules.grade_bands) if rules is not None else forms["computed_grade"]
    reviewed = pd.Series(np.asarray(reviewed, dtype=object), index=forms.index)
    reviewed = reviewed.where(forms["reviewed_score"].notna() & reviewed.notna(), UNKNOWN)
    order = [*dict.fromkeys(rules.grade_bands["grade"])] if rules is not None else []
    cross = pd.crosstab(self_grade, reviewed)
    cross = cross.reindex(
        index=_ordered(cross.index, order, "未公布"), columns=_ordered(cross.columns, order, UNKNOWN), fill_value=0
    )
    changed = int(((self_grade != reviewed) & (reviewed != UNKNOWN) & (self_grade != "未公布")).sum())
    columns = [("自评等级 \\ 复核等级", "")] + [(str(c), "n") for c in cross.columns] + [("合计", "n")]
    rows = [[str(i)] + [fmt.num(v, 0) for v in r] + [fmt.num(r.sum(), 0)] for i, r in cross.iterrows()]
    text = (
        f"复核等级按复核得分对照评分规则的等级划分确定。{fmt.num(changed, 0)} 张自评表的复核等级与自评等级不同"
        f"（见{ref('grades')}；行为自评等级，列为复核等级）。"
    )
    return SimpleNamespace(text=text, table=table("自评等级与复核等级（张）", columns, rows, key="grades"))


def _ordered(found: pd.Index, order: list[str], last: str) -> list[str]:
    """The grades found in the rule set's band order (优 良 中 差), others after them, ``last`` at the end."""
    known = [g for g in order if g in found]
    return known + sorted(g for g in found if g not in order and g != last) + ([last] if last in found else [])


DEVIATION_COLUMNS = [
    ("单位", ""),
    ("自评得分合计", "n"),
    ("复核得分合计", "n"),
    ("单位偏离度", "n"),
    ("超过阈值", ""),
    ("自评表", "n"),
    ("其中偏差较大", "n"),
]


def _deviation_view(review: object, forms: pd.DataFrame) -> tuple[SimpleNamespace, str]:
    """偏离度 by unit: the units with the largest |单位偏离度| (the rule book's unit formula), and the chart."""
    threshold = review.book.deviation.threshold
    units = review.deviations.units
    known = units[units["deviation"].notna()]
    ranked = known.reindex(known["deviation"].abs().sort_values(ascending=False, kind="stable").index)
    counts = forms.groupby("unit").agg(n=("form", "size"), beyond=("beyond", "sum"))
    rows = []
    for r in ranked.head(TOP).itertuples(index=False):
        c = counts.loc[r.unit] if r.unit in counts.index else None
        rows.append(
            [
                r.unit,
                score_text(getattr(r, "self_total", np.nan)),
                score_text(getattr(r, "reviewed_total", np.nan)),
                fmt.share(r.deviation),
                "是" if r.beyond is True else "否",
                fmt.num(c["n"], 0) if c is not None else "—",
                fmt.num(c["beyond"], 0) if c is not None else "—",
            ]
        )
    unknown = len(units) - len(known)
    text = (
        f"单位偏离度按“{review.book.deviation.unit_formula}”计算，正数表示自评高于复核。{fmt.num(len(known), 0)} 个单位可计算，"
        f"其中 {fmt.num(int(beyond(known).sum()), 0)} 个超过 {fmt.pct(threshold, 0)}"
        + (f"；{fmt.num(unknown, 0)} 个单位无自评得分与复核得分均可确定的自评表，单位偏离度无法计算" if unknown else "")
        + "。"
    )
    bars = pd.DataFrame(
        {"name": ranked["unit"].head(TOP).to_numpy(), "value": ranked["deviation"].head(TOP).to_numpy()}
    )
    chart = charts.chart_html(
        charts.unit_bars,
        figure("deviation", f"单位偏离度（绝对值最大的 {len(bars)} 个单位，虚线为 ±{fmt.pct(threshold, 0)}）")
        if len(bars)
        else "单位偏离度图",
        bars,
        "单位偏离度",
        threshold,
        empty=None if len(bars) else "全部单位的偏离度均无法计算",
    )
    note = cut(known, "单位", "复核汇总.xlsx")
    return SimpleNamespace(
        text=text,
        table=table(
            "单位偏离度",
            DEVIATION_COLUMNS,
            rows,
            note,
            empty="各单位的偏离度均无法计算，不列表。",
            widths=[26, 12, 12, 12, 10, 12, 16],
            key="deviation",
        ),
    ), chart


def _indicator_deviations(review: object) -> SimpleNamespace:
    """The indicators with the largest |指标偏离度| ((指标自评得分 − 指标复核得分) ÷ 分值, as the rule book states it)."""
    ind = review.deviations.indicators
    known = ind[ind["deviation"].notna()]
    off = known[known["deviation"] != 0]
    ranked = off.reindex(off["deviation"].abs().sort_values(ascending=False, kind="stable").index).head(TOP)
    forms = review.frames.forms.set_index("form")["project"]
    rows = [
        [
            r.unit,
            forms.get(r.form) or "部门整体",
            r.level3,
            score_text(r.weight),
            score_text(r.self_score),
            score_text(r.reviewed_score),
            fmt.share(r.deviation),
            r.source,
        ]
        for r in ranked.itertuples(index=False)
    ]
    columns = [("单位", ""), ("自评表", ""), ("三级指标", ""), ("分值", "n"), ("自评得分", "n"), ("复核得分", "n")]
    columns += [("指标偏离度", "n"), ("复核得分来源", "")]
    text = (
        f"指标偏离度按“{review.book.deviation.indicator_formula}”计算。{fmt.num(len(known), 0)} 项指标可计算"
        f"（另 {fmt.num(len(ind) - len(known), 0)} 项自评表未列指标得分或复核得分无法确定，无法计算），"
        f"其中 {fmt.num(len(off), 0)} 项不为 0，下表列绝对值最大的指标。"
    )
    caption = "指标偏离度（绝对值最大的指标）"
    empty = "可计算的指标偏离度均为 0，不列表。"
    return SimpleNamespace(text=text, table=table(caption, columns, rows, empty=empty, key="indicators"))


def _inflation_view(review: object) -> tuple[SimpleNamespace, str]:
    """Score inflation by unit: mean (自评 − 复核) over the unit's forms where both are known."""
    frame = review.inflation
    known = frame[frame["inflation"].notna()].sort_values("inflation", ascending=False, kind="stable")
    rows = [
        [
            r.unit,
            fmt.num(r.compared, 0),
            score_text(r.self_mean),
            score_text(r.reviewed_mean),
            fmt.signed(r.inflation),
            fmt.num(r.full_marks, 0),
        ]
        for r in known.head(TOP).itertuples(index=False)
    ]
    columns = [
        ("单位", ""),
        ("可比自评表", "n"),
        ("自评平均", "n"),
        ("复核平均", "n"),
        ("虚高（分）", "n"),
        ("自评满分", "n"),
    ]
    high = known[known["inflation"] > 0]
    text = (
        f"自评虚高 = 单位各自评表自评得分的平均 − 复核得分的平均（仅计两者均可确定的自评表）。{fmt.num(len(high), 0)} 个单位自评高于复核，"
        f"下表列虚高最多的单位。"
    )
    bars = pd.DataFrame({"name": known["unit"].head(TOP).to_numpy(), "value": known["inflation"].head(TOP).to_numpy()})
    chart = charts.chart_html(
        charts.unit_bars,
        figure("inflation", f"自评虚高（分，最多的 {len(bars)} 个单位）") if len(bars) else "自评虚高图",
        bars,
        "自评虚高（自评 − 复核，分）",
        None,
        False,
        empty=None if len(bars) else "全部单位的自评虚高均无法计算",
    )
    return SimpleNamespace(
        text=text,
        table=table(
            "自评虚高（按单位）",
            columns,
            rows,
            cut(known, "单位", "复核汇总.xlsx"),
            empty="各单位的自评虚高均无法计算，不列表。",
            key="inflation",
        ),
    ), chart


def _ranking_view(review: object) -> SimpleNamespace:
    """Ranking within each peer group (单位性质): the top and bottom units by mean reviewed score."""
    frame = review.ranking
    groups = []
    for name, g in frame.groupby("peer_group", sort=True):
        g = g.sort_values("rank", kind="stable")
        shown = g if len(g) <= TOP else pd.concat([g.head(TOP // 2), g.tail(TOP // 2)])
        rows = [
            [
                fmt.num(r.rank, 0) if r.rank == r.rank else UNKNOWN,
                r.unit,
                fmt.num(r.forms, 0),
                score_text(r.reviewed_mean),
            ]
            for r in shown.itertuples(index=False)
        ]
        note = f"本组共 {len(g)} 个单位，仅列前 {TOP // 2} 名和后 {TOP // 2} 名。" if len(g) > TOP else ""
        groups.append(
            table(
                f"{name}（{len(g)} 个单位）",
                [("名次", "n"), ("单位", ""), ("自评表", "n"), ("复核得分（平均）", "n")],
                rows,
                note,
                key="ranking",
            )
        )
    text = "按单位性质分组，以单位各自评表复核得分的平均值排名（复核得分无法确定的不参与排名）。排名用于同类单位之间比较，不同组之间不可直接比较。"
    return SimpleNamespace(text=text, groups=groups)


def _kind_row(r: object) -> list[str]:
    """One row of the findings by kind: level, item, dimension, wording, findings, forms, units."""
    item = r.item if isinstance(r.item, str) else "—"
    return [r.level, item, r.dimension, r.label, fmt.num(r.count, 0), fmt.num(r.forms, 0), fmt.num(r.units, 0)]


def _findings_view(review: object, found: pd.DataFrame) -> tuple[SimpleNamespace, str]:
    found_problems = problems(found)
    kinds = found_problems.groupby(["level", "dimension", "code", "label"], dropna=False, sort=False).agg(
        count=("form", "size"), forms=("form", "nunique"), units=("unit", "nunique"), item=("item", "first")
    )
    kinds = kinds.reset_index().sort_values(["level", "count"], ascending=[True, False], kind="stable")
    rows = [_kind_row(r) for r in kinds.itertuples(index=False)]
    columns = [
        ("等级", ""),
        ("条目", ""),
        ("复核维度", ""),
        ("问题", ""),
        ("发现", "n"),
        ("自评表", "n"),
        ("单位", "n"),
    ]
    by_unit = pd.crosstab(found_problems["unit"], found_problems["level"]).reindex(
        columns=["P0", "P1", "P2"], fill_value=0
    )
    by_unit = by_unit.assign(total=by_unit.sum(axis=1)).sort_values(["P0", "total"], ascending=False, kind="stable")
    unit_rows = [[u, *(fmt.num(v, 0) for v in r)] for u, r in by_unit.head(TOP).iterrows()]
    unit_columns = [("单位", ""), ("P0", "n"), ("P1", "n"), ("P2", "n"), ("合计", "n")]
    text = (
        f"复核共发现问题 {fmt.num(len(found_problems), 0)} 项（P0 重大 {fmt.num(int((found_problems['level'] == 'P0').sum()), 0)} 项、"
        f"P1 较重 {fmt.num(int((found_problems['level'] == 'P1').sum()), 0)} 项、P2 一般 {fmt.num(int((found_problems['level'] == 'P2').sum()), 0)} 项），"
        f"按扣分标准条目归类如{ref('kinds')}，按单位见{ref('found_units')}；"
        "每项问题的位置、事实和核验依据见复核问题清单.xlsx。"
    )
    counts = (
        kinds.groupby(["label", "level"], sort=False)["count"].sum().reset_index().rename(columns={"level": "severity"})
    )
    counts = counts.sort_values("count", ascending=False, kind="stable").head(TOP)
    chart = charts.chart_html(
        charts.findings_by_kind,
        figure("findings", "复核发现（按问题类别）") if len(counts) else "复核发现图",
        counts,
        empty=None if len(counts) else "未发现问题",
    )
    view = SimpleNamespace(
        text=text,
        by_kind=table(
            "复核发现按问题类别",
            columns,
            rows,
            "“自评表”为 0 的问题针对单位的汇总数据（如单位总分），不针对某一张自评表。"
            if (kinds["forms"] == 0).any()
            else "",
            widths=[7, 8, 13, 36, 12, 12, 12],
            key="kinds",
        ),
        by_unit=table(
            "复核发现按单位", unit_columns, unit_rows, cut(by_unit, "单位", "复核汇总.xlsx"), key="found_units"
        ),
    )
    return view, chart


def _source_text(review: object) -> str:
    s = review.source
    what = {"forms": "自评表文件", "dataset": "数据集", "mixed": "自评表文件和数据集"}.get(s.kind, "")
    files = f"，读取文件 {fmt.num(s.files, 0)} 个" if s.files else ""
    return f"{what}：{'、'.join(s.paths) or '—'}{files}"


def _years(forms: pd.DataFrame) -> str:
    years = sorted({int(y) for y in forms["year"].dropna()})
    return "、".join(str(y) for y in years) or "—"


def build_view(review: object, reviewer: str | None = None, title: str | None = None) -> SimpleNamespace:
    """Everything the bureau report's template shows, computed once."""
    from evaltools.report.bureau import lists

    forms = form_table(review)
    found = findings_frame(review)
    scores, score_chart = _scores_view(review, forms)
    deviation, deviation_chart = _deviation_view(review, forms)
    inflation, inflation_chart = _inflation_view(review)
    findings, findings_chart = _findings_view(review, found)
    sample = _sample_view(review, forms)
    numbered = {
        k: f"{NUMERALS[i]}、{v}"
        for i, (k, v) in enumerate(h for h in HEADINGS.items() if h[0] != "reviewers" or review.scores is not None)
    }
    view = SimpleNamespace(
        title=title or title_of(review),
        document=BUREAU,
        reviewer=reviewer,
        reviewer_shown=reviewer or REVIEWER_BLANK,
        date=_dt.date.today().isoformat(),
        synthetic=bool(review.source.synthetic),
        years=_years(forms),
        source_text=_source_text(review),
        rules_title=review.rules.title if review.rules is not None else "—",
        headings=numbered,
        coverage=_coverage(review, forms),
        coverage_table=_coverage_table(forms),
        failures=_failures(review),
        conclusions=_conclusions(review, forms, found),
        book=book_view(review),
        risk_parts=risk_parts(review),
        sample=sample,
        scores=scores,
        grades=_grades_view(review, forms),
        deviation=deviation,
        indicator_deviation=_indicator_deviations(review),
        inflation=inflation,
        ranking=_ranking_view(review),
        findings=findings,
        charts=SimpleNamespace(
            scores=score_chart, deviation=deviation_chart, inflation=inflation_chart, findings=findings_chart
        ),
        rectification=lists.rectification(review, forms, found),
        application=lists.application(review, forms),
        reviewers=lists.reviewers(review, forms),
        units=lists.units_appendix(review, forms, found),
        forms=lists.forms_appendix(review, forms, found),
        files_text="复核问题清单.xlsx、整改台账.xlsx 和复核底稿文件夹与本报告写在同一文件夹中。",
    )
    return number(view, TABLES, FIGURES)
