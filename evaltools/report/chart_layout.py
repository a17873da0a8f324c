"""Sizes of the report's charts: one layout for paper and desktop screens, one for a 390 px phone.

A chart is drawn once per layout; the page shows the phone drawing below 44rem (``<picture>``), so that its text
is seen at 9 pt or more (issue 24 item 5: labels were ~5 px on a phone when the 7.5 in figure was shrunk).
:func:`png_bytes` rasterises a chart: the pixels of ``fig.savefig(format="png")``, byte for byte, at a fraction of its
cost (issue 23: a bureau draws thousands of charts) — savefig's layout pass cut to the layout engine, each text
measured and laid out into glyphs once per process.
"""

from __future__ import annotations

import contextlib
import functools
import io
import struct
import zlib
from collections.abc import Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.font_manager import FontPath, FontProperties, fontManager, get_font
from matplotlib.ft2font import FT2Font
from matplotlib.text import Annotation

from evaltools.report.chart_axes import ReportFigure, lay_out_texts_once

#: Width of every figure in inches: fits an A4 page with margins.
WIDTH = 7.5
#: The report's text column on a 390 px phone, CSS px (390 less 2 × 0.75rem of 14 px padding).
PHONE_COLUMN_PX = 366


@dataclass(frozen=True)
class Layout:
    """Sizes of one rendering of the charts: ``width`` in inches, font sizes in pt (``small``: value labels,
    ticks, legend; ``text``: axis and panel titles; ``title``: the figure's title), ``row``: inches per bar,
    ``chars``: characters of a row name per line (``lines`` lines at most)."""

    name: str
    width: float
    small: float
    text: float
    title: float
    row: float
    chars: int
    lines: int = 1


#: A4 page and desktop screen: 7.5 in wide, shown at 100–110 %.
PRINT = Layout("print", WIDTH, 8.0, 10.0, 12.0, 1.0, 22)
#: A 390 px phone: the column is 366 CSS px = 3.81 in, so a 3.8 in figure is shown at its own size and
#: text of 9 pt stays 9 pt (:func:`shown_pt`).
PHONE = Layout("phone", PHONE_COLUMN_PX / 96, 9.0, 9.5, 10.5, 1.25, 9, 2)
_LAYOUT: ContextVar[Layout] = ContextVar("chart_layout", default=PRINT)


def shown_pt(size_pt: float, figure_width_in: float, column_px: float) -> float:
    """The size, in CSS pt, at which text of ``size_pt`` in a figure ``figure_width_in`` wide is seen when the
    image is scaled to a column ``column_px`` CSS px wide (1 in = 96 px = 72 pt): size × column / (width × 96)."""
    return size_pt * column_px / (figure_width_in * 96)


@contextlib.contextmanager
def layout(which: Layout) -> Iterator[Layout]:
    """Draw the charts built inside the block with the sizes of ``which`` (:data:`PRINT` or :data:`PHONE`)."""
    token = _LAYOUT.set(which)
    try:
        yield which
    finally:
        _LAYOUT.reset(token)


def current() -> Layout:
    """The layout charts are being drawn with (:data:`PRINT` unless inside :func:`layout`)."""
    return _LAYOUT.get()


# --------------------------------------------------------------------------- drawing in the layout's sizes


def plain(text: object) -> str:
    """Data text drawn literally: ``$`` escaped so that matplotlib does not start mathtext."""
    return str(text).replace("$", r"\$")


def short(text: object, limit: int) -> str:
    text = str(text)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def row_label(text: object) -> str:
    """A row name cut to the layout: one line of 22 characters on paper, two of 9 on a phone. A name of parts
    (project / indicator) is cut in its first part: the last, the row's own name, stays whole where it fits."""
    size = current()
    text = str(text)
    head, sep, tail = text.rpartition(" / ")
    if size.lines == 1 or len(text) <= size.chars:
        if len(text) <= size.chars or not sep:
            return plain(short(text, size.chars))
        room = max(size.chars - len(tail) - 3, 2)
        return plain(short(head, room) + " / " + short(tail, size.chars - 3 - min(room, len(head))))
    if not sep:
        head, tail = text[: size.chars], text[size.chars :]
    return plain(short(head, size.chars) + (" /" if sep else "") + "\n" + short(tail, size.chars))


def figure(rows: float, fixed: float = 1.2, **kwargs: object) -> Figure:
    """A figure of the layout's width, ``fixed`` inches plus ``rows`` bar rows high; its subplots are
    :class:`~evaltools.report.chart_axes.ReportAxes` (matplotlib's, with ticks and bars made faster)."""
    size = current()
    extra = 0.45 if size.lines > 1 else 0.0  # the title's second line
    return ReportFigure(figsize=(size.width, fixed + extra + size.row * rows), layout="constrained", **kwargs)


def suptitle(fig: Figure, text: str) -> None:
    fig.suptitle(text, fontsize=current().title)


def label_bars(ax: Axes, bars: BarContainer, labels: Iterable[str], **kwargs: object) -> None:
    """Value labels at the bar ends, on a light box so that a reference line behind stays readable."""
    ax.bar_label(
        bars,
        labels=list(labels),
        padding=3,
        fontsize=current().small,
        zorder=5,
        bbox=dict(facecolor="white", edgecolor="none", pad=0.6),
        **kwargs,
    )


def reference(ax: Axes, x: float) -> None:
    """The 100% line, behind the bars: visible between them, never through a bar or its label."""
    ax.axvline(x, color="0.15", linewidth=1.3, linestyle="--", zorder=0.5)


def legend(fig: Figure, handles: list) -> None:
    fig.legend(
        handles=handles,
        loc="outside lower center",
        ncol=min(len(handles), 5 if current().lines == 1 else 2),
        fontsize=current().small,
        frameon=False,
    )


def fit_labels(fig: Figure, ax: Axes, low: float) -> None:
    """Widen the x axis until every bar label ends inside it (labels are as long as their texts).

    Measured before the figure is laid out (the axes where the figure's subplot parameters put them), at the
    figure's dpi, three rounds at most: a label's width in data units shrinks as the axis widens. One renderer
    serves every measurement (asking a label for its extent without one draws a fresh renderer each time)."""
    renderer = _Renderer(*fig.bbox.size, fig.dpi)
    for _ in range(3):
        inverse = ax.transData.inverted()
        right = max((inverse.transform(t.get_window_extent(renderer))[1, 0] for t in ax.texts), default=low)
        lo, hi = ax.get_xlim()
        if right <= hi:
            return
        ax.set_xlim(lo, right + (right - lo) * 0.03)


def note(text: str) -> Figure:
    """A figure holding only a sentence (for direct callers; the report shows the sentence as text)."""
    fig = figure(0, fixed=1.6)
    ax = fig.subplots()
    ax.set_axis_off()
    ax.text(
        0.5,
        0.5,
        plain(text),
        ha="center",
        va="center",
        fontsize=current().title,
        color="0.3",
        wrap=True,
        transform=ax.transAxes,
    )
    return fig


# --------------------------------------------------------------------------- rasterising


#: zlib level of the charts' PNGs: 1 is the fastest; a report's eight drawings come out no larger than
#: matplotlib's own (level 6 with adaptive filters), charts being large areas of one colour.
PNG_LEVEL = 1
#: The OS/2 and hhea tables' names of line gap, ascender and descender (as matplotlib's Text reads them).
_HEIGHT_TABLES = (
    ("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
    ("hhea", "lineGap", "ascent", "descent"),
)


#: Texts measured and laid out (:class:`_Renderer`), for every chart of the process: a report's charts and the next
#: report's repeat their axis texts, legends and many labels, and the phone and A4 drawings their sizes' texts.
#: Each result depends only on its key (the text, the font files, size, dpi and FreeType settings).
_MEASURED: dict[tuple, tuple[float, float, float]] = {}
_GLYPHS: dict[tuple, tuple] = {}
#: Entries kept at most in each (a bureau's year is drawn by one process: thousands of charts).
_TEXTS_KEPT = 40_000


def _kept(cache: dict, key: tuple, value: object) -> None:
    if len(cache) >= _TEXTS_KEPT:
        cache.clear()
    cache[key] = value


class _Renderer(RendererAgg):
    """Agg, with the font files and font heights of each text style looked up once per drawing rather than at
    every measurement (matplotlib asks the font manager, then the font's tables, for each text each time it
    lays one out: a third of a chart's drawing), and each text measured and laid out into glyphs once per process
    (:data:`_MEASURED`, :data:`_GLYPHS`: FreeType loads every glyph of a text each time). The results, and so the
    pixels, are the ones matplotlib would find."""

    def __init__(self, width: float, height: float, dpi: float) -> None:
        super().__init__(width, height, dpi)
        self._paths: dict[FontProperties, list] = {}
        self._heights: dict[FontProperties, tuple] = {}

    def _font(self, prop: FontProperties) -> FT2Font:
        paths = self._paths.get(prop)
        if paths is None:
            paths = self._paths[prop] = fontManager._find_fonts_by_props(prop)
        return get_font(paths)

    def _prepare_font(self, font_prop: FontProperties) -> FT2Font:
        font = self._font(font_prop)
        font.clear()
        font.set_size(font_prop.get_size_in_points(), self.dpi)
        return font

    def _get_font_height_metrics(self, prop: FontProperties) -> tuple:
        """(ascent, descent, line gap) in pixels from the font's OS/2 (else hhea) table, as matplotlib's
        ``Text._get_layout`` computes them; (None, None, None) to let it measure."""
        if prop not in self._heights:
            font, heights = self._font(prop), (None, None, None)
            for table_name, gap, ascent, descent in _HEIGHT_TABLES:
                table = font.get_sfnt_table(table_name)
                if table is not None:
                    scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * self.dpi / 72
                    heights = (table[ascent] * scale, -table[descent] * scale, table[gap] * scale)
                    break
            self._heights[prop] = heights
        return self._heights[prop]

    def _text_key(self, s: str, prop: FontProperties) -> tuple:
        if prop not in self._paths:
            self._font(prop)
        return (
            s,
            tuple(self._paths[prop]),
            prop.get_size_in_points(),
            self.dpi,
            get_hinting_flag(),
            mpl.rcParams["text.hinting_factor"],
            mpl.rcParams["text.kerning_factor"],
        )

    def get_text_width_height_descent(self, s: str, prop: FontProperties, ismath: object) -> tuple:
        """RendererAgg's measurement (width, height, descent in pixels), once per text and style."""
        if ismath is not False:
            return super().get_text_width_height_descent(s, prop, ismath)
        key = self._text_key(s, prop)
        found = _MEASURED.get(key)
        if found is None:
            found = super().get_text_width_height_descent(s, prop, ismath)
            _kept(_MEASURED, key, found)
        return found

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None) -> None:  # noqa: ANN001 - Agg's API
        """RendererAgg's ``draw_text``: the text laid out into glyphs (font, index, offset) once per text and
        style, each drawing rendering them where it puts the text."""
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = (*self._text_key(s, prop), _hashable(features), _hashable(language))
        glyphs = _GLYPHS.get(key)
        if glyphs is None:
            items = self._prepare_font(prop)._layout(s, flags=get_hinting_flag(), features=features, language=language)
            glyphs = tuple(((i.ft_object.fname, i.ft_object.face_index), i.glyph_index, i.x, i.y) for i in items)
            _kept(_GLYPHS, key, glyphs)
        fonts = {face: get_font([FontPath(*face)]) for face in {g[0] for g in glyphs}}
        size = prop.get_size_in_points()
        self._draw_text_glyphs_and_boxes(
            gc, x, y, angle, ((fonts[face], size, index, 0, 1, dx, dy) for face, index, dx, dy in glyphs), []
        )
        return None

    @contextlib.contextmanager
    def _draw_disabled(self) -> Iterator[None]:
        """matplotlib's drawing without output (savefig's layout pass), marked so that :func:`_draw` knows it."""
        with super()._draw_disabled():
            self.laying_out = True
            try:
                yield
            finally:
                self.laying_out = False


class _Canvas(FigureCanvasAgg):
    """The Agg canvas drawing with :class:`_Renderer`."""

    def get_renderer(self) -> RendererAgg:
        w, h = self.get_width_height(physical=True)
        if self._lastKey != (w, h, self.figure.dpi):
            self.renderer = _Renderer(w, h, self.figure.dpi)
            self._lastKey = (w, h, self.figure.dpi)
        return self.renderer


def _hashable(value: object) -> object:
    """Font features or language as a cache key: lists made tuples."""
    if isinstance(value, list | tuple):
        return tuple(_hashable(v) for v in value)
    return value


def _chunk(tag: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def _inside(ax: Axes, xy: object) -> bool:
    """Whether a point in data coordinates lies within the axes' view limits (edges included)."""
    try:
        x, y = (float(v) for v in xy)
    except (TypeError, ValueError):
        return False  # dates, categories: left to matplotlib
    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    return x0 <= x <= x1 and y0 <= y <= y1


def _settle_annotations(fig: Figure) -> None:
    """Tell each label anchored inside its axes that it is shown. An annotation at data coordinates is drawn
    only when its point falls inside the axes (1 px of tolerance), and matplotlib tests that at every
    measurement and again when drawing; for a point within the view limits the answer is yes."""
    for ax in fig.axes:
        if ax.name != "rectilinear" or ax.get_aspect() != "auto":
            continue  # a round axes, or limits that drawing may still change: left to matplotlib
        for text in ax.texts:
            if isinstance(text, Annotation) and text.get_annotation_clip() is None and text.xycoords == "data":
                if _inside(ax, text.xy):
                    text.set_annotation_clip(False)


def _draw(fig: Figure, renderer: RendererAgg) -> None:
    """``fig.draw`` while :func:`png_bytes` saves it. savefig draws a figure with a layout engine twice: once
    without output, to lay it out (``Figure.draw`` runs the engine, then walks every artist drawing nothing), then
    for the pixels with the engine off. The first walk only computes what the second computes again (each
    artist's draw works out its own state from the figure's), so here the first pass does what ``Figure.draw``
    does before it walks: the axes' aspect, then the engine — the same layout, half the walking."""
    if not getattr(renderer, "laying_out", False):
        Figure.draw(fig, renderer)
        return
    fig._get_draw_artists(renderer)  # noqa: SLF001 - Figure.draw's first step: each axes' apply_aspect
    engine = fig.get_layout_engine()
    if fig.axes and engine is not None:
        try:
            engine.execute(fig)
        except ValueError:  # as Figure.draw: raised only while a window is resized
            pass


def png_bytes(fig: Figure, dpi: float = 150) -> bytes:
    """``fig`` as a PNG at ``dpi``: the pixels of ``fig.savefig(buf, format="png", dpi=dpi)`` (the figure drawn
    by the same ``savefig``, its layout pass cut to the layout (:func:`_draw`), then written as RGB when it is opaque, unfiltered, at zlib :data:`PNG_LEVEL`, with
    its dpi in a pHYs chunk). The figure is given an Agg canvas."""
    _settle_annotations(fig)
    lay_out_texts_once(fig)
    canvas = _Canvas(fig)
    buf = io.BytesIO()
    fig.draw = functools.partial(_draw, fig)  # an instance attribute, as savefig's own _get_renderer sets one
    try:
        fig.savefig(buf, format="raw", dpi=dpi)
    finally:
        del fig.draw
    w, h = canvas.renderer.width, canvas.renderer.height
    rgba = np.frombuffer(buf.getbuffer(), dtype=np.uint8).reshape(h, w, 4)
    channels = 3 if rgba[..., 3].min() == 255 else 4
    rows = np.empty((h, 1 + w * channels), dtype=np.uint8)
    rows[:, 0] = 0  # filter type None
    rows[:, 1:] = rgba[..., :channels].reshape(h, w * channels)
    per_metre = round(dpi / 0.0254)
    return b"".join(
        [
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2 if channels == 3 else 6, 0, 0, 0)),
            _chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            _chunk(b"IDAT", zlib.compress(rows, PNG_LEVEL)),
            _chunk(b"IEND", b""),
        ]
    )
