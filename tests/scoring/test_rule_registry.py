"""The rule-type and execution-method registries are complete: each declaration carries a scoring function,
settings whose defaults (or examples) pass their own checks, and words that render for every shipped rule set;
and the scoring layer's import graph has no circle (the rules ↔ describe ↔ indicators one is gone)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from evaltools.errors import ParamsError
from evaltools.scoring import rule_types
from evaltools.scoring.rule_types import EXECUTION_METHODS, RULE_TYPES, Check, Setting
from evaltools.scoring.rules import list_rule_sets, load_rules

RULE_SETS = list_rule_sets()


def _frame() -> pd.DataFrame:
    """Four indicator rows: below, at and above a target of 100 (weight 10), and one without an actual."""
    return pd.DataFrame(
        {
            "actual": [80.0, 100.0, 130.0, np.nan],
            "target": [100.0, 100.0, 100.0, 100.0],
            "target_high": [np.nan] * 4,
            "weight": [10.0] * 4,
            "panel_score": [np.nan] * 4,
            "qualitative_grade": ["部分达成", "达成", "未达成", None],
        }
    )


def test_every_module_of_the_package_declares_and_is_loaded():
    """Each module of evaltools/scoring/rule_types (but base) declares something, and importing the package
    registers it: a new rule type is one new module, no list to extend."""
    package = Path(rule_types.__file__).parent
    modules = {p.stem for p in package.glob("*.py")} - {"__init__", "base"}
    declared = {e.score.__module__.rsplit(".", 1)[1] for e in [*RULE_TYPES.values(), *EXECUTION_METHODS.values()]}
    assert declared == modules
    assert {"ratio_up", "reverse_linear", "range", "qualitative", "deduction", "tiered"} <= set(RULE_TYPES)
    assert set(EXECUTION_METHODS) == {"ratio", "threshold"}


@pytest.mark.parametrize("name", sorted(RULE_TYPES))
def test_settings_defaults_pass_their_own_checks(name):
    kind = RULE_TYPES[name]
    assert callable(kind.score) and callable(kind.describe) and kind.reads
    c = Check(f"rule type {name}")
    for setting_name, setting in kind.settings.items():
        assert isinstance(setting, Setting)
        assert setting.sample is not None, f"{name}.{setting_name}: a required setting needs an example"
        setting.check(c, f"{name}.{setting_name}", setting.sample)
    kind.validate(c, f"rules.{name}", kind.example())  # the example rule is a valid rule


@pytest.mark.parametrize(
    "name", sorted(n for n, k in RULE_TYPES.items() if any(s.required for s in k.settings.values()))
)
def test_a_required_setting_left_out_is_named(name):
    kind = RULE_TYPES[name]
    required = [k for k, s in kind.settings.items() if s.required]
    for left_out in required:  # only the types with a required setting: for the others the loop would be empty
        spec = {k: v for k, v in kind.example().items() if k != left_out}
        with pytest.raises(ParamsError, match=f"rule type {name} needs it") as err:
            kind.validate(Check("x.yaml"), f"rules.{name}", spec)
        assert err.value.key == f"rules.{name}.{left_out}"


@pytest.mark.parametrize("rule_set", RULE_SETS)
@pytest.mark.parametrize("name", sorted(RULE_TYPES))
def test_each_rule_type_scores_and_describes_under_each_rule_set(rule_set, name):
    rules = load_rules(rule_set)
    kind = RULE_TYPES[name]
    words = kind.words(kind.example(), rules)
    assert isinstance(words, str) and len(words) > 8 and "None" not in words and "{" not in words
    frame = _frame()[list(kind.reads)]
    share = kind(frame, kind.example(), rules)
    assert list(share.index) == list(frame.index)
    values = share.to_numpy(dtype=float)
    assert ((values >= 0) & (values <= 1) | np.isnan(values)).all()
    assert not np.isnan(values[:3]).all()  # three rows have every figure: not all unknown


@pytest.mark.parametrize("rule_set", RULE_SETS)
def test_every_rule_of_every_shipped_rule_set_is_a_declared_type_and_describes(rule_set):
    rules = load_rules(rule_set)
    for name, spec in rules.rules.items():
        assert spec["type"] in RULE_TYPES, (rule_set, name)
        assert RULE_TYPES[spec["type"]].words(spec, rules)
    described = dict(rules.describe())
    assert described["预算执行率得分"].startswith(
        EXECUTION_METHODS[rules.execution["method"]].words(rules.execution, rules)
    )


@pytest.mark.parametrize("name", sorted(EXECUTION_METHODS))
def test_execution_methods_score_describe_and_check_their_settings(name):
    method = EXECUTION_METHODS[name]
    rules = load_rules()
    for key, setting in method.settings.items():
        setting.check(Check("x"), f"execution.{key}", setting.sample)
    rate = pd.Series([0.5, 0.96, 1.2])
    share = method(rate, {})  # every setting at its default
    assert share.between(0, 1).all() and share.iloc[2] == 1.0
    assert "预算执行率" in method.words({}, rules)


def test_execution_defaults_are_the_declared_ones():
    """ratio: min(rate, 1); threshold: full marks from 95% (its default), rate × W below."""
    rate = pd.Series([0.5, 0.94, 0.95, 1.2])
    assert EXECUTION_METHODS["ratio"](rate, {}).tolist() == [0.5, 0.94, 0.95, 1.0]
    assert EXECUTION_METHODS["ratio"](rate, {"cap": False}).tolist() == [0.5, 0.94, 0.95, 1.2]
    assert EXECUTION_METHODS["threshold"](rate, {}).tolist() == [0.5, 0.94, 1.0, 1.0]


def test_a_rule_set_setting_of_a_declared_type_is_checked_by_its_declaration():
    """The loader asks the registry: a deduction's side must be over or under, an unknown setting is refused."""
    base = load_rules()
    with pytest.raises(ParamsError, match="one of over, under") as err:
        base.with_changes(rules={"d": {"type": "deduction", "per_step": 1, "side": "sideways"}})
    assert err.value.key == "rules.d.side"
    with pytest.raises(ParamsError, match="one of the settings") as err:
        base.with_changes(rules={"d": {"type": "deduction", "per_step": 1, "steps": 2}})
    assert err.value.key == "rules.d.steps"
    with pytest.raises(ParamsError, match="a number from 0 to 1") as err:
        base.with_changes(execution={"threshold": 1.5})
    assert err.value.key == "execution.threshold"
