"""The input tables of one year, declared once.

Each column is declared here and only here: its canonical (English) name used in code and CSV
headers, its Chinese title used as the Excel header (as in the standard 项目支出绩效自评表), its kind,
its help text and example (the template's 「说明」 sheet), its drop-down choices and accepted
spellings, and its checks (pandera schemas are built from these declarations). Either name may be
used in either input form. Cross-table rules (references, weights that add up) live in
:mod:`evaltools.data.validate`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaltools import labels
from evaltools.data.columns import NO, YES, Field, Table  # noqa: F401 - re-exported: declared with the tables
from evaltools.data.profile_schema import (  # noqa: F401 - re-exported: the profile is part of the input declared once
    PROFILE_ALIASES,
    PROFILE_BY_NAME,
    PROFILE_FIELDS,
    PROFILE_SHEET,
    PROFILE_SHEET_HELP,
    REPORT_KINDS,
    TEXT_SHEET,
    TEXT_SHEET_HELP,
    ProfileField,
)

if TYPE_CHECKING:
    import pandera.pandas as pa

#: Canonical indicator directions and the spellings accepted for each.
DIRECTIONS: dict[str, tuple[str, ...]] = {
    ">=": ("≥", ">=", "正向", "不低于", "≧"),
    ">": (">", "＞", "大于"),
    "<=": ("≤", "<=", "反向", "不高于", "不超过", "≦"),
    "<": ("<", "＜", "小于"),
    "=": ("=", "＝", "等于"),
    "range": ("区间", "range", "范围"),
    "qualitative": ("定性", "qualitative"),
}

#: The three qualitative grades of 财预〔2020〕10号 (full names and accepted short forms).
QUALITATIVE_GRADES: dict[str, tuple[str, ...]] = {code: (code, full) for code, full in labels.QUALITATIVE_GRADE.items()}

#: 定量 / 定性 as a form prints it (指标性质 “定量指标” / “定性指标”; 融媒体中心 2021 prints 定量指标 with no direction,
#: docs/research/chongqing-rongmeiti-dept-2021.md): its own field, never inferred over what is printed (issue 20 item 6).
MEASURE_KINDS = ("定量", "定性")


#: Column naming the reporting unit (预算单位) in tables that hold many units at once (a finance bureau's
#: whole year). Not ``unit``: in the indicator table that is the unit of measure (度量单位).
ORG = "org"


#: Which budget a table's rate is taken against: the adjusted full-year budget (财预〔2020〕10号) or, where a form
#: prints no other (北京 海淀 2016, 济南 历城 2019: 年初预算数(A) | 全年执行数(B) | 执行率(B/A)), the initial one.
BUDGET_BASES = ("全年预算数", "年初预算数")


T, N, M, R, B = "text", "number", "money", "rate", "bool"

#: The column listing a row's figures that the source prints but that cannot be read (shared by the
#: tables that hold figures): a number cell holding ``?`` is recorded here and stays unknown, never 0.
UNKNOWN = Field(
    "unknown",
    "无法辨认",
    required=False,
    help="原表中印出但看不清、被截断的数所在的列（在该数字格中填 ? 即可，自动记录于此）；这些数按“无法计算”处理，不按 0 分",
    example="actual",
)

BUDGET_LINES = Table(
    "budget_lines",
    "收支预决算",
    (
        Field("line", "支出项目", nullable=False, help="支出项目名称，不得重复", example="人员经费"),
        Field("budget_initial", "年初预算数(万元)", M, required=False, help="年初预算数；没有则留空", example="600"),
        Field("category", "支出类别", required=False, help="支出类别：基本支出或项目支出", example="基本支出"),
        Field("budget", "预算数(万元)", M, nullable=False, help="全年预算数", example="616.16"),
        Field("spent", "支出数(万元)", M, nullable=False, help="全年实际支出数", example="815.36"),
        Field(
            "budget_basis",
            "预算数口径",
            required=False,
            choices=BUDGET_BASES,
            help="预算数是全年（调整后）预算数还是年初预算数（表上只列年初预算数时）；留空为未注明",
            example="全年预算数",
        ),
        Field(
            "prior_year_payables",
            "上年应付未付(万元)",
            M,
            required=False,
            help="本年支出中用于支付上年应付未付款项的金额，没有则留空",
            example="195.88",
        ),
        Field(
            "stated_rate",
            "报告所述完成率",
            R,
            required=False,
            help="自评报告所写的完成率，用于核对；可写百分数",
            example="94.26%",
        ),
        Field(
            "stated_rate_decimals",
            "所述比率小数位数",
            N,
            required=False,
            minimum=0,
            help="所述比率印出的小数位数（97.80% 为 2），按末位的一半核对；留空按数值推定",
            example="2",
        ),
        UNKNOWN,
        Field("note", "说明", required=False, help="出处或备注", example="一(二)"),
    ),
    key=("line",),
    required=False,
    min_rows=0,
    help="部门收支预决算：每个支出项目（人员经费、日常公用支出、项目支出等）一行，至少一行。",
)

INCOME_SOURCES = Table(
    "income_sources",
    "收入来源",
    (
        Field("source", "收入来源", nullable=False, help="收入来源名称，不得重复", example="财政拨款收入"),
        Field("amount", "金额(万元)", M, nullable=False, help="该来源的收入金额", example="646.15"),
        Field("note", "说明", required=False, help="出处或备注", example="一(二)"),
    ),
    key=("source",),
    required=False,
    min_rows=0,
    help="收入来源：每个来源一行（可选）。",
)

PROJECTS = Table(
    "projects",
    "项目",
    (
        Field(
            "project",
            "项目名称",
            nullable=False,
            help="项目名称，不得重复；绩效指标表按此名称对应项目",
            example="档案保管和整理",
        ),
        Field("department", "主管部门", required=False, help="项目主管部门", example="区人力资源和社会保障局"),
        Field("implementer", "实施单位", required=False, help="项目实施单位", example="某某区文化馆"),
        Field("budget_initial", "年初预算数(万元)", M, required=False, help="年初预算数", example="3"),
        Field(
            "budget", "全年预算数(万元)", M, nullable=False, help="调整后的全年预算数，用于计算预算执行率", example="3"
        ),
        Field("spent", "全年执行数(万元)", M, nullable=False, help="全年实际执行数", example="2.9"),
        Field(
            "budget_basis",
            "预算数口径",
            required=False,
            choices=BUDGET_BASES,
            help="预算数是全年（调整后）预算数还是年初预算数（表上只列年初预算数时）；留空为未注明",
            example="全年预算数",
        ),
        Field(
            "fiscal_current",
            "其中：本年财政拨款(万元)",
            M,
            required=False,
            help="全年预算数中本年财政拨款的部分",
            example="3",
        ),
        Field("carryover", "上年结转资金(万元)", M, required=False, help="全年预算数中上年结转资金的部分", example="0"),
        Field("other_funds", "其他资金(万元)", M, required=False, help="全年预算数中其他资金的部分", example="0"),
        Field(
            "execution_weight",
            "预算执行率分值",
            N,
            required=False,
            help="预算执行率指标的分值；留空按 10 分（财预〔2020〕10号）",
            example="10",
        ),
        Field(
            "stated_rate",
            "报告所述资金使用率",
            R,
            required=False,
            help="自评报告所写的资金使用率，用于核对；可写百分数",
            example="97%",
        ),
        Field(
            "stated_rate_decimals",
            "所述比率小数位数",
            N,
            required=False,
            minimum=0,
            help="所述比率印出的小数位数（97.80% 为 2），按末位的一半核对；留空按数值推定",
            example="0",
        ),
        Field(
            "published_execution_score",
            "预算执行率得分",
            N,
            required=False,
            aliases=("资金得分",),
            help="自评表资金一行印出的得分（预算执行率得分），用于核对；没有则留空",
            example="9.67",
        ),
        Field("published_score", "公布得分", N, required=False, help="自评报告公布的项目得分", example="87"),
        Field("published_grade", "公布等级", required=False, help="自评报告公布的项目等级", example="良好"),
        Field("goal", "年度总体目标", required=False, help="项目年度总体目标", example="保障约2万余份流动档案的安全……"),
        Field("result", "实际完成情况", required=False, help="项目实际完成情况", example="存放人事档案 24303 份……"),
        UNKNOWN,
        Field("note", "说明", required=False, help="出处或备注", example="一(二)"),
    ),
    key=("project",),
    required=False,
    min_rows=0,
    help="项目支出：每个项目一行，项目名称不得重复。",
)

INDICATORS = Table(
    "indicators",
    "绩效指标",
    (
        Field(
            "project",
            "项目名称",
            help="所属项目，须与「项目」表中的项目名称一致；部门整体指标（部门整体支出绩效自评表中的指标）留空",
            example="档案保管和整理",
        ),
        Field(
            "level1",
            "一级指标",
            nullable=False,
            help="一级指标，如 产出指标、效益指标、满意度指标，或 决策、过程、产出、效益（按评价框架）",
            example="产出指标",
        ),
        Field(
            "level2",
            "二级指标",
            help="二级指标，如数量指标、质量指标、时效指标、社会效益指标、服务对象满意度指标",
            example="数量指标",
        ),
        Field(
            "level3",
            "三级指标",
            help="三级指标名称，同一项目内不得重复；表中只按二级指标给分值和得分时，二级指标一行的三级指标留空",
            example="办理退休人数",
        ),
        Field("unit", "度量单位", required=False, aliases=("计量单位",), help="度量单位", example="人"),
        Field(
            "direction",
            "指标性质",
            required=False,
            choices=tuple(labels.DIRECTION.values()),
            vocabulary=DIRECTIONS,
            help="指标性质：≥ > ≤ < = 区间 定性（也接受 正向、反向）；留空时按规则文件的指标名称表推定方向，报告注明",
            example="≥",
        ),
        Field(
            "measure_kind",
            "定量定性",
            required=False,
            choices=MEASURE_KINDS,
            vocabulary={"定量": ("定量", "定量指标"), "定性": ("定性", "定性指标")},
            help="表中所印的指标类型：定量 / 定性（印在指标性质栏，如“定量指标”）；按所印计分，不由数值推定",
            example="定量",
        ),
        Field(
            "target",
            "年度指标值",
            N,
            required=False,
            help="年度指标值（数字，可写百分数）；区间指标填下限，定性指标留空",
            example="500",
        ),
        Field("target_high", "指标值上限", N, required=False, help="区间指标的上限，其他指标留空", example="6"),
        Field("target_text", "指标值原文", required=False, help="指标值在报告中的原文", example="约500份"),
        Field(
            "actual",
            "实际完成值",
            N,
            required=False,
            help="实际完成值（数字，可写百分数）；定性指标留空",
            example="712",
        ),
        Field("actual_text", "实际值原文", required=False, help="实际值在报告中的原文", example="办理人员退休 712 人"),
        Field(
            "target_unit",
            "指标值所印单位",
            required=False,
            help="年度指标值格中印出的单位（≥200平方米 为 平方米）；留空时按指标值原文推定",
            example="份",
        ),
        Field(
            "actual_unit",
            "实际值所印单位",
            required=False,
            help="实际完成值格中印出的单位（1000件 为 件）；与指标值单位不同的不比较超额或未达；留空时按实际值原文推定",
            example="人",
        ),
        Field(
            "weight",
            "分值",
            N,
            minimum=0,
            help="指标分值；一个项目的指标分值加预算执行率分值合计 100。只按二级指标给分值时，三级指标行留空",
            example="10",
        ),
        Field(
            "panel_score",
            "评价得分",
            N,
            required=False,
            aliases=("得分",),
            help="自评表印出的得分（评价组给出），不超过分值；留空则按评分规则计算",
            example="9",
        ),
        Field(
            "target_adjusted",
            "调整指标值",
            N,
            required=False,
            help="年中调整后的指标值（自评表有此列时填写）；填写后按调整值计分",
            example="450",
        ),
        Field(
            "stated_completion",
            "完成率",
            R,
            required=False,
            aliases=("指标完成率",),
            help="自评表印出的完成率，用于核对；可写百分数",
            example="95%",
        ),
        Field(
            "score_coefficient",
            "得分系数",
            N,
            required=False,
            help="自评表印出的得分系数（得分 ÷ 分值），用于核对",
            example="0.95",
        ),
        Field(
            "core", "是否核心指标", B, required=False, help="是否核心指标：是 / 否（自评表有此列时填写）", example="是"
        ),
        Field(
            "qualitative_grade",
            "定性等级",
            required=False,
            choices=tuple(QUALITATIVE_GRADES),
            vocabulary=QUALITATIVE_GRADES,
            help="定性指标的完成等级，从下拉列表选择",
            example="达成",
        ),
        Field(
            "criteria",
            "评分标准",
            required=False,
            aliases=("评价标准", "评分办法", "计分方法"),
            help="表中本行所印的评分标准原文（如“每低于5%扣2分，扣完为止”）；有标准写法的按其计分",
            example="100%计满分，每低于5%扣2分，扣完为止",
        ),
        Field(
            "rule",
            "评分规则",
            required=False,
            help="本指标使用的评分规则名称（见规则文件 rules）；留空按指标性质的默认规则",
            example="lower_better_ratio",
        ),
        Field(
            "applicable",
            "是否适用",
            B,
            required=False,
            help="本指标是否适用：是 / 否；留空为是，不适用的指标不计分",
            example="是",
        ),
        Field(
            "parent",
            "所属合计指标",
            required=False,
            help="若本指标是某合计指标的分项，填该合计指标的三级指标名称；分项不单独计分",
            example="完成创业服务人数",
        ),
        Field(
            "level1_weight",
            "一级指标分值",
            N,
            required=False,
            minimum=0,
            help="一级指标标题所注的分值，如 产出指标（50分）的 50（自评表印出时填写），用于核对分值合计",
            example="50",
        ),
        Field(
            "deviation",
            "偏差原因分析及改进措施",
            required=False,
            help="偏差原因分析及改进措施",
            example="疫情影响，改为线上招聘会",
        ),
        UNKNOWN,
        Field(
            "source", "数据来源及说明", required=False, help="数据来源及说明", example="目标：一(三)1；实际：三(一)1"
        ),
    ),
    key=("project", "level1", "level2", "level3"),
    required=False,
    min_rows=0,
    help="绩效指标：每个项目的每个三级指标一行；同一项目内三级指标不得重复，各指标分值加预算执行率分值合计应为 100。",
)

TEAM = Table(
    "team",
    "评价工作组",
    (
        Field("name", "姓名", nullable=False, help="姓名，不得重复", example="张三"),
        Field("unit", "单位及科室", required=False, help="所在单位及科室", example="某某区文化馆 财务科"),
        Field("post", "职务", required=False, help="职务", example="科长"),
        Field("role", "评价小组", required=False, help="在评价小组中的角色：组长、副组长、成员", example="成员"),
        Field("note", "备注", required=False, help="备注", example=""),
    ),
    key=("name",),
    required=False,
    min_rows=0,
    help="评价工作组成员：每人一行（可选）。",
)

STATEMENTS = Table(
    "statements",
    "报告陈述",
    (
        Field("subject", "对象", nullable=False, help="陈述的对象：「部门」或项目名称", example="部门"),
        Field(
            "metric",
            "陈述类型",
            nullable=False,
            help="陈述类型：project_count（项目个数）、fund_usage_rate（资金使用率）、total_score（总得分）、evaluated_year（所评年度）",
            example="total_score",
        ),
        Field("stated", "所述数值", N, nullable=False, help="报告中写明的数值（可写百分数）", example="87"),
        Field("quote", "原文", required=False, help="报告原文", example="本单位绩效评价整体得分 87 分"),
        Field("location", "位置", required=False, help="原文在报告中的位置", example="四"),
    ),
    required=False,
    min_rows=0,
    help="自评报告中写明的数值（用于与计算结果核对），每条一行（可选）。",
)

GRADE_BANDS = Table(
    "grade_bands",
    "等级表",
    (
        Field("grade", "等级", nullable=False, help="等级名称，不得重复", example="良好"),
        Field("lower", "下限", N, help="得分下限；最低等级留空", example="75"),
        Field(
            "lower_inclusive",
            "含下限",
            B,
            required=False,
            help="下限是否包含在本等级内：是 / 否；留空为是",
            example="是",
        ),
        Field("upper", "上限", N, help="得分上限；最高等级留空", example="90"),
        Field(
            "upper_inclusive",
            "含上限",
            B,
            required=False,
            help="上限是否包含在本等级内：是 / 否；留空为否",
            example="否",
        ),
        Field("note", "说明", required=False, help="说明", example="75 ≤ 得分 < 90 分为良好"),
    ),
    key=("grade",),
    required=False,
    min_rows=0,
    help="评价等级划分：每个等级一行（可选，不填则按规则文件的默认等级）。",
)

COST_CONTROL = Table(
    "cost_control",
    "经费控制",
    (
        Field(
            "item",
            "项目",
            nullable=False,
            choices=tuple(labels.COST_ITEMS),
            vocabulary=labels.COST_ITEMS,
            help="经费项目：三公经费（合计）、因公出国（境）费、公务用车购置及运行费（及其中的购置费、运行维护费）、"
            "公务接待费、会议费、培训费，每项一行，不得重复",
            example="公务接待费",
        ),
        Field("budget", "预算数(万元)", M, required=False, help="本年预算数；没有则留空", example="22"),
        Field(
            "spent",
            "决算数(万元)",
            M,
            required=False,
            aliases=("支出数(万元)",),
            help="本年决算（支出）数",
            example="4.99",
        ),
        Field(
            "prior_spent",
            "上年决算数(万元)",
            M,
            required=False,
            help="上年决算数，用于同比；没有则留空",
            example="17.22",
        ),
        UNKNOWN,
        Field("note", "说明", required=False, help="出处或备注（原表的写法）", example="3、公务接待"),
    ),
    key=("item",),
    required=False,
    min_rows=0,
    help="经费控制（可选）：“三公”经费及会议费、培训费的预算数、决算数和上年决算数，每项一行；"
    "核查决算超预算、比上年增加和三公经费合计与分项之和。",
)

TABLES: dict[str, Table] = {
    t.name: t for t in (BUDGET_LINES, INCOME_SOURCES, PROJECTS, INDICATORS, TEAM, STATEMENTS, GRADE_BANDS, COST_CONTROL)
}


ORG_FIELD = Field(
    ORG,
    "预算单位",
    nullable=False,
    help="多单位数据：该行所属的预算单位名称，须与「单位」表一致；单一单位的数据不要这一列",
    example="某某区文化馆",
)
#: Headers accepted for :data:`ORG_FIELD` besides its name and title.
ORG_HEADERS = ("预算单位名称", "单位名称")
_UNIT_KINDS = {"int": "number", "money": "money", "number": "number", "bool": "bool", "text": "text"}

#: The units of a many-unit dataset: one row per unit with the scalar profile fields (the list fields —
#: functions, goals … — come from profile.yaml, shared). Its presence (units.csv, units.parquet or a sheet
#: 「单位」) makes a year's data many-unit: every other table then carries the 预算单位 column.
UNITS = Table(
    "units",
    "单位",
    (
        ORG_FIELD,
        *(
            Field(f.name, f.title, _UNIT_KINDS[f.kind], required=False, help=f.help, example=f.example)
            for f in PROFILE_FIELDS
            if f.kind != "list" and f.name not in ("unit", "year")
        ),
    ),
    key=(ORG,),
    help="多单位数据的单位表：每个预算单位一行（单位名称、编制、资产、公布得分和等级等）。",
)


def pandera_schema(table: Table) -> pa.DataFrameSchema:
    """The pandera schema for a table after headers were normalised and numbers parsed.

    Money must be ≥ 0, rates ≥ 0, directions and qualitative grades from their vocabularies. pandera is imported
    here, not with the declarations: most tables never need a schema (:func:`evaltools.data.validate.schema_clean`
    finds nothing for pandera to name), and importing it costs a report's kernel and command line about 0.3 s CPU.
    """
    import pandera.pandas as pa

    cols: dict[str, pa.Column] = {}
    for f in table.fields:
        checks = []
        if f.kind == "money":
            checks.append(pa.Check.ge(0, error="金额不能为负 / money must be ≥ 0"))
        if f.kind == "rate":
            checks.append(pa.Check.ge(0, error="比率不能为负 / rate must be ≥ 0"))
        if f.minimum is not None:
            checks.append(
                pa.Check.ge(f.minimum, error=f"{f.title}不能小于 {f.minimum:g} / {f.name} must be ≥ {f.minimum:g}")
            )
        if f.vocabulary is not None:
            checks.append(pa.Check.isin(list(f.vocabulary), error=f"{f.title} must be one of {' / '.join(f.choices)}"))
        dtype = {"text": None, "number": float, "money": float, "rate": float, "bool": None}[f.kind]
        cols[f.name] = pa.Column(
            dtype, checks=checks, nullable=f.nullable, required=f.required, title=f.title, description=f.help or None
        )
    return pa.DataFrameSchema(cols, strict=False, name=table.name)
