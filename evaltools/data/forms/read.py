"""Reading filled-in 自评表: a file's forms → validated year data, one :class:`ImportedForm` per form.

A workbook may hold a form per sheet (or several in one sheet); a Word document a form per table (a table
continued on the next page, or split in two, is read as one). Readers are a registry keyed by file type;
legacy binary formats (.doc, .xls, .et, .wps) are refused with how to save them. A form that cannot be read
is a :class:`FormFailure` with its problems located at the cells; it never stops the other forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaltools.data import schema as S
from evaltools.data.archive import check_archive
from evaltools.data.forms.blocks import UNKNOWN, read_goals, read_indicators, read_total
from evaltools.data.forms.funds import no_funds, read_funds
from evaltools.data.forms.grid import CellRef, Grid, docx_grid, unsaved_formulas, xlsx_grids
from evaltools.data.forms.layout import (
    Form,
    choose_layout,
    find_forms,
    form_kind,
    form_year,
    header_columns,
    name_value,
    read_names,
    year_value,
)
from evaltools.data.forms.layouts import is_title, layouts_titled
from evaltools.data.forms.layouts.standard import THIS_UNIT
from evaltools.data.forms.values import number
from evaltools.data.forms.wording import label_key
from evaltools.data.load import PlacedTable, normalise_rows, year_data
from evaltools.data.model import YearData
from evaltools.errors import ERROR, WARNING, Location, Problem, ProblemList
from evaltools.registry import Registry

#: Readers by file suffix: ``fn(path) -> [(part, grid)]`` (a sheet, or the document).
READERS: Registry[Callable[[Path], list[tuple[str, Grid]]]] = Registry("form reader", "自评表读取程序")
READERS.add(".xlsx", xlsx_grids)
READERS.add(".xlsm", xlsx_grids)
READERS.add(".docx", lambda path: [("", docx_grid(path))])
#: A macro-enabled document is the same XML with a macro part beside it: its text is read, its macros never run
#: (issue 22: .docm forms were left out of a folder audit without a word).
READERS.add(".docm", lambda path: [("", docx_grid(path))])
#: Legacy formats refused, with how to save them in a readable one.
LEGACY = {
    ".doc": "Word 97-2003 文档：用 Word 或 WPS 打开，另存为 “Word 文档 (*.docx)”",
    ".xls": "Excel 97-2003 工作簿：用 Excel 或 WPS 打开，另存为 “Excel 工作簿 (*.xlsx)”",
    ".et": "WPS 表格文件：用 WPS 表格打开，另存为 “Excel 工作簿 (*.xlsx)”",
    ".ett": "WPS 表格模板：用 WPS 表格打开，另存为 “Excel 工作簿 (*.xlsx)”",
    ".wps": "WPS 文字文件：用 WPS 文字打开，另存为 “Word 文档 (*.docx)”",
    ".wpt": "WPS 文字模板：用 WPS 文字打开，另存为 “Word 文档 (*.docx)”",
}
SUFFIXES = tuple(READERS) + tuple(LEGACY)


@dataclass(frozen=True)
class ImportedForm:
    """One form read from a file: where it is, its kind, its validated data and the cells its figures are in
    (``title``, ``project``, ``funds.rate``, ``total``, ``indicator:<三级指标>`` …)."""

    source: str
    part: str
    number: int
    kind: str
    data: YearData
    cells: dict[str, CellRef] = field(default_factory=dict)
    #: Names the form does not print (``unit``, ``project``) → the placeholder :attr:`data` is completed with
    #: (its tables need a name: 未填单位名称, 未填项目名称); :attr:`unit` and :attr:`project` are what was read.
    completed: dict[str, str] = field(default_factory=dict)

    @property
    def unit(self) -> str | None:
        """The unit as read (None when the form prints none; :attr:`data` holds the placeholder)."""
        return None if "unit" in self.completed else self.data.unit

    @property
    def project(self) -> str | None:
        """The project as read (None for a department's form, or when the form prints no 项目名称)."""
        if self.kind == "department" or "project" in self.completed or not len(self.data.projects):
            return None
        return str(self.data.projects["project"].iloc[0])

    @property
    def label(self) -> str:
        """``file`` or ``file, sheet`` and, for a second form in one place, its number."""
        where = f"{self.source}, {self.part}" if self.part else self.source
        return where if self.number == 1 else f"{where} (第{self.number}张表)"


@dataclass(frozen=True)
class FormFailure:
    """A form (or a whole file) that could not be read, and why."""

    source: str
    part: str | None
    reason: str
    problems: tuple[Problem, ...] = ()


# ----------------------------------------------------------------------------- one form


#: A year in a file or sheet name (2021年度项目自评表.xlsx), taken when the form prints none.
_NAMED_YEAR = re.compile(r"(?<!\d)(20[0-4]\d)(?:年|\D|$)")


def read_form(grid: Grid, start: int, end: int, title: str) -> Form:
    """The blocks of the form from row ``start`` (its title, or its first row when it prints none: ``title``
    "") to ``end``, found by the labels of its layout. Tolerant: only a form without an indicator block is
    refused (an error); a year not printed (taken from a 评价年度 cell or the file name, else unknown), a kind
    the title does not name, a missing name and an empty indicator block are located warnings, and the form is
    read."""
    year, year_row = form_year(grid, start, end, bool(title))
    layout, funds, indicators = choose_layout(grid, start, end, title)
    filled = grid.filled(start)  # the title's cell, or the first cell of a form printed without a title
    title_col = next((j for j in filled if title and title == grid.text(start, j)), filled[0] if filled else 0)
    form = Form(grid, layout, year, start, end, title)
    form.cells["title"] = grid.ref(start, title_col)
    form.problems.extend(unsaved_formulas(grid, start, end))  # read as unknown, said at each cell
    read_names(form, year_row + 1, min(r for r in (funds, indicators, end) if r is not None))
    if year is None:
        _year_elsewhere(form, title_col)
    if funds is not None:
        read_funds(form, funds, indicators if indicators is not None and indicators > funds else end)
    else:
        no_funds(form, start, title_col)
    read_goals(form, year_row + 1, indicators or end)
    if indicators is None:
        form.problem(
            start,
            title_col,
            "找不到绩效指标表头 / no indicator block",
            title or None,
            "一级指标 | 二级指标 | 三级指标 | 分值 | 得分",
        )
        return form
    stop = read_indicators(form, indicators, funds if funds is not None and funds > indicators else end)
    read_total(form, stop, end, header_columns(grid, indicators, form.block("indicators")))
    if "total" not in form.cells and "published_total" in form.cells:  # 重庆: 自评总分 in the header
        form.cells["total"] = form.cells["published_total"]
    if not form.indicators:
        form.warn(indicators, title_col, "绩效指标表中没有指标 / the indicator block is empty", None, "指标行")
    _kind(form, title_col)
    _unnamed(form)
    return form


def _kind(form: Form, title_col: int) -> None:
    """The kind of a form whose title names none (no title; 绩效自评结果): found by :func:`form_kind`; unless a
    项目名称 shows it, a located warning says how it was read."""
    if form.title and layouts_titled(form.title):
        return
    kind, how = form_kind(form)
    form.kind_read = kind
    if how == "项目名称":
        return
    what = "部门整体支出绩效自评表" if kind == "department" else "项目支出绩效自评表"
    reason = "按指标体系（预算配置、预算执行 …）" if how == "指标体系" else "默认"
    form.warn(
        form.start,
        title_col,
        f"表题未写明项目或部门整体，{reason}读作{what} / the title names no kind: read as a {kind} form",
        form.title or None,
        "表题写明 项目支出 或 部门整体支出 绩效自评表",
        code="FORM_KIND",
    )


def _named_year(grid: Grid, start: int) -> int | None:
    """The year in the form's sheet or file name, for a form that prints none."""
    part, _ = grid.places[start]
    for text in (part, Path(grid.file).name):
        found = _NAMED_YEAR.search(text or "")
        if found:
            return int(found.group(1))
    return None


def _year_elsewhere(form: Form, title_col: int) -> None:
    """No year in or under the title: the year of a 评价年度 / 所属年度 cell; else the one in the file or sheet name
    (a warning); else unknown (a warning: the form is read and audited, what needs the year cannot be computed).
    The expected text names no year (never another year than the form's)."""
    printed = year_value(form.names["year"]) if form.names.get("year") is not None else None
    if printed is not None:
        form.year = printed
        return
    form.year = _named_year(form.grid, form.start)
    where = "表题中没有年度" if form.title else "没有表题，也没有印出年度"
    if form.year:
        named = f"按文件名或工作表名取 {form.year} 年 / the year is taken from the file or sheet name"
        message, code = f"{where} / no year in or under the title；{named}", "YEAR_FROM_NAME"
    else:
        message, code = f"{where}，年度未知 / the year is unknown: what needs it cannot be computed", "YEAR_UNKNOWN"
    expected = "表题或其下一行印出年度，如 （YYYY年度）"
    form.warn(form.start, title_col, message, form.title or None, expected, code=code)


def form_unit(form: Form) -> str | None:
    """The unit whose form it is, as printed: a project's 实施单位, else its 单位名称 / 填报单位 (never the 主管部门
    that supervises it); a department's 部门名称 / 单位名称, else its 主管部门 (重庆 部门整体), else its 实施单位. An
    实施单位 printed 本单位 is the unit named above it (:data:`~evaltools.data.forms.layouts.standard.THIS_UNIT`)."""
    names = form.names
    own, department = name_value(names.get("unit")), name_value(names.get("department"))
    implementer = name_value(names.get("implementer"))
    if implementer and label_key(implementer) in _THIS_UNIT:
        implementer = own or department
    if form.kind == "project":
        return implementer or own
    return own or department or implementer


_THIS_UNIT = {label_key(w) for w in THIS_UNIT}
#: The names a form's data is completed with where the form prints none (the tables need one).
PLACEHOLDERS = {"project": "未填项目名称", "unit": "未填单位名称"}


def _unnamed(form: Form) -> None:
    """A form that prints no project name or no unit: the name stays unknown, a warning at the label's cell (or
    the title), and the form's data is completed with :data:`PLACEHOLDERS` (:attr:`Form.completed`)."""
    missing = []
    if form.kind == "project" and not name_value(form.names.get("project")):
        missing.append(("project", "项目名称", ("project",)))
    if not form_unit(form):
        missing.append(("unit", "单位名称", ("implementer", "unit", "department")))
    for key, what, labels in missing:
        form.completed[key] = placeholder = PLACEHOLDERS[key]
        ref = next((form.cells[k] for k in labels if k in form.cells), form.cells["title"])
        message = (
            f"{what}为空，按未知读取（数据中以「{placeholder}」补全） / no {what}: unknown, completed as {placeholder}"
        )
        form.problems.append(Problem(ref.location(what), message, None, what, WARNING))


#: Fields a form prints in another field's cell: a breakdown's 所属合计指标 is its 「其中：…」 三级指标 cell.
_PRINTED_IN = {"parent": "level3", "criteria": "explain", "measure_kind": "direction"}


def _locator(cells: dict[str, CellRef], titles: dict[str, str], fallback: CellRef) -> Callable[[str | None], Location]:
    """Where a row's cell of a column (given by its title) is printed: the cell the value came from."""

    def locate(column: str | None) -> Location:
        name = titles.get(column or "", column or "")
        ref = cells.get(name) or cells.get(_PRINTED_IN.get(name, ""), fallback)
        return ref.location(column)

    return locate


def _rows_table(name: str, rows: list[dict], fallbacks: list[CellRef]) -> PlacedTable:
    """The rows of several forms as one table of cells, each row located where its form prints it."""
    table = S.TABLES[name]
    titles = {f.title: f.name for f in table.fields}
    columns = [f.name for f in table.fields]
    cells = np.empty((len(rows), len(columns)), dtype=object)  # one block of cells: no record-by-record frame
    for i, r in enumerate(rows):
        for j, k in enumerate(columns):
            cells[i, j] = r.get(k)
    frame = pd.DataFrame(cells, columns=columns, dtype=object)
    places = [_locator(r.get("_cells", {}), titles, fb) for r, fb in zip(rows, fallbacks)]
    source = fallbacks[0].file if fallbacks else ""
    return PlacedTable(frame, source, None, 1, places=places)


def _project_rows(form: Form) -> tuple[dict, dict]:
    """The profile and the project row of a 项目支出绩效自评表."""
    n, f, t = form.names, form.funds, form.total
    unit = form_unit(form) or form.completed.get("unit")
    profile = {
        "unit": unit,
        "year": UNKNOWN if form.year is None else form.year,
        "report_kind": "project",
        "published_total": t.get("score"),
        "published_grade": t.get("grade"),
    }
    project = {
        "project": name_value(n.get("project")) or form.completed.get("project"),
        "department": name_value(n.get("department")),
        "implementer": name_value(n.get("implementer")),
        **{k: f.get(k) for k in ("budget_initial", "budget", "spent", "fiscal_current", "carryover", "other_funds")},
        "execution_weight": f.get("weight"),
        "stated_rate": f.get("rate"),
        "stated_rate_decimals": f.get("rate_decimals"),
        "budget_basis": f.get("budget_basis"),
        "published_execution_score": f.get("score"),
        "published_score": t.get("score"),
        "published_grade": t.get("grade"),
        "goal": form.goal,
        "result": form.result,
        "_cells": _funds_cells(form),
    }
    return profile, project


def _department_rows(form: Form) -> tuple[dict, dict]:
    """The profile and the one budget line (部门预算) of a 部门整体支出绩效自评表."""
    n, f, t = form.names, form.funds, form.total
    published = n.get("published_total")
    total = t.get("score") if published is None else published
    if isinstance(total, str) and total != UNKNOWN:
        total = number(total)[0]
    profile = {
        "unit": form_unit(form) or form.completed.get("unit"),
        "year": UNKNOWN if form.year is None else form.year,
        "report_kind": "department",
        "execution_weight": f.get("weight"),
        "published_execution_score": f.get("score"),
        "published_total": total,
        "published_grade": t.get("grade") or name_value(n.get("published_grade")),
        "goals": [form.goal] if form.goal else [],
        "achievements": [form.result] if form.result else [],
    }
    line = {"line": "部门预算", **{k: f.get(k) for k in ("budget_initial", "budget", "spent")}}
    line["stated_rate"], line["stated_rate_decimals"] = f.get("rate"), f.get("rate_decimals")
    line["budget_basis"] = f.get("budget_basis")
    line["_cells"] = _funds_cells(form)
    return profile, line


#: Where each funds figure of a row comes from (anchors of :attr:`Form.cells`).
_FUNDS_FIELDS = {
    "budget_initial": "funds.budget_initial",
    "budget": "funds.budget",
    "spent": "funds.spent",
    "execution_weight": "funds.weight",
    "stated_rate": "funds.rate",
    "stated_rate_decimals": "funds.rate",
    "budget_basis": "funds.budget",
    "published_execution_score": "funds.score",
    "project": "project",
    "published_score": "total",
    "line": "funds",
}


def _funds_cells(form: Form) -> dict[str, CellRef]:
    return {name: form.cells[anchor] for name, anchor in _FUNDS_FIELDS.items() if anchor in form.cells}


def _form_rows(form: Form) -> tuple[dict, dict[str, list[dict]]]:
    """The profile and the table rows (projects or budget_lines, indicators) of a form."""
    if form.kind == "project":
        profile, project = _project_rows(form)
        rows, name = {"projects": [project]}, project["project"]
    else:
        (profile, line), project, name = _department_rows(form), None, None
        rows = {"budget_lines": [line]}
    for row in form.indicators:
        row["project"] = name
    rows["indicators"] = form.indicators
    return profile, rows


def _owners(forms: list[Form]) -> dict[tuple[str, str | None, int | None], int]:
    """(file, sheet or table, row) of every cell a form's values come from → the form's number."""
    out = {}
    for i, form in enumerate(forms):
        refs = [form.cells["title"], *form.cells.values()]
        refs += [ref for row in form.indicators for ref in row.get("_cells", {}).values()]
        for ref in refs:
            out.setdefault((ref.file, ref.part, ref.row), i)
    return out


def forms_data(forms: list[Form]) -> list[tuple[YearData | None, list[Problem]]]:
    """Every form's validated year data (or None and its problems, located at the form's cells). The cells of all
    the forms are parsed and checked together, one pass per table; profiles and cross-table rules per form."""
    built = [_form_rows(form) for form in forms]
    problems = ProblemList()
    tables, owners = {}, {}
    for name in ("projects", "budget_lines", "indicators"):
        rows = [(i, r) for i, (_, by_name) in enumerate(built) for r in by_name.get(name, [])]
        if rows:
            fallbacks = [forms[i].cells["title"] for i, _ in rows]
            tables[name] = (_rows_table(name, [r for _, r in rows], fallbacks),)
            owners[name] = [i for i, _ in rows]
            tables[name] += (normalise_rows(name, tables[name][0], problems),)
    found: dict[int, list[Problem]] = {i: list(f.problems) for i, f in enumerate(forms)}
    where = _owners(forms)
    for p in problems.items:
        key = (p.location.file, p.location.sheet, p.location.row)
        found.setdefault(where.get(key, -1), []).append(p)
    return [_one_form(i, form, built[i][0], tables, owners, found.get(i, [])) for i, form in enumerate(forms)]


#: Checks of the data that refuse a data folder but only flag a printed form (issue 19: a form is refused only
#: without an indicator block): a budget printed 0 beside spending (稷山 翟店 2021,
#: shanxi-jishan-gongwei-zhaidian-2021-project.md) is read as printed, the execution rate 无法计算.
FORM_WARNINGS = frozenset({"ZERO_BUDGET"})


class _FormProblems(ProblemList):
    """The problems of a form's data: the codes of :data:`FORM_WARNINGS` are warnings."""

    def add(self, location: Location, message: str, *, severity: str = ERROR, code: str = "INVALID", **kw) -> None:
        super().add(location, message, severity=WARNING if code in FORM_WARNINGS else severity, code=code, **kw)


def _one_form(i: int, form: Form, profile: dict, tables: dict, owners: dict, problems: list[Problem]):
    if any(p.severity == "error" for p in problems):
        return None, problems
    frames, raws = {}, {}
    for name, (raw, frame) in tables.items():
        kept = [k for k in (raw.kept or []) if owners[name][k] == i]
        if not kept and name != "indicators":
            continue
        positions = [n for n, k in enumerate(raw.kept or []) if owners[name][k] == i]
        whole = positions == list(range(len(frame)))  # one form's rows (a single form): the frame as it is
        frames[name] = frame if whole else frame.iloc[positions].reset_index(drop=True)
        raws[name] = PlacedTable(frames[name], raw.file, None, 1, kept=kept, places=raw.places)
    title = form.cells["title"]  # assembled as every loaded year is: the same checks as `evaltools check`
    data, found = year_data(profile, frames, raws, title.file, title.location(), _FormProblems(list(problems)))
    return data, [] if data is not None else list(found.items)


def _anchors(form: Form) -> dict[str, CellRef]:
    """The form's cells by name: its blocks' (``title``, ``funds.rate``, ``total`` …) and each indicator's,
    ``indicator:<三级指标>`` (its name) and ``indicator:<三级指标>:<field>`` (``actual``, ``panel_score`` …)."""
    cells = dict(form.cells)
    for row in form.indicators:
        name = row.get("level3") or row.get("level2")
        if not name or "level3" not in row["_cells"]:
            continue
        cells.setdefault(f"indicator:{name}", row["_cells"]["level3"])
        for key, ref in row["_cells"].items():
            cells.setdefault(f"indicator:{name}:{key}", ref)
    return cells


# ----------------------------------------------------------------------------- files


def grid_forms(grid: Grid, part: str) -> list[tuple[Form, str]]:
    """Every form of one grid (a sheet or a document) as read, with where it is (its sheet, or Word table)."""
    out = []
    for start, end, title in find_forms(grid):
        form = read_form(grid, start, end, title)
        out.append((form, part or _table_part(form)))
    return out


def _table_part(form: Form) -> str:
    """Where a form's figures are: the Word table of its first indicator or block (its title is a paragraph)."""
    for row in form.indicators:
        return next(iter(row["_cells"].values())).part
    tables = [ref.part for ref in form.cells.values() if ref.part.startswith("表格")]
    return tables[0] if tables else form.cells["title"].part


def _reason(problems: list[Problem]) -> str:
    errors = [p for p in problems if p.severity == "error"] or problems
    more = f"（另有 {len(errors) - 1} 处 / and {len(errors) - 1} more）" if len(errors) > 1 else ""
    return f"{errors[0]}{more}" if errors else "无法读取 / unreadable"


def _open(path: Path) -> tuple[list[tuple[str, Grid]], FormFailure | None]:
    """The grids of a file, or why it cannot be read (a legacy format, another file type, a damaged file)."""
    suffix = path.suffix.lower()
    if suffix in LEGACY:
        reason = f"不支持旧格式 {suffix} / legacy format {suffix} is not read: {LEGACY[suffix]}，再导入"
        problem = Problem(Location(str(path)), reason, suffix, ".docx or .xlsx", code="LEGACY_FORMAT")
        return [], FormFailure(str(path), None, reason, (problem,))
    if suffix not in READERS:
        return [], FormFailure(
            str(path), None, f"不是自评表文件 / not a form file ({suffix or 'no suffix'}); expected .xlsx or .docx"
        )
    bounded = check_archive(path, form=True)
    if bounded is not None:
        return [], FormFailure(str(path), None, bounded.message, (bounded,))
    try:
        return READERS[suffix](path), None
    except Exception as exc:  # noqa: BLE001 - a damaged file fails in many ways (zip, XML …): report any
        return [], FormFailure(str(path), None, f"无法打开文件 / cannot open the file: {type(exc).__name__}: {exc}")


def _no_form(path: Path, grids: list[tuple[str, Grid]]) -> FormFailure:
    """Why a file holds no form: a title with no indicator block under it (located at the title), else neither."""
    for part, grid in grids:
        for i in range(len(grid)):
            title = next((grid.text(i, j) for j in grid.filled(i) if is_title(grid.text(i, j))), None)
            if title is None:
                continue
            j = next(j for j in grid.filled(i) if grid.text(i, j) == title)
            problem = Problem(
                grid.ref(i, j).location(),
                "表题下找不到绩效指标表头 / no indicator block under the title",
                title,
                "一级指标 | 二级指标 | 三级指标 | 分值 | 得分",
            )
            tables = [place for place, _ in grid.places[i:] if place.startswith("表格")]  # a Word title's table
            return FormFailure(str(path), part or (tables[0] if tables else None), str(problem), (problem,))
    return FormFailure(
        str(path),
        None,
        "没有找到自评表 / no 自评表 found: no title such as 项目支出绩效自评表 or 部门整体支出绩效自评表, "
        "and no indicator block (一级指标 | 二级指标 | 三级指标 …)",
    )


def read_files(paths: Iterable[str | Path]) -> tuple[list[ImportedForm], list[FormFailure]]:
    """Every form of the files ``paths``, validated together (:func:`forms_data`); a file or form that cannot be
    read is a :class:`FormFailure` with its reason — never an exception for a bad file."""
    found: list[tuple[Form, str, str]] = []
    failures: list[FormFailure] = []
    for path in map(Path, paths):
        grids, failure = _open(path)
        forms = [(form, where, str(path)) for part, grid in grids for form, where in grid_forms(grid, part)]
        if failure is None and not forms:
            failure = _no_form(path, grids)
        failures += [failure] if failure else []
        found += forms
    out: list[ImportedForm] = []
    seen: dict[tuple[str, str], int] = {}
    for (form, where, source), (data, problems) in zip(found, forms_data([f for f, _, _ in found])):
        seen[(source, where)] = seen.get((source, where), 0) + 1
        if data is None:
            failures.append(FormFailure(source, where, _reason(problems), tuple(problems)))
        else:
            number = seen[(source, where)]
            out.append(ImportedForm(source, where, number, form.kind, data, _anchors(form), dict(form.completed)))
    return out, failures


def read_file(path: str | Path) -> tuple[list[ImportedForm], list[FormFailure]]:
    """Every form of one file (see :func:`read_files`)."""
    return read_files([path])
