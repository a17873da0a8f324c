"""The report-kind registry is complete (evaltools/data/kinds.py: one declaration per kind), detection is the
same vectorised code for one unit and for many, and scoring and the report follow the declarations."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from evaltools.data.kinds import KINDS, REPORT_KINDS, SECTIONS, TOTALS_MODES, Presence, detect_kinds, presence
from evaltools.data.model import UnitsData, YearData, infer_kind, unit_kinds
from evaltools.data.schema import PROFILE_BY_NAME
from evaltools.scoring.evaluation import evaluate


@pytest.mark.parametrize("name", REPORT_KINDS)
def test_each_kind_declares_everything(name):
    kind = KINDS[name]
    assert kind.name == name and kind.label and kind.short and kind.title and kind.subject in ("部门整体", "项目")
    assert set(kind.headings) == set(SECTIONS) and all(kind.headings.values())
    assert len(kind.basic_parts) == 3 and kind.forms_title
    assert kind.totals in TOTALS_MODES
    assert kind.detect is None or callable(kind.detect)


def test_one_fallback_and_a_distinct_precedence_each():
    assert [k.name for k in KINDS.values() if k.detect is None] == ["department_projects"]
    precedences = [k.precedence for k in KINDS.values()]
    assert len(set(precedences)) == len(precedences)
    assert PROFILE_BY_NAME["report_kind"].choices == REPORT_KINDS
    assert PROFILE_BY_NAME["report_kind"].help.startswith("department_projects（部门整体含项目）、department（")


def test_detection_over_every_combination():
    """Department indicators × projects 0/1/2 × budget lines 0/1, hand-classified."""
    dept = np.array([False, False, False, False, False, False, True, True, True, True, True, True])
    projects = np.array([0, 0, 1, 1, 2, 2, 0, 0, 1, 1, 2, 2])
    lines = np.array([0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1])
    got = detect_kinds(Presence(dept, projects, lines)).tolist()
    dp, d, p, full = "department_projects", "department", "project", "department_full"
    assert got == [dp, dp, p, dp, "projects", dp, d, d, full, full, full, full]


def _unit(data: YearData, name: str, **tables: pd.DataFrame) -> YearData:
    """``data`` as unit ``name`` with no stated kind and some tables replaced."""
    return YearData(replace(data.profile, unit=name, report_kind=None), {**data.tables, **tables}, data.source)


@pytest.fixture(scope="module")
def four_units(data_2022) -> tuple[list[YearData], list[str]]:
    """The 2022 unit reshaped into one unit of each kind (none stating its kind)."""
    ind, projects = data_2022.indicators, data_2022.projects
    first = projects["project"].iloc[0]
    mine = ind[ind["project"] == first]
    department_rows = ind.assign(project=None)
    one_dept = ind.assign(project=ind["project"].where(ind["project"] != first, None))
    years = [
        _unit(data_2022, "甲"),
        _unit(data_2022, "乙", projects=projects.iloc[:0], indicators=department_rows),
        _unit(
            data_2022, "丙", projects=projects.iloc[:1], indicators=mine, budget_lines=data_2022.budget_lines.iloc[:0]
        ),
        _unit(data_2022, "丁", projects=projects.iloc[1:], indicators=one_dept),
    ]
    return years, ["department_projects", "department", "project", "department_full"]


def test_one_unit_and_many_are_detected_alike(four_units):
    years, expected = four_units
    assert [infer_kind(y.profile, y.tables) for y in years] == expected
    assert unit_kinds(UnitsData.from_years(years)).tolist() == expected
    stated = [YearData(replace(y.profile, report_kind="department_projects"), y.tables) for y in years]
    assert unit_kinds(UnitsData.from_years(stated)).tolist() == ["department_projects"] * 4  # stated wins


def test_presence_counts_each_unit(four_units):
    years, _ = four_units
    data = UnitsData.from_years(years)
    found = presence(data.tables, lambda f: pd.Categorical(f["org"], categories=data.orgs).codes.astype(np.int64), 4)
    assert found.department_indicators.tolist() == [False, True, False, True]
    assert found.projects.tolist() == [len(years[0].projects), 0, 1, len(years[0].projects) - 1]
    assert (found.budget_lines[[0, 1, 3]] > 0).all() and found.budget_lines[2] == 0


def test_totals_and_forms_follow_the_declarations(four_units, rules_2022):
    years, expected = four_units
    ev = evaluate(UnitsData.from_years(years), rules_2022)
    totals = ev.totals.set_index("org")
    for unit, name in zip(["甲", "乙", "丙", "丁"], expected):
        kind = KINDS[name]
        assert totals.at[unit, "kind"] == name
        method = totals.at[unit, "method"]
        assert method == "form" if kind.totals == "form" else method in ("simple", "budget_weighted")
        has_department = unit in set(ev.departments["org"]) if ev.departments is not None else False
        assert has_department == kind.department_form, unit
        assert ev.slice(unit).report_kind is kind
    # 丙 is one project's form: its total is that project's recomputed score
    project = ev.slice("丙").projects.iloc[0]
    assert totals.at["丙", "computed_score"] == pytest.approx(project.computed_score)
