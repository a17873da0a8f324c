"""The shipped rule book and the strict reader."""

from __future__ import annotations

import math

import pandas as pd
import pytest
import yaml

from evaltools.errors import ParamsError
from evaltools.scoring.audit.core import CODES
from evaltools.scoring.review import load_rulebook
from evaltools.scoring.review.rulebook import ITEM_COLUMNS, REVIEW_DIR, TIER_COLUMNS

#: The red-flag codes the review adds (rv-flags); the rule book covers them before they are declared.
RED_FLAGS = {
    "ALL_FULL_MARKS", "LOW_EXECUTION_FULL_OUTPUT", "COST_FAR_OVER_TARGET", "SATISFACTION_NO_BASIS",
    "TARGETS_EQUAL_ACTUALS", "DEVIATION_WITHOUT_REASON", "UNIT_ALL_FULL", "NEAR_DUPLICATE_TEXT",
}  # fmt: skip


def test_shipped_book_shape(book):
    assert book.name == "bureau" and book.sources
    assert list(book.items.columns[: len(ITEM_COLUMNS)]) == ITEM_COLUMNS
    assert list(book.tiers.columns) == TIER_COLUMNS
    assert list(book.severities["level"]) == ["P0", "P1", "P2"]
    assert list(book.risk["part"]) == ["amount", "severity", "deviation", "persistence", "evidence"]
    assert book.risk["weight"].sum() == pytest.approx(1)
    assert book.deviation.threshold == 0.05
    assert book.sample.always_high and book.sample.strata == ("高", "中", "低")


def test_every_warning_and_error_code_has_an_item(book):
    """Every declared audit code of severity error or warning — the red flags of the review included — is covered by
    an item; an info code (checked and consistent) is no 复核 problem and falls to the 其他 default."""
    import evaltools.scoring.audit  # noqa: F401  (declares the per-form codes)
    import evaltools.scoring.review.flags  # noqa: F401  (declares the cross-form codes)

    declared = {CODES[k].code: CODES[k].severity for k in CODES}
    assert RED_FLAGS <= set(declared)
    assert {c for c, s in declared.items() if s != "info"} - book.covered_codes() == set()
    assert book.covered_codes() <= set(declared)  # no item names a code nothing emits


def test_item_for(book):
    codes = pd.Series(["GRADE_MISMATCH", "MISSING_ACTUAL", "RATE_ROUNDED"], index=[7, 8, 9])
    found = book.item_for(codes)
    assert list(found.index) == [7, 8, 9]
    assert list(found["item"][:2]) == ["FH02", "FH09"] and pd.isna(found["item"].iloc[2])
    assert list(found["severity"]) == ["P0", "P1", "P2"]
    assert list(found["dimension"]) == ["结果真实性", "佐证材料", "其他"]


def test_tiers_bounds(book):
    t = book.tiers.set_index("tier")
    assert t.loc["优", "lower"] == 90 and t.loc["优", "lower_inclusive"]
    assert t.loc["良", "upper"] == 90 and not t.loc["良", "upper_inclusive"]
    assert math.isnan(t.loc["优", "adjustment"]) and t.loc["中", "adjustment"] == 0.1


def _write(tmp_path, change):
    data = yaml.safe_load((REVIEW_DIR / "bureau.yaml").read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        (lambda d: d.pop("tiers"), "tiers", "missing key"),
        (lambda d: d.update(extra=1), "", "unknown key 「extra」"),
        (lambda d: d["items"][0].update(severity="P3"), "items[0].severity", "P0, P1, P2"),
        (lambda d: d["items"][1].update(finding_codes=["TOTAL_DIFFERS"]), "items", "in two items"),
        (lambda d: d["deviation"].update(threshold=2), "deviation.threshold", "share such as 0.05"),
        (lambda d: d["tiers"][1].update(upper=85), "tiers", "without gap or overlap"),
        (lambda d: d["tiers"][0].update(lower_inclusive=False), "tiers", "without gap or overlap"),
        (lambda d: d["risk"]["parts"][0].update(weight=0.5), "risk.parts", "add up to 1"),
        (lambda d: d["sample"]["shares"].pop("中"), "sample.shares.中", "missing key"),
        (lambda d: d["severities"][0].pop("advice"), "severities[0].advice", "missing key"),
        (lambda d: d["rectification"].update(levels=["P4"]), "rectification.levels", "P0, P1, P2"),
        (lambda d: d["missing_actuals"].update(share=0), "missing_actuals.share", r"share in \(0, 1\]"),
        (lambda d: d.pop("missing_actuals"), "missing_actuals", "missing key"),
    ],
)
def test_strict_reader(tmp_path, change, key, words):
    path = _write(tmp_path, change)
    with pytest.raises(ParamsError, match=words) as caught:
        load_rulebook(path)
    assert caught.value.file == str(path)
    assert (caught.value.key or "") == key


def test_unknown_name():
    with pytest.raises(ParamsError, match="no such rule book"):
        load_rulebook("nowhere")


def test_every_figure_has_its_source(book):
    assert (book.items["source"].str.len() > 0).all() and (book.tiers["source"].str.len() > 0).all()
    # a figure no published rule states says it is this tool's default
    stated = book.items[book.items["points"].notna() | book.items["share"].notna()]
    assert stated["source"].str.contains("本工具默认").all()
    assert "本工具默认" in book.tiers.set_index("tier").loc["中", "source"]
    assert "本工具默认" in book.deviation.source and "本工具默认" in book.sample.source


def test_opinion_reads_the_rule_books_deviation(book):
    """偏离度 is stated once: the unit's 复核意见 takes formula, threshold and source from the rule book."""
    from evaltools.report.review import opinion_rule

    rule = opinion_rule()
    assert (rule.formula, rule.threshold, rule.source) == (
        book.deviation.form_formula,
        book.deviation.threshold,
        book.deviation.source,
    )


def test_advice_rectification_and_missing_actuals(book):
    advice = book.severities.set_index("level")["advice"]
    assert advice["P2"] == "提醒单位在下一年度自评中改正"
    assert advice["P0"] == "核减复核得分，列入整改台账，限期整改并报送整改情况"
    assert book.rectification.levels == ("P0", "P1") and book.rectification.deadline
    assert book.missing_actuals.share == 0.5 and book.missing_actuals.wording == "不提出建议"
    assert "本工具默认" in book.missing_actuals.source and "本工具默认" in book.rectification.source


def test_sources_say_what_a_figure_rests_on_not_where_the_tool_keeps_it(book):
    """The sources print in the bureau report's 复核依据: no issue number, no file path of this tool."""
    texts = [
        *book.sources, book.deviation.source, book.sample.source, book.risk_settings.source,
        book.rectification.source, book.missing_actuals.source, *book.items["source"], *book.tiers["source"],
    ]  # fmt: skip
    internal = [t for t in texts if any(w in t for w in ("issue", "params/", ".yaml", ".py", "可在"))]
    assert internal == []
