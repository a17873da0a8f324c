"""Display formatting for Chinese readers: 万元 with thousands separators, percentages with two
decimals. Used only when rendering; data stays at full precision."""
from __future__ import annotations

import math


def _bad(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def pct(x, digits: int = 2) -> str:
    """0.942647 → '94.26%'; None/NaN → '—'."""
    return "—" if _bad(x) else f"{float(x) * 100:,.{digits}f}%"


def wan(x, digits: int = 2) -> str:
    """616.16 → '616.16'; 14270 → '14,270.00' (amounts in 万元, the unit is written by the caller)."""
    return "—" if _bad(x) else f"{float(x):,.{digits}f}"


def num(x, digits: int = 2) -> str:
    """Counts and scores: 14270 → '14,270'; 84.666 → '84.67'; trailing zeros dropped."""
    if _bad(x):
        return "—"
    text = f"{float(x):,.{digits}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text


def score(x) -> str:
    """Scores with two decimals and trailing zeros dropped: 87.0 → '87', 84.67 → '84.67'."""
    return num(x, 2)


def value(x, unit: str | None) -> str:
    """An indicator value with its unit: fractions of '%' indicators as percentages."""
    if _bad(x):
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
