"""Report sections rendered in-process: structure, narrative numbers, escaping of data."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

import evaltools.report.sections as report

SECTIONS = [
    report.title_block,
    report.contents,
    report.basic,
    report.work,
    report.results,
    report.conclusion,
    report.problems,
    report.team,
    report.audit,
    report.forms,
]


@pytest.fixture(scope="module")
def ctx(root):
    return report.prepare(year=2022, data_dir=str(root / "data"), rules="qiaoxi2022")


@pytest.fixture(scope="module")
def text(ctx):
    html = "".join(str(f(ctx)) for f in SECTIONS)
    return BeautifulSoup(html, "html.parser").get_text(" ", strip=True)


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
        "六、评价工作组人员名单",
        "附录一 数据核查",
        "附录二 项目支出绩效自评表",
    ]:
        assert title in text, title


@pytest.mark.parametrize(
    "sentence",
    [
        "日常公用支出：预算 29.99 万元，支出 28.27 万元，执行率 94.26%。",
        "编制 30 人，2022 年底在编人员 24 人，其他工作人员 20 人，年度资产净值 80.35 万元（其中：结转下年 8.11 万元、固定资产 72.24 万元）",
        "按支出数 ÷ 预算数计算执行率 132.33%，扣除该款项后为 100.54%（原报告所述 99%，见附录一）",
        "“档案保管和整理”预算 3.00 万元，支出 2.90 万元，执行率 96.67%",
        "2. 档案保管和整理",
        "按数据重算合计 84.67 分（按等级表为良好），较公布得分 87 分低 2.33 分",
        "我中心公布的自评总分为 87 分，公布等级为良好。按数据重算，总分为 86.56 分 ，按等级表为 良好 ，与公布总分相差 0.44 分。",
        "各项目得分的简单平均为 86.56 分，按预算加权平均为 88.37 分",
        "部门整体预算执行率（Σ支出数 ÷ Σ预算数）为 129.27%，扣除支付上年应付未付款项后为 100.22%；公用经费控制率 94.26%；结转结余率 1.20%",
        "在职人员控制率（在编人数 ÷ 编制数）为 80.00%",
        "原报告所列等级表有误：「良好」与「优秀」之间 89–90 分没有等级",
        "错误 4 项，警告 13 项，提示 5 项",
    ],
)
def test_narrative_numbers(text, sentence):
    assert sentence in text


def test_indicator_table_and_form(ctx):
    soup = BeautifulSoup(str(report.results(ctx)), "html.parser")
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
    assert "公布总分 87、等级良好；重算总分 84.67、等级良好" in forms.get_text()


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
    row = BeautifulSoup(str(report.title_block(ctx)), "html.parser").find("th", string="数据来源").find_next("td")
    assert (
        row.get_text()
        == "石家庄市桥西区就业服务中心 2022 年度整体支出绩效自评报告（公开发布的自评报告原文）（数据文件夹 2022/）"
    )
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


def test_tables_scroll_in_their_own_box_on_a_phone(ctx, root):
    """Every table sits in a div.table-box; below 44rem (a 390 px phone) the wide ones get a minimum
    width and scroll sideways inside that box (measured in headless Chromium: see the issue 12 note)."""
    soup = BeautifulSoup("".join(str(f(ctx)) for f in SECTIONS), "html.parser")
    tables = soup.find_all("table")
    assert len(tables) == 14 and all(t.parent.name == "div" and t.parent["class"] == ["table-box"] for t in tables)
    css = (root / "evaltools" / "report" / "templates" / "report" / "report.css").read_text(encoding="utf-8")
    assert ".table-box { overflow-x: auto;" in css
    phone = css.split("@media screen and (max-width: 44rem)", 1)[1].split("\n}", 1)[0]
    assert "table.data { min-width: 36rem; }" in phone and "table.meta tr { display: grid;" in phone


def test_flag_bar_has_a_legend_and_audit_lists_are_introduced(ctx):
    results = BeautifulSoup(str(report.results(ctx)), "html.parser")
    tables = results.select("table.indicators")
    legends = [t.find_parent("div").find_next_sibling() for t in tables]
    for table, legend in zip(tables, legends):
        flagged = table.select("tr.flagged")
        assert bool(flagged) == (legend is not None and "legend" in legend.get("class", [])), table.caption.get_text()
    # 2022: three projects, each with a flagged indicator (5, 3 and 1 of them)
    assert [len(t.select("tr.flagged")) for t in tables] == [5, 3, 1]
    assert "标有橙色竖线的指标，数据核查有需要说明的发现，见附录一。" in legends[0].get_text()
    problems = BeautifulSoup(str(report.problems(ctx)), "html.parser")
    lists = problems.select("ol.findings")
    assert [ol.find_previous_sibling("p").get_text() for ol in lists] == [
        "数据核查另发现以下问题（详见附录一）：",
        "针对数据核查发现的问题，另提出以下改进措施：",
    ]
