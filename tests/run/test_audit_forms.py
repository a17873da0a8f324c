"""evaltools audit over a bureau's year of forms: a generated folder of 200+ forms (xlsx and docx, both kinds,
four layouts, nested folders) with planted defects and broken files, audited in one command; the findings
table lists every planted defect at its form and every broken file with its reason."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from evaltools.data.forms import read_files
from evaltools.run.audit import evaluate_forms, run_audit
from evaltools.scoring.evaluation import evaluate
from evaltools.scoring.rules import load_rules
from tests.formkit import DEFECTS, READ_AS_UNKNOWN, READ_WITH_WARNING, bureau, make_form, write_docx, write_xlsx

SERIOUS = ("error", "warning")


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evaltools.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def audited(tmp_path_factory, root):
    folder = tmp_path_factory.mktemp("bureau")
    made = bureau(folder / "forms", n=200, seed=7)
    done = _cli("audit", str(folder / "forms"), "--output-dir", str(folder / "out"), "--jobs", "2", cwd=root)
    return folder, made, done


@pytest.mark.slow
def test_every_planted_defect_and_broken_file_is_listed(audited):
    folder, made, done = audited
    assert done.returncode == 2, done.stderr  # some forms could not be read
    assert "Traceback" not in done.stderr
    findings = pd.read_csv(folder / "out" / "findings.csv", encoding="utf-8-sig", keep_default_na=False)
    findings["rel"] = findings["file"].map(lambda f: Path(f).relative_to(folder / "forms").as_posix())
    read = findings[findings["code"] != "FORM_UNREADABLE"]
    serious = read[read["severity"].isin(SERIOUS)]
    found = set(zip(serious["rel"], serious["part"], serious["code"]))
    # a cell that cannot be read is the reading's warning at that cell (audit_rows: one finding per cell)
    codes = {**DEFECTS, **READ_WITH_WARNING, **{d: {*c, "FORM_UNKNOWN"} for d, c in READ_AS_UNKNOWN.items()}}
    planted = {(file, part, code) for file, part, defect in made.forms if defect for code in codes[defect]}
    assert len(made.forms) >= 200 and {d for *_, d in made.forms if d} == set(codes)
    assert planted - found == set(), "planted defects not found"
    # formkit prints a total above 100 on some clean forms (scores rounded up): the loader's warnings say so
    forms = pd.read_csv(folder / "out" / "forms.csv", encoding="utf-8-sig", keep_default_na=False)
    forms["rel"] = forms["file"].map(lambda f: Path(f).relative_to(folder / "forms").as_posix())
    over = forms[pd.to_numeric(forms["score"], errors="coerce") > 100]
    above = {(f, p, "ABOVE_FULL_MARKS") for f, p in zip(over["rel"], over["part"])}
    assert above <= found
    allowed = above | {(f, p, "INPUT_SCORE_ABOVE_WEIGHTS") for f, p, _ in above}
    assert found - planted - allowed == set(), "errors or warnings on forms without a planted defect"
    unreadable = findings[findings["code"] == "FORM_UNREADABLE"]
    for file, part, words in made.broken:
        rows = unreadable[(unreadable["rel"] == file) & ((unreadable["part"] == (part or "")) | (part is None))]
        assert len(rows) == 1 and words in rows["message"].iloc[0], (file, part, words)
    assert len(unreadable) == len(made.broken)
    forms = pd.read_csv(folder / "out" / "forms.csv", encoding="utf-8-sig")
    read = forms[forms["status"] == "已读取"]
    assert len(read) == len(made.forms) and set(read["kind"]) == {"project", "department"}
    assert (forms["status"] == "无法读取").sum() == len(made.broken)


@pytest.mark.slow
def test_counts_by_code_and_unit_add_up(audited):
    folder, made, done = audited
    findings = pd.read_csv(folder / "out" / "findings.csv", encoding="utf-8-sig")
    by_code = pd.read_csv(folder / "out" / "by_code.csv", encoding="utf-8-sig")
    by_unit = pd.read_csv(folder / "out" / "by_unit.csv", encoding="utf-8-sig")
    assert by_code["count"].sum() == len(findings)
    assert by_unit["forms"].sum() == len(made.forms) and len(by_unit) == 12
    assert by_unit[["error", "warning", "info"]].to_numpy().sum() == findings["unit"].notna().sum()
    assert "按类别 / by finding code" in done.stdout and "按单位 / by unit" in done.stdout
    for code in ("RATE_MISMATCH", "SCORE_DIFFERS", "FORM_UNREADABLE"):
        assert code in done.stdout


@pytest.mark.slow
def test_findings_page_is_self_contained_sorted_and_linked(audited, external_references):
    from bs4 import BeautifulSoup

    folder, made, _ = audited
    page = folder / "out" / "findings.html"
    html = page.read_text(encoding="utf-8")
    assert external_references(html) == [] and ">nan<" not in html
    rows = BeautifulSoup(html, "html.parser").find("table", class_="findings").find_all("tr")[1:]
    order = {"error": 0, "warning": 1, "info": 2}
    severities = [order[r["class"][0]] for r in rows]
    assert severities == sorted(severities) and len(rows) > len(made.broken)
    for row in rows:
        link = row.find("a")
        assert (page.parent / Path(link["href"].replace("%20", " "))).resolve().is_file() or "%" in link["href"]
        assert row.find("span", class_="cell").get_text().strip()
    workbook = pd.ExcelFile(folder / "out" / "findings.xlsx")
    assert workbook.sheet_names == ["核查发现", "按类别", "按单位", "自评表"]


def test_each_finding_points_to_its_cell(tmp_path):
    import random

    rng = random.Random(1)
    write_xlsx(tmp_path / "rate.xlsx", [("表1", [make_form(rng, "青山区文化馆", 1, "standard", "rate")])])
    write_docx(tmp_path / "over.docx", [make_form(rng, "青山区文化馆", 2, "standard", "overachieved")])
    write_xlsx(tmp_path / "sum.xlsx", [("表1", [make_form(rng, "青山区文化馆", 3, "sichuan", "sources")])])
    write_xlsx(tmp_path / "weight.xlsx", [("表1", [make_form(rng, "青山区文化馆", 4, "standard", "above_weight")])])
    write_xlsx(tmp_path / "exec.xlsx", [("表1", [make_form(rng, "青山区文化馆", 5, "standard", "execution_score")])])
    result = run_audit([tmp_path], executor="serial")
    found = {(Path(f.file).name, f.code): f for f in result.findings.itertuples()}
    cells = {key: f.cell for key, f in found.items()}
    assert cells[("rate.xlsx", "RATE_MISMATCH")] == "表1!G6"  # 执行率（B/A） of 年度资金总额
    assert cells[("over.docx", "OVERACHIEVED")].startswith("表格 1 第") and cells[
        ("over.docx", "OVERACHIEVED")
    ].endswith("第5列")
    assert cells[("sum.xlsx", "SUM_MISMATCH")] == "表1!E10"  # 调整后预算数 of 总额 (四川)
    # placed by the finding's columns: an indicator's 得分 cell, the funds row's 得分 cell, never by its text
    f = result.findings
    weight = f[(f["code"] == "SCORE_ABOVE_WEIGHT") & f["file"].str.endswith("weight.xlsx")]
    weight = weight[weight["indicator"].notna()].iloc[0]
    execution = found[("exec.xlsx", "EXECUTION_SCORE_DIFFERS")]
    assert (weight.field, execution.field, pd.isna(execution.indicator)) == (
        "indicator.panel_score",
        "funds.score",
        True,
    )
    assert weight.subject == f"{weight.project} / {weight.indicator}"
    assert weight.cell == "表1!G13"  # 得分 (column G) of the indicator's row, not its name
    assert execution.cell == "表1!H6"  # 得分 of 年度资金总额, beside 执行率 G6
    assert found[("rate.xlsx", "RATE_MISMATCH")].field == "funds.rate"


def test_one_pass_finds_what_one_evaluate_per_form_finds(tmp_path):
    """evaluate_forms (one scoring and audit pass over all forms, each a unit) gives each form — project or
    department, two of one unit — the findings, score and grade that evaluate() of that form alone gives."""
    import random

    rng = random.Random(3)
    laid = [
        make_form(rng, "绿水县民政局", i, "standard", d)
        for i, d in enumerate(["total", "weights", "below_target", None, "rate"])
    ]
    department = [make_form(rng, "绿水县民政局", 9, "chongqing", d) for d in ("total", None)]
    files = [write_docx(tmp_path / "five.docx", laid), write_xlsx(tmp_path / "dept.xlsx", [("表1", department)])]
    forms, failures = read_files(files)
    assert failures == [] and len(forms) == 7 and [f.kind for f in forms[5:]] == ["department"] * 2
    rules = load_rules("mof")
    together = evaluate_forms(forms, rules)
    for form, found in zip(forms, together):
        ev = evaluate(form.data, rules)
        alone = ev.findings
        assert (
            found[["code", "severity", "subject", "message"]].values.tolist()
            == alone[["code", "severity", "subject", "message"]].values.tolist()
        )
        total = found.attrs["total"]
        assert (total["score"], total["computed_score"], total["grade"]) == (
            ev.total.score,
            ev.total.computed_score,
            ev.total.grade,
        )
    assert {"SCORE_DIFFERS"} <= set(together[5]["code"]) and "SCORE_DIFFERS" not in set(together[6]["code"])


def test_audit_command_on_a_clean_folder(tmp_path, root):
    import random

    rng = random.Random(5)
    (tmp_path / "forms" / "a").mkdir(parents=True)
    write_xlsx(tmp_path / "forms" / "a" / "one.xlsx", [("表1", [make_form(rng, "青山区图书馆", 1, "standard", None)])])
    write_docx(tmp_path / "forms" / "two.docx", [make_form(rng, "青山区图书馆", 2, "chongqing", None)])
    done = _cli(
        "audit", str(tmp_path / "forms"), "--output-dir", str(tmp_path / "out"), "--executor", "serial", cwd=root
    )
    assert done.returncode == 0, done.stderr
    assert "读取自评表 2 张" in done.stdout and "file://" in done.stdout
    assert {p.name for p in (tmp_path / "out").iterdir()} >= {"findings.html", "findings.xlsx", "findings.csv"}


def test_audit_refuses_unknown_executor_and_rules(tmp_path, root):
    done = _cli("audit", str(tmp_path), "--executor", "threads", cwd=root)
    assert done.returncode == 2 and "unknown executor" in done.stderr
    done = _cli("audit", str(tmp_path), "--rules", "nosuch", cwd=root)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    done = _cli("audit", str(tmp_path), "--executor", "serial", cwd=root)  # an empty folder: a mistaken path
    assert done.returncode == 2 and "no form files" in done.stderr


@pytest.mark.slow
def test_dask_executor(tmp_path):
    import random

    rng = random.Random(9)
    for i in range(4):
        write_xlsx(
            tmp_path / f"{i}.xlsx",
            [("表1", [make_form(rng, "青山区水利局", i, "standard", "total" if i == 0 else None)])],
        )
    result = run_audit([tmp_path], jobs_n=2, executor="dask", chunk=1)
    assert len(result.forms) == 4 and (result.findings["code"] == "SCORE_DIFFERS").sum() == 1


def test_readme_shows_what_the_audit_of_the_examples_prints(root, tmp_path):
    readme = (root / "README.md").read_text(encoding="utf-8")
    done = _cli("audit", "examples/forms", "--output-dir", str(tmp_path), "--no-progress", cwd=root)
    assert done.returncode == 2
    summary = next(line for line in done.stdout.splitlines() if line.startswith("文件 "))
    refused = next(line for line in done.stderr.splitlines() if line.startswith("✗ "))
    assert summary in readme and refused in readme
    for line in done.stdout.splitlines():
        if line.startswith("│"):
            assert line in readme, line
