"""Loading one year's data, validated: a CSV or Parquet folder (+ profile.yaml), an Excel workbook, many units
at once (a units table), or the cells of filled-in forms — all giving equal
:class:`~evaltools.data.model.YearData` (or :class:`~evaltools.data.model.UnitsData`) objects.

The modules, in the order data passes through them:

* :mod:`.readers` (and :mod:`.sheets` for workbooks) — the files as stored: every cell as found, in a
  :class:`RawTable` (:mod:`.tables`), and the raw profile;
* :mod:`.headers`, :mod:`.normalise`, :mod:`.profile` — headers mapped, cells parsed and checked into typed
  tables, the profile validated;
* :mod:`.assembly` — the one assembly every route calls (:func:`assemble`): the year's content and every
  cross-table and sense check (:data:`CHECKS`), then the data. ``load_year`` / ``load_path`` /
  ``inspect_path`` read a folder or workbook; ``year_data`` assembles the tables of a form.

Every problem found is collected and raised at once as an :class:`~evaltools.errors.InputError` naming
file, sheet, row and column; after this boundary the rest of evaltools trusts the data.
"""

from evaltools.data.load.assembly import (
    CHECKS,
    ReadYear,
    assemble,
    earlier_year_unusable,
    find_source,
    inspect_path,
    is_many_units,
    load_path,
    load_year,
    read_year,
    year_data,
)
from evaltools.data.load.headers import titles_of
from evaltools.data.load.normalise import BOOL_DEFAULTS, empty_frame, empty_table, normalise_rows
from evaltools.data.load.readers import CSV_CHUNK_ROWS, TextAsBytes
from evaltools.data.load.tables import ALL_TABLES, PROFILE_FILE, SHARED_TABLES, PlacedTable, RawTable

__all__ = [
    "ALL_TABLES",
    "BOOL_DEFAULTS",
    "CHECKS",
    "CSV_CHUNK_ROWS",
    "PROFILE_FILE",
    "SHARED_TABLES",
    "PlacedTable",
    "RawTable",
    "TextAsBytes",
    "assemble",
    "earlier_year_unusable",
    "empty_frame",
    "empty_table",
    "find_source",
    "inspect_path",
    "is_many_units",
    "load_path",
    "load_year",
    "read_year",
    "ReadYear",
    "normalise_rows",
    "titles_of",
    "year_data",
]
