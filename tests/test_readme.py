"""The README as a newcomer reads it: its make targets exist, its evaltools commands and options exist,
its Python lines run and give what their comments say, its error examples are what `check` prints on
the files in examples/errors/. (Every command was also run by hand on a fresh clone; see issue 12.)"""

from __future__ import annotations

import re
import shlex
import subprocess
import sys

import pytest


@pytest.fixture(scope="module")
def readme(root) -> str:
    return (root / "README.md").read_text(encoding="utf-8")


def _blocks(text: str, lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", text, re.S)


def _commands(text: str) -> list[list[str]]:
    """Every `evaltools …` command of the README: code spans and lines of bash blocks, comments cut."""
    spans = re.findall(r"`(evaltools [^`]+)`", text)
    lines = [line.split("#")[0].strip() for block in _blocks(text, "bash") for line in block.splitlines()]
    return [shlex.split(c) for c in spans + [x for x in lines if x.startswith("evaltools ")]]


def test_make_targets_exist(root, readme):
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    targets = set(re.findall(r"^([a-zA-Z_-]+):", makefile, re.M))
    used = set(re.findall(r"`make ([a-z-]+)", readme) + re.findall(r"^make ([a-z-]+)", readme, re.M))
    assert used and used <= targets, sorted(used - targets)
    assert {"report", "test", "lab", "demo"} <= used


def test_evaltools_commands_and_options_exist(readme):
    import typer.main

    from evaltools.cli import app

    group = typer.main.get_command(app)
    commands = _commands(readme)
    assert len(commands) >= 15
    for argv in commands:
        options = {o for p in group.params for o in p.opts}
        rest = argv[1:]
        while rest and rest[0].startswith("--"):  # options of evaltools itself (--version, --debug)
            assert rest.pop(0) in options, argv
        if not rest:
            continue
        command = group.commands.get(rest[0])
        assert command is not None, f"no command {rest[0]!r}: {argv}"
        known = {o for p in command.params for o in (*p.opts, *p.secondary_opts)}
        for word in rest[1:]:
            if word.startswith("--"):
                assert word.split("=")[0] in known, f"{' '.join(argv)}: no option {word}"


def test_python_lines_give_what_their_comments_say(root, readme, monkeypatch):
    block = next(b for b in _blocks(readme, "python") if "import evaltools as et" in b)
    monkeypatch.chdir(root / "notebooks")  # as in JupyterLab: the notebooks folder
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    assert (scope["ev"].total.score, scope["ev"].grade) == (87.0, "良好")
    assert "# (87.0, '良好')" in block
    assert (scope["ev"].grade, scope["ev2"].grade) == ("良好", "良") and "(良好 → 良)" in block


@pytest.mark.parametrize("example", ["broken", "gbk"])
def test_error_examples_are_what_check_prints(root, readme, example):
    command = f"evaltools check 2022 --path examples/errors/{example}"
    assert f"`{command}`" in readme
    done = subprocess.run(
        [sys.executable, "-m", "evaltools.cli", *command.split()[1:]], cwd=root, capture_output=True, text=True
    )
    assert done.returncode == 2
    error = next(line for line in done.stderr.splitlines() if line.startswith("[error]"))
    assert error in _blocks(readme, "text")[0].splitlines()


def test_demo_data_is_ignored_by_git(root, readme):
    assert "data-demo/" in (root / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "evaltools synthetic data-demo --units 3 --years 4" in readme


def test_the_many_units_example_runs_as_written(readme, tmp_path, monkeypatch):
    """The README's bureau block, as a newcomer pastes it: it makes its own demo (合成数据) and names one of
    the demo's units (issue 24 item 3: `ev.unit("某某区文化馆")` on the README's own demo raised KeyError)."""
    block = next(b for b in _blocks(readme, "python") if "data-bureau" in b)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    ev, one = scope["ev"], scope["one"]
    assert len(ev.totals) == 1000 and one.unit == "合成数据单位00000"
    row = ev.totals.set_index("org").loc["合成数据单位00000"]
    assert one.total.score == pytest.approx(row["score"]) and one.grade == row["grade"]


def test_the_job_parameters_example_runs_as_written(readme, tmp_path, monkeypatch):
    """The README's JobParams block on a one-unit, one-year demo under data-demo/ (the block as written;
    only the demo is smaller than `make demo`'s, so that the batch is one report)."""
    from evaltools.run.synthetic import generate

    block = next(b for b in _blocks(readme, "python") if "et.job_params(" in b)
    monkeypatch.chdir(tmp_path)
    generate(tmp_path / "data-demo", units=1, years=1, start_year=2022)
    scope: dict = {}
    exec(compile(block, "README.md", "exec"), scope)
    assert scope["job"].rules == "qiaoxi2022" and scope["job"].year == 2022
    [result] = scope["results"]
    assert result.ok, result.error
    assert (tmp_path / "outputs" / result.unit / "2022" / "summary.json").is_file()
