"""The single report's critical path (issue 23 item 2): its kernel started before the command line imports typer
(evaltools.cli.early), and the kernel importing only what a report handed its evaluation needs (no loaders, no
form readers, no pandera: they were a third of its start-up)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys
import textwrap

import pytest

from evaltools.cli import early

from .._paths import DATA, ROOT


@pytest.mark.parametrize(
    "args",
    [
        ["run", "2022"],
        ["run"],
        ["--debug", "run", "2022", "--to", "html,pdf", "--data-dir", "data"],
        ["run", "2022", "--to=html", "--unit", "单位甲", "--no-index", "--output-dir", "out"],
        ["run", "--title", "2021", "2022"],  # 2021 is the title's value: one year
    ],
)
def test_one_report_starts_its_kernel_early(args):
    assert early.single_run(args)


@pytest.mark.parametrize(
    "args",
    [
        [],
        ["check", "2022"],
        ["run", "2021", "2022"],
        ["run", "--all"],
        ["run", "2022", "--units", "A,B"],
        ["run", "2022", "--jobs", "2"],
        ["run", "2022", "-j2"],
        ["run", "2022", "--executor=dask"],
        ["run", "2022", "--scheduler", "tcp://h:8786"],
        ["run", "2022", "--notebook", "x.ipynb"],
        ["run", "--help"],
        ["evaluate", "run"],
    ],
)
def test_anything_else_leaves_the_kernel_to_the_run_command(args):
    assert not early.single_run(args)


def test_only_the_evaltools_command_starts_a_kernel(monkeypatch):
    started = []
    monkeypatch.setattr("evaltools.run.kernel.prestart", lambda: started.append(1))
    assert not early.start_kernel_early(["/usr/bin/pytest", "run", "2022"])  # importing the CLI elsewhere: nothing
    assert not early.start_kernel_early(["/venv/bin/evaltools", "run", "--all"])
    assert started == []
    assert early.start_kernel_early(["/venv/bin/evaltools", "run", "2022"])
    assert early.start_kernel_early(["-m", "run", "2022", "--to", "html"])  # python -m evaltools.cli
    assert started == [1, 1]


KERNEL = textwrap.dedent(
    """
    import pickle, sys
    import evaltools.report.sections, evaltools.report.chart_html
    ev = pickle.load(open(sys.argv[1], "rb"))
    assert ev.total.score == float(sys.argv[2]), ev.total.score
    heavy = ("pandera", "openpyxl", "docx", "evaltools.data.load", "evaltools.data.forms")
    print(" ".join(m for m in heavy if m in sys.modules) or "none")
    """
)


def test_the_kernel_imports_no_loader_for_a_handed_over_evaluation(tmp_path):
    from evaltools.data.load import load_year
    from evaltools.scoring.evaluation import evaluate
    from evaltools.scoring.rules import load_rules

    data = load_year(2022, DATA)
    ev = evaluate(data, load_rules(data.profile.rules))
    path = tmp_path / "evaluation.pickle"
    path.write_bytes(pickle.dumps(ev, protocol=pickle.HIGHEST_PROTOCOL))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run(
        [sys.executable, "-c", KERNEL, str(path), repr(ev.total.score)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["none"]


@pytest.mark.parametrize(
    ("args", "pdf"),
    [
        (["run", "2022"], True),  # the default formats have pdf
        (["run", "2022", "--to", "html,pdf"], True),
        (["run", "2022", "--to=pdf"], True),
        (["run", "2022", "--to", "html"], False),
        (["run", "2022", "--params", "p.yaml"], False),  # its formats are the file's
    ],
)
def test_the_pdf_process_starts_early_only_for_a_pdf(args, pdf):
    assert early.wants_pdf(args) is pdf


def test_printing_takes_the_printer_started_early():
    from evaltools.report import exporters

    exporters.start_printer_early()
    started = exporters._EARLY[0]
    try:
        with exporters.printing(["html"]) as printed:  # no PDF asked for: the early printer is left alone
            assert not printed and exporters._EARLY == [started]
        with exporters.printing(["html", "pdf"]) as printed:
            assert printed and exporters._PRINTER.get() is started and not exporters._EARLY
            assert exporters._pdf(None, None, {"html": b"<p>\\u9884\\u6f14</p>"}).startswith(b"%PDF")
        assert started._proc.returncode is not None  # closed with the block
    finally:
        exporters.discard_early_printer()


def test_value_options_are_the_run_commands():
    """early.VALUE_OPTIONS repeats, for a parse before typer is imported, which of ``run``'s options take a value:
    it must be exactly the command's own (an option added to ``run`` and not here would be taken for a year)."""
    import typer

    from evaltools.cli import app

    run = typer.main.get_command(app).commands["run"]
    taking = {
        name
        for p in run.params
        if p.param_type_name == "option" and not p.is_flag and not p.count
        for name in p.opts + p.secondary_opts
    }
    assert taking == set(early.VALUE_OPTIONS)
