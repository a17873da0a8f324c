"""Every label shown to a reader, declared once: severities, indicator directions, qualitative grades.

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
