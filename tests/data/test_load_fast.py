"""The fast ways through loading give what the careful ways give: a plain CSV file read by Arrow at once equals the
same file streamed in chunks (data, warnings, refusals); columns of empty text read as missing; the checks' combined
codes and first-seen order equal pandas' own answers; the unit column of many-unit data is the units' categorical."""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

from evaltools.data.load import inspect_path, load_path, readers
from evaltools.data.model import UnitsData
from evaltools.data.schema import ORG
from evaltools.data.sense import _first_seen
from evaltools.data.validate import _combined_codes
from evaltools.run.synthetic import generate_units, write_units


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    """12 synthetic units of 2022 as a CSV folder."""
    root = tmp_path_factory.mktemp("fast")
    return write_units(generate_units(12, 20, seed=3, year=2022, projects_per_unit=2), root / "2022", "csv")


def _both(path, monkeypatch):
    """inspect_path with the plain-CSV reader, then with the streamed one only."""
    fast = inspect_path(path, 2022)
    with monkeypatch.context() as m:
        m.setattr(readers, "_plain_csv", lambda *a, **k: None)
        slow = inspect_path(path, 2022)
    return fast, slow


def _same(fast, slow):
    (a, pa_), (b, pb) = fast, slow
    assert [str(p) for p in pa_.items] == [str(p) for p in pb.items]
    assert (a is None) == (b is None)
    if a is not None:
        pd.testing.assert_frame_equal(a.units, b.units, check_exact=True)
        for name in a.tables:
            pd.testing.assert_frame_equal(a.tables[name], b.tables[name], check_exact=True, obj=name)


def test_a_plain_csv_read_at_once_equals_it_streamed(folder, monkeypatch):
    fast, slow = _both(folder, monkeypatch)
    _same(fast, slow)
    data = fast[0]
    assert isinstance(data, UnitsData) and len(data) == 12 and len(data.indicators) == 12 * 20
    # the unit column: a categorical of the units, its categories named as UnitsData names them
    assert data.indicators[ORG].cat.categories is data.org_index and data.org_index.name == ORG


def _lines(text: str, at: int, insert: str) -> str:
    lines = text.split("\n")
    return "\n".join([*lines[:at], insert, *lines[at:]])


@pytest.mark.parametrize(
    ("edit", "refused"),
    [
        (lambda t: t.replace(",产出指标,", ',"产出指标",', 3), False),  # quoted cells
        (lambda t: t + "\n\n", False),  # blank lines at the end
        (lambda t: _lines(t, 3, ""), False),  # a blank line inside: row numbers stay the file's
        (lambda t: _lines(_lines(t, 3, ""), 9, "x," * 29 + "x"), True),  # … and a bad row after it
        (lambda t: _lines(t, 2, "多,余"), True),  # a short row
        (lambda t: _lines(t, 2, "x," * 31 + "x"), True),  # a long row
        (lambda t: "\n" + t, False),  # a blank line above the header
    ],
)
def test_an_irregular_csv_reads_as_it_streams(folder, tmp_path, monkeypatch, edit, refused):
    """What the plain reader does not read (quotes, blank lines, ragged rows) gives what streaming gives: the same
    data, or the same located refusals."""
    copy = tmp_path / "2022"
    shutil.copytree(folder, copy)
    file = copy / "indicators.csv"
    file.write_text(edit(file.read_text(encoding="utf-8-sig")), encoding="utf-8-sig")
    fast, slow = _both(copy, monkeypatch)
    _same(fast, slow)
    assert (fast[0] is None) == refused
    if refused:
        assert any(p.severity == "error" and p.location.file.endswith("indicators.csv") for p in fast[1].items)


def test_a_column_of_empty_text_reads_as_a_missing_one(tmp_path):
    """Every cell of 度量单位 and 是否核心指标 empty in the CSV, absent from the Parquet: the same data."""
    data = generate_units(3, 5, seed=1, year=2022, projects_per_unit=1)
    ind = data.tables["indicators"].assign(unit=None, core=False)
    tables = {**data.tables, "indicators": ind}
    made = UnitsData(data.profile, data.units, tables)
    csv = load_path(write_units(made, tmp_path / "csv" / "2022", "csv"), 2022)
    parquet = load_path(write_units(made, tmp_path / "pq" / "2022", "parquet"), 2022)
    assert csv.indicators["unit"].isna().all() and not csv.indicators["core"].any()
    for name in csv.tables:
        pd.testing.assert_frame_equal(csv.tables[name], parquet.tables[name], obj=name)


def test_combined_codes_equal_rows_exactly_when_their_values_are():
    a = np.array(["x", "x", None, None, "y", "x"], dtype=object)
    b = np.array(["1", "1", "1", "1", None, "2"], dtype=object)
    codes = _combined_codes([a, b])
    # rows 0,1 equal; rows 2,3 equal (missing equals missing); 4 and 5 alone
    assert codes[0] == codes[1] and codes[2] == codes[3] and len(set(codes.tolist())) == 4
    dup = pd.Series(codes).duplicated().tolist()
    assert dup == pd.DataFrame({"a": a, "b": b}).duplicated().tolist() == [False, True, False, True, False, False]


def test_first_seen_counts_a_missing_value_in_its_place():
    values = np.array(["b", None, "a", "b", None, "c"], dtype=object)
    assert _first_seen(values).tolist() == [0, 1, 2, 0, 1, 3]
    assert _first_seen(np.array([None, "a"], dtype=object)).tolist() == [0, 1]
    assert _first_seen(np.array(["a", "b"], dtype=object)).tolist() == [0, 1]


def test_factorize_objects_equals_pandas_by_value():
    """Cells of one value held by different str objects, missing cells (None and NaN), above the size where the
    addresses are factorised: the same codes and distinct values as pd.factorize."""
    from evaltools.data.cells import factorize_objects

    spelt = ["指标" + "001", "".join(["指标", "001"]), None, float("nan"), "b", "a"]
    values = np.array([spelt[i % len(spelt)] for i in range(30_000)], dtype=object)
    codes, uniques = factorize_objects(values)
    expected_codes, expected_uniques = pd.factorize(values)
    assert codes.tolist() == expected_codes.tolist() and list(uniques) == list(expected_uniques) == [
        "指标001",
        "b",
        "a",
    ]
    assert codes[:6].tolist() == [0, 0, -1, -1, 1, 2]


def test_a_parquet_column_of_nulls_reads_as_missing_text(tmp_path):
    """A column Parquet stores as nulls only (a blank 度量单位) reads as the same data as the CSV form's blank column."""
    data = generate_units(3, 5, seed=2, year=2022, projects_per_unit=1)
    made = UnitsData(
        data.profile, data.units, {**data.tables, "indicators": data.tables["indicators"].assign(unit=None)}
    )
    folder = write_units(made, tmp_path / "pq" / "2022", "parquet")
    import pyarrow.parquet as pq

    assert str(pq.read_schema(folder / "indicators.parquet").field("unit").type) == "null"
    csv = load_path(write_units(made, tmp_path / "csv" / "2022", "csv"), 2022)
    parquet = load_path(folder, 2022)
    assert parquet.indicators["unit"].isna().all() and parquet.indicators["unit"].dtype == object
    for name in csv.tables:
        pd.testing.assert_frame_equal(csv.tables[name], parquet.tables[name], obj=name)


@pytest.mark.parametrize("many", [False, True])
def test_empty_frame_is_what_typed_gives_for_no_rows(many):
    """The empty table is built from empty block arrays; it must equal the typed empty table column for column
    (names, order, dtypes: float for amounts, bool for flags, object for text; the unit column first in many-unit
    data, except in the units table itself)."""
    from evaltools.data import schema as S
    from evaltools.data.load.normalise import empty_frame, typed

    for table in S.TABLES.values():
        columns = ([S.ORG] if many and table.name != S.UNITS.name else []) + [f.name for f in table.fields]
        expected = typed(pd.DataFrame({c: pd.Series([], dtype=object) for c in columns}), table)
        got = empty_frame(table, many)
        pd.testing.assert_frame_equal(got, expected)
        assert list(got.columns) == columns
    assert str(empty_frame(S.INDICATORS)["weight"].dtype) == "float64"
    assert empty_frame(S.INDICATORS, many=True).columns[0] == S.ORG != empty_frame(S.INDICATORS).columns[0]


def test_text_read_as_categoricals_gives_what_text_gives(folder, tmp_path, monkeypatch):
    """A Parquet folder of text (every column strings, read as categoricals) and a plain CSV file (read as
    categoricals) give what the streamed CSV gives — the whole data and one unit's view when another unit has
    errors: the rows left out take their values with them (a ``?`` only the left-out unit wrote marks nothing, so
    the others' 未知 listings stay as written)."""
    copy = tmp_path / "csv" / "2022"
    shutil.copytree(folder, copy)
    file = copy / "indicators.csv"
    ind = pd.read_csv(file, dtype=str, keep_default_na=False)
    bad, good = ind[ORG].iloc[0], ind[ORG].iloc[-1]
    first = ind.index[ind[ORG] == bad][:2]
    ind.loc[first[0], "target"], ind.loc[first[1], "actual"] = "?", "abc"  # the bad unit: a mark, an error
    ind.loc[ind.index[ind[ORG] == good][0], "unknown"] = "actual，actual"  # listed as written
    ind.loc[ind.index[-2], "level3"] = "  指标\u200b "  # screened, cleaned
    ind.to_csv(file, index=False, encoding="utf-8-sig")
    text = tmp_path / "pq" / "2022"
    shutil.copytree(copy, text)
    for csv in list(text.glob("*.csv")):
        pd.read_csv(csv, dtype=str, keep_default_na=False).to_parquet(csv.with_suffix(".parquet"), index=False)
        csv.unlink()
    for unit in (None, good):
        fast = inspect_path(copy, 2022, unit=unit)
        parquet = inspect_path(text, 2022, unit=unit)
        with monkeypatch.context() as m:
            m.setattr(readers, "_plain_csv", lambda *a, **k: None)
            slow = inspect_path(copy, 2022, unit=unit)
        assert fast[0] is not None or unit is None
        _same(fast, slow)
        assert [str(p).replace(".parquet", ".csv").replace("/pq/", "/csv/") for p in parquet[1].items] == [
            str(p) for p in slow[1].items
        ]
        if unit is not None:
            for name in slow[0].tables:
                pd.testing.assert_frame_equal(parquet[0].tables[name], slow[0].tables[name], obj=name)
            assert (slow[0].indicators["unknown"] == "actual，actual").sum() == 1
