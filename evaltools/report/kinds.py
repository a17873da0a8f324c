"""The report kinds and their structure, declared once: title, what the report speaks of, its sections
in order with their headings, and the appendix forms. ``docs/report_kinds.md`` gives each kind's source.

A year's data is one of :data:`evaltools.data.schema.REPORT_KINDS` (stated in the profile or inferred
from what is present, :func:`evaltools.data.model.infer_kind`). Section headings are numbered 一、二、…
over the sections a report actually has (a report without a team list has no 评价工作组 section).
"""

from __future__ import annotations

from dataclasses import dataclass

NUMERALS = "一二三四五六七八九十"


@dataclass(frozen=True)
class Kind:
    """One report kind: its title suffix, the subject it evaluates (部门/项目), headings, appendix forms."""

    name: str
    label: str
    title: str
    subject: str
    headings: dict[str, str]
    basic_parts: tuple[str, ...]
    forms_title: str


_DEPARTMENT_HEADINGS = {
    "basic": "部门基本情况",
    "work": "自评工作开展情况",
    "results": "部门整体支出绩效目标实现情况及指标分析",
    "conclusion": "评价结论和评价等级",
    "problems": "存在的问题及改进措施",
    "team": "评价工作组人员名单",
}

KINDS: dict[str, Kind] = {
    k.name: k
    for k in (
        Kind(
            "department_projects",
            "部门整体支出绩效自评报告（含项目）",
            "整体支出绩效自评报告",
            "部门整体",
            _DEPARTMENT_HEADINGS,
            ("（一）部门概况", "（二）部门收支预决算情况", "（三）部门整体支出绩效目标、指标"),
            "项目支出绩效自评表",
        ),
        Kind(
            "department",
            "部门整体支出绩效自评表",
            "部门整体支出绩效自评报告",
            "部门整体",
            {**_DEPARTMENT_HEADINGS, "results": "部门整体支出绩效自评结果及指标分析"},
            ("（一）部门概况", "（二）部门预算执行情况", "（三）部门整体支出绩效目标"),
            "部门整体支出绩效自评表",
        ),
        Kind(
            "project",
            "项目支出绩效自评表",
            "项目支出绩效自评报告",
            "项目",
            {
                "basic": "项目基本情况",
                "work": "自评工作开展情况",
                "results": "项目绩效目标实现情况及指标分析",
                "conclusion": "评价结论和评价等级",
                "problems": "存在的问题及改进措施",
                "team": "评价工作组人员名单",
            },
            ("（一）项目概况", "（二）项目资金情况", "（三）年度总体目标"),
            "项目支出绩效自评表",
        ),
        Kind(
            "department_full",
            "部门整体支出绩效自评表及项目支出绩效自评表",
            "整体支出绩效自评报告",
            "部门整体",
            _DEPARTMENT_HEADINGS,
            ("（一）部门概况", "（二）部门收支预决算情况", "（三）部门整体支出绩效目标、指标"),
            "部门整体支出绩效自评表及项目支出绩效自评表",
        ),
    )
}


def numbered(kind: Kind, present: list[str]) -> dict[str, str]:
    """Each present section's numbered heading: {"basic": "一、部门基本情况", …}."""
    return {name: f"{NUMERALS[i]}、{kind.headings[name]}" for i, name in enumerate(present)}
