"""The two lists a 复核 leaves for next year (read back by :func:`evaltools.data.review_scores.read_prior`):
复核问题清单.xlsx (序号, 等级, 复核维度, 被复核单位, 项目, 位置, 发现, 事实及判定, 处理建议, 核验依据, 扣分项, as a
public 复核 workbook lists them) and 整改台账.xlsx (the P0/P1 issues with 整改要求, 整改期限, a blank 整改情况 and
整改状态 from a drop-down 未整改/整改中/已整改). Both number the issues the same way (most serious first, then by
unit, project and the order of the findings), so a 台账 row names its 清单 row by 序号. The audit finding's code is
kept in a column folded away in print (核查代码), for next year's persistence."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook
from openpyxl.utils import get_column_letter

from evaltools import fmt
from evaltools.data import review_scores as R
from evaltools.data import workbook as W
from evaltools.report.audit_table import field_title
from evaltools.report.bureau import sheet_style as S
from evaltools.scoring.audit.core import finding_label
from evaltools.scoring.review.rulebook import SEVERITY_LEVELS

#: The issue levels, most serious first (the rule book's severities, ``evaltools.scoring.review.rulebook``).
LEVELS = SEVERITY_LEVELS
#: Widths of the lists' columns, by name.
_WIDTH = {"finding": 18, "facts": 36, "advice": 24, "basis": 24, "where": 24, "requirement": 30, "progress": 24}


def classify(frames: Any, book: Any) -> pd.DataFrame:
    """The review's findings (``frames.findings``) with the rule book's item, 复核维度, 等级 (``level``: P0/P1/P2;
    a code no item covers is P2, 其他) and 核验依据 (``book.item_for``); the audit severity stays ``severity``.
    A finding of severity info that no item covers is no issue (e.g. a stated rate that agrees after rounding)
    and is left out. ``level_advice`` is the level's 处理建议 (the rule book's ``severities.advice``)."""
    findings = frames.findings.reset_index(drop=True)
    found = book.item_for(findings["code"]).rename(columns={"severity": "level"}).reset_index(drop=True)
    found["level_advice"] = found["level"].map(book.severities.set_index("level")["advice"])
    items = book.items.drop_duplicates("item").set_index("item")
    found["deduction"] = found["item"].map(deduction(items)) if len(items) else None
    keep = (findings["severity"] != "info").to_numpy() | found["item"].notna().to_numpy()
    return pd.concat([findings, found], axis=1)[keep].reset_index(drop=True)


def deduction(items: pd.DataFrame) -> pd.Series:
    """What each rule-book item deducts, in words: "扣 2 分" (points), "扣该项分值的 10%" (share), else None (the
    item names no figure: the deduction is the recomputation)."""
    points = items["points"].map(lambda p: None if fmt.is_missing(p) else f"扣 {fmt.score(p)} 分")
    share = items["share"].map(lambda s: None if fmt.is_missing(s) else f"扣该项分值的 {fmt.share(s)}")
    return points.where(points.notna(), share)


def _column(frame: pd.DataFrame, name: str) -> pd.Series:
    return frame[name] if name in frame else pd.Series(None, frame.index, dtype=object)


def numbered(findings: pd.DataFrame, forms: pd.DataFrame | None = None) -> pd.DataFrame:
    """The classified findings (:func:`classify`) as issue rows (the columns of :data:`~evaltools.data.review_scores.ISSUE_COLUMNS`),
    most serious first, then by unit and project (the findings' order kept within), numbered from 1. ``forms``
    (form, file, part) gives each finding's form file for 位置."""
    f = findings.reset_index(drop=True)
    level = f["level"].where(f["level"].isin(LEVELS), "P2")
    file = _column(f, "file")
    if forms is not None and "form" in f:
        where_file = f["form"].map(forms.drop_duplicates("form").set_index("form")["file"])
        file = file.where(file.notna(), where_file)
    file = file.where(file.notna(), _column(f, "form"))
    spot = _column(f, "indicator").map(lambda i: None if fmt.is_missing(i) else f"指标「{i}」")
    spot = spot.where(spot.notna(), _column(f, "field").map(lambda v: None if fmt.is_missing(v) else field_title(v)))
    item = _column(f, "item")
    facts = f["message"].astype(str) + item.map(lambda i: "" if fmt.is_missing(i) else f"；判定：属扣分项 {i}")
    advice = _column(f, "advice")
    out = pd.DataFrame(
        {
            "level": level,
            "dimension": _column(f, "dimension").fillna("其他"),
            "unit": f["unit"],
            "project": _column(f, "project"),
            "where": [" · ".join(str(x) for x in pair if not fmt.is_missing(x)) for pair in zip(file, spot)],
            "finding": _column(f, "code").map(lambda c: None if fmt.is_missing(c) else finding_label(str(c))),
            "facts": facts,
            "advice": advice.where(advice.notna(), _advice(_column(f, "level_advice"), item, _column(f, "deduction"))),
            "basis": _column(f, "basis"),
            "item": item,
            "code": _column(f, "code"),
        }
    )
    out = out.astype(object).where(out.notna(), None)
    order = out.assign(_rank=level.map({lv: i for i, lv in enumerate(LEVELS)}), _unit=out["unit"].astype(str))
    out = out.loc[order.sort_values(["_rank", "_unit"], kind="stable").index].reset_index(drop=True)
    out.insert(0, "number", range(1, len(out) + 1))
    return out


def _advice(advice: pd.Series, item: pd.Series, deducts: pd.Series) -> pd.Series:
    """处理建议: the item's deduction ("按 FH03 扣 2 分") before the level's advice (``advice``, from the rule book's
    severities by :func:`classify`)."""
    head = ["" if fmt.is_missing(i) or fmt.is_missing(d) else f"按扣分项 {i} {d}；" for i, d in zip(item, deducts)]
    return pd.Series(head, index=advice.index) + advice.fillna("").astype(str)


def write_issue_list(frames: Any, book: Any, path: str | Path, *, synthetic: bool = False) -> Path:
    """复核问题清单.xlsx: one row per finding of ``frames`` (a ReviewFrames; the cross-form red flags among its
    findings), classified by ``book`` (a RuleBook, :func:`classify`) and numbered (:func:`numbered`)."""
    rows = numbered(classify(frames, book), frames.forms)
    return _write(rows, Path(path), R.ISSUE_SHEET, R.ISSUE_COLUMNS, synthetic)


def write_rectification(
    frames: Any,
    book: Any,
    path: str | Path,
    *,
    deadline: str | None = None,
    levels: tuple[str, ...] | None = None,
    synthetic: bool = False,
) -> Path:
    """整改台账.xlsx: the issues of ``levels`` (default: the rule book's ``rectification.levels``), numbered as in
    the 复核问题清单, each with its 整改要求 (the 处理建议 on the finding), 整改期限 (``deadline``, default the rule
    book's ``rectification.deadline``), 整改情况 blank and 整改状态 未整改 (a drop-down of 未整改/整改中/已整改)."""
    rows = numbered(classify(frames, book), frames.forms)
    rows = rows[rows["level"].isin(book.rectification.levels if levels is None else levels)]
    deadline = book.rectification.deadline if deadline is None else deadline
    ledger = pd.DataFrame(
        {
            "number": rows["number"],
            "unit": rows["unit"],
            "project": rows["project"],
            "finding": rows["facts"],
            "level": rows["level"],
            "item": rows["item"],
            "requirement": rows["advice"],
            "deadline": deadline,
            "progress": None,
            "status": R.STATUSES[0],
            "code": rows["code"],
        }
    )
    return _write(ledger, Path(path), R.RECTIFICATION_SHEET, R.RECTIFICATION_COLUMNS, synthetic)


def _write(rows: pd.DataFrame, path: Path, title: str, titles: dict[str, str], synthetic: bool) -> Path:
    """One list as a workbook: title, synthetic note, header, rows; printable; 核查代码 folded away."""
    wb = Workbook()
    ws = wb.active
    ws.title = title
    last = get_column_letter(len(titles))
    S.text(ws.cell(1, 1), title, S.TITLE, S.HEAD)
    S.merge(ws, f"A1:{last}1")
    header = 2
    if synthetic:
        S.text(ws.cell(2, 1), S.SYNTHETIC_NOTE, S.WARN, S.HEAD)
        S.merge(ws, f"A2:{last}2")
        header = 3
    S.header_row(ws, header, list(titles.values()))
    names = list(titles)
    for i, row in enumerate(rows[names].itertuples(index=False), start=header + 1):
        for j, (name, value) in enumerate(zip(names, row), start=1):
            S.number(ws.cell(i, j), value, fmt.EXCEL_COUNT) if name == "number" else S.text(ws.cell(i, j), value)
    sizes = [float(_WIDTH.get(n, 12 if n != "number" else 6)) for n in names]
    if "status" in titles:
        sizes[names.index("finding")] = 36.0
    S.widths(ws, sizes)
    S.grid(ws, header, header + len(rows), len(names) - 1)
    S.fit_rows(ws, header + 1, sizes)
    code = get_column_letter(names.index("code") + 1)
    ws.column_dimensions[code].outlineLevel, ws.column_dimensions[code].hidden = 1, True
    if "status" in titles:
        status = get_column_letter(names.index("status") + 1)
        cells = f"{status}{header + 1}:{status}{max(header + len(rows), header + 200)}"
        S.choice_list(ws, f'"{",".join(R.STATUSES)}"', cells, titles["status"], "／".join(R.STATUSES))
    ws.freeze_panes = f"A{header + 1}"
    ws.auto_filter.ref = f"A{header}:{last}{header + max(len(rows), 1)}"
    S.printable(ws, f"{header}:{header}", synthetic)
    W.save_workbook(wb, path)
    return path
