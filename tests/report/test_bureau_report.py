"""The bureau's 复核报告 (evaltools.report.bureau): its view, sections, charts and notebook, on a small generated
bureau reviewed in memory (the command's end-to-end run is tests/run/test_review_command.py)."""

from __future__ import annotations

import ast

import nbformat
import numpy as np
import pandas as pd
import pytest

from evaltools.errors import ParamsError
from evaltools.report.bureau import charts
from evaltools.report.bureau import report as bureau
from evaltools.report.bureau.model import ReviewSource, assemble
from evaltools.report.bureau.view import build_view


@pytest.fixture(scope="module")
def data():
    from evaltools.run.synthetic import generate_units

    return generate_units(30, 20, seed=3, year=2022, projects_per_unit=2)


def _review(data, scores=None, seed=None):
    from evaltools.scoring.audit.redflags import with_red_flags
    from evaltools.scoring.evaluation import evaluate_units
    from evaltools.scoring.review.rulebook import load_rulebook
    from evaltools.scoring.rules import load_rules

    ev = evaluate_units(data, with_red_flags(load_rules("mof")))
    source = ReviewSource(kind="dataset", paths=("2022",), synthetic=True)
    return assemble([ev], [None], load_rulebook("bureau"), scores=scores, seed=seed, source=source)


@pytest.fixture(scope="module")
def review(data):
    return _review(data, seed=5)


def _context(review):
    return bureau.BureauContext(bureau.ReviewParams(review="-"), review, build_view(review, reviewer="某某区财政局"))


def _page(review) -> str:
    ctx = _context(review)
    return "\n".join(str(getattr(bureau, name)(ctx)) for name in _cells())


def _cells() -> list[str]:
    return [n for n in bureau.__all__ if n not in {"ReviewParams", "BureauContext", "review_params", "prepare"}]


def test_every_section_renders_in_the_reviewers_voice(review):
    html = _page(review)
    assert "某某区财政局对 2022 年度 30 个单位公开的 60 张绩效自评表进行了复核" in html
    assert "经复核，" in html and "合成数据 · 仅供演示" in html
    # the rule book printed whole as the 扣分标准对照表
    for item in review.book.items.itertuples():
        assert f"<td>{item.item}</td>" in html and item.description in html
    # the 结果应用 table is a proposal with its evidence, never a decision
    assert "以下均为建议" in html and "不是预算安排的决定" in html
    # the sample: its seed and coverage stated
    assert "随机数种子为 5" in html and "样本覆盖 单位" in html
    assert "指标偏离度按“指标偏离度 =（指标自评得分 − 指标复核得分）÷ 指标分值”计算" in html
    assert "<script" not in html and "{{" not in html and "None" not in html


def test_coverage_and_conclusions_are_the_reviews_figures(review):
    view = build_view(review)
    forms = review.frames.forms
    assert view.coverage.units == "30" and view.coverage.forms == "60"
    assert view.coverage.amount == f"{forms['budget'].sum():,.2f}"
    dev = review.deviations.forms["deviation"]
    beyond = int((dev.abs() > 0.05).sum())  # |偏离度| above the rule book's threshold 5%
    assert f"{int(dev.notna().sum())} 张可计算偏离度的自评表中，{beyond} 张偏离度绝对值超过 5%" in view.conclusions[0]


def _scores(review, form: str, filled: int) -> pd.DataFrame:
    """Reviewer rows for ``form``: the first ``filled`` indicators scored at their 分值, the others blank."""
    ind = review.frames.indicators[review.frames.indicators["form"] == form]
    given = [float(w) if i < filled else np.nan for i, w in enumerate(ind["weight"])]
    return pd.DataFrame(
        {
            "form": form,
            "unit": ind["unit"].to_numpy(),
            "project": ind["project"].to_numpy(),
            "level3": ind["level3"].to_numpy(),
            "weight": ind["weight"].to_numpy(),
            "reviewer_score": given,
            "item": None,
            "note": None,
            "file": "x.xlsx",
            "sheet": "复核底稿",
            "row": np.arange(len(ind)) + 5,
        }
    )


def test_unknown_is_never_a_tier(data, review):
    """A form whose 复核得分 are filled in part: 复核得分 无法计算, tier 无法计算, no proposal, counted apart."""
    form = review.frames.forms["form"].iloc[0]
    again = _review(data, scores=_scores(review, form, 2), seed=5)
    assert np.isnan(again.reviewed.set_index("form").at[form, "reviewed_score"])
    tier = again.tiers.set_index("form").loc[form]
    assert tier["tier"] == "无法计算" and np.isnan(tier["adjustment"])
    view = build_view(again)
    unit, project = again.frames.forms.set_index("form").loc[form, ["unit", "project"]]
    assert not any(r.cells[0] == unit and r.cells[1] == project for r in view.application.table.rows)
    unknown = next(r for r in view.application.tiers.rows if r.cells[0] == "无法计算")
    assert unknown.cells[2] == "不提出建议" and unknown.cells[3] == "1"
    assert "为 0 张自评表填写了全部复核得分" in view.reviewers.text  # filled in part only: not a score
    assert "1 张只填写了部分，复核得分无法计算（空白不计为 0 分）" in view.reviewers.text


def test_summary_workbook_tables(review):
    from evaltools.report.bureau.summary import summary_tables

    tables = summary_tables(review)
    units, forms = tables["单位"], tables["自评表"]
    assert len(units) == 30 and len(forms) == 60
    dev = review.deviations.units.set_index("unit")["deviation"]
    got = units.set_index("单位")["单位偏离度"]
    pd.testing.assert_series_equal(got.reindex(dev.index), dev, check_names=False)
    assert forms["抽中"].sum() == len(review.sample.frame)


def test_charts_drawn_in_both_layouts_or_said_why_not():
    bars = pd.DataFrame({"name": ["甲", "乙"], "value": [0.12, -0.03]})
    html = charts.chart_html(charts.unit_bars, "图 2　单位偏离度", bars, "单位偏离度", 0.05)
    assert html.count("data:image/png;base64,") == 2 and "<picture>" in html and "图 2　单位偏离度" in html
    said = charts.chart_html(
        charts.unit_bars, "图 2　单位偏离度", bars.iloc[:0], "x", empty="全部单位的偏离度均无法计算"
    )
    assert "data:image" not in said and "全部单位的偏离度均无法计算" in said


def test_notebook_is_thin_and_committed_without_outputs(root):
    import papermill as pm

    path = root / "notebooks" / "bureau_review.ipynb"
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    declared = pm.inspect_notebook(str(path))
    assert list(declared) == ["params"] and ast.literal_eval(declared["params"]["default"]) == {"review": None}
    for cell in code:
        if "parameters" in cell.metadata.get("tags", []):
            continue
        calls = [n for n in ast.walk(ast.parse(cell.source)) if isinstance(n, ast.Call)]
        assert len(calls) <= 1, cell.source
    called = {c.source.split("(")[0].removeprefix("bureau.") for c in code if c.source.startswith("bureau.")}
    assert called == set(_cells())  # every section is a cell, every cell a section


def test_the_one_loader_refuses_unknown_and_missing_keys():
    with pytest.raises(ParamsError, match="unknown parameter") as info:
        bureau.prepare({"review": "x.pickle", "reveiw": 1})
    assert info.value.key == "reveiw"
    with pytest.raises(ParamsError, match="give one of review, dataset"):
        bureau.prepare({"review": None})  # the notebook as committed, run without parameters


def test_prepare_from_a_dataset_folder(data, tmp_path):
    """The notebook alone (no command): params name a dataset folder; the review is made there, seeded."""
    from evaltools.data.folder import write_units

    write_units(data, tmp_path / "2022")
    ctx = bureau.prepare({"dataset": str(tmp_path / "2022"), "seed": 9})
    assert ctx.review.sample.seed == 9 and ctx.review.frames.forms["unit"].nunique() == 30
    assert "随机数种子为 9" in str(bureau.method(ctx))
