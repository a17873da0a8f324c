"""Unknown is never a 0 and never a grade, in every output (issue 20 items 1 and 2).

Three real tables in the data format, run as a user runs them — ``evaltools run --all`` to html + xlsx (and
summary.json, index.html), ``evaltools evaluate`` — and every output file walked: JSON leaves, xlsx cells,
HTML text, console lines. None may carry a total, a grade or a 0 where the figure is unknown; the figures
the tables do print must still be there.

- 西部（重庆）科学城融媒体中心 2021 (data/, docs/research): a 部门整体 table cut off after row 19, its budget
  amounts unreadable, published total 97.6 → no total, no grade (未 "优"), 部门预算执行率 unknown (not 0.0).
- 湖北科技学院 本专科生奖助学金项目 2021 (tests/corpus/forms/hubei-hbust-jiangzhuxuejin-2021-project.yaml):
  预算 2596, 支出 2595.6208, 执行率 99%, no 分值 and no 得分 columns → 未评分; the rule set's default 10-point
  execution weight would have made it "10 分 差".
- 青神县发展和改革局 工资性支出 2023 (docs/research/sichuan-format-2023.md, table 1): 分值 10 / 60 / 30 printed,
  完成值 and 得分 blank → scores_printed 空白; before, 10 (execution) + 0 + 0 = "10 分 差".
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from bs4 import BeautifulSoup

pytestmark = pytest.mark.slow

CUT = "西部（重庆）科学城融媒体中心"
HBUST = "湖北科技学院"
QINGSHEN = "青神县发展和改革局"
#: Grade names of the default bands and the units' own spellings (财预〔2020〕10号; the 2022 report).
GRADES = {"优", "良", "中", "差", "优秀", "良好", "一般", "较差", "合格", "不合格"}

HBUST_PROJECT = "本专科生奖助学金项目"
HBUST_INDICATORS = [  # level1, level2, level3, unit, target, actual — as printed (no 分值, no 得分)
    ("产出指标", "质量指标", "奖助政策学生知晓率", "%", "100%", "100%"),
    ("产出指标", "质量指标", "受资助本专科困难学生覆盖率", "%", "99%", "99%"),
    ("产出指标", "数量指标", "受资助本专科学生人数", "人", "14726", "15935"),
    ("效益指标", "社会效益指标", "家庭经济困难学生完成学业率", "%", "100%", "100%"),
    ("满意度指标", "服务对象满意度指标", "资助学生满意度", "%", "95%", "95%"),
]


def _write(folder: Path, files: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")


def _data(root: Path, tmp: Path) -> Path:
    data = tmp / "data"
    shutil.copytree(root / "data" / CUT, data / CUT)
    rows = "".join(f"{HBUST_PROJECT},{a},{b},{c},{u},,{t},{t},{x},{x},,,\n" for a, b, c, u, t, x in HBUST_INDICATORS)
    _write(
        data / HBUST / "2021",
        {
            "profile.yaml": f"unit: {HBUST}\nyear: 2021\nreport_kind: project\n",
            "projects.csv": "project,budget,spent,stated_rate\n" + f"{HBUST_PROJECT},2596,2595.6208,99%\n",
            "indicators.csv": "project,level1,level2,level3,unit,direction,target,target_text,actual,actual_text,"
            "weight,panel_score,source\n" + rows,
        },
    )
    _write(
        data / QINGSHEN / "2023",
        {
            "profile.yaml": f"unit: {QINGSHEN}\nyear: 2023\nreport_kind: project\nscores_printed: 空白\n",
            "projects.csv": "project,budget_initial,budget,spent,execution_weight,stated_rate\n"
            "工资性支出,238.93,251.89,251.89,10,100%\n",
            "indicators.csv": "project,level1,level2,level3,unit,direction,target,weight\n"
            "工资性支出,产出指标,数量指标,发放(缴纳)覆盖率,%,=,100,60\n"
            "工资性支出,效益指标,社会效益指标,足额保障率(参保率),%,=,100,30\n",
        },
    )
    return data


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "evaltools.cli", *args], capture_output=True, text=True, cwd=root)


@pytest.fixture(scope="module")
def outputs(root, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("unknown")
    data, out = _data(root, tmp), tmp / "outputs"
    run = _cli(root, "run", "--all", "--data-dir", str(data), "--output-dir", str(out), "--to", "html,xlsx")
    assert run.returncode == 0, run.stderr
    evaluated = {
        unit: _cli(root, "evaluate", year, "--unit", unit, "--data-dir", str(data))
        for unit, year in ((CUT, "2021"), (HBUST, "2021"), (QINGSHEN, "2023"))
    }
    one = _cli(root, "run", "2021", "--unit", CUT, "--data-dir", str(data), "--output-dir", str(tmp / "one"))
    return out, run, evaluated, one


def _leaves(node: object, path: str = "") -> list[tuple[str, object]]:
    if isinstance(node, dict):
        return [leaf for k, v in node.items() for leaf in _leaves(v, f"{path}.{k}")]
    if isinstance(node, list):
        return [leaf for i, v in enumerate(node) for leaf in _leaves(v, f"{path}[{i}]")]
    return [(path, node)]


def _summary(out: Path, unit: str, year: int) -> dict:
    return json.loads((out / unit / str(year) / "summary.json").read_text(encoding="utf-8"))


def _text(path: Path) -> str:
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    for tag in soup(["script", "style"]):
        tag.decompose()
    return re.sub(r"\s+", " ", soup.get_text(" "))


def _cells(path: Path) -> list[list[object]]:
    book = openpyxl.load_workbook(path)
    return [[c.value for c in row if c.value is not None] for ws in book for row in ws.iter_rows()]


@pytest.mark.parametrize(
    ("unit", "year", "reason"),
    [
        (CUT, 2021, "原表截断于第19行，总分无法计算"),
        (HBUST, 2021, "原表未评分，未印分值、得分，总分无法计算"),
        (QINGSHEN, 2023, "原表得分未填，总分无法计算"),
    ],
)
def test_json_has_no_total_and_no_grade(outputs, unit, year, reason):
    """summary.json (written by run, printed by evaluate): every total and grade null, the reason given;
    no score-like leaf is 0 or a grade name except the rule set's bands."""
    out, _, evaluated, _ = outputs
    for summary in (_summary(out, unit, year), json.loads(evaluated[unit].stdout)):
        overall = summary["overall"]
        for key in ("score", "computed_score", "grade", "computed_grade", "computed_simple", "computed_weighted"):
            assert overall[key] is None, key
        assert overall["unknown_reason"] == reason
        for path, value in _leaves(summary):
            if ".grade_bands" in path or path.startswith(".findings"):
                continue
            assert value not in GRADES, path
            if re.search(r"(score|grade)$", path) and "published" not in path and "execution_score" not in path:
                assert value is None, path
        for project in summary["projects"]:
            assert project["unknown_reason"] == reason
            # the 预算执行率 score is recomputed only from a 分值 the form prints (青神 prints 10 over 100.00%; 湖北科技学院
            # prints none: the rule set's default is never invented for it)
            assert project["execution_score"] == (None if unit == HBUST else 10.0)


def test_json_keeps_the_printed_figures(outputs):
    """What the tables print is still there: the published 97.6, the funds, the stated rates; the 部门预算执行率
    of unreadable amounts is unknown (null), not 0.0 (issue 20 item 2)."""
    out = outputs[0]
    cut, hbust, qingshen = _summary(out, CUT, 2021), _summary(out, HBUST, 2021), _summary(out, QINGSHEN, 2023)
    assert cut["overall"]["published_score"] == 97.6
    assert cut["rates"]["department_execution"] is None
    assert cut["rates"]["line_execution:部门预算"] is None
    (p,) = hbust["projects"]
    assert (p["budget"], p["spent"]) == (2596, 2595.6208)
    assert p["execution_rate"] == pytest.approx(2595.6208 / 2596)
    (q,) = qingshen["projects"]
    assert (q["budget"], q["spent"], q["execution_rate"]) == (251.89, 251.89, 1.0)


@pytest.mark.parametrize(("unit", "year"), [(CUT, 2021), (HBUST, 2021), (QINGSHEN, 2023)])
def test_report_html_states_the_reason_and_no_grade(outputs, unit, year):
    """The unit's report: the total said in words to be unknown, with its reason (总得分无法计算（reason）, never
    "总分为 无法计算" — issue 24 item 4), no 按等级表为 (a grade of a computed total), no grade after a score, and
    no score of the form's rows summed to a total."""
    text = _text(outputs[0] / unit / str(year) / "report.html")
    assert "总得分无法计算（" in text and "总分为 无法计算" not in text
    assert "按等级表为" not in text
    assert not re.search(r"\d 分[，、 ]*(" + "|".join(sorted(GRADES, key=len, reverse=True)) + r")(?![\w级])", text)
    assert re.search(r"评价等级 ?(无法计算|未评分)", text) and "评价等级无法评定" in text


def test_report_html_known_figures(outputs):
    out = outputs[0]
    cut = _text(out / CUT / "2021" / "report.html")
    assert "72.74%" in cut and "97.6" not in cut  # a row's figure; the printed total of a cut-off table is no score
    assert "2,596" in _text(out / HBUST / "2021" / "report.html") or "2596" in _text(
        out / HBUST / "2021" / "report.html"
    )
    assert "251.89" in _text(out / QINGSHEN / "2023" / "report.html")


@pytest.mark.parametrize(("unit", "year"), [(CUT, 2021), (HBUST, 2021), (QINGSHEN, 2023)])
def test_xlsx_has_no_total_grade_or_zero_sum(outputs, unit, year):
    """自评表.xlsx: no cell holds a grade name; the 总分 / 合计 rows hold no number but the 分值 printed
    in full, and their text says 无法计算 where a total is shown at all."""
    rows = _cells(outputs[0] / unit / str(year) / "自评表.xlsx")
    for row in rows:
        assert not any(str(v).strip() in GRADES for v in row), row
        assert not any(isinstance(v, str) and re.search(r"评价等级：(优|良|中|差)", v) for v in row), row
        if row and str(row[0]).startswith(("合计", "总分", "重算总分")):
            assert not any(isinstance(v, (int, float)) and v == 0 for v in row[1:]), row
    flat = [v for row in rows for v in row]
    assert any(isinstance(v, str) and ("无法计算" in v or "未评分" in v) for v in flat)


def test_xlsx_known_figures(outputs):
    out = outputs[0]
    hbust = [v for row in _cells(out / HBUST / "2021" / "自评表.xlsx") for v in row]
    assert 2596 in hbust and 2595.6208 in hbust
    qingshen = [v for row in _cells(out / QINGSHEN / "2023" / "自评表.xlsx") for v in row]
    assert 251.89 in qingshen and 60 in qingshen and 30 in qingshen


def test_index_shows_no_grade(outputs):
    """index.html: each of the three rows says 无法计算 / 未评分 with the reason, and no grade."""
    soup = BeautifulSoup((outputs[0] / "index.html").read_text(encoding="utf-8"), "html.parser")
    cells = [td.get_text(" ", strip=True) for td in soup.select("td.grade")]
    assert len(cells) == 3
    assert sorted(c.split(" ")[0] for c in cells) == ["无法计算", "未评分", "未评分"]
    assert not any(c in GRADES for c in cells)
    assert "原表截断于第19行，总分无法计算" in " ".join(cells)


def test_console_lines(outputs):
    """The console: one report's ✓ line says 无法计算（原表截断于第19行）, never a score and grade; the batch
    table prints — for each total and grade."""
    _, run, _, one = outputs
    assert one.returncode == 0, one.stderr
    assert f"✓ {CUT}/2021: 无法计算（原表截断于第19行）" in one.stdout
    batch = run.stdout + run.stderr
    assert not re.search(r"\d 分 (优|良|中|差)", batch)
    assert "97.6" not in batch
