"""Outputs safe for their reader (issue 22 item 2): text from a form that a spreadsheet would run as a formula is
written inert in every CSV made for people, and stays text in the workbooks."""

from __future__ import annotations

import csv
import io

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from evaltools import fmt
from evaltools.cli import app
from tests._paths import ROOT

FORM = ROOT / "examples" / "forms" / "县直" / "青神县发改局-工资性支出.xlsx"
HOSTILE = ('=HYPERLINK("http://evil.example","工资性支出")', "=cmd|' /C calc'!A0", "+SUM(1)", "@SUM(1)", "-2+3")


@pytest.mark.parametrize("text", HOSTILE)
def test_people_csv_makes_formulas_inert(text):
    out = fmt.people_csv(pd.DataFrame({"对象": [text, "-5", "工资"], "n": [1, 2, 3]}))
    assert out.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(out[1:])))
    assert rows[1][0] == "'" + text and rows[2][0] == "-5" and rows[3][0] == "工资"  # numbers stay numbers


def test_a_form_named_as_a_formula_is_audited_into_inert_outputs(tmp_path):
    wb = openpyxl.load_workbook(FORM)
    cell = wb.active["C3"]  # 项目名称
    cell.value, cell.data_type = HOSTILE[0], "s"
    wb.save(tmp_path / "inj.xlsx")
    result = CliRunner().invoke(app, ["audit", str(tmp_path / "inj.xlsx"), "--output-dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    seen = 0
    for name in ("findings.csv", "forms.csv", "by_unit.csv", "by_code.csv"):
        for row in csv.reader(io.StringIO((tmp_path / "out" / name).read_text(encoding="utf-8-sig"))):
            for value in row:
                assert not value.startswith(fmt.FORMULA_START) or value.lstrip("+-").replace(".", "").isdigit()
                seen += HOSTILE[0] in value
    assert seen >= 2  # the name is there, as text
    book = openpyxl.load_workbook(tmp_path / "out" / "findings.xlsx")
    cells = [
        c for ws in book for row in ws.iter_rows() for c in row if isinstance(c.value, str) and "HYPERLINK" in c.value
    ]
    assert cells and all(c.data_type == "s" for c in cells)  # a text cell, never a formula


def test_a_unit_named_in_console_markup_is_printed_as_written(tmp_path):
    wb = openpyxl.load_workbook(FORM)
    wb.active["H4"] = "[/]青神[bold red]发改局"  # 实施单位: console markup that closes nothing
    wb.save(tmp_path / "markup.xlsx")
    result = CliRunner().invoke(app, ["audit", str(tmp_path / "markup.xlsx"), "--output-dir", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output  # was: 内部错误 MarkupError after every form was scored
    assert "[/]青神[bold red]发改局" in result.output and "internal error" not in result.output
    assert (tmp_path / "out" / "findings.html").is_file()
