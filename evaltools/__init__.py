"""evaltools — 绩效自评 from a public body's yearly budget and performance data.

The package is layered, each layer importing only those below it (checked by import-linter in
``make test``)::

    cli  →  run  →  report  →  scoring  →  data  →  errors, paths, params, fmt, labels, registry

Importing has no side effects: no logging setup, no plotting theme, no font registration. The
public API below is re-exported lazily (PEP 562), so ``import evaltools`` — and the command line
start-up — does not pay for pandas until a function is used.
"""

from evaltools._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "load_year": ".data.load",
    "load_path": ".data.load",
    "inspect_path": ".data.load",
    "YearData": ".data.model",
    "UnitsData": ".data.model",
    "Profile": ".data.model",
    "evaluate": ".scoring.evaluation",
    "Evaluation": ".scoring.evaluation",
    "UnitsEvaluation": ".scoring.evaluation",
    "Total": ".scoring.evaluation",
    "load_rules": ".scoring.rules",
    "RuleSet": ".scoring.rules",
    "JobParams": ".params",
    "job_params": ".params",
    "load_job": ".params",
    "run_report": ".run.runner",
    "plan_jobs": ".run.plan",
    "run_batch": ".run.batch",
    "EvaltoolsError": ".errors",
    "InputError": ".errors",
    "DataNotFoundError": ".errors",
    "ParamsError": ".errors",
    "GradeBandError": ".errors",
    "RuleError": ".errors",
    "RunError": ".errors",
    "UnsafePathError": ".errors",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
