"""The layout features a corpus form prints (merged 分值, "—" 三级 rows, template rows, no 分值 column, a 0/0/0
total row, dates as targets …), found in its grid: the classes of tests/corpus/REPORT.md, so that each class
lists the forms a reader must handle for it — those refused today included."""

from __future__ import annotations

import re
from collections.abc import Callable

from tests.formkit import grid_rows, placed

NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?%?")
TRADITIONAL = set("績級標項資萬執預數實際單評總類審經費專財務")
LOOK_ALIKES = ("﹦", "═", "≧", "≦", ">=", "<=", "＞", "＜")


def cells(data: dict) -> list[tuple[int, int, str, int]]:
    """(row, column, text, rows spanned) of every printed cell of a fixture's grid."""
    laid, _ = placed(grid_rows(data["grid"]))
    return [(r, c, str(cell.value), cell.rs) for r, c, cell in laid]


def _columns(laid: list[tuple[int, int, str, int]]) -> dict[str, int]:
    """Where the indicator header puts 三级, 分值 and 得分 (the first row naming 三级 / 指标名称)."""
    head = next((r for r, _, t, _ in laid if re.search(r"三[级級]指[标標]|指[标標]名[称稱]", t)), None)
    out = {}
    for r, c, t, _ in laid:
        if r != head:
            continue
        if re.search(r"三[级級]|指[标標]名[称稱]", t):
            out.setdefault("level3", c)
        elif re.search(r"分\s*值|权重|權重", t):
            out.setdefault("weight", c)
        elif re.search(r"得\s*分|自评分", t):
            out.setdefault("score", c)
    return out | ({"header": head} if head is not None else {})


def _merged_scores(data: dict, laid: list) -> bool:
    cols = _columns(laid)
    return any(rs > 1 and c in (cols.get("weight"), cols.get("score")) and NUMBER.fullmatch(t) for _, c, t, rs in laid)


def _dash_rows(data: dict, laid: list) -> bool:
    cols = _columns(laid)
    below = [(r, c, t) for r, c, t, _ in laid if r > cols.get("header", 1 << 30)]
    return any(c == cols.get("level3") and t.strip() in ("—", "-", "/", "－", "——") for _, c, t in below)


def _template_rows(data: dict, laid: list) -> bool:
    return any(re.fullmatch(r"指[标標]\s*\d+\s*[:：]?|……|…", t.strip()) for _, _, t, _ in laid)


def _numbered_names(data: dict, laid: list) -> bool:
    return any(re.match(r"指[标標]\s*\d+\s*[:：]?\S", t) for _, _, t, _ in laid)


def _no_weight_column(data: dict, laid: list) -> bool:
    cols = _columns(laid)
    return "header" in cols and "weight" not in cols


def _no_score_column(data: dict, laid: list) -> bool:
    cols = _columns(laid)
    return "header" in cols and "score" not in cols


def _zero_total(data: dict, laid: list) -> bool:
    for row in data["grid"]:
        texts = [c["text"] if isinstance(c, dict) else c for c in row]
        if texts and re.search(r"总额|總額|合计", texts[0]):
            figures = [t for t in texts[1:4] if NUMBER.fullmatch(t)]
            if figures and all(float(t.rstrip("%")) == 0 for t in figures):
                return True
    return False


def _dates(data: dict, laid: list) -> bool:
    inds = data["expected"]["fields"].get("indicators") or []
    return any(re.search(r"\d+\s*[年月]|月前|日前", str(i.get(k) or "")) for i in inds for k in ("target", "actual"))


def _breakdown_rows(data: dict, laid: list) -> bool:
    cols = _columns(laid)
    below = [(r, c, t) for r, c, t, _ in laid if r > cols.get("header", 1 << 30)]
    return any(c == cols.get("level3") and re.match(r"其中|\d+、", t) for _, c, t in below)


def _rubric(data: dict, laid: list) -> bool:
    head = _columns(laid).get("header")
    titles = "".join(t for r, _, t, _ in laid if r == head)
    return head is not None and not re.search(r"指[标標]值|目[标標]值|完成值|完成情况|实际|實際", titles)


def _heading_weights(data: dict, laid: list) -> bool:
    return any(c == 0 and re.search(r"[（(]\s*\d+\s*分\s*[)）]|\d+\s*分$", t) for _, c, t, _ in laid)


def _units_in_figures(data: dict, laid: list) -> bool:
    return any(re.fullmatch(r"\d+(?:\.\d+)?\s*(万元|万|萬|元)", t.strip()) for _, _, t, _ in laid)


def _title_variant(data: dict, laid: list) -> bool:
    title = "".join(data.get("title") or [])
    return not re.search(r"(项目支出|部门整体(支出)?)绩效自评表", title)


FEATURES: dict[str, Callable[[dict, list], bool]] = {
    "title missing or not 项目支出/部门整体绩效自评表": _title_variant,
    "traditional characters": lambda d, laid: any(ch in TRADITIONAL for _, _, t, _ in laid for ch in t),
    "look-alike signs (﹦ ═ ≧ >=)": lambda d, laid: any(s in t for _, _, t, _ in laid for s in LOOK_ALIKES),
    "merged 分值 / 得分 over several 三级 rows": _merged_scores,
    '"—" or "/" 三级 rows': _dash_rows,
    "template rows (指标1： / …… with nothing filled)": _template_rows,
    "「指标1：」 prefixes on names": _numbered_names,
    "heading weights in 一级 labels (产出指标（50分）)": _heading_weights,
    "no 分值 column": _no_weight_column,
    "no target / actual columns (a scoring rubric)": _rubric,
    "no 得分 column": _no_score_column,
    "0 / 0 / 0 total row": _zero_total,
    "dates or months as targets / actuals": _dates,
    "其中 or numbered breakdown rows under indicators": _breakdown_rows,
    "units inside figures (3359.62万, 10萬)": _units_in_figures,
}


def features(data: dict) -> list[str]:
    """The features (:data:`FEATURES`) a fixture's printed form has."""
    laid = cells(data)
    return [name for name, has in FEATURES.items() if has(data, laid)]
