"""Cross-form red flags of a 复核 (issue 21 item 3): what no single form shows — every form of a unit self-scored
100, text copied from another unit's form. Each is a review check, declared once with the finding codes it emits
(:class:`~evaltools.scoring.audit.core.Code`, also entered in the audit's ``CODES`` so that labels and measures
resolve everywhere), ``fn(frames) -> findings`` over the :class:`~.frames.ReviewFrames` of the whole bureau::

    @review_check("unit_all_full", codes=[Code("UNIT_ALL_FULL", label=…, severity=…, measure=…, field="total")])
    def _unit_all_full(frames: ReviewFrames) -> pd.DataFrame: ...

:func:`run_review_checks` runs them all; the per-form red flags are audit checks
(:mod:`evaltools.scoring.audit.redflags`), in ``frames.findings`` when the evaluation had them on. Thresholds:
``params/review/flags.yaml`` (:func:`~evaltools.scoring.audit.flagparams.flag_params`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.registry import Registry
from evaltools.scoring.audit.core import CODES, Code
from evaltools.scoring.audit.flagparams import flag_params

from .frames import FINDING_COLUMNS, ReviewFrames
from .neardup import near_duplicates

#: Columns of a review check's findings: the ReviewFrames findings' columns, declared once in :mod:`.frames`.
REVIEW_FINDING_COLUMNS = FINDING_COLUMNS
#: Tolerance of “a score of 100”.
EPS = 1e-9


@dataclass(frozen=True)
class ReviewCheck:
    """A registered review check: ``fn(frames) -> findings`` and the codes it emits."""

    name: str
    fn: Callable[[ReviewFrames], pd.DataFrame]
    codes: tuple[Code, ...]


#: Review checks by name, run in registration order.
REVIEW_CHECKS: Registry[ReviewCheck] = Registry("review check", "复核核查项")


def review_check(name: str, codes: Sequence[Code]) -> Callable[[Callable], Callable]:
    """Register the decorated ``fn(frames) -> findings`` as the review check ``name`` emitting ``codes`` (each
    code entered in the audit's ``CODES`` too)."""

    def register(fn: Callable) -> Callable:
        for code in codes:
            CODES.add(code.code, code)
        REVIEW_CHECKS.add(name, ReviewCheck(name, fn, tuple(codes)))
        return fn

    return register


def review_findings(
    code: str,
    form: object,
    unit: object,
    subject: object,
    message: object,
    stated: object = np.nan,
    computed: object = np.nan,
    *,
    project: object = None,
    field: object = None,
) -> pd.DataFrame:
    """A findings frame from aligned columns (one value for all, or one per finding; ``unit`` gives the count)."""
    n = len(unit)
    column = lambda v, dtype=object: np.full(n, v, dtype=dtype) if np.ndim(v) == 0 else np.asarray(v, dtype=dtype)  # noqa: E731
    return pd.DataFrame(
        {
            "form": column(form),
            "unit": column(unit),
            "code": column(code),
            "severity": column(None),
            "subject": column(subject),
            "message": column(message),
            "project": column(project),
            "indicator": column(None),
            "field": column(field),
            "stated": column(stated, float),
            "computed": column(computed, float),
        }
    )


@review_check(
    "unit_all_full",
    codes=[
        Code(
            "UNIT_ALL_FULL",
            label="单位全部自评表均为满分",
            severity="warning",
            measure="单位应对照年度绩效目标和佐证材料如实自评，复核时对其全部自评表逐项抽查核实。",
            field="total",
        )
    ],
)
def _unit_all_full(frames: ReviewFrames) -> pd.DataFrame:
    """A unit whose every form (at least ``unit_all_full.min_forms``) is self-scored at least ``unit_all_full.score``
    (100): one finding per unit (``form`` None). A form whose self score is unknown is not 100, so the unit is then
    not flagged. Source: a 复核 workbook's red flag “全部项目自评 100 分”."""
    p = flag_params()["unit_all_full"]
    f = frames.forms
    with np.errstate(invalid="ignore"):
        full = f["self_score"].to_numpy(dtype=float) >= p["score"] - EPS
    units, codes = np.unique(f["unit"].to_numpy(dtype=object).astype(str), return_inverse=True)
    n = np.bincount(codes, minlength=len(units))
    hit = (n >= p["min_forms"]) & (np.bincount(codes[full], minlength=len(units)) == n)
    first = np.unique(codes, return_index=True)[1]  # each unit's first form: its name as the frame spells it
    unit = f["unit"].to_numpy(dtype=object)[first[hit]]
    text = [
        f"「{u}」全部 {k} 张自评表自评得分均为 {fmt.num(p['score'])} 分：应逐表核实自评依据"
        for u, k in zip(unit, n[hit])
    ]
    return review_findings("UNIT_ALL_FULL", None, unit, unit, text, p["score"], n[hit].astype(float))


@review_check(
    "near_duplicate_text",
    codes=[
        Code(
            "NEAR_DUPLICATE_TEXT",
            label="与其他单位文字雷同",
            severity="warning",
            measure="自评报告和自评表的目标、完成情况和偏差原因应据本单位实际撰写，不得照搬其他单位材料。",
            field="projects.goal",
            also_at=("projects.result", "indicators.deviation"),
        )
    ],
)
def _near_duplicate_text(frames: ReviewFrames) -> pd.DataFrame:
    """Forms of different units whose text (年度总体目标 + 实际完成情况 + 偏差原因: ``forms.text``) is at least
    ``near_duplicate_text.threshold`` similar (``rapidfuzz.fuzz.ratio``, 0–100; candidates by MinHash bands:
    :func:`.neardup.near_duplicates`): one finding per form, naming its most similar form of another unit and how
    many such forms there are; ``computed`` the similarity as a share. Source: this tool's default."""
    p = flag_params()["near_duplicate_text"]
    f = frames.forms
    pairs = near_duplicates(
        f["text"].to_numpy(dtype=object),
        f["unit"].to_numpy(dtype=object),
        threshold=p["threshold"],
        min_length=p["min_length"],
        shingle=p["shingle"],
        bands=p["bands"],
        rows=p["rows"],
        min_jaccard=p["min_jaccard"],
    )
    best = pairs.sort_values(["left", "similarity", "right"], ascending=[True, False, True], kind="stable")
    count = best.groupby("left", sort=True).size().to_numpy()
    best = best.drop_duplicates("left")
    at, other = best["left"].to_numpy(), best["right"].to_numpy()
    unit, project, form = (f[c].to_numpy(dtype=object) for c in ("unit", "project", "form"))
    subject = _names(project[at])
    share = best["similarity"].to_numpy(dtype=float) / 100
    text = [
        f"「{s}」的目标、完成情况和偏差原因文字与「{u}」「{q}」的相似度为 {fmt.pct(x, 0)}"
        + (f"（另有 {k - 1} 张其他单位的表相近）" if k > 1 else "")
        + "：应核实是否照搬其他单位材料"
        for s, u, q, x, k in zip(subject, unit[other], _names(project[other]), share, count)
    ]
    return review_findings(
        "NEAR_DUPLICATE_TEXT", form[at], unit[at], subject, text, p["threshold"] / 100, share, project=project[at]
    )


def _names(projects: np.ndarray) -> list[str]:
    """A form's name in a message: its project, 部门整体 for a department form (project None)."""
    return [p if isinstance(p, str) and p else "部门整体" for p in projects]


def _declared(check: ReviewCheck, out: pd.DataFrame) -> pd.DataFrame:
    """The check's findings with each code's severity and (where none is given) field; an undeclared code is
    refused."""
    declared = {c.code: c for c in check.codes}
    unknown = sorted(set(out["code"]) - set(declared))
    if unknown:
        raise ValueError(f"review check {check.name!r} emits finding codes it does not declare: {unknown}")
    code = out["code"]
    field = out["field"].where(out["field"].notna(), code.map({k: c.field for k, c in declared.items()}))
    return out.assign(severity=code.map({k: c.severity for k, c in declared.items()}), field=field)


def run_review_checks(frames: ReviewFrames) -> pd.DataFrame:
    """Every registered review check over ``frames``, in registration order: one findings frame with the
    :data:`REVIEW_FINDING_COLUMNS` (``form`` None for a finding about a whole unit)."""
    outs = [_declared(c, c.fn(frames)) for c in REVIEW_CHECKS.values()]
    found = [o for o in outs if len(o)]
    out = pd.concat(found, ignore_index=True) if found else outs[0] if outs else review_findings("", None, [], "", "")
    return out[REVIEW_FINDING_COLUMNS].reset_index(drop=True)
