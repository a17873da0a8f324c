"""The axes the report's charts are drawn on: matplotlib's own, with two of its steps done at a fraction of their
cost and the same result (issue 23: a bureau's year draws thousands of charts, a chart of 100 rows makes 100 ticks
and 100 bars in each of its two layouts).

* A new tick takes the first tick's properties (``Axis._copy_tick_props``): each of its three lines copies the
  first tick's :class:`~matplotlib.markers.MarkerStyle` by ``MarkerStyle(marker=other)``, a ``copy.deepcopy`` of
  the style's paths, transforms and bound methods — a third of making a tick. Here the new lines share that style:
  matplotlib never changes a MarkerStyle in place (``Line2D.set_marker`` and ``set_fillstyle`` make a new one), so a
  shared one and a copy draw the same.
* A bar (a :class:`~matplotlib.patches.Rectangle`) widens the data limits by the corners of its path, which
  ``Axes._update_patch_limits`` finds by splitting the path into Bézier segments and solving each for its extrema;
  a Rectangle's path is always the unit square, whose points are found here once.
* Each text is laid out once per drawing (:func:`lay_out_texts_once`), not at each measurement.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.axis import XAxis, YAxis
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle
from matplotlib.path import Path
from matplotlib.text import Annotation, Text

#: What a tick line's marker is set to while its properties are copied: a marker name, which MarkerStyle reads
#: without copying anything (the line then gets the first tick's style itself).
_NO_MARKER = "None"


class _SharedMarkers:
    """``Axis._copy_tick_props`` with each new tick line given the first tick's marker style itself (a
    MarkerStyle is never changed in place) rather than a deep copy of it."""

    def _copy_tick_props(self, src: Any, dest: Any) -> None:
        if src is None or dest is None:
            super()._copy_tick_props(src, dest)  # type: ignore[misc]
            return
        pairs = [(src.tick1line, dest.tick1line), (src.tick2line, dest.tick2line), (src.gridline, dest.gridline)]
        markers = [line._marker for line, _ in pairs]  # noqa: SLF001 - the attribute Line2D.update_from copies
        try:
            for line, _ in pairs:
                line._marker = _NO_MARKER  # noqa: SLF001
            super()._copy_tick_props(src, dest)  # type: ignore[misc]
        finally:
            for (line, _), marker in zip(pairs, markers):
                line._marker = marker  # noqa: SLF001
        for (_, new), marker in zip(pairs, markers):
            new._marker = marker  # noqa: SLF001


class _XAxis(_SharedMarkers, XAxis):
    pass


class _YAxis(_SharedMarkers, YAxis):
    pass


def _unit_square_points() -> np.ndarray:
    """The points ``Axes._update_patch_limits`` takes from a Rectangle's path (the unit square): each Bézier
    segment's ends and extrema, in its order."""
    points = []
    for curve, _ in Path.unit_rectangle().iter_bezier(simplify=False):
        _, zeros = curve.axis_aligned_extrema()
        points.append(curve([0, *zeros, 1]))
    return np.vstack(points)


_UNIT_SQUARE = _unit_square_points()


class ReportAxes(Axes):
    """Rectilinear axes (``name`` stays ``"rectilinear"``) whose axes make ticks and take bars' limits as
    described in the module docstring."""

    def _init_axis(self) -> None:
        super()._init_axis()
        self.xaxis.__class__ = _XAxis  # the same object: the spines registered it
        self.yaxis.__class__ = _YAxis

    def _update_patch_limits(self, patch: Patch) -> None:
        """``Axes._update_patch_limits``; for a Rectangle, the unit square's points found once."""
        if type(patch) is not Rectangle or self.name != "rectilinear":
            super()._update_patch_limits(patch)
            return
        if (not patch.get_width()) and (not patch.get_height()):
            return
        patch_trf = patch.get_transform()
        updatex, updatey = patch_trf.contains_branch_separately(self.transData)
        if not (updatex or updatey):
            return
        xys = (patch_trf - self.transData).transform(_UNIT_SQUARE)
        self.update_datalim(xys, updatex=updatex, updatey=updatey)


class ReportFigure(Figure):
    """A Figure whose subplots are :class:`ReportAxes` unless a projection or an axes class is asked for."""

    def add_subplot(self, *args: Any, **kwargs: Any) -> Axes:
        if not {"projection", "polar", "axes_class"} & set(kwargs):
            kwargs["axes_class"] = ReportAxes
        return super().add_subplot(*args, **kwargs)


class _LayoutOnce:
    """A text whose layout (``Text._get_layout``: its lines measured, aligned and rotated — the box every
    measurement and the drawing start from) is worked out once per renderer and state rather than at each of the
    five or so times a drawing asks for it (the layout engine's two passes, a label's box, the drawing). The
    state is everything the layout reads: the text, font, alignment, rotation, spacing, math and TeX settings and
    the dpi; a text that wraps or turns with its transform is laid out each time, as matplotlib does."""

    def _get_layout(self, renderer: Any) -> Any:
        if self.get_wrap() or self.get_transform_rotates_text():
            return super()._get_layout(renderer)
        key = (
            self._text,
            hash(self._fontproperties),
            self._rotation,
            self._horizontalalignment,
            self._verticalalignment,
            self._multialignment,
            self.get_rotation_mode(),
            self._linespacing,
            self.get_usetex(),
            self.get_parse_math(),
            self.get_figure(root=True).dpi,
        )
        kept = self.__dict__.get("_layout_once")
        if kept is not None and kept[0] is renderer and kept[1] == key:
            return kept[2]
        layout = super()._get_layout(renderer)
        self.__dict__["_layout_once"] = (renderer, key, layout)
        return layout


_LAYOUT_ONCE: dict[type, type] = {}


def lay_out_texts_once(fig: Figure) -> None:
    """Make each text of ``fig`` (of matplotlib's Text and Annotation classes) a :class:`_LayoutOnce` of its
    class: the same object, drawn the same, laid out once per drawing. Texts made while drawing (ticks a
    locator adds) are left as they are."""
    for text in fig.findobj(lambda a: type(a) in (Text, Annotation)):
        cls = type(text)
        if cls not in _LAYOUT_ONCE:
            _LAYOUT_ONCE[cls] = type(cls.__name__, (_LayoutOnce, cls), {"__module__": __name__})
        text.__class__ = _LAYOUT_ONCE[cls]
