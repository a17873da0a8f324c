"""Cross-table rules checked at the boundary: keys, references, ranges, amounts.

Each rule adds problems with the file, sheet, row and column; values inside one cell are
checked by the pandera schemas in :mod:`evaltools.data.schema`. Only what makes the data
unusable is checked here; whether the published figures add up (weights to 100, funding sources
to the budget, scores within their weights) is the audit's business
(:mod:`evaltools.scoring.audit`), so a table with such a mistake loads and its report names it.

Where a rule here looks at the same figures as an audit check, its code starts with ``INPUT_`` so that the
two layers' problems are never taken for one another: ``INPUT_SPENT_FAR_ABOVE_BUDGET`` (a warning of
``check``: spending above :data:`SPENT_LIMIT` times the budget, most likely a typing error — 元 for 万元, a
decimal point) against the audit's ``SPENT_OVER_BUDGET`` (every overrun, to explain in the report).
These rules run, with :mod:`evaltools.data.sense`, on every loaded year, whatever it was read from
(:data:`evaltools.data.load.assembly.CHECKS`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from evaltools.data.cells import clean_text, factorize_objects, missing_objects
from evaltools.data.kinds import KINDS, contradicted, describe_presence, presence
from evaltools.data.profile_schema import PROFILE_BY_NAME, PROFILE_SHEET
from evaltools.data.schema import ORG, ORG_FIELD, ORG_HEADERS, TABLES, UNITS, Table
from evaltools.data.text import clean_invisible
from evaltools.errors import ERROR, WARNING, Location, Problem, ProblemList, UnsafePathError
from evaltools.paths import safe_component

#: Spending above this multiple of the budget is a warning to explain (payables, a supplementary budget)
#: or a typing error to correct (万元, decimals); the audit reports every overrun as well (SPENT_OVER_BUDGET).
SPENT_LIMIT = 2.0


#: Rows reported per rule and table at most (a million bad rows are one mistake, not a million lines).
MAX_REPORTED = 20


#: Field kinds whose pandera column is typed float64 (:func:`evaltools.data.schema.pandera_schema`).
FLOAT_KINDS = frozenset({"number", "money", "rate"})


def schema_clean(table: Table, frame: pd.DataFrame | Mapping[str, pd.Series]) -> bool:
    """Whether :func:`evaltools.data.schema.pandera_schema` of ``table`` can find nothing wrong in ``frame``: every
    required column present, float64 where the schema types a column float, no null where it is not nullable, no
    value below a bound (money and rates ≥ 0, a field's ``minimum``), no value outside a vocabulary — the same
    rules, in one vectorised pass per column (pandera validates a small table in ~10 ms; this in well under 1 ms).
    False sends the frame to pandera, which then names each failure: True is only said when pandera would pass it
    (nulls are ignored by its value checks, as here). ``frame`` may be the parsed columns by name (a form's table:
    each column tested on its array, no frame made)."""
    if isinstance(frame, pd.DataFrame) and frame.columns.has_duplicates:
        return False
    for f in table.fields:
        if f.name not in frame:
            if f.required:
                return False
            continue
        col = frame[f.name]
        if f.kind in FLOAT_KINDS and col.dtype != np.float64:
            return False
        values = col.to_numpy()
        # a text column's codes (one pass: factorize_objects) say whether it holds a missing cell and what it holds
        needed = not f.nullable or f.vocabulary is not None
        coded = factorize_objects(values) if values.dtype == object and needed else None
        if not f.nullable and (pd.isna(values).any() if coded is None else (coded[0] < 0).any()):
            return False
        bounds = [0.0] if f.kind in ("money", "rate") else []
        bounds += [] if f.minimum is None else [f.minimum]
        if bounds:
            if col.dtype != np.float64:
                return False
            with np.errstate(invalid="ignore"):
                if (values < max(bounds)).any():
                    return False
        if f.vocabulary is not None:
            present = pd.unique(values) if coded is None else np.asarray(coded[1], dtype=object)
            if not _in_vocabulary(present[~pd.isna(present)], f.vocabulary):
                return False
    return True


def _in_vocabulary(values: np.ndarray, vocabulary: object) -> bool:
    """Whether every value (distinct values) is one of ``vocabulary`` (as ``Series.isin``)."""
    if not len(values):
        return True
    return bool(pd.Series(values, dtype=object).isin(list(vocabulary)).all())


def cross_check(tables: dict[str, pd.DataFrame], raws: dict, problems: ProblemList) -> None:
    """Run every cross-table rule; ``raws`` gives each table's file/sheet for locations. In many-unit data
    (a ``units`` table) every key is per unit and every row must name a listed unit."""
    for name, frame in tables.items():
        _duplicates(name, frame, raws, problems)
    if UNITS.name in tables:
        _known_units(tables, raws, problems)
        _unit_names(tables[UNITS.name], raws.get(UNITS.name), problems)
    _projects(tables["projects"], raws.get("projects"), problems)
    _budget_lines(tables["budget_lines"], raws.get("budget_lines"), problems)
    _indicators(tables["indicators"], tables["projects"], raws.get("indicators"), problems)
    _grade_bands(tables["grade_bands"], raws.get("grade_bands"), problems)


def _known_units(tables: dict[str, pd.DataFrame], raws: dict, problems: ProblemList) -> None:
    """Every row of many-unit data names a unit of the units table."""
    units = set(tables[UNITS.name][ORG])
    for name, frame in tables.items():
        if name == UNITS.name or ORG not in frame.columns:
            continue
        unknown = frame.index[frame[ORG].notna() & ~frame[ORG].isin(units)]
        for idx in unknown[:MAX_REPORTED]:
            problems.add(
                _where(raws.get(name), idx, ORG_FIELD.title),
                "单位表中没有这个单位 / unit not in the units table",
                found=frame.at[idx, ORG],
                expected=f"one of the {len(units)} units of {UNITS.name}.csv (sheet 「{UNITS.sheet}」)",
                code="UNKNOWN_UNIT",
            )


def _unit_names(units: pd.DataFrame, raw, problems: ProblemList) -> None:
    """Every unit name of many-unit data is usable as the folder ``run`` writes its report into
    (``outputs/<unit>/<year>/``, :func:`evaltools.paths.safe_component`): what ``check`` accepts, ``run`` reports.
    A name that is not (``../../etc``, ``con``, ``a/b``, 300 characters, a trailing dot) is refused at its cell,
    never changed behind the user's back (two names made safe could become one folder)."""
    for idx, name in units[ORG].items():
        try:
            safe_component(str(name), "unit")
        except UnsafePathError as exc:
            problems.add(
                _where(raw, idx, ORG_FIELD.title),
                "单位名称不能用作报告文件夹名 / the unit name cannot name its report folder (outputs/<unit>/<year>/)",
                found=repr(str(name))
                if len(str(name)) <= 80
                else repr(str(name)[:77]) + f"… ({len(str(name))} characters)",
                expected=f"a name usable as a folder name, but {str(exc).split(': ', 1)[-1]}; rename the unit "
                f"here and in every table's 「{ORG_FIELD.title}」 column",
                code="UNSAFE_UNIT_NAME",
            )


#: Headers of the unit column as a raw table may write it.
_ORG_NAMES = frozenset({ORG, ORG_FIELD.title, *ORG_HEADERS})


def _org_column(raw) -> object | None:
    """The raw frame's unit column (its header as written), None when it has none (or rows come from forms)."""
    frame = getattr(raw, "frame", None)
    if frame is None or getattr(raw, "places", None) is not None:
        return None
    return next((c for c in frame.columns if str(c).strip() in _ORG_NAMES), None)


def _clean_org(value: object) -> str | None:
    return clean_text(clean_invisible(value) if isinstance(value, str) else value)


def raw_units(raw: object) -> pd.Series | None:
    """The unit each row of a raw table names (as the loader cleans it: stripped, invisible characters
    removed), indexed as the raw frame; None when the table has no unit column."""
    column = _org_column(raw)
    return None if column is None else raw.frame[column].map(_clean_org)


def problem_units(problems: list[Problem], raws: dict, listed: set[str]) -> list[str | None]:
    """For each problem of many-unit data, the unit whose row it was found on; None where it belongs to no
    single listed unit (the profile, a header, a shared table, a row naming a unit not in the units table):
    such a problem holds for every unit. Only the problems' own cells are looked at."""
    by_place = {(raw.file, raw.sheet): raw for raw in raws.values() if raw is not None}
    columns = {key: _org_column(raw) for key, raw in by_place.items()}
    owners: list[str | None] = []
    for p in problems:
        key, row = (p.location.file, p.location.sheet), p.location.row
        raw, column = by_place.get(key), columns.get(key)
        owner = None
        if column is not None and row is not None:
            idx = row - raw.header_row - 1
            if idx in raw.frame.index:
                owner = _clean_org(raw.frame.at[idx, column])
        owners.append(owner if owner in listed else None)
    return owners


def units_in_error(problems: list[Problem], raws: dict, listed: set[str]) -> tuple[set[str], bool]:
    """The units with an error of their own, and whether an error holds for every unit (:func:`problem_units`)."""
    errors = [p for p in problems if p.severity == ERROR]
    owners = problem_units(errors, raws, listed)
    return {o for o in owners if o is not None}, any(o is None for o in owners)


def without_units(raws: dict, units: set[str]) -> dict:
    """The raw tables without the rows of ``units`` (rows keep their index: problems stay located)."""
    kept = {}
    for name, raw in raws.items():
        orgs = raw_units(raw)
        if orgs is None:
            kept[name] = raw
            continue
        frame = raw.frame.loc[~orgs.isin(units).to_numpy()]
        frame.attrs.update(raw.frame.attrs)
        kept[name] = replace(raw, frame=frame, kept=None)
    return kept


def _where(raw, idx=None, column=None):
    if raw is None:
        return Location("(data)", None, None, column)
    return raw.loc(raw.data_row(idx) if idx is not None else None, column)


def _title(name: str, column: str) -> str:
    if column == ORG and name != UNITS.name:
        return ORG_FIELD.title
    return {**TABLES, UNITS.name: UNITS}[name].field(column).title


def _duplicates(name: str, frame: pd.DataFrame, raws: dict, problems: ProblemList) -> None:
    table = {**TABLES, UNITS.name: UNITS}[name]
    key = ([ORG] if ORG in frame.columns and ORG not in table.key and table.key else []) + list(table.key)
    if not key or len(frame) < 2:  # one row repeats nothing
        return
    dup = _repeated(frame, key)
    if not dup.any():
        return
    first = frame.drop_duplicates(key, keep="first").reset_index(names="_first")
    firsts = frame.loc[dup, key].merge(first[[*key, "_first"]], on=key, how="left")["_first"]
    raw = raws.get(name)
    for idx, at in list(zip(frame.index[dup], firsts))[:MAX_REPORTED]:
        label = " / ".join(str(frame.loc[idx, k]) for k in key)
        problems.add(
            _where(raw, idx, _title(name, key[-1])),
            "重复 / duplicate entry",
            found=label,
            expected=f"each {'+'.join(_title(name, k) for k in key)} once "
            f"(first at row {raw.data_row(at) if raw else at})",
            code="DUPLICATE",
        )


def _repeated(frame: pd.DataFrame, key: list[str]) -> np.ndarray:
    """Which rows repeat the ``key`` of an earlier row (as ``DataFrame.duplicated(key)``: missing values equal
    each other), from the key columns' codes combined into one integer per row."""
    combined = _combined_codes([_hashable(frame[column]) for column in key])
    return pd.Series(combined, copy=False).duplicated(keep="first").to_numpy()


def _hashable(col: pd.Series) -> np.ndarray:
    """A column's values to factorise: a categorical's codes (−1 for a missing value), else its objects."""
    if isinstance(col.dtype, pd.CategoricalDtype):
        return col.cat.codes.to_numpy()
    return col.to_numpy(dtype=object)


def _combined_codes(columns: list[np.ndarray]) -> np.ndarray:
    """One integer per row that is equal for two rows exactly when their values of every column are (missing values
    equal each other): each column's codes, mixed radix, refactorised only where the product could overflow."""
    combined = np.zeros(len(columns[0]) if columns else 0, dtype=np.int64)
    size = 1
    for values in columns:
        codes, uniques = factorize_objects(values) if values.dtype == object else pd.factorize(values)
        # missing: -1, made a code of its own (no pass to find them)
        codes = np.where(codes < 0, len(uniques), codes)
        if size * (len(uniques) + 1) >= 2**62:
            combined, seen = pd.factorize(combined)
            size = len(seen)
        combined = combined * (len(uniques) + 1) + codes
        size *= len(uniques) + 1
    return combined


def _rows(mask: object) -> np.ndarray:
    """Positions of the rows to report (at most :data:`MAX_REPORTED`)."""
    return np.flatnonzero(np.asarray(mask, dtype=bool))[:MAX_REPORTED]


def _projects(projects: pd.DataFrame, raw, problems: ProblemList) -> None:
    budget, spent = projects["budget"].to_numpy(dtype=float), projects["spent"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        for i in _rows((budget == 0) & (spent > 0)):
            problems.add(
                _where(raw, projects.index[i], _title("projects", "budget")),
                "预算为零但有支出 / zero budget with spending",
                found=f"预算数 0，支出数 {spent[i]:g}",
                expected="项目的全年预算数",
                code="ZERO_BUDGET",
            )
        for i in _rows((budget == 0) & ~(spent > 0)):
            problems.add(
                _where(raw, projects.index[i], _title("projects", "budget")),
                "预算为零，执行率无法计算 / zero budget: the execution rate is undefined",
                found="0",
                expected="a budget > 0",
                severity=WARNING,
                code="ZERO_BUDGET",
            )
        for i in _rows((budget != 0) & (spent > SPENT_LIMIT * budget)):
            problems.add(
                _where(raw, projects.index[i], _title("projects", "spent")),
                "支出远超预算，请说明原因或核对 / spent far above budget: explain or correct",
                found=f"支出数 {spent[i]:g}，预算数 {budget[i]:g}（{spent[i] / budget[i]:.0%}）",
                expected=f"不超过预算数的 {SPENT_LIMIT:.0%}，或说明原因（支付上年应付款、追加预算）；核对单位（万元）和小数位",
                severity=WARNING,
                code="INPUT_SPENT_FAR_ABOVE_BUDGET",
            )


def _budget_lines(lines: pd.DataFrame, raw, problems: ProblemList) -> None:
    budget, gross = lines["budget"].to_numpy(dtype=float), lines["spent"].to_numpy(dtype=float)
    spent = gross - lines["prior_year_payables"].fillna(0.0).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        for i in _rows((budget == 0) & (spent > 0)):
            problems.add(
                _where(raw, lines.index[i], _title("budget_lines", "budget")),
                "预算为零但有支出 / zero budget with spending",
                found=f"预算数 0，支出数 {gross[i]:g}",
                expected="该支出项目的预算数",
                code="ZERO_BUDGET",
            )
        for i in _rows((budget > 0) & (spent > SPENT_LIMIT * budget)):
            problems.add(
                _where(raw, lines.index[i], _title("budget_lines", "spent")),
                "支出远超预算，请说明原因或核对 / spent far above budget: explain or correct",
                found=f"支出数 {gross[i]:g}，预算数 {budget[i]:g}",
                expected=f"扣除上年应付未付后不超过预算数的 {SPENT_LIMIT:.0%}，或说明原因",
                severity=WARNING,
                code="INPUT_SPENT_FAR_ABOVE_BUDGET",
            )


def _present(rows: pd.DataFrame, row_columns: list[str], known: pd.DataFrame, known_columns: list[str]) -> np.ndarray:
    """For each row of ``rows``: whether its values of ``row_columns`` (with the unit first where the tables
    have one) occur together in ``known`` (``known_columns``). Keys become integers (each column hashed once
    over both tables), so a million rows take a fraction of a second."""
    if ORG in rows.columns and ORG in known.columns:
        row_columns, known_columns = [ORG, *row_columns], [ORG, *known_columns]
    both = []
    for a, b in zip(row_columns, known_columns):
        left, right = rows[a], known[b]
        if not (isinstance(left.dtype, pd.CategoricalDtype) and left.dtype == right.dtype):  # else codes of one dtype
            left, right = left.astype(object), right.astype(object)
        both.append(np.concatenate([_hashable(left), _hashable(right)]))
    combined = _combined_codes(both)
    return pd.Series(combined[: len(rows)], copy=False).isin(combined[len(rows) :]).to_numpy()


def _indicators(ind: pd.DataFrame, projects: pd.DataFrame, raw: object, problems: ProblemList) -> None:
    """Indicators: known projects, targets where they are scored, ranges in order, breakdowns."""
    if ind.empty:
        return
    names = sorted(set(projects["project"]))
    absent = ~missing_objects(ind["project"]) & ~_present(ind, ["project"], projects, ["project"])
    for idx in ind.index[absent][:MAX_REPORTED]:
        problems.add(
            _where(raw, idx, _title("indicators", "project")),
            "指标所属项目不存在 / unknown project",
            found=ind.at[idx, "project"],
            expected=f"one of the projects: {', '.join(names[:30]) or '(none)'}{' …' if len(names) > 30 else ''}",
            code="UNKNOWN_PROJECT",
        )
    _targets(ind, raw, problems)
    _breakdowns(ind, raw, problems)


def _targets(ind: pd.DataFrame, raw: object, problems: ProblemList) -> None:
    """A scored quantitative indicator needs a target; a range needs both ends, low ≤ high. (Plain arrays: this
    runs once per form read, where a few pandas operations on a small table cost more than the rule.)"""
    direction = ind["direction"].to_numpy(dtype=object)
    scored = ind["applicable"].to_numpy(dtype=bool) & missing_objects(ind["parent"])
    rng = direction == "range"
    quantitative = ~missing_objects(direction) & (direction != "qualitative")
    target, high = ind["target"].to_numpy(dtype=float), ind["target_high"].to_numpy(dtype=float)
    unknown = _listing(ind["unknown"], "target") if "unknown" in ind else np.zeros(len(ind), dtype=bool)
    for idx in ind.index[scored & quantitative & np.isnan(target) & ~unknown][:MAX_REPORTED]:
        problems.add(
            _where(raw, idx, _title("indicators", "target")),
            "缺少年度指标值 / the target is empty",
            found="(empty)",
            expected="a number (use 定性 for qualitative indicators, ? for a figure the source prints but cannot be read)",
        )
    for idx in ind.index[rng & np.isnan(high)][:MAX_REPORTED]:
        problems.add(
            _where(raw, idx, _title("indicators", "target_high")),
            "区间指标缺少上限 / range without upper bound",
            found="(empty)",
            expected="the upper end of the range, e.g. 6 for 4–6",
        )
    with np.errstate(invalid="ignore"):
        reversed_range = rng & (target > high)
    for idx in ind.index[reversed_range][:MAX_REPORTED]:
        problems.add(
            _where(raw, idx, _title("indicators", "target")),
            "区间下限大于上限 / range low > high",
            found=f"{ind.at[idx, 'target']:g}–{ind.at[idx, 'target_high']:g}",
            expected="low ≤ high",
            code="RANGE_ORDER",
        )


def _listing(col: pd.Series, name: str) -> np.ndarray:
    """Which cells of an ``unknown`` column list ``name`` (``name in str(cell)``, a blank cell lists nothing),
    decided once per distinct value."""
    codes, uniques = factorize_objects(col.to_numpy(dtype=object))
    return np.array([name in str(u) for u in uniques] + [False], dtype=bool)[codes]


def _breakdowns(ind: pd.DataFrame, raw: object, problems: ProblemList) -> None:
    """A breakdown row (所属合计指标) carries no weight and names a total of the same project."""
    parts = pd.Series(~missing_objects(ind["parent"]), index=ind.index)
    for idx in ind.index[parts & (ind["weight"] > 0)][:MAX_REPORTED]:
        problems.add(
            _where(raw, idx, _title("indicators", "weight")),
            "分项指标不应计分 / a breakdown row carries a weight",
            found=f"{ind.at[idx, 'weight']:g}",
            expected="0: the total it belongs to is scored, not its parts",
        )
    if not parts.any():
        return
    sub = ind[parts]
    totals = ind[ind["level3"].isin(set(sub["parent"]))]  # only rows that can be a total
    for idx in sub.index[~_present(sub, ["project", "parent"], totals, ["project", "level3"])][:MAX_REPORTED]:
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


# ----------------------------------------------------------------------------- the data against what it states


#: The tables whose rows make a unit's content (a unit of many-unit data with none of them has nothing to score).
CONTENT_TABLES = ("budget_lines", "projects", "indicators")


def check_stated(
    profile: object, tables: dict[str, pd.DataFrame], raws: dict, source: str, problems: ProblemList
) -> None:
    """What the data states about itself, against its tables: a stated report kind (``report_kind``) the tables
    cannot be (:func:`evaltools.data.kinds.contradicted`: 项目 stated over several projects would make one
    project's score the unit's total; 部门整体 stated without department indicators has nothing to total), and in
    many-unit data a unit of the units table with no row in any table (it would be reported at nothing: its
    total cannot be computed). Each refused at its cell (profile.yaml's key, or the unit's row of units.csv)."""
    units = tables.get(UNITS.name)
    if units is None:
        found = presence(tables, lambda frame: np.zeros(len(frame), dtype=np.int64), 1)
        stated = np.array([getattr(profile, "report_kind", None)], dtype=object)
        where = [_profile_where(source)]
    else:
        index = pd.Index(units[ORG].to_numpy(dtype=object))
        found = presence(tables, lambda frame: unit_positions(index, frame[ORG]), len(units))
        own = units["report_kind"].to_numpy(dtype=object) if "report_kind" in units else np.full(len(units), None)
        given = pd.notna(own) & (own != "")
        stated = np.where(given, own, getattr(profile, "report_kind", None))
        raw = raws.get(UNITS.name)
        title = PROFILE_BY_NAME["report_kind"].title
        stated_once = _profile_where(source)  # one look at the source (a folder or a workbook) for every unit
        where = [_where(raw, idx, title) if g else stated_once for idx, g in zip(units.index, given)]
        _units_without_rows(units, found, raw, problems)
    _lines_without_indicators(units, found, raws, problems)
    _year_columns(getattr(profile, "year", None), raws, problems)
    for i in np.flatnonzero(contradicted(stated, found))[:MAX_REPORTED]:
        kind = KINDS[str(stated[i])]
        problems.add(
            where[i],
            f"报告类型「{kind.short}」与表中数据不符 / the stated report kind {kind.name} contradicts the tables",
            found=describe_presence(found, i),
            expected=f"{kind.needs}; correct the tables, or leave report_kind blank to have the kind detected",
            code="KIND_CONTRADICTED",
        )


def unit_positions(index: pd.Index, col: pd.Series) -> np.ndarray:
    """``index.get_indexer(col)`` (−1 where a value is not in ``index``): a categorical's codes when its categories
    are ``index``, else each distinct value looked up once."""
    if isinstance(col.dtype, pd.CategoricalDtype) and col.cat.categories.equals(index):
        return col.cat.codes.to_numpy(dtype=np.int64)
    codes, uniques = factorize_objects(col.to_numpy(dtype=object))
    return np.append(index.get_indexer(uniques), -1)[codes]


def _profile_where(source: str) -> Location:
    """Where the profile's ``report_kind`` is written: profile.yaml of a folder, the 单位概况 sheet of a workbook."""
    path = Path(source)
    if path.is_dir():
        return Location(str(path / "profile.yaml"), None, None, "report_kind")
    return Location(str(path), PROFILE_SHEET, None, PROFILE_BY_NAME["report_kind"].title)


def _units_without_rows(units: pd.DataFrame, found, raw, problems: ProblemList) -> None:
    """A unit listed in the units table with no budget line, project or indicator: nothing to score."""
    empty = (found.projects == 0) & (found.budget_lines == 0) & ~found.department_content()
    for i in np.flatnonzero(empty)[:MAX_REPORTED]:
        problems.add(
            _where(raw, units.index[i], ORG_FIELD.title),
            "单位表中的单位没有任何数据行，总分无法计算 / a listed unit has no rows: its total cannot be computed",
            found=f"{units[ORG].iloc[i]}: 0 rows in {', '.join(t + '.csv' for t in CONTENT_TABLES)}",
            expected=f"its rows in the tables (「{ORG_FIELD.title}」 written exactly as here), or remove it from the "
            "units table",
            code="UNIT_WITHOUT_ROWS",
        )


def _lines_without_indicators(units: pd.DataFrame | None, found, raws: dict, problems: ProblemList) -> None:
    """A department's budget lines with no indicator and no project: nothing to score (its total would be its
    published one, taken for computed): refused at the indicators table."""
    bare = (found.budget_lines > 0) & (found.projects == 0) & ~found.department_content()
    raw = raws.get("indicators")
    for i in np.flatnonzero(bare)[:MAX_REPORTED]:
        who = "" if units is None else f"{units[ORG].iloc[i]}: "
        if units is not None:  # at the unit's row of the units table
            where = _where(raws.get(UNITS.name), units.index[i], ORG_FIELD.title)
        else:
            where = raw.loc() if raw is not None else Location("(data)")
        problems.add(
            where,
            "部门整体数据没有绩效指标，总分无法计算 / department data without indicators: its total cannot be computed",
            found=f"{who}{int(found.budget_lines[i])} 个支出项目行（预算执行），0 个绩效指标，0 个项目",
            expected="the department's indicators (rows of the indicators table with 「项目名称」 blank) or its "
            "projects with their indicators",
            code="DEPARTMENT_WITHOUT_INDICATORS",
        )


#: Headers of a year column some tables carry (the loader ignores it: the year is the folder's and the profile's).
YEAR_HEADERS = frozenset({"year", "年度", "年份", "评价年度", "预算年度"})


def _year_columns(year: int | None, raws: dict, problems: ProblemList) -> None:
    """A row whose own year column names another year than the data's (the folder, ``--year`` and the
    profile agree on it): a row of another year mixed in, refused at its cell (it would be scored as this
    year's)."""
    if year is None:
        return
    for raw in raws.values():
        frame = getattr(raw, "frame", None)
        if frame is None or getattr(raw, "places", None) is not None:
            continue
        for column in [c for c in frame.columns if str(c).strip() in YEAR_HEADERS]:
            cells = frame[column].map(_clean_org)
            numbers = pd.to_numeric(cells, errors="coerce")
            other = cells.notna() & (numbers != year)
            for idx in cells.index[other.to_numpy()][:MAX_REPORTED]:
                problems.add(
                    raw.loc(raw.excel_row(idx), str(column)),
                    "此行的年度与数据的年度不符 / the row is for another year than the data",
                    found=cells.loc[idx],
                    expected=f"{year} (the year of the folder, of --year and of the profile), or move the row to "
                    "its own year's data",
                    code="ROW_YEAR_MISMATCH",
                )
