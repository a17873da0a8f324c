"""Small review frames written by hand for the computation tests (every figure chosen so that the expected
results can be worked out on paper)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltools.scoring.review.frames import FINDING_COLUMNS, FORM_COLUMNS, INDICATOR_COLUMNS, ReviewFrames

NAN = np.nan


def forms(rows: list[dict]) -> pd.DataFrame:
    """A forms frame: each row's given columns, the others at a neutral default."""
    default = dict.fromkeys(FORM_COLUMNS)
    default.update(kind="project", peer_group="未分类", year=2022, budget=NAN, spent=NAN, execution_rate=NAN)
    default.update(self_score=NAN, computed_score=NAN, errors=0, warnings=0, text="")
    frame = pd.DataFrame([{**default, **r} for r in rows], columns=FORM_COLUMNS)
    return frame.assign(unknown=frame["computed_score"].isna())


def indicators(rows: list[dict]) -> pd.DataFrame:
    default = dict.fromkeys(INDICATOR_COLUMNS)
    default.update(level1="产出指标", level2="数量指标", weight=10.0, self_score=NAN, computed_score=NAN)
    return pd.DataFrame([{**default, **r} for r in rows], columns=INDICATOR_COLUMNS)


def findings(rows: list[dict]) -> pd.DataFrame:
    default = dict.fromkeys(FINDING_COLUMNS)
    default.update(severity="warning", stated=NAN, computed=NAN)
    return pd.DataFrame([{**default, **r} for r in rows], columns=FINDING_COLUMNS)


def frames(form_rows: list[dict], indicator_rows: list[dict] = (), finding_rows: list[dict] = ()) -> ReviewFrames:
    return ReviewFrames(forms(form_rows), indicators(list(indicator_rows)), findings(list(finding_rows)))
