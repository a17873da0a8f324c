"""Writing one year's data as a CSV folder (``profile.yaml`` and one CSV per table), the form a person reads
and corrects in any editor and that :func:`evaltools.data.load.load_path` reads back equal."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from evaltools import labels
from evaltools.data import schema as S
from evaltools.data.load import BOOL_DEFAULTS
from evaltools.data.model import UnitsData, YearData, profile_to_dict
from evaltools.errors import ParamsError
from evaltools.fmt import inert, is_missing, people_csv
from evaltools.paths import write_text

#: Tables written even when empty (the ones a person fills in for every kind of form).
ALWAYS = ("projects", "indicators")
#: Every CSV written for people starts with the UTF-8 byte order mark, so that Excel on Chinese Windows opens it as
#: UTF-8 (without it Excel reads GBK and shows mojibake); the loader reads it (encoding utf-8-sig).
BOM = "\ufeff"


def _cell(value: object, kind: str, unknown: bool) -> object:
    """The text of one CSV cell: ``?`` for an unreadable figure, 是/否 for flags, numbers exactly (repr)."""
    if unknown:
        return "?"
    if is_missing(value):
        return ""
    if kind == "bool":
        return S.YES if bool(value) else S.NO
    if isinstance(value, (float, np.floating)):
        value = float(value)
        return repr(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return inert(str(value)) if kind == "text" else str(value)  # a spreadsheet opening the CSV runs no formula


def _holds(frame: pd.DataFrame, f: S.Field) -> bool:
    """Whether a column says anything: a value somewhere (a yes/no column: other than its blank default)."""
    if f.name not in frame:
        return False
    if f.kind == "bool":
        return bool((frame[f.name].astype(bool) != BOOL_DEFAULTS.get(f.name, False)).any())
    return bool(frame[f.name].notna().any())


def table_csv(frame: pd.DataFrame, table: S.Table) -> str:
    """One table as CSV text with the canonical column names, the columns that hold anything (and the key)."""
    keep = [f for f in table.fields if f.required or f.name in table.key or _holds(frame, f)]
    if not any(f.name == "project" for f in keep) and table.name == "indicators":
        keep.insert(0, table.field("project"))
    unknown = frame["unknown"].fillna("").astype(str).str.split(",") if "unknown" in frame else None
    rows = []
    for i in range(len(frame)):
        marked = set(unknown.iloc[i]) if unknown is not None else set()
        row = {}
        for f in keep:
            value = frame[f.name].iloc[i]
            if f.name == "direction" and isinstance(value, str):
                value = labels.DIRECTION.get(value, value)
            row[f.name] = _cell(value, f.kind, f.name in marked and f.kind in ("number", "money", "rate"))
        rows.append(row)
    return pd.DataFrame(rows, columns=[f.name for f in keep], dtype=object).to_csv(index=False, lineterminator="\n")


def profile_yaml(data: YearData | UnitsData, header: str = "") -> str:
    """profile.yaml: the profile's fields that are set (an unreadable number as ``?``), lists as lists."""
    out = {}
    for name, value in profile_to_dict(data.profile).items():
        if isinstance(value, float) and math.isnan(value):
            out[name] = "?"
        elif value not in (None, [], ()):
            out[name] = value
    text = yaml.safe_dump(out, allow_unicode=True, sort_keys=False, width=1000)
    return "".join(f"# {line}\n" for line in header.splitlines()) + text


def write_folder(data: YearData, folder: str | Path, header: str = "") -> Path:
    """Write ``data`` as ``folder/profile.yaml`` and one CSV per table that has rows (``projects.csv`` and
    ``indicators.csv`` always, UTF-8 with a BOM: :data:`BOM`); ``header`` becomes comment lines at the top of
    profile.yaml."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in S.TABLES.items():
        frame = data.tables.get(name)
        if frame is None or (frame.empty and name not in ALWAYS):
            (folder / table.file).unlink(missing_ok=True)  # a table left from an earlier write would be read
            continue
        write_text(folder / table.file, BOM + table_csv(frame, table))
    write_text(folder / "profile.yaml", profile_yaml(data, header))
    return folder


def write_units(data: UnitsData, folder: str | Path, form: str = "csv") -> Path:
    """Write many units' ``data`` as a many-unit input folder: ``profile.yaml``, ``units`` and every non-empty
    table with its ``org`` column, as CSV (``form="csv"``) or Parquet (``"parquet"``), canonical column names.
    Returns the folder."""
    if form not in ("csv", "parquet"):
        raise ParamsError(f"form must be csv or parquet, found {form!r}", key="form")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    write_text(folder / "profile.yaml", profile_yaml(data))
    for name, frame in {"units": data.units, **data.tables}.items():
        if frame.empty and name != "units":
            continue
        if form == "csv":
            write_text(folder / f"{name}.csv", people_csv(frame))  # BOM; text that would start a formula inert
        else:
            frame.to_parquet(folder / f"{name}.parquet", index=False)
    return folder
