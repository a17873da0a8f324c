"""Which reports a run makes: the years and units asked for (on the command line, in a params file) or
found under the data folder, each as one resolved :class:`~evaltools.params.JobParams`."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping
from pathlib import Path

from evaltools.data.discover import YEAR_NAME, Job, discover, label, units_in
from evaltools.errors import ParamsError
from evaltools.params import JobParams, absolute_data_dir, check_keys, job_params
from evaltools.paths import output_folder
from evaltools.report.exporters import EXPORTERS, get_document


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
    for output, data in dict.fromkeys((j.output_dir, j.data_dir) for j in jobs):
        check_output_dir(output, data)
    return jobs


def check_output_dir(output: str | Path, data_dir: str | Path) -> Path:
    """The output folder of a run, refused (ParamsError, before anything is written) when it is equal to, inside
    or above the data folder (:func:`~evaltools.paths.refuse_output_on_inputs`), or cannot be written."""
    return output_folder(output, {data_dir: ("数据目录", "the data folder")})


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
                f"{' for years ' + ', '.join(map(str, years)) if years else ''}{_not_years(data_dir)}",
                key="data_dir",
            )
        return pairs
    pairs = []
    for unit in units:
        unit_years = years or [y for u, y in found if u == unit]
        if not unit_years:
            raise ParamsError(
                f"单位 {unit!r} 没有数据 / no data for unit {unit!r} under {data_dir}{_not_years(data_dir)}",
                key="units",
            )
        pairs += [(unit, y) for y in unit_years]
    return pairs


def formats_option(to: str | None) -> str | None:
    """``--to html,pdf`` → the formats to write, summary.json always kept (the index reads it); a file name or
    path given instead (``--to report.html``, ``--to out/``) is a ParamsError saying what --to takes."""
    if to is None:
        return None
    items = [x.strip() for x in to.split(",") if x.strip()]
    named = [x for x in items if any(c in x for c in "./\\") or Path(x).exists()]
    if named:
        raise ParamsError(
            f"--to 是输出格式，不是文件或目录 / --to takes formats, not a file or folder: {', '.join(named)}; "
            f"e.g. --to html,pdf (the formats: {', '.join(EXPORTERS)}); where the files go: --output-dir FOLDER",
            key="formats",
        )
    return ",".join(dict.fromkeys([*items, "json"]))


def _not_years(data_dir: str | Path) -> str:
    """The folders and workbooks under ``data_dir`` (and its unit folders) whose names look like a year but are
    not one a run takes (full-width digits ２０２２, superscripts ²…), each with why and what to do; ``""`` for none."""
    root = Path(data_dir)
    found = []
    for entry in _entries(root) + [sub for unit in _entries(root) if unit.is_dir() for sub in _entries(unit)]:
        name = entry.name[: -len(".xlsx")] if entry.name.lower().endswith(".xlsx") else entry.name
        plain = unicodedata.normalize("NFKC", name).strip()
        if plain != name and YEAR_NAME.fullmatch(plain):
            where = entry.relative_to(root).as_posix() + ("/" if entry.is_dir() else "")
            found.append(
                f"{where} 像年度但不是半角数字 / looks like the year {plain} but is not written in the digits 0-9 "
                f"(full-width or other characters): rename it to {plain}{entry.name[len(name) :]}"
            )
    return ("; " + "; ".join(found[:5])) if found else ""


def _entries(folder: Path) -> list[Path]:
    try:
        return sorted(folder.iterdir())
    except OSError:
        return []
