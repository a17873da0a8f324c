"""Synthetic unit folders over several years: :func:`generate` writes ``OUT/<unit>/<year>/`` input folders
(what ``evaltools check`` and ``evaltools run --all`` read) and checks every one by loading it back."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from evaltools.data.load import find_source, inspect_path
from evaltools.errors import InputError, ParamsError
from evaltools.params import DEFAULT_RULES
from evaltools.paths import safe_component
from evaltools.run.synthetic.plan import plan_unit
from evaltools.run.synthetic.year import SYNTHETIC_KINDS, generate_year
from evaltools.scoring.rules import load_rules

MIN_INDICATORS, MAX_INDICATORS = 3, 60


@dataclass(frozen=True)
class SyntheticSet:
    """What :func:`generate` wrote: ``root/<unit>/<year>/`` for every unit folder and year."""

    root: Path
    units: tuple[str, ...]
    years: tuple[int, ...]
    names: dict = field(default_factory=dict, compare=False)  # unit folder → unit name in profile.yaml

    @property
    def jobs(self) -> list[tuple[str, int]]:
        """Every (unit folder, year) written."""
        return [(u, y) for u in self.units for y in self.years]

    def path(self, unit: str, year: int) -> Path:
        """The folder of one unit-year."""
        return self.root / unit / str(year)


def generate(
    out_dir: str | Path,
    units: int = 3,
    years: int = 4,
    indicators: int = 12,
    seed: int = 0,
    *,
    start_year: int = 2020,
    rules: str = DEFAULT_RULES,
    check: bool = True,
    kinds: tuple[str, ...] = ("department_projects",),
) -> SyntheticSet:
    """Write ``units`` × ``years`` synthetic unit-years to ``out_dir/<unit>/<year>/`` (CSV + profile.yaml).

    ``indicators`` is the number of scored indicators per project (3–60; breakdown rows come on top).
    Published scores and grades are derived with the rule set ``rules`` (the one the reports will use,
    the job default), so the printed grade table matches its bands. The same seed writes the
    same files. With ``check`` every unit-year is loaded back (as ``evaltools check`` does) and an
    error there raises :class:`~evaltools.errors.InputError` — generated data is always valid input.
    ``kinds`` are the report kinds given to the units in turn (:data:`~.year.SYNTHETIC_KINDS`): a department
    with projects, a department table, a project's form alone, department and projects, or several projects'
    forms alone.
    """
    _check_arguments(units, years, indicators, kinds)
    rule_set = load_rules(rules)
    root = Path(out_dir)
    _refuse_real_data(root)
    rng = np.random.default_rng(seed)
    folders, names = [], {}
    year_list = list(range(start_year, start_year + years))
    for u in range(units):
        plan = plan_unit(u, indicators, kinds[u % len(kinds)], rng)
        safe_component(plan.folder, "unit")
        folders.append(plan.folder)
        names[plan.folder] = plan.name
        drift = 1.0
        for k, year in enumerate(year_list):
            if k:
                drift *= 1.0 + float(rng.normal(0.04, 0.05))
            generate_year(root, plan, year, drift, rule_set, seed, rng)
    result = SyntheticSet(root, tuple(folders), tuple(year_list), names)
    if check:
        verify(result)
    return result


def _refuse_real_data(root: Path) -> None:
    """Refuse (ParamsError, before anything is written) a folder that already holds data not marked synthetic
    (a ``profile.yaml`` without ``synthetic: true`` up to two levels down, or a data workbook): synthetic
    units written beside a unit's real data would be read as its own; an earlier synthetic folder may be
    written again."""
    import yaml

    if not root.is_dir():
        return
    found = [*root.glob("*.xlsx"), *root.glob("*/*.xlsx"), *root.glob("*/*/*.xlsx")]
    for profile in [*root.glob("profile.yaml"), *root.glob("*/profile.yaml"), *root.glob("*/*/profile.yaml")]:
        try:
            stated = yaml.safe_load(profile.read_text(encoding="utf-8")) if profile.stat().st_size < 1 << 20 else None
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            stated = None
        if not (isinstance(stated, dict) and stated.get("synthetic") is True):
            found.append(profile)
    if found:
        raise ParamsError(
            f"{root} 已有非合成数据（如 {found[0]}），合成数据不写入其中 / {root} already holds data not marked "
            f"synthetic (e.g. {found[0]}): choose an empty or new folder for synthetic data",
            key="out_dir",
        )


def _check_arguments(units: int, years: int, indicators: int, kinds: tuple[str, ...]) -> None:
    """Raise ParamsError unless the report kinds are known, there is at least one unit and year and the
    indicator count is in range."""
    unknown_kinds = sorted(set(kinds) - set(SYNTHETIC_KINDS))
    if unknown_kinds or not kinds:
        raise ParamsError(
            f"合成数据无法生成的报告类型 / synthetic cannot make report kind(s) {unknown_kinds or '(none given)'}; "
            f"it makes: {', '.join(SYNTHETIC_KINDS)}",
            key="kinds",
        )
    if units < 1 or years < 1:
        raise ParamsError("units and years must be at least 1", key="units" if units < 1 else "years")
    if not MIN_INDICATORS <= indicators <= MAX_INDICATORS:
        raise ParamsError(
            f"indicators per project must be {MIN_INDICATORS}–{MAX_INDICATORS}, found {indicators}", key="indicators"
        )


def verify(dataset: SyntheticSet) -> None:
    """Load every unit-year back as ``evaltools check`` does; raise InputError on the first with errors."""
    for unit, year in dataset.jobs:
        source = find_source(year, dataset.root, unit)
        _, problems = inspect_path(source, expected_year=year)
        if problems.has_errors:
            raise InputError(problems.items, summary=f"合成数据未通过核验 / generated data failed its check: {source}")
