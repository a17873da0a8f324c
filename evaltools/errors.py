"""One exception hierarchy for evaltools.

Modelled on papermill's ``exceptions.py``: a base class and specific subclasses that carry
where the problem is (file, sheet, row, column) so that messages say what, where and how to fix.
No traceback should ever reach a user: the CLI catches :class:`EvaltoolsError` and prints it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"

#: Characters that print as nothing, move the cursor or reorder text: C0/C1 controls (NUL, ESC of ANSI
#: escapes, CR …), format characters (zero-width spaces and joiners, bidi marks and overrides, the BOM,
#: soft hyphen, tags), line and paragraph separators and lone surrogates (Unicode categories Cc, Cf, Zl,
#: Zp, Cs; tests/test_errors.py checks the class against :mod:`unicodedata`).
INVISIBLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2\u180e"
    "\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U0001343f\U0001bca0-\U0001bca3\U0001d173-\U0001d17a"
    "\U000e0001\U000e0020-\U000e007f]"
)


def visible(text: object, keep: str = "", marks: str = "<>") -> str:
    """``text`` with every invisible or control character (:data:`INVISIBLE`) written as ``<U+200B>``,
    except those in ``keep``: a message shows what a cell holds and never moves a terminal's cursor, and a
    newline in a name cannot start a line of its own (a forged "✓ …"). ``marks`` are the brackets around the
    code point (a page uses ⟨⟩: ``<`` would start an HTML tag)."""
    start, end = marks
    return INVISIBLE.sub(
        lambda m: m.group(0) if m.group(0) in keep else f"{start}U+{ord(m.group(0)):04X}{end}", str(text)
    )


@dataclass(frozen=True)
class Location:
    """Where an input problem is: a file, optionally a sheet, a spreadsheet row (1 = header) and a column."""

    file: str
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.file]
        if self.sheet:
            parts.append(f"sheet 「{self.sheet}」")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column:
            parts.append(f"column 「{self.column}」")
        return visible(", ".join(parts))


@dataclass(frozen=True)
class Problem:
    """One problem found in the input: what was found, what was expected, and where."""

    location: Location
    message: str
    found: str | None = None
    expected: str | None = None
    severity: str = ERROR
    code: str = "INVALID"

    def __str__(self) -> str:
        text = f"[{self.severity}] {self.location}: {visible(self.message)}"
        if self.found is not None:
            text += f"; found {visible(self.found)}"
        if self.expected is not None:
            text += f"; expected {visible(self.expected)}"
        return text


def _rebuild(cls: type, args: tuple, state: dict) -> EvaltoolsError:
    """Unpickle an error without calling its ``__init__`` (whose signature differs per class)."""
    error = cls.__new__(cls)
    Exception.__init__(error, *args)
    error.__dict__.update(state)
    return error


class EvaltoolsError(Exception):
    """Base class of every error evaltools raises on purpose.

    Every subclass pickles with its message and attributes (batch workers send errors across
    processes), whatever its ``__init__`` takes.
    """

    exit_code = 1

    def __reduce__(self):
        return _rebuild, (type(self), self.args, dict(self.__dict__))


class InputError(EvaltoolsError):
    """The year's input data is missing or malformed; carries every problem found at once."""

    exit_code = 2

    def __init__(self, problems: Iterable[Problem], summary: str | None = None):
        self.problems: tuple[Problem, ...] = tuple(problems)
        errors = [p for p in self.problems if p.severity == ERROR]
        head = summary or f"输入数据有 {len(errors)} 处错误 / {len(errors)} error(s) in the input data"
        body = "\n".join(f"  - {p}" for p in self.problems)
        super().__init__(f"{head}\n{body}" if body else head)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == ERROR)


class DataNotFoundError(InputError):
    """No data for the year (or unit) asked for."""


class ParamsError(EvaltoolsError):
    """A params file (job parameters or a rule set) is invalid: unknown keys, bad values, unsafe YAML."""

    exit_code = 2

    def __init__(self, message: str, file: str | None = None, key: str | None = None):
        self.file, self.key = file, key
        where = ", ".join(x for x in (file, f"key 「{key}」" if key else None) if x)
        super().__init__(f"{where}: {message}" if where else message)


class GradeBandError(ParamsError):
    """A grade band table has gaps, overlaps or is out of order."""


class UnsafePathError(EvaltoolsError):
    """A unit name, year or output path would escape the output folder or is not a valid name."""

    exit_code = 2


class RuleError(ParamsError):
    """An indicator names a scoring rule that the rule set does not define, or a rule is malformed."""


class FontNotFoundError(EvaltoolsError):
    """The CJK font file is not installed (the ``mplfonts`` package or its font file is missing)."""

    exit_code = 2


class ChartDataError(EvaltoolsError):
    """The data given to a chart function lacks the columns it needs."""


class RunError(EvaltoolsError):
    """Executing or exporting a report failed; names the notebook cell and the error."""

    exit_code = 1

    def __init__(self, message: str, cell: int | None = None, notebook: str | None = None):
        self.cell, self.notebook = cell, notebook
        super().__init__(message)


@dataclass
class ProblemList:
    """Accumulates problems while loading so that every one is reported at once."""

    items: list[Problem] = field(default_factory=list)

    def add(
        self,
        location: Location,
        message: str,
        *,
        found: object = None,
        expected: str | None = None,
        severity: str = ERROR,
        code: str = "INVALID",
    ) -> None:
        self.items.append(Problem(location, message, None if found is None else str(found), expected, severity, code))

    def extend(self, problems: Iterable[Problem]) -> None:
        self.items.extend(problems)

    @property
    def has_errors(self) -> bool:
        return any(p.severity == ERROR for p in self.items)


class Stopped(KeyboardInterrupt):
    """The run was told to stop: Ctrl-C (SIGINT) or SIGTERM. A KeyboardInterrupt, so that nothing that
    catches errors (``except Exception``) swallows it; ``exit_code`` is 128 + the signal's number (130
    for Ctrl-C, 143 for SIGTERM)."""

    def __init__(self, signum: int = 2, detail: str | None = None):
        self.signum, self.detail = signum, detail
        super().__init__(signum, detail)

    @property
    def exit_code(self) -> int:
        return 128 + int(self.signum)

    @property
    def name(self) -> str:
        return {2: "Ctrl-C", 15: "SIGTERM"}.get(int(self.signum), f"signal {self.signum}")

    def __reduce__(self):
        return type(self), (self.signum, self.detail)


class FormError(InputError):
    """A filled-in 自评表 (an Excel sheet or a Word table) cannot be read: every problem names the file, the
    sheet or table and the cell."""


class LegacyFormatError(FormError):
    """A form saved in a legacy binary format (.doc, .xls, .et, .wps): it must be saved as .docx or .xlsx."""
