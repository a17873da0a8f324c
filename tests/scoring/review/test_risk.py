"""Risk scores and the stratified sample, worked out by hand."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pandas as pd
import pytest

from evaltools.scoring.review.compute import deviations, reviewed_scores, risk_scores, stratified_sample
from tests.scoring.review.handmade import NAN, frames

FORMS = [
    {"form": "F1", "unit": "U1", "project": "P1", "budget": 100.0, "spent": 90.0, "errors": 1, "warnings": 2,
     "self_score": 95.0, "computed_score": 76.0},
    {"form": "F2", "unit": "U1", "project": "P2", "budget": 300.0, "spent": NAN, "self_score": 80.0,
     "computed_score": 100.0},
    {"form": "F3", "unit": "U2", "project": None, "kind": "department", "errors": 6, "self_score": NAN,
     "computed_score": 70.0},
]  # fmt: skip
INDICATORS = [
    {"form": "F1", "level3": "i1", "actual_text": "5", "computed_score": 10.0},
    {"form": "F1", "level3": "i2", "actual_text": None, "computed_score": 0.0},
    {"form": "F1", "level3": "i3", "actual_text": "达成", "computed_score": NAN},
    {"form": "F1", "level3": "i4", "actual_text": "3", "computed_score": 8.0},
    {"form": "F2", "level3": "j1", "actual_text": "1", "computed_score": 10.0},
    {"form": "F2", "level3": "j2", "actual_text": "2", "computed_score": 10.0},
]
FINDINGS = [
    {"form": "F1", "unit": "U1", "project": "P1", "code": "MISSING_ACTUAL"},
    {"form": "F1", "unit": "U1", "project": "P1", "code": "MISSING_ACTUAL"},
    {"form": "F1", "unit": "U1", "project": "P1", "code": "TOTAL_DIFFERS"},
    {"form": "F3", "unit": "U2", "project": "部门整体", "code": "WEIGHTS_NOT_100"},
]
PRIOR = pd.DataFrame(
    {
        "unit": ["U1", "U1", "U2", "U3"],
        "project": ["P1", "P2", "部门整体", "P1"],
        "code": ["MISSING_ACTUAL", "TOTAL_DIFFERS", "WEIGHTS_NOT_100", "TOTAL_DIFFERS"],
    }
)


@pytest.fixture
def review():
    return frames(FORMS, INDICATORS, FINDINGS)


def _risk(review, book, prior):
    return risk_scores(review, deviations(review, reviewed_scores(review), book), prior, book).set_index("form")


def test_parts_by_hand(review, book):
    r = _risk(review, book, PRIOR)
    # amount: percentile ranks of 100, 300 → 0.5, 1; F3's unknown budget counts 1
    assert list(r["amount"]) == [0.5, 1.0, 1.0]
    # severity: (1 + 2 × 0.25) / 5 = 0.3; 0; min(6 / 5, 1) = 1
    assert r["severity"].tolist() == pytest.approx([0.3, 0.0, 1.0])
    # deviation: |95 − 76| / 95 = 0.2; |80 − 100| / 80 = 0.25; F3 no 自评得分 → 1
    assert r["deviation"].tolist() == pytest.approx([0.2, 0.25, 1.0])
    # persistence: F1 codes {MISSING_ACTUAL, TOTAL_DIFFERS}, last year MISSING_ACTUAL for U1/P1 → 1/2; F2 no
    # finding → 0; F3 (部门整体, project None) WEIGHTS_NOT_100 listed last year → 1
    assert r["persistence"].tolist() == pytest.approx([0.5, 0.0, 1.0])
    # evidence: F1 2 of 4 indicators lack an actual or a score, budget and spent known → 2 / 6; F2 spent unknown
    # → 1 / 4; F3 no indicator → 1
    assert r["evidence"].tolist() == pytest.approx([1 / 3, 0.25, 1.0])


def test_risk_levels_and_ranks(review, book):
    r = _risk(review, book, PRIOR)
    # 0.3 × 0.5 + 0.25 × 0.3 + 0.2 × 0.2 + 0.15 × 0.5 + 0.1 / 3 = 0.373333…
    assert r.loc["F1", "risk"] == pytest.approx(0.15 + 0.075 + 0.04 + 0.075 + 0.1 / 3)
    assert r.loc["F2", "risk"] == pytest.approx(0.3 + 0.05 + 0.025)
    assert r.loc["F3", "risk"] == pytest.approx(1.0)
    assert list(r["risk_level"]) == ["中", "中", "高"] and list(r["risk_rank"]) == [3, 2, 1]


def test_no_prior_is_not_measured(review, book):
    r = _risk(review, book, None)
    assert r["persistence"].isna().all()
    # the other weights (0.85) rescaled to 1
    assert r.loc["F1", "risk"] == pytest.approx((0.15 + 0.075 + 0.04 + 0.1 / 3) / 0.85)
    assert r.loc["F2", "risk"] == pytest.approx(0.375 / 0.85)


def _bureau(levels: list[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    n = len(levels)
    forms = pd.DataFrame(
        {
            "form": [f"F{i:02d}" for i in range(n)],
            "unit": [f"U{i % 7}" for i in range(n)],
            "project": [f"P{i}" for i in range(n)],
            "budget": np.arange(1, n + 1, dtype=float) * 10,
        }
    )
    risk = pd.DataFrame({"form": forms["form"], "risk": np.linspace(1, 0, n), "risk_level": levels})
    return forms, risk


def test_sample_sizes_and_coverage(book):
    forms, risk = _bureau(["高"] * 2 + ["中"] * 10 + ["低"] * 8)
    s = stratified_sample(forms, risk, book, seed=7)
    # 高 all (2); 中 ⌈0.3 × 10⌉ = 3; 低 ⌈0.1 × 8⌉ = 1
    assert s.strata.set_index("stratum")["n"].to_dict() == {"高": 2, "中": 3, "低": 1}
    assert len(s.frame) == 6 and set(s.frame.query("stratum == '高'")["form"]) == {"F00", "F01"}
    assert s.frame.query("stratum == '高'")["reason"].iloc[0] == "高风险，全部复核"
    assert s.coverage["forms"] == {"n": 6, "N": 20, "share": 0.3}
    amount = forms.set_index("form").loc[s.frame["form"], "budget"].sum()
    assert s.coverage["amount"]["n"] == amount and s.coverage["amount"]["N"] == 2100
    assert s.coverage["units"]["n"] == s.frame["unit"].nunique() and s.coverage["units"]["N"] == 7
    assert s.seed == 7


def test_sample_is_reproducible(book):
    forms, risk = _bureau(["高"] * 2 + ["中"] * 10 + ["低"] * 8)
    first = stratified_sample(forms, risk, book, seed=7)
    shuffled = stratified_sample(forms.sample(frac=1, random_state=3), risk.sample(frac=1, random_state=4), book, 7)
    assert list(first.frame["form"]) == list(shuffled.frame["form"])
    others = {tuple(sorted(stratified_sample(forms, risk, book, seed=k).frame["form"])) for k in range(8)}
    assert len(others) > 1  # the seed matters
    default = stratified_sample(forms, risk, book)
    assert default.seed == book.sample.seed == 2026


def test_sample_minimum_and_always_high(book):
    forms, risk = _bureau(["高"] * 4 + ["低"] * 3)
    settings = dataclasses.replace(book.sample, minimum=2, always_high=False, shares={"高": 0.5, "中": 0.3, "低": 0.1})
    s = stratified_sample(forms, risk, dataclasses.replace(book, sample=settings), seed=1)
    # 高 ⌈0.5 × 4⌉ = 2; 中 empty; 低 ⌈0.3⌉ = 1 raised to the minimum 2
    assert s.strata.set_index("stratum")["n"].to_dict() == {"高": 2, "中": 0, "低": 2}
    assert math.isnan(s.strata.set_index("stratum").loc["中", "share"])
