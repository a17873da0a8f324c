"""Untrusted Office files read within bounds (issue 22 item 1): merged ranges over a whole sheet, a cell at the
sheet's last address, zip bombs, encrypted and mislabelled files, XML entities, dictionary-encoded Parquet.

Each case runs the real command line in a child process whose peak memory is read from the kernel
(``os.wait4``): a form's import or audit stays under 500 MB whatever the file holds, and a refusal names
the limit and how to raise it, with nothing written.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from evaltools.data.archive import OLE_MAGIC, check_archive, clipped_workbook, sniff
from tests._paths import ROOT
from tests.data.hostile_builders import FORM, WORD_FORM, widen_merges, zip_pad

PEAK_LIMIT_MB = 500


#: Run in the child: at exit it writes its own peak resident memory (VmHWM, of its own address space) to the file
#: named by EVALTOOLS_TEST_PEAK. wait4's ru_maxrss is no measure of it: Linux carries the high-water mark of the
#: address space a child replaces at exec — the forking test process's, hundreds of MB late in a full suite.
_PEAK_AT_EXIT = (
    "import atexit, os; atexit.register(lambda: open(os.environ['EVALTOOLS_TEST_PEAK'], 'w').write("
    "next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:'))))"
)


def _cli(*args: str, cwd: Path, env: dict | None = None) -> tuple[int, str, float]:
    """(exit code, stdout+stderr, peak resident MB) of ``evaltools ARGS`` in a child process (its own peak)."""
    peak_file = cwd / ".peak-kb"
    environ = {**os.environ, "PYTHONPATH": str(ROOT), "EVALTOOLS_TEST_PEAK": str(peak_file), **(env or {})}
    code = (
        f"{_PEAK_AT_EXIT}; import sys; from evaltools.cli import main; sys.argv = ['evaltools', *sys.argv[1:]]; main()"
    )
    proc = subprocess.run([sys.executable, "-c", code, *args], cwd=cwd, env=environ, capture_output=True)
    out = (proc.stdout + proc.stderr).decode("utf-8", "replace")
    peak_kb = int(peak_file.read_text())
    peak_file.unlink()
    return proc.returncode, out, peak_kb / 1024


def _with_sheet(tmp_path: Path, name: str, fill) -> Path:
    """The example form with one more sheet, made by ``fill(ws)``."""
    wb = openpyxl.load_workbook(FORM)
    fill(wb.create_sheet("填表说明"))
    path = tmp_path / name
    wb.save(path)
    return widen_merges(path)


def _whole_sheet_merge(ws) -> None:
    ws["A1"] = "填表说明：本表由单位填写"
    ws.merge_cells("A1:B2")  # widened to the whole sheet in the file's XML (openpyxl would build every cell)


def _last_cell(ws) -> None:
    ws["A1"] = "说明"
    ws["XFD1048576"] = "末格"


@pytest.mark.parametrize("fill", [_whole_sheet_merge, _last_cell], ids=["merge-whole-sheet", "cell-at-XFD1048576"])
def test_form_with_a_huge_sheet_is_read_in_bounded_memory(tmp_path, fill):
    path = _with_sheet(tmp_path, "表.xlsx", fill)
    assert path.stat().st_size < 20_000  # a small file …
    code, out, peak = _cli("import", str(path), "--output-dir", str(tmp_path / "out"), cwd=tmp_path)
    assert code == 0, out
    assert "1 张自评表" in out and "2 项指标" in out  # … whose form is read as without the extra sheet
    assert peak < PEAK_LIMIT_MB, f"peak {peak:.0f} MB"


def test_data_workbook_with_a_whole_sheet_merge_is_clipped(tmp_path):
    path = _with_sheet(tmp_path, "表.xlsx", _whole_sheet_merge)
    clipped = clipped_workbook(path)
    assert clipped is not path
    ws = openpyxl.load_workbook(clipped)["填表说明"]
    # clipped to the cells the sheet's XML holds (A1 and the merge's own cells to B2), not a billion cells
    assert all(r.max_row <= 2 and r.max_col <= 2 for r in ws.merged_cells.ranges)
    assert ws["A1"].value == "填表说明：本表由单位填写"
    assert clipped_workbook(FORM) == FORM  # an ordinary workbook is opened as it is


def _padded(src: Path, dest: Path, member: str, size: int) -> Path:
    """``src`` with one more member of ``size`` bytes of one repeated byte (compresses about 1000:1)."""
    shutil.copy(src, dest)
    return zip_pad(dest, member, size / 1024**2)


@pytest.mark.parametrize("src", [FORM, WORD_FORM], ids=["xlsx", "docx"])
def test_zip_bomb_is_refused_before_parsing(tmp_path, src):
    bomb = _padded(src, tmp_path / f"bomb{src.suffix}", "docProps/pad.xml", 20 * 1024**2)
    assert bomb.stat().st_size < 400_000
    problem = check_archive(bomb)
    assert problem is not None and problem.code == "ARCHIVE_LIMIT"
    assert "docProps/pad.xml" in problem.found and "EVALTOOLS_MAX_RATIO" in problem.expected
    code, out, peak = _cli("import", str(bomb), "--output-dir", str(tmp_path / "out"), cwd=tmp_path)
    assert code == 2, out
    assert "解压后过大" in out and "EVALTOOLS_MAX_RATIO" in out and "Traceback" not in out
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").rglob("*.csv"))
    assert peak < PEAK_LIMIT_MB


def test_total_inflated_size_limit_names_its_variable(tmp_path, monkeypatch):
    monkeypatch.setenv("EVALTOOLS_MAX_INFLATED", "10K")
    problem = check_archive(FORM)
    assert problem.code == "ARCHIVE_LIMIT" and "EVALTOOLS_MAX_INFLATED=2G" in problem.expected
    monkeypatch.delenv("EVALTOOLS_MAX_INFLATED")
    assert check_archive(FORM) is None


def test_encrypted_and_mislabelled_files_are_named(tmp_path):
    forms = tmp_path / "forms"  # the output folder apart from the audited one (outputs never on inputs)
    forms.mkdir()
    encrypted = forms / "加密.xlsx"
    encrypted.write_bytes(OLE_MAGIC + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 600)
    legacy = forms / "旧表.xlsx"
    legacy.write_bytes(OLE_MAGIC + b"\0" * 2000)
    assert (sniff(encrypted), sniff(legacy), sniff(FORM)) == ("encrypted", "ole", "zip")
    code, out, _ = _cli("audit", str(forms), "--output-dir", str(tmp_path / "out"), cwd=tmp_path)
    assert "受密码保护" in out and "旧格式" in out and "not a zip file" not in out, out


def test_xml_entities_are_not_expanded(tmp_path):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w [<!ENTITY a "aaaaaaaaaa">'
        + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">' for i in range(8))
        + "]>"
    )
    path = tmp_path / "laughs.docx"
    with zipfile.ZipFile(WORD_FORM) as src, zipfile.ZipFile(path, "w") as out:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/document.xml":
                body = data.decode("utf-8").split("?>", 1)[-1]
                data = (laughs + body.replace("<w:t>", "<w:t>&i;", 1)).encode("utf-8")
            out.writestr(info, data)
    problem = check_archive(path, form=True)  # refused before any parser sees it, naming the part
    assert problem.code == "XML_ENTITIES" and "word/document.xml" in problem.found
    code, out, peak = _cli("import", str(path), "--output-dir", str(tmp_path / "out"), cwd=tmp_path)
    assert code == 2 and "Traceback" not in out and peak < PEAK_LIMIT_MB
    assert "XML 含有实体声明" in out and "a" * 1000 not in out
    assert not (tmp_path / "out").exists()
    assert check_archive(WORD_FORM, form=True) is None and check_archive(FORM, form=True) is None


def test_dictionary_encoded_parquet_is_judged_decoded(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    from evaltools.data.load.readers import parquet_decoded_size

    rows = 200_000
    text = pa.array(["某某区文化馆公共文化服务提升项目" * 4] * rows).dictionary_encode()
    pq.write_table(pa.table({"project": text}), tmp_path / "t.parquet", use_dictionary=True)
    parquet = pq.ParquetFile(tmp_path / "t.parquet")
    stored = sum(parquet.metadata.row_group(i).total_byte_size for i in range(parquet.metadata.num_row_groups))
    decoded = parquet_decoded_size(parquet)
    assert stored < 100_000  # a few KB as stored …
    assert decoded >= rows * len("某某区文化馆公共文化服务提升项目".encode()) * 4  # … its text as loaded


def test_data_workbook_with_a_whole_sheet_merge_checks_in_bounded_memory(tmp_path):
    from evaltools.data.load import load_path
    from evaltools.data.workbook import write_workbook
    from tests._paths import DATA

    path = tmp_path / "2022.xlsx"
    write_workbook(load_path(DATA / "2022", 2022), path)
    wb = openpyxl.load_workbook(path)
    _whole_sheet_merge(wb.create_sheet("说明"))
    wb.save(path)
    widen_merges(path)
    code, out, peak = _cli("check", "2022", "--path", str(path), cwd=tmp_path)
    assert code == 0, out
    assert peak < PEAK_LIMIT_MB, f"peak {peak:.0f} MB"
    assert not any(tmp_path.rglob("outputs"))


def test_macro_enabled_document_is_read_as_its_text(tmp_path):
    from evaltools.data.forms import form_files, read_file

    docm = tmp_path / "融媒体中心.docm"
    shutil.copy(WORD_FORM, docm)
    assert form_files([tmp_path]) == ([docm], [])  # a folder audit takes it
    forms, failures = read_file(docm)
    expected, _ = read_file(WORD_FORM)
    assert not failures and len(forms) == len(expected) == 1
    assert len(forms[0].data.indicators) == len(expected[0].data.indicators) > 0


def test_a_form_is_held_to_the_tighter_limit_and_pictures_do_not_count(tmp_path):
    import random

    big = _padded(FORM, tmp_path / "big.xlsx", "xl/worksheets/pad.xml", 60 * 1024**2)
    assert "EVALTOOLS_MAX_RATIO" in check_archive(big).expected  # a data workbook may be larger: its ratio stops it
    problem = check_archive(big, form=True)
    assert problem is not None and "EVALTOOLS_MAX_INFLATED" in problem.expected
    photo = tmp_path / "photo.xlsx"
    shutil.copy(FORM, photo)
    with zipfile.ZipFile(photo, "a") as archive:  # 60 MB of incompressible picture bytes: never parsed
        archive.writestr("xl/media/scan.png", random.Random(1).randbytes(60 * 1024**2))
    assert check_archive(photo, form=True) is None


def test_merged_ranges_are_read_however_written():
    from evaltools.data.archive import merged_ranges

    xml = (
        b"<mergeCells count='4'><mergeCell ref='B2:C3'/><x:mergeCell ref=\"$A$5:$D$5\"></x:mergeCell>"
        b'<mergeCell ref = "e7:f9" /><mergeCell ref="G1"/></mergeCells>'
    )
    assert merged_ranges(xml) == [(2, 2, 3, 3), (1, 5, 4, 5), (5, 7, 6, 9), (7, 1, 7, 1)]


def test_merges_are_clipped_to_a_budget_of_cells_in_all():
    from evaltools.data.archive import MERGE_AREA_LIMIT, _clip_merges, merged_ranges

    # three ranges of 99,999 cells (each under the limit, not together) and a cell at the last address
    ranges = b"".join(b"<mergeCell ref='%s3:%s100001'/>" % ((c.encode(),) * 2) for c in ("A", "B", "C"))
    xml = b'<sheetData><row r="1"><c r="A1"/></row><row r="1048576"><c r="XFD1048576"/></row></sheetData>'
    whole = xml + b'<mergeCells><mergeCell ref="A1:XFD1048576"/></mergeCells>'
    assert merged_ranges(_clip_merges(whole)) == [(1, 1, 16384, 6)]  # 6 rows of 16,384 columns fit 100,000
    clipped = merged_ranges(_clip_merges(xml + b"<mergeCells>" + ranges + b"</mergeCells>"))
    assert clipped == [(1, 3, 1, 100001)]  # the first whole; one cell left for the second: both others dropped
    assert sum((c2 - c1 + 1) * (r2 - r1 + 1) for c1, r1, c2, r2 in clipped) <= MERGE_AREA_LIMIT
