"""Finding the years and units under a data folder: ``data/<year>/``, ``data/<year>.xlsx``,
``data/<unit>/<year>/`` and ``data/<unit>/<year>.xlsx``."""

from __future__ import annotations

from pathlib import Path

from evaltools.data.schema import ORG, ORG_FIELD, ORG_HEADERS, UNITS
from evaltools.errors import ParamsError
from evaltools.params import JobParams

#: One report to make: (unit or None, year).
Job = tuple["str | None", int]


def _year_of(path: Path) -> int | None:
    """The year a data entry holds: a folder ``2022/`` or a workbook ``2022.xlsx``; else None."""
    if path.name.startswith((".", "~$")):
        return None
    if path.is_dir() and path.name.isdigit():
        return int(path.name)
    if path.is_file() and path.suffix.lower() == ".xlsx" and path.stem.isdigit():
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
    if not root.is_dir():
        raise ParamsError(f"数据目录不存在 / data folder {root} does not exist", key="data_dir")
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
