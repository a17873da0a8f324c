"""evaltools — 整体支出绩效自评报告 from a department's yearly budget and performance data.

Importing has no side effects: no logging setup, no plotting theme, no font registration.
"""
from .errors import (DataNotFoundError, EvaltoolsError, GradeBandError, InputError, ParamsError, RuleError,
                     RunError, UnsafePathError)
from .evaluate import Evaluation, Total, evaluate
from .load import inspect_path, load_path, load_year
from .model import Profile, YearData
from .rules import RuleSet, load_rules

__version__ = "0.1.0"
__all__ = ["load_year", "load_path", "inspect_path", "evaluate", "load_rules", "Evaluation", "Total", "YearData",
           "Profile", "RuleSet", "EvaltoolsError", "InputError", "DataNotFoundError", "ParamsError", "GradeBandError",
           "RuleError", "RunError", "UnsafePathError"]
