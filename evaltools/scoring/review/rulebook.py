"""The finance bureau's 复核 rule book (``params/review/<name>.yaml``) as data: deduction items (扣分标准), severity
levels (P0/P1/P2), the 偏离度 definitions and threshold, the 结果应用 tiers, the risk parts and the sampling settings.

Every figure of the shipped book (``params/review/bureau.yaml``) carries its source; a figure that is this tool's
default and not found in a published rule says so in its ``source`` field. The reader is strict: a missing or unknown
key is a :class:`~evaltools.errors.ParamsError` naming the file and the key.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from evaltools.errors import ParamsError
from evaltools.params import PARAMS_DIR, read_yaml

REVIEW_DIR = PARAMS_DIR / "review"
DEFAULT_RULEBOOK = "bureau"
SEVERITY_LEVELS = ("P0", "P1", "P2")
APPLIES_TO = ("indicator", "form", "unit")
RISK_PARTS = ("amount", "severity", "deviation", "persistence", "evidence")
#: What a finding code no item covers falls to (:meth:`RuleBook.item_for`).
OTHER_DIMENSION = "其他"
OTHER_SEVERITY = "P2"
#: The tier name of a form whose reviewed score is unknown: never a tier, never a budget proposal.
NO_TIER = "无法计算"

#: The items' columns: the contract's, then ``source`` (where the deduction figure comes from, or that it is this
#: tool's default).
ITEM_COLUMNS = [
    "item", "dimension", "description", "points", "share", "applies_to", "severity", "finding_codes", "basis", "source",
]  # fmt: skip
#: The tiers' columns: the contract's, then ``source``.
TIER_COLUMNS = ["lower", "upper", "lower_inclusive", "upper_inclusive", "tier", "adjustment", "wording", "source"]


@dataclass(frozen=True)
class Deviation:
    """偏离度, stated once: the formulas per level (as printed) and the threshold of |偏离度| above which a
    self-evaluation 存在较大偏差; ``source`` says where the threshold comes from."""

    form_formula: str
    unit_formula: str
    indicator_formula: str
    threshold: float
    source: str


@dataclass(frozen=True)
class SampleSettings:
    """The stratified sample: strata are the risk levels; ``shares[stratum]`` of each stratum's forms, at least
    ``minimum`` (or all when fewer); every 高 form when ``always_high``; ``seed`` the numpy Generator's seed."""

    seed: int
    strata: tuple[str, ...]
    shares: Mapping[str, float]
    minimum: int
    always_high: bool
    source: str


@dataclass(frozen=True)
class RiskSettings:
    """How the risk parts are scaled (see :func:`evaltools.scoring.review.compute.risk_scores`) and the risk levels:
    ``levels`` maps 高/中 to the lowest risk score of the level (a score below every bound is 低)."""

    error_weight: float
    warning_weight: float
    severity_cap: float
    deviation_cap: float
    levels: Mapping[str, float]
    source: str


@dataclass(frozen=True)
class Rectification:
    """Which issue levels go to the 整改台账 and the report's 整改要求 (``levels``), with the 整改期限 printed beside
    them (``deadline``, words)."""

    levels: tuple[str, ...]
    deadline: str
    source: str


@dataclass(frozen=True)
class MissingActuals:
    """When a recomputed 复核得分 proposes no 结果应用 tier: the indicators with no 实际完成值 carry at least ``share``
    of the form's indicator weight; ``wording`` is what the proposal then says."""

    share: float
    wording: str
    source: str


@dataclass(frozen=True)
class RuleBook:
    """One 复核 rule book (see the module docstring); frames are tidy, one row per item / level / tier / part."""

    name: str
    title: str
    sources: tuple[str, ...]
    items: pd.DataFrame
    severities: pd.DataFrame
    deviation: Deviation
    tiers: pd.DataFrame
    risk: pd.DataFrame
    sample: SampleSettings
    risk_settings: RiskSettings
    file: str
    rectification: Rectification
    missing_actuals: MissingActuals

    def item_for(self, codes: pd.Series) -> pd.DataFrame:
        """Per finding code of ``codes`` (same index): the covering item, its dimension, severity and basis; a code
        no item covers gets no item (missing), severity P2 and dimension 其他 (:data:`OTHER_DIMENSION`)."""
        table = self.items.explode("finding_codes").dropna(subset=["finding_codes"])
        table = table.drop_duplicates("finding_codes").set_index("finding_codes")
        found = table.reindex(codes.to_numpy())
        return pd.DataFrame(
            {
                "item": found["item"].to_numpy(dtype=object),
                "dimension": found["dimension"].fillna(OTHER_DIMENSION).to_numpy(dtype=object),
                "severity": found["severity"].fillna(OTHER_SEVERITY).to_numpy(dtype=object),
                "basis": found["basis"].to_numpy(dtype=object),
            },
            index=codes.index,
        )

    def covered_codes(self) -> frozenset[str]:
        """Every finding code some item covers."""
        return frozenset(c for codes in self.items["finding_codes"] for c in codes)


def _mapping(value: object, required: Mapping[str, type], optional: Mapping[str, type], file: str, key: str) -> dict:
    """``value`` checked as a mapping with exactly the ``required`` keys (plus any ``optional``), each of its type."""
    if not isinstance(value, dict):
        raise ParamsError(f"expected a mapping, found {type(value).__name__}", file, key)
    for name in value:
        if name not in required and name not in optional:
            raise ParamsError(f"unknown key 「{name}」 (expected {', '.join([*required, *optional])})", file, key)
    for name in required:
        if name not in value:
            raise ParamsError(f"missing key 「{name}」", file, f"{key}.{name}" if key else name)
    for name, kind in {**required, **optional}.items():
        if name in value and not _is(value[name], kind):
            where = f"{key}.{name}" if key else name
            raise ParamsError(f"expected {_kind(kind)}, found {value[name]!r}", file, where)
    return value


def _is(value: object, kind: type) -> bool:
    if kind is float:
        return value is None or (isinstance(value, (int, float)) and not isinstance(value, bool))
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, kind)


def _kind(kind: type) -> str:
    return {float: "a number or null", int: "an integer", str: "text", bool: "true or false"}.get(kind, kind.__name__)


def _list(value: object, file: str, key: str) -> list:
    if not isinstance(value, list) or not value:
        raise ParamsError("expected a non-empty list", file, key)
    return value


def _number(value: object) -> float:
    return math.nan if value is None else float(value)


_ITEM_KEYS = {
    "item": str,
    "dimension": str,
    "description": str,
    "points": float,
    "share": float,
    "applies_to": str,
    "severity": str,
    "finding_codes": list,
    "basis": str,
    "source": str,
}


def _items(value: object, file: str) -> pd.DataFrame:
    rows = []
    for i, raw in enumerate(_list(value, file, "items")):
        row = _mapping(raw, _ITEM_KEYS, {}, file, f"items[{i}]")
        for name, allowed in (("applies_to", APPLIES_TO), ("severity", SEVERITY_LEVELS)):
            if row[name] not in allowed:
                raise ParamsError(
                    f"expected one of {', '.join(allowed)}, found {row[name]!r}", file, f"items[{i}].{name}"
                )
        if row["points"] is not None and row["share"] is not None:
            raise ParamsError("give points or share, not both", file, f"items[{i}]")
        if not all(isinstance(c, str) for c in row["finding_codes"]):
            raise ParamsError("expected a list of finding codes", file, f"items[{i}].finding_codes")
        rows.append({**row, "points": _number(row["points"]), "share": _number(row["share"])})
        rows[-1]["finding_codes"] = tuple(row["finding_codes"])
    items = pd.DataFrame(rows, columns=ITEM_COLUMNS)
    twice = items["item"][items["item"].duplicated()]
    if len(twice):
        raise ParamsError(f"item 「{twice.iloc[0]}」 given twice", file, "items")
    codes = items["finding_codes"].explode().dropna()
    if codes.duplicated().any():
        raise ParamsError(f"finding code 「{codes[codes.duplicated()].iloc[0]}」 in two items", file, "items")
    return items


def _severities(value: object, file: str) -> pd.DataFrame:
    keys = {"level": str, "label": str, "meaning": str, "advice": str}
    rows = [_mapping(r, keys, {}, file, f"severities[{i}]") for i, r in enumerate(_list(value, file, "severities"))]
    frame = pd.DataFrame(rows, columns=list(keys))
    if tuple(frame["level"]) != SEVERITY_LEVELS:
        raise ParamsError(f"expected the levels {', '.join(SEVERITY_LEVELS)} in order", file, "severities")
    return frame


def _deviation(value: object, file: str) -> Deviation:
    keys = {"form_formula": str, "unit_formula": str, "indicator_formula": str, "threshold": float, "source": str}
    d = _mapping(value, keys, {}, file, "deviation")
    if d["threshold"] is None or not 0 < d["threshold"] < 1:
        found = d["threshold"]
        raise ParamsError(f"threshold must be a share such as 0.05, found {found!r}", file, "deviation.threshold")
    return Deviation(**{k: (float(v) if k == "threshold" else v) for k, v in d.items()})


_TIER_KEYS = {
    "lower": float,
    "upper": float,
    "lower_inclusive": bool,
    "upper_inclusive": bool,
    "tier": str,
    "adjustment": float,
    "wording": str,
    "source": str,
}


def _tiers(value: object, file: str) -> pd.DataFrame:
    rows = [_mapping(r, _TIER_KEYS, {}, file, f"tiers[{i}]") for i, r in enumerate(_list(value, file, "tiers"))]
    frame = pd.DataFrame(rows, columns=TIER_COLUMNS)
    for column in ("lower", "upper", "adjustment"):
        frame[column] = frame[column].map(_number).astype(float)
    frame = frame.sort_values("lower", kind="stable").reset_index(drop=True)
    lower, upper = frame["lower"].to_numpy(), frame["upper"].to_numpy()
    touching = np.isclose(lower[1:], upper[:-1])
    closed = frame["lower_inclusive"].to_numpy()[1:] ^ frame["upper_inclusive"].to_numpy()[:-1]
    if np.isnan(lower).any() or np.isnan(upper).any() or (lower > upper).any() or not (touching & closed).all():
        raise ParamsError(
            "the tiers must cover the scores without gap or overlap (each bound in one tier)", file, "tiers"
        )
    if ((frame["adjustment"] < 0) | (frame["adjustment"] > 1)).any():
        raise ParamsError("an adjustment is a share of next year's budget between 0 and 1", file, "tiers")
    return frame


def _risk(value: object, file: str) -> tuple[pd.DataFrame, RiskSettings]:
    keys = {"parts": list, "scaling": dict, "levels": dict, "source": str}
    r = _mapping(value, keys, {}, file, "risk")
    part_keys = {"part": str, "label": str, "weight": float, "description": str}
    rows = [_mapping(p, part_keys, {}, file, f"risk.parts[{i}]") for i, p in enumerate(r["parts"])]
    parts = pd.DataFrame(rows, columns=list(part_keys)).astype({"weight": float})
    if tuple(parts["part"]) != RISK_PARTS:
        raise ParamsError(f"expected the parts {', '.join(RISK_PARTS)} in order", file, "risk.parts")
    if parts["weight"].isna().any() or (parts["weight"] < 0).any() or not np.isclose(parts["weight"].sum(), 1):
        raise ParamsError("the part weights must be non-negative and add up to 1", file, "risk.parts")
    scale_keys = {"error_weight": float, "warning_weight": float, "severity_cap": float, "deviation_cap": float}
    scaling = _mapping(r["scaling"], scale_keys, {}, file, "risk.scaling")
    if any(v is None or v <= 0 for v in scaling.values()):
        raise ParamsError("expected positive numbers", file, "risk.scaling")
    levels = _mapping(r["levels"], {"高": float, "中": float}, {}, file, "risk.levels")
    if not (0 < levels["中"] < levels["高"] <= 1):
        raise ParamsError("expected 0 < 中 < 高 ≤ 1", file, "risk.levels")
    settings = RiskSettings(**{k: float(v) for k, v in scaling.items()}, levels=dict(levels), source=r["source"])
    return parts, settings


def _sample(value: object, file: str) -> SampleSettings:
    keys = {"seed": int, "strata": list, "shares": dict, "minimum": int, "always_high": bool, "source": str}
    s = _mapping(value, keys, {}, file, "sample")
    strata = tuple(s["strata"])
    if set(strata) != {"高", "中", "低"} or len(strata) != 3:
        raise ParamsError("expected the strata 高, 中, 低", file, "sample.strata")
    shares = _mapping(s["shares"], dict.fromkeys(strata, float), {}, file, "sample.shares")
    if any(v is None or not 0 <= v <= 1 for v in shares.values()):
        raise ParamsError("a share is between 0 and 1", file, "sample.shares")
    if s["minimum"] < 0:
        raise ParamsError("expected a count ≥ 0", file, "sample.minimum")
    return SampleSettings(
        s["seed"], strata, {k: float(v) for k, v in shares.items()}, s["minimum"], s["always_high"], s["source"]
    )


def _rectification(value: object, file: str) -> Rectification:
    r = _mapping(value, {"levels": list, "deadline": str, "source": str}, {}, file, "rectification")
    levels = tuple(r["levels"])
    if not levels or any(level not in SEVERITY_LEVELS for level in levels):
        raise ParamsError(f"expected levels among {', '.join(SEVERITY_LEVELS)}", file, "rectification.levels")
    return Rectification(levels, r["deadline"], r["source"])


def _missing_actuals(value: object, file: str) -> MissingActuals:
    m = _mapping(value, {"share": float, "wording": str, "source": str}, {}, file, "missing_actuals")
    if m["share"] is None or not 0 < m["share"] <= 1:
        raise ParamsError(f"expected a share in (0, 1], found {m['share']!r}", file, "missing_actuals.share")
    return MissingActuals(float(m["share"]), m["wording"], m["source"])


def rulebook_path(name_or_path: str | Path) -> Path:
    """``params/review/<name>.yaml`` for a bare name, else the path given."""
    text = str(name_or_path)
    if text.endswith((".yaml", ".yml")) or "/" in text or "\\" in text:
        return Path(text)
    return REVIEW_DIR / f"{text}.yaml"


_TOP = {
    "name": str,
    "title": str,
    "sources": list,
    "severities": list,
    "deviation": dict,
    "tiers": list,
    "items": list,
    "risk": dict,
    "sample": dict,
    "rectification": dict,
    "missing_actuals": dict,
}


def load_rulebook(name_or_path: str | Path = DEFAULT_RULEBOOK) -> RuleBook:
    """The rule book ``name_or_path`` (a name in ``params/review/`` or a YAML file), checked strictly."""
    path = rulebook_path(name_or_path)
    if not path.is_file():
        raise ParamsError("no such rule book (a name in params/review/ or a .yaml file)", str(path))
    file = str(path)
    data = _mapping(read_yaml(path), _TOP, {}, file, "")
    sources = tuple(_list(data["sources"], file, "sources"))
    if not all(isinstance(s, str) for s in sources):
        raise ParamsError("expected a list of texts", file, "sources")
    risk, risk_settings = _risk(data["risk"], file)
    return RuleBook(
        name=data["name"],
        title=data["title"],
        sources=sources,
        items=_items(data["items"], file),
        severities=_severities(data["severities"], file),
        deviation=_deviation(data["deviation"], file),
        tiers=_tiers(data["tiers"], file),
        risk=risk,
        sample=_sample(data["sample"], file),
        risk_settings=risk_settings,
        file=file,
        rectification=_rectification(data["rectification"], file),
        missing_actuals=_missing_actuals(data["missing_actuals"], file),
    )
