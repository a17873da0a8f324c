"""Form layouts, an extension point: one declaration per layout carries its title wordings and every block with
its labels (column headers and row labels, each with the wordings it is printed in).

    form_layout(
        "project",
        kind="project",
        titles=(r"项目支出绩效(自评|评价)(表|得分表|评分表)",),
        blocks=(NAMES, Block("funds", columns={"budget": ("全年预算数", …), …}, rows={…}, needs=(…)), …),
    )

A layout declares the five blocks the reader reads (:data:`BLOCKS`: ``names``, ``funds``, ``goal``,
``indicators``, ``total``), each with the fields of :data:`FIELDS` only; a variant of another layout gives
``base=`` and only the words it adds. Labels are matched by :mod:`evaltools.data.forms.wording` (NFKC, spaces,
brackets, notes such as (A) or （万元）, 年度 / 年), so a layout lists each wording once, as printed. Adding a layout
is one declaration in this module; :func:`evaltools.data.forms.layout.choose_layout` picks, among the layouts whose
title matches, the one whose headers name the most columns of the form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from evaltools.data.forms.wording import Labels, cell_text, label_key
from evaltools.registry import Registry

#: The blocks a layout declares, and the fields the reader reads from each (columns, then row labels).
FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "names": (frozenset(), frozenset({"project", "department", "implementer", "published_total", "published_grade"})),
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
            }
        ),
        frozenset(),
    ),
    "total": (frozenset(), frozenset({"total", "grade"})),
}
BLOCKS = tuple(FIELDS)
KINDS = ("project", "department")


@dataclass(frozen=True)
class Block:
    """One block of a layout: ``columns`` (header field → wordings), ``rows`` (row-label field → wordings),
    ``needs`` (a header row is the block's when it names a field of each set; the other columns are optional) and
    ``ends`` (labels read nowhere that end the block or the value of the label before them; kept as
    :func:`~evaltools.data.forms.wording.cell_text`, matched as the start of a cell)."""

    name: str
    columns: Labels = field(default_factory=Labels)
    rows: Labels = field(default_factory=Labels)
    needs: tuple[frozenset[str], ...] = ()
    ends: tuple[str, ...] = ()

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
        )

    def labelled(self, text: str) -> bool:
        """Whether a cell is one of the block's labels (a row label, a column header or an end word)."""
        return self.rows.starting(text)[0] is not None or self.columns.starting(text)[0] is not None or self.ended(text)

    def ended(self, text: str) -> bool:
        """Whether a cell starts with one of the block's end words (matched as printed, after NFKC and spaces)."""
        return cell_text(text).startswith(self.ends)


@dataclass(frozen=True)
class FormLayout:
    """A form layout: its name, the kind of form it is (project / department), the title wordings that start it
    (regular expressions searched in the title's :func:`~evaltools.data.forms.wording.label_key`), its blocks."""

    name: str
    kind: str
    titles: tuple[str, ...]
    blocks: tuple[Block, ...]
    source: str = ""

    def block(self, name: str) -> Block:
        return next(b for b in self.blocks if b.name == name)

    def titled(self, text: str) -> bool:
        """Whether ``text`` is a title of this layout."""
        return _pattern(self.titles).search(label_key(text)) is not None


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
    base: str | None = None,
    source: str = "",
) -> FormLayout:
    """Declare and register the layout ``name``. With ``base``, a variant: the base layout's kind, titles and
    blocks, with ``titles`` added and each block of ``blocks`` merged into the base's block of that name."""
    if base is not None:
        parent = FORM_LAYOUTS[base]
        more = {b.name: b for b in blocks}
        blocks = tuple(b.merged(more[b.name]) if b.name in more else b for b in parent.blocks)
        titles = tuple(dict.fromkeys(parent.titles + titles))
        kind = kind or parent.kind
    layout = FormLayout(name, kind or "", titles, blocks, source)
    _check(layout)
    return FORM_LAYOUTS.add(name, layout)


def layouts_titled(text: str) -> list[FormLayout]:
    """The layouts whose title ``text`` is, in declaration order."""
    layouts, any_title = _declared(len(FORM_LAYOUTS))
    if not any_title.search(label_key(text)):
        return []  # most cells: one search
    return [layout for layout in layouts if layout.titled(text)]


@lru_cache(maxsize=8)
def _declared(count: int) -> tuple[tuple[FormLayout, ...], re.Pattern]:
    """The ``count`` layouts declared so far, and one expression for all their titles (layouts are only added)."""
    layouts = tuple(FORM_LAYOUTS.values())[:count]
    return layouts, _pattern(tuple(t for layout in layouts for t in layout.titles))


# ----------------------------------------------------------------------------- the blocks both kinds share

NAMES = Block(
    "names",
    rows={
        "project": ("项目名称",),
        "department": ("主管部门", "部门名称", "单位名称", "预算部门"),
        "implementer": ("实施单位", "项目实施单位"),
        "published_total": ("自评总分",),
        "published_grade": ("自评等级", "评价等级"),
    },
    ends=("财政处室", "部门联系人", "联系电话", "项目负责人", "财务负责人", "填报人", "项目属性", "项目类别"),
)
FUNDS = Block(
    "funds",
    columns={
        "budget_initial": ("年初预算数", "年初预算"),
        "budget": ("全年预算数", "全年(调整)预算数", "调整后预算数", "全年调整预算数"),
        "spent": ("全年执行数", "预算执行数"),
        "weight": ("分值", "权重", "执行率权重"),
        "rate": ("执行率", "预算执行率"),
        "score": ("得分", "执行率得分"),
    },
    rows={
        "total": ("年度资金总额", "资金总额", "总额", "合计"),
        "fiscal_current": ("本年财政拨款", "当年财政拨款", "财政拨款", "财政资金"),
        "carryover": ("上年结转资金", "上年结转"),
        "other_funds": ("其他资金", "财政专户管理资金", "单位资金"),
    },
    needs=({"budget"}, {"spent"}),
)
GOAL = Block(
    "goal",
    columns={
        "goal": ("预期目标", "年初绩效目标", "项目年度目标", "年度目标"),
        "result": ("实际完成情况", "全年目标实际完成情况", "年度目标完成情况", "实际完成"),
    },
    rows={"goal": ("年度总体目标", "年度主要任务", "当年绩效目标", "项目年度目标完成情况", "年度目标")},
)
INDICATORS = Block(
    "indicators",
    columns={
        "level1": ("一级指标",),
        "level2": ("二级指标",),
        "level3": ("三级指标", "指标名称", "三级指标名称"),
        "direction": ("指标性质",),
        "unit": ("计量单位", "度量单位"),
        "target": ("年度指标值", "指标值", "年初指标值", "年度目标值"),
        "target_adjusted": ("调整指标值", "全年(调整)指标值"),
        "actual": ("实际完成值", "完成值", "全年完成值", "全年实际值"),
        "weight": ("分值", "权重", "指标权重"),
        "panel_score": ("得分", "指标得分"),
        "stated_completion": ("完成率", "指标完成率"),
        "score_coefficient": ("得分系数",),
        "core": ("是否核心指标",),
        "deviation": ("偏差原因分析及改进措施", "偏差原因分析", "未完成原因分析", "偏差原因分析及改进措施(未完成原因)"),
    },
    needs=({"level3"}, {"weight", "panel_score"}),
    ends=(
        "报表编号",
        "自评总分",
        "自评等级",
        "评价等级",
        "评价结论",
        "存在问题",
        "改进措施",
        "说明",
        "注:",
        *(f"注{n}" for n in range(1, 10)),
        "备注",
        "项目负责人",
        "财务负责人",
        "填报人",
        "联系电话",
    ),
)
TOTAL = Block("total", rows={"total": ("总分", "合计", "总计", "得分合计"), "grade": ("自评等级", "评价等级")})

# ----------------------------------------------------------------------------- the layouts

form_layout(
    "project",
    kind="project",
    titles=(r"项目(支出)?绩效(自评价?|评价)(情况)?(表|得分表|评分表)",),
    blocks=(NAMES, FUNDS, GOAL, INDICATORS, TOTAL),
    source="财预〔2020〕10号 附件 and its provincial copies: 安徽, 四川 510000_0013zp, 上海 (docs/research/templates.md)",
)
form_layout(
    "department",
    kind="department",
    titles=(r"部门整体(支出)?绩效(自评价?|评价)(情况)?(表|得分表|评分表)",),
    blocks=(NAMES, FUNDS, GOAL, INDICATORS, TOTAL),
    source="部门整体支出绩效自评表: 重庆 (docs/research/templates.md T6)",
)


form_layout(
    "project-ab",
    base="project",
    blocks=(
        Block("funds", columns={"budget": ("预算数",), "spent": ("执行数",)}),
        Block("indicators", columns={"actual": ("实际值",)}),
    ),
    source="项目支出绩效自评表 headed 预算数(A) | 执行数(B) | 执行率(B/A) and 指标值(A) | 实际值(B), as the printed "
    "scoring notes name them (得分 = 实际值(B)/指标值(A) × 分值; 江西 2017, docs/research/templates.md)",
)
