"""How the corpus measure (:mod:`tests.corpus.measure`) compares a value read with the value a fixture expects:
numbers to 1e-6 (a percentage as its fraction, a figure with its unit also as the number, amounts in 万元), text
after NFKC and without spaces, and the few documented equivalences between what a form prints and how the reader
holds it (a bare rate in the printed unit, a 一级 / 二级 label without its heading weight, a 三级 name without the
number the reader gives a repeated name)."""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

TOL = 1e-6
DIRECTIONS = {"≥": ">=", "≤": "<=", "＝": "=", "﹦": "=", "定性": "qualitative", "qualitative": "qualitative"}


def text(v: object) -> str:
    """Text as compared: NFKC, spaces removed."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(v)))


def missing(v: object) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or (isinstance(v, str) and v.strip() == "")


def as_number(v: object) -> float | None:
    """A figure as a number: 95% → 0.95; "3359.62万" / "75元" → the number; else None."""
    if isinstance(v, bool):
        return None
    if isinstance(v, (int, float)):
        return None if math.isnan(v) else float(v)
    if not isinstance(v, str):
        return None
    s = text(v)
    m = re.fullmatch(r"[≥≤><=]*(-?\d+(?:\.\d+)?)(%|万元|万|元|[^\d%]{0,8})?", s)
    if not m:
        return None
    x = float(m.group(1))
    return x / 100 if m.group(2) == "%" else x


def same(expected: object, got: object) -> bool:
    """An expected value against a value read (see the module docstring)."""
    if expected is None:
        return missing(got)
    if missing(got):
        return False
    if text(expected) == text(got):
        return True
    e, g = as_number(expected), as_number(got)
    if e is not None and g is not None:
        if abs(e - g) <= TOL * max(1.0, abs(e)):
            return True
        pct = isinstance(expected, str) and expected.strip().endswith("%")
        return pct and abs(e * 100 - g) <= TOL * max(1.0, abs(g))  # 95% read as 95 in a % column
    return False


#: The funds fields that are amounts of money, and the units a fixture's ``money_unit`` may name (× 万元).
AMOUNTS = ("budget", "spent")
MONEY_UNITS = {"万元": Decimal(1), "元": Decimal("0.0001")}


def in_wan_yuan(expected: object, fields: dict) -> object:
    """An expected amount in 万元, the reader's unit: a form printing 元 (``money_unit: 元``, 永德 2022) is
    transcribed as printed (387664.62) and read as 38.766462."""
    factor = MONEY_UNITS.get(str(fields.get("money_unit") or "万元"), Decimal(1))
    if factor == 1 or isinstance(expected, bool) or not isinstance(expected, (int, float)):
        return expected
    return float(Decimal(repr(float(expected))) * factor)


#: A heading's weight printed after (or as) a 一级 / 二级 label: 产出指标（50分）, (50分), 数量指标 15 分.
HEADING_WEIGHT = re.compile(r"[(（]?\s*\d+(?:\.\d+)?\s*分\s*[)）]?$")


def level_label(v: object) -> object:
    """A 一级 / 二级 label as compared: without the heading weight printed after it, None when the label is only
    that weight (历城 2019 prints (50分) in its 一级 cells, a label the reader keeps since a 一级 is required)."""
    if not isinstance(v, str):
        return v
    return HEADING_WEIGHT.sub("", text(v)) or None


#: The number the reader adds to a 三级 name printed twice under one 二级 (账务管理（2）, with a warning:
#: evaltools.data.forms.headers.unique) — a key it makes, not part of the printed name.
REPEAT_NUMBER = re.compile(r"（\d+）$")


def first_of_name(v: object) -> object:
    """A 三级 name read without the number the reader gives a repeated name (铜陵 郊区 2021 prints 账务管理 on
    序号 7 and (7): docs/research/forms/anhui-tongling-jiaoqu-gongyishiye-2021-project.md)."""
    return REPEAT_NUMBER.sub("", v) if isinstance(v, str) else v


def in_printed_unit(expected: object, row: dict, key: str) -> bool:
    """A bare figure expected where the form prints its unit % apart (a 计量单位 column of %, 丽江 2020 ``100`` |
    ``%``; 成安 2020 ``98 %(百分比)`` transcribed 98): the reader holds rates as fractions (1.0, 0.98), the
    fixture the number as printed, so the two are compared in the printed unit (× 100)."""
    if key not in ("target", "actual") or row.get("unit") != "%" or (isinstance(expected, str) and "%" in expected):
        return False
    e, g = as_number(expected), as_number(row.get(key))
    return e is not None and g is not None and abs(e - g * 100) <= TOL * max(1.0, abs(e))


def _direction_same(expected: object, got: object) -> bool:
    return same(DIRECTIONS.get(str(expected).strip(), expected), got)


class Matched:
    """Recall and precision of a measure that counts ``problems_expected`` / ``problems_found`` (problems an
    auditor raises, written before running the tool) and ``findings`` / ``false_alarms`` (what the tool raised):
    the corpus (tests/corpus/measure.py) and the fidelity suite (tests/fidelity/measure.py)."""

    @property
    def recall(self) -> float:
        return self.problems_found / self.problems_expected if self.problems_expected else 1.0

    @property
    def precision(self) -> float:
        return (self.findings - self.false_alarms) / self.findings if self.findings else 1.0
