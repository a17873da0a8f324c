"""项目支出绩效自评表 headed 预算数(A) | 执行数(B) | 执行率(B/A) and 指标值(A) | 实际值(B): the older layout whose
printed scoring notes name its columns that way (得分 = 实际值(B) / 指标值(A) × 分值; 江西 2017, see
docs/research/templates.md, "Printed scoring rules seen"). The standard project layout with three more words."""

from __future__ import annotations

from evaltools.data.forms.layouts.base import Block, form_layout
from evaltools.data.forms.layouts.standard import PROJECT

BUDGET_AB = form_layout(
    "project-ab",
    base=PROJECT,
    blocks=(
        Block("funds", columns={"budget": ("预算数",), "spent": ("执行数",)}),
        Block("indicators", columns={"actual": ("实际值",)}),
    ),
    source="项目支出绩效自评表 with 预算数(A) / 执行数(B) and 指标值(A) / 实际值(B) (江西 2017 scoring notes)",
)
