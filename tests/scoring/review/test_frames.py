"""review_frames on a generated many-unit dataset and on the real forms of examples/forms (values read off the
evaluation and the forms by hand)."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from evaltools.scoring.review import review_frames
from evaltools.scoring.review.frames import FINDING_COLUMNS, FORM_COLUMNS, INDICATOR_COLUMNS


def test_columns_are_the_contract(units_frames, forms_frames):
    for frames in (units_frames, forms_frames):
        assert list(frames.forms.columns) == FORM_COLUMNS
        assert list(frames.indicators.columns) == INDICATOR_COLUMNS
        assert list(frames.findings.columns) == FINDING_COLUMNS


def test_dataset_forms_are_unit_and_project(units_ev, units_frames):
    forms = units_frames.forms.set_index("form")
    assert len(forms) == 15 and forms.index.is_unique
    first = forms.loc["合成数据单位00000｜项目1"]
    project = units_ev.projects.iloc[0]
    assert (first["unit"], first["project"], first["kind"]) == ("合成数据单位00000", "项目1", "project")
    assert first["self_score"] == project["published_score"] == 85.0
    assert first["computed_score"] == project["computed_score"] == pytest.approx(60.95)
    assert (first["self_grade"], first["computed_grade"]) == ("良", "中")
    assert first["peer_group"] == "合成数据·事业单位" and first["year"] == 2022
    assert first["budget"] == 186.39 and first["spent"] == 188.51
    # 项目2 prints no score: the self-evaluation is unknown, not the recomputed one
    second = forms.loc["合成数据单位00000｜项目2"]
    assert math.isnan(second["self_score"]) and pd.isna(second["self_grade"]) and not second["unknown"]


def test_dataset_counts_are_the_forms_findings(units_frames):
    forms, found = units_frames.forms.set_index("form"), units_frames.findings
    for form, row in forms.iterrows():
        mine = found[found["form"] == form]
        assert row["errors"] == (mine["severity"] == "error").sum()
        assert row["warnings"] == (mine["severity"] == "warning").sum()
    # a unit-level finding (a budget line, no project) of a unit with several forms belongs to no form
    line = found[(found["code"] == "SPENT_OVER_BUDGET") & (found["subject"] == "日常公用支出")].iloc[0]
    assert pd.isna(line["form"]) and line["unit"] == "合成数据单位00000"


def test_dataset_indicators_join_their_form(units_ev, units_frames):
    ind = units_frames.indicators
    assert len(ind) == len(units_ev.indicators) == 100
    first = ind.iloc[1]
    assert (first["form"], first["level3"], first["weight"]) == ("合成数据单位00000｜项目1", "指标001", 10.19)
    assert first["target_text"] == "2405" and first["actual_text"] == "2315"
    assert first["computed_score"] == pytest.approx(9.81)


def test_forms_read_from_files(forms_frames):
    forms = forms_frames.forms.set_index("form")
    assert len(forms) == 3
    dept = forms.loc["融媒体中心-部门整体.docx#表格 1"]
    assert (dept["kind"], dept["unit"]) == ("department", "西部（重庆）科学城融媒体中心") and pd.isna(dept["project"])
    assert dept["self_score"] == 97.6 and math.isnan(dept["computed_score"]) and dept["unknown"]
    assert (dept["errors"], dept["warnings"], dept["year"]) == (1, 4, 2021)  # WEIGHTS_NOT_100; four warnings
    wages = forms.loc["青神县发改局-工资性支出.xlsx#工资性支出"]
    assert wages["computed_score"] == 10.0 and wages["computed_grade"] == "差" and math.isnan(wages["self_score"])
    assert wages["execution_rate"] == 1.0 and wages["budget"] == 251.89 and wages["year"] == 2023
    assert wages["text"] == "完成年度工作任务。\n已完成年度工作任务。"
    codes = forms_frames.findings.query("form == '青神县发改局-工资性支出.xlsx#工资性支出'")["code"]
    assert sorted(codes) == ["CATEGORY_WEIGHTS", "MISSING_ACTUAL", "MISSING_ACTUAL", "RATE_ROUNDED"]
    dept_ind = forms_frames.indicators.query("form == '融媒体中心-部门整体.docx#表格 1'")
    assert len(dept_ind) == 5 and dept_ind["project"].isna().all()


def test_meta_must_name_every_unit(units_ev):
    meta = pd.DataFrame({"org": ["合成数据单位00000"], "form": ["a"], "unit": ["A"], "file": [None], "part": [None]})
    with pytest.raises(ValueError, match="no form"):
        review_frames(units_ev, meta)


def test_form_ids_are_unique():
    from evaltools.scoring.review.frames import _unique

    ids = _unique(pd.Series(["A｜P", "A｜Q", "A｜P", "A｜P"]))
    assert list(ids) == ["A｜P", "A｜Q", "A｜P（2）", "A｜P（3）"]


def test_forms_carry_execution_and_missing_actuals(forms_frames):
    """青神县发改局 工资性支出: 预算 = 执行 = 251.89 → 执行率 1 × 分值 10 = 10 (published blank); its two indicators
    (60 + 30 分) have no 完成值 → 2 items, 90 分, share 90 / 90 = 1. 融媒体中心 部门整体: its 「“三公”经费变动率」
    (2 of 19 分) prints neither target nor actual — 无法计算, not a missing actual → 0 of 19."""
    forms = forms_frames.forms.set_index("form")
    wages = forms.loc["青神县发改局-工资性支出.xlsx#工资性支出"]
    assert (wages["execution_weight"], wages["execution_score"]) == (10.0, 10.0)
    assert pd.isna(wages["execution_self_score"])
    assert (wages["missing_actual_count"], wages["missing_actual_weight"], wages["missing_actual_share"]) == (
        2,
        90.0,
        1.0,
    )
    dept = forms.loc["融媒体中心-部门整体.docx#表格 1"]
    assert dept["execution_self_score"] == 7.6 and pd.isna(dept["execution_score"])
    assert (dept["missing_actual_count"], dept["missing_actual_weight"], dept["missing_actual_share"]) == (0, 0.0, 0.0)
