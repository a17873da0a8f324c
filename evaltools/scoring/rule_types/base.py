"""What a rule type and an execution method are: ONE declaration each, carrying its scoring function,
its settings (each with its default and its check) and the words ``RuleSet.describe()`` and the report
print for it::

    @rule_type(
        "threshold",
        settings={"at": Setting(REQUIRED, positive, example=0.9), "below": Setting("ratio", choice("ratio", "zero"))},
        describe=lambda spec, rules: f"实际完成值达到 {fmt.pct(spec['at'])} 得满分 …",
    )
    def threshold(df, spec, rules) -> pd.Series: ...   # share of the weight in [0, 1], NaN: cannot be scored

The function and the words receive the rule's settings with every default filled in (``spec["below"]``,
never ``spec.get("below", "ratio")``): a default is written once, in its :class:`Setting`. A rule set
(``params/rules/*.yaml``) names rules by type; :mod:`evaltools.scoring.rules` checks their settings
through the registry, :mod:`evaltools.scoring.indicators` scores through it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Protocol

import numpy as np
import pandas as pd

from evaltools.errors import ParamsError
from evaltools.registry import Registry


class Rules(Protocol):
    """What a rule type may read of the rule set (a :class:`evaltools.scoring.rules.RuleSet`, which this
    package does not import: the rule set reads the declarations, not the other way round)."""

    name: str
    rules: Mapping[str, Mapping[str, Any]]
    execution: Mapping[str, Any]
    qualitative: Mapping[str, Any]


class Check:
    """Type and range checks of one rule file's values, each failure a ParamsError naming file and key."""

    def __init__(self, source: str):
        self.source = source

    def fail(self, key: str, expected: str, found: object) -> None:
        shown = repr(found)
        raise ParamsError(
            f"规则设置无效 / invalid rule setting: expected {expected}, found "
            f"{shown if len(shown) <= 80 else shown[:77] + '…'}",
            file=self.source,
            key=key,
        )

    def mapping(self, key: str, value: object, known: set | None = None) -> dict:
        if not isinstance(value, dict):
            self.fail(key, "a mapping (name: value lines)", value)
        if known is not None:
            unknown = sorted(str(k) for k in value if k not in known)
            if unknown:
                self.fail(f"{key}.{unknown[0]}", f"one of the settings {', '.join(sorted(known))}", unknown[0])
        return value

    def number(self, key: str, value: object, low: float, high: float, *, above: bool = False) -> float:
        ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
        if not ok or not (value > low if above else value >= low) or value > high:
            self.fail(
                key, f"a number {'above' if above else 'from'} {low:g} {'and ≤' if above else 'to'} {high:g}", value
            )
        return float(value)

    def flag(self, key: str, value: object) -> bool:
        if not isinstance(value, bool):
            self.fail(key, "true or false", value)
        return value

    def text(self, key: str, value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(key, "text", value)
        return value

    def choice(self, key: str, value: object, options: tuple | list) -> str:
        if not isinstance(value, str) or value not in options:
            self.fail(key, f"one of {', '.join(map(str, options))}", value)
        return value

    def texts(self, key: str, value: object) -> list:
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(key, "a list of text", value)
        return value


#: A setting's check: ``check(c, key, value)`` raises through ``c.fail`` when ``value`` is not allowed.
CheckFn = Callable[[Check, str, object], object]


def number(low: float, high: float, *, above: bool = False) -> CheckFn:
    """A number from ``low`` (or above it) to ``high``."""
    return lambda c, k, v: c.number(k, v, low, high, above=above)


def choice(*options: str) -> CheckFn:
    """One of ``options``."""
    return lambda c, k, v: c.choice(k, v, options)


#: Common checks: a positive number, a share of the weight, true/false.
positive: CheckFn = number(0, 1e9, above=True)
share: CheckFn = number(0, 1)
flag: CheckFn = lambda c, k, v: c.flag(k, v)


class _Required:
    def __repr__(self) -> str:
        return "REQUIRED"


#: The default of a setting a rule must give (``per_step`` of a deduction): it has none.
REQUIRED = _Required()


@dataclass(frozen=True)
class Setting:
    """One setting of a rule type or execution method: its default (:data:`REQUIRED`: none, the rule must
    give it), its check, and — for a required one — an ``example`` value (docs, the registry test)."""

    default: object
    check: CheckFn
    example: object = None

    @property
    def required(self) -> bool:
        return self.default is REQUIRED

    @property
    def sample(self) -> object:
        """A valid value: the default, or the example of a required setting."""
        return self.example if self.required else self.default


def _resolve(settings: Mapping[str, Setting], given: Mapping[str, object]) -> dict:
    """``given`` with the default of every setting it leaves out."""
    return {**{k: s.default for k, s in settings.items() if not s.required}, **given}


def _validate(what: str, settings: Mapping[str, Setting], c: Check, key: str, given: Mapping) -> None:
    for name, setting in settings.items():
        if name in given:
            setting.check(c, f"{key}.{name}", given[name])
        elif setting.required:
            c.fail(f"{key}.{name}", f"a {name} setting ({what} needs it)", None)


#: ``score(df, spec, rules)``: the share of the weight of each row of ``df`` (NaN: cannot be scored).
ScoreFn = Callable[[pd.DataFrame, dict, Rules], pd.Series]
#: ``describe(spec, rules)``: the rule in words (Chinese), as the rule-set table and the report print it.
DescribeFn = Callable[[dict, Rules], str]
#: The indicator columns a rule type reads unless it declares its own.
READS = ("actual", "target", "weight")


@dataclass(frozen=True)
class RuleType:
    """A rule type: name, vectorised scoring function, settings, words and the indicator columns it reads."""

    name: str
    score: ScoreFn
    settings: Mapping[str, Setting]
    describe: DescribeFn
    reads: tuple[str, ...] = READS

    def resolve(self, spec: Mapping) -> dict:
        """The rule's settings with every default filled in (``type`` kept)."""
        return _resolve(self.settings, spec)

    def validate(self, c: Check, key: str, spec: Mapping) -> None:
        """Check a rule's settings: known names only, required ones given, each value by its check."""
        c.mapping(key, spec, {"type", *self.settings})
        _validate(f"rule type {self.name}", self.settings, c, key, spec)

    def example(self) -> dict:
        """A valid rule of this type: every setting at its default or example."""
        return {"type": self.name, **{k: s.sample for k, s in self.settings.items()}}

    def words(self, spec: Mapping, rules: Rules) -> str:
        """The rule in words, defaults filled in."""
        return self.describe(self.resolve(spec), rules)

    def __call__(self, df: pd.DataFrame, spec: Mapping, rules: Rules) -> pd.Series:
        return self.score(df, self.resolve(spec), rules)


@dataclass(frozen=True)
class ExecutionMethod:
    """A 预算执行率 scoring method: ``score(rate, settings)`` → share of the execution weight, its settings
    (keys of the rule set's ``execution`` section) and its words."""

    name: str
    score: Callable[[pd.Series, dict], pd.Series]
    settings: Mapping[str, Setting]
    describe: DescribeFn

    def resolve(self, settings: Mapping) -> dict:
        return _resolve(self.settings, settings)

    def words(self, settings: Mapping, rules: Rules) -> str:
        return self.describe(self.resolve(settings), rules)

    def __call__(self, rate: pd.Series, settings: Mapping) -> pd.Series:
        return self.score(rate, self.resolve(settings))


RULE_TYPES: Registry[RuleType] = Registry("rule type", "评分规则类型", key="rules")
EXECUTION_METHODS: Registry[ExecutionMethod] = Registry(
    "execution method", "预算执行率计分方法", key="execution.method"
)


def rule_type(
    name: str,
    *,
    describe: DescribeFn,
    settings: Mapping[str, Setting] | None = None,
    reads: tuple[str, ...] = READS,
) -> Callable[[ScoreFn], ScoreFn]:
    """Register the decorated ``score(df, spec, rules)`` as rule type ``name`` with its settings and words."""

    def register(fn: ScoreFn) -> ScoreFn:
        RULE_TYPES.add(name, RuleType(name, fn, MappingProxyType(dict(settings or {})), describe, tuple(reads)))
        return fn

    return register


def execution_method(
    name: str, *, describe: DescribeFn, settings: Mapping[str, Setting] | None = None
) -> Callable[[Callable], Callable]:
    """Register the decorated ``score(rate, settings)`` as execution method ``name``."""

    def register(fn: Callable) -> Callable:
        EXECUTION_METHODS.add(name, ExecutionMethod(name, fn, MappingProxyType(dict(settings or {})), describe))
        return fn

    return register


def execution_settings() -> dict[str, Setting]:
    """Every execution method's settings by name (a rule set may give settings of methods it does not use,
    as ``mof`` gives ``threshold`` under ``method: ratio``); a name declared twice keeps its first declaration."""
    out: dict[str, Setting] = {}
    for method in EXECUTION_METHODS.values():
        for name, setting in method.settings.items():
            out.setdefault(name, setting)
    return out


# ----------------------------------------------------------------------------- helpers of the rule modules


def actual_target(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The actual and target columns as float arrays."""
    return df["actual"].to_numpy(dtype=float), df["target"].to_numpy(dtype=float)


def shares(df: pd.DataFrame, values: object, *unknown_if_nan: np.ndarray) -> pd.Series:
    """``values`` as a float Series on ``df``'s index, NaN where any of ``unknown_if_nan`` is NaN."""
    values = np.asarray(values, dtype=float)
    for a in unknown_if_nan:
        values = np.where(np.isnan(a), np.nan, values)
    return pd.Series(values, index=df.index)


__all__ = [
    "Rules",
    "Check",
    "Setting",
    "REQUIRED",
    "RuleType",
    "ExecutionMethod",
    "RULE_TYPES",
    "EXECUTION_METHODS",
    "rule_type",
    "execution_method",
    "execution_settings",
    "number",
    "choice",
    "positive",
    "share",
    "flag",
    "actual_target",
    "shares",
]
