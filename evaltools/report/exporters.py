"""Exporters, a registry keyed by format name (as papermill's engines): each turns the executed
notebook and the evaluation into the bytes of one output file."""

from __future__ import annotations

import io
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from evaltools.errors import ParamsError
from evaltools.registry import Registry
from evaltools.report import fonts
from evaltools.report.sections import TEMPLATES

if TYPE_CHECKING:
    from nbformat import NotebookNode


@dataclass(frozen=True)
class Exporter:
    """``fn(nb, ev, done)`` returns the file's bytes; ``done`` holds earlier formats' bytes (pdf reuses html)."""

    name: str
    filename: str
    fn: Callable
    needs: tuple[str, ...] = ()
    notebook: bool = True  # False: made from the evaluation alone, so it can run while the kernel works


EXPORTERS: Registry[Exporter] = Registry("output format", "输出格式", key="formats")


def exporter(name: str, filename: str, needs: tuple[str, ...] = (), notebook: bool = True) -> Callable:
    """Register the decorated ``fn(nb, ev, done) -> bytes`` as the exporter of format ``name``."""

    def register(fn: Callable) -> Callable:
        EXPORTERS.add(name, Exporter(name, filename, fn, needs, notebook))
        return fn

    return register


def warm_up(formats: Iterable[str]) -> None:
    """Import and set up what the notebook exporters need (nbconvert's template, the font to embed,
    WeasyPrint), so that the runner can do it on its idle core while the kernel executes the notebook."""
    if "html" in formats or "pdf" in formats:
        from fontTools.ttLib import woff2  # noqa: F401 - the page's font is saved as WOFF2

        _html_exporter()
        fonts.warm_up()
    if "pdf" in formats:
        import weasyprint  # noqa: F401


#: Where the page's ``@font-face`` goes in its CSS, once the page's characters are known.
FONT_FACE_SLOT = "/* evaltools: @font-face */"


def report_css(synthetic: bool = False) -> str:
    """The report's stylesheet (screen and A4 print), with :data:`FONT_FACE_SLOT` for the embedded font."""
    css = FONT_FACE_SLOT + "\n" + (TEMPLATES / "report" / "report.css").read_text(encoding="utf-8")
    if synthetic:
        css += (
            '\n@page { @top-center { content: "合成数据 · 仅供演示，不是真实单位的数据"; color: #a11d1d; '
            "font-size: 9pt; } }\n"
        )
    return css


@lru_cache(maxsize=1)
def _html_exporter():
    from nbconvert import HTMLExporter

    exp = HTMLExporter(template_name="evalreport", extra_template_basedirs=[str(TEMPLATES / "nbconvert")])
    exp.exclude_input = True
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    exp.language_code = "zh"
    return exp


def embed_font(html: str) -> str:
    """``html`` with the CJK font, cut to the page's own characters, embedded in its first
    :data:`FONT_FACE_SLOT` (WOFF2 in a ``data:`` URL): the page shows Chinese without any system font."""
    return html.replace(FONT_FACE_SLOT, fonts.font_face_css(html), 1)


def notebook_to_html(nb: NotebookNode, synthetic: bool = False) -> str:
    """The executed notebook as one self-contained zh-CN HTML page (no code, prompts, scripts or
    outside requests; its font embedded)."""
    body, _ = _html_exporter().from_notebook_node(nb, resources={"report_css": report_css(synthetic)})
    return embed_font(body)


@exporter("html", "report.html")
def _html(nb, ev, done) -> bytes:
    return notebook_to_html(nb, bool(ev.data.profile.synthetic)).encode("utf-8")


subset_cjk_font = fonts.subset_cjk_font


def html_to_pdf(html: str) -> bytes:
    """Print the report HTML to A4 PDF with WeasyPrint, the CJK font (subset) embedded as text.

    A page from :func:`notebook_to_html` brings its own font; any other page gets the same subset here
    (WeasyPrint alone would subset the 16 MB font with fontTools, about 11 s)."""
    import tempfile

    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

    with tempfile.TemporaryDirectory() as tmp:
        face = ""
        if f'font-family: "{fonts.EMBEDDED_FAMILY}"; font-style' not in html:
            font = Path(tmp) / "EvalCJK-subset.otf"
            font.write_bytes(fonts.subset_cjk_font(html))
            face = f'@font-face {{ font-family: "{fonts.EMBEDDED_FAMILY}"; src: url("{font.as_uri()}"); }}\n'
            extra = fonts.fallback_font(html)
            if extra is not None:
                (Path(tmp) / "EvalFallback-subset.ttf").write_bytes(extra)
                uri = (Path(tmp) / "EvalFallback-subset.ttf").as_uri()
                face += f'@font-face {{ font-family: "{fonts.EMBEDDED_FALLBACK}"; src: url("{uri}"); }}\n'
        config = FontConfiguration()
        css = CSS(
            string=face
            + "html, body, table, th, td, code, figcaption { font-family: "
            + f'"{fonts.EMBEDDED_FAMILY}", "{fonts.EMBEDDED_FALLBACK}", sans-serif; }}',
            font_config=config,
        )
        # Not full_fonts=True: it would skip WeasyPrint's own (now quick) subsetting but its ToUnicode
        # map then turns some ASCII quotes into other characters when text is copied or extracted.
        return HTML(string=html, base_url=tmp).write_pdf(stylesheets=[css], font_config=config)


@exporter("pdf", "report.pdf", needs=("html",))
def _pdf(nb, ev, done) -> bytes:
    html = done.get("html") or _html(nb, ev, done)
    return html_to_pdf(html.decode("utf-8"))


@exporter("xlsx", "自评表.xlsx", notebook=False)
def _xlsx(nb, ev, done) -> bytes:
    import tempfile

    from evaltools.report.form import write_selfeval_form

    with tempfile.TemporaryDirectory() as tmp:
        path = write_selfeval_form(ev, Path(tmp) / "自评表.xlsx")
        return Path(path).read_bytes()


@exporter("checklist", "checklist.html", notebook=False)
def _checklist(nb, ev, done) -> bytes:
    from evaltools.report.checklist import checklist_html  # the 核查清单, apart from the report (issue 24 item 1)

    return embed_font(checklist_html(ev, report_css(bool(ev.data.profile.synthetic)))).encode("utf-8")


@exporter("json", "summary.json", notebook=False)
def _json(nb, ev, done) -> bytes:
    return (json.dumps(ev.to_summary(), ensure_ascii=False, indent=2) + "\n").encode("utf-8")


@exporter("ipynb", "report.ipynb")
def _ipynb(nb, ev, done) -> bytes:
    import nbformat

    buf = io.StringIO()
    nbformat.write(nb, buf)
    return buf.getvalue().encode("utf-8")


def order(formats: Iterable[str]) -> list[str]:
    """Formats in dependency order (html before pdf), unknown names refused."""
    unknown = [f for f in formats if f not in EXPORTERS]
    if unknown:
        raise ParamsError(
            f"未知的输出格式 / unknown format(s) {', '.join(unknown)}; available: {', '.join(EXPORTERS)}", key="formats"
        )
    wanted = list(dict.fromkeys(formats))
    return sorted(wanted, key=lambda f: (f in ("pdf",), list(EXPORTERS).index(f)))
