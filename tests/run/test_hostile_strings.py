"""Every hostile string through every output (issue 22 item 2): spreadsheet formulas, console markup, control
characters, a newline that would forge a "✓" line, bidi overrides and zero-width characters, HTML and a very long
name — as unit name, project name, indicator text and file name — through the console of check, run, audit and
import, and the CSV, XLSX, HTML, JSON and index files they write. Each must come out neutralised: no formula a
spreadsheet runs, no markup read, no raw control or invisible character, no line a name starts itself."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from evaltools import fmt
from evaltools.cli import app
from evaltools.errors import INVISIBLE
from tests._paths import DATA, ROOT

FORM = ROOT / "examples" / "forms" / "县直" / "青神县发改局-工资性支出.xlsx"

#: The strings, each as it would be typed into a cell or a file name.
HOSTILE = (
    "=cmd|' /C calc'!A0",
    '=HYPERLINK("http://evil.example","点击")',
    "+1",
    "-1",
    "@SUM(1)",
    "[/]",
    "[bold]",
    "\x1b[31m",
    "\r",
    "\n✓ forged",
    "\u202e",
    "\u200b",
    "<script>alert(1)</script>",
    "很长" * 150,
)
#: What a file or folder name may hold (no "/", no NUL; the rest as above).
IN_FILE_NAME = "[bold]\x1b[31m\r\n✓ forged\u202e\u200b<script>"
FORMULAS = tuple(h for h in HOSTILE if h[0] in fmt.FORMULA_START)
RAW = ("\x1b", "\r", "\u202e", "\u200b")  # never in any output as such


def _hostile_year(tmp: Path) -> Path:
    """data/2022 with its three projects, its indicators' names and its unit named with the hostile strings."""
    data = tmp / "data"
    shutil.copytree(DATA / "2022", data / "2022")
    projects = ("失业就业服务", "档案保管和整理", "创业担保贴息")
    names = {p: f"{HOSTILE[i]}{p}" for i, p in enumerate(projects)}  # =cmd…, =HYPERLINK…, +1 at the start
    for csv_file in (data / "2022").glob("*.csv"):
        rows = list(csv.reader(io.StringIO(csv_file.read_text(encoding="utf-8-sig"))))
        for row in rows[1:]:
            row[:] = [names.get(v, v) for v in row]
        if csv_file.name == "indicators.csv":  # every hostile string, at the start or inside a name (and its parents')
            at, parent = rows[0].index("level3"), rows[0].index("parent")
            renamed = {}
            for i, name in enumerate(dict.fromkeys(row[at] for row in rows[1:])):
                h = HOSTILE[i % len(HOSTILE)]
                renamed[name] = f"{h}{name}" if h in FORMULAS or h.startswith("[") else f"{name}{h}指标"
            for row in rows[1:]:
                row[at], row[parent] = renamed[row[at]], renamed.get(row[parent], row[parent])
        out = io.StringIO()
        csv.writer(out).writerows(rows)
        csv_file.write_text(out.getvalue(), encoding="utf-8")
    profile = data / "2022" / "profile.yaml"
    text = profile.read_text(encoding="utf-8")
    unit = "[/]石家庄市桥西区\u202e就业\u200b服务中心\x1b[31m<script>"
    profile.write_text(text.replace("unit: 石家庄市桥西区就业服务中心", f"unit: {json.dumps(unit)}"), encoding="utf-8")
    return data


def _hostile_forms(tmp: Path) -> Path:
    """Two forms: one named with formulas and markup (project, 实施单位), one file named with control characters."""
    folder = tmp / "forms"
    folder.mkdir()
    wb = openpyxl.load_workbook(FORM)
    wb.active["C3"].value, wb.active["C3"].data_type = HOSTILE[1], "s"  # 项目名称
    wb.active["H4"] = "[/]青神\u202e[bold red]发改局\r\u200b"  # 实施单位 (no ESC: a workbook cannot hold it)
    wb.save(folder / "inj.xlsx")
    wb = openpyxl.load_workbook(FORM)
    wb.active["C3"].value, wb.active["C3"].data_type = HOSTILE[0], "s"
    wb.save(folder / f"{IN_FILE_NAME}.xlsx")
    return folder


def _console_is_neutral(output: str) -> None:
    for raw in RAW:
        assert raw not in output, (raw, output[-2000:])
    lines = output.split("\n")
    assert not [line for line in lines if line.lstrip().startswith("✓ forged")], output[-2000:]
    assert "internal error" not in output and "Traceback" not in output


def _cells(path: Path) -> list[str]:
    return [v for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))) for v in row]


def _csv_is_inert(path: Path) -> int:
    """Every cell of a CSV written for people: no formula start unless a plain number; returns the cells that
    hold a hostile formula (neutralised) so that the test knows they were there."""
    seen = 0
    for value in _cells(path):
        plain_number = value.lstrip("+-").replace(".", "", 1).replace(",", "").isdigit()
        assert not value.startswith(fmt.FORMULA_START) or plain_number, (path.name, value)
        seen += any(f in value for f in FORMULAS if len(f) > 2)
    return seen


def _xlsx_is_inert(path: Path) -> int:
    book = openpyxl.load_workbook(path)
    cells = [c for ws in book for row in ws.iter_rows() for c in row if c.value is not None]
    assert [c.coordinate for c in cells if c.data_type == "f"] == [], path.name
    return sum(isinstance(c.value, str) and any(f in c.value for f in FORMULAS if len(f) > 2) for c in cells)


def _html_is_neutral(path: Path) -> None:
    page = path.read_text(encoding="utf-8")
    for raw in RAW:
        assert raw not in page, (path.name, hex(ord(raw)))
    assert "<script>alert(1)" not in page, path.name


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> dict:
    """check, run (html, xlsx, json; the index), audit and import of the hostile data and forms, once."""
    tmp = tmp_path_factory.mktemp("hostile")
    data, forms = _hostile_year(tmp), _hostile_forms(tmp)
    out = tmp / f"out{IN_FILE_NAME}"  # the run's output folder is named with control characters too
    runner = CliRunner()
    results = {
        "check": runner.invoke(app, ["check", "2022", "--path", str(data / "2022")]),
        "run": runner.invoke(
            app, ["run", "2022", "--data-dir", str(data), "--output-dir", str(out), "--to", "html,xlsx,json"]
        ),
        "audit": runner.invoke(app, ["audit", str(forms), "--output-dir", str(tmp / "audit"), "--no-progress"]),
        "import": runner.invoke(app, ["import", str(forms), "--output-dir", str(tmp / "imported")]),
    }
    return dict(tmp=tmp, out=out, results=results)


@pytest.mark.parametrize("command", ["check", "run", "audit", "import"])
def test_console_shows_every_name_inert(hostile, command):
    result = hostile["results"][command]
    assert result.exit_code == 0, result.output
    _console_is_neutral(result.output)
    if command == "import":  # the file name shown on its ✓ line, its control characters written visibly
        assert "<U+000A>✓ forged<U+202E><U+200B>" in result.output
    if command == "run":
        assert "<U+000A>✓ forged" in result.output  # the output folder's name, on the ✓ line and the written list
    if command == "check":  # the unit's invisible characters are named (removed at load, with a warning)
        assert "<U+202E>" in result.output and "[/]" in result.output


def test_run_outputs_are_inert(hostile):
    report = hostile["out"] / "2022"
    written = sorted(p.name for p in report.iterdir())
    assert {"report.html", "summary.json"} <= set(written) and any(n.endswith(".xlsx") for n in written), written
    seen = sum(_xlsx_is_inert(p) for p in report.glob("*.xlsx"))
    seen += sum(_csv_is_inert(p) for p in report.glob("*.csv"))
    assert seen >= 3  # the three project names, each a formula as written, are in the workbook as text
    for page in (*report.glob("*.html"), hostile["out"] / "index.html"):
        _html_is_neutral(page)
    summary = json.loads((report / "summary.json").read_text(encoding="utf-8"))
    text = json.dumps(summary, ensure_ascii=False)
    assert "=cmd|' /C calc'!A0失业就业服务" in text  # data stays data in JSON (it is not a spreadsheet) …
    assert not INVISIBLE.search(text.replace("\n", "")), INVISIBLE.search(text)  # … without invisible characters
    index = (hostile["out"] / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;" in index or "script" not in index  # the unit's name escaped, never markup


def test_audit_and_import_outputs_are_inert(hostile):
    audit, imported = hostile["tmp"] / "audit", hostile["tmp"] / "imported"
    seen = sum(_csv_is_inert(p) for p in audit.glob("*.csv"))
    seen += sum(_xlsx_is_inert(p) for p in audit.glob("*.xlsx"))
    assert seen >= 4  # both forms' names in findings and forms, as text
    _html_is_neutral(audit / "findings.html")
    page = (audit / "findings.html").read_text(encoding="utf-8")
    assert "⟨U+202E⟩" in page  # the 实施单位's override shown where it stands, not applied
    listed = _csv_is_inert(imported / "forms.csv")  # the list of forms read, for people: formulas inert; the
    assert listed >= 1  # source file's path is the file's own (the console and the pages show it visibly)
    tables = [t for t in imported.rglob("*.csv") if t.parent != imported]
    assert len(tables) >= 4
    for table in tables:  # each form's CSV folder is data to read back, and people open it in Excel too: no raw
        for value in _cells(table):  # control or invisible character, no formula
            assert not any(raw in value for raw in RAW), (table, value)
    assert sum(_csv_is_inert(t) for t in tables) >= 1  # the form's hostile names are there, made inert
