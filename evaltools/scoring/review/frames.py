"""The review's three frames, one row per form, per indicator and per finding, built from one
:class:`~evaltools.scoring.evaluation.UnitsEvaluation` of a many-unit dataset or of a folder of forms.

A *form* is one 自评表: a project's (kind ``project``) or a unit's 部门整体 form (kind ``department``, project None).
Its id is ``"unit｜project"`` for a dataset (``"unit｜部门整体"`` for a department form) and, for forms read from
files, the ``form`` column of ``meta`` (file path + ``#part``), one evaluation unit ``⟦i⟧`` per form.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from evaltools.data.schema import ORG

if TYPE_CHECKING:
    from evaltools.scoring.evaluation import UnitsEvaluation

#: The project name the evaluation gives a 部门整体 form's rows (evaltools.scoring.indicators.DEPARTMENT).
DEPARTMENT = "部门整体"
#: The peer group of a unit whose 单位性质 is not given.
UNCLASSIFIED = "未分类"
#: The unit of a form that prints none.
NO_UNIT = "未填单位名称"
SEPARATOR = "｜"

FORM_COLUMNS = [
    "form", "unit", "project", "kind", "peer_group", "year", "file", "part", "budget", "spent", "execution_rate",
    "self_score", "computed_score", "self_grade", "computed_grade", "errors", "warnings", "unknown", "text",
    "execution_weight", "execution_self_score", "execution_score",
    "missing_actual_count", "missing_actual_weight", "missing_actual_share",
]  # fmt: skip
INDICATOR_COLUMNS = [
    "form", "unit", "project", "level1", "level2", "level3", "weight", "self_score", "computed_score",
    "target_text", "actual_text", "reason", "missing_actual",
]  # fmt: skip
FINDING_COLUMNS = [
    "form", "unit", "code", "severity", "subject", "message", "project", "indicator", "field", "stated", "computed",
]  # fmt: skip
META_COLUMNS = ["org", "form", "unit", "file", "part"]


@dataclass(frozen=True)
class ReviewFrames:
    """The forms, indicators and findings of one review (columns: :data:`FORM_COLUMNS`, :data:`INDICATOR_COLUMNS`,
    :data:`FINDING_COLUMNS`)."""

    forms: pd.DataFrame
    indicators: pd.DataFrame
    findings: pd.DataFrame


@dataclass(frozen=True)
class Deviations:
    """偏离度 per form, unit and indicator (:func:`evaltools.scoring.review.compute.deviations`)."""

    forms: pd.DataFrame
    units: pd.DataFrame
    indicators: pd.DataFrame


def _text(values: pd.Series) -> pd.Series:
    """Object text with missing values as ""."""
    return values.astype(object).where(values.notna(), "").astype(str)


def _none(values: object) -> np.ndarray:
    """An object array with every missing value as None (not NaN)."""
    array = np.asarray(values, dtype=object)
    return np.where(pd.isna(array), None, array)


def _form_rows(ev: UnitsEvaluation) -> pd.DataFrame:
    """One row per form: the evaluation's project rows and its 部门整体 rows (kind department, project None)."""
    columns = [ORG, "project", "budget", "spent", "execution_rate", "published_score", "computed_score", "score"]
    columns += ["grade", "published_grade", "computed_grade", "goal", "result"]
    columns += ["execution_weight", "published_execution_score", "execution_score"]
    parts = [ev.projects.assign(kind="project")]
    if ev.departments is not None and len(ev.departments):
        parts.append(ev.departments.assign(kind="department"))
    rows = pd.concat([p.reindex(columns=[*columns, "kind"]) for p in parts], ignore_index=True)
    return rows.assign(**{ORG: rows[ORG].astype(str)})


def _unique(form: pd.Series) -> np.ndarray:
    """Form ids made unique: a second form of one id (two projects of one name in a unit) gets "（2）" …"""
    number = form.groupby(form.to_numpy()).cumcount().to_numpy()
    suffix = np.where(number > 0, "（" + (number + 1).astype(str).astype(object) + "）", "")
    return (form.astype(str).to_numpy(dtype=object) + suffix).astype(object)


def _ids(rows: pd.DataFrame, meta: pd.DataFrame | None) -> pd.DataFrame:
    """``form``, ``unit``, ``file``, ``part`` per form row: from ``meta`` for forms, from org and project for a
    dataset. Two rows of one meta form (should a form hold two projects) get the project appended."""
    project = rows["project"].astype(object)
    if meta is None:
        unit = rows[ORG].astype(object)
        form = _unique(unit + SEPARATOR + project)
        return pd.DataFrame({"form": form, "unit": unit.to_numpy(), "file": None, "part": None})
    missing = [c for c in META_COLUMNS if c not in meta.columns]
    if missing:
        raise ValueError(f"meta lacks the columns {missing}")
    m = meta.assign(org=meta["org"].astype(str)).drop_duplicates("org").set_index("org")
    found = m.reindex(rows[ORG].to_numpy())
    if found["form"].isna().any():
        raise ValueError(f"meta names no form for the units {sorted(set(rows[ORG][found['form'].isna().to_numpy()]))}")
    form = found["form"].astype(str).to_numpy(dtype=object)
    twice = pd.Series(form).duplicated(keep=False).to_numpy()
    form = _unique(pd.Series(np.where(twice, form + SEPARATOR + project.astype(str).to_numpy(dtype=object), form)))
    unit = found["unit"].where(found["unit"].notna(), NO_UNIT).to_numpy(dtype=object)
    out = pd.DataFrame({"form": form, "unit": unit, "file": found["file"].to_numpy(), "part": found["part"].to_numpy()})
    return out.assign(year=found["year"].to_numpy()) if "year" in found.columns else out


def _key(org: pd.Series, project: pd.Series) -> pd.Series:
    """The (org, project) key that joins indicators and findings to their form."""
    return org.astype(str) + SEPARATOR + project.astype(object).where(project.notna(), "").astype(str)


def _reasons(indicators: pd.DataFrame, keys: pd.Series) -> pd.Series:
    """Per form key: the 偏差原因 texts of its indicators joined by newlines ("" when none)."""
    reason = indicators["deviation"]
    has = reason.notna().to_numpy() & (_text(reason).str.strip() != "").to_numpy()
    joined = pd.Series(_text(reason)[has].to_numpy(), index=keys[has].to_numpy()).groupby(level=0).agg("\n".join)
    return joined


def _grades(rows: pd.DataFrame) -> pd.Series:
    """The self-evaluation's grade: the printed one, else the grade of the printed score (None when neither)."""
    printed = rows["published_grade"].astype(object)
    of_score = rows["grade"].astype(object).where(rows["published_score"].notna())
    out = printed.where(printed.notna() & (_text(printed) != ""), of_score)
    return out.where(out.notna(), None)


def _counts(findings: pd.DataFrame, forms: pd.Series) -> pd.DataFrame:
    """errors and warnings per form (the findings joined to it)."""
    at = pd.Index(forms.to_numpy()).get_indexer(findings["form"].to_numpy())
    known = at >= 0
    severity = findings["severity"].to_numpy()[known]
    counts = {
        name: np.bincount(at[known], weights=severity == level, minlength=len(forms)).astype(np.int64)
        for name, level in (("errors", "error"), ("warnings", "warning"))
    }
    return pd.DataFrame(counts)


def _peer_groups(ev: UnitsEvaluation, orgs: pd.Series) -> np.ndarray:
    """单位性质 of each form's unit (profile ``unit_type``), or 未分类."""
    units = ev.data.units
    kinds = units.assign(**{ORG: units[ORG].astype(str)}).drop_duplicates(ORG).set_index(ORG)["unit_type"]
    found = kinds.reindex(orgs.to_numpy())
    found = found.where(found.notna() & (_text(found).str.strip() != ""), UNCLASSIFIED)
    return found.astype(str).to_numpy(dtype=object)


def _forms(
    ev: UnitsEvaluation, rows: pd.DataFrame, ids: pd.DataFrame, reasons: pd.Series, counts: pd.DataFrame
) -> pd.DataFrame:
    keys = _key(rows[ORG], rows["project"])
    text = (
        _text(rows["goal"])
        + "\n"
        + _text(rows["result"])
        + "\n"
        + reasons.reindex(keys.to_numpy()).fillna("").to_numpy()
    )
    department = (rows["kind"] == "department").to_numpy()
    computed = rows["computed_score"].astype(float)
    frame = pd.DataFrame(
        {
            **{c: ids[c].to_numpy() for c in ("form", "unit")},
            "project": _none(rows["project"].astype(object).where(~department)),
            "kind": rows["kind"].to_numpy(),
            "peer_group": _peer_groups(ev, rows[ORG]),
            "year": ids["year"].to_numpy() if "year" in ids else ev.year,
            **{c: _none(ids[c]) for c in ("file", "part")},
            **{c: rows[c].astype(float).to_numpy() for c in ("budget", "spent", "execution_rate")},
            "self_score": rows["published_score"].astype(float).to_numpy(),
            "computed_score": computed.to_numpy(),
            "self_grade": _none(_grades(rows)),
            "computed_grade": _none(rows["computed_grade"].astype(object).where(computed.notna())),
            **{c: counts[c].to_numpy() for c in ("errors", "warnings")},
            "unknown": computed.isna().to_numpy(),
            "text": text.str.strip().to_numpy(),
            "execution_weight": rows["execution_weight"].astype(float).to_numpy(),
            "execution_self_score": rows["published_execution_score"].astype(float).to_numpy(),
            "execution_score": rows["execution_score"].astype(float).to_numpy(),
        }
    )
    return frame


def _filled(text: pd.Series, number: pd.Series) -> np.ndarray:
    """The printed text, else the number written with ``%g`` (2405.0 → "2405"), else None."""
    out = _none(text)
    fill = pd.isna(out) & number.notna().to_numpy()
    out[fill] = np.char.mod("%g", number.to_numpy(float)[fill]).astype(object)
    return out


def _indicators(ind: pd.DataFrame, keys: pd.Series, lookup: pd.DataFrame) -> pd.DataFrame:
    found = lookup.reindex(keys.to_numpy())
    target = _filled(ind["target_text"], ind["target"])
    actual = _filled(ind["actual_text"], ind["actual"])
    frame = pd.DataFrame(
        {
            "form": found["form"].to_numpy(),
            "unit": found["unit"].to_numpy(),
            "project": _none(found["project"]),
            **{c: ind[c].astype(object).to_numpy() for c in ("level1", "level2", "level3")},
            "weight": ind["weight"].astype(float).to_numpy(),
            "self_score": ind["panel_score"].astype(float).to_numpy(),
            "computed_score": ind["computed_score"].astype(float).to_numpy(),
            "target_text": target,
            "actual_text": actual,
            "reason": ind["deviation"].astype(object).to_numpy(),
            # the scoring's own flag: an actual the indicator needed is not given (a 定性 row graded in words, or
            # one scored as printed, is not missing)
            "missing_actual": ind["missing"].fillna(False).to_numpy(dtype=bool)
            if "missing" in ind
            else pd.isna(actual),
        }
    )
    return frame[INDICATOR_COLUMNS]


def _findings(found: pd.DataFrame, lookup: pd.DataFrame, unit_of: pd.Series) -> pd.DataFrame:
    """Findings joined to their form by (org, project); a unit-level finding (no project, or a project no form has)
    goes to the unit's only form when it has one, else its form is None."""
    by_key = lookup["form"].reindex(found["_key"].to_numpy()).to_numpy()
    single = lookup.assign(org=lookup.index.str.split(SEPARATOR).str[0]).drop_duplicates("org", keep=False)
    by_org = single.set_index("org")["form"].reindex(found[ORG].astype(str).to_numpy()).to_numpy()
    form = pd.Series(by_key).where(pd.notna(by_key), pd.Series(by_org))
    org = found[ORG].astype(str)
    unit = unit_of.reindex(org.to_numpy())
    frame = found.assign(form=_none(form), unit=unit.where(unit.notna(), org.to_numpy()).to_numpy())
    return frame[FINDING_COLUMNS].reset_index(drop=True)


def _missing_actuals(forms: pd.DataFrame, indicators: pd.DataFrame) -> pd.DataFrame:
    """Per form: the indicators whose 实际完成值 is missing (``missing_actual``, the scoring's flag) —
    ``missing_actual_count``, their 分值 ``missing_actual_weight`` (Σ 分值, unknown 分值 counted 0) and
    ``missing_actual_share`` = missing_actual_weight ÷ Σ 分值 of the form's indicators (NaN when the form has no
    indicator weight)."""
    weight = indicators["weight"].astype(float).fillna(0.0)
    missing = indicators["missing_actual"].fillna(False).to_numpy(dtype=bool)
    table = pd.DataFrame(
        {"form": indicators["form"].to_numpy(), "missing": missing, "weight": weight, "lost": weight.where(missing, 0)}
    ).groupby("form", sort=False)
    per = table.agg(count=("missing", "sum"), total=("weight", "sum"), lost=("lost", "sum"))
    per = per.reindex(forms["form"].to_numpy())
    total = per["total"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        share = np.where(total > 0, per["lost"].to_numpy(dtype=float) / np.where(total > 0, total, 1), np.nan)
    return forms.assign(
        missing_actual_count=per["count"].fillna(0).to_numpy(dtype=np.int64),
        missing_actual_weight=per["lost"].fillna(0).to_numpy(dtype=float),
        missing_actual_share=share,
    )[FORM_COLUMNS]


def review_frames(ev: UnitsEvaluation, meta: pd.DataFrame | None = None) -> ReviewFrames:
    """The review's frames of ``ev`` (a UnitsEvaluation). ``meta`` (forms only): one row per evaluation unit ``⟦i⟧``
    with ``org, form, unit, file, part`` (and ``year`` when the forms are of several years); without it the units
    are a dataset's and forms are ``unit｜project``. Raises ValueError when ``meta`` lacks a column or a unit."""
    rows = _form_rows(ev)
    ids = _ids(rows, meta)
    keys = _key(rows[ORG], rows["project"])
    department = (rows["kind"] == "department").to_numpy()
    lookup = pd.DataFrame(
        {
            "form": ids["form"].to_numpy(),
            "unit": ids["unit"].to_numpy(),
            "project": np.where(department, None, rows["project"].astype(object).to_numpy()),
        },
        index=keys.to_numpy(),
    )
    lookup = lookup[~lookup.index.duplicated()]
    ind = ev.indicators
    ind_keys = _key(ind[ORG], ind["project"])
    found = ev.findings.assign(_key=_key(ev.findings[ORG], ev.findings["project"]).to_numpy())
    unit_of = pd.Series(ids["unit"].to_numpy(), index=rows[ORG].to_numpy())
    findings = _findings(found, lookup, unit_of[~unit_of.index.duplicated()])
    forms = _forms(ev, rows, ids, _reasons(ind, ind_keys), _counts(findings, ids["form"]))
    indicators = _indicators(ind, ind_keys, lookup)
    return ReviewFrames(forms=_missing_actuals(forms, indicators), indicators=indicators, findings=findings)
