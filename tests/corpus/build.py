"""Turn the transcriptions of real published 自评表 (docs/research/forms/*.md) into corpus fixtures
(tests/corpus/forms/<stem>.yaml) — a first draft, checked and fixed by hand afterwards.

    python -m tests.corpus.build            # writes the fixtures that do not exist yet
    python -m tests.corpus.build --force    # rewrites them all (hand fixes are lost: review the diff)
    python -m tests.corpus.build --list     # which transcriptions are table forms, which narrative

What it reads from a transcription (the conventions of docs/research/forms/README.md):

* ``## Source`` bullets → ``source`` (url, site, official or mirror, year, province, kind, file type);
* ``## Transcription`` → ``title`` (the 表名 row) and ``grid``: every Markdown table of the blocks, one grid
  row per table row, the block's column headers included (the transcriber's ``行`` / ``字段 | 值`` headers are
  replaced by the block label or dropped). A cell ``↑`` continues the cell above (a vertical merge: the cell
  above gets ``span: [rows, 1]``); ``(blank)`` and English notes in parentheses are dropped; a cell naming
  ``UNKNOWN`` is cut off — it and the cells after it in its row are left out, and a row whose 三级 name is
  cut off is left out whole (never a guessed value);
* ``## What is cut off`` → ``cut_off``;
* ``## Expected fields`` (YAML) → ``expected.fields`` in the reader's names (unit, project, year, funds.*,
  indicators[].*, total, grade);
* ``## Problems an auditor would raise`` → ``expected.problems``: a finding code guessed from the wording
  (:data:`CODE_WORDS`; ``proposed: true`` where no existing code fits), the subject (an indicator named in the
  text, else the block) and the transcription's arithmetic as ``note``. Items saying "no finding" and reader
  notes are left out.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import yaml

from tests._paths import ROOT
from tests.corpus.review import (
    ALSO,
    ALSO_RIGHT,
    CODE_SUBJECT,
    CODE_WORDS,
    DIRECTION_WORDS,
    FIELD_FIXES,
    FIXES,
    OTHER_FORMS,
    PROVINCES,
    READER_NOTES,
    TRANSCRIBER_COLUMNS,
)

SOURCES = ROOT / "docs" / "research" / "forms"
OUT = Path(__file__).resolve().parent / "forms"
FIELD_NAMES = ("level1", "level2", "level3", "target", "actual", "weight", "score", "direction")
NOTE = re.compile(
    r"\s*[(（][^()（）]*[a-z]{3,}[^()（）]*[)）]"  # (blank), (merged over the next row), (sic: …)
    r"|\s*\((?:OCR|sic)\b[^)]*\)"  # (OCR "测第")
    r'|\s*\("[^"]*"\s*=[^)]*\)'  # ("W" = ≤): the transcriber reading a garbled sign
)


# ----------------------------------------------------------------------------- Markdown


def sections(text: str, level: str = "## ") -> dict[str, str]:
    """The text under each heading of ``level`` (heading without its number, e.g. ``Source``)."""
    out: dict[str, str] = {}
    name = None
    for line in text.splitlines():
        if line.startswith(level):
            name = re.sub(r"^\d+[a-z]?\.\s*", "", line[len(level) :]).strip()
            out.setdefault(name, "")
        elif name is not None:
            out[name] += line + "\n"
    return out


def tables(text: str) -> list[tuple[str, list[list[str]]]]:
    """Every Markdown table of ``text`` with the ``###`` heading it is under: rows of cells (the separator
    row dropped; the first row is the table's header)."""
    out: list[tuple[str, list[list[str]]]] = []
    heading, current = "", None
    for line in text.splitlines():
        if line.startswith("###"):
            heading, current = line.lstrip("#").strip(), None
        elif line.startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(re.fullmatch(r":?-{2,}:?", c) for c in cells if c):
                continue
            if current is None:
                current = []
                out.append((heading, current))
            current.append(cells)
        else:
            current = None
    return out


def clean_cell(cell: str) -> str | None:
    """A transcribed cell as printed: notes dropped; None where it is cut off (UNKNOWN)."""
    if "UNKNOWN" in cell or cell.startswith("…") and len(cell) < 3:
        return None
    cell = cell.replace("**", "").replace("`", "")
    cell = NOTE.sub("", cell).strip()
    if cell.lower() in ("(blank)", "blank", "(empty)", "(none)", "none", "—(blank)", "null"):
        return ""
    return cell


def block_rows(heading: str, rows: list[list[str]]) -> tuple[list[str], list[list[str | None]]]:
    """(title lines, grid rows) of one transcribed block table."""
    titles: list[str] = []
    header, body = rows[0], rows[1:]
    label = heading.split("—", 1)[1].strip() if "—" in heading else ""
    if header[:2] in (["字段", "值"], ["Field", "Value"]) or header[0] in ("字段",):
        out = []
        for r in body:
            if r[0] in ("表名", "标题", "Title"):
                title = re.sub(r"\s*\((OCR|sic\b[^)]*)\)", "", clean_cell(r[1]) or "")
                titles += [t for t in re.split(r"\s+(?=[(（])", title) if t]
            else:
                out.append([clean_cell(c) for c in r])
        return titles, out
    if heading.startswith("Goals") and not any("年度总体目标" in c or "总体目标" == c for c in header):
        first = [label or "年度总体目标"] + ["↑"] * (len(rows) - 1)  # one cell down the block's left side
        return titles, [[f] + [clean_cell(c) for c in r] for f, r in zip(first, rows)]
    if header[0] in ("行", "Row", "row", ""):
        header = [NOTE.sub("", label).strip()] + header[1:]
    drop = [j for j, c in enumerate(header) if c in TRANSCRIBER_COLUMNS]
    rows = [[c for j, c in enumerate(r) if j not in drop] for r in [header, *body]]
    return titles, merge_levels([[clean_cell(c) for c in r] for r in rows])


def merge_levels(rows: list[list]) -> list[list]:
    """In an indicator block (a header naming 一级 and 二级), the 一级 and 二级 cells a transcription repeats
    or leaves blank under a filled one are one merged cell as printed: they become ``↑`` (see
    :func:`merge_arrows`); a 二级 cell does not continue across a new 一级."""
    header = rows[0]
    cols = [j for j, c in enumerate(header) if c and re.match(r"[一二][级級]", c)]
    if len(cols) != 2:
        return rows
    out = [list(r) for r in rows]
    runs: dict[int, str | None] = {j: None for j in cols}
    for row in out[1:]:
        filled = any(c for c in row if c)
        for j in cols:
            if j >= len(row) or row[j] is None:
                runs[j] = None
                continue
            if row[j] and row[j] != runs[j]:
                runs[j] = row[j]
                if j == cols[0]:
                    runs[cols[1]] = None
            elif runs[j] is not None and filled and (row[j] == runs[j] or row[j] == ""):
                row[j] = "↑"
    return out


def grid_of(text: str, skip: tuple[str, ...] = ()) -> tuple[list[str], list[list]]:
    """The title lines and the grid of a transcription's blocks (see the module docstring); blocks whose
    heading starts with one of ``skip`` are left out."""
    titles: list[str] = []
    grid: list[list] = []
    for heading, rows in tables(text):
        if heading.startswith(skip) and skip:
            continue
        t, block = block_rows(heading, rows)
        titles += t
        for row in block:
            if (len(row) > 2 and row[2] is None) or (row and row[0] is None and len(row) <= 2):
                continue  # the row's name is cut off: the row is not on the page
            kept = cut_off(row)
            stub = len(kept) < len(row) and sum(1 for c in kept if c) < 3
            if any(c and c != "↑" for c in kept) and not stub:  # a row cut at its name is not on the page
                grid.append(kept)
    return titles, merge_arrows(grid)


def _cut(cell: object) -> bool:
    return cell is None or (isinstance(cell, str) and cell.endswith("…"))


def cut_off(row: list) -> list:
    """A row as far as it is on the page: the cells from the last cut-off one (UNKNOWN, or truncated with "…")
    on are left out when nothing after it is known; a cut-off cell between known ones is blank (its value is
    not known; the cells after it are)."""
    row = list(row)
    tail = len(row)
    while tail and (_cut(row[tail - 1]) or row[tail - 1] == ""):
        tail -= 1
    if any(_cut(c) for c in row[tail:]):
        row = row[:tail]
    return ["" if c is None else c for c in row]


def merge_arrows(grid: list[list]) -> list[list]:
    """Cells ``↑`` continue the cell above: the cell above spans them, and they leave their row."""
    out: list[list] = [list(r) for r in grid]
    for j in range(max((len(r) for r in out), default=0)):
        for i, row in enumerate(out):
            if j < len(row) and row[j] == "↑":
                k = i - 1
                while k >= 0 and (j >= len(out[k]) or out[k][j] in ("↑", None)):
                    k -= 1
                if k < 0:
                    row[j] = ""
                    continue
                top = out[k][j]
                if not isinstance(top, dict):
                    top = out[k][j] = {"text": top, "span": [1, 1]}
                top["span"][0] = i - k + 1
                row[j] = None
    return [[c for c in r if c is not None] if any(c is None for c in r) else r for r in out]


# ----------------------------------------------------------------------------- source, expected


def source_of(stem: str, text: str) -> dict:
    src = sections(text).get("Source", "")
    url = re.search(r"https?://\S+", src)
    site = re.search(r"Site:\s*([^\s,;(（]+)", src)
    low = src.lower()
    mirror = "mirror" in low or "re-post" in low or "document-sharing" in low
    if re.search(r"\.xlsx?\b|excel", low):
        ftype = "xlsx"
    elif re.search(r"\.docx?\b|word", low):
        ftype = "docx"
    elif "pdf" in low:
        ftype = "pdf"
    elif "ocr" in low or "image" in low:
        ftype = "image"
    else:
        ftype = "html"
    year = re.search(r"-(20\d\d)-", stem)
    why = re.search(r"URL[^:]*:\s*(.*)", src)
    return {
        "url": url.group(0).rstrip(").,;") if url else None,
        **({} if url else {"no_url": (why.group(1).replace("**", "") if why else "no URL stored")[:200]}),
        "site": site.group(1) if site else None,
        "mirror": mirror,
        "official": not mirror,
        "year": int(year.group(1)) if year else None,
        "province": PROVINCES.get(stem.split("-")[0]),
        "kind": "department" if stem.endswith("-dept") else "project",
        "file_type": ftype,
    }


def value(v: object) -> object:
    """An expected value: numbers as numbers (a 万 suffix dropped), UNKNOWN and text as they are."""
    if isinstance(v, str):
        m = re.fullmatch(r"\s*(-?\d+(?:\.\d+)?)\s*(万元|万)?\s*", v)
        if m and (m.group(2) or not v.strip().startswith("0") or v.strip() == "0" or "." in v):
            return float(m.group(1)) if "." in m.group(1) else int(m.group(1))
    return v


FLOW_KEY = re.compile(r",\s*(?=[a-z_][a-z0-9_]*:\s)")


def flow_item(body: str) -> dict:
    """One ``{key: value, …}`` line of a transcription's YAML, read so that a comma or colon inside a value
    (``促进黄石文化经济发展,丰富市民文化活动``, ``指标1: …``) stays in it: keys are ASCII words."""
    out: dict = {}
    for part in FLOW_KEY.split(body):
        key, _, raw = part.partition(":")
        raw = raw.strip()
        try:
            parsed = yaml.safe_load(raw) if raw else None
        except yaml.YAMLError:
            parsed = raw
        out[key.strip()] = parsed if isinstance(parsed, (str, int, float, type(None))) else raw
    return out


def load_expected(block: str) -> object:
    """The YAML of an ``Expected fields`` block, its flow-mapping lines read with :func:`flow_item`."""
    lines = []
    for line in block.splitlines():
        m = re.fullmatch(r"(\s*-\s*)\{(.*)\}\s*(#.*)?", line)
        try:
            plain = yaml.safe_load("{" + m.group(2) + "}") if m else None
        except yaml.YAMLError:
            plain = None
        if m and not (isinstance(plain, dict) and all(re.fullmatch(r"[a-z_][a-z0-9_]*", str(k)) for k in plain)):
            line = m.group(1) + json.dumps(flow_item(m.group(2)), ensure_ascii=False)
        lines.append(line)
    return yaml.safe_load("\n".join(lines))


def funds_total(rows: list) -> dict:
    rows = [r for r in rows if isinstance(r, dict)]
    for r in rows:
        if re.search(r"总额|合计|总计|总体", str(r.get("row", ""))):
            return r
    return rows[0] if rows else {}


def fields_of(d: dict, kind: str) -> dict:
    """The expected fields of a transcription's YAML in the reader's names."""
    out: dict = {"unit": d.get("unit"), "year": d.get("year")}
    if kind == "project":
        out["project"] = d.get("project")
    funds = d.get("funds")
    out["funds"] = None
    if isinstance(funds, list):
        total = funds_total(funds)
        out["funds"] = {k: value(total.get(k)) for k in ("budget", "spent", "weight", "rate", "score") if k in total}
    elif funds == "UNKNOWN":
        out["funds"] = "UNKNOWN"
    if d.get("money_unit") == "元":  # amounts transcribed as printed, in 元 (the reader reads them in 万元)
        out["money_unit"] = "元"
    inds = []
    for r in d.get("indicators") if isinstance(d.get("indicators"), list) else []:
        if isinstance(r, dict):
            inds += _merged(r) if isinstance(r.get("level3"), list) else [_indicator(r)]
    out["indicators"] = inds
    out["total"] = value(d.get("total_printed"))
    out["grade"] = d.get("grade_printed")
    return out


def _indicator(r: dict) -> dict:
    return {k: value(r[k]) if k in ("weight", "score") else r[k] for k in FIELD_NAMES if k in r}


HEADING_WEIGHT = re.compile(r"\s*[（(]?\s*\d+(?:\.\d+)?\s*分\s*[)）]?\s*$")
NUMBERED = re.compile(r"^指标\s*\d+\s*[:：]\s*")


def _squeezed(text: object) -> str:
    return re.sub(r"\s+", "", str(text))


def normalised(fields: dict, titles: list[str], grid: list[list], fixes: dict) -> dict:
    """Expected fields in the names the reader produces: 一级/二级 without heading weights (产出指标（50分）→
    产出指标), 三级 without 「指标1：」, directions without notes; notes in English dropped from texts; the unit
    and project UNKNOWN when the transcribed part of the form does not print them, and indicators whose 三级
    name is not in the grid left out (cut off: not on the page as transcribed)."""
    printed = _squeezed(" ".join(titles) + " " + " ".join(_cell_text(c) for row in grid for c in row))
    out = dict(fields, **fixes)
    for key in ("unit", "project"):
        text = out.get(key)
        if isinstance(text, str) and text != "UNKNOWN":
            text = NOTE.sub("", text).strip()
            out[key] = text if _squeezed(text) in printed else "UNKNOWN"
    inds = []
    for ind in out.get("indicators", []):
        ind = dict(ind)
        for level in ("level1", "level2"):
            if isinstance(ind.get(level), str) and ind[level] != "UNKNOWN":
                ind[level] = HEADING_WEIGHT.sub("", ind[level]).strip() or None
        if isinstance(ind.get("level3"), str):
            ind["level3"] = NUMBERED.sub("", ind["level3"])
        if isinstance(ind.get("direction"), str) and ind["direction"] != "UNKNOWN":
            d = NOTE.sub("", re.sub(r"\s*\([^)]*\)", "", ind["direction"])).strip()
            ind["direction"] = DIRECTION_WORDS.get(d, d) or None
        name = ind.get("level3")
        if name not in (None, "UNKNOWN") and _squeezed(name) not in printed:
            ind["level3"] = name = _printed_name(name, grid)
        if name not in (None, "UNKNOWN"):
            inds.append(ind)
    out["indicators"] = inds
    return out


BRACKETS = re.compile(r"[(（][^()（）]*[)）]")


def _printed_name(name: str, grid: list[list]) -> str | None:
    """The 三级 cell a transcribed name stands for when the transcriber added or dropped a bracket
    (账务管理(专账核算) for a printed 账务管理; 扶贫临时救助标准 for 扶贫临时救助标准(<元/户·年)): its text as printed."""
    want = BRACKETS.sub("", _squeezed(name))
    for row in grid:
        for cell in row:
            text = NUMBERED.sub("", _cell_text(cell))
            if want and BRACKETS.sub("", _squeezed(text)) == want:
                return text
    return None


def _cell_text(cell: object) -> str:
    return str(cell.get("text", "")) if isinstance(cell, dict) else str(cell)


def _merged(r: dict) -> list[dict]:
    """An indicator transcribed with lists (三级 rows sharing one merged 分值/得分 cell) as one indicator per
    三级 row: the first carries the 分值 and 得分 once, the others leave them out (not compared)."""
    out = []
    for k, name in enumerate(r["level3"]):
        one = {key: (v[k] if isinstance(v, list) and k < len(v) else v) for key, v in r.items()}
        one["level3"] = name
        if k:
            one = {key: v for key, v in one.items() if key not in ("weight", "score")}
        out.append(_indicator(one))
    return out


def problems_of(text: str, fields: dict, stem: str = "") -> list[dict]:
    """The auditor's problems as expected findings (see :data:`CODE_WORDS`, then the hand review :data:`FIXES`)."""
    part = next((v for k, v in sections(text).items() if k.startswith("Problems")), "")
    items = re.findall(r"^\d+\.\s+(.*?)(?=^\d+\.\s|\Z)", part, re.S | re.M)
    names = [i.get("level3") for i in fields.get("indicators", []) if isinstance(i.get("level3"), str)]
    out = []
    for item in items:
        item = " ".join(item.split())
        low = item.lower()
        title = re.match(r"\*\*(.+?)\*\*", item)
        passing = "✓" in item and not title and not re.search(r"≠|✗|\bvs\b|but", item)
        if any(w in low for w in READER_NOTES) or passing:
            continue  # a reader note, or a check that holds
        code, proposed = next(((c, p) for c, p, words in CODE_WORDS if any(w in low for w in words)), (None, True))
        named = next((n for n in names if n != "UNKNOWN" and n in item), None)
        by_level2 = [i.get("level3") for i in fields.get("indicators", []) if str(i.get("level2")) in item]
        named = named or (by_level2[0] if len(by_level2) == 1 else None)
        out.append(
            {
                "code": code or "UNCLASSIFIED",
                **({"proposed": True} if proposed else {}),
                "subject": named or CODE_SUBJECT.get(code or "", "form"),
                "what": title.group(1).rstrip(":：") if title else item[:60],
                "note": item,
            }
        )
    return _reviewed(out, FIXES.get(stem, {}), ALSO.get(stem, {}))


def _reviewed(problems: list[dict], fixes: dict[str, tuple | None], also: dict[str, tuple[str, ...]]) -> list[dict]:
    """The problems after the hand review: a fix applies to the problem whose title starts with its key."""
    out = []
    for p in problems:
        key = next((k for k in fixes if p["what"].startswith(k)), None)
        if key is not None and fixes[key] is None:
            continue
        if key is not None:
            code, proposed, *subject = fixes[key]
            p = {"code": code, **({"proposed": True} if proposed else {})} | {
                k: v for k, v in p.items() if k not in ("code", "proposed")
            }
            block = p["subject"] in ("funds", "total", "weights", "grade", "form")
            p["subject"] = subject[0] if subject else CODE_SUBJECT.get(code, "form") if block else p["subject"]
        more = next((codes for k, codes in also.items() if p["what"].startswith(k)), ())
        out.append(p | ({"also": list(more)} if more else {}))
    return out


def complete(data: dict) -> bool:
    """Whether the transcription holds the whole indicator block and the total: nothing in them is cut off."""
    inds = data.get("indicators")
    return isinstance(inds, list) and "UNKNOWN" not in str(inds) and data.get("total_printed") != "UNKNOWN"


def is_table_form(grid: list[list], fields: dict) -> bool:
    """A table form: its transcription prints an indicator block (a header naming 指标 and a value column)
    with at least one indicator row, or a funds block with its figures."""
    header = any(
        any(isinstance(c, str) and re.search(r"三[级級]指[标標]|指[标標]名[称稱]", c) for c in row) and len(row) >= 4
        for row in grid
    )
    return header and any(i.get("level3") not in (None, "UNKNOWN") for i in fields.get("indicators", []))


def fixture(path: Path) -> tuple[dict | None, str]:
    """The fixture of one transcription, or None and why it is out of the form corpus."""
    text = path.read_text(encoding="utf-8")
    parts = sections(text)
    stem = path.stem
    m = re.search(r"## Expected fields.*?```ya?ml\n(.*?)```", text, re.S)
    if not m:
        return None, "no Expected fields block"
    data = load_expected(m.group(1))
    if isinstance(data, list):
        data = data[0]
    source = source_of(stem, text)
    fields = fields_of(data, source["kind"])
    first = next((v for k, v in parts.items() if k.startswith("Transcription")), "")
    titles, grid = grid_of(first, OTHER_FORMS.get(stem, ()))
    layout = next((v for k, v in parts.items() if k.startswith("Layout")), "")
    line = re.search(r"^- Title(?: row)?:?\s*(.*)$", layout, re.M)
    if not titles and line:  # the title as the layout section quotes it (`…`), before any further cells
        quoted = re.findall(r"`([^`]+)`", line.group(1))
        head = re.findall(r"`([^`]+)`", line.group(1).split(";")[0])
        titles = [t for t in quoted if t in head or re.match(r"(填报单位|单位名称)[:：].", t)]
        titles = [t for t in titles if "<" not in t]
    fields = normalised(fields, titles, grid, FIELD_FIXES.get(stem, {}))
    if not is_table_form(grid, fields):
        return None, (
            "narrative report: no indicator table in the stored part"
            if not any(len(r) >= 4 for r in grid)
            else "tables, but no indicator block in the stored part"
        )
    return {
        "source": source,
        "cut_off": " ".join(parts.get("What is cut off", "").split()),
        "format": "xlsx" if source["file_type"] == "xlsx" else "docx",
        "title": titles,
        "grid": grid,
        "expected": {
            "complete": complete(data),
            "fields": fields,
            "problems": problems_of(text, fields, stem),
            **({"also_right": ALSO_RIGHT[stem]} if stem in ALSO_RIGHT else {}),
        },
    }, ""


def dump(data: dict) -> str:
    """YAML with the grid one row a line (flow style) and everything else in block style."""
    grid = data.pop("grid")
    head = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=120)
    rows = "".join(
        "  - " + yaml.safe_dump(r, allow_unicode=True, default_flow_style=True, width=10_000).strip() + "\n"
        for r in grid
    )
    data["grid"] = grid
    before, after = head.split("expected:", 1)
    return before + "grid:\n" + rows + "expected:" + after


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--force", action="store_true", help="rewrite existing fixtures")
    ap.add_argument("--list", action="store_true", help="list table forms and narrative reports")
    args = ap.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    for path in sorted(SOURCES.glob("*-*.md")):
        data, why = fixture(path)
        target = OUT / f"{path.stem}.yaml"
        if args.list:
            print(f"{'table' if data else 'out  '}  {path.stem}  {why}")
            continue
        if data is not None and (args.force or not target.exists()):
            target.write_text(dump(data), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
