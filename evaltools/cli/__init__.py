"""The ``evaltools`` command line (typer). Errors are printed as messages, never tracebacks:
exit 2 for bad input or parameters, 1 for a failed run."""

from __future__ import annotations

import functools
import json
import signal
import sys
from collections.abc import Callable
from pathlib import Path

from evaltools.cli.early import start_kernel_early

start_kernel_early(sys.argv)  # `evaltools run YEAR`: its kernel boots while typer and the commands are imported

import typer  # after the kernel has started, on purpose

from evaltools import __version__
from evaltools.cli.console import (
    Bar,
    BatchProgress,
    list_files,
    print_audit,
    print_failures,
    print_summary,
    say,
    shown,
)
from evaltools.errors import EvaltoolsError, ParamsError, Stopped, visible
from evaltools.params import DEFAULT_RULES, JobParams
from evaltools.report.exporters import documents_help

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    help="evaltools — 绩效自评：核验数据、计分评级、生成报告。",
)
_state = {"debug": False}


def _version(value: bool) -> None:
    if value:
        typer.echo(f"evaltools {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    debug: bool = typer.Option(
        False,
        "--debug",
        help="内部错误时显示回溯 / show the traceback of an "
        "internal error (put it before the command: evaltools --debug run 2022)",
    ),
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="显示版本 / show the version and exit"
    ),
) -> None:
    """evaltools — 绩效自评：核验数据、计分评级、生成报告。"""
    _state["debug"] = debug


def _fail(exc: BaseException, code: int) -> None:
    typer.echo(visible(f"错误 / error: {exc}", keep="\n"), err=True)
    raise typer.Exit(code)


def _stop_on_signal(signum: int, frame: object) -> None:
    """SIGINT and SIGTERM stop the command: both raise :class:`Stopped` (a second one is ignored while the
    first is handled, so that the clean-up ends)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise Stopped(signum)


def _stopped(exc: KeyboardInterrupt) -> None:
    """One line, and the exit code of the signal (130 for Ctrl-C): no traceback."""
    from evaltools.run.stop import quiet_abandoned_tasks

    quiet_abandoned_tasks()  # no asyncio traceback of the killed kernel's cell after this line
    stopped = exc if isinstance(exc, Stopped) else Stopped(signal.SIGINT)
    detail = f": {stopped.detail}" if stopped.detail else ""
    typer.echo(f"已中断 / stopped ({stopped.name}){detail}; 原有输出未改动 / previous outputs unchanged", err=True)
    raise typer.Exit(stopped.exit_code)


_RULES_HELP = (
    "规则集 (params/rules/<name>.yaml)；默认为数据声明的评分规则，未声明时 mof / the rule set; default: the one "
    "the data's profile declares (rules / 评分规则), else mof"
)


def _rules_for(rules: str | None, data: object) -> str:
    """The rule set to score ``data`` with (:func:`evaltools.params.chosen_rules`: explicit > the profile's >
    default); an explicit choice that differs from the data's own is said on stderr."""
    from evaltools.params import chosen_rules

    choice = chosen_rules(rules, getattr(getattr(data, "profile", None), "rules", None))
    if choice.note:
        say(f"注 / note: {choice.note}", err=True)
    return choice.name


def guarded(fn: Callable) -> Callable:
    """Run a command body; EvaltoolsError → its message and exit code, anything else → short message, 1."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except EvaltoolsError as exc:
            _fail(exc, exc.exit_code)
        except KeyboardInterrupt as exc:
            _stopped(exc)
        except Exception as exc:  # an internal error: say so plainly, without a traceback
            if _state["debug"]:
                raise
            _fail(
                RuntimeError(
                    f"内部错误 / internal error: {type(exc).__name__}: {exc} "
                    "(run again as `evaltools --debug …` for the traceback, and report it)"
                ),
                1,
            )

    return wrapper


@app.command()
@guarded
def check(
    year: int = typer.Argument(..., help="年度, e.g. 2022"),
    data_dir: Path = typer.Option(Path(JobParams.data_dir), help="数据目录 / data folder"),
    unit: str | None = typer.Option(None, help="单位 (data/<unit>/<year>/)"),
    path: Path | None = typer.Option(None, help="直接指定数据目录或 .xlsx / a folder or workbook"),
    rules: str | None = typer.Option(None, help=_RULES_HELP),
) -> None:
    """核验一年的数据，列出全部问题 / validate a year's data and list every problem (exit 2 on errors)."""
    from evaltools.data.load import inspect_path
    from evaltools.data.years import check_year
    from evaltools.report.fonts import glyph_check

    with glyph_check():  # characters no font of the report draws are warned about, where they are
        if path is not None:
            source, (data, problems) = path, inspect_path(path, expected_year=year)
        else:  # the year and every earlier year that `run` reads with it
            source, data, problems = check_year(year, data_dir, unit)
    if data is not None:  # scored as a run would score it: what scoring refuses, check refuses
        from evaltools.scoring.contract import evaluation_problems

        problems.extend(evaluation_problems(data, _rules_for(rules, data), source))
    for p in problems.items:
        say(str(p), err=p.severity == "error")
    errors = sum(p.severity == "error" for p in problems.items)
    say(f"{source}: {errors} 个错误 / error(s), {len(problems.items) - errors} 个警告 / warning(s)")
    if errors:
        raise typer.Exit(2)


@app.command()
@guarded
def template(
    year: int = typer.Argument(..., help="年度"),
    output: Path | None = typer.Option(None, "--output", "-o", help="输出文件 (default outputs/template-YEAR.xlsx)"),
    unit: str | None = typer.Option(None, help="单位名称，预填到单位概况"),
    rules: str = typer.Option(DEFAULT_RULES, help="规则集：一级指标下拉列表取其评价框架 / the rule set"),
    force: bool = typer.Option(False, "--force", help="覆盖已有的文件 / overwrite an existing file"),
) -> None:
    """写出空白数据工作簿（含下拉列表）/ write a blank input workbook with drop-down lists. An existing file (a
    workbook someone may have filled in) is never overwritten without --force."""
    from evaltools.data.workbook import write_template

    target = output or Path(JobParams.output_dir) / f"template-{year}.xlsx"
    if (target.exists() or target.is_symlink()) and not force:
        raise ParamsError(
            f"{target} 已存在，可能已填写，未覆盖 / {target} exists (it may have been filled in) and was left as it "
            "is: give another --output, or --force to overwrite it",
            key="output",
        )
    write_template(year, target, unit=unit, rules=rules)
    say(f"已写出 / written: {target}")


@app.command()
@guarded
def evaluate(
    year: int = typer.Argument(..., help="年度"),
    data_dir: Path = typer.Option(Path(JobParams.data_dir), help="数据目录"),
    unit: str | None = typer.Option(None, help="单位"),
    rules: str | None = typer.Option(None, help=_RULES_HELP),
) -> None:
    """计分、评级并核查，输出 summary JSON / score, grade and audit a year; print the summary as JSON."""
    from evaltools.data.load import load_year
    from evaltools.scoring.evaluation import evaluate as run_evaluate

    data = load_year(year, data_dir, unit)
    ev = run_evaluate(data, _rules_for(rules, data))
    typer.echo(json.dumps(ev.to_summary(), ensure_ascii=False, indent=2))


def _split_list(text: str | None) -> list[str]:
    return [x.strip() for x in (text or "").split(",") if x.strip()]


def _formats(to: str | None) -> str | None:
    """``--to html,pdf`` → the formats to write (:func:`evaltools.run.plan.formats_option`)."""
    from evaltools.run.plan import formats_option

    return formats_option(to)


@app.command()
@guarded
def run(
    years: list[int] = typer.Argument(None, help="年度，可多个 / one or more years"),
    all_: bool = typer.Option(
        False, "--all", help="数据目录下的全部单位和年度 / every unit and year under the data folder"
    ),
    units: str | None = typer.Option(
        None, "--units", help="单位，逗号分隔 / units, comma-separated (data/<unit>/<year>/)"
    ),
    unit: str | None = typer.Option(None, help="单位 (data/<unit>/<year>/)"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="同时运行的报告数 / reports run at once"),
    executor: str = typer.Option("process", "--executor", help="批量执行器 / batch executor: process | dask | serial"),
    scheduler: str | None = typer.Option(
        None, "--scheduler", help="Dask 调度器地址 / Dask scheduler address (tcp://host:8786); default: a local cluster"
    ),
    params: Path | None = typer.Option(None, "--params", help="参数文件 params/<job>.yaml"),
    data_dir: str | None = typer.Option(None, help="数据目录"),
    rules: str | None = typer.Option(None, help="规则集"),
    output_dir: str | None = typer.Option(None, help="输出目录 (default outputs)"),
    to: str | None = typer.Option(None, "--to", help="输出格式，逗号分隔: html,pdf,xlsx (summary.json 总是写出)"),
    title: str | None = typer.Option(
        None, "--title", help="报告标题，仅用于一份报告 / the report's title (one report)"
    ),
    document: str | None = typer.Option(None, "--document", help=documents_help()),
    reviewer: str | None = typer.Option(None, "--reviewer", help="复核单位（复核意见落款）/ who signs the review"),
    notebook: Path | None = typer.Option(None, help="笔记本，代替文档自己的 / instead of the document's notebook"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="批量运行时显示进度条 (only on a terminal)"),
    index: bool = typer.Option(True, "--index/--no-index", help="运行后更新 outputs/index.html / refresh the index"),
) -> None:
    """生成报告 / run the report notebook and export it to outputs/<unit>/<year>/ (or outputs/<year>/).

    One year: ``evaltools run 2022``; its 复核意见: ``--document review``. A batch: ``run 2021 2022``, ``--all``,
    ``--units A,B``, ``--jobs 2`` (reports at once, each in its own process), ``--executor dask``;
    a batch ends with a table of every report. Every run refreshes outputs/index.html. Rules: --rules, else the
    params file's, else the data's own (评分规则), else mof. Exit 0: all made; 2: only input errors; else 1.
    """
    from evaltools.run import runner

    if (
        notebook is None
        and len(years or ()) <= 1
        and not (all_ or units or jobs > 1 or executor != "process" or scheduler)
    ):
        runner.prestart()  # one report, likely: its kernel boots while the run is planned (issue 23 item 2)
    from evaltools.params import read_job_file
    from evaltools.paths import usable_input_file
    from evaltools.run.plan import plan_jobs

    if notebook is not None:  # a notebook given: checked before anything runs
        usable_input_file(notebook, "报告笔记本 / the report notebook (.ipynb)", "notebook")
    given = dict(data_dir=data_dir, rules=rules, output_dir=output_dir, formats=_formats(to), title=title)
    given.update(document=document, reviewer=reviewer)
    values = {**(read_job_file(params) if params else {}), **{k: v for k, v in given.items() if v is not None}}
    unit_list = _split_list(units) + ([unit] if unit else [])
    plan = plan_jobs(values, years=years or (), units=unit_list, every=all_, source=str(params or "command line"))
    output, data = plan[0].output_dir, plan[0].data_dir  # one output and one data folder for the whole batch
    if not (all_ or units or len(plan) > 1 or jobs > 1 or executor != "process" or scheduler):
        _run_one(plan[0], notebook)  # exits on failure: the index is refreshed after a report was made
        if index:
            _write_index([], output, data)
        return
    runner.discard_early()  # a batch: each report starts its own kernel
    from evaltools.report.exporters import discard_early_printer

    discard_early_printer()  # and prints in its worker
    from evaltools.run.batch import exit_code, run_batch

    options = dict(jobs_n=jobs, executor=executor, scheduler=scheduler, notebook=notebook)
    results = _batch_with_progress(run_batch, plan, options, progress and sys.stderr.isatty())
    print_summary(results, output)
    if index:
        _write_index(results, output, data)
    code = exit_code(results)
    if code:
        raise typer.Exit(code)


def _write_index(results: list, output: str, data: str) -> None:
    """Refresh OUTPUT/index.html after a run (single or batch: never left showing an earlier run's grade)."""
    from evaltools.report.index import write_index

    try:
        written = write_index(results, output, data_dir=data)
        _said_index(written)
    except Exception as exc:  # noqa: BLE001 - the reports are written; say why the index is not
        say(f"错误 / error: 索引未写出 / index not written: {type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from None


def _batch_with_progress(run_batch: Callable, jobs: list[JobParams], options: dict, progress: bool) -> list:
    """The batch under a progress bar; stopped, it says how many reports were done."""
    with BatchProgress(len(jobs), progress) as bar:
        try:
            return run_batch(jobs, on_done=bar.report, **options)
        except KeyboardInterrupt as exc:
            signum = exc.signum if isinstance(exc, Stopped) else signal.SIGINT
            done = f"{bar.done}/{bar.total} 个报告已完成，其余已停止 / {bar.done} of {bar.total} reports done, the others stopped"
            raise Stopped(signum, done) from None


def _run_one(job: JobParams, notebook: Path | None) -> None:
    """One report in this process, as before batches existed: a ✓ line, or the error and its exit code."""
    from evaltools.run.runner import run_report

    label = f"{job.unit}/{job.year}" if job.unit else str(job.year)
    try:
        result = run_report(job, notebook=notebook)
    except EvaltoolsError as exc:
        typer.echo(visible(f"✗ {label}: {exc}", keep="\n"), err=True)
        raise typer.Exit(exc.exit_code) from None
    say(f"✓ {label}: {result.total_text}，{result.counts_text} → {shown(result.output_dir)} ({result.seconds:.1f} s)")
    for warning in result.warnings:
        typer.echo(visible(f"⚠ {label}: {warning}", keep="\n"), err=True)
    for note in result.notes:
        typer.echo(visible(f"注 / note {label}: {note}", keep="\n"), err=True)
    list_files(result.files)


@app.command()
@guarded
def index(output_dir: Path = typer.Argument(Path(JobParams.output_dir), help="输出目录 / output folder")) -> None:
    """重写报告索引 / rewrite OUTPUT_DIR/index.html from every summary.json under it."""
    from evaltools.paths import usable_folder
    from evaltools.report.index import write_index

    _said_index(write_index(usable_folder(output_dir, "输出目录 / the output folder", "output_dir")))


def _said_index(written: Path) -> None:
    """The index written, and each summary.json it skipped as not a regular file (a named pipe …)."""
    from evaltools.report.index import skipped

    for line in skipped(written.parent):
        say(f"⚠ 索引已跳过 / the index skipped {line}", err=True)
    say(f"索引 / index: {shown(written)}  打开 / open: {written.resolve().as_uri()}")


@app.command()
@guarded
def synthetic(
    out_dir: Path = typer.Argument(..., help="输出的数据目录 / data folder to write (OUT/<unit>/<year>/)"),
    units: int = typer.Option(3, "--units", min=1, help="单位数 / number of units"),
    years: int = typer.Option(4, "--years", min=1, help="年度数 / number of years"),
    indicators: int = typer.Option(
        12, "--indicators", help="每个项目的计分指标数 / scored indicators per project (3–60)"
    ),
    seed: int = typer.Option(0, "--seed", help="随机种子：同一种子写出相同的数据 / random seed"),
    start_year: int = typer.Option(2020, "--start-year", help="第一个年度 / first year"),
    rules: str = typer.Option(DEFAULT_RULES, help="发布得分和等级所用的规则集 / rule set for the published grades"),
    kinds: str = typer.Option(
        "department_projects",
        "--kinds",
        help="报告类型，逗号分隔，依次分给各单位 / report kinds given to the units in turn: "
        "department_projects, department, project, department_full, projects",
    ),
) -> None:
    """写出合成数据（合成数据，仅供演示）/ write synthetic data in the input format, every year checked."""
    from evaltools.paths import usable_folder
    from evaltools.run.synthetic import generate

    result = generate(
        usable_folder(out_dir, "数据目录 / the data folder", "out_dir"),
        units=units,
        years=years,
        indicators=indicators,
        seed=seed,
        start_year=start_year,
        rules=rules,
        kinds=tuple(_split_list(kinds)),
    )
    for folder in result.units:
        say(f"{out_dir / folder}: {result.years[0]}–{result.years[-1]}（{result.names[folder]}）")
    typer.echo(
        f"已写出 / written: {len(result.jobs)} 个单位年度 / unit-years, 均已通过核验 / all pass `evaltools check`. "
        f"运行 / run: evaltools run --all --data-dir {out_dir}"
    )


def _output_dir(output_dir: Path | None, to: Path | None, default: Path | None) -> Path:
    """The output folder of import / audit: ``--output-dir``; ``--to``, its former name there, still works with a
    one-line notice (``--to`` is the formats in ``run``: one option name, one meaning — issue 24 item 3)."""
    if to is not None:
        if output_dir is not None and output_dir != to:
            raise ParamsError("--to 是 --output-dir 的旧名，只给 --output-dir / give --output-dir only", key="to")
        typer.echo(
            "注 / note: --to 已改名为 --output-dir / --to is now --output-dir (the old name still works)", err=True
        )
    chosen = output_dir or to or default
    if chosen is None:
        raise ParamsError("缺少输出目录 / the output folder is required: --output-dir FOLDER", key="output_dir")
    return chosen


@app.command("import")
@guarded
def import_forms(
    paths: list[Path] = typer.Argument(
        ..., help="自评表文件或文件夹（.xlsx、.docx，含子文件夹）/ form files or folders"
    ),
    output_dir: Path | None = typer.Option(
        None, "--output-dir", help="输出目录：每张自评表一个 CSV 文件夹 / one CSV folder per form here"
    ),
    to: Path | None = typer.Option(None, "--to", hidden=True, help="旧名，同 --output-dir / old name of --output-dir"),
    force: bool = typer.Option(
        False, "--force", help="覆盖上次导入后改动过的文件 / overwrite files changed since the last import"
    ),
) -> None:
    """读取填好的自评表，每张表写成一个可核对的 CSV 文件夹 / read filled-in forms into CSV folders to check.

    Reads 项目支出绩效自评表 and 部门整体支出绩效自评表 from .xlsx (a form per sheet) and .docx (a form per
    table); a legacy .doc / .xls / .et file is refused with how to save it. Exit 2 when a form cannot be read.
    The output folder may not be in, on or above the forms' folder; a re-import never overwrites files changed
    since the last import wrote them (.evaltools-output.json records them) unless --force.
    """
    from evaltools.data.forms.layouts import FORM_KINDS
    from evaltools.run.importer import import_to

    result = import_to(paths, _output_dir(output_dir, to, None), force=force)
    for form, folder in result.folders:
        data = form.data
        what = FORM_KINDS.get(form.kind, form.kind)
        name = "" if form.kind == "department" else f"「{data.projects['project'].iloc[0]}」"
        say(
            f"✓ {shown(Path(form.source))}{', ' + form.part if form.part else ''}: {what}{name} "
            f"{data.unit} {data.year} 年度，{len(data.indicators)} 项指标 → {shown(folder)}"
        )
    print_failures(result.failures)
    say(
        f"读取 {len(result.folders)} 张自评表，{len(result.failures)} 个无法读取 / "
        f"{len(result.folders)} form(s) read, {len(result.failures)} unreadable"
        + (f"; 清单 / list: {shown(result.index)}" if result.index else "")
    )
    if result.failures:
        raise typer.Exit(2)


@app.command()
@guarded
def audit(
    paths: list[Path] = typer.Argument(..., help="自评表文件或文件夹（可嵌套，xlsx 与 docx 混合）/ forms or folders"),
    output_dir: Path | None = typer.Option(
        None, "--output-dir", help="输出目录 / output folder (default outputs/audit)"
    ),
    to: Path | None = typer.Option(None, "--to", hidden=True, help="旧名，同 --output-dir / old name of --output-dir"),
    rules: str = typer.Option(DEFAULT_RULES, help="规则集 (params/rules/<name>.yaml)"),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="同时处理的进程数 / worker processes"),
    executor: str = typer.Option("process", "--executor", help="执行器 / executor: process | dask | serial"),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask 调度器地址 / Dask scheduler address"),
    progress: bool = typer.Option(True, "--progress/--no-progress", help="显示进度条 (only on a terminal)"),
) -> None:
    """批量核查自评表：逐张读取、计分、核查，写出一张核查结果表 / audit every form under the folders given.

    Writes findings.html (most serious first, each finding linked to its form and cell — the audit's and the
    reading's warnings), findings.xlsx and CSV files (forms.csv: per form what was read, what is unknown and
    why), and prints the counts by finding code and by unit and the counts line of findings.html. A form that
    cannot be read is listed with the reason and does not stop the others; the exit code is 2 when any could
    not be read. A few files are read in this process whatever --jobs (workers start only for more).
    The output folder may not be in, on or above a folder audited; folders evaltools wrote are skipped (named);
    a file identical to another is audited and counted once (a FORM_DUPLICATE warning at the copy).
    """
    from evaltools.report.audit_table import FILES
    from evaltools.run.audit import audit_output, find_files, run_audit, write_audit

    out = audit_output(paths, _output_dir(output_dir, to, Path(JobParams.output_dir) / "audit"))
    with Bar("自评表文件", len(find_files(paths).files), progress and sys.stderr.isatty()) as bar:
        result = run_audit(paths, rules, jobs_n=jobs, executor=executor, scheduler=scheduler, on_done=bar.advance)
    for folder in result.skipped:  # an earlier audit's or an import's output: its files are not forms
        say(
            f"注 / note: 已跳过 evaltools 写出的目录 / skipped a folder evaltools wrote: {shown(Path(folder))}",
            err=True,
        )
    for f in result.duplicates.itertuples(index=False):
        say(f"⚠ {shown(Path(f.file))}: {f.message}", err=True)
    print_audit(result)
    written = write_audit(result, out)
    typer.echo("已写出 / written:")
    for path in written:
        say(f"  {shown(path)}  {FILES.get(path.name, '')}".rstrip())
    say(f"打开 / open: {written[0].resolve().as_uri()}")
    if len(result.unreadable):
        raise typer.Exit(2)


@app.command()
@guarded
def review(
    paths: list[Path] = typer.Argument(
        ...,
        help="自评表文件夹（可嵌套，xlsx 与 docx）和/或多单位数据集文件夹 / folders of forms and/or dataset folders",
    ),
    to: Path | None = typer.Option(None, "--to", help="输出目录 / the output folder (复核报告, 复核底稿, 清单)"),
    output_dir: Path | None = typer.Option(None, "--output-dir", hidden=True, help="同 --to / the same as --to"),
    scores: Path | None = typer.Option(
        None, "--scores", help="填好的复核底稿文件夹，读回复核得分 / the filled 复核底稿 folder, read back"
    ),
    prior: Path | None = typer.Option(
        None, "--prior", help="上年度复核输出（复核问题清单、整改台账）/ last year's review output"
    ),
    rulebook: str = typer.Option("bureau", "--rulebook", help="复核规则 params/review/<name>.yaml 或文件 / rule book"),
    seed: int | None = typer.Option(None, "--seed", help="抽样随机数种子（默认取复核规则的）/ the sample's seed"),
    rules: str = typer.Option(DEFAULT_RULES, help="评分规则 (params/rules/<name>.yaml)"),
    formats: str | None = typer.Option(None, "--formats", help="报告格式 / report formats: html,pdf (default both)"),
    reviewer: str | None = typer.Option(None, "--reviewer", help="复核单位（报告落款）/ who signs the review"),
    title: str | None = typer.Option(None, "--title", help="报告标题 / the report's title"),
    worksheets: str = typer.Option(
        "sample", "--worksheets", help="为哪些自评表写复核底稿 / which forms get a 复核底稿: sample | all | none"
    ),
    per: str = typer.Option("form", "--per", help="复核底稿每张表一本或每个单位一本 / one workbook per form | unit"),
    opinions: int = typer.Option(
        0, "--opinions", min=0, help="写出风险最高的 N 个数据集单位的复核意见并链接 / write N units' 复核意见"
    ),
    force: bool = typer.Option(
        False, "--force", help="覆盖上次复核后已填写或改动的文件 / overwrite files changed since the last review"
    ),
    jobs: int = typer.Option(1, "--jobs", "-j", min=1, help="读取自评表的进程数 / worker processes reading forms"),
    executor: str = typer.Option("process", "--executor", help="执行器 / executor: process | dask | serial"),
    scheduler: str | None = typer.Option(None, "--scheduler", help="Dask 调度器地址 / Dask scheduler address"),
) -> None:
    """财政部门复核一个年度的全部自评结果 / the bureau's review of a year's self-evaluations.

    Reads every form under the folders given (and each dataset folder: units.csv …) in ONE scoring and audit pass,
    adds the cross-form red flags, triages every form by risk, draws a seeded stratified sample and writes the
    复核报告 (HTML, PDF), the 复核底稿 folder (one workbook per sampled form, 复核得分 to fill in), 复核问题清单.xlsx,
    整改台账.xlsx and 复核汇总.xlsx. --scores FOLDER reads the filled 复核底稿 back (reviewers' scores, 偏离度 from them, deduction
    consistency); --prior FOLDER reads last year's 复核问题清单 / 整改台账 (persistence). The output folder may not
    be in, on or above an input folder. Exit 2 on bad input (nothing written), or, the report written, when a
    form could not be read (listed in the report and on stderr, as the audit does).
    """
    from evaltools.cli.console import print_review
    from evaltools.report.bureau.export import formats_given
    from evaltools.run.review import run_review

    if to is not None and output_dir is not None and to != output_dir:
        raise ParamsError("--to 与 --output-dir 是同一个选项，只给一个 / give --to only", key="to")
    out = to or output_dir
    if out is None:
        raise ParamsError("缺少输出目录 / the output folder is required: --to FOLDER", key="to")
    result = run_review(
        paths,
        out,
        scores=scores,
        prior=prior,
        rulebook=rulebook,
        seed=seed,
        rules=rules,
        formats=formats_given(formats),
        reviewer=reviewer,
        title=title,
        worksheets=worksheets,
        per=per,
        opinions=opinions,
        force=force,
        jobs_n=jobs,
        executor=executor,
        scheduler=scheduler,
    )
    print_review(result)
    if len(result.review.source.failures):  # as the audit: the report is written, the unreadable forms listed
        raise typer.Exit(2)


def main() -> None:
    signal.signal(signal.SIGINT, _stop_on_signal)
    signal.signal(signal.SIGTERM, _stop_on_signal)
    app()


if __name__ == "__main__":
    main()
