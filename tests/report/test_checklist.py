"""The 核查清单 (checklist.html): the findings a reviewer would flag, by 对象, for the preparer to fix before the
unit's 自评报告 is submitted (issue 24 item 1) — on the 2022 data's own findings."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from evaltools.report.checklist import checklist_view
from evaltools.report.exporters import EXPORTERS
from evaltools.scoring.audit import measure


@pytest.fixture(scope="module")
def view(ev_2022):
    return checklist_view(ev_2022)


def checklist_html(ev) -> str:
    """The page as ``evaltools run`` writes it (the exporter: the template, the report's CSS, the font)."""
    return EXPORTERS["checklist"].fn(None, ev, {}).decode("utf-8")


@pytest.fixture(scope="module")
def page(ev_2022) -> str:
    return checklist_html(ev_2022)


def test_findings_are_grouped_by_object_in_the_datas_order(view):
    """2022: 4 errors and 13 warnings (the 5 提示 agree and are not listed): 5 on the unit, then the three
    projects in the order of projects.csv, each with its findings on the whole project before its indicators'."""
    assert (view.error, view.warning, view.info) == (4, 13, 5)
    assert [(g.name, g.count) for g in view.groups] == [
        ("部门", 5),
        ("项目：失业就业服务", 5),
        ("项目：档案保管和整理", 5),
        ("项目：创业担保贴息", 2),
    ]
    assert [i.name for i in view.groups[1].indicators] == [
        "完成创业服务人数",
        "提供工作岗位数",
        "专场招聘会场次",
        "达成就业意向人数",
        "就业创业宣传次数",
    ]
    assert [f.code for f in view.groups[0].items] == [
        "COUNT_MISMATCH",
        "GRADE_BANDS_GAP",
        "RATE_FORMULA",
        "YEAR_IN_TEXT",
        "SPENT_OVER_BUDGET",
    ]


def test_each_check_has_the_findings_wording_and_what_to_fix(view, ev_2022):
    unit = view.groups[0].items[0]
    assert unit.message == ev_2022.findings.loc[0, "message"]  # the findings table's own text, not a copy
    assert "4 个项目" in unit.message and "只列出 3 个" in unit.message
    assert unit.fix == measure("COUNT_MISMATCH") == "核对报告中的项目、指标和人员数量，使文字表述与所列清单一致。"
    archive = view.groups[2]
    assert [f.code for f in archive.items] == ["STATEMENT_MISMATCH", "SCORE_DIFFERS"]
    assert "「档案保管和整理」公布得分 87，按数据重算 84.67" in archive.items[1].message


def test_page_speaks_to_the_preparer_and_carries_its_font(page, embedded_font_gaps, external_references):
    soup = BeautifulSoup(page, "html.parser")
    text = soup.get_text(" ", strip=True)
    assert soup.h1.get_text() == "核查清单"
    assert "《石家庄市桥西区就业服务中心 2022 年度整体支出绩效自评报告》提交前请核对" in text
    assert "共错误 4 项、警告 13 项（另有 5 项已核对一致，不再列出）" in text
    assert [h.get_text() for h in soup.find_all("h2")][:2] == ["部门（5 项）", "项目：失业就业服务（5 项）"]
    assert len(soup.select("ul.checks > li")) == 17
    assert soup.select("ul.checks > li")[0]["data-code"] == "COUNT_MISMATCH" and "COUNT_MISMATCH" not in text
    assert "如何更正：核对合计数与分项数，分项之和应等于合计，差额应说明原因。" in text
    assert 'name="viewport"' in page  # readable on a 390 px phone (screenshots in the issue 24 note)
    assert embedded_font_gaps(page)[1] == "" and external_references(page) == []
    assert "合成数据" not in text


def test_synthetic_data_says_so_and_no_findings_say_so(ev_2022):
    from dataclasses import replace

    from evaltools import evaluate

    data = ev_2022.data
    ev = evaluate(type(data)(replace(data.profile, synthetic=True), data.tables), ev_2022.rules)
    assert "合成数据 · 仅供演示，不是真实单位的数据" in BeautifulSoup(checklist_html(ev), "html.parser").get_text()
    clean = replace(ev_2022, findings=ev_2022.findings.iloc[:0])
    text = BeautifulSoup(checklist_html(clean), "html.parser").get_text(" ", strip=True)
    assert "共错误 0 项、警告 0 项" in text and "未发现需要更正的问题。" in text


def test_checklist_is_a_default_output_of_run():
    from evaltools.labels import OUTPUT_FILE
    from evaltools.params import JobParams
    from evaltools.report.index import LINKED

    spec = EXPORTERS["checklist"]
    assert (spec.filename, spec.notebook) == ("checklist.html", False)
    assert "checklist" in JobParams(year=2022).formats
    assert "checklist.html" in OUTPUT_FILE and ("checklist.html", "核查清单") in LINKED
