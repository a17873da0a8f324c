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
#: Hand review of the guessed codes (stem → problem position → (code, proposed[, subject]) or None: not a
#: finding — a reader note, a check that holds, or arithmetic on cut-off cells).
BD, NS, ID, NE = "BREAKDOWN_SCORED", "NOT_SCORED", "INDICATOR_DESIGN", "NO_EVIDENCE"
FIXES: dict[str, dict[int, tuple | None]] = {
    "anhui-jinzhai-chagu-meilixiangcun-2023-dept": {
        0: ("TOTAL_UNKNOWN", False, "total"),
        2: ("REASON_CONTRADICTS", True),
    },
    "anhui-shouxian-bumen-2023-dept": {1: (NE, True)},
    "anhui-suixi-linshijiuzhu-2019-project": {2: (BD, True, "form"), 5: (BD, True)},
    "anhui-xiaoxian-hexicun-2023-project": {0: (BD, True), 1: ("UNIT_MISMATCH", True)},
    "anhui-xiaoxian-yanglou-2023-project": {0: (BD, True), 1: (BD, True), 2: ("YEAR_MISMATCH", True)},
    "anhui-xuancheng-gongan-jindu-2021-project": {1: (ID, True), 2: ("WEIGHTS_UNVERIFIABLE", True)},
    "beijing-haidian-xueyuanlu-baojie-2016-project": {0: ("EXECUTION_LOW", False, "funds"), 2: ("RATE_FORMULA", False)},
    "chongqing-liangping-linye-2023-dept": {1: (NE, True), 2: (NE, True)},
    "chongqing-pengshui-jihuashengyu-2024-project": {2: ("TEMPLATE_TEXT", True)},
    "hebei-chengan-minzheng-bainian-2020-project": {0: ("SCORE_CONVERSION", True), 1: (ID, True), 4: None},
    "hebei-langfang-shipinxuexiao-nuantong-2019-project": {3: (ID, True), 5: None},
    "hubei-caidian-senlinfanghuo-2021-project": {0: ("UNIT_MISMATCH", True), 2: (NS, True)},
    "hubei-changjiang-jinbu-yuye-2020-project": {1: None, 2: None},
    "hubei-hbust-jiangzhuxuejin-2021-project": {0: None},
    "hubei-huanggang-shuibao-jiance-2020-project": {0: ("DEDUCTED_TARGET_MET", True)},
    "hubei-huangshi-tushuguan-gongxiang-2022-project": {0: ("NOT_APPLICABLE_SCORED", True), 1: ("SCORE_MISSING", True)},
    "hubei-qu-shangwu-fuwumaoyi-2020-project": {2: (ID, True), 4: None, 5: (NE, True)},
    "hunan-changsha-yuhua-fagai-2022-dept": {0: (NE, True), 1: (ID, True), 2: ("NOT_APPLICABLE_SCORED", True)},
    "hunan-hengshan-chubeiliang-2020-project": {0: (NS, True), 3: (ID, True)},
    "jiangxi-nanchang-canchawsy-2021-dept": {
        0: ("SPENT_OVER_BUDGET", False, "funds"),
        2: (NE, True),
        3: ("MISSING_ACTUAL", False),
    },
    "ningxia-yinchuan-liuzhong-gongyong-2021-project": {
        0: ("EXECUTION_SCORE_DIFFERS", False, "funds"),
        4: ("REVIEW_COLUMN_EMPTY", True),
    },
    "ningxia-yuanzhou-malingshu-2022-project": {0: ("WEIGHTS_UNVERIFIABLE", True), 2: None},
    "shandong-jinan-licheng-wenhuaguan-2019-project": {2: (NE, True)},
    "shanxi-jishan-gongwei-zhaidian-2021-project": {1: ("INDICATOR_SCORE_DIFFERS", True), 4: ("UNIT_MISMATCH", True)},
    "shanxi-lvliang-hugong-peixun-2021-project": {0: ("TARGET_MISSED", True), 3: (NS, True)},
    "sichuan-daying-fragment-22p5-unknown-project": {0: ("MISSING_ACTUAL", False), 1: (ID, True)},
    "sichuan-daying-tielu-yanxian-fragment-unknown-project": {0: (NS, True)},
    "sichuan-daying-yibao-jianguan-2023-project": {0: ("MISSING_ACTUAL", False), 1: (ID, True), 4: None},
    "sichuan-zhongjiang-shuili-shuibiaochi-2022-project": {
        0: ("WEIGHTS_NOT_100", False, "weights"),
        1: ("CATEGORY_WEIGHTS", False, "weights"),
        2: ("ACTUAL_COPIES_TARGET", True),
    },
    "yunnan-lijiang-gucheng-weipian-2020-project": {1: None},
    "yunnan-linxiang-linye-shourongsuo-2023-project": {2: (BD, True)},
    "yunnan-shidian-xinxingzhuti-2019-project": {1: ("SCORE_ABOVE_WEIGHT", False, "form")},
    "yunnan-longyang-huafeijianliang-2022-project": {0: ("EXECUTION_LOW", False, "funds"), 1: (BD, True), 2: None},
}
READER_NOTES = ("a reader must", "reader issue", "(reader)", "(scope)", "no finding", "reader:", "a reader ")
#: Columns the transcriber added (not printed): dropped with their cells.
TRANSCRIBER_COLUMNS = ("stored digits",)
#: Blocks of a transcription that are another form's (dropped from the grid): stem → heading prefixes.
OTHER_FORMS = {"sichuan-daying-yibao-jianguan-2023-project": ("Part B",)}
#: Expected fields corrected by hand (stem → field → value): the unit as the reader names it (实施单位, else
#: 主管部门) where the transcription wrote a sentence about it.
FIELD_FIXES: dict[str, dict[str, object]] = {
    "hubei-xinzhou-chujutuan-yanchushebei-2020-project": {"unit": "新洲区文化和旅游局机关"},
    "hubei-guangshui-jiwei-jubuwang-2019-project": {"unit": "广水市城投公司"},
}
#: Directions as transcribed → as the reader's 指标性质 (notes such as "(date)" are dropped first).
DIRECTION_WORDS = {"boolean": "qualitative", "period": None, "定性": "qualitative"}
