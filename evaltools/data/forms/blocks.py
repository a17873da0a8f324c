"""The blocks of one form, read row by row once :mod:`evaltools.data.forms.layout` has found where they are, with
the labels the form's layout declares (:mod:`evaltools.data.forms.layouts`)."""

from __future__ import annotations

import re
from dataclasses import replace

from evaltools.data.forms.grid import Grid
from evaltools.data.forms.headers import (
    continued,
    indicator_columns,
    indicator_label,
    level_name,
    unglossed,
    unique,
)
from evaltools.data.forms.layout import (
    PLACEHOLDERS,
    Form,
    label_of,
    name_value,
    next_value,
    text_value,
)
from evaltools.data.forms.values import (
    is_not_applicable,
    is_unknown_mark,
    month_quantities,
    norm,
    number,
    percent,
    quantity,
)
from evaltools.data.forms.wording import Labels, direction_code

#: A value marking a figure printed but unreadable, as the loader reads it.
UNKNOWN = "?"
_AUDIT_NOTE = re.compile(r"^【核查·")


def read_number(form: Form, i: int, j: int | None, what: str) -> object:
    """The number in a cell (None when empty or not applicable, ``?`` when unreadable); text that is not a
    number is unknown (``?``) with a located warning: the rest of the form is read."""
    if j is None:
        return None
    value = form.grid.value(i, j)
    if is_unknown_mark(value):
        return UNKNOWN
    parsed, reason = number(value)
    if reason:
        form.warn(
            i,
            j,
            f"「{what}」不是数字，按无法辨认处理 / not a number in 「{what}」: read as unknown",
            repr(value),
            "数字，如 89.974 或 100%",
        )
        return UNKNOWN
    return parsed


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
    """Every indicator row under the header row until the 总分 / 合计 row (or a note); returns that row. A header
    printed again further down is the same block continued (a table split over pages) or, when it names other
    columns, the block's next part read by its own columns (广水 2019 / 2021: a 项目权重 | 评价内容 | 分值 | 自评分
    rubric, then 一级指标 | 二级指标 | 指标名称(三级指标) | 年初指标值 | 年终完成值 | 自评分)."""
    grid, block = form.grid, form.block("indicators")
    cols = indicator_columns(grid, header, block, last)
    state = {"level1": _block_label(form, header, cols), "level2": None, "total": None}
    rows: list[dict] = []
    i = header + 1
    while i < last:
        if _another_table(grid, header, i):
            break
        first = next((j for j in grid.filled(i) if not grid.copied_from_above(i, j)), None)
        if first is not None and _ends_indicators(form, grid.text(i, first)) or _funds_header(form, i):
            break
        if any(block.columns.field(grid.text(i, j)) == "level3" for j in grid.filled(i)):
            again = indicator_columns(grid, i, block, last)
            if again != cols and all(again.keys() & need for need in block.needs):
                cols, header = again, i
                state = {"level1": _block_label(form, i, cols), "level2": None, "total": None}
            i += 1
            continue
        row = _indicator(form, i, cols, state)
        if row is not None and not (rows and continued(rows[-1], row)):
            rows.append(row)
        i += 1
    form.indicators.extend(unique(form, merged_items(form, rows)))
    return i


def _ends_indicators(form: Form, text: str) -> bool:
    """Whether a row starting with ``text`` ends the indicator block: an end word of the block (a note, 评价结论,
    项目负责人 …) or a 总分 row label of the total block."""
    return form.block("indicators").ended(text) or form.block("total").rows.starting(text)[0] == "total"


def _funds_header(form: Form, i: int) -> bool:
    """Whether row ``i`` starts a funds table printed under the indicators: a cell of its own (not merged down
    from above) is the funds block's total label, whole (彭水 2024: 资金 | 年度预算资金总额 | 其中:中央补助 | 市级资金
    under its 资金下达 row; docs/research/forms/chongqing-pengshui-jihuashengyu-2024-project.md)."""
    grid, rows = form.grid, form.block("funds").rows
    return any(
        label_of(grid.text(i, j), rows)[0] == "total" and not grid.copied_from_above(i, j) for j in grid.filled(i)
    )


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


#: Spaces between two Chinese characters of a name (产 出 指 标, 经济效益 指标): stray, never part of it.
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")


def indicator_name(value: object) -> str | None:
    """An indicator or level name as printed, lines joined and the spaces between Chinese characters dropped."""
    text = name_value(value)
    return None if text is None else _CJK_SPACE.sub("", text)


def _level(form: Form, i: int, j: int | None) -> str | None:
    if j is None:
        return None
    text = indicator_name(form.grid.value(i, j))
    return None if text is None or is_not_applicable(text) else text


def _names(form: Form, i: int, cols: dict[str, int], state: dict) -> tuple[str, str | None, str | None, str | None]:
    """(一级, 二级, 三级, 所属合计指标) of a row: 一级 / 二级 by :func:`~evaltools.data.forms.headers.level_name`
    (without the weight printed after them, in the framework's names), blank 一级/二级 cells carried down, the
    template's numbering taken off (指标1：…, 任务1：…), a template slot (指标1, ……, —, /) None, a breakdown row
    (其中：…) a part of the last indicator above it, a 三级 name without its marks and notes
    (:func:`~evaltools.data.forms.headers.indicator_label`); the core marks before a name (★★★) taken off, the row
    core — one so marked is an indicator of its own even when its name starts 其中 (濉溪 2019 scores
    ★★★其中:农村低保对象中建档立卡贫困人口数量 5 分 apart). A 二级 label's weight (数量指标 15 分) is kept in
    ``state`` for a block with no 分值 column."""
    block = form.block("indicators")
    level1 = _level(form, i, cols.get("level1"))
    if level1 is not None:
        # a heading printing only its weight, (50分) (历城 2019), is kept: a 一级 name is required
        name, state["level1_weight"] = level_name(level1, "level1")
        name = name or level1
        state["level1"], state["level2"], state["level2_weight"] = name, None, None
    level2 = _level(form, i, cols.get("level2"))
    if level2 is not None:
        state["level2"], state["level2_weight"] = level_name(level2, "level2")
    raw3 = indicator_name(form.grid.value(i, cols["level3"])) or ""
    state["sign"], state["core"] = None, False
    if not raw3 or block.template(raw3):
        return state["level1"], state["level2"], None, None
    level3, state["sign"] = indicator_label(block.unnumbered(raw3))
    level3, parent = level3 or None, None
    part = block.breakdown(level3) if level3 else None
    if level3 is not None:
        level3, state["core"] = block.unmarked(level3)
        level3 = level3 or None
    if part is not None and not state["core"]:
        level3, parent = part or None, state["total"] if part else None
    elif level3 is not None:
        state["total"] = level3
    return state["level1"], state["level2"], level3, parent


def _indicator(form: Form, i: int, cols: dict[str, int], state: dict) -> dict | None:
    """One indicator row as field → value (``?`` for an unreadable figure), or None for a template or placeholder
    row; a row with no 三级 name (—, /, 无, empty) that carries a 分值 or 得分 is a 二级-level item (三级 None)."""
    level1, level2, level3, parent = _names(form, i, cols, state)
    raw = {
        k: unglossed(form.grid.value(i, j)) if k in ("target", "actual") else form.grid.value(i, j)
        for k, j in cols.items()
    }
    scored = [norm(raw.get(k)) not in PLACEHOLDERS for k in ("weight", "panel_score")]
    printed = any(norm(raw.get(k)) not in PLACEHOLDERS for k in ("target", "actual"))
    continues = level3 is None and not any(scored) and printed and not norm(raw["level3"])
    if level3 is None and not continues and (not any(scored) or level2 is None):
        return None
    row: dict = {"level1": level1, "level2": level2, "level3": level3, "parent": parent}
    row["level1_weight"] = state.get("level1_weight")  # 产出指标 (60 分): the heading's weight (区商务局 2020)
    row.update(_targets(form, i, cols, raw))
    for key, what in (("weight", "分值"), ("stated_completion", "完成率"), ("score_coefficient", "得分系数")):
        row[key] = read_number(form, i, cols.get(key), what)
    row.update(_score(form, i, cols))
    row["core"] = text_value(raw.get("core")) or ("是" if state.get("core") else None)
    row["deviation"] = _deviation(raw.get("deviation"))
    row["criteria"] = text_value(raw.get("explain"))  # 评分标准 as printed (its own column, issue 20 item 5)
    row["measure_kind"] = _measure_kind(raw.get("direction"))
    if row["direction"] is None and state.get("sign") and row["target"] is not None:
        row["direction"] = state["sign"]  # 受助对象满意度(≥%): the note states it
    row["_cells"] = {k: form.grid.ref(i, j) for k, j in cols.items()}
    row["_merged"] = {k: form.grid.origins[i][cols[k]] for k in ("weight", "panel_score") if k in cols}
    row["_name"] = "continued" if continues else form.grid.origins[i][cols["level3"]]
    if "weight" not in cols and state.get("level2_weight") is not None and "level2" in cols:
        _heading_weight(form, i, cols, state, row)
    return row


def _heading_weight(form: Form, i: int, cols: dict[str, int], state: dict, row: dict) -> None:
    """In a block with no 分值 column, the weight a 二级 label states (数量指标 15 分, 广水 2019 / 2021) is its
    rows' weight as a merged 分值 cell would be: the one row's, or its 二级 item's once over several rows."""
    origin = form.grid.origins[i][cols["level2"]]
    row["weight"] = state["level2_weight"]
    row["_cells"]["weight"] = form.grid.ref(*origin)
    row["_merged"]["weight"] = ("heading", origin)


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
        form.warn(
            i,
            j,
            "指标性质无法识别，按目标值或指标名称推定 / unknown 指标性质: inferred",
            text,
            "≥ > ≤ < = 区间 定性 (定量)",
        )
        return None
    return code


def _measure_kind(value: object) -> str | None:
    """定量 / 定性 as the 指标性质 cell prints it (“定量指标”, “定性”; 融媒体中心 2021 prints 定量指标 without a
    direction), else None: never inferred here (issue 20 item 6)."""
    text = norm(value)
    return "定量" if "定量" in text else "定性" if "定性" in text else None


def _targets(form: Form, i: int, cols: dict[str, int], raw: dict) -> dict:
    """年度指标值, 调整指标值 and 实际完成值 with direction, unit, range and qualitative grade; a 时效 target that is a
    date or month is read as months of the form's year, compared as dates
    (:func:`~evaltools.data.forms.values.month_quantities`)."""
    unit_cell = raw.get("unit")
    months = month_quantities(raw.get("target"), raw.get("actual"), form.year)
    target, actual = months or (quantity(raw.get("target"), unit_cell), quantity(raw.get("actual"), unit_cell))
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
        "actual_text": _printed_mark(raw.get("actual")) or actual.text,
        "target_unit": target.printed_unit,
        "actual_unit": actual.printed_unit,
        "qualitative_grade": actual.grade,
    }


def _printed_mark(value: object) -> str | None:
    """An actual printed as not applicable (无, —, /) as printed: the form says the measure did not apply, which
    is not a missing actual (衡山县 2020 「政策性挂账利息补贴保障率」: 无, 没有轮换、动用库存)."""
    return str(value).strip() if isinstance(value, str) and is_not_applicable(value) else None


# ----------------------------------------------------------------------------- 二级 items: merged 分值 / 得分


def merged_items(form: Form, rows: list[dict]) -> list[dict]:
    """The rows with each 分值 / 得分 cell merged over several 三级 rows read once: a 二级 item row (三级 None)
    carrying the merged weight and score, before its rows, which become its measures (no weight or score of
    their own). A layout whose indicator block says ``merged_scores=False`` keeps every row's copy."""
    if not form.block("indicators").merged_scores:
        return rows
    runs: dict[object, list[int]] = {}
    for n, row in enumerate(rows):
        for key, origin in row["_merged"].items():
            runs.setdefault((key, origin), []).append(n)
    groups: dict[int, set[int]] = {}
    for (key, _), members in runs.items():
        if len(members) > 1 and rows[members[0]].get(key) is not None and rows[members[0]]["level3"] is not None:
            groups.setdefault(members[0], set()).update(members)
    out: list[dict] = []
    taken: set[int] = set()
    for n, row in enumerate(rows):
        if n in groups and n not in taken:
            members = sorted(groups[n] - taken)
            out.append(_item(form, [rows[k] for k in members]))
            taken.update(members)
        out.append(_measure(row) if n in taken else row)
    return out


def _item(form: Form, members: list[dict]) -> dict:
    """The 二级 item of the rows sharing a merged 分值 / 得分 cell: the merged weight once (or, when only the
    得分 is merged, the sum of the rows' weights) and the merged score once."""
    first = members[0]
    merged = {k for k in first["_merged"] if all(m["_merged"].get(k) == first["_merged"][k] for m in members)}
    weights = [m.get("weight") for m in members]
    weight = first.get("weight") if "weight" in merged else _sum_or_unknown(weights)
    score = (
        first.get("panel_score")
        if "panel_score" in merged
        else _sum_or_unknown([m.get("panel_score") for m in members])
    )
    cells = {k: ref for k, ref in first["_cells"].items() if k in ("level1", "level2", "weight", "panel_score")}
    cells.setdefault("level3", first["_cells"]["level3"])
    item = {key: None for key in first if not key.startswith("_")}
    item.update(level1=first["level1"], level2=first["level2"], weight=weight, panel_score=score)
    item.update(applicable=first.get("applicable"), _cells=cells, _merged={})
    return item


def _sum_or_unknown(values: list) -> object:
    """The sum of some figures; unknown when any is; None when none is printed."""
    if UNKNOWN in values:
        return UNKNOWN
    numbers = [v for v in values if isinstance(v, float)]
    return sum(numbers) if numbers else None


def _measure(row: dict) -> dict:
    """A 三级 row of a 二级 item: its own figures, no weight or score (the item carries them)."""
    return {**row, "weight": None, "panel_score": None}


# ----------------------------------------------------------------------------- 总分 and 自评等级


def read_total(form: Form, first: int, last: int, cols: dict[str, int]) -> None:
    """The 总分 (合计) row: its 分值 and 得分 in the indicator columns, else its figures in order; the grade
    (自评等级 / 评价等级：…) on that row or its own. A form printing no 总分 row but a 自评总分 above its blocks (广水
    2019 / 2021, 银川 2021 自评得分, 原州 2022 项目总得分) has that total."""
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
    if form.total.get("score") is None and form.names.get("published_total") is not None:
        score, reason = number(form.names["published_total"])
        form.total["score"] = UNKNOWN if reason else score
        form.cells["total"] = form.cells["published_total"]


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


#: The longest grade a 总分 row prints after its figures (优, 良好, 合格, 不合格).
_GRADE_CHARS = 3


def _total_row(form: Form, i: int, filled: list[int], cols: dict[str, int]) -> None:
    """The 总分 row's figures: in the 分值 / 得分 columns; else in order — one figure is the score (总分 | 100: 长江禁捕
    2020, 商务 2020, 施甸 2019 print no 分值 column), two are 分值 then 得分; a short text after them is the grade
    (总分 | 100 | 96 | 优: 永德 2022)."""
    grid = form.grid
    label_origin = grid.origins[i][filled[0]]
    at = {k: cols.get(k) for k in ("weight", "panel_score")}
    at = {k: j for k, j in at.items() if j is not None and grid.origins[i][j] != label_origin}
    if not any(grid.text(i, j) for j in at.values()):
        numbers = [j for j in filled[1:] if number(grid.value(i, j))[1] is None or is_unknown_mark(grid.value(i, j))]
        at = dict(zip(("weight", "panel_score") if len(numbers) > 1 else ("panel_score",), numbers))
    form.total["weight"] = read_number(form, i, at.get("weight"), "总分（分值）")
    form.total["score"] = read_number(form, i, at.get("panel_score"), "总分（得分）")
    form.cells["total"] = grid.ref(i, at.get("panel_score", filled[0]))
    after = [j for j in filled[1:] if j > max(at.values(), default=filled[0])]
    texts = [j for j in after if number(grid.value(i, j))[1] is not None and len(grid.text(i, j)) <= _GRADE_CHARS]
    if texts and "grade" not in form.total:
        form.total["grade"], form.cells["grade"] = grid.text(i, texts[0]), grid.ref(i, texts[0])
