"""Report kinds, ONE declaration each: how a unit of that kind is recognised from its tables, how its total
is formed, and the report's structure (title, headings, appendix forms). ``docs/report_kinds.md`` gives each
kind's source; ``docs/extending/report_kind.md`` how to add one.

The declarations are data at the lowest layer that needs them: :mod:`evaltools.data.model` detects a unit's
kind, :mod:`evaltools.scoring.evaluation` forms its total by the declared ``totals`` mode, and
:mod:`evaltools.report` lays out its report from the strings here.

Detection is vectorised and the same for one unit and for many: :func:`presence` counts, per unit, what
its tables hold (one pass over each table), and :func:`detect_kinds` gives each unit the kind of highest
``precedence`` whose ``detect`` accepts it — the one kind without ``detect`` is the fallback. A kind stated
in the profile (``report_kind``) wins over detection (:func:`resolve_kinds`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np
import pandas as pd

from evaltools.data.cells import missing_objects
from evaltools.registry import Registry


@dataclass(frozen=True)
class Presence:
    """What each unit's tables hold, one entry per unit: department indicators (indicator rows without a
    project), the number of projects and the number of budget lines."""

    department_indicators: np.ndarray
    projects: np.ndarray
    budget_lines: np.ndarray
    #: Rows of 经费控制 (cost_control), by which a department is scored without indicators (None: not counted).
    cost_control: np.ndarray | None = None

    def department_content(self) -> np.ndarray:
        """Per unit: whether it has a department's own scored content (department indicators, or 经费控制 rows)."""
        extra = np.zeros_like(self.projects) if self.cost_control is None else self.cost_control
        return np.asarray(self.department_indicators, dtype=bool) | (np.asarray(extra) > 0)


#: How a unit's total is formed, by mode name: scoring implements each (evaluation.py).
TOTALS_MODES = {
    "projects_mean": "the mean of the project totals (rule set: department_total simple or budget_weighted)",
    "form": "the total of the unit's one form: its department table, else its (first) project",
}

#: The report's sections, in order (a report without a team list leaves ``team`` out). ``use`` and ``other``
#: are the 绩效自评结果应用及公开情况 and 其他需要说明的问题 that published 自评报告 close with (issue 24).
SECTIONS = ("basic", "work", "results", "conclusion", "problems", "use", "other", "team")


@dataclass(frozen=True)
class ReportKind:
    """One report kind.

    ``label``: 报告类型 as the title page prints it; ``short``: the kind in the profile field's help;
    ``title``: the report title's suffix; ``subject``: what it evaluates (部门整体 / 项目); ``headings``: each
    section's heading; ``basic_parts``: the three parts of 基本情况; ``forms_title``: 附录二's title.
    ``detect(presence)`` → bool per unit (None: the fallback kind); ``precedence``: detection order, higher
    first. ``totals``: a :data:`TOTALS_MODES` name. ``department_form``: the unit's own department table is
    scored as one more form beside its projects. ``named_by_project``: the title names the project, not the
    unit. ``lists_forms``: the conclusion lists each form's score (when there is more than one).
    """

    name: str
    label: str
    short: str
    title: str
    subject: str
    headings: Mapping[str, str]
    basic_parts: tuple[str, ...]
    forms_title: str
    detect: Callable[[Presence], np.ndarray] | None
    precedence: int
    totals: str
    department_form: bool = False
    named_by_project: bool = False
    lists_forms: bool = False
    #: ``fits(presence)`` → bool per unit: whether tables can be of this kind when it is STATED (``report_kind``);
    #: a stated kind the tables contradict would make a wrong total (one project's score for a department):
    #: refused at its cell (:func:`evaltools.data.validate.stated_kinds`). ``needs``: what it needs, in words.
    fits: Callable[[Presence], np.ndarray] | None = None
    needs: str = ""


KINDS: Registry[ReportKind] = Registry("report kind", "报告类型", key="report_kind")


def report_kind(kind: ReportKind) -> ReportKind:
    """Declare ``kind`` (its headings are made read-only)."""
    return KINDS.add(kind.name, ReportKind(**{**kind.__dict__, "headings": MappingProxyType(dict(kind.headings))}))


_DEPARTMENT_HEADINGS = {
    "basic": "部门基本情况",
    "work": "自评工作开展情况",
    "results": "部门整体支出绩效目标实现情况及指标分析",
    "conclusion": "评价结论和评价等级",
    "problems": "存在的问题及改进措施",
    "use": "绩效自评结果应用及公开情况",
    "other": "其他需要说明的问题",
    "team": "评价工作组人员名单",
}
_DEPARTMENT_PARTS = ("（一）部门概况", "（二）部门收支预决算情况", "（三）部门整体支出绩效目标、指标")
_PROJECT_HEADINGS = {
    **_DEPARTMENT_HEADINGS,
    "basic": "项目基本情况",
    "results": "项目绩效目标实现情况及指标分析",
}
_PROJECT_PARTS = ("（一）项目概况", "（二）项目资金情况", "（三）年度总体目标")

report_kind(
    ReportKind(
        "department_projects",
        label="部门整体支出绩效自评报告（含项目）",
        short="部门整体含项目",
        title="整体支出绩效自评报告",
        subject="部门整体",
        headings=_DEPARTMENT_HEADINGS,
        basic_parts=_DEPARTMENT_PARTS,
        forms_title="项目支出绩效自评表",
        detect=None,  # the default: budget lines and projects with their indicators
        precedence=0,
        totals="projects_mean",
        lists_forms=True,
    )
)
report_kind(
    ReportKind(
        "department",
        label="部门整体支出绩效自评表",
        short="部门整体自评表",
        title="部门整体支出绩效自评报告",
        subject="部门整体",
        headings={**_DEPARTMENT_HEADINGS, "results": "部门整体支出绩效自评结果及指标分析"},
        basic_parts=("（一）部门概况", "（二）部门预算执行情况", "（三）部门整体支出绩效目标"),
        forms_title="部门整体支出绩效自评表",
        detect=lambda p: p.department_indicators,
        precedence=20,
        totals="form",
        department_form=True,
        fits=lambda p: p.department_content(),
        needs="部门整体绩效指标（「项目名称」为空的指标行）或经费控制表 / department indicators (indicator rows without a "
        "project) or a 经费控制 table",
    )
)
report_kind(
    ReportKind(
        "project",
        label="项目支出绩效自评表",
        short="单个项目自评表",
        title="项目支出绩效自评报告",
        subject="项目",
        headings=_PROJECT_HEADINGS,
        basic_parts=_PROJECT_PARTS,
        forms_title="项目支出绩效自评表",
        detect=lambda p: (p.projects == 1) & (p.budget_lines == 0),
        precedence=10,
        totals="form",
        named_by_project=True,
        fits=lambda p: (p.projects == 1) & ~p.department_indicators,
        needs="恰好一个项目、没有部门整体指标（总分即该项目得分）/ exactly one project and no department indicators "
        "(the total is that project's score)",
    )
)
report_kind(
    ReportKind(
        "department_full",
        label="部门整体支出绩效自评表及项目支出绩效自评表",
        short="部门整体指标与项目",
        title="整体支出绩效自评报告",
        subject="部门整体",
        headings=_DEPARTMENT_HEADINGS,
        basic_parts=_DEPARTMENT_PARTS,
        forms_title="部门整体支出绩效自评表及项目支出绩效自评表",
        detect=lambda p: p.department_indicators & (p.projects > 0),
        precedence=30,
        totals="form",
        department_form=True,
        lists_forms=True,
        fits=lambda p: p.department_content(),
        needs="部门整体绩效指标（「项目名称」为空的指标行）或经费控制表 / department indicators (indicator rows without a "
        "project) or a 经费控制 table",
    )
)

report_kind(
    ReportKind(
        "projects",
        label="项目支出绩效自评表（多个项目）",
        short="多个项目自评表",
        title="项目支出绩效自评报告",
        subject="项目",
        headings=_PROJECT_HEADINGS,
        basic_parts=_PROJECT_PARTS,
        forms_title="项目支出绩效自评表",
        # several projects' forms published alone: no department table, no budget lines (棠溪镇 2022, 普陀体育 2022)
        detect=lambda p: ~p.department_indicators & (p.projects > 1) & (p.budget_lines == 0),
        precedence=15,
        totals="projects_mean",
        lists_forms=True,
        fits=lambda p: (p.projects > 0) & ~p.department_indicators,
        needs="至少一个项目、没有部门整体指标（总分为各项目得分的平均）/ projects and no department indicators "
        "(the total is the mean of the projects' scores)",
    )
)

#: The kinds' names, in declaration order (the profile's ``report_kind`` choices).
REPORT_KINDS = tuple(KINDS)


def presence(
    tables: Mapping[str, pd.DataFrame],
    unit_codes: Callable[[pd.DataFrame], np.ndarray],
    n: int,
    missing: Callable[[pd.Series], np.ndarray] = missing_objects,
) -> Presence:
    """What each of ``n`` units' tables hold; ``unit_codes(frame)`` gives each row's unit (0 … n − 1; −1: none);
    ``missing(column)``: ``pd.isna`` of a column (an evaluation passes the one that remembers its columns')."""

    def count(frame: pd.DataFrame, rows: np.ndarray | None = None) -> np.ndarray:
        codes = unit_codes(frame)
        codes = codes if rows is None else codes[rows]
        return np.bincount(codes[codes >= 0], minlength=n)

    ind = tables["indicators"]
    return Presence(
        department_indicators=count(ind, missing(ind["project"])) > 0,
        projects=count(tables["projects"]),
        budget_lines=count(tables["budget_lines"]),
        cost_control=count(tables["cost_control"]) if "cost_control" in tables else None,
    )


def detect_kinds(found: Presence) -> np.ndarray:
    """Each unit's kind from what its tables hold: the accepting kind of highest precedence, else the fallback."""
    fallback = next(k.name for k in KINDS.values() if k.detect is None)
    out = np.full(len(found.projects), fallback, dtype=object)
    for kind in sorted((k for k in KINDS.values() if k.detect is not None), key=lambda k: k.precedence):
        out = np.where(np.asarray(kind.detect(found), dtype=bool), kind.name, out)
    return out.astype(object)


def resolve_kinds(stated: np.ndarray, found: Presence) -> np.ndarray:
    """Each unit's kind: as stated (a non-empty ``report_kind``), else detected."""
    stated = np.asarray(stated, dtype=object)
    given = pd.notna(stated) & (stated != "")
    return np.where(given, stated, detect_kinds(found)).astype(object)


def contradicted(stated: np.ndarray, found: Presence) -> np.ndarray:
    """Per unit: whether its stated kind (``report_kind``; blank: none stated) is one its tables cannot be
    (the kind's ``fits``); an unknown name is the profile's business (refused there)."""
    stated = np.asarray(stated, dtype=object)
    out = np.zeros(len(stated), dtype=bool)
    for kind in KINDS.values():
        if kind.fits is not None:
            out |= (stated == kind.name) & ~np.asarray(kind.fits(found), dtype=bool)
    return out


def describe_presence(found: Presence, i: int) -> str:
    """What unit ``i``'s tables hold, in words (for a message)."""
    dept = "有" if found.department_indicators[i] else "无"
    return f"{int(found.projects[i])} 个项目，{int(found.budget_lines[i])} 个支出项目行，部门整体指标：{dept}"


def kinds_with(attribute: str, value: object = True) -> list[str]:
    """The names of the kinds whose ``attribute`` is ``value`` (e.g. ``kinds_with("totals", "form")``)."""
    return [k.name for k in KINDS.values() if getattr(k, attribute) == value]
