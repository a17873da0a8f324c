"""After the notebook ran, before anything is exported: a report is made only from a notebook whose cells
all delivered their outputs and whose kernel logged no error.

papermill fails a run when a cell raises. It does not notice a kernel that lost messages: a cell whose
display never arrived is simply empty, and errors the kernel printed outside any cell (such as
``ValueError: DELIM not in msg_list``) only reach its log or a stderr stream. Each of these fails the
run here (exit 1), with the executed notebook kept as ``report.failed.ipynb``.
"""

from __future__ import annotations

import ast
import os
from pathlib import Path
from typing import TYPE_CHECKING

from evaltools.errors import RunError

if TYPE_CHECKING:
    from nbformat import NotebookNode

#: What the kernel writes (to its log, or as a stderr stream in a cell) when it received a broken message
#: or failed outside the cell being run.
KERNEL_ERRORS = ("DELIM not in msg_list", "Invalid Message", "Traceback (most recent call last)")
_SHOWN = ("execute_result", "display_data")


def _expects_output(source: str) -> bool:
    """Whether a cell ends in an expression whose value Jupyter displays (not ``print(…)`` or ``x = …``)."""
    try:
        body = ast.parse(source).body
    except SyntaxError:  # IPython syntax (magics): not ours to judge
        return False
    if not body or not isinstance(body[-1], ast.Expr):
        return False
    value = body[-1].value
    return not (isinstance(value, ast.Call) and getattr(value.func, "id", None) in ("print", "display"))


def notebook_problems(nb: NotebookNode) -> list[str]:
    """Error outputs, kernel errors in stderr streams, and cells that should show a value but show nothing."""
    out = []
    cells = [c for c in nb.cells if c.cell_type == "code"]
    for n, cell in enumerate(cells, start=1):
        where = f"cell {cell.get('execution_count') or n}"
        for o in cell.get("outputs", []):
            if o.get("output_type") == "error":
                out.append(f"{where}: {o.get('ename')}: {o.get('evalue')}")
            elif o.get("output_type") == "stream" and any(m in o.get("text", "") for m in KERNEL_ERRORS):
                out.append(f"{where}: the kernel wrote an error: {_tail(o.get('text', ''))}")
        if _expects_output(cell.source) and not any(o.get("output_type") in _SHOWN for o in cell.get("outputs", [])):
            out.append(f"{where}: no output arrived from the kernel (`{cell.source.strip()[:60]}`)")
    return out


def log_problems(log: Path, since: int = 0) -> list[str]:
    """Kernel errors in the kernel's own log (its stdout and stderr), from byte ``since`` on (a kernel kept for a
    batch: what it wrote during this report)."""
    try:
        with open(log, "rb") as handle:
            handle.seek(since)
            text = handle.read().decode("utf-8", errors="replace")
    except OSError:
        return []
    return [f"the kernel's log: {_tail(text)}"] if any(m in text for m in KERNEL_ERRORS) else []


def _tail(text: str, lines: int = 3) -> str:
    return " | ".join(x.strip() for x in text.strip().splitlines()[-lines:])


def kernel_failure(nb: NotebookNode, log: Path, final: Path, stage: Path, since: int = 0) -> None:
    """Raise RunError when :func:`notebook_problems` or :func:`log_problems` (from byte ``since``) find anything;
    the executed notebook is then kept at ``final/report.failed.ipynb`` (as for a cell that raised)."""
    problems = notebook_problems(nb) + log_problems(log, since)
    if not problems:
        return
    import nbformat

    final.mkdir(parents=True, exist_ok=True)
    kept = final / "report.failed.ipynb"
    tmp = stage / "report.failed.ipynb"
    nbformat.write(nb, str(tmp))
    os.replace(tmp, kept)
    raise RunError(
        "报告笔记本的输出不完整 / the notebook's outputs are incomplete: "
        + "; ".join(problems[:5])
        + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else "")
        + f" (executed notebook kept at {kept})",
        notebook=str(kept),
    )
