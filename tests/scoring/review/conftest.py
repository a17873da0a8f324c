"""Fixtures of the review tests: a small generated bureau (a many-unit dataset) and the real forms of
examples/forms read as ``evaltools audit`` reads them (one evaluation unit ``⟦i⟧`` per form, per year)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaltools.scoring.evaluation import evaluate_units
from evaltools.scoring.review import ReviewFrames, load_rulebook, review_frames
from evaltools.scoring.rules import load_rules

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="session")
def book():
    return load_rulebook()


@pytest.fixture(scope="session")
def units_ev():
    from evaltools.run.synthetic import generate_units

    return evaluate_units(generate_units(5, 20, seed=0, year=2022, projects_per_unit=3), load_rules("mof"))


@pytest.fixture(scope="session")
def units_frames(units_ev) -> ReviewFrames:
    return review_frames(units_ev)


def _concat(parts: list[ReviewFrames]) -> ReviewFrames:
    return ReviewFrames(
        *(
            pd.concat([getattr(p, name) for p in parts], ignore_index=True)
            for name in ("forms", "indicators", "findings")
        )
    )


@pytest.fixture(scope="session")
def forms_frames() -> ReviewFrames:
    """The forms of examples/forms, one review_frames per year (forms_as_units takes the forms of one year)."""
    from evaltools.data.forms import read_files
    from evaltools.run.audit import forms_as_units

    files = sorted(
        str(p.relative_to(ROOT)) for p in (ROOT / "examples" / "forms").rglob("*") if p.suffix != ".md" and p.is_file()
    )
    forms, _ = read_files([ROOT / f for f in files])
    parts = []
    for year in sorted({f.data.year for f in forms}):
        keys = [i for i, f in enumerate(forms) if f.data.year == year]
        ev = evaluate_units(forms_as_units([forms[i] for i in keys], keys), load_rules("mof"))
        meta = pd.DataFrame(
            {
                "org": [f"⟦{i}⟧" for i in keys],
                "form": [f"{Path(forms[i].source).name}#{forms[i].part}" for i in keys],
                "unit": [forms[i].unit for i in keys],
                "file": [Path(forms[i].source).name for i in keys],
                "part": [forms[i].part for i in keys],
            }
        )
        parts.append(review_frames(ev, meta))
    return _concat(parts)
