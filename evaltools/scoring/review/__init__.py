"""The finance bureau's 复核 of a year (issue 21): the rule book (:mod:`.rulebook`), the review's frames
(:mod:`.frames`), the review computations (:mod:`.compute`, :mod:`.risk`, :mod:`.sample`): 复核得分, 偏离度,
结果应用 tiers, risk triage and the stratified sample; the cross-form red flags (:mod:`.flags`). Reads
:mod:`evaltools.scoring` evaluations; knows nothing of reports or runs."""

from evaltools.scoring.review.compute import (
    Deviations,
    apply_tiers,
    deduction_consistency,
    deviations,
    inflation,
    peer_ranking,
    reviewed_scores,
)
from evaltools.scoring.review.flags import REVIEW_CHECKS, review_check, run_review_checks
from evaltools.scoring.review.frames import ReviewFrames, review_frames
from evaltools.scoring.review.risk import risk_scores
from evaltools.scoring.review.rulebook import RuleBook, load_rulebook
from evaltools.scoring.review.sample import Sample, stratified_sample

__all__ = [
    "REVIEW_CHECKS",
    "Deviations",
    "ReviewFrames",
    "RuleBook",
    "Sample",
    "apply_tiers",
    "deduction_consistency",
    "deviations",
    "inflation",
    "load_rulebook",
    "peer_ranking",
    "review_check",
    "review_frames",
    "reviewed_scores",
    "risk_scores",
    "run_review_checks",
    "stratified_sample",
]
