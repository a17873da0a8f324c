"""`check` is the contract: whatever it accepts, the report is made from; whatever it refuses, `run` refuses.

A property test (hypothesis) writes random hostile values (infinities, huge and tiny numbers, unknown
marks, control and invisible characters, text longer than a cell, characters no font has) into random
cells of a copy of data/2022, then asks ``check`` (``inspect_path``) and runs the report in this process
the way the kernel would: every code cell of notebooks/self_evaluation.ipynb executed in order, every
displayed value rendered to HTML, then the xlsx and json exporters. The two must never disagree: accepted
data gives a report, refused data is refused by the report's own loading with an InputError (exit 2).
One real ``evaltools run --to json,xlsx`` on a hostile but valid year closes the loop through the kernel.
"""

from __future__ import annotations

import ast
import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from evaltools.data import schema as S
from evaltools.data.load import inspect_path
from evaltools.errors import EvaltoolsError
from evaltools.scoring.contract import evaluation_problems
from tests._paths import ROOT

DATA = ROOT / "data" / "2022"
NOTEBOOK = ROOT / "notebooks" / "self_evaluation.ipynb"

#: Values that broke a report once check had passed them, or that sit at the edges.
NUMBERS = ["inf", "-inf", "1e308", "-1e308", "1e-320", "nan", "0", "-0", "1e15", "-1", "99999999999", "?", "", "1,5"]
TEXTS = [
    "\0",
    "a\x1b[31mb",
    "\u200b",
    "名\u202e称",
    "x\r\ny",
    "𪚥",
    "😀",
    "长" * 40_000,
    " ",
    "=1+1",
    "<script>alert(1)</script>",
]


def _cells(draw, table: S.Table, rows: int) -> tuple[int, str, str]:
    field = draw(st.sampled_from([f for f in table.fields if f.name != "unknown"]))
    numeric = field.kind in ("number", "money", "rate")
    value = draw(
        st.one_of(
            st.sampled_from(NUMBERS if numeric else TEXTS),
            st.floats(allow_nan=True, allow_infinity=True).map(repr) if numeric else st.text(max_size=12),
            st.sampled_from(TEXTS if numeric else NUMBERS),
        )
    )
    return draw(st.integers(0, rows - 1)), field.name, value


@st.composite
def mutations(draw) -> list[tuple[str, int, str, str]]:
    """One to three cells of data/2022's CSV files, each with a hostile value."""
    out = []
    for _ in range(draw(st.integers(1, 3))):
        name = draw(st.sampled_from(["projects", "indicators", "budget_lines", "team", "grade_bands"]))
        rows = sum(1 for _ in open(DATA / f"{name}.csv", encoding="utf-8")) - 1
        out.append((name, *_cells(draw, S.TABLES[name], rows)))
    return out


def _apply(folder: Path, changes: list[tuple[str, int, str, str]]) -> None:
    for name, row, column, value in changes:
        path = folder / f"{name}.csv"
        with open(path, encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle))
        if column not in rows[0]:
            rows[0].append(column)
            for r in rows[1:]:
                r.append("")
        rows[row + 1][rows[0].index(column)] = value
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)


def _run_notebook_here(data_dir: Path, out: Path) -> dict:
    """The report notebook's code cells executed here as the kernel would, each displayed value rendered."""
    nb = json.loads(NOTEBOOK.read_text(encoding="utf-8"))
    params = dict(year=2022, unit=None, data_dir=str(data_dir), rules="mof", output_dir=str(out))
    namespace: dict = {}
    for cell in nb["cells"]:
        if cell["cell_type"] != "code":
            continue
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            namespace["params"] = dict(params, formats=["xlsx", "json"], title=None)
            continue
        body = ast.parse("".join(cell["source"])).body
        last = body.pop() if body and isinstance(body[-1], ast.Expr) else None
        exec(compile(ast.Module(body, []), "<cell>", "exec"), namespace)  # noqa: S102 - our own notebook
        if last is not None:
            value = eval(compile(ast.Expression(last.value), "<cell>", "eval"), namespace)  # noqa: S307
            if hasattr(value, "_repr_html_"):
                value._repr_html_()
    return namespace


def _exports(ev) -> None:
    from evaltools.report.exporters import EXPORTERS

    for name in ("xlsx", "json"):
        assert EXPORTERS[name].fn(None, ev, {})


@pytest.mark.slow
@settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    derandomize=True,
    phases=[Phase.explicit, Phase.reuse, Phase.generate],  # no shrinking: a failing example is printed as drawn
)
@given(changes=mutations())
def test_check_and_run_never_disagree(changes, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("contract")
    folder = tmp / "data" / "2022"
    shutil.copytree(DATA, folder)
    _apply(folder, changes)
    data, _ = inspect_path(folder, expected_year=2022)  # what `evaltools check` does …
    if data is not None and evaluation_problems(data, "mof", folder):  # … scoring with the run's rule set
        data = None
    if data is None:  # refused by check: refused by the report too, as bad input (exit 2)
        with pytest.raises(EvaltoolsError) as refused:
            _run_notebook_here(tmp / "data", tmp / "out")
        assert refused.value.exit_code == 2, refused.value
        return
    namespace = _run_notebook_here(tmp / "data", tmp / "out")  # accepted by check: the report is made
    _exports(namespace["ctx"].ev)


@pytest.mark.slow
def test_run_makes_the_report_of_a_hostile_but_valid_year(tmp_path):
    """Control and invisible characters, an Extension B name, an emoji and an unknown figure: check passes
    with warnings, and a real `evaltools run` (kernel, notebook, xlsx, json) succeeds."""
    folder = tmp_path / "data" / "2022"
    shutil.copytree(DATA, folder)
    _apply(
        folder,
        [
            ("projects", 0, "result", "举办\0线上招聘会\x1b[31m 64 场\u200b"),
            ("team", 1, "name", "贾𪚥霞\u202e"),
            ("team", 2, "note", "😀 x\r\ny"),
            ("indicators", 1, "actual", "?"),
        ],
    )
    cli = [sys.executable, "-m", "evaltools.cli"]
    check = subprocess.run(
        [*cli, "check", "2022", "--data-dir", str(tmp_path / "data")], capture_output=True, text=True
    )
    assert check.returncode == 0, check.stdout + check.stderr
    assert "\x1b" not in check.stdout + check.stderr and "<U+001B>" in check.stdout + check.stderr
    run = subprocess.run(
        [*cli, "run", "2022", "--data-dir", str(tmp_path / "data"), "--output-dir", str(tmp_path / "out")]
        + ["--to", "json,xlsx"],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    summary = json.loads((tmp_path / "out" / "2022" / "summary.json").read_text(encoding="utf-8"))
    assert summary["year"] == 2022
    assert (tmp_path / "out" / "2022" / "自评表.xlsx").stat().st_size > 0
