"""The audit's registry: every check declares the codes it emits, each code everything a reader needs (label,
severity, measure, the field it points at), and a check emitting a code it did not declare fails the audit."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from evaltools import labels
from evaltools.data.schema import PROFILE_BY_NAME, TABLES
from evaltools.scoring import audit
from evaltools.scoring.audit import CHECKS, CODES, Check, Code
from evaltools.scoring.review.flags import REVIEW_CHECKS, ReviewCheck  # the review checks' codes are in CODES too

#: The form cells a finding not on an indicator row may point at (data/forms: the blocks' cells).
FORM_CELLS = {"title", "total", "grade", "funds.rate", "funds.score", "funds.spent", "funds.budget"}


def _known_field(field: str) -> bool:
    """A form block's cell, a column of the indicator row, a table's column, a table, or a unit's field."""
    table, _, column = field.partition(".")
    if field in FORM_CELLS:
        return True
    if table == "indicator":
        return column in {f.name for f in TABLES["indicators"].fields}
    if table == "units":
        return column in PROFILE_BY_NAME
    return table in TABLES and (not column or column in {f.name for f in TABLES[table].fields})


def test_every_check_declares_complete_codes():
    assert len(CHECKS) >= 16 and len(REVIEW_CHECKS) >= 2
    for name, c in [*CHECKS.items(), *REVIEW_CHECKS.items()]:
        assert isinstance(c, (Check, ReviewCheck)) and c.name == name and c.fn.__doc__, name
        assert c.codes, f"check {name} declares no finding code"
        for code in c.codes:
            assert isinstance(code, Code) and re.fullmatch(r"[A-Z][A-Z0-9_]{4,}", code.code), code
            assert code.label.strip() and not re.search(r"[A-Za-z]", code.label), code
            assert code.severity in labels.SEVERITY, code
            assert code.measure.strip().endswith("。"), code
            assert all(_known_field(f) for f in code.fields), code


def test_codes_are_unique_across_checks():
    declared = [code.code for c in [*CHECKS.values(), *REVIEW_CHECKS.values()] for code in c.codes]
    assert len(declared) == len(set(declared)) == len(CODES)
    assert {c.code: c for c in CODES.values()} == dict(CODES)


def test_labels_and_measures_are_read_from_the_registry():
    assert audit.finding_label("COUNT_MISMATCH") == "数量不符"
    assert audit.finding_label("NO_SUCH_CODE") == "NO_SUCH_CODE"
    assert audit.measure("SPENT_OVER_BUDGET").startswith("支出超预算的")
    assert audit.measure("NO_SUCH_CODE") is None
    assert CODES["SCORE_ABOVE_WEIGHT"].fields == ("indicator.panel_score", "funds.score", "total")


def test_the_2022_findings_carry_where_they_are(ev_2022):
    f = ev_2022.findings.set_index(["code", "subject"])
    assert list(ev_2022.findings.columns) == audit.FINDING_COLUMNS
    place = lambda code, subject: tuple(f.loc[(code, subject), ["project", "indicator", "field"]])  # noqa: E731
    assert place("OVERACHIEVED", "失业就业服务 / 提供工作岗位数") == (
        "失业就业服务",
        "提供工作岗位数",
        "indicator.actual",
    )
    assert place("SUM_MISMATCH", "失业就业服务 / 完成创业服务人数") == (
        "失业就业服务",
        "完成创业服务人数",
        "indicator.actual",
    )
    assert place("SPENT_OVER_BUDGET", "人员经费") == (None, None, "budget_lines.spent")  # a budget line
    assert place("RATE_ROUNDED", "失业就业服务") == ("失业就业服务", None, "funds.rate")
    assert place("RATE_FORMULA", "人员经费") == (None, None, "budget_lines.stated_rate")
    assert place("STATEMENT_MISMATCH", "档案保管和整理") == ("档案保管和整理", None, "statements.stated")
    assert place("SCORE_DIFFERS", "创业担保贴息") == ("创业担保贴息", None, "total")
    assert place("GRADE_BANDS_GAP", "公布的等级表") == (None, None, "grade_bands")
    assert set(ev_2022.findings["severity"]) == {"error", "warning", "info"}


def test_every_code_found_on_2022_and_synthetic_data_is_declared_by_its_check(ev_2022):
    """run_audit refuses an undeclared code; here: what two datasets emit is within what is declared, and
    each code's severity is its declaration's."""
    from evaltools import load_rules
    from evaltools.run.synthetic import generate_units
    from evaltools.scoring.evaluation import evaluate_units

    units = evaluate_units(generate_units(60, 30, seed=3, year=2022), load_rules("mof")).findings
    found = pd.concat([ev_2022.findings, units.drop(columns="org")], ignore_index=True)
    assert len(set(found["code"])) >= 15
    for code, severity in found[["code", "severity"]].drop_duplicates().itertuples(index=False):
        assert CODES[code].severity == severity


def _bad_check(code: str, field: object = None):
    def fn(ctx):
        org = ctx.data.units["org"].to_numpy(dtype=object)[:1]
        return audit.findings(code, org, "部门", "一条发现", field=field)

    fn.__doc__ = "A check for the test."
    return Check("test_bad", fn, (Code("TEST_CODE", "测试", "warning", "测试。", "title"),))


@pytest.mark.parametrize(
    ("code", "field", "words"),
    [("SUM_MISMATCH", None, "does not declare"), ("TEST_CODE", "funds.rate", "undeclared fields")],
)
def test_a_check_emitting_an_undeclared_code_or_field_fails(monkeypatch, data_2022, rules_2022, code, field, words):
    from evaltools import evaluate

    monkeypatch.setitem(CHECKS._items, "test_bad", _bad_check(code, field))
    with pytest.raises(ValueError, match=words):
        evaluate(data_2022, rules_2022)
    monkeypatch.setitem(CHECKS._items, "test_bad", _bad_check("TEST_CODE"))
    row = evaluate(data_2022, rules_2022).findings.query("code == 'TEST_CODE'")
    assert row[["severity", "field"]].values.tolist() == [["warning", "title"]]  # filled in from the declaration


def test_the_report_lists_each_problems_measure_once(ev_2022):
    from evaltools.report.view import _audit_view

    view = _audit_view(ev_2022.findings)
    problems = ev_2022.findings[ev_2022.findings["severity"] != "info"]
    assert view["audit_measures"] == [CODES[c].measure for c in problems["code"].drop_duplicates()]
    assert [f.label for f in view["findings"]] == [CODES[c].label for c in ev_2022.findings["code"]]
    assert ev_2022.findings["code"].map(audit.measure).notna().all()
