"""What one input column and one input table are: the declarations :mod:`evaltools.data.schema` is made of."""

from __future__ import annotations

from dataclasses import dataclass

YES, NO = "是", "否"


@dataclass(frozen=True)
class Field:  # noqa: PLR0902 - a column has that many declared facets
    """One column: canonical name, Chinese title, kind (text, number, money, rate, bool), help and checks.

    ``choices`` are the drop-down values of the template; ``vocabulary`` maps each canonical value
    to the spellings accepted for it (the loader turns them into the canonical value and the
    schema refuses anything else); ``minimum`` bounds numbers from below (money and rates are ≥ 0
    by kind).
    """

    name: str
    title: str
    kind: str = "text"
    required: bool = True  # the column must be present
    nullable: bool = True  # cells may be empty
    help: str = ""
    example: str = ""
    choices: tuple[str, ...] = ()
    vocabulary: dict[str, tuple[str, ...]] | None = None
    minimum: float | None = None
    aliases: tuple[str, ...] = ()  # other headers real forms print for this column (计量单位 for 度量单位)

    @property
    def dropdown(self) -> tuple[str, ...]:
        """The template's drop-down list: the declared choices, 是/否 for flags, else none."""
        return self.choices or ((YES, NO) if self.kind == "bool" else ())

    @property
    def spellings(self) -> dict[str, str]:
        """Every accepted spelling of a value → its canonical value (empty without a vocabulary)."""
        return {alias: key for key, spellings in (self.vocabulary or {}).items() for alias in (key, *spellings)}

    @property
    def lenient(self) -> bool:
        """Whether other spellings than the drop-down's are accepted (a warning in Excel, not a refusal)."""
        return self.vocabulary is not None


@dataclass(frozen=True)
class Table:
    """One input table: its CSV file stem, its Excel sheet, its fields and its key columns."""

    name: str
    sheet: str
    fields: tuple[Field, ...]
    key: tuple[str, ...] = ()
    required: bool = True
    min_rows: int = 1
    help: str = ""

    @property
    def file(self) -> str:
        return f"{self.name}.csv"

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)

    def names(self) -> list[str]:
        return [f.name for f in self.fields]

    def titles(self) -> dict[str, str]:
        return {f.name: f.title for f in self.fields}

    def numeric(self) -> list[str]:
        return [f.name for f in self.fields if f.kind in ("number", "money", "rate")]

    def header_aliases(self) -> dict[str, str]:
        """Every accepted header (canonical name or Chinese title) → canonical name."""
        out = {}
        for f in self.fields:
            out[f.name.lower()] = f.name
            out[f.title] = f.name
            for alias in f.aliases:
                out[alias] = f.name
        return out
