"""The finance bureau's 复核 of a year (issue 21): the rule book (:mod:`.rulebook`), the review's frames
(:mod:`.frames`) and the review computations (:mod:`.compute`): 复核得分, 偏离度, 结果应用 tiers, risk triage and
the stratified sample; the cross-form red flags (:mod:`.flags`). Reads :mod:`evaltools.scoring` evaluations; knows nothing of reports or runs."""

from evaltools.scoring.review.flags import REVIEW_CHECKS, review_check, run_review_checks
from evaltools.scoring.review.frames import ReviewFrames, review_frames
from evaltools.scoring.review.rulebook import RuleBook, load_rulebook

__all__ = [
    "REVIEW_CHECKS",
    "review_check",
    "run_review_checks",
    "ReviewFrames",
    "RuleBook",
    "load_rulebook",
    "review_frames",
]
