"""Display formatting for Chinese readers: 万元 with thousands separators, percentages with two
decimals. Used only when rendering; data stays at full precision."""

from __future__ import annotations

import math
from dataclasses import dataclass

from evaltools import labels
from evaltools.errors import visible


def is_missing(value: object) -> bool:
    """The one test for a missing value: None, NaN, NaT or pd.NA (a value unequal to itself)."""
    if value is None:
        return True
    try:
        unequal = value != value
    except (TypeError, ValueError):
        return False
    try:
        return bool(unequal)
    except TypeError:  # pd.NA: its comparisons are NA themselves
        return True


def known(value: object) -> object:
    """``value``, or None when it is missing (for templates and JSON)."""
    return None if is_missing(value) else value


def pct(x: object, digits: int = 2, *, thousands: bool = True, missing: str = "—") -> str:
    """0.942647 → '94.26%'; None/NaN → '—' (``missing``); ``thousands=False`` for a data cell (1234.56%)."""
    return missing if is_missing(x) else f"{float(x) * 100:{',' if thousands else ''}.{digits}f}%"


def wan(x: object, digits: int = 2) -> str:
    """616.16 → '616.16'; 14270 → '14,270.00' (amounts in 万元, the unit is written by the caller)."""
    return "—" if is_missing(x) else f"{float(x):,.{digits}f}"


def num(x: object, digits: int = 2, *, thousands: bool = True, missing: str = "—") -> str:
    """Counts and scores: 14270 → '14,270'; 84.666 → '84.67'; trailing zeros dropped. ``thousands=False``
    and ``missing=""`` give a data cell (14270, empty when missing)."""
    if is_missing(x) or not math.isfinite(float(x)):  # inf is no number a person can read (issue 22)
        return missing
    text = f"{float(x):{',' if thousands else ''}.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def score(x: object) -> str:
    """Scores with two decimals and trailing zeros dropped: 87.0 → '87', 84.67 → '84.67'."""
    return num(x, 2)


#: Excel number formats that show a cell as the functions above show the value: 万元 and rates with
#: thousands separators and two decimals, counts with separators, years as they are.
EXCEL_MONEY = "#,##0.00"
EXCEL_RATE = "#,##0.00%"
EXCEL_COUNT = "#,##0"
EXCEL_YEAR = "0"


def excel_score_format(x: object) -> str:
    """The Excel number format showing the score ``x`` as :func:`score` does: 87 → '#,##0' (87),
    84.67 → '#,##0.00', 9.5 → '#,##0.0'; the stored value keeps its full precision."""
    text = score(x)
    decimals = len(text.split(".")[1]) if "." in text else 0
    return "#,##0" + ("." + "0" * decimals if decimals else "")


def value(x: object, unit: str | None) -> str:
    """An indicator value with its unit: fractions of '%' indicators as percentages."""
    if is_missing(x):
        return "—"
    if unit == "%":
        return pct(x).replace(".00%", "%")
    return num(x) + (unit or "")


def stated_decimals(fraction: float) -> int:
    """How many decimals a stated percentage was printed with: 0.99 → 0, 0.9426 → 2."""
    percent = float(fraction) * 100
    for digits in range(0, 7):
        if abs(round(percent, digits) - percent) < 1e-9:
            return digits
    return 6


_DIRECTION_PREFIX = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": ""}


def _text(value) -> str | None:
    if is_missing(value):
        return None
    text = str(value)
    return text if text.strip() else None


def _bare(x, unit: str | None) -> str:
    """A number without its unit: percentages as percent numbers (0.9 → '90')."""
    return num(float(x) * 100) if unit == "%" else num(x)


def indicator_target(row: object) -> str | None:
    """年度指标值 as shown in the report and on the 自评表: the original text where present, else formatted
    from the target with its unit and direction (≥1,000个, ≤30工作日, 4–6场); None when there is none."""
    text = _text(getattr(row, "target_text", None))
    if text is not None:
        return text
    unit = _text(getattr(row, "unit", None))
    direction = getattr(row, "direction", None)
    low, high = getattr(row, "target", None), getattr(row, "target_high", None)
    if is_missing(low):
        return None
    if direction == "range" and not is_missing(high):
        return f"{_bare(low, unit)}–{_bare(high, unit)}{unit or ''}"
    if direction == "qualitative":
        return value(low, unit)
    return _DIRECTION_PREFIX.get(direction, "") + value(low, unit)


def indicator_actual(row: object) -> str | None:
    """实际完成值 as shown: the original text where present, else the actual value with its unit, else the
    qualitative grade (达成年度指标 …); None when nothing was reported."""
    text = _text(getattr(row, "actual_text", None))
    if text is not None:
        return text
    actual = getattr(row, "actual", None)
    if not is_missing(actual):
        return value(actual, _text(getattr(row, "unit", None)))
    grade = _text(getattr(row, "qualitative_grade", None))
    if grade is not None:
        return labels.QUALITATIVE_GRADE.get(grade, grade)
    return None


# ----------------------------------------------------------------------------- whole columns at once
# The same texts as the functions above, for a column of values (the audit formats the numbers of every
# finding of a million-row table): one pass over plain floats, no per-value function call.


def _floats(values: object) -> list[float]:
    import numpy as np

    return np.asarray(values, dtype=float).tolist()


def _distinct(fn):
    """Format each distinct value once when values repeat (weights, targets, 100 …)."""

    def formatted(values: object, *args: object, **kwargs: object) -> list[str]:
        import numpy as np
        import pandas as pd

        floats = np.asarray(values, dtype=float)
        if len(floats) < 64:
            return fn(floats, *args, **kwargs)
        codes, uniques = pd.factorize(floats, use_na_sentinel=False)
        if len(uniques) * 2 > len(floats):
            return fn(floats, *args, **kwargs)
        return np.asarray(fn(uniques, *args, **kwargs), dtype=object)[codes].tolist()

    formatted.__doc__, formatted.__name__ = fn.__doc__, fn.__name__
    return formatted


@_distinct
def nums(values: object, digits: int = 2, *, thousands: bool = True, missing: str = "—") -> list[str]:
    """:func:`num` of every value."""
    spec = f"{',' if thousands else ''}.{digits}f"
    out = [format(x, spec) if math.isfinite(x) else missing for x in _floats(values)]
    if digits > 0:
        out = [t.rstrip("0").rstrip(".") if "." in t else t for t in out]
    return out


def scores(values: object) -> list[str]:
    """:func:`score` of every value."""
    return nums(values, 2)


@_distinct
def wans(values: object, digits: int = 2) -> list[str]:
    """:func:`wan` of every value."""
    spec = f",.{digits}f"
    return ["—" if x != x else format(x, spec) for x in _floats(values)]


def pcts(values: object, digits: int | object = 2, *, missing: str = "—") -> list[str]:
    """:func:`pct` of every value; ``digits`` is one number or one per value."""
    if isinstance(digits, int):
        return _pcts(values, digits, missing=missing)
    import numpy as np

    xs, ds = np.asarray(values, dtype=float), np.asarray(digits, dtype=int)
    out = np.empty(len(xs), dtype=object)
    for d in np.unique(ds):  # a few distinct precisions: each formatted as one column
        rows = np.flatnonzero(ds == d)
        out[rows] = _pcts(xs[rows], int(d), missing=missing)
    return out.tolist()


@_distinct
def _pcts(values: object, digits: int, *, missing: str = "—") -> list[str]:
    spec = f",.{digits}f"
    return [missing if x != x else format(x * 100, spec) + "%" for x in _floats(values)]


def values(xs: object, units: object) -> list[str]:
    """:func:`value` of every value with its unit (``units``: one per value, None for none)."""
    import numpy as np
    import pandas as pd

    floats = np.asarray(xs, dtype=float)
    out = np.asarray(nums(floats), dtype=object)
    codes, distinct = pd.factorize(pd.Series(list(units), dtype=object), use_na_sentinel=True)
    known = ~np.isnan(floats)
    for k, unit in enumerate(distinct):  # a few distinct units: each appended as one column
        rows = np.flatnonzero((codes == k) & known)
        if unit == "%":
            out[rows] = [pct(x).replace(".00%", "%") for x in floats[rows].tolist()]
        elif isinstance(unit, str) and unit:
            out[rows] = [s + unit for s in out[rows].tolist()]
    return out.tolist()


def stated_decimals_all(fractions: object) -> list[int]:
    """:func:`stated_decimals` of every value."""
    import numpy as np

    percent = np.asarray(fractions, dtype=float) * 100
    out = np.full(len(percent), 6)
    for digits in range(6, -1, -1):
        with np.errstate(invalid="ignore"):
            out = np.where(np.abs(np.round(percent, digits) - percent) < 1e-9, digits, out)
    return out.tolist()


# ----------------------------------------------------------------------------- completion as shown
# actual ÷ target reads as a shortfall for a ≤ target beaten (25 of "不得超过30个工作日" is 83.33%) and says
# nothing useful for a range; such indicators are shown as met / unmet with the margin instead (issue 24 item 4).


@dataclass(frozen=True)
class Completion:
    """How an indicator's completion is displayed.

    ``kind``: ``"ratio"`` (≥, >, = with a target ≠ 0: 实际值 ÷ 目标值, ``ratio``), ``"cap"`` (≤, <: under or over
    the ceiling), ``"range"`` (区间: within, above or below), ``"equal"`` (= 0) or ``"unknown"`` (定性, or a
    figure missing: 无法计算). ``met`` is None when it cannot be told; ``margin`` is the distance to the bound
    crossed or not crossed (≥ 0, in the indicator's unit, a fraction for %); ``text`` is the table cell."""

    kind: str
    text: str
    met: bool | None = None
    ratio: float | None = None
    margin: float | None = None
    side: str | None = None  # "below" / "within" / "above" the bound(s)


def _margin(x: float, unit: str | None) -> str:
    """A distance in the indicator's unit: 5 + 工作日 → '5工作日'; fractions of % as 个百分点."""
    if unit == "%":
        return num(x * 100) + "个百分点"
    return num(x) + (unit or "")


def _cap(direction: str, actual: float, cap: float, unit: str | None) -> Completion:
    gap = cap - actual
    met = actual <= cap if direction == "<=" else actual < cap
    if gap == 0:
        return Completion("cap", ("达标" if met else "未达标") + "（等于上限）", met, margin=0.0, side="within")
    if gap > 0:
        return Completion("cap", f"达标（低于上限{_margin(gap, unit)}）", met, margin=gap, side="below")
    return Completion("cap", f"未达标（超出上限{_margin(-gap, unit)}）", met, margin=-gap, side="above")


def _range(actual: float, low: float, high: float, unit: str | None) -> Completion:
    if actual > high:
        return Completion(
            "range", f"高于区间（超出上限{_margin(actual - high, unit)}）", None, margin=actual - high, side="above"
        )
    if actual < low:
        return Completion(
            "range", f"低于区间（差下限{_margin(low - actual, unit)}）", False, margin=low - actual, side="below"
        )
    return Completion("range", "区间内", True, margin=0.0, side="within")


def completion(row: object) -> Completion:
    """The completion of one indicator row (attributes ``direction``, ``actual``, ``target``, ``target_high``,
    ``unit``, ``completion``) as the report shows it: a ratio 实际值 ÷ 目标值 for ≥ targets, 达标/未达标 with the
    margin under a ≤ ceiling (25 against ≤ 30 工作日: 达标（低于上限5工作日）), within / above / below a range
    with the margin; '—' where a figure is unknown (无法计算) or the indicator is 定性."""
    direction = getattr(row, "direction", None)
    unit = _text(getattr(row, "unit", None))
    actual, target = getattr(row, "actual", None), getattr(row, "target", None)
    high = getattr(row, "target_high", None)
    if direction == "qualitative" or is_missing(actual) or is_missing(target):
        return Completion("unknown", "—")
    actual, target = float(actual), float(target)
    if direction in ("<=", "<"):
        return _cap(direction, actual, target, unit)
    if direction == "range" and not is_missing(high):
        return _range(actual, target, float(high), unit)
    if direction == "=" and target == 0:
        met = actual == 0
        return Completion("equal", "达标" if met else f"未达标（实际{_margin(actual, unit)}）", met, margin=abs(actual))
    ratio = getattr(row, "completion", None)
    if is_missing(ratio):
        ratio = actual / target if target != 0 else None
    if ratio is None:
        return Completion("unknown", "—")
    met = actual >= target if direction in (">=", "=", None, "range") else actual > target
    if direction == "=":
        met = actual == target
    return Completion("ratio", pct(ratio), bool(met), ratio=float(ratio))


def completion_shown(row: object) -> str:
    """The 完成率 cell of an indicator row: :func:`completion`'s text (83.33% no longer stands for a ≤ target met)."""
    return completion(row).text


#: What a spreadsheet takes as the start of a formula in a cell it opens from CSV (OWASP "CSV Injection"):
#: =, +, -, @, a tab or a carriage return. Such a text cell is written with a leading apostrophe, which Excel,
#: WPS and LibreOffice show as text and never evaluate.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def inert(value: object) -> object:
    """``value`` as a spreadsheet shows it but never runs it: text starting a formula (:data:`FORMULA_START`)
    gets the apostrophe a spreadsheet writes before text typed as ``'=…`` (OWASP, CSV injection); numbers and
    other text unchanged. :func:`uninert` reads it back."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return value
    try:
        float(value)  # a signed number ("-5", "+3.2") is a number, not a formula
        return value
    except ValueError:
        return "'" + value


def uninert(text: str | None) -> str | None:
    """The text :func:`inert` wrote: the apostrophe before a formula start dropped (``'=HYPERLINK(…)`` →
    ``=HYPERLINK(…)``), as a spreadsheet drops it when it shows the cell; any other text unchanged."""
    if text is not None and len(text) > 1 and text[0] == "'" and text[1] in FORMULA_START:
        return text[1:]
    return text


def people_csv(frame: object) -> str:
    """``frame`` as CSV text for people to open in Excel on Chinese Windows: UTF-8 with a BOM, one header row,
    and every text cell that a spreadsheet would run as a formula made inert (:data:`FORMULA_START`) — text from
    a form (``=HYPERLINK(…)``, ``=cmd|' /C calc'!A0``) never becomes a live formula in a findings table."""
    import pandas as pd

    text_columns = [c for c in frame.columns if not pd.api.types.is_numeric_dtype(frame[c])]
    safe = frame.assign(**{c: frame[c].map(inert) for c in text_columns}) if text_columns else frame
    return "\ufeff" + safe.to_csv(index=False, lineterminator="\n")


def signed(x: object, unit: str = "") -> str:
    """A difference with its sign: +2.33, −2 (a true minus sign), — when unknown, 0 when none."""
    if is_missing(x):
        return "—"
    if abs(float(x)) < 0.005:
        return "0"
    return ("+" if float(x) > 0 else "−") + score(abs(float(x))) + unit


def share(x: object) -> str:
    """A signed share (偏离度) as a percentage with a true minus sign: 2.68%, −2.27%; — when unknown."""
    if is_missing(x):
        return "—"
    return ("−" if float(x) < 0 else "") + pct(abs(float(x)))


# ----------------------------------------------------------------------------- text on a page


def page_text(value: object) -> str:
    """Text as a page shows it: every invisible, control or bidi character (a right-to-left override, a
    zero-width space, an ESC) written visibly as ⟨U+202E⟩ — never raw, never reordering the text around it;
    line breaks and tabs, which HTML shows as spaces, are kept."""
    return visible(value, keep="\n\t", marks="⟨⟩")


def page_html(value: object) -> str:
    """:func:`page_text`, escaped for HTML (text and attribute values)."""
    import html

    return html.escape(page_text(value), quote=True)


def page_finalize(value: object) -> object:
    """The Jinja ``finalize`` of every page's environment: each ``{{ … }}`` that gives text — data or ready
    HTML (Markup) — shows invisible characters as ⟨U+…⟩ (the marks hold no HTML character, so Markup stays
    safe); numbers and other values pass unchanged."""
    if not isinstance(value, str):
        return value
    shown = page_text(value)
    if shown == value:
        return value
    return type(value)(shown) if hasattr(value, "__html__") else shown
