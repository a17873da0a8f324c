"""The 经费控制 block as the report prints it (三公经费支出情况): the rows of
:func:`~evaltools.scoring.audit.cost_control.cost_table` and one sentence on the “三公”经费 total, as 部门决算 and
部门整体支出绩效自评报告 print them ("“三公”经费支出决算 X 万元，比上年增加/减少 Y 万元，下降 Z%"). Unknown figures
stay None (shown —); the sentence leaves out what depends on them.
"""

from __future__ import annotations

from types import SimpleNamespace

from evaltools import fmt
from evaltools.scoring.audit.cost_control import block, cost_table

#: The block's heading, as real reports print it.
HEADING = "三公经费支出情况"
#: Its table's column headings (万元 and rates), in order.
HEADERS = ("项目", "预算数", "决算数", "执行率", "上年决算数", "增减额", "增减率")


def cost_view(ev: object) -> SimpleNamespace | None:
    """The block of ``ev`` (an Evaluation) for the templates and the 自评表, None when the data has none."""
    frame = block(ev.data)
    if frame.empty:
        return None
    table = cost_table(frame)
    rows = [
        SimpleNamespace(
            item=r.item,
            part=bool(r.is_part),
            budget=fmt.known(r.budget),
            spent=fmt.known(r.spent),
            rate=fmt.known(r.execution_rate),
            prior=fmt.known(r.prior_spent),
            change=fmt.known(r.change),
            change_rate=fmt.known(r.change_rate),
        )
        for r in table.itertuples(index=False)
    ]
    total = next((r for r in rows if r.item == "三公经费"), None)
    return SimpleNamespace(heading=HEADING, headers=HEADERS, rows=rows, sentence=_sentence(ev.year, total))


def _sentence(year: int, total: SimpleNamespace | None) -> str | None:
    """“三公”经费 total in words: 决算, 比上年增减 (only what is known), 预算 and 执行率."""
    if total is None or total.spent is None:
        return None
    text = f"{year} 年“三公”经费决算 {fmt.wan(total.spent)} 万元"
    if total.change is not None:
        way = "增加" if total.change > 0 else "减少" if total.change < 0 else "持平"
        text += f"，比上年{way}" + (f" {fmt.wan(abs(total.change))} 万元" if total.change else "")
        if total.change and total.change_rate is not None:
            text += f"（{fmt.pct(abs(total.change_rate))}）"
    if total.budget is not None:
        text += f"；预算 {fmt.wan(total.budget)} 万元"
        if total.rate is not None:
            text += f"，执行率 {fmt.pct(total.rate)}"
    return text + "。"
