"""What no output a person reads may hold: internal codes (None, nan, True, a totals mode such as ``form``, a
finding code, a report kind's name, an English column name). Shared by the tests that walk the outputs (自评表.xlsx,
report HTML, findings tables, the console)."""

from __future__ import annotations

import html
import re

from evaltools import labels
from evaltools.data.kinds import KINDS, TOTALS_MODES
from evaltools.data.schema import DIRECTIONS, PROFILE_FIELDS, TABLES, UNITS
from evaltools.scoring.audit import CODES

#: Python's and pandas' renderings of nothing and of flags.
MISSING = {"None", "nan", "NaN", "NaT", "null", "inf", "True", "False", "<NA>"}


def raw_tokens() -> set[str]:
    """Every internal code a reader must never see."""
    fields = {f.name for t in (*TABLES.values(), UNITS) for f in t.fields} | {f.name for f in PROFILE_FIELDS}
    codes = set(CODES) | set(KINDS) | set(TOTALS_MODES) | {"simple", "weighted"}
    directions = {d for d in DIRECTIONS if re.fullmatch(r"[a-z]+", d)}
    return MISSING | fields | codes | directions | set(labels.COLUMNS) | set(labels.SEVERITY)


_WORD = re.compile(r"<NA>|[A-Za-z_][A-Za-z0-9_]*")
_TAG = re.compile(r"<(style|script)\b.*?</\1>|<[^>]+>", re.S)


def raw_in(text: str, tokens: set[str] | None = None) -> list[str]:
    """The internal codes in ``text`` (plain text: an ASCII word equal to a code)."""
    tokens = raw_tokens() if tokens is None else tokens
    return [w for w in _WORD.findall(text) if w in tokens]


def visible_text(markup: str) -> str:
    """The text a reader sees in HTML: tags, styles and scripts removed, entities decoded."""
    return html.unescape(_TAG.sub(" ", markup))
