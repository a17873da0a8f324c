"""Safe output locations: names from the data can never lead outside the output folder."""

from __future__ import annotations

import os
import re
import stat
import tempfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO

from evaltools.errors import ParamsError, UnsafePathError

#: The project folder (holding data/, params/, notebooks/) of this checkout.
PROJECT_ROOT = Path(__file__).resolve().parent.parent


def not_a_file(path: str | Path) -> str | None:
    """Why ``path`` cannot be read as a file (it is missing, a folder, a FIFO, a device …), or None when it
    is a regular file. Nothing is opened: reading a FIFO would wait for a writer for ever."""
    return _kind_problem(path, stat.S_ISREG, "a file")


def not_a_folder(path: str | Path) -> str | None:
    """Why ``path`` cannot be used as a folder, or None when it is one."""
    return _kind_problem(path, stat.S_ISDIR, "a folder")


def _kind_problem(path: str | Path, wanted, what: str) -> str | None:
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "it does not exist"
    except NotADirectoryError:
        return "a part of the path is a file, not a folder"
    except OSError as exc:
        return f"it cannot be read ({exc.strerror or exc})"
    if wanted(mode):
        return None
    for test, name in (
        (stat.S_ISDIR, "a folder"),
        (stat.S_ISREG, "a file"),
        (stat.S_ISFIFO, "a named pipe (FIFO)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a device"),
        (stat.S_ISBLK, "a device"),
    ):
        if test(mode):
            return f"it is {name}, not {what}"
    return f"it is not {what}"


def usable_folder(path: str | Path, what: str, key: str | None = None) -> Path:
    """``path`` when it is a folder or can be made one (no part of it is a file); else ParamsError naming it."""
    path = Path(path)
    for part in (path, *path.parents):
        why = not_a_folder(part)
        if why is None:
            break
        if why not in ("it does not exist", "a part of the path is a file, not a folder"):
            raise ParamsError(f"{what} {path}: {part} — {why}; choose a folder", key=key)
    return path


def usable_output_file(path: str | Path, suffix: str, what: str, key: str | None = None) -> Path:
    """``path`` when it names a file ending in ``suffix`` (any case) that can be written; else ParamsError."""
    path = Path(path)
    if path.is_dir():
        raise ParamsError(f"{what} {path} is a folder; give a file name ending in {suffix}", key=key)
    if path.suffix.lower() != suffix:
        raise ParamsError(
            f"{what} {path} must end in {suffix}, found {path.suffix or '(no suffix)'}: e.g. {path.stem}{suffix}",
            key=key,
        )
    usable_folder(path.parent, f"the folder of {what}", key)
    return path


def usable_input_file(path: str | Path, what: str, key: str | None = None) -> Path:
    """``path`` when it is a readable regular file (never opened here); else ParamsError saying what it is."""
    why = not_a_file(path)
    if why is not None:
        raise ParamsError(f"{what} {path}: {why}; expected {what}", key=key)
    return Path(path)


def resolve_data_dir(data_dir: str | Path) -> Path:
    """``data_dir`` as given when it exists from here; a relative one that does not is looked up in the
    project folder, so that notebooks opened in JupyterLab (which run in notebooks/) find ``data``."""
    path = Path(data_dir)
    if not path.is_absolute() and not path.exists() and (PROJECT_ROOT / path).exists():
        return PROJECT_ROOT / path
    return path


def without_local_paths(text: str, *folders: str | Path) -> str:
    """``text`` for a shared page: paths under ``folders`` (the data and output folders) written relative
    to them, the project folder's likewise, the home folder as ``~``; other absolute paths keep only their
    last two parts."""
    roots = [Path(f) for f in folders if f] + [PROJECT_ROOT]
    for root in roots:
        for form in dict.fromkeys([str(root.resolve()), os.path.abspath(root)]):
            text = text.replace(form.rstrip(os.sep) + os.sep, "")
    home = os.path.expanduser("~")
    if home not in ("", os.sep, "~"):
        text = text.replace(home.rstrip(os.sep) + os.sep, "~" + os.sep)
    return _ABSOLUTE.sub(lambda m: "…/" + "/".join(m.group(0).rstrip("/").split("/")[-2:]), text)


#: An absolute POSIX path of two or more parts (after the replacements above, a stray local path).
_ABSOLUTE = re.compile(r"(?<![\w.~…])/(?:[^\s/,;:'\"，；：）()]+/)+[^\s/,;:'\"，；：）()]+")


_RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(1, 10)), *(f"lpt{i}" for i in range(1, 10))}
_BAD_CHARS = re.compile(r'[\x00-\x1f<>:"/\\|?*]')


def safe_component(name: str, what: str = "name") -> str:
    """Return ``name`` if it is usable as one path component, else raise UnsafePathError.

    Refused: empty, ``.``/``..``, separators, NUL and control characters, ``<>:"|?*``,
    Windows reserved names (CON, NUL, COM1 …), leading/trailing spaces or dots, over 100 characters.
    """
    text = str(name)
    reason = None
    if not text.strip():
        reason = "it is empty"
    elif text in (".", "..") or ".." in text.split(os.sep):
        reason = "it points to a parent folder"
    elif _BAD_CHARS.search(text):
        reason = 'it contains a path separator, NUL, a control character or one of <>:"|?*'
    elif text.split(".")[0].strip().lower() in _RESERVED:
        reason = "it is a reserved device name on Windows"
    elif text != text.strip() or text.endswith("."):
        reason = "it begins or ends with a space or ends with a dot"
    elif len(text) > 100:
        reason = "it is longer than 100 characters"
    if reason:
        raise UnsafePathError(
            f"不安全的{what}名称 / unsafe {what} {text!r}: {reason}; "
            "use plain letters, digits, Chinese characters, '-' or '_'"
        )
    return text


def inside(base: str | Path, *parts: str) -> Path:
    """``base/part/...`` after checking each part and that the result stays inside ``base``."""
    root = Path(base).resolve()
    target = root.joinpath(*(safe_component(p, "path") for p in parts)).resolve()
    if root != target and root not in target.parents:
        raise UnsafePathError(f"路径越界 / {target} is outside {root}")
    return target


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows (Linux ``/proc``)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere: set and restore at once
    os.umask(mask)
    return mask


@contextmanager
def atomic_write(path: str | Path, mode: str = "wb") -> Iterator[IO]:
    """Write to a temporary file beside ``path`` and rename it into place only on success.

    A crash or kill leaves the previous file untouched and no partial file under the final name;
    the temporary has a ``.tmp-`` prefix and is removed on error. The file gets the mode a plain
    ``open()`` would give (0644 under the usual umask 022), not the temporary's private 0600.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".tmp-{path.name}.", dir=path.parent)
    try:
        os.chmod(tmp, 0o666 & ~current_umask())
        with os.fdopen(fd, mode, **({} if "b" in mode else {"encoding": "utf-8"})) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def write_bytes(path: str | Path, data: bytes) -> Path:
    with atomic_write(path, "wb") as handle:
        handle.write(data)
    return Path(path)


def write_text(path: str | Path, text: str) -> Path:
    return write_bytes(path, text.encode("utf-8"))


# ----------------------------------------------------------------------------- outputs never on inputs

#: The file evaltools writes into a folder it made (an audit's, an import's, a run's beside its index.html): the
#: command, and each file written
#: with its SHA-256. A folder holding it is never read as input (:func:`marked_output`), and a re-import
#: compares it with what is there now (:func:`changed_since_written`).
OUTPUT_MARK = ".evaltools-output.json"


def _absolute(path: str | Path) -> Path:
    """``path`` made absolute, links resolved where they exist (a folder not yet made keeps its name)."""
    return Path(os.path.realpath(os.path.abspath(path)))


def overlap(output: str | Path, source: str | Path) -> str | None:
    """How the folder ``output`` lies on the input folder ``source``: ``"equal"``, ``"inside"`` (output within
    the input), ``"above"`` (output holds the input), or None when they are apart."""
    out, src = _absolute(output), _absolute(source)
    if out == src:
        return "equal"
    if src in out.parents:
        return "inside"
    if out in src.parents:
        return "above"
    return None


_OVERLAP = {
    "equal": ("就是", "is the same folder as"),
    "inside": ("位于{what}之内", "is inside"),
    "above": ("包含了", "holds"),
}


def refuse_output_on_inputs(
    output: str | Path,
    inputs: dict[str | Path, tuple[str, str]],
    key: str = "output_dir",
    beside: dict[str | Path, tuple[str, str]] | None = None,
) -> None:
    """ParamsError when the output folder ``output`` is equal to, inside or above one of ``inputs`` (a folder →
    (its Chinese name, its English name)), or equal to one of ``beside`` (the folder of an input file: only that
    file is read there): what is written would land among the inputs and be read back as input. The one rule of
    every command that writes (run, audit, import); checked before anything is written."""
    checked = [(s, names, None) for s, names in inputs.items()] + [(s, n, "equal") for s, n in (beside or {}).items()]
    for source, (what, what_en), only in checked:
        how = overlap(output, source)
        if how is None or (only is not None and how != only):
            continue
        zh, en = _OVERLAP[how]
        zh = zh.format(what=what) if "{" in zh else zh + what
        away = _absolute(source if how != "above" else output)
        raise ParamsError(
            f"输出目录{zh} / the output folder {output} {en} {what_en} {source}: outputs would land among the "
            f"inputs and be read back as input; 请另选输入之外的目录 / choose a folder outside it, e.g. "
            f"--output-dir {away.parent / (away.name + '-outputs')}",
            key=key,
        )


def output_folder(
    output: str | Path,
    inputs: dict[str | Path, tuple[str, str]],
    key: str = "output_dir",
    beside: dict[str | Path, tuple[str, str]] | None = None,
) -> Path:
    """The output folder of a command that writes (run, audit, import), checked before anything is written, in
    this order: a folder or one that can be made (:func:`usable_folder`: no part of it is a file), apart from
    every input (:func:`refuse_output_on_inputs`), writable (:func:`writable_folder`)."""
    what = "输出目录 / the output folder"
    usable_folder(output, what, key)
    refuse_output_on_inputs(output, inputs, key, beside)
    return writable_folder(output, what, key)


def input_folders(
    paths: Iterable[str | Path], what: str, what_en: str
) -> tuple[dict[Path, tuple[str, str]], dict[Path, tuple[str, str]]]:
    """The folders given among ``paths`` (read whole: no output in, on or above them) and the folders of the
    files given (only the file is read: no output written into that very folder), each named ``what``."""
    paths = [Path(p) for p in paths]
    folders = {p: (what, what_en) for p in paths if p.is_dir()}
    return folders, {p.parent: (what, what_en) for p in paths if not p.is_dir()}


def writable_folder(path: str | Path, what: str, key: str | None = None) -> Path:
    """``path`` when it is (or can be made) a folder this process may write to; else ParamsError naming it. Tried
    for real — the missing folders made, a probe file written, all removed again — since a mode says nothing
    for root, and a read-only file system or /sys refuses even root."""
    path = usable_folder(path, what, key)
    missing = [p for p in (path, *path.parents) if not p.exists()]
    made: list[Path] = []
    try:
        for folder in reversed(missing):
            try:
                folder.mkdir()
            except FileExistsError:  # made meanwhile by another process: theirs, left alone
                continue
            made.append(folder)
        fd, probe = tempfile.mkstemp(prefix=".tmp-probe-", dir=path)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise unwritable(path, what, exc, key) from None
    finally:
        for folder in reversed(made):
            try:
                folder.rmdir()
            except OSError:
                pass
    return path


def unwritable(path: str | Path, what: str, exc: OSError, key: str | None = None) -> ParamsError:
    """The message of a folder that cannot be written (read-only, a read-only file system, permission denied)."""
    where = f" ({exc.filename})" if getattr(exc, "filename", None) and str(exc.filename) != str(path) else ""
    return ParamsError(
        f"无法写入 / cannot write to {what} {path}{where}: {exc.strerror or exc}; choose a folder you can "
        "write to (--output-dir), or make this one writable",
        key=key,
    )


def sha256(path: str | Path) -> str:
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_mark(folder: str | Path, command: str, files: Iterable[str | Path]) -> Path:
    """Write :data:`OUTPUT_MARK` into ``folder``: the command, and each of ``files`` (under it) with its hash."""
    import json

    root = Path(folder)
    listed = {Path(f).relative_to(root).as_posix(): sha256(f) for f in files if Path(f).is_file()}
    text = json.dumps({"evaltools": command, "files": dict(sorted(listed.items()))}, ensure_ascii=False, indent=1)
    return write_text(root / OUTPUT_MARK, text + "\n")


def read_mark(folder: str | Path) -> dict | None:
    """What :func:`write_mark` wrote into ``folder``, or None (no mark, or one that is not a regular file or
    cannot be read as one)."""
    import json

    mark = Path(folder) / OUTPUT_MARK
    if not_a_file(mark) is not None or mark.stat().st_size > 16 << 20:
        return None
    try:
        data = json.loads(mark.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("files"), dict) else None


def marked_output(folder: str | Path) -> bool:
    """Whether ``folder`` was written by evaltools (holds :data:`OUTPUT_MARK`): never read as input."""
    return (Path(folder) / OUTPUT_MARK).exists()


def changed_since_written(folder: str | Path) -> list[str]:
    """The files :func:`write_mark` listed in ``folder`` that were changed or removed since (relative names)."""
    mark = read_mark(folder)
    root = Path(folder)
    out = []
    for name, digest in (mark or {}).get("files", {}).items():
        file = root / str(name)
        if not_a_file(file) is not None:
            out.append(f"{name}（已删除或不是文件 / removed）")
        elif sha256(file) != digest:
            out.append(f"{name}（已改动 / changed）")
    return out
