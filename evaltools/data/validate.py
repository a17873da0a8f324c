"""Cross-table rules checked at the boundary: keys, references, ranges, amounts.

Each rule adds problems with the file, sheet, row and column; values inside one cell are
checked by the pandera schemas in :mod:`evaltools.data.schema`. Only what makes the data
unusable is checked here; whether the published figures add up (weights to 100, funding sources
to the budget, scores within their weights) is the audit's business
(:mod:`evaltools.scoring.audit`), so a table with such a mistake loads and its report names it.
"""

from __future__ import annotations

import pandas as pd

from evaltools.data.schema import TABLES
from evaltools.errors import WARNING, Location, ProblemList
from evaltools.fmt import is_missing

#: Spending above this multiple of the budget is a warning to explain (payables, a supplementary budget)
#: or a typing error to correct (万元, decimals); the audit reports every overrun as well.
SPENT_LIMIT = 2.0


def cross_check(tables: dict[str, pd.DataFrame], raws: dict, problems: ProblemList) -> None:
    """Run every cross-table rule; ``raws`` gives each table's file/sheet for locations."""
    for name, frame in tables.items():
        _duplicates(name, frame, raws, problems)
    _projects(tables["projects"], raws.get("projects"), problems)
    _budget_lines(tables["budget_lines"], raws.get("budget_lines"), problems)
    _indicators(tables["indicators"], tables["projects"], raws.get("indicators"), problems)
    _grade_bands(tables["grade_bands"], raws.get("grade_bands"), problems)


def _where(raw, idx=None, column=None):
    if raw is None:
        return Location("(data)", None, None, column)
    return raw.loc(raw.data_row(idx) if idx is not None else None, column)


def _title(name: str, column: str) -> str:
    return TABLES[name].field(column).title


def _duplicates(name: str, frame: pd.DataFrame, raws: dict, problems: ProblemList) -> None:
    key = list(TABLES[name].key)
    if not key or frame.empty:
        return
    dup = frame.duplicated(key, keep="first")
    for idx in frame.index[dup]:
        first = frame.index[(frame[key] == frame.loc[idx, key]).all(axis=1)][0]
        raw = raws.get(name)
        label = " / ".join(str(frame.loc[idx, k]) for k in key)
        problems.add(
            _where(raw, idx, _title(name, key[-1])),
            "重复 / duplicate entry",
            found=label,
            expected=f"each {'+'.join(_title(name, k) for k in key)} once "
            f"(first at row {raw.data_row(first) if raw else first})",
            code="DUPLICATE",
        )


def _projects(projects: pd.DataFrame, raw, problems: ProblemList) -> None:
    for idx, row in projects.iterrows():  # boundary check over a small table, not the scoring path
        budget, spent = row["budget"], row["spent"]
        if budget == 0 and spent > 0:
            problems.add(
                _where(raw, idx, _title("projects", "budget")),
                "预算为零但有支出 / zero budget with spending",
                found=f"budget 0, spent {spent:g}",
                expected="the 全年预算数 of the project",
                code="ZERO_BUDGET",
            )
        elif budget == 0:
            problems.add(
                _where(raw, idx, _title("projects", "budget")),
                "预算为零，执行率无法计算 / zero budget: the execution rate is undefined",
                found="0",
                expected="a budget > 0",
                severity=WARNING,
                code="ZERO_BUDGET",
            )
        elif spent > SPENT_LIMIT * budget:
            problems.add(
                _where(raw, idx, _title("projects", "spent")),
                "支出远超预算，请说明原因或核对 / spent far above budget: explain or correct",
                found=f"spent {spent:g} against budget {budget:g} ({spent / budget:.0%})",
                expected=f"at most {SPENT_LIMIT:.0%} of the budget, or a reason (payables, a supplementary budget); "
                "check the units (万元) and decimals",
                severity=WARNING,
                code="SPENT_ABOVE_BUDGET",
            )


def _budget_lines(lines: pd.DataFrame, raw, problems: ProblemList) -> None:
    for idx, row in lines.iterrows():
        budget = row["budget"]
        spent = row["spent"] - (0.0 if is_missing(row["prior_year_payables"]) else row["prior_year_payables"])
        if budget == 0 and spent > 0:
            problems.add(
                _where(raw, idx, _title("budget_lines", "budget")),
                "预算为零但有支出 / zero budget with spending",
                found=f"budget 0, spent {row['spent']:g}",
                expected="the line's budget",
                code="ZERO_BUDGET",
            )
        elif budget > 0 and spent > SPENT_LIMIT * budget:
            problems.add(
                _where(raw, idx, _title("budget_lines", "spent")),
                "支出远超预算，请说明原因或核对 / spent far above budget: explain or correct",
                found=f"spent {row['spent']:g} against budget {budget:g}",
                expected=f"at most {SPENT_LIMIT:.0%} of the budget after prior-year payables, or a reason",
                severity=WARNING,
                code="SPENT_ABOVE_BUDGET",
            )


def _indicators(ind: pd.DataFrame, projects: pd.DataFrame, raw: object, problems: ProblemList) -> None:
    """Indicators: known projects, targets where they are scored, ranges in order, breakdowns."""
    if ind.empty:
        return
    known = set(projects["project"])
    for idx in ind.index[ind["project"].notna() & ~ind["project"].isin(known)]:
        problems.add(
            _where(raw, idx, _title("indicators", "project")),
            "指标所属项目不存在 / unknown project",
            found=ind.at[idx, "project"],
            expected=f"one of the projects: {', '.join(sorted(known)) or '(none)'}",
            code="UNKNOWN_PROJECT",
        )
    _targets(ind, raw, problems)
    _breakdowns(ind, raw, problems)


def _targets(ind: pd.DataFrame, raw: object, problems: ProblemList) -> None:
    """A scored quantitative indicator needs a target; a range needs both ends, low ≤ high."""
    scored = ind["applicable"] & ind["parent"].isna()
    rng = ind["direction"] == "range"
    quantitative = ind["direction"].notna() & (ind["direction"] != "qualitative")
    unknown = ind["unknown"].fillna("").str.contains("target")
    for idx in ind.index[scored & quantitative & ind["target"].isna() & ~unknown]:
        problems.add(
            _where(raw, idx, _title("indicators", "target")),
            "缺少年度指标值 / the target is empty",
            found="(empty)",
            expected="a number (use 定性 for qualitative indicators, ? for a figure the source prints but cannot be read)",
        )
    for idx in ind.index[rng & ind["target_high"].isna()]:
        problems.add(
            _where(raw, idx, _title("indicators", "target_high")),
            "区间指标缺少上限 / range without upper bound",
            found="(empty)",
            expected="the upper end of the range, e.g. 6 for 4–6",
        )
    for idx in ind.index[rng & (ind["target"] > ind["target_high"])]:
        problems.add(
            _where(raw, idx, _title("indicators", "target")),
            "区间下限大于上限 / range low > high",
            found=f"{ind.at[idx, 'target']:g}–{ind.at[idx, 'target_high']:g}",
            expected="low ≤ high",
            code="RANGE_ORDER",
        )


def _breakdowns(ind: pd.DataFrame, raw: object, problems: ProblemList) -> None:
    """A breakdown row (所属合计指标) carries no weight and names a total of the same project."""
    parts = ind["parent"].notna()
    for idx in ind.index[parts & (ind["weight"] > 0)]:
        problems.add(
            _where(raw, idx, _title("indicators", "weight")),
            "分项指标不应计分 / a breakdown row carries a weight",
            found=f"{ind.at[idx, 'weight']:g}",
            expected="0: the total it belongs to is scored, not its parts",
        )
    names = set(zip(ind["project"], ind["level3"]))
    for idx in ind.index[parts]:
        if (ind.at[idx, "project"], ind.at[idx, "parent"]) not in names:
            problems.add(
                _where(raw, idx, _title("indicators", "parent")),
                "所属合计指标不存在 / unknown parent indicator",
                found=ind.at[idx, "parent"],
                expected="the 三级指标 name of the total in the same project",
            )


def _grade_bands(bands: pd.DataFrame, raw, problems: ProblemList) -> None:
    """Each published band must have lower ≤ upper; gaps and overlaps between bands are left to the audit
    (the table records what a report printed, right or wrong)."""
    for idx in bands.index[bands["lower"] > bands["upper"]]:  # NaN compares False: open ends pass
        problems.add(
            _where(raw, idx, _title("grade_bands", "lower")),
            "等级下限大于上限 / grade band lower > upper",
            found=f"{bands.at[idx, 'grade']}: {bands.at[idx, 'lower']:g} > {bands.at[idx, 'upper']:g}",
            expected="下限 ≤ 上限 (lower ≤ upper)",
            code="BAND_ORDER",
        )
