"""The 项目支出 and 部门整体 layouts of 财预〔2020〕10号 and their provincial copies (安徽, 四川 510000_0013zp,
上海 in 元, 重庆 部门整体; docs/research/templates.md): the blocks both kinds share, with every wording seen in
those forms. A variant of one of them extends it (``base=PROJECT``) in a module of its own."""

from __future__ import annotations

from evaltools.data.forms.layouts.base import Block, form_layout

# ----------------------------------------------------------------------------- the blocks both kinds share

NAMES = Block(
    "names",
    rows={
        # 转移支付(项目)名称: 霍山 2024, 临河 2022 (the 转移支付 区域绩效目标自评表); 专项资金名称: 衡山 2020
        "project": ("项目名称", "转移支付(项目)名称", "专项资金名称"),
        # the supervising department (主管部门; 项目主管单位: 广水 2019 / 2021). A project's unit is its 实施单位, never
        # its 主管部门 (濉溪 2019 prints only 主管部门: its unit is not printed, anhui-suixi-linshijiuzhu-2019-project.md)
        "department": ("主管部门", "项目主管单位"),
        # the unit itself: 部门: 金寨 2023 部门整体; 评价部门名称: 南昌 蚕茶卫生院 2021; 单位名称 over 项目名称: 黄冈 2020,
        # 长江 2020; 填报单位：郊区财政局 under the title: 铜陵 2021; 地方主管部门, the local department that fills in a
        # 转移支付 区域绩效目标自评表 (中央主管部门 is the ministry): 临河 2022, 霍山 2024
        "unit": ("部门名称", "单位名称", "预算部门", "部门", "评价部门名称", "填报单位", "地方主管部门"),
        # 资金使用单位: 霍山 2024; 实施(主管)单位: 成安 2020
        "implementer": ("实施单位", "项目实施单位", "资金使用单位", "实施(主管)单位"),
        # 自评得分 | 98 above the funds: 银川 2021; 项目总得分 | 99分: 原州 2022
        "published_total": ("自评总分", "自评得分", "项目总得分"),
        "published_grade": ("自评等级", "评价等级"),
        # the year in a header cell of a form whose title prints none (评价年度：2021; 项目年度 | 2021年)
        "year": ("评价年度", "所属年度", "项目年度", "预算年度", "自评年度"),
    },
    ends=("财政处室", "部门联系人", "联系电话", "项目负责人", "财务负责人", "填报人", "项目属性", "项目类别"),
)
#: What an 实施单位 cell prints to name the unit named above it (单位名称 | 黃岡市水土保持與農田水利科研所 … 項目實施單位
#: | 本單位: 黄冈 2020, hubei-huanggang-shuibao-jiance-2020-project.md), matched after the characters are simplified.
THIS_UNIT = ("本单位", "本部门")
FUNDS = Block(
    "funds",
    # Each wording as printed; notes such as (A), (B), （万元）, (10分) are dropped by the matcher
    # (wording.label_keys), so 全年预算数(A) is 全年预算数. Sources: docs/research/forms/<stem>.md.
    columns={
        # 年初预算数 (财预〔2020〕10号); 年初预算 (四川 510000_0013zp, docs/research/templates.md)
        "budget_initial": ("年初预算数", "年初预算"),
        "budget": (
            "全年预算数",  # 财预〔2020〕10号, 全年预算数(A) (萧县 2023, 霍山 2024, 原州 2022)
            "全年(调整)预算数",  # 重庆 部门整体 (chongqing-liangping-linye-2023-dept)
            "调整后预算数",  # 四川 510000_0013zp
            "全年调整预算数",
            "调整预算数",  # 调整预算数(A) (ningxia-yinchuan-liuzhong-gongyong-2021-project)
            # 預算數(A) under a 项目绩效自评表 title (湖北 蔡甸 2021, 黄冈 2020: hubei-caidian-senlinfanghuo-2021-project,
            # hubei-huanggang-shuibao-jiance-2020-project), as in the 湖北 市直 and 江西 2017 variants
            "预算数",
            "预算",  # 预算 | 支出 | 执行率 (hubei-hbust-jiangzhuxuejin-2021-project)
            "计划安排资金",  # 計劃安排資金(萬元) (hubei-huanggang-danganguan-2020-project)
            # 中央 | 省、地 | 本级 | 其他 | 合计 | 执行数 | 执行率: the sources as columns, their 合计 the budget (广水 2019,
            # 2021: hubei-guangshui-jiwei-jubuwang-2019-project, hubei-guangshui-jiaotong-xiangcundaolu-2021-project)
            "合计",
            # 资金 | 年度预算资金总额 | 其中:中央补助 | 市级资金 | 本级资金: a budget-only block, its sources as columns
            # (chongqing-pengshui-jihuashengyu-2024-project; no spending column: the spending unknown)
            "年度预算资金总额",
        ),
        "spent": (
            "全年执行数",  # 财预〔2020〕10号, 全年执行数(B)
            "全年执行",  # sic, no 数 (hubei-xinzhou-chujutuan-yanchushebei-2020-project)
            "预算执行数",  # 四川 510000_0013zp
            "执行数",  # 執行數(B) (湖北 蔡甸 2021, 黄冈 2020), 执行数(万元) (广水 2019, 2021)
            "支出",  # 预算 | 支出 (hubei-hbust-jiangzhuxuejin-2021-project)
            "实际支出",  # 實際支出(萬元) (hubei-huanggang-danganguan-2020-project)
            "实际支出数",  # 實際支出數 (hubei-huanggang-danganguan-2020-project)
        ),
        # 分值(10分) (北京 2016); 权重 (四川 510000_0013zp); 执行率权重 (重庆 部门整体)
        "weight": ("分值", "权重", "执行率权重"),
        # 执行率(B/A); 预算执行率(B/A×100%) (anhui-huoshan-yiliaojiuzhu-2024-project)
        "rate": (
            "执行率",
            "预算执行率",
            "预算执行进度",
        ),  # 预算执行进度(%) (hebei-chengan-minzheng-bainian-2020-project)
        "score": ("得分", "执行率得分"),
    },
    rows={
        "total": (
            "年度资金总额",  # 财预〔2020〕10号
            "年度财政资金总额",  # 湖北 市直 (hubei-huangshi-tushuguan-gongxiang-2022-project)
            "年度预算资金总额",  # chongqing-pengshui-jihuashengyu-2024-project
            "资金总额",
            "总额",
            "合计",
            # 资金 | 年度预算资金总额 | 其中:中央补助 | 市级资金 | 本级资金: a budget-only block, its sources as columns
            # (chongqing-pengshui-jihuashengyu-2024-project; no spending column: the spending unknown)
            "年度预算资金总额",
        ),
        # a source row (其中：…) — every row of one kind is added up
        "fiscal_current": (
            "本年财政拨款",  # 萧县 2023, 中江 2022
            "当年财政拨款",  # 新洲 2020, 永德 2022, 临翔 2023
            "财政拨款",  # 济南 历城 2019
            "财政资金",  # hebei-chengan-minzheng-bainian-2020-project
            "本年一般公共预算拨款",  # beijing-haidian-xueyuanlu-baojie-2016-project
            "一般预算内拨款",  # 一般預算內撥款 (hubei-caidian-senlinfanghuo-2021-project)
            "一般公共预算",  # 其中: 一般公共预算: (docs/research/forms/)
            "中央财政资金",  # 霍山 2024, 临河 2022
            "中央补助",  # 其中 中央补助 (原州 2022), 彭水 2024
            "中央、省、市补助",  # hunan-hengshan-chubeiliang-2020-project
            "自治区补助",  # ningxia-yuanzhou-malingshu-2022-project
            "自治区财政资金",  # neimenggu-linhe-jiuyebuzhu-2022-project
            "盟市财政资金",  # neimenggu-linhe-jiuyebuzhu-2022-project
            "旗县财政资金",  # neimenggu-linhe-jiuyebuzhu-2022-project
            "市县资金",  # ningxia-yuanzhou-malingshu-2022-project
            "县级资金",  # hunan-hengshan-chubeiliang-2020-project
            "地方资金",  # anhui-huoshan-yiliaojiuzhu-2024-project
            "彩票公益金",  # 彩票公益金用于医疗救助 (anhui-huoshan-yiliaojiuzhu-2024-project)
        ),
        "carryover": ("上年结转资金", "上年结转"),
        # 四川: 财政专户管理资金 / 单位资金 (a bare 其他 is not a label: 其他说明)
        "other_funds": ("其他资金", "财政专户管理资金", "单位资金"),
    },
    # a budget column (or only 年初预算数(A): 北京 2016, 济南 2019), with or without a spending column (彭水 2024
    # prints its budget alone: the spending unknown)
    needs=({"budget", "budget_initial"},),
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
        "goal": (
            "预期目标",  # 财预〔2020〕10号
            "年初绩效目标",  # 重庆 部门整体 (chongqing-liangping-linye-2023-dept)
            "项目年度目标",  # 四川 510000_0013zp
            "年度目标",
            # 年初设定目标 | 年度总体目标完成情况综述 (萧县 2023, 濉溪 2019, 济南 2019, 中江 2022, 银川 2021;
            # anhui-xiaoxian-hexicun-2023-project), 年初设定目标 | 全年完成情况 (jiangxi-nanchang-canchawsy-2021-dept)
            "年初设定目标",
            "总体目标",  # 总体目标 | 全年实际完成情况 (霍山 2024, 临河 2022)
            "年度预期目标",  # 年度预期目标 | 具体完成情况 (hebei-chengan-minzheng-bainian-2020-project)
        ),
        "result": (
            "实际完成情况",  # 财预〔2020〕10号
            "全年目标实际完成情况",  # 重庆 部门整体
            "年度目标完成情况",  # 四川 510000_0013zp
            "实际完成",
            "年度总体目标完成情况",  # …完成情况综述 (萧县 2023), 年度总体目标完成情况 (银川 2021)
            "全年实际完成情况",  # 霍山 2024, 临河 2022, 衡山 2020 (hunan-hengshan-chubeiliang-2020-project)
            "全年完成情况",  # jiangxi-nanchang-canchawsy-2021-dept
            "具体完成情况",  # hebei-chengan-minzheng-bainian-2020-project
        ),
    },
    rows={"goal": ("年度总体目标", "年度主要任务", "当年绩效目标", "项目年度目标完成情况", "年度目标")},
)
INDICATORS = Block(
    "indicators",
    # Each wording as printed, with the form it was seen in (docs/research/forms/<stem>.md); notes such as (A),
    # (分), (%) and 年度 / 年 are matched by the normaliser, so a wording is listed once.
    columns={
        # 项目权重 | 评价内容: 广水 2019 / 2021 (hubei-guangshui-*), the rubric part of the block; 分解目标(一级):
        # 南昌 蚕茶卫生院 2021 (jiangxi-nanchang-canchawsy-2021-dept)
        "level1": ("一级指标", "项目权重", "分解目标"),
        "level2": ("二级指标",),
        # 指标名称(三级指标): 广水; 指标名称: 湖北科技学院 2021, 吕梁 2021, 重庆 部门整体
        "level3": ("三级指标", "指标名称", "三级指标名称", "评价内容"),
        # 符号 (>=, ≤ …): 成安 2020 (hebei-chengan-minzheng-bainian-2020-project)
        "direction": ("指标性质", "符号"),
        "unit": ("计量单位", "度量单位"),
        "target": (
            "年度指标值",
            "指标值",
            "年初指标值",
            "年度目标值",
            "目标值",  # 湖北科技学院 2021, 吕梁 2021
            "年度目标指标值",  # 临河 2022 (neimenggu-linhe-jiuyebuzhu-2022-project)
            "预期指标值",  # 历城 2019: 预期指标值(A)
            "预期指标值+单位",  # 成安 2020: 预期指标值 + 单位
            "指标性质+指标值",  # 大英 2021 fragment: 指标性质 + 指标值 (=100%, ≤10次)
        ),
        "target_adjusted": ("调整指标值", "全年(调整)指标值"),
        "actual": (
            "实际完成值",
            "完成值",
            "全年完成值",
            "全年实际值",
            "全年实际完成值",  # 霍山 2024 (anhui-huoshan-yiliaojiuzhu-2024-project)
            "实际",  # 临河 2022
            "年终完成值",  # 广水 2019 / 2021
            "实际完成指标值",  # 历城 2019: 实际完成指标值(B)
            "单项指标实际完成值",  # 成安 2020
            "实施进度",  # 大英 双新 2020: 已完成100%
            "完成情况",  # 彭水 2024 (chongqing-pengshui-jihuashengyu-2024-project)
        ),
        # 指标分值: 寿县 2023, 铜陵 郊区 2021; 权重占比(%): 成安 2020 (its 指标分值 column left empty)
        "weight": ("分值", "权重", "指标权重", "指标分值", "权重占比"),
        # 自评得分: 寿县 2023; 自评分: 广水; 县级评分 (the county's own, 市级评分 the review): 铜陵 郊区 2021;
        # 单项指标得分: 成安 2020
        "panel_score": ("得分", "指标得分", "自评得分", "自评分", "县级评分", "单项指标得分"),
        "stated_completion": ("完成率", "指标完成率"),
        "score_coefficient": ("得分系数",),
        "core": ("是否核心指标",),
        "deviation": (
            "偏差原因分析及改进措施",
            "偏差原因分析",
            "未完成原因分析",
            "偏差原因分析及改进措施(未完成原因)",
            "未完成原因和改进措施",  # 霍山 2024, 衡山 2020
            "未完成原因及改进措施",  # 蔡甸 2021, 原州 2022
            "未完成原因",  # 历城 2019
            "偏差及原因分析",  # 南昌 蚕茶卫生院 2021
        ),
        # 评价标准 / 评价标准及依据: 广水, 长沙 雨花 2022; 指标说明及评分标准: 寿县 2023
        "explain": (
            "评分说明",
            "评分标准",
            "得分计算方法",
            "评分办法",
            "计分方法",
            "评分方法",
            "评价标准",
            "评价标准及依据",
            "指标说明及评分标准",
        ),
    },
    # an indicator block is a 三级 / 指标名称 column and at least one figure column: forms without 得分 (霍山 2024,
    # 衡山 2020, 临河 2022 …) or without 分值 are read, their scores or weights unknown; a scoring rubric with no
    # target / actual columns (寿县 2023, 铜陵 郊区 2021, 长沙 雨花 2022) is read with what it prints
    needs=({"level3"}, {"target", "actual", "weight", "panel_score"}),
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
    # a template's unfilled slots and numbering (廊坊 指标1 / 指标2 / ……, 新洲 指标1: / 指标2:, 南昌 蚕茶卫生院
    # 任务1: / 任务2:); a bare 1、 2、 is part of the name (隆阳 2022 numbers its 其中 items 1、 2、 under 一、 二、); a
    # figure in the 三级 column is no name (彭水 2024 prints its 资金 table, 1084.25 | 668.00 …, under the indicators)
    templates=(r"(?:指标|任务)\d+[:.、]?", r"[.…。·]+", r"\d+[:.、]?", r"\d+\.\d+", r"[-—–/\\－―─]+", r"无"),
    # (指标12021年11月30日前… is 指标1 and a date: 原州 2022)
    numbering=r"^(?:指标|任务)\s*(?:[0-9]{1,2}(?=20\d\d年)|[0-9０-９]+)\s*[:：.．、]?\s*",
    # ★ / ★★★ before a name marks a core indicator, not part of the name (濉溪 2019 ★★★农村低保发放人数, 萧县 2023
    # ★补助鱼塘面积: docs/research/forms/anhui-xiaoxian-hexicun-2023-project.md "★ marks core indicators")
    core_marks=r"^\s*[★☆]+\s*",
)
TOTAL = Block("total", rows={"total": ("总分", "合计", "总计", "得分合计"), "grade": ("自评等级", "评价等级")})

#: 一级 / 二级 names as the framework of 财预〔2020〕10号 names them (canonical name → the short wordings forms print
#: for it, matched exactly after NFKC and spaces; a trailing (指标) is joined: 社会效益 (指标), 稷山 2020):
#: 成本 / 时效 / 经济效益 / 可持续性 (襄阳 中心医院 2021), 产出数量 / 产出质量 / 产出时效 / 产出成本 / 经济效益 / 社会效益 /
#: 可持续影响 and 一级 满意度 (吕梁 2021), 服务对象满意度指标等 (永德 2022, the template's 等 left in). Other names
#: (效果指标, 进度指标, 环境效益, a 二级 满意度 …) and names in traditional characters are read as printed.
LEVEL_NAMES: dict[str, dict[str, tuple[str, ...]]] = {
    "level1": {"产出指标": ("产出",), "效益指标": ("效益",), "满意度指标": ("满意度",), "成本指标": ("成本",)},
    "level2": {
        "数量指标": ("数量", "产出数量"),
        "质量指标": ("质量", "产出质量"),
        "时效指标": ("时效", "产出时效"),
        "成本指标": ("成本", "产出成本"),
        "经济效益指标": ("经济效益",),
        "社会效益指标": ("社会效益",),
        "生态效益指标": ("生态效益",),
        "可持续影响指标": ("可持续影响", "可持续性"),
        "服务对象满意度指标": ("服务对象满意度指标等",),
    },
}

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
