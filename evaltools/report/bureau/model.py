"""The bureau's review of a year as one value: :class:`BureauReview` holds the review frames (every form, indicator
and finding, the cross-form red flags among them), the rule book, and everything computed from them by
:mod:`evaltools.scoring.review.compute` — reviewed scores, 偏离度, 结果应用 tiers, risk, the sample, deduction
consistency, ranking within peer groups, score inflation. :func:`assemble` makes it (the command calls it once;
the notebook is handed the result).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace

import pandas as pd

from evaltools.scoring.evaluation import UnitsEvaluation
from evaltools.scoring.review import compute
from evaltools.scoring.review.flags import run_review_checks
from evaltools.scoring.review.frames import ReviewFrames, review_frames
from evaltools.scoring.review.rulebook import RuleBook
from evaltools.scoring.rules import RuleSet

__all__ = ["BureauReview", "ReviewSource", "assemble", "combined_frames"]


@dataclass(frozen=True)
class ReviewSource:
    """What the review read: ``kind`` forms | dataset | mixed, the paths as given (their names), how many form
    files, the forms that could not be read (file, part, reason), the dataset folders, whether any is synthetic."""

    kind: str = "forms"
    paths: tuple[str, ...] = ()
    files: int = 0
    failures: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=["file", "part", "reason"]))
    datasets: tuple[str, ...] = ()
    synthetic: bool = False
    #: The dataset units whose 复核意见 was written beside the report (``--opinions``): the report links them.
    opinions: tuple[str, ...] = ()


@dataclass(frozen=True)
class BureauReview:
    """A year's review, computed once (see the module docstring); ``scores`` and ``prior`` are what was read back
    (None when not given), ``seed`` the sample's seed as given."""

    frames: ReviewFrames
    book: RuleBook
    reviewed: pd.DataFrame
    deviations: object
    tiers: pd.DataFrame
    risk: pd.DataFrame
    sample: object
    ranking: pd.DataFrame
    inflation: pd.DataFrame
    consistency: pd.DataFrame | None
    scores: pd.DataFrame | None
    prior: pd.DataFrame | None
    seed: int | None
    source: ReviewSource
    #: The rule set the forms were scored with (its title, grade bands and grade synonyms for the report).
    rules: RuleSet | None = None


def combined_frames(parts: Sequence[ReviewFrames]) -> ReviewFrames:
    """Several evaluations' review frames (years of forms, datasets) as one: each frame concatenated."""
    if len(parts) == 1:
        return parts[0]
    return ReviewFrames(
        *(
            pd.concat([getattr(p, name) for p in parts], ignore_index=True)
            for name in ("forms", "indicators", "findings")
        )
    )


def assemble(
    evaluations: Sequence[UnitsEvaluation],
    metas: Sequence[pd.DataFrame | None],
    book: RuleBook,
    *,
    scores: pd.DataFrame | None = None,
    prior: pd.DataFrame | None = None,
    seed: int | None = None,
    source: ReviewSource | None = None,
) -> BureauReview:
    """The review of ``evaluations`` (with their ``metas``): the frames, the cross-form red flags added to the
    findings (:func:`run_review_checks` over ALL the forms at once), then every figure of the report."""
    frames = combined_frames([review_frames(ev, meta) for ev, meta in zip(evaluations, metas)])
    flags = run_review_checks(frames)
    if len(flags):
        frames = replace(frames, findings=pd.concat([frames.findings, flags], ignore_index=True))
    reviewed = compute.reviewed_scores(frames, scores)
    deviations = compute.deviations(frames, reviewed, book, scores)
    risk = compute.risk_scores(frames, deviations, prior, book)
    return BureauReview(
        frames=frames,
        book=book,
        reviewed=reviewed,
        deviations=deviations,
        tiers=compute.apply_tiers(reviewed, book),
        risk=risk,
        sample=compute.stratified_sample(frames.forms, risk, book, seed=seed),
        ranking=compute.peer_ranking(frames.forms, reviewed),
        inflation=compute.inflation(frames.forms, reviewed),
        consistency=None if scores is None else compute.deduction_consistency(scores, book, frames),
        scores=scores,
        prior=prior,
        seed=seed,
        source=source or ReviewSource(),
        rules=evaluations[0].rules if evaluations else None,
    )
