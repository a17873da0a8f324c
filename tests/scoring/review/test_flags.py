"""The red flags of a 复核: on a generated bureau of 240 units with every flag planted a known number of times, the
per-form audit checks and the cross-form review checks find each planted one and nothing else; the review checks
on hand-built frames (similarities from rapidfuzz by hand); the near-duplicate search at 10,000 forms; the real
forms of examples/forms."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd
import pytest
from rapidfuzz import fuzz

from evaltools.scoring.audit import CODES, finding_label, measure
from evaltools.scoring.audit.core import Code
from evaltools.scoring.evaluation import evaluate_units
from evaltools.scoring.review import REVIEW_CHECKS, ReviewFrames, review_frames, run_review_checks
from evaltools.scoring.review.flags import REVIEW_FINDING_COLUMNS, ReviewCheck, review_findings
from evaltools.scoring.review.frames import FINDING_COLUMNS, FORM_COLUMNS, INDICATOR_COLUMNS
from evaltools.scoring.review.neardup import near_duplicates
from tests.bureaukit import COUNTS, FORM_CODES, _texts, planted_bureau


@pytest.fixture(scope="module")
def bureau():
    return planted_bureau()


@pytest.fixture(scope="module")
def bureau_found(bureau):
    ev = evaluate_units(bureau.data, bureau.rules)
    per_form = ev.findings[ev.findings["code"].isin(FORM_CODES)]
    cross = run_review_checks(review_frames(ev))
    return per_form, cross


def _found(per_form: pd.DataFrame, cross: pd.DataFrame) -> set[tuple]:
    """(unit, project, code) of every red flag found (project None for a unit's)."""
    project = lambda s: [p if isinstance(p, str) else None for p in s]  # noqa: E731
    return set(zip(per_form["org"].astype(str), project(per_form["project"]), per_form["code"])) | set(
        zip(cross["unit"], project(cross["project"]), cross["code"])
    )


def test_the_generated_bureau_plants_every_flag_a_known_number_of_times(bureau):
    assert bureau.data.units.shape[0] == 240 and len(bureau.data.projects) == 960
    counts = bureau.planted["code"].value_counts().to_dict()
    assert counts == {**COUNTS, "NEAR_DUPLICATE_TEXT": 2 * COUNTS["NEAR_DUPLICATE_TEXT"]}
    forms = bureau.planted.dropna(subset=["project"])
    assert not forms.duplicated(["unit", "project"]).any()  # no form planted twice


def test_every_planted_flag_is_found_and_no_other(bureau, bureau_found):
    """Recall 100 %, and none of these codes on the 960 − 64 forms not planted (the 4 units of UNIT_ALL_FULL aside)."""
    planted = {(u, p if isinstance(p, str) else None, c) for u, p, c in bureau.planted.itertuples(index=False)}
    found = _found(*bureau_found)
    assert planted - found == set()
    assert found - planted == set()
    per_form, cross = bureau_found
    assert per_form["code"].value_counts().to_dict() == {c: COUNTS[c] for c in FORM_CODES}  # one finding each
    assert cross["code"].value_counts().to_dict() == {"NEAR_DUPLICATE_TEXT": 10, "UNIT_ALL_FULL": 4}
    assert list(cross.columns) == REVIEW_FINDING_COLUMNS and set(cross["severity"]) == {"warning"}


def test_the_bureau_findings_say_what_was_planted(bureau_found):
    per_form, cross = bureau_found
    cost = per_form[per_form["code"] == "COST_FAR_OVER_TARGET"]
    assert np.allclose(cost["computed"] / cost["stated"], 2.4)  # every planted cost is 2.4 times its target
    low = per_form[per_form["code"] == "LOW_EXECUTION_FULL_OUTPUT"]
    assert np.allclose(low["computed"], 0.0008, atol=5e-5)
    unit = cross[cross["code"] == "UNIT_ALL_FULL"]
    assert unit["form"].isna().all() and (unit["computed"] == 4).all()
    near = cross[cross["code"] == "NEAR_DUPLICATE_TEXT"]
    assert (near["computed"] >= 0.9).all() and near["form"].notna().all()


def _frames(forms: list[dict]) -> ReviewFrames:
    """ReviewFrames of the given forms (the columns a check reads filled, the others empty)."""
    rows = pd.DataFrame(forms).reindex(columns=FORM_COLUMNS)
    return ReviewFrames(rows, pd.DataFrame(columns=INDICATOR_COLUMNS), pd.DataFrame(columns=FINDING_COLUMNS))


COPIED = "保障约2万余份流动档案的安全并提供后续服务约3600人次，每年办理退休约500份，查询和办事不得超过30个工作日。"


def test_near_duplicate_text_of_different_units_only():
    edited = COPIED.replace("3600", "3800").replace("500份", "520份")
    frames = _frames(
        [
            {"form": "甲｜档案", "unit": "甲", "project": "档案", "text": COPIED},
            {"form": "乙｜人事档案", "unit": "乙", "project": "人事档案", "text": edited},
            {
                "form": "甲｜档案二",
                "unit": "甲",
                "project": "档案二",
                "text": COPIED,
            },  # the same unit: no flag by itself
            {"form": "丙｜短", "unit": "丙", "project": "短", "text": "保障档案安全。"},  # too short to judge
        ]
    )
    f = REVIEW_CHECKS["near_duplicate_text"].fn(frames)
    similarity = fuzz.ratio(COPIED, edited) / 100
    # two characters replaced in 57: 4 insertions and deletions of 2 × 57 characters (the Indel similarity)
    assert len(COPIED) == 57 and similarity == pytest.approx(1 - 4 / 114)
    assert f["form"].tolist() == ["甲｜档案", "乙｜人事档案", "甲｜档案二"]
    assert f["computed"].tolist() == pytest.approx([similarity, similarity, similarity])
    assert f["message"].tolist()[1] == (
        "「人事档案」的目标、完成情况和偏差原因文字与「甲」「档案」的相似度为 96%（另有 1 张其他单位的表相近）："
        "应核实是否照搬其他单位材料"
    )
    assert f["stated"].tolist() == [0.9] * 3


def test_unit_all_full():
    frames = _frames(
        [
            {"form": "甲｜一", "unit": "甲", "project": "一", "self_score": 100.0},
            {"form": "甲｜二", "unit": "甲", "project": "二", "self_score": 100.0},
            {"form": "乙｜一", "unit": "乙", "project": "一", "self_score": 100.0},
            {"form": "乙｜二", "unit": "乙", "project": "二", "self_score": np.nan},  # unknown is not 100
            {"form": "丙｜一", "unit": "丙", "project": "一", "self_score": 100.0},  # one form: ALL_FULL_MARKS's
            {"form": "丁｜一", "unit": "丁", "project": "一", "self_score": 99.5},
            {"form": "丁｜二", "unit": "丁", "project": "二", "self_score": 100.0},
        ]
    )
    f = run_review_checks(frames)
    assert f[["unit", "code", "computed"]].values.tolist() == [["甲", "UNIT_ALL_FULL", 2.0]]
    assert f.at[0, "message"] == "「甲」全部 2 张自评表自评得分均为 100 分：应逐表核实自评依据"
    assert pd.isna(f.at[0, "form"]) and f.at[0, "field"] == "total"


def test_review_codes_resolve_like_audit_codes(monkeypatch):
    assert finding_label("NEAR_DUPLICATE_TEXT") == "与其他单位文字雷同" and CODES["UNIT_ALL_FULL"].severity == "warning"
    assert measure("UNIT_ALL_FULL").endswith("。")

    def bad(frames):
        """A check emitting a code it does not declare."""
        return review_findings("NOT_DECLARED", None, ["甲"], "甲", "一条发现")

    code = Code("TEST_REVIEW", "测试", "warning", "测试。", "total")
    monkeypatch.setitem(REVIEW_CHECKS._items, "test_bad", ReviewCheck("test_bad", bad, (code,)))
    with pytest.raises(ValueError, match="does not declare"):
        run_review_checks(_frames([{"form": "甲｜一", "unit": "甲", "project": "一"}]))


def test_near_duplicates_at_10000_forms_take_seconds():
    """10,000 forms' texts (about 400 characters), 50 of them copies of another unit's with 2 % changed: every copy
    found, nothing else, in seconds (measured ≈ 2 s on one core; the bound leaves room for a loaded machine)."""
    rng = np.random.default_rng(0)
    texts = np.array([a + b for a, b in zip(_texts(rng, 10_000), _texts(rng, 10_000))], dtype=object)
    units = np.arange(10_000) // 10
    sources = rng.choice(10_000, 50, replace=False)
    targets = (sources + 5_000) % 10_000
    for s, t in zip(sources, targets):
        chars = list(texts[s])
        for at in rng.choice(len(chars), len(chars) // 50, replace=False):
            chars[at] = "某"
        texts[t] = "".join(chars)
    start = time.perf_counter()
    pairs = near_duplicates(texts, units, threshold=90, min_length=30, shingle=4, bands=20, rows=3)
    seconds = time.perf_counter() - start
    expected = {(min(s, t), max(s, t)) for s, t in zip(sources, targets)}
    assert {(min(a, b), max(a, b)) for a, b in zip(pairs["left"], pairs["right"])} == expected
    assert seconds < 20, seconds


def test_the_real_forms_raise_no_cross_form_flag(forms_frames):
    """examples/forms: four forms of three units (棠溪镇's two forms share phrases but are one unit's)."""
    assert run_review_checks(forms_frames).empty
