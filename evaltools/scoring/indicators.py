"""Indicator, execution and project scores, vectorised over whole tables.

Each indicator is scored by the rule its row names (``rule``) or its direction's (``directions`` of the rule
set, ``params/rules``); a rule is an instance of a rule type declared in :mod:`evaltools.scoring.rule_types`
(function, settings with defaults and checks, words — one declaration each, e.g. ``ratio_up``: min(A/T, 1)
of the weight W). 预算执行率 is scored by an execution method declared there too.

Scores are kept at full precision and rounded to ``rules.rounding`` decimals only
at the end (domain rule: each indicator score to 2 decimals; parent levels are sums).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaltools.data.schema import DIRECTIONS, ORG
from evaltools.errors import RuleError
from evaltools.scoring.codes import (
    category_codes,
    column_codes,
    combined_codes,
    each_value,
    factorized_pair,
    is_in,
    is_missing,
    joint_codes,
)
from evaltools.scoring.criteria import with_criteria
from evaltools.scoring.frames import unit_means, with_columns
from evaltools.scoring.grading import grade
from evaltools.scoring.rule_types import EXECUTION_METHODS, RULE_TYPES
from evaltools.scoring.rule_types.qualitative import qualitative_band, text_grades

if TYPE_CHECKING:
    from evaltools.scoring.rules import RuleSet

#: The key, in scored frames, of the department's own table (部门整体支出绩效自评表): its indicators have
#: no project in the input; internally they are scored as one more form beside the projects.
DEPARTMENT = "部门整体"


def group_keys(frame: pd.DataFrame) -> list[str]:
    """Projects are identified by ``project``, or by ``org`` + ``project`` in multi-unit tables."""
    return [ORG, "project"] if ORG in frame.columns else ["project"]


def direction_masks(ind: pd.DataFrame, codes: np.ndarray | None = None) -> dict[str, np.ndarray]:
    """One boolean mask per direction, from the directions' codes (computed once: fast on 1M rows)."""
    codes = category_codes(ind["direction"], list(DIRECTIONS)) if codes is None else codes
    return {d: codes == i for i, d in enumerate(DIRECTIONS)}


def completion(ind: pd.DataFrame, masks: dict | None = None) -> pd.Series:
    """实际/目标: A/T (for 区间, A/hi above the range and A/lo below it); NaN for 定性 or missing."""
    m = masks or direction_masks(ind)
    a = ind["actual"].to_numpy(dtype=float)
    lo = ind["target"].to_numpy(dtype=float)
    hi = ind["target_high"].to_numpy(dtype=float) if "target_high" in ind else np.full(len(ind), np.nan)
    ref = np.where(m["range"] & (a > hi), hi, lo)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(ref != 0, a / ref, np.nan)
    ratio = np.where(m["qualitative"], np.nan, ratio)
    return pd.Series(ratio, index=ind.index, dtype=float, copy=False)  # its own array: not copied


def target_met(ind: pd.DataFrame, masks: dict | None = None) -> pd.Series:
    """Whether the actual meets the target for its direction (None where it cannot be told)."""
    m = masks or direction_masks(ind)
    a = ind["actual"].to_numpy(dtype=float)
    t = ind["target"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        met = np.select(
            [m["="] & (t == 0), m[">="] | m["="] | m["range"], m[">"], m["<="], m["<"]],
            [a == t, a >= t, a > t, a <= t, a < t],  # "=0" is met only by 0 (issue 20 item 5)
            default=False,
        )
    known = ~np.isnan(a) & ~np.isnan(t) & ~m["qualitative"]
    grade = ind["qualitative_grade"].to_numpy(dtype=object)
    qual = m["qualitative"] & ~is_missing(grade)
    # True/False where told (a 定性 row: its grade 达成), else None: the three objects picked for every row at once
    which = np.where(qual, is_in(grade, ["达成"]) + 1, np.where(known, met + 1, 0))  # codes: no comparison per row
    return pd.Series(_TOLD[which], index=ind.index, dtype=object, copy=False)


#: None, False, True: what an object column of "cannot be told" / no / yes holds, picked by 0 / 1 / 2.
_TOLD = np.array([None, False, True], dtype=object)


def _rule_names(ind: pd.DataFrame, rules: RuleSet, direction_codes: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
    """(rule code per row (-1: none or unknown), rule name per row) from the rows' own ``rule`` or their direction's."""
    names = list(rules.rules)
    if direction_codes is None:
        direction_codes = category_codes(ind["direction"], list(DIRECTIONS))
    undefined = sorted({r for r in rules.directions.values() if r not in names})
    if undefined:
        _unknown_rules(undefined, rules)
    by_direction = [names.index(rules.directions[d]) if d in rules.directions else -1 for d in DIRECTIONS]
    codes = np.array(by_direction + [-1], dtype=np.int64)[direction_codes]
    own = ind["rule"] if "rule" in ind else None
    given = None if own is None else ~is_missing(own)
    if own is not None and given.any():
        own_codes = category_codes(own, names)
        bad = given & (own_codes < 0)
        if bad.any():
            _unknown_rules(sorted(set(own[bad])), rules)
        codes = np.where(given, own_codes, codes)
    return codes, np.array(names + [None], dtype=object)[codes]


def _unknown_rules(unknown: list[str], rules: RuleSet) -> None:
    raise RuleError(
        f"指标使用了未定义的评分规则 / indicators name rule(s) {', '.join(map(repr, unknown))} that "
        f"the rule set {rules.name!r} does not define; defined: {', '.join(rules.rules)}",
        key="rule",
    )


def resolve_rules(ind: pd.DataFrame, rules: RuleSet) -> pd.Series:
    """The named rule that scores each indicator: its own ``rule`` column, else its direction's."""
    return pd.Series(_rule_names(ind, rules, None)[1], index=ind.index)


_DEFAULTS = (
    ("target_high", np.nan),
    ("panel_score", np.nan),
    ("qualitative_grade", None),
    ("rule", None),
    ("applicable", True),
    ("parent", None),
    ("measure_kind", None),
)


def _shares(df: pd.DataFrame, rules: RuleSet, rule_codes: np.ndarray) -> np.ndarray:
    """The share of the weight of every row, one pass per rule definition over all its rows; each rule
    type is given only the columns it declares it reads (:attr:`RuleType.reads`), each taken once."""
    share = np.full(len(df), np.nan)
    arrays: dict[str, np.ndarray] = {}
    for code, spec in enumerate(rules.rules.values()):
        rows = np.flatnonzero(rule_codes == code)
        if len(rows):
            kind = RULE_TYPES[spec["type"]]
            for c in kind.reads:
                if c not in arrays:
                    arrays[c] = df[c].to_numpy()
            every = len(rows) == len(df)  # one rule for every row (a rule set of one rule): no rows taken
            taken = {c: arrays[c] if every else arrays[c][rows] for c in kind.reads}
            # the arrays as they are (read-only or taken for these rows): not copied into Series, then into blocks
            inputs = pd.DataFrame({c: pd.Series(v, dtype=v.dtype, copy=False) for c, v in taken.items()}, copy=False)
            share[rows] = kind(inputs, spec, rules).to_numpy()
    return share


def _object(values: np.ndarray, index: pd.Index, known: np.ndarray) -> pd.Series:
    """An object column of True/False where ``known``, else None."""
    told = _TOLD[np.where(known, np.asarray(values, dtype=bool) + 1, 0)]
    return pd.Series(told, index=index, dtype=object, copy=False)


def unknown_in(frame: pd.DataFrame, column: str) -> pd.Series:
    """Rows whose ``unknown`` field lists ``column`` (a printed figure we cannot read)."""
    out = np.zeros(len(frame), dtype=bool)
    if "unknown" in frame:
        listed = frame["unknown"].to_numpy(dtype=object)
        rows = np.flatnonzero(~is_missing(listed))  # few rows: the text is read only there
        if len(rows):
            names = {v: column in (c.strip() for c in str(v).split(",")) for v in set(listed[rows])}
            out[rows] = [names[v] for v in listed[rows]]
    return pd.Series(out, index=frame.index)


def infer_directions(ind: pd.DataFrame, rules: RuleSet) -> tuple[pd.Series, pd.Series]:
    """Each indicator's direction, and whether it was assumed.

    An indicator without 指标性质 is qualitative when printed 定性 (``measure_kind``), or — unless printed 定量 —
    when it has neither a target nor an actual value (not even an unreadable one), or has a qualitative grade; a quantitative one takes its direction from the rule set's name table
    (``direction_names``: 控制率, 调整率, 结转结余率, 成本 … → ≤), else ≥.
    """
    given = ind["direction"]
    assumed = pd.Series(is_missing(given).copy(), index=given.index)  # a column of the scored frame: writable
    if not assumed.any():
        return given, assumed
    words = tuple(rules.direction_names.get("<=", ()))
    lower = _names_any(ind["level3"], words) | _names_any(ind["level2"], words)  # 三级 or 二级 name has one
    figures = ~is_missing(ind["target"]) | ~is_missing(ind["actual"])
    figures |= unknown_in(ind, "target").to_numpy() | unknown_in(ind, "actual").to_numpy()
    kind = ind["measure_kind"].to_numpy(dtype=object) if "measure_kind" in ind else np.full(len(ind), None)
    # 定量/定性 as printed wins over what the figures suggest (issue 20 item 6)
    qualitative = (~figures | ~is_missing(ind["qualitative_grade"])) & (kind != "定量") | (kind == "定性")
    inferred = pd.Series(np.where(qualitative, "qualitative", np.where(lower, "<=", ">=")), index=ind.index)
    return given.where(~assumed, inferred), assumed


def _names_any(names: pd.Series, words: tuple[str, ...]) -> np.ndarray:
    """Which names contain any of ``words`` (a missing name: none); each distinct name is searched once."""
    return each_value(names, lambda u: any(w in str(u) for w in words))


_PREPARED_DEFAULTS = (
    *_DEFAULTS,
    ("target_adjusted", np.nan),
    ("unknown", None),
    ("level3", None),
)


def _prepared(ind: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """The indicators with every optional column present, department rows keyed by :data:`DEPARTMENT`,
    directions inferred where none is given, the grade of a 定性 actual printed as words filled in
    (``grade_from_text``, :func:`~evaltools.scoring.rule_types.qualitative.text_grades`) and the adjusted target
    (调整指标值) used where printed.
    Copy-on-write: the input is never changed, its columns are not copied."""
    df = with_columns(ind, {col: default for col, default in _PREPARED_DEFAULTS if col not in ind})
    if is_missing(df["project"]).any():
        project = df["project"]
        if isinstance(project.dtype, pd.CategoricalDtype) and DEPARTMENT not in project.cat.categories:
            project = project.cat.add_categories([DEPARTMENT])
        df["project"] = project.fillna(DEPARTMENT)
    direction, assumed = infer_directions(df, rules)
    df["direction"] = direction
    readable = ~unknown_in(df, "actual").to_numpy()
    words = text_grades(df, is_in(direction, ["qualitative"]), readable, rules)
    from_text = words.notna().to_numpy()
    columns = {"direction_assumed": assumed, "grade_from_text": from_text}
    if from_text.any():
        columns["qualitative_grade"] = df["qualitative_grade"].astype(object).where(~from_text, words)
    columns["target_original"] = df["target"]
    adjusted = df["target_adjusted"].astype(float)
    if adjusted.notna().any():
        columns["target"] = adjusted.where(adjusted.notna(), df["target"])
    return with_columns(df, columns)


def _item_groups(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """二级-level scoring: rows with no 三级指标 are scored items of their 二级 group; the 三级 rows of such a
    group without a weight of their own are its measures. Returns (is_item, is_measure, group code per row)."""
    is_item = is_missing(df["level3"]).copy()  # a column of the scored frame: its own, writable
    if not is_item.any():
        return is_item, np.zeros(len(df), dtype=bool), np.zeros(len(df), dtype=np.int64)
    codes, _ = group_codes(df, group_keys(df) + ["level1", "level2"])
    has_item = np.bincount(codes, weights=is_item, minlength=codes.max() + 1)[codes] > 0
    weightless = is_missing(df["weight"]) & ~unknown_in(df, "weight").to_numpy()
    return is_item, ~is_item & weightless & has_item, codes


def _item_shares(share: np.ndarray, is_item: np.ndarray, is_measure: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """A 二级 item's share = the mean share of its measures (NaN when any measure is unknown); an item without
    measures (a 二级-level row printed with its own target and actual) keeps its own share; one grouped pass."""
    if not is_item.any():
        return share
    n = codes.max() + 1
    values = np.where(is_measure, share, 0.0)
    total = np.bincount(codes, weights=np.nan_to_num(values), minlength=n)
    count = np.bincount(codes, weights=is_measure, minlength=n)
    unknown = np.bincount(codes, weights=is_measure & np.isnan(share), minlength=n) > 0
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(unknown | (count == 0), np.nan, total / count)
    return np.where(is_item & (count[codes] > 0), mean[codes], share)


def _empty_rows(df: pd.DataFrame) -> np.ndarray:
    """Rows that print nothing but a name — no 分值, 得分, target, actual or grade, nothing unreadable: a template
    slot left empty (新洲区楚剧团 2020 「指标1: / 指标2:」 under 时效指标), which promises nothing and is not scored
    (its missing 分值 does not make the form's total unknown)."""
    figures = ("weight", "panel_score", "target", "actual", "qualitative_grade", "unknown")
    printed = np.zeros(len(df), dtype=bool)
    for col in figures:
        if col in df:
            printed |= ~is_missing(df[col])
    for col in ("target_text", "actual_text"):
        if col in df:
            printed |= each_value(df[col], lambda v: bool(str(v).strip()))
    return ~printed


def score_indicators(ind: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """Score every indicator row at once. Returns a new frame with the input columns plus:

    ``rule_name``, ``rule_type``, ``completion`` (A/T), ``met``, ``share`` (of W, full precision),
    ``missing`` (no actual/grade), ``unknown_score`` (depends on a figure we cannot read: 无法计算,
    never 0), ``scored`` (counts towards the total), ``computed_raw`` (share × W), ``computed_score``
    (rounded), ``score`` (the panel score where given, else computed), ``band_low``/``band_high``
    (qualitative band in points), ``in_band``, ``direction_assumed`` and, for 二级-level tables,
    ``is_item``/``is_measure``.
    """
    df, rules = with_criteria(_prepared(ind, rules), rules)  # a row's printed 评分标准 of a standard shape
    direction_codes = category_codes(df["direction"], list(DIRECTIONS))
    rule_codes, names = _rule_names(df, rules, direction_codes)
    types = np.array([spec["type"] for spec in rules.rules.values()] + [None], dtype=object)[rule_codes]
    share = _shares(df, rules, rule_codes)
    is_part = ~is_missing(df["parent"])
    is_item, is_measure, item_codes = _item_groups(df)
    unreadable = (unknown_in(df, "actual") | unknown_in(df, "target")).to_numpy()
    applicable = df["applicable"].to_numpy(dtype=bool)
    # an actual printed with no target to compare it with (银川市第六中学 2021: target 一, actual 100%; 新洲区楚剧团
    # 2020 成本: target garbled, actual 2万元): the rule cannot score it — unknown (无法计算), never 0
    quantitative = ~is_in(df["direction"], ["qualitative"])
    untargeted = ~is_missing(df["actual"]) & is_missing(df["target"]) & quantitative
    # a row printed 定量 with blank values: nothing to score it by — unknown, not 0 and not 定性 full marks (item 6)
    untargeted |= is_in(df["measure_kind"], ["定量"]) & is_missing(df["target"]) & is_missing(df["actual"])
    missing = np.isnan(share) & ~is_part & ~is_item & ~unreadable & applicable & ~untargeted
    dropped = missing & (rules.missing_actual == "drop")
    share = np.where(dropped, np.nan, np.where(missing, 0.0, share))
    share = _item_shares(share, is_item, is_measure, item_codes)
    scored = applicable & ~(dropped & ~is_measure) & ~is_part & ~is_measure & ~_empty_rows(df)
    weight = df["weight"].to_numpy(dtype=float)
    unknown = scored & (np.isnan(share) | np.isnan(weight))
    share = np.where(scored, share, 0.0)
    masks = direction_masks(df, direction_codes)
    raw = np.where(scored, share * weight, 0.0)
    panel = df["panel_score"].to_numpy(dtype=float)
    score = np.where(~np.isnan(panel) & scored, panel, raw.round(rules.rounding))
    columns = {  # set at once (:func:`with_columns`): one concatenation, not a column index re-made per column
        "rule_name": pd.Series(names, index=df.index, dtype=object, copy=False),  # arrays of their own
        "rule_type": pd.Series(types, index=df.index, dtype=object, copy=False),
        "completion": completion(df, masks),
        "met": target_met(df, masks),
        **{"share": share, "missing": missing, "unknown_score": unknown, "is_item": is_item, "is_measure": is_measure},
        **{"scored": scored, "computed_raw": raw, "computed_score": raw.round(rules.rounding)},
        "score": np.where(unknown_in(df, "panel_score").to_numpy() & scored, np.nan, score),
    }
    return with_columns(df, {**columns, **_bands(df, rules, masks["qualitative"], panel, weight)}, own=True)


def _bands(df: pd.DataFrame, rules: RuleSet, qualitative: np.ndarray, panel: np.ndarray, weight: np.ndarray) -> dict:
    """``band_low``/``band_high`` (the qualitative grade's band in points) and ``in_band`` of the panel score
    (None where it cannot be judged: no panel score, grade or 分值, or a grade read from words), as columns."""
    low, high = qualitative_band(df["qualitative_grade"], rules)
    low, high = low.to_numpy(), high.to_numpy()
    band_low, band_high = low * weight, high * weight
    with np.errstate(invalid="ignore"):
        in_band = (panel >= band_low - 1e-9) & ((panel < band_high) | (high >= 1.0) & (panel <= band_high + 1e-9))
    # no 分值 printed: no band in points; a grade read from words (grade_from_text) scores a row without a
    # panel score but does not judge one: the panel read the words itself (蚕茶卫生院 2021 scores a worded 6/12)
    known = qualitative & ~np.isnan(panel) & ~np.isnan(low) & ~np.isnan(weight) & ~df["grade_from_text"].to_numpy()
    return {"band_low": band_low, "band_high": band_high, "in_band": _object(in_band, df.index, known)}


def _group(
    frame: pd.DataFrame, columns: Sequence[str], rows: np.ndarray | None = None
) -> tuple[np.ndarray, np.ndarray, list]:
    """(group code of each row in order of first appearance, first row of each group, per column (codes, values));
    of the rows where ``rows`` is true only, if given (each column coded whole: its codes are remembered)."""
    parts = [column_codes(frame[col]) for col in columns]
    if rows is not None:
        parts = [(c[rows], u) for c, u in parts]
    codes, first = combined_codes([(c, len(u)) for c, u in parts], len(parts[0][0]) if parts else len(frame))
    return codes, first, parts


def group_codes(frame: pd.DataFrame, columns: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(code of each row's combination of ``columns`` in order of first appearance, first row of each code).

    Each column is hashed once (``pd.factorize``; a categorical unit column not at all); the combination is
    then an integer: grouping by it is what makes the per-project and per-unit sums of a million rows fast."""
    codes, first, _ = _group(frame, columns)
    return codes, first


def level1_totals(scored: pd.DataFrame) -> pd.DataFrame:
    """Sums per project (and unit) and 一级指标 in one pass over the scored indicators — the only
    grouping of the big table; project totals and the composition are sums of this small one.
    Breakdown rows (``parent`` set) are left out; weights split into scored and dropped."""
    keys = group_keys(scored) + ["level1"]
    rows = is_missing(scored["parent"]) if "parent" in scored else np.ones(len(scored), dtype=bool)
    some = None if rows.all() else rows  # no breakdown row (the usual case): no filtering
    on = scored["scored"].to_numpy(dtype=bool)[rows]
    weight = scored["weight"].to_numpy(dtype=float)[rows]
    counts = {  # flags as 0/1 counts (int64, made so at once: no astype of the frame)
        "indicator_count": ~_flag(scored, "is_measure", rows),
        "missing_actuals": _flag(scored, "missing", rows),
        "unknown_scores": _flag(scored, "unknown_score", rows),
        "unknown_assessed": on & np.isnan(_column(scored, "score", rows)),
        "unknown_weights": on & np.isnan(weight),
        "scored_count": on,
    }
    amounts = pd.DataFrame(
        {
            "indicator_weight": np.where(on, weight, 0.0),
            "dropped_weight": np.where(on, 0.0, weight),
            "indicator_score": np.where(on, _column(scored, "computed_score", rows), 0.0),
            "assessed_indicator_score": np.where(on, _column(scored, "score", rows), 0.0),
        }
    )
    codes, first, parts = _group(scored, keys, some)
    sums = amounts.groupby(codes, sort=False).sum()  # pandas' compensated sums; the groups are codes 0 … n − 1
    # the counts of true flags per group: integers, exact by np.bincount (what summing them as int64 gives)
    sums = with_columns(sums, {c: np.bincount(codes[counts[c]], minlength=len(first)) for c in _COUNTS})
    # a total that depends on a figure we cannot read is unknown (无法计算), never a partial sum
    unknown = {
        col: np.where(sums[count].to_numpy() == 0, sums[col].to_numpy(), np.nan)
        for col, count in (
            ("indicator_score", "unknown_scores"),
            ("assessed_indicator_score", "unknown_assessed"),
            ("indicator_weight", "unknown_weights"),
        )
    }
    sums = with_columns(sums, unknown)
    index = pd.MultiIndex(
        levels=[values for _, values in parts], codes=[c[first] for c, _ in parts], names=keys, verify_integrity=False
    )
    if some is not None:  # a name only on breakdown rows is no level (as grouping the kept rows alone gives)
        index = index.remove_unused_levels()
    return sums.set_axis(index, axis=0)


_COUNTS = (
    "indicator_count",
    "missing_actuals",
    "unknown_scores",
    "unknown_assessed",
    "unknown_weights",
    "scored_count",
)


def _column(frame: pd.DataFrame, name: str, rows: np.ndarray) -> np.ndarray:
    return frame[name].to_numpy(dtype=float)[rows]


def _flag(frame: pd.DataFrame, name: str, rows: np.ndarray) -> np.ndarray:
    """A boolean column's kept rows (all False when the frame has no such column)."""
    if name not in frame:
        return np.zeros(int(rows.sum()), dtype=bool)
    return frame[name].to_numpy(dtype=bool)[rows]


_UNKNOWN_IF_ANY = ("indicator_score", "assessed_indicator_score", "indicator_weight")


def _per_form(totals: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The per 一级指标 sums of :func:`level1_totals` summed per form (``keys``: unit and project), one
    grouping by integer codes; a sum with an unknown part (NaN) is unknown (NaN), never a partial sum."""
    index = totals.index
    levels = [index.names.index(name) for name in keys]
    # the levels' own integer codes combined: no text is hashed again
    codes, first = combined_codes([(index.codes[i], len(index.levels[i])) for i in levels], len(index))
    agg = totals.groupby(codes, sort=True).sum(min_count=1)
    for col in _UNKNOWN_IF_ANY:  # the groups are the codes 0 … n − 1 in order: counted with np.bincount
        unknown = np.bincount(codes, weights=totals[col].isna().to_numpy(), minlength=len(first)) > 0
        agg[col] = np.where(unknown, np.nan, agg[col].to_numpy(dtype=float))
    forms = pd.MultiIndex(
        levels=[index.levels[i] for i in levels],
        codes=[index.codes[i][first] for i in levels],
        names=keys,
        verify_integrity=False,
    )
    return agg.set_axis(forms if len(keys) > 1 else forms.get_level_values(0), axis=0)


def _joined(p: pd.DataFrame, agg: pd.DataFrame, keys: list[str]) -> dict[str, np.ndarray]:
    """The columns of ``agg`` (indexed by ``keys``) for each row of ``p`` as a left merge gives them (a missing key
    matches a missing key), zeros for a project without indicators (not unknown); by integer codes, no merge."""
    index, n, codes = agg.index, len(p), np.zeros(len(p) + len(agg), dtype=np.int64)
    at = [index.names.index(k) for k in keys] if len(keys) > 1 else []
    right = [(index.codes[i], index.levels[i]) for i in at] if len(keys) > 1 else [index]
    for mine, theirs in zip([p[k] for k in keys], right):
        values, size = joint_codes(mine, theirs)
        codes = codes * (size + 1) + values
    codes = np.concatenate(factorized_pair(codes[:n], codes[n:]))  # pd.factorize's codes, by runs where sorted
    first = np.full(len(codes) + 1, -1, dtype=np.int64)
    first[codes[n:][::-1]] = np.arange(len(index) - 1, -1, -1)
    at = first[codes[:n]]
    absent, out = bool((at < 0).any()), {}
    for col in agg.columns:  # with a project absent, a merge's NaN made the column float: then 0.0 at -1
        values = agg[col].to_numpy()
        out[col] = np.append(values, 0.0)[at] if absent else values[at]
    return out


def score_projects(
    projects: pd.DataFrame,
    scored: pd.DataFrame,
    rules: RuleSet,
    bands: pd.DataFrame | None = None,
    totals: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Project totals: 预算执行率得分 + indicator scores, rescaled to 100 when indicators are dropped.

    ``execution_rate`` = spent / budget (全年执行数/全年预算数); ``execution_score`` = method(rate) × W.
    ``computed_score`` is the recomputed total; ``score`` is the published score where one exists
    (the assessed score), else the computed one; both are graded with ``bands``. Columns are set at once
    (:func:`~evaltools.scoring.frames.with_columns`).
    """
    keys, p = group_keys(projects), projects
    w = p["execution_weight"].fillna(float(rules.execution.get("default_weight", 10)))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rate = p["spent"] / p["budget"].where(p["budget"] != 0)
    method = EXECUTION_METHODS[rules.execution.get("method", "ratio")]  # the method and its settings' defaults
    budget, spent, weighted = p["budget"].to_numpy(dtype=float), p["spent"].to_numpy(dtype=float), w.to_numpy() != 0
    unknown = {c: unknown_in(p, c).to_numpy() for c in ("budget", "spent", "execution_weight")}
    unreadable = (unknown["budget"] | unknown["spent"]) & weighted | unknown["execution_weight"]
    unreadable |= (budget == 0) & (spent > 0) & weighted  # spending against a 0 budget: no rate (稷山 2021)
    # an amount not printed is unknown, not 0: no rate, no score (issue 20 item 2; 融媒体中心 2021)
    unreadable |= (np.isnan(budget) | np.isnan(spent)) & weighted
    raw = (method(rate, dict(rules.execution)).fillna(0.0) * w).where(~unreadable)
    c = {
        "execution_weight": w,
        "execution_rate": rate,
        "execution_raw": raw,
        "execution_score": raw.round(rules.rounding),
    }
    totals = level1_totals(scored) if totals is None else totals
    c.update(_joined(p, _per_form(totals.drop(columns="scored_count"), keys), keys))
    factor = np.ones(len(p))  # on arrays from here: a form's few rows, no Series per step
    if rules.not_applicable == "rescale":
        available = w.to_numpy(dtype=float) + c["indicator_weight"]
        with np.errstate(divide="ignore", invalid="ignore"):
            factor = np.where(c["dropped_weight"] > 0, 100.0 / np.where(available > 0, available, np.nan), 1.0)
        factor = np.where(np.isnan(factor), 1.0, factor)
    c["rescale_factor"] = factor
    computed = (c["execution_score"].to_numpy(dtype=float) + c["indicator_score"]) * factor
    c["computed_score"] = computed
    c["published_score"] = published = p["published_score"] if "published_score" in p else np.nan
    score = p["published_score"].to_numpy(dtype=float) if "published_score" in p else np.full(len(p), np.nan)
    score = np.where(unknown_in(p, "published_score").to_numpy(), np.nan, np.where(np.isnan(score), computed, score))
    c["score"] = score
    c["difference"] = published - computed
    if bands is not None:  # graded as Series of the frame's index: object columns (text is not inferred)
        c["grade"], c["computed_grade"] = (grade(pd.Series(x, index=p.index), bands) for x in (score, computed))
    return with_columns(p, c).reset_index(drop=True)


def _index_columns(index: pd.MultiIndex) -> dict[str, object]:
    """The levels of ``index`` as columns, through their codes (a categorical level stays categorical)."""
    out = {}
    for i, name in enumerate(index.names):
        level = index.levels[i]
        if name == ORG:
            out[name] = pd.Categorical.from_codes(index.codes[i], categories=level)
        else:
            out[name] = pd.Series(np.asarray(level, dtype=object)[index.codes[i]], dtype=object)
    return out


def composition(scored: pd.DataFrame, projects: pd.DataFrame, totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score per project and 一级指标 (预算执行率 first), tidy: project, level1, weight, score."""
    keys = group_keys(projects)
    totals = level1_totals(scored) if totals is None else totals
    kept = totals[totals["scored_count"].to_numpy() > 0]
    parts = pd.DataFrame(
        {
            **_index_columns(kept.index),
            "weight": kept["indicator_weight"].to_numpy(),
            "score": kept["indicator_score"].to_numpy(),
        }
    )
    execution = pd.DataFrame(
        {
            **{k: projects[k] for k in keys},
            "level1": pd.Series("预算执行率", index=projects.index, dtype=object),
            "weight": projects["execution_weight"],
            "score": projects["execution_score"],
        }
    )
    return pd.concat([execution, parts], ignore_index=True)


def department_totals(
    projects: pd.DataFrame, units: pd.DataFrame, rules: RuleSet, bands: pd.DataFrame | None
) -> pd.DataFrame:
    """Each unit's total (one row per row of ``units``, which has ``org`` and ``published_total``): the
    published score where it exists, else the mean of its project scores.

    Both means are always computed (no source fixes the choice): simple = mean(score);
    budget_weighted = Σ score × 全年预算数 / Σ 全年预算数. ``rules.department_total`` picks one.
    """
    n = len(units)
    codes = category_codes(projects[ORG], list(units[ORG]))
    (c_simple, c_weighted), (a_simple, a_weighted) = unit_means(projects, codes, n, ["computed_score", "score"])
    weighted = rules.department_total == "budget_weighted"
    computed, assessed = (c_weighted, a_weighted) if weighted else (c_simple, a_simple)
    published = units["published_total"].to_numpy(dtype=float)
    score = np.where(np.isnan(published), assessed, published)
    grades = grade(np.concatenate([score, computed]), bands).to_numpy()  # both grades in one pass
    return pd.DataFrame(
        {
            ORG: units[ORG].to_numpy(dtype=object),
            "score": score,
            "published": pd.Series(published).astype(object).where(~np.isnan(published), None).to_numpy(),
            "computed_score": computed,
            "assessed_mean": assessed,
            "computed_simple": c_simple,
            "computed_weighted": c_weighted,
            "assessed_simple": a_simple,
            "assessed_weighted": a_weighted,
            "method": rules.department_total,
            "grade": grades[:n],
            "computed_grade": grades[n:],
        }
    )
