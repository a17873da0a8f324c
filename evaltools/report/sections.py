"""The report's content: one function per notebook cell, each returning displayable HTML.

``prepare(...)`` loads the year, evaluates it and builds the view of the report once; the
section functions render it with Jinja2 (autoescape on: every string from the data is escaped).
The notebook ``notebooks/self_evaluation.ipynb`` calls these and nothing else.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.discover import discover, find_source, years_read
from evaltools.errors import InputError
from evaltools.params import HANDOVER_ENV, JobParams, chosen_rules, handover_key, job_params, job_to_dict
from evaltools.paths import resolve_data_dir
from evaltools.report.view import build_view
from evaltools.scoring.evaluation import Evaluation, evaluate
from evaltools.scoring.rules import RuleSet, load_rules

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    from evaltools.report.page_style import template_cache

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES / "report")),
        bytecode_cache=template_cache(),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=fmt.page_finalize,  # invisible / bidi characters shown as ⟨U+202E⟩ on every page (issue 22)
    )
    env.filters.update(pct=fmt.pct, wan=fmt.wan, num=fmt.num, score=fmt.score, signed=fmt.signed, share=fmt.share)
    return env


def render_template(name: str, **values: object) -> str:
    """Render the template ``name`` of ``templates/report/`` (the 核查清单 page) with the report's filters."""
    return _env().get_template(name).render(**values)


class Html:
    """A piece of report HTML; Jupyter displays it as text/html, so nbconvert exports it as is."""

    def __init__(self, html: str):
        self.html = str(html)

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


@dataclass(frozen=True)
class ReportContext:
    """What the report cells share: the parameters, the evaluation and the view built from it."""

    params: JobParams
    ev: Evaluation
    history: pd.DataFrame
    view: SimpleNamespace = field(repr=False)


def history(
    params: JobParams,
    rules: RuleSet,
    current: Evaluation | None = None,
    evaluate_year: Callable[[int], Evaluation] | None = None,
) -> pd.DataFrame:
    """Totals of every year of this unit found in the data folder up to ``params.year`` (for trends);
    ``current`` is reused for the report's own year. An earlier year whose data has errors is left out
    (its own report names them; the trend shows the years that load). The years of a unit in a many-unit
    folder (data/<year>/units.csv) are found too. ``evaluate_year(year)`` evaluates an earlier year (default:
    ``evaluate(load_year(year, …, with_previous=False), rules)``; a batch's session gives its year evaluated once)."""
    root = resolve_data_dir(params.data_dir)
    listed = {y for u, y in discover(root) if u == params.unit and y <= params.year}
    years = sorted(listed | set(years_read(params.year, params.data_dir, params.unit)))
    rows = []
    for year in years:
        if current is not None and year == current.year:
            ev = current
        else:
            try:
                ev = evaluate_year(year) if evaluate_year else _evaluate_alone(year, params, rules)
            except InputError:
                continue
        d = ev.data
        # an unknown amount makes the year's sum unknown, not the sum of the rest (issue 20 item 2)
        spent, budget = (
            d.budget_lines[c].sum(min_count=len(d.budget_lines)) + d.projects[c].sum(min_count=len(d.projects))
            for c in ("spent", "budget")
        )
        rows.append(
            {
                "year": year,
                "spent": spent,
                "budget": budget,
                "execution_rate": spent / budget if budget and budget == budget else np.nan,
                "score": ev.total.score,
            }
        )
    return pd.DataFrame(rows, columns=["year", "spent", "budget", "execution_rate", "score"])


def _evaluate_alone(year: int, params: JobParams, rules: RuleSet) -> Evaluation:
    """``evaluate(load_year(year, …, with_previous=False), rules)``: an earlier year of the trend. The loaders are
    imported here, not with this module: a report's kernel handed the evaluation (and a one-year trend) reads no
    data, and importing them (openpyxl, the form readers …) was a tenth of its start-up."""
    from evaltools.data.load import load_year

    return evaluate(load_year(year, params.data_dir, params.unit, with_previous=False), rules)


def dataset_label(source: Path, data_dir: str | Path) -> str:
    """数据来源 as a shared report may print it: the folder or workbook relative to the data folder
    (数据文件夹 2022/, 数据工作簿 单位甲/2022.xlsx), never a local absolute path."""
    root = resolve_data_dir(data_dir).resolve()
    path = Path(source).resolve()
    try:
        rel = path.relative_to(root).as_posix()
    except ValueError:  # not under the data folder: its own name only
        rel = path.name
    return f"数据工作簿 {rel}" if path.suffix.lower() == ".xlsx" else f"数据文件夹 {rel}/"


_handovers: dict[tuple, tuple] = {}
_reading = threading.Lock()
_prepared = threading.Event()


def _read_handover(path: str) -> tuple:
    """``(key, evaluation, charts, history)`` the runner left at ``path`` (read once per kernel); ``charts`` are the
    notebook's charts it asks to be drawn as soon as the evaluation is here (:func:`watch_handover`), ``history``
    the trend's years when it made them too (a batch's session; else None: :func:`history` reads them)."""
    with _reading:
        with open(path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            version = (path, stat.st_ino, stat.st_mtime_ns, stat.st_size)  # the runner replaces it, never edits it
            if version not in _handovers:
                import pickle

                payload = pickle.load(handle)  # written by this report's runner into a folder private to the run
                _handovers.clear()
                _handovers[version] = (*payload, (), None)[:4]
        return _handovers[version]


def watch_handover(poll: float = 0.01) -> None:
    """In a report's kernel (its start-up code): wait in the background for the runner's evaluation, read it
    the moment it arrives and draw the charts the runner named (:func:`~evaltools.report.chart_html.draw_ahead`)
    — while papermill is still starting and between cells, when the kernel would otherwise be idle. The cells
    then find the evaluation read and the charts drawn. Stops waiting once :func:`prepare` has run (since this
    call: a kernel kept for many reports may call it before each)."""
    path = os.environ.get(HANDOVER_ENV)
    if not path:
        return
    _prepared.clear()

    def watch() -> None:
        while not os.path.exists(path):
            if _prepared.is_set():
                return
            time.sleep(poll)
        try:
            key, ev, charts, _ = _read_handover(path)
            from evaltools.report.chart_html import draw_ahead

            draw_ahead(ev, charts)
        except Exception:  # noqa: BLE001, S110 - the run removed it, or it is unreadable: the cells do it themselves
            pass

    threading.Thread(target=watch, name="evaltools-handover", daemon=True).start()


def _handed_over(params: JobParams) -> tuple[Evaluation | None, pd.DataFrame | None]:
    """The runner's evaluation of this very report, when it handed one over, and the trend's years when it made
    them too (a batch's session); (None, None) when it handed nothing over for these parameters."""
    path = os.environ.get(HANDOVER_ENV)
    if not path or not Path(path).is_file():
        return None, None
    key, ev, _, hist = _read_handover(path)
    return (ev, hist) if key == handover_key(params) else (None, None)


def prepare(params: Mapping | JobParams | None = None, /, **values: object) -> ReportContext:
    """Take the parameters — the notebook's ``params`` mapping (or keywords) through the one loader,
    :func:`~evaltools.params.job_params` (unknown keys refused, the year required), or a JobParams as
    it is — load and evaluate the year (or take the runner's evaluation of it), build the view."""
    if not isinstance(params, JobParams) or values:
        given = job_to_dict(params) if isinstance(params, JobParams) else params
        params = job_params(given, source="report parameters", **values)
    ev, hist = _handed_over(params)
    _prepared.set()
    if ev is None:
        from evaltools.data.load import load_year  # only without the runner's evaluation (see _evaluate_alone)

        data = load_year(params.year, params.data_dir, params.unit)
        # the rule set the runner would choose: explicit > the data's 评分规则 > default (issue 24 item 3)
        params = replace(params, rules=chosen_rules(params.rules, data.profile.rules).name)
        ev = evaluate(data, load_rules(params.rules))
    rule_set = ev.rules
    hist = history(params, rule_set, ev) if hist is None else hist
    source = dataset_label(find_source(params.year, params.data_dir, params.unit), params.data_dir)
    view = build_view(ev, source, _dt.date.today().isoformat(), title=params.title)
    return ReportContext(params, ev, hist, view)


_TABLE = re.compile(r"<table\b.*?</table>", re.S)


def boxed_tables(html: str) -> str:
    """Each table of ``html`` in its own ``div.table-box``, which scrolls sideways on a narrow screen
    (the CSS gives wide tables a minimum width there). Templates hold no nested tables, and escaped
    data cannot hold a ``<table`` tag."""
    return _TABLE.sub(lambda m: f'<div class="table-box">{m.group(0)}</div>', html)


def section_maker(template: str, what: str) -> Callable[[str], Callable]:
    """``make(name)``: the notebook cell function rendering macro ``name`` of ``template`` (templates/report/) with
    the context's view — one per section, for each document (the 自评报告's sections.html.j2, the 复核意见's
    review.html.j2)."""

    def make(name: str) -> Callable:
        def render(ctx: object) -> Html:
            macro = getattr(_env().get_template(template).module, name)
            return Html(boxed_tables(macro(ctx.view)))

        render.__name__ = name
        render.__doc__ = f"Render the {what}'s {name!r} section."
        return render

    return make


_section = section_maker("sections.html.j2", "report")


title_block = _section("title_block")
contents = _section("contents")
basic = _section("basic")
work = _section("work")
results = _section("results")
conclusion = _section("conclusion")
problems = _section("problems")
use = _section("use")
other = _section("other")
team = _section("team")
signature = _section("signature")
audit = _section("audit")
forms = _section("forms")


def chart(ctx: ReportContext, name: str, dpi: int = 150, number: int | None = None) -> Html:
    """Draw one chart (see :mod:`evaltools.report.charts`) as an inline ``<picture>`` (A4 and phone drawings,
    :mod:`evaltools.report.chart_html`), or one sentence when all its figures are unknown; a chart of the
    years (``trends``) only when the data folder holds at least two years up to this one. ``number``
    replaces the figure number of the chart's caption (图 N), for a notebook that shows only some charts.

    The charts are plain ``Figure`` objects, not pyplot's: nothing here touches the session's backend."""
    from evaltools.report.chart_html import draw, figure_html
    from evaltools.report.charts import CHARTS

    spec = CHARTS[name]  # an unknown name raises ParamsError listing the charts
    if spec.uses == "history" and ctx.history["year"].nunique() < 2:
        return Html("")  # one year has no trend: the report leaves the figure out rather than show an empty box
    drawn = draw(name, ctx.ev, ctx.history, dpi)
    if number is not None:
        drawn = replace(drawn, caption=re.sub(r"^图 \d+", f"图 {number}", drawn.caption))
    return Html(figure_html(drawn))
