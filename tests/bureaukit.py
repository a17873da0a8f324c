"""A generated bureau with planted red flags (issue 21 item 3): :func:`planted_bureau` builds ≥ 200 synthetic units
(:func:`evaltools.run.synthetic.generate_units`), gives every form a distinct 年度总体目标 / 实际完成情况 text and every
missed indicator a 偏差原因, then plants each red flag on forms (or units) chosen by a seeded rng — a known number of
each, no form planted twice — and returns the data and the table of what was planted (unit, project, code).

Unplanted, the generated data raise none of these codes: its 得分 are printed for a few 定性 rows only (no form at
full marks), its published scores lie in 70–98, no indicator is under 成本, no 满意度 actual is words or cites
complaints, actuals scatter around targets, and the texts are random phrase sequences (similarity far below 90).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from evaltools.data.schema import ORG
from evaltools.run.synthetic import generate_units, load_vocabulary
from evaltools.scoring.audit.redflags import QUANTITATIVE, with_red_flags
from evaltools.scoring.evaluation import evaluate_units
from evaltools.scoring.rules import load_rules

#: How many of each flag are planted (NEAR_DUPLICATE_TEXT: pairs, two forms each; UNIT_ALL_FULL: units).
COUNTS = {
    "ALL_FULL_MARKS": 6,
    "LOW_EXECUTION_FULL_OUTPUT": 5,
    "COST_FAR_OVER_TARGET": 7,
    "SATISFACTION_NO_BASIS": 6,
    "TARGETS_EQUAL_ACTUALS": 5,
    "DEVIATION_WITHOUT_REASON": 6,
    "UNIT_ALL_FULL": 4,
    "NEAR_DUPLICATE_TEXT": 5,
}
#: Per-form codes (audit checks) and cross-form ones (review checks).
FORM_CODES = tuple(list(COUNTS)[:6])
#: Common characters the texts' random stretches are drawn from.
COMMON = "的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定行学法所民得经"
REASON = "受项目实施进度影响，部分工作顺延至下一年度"
PHRASES = (
    "完善基础设施建设", "提升公共服务水平", "加强队伍建设", "规范资金管理", "推进信息化建设", "开展专项培训",
    "落实安全生产责任", "保障日常运转", "扩大服务覆盖面", "提高群众满意度", "强化监督检查", "优化办事流程",
    "推动产业发展", "改善人居环境", "加强宣传引导", "健全管理制度", "提升应急处置能力", "开展调查研究",
    "完成年度建设任务", "促进社会稳定", "加强档案管理", "推进项目验收", "开展绩效评价", "落实惠民政策",
)  # fmt: skip


@dataclass(frozen=True)
class Bureau:
    """The generated data, what was planted (one row per flagged form or unit: unit, project, code; project None
    for a unit) and the rules that turn the red flags on."""

    data: object
    planted: pd.DataFrame
    rules: object


def _texts(rng: np.random.Generator, n: int) -> np.ndarray:
    """``n`` distinct texts of 8–12 clauses (about 200 characters): a place, a random phrase, a figure and a
    random stretch of common characters each — varied as real forms are, with no two alike."""
    areas, chars = load_vocabulary().areas, np.array(list(COMMON))
    out = []
    for _ in range(n):
        k = int(rng.integers(8, 13))
        places, words, figures = rng.choice(len(areas), k), rng.choice(len(PHRASES), k), rng.integers(1, 9999, k)
        tails = ["".join(rng.choice(chars, int(rng.integers(4, 9)))) for _ in range(k)]
        out.append(
            "，".join(f"{areas[a]}{PHRASES[w]}{f}项{s}" for a, w, f, s in zip(places, words, figures, tails)) + "。"
        )
    return np.array(out, dtype=object)


def _edited(text: str, rng: np.random.Generator, share: float = 0.02) -> str:
    """``text`` with ``share`` of its characters replaced (a copy lightly edited)."""
    chars = list(text)
    for at in rng.choice(len(chars), max(1, int(len(chars) * share)), replace=False):
        chars[at] = "某"
    return "".join(chars)


def _base(units: int, seed: int) -> tuple[object, pd.DataFrame, pd.DataFrame, np.ndarray]:
    """The generated data with texts and 偏差原因, its indicators and projects, and whether each indicator missed."""
    data = generate_units(units, 40, seed=seed, year=2022, projects_per_unit=4)
    rules = with_red_flags(load_rules("mof"))
    met = evaluate_units(data, rules).indicators["met"]
    ind, proj = data.indicators.copy(), data.projects.copy()
    missed = (met == False).to_numpy()  # noqa: E712 - object column
    ind["deviation"] = np.where(missed, REASON, None)
    rng = np.random.default_rng(seed + 1)
    proj["goal"], proj["result"] = _texts(rng, len(proj)), _texts(rng, len(proj))
    return data, ind, proj, missed


def _row_groups(ind: pd.DataFrame, proj: pd.DataFrame) -> np.ndarray:
    """The position in ``proj`` of each indicator row's form."""
    key = pd.MultiIndex.from_frame(proj[[ORG, "project"]].astype(str))
    return key.get_indexer(pd.MultiIndex.from_frame(ind[[ORG, "project"]].astype(str)))


class _Planter:
    """Forms not yet planted, in the rng's order; :meth:`take` plants the first that passes a test."""

    def __init__(self, proj: pd.DataFrame, rng: np.random.Generator):
        self.proj, self.order, self.planted = proj, list(rng.permutation(len(proj))), []

    def take(self, code: str, test=lambda i: True) -> int:
        at = next(i for i in self.order if test(i))
        self.order.remove(at)
        self.planted.append((str(self.proj.at[at, ORG]), str(self.proj.at[at, "project"]), code))
        return at


def planted_bureau(units: int = 240, seed: int = 7) -> Bureau:
    """The generated bureau (``units`` units × 4 forms × 10 indicators) with :data:`COUNTS` red flags planted."""
    data, ind, proj, missed = _base(units, seed)
    form = _row_groups(ind, proj)
    rng = np.random.default_rng(seed)
    counted = (ind["weight"].to_numpy(dtype=float) > 0) & ind["parent"].isna().to_numpy()
    plant = _Planter(proj, rng)
    rows_of = lambda i, mask: np.flatnonzero(mask & (form == i))  # noqa: E731
    for _ in range(COUNTS["ALL_FULL_MARKS"]):
        rows = rows_of(plant.take("ALL_FULL_MARKS"), counted)
        ind.loc[rows, "panel_score"] = ind.loc[rows, "weight"].to_numpy()
    output = ind["level1"].str.contains("产出").to_numpy()
    for _ in range(COUNTS["LOW_EXECUTION_FULL_OUTPUT"]):
        at = plant.take("LOW_EXECUTION_FULL_OUTPUT", lambda i: len(rows_of(i, counted & ~output)) > 0)
        rows = rows_of(at, counted & output)
        ind.loc[rows, "panel_score"] = ind.loc[rows, "weight"].to_numpy()
        proj.loc[at, ["spent", "stated_rate"]] = [round(proj.at[at, "budget"] * 0.0008, 4), np.nan]
    numeric = (ind["direction"] == ">=").to_numpy() & (ind["target"] > 0).to_numpy() & counted
    for _ in range(COUNTS["COST_FAR_OVER_TARGET"]):
        row = rows_of(plant.take("COST_FAR_OVER_TARGET", lambda i: len(rows_of(i, numeric)) > 0), numeric)[0]
        cost = ["成本指标", "经济成本指标", "<=", "万元", ind.at[row, "target"] * 2.4, REASON]  # missed, explained
        ind.loc[row, ["level1", "level2", "direction", "unit", "actual", "deviation"]] = cost
    liked = ind["level1"].str.contains("满意度").to_numpy() & ind["actual"].notna().to_numpy() & counted
    for _ in range(COUNTS["SATISFACTION_NO_BASIS"]):
        row = rows_of(plant.take("SATISFACTION_NO_BASIS", lambda i: len(rows_of(i, liked)) > 0), liked)[0]
        ind.loc[row, "actual_text"] = "未收到投诉，满意度100%"
    quant = np.isin(ind["direction"].to_numpy(dtype=object), QUANTITATIVE) & ind["target"].notna().to_numpy()
    for _ in range(COUNTS["TARGETS_EQUAL_ACTUALS"]):
        at = plant.take("TARGETS_EQUAL_ACTUALS", lambda i: len(rows_of(i, quant & counted)) >= 5)
        ind.loc[rows_of(at, quant), "actual"] = ind.loc[rows_of(at, quant), "target"].to_numpy()
    blank = missed & counted
    for _ in range(COUNTS["DEVIATION_WITHOUT_REASON"]):
        at = plant.take("DEVIATION_WITHOUT_REASON", lambda i: len(rows_of(i, blank)) >= 2)
        ind.loc[rows_of(at, blank)[0], "deviation"] = None
    _plant_cross(proj, np.bincount(form[missed], minlength=len(proj)), rng, plant)
    tables = {**data.tables, "indicators": ind, "projects": proj}
    planted = pd.DataFrame(plant.planted, columns=["unit", "project", "code"])
    return Bureau(replace(data, tables=tables), planted, with_red_flags(load_rules("mof")))


def _plant_cross(proj: pd.DataFrame, n_missed: np.ndarray, rng: np.random.Generator, plant: _Planter) -> None:
    """UNIT_ALL_FULL (every form of a unit not planted otherwise published at 100) and NEAR_DUPLICATE_TEXT (a
    form's goal and result copied, 2% of characters changed, to a form of another unit with as many missed rows:
    the same 偏差原因 text)."""
    used = {u for u, _, _ in plant.planted}
    units = [u for u in pd.unique(proj[ORG].astype(str)) if u not in used]
    chosen = [str(u) for u in rng.choice(units, COUNTS["UNIT_ALL_FULL"], replace=False)]
    proj.loc[proj[ORG].astype(str).isin(chosen).to_numpy(), "published_score"] = 100.0
    plant.order = [i for i in plant.order if str(proj.at[i, ORG]) not in chosen]
    plant.planted += [(u, None, "UNIT_ALL_FULL") for u in chosen]
    for _ in range(COUNTS["NEAR_DUPLICATE_TEXT"]):
        a = plant.take("NEAR_DUPLICATE_TEXT")
        b = plant.take(
            "NEAR_DUPLICATE_TEXT", lambda i, a=a: proj.at[i, ORG] != proj.at[a, ORG] and n_missed[i] == n_missed[a]
        )
        for column in ("goal", "result"):
            proj.loc[b, column] = _edited(proj.at[a, column], rng)
