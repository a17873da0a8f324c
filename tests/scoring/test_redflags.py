"""The per-form red flags (evaltools/scoring/audit/redflags.py) on the 2022 report's tables, each planted by hand and
the finding's figures computed by hand; their thresholds (params/review/flags.yaml) read strictly."""

from __future__ import annotations

import numpy as np
import pytest

from evaltools.errors import ParamsError
from evaltools.scoring.audit import CODES
from evaltools.scoring.audit.flagparams import FLAGS_FILE, flag_params
from evaltools.scoring.audit.redflags import with_red_flags

RED_FLAGS = (
    "ALL_FULL_MARKS",
    "LOW_EXECUTION_FULL_OUTPUT",
    "COST_FAR_OVER_TARGET",
    "SATISFACTION_NO_BASIS",
    "TARGETS_EQUAL_ACTUALS",
    "DEVIATION_WITHOUT_REASON",
)


def _with(data, **tables):
    return type(data)(data.profile, {**data.tables, **tables})


def _flags(data, rules, code):
    from evaltools import evaluate

    found = evaluate(data, with_red_flags(rules)).findings
    return found[found["code"] == code].reset_index(drop=True)


def test_red_flags_are_off_unless_the_rule_set_asks(data_2022, rules_2022, ev_2022):
    assert not ev_2022.findings["code"].isin(RED_FLAGS).any()  # the 2022 report (golden) is unchanged
    assert with_red_flags(rules_2022).audit["red_flags"] is True and "red_flags" not in rules_2022.audit
    assert all(CODES[c].severity == "warning" and CODES[c].label for c in RED_FLAGS)


def test_the_2022_report_with_red_flags_on_names_two_satisfactions_without_a_survey(data_2022, rules_2022):
    """服务对象满意度（投诉情况） prints 投诉率低于 2% (complaints, no survey); 代理对象满意度 受到代理对象好评 (words, no
    survey); 群众和机构满意度 has no actual (MISSING_ACTUAL's, not this flag)."""
    f = _flags(data_2022, rules_2022, "SATISFACTION_NO_BASIS")
    assert f["subject"].tolist() == ["失业就业服务 / 服务对象满意度（投诉情况）", "档案保管和整理 / 代理对象满意度"]
    assert f["message"].tolist() == [
        "「服务对象满意度（投诉情况）」完成情况为「投诉率低于 2%」：以投诉情况代替满意度调查，满意度缺少调查依据",
        "「代理对象满意度」完成情况为「受到代理对象好评」：未说明调查方式和样本，满意度缺少调查依据",
    ]
    ind = data_2022.indicators.copy()
    ind.loc[13, "actual_text"] = "经问卷调查（样本 200 份），未收到投诉"
    ind.loc[22, "actual_text"] = "满意度 96%"  # words with a figure, but no measured figure: still no basis
    f = _flags(_with(data_2022, indicators=ind), rules_2022, "SATISFACTION_NO_BASIS")
    assert f["indicator"].tolist() == ["代理对象满意度"]
    ind.loc[13, ["actual", "unit", "actual_text", "deviation"]] = [
        0.98,
        "%",
        None,
        "本年度未收到投诉",
    ]  # a figure, and why
    f = _flags(_with(data_2022, indicators=ind), rules_2022, "SATISFACTION_NO_BASIS")
    assert f.at[0, "message"] == (
        "「服务对象满意度（投诉情况）」偏差原因为「本年度未收到投诉」：以投诉情况代替满意度调查，满意度缺少调查依据"
    )


def test_all_full_marks(data_2022, rules_2022):
    ind = data_2022.indicators.copy()
    rows = ind.index[(ind["project"] == "档案保管和整理").to_numpy()]
    ind.loc[rows, "panel_score"] = ind.loc[rows, "weight"]  # 9 rows, 90 points
    f = _flags(_with(data_2022, indicators=ind), rules_2022, "ALL_FULL_MARKS")
    assert len(f) == 1 and (f.at[0, "project"], f.at[0, "field"], f.at[0, "computed"]) == (
        "档案保管和整理",
        "total",
        90.0,
    )
    assert (
        f.at[0, "message"]
        == "「档案保管和整理」全部 9 项计分指标自评均为满分（合计 90 分）：应逐项核实完成情况和佐证材料"
    )
    ind.loc[rows[0], "panel_score"] = 9.5  # one row below its 10 points
    assert _flags(_with(data_2022, indicators=ind), rules_2022, "ALL_FULL_MARKS").empty
    ind.loc[rows[0], "panel_score"] = np.nan  # one row's score not printed: unknown, not full marks
    assert _flags(_with(data_2022, indicators=ind), rules_2022, "ALL_FULL_MARKS").empty


def test_low_execution_full_output(data_2022, rules_2022):
    ind, proj = data_2022.indicators.copy(), data_2022.projects.copy()
    output = ind.index[((ind["project"] == "档案保管和整理") & (ind["level1"] == "产出指标")).to_numpy()]
    ind.loc[output, "panel_score"] = ind.loc[output, "weight"]  # the 6 产出 rows at full marks
    proj.loc[1, ["spent", "stated_rate"]] = [0.0024, np.nan]  # 0.0024 of 3.00 万元: 0.08%
    f = _flags(_with(data_2022, indicators=ind, projects=proj), rules_2022, "LOW_EXECUTION_FULL_OUTPUT")
    assert len(f) == 1 and f.at[0, "project"] == "档案保管和整理" and f.at[0, "field"] == "funds.rate"
    assert (f.at[0, "stated"], f.at[0, "computed"]) == (0.3, pytest.approx(0.0008))
    assert (
        f.at[0, "message"]
        == "「档案保管和整理」预算执行率仅 0.08%（低于 30%），6 项产出指标却全部自评满分：应核实产出完成情况"
    )
    proj.loc[1, "spent"] = 0.9  # 30%: not below the threshold
    assert _flags(_with(data_2022, indicators=ind, projects=proj), rules_2022, "LOW_EXECUTION_FULL_OUTPUT").empty
    proj.loc[1, "spent"] = 0.0024
    ind.loc[output[0], "panel_score"] = 9.0  # one 产出 row short of full marks
    assert _flags(_with(data_2022, indicators=ind, projects=proj), rules_2022, "LOW_EXECUTION_FULL_OUTPUT").empty


def test_cost_far_over_target(data_2022, rules_2022):
    ind = data_2022.indicators.copy()
    ind.loc[1, ["level2", "direction", "unit", "target", "actual", "actual_text"]] = [
        "成本指标",
        "<=",
        "万元",
        10.0,
        24.0,
        None,
    ]
    f = _flags(_with(data_2022, indicators=ind), rules_2022, "COST_FAR_OVER_TARGET")
    assert len(f) == 1 and (f.at[0, "indicator"], f.at[0, "stated"], f.at[0, "computed"]) == (
        "提供工作岗位数",
        10.0,
        24.0,
    )
    assert (
        f.at[0, "message"]
        == "「提供工作岗位数」实际 24万元，为目标 10万元 的 2.4 倍（≥ 2 倍）：成本远超目标，应核实成本控制情况及得分"
    )
    ind.loc[1, "actual"] = 19.9  # 1.99 times
    assert _flags(_with(data_2022, indicators=ind), rules_2022, "COST_FAR_OVER_TARGET").empty
    ind.loc[1, ["level2", "actual"]] = ["数量指标", 24.0]  # not a cost: OVERACHIEVED's, not this flag
    assert _flags(_with(data_2022, indicators=ind), rules_2022, "COST_FAR_OVER_TARGET").empty


def test_targets_equal_actuals(data_2022, rules_2022):
    """失业就业服务's quantitative rows with a target and a weight: 提供工作岗位数, 达成就业意向人数, 技师培训人数,
    完成创业服务人数, 就业创业宣传次数 (the range row and the weightless breakdown rows are not counted)."""
    ind = data_2022.indicators.copy()
    rows = [1, 2, 3, 4, 9]
    ind.loc[rows, "actual"] = ind.loc[rows, "target"]
    f = _flags(_with(data_2022, indicators=ind), rules_2022, "TARGETS_EQUAL_ACTUALS")
    assert len(f) == 1 and (f.at[0, "project"], f.at[0, "computed"]) == ("失业就业服务", 5.0)
    assert (
        f.at[0, "message"]
        == "「失业就业服务」全部 5 项定量指标的实际完成值均与年度指标值相同：应核实实际值是否照抄目标"
    )
    ind.loc[9, "actual"] = np.nan  # four left: fewer than 5
    assert _flags(_with(data_2022, indicators=ind), rules_2022, "TARGETS_EQUAL_ACTUALS").empty
    ind.loc[9, "actual"] = 5.0  # five again, one above its target
    assert _flags(_with(data_2022, indicators=ind), rules_2022, "TARGETS_EQUAL_ACTUALS").empty


def test_deviation_without_reason(data_2022, rules_2022):
    ind = data_2022.indicators.copy()
    assert _flags(data_2022, rules_2022, "DEVIATION_WITHOUT_REASON").empty  # no form prints a 偏差原因: not judged
    ind.loc[14, "deviation"] = "档案数量超过预期"  # 档案保管和整理 prints the column (on a row that met its target)
    ind.loc[15, "actual"] = 3000.0  # 档案后续服务人次 3,000 of 3,600: missed, no reason
    ind.loc[16, ["actual", "deviation"]] = [400.0, "无"]  # 办理退休人数 400 of 500: 无 is no reason
    ind.loc[3, "actual"] = 20.0  # 技师培训人数 20 of 24, but 失业就业服务 prints no 偏差原因 column
    f = _flags(_with(data_2022, indicators=ind), rules_2022, "DEVIATION_WITHOUT_REASON")
    assert f["indicator"].tolist() == ["档案后续服务人次", "办理退休人数"]
    assert f.at[0, "message"] == "「档案后续服务人次」未达目标（实际 3,000人次，目标 3,600人次），偏差原因未填写"
    assert (f.at[0, "field"], f.at[0, "stated"], f.at[0, "computed"]) == ("indicator.deviation", 3600.0, 3000.0)
    ind.loc[15, "deviation"] = "受疫情影响，线下服务减少"
    f = _flags(_with(data_2022, indicators=ind), rules_2022, "DEVIATION_WITHOUT_REASON")
    assert f["indicator"].tolist() == ["办理退休人数"]


def test_thresholds_are_read_strictly(tmp_path):
    p = flag_params()
    assert (p["cost_far_over_target"]["ratio"], p["low_execution_full_output"]["rate"]) == (2.0, 0.3)
    assert p["near_duplicate_text"]["threshold"] == 90 and "无投诉" not in p["satisfaction_no_basis"]["complaint"]
    text = FLAGS_FILE.read_text(encoding="utf-8")
    bad = tmp_path / "flags.yaml"
    bad.write_text(text.replace("  ratio: 2.0\n", "  ratio: -1\n"), encoding="utf-8")
    with pytest.raises(ParamsError, match="cost_far_over_target.ratio"):
        flag_params(bad)
    bad.write_text(text.replace("  min_forms: 2\n", "  min_forms: 2\n  extra: 1\n"), encoding="utf-8")
    with pytest.raises(ParamsError, match="unit_all_full"):
        flag_params(bad)
    bad.write_text(text.replace("  rate: 0.3\n", "  rate: 1.5\n"), encoding="utf-8")
    with pytest.raises(ParamsError, match="low_execution_full_output.rate"):
        flag_params(bad)


def test_a_cost_written_at_least_and_far_over_is_no_overachievement(data_2022, rules_2022):
    """成本 target 10 万元 written ≥, actual 24 (240%): COST_TARGET_NOT_UPPER_BOUND and COST_FAR_OVER_TARGET say
    what is wrong; OVERACHIEVED ("目标可能设定偏低") would praise the overspending. The same row as a 数量指标 is
    OVERACHIEVED (24 ÷ 10 = 240% ≥ the rule set's ratio)."""
    ind = data_2022.indicators.copy()
    ind.loc[1, ["level2", "direction", "unit", "target", "actual", "actual_text"]] = [
        "成本指标", ">=", "万元", 10.0, 24.0, None,
    ]  # fmt: skip
    data = _with(data_2022, indicators=ind)
    over = _flags(data, rules_2022, "OVERACHIEVED")
    assert "提供工作岗位数" not in set(over["indicator"])
    assert list(_flags(data, rules_2022, "COST_FAR_OVER_TARGET")["indicator"]) == ["提供工作岗位数"]
    assert "提供工作岗位数" in set(_flags(data, rules_2022, "COST_TARGET_NOT_UPPER_BOUND")["indicator"])
    ind.loc[1, "level2"] = "数量指标"
    over = _flags(_with(data_2022, indicators=ind), rules_2022, "OVERACHIEVED")
    assert list(over.loc[over["indicator"] == "提供工作岗位数", "computed"]) == [24.0]
