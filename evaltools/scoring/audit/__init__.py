"""The audit: recompute every published figure and name each difference.

Each check is declared once, in the module of its family, with every finding code it emits (label,
severity, improvement measure, the form field it points at: :class:`Code`); :func:`run_audit` runs them all,
one vectorised pass over every unit at once, in the order the modules are imported below (the order of
findings within a severity). See docs/extending/audit_check.md.

- :mod:`.statements` — what the report states: rates in its tables, counts, rates, totals, years in its text
- :mod:`.sums` — totals against their parts, spending against budgets
- :mod:`.indicators` — indicator results that need explaining
- :mod:`.weights` — scores within their weights, weights adding to 100
- :mod:`.figures` — figures that cannot be read
- :mod:`.scores` — published scores, totals and grades; low 预算执行率
- :mod:`.printed` — printed 预算执行率得分, 完成率, 得分系数
- :mod:`.targets` — how targets and costs are set
- :mod:`.grades` — the printed grade table
- :mod:`.cost_control` — the 经费控制 block: “三公”经费, 会议费, 培训费 against budget, last year and their total
- :mod:`.redflags` — a 复核's red flags: every indicator at full marks, full output marks on a budget hardly
  spent, a cost far over target, 满意度 with no survey, every actual equal to its target, a miss with no 偏差原因
"""

from __future__ import annotations

# The families register their checks in this order (the order of findings within a severity).
# isort: off
from . import statements  # noqa: F401
from . import sums  # noqa: F401
from . import indicators  # noqa: F401
from . import weights  # noqa: F401
from . import figures  # noqa: F401
from . import scores  # noqa: F401
from . import printed  # noqa: F401
from . import targets  # noqa: F401
from . import grades  # noqa: F401
from . import cost_control  # noqa: F401
from . import redflags  # noqa: F401

# isort: on
from .core import (
    CHECKS,
    CODES,
    FINDING_COLUMNS,
    AuditContext,
    Check,
    Code,
    check,
    finding_label,
    findings,
    measure,
    no_findings,
    run_audit,
)
from .rates import LINE_RATE_FIELD, RATE_FIELD, TEXT_FIELD, Formula, line_formulas, project_formulas, rate_findings
from .statements import STATEMENT_METRICS, statement

__all__ = [
    "CHECKS",
    "CODES",
    "FINDING_COLUMNS",
    "LINE_RATE_FIELD",
    "RATE_FIELD",
    "STATEMENT_METRICS",
    "TEXT_FIELD",
    "AuditContext",
    "Check",
    "Code",
    "Formula",
    "check",
    "finding_label",
    "findings",
    "line_formulas",
    "measure",
    "no_findings",
    "project_formulas",
    "rate_findings",
    "run_audit",
    "statement",
]
