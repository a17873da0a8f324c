"""One unit's mistake stays that unit's (issue 22 item 4): in a many-unit dataset a typo in one unit's row fails
that unit's report once — reported for it alone, in the closing table and below it — while every other unit's
report is made with the figures it has without the typo; the batch exits 2. Before, every unit failed with the
same error, repeated once per unit. And `run` shows, located, the warnings `check` shows (once, on stderr)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from evaltools.run.batch import BatchResult, summary_table
from evaltools.run.synthetic import generate_units, write_units

CLI = [sys.executable, "-m", "evaltools.cli"]
YEAR = 2022
UNITS = ["合成数据单位00000", "合成数据单位00001", "合成数据单位00002"]


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([*CLI, *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def clean_scores(tmp_path_factory) -> tuple[Path, dict[str, float]]:
    """Three synthetic units (4 indicators, 2 projects each) and each one's total as run reports it clean."""
    root = tmp_path_factory.mktemp("clean")
    write_units(generate_units(3, 4, seed=5, year=YEAR, projects_per_unit=2), root / "data" / str(YEAR), "csv")
    done = _cli("run", "--all", "--data-dir", "data", "--output-dir", "out", "--to", "json", "--executor", "serial",
                "--no-progress", "--no-index", cwd=root)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return root, {
        u: json.loads((root / "out" / u / "2022" / "summary.json").read_text())["overall"]["score"] for u in UNITS
    }


def _with_typo(root: Path, tmp_path: Path) -> Path:
    """The clean data with 合成数据单位00001's first budget typed as 123x (projects.csv row 4)."""
    shutil.copytree(root / "data", tmp_path / "data")
    path = tmp_path / "data" / str(YEAR) / "projects.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    cells = lines[3].split(",")
    assert cells[:2] == ["合成数据单位00001", "项目1"] and cells[5] == "18.45"
    cells[5] = "123x"
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return tmp_path


def test_one_units_typo_fails_that_unit_once(clean_scores, tmp_path):
    root, scores = clean_scores
    assert scores["合成数据单位00000"] == pytest.approx(93.0953, abs=1e-4) and scores[
        "合成数据单位00002"
    ] == pytest.approx(85.355)
    case = _with_typo(root, tmp_path)
    done = _cli("run", "--all", "--data-dir", "data", "--output-dir", "out", "--to", "json", "--executor", "serial",
                "--no-progress", "--no-index", cwd=case)  # fmt: skip
    out = done.stdout + done.stderr
    assert done.returncode == 2, out
    assert "Traceback" not in out and "internal error" not in out
    assert "完成 2/3，失败 1 / 2 of 3 succeeded, 1 failed" in done.stdout
    located = (
        "projects.csv, row 4, column 「全年预算数(万元)」: 应为数字 / expected a number (not a number); found '123x'"
    )
    assert done.stderr.count(located) == 1, done.stderr  # once, for its unit
    assert "✗ 合成数据单位00001/2022: 输入数据有 1 处错误" in done.stderr
    assert "✗ 合成数据单位00000" not in out and "✗ 合成数据单位00002" not in out
    for unit in ("合成数据单位00000", "合成数据单位00002"):  # made, with the figures they have without the typo
        summary = json.loads((case / "out" / unit / "2022" / "summary.json").read_text())
        assert summary["overall"]["score"] == pytest.approx(scores[unit])
    assert not (case / "out" / "合成数据单位00001").exists()


def test_unsafe_unit_name_fails_that_unit_alone(clean_scores, tmp_path):
    """A unit named con: check refuses it at units.csv row 3; run refuses that unit alone (no folder con/), the
    other two are made."""
    root, scores = clean_scores
    shutil.copytree(root / "data", tmp_path / "data")
    for path in (tmp_path / "data" / str(YEAR)).glob("*.csv"):
        path.write_text(path.read_text(encoding="utf-8-sig").replace("合成数据单位00001", "con"), encoding="utf-8-sig")
    checked = _cli("check", str(YEAR), "--data-dir", "data", cwd=tmp_path)
    assert checked.returncode == 2
    assert "units.csv, row 3, column 「预算单位」: 单位名称不能用作报告文件夹名" in checked.stderr
    done = _cli("run", "--all", "--data-dir", "data", "--output-dir", "out", "--to", "json", "--executor", "serial",
                "--no-progress", "--no-index", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2, done.stdout + done.stderr
    assert "完成 2/3，失败 1" in done.stdout
    assert "✗ con/2022: 不安全的unit名称 / unsafe unit 'con': it is a reserved device name on Windows" in done.stderr
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["合成数据单位00000", "合成数据单位00002"]


def test_run_shows_checks_warnings_once(tmp_path):
    """data/池州市贵池区棠溪镇人民政府/2022 has two projects of zero budget: check warns at projects.csv rows 2 and 3;
    run shows those two lines on stderr, each once, and writes the same summary.json as without the warnings."""
    from tests._paths import DATA

    unit = "池州市贵池区棠溪镇人民政府"
    checked = _cli("check", "2022", "--unit", unit, "--data-dir", str(DATA), cwd=tmp_path)
    warnings = [line for line in checked.stdout.splitlines() if line.startswith("[warning]")]
    assert len(warnings) == 2 and all("预算为零，执行率无法计算" in w for w in warnings)
    done = _cli("run", "2022", "--unit", unit, "--data-dir", str(DATA), "--output-dir", "out", "--to", "json",
                "--no-index", cwd=tmp_path)  # fmt: skip
    assert done.returncode == 0, done.stderr
    for w in warnings:  # the same located lines (the run names the data folder absolutely)
        rel = w.split("] ", 1)[1]
        shown = [line for line in done.stderr.splitlines() if line.endswith(rel.split("/2022/", 1)[1])]
        assert len(shown) == 1, done.stderr
        assert shown[0].startswith(f"⚠ {unit}/2022: [warning] ")
    assert "[warning]" not in done.stdout


def test_closing_table_counts_many_warnings():
    """More than two warnings are counted in the table's note (listed in full below it), not each squeezed in."""
    from rich.console import Console

    many = BatchResult(YEAR, "甲", True, 90.0, "优", 1.0, "/o/甲/2022", warnings=("a", "b", "c"))
    two = BatchResult(YEAR, "乙", True, 80.0, "良", 1.0, "/o/乙/2022", warnings=("a warning", "b warning"))
    console = Console(width=250, record=True)
    console.print(summary_table([many, two]))
    text = console.export_text()
    assert "⚠ 3 个警告 / 3 warnings (listed below)" in text
    assert "⚠ a warning；⚠ b warning" in text


def test_a_many_unit_year_is_one_report_per_unit(clean_scores):
    """`run 2022` on a many-unit folder plans one report per listed unit (it ran the notebook on all of them at
    once and failed inside it: 'UnitsEvaluation' object has no attribute 'total')."""
    from evaltools.run.plan import plan_jobs

    root, _ = clean_scores
    jobs = plan_jobs({"data_dir": str(root / "data")}, years=[YEAR])
    assert [(j.unit, j.year) for j in jobs] == [(u, YEAR) for u in UNITS]
    assert [j.unit for j in plan_jobs({"data_dir": str(root / "data")}, years=[YEAR], units=["合成数据单位00001"])] == [
        "合成数据单位00001"
    ]


def test_a_warning_every_report_shares_is_listed_once():
    import io

    from rich.console import Console

    from evaltools.cli.console import print_summary, shared_warnings
    from evaltools.run.jobs import BatchResult

    common = "units.csv: 未知列「备注」已忽略 / unknown column ignored"
    results = [
        BatchResult(2022, "甲", True, warnings=(common, "甲 的上年数据缺失")),
        BatchResult(2022, "乙", True, warnings=(common,)),
        BatchResult(2022, "丙", False, error="预算数应为数字", warnings=(common,)),
    ]
    assert shared_warnings(results) == (common,)
    assert shared_warnings(results[:1]) == ()  # one report: nothing is "shared"
    err = io.StringIO()
    print_summary(results, console=Console(file=io.StringIO()), errors_to=err)
    lines = err.getvalue().splitlines()
    assert [line for line in lines if common in line] == [f"⚠ 全部 3 个报告 / all 3 reports: {common}"]
    assert "⚠ 甲/2022: 甲 的上年数据缺失" in lines and any(line.startswith("✗ 丙/2022") for line in lines)
