"""Every label shown to a reader, declared once: severities, indicator directions, qualitative grades, columns.

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
    "incomplete": ("总分无法计算的原因", "text"),
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
    "indicator": ("三级指标", "text"),
    "field": ("字段", "text"),
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
    "checklist.html": "核查清单，提交前请核对 / what to fix before submitting",
    "summary.json": "得分、比率和核查发现 / scores, rates and findings as JSON",
    "report.ipynb": "执行后的笔记本，用 JupyterLab 打开 / the executed notebook",
}

#: The items of a unit's 经费控制 block (schema table ``cost_control``) and the spellings real tables print for
#: each. The 三公经费 are 因公出国（境）费, 公务用车购置及运行费 (= 购置费 + 运行维护费) and 公务接待费 (中央八项规定;
#: 《党政机关厉行节约反对浪费条例》); 会议费 and 培训费 are printed beside them. Names: 部门决算「一般公共预算财政拨款
#: “三公”经费支出决算表」; spellings seen in docs/research/hunan-style-dept-deduction-2018.md (经费控制情况:
#: 公务用车购置和维护经费, 其中:公车购置, 公车运行维护, 出国经费, 公务接待).
COST_ITEMS = {
    "三公经费": ("三公经费合计", "“三公”经费", '"三公"经费', "“三公”经费合计"),
    "因公出国（境）费": ("因公出国(境)费", "因公出国（境）费用", "出国经费", "因公出国费"),
    "公务用车购置及运行费": ("公务用车购置及运行维护费", "公务用车购置和维护经费", "公务用车购置及运行维护经费"),
    "公务用车购置费": ("公车购置", "公车购置费"),
    "公务用车运行维护费": ("公车运行维护", "公务用车运行费", "公车运行维护费"),
    "公务接待费": ("公务接待",),
    "会议费": (),
    "培训费": (),
}
#: The 三公经费 total and its parts, and the parts of 公务用车购置及运行费 (a printed total is checked against them).
COST_TOTALS = {
    "三公经费": ("因公出国（境）费", "公务用车购置及运行费", "公务接待费"),
    "公务用车购置及运行费": ("公务用车购置费", "公务用车运行维护费"),
}

#: How a unit's total is formed (``Total.method``), as the report and the 自评表 print it.
TOTAL_METHOD = {
    "simple": "各项目得分的简单平均",
    "weighted": "各项目得分按预算加权平均",
    "form": "本表各项得分之和",
}

#: The cells of a form a finding may point at (its ``field``; see evaltools.scoring.audit.Code), as the form prints
#: them; a table's column is shown by its title in the data schema.
FORM_FIELDS = {
    "title": "表题",
    "total": "总分",
    "grade": "等级",
    "department": "主管部门",
    "funds": "项目资金",
    "funds.budget_initial": "年初预算数",
    "funds.budget": "全年预算数",
    "funds.spent": "全年执行数",
    "funds.rate": "执行率",
    "funds.weight": "预算执行率分值",
    "funds.score": "预算执行率得分",
}
