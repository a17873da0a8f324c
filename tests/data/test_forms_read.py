"""Filled-in 自评表 read from the layouts of several finance bureaus (tests/formkit.py rebuilds them from
research/templates.md), typed in Excel and in Word, with the awkward variants people make; what cannot be read
is a located error, never a guess."""

from __future__ import annotations

import math
from dataclasses import replace

import pandas as pd
import pytest

from evaltools.data.forms import import_forms, read_file
from tests.formkit import (
    C,
    Ind,
    Spec,
    chongqing,
    full_width,
    shanghai,
    sichuan,
    split_row,
    standard,
    write_docx,
    write_xlsx,
)

# 池州市贵池区棠溪镇 委托业务项目 (2022, research/tangxi-town-2022.md), completed with a 满意度 row and a total.
TANGXI = Spec(
    project="委托业务项目",
    department="219-池州市贵池区棠溪镇人民政府",
    implementer="219001-池州市贵池区棠溪镇人民政府",
    budget_initial=0,
    budget=0,
    spent=0,
    fiscal_current=89.974,
    exec_weight=10,
    rate=0,
    exec_score=0,
    goal="本项目共申请预算资金90万元。",
    result="本项目共完成预算资金89.97万元。",
    indicators=[
        Ind("产出指标", "数量指标", "基建工程委托业务项目数量", "≥50个", "50", 8, 8),
        Ind("产出指标", "质量指标", "委托业务报告合格率", "≥100百分比", "100", 8, 8),
        Ind("产出指标", "质量指标", "经费支出合规性", "严格执行相关制度规定", "达成预期指标", 8, 8),
        Ind("产出指标", "时效指标", "提交报告及时性", "在项目计划完成时间内完成", "达成预期指标", 8, 8),
        Ind("产出指标", "成本指标", "项目总成本", "≤90万元", "90", 8, 8),
        Ind("产出指标", "成本指标", "单项业务成本", "符合相关规定", "达成预期指标", 10, 10),
        Ind("效益指标", "社会效益指标", "对维护基建市场公平的影响程度", "效果明显", "达成预期指标", 10, 10),
        Ind("效益指标", "生态效益指标", "对控制基建项目成本影响程度", "效果明显", "达成预期指标", 10, 10),
        Ind(
            "效益指标",
            "可持续影响指标",
            "对推动基建项目“四项制度”健全和落实的持续性影响",
            "效果明显",
            "达成预期指标",
            10,
            10,
        ),
        Ind("满意度指标", "服务对象满意度指标", "公众满意度", "≥90%", "95%", 10, 10),
    ],
    total_score=90,
)
# 青神县发展和改革局 工资性支出 (2023, research/sichuan-format-2023.md): 得分 and 完成值 printed blank.
QINGSHEN = Spec(
    year=2023,
    project="51000021R000000019951-工资性支出",
    department="青神县发展和改革局本级",
    implementer="青神县发展和改革局",
    budget_initial=238.93,
    budget=251.89,
    spent=251.89,
    fiscal_current=251.89,
    rate="100.00%",
    exec_score=None,
    indicators=[
        Ind("产出指标", "数量指标", "发放(缴纳)覆盖率", 100, None, 60, None, unit="%", direction="="),
        Ind("效益指标", "社会效益指标", "足额保障率(参保率)", 100, None, 30, None, unit="%", direction="="),
    ],
    total_score=None,
)
# 重庆 融媒体中心 部门整体绩效自评表 (2021, research/chongqing-rongmeiti-dept-2021.md), the first rows.
RONGMEITI = Spec(
    kind="department",
    year=2021,
    department="西部（重庆）科学城融媒体中心",
    budget_initial="?",
    budget="?",
    spent="?",
    rate="76%",
    exec_score=7.6,
    total_score=97.6,
    goal="为建设成渝地区双城经济圈营造良好氛围。",
    result="中心2021年较好地完成了履职任务。",
    indicators=[
        Ind(
            "",
            "",
            "财政供养人员控制率",
            "100%",
            "92%",
            2,
            2,
            unit="%",
            direction="定量指标",
            coefficient="100%",
            core="否",
        ),
        Ind("", "", "“三公”经费变动率", "?", "?", 2, 2, unit="%", direction="定量指标", coefficient="100%", core="否"),
        Ind("", "", "管理制度健全性", "高", "高", 3, 3, direction="定性指标", coefficient="100%", core="否"),
        Ind(
            "",
            "",
            "政府采购执行率",
            "100%",
            "72.74%",
            2,
            2,
            unit="%",
            direction="定量指标",
            coefficient="100%",
            core="是",
        ),
        Ind(
            "",
            "",
            "播发稿件数量",
            "2200",
            "2859",
            10,
            10,
            unit="篇",
            direction="定量指标",
            coefficient="100%",
            core="是",
        ),
    ],
)


def _one(path):
    forms, failures = read_file(path)
    assert failures == [] and len(forms) == 1, [f.reason for f in failures]
    return forms[0]


def _check_tangxi(form, scale=1.0):
    data = form.data
    assert form.kind == "project" and data.kind == "project" and data.year == 2022
    assert data.unit == "219001-池州市贵池区棠溪镇人民政府"
    p = data.projects.iloc[0]
    assert p["project"] == "委托业务项目" and p["department"] == "219-池州市贵池区棠溪镇人民政府"
    # 年度资金总额 printed 0 / 0 / 0 above a filled 其中 row: its 全年预算数 recomputed from it; the row prints no
    # 执行数 here, so 全年执行数 and the printed 0% are unknown, never 0 (test_forms_semantics.py: the real form)
    assert (p["budget"], p["published_execution_score"]) == (89.974 * scale, 0)
    assert pd.isna(p["spent"]) and pd.isna(p["stated_rate"]) and set(p["unknown"].split(",")) >= {"spent"}
    assert math.isclose(p["fiscal_current"], 89.974 * scale) and p["published_score"] == 90
    ind = data.indicators.set_index("level3")
    assert list(ind["level1"].unique()) == ["产出指标", "效益指标", "满意度指标"]  # (50分) taken off
    assert ind.loc["基建工程委托业务项目数量", ["direction", "target", "unit", "actual"]].tolist() == [
        ">=",
        50,
        "个",
        50,
    ]
    assert ind.loc["委托业务报告合格率", ["target", "unit", "actual"]].tolist() == [1.0, "%", 1.0]  # ≥100百分比 / 100
    assert ind.loc["项目总成本", ["direction", "target", "unit"]].tolist() == ["<=", 90, "万元"]
    assert ind.loc["经费支出合规性", "qualitative_grade"] == "达成" and pd.isna(ind.loc["经费支出合规性", "target"])
    assert ind.loc["经费支出合规性", "target_text"] == "严格执行相关制度规定"
    assert ind["weight"].sum() == 90 and len(ind) == 10


@pytest.mark.parametrize("suffix", ["xlsx", "docx"])
def test_standard_layout_anhui(tmp_path, suffix):
    """安徽 / 财政部 standard layout: weights on the 一级 headings, 「指标1：」 rows and empty 「指标2：」 rows."""
    laid = standard(TANGXI, placeholders=True)
    path = tmp_path / f"tangxi.{suffix}"
    write_xlsx(path, [("委托业务项目", [laid])]) if suffix == "xlsx" else write_docx(path, [laid])
    _check_tangxi(_one(path))


@pytest.mark.parametrize("suffix", ["xlsx", "docx"])
def test_sichuan_layout_with_blank_scores(tmp_path, suffix):
    """四川 510000_0013zp: 项目基本情况 before the funds, 指标性质 / 度量单位 columns, scores left blank (missing,
    never 0), 合计 with the weights only."""
    laid = sichuan(QINGSHEN)
    path = tmp_path / f"qingshen.{suffix}"
    write_xlsx(path, [("工资性支出", [laid])]) if suffix == "xlsx" else write_docx(path, [laid])
    data = _one(path).data
    p = data.projects.iloc[0]
    assert data.year == 2023 and p["project"] == "51000021R000000019951-工资性支出"
    assert (p["budget_initial"], p["budget"], p["spent"], p["stated_rate"]) == (238.93, 251.89, 251.89, 1.0)
    assert pd.isna(p["published_execution_score"]) and pd.isna(p["published_score"])
    assert p["goal"] == "完成年度工作任务。" and p["result"] == "已完成年度工作任务。"
    assert p["other_funds"] == 0 and p["fiscal_current"] == 251.89  # 财政专户管理资金 + 单位资金 + 其他资金
    ind = data.indicators
    assert ind["direction"].tolist() == ["=", "="] and ind["target"].tolist() == [1.0, 1.0]
    assert ind["actual"].isna().all() and ind["panel_score"].isna().all() and ind["weight"].tolist() == [60, 30]


@pytest.mark.parametrize("suffix", ["xlsx", "docx"])
def test_chongqing_department_table(tmp_path, suffix):
    """重庆 部门整体绩效自评表: the total in the header, one funds row, 指标名称 without 一级/二级 columns, 得分系数
    and 是否核心指标; unreadable figures (?) are unknown."""
    laid = chongqing(RONGMEITI)
    path = tmp_path / f"rongmeiti.{suffix}"
    write_xlsx(path, [("部门整体", [laid])]) if suffix == "xlsx" else write_docx(path, [laid])
    form = _one(path)
    data = form.data
    assert form.kind == "department" and data.kind == "department" and data.unit == "西部（重庆）科学城融媒体中心"
    prof = data.profile
    assert (prof.published_total, prof.execution_weight, prof.published_execution_score) == (97.6, 10, 7.6)
    line = data.budget_lines.iloc[0]
    assert line["stated_rate"] == 0.76 and pd.isna(line["budget"]) and line["unknown"] == "budget_initial,budget,spent"
    ind = data.indicators.set_index("level3")
    assert ind["project"].isna().all() and set(ind["level1"]) == {"绩效指标"}
    assert ind.loc["“三公”经费变动率", "unknown"] == "target,actual"
    assert ind.loc["管理制度健全性", "direction"] == "qualitative" and ind.loc["播发稿件数量", "core"]
    assert ind.loc["政府采购执行率", ["actual", "score_coefficient"]].tolist() == [0.7274, 1.0]
    assert prof.goals == ("为建设成渝地区双城经济圈营造良好氛围。",)


def test_shanghai_layout_in_yuan(tmp_path):
    """上海: 项目资金（元） — amounts turned into 万元; 其中：当年财政拨款; ``>=`` and ``=`` spelt in ASCII."""
    spec = Spec(
        project="普陀体育中心与委托运营方结算费用",
        budget_initial="250000.00",
        budget="250000.00",
        spent="215,457.6",
        fiscal_current="250000.00",
        rate="86.19%",
        exec_score=8.62,
        indicators=[
            Ind("产出指标", "数量指标", "与委托运营方结算完成率", "=100%", "100%", 10, 10),
            Ind("产出指标", "时效指标", "费用结算及时性", "及时", "及时", 20, 20),
            Ind("满意度指标", "服务对象满意度指标", "场馆开放满意度", ">=90%", "100%", 10, 10),
        ],
        total_score=98.62,
    )
    path = write_xlsx(tmp_path / "putuo.xlsx", [("表1", [shanghai(spec)])])
    p = _one(path).data.projects.iloc[0]
    assert math.isclose(p["budget"], 25.0) and math.isclose(p["spent"], 21.54576) and p["fiscal_current"] == 25.0
    ind = _one(path).data.indicators
    assert ind["direction"].tolist() == ["=", None, ">="] and ind.loc[1, "actual_text"] == "及时"


def test_awkward_workbook(tmp_path):
    """Blocks shifted (from D5), extra blank rows between forms, title rows merged over two rows, two forms in one
    sheet, figures typed as full-width text."""
    second = Spec(project="第二个项目", indicators=TANGXI.indicators[:3], total_score=24)
    forms = [standard(TANGXI), standard(full_width(second))]
    path = write_xlsx(tmp_path / "two.xlsx", [("两张表", forms)], at=(5, 4), gap=4, title_rows=2)
    read, failures = read_file(path)
    assert failures == [] and [f.number for f in read] == [1, 2]
    assert [f.data.projects["project"].iloc[0] for f in read] == ["委托业务项目", "第二个项目"]
    second_data = read[1].data
    assert second_data.projects["budget"].iloc[0] == 100 and second_data.projects["published_score"].iloc[0] == 24
    assert second_data.indicators["target"].tolist()[:2] == [50, 1.0]
    assert str(read[0].cells["title"]) == "两张表!D5"


def test_word_table_split_across_pages(tmp_path):
    """A Word table split in two at a page break, the header row repeated on the second page: one form."""
    titles, rows = standard(TANGXI)
    path = write_docx(
        tmp_path / "split.docx", [(titles, rows)], split_at=split_row(rows), repeat_header=split_row(rows, 0) - 1
    )
    form = _one(path)
    assert len(form.data.indicators) == 10 and form.data.projects["published_score"].iloc[0] == 90
    assert form.part == "表格 1"
    assert str(form.cells["indicator:公众满意度"]).startswith("表格 2 ")


def test_several_forms_of_a_document_and_of_a_workbook(tmp_path):
    write_docx(tmp_path / "all.docx", [standard(TANGXI), sichuan(QINGSHEN), chongqing(RONGMEITI)])
    write_xlsx(
        tmp_path / "all.xlsx", [("a", [standard(TANGXI)]), ("b", [sichuan(QINGSHEN)]), ("c", [chongqing(RONGMEITI)])]
    )
    for name in ("all.docx", "all.xlsx"):
        forms, failures = read_file(tmp_path / name)
        assert failures == [] and [f.kind for f in forms] == ["project", "project", "department"]


# ----------------------------------------------------------------------------- located errors


def _failure(path):
    forms, failures = read_file(path)
    assert forms == [] and len(failures) == 1
    return failures[0]


def _warnings(path):
    """The located warnings of the one form of a file, as read (the form itself is read: see the tests)."""
    from evaltools.data.forms.grid import docx_grid, xlsx_grids
    from evaltools.data.forms.read import grid_forms

    grids = xlsx_grids(path) if path.suffix == ".xlsx" else [("", docx_grid(path))]
    ((form, _),) = [f for part, grid in grids for f in grid_forms(grid, part)]
    return [p for p in form.problems if p.severity == "warning"]


def test_a_figure_that_is_not_a_number_is_located(tmp_path):
    """Tolerant reading (issue 19): 三万 is unknown with a located warning, and the form is still read."""
    spec = Spec(project="坏表", budget="三万", indicators=TANGXI.indicators[:2], total_score=16)
    path = write_xlsx(tmp_path / "bad.xlsx", [("坏表", [standard(spec)])])
    (warning,) = _warnings(path)
    where = warning.location
    assert (where.file, where.sheet, where.row) == (str(tmp_path / "bad.xlsx"), "坏表", 6)
    assert where.column.startswith("D6") and "三万" in warning.found and "全年预算数" in warning.message
    p = _one(path).data.projects.iloc[0]
    assert pd.isna(p["budget"]) and "budget" in p["unknown"] and p["spent"] == 95


def test_a_weight_that_is_text_in_word_is_located(tmp_path):
    inds = [Ind("产出指标", "数量指标", "场次", "≥4场", "5场", "十分", 10)]
    path = write_docx(tmp_path / "bad.docx", [standard(Spec(indicators=inds))])
    (warning,) = _warnings(path)
    assert (warning.location.sheet, warning.location.row) == ("表格 1", 11)
    assert "十分" in warning.found and "分值" in warning.message
    ind = _one(path).data.indicators.iloc[0]
    assert pd.isna(ind["weight"]) and "weight" in ind["unknown"] and ind["panel_score"] == 10


def test_no_year_no_indicators_no_name(tmp_path):
    titles, rows = standard(Spec(indicators=TANGXI.indicators[:1], project=""))
    path = write_docx(tmp_path / "noyear.docx", [(titles[:1], rows)])
    (warning,) = [w for w in _one(path).data.warnings if "年度未知" in w.message]  # read, the year unknown
    assert warning.location.sheet == "段落 1" and math.isnan(_one(path).data.year)
    path = write_xlsx(tmp_path / "noname.xlsx", [("s", [(titles, rows)])])
    (warning,) = _warnings(path)  # tolerant: read under 未填项目名称, with a warning at the 项目名称 cell
    assert "项目名称为空" in warning.message and warning.location.column.startswith("A3")
    form = _one(path)  # the name read stays unknown; the data (whose tables need a name) is completed
    assert form.project is None and form.completed == {"project": "未填项目名称"}
    assert form.data.projects["project"].tolist() == ["未填项目名称"] and "未填项目名称" in warning.message
    path = write_xlsx(tmp_path / "noind.xlsx", [("s", [(titles, rows[:9])])])
    assert "no indicator block" in _failure(path).reason


def test_legacy_and_damaged_files_are_refused_with_how_to_fix(tmp_path):
    for suffix, how in ((".doc", "docx"), (".xls", "xlsx"), (".et", "xlsx"), (".wps", "docx")):
        (tmp_path / f"old{suffix}").write_bytes(b"\xd0\xcf\x11\xe0")
        failure = _failure(tmp_path / f"old{suffix}")
        assert "另存为" in failure.reason and how in failure.reason
    (tmp_path / "broken.xlsx").write_bytes(b"not a zip")
    assert "cannot open" in _failure(tmp_path / "broken.xlsx").reason
    (tmp_path / "empty.docx").write_bytes(b"")
    assert "cannot open" in _failure(tmp_path / "empty.docx").reason


def test_a_file_without_a_form(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    wb.active["A1"] = "通讯录"
    wb.save(tmp_path / "other.xlsx")
    assert "no 自评表" in _failure(tmp_path / "other.xlsx").reason


def test_import_forms_walks_nested_folders_and_keeps_going(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    write_xlsx(tmp_path / "a" / "one.xlsx", [("s", [standard(TANGXI)])])
    write_docx(tmp_path / "a" / "b" / "two.docx", [sichuan(QINGSHEN)])
    (tmp_path / "a" / "b" / "three.doc").write_bytes(b"old")
    (tmp_path / "a" / "~$one.xlsx").write_bytes(b"lock file")
    read = import_forms([tmp_path, tmp_path / "missing"])
    assert len(read.forms) == 2 and len(read.failures) == 2
    assert {f.source.rsplit("/", 1)[-1] for f in read.failures} == {"three.doc", "missing"}


def test_adjusted_targets_and_a_goal_beside_its_label(tmp_path):
    """调整指标值 is read (and scores in place of the target); 年度主要任务 with its text beside it is the goal."""
    from tests.formkit import C

    spec = replace(RONGMEITI, indicators=[replace(RONGMEITI.indicators[4], adjusted="2500", actual="2600")])
    titles, rows = chongqing(spec)
    rows[4:6] = [[C("年度主要任务", 2), C("做好新闻宣传。", 9)]]
    (form,) = read_file(write_docx(tmp_path / "adjusted.docx", [(titles, rows)]))[0]
    ind = form.data.indicators.iloc[0]
    assert (ind["target"], ind["target_adjusted"], ind["actual"]) == (2200, 2500, 2600)
    assert form.data.profile.goals == ("做好新闻宣传。",)


def test_word_cells_resolve_as_python_docx_resolves_them(tmp_path):
    """The reader reads word/document.xml itself (fast); its merged cells (gridSpan, vMerge) are python-docx's."""
    import docx

    from evaltools.data.forms.grid import docx_grid

    path = write_docx(tmp_path / "merged.docx", [standard(TANGXI, placeholders=True), chongqing(RONGMEITI)])
    grid = docx_grid(path)
    ours = [(part, grid.values[i]) for i, (part, _) in enumerate(grid.places) if part.startswith("表格")]
    theirs = []
    for n, table in enumerate(docx.Document(str(path)).tables, start=1):
        for row in table.rows:
            theirs.append((f"表格 {n}", [cell.text for cell in row.cells]))
    assert ours == theirs


def test_load_forms_raises_a_located_error(tmp_path):
    import pickle

    from evaltools.data.forms import load_forms
    from evaltools.errors import FormError, LegacyFormatError

    good = write_xlsx(tmp_path / "good.xlsx", [("s", [standard(TANGXI)])])
    assert [f.data.unit for f in load_forms(good)] == ["219001-池州市贵池区棠溪镇人民政府"]
    titles, rows = standard(Spec(project="坏表", indicators=TANGXI.indicators[:1]))
    bad = write_xlsx(tmp_path / "bad.xlsx", [("坏表", [(titles, rows[:9])])])  # no indicator block: refused
    with pytest.raises(FormError) as caught:
        load_forms(bad)
    assert caught.value.exit_code == 2 and "坏表" in str(caught.value) and "no indicator block" in str(caught.value)
    assert str(pickle.loads(pickle.dumps(caught.value))) == str(caught.value)
    (tmp_path / "old.doc").write_bytes(b"x")
    with pytest.raises(LegacyFormatError, match="另存为"):
        load_forms(tmp_path / "old.doc")


# ----------------------------------------------------------------------------- labels as real forms vary them

#: How real forms print the standard layout's labels (spaces inside words, half- and full-width brackets and
#: letters, notes after headers, 年 for 年度, trailing colons) and its direction signs.
VARIANTS = {
    "项目名称": "项 目 名 称",
    "主管部门": "主管部门：",
    "实施单位": "实施单位（盖章）",
    "年初预算数": "年初预算数（万元）",
    "全年预算数（A）": "全年预算数(A)",
    "全年执行数（B）": "全年执行数（Ｂ）",
    "分值": "分 值",
    "执行率（B/A）": "执行率（Ｂ／Ａ）",
    "得分": "得分(分)",
    "年度资金总额：": "年资金总额",
    "其中：本年财政拨款": "其中: 本年财政拨款",
    "年度总体目标": "年度总体目标：",
    "预期目标": "预 期 目 标",
    "实际完成情况": "实际完成情况：",
    "三级指标": "三 级 指 标",
    "年度指标值": "年度指标值（A）",
    "实际完成值": "实际完成值（B）",
    "偏差原因分析及改进措施": "偏差原因分析及改进措施（未完成原因）",
    "总分": "总 分",
    "≥50个": "大于等于50个",
    "≤90万元": "≦90万元",
    "≥90%": "＞＝90％",
}


def _varied(rows):
    return [
        [replace(c, value=VARIANTS.get(c.value, c.value)) if isinstance(c.value, str) else c for c in row]
        for row in rows
    ]


@pytest.mark.parametrize("suffix", ["xlsx", "docx"])
def test_labels_printed_as_real_forms_vary_them_read_the_same(tmp_path, suffix):
    """Every label of the standard layout varied as real forms print it, the title spaced out and the year as
    （２０２２年）: the same values as the form as printed by the template."""
    titles, rows = standard(TANGXI)
    laid = (["项 目 支 出 绩 效 自 评 表", "（２０２２年）"], _varied(rows))
    assert sum(a != b for r, s in zip(rows, laid[1]) for a, b in zip(r, s)) >= len(VARIANTS) - 1
    path = tmp_path / f"varied.{suffix}"
    write_xlsx(path, [("s", [laid])]) if suffix == "xlsx" else write_docx(path, [laid])
    form = _one(path)
    _check_tangxi(form)
    ind = form.data.indicators.set_index("level3")
    assert ind.loc["公众满意度", ["direction", "target", "unit"]].tolist() == [">=", 0.9, "%"]
    assert form.data.projects["goal"].iloc[0] == TANGXI.goal


@pytest.mark.parametrize("sign", ["＝", "═", "=="])
def test_direction_cells_in_look_alike_signs(tmp_path, sign):
    """四川's 指标性质 column printed with a full-width or box-drawing equals sign."""
    titles, rows = sichuan(QINGSHEN)
    rows = [[replace(c, value=sign) if c.value == "=" else c for c in row] for row in rows]
    data = _one(write_xlsx(tmp_path / "sign.xlsx", [("s", [(titles, rows)])])).data
    assert data.indicators["direction"].tolist() == ["=", "="]


def _names_form(tmp_path, names: list[list[C]], title: str = "项目支出绩效自评表"):
    """A form with the names block ``names`` over 稷山 2021's funds and one indicator."""
    rows = [
        *names,
        [C("项目资金（万元）", 2), C("全年预算数"), C("全年执行数"), C("分值"), C("执行率"), C("得分")],
        [C("年度资金总额", 2), C(30), C(30), C(10), C("100%"), C(10)],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("年度指标值"), C("实际完成值"), C("分值"), C("得分")],
        [C("产出指标"), C("数量指标"), C("更新演出设备"), C("≥50件"), C("50件"), C(90), C(90)],
    ]
    return _one(write_xlsx(tmp_path / "names.xlsx", [("s", [([title, "（2020年度）"], rows)])]))


def test_an_implementer_printed_this_unit_is_the_unit_named_above(tmp_path):
    """黄冈 2020 (hubei-huanggang-shuibao-jiance-2020-project.md): 單位名稱 | 黃岡市水土保持與農田水利科研所 …
    項目實施單位 | 本單位 — the unit is the one named above, not 「本單位」."""
    form = _names_form(
        tmp_path,
        [
            [C("單位名稱", 2), C("黃岡市水土保持與農田水利科研所", 5)],
            [C("項目名稱", 2), C("水土保持監測", 5)],
            [C("主管部門", 2), C("黃岡市水利和湖泊局", 5)],
            [C("項目實施單位", 2), C("本單位", 5)],
        ],
    )
    assert (form.unit, form.project, form.completed) == ("黃岡市水土保持與農田水利科研所", "水土保持監測", {})
    assert form.data.projects["department"].tolist() == ["黃岡市水利和湖泊局"]


def test_a_project_supervisor_is_not_its_unit(tmp_path):
    """濉溪 2019 (anhui-suixi-linshijiuzhu-2019-project.md): 项目名称 | 临时救助, 主管部门 | [155]濉溪县民政局, no
    实施单位 — the unit is not printed (unknown, a warning at the 主管部门 cell), the data completed with
    未填单位名称; the 主管部门 is kept as printed, its code too."""
    form = _names_form(tmp_path, [[C("项目名称", 2), C("临时救助", 5)], [C("主管部门", 2), C("[155]濉溪县民政局", 5)]])
    assert (form.unit, form.project, form.completed) == (None, "临时救助", {"unit": "未填单位名称"})
    assert form.data.unit == "未填单位名称" and form.data.projects["department"].tolist() == ["[155]濉溪县民政局"]
    (warning,) = [w for w in form.data.warnings if "单位名称为空" in w.message]
    assert warning.location.column.startswith("C4")


def test_two_names_joined_by_a_slash(tmp_path):
    """原州 2022 (ningxia-yuanzhou-malingshu-2022-project.md): 项目实施单位/项目负责人 | 原州区农技中心/ — the
    unit is the first of the two; a 转移支付 form's 地方主管部门 is its unit (临河 2022)."""
    form = _names_form(
        tmp_path, [[C("项目名称", 2), C("马铃薯"), C("项目实施单位/项目负责人", 2), C("原州区农技中心/")]]
    )
    assert (form.unit, form.project) == ("原州区农技中心", "马铃薯")
    form = _names_form(
        tmp_path,
        [
            [C("转移支付(项目)名称", 2), C("就业补助资金", 5)],
            [C("中央主管部门", 2), C("人力资源社会保障部", 5)],
            [C("地方主管部门", 2), C("巴彦淖尔市临河区财政局", 5)],
        ],
        "区域绩效目标自评表",
    )
    assert (form.unit, form.project) == ("巴彦淖尔市临河区财政局", "就业补助资金")
