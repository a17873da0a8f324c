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

from typing import Callable

import numpy as np
import pandas as pd

from .errors import RuleError

RuleFn = Callable[[pd.DataFrame, dict, object], pd.Series]
#: Scoring rule types by name → vectorised function returning the share of the weight in [0, 1].
RULE_TYPES: dict[str, RuleFn] = {}
#: Execution-rate scoring methods by name → function(rate, settings) → share of the weight.
EXECUTION_METHODS: dict[str, Callable[[pd.Series, dict], pd.Series]] = {}


def rule_type(name: str):
    def register(fn: RuleFn) -> RuleFn:
        RULE_TYPES[name] = fn
        return fn
    return register


def execution_method(name: str):
    def register(fn):
        EXECUTION_METHODS[name] = fn
        return fn
    return register


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


def qualitative_band(grades: pd.Series, rules) -> tuple[pd.Series, pd.Series]:
    """(low, high) share of the weight for each qualitative grade (NaN where no grade)."""
    bands = rules.qualitative["bands"]
    low = grades.map(lambda g: bands[g][0] if g in bands else np.nan).astype(float)
    high = grades.map(lambda g: bands[g][1] if g in bands else np.nan).astype(float)
    return low, high


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
    share = np.select([measure <= u for u, _ in tiers], [s for _, s in tiers], default=float(spec.get("otherwise", 0.0)))
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


def group_keys(frame: pd.DataFrame) -> list[str]:
    """Projects are identified by ``project``, or by ``unit`` + ``project`` in multi-unit tables."""
    return ["unit", "project"] if "unit" in frame.columns else ["project"]


def completion(ind: pd.DataFrame) -> pd.Series:
    """实际/目标: A/T (for 区间, A/hi above the range and A/lo below it); NaN for 定性 or missing."""
    a = ind["actual"].to_numpy(dtype=float)
    lo = ind["target"].to_numpy(dtype=float)
    hi = ind["target_high"].to_numpy(dtype=float) if "target_high" in ind else np.full(len(ind), np.nan)
    ref = np.where((ind["direction"] == "range").to_numpy() & (a > hi), hi, lo)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        ratio = np.where(ref != 0, a / ref, np.nan)
    ratio = np.where((ind["direction"] == "qualitative").to_numpy(), np.nan, ratio)
    return pd.Series(ratio, index=ind.index, dtype=float)


def target_met(ind: pd.DataFrame) -> pd.Series:
    """Whether the actual meets the target for its direction (None where it cannot be told)."""
    a, t = ind["actual"], ind["target"]
    hi = ind["target_high"].fillna(t) if "target_high" in ind else t
    d = ind["direction"]
    met = np.select(
        [d.isin([">=", "="]).to_numpy(), (d == ">").to_numpy(), (d == "<=").to_numpy(), (d == "<").to_numpy(),
         (d == "range").to_numpy()],
        [(a >= t).to_numpy(), (a > t).to_numpy(), (a <= t).to_numpy(), (a < t).to_numpy(), (a >= t).to_numpy()],
        default=False)
    known = a.notna() & t.notna() & (d != "qualitative")
    qual = (d == "qualitative") & ind["qualitative_grade"].notna()
    out = pd.Series(met, index=ind.index, dtype=object).where(known, None)
    return out.mask(qual, ind["qualitative_grade"] == "达成")


def resolve_rules(ind: pd.DataFrame, rules) -> pd.Series:
    """The named rule that scores each indicator: its own ``rule`` column, else its direction's."""
    names = ind["rule"].where(ind["rule"].notna(), ind["direction"].map(rules.directions)) \
        if "rule" in ind else ind["direction"].map(rules.directions)
    unknown = sorted(set(names.dropna()) - set(rules.rules))
    if unknown:
        raise RuleError(f"指标使用了未定义的评分规则 / indicators name rule(s) {', '.join(map(repr, unknown))} that "
                        f"the rule set {rules.name!r} does not define; defined: {', '.join(rules.rules)}",
                        key="rule")
    return names


def score_indicators(ind: pd.DataFrame, rules) -> pd.DataFrame:
    """Score every indicator row at once. Returns a new frame with the input columns plus:

    ``rule_name``, ``rule_type``, ``completion`` (A/T), ``met``, ``share`` (of W, full precision),
    ``missing`` (no actual/grade), ``scored`` (counts towards the total), ``computed_raw`` (share × W),
    ``computed_score`` (rounded), ``score`` (the panel score where given, else computed),
    ``band_low``/``band_high`` (qualitative band in points) and ``in_band``.
    """
    df = ind.copy()
    for col, default in (("target_high", np.nan), ("panel_score", np.nan), ("qualitative_grade", None),
                         ("rule", None), ("applicable", True), ("parent", None)):
        if col not in df:
            df[col] = default
    names = resolve_rules(df, rules)
    types = names.map(lambda n: rules.rules[n]["type"])
    share = pd.Series(np.nan, index=df.index, dtype=float)
    for name, spec in rules.rules.items():  # one pass per rule definition, each over all its rows
        mask = (names == name).to_numpy()
        if mask.any():
            share[mask] = RULE_TYPES[spec["type"]](df.loc[mask], spec, rules).to_numpy()
    is_part = df["parent"].notna()
    missing = share.isna() & ~is_part
    dropped_missing = missing & (rules.missing_actual == "drop")
    applicable = df["applicable"].astype(bool) & ~dropped_missing
    scored = applicable & ~is_part
    share = share.where(~missing, 0.0).where(scored, 0.0)
    weight = df["weight"].astype(float)
    low, high = qualitative_band(df["qualitative_grade"], rules)
    df["rule_name"] = names
    df["rule_type"] = types
    df["completion"] = completion(df)
    df["met"] = target_met(df)
    df["share"] = share
    df["missing"] = missing
    df["scored"] = scored
    df["computed_raw"] = share * weight
    df["computed_score"] = df["computed_raw"].round(rules.rounding)
    df["score"] = df["panel_score"].where(df["panel_score"].notna() & scored, df["computed_score"])
    df["band_low"] = low * weight
    df["band_high"] = high * weight
    qual_panel = (df["direction"] == "qualitative") & df["panel_score"].notna() & low.notna()
    in_band = (df["panel_score"] >= df["band_low"] - 1e-9) & (
        (df["panel_score"] < df["band_high"]) | (high >= 1.0) & (df["panel_score"] <= df["band_high"] + 1e-9))
    df["in_band"] = pd.Series(in_band, index=df.index, dtype=object).where(qual_panel, None)
    return df


def score_projects(projects: pd.DataFrame, scored: pd.DataFrame, rules, bands=None) -> pd.DataFrame:
    """Project totals: 预算执行率得分 + indicator scores, rescaled to 100 when indicators are dropped.

    ``execution_rate`` = spent / budget (全年执行数/全年预算数); ``execution_score`` = method(rate) × W.
    ``computed_score`` is the recomputed total; ``score`` is the published score where one exists
    (the assessed score), else the computed one; both are graded with ``bands``.
    """
    from .grading import grade

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
    s = scored.loc[~scored["parent"].notna()] if "parent" in scored else scored
    counted = s.assign(_w=s["weight"].where(s["scored"], 0.0), _na=s["weight"].where(~s["scored"], 0.0),
                       _c=s["computed_score"].where(s["scored"], 0.0), _a=s["score"].where(s["scored"], 0.0),
                       _m=s["missing"].astype(int))
    agg = counted.groupby(keys, sort=False).agg(indicator_weight=("_w", "sum"), dropped_weight=("_na", "sum"),
                                                indicator_score=("_c", "sum"), assessed_indicator_score=("_a", "sum"),
                                                indicator_count=("_w", "size"), missing_actuals=("_m", "sum"))
    p = p.merge(agg, how="left", left_on=keys, right_index=True)
    for col in ("indicator_weight", "dropped_weight", "indicator_score", "assessed_indicator_score", "indicator_count",
                "missing_actuals"):
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


def composition(scored: pd.DataFrame, projects: pd.DataFrame) -> pd.DataFrame:
    """Score per project and 一级指标 (预算执行率 first), tidy: project, level1, weight, score."""
    keys = group_keys(projects)
    s = scored.loc[scored["scored"]]
    parts = s.groupby(keys + ["level1"], sort=False).agg(weight=("weight", "sum"), score=("computed_score", "sum"))
    parts = parts.reset_index()
    execution = projects[keys].assign(level1="预算执行率", weight=projects["execution_weight"],
                                      score=projects["execution_score"])
    return pd.concat([execution, parts], ignore_index=True)


def department_total(projects: pd.DataFrame, published: float | None, rules, bands) -> dict:
    """Department total: the published score where it exists, else the mean of project scores.

    Both means are always computed (no source fixes the choice): simple = mean(score);
    budget_weighted = Σ score × 全年预算数 / Σ 全年预算数. ``rules.department_total`` picks one.
    """
    from .grading import grade

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
    return {"score": score, "published": published, "computed_score": computed, "assessed_mean": assessed,
            "computed_simple": c_simple, "computed_weighted": c_weighted, "assessed_simple": a_simple,
            "assessed_weighted": a_weighted, "method": rules.department_total,
            "grade": grades.iloc[0], "computed_grade": grades.iloc[1]}
