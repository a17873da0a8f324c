"""Rule sets: the scoring settings of ``params/rules/<name>.yaml``, loaded and checked.

A rule set may ``extends:`` another; keys are merged one level deep. Unknown keys are rejected.
"""

from __future__ import annotations

import copy
import pickle
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from html import escape
from pathlib import Path
from typing import Any

import pandas as pd

from evaltools import fmt, labels
from evaltools.data.schema import DIRECTIONS, QUALITATIVE_GRADES
from evaltools.errors import ParamsError, RuleError
from evaltools.params import DEFAULT_RULES, PARAMS_DIR, is_rule_file, read_yaml
from evaltools.scoring.grading import describe_band, validated_bands
from evaltools.scoring.rule_types import EXECUTION_METHODS, RULE_TYPES, execution_settings
from evaltools.scoring.rule_types import Check as _Check

KNOWN_KEYS = {
    "title",
    "extends",
    "execution",
    "frameworks",
    "direction_names",
    "audit",
    "directions",
    "rules",
    "qualitative",
    "missing_actual",
    "not_applicable",
    "rounding",
    "overachievement_ratio",
    "department_total",
    "carryover_denominator",
    "public_expense_lines",
    "grade_bands",
    "criteria",
}
#: Settings a rule set may leave out (older rule files): their default.
OPTIONAL: dict[str, object] = {"criteria": []}
CHOICES = {
    "missing_actual": ("zero", "drop"),
    "not_applicable": ("rescale", "ignore"),
    "department_total": ("simple", "budget_weighted"),
    "carryover_denominator": ("budget", "spent"),
}


@dataclass(frozen=True)
class RuleSet:
    """Scoring settings (see ``params/rules/mof.yaml`` for each key and its source)."""

    name: str
    title: str
    execution: Mapping[str, Any]
    frameworks: Mapping[str, Mapping[str, Any]]
    direction_names: Mapping[str, tuple[str, ...]]
    audit: Mapping[str, Any]
    directions: Mapping[str, str]
    rules: Mapping[str, Mapping[str, Any]]
    qualitative: Mapping[str, Any]
    missing_actual: str
    not_applicable: str
    rounding: int
    overachievement_ratio: float
    department_total: str
    carryover_denominator: str
    public_expense_lines: tuple[str, ...]
    grade_bands_name: str
    grade_bands: pd.DataFrame = field(compare=False, repr=False)
    criteria: tuple[Mapping[str, Any], ...] = ()

    def with_changes(self, **changes: object) -> RuleSet:
        """A copy with settings changed, e.g. ``rules.with_changes(grade_bands="mof")`` or
        ``with_changes(directions={"<=": "lower_better_ratio"})`` (mappings are merged)."""
        current = self.to_dict()
        for key, value in changes.items():
            if key not in KNOWN_KEYS - {"extends"}:
                raise ParamsError(f"unknown rule setting {key!r}", key=key)
            if isinstance(value, Mapping) and isinstance(current.get(key), Mapping):
                current[key] = {**current[key], **value}
            else:
                current[key] = value
        return _build(self.name + "*", current, source="with_changes")

    def describe(self) -> list[tuple[str, str]]:
        """The rule set in words, one (setting, how it is set) per row: what the notebook shows."""
        ex = self.execution
        execution = EXECUTION_METHODS[ex.get("method", "ratio")].words(ex, self)
        by_rule: dict[str, list[str]] = {}
        for direction, rule in self.directions.items():
            by_rule.setdefault(rule, []).append(labels.DIRECTION.get(direction, direction))
        scoring = [
            (f"指标计分（{'、'.join(dirs)}）", RULE_TYPES[self.rules[rule]["type"]].words(self.rules[rule], self))
            for rule, dirs in by_rule.items()
        ]
        bands = [f"{g} {fmt.pct(lo, 0)}–{fmt.pct(hi, 0)}" for g, (lo, hi) in self.qualitative["bands"].items()]
        position = labels.RULE_CHOICE.get(self.qualitative.get("default_position"), "")
        grades = [f"{describe_band(b)} 为{b['grade']}" for b in self.grade_bands.to_dict("records")]
        return [
            ("规则集", f"{self.name}：{self.title}"),
            ("预算执行率得分", f"{execution}；未列分值时取 {fmt.score(ex.get('default_weight'))} 分"),
            (
                "一级指标框架及分值",
                "；".join(
                    f["title"]
                    + "（"
                    + "、".join(f"{k} {fmt.score(v)}" if v is not None else k for k, v in f["weights"].items())
                    + "）"
                    for f in self.frameworks.values()
                ),
            ),
            *scoring,
            ("定性指标得分区间", "；".join(bands) + f"（未评定得分时取{position}）"),
            ("缺少实际完成值", labels.RULE_CHOICE.get(self.missing_actual, self.missing_actual)),
            ("不适用指标", labels.RULE_CHOICE.get(self.not_applicable, self.not_applicable)),
            ("指标得分小数位", str(self.rounding)),
            ("大幅超额完成", f"实际达到目标的 {fmt.pct(self.overachievement_ratio, 0)} 及以上时提示"),
            ("部门总分", labels.RULE_CHOICE.get(self.department_total, self.department_total)),
            ("结转结余率分母", labels.RULE_CHOICE.get(self.carryover_denominator, self.carryover_denominator)),
            ("公用经费支出项目", "、".join(self.public_expense_lines)),
            ("等级表", f"{self.grade_bands_name}：" + "；".join(grades)),
        ]

    def _repr_html_(self) -> str:
        rows = "".join(
            f'<tr><th style="text-align:left;white-space:nowrap">{escape(k)}</th><td style="text-align:left">{escape(v)}</td></tr>'
            for k, v in self.describe()
        )
        return f"<table>{rows}</table>"

    def to_dict(self) -> dict:
        return {
            "title": self.title,
            "execution": dict(self.execution),
            "frameworks": copy.deepcopy(dict(self.frameworks)),
            "direction_names": {k: list(v) for k, v in self.direction_names.items()},
            "audit": dict(self.audit),
            "directions": dict(self.directions),
            "rules": {k: dict(v) for k, v in self.rules.items()},
            "qualitative": copy.deepcopy(dict(self.qualitative)),
            "missing_actual": self.missing_actual,
            "not_applicable": self.not_applicable,
            "rounding": self.rounding,
            "overachievement_ratio": self.overachievement_ratio,
            "department_total": self.department_total,
            "carryover_denominator": self.carryover_denominator,
            "public_expense_lines": list(self.public_expense_lines),
            "grade_bands": self.grade_bands_name
            if isinstance(self.grade_bands_name, str)
            else self.grade_bands.to_dict("records"),
            "criteria": copy.deepcopy(list(self.criteria)),
        }


def rule_file(name: str, params_dir: Path, beside: Path | None = None) -> Path:
    """The file of rule set ``name``: a path as given (a province's rules beside its data), else
    ``params/rules/<name>.yaml``; an ``extends`` in a file beside its data may name a file there too."""
    if is_rule_file(name):
        path = Path(name).expanduser()
        if not path.is_absolute() and beside is not None and (beside / path).exists():
            path = beside / path
        if not path.is_file():
            raise ParamsError(f"规则文件不存在 / rule file not found: {name}", file=str(path))
        return path
    path = params_dir / "rules" / f"{name}.yaml"
    if not path.exists() and beside is not None and (beside / f"{name}.yaml").exists():
        return beside / f"{name}.yaml"
    if not path.exists():
        options = sorted(p.stem for p in (params_dir / "rules").glob("*.yaml"))
        raise ParamsError(
            f"没有这个规则集 / no rule set {name!r}; available: {', '.join(options)} (or give a path to a .yaml file)",
            file=str(path),
        )
    return path


#: What was read from each parameter file: (path, modification time, size) → its parsed YAML; a file changed
#: since is read again. Once per process (issue 19 item 6); callers get copies (a rule set's data is merged into).
_READ: dict[tuple[str, int, int], object] = {}


def _yaml(path: Path) -> object:
    """``read_yaml(path)``, parsed once per process while the file is unchanged; a deep copy each time."""
    try:
        stat = path.stat()
    except OSError:
        return read_yaml(path)  # the reader's own error (missing, unreadable)
    key = (str(path.resolve()), stat.st_mtime_ns, stat.st_size)
    if key not in _READ:
        if len(_READ) > 64:
            _READ.clear()
        _READ[key] = read_yaml(path)
    return pickle.loads(pickle.dumps(_READ[key]))  # a deep copy of plain YAML values, faster than copy.deepcopy


def _raw(name: str, params_dir: Path, seen: tuple = (), beside: Path | None = None) -> dict:
    path = rule_file(name, params_dir, beside)
    data = _yaml(path) or {}
    if not isinstance(data, dict):
        raise ParamsError("expected a mapping", file=str(path))
    unknown = sorted(set(data) - KNOWN_KEYS)
    if unknown:
        raise ParamsError(f"未知设置 / unknown setting(s): {', '.join(unknown)}", file=str(path), key=unknown[0])
    parent = data.pop("extends", None)
    if parent is not None and (not isinstance(parent, str) or not parent.strip()):
        _Check(str(path)).fail("extends", "the name (or path) of another rule set, such as mof", parent)
    if parent:
        if parent in seen:
            raise ParamsError(f"circular extends: {' → '.join(seen + (parent,))}", file=str(path))
        base = _raw(parent, params_dir, seen + (name,), path.parent)
        for key, value in data.items():
            base[key] = {**base[key], **value} if isinstance(value, dict) and isinstance(base.get(key), dict) else value
        data = base
    return data


def load_bands(
    name_or_list: str | list[dict], params_dir: Path = PARAMS_DIR, source: str = "rule set"
) -> tuple[str, pd.DataFrame]:
    """A named band preset from ``params/grade_bands.yaml`` or an inline list, validated."""
    if isinstance(name_or_list, str):
        file = str(params_dir / "grade_bands.yaml")
        presets = _Check(file).mapping("(the file)", _yaml(params_dir / "grade_bands.yaml") or {})
        if name_or_list not in presets:
            raise ParamsError(
                f"没有这个等级表 / no grade band preset {name_or_list!r}; available: {', '.join(map(str, presets))}",
                file=file,
            )
        preset = _Check(file).mapping(name_or_list, presets[name_or_list], {"title", "bands"})
        bands = _band_list(_Check(file), f"{name_or_list}.bands", preset.get("bands"))
        return name_or_list, validated_bands(bands, file, key=f"{name_or_list}.bands")
    bands = _band_list(_Check(source), "grade_bands", name_or_list)
    return "inline", validated_bands(bands, source, key="grade_bands")


def _band_list(c: _Check, key: str, bands: object) -> list[dict]:
    """A list of grade bands {grade, lower, upper, lower_inclusive, upper_inclusive}, each value checked."""
    if not isinstance(bands, list) or not bands:
        c.fail(key, "a list of bands such as {grade: 优, lower: 90, upper: 100}", bands)
    for i, band in enumerate(bands):
        where = f"{key}[{i}]"
        band = c.mapping(where, band, {"grade", "lower", "upper", "lower_inclusive", "upper_inclusive"})
        c.text(f"{where}.grade", band.get("grade"))
        for end in ("lower", "upper"):
            if band.get(end) is not None:
                c.number(f"{where}.{end}", band[end], 0, 100)
        for flag in ("lower_inclusive", "upper_inclusive"):
            if band.get(flag) is not None:
                c.flag(f"{where}.{flag}", band[flag])
    return list(bands)


def load_rules(name: str = DEFAULT_RULES, params_dir: str | Path = PARAMS_DIR) -> RuleSet:
    """Load ``params/rules/<name>.yaml`` — or a rule file by path (``--rules ./henan.yaml``) — following
    ``extends``, into a checked :class:`RuleSet`."""
    params_dir = Path(params_dir)
    path = rule_file(name, params_dir)
    label = path.stem if is_rule_file(name) else name
    return _build(label, _raw(name, params_dir), str(path), params_dir)


# ----------------------------------------------------------------------------- checking a rule set


def _check_rules(c: _Check, rules: object) -> None:
    for name, spec in c.mapping("rules", rules).items():
        key = f"rules.{name}"
        if not isinstance(spec, dict) or spec.get("type") not in RULE_TYPES:
            raise RuleError(
                f"rule {name!r} has unknown type {spec.get('type') if isinstance(spec, dict) else spec!r}; "
                f"known types: {', '.join(sorted(RULE_TYPES))}",
                file=c.source,
                key=key,
            )
        RULE_TYPES[spec["type"]].validate(c, key, spec)  # the settings its declaration names, each checked


def _check_scalars(c: _Check, data: dict) -> None:
    c.text("title", data["title"])
    for key, options in CHOICES.items():
        c.choice(key, data[key], options)
    if isinstance(data["rounding"], bool) or not isinstance(data["rounding"], int) or not 0 <= data["rounding"] <= 6:
        c.fail("rounding", "a whole number of decimals from 0 to 6", data["rounding"])
    c.number("overachievement_ratio", data["overachievement_ratio"], 0, 1e6, above=True)
    c.texts("public_expense_lines", data["public_expense_lines"])
    if not isinstance(data["grade_bands"], str) and not (
        isinstance(data["grade_bands"], list) and all(isinstance(b, dict) for b in data["grade_bands"])
    ):
        c.fail(
            "grade_bands", "a preset name of grade_bands.yaml or a list of {grade, lower, upper}", data["grade_bands"]
        )


def _check_sections(c: _Check, data: dict) -> None:
    methods = execution_settings()  # the settings every execution method declares
    ex = c.mapping("execution", data["execution"], {"method", "default_weight", *methods})
    c.choice("execution.method", ex.get("method", "ratio"), list(EXECUTION_METHODS))
    for name, setting in methods.items():
        if name in ex:
            setting.check(c, f"execution.{name}", ex[name])
    c.number("execution.default_weight", ex.get("default_weight", 10), 0, 100)
    audit = c.mapping("audit", data["audit"], {"execution_alert", "previous_target", "grade_synonyms", "red_flags"})
    c.number("audit.execution_alert", audit.get("execution_alert", 0.9), 0, 1)
    c.flag("audit.previous_target", audit.get("previous_target", True))
    c.flag("audit.red_flags", audit.get("red_flags", False))  # a 复核's red flags (audit/redflags.py): review only
    for name, words in c.mapping("audit.grade_synonyms", audit.get("grade_synonyms", {})).items():
        c.texts(f"audit.grade_synonyms.{name}", words)
    for direction, names in c.mapping("direction_names", data["direction_names"], set(DIRECTIONS)).items():
        c.texts(f"direction_names.{direction}", names)
    for direction, rule in c.mapping("directions", data["directions"], set(DIRECTIONS)).items():
        c.text(f"directions.{direction}", rule)
    q = c.mapping("qualitative", data["qualitative"], {"bands", "default_position", *_TEXT_SETTINGS})
    _check_text_grades(c, q)
    bands = c.mapping("qualitative.bands", q.get("bands"), set(QUALITATIVE_GRADES))
    for grade_name, band in bands.items():
        key = f"qualitative.bands.{grade_name}"
        if not isinstance(band, list) or len(band) != 2:
            c.fail(key, "a pair [low, high] of shares of the weight, e.g. [0.8, 1.0]", band)
        if c.number(key, band[0], 0, 1) > c.number(key, band[1], 0, 1):
            c.fail(key, "low ≤ high", band)
    missing = sorted(set(QUALITATIVE_GRADES) - set(bands))
    if missing:
        c.fail(f"qualitative.bands.{missing[0]}", f"a band for each grade ({', '.join(QUALITATIVE_GRADES)})", None)
    _check_band_overlap(c, bands)


def _check_band_overlap(c: _Check, bands: dict) -> None:
    """Qualitative bands may touch ([0.6, 0.8] and [0.8, 1.0]) but not overlap: a score inside two bands
    would not tell its grade (and a panel's score could be read as either)."""
    ordered = sorted(bands.items(), key=lambda item: (float(item[1][0]), float(item[1][1])))
    for (low_name, low_band), (name, band) in zip(ordered, ordered[1:]):
        if float(band[0]) < float(low_band[1]) or (band == low_band):
            c.fail(
                f"qualitative.bands.{name}",
                f"a band not overlapping 「{low_name}」 {list(low_band)} (bands may only touch, e.g. "
                f"[{float(low_band[1]):g}, …])",
                band,
            )


#: The qualitative settings that score a 定性 actual printed as words (params/rules/mof.yaml; optional).
_TEXT_SETTINGS = ("not_given", "text_grades", "text_default")


def _check_text_grades(c: _Check, q: dict) -> None:
    """``not_given`` a list of words, ``text_grades`` grade → words, ``text_default`` a grade or null."""
    c.texts("qualitative.not_given", q.get("not_given"))
    for grade_name, words in c.mapping(
        "qualitative.text_grades", q.get("text_grades", {}), set(QUALITATIVE_GRADES)
    ).items():
        c.texts(f"qualitative.text_grades.{grade_name}", words)
    if q.get("text_default") is not None:
        c.choice("qualitative.text_default", q["text_default"], list(QUALITATIVE_GRADES))


def _check_criteria(c: _Check, entries: object) -> None:
    """``criteria``: a list of {pattern, rule, tier}: expressions that compile, rules of known types naming only
    their type's settings (the expression's groups give the rest; :mod:`evaltools.scoring.criteria`)."""
    if not isinstance(entries, list):
        c.fail("criteria", "a list of {pattern, rule} entries", entries)
    for i, entry in enumerate(entries):
        key = f"criteria[{i}]"
        entry = c.mapping(key, entry, {"pattern", "rule", "tier"})
        for name in ("pattern", "tier"):
            if name in entry or name == "pattern":
                try:
                    re.compile(c.text(f"{key}.{name}", entry.get(name)))
                except re.error as exc:
                    c.fail(f"{key}.{name}", f"a regular expression ({exc})", entry.get(name))
        rule = c.mapping(f"{key}.rule", entry.get("rule"))
        if rule.get("type") not in RULE_TYPES:
            c.fail(f"{key}.rule.type", f"one of the rule types {', '.join(sorted(RULE_TYPES))}", rule.get("type"))
        c.mapping(f"{key}.rule", rule, {"type", *RULE_TYPES[rule["type"]].settings})


def validate_rule_data(data: dict, source: str) -> None:
    """Check every key, type and range of a merged rule set (and each rule's own settings); ParamsError or
    RuleError naming the file and the key at the first problem. Run before anything is built from it."""
    c = _Check(source)
    _check_scalars(c, data)
    _check_sections(c, data)
    _check_rules(c, data["rules"])
    _check_criteria(c, data.get("criteria", []))


def _build(name: str, data: dict, source: str, params_dir: Path = PARAMS_DIR) -> RuleSet:
    data = {**copy.deepcopy(OPTIONAL), **data}
    missing = sorted(KNOWN_KEYS - {"extends"} - set(data))
    if missing:
        raise ParamsError(f"缺少设置 / missing setting(s): {', '.join(missing)}", file=source, key=missing[0])
    validate_rule_data(data, source)
    for direction in DIRECTIONS:
        target = data["directions"].get(direction)
        if target not in data["rules"]:
            raise RuleError(
                f"direction {direction!r} is scored by {target!r}, which is not a defined rule",
                file=source,
                key=f"directions.{direction}",
            )
    if data["qualitative"].get("default_position") not in ("lower", "mid", "upper"):
        raise ParamsError(
            "qualitative.default_position must be lower, mid or upper", file=source, key="qualitative.default_position"
        )
    bands_name, bands = load_bands(data["grade_bands"], params_dir, source)
    return RuleSet(
        name=name,
        title=str(data["title"]),
        execution=dict(data["execution"]),
        frameworks=_frameworks(data["frameworks"], source),
        direction_names={k: tuple(v or ()) for k, v in data["direction_names"].items()},
        audit=dict(data["audit"]),
        directions=dict(data["directions"]),
        rules={k: dict(v) for k, v in data["rules"].items()},
        qualitative=dict(data["qualitative"]),
        missing_actual=data["missing_actual"],
        not_applicable=data["not_applicable"],
        rounding=int(data["rounding"]),
        overachievement_ratio=float(data["overachievement_ratio"]),
        department_total=data["department_total"],
        carryover_denominator=data["carryover_denominator"],
        public_expense_lines=tuple(data["public_expense_lines"]),
        grade_bands_name=bands_name,
        grade_bands=bands,
        criteria=tuple(dict(e) for e in data["criteria"]),
    )


def _frameworks(data: object, source: str) -> dict:
    """``frameworks``: name → {title, weights: {一级指标: points or null}}, checked."""
    if not isinstance(data, dict) or not data:
        raise ParamsError("frameworks must map framework names to {title, weights}", file=source, key="frameworks")
    out = {}
    for name, spec in data.items():
        weights = spec.get("weights") if isinstance(spec, dict) else None
        if not isinstance(weights, dict) or not weights:
            raise ParamsError(
                "each framework needs weights: {一级指标: points or null}", file=source, key=f"frameworks.{name}"
            )
        c = _Check(source)
        for level1, weight in weights.items():
            if weight is not None:
                c.number(f"frameworks.{name}.weights.{level1}", weight, 0, 100)
        if "title" in spec:
            c.text(f"frameworks.{name}.title", spec["title"])
        out[name] = {
            "title": str(spec.get("title", name)),
            "weights": {k: (None if v is None else float(v)) for k, v in weights.items()},
        }
    return out


def list_rule_sets(params_dir: str | Path = PARAMS_DIR) -> list[str]:
    return sorted(p.stem for p in (Path(params_dir) / "rules").glob("*.yaml"))


__all__ = ["RuleSet", "load_rules", "load_bands", "list_rule_sets", "replace"]
