"""``evaltools import``: filled-in forms → one CSV folder per form (profile.yaml, projects.csv,
indicators.csv …) that a person checks and corrects, and that ``evaltools check`` / ``load_path`` read."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaltools import fmt
from evaltools.data.folder import write_folder
from evaltools.data.forms import FormFailure, ImportedForm, import_forms
from evaltools.errors import INVISIBLE
from evaltools.paths import write_text

#: The Chinese of the names a form may not print (:attr:`ImportedForm.completed`).
_WHAT = {"unit": "单位名称", "project": "项目名称"}
_UNSAFE = re.compile(rf'(?:[\\/:*?"<>|\s]|{INVISIBLE.pattern})+')  # invisible / bidi characters too (issue 22)


@dataclass(frozen=True)
class Imported:
    """The folders written (one per form, in the order read) and the forms that could not be read."""

    folders: tuple[tuple[ImportedForm, Path], ...]
    failures: tuple[FormFailure, ...]
    index: Path | None = None


def folder_name(form: ImportedForm, taken: set[str], several: bool = False) -> str:
    """The folder of a form: its file's name, its sheet (or Word table) when the file holds ``several`` forms, a
    number for a second form in one place, ``-2`` … when the name is taken; safe on every system."""
    parts = [Path(form.source).stem]
    if several:
        parts.append(form.part)
    if form.number > 1:
        parts.append(str(form.number))
    base = _UNSAFE.sub("_", "-".join(p for p in parts if p)).strip("._ ")[:80] or "form"
    name, n = base, 1
    while name.lower() in taken:
        n += 1
        name = f"{base}-{n}"
    taken.add(name.lower())
    return name


def import_to(paths: Iterable[str | Path], out_dir: str | Path) -> Imported:
    """Read every form under ``paths`` and write each as ``out_dir/<folder>/`` (see :func:`folder_name`), plus
    ``out_dir/forms.csv`` listing every form (file, sheet or table, kind, unit, year, project, folder)."""
    out = Path(out_dir)
    read = import_forms(paths)
    taken: set[str] = set()
    written = []
    per_file = pd.Series([f.source for f in read.forms]).value_counts() if read.forms else pd.Series(dtype=int)
    for form in read.forms:
        folder = out / folder_name(form, taken, per_file[form.source] > 1)
        header = f"由 evaltools import 读自 {form.label}（{form.kind}）；请核对后使用 evaltools check 检查。"
        if form.completed:  # names the form does not print: the folder needs one (evaltools.data.forms.read)
            header += (
                "原表未填"
                + "、".join(f"{_WHAT[k]}，已补为「{v}」" for k, v in form.completed.items())
                + "，请改为实际名称。"
            )
        written.append((form, write_folder(form.data, folder, header=header)))
    rows = [
        {
            "folder": folder.name,
            "file": form.source,
            "part": form.part,
            "kind": form.kind,
            "unit": form.data.unit,
            "year": form.data.year,
            "project": None if form.kind == "department" else form.data.projects["project"].iloc[0],
            "indicators": len(form.data.indicators),
        }
        for form, folder in written
    ]
    index = None
    if written:
        index = write_text(out / "forms.csv", fmt.people_csv(pd.DataFrame(rows)))
    return Imported(tuple(written), read.failures, index)
