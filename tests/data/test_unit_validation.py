"""Per-unit validation (issue 22 item 4): unit names usable as report folders, a stated report kind against the
tables, units and departments with nothing to score, rule files with equal thresholds or overlapping bands — and
one unit's errors told apart from the others' (:func:`evaltools.data.validate.problem_units`)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from evaltools.data.load import inspect_path, load_path, load_year
from evaltools.errors import InputError, ParamsError, UnsafePathError
from evaltools.paths import safe_component
from evaltools.run.synthetic import generate_units, write_units
from evaltools.scoring.rules import load_rules
from tests._paths import DATA

YEAR = 2022


@pytest.fixture(scope="module")
def three_units(tmp_path_factory) -> Path:
    """Three synthetic units of 2022 as a many-unit CSV folder (4 indicators, 2 projects each)."""
    folder = tmp_path_factory.mktemp("units") / str(YEAR)
    write_units(generate_units(3, 4, seed=5, year=YEAR, projects_per_unit=2), folder, "csv")
    return folder


def _copy(src: Path, tmp_path: Path) -> Path:
    dst = tmp_path / "data" / str(YEAR)
    shutil.copytree(src, dst)
    return dst


def _rename_unit(folder: Path, old: str, new: str) -> None:
    for path in folder.glob("*.csv"):
        path.write_text(path.read_text(encoding="utf-8-sig").replace(old, new), encoding="utf-8-sig")


def _codes(problems) -> list[tuple[str, int | None, str]]:
    return [(p.code, p.location.row, Path(p.location.file).name) for p in problems.items if p.severity == "error"]


UNSAFE = ["../../etc", "con", "NUL", "aux.txt", "com1", ".", "a/b", "a\\b", "单" * 300, "单位.", 'a"b', "a:b"]


@pytest.mark.parametrize("name", UNSAFE, ids=[n[:12] for n in UNSAFE])
def test_check_refuses_every_name_run_refuses(name, three_units, tmp_path):
    """Whatever check accepts run turns into a report: a name safe_component (run's output folder) refuses is
    an error of check at the unit's cell of units.csv (data row 1 → spreadsheet row 3), column 预算单位."""
    with pytest.raises(UnsafePathError):
        safe_component(name, "unit")
    folder = _copy(three_units, tmp_path)
    _rename_unit(folder, "合成数据单位00001", name)
    data, problems = inspect_path(folder, YEAR)
    assert data is None
    [unsafe] = [p for p in problems.items if p.code == "UNSAFE_UNIT_NAME"]
    assert (Path(unsafe.location.file).name, unsafe.location.row, unsafe.location.column) == (
        "units.csv",
        3,
        "预算单位",
    )
    assert "cannot name its report folder" in unsafe.message


def test_safe_names_pass(three_units):
    """The synthetic names (合成数据单位00000 …) are folder names: no UNSAFE_UNIT_NAME, the data loads."""
    data, problems = inspect_path(three_units, YEAR)
    assert data is not None and data.orgs == ["合成数据单位00000", "合成数据单位00001", "合成数据单位00002"]
    assert not [p for p in problems.items if p.code == "UNSAFE_UNIT_NAME"]


def test_one_units_error_is_that_units_alone(three_units, tmp_path):
    """A typo in 合成数据单位00001's first project (projects.csv data row 2 → spreadsheet row 4): check reports it
    once; loading 00001 fails with it alone; 00000 and 00002 load, their figures equal to the clean data's."""
    folder = _copy(three_units, tmp_path)
    path = folder / "projects.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[3].startswith("合成数据单位00001,项目1,")
    cells = lines[3].split(",")
    cells[5] = "123x"  # 全年预算数 (budget): 18.45 in the clean data
    lines[3] = ",".join(cells)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")

    _, problems = inspect_path(folder, YEAR)
    assert _codes(problems) == [("INVALID", 4, "projects.csv")]
    with pytest.raises(InputError) as failed:
        load_path(folder, YEAR, unit="合成数据单位00001")
    assert [(p.location.row, p.found) for p in failed.value.errors] == [(4, "'123x'")]
    clean = load_path(three_units, YEAR)
    for org in ("合成数据单位00000", "合成数据单位00002"):
        got = load_path(folder, YEAR, unit=org).slice(org)
        want = clean.slice(org)
        assert got.tables["projects"]["budget"].tolist() == want.tables["projects"]["budget"].tolist()
        assert len(got.tables["indicators"]) == len(want.tables["indicators"]) == 4
    # load_year (what run calls) for the other units, the bad unit's rows left out
    assert load_year(YEAR, tmp_path / "data", "合成数据单位00002").tables["projects"]["budget"].tolist() == [
        pytest.approx(b) for b in clean.slice("合成数据单位00002").tables["projects"]["budget"]
    ]


def test_an_error_of_every_unit_stops_every_unit(three_units, tmp_path):
    """A profile error (no single unit's row) holds for every unit: each load fails with it."""
    folder = _copy(three_units, tmp_path)
    profile = yaml.safe_load((folder / "profile.yaml").read_text(encoding="utf-8"))
    profile["year"] = 2021
    (folder / "profile.yaml").write_text(yaml.safe_dump(profile, allow_unicode=True), encoding="utf-8")
    for org in ("合成数据单位00000", "合成数据单位00002"):
        with pytest.raises(InputError) as failed:
            load_path(folder, YEAR, unit=org)
        assert [p.code for p in failed.value.errors] == ["YEAR_MISMATCH"]


def test_unit_listed_without_rows(three_units, tmp_path):
    """A fourth unit in units.csv (spreadsheet row 5) with no row anywhere: refused there; its total is never
    reported (the others load on their own)."""
    folder = _copy(three_units, tmp_path)
    with open(folder / "units.csv", "a", encoding="utf-8") as handle:
        handle.write("合成数据单位00009" + "," * 21 + "\n")
    data, problems = inspect_path(folder, YEAR)
    assert data is None and _codes(problems) == [("UNIT_WITHOUT_ROWS", 5, "units.csv")]
    assert "合成数据单位00009: 0 rows" in problems.items[0].found
    with pytest.raises(InputError):
        load_path(folder, YEAR, unit="合成数据单位00009")
    assert load_path(folder, YEAR, unit="合成数据单位00000").slice("合成数据单位00000").unit == "合成数据单位00000"


def _data_2022(tmp_path: Path, **profile: object) -> Path:
    folder = tmp_path / str(YEAR)
    shutil.copytree(DATA / str(YEAR), folder)
    text = (folder / "profile.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    data.update(profile)
    (folder / "profile.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("kind", "needs"),
    [("project", "exactly one project"), ("department", "department indicators"), ("department_full", "department")],
)
def test_stated_kind_contradicting_the_tables(kind, needs, tmp_path):
    """data/2022 is a 部门整体 with 3 projects, 2 budget lines and no department indicator: stated 项目 (its total
    would be one project's 85) or 部门整体自评表 (no department table to total) is refused at profile.yaml's key."""
    data, problems = inspect_path(_data_2022(tmp_path, report_kind=kind), YEAR)
    assert data is None
    [p] = problems.items
    assert (p.code, Path(p.location.file).name, p.location.column) == (
        "KIND_CONTRADICTED",
        "profile.yaml",
        "report_kind",
    )
    assert p.found == "3 个项目，2 个支出项目行，部门整体指标：无" and needs in p.expected


@pytest.mark.parametrize("kind", ["department_projects", "projects"])
def test_stated_kind_the_tables_fit(kind, tmp_path):
    """The kinds 2022's tables can be (its own: 部门整体含项目; several projects) load as stated."""
    data, problems = inspect_path(_data_2022(tmp_path, report_kind=kind), YEAR)
    assert data is not None and not problems.items
    assert data.kind == kind


def test_real_units_states_fit():
    """Every real unit that states its kind (4 × project, 1 × department) loads: the check refuses no real data."""
    stated = [p.parent for p in DATA.glob("*/*/profile.yaml") if "report_kind" in p.read_text(encoding="utf-8")]
    assert len(stated) == 5
    for folder in stated:
        data = load_path(folder, int(folder.name))
        assert data.kind == yaml.safe_load((folder / "profile.yaml").read_text(encoding="utf-8"))["report_kind"]


def test_department_lines_without_indicators(tmp_path):
    """2022's budget lines alone (projects and indicators emptied): refused — its total would have been the
    published 87 良好 taken for a computed one."""
    folder = _data_2022(tmp_path)
    for name in ("projects.csv", "indicators.csv"):
        path = folder / name
        path.write_text(path.read_text(encoding="utf-8").splitlines()[0] + "\n", encoding="utf-8")
    data, problems = inspect_path(folder, YEAR)
    assert data is None and _codes(problems) == [("DEPARTMENT_WITHOUT_INDICATORS", None, "indicators.csv")]
    assert problems.items[0].found.startswith("2 个支出项目行")


def _rule_file(tmp_path: Path, text: str) -> str:
    path = tmp_path / "rules.yaml"
    path.write_text("extends: mof\ntitle: 测试\n" + text, encoding="utf-8")
    return str(path)


def test_equal_tier_thresholds_refused(tmp_path):
    path = _rule_file(
        tmp_path,
        "rules:\n  tiers_overrun: {type: tiered, measure: overrun, tiers: [[0.1, 1.0], [0.2, 0.5], [0.1, 0.25]], "
        "otherwise: 0.0}\n",
    )
    with pytest.raises(ParamsError) as refused:
        load_rules(path)
    assert (refused.value.file, refused.value.key) == (path, "rules.tiers_overrun.tiers[2][0]")
    assert "tier 0 has the same bound 0.1" in str(refused.value)


def test_distinct_tiers_load(tmp_path):
    path = _rule_file(
        tmp_path,
        "rules:\n  tiers_overrun: {type: tiered, measure: overrun, tiers: [[0.1, 1.0], [0.2, 0.5]], otherwise: 0}\n",
    )
    assert load_rules(path).rules["tiers_overrun"]["tiers"] == [[0.1, 1.0], [0.2, 0.5]]


@pytest.mark.parametrize(
    ("bands", "key", "other"),
    [
        ("{达成: [0.7, 1.0], 部分达成: [0.6, 0.8], 未达成: [0.0, 0.6]}", "qualitative.bands.达成", "部分达成"),
        ("{达成: [0.8, 1.0], 部分达成: [0.8, 1.0], 未达成: [0.0, 0.8]}", "qualitative.bands.部分达成", "达成"),
        ("{达成: [0.8, 1.0], 部分达成: [0.5, 0.8], 未达成: [0.0, 0.6]}", "qualitative.bands.部分达成", "未达成"),
    ],
)
def test_overlapping_qualitative_bands_refused(bands, key, other, tmp_path):
    path = _rule_file(tmp_path, f"qualitative:\n  bands: {bands}\n")
    with pytest.raises(ParamsError) as refused:
        load_rules(path)
    assert (refused.value.file, refused.value.key) == (path, key)
    assert f"not overlapping 「{other}」" in str(refused.value)


def test_touching_qualitative_bands_load(tmp_path):
    """mof's own bands touch at 0.6 and 0.8: accepted."""
    path = _rule_file(tmp_path, "qualitative:\n  bands: {达成: [0.8, 1.0], 部分达成: [0.6, 0.8], 未达成: [0.0, 0.6]}\n")
    assert load_rules(path).qualitative["bands"]["部分达成"] == [0.6, 0.8]


def test_equal_grade_thresholds_named_with_file_and_key(tmp_path):
    path = _rule_file(
        tmp_path,
        "grade_bands:\n  - {grade: 优, lower: 90, upper: 100}\n  - {grade: 良, lower: 90, upper: 90}\n"
        "  - {grade: 中, lower: 60, upper: 90}\n  - {grade: 差, lower: 0, upper: 60}\n",
    )
    with pytest.raises(ParamsError) as refused:
        load_rules(path)
    assert (refused.value.file, refused.value.key) == (path, "grade_bands")
    assert "等级「良」下限 90 不小于上限 90" in str(refused.value)


def test_check_of_one_unit_is_what_run_of_it_loads(three_units, tmp_path):
    """`check 2022 --unit X` on a many-unit folder checks X as `run --unit X` loads it: another unit's error is
    not X's (0 errors), X's own error is, and a unit the data does not list is refused (run refuses it too)."""
    from evaltools.data.years import check_year

    folder = _copy(three_units, tmp_path)
    path = folder / "indicators.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    assert lines[5].startswith("合成数据单位00001,")
    lines[5] = lines[5].replace(",True,", ",也许,", 1)  # 是否适用 (applicable): a yes/no cell
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    root = tmp_path / "data"
    _, data, problems = check_year(YEAR, root, "合成数据单位00000")
    assert data is not None and not [p for p in problems.items if p.severity == "error"]
    _, data, problems = check_year(YEAR, root, "合成数据单位00001")
    assert data is None and _codes(problems) == [("INVALID", 6, "indicators.csv")]
    _, data, problems = check_year(YEAR, root, "不存在的单位")
    assert data is None and _codes(problems)[-1] == ("UNKNOWN_UNIT", None, "units.csv")


def test_row_of_another_year_is_that_units(three_units, tmp_path):
    """units.csv with a year column: 合成数据单位00001's row says 2021 in the 2022 data — refused at its cell
    (units.csv row 3, column year); the other units load."""
    folder = _copy(three_units, tmp_path)
    path = folder / "units.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines = [lines[0] + ",year", lines[1] + ",2022", lines[2] + ",2021", lines[3] + ",2022.0"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    data, problems = inspect_path(folder, YEAR)
    assert data is None and _codes(problems) == [("ROW_YEAR_MISMATCH", 3, "units.csv")]
    assert problems.items[-1].found == "2021" and problems.items[-1].location.column == "year"
    assert load_path(folder, YEAR, unit="合成数据单位00002").orgs == ["合成数据单位00000", "合成数据单位00002"]


def test_department_scored_by_cost_control_loads(tmp_path):
    """A 部门整体 scored by its 经费控制 table (Hunan 2018: one budget line, no indicator) is a department's content:
    stated department, it loads (neither KIND_CONTRADICTED nor DEPARTMENT_WITHOUT_INDICATORS)."""
    from tests.scoring.test_cost_control import HUNAN_2018

    folder = tmp_path / "2018"
    folder.mkdir()
    (folder / "profile.yaml").write_text(
        "unit: 湖南某部门（原文未署名）\nyear: 2018\nreport_kind: department\n", "utf-8"
    )
    (folder / "budget_lines.csv").write_text("line,budget,spent\n部门整体支出,1922.76,2690.62\n", "utf-8")
    (folder / "cost_control.csv").write_text(HUNAN_2018, "utf-8")
    data, problems = inspect_path(folder, 2018)
    assert data is not None and data.kind == "department"
    assert not [p for p in problems.items if p.severity == "error"]
