"""Rates of the department and its projects, each with its formula and source.

Every function returns a tidy DataFrame with one row per rate and the columns
``key, label, subject, numerator, denominator, value, formula, source`` (value is a fraction,
full precision). :func:`all_rates` concatenates them for one year.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaltools.fmt import is_missing

if TYPE_CHECKING:
    from evaltools.data.model import YearData
    from evaltools.scoring.rules import RuleSet

COLUMNS = ["key", "label", "subject", "numerator", "denominator", "value", "formula", "source"]
SRC_53 = "财预〔2013〕53号 附件2"
SRC_10 = "财预〔2020〕10号"


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=COLUMNS)
    num = frame["numerator"].astype(float)
    den = frame["denominator"].astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        frame["value"] = (num / den.where(den != 0)).astype(float)
    frame["numerator"], frame["denominator"] = num, den
    return frame


def execution_rate(budget: float, spent: float) -> float:
    """预算执行率 = 全年执行数 / 全年预算数 (财预〔2020〕10号); NaN when the budget is 0."""
    return float(spent) / float(budget) if budget else float("nan")


def budget_line_rates(lines: pd.DataFrame) -> pd.DataFrame:
    """Per budget line: 预算执行率 = 支出/预算, and where prior-year payables settled in the year
    are recorded, 扣除上年应付未付后的执行率 = (支出 − 上年应付未付)/预算 (both variants shown)."""
    rows = []
    for line in lines.itertuples():
        rows.append(
            dict(
                key="line_execution",
                label="预算执行率",
                subject=line.line,
                numerator=line.spent,
                denominator=line.budget,
                formula="支出数 / 预算数",
                source=SRC_10,
            )
        )
        if not is_missing(line.prior_year_payables):
            rows.append(
                dict(
                    key="line_execution_net",
                    label="预算执行率（扣除上年应付未付）",
                    subject=line.line,
                    numerator=line.spent - line.prior_year_payables,
                    denominator=line.budget,
                    formula="(支出数 − 上年应付未付) / 预算数",
                    source=SRC_10,
                )
            )
    return _frame(rows)


def project_rates(projects: pd.DataFrame) -> pd.DataFrame:
    """Per project: 资金使用率 (预算执行率) = 全年执行数(B) / 全年预算数(A) (自评表 执行率 B/A)."""
    return _frame(
        [
            dict(
                key="project_execution",
                label="资金使用率",
                subject=p.project,
                numerator=p.spent,
                denominator=p.budget,
                formula="全年执行数 / 全年预算数",
                source=SRC_10,
            )
            for p in projects.itertuples()
        ]
    )


def department_rates(data: YearData, rules: RuleSet) -> pd.DataFrame:
    """Department-wide rates (财预〔2013〕53号 附件2 common indicators):

    * 部门预算执行率 = Σ支出 / Σ预算 over budget lines and projects; also net of prior-year payables;
    * 公用经费控制率 = 实际公用经费 / 预算公用经费 (lines named in ``rules.public_expense_lines``);
    * 在职人员控制率 = 在编人数 / 编制数;
    * 结转结余率 = 结转结余总额 / 预算数 (or / 支出数, ``rules.carryover_denominator``; both shown).
    """
    lines, projects, prof = data.budget_lines, data.projects, data.profile
    budget = lines["budget"].sum() + projects["budget"].sum()
    spent = lines["spent"].sum() + projects["spent"].sum()
    payables = lines["prior_year_payables"].fillna(0.0).sum()
    public = lines[lines["line"].isin(rules.public_expense_lines)]

    def rate(key: str, label: str, numerator: float, denominator: float, formula: str, source: str = SRC_53) -> dict:
        return dict(
            key=key,
            label=label,
            subject="部门整体",
            numerator=numerator,
            denominator=denominator,
            formula=formula,
            source=source,
        )

    rows = [rate("department_execution", "部门预算执行率", spent, budget, "Σ支出数 / Σ预算数（基本支出 + 项目支出）")]
    if payables:
        rows.append(
            rate(
                "department_execution_net",
                "部门预算执行率（扣除上年应付未付）",
                spent - payables,
                budget,
                "(Σ支出数 − 上年应付未付) / Σ预算数",
            )
        )
    if len(public):
        rows.append(
            rate(
                "public_expense_control",
                "公用经费控制率",
                public["spent"].sum(),
                public["budget"].sum(),
                "实际公用经费 / 预算公用经费",
            )
        )
    if prof.staff_actual is not None and prof.staff_authorized:
        rows.append(
            rate("staff_control", "在职人员控制率", prof.staff_actual, prof.staff_authorized, "在职人数 / 编制数")
        )
    if prof.assets_carryover is not None:
        for den_key, den, text in (("budget", budget, "预算数"), ("spent", spent, "支出数")):
            chosen = den_key == rules.carryover_denominator
            rows.append(
                rate(
                    "carryover" if chosen else f"carryover_by_{den_key}",
                    "结转结余率" + ("" if chosen else f"（按{text}）"),
                    prof.assets_carryover,
                    den,
                    f"结转结余总额 / {text}",
                    SRC_53 + ("" if den_key == "budget" else "（一地规则）"),
                )
            )
    return _frame(rows)


def change_rates(data: YearData) -> pd.DataFrame:
    """Year-over-year 变动率 = (本年 − 上年) / 上年 (财预〔2013〕53号), where last year's data exists:
    total budget, total spending, each budget line's and each project's spending."""
    prev = getattr(data, "previous", None)
    if prev is None:
        return _frame([])
    rows = []

    def add(key, label, subject, now, before):
        rows.append(
            dict(
                key=key,
                label=label,
                subject=subject,
                numerator=now - before,
                denominator=before,
                formula="(本年 − 上年) / 上年",
                source=SRC_53,
            )
        )

    total = lambda d, col: d.budget_lines[col].sum() + d.projects[col].sum()  # noqa: E731
    add("budget_change", "预算变动率", "部门整体", total(data, "budget"), total(prev, "budget"))
    add("spending_change", "支出变动率", "部门整体", total(data, "spent"), total(prev, "spent"))
    for frame_name, key_col in (("budget_lines", "line"), ("projects", "project")):
        now = getattr(data, frame_name).set_index(key_col)["spent"]
        before = getattr(prev, frame_name).set_index(key_col)["spent"]
        for name in now.index.intersection(before.index):
            add("item_spending_change", "支出变动率", name, now[name], before[name])
    return _frame(rows)


def all_rates(data: YearData, rules: RuleSet) -> pd.DataFrame:
    """Every rate of the year in one tidy frame."""
    parts = [
        budget_line_rates(data.budget_lines),
        project_rates(data.projects),
        department_rates(data, rules),
        change_rates(data),
    ]
    return pd.concat([p for p in parts if len(p)], ignore_index=True)
