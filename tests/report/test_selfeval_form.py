"""The 自评表 workbook: sheets, the standard project form with the 2022 values, text never a formula,
atomic writing."""

from __future__ import annotations

import dataclasses
from types import SimpleNamespace

import openpyxl
import pytest
from openpyxl.cell.cell import MergedCell

from evaltools import evaluate
from evaltools.errors import ParamsError
from evaltools.report.form import (
    DEPARTMENT_SHEET,
    FUNDS_HEADERS,
    INDICATOR_HEADERS,
    actual_display,
    sheet_titles,
    target_display,
    write_selfeval_form,
)

PROJECTS = ["失业就业服务", "档案保管和整理", "创业担保贴息"]


@pytest.fixture(scope="module")
def form(ev_2022, tmp_path_factory):
    path = write_selfeval_form(ev_2022, tmp_path_factory.mktemp("form") / "自评表.xlsx")
    return openpyxl.load_workbook(path)


def _row_of(ws, column: int, value) -> int:
    """The first row whose cell in ``column`` equals ``value`` (fails the test when there is none)."""
    for row in range(1, ws.max_row + 1):
        if ws.cell(row, column).value == value:
            return row
    raise AssertionError(f"no {value!r} in column {column} of sheet {ws.title!r}")


def _values(ws, row: int) -> list:
    return [ws.cell(row, j).value for j in range(1, ws.max_column + 1)]


def _merged_range(ws, row: int, column: int):
    for rng in ws.merged_cells.ranges:
        if rng.min_row <= row <= rng.max_row and rng.min_col <= column <= rng.max_col:
            return rng
    return None


# ----------------------------------------------------------------------------- sheets


def test_sheet_names(form):
    assert form.sheetnames == [DEPARTMENT_SHEET, *PROJECTS]


def test_returns_path_and_leaves_no_temporary(ev_2022, tmp_path):
    path = write_selfeval_form(ev_2022, tmp_path / "out" / "自评表.xlsx")
    assert path == tmp_path / "out" / "自评表.xlsx" and path.is_file()
    assert [p.name for p in path.parent.iterdir()] == ["自评表.xlsx"]


def test_refuses_a_name_not_ending_in_xlsx(ev_2022, tmp_path):
    with pytest.raises(ParamsError, match=".xlsx"):
        write_selfeval_form(ev_2022, tmp_path / "自评表.csv")


# ----------------------------------------------------------------------------- the project form


def test_project_form_header_and_funds(form):
    ws = form["档案保管和整理"]
    assert ws["A1"].value == "项目支出绩效自评表（2022 年度）"
    assert _merged_range(ws, 1, 1).max_col == len(INDICATOR_HEADERS)
    for label, value in (("项目名称", "档案保管和整理"), ("实施单位", "石家庄市桥西区就业服务中心")):
        assert ws.cell(_row_of(ws, 1, label), 3).value == value
    assert ws.cell(_row_of(ws, 1, "主管部门"), 3).value is None  # not in the data: empty

    header = _row_of(ws, 1, "项目资金（万元）")
    assert _values(ws, header)[2:8] == list(FUNDS_HEADERS)
    total = _row_of(ws, 2, "年度资金总额")
    assert ws.cell(total, 3).value is None  # 年初预算数 unknown
    assert ws.cell(total, 4).value == 3  # 全年预算数（A）
    assert ws.cell(total, 5).value == 2.9  # 全年执行数（B）
    assert ws.cell(total, 6).value == 10  # 分值
    rate = ws.cell(total, 7)
    assert rate.value == pytest.approx(0.966667, abs=1e-6) and rate.data_type == "n"
    assert "%" in rate.number_format
    assert ws.cell(total, 8).value == pytest.approx(9.67)
    # shown as the report shows them: 万元 with separators and two decimals, a score as fmt.score prints it
    assert ws.cell(total, 4).number_format == "#,##0.00" and ws.cell(total, 8).number_format == "#,##0.00"
    assert ws.cell(total, 6).number_format == "#,##0"  # 分值 10, not 10.00
    for label in ("其中：本年财政拨款", "上年结转资金", "其他资金"):
        row = _row_of(ws, 2, label)
        assert row > total
        assert [ws.cell(row, j).value for j in (3, 4, 5)] == [None, None, None]  # unknown: never an invented 0

    goal = _row_of(ws, 1, "年度总体目标")
    assert ws.cell(goal, 2).value == "预期目标" and ws.cell(goal, 6).value == "实际完成情况"
    assert ws.cell(goal + 1, 2).value.startswith("保障约2万余份流动档案")
    assert ws.cell(goal + 1, 6).value.startswith("存放人事档案 24303 份")


def _score_column_sum(ws) -> float:
    """Σ of the sheet's 得分 column: the 预算执行率 得分 (年度资金总额 row, column 8) and every indicator's 得分
    (column 7) between the indicator header and the 总分 row; breakdown rows have none."""
    header, total = _row_of(ws, 1, "一级指标"), _row_of(ws, 1, "总分")
    scores = [ws.cell(r, 7).value for r in range(header + 1, total)]
    return ws.cell(_row_of(ws, 2, "年度资金总额"), 8).value + sum(s for s in scores if isinstance(s, (int, float)))


def test_project_total_is_the_sum_of_its_score_column(form):
    ws = form["档案保管和整理"]
    total = _row_of(ws, 1, "总分")
    assert ws.cell(total, 6).value == 100
    # 9.67 (预算执行率 2.9/3 × 10) + 10 + 0 + 10 + 0 + 10 + 5 + 15 + 15 + 10 = 84.67, the tool's score (87 published)
    assert ws.cell(total, 7).value == pytest.approx(84.67, abs=1e-9)
    assert ws.cell(total, 7).value == pytest.approx(_score_column_sum(ws))
    assert ws.cell(total, 7).number_format == "#,##0.00" and ws.cell(total, 8).value == "评价等级：良好"
    # the unit's form: no published-versus-recomputed note, no finding
    after = [str(ws.cell(r, c).value) for r in range(total + 1, ws.max_row + 1) for c in (1, 2)]
    assert not any(("重算" in t or "公布" in t or "核查" in t) for t in after)
    for name, expected in (("失业就业服务", 85), ("创业担保贴息", 90)):
        ws = form[name]
        total = ws.cell(_row_of(ws, 1, "总分"), 7).value
        assert total == pytest.approx(expected) and total == pytest.approx(_score_column_sum(ws))


def test_indicator_table(form, ev_2022):
    ws = form["档案保管和整理"]
    header = _row_of(ws, 1, "一级指标")
    assert _values(ws, header) == list(INDICATOR_HEADERS)
    rows = range(header + 1, _row_of(ws, 1, "总分"))
    assert [ws.cell(r, 3).value for r in rows] == list(ev_2022.project("档案保管和整理")["level3"])
    retire = _row_of(ws, 3, "办理退休人数")
    assert ws.cell(retire, 4).value == "约500份" and ws.cell(retire, 5).value == "办理人员退休 712 人"
    assert ws.cell(retire, 6).value == 10 and ws.cell(retire, 7).value == 10
    # 偏差原因分析及改进措施 is the unit's own text: the data has none here, and the audit's findings are not put there
    assert ws.cell(retire, 8).value is None
    missing = _row_of(ws, 3, "档案后续服务人次")
    assert ws.cell(missing, 5).value is None and ws.cell(missing, 7).value == 0
    assert ws.cell(missing, 8).value is None

    # 一级指标 and 二级指标 merged vertically like the paper form
    output = _merged_range(ws, header + 1, 1)
    assert ws.cell(output.min_row, 1).value == "产出指标" and output.min_row == header + 1
    assert output.max_row == _row_of(ws, 3, "查询和办事时限")
    quantity = _merged_range(ws, header + 1, 2)
    assert ws.cell(quantity.min_row, 2).value == "数量指标"
    assert quantity.max_row == _row_of(ws, 3, "网络查询和档案室维护次数")


def test_targets_and_breakdown_rows(form):
    ws = form["失业就业服务"]
    row = _row_of(ws, 3, "专场招聘会场次")
    assert ws.cell(row, 4).value == "4--6场"
    assert ws.cell(row, 5).value == "线上招聘会 64 场"

    parent = _row_of(ws, 3, "完成创业服务人数")
    assert ws.cell(parent, 6).value == 10 and ws.cell(parent, 7).value == 10
    parts = [ws.cell(parent + k, 3).value for k in range(1, 5)]
    assert parts == ["其中：创业宣传引导人数", "其中：创业培训人数", "其中：创业指导（咨询）人数", "其中：孵化服务人数"]
    for k in range(1, 5):
        assert ws.cell(parent + k, 6).value is None and ws.cell(parent + k, 7).value is None
        assert ws.cell(parent + k, 3).alignment.indent >= 1
    assert ws.cell(parent + 1, 5).value == "其中创业宣传引导人数 2683 人"
    assert ws.cell(parent, 8).value is None  # the SUM_MISMATCH finding is the audit's, not the unit's 偏差原因


def test_no_tool_remark_in_any_cell(form):
    for ws in form.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert "【核查" not in str(cell.value or ""), (ws.title, cell.coordinate)


def test_value_display_without_text():
    row = SimpleNamespace(
        target_text=None,
        unit="场",
        direction="range",
        target=4.0,
        target_high=6.0,
        actual_text=None,
        actual=64.0,
        qualitative_grade=None,
    )
    assert target_display(row) == "4–6场"
    assert actual_display(row) == "64场"
    at_least = SimpleNamespace(**{**vars(row), "direction": ">=", "target": 1000.0, "unit": "个"})
    assert target_display(at_least) == "≥1,000个"
    pct = SimpleNamespace(**{**vars(row), "direction": "<=", "target": 0.3, "unit": "%", "target_high": None})
    assert target_display(pct) == "≤30%"
    qualitative = SimpleNamespace(
        **{**vars(row), "direction": "qualitative", "target": None, "actual": None, "qualitative_grade": "达成"}
    )
    assert target_display(qualitative) is None
    assert actual_display(qualitative) == "达成年度指标"
    assert target_display(SimpleNamespace(**{**vars(row), "target_text": "约4场"})) == "约4场"


def test_layout_and_print_setup(form):
    for ws in form.worksheets:
        assert ws.page_setup.orientation == "landscape"
        assert str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1
        assert all(ws.column_dimensions[c].width >= 8 for c in "ABCDEFG")
    ws = form["档案保管和整理"]
    header = _row_of(ws, 1, "一级指标")
    for row in ws.iter_rows(min_row=header, max_row=_row_of(ws, 1, "总分"), max_col=len(INDICATOR_HEADERS)):
        for cell in row:
            if isinstance(cell, MergedCell):  # Excel draws a merged range from its top-left cell's border
                continue
            border = cell.border
            assert border.left.style == border.right.style == border.top.style == border.bottom.style == "thin"
    assert ws.cell(_row_of(ws, 3, "办理退休人数"), 8).alignment.wrap_text
    assert ws.print_title_rows == f"${header}:${header}"  # the indicator header repeated on a second page


def test_each_sheet_prints_on_one_page(form):
    """The 2022 summary and its three standard forms each fit one A4 landscape page (LibreOffice prints 4 pages for
    the 4 sheets); margins 1 cm left/right, 1.27 cm top/bottom, centred."""
    assert len(form.worksheets) == 4
    for ws in form.worksheets:
        assert ws.page_setup.fitToHeight == 1, ws.title
        assert (ws.page_margins.left, ws.page_margins.top) == (0.4, 0.5) and ws.print_options.horizontalCentered


def test_bold_cells_keep_the_cjk_typeface(form):
    """A bold Font without a name is Calibri bold, which has no Chinese glyphs (LibreOffice prints a Latin serif
    for the digits and falls back for the characters): every styled cell names the CJK typeface."""
    bold = [c for ws in form.worksheets for r in ws.iter_rows() for c in r if c.value is not None and c.font.b]
    assert len(bold) > 50
    assert {c.font.name for ws in form.worksheets for r in ws.iter_rows() for c in r if c.value is not None} == {"宋体"}


# ----------------------------------------------------------------------------- 部门整体


def test_department_sheet(form, ev_2022):
    ws = form[DEPARTMENT_SHEET]
    assert "石家庄市桥西区就业服务中心" in ws["A1"].value and "2022" in ws["A1"].value
    assert ws["A1"].value.endswith("整体支出绩效自评表")
    assert ws.cell(_row_of(ws, 1, "单位名称"), 2).value == "石家庄市桥西区就业服务中心"
    assert ws.cell(_row_of(ws, 1, "年度"), 2).value == 2022
    staff = _row_of(ws, 1, "编制人数")
    assert _values(ws, staff)[:6] == ["编制人数", 30, "年底在编人数", 24, "其他工作人员", 20]
    assert ws.cell(_row_of(ws, 1, "资产净值（万元）"), 2).value == 80.35

    header = _row_of(ws, 1, "支出项目")
    assert _values(ws, header)[:6] == ["支出项目", "预算数", "支出数", "执行率", "上年应付未付", "扣除后执行率"]
    line = _row_of(ws, 1, "日常公用支出")
    assert _values(ws, line)[1:3] == [29.99, 28.27]
    assert ws.cell(line, 4).value == pytest.approx(28.27 / 29.99) and ws.cell(line, 4).number_format == "#,##0.00%"
    people = _row_of(ws, 1, "人员经费")
    assert ws.cell(people, 5).value == 195.88  # 上年应付未付
    assert ws.cell(people, 6).value == pytest.approx((815.36 - 195.88) / 616.16)  # 扣除后执行率 100.54%

    assert _values(ws, _row_of(ws, 1, "项目名称"))[:6] == [
        "项目名称",
        "全年预算数（万元）",
        "全年执行数（万元）",
        "执行率",
        "得分",
        "等级",
    ]
    archive = _row_of(ws, 1, "档案保管和整理")
    assert _values(ws, archive)[1:3] == [3, 2.9]
    assert ws.cell(archive, 4).value == pytest.approx(2.9 / 3)
    # the project sheet's 总分 and the grade that follows from it (84.67: 良好)
    assert _values(ws, archive)[4:6] == [pytest.approx(84.67), "良好"]
    assert _values(ws, _row_of(ws, 1, "创业担保贴息"))[4:6] == [90, "优秀"]

    # the unit's own total, 87 良好 as its report publishes it (the one answer of summary.json, the index, the report)
    total = _row_of(ws, 1, "总分")
    assert ws.cell(total, 2).value == 87 and ws.cell(total, 3).value == "单位自评总分（自评报告所列）"
    assert ws.cell(_row_of(ws, 1, "等级"), 2).value == "良好"
    counts = ev_2022.findings["severity"].value_counts()  # counts only: 4 errors, 13 warnings, 5 notes
    assert [ws.cell(_row_of(ws, 1, t), 2).value for t in ("错误", "警告", "提示")] == [4, 13, 5]
    assert [counts["error"], counts["warning"], counts["info"]] == [4, 13, 5]
    texts = [str(c.value) for r in ws.iter_rows() for c in r if c.value is not None]
    assert not any(("重算" in t or "公布" in t or "【核查" in t or "报告所述" in t) for t in texts)


# ----------------------------------------------------------------------------- safety


def test_text_from_the_data_is_never_a_formula(data_2022, rules_2022, tmp_path):
    projects = data_2022.projects.copy()
    indicators = data_2022.indicators.copy()
    archive = projects["project"] == "档案保管和整理"
    projects.loc[archive, "goal"] = "=1+1"
    projects.loc[archive, "result"] = '=HYPERLINK("http://x")'
    projects.loc[archive, "department"] = "+1"
    retire = (indicators["project"] == "档案保管和整理") & (indicators["level3"] == "办理退休人数")
    indicators.loc[retire, "deviation"] = "@SUM(A1)"
    indicators.loc[retire, "target_text"] = "-2"
    profile = dataclasses.replace(data_2022.profile, unit="=cmd|' /C calc'!A0")
    data = type(data_2022)(profile, {**data_2022.tables, "projects": projects, "indicators": indicators})
    wb = openpyxl.load_workbook(write_selfeval_form(evaluate(data, rules_2022), tmp_path / "自评表.xlsx"))

    ws = wb["档案保管和整理"]
    goal = _row_of(ws, 1, "年度总体目标") + 1
    assert ws.cell(goal, 2).value == "=1+1" and ws.cell(goal, 2).data_type == "s"
    assert ws.cell(goal, 6).value == '=HYPERLINK("http://x")' and ws.cell(goal, 6).data_type == "s"
    department = ws.cell(_row_of(ws, 1, "主管部门"), 3)
    assert department.value == "+1" and department.data_type == "s"
    row = _row_of(ws, 3, "办理退休人数")
    assert ws.cell(row, 8).value == "@SUM(A1)" and ws.cell(row, 8).data_type == "s"
    assert ws.cell(row, 4).value == "-2" and ws.cell(row, 4).data_type == "s"
    unit = wb[DEPARTMENT_SHEET].cell(_row_of(wb[DEPARTMENT_SHEET], 1, "单位名称"), 2)
    assert unit.value == "=cmd|' /C calc'!A0" and unit.data_type == "s"
    formulas = [
        (ws.title, c.coordinate) for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.data_type == "f"
    ]
    assert formulas == []


def test_failed_write_leaves_the_previous_file(ev_2022, tmp_path, monkeypatch):
    path = tmp_path / "自评表.xlsx"
    path.write_bytes(b"the previous form")

    def crash(self, handle):
        handle.write(b"PK\x03\x04 half a workbook")
        raise OSError("disk full")

    monkeypatch.setattr(openpyxl.Workbook, "save", crash)
    with pytest.raises(OSError, match="disk full"):
        write_selfeval_form(ev_2022, path)
    assert path.read_bytes() == b"the previous form"
    assert [p.name for p in tmp_path.iterdir()] == ["自评表.xlsx"]  # the temporary was removed


def test_sheet_titles_are_safe_and_unique():
    names = ["a/b:c*d?e[f]g\\h", "x" * 40, "x" * 40, "部门整体", "'引号'", "", "History", "ABC", "abc"]
    titles = sheet_titles(names, taken=["部门整体"])
    assert titles[0] == "a_b_c_d_e_f_g_h"
    assert titles[1] == "x" * 31 and titles[2] == "x" * 28 + "(2)"
    assert titles[3] == "部门整体(2)"
    assert titles[4] == "引号" and titles[5] == "项目" and titles[6] == "History_"
    assert titles[7] == "ABC" and titles[8] == "abc(2)"
    assert all(len(t) <= 31 for t in titles)
    assert len({t.lower() for t in titles} | {"部门整体"}) == len(titles) + 1


def test_a_sheet_too_long_for_one_page_prints_on_as_many_as_it_takes():
    """One page only where the sheet fits one at 60 % or more (≤ 833 pt of rows for ~500 pt of A4 landscape):
    a form of 60 indicator rows (900 pt) is fitted to the width only, its indicator header repeated."""
    from openpyxl import Workbook

    from evaltools.report.form.cells import page_setup

    for rows, pages in ((55, 1), (60, 0)):
        ws = Workbook().active
        for r in range(1, rows + 1):
            ws.cell(r, 1).value = "x"
        page_setup(ws)
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, pages), rows


def test_synthetic_data_says_so_on_every_sheet(data_2022, rules_2022, tmp_path):
    from evaltools.report.form.cells import SYNTHETIC_NOTE

    data = type(data_2022)(dataclasses.replace(data_2022.profile, synthetic=True), data_2022.tables)
    wb = openpyxl.load_workbook(write_selfeval_form(evaluate(data, rules_2022), tmp_path / "自评表.xlsx"))
    assert len(wb.worksheets) == 4
    for ws in wb.worksheets:
        assert any(c.value == SYNTHETIC_NOTE for r in ws.iter_rows() for c in r), ws.title
