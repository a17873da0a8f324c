"""The tables of a year's data as read, before validation, and where their cells are.

:class:`RawTable` is a table as a reader found it (a CSV or Parquet file, a workbook sheet);
:class:`PlacedTable` one whose rows come from the cells of filled-in forms. Both locate every
problem found later at the file, sheet, row and column it comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaltools.data import schema as S
from evaltools.errors import Location, ProblemList
from evaltools.paths import not_a_file

PROFILE_FILE = "profile.yaml"


@dataclass
class RawTable:
    """A table as read, before validation: original headers, every cell as found."""

    frame: pd.DataFrame
    file: str
    sheet: str | None = None
    header_row: int = 1
    #: The frame index of each row kept after blank rows were dropped (set by ``normalise``; a range when the
    #: frame's index is one).
    kept: list | range | None = None

    def loc(self, row: int | None = None, column: str | None = None) -> Location:
        return Location(self.file, self.sheet, row, column)

    def excel_row(self, index: object) -> int:
        """Spreadsheet row (header = ``header_row``) of a row of :attr:`frame`, by its index label."""
        return int(index) + self.header_row + 1

    def data_row(self, position: int) -> int:
        """Spreadsheet row of the ``position``-th row of the validated table (blank rows dropped)."""
        return self.excel_row(self.kept[int(position)] if self.kept is not None else position)


@dataclass
class PlacedTable(RawTable):
    """A table whose rows were read from the cells of a filled-in form: ``places[i](column title)`` locates
    row ``i``'s cell of that column where the form prints it (sheet or Word table, row, cell)."""

    places: list | None = None

    def loc(self, row: int | None = None, column: str | None = None) -> Location:
        if row is None or self.places is None:
            return RawTable.loc(self, row, column)
        return self.places[row - self.header_row - 1](column)


#: A profile as read (a mapping, None when unreadable: reported) and where it was read.
RawProfile = tuple[dict | None, Location]


#: Every table a year's data may hold: the declared ones and, for many units at once, the units table.
ALL_TABLES: dict[str, S.Table] = {**S.TABLES, S.UNITS.name: S.UNITS}


#: Tables that, in many-unit data, may leave out the 预算单位 column: then they hold for every unit.
SHARED_TABLES = ("grade_bands", "team")


def unreadable() -> pd.DataFrame:
    """The frame of a table that could not be read (already reported): not reported again as missing."""
    frame = pd.DataFrame()
    frame.attrs["unreadable"] = True
    return frame


def not_readable(file: Path, expected: str, problems: ProblemList, message: str = "") -> bool:
    """Whether ``file`` is not a regular file (a folder, a FIFO, a broken link …), reported; nothing is opened."""
    why = not_a_file(file)
    if why is not None:
        problems.add(
            Location(str(file)), message or "无法读取文件 / cannot read the file", found=why, expected=expected
        )
    return why is not None
