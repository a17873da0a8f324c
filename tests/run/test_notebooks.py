"""The notebooks are thin (one evaltools call per cell), committed without outputs, and run."""

from __future__ import annotations

import ast
import re

import nbformat
import pytest

NOTEBOOKS = ["self_evaluation.ipynb", "explore.ipynb"]
FORBIDDEN = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.For,
    ast.While,
    ast.Lambda,
    ast.With,
    ast.ListComp,
    ast.DictComp,
    ast.SetComp,
    ast.GeneratorExp,
)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_without_outputs(root, name):
    nb = nbformat.read(root / "notebooks" / name, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3" and nb.metadata["language_info"]["name"] == "python"
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code and all(c.outputs == [] and c.execution_count is None for c in code)


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_cells_hold_no_logic(root, name):
    nb = nbformat.read(root / "notebooks" / name, as_version=4)
    for cell in (c for c in nb.cells if c.cell_type == "code"):
        if "parameters" in cell.metadata.get("tags", []):
            tree = ast.parse(cell.source)
            literals = (ast.Constant, ast.List, ast.Dict)
            assert all(isinstance(n, ast.Assign) and isinstance(n.value, literals) for n in tree.body)
            continue
        assert "groupby" not in cell.source, cell.source
        tree = ast.parse(cell.source)
        bad = [type(n).__name__ for n in ast.walk(tree) if isinstance(n, FORBIDDEN)]
        assert bad == [], f"logic in a notebook cell: {bad}: {cell.source}"
        assert len(tree.body) <= 2, cell.source  # one call, optionally followed by showing its result


def test_parameters_cell_is_one_mapping_for_the_one_loader(root):
    """The report notebook takes the job as one parameter, ``params`` (declared once: JobParams holds the
    defaults; no default year), and hands it as it is to report.prepare, i.e. to job_params."""
    import papermill as pm

    nb = nbformat.read(root / "notebooks" / "self_evaluation.ipynb", as_version=4)
    declared = pm.inspect_notebook(str(root / "notebooks" / "self_evaluation.ipynb"))
    assert list(declared) == ["params"] and ast.literal_eval(declared["params"]["default"]) == {"year": None}
    calls = [c.source for c in nb.cells if c.cell_type == "code" and "params" in c.source]
    assert calls == ['params = {"year": None}', "ctx = report.prepare(params)"]


def test_the_notebook_loader_refuses_unknown_keys_and_a_missing_year(root):
    from evaltools import report
    from evaltools.errors import ParamsError

    with pytest.raises(ParamsError, match="unknown parameter") as info:
        report.prepare({"year": 2022, "yaer": 2021})
    assert (info.value.file, info.value.key) == ("report parameters", "yaer")
    with pytest.raises(ParamsError, match="the year is required"):
        report.prepare({"year": None})  # the notebook as committed, run without parameters


def test_report_notebook_has_one_call_per_cell(root):
    nb = nbformat.read(root / "notebooks" / "self_evaluation.ipynb", as_version=4)
    for cell in (c for c in nb.cells if c.cell_type == "code" and "parameters" not in c.metadata.get("tags", [])):
        calls = [n for n in ast.walk(ast.parse(cell.source)) if isinstance(n, ast.Call)]
        assert len(calls) <= 1, cell.source


@pytest.mark.slow
def test_explore_notebook_runs(root, tmp_path):
    import papermill as pm

    nb = pm.execute_notebook(
        str(root / "notebooks" / "explore.ipynb"),
        str(tmp_path / "explore.ipynb"),
        cwd=str(root),
        progress_bar=False,
        kernel_name="python3",
    )
    from bs4 import BeautifulSoup

    def shown(cell) -> str:
        html = "".join(o["data"].get("text/html", "") for o in cell.outputs if o.get("output_type") != "stream")
        return BeautifulSoup(html, "html.parser").get_text(" | ", strip=True)

    code = [c for c in nb.cells if c.cell_type == "code" and c.outputs]
    for cell in code:  # people see tables with Chinese titles and formatted numbers, never NaN or None
        text = shown(cell)
        assert text, cell.source
        assert not re.search(r"\b(?:NaN|nan|None|NaT|<NA>)\b", text), (cell.source, text[:300])
        assert not re.search(r"\d\.\d{3,}", text), (cell.source, re.search(r"\d\.\d{3,}", text).group(0))
    by_source = {c.source.split("(")[0]: shown(c) for c in code}
    assert by_source["data.table"].startswith("项目名称 | 主管部门 | 实施单位 | 年初预算数(万元)")
    projects = shown(next(c for c in code if c.source.startswith('ev.table("projects"')))
    assert (
        "项目名称 | 执行率 | 预算执行率得分 | 重算得分 | 公布得分 | 等级 | 失业就业服务 | 100.00% | 10 | 85 | 85 | 良好"
        in projects
    )
    indicators = shown(next(c for c in code if c.source.startswith('ev.table(\n    "indicators"')))
    assert "档案内在质量 | ≥ | 达到90%以上 | 达到 95% | 105.56% | 10 | 10" in indicators
    assert "错误 | 数量不符 | 部门" in shown(next(c for c in code if 'ev.table("findings"' in c.source))
    rules = shown(next(c for c in code if c.source.startswith("strict =")))
    assert "定性指标得分区间 | 达成 80%–100%；部分达成 60%–80%；未达成 0%–60%（未评定得分时取区间下限）" in rules
    assert "等级表 | mof：90 ≤ 得分 为优；80 ≤ 得分 < 90 为良" in rules
    # the grade moves when qualitative indicators score at the lower end of their band (80% of W), 财政部 bands:
    # 失业 10+35+24+8 = 77, 档案 9.67+35+32 = 76.67, 创业 10+64+0 = 74 → mean 75.89 → 中
    last = shown(nb.cells[-1])
    assert "部门整体 | 重算得分 | 86.56 | 75.89 | -10.67 | 部门整体 | 重算等级 | 良好 | 中 | —" in last
