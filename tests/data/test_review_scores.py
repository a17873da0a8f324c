"""The reviewer's 复核底稿 read back (evaltools.data.review_scores): written by the report layer, filled with
openpyxl as a reviewer would, renamed, re-saved by LibreOffice, read back to exact values; every refusal located
and all of a folder's problems in one error; last year's 复核问题清单 / 整改台账 read back."""

from __future__ import annotations

import math
import shutil
import subprocess

import openpyxl
import pandas as pd
import pytest

from evaltools.data.review_scores import read_prior, read_reviewer_scores
from evaltools.errors import InputError
from evaltools.report.bureau.workbooks import write_issue_list, write_rectification, write_worksheets
from tests.report.bureau import kit


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "ws"
    write_worksheets(kit.frames(), kit.book(), root)
    return root


def _a(root):
    return root / "甲单位" / "项目A_复核底稿.xlsx"


def _b(root):
    return root / "甲单位" / "项目B_复核底稿.xlsx"


def _fill(root):
    kit.fill(
        _a(root),
        {
            "指标a": (18, "FH01 自评得分高于按数据重算的得分", "数量未达标"),
            "指标b": (30, None, None),
            "预算执行率": (8, "FH02", None),
        },
    )
    kit.fill(_b(root), {"指标d": ("41.5", None, None), "指标e": (0, "ｆｈ０１", "无佐证")})


def _scores(frame: pd.DataFrame) -> list[tuple]:
    return [
        (
            r.form,
            r.level3,
            None if math.isnan(r.weight) else r.weight,
            None if math.isnan(r.reviewer_score) else r.reviewer_score,
            r.item,
            r.note,
        )
        for r in frame.sort_values(["form", "row"]).itertuples()
    ]


EXPECTED = [
    (kit.FORM_D, "指标f", 60.0, None, None, None),
    (kit.FORM_D, "指标g", 40.0, None, None, None),
    (kit.FORM_A, "指标a", 20.0, 18.0, "FH01", "数量未达标"),
    (kit.FORM_A, "指标b", 30.0, 30.0, None, None),
    (kit.FORM_A, "指标c", 10.0, None, None, None),  # blank: not reviewed, never 0
    (kit.FORM_A, "预算执行率", None, 8.0, "FH02", None),
    (kit.FORM_B, "指标d", 45.0, 41.5, None, None),  # typed as text "41.5"
    (kit.FORM_B, "指标e", 45.0, 0.0, "FH01", "无佐证"),  # a real 0; ｆｈ０１ typed by hand is FH01
    (kit.FORM_B, "预算执行率", 10.0, None, None, None),
]


def test_filled_worksheets_read_back_exactly(folder):
    _fill(folder)
    frame = read_reviewer_scores(folder, kit.ITEMS)
    assert list(frame.columns) == [
        "form",
        "unit",
        "project",
        "level3",
        "weight",
        "reviewer_score",
        "item",
        "note",
        "file",
        "sheet",
        "row",
    ]
    assert _scores(frame) == EXPECTED
    a = frame[frame["form"] == kit.FORM_A].iloc[0]
    assert (a.unit, a.project, a.file, a.sheet) == ("甲单位", "项目A", str(_a(folder)), "复核底稿")
    header = next(
        r[0].row for r in openpyxl.load_workbook(_a(folder)).active.iter_rows() if any(c.value == "复核得分" for c in r)
    )
    assert a.row == header + 1
    assert frame.loc[frame["form"] == kit.FORM_D, "project"].tolist() == [None, None]


def test_renamed_and_per_unit_workbooks_read_the_same(tmp_path, folder):
    _fill(folder)
    (_a(folder)).rename(folder / "甲单位" / "张三复核-最终版(1).xlsx")  # the key cell names the form, not the file
    assert _scores(read_reviewer_scores(folder, kit.ITEMS)) == EXPECTED
    per_unit = write_worksheets(kit.frames(), kit.book(), tmp_path / "unit", per="unit")
    kit.fill(
        per_unit[0],
        {
            "指标a": (18, "FH01 自评得分高于按数据重算的得分", "数量未达标"),
            "指标b": (30, None, None),
            "预算执行率": (8, "FH02", None),
        },
        sheet="项目A",
    )
    kit.fill(per_unit[0], {"指标d": ("41.5", None, None), "指标e": (0, "FH01", "无佐证")}, sheet="项目B")
    frame = read_reviewer_scores(tmp_path / "unit", kit.ITEMS)
    assert _scores(frame) == EXPECTED
    assert set(frame["sheet"]) == {"项目A", "项目B", "部门整体"}


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_round_trip(tmp_path, folder):
    _fill(folder)
    out = tmp_path / "saved"
    sources = [str(p) for p in sorted(folder.rglob("*.xlsx"))]
    run = subprocess.run(
        [
            "soffice",
            "--headless",
            "--norestore",
            f"-env:UserInstallation=file://{tmp_path}/lo",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(out),
            *sources,
        ],
        capture_output=True,
        timeout=180,
    )
    assert run.returncode == 0, run.stderr
    assert len(list(out.glob("*.xlsx"))) == 3  # 项目A, 项目B, 部门整体 side by side in one folder now
    assert _scores(read_reviewer_scores(out, kit.ITEMS)) == EXPECTED


def _refused(root) -> list:
    with pytest.raises(InputError) as info:
        read_reviewer_scores(root, kit.ITEMS)
    return [
        (p.location.file, p.location.sheet, p.location.row, p.location.column, p.found, p.expected)
        for p in info.value.errors
    ]


def _row_of(path, level3: str) -> int:
    ws = openpyxl.load_workbook(path).active
    return next(r[0].row for r in ws.iter_rows() if r[2].value == level3)


def test_every_bad_score_and_item_located_in_one_error(folder):
    kit.fill(
        _a(folder), {"指标a": ("十八", None, None), "指标b": (-1, None, None), "指标c": (10.5, "FH99 自创扣分", None)}
    )
    kit.fill(_b(folder), {"指标d": (46, None, None)})
    a, b = str(_a(folder)), str(_b(folder))
    assert sorted(_refused(folder)) == sorted(
        [
            (a, "复核底稿", _row_of(_a(folder), "指标a"), "复核得分", "十八", "a number from 0 to the 分值 20"),
            (a, "复核底稿", _row_of(_a(folder), "指标b"), "复核得分", "-1", "a number from 0 to the 分值 30"),
            (a, "复核底稿", _row_of(_a(folder), "指标c"), "复核得分", "10.5", "a number from 0 to the 分值 10"),
            (
                a,
                "复核底稿",
                _row_of(_a(folder), "指标c"),
                "扣分项",
                "FH99 自创扣分",
                "one of FH01, FH02, FH03 (choose from the drop-down list)",
            ),
            (b, "复核底稿", _row_of(_b(folder), "指标d"), "复核得分", "46", "a number from 0 to the 分值 45"),
        ]
    )


def test_key_cell_removed_is_refused(folder):
    wb = openpyxl.load_workbook(_a(folder))
    wb.active["K1"] = None
    wb.save(_a(folder))
    ((file, sheet, row, column, found, expected),) = _refused(folder)
    assert (file, sheet, row, column, found) == (str(_a(folder)), "复核底稿", None, None, "no key cell")
    assert "hidden key cell" in expected


def test_a_form_twice_is_refused(folder):
    shutil.copy(_a(folder), folder / "副本.xlsx")
    ((file, sheet, row, column, found, _),) = _refused(folder)
    assert (file, sheet) == (str(_a(folder)), "复核底稿")  # sorted: 甲单位/… after 副本.xlsx
    assert found == f"{kit.FORM_A} (also in {folder / '副本.xlsx'}, sheet 「复核底稿」)"


def test_rows_deleted_or_added_are_refused(folder):
    wb = openpyxl.load_workbook(_a(folder))
    wb.active.delete_rows(_row_of(_a(folder), "指标b"))
    wb.save(_a(folder))
    wb = openpyxl.load_workbook(_b(folder))
    last = wb.active.max_row + 2
    wb.active.cell(last, 3).value, wb.active.cell(last, 8).value = "自加指标", 5
    wb.save(_b(folder))
    assert sorted(_refused(folder)) == [
        (str(_a(folder)), "复核底稿", None, None, "4 keyed rows", "5 rows as written: use a fresh 复核底稿"),
        (
            str(_b(folder)),
            "复核底稿",
            last,
            "复核得分",
            "复核得分 = 5",
            "scores only on the indicator rows written by evaltools review",
        ),
    ]


def test_other_formats_and_an_empty_folder(tmp_path, folder):
    (folder / "旧版.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    assert _refused(folder) == [
        (str(folder / "旧版.xls"), None, None, None, ".xls", "the workbook saved as .xlsx (Excel 工作簿): 另存为 .xlsx")
    ]
    (tmp_path / "empty").mkdir()
    assert _refused(tmp_path / "empty")[0][4] == "no sheet with a 复核底稿 key"
    assert _refused(tmp_path / "missing")[0][0] == str(tmp_path / "missing")


def test_prior_lists_read_back_with_their_status(tmp_path):
    write_issue_list(kit.frames(), kit.book(), tmp_path / "复核问题清单.xlsx")
    ledger = write_rectification(kit.frames(), kit.book(), tmp_path / "整改台账.xlsx", deadline="2023-06-30")
    wb = openpyxl.load_workbook(ledger)
    wb.active["J3"], wb.active["I3"] = "已整改", "已按重算得分更正"
    wb.save(ledger)
    prior = read_prior(tmp_path)
    assert prior.to_dict("records") == [
        {"unit": "甲单位", "project": "项目A", "code": "SCORE_DIFFERS", "item": "FH01", "status": "已整改"},
        {"unit": "甲单位", "project": "项目A", "code": "RATE_FORMULA", "item": "FH02", "status": "未整改"},
        {"unit": "乙单位", "project": None, "code": "NO_SCORE", "item": "FH03", "status": None},  # P2: no ledger row
    ]


def test_prior_bad_status_and_blank_unit_located(tmp_path):
    ledger = write_rectification(kit.frames(), kit.book(), tmp_path / "整改台账.xlsx")
    wb = openpyxl.load_workbook(ledger)
    wb.active["J4"], wb.active["B3"] = "基本完成", None
    wb.save(ledger)
    with pytest.raises(InputError) as info:
        read_prior(tmp_path)
    found = [(p.location.sheet, p.location.row, p.location.column, p.found) for p in info.value.errors]
    assert found == [("整改台账", 3, "单位", None), ("整改台账", 4, "整改状态", "基本完成")]


def test_a_formula_without_its_saved_value_is_refused_not_read_as_blank(folder):
    kit.fill(_a(folder), {"指标a": ("=20-2", None, None)})
    assert _refused(folder) == [
        (
            str(_a(folder)),
            "复核底稿",
            _row_of(_a(folder), "指标a"),
            "复核得分",
            "a formula",
            "the score as a number, or the workbook opened and saved in Excel, WPS or LibreOffice",
        )
    ]


def test_other_workbooks_in_the_folder_are_skipped(folder):
    """A summary with a 复核得分 column, the lists, a damaged copy's lock file: no 复核底稿, not read, not refused."""
    _fill(folder)
    wb = openpyxl.Workbook()
    wb.active.append(["自评表", "自评得分", "复核得分"])
    wb.active.append([kit.FORM_A, 100, 88])
    wb.save(folder / "复核汇总.xlsx")
    write_issue_list(kit.frames(), kit.book(), folder / "复核问题清单.xlsx")
    (folder / "~$项目A_复核底稿.xlsx").write_bytes(b"lock")
    assert _scores(read_reviewer_scores(folder, kit.ITEMS)) == EXPECTED


def test_a_damaged_workbook_is_located(folder):
    (folder / "坏文件.xlsx").write_bytes(b"PK\x03\x04 not really a zip")
    ((file, sheet, row, column, found, expected),) = _refused(folder)
    assert (file, sheet, row, column) == (str(folder / "坏文件.xlsx"), None, None, None)
    assert found and expected
