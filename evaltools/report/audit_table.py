"""The findings of a bulk audit of filled-in forms, written for people: ``findings.xlsx`` (the findings, the
counts by finding code and by unit, the forms found), the same as CSV files, and ``findings.html`` — one
self-contained page: the counts (the line ``evaltools audit`` prints, from :func:`summary_line`), every finding
most serious first, each linked to its form file and naming its cell, and every form — what was read of it,
what is unknown and why, or why it was refused."""

from __future__ import annotations

import html
import math
import os
from pathlib import Path
from urllib.parse import quote

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from evaltools import fmt, labels
from evaltools.data import workbook as W
from evaltools.data.forms.layouts import FORM_KINDS
from evaltools.data.schema import PROFILE_BY_NAME, TABLES
from evaltools.fmt import page_html as escape  # escaped, invisible characters shown as ⟨U+…⟩
from evaltools.paths import write_text
from evaltools.report import fonts, page_style

#: ``status`` of a form read, of a file or form refused (forms table); ``stage`` of a finding: the reading's
#: warnings and refusals, the audit's findings.
READ, REFUSED = "已读取", "无法读取"
READING, AUDIT = "读取", "核查"
#: Column titles for people (xlsx and HTML); the CSV files keep the column names.
TITLES = {
    "severity": "级别",
    "stage": "阶段",
    "code": "类别代码",
    "label": "类别",
    "unit": "单位",
    "year": "年度",
    "kind": "表",
    "project": "项目",
    "indicator": "三级指标",
    "field": "字段",
    "subject": "对象",
    "message": "说明",
    "file": "文件",
    "part": "工作表/表格",
    "cell": "单元格",
    "stated": "所述值",
    "computed": "重算值",
    "count": "条数",
    "forms": "自评表数",
    "number": "序号",
    "score": "得分",
    "computed_score": "重算得分",
    "grade": "等级",
    "findings": "核查发现（含读取警告）",
    "status": "读取结果",
    "indicators": "读取指标数",
    "funds": "读取资金",
    "unknown": "无法辨认项数",
    "unknown_fields": "无法辨认的项",
    "warnings": "读取警告数",
    "why": "读取警告（代码）",
    "reason": "无法读取的原因",
    **labels.SEVERITY,
}
FILES = {
    "findings.html": "核查结果，用浏览器打开 / the findings, open in a browser",
    "findings.xlsx": "核查结果、分类统计和自评表清单 / findings, counts and the forms read",
    "findings.csv": "核查结果 CSV / the findings as CSV",
    "by_code.csv": "按类别统计 / counts by finding code",
    "by_unit.csv": "按单位统计 / counts by unit",
    "forms.csv": "每张自评表读到了什么、什么无法辨认及原因 / per form: what was read, what is unknown, why",
}


def _shown(frame: pd.DataFrame) -> pd.DataFrame:
    """The table as people read it (workbook, page, console): titles in Chinese, and every text cell with its
    invisible or control characters written as ⟨U+…⟩ (a form's file name may hold a newline or an ESC, which a
    workbook cannot store and a page or terminal must not apply)."""
    out = frame.copy()
    for column in out.columns:
        if not pd.api.types.is_numeric_dtype(out[column]) and not pd.api.types.is_bool_dtype(out[column]):
            out[column] = out[column].map(lambda v: fmt.page_text(v) if isinstance(v, str) else v)
    if "severity" in out:
        out["severity"] = out["severity"].map(lambda s: labels.SEVERITY.get(s, s))
    if "kind" in out:
        out["kind"] = out["kind"].map(lambda k: FORM_KINDS.get(k, k))
    if "field" in out:
        out["field"] = out["field"].map(field_title)
    return out.rename(columns=TITLES)


def field_title(field: object) -> object:
    """Where a finding is, as people read it: a form's cell by its printed label (:data:`labels.FORM_FIELDS`), a
    column by its title in the data schema (``indicator.actual`` → 实际完成值, ``budget_lines.spent`` → 支出数(万元)),
    a table by its sheet; anything else as it is."""
    if not isinstance(field, str) or field in labels.FORM_FIELDS:
        return labels.FORM_FIELDS.get(field, field) if isinstance(field, str) else field
    table, _, column = field.partition(".")
    table = "indicators" if table == "indicator" else table
    if table == "units" and column in PROFILE_BY_NAME:
        return PROFILE_BY_NAME[column].title
    if table in TABLES:
        names = TABLES[table].titles()
        return names.get(column, field) if column else TABLES[table].sheet
    return field


def shown_table(frame: pd.DataFrame) -> pd.DataFrame:
    """One of the audit's tables as people read it (findings.xlsx, the console): Chinese column titles, severities
    and form kinds in words."""
    return _shown(frame)


#: findings.xlsx: the typeface of every cell (a bold Font without a name is Calibri, which has no Chinese glyphs),
#: the header's fill, text wrapped at the top of its cell, and the widest a column grows (longer text wraps).
_FONT, _BOLD = Font(name="宋体", size=11), Font(name="宋体", size=11, bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_HEAD = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_WIDEST = 14
#: The columns of long text, allowed wider (they wrap beyond it), and the height of a line of text in points.
_WIDE = {TITLES["message"]: 40, TITLES["reason"]: 40, TITLES["unknown_fields"]: 30, TITLES["file"]: 24}
_LINE = 14.5
#: Columns folded away (an outline group: the 「+」 above the sheet shows them) and so not printed: the finding
#: code (类别 says it in words), where in the data it is (单元格 says where on the form), the form's sheet or table
#: (单元格 names it too).
_FOLDED = {TITLES["code"], TITLES["field"], TITLES["part"]}
#: Number formats by column title: years as years (2021, not 2,021.00), counts as counts; 所述值 and 重算值 are rates
#: (a percentage, the fraction stored) on a row whose field is a rate, else scores or amounts as the report prints
#: them.
_YEAR_COLUMNS = {TITLES["year"]}
_COUNT_COLUMNS = {TITLES[k] for k in ("count", "forms", "number", "indicators", "unknown", "warnings", "findings")}
_COUNT_COLUMNS |= set(labels.SEVERITY.values())
_FIGURE_COLUMNS = {TITLES["stated"], TITLES["computed"]}


def _sheet(wb: Workbook, title: str, frame: pd.DataFrame, rates: object = ()) -> None:
    """One sheet for people: a bold, filled, wrapped header row, frozen, with a filter; text wrapped; numbers stored
    as numbers in their format (``rates``: per row, whether its 所述值/重算值 are rates); column widths from the header
    and the first 200 rows, long text wrapped at :data:`_WIDEST`; A4 landscape fitted to the page width, the header
    printed on every page."""
    ws = wb.create_sheet(title)
    rates = list(rates) or [False] * len(frame)
    for j, name in enumerate(frame.columns, start=1):
        cell = ws.cell(1, j)
        W.set_text(cell, str(name))
        cell.font, cell.fill, cell.alignment = _BOLD, _HEADER_FILL, _HEAD
    for i, row in enumerate(frame.itertuples(index=False), start=2):
        for j, (name, value) in enumerate(zip(frame.columns, row), start=1):
            if fmt.is_missing(value):
                continue
            cell = ws.cell(i, j)
            cell.font = _FONT
            if isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_)):
                whole = name in _YEAR_COLUMNS or name in _COUNT_COLUMNS
                W.set_number(cell, int(value) if whole and float(value).is_integer() else value)
                cell.number_format = (
                    fmt.EXCEL_YEAR
                    if name in _YEAR_COLUMNS
                    else fmt.EXCEL_COUNT
                    if name in _COUNT_COLUMNS
                    else fmt.EXCEL_RATE
                    if name in _FIGURE_COLUMNS and rates[i - 2]
                    else fmt.excel_score_format(value)
                )
                cell.alignment = Alignment(vertical="top")
            else:
                W.set_text(cell, str(value))
                cell.alignment = _WRAP
    ws.freeze_panes = "A2"
    if len(frame.columns):
        ws.auto_filter.ref = f"A1:{get_column_letter(len(frame.columns))}{max(len(frame) + 1, 2)}"
    widths = []
    for j, name in enumerate(frame.columns, start=1):
        shown = [
            fmt.score(v) if isinstance(v, float) else str(v) for v in frame.iloc[:200, j - 1] if not fmt.is_missing(v)
        ]
        widest = max([W.display_width(w) for w in str(name).split()] + [W.display_width(v) for v in shown])
        widths.append(min(max(widest + 2, 8), _WIDE.get(name, _WIDEST)))
        ws.column_dimensions[get_column_letter(j)].width = widths[-1]
        if name in _FOLDED:
            ws.column_dimensions[get_column_letter(j)].outlineLevel = 1
            ws.column_dimensions[get_column_letter(j)].hidden = True
    for row in ws.iter_rows(min_row=1):  # LibreOffice and WPS keep the default height of a wrapped row: set it
        lines = max(math.ceil(W.display_width(str(c.value or "")) / max(widths[c.column - 1] - 1.5, 4)) for c in row)
        if lines > 1:
            ws.row_dimensions[row[0].row].height = min(lines * _LINE + 3, 409)
    ws.print_title_rows = "1:1"
    ws.page_setup.orientation, ws.page_setup.paperSize = "landscape", ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5


def _rate_field(field: object) -> bool:
    """Whether a finding's field holds a rate: a form's 执行率 (``funds.rate``), a stated completion rate, or a data
    column of kind rate (``budget_lines.stated_rate``)."""
    if not isinstance(field, str):
        return False
    table, _, column = field.partition(".")
    table = "indicators" if table == "indicator" else table
    if field.endswith(("rate", "completion")):
        return True
    return table in TABLES and any(c.name == column and c.kind == "rate" for c in TABLES[table].fields)


def write_xlsx(tables: dict[str, pd.DataFrame], path: Path) -> Path:
    """One sheet per table (核查发现, 按类别, 按单位, 自评表), Chinese titles, text never a formula; each sheet readable
    and printable (see :func:`_sheet`): a finding's 所述值/重算值 are percentages where its field is a rate (a
    schema column of kind rate, a form's 执行率 or a stated completion rate)."""
    wb = Workbook()
    wb.remove(wb.active)
    for title, frame in tables.items():
        fields = frame["field"] if "field" in frame else pd.Series([None] * len(frame), dtype=object)
        rates = [_rate_field(f) for f in fields]
        _sheet(wb, title, _shown(frame), rates)
    W.save_workbook(wb, path)
    return path


def _link(file: str, out_dir: Path) -> str:
    try:
        target = os.path.relpath(Path(file).resolve(), out_dir.resolve())
    except ValueError:  # another drive (Windows)
        target = Path(file).resolve().as_uri()
        return html.escape(target, quote=True)  # a link: the path itself
    return html.escape(quote(target.replace(os.sep, "/")), quote=True)


def _text(value: object, missing: str = "—") -> str:
    return missing if fmt.is_missing(value) or str(value) == "" else str(value)


def _rows_html(findings: pd.DataFrame, out_dir: Path) -> str:
    rows = []
    for f in findings.itertuples(index=False):
        where = _text(f.cell, _text(f.part, "（整个文件）"))  # the cell names its sheet or Word table
        subject = _text(f.project, FORM_KINDS.get(_text(f.kind), "—"))
        rows.append(
            f'<tr class="{escape(str(f.severity))}"><td>{escape(labels.SEVERITY.get(f.severity, f.severity))}</td>'
            f'<td title="{escape(str(f.code))}">{escape(str(f.label))}</td><td>{escape(_text(f.unit))}</td>'
            f"<td>{escape(subject)}</td><td>{escape(str(f.message))}</td>"
            f'<td><a href="{_link(str(f.file), out_dir)}">{escape(Path(str(f.file)).name)}</a>'
            f'<br><span class="cell">{escape(where)}</span></td></tr>'
        )
    return "\n".join(rows)


def _count_table(frame: pd.DataFrame) -> str:
    shown = _shown(frame)
    head = "".join(f"<th>{escape(str(c))}</th>" for c in shown.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(str(v))}</td>" for v in row) + "</tr>" for row in shown.itertuples(index=False)
    )
    return f'<table class="counts"><tr>{head}</tr>{body}</table>'


# the page carries its CJK font (page_style.embed_font) and the shared narrow-screen table rules
_STYLE = (
    page_style.FONT_FACE_SLOT
    + "\nbody{font-family:"
    + fonts.PAGE_FAMILIES
    + ";margin:1.5rem;color:#222}"
    + page_style.narrow_css()
    + "@media screen and (max-width:44rem){body{margin:1rem .75rem}table.findings{min-width:60rem}table.forms{min-width:90rem}"
    + "table.counts{display:table;width:100%}table.counts td{overflow-wrap:anywhere}}"
    + """
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.6rem}
table{border-collapse:collapse;font-size:.9rem}td,th{border:1px solid #bbb;padding:.3rem .5rem;vertical-align:top}
th{background:#ddebf7}.counts{margin-right:2rem;display:inline-table}
tr.error td:first-child{background:#f8d7da}tr.warning td:first-child{background:#fff3cd}tr.info td:first-child{background:#e2e3e5}
.cell{color:#555;font-size:.8rem}.wrap{overflow-x:auto}td.refused{color:#842029}
table.findings td:first-child{white-space:nowrap}table.findings td:nth-child(2),table.findings td:nth-child(3){min-width:7em}
table.findings td:nth-child(4){min-width:9em;max-width:18em;overflow-wrap:anywhere}
"""
)


def audit_counts(tables: dict[str, pd.DataFrame]) -> dict[str, int]:
    """The counts of an audit's tables: files, forms read and refused (the forms table), findings in all and
    by severity, and the reading's warnings among them (the findings table)."""
    forms, findings = tables["自评表"], tables["核查发现"]
    severity = findings["severity"].value_counts()
    reading = (findings["stage"] == READING) & (findings["code"] != "FORM_UNREADABLE")
    return {
        "files": int(forms["file"].nunique()),
        "read": int((forms["status"] == READ).sum()),
        "refused": int((forms["status"] == REFUSED).sum()),
        "findings": len(findings),
        **{s: int(severity.get(s, 0)) for s in labels.SEVERITY},
        "reading": int(reading.sum()),
    }


def summary_line(tables: dict[str, pd.DataFrame]) -> str:
    """The line of counts that ``evaltools audit`` prints and findings.html shows (the same function: the
    same counts)."""
    c = audit_counts(tables)
    return (
        f"文件 {c['files']} 个：读取自评表 {c['read']} 张，无法读取 {c['refused']} 个；核查发现 {c['findings']} 条："
        f"错误 {c['error']}，警告 {c['warning']}，提示 {c['info']}（其中读取警告 {c['reading']} 条）/ "
        f"{c['files']} files: {c['read']} forms read, {c['refused']} unreadable; {c['findings']} findings: "
        f"{c['error']} errors, {c['warning']} warnings, {c['info']} info ({c['reading']} from reading)"
    )


#: The columns of the forms section of findings.html (the whole table is forms.csv and the xlsx sheet 自评表).
_FORM_HTML = ("status", "kind", "unit", "year", "project", "indicators", "funds", "unknown", "why", "score", "grade")


def _forms_html(forms: pd.DataFrame, out_dir: Path) -> str:
    """Every form found: its file and sheet, whether it was read, what was read, what is unknown and why (the
    unknown fields named), its score and grade; a form refused with the reason."""
    head = "".join(f"<th>{escape(TITLES[c])}</th>" for c in ("file", *_FORM_HTML))
    rows = []
    for f in forms.itertuples(index=False):
        where = _text(f.part, "")
        shown = {c: FORM_KINDS.get(f.kind, f.kind) if c == "kind" else getattr(f, c) for c in _FORM_HTML}
        cells = [f"<td>{escape(_text(shown[c]))}</td>" for c in _FORM_HTML]
        if f.status == READ and f.unknown:
            cells[_FORM_HTML.index("unknown")] = f"<td>{int(f.unknown)}：{escape(str(f.unknown_fields))}</td>"
        if f.status == READ:
            cells[0] = f"<td>{escape(READ)}</td>"
        else:
            cells = [f'<td class="refused" colspan="{len(_FORM_HTML)}">{escape(REFUSED)}：{escape(str(f.reason))}</td>']
        rows.append(
            f'<tr><td><a href="{_link(str(f.file), out_dir)}">{escape(Path(str(f.file)).name)}</a>'
            + (f'<br><span class="cell">{escape(where)}</span>' if where else "")
            + "</td>"
            + "".join(cells)
            + "</tr>"
        )
    return f'<div class="wrap"><table class="forms"><tr>{head}</tr>{"".join(rows)}</table></div>'


def write_html(tables: dict[str, pd.DataFrame], path: Path, title: str) -> Path:
    """The findings page: the counts (:func:`summary_line`), counts by code and by unit, the unreadable
    forms, every finding (most serious first) with a link to its form file and its cell, then every form
    found. Self-contained: nothing is fetched from elsewhere."""
    findings = tables["核查发现"]
    unreadable = findings[findings["code"] == "FORM_UNREADABLE"]
    counts = "".join(_count_table(tables[k]) for k in ("按类别", "按单位"))
    bad = "".join(
        f'<li><a href="{_link(str(f.file), path.parent)}">{escape(str(f.subject))}</a>'
        f"{escape(', ' + str(f.part)) if _text(f.part, '') else ''}：{escape(str(f.message))}</li>"
        for f in unreadable.itertuples(index=False)
    )
    html = (
        f'<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>{escape(title)}</title>'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><style>{_STYLE}</style></head><body>'
        f'<h1>{escape(title)}</h1><p class="summary">{escape(summary_line(tables))}</p><h2>统计</h2>{counts}'
        + (f"<h2>无法读取的自评表</h2><ol>{bad}</ol>" if bad else "")
        + '<h2>核查发现</h2><div class="wrap"><table class="findings"><tr><th>级别</th><th>类别</th><th>单位</th>'
        f"<th>项目</th><th>说明</th><th>自评表 · 单元格</th></tr>{_rows_html(findings, path.parent)}</table></div>"
        f"<h2>自评表</h2>{_forms_html(tables['自评表'], path.parent)}</body></html>"
    )
    return write_text(path, page_style.embed_font(html))


def write_audit_tables(
    tables: dict[str, pd.DataFrame], out_dir: str | Path, title: str = "自评表核查结果"
) -> list[Path]:
    """Write ``tables`` (核查发现, 按类别, 按单位, 自评表) to ``out_dir``: findings.html, findings.xlsx and the
    CSV files (UTF-8 with a BOM, so that Excel opens them as UTF-8). Returns the files written."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [write_html(tables, out / "findings.html", title), write_xlsx(tables, out / "findings.xlsx")]
    for name, key in (
        ("findings.csv", "核查发现"),
        ("by_code.csv", "按类别"),
        ("by_unit.csv", "按单位"),
        ("forms.csv", "自评表"),
    ):
        written.append(write_text(out / name, fmt.people_csv(tables[key])))
    return written
