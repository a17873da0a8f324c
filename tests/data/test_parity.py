"""One path for every loaded table (issue 18): the same tables give the same problems whether they come from a
CSV folder (what ``evaltools check`` reads) or from a filled-in 自评表 (what ``evaltools import`` and ``audit``
read) — both are assembled by :func:`evaltools.data.load.assemble` with the same checks.

The tables of each case are those the form reader makes of the form (read once with the checks switched off),
written as a CSV folder; then both routes are run with the checks on and their problems compared: the same
severity, code, message, found and expected, at the same indicator (or project) and column."""

from __future__ import annotations

import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from evaltools.data.folder import write_folder
from evaltools.data.forms import read_file
from evaltools.data.load import assembly, inspect_path, load_path
from evaltools.run.audit import audit_files
from evaltools.run.importer import import_to
from tests.formkit import Ind, Spec, standard, write_xlsx

CLEAN = [
    Ind("产出指标", "数量指标", "举办活动场次", "≥50场", "58场", 20, 20),
    Ind("产出指标", "数量指标", "其中：广场演出", None, "20场", None, None),
    Ind("产出指标", "质量指标", "活动达标率", "≥95%", "97%", 20, 20),
    Ind("效益指标", "社会效益指标", "参与群众人数", "≥5000人", "7000人", 30, 30),
    Ind("满意度指标", "服务对象满意度指标", "群众满意度", "≥90%", "96%", 20, 18),
]
#: The breakdowns go round: 广场演出 is part of 举办活动场次, which is part of 广场演出.
LOOP = [
    *CLEAN[:2],
    Ind("产出指标", "质量指标", "广场演出", "≥20场", "20场", 20, 20),
    Ind("产出指标", "质量指标", "其中：举办活动场次", None, "58场", None, None),
    *CLEAN[3:],
]
#: Each case: the form's indicators and other figures, and the codes both routes must report.
CASES = {
    "clean": (CLEAN, {}, set()),
    "loop": (LOOP, {}, {"PARENT_CYCLE"}),
    "weighted_breakdown": (
        [CLEAN[0], Ind("产出指标", "数量指标", "其中：广场演出", None, "20场", 5, 5), *CLEAN[2:]],
        {},
        {"INVALID"},
    ),
    "spent_far_above_budget": (
        CLEAN,
        {"spent": 250, "rate": "250%", "exec_score": 10},
        {"INPUT_SPENT_FAR_ABOVE_BUDGET"},
    ),
    "score_above_weights": (CLEAN[:4], {"total_score": 95}, {"INPUT_SCORE_ABOVE_WEIGHTS"}),
}


def _write_form(path: Path, indicators: list[Ind], **figures) -> Path:
    spec = Spec(indicators=indicators, **{"total_score": 97.5, "grade": "优", **figures})
    return write_xlsx(path, [("表1", [standard(spec)])])


def _form_problems(path: Path) -> list:
    """Every problem the form route reports: a refused form's problems, a read form's warnings."""
    forms, failures = read_file(path)
    return [p for f in failures for p in f.problems] + [w for f in forms for w in f.data.warnings]


def _form_tables(path: Path):
    """The year data the form reader makes of the form, before the checks of the assembly."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(assembly, "CHECKS", ())
        (form,), failures = read_file(path)
    assert failures == []
    return form.data


def _indicator_names(folder: Path) -> pd.Series:
    return pd.read_csv(folder / "indicators.csv", dtype=str, keep_default_na=False)["level3"]


def _csv_key(problem, folder: Path) -> tuple:
    """(severity, code, message, found, expected, the indicator or "(project)", the column's title)."""
    where = problem.location
    if where.file.endswith("indicators.csv"):
        subject = _indicator_names(folder).iloc[where.row - 2]
    else:
        subject = "(project)"
    return (problem.severity, problem.code, problem.message, problem.found, problem.expected, subject, where.column)


def _form_key(problem, form: Path, names: set[str]) -> tuple:
    """The same for a problem located at a cell of the form (``C14（分值）``): the indicator printed in its row."""
    where = problem.location
    sheet = openpyxl.load_workbook(form)[where.sheet]
    printed = str(sheet.cell(where.row, 3).value or "").removeprefix("其中：")
    subject = printed if printed in names else "(project)"
    column = re.fullmatch(r"[A-Z]+\d+（(.+)）", where.column).group(1)
    return (problem.severity, problem.code, problem.message, problem.found, problem.expected, subject, column)


@pytest.mark.parametrize("case", list(CASES))
def test_a_folder_and_a_form_of_the_same_tables_give_the_same_problems(tmp_path, case):
    indicators, figures, codes = CASES[case]
    form = _write_form(tmp_path / "自评表.xlsx", indicators, **figures)
    folder = write_folder(_form_tables(form), tmp_path / "2022")
    _, from_folder = inspect_path(folder, expected_year=2022)
    names = set(_indicator_names(folder))
    got_folder = sorted(_csv_key(p, folder) for p in from_folder.items)
    got_form = sorted(_form_key(p, form, names) for p in _form_problems(form))
    assert got_form == got_folder
    assert {key[1] for key in got_folder} == codes
    if not any(key[0] == "error" for key in got_folder):
        (read,), _ = read_file(form)
        assert load_path(folder) == read.data  # and the data assembled is the same


def test_the_loop_in_a_breakdown_is_found_where_it_is(tmp_path):
    form = _write_form(tmp_path / "自评表.xlsx", LOOP)
    [problem] = _form_problems(form)
    assert problem.code == "PARENT_CYCLE" and problem.severity == "error"
    assert problem.found == "广场演出 → 举办活动场次 → 广场演出"
    sheet = openpyxl.load_workbook(form)[problem.location.sheet]
    assert sheet.cell(problem.location.row, 3).value == "其中：广场演出"  # the first breakdown of the circle
    assert problem.location.column.endswith("（所属合计指标）")


def test_the_loop_form_is_refused_by_import_and_audit_as_by_check(tmp_path):
    """Before issue 18 the form was imported and scored (97.5 published, 99.5 recomputed) while `check`
    refused the same tables."""
    (tmp_path / "in").mkdir()
    form = _write_form(tmp_path / "in" / "自评表.xlsx", LOOP)
    folder = write_folder(_form_tables(form), tmp_path / "2022")
    data, checked = inspect_path(folder, expected_year=2022)  # evaltools check --path
    assert data is None and [p.code for p in checked.items if p.severity == "error"] == ["PARENT_CYCLE"]

    imported = import_to([tmp_path / "in"], tmp_path / "out")  # evaltools import
    assert imported.folders == () and imported.index is None
    [failure] = imported.failures
    assert [p.code for p in failure.problems] == ["PARENT_CYCLE"]
    assert "合计指标循环引用" in failure.reason

    audited = audit_files([str(form)])  # evaltools audit: no score, one finding saying why
    assert audited["forms"] == []
    [finding] = audited["findings"]
    assert finding["code"] == "FORM_UNREADABLE" and "合计指标循环引用" in finding["message"]
