"""The one path from loaded tables to year data: :func:`assemble`. Every input — a CSV or Parquet folder, a
workbook, many units at once, the forms read by ``evaltools import`` and ``audit`` — is read and normalised
by its own reader, then assembled here with the same checks (:data:`CHECKS`), so that what ``check`` refuses
no other route accepts. Every problem found is collected and raised at once as an
:class:`~evaltools.errors.InputError` naming file, sheet, row and column; after this boundary the rest of
evaltools trusts the data.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from evaltools.data import schema as S
from evaltools.data.cells import factorize_objects, printed_units
from evaltools.data.discover import find_source, is_many_units, units_in  # noqa: F401 - find_source, is_many_units: re-exported
from evaltools.data.load.normalise import empty_frame, empty_table, normalise
from evaltools.data.load.profile import build_profile
from evaltools.data.load.readers import read_input
from evaltools.data.load.tables import ALL_TABLES, RawTable
from evaltools.data.model import Profile, UnitsData, YearData
from evaltools.data.sense import check_sense
from evaltools.data.size import MemoryBudget
from evaltools.data.validate import check_stated, cross_check, problem_units, raw_units, units_in_error, without_units
from evaltools.errors import WARNING, DataNotFoundError, InputError, Location, Problem, ProblemList
from evaltools.params import JobParams

#: The checks every year's tables pass, whatever they were read from, in this order: the cross-table rules
#: without which the data is unusable (keys, references, ranges: :func:`evaltools.data.validate.cross_check`),
#: then data that loads but cannot mean anything (breakdowns in a loop …: :func:`evaltools.data.sense.check_sense`).
#: Each is ``fn(tables, raws, problems)``; ``raws`` locate the rows.
CHECKS = (cross_check, check_sense)


def assemble(
    profile: Profile | None,
    tables: dict[str, pd.DataFrame],
    raws: dict[str, RawTable],
    source: str | Path,
    problems: ProblemList,
) -> YearData | UnitsData | None:
    """The one assembly of loaded data, for every route (a CSV or Parquet folder, a workbook, many units at
    once, a filled-in form): a year with nothing to evaluate refused, every check of :data:`CHECKS` run, then
    the data — :class:`UnitsData` when ``tables`` hold a units table, else :class:`YearData` — carrying as
    warnings every warning in ``problems`` (the reader's and the normaliser's too).

    ``profile`` and ``tables`` come validated from their route (None: the profile had errors, reported);
    ``tables`` hold every declared table (empty where the input has none). Returns None when ``problems``
    holds an error: the checks run only on tables that loaded without one."""
    _require_content(tables, raws, Path(source), problems)
    if problems.has_errors or profile is None:
        return None
    tables = _units_coded(_derived(tables))
    for check in CHECKS:
        check(tables, raws, problems)
    if not problems.has_errors:  # what the data states (its report kind, its units) against its tables
        check_stated(profile, tables, raws, str(source), problems)
    if problems.has_errors:
        return None
    warnings = tuple(p for p in problems.items if p.severity == WARNING)
    if S.UNITS.name not in tables:
        return YearData(profile, tables, str(source), warnings)
    tables = dict(tables)
    units = tables.pop(S.UNITS.name)
    tables = {name: _for_every_unit(frame, units) for name, frame in tables.items()}
    return UnitsData(profile, units, tables, str(source), warnings)


def _derived(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Columns derived once, for every route, where the input leaves them blank: an indicator's
    ``target_unit`` / ``actual_unit`` from the unit its ``target_text`` / ``actual_text`` prints (a form's reader
    gives them as it reads each cell; a data folder may not have the columns)."""
    ind = tables.get(S.INDICATORS.name)
    if ind is None or ind.empty:
        return tables
    derived = {}
    for unit, text in (("target_unit", "target_text"), ("actual_unit", "actual_text")):
        blank = ind[unit].isna()
        if blank.any() and ind[text].notna().any():
            derived[unit] = ind[unit].where(~blank, printed_units(ind[text]))
    return {**tables, S.INDICATORS.name: ind.assign(**derived)} if derived else tables


def _units_coded(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Many-unit data with every table's unit column a categorical of the units (the units table naming each
    once, every row a listed unit or none): hashed once here, the checks and :class:`UnitsData` then use its codes.
    Otherwise (units listed twice, a row naming a unit not listed: reported by the checks) the tables as they are."""
    units = tables.get(S.UNITS.name)
    if units is None or units.empty:
        return tables
    index = pd.Index(units[S.ORG].to_numpy(dtype=object), dtype=object, name=S.ORG)  # as UnitsData names it
    if not index.is_unique or index.hasnans:
        return tables
    dtype = pd.CategoricalDtype(index)
    coded = {S.UNITS.name: pd.Categorical.from_codes(np.arange(len(index)), dtype=dtype)}
    for name, frame in tables.items():
        if name != S.UNITS.name and S.ORG in frame.columns:
            codes, values = factorize_objects(frame[S.ORG].to_numpy(dtype=object))
            positions = index.get_indexer(values)
            if (positions < 0).any():
                return tables
            coded[name] = pd.Categorical.from_codes(np.append(positions, -1)[codes], dtype=dtype)
    return {name: frame.assign(**{S.ORG: coded[name]}) if name in coded else frame for name, frame in tables.items()}


def year_data(
    profile: dict,
    tables: dict[str, pd.DataFrame],
    raws: dict[str, RawTable],
    source: str,
    where: Location,
    problems: ProblemList | None = None,
) -> tuple[YearData | None, ProblemList]:
    """One unit's year data from a raw profile (``where``: where it was read) and tables already normalised
    (:func:`~evaltools.data.load.normalise.normalise_rows`; tables not given are empty), assembled by
    :func:`assemble` with the same checks as a CSV folder. ``problems`` are those found so far (kept, and
    their warnings carried); returns the data (None when errors) and every problem."""
    problems = problems if problems is not None else ProblemList()
    built = build_profile((dict(profile), where), problems, None)
    full = {name: tables[name] if name in tables else empty_table(name) for name in S.TABLES}
    return assemble(built, full, raws, source, problems), problems


def earlier_year_unusable(earlier: int, year: int, source: str | Path, errors: list[Problem]) -> Problem:
    """The warning that an earlier year's data has errors and is left out of ``year``'s report: last year's
    (the year-over-year figures are missing) or an older one's (the trend leaves it out). One bad year stays
    one bad year: it fails its own report, never the next ones."""
    first = errors[0] if errors else None
    if earlier == year - 1:
        zh, en = "同比数字（变动率、趋势）缺失", "year-over-year figures are missing"
    else:
        zh, en = "趋势图不含该年", "the trend leaves it out"
    return Problem(
        Location(str(source)),
        f"{earlier} 年数据有误，未使用：{zh} / the {earlier} data has errors and is left out: {en}",
        f"{len(errors)} error(s){'; first: ' + str(first) if first else ''}",
        f"fix the {earlier} data (evaltools check {earlier})",
        WARNING,
        "PREVIOUS_YEAR_UNUSABLE",
    )


def _previous(
    year: int, data_dir: str | Path, unit: str | None, reader: Reader
) -> tuple[YearData | UnitsData | None, tuple]:
    """Last year's data, or None; a last year with errors is left out with a warning (never an error: one
    bad year must not stop the next)."""
    try:
        source = find_source(year - 1, data_dir, unit)
        return reader(source, expected_year=year - 1, unit=unit), ()
    except DataNotFoundError:
        return None, ()
    except InputError as exc:
        return None, (earlier_year_unusable(year - 1, year, source, exc.errors),)


#: ``reader(path, expected_year, unit)`` → the data of one folder or workbook (:func:`load_path`, or a batch's
#: cache of it: :class:`ReadYear` read once, each unit given as ``load_path`` gives it).
Reader = Callable[..., "YearData | UnitsData"]


def load_year(
    year: int,
    data_dir: str | Path = JobParams.data_dir,
    unit: str | None = None,
    *,
    with_previous: bool = True,
    reader: Reader | None = None,
) -> YearData | UnitsData:
    """Load and validate one year (``evaltools.load_year(2022)``); last year is attached when present.

    Many-unit data (a units table) loads as :class:`UnitsData`; with ``unit`` one unit's slice of it. ``reader``
    reads each folder or workbook (default :func:`load_path`; a batch passes one that reads each file once)."""
    reader = reader or load_path
    source = find_source(year, data_dir, unit)
    listed = units_in(source) if unit is not None and source.is_dir() else None
    if listed is not None and unit not in listed:
        raise DataNotFoundError([], summary=f"没有这个单位 / no unit {unit!r} in {source} ({S.UNITS.file})")
    data = reader(source, expected_year=year, unit=unit)
    many = isinstance(data, UnitsData)
    prev, warnings = _previous(year, data_dir, unit, reader) if with_previous else (None, ())
    if prev is not None and isinstance(prev, UnitsData) != many:
        prev = None  # last year in the other layout: not comparable row by row
    data = replace(data, warnings=data.warnings + warnings, previous=prev)
    if many and unit is not None:
        if unit not in data:
            raise DataNotFoundError([], summary=f"没有这个单位 / no unit {unit!r} in {data.source} ({S.UNITS.file})")
        return data.slice(unit)
    return data


def load_path(path: str | Path, expected_year: int | None = None, unit: str | None = None) -> YearData | UnitsData:
    """Load a data folder (CSV or Parquet files, profile.yaml) or an ``.xlsx`` workbook; raises InputError
    listing every problem. With a units table (units.csv, units.parquet or sheet 「单位」) the data holds many
    units at once and loads as :class:`UnitsData`; otherwise as one unit's :class:`YearData`. With ``unit``,
    other units' errors do not stop it (:func:`inspect_path`)."""
    data, problems = inspect_path(path, expected_year, unit=unit)
    if problems.has_errors:
        raise InputError(problems.items)
    return data


def inspect_path(
    path: str | Path, expected_year: int | None = None, budget: MemoryBudget | None = None, unit: str | None = None
) -> tuple[YearData | UnitsData | None, ProblemList]:
    """Load without raising: returns the data (None when errors) and every problem found.

    ``budget`` bounds the memory the data may need (default: :meth:`MemoryBudget.default`). ``unit``: the one
    unit of many-unit data that is wanted — one unit's mistake stays that unit's: when the only errors are
    on other units' rows, the data loads without those units (their rows left out, their errors not
    reported here); when ``unit`` has errors of its own, only its own and those holding for every unit (the
    profile, a header, a shared table) are reported (:func:`evaltools.data.validate.units_in_error`)."""
    read = read_year(path, expected_year, budget)
    return (read.data, read.problems) if unit is None else read.for_unit(unit)


def read_year(path: str | Path, expected_year: int | None = None, budget: MemoryBudget | None = None) -> ReadYear:
    """A folder or workbook read and checked once (:class:`ReadYear`); each unit of it is then given by
    :meth:`ReadYear.for_unit` as :func:`inspect_path` gives it."""
    path = Path(path)
    problems = ProblemList()
    read = read_input(path, problems, budget or MemoryBudget.default())
    data = None if read is None else _assembled(path, read, expected_year, problems)
    return ReadYear(path, expected_year, read, data, problems)


@dataclass(frozen=True)
class ReadYear:
    """One folder or workbook as read and assembled (``data`` None when it has errors, ``problems`` every one
    found): what :func:`inspect_path` gives for the whole, and for each unit of many (:meth:`for_unit`) —
    read once for a batch of reports, one per unit. Never changed once made (each unit gets its own lists)."""

    path: Path
    expected_year: int | None
    read: tuple | None
    data: YearData | UnitsData | None
    problems: ProblemList
    _without: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def many(self) -> bool:
        return self.read is not None and S.UNITS.name in self.read[1]

    def for_unit(self, unit: str) -> tuple[YearData | UnitsData | None, ProblemList]:
        """``unit``'s view of the data, as :func:`inspect_path` with ``unit`` gives it (its own problems only)."""
        if not self.many:
            return self.data, ProblemList(list(self.problems.items))
        raws = self.read[1]
        orgs, listed = self._units
        if unit not in listed:  # what run refuses check refuses: the unit asked for is not in the data
            problems = ProblemList(list(self.problems.items))
            if orgs is not None:
                problems.add(
                    raws[S.UNITS.name].loc(),
                    f"没有这个单位 / no unit {unit!r} in the units table",
                    expected=f"one of its {len(listed)} units, e.g. {', '.join(sorted(listed)[:3])}",
                    code="UNKNOWN_UNIT",
                )
            return None, problems
        if not self.problems.items:
            return self.data, ProblemList()
        bad, shared = units_in_error(self.problems.items, raws, listed)
        if self.problems.has_errors and (shared or unit in bad):
            return None, _own_problems(self.problems, raws, listed, unit)
        data, problems = self._good(bad) if self.problems.has_errors else (self.data, self.problems)
        own = _own_problems(problems, raws, listed, unit)
        return (None if data is None else replace(data, warnings=tuple(own.items))), own

    @cached_property
    def _units(self) -> tuple[pd.Series | None, set]:
        """The units table's 预算单位 cells as read and the set of units listed (worked out once, not per report)."""
        orgs = raw_units(self.read[1][S.UNITS.name])
        return orgs, set() if orgs is None else set(orgs.dropna())

    def compact(self) -> ReadYear:
        """The same for every unit without the cells as read, where no unit needs them (no problem found): only the
        units table's stays (which units are listed). Smaller to hand to another process."""
        if self.problems.items or not self.many:
            return self
        units = S.UNITS.name
        return replace(self, read=(self.read[0], {units: self.read[1][units]}), _without={})

    def good_units(self) -> YearData | UnitsData | None:
        """The data every unit without errors of its own is given (without the units in error; None when an
        error holds for every unit): the frames :meth:`for_unit` slices, with the whole data's warnings."""
        if self.data is not None or not self.many:
            return self.data
        bad, shared = units_in_error(self.problems.items, self.read[1], self._units[1])
        return None if shared else self._good(bad)[0]

    def _good(self, bad: set) -> tuple[YearData | UnitsData | None, ProblemList]:
        """The data assembled again without the ``bad`` units' rows (once for every unit asking)."""
        key = frozenset(bad)
        if key not in self._without:
            problems = ProblemList()
            data = _assembled(self.path, (self.read[0], without_units(self.read[1], bad)), self.expected_year, problems)
            self._without[key] = (data, problems)
        return self._without[key]


def _assembled(
    path: Path, read: tuple, expected_year: int | None, problems: ProblemList
) -> YearData | UnitsData | None:
    profile_raw, raws = read
    profile = build_profile(profile_raw, problems, expected_year) if profile_raw is not None else None
    many = S.UNITS.name in raws
    tables = {name: _table(path, name, raws, many, problems) for name in (*S.TABLES, *([S.UNITS.name] if many else []))}
    return assemble(profile, tables, raws, path, problems)


def _own_problems(problems: ProblemList, raws: dict, listed: set[str], unit: str) -> ProblemList:
    """The problems of ``unit`` and those holding for every unit (other units' left to their own reports)."""
    owners = problem_units(problems.items, raws, listed)
    return ProblemList([p for p, o in zip(problems.items, owners) if o is None or o == unit])


def _table(path: Path, name: str, raws: dict, many: bool, problems: ProblemList) -> pd.DataFrame:
    """One table normalised, or an empty one (a required table that is missing is reported)."""
    table = ALL_TABLES[name]
    raw = raws.get(name)
    if raw is not None:
        return normalise(table, raw, problems, many)
    if table.required:
        where = str(path / table.file) if path.is_dir() else str(path)
        problems.add(
            Location(where, None if path.is_dir() else table.sheet),
            f"缺少必需的表 / required table 「{table.sheet}」 ({table.name}) is missing",
            expected=f"{table.file}" if path.is_dir() else f"a sheet named 「{table.sheet}」",
        )
    return empty_frame(table, many)


def _for_every_unit(frame: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """A table of many-unit data with its org column (a shared table repeated for every unit)."""
    if S.ORG in frame.columns:
        return frame
    orgs = units[S.ORG].to_numpy(dtype=object)
    repeated = frame.loc[np.tile(frame.index.to_numpy(), len(orgs))].reset_index(drop=True)
    repeated.insert(0, S.ORG, pd.Series(np.repeat(orgs, len(frame)), dtype=object))
    return repeated


#: A year needs at least one of these to be evaluated (kinds: department lines, projects, indicators).
_CONTENT = ("budget_lines", "projects", "indicators")


def _require_content(tables: dict, raws: dict, path: Path, problems: ProblemList) -> None:
    """Refuse a year with nothing to evaluate: no budget line, no project and no indicator."""
    unreadable = any(raws.get(n) is not None and raws[n].frame.attrs.get("unreadable") for n in _CONTENT)
    if unreadable or any(len(tables[n]) for n in _CONTENT):
        return
    sheets = "、".join(f"「{S.TABLES[n].sheet}」" for n in _CONTENT)
    problems.add(
        Location(str(path)),
        f"表中没有数据 / nothing to evaluate: {sheets} are all empty",
        expected="budget lines (部门整体), projects with their indicators, or department indicators",
    )
