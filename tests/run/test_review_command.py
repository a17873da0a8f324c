"""``evaltools review``: the bureau's 复核 of a year, end to end (issue 21, done-when).

On a generated bureau (tests/bureaukit.py: 240 units × 4 forms, red flags planted) the review finds every planted
flag; the 复核底稿 of two sampled forms are filled as a reviewer would (openpyxl) and read back with ``--scores``;
复核得分, 偏离度 and tiers equal the hand computation; the same seed draws the same sample; on the real forms of
examples/forms the command writes the report (and exits 2: one legacy .doc cannot be read, as the audit says)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.bureaukit import planted_bureau
from tests.report.bureau.kit import fill

SEED = 11


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evaltools.cli", *args], capture_output=True, text=True, cwd=cwd)


@pytest.fixture(scope="module")
def bureau(tmp_path_factory):
    from evaltools.data.folder import write_units

    made = planted_bureau()
    folder = tmp_path_factory.mktemp("bureau") / "2022"
    write_units(made.data, folder)
    return folder, made.planted


@pytest.fixture(scope="module")
def first(bureau, tmp_path_factory):
    """The review of the generated bureau as the command runs it (HTML only: the PDF is looked at elsewhere)."""
    from evaltools.run.review import run_review

    out = tmp_path_factory.mktemp("review") / "out"
    return out, run_review([bureau[0]], out, formats=("html",), seed=SEED)


def test_every_planted_flag_is_found(bureau, first):
    planted = bureau[1]
    assert len(planted) >= 40 and planted["unit"].nunique() >= 30
    found = first[1].review.frames.findings
    assert first[1].review.frames.forms["unit"].nunique() == 240  # ≥ 200 units reviewed in one pass
    for row in planted.itertuples(index=False):
        hits = found[(found["code"] == row.code) & (found["unit"] == row.unit)]
        if isinstance(row.project, str):
            hits = hits[hits["project"] == row.project]
        assert len(hits), f"planted {row.code} at {row.unit} {row.project} not found"
    # and each planted kind is in the 复核问题清单 written beside the report
    listed = pd.read_excel(first[0] / "复核问题清单.xlsx", header=None)
    text = "\n".join(map(str, listed.stack()))
    for code in planted["code"].unique():
        assert _label(code) in text, code


def _label(code: str) -> str:
    from evaltools.scoring.audit.core import finding_label

    return finding_label(code)


def test_outputs_written_and_marked(first, external_references, embedded_font_gaps):
    out, result = first
    names = {p.name for p in result.files}
    assert {
        "复核报告.html",
        "复核报告.ipynb",
        "复核问题清单.xlsx",
        "整改台账.xlsx",
        "复核汇总.xlsx",
        "复核底稿",
    } <= names
    sheets = sorted((out / "复核底稿").rglob("*.xlsx"))
    assert len(sheets) == len(result.review.sample.frame)  # one 复核底稿 per sampled form
    assert (out / ".evaltools-output.json").is_file()
    assert not list(out.glob(".tmp-review-*"))
    html = (out / "复核报告.html").read_text(encoding="utf-8")
    assert "附件 1　扣分标准对照表" in html and "结果应用建议" in html and "随机数种子为 11" in html
    assert "<script" not in html
    assert external_references(html) == []  # links to the 复核意见 and anchors are relative
    size, missing = embedded_font_gaps(html)
    assert missing == "" and size < 2_000_000


def _sampled_known(review) -> list[str]:
    """Two sampled forms whose self-evaluation printed a score (the 偏离度 can be computed)."""
    forms = review.frames.forms.set_index("form")
    sampled = [f for f in review.sample.frame["form"] if not np.isnan(forms.at[f, "self_score"])]
    return sorted(sampled)[:2]


def _sheet(out: Path, review, form: str) -> Path:
    f = review.frames.forms.set_index("form").loc[form]
    return out / "复核底稿" / f["unit"] / f"{f['project']}_复核底稿.xlsx"


def test_reviewer_scores_read_back(first, bureau, tmp_path, root):
    """Two forms filled by hand: 复核得分, 偏离度 and tier as computed here, and FH03 deducted twice differently."""
    from evaltools.run.review import run_review

    out, result = first
    review = result.review
    a, b = _sampled_known(review)
    ind = review.frames.indicators
    rows_a, rows_b = ind[ind["form"] == a], ind[ind["form"] == b]
    # form a: 预算执行率 9, every indicator its 分值 but the heaviest, 4 分 less (FH03)
    heavy = rows_a.loc[rows_a["weight"].idxmax()]
    values = {r.level3: (float(r.weight), None, None) for r in rows_a.itertuples()}
    values[heavy.level3] = (float(heavy.weight) - 4, "FH03", "得分计算有误")
    values["预算执行率"] = (9, None, None)
    fill(_sheet(out, review, a), values)
    # form b: 预算执行率 5, every indicator 0, the first with FH03 (its whole 分值 deducted)
    values_b = {r.level3: (0, None, None) for r in rows_b.itertuples()}
    values_b[rows_b["level3"].iloc[0]] = (0, "FH03", None)
    values_b["预算执行率"] = (5, None, None)
    fill(_sheet(out, review, b), values_b)

    again = run_review([bureau[0]], tmp_path / "out2", scores=out / "复核底稿", formats=("html",), seed=SEED).review
    reviewed = again.reviewed.set_index("form")
    expected_a = 9 + rows_a["weight"].sum() - 4  # 9 + 90 − 4 = 95
    assert rows_a["weight"].sum() == pytest.approx(90)
    assert reviewed.at[a, "reviewed_score"] == pytest.approx(95) == pytest.approx(expected_a)
    assert reviewed.at[b, "reviewed_score"] == pytest.approx(5)
    assert reviewed.at[a, "source"] == reviewed.at[b, "source"] == "复核人员"
    # forms not filled keep the recomputed score
    other = next(f for f in again.frames.forms["form"] if f not in (a, b))
    assert reviewed.at[other, "source"] == "重算"
    self_a = review.frames.forms.set_index("form").at[a, "self_score"]
    self_b = review.frames.forms.set_index("form").at[b, "self_score"]
    dev = again.deviations.forms.set_index("form")["deviation"]
    assert dev[a] == pytest.approx((self_a - 95) / self_a)
    assert dev[b] == pytest.approx((self_b - 5) / self_b)
    tiers = again.tiers.set_index("form")
    assert (tiers.at[a, "tier"], tiers.at[a, "wording"]) == ("优", "优先保障") and np.isnan(tiers.at[a, "adjustment"])
    assert (tiers.at[b, "tier"], tiers.at[b, "adjustment"]) == ("差", 1.0)
    # the unit's 偏离度: (Σ自评 − Σ复核) ÷ Σ自评 over its forms where both are known
    unit = review.frames.forms.set_index("form").at[a, "unit"]
    forms = again.frames.forms.assign(reviewed=again.frames.forms["form"].map(reviewed["reviewed_score"]))
    mine = forms[(forms["unit"] == unit) & forms["self_score"].notna() & forms["reviewed"].notna()]
    by_hand = (mine["self_score"].sum() - mine["reviewed"].sum()) / mine["self_score"].sum()
    assert again.deviations.units.set_index("unit").at[unit, "deviation"] == pytest.approx(by_hand)
    # FH03 deducted 4 分 on a and the whole 分值 on b: listed as inconsistent
    consistency = again.consistency.set_index("item")
    assert "FH03" in consistency.index
    assert consistency.at["FH03", "low"] == pytest.approx(4)
    html = (tmp_path / "out2" / "复核报告.html").read_text(encoding="utf-8")
    assert "为 2 张自评表填写了全部复核得分" in html and "扣分不一致的条目" in html
    # the filled 复核底稿 are never overwritten by a review into the same folder (without --force)
    done = _cli("review", str(bureau[0]), "--to", str(out), cwd=root)
    assert done.returncode == 2 and "不覆盖已填写或改动的复核文件" in done.stderr and "复核底稿/" in done.stderr
    assert "Traceback" not in done.stderr


def test_same_seed_same_sample(bureau):
    from evaltools.report.bureau.model import assemble
    from evaltools.run.review import read_inputs
    from evaltools.scoring.review.rulebook import load_rulebook

    inputs = read_inputs([bureau[0]])
    book = load_rulebook("bureau")
    one, two, other = (
        assemble(inputs.evaluations, inputs.metas, book, seed=s).sample.frame for s in (SEED, SEED, SEED + 1)
    )
    pd.testing.assert_frame_equal(one, two)
    assert set(one["form"]) != set(other["form"])
    # every 高 form is in the sample whatever the seed (the rule book's always_high)
    assert set(one.loc[one["stratum"] == "高", "form"]) == set(other.loc[other["stratum"] == "高", "form"])


def test_review_of_the_example_forms(root, tmp_path):
    out = tmp_path / "out"
    done = _cli("review", "examples/forms", "--to", str(out), "--formats", "html", cwd=root)
    assert done.returncode == 2, done.stderr  # the legacy .doc cannot be read: listed, the others reviewed
    assert "村级补助及运转经费.doc" in done.stderr and "Traceback" not in done.stderr
    assert "复核 / reviewed: 3 个单位 units, 3 张自评表 forms" in done.stdout
    html = (out / "复核报告.html").read_text(encoding="utf-8")
    assert "青神县发展和改革局" in html and "村级补助及运转经费.doc" in html
    assert (out / "复核问题清单.xlsx").is_file() and (out / "整改台账.xlsx").is_file()


def test_refusals_write_nothing(root, tmp_path):
    # the output folder inside the folder reviewed
    inside = tmp_path / "forms" / "out"
    (tmp_path / "forms").mkdir()
    done = _cli("review", str(tmp_path / "forms"), "--to", str(inside), cwd=root)
    assert done.returncode == 2 and "Traceback" not in done.stderr and not inside.exists()
    # an unknown rule book: named, nothing written
    out = tmp_path / "o"
    done = _cli("review", "examples/forms", "--to", str(out), "--rulebook", "nosuch", cwd=root)
    assert done.returncode == 2 and "nosuch" in done.stderr and not out.exists()
    # an unknown format
    done = _cli("review", "examples/forms", "--to", str(out), "--formats", "docx", cwd=root)
    assert done.returncode == 2 and "docx" in done.stderr and not out.exists()


def test_prior_lists_read_back(bureau, first):
    """This year's 复核问题清单 / 整改台账 as next year's --prior: the persistence part of the risk is measured and
    the report says how many of last year's problems are found again."""
    from evaltools.data.review_scores import read_prior
    from evaltools.report.bureau.model import assemble
    from evaltools.report.bureau.view import build_view
    from evaltools.run.review import read_inputs
    from evaltools.scoring.review.rulebook import load_rulebook

    prior = read_prior(first[0])
    assert len(prior) and {"unit", "code"} <= set(prior.columns)
    inputs = read_inputs([bureau[0]])
    again = assemble(inputs.evaluations, inputs.metas, load_rulebook("bureau"), prior=prior, seed=SEED)
    assert again.risk["persistence"].notna().all() and (again.risk["persistence"] > 0).any()
    assert first[1].review.risk["persistence"].isna().all()  # not measured without --prior
    assert "上年度复核问题清单列明问题" in build_view(again).rectification.prior


def test_forms_read_on_two_workers_review_the_same(tmp_path):
    """A folder of many forms (tests/formkit.py, a few broken files among them) read by two worker processes is
    reviewed exactly as read in this process: one evaluation pass over all the forms of the year either way."""
    from evaltools.report.bureau.model import assemble
    from evaltools.run.review import read_inputs
    from evaltools.scoring.review.rulebook import load_rulebook
    from tests.formkit import bureau as form_bureau

    form_bureau(tmp_path / "forms", n=80, seed=2)
    book = load_rulebook("bureau")
    one, two = (read_inputs([tmp_path / "forms"], jobs_n=n) for n in (1, 2))
    assert one.files == two.files > 40 and len(one.failures) == len(two.failures) >= 3
    a, b = (assemble(i.evaluations, i.metas, book, seed=SEED) for i in (one, two))
    pd.testing.assert_frame_equal(a.frames.forms, b.frames.forms)
    pd.testing.assert_frame_equal(a.frames.findings, b.frames.findings)
    assert len(a.frames.forms) >= 80 and a.frames.forms["form"].str.startswith("forms/").all()


def test_scheduler_is_for_dask_only_and_reaches_the_dask_executor(root, tmp_path, monkeypatch):
    """--scheduler with another executor is refused before anything is read (exit 2, nothing written); with
    --executor dask the address reaches the dask executor (a recording stand-in here: no cluster is started)."""
    from evaltools.run import review as R
    from evaltools.run.executors import CALL_EXECUTORS

    out = tmp_path / "o"
    done = _cli("review", "examples/forms", "--to", str(out), "--scheduler", "tcp://127.0.0.1:1", cwd=root)
    assert done.returncode == 2 and "--executor dask" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()
    seen = []

    def dask(call, argument_tuples, options, on_done):
        seen.append(options)
        return CALL_EXECUTORS["serial"](call, argument_tuples, options, on_done)

    monkeypatch.setattr(R, "CALL_EXECUTORS", {"serial": CALL_EXECUTORS["serial"], "dask": dask})
    monkeypatch.setattr(R, "INLINE_FILES", 0)
    inputs = R.read_inputs([root / "examples" / "forms"], executor="dask", scheduler="tcp://10.0.0.1:8786")
    assert [o.scheduler for o in seen] == ["tcp://10.0.0.1:8786"]
    assert sum(len(m) for m in inputs.metas) == 3  # the three readable forms, read through the dask executor
