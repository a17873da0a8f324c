"""Hand-made review frames (the contract's columns) for the workbook tests: two units, three forms — a project
form with an unknown recomputed indicator and findings, a second project with its 执行率 weight, a 部门整体 form —
and a three-item rule book (the shipped one with its items replaced)."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from evaltools.scoring.review.frames import FINDING_COLUMNS
from evaltools.scoring.review.rulebook import RuleBook, load_rulebook

NAN = np.nan
FORM_A, FORM_B, FORM_D = "甲单位｜项目A", "甲单位｜项目B", "乙单位｜部门整体"
ITEMS = ("FH01", "FH02", "FH03")


@dataclass(frozen=True)
class Frames:
    forms: pd.DataFrame
    indicators: pd.DataFrame
    findings: pd.DataFrame


def forms(synthetic: bool = False) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "form": [FORM_A, FORM_B, FORM_D],
            "unit": ["甲单位", "甲单位", "乙单位"],
            "project": ["项目A", "项目B", None],
            "kind": ["project", "project", "department"],
            "peer_group": ["事业单位"] * 3,
            "year": [2022] * 3,
            "file": ["forms/甲单位.xlsx", "forms/甲单位.xlsx", "forms/乙单位.docx"],
            "part": ["项目A", "项目B", "表1"],
            "budget": [100.0, 50.0, NAN],
            "spent": [80.0, 50.0, NAN],
            "execution_rate": [0.8, 1.0, NAN],
            "self_score": [100.0, 95.5, NAN],
            "computed_score": [NAN, 92.25, 88.0],
            "self_grade": ["优", "优", None],
            "computed_grade": [None, "优", "良"],
            "errors": [1, 0, 0],
            "warnings": [1, 0, 0],
            "unknown": [True, False, False],
            "text": ["", "", ""],
            "execution_weight": [NAN, 10.0, NAN],
            "execution_self_score": [NAN, 10.0, NAN],
            "execution_score": [NAN, 9.5, NAN],
            "synthetic": [synthetic] * 3,
        }
    )


def indicators() -> pd.DataFrame:
    rows = [
        (FORM_A, "甲单位", "项目A", "产出指标", "数量指标", "指标a", 20.0, 20.0, 18.5),
        (FORM_A, "甲单位", "项目A", "产出指标", "质量指标", "指标b", 30.0, 30.0, 30.0),
        (FORM_A, "甲单位", "项目A", "满意度指标", "服务对象满意度指标", "指标c", 10.0, 10.0, NAN),
        (FORM_B, "甲单位", "项目B", "产出指标", "数量指标", "指标d", 45.0, 42.0, 41.25),
        (FORM_B, "甲单位", "项目B", "效益指标", "社会效益指标", "指标e", 45.0, 43.5, 41.0),
        (FORM_D, "乙单位", None, "产出指标", "数量指标", "指标f", 60.0, NAN, 50.0),
        (FORM_D, "乙单位", None, "效益指标", "社会效益指标", "指标g", 40.0, NAN, 38.0),
    ]
    cols = ["form", "unit", "project", "level1", "level2", "level3", "weight", "self_score", "computed_score"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.assign(target_text=None, actual_text=None, reason=None)


def findings() -> pd.DataFrame:
    rows = [
        (
            FORM_A,
            "甲单位",
            "SCORE_DIFFERS",
            "error",
            "指标a",
            "「指标a」自评 20 分，重算 18.5 分",
            "项目A",
            "指标a",
            "indicator.score",
            20.0,
            18.5,
        ),
        (
            FORM_A,
            "甲单位",
            "RATE_FORMULA",
            "warning",
            "项目A",
            "「项目A」所述 100% 不等于 80/100",
            "项目A",
            None,
            "funds.rate",
            1.0,
            0.8,
        ),
        (FORM_D, "乙单位", "NO_SCORE", "warning", "部门整体", "部门整体表未填自评得分", None, None, "total", NAN, NAN),
    ]
    return pd.DataFrame(rows, columns=FINDING_COLUMNS)


def frames(synthetic: bool = False) -> Frames:
    return Frames(forms(synthetic), indicators(), findings())


def book() -> RuleBook:
    """The shipped rule book with three hand-made items (FH01–FH03) instead of its own."""
    items = pd.DataFrame(
        {
            "item": list(ITEMS),
            "dimension": ["自评复核口径", "报告内容逻辑", "报告与底稿一致性"],
            "description": ["自评得分高于按数据重算的得分", "执行率表述与公式不符", "自评表未填得分"],
            "points": [2.0, 1.0, NAN],
            "share": [NAN, NAN, 0.1],
            "applies_to": ["indicator", "form", "form"],
            "severity": ["P0", "P1", "P2"],
            "finding_codes": [("SCORE_DIFFERS",), ("RATE_FORMULA",), ("NO_SCORE",)],
            "basis": ["财预〔2020〕10号", "财预〔2020〕10号 执行率", "复核规则"],
        }
    )
    return replace(load_rulebook(), items=items)


def fill(path, values: dict, sheet: str | None = None) -> None:
    """Fill a 复核底稿 as a reviewer would (openpyxl, formulas kept): ``values`` maps a 三级指标 (the text in the
    三级指标 column; 预算执行率 for that row) to (复核得分, 扣分项, 复核说明), None leaving a cell as it is."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    ws = wb[sheet] if sheet else wb.worksheets[0]
    header = next(r for r in ws.iter_rows() if any(c.value == "复核得分" for c in r))
    col = {c.value: c.column for c in header}
    for row in ws.iter_rows(min_row=header[0].row + 1):
        name = row[col["三级指标"] - 1].value or row[0].value
        name = "预算执行率" if row[0].value == "预算执行率" else name
        if name in values:
            for title, value in zip(("复核得分", "扣分项", "复核说明"), values[name]):
                if value is not None:
                    ws.cell(row[0].row, col[title]).value = value
    wb.save(path)
