"""Golden files of the 2022 report: every rendered text section, summary.json and the 自评表.xlsx cell values.

They were written before the package was reshaped into data/scoring/report/run and pin its behaviour:
any change to a figure, a sentence or a cell of the 2022 outputs shows here. To accept an intended
change, regenerate with ``python -m tests.report.test_golden`` and review the diff of ``tests/golden/``.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
from pathlib import Path

import pytest

from evaltools.report import SECTION_CELLS
from tests._paths import GOLDEN, ROOT

SECTIONS = SECTION_CELLS


def _form_writer():
    try:
        from evaltools.report.form import write_selfeval_form
    except ImportError:  # the layout before the reshape, used once to write the golden files
        from evaltools.selfeval_form import write_selfeval_form
    return write_selfeval_form


def render_2022() -> dict:
    """The 2022 outputs as plain JSON values, with the run date and the checkout's path neutralised."""
    import openpyxl

    import evaltools.report as report

    ctx = report.prepare(year=2022, data_dir=str(ROOT / "data"), rules="qiaoxi2022")
    today = dt.date.today().isoformat()

    def clean(text: str) -> str:
        return text.replace(today, "YYYY-MM-DD").replace(str(ROOT), "<ROOT>")

    sections = {name: clean(str(getattr(report, name)(ctx))) for name in SECTIONS}
    with tempfile.TemporaryDirectory() as tmp:
        path = _form_writer()(ctx.ev, Path(tmp) / "自评表.xlsx")
        wb = openpyxl.load_workbook(path)
        form = {
            ws.title: [[None if c is None else str(c) for c in row] for row in ws.iter_rows(values_only=True)]
            for ws in wb.worksheets
        }
    return {
        "sections": sections,
        "summary": json.loads(json.dumps(ctx.ev.to_summary(), ensure_ascii=False)),
        "form": form,
    }


def _path(name: str) -> Path:
    return GOLDEN / f"report_2022_{name}.json"


@pytest.mark.slow
@pytest.mark.parametrize("part", ["sections", "summary", "form"])
def test_2022_outputs_match_golden(part):
    expected = json.loads(_path(part).read_text(encoding="utf-8"))
    actual = render_2022()[part]
    if part == "sections":
        for name in SECTIONS:
            assert actual[name] == expected[name], f"section {name!r} differs from tests/golden"
    assert actual == expected


if __name__ == "__main__":
    out = render_2022()
    for part, value in out.items():
        _path(part).write_text(json.dumps(value, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print("written:", ", ".join(str(_path(p)) for p in out), file=sys.stderr)
