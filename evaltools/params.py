"""Parameters and rule sets, read from ``params/`` as safe YAML with unknown keys rejected.

Parameters flow one way: ``params/<job>.yaml`` → the notebook's parameters cell →
:func:`job_params`, which rejects unknown keys (papermill itself only warns).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from evaltools.errors import ParamsError
from evaltools.paths import PROJECT_ROOT, not_a_file

PARAMS_DIR = PROJECT_ROOT / "params"


#: Largest YAML file read (a params file, a rule set, a profile): 10 MB, far above any real one.
MAX_YAML_BYTES = 10_000_000
#: Aliases may share a value; expanded, a document may hold at most this many characters and items more
#: than its own text (a "billion laughs" file of a few lines would expand to gigabytes).
ALIAS_ALLOWANCE = 100_000


class _Loader(yaml.SafeLoader):
    """``yaml.SafeLoader`` that refuses a key given twice in one mapping (YAML would keep the last silently)."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict:
        seen: dict = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.setdefault(key, key_node.start_mark.line + 1)
            except TypeError:  # an unhashable key: SafeLoader says so itself
                continue
            if first != key_node.start_mark.line + 1:
                raise yaml.constructor.ConstructorError(
                    _DUPLICATE, None, f"「{key}」 is also given at line {first}", key_node.start_mark
                )
        return super().construct_mapping(node, deep=deep)


_DUPLICATE = "duplicate key"


def _key_at(text: str, line: int) -> str | None:
    """The key path (``rules.tiers_overrun``) of the mapping entry at or above 0-based ``line`` of ``text``."""
    stack: list[tuple[int, str]] = []
    for raw in text.splitlines()[: line + 1]:
        stripped = raw.lstrip(" -")
        if not stripped or stripped.startswith("#") or ":" not in stripped:
            continue
        key = stripped.split(":", 1)[0].strip().strip("'\"")
        if not key or key.startswith(("{", "[")):
            continue
        indent = len(raw) - len(stripped)
        while stack and stack[-1][0] >= indent:
            stack.pop()
        stack.append((indent, key))
    return ".".join(k for _, k in stack) or None


def _where(text: str, mark: object) -> str:
    if mark is None:
        return ""
    key = _key_at(text, mark.line)
    return f" at line {mark.line + 1}, column {mark.column + 1}" + (f" (key 「{key}」)" if key else "")


def _expanded_size(value: object, sizes: dict, limit: int) -> int:
    """Characters and items of ``value`` with every alias expanded (shared values counted each time)."""
    if isinstance(value, str):
        return len(value)
    if not isinstance(value, (list, dict)):
        return 1
    key = id(value)
    if key in sizes:
        if sizes[key] is None:  # a value that contains itself: endless once expanded
            return limit + 1
        return sizes[key]
    sizes[key] = None
    items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
    total = 1
    for item in items:
        total += _expanded_size(item, sizes, limit)
        if total > limit:
            break
    sizes[key] = total
    return total


def safe_yaml_load(text: str, source: str = "<yaml>") -> Any:
    """``yaml.safe_load`` with clear errors (line, column and key): tags such as ``!!python/object`` are
    refused, a key given twice in one mapping is refused, and aliases may not expand the document
    beyond :data:`ALIAS_ALLOWANCE` characters more than its text."""
    try:
        data = yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader is a SafeLoader
    except yaml.constructor.ConstructorError as exc:
        if exc.context == _DUPLICATE:
            raise ParamsError(
                f"YAML 键重复 / duplicate key{_where(text, exc.problem_mark)}: {exc.problem}; YAML would silently "
                "keep the last one: remove or rename one of them",
                file=source,
            ) from None
        raise ParamsError(
            f"不允许的 YAML 标签 / YAML tag refused{_where(text, exc.problem_mark)} ({exc.problem}); only plain "
            f"data is allowed (mappings, lists, text, numbers)",
            file=source,
        ) from None
    except yaml.YAMLError as exc:
        raise ParamsError(
            f"YAML 格式错误 / malformed YAML{_where(text, getattr(exc, 'problem_mark', None))}: "
            f"{getattr(exc, 'problem', None) or exc}",
            file=source,
        ) from None
    limit = len(text) + ALIAS_ALLOWANCE
    if "*" in text and _expanded_size(data, {}, limit) > limit:
        raise ParamsError(
            f"YAML 别名展开过大 / YAML aliases expand the file beyond {limit:,} characters (or into themselves); "
            "write the values out instead of repeating them with *aliases",
            file=source,
        )
    return data


def read_text_file(path: str | Path, what: str = "YAML file", limit: int = MAX_YAML_BYTES) -> str:
    """The text of a UTF-8 file (a byte-order mark is dropped); ParamsError when it is not a readable file
    (a folder, a FIFO, missing), is larger than ``limit`` bytes or is not UTF-8 (GBK is named as such)."""
    path = Path(path)
    why = not_a_file(path)
    if why is not None:
        raise ParamsError(f"无法读取 / cannot read the {what}: {why}; expected a {what}", file=str(path))
    if path.stat().st_size > limit:
        raise ParamsError(f"文件过大 / the {what} is larger than {limit:,} bytes", file=str(path))
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        try:
            data.decode("gb18030")
            kind = "GBK/GB18030 text (as Notepad or Excel save on Chinese Windows)"
        except UnicodeDecodeError:
            kind = f"bytes that are not UTF-8 (at byte {exc.start})"
        raise ParamsError(
            f"文件编码不是 UTF-8 / the file is not UTF-8: found {kind}; save it as UTF-8 "
            "(in Notepad: 另存为 → 编码 UTF-8)",
            file=str(path),
        ) from None


def read_yaml(path: str | Path) -> Any:
    return safe_yaml_load(read_text_file(path), str(path))


#: The rule set used when none is named (财政部 财预〔2020〕10号 weights and bands, ``params/rules/mof.yaml``).
DEFAULT_RULES = "mof"


@dataclass(frozen=True)
class JobParams:
    """The parameters of one report run (the notebook's parameters cell has the same names)."""

    year: int = 2022
    unit: str | None = None
    data_dir: str = "data"
    rules: str = DEFAULT_RULES
    output_dir: str = "outputs"
    formats: tuple[str, ...] = ("html", "pdf", "xlsx", "json")
    title: str | None = None


def job_params(values: dict | None = None, *, source: str = "parameters", **overrides: object) -> JobParams:
    """Build :class:`JobParams` from a mapping, rejecting unknown keys and wrong types."""
    values = {**(values or {}), **overrides}
    known = {f.name for f in fields(JobParams)}
    unknown = sorted(str(k) for k in set(values) - known)
    if unknown:
        raise ParamsError(
            f"未知参数 / unknown parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}",
            file=source,
            key=unknown[0],
        )
    out = JobParams()
    for key, value in values.items():
        out = replace(out, **{key: _param_value(key, value, source)})
    return out


def _param_value(key: str, value: object, source: str) -> object:
    """One parameter converted to its type, or ParamsError naming the key, what was found and what is expected."""
    if key == "year":
        number = value
        if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
            number = int(value.strip())
        if (
            isinstance(number, bool)
            or not isinstance(number, numbers.Real)
            or not math.isfinite(number)
            or number != int(number)
        ):
            raise ParamsError(f"year must be a whole number such as 2022, found {value!r}", file=source, key=key)
        if not 1949 <= int(number) <= 2100:
            raise ParamsError(f"year must be between 1949 and 2100, found {value!r}", file=source, key=key)
        return int(number)
    if key == "formats":
        if isinstance(value, str):
            value = [v for v in value.replace(" ", "").split(",") if v]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise ParamsError(
                f"formats must be a list of format names such as [html, pdf, xlsx, json] (or 'html,pdf'), "
                f"found {value!r}",
                file=source,
                key=key,
            )
        return tuple(value)
    if value is not None and not isinstance(value, str):
        raise ParamsError(f"{key} must be text, found {value!r}", file=source, key=key)
    return value


def load_job(path: str | Path) -> JobParams:
    """Read ``params/<job>.yaml`` into :class:`JobParams`."""
    data = read_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParamsError(
            f"expected a mapping of parameter names to values (year: 2022 …), found {type(data).__name__}",
            file=str(path),
        )
    return job_params(data, source=str(path))


def job_to_dict(params: JobParams) -> dict:
    out = asdict(params)
    out["formats"] = list(params.formats)
    return out


#: Environment variable naming the evaluation the runner already made for a report (a pickle it wrote in its
#: own staging folder), so that the report's kernel need not load and evaluate the year again.
HANDOVER_ENV = "EVALTOOLS_EVALUATION"


def handover_key(params: JobParams) -> tuple:
    """What identifies the evaluation of a report: year, unit, data folder, rule set."""
    from evaltools.paths import resolve_data_dir

    return (params.year, params.unit, str(resolve_data_dir(params.data_dir).resolve()), params.rules)
