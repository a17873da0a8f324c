"""Report sections rendered in-process: structure, narrative numbers, escaping of data."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

import evaltools.report.sections as report

#: The sections the report notebook renders, in its order: the unit's 自评报告 (no 数据核查 appendix).
SECTIONS = [
    report.title_block,
    report.contents,
    report.basic,
    report.work,
    report.results,
    report.conclusion,
    report.problems,
    report.use,
    report.other,
    report.team,
    report.signature,
    report.forms,
]


@pytest.fixture(scope="module")
def ctx(root):
    return report.prepare(year=2022, data_dir=str(root / "data"), rules="qiaoxi2022")


@pytest.fixture(scope="module")
def text(ctx):
    html = "".join(str(f(ctx)) for f in SECTIONS)
    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


@pytest.fixture(scope="module")
def prose(ctx):
    """Every paragraph of the report, as text."""
    soup = BeautifulSoup("".join(str(f(ctx)) for f in SECTIONS), "html.parser")
    return [p.get_text(strip=True) for p in soup.find_all("p")]


def test_every_section_title(text):
    for title in [
        "一、部门基本情况",
        "（一）部门概况",
        "（二）部门收支预决算情况",
        "（三）部门整体支出绩效目标、指标",
        "二、自评工作开展情况",
        "三、部门整体支出绩效目标实现情况及指标分析",
        "四、评价结论和评价等级",
        "五、存在的问题及改进措施",
        "六、绩效自评结果应用及公开情况",
        "七、其他需要说明的问题",
        "八、评价工作组人员名单",
        "附件 项目支出绩效自评表",
    ]:
        assert title in text, title
    assert "附录一" not in text and "数据核查" not in text


@pytest.mark.parametrize(
    "sentence",
    [
        "日常公用支出：预算数 29.99 万元，支出数 28.27 万元，执行率 94.26%。",
        # 人员经费 as the unit states it: over budget because earlier years' payables were paid this year
        "人员经费：预算数 616.16 万元，支出数 815.36 万元，执行率 132.33%；支出数中含支付以前年度应付未付款项约"
        " 195.88 万元，扣除该款项后执行率 100.54%。",
        "编制 30 人，2022 年底在编人员 24 人，其他工作人员 20 人，年度资产净值 80.35 万元（其中：结转下年 8.11 万元、固定资产 72.24 万元）",
        # 674.40 = 616.16 + 29.99 + 6 + 3 + 19.25; 871.78 = 815.36 + 28.27 + 6 + 2.9 + 19.25
        "2022 年我中心全年预算数合计 674.40 万元（基本支出 646.15 万元、项目支出 28.25 万元），支出合计 871.78 万元"
        "（基本支出 843.63 万元、项目支出 28.15 万元）。",
        # income_sources.csv: five sources of 0 and no 财政拨款 line — summarised, never a list of zeros
        "收入情况：收入合计未填报；财政拨款收入未单独列示；财政专户核拨资金、政府性基金收入、国有资本经营收入、事业收入、"
        "其他收入均为零。",
        "2022 年我中心共安排 3 个项目：“失业就业服务”预算数 6.00 万元，支出数 6.00 万元，执行率 100.00%；"
        "“档案保管和整理”预算数 3.00 万元，支出数 2.90 万元，执行率 96.67%；“创业担保贴息”预算数 19.25 万元，"
        "支出数 19.25 万元，执行率 100.00%。",
        # each form's 自评得分 is the unit's own (projects.csv published_score 85, 87, 88: the seed's 三(二)1–3), as
        # summary.json, the console and the index give it; its parts are stated where they make it up
        "预算执行率 100.00%，得 10 分；绩效指标得 75 分；自评得分 85 分，评价等级为良好。",
        "预算执行率 96.67%；自评得分 87 分，评价等级为良好。",
        "预算执行率 100.00%；自评得分 88 分，评价等级为良好。",
        # the unit's total as it states it (profile published_total 87, 良好 under its bands)
        "经评分，我中心 2022 年度部门整体支出绩效自评总得分 87 分，评价等级为良好。",
        "自评得分 87 分 评价等级 良好 报告日期 年　月　日",
        "部门整体预算执行率（支出合计 ÷ 预算数合计）为 129.27%，扣除支付以前年度应付未付款项后为 100.22%；公用经费控制率"
        " 94.26%；结转结余率 1.20%。",
        "在职人员控制率（在编人数 ÷ 编制数）为 80.00%",
    ],
)
def test_narrative_numbers(text, sentence):
    assert sentence in text


def test_the_unit_report_has_no_review_text(ctx, text):
    """The 自评报告 is the unit's: no published-vs-recomputed comparison (no 86.56 beside its 87), no finding
    (code, label or message), and not the day the tool ran."""
    import datetime as dt

    from evaltools.scoring.audit import finding_label

    for word in ("重算", "公布", "原报告", "评定得分", "附录一", "数据核查", "按等级表", "生成日期"):
        assert word not in text, word
    findings = ctx.ev.findings
    assert len(findings) == 22
    for f in findings.itertuples():
        assert f.code not in text and f.message not in text
    assert finding_label("COUNT_MISMATCH") not in text
    assert "86.56" not in text and "84.67 分" not in text and dt.date.today().isoformat() not in text


def test_problems_measures_and_closing_sections_are_the_units_own(ctx, prose):
    """五 holds the profile's problems and measures only; 六 and 七 say plainly that the data gives none (the
    2022 report has neither); the 落款 is the unit and a date left to fill (the report gives none)."""
    problems = BeautifulSoup(str(report.problems(ctx)), "html.parser")
    assert [p.get_text() for p in problems.find_all("p")] == [
        "1. 项目负责业务科室对大部分数据资料保存不规范，评价指标过于简单，对比数据不足；对有些数据的不可预知性估计不足，"
        "只能通过以前年度的数据进行估算。",
        "1. 加强项目经办科室的日常统计工作、对各类数据进行排查和分析，建立健全业务资料管理制度，确保项目大部分数据的准确性，"
        "并制定绩效考核指标。",
        "2. 建立和完善科室制度，规范工作流程。",
    ]
    assert not problems.select("ol.findings")
    for section in (report.use, report.other):
        assert BeautifulSoup(str(section(ctx)), "html.parser").find("p").get_text() == "（未填报）"
    sign = BeautifulSoup(str(report.signature(ctx)), "html.parser")
    assert [p.get_text() for p in sign.find_all("p")] == ["石家庄市桥西区就业服务中心", "年　月　日"]
    assert "偏差原因分析：单位未填写偏差原因。" in prose


def test_indicator_table_and_form(ctx):
    soup = BeautifulSoup(str(report.results(ctx)), "html.parser")
    head = [th.get_text(strip=True) for th in soup.find("table").select("thead th")]
    assert head == ["一级指标", "二级指标", "三级指标", "年度指标值", "实际完成值", "完成率", "分值", "得分"]
    row = next(tr for tr in soup.find_all("tr") if "提供工作岗位数" in tr.get_text())
    cells = [td.get_text(strip=True) for td in row.find_all("td")]
    assert cells == [
        "产出指标",
        "数量指标",
        "提供工作岗位数",
        "约1000个",
        "提供岗位共计 14270 个",
        "1,427.00%",
        "10",
        "10",
    ]
    forms = BeautifulSoup(str(report.forms(ctx)), "html.parser")
    assert len(forms.select("div.form")) == 3
    assert "其中：创业宣传引导人数" in forms.get_text()
    assert "自评得分 87，等级良好" in forms.get_text()  # the unit's own; its rows add up to 84.67 (核查清单)
    # the 偏差原因 column is the data's own (empty in 2022: 未说明 on every scored row, blank on 其中 rows)
    row = next(tr for tr in forms.find_all("tr") if "达成就业意向人数" in tr.get_text())
    assert [td.get_text(strip=True) for td in row.find_all("td")][-3:] == ["5", "0", "未说明"]
    part = next(tr for tr in forms.find_all("tr") if "其中：创业培训人数" in tr.get_text())
    assert part.find_all("td")[-1].get_text() == ""


def test_unknown_figures_are_said_in_words(data_2022, rules_2022):
    """A small dataset made from 2022 with unknown amounts: every sentence says what is unknown in words (no —,
    no 无法计算 where a number belongs); the profile's own closing texts and report date are printed."""
    from dataclasses import replace

    import numpy as np

    from evaltools import evaluate

    lines = data_2022.budget_lines.copy()
    lines.loc[1, "budget"] = np.nan  # 日常公用支出: budget unreadable
    projects = data_2022.projects.copy()
    projects.loc[1, "spent"] = np.nan  # 档案保管和整理: spending unreadable
    income = data_2022.income_sources.copy()
    income.loc[3, "amount"] = np.nan  # 事业收入 unreadable
    income.loc[len(income)] = {"source": "财政拨款收入", "amount": 674.4, "note": ""}
    prof = replace(
        data_2022.profile,
        report_date="2023年3月20日",
        results_use=("自评结果已报区财政局，并在单位网站公开。",),
        other_notes=(),
    )
    tables = {**data_2022.tables, "budget_lines": lines, "projects": projects, "income_sources": income}
    ev = evaluate(type(data_2022)(prof, tables), rules_2022)
    ctx = report.ReportContext(None, ev, None, report.build_view(ev, "src", "2026-01-01"))
    soup = BeautifulSoup("".join(str(f(ctx)) for f in SECTIONS), "html.parser")
    prose = [p.get_text(strip=True) for p in soup.find_all("p")]
    text = soup.get_text(" ", strip=True)
    assert "日常公用支出：预算数未填报，支出数 28.27 万元，执行率无法计算。" in prose
    assert (
        "2022 年我中心全年预算数合计无法计算（基本支出中有未填报的预算数、项目支出 28.25 万元），"
        "支出合计无法计算（基本支出 843.63 万元、项目支出中有未填报的支出数）。" in prose
    )
    assert (
        "收入情况：收入合计未填报；财政拨款收入 674.40 万元；财政专户核拨资金、政府性基金收入、国有资本经营收入、其他收入均为零；事业收入未填报。"
        in prose
    )
    assert "预算执行率无法计算；自评得分 87 分，评价等级为良好。" in prose  # the unit's own 87 stands
    assert not [p for p in prose if "—" in p or "为 无法计算" in p or "无法计算 分" in p]
    assert "1. 自评结果已报区财政局，并在单位网站公开。" in prose
    assert prose[-2:] == ["石家庄市桥西区就业服务中心", "2023年3月20日"]
    assert "报告日期 2023年3月20日" in text


def test_audit_appendix_lists_every_finding(ctx):
    soup = BeautifulSoup(str(report.audit(ctx)), "html.parser")
    rows = soup.select("table.findings tbody tr")
    assert len(rows) == len(ctx.ev.findings) == 22
    assert rows[0].get_text(" ", strip=True).startswith("错误 数量不符 部门 文中称")  # a Chinese label, not the code
    assert rows[0].find_all("td")[1]["data-code"] == "COUNT_MISMATCH"  # the key of summary.json, kept out of sight
    assert "COUNT_MISMATCH" not in soup.get_text()


def test_data_strings_are_escaped(data_2022, rules_2022):
    from dataclasses import replace

    from evaltools import evaluate

    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>"
    projects = data_2022.projects.copy()
    projects.loc[0, "result"] = evil
    prof = replace(data_2022.profile, unit=evil, functions=("[x](javascript:alert(3))",))
    data = type(data_2022)(prof, {**data_2022.tables, "projects": projects})
    ev = evaluate(data, rules_2022)
    view = report.build_view(ev, "src", "2026-01-01")
    ctx = report.ReportContext(None, ev, None, view)
    html = "".join(str(f(ctx)) for f in SECTIONS)
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None and soup.find("img") is None
    assert not [a for a in soup.find_all("a") if a.get("href", "").startswith("javascript")]
    assert evil in soup.get_text()


def test_unknown_parameter_is_refused():
    from evaltools import ParamsError

    with pytest.raises(ParamsError, match="unknown parameter.*colour"):
        report.prepare(year=2022, colour="red")


def test_chart_is_an_inline_png(ctx):
    html = str(report.chart(ctx, "execution_rates"))
    assert re.search(r'<img src="data:image/png;base64,[A-Za-z0-9+/=]{1000,}"', html)
    assert "图 2　预算执行率" in html


def test_chart_leaves_the_session_alone(ctx):
    """An analyst's JupyterLab session keeps its backend, rcParams and pyplot figures."""
    import matplotlib as mpl
    import matplotlib.pyplot as plt

    backend, before, figures = mpl.get_backend(), dict(mpl.rcParams), plt.get_fignums()
    report.chart(ctx, "score_composition")
    assert (mpl.get_backend(), dict(mpl.rcParams), plt.get_fignums()) == (backend, before, figures)


@pytest.mark.parametrize(
    "value, shown, excel",
    [(87.0, "87", "#,##0"), (84.666666, "84.67", "#,##0.00"), (9.5, "9.5", "#,##0.0"), (1234.5, "1,234.5", "#,##0.0")],
)
def test_scores_read_the_same_in_the_report_and_the_xlsx(value, shown, excel):
    from evaltools import fmt

    assert fmt.score(value) == shown and fmt.excel_score_format(value) == excel


def test_data_source_names_the_dataset_not_a_local_path(ctx, root, tmp_path):
    html = "".join(str(f(ctx)) for f in SECTIONS)
    assert str(root) not in html and "/data/" not in html
    assert (
        ctx.view.source == "数据文件夹 2022/"
    )  # kept in the view for other pages; the unit's report does not print it
    assert BeautifulSoup(str(report.title_block(ctx)), "html.parser").find("th", string="数据来源") is None
    (tmp_path / "单位甲").mkdir()
    (tmp_path / "单位甲" / "2023.xlsx").write_bytes(b"")
    assert report.dataset_label(tmp_path / "单位甲" / "2023.xlsx", tmp_path) == "数据工作簿 单位甲/2023.xlsx"


def test_trend_figure_only_with_two_years(ctx, tmp_path):
    from evaltools.run.synthetic import generate

    assert str(report.chart(ctx, "trends")) == ""  # 2022 alone: left out, not a box saying there is nothing
    demo = generate(tmp_path, units=1, years=2, indicators=3)
    unit = demo.units[0]
    first = report.prepare(year=demo.years[0], unit=unit, data_dir=str(tmp_path), rules="mof")
    assert str(report.chart(first, "trends")) == ""
    second = report.prepare(year=demo.years[1], unit=unit, data_dir=str(tmp_path), rules="mof")
    html = str(report.chart(second, "trends"))
    assert "图 5　历年支出、执行率与总分" in html and "data:image/png;base64," in html
    # the notebook shows four charts: its trend chart is 图 4
    assert "图 4　历年支出、执行率与总分" in str(report.chart(second, "trends", number=4))


def test_tables_scroll_in_their_own_box_on_a_phone(ctx, root):
    """Every table sits in a div.table-box; below 44rem (a 390 px phone) the wide ones get a minimum
    width and scroll sideways inside that box (measured in headless Chromium: see the issue 12 note)."""
    soup = BeautifulSoup("".join(str(f(ctx)) for f in SECTIONS), "html.parser")
    tables = soup.find_all("table")
    assert len(tables) == 13 and all(t.parent.name == "div" and t.parent["class"] == ["table-box"] for t in tables)
    css = (root / "evaltools" / "report" / "templates" / "report" / "report.css").read_text(encoding="utf-8")
    assert ".table-box { overflow-x: auto;" in css
    phone = css.split("@media screen and (max-width: 44rem)", 1)[1].split("\n}", 1)[0]
    assert "table.data { min-width: 36rem; }" in phone and "table.meta tr { display: grid;" in phone


def test_no_flag_bar_legend_or_audit_list_in_the_units_report(ctx):
    """The findings mark no row of the unit's tables and add nothing under 五 (they are the 核查清单's)."""
    results = BeautifulSoup(str(report.results(ctx)), "html.parser")
    assert len(results.select("table.indicators")) == 3
    assert not results.select("tr.flagged") and not results.select("p.legend")
    assert not BeautifulSoup(str(report.problems(ctx)), "html.parser").select("ol.findings")
