"""Layout semantics of real published 自评表 (issue 19): each test types a layout transcribed in
docs/research/forms/ (named in the test) with tests/formkit.py, reads it and asserts what a person reads off it."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from evaltools.data.forms import read_file
from evaltools.data.forms.grid import docx_grid, xlsx_grids
from evaltools.data.forms.layout import find_forms
from evaltools.data.forms.read import grid_forms
from evaltools.scoring.evaluation import evaluate
from tests.formkit import C, write_docx, write_xlsx


def _write(tmp_path, name, form, suffix="xlsx"):
    path = tmp_path / f"{name}.{suffix}"
    return write_xlsx(path, [("表", [form])]) if suffix == "xlsx" else write_docx(path, [form])


def _form(path):
    """The one form of a file as the reader sees it (its blocks, rows and located problems)."""
    grids = xlsx_grids(path) if path.suffix == ".xlsx" else [("", docx_grid(path))]
    ((form, _),) = [f for part, grid in grids for f in grid_forms(grid, part)]
    return form


def _read(path):
    forms, failures = read_file(path)
    assert failures == [] and len(forms) == 1, [f.reason for f in failures]
    return forms[0]


def _warnings(form):
    return [p for p in form.problems if p.severity == "warning"]


# ----------------------------------------------------------------------------- 1. merged 得分 over 三级 rows


#: docs/research/forms/hubei-huangshi-tushuguan-gongxiang-2022-project.md: 黄石市图书馆 共享工程 (2022), the 湖北
#: 市直 项目自评表: funds (20分) with no 分值 column, indicators with 得分 only, one 得分 cell merged over two 三级 rows.
def huangshi() -> tuple[list[str], list[list[C]]]:
    rows = [
        [C("项目名称", 2), C("共享工程", 4)],
        [C("主管部门"), C("黄石市文化和旅游局", 2), C("项目实施单位"), C("黄石市图书馆", 2)],
        [C("预算执行情况(万元) (20分)", 1, 2), C(""), C("预算数(A)"), C("执行数(B)"), C("执行率(B/A)")]
        + [C("得分 (20分*执行率)")],
        [C("年度财政资金总额"), C(5), C(5), C("100%"), C(20)],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("年初目标值(A)"), C("实际完成值(B)"), C("得分")],
        [C("产出指标(40分)", 1, 6), C("数量指标", 1, 2), C("一个存储备份器"), C("25TB"), C("25TB"), C(10, 1, 2)],
        [C("WIFI布点全覆盖"), C("100%覆盖"), C("100%覆盖")],
        [C("质量指标"), C("以最新资源面市"), C("资源采购期以当年为主"), C("资源采购期以当年为主"), C(10)],
        [C("时效指标", 1, 2), C("可保证读者使用时长"), C("全天候可用"), C("全天候"), C(10, 1, 2)],
        [C("2022年全年"), C("≥360天"), C("≥360天")],
        [C("成本指标"), C("以低价位高质量为采购原则"), C("5万"), C("5万"), C(10)],
        [C("效益指标(10分)", 1, 2), C("环境效益", 1, 2), C("数字图书馆环境优良无污染"), C("良好"), C("良好")]
        + [C(10, 1, 2)],
        [C("WIFI全覆盖,绿色环保"), C("良好"), C("良好")],
    ]
    return ["2022年度共享工程项目自评表"], rows


@pytest.mark.parametrize("suffix", ["xlsx", "docx"])
def test_a_merged_score_belongs_to_the_level2_item_once(tmp_path, suffix):
    """黄石 (hubei-huangshi-tushuguan-gongxiang-2022-project.md): 数量 / 时效 / 环境效益 each score 10 once, in a
    cell merged over two 三级 rows: 产出 = 40 and 效益 = 10 (not 60 and 20); the 三级 rows are the item's measures."""
    form = _read(_write(tmp_path, "huangshi", huangshi(), suffix))
    ind = form.data.indicators
    assert ind["panel_score"].sum() == 50  # 10 × 5 items, not 10 × 8 rows
    items = ind[ind["level3"].isna()]
    assert items[["level1", "level2", "panel_score"]].values.tolist() == [
        ["产出指标", "数量指标", 10],
        ["产出指标", "时效指标", 10],
        ["效益指标", "环境效益", 10],
    ]
    measures = ind[ind["level2"].isin(["数量指标", "时效指标", "环境效益"]) & ind["level3"].notna()]
    assert measures["level3"].tolist() == [
        "一个存储备份器",
        "WIFI布点全覆盖",
        "可保证读者使用时长",
        "2022年全年",
        "数字图书馆环境优良无污染",
        "WIFI全覆盖,绿色环保",
    ]
    assert measures["panel_score"].isna().all() and measures["weight"].isna().all()
    scored = evaluate(form.data, "mof").indicators
    assert scored.loc[scored["level3"].isna(), "is_item"].all() and scored["is_measure"].sum() == 6
    assert scored.loc[scored["scored"], "score"].sum() == 50


def test_a_layout_can_read_each_merged_copy(tmp_path):
    """The switch is the layout's (Block.merged_scores), not the reader's: off, every row keeps the copy."""
    from dataclasses import replace

    from evaltools.data.forms.layouts import FORM_LAYOUTS

    form = _form(_write(tmp_path, "huangshi", huangshi()))
    assert sum(r["panel_score"] or 0 for r in form.indicators) == 50
    layout = FORM_LAYOUTS["project-hubei"]
    blocks = tuple(replace(b, merged_scores=False) if b.name == "indicators" else b for b in layout.blocks)
    form.layout = replace(layout, blocks=blocks)
    from evaltools.data.forms.blocks import merged_items

    rows = [dict(r) for r in form.indicators if r["level3"] is not None]
    assert merged_items(form, rows) == rows


# ----------------------------------------------------------------------------- 5. funds weight stated or unknown


def test_the_funds_weight_is_the_one_its_label_states(tmp_path):
    """黄石 / 长江禁捕 (hubei-changjiang-jinbu-yuye-2020-project.md): no 分值 column; 预算执行情况(万元)(20分) and
    得分(20分*执行率) state 20 — the execution weight is 20, never a default 10."""
    form = _read(_write(tmp_path, "huangshi", huangshi()))
    p = form.data.projects.iloc[0]
    assert (p["budget"], p["spent"], p["stated_rate"], p["execution_weight"]) == (5, 5, 1.0, 20)
    assert p["published_execution_score"] == 20
    assert form.cells["funds.weight"].ref == "A4"  # the label cell that states it


#: docs/research/forms/ningxia-yuanzhou-malingshu-2022-project.md: 原州区 马铃薯 (2022), 绩效目标自评表: funds
#: 全年预算数(A) | 全年执行数(B) | 执行率(B/A) with no 分值 / 得分; 一级 weighed 40 / 40 / 20 (execution weighs nothing).
def yuanzhou() -> tuple[list[str], list[list[C]]]:
    rows = [
        [C("项目名称", 2), C("马铃薯脱毒种薯繁育示范推广项目", 6)],
        [C("项目实施单位/项目负责人", 2), C("原州区农技中心", 6)],
        [C("自治区主管部门", 2), C("农业农村厅", 6)],
        [C("资金情况(万元)", 2), C("全年预算数(A)", 2), C("全年执行数(B)", 2), C("执行率(B/A)", 2)],
        [C("年度资金总额", 2), C(300, 2), C(259.45, 2), C("86.5%", 2)],
        [C("年度总体目标"), C("示范推广马铃薯脱毒种薯。", 7)],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("分值"), C("年度指标值"), C("全年实际值"), C("得分")]
        + [C("未完成原因及改进措施")],
        [C("产出指标(40分)", 1, 2), C("数量指标"), C("指标1:示范推广面积"), C(20), C("≥1万亩"), C("1.2万亩"), C(20)]
        + [C("")],
        [C("时效指标"), C("指标1:完成时间"), C(20), C("2022年11月30日前"), C("2022年11月"), C(20), C("")],
        [C("效益指标(40分)"), C("社会效益指标"), C("指标1:带动农户增收"), C(40), C("≥500户"), C("520户"), C(40)]
        + [C("")],
        [C("满意度指标(20分)"), C("服务对象满意度指标"), C("指标1:农户满意度"), C(20), C("≥90%"), C("95%"), C(19)]
        + [C("")],
    ]
    return ["马铃薯脱毒种薯繁育示范推广项目绩效目标自评表(2022年度)"], rows


def test_a_funds_block_without_a_weight_is_not_given_ten_points(tmp_path):
    """原州 (ningxia-yuanzhou-malingshu-2022-project.md): no 分值 column and no weight stated — the execution weight
    is unknown (None), its score 无法计算 and a located warning names the funds header; the form is read."""
    path = _write(tmp_path, "yuanzhou", yuanzhou())
    form = _read(path)
    p = form.data.projects.iloc[0]
    assert pd.isna(p["execution_weight"]) and "execution_weight" in p["unknown"]
    assert (p["budget"], p["spent"], p["stated_rate"]) == (300, 259.45, 0.865)
    assert form.data.indicators["weight"].sum() == 100
    ev = evaluate(form.data, "mof").projects.iloc[0]
    assert math.isnan(ev["execution_score"])  # 无法计算, not 8.65 of a default 10
    (warning,) = [w for w in _warnings(_form(path)) if "分值" in w.message]
    assert warning.location.row == 5 and "没有分值列" in warning.message


# ----------------------------------------------------------------------------- 2 and 3. 二级 rows, template rows


#: docs/research/forms/hubei-xinzhou-chujutuan-yanchushebei-2020-project.md: 新洲区楚剧团 演出设备更新 (2020), the
#: 武汉 区级 项目支出绩效自评表 with template rows 指标1: / 指标2: left in. The second 数量 row's 三级 label is lost in
#: the stored copy (garbled); it is typed here as 「/」, as a 二级-level row is printed, with its 100件 / 20 / 20.
def xinzhou(second_name: str = "/") -> tuple[list[str], list[list[C]]]:
    rows = [
        [C("项目名称", 2), C("演出设备更新专项经费", 6)],
        [C("主管部门", 2), C("新洲区楚剧团", 2), C("实施单位", 2), C("新洲区文化和旅游局机关", 2)],
        [C("项目资金 (万元)", 1, 5), C(""), C("年初预算数"), C("全年预算数"), C("全年执行数"), C("分值")]
        + [C("执行率"), C("得分")],
        [C("年度资金总额"), C(30), C(30), C(30), C(10), C("100%"), C(10)],
        [C("其中:当年财政拨款"), C(30), C(30), C(30), C(""), C("100%"), C("")],
        [C("上年结转资金"), C(""), C(""), C(""), C(""), C(""), C("")],
        [C("其他资金"), C(""), C(""), C(""), C(""), C(""), C("")],
        [C("年度 总体 目标", 1, 2), C("预期目标", 4), C("实际完成情况", 3)],
        [C("更新剧团老化、损坏的音响、灯光、道具、服装等设备。", 4), C("已完成", 3)],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("年度 指标值"), C("实际 完成值"), C("分 值"), C("得 分")]
        + [C("偏差原因分析 及改进措施")],
        [C("产出指标", 1, 6), C("数量指标", 1, 2), C("指标1:更新剧团老化、损坏的音响"), C("50件"), C("50件")]
        + [C(20), C(20), C("")],
        [C(second_name), C("100件"), C("100件"), C(20), C(20), C("")],
        [C("质量指标", 1, 2), C("指标1:音响、灯光、道具、服装质量等"), C("合格"), C("合格"), C(20), C(20), C("")],
        [C("指标2:"), C(""), C(""), C(""), C(""), C("")],
        [C("时效指标"), C("指标1:"), C(""), C(""), C(""), C(""), C("")],
        [C("成本指标"), C("演出设备成本"), C("2万元"), C("2万元"), C(20), C(18), C("")],
        [C("效益指标"), C("社会效益 指标"), C("……"), C(""), C(""), C(""), C(""), C("")],
        [C("满意度 指标"), C("服务对象 满意度指 标"), C("演出人员满意度"), C("100%"), C("100%"), C(20), C(20), C("")],
        [C("总分", 5), C(100), C(98), C("")],
    ]
    return ["项目支出绩效自评表(2020 年度)"], rows


@pytest.mark.parametrize("mark", ["/", "—", "－", "无", ""])
def test_a_row_without_a_level3_name_that_carries_a_score_is_a_level2_row(tmp_path, mark):
    """新洲 (hubei-xinzhou-chujutuan-yanchushebei-2020-project.md): a 数量 row printed 「/」 (—, －, 无, empty) in its
    三级 cell with 20 / 20 is a 二级-level row of 数量指标 — kept with its points (weights 100, scores 98)."""
    form = _read(_write(tmp_path, "xinzhou", xinzhou(mark)))
    ind = form.data.indicators
    assert (
        ind["weight"].sum() == 100 and ind["panel_score"].sum() == 98 and form.data.projects["published_score"][0] == 98
    )
    row = ind[ind["level3"].isna()].iloc[0]
    assert (row["level1"], row["level2"], row["target"], row["actual"], row["weight"]) == (
        "产出指标",
        "数量指标",
        100,
        100,
        20,
    )
    scored = evaluate(form.data, "mof").indicators.set_index("level2")
    # scored by its own 100件 / 100件 (no measures under it): 20 of 20, not 无法计算
    assert not scored["unknown_score"].any() and scored.loc["数量指标", "computed_score"].tolist()[-1] == 20


def test_template_rows_are_not_indicators_and_numbering_is_not_a_name(tmp_path):
    """新洲 (指标1: / 指标2: / ……, hubei-xinzhou-chujutuan-yanchushebei-2020-project.md) and 廊坊 (指标1工程资金金额
    without a colon, an empty 指标1 under 生态效益, hebei-langfang-shipinxuexiao-nuantong-2019-project.md)."""
    ind = _read(_write(tmp_path, "xinzhou", xinzhou("指标2:更新演出服装"))).data.indicators
    assert ind["level3"].tolist() == [
        "更新剧团老化、损坏的音响",
        "更新演出服装",
        "音响、灯光、道具、服装质量等",
        "演出设备成本",
        "演出人员满意度",
    ]
    titles, rows = xinzhou("指标2:更新演出服装")
    rows[10][2] = C("指标1工程资金金额")  # 廊坊 prints the number without a colon
    rows[13][0] = C("指标1")  # … and leaves an empty 指标1
    ind = _read(write_xlsx(tmp_path / "langfang.xlsx", [("表", [(titles, rows)])])).data.indicators
    assert ind["level3"].tolist()[:2] == ["工程资金金额", "更新演出服装"] and len(ind) == 5


# ----------------------------------------------------------------------------- 4. headings around a Word table


def test_headings_and_paragraphs_around_a_word_table_are_not_forms(tmp_path):
    """新洲 (a .docx mirror, hubei-xinzhou-chujutuan-yanchushebei-2020-project.md): a heading naming the form, the
    title, the table, then a 填报说明 paragraph naming it again — one form, titled by the paragraph above the table."""
    import docx

    titles, rows = xinzhou()
    path = write_docx(
        tmp_path / "xinzhou.docx",
        [(["附件1：项目支出绩效自评表", "新洲区楚剧团2020年度项目支出绩效自评报告", *titles], rows)],
    )
    document = docx.Document(str(path))
    for text in ("项目支出绩效自评表填报说明", "1.金额单位为万元。", "2.项目支出绩效自评表由项目单位填报。"):
        document.add_paragraph(text)
    document.save(str(path))
    ((_, grid),) = [("", docx_grid(path))]
    assert [t for _, _, t in find_forms(grid)] == ["项目支出绩效自评表(2020年度)"]
    form = _read(path)
    assert form.data.projects["project"].tolist() == ["演出设备更新专项经费"] and form.part == "表格 1"


# ----------------------------------------------------------------------------- 6. 其中 breakdowns


#: docs/research/forms/anhui-xiaoxian-hexicun-2023-project.md: 萧县 河西村特色种养 (2023), 绩效目标自评表: 分值 before
#: 年度指标值, ★ indicators each followed by its 其中 rows (target and actual, no 分值 / 得分), empty rows and …….
def hexicun() -> tuple[list[str], list[list[C]]]:
    rows = [
        [C("项目名称", 2), C("河西村特色种养补贴到户项目", 7)],
        [C("主管部门", 2), C("县农业农村局", 3), C("实施单位", 2), C("张庄寨镇人民政府", 2)],
        [C("资金情况 (万元)", 1, 4), C(""), C("全年预算数(A)", 2), C("全年执行数(B)", 2), C("分值"), C("执行率(B/A)")]
        + [C("得分")],
        [C("年度资金总额:"), C(9.48, 2), C(9.48, 2), C(10), C("100%"), C(10)],
        [C("其中:本年财政拨款"), C(9.48, 2), C(9.48, 2), C(10), C("100%"), C(10)],
        [C("其他资金"), C("-", 2), C("-", 2), C(""), C(""), C("")],
        [C("一级 指标"), C("二级指标"), C("三级指标"), C("分值"), C("年度指标值"), C("全年实际值"), C("得分")]
        + [C("未完成原因及拟采取的改进措施", 2)],
        [C("产 出 指 标 (50分)", 1, 12), C("数量指标", 1, 10), C("★补助各类瓜果蔬菜种植面积"), C(20), C("29.5亩")]
        + [C("29.5亩"), C(20), C("", 2)],
    ]
    for name, target in (("其中桃树种植面积", "1.5亩"), ("其中苹果树种植面积", "5亩"), ("其中露天蔬菜", "20亩")):
        rows.append([C(name), C(""), C(target), C(target), C(""), C("", 2)])
    rows.append([C("其中大棚蔬菜"), C(""), C("3亩"), C("3亩"), C(""), C("", 2)])
    rows.append([C("★补助鱼塘面积"), C(10), C("3亩"), C("3亩"), C(10), C("", 2)])
    rows.append([C("其中鱼塘养殖面积"), C(""), C("3亩"), C("3亩"), C(""), C("", 2)])
    rows.append([C("★补助家畜家禽养殖数量"), C(20), C("192只"), C("192只"), C(20), C("", 2)])
    rows.append([C("其中羊养殖数量"), C(""), C("180只"), C("180只"), C(""), C("", 2)])
    rows.append([C("其中猪养殖数量"), C(""), C("12头"), C("12头"), C(""), C("", 2)])
    rows.append([C(""), C(""), C(""), C(""), C(""), C("", 2)])
    rows.append([C(""), C("……"), C(""), C(""), C(""), C(""), C("", 2)])
    rows.append([C("效 益 指 标 (50分)"), C("经济效益 指标"), C("特色产业带动增加受益农户收入(总收入)"), C(50)])
    rows[-1] += [C("≥11.376万元"), C("12万元"), C(50), C("", 2)]
    return ["绩效目标自评表", "(2023年度)"], rows


def test_breakdown_rows_are_parts_of_the_indicator_above(tmp_path):
    """萧县 (anhui-xiaoxian-hexicun-2023-project.md): 其中… rows (no colon) are the breakdown of the ★ row above,
    named without 其中, carry no weight, and are checked as the data route checks its parents (the parts of
    瓜果蔬菜 add up: 1.5 + 5 + 20 + 3 = 29.5 亩)."""
    form = _read(_write(tmp_path, "hexicun", hexicun()))
    ind = form.data.indicators
    parts = ind[ind["parent"].notna()]
    assert parts.groupby("parent", sort=False)["level3"].apply(list).to_dict() == {
        "补助各类瓜果蔬菜种植面积": ["桃树种植面积", "苹果树种植面积", "露天蔬菜", "大棚蔬菜"],
        "补助鱼塘面积": ["鱼塘养殖面积"],
        "补助家畜家禽养殖数量": ["羊养殖数量", "猪养殖数量"],
    }
    assert parts["weight"].isna().all() and ind["weight"].sum() == 100 and len(ind) == 11
    assert ind["level1"].unique().tolist() == ["产出指标", "效益指标"]  # 产 出 指 标 (50分): spaces and weight off
    assert ind["level2"].iloc[-1] == "经济效益指标"
    assert ind.loc[ind["core"].fillna(False).astype(bool), "level3"].tolist() == [  # ★ marks core indicators
        "补助各类瓜果蔬菜种植面积",
        "补助鱼塘面积",
        "补助家畜家禽养殖数量",
    ]
    sums = parts.groupby("parent")["target"].sum()
    assert sums["补助各类瓜果蔬菜种植面积"] == 29.5
    ev = evaluate(form.data, "mof")
    assert not ev.indicators.loc[ev.indicators["parent"].notna(), "scored"].any()
    assert "SUM_MISMATCH" not in set(ev.findings["code"])  # 29.5 = 1.5 + 5 + 20 + 3, 192 = 180 + 12 …
    titles, rows = hexicun()
    rows[9][3] = C("4亩")  # 其中苹果树种植面积 actual 4 instead of 5: the parts no longer add up
    ev = evaluate(_read(_write(tmp_path, "off", (titles, rows))).data, "mof")
    (finding,) = ev.findings[ev.findings["code"] == "SUM_MISMATCH"].itertuples()
    assert "补助各类瓜果蔬菜种植面积" in finding.message and "28.5" in finding.message


def test_a_breakdown_row_with_its_own_points_is_checked_as_the_data_route_checks_it(tmp_path):
    """濉溪 / 隆阳 print points on a 其中 row (a double-counting risk): the row stays a breakdown, and the data
    route's check of breakdowns refuses it at its 分值 cell, as for a data folder (tests/data/test_parity.py)
    (萧县 layout, anhui-xiaoxian-hexicun-2023-project.md)."""
    titles, rows = hexicun()
    rows[8][1], rows[8][4] = C(5), C(5)  # 其中桃树种植面积 given 5 / 5
    forms, failures = read_file(_write(tmp_path, "hexicun", (titles, rows)))
    (problem,) = [p for p in failures[0].problems if p.severity == "error"]
    assert forms == [] and "分项指标不应计分" in problem.message
    assert (problem.location.row, problem.location.column) == (11, "D11（分值）")


# ----------------------------------------------------------------------------- 7. a zero total above 其中 rows


#: docs/research/tangxi-town-2022.md: 棠溪镇 委托业务项目 (2022) as printed: 年度资金总额 0 / 0 / 0, 执行率 0, 得分 0,
#: above 其中:本年财政拨款 90 / 89.974 / 89.974.
def tangxi_funds() -> tuple[list[str], list[list[C]]]:
    rows = [
        [C("项目名称", 2), C("委托业务项目", 6)],
        [C("主管部门", 2), C("219-池州市贵池区棠溪镇人民政府", 2), C("实施单位", 2)]
        + [C("219001-池州市贵池区棠溪镇人民政府", 2)],
        [C("项目资金（万元）", 1, 5), C(""), C("年初预算数"), C("全年预算数（A）"), C("全年执行数（B）"), C("分值")]
        + [C("执行率（B/A）"), C("得分")],
        [C("年度资金总额："), C(0), C(0), C(0), C(10), C(0), C(0)],
        [C("其中：本年财政拨款"), C(90), C(89.974), C(89.974), C(""), C(""), C("")],
        [C("上年结转资金"), C(""), C(""), C(""), C(""), C(""), C("")],
        [C("其他资金"), C(""), C(""), C(""), C(""), C(""), C("")],
        [C("一级指标"), C("二级指标"), C("三级指标"), C("年度指标值"), C("实际完成值"), C("分值"), C("得分")]
        + [C("偏差原因分析及改进措施")],
        [C("产出指标（50分）"), C("数量指标"), C("指标1：基建工程委托业务项目数量"), C("≥50个"), C("50"), C(90), C(90)]
        + [C("")],
        [C("总分", 5), C(100), C(90), C("")],
    ]
    return ["项目支出绩效自评表", "（2022年度）"], rows


def test_a_zero_total_above_filled_parts_is_recomputed_and_flagged(tmp_path):
    """棠溪镇 (docs/research/tangxi-town-2022.md): the 0 / 0 / 0 total is recomputed from its 其中 row as
    90 / 89.974 / 89.974 (execution 100%, not 0%), the printed 0% left unknown, with a located warning at the total row."""
    path = _write(tmp_path, "tangxi", tangxi_funds())
    data = _read(path).data
    assert [w.code for w in data.warnings] == ["FUNDS_TOTAL_RECOMPUTED"]  # the read form carries the warning
    p = data.projects.iloc[0]
    assert (p["budget_initial"], p["budget"], p["spent"], p["fiscal_current"]) == (90, 89.974, 89.974, 89.974)
    assert pd.isna(p["stated_rate"]) and p["published_execution_score"] == 0
    (warning,) = [w for w in _warnings(_form(path)) if w.code == "FUNDS_TOTAL_RECOMPUTED"]
    assert warning.location.column.startswith("C6") and "90 / 89.974 / 89.974" in warning.message
    assert warning.found == "0 / 0 / 0"


# ----------------------------------------------------------------------------- 8. 时效 as dates


#: docs/research/forms/yunnan-linxiang-linye-shourongsuo-2023-project.md: 临翔 野生动物收容所 (2023): 时效 target
#: 2023年12月, actual 2023年10月; other forms print 9月前 / 7月, 2023年12月前 / 按时, 2022年1月 (a year later).
@pytest.mark.parametrize(
    ("target", "actual", "months", "met"),
    [
        ("2023年12月", "2023年10月", (12, 10), True),
        ("9月前", "7月", (9, 7), True),
        ("2023年12月前", "按时", (12, 12), True),
        ("2023年12月前", "及时", (12, 12), True),
        ("2023年6月底前", "2024年1月", (6, 13), False),
    ],
)
def test_timing_targets_are_dates(tmp_path, target, actual, months, met):
    titles, rows = tangxi_funds()
    rows[3] = [C("年度资金总额："), C(""), C(32.4), C(31.69), C(10), C("97.80%"), C(9)]
    rows[8] = [C("产出指标"), C("时效指标"), C("项目完工时限"), C(target), C(actual), C(90), C(90), C("无")]
    ind = _read(_write(tmp_path, "linxiang", (["项目支出绩效自评表", "( 2023年度)"], rows))).data.indicators.iloc[0]
    assert (ind["direction"], ind["unit"], ind["target"], ind["actual"]) == ("<=", "月", *months)
    assert (ind["target_text"], ind["actual_text"]) == (target, actual)
    assert bool(ind["actual"] <= ind["target"]) is met


def test_a_late_timing_actual_is_unknown_not_a_number(tmp_path):
    titles, rows = tangxi_funds()
    rows[8] = [C("产出指标"), C("时效指标"), C("项目完工时限"), C("2022年12月前"), C("延期"), C(90), C(60), C("")]
    ind = _read(_write(tmp_path, "late", (titles, rows))).data.indicators.iloc[0]
    assert (ind["target"], ind["direction"]) == (12, "<=") and pd.isna(ind["actual"]) and "actual" in ind["unknown"]


# ----------------------------------------------------------------------------- 9. 评分说明 / 得分计算方法


def test_a_scoring_note_column_is_kept_per_row(tmp_path):
    """海淀 学院路 (beijing-haidian-xueyuanlu-baojie-2016-project.md): 分值 | 年度指标值(A) | 全年实际值(B) |
    得分计算方法 | 得分 — the rule printed per row is read as text with its row."""
    rule = "完成值达到指标值,记满分;未达到指标值,按B/A或A/B*该指标分值记分。"
    titles, rows = tangxi_funds()
    rows[7] = [C("一级指标"), C("二级指标"), C("三级指标"), C("分值"), C("年度指标值(A)"), C("全年实际值(B)")]
    rows[7] += [C("得分计算方法"), C("得分")]
    rows[8] = [C("产出指标(50分)"), C("数量指标"), C("是否完成绩效目标申报表中申报的数量"), C(12.5), C("20条")]
    rows[8] += [C("20条"), C(rule), C(12.5)]
    form = _form(_write(tmp_path, "haidian", (["项目支出绩效自评表(2016年度)"], rows)))
    (row,) = form.indicators
    assert (row["criteria"], row["weight"], row["panel_score"], row["target"]) == (rule, 12.5, 12.5, 20)


# ----------------------------------------------------------------------------- 10. tolerant reading


def test_unreadable_cells_are_unknown_with_located_chinese_warnings(tmp_path):
    """新洲 with its garbled cells typed as stored (hubei-xinzhou-chujutuan-yanchushebei-2020-project.md: the 成本
    target "件/件2万元"; here also a 分值 of 「二十」 and no 项目名称): the form is read, each unreadable cell is unknown
    with a Chinese warning naming the file (not its folder) and the cell."""
    titles, rows = xinzhou("更新演出服装")
    rows[0][1] = C("")
    rows[15][4] = C("二十")
    path = _write(tmp_path, "xinzhou", (titles, rows))
    form = _read(path)
    ind = form.data.indicators.set_index("level3")
    assert pd.isna(ind.loc["演出设备成本", "weight"]) and "weight" in ind.loc["演出设备成本", "unknown"]
    assert form.project is None and form.completed == {"project": "未填项目名称"}  # read: unknown
    assert form.data.projects["project"].tolist() == ["未填项目名称"]
    warnings = _warnings(_form(path))
    assert [(w.location.row, w.location.column[:3]) for w in warnings] == [(17, "F17"), (2, "A2（")]
    assert [str(w.location) for w in form.data.warnings] == [str(w.location) for w in warnings]
    assert all("/" not in w.message.split(" / ")[0] and str(tmp_path) not in w.message for w in warnings)
    assert all(any("\u4e00" <= ch <= "\u9fff" for ch in w.message) for w in warnings)


def test_only_a_form_without_an_indicator_block_is_refused(tmp_path):
    titles, rows = xinzhou()
    forms, failures = read_file(_write(tmp_path, "noind", (titles, rows[:9])))
    assert forms == [] and "no indicator block" in failures[0].reason


def test_a_form_without_a_printed_year_takes_its_file_name_year_never_another(tmp_path):
    """A 2021 form printing no year is read as 2021 from its file name, and no message names 2022."""
    titles, rows = xinzhou()
    path = write_xlsx(tmp_path / "2021年度演出设备自评表.xlsx", [("表", [(["项目支出绩效自评表"], rows)])])
    form = _read(path)
    assert form.data.year == 2021
    (warning,) = [w for w in _warnings(_form(path)) if "年度" in w.message]
    assert "2021" in warning.message and "2022" not in f"{warning.message}{warning.expected}"


def test_an_unknown_direction_cell_is_a_warning_not_a_refusal(tmp_path):
    """丽江 (yunnan-lijiang-gucheng-weipian-2020-project.md) prints 指标性质 in a column; a cell the reader does not
    know (here 「正相关」) leaves the direction to the target's sign, with a warning at the cell."""
    titles, rows = tangxi_funds()
    rows[7] = [C("一级指标"), C("二级指标"), C("三级指标"), C("指标性质"), C("指标值"), C("实际完成值"), C("分值")]
    rows[7] += [C("得分")]
    rows[8] = [C("产出指标"), C("数量指标"), C("宣传片数量"), C("正相关"), C("≥1部"), C("1部"), C(90), C(90)]
    path = _write(tmp_path, "lijiang", (titles, rows))
    ind = _read(path).data.indicators.iloc[0]
    assert (ind["direction"], ind["target"], ind["actual"]) == (">=", 1, 1)
    (warning,) = [w for w in _warnings(_form(path)) if "指标性质" in w.message]
    assert warning.location.column.startswith("D11") and warning.found == "正相关"
