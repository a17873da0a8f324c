"""Shared fixtures: the repository, the 2022 data and its evaluation, and the page checks (embedded font,
external references) used by the report and run folders. A fixture one folder uses lives in that folder's
conftest.py; the paths are in tests/_paths.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._paths import DATA, ROOT


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def data_2022():
    from evaltools import load_year

    return load_year(2022, DATA)


@pytest.fixture(scope="session")
def rules_2022():
    from evaltools import load_rules

    return load_rules("qiaoxi2022")


@pytest.fixture(scope="session")
def ev_2022(data_2022, rules_2022):
    from evaltools import evaluate

    return evaluate(data_2022, rules_2022)


def _embedded_font_gaps(html: str) -> tuple[int, str]:
    """(size in bytes of the page's embedded WOFF2 font, every character of the page's text it lacks).

    The page's text is what a reader sees (the text of the body) and what the style sheet prints
    (``content:`` strings, such as the synthetic-data banner of the PDF pages)."""
    import base64
    import io
    import re

    from bs4 import BeautifulSoup
    from fontTools.ttLib import TTFont

    faces = re.findall(r'font-family: "EvalCJK";[^}]*src: url\(data:font/woff2;base64,([A-Za-z0-9+/=]+)\)', html)
    assert len(faces) == 1, f"expected one embedded EvalCJK font, found {len(faces)}"
    data = base64.b64decode(faces[0])
    font = TTFont(io.BytesIO(data))
    assert font.flavor == "woff2"
    cmap = font.getBestCmap()
    soup = BeautifulSoup(html, "html.parser")
    styles = " ".join(s.get_text() for s in soup.find_all("style"))
    for style in soup.find_all("style"):
        style.decompose()
    text = soup.get_text() + "".join(re.findall(r'content:\s*"([^"]*)"', styles))
    missing = sorted({c for c in text if not c.isspace() and ord(c) not in cmap})
    return len(data), "".join(missing)


@pytest.fixture(scope="session")
def embedded_font_gaps():
    """``fn(html) -> (font bytes, missing characters)``: reads the embedded font back with fontTools."""
    return _embedded_font_gaps


def _external_references(html: str) -> list[str]:
    """Every reference of the page to something outside it: src/href to another host, url() or
    @import that is not a data: URL."""
    import re

    found = re.findall(r"(?:src|href)\s*=\s*[\"']?((?:https?:)?//[^\"' >]+)", html)
    found += [u for u in re.findall(r"url\(\s*[\"']?([^)\"']{0,40})", html) if not u.startswith("data:")]
    found += re.findall(r"@import[^;]*;", html)
    return found


@pytest.fixture(scope="session")
def external_references():
    """``fn(html) -> list``: what a page would fetch from outside itself (should be empty)."""
    return _external_references
