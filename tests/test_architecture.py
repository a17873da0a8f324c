"""The package's shape, checked: layers import one way, one style, short functions with type hints,
and only the command line prints."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests._paths import ROOT

PACKAGE = ROOT / "evaltools"
BIN = Path(sys.executable).parent
MAX_FUNCTION_LINES = 60
MAX_MODULE_LINES = 600
MODULES = sorted(PACKAGE.rglob("*.py"))


def _tool(name: str) -> str:
    path = BIN / name
    return str(path) if path.exists() else (shutil.which(name) or name)


def _functions(tree: ast.AST):
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            yield node


def test_layers_import_one_way():
    """data → scoring → report → run → cli (pyproject's import-linter contract); an upward import fails."""
    res = subprocess.run([_tool("lint-imports")], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    assert "1 kept, 0 broken" in res.stdout


def test_ruff_is_clean():
    res = subprocess.run(
        [_tool("ruff"), "check", "evaltools", "tests", "bench"], cwd=ROOT, capture_output=True, text=True
    )
    assert res.returncode == 0, res.stdout + res.stderr
    res = subprocess.run(
        [_tool("ruff"), "format", "--check", "evaltools", "tests", "bench"], cwd=ROOT, capture_output=True, text=True
    )
    assert res.returncode == 0, "run `make format`:\n" + res.stdout + res.stderr


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_functions_are_short(path):
    """Long functions are split into named steps (the body, docstring excluded)."""
    for fn in _functions(ast.parse(path.read_text(encoding="utf-8"))):
        first = (
            fn.body[1]
            if len(fn.body) > 1 and isinstance(fn.body[0], ast.Expr) and isinstance(fn.body[0].value, ast.Constant)
            else fn.body[0]
        )
        length = fn.end_lineno - first.lineno + 1
        assert length <= MAX_FUNCTION_LINES, f"{path.name}:{fn.lineno} {fn.name} has {length} lines"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_public_functions_have_type_hints(path):
    """Every public module-level function and public method annotates its parameters and its return."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    scopes = [tree] + [n for n in tree.body if isinstance(n, ast.ClassDef) and not n.name.startswith("_")]
    for scope in scopes:
        for fn in (n for n in scope.body if isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef))):
            if fn.name.startswith("_"):
                continue
            args = [a for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs if a.arg not in ("self", "cls")]
            args += [a for a in (fn.args.vararg, fn.args.kwarg) if a is not None]
            missing = [a.arg for a in args if a.annotation is None]
            assert not missing, f"{path.name}:{fn.lineno} {fn.name}: parameters without a type: {missing}"
            assert fn.returns is not None, f"{path.name}:{fn.lineno} {fn.name} has no return type"


def test_only_the_cli_prints():
    """The library returns values, raises or logs; printing (print, typer.echo, rich consoles) is the CLI's."""
    for path in MODULES:
        if path.parent.name == "cli":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call):
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                assert name not in ("print", "echo", "Console", "pprint"), f"{path.relative_to(ROOT)}:{node.lineno}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_are_short(path):
    """A module fits in a head: at most 600 lines (split a larger one by concern, re-exporting its names)."""
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_MODULE_LINES, f"{path.relative_to(ROOT)} has {lines} lines"


def _circles(graph: grimp.ImportGraph) -> list[tuple[str, str]]:
    """Every direct import ``a → b`` such that ``b`` reaches ``a`` back: the edges of the import circles."""
    return sorted(
        (m, w)
        for m in graph.modules
        for w in graph.find_modules_directly_imported_by(m)
        if graph.chain_exists(importer=w, imported=m)
    )


def test_the_circle_finder_finds_a_circle():
    graph = grimp.ImportGraph()
    for importer, imported in (("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a"), ("p.c", "p.d")):
        graph.add_import(importer=importer, imported=imported)
    assert _circles(graph) == [("p.a", "p.b"), ("p.b", "p.c"), ("p.c", "p.a")]


def test_no_import_circle_in_the_package():
    """No module of evaltools reaches itself through imports, function-local and TYPE_CHECKING imports
    included (a function-local import must not hide a circle)."""
    graph = grimp.build_graph("evaltools", cache_dir=None, exclude_type_checking_imports=False)
    # the graph does hold both kinds of hidden import, so their circles would be found
    assert graph.direct_import_exists(importer="evaltools.report.exporters", imported="evaltools.report.form")
    assert graph.direct_import_exists(
        importer="evaltools.report.form.department", imported="evaltools.scoring.evaluation"
    )
    assert len(graph.modules) > 100
    assert _circles(graph) == []
