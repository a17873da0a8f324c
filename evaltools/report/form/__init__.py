"""The 自评表 workbook — the form the unit submits: the department summary and one standard 项目支出绩效自评表 per
project.

:func:`write_selfeval_form` turns an :class:`~evaltools.scoring.evaluation.Evaluation` into ``自评表.xlsx``:

* sheet 「部门整体」 (not for a single project's report), titled for the kind (整体支出绩效自评表, or 项目支出绩效
  自评汇总表 for project tables alone): the unit's basic data (单位名称, 年度, 编制/在编/其他人员, 资产净值 …), the
  budget lines where the data has them (支出项目 | 预算数 | 支出数 | 执行率 | 上年应付未付 | 扣除后执行率), 三公经费,
  the projects summary (项目名称 | 全年预算数 | 全年执行数 | 执行率 | 得分 | 等级), the total (总分, 等级) and how
  many findings the pre-submission check lists, by severity (counts only);
* for a unit with its own 部门整体支出绩效自评表 (kinds department, department_full), that table in the layout of
  the standard form: sheet 「部门整体支出绩效自评表」, its funds block 部门整体支出预算执行情况（万元） with the
  预算执行率 row (分值 | 执行率 | 得分), its goals and its indicators;
* one sheet per project in the layout of the standard 项目支出绩效自评表 (财预〔2020〕10号 附件):
  项目名称 / 主管部门 / 实施单位, the 项目资金（万元） block, the 年度总体目标 block, the indicator table
  (一级指标 | 二级指标 | 三级指标 | 年度指标值 | 实际完成值 | 分值 | 得分 | 偏差原因分析及改进措施) with the
  一级/二级指标 cells merged vertically, breakdown rows (``parent`` set) indented under their total as
  「其中：…」, and a 总分 row: the sum of the 得分 column, 无法计算 when a part of it is unknown.

The unit's form holds the unit's words: 偏差原因分析及改进措施 is its own ``deviation`` text, never a finding of the
tool (【核查·…】), and no published-versus-recomputed note appears. Numbers stay numbers with a number format
(``0.00`` for money and scores, ``0.00%`` for rates, the fraction stored); unknown amounts are empty cells, never an
invented 0, and an unknown total says 无法计算. Every text taken from the data is stored as text, never as a formula
(``=…``, ``+…``, ``@…`` included); every cell names the CJK typeface; each sheet prints on one A4 landscape page
where the form fits one. The file is written atomically.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from openpyxl import Workbook

from evaltools.data import workbook as W
from evaltools.report.form.cells import INTEGER, MONEY, RATE, SCORE, YEAR
from evaltools.report.form.department import DEPARTMENT_SHEET, department_sheet
from evaltools.report.form.project import (
    DEPARTMENT_FORM_SHEET,
    FUNDS_HEADERS,
    INDICATOR_HEADERS,
    PART_PREFIX,
    actual_display,
    project_sheet,
    target_display,
)

if TYPE_CHECKING:
    from evaltools.scoring.evaluation import Evaluation

__all__ = [
    "DEPARTMENT_FORM_SHEET",
    "DEPARTMENT_SHEET",
    "FUNDS_HEADERS",
    "INDICATOR_HEADERS",
    "INTEGER",
    "MAX_SHEET_TITLE",
    "MONEY",
    "PART_PREFIX",
    "RATE",
    "SCORE",
    "YEAR",
    "actual_display",
    "sheet_titles",
    "target_display",
    "write_selfeval_form",
]

#: Excel's limit on a sheet title, and the characters it refuses in one.
MAX_SHEET_TITLE = 31
_BAD_SHEET_CHARS = re.compile(r"[\[\]:*?/\\\x00-\x1f]")


def write_selfeval_form(ev: Evaluation, path: str | Path) -> Path:
    """Write the 自评表 workbook of ``ev`` (an :class:`~evaltools.scoring.evaluation.Evaluation`) to ``path``.

    The first sheet is 「部门整体」 (the unit's summary; not in a single project's report, kind ``project``), then
    the unit's own 部门整体支出绩效自评表 where its kind has one (「部门整体支出绩效自评表」: kinds department and
    department_full), then one sheet per project in ``ev.projects`` order, titled with the project's name made
    safe for Excel (see :func:`sheet_titles`). ``path`` must end in ``.xlsx``;
    the file is written atomically, so a failure leaves any previous file untouched. Returns the path.
    Raises ValueError for a text Excel cannot hold (control characters, over 32,767 characters).
    """
    path = W.xlsx_path(path)
    wb = Workbook()
    wb.remove(wb.active)
    taken = []
    if not ev.report_kind.named_by_project:  # a single project's report has no 整体支出 summary
        department_sheet(wb.create_sheet(DEPARTMENT_SHEET), ev)
        taken.append(DEPARTMENT_SHEET)
    if ev.department is not None and len(ev.department):  # the unit's own 部门整体支出绩效自评表
        project_sheet(wb.create_sheet(DEPARTMENT_FORM_SHEET), ev, next(ev.department.itertuples(index=False)))
        taken.append(DEPARTMENT_FORM_SHEET)
    names = [str(p) for p in ev.projects["project"]]
    for project, title in zip(ev.projects.itertuples(index=False), sheet_titles(names, taken=taken)):
        project_sheet(wb.create_sheet(title), ev, project)
    W.save_workbook(wb, path)
    return path


def sheet_titles(names: Iterable[str], taken: Iterable[str] = ()) -> list[str]:
    """Excel-safe, unique sheet titles for ``names`` (in order), avoiding the titles in ``taken``.

    Characters Excel refuses (``[ ] : * ? / \\`` and control characters) become ``_``, leading and
    trailing apostrophes and spaces are dropped, titles are cut to 31 characters, an empty title
    becomes 「项目」, and duplicates (compared case-insensitively, as Excel does) get ``(2)``, ``(3)`` ….
    """
    used = {t.lower() for t in taken}
    out = []
    for name in names:
        base = _BAD_SHEET_CHARS.sub("_", str(name)).strip().strip("'").strip() or "项目"
        if base.lower() == "history":  # reserved by Excel
            base += "_"
        base = base[:MAX_SHEET_TITLE]
        title, n = base, 1
        while title.lower() in used:
            n += 1
            suffix = f"({n})"
            title = base[: MAX_SHEET_TITLE - len(suffix)] + suffix
        used.add(title.lower())
        out.append(title)
    return out
