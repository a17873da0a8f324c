"""``evaltools import``: filled-in forms → one CSV folder per form (profile.yaml, projects.csv,
indicators.csv …) that a person checks and corrects, and that ``evaltools check`` / ``load_path`` read."""

from __future__ import annotations

import errno
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from evaltools import fmt
from evaltools.data.folder import write_folder
from evaltools.data.forms import FormFailure, ImportedForm, import_forms
from evaltools.errors import INVISIBLE, ParamsError
from evaltools.paths import (
    OUTPUT_MARK,
    changed_since_written,
    input_folders,
    output_folder,
    read_mark,
    unwritable,
    write_mark,
    write_text,
)

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


def import_output(paths: Iterable[str | Path], out_dir: str | Path) -> Path:
    """The import's output folder, refused before anything is read or written when it is equal to, inside or
    above a folder of forms given, is the folder of a form file given, or cannot be written."""
    folders, beside = input_folders(paths, "自评表所在的文件夹", "the folder of the forms")
    return output_folder(out_dir, folders, beside=beside)


def refuse_overwrite(out_dir: str | Path, folders: Iterable[str]) -> None:
    """ParamsError when writing the form ``folders`` (and forms.csv) into ``out_dir`` would overwrite what a
    person changed: a file the last import wrote (:data:`~evaltools.paths.OUTPUT_MARK` records each with its
    hash) changed or removed since, or — with no record — a folder or forms.csv that evaltools did not write.
    An unchanged import is rewritten; ``--force`` overwrites anyway."""
    out = Path(out_dir)
    if read_mark(out) is not None:
        changed = changed_since_written(out)
        why = "自上次导入后已被修改 / changed since evaltools import wrote them"
    else:
        names = [f"{n}/" for n in folders if (out / n).is_dir() and any((out / n).iterdir())]
        changed = names + (["forms.csv"] if (out / "forms.csv").exists() else [])
        why = f"不是 evaltools import 写出的（没有 {OUTPUT_MARK}）/ not written by evaltools import (no {OUTPUT_MARK})"
    if changed:
        shown = "、".join(changed[:10]) + (f" … (+{len(changed) - 10})" if len(changed) > 10 else "")
        raise ParamsError(
            f"不覆盖已改动的导入结果 / not overwriting {out}: {shown} — {why}; 请另选输出目录，或加 --force 覆盖 / "
            "choose another --output-dir, or add --force to overwrite them",
            key="output_dir",
        )


def import_to(paths: Iterable[str | Path], out_dir: str | Path, force: bool = False) -> Imported:
    """Read every form under ``paths`` and write each as ``out_dir/<folder>/`` (see :func:`folder_name`), plus
    ``out_dir/forms.csv`` listing every form (file, sheet or table, kind, unit, year, project, folder) and the
    record of what was written (:data:`~evaltools.paths.OUTPUT_MARK`). Refused before writing: an output folder
    on the forms' folder (:func:`import_output`), one a person changed since (:func:`refuse_overwrite`, unless
    ``force``)."""
    paths = list(paths)
    out = import_output(paths, out_dir)
    read = import_forms(paths)
    taken: set[str] = set()
    per_file = pd.Series([f.source for f in read.forms]).value_counts() if read.forms else pd.Series(dtype=int)
    names = [folder_name(form, taken, per_file[form.source] > 1) for form in read.forms]
    if read.forms and not force:
        refuse_overwrite(out, names)
    try:
        return _write(read, names, out)
    except OSError as exc:
        if isinstance(exc, PermissionError) or exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
            raise unwritable(out, "输出目录 / the output folder", exc, "output_dir") from None
        raise


def _write(read, names: list[str], out: Path) -> Imported:
    """Each form of ``read`` as ``out/<name>/``, forms.csv and the record of the files written."""
    written = []
    for form, name in zip(read.forms, names):
        folder = out / name
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
        files = [index, *(f for _, folder in written for f in sorted(folder.iterdir()))]
        write_mark(out, "import", files)
    return Imported(tuple(written), read.failures, index)
