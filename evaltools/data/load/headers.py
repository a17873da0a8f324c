"""A table's header row mapped to its fields: accepted spellings (Chinese titles, field names, full-width
signs), duplicates, misspellings (errors), unknown columns (warnings), required columns, and the 预算单位
column of many-unit data."""

from __future__ import annotations

import difflib
import unicodedata

from evaltools.data import schema as S
from evaltools.data.load.tables import SHARED_TABLES, RawTable
from evaltools.errors import WARNING, ProblemList


def titles_of(table: S.Table, name: str) -> str:
    """The Chinese title of a column of ``table`` (the unit column included)."""
    return S.ORG_FIELD.title if name == S.ORG and S.ORG not in table.names() else table.field(name).title


def map_headers(table: S.Table, raw: RawTable, problems: ProblemList, many: bool = False) -> dict[str, str] | None:
    """Original header → field name of every recognised column, or None when the header row has errors (reported)."""
    rename, unknown, seen = _match_headers(table, raw, problems)
    missing = [f for f in table.fields if f.required and f.name not in seen]
    header_error = len(seen) < sum(1 for c in raw.frame.columns if c not in unknown)  # duplicates
    header_error |= _org_header(table, raw, many, seen, problems)
    if _report_unknown_columns(table, raw, unknown, seen, missing, problems):
        header_error = True
    for f in missing:
        problems.add(
            raw.loc(raw.header_row, f.title),
            f"缺少必需的列 / required column 「{f.title}」 ({f.name}) is missing",
            expected=f"a column headed 「{f.title}」 or '{f.name}'",
        )
    if missing or header_error:
        return None
    return rename


def _org_header(table: S.Table, raw: RawTable, many: bool, seen: dict, problems: ProblemList) -> bool:
    """The 预算单位 column: required in many-unit data (except in shared tables), refused without a units
    table. Whether the header row is wrong (reported)."""
    if table.name == S.UNITS.name:
        return False
    if many and S.ORG not in seen and table.name not in SHARED_TABLES:
        problems.add(
            raw.loc(raw.header_row, S.ORG_FIELD.title),
            f"缺少必需的列 / required column 「{S.ORG_FIELD.title}」 ({S.ORG}) is missing",
            expected="the unit of every row: the data has a units table, so it holds many units",
        )
        return True
    if not many and S.ORG in seen:
        problems.add(
            raw.loc(raw.header_row, str(seen[S.ORG])),
            "有预算单位列，但没有单位表 / a 预算单位 column without a units table",
            expected=f"units.csv (sheet 「{S.UNITS.sheet}」) listing every unit, or no 预算单位 column",
        )
        return True
    return False


def _match_headers(
    table: S.Table, raw: RawTable, problems: ProblemList
) -> tuple[dict[str, str], list[str], dict[str, str]]:
    """Headers matched by accepted spelling: (header → field, unknown headers, field → header); duplicates reported."""
    aliases = {**table.header_aliases(), **{h: S.ORG for h in (S.ORG, S.ORG_FIELD.title, *S.ORG_HEADERS)}}
    rename, unknown, seen = {}, [], {}
    for col in raw.frame.columns:
        head = unicodedata.normalize("NFKC", str(col)).strip()
        key = aliases.get(head) or aliases.get(head.lower()) or aliases.get(str(col).strip())
        if key is None:
            unknown.append(col)
        elif key in seen:
            problems.add(
                raw.loc(raw.header_row, str(col)),
                "重复的列 / duplicate column",
                found=col,
                expected=f"「{titles_of(table, key)}」 once",
            )
        else:
            seen[key] = col
            rename[col] = key
    return rename, unknown, seen


def _report_unknown_columns(
    table: S.Table,
    raw: RawTable,
    unknown: list[str],
    seen: dict[str, str],
    missing: list[S.Field],
    problems: ProblemList,
) -> bool:
    """Report unknown headers (misspelt ones as errors, taken off ``missing``); whether any was misspelt."""
    misspelt = False
    for col in unknown:
        candidates = {
            **{f.title: f for f in table.fields if f.name not in seen},
            **{f.name: f for f in table.fields if f.name not in seen},
        }
        close = difflib.get_close_matches(str(col).strip(), list(candidates), n=1, cutoff=0.6)
        if close:
            f = candidates[close[0]]
            problems.add(
                raw.loc(raw.header_row, str(col)),
                "列名拼写有误 / misspelt column header",
                found=col,
                expected=f"「{f.title}」 or '{f.name}'",
            )
            misspelt = True
            if f in missing:
                missing.remove(f)
        else:
            problems.add(
                raw.loc(raw.header_row, str(col)),
                "未知的列，已忽略 / unknown column ignored",
                found=col,
                expected=", ".join(table.titles().values()),
                severity=WARNING,
                code="UNKNOWN_COLUMN",
            )
    return misspelt
