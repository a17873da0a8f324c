"""A form is never refused over its title: every 自评表 wording seen is a title (layouts' ``titles=`` and
:data:`~evaltools.data.forms.layouts.TITLE`), a form printed without a title is found by its indicator block, its
kind comes from the title's words, else its 项目名称 or its indicator framework, else project (a located
warning); traditional characters are matched as simplified and kept as printed; the year comes from the title, a
line under it or a 评价年度 cell, else it is unknown (a located warning) — the form is still read."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import yaml

from evaltools.data.forms import read_file
from evaltools.data.forms.grid import docx_grid, xlsx_grids
from evaltools.data.forms.layout import find_forms, form_year
from evaltools.data.forms.layouts import is_title, layouts_titled
from evaltools.data.forms.read import grid_forms
from evaltools.data.forms.wording import cell_text, label_key, simplified
from tests.formkit import write_grid

CORPUS = Path(__file__).resolve().parents[1] / "corpus" / "forms"

# ----------------------------------------------------------------------------- title wordings


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("项目支出绩效自评表", "project"),
        ("2020年度长江禁捕项目自评表", "project"),  # 湖北 市直
        ("2021年度农村公益事业财政奖补项目绩效评价自评表", "project"),  # 安徽 铜陵
        ("成安县民政局2020年度预算项目绩效自评表", "project"),  # 河北 成安
        ("2021年度本专科生奖助学金项目自评结果", "project"),  # 湖北 2021
        ("2019年四川省项目支出绩效评分表", "project"),
        ("2020年度項目支出績效自評表", "project"),  # 云南 丽江, traditional characters
        ("医疗救助补助资金转移支付项目绩效目标自评表", "project"),  # 安徽 霍山
        ("绩效目标自评表", "project"),  # 安徽 萧县, 四川 中江
        ("2023年度部门整体支出绩效评价自评表", "department"),  # 安徽 寿县
        ("蚕茶卫生院整体支出绩效自评表(2021年度)", "department"),  # 江西 南昌
        ("重庆市梁平区林业局2023年度部门整体绩效自评表", "department"),
        ("单位整体支出绩效自评表", "department"),
    ],
)
def test_title_wordings_and_their_kind(title, kind):
    layouts = layouts_titled(title)
    assert is_title(title) and layouts
    assert {layout.kind for layout in layouts} == {kind}


def test_a_title_no_layout_claims_is_still_a_title():
    assert is_title("绩效自评结果") and layouts_titled("绩效自评结果") == []


@pytest.mark.parametrize(
    "text",
    [
        "四、绩效自评结果拟应用和公开情况",
        "绩效自评表填报说明",
        "自评得分",
        "项目支出绩效自评报告",
        "自评结果",
        "绩效指标",
    ],
)
def test_headings_and_labels_are_not_titles(text):
    assert not is_title(text) and layouts_titled(text) == []


# ----------------------------------------------------------------------------- traditional characters


def test_traditional_characters_are_matched_as_simplified():
    assert simplified("單位名稱") == "单位名称"
    assert cell_text("年初目標值 (A)") == "年初目标值(A)"
    assert label_key("項目實施單位：") == "项目实施单位"
    assert simplified("项目支出绩效自评表") == "项目支出绩效自评表"  # simplified text is left as it is


#: 湖北 蔡甸 2021 森林防火 as a standard form, typed in the traditional characters of its mirror
#: (docs/research/forms/hubei-caidian-senlinfanghuo-2021-project.md), with 分值 / 得分 columns.
TRADITIONAL = [
    ["項目名稱", "區級森林防火專項經費"],
    ["主管部門", "區園林和林業局"],
    ["實施單位", "蔡甸區園林和林業局"],
    ["資金情況(萬元)", "全年預算數", "全年執行數", "分值", "執行率", "得分"],
    ["年度資金總額", "63", "63", "10", "100%", "10"],
    ["一級指標", "二級指標", "三級指標", "年度指標值", "實際完成值", "分值", "得分"],
    [{"span": [2, 1], "text": "產出指標"}, "產出數量", "滅火設備配備率", "100%", "100%", "45", "45"],
    ["產出質量", "森林火災案件查處率", "不低於90%", "95%", "45", "45"],
    ["總分", "", "", "", "", "100", "100"],
]


def test_a_form_in_traditional_characters_is_read_as_printed(tmp_path):
    path = write_grid(tmp_path / "caidian.xlsx", ["2021年度區級森林防火專項經費項目績效自評表"], TRADITIONAL, "xlsx")
    (form,), failures = read_file(path)
    assert failures == []
    assert (form.kind, form.data.year) == ("project", 2021)
    project = form.data.projects.iloc[0]
    assert project["project"] == "區級森林防火專項經費"  # kept as printed
    assert project["implementer"] == "蔡甸區園林和林業局"
    assert (project["budget"], project["spent"], project["execution_weight"]) == (63, 63, 10)
    inds = form.data.indicators
    assert list(inds["level3"]) == ["滅火設備配備率", "森林火災案件查處率"]
    assert list(inds["level1"]) == ["產出指標", "產出指標"]
    assert list(inds["weight"]) == [45, 45]


def test_a_title_printed_as_a_names_value_is_not_a_form(tmp_path):
    """云南 丽江 2020: the 项目名称 cell prints 「…经费支出绩效自评表」 — a value, not a second title."""
    grid = [["項目名稱", "2020年省級自然資源衛片執法補助經費支出績效自評表"], *TRADITIONAL[1:]]
    path = write_grid(tmp_path / "lijiang.xlsx", ["2020年度項目支出績效自評表"], grid, "xlsx")
    (form,), failures = read_file(path)
    assert failures == []
    assert form.data.projects["project"].iloc[0] == "2020年省級自然資源衛片執法補助經費支出績效自評表"
    assert form.data.year == 2020


# ----------------------------------------------------------------------------- forms without a title

STANDARD_BODY = [
    ["项目名称", "护工培训"],
    ["实施单位", "吕梁市人社局"],
    ["资金情况(万元)", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", "120", "96", "10", "80%", "8"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    [{"span": [2, 1], "text": "产出指标"}, "数量指标", "培训人数", "≥12500人", "12166人", "45", "43"],
    ["质量指标", "就业率", "≥80%", "85%", "45", "45"],
]


def test_a_form_without_a_title_is_found_by_its_indicator_block(tmp_path):
    path = write_grid(tmp_path / "page.docx", [], STANDARD_BODY)
    grid = docx_grid(path)
    assert find_forms(grid) == [(0, len(grid), "")]
    (form,), failures = read_file(path)
    assert failures == []
    assert form.kind == "project"  # it prints a 项目名称
    assert form.data.projects["project"].iloc[0] == "护工培训"
    assert (form.data.projects["budget"].iloc[0], form.data.projects["spent"].iloc[0]) == (120, 96)
    assert list(form.data.indicators["panel_score"]) == [43, 45]
    # no year anywhere (nor in the file name): unknown, not 0, with a warning at the form's first cell
    assert math.isnan(form.data.year)
    (warning,) = [w for w in form.data.warnings if "年度未知" in w.message]
    assert warning.severity == "warning" and warning.location.row == 1


def test_a_grid_without_title_or_indicator_block_holds_no_form(tmp_path):
    path = write_grid(tmp_path / "note.docx", [], [["单位名称", "某局"], ["联系电话", "123"]])
    assert find_forms(docx_grid(path)) == []
    forms, (failure,) = read_file(path)
    assert forms == [] and "no 自评表 found" in failure.reason


def test_the_year_of_a_titleless_form_is_taken_from_a_header_cell(tmp_path):
    path = write_grid(tmp_path / "page.docx", [], [["评价年度", "2021年"], *STANDARD_BODY])
    (form,), _ = read_file(path)
    assert form.data.year == 2021
    assert not [w for w in form.data.warnings if "年度" in w.message]


def test_the_year_of_a_titleless_form_is_taken_from_the_file_name(tmp_path):
    path = write_grid(tmp_path / "2022年度护工培训.docx", [], STANDARD_BODY)
    (form,), _ = read_file(path)
    assert form.data.year == 2022
    assert [w for w in form.data.warnings if "文件名" in w.message]


#: 湖南 长沙 雨花 2022 发改局 (docs/research/forms/hunan-changsha-yuhua-fagai-2022-dept.md): a 部门整体 framework,
#: 预算配置 / 预算执行 as 二级 items, printed without a title; a funds block added so that the form is read whole.
DEPARTMENT_BODY = [
    ["部门名称", "长沙市雨花区发展和改革局"],
    ["预算资金(万元)", "全年预算数", "全年执行数", "分值", "执行率", "得分"],
    ["年度资金总额", "500", "480", "10", "96%", "9.6"],
    ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "分值", "得分"],
    ["投入 (13)", "预算配置 (13)", "在职人员控制率", "≤100%", "98%", "13", "13"],
    ["过程 (77)", "预算执行 (77)", "预算完成率", "≥95%", "96%", "77", "77"],
]


def test_a_titleless_form_with_a_department_framework_is_a_department_form(tmp_path):
    path = write_grid(tmp_path / "yuhua.docx", [], DEPARTMENT_BODY)
    ((form, _),) = grid_forms(docx_grid(path), "")
    assert form.kind == "department"
    (warning,) = [p for p in form.problems if p.code == "FORM_KIND"]
    assert "指标体系" in warning.message and warning.severity == "warning"
    (read,), failures = read_file(path)
    assert failures == [] and read.kind == "department"
    assert read.data.unit == "长沙市雨花区发展和改革局"
    assert read.data.budget_lines["budget"].iloc[0] == 500


def test_a_title_naming_no_kind_defaults_to_a_project_with_a_warning(tmp_path):
    body = [row for row in STANDARD_BODY if row[0] != "项目名称"]
    path = write_grid(tmp_path / "result.docx", ["绩效自评结果", "(2021年度)"], body)
    ((form, _),) = grid_forms(docx_grid(path), "")
    assert (form.kind, form.year, form.title) == ("project", 2021, "绩效自评结果")
    (warning,) = [p for p in form.problems if p.code == "FORM_KIND"]
    assert "默认" in warning.message and warning.location.row == 1


def test_the_title_kind_wins_over_the_framework(tmp_path):
    path = write_grid(tmp_path / "dept.docx", ["2022年度部门整体支出绩效自评表"], DEPARTMENT_BODY)
    ((form, _),) = grid_forms(docx_grid(path), "")
    assert (form.kind, form.year) == ("department", 2022)
    assert not [p for p in form.problems if p.code == "FORM_KIND"]


# ----------------------------------------------------------------------------- the year


@pytest.mark.parametrize(
    ("titles", "year"),
    [
        (["2021年度项目支出绩效自评表"], 2021),
        (["2020 年市级服务贸易发展资金项目自评表"], 2020),  # 湖北: 2020年 without 度, in the title
        (["项目支出绩效自评表", "(2019年度)"], 2019),  # the line under the title
        (["项目支出绩效自评表"], None),
    ],
)
def test_the_year_from_the_title_or_the_line_under_it(tmp_path, titles, year):
    path = write_grid(tmp_path / "form.xlsx", titles, STANDARD_BODY, "xlsx")
    ((_, grid),) = xlsx_grids(path)
    assert form_year(grid, 0, len(grid))[0] == year


def test_a_form_with_no_year_anywhere_is_read_with_the_year_unknown(tmp_path):
    path = write_grid(tmp_path / "form.xlsx", ["项目支出绩效自评表"], STANDARD_BODY, "xlsx")
    (form,), failures = read_file(path)
    assert failures == [] and math.isnan(form.data.year)
    (warning,) = [w for w in form.data.warnings if "年度未知" in w.message]
    assert (warning.location.row, warning.location.sheet) == (1, "Sheet1")


# ----------------------------------------------------------------------------- the corpus forms refused over their title

#: The corpus forms refused today over their title (tests/corpus/REPORT.md, issue 19): their title is a title, or
#: they print none and are found by their indicator block; what stops some of them now is another block.
REFUSED_FOR_THE_TITLE = {  # stem → (kind, the year the form prints: None when it prints none)
    "anhui-shouxian-bumen-2023-dept": ("department", 2023),  # 部门整体 in the title
    "anhui-tongling-jiaoqu-gongyishiye-2021-project": ("project", 2021),
    "anhui-xiaoxian-yanglou-2023-project": ("project", None),  # no title; 项目名称 2023年… is a name, not the year
    "hubei-caidian-senlinfanghuo-2021-project": ("project", 2021),  # traditional characters
    "hubei-hbust-jiangzhuxuejin-2021-project": ("project", None),
    "hubei-huanggang-shuibao-jiance-2020-project": ("project", 2020),  # traditional characters
    "hunan-changsha-yuhua-fagai-2022-dept": ("department", None),  # no title: 预算配置 / 预算执行
    "jiangxi-nanchang-canchawsy-2021-dept": ("department", 2021),  # 整体支出 in the title
    "shanxi-lvliang-hugong-peixun-2021-project": ("project", None),
    "sichuan-daying-fragment-22p5-unknown-project": ("project", None),
    "sichuan-daying-shuangxin-wenming-2020-project": ("project", None),
    "sichuan-daying-tielu-yanxian-fragment-unknown-project": ("project", None),
    "sichuan-daying-yibao-jianguan-2023-project": ("project", None),
    "yunnan-lijiang-gucheng-weipian-2020-project": ("project", 2020),  # traditional characters
}


@pytest.mark.parametrize("stem", sorted(REFUSED_FOR_THE_TITLE))
def test_corpus_forms_are_not_refused_for_their_title(tmp_path, stem):
    data = yaml.safe_load((CORPUS / f"{stem}.yaml").read_text(encoding="utf-8"))
    fmt = data.get("format", "docx")
    path = write_grid(tmp_path / f"form.{fmt}", data.get("title") or [], data["grid"], fmt)
    grids = xlsx_grids(path) if fmt == "xlsx" else [("", docx_grid(path))]
    forms = [form for part, grid in grids for form, _ in grid_forms(grid, part)]
    assert [(form.kind, form.year) for form in forms] == [REFUSED_FOR_THE_TITLE[stem]]
    assert forms[0].kind == data["source"]["kind"]
    _, failures = read_file(path)
    assert not [f for f in failures if "no 自评表 found" in f.reason or "no year" in f.reason]


# ----------------------------------------------------------------------------- titles over no indicator block

#: A summary titled as a form but holding no indicator block (this tool's own 「部门整体」 sheet: 单位名称, the
#: projects' 全年预算数 / 全年执行数, 总分).
SUMMARY = [
    ["单位名称", "某某区文化馆"],
    ["项目名称", "全年预算数", "全年执行数", "执行率"],
    ["免费开放", "60", "58", "96.67%"],
    ["总分", "92"],
]


def test_a_title_over_no_indicator_block_starts_no_form(tmp_path):
    from tests.formkit import grid_rows, write_xlsx

    sheets = [
        ("项目", [(["2023年度项目支出绩效自评表"], grid_rows(STANDARD_BODY, numbers=True))]),
        ("部门整体", [(["某某区文化馆2023年度整体支出绩效自评表"], grid_rows(SUMMARY, numbers=True))]),
    ]
    path = write_xlsx(tmp_path / "workbook.xlsx", sheets)
    (form,), failures = read_file(path)
    assert failures == [] and form.part == "项目" and form.data.year == 2023


def test_a_file_whose_only_title_has_no_indicator_block_is_refused_at_the_title(tmp_path):
    path = write_grid(tmp_path / "summary.xlsx", ["某某区文化馆2023年度整体支出绩效自评表"], SUMMARY, "xlsx")
    forms, (failure,) = read_file(path)
    assert forms == [] and "no indicator block under the title" in failure.reason
    (problem,) = failure.problems
    assert (problem.location.sheet, problem.location.row, problem.found) == (
        "Sheet1",
        1,
        "某某区文化馆2023年度整体支出绩效自评表",
    )


def test_a_repeated_title_over_a_continued_table_continues_the_form(tmp_path):
    grid = [
        *STANDARD_BODY,
        ["项目支出绩效自评表(续表)"],
        ["满意度指标", "服务对象满意度", "学员满意度", "≥90%", "92%", "10", "10"],
    ]
    path = write_grid(tmp_path / "continued.xlsx", ["2021年度项目支出绩效自评表"], grid, "xlsx")
    ((_, grid_),) = xlsx_grids(path)
    assert find_forms(grid_) == [(0, len(grid_), "2021年度项目支出绩效自评表")]
    (form,), _ = read_file(path)
    assert list(form.data.indicators["level3"]) == ["培训人数", "就业率", "学员满意度"]
