"""Every number of the input, bounded: finite, and within a range that a real 自评 can hold.

A number that passes here can be added, divided and drawn: the largest amount (10 万亿元) times the
largest rate stays far from overflow, and charts get finite axis limits. ``inf``, ``1e308`` or a
weight of 250 are refused at load time with the cell's location, so ``evaltools check`` refuses what
``evaltools run`` could not turn into a report. Ranges by column where the column says what it holds
(points of a 100-point scale, a year), else by the field's kind (万元, rates, other figures).
"""

from __future__ import annotations

import datetime as _dt
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaltools.data import schema as S
from evaltools.errors import WARNING, Location, ProblemList


@dataclass(frozen=True)
class Bound:
    """The accepted range of a number: ``low`` ≤ x ≤ ``high``; ``what`` says it in the message."""

    low: float
    high: float
    what: str

    def text(self) -> str:
        return f"{self.what} from {_g(self.low)} to {_g(self.high)}"


def _g(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1 and float(x).is_integer() else f"{x:g}"


#: 10 万亿元 in 万元: more than any one public body's budget (the whole national budget is about 2.8 万亿).
MONEY = Bound(0, 1e10, "an amount in 万元")
#: A rate or ratio as a fraction (1 = 100%); 完成率 of targets exceeded a thousandfold still fit.
RATE = Bound(0, 1e6, "a rate (1 = 100%)")
#: Targets, actual values and other figures: counts, 元, percentages, days.
FIGURE = Bound(-1e15, 1e15, "a figure")
#: Points on the 100-point scale of a 自评表.
POINTS = Bound(0, 100, "points on the 100-point scale")
#: A score as a table printed it: above 100 (or above its weight) is a mistake the audit names
#: (SCORE_ABOVE_WEIGHT), so it loads; only what no table could print is refused.
PUBLISHED = Bound(0, 1000, "points as printed (above the weight or 100 the audit names it)")
YEAR = Bound(1949, 2100, "a year")
COUNT = Bound(0, 10_000_000, "a number of people")

#: Columns whose range is not their kind's.
BY_COLUMN: dict[tuple[str, str], Bound] = {
    ("indicators", "weight"): POINTS,
    ("indicators", "panel_score"): PUBLISHED,
    ("indicators", "score_coefficient"): Bound(0, 10, "a share of the weight (1 = full marks)"),
    ("projects", "execution_weight"): POINTS,
    ("projects", "published_execution_score"): PUBLISHED,
    ("projects", "published_score"): PUBLISHED,
    ("grade_bands", "lower"): POINTS,
    ("grade_bands", "upper"): POINTS,
}
BY_KIND = {"money": MONEY, "rate": RATE, "number": FIGURE}
#: Profile fields (profile.yaml / 单位概况) by name.
PROFILE: dict[str, Bound] = {
    "year": YEAR,
    "staff_authorized": COUNT,
    "staff_actual": COUNT,
    "staff_other": COUNT,
    "execution_weight": POINTS,
    "published_execution_score": PUBLISHED,
    "published_total": PUBLISHED,
}


def bound_of(table: str, field: S.Field) -> Bound:
    return BY_COLUMN.get((table, field.name), BY_KIND[field.kind])


def problem(value: float, bound: Bound) -> tuple[str, str] | None:
    """(message, code) when ``value`` is not a finite number within ``bound``; None when it is (or is empty)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if not math.isfinite(value):
        return "不是有限数值 / not a finite number", "NOT_FINITE"
    if not bound.low <= value <= bound.high:
        return "数值超出合理范围 / number out of range", "OUT_OF_RANGE"
    return None


def _found(value: float) -> str:
    return repr(value) if not math.isfinite(value) else f"{value:,.15g}"


def check_table(
    table: S.Table,
    frame: pd.DataFrame | Mapping[str, pd.Series],
    where: Callable[[object, str], Location],
    reported: set[tuple],
    problems: ProblemList,
) -> None:
    """Report every number of ``frame`` (parsed, canonical columns: a frame, or its columns by name) outside its
    bound, at ``where(index, column)``; reported cells are added to ``reported`` so that the schema does not report
    them again."""
    for f in table.fields:
        if f.kind not in BY_KIND or f.name not in frame:
            continue
        bound = bound_of(table.name, f)
        column = frame[f.name]
        values = column.to_numpy(dtype=float)
        # below zero where the schema already says "must be ≥ 0" (money, rates, weights): its message stands
        low = -np.inf if f.kind in ("money", "rate") or f.minimum is not None else bound.low
        with np.errstate(invalid="ignore"):
            bad = ~np.isnan(values) & ~((values >= low) & (values <= bound.high) & np.isfinite(values))
        for idx, value in zip(column.index[bad], values[bad].tolist()):
            if (idx, f.name) in reported:
                continue
            reported.add((idx, f.name))
            message, code = problem(value, bound)
            problems.add(where(idx, f.name), message, found=_found(value), expected=bound.text(), code=code)


def check_profile(name: str, value: object, where: Location, problems: ProblemList) -> bool:
    """Whether a parsed profile number is within its bound (else reported at ``where``)."""
    bound = PROFILE.get(name, MONEY if S.PROFILE_BY_NAME[name].kind == "money" else FIGURE)
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return True
    found = problem(float(value), bound)
    if found is None and name == "year" and value > _dt.date.today().year:
        problems.add(
            where,
            "评价年度晚于今年 / the year evaluated is later than this year",
            found=f"{int(value)} (this year is {_dt.date.today().year})",
            expected="a year that has ended or is ending: a 自评 evaluates a budget year already carried out",
            severity=WARNING,
            code="YEAR_IN_FUTURE",
        )
        return True
    if found is None and bound is PUBLISHED and value > 100:  # a mistake to name, not a value to refuse
        problems.add(
            where,
            "公布得分高于满分 100 / published score above 100",
            found=_found(float(value)),
            expected="at most 100: check the score as printed",
            severity=WARNING,
            code="ABOVE_FULL_MARKS",
        )
        return True
    if found is None or (bound is MONEY and 0 > value > -np.inf):  # negative money: the loader says so
        return True
    problems.add(where, found[0], found=_found(float(value)), expected=bound.text(), code=found[1])
    return False
