"""What every shared page carries (report.html, index.html, findings.html): the embedded CJK font and the
narrow-screen rules for wide tables (``templates/report/narrow.css``), declared once here.

A page puts :data:`FONT_FACE_SLOT` at the start of its ``<style>`` and :func:`narrow_css` in it, names
:data:`evaltools.report.fonts.PAGE_FAMILIES` as its font, and passes its finished HTML through
:func:`embed_font`: the font, cut to the page's own characters, travels with the page (issue 24 item 5).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from evaltools.report import fonts

#: Where a page's ``@font-face`` goes in its CSS, once the page's characters are known.
FONT_FACE_SLOT = "/* evaltools: @font-face */"
_NARROW = Path(__file__).parent / "templates" / "report" / "narrow.css"


@cache
def narrow_css() -> str:
    """The narrow-screen rules of every page: a wide table shows that it scrolls and keeps its first column."""
    return _NARROW.read_text(encoding="utf-8")


def embed_font(html: str) -> str:
    """``html`` with the CJK font subset for its characters in its first :data:`FONT_FACE_SLOT`."""
    return html.replace(FONT_FACE_SLOT, fonts.font_face_css(html), 1)


def template_cache() -> object | None:
    """Jinja2's own cache of compiled templates (in the user's temporary folder, checked against each template's
    source): a report's kernel loads the compiled sections, and the exporter nbconvert's page, instead of
    compiling them again (0.2–0.3 s a run). None — compile as before — where no such folder can be made safely."""
    from jinja2 import FileSystemBytecodeCache

    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no usable temporary folder, or one not private to this user
        return None
