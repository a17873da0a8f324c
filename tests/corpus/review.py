"""The hand review of the real-form corpus, as data (used by tests/corpus/build.py): how problems are
coded, which guesses were corrected, which transcribed values are normalised, which columns or blocks of a
transcription are not part of the printed form."""

from __future__ import annotations

PROVINCES = {
    "anhui": "安徽",
    "beijing": "北京",
    "chongqing": "重庆",
    "gansu": "甘肃",
    "guangdong": "广东",
    "guangxi": "广西",
    "guizhou": "贵州",
    "hainan": "海南",
    "hebei": "河北",
    "heilongjiang": "黑龙江",
    "henan": "河南",
    "hubei": "湖北",
    "hunan": "湖南",
    "jiangxi": "江西",
    "neimenggu": "内蒙古",
    "ningxia": "宁夏",
    "shandong": "山东",
    "shanxi": "山西",
    "sichuan": "四川",
    "tianjin": "天津",
    "xinjiang": "新疆",
    "yunnan": "云南",
}

#: Finding codes guessed from a problem's wording: (code, proposed, words any of which must occur), first match.
CODE_WORDS: tuple[tuple[str, bool, tuple[str, ...]], ...] = (
    ("RATE_ZERO_BUDGET", True, ("division by zero", "zero budget", "0 / 0", "0/0", "budget 0")),
    # a form's printed 总分 against the recomputed score is the project's SCORE_DIFFERS (TOTAL_DIFFERS is the
    # 部门整体 total over several project forms)
    ("SCORE_DIFFERS", False, ("总分", "total ≠", "printed total", "自评总分", "总得分", "unreachable")),
    ("WEIGHTS_NOT_100", False, ("weights", "分值合计", "weight total", "权重合计")),
    ("SPENT_OVER_BUDGET", False, ("over-execution", "over execution", "spent over", "above budget", "超支")),
    ("EXECUTION_SCORE_DIFFERS", False, ("funds score", "execution score", "资金得分", "执行率得分")),
    ("RATE_MISMATCH", False, ("rate", "执行率")),
    ("SUM_MISMATCH", False, ("parts", "其中", "add up", "sum")),
    ("SCORE_ABOVE_WEIGHT", False, ("above weight", "above the weight", "above its weight", "uncapped", "exceeds")),
    ("FULL_MARKS_BELOW_TARGET", False, ("below target", "under target", "missed", "full marks")),
    ("OVERACHIEVED", False, ("exceeded", "overachiev", "≥130%", "too low")),
    ("DEDUCTED_TARGET_MET", True, ("deducted", "points deducted", "met targets with points")),
    ("SCORE_DIFFERS", False, ("score", "得分")),
    ("GRADE_MISMATCH", False, ("grade", "等级")),
    ("MISSING_ACTUAL", False, ("no actual", "without actual", "actual blank", "actuals blank", "not filled")),
    ("TEMPLATE_TEXT", True, ("template", "boilerplate", "暂无", "placeholder")),
    ("GOAL_NOT_QUANTIFIED", True, ("quantified", "vague")),
    # the wordings below only meet problems none of the above took: design and evidence problems
    ("EXECUTION_LOW", False, ("% execution", "execution 14", "% of the money spent")),
    ("SUM_MISMATCH", False, ("does not add",)),
    ("REVIEW_COLUMN_EMPTY", True, ("review", "复核分")),
    ("YEAR_MISMATCH", True, ("year conflict", "year mismatch", "dated 20", "before the year")),
    ("NAME_MISSING", True, ("name missing", "blank on a published", "swapped", "主管部门 ")),
    ("ACTUAL_COPIES_TARGET", True, ("written as targets", "name = target = actual", "exactly on target")),
    (
        "GOAL_NOT_QUANTIFIED",
        True,
        ("年度总体目标", "goals block", "restates 预期", "verbatim", "综述 repeats", "预期目标"),
    ),
    ("UNIT_MISMATCH", True, ("person-times", "unit mismatch", "人次")),
    ("NO_EVIDENCE", True, ("no evidence", "no measured", "without data", "unverifiable", "no output measured")),
    ("REASON_CONTRADICTS", True, ("contradicts", "problem stated", "without a reason", "shortfall")),
    ("TEMPLATE_TEXT", True, ("empty", "intentions", "answered")),
    ("INDICATOR_DESIGN", True, ("indicator", "misfiled", "misplaced", "no 效益", "no 满意度", "label", "measur")),
    ("INDICATOR_DESIGN", True, ("cost", "direction", "rating scale", "指标", "satisfaction", "满意度")),
)
#: Block a code's finding is about when no indicator is named.
CODE_SUBJECT = {
    "SCORE_DIFFERS": "total",
    "WEIGHTS_NOT_100": "weights",
    "SPENT_OVER_BUDGET": "funds",
    "EXECUTION_SCORE_DIFFERS": "funds",
    "RATE_MISMATCH": "funds",
    "RATE_ZERO_BUDGET": "funds",
    "SUM_MISMATCH": "funds",
    "GRADE_MISMATCH": "grade",
    "EXECUTION_LOW": "funds",
}
#: Hand review of the guessed codes (stem → the start of the problem's bold title → (code, proposed[, subject]) or None: not a
#: finding — a reader note, a check that holds, or arithmetic on cut-off cells).
BD, NS, ID, NE = "BREAKDOWN_SCORED", "NOT_SCORED", "INDICATOR_DESIGN", "NO_EVIDENCE"
FIXES: dict[str, dict[str, tuple | None]] = {
    "anhui-jinzhai-chagu-meilixiangcun-2023-dept": {
        "Spending above the full-year budget": ("SPENT_OVER_BUDGET", False, "funds"),
        "Funds 得分 left blank": ("TOTAL_UNKNOWN", False, "total"),
        "Goal/indicator mismatch": ("REASON_CONTRADICTS", True),
    },
    "anhui-shouxian-bumen-2023-dept": {
        "Scores without evidence": (NE, True),
    },
    "anhui-suixi-linshijiuzhu-2019-project": {
        "其中 row scored as an indicator": (BD, True, "form"),
        "其中:本年财政拨款 row carries 分值 10 / 得分 10": (BD, True),
    },
    "anhui-xiaoxian-hexicun-2023-project": {
        "No 成本指标 / 时效指标": (ID, True),
        "其中:本年财政拨款 row carries 分值 10 / 得分 10": (BD, True),
        "Mixed units in a breakdown": ("UNIT_MISMATCH", True),
    },
    "anhui-xiaoxian-yanglou-2023-project": {
        "Parent rows without their own totals": (BD, True),
        "其中:本年财政拨款 carries 分值 10 / 得分 10": (BD, True),
        "Self-evaluation published in September (": ("YEAR_MISMATCH", True),
    },
    "anhui-xuancheng-gongan-jindu-2021-project": {
        "Output target of one event": (ID, True),
        "Weights of 12": ("WEIGHTS_UNVERIFIABLE", True),
    },
    "beijing-haidian-xueyuanlu-baojie-2016-project": {
        "Half the budget unspent": ("EXECUTION_LOW", False, "funds"),
        "Full output marks at 49.88% execution": ("OUTPUTS_CONTRADICT_EXECUTION", True),
        "Rate taken against 年初预算 (no adjusted-bud": ("RATE_FORMULA", False),
    },
    "chongqing-liangping-linye-2023-dept": {
        "Execution 79.27%": ("EXECUTION_LOW", False, "funds"),
        "Total consistent only if all indicators ": (NE, True),
        "Possible under-achievement with full mar": (NE, True),
    },
    "chongqing-pengshui-jihuashengyu-2024-project": {
        "Template placeholders left in": ("TEMPLATE_TEXT", True),
    },
    "hebei-chengan-minzheng-bainian-2020-project": {
        "Weights squared": ("SCORE_CONVERSION", True),
        "No 数量指标": (ID, True),
        "Weights visible: 25 + 25 + 30 + 10 = 90;": None,
    },
    "hebei-langfang-shipinxuexiao-nuantong-2019-project": {
        "Unmeasurable indicators at 100/100": (ID, True),
        "Visible sums: weights 10 + 10×9 = 100; s": None,
    },
    "hubei-caidian-senlinfanghuo-2021-project": {
        "Unit mismatch between target and actual": ("UNIT_MISMATCH", True),
        "Unscored form": (NS, True),
    },
    "hubei-changjiang-jinbu-yuye-2020-project": {
        "No weights printed": None,
        "执行率 printed as **1** (a ratio, not 100%)": None,
    },
    "hubei-hbust-jiangzhuxuejin-2021-project": {
        "执行率 truncated": ("RATE_MISMATCH", False, "funds"),
        "Score lost to the truncation (inference)": None,
    },
    "hubei-huanggang-shuibao-jiance-2020-project": {
        "Total follows the error": ("DEDUCTED_TARGET_MET", True),
        "Target met, points deducted": ("DEDUCTED_TARGET_MET", True),
    },
    "hubei-huangshi-tushuguan-gongxiang-2022-project": {
        "Not-applicable indicator scored full": ("NOT_APPLICABLE_SCORED", True),
        "社会效益 rows without a score": ("SCORE_MISSING", True),
    },
    "hubei-qu-shangwu-fuwumaoyi-2020-project": {
        "Budget execution counted twice": (ID, True),
        "服务外包在岸 23333.56 vs 20000 (116.7%) — exce": None,
        "Qualitative 效益 rows given full marks on ": (NE, True),
    },
    "hunan-changsha-yuhua-fagai-2022-dept": {
        "Scores without data": (NE, True),
        "预算控制率 = 0 for full marks": (ID, True),
        "Stale rule": ("NOT_APPLICABLE_SCORED", True),
    },
    "hunan-hengshan-chubeiliang-2020-project": {
        "Unscored form": (NS, True),
        "Targets at 100% everywhere, all met": (ID, True),
    },
    "jiangxi-nanchang-canchawsy-2021-dept": {
        "Over-execution 103.21%": ("SPENT_OVER_BUDGET", False, "funds"),
        "Actuals that are not values": (NE, True),
        "时效 rows: 完成值 blank yet scored 3/4 and 2/": ("MISSING_ACTUAL", False),
    },
    "ningxia-yinchuan-liuzhong-gongyong-2021-project": {
        "预算执行率 100% scored 9/10": ("EXECUTION_SCORE_DIFFERS", False, "funds"),
        "财政审核评分 blank — the review score was not ": ("REVIEW_COLUMN_EMPTY", True),
    },
    "ningxia-yuanzhou-malingshu-2022-project": {
        "产出 weights vs (40分)": ("WEIGHTS_UNVERIFIABLE", True),
        "Score 99 recomputation": None,
    },
    "shandong-jinan-licheng-wenhuaguan-2019-project": {
        "Percentages with no base: 全年免费开放 / 免费开放管": (NE, True),
    },
    "shanxi-jishan-gongwei-zhaidian-2021-project": {
        "No single scoring rule": ("INDICATOR_SCORE_DIFFERS", True),
        '"率" indicator measured in persons': ("UNIT_MISMATCH", True),
    },
    "shanxi-lvliang-hugong-peixun-2021-project": {
        "Six targets missed": ("TARGET_MISSED", True),
        "No scores printed — a tool reports the m": (NS, True),
    },
    "sichuan-daying-fragment-22p5-unknown-project": {
        "No actuals, no scores": ("MISSING_ACTUAL", False),
        "Weights spread mechanically": (ID, True),
    },
    "sichuan-daying-tielu-yanxian-fragment-unknown-project": {
        "No scores at all": (NS, True),
    },
    "sichuan-daying-yibao-jianguan-2023-project": {
        "Published self-evaluation with no actual": ("MISSING_ACTUAL", False),
        "Target as a list of grades": (ID, True),
        "Part A: a visible weight sum of 55 of 10": None,
    },
    "sichuan-zhongjiang-shuili-shuibiaochi-2022-project": {
        "Weights add to 110, printed 总分 分值 100": ("WEIGHTS_NOT_100", False, "weights"),
        "Section weights contradict the form's ow": ("CATEGORY_WEIGHTS", False, "weights"),
        "Actual values written as targets": ("ACTUAL_COPIES_TARGET", True),
    },
    "yunnan-lijiang-gucheng-weipian-2020-project": {
        "Weights": None,
    },
    "yunnan-linxiang-linye-shourongsuo-2023-project": {
        "其中 row carries 分值 10 / 得分 9": (BD, True),
    },
    "yunnan-longyang-huafeijianliang-2022-project": {
        "Outputs complete with 10.77% of the mone": ("EXECUTION_LOW", False, "funds"),
        "Parent rows and sub-rows both carry 得分": (BD, True),
        "No 分值 column": None,
    },
    "yunnan-shidian-xinxingzhuti-2019-project": {
        "Total is the uncapped sum": ("SCORE_DIFFERS", False, "total"),
        "Scores uncapped above their weights": ("SCORE_ABOVE_WEIGHT", False, "form"),
    },
}
READER_NOTES = ("a reader must", "reader issue", "(reader)", "(scope)", "no finding", "reader:", "a reader ")
#: Columns the transcriber added (not printed): dropped with their cells.
TRANSCRIBER_COLUMNS = ("stored digits",)
#: Blocks of a transcription that are another form's (dropped from the grid): stem → heading prefixes.
OTHER_FORMS = {"sichuan-daying-yibao-jianguan-2023-project": ("Part B",)}
#: Codes that also raise a problem (stem → title start → codes): one printed fault the tool reports under
#: another name as well (中江: weights and scores both add to 110 against a printed 100 → SCORE_DIFFERS too).
ALSO: dict[str, dict[str, tuple[str, ...]]] = {
    "sichuan-zhongjiang-shuili-shuibiaochi-2022-project": {"Weights add to 110": ("SCORE_DIFFERS",)},
}
#: Findings the transcription's own figures support though its problem list does not name them (found in a
#: review after a tool run; each with the arithmetic): not false alarms, and not counted in recall.
ALSO_RIGHT: dict[str, list[dict[str, str]]] = {
    "anhui-suixi-linshijiuzhu-2019-project": [
        {
            "code": "OVERACHIEVED",
            "subject": "建档立卡贫困人口中接受临时救助的人次数",
            "note": "87 / 59 = 147.5% ≥ 130%",
        },
        {"code": "OVERACHIEVED", "subject": "农村特困人员救助供养基本生活标准", "note": "758 / 570 = 133.0% ≥ 130%"},
    ],
    "hebei-chengan-minzheng-bainian-2020-project": [
        {
            "code": "OVERACHIEVED",
            "subject": "补贴发放率",
            "note": "100% / 75% = 133.3% ≥ 130% (its own problem 3: target ≥75% set low, actual 100%)",
        },
    ],
    "hebei-langfang-shipinxuexiao-nuantong-2019-project": [
        {
            "code": "EXECUTION_LOW",
            "subject": "funds",
            "note": "37.24 / 43.2 = 86.20% < 90% (its own problem 1 computes it)",
        },
    ],
    "ningxia-yuanzhou-malingshu-2022-project": [
        {
            "code": "EXECUTION_LOW",
            "subject": "funds",
            "note": "259.45 / 300 = 86.48% < 90% (its own problem 1: an auditor notes the unspent 13.5%)",
        },
    ],
}
#: Expected fields corrected by hand (stem → field → value): the unit as the reader names it (实施单位, else
#: 主管部门) where the transcription wrote a sentence about it.
FIELD_FIXES: dict[str, dict[str, object]] = {
    "hubei-xinzhou-chujutuan-yanchushebei-2020-project": {"unit": "新洲区文化和旅游局机关"},
    "hubei-guangshui-jiwei-jubuwang-2019-project": {"unit": "广水市城投公司"},
}
#: Directions as transcribed → as the reader's 指标性质 (notes such as "(date)" are dropped first).
DIRECTION_WORDS = {"boolean": "qualitative", "period": None, "定性": "qualitative"}
