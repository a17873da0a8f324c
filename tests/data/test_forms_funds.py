"""The funds block of real published 自评表 (issue 19): each test types the funds rows of a form transcribed in
docs/research/forms/ (named in the test) above a small indicator block, reads it and asserts the figures a
person reads off it — in 万元, the tool's unit. A funds block that cannot be read never refuses the form."""

from __future__ import annotations

import math
from decimal import Decimal

import pandas as pd
import pytest

from evaltools.data.forms import read_file
from evaltools.data.forms.grid import docx_grid, xlsx_grids
from evaltools.data.forms.read import grid_forms
from evaltools.data.forms.values import add_amounts, money, stated_money_unit
from tests.formkit import C, write_docx, write_xlsx

INDICATORS = [
    [C("一级指标"), C("二级指标"), C("三级指标"), C("年度指标值"), C("实际完成值"), C("分值"), C("得分")],
    [C("产出指标"), C("数量指标"), C("更新演出设备"), C("≥50件"), C("50件"), C(90), C(90)],
    [C("总分", 5), C(100), C(100)],
]


def _form(funds: list[list[C]], title: str = "项目支出绩效自评表", year: str = "（2020年度）", names=None):
    names = names or [[C("项目名称", 2), C("演出设备更新专项经费", 5)], [C("主管部门", 2), C("新洲区楚剧团", 5)]]
    return [title, year], [*names, *funds, *INDICATORS]


def _write(tmp_path, name, form, suffix="xlsx"):
    path = tmp_path / f"{name}.{suffix}"
    return write_xlsx(path, [("表", [form])]) if suffix == "xlsx" else write_docx(path, [form])


def _read(path):
    forms, failures = read_file(path)
    assert failures == [] and len(forms) == 1, [f.reason for f in failures]
    return forms[0]


def _problems(path):
    """The located problems of the one form of a file, as the reader raises them."""
    grids = xlsx_grids(path) if path.suffix == ".xlsx" else [("", docx_grid(path))]
    ((form, _),) = [f for part, grid in grids for f in grid_forms(grid, part)]
    return form.problems


def _project(path):
    return _read(path).data.projects.iloc[0]


def _unknown(row, field: str) -> bool:
    return pd.isna(row[field]) and field in str(row["unknown"] or "")


# ----------------------------------------------------------------------------- 1. wordings


def test_only_an_initial_budget_column_is_the_budget(tmp_path):
    """北京 海淀 2016 (beijing-haidian-xueyuanlu-baojie-2016-project.md): 年初预算数(A) | 全年执行数(B) | 分值(10分),
    no 全年预算数 — 执行率(B/A) is taken against the 年初预算数: budget 310.2, spent 154.74, 50%, 5 of 10."""
    funds = [
        [C("项目资金(万元)"), C("年初预算数(A)"), C("全年执行数(B)"), C("分值(10分)"), C("执行率(B/A)"), C("得分")]
        + [C("得分计算方法")],
        [C("年度资金总额:"), C("310.2"), C("154.74"), C("10"), C("50%"), C("5"), C("执行率*该指标分值")],
        [C("其中:本年一般公共预算拨款"), C("310.2"), C("154.74"), C(""), C(""), C(""), C("")],
        [C("其他资金"), C(""), C(""), C(""), C(""), C(""), C("")],
    ]
    p = _project(_write(tmp_path, "haidian", _form(funds, year="(2016年度)"), "docx"))
    assert (p["budget_initial"], p["budget"], p["spent"], p["stated_rate"]) == (310.2, 310.2, 154.74, 0.5)
    assert (p["execution_weight"], p["published_execution_score"], p["fiscal_current"]) == (10, 5, 310.2)


@pytest.mark.parametrize(
    ("budget", "spent", "source"),
    [
        ("调整预算数(A)", "全年执行数(B)", "ningxia-yinchuan-liuzhong-gongyong-2021-project.md"),
        ("全年预算数", "全年执行", "hubei-xinzhou-chujutuan-yanchushebei-2020-project.md (sic, no 数)"),
        ("全年(调整)预算数", "全年执行数", "chongqing-liangping-linye-2023-dept.md"),
        ("调整后预算数", "预算执行数", "四川 510000_0013zp (docs/research/templates.md)"),
    ],
)
def test_budget_and_spending_headers_as_printed(tmp_path, budget, spent, source):
    """The budget and spending headers of several layouts, with the 银川 2021 figures 64.8 / 64.8 / 100%."""
    funds = [
        [C("项目资金(万元)"), C("年初预算数"), C(budget), C(spent), C("执行率(B/A)")],
        [C("年度资金总额"), C("64.8"), C("64.8"), C("64.8"), C("100%")],
    ]
    p = _project(_write(tmp_path, "yinchuan", _form(funds)))
    assert (p["budget"], p["spent"], p["stated_rate"]) == (64.8, 64.8, 1.0), source


def test_a_row_named_by_the_project_is_the_total(tmp_path):
    """湖北 hbust 2021 (hubei-hbust-jiangzhuxuejin-2021-project.md): 预算 | 支出 | 执行率 | 分值 | 得分 over one row
    labelled by the project's name: 2596 / 2595.6208 / 99%, no weight printed (unknown, never 10)."""
    funds = [
        [C(""), C("预算"), C("支出"), C("执行率"), C("分值"), C("得分")],
        [C("本专科生奖助学金项目"), C("2596"), C("2595.6208"), C("99%"), C(""), C("")],
    ]
    p = _project(_write(tmp_path, "hbust", _form(funds)))
    assert (p["budget"], p["spent"], p["stated_rate"]) == (2596, 2595.6208, 0.99)
    assert _unknown(p, "execution_weight")


def test_sources_before_a_total_row_under_the_standard_title(tmp_path):
    """蔡甸 2021 (hubei-caidian-senlinfanghuo-2021-project.md, here in simplified characters): 资金来源 | 预算数(A) |
    执行数(B) | 执行率(B/A) under a 项目绩效自评表 title, the source 一般预算内拨款 above its 合计 row: 63 / 63 / 100%."""
    funds = [
        [C("资金来源"), C("预算数(A)"), C("执行数(B)"), C("执行率(B/A)")],
        [C("一般预算内拨款"), C("63"), C("63"), C("100%")],
        [C("合计"), C("63"), C("63"), C("100%")],
    ]
    p = _project(_write(tmp_path, "caidian", _form(funds, "区级森林防火专项经费项目绩效自评表", "（2021年度）")))
    assert (p["budget"], p["spent"], p["stated_rate"], p["fiscal_current"]) == (63, 63, 1.0, 63)


def test_amounts_beside_their_labels(tmp_path):
    """成安 2020 (hebei-chengan-minzheng-bainian-2020-project.md): 金额单位 | 万元, then 预算数 | 6.84 | 到位数 | 6.84 |
    执行数 | 6.84 | 100.00 under 预算安排情况(调整后) | 资金到位情况 | 资金执行情况 | 预算执行进度(%): the amounts
    beside their labels, the rate under its (%) heading; the repeated 其中 rows are not amounts of the block."""
    funds = [
        [C("金额单位"), C("万元", 6)],
        [C("预算安排情况(调整后)", 2), C("资金到位情况", 2), C("资金执行情况", 2), C("预算执行进度(%)")],
        [C("预算数"), C(6.84), C("到位数"), C(6.84), C("执行数"), C(6.84), C("100.00")],
        [C("其中:财政资金"), C(6.84), C("其中:财政资金"), C(6.84), C("其中:财政资金"), C(6.84), C("")],
        [C("其他"), C("0.00"), C("其他"), C("0.00"), C("其他"), C("0.00"), C("")],
    ]
    path = _write(tmp_path, "chengan", _form(funds, "成安县民政局2020年度预算项目绩效自评表", ""))
    p = _project(path)
    assert (p["budget"], p["spent"], p["stated_rate"]) == (6.84, 6.84, 1.0) and _unknown(p, "execution_weight")
    assert not [w for w in _problems(path) if "不是金额" in w.message]


# ----------------------------------------------------------------------------- 2. units


def test_units_inside_cells_and_sources_added_up(tmp_path):
    """霍山 2024 (anhui-huoshan-yiliaojiuzhu-2024-project.md): 3359.62万 in the cells, the sources 中央财政资金 829.3万,
    彩票公益金 0 and 地方资金 2530.32万 added up to 3359.62 exactly; 预算执行率(B/A×100%)."""
    funds = [
        [C("资金投入情况(万元)"), C("全年预算数(A)"), C("全年执行数(B)"), C("预算执行率(B/A×100%)")],
        [C("年度资金总额:"), C("3359.62万"), C("3359.62万"), C("100%")],
        [C("其中:中央财政资金"), C("829.3万"), C("829.3万"), C("100%")],
        [C("彩票公益金用于医疗救助"), C("0"), C("0"), C("100%")],
        [C("地方资金"), C("2530.32万"), C("2530.32万"), C("100%")],
    ]
    p = _project(_write(tmp_path, "huoshan", _form(funds, "医疗救助补助资金转移支付项目绩效目标自评表", "(2024年度)")))
    assert (p["budget"], p["spent"], p["stated_rate"], p["fiscal_current"]) == (3359.62, 3359.62, 1.0, 3359.62)


def test_a_block_in_yuan_is_read_in_wan_yuan(tmp_path):
    """永德 2022 (yunnan-yongde-minglang-yingyang-2022-project.md): 项目资金 (元), 387664.62 元 = 38.766462 万元
    (exactly: no 38.766462000000004)."""
    funds = [
        [C("项目资金 (元)"), C("年初预算数"), C("全年预算数"), C("全年执行数"), C("分值"), C("执行率"), C("得分")],
        [C("年度资金总额"), C(""), C("387664.62"), C("387664.62"), C("10"), C("100%"), C("10")],
        [C("其中:当年财政 拨款"), C(""), C("387664.62"), C("387664.62"), C("—"), C(""), C("—")],
        [C("其他资金"), C("—"), C("—"), C("—"), C("—"), C(""), C("")],
    ]
    p = _project(_write(tmp_path, "yongde", _form(funds, year="（2022年度）"), "docx"))
    assert (p["budget"], p["spent"], p["fiscal_current"]) == (38.766462, 38.766462, 38.766462)
    assert pd.isna(p["budget_initial"]) and p["execution_weight"] == 10


def test_a_unit_cell_above_and_a_column_in_yuan(tmp_path):
    """济南 历城 2019 prints 单位 | 万元 above its blocks (shandong-jinan-licheng-wenhuaguan-2019-project.md); a
    column header stating 元 (上海 T5) is in 元 whatever the block says: 450000 元 = 45 万元."""
    names = [
        [C("单位"), C("万元", 6)],
        [C("项目名称", 2), C("商品和服务支出", 5)],
        [C("主管部门", 2), C("历城区文化馆", 5)],
    ]
    funds = [
        [
            C("项目预算执行情况(10分)"),
            C("年初预算数(A)"),
            C("全年执行数(B)（元）"),
            C("分值"),
            C("执行率(B/A)"),
            C("得分"),
        ],
        [C("年度资金总额"), C("45"), C("450000"), C("10"), C("100%"), C("10")],
    ]
    p = _project(_write(tmp_path, "licheng", _form(funds, year="( 2019 年度)", names=names)))
    assert (p["budget"], p["spent"], p["execution_weight"]) == (45, 45, 10)


@pytest.mark.parametrize(
    ("printed", "unit", "amount"),
    [
        ("3359.62万", Decimal(1), 3359.62),  # 霍山 2024
        ("300万元", Decimal(1), 300.0),  # 原州 2022
        ("10萬", Decimal(1), 10.0),  # traditional (黄冈 2020)
        ("１,２９０", Decimal(1), 1290.0),  # full-width digits, a thousands separator
        ("387,664.62", Decimal("0.0001"), 38.766462),  # 永德 2022 in a 元 block
        ("5000元", Decimal(1), 0.5),  # 元 in the cell wins over the block's 万元
        ("1.2亿", Decimal(1), 12000.0),
        (207.4538, Decimal(1), 207.4538),  # 稷山 2021, a number cell
    ],
)
def test_amounts_with_their_units(printed, unit, amount):
    assert money(printed, unit) == (amount, None)


def test_what_is_not_an_amount():
    assert money("—") == (None, None) and money("") == (None, None)
    assert money("三万")[0] is None and money("三万")[1] is not None
    assert money("100%")[0] is None and money("100%")[1] is not None


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("项目资金 (元)", Decimal("0.0001")),  # 永德 2022
        ("预算执行情况(万元)(20分)", Decimal(1)),  # 湖北 市直
        ("万元", Decimal(1)),  # 济南 2019: 单位 | 万元
        ("单位：元", Decimal("0.0001")),
        ("全年预算数（元）", Decimal("0.0001")),
        ("实際支出(萬元)", Decimal(1)),  # 黄冈 2020
        ("金额单位", None),
        ("元/人", None),  # an indicator's unit is no money unit
    ],
)
def test_stated_money_units(text, unit):
    assert stated_money_unit(text) == unit


def test_amounts_add_up_as_printed():
    """临河 2022 (neimenggu-linhe-jiuyebuzhu-2022-project.md): the spending of its sources, 3144.00 + 570.17 +
    432.10 + 1294.84 = 5441.11 (binary floats give 5441.110000000001)."""
    parts = [3144.00, 570.17, 432.10, 1294.84]
    total = 0.0
    for part in parts:
        total = add_amounts(total, part)
    assert total == 5441.11 and sum(parts) != 5441.11


# ----------------------------------------------------------------------------- 3. totals recomputed


def test_no_total_row_reads_the_one_filled_source_row(tmp_path):
    """原州 2022 as transcribed (ningxia-yuanzhou-malingshu-2022-project.md): 其中 中央补助 blank, 自治区补助
    300万元 / 259.45万元 / 86.5%, 市县资金 blank, no total row: the block's figures are that row's, flagged; no
    分值 column: the weight is unknown."""
    funds = [
        [C("资金情况(万元)"), C("全年预算数(A)"), C("全年执行数(B)"), C("执行率(B/A)")],
        [C("其中 中央补助"), C(""), C(""), C("")],
        [C("自治区补助"), C("300万元"), C("259.45万元"), C("86.5%")],
        [C("市县资金"), C(""), C(""), C("")],
    ]
    path = _write(tmp_path, "yuanzhou", _form(funds, "马铃薯冲薯繁育示范推广项目绩效目标自评表", "(2022年度)"), "docx")
    p = _project(path)
    assert (p["budget"], p["spent"], p["stated_rate"], p["fiscal_current"]) == (300, 259.45, 0.865, 300)
    assert _unknown(p, "execution_weight")
    (warning,) = [w for w in _problems(path) if w.code == "FUNDS_TOTAL_RECOMPUTED"]
    assert "300 / 259.45" in warning.message and warning.location.row == 5  # the 自治区补助 row of the table


def test_no_total_row_adds_up_several_source_rows(tmp_path):
    """霍山 2024's sources without the total row: 829.3万 + 0 + 2530.32万 = 3359.62, the rate not printed."""
    funds = [
        [C("资金投入情况(万元)"), C("全年预算数(A)"), C("全年执行数(B)"), C("预算执行率(B/A×100%)")],
        [C("其中:中央财政资金"), C("829.3万"), C("829.3万"), C("100%")],
        [C("彩票公益金用于医疗救助"), C("0"), C("0"), C("100%")],
        [C("地方资金"), C("2530.32万"), C("2530.32万"), C("100%")],
    ]
    path = _write(tmp_path, "huoshan", _form(funds, "医疗救助补助资金转移支付项目绩效目标自评表", "(2024年度)"))
    p = _project(path)
    assert (p["budget"], p["spent"]) == (3359.62, 3359.62) and pd.isna(p["stated_rate"])
    assert [w.code for w in _problems(path) if w.code.startswith("FUNDS")] == ["FUNDS_TOTAL_RECOMPUTED"]


def test_sources_as_columns_their_total_the_budget(tmp_path):
    """广水 交通 2021 (hubei-guangshui-jiaotong-xiangcundaolu-2021-project.md): 中央 | 省、地 | 本级 | 其他 | 合计 |
    执行数 | 执行率 over one row 309 | 309 | 100 % — the 合计 column is the budget."""
    funds = [
        [C("中央"), C("省、地"), C("本级"), C("其他"), C("合计"), C("执行数"), C("执行率")],
        [C(""), C(""), C(""), C(""), C("309"), C("309"), C("100 %")],
    ]
    p = _project(_write(tmp_path, "guangshui", _form(funds, "广水市财政预算支出项目绩效目标自评表", "(2021年度)")))
    assert (p["budget"], p["spent"], p["stated_rate"]) == (309, 309, 1.0)


def test_a_source_row_under_a_heading_with_only_its_rate(tmp_path):
    """南昌 蚕茶卫生院 2021 (jiangxi-nanchang-canchawsy-2021-dept.md): 资金来源:(1)财政拨款 | (lost) | (lost) |
    103.21%, then 资金结构:(1)基本支出: the one source row is the block's, its rate 103.21%; the amounts unknown."""
    funds = [
        [C("整体支出规模"), C("全年预算数"), C("全年执行数"), C("执行率")],
        [C("资金来源:(1)财政拨款"), C(""), C(""), C("103.21%")],
        [C("资金结构:(1)基本支出"), C(""), C(""), C("103.21%")],
    ]
    names = [[C("评价部门名称", 2), C("南昌县黄马乡蚕茶卫生院", 5)]]
    form = _read(_write(tmp_path, "nanchang", _form(funds, "蚕茶卫生院整体支出绩效自评表", "(2021年度)", names)))
    line = form.data.budget_lines.iloc[0]
    assert line["stated_rate"] == pytest.approx(1.0321) and _unknown(line, "budget") and _unknown(line, "spent")


def test_a_budget_only_block_under_the_indicators(tmp_path):
    """彭水 2024 (chongqing-pengshui-jihuashengyu-2024-project.md): under its indicators, 资金 | 年度预算资金总额 |
    其中:中央补助 | 市级资金 | 本级资金 over 计划生育转移支付资金合计(万元) | 1084.25 | 668.00 | 343.00 | 73.25 — the
    budget 1084.25; no spending column: the spending unknown, with a warning; the indicators still read."""
    rows = [
        *INDICATORS[:2],
        [C("资金"), C("年度预算资金总额"), C("其中:中央补助"), C("市级资金"), C("本级资金(包括结转结余)")],
        [C("计划生育转移支付资金合计(万元)"), C("1084.25"), C("668.00"), C("343.00"), C("73.25")],
        [C("其中: 农村部分计划生育家庭奖励扶助制度补助资金(万元)"), C("763.00"), C("502.00"), C("208.00"), C("53.00")],
    ]
    title = "彭水自治县2024年度中央对地方转移支付计划生育服务项目绩效自评表"
    form = _read(write_docx(tmp_path / "pengshui.docx", [([title], rows)]))
    p = form.data.projects.iloc[0]
    assert p["budget"] == 1084.25 and _unknown(p, "spent")
    assert form.data.indicators["level3"].tolist() == ["更新演出设备"]


def _jishan(*sources: list[C]) -> tuple[list[str], list[list[C]]]:
    """稷山 翟店 2021 (shanxi-jishan-gongwei-zhaidian-2021-project.md): 年度资金总额 0 / 0 / 207.4538, 执行率 100%."""
    funds = [
        [C("项目资金 (万元)"), C("年初预算数"), C("全年预算数"), C("全年执行数"), C("分值"), C("执行率"), C("得分")],
        [C("年度资金总额"), C("0"), C("0"), C("207.4538"), C("10"), C("100%"), C("10")],
        *sources,
        [C("上年结转资金"), C(""), C(""), C(""), C(""), C(""), C("")],
    ]
    return _form(funds, "稷山县项目支出绩效自评表", "(2021年度)")


def test_a_zero_budget_with_spending_is_read_as_printed_and_flagged(tmp_path):
    """稷山 2021: a budget printed 0 beside 207.4538 spent is read as 0 (it is printed); the form is read and
    audited, the loader's ZERO_BUDGET (an error in a data folder) a warning at the budget's cell (C6); the
    printed rate and score are kept; the recomputed rate is NaN, never spending divided by 0."""
    from evaltools.run.audit import run_audit

    path = _write(tmp_path, "jishan", _jishan())
    form = _read(path)
    p = form.data.projects.iloc[0]
    assert (p["budget"], p["spent"], p["stated_rate"], p["budget_initial"]) == (0, 207.4538, 1.0, 0)
    (warning,) = [w for w in form.data.warnings if w.code == "ZERO_BUDGET"]
    assert (
        warning.severity == "warning"
        and warning.location.column.startswith("C6")
        and "预算为零但有支出" in warning.message
    )
    assert not [w for w in _problems(path) if w.code.startswith("FUNDS")]
    result = run_audit([path], executor="serial")
    (row,) = result.findings[result.findings["code"] == "ZERO_BUDGET"].to_dict("records")
    assert (row["severity"], row["cell"]) == ("warning", "表!C6")
    assert result.unreadable.empty and "SPENT_OVER_BUDGET" not in set(result.findings["code"])  # not against 0
    assert pd.isna(result.read["computed_score"].iloc[0])  # the execution score 无法计算, never 0 or 207.45/0


def test_a_zero_budget_with_spending_is_recomputed_from_its_sources(tmp_path):
    """稷山 2021 with a filled 其中 row (as 棠溪镇 prints them): the budget is the 其中 rows' 207.4538."""
    path = _write(
        tmp_path, "jishan", _jishan([C("其中:当年财政拨款"), C(""), C("207.4538"), C("207.4538")] + [C("")] * 3)
    )
    p = _project(path)
    assert (p["budget"], p["spent"], p["stated_rate"]) == (207.4538, 207.4538, 1.0)
    assert [w.code for w in _problems(path) if w.code.startswith("FUNDS")] == ["FUNDS_TOTAL_RECOMPUTED"]


# ----------------------------------------------------------------------------- 4. never refused


def test_a_header_without_figures_is_unknown(tmp_path):
    """梁平 林业局 2023 部门整体 (chongqing-liangping-linye-2023-dept.md) as transcribed: the funds header with no
    figures under it — budget, spending and weight unknown, one warning at the header; the form is read."""
    funds = [
        [C(""), C("年初预算数"), C("全年(调整)预算数"), C("全年执行数"), C("执行率"), C("执行率权重"), C("执行率得分")],
        [C("年度总体目标"), C("年初绩效目标", 3), C("全年目标实际完成情况", 3)],
        [C("(goal)"), C("保护森林资源", 3), C("完成", 3)],
    ]
    path = _write(tmp_path, "liangping", _form(funds), "docx")
    p = _project(path)
    assert _unknown(p, "budget") and _unknown(p, "spent") and _unknown(p, "execution_weight")
    warning = next(w for w in _problems(path) if "全年预算数、全年执行数" in w.message)
    assert warning.location.row == 3 and warning.severity == "warning"  # the header, row 3 of the table


def test_no_funds_block_is_unknown(tmp_path):
    """大英 医保 2023 (sichuan-daying-yibao-jianguan-2023-project.md) prints only its indicators: the form is read,
    its budget, spending and execution weight unknown, with a warning at the title."""
    title, rows = _form([])
    forms, failures = read_file(_write(tmp_path, "daying", (title, rows)))
    assert failures == [] and len(forms) == 1
    p = forms[0].data.projects.iloc[0]
    assert _unknown(p, "budget") and _unknown(p, "spent") and _unknown(p, "execution_weight")
    (warning,) = [w for w in _problems(tmp_path / "daying.xlsx") if "找不到资金表" in w.message]
    assert warning.location.row == 1


def test_an_unreadable_amount_is_unknown_at_its_cell(tmp_path):
    """A figure written in words (三万) is unknown with a warning at its cell; the rest of the block is read."""
    funds = [
        [C("项目资金(万元)"), C("年初预算数"), C("全年预算数"), C("全年执行数"), C("分值"), C("执行率"), C("得分")],
        [C("年度资金总额"), C("30"), C("三万"), C("30"), C("10"), C("100%"), C("10")],
    ]
    path = _write(tmp_path, "words", _form(funds))
    p = _project(path)
    assert _unknown(p, "budget") and (p["spent"], p["budget_initial"]) == (30, 30)
    (warning,) = [w for w in _problems(path) if "不是金额" in w.message]
    assert warning.location.column.startswith("C6") and not math.isnan(p["execution_weight"])


# ----------------------------------------------------------------------------- 5. the goal block


@pytest.mark.parametrize(
    ("goal", "result", "source"),
    [
        ("年初设定目标", "年度总体目标完成情况综述", "anhui-xiaoxian-hexicun-2023-project.md"),
        ("年初设定目标", "全年完成情况", "jiangxi-nanchang-canchawsy-2021-dept.md"),
        ("总体目标", "全年实际完成情况", "neimenggu-linhe-jiuyebuzhu-2022-project.md"),
    ],
)
def test_goal_headers_as_printed(tmp_path, goal, result, source):
    """萧县 2023's goal and its result under the goal headers of several layouts."""
    funds = [
        [C("资金情况 (万元)"), C("全年预算数(A)"), C("全年执行数(B)"), C("分值"), C("执行率(B/A)"), C("得分")],
        [C("年度资金总额:"), C(9.48), C(9.48), C(10), C("100%"), C(10)],
        [C(goal, 3), C(result, 3)],
        [C("落实39户特色种养业奖补政策,增加脱贫户家庭收入", 3), C("落实39户特色种养业奖补政策", 3)],
    ]
    p = _project(_write(tmp_path, "hexicun", _form(funds, "绩效目标自评表", "(2023年度)")))
    assert (p["goal"], p["result"]) == (
        "落实39户特色种养业奖补政策,增加脱贫户家庭收入",
        "落实39户特色种养业奖补政策",
    ), source


def _pengshui(special: str = "321.25") -> list[list[C]]:
    """彭水 2024 (chongqing-pengshui-jihuashengyu-2024-project.md): the funds block as a cross-table, lines as rows and
    sources as columns, its 2023年绩效调整资金 row blank."""
    return [
        *INDICATORS[:2],
        [C("资金"), C("年度预算资金总额"), C("其中:中央补助"), C("市级资金"), C("本级资金(包括结转结余)")],
        [C("计划生育转移支付资金合计(万元) 年度预算资金总额):"), C("1084.25"), C("668.00"), C("343.00"), C("73.25")],
        [C("其中: 农村部分计划生育家庭奖励扶助制度补助资金(万元)"), C("763.00"), C("502.00"), C("208.00"), C("53.00")],
        [C("其中: 计划生育家庭特别扶助制度补助资金(万元)"), C(special), C("166.00"), C("136.00"), C("20.25")],
        [C("其中: 2023年绩效调整资金(万元)"), C(""), C(""), C(""), C("")],
    ]


def test_a_cross_table_is_added_up_both_ways(tmp_path):
    """彭水 2024: 166 + 136 + 20.25 = 322.25 ≠ 321.25 printed for 特别扶助 (its budget cell), and 208 + 136 = 344 ≠
    343 printed for 市级资金 (the total row's cell): one located SUM_MISMATCH each; the rows and columns that add
    up (502 + 166 = 668, 763 + 321.25 = 1084.25 …) and the blank row give none."""
    title = "彭水自治县2024年度中央对地方转移支付计划生育服务项目绩效自评表"
    path = write_docx(tmp_path / "pengshui.docx", [([title], _pengshui())])
    found = [p for p in _problems(path) if p.code == "SUM_MISMATCH"]
    assert [p.message.split(" / ")[0] for p in found] == [
        "「计划生育家庭特别扶助制度补助资金」各资金来源之和 166 + 136 + 20.25 = 322.25，与所印 321.25 不符（相差 1）",
        "「市级资金（合计）」其中各行之和 208 + 136 = 344，与所印 343 不符（相差 1）",
    ]
    assert [(p.location.row, p.location.column) for p in found] == [(6, "第6行第2列"), (4, "第4行第4列")]


def test_a_row_that_adds_up_is_no_finding(tmp_path):
    """The same block with 特别扶助 printed 322.25: its row adds up (no finding for it), its column no more (763 +
    322.25 = 1085.25 ≠ 1084.25, at the total's budget cell), and 市级资金 still does not (208 + 136 ≠ 343)."""
    rows = _pengshui("322.25")
    path = write_docx(tmp_path / "pengshui.docx", [(["彭水自治县2024年度计划生育服务项目绩效自评表"], rows)])
    found = [p.message.split("之和")[0] for p in _problems(path) if p.code == "SUM_MISMATCH"]
    assert found == ["「年度预算资金总额（合计）」其中各行", "「市级资金（合计）」其中各行"]
