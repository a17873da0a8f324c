"""Scoring and audit of real published forms as printed (tests/corpus/forms/*.yaml): 定性 actuals printed as
words, forms without a 分值 column, printed totals the printed scores cannot give, printed 预算执行率得分.

Each test reads a corpus fixture's grid (as the bureau printed it; a row changed where the test says so and
why), scores and audits it the way ``evaltools audit`` does, and asserts the form's own figures."""

from __future__ import annotations

import copy

import pandas as pd
import pytest

from evaltools.data.forms import read_files
from evaltools.scoring.evaluation import evaluate
from evaltools.scoring.rules import load_rules
from tests.corpus import measure as corpus
from tests.formkit import write_grid


def _fixture(stem: str) -> dict:
    data = copy.deepcopy(corpus.load([corpus.FORMS / f"{stem}.yaml"])[0][1])
    return {**data, "stem": stem}


def _evaluated(tmp_path, data: dict, rules: str = "mof"):
    """The form read as the corpus measure reads it (its file named by its stem, which gives the year of a
    title printing none) and evaluated as ``evaltools audit`` does."""
    path = tmp_path / f"{data['stem']}.{data.get('format', 'docx')}"
    write_grid(path, data.get("title") or [], data["grid"], data.get("format", "docx"))
    forms, failures = read_files([str(path)])
    assert not failures and len(forms) == 1
    return evaluate(forms[0].data, load_rules(rules))


def _row(ev, level3: str) -> pd.Series:
    rows = ev.indicators[ev.indicators["level3"] == level3]
    assert len(rows) == 1, level3
    return rows.iloc[0]


def _codes(ev) -> list[str]:
    return ev.findings["code"].tolist()


# ----------------------------------------------------------------------------- 定性 actuals printed as words


def test_words_actuals_are_graded_not_missing(tmp_path):
    """黄石市图书馆 2022 共享工程: 「良好」 → 「良好」, a target restated as the actual, 「全天候可用」 → 「全天候」 are
    printed results, graded 达成 by the rule set's words (never 没有实际完成值, 按 0 分计); the row printing only
    its name (促进黄石文化经济发展) is no MISSING_ACTUAL either."""
    ev = _evaluated(tmp_path, _fixture("hubei-huangshi-tushuguan-gongxiang-2022-project"))
    for name in ("数字图书馆环境优良无污染", "以最新资源面市", "可保证读者使用时长", "社会公益服务无经济效益"):
        row = _row(ev, name)
        assert row["qualitative_grade"] == "达成" and row["grade_from_text"] and not row["missing"], name
    assert "MISSING_ACTUAL" not in _codes(ev)
    # the form prints no 分值: no band in points, so no QUALITATIVE_OUT_OF_BAND for the printed 10s
    assert "QUALITATIVE_OUT_OF_BAND" not in _codes(ev)
    # nothing is unreadable: the total is unknown for want of 分值, which is no TOTAL_UNKNOWN (无法辨认) finding
    assert "TOTAL_UNKNOWN" not in _codes(ev)


def test_words_grade_by_the_rule_set(tmp_path):
    """区商务局 2020: 「企业较好把握正确政治导向…」 and 「有利于推动企业走出去」 are 达成; the same row printed
    「基本完成」 is 部分达成, 「未完成」 未达成, and a note that no result is given (「未提供」) stays missing."""
    data = _fixture("hubei-qu-shangwu-fuwumaoyi-2020-project")
    ev = _evaluated(tmp_path, data)
    assert _row(ev, "推动企业走出去方面发挥的作用")["qualitative_grade"] == "达成"
    assert _row(ev, "企业把握政治导向和文化方向情况")["qualitative_grade"] == "达成"
    grid = data["grid"]
    at = next(i for i, r in enumerate(grid) if "推动企业走出去方面发 挥的作用" in r)
    for printed, grade in (("基本完成", "部分达成"), ("未完成", "未达成"), ("未提供", None)):
        grid[at][3] = printed
        row = _row(_evaluated(tmp_path, data), "推动企业走出去方面发挥的作用")
        assert row["qualitative_grade"] == grade, printed
        assert row["missing"] == (grade is None)


def test_words_share_of_the_weight(tmp_path):
    """襄阳市中心医院 2021: 「专款专用」 (target 专款专用) is 达成 and takes the top of the 达成 band (share 1.0 of
    its 分值, the rule set's default position), and 「成本控制」 printed 「不超过预算」 is no MISSING_ACTUAL."""
    data = _fixture("hubei-xiangyang-zhongxinyiyuan-dongjin-2021-project")
    ev = _evaluated(tmp_path, data)
    row = _row(ev, "保证财政建设补助专款专用")
    assert row["qualitative_grade"] == "达成" and row["share"] == 1.0
    assert "MISSING_ACTUAL" not in set(ev.findings.loc[ev.findings["indicator"] == "成本控制", "code"])


def test_note_in_actual_text_stays_missing(data_2022, rules_2022):
    """data/2022 创业担保贴息 / 群众和机构满意度: the actual_text is a transcriber's note (「报告只写…，未给出结果」),
    not a printed result: still missing (0 points, MISSING_ACTUAL) — the 2022 totals stay as published."""
    ev = evaluate(data_2022, rules_2022)
    row = ev.indicators[ev.indicators["level3"] == "群众和机构满意度"].iloc[0]
    assert row["missing"] and pd.isna(row["qualitative_grade"]) and not row["grade_from_text"]
    assert row["computed_score"] == 0.0


# ----------------------------------------------------------------------------- printed scores and totals


def test_printed_total_against_printed_scores(tmp_path):
    """区商务局 2020 prints no 分值 column: its 总分 100 cannot be recomputed, but its printed scores add to
    20 (预算执行率) + 10 × 6 + 20 × 2 = 120 ≠ 100: SCORE_DIFFERS. (The fixture's 总分 row prints 100 in its
    second cell; here it stands in the 得分 column so that the reader takes it as the total.)"""
    data = _fixture("hubei-qu-shangwu-fuwumaoyi-2020-project")
    at = next(i for i, r in enumerate(data["grid"]) if r and r[0] == "总分")
    data["grid"][at] = ["总分", "", "", "", "", "100"]
    ev = _evaluated(tmp_path, data)
    p = ev.projects.iloc[0]
    assert p["published_score"] == 100 and pd.isna(p["computed_score"])
    differs = ev.findings[ev.findings["code"] == "SCORE_DIFFERS"]
    assert len(differs) == 1
    assert differs.iloc[0]["stated"] == 100 and differs.iloc[0]["computed"] == 120
    assert "表中印出的各项得分之和为 120" in differs.iloc[0]["message"]


def test_printed_total_that_adds_up_is_no_finding(tmp_path):
    """施甸县 2019 (no 分值 column): 2.9 + 8.0 + 7.3 + 31.9 + 10.5 + 11.1 = 71.7 = the printed 总分: no
    SCORE_DIFFERS for the addition."""
    data = _fixture("yunnan-shidian-xinxingzhuti-2019-project")
    at = next(i for i, r in enumerate(data["grid"]) if r and r[0] == "总分")
    data["grid"][at] = ["总分", "", "", "", "", "71.7"]
    ev = _evaluated(tmp_path, data)
    assert ev.projects.iloc[0]["published_score"] == pytest.approx(71.7)
    assert "SCORE_DIFFERS" not in _codes(ev)


def test_whole_number_execution_score_is_not_rounding(tmp_path):
    """廊坊市食品工程学校 2019: 37.24 / 43.2 = 86.20% of 10 points is 8.62, printed 9 — 0.38 points given, not
    rounding: EXECUTION_SCORE_DIFFERS (stated 9, computed 8.62)."""
    ev = _evaluated(tmp_path, _fixture("hebei-langfang-shipinxuexiao-nuantong-2019-project"))
    found = ev.findings[ev.findings["code"] == "EXECUTION_SCORE_DIFFERS"]
    assert len(found) == 1
    assert found.iloc[0]["stated"] == 9 and found.iloc[0]["computed"] == pytest.approx(8.62)


def test_printed_total_above_what_the_table_allows(tmp_path):
    """稷山县医疗保险服务中心 2020 with its 满意度 row's figures and score unreadable (「？」): the printed scores give
    9 (预算执行率) + 13 + 15 + 10 + 10 + 27 = 84 and the 满意度 row at most its 分值 10, so a 总分 of 99 cannot be
    right (its printed 94 can): SCORE_DIFFERS though no total can be recomputed (issue 20 item 4)."""
    data = _fixture("shanxi-jishan-jiandanglika-2020-project")
    grid = data["grid"]
    at = next(i for i, r in enumerate(grid) if r and "指标1:是否满意" in r)
    grid[at][3:5], grid[at][6] = ["？", "？"], "？"
    ev = _evaluated(tmp_path, data)
    assert pd.isna(ev.projects.iloc[0]["computed_score"])
    assert "SCORE_DIFFERS" not in _codes(ev)  # 94 is reachable
    total = next(i for i, r in enumerate(grid) if r and r[0] == "总分")
    grid[total] = ["总分", "100", "99"]
    ev = _evaluated(tmp_path, data)
    differs = ev.findings[ev.findings["code"] == "SCORE_DIFFERS"]
    assert len(differs) == 1 and differs.iloc[0]["computed"] == 94
    assert "总分只能在 84–94 之间" in differs.iloc[0]["message"]


def test_cut_off_table_bounds_no_total(root):
    """融媒体中心 2021 (examples/forms): the table is cut off after 分值 29 of 100, so its printed 自评总分 97.6
    is not compared with the 26.6 points the visible rows print."""
    forms, _ = read_files([str(root / "examples/forms/县直/融媒体中心-部门整体.docx")])
    ev = evaluate(forms[0].data, load_rules("mof"))
    assert ev.total.published == pytest.approx(97.6)
    assert not {"SCORE_DIFFERS", "TOTAL_DIFFERS"} & set(_codes(ev))


def test_worded_grade_does_not_judge_the_panel_score(tmp_path):
    """稷山县医疗保险服务中心 2020 with its 质量 row printed in words (target 「全部纳入」, actual 「基本完成」, 15 分值,
    得分 13): the words name 部分达成 ([60%, 80%) of 15 = 9–12), but the panel read them itself — its 13 is not
    QUALITATIVE_OUT_OF_BAND; the row is scored (13 printed), not missing."""
    data = _fixture("shanxi-jishan-jiandanglika-2020-project")
    grid = data["grid"]
    at = next(i for i, r in enumerate(grid) if "指标1:资金是否全部纳入医 保统筹" in r)
    grid[at][2:4], grid[at][5] = ["全部纳入", "基本完成"], "13"
    ev = _evaluated(tmp_path, data)
    row = _row(ev, "资金是否全部纳入医保统筹")
    assert row["qualitative_grade"] == "部分达成" and row["score"] == 13 and not row["missing"]
    assert "QUALITATIVE_OUT_OF_BAND" not in _codes(ev)


# ----------------------------------------------------------------------------- grade names by band


def test_grade_names_compared_by_band(data_2022):
    """The 2022 report prints 良好 for 85, 87 and 88 分; under the default rule set (财预〔2020〕10号: 良 80–90)
    that is the band 良, no GRADE_MISMATCH (four false errors before, issue 20 item 7). A grade of another band is
    still wrong: with bands putting 85 in 优, 失业就业服务's 「良好」 is flagged."""
    rules = load_rules("mof")
    ev = evaluate(data_2022, rules)
    assert "GRADE_MISMATCH" not in _codes(ev)
    strict = rules.with_changes(
        grade_bands=[{"grade": "优", "lower": 85, "upper": 100}, {"grade": "良", "lower": 0, "upper": 85}]
    )
    found = evaluate(data_2022, strict).findings
    wrong = found[found["code"] == "GRADE_MISMATCH"]
    assert "「失业就业服务」公布 85 分、等级「良好」，按等级表应为「优」" in set(wrong["message"])


# ----------------------------------------------------------------------------- 二级 items keep their measures' checks


def merged_item_form() -> dict:
    """稷山县医疗保险服务中心 2020 (corpus fixture) with its 数量指标 printed as 黄石市图书馆 2022 prints merged items:
    two 三级 rows — 全县参合人数 8755 → 8676 and 新增参保人数 100 → 150 — under one 分值 15 / 得分 15 merged over both."""
    data = _fixture("shanxi-jishan-jiandanglika-2020-project")
    grid = data["grid"]
    at = next(i for i, r in enumerate(grid) if r and "指标1:全县参合人数" in r)
    grid[at] = [
        {"span": [5, 1], "text": "产出指标 (50分)"},
        {"span": [2, 1], "text": "数量指标"},
        "指标1:全县参合人数",
        "8755",
        "8676",
        {"span": [2, 1], "text": "15"},
        {"span": [2, 1], "text": "15"},
        "",
    ]
    grid.insert(at + 1, ["指标2:新增参保人数", "100", "150", ""])
    return data


def test_measures_of_a_merged_item_keep_their_checks(tmp_path):
    """稷山县医疗保险服务中心 2020 with its 数量指标 printed as 黄石市图书馆 2022 prints merged items: two 三级 rows
    under one 分值 15 / 得分 15 merged over both. The item is scored once (15), and its measures are still
    checked: 全县参合人数 8676 of 8755 missed its target under full marks (FULL_MARKS_BELOW_TARGET), and a
    measure at 150 of 100 is OVERACHIEVED (issue 20 item 3)."""
    ev = _evaluated(tmp_path, merged_item_form())
    item = ev.indicators[ev.indicators["is_item"]]
    assert len(item) == 1 and item.iloc[0]["weight"] == 15 and item.iloc[0]["score"] == 15
    found = ev.findings
    below = found[(found["code"] == "FULL_MARKS_BELOW_TARGET") & (found["indicator"] == "全县参合人数")]
    assert len(below) == 1 and "其所属「数量指标」却得满分 15" in below.iloc[0]["message"]
    over = found[(found["code"] == "OVERACHIEVED") & (found["indicator"] == "新增参保人数")]
    assert len(over) == 1 and over.iloc[0]["computed"] == 150


# ----------------------------------------------------------------------------- printed rates over illegible amounts


def test_printed_rate_stands_in_for_illegible_amounts(root):
    """融媒体中心 2021 (examples/forms) prints 执行率 76% over amounts that cannot be read: the low execution is
    found from the printed rate (EXECUTION_LOW, 76% < 90%), not skipped (issue 20 item 4)."""
    forms, _ = read_files([str(root / "examples/forms/县直/融媒体中心-部门整体.docx")])
    ev = evaluate(forms[0].data, load_rules("mof"))
    low = ev.findings[ev.findings["code"] == "EXECUTION_LOW"]
    assert len(low) == 1 and low.iloc[0]["computed"] == pytest.approx(0.76)
    assert "76.00%（按原表所述，金额无法重算）" in low.iloc[0]["message"]


def test_printed_execution_score_checked_against_the_printed_rate(tmp_path):
    """廊坊市食品工程学校 2019 with its 全年执行数 unreadable (「？」): its printed 执行率 86% × 分值 10 = 8.6, and the
    printed 得分 9 is still EXECUTION_SCORE_DIFFERS (computed 8.6 from the printed rate)."""
    data = _fixture("hebei-langfang-shipinxuexiao-nuantong-2019-project")
    grid = data["grid"]
    at = next(i for i, r in enumerate(grid) if r and r[0] == "年度资金总额")
    grid[at][3] = "？"
    ev = _evaluated(tmp_path, data)
    assert pd.isna(ev.projects.iloc[0]["execution_score"])
    found = ev.findings[ev.findings["code"] == "EXECUTION_SCORE_DIFFERS"]
    assert len(found) == 1 and found.iloc[0]["computed"] == pytest.approx(8.6)
    assert "按执行率 86.00%（所述） × 分值 10 应为 8.6" in found.iloc[0]["message"]


# ----------------------------------------------------------------------------- no false alarm on real forms (recall)


def _at(ev, code: str, indicator: str | None = None) -> pd.DataFrame:
    found = ev.findings[ev.findings["code"] == code]
    return found if indicator is None else found[found["indicator"] == indicator]


@pytest.mark.parametrize(
    "stem", ["hubei-hbust-jiangzhuxuejin-2021-project", "shanxi-lvliang-hugong-peixun-2021-project"]
)
def test_unscored_form_is_no_unknown_total(tmp_path, stem):
    """湖北科技学院 2021 and 吕梁山护工培训 2021 print no 分值/得分: an unscored form (未评分, issue 20 item 1) has no
    total to compute, and no figure of it is to blame — no TOTAL_UNKNOWN."""
    ev = _evaluated(tmp_path, _fixture(stem))
    assert _at(ev, "TOTAL_UNKNOWN").empty
    assert pd.isna(ev.projects.iloc[0]["computed_score"])


def test_actual_in_another_unit_is_not_overachieved(tmp_path):
    """蔡甸区 2021: 滅火設備配備率 target 100%, actual 1000件; 監控系統維護率 100% against 5個 — a count is no share of
    a rate: no OVERACHIEVED (it printed 100,000% before)."""
    ev = _evaluated(tmp_path, _fixture("hubei-caidian-senlinfanghuo-2021-project"))
    assert _row(ev, "滅火設備配備率")["actual"] == 1000
    assert _at(ev, "OVERACHIEVED").empty


def test_printed_actuals_are_not_missing(tmp_path):
    """An actual printed though the row cannot be scored from it is no MISSING_ACTUAL: 银川市第六中学 2021
    「预算执行率」 (target 一, actual 100%); 吕梁山护工培训 2021 (target 18—54周岁, actual 存在18岁以下、54周岁以上);
    衡山县 2020 (actual printed 无, kept as printed). 大英县 2020 「群众满意度」 (90%, 已完成100%: a progress
    statement) still has none."""
    ev = _evaluated(tmp_path, _fixture("ningxia-yinchuan-liuzhong-gongyong-2021-project"))
    assert _at(ev, "MISSING_ACTUAL", "预算执行率").empty
    ev = _evaluated(tmp_path, _fixture("shanxi-lvliang-hugong-peixun-2021-project"))
    assert _at(ev, "MISSING_ACTUAL", "培训对象符合吕梁山护工培训招生计划规定").empty
    ev = _evaluated(tmp_path, _fixture("hunan-hengshan-chubeiliang-2020-project"))
    assert _row(ev, "政策性挂账利息补贴保障率")["actual_text"] == "无"
    assert _at(ev, "MISSING_ACTUAL", "政策性挂账利息补贴保障率").empty
    ev = _evaluated(tmp_path, _fixture("sichuan-daying-shuangxin-wenming-2020-project"))
    assert len(_at(ev, "MISSING_ACTUAL", "群众满意度")) == 1


def test_blank_execution_score_leaves_the_total_unchecked(tmp_path):
    """金寨县茶谷和美丽乡村建设服务中心 2023 prints 年度资金总额 分值 10 with its 得分 blank, every indicator scored:
    TOTAL_UNKNOWN naming the blank (not 0)."""
    ev = _evaluated(tmp_path, _fixture("anhui-jinzhai-chagu-meilixiangcun-2023-dept"))
    found = _at(ev, "TOTAL_UNKNOWN")
    assert len(found) == 1 and "预算执行率分值 10 分，得分未填" in found.iloc[0]["message"]


def test_execution_scored_as_an_indicator_row(tmp_path):
    """银川市第六中学 2021 scores 预算执行率 as a row of 项目管理/投入管理 (target 一, actual 100%, 分值 10, 得分 9):
    100% × 10 = 10, the printed 9 is EXECUTION_SCORE_DIFFERS."""
    ev = _evaluated(tmp_path, _fixture("ningxia-yinchuan-liuzhong-gongyong-2021-project"))
    found = _at(ev, "EXECUTION_SCORE_DIFFERS", "预算执行率")
    assert len(found) == 1
    assert found.iloc[0]["stated"] == 9 and found.iloc[0]["computed"] == 10


def test_heading_weights_add_to_100(tmp_path):
    """区商务局 2020 prints no 分值 column, only 产出指标 (60 分), 效益指标 (40 分) and 预算执行情况 (20分): the
    headings are kept (level1_weight) and 60 + 40 + 20 = 120 is WEIGHTS_NOT_100."""
    ev = _evaluated(tmp_path, _fixture("hubei-qu-shangwu-fuwumaoyi-2020-project"))
    assert _row(ev, "服务外包在岸(万美元)")["level1_weight"] == 60
    assert _row(ev, "推动企业走出去方面发挥的作用")["level1_weight"] == 40
    found = _at(ev, "WEIGHTS_NOT_100")
    assert len(found) == 1 and found.iloc[0]["computed"] == 120


def test_printed_rate_above_100_is_overspending(tmp_path):
    """蚕茶卫生院 2021 prints 执行率 103.21% beside amounts the source lost: SPENT_OVER_BUDGET from the printed rate."""
    ev = _evaluated(tmp_path, _fixture("jiangxi-nanchang-canchawsy-2021-dept"))
    found = _at(ev, "SPENT_OVER_BUDGET")
    assert len(found) == 1 and found.iloc[0]["computed"] == pytest.approx(1.0321)


def test_printed_rate_scores_garbled_amounts_and_untargeted_actuals_are_unknown(tmp_path):
    """新洲区楚剧团 2020: amounts garbled (?), 执行率 100%, 分值 10, 得分 10 read from its 年度资金总额 row; its
    empty template rows (指标1: / 指标2:) are not scored; its 成本 row prints an actual (2万元) but no target the
    rule could compare — unknown, not 0 — so the recomputed total is unknown (no SCORE_DIFFERS from a 0)."""
    ev = _evaluated(tmp_path, _fixture("hubei-xinzhou-chujutuan-yanchushebei-2020-project"))
    p = ev.projects.iloc[0]
    assert p["execution_weight"] == 10 and p["published_execution_score"] == 10
    template = ev.indicators[ev.indicators["level3"].str.contains("指标2", na=False)]
    assert len(template) == 3 and not template["scored"].any()
    cost = _row(ev, "演出设备成本")
    assert cost["unknown_score"] and not cost["missing"]
    assert pd.isna(p["computed_score"]) and _at(ev, "SCORE_DIFFERS").empty


# ----------------------------------------------------------------------------- the funds block as printed (recall2)


def test_printed_decimals_of_the_rate_set_its_tolerance(tmp_path):
    """临翔 2023 prints 执行率 97.80% for 31.69 / 32.4 = 97.81%: printed to 2 decimals, the rate is checked to half a
    unit of its last digit (±0.005%) — RATE_MISMATCH, not rounding (as the number 0.978 it looked like 97.8%)."""
    ev = _evaluated(tmp_path, _fixture("yunnan-linxiang-linye-shourongsuo-2023-project"))
    assert ev.data.projects.iloc[0]["stated_rate_decimals"] == 2
    found = _at(ev, "RATE_MISMATCH")
    assert (
        len(found) == 1
        and "所述 97.80% 与重算不符：全年执行数/全年预算数 = 31.69/32.4 = 97.81%" in found.iloc[0]["message"]
    )
    assert _at(ev, "RATE_ROUNDED").empty


def test_a_rate_printed_with_fewer_decimals_is_rounding(tmp_path):
    """The same form printing 98% (0 decimals) for 97.81%: within half a percentage point — RATE_ROUNDED."""
    data = _fixture("yunnan-linxiang-linye-shourongsuo-2023-project")
    at = next(i for i, r in enumerate(data["grid"]) if r and r[0] == "年度资金总额")
    data["grid"][at][5] = "98%"
    ev = _evaluated(tmp_path, data)
    assert _at(ev, "RATE_MISMATCH").empty and len(_at(ev, "RATE_ROUNDED")) == 1


def test_a_rate_against_the_initial_budget_is_noted(tmp_path):
    """北京 海淀 2016 prints only 年初预算数(A) (no 全年/调整后 column): 154.74 / 310.2 = 49.88% is taken against the
    initial budget and a mid-year cut cannot be seen — RATE_FORMULA; 济南 历城 2019, the same layout at
    45 / 45 = 100%, leaves nothing unspent to explain — none; 临翔 2023 prints 全年预算数 — none."""
    ev = _evaluated(tmp_path, _fixture("beijing-haidian-xueyuanlu-baojie-2016-project"))
    assert ev.data.projects.iloc[0]["budget_basis"] == "年初预算数"
    found = _at(ev, "RATE_FORMULA")
    assert len(found) == 1 and found.iloc[0]["computed"] == pytest.approx(154.74 / 310.2)
    assert (
        "只列年初预算数、未列全年（调整后）预算数，执行率 49.88% 按年初预算数 310.20 万元计算"
        in found.iloc[0]["message"]
    )
    ev = _evaluated(tmp_path, _fixture("shandong-jinan-licheng-wenhuaguan-2019-project"))
    assert ev.data.projects.iloc[0]["budget_basis"] == "年初预算数" and _at(ev, "RATE_FORMULA").empty
    ev = _evaluated(tmp_path, _fixture("yunnan-linxiang-linye-shourongsuo-2023-project"))
    assert ev.data.projects.iloc[0]["budget_basis"] == "全年预算数" and _at(ev, "RATE_FORMULA").empty


def test_execution_scored_on_a_source_row(tmp_path):
    """重庆 梁平 林业局 2023 (部门整体) prints 执行率 | 权重 | 得分 only on its 其中财政拨款 row (79.27 | 10 | 7.93), the
    amounts of both rows illegible: the block's execution is that row's — 79.27% (a bare number under 执行率 is
    percent points), EXECUTION_LOW."""
    ev = _evaluated(tmp_path, _fixture("chongqing-liangping-linye-2023-dept"))
    line = ev.data.budget_lines.iloc[0]
    assert line["stated_rate"] == pytest.approx(0.7927) and line["stated_rate_decimals"] == 2
    assert ev.data.profile.execution_weight == 10 and ev.data.profile.published_execution_score == 7.93
    low = _at(ev, "EXECUTION_LOW")
    assert len(low) == 1 and low.iloc[0]["computed"] == pytest.approx(0.7927)


def test_a_goal_exceeded_in_the_texts_is_overachieved(tmp_path):
    """南昌 蚕茶卫生院 2021: the indicator 业务收入 prints 超上年度 → 增收27万元 (no figures to compare), while the
    年度总体目标 states 业务收入达到55万元 and the 实际完成情况 业务收入77.57万元: 141% of the stated target — OVERACHIEVED
    at 业务收入 (≥ 130%, the rule set's ratio). Its 三公经费 clauses print no figure: nothing else."""
    ev = _evaluated(tmp_path, _fixture("jiangxi-nanchang-canchawsy-2021-dept"))
    found = _at(ev, "OVERACHIEVED")
    assert found["indicator"].tolist() == ["业务收入"]
    assert (found.iloc[0]["stated"], found.iloc[0]["computed"]) == (55, 77.57)
    assert "年度总体目标所述 55万元，实际完成情况所述 77.57万元，完成 141.04%" in found.iloc[0]["message"]


def test_units_printed_beside_targets_and_actuals_are_fields(tmp_path):
    """The reader carries each target's and actual's printed unit: 临翔 2023 「野生动物收容所」 ≥200平方米 →
    204.46平方米; 蔡甸区 2021 「滅火設備配備率」 100% against 1000件 — the audit compares these fields (no
    OVERACHIEVED for a count against a rate)."""
    ev = _evaluated(tmp_path, _fixture("yunnan-linxiang-linye-shourongsuo-2023-project"))
    row = _row(ev, "野生动物收容所")
    assert (row["target_unit"], row["actual_unit"]) == ("平方米", "平方米")
    ev = _evaluated(tmp_path, _fixture("hubei-caidian-senlinfanghuo-2021-project"))
    row = _row(ev, "滅火設備配備率")
    assert (row["target_unit"], row["actual_unit"]) == ("%", "件") and _at(ev, "OVERACHIEVED").empty


def test_units_are_derived_where_a_data_folder_gives_none(tmp_path):
    """A data folder without target_unit / actual_unit columns: they are derived once where the data is loaded,
    from the texts (蔡甸区 2021's 100% and 1000件), and the count is still not compared with the rate."""
    from evaltools.data.load import load_path

    folder = tmp_path / "2021"
    folder.mkdir()
    (folder / "profile.yaml").write_text("unit: 蔡甸区林业局\nyear: 2021\nreport_kind: projects\n", encoding="utf-8")
    (folder / "projects.csv").write_text("project,budget,spent\n森林防火,63,63\n", encoding="utf-8")
    (folder / "indicators.csv").write_text(
        "project,level1,level2,level3,unit,direction,target,target_text,actual,actual_text,weight\n"
        "森林防火,产出指标,数量指标,滅火設備配備率,%,≥,100%,100%,1000,1000件,90\n",
        encoding="utf-8",
    )
    data = load_path(folder)
    row = data.indicators.iloc[0]
    assert (row["target_unit"], row["actual_unit"]) == ("%", "件")
    ev = evaluate(data, load_rules("mof"))
    assert _at(ev, "OVERACHIEVED").empty and _at(ev, "FULL_MARKS_BELOW_TARGET").empty


def test_the_rate_formula_names_the_budget_the_form_prints(tmp_path):
    """北京 海淀 2016's 50% is recomputed as 全年执行数/年初预算数 = 154.74/310.2 (the form prints no 全年预算数), 临翔
    2023's as 全年执行数/全年预算数."""
    ev = _evaluated(tmp_path, _fixture("beijing-haidian-xueyuanlu-baojie-2016-project"))
    assert "全年执行数/年初预算数 = 154.74/310.2 = 49.88%" in _at(ev, "RATE_ROUNDED").iloc[0]["message"]
    ev = _evaluated(tmp_path, _fixture("yunnan-linxiang-linye-shourongsuo-2023-project"))
    assert "全年执行数/全年预算数 = 31.69/32.4 = 97.81%" in _at(ev, "RATE_MISMATCH").iloc[0]["message"]
