"""evaltools — 整体支出绩效自评报告 from a department's yearly budget and performance data.

Importing has no side effects: no logging setup, no plotting theme, no font registration. The
public API below is re-exported lazily (PEP 562), so ``import evaltools`` — and the command line
start-up — does not pay for pandas until a function is used.
"""
from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "load_year": "load", "load_path": "load", "inspect_path": "load",
    "evaluate": "evaluation", "Evaluation": "evaluation", "Total": "evaluation",
    "load_rules": "rules", "RuleSet": "rules",
    "YearData": "model", "Profile": "model",
    "EvaltoolsError": "errors", "InputError": "errors", "DataNotFoundError": "errors", "ParamsError": "errors",
    "GradeBandError": "errors", "RuleError": "errors", "RunError": "errors", "UnsafePathError": "errors",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str):
    if name in _EXPORTS:
        value = getattr(import_module(f".{_EXPORTS[name]}", __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'evaltools' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
