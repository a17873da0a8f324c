"""Reading an ``.xlsx`` data workbook: one sheet per table (「项目」, 「绩效指标」 …) and the profile from the
「单位概况」 (字段 | 值) and 「文字材料」 sheets; the sheet's size is checked against the memory budget first."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from evaltools.data import schema as S
from evaltools.data.archive import check_archive, clipped_workbook
from evaltools.data.cells import clean_text
from evaltools.data.load.tables import ALL_TABLES, RawProfile, RawTable, not_readable, unreadable
from evaltools.data.size import NEED_PER_TEXT_BYTE, NEED_PER_XLSX_BYTE, MemoryBudget
from evaltools.data.xlsxcheck import last_value_column, last_value_row, report_formulas
from evaltools.errors import WARNING, Location, ProblemList
from evaltools.paths import not_a_file

if TYPE_CHECKING:
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


def read_workbook(
    path: Path, problems: ProblemList, budget: MemoryBudget
) -> tuple[RawProfile | None, dict[str, RawTable] | None]:
    """The raw profile and raw tables of a workbook; (None, None) when it cannot be read at all (reported)."""
    need = float(path.stat().st_size) * NEED_PER_XLSX_BYTE if not_a_file(path) is None else 0.0
    if not budget.fits(need):
        message, found, expected = budget.message(need)
        problems.add(
            Location(str(path)),
            message,
            found=found,
            expected=expected + "; or CSV instead of a workbook",
            code="TOO_LARGE",
        )
        return None, None
    wb = _open_workbook(path, problems)
    if wb is None:
        return None, None
    raws: dict[str, RawTable] = {}
    by_sheet = {t.sheet: t for t in ALL_TABLES.values()}
    known = set(by_sheet) | {S.PROFILE_SHEET, S.TEXT_SHEET, "说明"}
    if all(ws.max_row <= 1 and ws.max_column <= 1 and ws.cell(1, 1).value is None for ws in wb.worksheets):
        problems.add(
            Location(str(path)),
            "工作簿是空的 / the workbook is empty",
            expected="sheets 「单位概况」, 「项目」, 「绩效指标」 … (run `evaltools template YEAR`)",
        )
        return None, None
    for ws in wb.worksheets:
        if ws.title not in known:
            problems.add(
                Location(str(path), ws.title),
                "未知的工作表，已忽略 / unknown sheet ignored",
                expected=", ".join(sorted(known)),
                severity=WARNING,
                code="UNKNOWN_SHEET",
            )
    frames = {}
    for ws in wb.worksheets:
        if ws.title not in known or ws.title == "说明":
            continue
        frames[ws.title] = unreadable() if budget.exceeded else _read_sheet(ws, path, problems, budget)
    report_formulas(path, frames, problems)
    profile_raw = _workbook_profile(frames, path, problems)
    for sheet, table in by_sheet.items():
        if sheet in frames:
            raws[table.name] = RawTable(frames[sheet], str(path), sheet, frames[sheet].attrs.get("header_row", 1))
    return profile_raw, raws


def _open_workbook(path: Path, problems: ProblemList) -> Workbook | None:
    """The workbook with its cells' values, or None when it cannot be opened (reported)."""
    from zipfile import BadZipFile

    import openpyxl

    if not_readable(path, "an .xlsx file saved by Excel or WPS", problems, "无法打开工作簿 / cannot open the workbook"):
        return None
    bounded = check_archive(path)
    if bounded is not None:
        found = bounded.message  # the reason, under the message people know
        problems.add(
            bounded.location,
            "无法打开工作簿 / cannot open the workbook",
            found=found,
            expected=bounded.expected,
            code=bounded.code,
        )
        return None
    try:
        return openpyxl.load_workbook(clipped_workbook(path), read_only=False, data_only=True)
    except Exception as exc:  # noqa: BLE001 - a damaged file fails in many ways (zip, zlib, XML …): report any
        found = str(exc) if isinstance(exc, (BadZipFile, OSError)) else f"{type(exc).__name__}: {exc}"
        problems.add(
            Location(str(path)),
            "无法打开工作簿 / cannot open the workbook",
            found=found,
            expected="an .xlsx file saved by Excel or WPS",
        )
        return None


def _read_sheet(ws: Worksheet, path: Path, problems: ProblemList, budget: MemoryBudget) -> pd.DataFrame:
    """One sheet as a frame of cells under its header row, or an unreadable frame (reported)."""
    loc = Location(str(path), ws.title)
    merged = [str(r) for r in ws.merged_cells.ranges if r.min_row == 1]
    if merged:
        problems.add(
            Location(str(path), ws.title, 1),
            "表头有合并单元格 / merged cells in the header row",
            found=", ".join(merged),
            expected="one header cell per column: unmerge them",
        )
        return unreadable()
    last = last_value_row(ws)  # formatting far below the data is no row of the table
    width = last_value_column(ws) if last else 0
    need = float(last) * max(width, 1) * 8 * NEED_PER_TEXT_BYTE  # ~8 bytes of text a cell
    if not budget.fits(need):
        message, found, expected = budget.message(budget.used + need)
        problems.add(loc, message, found=f"{last:,} rows; {found}", expected=expected, code="TOO_LARGE")
        return unreadable()
    budget.take(need)
    rows = list(ws.iter_rows(max_row=last, max_col=width, values_only=True)) if last else []
    filled = [i for i, r in enumerate(rows) if any(c is not None and str(c).strip() != "" for c in r)]
    if not filled:
        problems.add(loc, "工作表是空的 / the sheet is empty", expected="a header row and data rows")
        return unreadable()
    # the first filled row is the header; blank rows below it are kept (dropped later) so that
    # row numbers stay the sheet's
    first, last = filled[0], filled[-1]
    header = [clean_text(c) or "" for c in rows[first]]
    width = max((i + 1 for i, h in enumerate(header) if h), default=0)
    frame = pd.DataFrame([list(r[:width]) for r in rows[first + 1 : last + 1]], columns=header[:width], dtype=object)
    frame.attrs["header_row"] = first + 1
    return frame


def _workbook_profile(frames: dict[str, pd.DataFrame], path: Path, problems: ProblemList) -> RawProfile | None:
    """The profile as read from the 单位概况 and 文字材料 sheets, or None when absent or unreadable (reported)."""
    if S.PROFILE_SHEET in frames and frames[S.PROFILE_SHEET].attrs.get("unreadable"):
        return None  # already reported; the tables are still checked
    if S.PROFILE_SHEET in frames:
        return (
            _profile_from_sheets(frames[S.PROFILE_SHEET], frames.get(S.TEXT_SHEET), path, problems),
            Location(str(path), S.PROFILE_SHEET),
        )
    problems.add(
        Location(str(path)),
        f"缺少工作表 / sheet 「{S.PROFILE_SHEET}」 is missing",
        expected="a sheet with columns 字段 | 值 (unit name, year …)",
    )
    return None


def _profile_from_sheets(kv: pd.DataFrame, text: pd.DataFrame | None, path: Path, problems: ProblemList):
    out: dict = {}
    cols = list(kv.columns)
    if len(cols) < 2:
        problems.add(
            Location(str(path), S.PROFILE_SHEET, 1),
            "应有两列 / expected two columns",
            found=", ".join(map(str, cols)),
            expected="字段 | 值",
        )
        return out
    for i, (key, value) in enumerate(zip(kv[cols[0]], kv[cols[1]])):
        key = clean_text(key)
        if key is None:
            continue
        name = S.PROFILE_ALIASES.get(key, key)
        out[name] = value
        out.setdefault("__rows__", {})[name] = i + kv.attrs.get("header_row", 1) + 1
    if text is not None and len(text.columns) >= 2:
        c0, c1 = text.columns[:2]
        for i, (key, value) in enumerate(zip(text[c0], text[c1])):
            key, value = clean_text(key), clean_text(value)
            if key is None:
                continue
            name = S.PROFILE_ALIASES.get(key, key)
            out.setdefault(name, [])
            if isinstance(out[name], list):
                if value is not None:
                    out[name].append(value)
            out.setdefault("__rows__", {})[name] = i + text.attrs.get("header_row", 1) + 1
    return out
