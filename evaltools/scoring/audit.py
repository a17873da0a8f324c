"""The audit: recompute every published figure and name each difference.

A finding has a stable ``code``, a ``severity`` (error: the report's arithmetic or text is wrong;
warning: needs an explanation; info: checked and consistent within rounding) and a message that
carries the numbers. Checks are a registry keyed by name; each gets an :class:`AuditContext` and
returns its findings as a frame (:func:`findings`), one vectorised pass over every unit at once:
detection and grouping are whole-column operations, and only the flagged rows' messages are
formatted. A check may also return a list of :func:`finding` dicts (each with an ``org``, or for a
dataset of one unit without).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaltools import fmt, labels
from evaltools.data.schema import ORG, TABLES
from evaltools.registry import Registry
from evaltools.scoring.grading import check_bands, grade
from evaltools.scoring.indicators import DEPARTMENT, category_codes, group_codes

FINDING_COLUMNS = ["code", "severity", "subject", "message", "stated", "computed"]
#: Audit checks by name: ``fn(ctx) -> findings`` (a frame made by :func:`findings`); every one runs, in
#: registration order.
CHECKS: Registry[Callable] = Registry("audit check", "核查项")
#: Statement metrics (statements table, column 陈述类型) → ``fn(ctx, rows) -> findings``, one per row of
#: ``rows`` (the statements of that metric, every unit), indexed like ``rows``; COUNT_OK ones are dropped.
STATEMENT_METRICS: Registry[Callable] = Registry("statement metric", "陈述类型", key="metric")
check = CHECKS.register
statement = STATEMENT_METRICS.register


@dataclass(frozen=True)
class AuditContext:
    """What every check sees, for every unit at once: ``data`` (:class:`~evaltools.data.model.UnitsData`),
    the rule set, the rates, the scored indicators and projects (each with an ``org`` column), ``total``
    (one row per unit, see :func:`~evaltools.scoring.indicators.department_totals`) and ``totals`` (the
    per project and 一级指标 sums of :func:`~evaltools.scoring.indicators.level1_totals`)."""

    data: object
    rules: object
    rates: pd.DataFrame
    indicators: pd.DataFrame
    projects: pd.DataFrame
    total: pd.DataFrame
    totals: pd.DataFrame | None = None

    @property
    def units(self) -> pd.DataFrame:
        """One row per unit: ``org`` and its profile fields (published total and grade, assets …)."""
        return self.data.units


def finding(
    code: str, severity: str, subject: str, message: str, stated: float | None = None, computed: float | None = None
) -> dict:
    return dict(
        code=code,
        severity=severity,
        subject=subject,
        message=message,
        stated=None if stated is None else float(stated),
        computed=None if computed is None else float(computed),
    )


def _column(value: object, n: int, dtype: object = object) -> np.ndarray:
    if isinstance(value, pd.Series):
        value = value.to_numpy()
    if np.ndim(value) == 0:
        out = np.empty(n, dtype=dtype)
        out[:] = value  # faster than np.full for text
        return out
    return np.asarray(value, dtype=dtype)


def findings(
    code: object,
    severity: object,
    org: object,
    subject: object,
    message: object,
    stated: object = None,
    computed: object = None,
    index: pd.Index | None = None,
) -> pd.DataFrame:
    """Findings from aligned columns (arrays, Series or one value for all): one finding per value of ``org``."""
    if not np.ndim(org):
        org = np.asarray([org], dtype=object)
    elif not isinstance(getattr(org, "dtype", None), pd.CategoricalDtype):
        org = _column(org, 0)
    n = len(org)
    text = lambda v: pd.Series(_column(v, n), index=index, dtype=object)  # noqa: E731 - not inferred as str
    return pd.DataFrame(
        {
            "code": text(code),
            "severity": text(severity),
            "subject": text(subject),
            "message": text(message),
            "stated": pd.Series(_column(np.nan if stated is None else stated, n, float), index=index),
            "computed": pd.Series(_column(np.nan if computed is None else computed, n, float), index=index),
            ORG: _org_column(org, index),
        }
    )


def _org_column(org: object, index: pd.Index | None) -> pd.Series:
    """The unit of each finding: categorical where the rows came from a table's categorical unit column."""
    if isinstance(org, (pd.Series, pd.Categorical)) and isinstance(org.dtype, pd.CategoricalDtype):
        values = org.array if isinstance(org, pd.Series) else org
        return pd.Series(values, index=index)
    return pd.Series(org, index=index, dtype=object)


def _no_findings() -> pd.DataFrame:
    return findings([], [], np.array([], dtype=object), [], [])


def _as_frame(out: object, ctx: AuditContext) -> pd.DataFrame:
    """A check's findings as a frame: a frame as is, a list of :func:`finding` dicts converted."""
    if isinstance(out, pd.DataFrame):
        out = out.reset_index(drop=True)
        if isinstance(out[ORG].dtype, pd.CategoricalDtype) and out[ORG].cat.categories is ctx.data.org_index:
            return out
        return out.assign(**{ORG: pd.Categorical(out[ORG], categories=ctx.data.org_index)})
    rows = list(out)
    if not rows:
        return _no_findings()
    frame = pd.DataFrame(rows)
    if ORG not in frame:
        if len(ctx.data.units) != 1:
            raise ValueError("a check returning finding dicts for many units must give each its 'org'")
        frame[ORG] = ctx.data.units[ORG].iloc[0]
    out = findings(*(frame[c] for c in ("code", "severity", ORG, "subject", "message", "stated", "computed")))
    return out.assign(**{ORG: pd.Categorical(out[ORG], categories=ctx.data.org_index)})


def run_audit(ctx: AuditContext) -> pd.DataFrame:
    """Run every registered check; findings ordered by unit, then severity, then check order.

    The frame has the :data:`FINDING_COLUMNS` and ``org`` (the unit of each finding); ``stated`` and
    ``computed`` are NaN where a finding has no number."""
    frame = pd.concat([_as_frame(fn(ctx), ctx) for fn in CHECKS.values()], ignore_index=True)
    severity = category_codes(frame["severity"], list(labels.SEVERITY_ORDER))
    order = np.lexsort((severity, frame[ORG].cat.codes.to_numpy()))
    return frame.take(order).reset_index(drop=True)[[*FINDING_COLUMNS, ORG]]


def _by_org(ctx: AuditContext, frame: pd.DataFrame, column: str) -> pd.Series:
    """``column`` of the units table for each row of ``frame`` (by its org)."""
    codes = category_codes(frame[ORG], ctx.data.org_index)
    values = ctx.data.units[column].to_numpy()
    return pd.Series(np.append(values, None)[codes], index=frame.index)


# ----------------------------------------------------------------------------- rates stated in the text


@dataclass(frozen=True)
class Formula:
    """One way to compute a rate, for many rows: description, numerator, denominator, value, where it applies."""

    name: str
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
    return [f"{f.name} = {a}/{b} = {c}" for a, b, c in zip(nums, dens, values)]


def rate_findings(
    org: np.ndarray, subject: np.ndarray, stated: np.ndarray, formulas: Sequence[Formula], index: pd.Index | None = None
) -> pd.DataFrame:
    """Compare stated rates with the standard formula (first) and alternatives, one finding per row.

    Within rounding of the standard (half a unit of the last printed digit): info RATE_ROUNDED.
    Reproduced only by an alternative: warning RATE_FORMULA naming it. The standard cannot be computed
    (an amount unreadable or zero): info RATE_UNCHECKED. Otherwise: error RATE_MISMATCH with every
    formula tried (those that apply to the row)."""
    n = len(stated)
    digits = np.asarray(fmt.stated_decimals_all(stated))
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
    said = [f"「{s}」所述 {p}" for s, p in zip(subject, fmt.pcts(stated, digits))]
    message = np.empty(n, dtype=object)
    code = np.where(rounded, "RATE_ROUNDED", np.where(alt > 0, "RATE_FORMULA", "RATE_MISMATCH")).astype(object)
    severity = np.where(rounded, "info", np.where(alt > 0, "warning", "error")).astype(object)
    code[unchecked], severity[unchecked] = "RATE_UNCHECKED", "info"
    _rounded_messages(message, said, std, stated, digits, np.flatnonzero(rounded))
    for k in range(1, len(formulas)):
        rows = np.flatnonzero(alt == k)
        for i, a, b in zip(rows, _shown(std, rows), _shown(formulas[k], rows)):
            message[i] = f"{said[i]} 不等于标准公式 {a}；只有 {b} 能得出该数（非标准公式）"
    for i in np.flatnonzero(unchecked):
        message[i] = f"{said[i]} 无法核对：{std.name} 所需的数原表无法辨认或为零"
    _mismatch_messages(message, said, formulas, np.flatnonzero(~rounded & ~unchecked & (alt < 0)))
    return findings(code, severity, org, subject, message, stated, std.value, index=index)


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


def rate_finding(subject: str, stated: float, formulas: list[tuple[str, float, float, float]]) -> dict:
    """:func:`rate_findings` for one stated rate: ``formulas`` are (description, numerator, denominator, value)."""
    fs = [
        Formula(name, np.array([num], float), np.array([den], float), np.array([v], float))
        for name, num, den, v in formulas
    ]
    row = rate_findings(
        np.array([None], dtype=object), np.array([subject], dtype=object), np.array([float(stated)]), fs
    )
    r = row.iloc[0]
    computed = None if r.computed != r.computed else r.computed
    return finding(r.code, r.severity, r.subject, r.message, r.stated, computed)


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
    """The formulas a project's stated rate is compared with."""
    spent, budget = projects["spent"].to_numpy(dtype=float), projects["budget"].to_numpy(dtype=float)
    return [
        Formula("全年执行数/全年预算数", spent, budget, _ratio(spent, budget)),
        Formula("全年预算数/全年执行数", budget, spent, _ratio(budget, spent)),
    ]


def _take(formulas: list[Formula], rows: np.ndarray) -> list[Formula]:
    return [
        Formula(f.name, f.num[rows], f.den[rows], f.value[rows], None if f.where is None else f.where[rows])
        for f in formulas
    ]


def _stated(frame: pd.DataFrame, key: str, formulas: Callable[[pd.DataFrame], list[Formula]]) -> pd.DataFrame:
    rows = np.flatnonzero(frame["stated_rate"].notna().to_numpy())
    sub = frame.iloc[rows]
    return rate_findings(
        sub[ORG].array,
        sub[key].to_numpy(dtype=object),
        sub["stated_rate"].to_numpy(dtype=float),
        formulas(sub),
    )


@check("stated_rates")
def _stated_rates(ctx: AuditContext) -> pd.DataFrame:
    """Rates the report states for budget lines and projects against the recomputed ones."""
    return pd.concat(
        [
            _stated(ctx.data.budget_lines, "line", line_formulas),
            _stated(ctx.data.projects, "project", project_formulas),
        ],
        ignore_index=True,
    )


# ----------------------------------------------------------------------------- statements in the text


def _counts(frame: pd.DataFrame, keys: list[str], rows: pd.DataFrame, on: list[str]) -> np.ndarray:
    """For each row of ``rows``: how many rows of ``frame`` have its values of ``on`` in columns ``keys``."""
    sizes = frame.groupby(keys, sort=False).size().rename("_n")
    found = rows[on].merge(sizes, how="left", left_on=on, right_index=True)["_n"]
    return found.fillna(0).to_numpy(dtype=int)


def _count_findings(
    rows: pd.DataFrame, n: np.ndarray, message: Callable[[pd.DataFrame, np.ndarray], list[str]]
) -> pd.DataFrame:
    """COUNT_MISMATCH (error) for the rows whose stated count is not ``n``; the others are left out."""
    bad = np.flatnonzero(rows["stated"].to_numpy(dtype=float) != n)
    sub = rows.iloc[bad]
    return findings(
        "COUNT_MISMATCH", "error", sub[ORG], sub["subject"], message(sub, n[bad]), sub["stated"], n[bad], sub.index
    )


@statement("project_count")
def _project_count(ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    projects = ctx.data.projects

    def message(sub: pd.DataFrame, n: np.ndarray) -> list[str]:
        codes = category_codes(projects[ORG], ctx.data.org_index)
        wanted = category_codes(sub[ORG], ctx.data.org_index)
        listed = _joined(codes, projects["project"].to_numpy(dtype=object), wanted)
        return [
            f"文中称“{q if isinstance(q, str) else ''}”（{s} 个项目），但只列出 {k} 个：{names}"
            for q, s, k, names in zip(sub["quote"], fmt.nums(sub["stated"]), n, listed)
        ]

    return _count_findings(rows, _counts(projects, [ORG], rows, [ORG]), message)


@statement("indicator_count")
def _indicator_count(ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    ind = ctx.data.indicators
    by_project = _counts(ind, [ORG, "project"], rows, [ORG, "subject"])
    is_project = by_project > 0  # the subject names a project that has indicators, else the whole unit
    totals = _counts(ind[ind["parent"].isna()], [ORG], rows, [ORG])
    n = np.where(is_project, by_project, totals)
    return _count_findings(
        rows, n, lambda sub, k: [f"所述指标数 {s}，所列 {c} 个" for s, c in zip(fmt.nums(sub["stated"]), k)]
    )


@statement("team_count")
def _team_count(ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    n = _counts(ctx.data.team, [ORG], rows, [ORG])
    return _count_findings(
        rows, n, lambda sub, k: [f"所述评价组人数 {s}，名单 {c} 人" for s, c in zip(fmt.nums(sub["stated"]), k)]
    )


def _positions_of(rows: pd.DataFrame, frame: pd.DataFrame, key: str) -> np.ndarray:
    """For each statement row, the position in ``frame`` of the item its subject names in its unit (-1: none)."""
    items = frame[[ORG, key]].reset_index(drop=True).reset_index(names="_pos").drop_duplicates([ORG, key])
    found = rows[[ORG, "subject"]].merge(items, how="left", left_on=[ORG, "subject"], right_on=[ORG, key])
    return found["_pos"].fillna(-1).to_numpy(dtype=int)


def _rate_statement(ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    """A rate the text states for a project (资金使用率) or budget line, against the recomputed one."""
    in_projects = _positions_of(rows, ctx.data.projects, "project")
    in_lines = np.where(in_projects < 0, _positions_of(rows, ctx.data.budget_lines, "line"), -1)
    parts = []
    for found, frame, formulas in (
        (in_projects, ctx.data.projects, project_formulas),
        (in_lines, ctx.data.budget_lines, line_formulas),
    ):
        hit = np.flatnonzero(found >= 0)
        sub = rows.iloc[hit]
        f = rate_findings(
            sub[ORG].array,
            sub["subject"].to_numpy(dtype=object),
            sub["stated"].to_numpy(dtype=float),
            _take(formulas(frame), found[hit]),
            index=sub.index,
        )
        where = [
            f"（{loc}：“{q}”）" if isinstance(q, str) and q else "" for loc, q in zip(sub["location"], sub["quote"])
        ]
        f["message"] = [m + w for m, w in zip(f["message"], where)]
        f["code"] = f["code"].replace("RATE_MISMATCH", "STATEMENT_MISMATCH")
        parts.append(f)
    rest = rows.iloc[np.flatnonzero((in_projects < 0) & (in_lines < 0))]
    parts.append(
        findings(
            "STATEMENT_UNCHECKED",
            "warning",
            rest[ORG],
            rest["subject"],
            [f"无法核对：没有名为「{s}」的项目或支出项目" for s in rest["subject"]],
            index=rest.index,
        )
    )
    return pd.concat(parts)


STATEMENT_METRICS.add("fund_usage_rate", _rate_statement)
STATEMENT_METRICS.add("execution_rate", _rate_statement)


@statement("total_score")
def _total_score_statement(ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    published = _by_org(ctx, rows, "published_total").to_numpy(dtype=float)
    stated = rows["stated"].to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isnan(published) & (np.abs(published - stated) > 1e-9))
    sub = rows.iloc[bad]
    text = [f"文中两处总分不一致：{a} 与 {b}" for a, b in zip(fmt.scores(stated[bad]), fmt.scores(published[bad]))]
    return findings(
        "STATEMENT_MISMATCH", "error", sub[ORG], sub["subject"], text, stated[bad], published[bad], sub.index
    )


@statement("evaluated_year")
def _evaluated_year(ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    year = ctx.data.year
    stated = rows["stated"].to_numpy(dtype=float).astype(int)
    bad = np.flatnonzero(stated != year)
    sub = rows.iloc[bad]
    text = [
        f"文中称评价的是 {s} 年（{loc}：“{q}”），但报告和数据是 {year} 年度"
        for s, loc, q in zip(stated[bad], sub["location"], sub["quote"])
    ]
    return findings("YEAR_IN_TEXT", "warning", sub[ORG], sub["subject"], text, sub["stated"], year, sub.index)


@check("statements")
def _statements(ctx: AuditContext) -> pd.DataFrame:
    """Counts, rates, totals and years the text states (statements table), each metric in one pass."""
    rows = ctx.data.statements.reset_index(drop=True)
    parts = []
    for metric, sub in rows.groupby("metric", sort=False):
        fn = STATEMENT_METRICS.get(metric)
        if fn is None:
            text = f"未知的陈述类型「{metric}」，无法核对；可用：{', '.join(STATEMENT_METRICS)}"
            parts.append(findings("STATEMENT_UNCHECKED", "warning", sub[ORG], sub["subject"], text, index=sub.index))
        else:
            parts.append(fn(ctx, sub))
    if not parts:
        return _no_findings()
    out = pd.concat(parts)
    out = out[out["code"] != "COUNT_OK"]
    return out.take(np.argsort(out.index.to_numpy(), kind="stable"))


# ----------------------------------------------------------------------------- totals and parts


def _joined(codes: np.ndarray, values: np.ndarray, wanted: np.ndarray) -> list[str]:
    """For each code in ``wanted``: the values of its rows joined with 、 (in row order), one sort for all."""
    keep = np.flatnonzero(np.isin(codes, wanted))
    keep = keep[np.argsort(codes[keep], kind="stable")]
    sorted_codes = codes[keep]
    starts = np.searchsorted(sorted_codes, wanted, side="left")
    ends = np.searchsorted(sorted_codes, wanted, side="right")
    names = values[keep].tolist()
    return ["、".join(names[a:b]) for a, b in zip(starts, ends)]


def _joint_keys(
    a: pd.DataFrame, a_cols: list[str], b: pd.DataFrame, b_cols: list[str]
) -> tuple[np.ndarray, np.ndarray]:
    """Integer keys of the rows of ``a`` (columns ``a_cols``) and ``b`` (``b_cols``), equal where the values are:
    each column pair hashed once over both frames."""
    left, right = np.zeros(len(a), dtype=np.int64), np.zeros(len(b), dtype=np.int64)
    for ca, cb in zip(a_cols, b_cols):
        x, y = a[ca], b[cb]
        if isinstance(x.dtype, pd.CategoricalDtype) and x.dtype == y.dtype:  # a unit column: its codes
            codes, size = (
                np.concatenate([x.cat.codes.to_numpy(), y.cat.codes.to_numpy()]) + 1,
                len(x.cat.categories) + 1,
            )
        else:
            codes, uniques = pd.factorize(pd.concat([x.astype(object), y.astype(object)], ignore_index=True))
            size = len(uniques) + 1
        combined, _ = pd.factorize(np.concatenate([left, right]) * size + codes)
        left, right = combined[: len(a)], combined[len(a) :]
    return left, right


def _first_match(keys: np.ndarray, wanted: np.ndarray) -> np.ndarray:
    """Position of the first row of ``keys`` equal to each of ``wanted`` (-1: none)."""
    unique, first = np.unique(keys, return_index=True)
    at = np.searchsorted(unique, wanted)
    hit = (at < len(unique)) & (unique[np.minimum(at, len(unique) - 1)] == wanted)
    return np.where(hit, first[np.minimum(at, len(unique) - 1)], -1)


def _breakdown_sums(ctx: AuditContext) -> pd.DataFrame:
    """Totals (合计指标) whose breakdown rows (所属合计指标) do not add up to them: one grouping of the parts."""
    ind = ctx.data.indicators
    parts = ind[ind["parent"].notna()]
    if parts.empty:
        return _no_findings()
    codes, first = group_codes(parts, [ORG, "project", "parent"])
    sums = parts["actual"].groupby(codes, sort=False).sum().to_numpy()
    groups = parts[[ORG, "project", "parent"]].iloc[first].reset_index(drop=True)
    candidates = ind["level3"].isin(set(groups["parent"])).to_numpy()  # only rows that can be a total
    named = ind[[ORG, "project", "level3", "actual"]][candidates]
    keys, wanted = _joint_keys(named, [ORG, "project", "level3"], groups, [ORG, "project", "parent"])
    found = pd.Index(keys).get_indexer(wanted) if pd.Index(keys).is_unique else _first_match(keys, wanted)
    actual = named["actual"].to_numpy(dtype=float)
    totals = np.where(found >= 0, actual[np.maximum(found, 0)] if len(actual) else np.nan, np.nan)
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~np.isnan(totals) & (np.abs(totals - sums) > 1e-6))
    names = _joined(codes, parts["level3"].to_numpy(dtype=object), bad)
    g = groups.iloc[bad]
    text = [
        f"「{p}」合计 {t}，但其分项（{n}）之和为 {s}，相差 {d}"
        for p, t, s, d, n in zip(
            g["parent"], fmt.nums(totals[bad]), fmt.nums(sums[bad]), fmt.nums(totals[bad] - sums[bad]), names
        )
    ]
    subject = [f"{p} / {q}" for p, q in zip(g["project"], g["parent"])]
    return findings("SUM_MISMATCH", "error", g[ORG], subject, text, totals[bad], sums[bad])


def _asset_sums(ctx: AuditContext) -> pd.DataFrame:
    """资产净值 against 结转下年 + 固定资产, per unit."""
    u = ctx.data.units
    net, carry, fixed = (u[c].to_numpy(dtype=float) for c in ("assets_net", "assets_carryover", "assets_fixed"))
    parts = carry + fixed
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~np.isnan(parts) & ~np.isnan(net) & (np.abs(parts - net) > 0.005))
    text = [
        f"资产净值 {a} 万元 ≠ 结转下年 {b} + 固定资产 {c} = {d} 万元"
        for a, b, c, d in zip(fmt.wans(net[bad]), fmt.wans(carry[bad]), fmt.wans(fixed[bad]), fmt.wans(parts[bad]))
    ]
    return findings("SUM_MISMATCH", "error", u[ORG].to_numpy(dtype=object)[bad], "资产", text, net[bad], parts[bad])


def _funding_sums(ctx: AuditContext) -> pd.DataFrame:
    """Each project's funding sources (本年财政拨款 + 上年结转 + 其他) against its 全年预算数."""
    p = ctx.data.projects
    sources = p[["fiscal_current", "carryover", "other_funds"]]
    total = sources.fillna(0).sum(axis=1).to_numpy()
    budget = p["budget"].to_numpy(dtype=float)
    bad = np.flatnonzero(sources.notna().any(axis=1).to_numpy() & (np.abs(total - budget) > 0.005))
    text = [f"资金来源之和 {a} 万元 ≠ 全年预算数 {b} 万元" for a, b in zip(fmt.wans(total[bad]), fmt.wans(budget[bad]))]
    sub = p.iloc[bad]
    return findings("SUM_MISMATCH", "error", sub[ORG], sub["project"], text, budget[bad], total[bad])


@check("sums")
def _sums(ctx: AuditContext) -> pd.DataFrame:
    """Totals against their parts: indicator breakdowns, assets, project funding sources."""
    return pd.concat([_breakdown_sums(ctx), _asset_sums(ctx), _funding_sums(ctx)], ignore_index=True)


def _overspent(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    spent, budget = frame["spent"].to_numpy(dtype=float), frame["budget"].to_numpy(dtype=float)
    bad = np.flatnonzero(spent > budget + 1e-9)
    sub = frame.iloc[bad]
    s, b = spent[bad], budget[bad]
    with np.errstate(divide="ignore", invalid="ignore"):
        share = s / b
    pay = (
        sub["prior_year_payables"].to_numpy(dtype=float) if "prior_year_payables" in sub else np.full(len(bad), np.nan)
    )
    extra = [
        f"；其中上年应付未付 {a} 万元，扣除后 {c} 万元" if p == p and p else ""
        for p, a, c in zip(pay, fmt.wans(pay), fmt.wans(s - pay))
    ]
    text = [
        f"「{k}」支出 {a} 万元超过预算 {c} 万元（{r}）{e}"
        for k, a, c, r, e in zip(sub[key], fmt.wans(s), fmt.wans(b), fmt.pcts(share), extra)
    ]
    return findings("SPENT_OVER_BUDGET", "warning", sub[ORG], sub[key], text, b, s)


@check("spending")
def _spending(ctx: AuditContext) -> pd.DataFrame:
    """Budget lines and projects that spent more than their budget."""
    return pd.concat(
        [_overspent(ctx.data.budget_lines, "line"), _overspent(ctx.data.projects, "project")], ignore_index=True
    )


# ----------------------------------------------------------------------------- indicators


class _Rows:
    """The flagged rows of a frame; each column is taken (for those rows only) when first read."""

    def __init__(self, frame: pd.DataFrame, rows: np.ndarray):
        self.frame, self.rows, self._taken = frame, rows, {}

    def __getitem__(self, column: str) -> np.ndarray:
        if column not in self._taken:
            values = self.frame[column].take(self.rows)
            self._taken[column] = values.array if isinstance(values.dtype, pd.CategoricalDtype) else values.to_numpy()
        return self._taken[column]

    def __len__(self) -> int:
        return len(self.rows)

    def subset(self, mask: np.ndarray) -> _Rows:
        return _Rows(self.frame, self.rows[mask])


def _flagged(s: pd.DataFrame, mask: object) -> _Rows:
    return _Rows(s, np.flatnonzero(np.asarray(mask, dtype=bool)))


def _subjects(rows: _Rows) -> list[str]:
    return [f"{p} / {q}" for p, q in zip(rows["project"], rows["level3"])]


@check("overachieved")
def _overachieved(ctx: AuditContext) -> pd.DataFrame:
    """Targets exceeded by the rule set's ratio or more: the target may have been set too low."""
    s, ratio = ctx.indicators, ctx.rules.overachievement_ratio
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero(s["scored"].to_numpy() & (s["completion"] >= ratio).to_numpy())
    r = _Rows(s, rows[np.isin(s["direction"].to_numpy(dtype=object)[rows], [">=", ">", "="])])
    units = r["unit"]
    limit = fmt.pct(ratio, 0)
    text = [
        f"「{n}」实际 {a}，目标 {t}，完成 {c}（≥ {limit}）：目标可能设定偏低，按财预〔2020〕10号应分析原因并视偏离度适度调减"
        for n, a, t, c in zip(
            r["level3"], fmt.values(r["actual"], units), fmt.values(r["target"], units), fmt.pcts(r["completion"])
        )
    ]
    return findings("OVERACHIEVED", "warning", r[ORG], _subjects(r), text, r["target"], r["actual"])


@check("range_above")
def _range_above(ctx: AuditContext) -> pd.DataFrame:
    """Range indicators above the upper end: full marks, but the deviation needs explaining."""
    s, ratio = ctx.indicators, ctx.rules.overachievement_ratio
    with np.errstate(invalid="ignore"):
        rows = np.flatnonzero(s["scored"].to_numpy() & (s["actual"] > s["target_high"]).to_numpy())
    r = _Rows(s, rows[s["direction"].to_numpy(dtype=object)[rows] == "range"])
    units = r["unit"]
    text = [
        f"「{n}」目标区间 {lo}–{hi}{u if isinstance(u, str) else ''}，实际 {a}，为上限的 {c}：得满分，但偏离需说明"
        + ("，目标可能设定偏低" if comp >= ratio else "")
        for n, lo, hi, u, a, c, comp in zip(
            r["level3"],
            fmt.nums(r["target"]),
            fmt.nums(r["target_high"]),
            units,
            fmt.values(r["actual"], units),
            fmt.pcts(r["completion"]),
            r["completion"],
        )
    ]
    return findings("RANGE_ABOVE", "warning", r[ORG], _subjects(r), text, r["target_high"], r["actual"])


@check("missing_actuals")
def _missing_actuals(ctx: AuditContext) -> pd.DataFrame:
    """Indicators without an actual value (or qualitative grade), and how the rule set scores them."""
    r = _flagged(ctx.indicators, ctx.indicators["missing"])
    how = " 0 分" if ctx.rules.missing_actual == "zero" else "不适用"
    targets = fmt.values(r["target"], r["unit"])
    text = [
        f"「{n}」没有实际完成值{'或定性等级' if d == 'qualitative' else ''}（目标 {tt if isinstance(tt, str) and tt else t}），按{how}计"
        for n, d, tt, t in zip(r["level3"], r["direction"], r["target_text"], targets)
    ]
    return findings("MISSING_ACTUAL", "warning", r[ORG], _subjects(r), text)


@check("full_marks_below_target")
def _full_marks_below_target(ctx: AuditContext) -> pd.DataFrame:
    """Indicators that missed their target yet were given full marks."""
    s = ctx.indicators
    missed = (s["met"] == False).to_numpy()  # noqa: E712 - an object column of True/False/None
    full = (
        s["scored"].to_numpy() & (s["score"] >= s["weight"] - 1e-9).to_numpy() & missed & (s["weight"] > 0).to_numpy()
    )
    r = _flagged(s, full)
    units = r["unit"]
    text = [
        f"「{n}」未达目标（实际 {a}，目标 {t}）却得满分 {sc}"
        for n, a, t, sc in zip(
            r["level3"], fmt.values(r["actual"], units), fmt.values(r["target"], units), fmt.scores(r["score"])
        )
    ]
    return findings("FULL_MARKS_BELOW_TARGET", "warning", r[ORG], _subjects(r), text, r["weight"], r["score"])


@check("indicator_score_above_weight")
def _indicator_score_above_weight(ctx: AuditContext) -> pd.DataFrame:
    """Indicator scores (published or panel) above the indicator's weight."""
    s = ctx.indicators
    r = _flagged(s, (s["score"] > s["weight"] + 1e-9).to_numpy())
    text = [
        f"「{n}」得分 {a} 超过分值 {b}" for n, a, b in zip(r["level3"], fmt.scores(r["score"]), fmt.scores(r["weight"]))
    ]
    return findings("SCORE_ABOVE_WEIGHT", "error", r[ORG], _subjects(r), text, r["weight"], r["score"])


@check("qualitative_bands")
def _qualitative_bands(ctx: AuditContext) -> pd.DataFrame:
    """Panel scores of qualitative indicators outside the band of their grade."""
    s = ctx.indicators
    r = _flagged(s, (s["in_band"] == False).to_numpy())  # noqa: E712 - an object column of True/False/None
    text = [
        f"「{n}」定性等级「{g}」的得分区间为 {lo}–{hi} 分，评价得分 {p} 不在其中"
        for n, g, lo, hi, p in zip(
            r["level3"],
            r["qualitative_grade"],
            fmt.scores(r["band_low"]),
            fmt.scores(r["band_high"]),
            fmt.scores(r["panel_score"]),
        )
    ]
    return findings("QUALITATIVE_OUT_OF_BAND", "error", r[ORG], _subjects(r), text, r["band_high"], r["panel_score"])


def _level(index: pd.MultiIndex, name: str) -> np.ndarray:
    """The values of one level of ``index`` for every row (through the level's codes: no text conversion)."""
    i = index.names.index(name)
    return np.asarray(index.levels[i], dtype=object)[index.codes[i]]


def _framework_weights(rules: object) -> dict[str, float]:
    """一级指标 → its weight in the first framework of the rule set that names it (NaN: the framework
    leaves it open)."""
    out: dict[str, float] = {}
    for framework in rules.frameworks.values():
        for level1, weight in framework["weights"].items():
            out.setdefault(level1, np.nan if weight is None else float(weight))
    return out


def _category_weights(ctx: AuditContext) -> pd.DataFrame:
    """一级指标 weights of each form against its framework's weights, where the framework sets them (info)."""
    totals = ctx.totals
    if totals is None:
        from evaltools.scoring.indicators import level1_totals

        totals = level1_totals(ctx.indicators)
    index = totals.index
    weight = (totals["indicator_weight"] + totals["dropped_weight"]).to_numpy(dtype=float)
    level1 = index.levels[index.names.index("level1")]
    framework = _framework_weights(ctx.rules)
    defaults = np.array([framework.get(v, np.nan) for v in level1], dtype=float)
    expected = defaults[index.codes[index.names.index("level1")]]
    with np.errstate(invalid="ignore"):
        bad = np.flatnonzero(~np.isnan(expected) & (np.abs(weight - expected) > 0.01))
    project, category = _level(index, "project")[bad], _level(index, "level1")[bad]
    org = pd.Categorical.from_codes(index.codes[index.names.index(ORG)][bad], categories=index.levels[0])
    text = [
        f"「{p}」{c}分值 {a}，与规则默认 {b} 不同"
        for p, c, a, b in zip(project, category, fmt.scores(weight[bad]), fmt.scores(expected[bad]))
    ]
    return findings("CATEGORY_WEIGHTS", "info", org, project, text, expected[bad], weight[bad])


@check("weights")
def _weights(ctx: AuditContext) -> pd.DataFrame:
    """Project weights that do not add to 100, 一级指标 weights unlike the rules', scores above their weight."""
    p = ctx.projects
    full = (p["execution_weight"] + p["indicator_weight"] + p["dropped_weight"]).to_numpy(dtype=float)
    r = _flagged(p, np.abs(full - 100) > 0.01)
    f = full[r.rows]
    parts = [
        findings(
            "WEIGHTS_NOT_100",
            "error",
            r[ORG],
            r["project"],
            [f"「{n}」分值合计 {a}，应为 100" for n, a in zip(r["project"], fmt.scores(f))],
            100,
            f,
        ),
        _category_weights(ctx),
    ]
    r = _flagged(p, p["execution_score"] > p["execution_weight"] + 1e-9)
    text = [
        f"「{n}」预算执行率得分 {a} 超过分值 {b}（执行率 {c} 未封顶）"
        for n, a, b, c in zip(
            r["project"],
            fmt.scores(r["execution_score"]),
            fmt.scores(r["execution_weight"]),
            fmt.pcts(r["execution_rate"]),
        )
    ]
    parts.append(
        findings("SCORE_ABOVE_WEIGHT", "error", r[ORG], r["project"], text, r["execution_weight"], r["execution_score"])
    )
    r = _flagged(p, p["score"] > 100 + 1e-9)
    text = [f"「{n}」得分 {a} 超过满分 100" for n, a in zip(r["project"], fmt.scores(r["score"]))]
    parts.append(findings("SCORE_ABOVE_WEIGHT", "error", r[ORG], r["project"], text, 100, r["score"]))
    return pd.concat(parts, ignore_index=True)


# ----------------------------------------------------------------------------- scores and grades


@check("unknown_figures")
def _unknown_figures(ctx: AuditContext) -> pd.DataFrame:
    """Figures the source prints but that cannot be read, and the recomputed totals that depend on them:
    UNKNOWN_FIGURE per indicator row with an ``unknown`` field; TOTAL_UNKNOWN per form whose recomputed
    total is NaN and per unit whose printed total is unreadable (never counted as 0, never rescaled)."""
    s = ctx.indicators
    if "unknown" not in s:
        return _no_findings()
    r = _flagged(s, s["unknown"].notna().to_numpy())
    named = [c if isinstance(c, str) and c else b for b, c in zip(r["level2"], r["level3"])]
    titles = {u: "、".join(_TITLES.get(c, c) for c in u.split(",")) for u in set(r["unknown"])}
    effect = np.where(np.asarray(r["unknown_score"], dtype=bool), "依赖它的重算得分无法计算", "不影响重算得分")
    figures = findings(
        "UNKNOWN_FIGURE",
        "warning",
        r[ORG],
        [f"{p} / {n}" for p, n in zip(r["project"], named)],
        [f"「{n}」的{titles[u]}原表无法辨认，{e}" for n, u, e in zip(named, r["unknown"], effect)],
    )
    p = ctx.projects
    f = _flagged(p, p["computed_score"].isna().to_numpy())
    counts = f["unknown_scores"] if "unknown_scores" in p else np.zeros(len(f))
    text = [
        f"「{n}」的重算总分无法计算：{int(c) if c == c else 0} 项指标得分"
        + ("及预算执行率得分" if e != e else "")
        + "依赖原表无法辨认的数（不计为 0 分，也不折算）"
        for n, c, e in zip(f["project"], counts, np.asarray(f["execution_score"], dtype=float))
    ]
    forms = findings("TOTAL_UNKNOWN", "warning", f[ORG], f["project"], text)
    parts = [figures, forms]
    if "published_unknown" in ctx.total:
        t = ctx.total[ctx.total["published_unknown"].to_numpy(dtype=bool)]
        parts.append(findings("TOTAL_UNKNOWN", "warning", t[ORG], "公布总分", "原表印出的总分无法辨认，未作比较"))
    return pd.concat(parts, ignore_index=True)


#: Column titles for messages about figures (from the schema's declarations).
_TITLES = {f.name: f.title for t in TABLES.values() for f in t.fields}


@check("scores")
def _scores(ctx: AuditContext) -> pd.DataFrame:
    """Published project scores against the recomputed ones, and published grades against the bands."""
    p = ctx.projects
    r = _flagged(p, p["published_score"].notna() & (p["difference"].abs() > 0.005))
    text = [
        f"「{n}」公布得分 {a}，按数据重算 {b}（预算执行率 {c} + 指标 {d}），相差 {e}"
        for n, a, b, c, d, e in zip(
            r["project"],
            fmt.scores(r["published_score"]),
            fmt.scores(r["computed_score"]),
            fmt.scores(r["execution_score"]),
            fmt.scores(r["indicator_score"]),
            fmt.scores(r["difference"]),
        )
    ]
    differs = findings(
        "SCORE_DIFFERS", "warning", r[ORG], r["project"], text, r["published_score"], r["computed_score"]
    )
    pub = _flagged(p, p["published_grade"].notna() & p["published_score"].notna())
    expected = grade(pub["published_score"], ctx.rules.grade_bands).to_numpy(dtype=object)
    wrong = expected != pub["published_grade"]
    r, expected = pub.subset(wrong), expected[wrong]
    text = [
        f"「{n}」公布 {a} 分、等级「{g}」，按等级表应为「{e}」"
        for n, a, g, e in zip(r["project"], fmt.scores(r["published_score"]), r["published_grade"], expected)
    ]
    mismatch = findings("GRADE_MISMATCH", "error", r[ORG], r["project"], text, r["published_score"])
    return pd.concat([differs, mismatch], ignore_index=True)


def _published_means(ctx: AuditContext) -> tuple[np.ndarray, np.ndarray]:
    """Per unit: the simple mean of its projects' published scores, and whether every project has one."""
    p = ctx.projects
    codes = category_codes(p[ORG], ctx.data.org_index)
    grouped = p["published_score"].groupby(codes, sort=False)
    n = len(ctx.data.org_index)
    count = grouped.count().reindex(range(n), fill_value=0).to_numpy()
    size = grouped.size().reindex(range(n), fill_value=0).to_numpy()
    mean = grouped.mean().reindex(range(n)).to_numpy(dtype=float)
    return mean, (count == size) & (size > 0)


@check("total_score")
def _total_score(ctx: AuditContext) -> pd.DataFrame:
    """The published department total against the recomputed one (the mean of project totals), and its
    grade against the bands, for units of kind department_projects; reports that are one form are checked
    as that form (``scores``)."""
    t = ctx.total
    published = t["published"].to_numpy(dtype=float)
    has = ~np.isnan(published) & (t["kind"] == "department_projects").to_numpy()
    mean, complete = _published_means(ctx)
    rows = np.flatnonzero(has)
    r = t.iloc[rows]
    notes = [
        f"；各项目公布得分的简单平均 {a}、按预算加权平均 {b}" if c else ""
        for a, b, c in zip(fmt.scores(mean[rows]), fmt.scores(r["assessed_weighted"]), complete[rows])
    ]
    text = [
        f"公布总分 {a}；按数据重算的项目得分简单平均 {b}、按预算加权平均 {c}{d}"
        for a, b, c, d in zip(
            fmt.scores(published[rows]), fmt.scores(r["computed_simple"]), fmt.scores(r["computed_weighted"]), notes
        )
    ]
    info = np.abs(published[rows] - r["computed_score"].to_numpy(dtype=float)) < 1.0
    checked = findings(
        np.where(info, "TOTAL_CHECKED", "TOTAL_DIFFERS"),
        np.where(info, "info", "warning"),
        r[ORG],
        "部门整体",
        text,
        published[rows],
        r["computed_score"],
    )
    stated_grade = ctx.data.units["published_grade"].to_numpy(dtype=object)
    given = np.array([isinstance(g, str) and bool(g) for g in stated_grade])
    wrong = np.flatnonzero(has & given & (t["grade"].to_numpy(dtype=object) != stated_grade))
    r = t.iloc[wrong]
    text = [
        f"公布总分 {a}、等级「{g}」，按等级表应为「{e}」"
        for a, g, e in zip(fmt.scores(published[wrong]), stated_grade[wrong], r["grade"])
    ]
    mismatch = findings("GRADE_MISMATCH", "error", r[ORG], "部门整体", text, published[wrong])
    return pd.concat([checked, mismatch], ignore_index=True)


_BAND_CODE = {
    "gap": "GRADE_BANDS_GAP",
    "overlap": "GRADE_BANDS_OVERLAP",
    "order": "GRADE_BANDS_ORDER",
    "empty": "GRADE_BANDS_GAP",
}


def _band_tables(bands: pd.DataFrame, orgs: list[str]) -> list[tuple[np.ndarray, np.ndarray]]:
    """The distinct band tables: for each, (the rows of one unit that printed it, every unit that printed it).

    Rows are hashed (one vectorised pass), each unit's hashes combined in order; equal tables give equal
    signatures."""
    codes = category_codes(bands[ORG], orgs)
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    rank = np.arange(len(order)) - np.repeat(starts, np.diff(np.r_[starts, len(order)]))
    cols = ["grade", "lower", "lower_inclusive", "upper", "upper_inclusive"]
    rows = pd.util.hash_pandas_object(bands[cols].astype(object), index=False).to_numpy()[order]
    mixed = rows * (rank.astype(np.uint64) * np.uint64(2654435761) + np.uint64(1))
    signature = np.add.reduceat(mixed, starts) + np.diff(np.r_[starts, len(order)]).astype(np.uint64)
    groups = pd.Series(np.arange(len(starts))).groupby(pd.factorize(signature)[0], sort=False).indices
    bounds = np.r_[starts, len(order)]
    return [
        (order[bounds[g[0]] : bounds[g[0] + 1]], np.asarray(orgs, dtype=object)[sorted_codes[starts[g]]])
        for g in groups.values()
    ]


@check("execution_low")
def _execution_low(ctx: AuditContext) -> pd.DataFrame:
    """预算执行率 below the rule set's alert level (``audit.execution_alert``, default 90%): the form
    should state why (common practice: a low rate needs an explanation)."""
    alert = float(ctx.rules.audit.get("execution_alert", 0.9))
    p = ctx.projects
    with np.errstate(invalid="ignore"):
        r = _flagged(p, p["execution_rate"].to_numpy(dtype=float) < alert)
    limit = fmt.pct(alert, 0)
    text = [
        f"「{n}」预算执行率 {a}，低于 {limit}，应说明原因" for n, a in zip(r["project"], fmt.pcts(r["execution_rate"]))
    ]
    return findings("EXECUTION_LOW", "warning", r[ORG], r["project"], text, alert, r["execution_rate"])


def _printed_tolerance(printed: np.ndarray) -> np.ndarray:
    """Half a unit of the last decimal each score was printed with (9.5 → 0.05, 8.62 → 0.005), at most 2 decimals."""
    digits = np.full(len(printed), 2)
    for d in (1, 0):
        with np.errstate(invalid="ignore"):
            digits = np.where(np.abs(np.round(printed, d) - printed) < 1e-9, d, digits)
    return 0.5 * 10.0 ** (-digits) + 1e-9


@check("printed_execution_score")
def _printed_execution_score(ctx: AuditContext) -> pd.DataFrame:
    """A printed 预算执行率得分 (the funds row's 得分) that the rate × its weight does not give."""
    p = ctx.projects
    if "published_execution_score" not in p:
        return _no_findings()
    printed, computed = (p[c].to_numpy(dtype=float) for c in ("published_execution_score", "execution_score"))
    with np.errstate(invalid="ignore"):
        r = _flagged(p, np.abs(printed - computed) > _printed_tolerance(printed))
    text = [
        f"「{n}」预算执行率得分印为 {a}，按执行率 {b} × 分值 {c} 应为 {d}"
        for n, a, b, c, d in zip(
            r["project"],
            fmt.scores(r["published_execution_score"]),
            fmt.pcts(r["execution_rate"]),
            fmt.scores(r["execution_weight"]),
            fmt.scores(r["execution_score"]),
        )
    ]
    return findings(
        "EXECUTION_SCORE_DIFFERS",
        "error",
        r[ORG],
        r["project"],
        text,
        r["published_execution_score"],
        r["execution_score"],
    )


@check("printed_rates")
def _printed_rates(ctx: AuditContext) -> pd.DataFrame:
    """A printed 完成率 that actual ÷ target does not give (beyond the rounding it was printed with), and a
    printed 得分系数 that 得分 ÷ 分值 does not give (beyond 0.5 percentage points)."""
    s, parts = ctx.indicators, []
    if "stated_completion" in s:
        stated, done = s["stated_completion"].to_numpy(dtype=float), s["completion"].to_numpy(dtype=float)
        rows = np.flatnonzero(~np.isnan(stated) & ~np.isnan(done))
        tol = 0.5 * 10.0 ** (-np.asarray(fmt.stated_decimals_all(stated[rows]))) / 100
        r = _Rows(s, rows[np.abs(done[rows] - stated[rows]) > tol + 1e-9])
        text = [
            f"「{n}」印出完成率 {a}，按实际 ÷ 目标为 {b}"
            for n, a, b in zip(r["level3"], fmt.pcts(r["stated_completion"]), fmt.pcts(r["completion"]))
        ]
        parts.append(
            findings(
                "COMPLETION_MISMATCH", "error", r[ORG], _subjects(r), text, r["stated_completion"], r["completion"]
            )
        )
    if "score_coefficient" in s:
        with np.errstate(divide="ignore", invalid="ignore"):
            share = s["panel_score"].to_numpy(dtype=float) / s["weight"].to_numpy(dtype=float)
            coefficient = s["score_coefficient"].to_numpy(dtype=float)
            bad = np.isfinite(share) & ~np.isnan(coefficient) & (np.abs(share - coefficient) > 0.005)
        r = _flagged(s, bad)
        text = [
            f"「{n}」印出得分系数 {a}，得分 ÷ 分值 = {b} ÷ {c} = {d}"
            for n, a, b, c, d in zip(
                r["level3"],
                fmt.pcts(r["score_coefficient"]),
                fmt.scores(r["panel_score"]),
                fmt.scores(r["weight"]),
                fmt.pcts(share[r.rows]),
            )
        ]
        parts.append(
            findings("COEFFICIENT_MISMATCH", "error", r[ORG], _subjects(r), text, r["score_coefficient"], share[r.rows])
        )
    return pd.concat(parts, ignore_index=True) if parts else _no_findings()


def _plain_keys(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """``columns`` of a (small) frame with the unit column as plain text, ready to merge across tables."""
    out = frame[columns].copy()
    out[ORG] = out[ORG].astype(object)
    return out


@check("cost_contradicts_spending")
def _cost_contradicts_spending(ctx: AuditContext) -> pd.DataFrame:
    """A cost indicator (成本指标) in 万元 reporting 0 while its form spent money."""
    s = ctx.indicators
    rows = np.flatnonzero((s["actual"] == 0).to_numpy())  # few rows: their text is read only there
    level2, unit = s["level2"].to_numpy(dtype=object)[rows], s["unit"].to_numpy(dtype=object)[rows]
    rows = rows[[isinstance(a, str) and "成本" in a and b == "万元" for a, b in zip(level2, unit)]]
    if not len(rows):
        return _no_findings()
    cand = _plain_keys(s.iloc[rows], [ORG, "project", "level3"]).assign(_row=rows)
    spent = _plain_keys(ctx.projects, [ORG, "project", "spent"]).drop_duplicates([ORG, "project"])
    hit = cand.merge(spent, how="inner", on=[ORG, "project"])
    hit = hit[hit["spent"].to_numpy(dtype=float) > 0]
    r = _Rows(s, hit["_row"].to_numpy())
    amounts = hit["spent"].to_numpy(dtype=float)
    text = [
        f"「{n}」实际完成值 0 万元，但「{p}」全年执行数 {a} 万元"
        for n, p, a in zip(r["level3"], r["project"], fmt.wans(amounts))
    ]
    return findings("COST_CONTRADICTS", "error", r[ORG], _subjects(r), text, 0.0, amounts)


@check("target_below_previous")
def _target_below_previous(ctx: AuditContext) -> pd.DataFrame:
    """A target (≥) set below last year's actual for the same indicator (unit, form, 三级指标), when last
    year is loaded and the rule set's ``audit.previous_target`` is on."""
    prev = getattr(ctx.data, "previous", None)
    if prev is None or not ctx.rules.audit.get("previous_target", True) or prev.indicators.empty:
        return _no_findings()
    s = ctx.indicators
    rows = np.flatnonzero(s["direction"].isin([">=", ">"]).to_numpy() & s["target"].notna().to_numpy())
    keys = [ORG, "project", "level3"]
    now = _plain_keys(s.iloc[rows], keys + ["target"]).assign(_row=rows)
    last = _plain_keys(prev.indicators, keys + ["actual"]).dropna(subset=["actual"])
    last["project"] = last["project"].fillna(DEPARTMENT)
    hit = now.merge(last.drop_duplicates(keys), how="inner", on=keys)
    hit = hit[hit["target"].to_numpy(dtype=float) < hit["actual"].to_numpy(dtype=float)]
    r = _Rows(s, hit["_row"].to_numpy())
    before = hit["actual"].to_numpy(dtype=float)
    text = [
        f"「{n}」年度指标值 {a} 低于上年实际 {b}：目标可能设定偏低"
        for n, a, b in zip(r["level3"], fmt.values(r["target"], r["unit"]), fmt.values(before, r["unit"]))
    ]
    return findings("TARGET_BELOW_PREVIOUS", "warning", r[ORG], _subjects(r), text, before, r["target"])


@check("grade_bands")
def _grade_bands(ctx: AuditContext) -> pd.DataFrame:
    """The grade table each report printed (gaps, overlaps, order): each distinct table checked once."""
    bands = ctx.data.grade_bands
    if bands.empty:
        return _no_findings()
    parts = []
    bands = bands[category_codes(bands[ORG], ctx.data.org_index) >= 0]
    for rows, orgs in _band_tables(bands, ctx.data.org_index):
        for i in check_bands(bands.iloc[rows].drop(columns=ORG)):
            message = f"报告所列等级表：{i.zh}"
            parts.append(findings(_BAND_CODE[i.kind], "error", orgs, "公布的等级表", message, i.low, i.high))
    return pd.concat(parts, ignore_index=True) if parts else _no_findings()
