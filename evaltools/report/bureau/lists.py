"""The bureau report's lists of units and forms: units to 整改, the 结果应用 proposals (each a proposal with its
evidence, never a decision), the reviewers' deduction consistency, the per-unit 复核意见 and the per-form findings."""

from __future__ import annotations

import re
from types import SimpleNamespace
from urllib.parse import quote

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.report.bureau.rows import TOP, UNKNOWN, beyond, problems, score_text, table

__all__ = [
    "rectification",
    "rectification_levels",
    "application",
    "reviewers",
    "units_appendix",
    "forms_appendix",
    "OPINIONS",
    "opinion_href",
]

#: The folder, beside the report, of the units' 复核意见 (``evaltools run YEAR --document review``).
OPINIONS = "复核意见"
#: Forms listed with their findings in 附件 3 at most.
FORMS_LISTED = 40


def opinion_href(unit: str, year: object) -> str:
    """Where a dataset unit's 复核意见 is, relative to the report: 复核意见/<unit>/<year>/review.html."""
    return f"{OPINIONS}/{quote(str(unit))}/{year}/review.html"


def rectification_levels(book: object) -> tuple[str, ...]:
    """The issue levels the 整改台账 lists and the report's 整改要求 names, read in one place: the rule book's
    ``rectification.levels`` when it states them, else the 整改台账 writer's default (``write_rectification``)."""
    import inspect

    from evaltools.report.bureau.issue_list import write_rectification

    given = getattr(book, "rectification", None)
    levels = given.get("levels") if isinstance(given, dict) else getattr(given, "levels", None)
    if levels is None:
        levels = inspect.signature(write_rectification).parameters["levels"].default
    return tuple(levels)


def rectification(review: object, forms: pd.DataFrame, found: pd.DataFrame) -> SimpleNamespace:
    """Units to 整改, as the 整改台账 lists them: every unit with an issue of :func:`rectification_levels` (the
    台账's rows, numbered as the 复核问题清单), and every unit with a form whose |偏离度| exceeds the threshold;
    with its forms, issues by level and a blank 整改期限."""
    from evaltools.report.bureau.issue_list import classify, numbered

    levels = list(rectification_levels(review.book))
    deadline = getattr(getattr(review.book, "rectification", None), "deadline", None) or ""  # as the 台账 prints it
    threshold = review.book.deviation.threshold
    ledger = numbered(classify(review.frames, review.book), review.frames.forms)
    ledger = ledger[ledger["level"].isin(levels)]
    far = forms[forms["beyond"]]
    counts = pd.crosstab(ledger["unit"], ledger["level"]).reindex(columns=levels, fill_value=0)
    counts = counts.reindex(counts.index.union(pd.Index(far["unit"].unique())), fill_value=0)
    counts["far"] = far.groupby("unit").size().reindex(counts.index, fill_value=0)
    counts = counts.sort_values([*levels, "far"], ascending=False, kind="stable")
    named = pd.concat([ledger[["unit", "project"]], far[["unit", "project"]]])
    named = named.assign(project=named["project"].where(named["project"].notna(), "部门整体"))
    projects = named.groupby("unit")["project"].agg(lambda s: "、".join(dict.fromkeys(s)))
    what = ledger.groupby("unit")["finding"].agg(lambda s: "、".join(dict.fromkeys(s.dropna())))
    rows = [
        [unit, _short(projects.get(unit, ""), 30), *(fmt.num(c[lv], 0) for lv in levels), fmt.num(c["far"], 0)]
        + [_short(what.get(unit, "") or "自评得分偏高", 40), deadline]
        for unit, c in counts.iterrows()
    ]
    columns = [("单位", ""), ("自评表", ""), *((lv, "n") for lv in levels), ("偏差较大", "n")]
    columns += [("需整改的问题", ""), ("整改期限", "")]
    named_levels = "、".join(levels)
    text = (
        f"复核发现的 {named_levels} 级问题共 {fmt.num(len(ledger), 0)} 项，已逐项列入整改台账.xlsx；"
        f"存在上述问题或有自评表偏离度绝对值超过 {fmt.pct(threshold, 0)} 的 {fmt.num(len(counts), 0)} 个单位应当整改，"
        "对照复核问题清单逐项核实更正，重新公开更正后的自评结果，并在整改期限内将整改情况填入整改台账报送。"
        "下一年度复核时读回整改台账，核查整改是否到位。“偏差较大”为偏离度绝对值超过阈值的自评表张数。"
        if len(counts)
        else f"本次复核未发现 {named_levels} 级问题，也没有偏离度绝对值超过 {fmt.pct(threshold, 0)} 的自评表，"
        "不提出整改要求。"
    )
    widths = [20, 18, *([6] * len(levels)), 10, 42 - 6 * len(levels), 10]
    note = cut_rows(len(rows), TOP, "单位", "整改台账.xlsx")
    return SimpleNamespace(
        text=text,
        table=table("需整改的单位", columns, rows[:TOP], note, widths=widths, key="rectification"),
        prior=_prior_text(review, problems(found)),
    )


def cut_rows(n: int, shown: int, what: str, where: str) -> str:
    return f"仅列前 {shown} 个{what}，共 {n} 个，全部见{where}。" if n > shown else ""


def _short(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _prior_text(review: object, issues: pd.DataFrame) -> str:
    """Last year's problems read back (--prior): how many are found again this year (the same unit and code)."""
    prior = review.prior
    if prior is None or not len(prior):
        return ""
    now = set(zip(issues["unit"], issues["code"]))
    again = sum((u, c) in now for u, c in zip(prior["unit"], prior["code"]))
    return (
        f"上年度复核问题清单列明问题 {fmt.num(len(prior), 0)} 项，本年度复核中同一单位仍存在同类问题 {fmt.num(again, 0)} 项，"
        "已计入风险评分的“持续性”因素。"
    )


def application(review: object, forms: pd.DataFrame) -> SimpleNamespace:
    """The 结果应用 proposal: forms per tier with their amount, and each form proposed for a cut with its evidence."""
    tiers = review.book.tiers
    counted = forms.groupby("tier", dropna=False).agg(n=("form", "size"), amount=("budget", "sum"))
    tier_rows = []
    for t in tiers.sort_values("lower", ascending=False).itertuples(index=False):
        c = counted.loc[t.tier] if t.tier in counted.index else None
        band = f"{fmt.score(t.lower)} {'≤' if t.lower_inclusive else '<'} 复核得分 {'≤' if t.upper_inclusive else '<'} {fmt.score(t.upper)}"
        tier_rows.append(
            [t.tier, band, t.wording, fmt.num(0 if c is None else c["n"], 0), fmt.wan(0 if c is None else c["amount"])]
        )
    unknown = forms["tier"].isna() | (forms["tier"] == UNKNOWN) | forms["reviewed_score"].isna()
    withheld = forms["tier"].isna() & forms["reviewed_score"].notna()  # missing 完成值: to be completed first
    tier_rows += _untiered_rows(review.book.missing_actuals, forms, unknown, withheld)
    columns = [("档次", ""), ("复核得分", ""), ("建议", ""), ("自评表", "n"), ("预算（万元）", "n")]
    cuts = forms[forms["adjustment"].notna() & ~unknown].sort_values(
        ["adjustment", "budget"], ascending=False, kind="stable"
    )
    rows = [
        [
            r.unit,
            r.project or "部门整体",
            "未公布" if fmt.is_missing(r.self_score) else fmt.score(r.self_score),
            score_text(r.reviewed_score),
            f"建议{_wording(r)}（约 {fmt.wan(r.budget * r.adjustment)} 万元）"
            if r.budget == r.budget
            else f"建议{_wording(r)}",
            _short(str(r.evidence or ""), 80),
        ]
        for r in cuts.head(TOP).itertuples(index=False)
    ]
    text = (
        "根据复核得分，对照结果应用档次，提出下一年度预算安排的建议如下。以下均为建议，供预算编制时参考，"
        "不是预算安排的决定；复核得分无法确定的自评表不提出建议。"
    ) + (
        f"另有 {fmt.num(int(withheld.sum()), 0)} 张自评表未填完成值的指标分值占比达 "
        f"{fmt.pct(review.book.missing_actuals.share)} 以上，重算得分反映的是未填报而非绩效，不提出建议，应补报后复核。"
        if withheld.any()
        else ""
    )
    proposal_columns = [("单位", ""), ("自评表", ""), ("自评得分", "n"), ("复核得分", "n"), ("建议", ""), ("依据", "")]
    note = cut_rows(len(cuts), TOP, "项建议", "复核汇总.xlsx（自评表）")
    return SimpleNamespace(
        text=text,
        tiers=table("结果应用档次", columns, tier_rows, key="tiers"),
        table=table(
            "建议核减或暂停安排的项目",
            proposal_columns,
            rows,
            note,
            empty="无建议核减的项目。",
            widths=[18, 14, 9, 9, 20, 30],
            key="proposals",
        ),
    )


def _untiered_rows(missing: object, forms: pd.DataFrame, unknown: pd.Series, withheld: pd.Series) -> list[list]:
    """The 结果应用 table's rows of forms given no tier: 无法计算 (always shown) and 完成值缺失 (when there are any:
    a recomputed score resting on missing 完成值, the rule book's ``missing_actuals``)."""
    rows = []
    for label, band, wording, which in (
        (UNKNOWN, "复核得分无法确定", "不提出建议", unknown & ~withheld),
        ("完成值缺失", f"未填完成值的指标分值占比 ≥ {fmt.pct(missing.share)}", missing.wording, withheld),
    ):
        if label == UNKNOWN or which.any():
            rows.append([label, band, wording, fmt.num(int(which.sum()), 0), fmt.wan(forms.loc[which, "budget"].sum())])
    return rows


def _wording(row: object) -> str:
    return str(row.tier) if not isinstance(getattr(row, "wording", None), str) else row.wording


#: The deduction-consistency table's headings (columns of :func:`evaltools.scoring.review.compute.deduction_consistency`).
CONSISTENCY = {
    "item": "条目", "dimension": "复核维度", "description": "问题", "measure": "比较口径", "expected": "标准扣分",
    "forms": "自评表", "low": "最少扣分", "high": "最多扣分", "values": "各处扣分",
}  # fmt: skip


def reviewers(review: object, forms: pd.DataFrame) -> SimpleNamespace | None:
    """The reviewers' scores read back (--scores): how many forms they scored in full or in part, and the
    rule-book items whose deductions differ between forms (the same item should deduct the same everywhere)."""
    if review.scores is None:
        return None
    by_reviewer = review.reviewed["source"] == "复核人员"
    full = int((by_reviewer & review.reviewed["reviewed_score"].notna()).sum())
    part = int((by_reviewer & review.reviewed["reviewed_score"].isna()).sum())
    c = review.consistency if review.consistency is not None else pd.DataFrame(columns=list(CONSISTENCY))
    rows = [
        [
            r.item,
            r.dimension,
            r.description,
            "分值比例" if r.measure == "share" else "分",
            "按重算" if fmt.is_missing(r.expected) else _cell(r.expected),
            fmt.num(r.forms, 0),
            _cell(r.low),
            _cell(r.high),
            r.values,
        ]
        for r in c.head(TOP * 2).itertuples(index=False)
    ]
    text = (
        f"复核人员在复核底稿中为 {fmt.num(full, 0)} 张自评表填写了全部复核得分，复核得分取其各行之和"
        + (f"；{fmt.num(part, 0)} 张只填写了部分，复核得分无法计算（空白不计为 0 分）" if part else "")
        + "；其余以重算得分为准。"
        f"同一扣分标准条目在不同自评表中的扣分{'存在不一致，列示如下，请复核组统一口径' if rows else '一致'}。"
    )
    columns = [(v, "n" if k in ("expected", "forms", "low", "high") else "") for k, v in CONSISTENCY.items()]
    return SimpleNamespace(
        text=text,
        table=table(
            "扣分不一致的条目",
            columns,
            rows,
            empty="未发现扣分不一致。",
            widths=[7, 9, 27, 8, 8, 7, 8, 8, 18],
            key="consistency",
        ),
    )


def _cell(value: object) -> str:
    if isinstance(value, float):
        return fmt.score(value) if value == value else "—"
    return "—" if value is None else str(value)


def units_appendix(review: object, forms: pd.DataFrame, found: pd.DataFrame) -> SimpleNamespace:
    """Per unit: forms, scores, 偏离度, the opinion (基本真实 / 存在较大偏差 / 无法计算), and its 复核意见 — the
    unit's own document for a dataset unit, its forms' findings (附件 3) for forms."""
    issues = problems(found)
    p0 = issues[issues["level"] == "P0"].groupby("unit").size()
    table_units = review.deviations.units.set_index("unit")
    units, flagged = table_units["deviation"], beyond(table_units)
    listed = {a.anchor for a in forms_appendix(review, forms, found).items if a.anchor}
    per = forms.groupby("unit", sort=True).agg(
        n=("form", "size"), year=("year", "first"), dataset=("file", lambda f: f.isna().all())
    )
    rows = []
    for unit, r in per.iterrows():
        dev = units.get(unit, np.nan)
        verdict = UNKNOWN if dev != dev else ("存在较大偏差" if flagged.get(unit, False) else "基本真实")
        link = _link(review, unit, r["year"], r["dataset"], listed)
        rows.append([unit, fmt.num(r["n"], 0), fmt.share(dev), verdict, fmt.num(int(p0.get(unit, 0)), 0), link])
    columns = [("单位", ""), ("自评表", "n"), ("单位偏离度", "n"), ("复核意见", ""), ("P0", "n"), ("详见", "")]
    text = (
        "各单位的复核意见如下表。"
        + (
            f"数据集中单位的复核意见另行出具，见各单位复核意见文件（本报告所在文件夹的“{OPINIONS}”文件夹，表中可点击）；"
            if per["dataset"].any()
            else ""
        )
        + "自评表的复核发现见附件 3。"
    )
    shown = 120
    return SimpleNamespace(
        text=text,
        table=table(
            "附表 2　各单位复核意见", columns, rows[:shown], cut_rows(len(rows), shown, "单位", "复核汇总.xlsx")
        ),
    )


def _link(review: object, unit: str, year: object, dataset: bool, listed: set[str]) -> object:
    """The 详见 cell: the unit's 复核意见 where it was written, its forms' findings in 附件 3 where listed, else —."""
    if dataset and unit in review.source.opinions:
        return SimpleNamespace(text="复核意见", href=opinion_href(unit, year))
    if anchor(unit) in listed:
        return SimpleNamespace(text="各表复核发现", href=f"#{anchor(unit)}")
    return "—"


def anchor(unit: object) -> str:
    """An HTML id for a unit's first form in 附件 3."""
    return "u-" + re.sub(r"[^0-9A-Za-z\u4e00-\u9fff]+", "-", str(unit)).strip("-")


def forms_appendix(review: object, forms: pd.DataFrame, found: pd.DataFrame) -> SimpleNamespace:
    """Each form with problems (sampled first, then by risk), with its findings (P-level, wording, message)."""
    issues = problems(found)
    with_issues = forms[forms["form"].isin(set(issues["form"].dropna()))]
    order = with_issues.sort_values(["sampled", "risk_rank"], ascending=[False, True], kind="stable").head(FORMS_LISTED)
    by_form = {k: g for k, g in issues.groupby("form", sort=False)}
    items, seen = [], set()
    for r in order.itertuples(index=False):
        g = by_form[r.form].sort_values("level", kind="stable")
        first = r.unit not in seen
        seen.add(r.unit)
        where = (
            f"{r.file}（{r.part}）"
            if isinstance(r.file, str) and r.part
            else (r.file if isinstance(r.file, str) else "数据集")
        )
        items.append(
            SimpleNamespace(
                anchor=anchor(r.unit) if first else "",
                name=f"{r.unit} · {r.project or '部门整体'}",
                line=f"位置：{where}；自评得分 {'未公布' if fmt.is_missing(r.self_score) else fmt.score(r.self_score)}，复核得分 {score_text(r.reviewed_score)}，偏离度 {fmt.share(r.deviation)}"
                + ("；重点复核抽中" if r.sampled else ""),
                findings=[
                    SimpleNamespace(level=f.level, label=f.label, message=str(f.message))
                    for f in g.head(12).itertuples(index=False)
                ],
            )
        )
    text = (
        f"{fmt.num(len(with_issues), 0)} 张自评表存在问题，下面列出"
        + (f"其中重点复核抽中的和风险分最高的 {len(items)} 张" if len(with_issues) > len(items) else "全部")
        + "，每张列示发现的问题（每张至多 12 项），全部问题见复核问题清单.xlsx。"
    )
    return SimpleNamespace(text=text, items=items)
