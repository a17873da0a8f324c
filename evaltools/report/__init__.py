"""The report layer: the view model and sections the notebook renders (:mod:`.sections`), charts
(:mod:`.charts`), fonts (:mod:`.fonts`), exporters (:mod:`.exporters`), the 自评表 form
(:mod:`.form`), the index page (:mod:`.index`) and the templates.

The report notebook does ``import evaltools.report as report`` and calls the section functions
re-exported here (lazily: importing an exporter does not load the report's view code).
"""

from evaltools._lazy import lazy_exports

#: The report's section functions, in the order of the page (one notebook cell each; ``audit`` is the findings
#: table, which the unit's own report leaves to its 核查清单).
SECTION_CELLS = (
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
)
_SECTIONS = ("prepare", "chart", *SECTION_CELLS, "ReportContext", "Html")
__all__ = ["SECTION_CELLS", *_SECTIONS]
__getattr__, __dir__ = lazy_exports(__name__, {name: ".sections" for name in _SECTIONS})
