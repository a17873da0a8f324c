"""The spreadsheets as people open them (issue 24 item 6): findings.xlsx of the forms audit readable and printable
— a bold, wrapped, frozen header with a filter, text wrapped, rates as percentages (the fraction stored), years as
numbers, A4 landscape fitted to the width — and every CSV of the audit starting with the UTF-8 BOM that Excel on
Chinese Windows needs. The audited forms are examples/forms (融媒体中心 2021 部门整体, 青神县发改局 2023, 棠溪镇 2022,
and a legacy .doc that cannot be read)."""

from __future__ import annotations

import openpyxl
import pytest

from evaltools import fmt
from evaltools.report.audit_table import TITLES
from evaltools.run.audit import run_audit, write_audit
from tests._paths import ROOT

FORMS = ROOT / "examples" / "forms"


@pytest.fixture(scope="module")
def audited(tmp_path_factory):
    out = tmp_path_factory.mktemp("audit")
    result = run_audit([FORMS], "mof", executor="serial")
    return result, write_audit(result, out), openpyxl.load_workbook(out / "findings.xlsx")


def _column(ws, title: str) -> int:
    return next(c.column for c in ws[1] if c.value == title)


def _row(ws, column: int, value) -> int:
    return next(r for r in range(2, ws.max_row + 1) if ws.cell(r, column).value == value)


def test_every_sheet_has_a_bold_wrapped_frozen_filtered_header(audited):
    result, _, wb = audited
    assert wb.sheetnames == ["核查发现", "按类别", "按单位", "自评表"]
    for ws in wb.worksheets:
        header = ws[1]
        assert all(c.font.b and c.font.name == "宋体" and c.alignment.wrap_text for c in header), ws.title
        assert ws.freeze_panes == "A2" and ws.print_title_rows == "$1:$1"
        assert ws.auto_filter.ref == f"A1:{header[-1].column_letter}{ws.max_row}", ws.title
        assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4)
        assert ws.sheet_properties.pageSetUpPr.fitToPage
        assert (ws.page_setup.fitToWidth, ws.page_setup.fitToHeight) == (1, 0)
    findings = wb["核查发现"]
    assert findings.max_row == len(result.findings) + 1 == 14
    # Chinese titles for every column (the CSV keeps the column names), in the CSV's order
    assert [c.value for c in findings[1]] == [TITLES[c] for c in result.findings.columns]


def test_rates_are_percentages_and_years_numbers(audited):
    ws = audited[2]["核查发现"]
    code, stated, computed = (_column(ws, TITLES[k]) for k in ("code", "stated", "computed"))
    low = _row(ws, code, "EXECUTION_LOW")  # 融媒体中心 2021: 执行率 76% below the 90% alert
    assert (ws.cell(low, stated).value, ws.cell(low, computed).value) == (0.9, 0.76)
    assert ws.cell(low, stated).number_format == ws.cell(low, computed).number_format == fmt.EXCEL_RATE
    weights = _row(ws, code, "WEIGHTS_NOT_100")  # 分值合计 29 against 100: scores, not rates
    assert (ws.cell(weights, stated).value, ws.cell(weights, computed).value) == (100, 29)
    assert ws.cell(weights, computed).number_format == "#,##0"
    year = ws.cell(low, _column(ws, TITLES["year"]))
    assert year.value == 2021 and year.data_type == "n" and year.number_format == fmt.EXCEL_YEAR
    forms = audited[2]["自评表"]
    years = [forms.cell(r, _column(forms, TITLES["year"])).value for r in range(2, forms.max_row + 1)]
    assert sorted(y for y in years if y is not None) == [2021, 2022, 2023]


def test_text_wraps_and_columns_fit(audited):
    ws = audited[2]["核查发现"]
    message = _column(ws, TITLES["message"])
    letter = ws.cell(1, message).column_letter
    assert ws.column_dimensions[letter].width == 40  # the long text column, wrapped beyond it
    cells = [ws.cell(r, message) for r in range(2, ws.max_row + 1)]
    assert all(c.alignment.wrap_text and c.alignment.vertical == "top" for c in cells)
    long = next(c for c in cells if len(c.value) > 40)  # a wrapped message gets the height of its lines
    assert ws.row_dimensions[long.row].height >= 2 * 14.5
    level = ws.column_dimensions[ws.cell(1, _column(ws, TITLES["severity"])).column_letter].width
    assert 8 <= level <= 14
    # the finding code is folded away (类别 says it in words), there for a filter, not printed
    code = ws.column_dimensions[ws.cell(1, _column(ws, TITLES["code"])).column_letter]
    assert code.hidden and code.outlineLevel == 1


def test_every_csv_of_the_audit_starts_with_the_bom(audited):
    _, written, _ = audited
    csvs = [p for p in written if p.suffix == ".csv"]
    assert sorted(p.name for p in csvs) == ["by_code.csv", "by_unit.csv", "findings.csv", "forms.csv"]
    for path in csvs:
        assert path.read_bytes()[:3] == b"\xef\xbb\xbf", path.name
