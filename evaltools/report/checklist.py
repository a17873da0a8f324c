"""The 核查清单: what a reviewer would flag in a unit's 自评 data, for the preparer to fix before the 自评报告
is submitted (issue 24 item 1). Its own page (``checklist.html``), apart from the report, which never shows a
finding.

Every finding of the evaluation above 提示 (the ``info`` ones are checks that agree), grouped by 对象 — the
department, then each project in the order of the data, and within a project each 三级指标 — with its wording
from the findings table and what to fix from the finding code's declared measure
(:func:`evaltools.scoring.audit.measure`); nothing here writes a message of its own.
"""

from __future__ import annotations

from types import SimpleNamespace

import pandas as pd

from evaltools import labels
from evaltools.report.sections import render_template
from evaltools.report.view import report_title
from evaltools.scoring.audit import finding_label, measure
from evaltools.scoring.evaluation import Evaluation
from evaltools.scoring.indicators import DEPARTMENT

#: The group of the findings on the unit as a whole (no project, or the department's own table).
UNIT_GROUP = "部门"


def _item(f: object) -> SimpleNamespace:
    return SimpleNamespace(
        severity=f.severity,
        severity_zh=labels.SEVERITY[f.severity],
        code=f.code,
        label=finding_label(f.code),
        message=f.message,
        fix=measure(f.code) or "",
    )


def checklist_groups(findings: pd.DataFrame, projects: list[str]) -> list[SimpleNamespace]:
    """The findings above 提示 by 对象: ``[{name, items, indicators: [{name, items}]}]`` — the unit first, then
    each project of ``projects`` (in that order; a project only the findings name comes after them), each with its
    findings on the project as a whole and then per 三级指标 in the order the findings give them."""
    flagged = findings[findings["severity"] != "info"]
    on_unit = flagged["project"].isna() | (flagged["project"] == DEPARTMENT)
    groups = []
    unit = flagged[on_unit]
    if len(unit):
        groups.append(_group(UNIT_GROUP, unit))
    rest = flagged[~on_unit]
    named = list(dict.fromkeys([p for p in projects if p in set(rest["project"])] + list(rest["project"])))
    groups += [_group(f"项目：{name}", rest[rest["project"] == name]) for name in named]
    return groups


def _group(name: str, rows: pd.DataFrame) -> SimpleNamespace:
    whole = rows[rows["indicator"].isna()]
    parts = rows[rows["indicator"].notna()]
    indicators = [
        SimpleNamespace(name=ind, items=[_item(f) for f in sub.itertuples()])
        for ind, sub in parts.groupby("indicator", sort=False)
    ]
    return SimpleNamespace(
        name=name, items=[_item(f) for f in whole.itertuples()], indicators=indicators, count=len(rows)
    )


def checklist_view(ev: Evaluation) -> SimpleNamespace:
    """What the 核查清单 shows for ``ev``: the unit, year and report title, the counts by severity and the groups."""

    counts = ev.findings["severity"].value_counts()
    return SimpleNamespace(
        unit=ev.unit,
        year=ev.year,
        title=report_title(ev),
        synthetic=bool(ev.data.profile.synthetic),
        error=int(counts.get("error", 0)),
        warning=int(counts.get("warning", 0)),
        info=int(counts.get("info", 0)),
        groups=checklist_groups(ev.findings, list(ev.projects["project"])),
    )


def checklist_html(ev: Evaluation, css: str) -> str:
    """The 核查清单 page of ``ev`` with the stylesheet ``css`` (the report's, whose font slot the exporter fills:
    :func:`evaltools.report.exporters.embed_font`)."""
    return render_template("checklist.html.j2", c=checklist_view(ev), css=css)
