"""How much input a load may take: a limit set by memory, not by a row count.

The limit is ``EVALTOOLS_MEMORY_LIMIT`` (``4G``, ``512M``, ``1.5GB`` or bytes; any other value is refused)
or, when it is unset, half the memory available when loading starts. What a table will need is estimated
while it is read — from the size of the text read so far (CSV, streamed in chunks), the file's metadata
(Parquet) or the sheet's dimensions (xlsx), times what loading, scoring and the audit make of it (measured: a million indicator
rows read as about 250 MB of text take about 0.8 GB once loaded and about 0.7 GB more while evaluated).
Reading stops at the row where the estimate passes the limit, with a located error.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass

from evaltools.errors import ParamsError

ENV = "EVALTOOLS_MEMORY_LIMIT"
#: Memory a table needs, loaded and evaluated, per byte of its text as read (Arrow strings).
NEED_PER_TEXT_BYTE = 6.0
#: The same per byte of a Parquet file's uncompressed data.
NEED_PER_PARQUET_BYTE = 6.0
#: The same per byte of an .xlsx file (zipped XML; openpyxl keeps an object per cell).
NEED_PER_XLSX_BYTE = 60.0

_UNITS = {"": 1, "b": 1, "k": 1024, "kb": 1024, "m": 1024**2, "mb": 1024**2, "g": 1024**3, "gb": 1024**3}


def parse_size(text: str) -> int:
    """``"4G"`` → 4 × 1024³ bytes; ``"512M"``, ``"1.5GB"``, ``"1000000"`` likewise; ValueError otherwise."""
    match = re.fullmatch(r"\s*([0-9]+(?:\.[0-9]+)?)\s*([a-zA-Z]*)\s*", str(text))
    if not match or match.group(2).lower() not in _UNITS:
        raise ValueError(f"not a size: {text!r} (expected e.g. 4G, 512M or a number of bytes)")
    return int(float(match.group(1)) * _UNITS[match.group(2).lower()])


def available_memory() -> int:
    """Bytes of memory available now (MemAvailable on Linux, else the physical memory)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as handle:
            for line in handle:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):  # pragma: no cover - no way to tell: 8 GB
        return 8 * 1024**3


def memory_limit() -> tuple[int, str]:
    """(bytes a load may need, where that figure comes from): :data:`ENV` when set, else half the memory
    available. A value of :data:`ENV` that is no size above zero is refused (:func:`configured_limit`)."""
    configured = os.environ.get(ENV, "")
    if not configured.strip():
        return available_memory() // 2, "half the available memory"
    return configured_limit(configured), f"{ENV}={configured}"


def configured_limit(text: str) -> int:
    """The limit :data:`ENV` sets (``"2G"`` → 2 × 1024³ bytes); :class:`~evaltools.errors.ParamsError` naming the
    variable, what it holds and what it should hold when that is not a size above zero (``lots``, ``-1``,
    ``0``): a limit silently replaced by the default would let a load take memory it was told not to."""
    try:
        size = parse_size(text)
    except ValueError:
        size = 0
    if size <= 0:
        raise ParamsError(
            f"环境变量 {ENV} 无效 / invalid memory limit in the environment variable {ENV}: found {text!r}; "
            "expected a size above zero such as 2G, 512M, 1.5GB or a number of bytes "
            "(or leave it unset for half the available memory)"
        )
    return size


def gb(n: float) -> str:
    """A size for people: 1.25 GB, 300 MB, 64 KB."""
    if n >= 0.1 * 1024**3:
        return f"{n / 1024**3:.2f} GB"
    return f"{n / 1024**2:.0f} MB" if n >= 1024**2 else f"{n / 1024:.0f} KB"


@dataclass
class MemoryBudget:
    """What the tables read so far will need, against the limit (one budget per year's data)."""

    limit: int
    source: str
    used: float = 0.0
    #: Set once a table did not fit: what is left is not read (and not reported again).
    exceeded: bool = False

    @classmethod
    def default(cls) -> MemoryBudget:
        return cls(*memory_limit())

    def fits(self, more: float) -> bool:
        return self.used + more <= self.limit

    def take(self, more: float) -> None:
        self.used += more

    def message(self, needed: float) -> tuple[str, str, str]:
        """(message, found, expected) for a table that does not fit (and the budget is marked exceeded)."""
        self.exceeded = True
        return (
            "数据超过可用内存上限 / the data needs more memory than the limit",
            f"about {gb(needed)} needed to load and evaluate it (estimated while reading), "
            f"limit {gb(self.limit)} ({self.source})",
            "less data per load: split the year by unit (data/<unit>/<year>/), use Parquet, "
            f"or raise the limit with {ENV}=8G",
        )
