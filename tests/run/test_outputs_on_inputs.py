"""Outputs never land on inputs (issue 22 item 3) and the run/CLI leftovers (item 5): an output folder equal to,
inside or above an input is refused before anything is written (run, audit, import — one rule,
evaltools.paths.refuse_output_on_inputs); an audit never reads a folder evaltools wrote; a re-import never
overwrites what a person changed; macro-enabled, encrypted and duplicate forms are named; --to naming a file, an
output folder that is a file or cannot be written, odd year folders and a named pipe in the output tree."""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from typer.testing import CliRunner

from evaltools.cli import app
from evaltools.errors import ParamsError
from evaltools.paths import OUTPUT_MARK, changed_since_written, overlap, refuse_output_on_inputs, writable_folder
from evaltools.report.index import collect
from evaltools.run.audit import find_files, run_audit
from evaltools.run.importer import import_to
from evaltools.run.plan import formats_option, plan_jobs

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "examples" / "forms"
WAGES = FORMS / "县直" / "青神县发改局-工资性支出.xlsx"  # 青神县发展和改革局 2023, 2 indicators
MEDIA = FORMS / "县直" / "融媒体中心-部门整体.docx"  # 西部（重庆）科学城融媒体中心, a department's form
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")


def cli(*argv: str):
    result = CliRunner().invoke(app, [str(a) for a in argv])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output and "internal error" not in result.output, result.output
    return result


def listing(folder: Path) -> list[str]:
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def data(tmp_path) -> Path:
    folder = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "2022", folder / "2022")
    return folder


@pytest.fixture
def forms(tmp_path) -> Path:
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copy(WAGES, folder)
    shutil.copy(MEDIA, folder)
    return folder


# ----------------------------------------------------------------------------- the one rule


def test_overlap_says_how_two_folders_lie(tmp_path):
    assert overlap(tmp_path / "d", tmp_path / "d") == "equal"
    assert overlap(tmp_path / "d" / "o", tmp_path / "d") == "inside"
    assert overlap(tmp_path, tmp_path / "d") == "above"
    assert overlap(tmp_path / "d-outputs", tmp_path / "d") is None  # a prefix of the name is not a parent
    assert overlap(tmp_path / "d" / ".." / "e", tmp_path / "d") is None


def test_a_link_to_the_data_folder_is_the_data_folder(tmp_path, data):
    (tmp_path / "alias").symlink_to(data)
    with pytest.raises(ParamsError, match="输出目录就是数据目录"):
        refuse_output_on_inputs(tmp_path / "alias", {data: ("数据目录", "the data folder")})


@pytest.mark.parametrize(
    ("out", "said"),
    [
        ("data", "就是数据目录"),
        ("data/2022", "位于数据目录之内"),
        ("data/new/out", "位于数据目录之内"),
        (".", "包含了数据目录"),
    ],
)
def test_run_refuses_an_output_folder_on_the_data(tmp_path, data, out, said, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = listing(tmp_path)
    result = cli("run", "2022", "--data-dir", data, "--output-dir", out, "--to", "json")
    assert result.exit_code == 2
    assert said in result.output and str(data) in result.output and "--output-dir" in result.output
    assert listing(tmp_path) == before  # nothing written, not even an empty folder


def test_plan_refuses_before_any_job_and_names_both_folders(data):
    with pytest.raises(ParamsError) as caught:
        plan_jobs({"data_dir": str(data), "output_dir": str(data / "2022" / "out")}, years=[2022])
    text = str(caught.value)
    assert f"{data / '2022' / 'out'} is inside the data folder {data}" in text
    assert f"--output-dir {data.parent / 'data-outputs'}" in text


def test_audit_refuses_an_output_folder_in_the_audited_tree(tmp_path, forms):
    for out, said in (
        (forms / "out", "位于核查的文件夹之内"),
        (forms, "就是核查的文件夹"),
        (tmp_path, "包含了核查的文件夹"),
    ):
        before = listing(tmp_path)
        result = cli("audit", forms, "--output-dir", out, "--no-progress")
        assert result.exit_code == 2, result.output
        assert said in result.output and str(forms) in result.output
        assert listing(tmp_path) == before


def test_audit_of_a_file_refuses_its_own_folder(forms):
    result = cli("audit", forms / WAGES.name, "--output-dir", forms, "--no-progress")
    assert result.exit_code == 2 and "就是核查的文件夹" in result.output
    assert sorted(p.name for p in forms.iterdir()) == sorted([WAGES.name, MEDIA.name])
    # only that file is read there: a folder beside it is apart from it (and marked, so a folder audit skips it)
    beside = cli("audit", forms / WAGES.name, "--output-dir", forms / "out", "--no-progress")
    assert beside.exit_code == 0, beside.output
    assert find_files([forms]).skipped == (str(forms / "out"),)


def test_import_refuses_to_write_into_the_folder_of_its_forms(tmp_path, forms):
    for out in (forms, forms / "csv", tmp_path):
        before = listing(tmp_path)
        result = cli("import", forms, "--output-dir", out)
        assert result.exit_code == 2 and "自评表所在的文件夹" in result.output, result.output
        assert listing(tmp_path) == before


# ----------------------------------------------------------------------------- an audit never reads its outputs


def test_a_second_audit_skips_the_first_ones_outputs(tmp_path, forms):
    first = cli("audit", forms, "--output-dir", tmp_path / "a1", "--no-progress")
    assert first.exit_code == 0, first.output
    assert json.loads((tmp_path / "a1" / OUTPUT_MARK).read_text())["evaltools"] == "audit"
    shutil.move(tmp_path / "a1", forms / "a1")  # the first audit's folder now inside the tree audited
    found = find_files([forms])
    assert [f.name for f in found.files] == sorted([WAGES.name, MEDIA.name])
    assert found.skipped == (str(forms / "a1"),)
    second = cli("audit", forms, "--output-dir", tmp_path / "a2", "--no-progress")
    assert second.exit_code == 0, second.output  # findings.xlsx was a form: it would be unreadable, exit 2
    assert "已跳过 evaltools 写出的目录" in second.output and "a1" in second.output
    assert "读取自评表 2 张，无法读取 0 个" in second.output
    forms_csv = pd.read_csv(tmp_path / "a2" / "forms.csv", encoding="utf-8-sig")
    assert not forms_csv["file"].str.contains("a1").any()


def test_an_import_folder_in_the_tree_is_not_audited(tmp_path, forms):
    import_to([forms], tmp_path / "csv")
    shutil.move(tmp_path / "csv", forms / "csv")
    (forms / "csv" / "copy.xlsx").write_bytes(b"not read")  # a file in an output folder is never a form
    assert find_files([forms]).skipped == (str(forms / "csv"),)


# ----------------------------------------------------------------------------- re-import


def test_reimport_refuses_files_a_person_changed(tmp_path, forms):
    out = tmp_path / "csv"
    first = import_to([forms], out)
    assert len(first.folders) == 2
    assert changed_since_written(out) == []
    again = import_to([forms], out)  # unchanged: rewritten
    assert [f.name for _, f in again.folders] == [f.name for _, f in first.folders]
    projects = out / "青神县发改局-工资性支出" / "projects.csv"
    projects.write_text(projects.read_text(encoding="utf-8-sig").replace("工资性支出", "工资性支出（已核对）", 1))
    corrected = projects.read_bytes()
    (out / "融媒体中心-部门整体" / "indicators.csv").unlink()
    result = cli("import", forms, "--output-dir", out)
    assert result.exit_code == 2
    assert "青神县发改局-工资性支出/projects.csv（已改动 / changed）" in result.output
    assert "融媒体中心-部门整体/indicators.csv（已删除或不是文件 / removed）" in result.output
    assert "--force" in result.output
    assert projects.read_bytes() == corrected
    forced = cli("import", forms, "--output-dir", out, "--force")
    assert forced.exit_code == 0, forced.output
    assert projects.read_bytes() != corrected and changed_since_written(out) == []


def test_import_never_overwrites_a_folder_it_did_not_write(tmp_path, forms):
    out = tmp_path / "csv"
    (out / "融媒体中心-部门整体").mkdir(parents=True)
    (out / "融媒体中心-部门整体" / "profile.yaml").write_text("unit: 手写\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="not written by evaltools import"):
        import_to([forms], out)
    assert listing(out) == ["融媒体中心-部门整体", "融媒体中心-部门整体/profile.yaml"]


# ----------------------------------------------------------------------------- macro-enabled, encrypted, duplicates


def test_macro_enabled_and_encrypted_forms_are_listed_with_their_reason(tmp_path):
    folder = tmp_path / "forms"
    folder.mkdir()
    shutil.copy(WAGES, folder / "工资.xlsm")
    shutil.copy(MEDIA, folder / "融媒体.docm")
    (folder / "加密.xlsx").write_bytes(OLE_MAGIC + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600)
    result = run_audit([folder], executor="serial")
    read = result.read.set_index("unit")["file"].map(lambda f: Path(f).name)
    assert read.to_dict() == {"青神县发展和改革局": "工资.xlsm", "西部（重庆）科学城融媒体中心": "融媒体.docm"}
    refused = result.unreadable
    assert [Path(f).name for f in refused["file"]] == ["加密.xlsx"]
    assert "password-protected" in refused["message"].iloc[0]


def test_the_same_form_twice_is_flagged_and_counted_once(tmp_path, forms):
    (forms / "again").mkdir()
    shutil.copy(WAGES, forms / "again" / "工资-副本.xlsx")
    result = run_audit([forms], executor="serial")
    assert result.files == 2 and len(result.read) == 2  # counted once
    dup = result.duplicates
    assert len(dup) == 1 and dup["severity"].iloc[0] == "warning"
    assert Path(dup["file"].iloc[0]).name == WAGES.name  # the later copy in path order is the one not read
    assert "与 again/工资-副本.xlsx 内容完全相同" in dup["message"].iloc[0]
    out = cli("audit", forms, "--output-dir", tmp_path / "a", "--no-progress")
    assert "identical to again/工资-副本.xlsx" in out.output and "读取自评表 2 张" in out.output
    findings = pd.read_csv(tmp_path / "a" / "findings.csv", encoding="utf-8-sig")
    assert (findings["code"] == "FORM_DUPLICATE").sum() == 1


# ----------------------------------------------------------------------------- leftovers


@pytest.mark.parametrize("to", ["report.html", "out/", "html,summary.json"])
def test_to_naming_a_file_is_refused(to):
    with pytest.raises(ParamsError, match="--to takes formats, not a file or folder"):
        formats_option(to)
    assert formats_option("html, pdf") == "html,pdf,json"


def test_to_naming_an_existing_path_through_the_cli(tmp_path, data, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "html2").write_text("")
    result = cli("run", "2022", "--data-dir", data, "--to", "html2", "--output-dir", tmp_path / "o")
    assert result.exit_code == 2 and "not a file or folder: html2" in result.output
    assert not (tmp_path / "o").exists()


def _writing(command: str, data: Path, forms: Path) -> list:
    """The command line of ``command`` (run, audit or import) on the test's data or forms, less --output-dir."""
    return {
        "run": ["run", "2022", "--data-dir", data, "--to", "json"],
        "audit": ["audit", forms, "--no-progress"],
        "import": ["import", forms],
    }[command]


@pytest.mark.parametrize("command", ["run", "audit", "import"])
def test_an_output_dir_that_is_a_file(tmp_path, data, forms, command):
    target = tmp_path / "afile"
    target.write_text("x")
    argv = _writing(command, data, forms)
    result = cli(*argv, "--output-dir", target)
    assert result.exit_code == 2 and "it is a file, not a folder" in result.output
    assert target.read_text() == "x"


def _unwritable(tmp_path: Path) -> Path:
    """A folder this process cannot write to: a read-only folder, or as root (whom modes do not stop) /sys."""
    if os.geteuid() == 0:
        if not Path("/sys").is_dir():
            pytest.skip("root, and no /sys to stand for a read-only file system")
        return Path("/sys") / "evaltools-test-out"
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    return locked / "out"


@pytest.mark.parametrize("command", ["run", "audit", "import"])
def test_a_read_only_output_folder_is_named(tmp_path, data, forms, command):
    out = _unwritable(tmp_path)
    argv = _writing(command, data, forms)
    result = cli(*argv, "--output-dir", out)
    assert result.exit_code == 2, result.output
    assert f"cannot write to 输出目录 / the output folder {out}" in result.output
    assert "已写出" not in result.output and not out.exists()


def test_writable_folder_leaves_nothing_behind(tmp_path):
    assert writable_folder(tmp_path / "a" / "b", "输出目录") == tmp_path / "a" / "b"
    assert list(tmp_path.iterdir()) == []


def test_index_takes_only_ascii_year_folders(tmp_path):
    for name in ("2022", "²", "２０２１", "u/2020", "u/20²1"):
        (tmp_path / name).mkdir(parents=True)
        (tmp_path / name / "summary.json").write_text('{"unit": "甲", "overall": {"score": 87, "grade": "良好"}}')
    assert set(collect(tmp_path)) == {(None, 2022), ("u", 2020)}
    result = cli("index", tmp_path)
    assert result.exit_code == 0, result.output


def test_a_named_pipe_as_summary_json_does_not_hang(tmp_path):
    (tmp_path / "2022").mkdir()
    os.mkfifo(tmp_path / "2022" / "summary.json")
    done: dict = {}
    worker = threading.Thread(target=lambda: done.update(entries=collect(tmp_path)), daemon=True)
    worker.start()
    worker.join(20)
    assert not worker.is_alive(), "reading the index hung on a named pipe"
    assert "not a regular file, skipped: it is a named pipe (FIFO)" in done["entries"][(None, 2022)].problem
    result = cli("index", tmp_path)
    assert result.exit_code == 0 and "named pipe" in (tmp_path / "index.html").read_text()
    assert "⚠ 索引已跳过 / the index skipped 2022/summary.json: it is a named pipe (FIFO), not a file" in result.output


def test_nothing_to_run_names_a_full_width_year_folder(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data" / "2022", data / "甲单位" / "２０２２")
    with pytest.raises(ParamsError) as caught:
        plan_jobs({"data_dir": str(data)}, every=True)
    text = str(caught.value)
    assert "nothing to run" in text
    assert "甲单位/２０２２/ 像年度但不是半角数字 / looks like the year 2022" in text and "rename it to 2022" in text
    result = cli("run", "--all", "--data-dir", data, "--output-dir", tmp_path / "o")
    assert result.exit_code == 2 and "rename it to 2022" in result.output


def test_a_tree_holding_only_outputs_has_no_forms_and_says_why(tmp_path, forms):
    assert cli("audit", forms, "--output-dir", tmp_path / "tree" / "a1", "--no-progress").exit_code == 0
    result = cli("audit", tmp_path / "tree", "--output-dir", tmp_path / "a2", "--no-progress")
    assert result.exit_code == 2
    assert (
        "no form files" in result.output
        and f"folders evaltools wrote, skipped: {tmp_path / 'tree' / 'a1'}" in result.output
    )
    assert not (tmp_path / "a2").exists()


def test_reports_folder_is_marked_and_an_audit_of_a_tree_holding_it_skips_its_workbooks(tmp_path, forms):
    """`run` writes its index at the root of its output folder, and marks the folder there: a report's
    自评表.xlsx (a filled-in form evaltools made) is never audited as one of the unit's forms."""
    from evaltools.report.index import write_index

    outputs = forms / "outputs"
    (outputs / "2022").mkdir(parents=True)
    report_book = outputs / "2022" / "自评表.xlsx"  # stands for a report's workbook: a form, other bytes than WAGES
    book = openpyxl.load_workbook(WAGES)
    book.active["A1"] = "报告附表"
    book.save(report_book)
    write_index(outputs)
    assert (outputs / OUTPUT_MARK).is_file()
    found = find_files([forms])
    assert sorted(p.name for p in found.files) == sorted([WAGES.name, MEDIA.name])
    assert [Path(s) for s in found.skipped] == [outputs]


def test_template_keeps_an_existing_workbook_unless_forced(tmp_path):
    target = tmp_path / "template-2023.xlsx"
    assert cli("template", "2023", "--output", target).exit_code == 0
    book = openpyxl.load_workbook(target)
    book["单位概况"]["B3"] = "已填写的单位"  # a person fills it in
    book.save(target)
    filled = target.read_bytes()
    refused = cli("template", "2023", "--output", target)
    assert refused.exit_code == 2 and "已存在" in refused.output and target.read_bytes() == filled
    assert cli("template", "2023", "--output", target, "--force").exit_code == 0
    assert target.read_bytes() != filled
