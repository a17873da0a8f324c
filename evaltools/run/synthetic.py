"""Synthetic data (合成数据) in exactly the input format, for demonstrations, tests and benchmarks.

:func:`generate` writes ``OUT/<unit>/<year>/`` CSV folders with ``profile.yaml`` — what
``evaltools check`` and ``evaltools run --all`` read — for several invented units over several
years. The data is shaped like real 自评 material: several projects per unit, indicators of every
direction (≥ ≤ = 区间 定性) with ranges and qualitative grades, some missing actuals, breakdown rows
(weight 0) whose parts sometimes do not add up to their total, weights of exactly 100 per project
(预算执行率 10 + integer indicator weights), 人员经费 and 日常公用支出 budget lines, plausible amounts
drifting from year to year, published scores and grades for some projects (a few deliberately off),
a printed grade table, statements for the audit and an evaluation team.

Every profile says ``synthetic: true`` and its unit name and source say 合成数据, so every report made
from it carries the 合成数据 banner (HTML) and page header (PDF). Nothing here is a real unit.

:func:`generate_frames` builds large in-memory (indicators, projects) tables with a ``unit`` column
for the scoring benchmark (10,000 units × 100 indicators in about a second).
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import yaml

from evaltools import fmt, labels
from evaltools.data import schema as S
from evaltools.data.load import find_source, inspect_path
from evaltools.errors import InputError, ParamsError
from evaltools.fmt import is_missing
from evaltools.params import JobParams
from evaltools.paths import safe_component, write_text
from evaltools.scoring import indicators as scoring
from evaltools.scoring.grading import grade as grade_of
from evaltools.scoring.indicators import score_indicators, score_projects
from evaltools.scoring.rules import load_rules

if TYPE_CHECKING:
    from evaltools.scoring.rules import RuleSet

MARK = "合成数据"
#: Points of a project: 预算执行率 plus the indicators (财预〔2020〕10号 default split of the 90).
EXECUTION_WEIGHT = 10
CATEGORY_POINTS = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}
MIN_INDICATORS, MAX_INDICATORS = 3, 60

_AREAS = ["青山", "河湾", "松林", "云岭", "柳岸", "石桥", "梅园", "枫林", "白沙", "竹溪", "金川", "玉泉"]
_SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
_GIVEN = "伟芳娜秀敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彩春菊兰凤洁梅琳素云莲真环雪荣爱妹霞香月莺媛艳瑞凡佳嘉琼勤珍贞莉桂娣叶璧璐娅琦晶妍茜秋珊莎锦黛青倩婷姣婉娴瑾颖露瑶怡婵雁蓓纨仪荷丹蓉眉君琴蕊薇菁梦岚苑婕馨瑗琰韵融园艺咏卿聪澜纯毓悦昭冰爽琬茗羽希宁欣飘育滢馥筠柔竹霭凝晓欢霄枫芸菲寒伊亚宜可姬舒影荔枝丽阳"

# (indicator name, 度量单位, kind, typical target): kind is count (≥), range (区间, target = (lo, hi)).
_KINDS: dict[str, dict] = {
    "就业服务中心": dict(
        functions=[
            "负责辖区失业人员登记、就业困难人员认定和就业援助",
            "组织开展职业技能培训和创业服务",
            "负责流动人员人事档案的保管、查询和退休办理",
            "负责创业担保贷款贴息的审核、发放和监管",
        ],
        projects=[
            (
                "失业就业服务",
                [
                    ("专场招聘会场次", "场", "range", (4, 6)),
                    ("提供工作岗位数", "个", "count", 1000),
                    ("达成就业意向人数", "人", "count", 300),
                    ("帮扶就业困难人员人数", "人", "count", 60),
                    ("就业创业宣传次数", "次", "count", 4),
                ],
            ),
            (
                "职业技能培训补贴",
                [
                    ("补贴培训人数", "人", "count", 800),
                    ("取得职业资格证书人数", "人", "count", 500),
                    ("开展培训班次", "期", "range", (10, 12)),
                    ("新型学徒制培训人数", "人", "count", 200),
                ],
            ),
            (
                "档案保管和整理",
                [
                    ("流动档案保管数量", "份", "count", 20000),
                    ("档案后续服务人次", "人次", "count", 3600),
                    ("办理退休人数", "人", "count", 500),
                    ("档案室维护次数", "次", "range", (4, 6)),
                ],
            ),
            (
                "创业担保贴息",
                [
                    ("发放创业担保贷款笔数", "笔", "count", 120),
                    ("贴息资金发放户数", "户", "count", 100),
                    ("贷后回访次数", "次", "count", 12),
                ],
            ),
        ],
    ),
    "社区卫生服务中心": dict(
        functions=["承担辖区基本公共卫生服务", "开展家庭医生签约服务和慢性病管理", "负责妇幼保健和健康教育"],
        projects=[
            (
                "基本公共卫生服务",
                [
                    ("建立居民健康档案数", "份", "count", 30000),
                    ("老年人健康管理人数", "人", "count", 3000),
                    ("健康教育讲座次数", "次", "range", (12, 16)),
                    ("慢性病随访人次", "人次", "count", 8000),
                ],
            ),
            (
                "家庭医生签约服务",
                [
                    ("签约居民人数", "人", "count", 12000),
                    ("重点人群签约人数", "人", "count", 5000),
                    ("上门服务人次", "人次", "count", 1500),
                ],
            ),
            (
                "妇幼健康服务",
                [
                    ("孕产妇系统管理人数", "人", "count", 600),
                    ("儿童健康体检人次", "人次", "count", 4000),
                    ("妇女病筛查人数", "人", "count", 2000),
                ],
            ),
        ],
    ),
    "文化馆": dict(
        functions=["组织开展群众文化活动", "负责非物质文化遗产的保护和传承", "指导基层文化站和业余文艺团队"],
        projects=[
            (
                "公共文化活动",
                [
                    ("举办群众文化活动场次", "场", "range", (40, 50)),
                    ("参与群众人次", "人次", "count", 20000),
                    ("培训文艺骨干人数", "人", "count", 300),
                ],
            ),
            (
                "非遗保护传承",
                [
                    ("非遗展演场次", "场", "range", (8, 10)),
                    ("非遗传承人培训人数", "人", "count", 80),
                    ("非遗项目数字化数量", "项", "count", 12),
                ],
            ),
            (
                "送文化下乡",
                [
                    ("送戏下乡场次", "场", "count", 60),
                    ("覆盖行政村数", "个", "count", 45),
                    ("流动图书借阅册次", "册次", "count", 15000),
                ],
            ),
        ],
    ),
    "农业技术推广站": dict(
        functions=["推广农业新品种、新技术", "开展农民技术培训", "负责农作物病虫害监测预报和统防统治"],
        projects=[
            (
                "农技推广培训",
                [
                    ("培训农民人次", "人次", "count", 3000),
                    ("建设示范基地数", "个", "count", 8),
                    ("推广主导品种数", "个", "range", (5, 8)),
                ],
            ),
            (
                "测土配方施肥",
                [
                    ("采集土壤样本数", "个", "count", 1200),
                    ("推广面积", "万亩", "count", 15),
                    ("发放施肥建议卡", "份", "count", 10000),
                ],
            ),
            (
                "病虫害统防统治",
                [
                    ("统防统治面积", "万亩", "count", 8),
                    ("病虫害监测点数", "个", "count", 20),
                    ("发布病虫情报期数", "期", "range", (10, 12)),
                ],
            ),
        ],
    ),
    "养老服务指导中心": dict(
        functions=["指导和监管辖区养老服务机构", "组织实施居家养老服务补贴", "推进老年食堂等社区养老设施运营"],
        projects=[
            (
                "居家养老服务补贴",
                [
                    ("享受补贴老年人数", "人", "count", 1500),
                    ("上门服务人次", "人次", "count", 30000),
                    ("服务机构检查次数", "次", "range", (4, 6)),
                ],
            ),
            ("老年食堂运营补助", [("运营老年食堂数", "个", "count", 12), ("就餐老年人人次", "人次", "count", 60000)]),
            (
                "养老机构安全监管",
                [
                    ("检查养老机构数", "家", "count", 25),
                    ("整改安全隐患数", "处", "count", 40),
                    ("消防安全培训次数", "次", "range", (2, 4)),
                ],
            ),
        ],
    ),
    "交通运输局": dict(
        pattern="{area}区{kind}",
        functions=["负责辖区公路建设、养护和管理", "负责道路运输和城乡客运管理", "负责交通安全应急保障"],
        projects=[
            (
                "农村公路养护",
                [
                    ("养护农村公路里程", "公里", "count", 300),
                    ("新改建农村公路里程", "公里", "count", 20),
                    ("养护工程验收次数", "次", "range", (2, 4)),
                ],
            ),
            (
                "城乡客运补贴",
                [
                    ("补贴客运线路条数", "条", "count", 40),
                    ("通客车建制村个数", "个", "count", 60),
                    ("补贴发放户数", "户", "count", 120),
                ],
            ),
        ],
    ),
    "镇人民政府": dict(
        pattern="{area}镇人民政府",
        functions=["负责本镇经济社会发展规划的实施", "负责本镇农业农村、社会事务和公共服务", "负责村级组织运转保障"],
        projects=[
            (
                "村级组织运转经费",
                [
                    ("保障村级组织个数", "个", "count", 12),
                    ("村干部报酬发放人数", "人", "count", 80),
                    ("村务公开次数", "次", "range", (4, 6)),
                ],
            ),
            (
                "人居环境整治",
                [
                    ("清理村庄数量", "个", "count", 12),
                    ("垃圾收运车辆", "辆", "count", 6),
                    ("群众满意度调查次数", "次", "count", 2),
                ],
            ),
        ],
    ),
    "实验学校": dict(
        pattern="{area}区{kind}",
        functions=["实施九年义务教育", "开展教育教学改革和教师培训", "保障校园安全和学生资助"],
        projects=[
            (
                "学生资助",
                [
                    ("资助学生人数", "人", "count", 300),
                    ("资助资金发放批次", "批", "count", 4),
                    ("资助政策宣传次数", "次", "count", 4),
                ],
            ),
            (
                "教师培训",
                [
                    ("参训教师人数", "人", "count", 150),
                    ("培训课时", "课时", "count", 120),
                    ("取得培训合格证书人数", "人", "count", 140),
                ],
            ),
        ],
    ),
}
# Generic indicators: (二级指标, name, 度量单位, direction, target). "budget" = the project's budget.
_QUALITY = [
    ("质量指标", "任务验收合格率", "%", ">=", 0.95),
    ("质量指标", "资料归档完整率", "%", ">=", 0.95),
    ("质量指标", "资金足额拨付率", "%", "=", 1.0),
    ("质量指标", "服务规范达标率", "%", ">=", 0.90),
]
_TIMELY = [
    ("时效指标", "任务按期完成率", "%", ">=", 0.95),
    ("时效指标", "业务办结时限", "工作日", "<=", 20),
    ("时效指标", "资金拨付时限", "工作日", "<=", 30),
]
_COST = [("成本指标", "项目成本控制", "万元", "<=", "budget"), ("成本指标", "人均服务成本", "元", "<=", 200)]
_BENEFIT = [
    ("社会效益指标", "政策知晓率", "%", ">=", 0.85),
    ("社会效益指标", "群众获得感提升", None, "qualitative", "服务覆盖面扩大，群众获得感增强"),
    ("经济效益指标", "降低群众办事成本", None, "qualitative", "减少群众往返次数和办事成本"),
    ("可持续影响指标", "长效管理机制建立健全", None, "qualitative", "建立并执行长效管理制度"),
    ("社会效益指标", "带动就业人数", "人", ">=", 50),
    ("可持续影响指标", "服务信息化水平提升", None, "qualitative", "业务数据全部录入信息系统"),
]
_SATISFACTION = [
    ("服务对象满意度指标", "服务对象满意度", "%", ">=", 0.90),
    ("服务对象满意度指标", "群众满意度（投诉情况）", None, "qualitative", "无有效投诉"),
]
_PARTS = [
    ["城区", "乡镇（街道）"],
    ["线上", "线下"],
    ["第一季度", "第二季度", "第三季度", "第四季度"],
    ["城区", "乡镇（街道）", "园区"],
]
_QUAL_TEXT = {"达成": "已完成年度目标，效果良好", "部分达成": "部分完成，仍有差距", "未达成": "未完成年度目标"}
_PROBLEMS = [
    "部分项目绩效指标设置不够细化，可衡量的量化指标偏少。",
    "业务台账和统计资料保存不够规范，部分指标实际值缺少佐证。",
    "个别项目资金支付进度前慢后快，年底集中支出。",
    "绩效目标设定偏保守，部分指标大幅超额完成。",
]
_MEASURES = [
    "细化量化绩效指标，年初按实际能力合理设定目标值。",
    "建立健全业务资料管理制度，做到数据可追溯、可核查。",
    "按月跟踪预算执行进度，均衡支出。",
    "加强绩效自评结果应用，与下年度预算安排挂钩。",
]


@dataclass
class _Item:
    level1: str
    level2: str
    name: str
    unit: str | None
    direction: str  # canonical: >=, <=, =, range, qualitative
    target: object  # number, (lo, hi), "budget", or the qualitative goal text
    weight: int = 0
    parts: list[str] = field(default_factory=list)


@dataclass
class _Project:
    name: str
    base_budget: float
    items: list[_Item]
    optional: bool = False


@dataclass(frozen=True)
class SyntheticSet:
    """What :func:`generate` wrote: ``root/<unit>/<year>/`` for every unit folder and year."""

    root: Path
    units: tuple[str, ...]
    years: tuple[int, ...]
    names: dict = field(default_factory=dict, compare=False)  # unit folder → unit name in profile.yaml

    @property
    def jobs(self) -> list[tuple[str, int]]:
        return [(u, y) for u in self.units for y in self.years]

    def path(self, unit: str, year: int) -> Path:
        return self.root / unit / str(year)


# ----------------------------------------------------------------------------- small helpers


def _split(total: int, n: int, rng: np.random.Generator) -> list[int]:
    """``n`` positive integers adding to exactly ``total`` (multiples of 5 when there is room)."""
    for step in (5, 1):
        if total % step == 0 and n * step <= total:
            extra = rng.multinomial(total // step - n, rng.dirichlet(np.full(n, 3.0)))
            return [int(step * (1 + e)) for e in extra]
    raise ParamsError(f"cannot split {total} points among {n} indicators", key="indicators")


def _nice(x: float, decimals: int = 0) -> float:
    """Targets are round numbers: two significant digits from 20 up (1000, 1100, 36), else whole
    numbers (or ``decimals`` places, e.g. 万亩)."""
    if x < 20:
        return round(x, decimals) if decimals else float(max(1, round(x)))
    step = 10 ** (int(math.floor(math.log10(x))) - 1)
    return float(round(x / step) * step)


def _decimals(unit: str | None) -> int:
    """Decimals of a count: areas in 万亩 have one, people and events none."""
    return 1 if unit in ("万亩", "万元") else 0


#: Numbers and percentages as written in a CSV cell: no thousands separators, empty when missing.
_num = functools.partial(fmt.num, thousands=False, missing="")
_pct = functools.partial(fmt.pct, thousands=False, missing="")


def _value(x, unit: str | None) -> str:
    """An indicator value as written in the CSV: percentages with a % sign."""
    if is_missing(x):
        return ""
    return f"{_num(x * 100, 1)}%" if unit == "%" else _num(x)


def _shown(x, unit: str | None) -> str:
    if unit == "%":
        return f"{_num(x * 100, 1)}%"
    unit = "个工作日" if unit == "工作日" else (unit or "")
    return f"{x:,.0f}{unit}" if float(x).is_integer() else f"{_num(x)}{unit}"


def _target_text(item: _Item, target, high=None) -> str:
    if item.direction == "qualitative":
        return str(item.target)
    if item.direction == "range":
        return f"{_num(target)}–{_num(high)}{item.unit or ''}"
    words = {">=": "不低于", "<=": "不超过", "=": "达到"}[item.direction]
    return words + _shown(target, item.unit)


# ----------------------------------------------------------------------------- the plan of a unit


def _plan_project(name: str, qty: list, n: int, rng: np.random.Generator, base_budget: float) -> _Project:
    """The project's indicators (stable across years): n scored ones, weights adding to 90."""
    n_sat = 1 if n < 10 else 2
    n_ben = max(1, round(n * 0.3))
    n_out = n - n_sat - n_ben
    if n_out < 1:
        n_ben, n_out = n - n_sat - 1, 1
    used: set[str] = set()

    def unique(name: str) -> str:
        base, k = name, 2
        while name in used:
            name = f"{base}（{'二三四五六七八九十'[min(k - 2, 8)]}）" if k <= 10 else f"{base}（{k}）"
            k += 1
        used.add(name)
        return name

    items: list[_Item] = []
    qty_pool = [("数量指标", nm, u, "range" if kind == "range" else ">=", tgt) for nm, u, kind, tgt in qty]
    rng.shuffle(qty_pool)
    pools = {"q": qty_pool, "Q": list(_QUALITY), "T": list(_TIMELY), "C": list(_COST)}
    for pool in ("Q", "T", "C"):
        rng.shuffle(pools[pool])
    pattern = "qqQTqCQqTq"
    seen = {k: 0 for k in pools}
    for i in range(n_out):
        key = pattern[i % len(pattern)]
        pool = pools[key]
        level2, nm, u, direction, tgt = pool[seen[key] % len(pool)]
        seen[key] += 1
        items.append(_Item("产出指标", level2, unique(nm), u, direction, tgt))
    benefit = list(_BENEFIT)
    rng.shuffle(benefit)
    benefit.sort(key=lambda b: b[3] != "qualitative")  # at least one 定性 first
    for i in range(n_ben):
        level2, nm, u, direction, tgt = benefit[i % len(benefit)]
        items.append(_Item("效益指标", level2, unique(nm), u, direction, tgt))
    sat = list(_SATISFACTION) if rng.random() < 0.6 else list(reversed(_SATISFACTION))
    for i in range(n_sat):
        level2, nm, u, direction, tgt = sat[i % len(sat)]
        items.append(_Item("满意度指标", level2, unique(nm), u, direction, tgt))
    for level1, points in CATEGORY_POINTS.items():
        members = [it for it in items if it.level1 == level1]
        for it, w in zip(members, _split(points, len(members), rng)):
            it.weight = w
    counts = [it for it in items if it.direction == ">=" and it.unit not in ("%",) and it.level2 == "数量指标"]
    if counts and rng.random() < 0.7:
        parent = counts[int(rng.integers(len(counts)))]
        parent.parts = list(_PARTS[int(rng.integers(len(_PARTS)))])
    return _Project(name, base_budget, items)


def _plan_unit(index: int, n_indicators: int, rng: np.random.Generator):
    kinds = list(_KINDS)
    kind = kinds[index % len(kinds)]
    area = _AREAS[index % len(_AREAS)]
    cycle = index // len(_AREAS)
    folder = _KINDS[kind].get("pattern", "{area}区{kind}").format(area=area, kind=kind) + (
        f"{cycle + 1}" if cycle else ""
    )
    name = f"{folder}（{MARK}）"
    spec = _KINDS[kind]
    themes = list(spec["projects"])
    rng.shuffle(themes)
    n_projects = int(rng.integers(2, min(4, len(themes)) + 1))
    projects = []
    for pname, qty in themes[:n_projects]:
        budget = float(np.clip(rng.lognormal(math.log(25), 0.9), 3, 400))
        projects.append(_plan_project(pname, qty, n_indicators, rng, budget))
    if len(themes) > n_projects:  # a project that only some years have
        pname, qty = themes[n_projects]
        extra = _plan_project(pname, qty, n_indicators, rng, float(np.clip(rng.lognormal(math.log(10), 0.6), 2, 80)))
        extra.optional = True
        projects.append(extra)
    staff = int(rng.integers(15, 61))
    return dict(
        folder=folder,
        name=name,
        kind=kind,
        functions=spec["functions"],
        projects=projects,
        staff_authorized=staff,
        staff_actual=staff - int(rng.integers(0, 6)),
        staff_other=int(rng.integers(0, 21)),
        personnel=staff * float(rng.uniform(12, 20)),
        public=staff * float(rng.uniform(1.0, 2.5)),
        team=_team(rng, int(rng.integers(5, 10))),
    )


def _team(rng: np.random.Generator, n: int) -> list[dict]:
    names: list[str] = []
    while len(names) < n:
        nm = _SURNAMES[int(rng.integers(len(_SURNAMES)))] + "".join(
            _GIVEN[int(rng.integers(len(_GIVEN)))] for _ in range(int(rng.integers(1, 3)))
        )
        if nm not in names:
            names.append(nm)
    rows = []
    for i, nm in enumerate(names):
        role, post = ("组长", "主任") if i == 0 else (("副组长", "副主任") if i < 3 else ("成员", "科长"))
        rows.append(
            dict(
                name=nm,
                unit="本单位"
                if i < 3
                else f"本单位 {['财务科', '办公室', '业务一科', '业务二科', '综合科', '信息科', '监督科'][(i - 3) % 7]}",
                post=post,
                role=role,
                note=MARK,
            )
        )
    return rows


# ----------------------------------------------------------------------------- one year


def _actual(item: _Item, target, high, rng: np.random.Generator):
    """A plausible actual for the target: mostly met, some short, some far above (target set too low)."""
    d = item.direction
    if d == "range":
        r = rng.random()
        if r < 0.6:
            return float(rng.integers(int(target), int(high) + 1))
        if r < 0.8:
            return float(max(0, int(target) - int(rng.integers(1, 3))))
        return float(int(high) + int(rng.integers(1, max(2, int(high) * 2))))
    if item.unit == "%":
        if d == "=":
            return 1.0 if rng.random() < 0.85 else round(float(rng.uniform(0.95, 0.995)), 3)
        return round(float(min(1.0, target + rng.normal(0.02, 0.03))), 3)
    if d == "<=":
        return float(round(target * rng.uniform(0.6, 1.12), 1 if item.unit == "元" else 0))
    r = rng.random()
    factor = (
        rng.uniform(1.0, 1.25)
        if r < 0.7
        else rng.uniform(0.75, 1.0)
        if r < 0.85
        else rng.uniform(1.3, 3.0)
        if r < 0.95
        else rng.uniform(0.4, 0.75)
    )
    return float(round(target * factor, _decimals(item.unit)))


def _year_tables(plan: dict, drift: float, rng: np.random.Generator) -> tuple[list[dict], list[dict]]:
    """The tables of one year as canonical frames (for scoring) and as CSV-ready rows."""
    projects, indicators = [], []
    present = [p for p in plan["projects"] if not p.optional or rng.random() < 0.5]
    for p in present:
        money = _project_money(p, drift, rng)
        goals, results = [], []
        for it in p.items:
            rows = _item_rows(p.name, it, money["budget"], money["spent"], drift, rng)
            indicators.extend(rows)
            if _measured(it, rows[0]) and len(goals) < 3:
                goals.append(f"{it.name}{rows[0]['target_text']}")
                results.append(f"{it.name}{_shown(rows[0]['actual'], it.unit)}")
        projects.append(_project_row(plan["name"], p.name, money, goals, results, rng))
    _mark_not_applicable(indicators, rng)
    return projects, indicators


def _project_money(p: _Project, drift: float, rng: np.random.Generator) -> dict:
    """The project's budget, spending, funding split and stated execution rate for one year."""
    budget = round(p.base_budget * drift * float(rng.uniform(0.95, 1.05)), 2)
    r = rng.random()
    rate = 1.0 if r < 0.3 else float(rng.uniform(0.88, 1.0)) if r < 0.93 else float(rng.uniform(0.6, 0.88))
    spent = round(budget * rate, 2)
    carry = round(budget * float(rng.uniform(0.05, 0.3)), 2) if rng.random() < 0.3 else 0.0
    fiscal = round(budget - carry, 2)
    stated = round(spent / budget, 4) if budget else None
    if stated is not None and rng.random() < 0.08:  # a rate the text states wrongly
        stated = round(min(1.0, stated + float(rng.uniform(0.02, 0.06))), 4)
    return dict(budget=budget, spent=spent, fiscal_current=fiscal, carryover=carry, stated_rate=stated)


def _project_row(
    implementer: str, name: str, money: dict, goals: list[str], results: list[str], rng: np.random.Generator
) -> dict:
    """The project's row of the projects table, with the goals and results its text quotes."""
    budget = money["budget"]
    return dict(
        project=name,
        department=None,
        implementer=implementer,
        budget_initial=round(budget * (1.0 if rng.random() < 0.6 else float(rng.uniform(0.85, 1.0))), 2),
        budget=budget,
        spent=money["spent"],
        fiscal_current=money["fiscal_current"],
        carryover=money["carryover"],
        other_funds=None,
        execution_weight=float(EXECUTION_WEIGHT),
        stated_rate=money["stated_rate"],
        published_score=None,
        published_grade=None,
        goal="，".join(goals) + "。" if goals else None,
        result="，".join(results) + "。" if results else None,
        note=MARK,
    )


def _item_target(it: _Item, budget: float, drift: float, rng: np.random.Generator) -> tuple[float | None, float | None]:
    """This year's (target, upper end of a range) of the indicator; None for a qualitative one."""
    high = None
    if it.direction == "qualitative":
        target = None
    elif it.target == "budget":
        target = budget
    elif it.direction == "range":
        lo, hi = it.target
        grow = max(0, round((drift - 1) * lo))
        target, high = float(lo + grow), float(hi + grow)
    elif it.unit == "%" or it.unit == "工作日" or it.unit == "元":
        target = float(it.target)
    else:
        target = _nice(float(it.target) * math.sqrt(drift) * float(rng.uniform(0.9, 1.1)), _decimals(it.unit))
    return target, high


def _measured(it: _Item, row: dict) -> bool:
    """Whether the row holds a measured actual of a quantitative indicator (not the budget line)."""
    return row["actual"] is not None and it.direction != "qualitative" and it.target != "budget"


def _item_rows(
    project: str, it: _Item, budget: float, spent: float, drift: float, rng: np.random.Generator
) -> list[dict]:
    """The indicator's row for one year, followed by its breakdown rows (if any)."""
    target, high = _item_target(it, budget, drift, rng)
    row = dict(
        project=project,
        level1=it.level1,
        level2=it.level2,
        level3=it.name,
        unit=it.unit,
        direction=it.direction,
        target=target,
        target_high=high,
        actual=None,
        weight=float(it.weight),
        panel_score=None,
        qualitative_grade=None,
        applicable=True,
        parent=None,
        target_text=_target_text(it, target, high),
        actual_text=None,
        deviation=None,
        source=f"{MARK}（随机生成，非真实数据）",
    )
    _fill_actual(row, it, target, high, spent, rng)
    rows = [row]
    if _measured(it, row):
        row["actual_text"] = None
    if it.parts and row["actual"] is not None and row["actual"] >= len(it.parts):
        rows.extend(_part_rows(project, it, row["actual"], rng))
    return rows


def _fill_actual(
    row: dict, it: _Item, target: float | None, high: float | None, spent: float, rng: np.random.Generator
) -> None:
    """Fill the row's actual (or its qualitative grade), or say why it is missing."""
    if it.direction == "qualitative":
        _fill_qualitative(row, it, rng)
    elif it.target == "budget":
        row["actual"] = spent
        row["actual_text"] = f"实际支出 {_num(spent)} 万元"
    elif rng.random() < 0.04:
        row["actual_text"] = "未统计"
        row["deviation"] = "统计口径未建立，未能取得实际完成数"
    else:
        row["actual"] = _actual(it, target, high, rng)


def _fill_qualitative(row: dict, it: _Item, rng: np.random.Generator) -> None:
    """Fill a qualitative indicator's grade, its text and sometimes the panel's score."""
    g = rng.random()
    if g < 0.04:
        row["actual_text"] = "未提供完成情况"
        row["deviation"] = "缺少佐证材料"
        return
    grade = "达成" if g < 0.82 else "部分达成" if g < 0.96 else "未达成"
    row["qualitative_grade"] = grade
    row["actual_text"] = _QUAL_TEXT[grade]
    if grade != "达成":
        row["deviation"] = "工作推进慢于计划，下年度加强调度"
    if rng.random() < 0.4:  # the panel's score, inside the grade's band
        row["panel_score"] = _panel_score(it.weight, grade, rng)


def _panel_score(weight: int, grade: str, rng: np.random.Generator) -> float:
    """A panel's score of a qualitative indicator, one decimal, inside the band of its grade."""
    low, up = {"达成": (0.8, 1.0), "部分达成": (0.6, 0.8), "未达成": (0.0, 0.6)}[grade]
    score = math.floor(weight * float(rng.uniform(low, up)) * 10) / 10
    score = min(max(score, math.ceil(weight * low * 10) / 10), weight)
    if up < 1.0 and score >= weight * up:
        score = math.ceil(weight * low * 10) / 10
    return score


def _part_rows(project: str, it: _Item, total: float, rng: np.random.Generator) -> list[dict]:
    """Breakdown rows (weight 0) of the indicator's actual ``total``; in some years they do not add up."""
    shares = rng.dirichlet(np.full(len(it.parts), 4.0))
    values = [float(math.floor(total * s)) for s in shares[:-1]]
    values.append(float(total - sum(values)))
    wrong = rng.random() < 0.3
    if wrong:  # as in real reports: the parts do not add up to the total
        values[0] += float(max(1, round(total * rng.uniform(0.02, 0.15))))
    return [
        dict(
            project=project,
            level1=it.level1,
            level2=it.level2,
            level3=f"{it.name}（{sub}）",
            unit=it.unit,
            direction=it.direction,
            target=None,
            target_high=None,
            actual=v,
            weight=0.0,
            panel_score=None,
            qualitative_grade=None,
            applicable=True,
            parent=it.name,
            target_text=None,
            actual_text=None,
            deviation=None,
            source=f"{MARK}：分项，不计分" + ("；分项之和故意与合计不符，供核查演示" if wrong else ""),
        )
        for sub, v in zip(it.parts, values)
    ]


def _mark_not_applicable(indicators: list[dict], rng: np.random.Generator) -> None:
    """Sometimes mark one scored quantitative indicator (without breakdown rows) not applicable this year."""
    scored = [r for r in indicators if r["parent"] is None and r["direction"] != "qualitative"]
    if scored and rng.random() < 0.15:  # an indicator that did not apply this year
        row = scored[int(rng.integers(len(scored)))]
        if not any(r.get("parent") == row["level3"] and r["project"] == row["project"] for r in indicators):
            row.update(applicable=False, actual=None, actual_text="本年度不适用", deviation="政策调整，本年度未实施")


def _score(projects: list[dict], indicators: list[dict], rules) -> pd.DataFrame:
    """Score the year in memory (the same functions ``evaluate`` uses) to publish plausible scores."""
    ind = pd.DataFrame(indicators)
    for col in ("target", "target_high", "actual", "weight", "panel_score"):
        ind[col] = pd.to_numeric(ind[col], errors="coerce").astype(float)
    ind["rule"] = None  # percentages are fractions already, as the loader gives them
    proj = pd.DataFrame(projects)
    for col in ("budget", "spent", "execution_weight"):
        proj[col] = proj[col].astype(float)
    proj["published_score"] = np.nan
    return score_projects(proj, score_indicators(ind, rules), rules, rules.grade_bands)


def _write_year(folder: Path, profile: dict, tables: dict[str, list[dict]]) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, table in S.TABLES.items():
        rows = tables.get(name, [])
        frame = pd.DataFrame(
            [{f.name: r.get(f.name) for f in table.fields} for r in rows], columns=table.names()
        ).astype(object)
        write_text(folder / table.file, frame.to_csv(index=False, lineterminator="\n"))
    text = (
        f"# {profile['unit']} {profile['year']} — {MARK}：由 evaltools synthetic 随机生成，不是任何真实单位的数据。\n"
        + yaml.safe_dump(profile, allow_unicode=True, sort_keys=False, width=1000)
    )
    write_text(folder / "profile.yaml", text)


def _csv_rows(projects, indicators):
    """Canonical values → the text the input files hold (≥, 95%, 是/否 …)."""
    ind_rows = []
    for r in indicators:
        out = dict(r)
        out["direction"] = labels.DIRECTION[r["direction"]]
        for col in ("target", "target_high", "actual"):
            out[col] = _value(r[col], r["unit"])
        out["weight"] = _num(r["weight"])
        out["panel_score"] = _num(r["panel_score"], 1)
        out["applicable"] = "" if r["applicable"] else "否"
        ind_rows.append(out)
    proj_rows = []
    for p in projects:
        out = dict(p)
        for col in (
            "budget_initial",
            "budget",
            "spent",
            "fiscal_current",
            "carryover",
            "other_funds",
            "published_score",
        ):
            out[col] = _num(p[col])
        out["execution_weight"] = _num(p["execution_weight"])
        out["stated_rate"] = _pct(p["stated_rate"])
        proj_rows.append(out)
    return proj_rows, ind_rows


def generate(
    out_dir: str | Path,
    units: int = 3,
    years: int = 4,
    indicators: int = 12,
    seed: int = 0,
    *,
    start_year: int = 2020,
    rules: str = JobParams.rules,
    check: bool = True,
    kinds: tuple[str, ...] = ("department_projects",),
) -> SyntheticSet:
    """Write ``units`` × ``years`` synthetic unit-years to ``out_dir/<unit>/<year>/`` (CSV + profile.yaml).

    ``indicators`` is the number of scored indicators per project (3–60; breakdown rows come on top).
    Published scores and grades are derived with the rule set ``rules`` (the one the reports will use,
    the job default), so the printed grade table matches its bands. The same seed writes the
    same files. With ``check`` every unit-year is loaded back (as ``evaltools check`` does) and an
    error there raises :class:`~evaltools.errors.InputError` — generated data is always valid input.
    ``kinds`` are the report kinds given to the units in turn (:data:`~evaltools.data.schema.REPORT_KINDS`):
    a department with projects, a department table, a project's form alone, or department and projects.
    """
    unknown_kinds = sorted(set(kinds) - set(S.REPORT_KINDS))
    if unknown_kinds or not kinds:
        raise ParamsError(f"unknown report kind(s) {unknown_kinds}; known: {', '.join(S.REPORT_KINDS)}", key="kinds")
    _check_counts(units, years, indicators)
    rule_set = load_rules(rules)
    root = Path(out_dir)
    rng = np.random.default_rng(seed)
    folders, names = [], {}
    year_list = list(range(start_year, start_year + years))
    for u in range(units):
        plan = _plan_unit(u, indicators, rng)
        plan["report_kind"] = kinds[u % len(kinds)]
        safe_component(plan["folder"], "unit")
        folders.append(plan["folder"])
        names[plan["folder"]] = plan["name"]
        drift = 1.0
        for k, year in enumerate(year_list):
            if k:
                drift *= 1.0 + float(rng.normal(0.04, 0.05))
            _generate_year(root, plan, year, drift, rule_set, seed, rng)
    result = SyntheticSet(root, tuple(folders), tuple(year_list), names)
    if check:
        verify(result)
    return result


def _check_counts(units: int, years: int, indicators: int) -> None:
    """Raise ParamsError unless there is at least one unit and year and the indicator count is in range."""
    if units < 1 or years < 1:
        raise ParamsError("units and years must be at least 1", key="units" if units < 1 else "years")
    if not MIN_INDICATORS <= indicators <= MAX_INDICATORS:
        raise ParamsError(
            f"indicators per project must be {MIN_INDICATORS}–{MAX_INDICATORS}, found {indicators}", key="indicators"
        )


def _generate_year(
    root: Path, plan: dict, year: int, drift: float, rule_set: RuleSet, seed: int, rng: np.random.Generator
) -> None:
    """Write one unit-year: its tables scored, published, stated and written to ``root/<unit>/<year>/``."""
    bands = rule_set.grade_bands
    projects, indicator_rows = _year_tables(plan, drift, rng)
    scored = _score(projects, indicator_rows, rule_set)
    total = _publish_scores(projects, scored["computed_score"], bands, rng)
    lines = _budget_lines(plan, drift, rng)
    statements = _statements(projects, total, year, rng)
    band_rows = _band_rows(bands, gap=rng.random() < 0.1)
    profile = _profile(plan, year, seed, projects, total, lines, drift, bands, rng)
    if plan["report_kind"] != "department_projects":
        projects, indicator_rows, lines, statements = _as_kind(
            plan["report_kind"], projects, indicator_rows, lines, profile
        )
    proj_rows, ind_rows = _csv_rows(projects, indicator_rows)
    for row in lines:
        row["budget"], row["spent"] = _num(row["budget"]), _num(row["spent"])
        row["prior_year_payables"] = _num(row["prior_year_payables"])
        row["stated_rate"] = _pct(row["stated_rate"])
    income = [
        dict(source="事业收入", amount="0", note=MARK),
        dict(source="其他收入", amount=_num(round(float(rng.uniform(0, 5)), 2)), note=MARK),
    ]
    _write_year(
        root / plan["folder"] / str(year),
        profile,
        {
            "budget_lines": lines,
            "income_sources": income,
            "projects": proj_rows,
            "indicators": ind_rows,
            "team": plan["team"],
            "statements": statements,
            "grade_bands": band_rows,
        },
    )


def _as_kind(
    kind: str, projects: list[dict], indicators: list[dict], lines: list[dict], profile: dict
) -> tuple[list[dict], list[dict], list[dict], list[dict]]:
    """Reshape a department-with-projects year into another report kind: the first project becomes the
    department's own table (``department``/``department_full``: its indicators lose their project, its
    execution weight and published score become the profile's), or stays alone (``project``: no budget
    lines). Statements about the projects no longer apply and are dropped."""
    first = projects[0]
    profile["report_kind"] = kind
    profile["published_total"] = first["published_score"]
    profile["published_grade"] = first["published_grade"]
    if kind == "project":
        kept = [r for r in indicators if r["project"] == first["project"]]
        return [first], kept, [], []
    profile["execution_weight"] = first["execution_weight"]
    for r in indicators:
        if r["project"] == first["project"]:
            r["project"] = None
            if r.get("parent") is not None:
                r["parent"] = r["parent"]
    rest = projects[1:] if kind == "department_full" else []
    names = {p["project"] for p in rest}
    kept = [r for r in indicators if r["project"] is None or r["project"] in names]
    return rest, kept, lines, []


def _publish_scores(
    projects: list[dict], computed_scores: pd.Series, bands: pd.DataFrame, rng: np.random.Generator
) -> float | None:
    """Publish scores and grades for some projects (a few off); return the published total, or None."""
    published = []
    for p, computed in zip(projects, computed_scores):
        if rng.random() < 0.6:
            value = float(round(computed))
            if rng.random() < 0.15:  # a published score the data does not support
                value = float(min(100, value + int(rng.integers(3, 9))))
            p["published_score"] = value
            p["published_grade"] = grade_of(pd.Series([value]), bands).iloc[0]
            published.append(value)
        else:
            published.append(float(computed))
    return float(round(float(np.mean(published)))) if rng.random() < 0.6 else None


def _statements(projects: list[dict], total: float | None, year: int, rng: np.random.Generator) -> list[dict]:
    """What the text states (project count, total score, year, a fund usage rate), sometimes wrongly."""
    n_proj = len(projects)
    said_count = n_proj + (1 if rng.random() < 0.15 else 0)  # sometimes the text miscounts
    statements = [
        dict(
            subject="部门",
            metric="project_count",
            stated=str(said_count),
            quote=f"{year}年我单位共实施{said_count}个项目",
            location="一(二)",
        )
    ]
    if total is not None:
        statements.append(
            dict(
                subject="部门",
                metric="total_score",
                stated=_num(total),
                quote=f"经评分，我单位绩效评价整体得分 {_num(total)} 分",
                location="四",
            )
        )
    said = year - 1 if rng.random() < 0.1 else year
    statements.append(
        dict(
            subject="部门",
            metric="evaluated_year",
            stated=str(said),
            quote=f"对本单位 {said} 年整体支出情况实施了绩效自评价",
            location="引言",
        )
    )
    p0 = projects[0]
    if p0["stated_rate"] is not None:
        statements.append(
            dict(
                subject=p0["project"],
                metric="fund_usage_rate",
                stated=_pct(p0["stated_rate"]),
                quote=f"资金使用率 {_pct(p0['stated_rate'])}",
                location="三(二)1",
            )
        )
    return statements


def _profile(
    plan: dict,
    year: int,
    seed: int,
    projects: list[dict],
    total: float | None,
    lines: list[dict],
    drift: float,
    bands: pd.DataFrame,
    rng: np.random.Generator,
) -> dict:
    """The unit-year's profile.yaml content (marked synthetic), with assets, goals, problems and measures."""
    assets_fixed = round(plan["staff_authorized"] * float(rng.uniform(1.5, 4.0)) * drift, 2)
    assets_carry = round(float(rng.uniform(0, 0.05)) * sum(line["budget"] for line in lines), 2)
    return {
        "unit": plan["name"],
        "year": year,
        "synthetic": True,
        "unit_type": "全额拨款事业单位",
        "accounting_system": "政府会计制度",
        "staff_authorized": plan["staff_authorized"],
        "staff_actual": plan["staff_actual"],
        "staff_other": plan["staff_other"],
        "assets_net": round(assets_fixed + assets_carry, 2),
        "assets_carryover": assets_carry,
        "assets_fixed": assets_fixed,
        "published_total": total,
        "published_grade": grade_of(pd.Series([total]), bands).iloc[0] if total is not None else None,
        "basis": "《项目支出绩效评价管理办法》（财预〔2020〕10号）",
        "source": f"{MARK}：由 evaltools synthetic 随机生成（seed={seed}），不是任何真实单位的数据，仅供演示和测试",
        "functions": list(plan["functions"]),
        "goals": [f"{p['project']}：{p['goal']}" for p in projects if p["goal"]],
        "organisation": [
            "成立绩效自评工作小组，由单位负责人任组长，财务和业务科室参加。",
            "收集项目申报文件、业务台账、财务明细账等评价资料。",
            "对照年初绩效目标逐项核对完成情况并打分。",
        ],
        "methods": [
            "叙述法：各科室编写全年工作总结",
            "对比法：对比年初目标与实际完成情况",
            "数据分析法：分析预算执行进度和资金使用情况",
            "公众评判法：通过满意度调查和投诉情况评价满意度",
        ],
        "achievements": [f"{p['project']}：{p['result']}" for p in projects if p["result"]],
        "problems": [str(x) for x in rng.choice(_PROBLEMS, size=2, replace=False)],
        "measures": [str(x) for x in rng.choice(_MEASURES, size=2, replace=False)],
    }


def _budget_lines(plan: dict, drift: float, rng: np.random.Generator) -> list[dict]:
    lines = []
    for line, base, spread in (
        ("人员经费", plan["personnel"], (0.95, 1.03)),
        ("日常公用支出", plan["public"], (0.82, 1.0)),
    ):
        budget = round(base * drift * float(rng.uniform(0.97, 1.03)), 2)
        spent = round(budget * float(rng.uniform(*spread)), 2)
        payables = (
            round(budget * float(rng.uniform(0.05, 0.2)), 2) if line == "人员经费" and rng.random() < 0.1 else None
        )
        if payables:
            spent = round(spent + payables, 2)
        lines.append(
            dict(
                line=line,
                category="基本支出",
                budget=budget,
                spent=spent,
                prior_year_payables=payables,
                stated_rate=round(spent / budget, 4) if rng.random() < 0.8 else None,
                note=f"{MARK}：支出 {_num(spent)} 万元",
            )
        )
    return lines


def _band_rows(bands: pd.DataFrame, gap: bool = False) -> list[dict]:
    """The grade table as the report prints it; with ``gap`` the classic misprint (良好 ends at 89, not 90)."""
    rows = []
    for b in bands.to_dict("records"):
        top, bottom = b["upper"] >= 100, b["lower"] <= 0
        upper = b["upper"] - 1 if gap and not top and b["upper"] == 90 else b["upper"]
        rows.append(
            dict(
                grade=b["grade"],
                lower="" if bottom else _num(b["lower"]),
                lower_inclusive="" if bottom else ("是" if b["lower_inclusive"] else "否"),
                upper="" if top else _num(upper),
                upper_inclusive="" if top else ("是" if b["upper_inclusive"] else "否"),
                note=f"{'得分 ≥ ' + _num(b['lower']) if top else ('得分 < ' + _num(upper) if bottom else _num(b['lower']) + ' ≤ 得分 < ' + _num(upper))} 分为{b['grade']}",
            )
        )
    return rows


def verify(dataset: SyntheticSet) -> None:
    """Load every unit-year back as ``evaltools check`` does; raise InputError on the first with errors."""
    for unit, year in dataset.jobs:
        source = find_source(year, dataset.root, unit)
        _, problems = inspect_path(source, expected_year=year)
        if problems.has_errors:
            raise InputError(problems.items, summary=f"合成数据未通过核验 / generated data failed its check: {source}")


# ----------------------------------------------------------------------------- large in-memory tables


def generate_frames(
    units: int = 10_000, indicators_per_unit: int = 100, seed: int = 0, projects_per_unit: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(indicators, projects) for ``units`` synthetic units, vectorised, with a column naming the unit.

    The column is :data:`evaltools.scoring.indicators.ORG` (``org``: in the indicator table ``unit`` is the unit of
    measure, 度量单位), so that :func:`~evaltools.scoring.indicators.group_keys` scores each unit's projects apart.

        The indicator table has every column :func:`evaltools.scoring.indicators.score_indicators` reads; each unit
        has ``projects_per_unit`` projects (default: one per 20 indicators, 1–5) whose scored weights add
        to 90 (floats), all directions, ~2% breakdown rows, ~3% missing actuals, ~1% not applicable.
    """
    org = getattr(scoring, "ORG", "unit")
    rng = np.random.default_rng(seed)
    ipu = int(indicators_per_unit)
    ppu = int(projects_per_unit or max(1, min(5, ipu // 20)))
    if units < 1 or ipu < 1 or ppu > ipu:
        raise ParamsError("need units ≥ 1 and indicators_per_unit ≥ projects_per_unit ≥ 1")
    unit_names = np.array([f"{MARK}单位{i:05d}" for i in range(units)], dtype=object)
    project_names = np.array([f"项目{k + 1}" for k in range(ppu)], dtype=object)
    indicators = _indicator_frame(org, unit_names, project_names, ipu, rng)
    projects = _project_frame(org, unit_names, project_names, rng)
    return indicators, projects


def _frame_layout(units: int, ipu: int, ppu: int) -> tuple[np.ndarray, ...]:
    """Per indicator row: position in unit, unit, project in unit, global project, position in project, project size."""
    pos = np.tile(np.arange(ipu), units)  # position in the unit
    u = np.repeat(np.arange(units), ipu)
    proj = pos * ppu // ipu  # project within the unit
    gproj = u * ppu + proj  # global project number
    starts = np.searchsorted(proj[:ipu], np.arange(ppu))  # first position of each project in a unit
    in_proj = pos - starts[proj]  # position within its project
    size = np.bincount(proj[:ipu], minlength=ppu)[proj]  # indicators in its project
    return pos, u, proj, gproj, in_proj, size


def _indicator_frame(
    org: str, unit_names: np.ndarray, project_names: np.ndarray, ipu: int, rng: np.random.Generator
) -> pd.DataFrame:
    """The indicator table of :func:`generate_frames`: ``ipu`` indicators for each unit."""
    units, ppu = len(unit_names), len(project_names)
    n = units * ipu
    pos, u, proj, gproj, in_proj, size = _frame_layout(units, ipu, ppu)
    level3_names = np.array([f"指标{k:03d}" for k in range(ipu)], dtype=object)

    directions = np.array([">=", "<=", "=", "range", "qualitative"], dtype=object)
    d, target, high, actual = _frame_targets(n, rng)
    direction = directions[d]

    grades = np.array(list(S.QUALITATIVE_GRADES) + [None], dtype=object)
    g = rng.choice(4, size=n, p=[0.78, 0.14, 0.04, 0.04])
    grade = np.where(d == 4, grades[g], None)

    # breakdowns: positions 8 and 9 of every ten in a project may be parts of position 7 (same 一级指标)
    part = (in_proj % 10 >= 8) & (rng.random(n) < 0.1)
    parent = np.full(n, None, dtype=object)
    parent_row = np.arange(n) - np.where(part, in_proj % 10 - 7, 0)
    parent[part] = level3_names[pos[parent_row[part]]]
    share = in_proj / size
    category = np.where(share < 0.55, 0, np.where(share < 0.88, 1, 2))[parent_row]
    level1 = np.array(["产出指标", "效益指标", "满意度指标"], dtype=object)[category]
    level2 = np.array(["数量指标", "社会效益指标", "服务对象满意度指标"], dtype=object)[category]

    weight, panel = _frame_weights(part, gproj, units * ppu, category, d, g, rng)
    return pd.DataFrame(
        {
            org: unit_names[u],
            "project": project_names[proj],
            "level1": level1,
            "level2": level2,
            "level3": level3_names[pos],
            "direction": direction,
            "target": target,
            "target_high": high,
            "actual": actual,
            "weight": weight,
            "panel_score": panel,
            "qualitative_grade": grade,
            "rule": np.full(n, None, dtype=object),
            "applicable": rng.random(n) >= 0.01,
            "parent": parent,
        }
    )


def _frame_targets(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(direction codes 0–4, target, upper end of ranges, actual) for ``n`` indicators, ~3% actuals missing."""
    d = rng.choice(5, size=n, p=[0.5, 0.12, 0.08, 0.08, 0.22])
    target = np.where(
        d == 0,
        rng.integers(10, 5000, n),
        np.where(d == 1, rng.integers(5, 60, n), np.where(d == 2, 100, rng.integers(2, 20, n))),
    ).astype(float)
    high = np.where(d == 3, target + rng.integers(1, 5, n), np.nan)
    target[d == 4] = np.nan
    actual = np.round(target * rng.lognormal(0.02, 0.2, n))
    actual[rng.random(n) < 0.03] = np.nan
    return d, target, high, actual


def _frame_weights(
    part: np.ndarray,
    gproj: np.ndarray,
    n_projects: int,
    category: np.ndarray,
    d: np.ndarray,
    g: np.ndarray,
    rng: np.random.Generator,
) -> tuple[np.ndarray, np.ndarray]:
    """(weight, panel score): weights with two decimals, as forms print them, adding per project to the
    10号 split 产出 50 / 效益 30 / 满意度 10 (5% of projects split 55/25/10; a category whose rows are all
    breakdowns gives its points to 产出); breakdown rows 0; panel scores inside the grade's band."""
    n = len(part)
    off = rng.random(n_projects) < 0.05
    points = np.where(off[:, None], [55.0, 25.0, 10.0], [50.0, 30.0, 10.0])  # per project and category
    counted = np.bincount(gproj * 3 + category, weights=~part, minlength=n_projects * 3).reshape(-1, 3) > 0
    points[:, 0] += np.where(counted, 0.0, points).sum(axis=1)
    points = np.where(counted, points, 0.0).ravel()
    group = gproj * 3 + category
    raw = np.where(part, 0.0, rng.uniform(0.5, 1.5, n))
    total = np.bincount(group, weights=raw, minlength=n_projects * 3)
    with np.errstate(invalid="ignore", divide="ignore"):
        weight = np.where(part, 0.0, np.round(raw / total[group] * points[group], 2))
    residual = points - np.bincount(group, weights=weight, minlength=n_projects * 3)
    rows = np.flatnonzero(~part)
    first = np.full(n_projects * 3, -1)
    first[group[rows][::-1]] = rows[::-1]  # the first weighted row of each project and category
    weight[first[first >= 0]] = np.round(weight[first[first >= 0]] + residual[first >= 0], 2)
    low = np.select([g == 0, g == 1, g == 2], [0.8, 0.6, 0.0], 0.0)
    width = np.select([g == 0, g == 1], [0.2, 0.2], 0.6)
    panel = np.where(
        (d == 4) & (g < 3) & (rng.random(n) < 0.3), np.round(weight * (low + width * rng.random(n) * 0.99), 2), np.nan
    )
    return weight, panel


def _project_frame(
    org: str, unit_names: np.ndarray, project_names: np.ndarray, rng: np.random.Generator
) -> pd.DataFrame:
    """The project table of :func:`generate_frames`: budgets, spending and some published scores."""
    units, ppu = len(unit_names), len(project_names)
    pu = np.repeat(np.arange(units), ppu)
    budget = np.round(rng.lognormal(np.log(25), 0.9, units * ppu), 2)
    spent = np.round(budget * np.clip(rng.normal(0.95, 0.05, units * ppu), 0.5, 1.05), 2)
    published = np.where(rng.random(units * ppu) < 0.3, np.round(rng.uniform(70, 98, units * ppu)), np.nan)
    return pd.DataFrame(
        {
            org: unit_names[pu],
            "project": project_names[np.tile(np.arange(ppu), units)],
            "budget": budget,
            "spent": spent,
            "execution_weight": np.full(units * ppu, float(EXECUTION_WEIGHT)),
            "published_score": published,
            "published_grade": np.full(units * ppu, None, dtype=object),
        }
    )


__all__ = ["generate", "generate_frames", "verify", "SyntheticSet", "MARK"]
