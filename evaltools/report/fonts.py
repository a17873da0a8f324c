"""The CJK font for charts: Noto Sans CJK SC as shipped by the ``mplfonts`` wheel (SIL OFL).

Nothing happens at import time: the font is registered with matplotlib only when
:func:`register_cjk_font` is called (``evaltools.report.charts.use_theme`` does it).
"""

from __future__ import annotations

import importlib.resources
import importlib.util
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


def font_path(family: str = "sans") -> Path:
    """Path of the Noto CJK SC font file that the ``mplfonts`` package ships.

    ``family`` is ``"sans"`` (default, NotoSansCJKsc-Regular.otf), ``"serif"`` or ``"mono"``.
    Raises :class:`FontNotFoundError` (an :class:`~evaltools.errors.EvaltoolsError`) when the
    package or the file is missing.
    """
    if family not in _FILES:
        raise FontNotFoundError(f"unknown font family {family!r}; expected one of {sorted(_FILES)}")
    name = _FILES[family]
    if importlib.util.find_spec("mplfonts") is None:
        raise FontNotFoundError(
            f"中文字体缺失 / CJK font missing: the Python package 'mplfonts' (which ships {name}) is not "
            "installed; install it with `pip install mplfonts` (it is a dependency of evaltools)"
        )
    resource = importlib.resources.files("mplfonts") / "fonts" / name
    path = Path(str(resource))
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
