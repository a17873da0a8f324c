"""The reviewer's workbooks read back: the 复核得分 and 扣分项 of every 复核底稿 in a folder
(:func:`read_reviewer_scores`), and last year's 复核问题清单 / 整改台账 (:func:`read_prior`).

The layout of those workbooks is declared here once (the writer, :mod:`evaltools.report.bureau.workbooks`, lays
them out from these names): the columns of a 复核底稿 sheet (:data:`WORKSHEET_COLUMNS`), the key cells that name
the form and each indicator row (:data:`FORM_KEY`, :data:`ROW_KEY`: text cells in a hidden, locked column, found
wherever the reviewer moved them, so that neither the file's nor the sheet's name matters), and the columns of the
two lists (:data:`ISSUE_COLUMNS`, :data:`RECTIFICATION_COLUMNS`). A blank 复核得分 is "not reviewed" (NaN), never 0.
Every problem of the folder is reported at once, located (file, sheet, row, column; found; expected)."""

from __future__ import annotations

import json
import math
import unicodedata
from collections.abc import Collection
from pathlib import Path

import numpy as np
import pandas as pd

from evaltools.data.archive import check_archive, clipped_workbook
from evaltools.data.cells import clean_text, parse_number
from evaltools.data.xlsxcheck import formulas_without_values
from evaltools.errors import InputError, Location, ProblemList
from evaltools.paths import not_a_file, not_a_folder

#: The columns of a 复核底稿 sheet's indicator table, by name and printed title (the last three are the reviewer's).
WORKSHEET_COLUMNS: dict[str, str] = {
    "level1": "一级指标",
    "level2": "二级指标",
    "level3": "三级指标",
    "weight": "分值",
    "self_score": "自评得分",
    "computed_score": "重算得分",
    "findings": "核查发现",
    "reviewer_score": "复核得分",
    "item": "扣分项",
    "note": "复核说明",
}
REVIEWER_COLUMNS = ("reviewer_score", "item", "note")
#: The key cells: the form's (a JSON object: form, unit, project, rows = the number of keyed rows) and each row's
#: (role: indicator | execution | total, level3, weight); a total row is the writer's sum, never read.
FORM_KEY, ROW_KEY = "evaltools·复核底稿·表 ", "evaltools·复核底稿·行 "
INDICATOR, EXECUTION, TOTAL = "indicator", "execution", "total"
#: The columns :func:`read_reviewer_scores` returns (the review contract).
SCORE_COLUMNS = (
    "form",
    "unit",
    "project",
    "level3",
    "weight",
    "reviewer_score",
    "item",
    "note",
    "file",
    "sheet",
    "row",
)

#: 复核问题清单 and 整改台账: the columns by name and title. ``code`` (the audit finding's code) is folded away in
#: print but read back by :func:`read_prior`; ``number`` (序号) links a 台账 row to its 清单 row.
ISSUE_COLUMNS: dict[str, str] = {
    "number": "序号",
    "level": "等级",
    "dimension": "复核维度",
    "unit": "被复核单位",
    "project": "项目",
    "where": "位置",
    "finding": "发现",
    "facts": "事实及判定",
    "advice": "处理建议",
    "basis": "核验依据",
    "item": "扣分项",
    "code": "核查代码",
}
RECTIFICATION_COLUMNS: dict[str, str] = {
    "number": "序号",
    "unit": "单位",
    "project": "项目",
    "finding": "问题",
    "level": "等级",
    "item": "扣分项",
    "requirement": "整改要求",
    "deadline": "整改期限",
    "progress": "整改情况",
    "status": "整改状态",
    "code": "核查代码",
}
STATUSES = ("未整改", "整改中", "已整改")
ISSUE_SHEET, RECTIFICATION_SHEET = "复核问题清单", "整改台账"
PRIOR_COLUMNS = ("unit", "project", "code", "item", "status")
#: The spreadsheet files read (any name); others that look like spreadsheets are refused with how to fix.
_READ, _OTHER = (".xlsx", ".xlsm"), (".xls", ".et", ".ods", ".numbers")
#: The header titles that make a sheet without its key a 复核底稿 whose key was removed (another workbook with a
#: 复核得分 column, such as a summary, is no 复核底稿 and is skipped).
_MARKS = tuple(WORKSHEET_COLUMNS[c] for c in ("level3", "weight", "reviewer_score", "item"))
#: A 复核得分 cell holding a formula whose value was never saved (written by a script): not blank, not read.
UNSAVED = type("Unsaved", (), {"__repr__": lambda self: "UNSAVED"})()


def item_code(value: object) -> str | None:
    """The rule-book item a 扣分项 cell names: its first word ("FH01 自评分高于…" → "FH01"), full-width letters and
    digits as ASCII (ＦＨ０１ → FH01); None when blank."""
    text = clean_text(unicodedata.normalize("NFKC", str(value))) if clean_text(value) else None
    if not text:
        return None
    return text.split(" ", 1)[0].strip() or None


def key_text(prefix: str, payload: dict) -> str:
    """A key cell's text: ``prefix`` and the payload as JSON (NaN written as null)."""
    clean = {k: (None if isinstance(v, float) and math.isnan(v) else v) for k, v in payload.items()}
    return prefix + json.dumps(clean, ensure_ascii=False, sort_keys=True)


def _key(value: object, prefix: str) -> dict | None | str:
    """The payload of a key cell; None when the cell is no key; "broken" when it starts as one but is damaged."""
    if not isinstance(value, str) or not value.startswith(prefix):
        return None
    try:
        payload = json.loads(value[len(prefix) :])
    except ValueError:
        return "broken"
    return payload if isinstance(payload, dict) else "broken"


# ----------------------------------------------------------------------------- files


def _files(folder: Path, problems: ProblemList) -> list[Path]:
    """The workbooks under ``folder`` (recursively, sorted; Office and LibreOffice lock files skipped); files
    saved in another format are reported (save them as .xlsx)."""
    why = not_a_folder(folder)
    if why is not None:
        problems.add(Location(str(folder)), "无法读取文件夹 / cannot read the folder", found=why, expected="a folder")
        return []
    found = []
    for path in sorted(folder.rglob("*")):
        name, suffix = path.name, path.suffix.lower()
        if name.startswith(("~$", ".~lock", "._")) or any(p.startswith(".") for p in path.relative_to(folder).parts):
            continue
        if suffix in _OTHER:
            problems.add(
                Location(str(path)),
                "不是 .xlsx 工作簿 / not an .xlsx workbook",
                found=suffix,
                expected="the workbook saved as .xlsx (Excel 工作簿): 另存为 .xlsx",
            )
        elif suffix in _READ:
            found.append(path)
    return found


def _sheets(path: Path, problems: ProblemList) -> list[tuple[str, list[tuple]]]:
    """Every worksheet of the workbook as (title, rows of cell values; formulas as their saved values), read
    without keeping the file open; [] when it cannot be opened (reported). Read-only: about 40% faster, and the
    sheet's recorded size is ignored (another program may write it wrong)."""
    import openpyxl

    why = not_a_file(path)
    bounded = check_archive(path) if why is None else None
    if why is not None or bounded is not None:
        problems.add(
            bounded.location if bounded else Location(str(path)),
            "无法打开工作簿 / cannot open the workbook",
            found=bounded.message if bounded else why,
            expected=bounded.expected if bounded else "an .xlsx file",
        )
        return []
    try:
        wb = openpyxl.load_workbook(clipped_workbook(path), data_only=True, read_only=True)
        try:
            return [(ws.title, _grid(ws)) for ws in wb.worksheets]
        finally:
            wb.close()
    except Exception as exc:  # noqa: BLE001 - a damaged file fails in many ways (zip, zlib, XML …): report any
        problems.add(
            Location(str(path)),
            "无法打开工作簿 / cannot open the workbook",
            found=f"{type(exc).__name__}: {exc}",
            expected="an .xlsx file saved by Excel, WPS or LibreOffice",
        )
        return []


def _grid(ws) -> list[tuple]:
    """The sheet's rows of values, the blank rows after the last value left out."""
    ws.reset_dimensions()
    rows = [tuple(r) for r in ws.iter_rows(values_only=True)]
    while rows and all(c is None or (isinstance(c, str) and not c.strip()) for c in rows[-1]):
        rows.pop()
    return rows


def _header(grid: list[tuple], titles: Collection[str], anchor: str) -> tuple[int, dict[str, int]] | None:
    """The 0-based index of the first row holding ``anchor`` and the column index of each of ``titles`` in it."""
    for i, row in enumerate(grid):
        cells = [clean_text(c) for c in row]
        if anchor in cells:
            return i, {t: cells.index(t) for t in titles if t in cells}
    return None


# ----------------------------------------------------------------------------- 复核底稿


def read_reviewer_scores(folder: str | Path, items: Collection[str]) -> pd.DataFrame:
    """Every 复核底稿 sheet under ``folder`` read back: one row per indicator row (and 预算执行率 row) of each form
    with the reviewer's 复核得分 (NaN when blank: not reviewed), the rule-book item chosen (``items``: the codes
    allowed) and the 复核说明, located (file, sheet, spreadsheet row). The form is named by the sheet's key cell,
    not by the file's name. Raises one InputError listing every problem of the folder: a score that is not a
    number, negative or above the row's 分值; an item not in the rule book; a sheet whose key cell was removed or
    whose indicator rows were deleted; a score written on a row added by hand; a form found twice; no 复核底稿."""
    root = Path(folder)
    problems = ProblemList()
    rows: list[dict] = []
    seen: dict[str, str] = {}
    for path in _files(root, problems):
        sheets = _sheets(path, problems)
        unsaved = {(sheet, row, column) for sheet, row, column, _ in formulas_without_values(path)} if sheets else set()
        for title, grid in sheets:
            form = _read_sheet(path, title, grid, frozenset(items), problems, rows, unsaved)
            if form is None:
                continue
            where = f"{path}, sheet 「{title}」"
            if form in seen:
                problems.add(
                    Location(str(path), title),
                    "同一张自评表的复核底稿出现两次 / the same form's worksheet appears twice",
                    found=f"{form} (also in {seen[form]})",
                    expected="one 复核底稿 per form: remove or merge the copy",
                )
            seen.setdefault(form, where)
    if not seen and not problems.has_errors:
        problems.add(
            Location(str(root)),
            "文件夹中没有复核底稿 / no 复核底稿 in the folder",
            found="no sheet with a 复核底稿 key",
            expected="the 复核底稿.xlsx workbooks written by evaltools review, filled in",
        )
    if problems.has_errors:
        raise InputError(problems.items)
    frame = pd.DataFrame(rows, columns=list(SCORE_COLUMNS)).astype(object)
    frame = frame.where(frame.notna(), None)
    return frame.astype({"weight": float, "reviewer_score": float, "row": int})


def _form_key(path: Path, title: str, grid: list[tuple], problems: ProblemList) -> dict | None:
    """The form key of a sheet; None (reported when the sheet is a 复核底稿 without its key) when there is none."""
    keys = [_key(c, FORM_KEY) for row in grid for c in row]
    keys = [k for k in keys if k is not None]
    if len(keys) == 1 and isinstance(keys[0], dict) and isinstance(keys[0].get("form"), str):
        return keys[0]
    head = _header(grid, _MARKS, WORKSHEET_COLUMNS["reviewer_score"])
    if keys or (head is not None and len(head[1]) == len(_MARKS)):
        problems.add(
            Location(str(path), title),
            "复核底稿的表标识单元格缺失或损坏 / the worksheet's key cell was removed or damaged",
            found="no key cell" if not keys else f"{len(keys)} key cell(s), not one intact key",
            expected="the hidden key cell written by evaltools review (names the form): "
            "use a fresh 复核底稿 and copy the scores into it",
        )
    return None


def _read_sheet(
    path: Path,
    title: str,
    grid: list[tuple],
    items: frozenset[str],
    problems: ProblemList,
    rows: list[dict],
    unsaved: set,
) -> str | None:
    """Append the keyed rows of one sheet to ``rows``; the form's id, or None when the sheet is no 复核底稿."""
    key = _form_key(path, title, grid, problems)
    if key is None:
        return None
    head = _header(grid, WORKSHEET_COLUMNS.values(), WORKSHEET_COLUMNS["reviewer_score"])
    missing = [t for t in WORKSHEET_COLUMNS.values() if head is None or t not in head[1]]
    missing = [t for t in missing if t in {WORKSHEET_COLUMNS[c] for c in REVIEWER_COLUMNS}]
    if head is None or missing:
        problems.add(
            Location(str(path), title, None if head is None else head[0] + 1),
            "复核底稿缺少复核人员填写的列 / the worksheet lacks the reviewer's columns",
            found=", ".join(missing),
            expected="the header row of the 复核底稿 with 复核得分, 扣分项, 复核说明",
        )
        return key["form"]
    first, columns = head
    keyed = 0
    for i in range(first + 1, len(grid)):
        row_key = next((k for k in (_key(c, ROW_KEY) for c in grid[i]) if k is not None), None)
        cells = {name: _cell(grid[i], columns.get(title)) for name, title in WORKSHEET_COLUMNS.items()}
        score_column = columns[WORKSHEET_COLUMNS["reviewer_score"]] + 1
        if cells["reviewer_score"] is None and (title, i + 1, score_column) in unsaved:
            cells["reviewer_score"] = UNSAVED
        where = (str(path), title, i + 1)
        if not isinstance(row_key, dict):
            _unkeyed_row(where, row_key, cells, problems)
            continue
        keyed += 1
        if row_key.get("role") in (INDICATOR, EXECUTION):
            rows.append(_score_row(key, row_key, cells, items, where, problems))
    if keyed != key.get("rows"):
        problems.add(
            Location(str(path), title),
            "复核底稿的指标行被删除或复制 / indicator rows were deleted or copied",
            found=f"{keyed} keyed rows",
            expected=f"{key.get('rows')} rows as written: use a fresh 复核底稿",
        )
    return key["form"]


def _cell(row: tuple, index: int | None) -> object:
    return row[index] if index is not None and index < len(row) else None


def _unkeyed_row(where: tuple, row_key: object, cells: dict, problems: ProblemList) -> None:
    """A row without its key: reported when it holds a reviewer's score or item (a row added by hand or a key
    damaged), else ignored (a blank or a note the reviewer wrote below the table)."""
    filled = [c for c in ("reviewer_score", "item") if clean_text(cells[c])]
    if row_key == "broken" or filled:
        column = WORKSHEET_COLUMNS[filled[0]] if filled else None
        problems.add(
            Location(*where, column),
            "复核得分写在不属于自评表指标的行上 / a score on a row that is no indicator of the form",
            found="a damaged row key" if row_key == "broken" else f"{column} = {clean_text(cells[filled[0]])}",
            expected="scores only on the indicator rows written by evaltools review",
        )


def _score_row(key: dict, row_key: dict, cells: dict, items: frozenset[str], where: tuple, problems) -> dict:
    """One indicator row read back, its score and item checked (problems located at the cell)."""
    weight = row_key.get("weight")
    weight = float(weight) if isinstance(weight, (int, float)) else np.nan
    score, why = parse_number(cells["reviewer_score"], allow_percent=False)
    title = WORKSHEET_COLUMNS["reviewer_score"]
    if cells["reviewer_score"] is UNSAVED:
        score, why = np.nan, None
        problems.add(
            Location(*where, title),
            "复核得分是没有保存计算结果的公式 / the 复核得分 is a formula without its saved value",
            found="a formula",
            expected="the score as a number, or the workbook opened and saved in Excel, WPS or LibreOffice",
        )
    expected = f"a number from 0 to the 分值 {weight:g}" if not math.isnan(weight) else "a number, at least 0"
    if why is not None:
        problems.add(
            Location(*where, title),
            "复核得分不是数字 / the 复核得分 is not a number",
            found=cells["reviewer_score"],
            expected=expected,
        )
    elif score < 0 or score > weight + 1e-9:
        problems.add(
            Location(*where, title),
            "复核得分超出分值范围 / the 复核得分 is outside 0 … 分值",
            found=f"{score:g}",
            expected=expected,
        )
    item = item_code(cells["item"])
    item = {i.upper(): i for i in items}.get(item.upper(), item) if item is not None else None  # fh01 is FH01
    if item is not None and item not in items:
        problems.add(
            Location(*where, WORKSHEET_COLUMNS["item"]),
            "扣分项不在复核规则中 / the 扣分项 is not an item of the rule book",
            found=clean_text(cells["item"]),
            expected=f"one of {', '.join(sorted(items))} (choose from the drop-down list)",
        )
    file, sheet, row = where
    return {
        "form": key["form"],
        "unit": key.get("unit"),
        "project": key.get("project"),
        "level3": row_key.get("level3"),
        "weight": weight,
        "reviewer_score": score if why is None else np.nan,
        "item": item,
        "note": clean_text(cells["note"]),
        "file": file,
        "sheet": sheet,
        "row": row,
    }


# ----------------------------------------------------------------------------- last year's lists


def read_prior(folder: str | Path) -> pd.DataFrame:
    """Last year's 复核问题清单 and 整改台账 read back (every workbook under ``folder``, any file name; a sheet is
    a list by its header: 事实及判定 for a 清单, 整改状态 for a 台账): one row per issue with its unit, project,
    audit finding code, rule-book item and 整改状态 (None when no 台账 says it, or its cell is blank). A 台账 row
    gives its status to the 清单 row with the same 序号, unit and project. Raises one InputError listing every
    problem: a list without its 单位 column, a row without its unit, a 整改状态 outside 未整改/整改中/已整改."""
    root = Path(folder)
    problems = ProblemList()
    issues: list[dict] = []
    ledger: list[dict] = []
    for path in _files(root, problems):
        for title, grid in _sheets(path, problems):
            if _header(grid, (), RECTIFICATION_COLUMNS["status"]) is not None:
                ledger += _list_rows(path, title, grid, RECTIFICATION_COLUMNS, problems)
            elif _header(grid, (), ISSUE_COLUMNS["facts"]) is not None:
                issues += _list_rows(path, title, grid, ISSUE_COLUMNS, problems)
    if problems.has_errors:
        raise InputError(problems.items)
    columns = ["number", *PRIOR_COLUMNS]
    issues_f = pd.DataFrame(issues, columns=columns).drop(columns="status")
    ledger_f = pd.DataFrame(ledger, columns=columns)
    keys = ["number", "unit", "project"]
    merged = issues_f.merge(ledger_f[[*keys, "status"]].dropna(subset=["number"]), on=keys, how="left")
    linked = ledger_f.set_index(keys).index.isin(issues_f.set_index(keys).index)
    out = pd.concat([merged, ledger_f[~linked]], ignore_index=True)
    return out[list(PRIOR_COLUMNS)].astype(object).where(out[list(PRIOR_COLUMNS)].notna(), None)


def _list_rows(path: Path, sheet: str, grid: list[tuple], titles: dict[str, str], problems: ProblemList) -> list[dict]:
    """The rows of one 清单 or 台账 sheet (``titles``: its columns), checked; blank rows skipped."""
    anchor = titles["status"] if "status" in titles else titles["facts"]
    first, columns = _header(grid, titles.values(), anchor)
    if titles["unit"] not in columns:
        problems.add(
            Location(str(path), sheet, first + 1),
            "清单缺少单位列 / the list has no unit column",
            found=", ".join(clean_text(c) or "" for c in grid[first] if clean_text(c)),
            expected=f"a column headed {titles['unit']}",
        )
        return []
    out = []
    for i in range(first + 1, len(grid)):
        cells = {name: clean_text(_cell(grid[i], columns.get(title))) for name, title in titles.items()}
        if not any(cells.values()):
            continue
        where = (str(path), sheet, i + 1)
        if not cells["unit"]:
            problems.add(Location(*where, titles["unit"]), "缺少单位 / the unit is blank", expected="the unit reviewed")
        status = cells.get("status")
        if status is not None and status not in STATUSES:
            problems.add(
                Location(*where, titles["status"]),
                "整改状态无法识别 / unknown 整改状态",
                found=status,
                expected=" / ".join(STATUSES),
            )
        number, _ = parse_number(cells["number"], allow_percent=False)
        out.append(
            {
                "number": None if math.isnan(number) else int(number),
                "unit": cells["unit"],
                "project": cells["project"],
                "code": cells["code"],
                "item": item_code(cells["item"]),
                "status": status,
            }
        )
    return out
