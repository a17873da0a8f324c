"""The 项目支出 and 部门整体 layouts of 财预〔2020〕10号 and their provincial copies (安徽, 四川 510000_0013zp,
上海 in 元, 重庆 部门整体; docs/research/templates.md): the blocks both kinds share, with every wording seen in
those forms. A variant of one of them extends it (``base=PROJECT``) in a module of its own."""

from __future__ import annotations

from evaltools.data.forms.layouts.base import Block, form_layout

# ----------------------------------------------------------------------------- the blocks both kinds share

NAMES = Block(
    "names",
    rows={
        "project": ("项目名称",),
        "department": ("主管部门", "部门名称", "单位名称", "预算部门"),
        "implementer": ("实施单位", "项目实施单位"),
        "published_total": ("自评总分",),
        "published_grade": ("自评等级", "评价等级"),
        # the year in a header cell of a form whose title prints none (评价年度：2021; 项目年度 | 2021年)
        "year": ("评价年度", "所属年度", "项目年度", "预算年度", "自评年度"),
    },
    ends=("财政处室", "部门联系人", "联系电话", "项目负责人", "财务负责人", "填报人", "项目属性", "项目类别"),
)
FUNDS = Block(
    "funds",
    columns={
        "budget_initial": ("年初预算数", "年初预算"),
        "budget": ("全年预算数", "全年(调整)预算数", "调整后预算数", "全年调整预算数"),
        "spent": ("全年执行数", "预算执行数"),
        "weight": ("分值", "权重", "执行率权重"),
        "rate": ("执行率", "预算执行率"),
        "score": ("得分", "执行率得分"),
    },
    rows={
        "total": ("年度资金总额", "资金总额", "总额", "合计"),
        "fiscal_current": ("本年财政拨款", "当年财政拨款", "财政拨款", "财政资金"),
        "carryover": ("上年结转资金", "上年结转"),
        "other_funds": ("其他资金", "财政专户管理资金", "单位资金"),
    },
    needs=({"budget"}, {"spent"}),
    # 预算执行情况(万元)(20分) / 资金(20分) as the block's label, 得分(20分*执行率) as its score header (湖北 市直,
    # docs/research/forms/hubei-changjiang-jinbu-yuye-2020-project.md; 四川 预算执行情况(10分))
    weight_notes=(
        r"(?:预算执行|执行情况|资金|执行率)[^()]*(?:\([^()]*\))*\((\d+(?:\.\d+)?)分",
        r"^得分\((\d+(?:\.\d+)?)分[*×xX]",
    ),
)
GOAL = Block(
    "goal",
    columns={
        "goal": ("预期目标", "年初绩效目标", "项目年度目标", "年度目标"),
        "result": ("实际完成情况", "全年目标实际完成情况", "年度目标完成情况", "实际完成"),
    },
    rows={"goal": ("年度总体目标", "年度主要任务", "当年绩效目标", "项目年度目标完成情况", "年度目标")},
)
INDICATORS = Block(
    "indicators",
    columns={
        "level1": ("一级指标",),
        "level2": ("二级指标",),
        "level3": ("三级指标", "指标名称", "三级指标名称"),
        "direction": ("指标性质",),
        "unit": ("计量单位", "度量单位"),
        "target": ("年度指标值", "指标值", "年初指标值", "年度目标值"),
        "target_adjusted": ("调整指标值", "全年(调整)指标值"),
        "actual": ("实际完成值", "完成值", "全年完成值", "全年实际值"),
        "weight": ("分值", "权重", "指标权重"),
        "panel_score": ("得分", "指标得分"),
        "stated_completion": ("完成率", "指标完成率"),
        "score_coefficient": ("得分系数",),
        "core": ("是否核心指标",),
        "deviation": ("偏差原因分析及改进措施", "偏差原因分析", "未完成原因分析", "偏差原因分析及改进措施(未完成原因)"),
        "explain": ("评分说明", "评分标准", "得分计算方法", "评分办法", "计分方法", "评分方法"),
    },
    needs=({"level3"}, {"weight", "panel_score"}),
    ends=(
        "报表编号",
        "自评总分",
        "自评等级",
        "评价等级",
        "评价结论",
        "存在问题",
        "改进措施",
        "说明",
        "注:",
        *(f"注{n}" for n in range(1, 10)),
        "备注",
        "项目负责人",
        "财务负责人",
        "填报人",
        "联系电话",
    ),
    # 其中 rows: the breakdown of the indicator above (萧县 其中桃树种植面积, 临翔 其中：…)
    breakdowns=(r"其中\s*[:：]?",),
    # a template's unfilled slots and numbering (廊坊 指标1 / 指标2 / ……, 新洲 指标1: / 指标2:)
    templates=(r"指标\d+[:.、]?", r"[.…。·]+", r"\d+[:.、]?", r"[-—–/\\－―─]+", r"无"),
    numbering=r"^(?:指标\s*[0-9０-９]+\s*[:：.．、]?|[0-9０-９]+\s*[:：.．、])\s*",
)
TOTAL = Block("total", rows={"total": ("总分", "合计", "总计", "得分合计"), "grade": ("自评等级", "评价等级")})

# ----------------------------------------------------------------------------- the layouts

PROJECT = form_layout(
    "project",
    kind="project",
    # a title (layouts.base.TITLE) naming 项目 and not 整体: 项目支出绩效自评表, 2020年度水土保持监测项目绩效自评表,
    # 区级部门预算项目支出绩效自评表, 农村公益事业财政奖补项目绩效评价自评表 (docs/research/forms/)
    titles=(r"^(?!.*整体).*项目",),
    blocks=(NAMES, FUNDS, GOAL, INDICATORS, TOTAL),
    source="财预〔2020〕10号 附件 and its provincial copies: 安徽, 四川 510000_0013zp, 上海 (docs/research/templates.md)",
)
DEPARTMENT = form_layout(
    "department",
    kind="department",
    # a title naming 整体: 部门整体支出绩效自评表, 部门整体绩效自评表 (重庆 梁平 2023), 部门整体支出绩效评价自评表 (安徽
    # 寿县 2023), 蚕茶卫生院整体支出绩效自评表 (江西 南昌 2021), 单位整体支出绩效自评表
    titles=(r"整体",),
    blocks=(NAMES, FUNDS, GOAL, INDICATORS, TOTAL),
    source="部门整体支出绩效自评表: 重庆 (docs/research/templates.md T6)",
)
