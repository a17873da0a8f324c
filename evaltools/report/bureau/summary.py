"""The review in a few lines (the command line prints them): coverage, findings by P-level, 偏离度 beyond the
threshold, the sample and its coverage."""

from __future__ import annotations

from evaltools import fmt
from evaltools.report.bureau.rows import beyond, findings_frame, problems

__all__ = ["summary_lines"]


def summary_lines(review: object) -> list[str]:
    """Four lines, Chinese and English, each with its figures."""
    forms = review.frames.forms
    issues = problems(findings_frame(review))
    levels = issues["level"].value_counts()
    threshold = review.book.deviation.threshold
    dev = review.deviations.forms["deviation"]
    n_beyond = int(beyond(review.deviations.forms).sum())
    cov = review.sample.coverage
    n = len(review.sample.frame)
    amount = cov.get("amount", {}) if isinstance(cov, dict) else {}
    return [
        f"复核 / reviewed: {forms['unit'].nunique()} 个单位 units, {len(forms)} 张自评表 forms, "
        f"预算 {fmt.wan(forms['budget'].sum(min_count=1))} 万元",
        f"问题 / findings: {len(issues)} (P0 {int(levels.get('P0', 0))}, P1 {int(levels.get('P1', 0))}, "
        f"P2 {int(levels.get('P2', 0))})",
        f"偏离度 / deviation: {n_beyond} 张超过 / forms beyond {fmt.pct(threshold, 0)}, "
        f"{int(dev.isna().sum())} 张无法计算 / unknown",
        f"抽样 / sample: {n} 张 forms, 覆盖资金 / amount covered {fmt.pct(amount.get('share'))}",
    ]


#: The 复核汇总 workbook's sheets, and each sheet's columns: frame column → heading.
UNIT_COLUMNS = {
    "unit": "单位", "peer_group": "单位性质", "forms": "自评表", "compared": "可比自评表", "self_total": "自评得分合计",
    "reviewed_total": "复核得分合计", "deviation": "单位偏离度", "self_mean": "自评平均", "reviewed_mean": "复核平均",
    "inflation": "自评虚高（分）", "full_marks": "自评满分", "rank": "同类排名", "peers": "同类单位", "P0": "P0",
    "P1": "P1", "P2": "P2",
}  # fmt: skip
FORM_COLUMNS = {
    "form": "自评表", "unit": "单位", "project": "项目", "peer_group": "单位性质", "year": "年度", "file": "文件",
    "budget": "预算（万元）", "spent": "支出（万元）", "execution_rate": "执行率", "self_score": "自评得分",
    "computed_score": "重算得分", "reviewed_score": "复核得分", "source": "复核得分来源", "deviation": "偏离度",
    "tier": "结果应用档次", "wording": "建议", "evidence": "依据", "risk": "风险分", "risk_rank": "风险排名",
    "risk_level": "风险层", "sampled": "抽中", "reason": "抽中原因",
}  # fmt: skip


def summary_tables(review: object) -> dict[str, object]:
    """复核汇总.xlsx's sheets: 单位 (one row per unit: 偏离度, 虚高, ranking, findings by P-level) and 自评表 (one row
    per form: scores, 偏离度, tier, risk, sample), headed in Chinese; figures at full precision."""
    from evaltools.report.bureau.rows import form_table

    forms = form_table(review)
    issues = problems(findings_frame(review))
    counts = issues.pivot_table(index="unit", columns="level", values="code", aggfunc="size", fill_value=0)
    counts = counts.reindex(columns=["P0", "P1", "P2"], fill_value=0)
    units = review.deviations.units.drop(columns=["beyond"], errors="ignore")
    units = units.merge(
        review.inflation[["unit", "self_mean", "reviewed_mean", "inflation", "full_marks"]], on="unit", how="left"
    )
    units = units.merge(review.ranking[["unit", "peer_group", "rank", "peers"]], on="unit", how="left")
    units = units.merge(counts, left_on="unit", right_index=True, how="left").fillna({"P0": 0, "P1": 0, "P2": 0})
    return {
        "单位": units.reindex(columns=list(UNIT_COLUMNS)).rename(columns=UNIT_COLUMNS),
        "自评表": forms.reindex(columns=list(FORM_COLUMNS)).rename(columns=FORM_COLUMNS),
    }
