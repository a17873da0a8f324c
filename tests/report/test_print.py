"""The 2022 report on A4 (issue 24 item 5): body text is not justified, so the spaces the text puts between
CJK and digits stay spaces ("2022    年… 3    个项目" printed 13.5–14.4 pt gaps); the appendix 自评表 keep
their last rows with the rows before them and fit in fewer pages (seven before, single rows alone on a page)."""

from __future__ import annotations

import re

import pytest

from evaltools.report import exporters
from tests.report.test_fonts import page  # noqa: F401 - the 2022 report page, a fixture

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def pdf(page):  # noqa: F811
    import pypdfium2 as pdfium

    return pdfium.PdfDocument(exporters.html_to_pdf(page))


def _paragraphs(page: str) -> str:  # noqa: F811
    from bs4 import BeautifulSoup

    return "\n".join(p.get_text() for p in BeautifulSoup(page, "html.parser").select("main p"))


def _table_rows(page: str) -> str:  # noqa: F811
    from bs4 import BeautifulSoup

    rows = BeautifulSoup(page, "html.parser").select("main tr")
    return "\n".join(" ".join(c.get_text() for c in tr.find_all(["th", "td"])) for tr in rows)


def _spaces_between_cjk_and_digits(pdf, paragraphs: str, rows: str = "") -> list[tuple[int, str, float]]:
    """(page, context, width in pt) of every space between a CJK character and a digit on one line of a body
    paragraph (its context found in the page's <p> text and not across two cells of a table row: table cells,
    whose gaps are wide, are left out — the title block's 自评得分 | 87 分 is two cells)."""
    out = []
    for i in range(len(pdf)):
        tp = pdf[i].get_textpage()
        text = tp.get_text_range()
        for k in range(4, min(len(text), tp.count_chars()) - 5):
            a, b = text[k - 1], text[k + 1]
            if text[k] != " " or not ((CJK.match(a) and b.isdigit()) or (a.isdigit() and CJK.match(b))):
                continue
            context = text[k - 4 : k + 5]
            left, right = tp.get_charbox(k - 1), tp.get_charbox(k + 1)
            in_text = context in paragraphs and context not in rows
            if "\n" not in context and in_text and abs(left[1] - right[1]) < 2:
                out.append((i + 1, context, right[0] - left[2]))
    return out


@pytest.mark.slow
def test_no_stretched_spaces_around_numbers(pdf, page):  # noqa: F811
    gaps = _spaces_between_cjk_and_digits(pdf, _paragraphs(page), _table_rows(page))
    assert len(gaps) > 50  # the report's sentences: "2022 年", "3 个项目", "6.00 万元" …
    wide = [g for g in gaps if g[2] > 6]  # a space of the 10.5 pt body is ≈ 3.3 pt; justified lines made 14
    assert wide == []


@pytest.mark.slow
def test_appendix_forms_keep_their_last_rows(pdf):
    texts = [pdf[i].get_textpage().get_text_range() for i in range(len(pdf))]
    first = next(i for i, t in enumerate(texts) if "附件" in t and "自评表（2022 年度）" in t)
    appendix = texts[first:]
    assert len(appendix) <= 5  # three forms: 7 pages before, the heading alone on one and single rows on two
    rows = re.compile(r"^(产出指标|效益指标|满意度指标|预算执行率)", re.M)
    for t in appendix:  # the page with a form's 总分 line also holds at least two of its indicator rows
        if re.search(r"^总分", t, re.M):
            assert len(rows.findall(t)) >= 2, t[:200]


def test_the_printer_process_prints_the_same_bytes_and_leaves_nothing(page, monkeypatch):  # noqa: F811
    """A single report's PDF is printed in a process of its own (exporters.PdfPrinter, issue 23 item 2): the same
    function on the same page gives the same bytes as printing here; an error in it is said with its text; closed,
    the process is gone and its temporary folder removed. Both prints at one fixed time: the embedded fonts carry
    the time they were cut (fontTools' ``head.modified``, SOURCE_DATE_EPOCH when set), so two prints a second apart
    differ by those bytes — under load the two prints here often were."""
    import os

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")  # before the printer starts: it inherits it
    printer = exporters.PdfPrinter()
    try:
        printed = printer.pdf_of(page.encode("utf-8"))
        with pytest.raises(RuntimeError, match=r"the PDF process failed: UnicodeDecodeError"):
            printer.pdf_of(b"\xff\xfe not UTF-8")
    finally:
        printer.close()
    assert printed == exporters.html_to_pdf(page)
    assert printer._proc.returncode is not None
    assert not os.path.exists(printer._tmp)


def test_printing_only_when_a_pdf_is_asked_for():
    with exporters.printing(["html", "json"]) as printed:
        assert printed is False and exporters._PRINTER.get() is None
    with exporters.printing(["html", "pdf"]) as printed:
        printer = exporters._PRINTER.get()
        assert printed is True and isinstance(printer, exporters.PdfPrinter)
    assert exporters._PRINTER.get() is None and printer._proc.returncode is not None
