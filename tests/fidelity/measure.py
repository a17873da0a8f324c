"""How faithfully evaltools evaluates real published tables entered in the data format (issue 20 item 10).

    python -m tests.fidelity.measure             # the figures
    python -m tests.fidelity.measure --report    # also writes tests/fidelity/REPORT.md (per-table results)

The tables are tests/fidelity/tables/*.yaml, each one real published table with its source and, written from the
printed table before the tool was run on it, what an auditor finds (``expected.problems``) and what can be totalled
(``expected``: ``published_total``; ``total`` — the table's total as printed when it is complete, or the sum of its
printed scores when only its 总分 cell is lost; ``null`` when the table is cut off, unscored (no 分值 / 得分) or its
scores are blank, with ``total_reason``; ``grade`` — the band of that total in the rule set's names, ``null`` when
there is no total, with ``grade_reason``). Two sources:

* ``corpus: <stem>`` — a form of the real-form corpus (tests/corpus/forms, transcribed in docs/research/forms),
  typed into its layout (tests/formkit.py), turned into a data folder by the import route
  (:func:`evaltools.run.importer.import_to`, as ``evaltools import`` does); its problems are the corpus fixture's
  ``expected.problems``; its ``mark`` (cut_off / unscored / blank_scores: what the person checking the imported
  folder knows of the published table) is written into the folder's profile.yaml when the data format declares
  the field (:func:`mark_folder`);
* ``data: <folder under data/>`` with ``year`` and ``rules`` — a table entered by hand in data/ (``problems_of``:
  another table's problems, the same report under other rules).

Each data folder is evaluated as ``evaltools evaluate`` does (:func:`evaltools.data.load.load_year` /
:func:`~evaltools.data.load.load_path`, then :func:`evaltools.scoring.evaluation.evaluate`, rule set ``rules`` or
the default). Then, per table:

* **total**: the total the evaluation shows — the assessed score, else the recomputed one; right when both are
  unknown for an expected ``null``, else equal to 0.005;
* **grade**: the grade shown (assessed, else recomputed) equals the expected name; **a grade where none can be
  given** is any grade (of the total or of a project, assessed or recomputed) on a table whose expected grade is
  ``null`` (goal 0);
* **problems**: matched to the evaluation's findings exactly as the forms corpus matches them
  (:func:`tests.corpus.measure.problem_found`: same code at the same subject; findings about cut-off figures —
  the corpus fixture's UNKNOWN figures, a data table's ``illegible`` rows, whole-block checks of a table with
  ``figures_cut`` — are neither right nor false alarms: :func:`tests.corpus.measure.on_cut_off`). recall = found /
  expected (problems with a ``proposed`` code are counted apart); precision = (findings of severity error or
  warning − false alarms) / those findings.

A data folder the loader refuses is a table not evaluated: no total, no grade, every problem missed.
"""

from __future__ import annotations

import argparse
import math
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests._paths import ROOT
from tests.corpus.compare import Matched
from tests.corpus.measure import FORMS, SEVERE, UNKNOWN, _declared_info, on_cut_off, problem_found, write_forms

HERE = Path(__file__).resolve().parent
TABLES = HERE / "tables"
REPORT = HERE / "REPORT.md"
DATA = ROOT / "data"
#: Totals are compared to this (a printed total has at most 2 decimals).
TOTAL_TOL = 0.005


def load(paths: list[Path] | None = None) -> list[tuple[str, dict]]:
    """The fidelity tables (name, data), sorted by name."""
    paths = sorted(TABLES.glob("*.yaml")) if paths is None else paths
    return [(p.stem, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in paths]


def corpus_fixture(stem: str) -> dict:
    return yaml.safe_load((FORMS / f"{stem}.yaml").read_text(encoding="utf-8"))


def problems_of(name: str, table: dict, tables: dict[str, dict]) -> list[dict]:
    """A table's expected problems: its own, another table's (``problems_of``) or its corpus fixture's."""
    if "corpus" in table:
        return corpus_fixture(table["corpus"])["expected"].get("problems") or []
    if table.get("problems_of"):
        return problems_of(table["problems_of"], tables[table["problems_of"]], tables)
    return table["expected"].get("problems") or []


def cut_expectation(table: dict) -> dict:
    """What :func:`tests.corpus.measure.on_cut_off` needs to know of what the transcription could not see."""
    if "corpus" in table:
        return corpus_fixture(table["corpus"])["expected"]
    rows = [{"level3": name, "target": UNKNOWN} for name in table.get("illegible") or []]
    return {"fields": {"indicators": rows}, "complete": not table.get("figures_cut")}


# ----------------------------------------------------------------------------- evaluation


@dataclass
class Shown:
    """What the evaluation of one table shows (or why it was not evaluated)."""

    refused: str = ""
    total: float | None = None
    published: float | None = None
    grade: str | None = None
    grades: tuple[str, ...] = ()
    findings: list[dict] = field(default_factory=list)


def _known(x: object) -> float | None:
    if x is None:
        return None
    try:
        v = float(x)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(v) else v


def shown(ev) -> Shown:
    """The total, grades and findings an :class:`~evaltools.scoring.evaluation.Evaluation` shows."""
    t = ev.total
    total = _known(t.score)
    total = total if total is not None else _known(t.computed_score)
    grades = [t.grade, t.computed_grade]
    for col in ("grade", "computed_grade"):
        if col in ev.projects:
            grades += list(ev.projects[col])
    grades = tuple(str(g) for g in grades if isinstance(g, str) and g)
    findings = ev.findings[["code", "severity", "subject", "message"]].to_dict("records")
    return Shown("", total, _known(t.published), t.grade or t.computed_grade, grades, findings)


def _evaluate(load_data, rules: str) -> Shown:
    from evaltools.errors import EvaltoolsError
    from evaltools.scoring.evaluation import evaluate

    try:
        return shown(evaluate(load_data(), rules))
    except EvaltoolsError as exc:
        return Shown(refused=str(exc).splitlines()[0])


#: A table's ``mark`` (what the person who checks an imported folder knows of the published table) → the profile
#: field and value that say so in the data format (README, "A table cut off, not scored, or with blank scores").
MARKS = {
    "cut_off": ("cut_off_after", None),  # None: the number of indicator rows the folder holds
    "unscored": ("scores_printed", "否"),
    "blank_scores": ("scores_printed", "空白"),
}


def mark_folder(folder: Path, mark: str | None) -> bool:
    """Write a table's completeness ``mark`` into its imported folder's profile.yaml, as a person checking the
    folder does (the importer asks for it) — when the data format declares the field
    (:data:`evaltools.data.profile_schema.PROFILE_FIELDS`); a format without it is left as read (False)."""
    from evaltools.data.profile_schema import PROFILE_FIELDS

    if not mark:
        return False
    key, value = MARKS[mark]
    profile = folder / "profile.yaml"
    if key not in {f.name for f in PROFILE_FIELDS} or key in (yaml.safe_load(profile.read_text("utf-8")) or {}):
        return False  # not in the format, or the importer already wrote it
    if value is None:
        value = _indicator_rows(folder)
    with profile.open("a", encoding="utf-8") as fh:
        fh.write(f"\n{key}: {value}\n")
    return True


def _indicator_rows(folder: Path) -> int:
    import csv

    with (folder / "indicators.csv").open(encoding="utf-8") as fh:
        return max(sum(1 for _ in csv.reader(fh)) - 1, 0)


def evaluate_tables(tables: list[tuple[str, dict]]) -> dict[str, Shown]:
    """Every table evaluated as ``evaltools evaluate`` does: corpus forms through ``evaltools import`` first."""
    from evaltools.data.load import load_path, load_year
    from evaltools.params import DEFAULT_RULES
    from evaltools.run.importer import import_to

    out: dict[str, Shown] = {}
    corpus = [(name, t) for name, t in tables if "corpus" in t]
    with tempfile.TemporaryDirectory(prefix="fidelity-") as tmp:
        forms = [(t["corpus"], corpus_fixture(t["corpus"])) for _, t in corpus]
        (Path(tmp) / "forms").mkdir()
        files = write_forms(forms, Path(tmp) / "forms")
        imported = import_to(list(files.values()), Path(tmp) / "folders")
        folders: dict[str, tuple[int, Path]] = {}
        for form, folder in imported.folders:  # of several forms in one file, the one with most indicators
            n = len(form.data.indicators)
            if form.source not in folders or n > folders[form.source][0]:
                folders[form.source] = (n, folder)
        reasons = {f.source: f.reason for f in imported.failures}
        for name, t in corpus:
            file = files[t["corpus"]]
            if file not in folders:
                out[name] = Shown(refused=f"not imported: {reasons.get(file, 'no form read')}")
                continue
            mark_folder(folders[file][1], t.get("mark"))
            out[name] = _evaluate(lambda f=folders[file][1]: load_path(f), t.get("rules") or DEFAULT_RULES)
    for name, t in tables:
        if "data" in t:
            parts = str(t["data"]).split("/")
            unit = parts[0] if len(parts) == 2 else None
            out[name] = _evaluate(lambda y=t["year"], u=unit: load_year(y, DATA, u), t.get("rules") or DEFAULT_RULES)
    return out


# ----------------------------------------------------------------------------- the measure


@dataclass
class TableRow:
    """One table's result."""

    name: str
    source: str
    expected: dict
    got: Shown
    total_right: bool = False
    grade_right: bool = False
    grade_where_none: bool = False
    found: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    proposed: list[dict] = field(default_factory=list)
    false_alarms: list[dict] = field(default_factory=list)
    on_cut: list[dict] = field(default_factory=list)
    findings: int = 0


@dataclass
class Scores(Matched):
    """The fidelity figures (see the module docstring) and the per-table rows."""

    tables: int = 0
    tables_evaluated: int = 0
    totals_right: int = 0
    grades_right: int = 0
    grades_where_none: int = 0
    no_grade_expected: int = 0
    problems_expected: int = 0
    problems_found: int = 0
    problems_proposed: int = 0
    findings: int = 0
    false_alarms: int = 0
    rows: list[TableRow] = field(default_factory=list)

    def summary(self) -> dict:
        return {
            "tables": self.tables,
            "tables_evaluated": self.tables_evaluated,
            "totals_right": self.totals_right,
            "grades_right": self.grades_right,
            "no_grade_expected": self.no_grade_expected,
            "grades_where_none": self.grades_where_none,
            "problems_expected": self.problems_expected,
            "problems_found": self.problems_found,
            "problems_proposed": self.problems_proposed,
            "recall": round(self.recall, 4),
            "findings": self.findings,
            "false_alarms": self.false_alarms,
            "precision": round(self.precision, 4),
        }


def total_right(expected: object, got: float | None) -> bool:
    if expected is None:
        return got is None
    return got is not None and abs(float(expected) - got) <= TOTAL_TOL


def judge(name: str, table: dict, got: Shown, problems: list[dict]) -> TableRow:
    """One table's totals, grade and problems against what the evaluation shows."""
    e = table["expected"]
    source = f"corpus: {table['corpus']}" if "corpus" in table else f"data/{table['data']} ({table.get('rules')})"
    row = TableRow(name, source, e, got)
    row.total_right = total_right(e.get("total"), got.total)
    row.grade_right = (e.get("grade") is None and not got.grades) or (e.get("grade") == got.grade)
    row.grade_where_none = e.get("grade") is None and bool(got.grades)
    cut = cut_expectation(table)
    severe = [f for f in got.findings if f["severity"] in SEVERE]
    row.on_cut = [f for f in severe if on_cut_off(f, cut)]
    severe = [f for f in severe if f not in row.on_cut]
    matched: set[int] = set()
    for p in problems:
        if p.get("proposed"):
            row.proposed.append(p)
            continue
        hit = problem_found(p, severe) or problem_found(p, [*row.on_cut, *_declared_info(got.findings)])
        (row.found if hit else row.missed).append(p)
        if hit:
            matched.add(id(hit))
    codes = {c for p in problems if not p.get("proposed") for c in (p["code"], *p.get("also", []))}
    reviewed = cut.get("also_right") or []  # findings a review of the corpus found the figures support
    row.false_alarms = [
        f
        for f in severe
        if id(f) not in matched and f["code"] not in codes and not any(problem_found(p, [f]) for p in reviewed)
    ]
    row.findings = len(severe)
    return row


def measure(tables: list[tuple[str, dict]] | None = None) -> Scores:
    """Evaluate every table of ``tables`` (default: the whole suite) and score the result."""
    tables = load() if tables is None else tables
    by_name = dict(tables)
    if any("problems_of" in t and t["problems_of"] not in by_name for t in by_name.values()):
        by_name.update(load())
    got = evaluate_tables(tables)
    scores = Scores(tables=len(tables))
    for name, table in tables:
        row = judge(name, table, got[name], problems_of(name, table, by_name))
        scores.rows.append(row)
        scores.tables_evaluated += not row.got.refused
        scores.totals_right += row.total_right
        scores.grades_right += row.grade_right
        scores.no_grade_expected += row.expected.get("grade") is None
        scores.grades_where_none += row.grade_where_none
        scores.problems_expected += len(row.found) + len(row.missed)
        scores.problems_found += len(row.found)
        scores.problems_proposed += len(row.proposed)
        scores.findings += row.findings
        scores.false_alarms += len(row.false_alarms)
    return scores


# ----------------------------------------------------------------------------- REPORT.md


def _num(x: object) -> str:
    return "—" if x is None else f"{x:g}" if isinstance(x, (int, float)) else str(x)


def _per_table(row: TableRow) -> list[str]:
    e, g = row.expected, row.got
    mark = lambda ok: "✓" if ok else "✗"  # noqa: E731
    lines = [f"### {row.name}", "", f"- source: {row.source}"]
    if g.refused:
        lines.append(f"- **not evaluated**: {g.refused}")
    lines.append(
        f"- total {mark(row.total_right)} expected {_num(e.get('total'))}, shown {_num(g.total)}"
        f" (published {_num(e.get('published_total'))}, read {_num(g.published)}) — {e.get('total_reason')}"
    )
    lines.append(
        f"- grade {mark(row.grade_right)} expected {_num(e.get('grade'))}, shown {_num(g.grade)}"
        + (
            f" — **a grade where none can be given** ({', '.join(sorted(set(g.grades)))})"
            if row.grade_where_none
            else ""
        )
        + f" — {e.get('grade_reason')}"
    )
    for p in row.found:
        lines.append(f"- found `{p['code']}` at {p.get('subject')}")
    for p in row.missed:
        lines.append(f"- missed `{p['code']}` at {p.get('subject')}: {p.get('what') or p.get('note')}")
    for f in row.false_alarms:
        lines.append(f"- false alarm `{f['code']}` ({f['severity']}) at {f.get('subject')}: {_short(f['message'])}")
    if row.on_cut:
        lines.append(f"- {len(row.on_cut)} finding(s) about cut-off or illegible figures (not counted)")
    if row.proposed:
        codes = ", ".join(sorted({p["code"] for p in row.proposed}))
        lines.append(f"- {len(row.proposed)} problem(s) with proposed codes (not raised yet): {codes}")
    return lines + [""]


def _short(message: object) -> str:
    s = " ".join(str(message).split())
    return s if len(s) < 200 else s[:197] + "…"


def report(scores: Scores) -> str:
    """REPORT.md: the figures, the tables that fail (grade where none, totals, missed problems), then every table."""
    s = scores.summary()
    out = [
        "# Fidelity suite: real tables in the data format (generated)",
        "",
        "Generated by `python -m tests.fidelity.measure --report` from tests/fidelity/tables/*.yaml. Do not edit by hand.",
        "Goals (issue 20): recall ≥ 0.90, no false alarm, no grade where the table cannot give one.",
        "",
        "| figure | value |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in s.items()],
        "",
        "## Grades given where none can be",
        "",
        *[f"- {r.name}: shown {r.got.grade or ', '.join(r.got.grades)}" for r in scores.rows if r.grade_where_none],
        "",
        "## Totals wrong",
        "",
        *[
            f"- {r.name}: expected {_num(r.expected.get('total'))}, shown {_num(r.got.total)}"
            for r in scores.rows
            if not r.total_right
        ],
        "",
        "## Per table",
        "",
    ]
    for row in scores.rows:
        out += _per_table(row)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--report", action="store_true", help=f"write {REPORT.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    scores = measure()
    for k, v in scores.summary().items():
        print(f"{k:18} {v}")
    if args.report:
        REPORT.write_text(report(scores), encoding="utf-8")
        print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
