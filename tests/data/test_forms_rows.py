"""Indicator rows as real published 自评表 print them (issue 19): directions written in words after a figure, marks
printed where no figure applies, a funds table printed under the indicators, and how the corpus measure compares
what is read with what a fixture expects. Each form is typed from a transcription in docs/research/forms/ (named in
the test) with tests/formkit.py; a funds block or a standard title a form does not print is said so."""

from __future__ import annotations

import math

import pytest

from evaltools.data.forms import read_file
from evaltools.data.forms.values import quantity
from tests.corpus.compare import first_of_name, in_printed_unit, level_label
from tests.formkit import C, write_docx

#: A funds block for forms whose own is not under test.
FUNDS = [
    [C("项目资金(万元)"), C("全年预算数"), C("全年执行数"), C("执行率")],
    [C("年度资金总额"), C(10), C(10), C("100%")],
]
HEADER = [C("一级指标"), C("二级指标"), C("三级指标"), C("年度指标值"), C("实际完成值"), C("分值"), C("得分")]


def _read(tmp_path, name, rows):
    path = tmp_path / f"{name}.docx"
    write_docx(path, [(["项目支出绩效自评表", "(2021年度)"], rows)])
    forms, failures = read_file(path)
    assert failures == [] and len(forms) == 1, [f.reason for f in failures]
    return forms[0]


def _by_name(form):
    return {r["level3"]: r for r in form.data.indicators.to_dict("records") if isinstance(r["level3"], str)}


# ----------------------------------------------------------------------------- directions in words


@pytest.mark.parametrize(
    ("printed", "direction", "value", "unit"),
    [
        ("98%以上", ">=", 0.98, "%"),  # 商务 2020 资金拨付及时性 (hubei-qu-shangwu-fuwumaoyi-2020-project.md)
        ("95%以上", ">=", 0.95, "%"),  # 南昌 蚕茶卫生院 2021 诊断准确率 (jiangxi-nanchang-canchawsy-2021-dept.md)
        ("10人及以上", ">=", 10.0, "人"),
        ("5%以下", "<=", 0.05, "%"),
        ("3天以内", "<=", 3.0, "天"),
        ("合格以上", None, None, None),  # a grade, not a figure: text
    ],
)
def test_direction_words_after_a_figure(printed, direction, value, unit):
    q = quantity(printed)
    assert (q.direction, q.value, q.unit, q.text) == (direction, value, unit, printed)


#: jiangxi-nanchang-canchawsy-2021-dept.md (诊断准确率 95%以上 | 97%), hunan-hengshan-chubeiliang-2020-project.md
#: (政策性挂账利息补贴保障率 100% | 无), ningxia-yinchuan-liuzhong-gongyong-2021-project.md (管理制度有效性 - |
#: 严格执行相关管理制度); the three rows typed into one standard block with a funds block none of them is about.
def test_words_and_marks_in_targets_and_actuals(tmp_path):
    rows = [
        [C("项目名称"), C("蚕茶卫生院", 6)],
        [C("主管部门"), C("南昌县卫生健康委员会", 6)],
        *FUNDS,
        HEADER,
        [C("产出指标", 1, 2), C("质量指标"), C("诊断准确率"), C("95%以上"), C("97%"), C(5), C(5)],
        [C("效益指标"), C("政策性挂账利息补贴保障率"), C("100%"), C("无"), C(5), C(0)],
        [C("管理指标"), C("项目实施"), C("管理制度有效性"), C("-"), C("严格执行相关管理制度"), C(6), C(6)],
    ]
    ind = _by_name(_read(tmp_path, "words", rows))
    row = ind["诊断准确率"]
    assert (row["direction"], row["target"], row["actual"], row["unit"]) == (">=", 0.95, 0.97, "%")
    row = ind["政策性挂账利息补贴保障率"]
    assert row["actual_text"] == "无" and math.isnan(row["actual"]) and row["target"] == 1.0
    row = ind["管理制度有效性"]
    assert row["target_text"] == "-" and math.isnan(row["target"])


# ----------------------------------------------------------------------------- a funds table under the indicators


#: chongqing-pengshui-jihuashengyu-2024-project.md: 彭水 2024 prints its 资金 table (资金 | 年度预算资金总额 |
#: 其中:中央补助 | 市级资金 | 本级资金) under the 资金下达 row of its indicators; the table's header row is no indicator.
def test_a_funds_table_ends_the_indicators(tmp_path):
    rows = [
        [C("项目名称"), C("计划生育服务项目", 4)],
        [C("主管部门"), C("彭水县卫生健康委员会", 4)],
        *FUNDS,
        [C("一级指标"), C("二级指标"), C("三级指标"), C("指标解释"), C("完成情况")],
        [C("项目预算管理", 1, 2), C("资金投入"), C("预算编制科学性"), C("与年度工作匹配"), C("已按要求完成预算")],
        [C("资金下达"), C("资金发放及时性"), C("在30日内正式下达"), C("以资金文件为准")],
        [C("资金"), C("年度预算资金总额"), C("其中:中央补助"), C("市级资金"), C("本级资金")],
        [C("计划生育转移支付资金合计(万元)"), C(1084.25), C(668.00), C(343.00), C(73.25)],
    ]
    ind = _read(tmp_path, "pengshui", rows).data.indicators
    assert ind["level3"].tolist() == ["预算编制科学性", "资金发放及时性"]
    assert ind["parent"].isna().all()


# ----------------------------------------------------------------------------- the corpus measure's comparisons


def test_measure_compares_what_is_printed():
    # 成安 2020 98 %(百分比) transcribed 98, read 0.98 (%); 丽江 2020 100 | % read 1.0: compared in the printed unit
    assert in_printed_unit(98, {"unit": "%", "target": 0.98}, "target")
    assert in_printed_unit("100", {"unit": "%", "actual": 1.0}, "actual")
    assert not in_printed_unit(98, {"unit": "人", "target": 0.98}, "target")
    assert not in_printed_unit("98%", {"unit": "%", "target": 0.98}, "target")  # a % expected is compared as is
    # 历城 2019 prints (50分) where a 一级 name goes: no name; 产出指标（50分） is 产出指标
    assert level_label("(50分)") is None and level_label("产出指标（50分）") == "产出指标"
    # 铜陵 郊区 2021 prints 账务管理 on 序号 7 and (7): the reader's 账务管理（2） is the printed 账务管理
    assert first_of_name("账务管理（2）") == "账务管理" and first_of_name("账务管理") == "账务管理"
