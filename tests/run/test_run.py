"""The whole pipeline: papermill → nbconvert → WeasyPrint → outputs, and the failure path."""

from __future__ import annotations

import ctypes
import json
import re
import subprocess
import sys
from dataclasses import replace

import nbformat
import pytest
from bs4 import BeautifulSoup

from evaltools.params import job_params
from evaltools.run.runner import run_report

pytestmark = pytest.mark.slow
TITLES = [
    "一、部门基本情况",
    "二、自评工作开展情况",
    "三、部门整体支出绩效目标实现情况及指标分析",
    "四、评价结论和评价等级",
    "五、存在的问题及改进措施",
    "六、绩效自评结果应用及公开情况",
    "七、其他需要说明的问题",
    "八、评价工作组人员名单",
    "附件 项目支出绩效自评表",
]


@pytest.fixture(scope="module")
def run_2022(tmp_path_factory, root):
    out = tmp_path_factory.mktemp("outputs")
    return run_report(job_params(dict(year=2022, data_dir=str(root / "data"), output_dir=str(out), rules="qiaoxi2022")))


def test_outputs_written(run_2022):
    names = sorted(p.name for p in run_2022.output_dir.iterdir())
    assert names == ["checklist.html", "report.html", "report.ipynb", "report.pdf", "summary.json", "自评表.xlsx"]
    assert not list(run_2022.output_dir.parent.glob(".tmp-*"))  # no staging left behind
    from evaltools.paths import current_umask

    modes = {oct(p.stat().st_mode & 0o777) for p in run_2022.output_dir.iterdir()}
    assert modes == {oct(0o666 & ~current_umask())}  # readable by others as the umask allows (0644)


def test_summary_json(run_2022):
    summary = json.loads((run_2022.output_dir / "summary.json").read_text(encoding="utf-8"))
    # recomputed from data/2022, not the published 87 / 85, 87, 88 (qiaoxi2022: 执行率 10 + indicators 90):
    # 失业就业服务 10 (6/6 × 10) + 10+10+0+5+10+0 (产出) + 30 (效益) + 10 (满意度) = 85
    # 档案保管和整理 9.67 (2.9/3 × 10) + 10+0+10+0+10+5 + 30 + 10 = 84.67
    # 创业担保贴息 10 (19.25/19.25 × 10) + 50 + 30 + 0 (满意度 not reported) = 90
    assert [p["computed_score"] for p in summary["projects"]] == [85.0, 84.67, 90.0]
    # the department: simple mean (85 + 84.67 + 90) / 3 = 86.56, 良好 (75 ≤ 86.56 < 90)
    assert summary["overall"]["computed_score"] == pytest.approx((85 + 84.67 + 90) / 3)
    assert summary["overall"]["computed_grade"] == "良好"
    assert summary["rates"]["public_expense_control"] == pytest.approx(28.27 / 29.99)


def test_html_is_self_contained_and_complete(run_2022, embedded_font_gaps, external_references):
    html = (run_2022.output_dir / "report.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.html["lang"] == "zh-CN"
    assert soup.title.get_text() == "石家庄市桥西区就业服务中心 2022 年度整体支出绩效自评报告"
    assert soup.find("script") is None and soup.find("link") is None
    for tag in soup.find_all(src=True):
        assert tag["src"].startswith("data:"), tag["src"][:60]
    assert not re.search(r"(?:src|href)\s*=\s*[\"']?(?:https?:)?//", html)
    assert external_references(html) == []
    assert embedded_font_gaps(html)[1] == ""  # every character of the page is in its embedded font
    text = soup.get_text(" ", strip=True)
    for title in TITLES:
        assert title in text
    assert "import evaltools" not in html and "report.prepare" not in html  # no code, no prompts
    assert "In [" not in text and "Traceback" not in html
    # the notebook's charts: 图 1–3 (图 4, the trend, needs two years: no empty box)
    assert len(soup.select("figure.chart img")) == 3
    assert "历年" not in text and "仅有一年" not in text
    assert [a["href"] for a in soup.select("nav.toc a")][:2] == ["#s-basic", "#s-work"]
    assert "@page" in html and "size: A4" in html


def test_pdf_has_chinese_text_and_charts(run_2022):
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(run_2022.output_dir / "report.pdf"))
    text = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    for title in TITLES:
        assert title.replace(" ", "") in text.replace(" ", "").replace("\r", "").replace("\n", "")
    flat = re.sub(r"\s+", "", text)
    assert "日常公用支出：预算数29.99万元，支出数28.27万元，执行率94.26%" in flat
    assert "报告只写'群众和机构满意度。'" in flat  # ASCII quotes survive text extraction
    page = pdf[0].render(scale=1).to_pil().convert("L")
    dark = sum(page.histogram()[:128])  # pixels darker than mid-grey
    assert dark > 5000  # text was drawn, not an empty page
    images = sum(
        1 for i in range(len(pdf)) for obj in pdf[i].get_objects() if obj.type == pdfium.raw.FPDF_PAGEOBJ_IMAGE
    )
    assert images == 3  # one year: no trend figure
    fonts = set()
    for obj in pdf[0].get_objects():
        if obj.type == pdfium.raw.FPDF_PAGEOBJ_TEXT:
            font = pdfium.raw.FPDFTextObj_GetFont(obj.raw)
            name = ctypes.create_string_buffer(256)
            pdfium.raw.FPDFFont_GetBaseFontName(font, name, 256)
            fonts.add((name.value.decode().split("+")[-1], pdfium.raw.FPDFFont_GetIsEmbedded(font)))
    pdf.close()
    assert fonts and all(embedded == 1 and name.startswith("EvalCJK") for name, embedded in fonts), fonts


def test_pdf_navigation(run_2022):
    """The contents give page numbers that match the bookmarks; each 自评表 bookmark names its project;
    no table caption is left alone at the foot of a page."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(run_2022.output_dir / "report.pdf"))
    pages = [pdf[i].get_textpage().get_text_range().replace("\r", "") for i in range(len(pdf))]
    marks = {b.get_title(): b.get_dest().get_index() + 1 for b in pdf.get_toc()}
    contents = dict(re.findall(r"^((?:[一二三四五六七八]、|附件 ).+?)\s*\.{3,}\s*(\d+)\s*$", pages[0], re.M))
    assert len(contents) == 9 and not any(re.match(r"\d\.", t) for t in contents)  # numbered once (no "1. 一、")
    for title, page in contents.items():
        assert marks[title.strip()] == int(page), title
    forms = [t for t in marks if t.startswith("项目支出绩效自评表")]
    assert forms == [
        f"项目支出绩效自评表（2022 年度）：{p}" for p in ("失业就业服务", "档案保管和整理", "创业担保贴息")
    ]
    for number in range(1, 6):
        page = next(t for t in pages if f"表 {number}　" in t or f"表{number}　" in t)
        after = page.split(f"表 {number}", 1)[-1].split("\n", 1)[-1]
        rows = [line for line in after.splitlines() if line.strip() and not re.fullmatch(r"\s*\d+ / \d+\s*", line)]
        assert len(rows) >= 2, f"表 {number}: caption alone at the foot of a page"


def test_executed_notebook_kept(run_2022, root):
    """The notebook was handed the job as one mapping: the resolved parameters the runner was given."""
    import ast

    from evaltools.params import job_to_dict

    nb = nbformat.read(run_2022.output_dir / "report.ipynb", as_version=4)
    params = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    [assign] = ast.parse(params.source).body
    assert assign.targets[0].id == "params"
    job = job_params(
        dict(year=2022, data_dir=str(root / "data"), output_dir=str(run_2022.output_dir.parent), rules="qiaoxi2022")
    )
    assert ast.literal_eval(assign.value) == job_to_dict(job)
    assert job_to_dict(job)["data_dir"] == str((root / "data").resolve())
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.execution_count for c in code)  # every code cell ran (nbformat gives each an outputs list)
    assert any(c.outputs for c in code)


def _broken_notebook(root, tmp_path):
    nb = nbformat.read(root / "notebooks" / "self_evaluation.ipynb", as_version=4)
    nb.cells.insert(6, nbformat.v4.new_code_cell('report.chart(ctx, "no_such_chart")'))
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, path)
    return path


def test_failed_cell_keeps_previous_outputs(root, tmp_path, run_2022):
    import shutil

    from evaltools import RunError

    out = tmp_path / "outputs"
    shutil.copytree(run_2022.output_dir, out / "2022")
    before = {p.name: p.read_bytes() for p in (out / "2022").iterdir()}
    params = job_params(dict(year=2022, data_dir=str(root / "data"), output_dir=str(out)))
    with pytest.raises(RunError) as info:
        run_report(params, notebook=_broken_notebook(root, tmp_path))
    assert "no_such_chart" in str(info.value) and info.value.cell is not None
    after = {p.name: p.read_bytes() for p in (out / "2022").iterdir() if p.name != "report.failed.ipynb"}
    assert after == before
    failed = nbformat.read(out / "2022" / "report.failed.ipynb", as_version=4)
    assert any(o.get("output_type") == "error" for c in failed.cells for o in c.get("outputs", []))
    assert not list(out.glob(".tmp-*"))


def test_cli_exit_codes(root, tmp_path):
    cli = [sys.executable, "-m", "evaltools.cli"]
    broken = _broken_notebook(root, tmp_path)
    res = subprocess.run(
        cli
        + [
            "run",
            "2022",
            "--data-dir",
            str(root / "data"),
            "--output-dir",
            str(tmp_path / "o"),
            "--to",
            "html",
            "--notebook",
            str(broken),
        ],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert res.returncode == 1 and "Traceback" not in res.stderr
    assert re.search(r"cell \d+ failed: KeyError", res.stderr) or "no_such_chart" in res.stderr
    res = subprocess.run(
        cli + ["run", "2019", "--data-dir", str(root / "data"), "--output-dir", str(tmp_path / "o")],
        capture_output=True,
        text=True,
        cwd=root,
    )
    assert res.returncode == 2 and "no data for 2019" in res.stderr and "Traceback" not in res.stderr


def test_relative_paths_are_taken_from_where_the_command_runs(root, tmp_path):
    """Data folder, output folder and a rule file given relative to where the command runs, while the kernel
    runs in the project folder: each is resolved once, before the report starts."""
    import shutil

    shutil.copytree(root / "data" / "2022", tmp_path / "mydata" / "2022")
    (tmp_path / "myrules.yaml").write_text("extends: qiaoxi2022\ntitle: 本地规则\n", encoding="utf-8")
    profile = tmp_path / "mydata" / "2022" / "profile.yaml"
    profile.write_text(
        profile.read_text(encoding="utf-8").replace("unit: 石家庄市桥西区就业服务中心", "unit: 别处的测试单位"),
        encoding="utf-8",
    )
    res = subprocess.run(
        [
            sys.executable,
            "-m",
            "evaltools.cli",
            "run",
            "2022",
            "--data-dir",
            "mydata",
            "--output-dir",
            "out",
            "--rules",
            "myrules.yaml",
            "--to",
            "html",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert res.returncode == 0, res.stderr
    summary = json.loads((tmp_path / "out" / "2022" / "summary.json").read_text(encoding="utf-8"))
    assert summary["unit"] == "别处的测试单位"  # the kernel read ./mydata, not the project's data/
    assert summary["overall"]["grade"] == "良好"  # graded by ./myrules.yaml (qiaoxi2022's band names)
    html = (tmp_path / "out" / "2022" / "report.html").read_text(encoding="utf-8")
    assert "别处的测试单位" in html and "本地规则" in html  # the kernel read ./myrules.yaml too


def test_title_is_the_report_title(root, tmp_path):
    """A job's title replaces the one made from the data: page heading, browser tab (and PDF metadata)."""
    title = "桥西区就业服务中心 2022 年度绩效自评（<初稿>）"
    params = job_params(dict(year=2022, data_dir=str(root / "data"), output_dir=str(tmp_path), formats=["html"]))
    result = run_report(replace(params, title=title))
    soup = BeautifulSoup((result.output_dir / "report.html").read_text(encoding="utf-8"), "html.parser")
    assert soup.title.get_text() == title and soup.h1.get_text() == title


def test_notebooks_find_the_data_from_their_own_folder(root, monkeypatch):
    from evaltools import load_year

    monkeypatch.chdir(root / "notebooks")  # where JupyterLab runs a notebook's kernel
    assert load_year(2022).unit == "石家庄市桥西区就业服务中心"


def test_input_error_in_the_notebook_is_bad_input_not_a_failed_run(root, tmp_path, run_2022):
    """Data found bad while the notebook runs (it changed, or a year the report reads is broken) is an input
    error: exit code 2, and no failed notebook is written."""
    import shutil

    from evaltools import InputError

    nb = nbformat.read(root / "notebooks" / "self_evaluation.ipynb", as_version=4)
    nb.cells.insert(3, nbformat.v4.new_code_cell('from evaltools import InputError\nraise InputError([], "数据有误")'))
    path = tmp_path / "input_error.ipynb"
    nbformat.write(nb, path)
    out = tmp_path / "outputs"
    shutil.copytree(run_2022.output_dir, out / "2022")
    before = {p.name: p.read_bytes() for p in (out / "2022").iterdir()}
    with pytest.raises(InputError) as info:
        run_report(job_params(dict(year=2022, data_dir=str(root / "data"), output_dir=str(out))), notebook=path)
    assert info.value.exit_code == 2 and "数据有误" in str(info.value)
    assert {p.name: p.read_bytes() for p in (out / "2022").iterdir()} == before  # no report.failed.ipynb
    assert not list(out.glob(".tmp-*"))
