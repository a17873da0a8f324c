"""Fixtures of the data tests (loading, workbooks, forms, bad inputs)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests._paths import DATA


@pytest.fixture()
def year_copy(tmp_path) -> Path:
    """A writable copy of data/2022 (as tmp/data/2022) for tests that break it."""
    target = tmp_path / "data" / "2022"
    shutil.copytree(DATA / "2022", target)
    return target
