"""Label mutations for the property tests of tests/data/test_forms_mutation.py: what a printed cell is (a label,
a title, a year cell, a signed target — or a value, never mutated) and the classes of variants issue 19 saw on real
forms, each printing a label another way that must read the same:

* ``width``: full-width ↔ half-width letters, digits, brackets, colons and signs (（Ａ） for (A));
* ``compat``: characters NFKC folds — Kangxi radicals and CJK compatibility ideographs (⾃评 for 自评, ⽬ for
  目, as PDF-to-Word conversions print them), small and vertical forms (﹙﹚﹕︓﹪);
* ``lookalike``: brackets printed as 【】〔〕［］﹝﹞〖〗, the colon as ∶; in targets, actuals and 指标性质 cells
  ≥ ≤ = as ≧ ⩾ >= ＞＝ 大于等于 / ≦ ⩽ <= ＜＝ 小于等于 / ﹦ ＝ ==;
* ``box``: box-drawing characters — ═ for = in targets and 指标性质, table-border residue (│ ┃ ║ ┆) at a
  label's edges;
* ``space``: stray spaces, line breaks, tabs, non-breaking, ideographic, zero-width spaces and word joiners
  inside and around words;
* ``suffix``: notes after a label ((A), (B/A), （万元）, (%), (分), (盖章)) where they say nothing new, a trailing
  colon, 年度 ↔ 年.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from hypothesis import strategies as st

from evaltools.data.forms.layouts import FORM_LAYOUTS, layouts_titled
from evaltools.data.forms.wording import cell_text

#: The classes, in the order "all at once" applies them (a note added first is then printed every other way too).
CLASSES = ("suffix", "width", "compat", "lookalike", "box", "space")

# ----------------------------------------------------------------------------- what a label is


@dataclass(frozen=True)
class Role:
    """What a cell is: a ``title``, a ``year`` cell, a ``column`` header or ``row`` label of a block (with its
    field), a ``block`` label, or a ``sign`` cell (a target, actual or 指标性质 printed with ≥ ≤ =)."""

    kind: str
    block: str = ""
    field: str = ""


_YEAR_CELL = re.compile(r"[(（]?\s*\d{4}\s*年度?\s*[)）]?")
#: Block labels the reader reads no field from but uses (项目资金（万元） says the money unit; 预算执行情况(10分)
#: states the funds weight): mutated as labels.
_BLOCK_LABELS = re.compile(r"(?:项目资金|资金|预算执行情况|部门预算执行情况|项目基本情况)(?:\([^()]*\))*")
#: A target / actual / 指标性质 cell printed with ≥ ≤ = (alone, or before a figure).
_SIGNED = re.compile(r"^\s*(?:≥|≤|=|＝|﹦)\s*(?:$|[\d.０-９])")


def _blocks():
    return [block for layout in FORM_LAYOUTS.values() for block in layout.blocks]


def _label_part(text: str) -> str:
    """A label without a 其中 prefix and without the value written after its colon."""
    text = re.sub(r"^其中\s*[:：]\s*", "", text.strip())
    return re.split(r"[:：]", text, maxsplit=1)[0]


@lru_cache(maxsize=4096)
def role(text: str) -> Role | None:
    """The role of a printed cell (None for a value), by the labels the layouts declare."""
    key = cell_text(text)
    if not key:
        return None
    if _SIGNED.match(text):
        return Role("sign")
    if _YEAR_CELL.fullmatch(text.strip()):
        return Role("year")
    if len(key) <= 60 and layouts_titled(text):
        return Role("title")
    for block in _blocks():
        name = block.columns.field(text)
        if name is not None:
            return Role("column", block.name, name)
    part = _label_part(text)
    for block in _blocks():
        name, rest = block.rows.starting(part)
        if name is not None and (rest == "" or re.fullmatch(r"\(.*\)", rest)):
            return Role("row", block.name, name)
    if _BLOCK_LABELS.fullmatch(key):
        return Role("block")
    return None


# ----------------------------------------------------------------------------- the mutations

_FULL = {chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)}
_HALF = {v: k for k, v in _FULL.items()}
#: Characters NFKC folds into a character of a label: Kangxi radicals, CJK compatibility ideographs, small forms.
_COMPAT: dict[str, list[str]] = {}
for _cp in [*range(0x2F00, 0x2FD6), *range(0xF900, 0xFADA), *range(0x2F800, 0x2FA1E), *range(0xFE10, 0xFE6C)]:
    _folded = unicodedata.normalize("NFKC", chr(_cp))
    if len(_folded) == 1 and _folded != chr(_cp):
        _COMPAT.setdefault(_folded, []).append(chr(_cp))
_COMPAT["："] = _COMPAT.get(":", [])
_COMPAT["（"], _COMPAT["）"] = _COMPAT.get("(", []), _COMPAT.get(")", [])
_OPEN, _CLOSE = "(（", ")）"
#: Look-alike bracket pairs (NFKC leaves them alone); a year is printed in round ones only.
_PAIRS = ("【】", "〔〕", "［］", "﹝﹞", "〖〗", "[]")
_COLONS = ("∶",)
#: ≥ ≤ = and the look-alikes forms print them in (丽江 2020 ﹦, 永德 2022 ≧ and ═, 濉溪 2019 >=; docs/research/forms).
_SIGNS = {
    "≥": ("≧", "⩾", ">=", "＞＝", "大于等于", "≥ "),
    "≤": ("≦", "⩽", "<=", "＜＝", "小于等于", "≤ "),
    "=": ("﹦", "＝", "==", "= "),
}
_BOX_SIGNS = {"=": ("═",), "≥": ("≥",), "≤": ("≤",)}
_BORDERS = ("│", "┃", "║", "┆")
_SPACES = (" ", "  ", "\u3000", "\u00a0", "\n", "\r\n", "\t", "\u200b", "\u2002", "\u202f", "\ufeff", "\u2060")
_LETTERS = ("(A)", "(B)", "(C)", "（A）", "(B/A)")


class Draws:
    """The choices a mutation makes: hypothesis' draws, or without them (``draw=None``) every label mutated the
    same way: every choice yes, the ``nth`` option of each."""

    def __init__(self, draw=None, nth: int = 0):
        self._draw, self._nth = draw, nth

    def yes(self) -> bool:
        return self._draw(st.booleans()) if self._draw else True

    def pick(self, options):
        options = tuple(options)
        return self._draw(st.sampled_from(options)) if self._draw else options[self._nth % len(options)]


def _each(text: str, draw, eligible, choices) -> str:
    """``text`` with each eligible character maybe replaced by one of its choices."""
    out = []
    for ch in text:
        options = choices(ch) if eligible(ch) else ()
        if options and draw.yes():
            out.append(draw.pick(options))
        else:
            out.append(ch)
    return "".join(out)


def _width(text: str, draw) -> str:
    return _each(text, draw, lambda ch: ch in _FULL or ch in _HALF, lambda ch: (_FULL.get(ch) or _HALF.get(ch),))


def _compat(text: str, draw) -> str:
    return _each(text, draw, lambda ch: ch in _COMPAT, lambda ch: _COMPAT[ch])


def _brackets(text: str, draw, pairs=_PAIRS) -> str:
    """Each bracketed part of ``text`` maybe in a look-alike pair."""
    out, stack = [], []
    for ch in text:
        if ch in _OPEN:
            pair = draw.pick(("()", "（）", *pairs))
            stack.append(pair)
            out.append(pair[0])
        elif ch in _CLOSE and stack:
            out.append(stack.pop()[1])
        else:
            out.append(ch)
    return "".join(out)


def _sign(text: str, draw, table) -> str:
    """A leading ≥ ≤ = (in any of its spellings) in one of its look-alikes."""
    found = _SIGN_TEXT.match(text)
    canonical = canonical_sign(found.group(0).strip()) if found else None
    if canonical not in table:
        return text
    return draw.pick(table[canonical]) + text[found.end() :]


def _lookalike(text: str, role_: Role, draw) -> str:
    if role_.kind == "sign":
        return _sign(text, draw, _SIGNS)
    if role_.kind in ("title", "year"):
        return text  # a year in 〔〕 is a document number (财预〔2020〕10号), not a form's year
    text = _brackets(text, draw)
    return _each(text, draw, lambda ch: ch in ":：", lambda ch: _COLONS)


def _box(text: str, role_: Role, draw) -> str:
    if role_.kind == "sign":
        return _sign(text, draw, _BOX_SIGNS)
    if role_.kind in ("title", "year"):
        return text
    before = draw.pick(("", *_BORDERS))
    after = draw.pick(("", *_BORDERS))
    return before + text + after


def _space(text: str, role_: Role, draw) -> str:
    if role_.kind == "sign":
        return text
    out = []
    for ch in text:
        if draw.yes():
            out.append(draw.pick(_SPACES))
        out.append(ch)
    if draw.yes():
        out.append(draw.pick(_SPACES))
    return "".join(out)


def _notes(role_: Role, context: dict) -> tuple[str, ...]:
    """The notes a label may carry without saying anything new (a (万元) on a form printed in 元 would)."""
    money = () if context["yuan"] else ("（万元）", "(万元)")
    if role_.kind == "column" and role_.block == "funds":
        rate = ("(B/A)", "（B/A）") + (() if context["bare_rate"] else ("(%)", "（%）"))
        by_field = {"weight": ("(分)",), "score": ("(分)",), "rate": rate}
        return by_field.get(role_.field, _LETTERS + money)
    if role_.kind == "column":
        percent = ("(%)", "（%）")
        by_field = {"weight": ("(分)",), "panel_score": ("(分)",), "stated_completion": percent}
        return by_field.get(role_.field, _LETTERS)
    if role_.kind == "row" and role_.block == "names":
        return ("(盖章)", "（盖章）") if role_.field in ("department", "implementer") else ()
    if role_.kind == "row" and role_.block == "funds":
        return money
    return ()


def _suffix(text: str, role_: Role, draw, context: dict) -> str:
    if role_.kind == "sign":
        return text
    if role_.kind == "title":
        # the year note of a title, （2022年度） ↔ （2022年）; a year run into the title's words (2022年度共享工程项目
        # 自评表 → 2022年共享…) is the title reader's (tests/data/test_forms_titles.py)
        if draw.yes():
            text = re.sub(r"([(（]\s*\d{4}\s*年)度", r"\1", text, count=1)
    elif "年度" in text and draw.yes():
        text = text.replace("年度", "年", 1)
    elif role_.kind == "year" and draw.yes():
        text = re.sub("年(?!度)", "年度", text, count=1)
    head, colon = re.match(r"^(.*?)([:：]?\s*)$", text, re.S).groups()
    notes = _notes(role_, context)
    if notes and draw.yes():
        head = head.rstrip() + draw.pick(notes)
    if role_.kind in ("column", "row") and not colon and not context.get("colon") and draw.yes():
        colon = draw.pick(("：", ":"))
    return head + colon


MUTATIONS = {
    "width": lambda text, role_, draw, ctx: _width(text, draw),
    "compat": lambda text, role_, draw, ctx: _compat(text, draw),
    "lookalike": lambda text, role_, draw, ctx: _lookalike(text, role_, draw),
    "box": lambda text, role_, draw, ctx: _box(text, role_, draw),
    "space": lambda text, role_, draw, ctx: _space(text, role_, draw),
    "suffix": lambda text, role_, draw, ctx: _suffix(text, role_, draw, ctx),
}


#: The colon after a label as each class prints it.
_COLON_FORMS = {"width": ("：", ":"), "compat": ("﹕", "︓"), "lookalike": ("∶",)}


def mutate(text: str, classes: tuple[str, ...], draw, context: dict) -> str:
    """``text`` mutated by ``classes`` when it is a label (its value, after a colon, and a figure after a sign
    are kept; the colon itself is printed in other widths and look-alikes)."""
    role_ = role(text)
    if role_ is None or cell_text(text) in context.get("values", ()) or not draw.yes():
        return text
    head, colon, value = text, "", ""
    if role_.kind == "sign":
        found = re.match(r"^\s*\S", text)
        head, value = found.group(0), text[found.end() :]  # only the sign: the figure is a value
    elif role_.kind in ("row", "column") and not text.strip().startswith("其中"):
        found = re.match(r"^([^:：]*)([:：])(.*)$", text, re.S)
        if found:
            head, colon, value = found.groups()  # 项目名称：XXX — the name is a value
    for name in classes:
        head = MUTATIONS[name](head, role_, draw, {**context, "colon": bool(colon)})
        if colon and name in _COLON_FORMS and draw.yes():
            colon = draw.pick(_COLON_FORMS[name])
    mutated = head + colon + value
    if mutated != text:
        context.setdefault("changes", []).append((text, mutated))
    return mutated


# ----------------------------------------------------------------------------- a printed sign, canonical

_SIGN_TEXT = re.compile(r"^\s*(?:大于等于|小于等于|>=|<=|＞＝|＜＝|==|[≥≤=＝﹦≧≦⩾⩽═])\s*")
_CANONICAL = {
    "大于等于": "≥",
    "小于等于": "≤",
    ">=": "≥",
    "<=": "≤",
    "＞＝": "≥",
    "＜＝": "≤",
    "==": "=",
    "＝": "=",
    "﹦": "=",
    "═": "=",
    "≧": "≥",
    "⩾": "≥",
    "≦": "≤",
    "⩽": "≤",
}


def canonical_sign(value: object) -> object:
    """A printed target or actual with its leading sign in the canonical character (the test's own table)."""
    if not isinstance(value, str):
        return value
    found = _SIGN_TEXT.match(value)
    if not found:
        return value
    sign = found.group(0).strip()
    return _CANONICAL.get(sign, sign) + value[found.end() :]
