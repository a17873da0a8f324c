"""The report and the index carry their CJK font: a subset of Noto Sans CJK SC, WOFF2 in a data: URL,
covering every character of the page, so Chinese shows on a machine without any CJK font."""

from __future__ import annotations

import re

import nbformat
import pytest

import evaltools.report.sections as report
from evaltools.report import exporters, fonts

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
