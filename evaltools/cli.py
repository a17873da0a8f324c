"""The ``evaltools`` command line (typer). Errors are printed as messages, never tracebacks:
exit 2 for bad input or parameters, 1 for a failed run."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import List, Optional

import typer

from .errors import EvaltoolsError

app = typer.Typer(add_completion=False, no_args_is_help=True, pretty_exceptions_enable=False,
                  help="evaltools — 整体支出绩效自评报告：核验数据、计分评级、生成报告。")


def _fail(exc: BaseException, code: int) -> None:
    typer.echo(f"错误 / error: {exc}", err=True)
    raise typer.Exit(code)


def guarded(fn):
    """Run a command body; EvaltoolsError → its message and exit code, anything else → short message, 1."""
    import functools

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except typer.Exit:
            raise
        except EvaltoolsError as exc:
            _fail(exc, exc.exit_code)
        except KeyboardInterrupt:
            _fail(RuntimeError("interrupted"), 130)
        except Exception as exc:  # an internal error: say so plainly, without a traceback
            if "--debug" in sys.argv:
                raise
            _fail(RuntimeError(f"内部错误 / internal error: {type(exc).__name__}: {exc} "
                               "(run again with --debug for details and report it)"), 1)
    return wrapper


@app.command()
@guarded
def check(year: int = typer.Argument(..., help="年度, e.g. 2022"),
          data_dir: Path = typer.Option(Path("data"), help="数据目录 / data folder"),
          unit: Optional[str] = typer.Option(None, help="单位 (data/<unit>/<year>/)"),
          path: Optional[Path] = typer.Option(None, help="直接指定数据目录或 .xlsx / a folder or workbook")):
    """核验一年的数据，列出全部问题 / validate a year's data and list every problem (exit 2 on errors)."""
    from .load import find_source, inspect_path

    source = path if path is not None else find_source(year, data_dir, unit)
    data, problems = inspect_path(source, expected_year=year)
    for p in problems.items:
        typer.echo(str(p), err=p.severity == "error")
    errors = sum(p.severity == "error" for p in problems.items)
    warnings = len(problems.items) - errors
    typer.echo(f"{source}: {errors} 个错误 / error(s), {warnings} 个警告 / warning(s)")
    if errors:
        raise typer.Exit(2)


@app.command()
@guarded
def template(year: int = typer.Argument(..., help="年度"),
             output: Optional[Path] = typer.Option(None, "--output", "-o", help="输出文件 (default outputs/template-YEAR.xlsx)"),
             unit: Optional[str] = typer.Option(None, help="单位名称，预填到单位概况")):
    """写出空白数据工作簿（含下拉列表）/ write a blank input workbook with drop-down lists."""
    from .workbook import write_template

    target = output or Path("outputs") / f"template-{year}.xlsx"
    write_template(year, target, unit=unit)
    typer.echo(f"已写出 / written: {target}")


@app.command()
@guarded
def evaluate(year: int = typer.Argument(..., help="年度"),
             data_dir: Path = typer.Option(Path("data"), help="数据目录"),
             unit: Optional[str] = typer.Option(None, help="单位"),
             rules: str = typer.Option("qiaoxi2022", help="规则集 (params/rules/<name>.yaml)")):
    """计分、评级并核查，输出 summary JSON / score, grade and audit a year; print the summary as JSON."""
    from .evaluation import evaluate as run_evaluate
    from .load import load_year

    ev = run_evaluate(load_year(year, data_dir, unit), rules)
    typer.echo(json.dumps(ev.to_summary(), ensure_ascii=False, indent=2))


@app.command()
@guarded
def run(years: List[int] = typer.Argument(None, help="年度，可多个 / one or more years"),
        params: Optional[Path] = typer.Option(None, "--params", help="参数文件 params/<job>.yaml"),
        data_dir: Optional[str] = typer.Option(None, help="数据目录"),
        unit: Optional[str] = typer.Option(None, help="单位"),
        rules: Optional[str] = typer.Option(None, help="规则集"),
        output_dir: Optional[str] = typer.Option(None, help="输出目录 (default outputs)"),
        to: Optional[str] = typer.Option(None, "--to", help="输出格式，逗号分隔: html,pdf,xlsx,json"),
        notebook: Optional[Path] = typer.Option(None, help="报告笔记本 (default notebooks/self_evaluation.ipynb)")):
    """生成报告 / run the report notebook and export it to outputs/[unit/]YEAR/."""
    from .params import job_params, job_to_dict, load_job
    from .runner import NOTEBOOK, run_report

    base = job_to_dict(load_job(params)) if params else {}
    overrides = {k: v for k, v in dict(data_dir=data_dir, unit=unit, rules=rules, output_dir=output_dir,
                                       formats=to).items() if v is not None}
    targets = years or [base.get("year", 2022)]
    failed = 0
    for year in targets:
        job = job_params({**base, **overrides, "year": year}, source=str(params or "command line"))
        try:
            result = run_report(job, notebook=notebook or NOTEBOOK)
        except EvaltoolsError as exc:
            failed += 1
            typer.echo(f"✗ {year}: {exc}", err=True)
            if len(targets) == 1:
                raise typer.Exit(exc.exit_code)
            continue
        typer.echo(f"✓ {year}: {result.score:g} 分 {result.grade} → {result.output_dir} ({result.seconds:.1f} s)")
    if failed:
        raise typer.Exit(1)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
