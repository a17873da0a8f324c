"""Shared fixtures: the repository, the 2022 data and its evaluation, and a writable copy of the data."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"


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


@pytest.fixture()
def year_copy(tmp_path) -> Path:
    """A writable copy of data/2022 (as tmp/data/2022) for tests that break it."""
    target = tmp_path / "data" / "2022"
    shutil.copytree(DATA / "2022", target)
    return target
