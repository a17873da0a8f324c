"""Lazy re-exports (PEP 562) for the package ``__init__`` modules: a name is imported on first use,
so ``import evaltools`` (and the command line's start-up) does not pay for pandas until it is needed."""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module


def lazy_exports(package: str, exports: dict[str, str]) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for ``package`` re-exporting ``exports`` (name → submodule)."""

    def __getattr__(name: str) -> object:
        if name in exports:
            value = getattr(import_module(exports[name], package), name)
            import_module(package).__dict__[name] = value
            return value
        raise AttributeError(f"module {package!r} has no attribute {name!r}")

    def __dir__() -> list[str]:
        return sorted(set(import_module(package).__dict__) | set(exports))

    return __getattr__, __dir__
