"""The indicator block's header, labels and rows as a person reads them: which column a field is read from when
two headers name it, the 一级 / 二级 labels without the weights printed after them and in the framework's names, a
三级 name without the notes printed after it, a row continuing the one above, a name printed twice. The wordings are data of the layouts
(:mod:`evaltools.data.forms.layouts.standard`: ``INDICATORS``, ``LEVEL_NAMES``); this module only applies them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from evaltools.data.forms.grid import Grid
from evaltools.data.forms.layout import Form
from evaltools.data.forms.layouts import Block
from evaltools.data.forms.layouts.standard import LEVEL_NAMES
from evaltools.data.forms.wording import direction_code
from evaltools.errors import WARNING, ProblemList

#: How many rows under a header are looked at to tell a filled column from an empty one.
_LOOK_BELOW = 40


def indicator_columns(grid: Grid, header: int, block: Block, last: int) -> dict[str, int]:
    """Field → column of each header cell of row ``header`` that names one of the block's columns. A field two
    headers name is read from the column that holds more cells below (成安 2020 prints 指标分值 empty and the
    weights under 权重占比(%); docs/research/forms/hebei-chengan-minzheng-bainian-2020-project.md), the first on a
    tie."""
    named: dict[str, list[int]] = {}
    for j in grid.filled(header):
        key = block.columns.field(grid.text(header, j))
        if key is not None:
            named.setdefault(key, []).append(j)
    rows = range(header + 1, min(last, header + 1 + _LOOK_BELOW))

    def filled(j: int) -> int:
        return sum(1 for i in rows if j < len(grid.origins[i]) and grid.origins[i][j][1] == j and grid.text(i, j))

    return {
        key: max(columns, key=lambda j: (filled(j), -j)) if len(columns) > 1 else columns[0]
        for key, columns in named.items()
    }


#: A weight printed after a heading: 产出指标（50分）, 产出指标 (60 分), 数量指标 15 分 (广水 2019 / 2021), 投入 (13)
#: (长沙 雨花 2022), 决策(10) (铜陵 郊区 2021), （特性指标20分）; the number is the first group found.
_HEADING_WEIGHT = re.compile(
    r"\s*(?:[(（]\s*(?:特性指标)?\s*([0-9０-９]+(?:[.．][0-9０-９]+)?)\s*分?\s*[)）]|([0-9０-９]+(?:[.．][0-9０-９]+)?)\s*分)\s*$"
)
#: A level label printed wholly in brackets, (组织实施): the label repeated after a page break (铜陵 郊区 2021).
_BRACKETED = re.compile(r"^[(（]([^()（）]+)[)）]$")


def level_name(text: str, level: str) -> tuple[str | None, float | None]:
    """A 一级 / 二级 label's name and the weight printed after it: ``产出指标 (60 分)`` → (产出指标, 60), ``成本`` →
    (成本指标, None) by :data:`~evaltools.data.forms.layouts.standard.LEVEL_NAMES` (matched as printed, so a name
    in traditional characters is kept), ``(组织实施)`` → (组织实施, None), ``(50分)`` → (None, 50)."""
    weight = None
    found = _HEADING_WEIGHT.search(text)
    if found:
        weight = float((found.group(1) or found.group(2)).replace("．", "."))
        text = text[: found.start()].strip()
    inner = _BRACKETED.match(text)
    if inner:
        text = inner.group(1).strip()
    if not text:
        return None, weight  # 历城 2019 prints only (50分) in its 一级 cells
    text = _SUFFIX_BROKEN.sub("指标", text)
    return _framework_names(level).get(_plain(text), text), weight


#: 指标 printed in brackets after a name, (指标): the suffix of the name broken off (社会效益 (指标), 稷山 2020).
_SUFFIX_BROKEN = re.compile(r"\s*[(（]指标[)）]$")


def _plain(text: str) -> str:
    """Text compared with a framework wording: NFKC, no spaces (characters as printed, not folded)."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


@lru_cache(maxsize=4)
def _framework_names(level: str) -> dict[str, str]:
    """A short wording (as :func:`_plain`) → the framework's name, for a level."""
    return {_plain(word): name for name, words in LEVEL_NAMES[level].items() for word in words}


#: A direction and unit note after a name, with no figure in it: (≥人), (≥元/人·月), (≥%), ≥人 (濉溪 2019).
_SIGN_NOTE = re.compile(r"\s*(?:[(（]\s*([≥≤><=＞＜≧≦＝]+)[^()（）0-9]*[)）]|([≥≤><=＞＜≧≦＝]+)[^()（）0-9≥≤><=]*)$")
#: An explanation after a name: 完成率 — 按照要求每月及时完成… (成安 2020), a dash with spaces around it.
_EXPLAINED = re.compile(r"\s+[—–]{1,2}\s+")


def indicator_label(name: str) -> tuple[str, str | None]:
    """A 三级 name without the notes after it, and the direction the note states (``>=`` …) or None:
    ``★★★农村低保发放人数(按月平均)(≥人)`` → (★★★农村低保发放人数(按月平均), >=); ``完成率 — 按照要求…`` → (完成率,
    None). The ★ marks of a core indicator are taken off by the block's ``core_marks`` (萧县 2023, 濉溪 2019)."""
    name = _EXPLAINED.split(name, maxsplit=1)[0].strip()
    found = _SIGN_NOTE.search(name)
    if not found or not name[: found.start()].strip():
        return name, None
    known, code = direction_code(found.group(1) or found.group(2))
    return name[: found.start()].strip(), code if known else None


# ----------------------------------------------------------------------------- rows


#: A percent sign's name in brackets after it, 98 %(百分比) (成安 2020): a gloss, not part of the unit.
_PERCENT_GLOSS = re.compile(r"%\s*[(（][^()（）0-9]*[)）]\s*$")


def unglossed(value: object) -> object:
    """A target or actual cell without the gloss after its percent sign (98 %(百分比) → 98 %)."""
    return _PERCENT_GLOSS.sub("%", value) if isinstance(value, str) else value


#: The texts of a row a continuation row adds to (target and actual as printed, the deviation, the scoring note).
_JOINED = ("target_text", "actual_text", "deviation", "criteria")


def continued(above: dict, row: dict) -> bool:
    """Whether ``row`` continues the indicator ``above``: its 三级 cell is blank or the same cell merged down, it
    prints a target or an actual and no 分值 / 得分 of its own (彭水 2024: 预算编制科学性 over two 自评内容 rows,
    已按要求完成预算 and 按相关要求完成; docs/research/forms/chongqing-pengshui-jihuashengyu-2024-project.md). Its
    texts are added to ``above``'s (joined by 「 / 」) and a figure ``above`` lacks is taken from it; True when so."""
    if row["_name"] == "continued":
        if row["level2"] != above["level2"] or above["level3"] is None:
            return False
    elif row["level3"] is None or row["_name"] != above["_name"]:
        return False
    elif any(row["_merged"].get(k) != above["_merged"].get(k) and row.get(k) is not None for k in row["_merged"]):
        return False
    for key in _JOINED:
        texts = [t for t in (above.get(key), row.get(key)) if t]
        above[key] = " / ".join(dict.fromkeys(texts)) or None
    for key in ("target", "actual", "unit", "direction"):
        if above.get(key) is None:
            above[key] = row.get(key)
    return True


def unique(form: Form, rows: list[dict]) -> list[dict]:
    """The rows with a 三级 name printed twice under one 二级 read as two indicators, the second named
    「账务管理（2）」 with a located warning (铜陵 郊区 2021 prints 账务管理 on 序号 7 and (7), each with its own
    分值 and 得分; docs/research/forms/anhui-tongling-jiaoqu-gongyishiye-2021-project.md)."""
    seen: dict[tuple, int] = {}
    for row in rows:
        if row["level3"] is None:
            continue
        key = (row["level1"], row["level2"], row["level3"])
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            name = f"{row['level3']}（{seen[key]}）"
            ref = row["_cells"]["level3"]
            ProblemList(form.problems).add(
                ref.location("三级指标"),
                f"「{row['level3']}」在同一二级指标下重复，读作「{name}」 / a 三级 name printed twice: numbered",
                found=row["level3"],
                expected="同一二级指标下三级指标名称不重复",
                severity=WARNING,
                code="FORM_UNKNOWN",
            )
            row["level3"] = name
    return rows
