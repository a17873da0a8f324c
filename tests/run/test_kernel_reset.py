"""A kept kernel's reset between two reports (evaltools.run.kernel.reset_shell): what ``%reset -f`` does — the
last notebook's names gone, the output cache empty, the cell count back to 1 — without a full garbage collection
(IPython's %reset makes two, each walking every live object of the kernel). Run in a process of its own: an
IPython shell takes over ``__main__``, which later tests' process pools need."""

from __future__ import annotations

import subprocess
import sys
import textwrap

CHECK = textwrap.dedent(
    """
    import gc
    from IPython.core.interactiveshell import InteractiveShell
    from evaltools.run.kernel import reset_shell

    shell = InteractiveShell.instance()
    shell.run_cell("import math\\nunit = '合成数据单位00000'\\nscore = 85.0\\nrows = [1, 2]")
    shell.execution_count = 7  # as after a notebook's cells
    shell.user_ns["_oh"][6] = shell.user_ns["_6"] = 85.0  # the output cache of a cell whose value was shown
    assert shell.user_ns["unit"] == "合成数据单位00000"
    calls = []
    gc.collect = lambda generation=2: calls.append(generation) or 0
    reset_shell()
    assert calls == [1], calls  # the young generations only: neither of %reset's two full collections
    gone = [name for name in ("math", "unit", "score", "rows", "_6") if name in shell.user_ns]
    assert not gone, gone
    assert not shell.user_ns["_oh"] and shell.execution_count == 1
    assert shell.run_cell("score = 90.0\\nscore").result == 90.0  # the shell works as a new one
    print("ok")
    """
)


def test_reset_shell_empties_the_namespace_like_reset_f():
    done = subprocess.run([sys.executable, "-c", CHECK], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().splitlines()[-1] == "ok"
