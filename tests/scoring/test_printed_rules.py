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
