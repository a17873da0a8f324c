"""复核得分, 偏离度, tiers, deduction consistency, peer ranking and inflation on hand-made frames."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from evaltools.scoring.review.compute import (
    apply_tiers,
    deduction_consistency,
    deviations,
    inflation,
    peer_ranking,
    reviewed_scores,
)
from tests.scoring.review.handmade import NAN, frames

FORMS = [
    {"form": "A", "unit": "U1", "project": "P1", "self_score": 95.0, "computed_score": 76.0},
    {"form": "B", "unit": "U2", "project": "P1", "self_score": 90.0, "computed_score": NAN},
    {"form": "C", "unit": "U1", "project": "P2", "self_score": 80.0, "computed_score": 81.0},
    {"form": "D", "unit": "U1", "project": "P3", "self_score": NAN, "computed_score": 70.0},
]
INDICATORS = [
    {
        "form": "A",
        "unit": "U1",
        "project": "P1",
        "level3": "a1",
        "weight": 10.0,
        "self_score": 10.0,
        "computed_score": 8.0,
    },
    {
        "form": "A",
        "unit": "U1",
        "project": "P1",
        "level3": "a2",
        "weight": 0.0,
        "self_score": 0.0,
        "computed_score": 0.0,
    },
    {
        "form": "B",
        "unit": "U2",
        "project": "P1",
        "level3": "b1",
        "weight": 20.0,
        "self_score": 20.0,
        "computed_score": NAN,
    },
    {
        "form": "C",
        "unit": "U1",
        "project": "P2",
        "level3": "c1",
        "weight": 50.0,
        "self_score": 40.0,
        "computed_score": 41.0,
    },
    {
        "form": "C",
        "unit": "U1",
        "project": "P2",
        "level3": "c2",
        "weight": 50.0,
        "self_score": 40.0,
        "computed_score": 40.0,
    },
]
#: The reviewer scored C fully (40 + 38.5 = 78.5) and D in part (one blank): D's 复核得分 is unknown.
SCORES = pd.DataFrame(
    {
        "form": ["C", "C", "D", "D"],
        "level3": ["c1", "c2", "d1", "d2"],
        "weight": [50.0, 50.0, 50.0, 50.0],
        "reviewer_score": [40.0, 38.5, 30.0, NAN],
        "item": [None, "FH03", None, None],
    }
)


@pytest.fixture
def review():
    return frames(FORMS, INDICATORS)


def test_reviewed_scores(review):
    out = reviewed_scores(review, SCORES).set_index("form")
    assert out.loc["A", "reviewed_score"] == 76.0 and out.loc["A", "source"] == "重算"
    assert math.isnan(out.loc["B", "reviewed_score"]) and out.loc["B", "source"] == "重算"
    assert out.loc["C", "reviewed_score"] == 78.5 and out.loc["C", "source"] == "复核人员"
    assert math.isnan(out.loc["D", "reviewed_score"]) and out.loc["D", "source"] == "复核人员"
    plain = reviewed_scores(review).set_index("form")
    assert plain.loc["C", "reviewed_score"] == 81.0 and set(plain["source"]) == {"重算"}


def test_form_deviation(review, book):
    dev = deviations(review, reviewed_scores(review, SCORES), book, SCORES)
    forms = dev.forms.set_index("form")
    assert forms.loc["A", "deviation"] == pytest.approx(0.2, abs=1e-15)  # (95 − 76) / 95
    assert bool(forms.loc["A", "beyond"])
    assert forms.loc["C", "deviation"] == pytest.approx(1.5 / 80)  # 0.01875 ≤ 0.05
    assert not bool(forms.loc["C", "beyond"])
    for unknown in ("B", "D"):  # reviewed unknown (B, D) or self unknown (D): NaN, never 0
        assert math.isnan(forms.loc[unknown, "deviation"]) and pd.isna(forms.loc[unknown, "beyond"])


def test_at_the_threshold_is_within(book):
    forms = [
        {"form": "x", "unit": "U", "self_score": 114.0, "computed_score": 108.3},  # 5.7 / 114 = 0.05 (a hair above)
        {"form": "y", "unit": "U", "self_score": 100.0, "computed_score": 94.99},  # 0.0501
    ]
    review = frames(forms)
    dev = deviations(review, reviewed_scores(review), book).forms.set_index("form")
    assert dev.loc["x", "deviation"] == pytest.approx(0.05) and not bool(dev.loc["x", "beyond"])
    assert bool(dev.loc["y", "beyond"])


def test_unit_deviation_counts_only_forms_with_both(review, book):
    units = deviations(review, reviewed_scores(review, SCORES), book).units.set_index("unit")
    # U1: A (95, 76) and C (80, 78.5) compared; D has no 自评得分
    assert (units.loc["U1", "forms"], units.loc["U1", "compared"]) == (3, 2)
    assert units.loc["U1", "self_total"] == 175 and units.loc["U1", "reviewed_total"] == 154.5
    assert units.loc["U1", "deviation"] == pytest.approx(20.5 / 175)
    assert units.loc["U2", "compared"] == 0 and math.isnan(units.loc["U2", "deviation"])


def test_indicator_deviation(review, book):
    ind = deviations(review, reviewed_scores(review, SCORES), book, SCORES).indicators.set_index("level3")
    assert ind.loc["a1", "deviation"] == pytest.approx(0.2)  # (10 − 8) / 10
    assert math.isnan(ind.loc["a2", "deviation"])  # 分值 0
    assert math.isnan(ind.loc["b1", "deviation"])  # not recomputable
    assert ind.loc["c2", "reviewed_score"] == 38.5 and ind.loc["c2", "source"] == "复核人员"
    assert ind.loc["c2", "deviation"] == pytest.approx(0.03)  # (40 − 38.5) / 50
    assert ind.loc["a1", "source"] == "重算"


def test_tier_withheld_when_the_score_rests_on_missing_actuals(book):
    """Share of the indicator weight without 完成值 ≥ 0.5 (the book's) on a recomputed score: no tier; below it, or
    on a reviewer's score, the band decides (40 分 → 差, cut 1.0)."""
    reviewed = pd.DataFrame(
        {
            "form": ["half", "less", "reviewer", "none"],
            "reviewed_score": [40.0, 40.0, 40.0, 40.0],
            "source": ["重算", "重算", "复核人员", "重算"],
            "missing_actual_count": [1, 1, 2, 0],
            "missing_actual_weight": [45.0, 36.0, 90.0, 0.0],
            "missing_actual_share": [0.5, 0.4, 1.0, NAN],
        }
    )
    out = apply_tiers(reviewed, book).set_index("form")
    assert pd.isna(out.loc["half", "tier"]) and pd.isna(out.loc["half", "adjustment"])
    assert out.loc["half", "evidence"] == "完成值缺失（1 项、分值 45），应补报后复核"
    assert out.loc["half", "wording"] == "不提出建议"
    for form in ("less", "reviewer", "none"):
        assert (out.loc[form, "tier"], out.loc[form, "adjustment"]) == ("差", 1.0)


def test_reviewed_scores_carry_the_missing_actuals(book):
    review = frames(
        [{**FORMS[0], "missing_actual_count": 1, "missing_actual_weight": 10.0, "missing_actual_share": 1.0}]
    )
    out = reviewed_scores(review).iloc[0]
    assert (out["missing_actual_count"], out["missing_actual_weight"], out["missing_actual_share"]) == (1, 10.0, 1.0)


EXECUTION_FORMS = [
    {"form": "E", "unit": "U1", "project": "P1", "computed_score": 80.0, "execution_score": 9.0},
    {"form": "F", "unit": "U1", "project": "P2", "computed_score": 80.0, "execution_score": NAN},
    {"form": "G", "unit": "U1", "project": "P3", "computed_score": 80.0, "execution_score": 9.0},
]


def test_blank_execution_row_takes_the_recomputed_execution_score():
    """E: indicators 60 + 25 filled, 预算执行率 blank → 85 + recomputed 9 = 94 (复核人员（预算执行率按重算）);
    F: the same, but the execution score cannot be recomputed → 无法计算; G: 执行率 filled 8, an indicator blank →
    partial → 无法计算 (a blank indicator is not a 0)."""
    review = frames(EXECUTION_FORMS)
    rows = [
        ("E", "e1", 60.0), ("E", "e2", 25.0), ("E", "预算执行率", NAN),
        ("F", "f1", 60.0), ("F", "预算执行率", NAN),
        ("G", "g1", NAN), ("G", "预算执行率", 8.0),
    ]  # fmt: skip
    scores = pd.DataFrame(rows, columns=["form", "level3", "reviewer_score"])
    out = reviewed_scores(review, scores).set_index("form")
    assert out.loc["E", "reviewed_score"] == 94.0 and out.loc["E", "source"] == "复核人员（预算执行率按重算）"
    assert math.isnan(out.loc["F", "reviewed_score"]) and out.loc["F", "source"] == "复核人员"
    assert math.isnan(out.loc["G", "reviewed_score"]) and out.loc["G", "source"] == "复核人员"


def test_tiers_at_the_bounds(book):
    scores = [100, 90, 89.999, 80, 79.99, 60, 59.99, 0, NAN, 100.5]
    reviewed = pd.DataFrame({"form": list("abcdefghij"), "reviewed_score": scores, "source": "重算"})
    out = apply_tiers(reviewed, book)
    assert list(out["tier"]) == ["优", "优", "良", "良", "中", "中", "差", "差", "无法计算", "无法计算"]
    assert list(out["adjustment"].fillna(-1)) == [-1, -1, -1, -1, 0.1, 0.1, 1.0, 1.0, -1, -1]
    assert out["wording"].iloc[0] == "优先保障" and pd.isna(out["wording"].iloc[8])
    assert out["evidence"].iloc[1] == "复核得分 90 分（重算），在 [90, 100] 分区间，属“优”档"
    assert out["evidence"].iloc[8] == "复核得分无法计算（重算），不提出结果应用建议"


def test_deduction_consistency(book, review):
    scores = pd.DataFrame(
        {
            "form": ["A", "C", "A", "C", "A", "C"],
            "level3": ["a1", "c1", "a1", "c2", "a2", "c1"],
            "weight": [10.0, 50.0, 10.0, 50.0, 10.0, 50.0],
            "reviewer_score": [9.5, 39.0, 0.0, 0.0, 8.0, 48.0],
            "item": ["FH12", "FH12", "FH09", "FH09", "FH03", "FH03"],
        }
    )
    out = deduction_consistency(scores, book).set_index("item")
    # without frames: deduction = 分值 − 复核得分. FH12 (0.5 分 each): 0.5 and 11 → differs; FH09 (share 1.0):
    # 10/10 and 50/50 → the same; FH03 (no stated deduction): 2 and 2 → the same
    assert list(out.index) == ["FH12"]
    assert (out.loc["FH12", "low"], out.loc["FH12", "high"], out.loc["FH12", "values"]) == (0.5, 11.0, "0.5、11")
    assert out.loc["FH12", "measure"] == "points" and out.loc["FH12", "expected"] == 0.5
    # with frames: deduction = 自评得分 − 复核得分: FH12 10 − 9.5 = 0.5 and 40 − 39 = 1 → still differs; FH09
    # (10 − 0) / 10 = 1 but (40 − 0) / 50 = 0.8 → now differs; FH03 0 − 8 and 40 − 48: −8 both
    again = deduction_consistency(scores, book, review).set_index("item")
    assert list(again.index) == ["FH09", "FH12"]
    assert again.loc["FH12", "values"] == "0.5、1" and again.loc["FH09", "values"] == "0.8、1"
    assert again.loc["FH09", "measure"] == "share"


def test_peer_ranking():
    forms = pd.DataFrame(
        {
            "form": ["a", "b", "c", "d", "e"],
            "unit": ["U1", "U1", "U2", "U3", "U4"],
            "peer_group": ["事业单位", "事业单位", "事业单位", "行政单位", "行政单位"],
        }
    )
    reviewed = pd.DataFrame({"form": list("abcde"), "reviewed_score": [70, 90, 90, NAN, 60.0]})
    out = peer_ranking(forms, reviewed).set_index("unit")
    assert out.loc["U1", "reviewed_mean"] == 80 and out.loc["U1", "rank"] == 2 and out.loc["U2", "rank"] == 1
    assert out.loc["U1", "peers"] == 2 and out.loc["U1", "percentile"] == 1.0
    assert out.loc["U4", "rank"] == 1 and out.loc["U4", "peers"] == 1
    assert math.isnan(out.loc["U3", "rank"]) and out.loc["U3", "unknown"] == 1


def test_inflation(review):
    reviewed = reviewed_scores(review, SCORES)  # A 76, B NaN, C 78.5, D NaN
    forms = review.forms.assign(self_score=[95.0, 90.0, 80.0, 100.0])
    out = inflation(forms, reviewed).set_index("unit")
    u1 = out.loc["U1"]
    assert (u1["forms"], u1["compared"], u1["inflated"], u1["full_marks"]) == (3, 2, 2, 1)
    assert u1["self_mean"] == 87.5 and u1["reviewed_mean"] == 77.25 and u1["inflation"] == 10.25
    assert u1["inflated_share"] == 1.0
    assert out.loc["U2", "compared"] == 0 and np.isnan(out.loc["U2", "inflation"])
    assert list(out.index) == ["U1", "U2"]


def test_on_a_generated_bureau(units_frames, book):
    """The whole chain on the generated dataset: 合成数据单位00000｜项目1 self-scored 85, recomputed 60.95."""
    from evaltools.scoring.review.compute import risk_scores, stratified_sample

    reviewed = reviewed_scores(units_frames)
    dev = deviations(units_frames, reviewed, book)
    first = dev.forms.set_index("form").loc["合成数据单位00000｜项目1"]
    assert first["deviation"] == pytest.approx((85 - 60.95) / 85)
    tiers = apply_tiers(reviewed, book).set_index("form")
    assert tiers.loc["合成数据单位00000｜项目1", "tier"] == "中"  # 60.95 in [60, 80)
    risk = risk_scores(units_frames, dev, None, book)
    assert len(risk) == 15 and risk["risk"].between(0, 1).all()
    sample = stratified_sample(units_frames.forms, risk, book)
    assert set(risk.query("risk_level == '高'")["form"]) <= set(sample.frame["form"])


def test_on_the_real_forms(forms_frames, book):
    """The chain on examples/forms: 工资性支出 recomputes to 10 (差, 取消或暂停安排) and prints no score (偏离度
    无法计算); the two forms whose score cannot be recomputed get 无法计算, never a tier."""
    from evaltools.scoring.review.compute import risk_scores

    reviewed = reviewed_scores(forms_frames)
    tiers = apply_tiers(reviewed, book).set_index("form")
    wages = "青神县发改局-工资性支出.xlsx#工资性支出"
    # published with 完成值 and 得分 blank: its two indicators (60 + 30 分) have no actual, 90 of 90 分 → the
    # recomputed 10 measures the blanks: no tier, no cut, ask for the form to be completed
    assert pd.isna(tiers.loc[wages, "tier"]) and pd.isna(tiers.loc[wages, "adjustment"])
    assert tiers.loc[wages, "wording"] == "不提出建议"
    assert tiers.loc[wages, "evidence"] == "完成值缺失（2 项、分值 90），应补报后复核"
    others = tiers.drop(index=wages)
    assert (others["tier"] == "无法计算").all() and others["adjustment"].isna().all()
    dev = deviations(forms_frames, reviewed, book)
    assert dev.forms["deviation"].isna().all()  # no form has both a printed and a recomputed score
    risk = risk_scores(forms_frames, dev, None, book).set_index("form")
    # the department form: amount unknown → 1, 1 error and 4 warnings → (1 + 1) / 5, deviation unknown → 1,
    # evidence: 1 of 5 indicators not scorable + budget and spent unknown → 3 / 7; weights without persistence / 0.85
    dept = risk.loc["融媒体中心-部门整体.docx#表格 1"]
    assert dept["risk"] == pytest.approx((0.3 + 0.25 * 0.4 + 0.2 + 0.1 * 3 / 7) / 0.85)
    assert dept["risk_level"] == "高"
