"""Indicator, execution and project scores, vectorised over whole tables.

Rules (财政部《项目支出绩效评价管理办法》财预〔2020〕10号 and the practice in ``../shared/domain.md``),
each as a share of the indicator's weight W, with actual A and target T:

* ``ratio_up`` (正向 ≥ >): min(A/T, 1); T = 0 → 1 when A ≥ 0. No bonus above target.
* ``reverse_linear`` (反向 ≤ <): 1 when A ≤ T, else max(0, 1 − (A−T)/T): 0 at A ≥ 2T.
* ``reverse_ratio`` (反向, published template): 1 when A ≤ T, else T/A.
* ``equal`` (=): as ``ratio_up``; T = 0 → 1 when A ≤ 0, else 0.
* ``range`` (区间 lo–hi): 1 inside [lo, hi] and above hi (a finding), A/lo below lo.
* ``qualitative`` (定性): 达成 [80%, 100%], 部分达成 [60%, 80%), 未达成 [0, 60%) of W; a panel
  score is used when given (and checked against its band), else the band's default position.
* ``deduction``: W − per_step × (excess / step), never below 0 ("each point over, −0.5").
* ``tiered``: a share of W by the tier the overrun (or shortfall) (A−T)/T falls in.

Rule types are a registry keyed by name; a rule set (``params/rules``) maps directions and named
rules onto them. Scores are kept at full precision and rounded to ``rules.rounding`` decimals only
at the end (domain rule: each indicator score to 2 decimals; parent levels are sums).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaltools.data.schema import DIRECTIONS
from evaltools.errors import RuleError
from evaltools.registry import Registry
from evaltools.scoring.grading import grade

if TYPE_CHECKING:
    from evaltools.scoring.rules import RuleSet

RuleFn = Callable[[pd.DataFrame, dict, object], pd.Series]
#: Scoring rule types by name → vectorised function returning the share of the weight in [0, 1].
RULE_TYPES: Registry[RuleFn] = Registry("rule type", "评分规则类型", key="rules")
#: Execution-rate scoring methods by name → function(rate, settings) → share of the weight.
EXECUTION_METHODS: Registry[Callable[[pd.Series, dict], pd.Series]] = Registry(
    "execution method", "预算执行率计分方法", key="execution.method"
)
rule_type = RULE_TYPES.register
execution_method = EXECUTION_METHODS.register


def _a_t(df: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    return df["actual"].to_numpy(dtype=float), df["target"].to_numpy(dtype=float)


def _out(df, values) -> pd.Series:
    return pd.Series(np.asarray(values, dtype=float), index=df.index)


@rule_type("ratio_up")
def _ratio_up(df, spec, rules):
    a, t = _a_t(df)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(t > 0, np.clip(a / t, 0.0, 1.0), np.where(a >= t, 1.0, 0.0))
    return _out(df, np.where(np.isnan(a) | np.isnan(t), np.nan, ratio))


@rule_type("reverse_linear")
def _reverse_linear(df, spec, rules):
    a, t = _a_t(df)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        over = np.where(t > 0, np.clip(1.0 - (a - t) / t, 0.0, 1.0), 0.0)
    return _out(df, np.where(np.isnan(a) | np.isnan(t), np.nan, np.where(a <= t, 1.0, over)))


@rule_type("reverse_ratio")
def _reverse_ratio(df, spec, rules):
    a, t = _a_t(df)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        over = np.where((t > 0) & (a > 0), np.clip(t / a, 0.0, 1.0), 0.0)
    return _out(df, np.where(np.isnan(a) | np.isnan(t), np.nan, np.where(a <= t, 1.0, over)))


@rule_type("equal")
def _equal(df, spec, rules):
    a, t = _a_t(df)
    zero = np.where(a <= 0, 1.0, 0.0)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(t != 0, np.clip(a / t, 0.0, 1.0), zero)
    return _out(df, np.where(np.isnan(a) | np.isnan(t), np.nan, ratio))


@rule_type("range")
def _range(df, spec, rules):
    a, lo = _a_t(df)
    hi = df["target_high"].to_numpy(dtype=float)
    hi = np.where(np.isnan(hi), lo, hi)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        below = np.where(lo > 0, np.clip(a / lo, 0.0, 1.0), np.where(a >= lo, 1.0, 0.0))
    return _out(df, np.where(np.isnan(a) | np.isnan(lo), np.nan, np.where(a >= lo, 1.0, below)))


def qualitative_band(grades: pd.Series, rules: RuleSet) -> tuple[pd.Series, pd.Series]:
    """(low, high) share of the weight for each qualitative grade (NaN where no grade)."""
    bands = rules.qualitative["bands"]
    codes = pd.Categorical(grades, categories=list(bands))
    low = np.array([b[0] for b in bands.values()] + [np.nan], dtype=float)[codes.codes]
    high = np.array([b[1] for b in bands.values()] + [np.nan], dtype=float)[codes.codes]
    return pd.Series(low, index=grades.index), pd.Series(high, index=grades.index)


@rule_type("qualitative")
def _qualitative(df, spec, rules):
    low, high = qualitative_band(df["qualitative_grade"], rules)
    position = {"lower": 0.0, "mid": 0.5, "upper": 1.0}[rules.qualitative["default_position"]]
    share = low + (high - low) * position
    w = df["weight"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        panel = np.where(w > 0, df["panel_score"].to_numpy(dtype=float) / w, np.nan)
    return _out(df, np.where(np.isnan(panel), share.to_numpy(), panel))


@rule_type("deduction")
def _deduction(df: pd.DataFrame, spec: dict, rules: RuleSet) -> pd.Series:
    """W − per_step × (deviation / step), never below 0: "每超 1 个百分点扣 0.5 分" (``side: over``,
    step 0.01) or "每低 5% 扣 2 分" (``side: under``, ``relative: true``: the shortfall as a share of T)."""
    a, t = _a_t(df)
    w = df["weight"].to_numpy(dtype=float)
    excess = np.maximum(0.0, (a - t) if spec.get("side", "over") == "over" else (t - a))
    if spec.get("relative", False):
        with np.errstate(divide="ignore", invalid="ignore"):
            excess = np.where(t != 0, excess / np.abs(t), np.where(excess > 0, np.inf, 0.0))
    points = np.maximum(0.0, w - float(spec["per_step"]) * excess / float(spec.get("step", 1.0)))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = np.where(w > 0, points / w, 1.0)
    return _out(df, np.where(np.isnan(a) | np.isnan(t), np.nan, share))


@rule_type("threshold")
def _threshold(df: pd.DataFrame, spec: dict, rules: RuleSet) -> pd.Series:
    """Full W when the actual reaches ``at`` ("资金到位率大于 90% 得满分"; ``of: target`` compares A/T with
    ``at``), else ``below``: ``ratio`` (A/at × W) or ``zero``."""
    a, t = _a_t(df)
    at = float(spec["at"])
    value = a / np.where(t != 0, t, np.nan) if spec.get("of") == "target" else a
    with np.errstate(divide="ignore", invalid="ignore"):
        below = np.clip(value / at, 0.0, 1.0) if spec.get("below", "ratio") == "ratio" else np.zeros(len(a))
    share = np.where(value >= at, 1.0, below)
    return _out(df, np.where(np.isnan(value), np.nan, share))


@rule_type("tiered")
def _tiered(df, spec, rules):
    a, t = _a_t(df)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rel = np.where(t != 0, (a - t) / np.abs(t), np.where(a > t, np.inf, np.where(a < t, -np.inf, 0.0)))
    measure = np.maximum(0.0, rel if spec.get("measure", "overrun") == "overrun" else -rel)
    tiers = sorted((float(u), float(s)) for u, s in spec["tiers"])
    share = np.select(
        [measure <= u for u, _ in tiers], [s for _, s in tiers], default=float(spec.get("otherwise", 0.0))
    )
    return _out(df, np.where(np.isnan(a) | np.isnan(t), np.nan, share))


@execution_method("ratio")
def _exec_ratio(rate: pd.Series, settings: dict) -> pd.Series:
    """预算执行率得分 = min(rate, 1) × W (uncapped when ``cap: false``)."""
    return rate.clip(lower=0, upper=1.0 if settings.get("cap", True) else None)


@execution_method("threshold")
def _exec_threshold(rate: pd.Series, settings: dict) -> pd.Series:
    """Full marks at rate ≥ threshold (e.g. 95%), else rate × W (some regions)."""
    capped = _exec_ratio(rate, settings)
    return capped.where(rate < float(settings.get("threshold", 0.95)), 1.0)


#: Column naming the reporting unit (department) in tables that hold many units at once.
#: (Not ``unit``: in the indicator table that is the unit of measure, 度量单位.)
ORG = "org"


#: The key, in scored frames, of the department's own table (部门整体支出绩效自评表): its indicators have
#: no project in the input; internally they are scored as one more form beside the projects.
DEPARTMENT = "部门整体"


def group_keys(frame: pd.DataFrame) -> list[str]:
    """Projects are identified by ``project``, or by ``org`` + ``project`` in multi-unit tables."""
    return [ORG, "project"] if ORG in frame.columns else ["project"]


def direction_masks(ind: pd.DataFrame) -> dict[str, np.ndarray]:
    """One boolean mask per direction, computed once through categorical codes (fast on 1M rows)."""
    codes = pd.Categorical(ind["direction"], categories=list(DIRECTIONS)).codes
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
    return pd.Series(ratio, index=ind.index, dtype=float)


def target_met(ind: pd.DataFrame, masks: dict | None = None) -> pd.Series:
    """Whether the actual meets the target for its direction (None where it cannot be told)."""
    m = masks or direction_masks(ind)
    a = ind["actual"].to_numpy(dtype=float)
    t = ind["target"].to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        met = np.select(
            [m[">="] | m["="] | m["range"], m[">"], m["<="], m["<"]], [a >= t, a > t, a <= t, a < t], default=False
        )
    known = ~np.isnan(a) & ~np.isnan(t) & ~m["qualitative"]
    grade = ind["qualitative_grade"]
    qual = m["qualitative"] & grade.notna().to_numpy()
    out = pd.Series(met, index=ind.index, dtype=object).where(known, None)
    return out.mask(qual, grade == "达成")


def resolve_rules(ind: pd.DataFrame, rules: RuleSet) -> pd.Series:
    """The named rule that scores each indicator: its own ``rule`` column, else its direction's."""
    by_direction = pd.Categorical(ind["direction"], categories=list(rules.directions))
    names = pd.Series(
        np.array(list(rules.directions.values()) + [None], dtype=object)[by_direction.codes], index=ind.index
    )
    if "rule" in ind and ind["rule"].notna().any():
        names = ind["rule"].where(ind["rule"].notna(), names)
    bad = names.notna() & ~names.isin(list(rules.rules))
    if bad.any():
        unknown = sorted(set(names[bad]))
        raise RuleError(
            f"指标使用了未定义的评分规则 / indicators name rule(s) {', '.join(map(repr, unknown))} that "
            f"the rule set {rules.name!r} does not define; defined: {', '.join(rules.rules)}",
            key="rule",
        )
    return names


def unknown_in(frame: pd.DataFrame, column: str) -> pd.Series:
    """Rows whose ``unknown`` field lists ``column`` (a printed figure we cannot read)."""
    if "unknown" not in frame:
        return pd.Series(False, index=frame.index)
    listed = frame["unknown"].where(frame["unknown"].notna(), "").astype(str)
    return listed.str.contains(rf"(?:^|,)\s*{column}\s*(?:,|$)", regex=True)


def infer_directions(ind: pd.DataFrame, rules: RuleSet) -> tuple[pd.Series, pd.Series]:
    """Each indicator's direction, and whether it was assumed.

    An indicator without 指标性质 is qualitative when it has neither a target nor an actual value (not
    even an unreadable one), or has a qualitative grade; a quantitative one takes its direction from the rule set's name table
    (``direction_names``: 控制率, 调整率, 结转结余率, 成本 … → ≤), else ≥.
    """
    given = ind["direction"]
    assumed = given.isna()
    names = ind["level3"].fillna("").astype(str) + "|" + ind["level2"].fillna("").astype(str)
    lower = pd.Series(False, index=ind.index)
    for word in rules.direction_names.get("<=", ()):
        lower |= names.str.contains(word, regex=False)
    figures = ind["target"].notna() | ind["actual"].notna() | unknown_in(ind, "target") | unknown_in(ind, "actual")
    qualitative = ~figures | ind["qualitative_grade"].notna()
    inferred = pd.Series(np.where(qualitative, "qualitative", np.where(lower, "<=", ">=")), index=ind.index)
    return given.where(~assumed, inferred), assumed


def _prepared(ind: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """The indicators with every optional column present, department rows keyed by :data:`DEPARTMENT`,
    directions inferred where none is given and the adjusted target (调整指标值) used where printed."""
    df = ind.copy()
    for col, default in (
        ("target_high", np.nan),
        ("panel_score", np.nan),
        ("qualitative_grade", None),
        ("rule", None),
        ("applicable", True),
        ("parent", None),
        ("target_adjusted", np.nan),
        ("unknown", None),
        ("level3", None),
    ):
        if col not in df:
            df[col] = default
    df["project"] = df["project"].where(df["project"].notna(), DEPARTMENT)
    df["direction"], df["direction_assumed"] = infer_directions(df, rules)
    df["target_original"] = df["target"]
    df["target"] = df["target_adjusted"].where(df["target_adjusted"].notna(), df["target"])
    return df


def _item_groups(df: pd.DataFrame) -> tuple[pd.Series, pd.Series, list[str]]:
    """二级-level scoring: rows with no 三级指标 are scored items of their 二级 group; the 三级 rows of such a
    group without a weight of their own are its measures. Returns (is_item, is_measure, group keys)."""
    keys = group_keys(df) + ["level1", "level2"]
    is_item = df["level3"].isna()
    has_item = is_item.groupby([df[k] for k in keys]).transform("any")
    is_measure = ~is_item & df["weight"].isna() & has_item & ~unknown_in(df, "weight")
    return is_item, is_measure, keys


def _item_shares(
    df: pd.DataFrame, share: pd.Series, is_item: pd.Series, is_measure: pd.Series, keys: list
) -> pd.Series:
    """A 二级 item's share = the mean share of its measures (NaN when any measure is unknown)."""
    if not is_item.any():
        return share
    m = df.loc[is_measure, keys].assign(share=share[is_measure])
    grouped = m.groupby(keys, sort=False)["share"]
    mean = grouped.mean().where(~grouped.apply(lambda s: s.isna().any()))
    looked_up = df.loc[is_item, keys].merge(mean.rename("item_share"), how="left", left_on=keys, right_index=True)
    return share.where(~is_item, pd.Series(looked_up["item_share"].to_numpy(), index=df.index[is_item]))


def score_indicators(ind: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """Score every indicator row at once. Returns a new frame with the input columns plus:

    ``rule_name``, ``rule_type``, ``completion`` (A/T), ``met``, ``share`` (of W, full precision),
    ``missing`` (no actual/grade), ``unknown_score`` (depends on a figure we cannot read: 无法计算,
    never 0), ``scored`` (counts towards the total), ``computed_raw`` (share × W), ``computed_score``
    (rounded), ``score`` (the panel score where given, else computed), ``band_low``/``band_high``
    (qualitative band in points), ``in_band``, ``direction_assumed`` and, for 二级-level tables,
    ``is_item``/``is_measure``.
    """
    df = _prepared(ind, rules)
    names = resolve_rules(df, rules)
    rule_codes = pd.Categorical(names, categories=list(rules.rules))
    types = pd.Series(
        np.array([spec["type"] for spec in rules.rules.values()] + [None], dtype=object)[rule_codes.codes],
        index=df.index,
    )
    share = np.full(len(df), np.nan)
    columns = [c for c in ("actual", "target", "target_high", "weight", "panel_score", "qualitative_grade")]
    for code, spec in enumerate(rules.rules.values()):  # one pass per rule definition over all its rows
        mask = rule_codes.codes == code
        if mask.any():
            share[mask] = RULE_TYPES[spec["type"]](df.loc[mask, columns], spec, rules).to_numpy()
    share = pd.Series(share, index=df.index)
    is_part = df["parent"].notna()
    is_item, is_measure, keys = _item_groups(df)
    unreadable = unknown_in(df, "actual") | unknown_in(df, "target")
    missing = share.isna() & ~is_part & ~is_item & ~unreadable & df["applicable"].astype(bool)
    dropped_missing = missing & (rules.missing_actual == "drop")
    share = share.where(~missing | dropped_missing, 0.0).where(~dropped_missing)
    share = _item_shares(df, share, is_item, is_measure, keys)
    applicable = df["applicable"].astype(bool) & ~(dropped_missing & ~is_measure)
    scored = applicable & ~is_part & ~is_measure
    weight = df["weight"].astype(float)
    unknown = scored & (share.isna() | weight.isna())
    share = share.where(scored, 0.0)
    low, high = qualitative_band(df["qualitative_grade"], rules)
    df["rule_name"] = names
    df["rule_type"] = types
    masks = direction_masks(df)
    df["completion"] = completion(df, masks)
    df["met"] = target_met(df, masks)
    df["share"] = share
    df["missing"] = missing
    df["unknown_score"] = unknown
    df["is_item"], df["is_measure"] = is_item, is_measure
    df["scored"] = scored
    df["computed_raw"] = (share * weight).where(scored, 0.0)
    df["computed_score"] = df["computed_raw"].round(rules.rounding)
    panel_unknown = unknown_in(df, "panel_score")
    df["score"] = df["panel_score"].where(df["panel_score"].notna() & scored, df["computed_score"])
    df["score"] = df["score"].where(~(panel_unknown & scored))
    df["band_low"] = low * weight
    df["band_high"] = high * weight
    qual_panel = masks["qualitative"] & df["panel_score"].notna() & low.notna()
    in_band = (df["panel_score"] >= df["band_low"] - 1e-9) & (
        (df["panel_score"] < df["band_high"]) | (high >= 1.0) & (df["panel_score"] <= df["band_high"] + 1e-9)
    )
    df["in_band"] = pd.Series(in_band, index=df.index, dtype=object).where(qual_panel, None)
    return df


def level1_totals(scored: pd.DataFrame) -> pd.DataFrame:
    """Sums per project (and unit) and 一级指标 in one pass over the scored indicators — the only
    grouping of the big table; project totals and the composition are sums of this small one.
    Breakdown rows (``parent`` set) are left out; weights split into scored and dropped."""
    keys = group_keys(scored)
    s = scored.loc[scored["parent"].isna()] if "parent" in scored else scored
    on = s["scored"].to_numpy(dtype=bool)
    weight = s["weight"].to_numpy(dtype=float)
    counted = pd.DataFrame(
        {
            **{k: s[k] for k in keys + ["level1"]},
            "indicator_weight": np.where(on, weight, 0.0),
            "dropped_weight": np.where(on, 0.0, weight),
            "indicator_score": np.where(on, s["computed_score"].to_numpy(dtype=float), 0.0),
            "assessed_indicator_score": np.where(on, s["score"].to_numpy(dtype=float), 0.0),
            "indicator_count": (~s["is_measure"]).to_numpy(dtype=int) if "is_measure" in s else 1,
            "missing_actuals": s["missing"].to_numpy(dtype=int),
            "unknown_scores": s["unknown_score"].to_numpy(dtype=int) if "unknown_score" in s else 0,
            "unknown_assessed": (on & s["score"].isna().to_numpy()).astype(int),
            "unknown_weights": (np.isnan(weight) & on).astype(int),
            "scored_count": on.astype(int),
        },
        index=s.index,
    )
    sums = counted.groupby(keys + ["level1"], sort=False).sum()
    # a total that depends on a figure we cannot read is unknown (无法计算), never a partial sum
    sums.loc[sums["unknown_scores"] > 0, "indicator_score"] = np.nan
    sums.loc[sums["unknown_assessed"] > 0, "assessed_indicator_score"] = np.nan
    sums.loc[sums["unknown_weights"] > 0, "indicator_weight"] = np.nan
    return sums


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
    (the assessed score), else the computed one; both are graded with ``bands``.
    """
    keys = group_keys(projects)
    p = projects.copy()
    w = p["execution_weight"].fillna(float(rules.execution.get("default_weight", 10)))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        rate = p["spent"] / p["budget"].where(p["budget"] != 0)
    method = EXECUTION_METHODS[rules.execution.get("method", "ratio")]
    p["execution_weight"] = w
    p["execution_rate"] = rate
    unreadable = (unknown_in(p, "budget") | unknown_in(p, "spent")) & (w != 0) | unknown_in(p, "execution_weight")
    p["execution_raw"] = (method(rate, dict(rules.execution)).fillna(0.0) * w).where(~unreadable)
    p["execution_score"] = p["execution_raw"].round(rules.rounding)
    totals = level1_totals(scored) if totals is None else totals
    agg = totals.drop(columns="scored_count").groupby(level=keys, sort=False).sum(min_count=1)
    for col in ("indicator_score", "assessed_indicator_score", "indicator_weight"):  # NaN in any part → NaN
        unknown = totals[col].isna().groupby(level=keys, sort=False).any()
        agg.loc[unknown[unknown].index, col] = np.nan
    p = p.merge(agg, how="left", left_on=keys, right_index=True)
    absent = ~p.set_index(keys).index.isin(agg.index)  # a project without indicators: zeros, not unknown
    for col in agg.columns:
        p[col] = p[col].where(~absent, 0.0)
    if rules.not_applicable == "rescale":
        available = p["execution_weight"] + p["indicator_weight"]
        factor = (100.0 / available.where(available > 0)).where(p["dropped_weight"] > 0, 1.0).fillna(1.0)
    else:
        factor = pd.Series(1.0, index=p.index)
    p["rescale_factor"] = factor
    p["computed_score"] = (p["execution_score"] + p["indicator_score"]) * factor
    p["published_score"] = p["published_score"] if "published_score" in p else np.nan
    p["score"] = p["published_score"].where(p["published_score"].notna(), p["computed_score"])
    p["score"] = p["score"].where(~unknown_in(p, "published_score"))  # printed but unreadable: unknown
    p["difference"] = p["published_score"] - p["computed_score"]
    if bands is not None:
        p["grade"] = grade(p["score"], bands)
        p["computed_grade"] = grade(p["computed_score"], bands)
    return p.reset_index(drop=True)


def composition(scored: pd.DataFrame, projects: pd.DataFrame, totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """Score per project and 一级指标 (预算执行率 first), tidy: project, level1, weight, score."""
    keys = group_keys(projects)
    totals = level1_totals(scored) if totals is None else totals
    parts = totals.loc[totals["scored_count"] > 0, ["indicator_weight", "indicator_score"]]
    parts = parts.rename(columns={"indicator_weight": "weight", "indicator_score": "score"}).reset_index()
    execution = projects[keys].assign(
        level1="预算执行率", weight=projects["execution_weight"], score=projects["execution_score"]
    )
    return pd.concat([execution, parts], ignore_index=True)


def form_total(forms: pd.DataFrame, rules: RuleSet, bands: pd.DataFrame | None) -> dict:
    """The total of a report that is one scored form (a department table, or one project's 自评表): that
    form's published score where printed and readable, and its recomputed score."""
    row = forms.iloc[0]
    published = row.get("published_score")
    computed = float(row["computed_score"])
    score = float(published) if published is not None and not np.isnan(published) else computed
    if published is not None and np.isnan(published) and "published_score" in str(row.get("unknown") or ""):
        score = float("nan")  # printed but unreadable: unknown, not replaced by the recomputed score
    grades = grade(pd.Series([score, computed]), bands)
    return {
        "score": score,
        "published": published,
        "computed_score": computed,
        "assessed_mean": score,
        "computed_simple": computed,
        "computed_weighted": computed,
        "assessed_simple": score,
        "assessed_weighted": score,
        "method": "form",
        "grade": grades.iloc[0],
        "computed_grade": grades.iloc[1],
    }


def department_total(
    projects: pd.DataFrame, published: float | None, rules: RuleSet, bands: pd.DataFrame | None
) -> dict:
    """Department total: the published score where it exists, else the mean of project scores.

    Both means are always computed (no source fixes the choice): simple = mean(score);
    budget_weighted = Σ score × 全年预算数 / Σ 全年预算数. ``rules.department_total`` picks one.
    """

    def means(col):
        simple = float(projects[col].mean()) if len(projects) else float("nan")
        budget = projects["budget"].sum()
        weighted = float((projects[col] * projects["budget"]).sum() / budget) if budget > 0 else float("nan")
        return simple, weighted

    c_simple, c_weighted = means("computed_score")
    a_simple, a_weighted = means("score")
    pick = {"simple": 0, "budget_weighted": 1}[rules.department_total]
    computed = (c_simple, c_weighted)[pick]
    assessed = (a_simple, a_weighted)[pick]
    score = float(published) if published is not None and not np.isnan(published) else assessed
    grades = grade(pd.Series([score, computed]), bands)
    return {
        "score": score,
        "published": published,
        "computed_score": computed,
        "assessed_mean": assessed,
        "computed_simple": c_simple,
        "computed_weighted": c_weighted,
        "assessed_simple": a_simple,
        "assessed_weighted": a_weighted,
        "method": rules.department_total,
        "grade": grades.iloc[0],
        "computed_grade": grades.iloc[1],
    }
