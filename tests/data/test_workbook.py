"""The workbook writer: exact round trip through the loader, no formula injection, the template."""

from __future__ import annotations

import dataclasses

import openpyxl
import pytest
import yaml

from evaltools.data import schema as S
from evaltools.data.load import empty_frame, inspect_path, load_path, load_year
from evaltools.data.model import YearData
from evaltools.data.workbook import HELP_SHEET, level1_choices, write_template, write_workbook
from evaltools.errors import ERROR, ParamsError
from tests._paths import DATA, ROOT

INJECTIONS = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", "=1+1", "#N/A"]


@pytest.fixture(scope="module")
def data2022() -> YearData:
    return load_year(2022, data_dir=DATA, with_previous=False)


def _header_column(ws, title: str) -> int:
    """1-based index of the column headed ``title`` (fails the test when absent)."""
    for cell in ws[1]:
        if cell.value == title:
            return cell.column
    raise AssertionError(f"no column {title!r} in sheet {ws.title!r}: {[c.value for c in ws[1]]}")


def _row_where(ws, column: int, value) -> int:
    for row in range(2, ws.max_row + 1):
        if ws.cell(row, column).value == value:
            return row
    raise AssertionError(f"no row with {value!r} in sheet {ws.title!r}")


def _profile_values(ws) -> dict:
    assert [ws.cell(1, 1).value, ws.cell(1, 2).value] == ["字段", "值"]
    return {ws.cell(r, 1).value: ws.cell(r, 2).value for r in range(2, ws.max_row + 1)}


# ----------------------------------------------------------------------------- round trip


def test_round_trip_equals_csv(data2022, tmp_path):
    path = write_workbook(data2022, tmp_path / "2022.xlsx")
    assert path == tmp_path / "2022.xlsx" and path.is_file()
    back = load_path(path)
    assert back == data2022
    assert back.profile == data2022.profile
    for name in S.TABLES:
        assert back.tables[name].equals(data2022.tables[name]), name
    # no temporary left behind by the atomic write
    assert sorted(p.name for p in tmp_path.iterdir()) == ["2022.xlsx"]


def test_workbook_layout_and_values(data2022, tmp_path):
    wb = openpyxl.load_workbook(write_workbook(data2022, tmp_path / "2022.xlsx"))
    assert wb.sheetnames == [S.PROFILE_SHEET, S.TEXT_SHEET, *(t.sheet for t in S.TABLES.values())]

    profile = _profile_values(wb[S.PROFILE_SHEET])
    assert profile["编制人数"] == 30
    assert profile["单位名称"] == "石家庄市桥西区就业服务中心"
    assert profile["年度"] == 2022
    assert profile["年度资产净值(万元)"] == 80.35
    assert profile["合成数据"] is None
    assert set(profile) == {f.title for f in S.PROFILE_FIELDS if f.kind != "list"}

    text = wb[S.TEXT_SHEET]
    assert [text.cell(1, 1).value, text.cell(1, 2).value] == ["类别", "内容"]
    functions = [text.cell(r, 2).value for r in range(2, text.max_row + 1) if text.cell(r, 1).value == "部门职能"]
    assert functions == list(data2022.profile.functions)

    ws = wb["项目"]
    assert [c.value for c in ws[1]] == [f.title for f in S.PROJECTS.fields]
    spent = _header_column(ws, "全年执行数(万元)")
    budget = _header_column(ws, "全年预算数(万元)")
    row = _row_where(ws, _header_column(ws, "项目名称"), "档案保管和整理")
    assert ws.cell(row, spent).value == 2.9 and ws.cell(row, spent).data_type == "n"
    assert ws.cell(row, budget).value == 3
    assert ws.cell(row, _header_column(ws, "报告所述资金使用率")).value == pytest.approx(0.97)
    assert ws.cell(row, _header_column(ws, "主管部门")).value is None
    assert ws.cell(1, 1).font.b and ws.freeze_panes == "A2"
    assert ws.column_dimensions["A"].width >= 8

    ind = wb["绩效指标"]
    applicable = _header_column(ind, "是否适用")
    assert {ind.cell(r, applicable).value for r in range(2, ind.max_row + 1)} <= {"是", "否"}
    direction = _header_column(ind, "指标性质")
    assert ind.cell(2, direction).value == "区间"

    bands = wb["等级表"]
    assert [bands.cell(2, c).value for c in range(1, 6)] == ["优秀", 90, "是", None, "否"]


def test_formula_injection_is_written_as_text(data2022, tmp_path):
    tables = dict(data2022.tables)
    projects = tables["projects"].copy()
    indicators = tables["indicators"].copy()
    for i, text in enumerate(INJECTIONS[:3]):
        projects.loc[i, "note"] = text
    for i, text in enumerate(INJECTIONS):
        indicators.loc[i, "deviation"] = text
    tables["projects"], tables["indicators"] = projects, indicators
    profile = dataclasses.replace(data2022.profile, basis="=cmd|' /C calc'!A0", problems=("=1+1", "@x"))
    data = YearData(profile, tables)

    path = write_workbook(data, tmp_path / "inj.xlsx")
    wb = openpyxl.load_workbook(path)  # formulas kept as formulas when data_only is False
    ws = wb["绩效指标"]
    col = _header_column(ws, "偏差原因分析及改进措施")
    for i, text in enumerate(INJECTIONS):
        cell = ws.cell(i + 2, col)
        assert cell.value == text and cell.data_type == "s", (text, cell.data_type)
    ws = wb["项目"]
    col = _header_column(ws, "说明")
    for i, text in enumerate(INJECTIONS[:3]):
        cell = ws.cell(i + 2, col)
        assert cell.value == text and cell.data_type == "s"
    assert _profile_values(wb[S.PROFILE_SHEET])["评价依据"] == "=cmd|' /C calc'!A0"
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula at {sheet.title}!{cell.coordinate}"

    back = load_path(path)
    assert back == data
    assert back.indicators["deviation"].iloc[: len(INJECTIONS)].tolist() == INJECTIONS
    assert back.profile.basis == "=cmd|' /C calc'!A0"
    assert back.profile.problems == ("=1+1", "@x")


def test_numbers_round_trip_bit_for_bit(data2022, tmp_path):
    """Doubles that need 17 significant digits survive (openpyxl alone would write 0.3)."""
    tables = dict(data2022.tables)
    projects = tables["projects"].copy()
    projects.loc[0, "stated_rate"] = 0.1 + 0.2
    projects.loc[1, "spent"] = 2.9000000000000004
    projects.loc[2, "published_score"] = 1 / 3
    tables["projects"] = projects
    profile = dataclasses.replace(data2022.profile, assets_net=80.35000000000001, published_total=0.1 + 0.2)
    data = YearData(profile, tables)

    path = write_workbook(data, tmp_path / "exact.xlsx")
    ws = openpyxl.load_workbook(path)["项目"]
    cell = ws.cell(2, _header_column(ws, "报告所述资金使用率"))
    assert cell.data_type == "n" and cell.value == 0.1 + 0.2
    back = load_path(path)
    assert back == data
    assert back.projects.loc[0, "stated_rate"] == 0.1 + 0.2
    assert back.projects.loc[1, "spent"] == 2.9000000000000004
    assert back.profile.assets_net == 80.35000000000001


def test_empty_tables_flags_and_empty_lists_round_trip(data2022, tmp_path):
    tables = dict(data2022.tables)
    tables["team"] = empty_frame(S.TEAM)
    tables["income_sources"] = empty_frame(S.INCOME_SOURCES)
    bands = tables["grade_bands"].copy()
    bands["upper_inclusive"] = True
    tables["grade_bands"] = bands
    profile = dataclasses.replace(data2022.profile, synthetic=True, problems=(), unit_type=None)
    data = YearData(profile, tables)

    back = load_path(write_workbook(data, tmp_path / "edge.xlsx"))
    assert back == data
    assert back.team.empty and back.profile.synthetic is True and back.profile.problems == ()


def test_refuses_other_suffix_and_unstorable_text(data2022, tmp_path):
    with pytest.raises(ParamsError, match=r"\.xlsx"):  # a user's mistake: exit 2, not an internal error
        write_workbook(data2022, tmp_path / "2022.csv")
    tables = dict(data2022.tables)
    projects = tables["projects"].copy()
    projects.loc[0, "note"] = "bell\x07"
    tables["projects"] = projects
    with pytest.raises(ValueError, match="项目"):
        write_workbook(YearData(data2022.profile, tables), tmp_path / "bad.xlsx")
    assert not list(tmp_path.iterdir())


# ----------------------------------------------------------------------------- template

EXPECTED_LISTS = {
    ("绩效指标", "指标性质"): ["≥", ">", "≤", "<", "=", "区间", "定性"],
    ("绩效指标", "定性等级"): ["达成", "部分达成", "未达成"],
    # the rule set's frameworks' names (params/rules/mof.yaml): 财预〔2020〕10号, 决策/过程/产出/效益, 投入/过程/产出/效果
    ("绩效指标", "一级指标"): ["产出指标", "效益指标", "满意度指标", "决策", "过程", "产出", "效益", "投入", "效果"],
    ("绩效指标", "是否适用"): ["是", "否"],
    ("等级表", "含下限"): ["是", "否"],
    ("等级表", "含上限"): ["是", "否"],
}


def _list_validations(ws) -> dict[str, list[str]]:
    """sqref → choices of every list validation on the sheet."""
    out = {}
    for dv in ws.data_validations.dataValidation:
        assert dv.type == "list"
        out[str(dv.sqref)] = dv.formula1.strip('"').split(",")
    return out


def test_template_dropdowns(tmp_path):
    path = write_template(2023, tmp_path / "template.xlsx")
    wb = openpyxl.load_workbook(path)
    for (sheet, title), choices in EXPECTED_LISTS.items():
        ws = wb[sheet]
        letter = openpyxl.utils.get_column_letter(_header_column(ws, title))
        found = _list_validations(ws)
        assert found.get(f"{letter}2:{letter}1000") == choices, (sheet, title, found)


def test_template_level1_list_is_the_rule_sets_frameworks(tmp_path):
    """The 一级指标 list is every name the rule set's frameworks weigh, declared once in params/rules (the audit
    and check know 决策 and 过程: the template no longer refuses them); another name is warned about, not refused."""
    raw = yaml.safe_load((ROOT / "params" / "rules" / "mof.yaml").read_text(encoding="utf-8"))["frameworks"]
    names = [n for f in raw.values() for n in f["weights"]]
    assert level1_choices("mof") == tuple(dict.fromkeys(names)) and {"决策", "过程"} <= set(names)
    assert level1_choices("qiaoxi2022") == level1_choices("mof")  # extends: mof, frameworks inherited
    ws = openpyxl.load_workbook(write_template(2023, tmp_path / "t.xlsx", rules="qiaoxi2022"))["绩效指标"]
    letter = openpyxl.utils.get_column_letter(_header_column(ws, "一级指标"))
    [dv] = [dv for dv in ws.data_validations.dataValidation if str(dv.sqref) == f"{letter}2:{letter}1000"]
    assert dv.errorStyle == "warning" and "决策" in dv.formula1 and "过程" in dv.formula1


def test_template_help_points_at_evaltools_check(tmp_path):
    help_ws = openpyxl.load_workbook(write_template(2023, tmp_path / "t.xlsx"))[HELP_SHEET]
    first = help_ws.cell(2, 3).value
    assert "evaltools check 2023 --path" in first and "evaltools run 2023" in first and "load_path" not in first
    # printed as read: A4 landscape on one page width, a wrapped row as tall as its lines (LibreOffice keeps 15 pt)
    assert help_ws.page_setup.orientation == "landscape" and help_ws.page_setup.fitToWidth == 1
    assert help_ws.row_dimensions[2].height >= 2 * 14.5 and help_ws.cell(2, 3).alignment.wrap_text


def test_template_sheets_headers_and_profile(tmp_path):
    wb = openpyxl.load_workbook(write_template(2023, tmp_path / "template.xlsx", unit="某某中心"))
    assert set(wb.sheetnames) == {HELP_SHEET, S.PROFILE_SHEET, S.TEXT_SHEET, *(t.sheet for t in S.TABLES.values())}
    for table in S.TABLES.values():
        ws = wb[table.sheet]
        assert [c.value for c in ws[1]] == [f.title for f in table.fields]
        assert ws.max_row == 1 and ws.freeze_panes == "A2"
    profile = _profile_values(wb[S.PROFILE_SHEET])
    assert profile["年度"] == 2023 and profile["单位名称"] == "某某中心"
    assert list(profile) == [f.title for f in S.PROFILE_FIELDS if f.kind != "list"]
    assert all(v is None for k, v in profile.items() if k not in ("年度", "单位名称"))

    help_ws = wb[HELP_SHEET]
    assert [c.value for c in help_ws[1]] == ["表", "列", "说明", "示例"]
    described = {(r[0], r[1]) for r in help_ws.iter_rows(min_row=2, values_only=True)}
    for table in S.TABLES.values():
        for f in table.fields:
            assert (table.sheet, f.title) in described
    for spec in S.PROFILE_FIELDS:
        assert (S.TEXT_SHEET if spec.kind == "list" else S.PROFILE_SHEET, spec.title) in described
    assert all(r[2] for r in help_ws.iter_rows(min_row=2, values_only=True))


def test_blank_template_loads_with_errors(tmp_path):
    path = write_template(2023, tmp_path / "template.xlsx")
    data, problems = inspect_path(path)
    assert data is None
    errors = [p for p in problems.items if p.severity == ERROR]
    assert errors
    messages = " | ".join(p.message for p in errors)
    assert "单位名称" in messages
    assert "表中没有数据" in messages  # nothing to evaluate: no budget line, project or indicator
    assert not any("未知" in p.message for p in problems.items)  # 说明 is skipped, no stray sheets


def test_filled_template_loads(data2022, tmp_path):
    """A template filled in with the 2022 values loads equal to the CSV data."""
    path = write_template(2022, tmp_path / "filled.xlsx", unit=data2022.unit)
    source = openpyxl.load_workbook(write_workbook(data2022, tmp_path / "src.xlsx"))
    wb = openpyxl.load_workbook(path)
    for name in [S.PROFILE_SHEET, S.TEXT_SHEET, *(t.sheet for t in S.TABLES.values())]:
        src, dst = source[name], wb[name]
        if name == S.TEXT_SHEET:
            dst.delete_rows(2, dst.max_row)
        for row in src.iter_rows(min_row=2):
            for cell in row:
                dst.cell(cell.row, cell.column).value = cell.value
    wb.save(path)
    assert load_path(path) == data2022
