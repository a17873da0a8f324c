"""Red flags of a self-evaluation (issue 21 item 3): patterns a 复核 looks at first because real reviews found
them covering for an evaluation not done — every indicator at full marks, full output marks on a budget hardly
spent, a cost far over its target, 满意度 “based on no complaints”, every actual equal to its target, a missed
target with no 偏差原因. Each is one vectorised pass over every unit's forms; the thresholds are data
(``params/review/flags.yaml``, :func:`.flagparams.flag_params`, each with its source).

They are a reviewer's signals, not errors of the form: they run only when the rule set's ``audit.red_flags`` is on
(:func:`with_red_flags`, what the bureau's review does); a unit's own report and ``evaltools audit`` keep their
findings as before.

What existing codes cover is not flagged twice: a 成本 indicator written ≥ is COST_TARGET_NOT_UPPER_BOUND, a cost
reported 0 against spending COST_CONTRADICTS, a missed target given full marks FULL_MARKS_BELOW_TARGET, a low
预算执行率 by itself EXECUTION_LOW. The cross-form flags (every form of a unit at 100, text copied from another
unit) are review checks: :mod:`evaltools.scoring.review.flags`.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.schema import ORG
from evaltools.scoring.codes import each_value
from evaltools.scoring.indicators import group_codes
from evaltools.scoring.rules import RuleSet

from .core import AuditContext, Code, check, findings
from .flagparams import flag_params
from .indicators import _comparable, cost_rows
from .rows import Rows, execution_rates, flagged, form_codes, on_indicators

#: Rows compared for equality of actual and target: the quantitative directions (not 区间, not 定性).
QUANTITATIVE = (">=", ">", "<=", "<", "=")
#: Tolerance of “at full marks” (得分 ≥ 分值) and of “actual equal to target”.
EPS = 1e-9


def with_red_flags(rules: RuleSet) -> RuleSet:
    """``rules`` with the red flags on (``audit.red_flags``): what the bureau's review evaluates with."""
    return rules.with_changes(audit={"red_flags": True})


def _off(ctx: AuditContext) -> bool:
    """Whether the red flags are off (the rule set's ``audit.red_flags``, off by default)."""
    return not ctx.rules.audit.get("red_flags", False)


def _none(code: str) -> pd.DataFrame:
    return findings(code, [], [], [])


def _counted(s: pd.DataFrame) -> np.ndarray:
    """Indicator rows that carry points: a weight above 0 and not a breakdown row (``parent`` set)."""
    parent = s["parent"].notna().to_numpy() if "parent" in s else np.zeros(len(s), dtype=bool)
    with np.errstate(invalid="ignore"):
        return (s["weight"].to_numpy(dtype=float) > 0) & ~parent


def _full(s: pd.DataFrame) -> np.ndarray:
    """Rows the form itself scored at full marks: the printed 得分 (``panel_score``) at least the 分值."""
    with np.errstate(invalid="ignore"):
        return s["panel_score"].to_numpy(dtype=float) >= s["weight"].to_numpy(dtype=float) - EPS


def _contains(values: pd.Series, word: str) -> np.ndarray:
    """Cells of a text column containing ``word`` (each distinct value tested once)."""
    return each_value(values, lambda v: isinstance(v, str) and word in v)


def _all_of_form(
    s: pd.DataFrame, rows: np.ndarray, hit: np.ndarray, minimum: int, weights: np.ndarray | None = None
) -> tuple[Rows, np.ndarray, np.ndarray]:
    """The first row of each form (unit, project) with at least ``minimum`` ``rows``, every one of them ``hit``;
    how many rows each such form has, and the sum of their ``weights`` (NaN without)."""
    codes, first = group_codes(s, [ORG, "project"])
    n = np.bincount(codes[rows], minlength=len(first))
    good = np.bincount(codes[rows & hit], minlength=len(first))
    keep = (n >= minimum) & (good == n)
    total = np.full(len(first), np.nan) if weights is None else np.bincount(codes[rows], weights[rows], len(first))
    return Rows(s, first[keep]), n[keep], total[keep]


def _form_findings(code: str, r: Rows, text: list[str], stated: object, computed: object, field: str) -> pd.DataFrame:
    """Findings on whole forms: subject the form's name, no indicator."""
    return findings(code, r[ORG], r["project"], text, stated, computed, project=r["project"], field=field)


@check(
    "all_full_marks",
    codes=[
        Code(
            "ALL_FULL_MARKS",
            label="全部指标自评满分",
            severity="warning",
            measure="逐项对照年度指标值和佐证材料自评打分，未完成或无佐证的指标不得给满分。",
            field="total",
        )
    ],
)
def _all_full_marks(ctx: AuditContext) -> pd.DataFrame:
    """A form whose every indicator carrying points is self-scored at full marks (printed 得分 ≥ 分值), with at
    least ``all_full_marks.min_indicators`` such rows. A row whose 得分 is not printed is not full marks (unknown):
    the form is then not flagged. Source: a 复核 workbook's red flag “全部项目自评 100 分”."""
    if _off(ctx):
        return _none("ALL_FULL_MARKS")
    s, minimum = ctx.indicators, flag_params()["all_full_marks"]["min_indicators"]
    r, n, weight = _all_of_form(s, _counted(s), _full(s), minimum, s["weight"].to_numpy(dtype=float))
    text = [
        f"「{p}」全部 {k} 项计分指标自评均为满分（合计 {fmt.num(w)} 分）：应逐项核实完成情况和佐证材料"
        for p, k, w in zip(r["project"], n, weight)
    ]
    return _form_findings("ALL_FULL_MARKS", r, text, weight, weight, "total")


@check(
    "low_execution_full_output",
    codes=[
        Code(
            "LOW_EXECUTION_FULL_OUTPUT",
            label="预算执行率极低但产出指标满分",
            severity="warning",
            measure="预算执行率极低的，产出指标应按实际完成的数量、质量和时效打分，并说明资金未支出的原因。",
            field="funds.rate",
        )
    ],
)
def _low_execution_full_output(ctx: AuditContext) -> pd.DataFrame:
    """A form whose 预算执行率 is below ``low_execution_full_output.rate`` (the rate recomputed, else as printed:
    :func:`.rows.execution_rates`) while every 产出指标 row carrying points is self-scored at full marks. Source: a
    复核 workbook's red flag “预算执行 0.08% 而产出指标满分”."""
    if _off(ctx):
        return _none("LOW_EXECUTION_FULL_OUTPUT")
    s, p = ctx.indicators, ctx.projects
    limit = flag_params()["low_execution_full_output"]["rate"]
    output = _counted(s) & _contains(s["level1"], "产出")
    at, of = form_codes(s, p)
    n = np.bincount(at[output], minlength=len(at) + len(of))[of]
    full = np.bincount(at[output & _full(s)], minlength=len(at) + len(of))[of]
    rate, printed = execution_rates(p)
    with np.errstate(invalid="ignore"):
        r = flagged(p, (rate < limit) & (n > 0) & (full == n))
    said = np.where(printed[r.rows], "（按原表所述）", "")
    text = [
        f"「{q}」预算执行率仅 {a}{b}（低于 {fmt.pct(limit, 0)}），{k} 项产出指标却全部自评满分：应核实产出完成情况"
        for q, a, b, k in zip(r["project"], fmt.pcts(rate[r.rows]), said, n[r.rows])
    ]
    return findings("LOW_EXECUTION_FULL_OUTPUT", r[ORG], r["project"], text, limit, rate[r.rows], project=r["project"])


@check(
    "cost_far_over_target",
    codes=[
        Code(
            "COST_FAR_OVER_TARGET",
            label="成本远超目标",
            severity="warning",
            measure="成本指标实际值远超目标的，应说明超支原因，按成本控制目标扣分，并在下一年度合理测算成本。",
            field="indicator.actual",
        )
    ],
)
def _cost_far_over_target(ctx: AuditContext) -> pd.DataFrame:
    """A 成本 indicator (一级 or 二级 name containing 成本) whose actual is at least ``cost_far_over_target.ratio``
    times its target (target above 0, the actual in the target's unit). Whatever its direction: written ≤ the form
    should have lost the points, written ≥ (COST_TARGET_NOT_UPPER_BOUND) it scored the overspending as success.
    Source: a 复核 workbook's red flag “成本实际为目标的 2.4 倍”."""
    if _off(ctx):
        return _none("COST_FAR_OVER_TARGET")
    s, ratio = ctx.indicators, flag_params()["cost_far_over_target"]["ratio"]
    target, actual = s["target"].to_numpy(dtype=float), s["actual"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        over = (target > 0) & (actual >= ratio * target) & _comparable(s)
    rows = np.flatnonzero(over)  # few rows: their names are read only there
    r = Rows(s, rows[cost_rows(s, rows)])
    units = r["unit"]
    text = [
        f"「{n}」实际 {a}，为目标 {t} 的 {fmt.num(a_ / t_)} 倍（≥ {fmt.num(ratio)} 倍）：成本远超目标，应核实成本控制情况及得分"
        for n, a, t, a_, t_ in zip(
            r["level3"], fmt.values(r["actual"], units), fmt.values(r["target"], units), r["actual"], r["target"]
        )
    ]
    return on_indicators("COST_FAR_OVER_TARGET", r, text, r["target"], r["actual"])


def _shown(r: Rows, column: str) -> list[str]:
    """``column`` (actual or target) of the rows as the form prints it: the number with its unit, else the text
    (a 定性 row's 已完成 / 部分完成), else —."""
    numbers = fmt.values(r[column], r["unit"])
    text = r[f"{column}_text"] if f"{column}_text" in r.frame else [None] * len(r)
    return [
        v if x == x or not isinstance(w, str) or not w.strip() else w.strip()
        for v, w, x in zip(numbers, text, r[column])
    ]


def _quoted(r: Rows) -> list[str]:
    """What a 满意度 row prints, quoted: its actual's text (完成情况为「…」), else its 偏差原因 (偏差原因为「…」), at most
    40 characters."""
    out = []
    for cols in zip(*(r[c] if c in r.frame else [None] * len(r) for c in ("actual_text", "deviation"))):
        label, text = next(((k, v) for k, v in zip(("完成情况", "偏差原因"), cols) if isinstance(v, str) and v.strip()))
        out.append(f"{label}为「{text.strip()[:40]}」")
    return out


def _texts(s: pd.DataFrame, rows: np.ndarray) -> np.ndarray:
    """The actual's text and the 偏差原因 of ``rows``, joined (empty where neither is printed)."""
    cols = [c for c in ("actual_text", "deviation") if c in s]
    parts = [s[c].to_numpy(dtype=object)[rows] for c in cols]
    joined = [" ".join(v for v in vals if isinstance(v, str)) for vals in zip(*parts)] if parts else [""] * len(rows)
    return np.array(joined, dtype=object)


@check(
    "satisfaction_no_basis",
    codes=[
        Code(
            "SATISFACTION_NO_BASIS",
            label="满意度缺少调查依据",
            severity="warning",
            measure="满意度指标应以问卷调查、回访等抽样测评结果为依据，注明样本量和调查方式，不得以无投诉代替。",
            field="indicator.actual",
        )
    ],
)
def _satisfaction_no_basis(ctx: AuditContext) -> pd.DataFrame:
    """A 满意度 indicator (一级, 二级 or 三级 name containing the word) whose actual or 偏差原因 cites complaints
    (无投诉, 未收到投诉 …) and names no survey, or whose actual is words (no measured figure) naming no survey. A
    percentage printed with no word on how it was measured is not flagged: most forms print only the figure.
    Source: a 复核 workbook's red flag “满意度 100%，依据为无投诉”."""
    # imported here: the forms package reads forms (openpyxl …), which a report's kernel never needs
    from evaltools.data.forms.values import is_not_applicable

    if _off(ctx):
        return _none("SATISFACTION_NO_BASIS")
    s, words = ctx.indicators, flag_params()["satisfaction_no_basis"]
    word = words["word"]
    named = _contains(s["level1"], word) | _contains(s["level2"], word) | _contains(s["level3"], word)
    missing = s["missing"].to_numpy(dtype=bool) if "missing" in s else np.zeros(len(s), dtype=bool)
    rows = np.flatnonzero(named & _counted(s) & ~missing)  # a missing actual is MISSING_ACTUAL's
    text = _texts(s, rows)
    complaint = each_value(text, lambda t: any(w in t for w in words["complaint"]))
    survey = each_value(text, lambda t: any(w in t for w in words["survey"]))
    actual = s["actual_text"].to_numpy(dtype=object)[rows] if "actual_text" in s else np.full(len(rows), None)
    wordy = np.isnan(s["actual"].to_numpy(dtype=float)[rows]) & np.array(
        [isinstance(a, str) and bool(a.strip()) and not is_not_applicable(a) for a in actual], dtype=bool
    )
    keep = (complaint | wordy) & ~survey
    r = Rows(s, rows[keep])
    why = np.where(complaint[keep], "以投诉情况代替满意度调查", "未说明调查方式和样本")
    message = [f"「{n}」{q}：{w}，满意度缺少调查依据" for n, q, w in zip(r["level3"], _quoted(r), why)]
    return on_indicators("SATISFACTION_NO_BASIS", r, message)


@check(
    "targets_equal_actuals",
    codes=[
        Code(
            "TARGETS_EQUAL_ACTUALS",
            label="实际值与目标值全部相同",
            severity="warning",
            measure="实际完成值应按统计数据如实填报，不得照抄年度指标值，并附佐证材料。",
            field="indicator.actual",
        )
    ],
)
def _targets_equal_actuals(ctx: AuditContext) -> pd.DataFrame:
    """A form whose every quantitative indicator (≥ > ≤ < =, target and actual printed, carrying points) reports
    exactly its target, with at least ``targets_equal_actuals.min_indicators`` of them: the actuals may have been
    copied from the targets. Source: this tool's default (issue 21's list of red flags)."""
    if _off(ctx):
        return _none("TARGETS_EQUAL_ACTUALS")
    s, minimum = ctx.indicators, flag_params()["targets_equal_actuals"]["min_indicators"]
    target, actual = s["target"].to_numpy(dtype=float), s["actual"].to_numpy(dtype=float)
    direction = s["direction"].to_numpy(dtype=object)
    rows = _counted(s) & np.isin(direction, QUANTITATIVE) & ~np.isnan(target) & ~np.isnan(actual)
    with np.errstate(invalid="ignore"):
        equal = np.abs(actual - target) <= EPS * np.maximum(1.0, np.abs(target))
    r, n, _ = _all_of_form(s, rows, equal, minimum)
    text = [
        f"「{p}」全部 {k} 项定量指标的实际完成值均与年度指标值相同：应核实实际值是否照抄目标"
        for p, k in zip(r["project"], n)
    ]
    return _form_findings("TARGETS_EQUAL_ACTUALS", r, text, n, n, "indicator.actual")


@check(
    "deviation_without_reason",
    codes=[
        Code(
            "DEVIATION_WITHOUT_REASON",
            label="未完成目标未说明偏差原因",
            severity="warning",
            measure="未完成年度指标值的，应在偏差原因分析栏逐项说明原因并提出改进措施。",
            field="indicator.deviation",
        )
    ],
)
def _deviation_without_reason(ctx: AuditContext) -> pd.DataFrame:
    """An indicator that missed its target (``met`` False, the actual in the target's unit, the row scored) with
    no 偏差原因 (empty or 无 / — / /), on a form that prints a 偏差原因 for some row (``deviation_without_reason.
    require_column``: a form without the column is not judged). Source: 财预〔2020〕10号's 自评表, whose 偏差原因
    column is to explain each miss."""
    from evaltools.data.forms.values import is_not_applicable  # here, not at import (see _satisfaction_no_basis)

    if _off(ctx):
        return _none("DEVIATION_WITHOUT_REASON")
    s = ctx.indicators
    if "deviation" not in s:
        return _none("DEVIATION_WITHOUT_REASON")
    text = s["deviation"]
    printed = each_value(text, lambda v: isinstance(v, str) and bool(v.strip()))
    reason = printed & ~each_value(text, lambda v: isinstance(v, str) and is_not_applicable(v.strip()))
    missed = (s["met"] == False).to_numpy() & _comparable(s) & s["scored"].to_numpy(dtype=bool)  # noqa: E712
    missed &= _counted(s) & ~reason
    if flag_params()["deviation_without_reason"]["require_column"]:
        codes, first = group_codes(s, [ORG, "project"])
        missed &= (np.bincount(codes[printed], minlength=len(first)) > 0)[codes]
    r = flagged(s, missed)
    text = [
        f"「{n}」未达目标（实际 {a}，目标 {t}），偏差原因未填写"
        for n, a, t in zip(r["level3"], _shown(r, "actual"), _shown(r, "target"))
    ]
    return on_indicators("DEVIATION_WITHOUT_REASON", r, text, r["target"], r["actual"])
