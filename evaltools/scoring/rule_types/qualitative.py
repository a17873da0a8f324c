"""定性 indicators: a share of the weight by completion grade (达成 / 部分达成 / 未达成).

Bands and the default position are rule-set settings (``qualitative:`` in ``params/rules/mof.yaml``: 达成
[80%, 100%], 部分达成 [60%, 80%), 未达成 [0, 60%), the practice of 财预〔2020〕10号 自评表); a panel score
(评价组得分) is used when given — the audit checks that it lies in its grade's band.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.scoring.codes import category_codes, is_missing
from evaltools.scoring.rule_types.base import Rules, rule_type, shares

_POSITION = {"lower": 0.0, "mid": 0.5, "upper": 1.0}
_POSITION_ZH = {"lower": "下限", "mid": "中点", "upper": "上限"}


def qualitative_band(grades: pd.Series, rules: Rules, codes: np.ndarray | None = None) -> tuple[pd.Series, pd.Series]:
    """(low, high) share of the weight for each qualitative grade (NaN where no grade)."""
    bands = rules.qualitative["bands"]
    codes = category_codes(grades, list(bands)) if codes is None else codes
    low = np.array([b[0] for b in bands.values()] + [np.nan], dtype=float)[codes]
    high = np.array([b[1] for b in bands.values()] + [np.nan], dtype=float)[codes]
    return pd.Series(low, index=grades.index), pd.Series(high, index=grades.index)


def _words(spec: dict, rules: Rules) -> str:
    bands = "、".join(f"“{g}”{fmt.pct(lo, 0)}–{fmt.pct(hi, 0)}" for g, (lo, hi) in rules.qualitative["bands"].items())
    return (
        f"按完成等级得分值的一定比例（{bands}）计分；有评价组得分的以其得分为准（并核对是否落在等级区间内），"
        f"没有得分的取区间{_POSITION_ZH[rules.qualitative['default_position']]}"
    )


@rule_type("qualitative", describe=_words, reads=("weight", "qualitative_grade", "panel_score"))
def qualitative(df: pd.DataFrame, spec: dict, rules: Rules) -> pd.Series:
    """panel score / W where a panel score is given, else low + (high − low) × position of the grade's band."""
    low, high = qualitative_band(df["qualitative_grade"], rules)
    share = low + (high - low) * _POSITION[rules.qualitative["default_position"]]
    w = df["weight"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        panel = np.where(w > 0, df["panel_score"].to_numpy(dtype=float) / w, np.nan)
    return shares(df, np.where(np.isnan(panel), share.to_numpy(), panel))


def _text_grade(text: str, rules: Rules) -> str | None:
    """The grade one printed text names (see :func:`text_grades`)."""
    q = rules.qualitative
    if any(w in text for w in q.get("not_given") or ()):
        return None
    for grade, words in (q.get("text_grades") or {}).items():
        if any(w in text for w in words or ()):
            return grade
    return q.get("text_default")


def text_grades(df: pd.DataFrame, qualitative: np.ndarray, readable: np.ndarray, rules: Rules) -> pd.Series:
    """The grade of each 定性 row whose actual is printed as words and which carries no grade (None elsewhere).

    A row qualifies when it is ``qualitative``, its actual is ``readable`` (not an unreadable mark), it has no
    grade and no actual value, and its ``actual_text`` holds words. The words name the grade by the rule set's
    ``qualitative.text_grades`` (the first grade one of whose words the text contains: 未完成 → 未达成, 基本完成 →
    部分达成), else ``text_default`` (高, 好, 较好, 完成, 良好, a date, the target restated → 达成); a text holding
    a ``not_given`` word (未给出, 未统计 …) is a note that no result is given, not an actual: None, the row stays
    missing. Source: issue 20 item 6; ``params/rules/mof.yaml``. Each distinct text is read once."""
    out = np.full(len(df), None, dtype=object)
    if "actual_text" not in df:
        return pd.Series(out, index=df.index, dtype=object)
    text = df["actual_text"].to_numpy(dtype=object)
    rows = np.flatnonzero(
        qualitative & readable & is_missing(df["qualitative_grade"]) & is_missing(df["actual"]) & pd.notna(text)
    )
    if len(rows):
        codes, uniques = pd.factorize(text[rows])
        words = [str(u).strip() for u in uniques]
        grades = np.array(
            [_text_grade(w, rules) if w and w not in _BLANKS else None for w in words] + [None], dtype=object
        )
        out[rows] = grades[codes]
    return pd.Series(out, index=df.index, dtype=object)


#: Texts that print no result (a dash or slash in the 实际完成值 cell).
_BLANKS = frozenset({"—", "-", "/", "／", "－", "——", "--", "无", "…", "……"})
