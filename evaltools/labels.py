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

#: Improvement measures suggested for each kind of audit finding （存在的问题及改进措施）.
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
