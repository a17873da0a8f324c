"""Safety: hostile text in the data stays text through the whole pipeline (HTML, PDF, xlsx, charts),
YAML is parsed safely, and parameters reach the notebook as data, never as code."""

from __future__ import annotations

import ast
import json
import re
import shutil
import subprocess
import sys

import nbformat
import pandas as pd
import pytest
import yaml
from bs4 import BeautifulSoup

from evaltools.errors import ParamsError
from evaltools.params import job_params, load_job, safe_yaml_load
from evaltools.run.runner import execute, run_report

SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(2)>"
MD_LINK = "[x](javascript:alert(3))"
A_JS = '<a href="javascript:alert(4)">y</a>'
MIXED = "**bold** <b>b</b> $x$"
QUOTED = "He said \"hi\" & 'bye'\nsecond line \\ end"
MATH_BAD = r"$\nope{$"  # mathtext that fails to parse: drawing it unescaped raises
FORMULA = '=HYPERLINK("http://evil.example/","click")'

UNIT = f"单位{SCRIPT} {MATH_BAD}"
PROJECT = f"{MATH_BAD} $x$ 项目{A_JS}{MIXED}"  # $…$ first: chart labels keep the first 16 characters
LEVEL3 = f"指标{IMG}{MD_LINK}"
HOSTILE = [SCRIPT, IMG, MD_LINK, A_JS, MIXED, QUOTED, UNIT, PROJECT, LEVEL3]


def _hostile_year(root, tmp_path):
    """tmp/data/2022: the 2022 data with hostile text in every free-text place the report shows."""
    dst = tmp_path / "data" / "2022"
    shutil.copytree(root / "data" / "2022", dst)
    prof = yaml.safe_load((dst / "profile.yaml").read_text(encoding="utf-8"))
    prof["unit"] = UNIT
    prof["goals"] = [IMG, MD_LINK, A_JS, MIXED, QUOTED]
    prof["problems"] = [SCRIPT + " " + QUOTED]
    (dst / "profile.yaml").write_text(yaml.safe_dump(prof, allow_unicode=True), encoding="utf-8")

    def edit(name, fn):
        frame = pd.read_csv(dst / name, dtype=str, keep_default_na=False)
        fn(frame)
        frame.to_csv(dst / name, index=False)

    old = "失业就业服务"

    def projects(f):
        f.loc[f.project == old, ["goal", "result"]] = [MD_LINK + A_JS, QUOTED + IMG]
        f.loc[f.project == old, "project"] = PROJECT

    def indicators(f):
        rows = f.index[f.project == old]
        f.loc[rows[0], "level3"] = LEVEL3
        f.loc[rows[1], "deviation"] = QUOTED + SCRIPT
        f.loc[rows[3], "deviation"] = FORMULA
        f.loc[rows, "project"] = PROJECT

    def team(f):
        f.loc[0, "name"], f.loc[1, "unit"], f.loc[2, "note"], f.loc[3, "post"] = SCRIPT, A_JS, QUOTED, MIXED

    edit("projects.csv", projects)
    edit("indicators.csv", indicators)
    edit("team.csv", team)
    return tmp_path / "data"


@pytest.fixture(scope="module")
def hostile_run(root, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    data = _hostile_year(root, tmp)
    result = run_report(
        job_params(
            dict(year=2022, data_dir=str(data), output_dir=str(tmp / "out"), formats=["html", "pdf", "xlsx", "json"])
        )
    )
    return result


@pytest.mark.slow
def test_hostile_data_loads_with_the_text_intact(hostile_run):
    summary = json.loads((hostile_run.output_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["unit"] == UNIT
    assert PROJECT in [p["name"] for p in summary["projects"]]
    # the hostile text changes no figure: the 2022 recomputation, (85 + 84.67 + 90) / 3 = 86.56
    assert summary["overall"]["computed_score"] == pytest.approx((85 + 84.67 + 90) / 3)


@pytest.mark.slow
def test_html_has_no_active_content(hostile_run):
    html = (hostile_run.output_dir / "report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("script") is None
    assert soup.find("iframe") is None and soup.find("object") is None and soup.find("embed") is None
    handlers = [(tag.name, attr) for tag in soup.find_all(True) for attr in tag.attrs if attr.lower().startswith("on")]
    assert handlers == []
    for tag in soup.find_all(True):
        for attr in ("href", "src", "action", "formaction", "xlink:href"):
            value = re.sub(r"\s", "", str(tag.get(attr, ""))).lower()
            assert not value.startswith("javascript:"), (tag.name, attr, value)
    # the only links are the table of contents', the only images the notebook's charts (图 1–3; one year: no trend)
    assert all(a["href"].startswith("#") for a in soup.find_all("a", href=True))
    images = soup.find_all("img")
    assert len(images) == 3 and all(img["src"].startswith("data:image/png;base64,") for img in images)
    assert all(img.find_parent("figure", class_="chart") is not None for img in images)
    # no markup from the data was interpreted: no <b> holding just "b", no markdown bold
    assert not [b for b in soup.find_all("b") if b.get_text() == "b"]
    assert soup.find("strong") is None and soup.find("em") is None


@pytest.mark.slow
def test_html_shows_hostile_strings_as_text(hostile_run):
    soup = BeautifulSoup((hostile_run.output_dir / "report.html").read_text(encoding="utf-8"), "html.parser")
    text = soup.get_text()
    for s in HOSTILE:
        assert s in text, s
    assert soup.title.get_text() == f"{UNIT} 2022 年度整体支出绩效自评报告"
    team_cells = [td.get_text() for td in soup.select("#s-team td")]
    assert SCRIPT in team_cells and A_JS in team_cells and QUOTED in team_cells and MIXED in team_cells
    goals = [li.get_text() for li in soup.select("ol.goals li")]
    assert goals == [IMG, MD_LINK, A_JS, MIXED, QUOTED]


@pytest.mark.slow
def test_pdf_written_with_hostile_text(hostile_run):
    import pypdfium2 as pdfium

    path = hostile_run.output_dir / "report.pdf"
    assert path.read_bytes()[:5] == b"%PDF-"
    pdf = pdfium.PdfDocument(str(path))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    pdf.close()
    flat = re.sub(r"\s+", "", text)
    for s in (SCRIPT, IMG, A_JS, MD_LINK, "**bold**<b>b</b>$x$"):
        assert re.sub(r"\s+", "", s) in flat, s


@pytest.mark.slow
def test_xlsx_keeps_hostile_strings_as_text_cells(hostile_run):
    import openpyxl

    wb = openpyxl.load_workbook(hostile_run.output_dir / "自评表.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # no formula anywhere
    values = [c.value for c in cells if isinstance(c.value, str)]
    for s in (UNIT, PROJECT, LEVEL3, QUOTED + IMG, QUOTED + SCRIPT):
        assert any(s in v for v in values), s
    formula_like = [c for c in cells if isinstance(c.value, str) and c.value.startswith(FORMULA)]
    assert formula_like and all(c.data_type == "s" for c in formula_like)


def test_chart_labels_escape_mathtext(ev_2022):
    """Project and unit names with ``$…$`` are drawn literally; unescaped, MATH_BAD makes matplotlib raise."""
    import io
    from dataclasses import replace

    from matplotlib.figure import Figure

    import evaltools.report.charts as charts
    from evaltools import evaluate

    probe = Figure()
    probe.text(0, 0, MATH_BAD)
    with pytest.raises(ValueError):  # the probe string really is fatal when not escaped
        probe.savefig(io.BytesIO(), format="png")

    data = ev_2022.data
    projects = data.projects.copy()
    indicators = data.indicators.copy()
    first = projects.loc[0, "project"]
    projects.loc[0, "project"] = PROJECT
    indicators.loc[indicators["project"] == first, "project"] = PROJECT
    indicators.loc[indicators.index[0], "level3"] = f"{MATH_BAD} {MIXED}"
    data = type(data)(replace(data.profile, unit=UNIT), {**data.tables, "projects": projects, "indicators": indicators})
    ev = evaluate(data, ev_2022.rules)
    for name in ("budget_vs_spending", "execution_rates", "indicator_completion", "score_composition"):
        fig = getattr(charts, name)(ev)
        fig.savefig(io.BytesIO(), format="png", dpi=40)
        labels = [t.get_text() for ax in fig.axes for t in ax.get_yticklabels()] + (
            [fig._suptitle.get_text()] if fig._suptitle else []
        )
        assert any(r"\$" in label for label in labels), (name, labels)


# --------------------------------------------------------------------------- safe YAML

TAGS = [
    '!!python/object/apply:os.system ["touch {marker}"]',
    '!!python/object/new:os.system ["touch {marker}"]',
    "!!python/name:os.system",
    "!!python/object:evaltools.params.JobParams {{year: 1}}",
]


@pytest.mark.parametrize("tag", TAGS, ids=["apply", "new", "name", "object"])
def test_job_yaml_with_python_tag_is_refused(tmp_path, tag):
    marker = tmp_path / "pwned"
    job = tmp_path / "job.yaml"
    job.write_text(f"year: 2022\ntitle: {tag.format(marker=marker)}\n", encoding="utf-8")
    with pytest.raises(ParamsError, match=r"YAML tag refused.*only plain data") as info:
        load_job(job)
    assert str(job) in str(info.value)
    assert not marker.exists()


@pytest.mark.parametrize("target", ["rules/qiaoxi2022.yaml", "rules/mof.yaml", "grade_bands.yaml"])
def test_rules_yaml_with_python_tag_is_refused(root, tmp_path, target):
    from evaltools.scoring.rules import load_rules

    params_dir = tmp_path / "params"
    shutil.copytree(root / "params", params_dir)
    load_rules("qiaoxi2022", params_dir)  # the copy is valid as it is
    marker = tmp_path / "pwned"
    path = params_dir / target
    path.write_text(
        path.read_text(encoding="utf-8") + f'\nx_evil: !!python/object/apply:os.system ["touch {marker}"]\n',
        encoding="utf-8",
    )
    with pytest.raises(ParamsError, match="YAML tag refused") as info:
        load_rules("qiaoxi2022", params_dir)  # qiaoxi2022 extends mof and uses grade_bands.yaml
    assert target.split("/")[-1] in str(info.value)
    assert not marker.exists()


def test_safe_yaml_load_plain_data_still_works():
    assert safe_yaml_load("a: [1, x]\nb: {c: 中文}\n") == {"a": [1, "x"], "b": {"c": "中文"}}
    with pytest.raises(ParamsError, match="malformed YAML at line 2, column 5"):
        safe_yaml_load("a: 1\nb: x: y\n")


def test_cli_refuses_tagged_params_file(root, tmp_path):
    marker = tmp_path / "pwned"
    job = tmp_path / "job.yaml"
    job.write_text(f'year: 2022\nrules: !!python/object/apply:os.system ["touch {marker}"]\n', encoding="utf-8")
    res = subprocess.run(
        [sys.executable, "-m", "evaltools.cli", "run", "--params", str(job), "--output-dir", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        cwd=root,
        timeout=120,
    )
    assert res.returncode == 2, res.stderr
    assert "YAML tag refused" in res.stderr and "Traceback" not in res.stderr
    assert not marker.exists() and not (tmp_path / "out").exists()


# --------------------------------------------------------------------------- parameters are data

QUOTES_TITLE = "a \"quoted\" 'x'\nnew line \\ end"


def _injected(nb) -> dict:
    """The injected-parameters cell as {name: value}; fails unless it holds only literal assignments."""
    cell = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    tree = ast.parse(cell.source)
    values = {}
    for node in tree.body:
        assert isinstance(node, ast.Assign) and len(node.targets) == 1, ast.dump(node)
        values[node.targets[0].id] = ast.literal_eval(node.value)
    return values


def _echo_notebook(path):
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    params = nbformat.v4.new_code_cell("params = {}")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("print(repr(params['title']))")]
    nbformat.write(nb, path)
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    "title",
    [
        QUOTES_TITLE,
        '"); import os; os.system("touch {marker}"); ("',
        "'''\nimport os; os.system('touch {marker}')\n'''",
        '\\"; __import__("os").system("touch {marker}") #',
        "\\\n__import__('os').system('touch {marker}')",
        "中文 \t \x07 \u2028 end",
    ],
    ids=["quotes", "double-quote-break", "triple-quote", "escaped-quote", "line-continuation", "unicode-controls"],
)
def test_parameters_reach_the_kernel_as_data(root, tmp_path, title):
    marker = tmp_path / "pwned_evaltools"
    title = title.replace("{marker}", str(marker))
    params = job_params(dict(year=2022, data_dir=str(root / "data"), title=title))
    nb = execute(params, tmp_path, notebook=_echo_notebook(tmp_path / "echo.ipynb"), cwd=tmp_path)
    assert _injected(nb)["params"]["title"] == title
    stdout = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("output_type") == "stream")
    assert stdout == repr(title) + "\n"  # what the kernel received is exactly the string
    assert not marker.exists()


@pytest.mark.slow
def test_report_notebook_runs_with_hostile_title(root, tmp_path):
    marker = tmp_path / "pwned_evaltools"
    title = QUOTES_TITLE + f'"); import os; os.system("touch {marker}"); ("'
    params = job_params(dict(year=2022, data_dir=str(root / "data"), title=title))
    execute(params, tmp_path)
    nb = nbformat.read(tmp_path / "report.ipynb", as_version=4)
    values = _injected(nb)["params"]
    assert values["title"] == title and values["year"] == 2022 and values["data_dir"] == str(root / "data")
    assert not marker.exists()
    errors = [o for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "error"]
    assert errors == []
