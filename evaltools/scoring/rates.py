"""Rates of the department and its projects, each with its formula and source.

Every function returns a tidy DataFrame with one row per rate and the columns
``key, label, subject, numerator, denominator, value, formula, source`` (value is a fraction,
full precision). :func:`all_rates` concatenates them for one year. Each takes one unit's
:class:`~evaltools.data.model.YearData` or many units' :class:`~evaltools.data.model.UnitsData`; for
many units every rate also names its unit (``org``) and is computed in one pass over all of them.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaltools.data.model import UnitsData, as_units
from evaltools.data.schema import ORG
from evaltools.scoring.codes import category_codes
from evaltools.scoring.frames import code_sums

if TYPE_CHECKING:
    from evaltools.data.model import YearData
    from evaltools.scoring.rules import RuleSet

COLUMNS = ["key", "label", "subject", "numerator", "denominator", "value", "formula", "source"]
SRC_53 = "财预〔2013〕53号 附件2"
SRC_10 = "财预〔2020〕10号"
DEPARTMENT = "部门整体"


def _frame(
    org: object, key: object, label: object, subject: object, num: object, den: object, formula: object, source: object
) -> pd.DataFrame:
    """Rates from aligned arrays (or scalars): value = numerator / denominator, NaN when the denominator is 0."""
    n = len(org)
    index = pd.RangeIndex(n)  # one index object for every column: the frame aligns nothing
    text = lambda v: pd.Series(_values(v, n), index=index, dtype=object)  # noqa: E731 - never inferred as str
    numerator, denominator = _values(num, n, float), _values(den, n, float)
    with np.errstate(divide="ignore", invalid="ignore"):
        value = np.where(denominator != 0, numerator / denominator, np.nan)
    columns = dict(key=key, label=label, subject=subject)
    return pd.DataFrame(
        {
            ORG: _org_column(org).set_axis(index),
            **{k: text(v) for k, v in columns.items()},
            "numerator": numerator,
            "denominator": denominator,
            "value": value,
            "formula": text(formula),
            "source": text(source),
        },
        index=index,
    )


@functools.cache
def _no_rates() -> pd.DataFrame:
    """The rates frame of no rate (its columns and their types), built once; callers get copies."""
    numbers = ("numerator", "denominator", "value")
    return pd.DataFrame({c: pd.Series([], dtype=float if c in numbers else object) for c in [ORG, *COLUMNS]})


def _org_column(org: object) -> pd.Series:
    """The unit column: a categorical of the units where the input had one (no hashing later), else text."""
    if isinstance(org, (pd.Series, pd.Categorical)) and isinstance(org.dtype, pd.CategoricalDtype):
        return pd.Series(org).reset_index(drop=True)
    return pd.Series(org, dtype=object)


def _values(v: object, n: int, dtype: object = object) -> np.ndarray:
    if isinstance(v, pd.Series):
        v = v.to_numpy()
    if np.ndim(v):
        return np.asarray(v, dtype=dtype)
    out = np.empty(n, dtype=dtype)
    out[:] = v  # faster than np.full for text
    return out


def _empty() -> pd.DataFrame:
    return _frame(np.array([], dtype=object), [], [], [], [], [], [], [])


def _interleave(parts: list[pd.DataFrame], orgs: list[str] | None = None) -> pd.DataFrame:
    """Concatenate rate frames and order them by unit (in ``orgs`` order), keeping each frame's order
    and, within a unit, the order of the frames."""
    parts = [p for p in parts if len(p)]
    if not parts:
        return _empty()
    out = pd.concat(parts, ignore_index=True)
    if orgs is not None and len(parts) > 1:
        out = out.take(np.argsort(category_codes(out[ORG], orgs), kind="stable")).reset_index(drop=True)
    return out


def _public(frame: pd.DataFrame, single: bool) -> pd.DataFrame:
    """Drop the unit column when the caller passed one unit's data."""
    return frame.drop(columns=ORG) if single else frame


def execution_rate(budget: float, spent: float) -> float:
    """预算执行率 = 全年执行数 / 全年预算数 (财预〔2020〕10号); NaN when the budget is 0."""
    return float(spent) / float(budget) if budget else float("nan")


def _line_rates(lines: pd.DataFrame) -> pd.DataFrame:
    org = lines[ORG].reset_index(drop=True)
    gross = _frame(
        org,
        "line_execution",
        "预算执行率",
        lines["line"].to_numpy(dtype=object),
        lines["spent"],
        lines["budget"],
        "支出数 / 预算数",
        SRC_10,
    )
    has = lines["prior_year_payables"].notna().to_numpy()
    sub = lines[has]
    net = _frame(
        sub[ORG].reset_index(drop=True),
        "line_execution_net",
        "预算执行率（扣除上年应付未付）",
        sub["line"].to_numpy(dtype=object),
        sub["spent"] - sub["prior_year_payables"],
        sub["budget"],
        "(支出数 − 上年应付未付) / 预算数",
        SRC_10,
    )
    order = np.concatenate([np.arange(len(lines)) * 2, np.flatnonzero(has) * 2 + 1])
    both = pd.concat([gross, net], ignore_index=True)
    return both.take(np.argsort(order, kind="stable")).reset_index(drop=True)


def budget_line_rates(lines: pd.DataFrame) -> pd.DataFrame:
    """Per budget line: 预算执行率 = 支出/预算, and where prior-year payables settled in the year
    are recorded, 扣除上年应付未付后的执行率 = (支出 − 上年应付未付)/预算 (both variants shown)."""
    single = ORG not in lines
    return _public(_line_rates(lines.assign(**{ORG: None}) if single else lines), single)


def _project_rates(projects: pd.DataFrame) -> pd.DataFrame:
    return _frame(
        projects[ORG].reset_index(drop=True),
        "project_execution",
        "资金使用率",
        projects["project"].to_numpy(dtype=object),
        projects["spent"],
        projects["budget"],
        "全年执行数 / 全年预算数",
        SRC_10,
    )


def project_rates(projects: pd.DataFrame) -> pd.DataFrame:
    """Per project: 资金使用率 (预算执行率) = 全年执行数(B) / 全年预算数(A) (自评表 执行率 B/A)."""
    single = ORG not in projects
    return _public(_project_rates(projects.assign(**{ORG: None}) if single else projects), single)


def _sums(
    frame: pd.DataFrame, orgs: list[str], column: str, rows: np.ndarray | None = None, *, known: bool = False
) -> np.ndarray:
    """Σ ``column`` per unit (in ``orgs`` order), over ``rows`` when given. Missing values count as 0 (上年应付未付
    not printed: none), unless ``known``: then a unit with any missing value has an unknown sum (NaN) — a 预算数 or
    支出数 not printed or unreadable is not 0 (issue 20 item 2: department_execution was 0.0 when spending was not
    printed, 融媒体中心 2021)."""
    return _sums_of(frame, orgs, [column], rows, known=known)[column]


def _sums_of(
    frame: pd.DataFrame, orgs: list[str], columns: list[str], rows: np.ndarray | None = None, *, known: bool = False
) -> dict[str, np.ndarray]:
    """:func:`_sums` of several columns in one grouping (each column summed as alone: pandas' compensated sum per
    column); a table without rows sums to 0 without a grouping."""
    if rows is not None:
        frame = frame[rows]
    if not len(frame):
        return {c: np.zeros(len(orgs)) for c in columns}
    codes = category_codes(frame[ORG], orgs)
    values = {c: np.nan_to_num(frame[c].to_numpy(dtype=float), nan=0.0, posinf=np.inf, neginf=-np.inf) for c in columns}
    out = code_sums(values, codes, len(orgs))
    if known:  # units with a missing value: counted on the codes (no second groupby)
        codes = np.asarray(codes)
        for c in columns:
            missing = frame[c].isna().to_numpy() & (codes >= 0) & (codes < len(orgs))
            out[c][np.bincount(codes[missing], minlength=len(orgs))[: len(orgs)] > 0] = np.nan
    return out


def _department_rate(
    orgs: np.ndarray,
    keep: np.ndarray,
    key: str,
    label: str,
    num: np.ndarray,
    den: np.ndarray,
    formula: str,
    source: str = SRC_53,
) -> pd.DataFrame:
    if not np.any(keep):  # a rate no unit has (dropped by _interleave): the same empty frame, built once
        return _no_rates().copy()
    return _frame(
        orgs[np.flatnonzero(keep)],
        key,
        label,
        DEPARTMENT,
        np.asarray(num, dtype=float)[keep],
        np.asarray(den, dtype=float)[keep],
        formula,
        source,
    )


def _department_rates(data: UnitsData, rules: RuleSet) -> pd.DataFrame:
    orgs = data.org_index
    lines, projects, units = data.budget_lines, data.projects, data.units
    line_sums = _sums_of(lines, orgs, ["budget", "spent"], known=True)
    project_sums = _sums_of(projects, orgs, ["budget", "spent"], known=True)
    budget = line_sums["budget"] + project_sums["budget"]
    spent = line_sums["spent"] + project_sums["spent"]
    payables = _sums(lines, orgs, "prior_year_payables")
    public = lines["line"].isin(list(rules.public_expense_lines)).to_numpy()
    n_public = _sums(lines.assign(_one=1.0), orgs, "_one", public) if public.any() else np.zeros(len(orgs))
    public_sums = _sums_of(lines, orgs, ["spent", "budget"], public, known=True)
    staff, authorized = (units[c].to_numpy(dtype=float) for c in ("staff_actual", "staff_authorized"))
    carry = units["assets_carryover"].to_numpy(dtype=float)
    rates = [  # key, label, which units have it, numerator, denominator, formula
        ("department_execution", "部门预算执行率", True, spent, budget, "Σ支出数 / Σ预算数（基本支出 + 项目支出）"),
        (
            "department_execution_net",
            "部门预算执行率（扣除上年应付未付）",
            payables != 0,
            spent - payables,
            budget,
            "(Σ支出数 − 上年应付未付) / Σ预算数",
        ),
        (
            "public_expense_control",
            "公用经费控制率",
            n_public > 0,
            public_sums["spent"],
            public_sums["budget"],
            "实际公用经费 / 预算公用经费",
        ),
        (
            "staff_control",
            "在职人员控制率",
            ~np.isnan(staff) & (np.nan_to_num(authorized) != 0),
            staff,
            authorized,
            "在职人数 / 编制数",
        ),
    ]
    rates = [(*rate, SRC_53) for rate in rates]
    for den_key, den, text in (("budget", budget, "预算数"), ("spent", spent, "支出数")):
        chosen = den_key == rules.carryover_denominator
        key = "carryover" if chosen else f"carryover_by_{den_key}"
        label = "结转结余率" + ("" if chosen else f"（按{text}）")
        source = SRC_53 + ("" if den_key == "budget" else "（一地规则）")
        rates.append((key, label, ~np.isnan(carry), carry, den, f"结转结余总额 / {text}", source))
    return _one_frame(rates, orgs)


def _one_frame(rates: list[tuple], orgs: pd.Index) -> pd.DataFrame:
    """The department rates (key, label, which units have it, numerator, denominator, formula, source; one value
    per unit) as one frame ordered by unit, then as listed — what concatenating one frame per rate and ordering
    it by unit gives (:func:`_interleave`), built as one frame (issue 19 item 6)."""
    n = len(orgs)
    at = [np.flatnonzero(np.broadcast_to(keep, n)) for _, _, keep, *_ in rates]
    if not sum(len(a) for a in at):
        return _empty()
    codes = np.concatenate(at)
    order = np.argsort(codes, kind="stable")

    def column(i: int, dtype: object = object) -> np.ndarray:  # field i of every rate, one value per unit kept
        parts = [np.broadcast_to(np.asarray(r[i], dtype=dtype), n)[a] for r, a in zip(rates, at)]
        return np.concatenate(parts)[order]

    org = pd.Categorical.from_codes(codes[order], categories=orgs)
    return _frame(org, column(0), column(1), DEPARTMENT, column(3, float), column(4, float), column(5), column(6))


def department_rates(data: YearData | UnitsData, rules: RuleSet) -> pd.DataFrame:
    """Department-wide rates (财预〔2013〕53号 附件2 common indicators), per unit:

    * 部门预算执行率 = Σ支出 / Σ预算 over budget lines and projects; also net of prior-year payables;
    * 公用经费控制率 = 实际公用经费 / 预算公用经费 (lines named in ``rules.public_expense_lines``);
    * 在职人员控制率 = 在编人数 / 编制数;
    * 结转结余率 = 结转结余总额 / 预算数 (or / 支出数, ``rules.carryover_denominator``; both shown).
    """
    return _public(_department_rates(as_units(data), rules), not isinstance(data, UnitsData))


def _by_item(now: pd.DataFrame, before: pd.DataFrame, key_col: str) -> pd.DataFrame:
    """Each item (line or project) of a unit found in both years: spending now and before."""
    left = now[[ORG, key_col, "spent"]].reset_index(drop=True).reset_index(names="_pos")
    right = before[[ORG, key_col, "spent"]].drop_duplicates([ORG, key_col])
    both = left.merge(right, on=[ORG, key_col], how="inner", suffixes=("", "_before"), sort=False)
    return both.sort_values("_pos", kind="stable")


def _change_rates(data: UnitsData) -> pd.DataFrame:
    prev = data.previous
    if prev is None:
        return _empty()
    both = [i for i, o in enumerate(data.orgs) if o in prev]
    orgs = data.org_index[both]
    org = pd.Categorical.from_codes(np.asarray(both, dtype=np.int64), categories=data.org_index)
    every = np.ones(len(orgs), dtype=bool)

    def total(d: UnitsData, col: str) -> np.ndarray:
        return _sums(d.budget_lines, orgs, col) + _sums(d.projects, orgs, col)

    parts = [
        _department_rate(
            org,
            every,
            "budget_change",
            "预算变动率",
            total(data, "budget") - total(prev, "budget"),
            total(prev, "budget"),
            "(本年 − 上年) / 上年",
        ),
        _department_rate(
            org,
            every,
            "spending_change",
            "支出变动率",
            total(data, "spent") - total(prev, "spent"),
            total(prev, "spent"),
            "(本年 − 上年) / 上年",
        ),
    ]
    for name, key_col in (("budget_lines", "line"), ("projects", "project")):
        both = _by_item(data.tables[name], prev.tables[name], key_col)
        parts.append(
            _frame(
                both[ORG].reset_index(drop=True),
                "item_spending_change",
                "支出变动率",
                both[key_col].to_numpy(dtype=object),
                both["spent"] - both["spent_before"],
                both["spent_before"],
                "(本年 − 上年) / 上年",
                SRC_53,
            )
        )
    return _interleave(parts, orgs)


def change_rates(data: YearData | UnitsData) -> pd.DataFrame:
    """Year-over-year 变动率 = (本年 − 上年) / 上年 (财预〔2013〕53号), where last year's data exists:
    total budget, total spending, each budget line's and each project's spending."""
    return _public(_change_rates(as_units(data)), not isinstance(data, UnitsData))


def all_rates(data: YearData | UnitsData, rules: RuleSet) -> pd.DataFrame:
    """Every rate of the year in one tidy frame (ordered by unit, then as the parts below)."""
    units = as_units(data)
    parts = [  # a part with no rate is left out (as _interleave leaves it out): not built at all
        *([_line_rates(units.budget_lines)] if len(units.budget_lines) else []),
        *([_project_rates(units.projects)] if len(units.projects) else []),
        _department_rates(units, rules),
        *([_change_rates(units)] if units.previous is not None else []),
    ]
    return _public(_interleave(parts, units.org_index), not isinstance(data, UnitsData))
