"""The values printed in a filled-in 自评表, read without guessing.

A cell of a form is one of: empty; printed as not applicable (``—``, ``/``, ``无``); printed but unreadable
(``?``, 无法辨认 … — unknown, the loader's ``?``); a number (``89.974``, ``1,290``, full-width ``８９``,
``100%``); a target with its direction and unit (``≥50个``, ``≤90万元``, ``=100%``, ``>=90%``, ``大于等于90%``,
``4-6场``; look-alike signs as :func:`~evaltools.data.forms.wording.sign_text` reads them);
a qualitative result (``达成预期指标`` …); or text (``及时``, ``2023年12月前``). What is neither is kept as
text, never turned into a number by a guess.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from evaltools.data.cells import UNKNOWN_WORDS, parse_number
from evaltools.data.forms.wording import cell_text, sign_text
from evaltools.data.schema import DIRECTIONS
from evaltools.fmt import is_missing

#: What a form prints where a figure does not apply.
NOT_APPLICABLE = {"—", "——", "-", "--", "/", "／", "无", "—/—", "\\", "－", "―", "─"}
#: Spellings of the percent unit printed in words.
PERCENT_WORDS = {"%", "％", "百分比", "百分率"}
#: The three qualitative results as forms print them (财预〔2020〕10号 says 年度指标, many provinces 预期指标).
_QUALITATIVE = (
    ("未达成", ("未达成年度指标且效果较差", "未达成预期指标且效果较差", "未达成年度指标", "未达成预期指标", "未达成")),
    (
        "部分达成",
        ("部分达成年度指标并具有一定效果", "部分达成预期指标并具有一定效果", "部分达成年度指标", "部分达成预期指标"),
    ),
    ("达成", ("达成年度指标", "达成预期指标", "达成预期目标", "达成年度目标", "达成")),
)
_NUMBER = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|[+-]?\.\d+"
_QUANTITY = re.compile(rf"^(?P<num>{_NUMBER})(?P<unit>[^\d\s.,+-][^\d]*)?$")
_RANGE = re.compile(
    rf"^(?P<lo>{_NUMBER})(?P<u1>%|[^\d\s.,~～至到—–-]*)?\s*[~～至到—–-]+\s*(?P<hi>{_NUMBER})(?P<unit>[^\d]*)?$"
)
#: Direction prefixes, longest first (canonical codes of :data:`evaltools.data.schema.DIRECTIONS`).
_PREFIXES = sorted(
    {
        (sign_text(cell_text(spelling)), code)
        for code, spellings in DIRECTIONS.items()
        if code not in ("range", "qualitative")
        for spelling in spellings
    },
    key=lambda pair: (-len(pair[0]), pair[0]),
)
#: A cell's text for matching (NFKC, no spaces): the one normaliser, :func:`evaltools.data.forms.wording.cell_text`.
norm = cell_text


def is_blank(value: object) -> bool:
    return norm(value) == ""


def is_not_applicable(value: object) -> bool:
    """Printed as not applicable: —, /, 无 (not empty, not unknown)."""
    return norm(value) in NOT_APPLICABLE


def is_unknown_mark(value: object) -> bool:
    return isinstance(value, str) and norm(value).lower() in UNKNOWN_WORDS


def number(value: object) -> tuple[float | None, str | None]:
    """A cell as a number: ``(number, None)``; ``(None, None)`` for empty or not applicable; ``(None, reason)``
    for text that is not a number. Percentages give fractions; full-width digits and separators are read."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (None, None) if is_missing(value) else (float(value), None)
    text = norm(value)
    if text == "" or text in NOT_APPLICABLE:
        return None, None
    for suffix in ("万元", "元", "分"):
        if text.endswith(suffix) and len(text) > len(suffix):
            text = text[: -len(suffix)]
            break
    if text.endswith("%"):
        parsed, reason = parse_number(text[:-1], allow_percent=False)
        return (None, reason) if reason else (percent(parsed), None)
    parsed, reason = parse_number(text)
    return (None, reason) if reason else (float(parsed), None)


@dataclass(frozen=True)
class Quantity:
    """A printed target or actual: direction, number(s), unit, qualitative grade and the text as printed."""

    text: str | None = None
    direction: str | None = None
    value: float | None = None
    high: float | None = None
    unit: str | None = None
    grade: str | None = None
    unknown: bool = False

    @property
    def numeric(self) -> bool:
        return self.value is not None


def _unit(raw: str | None) -> str | None:
    unit = (raw or "").strip()
    if not unit:
        return None
    return "%" if unit in PERCENT_WORDS else unit


def percent(value: float) -> float:
    """A percentage as a fraction, correctly rounded: 72.74 → 0.7274 (not 0.7273999999999999)."""
    return float(f"{float(value)!r}e-2")


def _scaled(value: float, unit: str | None) -> float:
    return percent(value) if unit == "%" else value


def _direction(text: str) -> tuple[str | None, str]:
    for spelling, code in _PREFIXES:
        if text.startswith(spelling) and len(text) > len(spelling):
            return code, text[len(spelling) :]
    return None, text


def qualitative_grade(text: str) -> str | None:
    """The qualitative grade code a printed result names (达成 / 部分达成 / 未达成), or None."""
    for code, spellings in _QUALITATIVE:
        if any(text == s for s in spellings):
            return code
    return None


def quantity(value: object, unit_column: object = None) -> Quantity:
    """A target or actual as printed: ``≥50个`` → (>=, 50, 个); ``4-6场`` → range 4–6 场; ``100%`` → 1.0 %;
    with a unit column of ``%`` a bare ``100`` is 100 % (1.0). Anything else is kept as text."""
    if is_missing(value) or is_blank(value) or is_not_applicable(value):
        return Quantity()
    if is_unknown_mark(value):
        return Quantity(text=None, unknown=True)
    printed = str(value).strip() if isinstance(value, str) else None
    column_unit = _unit(norm(unit_column)) if not is_not_applicable(unit_column) else None
    if type(value).__name__ == "Percent":  # a workbook cell shown as a percentage: the fraction, unit %
        return Quantity(None, None, float(value), None, "%")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Quantity(None, None, _scaled(float(value), column_unit), None, column_unit)
    text = norm(value)
    grade = qualitative_grade(text)
    if grade is not None:
        return Quantity(printed, grade=grade)
    direction, rest = _direction(sign_text(text))
    found = _RANGE.match(rest) if direction is None else None
    if found:
        unit = _unit(found["unit"] or found["u1"]) or column_unit
        lo, hi = (float(found[k].replace(",", "")) for k in ("lo", "hi"))
        if lo <= hi:
            return Quantity(printed, "range", _scaled(lo, unit), _scaled(hi, unit), unit)
    found = _QUANTITY.match(rest)
    if found:
        unit = _unit(found["unit"]) or column_unit
        return Quantity(printed, direction, _scaled(float(found["num"].replace(",", "")), unit), None, unit)
    return Quantity(printed)
