"""Loading and validating at the boundary: every error names file, sheet, row, column, found, expected."""

from __future__ import annotations

import pandas as pd
import pytest

from evaltools import InputError, load_path
from evaltools.data.load import inspect_path


def errors_of(path, year=2022):
    data, problems = inspect_path(path, expected_year=year)
    assert data is None, "expected the data to be rejected"
    return [p for p in problems.items if p.severity == "error"]


def edit_csv(path, fn):
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    fn(frame)
    frame.to_csv(path, index=False)


def test_2022_loads_with_all_tables(data_2022):
    assert data_2022.unit == "石家庄市桥西区就业服务中心"
    assert data_2022.year == 2022
    assert len(data_2022.projects) == 3
    assert len(data_2022.indicators) == 30
    assert len(data_2022.team) == 9
    assert data_2022.profile.staff_authorized == 30
    # no warning: missing results (the 满意度 of 创业担保贴息) are the audit's finding, not a load problem
    assert data_2022.warnings == ()


def test_missing_column(year_copy):
    edit_csv(year_copy / "projects.csv", lambda f: f.pop("spent"))
    [err] = errors_of(year_copy)
    assert err.location.file.endswith("projects.csv")
    assert err.location.row == 1 and err.location.column == "全年执行数(万元)"
    assert "required column" in err.message


def test_misspelt_column(year_copy):
    def misspell(f):
        f.columns = ["budgett" if c == "budget" else c for c in f.columns]

    edit_csv(year_copy / "projects.csv", misspell)
    [err] = errors_of(year_copy)
    assert "misspelt" in err.message and err.found == "budgett"
    assert "全年预算数(万元)" in err.expected and err.location.column == "budgett"


def test_text_in_number_column(year_copy):
    def bad(f):
        f.loc[1, "spent"] = "约2.9"

    edit_csv(year_copy / "projects.csv", bad)
    [err] = errors_of(year_copy)
    assert (err.location.row, err.location.column) == (3, "全年执行数(万元)")
    assert err.found == "'约2.9'" and "616.16" in err.expected


def test_thousands_percent_and_fullwidth_are_parsed(year_copy):
    def ok(f):
        f.loc[0, "actual"] = "１４,２７０"  # full-width digits with a thousands separator

    edit_csv(year_copy / "indicators.csv", lambda f: f.__setitem__("actual", f["actual"].replace("14270", "14,270")))
    data = load_path(year_copy, 2022)
    assert data.indicators.loc[1, "actual"] == 14270.0
    assert data.indicators.loc[18, "target"] == pytest.approx(0.90)  # "90%" in the CSV
    edit_csv(year_copy / "indicators.csv", ok)
    assert load_path(year_copy, 2022).indicators.loc[0, "actual"] == 14270.0


def test_ambiguous_separator_is_an_error(year_copy):
    edit_csv(year_copy / "indicators.csv", lambda f: f.__setitem__("weight", f["weight"].replace("10", "1,0")))
    errs = errors_of(year_copy)
    assert errs and all(e.location.column == "分值" for e in errs)
    assert errs[0].found == "'1,0'"


def test_negative_money(year_copy):
    def bad(f):
        f.loc[0, "budget"] = "-6"

    edit_csv(year_copy / "projects.csv", bad)
    [err] = errors_of(year_copy)
    assert (err.location.row, err.location.column) == (2, "全年预算数(万元)")
    assert "must be ≥ 0" in err.message and "-6" in err.found


def test_duplicate_project(year_copy):
    def dup(f):
        f.loc[2, "project"] = "失业就业服务"

    edit_csv(year_copy / "projects.csv", dup)
    errs = errors_of(year_copy)
    dup_err = next(e for e in errs if e.code == "DUPLICATE")
    assert dup_err.location.row == 4 and dup_err.found == "失业就业服务" and "first at row 2" in dup_err.expected


def test_unknown_direction(year_copy):
    def bad(f):
        f.loc[3, "direction"] = "大约"

    edit_csv(year_copy / "indicators.csv", bad)
    [err] = errors_of(year_copy)
    assert (err.location.row, err.location.column) == (5, "指标性质")
    assert "大约" in err.found and "≥" in err.message


def test_weights_not_adding_up_load_and_are_audited(year_copy, rules_2022):
    """One layer per rule: weights that miss 100 are a finding of the audit, not a load error."""
    from evaltools import evaluate

    def bad(f):
        f.loc[0, "weight"] = "12"

    edit_csv(year_copy / "indicators.csv", bad)
    data = load_path(year_copy)
    findings = evaluate(data, rules_2022).findings
    [row] = findings[findings["code"] == "WEIGHTS_NOT_100"].itertuples()
    assert row.subject == "失业就业服务" and row.computed == 102 and row.severity == "error"


def test_gbk_csv(year_copy):
    text = (year_copy / "team.csv").read_text(encoding="utf-8")
    (year_copy / "team.csv").write_bytes(text.encode("gbk"))
    [err] = errors_of(year_copy)
    assert err.code == "ENCODING" and err.location.file.endswith("team.csv")
    assert "GBK" in err.found and "CSV UTF-8" in err.expected


def test_utf8_bom_is_accepted(year_copy, data_2022):
    text = (year_copy / "team.csv").read_text(encoding="utf-8")
    (year_copy / "team.csv").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    assert load_path(year_copy, 2022).team.equals(data_2022.team)


def test_empty_file(year_copy):
    (year_copy / "projects.csv").write_text("")
    [err] = errors_of(year_copy)
    assert err.location.file.endswith("projects.csv") and "empty" in err.message


def test_year_mismatch(year_copy):
    with pytest.raises(InputError) as info:
        load_path(year_copy, expected_year=2023)
    [err] = info.value.errors
    assert err.code == "YEAR_MISMATCH" and err.found == "2022" and err.expected == "2023"


def test_all_problems_reported_at_once(year_copy):
    def bad(f):
        f.loc[0, "budget"] = "abc"
        f.loc[1, "spent"] = "-1"

    edit_csv(year_copy / "projects.csv", bad)
    edit_csv(year_copy / "indicators.csv", lambda f: f.loc.__setitem__((0, "direction"), "?"))
    rows = sorted((e.location.file.rsplit("/", 1)[-1], e.location.row) for e in errors_of(year_copy))
    assert rows == [("indicators.csv", 2), ("projects.csv", 2), ("projects.csv", 3)]


def test_unknown_profile_key(year_copy):
    with open(year_copy / "profile.yaml", "a", encoding="utf-8") as f:
        f.write("unitt: x\n")
    [err] = errors_of(year_copy)
    assert err.location.file.endswith("profile.yaml") and err.found == "unitt" and "did you mean unit" in err.expected


def test_unsafe_yaml_is_refused(year_copy):
    with open(year_copy / "profile.yaml", "a", encoding="utf-8") as f:
        f.write("evil: !!python/object/apply:os.system ['echo hi']\n")
    [err] = errors_of(year_copy)
    assert "YAML tag refused" in err.message


def test_unknown_project_reference(year_copy):
    def bad(f):
        f.loc[0, "project"] = "不存在的项目"

    edit_csv(year_copy / "indicators.csv", bad)
    errs = errors_of(year_copy)
    assert any(e.code == "UNKNOWN_PROJECT" and e.location.row == 2 for e in errs)


def test_arrow_invisible_class_is_python_class():
    """Arrow-backed text is screened with an RE2 copy of INVISIBLE: the same on every code point UTF-8 holds."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.compute as pc

    from evaltools.data.text import ARROW_INVISIBLE
    from evaltools.errors import INVISIBLE

    for plane in range(0, 0x110000, 0x10000):  # one cell per code point, a plane at a time, from buffers
        points = np.arange(plane, plane + 0x10000)
        points = points[(points < 0xD800) | (points > 0xDFFF)]
        joined = points.astype("<u4").tobytes().decode("utf-32-le")
        sizes = 1 + (points >= 0x80) + (points >= 0x800) + (points >= 0x10000)
        offsets = np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64)
        text = pa.LargeStringArray.from_buffers(len(points), pa.py_buffer(offsets), pa.py_buffer(joined.encode()))
        arrow = np.flatnonzero(pc.match_substring_regex(text, ARROW_INVISIBLE).to_numpy(zero_copy_only=False))
        assert arrow.tolist() == [m.start() for m in INVISIBLE.finditer(joined)], hex(plane)


@pytest.mark.parametrize("glyphs", [False, True])
def test_screen_column_same_for_arrow_and_object_text(glyphs, monkeypatch):
    """A column screened through Arrow's kernels and the same column as Python objects (each distinct
    value tested once) give the same cells, warnings and errors, in the same order."""
    from evaltools.data import text as T
    from evaltools.errors import Location, ProblemList

    values = ["名称\u200b", None, "a\r\nb", "x" * (T.MAX_TEXT + 1), "𠀀字", "plain", "名称\u200b", "\ufeff😀", ""]
    if glyphs:
        monkeypatch.setattr(T, "GLYPH_CHECKS", [lambda s: "".join(ch for ch in s if ord(ch) > 0xFFFF)])
    results = []
    for dtype in ("str", object):
        problems = ProblemList()
        col = pd.Series(values, dtype=dtype, index=range(10, 10 + len(values)))
        out = T.screen_column(col, lambda idx: Location("f.csv", None, idx), problems)
        results.append(([None if pd.isna(v) else v for v in out], problems.items))
    assert results[0] == results[1]
    codes = [p.code for p in results[0][1]]
    assert codes.count("INVISIBLE_CHARACTERS") == 3 and "TEXT_TOO_LONG" in codes
    assert ("NO_GLYPH" in codes) == glyphs


def test_csv_text_read_as_pandas_reads_it(tmp_path):
    """TextAsBytes hands pandas' C parser the very blocks pandas' own text wrapper would (so rows, parse
    errors and decoding errors are the same), without re-copying what waits at every read."""
    common = pytest.importorskip("pandas.io.common")
    if not hasattr(common, "_BytesIOWrapper"):
        pytest.skip("pandas no longer wraps text handles this way")
    from evaltools.data.load import TextAsBytes

    file = tmp_path / "t.csv"
    file.write_text("a,b\n" + "".join(f"名称{i}😀,{i}\r\n" for i in range(3_000)), encoding="utf-8")
    blocks = []
    for wrap in (common._BytesIOWrapper, TextAsBytes):
        with open(file, encoding="utf-8", newline="") as handle:
            reader = wrap(handle)
            blocks.append([reader.read(n) for n in [4096] * 12 + [-1, 5]])
    assert blocks[0] == blocks[1]


@pytest.mark.parametrize("value", ["lots", "-1", "0", "0.1", "4 apples"])
def test_an_invalid_memory_limit_is_refused(value, monkeypatch, root):
    """EVALTOOLS_MEMORY_LIMIT that is no size above zero is refused, naming the variable, what it holds and
    what it should hold — never silently replaced by the default."""
    from evaltools.data.size import ENV, memory_limit
    from evaltools.errors import ParamsError

    monkeypatch.setenv(ENV, value)
    with pytest.raises(ParamsError) as info:
        memory_limit()
    message = str(info.value)
    assert "EVALTOOLS_MEMORY_LIMIT" in message and f"found {value!r}" in message
    assert "2G" in message and "512M" in message
    with pytest.raises(ParamsError, match="EVALTOOLS_MEMORY_LIMIT"):
        load_path(root / "data" / "2022", 2022)  # loading asks for the limit first


@pytest.mark.parametrize(
    ("value", "limit"), [("2G", 2 * 1024**3), ("512M", 512 * 1024**2), ("1.5GB", 3 * 1024**3 // 2)]
)
def test_a_memory_limit_is_read_from_the_environment(value, limit, monkeypatch):
    from evaltools.data.size import ENV, memory_limit

    monkeypatch.setenv(ENV, value)
    assert memory_limit() == (limit, f"{ENV}={value}")
    monkeypatch.setenv(ENV, "")
    assert memory_limit()[1] == "half the available memory"  # set but empty: unset


def test_check_refuses_an_invalid_memory_limit(root):
    """`evaltools check` says so in one line and exits 2 (no traceback)."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "EVALTOOLS_MEMORY_LIMIT": "lots"}
    run = subprocess.run(
        [sys.executable, "-m", "evaltools.cli", "check", "2022", "--path", str(root / "data" / "2022")],
        capture_output=True,
        text=True,
        cwd=root,
        env=env,
    )
    assert run.returncode == 2, run.stdout + run.stderr
    assert "EVALTOOLS_MEMORY_LIMIT" in run.stderr and "found 'lots'" in run.stderr
    assert "Traceback" not in run.stderr
