"""Rules as printed (issue 20 item 5): tiers on the value itself, "=" with 0, per-framework 一级 weights, a row's
own printed 评分标准; and 定量/定性 as printed (item 6). Each test uses a real table's own figures."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaltools.scoring.indicators import score_indicators
from evaltools.scoring.rules import load_rules

RULES = load_rules("mof")


def _row(level3: str, direction, target, actual, weight: float, **extra) -> dict:
    row = dict(
        project="P",
        level1="过程",
        level2="预算执行",
        level3=level3,
        direction=direction,
        target=target,
        target_high=np.nan,
        actual=actual,
        weight=weight,
        panel_score=np.nan,
        qualitative_grade=None,
        rule=None,
        applicable=True,
    )
    return {**row, **extra}


def _scored(*rows: dict, rules=RULES) -> pd.DataFrame:
    return score_indicators(pd.DataFrame(list(rows)), rules)


# ----------------------------------------------------------------------------- tiers on the value itself


@pytest.mark.parametrize(
    "rate,points",
    [(767.86 / 1922.76, 0.0), (0.0, 8.0), (0.05, 6.0), (0.10, 6.0), (0.15, 4.0), (0.30, 2.0), (0.3001, 0.0)],
)
def test_tiers_on_the_value_itself(rate, points):
    """Hunan-style 部门整体 2018, 预算控制率 (分值 8): "预算控制率=0,计8分;0-10%(含),计6分;10-20%(含),计4分;
    20-30%(含),计2分;大于30%不得分". The unit's own 767.86 / 1922.76 = 39.94% scores 0 (its printed score is cut
    off; docs/research/hunan-style-dept-deduction-2018.md note 2)."""
    row = _row("预算控制率", "=", 0.0, rate, 8.0, rule="tiers_on_value")
    assert _scored(row)["computed_score"].tolist() == [points]


def test_tiers_on_the_value_need_no_target():
    """The tier is read from the value alone: the same 39.94% with no target printed is still 0 of 8, a rate of
    0 still 8; no value printed is a missing actual, not a tier."""
    rows = [_row("预算控制率", "<=", np.nan, a, 8.0, rule="tiers_on_value") for a in (0.3994, 0.0, np.nan)]
    s = _scored(*rows)
    assert s["computed_score"].tolist()[:2] == [0.0, 8.0]
    assert s["missing"].iloc[2]  # no value printed: missing (按缺少实际完成值计), not a tier


# ----------------------------------------------------------------------------- "=" with 0


def test_equal_zero_is_met_only_by_zero():
    """An "=0" target is met only by 0: 预算控制率=0 (Hunan-style 2018) at 767.86 / 1922.76 = 39.94% is not met and
    scores 0 under the 等于 rule; at 0 it is met (full marks 8). A negative actual (−0.05) misses too."""
    s = _scored(
        _row("预算控制率", "=", 0.0, 767.86 / 1922.76, 8.0),
        _row("预算控制率", "=", 0.0, 0.0, 8.0),
        _row("预算控制率", "=", 0.0, -0.05, 8.0),
    )
    assert s["met"].tolist() == [False, True, False]
    assert s["computed_score"].tolist() == [0.0, 8.0, 0.0]


# ----------------------------------------------------------------------------- each framework's own 一级 weights


def _sichuan_2017(root):
    from evaltools import load_year

    return load_year(2017, root / "data" / "四川省某省级部门（原文未署名）")


def _framework_rules(project_management: float):
    """The 2017 Sichuan 项目支出绩效自评得分表's own headings (项目决策(20分), 项目管理(10分), 项目绩效(70分)) as a
    framework, after a 部门整体 framework that names 项目管理 too (达州 部门决策(25分)/综合管理(30分) with a 项目管理
    of 30 beside them: the first to name 项目管理)."""
    return RULES.with_changes(
        frameworks={
            "department": {"title": "部门整体", "weights": {"部门决策": 25, "综合管理": 30, "项目管理": 30}},
            "project_2017": {
                "title": "项目决策、项目管理、项目绩效",
                "weights": {"项目决策": 20, "项目管理": project_management, "项目绩效": 70},
            },
        }
    )


def test_each_form_checked_against_its_own_framework(root):
    """The 2017 table prints 项目管理 3 + 4 + 3 = 10 as its heading says: checked against its own framework (the one
    naming 项目决策, 项目管理 and 项目绩效), not the first that names 项目管理 (30) — no CATEGORY_WEIGHTS; with its
    own framework at 15, 项目管理 10 is flagged."""
    from evaltools import evaluate

    data = _sichuan_2017(root)
    ev = evaluate(data, _framework_rules(10))
    assert "CATEGORY_WEIGHTS" not in set(ev.findings["code"])
    found = evaluate(data, _framework_rules(15)).findings
    found = found[found["code"] == "CATEGORY_WEIGHTS"]
    assert len(found) == 1 and found.iloc[0]["computed"] == 10 and found.iloc[0]["stated"] == 15
    assert "项目管理分值 10，与规则默认 15 不同" in found.iloc[0]["message"]


# ----------------------------------------------------------------------------- a row's printed 评分标准


def _hunan_2018(**changes) -> list[dict]:
    """The four scored rows of the Hunan-style 部门整体支出绩效评价指标表 2018 with their printed 评价标准 and the
    unit's own figures (docs/research/hunan-style-dept-deduction-2018.md; targets as the criteria state them)."""
    rows = [
        _row(
            "在职人员控制率",
            "<=",
            1.0,
            136 / 143,
            8.0,
            level1="投入",
            level2="预算配置",
            criteria=("以100%为标准.在职人员控制率≤100%,计8分;每超过一个百分点扣0.5分,扣完为止."),
        ),
        _row(
            "“三公经费”变动率",
            "<=",
            0.0,
            (63.46 - 32) / 32,
            8.0,
            level1="投入",
            level2="预算配置",
            criteria=("“三公经费”变动率≤0,计8分;“三公经费”>0,每超过一个百分点扣0.8分,扣完为止."),
        ),
        _row("预算完成率", ">=", 1.0, 2690.62 / 2710.42, 8.0, criteria="100%计满分,每低于5%扣2分,扣完为止."),
        _row(
            "预算控制率",
            "=",
            0.0,
            767.86 / 1922.76,
            8.0,
            criteria=("预算控制率=0,计8分;0-10%(含),计6分;10-20%(含),计4分;20-30%(含),计2分;大于30%不得分"),
        ),
    ]
    return [{**r, **changes} for r in rows]


def test_printed_criteria_score_the_row():
    """Each row's printed 评价标准 is its rule: 在职人员控制率 95.10% ≤ 100% → 8 (printed 8); 三公 变动率 98.31%, 98
    points over at 0.8 each → 0 (printed 0); 预算完成率 99.27%, less than one 5% step short → 8 (printed 8; the
    proportional 7.71 is not the printed rule); 预算控制率 39.94% > 30% → 0 (cut off in print). The text is kept."""
    s = _scored(*_hunan_2018())
    assert s["computed_score"].tolist() == [8.0, 0.0, 8.0, 0.0]
    assert s["rule_type"].tolist() == ["step_deduction", "step_deduction", "step_deduction", "tiered"]
    assert s["criteria"].iloc[2] == "100%计满分,每低于5%扣2分,扣完为止."
    # without the printed criteria the same rows fall to the direction rules: 预算完成率 is 99.27% of 8 = 7.94
    plain = _scored(*_hunan_2018(criteria=None))
    assert plain["computed_score"].iloc[2] == pytest.approx(7.94)


def test_own_rule_wins_and_unparsed_text_is_kept():
    """A row naming its own rule keeps it over its criteria; a text of no standard shape (长沙 雨花 2022 预算控制率,
    its 0–10% tier garbled by OCR: "=0,计5分;OTo%(含),计4分;10-20%(含),计3分") gives no rule — its tiers do not follow
    one another — and the row is scored by its direction, its text kept."""
    own = _hunan_2018()[3] | {"rule": "equal"}
    garbled = _hunan_2018()[3] | {
        "weight": 5.0,
        "criteria": "预算控制率=0,计5分;OTo%(含),计4分;10-20%(含),计3分;20-30%(含),计2分;大于30%不得分",
    }
    s = _scored(own, garbled)
    assert s["rule_name"].tolist() == ["equal", "equal"]
    assert s["criteria"].iloc[1].startswith("预算控制率=0,计5分;OTo%")


def test_criteria_read_from_a_form(tmp_path):
    """长沙 雨花区 发改局 2022 prints a 评分标准 column: each row keeps its text (criteria), and its 预算完成率
    "100%计满分,每低于5%扣2分,扣完为止" (分值 5) is parsed into a whole-step deduction once an actual is given."""
    from tests.scoring.test_printed_forms import _evaluated, _fixture

    ev = _evaluated(tmp_path, _fixture("hunan-changsha-yuhua-fagai-2022-dept"))
    row = ev.indicators[ev.indicators["level3"] == "预算完成率"].iloc[0]
    assert row["criteria"] == "100%计满分,每低于5%扣2分,扣完为止。"
    # the rubric prints no target or actual: the rule has nothing to score, the row keeps its panel's 5 (no
    # MISSING_ACTUAL); with the unit's 99.27% entered it is the whole-step deduction, 5 of 5
    assert row["score"] == 5 and not row["missing"] and "MISSING_ACTUAL" not in set(ev.findings["code"])
    ind = ev.indicators[ev.indicators["level3"] == "预算完成率"].assign(target=1.0, actual=0.9927, direction=">=")
    scored = score_indicators(ind.drop(columns=["rule_name", "rule_type"]), RULES)
    assert scored["rule_type"].iloc[0] == "step_deduction" and scored["computed_score"].iloc[0] == 5.0


# ----------------------------------------------------------------------------- 定量/定性 as printed


def test_printed_quantitative_with_blank_values_is_unknown():
    """天长市水利局 2022 「工程质量合格」 (分值 10, 得分 10, 年度指标值 and 实际完成值 blank): printed 定量, it is not
    turned into 定性 full marks — its recomputed score is unknown (无法计算), its printed 10 kept; not printed, it is
    still taken as 定性 (nothing printed says otherwise)."""
    row = _row("工程质量合格", None, np.nan, np.nan, 10.0, level1="产出指标", level2="质量指标", panel_score=10.0)
    s = _scored({**row, "measure_kind": "定量"}, {**row, "measure_kind": None})
    assert s["direction"].tolist() == [">=", "qualitative"]
    assert s["unknown_score"].tolist() == [True, False] and not s["missing"].iloc[0]
    assert s["score"].tolist() == [10.0, 10.0]


def test_printed_qualitative_is_qualitative():
    """融媒体中心 2021 「资金使用合规性」 printed 定性 with the actual 「好」 (分值 5, 得分 5): graded by the rule set's
    words (达成), never missing."""
    row = _row("资金使用合规性", None, np.nan, np.nan, 5.0, level1="绩效指标", panel_score=5.0)
    s = _scored({**row, "measure_kind": "定性", "target_text": "好", "actual_text": "好"})
    assert s["direction"].iloc[0] == "qualitative"
    assert s["qualitative_grade"].iloc[0] == "达成" and not s["missing"].iloc[0]


def test_criteria_patterns_are_checked():
    """The rule set's criteria entries are data, checked on load: a pattern that does not compile, or a rule of an
    unknown type or naming a setting its type does not have, is a ParamsError naming the entry."""
    from evaltools.errors import ParamsError

    good = {"pattern": "每低于(?P<step_pct>\\d+)%扣(?P<points>\\d+)分", "rule": {"type": "step_deduction"}}
    assert RULES.with_changes(criteria=[good]).criteria == (good,)
    for bad, key in (
        ({**good, "pattern": "每低于(?P<step_pct>\\d+%"}, "criteria[0].pattern"),
        ({**good, "rule": {"type": "no_such_type"}}, "criteria[0].rule.type"),
        ({**good, "rule": {"type": "step_deduction", "per": 1}}, "criteria[0].rule.per"),
    ):
        with pytest.raises(ParamsError) as err:
            RULES.with_changes(criteria=[bad])
        assert err.value.key == key


def test_report_method_names_printed_criteria(data_2022, rules_2022):
    """data/2022 失业就业服务 技师培训人数 (target 24, 分值 5) with its actual changed to 22 and a printed criteria
    "每低于5%扣2分": 22 is 8.33% short, one whole 5% step, so 5 − 2 = 3 (not the proportional 22/24 × 5 = 4.58); the
    row's rule is 评分标准1 (not a rule-set name) and the report's method sentences say so in words."""
    from evaltools import evaluate
    from evaltools.scoring.describe import method_sentences

    ind = data_2022.indicators.copy()
    at = ind.index[ind["level3"] == "技师培训人数"][0]
    ind["criteria"] = None
    ind.loc[at, ["criteria", "actual"]] = ["完成得满分，每低于5%扣2分，扣完为止", 22]
    ev = evaluate(type(data_2022)(data_2022.profile, {**data_2022.tables, "indicators": ind}), rules_2022)
    row = ev.indicators[ev.indicators["level3"] == "技师培训人数"].iloc[0]
    assert row["rule_name"] == "评分标准1" and row["rule_type"] == "step_deduction"
    assert row["computed_score"] == 3.0
    sentences = method_sentences(
        ev.rules,
        ev.indicators["rule_name"].dropna(),
        {},
        missing=False,
        unknown=False,
        dropped=False,
        mean_of_projects=False,
    )
    assert "印有评分标准的指标按表中所印评分标准计分" in sentences


@pytest.mark.parametrize(
    "text,weight,rule",
    [
        (
            "100%计满分，每低于5%扣2分，扣完为止。",
            5,
            {"type": "step_deduction", "side": "under", "step": 0.05, "points": 2.0},
        ),
        (
            "100%以下(含)计满分,每超出5%扣2分,扣完为止。",
            5,
            {"type": "step_deduction", "side": "over", "step": 0.05, "points": 2.0},
        ),
        (
            "在职人员控制率≤100%,计5分;每超过一个百分点扣0.5分,扣完为止。",
            5,
            {"type": "step_deduction", "side": "over", "step": 0.01, "points": 0.5},
        ),
        ("完成得满分，未完成不得分", 10, {"type": "threshold", "at": 1.0, "of": "target", "below": "zero"}),
        ("按完成比例得分", 10, {"type": "ratio_up"}),
        ("有项目年度工作计划或有上级文件或审批报告计 2 分,没有不得分。", 2, None),
    ],
)
def test_criteria_shapes(text, weight, rule):
    """The shapes of params/rules/mof.yaml criteria on printed texts (长沙 雨花区 发改局 2022 rows 5–8; 广水 2019
    决策依据, a rubric of no standard shape: no rule); settings a pattern does not fill keep the entry's."""
    from evaltools.scoring.criteria import parse

    got = parse(text, weight, list(RULES.criteria))
    if rule is None:
        assert got is None
    else:
        assert {k: got[k] for k in rule} == rule
