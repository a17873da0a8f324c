"""Grade band tables: validation (gaps, overlaps, order) and vectorised grading.

Bands are data (``params/grade_bands.yaml``, or the table a report printed). A band covers
``[lower, upper)`` unless its inclusivity flags say otherwise; an empty lower means 0, an empty
upper means 100 (inclusive). Source of the presets: 财预〔2020〕10号 (优/良/中/差) and the 2022 report.
"""

from __future__ import annotations

import functools
import math
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

import numpy as np
import pandas as pd

from evaltools.errors import GradeBandError
from evaltools.fmt import is_missing

#: A band table: a DataFrame, or a list of mappings with grade, lower, upper and the inclusive flags.
BandsLike = "pd.DataFrame | list[Mapping]"

BAND_COLUMNS = ["grade", "lower", "lower_inclusive", "upper", "upper_inclusive"]


@dataclass(frozen=True)
class BandIssue:
    """One defect of a band table: kind is gap, overlap, order, empty or coverage; ``zh`` says it in
    Chinese (for the report), ``en`` in English (added to the bilingual error message)."""

    kind: str
    bands: tuple[str, ...]
    zh: str
    en: str
    low: float | None = None
    high: float | None = None

    @property
    def message(self) -> str:
        """Chinese, then English: the form of messages printed by the command line."""
        return f"{self.zh} / {self.en}"


class _Band(NamedTuple):
    """One normalised band: bounds at full precision, the inclusive flags as the table means them."""

    grade: object
    lower: float
    lower_inclusive: bool
    upper: float
    upper_inclusive: bool


def _number(value: object, default: float) -> float:
    """A bound as a float (``pd.to_numeric(errors="coerce")``): missing or not a number → ``default``."""
    if isinstance(value, str):
        value = value.strip()
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return default
    return default if math.isnan(number) else number


def _normalised(bands: BandsLike) -> list[_Band]:
    """The bands of a table (a list of mappings or a DataFrame) normalised: an empty lower is 0, an empty upper
    100, a missing lower flag inclusive, a missing upper flag inclusive at the top only, and a band reaching 100
    (printed "≥ 90") inclusive there. Plain tuples: a band table has a few rows, and a frame per step costs more
    than the table's arithmetic (issue 19 item 6: one form read and audited in a tenth of a second)."""
    rows = bands.to_dict("records") if isinstance(bands, pd.DataFrame) else [dict(b) for b in bands]
    out = []
    for row in rows:
        lower, upper = _number(row.get("lower"), 0.0), _number(row.get("upper"), 100.0)
        lower_in, upper_in = row.get("lower_inclusive"), row.get("upper_inclusive")
        top = upper >= 100.0
        upper_in = top if is_missing(upper_in) else bool(upper_in)
        grade = row.get("grade", np.nan)
        out.append(_Band(grade, lower, True if is_missing(lower_in) else bool(lower_in), upper, upper_in or top))
    return out


def _band_table(rows: list[_Band]) -> pd.DataFrame:
    """The canonical band table of normalised bands (:data:`BAND_COLUMNS`), built at once."""
    return pd.DataFrame(
        {
            "grade": pd.Series([b.grade for b in rows], dtype=object),
            "lower": np.array([b.lower for b in rows], dtype=float),
            "lower_inclusive": np.array([b.lower_inclusive for b in rows], dtype=bool),
            "upper": np.array([b.upper for b in rows], dtype=float),
            "upper_inclusive": np.array([b.upper_inclusive for b in rows], dtype=bool),
        }
    )


def bands_frame(bands: BandsLike) -> pd.DataFrame:
    """Normalise a list of dicts (or a DataFrame) into the canonical band table, full precision."""
    return _band_table(_normalised(bands))


def _order_issues(rows: list[_Band]) -> list[BandIssue]:
    """Bands whose lower bound is not below their upper bound, and tables not listed in order."""
    issues = [
        BandIssue(
            "order",
            (row.grade,),
            f"等级「{row.grade}」下限 {row.lower:g} 不小于上限 {row.upper:g}",
            "lower bound above upper bound",
            row.lower,
            row.upper,
        )
        for row in rows
        if row.lower > row.upper or (row.lower == row.upper and not (row.lower_inclusive and row.upper_inclusive))
    ]
    lowers = [row.lower for row in rows]
    steps = [b - a for a, b in zip(lowers, lowers[1:])]
    if not (all(d <= 0 for d in steps) or all(d >= 0 for d in steps)):
        issues.append(
            BandIssue(
                "order",
                tuple(row.grade for row in rows),
                "等级顺序混乱：" + " → ".join(f"{row.grade}（{row.lower:g}）" for row in rows),
                "bands are not listed in order",
            )
        )
    return issues


def _end_issues(ordered: list[_Band]) -> list[BandIssue]:
    """Scores at either end (from 0, up to 100) that no band covers."""
    issues = []
    first = ordered[0]
    if first.lower > 0 or (first.lower == 0 and not first.lower_inclusive):
        issues.append(
            BandIssue(
                "gap",
                (first.grade,),
                f"0 至 {first.lower:g} 分没有等级",
                f"scores below {first.lower:g} have no grade",
                0.0,
                first.lower,
            )
        )
    top = ordered[max(range(len(ordered)), key=lambda i: ordered[i].upper)]  # the first band of the highest upper
    if top.upper < 100 or (top.upper == 100 and not top.upper_inclusive):
        issues.append(
            BandIssue(
                "gap",
                (top.grade,),
                f"{top.upper:g} 至 100 分没有等级",
                f"scores from {top.upper:g} to 100 have no grade",
                top.upper,
                100.0,
            )
        )
    return issues


def _neighbour_issue(lo_band: object, hi_band: object) -> BandIssue | None:
    """A gap or an overlap between two bands next to each other in score order."""
    names = (lo_band.grade, hi_band.grade)
    if hi_band.lower > lo_band.upper or (
        hi_band.lower == lo_band.upper and not lo_band.upper_inclusive and not hi_band.lower_inclusive
    ):
        return BandIssue(
            "gap",
            names,
            f"「{lo_band.grade}」与「{hi_band.grade}」之间 {lo_band.upper:g}–{hi_band.lower:g} 分没有等级",
            f"scores between {lo_band.upper:g} and {hi_band.lower:g} fall between 「{lo_band.grade}」 and "
            f"「{hi_band.grade}」",
            lo_band.upper,
            hi_band.lower,
        )
    if hi_band.lower < lo_band.upper or (
        hi_band.lower == lo_band.upper and lo_band.upper_inclusive and hi_band.lower_inclusive
    ):
        return BandIssue(
            "overlap",
            names,
            f"「{lo_band.grade}」与「{hi_band.grade}」在 {hi_band.lower:g}–{lo_band.upper:g} 分重叠",
            f"「{lo_band.grade}」 and 「{hi_band.grade}」 overlap from {hi_band.lower:g} to {lo_band.upper:g}",
            hi_band.lower,
            lo_band.upper,
        )
    return None


def check_bands(bands: BandsLike) -> list[BandIssue]:
    """Every gap, overlap, disorder and hole at either end of a band table, naming the bands.

    Two neighbours fit when the upper end of the lower band equals the lower end of the higher band
    and exactly one of the two includes that point.
    """
    return _issues(_normalised(bands))


def _issues(rows: list[_Band]) -> list[BandIssue]:
    if not rows:
        return [BandIssue("empty", (), "等级表为空", "the band table is empty")]
    ordered = sorted(rows, key=lambda b: (b.lower, b.upper))  # stable, as a sort by both columns
    neighbours = [_neighbour_issue(lo, hi) for lo, hi in zip(ordered[:-1], ordered[1:])]
    return _order_issues(rows) + _end_issues(ordered) + [i for i in neighbours if i is not None]


def validated_bands(bands: BandsLike, source: str = "grade bands", key: str | None = None) -> pd.DataFrame:
    """The band table, or GradeBandError naming every defect (and the file and key the table was read from)."""
    rows = _normalised(bands)
    issues = _issues(rows)
    if issues:
        raise GradeBandError(
            "等级表有误 / invalid grade bands: " + "; ".join(i.message for i in issues), file=source, key=key
        )
    return _band_table(rows)


def _band_key(bands: BandsLike) -> tuple | None:
    """A hashable copy of a band table (its rows as mappings), None for a table whose values cannot be hashed
    (then it is normalised at each call)."""
    if isinstance(bands, pd.DataFrame):
        bands = bands.to_dict("records")
    try:
        key = tuple(tuple(sorted(dict(b).items())) for b in bands)
        hash(key)
    except TypeError:
        return None
    return key


@functools.lru_cache(maxsize=32)
def _cached_bands(key: tuple) -> tuple[np.ndarray, ...]:
    return _band_arrays(_normalised([dict(b) for b in key]))


def _band_arrays(rows: list[_Band]) -> tuple[np.ndarray, ...]:
    """The band table's columns as arrays: lower, upper, their inclusive flags, the grades."""
    grades = np.empty(len(rows), dtype=object)
    grades[:] = [b.grade for b in rows]
    return (
        np.array([b.lower for b in rows], dtype=float),
        np.array([b.upper for b in rows], dtype=float),
        np.array([b.lower_inclusive for b in rows], dtype=bool),
        np.array([b.upper_inclusive for b in rows], dtype=bool),
        grades,
    )


#: The arrays of the band tables already seen, by the table's identity (a rule set's ``grade_bands`` frame is
#: made once and never changed in place): id → (a weak reference to the table, its arrays). Issue 19 item 6.
_BY_TABLE: dict[int, tuple[weakref.ref, tuple[np.ndarray, ...]]] = {}


def _bands_of(bands: BandsLike) -> tuple[np.ndarray, ...]:
    """The arrays of a band table (:func:`_band_arrays`): a frame's by its identity, looked up once; other tables
    through :func:`_band_key` (normalised once per distinct table)."""
    if isinstance(bands, pd.DataFrame):
        seen = _BY_TABLE.get(id(bands))
        if seen is not None and seen[0]() is bands:
            return seen[1]
    key = _band_key(bands)
    arrays = _cached_bands(key) if key is not None else _band_arrays(_normalised(bands))
    if isinstance(bands, pd.DataFrame):
        if len(_BY_TABLE) > 64:
            _BY_TABLE.clear()
        _BY_TABLE[id(bands)] = (weakref.ref(bands), arrays)
    return arrays


def grade(scores: pd.Series | float, bands: BandsLike) -> pd.Series:
    """Grade each score (vectorised: every score against every band at once; the first band that holds a score
    gives its grade). Scores outside every band get None. A rule set's bands are normalised once."""
    lower, upper, lower_in, upper_in, grades = _bands_of(bands)
    s = pd.Series(scores, dtype=float)
    x = s.to_numpy(dtype=float)[:, None]
    with np.errstate(invalid="ignore"):
        low_ok = np.where(lower_in, x >= lower, x > lower)
        high_ok = np.where(upper_in, x <= upper, x < upper)
    inside = low_ok & high_ok
    if not len(grades):
        return pd.Series(np.full(len(s), None, dtype=object), index=s.index, dtype=object)
    # each score's first band holding it, else the None after the grades: one take of the grades
    first = np.where(inside.any(axis=1) & ~np.isnan(x[:, 0]), inside.argmax(axis=1), len(grades))
    return pd.Series(np.append(np.asarray(grades, dtype=object), None)[first], index=s.index, dtype=object)


def describe_band(row: Mapping) -> str:
    """'75 ≤ 得分 < 90' for a band row."""
    lo = (
        f"{row['lower']:g} {'≤' if row['lower_inclusive'] else '<'} "
        if row["lower"] > 0 or not row["lower_inclusive"]
        else ""
    )
    hi = (
        f" {'≤' if row['upper_inclusive'] else '<'} {row['upper']:g}"
        if row["upper"] < 100 or not row["upper_inclusive"]
        else ""
    )
    if not lo and not hi:
        return "全部得分"
    return f"{lo}得分{hi}"


def grade_band_names(grades: pd.Series | np.ndarray, synonyms: Mapping[str, Sequence[str]]) -> np.ndarray:
    """Each grade name as its band's name: a name listed under a band in ``synonyms`` (the rule set's
    ``audit.grade_synonyms``: 良 → [良好]) becomes that band's name, any other name stays as it is, so that
    two spellings of one band compare equal (良好 = 良, 优秀 = 优). Source: issue 20 item 7; 财预〔2020〕10号
    names the bands 优/良/中/差, units print 优秀/良好/一般/较差 (the 2022 report)."""
    names = {w: band for band, words in synonyms.items() for w in (words or ())}
    values = np.asarray(grades, dtype=object)
    codes, uniques = pd.factorize(values)  # a few distinct grades: each looked up once
    out = np.array([names.get(v, v) if isinstance(v, str) else v for v in uniques.tolist()] + [None], dtype=object)
    out = out[codes]
    out[codes < 0] = values[codes < 0]  # a missing grade as it is (None, NaN)
    return out
