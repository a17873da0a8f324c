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
    assert "随机数种子为 5" in html and "样本覆盖单位" in html
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


@pytest.fixture(scope="module")
def forms_review(root):
    """The real forms of examples/forms reviewed in memory, as the command reads them (one legacy .doc unread)."""
    from evaltools.run.review import read_inputs
    from evaltools.scoring.review.rulebook import load_rulebook

    inputs = read_inputs([root / "examples" / "forms"])
    source = ReviewSource(kind="forms", paths=("forms",), files=inputs.files, failures=inputs.failures)
    return assemble(inputs.evaluations, inputs.metas, load_rulebook("bureau"), seed=7, source=source)


def _visible(review) -> str:
    """The page's text as a reader sees it (styles and scripts left out), the URLs of the 复核依据 left out."""
    import re

    from bs4 import BeautifulSoup

    soup = BeautifulSoup(_page(review), "html.parser")
    for tag in soup(["style", "script"]):
        tag.decompose()
    return re.sub(r"https?://[^\s）)]+", "", soup.get_text(" "))


@pytest.mark.parametrize("which", ["forms_review", "review"])
def test_the_document_is_chinese_with_no_tool_talk(which, request):
    """No code identifier, tool path, command, issue number or bilingual pair in the document: the risk table
    prints the rule book's figures, the 复核依据 no tool remark, the unread file's reason its Chinese part."""
    import re

    review = request.getfixturevalue(which)
    text = _visible(review)
    assert not re.findall(r"[A-Za-z]+_[A-Za-z_]+", text)
    for word in ("evaltools", "params/", "issue", " / ", "--"):
        assert word not in text, word
    s = review.book.risk_settings  # severity = min((错误数 × 1 + 警告数 × 0.25) ÷ 5, 1); deviation cap 1
    assert (s.error_weight, s.warning_weight, s.severity_cap, s.deviation_cap) == (1, 0.25, 5, 1)
    assert "min((错误数 × 1 + 警告数 × 0.25) ÷ 5, 1)" in text and "min(|自评表偏离度|, 1) ÷ 1" in text
    if which == "forms_review":
        assert "不支持旧格式 .doc：Word 97-2003 文档" in text and "legacy" not in text


def _numbers(html: str) -> tuple[list[str], list[str], list[str]]:
    import re

    captions = re.findall(r"<caption>(表 [0-9-]+)\u3000", html)
    figures = re.findall(r"<figcaption>(图 \d+)\u3000", html)
    refs = re.findall(r"[见如](表 \d+)", html)
    return captions, figures, refs


@pytest.mark.parametrize("which", ["forms_review", "review"])
def test_tables_and_figures_are_numbered_in_order(which, request):
    """One numbering: 表 1, 表 2, … in the order of the page (a section's several tables n-1, n-2), 图 1, 图 2, …;
    every "见表 n" names a table on the page; no 表 0, no n-2 without its n-1."""
    review = request.getfixturevalue(which)
    captions, figures, refs = _numbers(_page(review))
    mains = list(dict.fromkeys(c.split("-")[0] for c in captions))
    assert mains == [f"表 {i}" for i in range(1, len(mains) + 1)] and len(mains) >= 12
    for main in mains:
        subs = [c for c in captions if c.split("-")[0] == main]
        assert subs == [main] or subs == [f"{main}-{i}" for i in range(1, len(subs) + 1)] and len(subs) > 1
    assert figures == [f"图 {i}" for i in range(1, len(figures) + 1)] and figures
    assert refs and set(refs) <= set(mains)


def test_rectification_names_the_units_the_ledger_lists(forms_review, tmp_path):
    """整改要求 and 整改台账.xlsx agree: the same levels (one place), the same issues — on examples/forms the 9 P1
    issues of 3 units (no P0; no 偏离度 can be computed: the self scores are not published or not computable)."""
    from evaltools.data.review_scores import RECTIFICATION_COLUMNS
    from evaltools.report.bureau.issue_list import write_rectification
    from evaltools.report.bureau.lists import rectification_levels

    levels = rectification_levels(forms_review.book)
    assert levels == ("P0", "P1")
    path = write_rectification(forms_review.frames, forms_review.book, tmp_path / "整改台账.xlsx", levels=levels)
    ledger = pd.read_excel(path, header=1)
    # 整改期限 as the 台账 has it: the rule book's when it states one, else blank
    deadline = ledger[RECTIFICATION_COLUMNS["deadline"]].fillna("").iloc[0]
    view = build_view(forms_review).rectification
    units = [r.cells[0] for r in view.table.rows]
    assert len(ledger) == 9 and sorted(units) == sorted(ledger[RECTIFICATION_COLUMNS["unit"]].unique())
    assert "P0、P1 级问题共 9 项，已逐项列入整改台账.xlsx" in view.text and "读回整改台账" in view.text
    assert [c for c, _ in view.table.columns] == [
        "单位",
        "自评表",
        "P0",
        "P1",
        "偏差较大",
        "需整改的问题",
        "整改期限",
    ]
    assert sum(int(r.cells[3]) for r in view.table.rows) == 9 and all(r.cells[-1] == deadline for r in view.table.rows)


def test_a_form_without_its_actuals_gets_no_proposal(forms_review):
    """青神县发改局's 工资性支出 form was published with blank 完成值 and 得分 (examples/forms/README.md): its
    recomputed 10 points measure the blanks (2 indicators, 90 of 90 indicator points), so the 结果应用 table counts
    it apart — 完成值缺失, 不提出建议, 251.89 万元 — and no cut of its budget is proposed."""
    view = build_view(forms_review).application
    rows = {r.cells[0]: r.cells for r in view.tiers.rows}
    assert rows["完成值缺失"][2:] == ["不提出建议", "1", "251.89"]
    assert rows["无法计算"][3:] == ["2", "89.97"]
    assert rows["差"][3:] == ["0", "0.00"] and not view.table.rows
    assert "另有 1 张自评表未填完成值的指标分值占比达 50.00% 以上" in view.text
