"""The report's kernel (and its PDF process) started at the very start of ``evaltools run YEAR`` (issue 23 item 2).

A single report waits for its kernel: the kernel's start and its imports are the longest stage of the run. The
command line used to start it (:func:`evaltools.run.kernel.prestart`) once typer, the console and the commands
were imported and the arguments parsed — about 0.3 s after the process started. Here it is started before those
imports, from the raw arguments: the kernel then boots on the other core while this process imports typer.

Only a command line that is surely one report starts it (:func:`single_run`); any other leaves it to the
``run`` command, which starts it as before when the parsed options say one report, and discards it for a batch.
A kernel started here and not taken is shut down when the process ends (prestart's own rule)."""

from __future__ import annotations

import os
from collections.abc import Sequence

#: ``run``'s options that take a value (``--to html`` or ``--to=html``).
VALUE_OPTIONS = frozenset(
    {
        "--units",
        "--unit",
        "--jobs",
        "-j",
        "--executor",
        "--scheduler",
        "--params",
        "--data-dir",
        "--rules",
        "--output-dir",
        "--to",
        "--title",
        "--document",
        "--reviewer",
        "--notebook",
    }
)
#: Options after which the run may be a batch, another notebook or no run at all: the kernel is left to ``run``.
NOT_EARLY = frozenset({"--all", "--units", "--jobs", "-j", "--executor", "--scheduler", "--notebook", "--help"})


def single_run(args: Sequence[str]) -> bool:
    """Whether the arguments (without the program) are surely one report: ``[--debug] run [YEAR] [options]``
    with at most one year and none of :data:`NOT_EARLY` (``-j1`` and the like count as not sure)."""
    i = 0
    while i < len(args) and args[i] == "--debug":
        i += 1
    if i >= len(args) or args[i] != "run":
        return False
    years, rest, j = 0, args[i + 1 :], 0
    while j < len(rest):
        token = rest[j]
        name = token.split("=", 1)[0]
        if name in NOT_EARLY or (token.startswith("-j") and token != "-j"):
            return False
        if token.startswith("-"):
            j += 2 if name in VALUE_OPTIONS and "=" not in token else 1
            continue
        years += 1
        j += 1
    return years <= 1


def wants_pdf(args: Sequence[str]) -> bool:
    """Whether a single run's arguments ask for a PDF: ``--to`` naming pdf, or no ``--to`` and no ``--params`` file
    (the default formats have pdf; a params file may name others)."""
    for i, token in enumerate(args):
        if token == "--to" and i + 1 < len(args):
            return "pdf" in [x.strip() for x in args[i + 1].split(",")]
        if token.startswith("--to="):
            return "pdf" in [x.strip() for x in token[len("--to=") :].split(",")]
    return "--params" not in args and not any(t.startswith("--params=") for t in args)


def start_kernel_early(argv: Sequence[str]) -> bool:
    """Start the report's kernel now (:func:`~evaltools.run.kernel.prestart`) when ``argv`` is the ``evaltools``
    command (its script, or ``python -m evaltools.cli`` while the module is being found: argv[0] is ``-m``) of a
    single report; returns whether it did. Importing the command line from elsewhere (tests) starts nothing."""
    if not argv or os.path.basename(argv[0]) not in ("evaltools", "-m") or not single_run(argv[1:]):
        return False
    from evaltools.run.kernel import prestart

    prestart()
    if wants_pdf(argv[1:]):  # its PDF process too: WeasyPrint imported and rehearsed long before the page is made
        from evaltools.report.exporters import start_printer_early

        start_printer_early()
    return True


__all__ = ["single_run", "wants_pdf", "start_kernel_early", "VALUE_OPTIONS", "NOT_EARLY"]
