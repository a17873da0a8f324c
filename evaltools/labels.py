"""Every label shown to a reader, declared once: severities, finding kinds, indicator directions, qualitative grades.

Codes (``error``, ``>=``, ``达成``) are the keys used in data, summary.json and the xlsx; these tables
give what the report, the 自评表 and the index print for them.
"""

from __future__ import annotations

#: Finding severities in the order they are listed (most serious first) and their Chinese labels.
SEVERITY = {"error": "错误", "warning": "警告", "info": "提示"}
SEVERITY_ORDER = {code: i for i, code in enumerate(SEVERITY)}

#: How each canonical indicator direction is printed (指标性质).
DIRECTION = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "range": "区间", "qualitative": "定性"}

#: The three qualitative grades of 财预〔2020〕10号: the short code and the full wording printed on forms.
QUALITATIVE_GRADE = {
    "达成": "达成年度指标",
    "部分达成": "部分达成年度指标并具有一定效果",
    "未达成": "未达成年度指标且效果较差",
}

#: Audit finding codes (the keys of summary.json, the xlsx and CSV) and the label the report prints for each.
FINDING = {
    "COUNT_MISMATCH": "数量不符",
    "COUNT_OK": "数量一致",
    "STATEMENT_MISMATCH": "表述与数据不符",
    "STATEMENT_UNCHECKED": "表述无法核对",
    "SUM_MISMATCH": "合计与分项不符",
    "RATE_FORMULA": "比率计算口径不规范",
    "RATE_MISMATCH": "比率与重算不符",
    "RATE_ROUNDED": "比率核对一致",
    "YEAR_IN_TEXT": "年度表述有误",
    "SPENT_OVER_BUDGET": "支出超过预算",
    "OVERACHIEVED": "大幅超额完成",
    "RANGE_ABOVE": "超出指标区间上限",
    "MISSING_ACTUAL": "缺少实际完成值",
    "FULL_MARKS_BELOW_TARGET": "未达目标却得满分",
    "SCORE_ABOVE_WEIGHT": "得分超过分值",
    "QUALITATIVE_OUT_OF_BAND": "定性得分超出档次区间",
    "WEIGHTS_NOT_100": "分值合计不为 100",
    "CATEGORY_WEIGHTS": "一级指标分值与规则不同",
    "SCORE_DIFFERS": "得分与重算不符",
    "GRADE_MISMATCH": "等级与等级表不符",
    "TOTAL_CHECKED": "总分已核对",
    "TOTAL_DIFFERS": "总分与重算不符",
    "GRADE_BANDS_GAP": "等级表有缺口",
    "GRADE_BANDS_OVERLAP": "等级表有重叠",
    "GRADE_BANDS_ORDER": "等级表顺序有误",
}


def finding_label(code: str) -> str:
    """The Chinese label of a finding code; a code without one (a check added elsewhere) as it is."""
    return FINDING.get(code, code)
