"""Parameters and rule sets, read from ``params/`` as safe YAML with unknown keys rejected.

Job parameters are one object end to end: ``params/<job>.yaml`` and the command line →
:func:`evaltools.run.plan.plan_jobs` → :class:`JobParams` (resolved once) → the batch workers →
the report notebook's one ``params`` mapping → :func:`job_params`, the one loader, which rejects
unknown keys (papermill itself only warns) and gives back the same JobParams.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import asdict, dataclass, fields
from pathlib import Path
from typing import Any

import yaml

from evaltools.errors import ParamsError
from evaltools.paths import PROJECT_ROOT, not_a_file, resolve_data_dir

PARAMS_DIR = PROJECT_ROOT / "params"


#: Largest YAML file read (a params file, a rule set, a profile): 10 MB, far above any real one.
MAX_YAML_BYTES = 10_000_000
#: Aliases may share a value; expanded, a document may hold at most this many characters and items more
#: than its own text (a "billion laughs" file of a few lines would expand to gigabytes).
ALIAS_ALLOWANCE = 100_000


class _Checked:
    """A safe loader's mixin that refuses a key given twice in one mapping (YAML would keep the last silently)."""

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


class _Loader(_Checked, yaml.SafeLoader):
    """``yaml.SafeLoader`` refusing duplicate keys: its errors are the ones reported (line, column, wording)."""


class _FastLoader(_Checked, getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The same with libyaml's parser where PyYAML has it (rule sets load several times faster); on any error
    the text is read again with :class:`_Loader`, so that messages do not depend on the parser."""


_DUPLICATE = "duplicate key"


def _key_at(text: str, line: int) -> str | None:
    """The key path (``rules.tiers_overrun``) of the mapping entry at or above 0-based ``line`` of ``text``."""
    stack: list[tuple[int, str]] = []
    for raw in text.splitlines()[: line + 1]:
        stripped = raw.lstrip(" -?")
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


#: The deepest nesting of lists and mappings read from YAML (a real rule set nests 5 levels); deeper text
#: would exhaust Python's recursion while being built.
MAX_YAML_DEPTH = 100


def _depth(value: object) -> int:
    """How deep lists and mappings nest in ``value`` (walked without recursion: 0 for a scalar)."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, level = todo.pop()
        if isinstance(item, (list, dict)):
            deepest = max(deepest, level)
            todo.extend((v, level + 1) for v in (item.values() if isinstance(item, dict) else item))
    return deepest


def _too_deep(text: str) -> str:
    """The message for a document nested beyond :data:`MAX_YAML_DEPTH`: where the nesting passes it, read from
    the parser's events (which do not recurse)."""
    depth, mark = 0, None
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                depth += 1
                if depth > MAX_YAML_DEPTH:
                    mark = event.start_mark
                    break
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                depth -= 1
    except yaml.YAMLError:
        pass
    return (
        f"YAML 嵌套过深 / YAML nested deeper than {MAX_YAML_DEPTH} levels{_where(text, mark)}; "
        "write the lists and mappings flatter"
    )


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
        try:
            data = yaml.load(text, Loader=_FastLoader)  # noqa: S506 - a SafeLoader
        except yaml.YAMLError:
            data = yaml.load(text, Loader=_Loader)  # noqa: S506 - a SafeLoader; it raises the error reported
    except RecursionError:
        raise ParamsError(_too_deep(text), file=source) from None
    except yaml.constructor.ConstructorError as exc:
        if exc.problem == "found unhashable key":
            raise ParamsError(
                f"YAML 键不是文字 / a list or mapping used as a key{_where(text, exc.problem_mark)}: every key must "
                "be a plain name (text); write `name: value`, and a list under its key",
                file=source,
            ) from None
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
    if _depth(data) > MAX_YAML_DEPTH:
        raise ParamsError(_too_deep(text), file=source)
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
    """The parameters of one report, resolved when made: the year checked, the data and output folders
    absolute (a relative data folder that does not exist here is looked up in the project folder), a rule
    file given by path absolute and a rule set given by name known to ``params/rules/``. Made once (by
    :func:`job_params`, :func:`load_job` or :func:`evaltools.run.plan.plan_jobs`) and carried as itself to
    the batch workers and, as :func:`job_to_dict`, into the report notebook, whose ``params`` go back
    through :func:`job_params`: resolving again changes nothing (``job_params(job_to_dict(p)) == p``
    wherever it runs)."""

    year: int
    unit: str | None = None
    data_dir: str = "data"
    #: The rule set chosen for this report (a name under ``params/rules/`` or a file); None: the data's own,
    #: its profile's 评分规则, else :data:`DEFAULT_RULES` (:func:`chosen_rules`, once the data is read).
    rules: str | None = None
    output_dir: str = "outputs"
    formats: tuple[str, ...] = ("html", "pdf", "xlsx", "checklist", "json")
    #: The report's title (page heading, browser tab, PDF metadata) instead of the one made from the data
    #: (「<unit or project> <year> 年度<kind title>」); for one report only.
    title: str | None = None
    #: Which document the run writes (a name of :data:`evaltools.report.exporters.DOCUMENTS`): ``report``, the
    #: unit's 自评报告 (the default), or ``review``, the 复核意见 on its published self-evaluation. Checked against
    #: that registry by the run layer (this layer does not know the report's documents).
    document: str = "report"
    #: 复核单位: who signs the 复核意见 (某某区财政局, a 第三方 firm); None: left to fill on the page.
    reviewer: str | None = None

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, _resolved(f.name, getattr(self, f.name)))


def _refused(key: str, message: str) -> ParamsError:
    """The error for a parameter's value refused while a JobParams is made; :func:`job_params` names the
    source (``reason`` keeps the message without the key, to say it again with the file)."""
    error = ParamsError(message, key=key)
    error.reason = message
    return error


def job_params(values: Mapping | None = None, *, source: str = "parameters", **overrides: object) -> JobParams:
    """The one loader of job parameters: a mapping (a params file, the command line, the notebook's
    ``params``) → :class:`JobParams`; unknown keys, a missing year and wrong types are refused with
    ParamsError naming ``source`` and the key. A value of None means the default."""
    values = {k: v for k, v in {**(values or {}), **overrides}.items() if v is not None}
    check_keys(values, source)
    if "year" not in values:
        raise ParamsError(
            "缺少年度 / the year is required: give it on the command line (evaltools run 2022), as "
            "`year: 2022` in the params file, or in the notebook's parameters (params = {'year': 2022})",
            file=source,
            key="year",
        )
    try:
        return JobParams(**values)
    except ParamsError as exc:
        if exc.file is not None or not hasattr(exc, "reason"):
            raise
        raise ParamsError(exc.reason, file=source, key=exc.key) from None


def check_keys(values: Mapping, source: str) -> None:
    """ParamsError when ``values`` holds a key that is not a field of :class:`JobParams`."""
    known = [f.name for f in fields(JobParams)]
    unknown = sorted(str(k) for k in set(values) - set(known))
    if unknown:
        raise ParamsError(
            f"未知参数 / unknown parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}",
            file=source,
            key=unknown[0],
        )


def _resolved(key: str, value: object) -> object:
    """One parameter converted to its type and resolved, or ParamsError naming what was found and expected."""
    if key == "year":
        return _year(value)
    if key == "formats":
        if isinstance(value, str):
            value = [v for v in value.replace(" ", "").split(",") if v]
        if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
            raise _refused(
                key,
                f"formats must be a list of format names such as [html, pdf, xlsx, json] (or 'html,pdf'), "
                f"found {value!r}",
            )
        return tuple(value)
    if value is not None and not isinstance(value, str):
        raise _refused(key, f"{key} must be text, found {value!r}")
    if key == "data_dir":
        return absolute_data_dir(value)
    if key == "output_dir":
        return str(Path(value).expanduser().resolve())
    if key == "rules":
        return None if value is None else _rule_set(value)
    if key in ("title", "reviewer"):
        return value if value is not None and value.strip() else None
    if key == "document":
        if value is None or not value.strip():
            raise _refused(key, "document must name a document such as report or review, found an empty value")
        return value.strip()
    return value


def _year(value: object) -> int:
    number = value
    if isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip())
    if (
        isinstance(number, bool)
        or not isinstance(number, numbers.Real)
        or not math.isfinite(number)
        or number != int(number)
    ):
        raise _refused("year", f"year must be a whole number such as 2022, found {value!r}")
    if not 1949 <= int(number) <= 2100:
        raise _refused("year", f"year must be between 1949 and 2100, found {value!r}")
    return int(number)


def absolute_data_dir(data_dir: str | Path) -> str:
    """The data folder as an absolute path: as given when it exists from here, else a relative one that
    exists in the project folder (:func:`evaltools.paths.resolve_data_dir`)."""
    return str(resolve_data_dir(Path(data_dir).expanduser()).resolve())


def is_rule_file(name: str) -> bool:
    """Whether a rule-set parameter names a YAML file (a path) rather than a rule set under ``params/rules/``."""
    return name.lower().endswith((".yaml", ".yml")) or "/" in name or "\\" in name


def _rule_set(name: str) -> str:
    """A rule file given by path made absolute (the report's kernel runs in the project folder); a rule set
    given by name checked against ``params/rules/``. Either must exist."""
    if is_rule_file(name):
        path = Path(name).expanduser().resolve()
        if not path.is_file():
            raise _refused("rules", f"规则文件不存在 / rule file not found: {name} ({not_a_file(path)})")
        return str(path)
    if not (PARAMS_DIR / "rules" / f"{name}.yaml").is_file():
        options = sorted(p.stem for p in (PARAMS_DIR / "rules").glob("*.yaml"))
        raise _refused(
            "rules",
            f"没有这个规则集 / no rule set {name!r}; available: {', '.join(options)} (or give a path to a .yaml file)",
        )
    return name


@dataclass(frozen=True)
class RuleChoice:
    """The rule set a report is scored with, where it comes from (``explicit``: --rules or a params file;
    ``profile``: the data's 评分规则; ``default``) and, when an explicit choice overrides the data's own, a
    note saying so (None otherwise)."""

    name: str
    source: str
    note: str | None = None


def chosen_rules(explicit: str | None, declared: str | None) -> RuleChoice:
    """The one precedence of rule sets, for every command (run, run --all, evaluate, check, the notebook):
    an explicit choice (``--rules``, a params file's ``rules``) > the profile's ``rules`` (评分规则, declared
    with the data: data/2022/profile.yaml → qiaoxi2022, the bands its published report uses) >
    :data:`DEFAULT_RULES`. Issue 24 item 3: the same data gets the same grade from every command."""
    declared_name = None
    if declared is not None and str(declared).strip():
        try:
            declared_name = _rule_set(str(declared).strip())
        except ParamsError as exc:
            raise ParamsError(f"数据（单位概况）的评分规则 / the profile's rules: {exc.reason}", key="rules") from None
    if explicit is not None:
        name = _rule_set(explicit)
        differs = declared_name is not None and name != declared_name
        note = (
            f"按指定的规则集 {_rule_label(name)} 计分，数据声明的评分规则为 {_rule_label(declared_name)} / scored with "
            f"the rule set given ({_rule_label(name)}), not the data's own ({_rule_label(declared_name)})"
        )
        return RuleChoice(name, "explicit", note if differs else None)
    if declared_name is not None:
        return RuleChoice(declared_name, "profile")
    return RuleChoice(DEFAULT_RULES, "default")


def _rule_label(name: str | None) -> str:
    return Path(name).name if name and is_rule_file(name) else str(name)


def read_job_file(path: str | Path) -> dict:
    """The parameters of ``params/<job>.yaml`` as a mapping (unknown keys refused; the values are checked
    when the JobParams is made, e.g. by :func:`evaltools.run.plan.plan_jobs` with the command line's)."""
    data = read_yaml(path)
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ParamsError(
            f"expected a mapping of parameter names to values (year: 2022 …), found {type(data).__name__}",
            file=str(path),
        )
    check_keys(data, str(path))
    return data


def load_job(path: str | Path, **overrides: object) -> JobParams:
    """Read ``params/<job>.yaml`` (with ``overrides``, e.g. the year) into :class:`JobParams`."""
    return job_params(read_job_file(path), source=str(path), **overrides)


def job_to_dict(params: JobParams) -> dict:
    """The parameters as plain values (what papermill hands the notebook as ``params``)."""
    out = asdict(params)
    out["formats"] = list(params.formats)
    return out


#: Environment variable naming the evaluation the runner already made for a report (a pickle it wrote in its
#: own staging folder), so that the report's kernel need not load and evaluate the year again.
HANDOVER_ENV = "EVALTOOLS_EVALUATION"


def handover_key(params: JobParams) -> tuple:
    """What identifies the evaluation of a report: year, unit, data folder, rule set (all resolved)."""
    return (params.year, params.unit, params.data_dir, params.rules)
