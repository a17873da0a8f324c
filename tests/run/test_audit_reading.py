"""evaltools audit: what the reader could not read is a finding at its cell, forms.csv says per form what was
read, what is unknown and why (a refused file with the reason), and the console prints the counts that
findings.html shows. The form: a standard 项目支出绩效自评表 (财预〔2020〕10号 附件, tests/formkit.py) whose
活动达标率 得分 is printed in words (八分), beside a damaged workbook and a Word 97-2003 file."""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pandas as pd
import pytest

from evaltools.run.audit import INLINE_FILES, _executor, run_audit
from tests.formkit import Ind, Spec, standard, write_xlsx

INDICATORS = [
    Ind("产出指标", "数量指标", "举办活动场次", "≥50场", "58场", 30, 30),
    Ind("产出指标", "质量指标", "活动达标率", "≥95%", "97%", 20, "八分"),
    Ind("效益指标", "社会效益指标", "参与群众人数", "≥5000人", "7000人", 20, 20),
    Ind("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "96%", 20, 18),
]


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("audit") / "forms"
    (root / "二组").mkdir(parents=True)
    spec = Spec(
        project="文化惠民演出",
        department="青山区文化和旅游局",
        implementer="青山区文化馆",
        indicators=INDICATORS,
        total_score=97.5,
        grade="优",
    )
    write_xlsx(root / "二组" / "演出.xlsx", [("表1", [standard(spec)])])
    (root / "坏.xlsx").write_bytes(b"not a zip archive")
    (root / "二组" / "旧表.doc").write_bytes(b"\xd0\xcf\x11\xe0")
    return root


@pytest.fixture(scope="module")
def audited(folder):
    return run_audit([folder], executor="serial")


def test_a_cell_read_as_unknown_is_a_finding_at_its_cell(audited):
    f = audited.findings
    [row] = f[(f["stage"] == "读取") & (f["code"] == "FORM_UNKNOWN")].to_dict("records")
    # the title takes rows 1-2, the table starts on row 3: 活动达标率 is its 12th row (14), 得分 its 7th column (G)
    assert (row["severity"], row["cell"], row["part"], Path(row["file"]).name) == (
        "warning",
        "表1!G14",
        "表1",
        "演出.xlsx",
    )
    assert (row["indicator"], row["field"], row["subject"]) == (
        "活动达标率",
        "indicator.panel_score",
        "文化惠民演出 / 活动达标率",
    )
    assert (row["unit"], row["year"], row["kind"], row["label"]) == (
        "青山区文化馆",
        2022,
        "project",
        "原表内容无法辨认，按未知读取",
    )
    assert "「得分」不是数字" in row["message"] and "原表：'八分'" in row["message"]
    # it counts in the console's table of codes, as a warning
    counts = audited.by_code().set_index("code")
    assert (counts.at["FORM_UNKNOWN", "severity"], counts.at["FORM_UNKNOWN", "count"]) == ("warning", 1)


def test_one_unreadable_cell_is_one_finding(audited):
    """活动达标率's 得分 八分 is read as unknown: the reading's FORM_UNKNOWN at 表1!G14 (what it holds, what was
    expected) is its one finding — the audit's UNKNOWN_FIGURE on the same row's 得分 is not listed again."""
    f = audited.findings[audited.findings["indicator"] == "活动达标率"]
    assert f["code"].tolist() == ["FORM_UNKNOWN"] and f["cell"].tolist() == ["表1!G14"]
    assert "UNKNOWN_FIGURE" not in set(audited.findings["code"])


def test_a_figure_printed_unreadable_keeps_its_audit_finding(tmp_path):
    """A 得分 printed ? (no reading warning: the form itself marks it unreadable) keeps the audit's UNKNOWN_FIGURE."""
    spec = Spec(
        project="文化惠民演出",
        implementer="青山区文化馆",
        indicators=[*INDICATORS[:1], replace(INDICATORS[1], score="?")],
    )
    write_xlsx(tmp_path / "演出.xlsx", [("表1", [standard(spec)])])
    f = run_audit([tmp_path], executor="serial").findings
    row = f[f["indicator"] == "活动达标率"]
    assert row["code"].tolist() == ["UNKNOWN_FIGURE"] and "评价得分原表无法辨认" in row["message"].iloc[0]


def test_forms_table_says_what_was_read_what_is_unknown_and_why(audited):
    forms = audited.forms.set_index(audited.forms["file"].map(lambda p: Path(p).name))
    read = forms.loc["演出.xlsx"]
    assert (read["status"], read["kind"], read["unit"], read["year"], read["project"]) == (
        "已读取",
        "project",
        "青山区文化馆",
        2022,
        "文化惠民演出",
    )
    assert (read["indicators"], read["funds"], read["unknown"], read["unknown_fields"]) == (
        4,
        "是",
        1,
        "「活动达标率」评价得分",
    )
    assert (read["warnings"], read["why"]) == (1, "原表内容无法辨认，按未知读取（FORM_UNKNOWN）")
    # printed 97.5; recomputed: 预算执行率 95/100 × 10 = 9.5, every indicator met its target (30+20+20+20 = 90)
    assert (read["score"], read["computed_score"], read["grade"]) == (97.5, 99.5, "优")
    assert read["findings"] == (audited.findings["file"] == read["file"]).sum() == 6
    broken, legacy = forms.loc["坏.xlsx"], forms.loc["旧表.doc"]
    assert (broken["status"], broken["indicators"], broken["funds"], broken["findings"]) == ("无法读取", 0, "否", 1)
    assert broken["reason"].startswith("无法打开文件 / cannot open the file: not an Office file (no zip archive")
    assert legacy["status"] == "无法读取" and legacy["why"] == "LEGACY_FORMAT"
    assert "另存为 “Word 文档 (*.docx)”" in legacy["reason"]


def test_messages_name_the_file_under_the_folder_never_an_absolute_path(audited, folder):
    f = audited.findings
    unreadable = f[f["code"] == "FORM_UNREADABLE"].set_index("subject")
    assert sorted(unreadable.index) == ["二组/旧表.doc", "坏.xlsx"]
    texts = [*f["message"], *f["subject"], *audited.forms["reason"].fillna("")]
    assert not [t for t in texts if str(folder.parent) in t or str(folder.resolve().parent) in t]


def test_console_prints_the_counts_that_findings_html_shows(folder, tmp_path, root):
    from bs4 import BeautifulSoup

    done = subprocess.run(
        [sys.executable, "-m", "evaltools.cli", "audit", str(folder), "--output-dir", str(tmp_path), "--no-progress"],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert done.returncode == 2, done.stderr  # two files cannot be read
    line = next(x for x in done.stdout.splitlines() if x.startswith("文件 "))
    page = BeautifulSoup((tmp_path / "findings.html").read_text(encoding="utf-8"), "html.parser")
    assert page.find("p", class_="summary").get_text() == line
    numbers = [int(n) for n in re.findall(r"\d+", line.split("/", 1)[0])]
    # 3 files: 1 form read, 2 refused; 8 findings: 2 errors (the refusals), 3 warnings, 3 info; 1 from reading
    # (the 八分 cell: its FORM_UNKNOWN, not also an UNKNOWN_FIGURE)
    assert numbers == [3, 1, 2, 8, 2, 3, 3, 1]
    rows = page.find("table", class_="findings").find_all("tr")[1:]
    shown = [sum(r["class"][0] == s for r in rows) for s in ("error", "warning", "info")]
    assert [len(rows), *shown] == numbers[3:7]
    forms = page.find("table", class_="forms").find_all("tr")[1:]
    assert [len(forms), sum("无法读取" in r.get_text() for r in forms)] == [3, 2]
    csv = pd.read_csv(tmp_path / "forms.csv", encoding="utf-8-sig")
    assert list(csv["status"]) == ["已读取", "无法读取", "无法读取"]
    by_code = dict(line.split("│")[2:5:2] for line in done.stdout.splitlines() if line.count("│") == 5)
    assert {k.strip(): v.strip() for k, v in by_code.items()}.get("FORM_UNKNOWN") == "1"


def test_few_files_are_audited_in_this_process():
    """Workers start only when there is work for them: INLINE_FILES files or fewer run here whatever --jobs."""
    assert _executor("process", 2, INLINE_FILES, None) == ("serial", 1)
    assert _executor("process", 2, INLINE_FILES + 1, None) == ("process", 2)
    assert _executor("process", 2, 4, 1) == ("process", 2)  # a chunk size given keeps the pool
    assert _executor("dask", 2, 4, None) == ("dask", 2)
