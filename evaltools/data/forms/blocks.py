"""The blocks of one form, read row by row once :mod:`evaltools.data.forms.layout` has found where they are, with
the labels the form's layout declares (:mod:`evaltools.data.forms.layouts`)."""

from __future__ import annotations

import re
from dataclasses import replace

from evaltools.data.forms.grid import Grid, Percent
from evaltools.data.forms.layout import (
    _NUMBERED,
    _WEIGHT_NOTE,
    PLACEHOLDERS,
    Form,
    header_columns,
    label_of,
    name_value,
    next_value,
    text_value,
)
from evaltools.data.forms.layouts import Block
from evaltools.data.forms.values import is_not_applicable, is_unknown_mark, norm, number, percent, quantity
from evaltools.data.forms.wording import Labels, direction_code

#: A value marking a figure printed but unreadable, as the loader reads it.
UNKNOWN = "?"
_AUDIT_NOTE = re.compile(r"^【核查·")


def read_number(form: Form, i: int, j: int | None, what: str) -> object:
    """The number in a cell (None when empty or not applicable, ``?`` when unreadable); text that is not a
    number is a problem at the cell."""
    if j is None:
        return None
    value = form.grid.value(i, j)
    if is_unknown_mark(value):
        return UNKNOWN
    parsed, reason = number(value)
    if reason:
        form.problem(
            i, j, f"应为数字 / expected a number in 「{what}」", repr(value), "a number such as 89.974 or 100%"
        )
    return parsed


# ----------------------------------------------------------------------------- 项目资金 / 预算执行情况


def _funds_label(form: Form, i: int, first_col: int) -> str:
    grid = form.grid
    parts = [
        grid.text(i, j)
        for j in grid.filled(i)
        if j < first_col and not grid.copied_from_above(i, j) and "预算执行情况" not in grid.text(i, j)
    ]
    return re.sub(r"^其中[:：]?", "", "".join(parts)).rstrip(":：")


def funds_row_kind(label: str, block: Block) -> str | None:
    """The kind of funds row a label names (total, fiscal_current, carryover, other_funds): the longest of the
    block's row labels it starts with."""
    return block.rows.starting(label)[0] if label else None


def _money_scale(form: Form, header: int) -> float:
    """1 for 万元, 1/10,000 for a funds block printed in 元 (上海: 项目资金（元）)."""
    grid = form.grid
    texts = [grid.text(i, j) for i in range(max(form.start, header - 1), header + 1) for j in grid.filled(i)]
    return 1e-4 if any("(元)" in t for t in texts) and not any("万元" in t for t in texts) else 1.0


def read_funds(form: Form, header: int, last: int) -> int:
    """The funds block under its header row: the total row's figures and the sources (本年财政拨款, 上年结转资金,
    其他资金 and Sichuan's 财政专户管理资金 / 单位资金 added to 其他资金); returns the row after the block."""
    grid, block = form.grid, form.block("funds")
    cols = header_columns(grid, header, block)
    first_col = min(cols.values())
    percent_header = "%" in grid.text(header, cols["rate"]) if "rate" in cols else False
    scale = _money_scale(form, header)
    i = header + 1
    while i < last:
        label = _funds_label(form, i, first_col)
        kind = funds_row_kind(label, block) or ("total" if not label and i == header + 1 else None)
        if kind is None:
            break
        if kind == "total":
            _funds_total(form, i, cols, scale, percent_header)
        else:
            _funds_source(form, i, cols.get("budget"), kind, scale)
        i += 1
    return i


def _funds_total(form: Form, i: int, cols: dict[str, int], scale: float, percent_header: bool) -> None:
    titles = {"budget_initial": "年初预算数", "budget": "全年预算数", "spent": "全年执行数"}
    for key, what in titles.items():
        value = read_number(form, i, cols.get(key), what)
        form.funds[key] = value * scale if isinstance(value, float) else value
    form.funds["weight"] = read_number(form, i, cols.get("weight"), "分值")
    rate = read_number(form, i, cols.get("rate"), "执行率")
    raw = form.grid.value(i, cols["rate"]) if "rate" in cols else None
    if isinstance(rate, float) and percent_header and not isinstance(raw, Percent) and not norm(raw).endswith("%"):
        rate = percent(rate)  # 执行率(%) printed as a bare percent number
    form.funds["rate"] = rate
    form.funds["score"] = read_number(form, i, cols.get("score"), "得分")
    for key, column in cols.items():
        form.cells[f"funds.{key}"] = form.grid.ref(i, column)
    form.cells["funds"] = form.grid.ref(i, min(cols.values()))


def _funds_source(form: Form, i: int, column: int | None, kind: str, scale: float) -> None:
    value = read_number(form, i, column, "全年预算数")
    if isinstance(value, float):
        value *= scale
        if kind == "other_funds" and isinstance(form.funds.get(kind), float):
            value += form.funds[kind]
    if value is not None or kind not in form.funds:
        form.funds[kind] = value


# ----------------------------------------------------------------------------- 年度总体目标


def read_goals(form: Form, first: int, last: int) -> None:
    """预期目标 / 实际完成情况: the text below each header; else the text beside 年度总体目标 (年度主要任务)."""
    grid, block = form.grid, form.block("goal")
    for i in range(first, last - 1):
        for j in grid.filled(i):
            key = block.columns.starting(grid.text(i, j))[0]
            if key is None or getattr(form, key) is not None:
                continue
            below = None if block.columns.starting(grid.text(i + 1, j))[0] else text_value(grid.value(i + 1, j))
            setattr(form, key, below)
            if key == "goal":
                form.cells.setdefault("goal", grid.ref(i + 1, j))
    if form.goal is None:
        for i in range(first, last):
            for j in grid.filled(i):
                if label_of(grid.text(i, j), block.rows)[0]:
                    k = next_value(grid, i, j, block)
                    form.goal = None if k is None else text_value(grid.value(i, k))
                    return


# ----------------------------------------------------------------------------- 绩效指标


def read_indicators(form: Form, header: int, last: int) -> int:
    """Every indicator row under the header row until the 总分 / 合计 row (or a note); returns that row."""
    grid, block = form.grid, form.block("indicators")
    cols = header_columns(grid, header, block)
    state = {"level1": _block_label(form, header, cols), "level2": None, "total": None}
    i = header + 1
    while i < last:
        if _another_table(grid, header, i):
            return i
        first = next((j for j in grid.filled(i) if not grid.copied_from_above(i, j)), None)
        if first is not None and _ends_indicators(form, grid.text(i, first)):
            return i
        if any(block.columns.field(grid.text(i, j)) == "level3" for j in grid.filled(i)):
            i += 1  # the header repeated (a table continued on the next page)
            continue
        row = _indicator(form, i, cols, state)
        if row is not None:
            form.indicators.append(row)
        i += 1
    return i


def _ends_indicators(form: Form, text: str) -> bool:
    """Whether a row starting with ``text`` ends the indicator block: an end word of the block (a note, 评价结论,
    项目负责人 …) or a 总分 row label of the total block."""
    return form.block("indicators").ended(text) or form.block("total").rows.starting(text)[0] == "total"


def _another_table(grid: Grid, header: int, i: int) -> bool:
    """Whether row ``i`` is in another Word table than the header, one that does not continue it (not as wide)."""
    part = grid.places[i][0]
    return (
        part != grid.places[header][0] and part.startswith("表格") and len(grid.values[i]) != len(grid.values[header])
    )


def _block_label(form: Form, header: int, cols: dict[str, int]) -> str:
    """一级指标 of a table without that column: the block's own label left of the header (绩效指标)."""
    grid = form.grid
    left = [j for j in grid.filled(header) if j < min(cols.values())]
    return name_value(grid.value(header, left[0])) if left else "绩效指标"


def _level(form: Form, i: int, j: int | None) -> str | None:
    if j is None:
        return None
    text = name_value(form.grid.value(i, j))
    return None if text is None or is_not_applicable(text) else text


def _names(form: Form, i: int, cols: dict[str, int], state: dict) -> tuple[str, str | None, str | None, str | None]:
    """(一级, 二级, 三级, 所属合计指标) of a row: 一级 without its printed weight (产出指标(50分)), blank 一级/二级
    cells carried down, 「指标1：」 taken off, 「其中：…」 a breakdown of the last total."""
    level1 = _level(form, i, cols.get("level1"))
    if level1 is not None:
        level1 = _WEIGHT_NOTE.sub("", level1).strip() or level1
        state["level1"], state["level2"] = level1, None
    level2 = _level(form, i, cols.get("level2"))
    if level2 is not None:
        state["level2"] = _WEIGHT_NOTE.sub("", level2).strip() or level2
    raw3 = name_value(form.grid.value(i, cols["level3"])) or ""
    level3 = _NUMBERED.sub("", raw3).strip()
    parent = None
    if level3.startswith(("其中：", "其中:")):
        level3, parent = level3[3:].strip(), state["total"]
    elif level3 and level3 not in PLACEHOLDERS:
        state["total"] = level3
    return state["level1"], state["level2"], level3 or None, parent


def _indicator(form: Form, i: int, cols: dict[str, int], state: dict) -> dict | None:
    """One indicator row as field → value (``?`` for an unreadable figure), or None for a placeholder row."""
    level1, level2, level3, parent = _names(form, i, cols, state)
    raw = {k: form.grid.value(i, j) for k, j in cols.items()}
    figures = [raw.get(k) for k in ("target", "actual", "weight", "panel_score")]
    if (level3 is None or level3 in PLACEHOLDERS) and all(norm(v) in PLACEHOLDERS for v in figures):
        return None
    if level3 in PLACEHOLDERS and level3 is not None:
        return None
    row: dict = {"level1": level1, "level2": level2, "level3": level3, "parent": parent}
    row.update(_targets(form, i, cols, raw))
    for key, what in (("weight", "分值"), ("stated_completion", "完成率"), ("score_coefficient", "得分系数")):
        row[key] = read_number(form, i, cols.get(key), what)
    row.update(_score(form, i, cols))
    row["core"] = text_value(raw.get("core"))
    row["deviation"] = _deviation(raw.get("deviation"))
    row["_cells"] = {k: form.grid.ref(i, j) for k, j in cols.items()}
    return row


def _score(form: Form, i: int, cols: dict[str, int]) -> dict:
    """得分: a number; 不适用 marks the indicator not applicable; 不计分 leaves it unscored."""
    j = cols.get("panel_score")
    text = norm(form.grid.value(i, j)) if j is not None else ""
    if text == "不适用":
        return {"panel_score": None, "applicable": False}
    if text == "不计分":
        return {"panel_score": None, "applicable": None}
    return {"panel_score": read_number(form, i, j, "得分"), "applicable": None}


def _deviation(value: object) -> str | None:
    """偏差原因分析及改进措施 as written, without the 【核查·…】 lines evaltools' own 自评表 adds."""
    text = text_value(value)
    if text is None:
        return None
    kept = [line for line in text.split("\n") if not _AUDIT_NOTE.match(line.strip())]
    return "\n".join(kept).strip() or None


def _direction(form: Form, i: int, j: int | None) -> str | None:
    if j is None:
        return None
    text = norm(form.grid.value(i, j))
    if text == "" or is_not_applicable(text):
        return None
    known, code = direction_code(text)
    if not known:
        form.problem(i, j, "指标性质无法识别 / unknown 指标性质", text, "≥ > ≤ < = 区间 定性 (定量)")
    return code


def _targets(form: Form, i: int, cols: dict[str, int], raw: dict) -> dict:
    """年度指标值, 调整指标值 and 实际完成值 with direction, unit, range and qualitative grade."""
    unit_cell = raw.get("unit")
    target, actual = quantity(raw.get("target"), unit_cell), quantity(raw.get("actual"), unit_cell)
    adjusted = quantity(raw.get("target_adjusted"), unit_cell)
    column = _direction(form, i, cols.get("direction"))
    direction = column if column is not None else target.direction
    if column == "qualitative" or (direction == "range" and target.high is None):
        direction = column
    unit_text = text_value(unit_cell)
    unit = unit_text if unit_text and not is_not_applicable(unit_text) else target.unit or actual.unit
    if unit_text is None and target.unit == "%" and actual.numeric and actual.unit is None:
        actual = replace(actual, value=percent(actual.value))  # a bare 实际完成值 is in its target's unit (棠溪镇)
    return {
        "direction": direction,
        "unit": unit,
        "target": UNKNOWN if target.unknown else target.value,
        "target_high": target.high if direction == "range" else None,
        "target_text": target.text,
        "target_adjusted": UNKNOWN if adjusted.unknown else adjusted.value,
        "actual": UNKNOWN if actual.unknown else actual.value,
        "actual_text": actual.text,
        "qualitative_grade": actual.grade,
    }


# ----------------------------------------------------------------------------- 总分 and 自评等级


def read_total(form: Form, first: int, last: int, cols: dict[str, int]) -> None:
    """The 总分 (合计) row: its 分值 and 得分 in the indicator columns, else its figures in order; the grade
    (自评等级 / 评价等级：…) on that row or its own."""
    grid, rows = form.grid, form.block("total").rows
    for i in range(first, last):
        filled = grid.filled(i)
        if not filled:
            continue
        if rows.starting(grid.text(i, filled[0]))[0] == "total" and "score" not in form.total:
            _total_row(form, i, filled, cols)
        for j in filled:
            if "grade" not in form.total:
                _grade(form, i, j, rows)


def _grade(form: Form, i: int, j: int, rows: Labels) -> None:
    """The grade a 自评等级 label cell gives: written after it (自评等级：优), else the next filled cell."""
    grid = form.grid
    key, rest = rows.starting(grid.text(i, j))
    if key != "grade":
        return
    value = rest.removeprefix(":")
    if value and not re.fullmatch(r"\(.*?\)", value):
        form.total["grade"], form.cells["grade"] = value, grid.ref(i, j)
        return
    k = next_value(grid, i, j)
    form.total["grade"] = None if k is None else name_value(grid.value(i, k))
    form.cells["grade"] = grid.ref(i, j if k is None else k)


def _total_row(form: Form, i: int, filled: list[int], cols: dict[str, int]) -> None:
    grid = form.grid
    label_origin = grid.origins[i][filled[0]]
    at = {k: cols.get(k) for k in ("weight", "panel_score")}
    at = {k: j for k, j in at.items() if j is not None and grid.origins[i][j] != label_origin}
    if not any(grid.text(i, j) for j in at.values()):
        numbers = [j for j in filled[1:] if number(grid.value(i, j))[1] is None or is_unknown_mark(grid.value(i, j))]
        at = dict(zip(("weight", "panel_score"), numbers))
    form.total["weight"] = read_number(form, i, at.get("weight"), "总分（分值）")
    form.total["score"] = read_number(form, i, at.get("panel_score"), "总分（得分）")
    form.cells["total"] = grid.ref(i, at.get("panel_score", filled[0]))
