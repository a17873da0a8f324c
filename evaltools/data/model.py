"""The validated data of one unit and year, as loaded from either input form."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, make_dataclass
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import pandas as pd

from evaltools.data.schema import PROFILE_FIELDS, TABLES
from evaltools.errors import ParamsError, Problem

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

_PY_TYPE = {
    "text": "str | None",
    "int": "int | None",
    "money": "float | None",
    "number": "float | None",
    "bool": "bool | None",
    "list": "tuple[str, ...]",
}

#: The unit profile (部门概况 and the report's text material), a frozen dataclass built from
#: :data:`evaltools.data.schema.PROFILE_FIELDS` so that the fields are declared only once.
Profile = make_dataclass(
    "Profile",
    [(f.name, _PY_TYPE[f.kind], field(default=() if f.kind == "list" else None)) for f in PROFILE_FIELDS],
    frozen=True,
)
Profile.__module__ = __name__
Profile.__doc__ = "Unit profile: name, year, staffing, assets, functions, goals and other text of the report."


def profile_to_dict(profile: object) -> dict:
    """Plain dict of a profile, lists as lists (for YAML and JSON)."""
    out = {}
    for f in fields(profile):
        value = getattr(profile, f.name)
        if isinstance(value, tuple):
            value = list(value)
        out[f.name] = value
    return out


def infer_kind(profile: object, tables: Mapping[str, pd.DataFrame]) -> str:
    """The report kind: as stated in the profile (``report_kind``), else from what is present —
    department indicators (no project) and projects → department_full; department indicators only →
    department; one project and no budget lines → project; else department_projects."""
    if getattr(profile, "report_kind", None):
        return profile.report_kind
    indicators, projects = tables["indicators"], tables["projects"]
    department = bool(indicators["project"].isna().any()) if len(indicators) else False
    if department:
        return "department_full" if len(projects) else "department"
    if len(projects) == 1 and tables["budget_lines"].empty:
        return "project"
    return "department_projects"


@dataclass(frozen=True, eq=False)
class YearData:
    """One unit's validated tables for one year (see :mod:`evaltools.data.schema` for the columns).

    ``tables`` maps a table name (``projects``, ``indicators`` …) to a DataFrame with canonical
    columns; every declared column is present (empty where the input had none). ``warnings`` are
    the non-fatal problems found while loading. ``previous`` is last year's data where it exists.
    """

    profile: object
    tables: Mapping[str, pd.DataFrame]
    source: str = ""
    warnings: tuple[Problem, ...] = ()
    previous: YearData | None = None

    def __post_init__(self):
        object.__setattr__(self, "tables", MappingProxyType(dict(self.tables)))

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    @property
    def kind(self) -> str:
        """The report kind (:data:`~evaltools.data.schema.REPORT_KINDS`), stated in the profile or inferred from the tables."""
        return infer_kind(self.profile, self.tables)

    @property
    def year(self) -> int:
        return self.profile.year

    @property
    def unit(self) -> str:
        return self.profile.unit

    def __eq__(self, other) -> bool:
        """Equal when the profiles and every table are equal (values and dtypes)."""
        if not isinstance(other, YearData):
            return NotImplemented
        return (
            self.profile == other.profile
            and set(self.tables) == set(other.tables)
            and all(
                self.tables[k].reset_index(drop=True).equals(other.tables[k].reset_index(drop=True))
                for k in self.tables
            )
        )

    def table(self, name: str, columns: list[str] | None = None) -> Styler:
        """One input table for people (JupyterLab): Chinese titles, formatted numbers, "—" for missing
        values; ``columns`` picks and orders columns. The DataFrame itself is ``data.<name>``."""
        from evaltools.data.display import columns_of, styled

        if name not in self.tables:
            raise ParamsError(f"没有表 / no table {name!r}; tables: {', '.join(self.tables)}", key="table")
        return styled(self.tables[name], columns, columns_of(TABLES[name].fields))

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables.items())
        return f"YearData({self.unit!r}, {self.year}, {sizes}, source={self.source!r})"

    def _repr_html_(self) -> str:
        from html import escape

        rows = "".join(
            f"<tr><td>{escape(TABLES[k].sheet)}</td><td><code>{escape(k)}</code></td><td>{len(v)}</td></tr>"
            for k, v in self.tables.items()
        )
        return (
            f"<p><b>{escape(self.unit)}</b> {self.year} 年度（{escape(Path(self.source).name or '—')}）</p>"
            f"<table><tr><th>表</th><th>名称</th><th>行数</th></tr>"
            f"{rows}</table>"
        )
