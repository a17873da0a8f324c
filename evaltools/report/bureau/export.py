"""The bureau's 复核报告 as a document: ONE declaration (:data:`BUREAU`, the :class:`~evaltools.report.exporters.Document`
pattern: its notebook, its file per format, its title), and :func:`export`, which writes the executed notebook as
HTML and PDF with the unit report's exporter machinery (nbconvert template, the CJK font cut to the page's own
characters and embedded, WeasyPrint for A4). It is not one of ``evaltools run``'s documents (:data:`DOCUMENTS`):
it is made from a whole year of forms by ``evaltools review``, not from one unit's year.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from evaltools.errors import ParamsError
from evaltools.report.exporters import Document, html_to_pdf, notebook_to_html

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["BUREAU", "FORMATS", "export"]

BUREAU = Document(
    name="bureau",
    label="复核报告",
    notebook="notebooks/bureau_review.ipynb",
    files={"html": "复核报告.html", "pdf": "复核报告.pdf", "ipynb": "复核报告.ipynb"},
    title="{year} 年度部门预算绩效自评结果复核报告",
    help="财政部门对一个年度全部自评结果的复核报告 / the bureau's review of a year's self-evaluations",
    describes={
        "复核报告.html": "复核报告，用浏览器打开 / the review report, open in a browser",
        "复核报告.pdf": "复核报告 PDF / the review report as PDF",
        "复核报告.ipynb": "执行后的复核报告笔记本 / the executed notebook",
        "复核问题清单.xlsx": "复核问题清单（等级、复核维度、核验依据）/ the list of findings",
        "整改台账.xlsx": "整改台账（下一年度复核读回）/ the rectification ledger",
        "复核汇总.xlsx": "复核汇总：每个单位、每张自评表的得分、偏离度、档次、风险和抽样 / every unit and form",
        "复核意见": "各单位复核意见（--opinions），报告中可点击 / the units' 复核意见, linked",
        "复核底稿": "复核底稿：抽中的自评表每张一本，填写复核得分后用 --scores 读回 / reviewer worksheets",
    },
)
#: The formats ``evaltools review --to`` accepts (ipynb is always kept).
FORMATS = ("html", "pdf")


def formats_given(text: str | None) -> tuple[str, ...]:
    """``--to html,pdf`` → the formats; an unknown one refused naming those there are."""
    wanted = tuple(dict.fromkeys(x.strip() for x in (text or "html,pdf").split(",") if x.strip()))
    unknown = [f for f in wanted if f not in FORMATS]
    if unknown or not wanted:
        raise ParamsError(
            f"未知的输出格式 / unknown format(s) {', '.join(unknown) or '(none)'}; available: {', '.join(FORMATS)}",
            key="formats",
        )
    return wanted


def export(nb: NotebookNode, review: object, folder: Path, formats: Sequence[str]) -> list[Path]:
    """The executed notebook (always), then HTML and PDF as asked, written into ``folder``; the report page first."""
    import nbformat

    synthetic = bool(getattr(getattr(review, "source", None), "synthetic", False))
    nb.metadata["title"] = title_of(review)
    written = []
    html = notebook_to_html(nb, synthetic) if {"html", "pdf"} & set(formats) else None
    if "html" in formats:
        written.append(_write(folder / BUREAU.files["html"], html.encode("utf-8")))
    if "pdf" in formats:
        written.append(_write(folder / BUREAU.files["pdf"], html_to_pdf(html)))
    buf = io.StringIO()
    nbformat.write(nb, buf)
    written.append(_write(folder / BUREAU.files["ipynb"], buf.getvalue().encode("utf-8")))
    return written


def title_of(review: object) -> str:
    """The report's title: the years reviewed in :data:`BUREAU`'s wording."""
    years = sorted({int(y) for y in review.frames.forms["year"].dropna()}) if len(review.frames.forms) else []
    shown = "、".join(str(y) for y in years) or "—"
    return BUREAU.title.format(year=shown)


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path
