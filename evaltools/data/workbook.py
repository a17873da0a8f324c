"""Writing one year's data as an Excel workbook, and a blank template to fill in.

:func:`write_workbook` turns a :class:`~evaltools.data.model.YearData` into the workbook form that
:func:`evaltools.data.load.load_path` reads, so that ``load_path(write_workbook(data, p)) == data``:

* sheet 「单位概况」: two columns 字段 | 值, one row per scalar profile field (Chinese title);
* sheet 「文字材料」: two columns 类别 | 内容, one row per item of a list profile field;
* one sheet per table of :data:`evaltools.data.schema.TABLES`, Chinese titles in row 1, every column.

Numbers are written as numbers (every float exactly, see :func:`set_number`), flags as 是/否,
missing values as empty cells, and text always as text: a cell such as ``=HYPERLINK(...)`` is
stored as a string, never as a formula (no formula injection when the workbook is opened).

:func:`write_template` writes the same sheets empty, with a 「说明」 sheet describing every
column and drop-down lists for the columns that take a fixed vocabulary — the 一级指标 list is the rule set's
frameworks' names (:func:`level1_choices`: 产出指标/效益指标/满意度指标, 决策/过程/产出/效益 …), the names
``evaltools check`` and the audit accept, declared once in ``params/rules``.
"""

from __future__ import annotations

import math
import unicodedata
from pathlib import Path

import numpy as np
from openpyxl import Workbook
from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import IllegalCharacterError
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from evaltools import labels
from evaltools.data import schema as S
from evaltools.data.model import YearData
from evaltools.errors import ParamsError
from evaltools.fmt import is_missing
from evaltools.params import DEFAULT_RULES, PARAMS_DIR, is_rule_file, read_yaml
from evaltools.paths import atomic_write, usable_output_file

#: The sheet of explanations; the loader skips it.
HELP_SHEET = "说明"
PROFILE_HEADERS = ("字段", "值")
TEXT_HEADERS = ("类别", "内容")
HELP_HEADERS = ("表", "列", "说明", "示例")
#: Drop-down lists cover data rows 2 .. TEMPLATE_ROWS (more when the data has more rows).
TEMPLATE_ROWS = 1000
YES, NO = S.YES, S.NO
#: Excel refuses cells longer than this.
MAX_CELL_CHARS = 32_767

_MIN_WIDTH, _MAX_WIDTH = 8, 60
_HEADER_FONT = Font(name="宋体", bold=True)  # named: a bold Font without a name is Calibri, no Chinese glyphs
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
_TOP = Alignment(vertical="top")

_KIND_HELP = {
    "money": "数字，单位万元",
    "rate": "数字或百分数",
    "number": "数字",
    "bool": "是 / 否",
    "int": "整数",
    "list": "文字，可多行",
}


# ----------------------------------------------------------------------------- public API


def write_workbook(data: YearData, path: str | Path) -> Path:
    """Write ``data`` as one ``.xlsx`` workbook that :func:`evaltools.data.load.load_path` reads back equal.

    Sheets: 「单位概况」 (字段 | 值), 「文字材料」 (类别 | 内容), then one sheet per table in
    :data:`evaltools.data.schema.TABLES` order with every declared column under its Chinese title.
    The file is written atomically. Raises ValueError for a value Excel cannot hold (control
    characters, text over 32,767 characters, infinite numbers), naming sheet, row and column.
    """
    path = xlsx_path(path)
    wb = Workbook()
    wb.remove(wb.active)
    profile = data.profile

    ws = _sheet(wb, S.PROFILE_SHEET, PROFILE_HEADERS)
    for spec in S.PROFILE_FIELDS:
        if spec.kind == "list":
            continue
        ws.append([None, None])
        row = ws.max_row
        _set(ws.cell(row, 1), spec.title, "text")
        _set(ws.cell(row, 2), getattr(profile, spec.name), spec.kind)
    _finish(ws)

    ws = _sheet(wb, S.TEXT_SHEET, TEXT_HEADERS)
    for spec in S.PROFILE_FIELDS:
        if spec.kind != "list":
            continue
        for item in getattr(profile, spec.name) or ():
            ws.append([None, None])
            _set(ws.cell(ws.max_row, 1), spec.title, "text")
            _set(ws.cell(ws.max_row, 2), item, "text")
    _finish(ws)

    for name, table in S.TABLES.items():
        frame = data.tables.get(name)
        ws = _sheet(wb, table.sheet, [f.title for f in table.fields])
        if frame is not None:
            columns = [(f, frame[f.name].tolist() if f.name in frame else [None] * len(frame)) for f in table.fields]
            for i in range(len(frame)):
                row = i + 2
                for j, (f, values) in enumerate(columns, start=1):
                    value = values[i]
                    if f.name == "direction" and isinstance(value, str):
                        value = labels.DIRECTION.get(value, value)
                    cell = ws.cell(row, j)
                    _set(cell, value, f.kind)
                    if f.kind == "rate" and cell.data_type == "n":
                        cell.number_format = "0.00%"  # display only: the stored value is unchanged
        _add_validations(ws, name, max(TEMPLATE_ROWS, ws.max_row), _level1_of(profile.rules))
        _finish(ws)
    save_workbook(wb, path)
    return path


def _level1_of(rules: str | None) -> tuple[str, ...]:
    """:func:`level1_choices` of the data's own rule set, else of the default one (a rule file beside the data is not
    found from here)."""
    try:
        return level1_choices(rules or DEFAULT_RULES)
    except ParamsError:
        return level1_choices(DEFAULT_RULES)


def level1_choices(rules: str = DEFAULT_RULES) -> tuple[str, ...]:
    """The 一级指标 names of the rule set ``rules`` (a name under ``params/rules/`` or a path to a rule file): every
    name its ``frameworks`` weigh (``frameworks.*.weights``), each once, in order — for mof 产出指标, 效益指标,
    满意度指标, 成本指标, then 决策, 过程, 产出, 效益, then 投入, 效果. A rule set that ``extends`` another takes
    its frameworks, merged one level deep as :mod:`evaltools.scoring.rules` merges them. An unknown rule set
    raises ParamsError as reading its file does."""
    chain, name = [], rules
    while name and len(chain) < 10:  # a circular extends is refused when the rule set is loaded for scoring
        path = Path(name) if is_rule_file(name) else PARAMS_DIR / "rules" / f"{name}.yaml"
        data = read_yaml(path) or {}
        chain.append(data.get("frameworks") or {})
        name = data.get("extends")
    frameworks: dict = {}
    for own in reversed(chain):
        frameworks.update(own)
    return tuple(dict.fromkeys(level1 for f in frameworks.values() for level1 in (f.get("weights") or {})))


def write_template(year: int, path: str | Path, unit: str | None = None, rules: str = DEFAULT_RULES) -> Path:
    """Write a blank workbook for ``year`` (and ``unit``) to fill in, then check with ``evaltools check``.

    It has the sheets and headers of :func:`write_workbook`, 「单位概况」 with every field title in
    column A (年度 and, when given, 单位名称 filled in), one 「文字材料」 row per text category,
    a first sheet 「说明」 (表 | 列 | 说明 | 示例) explaining every sheet and column, and drop-down
    lists (rows 2–1000) for 指标性质, 定性等级, 一级指标 (the names of the ``rules`` rule set's frameworks:
    :func:`level1_choices`), 是否适用, 含下限 and 含上限. Checking it unfilled reports the missing data as errors.
    """
    path = xlsx_path(path)
    level1 = level1_choices(rules)
    wb = Workbook()
    wb.remove(wb.active)
    _help_sheet(wb, year)

    ws = _sheet(wb, S.PROFILE_SHEET, PROFILE_HEADERS)
    for spec in S.PROFILE_FIELDS:
        if spec.kind == "list":
            continue
        value = {"year": year, "unit": unit}.get(spec.name)
        ws.append([None, None])
        _set(ws.cell(ws.max_row, 1), spec.title, "text")
        _set(ws.cell(ws.max_row, 2), value, spec.kind)
        if spec.kind == "bool":
            _validation(ws, (YES, NO), f"B{ws.max_row}", spec.title)
    _finish(ws, min_width=24)

    ws = _sheet(wb, S.TEXT_SHEET, TEXT_HEADERS)
    list_titles = [spec.title for spec in S.PROFILE_FIELDS if spec.kind == "list"]
    for title in list_titles:
        ws.append([None, None])
        _set(ws.cell(ws.max_row, 1), title, "text")
    _validation(ws, tuple(list_titles), f"A2:A{TEMPLATE_ROWS}", TEXT_HEADERS[0])
    _finish(ws)
    ws.column_dimensions["B"].width = _MAX_WIDTH

    for name, table in S.TABLES.items():
        ws = _sheet(wb, table.sheet, [f.title for f in table.fields])
        _add_validations(ws, name, TEMPLATE_ROWS, level1)
        _finish(ws, min_width=12)
    save_workbook(wb, path)
    return path


# ----------------------------------------------------------------------------- cells
# xlsx_path, is_missing, set_text, set_number, display_width and save_workbook are shared with
# :mod:`evaltools.report.form` (the 自评表 writer); the private spellings remain as aliases.


def xlsx_path(path: str | Path) -> Path:
    """``path`` as a Path; ParamsError unless it ends in ``.xlsx`` (any case) and can be written."""
    return usable_output_file(path, ".xlsx", "工作簿 / the workbook", "output")


def _where(cell: Cell) -> str:
    return f"sheet 「{cell.parent.title}」, cell {cell.coordinate}"


def _set(cell: Cell, value, kind: str) -> None:
    """Write one value: empty for missing, 是/否 for flags, numbers as numbers, anything else as text."""
    if is_missing(value):
        cell.value = None
        return
    if kind == "bool" or isinstance(value, (bool, np.bool_)):
        set_text(cell, YES if bool(value) else NO)
    elif kind in ("number", "money", "rate", "int") and isinstance(value, (int, float, np.integer, np.floating)):
        set_number(cell, value)
    else:
        set_text(cell, str(value))


def set_text(cell: Cell, text: str) -> None:
    """Store ``text`` as a string cell, never a formula or an error code (``=…``, ``#N/A``)."""
    if len(text) > MAX_CELL_CHARS:
        raise ValueError(
            f"{_where(cell)}: 文字超过 Excel 单元格上限 / text longer than "
            f"{MAX_CELL_CHARS:,} characters ({len(text):,})"
        )
    try:
        cell.value = text
    except IllegalCharacterError:
        raise ValueError(
            f"{_where(cell)}: 含有 Excel 不允许的控制字符 / text contains a control character "
            f"Excel cannot store: {text[:40]!r}"
        ) from None
    cell.data_type = "s"  # openpyxl makes '=…' a formula and '#N/A' an error; force plain text


def set_number(cell: Cell, value: float) -> None:
    """Store a number so that it reads back bit for bit.

    openpyxl serialises numbers with ``'%.16g'``, which drops the 17th significant digit that
    some doubles need (0.1 + 0.2 is written as 0.3). Such values are stored with their shortest
    exact spelling (``repr``) as the cell's number text; the cell stays numeric (type ``n``).
    """
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("flags are written as 是/否, not as numbers")
    number = int(value) if isinstance(value, (int, np.integer)) else float(value)
    if isinstance(number, float) and not math.isfinite(number):
        raise ValueError(f"{_where(cell)}: Excel 不能保存无穷大 / Excel cannot store {number!r}")
    cell.value = number
    if float("%.16g" % number) != number:  # noqa: UP031 - openpyxl's own number format, spelt as it spells it
        cell._value = _ExactNumber(repr(number))  # written verbatim by openpyxl's safe_string


class _ExactNumber(str):
    """The exact text of a number, passed through openpyxl's number writer unchanged."""


# ----------------------------------------------------------------------------- sheets


def _sheet(wb: Workbook, title: str, headers) -> Worksheet:
    ws = wb.create_sheet(title)
    for j, header in enumerate(headers, start=1):
        cell = ws.cell(1, j)
        set_text(cell, header)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
    ws.freeze_panes = "A2"
    return ws


def display_width(text: str) -> int:
    """Width of ``text`` in Excel character units: wide (CJK, full-width) characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _finish(ws: Worksheet, min_width: int = _MIN_WIDTH, sample_rows: int = 500) -> None:
    """Column widths from the header and the first ``sample_rows`` rows; long text wraps."""
    for j in range(1, ws.max_column + 1):
        widest = 0
        for row in range(1, min(ws.max_row, sample_rows + 1) + 1):
            value = ws.cell(row, j).value
            if value is not None:
                widest = max(widest, display_width(str(value)))
        width = min(max(widest + 2, min_width), _MAX_WIDTH)
        ws.column_dimensions[get_column_letter(j)].width = width
        if widest + 2 > _MAX_WIDTH:
            for row in range(2, ws.max_row + 1):
                cell = ws.cell(row, j)
                if isinstance(cell.value, str):
                    cell.alignment = _WRAP


def _column_letter(ws: Worksheet, title: str) -> str | None:
    """The letter of the column headed ``title`` in row 1, or None."""
    for cell in ws[1]:
        if cell.value == title:
            return cell.column_letter
    return None


def _validation(ws: Worksheet, choices: tuple[str, ...], cells: str, title: str, lenient: bool = False) -> None:
    listed = ",".join(choices)
    dv = DataValidation(
        type="list",
        formula1=f'"{listed}"',
        allow_blank=True,
        errorStyle="warning" if lenient else "stop",
        showErrorMessage=True,
        showInputMessage=True,
    )
    dv.errorTitle = title[:32]
    dv.error = f"请从下拉列表选择：{'、'.join(choices)}"
    dv.promptTitle = title[:32]
    dv.prompt = f"可选：{'、'.join(choices)}"
    ws.add_data_validation(dv)
    dv.add(cells)


def _add_validations(ws: Worksheet, table: str, last_row: int, level1: tuple[str, ...]) -> None:
    """Drop-down lists on the vocabulary columns of ``table``, found by their header text; the 一级指标 column's
    list is ``level1`` (the rule set's frameworks' names)."""
    for f in S.TABLES[table].fields:
        choices = level1 if f.name == "level1" else f.dropdown
        if not choices:
            continue
        letter = _column_letter(ws, f.title)
        if letter is not None:  # another 一级 name (a province's 成本指标) is warned about, not refused: check takes it
            _validation(ws, choices, f"{letter}2:{letter}{last_row}", f.title, f.lenient or f.name == "level1")


def _help_sheet(wb: Workbook, year: int) -> Worksheet:
    """「说明」: how to check the filled-in workbook (``evaltools check``), one row per sheet (列 = （整表）) and one
    per column, with an example value."""
    ws = _sheet(wb, HELP_SHEET, HELP_HEADERS)
    rows: list[tuple[str, str, str, str]] = [
        (
            "（全部）",
            "（整表）",
            f"填写后在命令行运行 evaltools check {year} --path 本文件.xlsx，列出全部问题并逐条改正；"
            f"无误后运行 evaltools run {year} 生成报告。本「说明」表不会被读取。"
            "金额单位均为万元；比率可写 94.26% 或 0.9426；是/否 列留空按默认值。",
            "",
        ),
        (S.PROFILE_SHEET, "（整表）", S.PROFILE_SHEET_HELP, ""),
    ]
    for spec in S.PROFILE_FIELDS:
        if spec.kind != "list":
            rows.append((S.PROFILE_SHEET, spec.title, _describe(spec.help, spec.kind, spec.required), spec.example))
    rows.append((S.TEXT_SHEET, "（整表）", S.TEXT_SHEET_HELP, ""))
    for spec in S.PROFILE_FIELDS:
        if spec.kind == "list":
            rows.append((S.TEXT_SHEET, spec.title, f"类别「{spec.title}」：{spec.help}", spec.example))
    for table in S.TABLES.values():
        rows.append((table.sheet, "（整表）", table.help + ("" if table.required else "本表可省略。"), ""))
        for f in table.fields:
            rows.append((table.sheet, f.title, _describe(f.help, f.kind, not f.nullable, f.required), f.example))
    for row in rows:
        ws.append([None] * len(row))
        for j, value in enumerate(row, start=1):
            if value:
                set_text(ws.cell(ws.max_row, j), value)
    _finish(ws)
    ws.column_dimensions["C"].width = _MAX_WIDTH
    for a, b, cell, d in ws.iter_rows(min_row=2, max_col=4):
        a.alignment = b.alignment = d.alignment = _TOP
        cell.alignment = _WRAP
        lines = math.ceil(display_width(str(cell.value or "")) / (_MAX_WIDTH - 2))
        if lines > 1:  # LibreOffice and WPS keep a wrapped row's default height: set it
            ws.row_dimensions[cell.row].height = lines * 14.5 + 3
    # printed as people read it: A4 landscape, the four columns on one page width, the header on every page
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_title_rows = "1:1"
    return ws


def _describe(text: str, kind: str, required: bool, column_required: bool = True) -> str:
    notes = []
    if kind in _KIND_HELP:
        notes.append(_KIND_HELP[kind])
    if required:
        notes.append("必填")
    elif not column_required:
        notes.append("可选列")
    return f"{text}（{'；'.join(notes)}）" if notes else text


def save_workbook(wb: Workbook, path: Path) -> None:
    """Save ``wb`` to ``path`` atomically: a failure leaves any previous file untouched."""
    with atomic_write(path, "wb") as handle:
        wb.save(handle)


# The former private names of the shared helpers.
_xlsx_path, _missing, _set_text, _set_number = xlsx_path, is_missing, set_text, set_number
_display_width, _save = display_width, save_workbook
