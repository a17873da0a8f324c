"""A corpus of broken inputs, each run through ``evaltools check`` (tests/data/bad_inputs/*.yaml).

Every case copies data/2022 (as CSV, or as a workbook written by :func:`write_workbook`) into a
temporary folder, applies its declarative mutations (the registry :data:`MUTATIONS` below) and
checks what the command line says: the exit code, no traceback, and one output line naming the
file (and sheet, row, column) together with the expected message. The problem code, which the
CLI does not print, is checked on :func:`evaltools.data.load.inspect_path`. Nothing may be written
anywhere: the command runs in an empty working folder that must stay empty (no ``outputs/``).

Most cases run in-process through typer's CliRunner; those marked ``subprocess: true`` run a real
``evaltools`` process, which also measures time and peak memory (the 500,000-row case).
"""

from __future__ import annotations

import csv
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
import yaml
from typer.testing import CliRunner

from evaltools.cli import app
from evaltools.data import schema as S
from evaltools.data.load import inspect_path, load_path
from evaltools.data.workbook import write_workbook
from tests._paths import DATA, ROOT
from tests.data import hostile_builders as hostile

CASES_DIR = Path(__file__).resolve().parent / "bad_inputs"
#: One file per class of cases (cases.yaml: the first rounds; the others named by what they attack).
CASE_FILES = sorted(CASES_DIR.glob("*.yaml"))
YEAR = 2022
WORKBOOK = f"{YEAR}.xlsx"
PROFILE = "profile.yaml"


# ----------------------------------------------------------------------------- mutations


@dataclass(frozen=True)
class Target:
    """What a mutation acts on: a file of the case folder, or a sheet of the case's workbook."""

    root: Path  # the case folder: data/2022/ (csv) or the folder holding 2022.xlsx (xlsx)
    workbook: Path | None  # the workbook of an xlsx case
    file: str | None = None
    sheet: str | None = None

    @property
    def path(self) -> Path:
        assert self.file, "this mutation needs a `file:` target"
        return self.root / self.file


Mutation = Callable[[Target, Any], None]
#: Every mutation kind, by the key that names it in cases.yaml.
MUTATIONS: dict[str, Mutation] = {}
TARGET_KEYS = ("file", "sheet")


def mutation(name: str) -> Callable[[Mutation], Mutation]:
    def register(fn: Mutation) -> Mutation:
        MUTATIONS[name] = fn
        return fn

    return register


def apply_mutation(spec: dict, root: Path, workbook: Path | None) -> None:
    [op] = [k for k in spec if k not in TARGET_KEYS]
    MUTATIONS[op](Target(root, workbook, spec.get("file"), spec.get("sheet")), spec[op])


@contextmanager
def opened_workbook(target: Target) -> Iterator[openpyxl.Workbook]:
    assert target.workbook is not None, "sheet mutations need `base: xlsx`"
    wb = openpyxl.load_workbook(target.workbook)
    yield wb
    wb.save(target.workbook)


@contextmanager
def table_rows(target: Target) -> Iterator[list[list]]:
    """The rows of a CSV file or a sheet (header first) as lists, written back when the block ends."""
    if target.sheet is not None:
        with opened_workbook(target) as wb:
            ws = wb[target.sheet]
            rows = [list(r) for r in ws.iter_rows(values_only=True)]
            yield rows
            ws.delete_rows(1, ws.max_row)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row, start=1):
                    if value is not None:
                        ws.cell(r, c, value)
    else:
        with open(target.path, encoding="utf-8-sig", newline="") as handle:
            rows = list(csv.reader(handle))
        yield rows
        with open(target.path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(rows)


def _cell(target: Target, value):
    """A value as it goes into the target: typed in a workbook, text in a CSV."""
    if target.sheet is not None:
        return value
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def _column(header: list, column: str) -> int:
    """Index of a column given by canonical name or by the header as written."""
    names = {column} | {t.field(column).title for t in S.TABLES.values() if column in t.names()}
    for i, head in enumerate(header):
        if head in names:
            return i
    raise AssertionError(f"no column {column!r} in header {header}")


@mutation("delete")
def _delete(target: Target, _) -> None:
    if target.sheet is not None:
        with opened_workbook(target) as wb:
            del wb[target.sheet]
    else:
        target.path.unlink()


@mutation("truncate")
def _truncate(target: Target, keep) -> None:
    data = target.path.read_bytes()
    fraction = 0.0 if keep is True else float(keep)
    target.path.write_bytes(data[: int(len(data) * fraction)])


@mutation("write_text")
def _write_text(target: Target, text: str) -> None:
    target.path.write_bytes(text.encode("utf-8"))


@mutation("append_text")
def _append_text(target: Target, text: str) -> None:
    with open(target.path, "ab") as handle:
        handle.write(text.encode("utf-8"))


@mutation("encode")
def _encode(target: Target, codec: str) -> None:
    target.path.write_bytes(target.path.read_text(encoding="utf-8-sig").encode(codec))


@mutation("random_bytes")
def _random_bytes(target: Target, size: int) -> None:
    target.path.write_bytes(random.Random(f"{target.file}:{size}").randbytes(size))


@mutation("empty_workbook")
def _empty_workbook(target: Target, _) -> None:
    openpyxl.Workbook().save(target.path)


@mutation("mkfifo")
def _mkfifo(target: Target, _) -> None:
    """Replace (or create) the file by a named pipe: reading it would wait for ever."""
    if target.path.exists():
        target.path.unlink()
    os.mkfifo(target.path)


@mutation("mkdir")
def _mkdir(target: Target, _) -> None:
    """Replace (or create) the file by an empty folder."""
    if target.path.is_file():
        target.path.unlink()
    target.path.mkdir(parents=True, exist_ok=True)


@mutation("rename")
def _rename(target: Target, new: str) -> None:
    target.path.rename(target.path.parent / new)


@mutation("copy_form")
def _copy_form(target: Target, name: str) -> None:
    """Copy a form of examples/forms (its path there) to the target file, making its folder."""
    target.path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(ROOT / "examples" / "forms" / name, target.path)


@mutation("copy_year")
def _copy_year(target: Target, year: int) -> None:
    """Copy the case's data (its folder, or its workbook) as another year beside it, that year in its profile."""
    if target.workbook is None:
        dest = target.root.parent / str(year)
        shutil.copytree(target.root, dest)
        _profile(Target(dest, None), {"year": year})
    else:
        dest = target.root / f"{year}.xlsx"
        shutil.copyfile(target.workbook, dest)
        _profile(Target(target.root, dest), {"year": year})


@mutation("formula")
def _formula(target: Target, arg: dict) -> None:
    """Put a formula into a cell (openpyxl saves no value for it, as a program-written workbook)."""
    with opened_workbook(target) as wb:
        wb[target.sheet][arg["cell"]] = arg["value"]


@mutation("form_copy")
def _form_copy(target: Target, arg: dict) -> None:
    """Copy an example form (``from``, under examples/forms/) into the case folder as ``to``, with ``formulas``
    ({cell: formula}) typed into its first sheet and saved without values (leftovers.yaml)."""
    wb = openpyxl.load_workbook(ROOT / "examples" / "forms" / arg["from"])
    for cell, formula in (arg.get("formulas") or {}).items():
        wb.worksheets[0][cell] = formula
    wb.save(target.root / arg["to"])


@mutation("to_parquet")
def _to_parquet(target: Target, arg: dict) -> None:
    """Replace a CSV file by a Parquet table of its rows; ``nested`` ({column: list|struct}) columns hold a list
    or a record in every row (leftovers.yaml)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    with open(target.path, encoding="utf-8-sig", newline="") as handle:
        header, *rows = list(csv.reader(handle))
    columns = {h: pa.array([r[i] for r in rows]) for i, h in enumerate(header)}
    for name, kind in (arg.get("nested") or {}).items():
        columns[name] = pa.array([[1, 2]] * len(rows) if kind == "list" else [{"a": 1}] * len(rows))
    pq.write_table(pa.table(columns), target.path.with_suffix(".parquet"))
    target.path.unlink()


@mutation("style_far_below")
def _style_far_below(target: Target, arg: dict) -> None:
    """Format one empty cell far below the data (a border on row 1,048,576 …): no value, no row."""
    from openpyxl.styles import Border, Side

    with opened_workbook(target) as wb:
        wb[target.sheet].cell(arg["row"], arg.get("column", 1)).border = Border(bottom=Side(style="thin"))


@mutation("create")
def _create_sheet(target: Target, _) -> None:
    with opened_workbook(target) as wb:
        wb.create_sheet(target.sheet)


@mutation("merge")
def _merge(target: Target, cells: str) -> None:
    with opened_workbook(target) as wb:
        wb[target.sheet].merge_cells(cells)


@mutation("set")
def _set(target: Target, arg: dict) -> None:
    value = arg["value"] * arg["repeat"] if "repeat" in arg else arg["value"]  # repeat: a long text
    with table_rows(target) as rows:
        rows[arg["row"] + 1][_column(rows[0], arg["column"])] = _cell(target, value)


@mutation("rename_column")
def _rename_column(target: Target, arg: list) -> None:
    old, new = arg
    with table_rows(target) as rows:
        rows[0][_column(rows[0], old)] = new


@mutation("drop_column")
def _drop_column(target: Target, column: str) -> None:
    with table_rows(target) as rows:
        i = _column(rows[0], column)
        for row in rows:
            if len(row) > i:
                del row[i]


@mutation("add_column")
def _add_column(target: Target, arg: dict) -> None:
    with table_rows(target) as rows:
        width = len(rows[0])
        rows[0].append(arg["name"])
        for row in rows[1:]:
            row.extend([_cell(target, None)] * (width - len(row)) + [_cell(target, arg["value"])])


@mutation("keep_rows")
def _keep_rows(target: Target, count: int) -> None:
    with table_rows(target) as rows:
        del rows[1 + count :]


@mutation("append_rows")
def _append_rows(target: Target, arg: dict) -> None:
    with table_rows(target) as rows:
        row = list(rows[arg["copy_row"] + 1])
        for column, value in (arg.get("set") or {}).items():
            row[_column(rows[0], column)] = _cell(target, value)
        rows.extend([row] * arg["count"])  # the same list: written out, never edited


@mutation("insert_rows")
def _insert_rows(target: Target, arg: dict) -> None:
    with table_rows(target) as rows:
        width = arg.get("width", len(rows[0]))
        blank = [_cell(target, None)] * width
        at = arg["before"] + 1
        rows[at:at] = [list(blank) for _ in range(arg.get("count", 1))]


@mutation("profile")
def _profile(target: Target, values: dict) -> None:
    """Set (or, with null, remove) profile fields: profile.yaml, or sheet 单位概况 of a workbook."""
    if target.workbook is None:
        path = target.root / PROFILE
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for key, value in values.items():
            if value is None:
                data.pop(key, None)
            else:
                data[key] = value
        path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        return
    with table_rows(Target(target.root, target.workbook, sheet=S.PROFILE_SHEET)) as rows:
        for key, value in values.items():
            labels = {key} | ({S.PROFILE_BY_NAME[key].title} if key in S.PROFILE_BY_NAME else set())
            at = next((i for i, r in enumerate(rows) if i and r and r[0] in labels), None)
            if value is None:
                if at is not None:
                    del rows[at]
            elif at is None:
                rows.append([key, value])
            else:
                rows[at][1] = value


# ----------------------------------------------------------------------------- hostile files (resources.yaml)
# Built by tests/data/hostile_builders.py on `file:` (a form beside the data, or the data workbook itself).


@mutation("example_form")
def _example_form(target: Target, name: str) -> None:
    """Copy an example form (xlsx | docx) to the target file, whatever its suffix (.xlsm, .docm)."""
    hostile.example_form(target.path, name)


@mutation("whole_sheet_merge")
def _whole_sheet_merge(target: Target, sheet: str) -> None:
    """Merge A1 of a sheet (added if missing) over A1:XFD1048576."""
    hostile.whole_sheet_merge(target.path, sheet)


@mutation("column_merges")
def _column_merges(target: Target, arg: dict) -> None:
    """arg["count"] merged ranges of 99,999 cells side by side in a sheet (single-quoted refs)."""
    hostile.column_merges(target.path, arg["sheet"], arg["count"])


@mutation("last_cell")
def _last_cell(target: Target, sheet: str) -> None:
    """A text at XFD1048576 of a sheet (added if missing)."""
    hostile.last_cell(target.path, sheet)


@mutation("claim_dimension")
def _claim_dimension(target: Target, ref: str) -> None:
    hostile.claim_dimension(target.path, ref)


@mutation("zip_pad")
def _zip_pad(target: Target, arg: dict) -> None:
    """Add a member of arg["mb"] MB of one repeated byte to the archive."""
    hostile.zip_pad(target.path, arg["member"], arg["mb"])


@mutation("xml_entities")
def _xml_entities(target: Target, kind: str) -> None:
    """Declare and use an entity (laughs | xxe) in the first sheet's (or the document's) XML."""
    hostile.xml_entities(target.path, kind)


@mutation("encrypted")
def _encrypted(target: Target, _) -> None:
    hostile.encrypted(target.path)


@mutation("form_cells")
def _form_cells(target: Target, cells: dict) -> None:
    """Type texts into cells of the form's first sheet (stored as text, never as formulas)."""
    hostile.set_cells(target.path, cells)


@mutation("dictionary_parquet")
def _dictionary_parquet(target: Target, rows: int) -> None:
    """Replace a CSV table by NAME.parquet: its first row repeated, dictionary-encoded."""
    hostile.dictionary_parquet(target.path, rows)


# ----------------------------------------------------------------------------- many units (units.yaml)


@mutation("many_units")
def _many_units(target: Target, names: list) -> None:
    """The case folder as many-unit data (CSV): units.csv listing ``names``, every table but the shared ones
    (grade_bands, team) repeated once per unit with a 预算单位 column first (unit k's copy of data row i is data row
    k × rows + i). Used by bad_inputs/units.yaml."""
    shared = {f"{name}.csv" for name in ("grade_bands", "team")}
    for path in sorted(target.root.glob("*.csv")):
        if path.name in shared:
            continue
        with open(path, encoding="utf-8-sig", newline="") as handle:
            header, *rows = list(csv.reader(handle))
        out = [[S.ORG_FIELD.title, *header], *([str(n), *row] for n in names for row in rows)]
        with open(path, "w", encoding="utf-8", newline="") as handle:
            csv.writer(handle, lineterminator="\n").writerows(out)
    with open(target.root / "units.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows([[S.ORG_FIELD.title], *([str(n)] for n in names)])


# ----------------------------------------------------------------------------- the cases

CASE_KEYS = {"id", "description", "base", "mutations", "expect", "subprocess", "args", "env"}
EXPECT_KEYS = {
    "exit",
    "code",
    "message_contains",
    "file_contains",
    "sheet",
    "row",
    "column",
    "severity",
    "not_contains",
    "parsed",
    "max_seconds",
    "max_rss_mb",
    "output_contains",
    "summary",
    "inert_outputs",
    "no_outputs",
}
LOCATION_KEYS = ("file_contains", "sheet", "row", "column", "message_contains")


def case_problems(case: dict) -> list[str]:
    """What is wrong with one entry of cases.yaml (empty when it is well formed)."""
    out = []
    if not isinstance(case, dict) or not {"id", "description", "base", "mutations", "expect"} <= set(case):
        return [f"a case needs id, description, base, mutations and expect: {case!r}"]
    out += [f"unknown key {k!r}" for k in set(case) - CASE_KEYS]
    if case["base"] not in ("csv", "xlsx"):
        out.append(f"base must be csv or xlsx, not {case['base']!r}")
    for spec in case["mutations"]:
        ops = [k for k in spec if k not in TARGET_KEYS]
        if len(ops) != 1 or ops[0] not in MUTATIONS:
            out.append(f"a mutation needs exactly one of {sorted(MUTATIONS)}: {spec!r}")
        if "sheet" in spec and case["base"] != "xlsx":
            out.append(f"sheet mutations need base xlsx: {spec!r}")
    expect = case["expect"]
    out += [f"unknown expect key {k!r}" for k in set(expect) - EXPECT_KEYS]
    if expect.get("exit") not in (0, 2):
        out.append("expect.exit must be 0 or 2")
    if expect.get("exit") == 2 and "message_contains" not in expect and "output_contains" not in expect:
        out.append("an error case must say which message it expects")
    if "args" in case and ("code" in expect or "parsed" in expect):
        out.append("code and parsed are checked on `check --path` cases only")
    if ("max_seconds" in expect or "max_rss_mb" in expect) and not case.get("subprocess"):
        out.append("time and memory bounds are measured on subprocess cases only")
    return out


def load_cases() -> list[dict]:
    return [case for f in CASE_FILES for case in yaml.safe_load(f.read_text(encoding="utf-8"))]


CASES = load_cases()


def test_cases_file_is_well_formed():
    ids = [c.get("id") for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    problems = {c.get("id"): p for c in CASES if (p := case_problems(c))}
    assert not problems
    assert sum(c["expect"]["exit"] == 2 for c in CASES) >= 30
    assert sum(bool(c.get("subprocess")) for c in CASES) >= 5
    assert {"csv", "xlsx"} <= {c["base"] for c in CASES}
    # no big fixture is ever committed: the folder holds the case list only
    assert all(p.suffix == ".yaml" for p in CASES_DIR.iterdir())


@pytest.fixture(scope="module")
def base_workbook(tmp_path_factory) -> Path:
    """data/2022 written once as a workbook; each xlsx case works on a copy."""
    path = tmp_path_factory.mktemp("base") / WORKBOOK
    write_workbook(load_path(DATA / str(YEAR), YEAR), path)
    return path


def prepare(case: dict, folder: Path, base_workbook: Path) -> Path:
    """A fresh, mutated copy of the 2022 data under ``folder``; returns the path to check."""
    if case["base"] == "csv":
        root = folder / str(YEAR)
        shutil.copytree(DATA / str(YEAR), root)
        workbook, checked = None, root
    else:
        folder.mkdir(parents=True)
        root = folder
        workbook = checked = folder / WORKBOOK
        shutil.copyfile(base_workbook, workbook)
    for spec in case["mutations"]:
        apply_mutation(spec, root, workbook)
    return checked


# ----------------------------------------------------------------------------- running the CLI


@dataclass
class Run:
    exit_code: int
    output: str  # stdout and stderr together
    seconds: float
    max_rss_mb: float | None = None


def _command() -> list[str]:
    exe = ROOT / ".venv" / "bin" / "evaltools"
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "evaltools.cli"]


#: GNU time measures the command's own peak: wait4 on a child forked (or vfork-ed) from this test process also
#: counts this process's resident size at the fork, the exec keeping the highest mark (Linux's signal->maxrss).
GNU_TIME = Path("/usr/bin/time")


def run_subprocess(argv: list[str], cwd: Path, timeout: float = 120, env: dict | None = None) -> Run:
    """A real ``evaltools`` process (``check 2022 --path CASE`` unless the case gives its ``args``), with the
    case's ``env`` added; its own peak memory from GNU time (else from wait4, an upper bound)."""
    start = time.perf_counter()
    peak_file = cwd.parent / "peak-kb.txt"
    timing = [str(GNU_TIME), "-f", "%M", "-o", str(peak_file)] if GNU_TIME.exists() else []
    proc = subprocess.Popen(
        [*timing, *_command(), *argv],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # a timeout kills the command too, not only GNU time
    )
    timer = threading.Timer(timeout, lambda: os.killpg(proc.pid, signal.SIGKILL))
    timer.start()
    try:
        output = proc.stdout.read().decode("utf-8", errors="replace")
        proc.stdout.close()
        _, status, usage = os.wait4(proc.pid, 0)
    finally:
        timer.cancel()
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak_kb = usage.ru_maxrss
    if timing and peak_file.exists():
        lines = peak_file.read_text().split()
        peak_kb = int(lines[-1]) if lines and lines[-1].isdigit() else peak_kb
        peak_file.unlink()
    return Run(proc.returncode, output, time.perf_counter() - start, peak_kb / 1024)


def run_in_process(argv: list[str], cwd: Path, monkeypatch) -> Run:
    monkeypatch.chdir(cwd)
    start = time.perf_counter()
    result = CliRunner().invoke(app, argv)
    seconds = time.perf_counter() - start
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"the command raised {result.exception!r}\n{result.output}"
    )
    return Run(result.exit_code, result.output, seconds)


def _listing(folder: Path) -> dict[str, tuple[int, int]]:
    return {str(p.relative_to(folder)): (p.stat().st_size, p.stat().st_mtime_ns) for p in sorted(folder.rglob("*"))}


# ----------------------------------------------------------------------------- checking what was said


def _location_matches(file: str, sheet: str | None, row: int | None, column: str | None, expect: dict) -> bool:
    return (
        expect.get("file_contains", "") in file
        and ("sheet" not in expect or sheet == expect["sheet"])
        and ("row" not in expect or row == expect["row"])
        and ("column" not in expect or column == expect["column"])
    )


def _line_matches(line: str, expect: dict, severity: str) -> bool:
    """One output line ``[severity] LOCATION: message…`` with the expected location and messages."""
    prefix = f"[{severity}] "
    if not line.startswith(prefix):
        return False
    location, _, _ = line[len(prefix) :].partition(": ")
    row = re.search(r", row (\d+)(?:,|$)", location)
    column = re.search(r", column 「(.*)」$", location)
    sheet = re.search(r", sheet 「(.*?)」", location)
    return _location_matches(
        location.split(", ")[0], sheet and sheet.group(1), row and int(row.group(1)), column and column.group(1), expect
    ) and all(text in line for text in expect.get("message_contains", ()))


def check_output(run: Run, expect: dict) -> None:
    out = run.output
    assert "Traceback" not in out, out
    assert "internal error" not in out, out
    assert run.exit_code == expect["exit"], out
    for text in expect.get("output_contains", ()):
        assert text in out, f"{text!r} not in the output\n--- output ---\n{out}"
    if expect.get("summary", True):
        summary = re.search(r": (\d+) 个错误 / error\(s\), (\d+) 个警告", out)
        assert summary, out
        errors = int(summary.group(1))
        assert (errors > 0) == (expect["exit"] == 2), out
    if any(k in expect for k in LOCATION_KEYS):
        severity = expect.get("severity", "error" if expect["exit"] else "warning")
        lines = out.splitlines()
        assert any(_line_matches(line, expect, severity) for line in lines), (
            f"no [{severity}] line at {', '.join(f'{k}={expect[k]!r}' for k in LOCATION_KEYS if k in expect)}"
            f"\n--- output ---\n{out}"
        )
    for text in expect.get("not_contains", ()):
        assert text not in out, out


def check_in_process(path: Path, expect: dict, monkeypatch) -> None:
    """The problem code and parsed values, from the loader itself."""
    data, problems = inspect_path(path, expected_year=YEAR)
    assert (data is None) == (expect["exit"] == 2), [str(p) for p in problems.items]
    if "code" in expect:
        found = [
            p
            for p in problems.items
            if p.code == expect["code"]
            and _location_matches(p.location.file, p.location.sheet, p.location.row, p.location.column, expect)
        ]
        assert found, f"no problem {expect['code']} there; got {[(p.code, str(p)) for p in problems.items]}"
    if "parsed" in expect:
        want = expect["parsed"]
        value = data.tables[want["table"]].loc[want["row"], want["column"]]
        if isinstance(want["value"], (int, float)):
            assert value == pytest.approx(want["value"])
        else:
            assert value == want["value"]


def _placeholders(arg: str, tmp_path: Path, path: Path) -> str:
    """A case's command-line argument with {data} (the folder holding the years), {path} (the case's year
    folder or workbook) and {tmp} (a scratch folder outside the data) filled in."""
    return arg.format(data=tmp_path / "data", path=path, tmp=tmp_path / "scratch")


def check_inert_outputs(spec: dict, tmp_path: Path, path: Path) -> None:
    """No cell of the CSV files named would start a formula in a spreadsheet and no cell of the workbooks is a
    formula (:func:`hostile.live_formulas`); the texts of ``contain`` are there, as text."""
    seen = []
    for name in spec["files"]:
        file = Path(_placeholders(name, tmp_path, path))
        live, texts = hostile.live_formulas(file)
        assert not live, f"{file.name}: {live}"
        seen += texts
    for text in spec.get("contain", ()):
        assert any(text in t for t in seen), f"{text!r} is in none of {spec['files']}"


@pytest.mark.parametrize("case", [pytest.param(c, id=str(c.get("id"))) for c in CASES])
def test_bad_input(case, tmp_path, base_workbook, monkeypatch):
    assert not case_problems(case), case_problems(case)
    expect = case["expect"]
    path = prepare(case, tmp_path / "data", base_workbook)
    cwd = tmp_path / "cwd"
    cwd.mkdir()
    inputs = _listing(tmp_path / "data")

    for key, value in (case.get("env") or {}).items():
        monkeypatch.setenv(key, str(value))
    env = {k: str(v) for k, v in (case.get("env") or {}).items()}
    argv = [str(YEAR), "--path", str(path)]
    argv = ["check", *argv] if "args" not in case else [_placeholders(a, tmp_path, path) for a in case["args"]]
    run = run_subprocess(argv, cwd, env=env) if case.get("subprocess") else run_in_process(argv, cwd, monkeypatch)

    check_output(run, expect)
    assert list(cwd.iterdir()) == [], "check must write nothing (no outputs/, no files in the working folder)"
    assert _listing(tmp_path / "data") == inputs, "check must not touch its input"
    if "max_seconds" in expect:
        assert run.seconds < expect["max_seconds"], f"took {run.seconds:.1f}s"
    if "max_rss_mb" in expect:
        assert run.max_rss_mb < expect["max_rss_mb"], f"peak memory {run.max_rss_mb:.0f} MB"
    if "inert_outputs" in expect:
        check_inert_outputs(expect["inert_outputs"], tmp_path, path)
    if expect.get("no_outputs"):
        scratch = tmp_path / "scratch"
        assert not [p for p in scratch.rglob("*") if p.is_file()], "a refusal must write nothing"
    if case.get("subprocess"):
        print(f"\nMEASURED {case['id']}: {run.max_rss_mb:.0f} MB, {run.seconds:.1f} s")
    if "args" not in case:
        check_in_process(path, expect, monkeypatch)
