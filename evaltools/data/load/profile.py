"""The unit profile (profile.yaml, or the 「单位概况」 and 「文字材料」 sheets) validated into a
:class:`~evaltools.data.model.Profile`: known keys, values of their field's kind, required fields, the year."""

from __future__ import annotations

import difflib

from evaltools.data import schema as S
from evaltools.data.bounds import check_profile
from evaltools.data.cells import is_unknown, parse_bool, parse_number
from evaltools.data.load.tables import RawProfile
from evaltools.data.model import Profile
from evaltools.data.text import INVALID, profile_text
from evaltools.errors import Location, ProblemList
from evaltools.fmt import is_missing


def build_profile(profile_raw: RawProfile, problems: ProblemList, expected_year: int | None) -> Profile | None:
    """The validated :class:`Profile` from the raw profile, or None when it has errors (reported)."""
    data, loc = profile_raw
    if data is None:
        return None
    rows = data.pop("__rows__", {}) if isinstance(data, dict) else {}
    values = {}
    ok = True
    for key, value in data.items():
        name = S.PROFILE_ALIASES.get(key)
        where = Location(loc.file, loc.sheet, rows.get(key), str(key))
        if name is None:
            close = difflib.get_close_matches(str(key), list(S.PROFILE_ALIASES), n=1)
            problems.add(
                where,
                "未知的字段 / unknown profile key",
                found=key,
                expected=f"one of the profile fields{'; did you mean ' + close[0] + '?' if close else ''}",
            )
            ok = False
            continue
        parsed = _profile_value(S.PROFILE_BY_NAME[name], value, where, problems)
        if parsed is _INVALID:
            ok = False
            continue
        values[name] = parsed
    for spec in S.PROFILE_FIELDS:
        if spec.required and values.get(spec.name) is None:
            problems.add(
                Location(loc.file, loc.sheet, None, spec.title),
                f"缺少必填项 / required field 「{spec.title}」 ({spec.name}) is missing",
                expected="a value",
            )
            ok = False
    if ok and expected_year is not None and values.get("year") != expected_year:
        problems.add(
            Location(loc.file, loc.sheet, rows.get("year"), "year"),
            "年度与请求不符 / the data is for another year",
            found=values.get("year"),
            expected=str(expected_year),
            code="YEAR_MISMATCH",
        )
        ok = False
    return Profile(**values) if ok else None


#: What the profile value parsers return for a value they reported as a problem (None is a valid value).
_INVALID = object()


def _profile_value(spec: S.ProfileField, value: object, where: Location, problems: ProblemList) -> object:
    """One profile value converted to its field's kind, or ``_INVALID`` when it cannot be (reported)."""
    if spec.kind == "list":
        return _profile_list(value, where, problems)
    if spec.kind in ("int", "money", "number"):
        return _profile_number(spec.kind, value, where, problems, spec.name)
    if spec.kind == "bool":
        flag, reason = parse_bool(value)
        if reason:
            problems.add(where, "应为是/否 / expected yes or no", found=value)
            return _INVALID
        return flag
    text = profile_text(value, where, problems)
    if text is INVALID:
        return _INVALID
    if spec.choices and text is not None and text not in spec.choices:
        problems.add(
            where, f"「{spec.title}」的值无效 / invalid {spec.name}", found=text, expected=" | ".join(spec.choices)
        )
        return _INVALID
    return text


def _profile_list(value: object, where: Location, problems: ProblemList) -> tuple[str, ...] | object:
    """A list-of-text profile value as a tuple of non-blank texts, or ``_INVALID`` (reported)."""
    if value is None:
        value = []
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list):
        problems.add(where, "应为文字列表 / expected a list of text", found=type(value).__name__)
        return _INVALID
    items = [profile_text(v, where, problems) for v in value]
    if any(v is INVALID for v in items):
        return _INVALID
    return tuple(v for v in items if v)


def _profile_number(
    kind: str, value: object, where: Location, problems: ProblemList, name: str = ""
) -> int | float | None | object:
    """An int, money or number profile value (None when empty), or ``_INVALID`` (reported)."""
    if is_unknown(value):  # printed but unreadable: NaN, unlike None (not given)
        return float("nan")
    number, reason = parse_number(value, allow_percent=False)  # one value: no Series for it
    if isinstance(reason, str):
        problems.add(where, "应为数字 / expected a number", found=repr(value), expected="a number")
        return _INVALID
    if name and not check_profile(name, number, where, problems):
        return _INVALID
    if kind == "int" and not is_missing(number):
        if number != int(number):
            problems.add(where, "应为整数 / expected a whole number", found=value)
            return _INVALID
        number = int(number)
    if kind == "money" and not is_missing(number) and number < 0:
        problems.add(where, "金额不能为负 / money must be ≥ 0", found=value, expected="≥ 0")
        return _INVALID
    return None if is_missing(number) else (number if isinstance(number, int) else float(number))
