"""environment.yml lists the same dependencies as pyproject.toml; the package imports without side effects."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib

import yaml


def _name(req: str) -> set[str]:
    m = re.match(r"\s*([A-Za-z0-9_.-]+)(\[([^\]]+)\])?", req)
    name = m.group(1).lower().replace("_", "-")
    extras = {e.strip().lower() for e in (m.group(3) or "").split(",") if e.strip()}
    # conda-forge splits dask[distributed] into dask + distributed
    return {name} | (extras if name == "dask" else set())


def test_environment_yml_matches_pyproject(root):
    project = tomllib.loads((root / "pyproject.toml").read_text())["project"]
    wanted = set().union(*(_name(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]))
    env = yaml.safe_load((root / "environment.yml").read_text())
    listed = set()
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            listed |= set().union(*(_name(r) for r in dep["pip"] if not r.startswith("-")))
        else:
            listed |= _name(re.split(r"[<>=!]", dep)[0])
    listed -= {"python", "pip"}
    assert wanted == listed, (
        f"only in pyproject: {sorted(wanted - listed)}; only in environment.yml: {sorted(listed - wanted)}"
    )


def test_import_has_no_side_effects():
    code = (
        "import logging, sys; import matplotlib; before = dict(matplotlib.rcParams); import evaltools; "
        "assert logging.getLogger().handlers == [], 'logging configured'; "
        "assert dict(matplotlib.rcParams) == before, 'rcParams changed'; "
        "assert 'seaborn' not in sys.modules and 'papermill' not in sys.modules, 'heavy imports'; "
        "from matplotlib import font_manager; import importlib.util; "
        "shipped = importlib.util.find_spec('mplfonts').submodule_search_locations[0]; "  # the project's CJK font
        "assert not any(f.fname.startswith(shipped) for f in font_manager.fontManager.ttflist), 'font registered'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_makefile_targets_are_documented(root):
    text = (root / "Makefile").read_text()
    targets = re.findall(r"^([a-zA-Z_-]+):", text, re.M)
    undocumented = [t for t in targets if not re.search(rf"^{t}:.*## ", text, re.M)]
    assert undocumented == [] and {"report", "test", "help"} <= set(targets)
