"""The report's content: one function per notebook cell, each returning displayable HTML.

``prepare(...)`` loads the year, evaluates it and builds the view of the report once; the
section functions render it with Jinja2 (autoescape on: every string from the data is escaped).
The notebook ``notebooks/self_evaluation.ipynb`` calls these and nothing else.
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pandas as pd

from evaltools import fmt
from evaltools.data.load import find_source, load_year
from evaltools.params import JobParams, job_params
from evaltools.paths import resolve_data_dir
from evaltools.report.view import build_view
from evaltools.scoring.evaluation import Evaluation, evaluate
from evaltools.scoring.rules import RuleSet, load_rules

TEMPLATES = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def _env():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES / "report")),
        autoescape=select_autoescape(default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=fmt.pct, wan=fmt.wan, num=fmt.num, score=fmt.score)
    return env


def _macro(name: str):
    return getattr(_env().get_template("sections.html.j2").module, name)


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


def history(params: JobParams, rules: RuleSet, current: Evaluation | None = None) -> pd.DataFrame:
    """Totals of every year of this unit found in the data folder up to ``params.year`` (for trends);
    ``current`` is reused for the report's own year."""
    root = resolve_data_dir(params.data_dir)
    base = root / params.unit if params.unit else root
    years = sorted(
        {
            int(p.stem)
            for p in base.glob("*")
            if p.stem.isdigit() and int(p.stem) <= params.year and (p.is_dir() or p.suffix == ".xlsx")
        }
    )
    rows = []
    for year in years:
        ev = (
            current
            if current is not None and year == current.year
            else evaluate(load_year(year, params.data_dir, params.unit, with_previous=False), rules)
        )
        d = ev.data
        spent = d.budget_lines["spent"].sum() + d.projects["spent"].sum()
        budget = d.budget_lines["budget"].sum() + d.projects["budget"].sum()
        rows.append(
            {
                "year": year,
                "spent": spent,
                "budget": budget,
                "execution_rate": spent / budget if budget else np.nan,
                "score": ev.total.score,
            }
        )
    return pd.DataFrame(rows, columns=["year", "spent", "budget", "execution_rate", "score"])


def _source_name(source: str | Path, data_dir: str) -> str:
    """The dataset as named in shared files: relative to the data folder, never a private absolute path."""
    try:
        return str(Path(source).resolve().relative_to(resolve_data_dir(data_dir).resolve()))
    except ValueError:
        return Path(source).name


def prepare(**parameters: object) -> ReportContext:
    """Validate the parameters (those of :class:`~evaltools.params.JobParams`, whose defaults apply;
    unknown ones are refused), load and evaluate the year, build the view."""
    params = job_params(parameters, source="report parameters")
    rule_set = load_rules(params.rules)
    data = load_year(params.year, params.data_dir, params.unit)
    ev = evaluate(data, rule_set)
    hist = history(params, rule_set, ev)
    source = str(find_source(params.year, params.data_dir, params.unit))
    view = build_view(ev, _source_name(source, params.data_dir), _dt.date.today().isoformat())
    return ReportContext(params, ev, hist, view)


def _section(name: str):
    def render(ctx: ReportContext) -> Html:
        return Html(_macro(name)(ctx.view))

    render.__name__ = name
    render.__doc__ = f"Render the report's {name!r} section."
    return render


title_block = _section("title_block")
contents = _section("contents")
basic = _section("basic")
work = _section("work")
results = _section("results")
conclusion = _section("conclusion")
problems = _section("problems")
team = _section("team")
audit = _section("audit")
forms = _section("forms")


def chart(ctx: ReportContext, name: str, dpi: int = 150) -> Html:
    """Draw one chart (see :mod:`evaltools.report.charts`) and return it as an inline PNG figure.

    The charts are plain ``Figure`` objects, not pyplot's: nothing here touches the session's backend."""
    from evaltools.report.charts import CHARTS

    spec = CHARTS[name]  # an unknown name raises ParamsError listing the charts
    fig = spec.fn(ctx.history if spec.uses == "history" else ctx.ev)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)  # figures use constrained layout
    caption = spec.caption
    return Html(_macro("figure")(ctx.view, base64.b64encode(buf.getvalue()).decode("ascii"), caption, caption))
