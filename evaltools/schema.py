"""The input tables of one year, declared once.

Each table has a canonical (English) column name used in code and CSV headers, and a Chinese
display title used as the Excel header (as in the standard 项目支出绩效自评表). Either may be used in
either input form. Validation of values is done by pandera schemas built from these declarations;
cross-table rules (references, weights that add up) live in :mod:`evaltools.validate`.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandera.pandas as pa

#: Canonical indicator directions and the spellings accepted for each.
DIRECTIONS: dict[str, tuple[str, ...]] = {
    ">=": ("≥", ">=", "正向", "不低于", "≧"),
    ">": (">", "＞", "大于"),
    "<=": ("≤", "<=", "反向", "不高于", "不超过", "≦"),
    "<": ("<", "＜", "小于"),
    "=": ("=", "＝", "等于"),
    "range": ("区间", "range", "范围"),
    "qualitative": ("定性", "qualitative"),
}
DIRECTION_ALIASES: dict[str, str] = {alias: key for key, aliases in DIRECTIONS.items() for alias in aliases}
#: How each canonical direction is shown on the page.
DIRECTION_DISPLAY = {">=": "≥", ">": ">", "<=": "≤", "<": "<", "=": "=", "range": "区间", "qualitative": "定性"}

#: The three qualitative grades of 财预〔2020〕10号 (full names and accepted short forms).
QUALITATIVE_GRADES: dict[str, tuple[str, ...]] = {
    "达成": ("达成", "达成年度指标"),
    "部分达成": ("部分达成", "部分达成年度指标并具有一定效果"),
    "未达成": ("未达成", "未达成年度指标且效果较差"),
}
QUALITATIVE_ALIASES = {alias: key for key, aliases in QUALITATIVE_GRADES.items() for alias in aliases}

LEVEL1 = ("产出指标", "效益指标", "满意度指标", "成本指标")


@dataclass(frozen=True)
class Field:
    """One column: canonical name, Chinese title, kind (text, number, money, rate, bool) and rules."""

    name: str
    title: str
    kind: str = "text"
    required: bool = True          # the column must be present
    nullable: bool = True          # cells may be empty
    help: str = ""


@dataclass(frozen=True)
class Table:
    """One input table: its CSV file stem, its Excel sheet, its fields and its key columns."""

    name: str
    sheet: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()
    required: bool = True
    min_rows: int = 1

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def titles(self) -> dict[str, str]:
        return {f.name: f.title for f in self.fields}

    def numeric(self) -> list[str]:
        return [f.name for f in self.fields if f.kind in ("number", "money", "rate")]

    def header_aliases(self) -> dict[str, str]:
        """Every accepted header (canonical name or Chinese title) → canonical name."""
        out = {}
        for f in self.fields:
            out[f.name.lower()] = f.name
            out[f.title] = f.name
        return out


T, N, M, R, B = "text", "number", "money", "rate", "bool"

BUDGET_LINES = Table("budget_lines", "收支预决算", (
    Field("line", "支出项目", nullable=False),
    Field("category", "支出类别", required=False),
    Field("budget", "预算数(万元)", M, nullable=False),
    Field("spent", "支出数(万元)", M, nullable=False),
    Field("prior_year_payables", "上年应付未付(万元)", M, required=False),
    Field("stated_rate", "报告所述完成率", R, required=False),
    Field("note", "说明", required=False),
), key=("line",))

INCOME_SOURCES = Table("income_sources", "收入来源", (
    Field("source", "收入来源", nullable=False),
    Field("amount", "金额(万元)", M, nullable=False),
    Field("note", "说明", required=False),
), key=("source",), required=False, min_rows=0)

PROJECTS = Table("projects", "项目", (
    Field("project", "项目名称", nullable=False),
    Field("department", "主管部门", required=False),
    Field("implementer", "实施单位", required=False),
    Field("budget_initial", "年初预算数(万元)", M, required=False),
    Field("budget", "全年预算数(万元)", M, nullable=False),
    Field("spent", "全年执行数(万元)", M, nullable=False),
    Field("fiscal_current", "其中：本年财政拨款(万元)", M, required=False),
    Field("carryover", "上年结转资金(万元)", M, required=False),
    Field("other_funds", "其他资金(万元)", M, required=False),
    Field("execution_weight", "预算执行率分值", N, required=False),
    Field("stated_rate", "报告所述资金使用率", R, required=False),
    Field("published_score", "公布得分", N, required=False),
    Field("published_grade", "公布等级", required=False),
    Field("goal", "年度总体目标", required=False),
    Field("result", "实际完成情况", required=False),
    Field("note", "说明", required=False),
), key=("project",), min_rows=0)

INDICATORS = Table("indicators", "绩效指标", (
    Field("project", "项目名称", nullable=False),
    Field("level1", "一级指标", nullable=False),
    Field("level2", "二级指标", nullable=False),
    Field("level3", "三级指标", nullable=False),
    Field("unit", "度量单位", required=False),
    Field("direction", "指标性质", nullable=False,
          help="≥ > ≤ < = 区间 定性"),
    Field("target", "年度指标值", N),
    Field("target_high", "指标值上限", N, required=False),
    Field("target_text", "指标值原文", required=False),
    Field("actual", "实际完成值", N),
    Field("actual_text", "实际值原文", required=False),
    Field("weight", "分值", N, nullable=False),
    Field("panel_score", "评价得分", N, required=False),
    Field("qualitative_grade", "定性等级", required=False, help="达成 / 部分达成 / 未达成"),
    Field("rule", "评分规则", required=False),
    Field("applicable", "是否适用", B, required=False),
    Field("parent", "所属合计指标", required=False),
    Field("deviation", "偏差原因分析及改进措施", required=False),
    Field("source", "数据来源及说明", required=False),
), key=("project", "level3"), min_rows=0)

TEAM = Table("team", "评价工作组", (
    Field("name", "姓名", nullable=False),
    Field("unit", "单位及科室", required=False),
    Field("post", "职务", required=False),
    Field("role", "评价小组", required=False),
    Field("note", "备注", required=False),
), key=("name",), required=False, min_rows=0)

STATEMENTS = Table("statements", "报告陈述", (
    Field("subject", "对象", nullable=False),
    Field("metric", "陈述类型", nullable=False),
    Field("stated", "所述数值", N, nullable=False),
    Field("quote", "原文", required=False),
    Field("location", "位置", required=False),
), required=False, min_rows=0)

GRADE_BANDS = Table("grade_bands", "等级表", (
    Field("grade", "等级", nullable=False),
    Field("lower", "下限", N),
    Field("lower_inclusive", "含下限", B, required=False),
    Field("upper", "上限", N),
    Field("upper_inclusive", "含上限", B, required=False),
    Field("note", "说明", required=False),
), key=("grade",), required=False, min_rows=0)

TABLES: dict[str, Table] = {t.name: t for t in (
    BUDGET_LINES, INCOME_SOURCES, PROJECTS, INDICATORS, TEAM, STATEMENTS, GRADE_BANDS)}


@dataclass(frozen=True)
class ProfileField:
    """A field of the unit profile (profile.yaml / sheet 单位概况 and 文字材料)."""

    name: str
    title: str
    kind: str = "text"       # text, int, money, list
    required: bool = False


PROFILE_FIELDS: tuple[ProfileField, ...] = (
    ProfileField("unit", "单位名称", required=True),
    ProfileField("year", "年度", "int", required=True),
    ProfileField("unit_type", "单位性质"),
    ProfileField("accounting_system", "会计制度"),
    ProfileField("staff_authorized", "编制人数", "int"),
    ProfileField("staff_actual", "年底在编人数", "int"),
    ProfileField("staff_other", "其他工作人员", "int"),
    ProfileField("assets_net", "年度资产净值(万元)", "money"),
    ProfileField("assets_carryover", "其中：结转下年(万元)", "money"),
    ProfileField("assets_fixed", "其中：固定资产(万元)", "money"),
    ProfileField("published_total", "公布总得分", "number"),
    ProfileField("published_grade", "公布评价等级"),
    ProfileField("basis", "评价依据"),
    ProfileField("source", "数据来源"),
    ProfileField("synthetic", "合成数据", "bool"),
    ProfileField("functions", "部门职能", "list"),
    ProfileField("goals", "总体绩效目标", "list"),
    ProfileField("organisation", "自评组织工作", "list"),
    ProfileField("methods", "自评方法", "list"),
    ProfileField("achievements", "总体目标完成情况", "list"),
    ProfileField("problems", "存在的问题", "list"),
    ProfileField("measures", "改进措施", "list"),
)
PROFILE_BY_NAME = {f.name: f for f in PROFILE_FIELDS}
PROFILE_ALIASES = {**{f.name: f.name for f in PROFILE_FIELDS}, **{f.title: f.name for f in PROFILE_FIELDS}}
PROFILE_SHEET = "单位概况"
TEXT_SHEET = "文字材料"


def pandera_schema(table: Table) -> pa.DataFrameSchema:
    """The pandera schema for a table after headers were normalised and numbers parsed.

    Money must be ≥ 0, rates ≥ 0, directions and qualitative grades from their vocabularies.
    """
    cols: dict[str, pa.Column] = {}
    for f in table.fields:
        checks = []
        if f.kind == "money":
            checks.append(pa.Check.ge(0, error="金额不能为负 / money must be ≥ 0"))
        if f.kind == "rate":
            checks.append(pa.Check.ge(0, error="比率不能为负 / rate must be ≥ 0"))
        if table is INDICATORS and f.name == "weight":
            checks.append(pa.Check.ge(0, error="分值不能为负 / weight must be ≥ 0"))
        if table is INDICATORS and f.name == "direction":
            checks.append(pa.Check.isin(list(DIRECTIONS), error="指标性质 must be one of ≥ > ≤ < = 区间 定性"))
        if table is INDICATORS and f.name == "qualitative_grade":
            checks.append(pa.Check.isin(list(QUALITATIVE_GRADES), error="定性等级 must be 达成 / 部分达成 / 未达成"))
        dtype = {"text": None, "number": float, "money": float, "rate": float, "bool": None}[f.kind]
        cols[f.name] = pa.Column(dtype, checks=checks, nullable=f.nullable, required=f.required,
                                 title=f.title, description=f.help or None)
    return pa.DataFrameSchema(cols, strict=False, name=table.name)
