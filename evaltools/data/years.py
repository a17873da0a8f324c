"""Every year a report reads, checked together: what ``evaltools check YEAR`` checks is what
``evaltools run YEAR`` will load (the year, and the earlier years of its trend chart and comparison)."""

from __future__ import annotations

from pathlib import Path

from evaltools.data.discover import locate, years_read
from evaltools.data.load import inspect_path, load_path
from evaltools.data.model import YearData
from evaltools.errors import InputError, Problem, ProblemList
from evaltools.params import JobParams


def check_year(
    year: int, data_dir: str | Path = JobParams.data_dir, unit: str | None = None
) -> tuple[Path, YearData | None, ProblemList]:
    """The source of ``year``, its data (None when any year read has errors) and the problems of every year
    a run of it reads (earlier years first, each located in its own files)."""
    problems = ProblemList()
    source = None
    data = None
    for y in years_read(year, data_dir, unit):
        path, warnings = locate(y, data_dir, unit)
        problems.extend(warnings)
        loaded, found = inspect_path(path, expected_year=y)
        problems.extend(found.items)
        if y == int(year):
            source, data = path, loaded
    return source, (None if problems.has_errors else data), problems


def load_years(year: int, data_dir: str | Path = JobParams.data_dir, unit: str | None = None) -> dict[int, YearData]:
    """Every year a report of ``year`` reads, loaded; InputError listing the problems of all of them."""
    out: dict[int, YearData] = {}
    problems: list[Problem] = []
    for y in years_read(year, data_dir, unit):
        path = locate(y, data_dir, unit)[0]  # a missing year is DataNotFoundError, naming its near misses
        try:
            out[y] = load_path(path, expected_year=y)
        except InputError as exc:
            problems.extend(exc.problems)
    if any(p.severity == "error" for p in problems):
        raise InputError(problems)
    return out


def report_data(year: int, data_dir: str | Path = JobParams.data_dir, unit: str | None = None) -> YearData:
    """The year's data with last year attached (as :func:`evaltools.data.load.load_year` gives it), after
    every year the report reads was loaded: a broken earlier year is refused here, not in a chart."""
    years = load_years(year, data_dir, unit)
    data = years[int(year)]
    prev = years.get(int(year) - 1)
    return data if prev is None else YearData(data.profile, data.tables, data.source, data.warnings, prev)
