"""The 经费控制 block (“三公”经费, 会议费, 培训费) and its checks, on a real published table.

The table is the 经费控制情况 block of a 2018 部门整体支出绩效评价基础数据表 (Hunan-style; publisher not named),
transcribed in docs/research/hunan-style-dept-deduction-2018.md §2: columns 2017年决算数 | 2018年预算数 | 2018年决算数,
the rows as printed (their printed spellings are kept in 说明). What an auditor raises on it, written from the
table: 三公经费 44.29 > 29.08 last year (+15.21, +52.30%) and 公务用车购置和维护经费 39.30 > 11.86 (+27.44); nothing is over
budget; every printed total adds up (41.46 = 29.46 + 12; 63.46 = 41.46 + 22 with 出国经费 blank; 44.29 = 39.30 +
4.99; 29.08 = 11.86 + 17.22). 会议费、培训费 are printed as "0 0.8 0" with no readable placement: left out.
"""

from __future__ import annotations

import math
from dataclasses import replace
from pathlib import Path

import pytest

from evaltools.data.load import load_path
from evaltools.scoring.audit.cost_control import cost_table
from evaltools.scoring.evaluation import evaluate

#: 经费控制情况 as printed (项目 | 2017年决算数 | 2018年预算数 | 2018年决算数); blank cells left blank.
HUNAN_2018 = """项目,上年决算数(万元),预算数(万元),决算数(万元),说明
三公经费,29.08,63.46,44.29,三公经费
公务用车购置和维护经费,11.86,41.46,39.30,1、公务用车购置和维护经费
公车购置,,29.46,29.46,其中:公车购置
公车运行维护,11.86,12,9.84,公车运行维护
出国经费,,,,2、出国经费
公务接待,17.22,22,4.99,3、公务接待
"""

#: 政协寻甸县委员会 2022年度“三公”经费决算情况说明 (docs/research/xundian-zhengxie-sangong-2022.md §3, 元 → 万元):
#: figures the text does not print left blank. Nothing to raise: under budget, below last year, the totals add up.
XUNDIAN_2022 = """项目,预算数(万元),决算数(万元),上年决算数(万元)
三公经费,23.4,6.5,37.82725
因公出国（境）费,,0,
公务用车购置及运行费,,3.4,
公务用车购置费,,0,27.278
公务用车运行维护费,3.4,3.4,7.42175
公务接待费,20,3.1,3.1275
"""


def _folder(root: Path, unit: str, year: int, cost: str) -> Path:
    folder = root / str(year)
    folder.mkdir()
    (folder / "profile.yaml").write_text(f"unit: {unit}\nyear: {year}\nreport_kind: department\n", "utf-8")
    # the 2018 table's 部门整体支出预算调整 row (1922.76 budget, 2690.62 spent): a year needs something to evaluate
    (folder / "budget_lines.csv").write_text("line,budget,spent\n部门整体支出,1922.76,2690.62\n", "utf-8")
    (folder / "cost_control.csv").write_text(cost, "utf-8")
    return folder


@pytest.fixture(scope="module")
def hunan(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("hunan") / "2018"
    folder.mkdir()
    (folder / "profile.yaml").write_text(
        "unit: 湖南某部门（原文未署名）\nyear: 2018\nreport_kind: department\n", "utf-8"
    )
    # the same table's 部门整体支出预算调整 row: 1922.76 budget, 2690.62 spent
    (folder / "budget_lines.csv").write_text("line,budget,spent\n部门整体支出,1922.76,2690.62\n", "utf-8")
    (folder / "cost_control.csv").write_text(HUNAN_2018, "utf-8")
    return folder


def test_the_printed_spellings_load_as_the_standard_items(hunan):
    c = load_path(hunan).cost_control
    assert list(c["item"]) == [
        "三公经费",
        "公务用车购置及运行费",
        "公务用车购置费",
        "公务用车运行维护费",
        "因公出国（境）费",
        "公务接待费",
    ]
    assert c.set_index("item").loc["公务接待费", ["budget", "spent", "prior_spent"]].tolist() == [22.0, 4.99, 17.22]
    assert c.set_index("item").loc["因公出国（境）费", ["budget", "spent", "prior_spent"]].isna().all()


def test_the_real_table_gives_the_two_increases_and_nothing_else(hunan):
    ev = evaluate(load_path(hunan), "mof")
    cost = ev.findings[ev.findings["code"].str.startswith("COST_")]
    assert cost[["code", "subject", "stated", "computed", "field"]].values.tolist() == [
        ["COST_INCREASED", "三公经费", 29.08, 44.29, "cost_control.spent"],
        ["COST_INCREASED", "公务用车购置及运行费", 11.86, 39.30, "cost_control.spent"],
    ]
    assert set(cost["severity"]) == {"warning"}
    assert "增加 15.21 万元（52.30%），不符合“三公”经费只减不增的要求" in cost["message"].iloc[0]


def _with(data, changes: dict):
    frame = data.cost_control.copy()
    for (item, column), value in changes.items():
        frame.loc[frame["item"] == item, column] = value
    return replace(data, tables={**data.tables, "cost_control": frame})


def test_a_total_that_is_not_its_parts_and_spending_over_budget_are_found(hunan):
    data = load_path(hunan)
    ev = evaluate(_with(data, {("三公经费", "budget"): 64.0, ("公务接待费", "spent"): 23.0}), "mof")
    f = ev.findings.set_index(["code", "subject", "field"])
    mismatch = f.loc[("COST_SUM_MISMATCH", "三公经费", "cost_control.budget")]
    assert (mismatch["stated"], mismatch["computed"]) == (64.0, 63.46)  # 41.46 + 22, 出国经费 blank
    assert mismatch["severity"] == "error"
    spent = f.loc[("COST_SUM_MISMATCH", "三公经费", "cost_control.spent")]
    assert (spent["stated"], round(spent["computed"], 2)) == (44.29, 62.30)  # 39.30 + 23
    over = f.loc[("COST_OVER_BUDGET", "公务接待费", "cost_control.spent")]
    assert (over["stated"], over["computed"]) == (22.0, 23.0)
    assert "超出 1.00 万元" in over["message"]


def test_an_unreadable_part_makes_the_sum_unknown_not_a_finding(hunan):
    data = load_path(hunan)
    changed = _with(data, {("公务接待费", "budget"): math.nan, ("公务接待费", "unknown"): "budget"})
    codes = set(evaluate(changed, "mof").findings["code"])
    assert "COST_SUM_MISMATCH" not in codes
    # a missing part row (the table prints only some parts) is no sum either
    dropped = replace(data, tables={**data.tables, "cost_control": data.cost_control.iloc[:-1]})
    assert "COST_SUM_MISMATCH" not in set(evaluate(dropped, "mof").findings["code"])


def test_the_table_as_printed_keeps_unknown_unknown(hunan):
    t = cost_table(load_path(hunan).cost_control).set_index("item")
    assert list(t.index) == [
        "三公经费",
        "因公出国（境）费",
        "公务用车购置及运行费",
        "公务用车购置费",
        "公务用车运行维护费",
        "公务接待费",
    ]
    assert t.loc["三公经费", "execution_rate"] == pytest.approx(44.29 / 63.46)
    assert t.loc["三公经费", "change"] == pytest.approx(15.21)
    assert t.loc["公务接待费", "change_rate"] == pytest.approx((4.99 - 17.22) / 17.22)
    assert math.isnan(t.loc["公务用车购置费", "change"])  # 2017 blank: unknown, not 29.46 − 0
    assert t.loc["公务用车购置费", "is_part"] and not t.loc["公务接待费", "is_part"]


def test_a_second_real_table_raises_nothing(tmp_path):
    """政协寻甸县委员会 2022: budgets printed only for some items (出国 and 公务用车 totals blank) — no sum is invented."""
    data = load_path(_folder(tmp_path, "政协寻甸回族彝族自治县委员会", 2022, XUNDIAN_2022))
    ev = evaluate(data, "mof")
    assert not ev.findings["code"].str.startswith("COST_").any()
    t = cost_table(data.cost_control).set_index("item")
    assert t.loc["三公经费", "execution_rate"] == pytest.approx(0.2778, abs=5e-5)  # printed 27.8%
    assert t.loc["三公经费", "change_rate"] == pytest.approx(-0.8282, abs=5e-5)  # printed 下降 82.82%
    assert t.loc["公务用车运行维护费", "change_rate"] == pytest.approx(-0.5419, abs=5e-5)  # printed 下降 54.19%
    assert t.loc["公务接待费", "change_rate"] == pytest.approx(-0.0088, abs=5e-5)  # printed 下降 0.88%
    # the spending sum is checked (6.5 = 0 + 3.4 + 3.1): a wrong part is found
    wrong = _with(data, {("公务接待费", "spent"): 3.0})
    found = evaluate(wrong, "mof").findings.query("code == 'COST_SUM_MISMATCH'")
    assert found[["subject", "field", "stated", "computed"]].values.tolist() == [
        ["三公经费", "cost_control.spent", 6.5, 6.4]
    ]


MANY_UNITS = """预算单位,项目,预算数(万元),决算数(万元),上年决算数(万元)
甲,三公经费,10,12,11
甲,因公出国（境）费,0,0,0
甲,公务用车购置及运行费,6,7,6
甲,公务接待费,4,4,5
乙,三公经费,10,8,9
乙,因公出国（境）费,,,
乙,公务用车购置及运行费,5,5,6
乙,公务接待费,5,3.5,3
乙,会议费,2,1,1.5
"""


def test_many_units_are_checked_each_on_its_own_rows(tmp_path):
    """Two units in one folder (units.csv): each unit's sums, budgets and last year on its own rows, hand-computed:
    甲 spends 12 of 10 with parts 0 + 7 + 4 = 11, 三公 and 公务用车 above budget and last year; 乙 prints 8 for
    0 + 5 + 3.5 = 8.5 and 公务接待费 3.5 above last year's 3; 会议费 1 below 1.5."""
    folder = tmp_path / "2018"
    folder.mkdir()
    (folder / "profile.yaml").write_text("unit: 某区\nyear: 2018\n", "utf-8")
    (folder / "units.csv").write_text("预算单位,report_kind\n甲,department\n乙,department\n", "utf-8")
    (folder / "budget_lines.csv").write_text(
        "预算单位,line,budget,spent\n甲,部门整体支出,100,90\n乙,部门整体支出,100,95\n", "utf-8"
    )
    (folder / "cost_control.csv").write_text(MANY_UNITS, "utf-8")
    f = evaluate(load_path(folder), "mof").findings
    got = sorted(
        (r.org, r.code, r.subject, r.stated, r.computed) for r in f[f["code"].str.startswith("COST_")].itertuples()
    )
    assert got == [
        ("乙", "COST_INCREASED", "公务接待费", 3.0, 3.5),
        ("乙", "COST_SUM_MISMATCH", "三公经费", 8.0, 8.5),
        ("甲", "COST_INCREASED", "三公经费", 11.0, 12.0),
        ("甲", "COST_INCREASED", "公务用车购置及运行费", 6.0, 7.0),
        ("甲", "COST_OVER_BUDGET", "三公经费", 10.0, 12.0),
        ("甲", "COST_OVER_BUDGET", "公务用车购置及运行费", 6.0, 7.0),
        ("甲", "COST_SUM_MISMATCH", "三公经费", 12.0, 11.0),
    ]
