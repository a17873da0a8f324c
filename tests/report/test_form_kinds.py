"""The 自评表.xlsx for every report kind (evaltools.data.kinds), built from the real tables in data/ (and the
2018 基础数据表 of the 经费控制 tests): each kind gets the sheets its report is about — a single project's report no
整体支出 summary, a unit with its own 部门整体 table that table — and no cell holds None, nan, a flag or an
internal code (issue 20 item 9)."""

from __future__ import annotations

import dataclasses

import openpyxl
import pandas as pd
import pytest

from evaltools import evaluate, load_rules
from evaltools.data.kinds import KINDS
from evaltools.data.load import load_path
from evaltools.report.form import DEPARTMENT_FORM_SHEET, DEPARTMENT_SHEET, INDICATOR_HEADERS, write_selfeval_form
from tests._paths import DATA
from tests.report.rawcodes import raw_in, raw_tokens
from tests.scoring.test_cost_control import HUNAN_2018

RONGMEITI = DATA / "西部（重庆）科学城融媒体中心" / "2021"
TIANCHANG = DATA / "天长市水利局" / "2022"
SICHUAN = DATA / "四川省某省级部门（原文未署名）" / "2017"
QINGSHEN = DATA / "青神县发展和改革局" / "2023"


def _projects_alone(data):
    """The 2022 data's three project forms published alone (no budget lines): kind ``projects``."""
    empty = data.budget_lines.iloc[:0]
    return dataclasses.replace(data, tables={**data.tables, "budget_lines": empty})


def _with_department_table(data):
    """The 2022 data with a department table of its own (融媒体中心 2021's rows as the unit's): ``department_full``."""
    own = load_path(RONGMEITI).indicators
    indicators = pd.concat([data.indicators, own.assign(project=None)], ignore_index=True)
    return dataclasses.replace(data, tables={**data.tables, "indicators": indicators})


def _hunan(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hunan") / "2018"
    folder.mkdir()
    (folder / "profile.yaml").write_text(
        "unit: 湖南某部门（原文未署名）\nyear: 2018\nreport_kind: department\n", "utf-8"
    )
    (folder / "budget_lines.csv").write_text("line,budget,spent\n部门整体支出,1922.76,2690.62\n", "utf-8")
    (folder / "cost_control.csv").write_text(HUNAN_2018, "utf-8")
    return load_path(folder)


@pytest.fixture(scope="module")
def workbooks(tmp_path_factory, data_2022):
    """(name, evaluation, workbook) for every real table and every kind."""
    cases = {
        "2022": (data_2022, "qiaoxi2022"),
        "2022 projects alone": (_projects_alone(data_2022), "qiaoxi2022"),
        "2022 with its department table": (_with_department_table(data_2022), "qiaoxi2022"),
        "融媒体中心 2021": (load_path(RONGMEITI), "mof"),
        "天长市水利局 2022": (load_path(TIANCHANG), "mof"),
        "四川 2017": (load_path(SICHUAN), "mof"),
        "湖南 2018 经费控制": (_hunan(tmp_path_factory), "mof"),
    }
    out = []
    folder = tmp_path_factory.mktemp("forms")
    for i, (name, (data, rules)) in enumerate(cases.items()):
        ev = evaluate(data, load_rules(rules))
        path = write_selfeval_form(ev, folder / f"{i}.xlsx")
        out.append((name, ev, openpyxl.load_workbook(path)))
    return out


def test_every_kind_is_covered(workbooks):
    assert {ev.kind for _, ev, _ in workbooks} == set(KINDS)
    kinds = {name: ev.kind for name, ev, _ in workbooks}
    assert kinds["2022"] == "department_projects" and kinds["2022 projects alone"] == "projects"
    assert kinds["融媒体中心 2021"] == "department" and kinds["天长市水利局 2022"] == "project"
    assert kinds["2022 with its department table"] == "department_full"


def test_each_kind_gets_the_sheets_its_report_is_about(workbooks):
    for name, ev, wb in workbooks:
        kind = ev.report_kind
        projects = list(ev.projects["project"])
        expected = (
            ([] if kind.named_by_project else [DEPARTMENT_SHEET])
            + ([DEPARTMENT_FORM_SHEET] if kind.department_form else [])
            + projects
        )
        assert wb.sheetnames == expected, name
        for ws in wb.worksheets:
            title = str(ws["A1"].value)
            if ws.title == DEPARTMENT_SHEET:  # titled for its kind: the unit as a whole, or its projects
                what = "整体支出绩效自评表" if kind.subject == "部门整体" else "项目支出绩效自评汇总表"
                assert title == f"{ev.unit}{ev.year}年度{what}", name
            elif ws.title == DEPARTMENT_FORM_SHEET:
                assert title == f"部门整体支出绩效自评表（{ev.year} 年度）", name
            else:  # a project's sheet is never titled 整体支出
                assert title == f"项目支出绩效自评表（{ev.year} 年度）" and "整体" not in title, name


def _indicator_rows(ws) -> list[str]:
    """The 三级指标 cells between the indicator header and the 总分 row."""
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == INDICATOR_HEADERS[0])
    end = next(r for r in range(header, ws.max_row + 1) if ws.cell(r, 1).value == "总分")
    return [ws.cell(r, 3).value for r in range(header + 1, end)]


def test_the_units_own_table_is_written(workbooks):
    ev, wb = next((ev, wb) for name, ev, wb in workbooks if name == "融媒体中心 2021")
    ws = wb[DEPARTMENT_FORM_SHEET]
    rows = _indicator_rows(ws)
    assert len(rows) == 20 and rows[0] == "财政供养人员控制率" and rows[-1] == "公共服务…"
    assert ws["A2"].value == "部门（单位）名称" and ws["B2"].value == "西部（重庆）科学城融媒体中心"
    total = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "总分")
    # Σ 得分: 「公共服务…」's 得分 is unreadable and the table is cut off, so the sum is unknown — shown, never 0.00
    assert ws.cell(total, 7).value == "无法计算" and ws.cell(total, 8).value == "评价等级：无法计算（原表截断于第19行）"
    assert ws.cell(total, 6).value is None  # 分值合计: 「公共服务…」's 分值 is unreadable, so is the sum (not 80)
    # its 预算执行率 row, in the 部门整体 form's funds block: amounts unreadable, the printed 执行率 76% and 得分 7.6
    assert ws["A3"].value == "部门整体支出预算执行情况（万元）"
    funds = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "年度资金总额")
    assert [ws.cell(funds, j).value for j in range(3, 9)] == [None, None, None, 10, 0.76, 7.6]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == INDICATOR_HEADERS[0])
    assert [ws.cell(header + 1, j).value for j in range(1, 8)] == [
        "绩效指标",
        None,
        "财政供养人员控制率",
        "100%",
        "92%",
        2,
        2,
    ]


def test_a_single_projects_workbook_is_its_form(workbooks):
    ev, wb = next((ev, wb) for name, ev, wb in workbooks if name == "天长市水利局 2022")
    assert wb.sheetnames == ["水旱灾害防御经费"]
    ws = wb.worksheets[0]
    assert ws["A2"].value == "项目名称" and ws["C2"].value == "水旱灾害防御经费"
    assert len(_indicator_rows(ws)) == 9


def _total_row(ws) -> int:
    return next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "总分")


def test_a_single_projects_total_is_the_sum_of_its_score_column(workbooks):
    """天长市水利局 2022: 预算执行率 880/880 → 10 of 10, nine indicators of 10 each scored 10: 总分 100 = Σ 得分."""
    _, wb = next((ev, wb) for name, ev, wb in workbooks if name == "天长市水利局 2022")
    ws = wb.worksheets[0]
    funds = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 2).value == "年度资金总额")
    assert [ws.cell(funds, j).value for j in range(3, 9)] == [880, 880, 880, 10, 1, 10]
    header = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == INDICATOR_HEADERS[0])
    total = _total_row(ws)
    scores = [ws.cell(r, 7).value for r in range(header + 1, total)]
    assert scores == [10] * 9
    assert ws.cell(total, 7).value == 100 == ws.cell(funds, 8).value + sum(scores)
    assert ws.cell(total, 8).value == "评价等级：优"
    assert ws.page_setup.fitToHeight == 1


def test_a_form_printed_without_scores_has_an_unknown_total(tmp_path):
    """青神县发展和改革局 2023 publishes every 得分 blank: its 总分 is 无法计算 and it is 未评分 — never 0.00."""
    ev = evaluate(load_path(QINGSHEN), load_rules("mof"))
    ws = openpyxl.load_workbook(write_selfeval_form(ev, tmp_path / "qs.xlsx")).worksheets[0]
    total = _total_row(ws)
    assert ws.cell(total, 6).value == 100  # the 分值 it prints: 10 + 60 + 30
    assert ws.cell(total, 7).value == "无法计算" and ws.cell(total, 8).value == "评价等级：未评分（原表得分未填）"


def test_unknown_amounts_are_not_added_as_zero(workbooks):
    """融媒体中心 2021 prints its budget and spending illegibly: the 合计 row says 无法计算, never 0.00."""
    ev, wb = next((ev, wb) for name, ev, wb in workbooks if name == "融媒体中心 2021")
    ws = wb[DEPARTMENT_SHEET]
    total = next(r for r in range(1, ws.max_row + 1) if str(ws.cell(r, 1).value).startswith("合计"))
    assert [ws.cell(total, j).value for j in range(2, 5)] == ["无法计算"] * 3
    computed = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "总分")
    # cut off after row 19 (its profile's cut_off_after): no total, with the reason
    assert [ws.cell(computed, j).value for j in (2, 3)] == ["无法计算（原表截断于第19行）", "本表各项得分之和"]
    assert ws.cell(computed + 1, 2).value == "无法计算（原表截断于第19行）"  # 等级
    assert [c.value for c in ws["A"] if str(c.value).startswith(("三、", "四、"))] == [
        "三、整体绩效评价结果",
        "四、提交前数据核查",
    ]


def test_the_total_method_is_said_in_words(workbooks):
    for name, _ev, wb in workbooks:
        if DEPARTMENT_SHEET in wb.sheetnames:
            ws = wb[DEPARTMENT_SHEET]
            row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "总分")
            methods = (
                "本表各项得分之和",
                "各项目得分的简单平均",
                "各项目得分按预算加权平均",
                "单位自评总分（自评报告所列）",
            )
            assert ws.cell(row, 3).value in methods, name


def test_the_cost_control_block_is_in_the_summary_sheet(workbooks):
    _, wb = next((ev, wb) for name, ev, wb in workbooks if name.startswith("湖南"))
    ws = wb[DEPARTMENT_SHEET]
    heading = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "三、三公经费支出情况（万元）")
    assert [ws.cell(heading + 2, j).value for j in range(1, 6)] == [
        "三公经费",
        63.46,
        44.29,
        pytest.approx(0.69792, abs=1e-5),
        29.08,
    ]
    part = [ws.cell(heading + 5, j).value for j in (1, 5, 6)]
    assert part == ["其中：公务用车购置费", None, None]  # 2017 blank: no change computed
    assert ws.cell(heading + 8, 1).value.startswith("2018 年“三公”经费决算 44.29 万元，比上年增加 15.21 万元（52.30%）")
    assert ws.cell(heading + 10, 1).value == "四、整体绩效评价结果"  # after a blank row; no project: no 项目 section


def test_no_cell_holds_none_nan_or_an_internal_code(workbooks):
    tokens = raw_tokens()
    for name, _ev, wb in workbooks:
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for cell in row:
                    if isinstance(cell.value, str):
                        assert not raw_in(cell.value, tokens), (name, ws.title, cell.coordinate, cell.value)
                    assert not isinstance(cell.value, bool), (name, ws.title, cell.coordinate)
