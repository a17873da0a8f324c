"""What the report states against what its data give: the rates its tables state, and the counts, rates,
totals and years its text states (the statements table, one registered metric per 陈述类型)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.schema import ORG
from evaltools.registry import Registry
from evaltools.scoring.codes import joint_codes
from evaltools.scoring.indicators import category_codes

from .core import AuditContext, Code, check, concat, findings
from .rates import RATE_CODES, TEXT_FIELD, line_formulas, project_formulas, rate_findings, table_rates, take
from .rows import by_org, joined

#: Statement metrics (statements table, column 陈述类型) → ``fn(ctx, rows) -> findings``, one per row of
#: ``rows`` (the statements of that metric, every unit), indexed like ``rows``; a statement that agrees with
#: the data gets no finding (or an info one).
STATEMENT_METRICS: Registry[Callable] = Registry("statement metric", "陈述类型", key="metric")
statement = STATEMENT_METRICS.register


def _counts(frame: pd.DataFrame, keys: list[str], rows: pd.DataFrame, on: list[str]) -> np.ndarray:
    """For each row of ``rows``: how many rows of ``frame`` have its values of ``on`` in columns ``keys``."""
    sizes = frame.groupby(keys, sort=False).size().rename("_n")
    found = rows[on].merge(sizes, how="left", left_on=on, right_index=True)["_n"]
    return found.fillna(0).to_numpy(dtype=int)


def _count_findings(
    rows: pd.DataFrame,
    n: np.ndarray,
    message: Callable[[pd.DataFrame, np.ndarray], list[str]],
    project: np.ndarray | None = None,
) -> pd.DataFrame:
    """COUNT_MISMATCH for the rows whose stated count is not ``n``; the others are left out."""
    bad = np.flatnonzero(rows["stated"].to_numpy(dtype=float) != n)
    sub = rows.iloc[bad]
    return findings(
        "COUNT_MISMATCH",
        sub[ORG],
        sub["subject"],
        message(sub, n[bad]),
        sub["stated"],
        n[bad],
        project=None if project is None else project[bad],
        index=sub.index,
    )


@statement("project_count")
def _project_count(ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    projects = ctx.data.projects

    def message(sub: pd.DataFrame, n: np.ndarray) -> list[str]:
        codes = category_codes(projects[ORG], ctx.data.org_index)
        wanted = category_codes(sub[ORG], ctx.data.org_index)
        listed = joined(codes, projects["project"].to_numpy(dtype=object), wanted)
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
    project = np.where(is_project, rows["subject"].to_numpy(dtype=object), None)
    return _count_findings(
        rows, n, lambda sub, k: [f"所述指标数 {s}，所列 {c} 个" for s, c in zip(fmt.nums(sub["stated"]), k)], project
    )


@statement("team_count")
def _team_count(ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    n = _counts(ctx.data.team, [ORG], rows, [ORG])
    return _count_findings(
        rows, n, lambda sub, k: [f"所述评价组人数 {s}，名单 {c} 人" for s, c in zip(fmt.nums(sub["stated"]), k)]
    )


def _positions_of(rows: pd.DataFrame, frame: pd.DataFrame, key: str) -> np.ndarray:
    """For each statement row, the position in ``frame`` of the first item its subject names in its unit (-1: none;
    a missing name matches a missing name, as a merge matches them). By integer codes of (unit, name): no merge."""
    n = len(rows)
    units, _ = joint_codes(rows[ORG], frame[ORG])
    names, size = joint_codes(rows["subject"], frame[key])
    codes, _ = pd.factorize(units * (size + 1) + names)
    first = np.full(int(codes.max()) + 1 if len(codes) else 0, -1, dtype=np.int64)
    first[codes[n:][::-1]] = np.arange(len(frame) - 1, -1, -1)  # the last write wins: each item's first row
    return first[codes[:n]]


def _rate_statement(ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    """A rate the text states for a project (资金使用率) or budget line, against the recomputed one; one that
    does not agree is a STATEMENT_MISMATCH."""
    in_projects = _positions_of(rows, ctx.data.projects, "project")
    in_lines = np.where(in_projects < 0, _positions_of(rows, ctx.data.budget_lines, "line"), -1)
    parts = []
    for found, frame, formulas, is_project in (
        (in_projects, ctx.data.projects, project_formulas, True),
        (in_lines, ctx.data.budget_lines, line_formulas, False),
    ):
        hit = np.flatnonzero(found >= 0)
        sub = rows.iloc[hit]
        names = sub["subject"].to_numpy(dtype=object)
        where = [
            f"（{loc}：“{q}”）" if isinstance(q, str) and q else "" for loc, q in zip(sub["location"], sub["quote"])
        ]
        f = rate_findings(
            sub[ORG].array,
            names,
            sub["stated"].to_numpy(dtype=float),
            take(formulas(frame), found[hit]),
            index=sub.index,
            project=names if is_project else None,
            field=TEXT_FIELD,
            where=np.array(where, dtype=object),
        )
        f["code"] = f["code"].replace("RATE_MISMATCH", "STATEMENT_MISMATCH")
        parts.append(f)
    rest = rows.iloc[np.flatnonzero((in_projects < 0) & (in_lines < 0))]
    text = [f"无法核对：没有名为「{s}」的项目或支出项目" for s in rest["subject"]]
    parts.append(findings("STATEMENT_UNCHECKED", rest[ORG], rest["subject"], text, index=rest.index))
    return _joined_parts(parts)


def _joined_parts(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Findings frames one after the other, their indexes kept; an empty one (whose unit column is plain text) left
    out, so that the unit column stays categorical (the same findings: :func:`~.core.run_audit` codes them)."""
    found = [p for p in parts if len(p)]
    return pd.concat(found) if found else parts[0]


STATEMENT_METRICS.add("fund_usage_rate", _rate_statement)
STATEMENT_METRICS.add("execution_rate", _rate_statement)


@statement("total_score")
def _total_score_statement(ctx: AuditContext, rows: pd.DataFrame) -> pd.DataFrame:
    published = by_org(ctx, rows, "published_total").to_numpy(dtype=float)
    stated = rows["stated"].to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isnan(published) & (np.abs(published - stated) > 1e-9))
    sub = rows.iloc[bad]
    text = [f"文中两处总分不一致：{a} 与 {b}" for a, b in zip(fmt.scores(stated[bad]), fmt.scores(published[bad]))]
    return findings("STATEMENT_MISMATCH", sub[ORG], sub["subject"], text, stated[bad], published[bad], index=sub.index)


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
    return findings("YEAR_IN_TEXT", sub[ORG], sub["subject"], text, sub["stated"], year, index=sub.index)


def _text_statements(ctx: AuditContext) -> pd.DataFrame:
    """Counts, rates, totals and years the text states (statements table), each metric in one pass."""
    if not len(ctx.data.statements):  # no statement (every form): no grouping
        return concat([])
    rows = ctx.data.statements.reset_index(drop=True)
    parts = []
    for metric, sub in rows.groupby("metric", sort=False):
        fn = STATEMENT_METRICS.get(metric)
        if fn is None:
            text = f"未知的陈述类型「{metric}」，无法核对；可用：{', '.join(STATEMENT_METRICS)}"
            parts.append(findings("STATEMENT_UNCHECKED", sub[ORG], sub["subject"], text, index=sub.index))
        else:
            parts.append(fn(ctx, sub))
    if not parts:
        return concat([])
    out = _joined_parts(parts)
    return out.take(np.argsort(out.index.to_numpy(), kind="stable"))


@check(
    "statements",
    codes=[
        *RATE_CODES,
        Code(
            "COUNT_MISMATCH",
            label="数量不符",
            severity="error",
            measure="核对报告中的项目、指标和人员数量，使文字表述与所列清单一致。",
            field=TEXT_FIELD,
        ),
        Code(
            "STATEMENT_MISMATCH",
            label="表述与数据不符",
            severity="error",
            measure="统一报告各处对同一数字的表述，以财务数据为准。",
            field=TEXT_FIELD,
        ),
        Code(
            "STATEMENT_UNCHECKED",
            label="表述无法核对",
            severity="warning",
            measure="报告所述比率应指明所属项目或支出项目，名称与数据中的一致，便于核对。",
            field=TEXT_FIELD,
        ),
        Code(
            "YEAR_IN_TEXT",
            label="年度表述有误",
            severity="warning",
            measure="更正报告中与评价年度不一致的年份表述。",
            field=TEXT_FIELD,
        ),
    ],
)
def _statements(ctx: AuditContext) -> pd.DataFrame:
    """What the report states against the data: the rates its tables state (budget lines', projects'
    ``stated_rate``; see :mod:`.rates`), then what its text states (statements table)."""
    return concat([table_rates(ctx), _text_statements(ctx)])
