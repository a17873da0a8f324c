"""``outputs/index.html``: every unit and year with its score, grade and links, and a trend per unit.

Built by scanning ``outputs/**/summary.json`` (so it lists earlier runs too), plus the results of the
batch just run (which adds the failures). One self-contained zh-CN page: inline CSS, charts as
base64 PNG, no script and no external URL. Rendered with Jinja2, autoescape on: every string from
the data (unit names above all) is escaped; links are relative, each path part percent-encoded.
"""

from __future__ import annotations

import base64
import datetime as _dt
import io
import json
import math
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from evaltools import fmt
from evaltools.paths import not_a_file, without_local_paths, write_mark, write_text
from evaltools.report import fonts, page_style
from evaltools.report.exporters import DOCUMENTS, default_document

INDEX_FILE = "index.html"
#: A year folder of the output tree, as evaltools writes it: four ASCII digits.
YEAR_NAME = re.compile(r"[0-9]{4}")
#: The files of a report folder linked from the index, in this order: (file name, label) — the default document's
#: pages, the shared files, then each other document's pages under its label (复核意见 HTML), from :data:`DOCUMENTS`.
LINKED = (
    (default_document().files["html"], "HTML"),
    (default_document().files["pdf"], "PDF"),
    ("自评表.xlsx", "自评表"),
    ("checklist.html", "核查清单"),
    ("summary.json", "summary.json"),
    *((d.files[f], f"{d.label} {f.upper()}") for d in DOCUMENTS.values() if not d.default for f in ("html", "pdf")),
)
FAILED_NOTEBOOK = default_document().failed_notebook
NO_UNIT = "（未分单位）"


@dataclass
class Entry:
    """One unit-year of the index."""

    folder: str | None  # unit folder under outputs/ (None: outputs/<year>/)
    year: int
    name: str | None = None  # unit name from summary.json
    score: float | None = None
    grade: str | None = None
    reason: str | None = None  # why the total cannot be computed (a table cut off, not scored): JSON unknown_reason
    computed: float | None = None
    execution: float | None = None  # 部门预算执行率 (fraction)
    synthetic: bool = False
    rules: str | None = None
    errors: int = 0
    warnings: int = 0
    generated: str | None = None
    links: list = field(default_factory=list)  # (label, href)
    error: str | None = None  # this batch's failure, if any
    problem: str | None = None  # summary.json could not be read


@dataclass
class UnitGroup:
    folder: str | None
    name: str
    synthetic: bool
    entries: list
    chart: dict | None = None  # base64 PNGs by layout: print, phone
    anchor: str = ""  # id of its section: u1, u2 … (no data text in ids)

    @property
    def synthetic_all(self) -> bool:
        """Every year synthetic: the badge on the heading says it once for all rows."""
        return all(e.synthetic for e in self.entries if e.score is not None or e.links) and self.synthetic


def _href(parts: Iterable[str]) -> str:
    return "/".join(quote(str(p), safe="") for p in parts)


def _number(x) -> float | None:
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        return None
    return float(x) if math.isfinite(x) else None  # NaN, inf (JSON Infinity) are no score


def _key_of(rel: Path) -> tuple[str | None, int] | None:
    """(unit folder, year) of ``[unit/]year`` relative to the output folder; None for anything else."""
    parts = rel.parts
    if any(p.startswith(".") for p in parts):
        return None
    if len(parts) == 1 and YEAR_NAME.fullmatch(parts[0]):
        return None, int(parts[0])
    if len(parts) == 2 and YEAR_NAME.fullmatch(parts[1]):
        return parts[0], int(parts[1])
    return None  # not a report folder: ２０２２ and ² are digits to str.isdigit, not a year evaltools writes


def _links(folder: Path, rel: Path) -> list[tuple[str, str]]:
    out = [(label, _href([*rel.parts, name])) for name, label in LINKED if (folder / name).is_file()]
    for doc in DOCUMENTS.values():
        if (folder / doc.failed_notebook).is_file():
            name = "失败的笔记本" if doc.default else f"失败的笔记本（{doc.label}）"
            out.append((name, _href([*rel.parts, doc.failed_notebook])))
    return out


def collect(output_dir: str | Path) -> dict[tuple[str | None, int], Entry]:
    """Every report folder under ``output_dir`` that has a summary.json, by (unit folder, year)."""
    root = Path(output_dir)
    entries: dict[tuple[str | None, int], Entry] = {}
    if not root.is_dir():
        return entries
    for summary in sorted(root.glob("**/summary.json")):
        rel = summary.parent.relative_to(root)
        key = _key_of(rel)
        if key is None:
            continue
        entry = Entry(key[0], key[1], links=_links(summary.parent, rel))
        entry.generated = _dt.datetime.fromtimestamp(summary.stat().st_mtime).strftime("%Y-%m-%d %H:%M")
        why = not_a_file(summary)
        if why is not None:  # a named pipe would wait for a writer for ever: never opened
            entry.problem = f"summary.json 不是普通文件，已跳过 / not a regular file, skipped: {why}"
            entries[key] = entry
            continue
        try:
            data = json.loads(summary.read_text(encoding="utf-8"))
            overall = data.get("overall") or {}
            entry.name = str(data["unit"]) if data.get("unit") is not None else None
            entry.score = _number(overall.get("score"))
            entry.grade = None if overall.get("grade") is None else str(overall.get("grade"))
            entry.computed = _number(overall.get("computed_score"))
            entry.reason = None if overall.get("unknown_reason") is None else str(overall["unknown_reason"])
            entry.execution = _number((data.get("rates") or {}).get("department_execution"))
            entry.synthetic = bool(data.get("synthetic"))
            entry.rules = None if data.get("rules") is None else str(data["rules"])
            findings = data.get("findings") or []
            entry.errors = sum(1 for f in findings if isinstance(f, dict) and f.get("severity") == "error")
            entry.warnings = sum(1 for f in findings if isinstance(f, dict) and f.get("severity") == "warning")
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            entry.problem = f"summary.json 无法读取 / unreadable: {type(exc).__name__}: {exc}"
        entries[key] = entry
    return entries


def _merge_results(entries: dict, results, root: Path, data_dir: str | Path | None = None) -> None:
    """Add this batch's failures (and successes that wrote no summary.json) to the entries; their
    messages name files relative to the data and output folders, never by a local absolute path."""
    for r in results:
        key = (r.unit, int(r.year))
        entry = entries.get(key)
        if entry is None:
            entry = entries[key] = Entry(r.unit, int(r.year))
            folder = Path(r.output_dir) if r.output_dir else None
            if folder is not None and folder.is_dir():
                try:
                    entry.links = _links(folder, folder.resolve().relative_to(root.resolve()))
                except ValueError:
                    pass
            if r.ok:
                entry.score, entry.grade = _number(r.score), r.grade
        if not r.ok:
            entry.error = without_local_paths(r.error or "失败 / failed", data_dir, root)


def _trend_chart(group: UnitGroup) -> dict | None:
    """总分 and 部门预算执行率 against the year, as base64 PNGs ``{"print": …, "phone": …}`` (the phone drawing
    3.81 in wide, text ≥ 9 pt at 390 px: panels stacked); None with fewer than two years."""
    points = [e for e in group.entries if e.score is not None]
    if len(points) < 2:
        return None
    from evaltools.report.chart_layout import PHONE, PRINT, layout

    out = {}
    for which in (PRINT, PHONE):
        with layout(which):
            out[which.name] = _trend_png(group.name, points)
    return out


def _trend_png(name: str, points: list) -> str:
    import matplotlib as mpl
    from matplotlib.figure import Figure

    from evaltools.report import charts
    from evaltools.report.chart_layout import current

    size = current()
    phone = size.lines > 1
    with mpl.rc_context():
        charts.use_theme()  # registers the CJK font: Chinese renders, no missing-glyph boxes
        mpl.rcParams["axes.unicode_minus"] = False
        fig = Figure(figsize=(size.width, 4.6 if phone else 2.5), layout="constrained")
        axes = fig.subplots(2, 1) if phone else fig.subplots(1, 2)
        years = [e.year for e in points]
        panels = [
            (axes[0], [e.score for e in points], "总分", fmt.score, "#1f5f8b"),
            (
                axes[1],
                [None if e.execution is None else e.execution * 100 for e in points],
                "部门预算执行率（%）",
                lambda v: fmt.pct(v / 100),
                "#b5651d",
            ),
        ]
        for ax, values, title, label, color in panels:
            xs = [x for x, v in zip(years, values) if v is not None]
            vs = [v for v in values if v is not None]
            if vs:
                ax.plot(xs, vs, marker="o", color=color, linewidth=1.8)
                for x, v in zip(xs, vs):
                    ax.annotate(
                        label(v), (x, v), textcoords="offset points", xytext=(0, 6), ha="center", fontsize=size.small
                    )
            ax.set_title(title, fontsize=size.text)
            ax.set_xticks(years, [str(y) for y in years])
            ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
            ax.margins(y=0.3)
            ax.tick_params(labelsize=size.small)
        fig.suptitle(charts.plain(f"{name} 历年趋势"), fontsize=size.title)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=110 if not phone else 150)
    return base64.b64encode(buf.getvalue()).decode("ascii")


def groups(entries: dict) -> list[UnitGroup]:
    by_folder: dict[str | None, list[Entry]] = {}
    for entry in entries.values():
        by_folder.setdefault(entry.folder, []).append(entry)
    out = []
    for folder in sorted(by_folder, key=lambda f: (f is not None, f or "")):
        items = sorted(by_folder[folder], key=lambda e: e.year)
        names = [e.name for e in items if e.name]
        name = names[-1] if names else (folder or NO_UNIT)
        out.append(UnitGroup(folder, name, any(e.synthetic for e in items), items, anchor=f"u{len(out) + 1}"))
    return out


_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>绩效自评报告索引</title>
<style>
{{ font_face_slot }}
body { font-family: {{ families | safe }};
       margin: 2rem auto; max-width: 1100px; padding: 0 1rem; color: #222; line-height: 1.5; }
h1 { font-size: 1.6rem; margin-bottom: 0.2rem; }
h2 { font-size: 1.2rem; margin-top: 2.2rem; border-bottom: 2px solid #1f5f8b; padding-bottom: 0.2rem; }
.meta { color: #666; font-size: 0.9rem; }
nav ul { columns: 2; padding-left: 1.2rem; }
table { border-collapse: collapse; width: 100%; font-size: 0.92rem; margin: 0.6rem 0; }
th, td { border: 1px solid #ccc; padding: 0.3rem 0.5rem; vertical-align: top; }
th { background: #eef3f7; text-align: left; white-space: nowrap; }
td.grade { white-space: nowrap; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.failed td { background: #fdecea; }
.badge { display: inline-block; font-size: 0.75rem; padding: 0.05rem 0.4rem; border-radius: 0.3rem;
         margin-left: 0.4rem; vertical-align: middle; }
.synthetic { background: #a11d1d; color: #fff; }
.err { color: #a11d1d; }
.warn { color: #8a6d00; }
span.err, span.warn { white-space: nowrap; }
.links a { margin-right: 0.6rem; white-space: nowrap; }
figure { margin: 0.6rem 0; }
figure img { max-width: 100%; height: auto; }
details { margin-top: 0.2rem; }
pre { white-space: pre-wrap; font-size: 0.8rem; margin: 0.2rem 0; }
/* The table scrolls sideways inside its own box on a narrow screen; the page itself does not. */
.table-box { overflow-x: auto; margin: 0.6rem 0; }
.table-box > table { margin: 0; }
{{ narrow_css | safe }}
@media screen and (max-width: 44rem) {
  body { margin: 1rem auto; padding: 0 0.75rem; font-size: 14px; }
  h1 { font-size: 1.35rem; }
  nav ul { columns: 1; }
  table { min-width: 36rem; font-size: 0.85rem; }
}
</style>
</head>
<body>
<h1>绩效自评报告索引</h1>
<p class="meta">生成时间 {{ generated }} · {{ groups|length }} 个单位 · {{ n_reports }} 份报告{% if n_failed %} · <span class="err">{{ n_failed }} 份本次运行失败</span>{% endif %}{% if n_synthetic %} · 含合成数据单位 {{ n_synthetic }} 个{% endif %}</p>
{% if groups|length > 1 %}
<nav><ul>
{% for g in groups %}<li><a href="#{{ g.anchor }}">{{ g.name }}</a>{% if g.synthetic %}<span class="badge synthetic">合成数据</span>{% endif %}</li>
{% endfor %}</ul></nav>
{% endif %}
{% for g in groups %}
<section id="{{ g.anchor }}">
<h2>{{ g.name }}{% if g.synthetic %}<span class="badge synthetic" title="合成数据 · 仅供演示">合成数据</span>{% endif %}</h2>
{% if g.folder and g.folder != g.name %}<p class="meta">输出目录：{{ g.folder }}/</p>{% endif %}
<div class="table-box"><table>
<thead><tr><th>年度</th><th>得分</th><th>等级</th><th>重算得分</th><th>核查</th><th>报告</th><th>生成时间</th></tr></thead>
<tbody>
{% for e in g.entries %}
<tr{% if e.error %} class="failed"{% endif %}>
<td class="num">{{ e.year }}{% if e.synthetic and not g.synthetic_all %}<span class="badge synthetic">合成数据</span>{% endif %}</td>
<td class="num">{{ score(e.score) }}</td>
<td class="grade">{% if e.grade %}{{ e.grade }}{% elif e.reason %}{{ grade_of(e.reason) }}<div class="meta">{{ e.reason }}</div>{% else %}—{% endif %}</td>
<td class="num">{{ score(e.computed) }}</td>
<td>{% if e.problem %}<span class="err">{{ e.problem }}</span>{% elif e.score is none and not e.links %}—{% else %}<span class="err">错误 {{ e.errors }}</span> · <span class="warn">警告 {{ e.warnings }}</span>{% endif %}</td>
<td class="links">{% for label, href in e.links %}<a href="{{ href }}">{{ label }}</a>{% endfor %}
{% if e.error %}<div class="err">本次运行失败：{{ e.error.splitlines()[0] }}</div>{% if e.error.splitlines()|length > 1 %}<details><summary>详情</summary><pre>{{ e.error }}</pre></details>{% endif %}{% endif %}</td>
<td>{{ e.generated or "—" }}</td>
</tr>
{% endfor %}
</tbody>
</table></div>
{% if g.chart %}<figure><picture><source media="(max-width: 44rem)" srcset="data:image/png;base64,{{ g.chart.phone }}"><img alt="{{ g.name }} 历年总分与预算执行率" src="data:image/png;base64,{{ g.chart.print }}"></picture></figure>{% endif %}
</section>
{% endfor %}
{% if not groups %}<p>还没有报告。运行 <code>evaltools run --all</code> 生成。</p>{% endif %}
</body>
</html>
"""


def render(entries: dict) -> str:
    from jinja2 import DictLoader, Environment, StrictUndefined

    env = Environment(
        loader=DictLoader({INDEX_FILE: _TEMPLATE}),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        finalize=fmt.page_finalize,  # names shown with their invisible characters visible (issue 22)
    )
    from evaltools.scoring.completeness import grade_of_sentence

    units = groups(entries)
    for g in units:
        g.chart = _trend_chart(g)
    all_entries = [e for g in units for e in g.entries]
    html = env.get_template(INDEX_FILE).render(
        font_face_slot=page_style.FONT_FACE_SLOT,
        narrow_css=page_style.narrow_css(),
        families=fonts.PAGE_FAMILIES,
        groups=units,
        generated=_dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        score=fmt.score,
        grade_of=grade_of_sentence,
        n_reports=sum(1 for e in all_entries if e.links),
        n_failed=sum(1 for e in all_entries if e.error),
        n_synthetic=sum(1 for g in units if g.synthetic),
    )
    return page_style.embed_font(html)  # the CJK font travels with the page


def skipped(output_dir: str | Path) -> list[str]:
    """The summary.json files under ``output_dir`` that the index skips, unopened, as not regular files (a named
    pipe would wait for ever): ``2022/summary.json: it is a named pipe (FIFO), not a file``."""
    root = Path(output_dir)
    if not root.is_dir():
        return []
    out = []
    for summary in sorted(root.glob("**/summary.json")):
        why = not_a_file(summary)
        if why is not None and _key_of(summary.parent.relative_to(root)) is not None:
            out.append(f"{summary.relative_to(root).as_posix()}: {why}")
    return out


def write_index(
    results_or_output_dir: Iterable | str | Path,
    output_dir: str | Path | None = None,
    *,
    data_dir: str | Path | None = None,
) -> Path:
    """Write ``<output_dir>/index.html`` atomically and return its path; the folder is marked as evaltools'
    output (:func:`evaltools.paths.write_mark`), so that an audit never reads the reports' workbooks as forms.

    ``write_index("outputs")`` indexes what is on disk; ``write_index(results, "outputs")`` also shows
    the failures of a batch just run (a list of :class:`evaltools.run.batch.BatchResult`), their files
    named relative to ``data_dir`` (the batch's data folder) and the output folder.
    """
    if isinstance(results_or_output_dir, (str, os.PathLike)):
        root, results = Path(results_or_output_dir), []
        if output_dir is not None and Path(output_dir) != root:
            raise TypeError("write_index(output_dir) or write_index(results, output_dir), not two folders")
    else:
        results = list(results_or_output_dir or [])
        if output_dir is None:
            raise TypeError("write_index(results, output_dir): the output folder is required with results")
        root = Path(output_dir)
    entries = collect(root)
    _merge_results(entries, results, root, data_dir)
    written = write_text(root / INDEX_FILE, render(entries))
    write_mark(root, "run", [written])  # the reports' folder: an audit of a tree holding it never reads its 自评表
    return written


__all__ = ["write_index", "skipped", "collect", "render", "Entry", "UnitGroup", "INDEX_FILE"]
