"""Form layouts (one declaration each, in a registry) and the one label normaliser: the variants real forms print —
full-width and half-width forms, spaces inside words, notes after headers, 年度 / 年, look-alike signs, several
title wordings — each mapped to the field it names."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evaltools.data.forms import read_file
from evaltools.data.forms.grid import xlsx_grids
from evaltools.data.forms.layout import find_forms, form_year
from evaltools.data.forms.layouts import BLOCKS, FIELDS, FORM_LAYOUTS, KINDS, Block, form_layout, layouts_titled
from evaltools.data.forms.read import read_form
from evaltools.data.forms.values import quantity
from evaltools.data.forms.wording import direction_code, label_key, label_keys
from evaltools.errors import ParamsError
from tests.data.test_forms_read import RONGMEITI, TANGXI
from tests.data.test_forms_semantics import hexicun, huangshi
from tests.formkit import C, chongqing, standard, write_xlsx

# ----------------------------------------------------------------------------- the registry


def _standard_form():
    return standard(TANGXI)


def _department_form():
    return chongqing(RONGMEITI)


#: The headers of a 项目支出绩效自评表 of the 预算数(A) / 执行数(B), 指标值(A) / 实际值(B) layout.
AB_HEADERS = {
    "全年预算数（A）": "预算数（A）",
    "全年执行数（B）": "执行数（B）",
    "年度指标值": "指标值（A）",
    "实际完成值": "实际值（B）",
    "偏差原因分析及改进措施": "未完成原因分析",
}
AB = replace(TANGXI, budget_initial=90, budget=90, spent=89.974, rate="99.97%", exec_score=10, total_score=100)


def _ab_form():
    titles, rows = standard(AB)
    return titles, [[replace(c, value=AB_HEADERS.get(c.value, c.value)) for c in row] for row in rows]


#: One form of every declared layout, as the tests write it: the layout it must be read with.
EXAMPLES = {
    "project": _standard_form,
    "department": _department_form,
    "project-ab": _ab_form,
    "project-hubei": huangshi,  # 黄石 2022: its funds label states (20分)
    "project-target": hexicun,  # 萧县 2023
}
#: The execution weight each example prints (10 unless its layout states another).
WEIGHTS = {"project-hubei": 20}


def test_every_layout_has_an_example_form():
    assert set(EXAMPLES) == set(FORM_LAYOUTS)


@pytest.mark.parametrize("name", list(FORM_LAYOUTS))
def test_each_layout_declares_every_block_with_known_fields(name):
    layout = FORM_LAYOUTS[name]
    assert layout.kind in KINDS and layout.titles and layout.source
    assert sorted(b.name for b in layout.blocks) == sorted(BLOCKS)
    for block in layout.blocks:
        columns, rows = FIELDS[block.name]
        assert set(block.columns) == columns and set(block.rows) == rows, block.name  # nothing read is undeclared
        assert all(need <= set(block.columns) for need in block.needs)
        for labels in (block.columns, block.rows):
            for field, words in labels.items():
                assert words, (block.name, field)
                # each wording names its own field (as printed and as its key), and a key is its own fixed point
                assert all(labels.field(w) == field == labels.field(label_key(w)) for w in words), (block.name, field)
                assert all(label_key(label_key(w)) == label_key(w) for w in words)


@pytest.mark.parametrize("name", list(FORM_LAYOUTS))
def test_each_layout_reads_its_example_form(tmp_path, name):
    path = write_xlsx(tmp_path / f"{name}.xlsx", [("表", [EXAMPLES[name]()])])
    ((_, grid),) = xlsx_grids(path)
    ((start, end, title),) = find_forms(grid)
    form = read_form(grid, start, end, title)
    assert form.layout is FORM_LAYOUTS[name] and form.kind == FORM_LAYOUTS[name].kind
    others = [p for p in form.problems if not p.message.startswith("年度资金总额印为 0")]  # 棠溪镇's 0 / 0 / 0 total
    assert others == [] and form.indicators and form.funds["weight"] == WEIGHTS.get(name, 10)


def test_the_ab_layout_reads_budget_spending_and_actuals(tmp_path):
    """预算数(A) / 执行数(B) and 实际值(B): read as the budget, the spending and the actuals (the standard layout
    does not know 实际值 — its funds block knows 预算数 / 执行数 too, printed under the standard title in 湖北 蔡甸
    2021 and 黄冈 2020 — and still reads its own forms: test_each_layout_reads_its_example_form)."""
    (form,), failures = read_file(write_xlsx(tmp_path / "ab.xlsx", [("s", [_ab_form()])]))
    assert failures == []
    p = form.data.projects.iloc[0]
    assert (p["budget_initial"], p["budget"], p["spent"], p["stated_rate"]) == (90, 90, 89.974, 0.9997)
    ind = form.data.indicators.set_index("level3")
    assert ind.loc["基建工程委托业务项目数量", ["direction", "target", "actual"]].tolist() == [">=", 50, 50]
    assert ind.loc["公众满意度", ["target", "actual"]].tolist() == [0.9, 0.95]
    assert FORM_LAYOUTS["project-ab"].block("funds").columns.field("预算数（A）") == "budget"
    assert FORM_LAYOUTS["project"].block("indicators").columns.field("实际值（B）") is None


def test_a_declaration_names_known_blocks_and_fields_only():
    blocks = FORM_LAYOUTS["project"].blocks
    with pytest.raises(ValueError, match="unknown fields"):
        form_layout("bad", kind="project", titles=("x",), blocks=(*blocks[:-1], Block("total", rows={"sum": ("和",)})))
    with pytest.raises(ValueError, match="once each"):
        form_layout("bad", kind="project", titles=("x",), blocks=blocks[:-1])
    with pytest.raises(ValueError, match="registered twice"):
        form_layout("project", base="project")
    with pytest.raises(ValueError, match="names both 'weight' and 'score'"):
        Block("funds", columns={"weight": ("分值",), "score": ("分 值：",)})
    with pytest.raises(ParamsError, match="unknown form layout"):
        form_layout("bad", base="no-such-layout")
    assert "bad" not in FORM_LAYOUTS


# ----------------------------------------------------------------------------- labels as printed


def _field(block: str, printed: str, layout: str = "project") -> str | None:
    return FORM_LAYOUTS[layout].block(block).columns.field(printed)


@pytest.mark.parametrize(
    ("printed", "field"),
    [
        ("全年预算数（A）", "budget"),
        ("全年预算数(A)", "budget"),
        ("全年预算数（Ａ）", "budget"),  # full-width letter
        ("全 年 预 算 数", "budget"),
        ("全年(调整)预算数", "budget"),
        ("全年（调整）预算数（万元）", "budget"),
        ("调整后预算数【万元】", "budget"),
        ("全年执行数（B）", "spent"),
        ("预算执行数(万元)", "spent"),
        ("年初预算数（万元）", "budget_initial"),
        ("执行率（B/A）", "rate"),
        ("执行率（Ｂ／Ａ）", "rate"),
        ("执行率(%)", "rate"),
        ("执行率（％）", "rate"),
        ("分 值", "weight"),
        ("执行率得分(分)", "score"),
        ("得分：", "score"),
    ],
)
def test_funds_headers(printed, field):
    assert _field("funds", printed) == field


@pytest.mark.parametrize(
    ("printed", "field"),
    [
        ("三 级 指 标", "level3"),
        ("指标名称：", "level3"),
        ("年度指标值（A）", "target"),
        ("年指标值", "target"),  # 年度 / 年
        ("年度目标值", "target"),
        ("实际完成值（B）", "actual"),
        ("全年完成值", "actual"),
        ("指标权重(分)", "weight"),
        ("分值（分）", "weight"),
        ("指标得分(分)", "panel_score"),
        ("得分系数(%)", "score_coefficient"),
        ("计量单位", "unit"),
        ("度 量 单 位", "unit"),
        ("偏差原因分析及改进措施（未完成原因）", "deviation"),
        ("未完成原因分析：", "deviation"),
        ("调整指标值", "target_adjusted"),
        ("全年（调整）指标值", "target_adjusted"),
    ],
)
def test_indicator_headers(printed, field):
    assert _field("indicators", printed) == field


@pytest.mark.parametrize(
    ("block", "printed", "field"),
    [
        ("names", "项 目 名 称", "project"),
        ("names", "项目名称：", "project"),
        ("names", "实施单位（盖章）", "implementer"),
        ("names", "项目实施单位:", "implementer"),
        ("names", "部门名称", "unit"),
        ("names", "自评总分(分)", "published_total"),
        ("funds", "年度资金总额：", "total"),
        ("funds", "年资金总额", "total"),
        ("funds", "本年财政拨款", "fiscal_current"),
        ("funds", "上年结转资金（万元）", "carryover"),
        ("goal", "年度总体目标：", "goal"),
        ("total", "总 分", "total"),
        ("total", "自评等级：", "grade"),
    ],
)
def test_row_labels(block, printed, field):
    assert FORM_LAYOUTS["project"].block(block).rows.starting(printed)[0] == field


def test_a_label_followed_by_words_is_not_that_label():
    rows = FORM_LAYOUTS["project"].block("funds").rows
    assert _field("funds", "预算执行情况") is None and _field("indicators", "绩效指标") is None
    assert rows.starting("其他说明")[0] is None
    assert label_keys("全年（调整）预算数（万元）") == ("全年(调整)预算数(万元)", "全年(调整)预算数", "全年预算数")


@pytest.mark.parametrize(
    ("title", "layout"),
    [
        ("项目支出绩效自评表", "project"),
        ("项 目 支 出 绩 效 自 评 表", "project"),
        ("部门预算项目支出绩效自评表(2023年度)", "project"),
        ("财政项目支出绩效自评表", "project"),
        ("项目支出绩效评价表", "project"),
        ("项目绩效自评表", "project"),
        ("项目支出绩效自评价表", "project"),
        ("项目支出绩效自评情况表", "project"),
        ("部门整体支出绩效自评表", "department"),
        ("部门整体绩效自评表（２０２１年度）", "department"),
        ("部门整体支出绩效评价得分表", "department"),
    ],
)
def test_title_wordings(title, layout):
    assert [x.name for x in layouts_titled(title)][:1] == [layout]
    assert FORM_LAYOUTS[layout].kind == layout


@pytest.mark.parametrize("text", ["项目支出绩效自评报告", "部门整体支出绩效自评报告", "通讯录", "绩效指标"])
def test_not_titles(text):
    assert layouts_titled(text) == []


@pytest.mark.parametrize(
    ("below", "year"),
    [("（2022年度）", 2022), ("(2022年)", 2022), ("（２０２２年度）", 2022), ("2022 年度", 2022), ("2021年", 2021)],
)
def test_the_year_under_the_title(tmp_path, below, year):
    titles, rows = standard(TANGXI)
    path = write_xlsx(tmp_path / "year.xlsx", [("s", [([titles[0], below], rows)])])
    ((_, grid),) = xlsx_grids(path)
    assert form_year(grid, 0, len(grid)) == (year, 1)


def test_a_year_inside_a_name_is_not_the_forms_year(tmp_path):
    titles, rows = standard(TANGXI)
    rows[0] = [C("项目名称", 2), C("51092324T000010263357-2023年全县安可替代补助资金项目", 6)]
    path = write_xlsx(tmp_path / "year.xlsx", [("s", [(titles[:1], rows)])])
    ((_, grid),) = xlsx_grids(path)
    assert form_year(grid, 0, len(grid)) == (None, 0)


# ----------------------------------------------------------------------------- ≥ ≤ = as printed


@pytest.mark.parametrize(
    ("printed", "code"),
    [
        ("≥", ">="),
        (">=", ">="),
        ("＞＝", ">="),
        ("≧", ">="),
        ("⩾", ">="),
        ("大于等于", ">="),
        ("不低于", ">="),
        ("正向", ">="),
        ("≤", "<="),
        ("<=", "<="),
        ("＜＝", "<="),
        ("≦", "<="),
        ("小于或等于", "<="),
        ("不超过", "<="),
        ("=", "="),
        ("＝", "="),
        ("═", "="),
        ("＞", ">"),
        ("区间", "range"),
        ("定性指标", "qualitative"),
        ("定量指标", None),
    ],
)
def test_direction_cells(printed, code):
    assert direction_code(printed) == (True, code)


def test_an_unknown_direction_is_not_guessed():
    assert direction_code("约") == (False, None) and direction_code("≈") == (False, None)


@pytest.mark.parametrize(
    ("printed", "direction", "value", "unit"),
    [
        ("大于等于50个", ">=", 50, "个"),
        ("≧95%", ">=", 0.95, "%"),
        ("＞＝90％", ">=", 0.9, "%"),
        ("≦90万元", "<=", 90, "万元"),
        ("小于或等于10天", "<=", 10, "天"),
        ("═100%", "=", 1.0, "%"),
    ],
)
def test_targets_with_look_alike_signs(printed, direction, value, unit):
    q = quantity(printed)
    assert (q.direction, q.value, q.unit, q.text) == (direction, value, unit, printed)
