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
def _deduction(df, spec, rules):
    a, t = _a_t(df)
    w = df["weight"].to_numpy(dtype=float)
    excess = np.maximum(0.0, (a - t) if spec.get("side", "over") == "over" else (t - a))
    points = np.maximum(0.0, w - float(spec["per_step"]) * excess / float(spec.get("step", 1.0)))
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        share = np.where(w > 0, points / w, 1.0)
    return _out(df, np.where(np.isnan(a) | np.isnan(t), np.nan, share))


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


def score_indicators(ind: pd.DataFrame, rules: RuleSet) -> pd.DataFrame:
    """Score every indicator row at once. Returns a new frame with the input columns plus:

    ``rule_name``, ``rule_type``, ``completion`` (A/T), ``met``, ``share`` (of W, full precision),
    ``missing`` (no actual/grade), ``scored`` (counts towards the total), ``computed_raw`` (share × W),
    ``computed_score`` (rounded), ``score`` (the panel score where given, else computed),
    ``band_low``/``band_high`` (qualitative band in points) and ``in_band``.
    """
    df = ind.copy()
    for col, default in (
        ("target_high", np.nan),
        ("panel_score", np.nan),
        ("qualitative_grade", None),
        ("rule", None),
        ("applicable", True),
        ("parent", None),
    ):
        if col not in df:
            df[col] = default
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
    missing = share.isna() & ~is_part & df["applicable"].astype(bool)  # not-applicable rows are dropped, not missing
    dropped_missing = missing & (rules.missing_actual == "drop")
    applicable = df["applicable"].astype(bool) & ~dropped_missing
    scored = applicable & ~is_part
    share = share.where(~missing, 0.0).where(scored, 0.0)
    weight = df["weight"].astype(float)
    low, high = qualitative_band(df["qualitative_grade"], rules)
    df["rule_name"] = names
    df["rule_type"] = types
    masks = direction_masks(df)
    df["completion"] = completion(df, masks)
    df["met"] = target_met(df, masks)
    df["share"] = share
    df["missing"] = missing
    df["scored"] = scored
    df["computed_raw"] = share * weight
    df["computed_score"] = df["computed_raw"].round(rules.rounding)
    df["score"] = df["panel_score"].where(df["panel_score"].notna() & scored, df["computed_score"])
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
            "indicator_count": 1,
            "missing_actuals": s["missing"].to_numpy(dtype=int),
            "scored_count": on.astype(int),
        },
        index=s.index,
    )
    return counted.groupby(keys + ["level1"], sort=False).sum()


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
    p["execution_raw"] = method(rate, dict(rules.execution)).fillna(0.0) * w
    p["execution_score"] = p["execution_raw"].round(rules.rounding)
    totals = level1_totals(scored) if totals is None else totals
    agg = totals.drop(columns="scored_count").groupby(level=keys, sort=False).sum()
    p = p.merge(agg, how="left", left_on=keys, right_index=True)
    for col in (
        "indicator_weight",
        "dropped_weight",
        "indicator_score",
        "assessed_indicator_score",
        "indicator_count",
        "missing_actuals",
    ):
        p[col] = p[col].fillna(0.0)
    if rules.not_applicable == "rescale":
        available = p["execution_weight"] + p["indicator_weight"]
        factor = (100.0 / available.where(available > 0)).where(p["dropped_weight"] > 0, 1.0).fillna(1.0)
    else:
        factor = pd.Series(1.0, index=p.index)
    p["rescale_factor"] = factor
    p["computed_score"] = (p["execution_score"] + p["indicator_score"]) * factor
    p["published_score"] = p["published_score"] if "published_score" in p else np.nan
    p["score"] = p["published_score"].where(p["published_score"].notna(), p["computed_score"])
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
