"""Every audit finding on the 2022 report, and each check on hand-made cases."""

from __future__ import annotations

import pytest


def codes(ev):
    return sorted(zip(ev.findings["code"], ev.findings["subject"]))


def one(ev, code, subject=None):
    rows = ev.findings[(ev.findings["code"] == code) & ((ev.findings["subject"] == subject) if subject else True)]
    assert len(rows) == 1, rows
    return rows.iloc[0]


def test_2022_findings_are_exactly_these(ev_2022):
    assert codes(ev_2022) == sorted(
        [
            ("COUNT_MISMATCH", "部门"),
            ("STATEMENT_MISMATCH", "档案保管和整理"),
            ("SUM_MISMATCH", "失业就业服务 / 完成创业服务人数"),
            ("GRADE_BANDS_GAP", "公布的等级表"),
            ("RATE_FORMULA", "人员经费"),
            ("YEAR_IN_TEXT", "部门"),
            ("SPENT_OVER_BUDGET", "人员经费"),
            ("OVERACHIEVED", "失业就业服务 / 提供工作岗位数"),
            ("OVERACHIEVED", "档案保管和整理 / 办理退休人数"),
            ("RANGE_ABOVE", "失业就业服务 / 专场招聘会场次"),
            ("MISSING_ACTUAL", "失业就业服务 / 达成就业意向人数"),
            ("MISSING_ACTUAL", "失业就业服务 / 就业创业宣传次数"),
            ("MISSING_ACTUAL", "档案保管和整理 / 档案后续服务人次"),
            ("MISSING_ACTUAL", "档案保管和整理 / 网络查询和档案室维护次数"),
            ("MISSING_ACTUAL", "创业担保贴息 / 群众和机构满意度"),
            ("SCORE_DIFFERS", "档案保管和整理"),
            ("SCORE_DIFFERS", "创业担保贴息"),
            ("RATE_ROUNDED", "日常公用支出"),
            ("RATE_ROUNDED", "失业就业服务"),
            ("RATE_ROUNDED", "档案保管和整理"),
            ("RATE_ROUNDED", "创业担保贴息"),
            ("TOTAL_CHECKED", "部门整体"),
        ]
    )


def test_project_count_in_text(ev_2022):
    f = one(ev_2022, "COUNT_MISMATCH")
    assert f.severity == "error" and (f.stated, f.computed) == (4, 3)
    assert "4 个项目" in f.message and "只列出 3 个" in f.message


def test_usage_rate_restated_as_100(ev_2022):
    f = one(ev_2022, "STATEMENT_MISMATCH", "档案保管和整理")
    assert f.severity == "error" and f.stated == 1.0 and f.computed == pytest.approx(2.9 / 3)
    assert "2.9/3 = 96.67%；" in f.message and "使用率 100%" in f.message  # two decimals, as the report prints rates


def test_breakdown_does_not_add_up(ev_2022):
    f = one(ev_2022, "SUM_MISMATCH")
    assert (f.stated, f.computed) == (4618, 2683 + 53 + 122 + 883)
    assert "相差 877" in f.message


def test_stated_rates(ev_2022):
    personnel = one(ev_2022, "RATE_FORMULA", "人员经费")
    assert personnel.severity == "warning" and personnel.stated == 0.99
    assert "815.36/616.16 = 132.33%" in personnel.message and "616.16/619.48 = 99.46%" in personnel.message
    assert personnel.message.endswith("能得出该数（非标准公式）")  # both formulas named, in Chinese only
    public = one(ev_2022, "RATE_ROUNDED", "日常公用支出")
    assert public.severity == "info"
    assert public.message.endswith("28.27/29.99 = 94.26% 四舍五入后一致（所述保留 2 位小数）")
    archive = one(ev_2022, "RATE_ROUNDED", "档案保管和整理")
    assert archive.message.endswith("所述 97% 与重算 全年执行数/全年预算数 = 2.9/3 = 96.67% 四舍五入后一致（所述取整）")
    assert one(ev_2022, "RATE_ROUNDED", "失业就业服务").message.endswith("= 6/6 = 100.00% 一致")


def test_grade_table_gap(ev_2022):
    f = one(ev_2022, "GRADE_BANDS_GAP")
    assert f.severity == "error" and (f.stated, f.computed) == (89, 90)


def test_overachievement(ev_2022):
    jobs = one(ev_2022, "OVERACHIEVED", "失业就业服务 / 提供工作岗位数")
    assert "1,427.00%" in jobs.message and (jobs.stated, jobs.computed) == (1000, 14270)
    fairs = one(ev_2022, "RANGE_ABOVE")
    assert "4–6场" in fairs.message and "1,066.67%" in fairs.message


def test_score_differences(ev_2022):
    f = one(ev_2022, "SCORE_DIFFERS", "档案保管和整理")
    assert (f.stated, round(f.computed, 2)) == (87, 84.67) and "相差 2.33" in f.message


def test_year_in_text(ev_2022):
    f = one(ev_2022, "YEAR_IN_TEXT")
    assert (f.stated, f.computed) == (2021, 2022)


def test_total_checked(ev_2022):
    f = one(ev_2022, "TOTAL_CHECKED")
    assert f.severity == "info" and "86.67" in f.message and "87.26" in f.message


def _with(data, **tables):
    return type(data)(data.profile, {**data.tables, **tables})


def test_full_marks_below_target_and_score_above_weight(data_2022, rules_2022):
    from evaltools import evaluate

    ind = data_2022.indicators.copy()
    ind.loc[3, ["actual", "panel_score"]] = [12, 5.0]  # 技师培训 12 of 24, yet 5 of 5 points
    ev = evaluate(_with(data_2022, indicators=ind), rules_2022)
    f = one(ev, "FULL_MARKS_BELOW_TARGET")
    assert "技师培训人数" in f.subject and f.computed == 5.0
    uncapped = evaluate(data_2022, rules_2022.with_changes(execution={"cap": False}))
    assert uncapped.findings["code"].eq("SCORE_ABOVE_WEIGHT").sum() == 0  # no project overspent
    proj = data_2022.projects.copy()
    proj.loc[0, "spent"] = 7.0
    f = one(
        evaluate(_with(data_2022, projects=proj), rules_2022.with_changes(execution={"cap": False})),
        "SCORE_ABOVE_WEIGHT",
    )
    assert f.subject == "失业就业服务" and f.computed == round(70 / 6, 2)  # 7/6 × 10, rounded to 2 decimals


def test_panel_score_above_weight_is_an_audit_finding(data_2022, rules_2022):
    """A panel score of 15 on an indicator worth 10 loads (the table printed it) and the audit names it."""
    from evaltools import evaluate

    ind = data_2022.indicators.copy()
    ind.loc[0, "panel_score"] = 15.0
    f = one(evaluate(_with(data_2022, indicators=ind), rules_2022), "SCORE_ABOVE_WEIGHT")
    assert f.subject == f"失业就业服务 / {ind.loc[0, 'level3']}" and (f.stated, f.computed) == (10.0, 15.0)
    assert f.severity == "error"


def test_published_grade_against_bands(data_2022, rules_2022):
    from evaltools import evaluate

    proj = data_2022.projects.copy()
    proj.loc[0, "published_grade"] = "优秀"
    f = one(evaluate(_with(data_2022, projects=proj), rules_2022), "GRADE_MISMATCH")
    assert f.subject == "失业就业服务" and "应为「良好」" in f.message


def test_weights_not_100_via_api(data_2022, rules_2022):
    from evaltools import evaluate

    ind = data_2022.indicators.copy()
    ind.loc[0, "weight"] = 15.0
    f = one(evaluate(_with(data_2022, indicators=ind), rules_2022), "WEIGHTS_NOT_100")
    assert f.subject == "失业就业服务" and f.computed == 105


def test_spent_over_budget_names_the_payables(ev_2022):
    f = one(ev_2022, "SPENT_OVER_BUDGET", "人员经费")
    assert (f.stated, f.computed) == (616.16, 815.36)
    assert "132.33%" in f.message and "上年应付未付 195.88 万元，扣除后 619.48 万元" in f.message


def test_missing_actuals_are_scored_zero_and_said(ev_2022):
    rows = ev_2022.findings[ev_2022.findings["code"] == "MISSING_ACTUAL"]
    assert len(rows) == 5 and set(rows["severity"]) == {"warning"}
    assert "「达成就业意向人数」没有实际完成值（目标 不低于300人），按 0 分计" in set(rows["message"])
    scored = ev_2022.indicators.set_index("level3")
    assert scored.loc["达成就业意向人数", "computed_score"] == 0.0 and scored.loc["达成就业意向人数", "missing"]


def test_rates_within_rounding_are_info(ev_2022):
    rounded = ev_2022.findings[ev_2022.findings["code"] == "RATE_ROUNDED"]
    assert set(rounded["subject"]) == {"日常公用支出", "失业就业服务", "档案保管和整理", "创业担保贴息"}
    assert set(rounded["severity"]) == {"info"}


def test_execution_below_the_alert_level(data_2022, rules_2022):
    """档案保管和整理 2.9 of 3 (96.67%) passes the default 90%; at a 97% alert it is named."""
    from evaltools import evaluate

    f = one(evaluate(data_2022, rules_2022.with_changes(audit={"execution_alert": 0.97})), "EXECUTION_LOW")
    assert f.subject == "档案保管和整理" and f.computed == pytest.approx(2.9 / 3)
    assert not (evaluate(data_2022, rules_2022).findings["code"] == "EXECUTION_LOW").any()


def test_printed_completion_and_coefficient_checked(data_2022, rules_2022):
    """A printed 完成率 of 100% for 14,270 of 1,000 jobs (1,427%), and a 得分系数 of 100% beside 9 of 10 points."""
    from evaltools import evaluate

    ind = data_2022.indicators.copy()
    ind.loc[1, "stated_completion"] = 1.0
    ind.loc[3, ["panel_score", "score_coefficient"]] = [4.0, 1.0]
    ev = evaluate(_with(data_2022, indicators=ind), rules_2022)
    f = one(ev, "COMPLETION_MISMATCH")
    assert f.subject == "失业就业服务 / 提供工作岗位数" and f.computed == pytest.approx(14.27)
    f = one(ev, "COEFFICIENT_MISMATCH")
    assert f.subject == "失业就业服务 / 技师培训人数" and (f.stated, f.computed) == (1.0, 0.8)


def test_cost_indicator_contradicting_spending(data_2022, rules_2022):
    from evaltools import evaluate

    ind = data_2022.indicators.copy()
    ind.loc[0, ["level2", "unit", "actual"]] = ["成本指标", "万元", 0.0]
    f = one(evaluate(_with(data_2022, indicators=ind), rules_2022), "COST_CONTRADICTS")
    assert f.subject.startswith("失业就业服务 / ") and f.computed == 6.0


def test_target_below_last_years_actual(data_2022, rules_2022):
    """With last year loaded: a ≥ target (1,000 jobs) below last year's actual (1,200) is named."""
    from dataclasses import replace

    from evaltools import evaluate

    last = data_2022.indicators.copy()
    last.loc[1, "actual"] = 1200.0
    previous = _with(data_2022, indicators=last)
    ev = evaluate(replace(data_2022, previous=previous), rules_2022)
    f = one(ev, "TARGET_BELOW_PREVIOUS", "失业就业服务 / 提供工作岗位数")
    assert (f.stated, f.computed) == (1200.0, 1000.0)
    # every other ≥ indicator whose 2022 target lies below the (same) previous actual is named too, e.g. 退休 500 < 712
    assert one(ev, "TARGET_BELOW_PREVIOUS", "档案保管和整理 / 办理退休人数").stated == 712.0


def test_messages_are_chinese_with_two_decimal_percentages(ev_2022):
    """The findings are printed in the Chinese report: no English, no percentage with more than two decimals."""
    import re

    for message in ev_2022.findings["message"]:
        assert not re.search(r"[A-Za-z]{3,}", message), message
        assert not re.search(r"\d\.\d{3,}%", message), message


def test_cost_target_written_as_a_floor(data_2022, rules_2022):
    """A 成本指标 whose target is written ≥ is named (a cost target is a ceiling); ≤, or no direction printed, is not."""
    from evaltools import evaluate

    ind = data_2022.indicators.copy()
    ind.loc[1, ["level2", "direction"]] = ["成本指标", ">="]  # 提供工作岗位数 ≥ 1000, now under 成本指标
    ind.loc[2, ["level2", "direction"]] = ["成本指标", "<="]
    ind.loc[3, ["level2", "direction"]] = ["经济成本指标", None]  # none printed: assumed ≥ by these rules
    ev = evaluate(_with(data_2022, indicators=ind), rules_2022.with_changes(direction_names={"<=": ["控制率"]}))
    f = one(ev, "COST_TARGET_NOT_UPPER_BOUND")
    assert (f.severity, f.project, f.indicator, f.field) == (
        "warning",
        "失业就业服务",
        "提供工作岗位数",
        "indicator.direction",
    )
    assert (
        f.stated == 1000
        and f.message
        == "「提供工作岗位数」是成本指标，指标性质却为「≥」（年度指标值 1,000个）：成本指标的目标应为上限「≤」"
    )
    trainees = ev.indicators.set_index("level3").loc["技师培训人数"]
    assert (trainees["direction"], trainees["direction_assumed"]) == (">=", True)  # ≥ too, but not written so
    assert not evaluate(data_2022, rules_2022).findings["code"].eq("COST_TARGET_NOT_UPPER_BOUND").any()
