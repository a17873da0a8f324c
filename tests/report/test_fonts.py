"""Every shared page (report.html, index.html, findings.html) carries its CJK font: a subset of Noto Sans CJK
SC, WOFF2 in a data: URL, covering every character of the page, so Chinese shows on a machine without any CJK
font; and each has the same narrow-screen rules for wide tables (page_style.narrow_css)."""

from __future__ import annotations

import re

import nbformat
import pytest

import evaltools.report.sections as report
from evaltools.report import exporters, fonts, page_style

SECTIONS = ("title_block", "contents", "basic", "work", "results", "conclusion", "problems", "team", "audit", "forms")


@pytest.fixture(scope="module")
def page(root) -> str:
    """The 2022 report page as the HTML exporter makes it, from a notebook holding the section outputs."""
    ctx = report.prepare(year=2022, data_dir=str(root / "data"))
    nb = nbformat.v4.new_notebook(metadata={"title": "t"})
    for name in SECTIONS:
        output = nbformat.v4.new_output("display_data", data={"text/html": str(getattr(report, name)(ctx))})
        nb.cells.append(nbformat.v4.new_code_cell("", outputs=[output]))
    return exporters.notebook_to_html(nb, synthetic=True)


def test_report_page_embeds_a_font_covering_its_text(page, embedded_font_gaps):
    size, missing = embedded_font_gaps(page)
    assert missing == ""
    assert 50_000 < size < 400_000  # a subset (the whole font is 16 MB), yet more than ASCII
    assert page.count("合成数据 · 仅供演示，不是真实单位的数据") == 1  # the @page banner (print) is covered too


def test_report_page_requests_nothing_from_outside(page, external_references):
    assert external_references(page) == []
    assert "<script" not in page and "<link" not in page


def test_embedded_font_comes_first_then_system_families(page):
    families = re.search(r"html \{ font-family: ([^;]+);", page).group(1)
    assert families == fonts.PAGE_FAMILIES
    assert families.startswith('"EvalCJK", "EvalFallback", "Noto Sans CJK SC"') and families.endswith("sans-serif")


def test_a_missing_glyph_is_reported(embedded_font_gaps):
    """The check can fail: text the embedded font was not cut for is named."""
    html = exporters.embed_font(f"<style>{exporters.FONT_FACE_SLOT}</style><p>绩效</p>")
    assert embedded_font_gaps(html)[1] == ""
    assert embedded_font_gaps(html.replace("<p>绩效</p>", "<p>绩效评价</p>"))[1] == "价评"


@pytest.mark.slow
def test_pdf_uses_the_pages_own_font(page, monkeypatch):
    """The PDF prints with the subset embedded in the page: no second subset is cut."""
    import pypdfium2 as pdfium

    def refuse(text):
        raise AssertionError("the PDF cut a second subset")

    monkeypatch.setattr(fonts, "subset_cjk_font", refuse)
    pdf = pdfium.PdfDocument(exporters.html_to_pdf(page))
    text = re.sub(r"\s+", "", pdf[0].get_textpage().get_text_range())
    assert "石家庄市桥西区就业服务中心2022年度整体支出绩效自评报告" in text


@pytest.fixture(scope="module")
def index_page(tmp_path_factory) -> str:
    """outputs/index.html of two units, one with two years (a trend chart)."""
    from evaltools.report.index import write_index
    from tests.report.test_index import _report

    out = tmp_path_factory.mktemp("outputs")
    _report(out, "桥西", 2021, "石家庄市桥西区就业服务中心", 85, "良好")
    _report(out, "桥西", 2022, "石家庄市桥西区就业服务中心", 87, "良好")
    _report(out, "天长", 2022, "天长市水利局", 92.5, "优秀")
    return write_index(out).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def findings_page(root, tmp_path_factory) -> str:
    """findings.html of ``evaltools audit examples/forms`` (five forms, two of them legacy .doc refused)."""
    from evaltools.run.audit import run_audit, write_audit

    out = tmp_path_factory.mktemp("audit")
    write_audit(run_audit([root / "examples" / "forms"]), out)
    return (out / "findings.html").read_text(encoding="utf-8")


SHARED_PAGES = ("page", "index_page", "findings_page")


@pytest.mark.parametrize("name", SHARED_PAGES)
def test_every_shared_page_embeds_a_font_covering_its_text(request, name, embedded_font_gaps, external_references):
    html = request.getfixturevalue(name)
    size, missing = embedded_font_gaps(html)
    assert missing == "" and 10_000 < size < 400_000
    assert page_style.FONT_FACE_SLOT not in html  # the slot was filled
    assert f"font-family: {fonts.PAGE_FAMILIES}" in html or f"font-family:{fonts.PAGE_FAMILIES}" in html
    assert external_references(html) == []


@pytest.mark.parametrize("name", SHARED_PAGES)
def test_every_shared_page_shows_wide_tables_scroll_on_a_phone(request, name):
    """The same rules on every page: a cue above a wide table, the first column sticky (issue 24 item 5)."""
    html = request.getfixturevalue(name)
    assert page_style.narrow_css() in html
    assert "position: sticky" in page_style.narrow_css() and "可左右滑动查看" in page_style.narrow_css()
    assert 'class="table-box"' in html or 'class="wrap"' in html
