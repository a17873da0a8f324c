"""The fidelity suite (tests/fidelity: real published tables in the data format, issue 20 item 10): every table is
well-formed and sourced, each table's total and grade are what its printed figures give (a table failing today is
an xfail(strict=True) naming why, so it flips when fixed), and the whole suite is evaluated at least as well as
the ratchet tests/fidelity/baseline.yaml records (goal: recall ≥ 90 %, no false alarm, no grade where the table
cannot give one)."""

from __future__ import annotations

import re

import pytest
import yaml

from tests._paths import ROOT
from tests.corpus.measure import FORMS
from tests.fidelity.measure import DATA, HERE, judge, load, measure, problems_of, total_right

TABLES = load()
BY_NAME = dict(TABLES)
BASELINE = yaml.safe_load((HERE / "baseline.yaml").read_text(encoding="utf-8"))
GRADES = {"优", "良", "中", "差", "优秀", "良好", "一般", "较差"}

#: Cut-off tables shown with a total and a grade today (issue 20 item 1: completeness is data). The import
#: route cannot yet carry "cut off after row N" into the data folder, nor the data format hold it.
#: Tables whose expected total or grade the tool does not give today: name → why.
FAILING_TODAY = {
    "hebei-langfang-shipinxuexiao-nuantong-2019-project": (
        "only the 总分 row is cut off: the printed scores add to 98, the rules' recomputation 97.24 is shown"
    ),
    "hubei-hbust-jiangzhuxuejin-2021-project": "the 自评总分 99.8 printed above the table is not imported (no total)",
}


def test_the_suite_holds_at_least_30_real_tables_from_the_corpus_and_data():
    corpus = [n for n, t in TABLES if "corpus" in t]
    data = [n for n, t in TABLES if "data" in t]
    assert len(TABLES) >= 30 and len(TABLES) == BASELINE["tables"]
    assert len(corpus) == len(list(FORMS.glob("*.yaml")))  # every corpus form, through the import route
    assert {"data-2022-qiaoxi", "tianchang-shuili-2022", "chongqing-rongmeiti-dept-2021"} <= set(data)
    assert {"sichuan-qingshen-gongzi-2023", "putuo-tiyu-2022", "tangxi-town-2022"} <= set(data)  # docs/research
    assert set(FAILING_TODAY) <= set(BY_NAME)


@pytest.mark.parametrize("name,table", TABLES, ids=[n for n, _ in TABLES])
def test_table_is_sourced_and_its_expectations_are_complete(name, table):
    assert ("corpus" in table) != ("data" in table), "one source: a corpus form or a data folder"
    if "corpus" in table:
        assert (FORMS / f"{table['corpus']}.yaml").exists()
    else:
        assert (DATA / str(table["data"])).is_dir() and isinstance(table["year"], int) and table["rules"]
    assert (ROOT / table["transcription"].split(" ")[0]).exists(), "its transcription"
    assert table.get("mark") in (None, "cut_off", "unscored", "blank_scores")
    e = table["expected"]
    assert {"published_total", "total", "total_reason", "grade", "grade_reason"} <= set(e), name
    assert e["total_reason"] and e["grade_reason"]
    assert e["total"] is None or isinstance(e["total"], (int, float))
    assert e["grade"] is None or e["grade"] in GRADES
    assert e["total"] is not None or e["grade"] is None, "no total, so no grade"
    for p in problems_of(name, table, BY_NAME):
        assert re.fullmatch(r"[A-Z][A-Z0-9_]+", p["code"]) and p["subject"] and (p.get("note") or p.get("what"))


@pytest.fixture(scope="module")
def scores():
    return measure(TABLES)


def _case(name: str):
    reason = FAILING_TODAY.get(name)
    return pytest.param(name, id=name, marks=pytest.mark.xfail(strict=True, reason=reason) if reason else ())


@pytest.mark.parametrize("name", [_case(n) for n, _ in TABLES])
def test_table_total_and_grade_are_what_its_printed_figures_give(scores, name):
    row = next(r for r in scores.rows if r.name == name)
    assert row.total_right, (row.expected["total"], row.got.total, row.expected["total_reason"])
    assert row.grade_right, (row.expected["grade"], row.got.grade, row.got.grades, row.expected["grade_reason"])
    assert not row.grade_where_none


def test_nothing_is_evaluated_worse_than_the_ratchet(scores):
    assert scores.tables == len(TABLES)
    assert scores.tables_evaluated >= BASELINE["tables_evaluated"]
    assert scores.totals_right >= BASELINE["totals_right"]
    assert scores.grades_right >= BASELINE["grades_right"]
    assert scores.grades_where_none <= BASELINE["grades_where_none"]
    assert scores.problems_expected + scores.problems_proposed > 150
    assert round(scores.recall, 4) >= BASELINE["recall"]
    assert round(scores.precision, 4) >= BASELINE["precision"]


def test_the_2022_report_is_87_good_under_its_own_rules_and_the_default(scores):
    """The seed's own figures: 总分 87, 良好 by its bands (75–89), 良 by 财预〔2020〕10号 (80–89) — and no
    grade-name finding under the default rule set (良好 is the band 良)."""
    rows = {r.name: r for r in scores.rows}
    own, default = rows["data-2022-qiaoxi"], rows["data-2022-mof"]
    assert own.got.total == pytest.approx(87) and own.got.grade == "良好"
    assert default.got.total == pytest.approx(87) and default.got.grade == "良"
    assert not [f for f in default.got.findings if f["code"] == "GRADE_MISMATCH"]


def test_the_judge_counts_a_wrong_total_a_grade_where_none_and_a_missed_problem():
    """The harness itself, on a hand-made evaluation of the cut-off 融媒体中心 table: the printed 97.6 graded 优
    is a wrong total and a grade where none can be given; an expected problem without its finding is missed, a
    finding of another code is a false alarm, a finding on an illegible row is neither."""
    from tests.fidelity.measure import Shown

    table = BY_NAME["chongqing-rongmeiti-dept-2021"]
    findings = [
        {"code": "EXECUTION_LOW", "severity": "warning", "subject": "部门整体", "message": "76%"},
        {"code": "OVERACHIEVED", "severity": "warning", "subject": "部门整体 / 播发稿件数量", "message": ""},
        {"code": "UNKNOWN_FIGURE", "severity": "warning", "subject": "部门整体 / 党性教育培训次数", "message": ""},
    ]
    row = judge(
        "x", table, Shown(total=97.6, grade="优", grades=("优",), findings=findings), problems_of("x", table, BY_NAME)
    )
    assert not row.total_right and not row.grade_right and row.grade_where_none
    assert [p["code"] for p in row.found] == ["EXECUTION_LOW"]
    assert [p["code"] for p in row.missed] == ["FULL_MARKS_BELOW_TARGET"]
    assert [f["code"] for f in row.false_alarms] == ["OVERACHIEVED"] and len(row.on_cut) == 1
    right = judge("x", table, Shown(findings=findings[:1]), problems_of("x", table, BY_NAME))
    assert right.total_right and right.grade_right and not right.grade_where_none
    assert total_right(98, 98.004) and not total_right(98, 97.24) and not total_right(None, 0.0)


def test_a_mark_is_written_into_an_imported_folder_only_when_the_data_format_declares_it(tmp_path, monkeypatch):
    """What the person checking an imported folder adds: 原表截断行 = the rows the folder holds (two here), 原表得分
    否 / 空白; nothing while evaltools.data.profile_schema has no such field, nothing twice."""
    from types import SimpleNamespace

    from evaltools.data import profile_schema
    from tests.fidelity.measure import mark_folder

    (tmp_path / "profile.yaml").write_text("unit: 某单位\nyear: 2020\n", encoding="utf-8")
    (tmp_path / "indicators.csv").write_text("project,level3\nA,甲\nA,乙\n", encoding="utf-8")
    fields = tuple(f for f in profile_schema.PROFILE_FIELDS if f.name not in ("cut_off_after", "scores_printed"))
    monkeypatch.setattr(profile_schema, "PROFILE_FIELDS", fields)
    assert not mark_folder(tmp_path, "cut_off") and "cut_off_after" not in (tmp_path / "profile.yaml").read_text()
    marks = (SimpleNamespace(name="cut_off_after"), SimpleNamespace(name="scores_printed"))
    monkeypatch.setattr(profile_schema, "PROFILE_FIELDS", fields + marks)
    assert mark_folder(tmp_path, "cut_off") and not mark_folder(tmp_path, "cut_off")
    assert mark_folder(tmp_path, "blank_scores") and not mark_folder(tmp_path, None)
    profile = yaml.safe_load((tmp_path / "profile.yaml").read_text(encoding="utf-8"))
    assert profile == {"unit": "某单位", "year": 2020, "cut_off_after": 2, "scores_printed": "空白"}
