"""Rates of 2022, hand-computed from the report's figures."""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "key,subject,expected",
    [
        ("line_execution", "日常公用支出", 28.27 / 29.99),  # 94.26% in the report
        ("line_execution", "人员经费", 815.36 / 616.16),  # 132.33%
        ("line_execution_net", "人员经费", (815.36 - 195.88) / 616.16),  # 100.54% net of 2021 payables
        ("project_execution", "失业就业服务", 1.0),
        ("project_execution", "档案保管和整理", 2.9 / 3),  # 96.67%, report says 97%
        ("project_execution", "创业担保贴息", 1.0),
        ("department_execution", "部门整体", (815.36 + 28.27 + 28.15) / (616.16 + 29.99 + 28.25)),
        ("department_execution_net", "部门整体", (815.36 + 28.27 + 28.15 - 195.88) / (616.16 + 29.99 + 28.25)),
        ("public_expense_control", "部门整体", 28.27 / 29.99),
        ("staff_control", "部门整体", 24 / 30),
        ("carryover", "部门整体", 8.11 / 674.40),
        ("carryover_by_spent", "部门整体", 8.11 / 871.78),
    ],
)
def test_2022_rates(ev_2022, key, subject, expected):
    assert ev_2022.rate(key, subject) == pytest.approx(expected, rel=1e-12)


def test_rates_are_full_precision_fractions(ev_2022):
    assert ev_2022.rate("public_expense_control") == pytest.approx(0.94264755, abs=1e-8)
    assert round(ev_2022.rate("public_expense_control") * 100, 2) == 94.26


def test_change_rates_with_previous_year(data_2022, rules_2022):

    from evaltools.scoring.rates import change_rates

    prev_lines = data_2022.budget_lines.assign(spent=data_2022.budget_lines["spent"] / 2)
    prev = type(data_2022)(data_2022.profile, {**data_2022.tables, "budget_lines": prev_lines})
    now = type(data_2022)(data_2022.profile, data_2022.tables, previous=prev)
    rates = change_rates(now).set_index(["key", "subject"])["value"]
    assert rates[("item_spending_change", "日常公用支出")] == pytest.approx(1.0)  # doubled
    total_now = 815.36 + 28.27 + 28.15
    total_prev = (815.36 + 28.27) / 2 + 28.15
    assert rates[("spending_change", "部门整体")] == pytest.approx(total_now / total_prev - 1)
    assert change_rates(data_2022).empty
