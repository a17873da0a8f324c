"""Documents as one declaration each (evaltools.report.exporters.DOCUMENTS): the 自评报告 (``report``, the default)
and the 复核意见 (``review``). Every entry is complete; ``--document`` means the same in a single run, a batch and
``--all``; an unknown document is refused with exit 2 before anything is written; a review run writes its own
files and leaves the report's alone; the index links both."""

from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from bs4 import BeautifulSoup

from evaltools.errors import ParamsError
from evaltools.params import JobParams, job_params
from evaltools.report.exporters import DOCUMENTS, EXPORTERS, default_document, get_document
from evaltools.run.plan import plan_jobs

SHARED = {"xlsx", "checklist", "json"}  # made from the evaluation alone: the same file for either document


def _cli(root: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "400"}  # help text on one line per option
    return subprocess.run(
        [sys.executable, "-m", "evaltools.cli", *args], capture_output=True, text=True, cwd=root, env=env
    )


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_every_document_is_complete(name, ev_2022):
    doc = DOCUMENTS[name]
    assert doc.name == name and doc.label and doc.help and doc.notebook_path.is_file()
    assert set(doc.files) == set(EXPORTERS)  # a file for every format: --to means the same for every document
    own = {f: n for f, n in doc.files.items() if f not in SHARED}
    for other in DOCUMENTS.values():
        if other is not doc:  # two documents never write over each other's own files
            assert not set(own.values()) & {n for f, n in other.files.items() if f not in SHARED}
            assert {f: other.files[f] for f in SHARED} == {f: doc.files[f] for f in SHARED}
    assert doc.failed_notebook.endswith(".failed.ipynb") and doc.failed_notebook not in doc.files.values()
    assert set(doc.describes) <= set(doc.files.values())
    assert str(ev_2022.year) in doc.title_for(ev_2022) and "{" not in doc.title_for(ev_2022)


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_every_documents_notebook_is_thin_and_takes_one_params_mapping(name):
    import papermill as pm

    path = DOCUMENTS[name].notebook_path
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert all(c.outputs == [] and c.execution_count is None for c in code)
    declared = pm.inspect_notebook(str(path))
    assert list(declared) == ["params"] and ast.literal_eval(declared["params"]["default"]) == {"year": None}
    for cell in code:
        tree = ast.parse(cell.source)
        assert len(tree.body) == 1, cell.source
        bad = [n for n in ast.walk(tree) if isinstance(n, (ast.For, ast.FunctionDef, ast.Lambda, ast.ListComp))]
        assert bad == [], cell.source


def test_one_default_and_the_titles(ev_2022):
    from evaltools.report.view import report_title

    assert [d.name for d in DOCUMENTS.values() if d.default] == ["report"] == [default_document().name]
    assert get_document(None) is DOCUMENTS["report"] and JobParams(2022).document == "report"
    assert DOCUMENTS["report"].title_for(ev_2022) == report_title(ev_2022)
    assert DOCUMENTS["review"].title_for(ev_2022) == (
        "关于石家庄市桥西区就业服务中心 2022 年度部门整体支出绩效自评结果的复核意见"
    )


def test_the_option_is_one_params_key_everywhere(tmp_path):
    assert plan_jobs({"year": 2022, "document": "review", "reviewer": "某某区财政局"})[0].document == "review"
    jobs = plan_jobs({"document": "review"}, every=True)  # --all: every job gets it
    assert len(jobs) > 1 and {j.document for j in jobs} == {"review"}
    for bad in ({"year": 2022, "document": "复核"}, {"year": 2022, "document": ""}):
        with pytest.raises(ParamsError) as err:
            plan_jobs(bad)
        assert err.value.exit_code == 2 and err.value.key == "document"
    with pytest.raises(ParamsError, match="unknown parameter"):
        job_params({"year": 2022, "reviewers": "x"})
    from evaltools.run.batch import run_batch

    with pytest.raises(ParamsError, match="review"):  # a batch refuses it once, before any worker starts
        run_batch([job_params({"year": 2022, "document": "nope", "output_dir": str(tmp_path)})], executor="serial")
    assert not any(tmp_path.iterdir())


def test_help_lists_the_documents(root):
    out = _cli(root, "run", "--help")
    assert out.returncode == 0 and "--document" in out.stdout
    for doc in DOCUMENTS.values():
        assert f"{doc.name} = {doc.label}" in out.stdout


def test_unknown_document_exit_2_nothing_written(root, tmp_path):
    done = _cli(root, "run", "2022", "--document", "nope", "--output-dir", str(tmp_path / "out"))
    assert done.returncode == 2, done.stderr
    assert "unknown document 'nope'; available: report, review" in done.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_review_run_writes_its_own_files(root, tmp_path, embedded_font_gaps, external_references):
    out = tmp_path / "out"
    (out / "2022").mkdir(parents=True)
    (out / "2022" / "report.html").write_text("<p>an earlier 自评报告</p>", encoding="utf-8")
    done = _cli(
        root, "run", "2022", "--document", "review", "--reviewer", "某某区财政局", "--to", "html,pdf",
        "--output-dir", str(out),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    folder = out / "2022"
    names = {p.name for p in folder.iterdir()}
    assert {"review.html", "review.pdf", "review.ipynb", "summary.json", "report.html"} <= names
    assert "report.pdf" not in names and "自评表.xlsx" not in names
    assert (folder / "report.html").read_text(encoding="utf-8") == "<p>an earlier 自评报告</p>"  # not the review's
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    assert (summary["overall"]["published_score"], summary["overall"]["computed_grade"]) == (87, "良好")
    html = (folder / "review.html").read_text(encoding="utf-8")
    soup = BeautifulSoup(html, "html.parser")
    assert soup.title.get_text() == "关于石家庄市桥西区就业服务中心 2022 年度部门整体支出绩效自评结果的复核意见"
    text = soup.get_text(" ", strip=True)
    assert "（87 − 86.56）÷ 87 = 0.51%" in text and "复核单位：某某区财政局（盖章）" in text
    assert embedded_font_gaps(html)[1] == "" and external_references(html) == []
    import pypdfium2

    pdf = pypdfium2.PdfDocument(str(folder / "review.pdf"))
    pages = "".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
    assert "86.56" in pages and "复核意见" in pages
    index = BeautifulSoup((out / "index.html").read_text(encoding="utf-8"), "html.parser")
    links = {a.get_text(strip=True): a["href"] for a in index.find_all("a")}
    assert links["复核意见 HTML"] == "2022/review.html" and links["HTML"] == "2022/report.html"


@pytest.mark.slow
def test_review_of_synthetic_data_in_a_batch_says_so(root, tmp_path):
    data, out = tmp_path / "data", tmp_path / "out"
    made = _cli(root, "synthetic", str(data), "--units", "1", "--years", "1", "--start-year", "2022")
    assert made.returncode == 0, made.stderr
    done = _cli(
        root, "run", "--all", "--document", "review", "--data-dir", str(data), "--output-dir", str(out),
        "--to", "html", "--executor", "serial",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr + done.stdout
    pages = list(out.glob("*/2022/review.html"))
    assert len(pages) == 1 and not list(out.glob("*/2022/report.html"))
    soup = BeautifulSoup(pages[0].read_text(encoding="utf-8"), "html.parser")
    assert "合成数据" in soup.select_one(".synthetic-banner").get_text()
    assert "合成数据 · 仅供演示" in soup.find("style").get_text()  # the printed pages' header
