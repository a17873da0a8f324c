"""A row's printed 评分标准 (``criteria``) parsed into that row's rule, where it has a standard shape.

The shapes are data: the rule set's ``criteria`` list (``params/rules/mof.yaml``), each entry a regular
expression over the normalised text (NFKC, no spaces, （含） as (含)) and the rule it gives — a rule type of the
registry with fixed settings, the expression's named groups filling the rest (a group named ``<setting>_pct`` is
a percentage: ``step_pct`` 5 → ``step`` 0.05). An entry with ``tier`` reads a list of tiers on the value itself
(``=0,计8分;0-10%(含),计6分;…;大于30%不得分``): each tier's upper bound and points, the points as shares of the
row's 分值. The first entry that matches a row's text gives its rule; a row naming its own ``rule`` keeps it, and
so does a row printing no actual value; a text of no standard shape leaves the row to its direction's rule (the
text is still kept, its own column).

Seen: Hunan-style 部门整体 2018 (docs/research/hunan-style-dept-deduction-2018.md) and 长沙 雨花区 发改局 2022
(tests/corpus/forms/hunan-changsha-yuhua-fagai-2022-dept.yaml): "100%计满分,每低于5%扣2分,扣完为止",
"每超过一个百分点扣0.5分", "预算控制率=0,计8分;0-10%(含),计6分;…"; 广水 2019/2021 "…计 2 分,没有不得分".
Source: issue 20 item 5.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaltools.scoring.codes import is_missing

if TYPE_CHECKING:
    from evaltools.scoring.rules import RuleSet

#: The prefix of the rules made from printed criteria (``评分标准1`` …: a reader may see the name), never a rule
#: set's own name.
PREFIX = "评分标准"


def normalised(text: object) -> str:
    """NFKC, no spaces, Chinese brackets and punctuation as ASCII: the text the patterns read."""
    out = unicodedata.normalize("NFKC", str(text))
    out = re.sub(r"\s+", "", out)
    return out.replace("，", ",").replace("；", ";").replace("。", ";")


def _settings(match: re.Match) -> dict:
    """The named groups of a match as rule settings: ``<name>_pct`` → ``name`` / 100, numbers as floats."""
    out = {}
    for name, value in match.groupdict().items():
        if value is None:
            continue
        if name.endswith("_pct"):
            out[name[: -len("_pct")]] = float(value) / 100
        else:
            out[name] = float(value)
    return out


def _tiers(text: str, entry: Mapping, weight: float) -> dict | None:
    """tiers [[upper bound, share of W]] read from ``text`` by the entry's ``tier`` expression (groups ``low_pct``,
    ``high_pct`` and ``points``; a tier without ``high_pct`` is “=0”: bound 0). None unless the tiers follow one
    another (each starting where the one before ends: an OCR-garbled tier breaks the chain), there are two or
    more, and the row has a 分值 they stay within."""
    if not weight or not np.isfinite(weight):
        return None
    tiers, end = [], 0.0
    for m in re.finditer(entry["tier"], text):
        low, high = m.groupdict().get("low_pct"), m.groupdict().get("high_pct")
        if high is not None and float(low or 0) / 100 != end:
            return None
        end = 0.0 if high is None else float(high) / 100
        tiers.append([end, float(m["points"]) / weight])
    if len(tiers) < 2 or any(not 0 <= s <= 1 for _, s in tiers):
        return None
    return {"tiers": tiers}


def parse(text: object, weight: float, entries: list) -> dict | None:
    """The rule (type and settings) that the printed criteria ``text`` gives, or None."""
    if text is None or (isinstance(text, float) and np.isnan(text)):
        return None
    plain = normalised(text)
    for entry in entries:
        match = re.search(entry["pattern"], plain)
        if match is None:
            continue
        found = _tiers(plain, entry, weight) if "tier" in entry else _settings(match)
        if found is not None:
            return {**entry["rule"], **found}
    return None


def with_criteria(df: pd.DataFrame, rules: RuleSet) -> tuple[pd.DataFrame, RuleSet]:
    """``df`` with the ``rule`` of each row whose printed criteria has a standard shape (rows naming their own
    rule keep it), and the rule set with those rules added (``评分标准1`` …; one per distinct rule). Each
    distinct (text, 分值) is read once; unchanged (the same objects) when no criteria is printed or parsed."""
    entries = list(rules.criteria)
    if "criteria" not in df or not entries:
        return df, rules
    # only rows printing an actual value: a rubric row with no figures (长沙 雨花区 2022 prints criteria, 分值 and 得分
    # only) is scored by its panel as before — the printed rule has nothing to score it from
    rows = np.flatnonzero(~is_missing(df["criteria"]) & is_missing(df["rule"]) & ~is_missing(df["actual"]))
    if not len(rows):
        return df, rules
    pairs = pd.DataFrame(
        {"text": df["criteria"].to_numpy(dtype=object)[rows], "weight": df["weight"].to_numpy(dtype=float)[rows]}
    )
    codes, uniques = pd.factorize(pd.MultiIndex.from_frame(pairs))
    specs = [parse(text, weight, entries) for text, weight in uniques]
    names: dict[str, str] = {}
    added: dict[str, dict] = {}
    for spec in specs:
        key = repr(sorted(spec.items())) if spec else ""
        if spec and key not in names:
            names[key] = f"{PREFIX}{len(names) + 1}"
            added[names[key]] = spec
    if not added:
        return df, rules
    chosen = np.array([names[repr(sorted(s.items()))] if s else None for s in specs], dtype=object)[codes]
    rule = df["rule"].astype(object).to_numpy(copy=True)
    rule[rows] = np.where(pd.notna(chosen), chosen, rule[rows])
    return df.assign(rule=rule), rules.with_changes(rules=added)


__all__ = ["with_criteria", "parse", "normalised", "PREFIX"]
