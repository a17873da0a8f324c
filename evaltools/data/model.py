"""The validated data of one unit and year, as loaded from either input form."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, fields, make_dataclass, replace
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaltools.data.kinds import presence, resolve_kinds
from evaltools.data.schema import ORG, PROFILE_BY_NAME, PROFILE_FIELDS, TABLES, UNITS
from evaltools.errors import ParamsError, Problem
from evaltools.fmt import is_missing

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
    """The report kind of one unit: as stated in the profile (``report_kind``), else detected from what its
    tables hold — the same vectorised detection as :func:`unit_kinds` (:mod:`evaltools.data.kinds`)."""
    found = presence(tables, lambda frame: np.zeros(len(frame), dtype=np.int64), 1)
    return str(resolve_kinds(np.array([getattr(profile, "report_kind", None)], dtype=object), found)[0])


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

    def __reduce__(self):
        return type(self), (self.profile, dict(self.tables), self.source, self.warnings, self.previous)

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


def org_codes(values: pd.Series, orgs: Sequence[str]) -> np.ndarray:
    """The position of each value's unit in ``orgs`` (-1 where unknown): the codes themselves when the
    column is already a categorical of those units (as in :class:`UnitsData`), else one hashing pass."""
    if isinstance(values.dtype, pd.CategoricalDtype) and len(values.cat.categories) == len(orgs):
        if values.cat.categories.equals(pd.Index(orgs, dtype=object)):
            return values.cat.codes.to_numpy(dtype=np.int64)
    codes, uniques = pd.factorize(values.astype(object))
    lookup = {org: i for i, org in enumerate(orgs)}
    return np.array([lookup.get(u, -1) for u in uniques] + [-1], dtype=np.int64)[codes]


def _positions(frame: pd.DataFrame, orgs: Sequence[str]) -> dict[str, np.ndarray]:
    """Row positions of each unit in ``frame`` (one grouping pass; rows keep their order)."""
    codes = org_codes(frame[ORG], orgs) if len(frame) else np.array([], dtype=int)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(orgs) + 1))
    return {org: order[bounds[i] : bounds[i + 1]] for i, org in enumerate(orgs)}


def take_rows(frame: pd.DataFrame, rows: np.ndarray) -> pd.DataFrame:
    """The rows at ``rows`` without the ``org`` column, indexed from 0 (a unit's slice of a table)."""
    return frame.take(rows).drop(columns=ORG).reset_index(drop=True)


class Slicer:
    """Slices of many frames by unit, each frame grouped once (slicing every unit stays linear)."""

    def __init__(self, orgs: Sequence[str]):
        self.orgs = list(orgs)
        self._cache: dict[int, tuple[pd.DataFrame, dict[str, np.ndarray]]] = {}

    def __call__(self, frame: pd.DataFrame, org: str) -> pd.DataFrame:
        """The rows of ``org`` in ``frame`` (without the org column)."""
        if ORG not in frame.columns:
            return frame.reset_index(drop=True)
        hit = self._cache.get(id(frame))
        if hit is None or hit[0] is not frame:
            hit = (frame, _positions(frame, self.orgs))
            self._cache[id(frame)] = hit
        rows = hit[1].get(org)
        if rows is None:
            raise KeyError(f"no unit {org!r}")
        return take_rows(frame, rows)


def _profile_of(shared: object, row: Mapping) -> object:
    """A unit's Profile: the dataset's profile (list fields, basis, source …) overridden by its units row."""
    values = {}
    for name, value in row.items():
        spec = PROFILE_BY_NAME.get(name)
        if spec is None or is_missing(value):
            continue
        values[name] = int(value) if spec.kind == "int" else bool(value) if spec.kind == "bool" else value
    return replace(shared, unit=row[ORG], **{k: v for k, v in values.items() if k != "unit"})


@dataclass(frozen=True, eq=False)
class UnitsData:
    """Many units' validated tables for one year (a finance bureau's whole year), in one set of frames.

    Every table has an ``org`` column (预算单位) naming the unit of each row; ``units`` holds one row
    per unit with its scalar profile fields (编制, 资产, 公布得分 …); ``profile`` is the dataset's own
    profile (its name, year and the text shared by every unit). :meth:`unit` gives one unit's
    :class:`YearData` (a slice); :meth:`from_years` builds a dataset from single units.
    """

    profile: object
    units: pd.DataFrame
    tables: Mapping[str, pd.DataFrame]
    source: str = ""
    warnings: tuple[Problem, ...] = ()
    previous: UnitsData | None = None
    #: Each unit's own profile where it is known whole (datasets made by :meth:`from_years`).
    profiles: Mapping[str, object] | None = field(default=None, repr=False)

    def __post_init__(self):
        orgs = _own_index(self.units[ORG])
        if orgs.has_duplicates:
            raise ValueError(f"units listed twice: {', '.join(map(str, orgs[orgs.duplicated()].unique()[:5]))}")
        object.__setattr__(self, "units", _categorical_org(self.units, orgs))
        tables = {name: _categorical_org(frame, orgs) for name, frame in self.tables.items()}
        object.__setattr__(self, "tables", MappingProxyType(tables))
        object.__setattr__(self, "_org_index", self.units[ORG].cat.categories)
        object.__setattr__(self, "_slicer", Slicer(self.orgs))
        object.__setattr__(self, "_orgset", frozenset(self.orgs))

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def __reduce__(self):
        args = (self.profile, self.units, dict(self.tables), self.source, self.warnings, self.previous)
        return type(self), (*args, None if self.profiles is None else dict(self.profiles))

    @property
    def orgs(self) -> list[str]:
        """The units, in the order of the units table."""
        return list(self._org_index)

    @property
    def org_index(self) -> pd.Index:
        """The units as the (object) index that every table's categorical unit column uses for categories."""
        return self._org_index

    @property
    def year(self) -> int:
        return self.profile.year

    def __len__(self) -> int:
        return len(self.units)

    def __contains__(self, org: object) -> bool:
        return org in self._orgset

    def slice(self, org: str) -> YearData:
        """One unit's slice: its data as a :class:`YearData` (its rows of every table, its profile, its previous
        year). ``unit`` is a name (``YearData.unit``); a part of many units' data is a slice."""
        rows = self._slicer(self.units, org)
        if rows.empty:
            raise KeyError(f"no unit {org!r} in {self.source or 'the data'}")
        if self.profiles is not None and org in self.profiles:
            profile = self.profiles[org]
        else:
            profile = _profile_of(self.profile, {ORG: org, **rows.iloc[0].to_dict()})
        previous = self.previous.slice(org) if self.previous is not None and org in self.previous else None
        tables = {name: self._slicer(frame, org) for name, frame in self.tables.items()}
        return YearData(profile, tables, self.source, self.warnings, previous)

    def __iter__(self) -> Iterator[YearData]:
        """Every unit's :class:`YearData`, in order (each table is grouped once for all of them)."""
        return (self.slice(org) for org in self.orgs)

    @classmethod
    def from_years(cls, years: Sequence[YearData], profile: object | None = None) -> UnitsData:
        """Many single units of one year as one dataset (their previous years too, where every unit has one)."""
        if not years:
            raise ValueError("no units")
        first = years[0]
        profile = profile if profile is not None else first.profile
        units = pd.DataFrame(
            [{ORG: d.unit, **{f.name: getattr(d.profile, f.name) for f in UNITS.fields[1:]}} for d in years]
        )
        orgs = np.array([d.unit for d in years], dtype=object)
        index = pd.Index(orgs, dtype=object)
        if all(isinstance(o, str) for o in orgs) and index.is_unique:  # the unit column categorical at once
            units[ORG] = pd.Categorical.from_codes(np.arange(len(orgs)), dtype=pd.CategoricalDtype(index))
        else:
            index = None  # left to __post_init__ (which refuses units listed twice)
        tables = {name: _stacked([d.tables[name] for d in years], orgs, index) for name in first.tables}
        prev = [d.previous for d in years if d.previous is not None]
        previous = cls.from_years(prev) if prev else None
        warnings = tuple(w for d in years for w in d.warnings)
        source = first.source if len(years) == 1 else ""
        return cls(profile, units, tables, source, warnings, previous, {d.unit: d.profile for d in years})

    def __repr__(self) -> str:
        sizes = ", ".join(f"{k}={len(v)}" for k, v in self.tables.items())
        return f"UnitsData({len(self)} units, {self.year}, {sizes}, source={self.source!r})"


def _categorical_org(frame: pd.DataFrame, orgs: pd.Index) -> pd.DataFrame:
    """``frame`` with its org column as a categorical of the units (hashed once here: every grouping,
    join and slice by unit afterwards uses its integer codes)."""
    col = frame[ORG]
    if isinstance(col.dtype, pd.CategoricalDtype) and col.cat.categories is orgs:
        return frame
    return frame.assign(**{ORG: pd.Categorical(col.astype(object), categories=orgs)})


def _own_index(col: pd.Series) -> pd.Index:
    """The units of the units table's ``org`` column as an object index: the column's own categories when it is
    already their categorical, one row per unit in order (as :meth:`UnitsData.from_years` makes it)."""
    if isinstance(col.dtype, pd.CategoricalDtype) and len(col.cat.categories) == len(col):
        if (col.cat.codes.to_numpy() == np.arange(len(col))).all() and col.cat.categories.dtype == object:
            return col.cat.categories
    return pd.Index(col.astype(object), dtype=object)


def _stacked(frames: list[pd.DataFrame], orgs: np.ndarray, index: pd.Index | None = None) -> pd.DataFrame:
    """The frames one under the other with an ``org`` column first, frame ``i``'s rows holding ``orgs[i]``: one
    concatenation, then the column (not a copy of each frame with its column) — a categorical of ``index``
    (the units, unique) when given, so that :class:`UnitsData` need not convert it."""
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0].reset_index(drop=True)  # a new frame
    if index is not None:
        codes = np.repeat(np.arange(len(frames)), [len(f) for f in frames])
        out.insert(0, ORG, pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(index)))
        return out
    out.insert(0, ORG, pd.Series(np.repeat(orgs, [len(f) for f in frames]), index=out.index, dtype=object))
    return out


def as_units(data: YearData | UnitsData) -> UnitsData:
    """``data`` as a many-unit dataset (a single unit becomes a dataset of one)."""
    return data if isinstance(data, UnitsData) else UnitsData.from_years([data])


def unit_kinds(data: UnitsData, missing: Callable[[pd.Series], np.ndarray] | None = None) -> np.ndarray:
    """Each unit's report kind: as its profile states it, else detected from what its tables hold — counted
    for every unit in one pass over each table (:func:`evaltools.data.kinds.presence`; ``missing``: its
    ``pd.isna`` of a column, if given)."""
    orgs = data.org_index
    found = presence(data.tables, lambda frame: org_codes(frame[ORG], orgs), len(data), *([missing] if missing else []))
    stated = data.units["report_kind"].astype(object) if "report_kind" in data.units else pd.Series([None] * len(data))
    stated = stated.where(stated.notna(), None).to_numpy(dtype=object)
    if data.profiles is not None:
        stated = np.array([getattr(data.profiles.get(o), "report_kind", s) for o, s in zip(orgs, stated)], dtype=object)
    elif getattr(data.profile, "report_kind", None):
        stated = np.where(pd.isna(stated), data.profile.report_kind, stated)
    return resolve_kinds(stated, found)
