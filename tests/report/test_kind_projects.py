"""Report kind ``projects``: several 项目支出绩效自评表 published alone (no department table, no budget lines),
as 棠溪镇人民政府 2022 (two project forms, docs/research/tangxi-town-2022.md) and 普陀体育中心 2022 publish them."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

import evaltools.report.sections as report
from evaltools.data.model import YearData
from evaltools.report.view import build_view, report_title
from evaltools.scoring.evaluation import evaluate

SECTIONS = ["title_block", "contents", "basic", "work", "results", "conclusion", "problems", "use", "other", "forms"]


@pytest.fixture(scope="module")
def bundle(data_2022) -> YearData:
    """The 2022 unit's project forms without its budget lines, its kind not stated."""
    tables = {**data_2022.tables, "budget_lines": data_2022.budget_lines.iloc[:0]}
    return YearData(replace(data_2022.profile, report_kind=None), tables, data_2022.source)


def test_several_projects_without_budget_lines_are_a_bundle_of_project_forms(bundle, data_2022):
    assert len(bundle.projects) == 3 and bundle.kind == "projects"
    one = YearData(bundle.profile, {**bundle.tables, "projects": bundle.projects.iloc[:1]})
    assert one.kind == "project"  # one form alone stays a project report
    assert YearData(bundle.profile, data_2022.tables).kind == "department_projects"  # with budget lines


def test_the_total_is_the_mean_of_the_forms_and_the_report_speaks_of_projects(bundle, rules_2022):
    ev = evaluate(bundle, rules_2022)
    scores = ev.projects["computed_score"].tolist()
    assert ev.total.method == rules_2022.department_total == "simple"
    assert ev.total.computed_score == pytest.approx((scores[0] + scores[1] + scores[2]) / 3)
    view = build_view(ev, "2022", "2026-01-01")
    assert report_title(ev) == f"{ev.unit} 2022 年度项目支出绩效自评报告"
    assert view.headings["basic"] == "一、项目基本情况" and view.main is None
    assert view.kind.forms_title == "项目支出绩效自评表" and view.kind.lists_forms


def test_the_report_renders_as_a_project_report_listing_each_form(bundle, rules_2022):
    ev = evaluate(bundle, rules_2022)
    view = SimpleNamespace(view=build_view(ev, "2022", "2026-01-01"))
    html = "".join(str(getattr(report, name)(view)) for name in SECTIONS)
    text = BeautifulSoup(html, "html.parser").get_text(" ", strip=True)
    assert f"{ev.unit} 2022 年度项目支出绩效自评报告" in text and "报告类型 项目支出绩效自评表（多个项目）" in text
    assert "一、项目基本情况" in text and "（二）项目资金情况" in text and "部门基本情况" not in text
    assert "自评表得分与等级" in text  # lists_forms: each form's score beside the others
