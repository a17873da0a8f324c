"""Completeness of the report layer's registries (exporters, charts); the other registries have their own
tests (rule types, audit checks, report kinds, form layouts)."""

from __future__ import annotations

import re

from evaltools.report.charts import CHARTS
from evaltools.report.exporters import EXPORTERS

HAN = re.compile(r"[\u4e00-\u9fff]")


def test_every_exporter_is_complete():
    assert {"html", "pdf", "xlsx", "json", "ipynb"} <= set(EXPORTERS)
    filenames = [e.filename for e in EXPORTERS.values()]
    assert len(set(filenames)) == len(filenames), "two formats would write the same file"
    for name, e in EXPORTERS.items():
        assert e.name == name and callable(e.fn) and e.filename
        assert set(e.needs) <= set(EXPORTERS) - {name}, f"{name} needs an unknown format"
        if not e.notebook:
            assert not any(EXPORTERS[n].notebook for n in e.needs), f"{name} runs without the notebook"


def test_every_chart_is_complete():
    assert len(CHARTS) >= 3
    for name, c in CHARTS.items():
        assert c.name == name and callable(c.fn)
        assert HAN.search(c.caption), f"chart {name} has no Chinese caption"
        assert c.uses in {"evaluation", "history"}
