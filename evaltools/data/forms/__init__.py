"""Filled-in 自评表 (Excel and Word) read as year data: ``import_forms(paths)`` → every form's
:class:`~evaltools.data.model.YearData`, and every form that could not be read with its reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from evaltools.data.forms.grid import CellRef
from evaltools.data.forms.read import LEGACY, READERS, SUFFIXES, FormFailure, ImportedForm, read_file, read_files

__all__ = [
    "CellRef",
    "FormFailure",
    "FormsRead",
    "ImportedForm",
    "LEGACY",
    "READERS",
    "SUFFIXES",
    "form_files",
    "import_forms",
    "load_forms",
    "read_file",
    "read_files",
]


@dataclass(frozen=True)
class FormsRead:
    """The forms read from some files and folders, and what could not be read."""

    forms: tuple[ImportedForm, ...]
    failures: tuple[FormFailure, ...]


def _is_form_file(path: Path) -> bool:
    """A form file by its suffix; Office's lock files (``~$…``) and hidden files are not forms."""
    return path.suffix.lower() in SUFFIXES and not path.name.startswith(("~$", "."))


def form_files(paths: Iterable[str | Path]) -> tuple[list[Path], list[FormFailure]]:
    """The files to read: each file given, and every form file in each folder given and its subfolders (sorted);
    a path that does not exist is a failure."""
    files, failures = [], []
    for path in map(Path, paths):
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.is_file() and _is_form_file(p))
        elif path.is_file():
            files.append(path)
        else:
            failures.append(FormFailure(str(path), None, "文件或文件夹不存在 / no such file or folder"))
    return list(dict.fromkeys(files)), failures


def import_forms(paths: Iterable[str | Path]) -> FormsRead:
    """Read every form of the files and folders ``paths`` (``.xlsx`` and ``.docx``; nested folders): the year
    data of each form, and each form or file that could not be read with its reason (located at its cell)."""
    files, failures = form_files(paths)
    forms, failed = read_files(files)
    return FormsRead(tuple(forms), tuple(failures + failed))


def load_forms(path: str | Path) -> list[ImportedForm]:
    """The forms of one file (or folder), or :class:`~evaltools.errors.FormError` listing every problem of every
    form that cannot be read (:class:`~evaltools.errors.LegacyFormatError` for a .doc / .xls / .et file)."""
    from evaltools.errors import FormError, LegacyFormatError, Location, Problem

    read = import_forms([path])
    if not read.failures:
        return list(read.forms)
    problems = [p for f in read.failures for p in f.problems] or [
        Problem(Location(f.source, f.part), f.reason) for f in read.failures
    ]
    legacy = all(Path(f.source).suffix.lower() in LEGACY for f in read.failures)
    error = LegacyFormatError if legacy else FormError
    raise error(
        problems, summary=f"{len(read.failures)} 张自评表无法读取 / {len(read.failures)} form(s) cannot be read"
    )
