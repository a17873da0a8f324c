"""Rule types and execution methods, one declaration each (see :mod:`.base` for the contract).

Every module of this package is imported here, so a new rule type is one new module (plus its test):
``ratio`` (正向 and 等于), ``reverse`` (反向), ``range`` (区间), ``qualitative`` (定性), ``deduction``,
``step_deduction``, ``threshold``, ``tiered`` and ``execution`` (预算执行率 methods).
"""

from __future__ import annotations

from evaltools.registry import import_declarations
from evaltools.scoring.rule_types.base import (
    EXECUTION_METHODS,
    REQUIRED,
    RULE_TYPES,
    Check,
    ExecutionMethod,
    RuleType,
    Setting,
    execution_method,
    execution_settings,
    rule_type,
)

import_declarations(__name__, __path__)

__all__ = [
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
]
