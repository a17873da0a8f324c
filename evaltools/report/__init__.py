"""The report layer: the view model and sections the notebook renders (:mod:`.sections`), charts
(:mod:`.charts`), fonts (:mod:`.fonts`), exporters (:mod:`.exporters`), the 自评表 form
(:mod:`.form`), the index page (:mod:`.index`) and the templates.

The report notebook does ``import evaltools.report as report`` and calls the section functions
re-exported here (lazily: importing an exporter does not load the report's view code).
"""

from evaltools._lazy import lazy_exports

_SECTIONS = (
    "prepare",
    "chart",
    "title_block",
    "contents",
    "basic",
    "work",
    "results",
    "conclusion",
    "problems",
    "use",
    "other",
    "team",
    "signature",
    "audit",
    "forms",
    "ReportContext",
    "Html",
)
__all__ = list(_SECTIONS)
__getattr__, __dir__ = lazy_exports(__name__, {name: ".sections" for name in _SECTIONS})
