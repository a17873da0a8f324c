"""How much of the real-form corpus (tests/corpus/forms/*.yaml) evaltools reads and audits right.

    python -m tests.corpus.measure             # the figures
    python -m tests.corpus.measure --report    # also writes tests/corpus/REPORT.md (per-form failures by class)

Each fixture's printed grid is written to a temporary .xlsx or .docx (tests/formkit.py), read with evaltools'
own import path (:func:`evaltools.data.forms.read_files`) and audited the way ``evaltools audit`` does
(:func:`evaltools.run.audit.audit_files`). Then:

* **fields**: every expected field that is not ``UNKNOWN`` (cut off) is compared with what was read — numbers
  equal to 1e-6 (a percentage as its fraction; a figure with its unit, "75元", also as the number; the budget
  and spending of a form printed in 元, ``money_unit: 元``, in 万元 as the reader reads them), text after
  NFKC and with spaces removed; a bare target or actual (98) read as a rate in % (0.98) in the printed unit;
  a 三级 name without the number the reader gives a name printed twice (账务管理（2）); a 一级 / 二级 label
  without its heading weight (a label that is only ``(50分)`` is none) (:mod:`tests.corpus.compare`); ``null``
  (the layout does not print it) is right when nothing was read.
  Indicators are paired by their 三级 name (else 二级, else position); an unpaired indicator's fields are
  all wrong. fields right / fields expected;
* **fixture rules** (one each, for every fixture; the evidence is each form's docs/research/forms/<stem>.md):
  a ``direction`` is the one the form prints (a sign, a 指标性质 / 符号 column, words such as 以上 / 以下 / 以内 /
  至少 / 不超过) and null when it prints none (the tool infers it when scoring and says so in the report); a
  scoring rubric with no target / actual columns (寿县 2023, 铜陵 2021, 长沙 雨花 2022) has null targets and
  actuals — its 评价标准 is a scoring rule, not a 年度指标值; ★ marks before a 三级 name are no part of it (they
  mark a core indicator); 一级 / 二级 names are written in the framework's names (经济效益 → 经济效益指标,
  evaltools.data.forms.layouts.standard.LEVEL_NAMES); a 分值 / 得分 merged over several 三级 rows is the 二级
  item's, listed once (``level3: null``) before its rows;
* **problems**: an expected problem is found when a finding of its code is at its subject (an indicator by
  name; a block — funds, total, weights, grade, form — by the code alone; a score that differs from the
  rules at an indicator by the form's SCORE_DIFFERS, the one place evaltools compares scores). recall = found / expected over
  existing codes (problems with a ``proposed`` code are counted apart: the tool cannot raise them yet);
  precision = findings matching an expected problem / findings of severity error or warning (refusals
  ``FORM_UNREADABLE`` are counted as forms refused, not as findings; of several forms read from one file the
  one with most indicators is the form, the others are counted as phantom forms; findings about cut-off figures, which
  the published form prints, are left out); false alarms = the others, except findings a review found the
  transcription's own figures support (``also_right``).
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from tests._paths import ROOT
from tests.corpus.compare import (  # noqa: F401  (re-exported: the comparisons of the measure)
    AMOUNTS,
    DIRECTIONS,
    MONEY_UNITS,
    TOL,
    Matched,
    _direction_same,
    as_number,
    first_of_name,
    in_printed_unit,
    in_wan_yuan,
    level_label,
    missing,
    same,
    text,
)
from tests.corpus.features import features
from tests.formkit import write_grid

HERE = Path(__file__).resolve().parent
FORMS = HERE / "forms"
REPORT = HERE / "REPORT.md"
UNKNOWN = "UNKNOWN"
SEVERE = ("error", "warning")
REFUSED = "FORM_UNREADABLE"
#: The stage of the reading's own warnings in the audit's findings (a cell read as unknown, the year taken from
#: the file name …): what the reader says of its reading, not a problem an auditor raises on the form — matched
#: to an expected problem they count, else they are no false alarm (evaltools.report.audit_table.READING).
READING = "读取"
#: Expected indicator field → the reader's column(s), compared in order (the first that matches counts).
INDICATOR_COLUMNS = {
    "level1": ("level1",),
    "level2": ("level2",),
    "level3": ("level3",),
    "target": ("target_text", "target"),
    "actual": ("actual_text", "actual"),
    "weight": ("weight",),
    "score": ("panel_score",),
    "direction": ("direction",),
}


def load(paths: list[Path] | None = None) -> list[tuple[str, dict]]:
    """The corpus fixtures (stem, data), sorted by name."""
    paths = sorted(FORMS.glob("*.yaml")) if paths is None else paths
    return [(p.stem, yaml.safe_load(p.read_text(encoding="utf-8"))) for p in paths]


# ----------------------------------------------------------------------------- what was read


def read_values(form) -> dict:
    """The fields of an ImportedForm in the corpus names: unit, year, project, funds.*, total, grade,
    indicators (list of dicts of reader columns)."""
    data = form.data
    p = data.profile
    get = lambda obj, k: getattr(obj, k, None)  # noqa: E731
    out = {"unit": get(p, "unit"), "year": get(p, "year")}
    if form.kind == "department":
        line = data.budget_lines.iloc[0].to_dict() if len(data.budget_lines) else {}
        funds = {
            "budget": line.get("budget"),
            "spent": line.get("spent"),
            "rate": line.get("stated_rate"),
            "weight": get(p, "execution_weight"),
            "score": get(p, "published_execution_score"),
        }
        out.update(total=get(p, "published_total"), grade=get(p, "published_grade"))
    else:
        row = data.projects.iloc[0].to_dict() if len(data.projects) else {}
        out["project"] = row.get("project")
        funds = {
            "budget": row.get("budget"),
            "spent": row.get("spent"),
            "rate": row.get("stated_rate"),
            "weight": row.get("execution_weight"),
            "score": row.get("published_execution_score"),
        }
        out.update(total=row.get("published_score"), grade=row.get("published_grade"))
    out["funds"] = funds
    out["indicators"] = data.indicators.to_dict("records")
    for key in form.completed:  # a name the form does not print: unknown (the data holds a placeholder)
        out[key] = None
    return out


def _pair(expected: list[dict], read: list[dict]) -> list[dict | None]:
    """For each expected indicator the row read for it: same 三级 name, else same 二级 (once), else position."""
    free = list(range(len(read)))
    out: list[dict | None] = []
    for k, e in enumerate(expected):
        hit = None
        for key in ("level3", "level2"):
            name = e.get(key)
            if name in (None, UNKNOWN, ""):
                continue
            hit = next((i for i in free if text(read[i].get(key) or "") == text(name)), None)
            if hit is None:
                hit = next((i for i in free if text(name) and text(name) in text(read[i].get(key) or "")), None)
            if hit is not None:
                break
        if hit is None and k in free and not e.get("level3"):
            hit = k
        if hit is not None:
            free.remove(hit)
        out.append(read[hit] if hit is not None else None)
    return out


def compare_fields(expected: dict, got: dict | None) -> list[tuple[str, object, object, bool]]:
    """(field, expected, read, right) for every expected field that is not cut off."""
    out: list[tuple[str, object, object, bool]] = []

    def add(name: str, e: object, g: object, right: bool | None = None) -> None:
        if e == UNKNOWN:
            return
        out.append((name, e, g, same(e, g) if right is None else right))

    got = got or {}
    for k in ("unit", "project", "year", "total", "grade"):
        if k in expected:
            add(k, expected[k], got.get(k))
    funds = expected.get("funds")
    if isinstance(funds, dict):
        for k, e in funds.items():
            g = (got.get("funds") or {}).get(k)
            if k == "rate" and isinstance(e, (int, float)) and isinstance(g, float) and same(e, g * 100):
                add(
                    "funds.rate", e, g, True
                )  # a bare number printed under 预算执行进度(%) (成安 2020), read as its fraction
                continue
            add(f"funds.{k}", in_wan_yuan(e, expected) if k in AMOUNTS else e, g)
    inds = [i for i in expected.get("indicators") or [] if i.get("level3") != UNKNOWN or i.get("level2")]
    for e, r in zip(inds, _pair(inds, got.get("indicators") or [])):
        name = e.get("level3") if e.get("level3") not in (None, UNKNOWN) else e.get("level2")
        for k, e_value in e.items():
            if k not in INDICATOR_COLUMNS or (k == "direction" and e_value is None):
                continue  # a direction not printed: the reader's inferred one is not a field read
            cols = INDICATOR_COLUMNS[k]
            g = None if r is None else next((r.get(c) for c in cols if not missing(r.get(c))), None)
            if r is None:
                add(f"indicator[{name}].{k}", e_value, None, False)
            elif k == "level3":
                add(f"indicator[{name}].{k}", e_value, g, same(e_value, g) or same(e_value, first_of_name(g)))
            elif k in ("level1", "level2"):
                add(f"indicator[{name}].{k}", e_value, g, same(level_label(e_value), level_label(r.get(k))))
            elif k == "direction":
                add(f"indicator[{name}].{k}", e_value, g, _direction_same(e_value, r.get("direction")))
            else:
                right = any(same(e_value, r.get(c)) for c in cols) or in_printed_unit(e_value, r, k)
                add(f"indicator[{name}].{k}", e_value, g, right)
    return out


def problem_found(problem: dict, findings: list[dict]) -> dict | None:
    """The finding that raises an expected problem: same code, at its subject."""
    subject = text(problem.get("subject") or "")
    codes = {problem["code"], *problem.get("also", [])}
    for f in findings:
        if f["code"] not in codes:
            continue
        parts = str(f.get("subject") or "").split(" / ", 1)
        named = text(parts[1]) if len(parts) == 2 else ""
        blocks = ("funds", "total", "weights", "grade", "form")
        if subject in blocks or not subject or (named and (subject in named or named in subject)):
            return f
        if f["code"] == "SCORE_DIFFERS" and not named:  # scores are recomputed and compared per form
            return f
    return None


# ----------------------------------------------------------------------------- the measure


@dataclass
class FormRow:
    """One form's result."""

    name: str
    read: bool
    reason: str = ""
    fields: list[tuple[str, object, object, bool]] = field(default_factory=list)
    found: list[dict] = field(default_factory=list)
    missed: list[dict] = field(default_factory=list)
    proposed: list[dict] = field(default_factory=list)
    false_alarms: list[dict] = field(default_factory=list)
    on_cut: list[dict] = field(default_factory=list)
    features: list[str] = field(default_factory=list)
    phantoms: int = 0
    also_right: list[dict] = field(default_factory=list)


@dataclass
class Scores(Matched):
    """The corpus figures (see the module docstring) and the per-form rows."""

    forms: int = 0
    forms_read: int = 0
    forms_refused: int = 0
    fields_expected: int = 0
    fields_right: int = 0
    problems_expected: int = 0
    problems_found: int = 0
    problems_proposed: int = 0
    findings: int = 0
    false_alarms: int = 0
    phantom_forms: int = 0
    rows: list[FormRow] = field(default_factory=list)

    @property
    def field_accuracy(self) -> float:
        return self.fields_right / self.fields_expected if self.fields_expected else 1.0

    def summary(self) -> dict:
        return {
            "forms": self.forms,
            "forms_read": self.forms_read,
            "forms_refused": self.forms_refused,
            "fields_expected": self.fields_expected,
            "fields_right": self.fields_right,
            "field_accuracy": round(self.field_accuracy, 4),
            "problems_expected": self.problems_expected,
            "problems_found": self.problems_found,
            "problems_proposed": self.problems_proposed,
            "recall": round(self.recall, 4),
            "findings": self.findings,
            "false_alarms": self.false_alarms,
            "precision": round(self.precision, 4),
            "phantom_forms": self.phantom_forms,
        }


def write_forms(forms: list[tuple[str, dict]], folder: Path) -> dict[str, str]:
    """Each fixture written as its published format into ``folder``: stem → file."""
    out = {}
    for stem, data in forms:
        path = folder / f"{stem}.{data.get('format', 'docx')}"
        write_grid(path, data.get("title") or [], data["grid"], data.get("format", "docx"))
        out[stem] = str(path)
    return out


def measure(forms: list[tuple[str, dict]] | None = None, rules: str | None = None) -> Scores:
    """Read and audit every fixture of ``forms`` (default: the whole corpus) and score the result."""
    from evaltools.data.forms import read_files
    from evaltools.params import DEFAULT_RULES
    from evaltools.run.audit import audit_files

    forms = load() if forms is None else forms
    scores = Scores(forms=len(forms))
    with tempfile.TemporaryDirectory(prefix="corpus-") as tmp:
        files = write_forms(forms, Path(tmp))
        read, failures = read_files(list(files.values()))
        audit = audit_files(list(files.values()), rules or DEFAULT_RULES)
    by_file: dict[str, list] = {}
    for form in read:
        by_file.setdefault(form.source, []).append(form)
    reasons = {f.source: f.reason for f in failures}
    for stem, data in forms:
        file = files[stem]
        found = by_file.get(file, [])
        form = max(found, key=lambda f: len(f.data.indicators), default=None)  # the form, not a phantom
        row = FormRow(stem, form is not None, reasons.get(file, "") if form is None else "", features=features(data))
        row.phantoms = max(len(found) - 1, 0)
        expected = data["expected"]
        row.fields = compare_fields(expected["fields"], read_values(form) if form else None)
        findings = [f for f in audit["findings"] if f["file"] == file and f["code"] != REFUSED]
        row.on_cut = [f for f in findings if f["severity"] in SEVERE and on_cut_off(f, expected)]
        severe = [f for f in findings if f["severity"] in SEVERE and f not in row.on_cut]
        matched: set[int] = set()
        for p in expected.get("problems") or []:
            if p.get("proposed"):
                row.proposed.append(p)
                continue
            hit = problem_found(p, severe) or problem_found(p, [*row.on_cut, *_declared_info(findings)])
            (row.found if hit else row.missed).append(p)
            if hit:
                matched.add(id(hit))
        row.also_right = [f for f in severe if any(problem_found(p, [f]) for p in expected.get("also_right") or [])]
        row.false_alarms = [
            f
            for f in severe
            if id(f) not in matched
            and f not in row.also_right
            and not _expected_elsewhere(f, expected)
            and f.get("stage") != READING
        ]
        scores.findings += sum(1 for f in severe if f.get("stage") != READING or id(f) in matched)
        _add(scores, row)
    return scores


#: An indicator's figures: a finding about an indicator is on a cut-off figure when one of these is cut off (a
#: cut-off 一级 label above a row whose target and actual are printed does not hide an overachievement).
FIGURES = ("target", "actual", "weight", "score", "direction")
#: Form-level checks that need the whole indicator block (weights and totals).
WHOLE_BLOCK = ("WEIGHTS_NOT_100", "CATEGORY_WEIGHTS", "TOTAL_UNKNOWN")


def on_cut_off(finding: dict, expected: dict) -> bool:
    """A finding about what the transcription could not see (an indicator whose figures are cut off, or the
    weights and total of a block cut short): neither right nor a false alarm — the published form prints them."""
    fields = expected["fields"]
    cut = {text(i["level3"]) for i in fields.get("indicators") or [] if UNKNOWN in (i.get(k) for k in FIGURES)}
    parts = str(finding.get("subject") or "").split(" / ", 1)
    if len(parts) == 2:
        return any(c and (c in text(parts[1]) or text(parts[1]) in c) for c in cut)
    return finding["code"] in WHOLE_BLOCK and (bool(cut) or not expected.get("complete", True))


def _declared_info(findings: list[dict]) -> list[dict]:
    """Findings of codes the audit declares of severity info that still name a difference (CATEGORY_WEIGHTS: a
    一级 weight unlike the rule set's): they raise an expected problem of their code, and are never counted in
    precision."""
    from evaltools.scoring.audit import CODES

    consistent = {"RATE_ROUNDED", "RATE_UNCHECKED", "TOTAL_CHECKED"}
    return [f for f in findings if f["severity"] == "info" and f["code"] not in consistent and f["code"] in CODES]


def _expected_elsewhere(finding: dict, expected: dict) -> bool:
    """A finding whose code an expected problem names (another subject or a second finding of one problem)
    is not counted as a false alarm twice: precision counts it as matching."""
    problems = [p for p in expected.get("problems") or [] if not p.get("proposed")]
    return any(finding["code"] in {p["code"], *p.get("also", [])} for p in problems)


def _add(scores: Scores, row: FormRow) -> None:
    scores.rows.append(row)
    scores.forms_read += row.read
    scores.forms_refused += not row.read
    scores.fields_expected += len(row.fields)
    scores.fields_right += sum(1 for f in row.fields if f[3])
    scores.problems_expected += len(row.found) + len(row.missed)
    scores.problems_found += len(row.found)
    scores.problems_proposed += len(row.proposed)
    scores.false_alarms += len(row.false_alarms)
    scores.phantom_forms += row.phantoms


# ----------------------------------------------------------------------------- the failure list (REPORT.md)
#: Refusal reasons → class (first match).
REFUSAL_CLASSES = (
    ("no 自评表 found", "title not recognised (绩效目标自评表, 项目自评表, 自评结果, traditional characters …)"),
    ("no year", "no year in or under the title (fragments, 2021年 without 度, title cut off)"),
    ("no unit", "label not matched: unit (部门 / 单位 / 单位名称 / 填报单位 …)"),
    ("project has no name", "label not matched: project (项目名称 variants, 政策(项目)名称 …)"),
    ("a required cell is empty", "funds block not read: budget / spent labels not matched (预算数(A), 执行数(B) …)"),
    ("expected a number", "values: text or units in a number cell (3359.62万, 10萬, —)"),
    ("zero budget", "0 / 0 / 0 total row or zero budget with spending"),
    ("no indicator block", "indicator header not matched (指标名称, 年初目标值, 分值 before 指标值 …)"),
    ("indicator block is empty", "indicator rows not read (one-level names, ★ rows, split tables)"),
)


def refusal_class(reason: str) -> str:
    return next((c for key, c in REFUSAL_CLASSES if key in reason), "other refusal")


def field_class(name: str, expected: object, got: object) -> str:
    """The class of one wrong field of a form that was read."""
    e, g = text(expected) if expected is not None else "", text(got) if got is not None else ""
    if name.startswith("indicator[") and got is None and expected is not None:
        return "indicator row not read (— / / 三级 rows, template rows, merged cells, parent rows)"
    field = name.rsplit(".", 1)[-1]
    if field == "level3" and re.match(r"指标\d", g):
        return "「指标1：」 prefix kept in the name"
    if field in ("level1", "level2") and re.search(r"\d+分", g):
        return "heading weight kept in a level label (产出指标（50分）)"
    if field in ("level1", "level2", "level3"):
        return "label text differs (spaces, line breaks, 指标 suffix, traditional characters)"
    if name.startswith("funds.") and expected is None:
        return "funds block without 分值: a figure read where none is printed (default 10?)"
    if name.startswith("funds."):
        return "funds figure wrong or missing (labels, units in cells, layout)"
    if field in ("target", "actual") and re.search(r"\d+年|\d+月|日前|月前", e):
        return "dates / months as targets and actuals"
    if field in ("weight", "score") and expected is None:
        return "no 分值 column: a weight read where none is printed"
    if field in ("weight", "score"):
        return "merged 分值 / 得分 or score column not matched"
    if field == "direction":
        return "direction (≥ ≧ ﹦ ═ >= look-alikes, 指标性质 column)"
    if field in ("target", "actual"):
        return "target / actual text differs"
    if field in ("total", "grade"):
        return "总分 / 等级 row not read (0/0/0 total row, 自评总分 in the header, 合计)"
    return f"{field} wrong or missing"


def _per_form(row: FormRow) -> list[str]:
    wrong = [f for f in row.fields if not f[3]]
    lines = [f"### {row.name}", "", f"- prints: {'; '.join(row.features) or '—'}"]
    if not row.read:
        lines.append(f"- **refused**: {_short(row.reason)} — class: {refusal_class(row.reason)}")
    right = len(row.fields) - len(wrong)
    lines.append(f"- fields right {right} / {len(row.fields)}")
    if row.phantoms:
        lines.append(f"- **{row.phantoms} phantom form(s)** read from the same file besides the form")
    for name, e, g, _ in wrong[:40] if row.read else []:
        lines.append(f"  - `{name}`: expected `{e}`, read `{g}` — {field_class(name, e, g)}")
    if row.read and len(wrong) > 40:
        lines.append(f"  - … {len(wrong) - 40} more")
    for p in row.missed:
        lines.append(f"- missed `{p['code']}` at {p.get('subject')}: {p.get('what')}")
    for p in row.found:
        lines.append(f"- found `{p['code']}` at {p.get('subject')}")
    for f in row.also_right:
        lines.append(f"- also right (review) `{f['code']}` at {f.get('subject')}")
    for f in row.false_alarms:
        lines.append(f"- false alarm `{f['code']}` ({f['severity']}) at {f.get('subject')}: {_short(f['message'])}")
    if row.proposed:
        codes = ", ".join(sorted({p["code"] for p in row.proposed}))
        lines.append(f"- {len(row.proposed)} problem(s) with proposed codes (not raised yet): {codes}")
    return lines + [""]


def _feature_lines(scores: Scores) -> list[str]:
    """Per layout feature: the forms printing it (✓ read, ✗ refused) and their share of fields right."""
    by: dict[str, list[FormRow]] = defaultdict(list)
    for row in scores.rows:
        for name in row.features:
            by[name].append(row)
    lines = []
    for name, rows in sorted(by.items(), key=lambda kv: -len(kv[1])):
        right = sum(1 for r in rows for f in r.fields if f[3])
        total = sum(len(r.fields) for r in rows) or 1
        forms = ", ".join(f"{'✓' if r.read else '✗'} {r.name}" for r in rows)
        read = sum(r.read for r in rows)
        lines.append(f"- **{name}** — {len(rows)} forms, {read} read, fields right {right / total:.0%}: {forms}")
    return lines


def _short(message: object) -> str:
    """A message without the temporary folder's path."""
    s = re.sub(r"/tmp/corpus-[^/\s]+/", "", str(message))
    return s if len(s) < 220 else s[:217] + "…"


STANDARD_TITLE = {"project": "项目支出绩效自评表", "department": "部门整体支出绩效自评表"}


def behind_the_title(forms: list[tuple[str, dict]], scores: Scores) -> Scores:
    """A diagnostic for the forms refused over their title: the same forms measured again under the standard
    title (项目支出 / 部门整体支出绩效自评表 and （year年度）), to show what stops them next."""
    refused = {r.name for r in scores.rows if not r.read and "no 自评表 found" in r.reason}
    again = []
    for stem, data in forms:
        if stem in refused:
            year = data["source"].get("year") or data["expected"]["fields"].get("year")
            title = [STANDARD_TITLE[data["source"]["kind"]]] + ([f"（{year}年度）"] if isinstance(year, int) else [])
            again.append((stem, {**data, "title": title}))
    return measure(again)


def report(scores: Scores, behind: Scores | None = None) -> str:
    """REPORT.md: the figures, the classes (forms and fields in each), the missed problems by code, then the
    per-form list."""
    s = scores.summary()
    out = [
        "# Real-form corpus: what is read wrong (generated)",
        "",
        "Generated by `python -m tests.corpus.measure --report` from tests/corpus/forms/*.yaml "
        "(transcriptions in docs/research/forms/). Do not edit by hand.",
        "",
        "| figure | value |",
        "|---|---|",
        *[f"| {k} | {v} |" for k, v in s.items()],
        "",
        "## Refused forms by class",
        "",
    ]
    refusals: dict[str, list[str]] = defaultdict(list)
    for row in scores.rows:
        if not row.read:
            refusals[refusal_class(row.reason)].append(row.name)
    for cls, names in sorted(refusals.items(), key=lambda kv: -len(kv[1])):
        out += [f"- **{cls}** ({len(names)}): " + ", ".join(names)]
    if behind is not None and behind.rows:
        out += ["", "### Behind the title (diagnostic: the same forms under the standard title)", ""]
        out += [
            f"- {r.name}: "
            + ("read" if r.read else refusal_class(r.reason))
            + f", fields right {sum(f[3] for f in r.fields)} / {len(r.fields)}"
            for r in behind.rows
        ]
    out += ["", "## Layout features, with the forms that print them", ""]
    out += _feature_lines(scores)
    out += ["", "## Wrong fields of forms read, by class", ""]
    fields: dict[str, list[str]] = defaultdict(list)
    for row in scores.rows:
        for name, e, g, right in row.fields if row.read else []:
            if not right:
                fields[field_class(name, e, g)].append(f"{row.name}:{name}")
    for cls, items in sorted(fields.items(), key=lambda kv: -len(kv[1])):
        forms = sorted({i.split(":", 1)[0] for i in items})
        out += [f"- **{cls}**: {len(items)} fields in {len(forms)} forms ({', '.join(forms)})"]
    out += ["", "## Expected problems missed, by code", ""]
    missed: dict[str, list[str]] = defaultdict(list)
    for row in scores.rows:
        for p in row.missed:
            missed[p["code"]].append(row.name)
    for code, names in sorted(missed.items(), key=lambda kv: -len(kv[1])):
        out += [f"- `{code}` ({len(names)}): " + ", ".join(names)]
    proposed: dict[str, int] = defaultdict(int)
    for row in scores.rows:
        for p in row.proposed:
            proposed[p["code"]] += 1
    out += ["", "Proposed codes (no such finding yet): " + ", ".join(f"`{c}` {n}" for c, n in sorted(proposed.items()))]
    out += ["", "## Per form", ""]
    for row in scores.rows:
        out += _per_form(row)
    return "\n".join(out) + "\n"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--report", action="store_true", help=f"write {REPORT.relative_to(ROOT)}")
    args = ap.parse_args(argv)
    forms = load()
    scores = measure(forms)
    for k, v in scores.summary().items():
        print(f"{k:18} {v}")
    if args.report:
        REPORT.write_text(report(scores, behind_the_title(forms, scores)), encoding="utf-8")
        print(f"wrote {REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
