"""The CJK font: Noto Sans CJK SC as shipped by the ``mplfonts`` wheel (SIL OFL).

For charts it is registered with matplotlib (:func:`register_cjk_font`, called by
``evaltools.report.charts.use_theme``); for pages it is cut down to the characters of the page with
HarfBuzz (:func:`subset_cjk_font`) and travels inside the HTML as WOFF2 in a ``data:`` URL
(:func:`font_face_css`), so that report.html and index.html show Chinese on a machine without any
CJK font; the PDF embeds the same subset. Nothing happens at import time.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from evaltools.errors import FontNotFoundError

#: Family name matplotlib reports for the registered font.
CJK_FAMILY = "Noto Sans CJK SC"

_FILES = {
    "sans": "NotoSansCJKsc-Regular.otf",
    "serif": "NotoSerifCJKsc-Regular.otf",
    "mono": "NotoSansMonoCJKsc-Regular.otf",
}
_FAMILIES = {"sans": CJK_FAMILY, "serif": "Noto Serif CJK SC", "mono": "Noto Sans Mono CJK SC"}

_registered: dict[str, str] = {}

#: The family name under which pages embed the subset font.
EMBEDDED_FAMILY = "EvalCJK"
#: The family under which pages embed, cut to the characters the CJK font lacks, the fallback font.
EMBEDDED_FALLBACK = "EvalFallback"
#: What pages name after the embedded fonts: the common system CJK families, then the generic one.
FALLBACK_FAMILIES = '"Noto Sans CJK SC", "Source Han Sans SC", "PingFang SC", "Microsoft YaHei", sans-serif'
#: The CSS ``font-family`` value of every page: the embedded fonts first.
PAGE_FAMILIES = f'"{EMBEDDED_FAMILY}", "{EMBEDDED_FALLBACK}", {FALLBACK_FAMILIES}'


def font_path(family: str = "sans") -> Path:
    """Path of the Noto CJK SC font file that the ``mplfonts`` package ships.

    ``family`` is ``"sans"`` (default, NotoSansCJKsc-Regular.otf), ``"serif"`` or ``"mono"``.
    Raises :class:`FontNotFoundError` (an :class:`~evaltools.errors.EvaltoolsError`) when the
    package or the file is missing.
    """
    if family not in _FILES:
        raise FontNotFoundError(f"unknown font family {family!r}; expected one of {sorted(_FILES)}")
    name = _FILES[family]
    spec = importlib.util.find_spec("mplfonts")
    if spec is None or not spec.submodule_search_locations:
        raise FontNotFoundError(
            f"中文字体缺失 / CJK font missing: the Python package 'mplfonts' (which ships {name}) is not "
            "installed; install it with `pip install mplfonts` (it is a dependency of evaltools)"
        )
    # the package's folder from its spec, the package not imported: importing mplfonts imports matplotlib (about
    # 0.1 s CPU), which the runner's exporters and the PDF process never need
    path = Path(spec.submodule_search_locations[0]) / "fonts" / name
    if not path.is_file():
        raise FontNotFoundError(
            f"中文字体缺失 / CJK font missing: {path} does not exist; the installed 'mplfonts' package does "
            f"not ship {name}; reinstall it with `pip install --force-reinstall mplfonts`"
        )
    return path


def register_cjk_font(family: str = "sans") -> str:
    """Register the Noto CJK SC font with matplotlib for this process; return its family name.

    Idempotent: the font is added to ``matplotlib.font_manager.fontManager`` once.
    """
    if family in _registered:
        return _registered[family]
    from matplotlib import font_manager

    path = font_path(family)
    known = {Path(f.fname).resolve() for f in font_manager.fontManager.ttflist}
    if path.resolve() not in known:
        font_manager.fontManager.addfont(str(path))
    name = font_manager.FontProperties(fname=str(path)).get_name()
    if name != _FAMILIES[family]:  # pragma: no cover - a different build of the font
        raise FontNotFoundError(f"{path} reports family {name!r}, expected {_FAMILIES[family]!r}")
    _registered[family] = name
    return name


def page_characters(text: str) -> str:
    """The characters a page made of ``text`` can show: those of the text, printable ASCII (for
    what a browser or the PDF engine adds: page numbers, list markers), NBSP and the ideographic space."""
    return "".join(sorted({*text, *map(chr, range(0x20, 0x7F)), "\u00a0", "\u3000"} - {"\n", "\r", "\t"}))


@lru_cache(maxsize=1)
def _cjk_face():
    """The full CJK font parsed by HarfBuzz (0.2 s), kept for the next page of this process."""
    import uharfbuzz as hb

    return hb.Face(hb.Blob.from_file_path(str(font_path())))


def warm_up() -> None:
    """Parse the full font now (for the runner's idle core), so the first subset is quick."""
    _cjk_face()


@lru_cache(maxsize=4)
def _subset(characters: str) -> bytes:
    import uharfbuzz as hb

    wanted = hb.SubsetInput()
    for char in characters:
        wanted.unicode_set.add(ord(char))
    return hb.subset(_cjk_face(), wanted).blob.data


def subset_cjk_font(text: str) -> bytes:
    """The Noto Sans CJK SC font (OpenType/CFF) cut down to :func:`page_characters` of ``text``, with HarfBuzz.

    Cutting the 16 MB font takes HarfBuzz about 0.2 s (fontTools, which WeasyPrint would use, about
    11 s); the same characters give the same bytes, cached for the page's PDF.
    """
    return _subset(page_characters(text))


class _Brotli:
    """fontTools compresses WOFF2 at Brotli's top quality, 11: 1.3 s for a report's subset (160 KB);
    quality 9 gives 171 KB in 0.1 s. This stands in for the ``brotli`` module while a font is saved."""

    MODE_FONT = 2

    @staticmethod
    def compress(data: bytes, mode: int = 2, quality: int = 9, **kwargs: object) -> bytes:
        import brotli

        return brotli.compress(data, mode=mode, quality=min(quality, 9), **kwargs)


_WOFF2_LOCK = threading.Lock()


def as_woff2(opentype: bytes) -> bytes:
    """An OpenType font as WOFF2 (Brotli-compressed: about 80% of the OpenType subset), at the quality of
    :class:`_Brotli`. The font keeps its own date (``head.modified``), not the time of saving: the same page
    gives the same bytes in every run (a batch's reports equal each unit's run alone, issue 23)."""
    from fontTools.ttLib import TTFont, woff2

    font = TTFont(io.BytesIO(opentype), recalcTimestamp=False)
    font.flavor = "woff2"
    out = io.BytesIO()
    with _WOFF2_LOCK:
        woff2.brotli, saved = _Brotli, woff2.brotli
        try:
            font.save(out)
        finally:
            woff2.brotli = saved
    return out.getvalue()


@lru_cache(maxsize=4)
def _woff2(characters: str) -> bytes:
    return as_woff2(_subset(characters))


def cjk_woff2(text: str) -> bytes:
    """:func:`subset_cjk_font` of ``text`` as WOFF2 (fontTools with Brotli), for a page's ``@font-face``."""
    return _woff2(page_characters(text))


def font_face_css(text: str) -> str:
    """An ``@font-face`` rule declaring :data:`EMBEDDED_FAMILY` as the subset of ``text`` in a ``data:`` URL:
    the page carries its font and requests nothing from outside."""
    data = base64.b64encode(cjk_woff2(text)).decode("ascii")
    return (
        f'@font-face {{ font-family: "{EMBEDDED_FAMILY}"; font-style: normal; font-weight: normal; '
        f'src: url(data:font/woff2;base64,{data}) format("woff2"); }}'
    ) + fallback_face_css(text)


# ----------------------------------------------------------------------------- the fallback font and coverage


def fallback_path() -> Path:
    """DejaVu Sans, shipped by matplotlib (a dependency): Latin, Greek, Cyrillic and the symbols, arrows and
    marks the CJK font lacks (Ą, ₹, ⚠ …). Pages and the PDF embed it, cut to the characters it adds."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"


@lru_cache(maxsize=4)
def _cmap(path: str) -> frozenset[int]:
    import uharfbuzz as hb

    return frozenset(hb.Face(hb.Blob.from_file_path(path)).unicodes)


def covered() -> frozenset[int]:
    """Every code point the embedded fonts draw (the CJK font and the fallback)."""
    return _cmap(str(font_path())) | _cmap(str(fallback_path()))


#: Characters nobody expects a glyph for: spaces and line breaks, controls, joiners and variation selectors.
_NO_GLYPH = {0x20, 0x09, 0x0A, 0x0D, 0xA0, 0x3000, 0x200D, *range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0)}


def undrawable(text: str) -> str:
    """The characters of ``text`` that no embedded font draws, in order, once each ('' when all are drawn)."""
    if text.isascii():
        return ""
    have = covered()
    return "".join(dict.fromkeys(ch for ch in text if ord(ch) not in have and ord(ch) not in _NO_GLYPH))


def fallback_characters(text: str) -> str:
    """The characters of a page the CJK font lacks and the fallback font draws (what the fallback is cut to)."""
    main, extra = _cmap(str(font_path())), _cmap(str(fallback_path()))
    return "".join(sorted({ch for ch in set(text) if ord(ch) not in main and ord(ch) in extra}))


@lru_cache(maxsize=4)
def _fallback_subset(characters: str) -> bytes:
    import uharfbuzz as hb

    wanted = hb.SubsetInput()
    for char in characters:
        wanted.unicode_set.add(ord(char))
    face = hb.Face(hb.Blob.from_file_path(str(fallback_path())))
    return hb.subset(face, wanted).blob.data


def fallback_font(text: str) -> bytes | None:
    """The fallback font cut to :func:`fallback_characters` of ``text`` (OpenType), or None when none is needed."""
    chars = fallback_characters(text)
    return _fallback_subset(chars) if chars else None


def fallback_face_css(text: str) -> str:
    """An ``@font-face`` rule for :data:`EMBEDDED_FALLBACK` (WOFF2 in a ``data:`` URL), or '' when the page
    needs no character of it."""
    data = fallback_font(text)
    if data is None:
        return ""
    encoded = base64.b64encode(as_woff2(data)).decode("ascii")
    return (
        f'@font-face {{ font-family: "{EMBEDDED_FALLBACK}"; font-style: normal; font-weight: normal; '
        f'src: url(data:font/woff2;base64,{encoded}) format("woff2"); }}'
    )


@contextmanager
def glyph_check() -> Iterator[None]:
    """While the block runs, loading warns at every text cell holding a character that no embedded font
    draws (:func:`undrawable`): what ``evaltools check`` says about CJK Extension B names or emoji."""
    from evaltools.data.text import GLYPH_CHECKS

    GLYPH_CHECKS.append(undrawable)
    try:
        yield
    finally:
        GLYPH_CHECKS.remove(undrawable)
