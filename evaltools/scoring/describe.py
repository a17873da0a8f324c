"""The scoring method in words, generated from the rule set actually used (for the report's 自评方法).

Each rule type's and execution method's words are part of its declaration
(:mod:`evaltools.scoring.rule_types`); the report states only the rules its indicators used, with their
settings — never a fixed paragraph that a different rule set would contradict.
"""

from __future__ import annotations

from collections.abc import Iterable

from evaltools.scoring.rule_types import EXECUTION_METHODS, RULE_TYPES
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


def execution_text(rules: RuleSet) -> str:
    """How the 预算执行率 row is scored under ``rules.execution`` (the words of its execution method)."""
    return EXECUTION_METHODS[rules.execution.get("method", "ratio")].words(rules.execution, rules)


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
    printed = False
    for name in dict.fromkeys(rule_names):
        spec = rules.rules.get(name)
        if spec is None:  # a rule made from a row's printed 评分标准 (evaltools.scoring.criteria): said once
            out += [] if printed else ["印有评分标准的指标按表中所印评分标准计分"]
            printed = True
            continue
        who = DIRECTION_NAMES.get(directions.get(name, ""), "按规则“" + name + "”计分的指标")
        out.append(f"{who}{RULE_TYPES[spec['type']].words(spec, rules)}")
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
