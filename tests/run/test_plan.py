"""Planning a run: which reports the command line and a params file ask for, each one resolved JobParams."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from evaltools.errors import ParamsError
from evaltools.params import JobParams, RuleChoice, job_params, job_to_dict
from evaltools.run.plan import plan_jobs


def _pairs(jobs: list[JobParams]) -> list[tuple]:
    return [(j.unit, j.year) for j in jobs]


@pytest.fixture
def folder(tmp_path):
    """A data folder of every layout: a single unit's year, unit A's two years, unit B's one year."""
    data = tmp_path / "data"
    for d in ("2021", "A/2020", "A/2021", "B/2021"):
        (data / d).mkdir(parents=True)
    return data


def test_every_unit_and_year_of_the_repository_data(root):
    jobs = plan_jobs({"data_dir": str(root / "data")}, every=True)
    assert _pairs(jobs) == [
        (None, 2022),
        ("上海市普陀区体育事业管理中心", 2022),
        ("四川省某省级部门（原文未署名）", 2017),
        ("天长市水利局", 2022),
        ("池州市贵池区棠溪镇人民政府", 2022),
        ("西部（重庆）科学城融媒体中心", 2021),
        ("青神县发展和改革局", 2023),
    ]
    assert {j.data_dir for j in jobs} == {str((root / "data").resolve())}
    assert {j.rules for j in jobs} == {None} and {j.output_dir for j in jobs} == {
        str(Path("outputs").resolve())
    }  # None: each table's own (profile 评分规则, else mof)


def test_the_repository_year_from_its_params_file(root):
    from evaltools.params import read_job_file

    [job] = plan_jobs(read_job_file(root / "params" / "2022.yaml"), source="params/2022.yaml")
    assert (job.year, job.unit, job.rules, job.formats) == (
        2022,
        None,
        "qiaoxi2022",
        ("html", "pdf", "xlsx", "checklist", "json"),
    )  # the defaults, as `run 2022`
    assert job.data_dir == str((root / "data").resolve())  # found in the project folder wherever we run


def test_selection_on_a_synthetic_folder(folder):
    values = {"data_dir": str(folder)}
    assert _pairs(plan_jobs(values, every=True)) == [(None, 2021), ("A", 2020), ("A", 2021), ("B", 2021)]
    assert _pairs(plan_jobs(values, every=True, years=[2021])) == [(None, 2021), ("A", 2021), ("B", 2021)]
    assert _pairs(plan_jobs(values, every=True, units=["A"])) == [("A", 2020), ("A", 2021)]
    assert _pairs(plan_jobs(values, units=["B", "A"])) == [("B", 2021), ("A", 2020), ("A", 2021)]
    assert _pairs(plan_jobs(values, units=["A"], years=[2019])) == [("A", 2019)]  # its report says: no data
    assert _pairs(plan_jobs(values, years=[2021, 2020, 2021])) == [(None, 2021), (None, 2020)]


def test_the_params_file_year_and_unit_stand_in_for_the_command_line(folder):
    values = {"data_dir": str(folder), "year": 2021, "unit": "A"}
    assert _pairs(plan_jobs(values)) == [("A", 2021)]
    assert _pairs(plan_jobs(values, years=[2020])) == [("A", 2020)]  # the command line's year wins
    assert _pairs(plan_jobs(values, units=["B"])) == [("B", 2021)]
    assert _pairs(plan_jobs(values, every=True)) == [("A", 2021)]  # --all narrowed by the file's year and unit
    assert _pairs(plan_jobs({"data_dir": str(folder), "unit": "A"})) == [("A", 2020), ("A", 2021)]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        (dict(every=True, units=["C"]), r"no data for unit\(s\) C under .*; units found: A, B"),
        (dict(units=["C"]), "no data for unit 'C'"),
        (dict(every=True, years=[1999]), "nothing to run"),
        (dict(), "the year is required"),
    ],
)
def test_what_cannot_be_planned(folder, kwargs, message):
    with pytest.raises(ParamsError, match=message):
        plan_jobs({"data_dir": str(folder)}, **kwargs)


def test_a_title_names_one_report(folder):
    [job] = plan_jobs({"data_dir": str(folder), "title": "桥西区 2021 年度自评"}, years=[2021])
    assert job.title == "桥西区 2021 年度自评"
    with pytest.raises(ParamsError, match="a title names one report, but 2 are planned") as info:
        plan_jobs({"data_dir": str(folder), "title": "桥西区"}, years=[2020, 2021], source="job.yaml")
    assert info.value.key == "title" and info.value.file == "job.yaml"


def test_unknown_keys_and_bad_values_name_their_source(folder):
    with pytest.raises(ParamsError, match="unknown parameter") as info:
        plan_jobs({"data_dir": str(folder), "yaer": 2021}, years=[2021], source="job.yaml")
    assert (info.value.file, info.value.key) == ("job.yaml", "yaer")
    with pytest.raises(ParamsError, match="no rule set 'nope'; available: mof, qiaoxi2022") as info:
        plan_jobs({"data_dir": str(folder), "rules": "nope"}, years=[2021], source="job.yaml")
    assert (info.value.file, info.value.key) == ("job.yaml", "rules")


def test_params_are_resolved_once_and_round_trip_anywhere(tmp_path, monkeypatch):
    """Made in one folder, handed on as plain values and read back in another (as the report's kernel does,
    in the project folder), the parameters are the same object: nothing is resolved twice."""
    (tmp_path / "here" / "mydata").mkdir(parents=True)
    (tmp_path / "here" / "rules.yaml").write_text("extends: mof\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path / "here")
    job = job_params({"year": "2021", "data_dir": "mydata", "output_dir": "out", "rules": "rules.yaml"})
    assert (job.data_dir, job.output_dir) == (
        str(tmp_path.resolve() / "here" / "mydata"),
        str(tmp_path.resolve() / "here" / "out"),
    )
    assert job.rules == str(tmp_path.resolve() / "here" / "rules.yaml") and job.year == 2021
    monkeypatch.chdir(tmp_path)
    assert job_params(job_to_dict(job)) == job
    assert JobParams(**job_to_dict(job)) == job


def test_year_is_required_and_checked():
    with pytest.raises(ParamsError, match="the year is required") as info:
        job_params({"rules": "mof"}, source="job.yaml")
    assert (info.value.file, info.value.key) == ("job.yaml", "year")
    with pytest.raises(TypeError):
        JobParams()  # no default year
    with pytest.raises(ParamsError, match="between 1949 and 2100"):
        JobParams(1900)
    assert job_params({"year": 2023, "title": "  "}).title is None  # a blank title is no title


def test_command_line_plans_and_refuses_before_running(folder, tmp_path):
    from evaltools.cli import app

    for args in (["--all", "--units", "C"], ["--units", "C"], ["--all", "1999"], [], ["2020", "2021", "--title", "x"]):
        res = CliRunner().invoke(app, ["run", *args, "--data-dir", str(folder), "--output-dir", str(tmp_path / "o")])
        assert res.exit_code == 2, res.output
        assert "Traceback" not in res.output
    assert not (tmp_path / "o").exists()


def test_the_rule_set_precedence(root):
    """One precedence for every command (issue 24 item 3): explicit (--rules, a params file) > the profile's
    评分规则 > mof; an explicit choice other than the data's own is honoured and noted."""
    from evaltools.params import chosen_rules

    assert chosen_rules(None, None) == RuleChoice("mof", "default")
    assert chosen_rules(None, "qiaoxi2022") == RuleChoice("qiaoxi2022", "profile")
    assert chosen_rules("qiaoxi2022", "qiaoxi2022") == RuleChoice("qiaoxi2022", "explicit")
    explicit = chosen_rules("mof", "qiaoxi2022")
    assert (explicit.name, explicit.source) == ("mof", "explicit")
    assert explicit.note.startswith("按指定的规则集 mof 计分，数据声明的评分规则为 qiaoxi2022")
    with pytest.raises(ParamsError, match="单位概况.*no rule set 'nosuch'"):
        chosen_rules(None, "nosuch")


def test_the_data_declares_its_rule_set(data_2022):
    """data/2022/profile.yaml: rules: qiaoxi2022 (the published report's bands, 良好 75–89)."""
    assert data_2022.profile.rules == "qiaoxi2022"


def test_the_notebook_scores_with_the_datas_rule_set(root, monkeypatch):
    """The report notebook run by hand (params = {"year": 2022}) scores as `evaltools run 2022`: 87 良好."""
    from evaltools.report import prepare

    monkeypatch.chdir(root / "notebooks")
    ctx = prepare({"year": 2022})
    assert (ctx.params.rules, ctx.ev.total.score, ctx.ev.grade) == ("qiaoxi2022", 87.0, "良好")
