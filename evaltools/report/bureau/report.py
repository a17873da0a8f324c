"""The bureau's 复核报告: one function per cell of ``notebooks/bureau_review.ipynb`` (``evaltools review`` executes
it). :func:`prepare` takes the notebook's one parameter, ``params``, through the one loader (:func:`review_params`:
unknown keys refused), takes the review the command handed over (``review``: the pickle it wrote) or makes it
from a dataset folder (``dataset``), and builds the view (:func:`evaltools.report.bureau.view.build_view`); each
section renders one macro of ``templates/bureau/bureau.html.j2`` with it (autoescape on).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace

from evaltools.errors import ParamsError
from evaltools.report.bureau.model import BureauReview, ReviewSource, assemble
from evaltools.report.bureau.view import build_view
from evaltools.report.sections import TEMPLATES, Html, boxed_tables

__all__ = [
    "ReviewParams",
    "BureauContext",
    "review_params",
    "prepare",
    "title_block",
    "summary",
    "basis",
    "method",
    "scores",
    "deviation",
    "ranking",
    "findings",
    "sample",
    "rectification",
    "application",
    "reviewers",
    "appendix_rulebook",
    "appendix_units",
    "appendix_forms",
    "signature",
]

SOURCE = "bureau review parameters"


@dataclass(frozen=True)
class ReviewParams:
    """The bureau notebook's parameters: the review the command handed over (``review``, a pickle) or a dataset
    folder to review (``dataset``); the rule book, the sample's seed, who signs, the title."""

    review: str | None = None
    dataset: str | None = None
    rulebook: str = "bureau"
    seed: int | None = None
    reviewer: str | None = None
    title: str | None = None


def review_params(values: Mapping | None = None, /, **overrides: object) -> ReviewParams:
    """The one loader of the bureau notebook's parameters: unknown keys refused, one of ``review`` / ``dataset``
    required; ParamsError naming the key."""
    values = {k: v for k, v in {**(values or {}), **overrides}.items() if v is not None}
    known = {f.name for f in fields(ReviewParams)}
    for key in values:
        if key not in known:
            raise ParamsError(
                f"unknown parameter {key!r} / 未知参数; expected: {', '.join(sorted(known))}", file=SOURCE, key=key
            )
    if ("review" in values) == ("dataset" in values):
        raise ParamsError(
            "给出 review（evaltools review 交来的复核）或 dataset（数据集文件夹）之一 / give one of review, dataset",
            file=SOURCE,
            key="review",
        )
    return ReviewParams(**values)


@dataclass(frozen=True)
class BureauContext:
    """What the report's cells share: the parameters, the review, the view."""

    params: ReviewParams
    review: BureauReview
    view: SimpleNamespace = field(repr=False)


def _from_dataset(params: ReviewParams) -> BureauReview:
    from evaltools.data.load import load_path
    from evaltools.data.model import UnitsData, YearData
    from evaltools.params import DEFAULT_RULES, chosen_rules
    from evaltools.scoring.audit.redflags import with_red_flags
    from evaltools.scoring.evaluation import evaluate_units
    from evaltools.scoring.review.rulebook import load_rulebook
    from evaltools.scoring.rules import load_rules

    data = load_path(params.dataset)
    if isinstance(data, YearData):
        data = UnitsData.from_years([data])
    rules = chosen_rules(None, getattr(data.profile, "rules", None)).name or DEFAULT_RULES
    ev = evaluate_units(data, with_red_flags(load_rules(rules)))
    source = ReviewSource(
        kind="dataset",
        paths=(Path(params.dataset).name,),
        datasets=(str(params.dataset),),
        synthetic=bool(getattr(data.profile, "synthetic", False)),
    )
    return assemble([ev], [None], load_rulebook(params.rulebook), seed=params.seed, source=source)


def prepare(params: Mapping | ReviewParams | None = None, /, **values: object) -> BureauContext:
    """The parameters through :func:`review_params`, the review (handed over, or made from the dataset), the view."""
    if not isinstance(params, ReviewParams) or values:
        params = review_params(params if isinstance(params, Mapping) else {}, **values)
    if params.review is not None:
        with open(params.review, "rb") as handle:
            review = pickle.load(handle)  # written by this report's own command into its staging folder
    else:
        review = _from_dataset(params)
    return BureauContext(params, review, build_view(review, reviewer=params.reviewer, title=params.title))


@lru_cache(maxsize=1)
def _env():
    """The report's Jinja environment (its filters, escaping, finalize) over the bureau's templates."""
    from jinja2 import FileSystemLoader

    from evaltools.report.sections import _env as report_env

    return report_env().overlay(loader=FileSystemLoader([str(TEMPLATES / "bureau"), str(TEMPLATES / "report")]))


def _section(name: str) -> Callable[[BureauContext], Html]:
    def render(ctx: BureauContext) -> Html:
        macro = getattr(_env().get_template("bureau.html.j2").module, name)
        return Html(boxed_tables(macro(ctx.view)))

    render.__name__ = name
    render.__doc__ = f"Render the bureau report's {name!r} section."
    return render


title_block = _section("title_block")
summary = _section("summary")
basis = _section("basis")
method = _section("method")
scores = _section("scores")
deviation = _section("deviation")
ranking = _section("ranking")
findings = _section("findings")
sample = _section("sample")
rectification = _section("rectification")
application = _section("application")
reviewers = _section("reviewers")
appendix_rulebook = _section("appendix_rulebook")
appendix_units = _section("appendix_units")
appendix_forms = _section("appendix_forms")
signature = _section("signature")
