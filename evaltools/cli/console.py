"""What the command line shows: lists of written files, the audit's tables, progress bars and the batch's
closing table. Only the CLI prints (tests/test_architecture.py); every name from the data is shown as written
(rich Text or :func:`evaltools.errors.visible`), never read as markup."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from evaltools.errors import visible
from evaltools.report.exporters import DOCUMENTS

if TYPE_CHECKING:
    from rich.console import Console

    from evaltools.run.audit import AuditResult
    from evaltools.run.jobs import BatchResult
    from evaltools.run.review import ReviewRun


def say(text: str, err: bool = False) -> None:
    """One line of output: every invisible or control character in it (a newline or ``\r`` in a file name, an
    ANSI escape, a right-to-left override) written as ``<U+000A>``, so that no name from the data or a file name
    can start a line of its own (a forged "✓ …"), move the cursor or reorder the line."""
    typer.echo(visible(text), err=err)


def shown(path: Path) -> str:
    """``path`` relative to the current folder when it is below it (as a user would type it), else as is."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def list_files(files: Sequence[Path]) -> None:
    """The files a run wrote, what each is for, and how to open the report."""
    from rich.cells import cell_len  # the display width: a Chinese character takes two columns

    from evaltools.labels import OUTPUT_FILE

    described = {**{k: v for d in DOCUMENTS.values() for k, v in d.describes.items()}, **OUTPUT_FILE}
    order = list(described)
    ranked = sorted(files, key=lambda f: order.index(f.name) if f.name in order else len(order))
    width = max((cell_len(visible(shown(f))) for f in ranked), default=0)
    typer.echo("已写出 / written:")
    for f in ranked:
        name = visible(shown(f))
        say(f"  {name}{' ' * (width - cell_len(name))}  {described.get(f.name, '')}".rstrip())
    page = next((f for f in ranked if f.suffix == ".html"), None)
    if page is not None:
        say(f"打开 / open: {Path(page).resolve().as_uri()}")


def print_failures(failures: Sequence, limit: int = 5) -> None:
    """Each form that could not be read: where, and its problems (at most ``limit`` each), on stderr."""
    for f in failures:
        where = f"{shown(Path(f.source))}{', ' + f.part if f.part else ''}"
        problems = [str(p) for p in f.problems]
        say(f"✗ {where}: {f.reason if len(problems) <= 1 else ''}".rstrip(), err=True)
        for text in problems[:limit] if len(problems) > 1 else []:
            say(f"    {text}", err=True)
        if len(problems) > limit:
            typer.echo(f"    … 另有 {len(problems) - limit} 处 / {len(problems) - limit} more", err=True)


def print_audit(result: AuditResult) -> None:
    """Counts by finding code and by unit and the counts line of findings.html (stdout), then every form that
    could not be read (stderr)."""
    from rich.table import Table
    from rich.text import Text

    console = new_console()
    from evaltools.report.audit_table import shown_table

    for title, frame in (("按类别 / by finding code", result.by_code()), ("按单位 / by unit", result.by_unit())):
        frame = shown_table(frame)  # Chinese titles and severities, as findings.xlsx (issue 20 item 9: no raw code)
        table = Table(title=title)
        for column in frame.columns:
            table.add_column(str(column), justify="right" if frame[column].dtype.kind in "iuf" else "left")
        for row in frame.itertuples(index=False):  # Text: a name like "[/]" is shown, never read as markup
            table.add_row(*[Text(visible(str(v))) for v in row])
        console.print(table)
    bad = result.unreadable
    say(result.summary())  # one line, never wrapped: findings.html shows the same
    for f in bad.itertuples(index=False):
        part = f", {f.part}" if isinstance(f.part, str) and f.part else ""
        print(visible(f"✗ {shown(Path(f.file))}{part}: {f.message}"), file=sys.stderr, flush=True)


class Bar:
    """A rich progress bar on stderr titled ``label`` (silent when not enabled or nothing to do)."""

    def __init__(self, label: str, total: int, enabled: bool, described: bool = False, eta: bool = False):
        self.bar = None
        if enabled and total:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            columns = [TextColumn(f"[bold]{label}[/bold]"), BarColumn(), MofNCompleteColumn()]
            columns += [TextColumn("{task.description}")] if described else []
            columns += [TimeElapsedColumn()]
            columns += [TextColumn("预计剩余 / left"), TimeRemainingColumn(elapsed_when_finished=True)] if eta else []
            self.bar = Progress(*columns, console=Console(stderr=True), transient=False)
            self.task = self.bar.add_task("", total=total)

    def __enter__(self):
        if self.bar is not None:
            self.bar.start()
        return self

    def __exit__(self, *exc):
        if self.bar is not None:
            self.bar.stop()

    def advance(self, n: int = 1, description: str | None = None) -> None:
        if self.bar is not None:
            self.bar.update(self.task, advance=n, **({} if description is None else {"description": description}))


# ----------------------------------------------------------------------------- batch progress and closing table


class BatchProgress(Bar):
    """Reports of a batch: done / failed / remaining, and the time left at the pace so far. Without a terminal (a
    log file, a scheduler's job), a batch of :data:`LOG_FROM` reports or more says the same in a line at every
    tenth done."""

    LOG_FROM = 20

    def __init__(self, total: int, enabled: bool):
        self.total, self.done, self.failed = total, 0, 0
        self.started, self.logged = time.perf_counter(), 0
        self.log = not enabled and total >= self.LOG_FROM
        super().__init__("报告", total, enabled, described=True, eta=True)
        self.advance(0, self._text())

    def _text(self) -> str:
        remaining = self.total - self.done
        return f"[green]✓ {self.done - self.failed}[/green] [red]✗ {self.failed}[/red] 剩余 remaining {remaining}"

    def report(self, result: BatchResult) -> None:
        self.done += 1
        self.failed += not result.ok
        self.advance(1, self._text())
        if self.log and (self.done * 10 // self.total > self.logged or self.done == self.total):
            self.logged = self.done * 10 // self.total
            print(self.line(time.perf_counter() - self.started), file=sys.stderr, flush=True)

    def line(self, elapsed: float) -> str:
        """报告 120/1000（✗ 2），用时 3 分 10 秒，预计剩余 23 分 / … left at this pace."""
        left = elapsed / self.done * (self.total - self.done) if self.done else float("nan")
        return (
            f"报告 / reports {self.done}/{self.total}（✗ {self.failed}），用时 / elapsed {_duration(elapsed)}，"
            f"预计剩余 / left {_duration(left) if self.done < self.total else '0 秒'}"
        )


def _duration(seconds: float) -> str:
    """12 秒, 3 分 10 秒, 1 小时 5 分 (— when unknown)."""
    if seconds != seconds:
        return "—"
    s = int(round(seconds))
    if s < 60:
        return f"{s} 秒"
    if s < 3600:
        return f"{s // 60} 分 {s % 60} 秒"
    return f"{s // 3600} 小时 {s % 3600 // 60} 分"


def new_console(stderr: bool = False) -> Console:
    from rich.console import Console

    interactive = (sys.stderr if stderr else sys.stdout).isatty()
    return Console(
        stderr=stderr, width=None if interactive else max(120, int(os.environ.get("COLUMNS", 0) or 0)), highlight=False
    )


def print_summary(
    results: Sequence[BatchResult],
    output_dir: str | Path | None = None,
    console: object | None = None,
    errors_to: object | None = None,
) -> None:
    """The closing table on stdout, then every failure in full on stderr (no tracebacks)."""
    from evaltools.run.batch import summary_table

    console = console or new_console()
    console.print(summary_table(results, output_dir))
    ok = sum(r.ok for r in results)
    console.print(
        f"完成 {ok}/{len(results)}，失败 {len(results) - ok} / {ok} of {len(results)} succeeded, "
        f"{len(results) - ok} failed"
    )
    err = errors_to or sys.stderr
    for r in results:  # in full, unwrapped, as plain text (no markup is read from data)
        if not r.ok:
            print(visible(f"✗ {r.label}: {r.error}", keep="\n"), file=err, flush=True)
    shared = shared_warnings(results)
    for warning in shared:  # a warning of the data every unit shares (units.csv, the profile): said once
        print(
            visible(f"⚠ 全部 {len(results)} 个报告 / all {len(results)} reports: {warning}", keep="\n"),
            file=err,
            flush=True,
        )
    for r in results:
        for warning in (w for w in r.warnings if w not in shared):
            print(visible(f"⚠ {r.label}: {warning}", keep="\n"), file=err, flush=True)


def shared_warnings(results: Sequence[BatchResult]) -> tuple[str, ...]:
    """The warnings every one of several reports carries (in the first report's order): a warning of what all
    units share, listed once below the closing table rather than once per unit."""
    if len(results) < 2:
        return ()
    others = [set(r.warnings) for r in results[1:]]
    return tuple(w for w in dict.fromkeys(results[0].warnings) if all(w in o for o in others))


def print_review(result: ReviewRun) -> None:
    """What ``evaltools review`` found (one line each: coverage, findings, sample) and the files it wrote."""
    from evaltools.report.bureau.export import BUREAU
    from evaltools.report.bureau.summary import summary_lines

    for line in summary_lines(result.review):
        say(line)
    failures = result.review.source.failures
    for f in failures.itertuples(index=False):
        say(f"✗ {f.file}{', ' + f.part if f.part else ''}: {f.reason}", err=True)
    typer.echo("已写出 / written:")
    for path in result.files:
        say(f"  {shown(path)}  {BUREAU.describes.get(path.name, '')}".rstrip())
    page = next((f for f in result.files if f.suffix == ".html"), None)
    if page is not None:
        say(f"打开 / open: {Path(page).resolve().as_uri()}")
    say(f"用时 / took {result.seconds:.1f} s")
