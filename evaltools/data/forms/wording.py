"""How the words printed in a form are normalised before they are matched — in this one place.

Real forms print the same label many ways: full-width and half-width forms (（）/ ()，：/ :，full-width digits
and letters), spaces inside words (项 目 名 称), other brackets (【】〔〕［］), a note after a column header
((A), （B）, (B/A), （万元）, (%), (分), (盖章)), 年度 or 年, a trailing colon. Direction cells and target prefixes
print ≥ ≤ = in look-alike characters (＞＝, >=, ≧, ⩾, ═) or in words (大于等于, 不少于, 小于或等于 …).

* :func:`cell_text` — a cell's text for matching: Unicode NFKC (the library's compatibility folding: full-width
  digits, letters, signs and brackets, Kangxi radicals and compatibility ideographs become the plain characters),
  look-alike brackets as ``()`` and the ratio sign ∶ as ``:``, no whitespace, zero-width or format character and
  no box-drawing border at all, and in simplified characters (:func:`simplified`: forms printed or mirrored in
  traditional characters, 績效自評表 → 绩效自评表);
* :func:`label_key` — a label's key: :func:`cell_text`, 年度 as 年, no trailing colon or stop; both a layout's
  labels and the printed cells go through it;
* :func:`label_keys` — the keys a printed header is tried under: as printed, without its trailing notes, without
  any bracketed part;
* :class:`Labels` — one label table (field → accepted wordings) that matches by those keys;
* :func:`sign_text` / :func:`direction_code` — ≥ ≤ = in their canonical characters, and the direction a cell names.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from types import MappingProxyType

from evaltools.data.schema import DIRECTIONS
from evaltools.fmt import is_missing

_SPACES = re.compile(r"\s+")
#: Brackets NFKC leaves alone, as the round ones every label is written with (【万元】, 〔B〕, ［A］, 〖20分〗; NFKC
#: has already made ﹝﹞ 〔〕 and ［］ []), and the ratio sign ∶ (U+2236) typed for the colon (其中∶财政资金).
_LOOK_ALIKES = {"【": "(", "】": ")", "〔": "(", "〕": ")", "[": "(", "]": ")", "〖": "(", "〗": ")", "∶": ":"}
#: Characters a cell is matched without, as if they were spaces (issue 19: "stray spaces inside words"):
#: zero-width and other format characters (Unicode category Cf: U+200B zero-width space, U+2060 word joiner,
#: U+FEFF, soft hyphen, direction marks) left in text copied from web pages and PDF conversions, and the
#: box-drawing characters of a table border copied into a cell (│ ┃ ║ ┆, corners, junctions). The horizontal
#: box-drawing lines are kept: forms print ─ for "not applicable" and ═ (U+2550) for = (永德 2022,
#: docs/research/forms/yunnan-yongde-minglang-yingyang-2022-project.md).
_HORIZONTAL = "─━┄┅┈┉╌╍═╴╶╸╺╼╾"
_INVISIBLE = [
    chr(c)
    for c in (0x00AD, 0x061C, 0x180E, *range(0x200B, 0x2010), *range(0x202A, 0x202F), *range(0x2060, 0x2070), 0xFEFF)
    if unicodedata.category(chr(c)) == "Cf"
]
_BORDERS = [chr(c) for c in range(0x2500, 0x2580) if chr(c) not in _HORIZONTAL]
_CELL = str.maketrans({**_LOOK_ALIKES, **dict.fromkeys(_INVISIBLE + _BORDERS)})
_TRAILING = re.compile(r"[:;,.、。]+$")
#: Short notes after a header: (A), (B/A), (万元), (%), (分), (盖章), (元) — one or more, at the end.
_NOTES = re.compile(r"(?:\([^()]{0,8}\))+$")
_ANY_NOTE = re.compile(r"\([^()]*\)")

#: Look-alike spellings of ≥ ≤ = (after NFKC: ＞＝ is already >=), longest first.
SIGNS: tuple[tuple[str, str], ...] = (
    ("大于或等于", "≥"),
    ("小于或等于", "≤"),
    ("大于等于", "≥"),
    ("小于等于", "≤"),
    ("不少于", "≥"),
    ("不小于", "≥"),
    ("不多于", "≤"),
    ("不大于", "≤"),
    (">=", "≥"),
    ("=>", "≥"),
    ("<=", "≤"),
    ("=<", "≤"),
    ("≧", "≥"),
    ("⩾", "≥"),
    ("≦", "≤"),
    ("⩽", "≤"),
    ("═", "="),
    ("==", "="),
)
#: What a form's 指标性质 column prints beyond the data's own direction words: 定量 says nothing of the direction.
FORM_DIRECTIONS: dict[str, str | None] = {"定性指标": "qualitative", "定量": None, "定量指标": None}


def cell_text(value: object) -> str:
    """A cell's text for matching: NFKC (full-width digits, letters, signs and brackets; ⾃ ⽬ as 自 目),
    【】〔〕[]〖〗 as (), ∶ as :, no spaces, zero-width characters or box-drawing borders at all, simplified
    characters (:func:`simplified`)."""
    if is_missing(value):
        return ""
    return simplified(_SPACES.sub("", unicodedata.normalize("NFKC", str(value)).translate(_CELL)))


@lru_cache(maxsize=1)
def _converter() -> tuple[object, frozenset[str]]:
    """OpenCC's traditional → simplified converter (``t2s``, the pure-Python opencc-python-reimplemented) and the
    characters it changes (the keys of its TSCharacters dictionary that map to another character): a text with
    none of them is returned as it is, without the converter's phrase search (70 µs a cell)."""
    import opencc  # opencc-python-reimplemented

    table = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
    changed = set()
    if table.exists():
        for line in table.read_text(encoding="utf-8").splitlines():
            key, _, values = line.partition("\t")
            if values and values.split()[0] != key:
                changed.add(key)
    return opencc.OpenCC("t2s"), frozenset(changed)


def simplified(text: str) -> str:
    """``text`` in simplified characters: forms printed (or mirrored by document-sharing sites) in traditional
    characters — 績效自評表, 項目名稱, 預算數, 年初目標值 (湖北 蔡甸 2021, 黄冈 2020, 云南 丽江 2020;
    docs/research/forms/hubei-caidian-senlinfanghuo-2021-project.md) — match the layouts' simplified labels. Only
    for matching: the names and values a form prints are kept as printed."""
    converter, changed = _converter()
    if not text or (changed and changed.isdisjoint(text)):
        return text
    return converter.convert(text)  # type: ignore[attr-defined]


@lru_cache(maxsize=1 << 16)
def label_key(text: str) -> str:
    """The key a label is matched by: :func:`cell_text`, 年度 as 年, no trailing colon or stop."""
    return _TRAILING.sub("", cell_text(text).replace("年度", "年"))


@lru_cache(maxsize=1 << 16)
def label_keys(text: str) -> tuple[str, ...]:
    """The keys a printed header is tried under, in order: as printed, without its trailing notes ((A), (万元),
    (%) …), without any bracketed part (全年(调整)预算数 → 全年预算数)."""
    key = label_key(text)
    return tuple(dict.fromkeys((key, _NOTES.sub("", key), _ANY_NOTE.sub("", key))))


def sign_text(text: str) -> str:
    """``text`` (already :func:`cell_text`) with a leading look-alike of ≥ ≤ = in its canonical character."""
    for spelling, sign in SIGNS:
        if text.startswith(spelling):
            return sign + text[len(spelling) :]
    return text


def _direction_words() -> dict[str, str | None]:
    words: dict[str, str | None] = {}
    for code, spellings in DIRECTIONS.items():
        for spelling in (code, *spellings):
            words[sign_text(cell_text(spelling))] = code
    words.update(FORM_DIRECTIONS)
    return words


#: A direction cell's words (normalised) → direction code (:data:`evaltools.data.schema.DIRECTIONS`).
DIRECTION_WORDS: Mapping[str, str | None] = MappingProxyType(_direction_words())


def direction_code(text: object) -> tuple[bool, str | None]:
    """Whether a 指标性质 cell names a direction, and which (``≥``, ``>=``, ``＞＝``, ``≧``, ``大于等于`` → ``>=``;
    定量 names none)."""
    key = sign_text(cell_text(text))
    return key in DIRECTION_WORDS, DIRECTION_WORDS.get(key)


class Labels(Mapping[str, tuple[str, ...]]):
    """A label table: field → the wordings it is printed in (read-only). :meth:`field` finds the field a printed
    header names by :func:`label_keys`; :meth:`starting` the field whose label a cell starts with. A wording whose
    key names two fields is refused (``ValueError``)."""

    def __init__(self, table: Mapping[str, tuple[str, ...]] | None = None):
        self._table = {name: tuple(words) for name, words in (table or {}).items()}
        self._keys: dict[str, str] = {}
        for name, words in self._table.items():
            for word in words:
                if self._keys.setdefault(label_key(word), name) != name:
                    raise ValueError(f"the label {word!r} names both {self._keys[label_key(word)]!r} and {name!r}")
        self._prefixes = sorted(self._keys, key=len, reverse=True)

    def __getitem__(self, name: str) -> tuple[str, ...]:
        return self._table[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table)

    def __len__(self) -> int:
        return len(self._table)

    def __repr__(self) -> str:
        return f"Labels({self._table!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Labels) and self._table == other._table

    def __hash__(self) -> int:
        return hash(tuple(self._table.items()))

    def merged(self, more: Mapping[str, tuple[str, ...]]) -> Labels:
        """This table with ``more`` wordings added (a layout variant's own words after its base's)."""
        names = dict.fromkeys([*self._table, *more])
        return Labels({n: tuple(dict.fromkeys(self._table.get(n, ()) + tuple(more.get(n, ())))) for n in names})

    def field(self, text: str) -> str | None:
        """The field a header cell names: by its key, without its notes, or without any bracketed part."""
        for key in label_keys(text):
            if key in self._keys:
                return self._keys[key]
        return None

    def starting(self, text: str) -> tuple[str | None, str]:
        """The field whose label ``text`` starts with (the longest label), and the rest of the text."""
        key = label_key(text)
        for label in self._prefixes:
            if key.startswith(label):
                return self._keys[label], key[len(label) :]
        return None, key
