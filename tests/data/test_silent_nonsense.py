"""Input that loads but says nonsense is flagged at its cell (issue 22 item 4)."""

from __future__ import annotations

import datetime as dt
import shutil

from evaltools.data.load import inspect_path
from tests._paths import DATA


def test_a_year_later_than_this_year_is_flagged_at_the_profile(tmp_path):
    later = dt.date.today().year + 1
    folder = tmp_path / str(later)
    shutil.copytree(DATA / "2022", folder)
    profile = folder / "profile.yaml"
    profile.write_text(profile.read_text(encoding="utf-8").replace("year: 2022", f"year: {later}"), encoding="utf-8")
    problems = inspect_path(folder, later)[1].items
    flagged = [p for p in problems if p.code == "YEAR_IN_FUTURE"]
    assert len(flagged) == 1 and flagged[0].severity == "warning"
    assert flagged[0].location.column == "year" and flagged[0].found.startswith(f"{later} ")
    assert not [p for p in inspect_path(DATA / "2022", 2022)[1].items if p.code == "YEAR_IN_FUTURE"]
