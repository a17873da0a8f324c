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
from decimal import Decimal

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


# ----------------------------------------------------------------------------- amounts of money

#: Money units a form prints (in a cell, a header note or a 单位 cell), as a multiple of 万元 — the tool's unit:
#: 万元 (财预〔2020〕10号), 元 (上海; 永德 2022 项目资金 (元)), 3359.62万 (霍山 2024), 300万元 (原州 2022), 10萬
#: / 萬元 (traditional, 黄冈 2020), 亿元, 千元.
MONEY_UNITS = {
    "亿元": Decimal(10000),
    "億元": Decimal(10000),
    "亿": Decimal(10000),
    "億": Decimal(10000),
    "万元": Decimal(1),
    "萬元": Decimal(1),
    "万": Decimal(1),
    "萬": Decimal(1),
    "千元": Decimal("0.1"),
    "元": Decimal("0.0001"),
}
_UNIT_WORDS = "|".join(sorted(MONEY_UNITS, key=len, reverse=True))
_AMOUNT = re.compile(rf"^(?P<num>{_NUMBER})(?P<unit>{_UNIT_WORDS})?$")
#: A unit stated for a block or a column: 项目资金(万元), 全年预算数（元）, 单位：元, 金额单位 | 万元 (a cell that is
#: only the unit: 济南 历城 2019, 成安 2020).
_STATED_UNIT = re.compile(rf"(?:^|\(|单位:?)({_UNIT_WORDS})(?:\)|$)")


def stated_money_unit(text: object) -> Decimal | None:
    """The money unit a header, block label or 单位 cell states, as a multiple of 万元 (``项目资金 (元)`` →
    0.0001, ``预算执行情况(万元)(20分)`` → 1), or None when it states none."""
    found = _STATED_UNIT.search(norm(text))
    return MONEY_UNITS[found.group(1)] if found else None


def scaled(value: float, factor: Decimal) -> float:
    """``value`` × ``factor`` as printed, with no binary residue (387664.62 元 → 38.766462 万元, not
    38.766462000000004)."""
    return value if factor == 1 else float(Decimal(repr(float(value))) * factor)


def add_amounts(a: float, b: float) -> float:
    """The sum of two amounts as printed (829.3 + 2530.32 = 3359.62, not 3359.6200000000003)."""
    return float(Decimal(repr(float(a))) + Decimal(repr(float(b))))


def money(value: object, factor: Decimal = Decimal(1)) -> tuple[float | None, str | None]:
    """An amount of money in 万元: ``(amount, None)``; ``(None, None)`` for empty or not applicable; ``(None,
    reason)`` for text that is not an amount. ``factor`` is the unit the column or block states (元 → 0.0001);
    a unit printed in the cell wins (``3359.62万``, ``300万元``, ``10萬``, ``5000元``, ``1.2亿``); thousands
    separators and full-width digits are read (``１,２９０``)."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return (None, None) if is_missing(value) else (scaled(float(value), factor), None)
    text = norm(value)
    if text == "" or text in NOT_APPLICABLE:
        return None, None
    found = _AMOUNT.match(text)
    if found is None:
        return None, number(text)[1] or "not an amount"
    unit = found["unit"]
    parsed = float(found["num"].replace(",", ""))
    return scaled(parsed, MONEY_UNITS[unit] if unit else factor), None


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
    printed_unit: str | None = None  # the unit printed in the cell itself (not the 度量单位 column's)

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


#: The digits after the decimal point of the last number in a cell's text.
_DECIMALS = re.compile(r"\d+(?:\.(\d*))?")


def printed_decimals(raw: object, points: bool = False) -> int | None:
    """How many decimals a rate is printed with, in percent: 97.80% → 2, 98% → 0, 0.9780 → 2 (a fraction), a bare
    79.27 read as percent points (``points``) → 2; None when the cell is no text (a workbook number: its number
    format decides, the audit infers it from the value). Trailing zeros count — 97.80% is not 97.8%."""
    if not isinstance(raw, str):
        return None
    found = _DECIMALS.findall(norm(raw))
    if not found:
        return None
    digits = len(found[-1])
    return digits if points or norm(raw).endswith("%") else max(digits - 2, 0)


def _scaled(value: float, unit: str | None) -> float:
    return percent(value) if unit == "%" else value


#: Direction words printed after a figure (95%以上, 10人及以上, 5%以下, 3天以内: 商务 2020 ``98%以上``, 南昌 蚕茶卫生院
#: 2021 ``95%以上``; docs/research/forms/hubei-qu-shangwu-fuwumaoyi-2020-project.md,
#: jiangxi-nanchang-canchawsy-2021-dept.md), longest first.
_SUFFIXES = (("及以上", ">="), ("及以下", "<="), ("以上", ">="), ("以下", "<="), ("以内", "<="))


def _direction(text: str) -> tuple[str | None, str]:
    """The direction a figure's text states before it (≥95%, 不低于95%) or after it (95%以上), and the rest."""
    for spelling, code in _PREFIXES:
        if text.startswith(spelling) and len(text) > len(spelling):
            return code, text[len(spelling) :]
    for spelling, code in _SUFFIXES:
        if text.endswith(spelling) and len(text) > len(spelling) and text[-len(spelling) - 1] not in "以及":
            return code, text[: -len(spelling)]
    return None, text


def qualitative_grade(text: str) -> str | None:
    """The qualitative grade code a printed result names (达成 / 部分达成 / 未达成), or None."""
    for code, spellings in _QUALITATIVE:
        if any(text == s for s in spellings):
            return code
    return None


def quantity(value: object, unit_column: object = None) -> Quantity:
    """A target or actual as printed: ``≥50个`` → (>=, 50, 个); ``95%以上`` → (>=, 0.95, %); ``4-6场`` → range 4–6
    场; ``100%`` → 1.0 %; with a unit column of ``%`` a bare ``100`` is 100 % (1.0); ``—`` / ``无`` no figure, the
    text as printed. Anything else is kept as text."""
    if is_missing(value) or is_blank(value):
        return Quantity()
    if is_not_applicable(value):  # no figure, the mark kept as printed (无: 衡山 2020 实际; -: 银川 2021 指标值)
        return Quantity(str(value).strip() if isinstance(value, str) else None)
    if is_unknown_mark(value):
        return Quantity(text=None, unknown=True)
    printed = str(value).strip() if isinstance(value, str) else None
    column_unit = _unit(norm(unit_column)) if not is_not_applicable(unit_column) else None
    if type(value).__name__ == "Percent":  # a workbook cell shown as a percentage: the fraction, unit %
        return Quantity(None, None, float(value), None, "%", printed_unit="%")
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return Quantity(None, None, _scaled(float(value), column_unit), None, column_unit)
    text = norm(value)
    grade = qualitative_grade(text)
    if grade is not None:
        return Quantity(printed, grade=grade)
    direction, rest = _direction(sign_text(text))
    found = _RANGE.match(rest) if direction is None else None
    if found:
        own = _unit(found["unit"] or found["u1"])
        unit = own or column_unit
        lo, hi = (float(found[k].replace(",", "")) for k in ("lo", "hi"))
        if lo <= hi:
            return Quantity(printed, "range", _scaled(lo, unit), _scaled(hi, unit), unit, printed_unit=own)
    found = _QUANTITY.match(rest)
    if found:
        own = _unit(found["unit"])
        unit = own or column_unit
        value = _scaled(float(found["num"].replace(",", "")), unit)
        return Quantity(printed, direction, value, None, unit, printed_unit=own)
    return Quantity(printed)


# ----------------------------------------------------------------------------- 时效: dates and months

#: A printed date or month, with an optional year, day, "end of" and "before" (2023年12月前, 9月前, 7月底,
#: 2022年1月, 2023年12月31日前, 2023.12, ≤2023年12月); matched in the cell's ``cell_text``.
_DATE = re.compile(
    r"^(?:(?P<y>\d{4})(?:年|[.\-/]))?(?P<m>\d{1,2})(?:月份?)?(?:(?P<d>\d{1,2})日?)?"
    r"(?:底|末|中旬|上旬|下旬)?(?:之?前|以前|内|止)?(?:完成|前完成|完工|办结|发放到位|到位)?$"
)
#: Actuals that say the deadline was kept, or not.
ON_TIME = ("按时", "及时", "按期", "如期", "准时", "已按时", "提前")
LATE = ("未按时", "未及时", "未按期", "延期", "逾期", "滞后", "未如期", "推迟")


@dataclass(frozen=True)
class Deadline:
    """A date or month as a form prints it: (year, month, day or None); ``year`` None when not printed."""

    year: int | None
    month: int
    day: int | None = None

    def month_of(self, year: int) -> int:
        """The month counted from the start of the form's ``year`` (its January = 1, the next January = 13; a
        date printed without a year is in ``year``): the number the data route writes as ``≤12`` with unit 月."""
        return ((self.year or year) - year) * 12 + self.month


def deadline(value: object) -> Deadline | None:
    """The date or month a 时效 cell prints (``2023年12月前`` → 2023-12, ``9月前`` → month 9, ``2022年1月``), or
    None when it is not one. A bare number (``9``) is never a month."""
    text = sign_text(norm(value)) if isinstance(value, str) else ""
    text = text.lstrip("<≤=")
    found = _DATE.match(text)
    if not found or ("月" not in text and not found["y"]):
        return None
    month, day = int(found["m"]), int(found["d"]) if found["d"] else None
    if not 1 <= month <= 12 or (day is not None and not 1 <= day <= 31):
        return None
    return Deadline(int(found["y"]) if found["y"] else None, month, day)


def kept_time(value: object) -> bool | None:
    """Whether an actual says the deadline was kept (按时, 及时 …: True; 延期, 未按时 …: False), else None."""
    text = norm(value) if isinstance(value, str) else ""
    if not text:
        return None
    if text.startswith(LATE):
        return False
    return True if text.startswith(ON_TIME) else None


def month_quantities(target: object, actual: object, year: int | None) -> tuple[Quantity, Quantity] | None:
    """A 时效 target printed as a date or month (2023年12月前, 9月前, 2022年1月) and its actual, as months of the
    form's ``year`` (:meth:`Deadline.month_of`) with unit 月 and direction ≤ (done by then) — compared as dates,
    as the data route writes them (``≤12`` 月), never as the bare numbers 9 and 7. An actual of 按时 / 及时 is the
    deadline kept (the target's month); 延期 / 未按时 is late by an unknown time (unknown); other text stays text.
    None when the target is not a date."""
    due = deadline(target)
    if due is None:
        return None
    if year is None:  # the form's year unknown: months counted in the target's own year (compared with each other)
        year = due.year or getattr(deadline(actual), "year", None) or 0
    printed = lambda v: str(v).strip() if isinstance(v, str) else None  # noqa: E731
    goal = Quantity(printed(target), "<=", float(due.month_of(year)), None, "月")
    done = deadline(actual)
    if done is not None:
        return goal, Quantity(printed(actual), None, float(done.month_of(year)), None, "月")
    kept = kept_time(actual)
    if kept is None:
        return goal, quantity(actual)
    return goal, Quantity(printed(actual), None, goal.value, None, "月") if kept else Quantity(unknown=True)
