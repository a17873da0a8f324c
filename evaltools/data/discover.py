"""Finding the years and units under a data folder: ``data/<year>/``, ``data/<year>.xlsx``,
``data/<unit>/<year>/`` and ``data/<unit>/<year>.xlsx``."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from evaltools.data.schema import ORG, ORG_FIELD, ORG_HEADERS, UNITS
from evaltools.errors import WARNING, DataNotFoundError, Location, ParamsError, Problem
from evaltools.params import JobParams
from evaltools.paths import not_a_folder, resolve_data_dir, safe_component

#: A year as a folder or workbook name: four ASCII digits (not ２０２２, not ², which ``str.isdigit`` accepts).
YEAR_NAME = re.compile(r"[0-9]{4}")

#: One report to make: (unit or None, year).
Job = tuple["str | None", int]


def _year_of(path: Path) -> int | None:
    """The year a data entry holds: a folder ``2022/`` or a workbook ``2022.xlsx``; else None."""
    if path.name.startswith((".", "~$")):
        return None
    if path.is_dir() and YEAR_NAME.fullmatch(path.name):
        return int(path.name)
    if path.is_file() and path.suffix.lower() == ".xlsx" and YEAR_NAME.fullmatch(path.stem):
        return int(path.stem)
    return None


def discover(data_dir: str | Path = JobParams.data_dir) -> list[Job]:
    """Every (unit, year) under ``data_dir``, sorted (years without a unit first).

    ``data/<year>/`` and ``data/<year>.xlsx`` give ``(None, year)``; ``data/<unit>/<year>/`` and
    ``data/<unit>/<year>.xlsx`` give ``(unit, year)``, where a unit folder is any folder whose name
    is not all digits and that holds at least one year. A many-unit year folder ``data/<year>/`` (with
    units.csv) gives ``(unit, year)`` for every unit it lists. A year present as both folder and workbook
    is listed once (the folder is what :func:`evaltools.data.load.find_source` reads).
    """
    root = Path(data_dir)
    why = not_a_folder(root)
    if why is not None:
        raise ParamsError(
            f"数据目录不可用 / data folder {root}: {why}; expected the folder holding the years", key="data_dir"
        )
    jobs: set[Job] = set()
    for entry in root.iterdir():
        year = _year_of(entry)
        if year is not None:
            units = units_in(entry)
            jobs.update([(None, year)] if units is None else [(u, year) for u in units])
        elif entry.is_dir() and not entry.name.startswith((".", "_")):
            for sub in entry.iterdir():
                year = _year_of(sub)
                if year is not None:
                    jobs.add((entry.name, year))
    return sorted(jobs, key=_job_key)


def units_in(folder: Path) -> list[str] | None:
    """The units listed by a many-unit year folder (its units table), or None for a single unit's folder.

    Only the 预算单位 column is read; an unreadable table gives no units (the report of the year then
    names the problem)."""
    import pandas as pd

    for file in (folder / UNITS.file, folder / f"{UNITS.name}.parquet"):
        if not file.exists():
            continue
        try:
            if file.suffix == ".parquet":
                frame = pd.read_parquet(file)
            else:
                frame = pd.read_csv(file, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        except Exception:  # noqa: BLE001 - reported when the year is loaded
            return []
        column = next((c for c in frame.columns if str(c).strip() in (ORG, ORG_FIELD.title, *ORG_HEADERS)), None)
        if column is None:
            return []
        return sorted({str(v).strip() for v in frame[column] if str(v).strip() and str(v) != "nan"})
    return None


def _job_key(job: Job):
    unit, year = job
    return (unit is not None, unit or "", year)


def label(unit: str | None, year: int) -> str:
    return f"{unit}/{year}" if unit else str(year)


# ----------------------------------------------------------------------------- one year's source


def _candidates(base: Path, year: int) -> tuple[Path | None, Path | None]:
    """The folder ``base/YEAR/`` and the workbook ``base/YEAR.xlsx`` (any case of the suffix) when present."""
    folder = base / str(year)
    folder = folder if folder.is_dir() else None
    workbooks = sorted(p for p in _entries(base) if p.suffix.lower() == ".xlsx" and p.stem == str(year) and p.is_file())
    return folder, (workbooks[0] if workbooks else None)


def _entries(base: Path) -> list[Path]:
    try:
        return list(base.iterdir())
    except OSError:
        return []


_HINTS = {
    ".xls": "an old Excel file: open it in Excel or WPS and save it as .xlsx (Excel 工作簿)",
    ".et": "a WPS table: save it as .xlsx (Excel 工作簿) in WPS",
    ".ods": "an OpenDocument table: save it as .xlsx",
    ".xlsm": "a workbook with macros: save it as .xlsx",
    ".csv": "one CSV file: a year is a folder of CSV files (see data/2022/) or one .xlsx workbook",
}


def _hint(entry: Path, year: int) -> str | None:
    """What is wrong with ``entry`` as the data of ``year``, when its name looks like that year's; else None."""
    raw = entry.name
    if raw.startswith((".", "~$")) or _year_of(entry) == year:
        return None
    name = unicodedata.normalize("NFKC", raw)
    suffix = Path(name).suffix.lower() if entry.is_file() else ""
    stem = name[: len(name) - len(suffix)] if suffix else name
    if str(year) not in stem:
        return None
    if stem == str(year):
        if name != raw:
            return f"full-width or other non-ASCII characters in its name: rename it to {year}{suffix}"
        if suffix in _HINTS:
            return _HINTS[suffix]
        return "a file, not a folder" if suffix == "" else f"not a data folder or .xlsx workbook ({suffix})"
    if entry.is_dir():
        return f"a folder named differently: rename it to {year}"
    if suffix in (".xlsx", *_HINTS):
        return f"named differently: rename it to {year}{suffix}" + (f"; {_HINTS[suffix]}" if suffix in _HINTS else "")
    return None


def near_misses(base: Path, year: int) -> list[str]:
    """Entries of ``base`` whose names look like ``year`` but are not its data, each with what to do."""
    out = []
    for entry in sorted(_entries(base)):
        hint = _hint(entry, year)
        if hint:
            out.append(f"{entry.name}{'/' if entry.is_dir() else ''} ({hint})")
    return out


def year_base(data_dir: str | Path, unit: str | None) -> Path:
    """The folder holding the years: ``data/`` or ``data/<unit>/`` (each part checked)."""
    base = resolve_data_dir(data_dir)
    return base / safe_component(unit, "unit") if unit is not None else base


def locate(year: int, data_dir: str | Path = JobParams.data_dir, unit: str | None = None) -> tuple[Path, list[Problem]]:
    """Where the data of ``year`` lives (the folder when both it and a workbook exist) and a warning when
    both do; DataNotFoundError naming what was looked for and any near miss (2022.xls, ２０２２/ …)."""
    year_name = safe_component(str(year), "year")
    base = year_base(data_dir, unit)
    folder, workbook = _candidates(base, int(year)) if not_a_folder(base) is None else (None, None)
    if folder is not None and workbook is not None:
        warning = Problem(
            Location(str(workbook)),
            "同一年度有两份数据 / two sources for one year: the folder is read, the workbook is ignored",
            found=f"{folder.name}/ and {workbook.name}",
            expected=f"one of them: remove or rename {workbook.name} (or the folder {folder.name}/ to use the workbook)",
            severity=WARNING,
            code="TWO_SOURCES",
        )
        return folder, [warning]
    if folder is not None or workbook is not None:
        return folder or workbook, []
    raise DataNotFoundError([], summary=_not_found(base, year_name, int(year), unit))


def _not_found(base: Path, year_name: str, year: int, unit: str | None) -> str:
    text = (
        f"没有找到 {year} 年的数据 / no data for {year}{' of unit ' + unit if unit else ''}: "
        f"looked for {base / year_name}/ and {base / year_name}.xlsx"
    )
    why = not_a_folder(base)
    if why is not None:
        return text + f"; the folder {base}: {why}"
    misses = near_misses(base, year)
    if misses:
        text += "; found instead: " + "; ".join(misses)
    return text


def years_read(year: int, data_dir: str | Path = JobParams.data_dir, unit: str | None = None) -> list[int]:
    """Every year a report of ``year`` reads: the earlier years of the same unit (its trend chart and the
    previous year's comparison) and ``year`` itself, oldest first."""
    base = year_base(data_dir, unit)
    found = {y for entry in _entries(base) if (y := _year_of(entry)) is not None and y <= int(year)}
    return sorted(found | {int(year)})


def is_many_units(path: Path) -> bool:
    """Whether a data folder holds many units at once (it has a units table)."""
    return path.is_dir() and any((path / f"{UNITS.name}{ext}").exists() for ext in (".csv", ".parquet"))


def find_source(year: int, data_dir: str | Path = JobParams.data_dir, unit: str | None = None) -> Path:
    """Where the data of ``year`` (and ``unit``) lives: ``data/[unit/]YEAR/`` or ``data/[unit/]YEAR.xlsx``
    (:func:`evaltools.data.discover.locate`: the folder when both exist; near misses named when neither does)
    — or, for a unit without a folder of its own, the many-unit folder ``data/YEAR/`` (units.csv) that holds it."""
    try:
        return locate(year, data_dir, unit)[0]
    except DataNotFoundError:
        if unit is not None:
            many = resolve_data_dir(data_dir) / safe_component(str(year), "year")
            if is_many_units(many):
                return many
        raise
