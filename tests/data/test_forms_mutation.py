"""Property tests (hypothesis): the labels of the shipped forms printed the many ways real forms print them read
to exactly the same values (issue 19 item 1).

The shipped forms are evaltools' own 自评表.xlsx (written from data/天长市水利局/2022 and from data/2022's
first three projects), the layouts of tests/formkit.py with the real forms of tests/data/test_forms_read.py (安徽
standard, 四川 510000_0013zp, 上海 in 元, 重庆 部门整体; .xlsx and .docx) and every corpus fixture
(tests/corpus/forms) that is read today. Of each, every block label, column header, row label and title — never a
value — is mutated by the classes of tests/data/mutations.py (width, compat, lookalike, box, space, suffix), one
class at a time and all at once, drawn label by label (hypothesis) and every label every way (deterministic).

The mutated form is written in the base's own format and read; every form read from it must equal the form read
from the unmutated one, field by field: where, kind, layout, year, 项目名称 / 主管部门 / 实施单位, the funds
(amounts, weight, rate, score, sources), goals, every field of every indicator (names, direction, unit, target,
actual, weight, score, breakdowns …), the total and grade, and the problems raised (where, severity, code). Only a
target's or actual's printed text may differ by the look-alike sign it was mutated to. Our own form is also
imported whole (YearData) and compared.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path

import openpyxl
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from evaltools.data.forms import READERS, read_file
from evaltools.data.forms.read import grid_forms
from evaltools.data.forms.wording import cell_text, direction_code
from tests._paths import DATA
from tests.data.mutations import CLASSES, Draws, Role, canonical_sign, mutate, role
from tests.formkit import chongqing, grid_rows, placed, shanghai, sichuan, standard, write_docx, write_xlsx

FORMS = Path(__file__).resolve().parent.parent / "corpus" / "forms"
_PLAIN = re.compile(r"-?\d+(?:\.\d+)?")

# ----------------------------------------------------------------------------- the shipped forms


@dataclass(frozen=True)
class Base:
    """A shipped form: laid-out rows (titles, rows, format) or a workbook file of our own."""

    name: str
    fmt: str
    titles: tuple[str, ...] = ()
    rows: tuple = ()
    workbook: Path | None = None
    values: frozenset[str] = frozenset()

    def cells(self) -> dict[tuple[int, int], object]:
        """(row, column) → value of every cell as laid out (a workbook's as stored, a percentage as ``"…%"``)."""
        if self.workbook is None:
            placed_cells, _ = placed([list(r) for r in self.rows])
            return {(r, c): cell.value for r, c, cell in placed_cells}
        ws = openpyxl.load_workbook(self.workbook).worksheets[-1]
        return {
            (cell.row, cell.column): f"{cell.value}%" if "%" in (cell.number_format or "") else cell.value
            for row in ws.iter_rows()
            for cell in row
            if cell.value is not None
        }

    def context(self) -> dict:
        """What a note would change: ``yuan`` (a label says (元): a (万元) note would scale its figures),
        ``bare_rate`` (a 执行率 printed as a bare number: a (%) note would make it a percentage)."""
        cells = self.cells()
        labels = {at: value for at, value in cells.items() if isinstance(value, str) and role(value)}
        rates = [at for at, value in labels.items() if role(value) == Role("column", "funds", "rate")]
        below = [cells.get((r + k, c)) for r, c in rates for k in range(1, 7)]
        bare = any(isinstance(v, (int, float)) or (isinstance(v, str) and _PLAIN.fullmatch(v.strip())) for v in below)
        yuan = any("(元)" in cell_text(t) for t in labels.values())
        return {"yuan": yuan, "bare_rate": bare, "values": self.values}

    def write(self, path: Path, classes: tuple[str, ...] = (), draw=None, context: dict | None = None) -> Path:
        """The form written to ``path`` (its labels mutated by ``classes``; ``context`` collects the changes)."""
        context = self.context() if context is None else context
        change = (lambda v: mutate(v, classes, draw, context) if isinstance(v, str) else v) if classes else None
        if self.workbook is not None:
            wb = openpyxl.load_workbook(self.workbook)
            for ws in wb.worksheets:
                for row in ws.iter_rows():
                    for cell in row:
                        if change and isinstance(cell.value, str):
                            cell.value = change(cell.value)
            wb.save(path)
            return path
        titles = [change(t) if change else t for t in self.titles]
        rows = [[replace(c, value=change(c.value)) if change else c for c in row] for row in self.rows]
        if self.fmt == "xlsx":
            return write_xlsx(path, [("Sheet1", [(titles, rows)])])
        return write_docx(path, [(titles, rows)])


def _kit_bases() -> list[Base]:
    from tests.data.test_forms_read import QINGSHEN, RONGMEITI, TANGXI

    in_yuan = replace(
        TANGXI,
        budget_initial=0,
        budget=899740,
        spent=899740,
        fiscal_current=899740,
        rate="100%",
        exec_score=10,
    )
    laid = {
        "standard": standard(TANGXI),
        "sichuan": sichuan(QINGSHEN),
        "chongqing": chongqing(RONGMEITI),
        "shanghai": shanghai(in_yuan),
    }
    return [
        Base(f"formkit-{name}.{fmt}", fmt, tuple(titles), tuple(tuple(r) for r in rows))
        for name, (titles, rows) in laid.items()
        for fmt in ("xlsx", "docx")
    ]


def _corpus_bases() -> list[Base]:
    out = []
    for path in sorted(FORMS.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        fmt = data.get("format", "docx")
        rows = grid_rows(data["grid"], numbers=fmt == "xlsx")
        out.append(Base(f"corpus-{path.stem}.{fmt}", fmt, tuple(data.get("title") or []), tuple(map(tuple, rows))))
    return out


def _own_bases(folder: Path) -> list[Base]:
    """evaltools' own 自评表.xlsx of 天长市水利局 2022 and of the 2022 data's first three projects."""
    from evaltools.data.load import load_path
    from evaltools.report.form import write_selfeval_form
    from evaltools.scoring.evaluation import evaluate

    out = []
    for name, source, keep in (("tianchang", DATA / "天长市水利局" / "2022", None), ("2022", DATA / "2022", 3)):
        data = load_path(source)
        path = write_selfeval_form(evaluate(data, "mof"), folder / f"own-{name}.xlsx")
        if keep is not None:
            wb = openpyxl.load_workbook(path)
            for ws in wb.worksheets[1 + keep :]:
                wb.remove(ws)
            wb.save(path)
        out.append(Base(f"own-{name}.xlsx", "xlsx", workbook=path))
    return out


# ----------------------------------------------------------------------------- what a form reads to


def _plain(value: object, key: str = "") -> object:
    if isinstance(value, float) and value != value:
        return None
    return canonical_sign(value) if key in ("target_text", "actual_text") else value


def read_blocks(path: Path) -> list[dict]:
    """What each form of a file reads to, as the reader finds it in its blocks (before it becomes a YearData,
    which is made of these and nothing else): where, kind, layout, year, 项目名称 / 单位 …, funds, goals,
    indicators (every field), total and grade, and the problems raised (where, severity, code)."""
    out = []
    for part, grid in READERS[path.suffix](path):
        for form, where in grid_forms(grid, part):
            out.append(
                {
                    "where": where,
                    "kind": form.kind,
                    "layout": form.layout.name,
                    "year": form.year,
                    "names": form.names,
                    "funds": form.funds,
                    "goal": (form.goal, form.result),
                    "total": form.total,
                    "indicators": [
                        {k: _plain(v, k) for k, v in row.items() if not k.startswith("_")} for row in form.indicators
                    ],
                    "problems": sorted(
                        (p.location.sheet or "", p.location.row or 0, p.location.column or "", p.severity, p.code)
                        for p in form.problems
                    ),
                }
            )
    return out


def read_data(path: Path) -> tuple[list, list]:
    """What a file reads to through the import path: per form its kind, part, profile, projects, indicators and
    budget lines (YearData), and the parts refused."""
    forms, failures = read_file(path)
    out = []
    for form in forms:
        data = form.data
        profile = {k: v for k, v in dataclasses.asdict(data.profile).items() if k != "source"}
        tables = {
            name: [{k: _plain(v, k) for k, v in row.items() if k not in ("source", "note")} for row in records]
            for name in ("projects", "indicators", "budget_lines")
            for records in [getattr(data, name).to_dict("records")]
        }
        out.append((form.kind, form.part, profile, tables))
    return out, sorted(f.part or "" for f in failures)


@lru_cache(maxsize=1)
def bases() -> tuple[tuple[Base, list[dict]], ...]:
    """The shipped forms that are read today (a form with indicators), each with what it reads to unmutated."""
    folder = Path(tempfile.mkdtemp(prefix="mutation-bases-"))
    out = []
    for base in [*_own_bases(folder), *_kit_bases(), *_corpus_bases()]:
        path = folder / "form" / f"f.{base.fmt}"
        path.parent.mkdir(exist_ok=True)
        read = read_blocks(base.write(path))
        if any(form["indicators"] for form in read):
            out.append((replace(base, values=_values(read)), read))
    return tuple(out)


def _values(read: list[dict]) -> frozenset[str]:
    """The texts a form's values are printed in: a cell printing one is a value even where its words are a
    label's (an indicator named 预算执行率, 银川 2021), and is never mutated."""
    texts = [v for form in read for v in form["names"].values()]
    texts += [v for form in read for row in form["indicators"] for v in row.values()]
    texts += [v for form in read for v in (*form["goal"], *form["total"].values())]
    return frozenset(cell_text(v) for v in texts if isinstance(v, str))


def _check(data, classes: tuple[str, ...], tmp: Path) -> None:
    index = data.draw(st.integers(0, len(bases()) - 1), label="form")
    base, expected = bases()[index]
    folder = Path(tempfile.mkdtemp(dir=tmp))
    context = base.context()
    got = read_blocks(base.write(folder / f"f.{base.fmt}", classes, Draws(data.draw), context))
    assert got == expected, _explain(base, context.get("changes", []), got, expected)


def _explain(base: Base, changes: list, got: list[dict], expected: list[dict]) -> str:
    """What was mutated and what was read differently."""
    lines = [f"{base.name} read differently; mutated labels:", *(f"  {a!r} -> {b!r}" for a, b in changes)]
    if len(got) != len(expected):
        lines.append(f"  {len(got)} forms read, expected {len(expected)}")
    for g, e in zip(got, expected):
        for key, value in e.items():
            if key == "indicators" and len(g[key]) == len(value):
                for n, (gr, er) in enumerate(zip(g[key], value)):
                    diff = {k: (gr.get(k), v) for k, v in er.items() if gr.get(k) != v}
                    lines += [f"  indicator {n} (got, expected): {diff}"] if diff else []
            elif g.get(key) != value:
                lines.append(f"  {key}: got {g.get(key)!r}, expected {value!r}")
    return "\n".join(lines[:80])


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("mutated")


def test_the_shipped_forms_are_there():
    """Our own 自评表 (2), the formkit layouts (4, in .xlsx and .docx) and the corpus forms read today."""
    names = [base.name for base, _ in bases()]
    assert {"own-tianchang.xlsx", "own-2022.xlsx"} <= set(names)
    assert sum(n.startswith("formkit-") for n in names) == 8
    assert sum(n.startswith("corpus-") for n in names) >= 13


def test_labels_and_values_are_told_apart():
    """The roles: labels, titles, year cells and signed targets are mutated; values never."""
    assert role("全年预算数（A）") == Role("column", "funds", "budget")
    assert role("其中：本年财政拨款") == Role("row", "funds", "fiscal_current")
    assert role("项目名称：某某项目") == Role("row", "names", "project")
    assert role("预算执行情况(万元) (20分)") == Role("block")
    assert role("（2022年度）") == Role("year")
    assert role("项目支出绩效自评表") == Role("title")
    assert [role(t) for t in ("≥90%", "=", "≥50个")] == [Role("sign")] * 3
    for value in (
        "委托业务项目",
        "公众满意度",
        "产出指标（50分）",
        "90",
        ">90%",
        "达成预期指标",
        "资金执行在预算范围内",
    ):
        assert role(value) is None, value


def test_the_normaliser_folds_what_the_mutations_print():
    """:func:`cell_text` on the characters the classes print: zero-width and format characters and box-drawing
    borders gone, look-alike brackets and the ratio colon as ( ) :, Kangxi radicals as the characters; the
    horizontal box-drawing lines (— not applicable, ═ for =) kept."""
    assert cell_text("项\u200b目\u2060名\ufeff称\u00ad") == "项目名称"
    assert cell_text("┃得 分║") == cell_text("│得分┆") == "得分"
    assert cell_text("其中∶财政资金") == "其中:财政资金"
    assert cell_text("预算执行情况【万元】〖20分〗") == "预算执行情况(万元)(20分)"
    assert cell_text("⾃评总分﹙分﹚") == "自评总分(分)"
    assert (cell_text("─"), cell_text("═")) == ("─", "═")
    assert [direction_code(s) for s in ("═", "≧", "＞＝", "⩽", "﹦")] == [
        (True, "="),
        (True, ">="),
        (True, ">="),
        (True, "<="),
        (True, "="),
    ]


@pytest.mark.parametrize("nth", [0, 1, 2])
def test_every_label_of_every_shipped_form_mutated_every_way(nth, scratch):
    """Every label of every shipped form mutated by every class at once (each choice yes, the ``nth`` option):
    the same values; and the mutations do change the labels (at least 5 cells of each form: the smallest real
    form read, 寿县 2023's cut-off rubric, has 7 labels)."""
    failed = []
    for k, (base, expected) in enumerate(bases()):
        context = base.context()
        path = base.write(scratch / f"every-{nth}-{k}.{base.fmt}", CLASSES, Draws(None, nth), context)
        assert len(context.get("changes", [])) >= 5, base.name
        got = read_blocks(path)
        if got != expected:
            failed.append(_explain(base, context["changes"], got, expected))
    assert not failed, "\n".join(failed)


def test_our_own_form_mutated_imports_as_the_same_data(scratch):
    """The round trip of our 自评表.xlsx through the import path (YearData: profile, projects, indicators, budget
    lines), its labels mutated every way: the same data as unmutated."""
    for base, _ in bases()[:2]:
        plain = read_data(base.write(scratch / f"plain-{base.name}"))
        mutated = read_data(base.write(scratch / f"mutated-{base.name}", CLASSES, Draws(None, 1), base.context()))
        assert plain[0] and mutated == plain, base.name


@pytest.mark.parametrize("name", CLASSES)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_labels_mutated_read_the_same(name, data, scratch):
    """One class of variants, drawn label by label over a shipped form: the same values."""
    _check(data, (name,), scratch)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_labels_mutated_every_way_at_once_read_the_same(data, scratch):
    """Every class at once, drawn label by label: the same values."""
    _check(data, CLASSES, scratch)
