"""Parameters and rule sets, read from ``params/`` as safe YAML with unknown keys rejected.

Parameters flow one way: ``params/<job>.yaml`` → the notebook's parameters cell →
:func:`job_params`, which rejects unknown keys (papermill itself only warns).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from typing import Any

import yaml

from evaltools.errors import ParamsError
from evaltools.paths import PROJECT_ROOT

PARAMS_DIR = PROJECT_ROOT / "params"


def safe_yaml_load(text: str, source: str = "<yaml>") -> Any:
    """``yaml.safe_load`` with clear errors: tags such as ``!!python/object`` are refused."""
    try:
        return yaml.safe_load(text)
    except yaml.constructor.ConstructorError as exc:
        raise ParamsError(
            f"不允许的 YAML 标签 / YAML tag refused ({exc.problem}); only plain data is allowed "
            f"(mappings, lists, text, numbers)",
            file=source,
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        raise ParamsError(
            f"YAML 格式错误 / malformed YAML{where}: {getattr(exc, 'problem', exc)}", file=source
        ) from None


def read_yaml(path: str | Path) -> Any:
    path = Path(path)
    if not path.exists():
        raise ParamsError("文件不存在 / file not found", file=str(path))
    return safe_yaml_load(path.read_text(encoding="utf-8"), str(path))


@dataclass(frozen=True)
class JobParams:
    """The parameters of one report run (the notebook's parameters cell has the same names)."""

    year: int = 2022
    unit: str | None = None
    data_dir: str = "data"
    rules: str = "qiaoxi2022"
    output_dir: str = "outputs"
    formats: tuple[str, ...] = ("html", "pdf", "xlsx", "json")
    title: str | None = None


def job_params(values: dict | None = None, *, source: str = "parameters", **overrides: object) -> JobParams:
    """Build :class:`JobParams` from a mapping, rejecting unknown keys and wrong types."""
    values = {**(values or {}), **overrides}
    known = {f.name for f in fields(JobParams)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise ParamsError(
            f"未知参数 / unknown parameter(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}",
            file=source,
            key=unknown[0],
        )
    out = JobParams()
    for key, value in values.items():
        if key == "year":
            try:
                value = int(value)
            except (TypeError, ValueError):
                raise ParamsError(f"year must be a whole number, found {value!r}", file=source, key=key) from None
        elif key == "formats":
            if isinstance(value, str):
                value = [v for v in value.replace(" ", "").split(",") if v]
            value = tuple(value)
        elif value is not None and not isinstance(value, str):
            raise ParamsError(f"{key} must be text, found {value!r}", file=source, key=key)
        out = replace(out, **{key: value})
    return out


def load_job(path: str | Path) -> JobParams:
    """Read ``params/<job>.yaml`` into :class:`JobParams`."""
    data = read_yaml(path) or {}
    if not isinstance(data, dict):
        raise ParamsError("expected a mapping of parameter names to values", file=str(path))
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
