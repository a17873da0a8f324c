"""WeasyPrint's fonts cut by HarfBuzz from uharfbuzz (report/pdf_subset.py), not by its fontTools fallback: the
printed pages are the same pixels and the same text as with fontTools, and fontTools is not called."""

from __future__ import annotations

import numpy as np
import pypdfium2 as pdfium
import pytest
from weasyprint.pdf.fonts import Font

from evaltools.report import pdf_subset
from evaltools.report.exporters import html_to_pdf

PAGE = (
    "<html><body><h1>2022年度部门整体支出绩效自评报告</h1><p>预算执行率 98.50%，自评得分 86.56 分，等级：良好。</p>"
    "<table><tr><th>指标</th><th>分值</th></tr><tr><td>“培训人数”≥ 120 人</td><td>10</td></tr></table></body></html>"
)


def _pages(pdf: bytes) -> list[tuple[np.ndarray, str]]:
    doc = pdfium.PdfDocument(pdf)
    return [(np.asarray(p.render(scale=1.5).to_pil().convert("L")), p.get_textpage().get_text_range()) for p in doc]


def test_harfbuzz_subset_prints_what_fonttools_prints(monkeypatch):
    by_harfbuzz = html_to_pdf(PAGE)  # html_to_pdf installs the HarfBuzz path
    assert Font.subset is pdf_subset.harfbuzz_subset
    monkeypatch.setattr(pdf_subset, "install", lambda: None)  # print once more with WeasyPrint's fontTools path
    monkeypatch.setattr(Font, "subset", lambda self, to_unicode, hinting: self._fonttools_subset(to_unicode, hinting))
    by_fonttools = html_to_pdf(PAGE)
    assert by_harfbuzz != by_fonttools  # two subsetters: the fonts' bytes differ …
    (a, text_a), (b, text_b) = _pages(by_harfbuzz)[0], _pages(by_fonttools)[0]
    assert text_a == text_b and "自评得分 86.56 分" in text_a  # … the text and every pixel do not
    assert np.array_equal(a, b)


def test_fonttools_is_not_called(monkeypatch):
    def refuse(self, to_unicode, hinting):
        raise AssertionError("fontTools subsetting called")

    monkeypatch.setattr(Font, "_fonttools_subset", refuse)
    assert html_to_pdf(PAGE).startswith(b"%PDF")


def test_a_font_harfbuzz_cannot_read_goes_to_fonttools(monkeypatch):
    called = []

    class Broken:
        file_content, index, missing = b"not a font", 0, False

        def _fonttools_subset(self, to_unicode, hinting):
            called.append(sorted(to_unicode))

    pdf_subset.harfbuzz_subset(Broken(), {3: "a", 5: "b"}, False)
    assert called == [[3, 5]]


@pytest.mark.parametrize("to_unicode", [{}, None])
def test_nothing_used_nothing_cut(to_unicode):
    class Untouched:
        file_content, index, missing = b"font", 0, False

    font = Untouched()
    pdf_subset.harfbuzz_subset(font, to_unicode, False)
    assert font.file_content == b"font"
