"""Rates a report states (执行率, 资金使用率), recomputed by the standard formula and its common alternatives.

Used by the ``statements`` check for the rates its tables state (``stated_rate`` of budget lines and
projects) and the rates its text states (statement metrics ``execution_rate``, ``fund_usage_rate``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.schema import BUDGET_BASES, ORG
from evaltools.scoring.codes import is_in

from .core import AuditContext, Code, Deferred, concat, findings

#: Where a rate a form states is: its 资金 block's 执行率 cell (projects); a budget line's or the text's
#: rate has no form cell.
RATE_FIELD, LINE_RATE_FIELD, TEXT_FIELD = "funds.rate", "budget_lines.stated_rate", "statements.stated"
_AT = (LINE_RATE_FIELD, TEXT_FIELD)

RATE_ROUNDED = Code(
    "RATE_ROUNDED",
    label="比率核对一致",
    severity="info",
    measure="所述比率与按数据重算的结果在四舍五入范围内一致，无需更正。",
    field=RATE_FIELD,
    also_at=_AT,
)
RATE_FORMULA = Code(
    "RATE_FORMULA",
    label="比率计算口径不规范",
    severity="warning",
    measure="执行率统一按“支出数 ÷ 预算数”计算；支付上年应付款项的，另行列示扣除后的执行率并说明。",
    field=RATE_FIELD,
    also_at=_AT,
)
RATE_MISMATCH = Code(
    "RATE_MISMATCH",
    label="比率与重算不符",
    severity="error",
    measure="按数据重新计算报告所述比率，并更正文字。",
    field=RATE_FIELD,
    also_at=(LINE_RATE_FIELD,),
)
RATE_UNCHECKED = Code(
    "RATE_UNCHECKED",
    label="比率无法核对",
    severity="info",
    measure="补齐计算比率所需的预算数和支出数，使所述比率可以核对。",
    field=RATE_FIELD,
    also_at=_AT,
)
#: The codes a stated rate can get.
RATE_CODES = (RATE_ROUNDED, RATE_FORMULA, RATE_MISMATCH, RATE_UNCHECKED)


@dataclass(frozen=True)
class Formula:
    """One way to compute a rate, for many rows: description (one for all rows, or one per row), numerator,
    denominator, value, where it applies."""

    name: str | np.ndarray
    num: np.ndarray
    den: np.ndarray
    value: np.ndarray
    where: np.ndarray | None = None


def _ratio(num: object, den: object, guard: bool = True) -> np.ndarray:
    num, den = np.asarray(num, dtype=float), np.asarray(den, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den != 0, num / den, np.nan) if guard else num / den


def _shown(f: Formula, rows: np.ndarray) -> list[str]:
    """``name = num/den = value`` for the rows ``rows`` of a formula."""
    nums, dens, values = fmt.nums(f.num[rows]), fmt.nums(f.den[rows]), fmt.pcts(f.value[rows])
    names = [f.name] * len(rows) if isinstance(f.name, str) else f.name[rows].tolist()
    return [f"{n} = {a}/{b} = {c}" for n, a, b, c in zip(names, nums, dens, values)]


def rate_findings(
    org: np.ndarray,
    subject: np.ndarray,
    stated: np.ndarray,
    formulas: Sequence[Formula],
    index: pd.Index | None = None,
    *,
    project: object = None,
    field: str = RATE_FIELD,
    decimals: np.ndarray | None = None,
    where: np.ndarray | None = None,
) -> pd.DataFrame:
    """Compare stated rates with the standard formula (first) and alternatives, one finding per row.

    Within rounding of the standard (half a unit of the last printed digit): info RATE_ROUNDED.
    Reproduced only by an alternative: warning RATE_FORMULA naming it. The standard cannot be computed
    (an amount unreadable or zero): info RATE_UNCHECKED. Otherwise: error RATE_MISMATCH with every
    formula tried (those that apply to the row). ``project`` and ``field`` say where the rates are stated;
    ``decimals`` are the decimals each rate was printed with (97.80% → 2: the form's ``stated_rate_decimals``),
    NaN where not known — then inferred from the value (0.978 → 1); ``where`` is added to each message (where
    the text states the rate). The messages are written when read (:class:`~.core.Deferred`)."""
    n = len(stated)
    digits = printed_digits(stated, decimals)
    tol = 0.5 * 10.0 ** (-digits) / 100
    std = formulas[0]
    unchecked = np.isnan(std.value)
    with np.errstate(invalid="ignore"):
        rounded = np.abs(std.value - stated) <= tol + 1e-12
        alt = np.full(n, -1)
        for k in range(len(formulas) - 1, 0, -1):  # the first alternative that reproduces the rate wins
            f = formulas[k]
            hit = np.abs(f.value - stated) <= tol + 1e-12
            alt = np.where(hit & (True if f.where is None else f.where), k, alt)
    alt = np.where(rounded | unchecked, -1, alt)
    which = np.where(unchecked, 3, np.where(rounded, 0, np.where(alt > 0, 1, 2)))  # one shared object per code
    code = np.array(["RATE_ROUNDED", "RATE_FORMULA", "RATE_MISMATCH", "RATE_UNCHECKED"], dtype=object)[which]
    subject = np.asarray(subject, dtype=object)
    message = Deferred(_rate_messages, (subject, stated, digits, rounded, unchecked, alt, list(formulas), where))
    return findings(code, org, subject, message, stated, std.value, project=project, field=field, index=index)


def _rate_messages(
    at: np.ndarray,
    subject: np.ndarray,
    stated: np.ndarray,
    digits: np.ndarray,
    rounded: np.ndarray,
    unchecked: np.ndarray,
    alt: np.ndarray,
    formulas: list[Formula],
    where: np.ndarray | None,
) -> list[str]:
    """The messages of :func:`rate_findings` for its rows ``at``."""
    subject, stated, digits, rounded, unchecked, alt = (
        a[at] for a in (subject, stated, digits, rounded, unchecked, alt)
    )
    formulas = take(formulas, at)
    std = formulas[0]
    said = [f"「{s}」所述 {p}" for s, p in zip(subject, fmt.pcts(stated, digits))]
    message = np.empty(len(at), dtype=object)
    _rounded_messages(message, said, std, stated, digits, np.flatnonzero(rounded))
    for k in range(1, len(formulas)):
        rows = np.flatnonzero(alt == k)
        for i, a, b in zip(rows, _shown(std, rows), _shown(formulas[k], rows)):
            message[i] = f"{said[i]} 不等于标准公式 {a}；只有 {b} 能得出该数（非标准公式）"
    for i in np.flatnonzero(unchecked):
        name = std.name if isinstance(std.name, str) else std.name[i]
        message[i] = f"{said[i]} 无法核对：{name} 所需的数原表无法辨认或为零"
    _mismatch_messages(message, said, formulas, np.flatnonzero(~rounded & ~unchecked & (alt < 0)))
    if where is not None:
        return [m + w for m, w in zip(message.tolist(), where[at].tolist())]
    return message.tolist()


def printed_digits(stated: np.ndarray, decimals: np.ndarray | None) -> np.ndarray:
    """The decimals of each stated percentage: as printed where known, else inferred from the value (trailing
    zeros lost: 97.80% read as the number 0.978 gives 1 — 临翔 2023, yunnan-linxiang-linye-shourongsuo-2023-project)."""
    inferred = np.asarray(fmt.stated_decimals_all(stated), dtype=int)
    if decimals is None:
        return inferred
    known = np.asarray(decimals, dtype=float)
    return np.where(np.isnan(known), inferred, np.nan_to_num(known)).astype(int)


def _rounded_messages(message: np.ndarray, said: list[str], std: Formula, stated, digits, rows: np.ndarray) -> None:
    exact = np.abs(std.value[rows] - stated[rows]) < 1e-12
    agrees = {d: f"四舍五入后一致（所述{_precision(d)}）" for d in set(digits[rows].tolist())}
    for i, shown, ex, d in zip(rows.tolist(), _shown(std, rows), exact.tolist(), digits[rows].tolist()):
        message[i] = f"{said[i]} 与重算 {shown} {'一致' if ex else agrees[d]}"


def _precision(digits: int) -> str:
    """How a stated percentage was rounded, in words: 取整, 保留 2 位小数."""
    return "取整" if digits == 0 else f"保留 {digits} 位小数"


def _mismatch_messages(message: np.ndarray, said: list[str], formulas: Sequence[Formula], rows: np.ndarray) -> None:
    columns = []
    for f in formulas:  # one column of shown formulas per formula, None where it does not apply
        column = np.full(len(rows), None, dtype=object)
        applies = np.ones(len(rows), dtype=bool) if f.where is None else f.where[rows]
        column[applies] = _shown(f, rows[applies])
        columns.append(column.tolist())
    for i, parts in zip(rows.tolist(), zip(*columns)):
        message[i] = f"{said[i]} 与重算不符：{'；'.join(p for p in parts if p is not None)}"


def line_formulas(lines: pd.DataFrame) -> list[Formula]:
    """The formulas a budget line's stated rate is compared with (the payables ones where payables exist)."""
    spent, budget = lines["spent"].to_numpy(dtype=float), lines["budget"].to_numpy(dtype=float)
    pay = lines["prior_year_payables"].fillna(0.0).to_numpy(dtype=float)
    net, has = spent - pay, pay != 0
    return [
        Formula("支出数/预算数", spent, budget, _ratio(spent, budget)),
        Formula("(支出数−上年应付未付)/预算数", net, budget, _ratio(net, budget, guard=False), has),
        Formula("预算数/(支出数−上年应付未付)", budget, net, _ratio(budget, net), has),
        Formula("预算数/支出数", budget, spent, _ratio(budget, spent)),
    ]


def project_formulas(projects: pd.DataFrame) -> list[Formula]:
    """The formulas a project's stated rate is compared with, the budget named as the form prints it (全年预算数, or
    年初预算数 where it prints no other: ``budget_basis``)."""
    spent, budget = projects["spent"].to_numpy(dtype=float), projects["budget"].to_numpy(dtype=float)
    basis = projects["budget_basis"] if "budget_basis" in projects else pd.Series(None, index=projects.index)
    initial = is_in(basis, [BUDGET_BASES[1]]).astype(np.intp)  # each distinct basis compared once
    named = lambda left, right: np.array([left + b + right for b in BUDGET_BASES[:2]], dtype=object)[initial]  # noqa: E731
    return [  # two names: each made once (one object shared by its rows), not a string joined per project
        Formula(named("全年执行数/", ""), spent, budget, _ratio(spent, budget)),
        Formula(named("", "/全年执行数"), budget, spent, _ratio(budget, spent)),
    ]


def take(formulas: list[Formula], rows: np.ndarray) -> list[Formula]:
    return [
        Formula(
            f.name if isinstance(f.name, str) else f.name[rows],
            f.num[rows],
            f.den[rows],
            f.value[rows],
            None if f.where is None else f.where[rows],
        )
        for f in formulas
    ]


def _stated(frame: pd.DataFrame, key: str, formulas: Callable[[pd.DataFrame], list[Formula]]) -> pd.DataFrame:
    rows = np.flatnonzero(frame["stated_rate"].notna().to_numpy())
    if not len(rows):  # no rate stated: nothing to compare
        return concat([])
    sub = frame.iloc[rows]
    names = sub[key].to_numpy(dtype=object)
    is_project = key == "project"
    return rate_findings(
        sub[ORG].array,
        names,
        sub["stated_rate"].to_numpy(dtype=float),
        formulas(sub),
        project=names if is_project else None,
        field=RATE_FIELD if is_project else LINE_RATE_FIELD,
        decimals=sub["stated_rate_decimals"].to_numpy(dtype=float) if "stated_rate_decimals" in sub else None,
    )


def initial_basis(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    """Rates taken against the 年初预算数 because the table prints no full-year (adjusted) budget (北京 海淀 2016:
    年初预算数(A) | 全年执行数(B) | 执行率(B/A) = 154.74/310.2 = 50%, beijing-haidian-xueyuanlu-baojie-2016-project):
    when the rate is below 100% a reviewer notes that a mid-year cut of the budget cannot be seen — the unspent
    part may be a budget no longer there (RATE_FORMULA, one per row). A rate of 100% or more is not in question
    here (overspending is the spending check's). Rows whose ``budget_basis`` is not stated are not judged."""
    if "budget_basis" not in frame or not len(frame):
        return concat([])
    rate = _ratio(frame["spent"], frame["budget"])
    stated = frame["stated_rate"].to_numpy(dtype=float)
    rate = np.where(np.isnan(rate), stated, rate)
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero((frame["budget_basis"] == BUDGET_BASES[1]).to_numpy() & (rate < 1.0))
    sub = frame.iloc[rows]
    names = sub[key].to_numpy(dtype=object)
    text = [
        f"「{n}」资金表只列年初预算数、未列全年（调整后）预算数，执行率 {p} 按年初预算数 {b} 万元计算；"
        "年中如调减预算，表上无法反映，执行率可能被低估"
        for n, p, b in zip(names, fmt.pcts(rate[rows]), fmt.wans(sub["budget"]))
    ]
    is_project = key == "project"
    return findings(
        "RATE_FORMULA",
        sub[ORG].array,
        names,
        text,
        stated[rows],
        rate[rows],
        project=names if is_project else None,
        field=RATE_FIELD if is_project else LINE_RATE_FIELD,
    )


def table_rates(ctx: AuditContext) -> pd.DataFrame:
    """Rates the report's tables state for budget lines and projects against the recomputed ones, and rates taken
    against an initial budget (:func:`initial_basis`)."""
    return concat(  # most parts are empty: left out (the unit column is made categorical by run_audit)
        [
            _stated(ctx.data.budget_lines, "line", line_formulas),
            _stated(ctx.data.projects, "project", project_formulas),
            initial_basis(ctx.data.budget_lines, "line"),
            initial_basis(ctx.data.projects, "project"),
        ]
    )
