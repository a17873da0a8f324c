"""What the reports of a batch share in one worker process (issue 23: a bureau's year at the speed of one report).

A batch of reports over a many-unit year used to load and evaluate the whole year once per report (and every
earlier year again for its trend). A :class:`Session` lives as long as its worker and does each of these once:

* every data folder or workbook is read and checked once (:func:`~evaltools.data.load.read_year`); each report's
  data is then what :func:`~evaltools.data.load.load_year` gives for its unit alone — its own problems and
  warnings, its own last year (:meth:`Session.load`);
* every many-unit year is evaluated once per rule set (:func:`~evaltools.scoring.evaluation.evaluate_units`) and
  each report takes its unit's slice (:meth:`UnitsEvaluation.slice`: the same figures as evaluating the unit
  alone; where the unit's data differs from the whole — its last year read from a folder of its own — it is
  evaluated alone, as before);
* one kernel is kept from report to report (:meth:`Session.kernel`), its namespace cleared before each notebook,
  so that a report costs the notebook's own cells, not a kernel's start and imports.

The evaluated year can also be handed to a worker from outside (:meth:`Session.adopt`: the dask executor
scatters it to its workers once). Only :mod:`evaltools.run` uses this; nothing here prints.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from evaltools.data.load import ReadYear, find_source, load_year, read_year
from evaltools.data.model import UnitsData, YearData
from evaltools.errors import DataNotFoundError, InputError
from evaltools.params import JobParams, RuleChoice, chosen_rules
from evaltools.scoring.evaluation import Evaluation, UnitsEvaluation, evaluate, evaluate_units
from evaltools.scoring.rules import load_rules


@dataclass(frozen=True)
class EvaluatedYear:
    """A many-unit year evaluated once: ``ev`` for rule set ``rules`` (with last year when ``previous``)."""

    source: str
    year: int
    rules: str
    previous: bool
    ev: UnitsEvaluation

    @property
    def key(self) -> tuple:
        return (self.source, self.year, self.rules, self.previous)


@dataclass(frozen=True)
class SharedYear:
    """What :meth:`Session.share` hands a worker: the files read (this year's and last year's) and the year evaluated
    for each rule set."""

    reads: tuple[ReadYear, ...]
    years: tuple[EvaluatedYear, ...]


def _declared_rules(units: UnitsData) -> set:
    """The rule sets the units' data declares (评分规则: each unit's profile, else the units table's column, else
    the dataset's profile)."""
    if units.profiles:
        return {p.rules for p in units.profiles.values()}
    if "rules" in units.units:
        return set(units.units["rules"].where(units.units["rules"].notna(), units.profile.rules))
    return {units.profile.rules}


class Session:
    """The reads, evaluations and kernel one worker shares between the reports it runs (see the module)."""

    def __init__(self) -> None:
        self._reads: dict[tuple, ReadYear] = {}
        self._years: dict[tuple, EvaluatedYear | None] = {}
        self._kernel = None
        self._kernel_key: tuple | None = None
        self.folder = Path(tempfile.mkdtemp(prefix="evaltools-session-"))
        self.reports = 0

    # ------------------------------------------------------------------ data and evaluation

    def read(self, path: str | Path, expected_year: int | None = None, unit: str | None = None) -> object:
        """:func:`~evaltools.data.load.load_path`, each file read and checked once (a ``reader`` for load_year)."""
        read = self._read_year(Path(path), expected_year)
        data, problems = (read.data, read.problems) if unit is None else read.for_unit(unit)
        if problems.has_errors:
            raise InputError(problems.items)
        return data

    def load(self, year: int, data_dir: str | Path, unit: str | None, with_previous: bool = True) -> YearData:
        """``load_year(year, data_dir, unit)`` from the files read once."""
        return load_year(year, data_dir, unit, with_previous=with_previous, reader=self.read)

    def report_evaluation(self, params: JobParams) -> tuple[Evaluation, RuleChoice]:
        """The evaluation of one report and the rule set chosen for it (explicit > the data's > default), as
        :func:`evaltools.run.runner.run_report` makes it alone — the unit's slice of its year evaluated once."""
        data = self.load(params.year, params.data_dir, params.unit)
        choice = chosen_rules(params.rules, data.profile.rules)
        return self.evaluation(data, params.data_dir, choice.name, True), choice

    def earlier_evaluation(self, year: int, data_dir: str | Path, unit: str | None, rules: str) -> Evaluation:
        """An earlier year of the unit for its trend: ``evaluate(load_year(…, with_previous=False), rules)``."""
        return self.evaluation(self.load(year, data_dir, unit, with_previous=False), data_dir, rules, False)

    def evaluation(self, data: YearData, data_dir: str | Path, rules: str, previous: bool) -> Evaluation:
        """``evaluate(data, rules)`` for one unit's ``data`` (as :meth:`load` gave it): its slice of the year
        evaluated once when the unit's data is that year's (same file, same last year), else evaluated alone."""
        whole = self._year(data, data_dir, rules, previous) if isinstance(data, YearData) else None
        if whole is not None and _same_inputs(data, whole.ev.data):
            return whole.ev.slice(data.unit, data)
        return evaluate(data, load_rules(rules))

    def share(self, jobs: Iterable[JobParams]) -> list[SharedYear]:
        """Each many-unit year ``jobs`` report on, read and evaluated here once (for every rule set its units are
        scored with), with last year's read: what :meth:`adopt` gives a worker so that it reads nothing again."""
        shared = []
        for year, data_dir, explicit in dict.fromkeys((j.year, j.data_dir, j.rules) for j in jobs if j.unit):
            try:
                source = find_source(year, data_dir)
            except DataNotFoundError:
                continue
            read = self._read_year(source, year)
            units = read.good_units()
            if not isinstance(units, UnitsData):
                continue
            reads = [read] + [r for r in [self._last_read(year, data_dir)] if r is not None]
            names = {chosen_rules(explicit, r).name for r in _declared_rules(units)}
            years = [self.evaluate_year(source, year, data_dir, name) for name in sorted(names)]
            shared.append(SharedYear(tuple(r.compact() for r in reads), tuple(y for y in years if y is not None)))
        return shared

    def adopt(self, shared: SharedYear) -> None:
        """Take what another process read and evaluated (:meth:`share`; the dask executor scatters it to every
        worker once): its files are not read again, its years not evaluated again."""
        for read in shared.reads:
            self._reads.setdefault((str(read.path.resolve()), read.expected_year), read)
        for year in shared.years:
            self._years.setdefault(year.key, year)

    def evaluate_year(
        self, source: Path, year: int, data_dir: str | Path, rules: str, previous: bool = True
    ) -> EvaluatedYear | None:
        """The many-unit year at ``source`` evaluated once (None for a single unit's folder or workbook, or when an
        error holds for every unit): the units without errors of their own, with last year's units attached."""
        key = (str(Path(source).resolve()), year, rules, previous)
        if key not in self._years:
            self._years[key] = self._evaluated(Path(source), year, data_dir, rules, previous)
        return self._years[key]

    def _year(self, data: YearData, data_dir: str | Path, rules: str, previous: bool) -> EvaluatedYear | None:
        source = Path(data.source)
        if not source.is_dir():
            return None
        return self.evaluate_year(source, data.year, data_dir, rules, previous)

    def _evaluated(self, source: Path, year: int, data_dir, rules: str, previous: bool) -> EvaluatedYear | None:
        current = self._read_year(source, year).good_units()
        if not isinstance(current, UnitsData):
            return None
        last = self._last_year(year, data_dir) if previous else None
        ev = evaluate_units(replace(current, previous=last), load_rules(rules))
        return EvaluatedYear(str(source.resolve()), year, rules, previous, ev)

    def _last_year(self, year: int, data_dir: str | Path) -> UnitsData | None:
        """Last year's many-unit folder, its units without errors of their own (None when there is none)."""
        read = self._last_read(year, data_dir)
        last = None if read is None else read.good_units()
        return last if isinstance(last, UnitsData) else None

    def _last_read(self, year: int, data_dir: str | Path) -> ReadYear | None:
        try:
            source = find_source(year - 1, data_dir)
        except DataNotFoundError:
            return None
        return self._read_year(source, year - 1)

    def _read_year(self, path: Path, expected_year: int | None) -> ReadYear:
        key = (str(path.resolve()), expected_year)
        if key not in self._reads:  # kept without the cells as read where no unit needs them (no problem found)
            self._reads[key] = read_year(path, expected_year).compact()
        return self._reads[key]

    # ------------------------------------------------------------------ the kernel

    def kernel(self, cwd: Path, warm_up: str | None, env: dict, start: Callable[..., object]) -> object:
        """The worker's kernel, started on first use by ``start(cwd, log, warm_up, env, kept=True)`` (the runner's
        :class:`~evaltools.run.kernel.WarmKernel`) and kept; a new one when the last died, was shut down, or
        another notebook folder or warm-up is asked for (or another thread asks: a kernel manager is one thread's)."""
        key = (str(cwd), warm_up, tuple(sorted(env.items())), threading.get_ident())
        if self._kernel is not None and (self._kernel_key != key or not self._kernel.usable()):
            self.drop_kernel()
        if self._kernel is None:
            self._kernel = start(cwd, self.folder / "kernel.log", warm_up, env, kept=True)
            self._kernel_key = key
        return self._kernel

    def drop_kernel(self) -> None:
        """Shut the kept kernel down (after a failed report: the next one starts afresh)."""
        kernel, self._kernel, self._kernel_key = self._kernel, None, None
        if kernel is not None:
            kernel.shutdown()

    def close(self) -> None:
        """Shut the kernel down and remove the session's folder. Safe to call more than once."""
        try:
            self.drop_kernel()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self._reads.clear()
            self._years.clear()


def _same_inputs(data: YearData, whole: UnitsData) -> bool:
    """Whether the whole year's evaluation is that of ``data`` alone: the same file, and the same last year —
    the whole's (the unit in it) or none (the unit not in it)."""
    if str(Path(data.source).resolve()) != str(Path(whole.source).resolve()) or data.unit not in whole:
        return False
    mine, theirs = data.previous, whole.previous
    if mine is None:
        return theirs is None or data.unit not in theirs
    return theirs is not None and data.unit in theirs and Path(mine.source).resolve() == Path(theirs.source).resolve()


_CURRENT: dict[str, Session] = {}
_LOCK = threading.Lock()


def current() -> Session:
    """This process's session (made on first use; closed when the process ends)."""
    with _LOCK:
        if "session" not in _CURRENT:
            session = _CURRENT["session"] = Session()
            atexit.register(session.close)
            try:  # a pool's worker ends with os._exit: multiprocessing's finalizers run, atexit's do not
                from multiprocessing.util import Finalize

                Finalize(session, session.close, exitpriority=10)
            except ImportError:  # pragma: no cover
                pass
        return _CURRENT["session"]


def close_current() -> None:
    """Close this process's session, if any (the serial executor, at the end of its batch)."""
    with _LOCK:
        session = _CURRENT.pop("session", None)
    if session is not None:
        session.close()


__all__ = ["Session", "EvaluatedYear", "SharedYear", "current", "close_current"]
