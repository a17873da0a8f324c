"""Which reports a run makes: the years and units asked for (on the command line, in a params file) or
found under the data folder, each as one resolved :class:`~evaltools.params.JobParams`."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path

from evaltools.data.discover import Job, discover, label, units_in
from evaltools.errors import ParamsError
from evaltools.params import JobParams, absolute_data_dir, check_keys, job_params
from evaltools.report.exporters import get_document


def plan_jobs(
    values: Mapping[str, object] | None = None,
    *,
    years: Iterable[int] = (),
    units: Iterable[str] = (),
    every: bool = False,
    source: str = "command line",
) -> list[JobParams]:
    """The reports to make, in order, each a :class:`JobParams` made from ``values`` (a params file's
    mapping with the command line's options over it) and its year and unit.

    ``years`` and ``units`` are the command line's; when it gives none, ``values``' own ``year`` and
    ``unit`` stand for them. Then:

    - ``every`` (``--all``): every (unit, year) found under the data folder, narrowed to ``years`` and
      ``units`` when given; a unit given but not found, or nothing left, is a ParamsError;
    - units without ``every``: each unit for ``years``, or for every year found for it;
    - else each of ``years`` for the data folder's single unit; no year at all is a ParamsError.

    A ``title`` names one report: with more than one job planned it is refused. A ``document`` that is not
    one of :data:`~evaltools.report.exporters.DOCUMENTS` is refused before any folder is looked at.
    """
    values = {k: v for k, v in (values or {}).items() if v is not None}
    check_keys(values, source)
    if "document" in values:
        get_document(str(values["document"]).strip())  # unknown: ParamsError listing the documents (exit 2)
    years = list(dict.fromkeys(int(y) for y in years)) or ([values["year"]] if "year" in values else [])
    units = list(dict.fromkeys(u for u in units if u)) or ([values["unit"]] if "unit" in values else [])
    base = {k: v for k, v in values.items() if k not in ("year", "unit")}
    if every or (units and not years):
        pairs = _found(absolute_data_dir(base.get("data_dir", JobParams.data_dir)), years, units, every)
    else:
        pairs = [(u, y) for u in units or [None] for y in years]
        pairs = [job for pair in pairs for job in _each_unit(base, pair)]
    if not pairs:  # neither a year nor --all nor a unit to look years up for
        job_params(base, source=source)  # says the year is required (or what else is wrong first)
    jobs = [job_params(base, year=y, unit=u, source=source) for u, y in pairs]
    if jobs[0].title is not None and len(jobs) > 1:
        raise ParamsError(
            f"title 只用于一份报告 / a title names one report, but {len(jobs)} are planned "
            f"({', '.join(label(j.unit, j.year) for j in jobs[:3])}{' …' if len(jobs) > 3 else ''}); "
            "leave the title out to give each report its own",
            file=source,
            key="title",
        )
    return jobs


def _each_unit(values: Mapping[str, object], job: Job) -> list[Job]:
    """A year without a unit whose folder holds many units (units.csv) is one report per unit it lists."""
    unit, year = job
    if unit is not None:
        return [job]
    listed = units_in(Path(absolute_data_dir(values.get("data_dir", JobParams.data_dir))) / str(year))
    return [(u, year) for u in listed] if listed else [job]


def _found(data_dir: str, years: list, units: list, every: bool) -> list[Job]:
    """The (unit, year) pairs under ``data_dir`` that ``years`` and ``units`` ask for."""
    found = discover(data_dir)
    if every:
        missing = [u for u in units if u not in {j[0] for j in found}]
        if missing:
            raise ParamsError(
                f"没有这些单位的数据 / no data for unit(s) {', '.join(missing)} under {data_dir}; "
                f"units found: {', '.join(sorted({j[0] for j in found if j[0]})) or '(none)'}",
                key="units",
            )
        pairs = [j for j in found if (not units or j[0] in units) and (not years or j[1] in years)]
        if not pairs:
            raise ParamsError(
                f"没有找到要运行的年度 / nothing to run under {data_dir}"
                f"{' for years ' + ', '.join(map(str, years)) if years else ''}",
                key="data_dir",
            )
        return pairs
    pairs = []
    for unit in units:
        unit_years = years or [y for u, y in found if u == unit]
        if not unit_years:
            raise ParamsError(f"单位 {unit!r} 没有数据 / no data for unit {unit!r} under {data_dir}", key="units")
        pairs += [(unit, y) for y in unit_years]
    return pairs
