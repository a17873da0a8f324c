"""Synthetic data (合成数据) in exactly the input format, for demonstrations, tests and benchmarks.

:func:`generate` writes ``OUT/<unit>/<year>/`` folders (CSV tables and ``profile.yaml``) for several
invented units over several years, shaped like real 自评 material: several projects per unit, indicators of
every direction (≥ ≤ = 区间 定性), some missing actuals, breakdown rows whose parts sometimes do not add up,
weights of exactly 100 per project (预算执行率 10 + indicators 90), 人员经费 and 日常公用支出, amounts
drifting from year to year, published scores and grades (a few deliberately off), a printed grade table,
statements for the audit and an evaluation team. :func:`generate_units` builds a whole finance bureau's
year as one :class:`~evaltools.data.model.UnitsData`; :func:`generate_frames` big in-memory tables for the
scoring benchmark.

The words (kinds of unit, project themes, indicators, names) are data: ``vocabulary.yaml`` (:mod:`.vocabulary`).
Every profile says ``synthetic: true`` and its unit name, source and notes say 合成数据 (:data:`MARK`), so
every report made from it carries the 合成数据 banner and page header. Nothing here is a real unit.

Modules: :mod:`.vocabulary` (the YAML), :mod:`.plan` (a unit's stable plan), :mod:`.tables` (a year's
projects and indicators), :mod:`.year` (a unit-year written), :mod:`.dataset` (units × years),
:mod:`.frames` and :mod:`.units` (many units in memory).
"""

from __future__ import annotations

from evaltools.data.folder import write_units
from evaltools.run.synthetic.dataset import MAX_INDICATORS, MIN_INDICATORS, SyntheticSet, generate, verify
from evaltools.run.synthetic.frames import generate_frames
from evaltools.run.synthetic.plan import CATEGORY_POINTS, EXECUTION_WEIGHT
from evaltools.run.synthetic.units import generate_units
from evaltools.run.synthetic.vocabulary import MARK, Vocabulary, load_vocabulary

__all__ = [
    "CATEGORY_POINTS",
    "EXECUTION_WEIGHT",
    "MARK",
    "MAX_INDICATORS",
    "MIN_INDICATORS",
    "SyntheticSet",
    "Vocabulary",
    "generate",
    "generate_frames",
    "generate_units",
    "verify",
    "load_vocabulary",
    "write_units",
]
