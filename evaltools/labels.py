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
    "EXECUTION_LOW": "预算执行率偏低的，分析原因并在自评中说明，完善预算编制和支出进度管理。",
    "UNKNOWN_FIGURE": "补齐原表中无法辨认的数字，公开的自评表应清晰完整。",
    "TOTAL_UNKNOWN": "补齐原表中无法辨认的数字后重新核对总分。",
    "COMPLETION_MISMATCH": "按实际完成值 ÷ 年度指标值重新计算完成率。",
    "COEFFICIENT_MISMATCH": "得分系数应等于得分 ÷ 分值，核对后更正。",
    "COST_CONTRADICTS": "成本指标的实际完成值应与资金执行情况一致，核对后更正。",
    "TARGET_BELOW_PREVIOUS": "年度指标值不应低于上年实际完成值，按实际能力合理设定目标。",
    "EXECUTION_SCORE_DIFFERS": "预算执行率得分应等于执行率 × 分值（执行率超过 100% 的按满分），核对后更正。",
    "FORM_UNREADABLE": "按提示更正或补齐原表，另存为 .xlsx / .docx 后重新核查。",
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
    "RATE_UNCHECKED": "比率无法核对",
    "UNKNOWN_FIGURE": "原表数字无法辨认",
    "TOTAL_UNKNOWN": "总分无法计算或无法核对",
    "EXECUTION_LOW": "预算执行率偏低",
    "COMPLETION_MISMATCH": "完成率与重算不符",
    "COEFFICIENT_MISMATCH": "得分系数与得分不符",
    "COST_CONTRADICTS": "成本指标与支出矛盾",
    "TARGET_BELOW_PREVIOUS": "目标低于上年实际",
    "EXECUTION_SCORE_DIFFERS": "预算执行率得分与重算不符",
    "FORM_UNREADABLE": "自评表无法读取",
}


def finding_label(code: str) -> str:
    """The Chinese label of a finding code; a code without one (a check added elsewhere) as it is."""
    return FINDING.get(code, code)


#: Columns of the computed tables (``Evaluation.projects``, ``.indicators``, ``.findings``, ``.rates``) as shown
#: to people: name → (Chinese title, display kind). Kinds: money (万元), rate (fraction shown as a percentage),
#: score, number, count, text, bool, severity, finding, direction. Input columns take theirs from the data schema.
COLUMNS = {
    "execution_rate": ("执行率", "rate"),
    "execution_raw": ("执行率得分（未封顶）", "score"),
    "execution_score": ("预算执行率得分", "score"),
    "execution_weight": ("预算执行率分值", "score"),
    "indicator_weight": ("指标分值", "score"),
    "dropped_weight": ("剔除的分值", "score"),
    "indicator_score": ("指标得分", "score"),
    "assessed_indicator_score": ("评定的指标得分", "score"),
    "indicator_count": ("指标数", "count"),
    "missing_actuals": ("缺少实际值的指标数", "count"),
    "rescale_factor": ("折算系数", "number"),
    "computed_score": ("重算得分", "score"),
    "published_score": ("公布得分", "score"),
    "score": ("得分", "score"),
    "difference": ("公布 − 重算", "score"),
    "grade": ("等级", "text"),
    "computed_grade": ("重算等级", "text"),
    "direction": ("指标性质", "direction"),
    "weight": ("分值", "score"),
    "panel_score": ("评定得分", "score"),
    "completion": ("完成率", "rate"),
    "met": ("达到目标", "bool"),
    "share": ("得分比例", "rate"),
    "missing": ("缺少实际值", "bool"),
    "scored": ("计分", "bool"),
    "applicable": ("适用", "bool"),
    "computed_raw": ("重算得分（未取整）", "number"),
    "rule_name": ("计分规则", "text"),
    "rule_type": ("规则类型", "text"),
    "band_low": ("档次下限", "score"),
    "band_high": ("档次上限", "score"),
    "in_band": ("在档次区间内", "bool"),
    "code": ("类别", "finding"),
    "severity": ("级别", "severity"),
    "subject": ("对象", "text"),
    "message": ("说明", "text"),
    "stated": ("所述值", "number"),
    "computed": ("重算值", "number"),
    "key": ("比率代码", "text"),
    "label": ("比率", "text"),
    "numerator": ("分子", "number"),
    "denominator": ("分母", "number"),
    "value": ("数值", "rate"),
    "formula": ("公式", "text"),
    "project": ("项目", "text"),
    "target_shown": ("年度指标值", "text"),
    "actual_shown": ("实际完成值", "text"),
}

#: The values of rule-set settings in words.
RULE_CHOICE = {
    "zero": "按 0 分计",
    "drop": "视为不适用",
    "rescale": "剔除后按 100 分折算",
    "ignore": "剔除，不折算",
    "simple": "各项目得分的简单平均",
    "budget_weighted": "各项目得分按预算加权平均",
    "budget": "预算数",
    "spent": "支出数",
    "lower": "区间下限",
    "mid": "区间中点",
    "upper": "区间上限",
}

#: The files of a report folder, in the order the command line lists them after a run, with what each is for.
OUTPUT_FILE = {
    "report.html": "报告，用浏览器打开 / the report, open in a browser",
    "report.pdf": "报告 PDF / the report as PDF",
    "自评表.xlsx": "项目支出绩效自评表，用 Excel 或 WPS 打开 / the self-evaluation forms",
    "summary.json": "得分、比率和核查发现 / scores, rates and findings as JSON",
    "report.ipynb": "执行后的笔记本，用 JupyterLab 打开 / the executed notebook",
}
