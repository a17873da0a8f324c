"""No None, nan, flag or internal code in what a person reads of the real tables (issue 20 item 9: a 二级 finding
printed "None"): the findings (subject and message), every report section, and the bulk audit's findings.html,
findings.xlsx and console on the example forms."""

from __future__ import annotations

import re

import openpyxl
import pytest
from typer.testing import CliRunner

from evaltools import evaluate, load_rules
from evaltools.data.load import load_path
from evaltools.scoring.audit import CODES
from tests._paths import DATA, ROOT
from tests.report.rawcodes import MISSING, raw_in, raw_tokens, visible_text

#: The real tables in data/: (unit folder or None for data/<year>, year, their own rule set).
REAL = [
    (None, 2022, "qiaoxi2022"),
    ("天长市水利局", 2022, "mof"),
    ("西部（重庆）科学城融媒体中心", 2021, "mof"),
    ("四川省某省级部门（原文未署名）", 2017, "mof"),
]
SECTIONS = ("title_block", "contents", "basic", "work", "results", "conclusion", "problems", "team", "audit", "forms")


def _folder(unit: str | None, year: int):
    return DATA / str(year) if unit is None else DATA / unit / str(year)


@pytest.mark.parametrize(("unit", "year", "rules"), REAL)
def test_findings_hold_no_raw_code(unit, year, rules):
    ev = evaluate(load_path(_folder(unit, year)), load_rules(rules))
    tokens = raw_tokens()
    for f in ev.findings.itertuples():
        for text in (f.subject, f.message):
            assert isinstance(text, str) and not raw_in(text, tokens), (f.code, text)


@pytest.mark.slow
@pytest.mark.parametrize(("unit", "year", "rules"), REAL)
def test_report_sections_hold_no_raw_code(unit, year, rules):
    import evaltools.report as report

    ctx = report.prepare(year=year, data_dir=str(DATA), unit=unit, rules=rules)
    tokens = raw_tokens()
    for name in SECTIONS:
        text = visible_text(str(getattr(report, name)(ctx)))
        assert not raw_in(text, tokens), (name, sorted(set(raw_in(text, tokens))))


@pytest.mark.slow
def test_the_bulk_audit_of_the_example_forms_holds_no_raw_code(tmp_path):
    from evaltools.cli import app

    result = CliRunner().invoke(
        app, ["audit", str(ROOT / "examples" / "forms"), "--output-dir", str(tmp_path), "--no-progress"]
    )
    assert result.exit_code in (0, 2), result.output
    tokens = raw_tokens()
    console = result.output.split("已写出 / written:")[0]
    # the console's tables as findings.xlsx's: Chinese titles and severities; the 类别代码 column holds the codes
    assert "┃ 级别 ┃ 类别代码" in console and "│ 错误 │ WEIGHTS_NOT_100" in console
    cells = "\n".join(line for line in console.splitlines() if "│" in line or "┃" in line)
    assert not raw_in(cells, tokens - set(CODES) - {"FORM_UNREADABLE", "FUNDS_TOTAL_RECOMPUTED"}), cells
    assert not raw_in(console, MISSING), console  # the titles and the counts line are bilingual, never None
    page = visible_text((tmp_path / "findings.html").read_text(encoding="utf-8"))
    # the page names each finding's code beside its label, and its counts line is bilingual ("3 info")
    shown = tokens - set(CODES) - {"FORM_UNREADABLE", "FUNDS_TOTAL_RECOMPUTED"} - {"info"}
    assert not raw_in(page, shown), sorted(set(raw_in(page, shown)))
    _workbook_holds_no_raw_code(tmp_path / "findings.xlsx", tokens)


def _workbook_holds_no_raw_code(path, tokens: set[str]) -> None:
    """findings.xlsx: no None/nan anywhere; its 级别, 阶段, 表 and 字段 columns in words (字段 名 as the form prints it)."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets:
        rows = list(ws.iter_rows(values_only=True))
        worded = [j for j, title in enumerate(rows[0]) if title in ("级别", "阶段", "表", "字段")]
        for row in rows[1:]:
            for j, value in enumerate(row):
                if isinstance(value, str):
                    assert not raw_in(value, MISSING), (ws.title, value)
                    assert j not in worded or not raw_in(value, tokens), (ws.title, rows[0][j], value)


def _messages_hold_no_raw_code(findings, tokens: set[str]) -> None:
    """Each finding's message: never None/nan; its Chinese part (reading warnings are bilingual: the English half
    after " / " up to the next 「；」 is left out) without an internal code."""
    for f in findings.itertuples(index=False):
        text = str(f.message)
        assert not raw_in(text, MISSING), (f.code, text)
        chinese = re.sub(r" / [^；]*", "", text)
        assert not raw_in(chinese, tokens), (f.code, text)


@pytest.mark.slow
def test_the_audit_of_the_corpus_forms_holds_no_raw_code(tmp_path):
    """The 43 real forms of the corpus (tests/corpus/forms), written in their published formats and audited."""
    from evaltools.run.audit import run_audit, write_audit
    from tests.corpus.measure import load, write_forms

    (tmp_path / "forms").mkdir()
    write_forms(load(), tmp_path / "forms")
    result = run_audit([tmp_path / "forms"], "mof")
    assert len(result.findings) > 100
    tokens = raw_tokens() - set(CODES)
    _messages_hold_no_raw_code(result.findings, tokens)
    write_audit(result, tmp_path / "out")
    _workbook_holds_no_raw_code(tmp_path / "out" / "findings.xlsx", tokens)
