"""The unit profile of one year, declared once: the fields of profile.yaml and of the sheets 「单位概况」 (scalars)
and 「文字材料」 (lists of paragraphs), each with its Chinese title, kind, help text, example and choices.

The input tables are declared in :mod:`evaltools.data.schema`, which re-exports these names and builds the
many-unit 「单位」 table (:data:`evaltools.data.schema.UNITS`) from the scalar fields.
"""

from __future__ import annotations

from dataclasses import dataclass

from evaltools.data.kinds import KINDS


@dataclass(frozen=True)
class ProfileField:
    """A field of the unit profile (profile.yaml / sheet 单位概况 and 文字材料)."""

    name: str
    title: str
    kind: str = "text"  # text, int, money, number, bool, list
    required: bool = False
    help: str = ""
    example: str = ""
    choices: tuple[str, ...] = ()


#: The kinds of 绩效自评 a year's data can be, each declared once in :mod:`evaltools.data.kinds`
#: (docs/report_kinds.md gives their sections and sources).
REPORT_KINDS = tuple(KINDS)

#: The values of the profile field ``scores_printed`` (原表得分): printed, not scored at all (未评分: no 分值/得分
#: columns, 湖北科技学院 2021 in tests/corpus), 分值 printed with 得分 left blank (大英县 2022 in tests/corpus;
#: docs/research/sichuan-format-2023.md). Issue 20 item 1.
SCORES_PRINTED = ("是", "否", "空白")

PROFILE_FIELDS: tuple[ProfileField, ...] = (
    ProfileField("unit", "单位名称", required=True, help="被评价单位的全称", example="某某区文化馆"),
    ProfileField("year", "年度", "int", required=True, help="评价年度，四位数字", example="2022"),
    ProfileField(
        "self_reference",
        "自称",
        help="报告中单位的自称，如 我局、我镇、我馆；留空为“本单位”",
        example="我馆",
    ),
    ProfileField(
        "report_kind",
        "报告类型",
        choices=REPORT_KINDS,
        help="、".join(f"{k.name}（{k.short}）" for k in KINDS.values()) + "；留空按数据推定",
        example="department",
    ),
    ProfileField(
        "execution_weight",
        "部门预算执行率分值",
        "number",
        help="部门整体自评表中预算执行率的分值（部门整体指标时填写）",
        example="10",
    ),
    ProfileField(
        "published_execution_score",
        "部门预算执行率得分",
        "number",
        help="部门整体自评表中预算执行率一行印出的得分，用于核对",
        example="9.5",
    ),
    ProfileField(
        "cut_off_after",
        "原表截断行",
        "int",
        help=(
            "原表（自评表）在第 N 行之后截断、其后各行无法辨认时填 N（指标表中最后一行完整的指标的序号）；"
            "填写后总分和等级显示为“无法计算”，分值合计也不作核对"
        ),
        example="19",
    ),
    ProfileField(
        "scores_printed",
        "原表得分",
        choices=SCORES_PRINTED,
        help=(
            "原表是否印出分值和得分：是（留空同）；否 = 原表未评分（没有分值、得分列）；"
            "空白 = 印有分值但得分未填。否或空白时总分和等级显示为“无法计算”"
        ),
        example="否",
    ),
    ProfileField(
        "rules",
        "评分规则",
        help=(
            "计分所用的规则集（params/rules/ 下的名称，如 mof、qiaoxi2022）；留空按财政部通用规则（mof）。"
            "run、evaluate、check 和报告笔记本都按此计分，命令行的 --rules 或参数文件可另行指定"
        ),
        example="qiaoxi2022",
    ),
    ProfileField("unit_type", "单位性质", help="单位性质", example="独立核算全额拨款事业单位"),
    ProfileField("accounting_system", "会计制度", help="执行的会计制度", example="政府会计制度"),
    ProfileField("staff_authorized", "编制人数", "int", help="编制人数（整数）", example="30"),
    ProfileField("staff_actual", "年底在编人数", "int", help="年底在编人数（整数）", example="24"),
    ProfileField("staff_other", "其他工作人员", "int", help="其他工作人员人数（整数）", example="20"),
    ProfileField("assets_net", "年度资产净值(万元)", "money", help="年度资产净值，单位万元", example="80.35"),
    ProfileField(
        "assets_carryover", "其中：结转下年(万元)", "money", help="资产净值中结转下年的部分，单位万元", example="8.11"
    ),
    ProfileField(
        "assets_fixed", "其中：固定资产(万元)", "money", help="资产净值中的固定资产，单位万元", example="72.24"
    ),
    ProfileField("published_total", "公布总得分", "number", help="自评报告公布的总得分", example="87"),
    ProfileField("published_grade", "公布评价等级", help="自评报告公布的评价等级", example="良好"),
    ProfileField("basis", "评价依据", help="评价依据的文件", example="《关于全面落实预算绩效管理的实施意见》"),
    ProfileField("source", "数据来源", help="数据来源（如自评报告原文）", example="2022 年度整体支出绩效自评报告"),
    ProfileField(
        "synthetic", "合成数据", "bool", help="是否为合成（演示）数据：是 / 否，真实数据留空或填否", example="否"
    ),
    ProfileField("functions", "部门职能", "list", help="部门职能，每条一行", example="负责创业担保贴息工作及监管"),
    ProfileField(
        "goals", "总体绩效目标", "list", help="年度总体绩效目标，每条一行", example="全年提供约1000个工作岗位"
    ),
    ProfileField(
        "organisation",
        "自评组织工作",
        "list",
        help="自评组织工作情况，每段一行",
        example="评价资料收集：资料主要来源于……",
    ),
    ProfileField(
        "methods", "自评方法", "list", help="自评采用的方法，每种一行", example="对比法：年初设定目标对比实际完成情况"
    ),
    ProfileField(
        "achievements", "总体目标完成情况", "list", help="总体目标完成情况，每段一行", example="举办线上招聘会 64 场……"
    ),
    ProfileField(
        "problems", "存在的问题", "list", help="存在的问题，每条一行", example="评价指标过于简单，对比数据不足"
    ),
    ProfileField("measures", "改进措施", "list", help="改进措施，每条一行", example="建立和完善科室制度，规范工作流程"),
    ProfileField(
        "procurement",
        "政府采购情况",
        "list",
        help="政府采购预算、实际采购金额及执行情况，每段一行；未填写时报告不列此项",
        example="全年政府采购预算 12.00 万元，实际采购 11.50 万元，均按规定程序执行",
    ),
    ProfileField(
        "results_use",
        "结果应用及公开情况",
        "list",
        help="绩效自评结果的应用（整改、预算安排）和公开情况，每段一行；未填写时报告写明未填报",
        example="自评报告随部门决算在单位门户网站公开",
    ),
    ProfileField(
        "other_notes",
        "其他需要说明的问题",
        "list",
        help="其他需要说明的问题，每条一行；未填写时报告写明未填报",
        example="人员经费支出含支付上年应付未付的人员经费",
    ),
    ProfileField(
        "report_date",
        "报告日期",
        help="自评报告落款的日期，按原文填写，如 2023年3月20日；留空时落款日期空出待单位填写",
        example="2023年3月20日",
    ),
)
PROFILE_BY_NAME = {f.name: f for f in PROFILE_FIELDS}
PROFILE_ALIASES = {**{f.name: f.name for f in PROFILE_FIELDS}, **{f.title: f.name for f in PROFILE_FIELDS}}
PROFILE_SHEET = "单位概况"
TEXT_SHEET = "文字材料"
#: What the two profile sheets are for (the template's 「说明」 sheet).
PROFILE_SHEET_HELP = "单位基本情况：每行一个字段，A 列为字段名（不要修改），B 列填写数值。单位名称和年度必填。"
TEXT_SHEET_HELP = (
    "报告的文字材料：每行一条，类别从下拉列表选择（部门职能、总体绩效目标等），内容填写一段文字；"
    "同一类别可有多行，按顺序使用。"
)
