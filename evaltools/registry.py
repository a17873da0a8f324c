"""One registry helper for everything chosen by name: rule types, execution methods, audit checks,
statement metrics, exporters, executors and charts.

    RULE_TYPES = Registry("rule type", "评分规则类型", key="rules")

    @RULE_TYPES.register("ratio_up")
    def ratio_up(df, spec, rules): ...

    RULE_TYPES["ratio_up"]      # the function; an unknown name raises ParamsError listing the known ones
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Generic, TypeVar

from evaltools.errors import ParamsError

T = TypeVar("T")


class Registry(Mapping[str, T], Generic[T]):
    """Named entries of one kind, in registration order; read-only as a mapping."""

    def __init__(self, kind: str, kind_zh: str, key: str | None = None):
        self.kind, self.kind_zh = kind, kind_zh
        self.key = key  # the parameter a user sets to choose an entry (for error messages)
        self._items: dict[str, T] = {}

    def register(self, name: str) -> Callable[[T], T]:
        """A decorator registering what it decorates under ``name``: ``@registry.register("name")``."""

        def decorator(entry: T) -> T:
            self.add(name, entry)
            return entry

        return decorator

    def add(self, name: str, value: T) -> T:
        """Register ``value`` under ``name`` (each name once)."""
        if name in self._items:
            raise ValueError(f"{self.kind} {name!r} is registered twice")
        self._items[name] = value
        return value

    def get(self, name: str, default: T | None = None) -> T | None:
        return self._items.get(name, default)

    def __getitem__(self, name: str) -> T:
        try:
            return self._items[name]
        except KeyError:
            raise ParamsError(
                f"未知的{self.kind_zh} / unknown {self.kind} {name!r}; available: {', '.join(self._items) or '(none)'}",
                key=self.key,
            ) from None

    def __contains__(self, name: object) -> bool:
        return name in self._items

    def __iter__(self) -> Iterator[str]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __repr__(self) -> str:
        return f"Registry({self.kind!r}: {', '.join(self._items)})"


def import_declarations(package: str, path: Iterable[str], skip: tuple[str, ...] = ("base",)) -> None:
    """Import every module of a package of declarations (one rule type, one form layout … per module), so that
    adding an entry is adding a module: ``import_declarations(__name__, __path__)`` in the package's
    ``__init__``, after the contract module ``base`` (skipped) is imported."""
    for module in pkgutil.iter_modules(path):
        if module.name not in skip:
            importlib.import_module(f"{package}.{module.name}")
