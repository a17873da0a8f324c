"""Round trips: evaltools' own 自评表.xlsx reads back as the data it was written from; a .docx written from the
same data in the standard layout reads back the same; an imported form written as a CSV folder loads back equal."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from evaltools import fmt
from evaltools.data.folder import write_folder
from evaltools.data.forms import read_file
from evaltools.data.load import load_path
from evaltools.report.form import write_selfeval_form
from evaltools.scoring.evaluation import evaluate
from tests.formkit import chongqing, sichuan, spec_from_evaluation, standard, write_docx, write_xlsx

PROFILE = "unit: 某某区文化馆\nyear: 2023\nreport_kind: department_projects\n"
PROJECTS = """project,department,implementer,budget_initial,budget,spent,fiscal_current,carryover,other_funds,execution_weight,published_score,goal,result
群众文化活动,某某区文化和旅游局,某某区文化馆,80,100,92.5,70,20,10,10,,举办群众文化活动。,举办活动 58 场。
非遗保护传承,某某区文化和旅游局,某某区文化馆,30,30,30,30,,,10,88,保护非遗项目。,完成非遗项目保护。
"""
INDICATORS = """project,level1,level2,level3,unit,direction,target,target_high,actual,weight,panel_score,qualitative_grade,applicable,parent,deviation
群众文化活动,产出指标,数量指标,举办活动场次,场,≥,50,,58,15,,,,,
群众文化活动,产出指标,数量指标,其中：广场演出,场,,,,20,,,,,举办活动场次,
群众文化活动,产出指标,数量指标,培训人次,人次,≥,1000,,800,15,,,,,疫情影响，部分培训取消
群众文化活动,产出指标,质量指标,活动达标率,%,≥,95%,,97%,10,,,,,
群众文化活动,产出指标,时效指标,完成时间,月,≤,12,,11,5,,,,,
群众文化活动,产出指标,成本指标,单场成本,万元,≤,1.5,,1.6,5,,,,,
群众文化活动,效益指标,社会效益指标,参与群众人数,人,区间,4000,6000,7000,20,,,,,
群众文化活动,效益指标,可持续影响指标,活动品牌影响,,定性,,,,10,9,达成,,,
群众文化活动,满意度指标,服务对象满意度指标,群众满意度,%,≥,90%,,96%,10,,,,,
群众文化活动,效益指标,生态效益指标,节能减排,,定性,,,,,,,否,,
非遗保护传承,产出指标,数量指标,保护项目数,个,≥,5,,5,30,30,,,,
非遗保护传承,产出指标,质量指标,档案完整率,%,≥,100%,,100%,20,20,,,,
非遗保护传承,效益指标,社会效益指标,传承活动影响,,定性,,,,30,24,部分达成,,,
非遗保护传承,满意度指标,服务对象满意度指标,传承人满意度,%,≥,90%,,85%,10,8,,,,
"""


@pytest.fixture(scope="module")
def culture(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data") / "2023"
    folder.mkdir()
    (folder / "profile.yaml").write_text(PROFILE, encoding="utf-8")
    (folder / "projects.csv").write_text(PROJECTS, encoding="utf-8")
    (folder / "indicators.csv").write_text(INDICATORS.replace("其中：广场演出", "广场演出"), encoding="utf-8")
    data = load_path(folder)
    return data, evaluate(data, "mof")


def _printed(data, ev) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The projects and indicators as their 自评表 prints them: the recomputed scores and grades (总分 = Σ 得分), the rates;
    targets and actuals with the text they are printed as; a direction the standard layout does not print
    (=, 定性) left for the reader to infer."""
    p = ev.projects
    projects = data.projects.copy()
    projects["execution_weight"] = p["execution_weight"].to_numpy()
    projects["stated_rate"] = p["execution_rate"].to_numpy()
    projects["published_execution_score"] = p["execution_score"].to_numpy()
    projects["published_score"] = p["computed_score"].to_numpy()  # 总分 = Σ 得分 (report/form/project.py)
    projects["published_grade"] = p["computed_grade"].to_numpy()
    ind = data.indicators.copy()
    rows = list(ev.indicators.itertuples(index=False))
    ind["target_text"] = [fmt.indicator_target(r) for r in rows]
    ind["actual_text"] = [fmt.indicator_actual(r) for r in rows]
    ind["direction"] = ind["direction"].map(lambda d: None if d in ("=", "qualitative") else d)
    scored = ev.indicators["scored"].to_numpy(dtype=bool)
    ind["panel_score"] = np.where(scored, ev.indicators["score"], np.nan)
    ind["unit"] = ind["unit"].where(ind["target"].notna() | ind["actual"].notna())
    ind["weight"] = ind["weight"].where(ind["parent"].isna())  # a breakdown's 分值 is printed blank
    return projects, ind


PROJECT_COLUMNS = [
    "project",
    "department",
    "implementer",
    "budget_initial",
    "budget",
    "spent",
    "fiscal_current",
    "carryover",
    "other_funds",
    "execution_weight",
    "stated_rate",
    "published_execution_score",
    "published_score",
    "published_grade",
    "goal",
    "result",
]
INDICATOR_COLUMNS = [
    "project",
    "level1",
    "level2",
    "level3",
    "parent",
    "unit",
    "direction",
    "target",
    "target_high",
    "target_text",
    "actual",
    "actual_text",
    "qualitative_grade",
    "weight",
    "panel_score",
    "applicable",
    "deviation",
]


def _none(frame: pd.DataFrame) -> pd.DataFrame:
    """Missing text as None in both frames (None and NaN are the same missing value here)."""
    return frame.apply(lambda c: c.astype(object).where(c.notna(), None) if not pd.api.types.is_numeric_dtype(c) else c)


def _same(got: pd.DataFrame, expected: pd.DataFrame, columns: list[str]) -> None:
    pd.testing.assert_frame_equal(
        _none(got[columns].reset_index(drop=True)),
        _none(expected[columns].reset_index(drop=True)),
        check_dtype=False,
        check_exact=False,
        rtol=1e-12,
    )


def _forms(path) -> list:
    forms, failures = read_file(path)
    assert failures == [], [f.reason for f in failures]
    return forms


def test_our_own_form_reads_back_as_its_data(tmp_path, culture):
    data, ev = culture
    forms = _forms(write_selfeval_form(ev, tmp_path / "自评表.xlsx"))  # the 部门整体 summary sheet is no form
    projects, indicators = _printed(data, ev)
    assert [f.part for f in forms] == ["群众文化活动", "非遗保护传承"]
    for form, name in zip(forms, projects["project"]):
        got = form.data
        assert (got.kind, got.unit, got.year) == ("project", "某某区文化馆", 2023)
        assert got.profile.published_total == ev.projects.set_index("project").at[name, "computed_score"]
        _same(got.projects, projects[projects["project"] == name], PROJECT_COLUMNS)
        _same(got.indicators, indicators[indicators["project"] == name], INDICATOR_COLUMNS)
        again = evaluate(got, "mof")  # and it scores as it was scored
        before = ev.projects.set_index("project").loc[name]
        assert again.projects.iloc[0]["computed_score"] == pytest.approx(before["computed_score"], abs=1e-9)


def test_a_word_form_of_the_same_data_reads_back_the_same(tmp_path, culture):
    data, ev = culture
    xlsx = _forms(write_selfeval_form(ev, tmp_path / "自评表.xlsx"))
    laid = [standard(spec_from_evaluation(ev, name)) for name in data.projects["project"]]
    docx = _forms(write_docx(tmp_path / "自评表.docx", laid))
    assert len(docx) == 2
    for a, b in zip(xlsx, docx):
        _same(b.data.projects, a.data.projects, PROJECT_COLUMNS)
        _same(b.data.indicators, a.data.indicators, INDICATOR_COLUMNS)
        assert b.data.profile == a.data.profile


def test_the_real_2022_report_reads_back_its_figures(tmp_path, ev_2022, data_2022):
    """石家庄市桥西区就业服务中心 2022: every project's funds, names, weights and assessed scores come back; its
    descriptive targets (约1000个) come back as the text they are printed as."""
    forms = _forms(write_selfeval_form(ev_2022, tmp_path / "自评表.xlsx"))
    projects, indicators = _printed(data_2022, ev_2022)
    got = pd.concat([f.data.projects for f in forms], ignore_index=True)
    _same(got, projects, PROJECT_COLUMNS[:9] + PROJECT_COLUMNS[10:])
    got = pd.concat([f.data.indicators for f in forms], ignore_index=True)
    _same(got, indicators, ["project", "level1", "level2", "level3", "parent", "weight", "panel_score", "target_text"])


@pytest.mark.parametrize("layout", ["standard", "sichuan", "chongqing"])
def test_an_imported_form_as_a_csv_folder_loads_back_equal(tmp_path, culture, layout):
    from tests.data.test_forms_read import QINGSHEN, RONGMEITI

    data, ev = culture
    laid = {
        "standard": lambda: standard(spec_from_evaluation(ev, "群众文化活动")),
        "sichuan": lambda: sichuan(QINGSHEN),
        "chongqing": lambda: chongqing(RONGMEITI),
    }[layout]()
    for path in (write_xlsx(tmp_path / "f.xlsx", [("s", [laid])]), write_docx(tmp_path / "f.docx", [laid])):
        (form,) = _forms(path)
        assert load_path(write_folder(form.data, tmp_path / path.suffix[1:])) == form.data


def test_import_command_writes_folders_that_check_passes(tmp_path, culture, root):
    data, ev = culture
    write_selfeval_form(ev, tmp_path / "in" / "自评表.xlsx")
    (tmp_path / "in" / "old.xls").write_bytes(b"legacy")
    run = lambda *args: subprocess.run(  # noqa: E731
        [sys.executable, "-m", "evaltools.cli", *args], capture_output=True, text=True, cwd=root
    )
    done = run("import", str(tmp_path / "in"), "--output-dir", str(tmp_path / "out"))
    assert done.returncode == 2, done.stderr
    assert (
        "✓" in done.stdout and "old.xls" in done.stderr and "另存为" in done.stderr and "Traceback" not in done.stderr
    )
    index = pd.read_csv(tmp_path / "out" / "forms.csv", encoding="utf-8-sig")
    assert index["project"].tolist() == ["群众文化活动", "非遗保护传承"]
    folder = tmp_path / "out" / index["folder"].iloc[0]
    assert {p.name for p in folder.iterdir()} == {"profile.yaml", "projects.csv", "indicators.csv"}
    checked = run("check", "2023", "--path", str(folder))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert textwrap.dedent("由 evaltools import 读自") in (folder / "profile.yaml").read_text(encoding="utf-8")
