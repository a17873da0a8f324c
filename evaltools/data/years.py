"""Every year a report reads, checked together: what ``evaltools check YEAR`` checks is what
``evaltools run YEAR`` will load (the year, and the earlier years of its trend chart and comparison).

One bad year stays one bad year: an earlier year with errors is left out of this year's report with a
warning (its own problems listed as warnings, at their cells); it fails only its own report."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from evaltools.data.discover import locate, years_read
from evaltools.data.load import earlier_year_unusable, find_source, inspect_path
from evaltools.data.model import YearData
from evaltools.errors import ERROR, WARNING, DataNotFoundError, ProblemList
from evaltools.params import JobParams


def check_year(
    year: int, data_dir: str | Path = JobParams.data_dir, unit: str | None = None
) -> tuple[Path, YearData | None, ProblemList]:
    """The source of ``year``, its data (None when it has errors) and the problems of every year a run of it
    reads (earlier years first, each located in its own files; an earlier year's errors are warnings: the
    run leaves that year out and says so)."""
    problems = ProblemList()
    source = None
    data = None
    for y in years_read(year, data_dir, unit):
        path, warnings = _source(y, data_dir, unit, y == int(year))
        loaded, found = inspect_path(path, expected_year=y, unit=unit)  # a unit of many: its problems only
        if y == int(year):
            problems.extend(warnings)
            problems.extend(found.items)
            source, data = path, loaded
            continue
        errors = [p for p in found.items if p.severity == ERROR]
        if errors:
            problems.extend([earlier_year_unusable(y, int(year), path, errors)])
            problems.extend(dataclasses.replace(p, severity=WARNING) for p in errors)
    return source, (None if problems.has_errors else data), problems


def _source(year: int, data_dir: str | Path, unit: str | None, asked: bool) -> tuple[Path, list]:
    """Where ``year`` is read, and the warnings of finding it: for the year asked, a unit without a folder of
    its own is looked up in the many-unit folder ``data/YEAR/`` as ``run`` does (:func:`find_source`)."""
    try:
        return locate(year, data_dir, unit)
    except DataNotFoundError:
        if unit is None or not asked:
            raise
        return find_source(year, data_dir, unit), []
