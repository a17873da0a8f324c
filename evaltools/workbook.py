"""Writing one year's data as an Excel workbook, and a blank template to fill in.

:func:`write_workbook` turns a :class:`~evaltools.model.YearData` into the workbook form that
:func:`evaltools.load.load_path` reads, so that ``load_path(write_workbook(data, p)) == data``:

* sheet 「单位概况」: two columns 字段 | 值, one row per scalar profile field (Chinese title);
* sheet 「文字材料」: two columns 类别 | 内容, one row per item of a list profile field;
* one sheet per table of :data:`evaltools.schema.TABLES`, Chinese titles in row 1, every column.

Numbers are written as numbers (every float exactly, see :func:`set_number`), flags as 是/否,
missing values as empty cells, and text always as text: a cell such as ``=HYPERLINK(...)`` is
stored as a string, never as a formula (no formula injection when the workbook is opened).

:func:`write_template` writes the same sheets empty, with a 「说明」 sheet describing every
column and drop-down lists for the columns that take a fixed vocabulary.
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

from . import schema as S
from .fmt import is_missing
from .model import YearData
from .paths import atomic_write

#: The sheet of explanations; the loader skips it.
HELP_SHEET = "说明"
PROFILE_HEADERS = ("字段", "值")
TEXT_HEADERS = ("类别", "内容")
HELP_HEADERS = ("表", "列", "说明", "示例")
#: Drop-down lists cover data rows 2 .. TEMPLATE_ROWS (more when the data has more rows).
TEMPLATE_ROWS = 1000
YES, NO = "是", "否"
#: Excel refuses cells longer than this.
MAX_CELL_CHARS = 32_767

_MIN_WIDTH, _MAX_WIDTH = 8, 60
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")

#: Columns that take a fixed vocabulary: (table, column) → the drop-down choices.
CHOICES: dict[tuple[str, str], tuple[str, ...]] = {
    ("indicators", "direction"): tuple(S.DIRECTION_DISPLAY.values()),
    ("indicators", "qualitative_grade"): tuple(S.QUALITATIVE_GRADES),
    ("indicators", "level1"): S.LEVEL1,
    ("indicators", "applicable"): (YES, NO),
    ("grade_bands", "lower_inclusive"): (YES, NO),
    ("grade_bands", "upper_inclusive"): (YES, NO),
}
#: Vocabularies the loader also accepts in other spellings (正向, 达成年度指标 …): warn, do not refuse.
_LENIENT = {("indicators", "direction"), ("indicators", "qualitative_grade")}

#: What each sheet is for (rows of 「说明」 with 列 = （整表）).
SHEET_HELP: dict[str, str] = {
    S.PROFILE_SHEET: "单位基本情况：每行一个字段，A 列为字段名（不要修改），B 列填写数值。单位名称和年度必填。",
    S.TEXT_SHEET: "报告的文字材料：每行一条，类别从下拉列表选择（部门职能、总体绩效目标等），内容填写一段文字；"
                  "同一类别可有多行，按顺序使用。",
    "budget_lines": "部门收支预决算：每个支出项目（人员经费、日常公用支出、项目支出等）一行，至少一行。",
    "income_sources": "收入来源：每个来源一行（可选）。",
    "projects": "项目支出：每个项目一行，项目名称不得重复。",
    "indicators": "绩效指标：每个项目的每个三级指标一行；同一项目内三级指标不得重复，"
                  "各指标分值加预算执行率分值合计应为 100。",
    "team": "评价工作组成员：每人一行（可选）。",
    "statements": "自评报告中写明的数值（用于与计算结果核对），每条一行（可选）。",
    "grade_bands": "评价等级划分：每个等级一行（可选，不填则按规则文件的默认等级）。",
}

#: (说明, 示例) of every profile field.
PROFILE_HELP: dict[str, tuple[str, str]] = {
    "unit": ("被评价单位的全称", "石家庄市桥西区就业服务中心"),
    "year": ("评价年度，四位数字", "2022"),
    "unit_type": ("单位性质", "独立核算全额拨款事业单位"),
    "accounting_system": ("执行的会计制度", "政府会计制度"),
    "staff_authorized": ("编制人数（整数）", "30"),
    "staff_actual": ("年底在编人数（整数）", "24"),
    "staff_other": ("其他工作人员人数（整数）", "20"),
    "assets_net": ("年度资产净值，单位万元", "80.35"),
    "assets_carryover": ("资产净值中结转下年的部分，单位万元", "8.11"),
    "assets_fixed": ("资产净值中的固定资产，单位万元", "72.24"),
    "published_total": ("自评报告公布的总得分", "87"),
    "published_grade": ("自评报告公布的评价等级", "良好"),
    "basis": ("评价依据的文件", "《关于全面落实预算绩效管理的实施意见》"),
    "source": ("数据来源（如自评报告原文）", "2022 年度整体支出绩效自评报告"),
    "synthetic": ("是否为合成（演示）数据：是 / 否，真实数据留空或填否", "否"),
    "functions": ("部门职能，每条一行", "负责创业担保贴息工作及监管"),
    "goals": ("年度总体绩效目标，每条一行", "全年提供约1000个工作岗位"),
    "organisation": ("自评组织工作情况，每段一行", "评价资料收集：资料主要来源于……"),
    "methods": ("自评采用的方法，每种一行", "对比法：年初设定目标对比实际完成情况"),
    "achievements": ("总体目标完成情况，每段一行", "举办线上招聘会 64 场……"),
    "problems": ("存在的问题，每条一行", "评价指标过于简单，对比数据不足"),
    "measures": ("改进措施，每条一行", "建立和完善科室制度，规范工作流程"),
}

#: (说明, 示例) of every table column, by (table, column).
COLUMN_HELP: dict[tuple[str, str], tuple[str, str]] = {
    ("budget_lines", "line"): ("支出项目名称，不得重复", "人员经费"),
    ("budget_lines", "category"): ("支出类别：基本支出或项目支出", "基本支出"),
    ("budget_lines", "budget"): ("全年预算数", "616.16"),
    ("budget_lines", "spent"): ("全年实际支出数", "815.36"),
    ("budget_lines", "prior_year_payables"): ("本年支出中用于支付上年应付未付款项的金额，没有则留空", "195.88"),
    ("budget_lines", "stated_rate"): ("自评报告所写的完成率，用于核对；可写百分数", "94.26%"),
    ("budget_lines", "note"): ("出处或备注", "一(二)"),
    ("income_sources", "source"): ("收入来源名称，不得重复", "财政拨款收入"),
    ("income_sources", "amount"): ("该来源的收入金额", "646.15"),
    ("income_sources", "note"): ("出处或备注", "一(二)"),
    ("projects", "project"): ("项目名称，不得重复；绩效指标表按此名称对应项目", "档案保管和整理"),
    ("projects", "department"): ("项目主管部门", "区人力资源和社会保障局"),
    ("projects", "implementer"): ("项目实施单位", "石家庄市桥西区就业服务中心"),
    ("projects", "budget_initial"): ("年初预算数", "3"),
    ("projects", "budget"): ("调整后的全年预算数，用于计算预算执行率", "3"),
    ("projects", "spent"): ("全年实际执行数", "2.9"),
    ("projects", "fiscal_current"): ("全年预算数中本年财政拨款的部分", "3"),
    ("projects", "carryover"): ("全年预算数中上年结转资金的部分", "0"),
    ("projects", "other_funds"): ("全年预算数中其他资金的部分", "0"),
    ("projects", "execution_weight"): ("预算执行率指标的分值；留空按 10 分（财预〔2020〕10号）", "10"),
    ("projects", "stated_rate"): ("自评报告所写的资金使用率，用于核对；可写百分数", "97%"),
    ("projects", "published_score"): ("自评报告公布的项目得分", "87"),
    ("projects", "published_grade"): ("自评报告公布的项目等级", "良好"),
    ("projects", "goal"): ("项目年度总体目标", "保障约2万余份流动档案的安全……"),
    ("projects", "result"): ("项目实际完成情况", "存放人事档案 24303 份……"),
    ("projects", "note"): ("出处或备注", "一(二)"),
    ("indicators", "project"): ("所属项目，须与「项目」表中的项目名称一致", "档案保管和整理"),
    ("indicators", "level1"): ("一级指标，从下拉列表选择", "产出指标"),
    ("indicators", "level2"): ("二级指标，如数量指标、质量指标、时效指标、社会效益指标、服务对象满意度指标", "数量指标"),
    ("indicators", "level3"): ("三级指标名称，同一项目内不得重复", "办理退休人数"),
    ("indicators", "unit"): ("度量单位", "人"),
    ("indicators", "direction"): ("指标性质：≥ > ≤ < = 区间 定性（也接受 正向、反向）", "≥"),
    ("indicators", "target"): ("年度指标值（数字，可写百分数）；区间指标填下限，定性指标留空", "500"),
    ("indicators", "target_high"): ("区间指标的上限，其他指标留空", "6"),
    ("indicators", "target_text"): ("指标值在报告中的原文", "约500份"),
    ("indicators", "actual"): ("实际完成值（数字，可写百分数）；定性指标留空", "712"),
    ("indicators", "actual_text"): ("实际值在报告中的原文", "办理人员退休 712 人"),
    ("indicators", "weight"): ("指标分值；一个项目的指标分值加预算执行率分值合计 100", "10"),
    ("indicators", "panel_score"): ("评价组给出的得分，不超过分值；留空则按评分规则计算", "9"),
    ("indicators", "qualitative_grade"): ("定性指标的完成等级，从下拉列表选择", "达成"),
    ("indicators", "rule"): ("本指标使用的评分规则名称（见规则文件 rules）；留空按指标性质的默认规则",
                             "lower_better_ratio"),
    ("indicators", "applicable"): ("本指标是否适用：是 / 否；留空为是，不适用的指标不计分", YES),
    ("indicators", "parent"): ("若本指标是某合计指标的分项，填该合计指标的三级指标名称；分项不单独计分",
                               "完成创业服务人数"),
    ("indicators", "deviation"): ("偏差原因分析及改进措施", "疫情影响，改为线上招聘会"),
    ("indicators", "source"): ("数据来源及说明", "目标：一(三)1；实际：三(一)1"),
    ("team", "name"): ("姓名，不得重复", "张三"),
    ("team", "unit"): ("所在单位及科室", "桥西区就业服务中心 财务科"),
    ("team", "post"): ("职务", "科长"),
    ("team", "role"): ("在评价小组中的角色：组长、副组长、成员", "成员"),
    ("team", "note"): ("备注", ""),
    ("statements", "subject"): ("陈述的对象：「部门」或项目名称", "部门"),
    ("statements", "metric"): ("陈述类型：project_count（项目个数）、fund_usage_rate（资金使用率）、"
                               "total_score（总得分）、evaluated_year（所评年度）", "total_score"),
    ("statements", "stated"): ("报告中写明的数值（可写百分数）", "87"),
    ("statements", "quote"): ("报告原文", "我中心绩效评价整体的分 87 分"),
    ("statements", "location"): ("原文在报告中的位置", "四"),
    ("grade_bands", "grade"): ("等级名称，不得重复", "良好"),
    ("grade_bands", "lower"): ("得分下限；最低等级留空", "75"),
    ("grade_bands", "lower_inclusive"): ("下限是否包含在本等级内：是 / 否；留空为是", YES),
    ("grade_bands", "upper"): ("得分上限；最高等级留空", "90"),
    ("grade_bands", "upper_inclusive"): ("上限是否包含在本等级内：是 / 否；留空为否", NO),
    ("grade_bands", "note"): ("说明", "75 ≤ 得分 < 90 分为良好"),
}

_KIND_HELP = {"money": "数字，单位万元", "rate": "数字或百分数", "number": "数字", "bool": "是 / 否",
              "int": "整数", "list": "文字，可多行"}


# ----------------------------------------------------------------------------- public API

def write_workbook(data: YearData, path: str | Path) -> Path:
    """Write ``data`` as one ``.xlsx`` workbook that :func:`evaltools.load.load_path` reads back equal.

    Sheets: 「单位概况」 (字段 | 值), 「文字材料」 (类别 | 内容), then one sheet per table in
    :data:`evaltools.schema.TABLES` order with every declared column under its Chinese title.
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
            columns = [(f, frame[f.name].tolist() if f.name in frame else [None] * len(frame))
                       for f in table.fields]
            for i in range(len(frame)):
                row = i + 2
                for j, (f, values) in enumerate(columns, start=1):
                    value = values[i]
                    if f.name == "direction" and isinstance(value, str):
                        value = S.DIRECTION_DISPLAY.get(value, value)
                    cell = ws.cell(row, j)
                    _set(cell, value, f.kind)
                    if f.kind == "rate" and cell.data_type == "n":
                        cell.number_format = "0.00%"  # display only: the stored value is unchanged
        _add_validations(ws, name, max(TEMPLATE_ROWS, ws.max_row))
        _finish(ws)
    save_workbook(wb, path)
    return path


def write_template(year: int, path: str | Path, unit: str | None = None) -> Path:
    """Write a blank workbook for ``year`` (and ``unit``) to fill in, then load with ``load_path``.

    It has the sheets and headers of :func:`write_workbook`, 「单位概况」 with every field title in
    column A (年度 and, when given, 单位名称 filled in), one 「文字材料」 row per text category,
    a first sheet 「说明」 (表 | 列 | 说明 | 示例) explaining every sheet and column, and drop-down
    lists (rows 2–1000) for 指标性质, 定性等级, 一级指标, 是否适用, 含下限 and 含上限.
    Loading it unfilled reports the missing data as errors.
    """
    path = xlsx_path(path)
    wb = Workbook()
    wb.remove(wb.active)
    _help_sheet(wb)

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
        _add_validations(ws, name, TEMPLATE_ROWS)
        _finish(ws, min_width=12)
    save_workbook(wb, path)
    return path


# ----------------------------------------------------------------------------- cells
# xlsx_path, is_missing, set_text, set_number, display_width and save_workbook are shared with
# :mod:`evaltools.selfeval_form` (the 自评表 writer); the private spellings remain as aliases.

def xlsx_path(path: str | Path) -> Path:
    """``path`` as a Path; ValueError unless it ends in ``.xlsx``."""
    path = Path(path)
    if path.suffix.lower() != ".xlsx":
        raise ValueError(f"工作簿文件名应以 .xlsx 结尾 / the workbook name must end in .xlsx: {path}")
    return path


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
        raise ValueError(f"{_where(cell)}: 文字超过 Excel 单元格上限 / text longer than "
                         f"{MAX_CELL_CHARS:,} characters ({len(text):,})")
    try:
        cell.value = text
    except IllegalCharacterError:
        raise ValueError(f"{_where(cell)}: 含有 Excel 不允许的控制字符 / text contains a control character "
                         f"Excel cannot store: {text[:40]!r}") from None
    cell.data_type = "s"  # openpyxl makes '=…' a formula and '#N/A' an error; force plain text


def set_number(cell: Cell, value) -> None:
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
    if float("%.16g" % number) != number:
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
    dv = DataValidation(type="list", formula1=f'"{listed}"', allow_blank=True,
                        errorStyle="warning" if lenient else "stop", showErrorMessage=True, showInputMessage=True)
    dv.errorTitle = title[:32]
    dv.error = f"请从下拉列表选择：{'、'.join(choices)}"
    dv.promptTitle = title[:32]
    dv.prompt = f"可选：{'、'.join(choices)}"
    ws.add_data_validation(dv)
    dv.add(cells)


def _add_validations(ws: Worksheet, table: str, last_row: int) -> None:
    """Drop-down lists on the vocabulary columns of ``table``, found by their header text."""
    for (name, column), choices in CHOICES.items():
        if name != table:
            continue
        title = S.TABLES[table].field(column).title
        letter = _column_letter(ws, title)
        if letter is not None:
            _validation(ws, choices, f"{letter}2:{letter}{last_row}", title, (name, column) in _LENIENT)


def _help_sheet(wb: Workbook) -> Worksheet:
    """「说明」: one row per sheet (列 = （整表）) and one per column, with an example value."""
    ws = _sheet(wb, HELP_SHEET, HELP_HEADERS)
    rows: list[tuple[str, str, str, str]] = [
        ("（全部）", "（整表）", "填写后用 evaltools.load.load_path(文件) 读取并检查；本「说明」表不会被读取。"
                                 "金额单位均为万元；比率可写 94.26% 或 0.9426；是/否 列留空按默认值。", ""),
        (S.PROFILE_SHEET, "（整表）", SHEET_HELP[S.PROFILE_SHEET], ""),
    ]
    for spec in S.PROFILE_FIELDS:
        if spec.kind != "list":
            text, example = PROFILE_HELP[spec.name]
            rows.append((S.PROFILE_SHEET, spec.title, _describe(text, spec.kind, spec.required), example))
    rows.append((S.TEXT_SHEET, "（整表）", SHEET_HELP[S.TEXT_SHEET], ""))
    for spec in S.PROFILE_FIELDS:
        if spec.kind == "list":
            text, example = PROFILE_HELP[spec.name]
            rows.append((S.TEXT_SHEET, spec.title, f"类别「{spec.title}」：{text}", example))
    for name, table in S.TABLES.items():
        rows.append((table.sheet, "（整表）", SHEET_HELP[name] + ("" if table.required else "本表可省略。"), ""))
        for f in table.fields:
            text, example = COLUMN_HELP[(name, f.name)]
            rows.append((table.sheet, f.title, _describe(text, f.kind, not f.nullable, f.required), example))
    for row in rows:
        ws.append([None] * len(row))
        for j, value in enumerate(row, start=1):
            if value:
                set_text(ws.cell(ws.max_row, j), value)
    _finish(ws)
    ws.column_dimensions["C"].width = _MAX_WIDTH
    for (cell,) in ws.iter_rows(min_row=2, min_col=3, max_col=3):
        cell.alignment = _WRAP
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
