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
