"""Issue 22 item 5, the leftovers of earlier rounds, each at the function that decides it: YAML nested too deep or
keyed by a list, a CSV quote error at the row where the quote opens, Parquet list columns, inf never shown as a
number, formulas saved without values in a form, a published total beyond every band; and the visible form of
invisible characters that pages use (item 2). The command-line cases are in bad_inputs/leftovers.yaml."""

from __future__ import annotations

import json
import math

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from markupsafe import Markup

from evaltools import fmt
from evaltools.data.forms import import_forms
from evaltools.data.load.readers import read_csv, read_parquet
from evaltools.errors import ParamsError, ProblemList, visible
from evaltools.params import MAX_YAML_DEPTH, safe_yaml_load
from tests._paths import ROOT

FORM = ROOT / "examples" / "forms" / "县直" / "青神县发改局-工资性支出.xlsx"


# ----------------------------------------------------------------------------- YAML


@pytest.mark.parametrize("depth", [MAX_YAML_DEPTH + 1, 3000])  # 3000: beyond Python's recursion while parsing
def test_yaml_nested_too_deep_is_located(depth):
    text = "name: x\nrules:\n  deep: " + "[" * depth + "]" * depth + "\n"
    with pytest.raises(ParamsError) as err:
        safe_yaml_load(text, "rules.yaml")
    message = str(err.value)
    assert message.startswith("rules.yaml: YAML 嵌套过深")
    assert f"nested deeper than {MAX_YAML_DEPTH} levels at line 3, column " in message  # where the nesting passes it
    assert "(key 「rules.deep」)" in message


def test_yaml_nesting_within_the_limit_loads():
    lists = MAX_YAML_DEPTH - 1  # under the top mapping
    value = safe_yaml_load("a: " + "[" * lists + "1" + "]" * lists + "\n")
    for _ in range(lists + 1):
        value = value["a"] if isinstance(value, dict) else value[0]
    assert value == 1


@pytest.mark.parametrize("text", ["ok: 1\n? [a, b]\n: 1\n", "ok: 1\n{a: 1}: 2\n"])
def test_yaml_list_or_mapping_as_key_is_located(text):
    with pytest.raises(ParamsError) as err:
        safe_yaml_load(text, "profile.yaml")
    assert "a list or mapping used as a key at line 2" in str(err.value)
    assert "tag" not in str(err.value)


# ----------------------------------------------------------------------------- CSV and Parquet


def test_csv_quote_error_names_the_row_where_the_quote_opens(tmp_path):
    path = tmp_path / "projects.csv"
    path.write_text('project,budget\n甲,1\n乙,2\n"丙,3\n丁,4\n', encoding="utf-8")  # the quote opens on row 4
    problems = ProblemList()
    assert read_csv(path, problems) is None
    [problem] = problems.items
    assert problem.location.row == 4 and problem.found == "EOF inside string starting at row 4"


def test_parquet_nested_columns_are_located(tmp_path):
    path = tmp_path / "projects.parquet"
    table = pa.table({"project": ["甲"], "budget": pa.array([[1.0, 2.0]]), "goal": pa.array([{"a": "x"}])})
    pq.write_table(table, path)
    problems = ProblemList()
    assert read_parquet(path, problems) is None
    assert [(p.location.column, p.found, p.code) for p in problems.items] == [
        ("budget", "list<element: double>", "PARQUET_NESTED"),
        ("goal", "struct<a: string>", "PARQUET_NESTED"),
    ]


# ----------------------------------------------------------------------------- numbers that are none


def test_inf_is_never_shown_as_a_number():
    assert [fmt.score(math.inf), fmt.num(-math.inf), fmt.score(87.0)] == ["—", "—", "87"]
    assert fmt.nums([84.666, math.inf, math.nan, -math.inf]) == ["84.67", "—", "—", "—"]


def test_index_reads_infinity_in_a_summary_as_no_score(tmp_path):
    from evaltools.report.index import collect, render

    folder = tmp_path / "2022"
    folder.mkdir()
    summary = {"year": 2022, "overall": {"score": math.inf, "computed_score": -math.inf, "grade": "优"}}
    (folder / "summary.json").write_text(json.dumps(summary), encoding="utf-8")  # json writes Infinity
    entries = collect(tmp_path)
    [entry] = entries.values()
    assert entry.score is None and entry.computed is None
    page = render(entries)
    assert ">inf<" not in page and "Infinity" not in page


# ----------------------------------------------------------------------------- formulas saved without values


def test_a_form_formula_without_value_is_unknown_with_a_located_warning(tmp_path):
    wb = openpyxl.load_workbook(FORM)
    wb.active["F10"] = "=F11+F12+F13"  # 预算执行数 总额 (251.89 as saved by Excel)
    wb.active["G17"] = "=E17"  # 发放(缴纳)覆盖率 完成值 (empty in the original)
    wb.save(tmp_path / "f.xlsx")
    read = import_forms([tmp_path / "f.xlsx"])
    assert read.failures == ()
    [form] = read.forms
    found = [p for p in form.data.warnings if p.code == "FORMULA_NO_VALUE"]
    assert {(p.location.sheet, p.location.row, p.location.column, p.found.split(" ")[0]) for p in found} == {
        ("工资性支出", 10, "F10", "=F11+F12+F13"),
        ("工资性支出", 17, "G17", "=E17"),
    }
    assert all(p.severity == "warning" and "公式未保存计算结果" in p.message for p in found)
    project = form.data.projects.iloc[0]
    assert math.isnan(project["spent"]) and project["budget"] == 251.89  # unknown, not 0; the rest as printed
    assert math.isnan(form.data.indicators["actual"].iloc[0])


# ----------------------------------------------------------------------------- a published total beyond every band


def test_a_total_beyond_every_band_is_said_so():
    from evaltools.scoring.audit.scores import _expected_grade

    assert _expected_grade("良好") == "按等级表应为「良好」"
    for band in (None, math.nan, ""):
        assert "None" not in _expected_grade(band) and "不在等级表任何档次的分数范围内" in _expected_grade(band)


# ----------------------------------------------------------------------------- invisible characters on a page


def test_pages_show_invisible_characters_visibly():
    assert visible("a\u202eb\n") == "a<U+202E>b<U+000A>"
    assert fmt.page_text("甲\u202e乙\u200b\x1b[31m\r\n丙\t") == "甲⟨U+202E⟩乙⟨U+200B⟩⟨U+001B⟩[31m⟨U+000D⟩\n丙\t"
    assert fmt.page_html('<b>\u202e"') == "&lt;b&gt;⟨U+202E⟩&quot;"
    shown = fmt.page_finalize(Markup("<td>甲\u202e乙</td>"))
    assert isinstance(shown, Markup) and str(shown) == "<td>甲⟨U+202E⟩乙</td>"  # ready HTML stays HTML
    assert fmt.page_finalize(87) == 87 and fmt.page_finalize("plain") == "plain"


def test_report_template_environment_applies_it_once():
    from evaltools.report.sections import _env

    page = _env().from_string("<p>{{ name }}</p>").render(name="桥西\u202e区<script>")
    assert page == "<p>桥西⟨U+202E⟩区&lt;script&gt;</p>"
