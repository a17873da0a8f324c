"""The finance bureau's 复核 of a year (issue 21): the rule book (:mod:`.rulebook`), the review's frames
(:mod:`.frames`) and the review computations (:mod:`.compute`): 复核得分, 偏离度, 结果应用 tiers, risk triage and
the stratified sample. Reads :mod:`evaltools.scoring` evaluations; knows nothing of reports or runs."""

from evaltools.scoring.review.frames import ReviewFrames, review_frames
from evaltools.scoring.review.rulebook import RuleBook, load_rulebook

__all__ = ["ReviewFrames", "RuleBook", "load_rulebook", "review_frames"]
