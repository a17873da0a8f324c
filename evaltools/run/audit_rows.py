"""The rows of a bulk audit's tables, built from the forms read and their evaluation: a finding per audit
finding and per located reading warning (what the reader could not read, with its cell), a finding per file or
form that cannot be read, and a row per form of ``forms.csv`` — what was read, what was unknown and why.

Messages name a file by its path under the folder audited (never an absolute path) and a cell as the form
prints it: ``表1!G14`` in a workbook, ``表格 1 第14行第4列`` in a Word document.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from evaltools.data.forms import FormFailure, ImportedForm
from evaltools.data.schema import TABLES
from evaltools.errors import ERROR, Location, Problem, visible
from evaltools.fmt import is_missing
from evaltools.report.audit_table import AUDIT, READ, READING, REFUSED
from evaltools.scoring.audit import Code, finding_label
from evaltools.scoring.indicators import DEPARTMENT

#: Columns of the findings table, in order.
FINDING_COLUMNS = [
    "severity",
    "stage",
    "code",
    "label",
    "unit",
    "year",
    "kind",
    "project",
    "indicator",
    "field",
    "subject",
    "message",
    "file",
    "part",
    "cell",
    "stated",
    "computed",
]
#: Columns of the forms table (forms.csv): one row per form read and per file or form refused.
FORM_COLUMNS = [
    "file",
    "part",
    "number",
    "status",
    "kind",
    "unit",
    "year",
    "project",
    "indicators",
    "funds",
    "unknown",
    "unknown_fields",
    "warnings",
    "why",
    "score",
    "computed_score",
    "grade",
    "findings",
    "reason",
]
#: The finding of a file or form that cannot be read (or scored): no check of the audit emits it.
UNREADABLE_CODE = Code(
    "FORM_UNREADABLE",
    label="自评表无法读取",
    severity="error",
    measure="按提示更正或补齐原表，另存为 .xlsx / .docx 后重新核查。",
    field="title",
)
UNREADABLE = UNREADABLE_CODE.code
#: The finding of a file whose bytes equal those of a form file audited (the same form under two names or in
#: two folders): the copy is not read again, so that each form is counted once in every total (forms.csv lists
#: it once, under the first name); this finding at the copy names the file it repeats.
DUPLICATE_CODE = Code(
    "FORM_DUPLICATE",
    label="同一张自评表重复提交",
    severity="warning",
    measure="删除重复的文件，或核对两份是否都应提交；重复的一份只核查、计数一次。",
    field="title",
)
DUPLICATE = DUPLICATE_CODE.code
#: Labels of the codes of the reading's located warnings (a code not listed: :data:`READING_LABEL`): the form
#: reader's (evaltools/data/forms: Form.warn) and the loader's checks every form goes through (the Chinese of
#: their messages in evaltools/data/bounds.py, sense.py, validate.py, text.py).
READING_LABELS = {
    "FORM_UNKNOWN": "原表内容无法辨认，按未知读取",
    "FUNDS_TOTAL_RECOMPUTED": "资金总额按其中各行重算",
    "YEAR_UNKNOWN": "表上未印年度",
    "FORM_KIND": "表题未写明项目或部门整体",
    "INVALID": "读取提示",
    "ABOVE_FULL_MARKS": "公布得分高于满分 100",
    "FORMULA_NO_VALUE": "公式未保存计算结果",
    "INPUT_SCORE_ABOVE_WEIGHTS": "公布得分高于各项分值之和",
    "INPUT_SPENT_FAR_ABOVE_BUDGET": "支出远超预算",
    "ZERO_BUDGET": "预算为零",
    "NO_INDICATORS": "项目没有绩效指标",
    "INVISIBLE_CHARACTERS": "不可见字符已删除",
    "TEXT_TOO_LONG": "文字过长",
    "DUPLICATE": "重复",
}
READING_LABEL = "读取警告"
#: A cell as a Location's column gives it: ``G14`` or ``第14行第4列``, then what it holds in brackets.
_COLUMN = re.compile(r"^(?P<ref>[^（(]*?)\s*(?:[（(](?P<what>.*)[）)])?$")  # what may hold brackets: 全年预算数(万元)
_EXCEL_REF = re.compile(r"^[A-Z]{1,3}\d+$")
#: Column titles of the tables' figures (for the unknown fields of a form).
_TITLES = {f.name: f.title for t in TABLES.values() for f in t.fields}


def reading_label(code: str) -> str:
    """The Chinese label of a reading warning's code: its own, else the audit's for a code the reader raises as
    the audit would (SUM_MISMATCH: a funds cross-table that does not add up, evaltools.data.forms.funds_grid)."""
    if code in READING_LABELS:
        return READING_LABELS[code]
    label = finding_label(code)
    return READING_LABEL if label == code else label


# ----------------------------------------------------------------------------- names and cells


def shown_name(file: str, roots: Sequence[str] = ()) -> str:
    """``file`` as a person names it: its path under the folder audited that holds it, else its file name —
    never an absolute path."""
    path = Path(file)
    for root in roots:
        try:
            return path.resolve().relative_to(Path(root).resolve()).as_posix()
        except ValueError:
            continue
    return path.name


def _without_paths(text: str, file: str, name: str) -> str:
    """``text`` with the file's path (as given and absolute) written as its shown ``name``."""
    for path in sorted({file, str(Path(file).resolve())}, key=len, reverse=True):
        text = text.replace(path, name)
    return text


def location_cell(where: Location | None) -> tuple[str, str | None]:
    """A problem's cell as the form prints it (``表1!G14``, ``表格 1 第14行第4列``) and what the cell holds
    (``单位名称``), from its location; ``""`` for a whole file."""
    if where is None or where.row is None:
        return (where.sheet or "") if where is not None else "", None
    found = _COLUMN.match(where.column or "")
    ref, what = (found["ref"], found["what"]) if found else (where.column or "", None)
    if not ref:
        return f"{where.sheet or ''} 第{where.row}行".strip(), what
    joint = "!" if _EXCEL_REF.match(ref) else " "
    return (f"{where.sheet}{joint}{ref}" if where.sheet else ref), what


def _problem_text(p: Problem) -> str:
    """A problem's message with what the cell holds and what was expected (no location: the cell is apart)."""
    text = visible(p.message)
    if p.found not in (None, ""):
        text += f"；原表：{visible(p.found)}"
    if p.expected:
        text += f"；应为：{visible(p.expected)}"
    return text


def finding_cell(form: ImportedForm, indicator: object, field: str) -> str:
    """Where on the form a finding points: ``sheet!D14`` or ``表格 1 第14行第4列``. A finding on an indicator
    (``indicator`` its 三级指标, ``field`` ``indicator.<column>``) points at that column of the indicator's
    row (else at its name); one on the form at its block's cell ``field`` (``funds.rate``, ``total`` …);
    a field the form has no cell for at the form's title."""
    cells = form.cells
    if isinstance(indicator, str) and indicator:
        column = field.removeprefix("indicator.")
        ref = cells.get(f"indicator:{indicator}:{column}") or cells.get(f"indicator:{indicator}")
    else:
        ref = cells.get(field) or (cells.get("total") if field == "grade" else None)
    ref = ref or cells.get("title")
    return "" if ref is None else str(ref)


def form_name(form: ImportedForm) -> str:
    """The form's project, or 部门整体 for a department's own form."""
    return DEPARTMENT if form.kind == "department" else str(form.data.projects["project"].iloc[0])


def _cell_fields(form: ImportedForm) -> tuple[dict[tuple[str, int], str], dict[str, str]]:
    """(sheet or Word table, row) → the 三级指标 printed on that row, and a cell (``表1!G14``) → the field it
    holds (``indicator.panel_score``, ``funds.rate`` …), from the form's cells."""
    rows: dict[tuple[str, int], str] = {}
    fields: dict[str, str] = {}
    for key, ref in form.cells.items():
        if key.startswith("indicator:"):
            _, name, *column = key.split(":")
            rows.setdefault((ref.part, ref.row), name)
            fields.setdefault(str(ref), f"indicator.{column[0] if column else 'level3'}")
        else:
            fields.setdefault(str(ref), key)
    return rows, fields


# ----------------------------------------------------------------------------- findings


def _base(form: ImportedForm) -> dict:
    return {
        "unit": form.unit,  # as read: unknown where the form prints none (the data holds a placeholder)
        "year": form.data.year,
        "kind": form.kind,
        "project": form.project,
        "file": form.source,
        "part": form.part,
    }


#: The reading warning of a cell read as unknown, and the audit finding of an indicator's unreadable figures: one
#: cell, one finding — the reading's, which names the cell and what it holds (八分), is kept.
_READ_UNKNOWN, _UNKNOWN_FIGURE = "FORM_UNKNOWN", "UNKNOWN_FIGURE"


def _read_as_unknown(form: ImportedForm) -> dict[str, set[str]]:
    """Indicator (三级指标) → the columns of its row the reader's warnings say were read as unknown."""
    rows, fields = _cell_fields(form)
    out: dict[str, set[str]] = {}
    for p in form.data.warnings:
        indicator = rows.get((p.location.sheet or "", p.location.row or 0))
        if p.code == _READ_UNKNOWN and indicator:
            cell, what = location_cell(p.location)
            out.setdefault(indicator, set()).add(str(fields.get(cell, what)).removeprefix("indicator."))
    return out


def _said_by_reading(form: ImportedForm, found: pd.DataFrame) -> np.ndarray:
    """Which findings are an UNKNOWN_FIGURE whose every unreadable column a reading warning already locates."""
    read = _read_as_unknown(form)
    ind = form.data.indicators
    names = ind["level3"].where(ind["level3"].notna(), ind["level2"]) if len(ind) else pd.Series(dtype=object)
    listed = {n: set(str(u).split(",")) for n, u in zip(names, ind.get("unknown", [])) if isinstance(u, str)}
    return np.array(
        [
            code == _UNKNOWN_FIGURE and name in read and name in listed and listed[name] <= read[name]
            for code, name in zip(found["code"], found["indicator"])
        ],
        dtype=bool,
    )


def audit_rows(form: ImportedForm, found: pd.DataFrame) -> list[dict]:
    """The findings table's rows of one form's audit findings (``found``: columns of
    :data:`evaltools.scoring.audit.FINDING_COLUMNS`), each at its cell; an UNKNOWN_FIGURE whose cells the
    reading's FORM_UNKNOWN warnings locate is left out (one finding per cell: :func:`reading_rows` gives it)."""
    base = _base(form)
    if len(found) and (found["code"].to_numpy(dtype=object) == _UNKNOWN_FIGURE).any():  # else none is said
        found = found[~_said_by_reading(form, found)]
    return [
        {
            **base,
            "severity": f.severity,
            "stage": AUDIT,
            "code": f.code,
            "label": finding_label(f.code),
            "indicator": f.indicator if isinstance(f.indicator, str) else None,
            "field": f.field,
            "subject": f.subject,
            "message": f.message,
            "cell": finding_cell(form, f.indicator, str(f.field)),
            "stated": f.stated,
            "computed": f.computed,
        }
        for f in found.itertuples(index=False)
    ]


def reading_rows(form: ImportedForm) -> list[dict]:
    """A finding per located warning the reader attached to the form (a cell read as unknown, funds
    recomputed, the year taken from the file name …): its code, severity, message and cell; a warning on an
    indicator's row names that indicator."""
    if not form.data.warnings:
        return []
    base = _base(form)
    rows, fields = _cell_fields(form)
    name = form_name(form)
    out = []
    for p in form.data.warnings:
        cell, what = location_cell(p.location)
        indicator = rows.get((p.location.sheet or "", p.location.row or 0))
        out.append(
            {
                **base,
                "severity": p.severity,
                "stage": READING,
                "code": p.code,
                "label": reading_label(p.code),
                "indicator": indicator,
                "field": fields.get(cell, what),
                "subject": f"{name} / {indicator}" if indicator else name,
                "message": _problem_text(p),
                "cell": cell,
                "stated": None,
                "computed": None,
            }
        )
    return out


def failure_row(failure: FormFailure, roots: Sequence[str] = ()) -> dict:
    """The finding of a file or form that cannot be read: its first error's cell and the reason."""
    first = _first_error(failure)
    return {
        "severity": UNREADABLE_CODE.severity,
        "stage": READING,
        "code": UNREADABLE,
        "label": UNREADABLE_CODE.label,
        "unit": None,
        "year": None,
        "kind": None,
        "project": None,
        "indicator": None,
        "field": UNREADABLE_CODE.field,
        "subject": shown_name(failure.source, roots),
        "message": refusal_reason(failure, roots),
        "file": failure.source,
        "part": failure.part,
        "cell": location_cell(first)[0] if first is not None and first.row is not None else "",
        "stated": None,
        "computed": None,
    }


def duplicate_row(copy: str | Path, first: str | Path, roots: Sequence[str] = ()) -> dict:
    """The finding of a file identical to ``first`` (audited): not read again, counted once."""
    name, original = shown_name(str(copy), roots), shown_name(str(first), roots)
    row = dict.fromkeys(FINDING_COLUMNS)
    row.update(
        severity=DUPLICATE_CODE.severity,
        stage=READING,
        code=DUPLICATE,
        label=DUPLICATE_CODE.label,
        field=DUPLICATE_CODE.field,
        subject=name,
        message=f"与 {original} 内容完全相同，只核查、计数一次 / identical to {original}: audited and counted once",
        file=str(copy),
        part="",
        cell="",
    )
    return row


def _first_error(failure: FormFailure) -> Location | None:
    errors = [p for p in failure.problems if p.severity == ERROR] or list(failure.problems)
    return errors[0].location if errors else None


def refusal_reason(failure: FormFailure, roots: Sequence[str] = ()) -> str:
    """Why a file or form is refused, in Chinese first, each error at its cell (``表格 1 第1行第1列：…``);
    the file named by its path under the folder audited, never an absolute path."""
    name = shown_name(failure.source, roots)
    errors = [p for p in failure.problems if p.severity == ERROR] or list(failure.problems)
    if not errors:
        return _without_paths(failure.reason, failure.source, name)
    parts = []
    for p in errors:
        cell, _ = location_cell(p.location)
        whole = p.location.row is None  # a whole file: its message says what to do
        text = _without_paths(visible(p.message) if whole else _problem_text(p), failure.source, name)
        parts.append(text if whole or not cell else f"{cell}：{text}")
    return "；".join(parts)


# ----------------------------------------------------------------------------- forms.csv


def _unknown_figures(form: ImportedForm) -> list[str]:
    """The figures the form prints but that were read as unknown, one entry each: ``全年执行数(万元)``,
    ``「培训人数」实际完成值`` …"""
    out = []
    data = form.data
    for name in ("projects", "budget_lines", "indicators"):
        frame = data.tables.get(name)
        if frame is None or "unknown" not in frame or pd.isna(frame["unknown"].to_numpy(dtype=object)).all():
            continue
        for row in frame[frame["unknown"].notna()].to_dict("records"):
            label = row.get("level3") if isinstance(row.get("level3"), str) else row.get("level2")
            prefix = f"「{label}」" if name == "indicators" else ""
            columns = [c.strip() for c in str(row["unknown"]).split(",") if c.strip()]
            out += [f"{prefix}{_TITLES.get(c, c)}" for c in columns]
    published = getattr(data.profile, "published_total", None)
    if published is not None and is_missing(published):
        out.append(_TITLES.get("published_total", "公布总分"))
    return out


def unknown_fields(form: ImportedForm, figures: list[str] | None = None) -> list[str]:
    """What of the form is unknown: its figures read as unknown (``figures``: :func:`_unknown_figures`, when
    already listed), and the fields the reader's warnings name (a 单位名称 not printed …), each once."""
    named = [location_cell(p.location)[1] for p in form.data.warnings]
    figures = _unknown_figures(form) if figures is None else figures
    return list(dict.fromkeys([*figures, *(w for w in named if w)]))


def _why(problems: Iterable[Problem], labelled: bool = True) -> str:
    """The codes of a form's warnings (``labelled``: ``原表内容无法辨认，按未知读取（FORM_UNKNOWN）×2``) or of
    a refusal's problems (the codes alone), counted."""
    counts = Counter(p.code for p in problems)
    return "；".join(
        (f"{reading_label(code)}（{code}）" if labelled else code) + (f"×{n}" if n > 1 else "")
        for code, n in counts.most_common()
    )


def _funds_read(form: ImportedForm) -> bool:
    """Whether the form's funds block gave a budget or a spending figure."""
    table = form.data.projects if form.kind == "project" else form.data.budget_lines
    columns = [c for c in ("budget_initial", "budget", "spent") if c in table]
    return bool(len(table)) and any(not pd.isna(table[c].to_numpy(dtype=object)).all() for c in columns)


#: Why a figure is unknown when no warning says so: the form prints it as unreadable (``?``, 无法辨认 …).
PRINTED_UNKNOWN = "原表印为无法辨认（?）"


def _form_why(form: ImportedForm, figures: int) -> str:
    """The codes of the form's warnings; :data:`PRINTED_UNKNOWN` where figures are unknown and no warning says
    why."""
    return _why(form.data.warnings) or (PRINTED_UNKNOWN if figures else "")


def form_row(form: ImportedForm, total: dict, findings: int) -> dict:
    """forms.csv's row of a form read: what was read (kind, unit, year, indicators, funds), what is unknown
    and why (its warnings' codes), its score and grade, and how many findings it has (warnings included)."""
    listed = _unknown_figures(form)
    unknown, figures = unknown_fields(form, listed), len(listed)
    data = form.data
    return {
        "file": form.source,
        "part": form.part,
        "number": form.number,
        "status": READ,
        "kind": form.kind,
        "unit": form.unit,
        "year": data.year,
        "project": form.project,
        "indicators": len(data.indicators),
        "funds": "是" if _funds_read(form) else "否",
        "unknown": len(unknown),
        "unknown_fields": "、".join(unknown),
        "warnings": len(data.warnings),
        "why": _form_why(form, figures),
        "score": total.get("score"),
        "computed_score": total.get("computed_score"),
        "grade": total.get("grade"),
        "findings": findings,
        "reason": "",
    }


def refused_row(failure: FormFailure, roots: Sequence[str] = ()) -> dict:
    """forms.csv's row of a file or form that cannot be read: the reason, and the codes of its problems."""
    row = dict.fromkeys(FORM_COLUMNS)
    row.update(
        file=failure.source,
        part=failure.part,
        status=REFUSED,
        indicators=0,
        funds="否",
        unknown=0,
        unknown_fields="",
        warnings=sum(1 for p in failure.problems if p.severity != ERROR),
        why=_why(failure.problems, labelled=False),
        findings=1,
        reason=refusal_reason(failure, roots),
    )
    return row
