"""The report kinds' structure as the report uses it. Each kind is declared once, as data, in
:mod:`evaltools.data.kinds` (detection, totals mode, title, headings, appendix forms); this module adds the
numbering of headings. Section headings are numbered 一、二、… over the sections a report actually has (a
report without a team list has no 评价工作组 section).
"""

from __future__ import annotations

from evaltools.data.kinds import KINDS, SECTIONS, ReportKind

#: A report kind's declaration (the name the report layer has always used).
Kind = ReportKind

NUMERALS = "一二三四五六七八九十"


def numbered(kind: ReportKind, present: list[str]) -> dict[str, str]:
    """Each present section's numbered heading: {"basic": "一、部门基本情况", …}."""
    return {name: f"{NUMERALS[i]}、{kind.headings[name]}" for i, name in enumerate(present)}


__all__ = ["KINDS", "SECTIONS", "Kind", "NUMERALS", "numbered"]
