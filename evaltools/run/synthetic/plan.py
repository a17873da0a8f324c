"""The plan of a synthetic unit, stable across its years: its name, kind, functions, staff, evaluation team,
and its projects with their indicators and weights (预算执行率 10 + indicators 90, 财预〔2020〕10号)."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, replace

import numpy as np

from evaltools import fmt
from evaltools.errors import ParamsError
from evaltools.run.synthetic.vocabulary import MARK, Generic, Theme, load_vocabulary

#: Points of a project: 预算执行率 plus the indicators (财预〔2020〕10号 default split of the 90).
EXECUTION_WEIGHT = 10
CATEGORY_POINTS = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
#: The output indicators' pools in turn: q quantity, Q quality, T timeliness, C cost.
_OUTPUT_PATTERN = "qqQTqCQqTq"

#: Numbers and percentages as written in text: no thousands separators, empty when missing.
num = functools.partial(fmt.num, thousands=False, missing="")
pct = functools.partial(fmt.pct, thousands=False, missing="")


@dataclass(frozen=True)
class Item:
    """One planned indicator: 一级/二级指标, name, 度量单位, canonical direction (>=, <=, =, range, qualitative),
    target (number, (lo, hi), ``budget`` or the qualitative goal's text), weight and breakdown parts."""

    level1: str
    level2: str
    name: str
    unit: str | None
    direction: str
    target: object
    weight: int = 0
    parts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Project:
    """A planned project: its name, base budget (万元), indicators, and whether only some years have it."""

    name: str
    base_budget: float
    items: tuple[Item, ...]
    optional: bool = False


@dataclass(frozen=True)
class UnitPlan:
    """A synthetic unit: folder and name (marked 合成数据), kind of unit, report kind, functions, projects,
    staff, yearly personnel and public budget bases (万元) and the evaluation team."""

    folder: str
    name: str
    kind: str
    report_kind: str
    functions: tuple[str, ...]
    projects: tuple[Project, ...]
    staff_authorized: int
    staff_actual: int
    staff_other: int
    personnel: float
    public: float
    team: tuple[dict, ...]


def split(total: int, n: int, rng: np.random.Generator) -> list[int]:
    """``n`` positive integers adding to exactly ``total`` (multiples of 5 when there is room)."""
    for step in (5, 1):
        if total % step == 0 and n * step <= total:
            extra = rng.multinomial(total // step - n, rng.dirichlet(np.full(n, 3.0)))
            return [int(step * (1 + e)) for e in extra]
    raise ParamsError(f"cannot split {total} points among {n} indicators", key="indicators")


def nice(x: float, decimals: int = 0) -> float:
    """Targets are round numbers: two significant digits from 20 up (1000, 1100, 36), else whole
    numbers (or ``decimals`` places, e.g. 万亩)."""
    if x < 20:
        return round(x, decimals) if decimals else float(max(1, round(x)))
    step = 10 ** (int(math.floor(math.log10(x))) - 1)
    return float(round(x / step) * step)


def decimals(unit: str | None) -> int:
    """Decimals of a count: areas in 万亩 and amounts in 万元 have one, people and events none."""
    return 1 if unit in ("万亩", "万元") else 0


def shown(x: float, unit: str | None) -> str:
    """A value as the text of a report writes it: 95%, 1,200人, 20个工作日."""
    if unit == "%":
        return f"{num(x * 100, 1)}%"
    unit = "个工作日" if unit == "工作日" else (unit or "")
    return f"{x:,.0f}{unit}" if float(x).is_integer() else f"{num(x)}{unit}"


def target_text(item: Item, target: float | None, high: float | None = None) -> str:
    """The target as the form prints it: 不低于1,000人, 4–6场, or the qualitative goal."""
    if item.direction == "qualitative":
        return str(item.target)
    if item.direction == "range":
        return f"{num(target)}–{num(high)}{item.unit or ''}"
    words = {">=": "不低于", "<=": "不超过", "=": "达到"}[item.direction]
    return words + shown(target, item.unit)


def _namer():
    """A function giving each indicator name once in a project: a repeat gets （二）, （三） …"""
    used: set[str] = set()

    def unique(name: str) -> str:
        base, k = name, 2
        while name in used:
            name = f"{base}（{'二三四五六七八九十'[min(k - 2, 8)]}）" if k <= 10 else f"{base}（{k}）"
            k += 1
        used.add(name)
        return name

    return unique


def _counts(n: int) -> tuple[int, int, int]:
    """(output, benefit, satisfaction) indicator counts of a project with ``n`` scored indicators."""
    n_sat = 1 if n < 10 else 2
    n_ben = max(1, round(n * 0.3))
    n_out = n - n_sat - n_ben
    if n_out < 1:
        n_ben, n_out = n - n_sat - 1, 1
    return n_out, n_ben, n_sat


def _chosen(theme: Theme, n: int, rng: np.random.Generator) -> list[tuple[str, Generic]]:
    """(一级指标, generic indicator) of the project's ``n`` indicators, drawn from the vocabulary's pools."""
    voc = load_vocabulary()
    n_out, n_ben, n_sat = _counts(n)
    quantities = [
        Generic("数量指标", q.name, q.unit, "range" if q.kind == "range" else ">=", q.target) for q in theme.quantities
    ]
    rng.shuffle(quantities)
    pools = {"q": quantities, "Q": list(voc.quality), "T": list(voc.timely), "C": list(voc.cost)}
    for pool in ("Q", "T", "C"):
        rng.shuffle(pools[pool])
    seen = {k: 0 for k in pools}
    chosen = []
    for i in range(n_out):
        key = _OUTPUT_PATTERN[i % len(_OUTPUT_PATTERN)]
        chosen.append(("产出指标", pools[key][seen[key] % len(pools[key])]))
        seen[key] += 1
    benefit = list(voc.benefit)
    rng.shuffle(benefit)
    benefit.sort(key=lambda b: b.direction != "qualitative")  # at least one 定性 first
    chosen += [("效益指标", benefit[i % len(benefit)]) for i in range(n_ben)]
    sat = list(voc.satisfaction) if rng.random() < 0.6 else list(reversed(voc.satisfaction))
    chosen += [("满意度指标", sat[i % len(sat)]) for i in range(n_sat)]
    return chosen


def plan_project(theme: Theme, n: int, rng: np.random.Generator, base_budget: float) -> Project:
    """The project's indicators (stable across years): ``n`` scored ones, weights adding to 90, and sometimes
    breakdown parts of one count indicator."""
    unique = _namer()
    items = [
        Item(level1, g.level2, unique(g.name), g.unit, g.direction, g.target) for level1, g in _chosen(theme, n, rng)
    ]
    for level1, points in CATEGORY_POINTS.items():
        members = [i for i, it in enumerate(items) if it.level1 == level1]
        for i, w in zip(members, split(points, len(members), rng)):
            items[i] = replace(items[i], weight=w)
    counts = [i for i, it in enumerate(items) if it.direction == ">=" and it.unit != "%" and it.level2 == "数量指标"]
    if counts and rng.random() < 0.7:
        parent = counts[int(rng.integers(len(counts)))]
        parts = load_vocabulary().parts
        items[parent] = replace(items[parent], parts=parts[int(rng.integers(len(parts)))])
    return Project(theme.name, base_budget, tuple(items))


def _projects(themes: tuple[Theme, ...], n_indicators: int, rng: np.random.Generator) -> tuple[Project, ...]:
    """2–4 of the kind's themes as projects, and one more that only some years have (when one is left)."""
    themes = list(themes)
    rng.shuffle(themes)
    n_projects = int(rng.integers(2, min(4, len(themes)) + 1))
    projects = []
    for theme in themes[:n_projects]:
        budget = float(np.clip(rng.lognormal(math.log(25), 0.9), 3, 400))
        projects.append(plan_project(theme, n_indicators, rng, budget))
    if len(themes) > n_projects:  # a project that only some years have
        budget = float(np.clip(rng.lognormal(math.log(10), 0.6), 2, 80))
        projects.append(replace(plan_project(themes[n_projects], n_indicators, rng, budget), optional=True))
    return tuple(projects)


def plan_unit(index: int, n_indicators: int, report_kind: str, rng: np.random.Generator) -> UnitPlan:
    """The ``index``-th unit: kinds and areas of the vocabulary in turn, a number after the name once the
    areas are used up; its projects, staff, budget bases and evaluation team drawn from ``rng``."""
    voc = load_vocabulary()
    kind = voc.kinds[index % len(voc.kinds)]
    cycle = index // len(voc.areas)
    folder = kind.pattern.format(area=voc.areas[index % len(voc.areas)], kind=kind.name) + (
        f"{cycle + 1}" if cycle else ""
    )
    projects = _projects(kind.themes, n_indicators, rng)
    staff = int(rng.integers(15, 61))
    staff_actual = staff - int(rng.integers(0, 6))
    staff_other = int(rng.integers(0, 21))
    personnel = staff * float(rng.uniform(12, 20))
    public = staff * float(rng.uniform(1.0, 2.5))
    team = team_rows(rng, int(rng.integers(5, 10)))
    return UnitPlan(
        folder=folder,
        name=f"{folder}（{MARK}）",
        kind=kind.name,
        report_kind=report_kind,
        functions=kind.functions,
        projects=projects,
        staff_authorized=staff,
        staff_actual=staff_actual,
        staff_other=staff_other,
        personnel=personnel,
        public=public,
        team=team,
    )


def team_rows(rng: np.random.Generator, n: int) -> tuple[dict, ...]:
    """The evaluation team: ``n`` invented names, a 组长, two 副组长 and members from the offices."""
    voc = load_vocabulary()
    names: list[str] = []
    while len(names) < n:
        nm = voc.surnames[int(rng.integers(len(voc.surnames)))] + "".join(
            voc.given_names[int(rng.integers(len(voc.given_names)))] for _ in range(int(rng.integers(1, 3)))
        )
        if nm not in names:
            names.append(nm)
    rows = []
    for i, nm in enumerate(names):
        role, post = ("组长", "主任") if i == 0 else (("副组长", "副主任") if i < 3 else ("成员", "科长"))
        office = "本单位" if i < 3 else f"本单位 {voc.offices[(i - 3) % len(voc.offices)]}"
        rows.append(dict(name=nm, unit=office, post=post, role=role, note=MARK))
    return tuple(rows)
