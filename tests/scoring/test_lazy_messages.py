"""Findings written when read (issue 23 item 3): the same text as writing them at once, a unit's slice writing only
its own; text columns hashed once per evaluation (codes.remembered)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from evaltools.data.schema import ORG
from evaltools.run.synthetic import generate_units
from evaltools.scoring.audit.core import PENDING, Deferred, findings, lazily
from evaltools.scoring.codes import is_false, is_missing, joint_codes, remembered, text_codes
from evaltools.scoring.evaluation import evaluate


@pytest.fixture(scope="module")
def units_ev():
    return evaluate(generate_units(12, 20, seed=3, year=2022, projects_per_unit=4), "mof")


def test_messages_wait_until_read(units_ev):
    raw = units_ev.raw_findings
    pending = raw[PENDING].notna().to_numpy()
    assert pending.any()  # the frequent codes (RATE_ROUNDED, OVERACHIEVED …) are deferred
    assert raw["message"][pending].isna().all()  # not written yet
    written = units_ev.findings
    assert PENDING not in written.columns
    assert list(written.columns) == [c for c in raw.columns if c != PENDING]
    assert written["message"].map(lambda m: isinstance(m, str) and len(m) > 0).all()
    assert written["message"].dtype == object
    assert units_ev.findings is written  # written once, then kept


def test_a_slice_writes_the_same_text_as_the_whole(units_ev):
    whole = units_ev.findings
    for org in units_ev.orgs[:4]:
        alone = units_ev.slice(org).findings
        expected = whole[whole[ORG] == org].drop(columns=ORG).reset_index(drop=True)
        pd.testing.assert_frame_equal(alone.reset_index(drop=True), expected)


def test_a_rate_message_as_written_at_once(units_ev):
    rounded = units_ev.findings[units_ev.findings["code"] == "RATE_ROUNDED"].iloc[0]
    # 「人员经费」所述 89.16% 与重算 支出数/预算数 = 695.21/779.73 = 89.16% 一致 — the stated rate, the formula, the result
    assert rounded["message"].startswith(f"「{rounded['subject']}」所述 ")
    assert "与重算 支出数/预算数 = " in rounded["message"]


def test_deferred_outside_an_audit_is_written_at_once():
    text = lazily(lambda names, n: [f"「{a}」{b}" for a, b in zip(names, n)], ["甲", "乙"], np.array([1, 2]))
    out = findings("X", np.array(["u", "v"], dtype=object), ["甲", "乙"], text)
    assert out["message"].tolist() == ["「甲」1", "「乙」2"]
    assert PENDING not in out.columns
    assert Deferred(lambda rows: [str(r) for r in rows]).of(np.array([2, 0])) == ["2", "0"]


def test_joint_codes_from_the_long_side():
    x = pd.Series(["a", None, "b", "a"] * 300, dtype=object)  # long enough to be remembered
    y = pd.Series(["b", "c", None], dtype=object)
    with remembered():
        codes, size = joint_codes(x, y)
    # as factorising both one after the other: a 0, b 1, c 2, every missing value 3
    assert size == 4
    assert codes[:4].tolist() == [0, 3, 1, 0]
    assert codes[-3:].tolist() == [1, 2, 3]


def test_text_columns_hashed_once_per_evaluation():
    column = pd.Series(["产出指标", None, "效益指标"] * 1000, dtype=object)
    with remembered():
        first = text_codes(column)
        assert text_codes(column) is first  # the same codes: not hashed again
        assert is_missing(column).tolist()[:3] == [False, True, False]
        assert not first[0].flags.writeable
    assert text_codes(column) is not first  # outside an evaluation nothing is kept
    assert first[0][:3].tolist() == [0, -1, 1] and first[1].tolist() == ["产出指标", "效益指标"]
    blank = pd.Series([None] * 2000, dtype=object)
    with remembered():
        codes, uniques = text_codes(blank)
    assert (codes == -1).all() and len(uniques) == 0


def test_is_false_of_a_true_false_none_column():
    met = pd.Series([True, False, None, np.nan, False], dtype=object)
    assert is_false(met).tolist() == [False, True, False, False, True]
