"""What ``evaltools check`` adds to loading: the year evaluated with the rule set a run will use, so that
anything scoring refuses (an indicator naming a rule the rule set does not define …) is refused by check
too, with the file it comes from."""

from __future__ import annotations

from pathlib import Path

from evaltools.data.model import YearData
from evaltools.errors import EvaltoolsError, Location, Problem
from evaltools.scoring.evaluation import evaluate
from evaltools.scoring.rules import load_rules


def evaluation_problems(data: YearData, rules: str, source: str | Path) -> list[Problem]:
    """The errors evaluating ``data`` with rule set ``rules`` raises (none when it evaluates)."""
    try:
        evaluate(data, load_rules(rules))
    except EvaltoolsError as exc:
        return [
            Problem(
                Location(str(source)),
                f"评分时出错 / the year cannot be scored with rule set {rules!r}: {exc}",
                expected="rule names and settings the rule set defines (see params/rules/mof.yaml)",
                code="SCORING",
            )
        ]
    return []
