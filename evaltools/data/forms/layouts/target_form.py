"""绩效目标自评表: the 项目支出 self-evaluation titled by its targets (安徽 萧县 2023, 宁夏 原州 2022, 四川 中江
2022; docs/research/forms/anhui-xiaoxian-hexicun-2023-project.md, ningxia-yuanzhou-malingshu-2022-project.md,
sichuan-zhongjiang-shuili-shuibiaochi-2022-project.md): the standard blocks, 分值 often before 年度指标值, 全年实际值,
未完成原因及改进措施; 原州 prints no 分值 or 得分 in its funds block (execution is weighed nowhere)."""

from __future__ import annotations

from evaltools.data.forms.layouts.base import Block, form_layout
from evaltools.data.forms.layouts.standard import PROJECT

TARGET_FORM = form_layout(
    "project-target",
    base=PROJECT,
    titles=(r"^(?!.*整体).*绩效目标",),
    blocks=(
        Block("funds", rows={"total": ("年度资金总额",)}),
        Block("indicators", columns={"deviation": ("未完成原因及改进措施", "未完成原因及拟采取的改进措施")}),
    ),
    source="绩效目标自评表: 萧县 2023, 原州 2022, 中江 2022 (docs/research/forms/)",
)
