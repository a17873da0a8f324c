"""Form layouts, an extension point: one declaration per layout carries its title wordings and every block with
its labels (column headers and row labels, each with the wordings it is printed in).

    form_layout(
        "project",
        kind="project",
        titles=(r"^(?!.*整体).*项目",),
        blocks=(NAMES, Block("funds", columns={"budget": ("全年预算数", …), …}, rows={…}, needs=(…)), …),
    )

A form's title is any text :data:`TITLE` matches — the 自评表 wordings of every province seen, declared once here;
a layout's ``titles`` are the words that make a title its own (项目 …, 部门整体 …, 绩效目标 …). A title no layout
claims (绩效自评结果) and a form printed without a title are read with the layout whose headers name the most
columns, their kind found by :func:`evaltools.data.forms.layout.form_kind`.

A layout declares the five blocks the reader reads (:data:`BLOCKS`: ``names``, ``funds``, ``goal``,
``indicators``, ``total``), each with the fields of :data:`FIELDS` only; a variant of another layout gives
``base=`` and only the words it adds. Labels are matched by :mod:`evaltools.data.forms.wording` (NFKC, spaces,
brackets, notes such as (A) or （万元）, 年度 / 年), so a layout lists each wording once, as printed. Each layout is
declared in its own module of this package (:mod:`.standard`: 项目支出 and 部门整体); the package imports every
module it holds. :func:`evaltools.data.forms.layout.choose_layout` picks, among the layouts whose title matches
(all of them when none does), the one whose headers name the most columns of the form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from evaltools.data.forms.wording import Labels, cell_text, label_key
from evaltools.registry import Registry

#: The blocks a layout declares, and the fields the reader reads from each (columns, then row labels).
FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "names": (
        frozenset(),
        frozenset({"project", "department", "unit", "implementer", "published_total", "published_grade", "year"}),
    ),
    "funds": (
        frozenset({"budget_initial", "budget", "spent", "weight", "rate", "score"}),
        frozenset({"total", "fiscal_current", "carryover", "other_funds"}),
    ),
    "goal": (frozenset({"goal", "result"}), frozenset({"goal"})),
    "indicators": (
        frozenset(
            {
                "level1",
                "level2",
                "level3",
                "direction",
                "unit",
                "target",
                "target_adjusted",
                "actual",
                "weight",
                "panel_score",
                "stated_completion",
                "score_coefficient",
                "core",
                "deviation",
                "explain",
            }
        ),
        frozenset(),
    ),
    "total": (frozenset(), frozenset({"total", "grade"})),
}
BLOCKS = tuple(FIELDS)
#: The kinds of form, each with the name a reader sees (console lines, the audit page).
FORM_KINDS = {"project": "项目支出绩效自评表", "department": "部门整体支出绩效自评表"}
KINDS = tuple(FORM_KINDS)

#: How a 自评表's title ends, matched in its :func:`~evaltools.data.forms.wording.label_key` (simplified characters,
#: no spaces, 年度 as 年): …自评表, …评价表, …评分表, …得分表, …自评结果. Seen: 项目支出绩效自评表 (财预〔2020〕10号
#: and its provincial copies), 绩效目标自评表 (安徽 萧县 2023, 宁夏 原州 2022, 四川 中江 2022), 项目自评表 (湖北 市直
#: 2020–2022), 项目绩效自评表 (河北 成安 2020, 重庆 彭水 2024), 项目绩效评价自评表 (安徽 铜陵 2021), 部门整体
#: 支出绩效评价自评表 (安徽 寿县 2023), 整体支出绩效自评表 (江西 南昌 2021), 部门整体绩效自评表 (重庆 梁平 2023),
#: 项目自评结果 (湖北 2021 本专科生奖助学金), 项目支出绩效评分表 (四川 2019); docs/research/forms/.
TITLE_END = r"(?:自评价?|评价|评分)(?:情况)?(?:得分表|评分表|表)|自评(?:情况)?结果"
#: A form's title: :data:`TITLE_END` after one of the words a title names (绩效, 目标, 项目, 支出, 整体, 评价) and
#: before the end of the text, a bracket or a digit (…自评表(2021年), …自评表2019年)) — never before more words: a
#: heading such as 绩效自评表填报说明 or 四、绩效自评结果拟应用和公开情况 is not a title.
TITLE = rf"(?:绩效|目标|项目|支出|整体|评价)(?:{TITLE_END})(?=$|[(\d])"


@dataclass(frozen=True)
class Block:
    """One block of a layout: ``columns`` (header field → wordings), ``rows`` (row-label field → wordings),
    ``needs`` (a header row is the block's when it names a field of each set; the other columns are optional),
    ``ends`` (labels read nowhere that end the block or the value of the label before them; kept as
    :func:`~evaltools.data.forms.wording.cell_text`, matched as the start of a cell) and the layout switches:

    * ``weight_notes``: regular expressions (searched in a cell's ``cell_text``, the first group the number) that state the
      block's weight where it has no 分值 column — the funds label ``预算执行情况(万元)(20分)`` or the score header
      ``得分(20分*执行率)``; a funds block with neither a 分值 column nor such a note has an unknown weight;
    * ``merged_scores``: a 分值 / 得分 cell merged over several 三级 rows scores their 二级 item once (the rows
      are its measures); False reads each row's copy of the merged value as its own;
    * ``breakdowns``: regular expressions a 三级 name starts with when the row is a breakdown (其中) of the
      indicator above it;
    * ``templates``: regular expressions (full match of the name's ``cell_text``) of a template's unfilled slots
      (指标1, ……); ``numbering`` the prefix taken off a filled slot's name (指标1：, 指标2);
    * ``core_marks``: a regular expression of the marks printed before a core indicator's name (★★★): taken off
      the name, the row is core (是否核心指标 是)."""

    name: str
    columns: Labels = field(default_factory=Labels)
    rows: Labels = field(default_factory=Labels)
    needs: tuple[frozenset[str], ...] = ()
    ends: tuple[str, ...] = ()
    weight_notes: tuple[str, ...] = ()
    merged_scores: bool = True
    breakdowns: tuple[str, ...] = ()
    templates: tuple[str, ...] = ()
    numbering: str | None = None
    core_marks: str | None = None

    def __post_init__(self) -> None:
        for name in ("columns", "rows"):
            value = getattr(self, name)
            if not isinstance(value, Labels):
                object.__setattr__(self, name, Labels(value))
        object.__setattr__(self, "needs", tuple(frozenset(n) for n in self.needs))
        object.__setattr__(self, "ends", tuple(cell_text(e) for e in self.ends))

    def merged(self, more: Block) -> Block:
        """This block with the wordings, needs and ends of ``more`` (a variant's block) added."""
        return Block(
            self.name,
            self.columns.merged(more.columns),
            self.rows.merged(more.rows),
            more.needs or self.needs,
            tuple(dict.fromkeys(self.ends + more.ends)),
            tuple(dict.fromkeys(self.weight_notes + more.weight_notes)),
            self.merged_scores and more.merged_scores,
            tuple(dict.fromkeys(self.breakdowns + more.breakdowns)),
            tuple(dict.fromkeys(self.templates + more.templates)),
            more.numbering or self.numbering,
            more.core_marks or self.core_marks,
        )

    def stated_weight(self, text: str) -> float | None:
        """The weight a cell states for the block (``预算执行情况(20分)`` → 20), by its ``weight_notes``."""
        if not self.weight_notes:
            return None
        found = _pattern(self.weight_notes).search(cell_text(text))
        groups = [g for g in (found.groups() if found else ()) if g is not None]
        return float(groups[0]) if groups else None

    def breakdown(self, name: str) -> str | None:
        """The name of a breakdown row without its 其中 prefix ('' for a bare 其中：), or None when the row is not
        a breakdown."""
        found = _pattern(self.breakdowns).match(name) if self.breakdowns else None
        return name[found.end() :].strip() if found else None

    def template(self, name: str) -> bool:
        """Whether a 三级 name is an unfilled template slot (指标1, 指标2：, ……)."""
        if not self.templates:
            return False
        return _pattern(tuple(f"(?:{t})$" for t in self.templates)).match(cell_text(name)) is not None

    def unnumbered(self, name: str) -> str:
        """A name without the template's numbering (指标1：…, 指标2…)."""
        return re.sub(self.numbering, "", name).strip() if self.numbering else name

    def unmarked(self, name: str) -> tuple[str, bool]:
        """A name without the core marks printed before it, and whether it had any (★★★农村低保标准 → 农村低保标准, True)."""
        found = re.match(self.core_marks, name) if self.core_marks else None
        return (name[found.end() :].strip(), True) if found and found.end() else (name, False)

    def labelled(self, text: str) -> bool:
        """Whether a cell is one of the block's labels (a row label, a column header or an end word)."""
        return self.rows.starting(text)[0] is not None or self.columns.starting(text)[0] is not None or self.ended(text)

    def ended(self, text: str) -> bool:
        """Whether a cell starts with one of the block's end words (matched as printed, after NFKC and spaces)."""
        return cell_text(text).startswith(self.ends)


@dataclass(frozen=True)
class FormLayout:
    """A form layout: its name, the kind of form it is (project / department), the words that make a title
    (:data:`TITLE`) its own (regular expressions searched in the title's
    :func:`~evaltools.data.forms.wording.label_key`), its blocks."""

    name: str
    kind: str
    titles: tuple[str, ...]
    blocks: tuple[Block, ...]
    source: str = ""

    def block(self, name: str) -> Block:
        return next(b for b in self.blocks if b.name == name)

    def titled(self, text: str) -> bool:
        """Whether ``text`` is a title (:data:`TITLE`) of this layout."""
        return is_title(text) and _pattern(self.titles).search(label_key(text)) is not None


FORM_LAYOUTS: Registry[FormLayout] = Registry("form layout", "自评表版式")


@lru_cache(maxsize=256)
def _pattern(titles: tuple[str, ...]) -> re.Pattern:
    """One compiled expression for several title wordings."""
    return re.compile("|".join(f"(?:{t})" for t in titles))


def _check(layout: FormLayout) -> None:
    """A declaration names every block once, only fields the reader reads, and needs only its own columns."""
    names = [b.name for b in layout.blocks]
    if sorted(names) != sorted(BLOCKS) or layout.kind not in KINDS or not layout.titles:
        raise ValueError(f"form layout {layout.name!r}: kind in {KINDS}, titles and blocks {BLOCKS} once each")
    for block in layout.blocks:
        columns, rows = FIELDS[block.name]
        unknown = (set(block.columns) - columns) | (set(block.rows) - rows)
        unknown |= set().union(*block.needs) - set(block.columns) if block.needs else set()
        if unknown:
            raise ValueError(f"form layout {layout.name!r}, block {block.name!r}: unknown fields {sorted(unknown)}")


def form_layout(
    name: str,
    *,
    kind: str | None = None,
    titles: tuple[str, ...] = (),
    blocks: tuple[Block, ...] = (),
    base: FormLayout | str | None = None,
    source: str = "",
) -> FormLayout:
    """Declare and register the layout ``name``. With ``base`` (a layout or its name), a variant: the base
    layout's kind, titles and blocks, with ``titles`` added and each block of ``blocks`` merged into the base's
    block of that name."""
    if base is not None:
        parent = FORM_LAYOUTS[base] if isinstance(base, str) else base
        more = {b.name: b for b in blocks}
        blocks = tuple(b.merged(more[b.name]) if b.name in more else b for b in parent.blocks)
        titles = tuple(dict.fromkeys(parent.titles + titles))
        kind = kind or parent.kind
    layout = FormLayout(name, kind or "", titles, blocks, source)
    _check(layout)
    return FORM_LAYOUTS.add(name, layout)


_TITLE = re.compile(TITLE)


def is_title(text: str) -> bool:
    """Whether ``text`` is a form's title (:data:`TITLE`): at most 60 characters, as a title cell prints it."""
    return len(text) <= 60 and _TITLE.search(label_key(text)) is not None


def layouts_titled(text: str) -> list[FormLayout]:
    """The layouts whose title ``text`` is, in declaration order (none for a text that is no title, or a title
    no layout claims: 绩效自评结果)."""
    if not is_title(text):
        return []  # most cells: one search
    return [layout for layout in FORM_LAYOUTS.values() if layout.titled(text)]
