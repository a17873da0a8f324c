"""Where things are, said once for every test folder: the repository, its data and the golden files."""

from __future__ import annotations

from pathlib import Path

#: The repository (the folder holding evaltools/, data/, notebooks/ and tests/).
ROOT = Path(__file__).resolve().parent.parent
#: The published data folder (data/2022, …).
DATA = ROOT / "data"
#: The golden outputs of the 2022 report (tests/golden/report_2022_*.json).
GOLDEN = Path(__file__).resolve().parent / "golden"
