"""A generated bureau (合成数据, 30 units × 3 projects) through the reviewer's round trip: every form's 复核底稿
written (one workbook per unit), filled by the test as reviewers would — each indicator's 复核得分 its recomputed
score less 1 where it is at least 1, the 预算执行率 row its execution score — read back and summed by
:func:`~evaltools.scoring.review.compute.reviewed_scores` to the values the test computes by hand."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from evaltools.data.review_scores import read_prior, read_reviewer_scores
from evaltools.report.bureau.issue_list import classify
from evaltools.report.bureau.workbooks import write_issue_list, write_rectification, write_worksheets
from evaltools.run.synthetic.units import generate_units
from evaltools.scoring.evaluation import evaluate_units
from evaltools.scoring.review.compute import deviations, reviewed_scores, risk_scores
from evaltools.scoring.review.frames import review_frames
from evaltools.scoring.review.rulebook import load_rulebook
from evaltools.scoring.rules import load_rules


@pytest.fixture(scope="module")
def bureau():
    ev = evaluate_units(generate_units(30, 24, seed=7, year=2022, projects_per_unit=3), load_rules("mof"))
    return ev, review_frames(ev)


def _fill(path, given: dict[tuple[str, str], float]) -> None:
    """Write the 复核得分 of every keyed row from ``given`` (form's sheet title, 三级指标) as a reviewer would."""
    wb = openpyxl.load_workbook(path)
    for ws in wb.worksheets[:-1]:  # the last sheet is the hidden list of items
        header = next(r for r in ws.iter_rows() if any(c.value == "复核得分" for c in r))
        col = {c.value: c.column for c in header}
        for row in ws.iter_rows(min_row=header[0].row + 1):
            name = "预算执行率" if row[0].value == "预算执行率" else row[col["三级指标"] - 1].value
            if (ws.title, name) in given:
                ws.cell(row[0].row, col["复核得分"]).value = given[ws.title, name]
                ws.cell(row[0].row, col["扣分项"]).value = "FH03 指标得分计算错误"
    wb.save(path)


def test_a_bureau_filled_and_read_back(bureau, tmp_path):
    ev, frames = bureau
    paths = write_worksheets(frames, load_rulebook(), tmp_path, per="unit", synthetic=True)
    assert len(paths) == 30 and len(frames.forms) == 90
    ind = frames.indicators
    score = np.where(ind["computed_score"] >= 1, ind["computed_score"] - 1, ind["computed_score"])
    execution = ev.projects.set_index(["org", "project"])["execution_score"]
    expected = {}
    for unit, path in zip(frames.forms["unit"].unique(), paths):
        mine = ind["unit"] == unit
        given = {(p, n): float(s) for p, n, s in zip(ind.loc[mine, "project"], ind.loc[mine, "level3"], score[mine])}
        for project in frames.forms.loc[frames.forms["unit"] == unit, "project"]:
            given[project, "预算执行率"] = float(execution[unit, project])
            expected[f"{unit}｜{project}"] = sum(v for (p, _), v in given.items() if p == project)
        _fill(path, given)
    scores = read_reviewer_scores(tmp_path, list(load_rulebook().items["item"]))
    assert len(scores) == len(ind) + 90 and scores["reviewer_score"].notna().all()
    assert set(scores["item"]) == {"FH03"}
    reviewed = reviewed_scores(frames, scores).set_index("form")
    assert set(reviewed["source"]) == {"复核人员"}
    for form, value in expected.items():
        assert reviewed.loc[form, "reviewed_score"] == pytest.approx(value, abs=1e-9), form


def test_this_years_lists_are_next_years_prior(bureau, tmp_path):
    """复核问题清单 and 整改台账 written, read back by read_prior: every issue comes back once with its unit, project,
    code and item; each form's persistence against its own year is the share of its finding codes the 清单 lists
    (all but the info findings no rule-book item covers)."""
    _, frames = bureau
    book = load_rulebook()
    write_issue_list(frames, book, tmp_path / "复核问题清单.xlsx", synthetic=True)
    write_rectification(frames, book, tmp_path / "整改台账.xlsx", synthetic=True)
    prior = read_prior(tmp_path)
    listed = classify(frames, book)
    assert len(prior) == len(listed)
    assert sorted(zip(prior["unit"], prior["code"], prior["item"].fillna("—"))) == sorted(
        zip(listed["unit"], listed["code"], listed["item"].fillna("—"))
    )
    ledger = listed["level"].isin(["P0", "P1"]).sum()
    assert prior["status"].value_counts(dropna=False).to_dict() == {
        **({"未整改": ledger} if ledger else {}),
        **({None: len(listed) - ledger} if len(listed) > ledger else {}),
    }
    found = frames.findings
    covered = book.covered_codes()
    kept = found[(found["severity"] != "info") | found["code"].isin(covered)]
    share = (
        found.drop_duplicates(["form", "code"])
        .assign(listed=lambda f: f.set_index(["form", "code"]).index.isin(kept.set_index(["form", "code"]).index))
        .groupby("form")["listed"]
        .mean()
    )
    reviewed = reviewed_scores(frames)
    risk = risk_scores(frames, deviations(frames, reviewed, book), prior, book)
    persistence = pd.Series(risk["persistence"].to_numpy(), index=risk["form"])
    for form, value in share.items():
        assert persistence[form] == pytest.approx(value), form
