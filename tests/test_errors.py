"""The exception hierarchy: every class lives in evaltools.errors and survives pickling (batch workers
send errors across processes) with its message, exit code and attributes."""

from __future__ import annotations

import ast
import inspect
import pickle
from pathlib import Path

import pytest

from evaltools import errors

PACKAGE = Path(errors.__file__).parent
SAMPLES = {
    errors.InputError: lambda cls: cls([errors.Problem(errors.Location("a.csv", None, 3, "分值"), "bad", "x", "y")]),
    errors.DataNotFoundError: lambda cls: cls([], summary="没有找到 2022 年的数据"),
    errors.ParamsError: lambda cls: cls("must be text", file="params/x.yaml", key="rules"),
    errors.GradeBandError: lambda cls: cls("gap between 良好 and 优秀", file="bands.yaml"),
    errors.RuleError: lambda cls: cls("unknown rule 'x'", key="rule"),
    errors.RunError: lambda cls: cls("cell 4 failed", cell=4, notebook="report.failed.ipynb"),
}


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


ALL = sorted(set(_subclasses(errors.EvaltoolsError)) | {errors.EvaltoolsError}, key=lambda c: c.__name__)


@pytest.mark.parametrize("cls", ALL, ids=lambda c: c.__name__)
def test_every_error_pickles_with_its_message_and_attributes(cls):
    make = next((f for base, f in SAMPLES.items() if issubclass(cls, base)), lambda c: c("something failed"))
    error = make(cls)
    error.extra = "kept"
    back = pickle.loads(pickle.dumps(error))
    assert type(back) is cls
    assert str(back) == str(error) and back.args == error.args
    assert back.exit_code == error.exit_code
    assert back.__dict__ == error.__dict__


def test_input_error_keeps_its_problems_across_pickling():
    error = SAMPLES[errors.InputError](errors.InputError)
    back = pickle.loads(pickle.dumps(error))
    assert back.problems == error.problems and back.errors[0].location.row == 3


def test_every_exception_class_is_declared_in_errors_py():
    """No module of the package defines an exception class of its own."""
    for path in PACKAGE.rglob("*.py"):
        if path.name == "errors.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                bases = {getattr(b, "id", getattr(b, "attr", "")) for b in node.bases}
                assert not any(b.endswith(("Error", "Exception")) for b in bases), f"{path}: class {node.name}"
    assert {c.__module__ for c in ALL} == {"evaltools.errors"}
    assert all(inspect.getdoc(c) for c in ALL)


def test_internal_error_message_points_at_an_option_that_exists():
    """The internal-error text suggests `evaltools --debug …`; the CLI accepts that option."""
    from typer.testing import CliRunner

    from evaltools.cli import app

    res = CliRunner().invoke(app, ["--debug", "--help"])
    assert res.exit_code == 0 and "--debug" in res.output
    res = CliRunner().invoke(app, ["--version"])
    assert res.exit_code == 0 and res.output.startswith("evaltools ")
