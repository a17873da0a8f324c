"""Exporters, a registry keyed by format name (as papermill's engines): each turns the executed
notebook and the evaluation into the bytes of one output file. Documents, a registry keyed by document name:
each is one notebook written for the same data (the unit's 自评报告, the reviewer's 复核意见), with its own file
name per format."""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from evaltools.errors import ParamsError
from evaltools.paths import PROJECT_ROOT
from evaltools.registry import Registry
from evaltools.report import fonts, page_style

#: The report's templates (the same folder :mod:`evaltools.report.sections` renders from); not imported from
#: there, so that the command line can read :data:`DOCUMENTS` without loading the report's view code.
TEMPLATES = Path(__file__).parent / "templates"

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
    WeasyPrint), so that the runner can do it on its idle core while the kernel executes the notebook.

    Each is also run once on a small page (:func:`_rehearse`): what their first call builds — the compiled
    templates, the CSS selectors nbconvert looks up, WeasyPrint's user-agent stylesheets — is then built here,
    not after the notebook has run."""
    if "html" in formats or "pdf" in formats:
        from fontTools.ttLib import woff2  # noqa: F401 - the page's font is saved as WOFF2

        _html_exporter()
        fonts.warm_up()
        page = _rehearse()
        if "pdf" in formats:
            html_to_pdf(page)


#: The small page :func:`warm_up` exports: one Markdown cell and one output like the report's (a table, a chart).
_REHEARSAL = (
    '<div class="table-box"><table><tr><th>项目</th><td>1.00</td></tr></table></div>'
    '<figure class="chart"><picture><img src="data:image/png;base64,'
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGP4z8DwHwAFAAH/iZk9HQAAAABJRU5ErkJggg=="
    '" alt="图"></picture><figcaption>图</figcaption></figure>'
)


def _rehearse() -> str:
    """A small notebook through :func:`notebook_to_html` (for :func:`warm_up`): the page."""
    from nbformat import v4

    nb = v4.new_notebook(metadata={"title": "预演"})
    output = v4.new_output("display_data", data={"text/html": _REHEARSAL})
    nb.cells = [v4.new_markdown_cell("# 预演"), v4.new_code_cell("x", outputs=[output])]
    return notebook_to_html(nb)


#: Where the page's ``@font-face`` goes in its CSS, once the page's characters are known.
FONT_FACE_SLOT = "/* evaltools: @font-face */"


def report_css(synthetic: bool = False) -> str:
    """The report's stylesheet (screen and A4 print), with :data:`FONT_FACE_SLOT` for the embedded font."""
    css = FONT_FACE_SLOT + "\n" + (TEMPLATES / "report" / "report.css").read_text(encoding="utf-8")
    css += page_style.narrow_css()  # wide tables on a phone, as on every shared page
    if synthetic:
        css += (
            '\n@page { @top-center { content: "合成数据 · 仅供演示，不是真实单位的数据"; color: #a11d1d; '
            "font-size: 9pt; } }\n"
        )
    return css


def _exporter_class() -> type:
    """nbconvert's HTMLExporter without the pass it makes over every page it writes (HTMLExporter.from_notebook_node
    parses the page with BeautifulSoup to give images without one an alt text and JupyterLab's cells a tabindex,
    then writes it out again: about 0.5 s of CPU for a bureau unit's report, most of what exporting it costs). Every
    image of these pages has its alt text and the template is not JupyterLab's: the page is the template's as is."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters.templateexporter import TemplateExporter
    from nbconvert.filters.highlight import Highlight2HTML
    from nbconvert.filters.widgetsdatatypefilter import WidgetsDataTypeFilter

    class ReportHTMLExporter(HTMLExporter):
        def from_notebook_node(self, nb, resources=None, **kw):  # noqa: ANN001, ANN202 - nbconvert's API
            lang = nb.metadata.get("language_info", {})
            lexer = lang.get("pygments_lexer", lang.get("name", None))
            self.register_filter(
                "highlight_code", self.filters.get("highlight_code", Highlight2HTML(pygments_lexer=lexer, parent=self))
            )
            resources = self._init_resources(resources)
            data_type = WidgetsDataTypeFilter(notebook_metadata=self._nb_metadata, parent=self, resources=resources)
            self.register_filter("filter_data_type", data_type)
            return TemplateExporter.from_notebook_node(self, nb, resources, **kw)

    return ReportHTMLExporter


@lru_cache(maxsize=1)
def _html_exporter():
    exp = _exporter_class()(template_name="evalreport", extra_template_basedirs=[str(TEMPLATES / "nbconvert")])
    exp.exclude_input = True
    exp.exclude_input_prompt = True
    exp.exclude_output_prompt = True
    exp.language_code = "zh"
    exp.environment.bytecode_cache = page_style.template_cache()  # nbconvert's templates compiled once, not every run
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

    from evaltools.report import pdf_subset

    pdf_subset.install()  # WeasyPrint's HarfBuzz subsetting (from uharfbuzz), not its fontTools fallback
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
    printer = _PRINTER.get()
    return printer.pdf_of(html) if printer is not None else html_to_pdf(html.decode("utf-8"))


#: The folder holding the evaltools package this process runs (the printer process imports the same one).
_PACKAGE_PARENT = str(Path(__file__).resolve().parents[2])


class PdfPrinter:
    """:func:`html_to_pdf` in a process of its own (``python -c``: this module's :func:`serve_pdf`), started
    before the page exists: it imports WeasyPrint and prints a small page (:func:`rehearsal_page`) on the core
    the kernel leaves idle, not in the runner, whose threads share one interpreter lock; when the page is made,
    it prints it; :meth:`close` ends it (it also ends by itself when its input does: this process gone). The
    same function on the same page, from the same evaltools: the same bytes as printing here."""

    def __init__(self, folder: Path | None = None) -> None:
        import os
        import subprocess
        import sys
        import tempfile

        #: Its temporary files (WeasyPrint's fonts) go here, in ``folder`` when given (the run's staging folder:
        #: removed with it also when the run is killed), removed with the process by :meth:`close`.
        self._tmp = tempfile.mkdtemp(prefix="evaltools-pdf-", dir=folder)
        code = "import evaltools.report.exporters as e; e.serve_pdf()"
        path = [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]  # this evaltools, first
        self._proc = subprocess.Popen(
            [sys.executable, "-c", code],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "TMPDIR": self._tmp, "PYTHONPATH": os.pathsep.join([_PACKAGE_PARENT, *path])},
        )

    def pdf_of(self, html: bytes) -> bytes:
        """The PDF of ``html`` (UTF-8); an error of the printer's is raised here as a RuntimeError with its text."""
        try:
            self._proc.stdin.write(len(html).to_bytes(8, "big") + html)
            self._proc.stdin.flush()
            status, size = self._proc.stdout.read(1), int.from_bytes(self._proc.stdout.read(8), "big")
            body = self._proc.stdout.read(size)
        except (OSError, ValueError) as exc:
            raise RuntimeError(f"the PDF process stopped ({exc})") from None
        if status != b"K" or len(body) != size:
            text = body.decode("utf-8", "replace") if status == b"E" else f"exit code {self._proc.poll()}"
            raise RuntimeError(f"the PDF process failed: {text}")
        return body

    def close(self) -> None:
        """End the process at once (SIGTERM), rather than let it read the end of its input and unwind its
        interpreter, and remove its temporary folder: all it leaves."""
        import shutil

        with contextlib.suppress(OSError):
            self._proc.terminate()
        for pipe in (self._proc.stdin, self._proc.stdout):
            with contextlib.suppress(OSError):
                pipe.close()
        self._proc.wait()
        shutil.rmtree(self._tmp, ignore_errors=True)


#: The printer of the run in this context (:func:`printing`), None: the pdf exporter prints here.
_PRINTER: ContextVar[PdfPrinter | None] = ContextVar("evaltools_pdf_printer", default=None)


#: The printer :func:`start_printer_early` started, until :func:`printing` takes it or the process ends.
_EARLY: list[PdfPrinter] = []


def start_printer_early() -> None:
    """Start the PDF process now, at the command line's start (``evaltools run YEAR`` writing a PDF: evaltools.cli.
    early): it imports WeasyPrint and prints its rehearsal page while the command line plans and evaluates and the
    kernel runs, and is surely ready when the page is (started after the evaluation, under load its rehearsal
    still ran when the page came, and the page waited for it). :func:`printing` takes it; one not taken is closed
    when this process ends. Its temporary files go to the system's temporary folder (no run's folder exists yet)."""
    if _EARLY:
        return
    import atexit

    _EARLY.append(PdfPrinter())
    atexit.register(discard_early_printer)


def discard_early_printer() -> None:
    """Close the printer :func:`start_printer_early` started, if no run took it (a batch, or no PDF asked for)."""
    while _EARLY:
        _EARLY.pop().close()


def _printer(folder: Path | None) -> PdfPrinter:
    """The printer started early when there is one still running, else a new one (its temporary files in ``folder``)."""
    early = _EARLY.pop() if _EARLY else None
    if early is not None and early._proc.poll() is None:
        return early
    if early is not None:
        early.close()
    return PdfPrinter(folder)


@contextmanager
def printing(formats: Iterable[str], folder: Path | None = None) -> Iterator[bool]:
    """While the block runs, the pdf exporter prints in a :class:`PdfPrinter` (the one started early, else one
    started now with its temporary files in ``folder``) when ``formats`` has pdf; yields whether it does (the
    runner then leaves the PDF's warm-up to it)."""
    if "pdf" not in formats:
        yield False
        return
    printer = _printer(folder)
    token = _PRINTER.set(printer)
    try:
        yield True
    finally:
        _PRINTER.reset(token)
        printer.close()


def rehearsal_page() -> str:
    """A small page as :func:`notebook_to_html` makes them (the report's stylesheet, a table and a chart), made
    without nbconvert: what the PDF process prints while it waits for the page. Its font face names no font file
    (the system's fonts draw it): building one would cost more than the rehearsal saves, and the page's own
    (WOFF2) is read by the module imported here."""
    from fontTools.ttLib import woff2  # noqa: F401 - WeasyPrint reads the page's font with it

    face = f'@font-face {{ font-family: "{fonts.EMBEDDED_FAMILY}"; font-style: normal; src: local("-"); }}'
    css = report_css().replace(FONT_FACE_SLOT, face, 1)
    return (
        f'<!DOCTYPE html><html lang="zh"><head><meta charset="utf-8"><style>{css}</style></head>'
        f'<body><main class="report"><h1>预演</h1><p>预演</p>{_REHEARSAL}</main></body></html>'
    )


def serve_pdf() -> None:
    """The :class:`PdfPrinter` process: rehearse, then for each page read from stdin (its length, 8 bytes, then
    its UTF-8) write ``K`` + length + the PDF, or ``E`` + length + the error, to stdout; stop at end of input.
    Nothing else reaches the stdout it answers on (fd 1 is pointed at stderr)."""
    import os
    import sys

    answer, pages = os.fdopen(os.dup(1), "wb"), sys.stdin.buffer
    os.dup2(2, 1)
    html_to_pdf(rehearsal_page())
    while len(head := pages.read(8)) == 8:
        html = pages.read(int.from_bytes(head, "big"))
        try:
            status, body = b"K", html_to_pdf(html.decode("utf-8"))
        except Exception as exc:  # noqa: BLE001 - said to the runner, which names the format
            status, body = b"E", f"{type(exc).__name__}: {exc}".encode()
        answer.write(status + len(body).to_bytes(8, "big") + body)
        answer.flush()


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


@dataclass(frozen=True)
class Document:
    """One document a run can write for a year's data: the notebook papermill executes, the file each format is
    written to, the title (page heading, browser tab, PDF metadata) and whether it is what ``evaltools run``
    writes when ``--document`` is not given. Declared once with :func:`document_kind`; the command line's
    ``--document`` choices and help, the runner, the batch and the index read :data:`DOCUMENTS`.

    ``title`` is a format string over ``name`` (the unit, or the project for a kind named by its project),
    ``year``, ``kind_title`` (整体支出绩效自评报告 …) and ``subject`` (部门整体 / 项目)."""

    name: str
    #: What the document is, as the index, the help text and the console name it (自评报告, 复核意见).
    label: str
    #: The notebook, relative to the project folder.
    notebook: str
    #: Format → file name, for every exporter (a format's file shared by two documents is the same file).
    files: Mapping[str, str]
    title: str
    default: bool = False
    #: One line for ``evaltools run --help``.
    help: str = ""
    #: What each of its own files is, for the console's list of written files (file name → description).
    describes: Mapping[str, str] = field(default_factory=dict)

    @property
    def notebook_path(self) -> Path:
        return PROJECT_ROOT / self.notebook

    @property
    def failed_notebook(self) -> str:
        """Where the executed notebook of a failed run is kept (report.failed.ipynb, review.failed.ipynb)."""
        return Path(self.files["ipynb"]).stem + ".failed.ipynb"

    def filename(self, fmt: str) -> str:
        """The file format ``fmt`` is written to for this document."""
        if fmt not in self.files:
            raise ParamsError(
                f"文档 {self.name} 没有 {fmt} 格式 / document {self.name} has no {fmt} file", key="formats"
            )
        return self.files[fmt]

    def title_for(self, ev: object) -> str:
        """The document's title for an evaluation (unit or project, year, the kind's wording)."""
        from evaltools.report.kinds import KINDS

        kind = KINDS[ev.kind]
        named = kind.named_by_project and len(ev.projects)
        name = ev.projects["project"].iloc[0] if named else ev.unit
        return self.title.format(name=name, year=ev.year, kind_title=kind.title, subject=kind.subject)


DOCUMENTS: Registry[Document] = Registry("document", "文档", key="document")


def document_kind(doc: Document) -> Document:
    """Register ``doc`` under its name (one default document at most)."""
    if doc.default and any(d.default for d in DOCUMENTS.values()):
        raise ValueError(f"two default documents: {doc.name} and {default_document().name}")
    return DOCUMENTS.add(doc.name, doc)


def default_document() -> Document:
    """The document ``evaltools run`` writes when none is named."""
    return next(d for d in DOCUMENTS.values() if d.default)


def get_document(name: str | None = None) -> Document:
    """The document named ``name`` (None: the default); an unknown name raises ParamsError (exit 2) listing them."""
    return default_document() if name is None else DOCUMENTS[name]


def documents_help() -> str:
    """``--document``'s help: every declared document, the default marked."""
    return "文档 / the document to write: " + "; ".join(
        f"{d.name} = {d.label}{'（默认 / default）' if d.default else ''}" for d in DOCUMENTS.values()
    )


#: Files made from the evaluation alone, the same whichever document is written (the unit's 自评表 and 核查清单,
#: the summary): both documents list them, so one run's default formats serve either.
_SHARED_FILES = {"xlsx": "自评表.xlsx", "checklist": "checklist.html", "json": "summary.json"}

document_kind(
    Document(
        name="report",
        label="自评报告",
        notebook="notebooks/self_evaluation.ipynb",
        files={"html": "report.html", "pdf": "report.pdf", "ipynb": "report.ipynb", **_SHARED_FILES},
        title="{name} {year} 年度{kind_title}",
        default=True,
        help="单位的绩效自评报告 / the unit's self-evaluation report",
    )
)
document_kind(
    Document(
        name="review",
        label="复核意见",
        notebook="notebooks/review.ipynb",
        files={"html": "review.html", "pdf": "review.pdf", "ipynb": "review.ipynb", **_SHARED_FILES},
        title="关于{name} {year} 年度{subject}支出绩效自评结果的复核意见",
        help="复核单位对已公布自评结果的复核意见 / the reviewer's opinion on the published self-evaluation",
        describes={
            "review.html": "复核意见，用浏览器打开 / the review, open in a browser",
            "review.pdf": "复核意见 PDF / the review as PDF",
            "review.ipynb": "执行后的复核笔记本 / the executed review notebook",
        },
    )
)


def order(formats: Iterable[str]) -> list[str]:
    """Formats in dependency order (html before pdf), unknown names refused."""
    unknown = [f for f in formats if f not in EXPORTERS]
    if unknown:
        raise ParamsError(
            f"未知的输出格式 / unknown format(s) {', '.join(unknown)}; available: {', '.join(EXPORTERS)}", key="formats"
        )
    wanted = list(dict.fromkeys(formats))
    return sorted(wanted, key=lambda f: (f in ("pdf",), list(EXPORTERS).index(f)))
