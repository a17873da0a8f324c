"""Paths: names from the data or the command line can never lead outside the output (or data) folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest

from evaltools.errors import UnsafePathError
from evaltools.params import job_params
from evaltools.paths import atomic_write, inside, safe_component, write_bytes
from evaltools.run.runner import output_dir

REFUSED = {
    "parent-relative": "../x",
    "parent": "..",
    "dot": ".",
    "absolute": "/abs",
    "nested": "a/b",
    "backslash": "a\\b",
    "nul": "a\x00b",
    "newline": "a\nb",
    "reserved CON": "CON",
    "reserved con (lower case)": "con",
    "reserved nul.txt": "nul.txt",
    "reserved COM1.tar.gz": "COM1.tar.gz",
    "reserved LPT9": "LPT9",
    "trailing dot": "unit.",
    "trailing space": "unit ",
    "leading space": " unit",
    "empty": "",
    "blank": "   ",
    "101 characters": "a" * 101,
    "colon": "C:x",
    "wildcard": "a*b",
}
ACCEPTED = ["桥西区", "unit-1_a", "2022", "石家庄市桥西区就业服务中心", "a" * 100, "v1.2", "conference", "nul_unit"]


@pytest.mark.parametrize("name", REFUSED.values(), ids=REFUSED.keys())
def test_safe_component_refuses(name):
    with pytest.raises(UnsafePathError, match="unsafe unit"):
        safe_component(name, "unit")


@pytest.mark.parametrize("name", ACCEPTED)
def test_safe_component_accepts(name):
    assert safe_component(name, "unit") == name


@pytest.mark.parametrize("name", REFUSED.values(), ids=REFUSED.keys())
def test_inside_refuses(tmp_path, name):
    with pytest.raises(UnsafePathError):
        inside(tmp_path, name)
    with pytest.raises(UnsafePathError):
        inside(tmp_path, "ok", name)


def test_inside_accepts_and_stays_inside(tmp_path):
    assert inside(tmp_path, "桥西区", "2022") == tmp_path.resolve() / "桥西区" / "2022"
    assert inside(tmp_path) == tmp_path.resolve()


def test_inside_refuses_a_symlink_leading_out(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    base = tmp_path / "base"
    base.mkdir()
    (base / "link").symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafePathError, match="outside"):
        inside(base, "link")
    with pytest.raises(UnsafePathError, match="outside"):
        inside(base, "link", "2022")


@pytest.mark.parametrize(
    "unit", ["../x", "..", "/abs", "a/b", "a\\b", "a\x00b", "CON", "nul.txt", "u.", "u ", "a" * 101]
)
def test_output_dir_refuses_unsafe_units(tmp_path, unit):
    params = job_params(dict(year=2022, unit=unit, output_dir=str(tmp_path / "out")))
    with pytest.raises(UnsafePathError):
        output_dir(params)
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("unit", ["桥西区", "unit-1_a", None])
def test_output_dir_accepts(tmp_path, unit):
    params = job_params(dict(year=2022, unit=unit, output_dir=str(tmp_path / "out")))
    expected = tmp_path.resolve() / "out" / (unit or "") / "2022"
    assert output_dir(params) == expected


def test_load_refuses_unsafe_unit(tmp_path):
    from evaltools.data.load import find_source, load_year

    (tmp_path / "data").mkdir()
    for unit in ("../data", "..", "CON", "a/b"):
        with pytest.raises(UnsafePathError):
            find_source(2022, tmp_path / "data", unit)
        with pytest.raises(UnsafePathError):
            load_year(2022, tmp_path / "data", unit)


# --------------------------------------------------------------------------- atomic_write


def test_atomic_write_replaces_whole_file(tmp_path):
    target = tmp_path / "a" / "f.bin"
    write_bytes(target, b"old")
    write_bytes(target, b"new contents")
    assert target.read_bytes() == b"new contents"
    assert sorted(p.name for p in target.parent.iterdir()) == ["f.bin"]


def test_atomic_write_error_keeps_previous_and_leaves_no_temporary(tmp_path):
    target = tmp_path / "f.txt"
    write_bytes(target, b"previous")
    with pytest.raises(RuntimeError, match="boom"):
        with atomic_write(target, "w") as handle:
            handle.write("half of the new")
            raise RuntimeError("boom")
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["f.txt"]


@pytest.mark.parametrize("umask, expected", [(0o022, 0o644), (0o027, 0o640)])
def test_written_files_get_the_mode_of_the_umask(tmp_path, umask, expected):
    """index.html, the template and synthetic data are readable by others as the user's umask allows
    (the temporary file of atomic_write is 0600 until it is given that mode)."""
    code = (
        "import os, sys; os.umask(int(sys.argv[1], 8)); from evaltools.cli import main; "
        "sys.argv = ['evaltools', *sys.argv[2:]]; main()"
    )
    for args in (
        ["template", "2023", "--output", str(tmp_path / "t.xlsx")],
        ["synthetic", str(tmp_path / "demo"), "--units", "1", "--years", "1"],
        ["index", str(tmp_path / "out")],
    ):
        done = subprocess.run(
            [sys.executable, "-c", code, oct(umask), *args], capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 0, done.stderr
    written = [tmp_path / "t.xlsx", tmp_path / "out" / "index.html", *(tmp_path / "demo").rglob("*.*")]
    assert len(written) > 5
    assert {oct(p.stat().st_mode & 0o777) for p in written} == {oct(expected)}


# --------------------------------------------------------------------------- command line


def _cli(args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "evaltools.cli", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def _tree(path):
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


@pytest.fixture()
def sandbox(tmp_path, root):
    """tmp/work (the working folder) with tmp/work/data/2022 and nothing else."""
    work = tmp_path / "work"
    shutil.copytree(root / "data" / "2022", work / "data" / "2022")
    return work


def test_cli_run_refuses_unit_escaping(sandbox):
    before_work, before_parent = _tree(sandbox), sorted(os.listdir(sandbox.parent))
    res = _cli(["run", "2022", "--unit", "../../etc", "--data-dir", "data"], sandbox)
    assert res.returncode == 2, res.stderr
    assert "unsafe unit '../../etc'" in res.stderr and "Traceback" not in res.stderr
    assert _tree(sandbox) == before_work  # no outputs/ folder, nothing at all
    assert sorted(os.listdir(sandbox.parent)) == before_parent  # nothing created next to it either


def test_cli_run_refuses_parent_unit_with_output_dir(sandbox):
    out = sandbox / "out" / "deep"
    before_parent = sorted(os.listdir(sandbox.parent))
    res = _cli(["run", "2022", "--unit", "..", "--data-dir", "data", "--output-dir", str(out)], sandbox)
    assert res.returncode == 2, res.stderr
    assert "unsafe unit '..'" in res.stderr and "parent folder" in res.stderr and "Traceback" not in res.stderr
    assert not (sandbox / "out").exists()
    assert not (sandbox / "2022").exists() and not (sandbox / "out" / "2022").exists()
    assert sorted(os.listdir(sandbox.parent)) == before_parent


@pytest.mark.parametrize("command", ["run", "check"])
def test_cli_refuses_reserved_unit_folder(sandbox, command):
    """A data folder named like a Windows device (data/CON/2022) exists fine on Linux but is refused."""
    shutil.move(str(sandbox / "data" / "2022"), str(sandbox / "data" / "CON" / "2022"))
    before = _tree(sandbox)
    res = _cli([command, "2022", "--unit", "CON", "--data-dir", "data"], sandbox)
    assert res.returncode == 2, res.stderr
    assert "unsafe unit 'CON'" in res.stderr and "reserved device name" in res.stderr
    assert "Traceback" not in res.stderr
    assert _tree(sandbox) == before


def test_without_local_paths(tmp_path):
    from evaltools.paths import PROJECT_ROOT, without_local_paths

    data, out = tmp_path / "data", tmp_path / "out"
    text = (
        f"- [error] {data}/u/2021/projects.csv, row 2; kept at {out}/u/2021/report.failed.ipynb; "
        f"{PROJECT_ROOT}/notebooks/self_evaluation.ipynb; /srv/private/x/2021.xlsx; 2.9/3 = 96.67%"
    )
    assert without_local_paths(text, data, out) == (
        "- [error] u/2021/projects.csv, row 2; kept at u/2021/report.failed.ipynb; "
        "notebooks/self_evaluation.ipynb; …/x/2021.xlsx; 2.9/3 = 96.67%"
    )
