"""The audit's frame: finding codes, the check registry, the context every check sees and the findings frame.

A check is declared once, with every finding code it emits::

    @check("spending", codes=[Code("SPENT_OVER_BUDGET", label="支出超过预算", severity="warning",
                                   measure="支出超预算的，说明原因……", field="funds.spent")])
    def _spending(ctx: AuditContext) -> pd.DataFrame: ...

The check returns its findings as a frame (:func:`findings`): code, unit, subject, message, the stated and
computed numbers, and where the finding is — ``project``, ``indicator`` (the 三级指标 it is about) and
``field`` (the form field or column; the code's declared one when the check gives none). :func:`run_audit`
adds each finding's severity from its code's declaration and refuses a code the check did not declare.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaltools import labels
from evaltools.data.schema import ORG
from evaltools.registry import Registry
from evaltools.scoring.codes import factorized
from evaltools.scoring.frames import str_column, with_columns
from evaltools.scoring.indicators import category_codes

#: Columns of the findings frame (and ``org``, the unit of each finding, after them).
FINDING_COLUMNS = ["code", "severity", "subject", "message", "stated", "computed", "project", "indicator", "field"]


@dataclass(frozen=True)
class Code:
    """One finding code, declared by the one check that emits it.

    ``label`` is what the report prints for it (附录一, the bulk audit's 类别), ``severity`` one of
    :data:`evaltools.labels.SEVERITY` (error: the report's arithmetic or text is wrong; warning: needs an
    explanation; info: checked and consistent), ``measure`` the improvement it suggests (存在的问题及改进
    措施), ``field`` the form field or column a finding points at: a form block's cell (``funds.rate``,
    ``funds.spent``, ``total``, ``grade``, ``title``), ``indicator.<column>`` for a cell of the indicator
    row the finding names (``indicator.actual``), or a table's column with no form cell
    (``budget_lines.spent``, ``statements.stated``). ``also_at`` lists the other fields a check may give a
    finding of this code instead (one code checked at several places)."""

    code: str
    label: str
    severity: str
    measure: str
    field: str
    also_at: tuple[str, ...] = ()

    @property
    def fields(self) -> tuple[str, ...]:
        """Every field a finding of this code may point at, the declared one first."""
        return (self.field, *self.also_at)


@dataclass(frozen=True)
class Check:
    """A registered audit check: ``fn(ctx) -> findings`` and the codes it emits."""

    name: str
    fn: Callable[[AuditContext], pd.DataFrame]
    codes: tuple[Code, ...]


#: Audit checks by name; every one runs, in registration order (the order of findings within a severity).
CHECKS: Registry[Check] = Registry("audit check", "核查项")
#: Every finding code any check declares → its declaration (a code belongs to one check).
CODES: Registry[Code] = Registry("finding code", "核查类别")


def check(name: str, codes: Sequence[Code]) -> Callable[[Callable], Callable]:
    """Register the decorated ``fn(ctx) -> findings`` as the audit check ``name`` emitting ``codes``."""

    def register(fn: Callable) -> Callable:
        for code in codes:
            CODES.add(code.code, code)
        CHECKS.add(name, Check(name, fn, tuple(codes)))
        return fn

    return register


def finding_label(code: str) -> str:
    """The Chinese label of a finding code; an undeclared code as it is."""
    found = CODES.get(code)
    return code if found is None else found.label


def measure(code: str) -> str | None:
    """The improvement measure of a finding code (None: an undeclared code)."""
    found = CODES.get(code)
    return None if found is None else found.measure


@dataclass(frozen=True)
class AuditContext:
    """What every check sees, for every unit at once: ``data`` (:class:`~evaltools.data.model.UnitsData`),
    the rule set, the rates, the scored indicators and projects (each with an ``org`` column), ``total``
    (one row per unit, see :func:`~evaltools.scoring.indicators.department_totals`) and ``totals`` (the
    per project and 一级指标 sums of :func:`~evaltools.scoring.indicators.level1_totals`)."""

    data: object
    rules: object
    rates: pd.DataFrame
    indicators: pd.DataFrame
    projects: pd.DataFrame
    total: pd.DataFrame
    totals: pd.DataFrame | None = None

    @property
    def units(self) -> pd.DataFrame:
        """One row per unit: ``org`` and its profile fields (published total and grade, assets …)."""
        return self.data.units


#: The findings frame's column numbering each finding whose message is yet to be written (NaN: written), while
#: an evaluation holds its findings unwritten (:class:`Messages`).
PENDING = "_pending"


@dataclass(frozen=True)
class Deferred:
    """Messages written when read — only for the findings shown or exported (issue 23 item 3: a bureau's year has
    hundreds of thousands of findings; a report shows one unit's): ``make(rows, *args)`` gives the messages of the
    findings at positions ``rows`` of the check's rows, the same text as writing them all at once. ``make`` is a
    module-level function (an evaluation pickles)."""

    make: Callable[..., list[str]]
    args: tuple = ()

    def of(self, rows: np.ndarray) -> list[str]:
        return list(self.make(rows, *self.args))


def lazily(make: Callable[..., list[str]], *columns: object) -> Deferred:
    """The messages ``make(*columns)`` gives — one per row of the columns (arrays, lists; other values are passed
    as they are) — written when read, of the rows read only (``make`` elementwise, module-level)."""
    held = tuple(np.asarray(c, dtype=object) if isinstance(c, list) else c for c in columns)
    return Deferred(_rows_of, (make, held))


def _rows_of(at: np.ndarray, make: Callable[..., list[str]], columns: tuple) -> list[str]:
    sliced = (c[at] if isinstance(c, (np.ndarray, pd.Categorical)) else c for c in columns)
    return make(*sliced)


class Messages:
    """The deferred messages of one audit: consecutive numbers for the rows of each :class:`Deferred`, carried by
    the findings in :data:`PENDING` through every concatenation, filter and sort; :meth:`write` fills them in."""

    def __init__(self) -> None:
        self.bases: list[int] = []
        self.blocks: list[Deferred] = []
        self.size = 0

    def add(self, deferred: Deferred, n: int) -> np.ndarray:
        """Numbers for ``n`` rows of ``deferred`` (as the floats of the :data:`PENDING` column)."""
        self.bases.append(self.size)
        self.blocks.append(deferred)
        self.size += n
        return np.arange(self.size - n, self.size, dtype=float)

    def write(self, frame: pd.DataFrame) -> pd.DataFrame:
        """``frame`` (findings, or a slice of them) with every pending message written and no :data:`PENDING`."""
        if PENDING not in frame.columns:
            return frame
        ids = frame[PENDING].to_numpy(dtype=float)
        rows = np.flatnonzero(~np.isnan(ids))
        message = frame["message"].to_numpy(dtype=object, copy=True)
        if len(rows):
            ids = ids[rows].astype(np.int64)
            block = np.searchsorted(np.asarray(self.bases), ids, side="right") - 1
            for b in np.unique(block).tolist():
                at = np.flatnonzero(block == b)
                message[rows[at]] = self.blocks[b].of(ids[at] - self.bases[b])
        message = pd.Series(message, index=frame.index, dtype=object)  # text is not inferred as str
        return with_columns(frame.drop(columns=PENDING), {"message": message})


#: While :func:`audit_pending` runs, per thread: where the checks' deferred messages are kept in ``messages``
#: (None: written at once).
_LOCAL = threading.local()


def _column(value: object, n: int, dtype: object = object) -> np.ndarray:
    if isinstance(value, pd.Series):
        value = value.to_numpy()
    if np.ndim(value) == 0:
        out = np.empty(n, dtype=dtype)
        out[:] = value  # faster than np.full for text
        return out
    return np.asarray(value, dtype=dtype)


def findings(
    code: object,
    org: object,
    subject: object,
    message: object,
    stated: object = None,
    computed: object = None,
    *,
    project: object = None,
    indicator: object = None,
    field: object = None,
    index: pd.Index | None = None,
) -> pd.DataFrame:
    """Findings from aligned columns (arrays, Series or one value for all): one finding per value of ``org``.

    ``project`` and ``indicator`` name the form and 三级指标 a finding is about (None: not one), ``field``
    the field it points at (None: its code's declared field). The severity comes from the code. ``message`` may
    be :class:`Deferred`: written when read where an evaluation keeps its findings unwritten, else now."""
    if not np.ndim(org):
        org = np.asarray([org], dtype=object)
    elif not isinstance(getattr(org, "dtype", None), pd.CategoricalDtype):
        org = _column(org, 0)
    if not len(org) and (index is None or not len(index)):
        return _empty().copy()  # most checks find nothing: the same empty frame, built once
    n = len(org)
    index = pd.RangeIndex(n) if index is None else index  # one index object: the frame aligns nothing
    text = lambda v: pd.Series(_column(v, n), index=index, dtype=object)  # noqa: E731 - not inferred as str
    number = lambda v: pd.Series(_column(np.nan if v is None else v, n, float), index=index)  # noqa: E731
    pending = {}
    if isinstance(message, Deferred):
        keeping = getattr(_LOCAL, "messages", None)
        if keeping is None:
            message = message.of(np.arange(n))
        else:
            pending, message = {PENDING: pd.Series(keeping.add(message, n), index=index)}, None
    return pd.DataFrame(
        {
            "code": text(code),
            "severity": text(None),
            "subject": text(subject),
            "message": text(message),
            "stated": number(stated),
            "computed": number(computed),
            "project": text(project),
            "indicator": text(indicator),
            "field": text(field),
            ORG: _org_column(org, index),
            **pending,
        },
        index=index,
        copy=False,  # Series of their own (pandas copies an array into a Series): not copied again into blocks
    )


@functools.cache
def _empty() -> pd.DataFrame:
    """The findings frame of no finding (its columns and their types), built once; callers get copies."""
    numbers = ("stated", "computed")
    columns = {c: pd.Series([], dtype=float if c in numbers else object) for c in [*FINDING_COLUMNS, ORG]}
    return pd.DataFrame(columns)


def _org_column(org: object, index: pd.Index | None) -> pd.Series:
    """The unit of each finding: categorical where the rows came from a table's categorical unit column."""
    if isinstance(org, (pd.Series, pd.Categorical)) and isinstance(org.dtype, pd.CategoricalDtype):
        values = org.array if isinstance(org, pd.Series) else org
        return pd.Series(values, index=index)
    return pd.Series(org, index=index, dtype=object)


def no_findings() -> pd.DataFrame:
    """An empty findings frame (a check that found nothing)."""
    return findings([], np.array([], dtype=object), [], [])


def concat(parts: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """Findings frames one after the other (an empty frame for none)."""
    found = [p for p in parts if len(p)]  # most parts are empty: concatenating them costs more than the rest
    return pd.concat(found, ignore_index=True) if found else no_findings()


def _declared(check: Check, out: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """The severity and field of each of the check's findings: each code's severity and (where the check gave
    none) field from its declaration. A code the check did not declare, or a field its code does not name, is
    refused. Arrays: :func:`run_audit` sets them on all the findings at once."""
    declared = {c.code: c for c in check.codes}
    codes, uniques = factorized(out["code"].to_numpy(dtype=object))  # a few codes: look each up once
    unknown = sorted(set(uniques.tolist()) - set(declared))
    if unknown:
        raise ValueError(f"audit check {check.name!r} emits finding codes it does not declare: {unknown}")
    of = lambda attr: np.array([getattr(declared[u], attr) for u in uniques], dtype=object)[codes]  # noqa: E731
    field = out["field"].to_numpy(dtype=object)
    given = pd.notna(field)
    field = np.where(given, field, of("field"))
    at, fields = factorized(field[given])  # each (code, field) pair once, as integer codes: no frame
    pairs = [(uniques[i // len(fields)], fields[i % len(fields)]) for i in np.unique(codes[given] * len(fields) + at)]
    wrong = sorted((c, f) for c, f in pairs if f not in declared[c].fields)
    if wrong:
        raise ValueError(f"audit check {check.name!r} points findings at undeclared fields: {wrong}")
    return of("severity"), field


def _coded_units(out: pd.DataFrame, ctx: AuditContext) -> pd.DataFrame:
    """A check's findings with the unit column categorical over the dataset's units (as most checks give it): the
    findings then concatenate without hashing their units again."""
    org, units = out[ORG], ctx.data.org_index
    if isinstance(org.dtype, pd.CategoricalDtype) and org.cat.categories.equals(units):
        return out
    codes = category_codes(org.to_numpy(dtype=object), units)  # each distinct unit looked up once
    return with_columns(out, {ORG: pd.Categorical.from_codes(codes, dtype=pd.CategoricalDtype(units))})


def _as_frame(outs: list[pd.DataFrame], severity: np.ndarray, field: np.ndarray, ctx: AuditContext) -> pd.DataFrame:
    """The checks' findings one after the other, with their ``severity`` and ``field`` and the unit column
    categorical over the dataset's units: one concatenation, each column set once for all the checks."""
    out = pd.concat(outs, ignore_index=True) if len(outs) > 1 else outs[0].reset_index(drop=True)
    org = out[ORG]
    if not (isinstance(org.dtype, pd.CategoricalDtype) and org.cat.categories is ctx.data.org_index):
        org = pd.Categorical(org, categories=ctx.data.org_index)
    # as text (pandas 3's str dtype, what setting the object arrays made), each distinct value converted once
    return with_columns(out, {"severity": str_column(severity), "field": str_column(field), ORG: org})


#: The columns of the findings frame as :func:`findings` makes them: object arrays of text, float64 numbers.
_PLAIN = {
    c: np.dtype(float) if c in ("stated", "computed", PENDING) else np.dtype(object)
    for c in [*FINDING_COLUMNS, PENDING]
}


def _ordered(
    outs: list[pd.DataFrame], severity: np.ndarray, field: np.ndarray, ctx: AuditContext
) -> pd.DataFrame | None:
    """:func:`_as_frame`'s frame sorted as :func:`audit_pending` sorts it (by unit, then severity, then check order)
    in one pass: each column's values written once straight to their sorted places (``at``), not concatenated,
    then taken, then re-indexed (issue 23 item 3: a million rows' 370,000 findings). None where a check's columns
    are not of :data:`_PLAIN` types or its text not all str: :func:`_as_frame` does it as pandas would."""
    columns = [c for c in (*FINDING_COLUMNS, PENDING) if c not in ("severity", "field")]  # 7, then PENDING
    if not all(len(out) and out[c].dtype == _PLAIN[c] for out in outs for c in columns if c in out.columns):
        return None  # no finding (an empty frame as no_findings makes it), or columns of other types
    if not any(PENDING in out.columns for out in outs):
        columns.remove(PENDING)
    org = np.concatenate([out[ORG].array.codes for out in outs])  # :func:`_coded_units`: over the dataset's units
    order = np.lexsort((category_codes(severity, list(labels.SEVERITY_ORDER)), org))
    text = {name: str_column(values[order]) for name, values in (("severity", severity), ("field", field))}
    if not all(isinstance(t, pd.arrays.ArrowStringArray) for t in text.values()):
        return None
    at = np.empty(len(order), dtype=np.intp)
    at[order] = np.arange(len(order))  # where each finding goes
    index = pd.RangeIndex(len(order))
    frame = {}
    for c in columns:
        values = np.full(len(order), np.nan) if c == PENDING else np.empty(len(order), dtype=_PLAIN[c])
        start = 0
        for out in outs:
            if c in out.columns:
                values[at[start : start + len(out)]] = out[c].to_numpy()
            start += len(out)
        frame[c] = pd.Series(values, index=index, dtype=_PLAIN[c], copy=False)  # object stays object: no str
    frame.update({k: pd.Series(v, index=index, copy=False) for k, v in text.items()})
    units = pd.Categorical.from_codes(org[order], dtype=pd.CategoricalDtype(ctx.data.org_index))
    frame[ORG] = pd.Series(units, index=index, copy=False)
    return pd.DataFrame({c: frame[c] for c in [*FINDING_COLUMNS, ORG, *columns[7:]]}, index=index, copy=False)


#: While :func:`run_audit` runs: the context's frames (by identity) and each column read of them, as an
#: array (a categorical column as its Categorical), so that the checks read each column once (issue 19 item 6).
#: None outside an audit: nothing is kept.
_SHARED: dict[int, tuple[pd.DataFrame, dict[str, object]]] | None = None


def share_columns(frames: list[pd.DataFrame] | None) -> None:
    """Keep the columns of ``frames`` read by the checks once each, until called with None."""
    global _SHARED
    _SHARED = None if frames is None else {id(f): (f, {}) for f in frames}


def column_values(frame: pd.DataFrame, column: str) -> object:
    """``column`` of ``frame`` as an array (a categorical column as its Categorical); a context frame's read once."""
    held = _SHARED.get(id(frame)) if _SHARED is not None else None
    if held is not None and held[0] is frame and column in held[1]:
        return held[1][column]
    values = frame[column]
    values = values.array if isinstance(values.dtype, pd.CategoricalDtype) else values.to_numpy()
    if held is not None and held[0] is frame:
        held[1][column] = values
    return values


def run_audit(ctx: AuditContext) -> pd.DataFrame:
    """Run every registered check; findings ordered by unit, then severity, then check order.

    The frame has the :data:`FINDING_COLUMNS` and ``org`` (the unit of each finding); ``stated`` and
    ``computed`` are NaN where a finding has no number, ``project`` and ``indicator`` None where it is
    not about one."""
    found, messages = audit_pending(ctx)
    return messages.write(found)


def audit_pending(ctx: AuditContext) -> tuple[pd.DataFrame, Messages]:
    """:func:`run_audit`'s findings with the deferred messages not yet written (their rows numbered in
    :data:`PENDING`), and the :class:`Messages` that writes them (of all the findings or of a slice)."""
    frames = [ctx.indicators, ctx.projects, ctx.total, ctx.rates, *getattr(ctx.data, "tables", {}).values()]
    share_columns([f for f in [*frames, getattr(ctx.data, "units", None)] if isinstance(f, pd.DataFrame)])
    _LOCAL.messages = messages = Messages()
    try:
        outs = [(c, c.fn(ctx)) for c in CHECKS.values()]
    finally:
        share_columns(None)
        _LOCAL.messages = None
    found = [(c, _coded_units(out, ctx)) for c, out in outs if len(out)] or outs[:1]  # empty only when none found
    declared = [_declared(c, out) for c, out in found]
    severity, field = (np.concatenate([d[i] for d in declared]) for i in (0, 1))
    frame = _ordered([out for _, out in found], severity, field, ctx)
    if frame is not None:
        return frame, messages
    frame = _as_frame([out for _, out in found], severity, field, ctx)
    severity = category_codes(frame["severity"], list(labels.SEVERITY_ORDER))
    order = np.lexsort((severity, frame[ORG].array.codes))  # the Categorical's own codes: no Series
    columns = [*FINDING_COLUMNS, ORG, *([PENDING] if PENDING in frame.columns else [])]
    return frame.take(order).reset_index(drop=True)[columns], messages
