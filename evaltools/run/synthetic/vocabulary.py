"""The words of synthetic data, read once from ``vocabulary.yaml`` beside this module: place names, names
of people, kinds of unit with their project themes, generic indicators, breakdowns, problems and measures.

Adding a kind of unit or an indicator is an edit of the YAML file (see docs/extending/synthetic.md); this
module only gives the file's content a typed shape and checks it once.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

from evaltools.errors import ParamsError

#: The mark every synthetic unit name, source and note carries (and the reports print as a banner).
MARK = "合成数据"
VOCABULARY_FILE = Path(__file__).with_name("vocabulary.yaml")
#: Directions a generic indicator may have (canonical codes of the indicators table).
DIRECTIONS = (">=", "<=", "=", "qualitative")
#: What a theme's quantity indicator may be: a count (≥ its target) or a range (区间 [low, high]).
QUANTITIES = ("count", "range")


@dataclass(frozen=True)
class Generic:
    """A generic indicator: 二级指标, name, 度量单位 (None for qualitative), direction, target (a number, the
    word ``budget`` for the project's budget, or the goal's text of a qualitative one)."""

    level2: str
    name: str
    unit: str | None
    direction: str
    target: object


@dataclass(frozen=True)
class Quantity:
    """A theme's quantity indicator (数量指标): ``count`` (≥ target) or ``range`` (target = (low, high))."""

    name: str
    unit: str
    kind: str
    target: float | tuple[float, float]


@dataclass(frozen=True)
class Theme:
    """A project theme of a kind of unit: its name and its quantity indicators."""

    name: str
    quantities: tuple[Quantity, ...]


@dataclass(frozen=True)
class Kind:
    """A kind of unit: its name, the folder name pattern (``{area}``, ``{kind}``), functions and themes."""

    name: str
    pattern: str
    functions: tuple[str, ...]
    themes: tuple[Theme, ...]


@dataclass(frozen=True)
class Vocabulary:
    """Everything ``vocabulary.yaml`` holds, typed."""

    areas: tuple[str, ...]
    surnames: str
    given_names: str
    kinds: tuple[Kind, ...]
    quality: tuple[Generic, ...]
    timely: tuple[Generic, ...]
    cost: tuple[Generic, ...]
    benefit: tuple[Generic, ...]
    satisfaction: tuple[Generic, ...]
    parts: tuple[tuple[str, ...], ...]
    qualitative_text: dict[str, str]
    problems: tuple[str, ...]
    measures: tuple[str, ...]
    statements: dict[str, dict[str, str]]
    profile: dict[str, object]
    offices: tuple[str, ...]
    bureau_team: tuple[str, ...]


def _generic(row: list, where: str) -> Generic:
    if len(row) != 5 or row[3] not in DIRECTIONS:
        raise ParamsError(f"{where}: expected [二级指标, name, unit, direction, target], found {row!r}", key=where)
    return Generic(*row)


def _quantity(row: list, where: str) -> Quantity:
    if len(row) != 4 or row[2] not in QUANTITIES:
        raise ParamsError(f"{where}: expected [name, unit, count|range, target], found {row!r}", key=where)
    name, unit, kind, target = row
    return Quantity(name, unit, kind, tuple(target) if kind == "range" else target)


def _kind(name: str, spec: dict) -> Kind:
    """A kind of unit; ParamsError unless it has two project themes or more (a unit has 2–4 projects), each
    with a quantity indicator, and its folder pattern names the area."""
    themes = tuple(
        Theme(theme, tuple(_quantity(row, f"kinds.{name}.{theme}") for row in rows or ()))
        for theme, rows in (spec.get("projects") or {}).items()
    )
    pattern = spec.get("pattern", "{area}区{kind}")
    if len(themes) < 2 or not all(t.quantities for t in themes) or "{area}" not in pattern:
        raise ParamsError(
            f"kinds.{name}: needs two projects or more, each with a quantity indicator, and {{area}} in its pattern",
            key=f"kinds.{name}",
        )
    return Kind(name, pattern, tuple(spec["functions"]), themes)


def parse(raw: dict) -> Vocabulary:
    """The vocabulary from the YAML file's mapping; ParamsError on a malformed indicator row."""
    generic = {key: tuple(_generic(row, key) for row in raw[key]) for key in ("quality", "timely", "cost", "benefit")}
    return Vocabulary(
        areas=tuple(raw["areas"]),
        surnames=raw["surnames"],
        given_names=raw["given_names"],
        kinds=tuple(_kind(name, spec) for name, spec in raw["kinds"].items()),
        satisfaction=tuple(_generic(row, "satisfaction") for row in raw["satisfaction"]),
        parts=tuple(tuple(p) for p in raw["parts"]),
        qualitative_text=dict(raw["qualitative_text"]),
        problems=tuple(raw["problems"]),
        measures=tuple(raw["measures"]),
        statements={metric: dict(spec) for metric, spec in raw["statements"].items()},
        profile=dict(raw["profile"]),
        offices=tuple(raw["offices"]),
        bureau_team=tuple(raw["bureau_team"]),
        **generic,
    )


@functools.cache
def load_vocabulary() -> Vocabulary:
    """The vocabulary of ``vocabulary.yaml``, read and checked once per process."""
    return parse(yaml.safe_load(VOCABULARY_FILE.read_text(encoding="utf-8")))
