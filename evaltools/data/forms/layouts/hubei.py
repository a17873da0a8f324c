"""湖北 市直 项目自评表 (2020–2022): titled ``<year>年度<项目>项目自评表``, funds ``预算执行情况(万元)(20分)`` with
预算数(A) | 执行数(B) | 执行率(B/A) | 得分(20分*执行率) on one 年度财政资金总额 row — no 分值 column, the weight (20)
stated in the label — and indicators 年初目标值(A) | 实际完成值(B) | 得分 with no 分值 column, a 得分 cell often
merged over two 三级 rows (docs/research/forms/hubei-huangshi-tushuguan-gongxiang-2022-project.md,
hubei-changjiang-jinbu-yuye-2020-project.md, hubei-qu-shangwu-fuwumaoyi-2020-project.md)."""

from __future__ import annotations

from evaltools.data.forms.layouts.base import Block, form_layout
from evaltools.data.forms.layouts.standard import PROJECT

HUBEI = form_layout(
    "project-hubei",
    base=PROJECT,
    titles=(r"项目自评表",),
    blocks=(
        Block(
            "funds",
            columns={"budget": ("预算数",), "spent": ("执行数",)},
            rows={"total": ("年度财政资金总额",)},
        ),
        Block(
            "indicators",
            columns={"target": ("年初目标值",), "deviation": ("偏差大或目标未完成原因分析",)},
            ends=("改进措施及结果应用方案",),
        ),
    ),
    source="湖北 市直 项目自评表: 黄石市图书馆 2022, 长江禁捕 2020, 商务 2020 (docs/research/forms/hubei-*)",
)
