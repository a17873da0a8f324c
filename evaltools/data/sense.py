"""Data that loads but cannot mean anything, named with its location (refused, or flagged as a warning).

* An indicator that is its own breakdown (``parent`` = its own 三级指标), or breakdowns that go round in a
  circle (A is part of B, B of A): nothing in the circle would ever be scored. Refused.
* A project without any indicator: its score would be the 预算执行率 part alone (10 of 100). Flagged.
* A published project score above the points its rows carry (预算执行率 plus every indicator's weight):
  no scoring can give more than the weights. Flagged (the published table is a record; the audit
  recomputes it).

Cross-table rules that make data unusable live in :mod:`evaltools.data.validate`; these are the
checks of issue 14 ("no silent nonsense"), kept apart so that each stays small.
"""

from __future__ import annotations

import pandas as pd

from evaltools.data.schema import TABLES
from evaltools.errors import WARNING, Location, ProblemList

#: The 预算执行率 weight of a project that does not state one (财预〔2020〕10号; the rule set's default).
DEFAULT_EXECUTION_WEIGHT = 10.0


def _where(raw: object, idx: object, table: str, column: str) -> Location:
    title = TABLES[table].field(column).title
    if raw is None:
        return Location("(data)", None, None, title)
    return raw.loc(raw.data_row(idx), title)


def check_sense(tables: dict[str, pd.DataFrame], raws: dict, problems: ProblemList) -> None:
    """Every check of this module over the validated tables; ``raws`` locate the rows."""
    ind, projects = tables["indicators"], tables["projects"]
    _parent_cycles(ind, raws.get("indicators"), problems)
    _projects_without_indicators(projects, ind, raws.get("projects"), problems)
    _published_above_weights(projects, ind, raws.get("projects"), problems)


def _chain(start: str, parents: dict[str, str]) -> list[str]:
    """The breakdown chain from ``start`` up its parents until it leaves the table or comes back round."""
    seen = [start]
    while (up := parents.get(seen[-1])) is not None and up not in seen:
        seen.append(up)
    return seen + ([up] if up is not None else [])


def _parent_cycles(ind: pd.DataFrame, raw: object, problems: ProblemList) -> None:
    if ind.empty or not ind["parent"].notna().any():
        return
    for _, rows in ind.groupby(ind["project"].fillna("\0"), sort=False):
        parents = {r.level3: r.parent for r in rows.itertuples() if r.level3 is not None and r.parent is not None}
        reported: set[str] = set()
        for idx, row in rows.iterrows():
            name, parent = row["level3"], row["parent"]
            if parent is None or name is None or name in reported:
                continue
            if parent == name:
                problems.add(
                    _where(raw, idx, "indicators", "parent"),
                    "指标以自身为合计指标 / an indicator is its own breakdown",
                    found=f"{name} → {parent}",
                    expected="the 三级指标 name of another indicator (the total), or empty",
                    code="PARENT_CYCLE",
                )
                reported.add(name)
                continue
            chain = _chain(name, parents)
            if chain[-1] == name:
                problems.add(
                    _where(raw, idx, "indicators", "parent"),
                    "合计指标循环引用 / breakdowns go round in a circle",
                    found=" → ".join(chain),
                    expected="breakdowns that end at a total whose 所属合计指标 is empty",
                    code="PARENT_CYCLE",
                )
                reported.update(chain)


def _projects_without_indicators(projects: pd.DataFrame, ind: pd.DataFrame, raw: object, problems: ProblemList) -> None:
    if projects.empty:
        return
    having = set(ind["project"].dropna()) if not ind.empty else set()
    for idx in projects.index[~projects["project"].isin(having)]:
        problems.add(
            _where(raw, idx, "projects", "project"),
            "项目没有绩效指标 / a project without indicators",
            found=projects.at[idx, "project"],
            expected="its indicators in 绩效指标 (indicators.csv) with this 项目名称; without them the project "
            "scores only its 预算执行率 points",
            severity=WARNING,
            code="NO_INDICATORS",
        )


def _published_above_weights(projects: pd.DataFrame, ind: pd.DataFrame, raw: object, problems: ProblemList) -> None:
    published = projects["published_score"]
    if projects.empty or not published.notna().any():
        return
    scored = ind[ind["parent"].isna()] if not ind.empty else ind
    weights = scored.groupby("project")["weight"].sum() if not scored.empty else pd.Series(dtype=float)
    unreadable = set(scored["project"][scored["unknown"].fillna("").str.contains("weight")]) if len(scored) else set()
    for idx in projects.index[published.notna()]:
        name = projects.at[idx, "project"]
        if name in unreadable or "execution_weight" in str(projects.at[idx, "unknown"] or ""):
            continue
        execution = projects.at[idx, "execution_weight"]
        execution = DEFAULT_EXECUTION_WEIGHT if pd.isna(execution) else float(execution)
        total = execution + float(weights.get(name, 0.0))
        if published[idx] > total + 1e-9:
            problems.add(
                _where(raw, idx, "projects", "published_score"),
                "公布得分高于各项分值之和 / published score above the points its rows carry",
                found=f"{published[idx]:g} > {total:g} (预算执行率 {execution:g} + indicators {total - execution:g})",
                expected="a score no higher than the weights: check the score and the indicators' 分值",
                severity=WARNING,
                code="SCORE_ABOVE_WEIGHTS",
            )
