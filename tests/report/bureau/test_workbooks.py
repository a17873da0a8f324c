"""The reviewer's workbooks as written: 复核底稿 (per form, per unit), 复核问题清单, 整改台账 — their cells, drop-down
lists, key cells, print settings and synthetic-data notes, read with openpyxl."""

from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import replace

import openpyxl
import pandas as pd
import pytest

from evaltools.data import review_scores as R
from evaltools.data.review_scores import read_reviewer_scores
from evaltools.report.bureau import issue_list
from evaltools.report.bureau.workbooks import write_issue_list, write_rectification, write_worksheets
from tests.report.bureau import kit


@pytest.fixture
def per_form(tmp_path):
    return write_worksheets(kit.frames(synthetic=True), kit.book(), tmp_path / "ws")


def _table(ws) -> tuple[int, dict[str, int], list[list]]:
    """The indicator table: its header row, columns by title and the rows below it (values)."""
    header = next(r for r in ws.iter_rows() if any(c.value == "复核得分" for c in r))
    col = {c.value: c.column for c in header if c.value}
    rows = [list(r) for r in ws.iter_rows(min_row=header[0].row + 1, values_only=True)]
    return header[0].row, col, rows


def _block(ws) -> dict[str, object]:
    return {r[0]: r[1] for r in ws.iter_rows(max_col=2, values_only=True) if r[0] and r[1] is not None}


def test_one_workbook_per_form_named_by_unit_and_project(per_form, tmp_path):
    assert [p.relative_to(tmp_path / "ws").as_posix() for p in per_form] == [
        "甲单位/项目A_复核底稿.xlsx",
        "甲单位/项目B_复核底稿.xlsx",
        "乙单位/部门整体_复核底稿.xlsx",
    ]
    wb = openpyxl.load_workbook(per_form[0])
    assert wb.sheetnames == ["复核底稿", "扣分项清单"]
    assert wb["扣分项清单"].sheet_state == "hidden"
    assert [c.value for c in wb["扣分项清单"]["A"]] == [
        "FH01 自评得分高于按数据重算的得分",
        "FH02 执行率表述与公式不符",
        "FH03 自评表未填得分",
    ]


def test_header_block_and_indicator_rows(per_form):
    ws = openpyxl.load_workbook(per_form[0])["复核底稿"]
    block = _block(ws)
    assert block["被复核单位"] == "甲单位" and block["项目"] == "项目A"
    assert block["自评表文件"] == "forms/甲单位.xlsx · 项目A"
    assert block["自评得分"] == 100 and block["重算得分"] == "无法计算"
    assert block["自评等级"] == "优" and block["重算等级"] == "无法计算"
    assert block["表级核查发现"] == "【警告】「项目A」所述 100% 不等于 80/100"
    header, col, rows = _table(ws)
    assert list(col) == [
        "一级指标",
        "二级指标",
        "三级指标",
        "分值",
        "自评得分",
        "重算得分",
        "核查发现",
        "复核得分",
        "扣分项",
        "复核说明",
    ]
    shown = [r[:10] for r in rows]
    assert shown[0] == [
        "产出指标",
        "数量指标",
        "指标a",
        20,
        20,
        18.5,
        "【错误】「指标a」自评 20 分，重算 18.5 分",
        None,
        None,
        None,
    ]
    assert shown[2][2:7] == ["指标c", 10, 10, "无法计算", None]  # unknown, not 0
    assert shown[3][0] == "预算执行率" and shown[3][2].startswith("预算执行率 80.00%（全年预算数 100.00 万元")
    assert shown[3][3:6] == [None, "—", "无法计算"]  # no 执行率 weight is invented; its recomputed score unknown
    assert shown[4][0] == "总分" and shown[4][3:6] == [None, 100, "无法计算"]  # the 执行率 row's 分值 is unknown
    assert shown[4][7] == f'=IF(COUNT(H{header + 1}:H{header + 4})=0,"",SUM(H{header + 1}:H{header + 4}))'


def test_department_form_and_execution_weight(per_form):
    ws = openpyxl.load_workbook(per_form[1])["复核底稿"]
    _, _, rows = _table(ws)
    assert rows[2][:6] == [
        "预算执行率",
        None,
        "预算执行率 100.00%（全年预算数 50.00 万元，全年执行数 50.00 万元）",
        10,
        10,
        9.5,
    ]
    assert rows[3][3] == 100  # 45 + 45 + 执行率 10
    ws = openpyxl.load_workbook(per_form[2])["复核底稿"]
    assert _block(ws)["项目"] == "部门整体" and _block(ws)["自评得分"] == "—"
    _, _, rows = _table(ws)
    assert [r[2] for r in rows] == ["指标f", "指标g", None]  # no 执行率 row on a 部门整体 form; then 总分


def test_key_cells_name_the_form_and_rows(per_form):
    ws = openpyxl.load_workbook(per_form[0])["复核底稿"]
    assert ws.column_dimensions["K"].hidden
    assert ws.protection.sheet and not ws.protection.formatColumns
    form = json.loads(ws["K1"].value.removeprefix(R.FORM_KEY))
    assert form == {"form": kit.FORM_A, "unit": "甲单位", "project": "项目A", "rows": 5}
    header, _, _ = _table(ws)
    first = json.loads(ws.cell(header + 1, 11).value.removeprefix(R.ROW_KEY))
    assert first == {"role": "indicator", "level3": "指标a", "weight": 20.0}
    assert ws.cell(header + 1, 11).protection.locked
    assert [ws.cell(header + 1, j).protection.locked for j in (7, 8, 9, 10)] == [True, False, False, False]


def test_drop_down_and_score_validation(per_form):
    ws = openpyxl.load_workbook(per_form[0])["复核底稿"]
    header, _, _ = _table(ws)
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1 and lists[0].formula1 == "'扣分项清单'!$A$1:$A$3"
    assert str(lists[0].sqref) == f"I{header + 1}:I{header + 4}"
    bounds = {
        str(dv.sqref): (dv.operator, dv.formula1, dv.formula2)
        for dv in ws.data_validations.dataValidation
        if dv.type == "decimal"
    }
    assert bounds == {
        f"H{header + 1}": ("between", "0", "20"),
        f"H{header + 2}": ("between", "0", "30"),
        f"H{header + 3}": ("between", "0", "10"),
        f"H{header + 4}": ("greaterThanOrEqual", "0", None),
    }


def test_printable_and_synthetic_on_every_sheet(per_form, tmp_path):
    for path in per_form:
        ws = openpyxl.load_workbook(path)["复核底稿"]
        header, _, _ = _table(ws)
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert ws.print_title_rows == f"${header}:${header}"
        assert ws["A2"].value == "合成数据 · 仅供演示，不是真实单位的数据"
        assert "合成数据" in ws.oddHeader.center.text
        assert {c.font.name for r in ws.iter_rows(max_col=10) for c in r if c.value is not None} == {"宋体"}
    real = write_worksheets(kit.frames(), kit.book(), tmp_path / "real")
    ws = openpyxl.load_workbook(real[0])["复核底稿"]
    assert not any("合成数据" in str(c.value) for r in ws.iter_rows() for c in r if c.value)
    assert not ws.oddHeader.center.text


def test_one_workbook_per_unit_one_sheet_per_form(tmp_path):
    paths = write_worksheets(kit.frames(), kit.book(), tmp_path, per="unit")
    assert [p.name for p in paths] == ["甲单位_复核底稿.xlsx", "乙单位_复核底稿.xlsx"]
    assert openpyxl.load_workbook(paths[0]).sheetnames == ["项目A", "项目B", "扣分项清单"]
    assert openpyxl.load_workbook(paths[1]).sheetnames == ["部门整体", "扣分项清单"]
    only = write_worksheets(kit.frames(), kit.book(), tmp_path / "sample", only=[kit.FORM_B])
    assert [p.relative_to(tmp_path / "sample").as_posix() for p in only] == ["甲单位/项目B_复核底稿.xlsx"]
    with pytest.raises(ValueError, match="per must be"):
        write_worksheets(kit.frames(), kit.book(), tmp_path, per="project")


def test_issue_list_rows_in_order_with_their_location(tmp_path):
    path = write_issue_list(kit.frames(), kit.book(), tmp_path / "复核问题清单.xlsx")
    ws = openpyxl.load_workbook(path)["复核问题清单"]
    rows = [r for r in ws.iter_rows(min_row=2, values_only=True)]
    assert rows[0] == tuple(R.ISSUE_COLUMNS.values())
    assert [r[:5] for r in rows[1:]] == [
        (1, "P0", "自评复核口径", "甲单位", "项目A"),
        (2, "P1", "报告内容逻辑", "甲单位", "项目A"),
        (3, "P2", "报告与底稿一致性", "乙单位", None),
    ]
    assert rows[1][5] == "forms/甲单位.xlsx · 指标「指标a」"
    assert rows[1][7] == "「指标a」自评 20 分，重算 18.5 分；判定：属扣分项 FH01"
    assert rows[1][8] == "按扣分项 FH01 扣 2 分；核减复核得分，列入整改台账，限期整改并报送整改情况"
    assert rows[2][8] == "按扣分项 FH02 扣 1 分；核减复核得分并说明依据，列入整改台账督促整改"
    assert rows[3][8] == "按扣分项 FH03 扣该项分值的 10.00%；提醒单位在下一年度自评中改正"
    assert rows[1][9] == "财预〔2020〕10号"
    assert [r[10:] for r in rows[1:]] == [("FH01", "SCORE_DIFFERS"), ("FH02", "RATE_FORMULA"), ("FH03", "NO_SCORE")]
    assert ws.column_dimensions["L"].hidden  # 核查代码: folded away in print
    assert ws.print_title_rows == "$2:$2" and ws.page_setup.orientation == "landscape"


def test_rectification_ledger_lists_p0_and_p1_with_a_status_list(tmp_path):
    path = write_rectification(
        kit.frames(), kit.book(), tmp_path / "整改台账.xlsx", deadline="2023-06-30", synthetic=True
    )
    ws = openpyxl.load_workbook(path)["整改台账"]
    assert ws["A2"].value == "合成数据 · 仅供演示，不是真实单位的数据"
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True)]
    assert rows[0] == tuple(R.RECTIFICATION_COLUMNS.values())
    assert [(r[0], r[1], r[4], r[5], r[7], r[8], r[9]) for r in rows[1:]] == [
        (1, "甲单位", "P0", "FH01", "2023-06-30", None, "未整改"),
        (2, "甲单位", "P1", "FH02", "2023-06-30", None, "未整改"),
    ]
    (dv,) = ws.data_validations.dataValidation
    assert dv.formula1 == '"未整改,整改中,已整改"' and str(dv.sqref).startswith("J4:")


def test_a_code_no_item_covers_is_p2_other_and_not_in_the_ledger(tmp_path):
    frames = kit.frames()
    extra = frames.findings.iloc[[0, 0]].assign(code="NEW_CODE", message="新的核查发现", indicator=None, field=None)
    extra["severity"] = ["warning", "info"]  # an info finding no item covers is no issue: left out
    frames = replace(frames, findings=pd.concat([frames.findings, extra], ignore_index=True))
    rows = issue_list.numbered(issue_list.classify(frames, kit.book()), frames.forms)
    assert rows[["number", "level", "dimension", "unit", "item", "code", "where"]].values.tolist() == [
        [1, "P0", "自评复核口径", "甲单位", "FH01", "SCORE_DIFFERS", "forms/甲单位.xlsx · 指标「指标a」"],
        [2, "P1", "报告内容逻辑", "甲单位", "FH02", "RATE_FORMULA", "forms/甲单位.xlsx · 执行率"],
        [3, "P2", "报告与底稿一致性", "乙单位", "FH03", "NO_SCORE", "forms/乙单位.docx · 总分"],  # units by code point
        [4, "P2", "其他", "甲单位", None, "NEW_CODE", "forms/甲单位.xlsx"],
    ]
    assert rows.loc[3, "facts"] == "新的核查发现" and rows.loc[3, "advice"] == "提醒单位在下一年度自评中改正"  # no item
    ledger = openpyxl.load_workbook(write_rectification(frames, kit.book(), tmp_path / "整改台账.xlsx")).active
    assert [r[0] for r in ws_rows(ledger)] == [1, 2]


def ws_rows(ws) -> list[tuple]:
    return [r for r in ws.iter_rows(min_row=3, values_only=True)]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_a_worksheet_prints_on_one_landscape_page_with_its_notes(per_form, tmp_path):
    """LibreOffice prints 项目A's 复核底稿 (3 indicators) on one A4 landscape page: the title, the synthetic note (page
    header and sheet), the table's header and the reviewer's columns all on it."""
    import pypdfium2

    run = subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            str(per_form[0]),
        ],
        capture_output=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    pdf = pypdfium2.PdfDocument(tmp_path / "pdf" / "项目A_复核底稿.pdf")
    assert len(pdf) == 1
    width, height = pdf[0].get_size()
    assert (round(width), round(height)) == (842, 595)  # A4 landscape in points
    text = pdf[0].get_textpage().get_text_range().replace("\r\n", "\n")
    for shown in (
        "甲单位｜项目A",
        "复核底稿",
        "合成数据 · 仅供演示",
        "复核得分",
        "扣分项",
        "复核说明",
        "指标c",
        "总分",
        "第 1 页，共 1 页",
    ):
        assert shown in text, shown
    assert "evaltools·复核底稿" not in text  # the key column is hidden, not printed


def test_hostile_names_are_safe_file_names_and_text_not_formulas(tmp_path):
    """A unit named with path separators and an ESC, a project that reads as a formula, two forms of one unit with
    one project name: safe, distinct files and sheets; the cells are text; the key keeps the names as they are."""
    frames = kit.frames()
    forms = frames.forms.copy()
    forms.loc[0, ["form", "unit", "project"]] = ["x", "甲/..\x1b单位", "=1+1"]
    forms.loc[1, ["form", "unit", "project"]] = ["y", "甲/..\x1b单位", "=1+1"]
    forms.loc[2, "unit"] = "CON"  # a name Windows reserves
    ind = frames.indicators.copy()
    ind["form"] = ind["form"].replace({kit.FORM_A: "x", kit.FORM_B: "y"})
    hostile = replace(frames, forms=forms, indicators=ind, findings=frames.findings.iloc[:0])
    paths = write_worksheets(hostile, kit.book(), tmp_path / "ws")
    names = [p.relative_to(tmp_path / "ws").as_posix() for p in paths]
    assert names == [
        "甲_..⟨U+001B⟩单位/=1+1_复核底稿.xlsx",
        "甲_..⟨U+001B⟩单位/=1+1_复核底稿_2.xlsx",
        "_CON/部门整体_复核底稿.xlsx",
    ]
    ws = openpyxl.load_workbook(paths[0])["复核底稿"]
    assert ws["A3"].value == "项目" and ws["B3"].value == "=1+1" and ws["B3"].data_type == "s"
    assert json.loads(ws["K1"].value.removeprefix(R.FORM_KEY))["unit"] == "甲/..\x1b单位"
    per_unit = write_worksheets(hostile, kit.book(), tmp_path / "unit", per="unit")
    assert openpyxl.load_workbook(per_unit[0]).sheetnames == ["=1+1", "=1+1_2", "扣分项清单"]
    frame = read_reviewer_scores(tmp_path / "unit", kit.ITEMS)
    assert sorted(set(frame["form"])) == sorted({"x", "y", kit.FORM_D})


def test_advice_and_ledger_levels_come_from_the_rule_book(tmp_path):
    """处理建议 is the rule book's severity advice after the item's deduction; the ledger's levels and 整改期限 are the
    book's ``rectification`` when the caller gives none."""
    from evaltools.scoring.review.rulebook import Rectification

    book = kit.book()
    severities = book.severities.assign(advice=["甲建议", "乙建议", "丙建议"])
    book = replace(book, severities=severities, rectification=Rectification(("P0",), "三十日内", "测试"))
    frames = kit.frames()
    rows = issue_list.numbered(issue_list.classify(frames, book), frames.forms)
    assert rows.loc[0, "advice"] == "按扣分项 FH01 扣 2 分；甲建议"  # FH01: points 2
    assert rows.loc[1, "advice"] == "按扣分项 FH02 扣 1 分；乙建议"
    ledger = openpyxl.load_workbook(write_rectification(frames, book, tmp_path / "整改台账.xlsx")).active
    assert [(r[0], r[4], r[7]) for r in ws_rows(ledger)] == [(1, "P0", "三十日内")]
