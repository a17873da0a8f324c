"""The scoring method in words, generated from the rule set actually used (for the report's 自评方法).

Each rule type has one sentence here (a registry keyed by the type, like the rule functions in
:mod:`evaltools.scoring.indicators`); the report states only the rules its indicators used, with
their settings — never a fixed paragraph that a different rule set would contradict.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from evaltools import fmt
from evaltools.registry import Registry
from evaltools.scoring.rules import RuleSet

#: What each direction is called in the method text.
DIRECTION_NAMES = {
    ">=": "正向指标",
    ">": "正向指标",
    "<=": "反向指标",
    "<": "反向指标",
    "=": "等于型指标",
    "range": "区间指标",
    "qualitative": "定性指标",
}
RULE_TEXTS: Registry[Callable[[dict, RuleSet], str]] = Registry("rule description", "评分规则说明")
_POSITION = {"lower": "下限", "mid": "中点", "upper": "上限"}


@RULE_TEXTS.register("ratio_up")
def _ratio_up(spec: dict, rules: RuleSet) -> str:
    return "得分 = min(实际完成值 ÷ 年度指标值, 1) × 分值，超额完成不加分"


@RULE_TEXTS.register("reverse_linear")
def _reverse_linear(spec: dict, rules: RuleSet) -> str:
    return "未超过年度指标值得满分；超过的按 (1 − 超出部分 ÷ 年度指标值) × 分值 计分，超出一倍及以上不得分"


@RULE_TEXTS.register("reverse_ratio")
def _reverse_ratio(spec: dict, rules: RuleSet) -> str:
    return "未超过年度指标值得满分；超过的按 年度指标值 ÷ 实际完成值 × 分值 计分"


@RULE_TEXTS.register("equal")
def _equal(spec: dict, rules: RuleSet) -> str:
    return "得分 = min(实际完成值 ÷ 年度指标值, 1) × 分值"


@RULE_TEXTS.register("range")
def _range(spec: dict, rules: RuleSet) -> str:
    return "实际完成值在区间内或高于上限得满分（高于上限的在核查中说明），低于下限的按 实际完成值 ÷ 下限 × 分值 计分"


@RULE_TEXTS.register("qualitative")
def _qualitative(spec: dict, rules: RuleSet) -> str:
    bands = "、".join(f"“{g}”{fmt.pct(lo, 0)}–{fmt.pct(hi, 0)}" for g, (lo, hi) in rules.qualitative["bands"].items())
    return (
        f"按完成等级得分值的一定比例（{bands}）计分；有评价组得分的以其得分为准（并核对是否落在等级区间内），"
        f"没有得分的取区间{_POSITION[rules.qualitative['default_position']]}"
    )


@RULE_TEXTS.register("deduction")
def _deduction(spec: dict, rules: RuleSet) -> str:
    side = "超出" if spec.get("side", "over") == "over" else "低于"
    step = float(spec.get("step", 1.0))
    unit = (
        f"{fmt.pct(step, 0)}"
        if spec.get("relative")
        else (f"{fmt.num(step * 100)} 个百分点" if step < 1 else fmt.num(step))
    )
    return f"达到年度指标值得满分；每{side}{unit}扣 {fmt.num(float(spec['per_step']))} 分，扣完为止"


@RULE_TEXTS.register("threshold")
def _threshold(spec: dict, rules: RuleSet) -> str:
    what = "实际完成值与年度指标值之比" if spec.get("of") == "target" else "实际完成值"
    rest = "按比例计分" if spec.get("below", "ratio") == "ratio" else "不得分"
    return f"{what}达到 {fmt.pct(float(spec['at']))} 得满分，未达到的{rest}"


@RULE_TEXTS.register("tiered")
def _tiered(spec: dict, rules: RuleSet) -> str:
    what = "超出" if spec.get("measure", "overrun") == "overrun" else "低于"
    tiers = "；".join(f"{what}不超过 {fmt.pct(u, 0)} 得 {fmt.pct(s, 0)}" for u, s in sorted(spec["tiers"]))
    return f"按{what}年度指标值的比例分档计分：{tiers}；其余得 {fmt.pct(float(spec.get('otherwise', 0.0)), 0)}"


def execution_text(rules: RuleSet) -> str:
    """How the 预算执行率 row is scored under ``rules.execution``."""
    ex = rules.execution
    if ex.get("method", "ratio") == "threshold":
        th = fmt.pct(float(ex.get("threshold", 0.95)))
        return f"预算执行率达到 {th} 及以上得满分，低于 {th} 的按 执行率 × 分值 计分"
    if ex.get("cap", True):
        return "预算执行率得分 = min(执行率, 100%) × 分值（执行率 = 全年执行数 ÷ 全年预算数）"
    return "预算执行率得分 = 执行率 × 分值，不封顶（执行率 = 全年执行数 ÷ 全年预算数）"


def method_sentences(
    rules: RuleSet,
    rule_names: Iterable[str],
    directions: dict[str, str],
    *,
    missing: bool,
    unknown: bool,
    dropped: bool,
    mean_of_projects: bool,
) -> list[str]:
    """The scoring method as the report states it: the execution rule, each rule the indicators used
    (``rule_names`` with the direction that chose it in ``directions``), and only the clauses that apply."""
    out = [execution_text(rules)]
    for name in dict.fromkeys(rule_names):
        spec = rules.rules[name]
        who = DIRECTION_NAMES.get(directions.get(name, ""), "按规则“" + name + "”计分的指标")
        out.append(f"{who}{RULE_TEXTS[spec['type']](spec, rules)}")
    if missing:
        out.append(
            "没有实际完成值的指标按 0 分计"
            if rules.missing_actual == "zero"
            else "没有实际完成值的指标按不适用处理，不计分，总分按其余指标折算为百分制"
        )
    if dropped and rules.not_applicable == "rescale":
        out.append("不适用的指标不计分，总分按其余指标折算为百分制")
    if unknown:
        out.append(
            "原表中看不清或被截断的数按“无法计算”处理：依赖它的得分和合计显示为“无法计算”，不计为 0 分，也不折算"
        )
    out.append(f"各指标得分保留 {rules.rounding} 位小数，合计为各项之和")
    if mean_of_projects:
        out.append("部门总分取各项目得分的" + ("简单平均" if rules.department_total == "simple" else "按预算加权平均"))
    return out
