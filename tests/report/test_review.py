"""The 复核意见 (evaltools/report/review.py): the 2022 seed's published self-evaluation beside the recomputation,
hand-checked against its report (石家庄市桥西区就业服务中心 2022: published 87 良好; three projects published 85,
87 and 88; recomputed 85, 84.67 and 90, their simple mean 86.56), every finding with its place and score effect,
偏离度 and the opinion; and a cut-off table (西部（重庆）科学城融媒体中心 2021) that gets no 复核等级."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup

from evaltools import fmt
from evaltools.errors import ParamsError
from evaltools.params import job_params
from evaltools.report import review
from evaltools.report.review import ReviewContext, build_review, deviation, opinion_rule

CUT = "西部（重庆）科学城融媒体中心"


@pytest.fixture(scope="module")
def params_2022():
    return job_params({"year": 2022, "reviewer": "某某区财政局"})


@pytest.fixture(scope="module")
def view_2022(ev_2022, params_2022):
    return build_review(ev_2022, params_2022, "数据文件夹 2022/", ["按数据重算"])


@pytest.fixture(scope="module")
def page_2022(ev_2022, params_2022, view_2022) -> str:
    ctx = ReviewContext(params_2022, ev_2022, view_2022)
    cells = ("title_block", "basis", "scope", "comparison", "findings", "conclusion", "suggestions", "signature")
    return "\n".join(str(getattr(review, name)(ctx)) for name in (*cells, "appendix"))


@pytest.fixture(scope="module")
def ev_cut():
    from evaltools import evaluate, load_rules, load_year
    from evaltools.params import chosen_rules

    data = load_year(2021, "data", CUT)
    return evaluate(data, load_rules(chosen_rules(None, data.profile.rules).name))


def _text(html: str) -> str:
    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


def test_total_published_beside_reviewed(view_2022):
    t = view_2022.total
    assert t.published == 87 and t.published_grade == "良好"
    assert t.reviewed == pytest.approx((85 + 84.67 + 90) / 3)  # the projects' simple mean, 86.556…
    assert fmt.score(t.reviewed) == "86.56" and t.grade == "良好"
    assert t.change == pytest.approx(86.556667 - 87, abs=1e-6)
    assert t.deviation == pytest.approx((87 - 86.556667) / 87, abs=1e-8)
    assert fmt.pct(t.deviation) == "0.51%" and not t.beyond and t.cannot is None


def test_each_form_published_beside_reviewed(view_2022):
    forms = {f.name: f for f in view_2022.forms}
    assert list(forms) == ["失业就业服务", "档案保管和整理", "创业担保贴息"]
    archive, loan, jobs = forms["档案保管和整理"], forms["创业担保贴息"], forms["失业就业服务"]
    assert (archive.published, archive.reviewed) == (87, pytest.approx(84.67))
    assert archive.change == pytest.approx(-2.33) and archive.deviation == pytest.approx(2.33 / 87)
    assert (loan.published, loan.reviewed, loan.change) == (88, 90, 2)
    assert loan.deviation == pytest.approx(-2 / 88) and fmt.share(loan.deviation) == "−2.27%"
    assert (jobs.published, jobs.reviewed, jobs.change, jobs.deviation) == (85, 85, 0, 0)
    assert [f.reviewed_grade for f in forms.values()] == ["良好", "良好", "优秀"]


def test_indicators_reviewed_where_the_form_prints_no_indicator_scores(view_2022):
    archive = next(f for f in view_2022.forms if f.name == "档案保管和整理").indicators
    assert not archive.printed  # the 2022 forms print project totals only
    rows = {r.name: r for r in archive.rows}
    assert (
        rows["预算执行率"].weight == 10 and rows["预算执行率"].reviewed == 9.67
    )  # 96.67% × 10, rounded to 2 decimals by the rule set
    assert (rows["档案后续服务人次"].weight, rows["档案后续服务人次"].reviewed) == (10, 0)  # no actual: 0 分
    assert all(r.published is None and r.change is None for r in archive.rows)
    assert sum(r.reviewed for r in archive.rows) == pytest.approx(84.67, abs=0.005)


def test_execution_rates_stated_beside_recomputed(view_2022):
    rates = {r.name: r for r in view_2022.rates}
    assert rates["人员经费"].stated == 0.99 and rates["人员经费"].reviewed == pytest.approx(815.36 / 616.16)
    assert rates["档案保管和整理"].stated == 0.97 and rates["档案保管和整理"].reviewed == pytest.approx(2.9 / 3)
    assert rates["日常公用支出"].reviewed == pytest.approx(28.27 / 29.99)


def test_every_finding_with_its_place_and_score_effect(view_2022):
    problems = view_2022.problems
    assert len(problems) == 17 and view_2022.counts == {"error": 4, "warning": 13, "info": 5}
    count = next(f for f in problems if f.code == "COUNT_MISMATCH")
    assert "4 个项目" in count.message and "只列出 3 个" in count.message
    assert count.location == "报告 一(二)：“2022年我中心申请4个项目资金”" and count.effect == "不影响得分"
    year = next(f for f in problems if f.code == "YEAR_IN_TEXT")
    assert year.location.startswith("报告 引言：") and year.effect == "不影响得分"
    differs = {f.subject: f for f in problems if f.code == "SCORE_DIFFERS"}
    assert differs["档案保管和整理"].points == pytest.approx(-2.33)
    assert differs["档案保管和整理"].effect == "「档案保管和整理」自评 87 分，复核 84.67 分，扣 2.33 分"
    assert differs["创业担保贴息"].points == 2 and differs["创业担保贴息"].effect.endswith("复核增加 2 分")
    missing = next(f for f in problems if f.code == "MISSING_ACTUAL" and "达成就业意向人数" in f.subject)
    assert missing.points == -5 and "较分值 5 分扣 5 分" in missing.effect
    assert missing.location == "「失业就业服务」自评表 · 三级指标「达成就业意向人数」 · 实际完成值"
    usage = next(f for f in problems if f.code == "STATEMENT_MISMATCH")
    assert usage.location.startswith("报告 三(二)2：") and usage.points == pytest.approx(-0.33)
    full = next(f for f in problems if f.code == "OVERACHIEVED" and "提供工作岗位数" in f.subject)
    assert full.effect == "不影响得分" and full.points == 0  # full marks either way


def test_opinion_by_the_declared_threshold(view_2022):
    rule = opinion_rule()
    assert rule.threshold == 0.05 and rule.source and "自评得分 − 复核得分" in rule.formula
    o = view_2022.opinion
    assert o.verdict == rule.within and o.beyond == [] and o.errors == 4


def test_deviation_is_unknown_when_either_score_is():
    assert deviation(87, 86.556667) == pytest.approx(0.0050958, abs=1e-7)
    assert deviation(None, 80) is None and deviation(80, float("nan")) is None and deviation(0, 0) is None


def test_opinion_file_is_checked(tmp_path):
    bad = tmp_path / "opinion.yaml"
    good = opinion_rule.__wrapped__(review.OPINION_FILE)
    book = tmp_path / "book.yaml"  # the threshold is the rule book's (stated once, params/review/bureau.yaml)
    book.write_text(
        (review.OPINION_FILE.parent / "bureau.yaml")
        .read_text(encoding="utf-8")
        .replace("threshold: 0.05", "threshold: 5"),
        encoding="utf-8",
    )
    bad.write_text(
        review.OPINION_FILE.read_text(encoding="utf-8").replace("rulebook: bureau", f"rulebook: {book}"),
        encoding="utf-8",
    )
    with pytest.raises(ParamsError, match="threshold"):
        opinion_rule.__wrapped__(bad)
    bad.write_text(review.OPINION_FILE.read_text(encoding="utf-8") + "extra: 1\n", encoding="utf-8")
    with pytest.raises(ParamsError, match="expected the keys"):
        opinion_rule.__wrapped__(bad)
    assert good.within == "自评结果基本真实、准确"


def test_page_in_the_reviewers_voice(page_2022):
    text = _text(page_2022)
    assert "关于石家庄市桥西区就业服务中心 2022 年度部门整体支出绩效自评结果的复核意见" in text
    assert "某某区财政局对石家庄市桥西区就业服务中心公开的 2022 年度" in text
    assert "复核得分为 86.56 分 ，复核等级为 良好" in text
    assert "（87 − 86.56）÷ 87 = 0.51%" in text
    assert "复核意见：自评结果基本真实、准确。" in text
    assert "复核单位：某某区财政局（盖章）" in text and "复核日期：" in text
    assert "我中心公布" not in text and "本报告" not in text  # not the unit's voice


def test_reviewer_left_to_fill(ev_2022):
    view = build_review(ev_2022, job_params({"year": 2022}), "数据文件夹 2022/", [])
    ctx = ReviewContext(job_params({"year": 2022}), ev_2022, view)
    assert view.reviewer is None and "（复核单位）对石家庄市" in _text(str(review.title_block(ctx)))
    signature = _text(str(review.signature(ctx)))
    assert signature.startswith("复核单位：") and "某某" not in signature


def test_cut_off_table_gets_no_review_grade(ev_cut):
    view = build_review(ev_cut, job_params({"year": 2021, "unit": CUT}), "数据文件夹", [])
    t = view.total
    assert t.published == 97.6 and t.reviewed is None and t.grade is None
    assert t.cannot == "无法复核总分（原表截断于第19行）" and t.deviation is None
    assert view.opinion.verdict is None
    ctx = ReviewContext(job_params({"year": 2021, "unit": CUT}), ev_cut, view)
    text = _text(str(review.conclusion(ctx)) + str(review.comparison(ctx)))
    assert "无法复核总分（原表截断于第19行），不评定复核等级" in text
    assert "复核等级为" not in text and "基本真实" not in text
