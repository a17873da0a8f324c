"""The review in a few lines (the command line prints them): coverage, findings by P-level, 偏离度 beyond the
threshold, the sample and its coverage."""

from __future__ import annotations

from evaltools import fmt
from evaltools.report.bureau.rows import findings_frame, problems

__all__ = ["summary_lines"]


def summary_lines(review: object) -> list[str]:
    """Four lines, Chinese and English, each with its figures."""
    forms = review.frames.forms
    issues = problems(findings_frame(review))
    levels = issues["level"].value_counts()
    threshold = review.book.deviation.threshold
    dev = review.deviations.forms["deviation"]
    beyond = int((dev.abs() > threshold + 1e-12).sum())
    cov = review.sample.coverage
    n = len(review.sample.frame)
    amount = cov.get("amount", {}) if isinstance(cov, dict) else {}
    return [
        f"复核 / reviewed: {forms['unit'].nunique()} 个单位 units, {len(forms)} 张自评表 forms, "
        f"预算 {fmt.wan(forms['budget'].sum(min_count=1))} 万元",
        f"问题 / findings: {len(issues)} (P0 {int(levels.get('P0', 0))}, P1 {int(levels.get('P1', 0))}, "
        f"P2 {int(levels.get('P2', 0))})",
        f"偏离度 / deviation: {beyond} 张超过 / forms beyond {fmt.pct(threshold, 0)}, "
        f"{int(dev.isna().sum())} 张无法计算 / unknown",
        f"抽样 / sample: {n} 张 forms, 覆盖资金 / amount covered {fmt.pct(amount.get('share'))}",
    ]
