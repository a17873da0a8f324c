"""The indicator block's headers, labels and rows as real published 自评表 print them (issue 19): each test types the
layout of a form transcribed in docs/research/forms/ (named in the test) with tests/formkit.py, reads it and asserts
what a person reads off it. Where a test adds a funds block or a standard title the form does not print, it says so:
the block under test is the indicator block."""

from __future__ import annotations

import math

import pytest

from evaltools.data.forms import read_file
from evaltools.data.forms.grid import docx_grid
from evaltools.data.forms.headers import indicator_label, level_name
from evaltools.data.forms.read import grid_forms
from tests.formkit import C, write_docx, write_xlsx

#: A funds block for forms whose own is not under test (the funds block is read by its own module).
FUNDS = [
    [C("项目资金(万元)"), C("全年预算数"), C("全年执行数"), C("执行率")],
    [C("年度资金总额"), C(10), C(10), C("100%")],
]


def _read(tmp_path, name, titles, rows, suffix="docx"):
    path = tmp_path / f"{name}.{suffix}"
    if suffix == "xlsx":
        write_xlsx(path, [("表", [(titles, rows)])])
    else:
        write_docx(path, [(titles, rows)])
    forms, failures = read_file(path)
    assert failures == [] and len(forms) == 1, [f.reason for f in failures]
    return forms[0]


def _nan(value) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _by_name(form):
    ind = form.data.indicators
    return {r["level3"]: r for r in ind.to_dict("records") if isinstance(r["level3"], str)}


# ----------------------------------------------------------------------------- blocks without 得分 / 分值 columns


#: docs/research/forms/anhui-huoshan-yiliaojiuzhu-2024-project.md: 霍山 医疗救助补助资金 (2024), the 转移支付
#: 区域绩效目标自评表: 转移支付(项目)名称 / 中央主管部门 / 地方主管部门 / 资金使用单位, indicators 指标值 |
#: 全年实际完成值 | 未完成原因和改进措施 — no 分值 and no 得分 column.
def huoshan() -> tuple[list[str], list[list[C]]]:
    rows = [
        [C("转移支付(项目)名称"), C("医疗救助补助资金", 5)],
        [C("中央主管部门"), C("国家医疗保障局", 5)],
        [C("地方主管部门"), C("霍山县医疗保障局", 5)],
        [C("资金使用单位"), C("医疗保障局", 5)],
        [C("资金投入情况(万元)"), C("全年预算数(A)"), C("全年执行数(B)"), C("预算执行率(B/A×100%)", 3)],
        [C("年度资金总额:"), C(3359.62), C(3359.62), C("100%", 3)],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("指标值"), C("全年实际完成值"), C("未完成原因和改进措施")],
        [C("产出指标", 1, 2), C("数量指标"), C("享受医疗救助人次"), C("≥50000人次"), C("110406"), C("")],
        [C("质量指标"), C("医疗救助合规率"), C("100%"), C("100%"), C("")],
    ]
    return ["医疗救助补助资金转移支付项目绩效目标自评表", "(2024年度)"], rows


def test_a_block_without_score_or_weight_columns_is_read_scores_unknown(tmp_path):
    """霍山 2024: the block is read (a 三级 column and a target / actual column make it one); its scores and weights
    are unknown — not 0, and no default weight — and the names come from the 转移支付 labels."""
    form = _read(tmp_path, "huoshan", *huoshan())
    rows = _by_name(form)
    first = rows["享受医疗救助人次"]
    assert (first["level1"], first["level2"], first["direction"], first["target"], first["actual"]) == (
        "产出指标",
        "数量指标",
        ">=",
        50000,
        110406,
    )
    assert first["target_text"] == "≥50000人次" and first["unit"] == "人次"
    assert all(_nan(r["weight"]) and _nan(r["panel_score"]) for r in rows.values())
    assert list(rows) == ["享受医疗救助人次", "医疗救助合规率"]
    project = form.data.projects.iloc[0]
    assert (project["project"], form.data.profile.unit) == ("医疗救助补助资金", "医疗保障局")


#: docs/research/forms/hubei-hbust-jiangzhuxuejin-2021-project.md (湖北科技学院 2021: 指标名称 | 目标值 | 实际完成值)
#: and shanxi-lvliang-hugong-peixun-2021-project.md (吕梁 2021: 二级 printed 产出数量 / 产出质量 / 社会效益 / 可持续影响,
#: 一级 满意度 over 二级 满意度); the standard title stands for the forms' missing one.
def lvliang() -> tuple[list[str], list[list[C]]]:
    rows = [
        [C("项目名称"), C("2021年吕梁山护工培训", 4)],
        [C("实施单位"), C("吕梁市人力资源和社会保障局", 4)],
        *FUNDS,
        [C("一级指标"), C("二级指标"), C("指标名称"), C("目标值"), C("完成值")],
        [C("产出指标", 1, 3), C("产出数量", 1, 2), C("完成2021年吕梁山护工培训任务"), C("12500名"), C("12166名")],
        [C("完成就业质量考核及验收"), C("11所"), C("11所")],
        [C("产出质量"), C("参训学员结业考核通过率"), C("100%"), C("98.79%")],
        [C("效益指标", 1, 2), C("社会效益"), C("参训学员就业率"), C("60%及以上"), C("53.53%")],
        [C("可持续影响"), C("巩固脱贫攻坚成果"), C("有效巩固"), C("有效巩固")],
        [C("满意度"), C("满意度"), C("参培学员满意度"), C("95%及以上"), C("88.32%及以上")],
    ]
    return ["项目支出绩效自评表", "(2021年度)"], rows


def test_target_and_completion_columns_alone_make_a_block_and_level_names_are_the_frameworks(tmp_path):
    """吕梁 2021: 指标名称 | 目标值 | 完成值 (no 分值, no 得分) is read; 产出数量 is 数量指标, 社会效益 社会效益指标,
    可持续影响 可持续影响指标, 一级 满意度 满意度指标 — the 二级 满意度 (no framework 二级 of that name) as printed."""
    form = _read(tmp_path, "lvliang", *lvliang())
    ind = form.data.indicators
    assert ind[["level1", "level2"]].drop_duplicates().values.tolist() == [
        ["产出指标", "数量指标"],
        ["产出指标", "质量指标"],
        ["效益指标", "社会效益指标"],
        ["效益指标", "可持续影响指标"],
        ["满意度指标", "满意度"],
    ]
    rows = _by_name(form)
    assert (
        rows["完成2021年吕梁山护工培训任务"]["target"] == 12500 and rows["参训学员结业考核通过率"]["actual"] == 0.9879
    )
    assert ind["weight"].isna().all() and ind["panel_score"].isna().all()


# ----------------------------------------------------------------------------- a scoring rubric


#: docs/research/forms/anhui-tongling-jiaoqu-gongyishiye-2021-project.md: 铜陵 郊区 农村公益事业财政奖补 (2021), a
#: scoring rubric: 序号 | 一级指标 | 二级指标 | 三级指标 | 指标说明 | 指标分值 | 县级评分 | 市级评分, 一级 决策(10) /
#: 过程(30), 账务管理 on 序号 7 and (7), (组织实施) repeated in brackets; no target or actual columns. (Funds block
#: and standard title added.)
def tongling() -> tuple[list[str], list[list[C]]]:
    rows = [
        [C("项目名称", 2), C("农村公益事业财政奖补", 6)],
        [C("填报单位", 2), C("郊区财政局", 6)],
        [C("项目资金(万元)", 2), C("全年预算数", 2), C("全年执行数", 2), C("执行率", 2)],
        [C("年度资金总额", 2), C(10, 2), C(10, 2), C("100%", 2)],
        [C("序号"), C("一级指标"), C("二级指标"), C("三级指标"), C("指标说明"), C("指标分值"), C("县级评分")]
        + [C("市级评分")],
        [C("1"), C("决策(10)", 1, 2), C("项目立项", 1, 2), C("民主议事"), C("记录完整,得2分"), C(2), C(2), C("")],
        [C("2"), C("申报审批"), C("审批文件齐全,得2分"), C(2), C(2), C("")],
        [C("7"), C("过程(30)", 1, 4), C("资金管理", 1, 2), C("账务管理"), C("纳入乡镇账户管理,得2分"), C(2), C(2)]
        + [C("")],
        [C("(7)"), C("账务管理"), C("专账核算,得1分"), C(1), C(1), C("")],
        [C("9"), C("组织实施"), C("工作安排"), C("纳入县级重点工作部署,得1分"), C(1), C(2), C("")],
        [C("12"), C("(组织实施)"), C("项目管护"), C("项目管护制度健全规范,得2分"), C(2), C(2), C("")],
    ]
    return ["项目支出绩效自评表", "(2021年度)"], rows


def test_a_scoring_rubric_is_read_with_what_it_prints(tmp_path):
    """铜陵 2021: weights (指标分值) and the county's scores (县级评分) are read, 决策(10) is 决策, (组织实施) the
    组织实施 above it, the second 账务管理 an indicator of its own named 账务管理（2） with a located warning; no
    targets or actuals (none printed); the unit is the 填报单位."""
    form = _read(tmp_path, "tongling", *tongling())
    ind = form.data.indicators
    assert ind[["level1", "level2", "level3", "weight", "panel_score"]].values.tolist() == [
        ["决策", "项目立项", "民主议事", 2, 2],
        ["决策", "项目立项", "申报审批", 2, 2],
        ["过程", "资金管理", "账务管理", 2, 2],
        ["过程", "资金管理", "账务管理（2）", 1, 1],
        ["过程", "组织实施", "工作安排", 1, 2],
        ["过程", "组织实施", "项目管护", 2, 2],
    ]
    assert ind["target"].isna().all() and ind["actual"].isna().all()
    assert form.data.profile.unit == "郊区财政局"
    ((read, _),) = grid_forms(docx_grid(tmp_path / "tongling.docx"), "")
    (warning,) = [p for p in read.problems if "重复" in p.message]  # at the second 账务管理 cell
    assert warning.severity == "warning" and warning.location.column == "第9行第4列（三级指标）"


# ----------------------------------------------------------------------------- a header printed again


#: docs/research/forms/hubei-guangshui-jiaotong-xiangcundaolu-2021-project.md: 广水 乡村道路建设养护 (2021): 自评总分
#: above the blocks, a rubric part 项目权重 | 评价内容 | 分值 | 自评分 | 复核分 | 评价标准及依据, then the indicator
#: part 一级指标 | 二级指标 | 指标名称(三级指标) | 年初指标值 | 年终完成值 | 自评分 | 复核分 | 评价标准 with no 分值
#: column — the 二级 labels state the weights (数量指标 15 分). (The cut-off 质量 rows are filled; funds block added.)
def guangshui() -> tuple[list[str], list[list[C]]]:
    rows = [
        [C("自评总分"), C("95", 7)],
        [C("项目名称"), C("乡村道路建设养护项目", 7)],
        [C("项目主管单位"), C("广水市交通运输局", 7)],
        [C("项目资金(万元)", 2), C("全年预算数", 2), C("全年执行数", 2), C("执行率", 2)],
        [C("年度资金总额", 2), C(309, 2), C(309, 2), C("100%", 2)],
        [C("项目权重"), C("评价内容"), C("分值"), C("自评分"), C("复核分"), C("评价标准及依据", 3)],
        [C("项目决策 2 分"), C("决策依据"), C(2), C(2), C(""), C("有项目年度工作计划计 2 分", 3)],
        [C("项目管理 13 分"), C("财务制度"), C(3), C(3), C(""), C("单位财务管理制度 1 分", 3)],
        [C("一级指标"), C("二级指标"), C("指标名称(三级指标)"), C("年初指标值"), C("年终完成值"), C("自评分")]
        + [C("复核分"), C("评价标准")],
        [C("产出指标 40 分", 1, 3), C("数量指标 15 分"), C("乡村道路建设养护里程"), C("300 公里"), C("300 公里")]
        + [C(15), C(""), C("提供佐证资料")],
        [C("质量指标 12 分", 1, 2), C("农村公路建设验收合格率"), C("100%"), C("100%"), C(12, 1, 2), C(""), C("")],
        [C("农村公路养护验收合格率"), C("100%"), C("98%"), C(""), C("")],
    ]
    return ["项目支出绩效自评表", "(2021年度)"], rows


def test_a_header_printed_again_with_other_columns_reads_the_next_part_by_them(tmp_path):
    """广水 2021: the rubric rows read by their header (项目决策 2 分 → 项目决策, 分值 2, 自评分 2), the indicator
    rows by theirs (年初指标值, 年终完成值, 自评分); 数量指标 15 分 weighs its one row 15, 质量指标 12 分 its two rows
    once (a 二级 item of 12 with their merged 12); the total is the 自评总分 printed above (95)."""
    form = _read(tmp_path, "guangshui", *guangshui())
    ind = form.data.indicators
    assert ind[["level1", "level2", "level3", "weight", "panel_score"]].head(3).values.tolist() == [
        ["项目决策", None, "决策依据", 2, 2],
        ["项目管理", None, "财务制度", 3, 3],
        ["产出指标", "数量指标", "乡村道路建设养护里程", 15, 15],
    ]
    first = ind.iloc[2]
    assert (first["target"], first["actual"], first["unit"]) == (300, 300, "公里")
    item = ind[(ind["level2"] == "质量指标") & ind["level3"].isna()].iloc[0]
    assert (item["weight"], item["panel_score"]) == (12, 12)
    measures = ind[(ind["level2"] == "质量指标") & ind["level3"].notna()]
    assert measures["actual"].tolist() == [1.0, 0.98] and measures["weight"].isna().all()
    assert form.data.projects["published_score"][0] == 95


# ----------------------------------------------------------------------------- two columns naming one field


#: docs/research/forms/hebei-chengan-minzheng-bainian-2020-project.md: 成安 百岁老人高龄津贴 (2020): 指标分值 (left
#: empty) | 符号 | 预期指标值 + 单位 | 单项指标实际完成值 | 单项指标完成情况 | 单项指标得分 | 权重占比(%) | 单项指标折算得分,
#: 三级 names followed by 「 — 」 and their explanation, 实施(主管)单位.
def chengan() -> tuple[list[str], list[list[C]]]:
    head = ["一级指标", "二级指标", "三级指标", "指标分值", "符号", "预期指标值 + 单位", "单项指标实际完成值"]
    head += ["单项指标完成情况", "单项指标得分", "权重占比(%)", "单项指标折算得分"]
    rows = [
        [C("项目名称", 2), C("19名百岁老人高龄津贴", 9)],
        [C("实施(主管)单位", 2), C("314002-成安县民政局机关", 9)],
        [C("项目资金(万元)", 2), C("全年预算数", 3), C("全年执行数", 3), C("执行率", 3)],
        [C("年度资金总额", 2), C(6.84, 3), C(6.84, 3), C("100%", 3)],
        [C(h) for h in head],
        [C("产出指标", 1, 2), C("质量指标"), C("符合条件申报对象覆盖率 — 享受补贴政策人数占符合条件申报对象总数的比例")]
        + [C(""), C(">="), C("98 %"), C("100%"), C("完成"), C(25), C(25), C(6.25)],
        [C("时效指标"), C("完成率 — 按照要求每月及时完成符合条件对象审批的比例(百分比)"), C(""), C(">="), C("99 %")]
        + [C("100%"), C("完成"), C(25), C(25), C(6.25)],
        [C("满意度指标"), C("服务对象满意度指标"), C("服务对象满意度 — 享受高龄津贴的对象对老龄工作的满意程度"), C("")]
        + [C(">="), C("95 %"), C("100%"), C("完成"), C(10), C(10), C(1)],
    ]
    return ["项目支出绩效自评表", "(2020年度)"], rows


def test_a_field_two_headers_name_is_read_from_the_filled_column(tmp_path):
    """成安 2020: 指标分值 is empty, 权重占比(%) holds the weights (25, 25, 10) — the weight is read from it; 符号 is
    the direction; a name is read without the explanation after 「 — 」; the unit is the 实施(主管)单位."""
    form = _read(tmp_path, "chengan", *chengan())
    ind = form.data.indicators
    assert ind[["level3", "direction", "target", "actual", "weight", "panel_score"]].values.tolist() == [
        ["符合条件申报对象覆盖率", ">=", 0.98, 1.0, 25, 25],
        ["完成率", ">=", 0.99, 1.0, 25, 25],
        ["服务对象满意度", ">=", 0.95, 1.0, 10, 10],
    ]
    assert form.data.profile.unit == "314002-成安县民政局机关"


# ----------------------------------------------------------------------------- labels


@pytest.mark.parametrize(
    ("printed", "level", "read"),
    [
        ("产出指标 (60 分)", "level1", ("产出指标", 60)),  # 商务 2020
        ("产出指标（50分）", "level1", ("产出指标", 50)),  # 萧县 2023
        ("数量指标 15 分", "level2", ("数量指标", 15)),  # 广水 2021
        ("投入 (13)", "level1", ("投入", 13)),  # 长沙 雨花 2022
        ("(组织实施)", "level2", ("组织实施", None)),  # 铜陵 2021
        ("(50分)", "level1", (None, 50)),  # 历城 2019
        ("成本", "level2", ("成本指标", None)),  # 襄阳 2021
        ("可持续性", "level2", ("可持续影响指标", None)),  # 襄阳 2021
        ("社会效益 (指标)", "level2", ("社会效益指标", None)),  # 稷山 2020
        ("服务对象满意度指标等", "level2", ("服务对象满意度指标", None)),  # 永德 2022
        ("满意度", "level1", ("满意度指标", None)),  # 吕梁 2021
        ("满意度", "level2", ("满意度", None)),  # 吕梁 2021: no framework 二级 of that name
        ("產出數量", "level2", ("產出數量", None)),  # 蔡甸 2021: traditional characters kept as printed
        ("社会效益效益指标", "level2", ("社会效益效益指标", None)),  # 隆阳 2022, as printed
    ],
)
def test_level_labels(printed, level, read):
    assert level_name(printed, level) == read


@pytest.mark.parametrize(
    ("printed", "read"),
    [
        ("★★★农村低保发放人数(按月平均)(≥人)", ("★★★农村低保发放人数(按月平均)", ">=")),  # 濉溪 2019
        ("受益建档立卡贫困人口数≥人", ("受益建档立卡贫困人口数", ">=")),  # 濉溪 2019
        ("扶贫临时救助标准(<元/户·年)——一户年最高5300元", ("扶贫临时救助标准(<元/户·年)——一户年最高5300元", None)),
        ("完成率 — 按照要求每月及时完成", ("完成率", None)),  # 成安 2020
        ("资金到位率≥95%", ("资金到位率≥95%", None)),  # a figure in the note: part of the name
        ("18—54周岁人员培训", ("18—54周岁人员培训", None)),
    ],
)
def test_indicator_names(printed, read):
    assert indicator_label(printed) == read


#: docs/research/forms/anhui-suixi-linshijiuzhu-2019-project.md (濉溪 2019: names noted (≥人), (≥%), the 满意度
#: target 95% printed without a sign), jiangxi-nanchang-canchawsy-2021-dept.md (任务1: numbering),
#: yunnan-longyang-huafeijianliang-2022-project.md (1、 2、 items under 一、), ningxia-yuanzhou-malingshu-2022-project.md
#: (指标12021年11月30日前…).
def names_form() -> tuple[list[str], list[list[C]]]:
    rows = [
        [C("项目名称"), C("临时救助", 6)],
        [C("主管部门"), C("濉溪县民政局", 6)],
        [C("项目资金(万元)"), C("全年预算数", 2), C("全年执行数", 2), C("执行率", 2)],
        [C("年度资金总额"), C(30, 2), C(30, 2), C("100%", 2)],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("分值"), C("年度指标值"), C("全年实际值"), C("得分")],
        [C("产出指标", 1, 5), C("数量指标", 1, 4), C("★★★特困人员救助供养人数(≥人)"), C(20), C(">=4754人"), C("4604人")]
        + [C(19)],
        [C("任务1:门诊住院人次"), C(20), C("增加"), C("增372人次"), C(20)],
        [C("1、水稻侧深施肥+缓控释肥"), C(10), C("≧500亩"), C("500亩"), C(10)],
        [C("指标12021年11月30日前完成资金支付"), C(10), C("是"), C("是"), C(10)],
        [C("质量指标"), C("★受助对象满意度(≥%)"), C(30), C("95%"), C("98%"), C(30)],
    ]
    return ["项目支出绩效自评表", "(2021年度)"], rows


def test_names_without_their_notes_and_numbering(tmp_path):
    form = _read(tmp_path, "names", *names_form())
    ind = form.data.indicators
    assert ind["level3"].tolist() == [
        "特困人员救助供养人数",
        "门诊住院人次",
        "1、水稻侧深施肥+缓控释肥",
        "2021年11月30日前完成资金支付",
        "受助对象满意度",
    ]
    # ★★★ / ★ mark a core indicator: taken off the name, kept as the row's core flag (濉溪 2019)
    assert ind["core"].tolist() == [True, False, False, False, True]
    # the note's ≥ is the direction of a target printed without one; a target's own sign comes first
    assert ind["direction"].tolist()[0] == ">=" and ind["direction"].tolist()[-1] == ">="


# ----------------------------------------------------------------------------- rows


#: docs/research/forms/chongqing-pengshui-jihuashengyu-2024-project.md: 彭水 计划生育服务 (2024): 指标解释 | 自评内容 |
#: 完成情况, 预算编制科学性 over two 自评内容 rows (the second with a blank 三级 cell). (Funds block added.)
def pengshui() -> tuple[list[str], list[list[C]]]:
    rows = [
        [C("项目名称"), C("计划生育服务项目", 6)],
        [C("主管部门"), C("彭水县卫生健康委员会", 6)],
        [C("项目资金(万元)"), C("全年预算数", 2), C("全年执行数", 2), C("执行率", 2)],
        [C("年度资金总额"), C(1084.25, 2), C(1084.25, 2), C("100%", 2)],
        [
            C("一级指标"),
            C("二级指标"),
            C("三级指标"),
            C("指标解释"),
            C("自评内容"),
            C("完成情况"),
            C("需提供的支撑材料"),
        ],
        [
            C("项目预算管理", 1, 3),
            C("资金投入", 1, 2),
            C("预算编制科学性"),
            C("依据充分,标准明确"),
            C("项目资金测算标准"),
        ]
        + [C("已按要求完成预算"), C("测算材料")],
        [C(""), C(""), C("项目资金测算依据"), C("按相关要求完成"), C("")],
        [C("资金下达"), C("资金发放及时性"), C("30日内正式下达"), C("正式批资金日期"), C("已下达"), C("")],
        [C("计划生育转移支付资金合计(万元)", 2), C("1084.25"), C("668.00"), C("343.00"), C("73.25"), C("")],
    ]
    return ["项目支出绩效自评表", "(2024年度)"], rows


def test_a_row_with_a_blank_name_continues_the_indicator_above(tmp_path):
    """彭水 2024: the second 自评内容 row adds its 完成情况 to 预算编制科学性's; the 资金 table printed under the
    indicators (a figure, 1084.25, in the 三级 column) is no indicator."""
    form = _read(tmp_path, "pengshui", *pengshui())
    ind = form.data.indicators
    assert ind["level3"].tolist() == ["预算编制科学性", "资金发放及时性"]
    assert ind["actual_text"].tolist() == ["已按要求完成预算 / 按相关要求完成", "已下达"]


# ----------------------------------------------------------------------------- 总分


def _with_total(total_row: list[C], header: list[str], rows: list[list[C]]) -> tuple[list[str], list[list[C]]]:
    return ["项目支出绩效自评表", "(2020年度)"], [
        [C("项目名称"), C("渔业成品油价格改革补贴", len(header) - 1)],
        [C("实施单位"), C("农业科", len(header) - 1)],
        [C("项目资金(万元)"), C("全年预算数"), C("全年执行数"), C("执行率", len(header) - 3)],
        [C("年度资金总额"), C(1.56), C(1.56), C("100%", len(header) - 3)],
        [C(h) for h in header],
        *rows,
        total_row,
    ]


@pytest.mark.parametrize("suffix", ["docx", "xlsx"])
def test_a_total_row_of_one_figure_is_the_score_and_a_word_after_the_figures_the_grade(tmp_path, suffix):
    """长江禁捕 2020 (hubei-changjiang-jinbu-yuye-2020-project.md): no 分值 column, 总分 | 100 — the total score is
    100; 永德 2022 (yunnan-yongde-minglang-yingyang-2022-project.md): 总分 | 100 | 96 | 优 — 96, grade 优."""
    header = ["一级指标", "二级指标", "三级指标", "年初目标值(A)", "实际完成值(B)", "得分"]
    rows = [[C("产出指标"), C("数量指标"), C("补贴渔船数"), C("6"), C("6"), C(90)]]
    form = _read(tmp_path, "changjiang", *_with_total([C("总分"), C(100)], header, rows), suffix)
    assert form.data.projects["published_score"][0] == 100
    header = ["一级指标", "二级指标", "三级指标", "指标值", "实际完成值", "分值", "得分", "偏差原因分析及改进措施"]
    rows = [[C("产出指标"), C("数量指标"), C("学生人数"), C("≥500人"), C("520人"), C(90), C(86), C("")]]
    total = [C("总分", 5), C(100), C(96), C("优")]
    form = _read(tmp_path, "yongde", *_with_total(total, header, rows), suffix)
    project = form.data.projects.iloc[0]
    assert (project["published_score"], project["published_grade"]) == (96, "优")
