"""Golden tests on the 2022 report: published scores reproduced, recomputed ones beside them."""

from __future__ import annotations

import json

import pytest

from tests._paths import GOLDEN


def test_published_scores_and_grade(ev_2022):
    p = ev_2022.projects.set_index("project")
    assert p["score"].to_dict() == {"失业就业服务": 85.0, "档案保管和整理": 87.0, "创业担保贴息": 88.0}
    assert p["grade"].tolist() == ["良好", "良好", "良好"]
    assert ev_2022.total.score == 87.0 and ev_2022.grade == "良好"


def test_recomputed_scores_beside_published(ev_2022):
    p = ev_2022.projects.set_index("project")
    # 失业就业服务: 10 (6/6) + 10+10+0+5+10+0 (产出) + 30 (效益) + 10 (满意度) = 85
    # 档案保管和整理: 9.67 (2.9/3 × 10) + 10+0+10+0+10+5 + 30 + 10 = 84.67
    # 创业担保贴息: 10 + 50 + 30 + 0 (满意度 not reported) = 90
    assert p["computed_score"].round(2).to_dict() == {
        "失业就业服务": 85.0,
        "档案保管和整理": 84.67,
        "创业担保贴息": 90.0,
    }
    assert p.loc["创业担保贴息", "computed_grade"] == "优秀"
    assert ev_2022.total.computed_simple == pytest.approx((85 + 84.67 + 90) / 3)
    assert ev_2022.total.computed_weighted == pytest.approx((85 * 6 + 84.67 * 3 + 90 * 19.25) / 28.25)
    assert ev_2022.total.assessed_simple == pytest.approx(260 / 3)  # 86.67 → the published 87


def test_grade_moves_with_the_rules(data_2022):
    from evaltools import evaluate, load_rules

    mof = evaluate(data_2022, load_rules("mof"))
    assert mof.grade == "良"  # same 87, 财政部 names
    unpublished = type(data_2022)(
        data_2022.profile.__class__(**{**data_2022.profile.__dict__, "published_total": None}), data_2022.tables
    )
    weighted = evaluate(unpublished, load_rules("qiaoxi2022").with_changes(department_total="budget_weighted"))
    assert weighted.total.score == pytest.approx((85 * 6 + 87 * 3 + 88 * 19.25) / 28.25)


def test_summary_matches_golden(ev_2022):
    summary = ev_2022.to_summary()
    golden = json.loads((GOLDEN / "report_2022_summary.json").read_text(encoding="utf-8"))
    assert json.loads(json.dumps(summary, ensure_ascii=False)) == golden
    # recomputed, not the published 87: (85 + 84.67 + 90) / 3 = 86.56, 良好 (75 ≤ 86.56 < 90)
    assert summary["overall"]["computed_score"] == pytest.approx((85 + 84.67 + 90) / 3)
    assert summary["overall"]["computed_grade"] == "良好"
    assert summary["projects"][1] == {
        "name": "档案保管和整理",
        "budget": 3.0,
        "spent": 2.9,
        "execution_rate": pytest.approx(2.9 / 3),
        "execution_score": 9.67,
        "score": 87.0,
        "computed_score": pytest.approx(84.67),  # 9.67 (2.9/3 × 10) + 10+0+10+0+10+5 + 30 + 10
        "published_score": 87.0,
        "grade": "良好",
        "computed_grade": "良好",
        "published_grade": "良好",
    }


def test_evaluate_does_not_change_its_input(data_2022, rules_2022):
    from evaltools import evaluate

    before = {k: v.copy() for k, v in data_2022.tables.items()}
    evaluate(data_2022, rules_2022)
    assert all(before[k].equals(v) for k, v in data_2022.tables.items())


def test_html_repr(ev_2022):
    html = ev_2022._repr_html_()
    assert "石家庄市桥西区就业服务中心" in html and "良好" in html and "84.67" in html


def test_tables_for_people(ev_2022, data_2022):
    """ev.table / data.table: Chinese titles, numbers as the report prints them, labels, "—" for missing."""
    from bs4 import BeautifulSoup

    from evaltools import ParamsError

    def cells(styler) -> list[list[str]]:
        soup = BeautifulSoup(styler.to_html(), "html.parser")
        return [[c.get_text(strip=True) for c in tr.find_all(["th", "td"])] for tr in soup.find_all("tr")]

    rows = cells(ev_2022.table("projects", ["project", "budget", "execution_rate", "computed_score", "difference"]))
    assert rows[0] == ["项目名称", "全年预算数(万元)", "执行率", "重算得分", "公布 − 重算"]
    assert rows[2] == ["档案保管和整理", "3.00", "96.67%", "84.67", "2.33"]
    assert cells(ev_2022.table("findings", ["severity", "code"]))[1] == ["错误", "数量不符"]
    assert cells(data_2022.table("projects", ["project", "budget_initial"]))[1] == ["失业就业服务", "—"]
    assert ev_2022.projects["budget_initial"].isna().all()  # the frame keeps its values
    with pytest.raises(ParamsError, match="no column.*colour"):
        ev_2022.table("projects", ["colour"])
    rules = dict(ev_2022.rules.describe())
    assert rules["缺少实际完成值"] == "按 0 分计"
    assert rules["指标计分（≥、>）"] == "得分 = min(实际完成值 ÷ 年度指标值, 1) × 分值，超额完成不加分"
    assert "<th" in ev_2022.rules._repr_html_() and "None" not in ev_2022.rules._repr_html_()


def _with(data, profile: dict | None = None, **tables):
    """``data`` with profile fields and tables replaced (the input itself is not changed)."""
    new_profile = data.profile.__class__(**{**data.profile.__dict__, **(profile or {})})
    return type(data)(new_profile, {**data.tables, **tables}, data.source)


@pytest.mark.parametrize(
    ("marks", "reason"),
    [
        ({"cut_off_after": 5}, "原表截断于第5行"),
        ({"scores_printed": "否"}, "原表未评分，未印分值、得分"),
        ({"scores_printed": "空白"}, "原表得分未填"),
        ({"cut_off_after": 5, "scores_printed": "空白"}, "原表截断于第5行"),
    ],
)
def test_a_table_marked_incomplete_has_no_total_and_no_grade(data_2022, rules_2022, marks, reason):
    """Completeness is data (issue 20 item 1): the 2022 data marked cut off / unscored / blank keeps its printed
    87 as printed, but its total, recomputed total, both means and both grades are unknown, with the reason."""
    from evaltools import evaluate

    ev = evaluate(_with(data_2022, marks), rules_2022)
    t = ev.total
    assert t.published == 87 and t.unknown_reason == reason
    for value in (t.score, t.computed_score, t.computed_simple, t.computed_weighted, t.assessed_simple):
        assert value != value  # NaN: 无法计算
    assert t.grade is None and t.computed_grade is None
    overall = ev.to_summary()["overall"]
    assert overall["score"] is None and overall["grade"] is None and overall["published_score"] == 87
    assert overall["unknown_reason"] == reason + "，总分无法计算"
    # the projects are tables of their own, not marked: their scores stay (85, 84.67, 90 recomputed)
    assert ev.projects["computed_score"].round(2).tolist() == [85.0, 84.67, 90.0]


def test_complete_table_has_no_unknown_reason(ev_2022):
    assert ev_2022.total.unknown_reason is None and "unknown_reason" not in ev_2022.to_summary()["overall"]


def test_a_form_printing_no_score_gets_no_default_weight(data_2022, rules_2022):
    """档案保管和整理 with its 分值, its 预算执行率 分值 and its published score removed prints no score at all:
    it is 未评分 — no 10-point default execution weight is invented (it would give 2.9 / 3 × 10 = 9.67), its
    total is unknown, and so is the unit's mean of project totals (not the mean of the other two)."""
    from evaltools import evaluate

    name = "档案保管和整理"
    p, i = data_2022.projects.copy(), data_2022.indicators.copy()
    p.loc[p["project"] == name, ["execution_weight", "published_score"]] = float("nan")
    p.loc[p["project"] == name, "published_grade"] = None
    i.loc[i["project"] == name, ["weight", "panel_score"]] = float("nan")
    ev = evaluate(_with(data_2022, {"published_total": None}, projects=p, indicators=i), rules_2022)
    row = ev.projects.set_index("project").loc[name]
    assert row["incomplete"] == "原表未评分，未印分值、得分"
    assert row["execution_weight"] != row["execution_weight"] and row["execution_score"] != row["execution_score"]
    assert row["computed_score"] != row["computed_score"] and row["grade"] is None
    assert ev.projects.set_index("project").loc["失业就业服务", "computed_score"] == pytest.approx(85.0)
    assert ev.total.score != ev.total.score and ev.total.grade is None
    assert ev.total.unknown_reason == f"「{name}」原表未评分，未印分值、得分"
    assert not (ev.findings["code"] == "WEIGHTS_NOT_100").any()


def test_a_cut_off_table_is_not_blamed_for_its_missing_weights(root):
    """A 部门整体 table cut off after row 19 shows only part of its 分值: no WEIGHTS_NOT_100 for it (融媒体中心
    2021: 10 + 70 visible of 100)."""
    from evaltools import evaluate, load_year

    ev = evaluate(load_year(2021, root / "data", "西部（重庆）科学城融媒体中心"), "mof")
    assert ev.total.unknown_reason == "原表截断于第19行" and ev.total.grade is None
    assert not (ev.findings["code"] == "WEIGHTS_NOT_100").any()


def test_unknown_amounts_are_not_summed_as_zero(data_2022, rules_2022):
    """部门预算执行率 = Σ支出数 / Σ预算数: with one 支出数 not printed the sum is unknown, not the rest (issue 20
    item 2); with every amount printed it is (815.36 + 28.27 + 6 + 2.9 + 19.25) / (616.16 + 29.99 + 6 + 3 + 19.25)."""
    from evaltools import evaluate

    assert evaluate(data_2022, rules_2022).rate("department_execution") == pytest.approx(871.78 / 674.4)
    lines = data_2022.budget_lines.copy()
    lines.loc[lines["line"] == "日常公用支出", "spent"] = float("nan")
    ev = evaluate(_with(data_2022, budget_lines=lines), rules_2022)
    rate = ev.rates.set_index(["key", "subject"]).loc[("department_execution", "部门整体")]
    assert rate["value"] != rate["value"] and rate["numerator"] != rate["numerator"]
    assert rate["denominator"] == pytest.approx(674.4)
    assert ev.to_summary()["rates"]["department_execution"] is None


def test_mean_of_projects_with_one_unknown_is_unknown(data_2022, rules_2022):
    """One project's 支出数 not printed: its execution score and total are 无法计算, and so are both means of the
    project totals — not (85 + 90) / 2 of the two others (issue 20 item 2)."""
    from evaltools import evaluate

    p = data_2022.projects.copy()
    p.loc[p["project"] == "档案保管和整理", "spent"] = float("nan")
    ev = evaluate(_with(data_2022, {"published_total": None}, projects=p), rules_2022)
    scores = ev.projects.set_index("project")["computed_score"]
    assert scores["失业就业服务"] == pytest.approx(85.0) and scores["档案保管和整理"] != scores["档案保管和整理"]
    t = ev.total
    assert t.computed_simple != t.computed_simple and t.computed_weighted != t.computed_weighted
    assert t.computed_grade is None


def test_a_cut_off_project_form_is_not_blamed_for_its_weights(root):
    """天长市水利局 2022 (a whole 100-point form) with only its first 3 indicator rows: unmarked, its 分值 do not
    add to 100 and its 一级 分值 differ from the framework's — marked cut off after row 3, neither is raised, and
    no total or grade is given."""
    from evaltools import evaluate, load_year

    data = load_year(2022, root / "data", "天长市水利局")
    cut = _with(data, {"published_total": None}, indicators=data.indicators.iloc[:3])
    before = set(evaluate(cut, "mof").findings["code"])
    assert {"WEIGHTS_NOT_100", "CATEGORY_WEIGHTS"} <= before
    ev = evaluate(_with(cut, {"cut_off_after": 3}), "mof")
    assert not {"WEIGHTS_NOT_100", "CATEGORY_WEIGHTS"} & set(ev.findings["code"])
    assert ev.total.unknown_reason == "原表截断于第3行" and ev.total.grade is None
    assert ev.projects["computed_score"].isna().all() and ev.projects["grade"].isna().all()
