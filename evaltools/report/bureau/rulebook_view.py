"""The rule book as the bureau report prints it (附件 1 扣分标准对照表, the risk parts, the 复核依据), in the
document's words: the rule book's parameter names replaced by their figures, remarks meant for the tool's user
(where the file is, which issue a source was found in) left out, and the Chinese part of a bilingual reason."""

from __future__ import annotations

import re
from dataclasses import fields, is_dataclass
from types import SimpleNamespace

from evaltools import fmt
from evaltools.report.bureau.rows import table

__all__ = ["document_text", "chinese_part", "book_view", "risk_parts"]

#: What only the tool's user reads: an issue number, the tool's name, a path of its parameter files, a YAML
#: file, the rule book's parameter section.
_TOOL = r"issue\s*\d+|evaltools|params/|\.yaml|\bscaling\b"
#: One clause (between ，；（）。) that mentions the tool, with the separator before it.
_TOOL_CLAUSE = re.compile(rf"[，；]?[^，；（）。]*?(?:{_TOOL})[^，；（）。]*", re.IGNORECASE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def document_text(text: object, figures: dict[str, float] | None = None) -> str:
    """``text`` as the document prints it: each name of ``figures`` (a rule-book parameter such as
    ``error_weight``) replaced by its figure, and every clause that speaks to the tool's user removed (a bracket
    left empty goes too)."""
    out = "" if text is None else str(text)
    for name, value in (figures or {}).items():
        out = re.sub(rf"\b{re.escape(name)}\b", f"{value:g}", out)
    out = _TOOL_CLAUSE.sub("", out)
    return re.sub(r"（\s*）|\(\s*\)", "", out).strip()


def chinese_part(reason: object) -> str:
    """The Chinese part of a bilingual message ("中文 / English: 中文提示"): the part before " / ", and the Chinese
    hint after the English sentence's colon when there is one."""
    text = "" if reason is None else str(reason)
    if " / " not in text:
        return text
    head, tail = text.split(" / ", 1)
    hint = tail.split(": ", 1)[1] if ": " in tail else ""
    return f"{head}：{hint}" if _CJK.search(hint) else head


def _figures(settings: object) -> dict[str, float]:
    """The numeric parameters of a rule-book settings dataclass, by name."""
    if not is_dataclass(settings):
        return {}
    values = {f.name: getattr(settings, f.name) for f in fields(settings)}
    return {k: float(v) for k, v in values.items() if isinstance(v, (int, float)) and not isinstance(v, bool)}


def risk_parts(review: object) -> SimpleNamespace:
    """表: the parts of the risk score, their weights and how each is measured (with the rule book's figures)."""
    figures = _figures(getattr(review.book, "risk_settings", None))
    rows = [
        [r.label, fmt.pct(r.weight, 0), document_text(r.description, figures)]
        for r in review.book.risk.itertuples(index=False)
    ]
    columns = [("因素", ""), ("权重", "n"), ("说明", "")]
    return table("风险评分的因素和权重", columns, rows, widths=[20, 10, 70], key="risk")


def _deduction(points: float, share: float) -> str:
    if not fmt.is_missing(points):
        return f"每处扣 {fmt.score(points)} 分"
    if not fmt.is_missing(share):
        return f"扣该指标分值的 {fmt.pct(share, 0)}"
    return "按重算得分"


def book_view(review: object) -> SimpleNamespace:
    """The rule book for 复核依据 and 附件 1: its sources, items, levels and 偏离度 formulas, in the document's words."""
    book = review.book
    applies = {"indicator": "指标", "form": "自评表", "unit": "单位"}
    items = [
        [
            r.item,
            r.dimension,
            document_text(r.description),
            _deduction(r.points, r.share),
            applies.get(r.applies_to, r.applies_to),
            r.severity,
            document_text(r.basis),
        ]
        for r in book.items.itertuples(index=False)
    ]
    columns = [("条目", ""), ("复核维度", ""), ("问题", ""), ("扣分", ""), ("对象", ""), ("等级", ""), ("核验依据", "")]
    severities = [[r.level, r.label, document_text(r.meaning)] for r in book.severities.itertuples(index=False)]
    d = book.deviation
    return SimpleNamespace(
        title=document_text(book.title),
        sources=[document_text(s) for s in book.sources],
        items=table("附表 1-1　扣分标准", columns, items, widths=[7, 10, 24, 12, 7, 6, 34]),
        severities=table("附表 1-2　问题等级", [("等级", ""), ("名称", ""), ("含义", "")], severities),
        form_formula=d.form_formula,
        unit_formula=d.unit_formula,
        indicator_formula=d.indicator_formula,
        threshold=fmt.pct(d.threshold, 0),
        threshold_source=document_text(d.source),
    )
