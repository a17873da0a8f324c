"""Completeness is data (issue 20 item 1): a table cut off after a row, a table that prints no 分值/得分 (未评分)
and a table whose 得分 are left blank have no total and no grade — 无法计算, with the reason in Chinese.

A table's completeness is declared in its profile (:data:`evaltools.data.profile_schema.PROFILE_FIELDS`:
``cut_off_after`` = N, ``scores_printed`` = 否 / 空白) and applies to the unit's own table (its department
table, else the form of a ``form``-totals kind) and to the unit's total. A form that prints no 分值 and no score
at all — no 预算执行率 分值 or 得分, no indicator 分值, 一级 heading 分值 or 得分, no total — is unscored
without being declared (湖北科技学院 2021 and 吕梁山护工培训 2021 in tests/corpus print no 分值/得分 columns):
no default weight is invented for it (the rule set's 10-point 预算执行率 weight made "8.58 分 差" of a form
printing only budget and spending, issue 20 "Why").
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools.data.kinds import kinds_with
from evaltools.data.schema import ORG
from evaltools.scoring.codes import any_per_form, category_codes
from evaltools.scoring.indicators import DEPARTMENT, unknown_in

#: Why a total cannot be computed, as the report states it after 无法计算 (the cause; :func:`reason_sentence`
#: makes the sentence of JSON and console: 原表截断于第19行，总分无法计算). 未评分 is the wording of forms that
#: print no 得分.
CUT_OFF = "原表截断于第{row}行"
UNSCORED = "原表未评分，未印分值、得分"
BLANK = "原表得分未填"
#: What stands for the grade of a table that is not scored (未评分) or cannot be graded (无法计算).
NOT_SCORED_GRADE = "未评分"
NO_GRADE = "无法计算"


def reason_sentence(reason: object) -> str | None:
    """The reason as a sentence (``原表截断于第19行，总分无法计算``); None for no reason."""
    return f"{reason}，总分无法计算" if isinstance(reason, str) and reason else None


def unknown_text(reason: object) -> str:
    """What stands for a total that cannot be computed: 无法计算（reason）, or 无法计算 without one."""
    return f"{NO_GRADE}（{reason}）" if isinstance(reason, str) and reason else NO_GRADE


#: The columns of a form that depend on its scores: unknown (NaN / None) when the form is incomplete.
#: What an incomplete form loses: its total and what is made of it. Its 预算执行率 score stays where the form prints
#: its 分值 — it is computed from the funds block and that 分值, which a cut-off below the indicators does not touch (临翔 2023,
#: 龙陵 2022: funds printed whole above a cut-off indicator list; their printed 执行率得分 is still checked).
_SCORE_COLUMNS = ("computed_score", "score", "difference")
_GRADE_COLUMNS = ("grade", "computed_grade")


def declared_reasons(units: pd.DataFrame) -> np.ndarray:
    """Per unit (row of ``units``): the reason its own table has no total, as its profile declares it (None:
    complete). A cut-off row wins over the scores' state (both make the total unknown)."""
    n = len(units)
    cut = (
        pd.to_numeric(units["cut_off_after"], errors="coerce") if "cut_off_after" in units else pd.Series([np.nan] * n)
    )
    printed = units["scores_printed"].to_numpy(dtype=object) if "scores_printed" in units else [None] * n
    states = {"否": UNSCORED, "空白": BLANK}
    by_state = [states.get(v) if isinstance(v, str) else None for v in printed]  # a few units: a plain lookup
    cut_text = [CUT_OFF.format(row=int(c)) if c == c else None for c in cut.to_numpy(dtype=float)]
    out = np.array([c or s for c, s in zip(cut_text, by_state)], dtype=object)
    return np.where(pd.isna(out), None, out)


def _prints_scores(forms: pd.DataFrame, scored: pd.DataFrame) -> np.ndarray:
    """Per form: whether it prints any 分值 or score — its 预算执行率 分值 or 得分, its total, an indicator's 分值,
    一级 heading 分值 or 得分 (readable or not)."""
    printed = np.zeros(len(forms), dtype=bool)
    for column in ("execution_weight", "published_execution_score", "published_score"):
        if column in forms:
            printed |= forms[column].notna().to_numpy() | unknown_in(forms, column).to_numpy()
    rows = np.zeros(len(scored), dtype=bool)
    for column in ("weight", "panel_score", "level1_weight"):
        if column in scored:
            rows |= scored[column].notna().to_numpy() | unknown_in(scored, column).to_numpy()
    return printed | any_per_form(scored, forms, rows)  # by integer codes of (org, project): no merge


def form_reasons(forms: pd.DataFrame, scored: pd.DataFrame, units: pd.DataFrame, kinds: np.ndarray) -> np.ndarray:
    """Per form (row of ``forms``): why its total cannot be computed (None: it can). The unit's declared reason
    applies to its department table, or — for a kind whose total is its one form — to its project form."""
    declared = declared_reasons(units)
    orgs = list(units[ORG])
    codes = category_codes(forms[ORG], pd.Index(orgs, dtype=object))  # a unit column's own codes where it has them
    own = np.where(codes >= 0, declared[np.maximum(codes, 0)], None)
    unit_kind = np.where(codes >= 0, np.asarray(kinds, dtype=object)[np.maximum(codes, 0)], None)
    is_department = (forms["project"] == DEPARTMENT).to_numpy()
    has_department = np.isin(unit_kind, kinds_with("department_form"))
    single = np.isin(unit_kind, kinds_with("totals", "form"))
    applies = is_department | (~has_department & single)
    out = np.where(applies, own, None)
    unscored = ~_prints_scores(forms, scored)
    return np.where(pd.isna(out) & unscored, UNSCORED, out)


def without_scores(forms: pd.DataFrame, reasons: np.ndarray, given_weight: pd.Series) -> pd.DataFrame:
    """``forms`` (scored) with the totals, scores and grades of incomplete forms unknown and their reason in
    ``incomplete``; an unscored form keeps only the 预算执行率 分值 it prints (``given_weight``, the input's:
    the rule set's default is not invented for it)."""
    out = forms.copy(deep=False)  # copy-on-write: the columns set below are the copy's own
    out["incomplete"] = pd.Series(reasons, index=out.index, dtype=object)
    hit = pd.notna(reasons)
    for column in _GRADE_COLUMNS:
        if column in out:
            out[column] = out[column].astype(object)
    if not np.any(hit):  # the usual case: every form complete, nothing to mask
        return out
    for column in _SCORE_COLUMNS:
        if column in out:
            out[column] = out[column].where(~hit)
    for column in _GRADE_COLUMNS:
        if column in out:
            out[column] = out[column].where(~hit, None)
    unscored = np.asarray(reasons == UNSCORED, dtype=bool)
    invented = hit & given_weight.isna().to_numpy()  # scored with the rule set's default 分值: not the form's
    for column in ("execution_raw", "execution_score"):
        if column in out:
            out[column] = out[column].where(~invented)
    out["execution_weight"] = out["execution_weight"].where(~unscored, given_weight.to_numpy(dtype=float))
    return out


def unit_reasons(totals: pd.DataFrame, forms: pd.DataFrame, units: pd.DataFrame, kinds: np.ndarray) -> np.ndarray:
    """Per unit (row of ``totals``): why its total cannot be computed — its declared reason, else the reason of
    a form its total is made of: its one form, or any of the projects it averages (「项目」reason)."""
    declared = declared_reasons(units)
    orgs = list(totals[ORG])
    hit = forms["incomplete"].notna().to_numpy() if "incomplete" in forms else np.zeros(len(forms), dtype=bool)
    named = {}
    if hit.any():  # the usual case: every form complete
        rows = np.flatnonzero(hit)
        org = forms[ORG].take(rows).to_numpy(dtype=object)
        codes, _ = pd.factorize(org)
        known = np.flatnonzero(codes >= 0)
        first = rows[known[np.unique(codes[known], return_index=True)[1]]]  # each unit's first incomplete form
        mean = dict(zip(orgs, np.isin(np.asarray(kinds, dtype=object), kinds_with("totals", "projects_mean"))))
        named = {
            o: (f"「{p}」{r}" if mean.get(o) else r)
            for o, p, r in zip(
                forms[ORG].take(first).to_numpy(dtype=object),
                forms["project"].to_numpy(dtype=object)[first],
                forms["incomplete"].to_numpy(dtype=object)[first],
            )
        }
    return np.array([d if d is not None else named.get(o) for d, o in zip(declared, orgs)], dtype=object)


def grade_of_sentence(sentence: object) -> str | None:
    """What stands for the grade of a total whose reason is ``sentence`` (JSON ``unknown_reason``, as
    :func:`reason_sentence` wrote it): 未评分 for a table not scored or with blank 得分, else 无法计算."""
    if not isinstance(sentence, str) or not sentence:
        return None
    return NOT_SCORED_GRADE if UNSCORED in sentence or BLANK in sentence else NO_GRADE


def grade_shown(grade: object, reason: object) -> str:
    """What a report prints for a grade: the grade, else 未评分 for a table that is not scored, else 无法计算."""
    if isinstance(grade, str) and grade:
        return grade
    if isinstance(reason, str) and reason in (UNSCORED, BLANK):
        return NOT_SCORED_GRADE
    return NO_GRADE if isinstance(reason, str) else "—"
