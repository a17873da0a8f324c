"""Data that loads but cannot mean anything, named with its location (refused, or flagged as a warning).

* An indicator that is its own breakdown (``parent`` = its own 三级指标), or breakdowns that go round in a
  circle (A is part of B, B of A): nothing in the circle would ever be scored. Refused.
* A project without any indicator: its score would be the 预算执行率 part alone (10 of 100). Flagged.
* A published project score above the points its rows carry (预算执行率 plus every indicator's weight):
  no scoring can give more than the weights. Flagged (the published table is a record; the audit
  recomputes it). Its code, ``INPUT_SCORE_ABOVE_WEIGHTS``, says the layer: the audit's ``SCORE_ABOVE_WEIGHT``
  is a score above its own weight (an indicator's, the 预算执行率's, 100 for a project).

Cross-table rules that make data unusable live in :mod:`evaltools.data.validate`; these are the
checks of issue 14 ("no silent nonsense"), kept apart so that each stays small. Both run on every loaded
year, whatever it was read from — a folder, a workbook or a filled-in form
(:data:`evaltools.data.load.assembly.CHECKS`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools.data.cells import factorize_objects, missing_objects
from evaltools.data.schema import ORG, TABLES
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


def _linked_rows(ind: pd.DataFrame) -> pd.DataFrame:
    """The rows naming both a 三级指标 and a parent (the only ones a cycle can pass through), each with its
    project's number (``group``, :func:`_project_groups`), sorted by that number then by row."""
    names = ind["level3"].to_numpy(dtype=object)
    parents = ind["parent"].to_numpy(dtype=object)
    linked = np.not_equal(names, None) & np.not_equal(parents, None)
    groups = _project_groups(ind)
    rows = pd.DataFrame({"level3": names[linked], "parent": parents[linked], "group": groups[linked]})
    rows.index = ind.index[linked]
    return rows.iloc[np.argsort(rows["group"].to_numpy(), kind="stable")]


def _circle_groups(linked: pd.DataFrame) -> np.ndarray:
    """Which of :func:`_linked_rows` belong to a project where following 三级指标 → parent can come back round:
    each project's names as a map name → parent (its last row wins, as in :func:`_parent_cycles`' dict), then,
    until nothing changes, the names whose parent is no name of the map, and those no remaining name points to,
    are left out. A map with one parent per name is a functional graph: what remains are exactly the names on a
    circle. Vectorised over every project at once (a bureau's year has tens of thousands of projects)."""
    group = pd.factorize(linked["group"].to_numpy(dtype=np.int64))[0].astype(np.int64)  # few: one per linked row
    n = len(group)
    both = np.concatenate([linked["level3"].to_numpy(dtype=object), linked["parent"].to_numpy(dtype=object)])
    codes, uniques = factorize_objects(both)
    size = len(uniques) + 1
    name, parent = group * size + codes[:n], group * size + codes[n:]
    last = ~pd.Series(name, copy=False).duplicated(keep="last").to_numpy()
    name, parent = name[last], parent[last]
    while len(name):
        keep = np.isin(parent, name)
        keep &= np.isin(name, parent[keep])
        if keep.all():
            break
        name, parent = name[keep], parent[keep]
    return np.isin(group, name // size)


def _first_seen(values: np.ndarray) -> np.ndarray:
    """Each value's number in the order of first appearance, a missing value counted as one value of its own (as
    ``pd.factorize`` of the column with its missing cells filled): one hashing pass, the missing cells given the
    place of the first of them."""
    codes, uniques = factorize_objects(values)
    missing = codes < 0
    if not missing.any():
        return codes
    first = int(np.argmax(missing))
    place = int(codes[:first].max()) + 1 if first else 0  # the values seen before the first missing cell
    return np.where(missing, place, codes + (codes >= place))


def _project_groups(ind: pd.DataFrame) -> np.ndarray:
    """Each row's project as an integer, ordered as its first row (:func:`_first_seen`); in many-unit data a
    project is its unit and its name together (two units' 项目1 are two projects), ordered by unit, then by the
    first row of its name."""
    groups = _first_seen(ind["project"].to_numpy(dtype=object))
    if ORG not in ind.columns or groups.size == 0:
        return groups
    units = _unit_codes([ind[ORG]])[0]
    return units.astype(np.int64) * (int(groups.max()) + 1) + groups


def _unit_codes(columns: list[pd.Series]) -> tuple[np.ndarray, int]:
    """The unit columns of several tables as one set of codes (−1: no unit) and their number: a loaded year's unit
    columns are categoricals of one dtype (their codes as they are), any other are factorised together."""
    first = columns[0].dtype
    if isinstance(first, pd.CategoricalDtype) and all(c.dtype == first for c in columns):
        return np.concatenate([c.cat.codes.to_numpy() for c in columns]), len(first.categories)
    codes, uniques = factorize_objects(np.concatenate([c.to_numpy(dtype=object) for c in columns]))
    return codes, len(uniques)


def _project_keys(rows: np.ndarray, ind: pd.DataFrame, projects: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """One integer per project for the indicator rows ``rows`` (a mask) and for every row of ``projects``, equal
    exactly when they name the same project (−1: no project named). In many-unit data the unit is part of the
    project: a project's indicators are those of its unit (two units may both have a 项目1)."""
    names = np.concatenate([ind["project"].to_numpy(dtype=object)[rows], projects["project"].to_numpy(dtype=object)])
    codes, _ = factorize_objects(names)
    if ORG in ind.columns and ORG in projects.columns:
        unit_codes, units = _unit_codes([ind[ORG][rows], projects[ORG]])
        keys = codes.astype(np.int64) * (units + 1) + unit_codes + 1
        if (int(codes.max()) + 1) * (units + 1) > 4 * len(codes) + 1024:  # else small enough to count by as it is
            keys = pd.factorize(keys)[0]
        codes = np.where(codes < 0, -1, keys)
    n = int(rows.sum())
    return codes[:n], codes[n:]


def _span(*codes: np.ndarray) -> int:
    """A length for arrays indexed by these codes with one place beyond every code: index −1 (no project named)
    is that last place, which no code fills."""
    return max(int(c.max(initial=0)) for c in codes) + 2


def _parent_cycles(ind: pd.DataFrame, raw: object, problems: ProblemList) -> None:
    """An indicator that is its own breakdown, or breakdowns that go round in a circle, within each project
    (projects in the order of their first row, rows in table order). Only rows naming both a 三级指标 and
    a parent are looked at: no other row can be in a circle, nor start a reported chain."""
    if ind.empty or missing_objects(ind["parent"]).all():
        return
    linked = _linked_rows(ind)
    linked = linked[_circle_groups(linked)]  # the projects holding a circle: the loop looks at no other
    for _, rows in linked.groupby("group", sort=False):
        pairs = list(zip(rows.index, rows["level3"].tolist(), rows["parent"].tolist()))
        parents = {name: parent for _, name, parent in pairs}
        reported: set[str] = set()
        for idx, name, parent in pairs:
            if name in reported:
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
    rows, of_project = _project_keys(np.ones(len(ind), dtype=bool), ind, projects)
    having = np.zeros(_span(rows, of_project), dtype=bool)
    having[rows[rows >= 0]] = True
    for idx in projects.index[~having[of_project]]:
        problems.add(
            _where(raw, idx, "projects", "project"),
            "项目没有绩效指标 / a project without indicators",
            found=projects.at[idx, "project"],
            expected="its indicators in 绩效指标 (indicators.csv) with this 项目名称; without them the project "
            "scores only its 预算执行率 points",
            severity=WARNING,
            code="NO_INDICATORS",
        )


def _listing(col: pd.Series, field: str) -> np.ndarray:
    """Which cells of an ``unknown`` column list ``field`` (``field in str(cell or "")``), decided once per
    distinct value."""
    codes, uniques = factorize_objects(col.to_numpy(dtype=object))
    return np.array([field in str(u or "") for u in uniques] + [False], dtype=bool)[codes]


def _published_above_weights(projects: pd.DataFrame, ind: pd.DataFrame, raw: object, problems: ProblemList) -> None:
    """A published project score above 预算执行率 plus the weights of its scored (top-level) indicators.
    Totals are summed for every project at once (plain arrays: this runs once per form read); only the projects
    above them are looked at one by one (a project with an unreadable weight, or whose 预算执行率 weight is
    unknown, is left out)."""
    published = projects["published_score"].to_numpy(dtype=float)
    if projects.empty or np.isnan(published).all():
        return
    top = missing_objects(ind["parent"])
    rows, of_project = _project_keys(top, ind, projects)
    named = rows >= 0
    weight = np.nan_to_num(ind["weight"].to_numpy(dtype=float)[top][named])
    sums = np.bincount(rows[named], weight, _span(rows, of_project))
    unreadable = set(rows[named & _listing(ind["unknown"][top], "weight")].tolist())
    weights = np.where(of_project >= 0, sums[of_project], 0.0)
    execution = projects["execution_weight"].to_numpy(dtype=float)
    execution = np.where(np.isnan(execution), DEFAULT_EXECUTION_WEIGHT, execution)
    with np.errstate(invalid="ignore"):
        above = published > execution + weights + 1e-9
    unknown = projects["unknown"].to_numpy(dtype=object)
    for i in np.flatnonzero(above):
        if of_project[i] in unreadable or "execution_weight" in str(unknown[i] or ""):
            continue
        total = execution[i] + weights[i]
        problems.add(
            _where(raw, projects.index[i], "projects", "published_score"),
            "公布得分高于各项分值之和 / published score above the points its rows carry",
            found=f"{published[i]:g} > {total:g}（预算执行率 {execution[i]:g} + 指标分值 {total - execution[i]:g}）",
            expected="不高于各项分值之和：核对得分和各指标分值",
            severity=WARNING,
            code="INPUT_SCORE_ABOVE_WEIGHTS",
        )
