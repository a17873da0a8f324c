"""The red flags' thresholds (issue 21 item 3): ``params/review/flags.yaml``, read once and checked strictly, shared
by the per-form red flags (:mod:`.redflags`) and the cross-form review checks (:mod:`evaltools.scoring.review.flags`)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from evaltools.errors import ParamsError
from evaltools.params import PARAMS_DIR, read_yaml

#: The shipped thresholds.
FLAGS_FILE = PARAMS_DIR / "review" / "flags.yaml"

_NUMBER = (int, float)
#: Each section of the file → its keys and their types (every section also has a ``source``: where its figures
#: come from). Shares are in [0, 1], ratios and counts positive.
SCHEMA: dict[str, dict[str, type | tuple[type, ...]]] = {
    "all_full_marks": {"min_indicators": int},
    "unit_all_full": {"score": _NUMBER, "min_forms": int},
    "low_execution_full_output": {"rate": _NUMBER},
    "cost_far_over_target": {"ratio": _NUMBER},
    "satisfaction_no_basis": {"word": str, "complaint": list, "survey": list},
    "targets_equal_actuals": {"min_indicators": int},
    "deviation_without_reason": {"require_column": bool},
    "near_duplicate_text": {
        "threshold": _NUMBER,
        "min_length": int,
        "shingle": int,
        "bands": int,
        "rows": int,
        "min_jaccard": _NUMBER,
    },
}


def _refuse(path: Path, key: str, message: str) -> ParamsError:
    return ParamsError(message, file=str(path), key=key)


def _section(path: Path, name: str, part: object) -> MappingProxyType:
    """One section, its keys and types as :data:`SCHEMA` says; a number must be positive."""
    keys = SCHEMA[name]
    if not isinstance(part, dict) or set(part) != {*keys, "source"}:
        found = sorted(part) if isinstance(part, dict) else type(part).__name__
        raise _refuse(path, name, f"expected the keys {', '.join(sorted({*keys, 'source'}))}, found {found}")
    for key, kind in keys.items():
        value = part[key]
        wrong = not isinstance(value, kind) or (kind is not bool and isinstance(value, bool))
        if wrong or (isinstance(value, _NUMBER) and not isinstance(value, bool) and value <= 0):
            raise _refuse(
                path, f"{name}.{key}", f"expected a positive {getattr(kind, '__name__', 'number')}, found {value!r}"
            )
        if isinstance(value, list) and not all(isinstance(v, str) and v for v in value):
            raise _refuse(path, f"{name}.{key}", f"expected a list of words, found {value!r}")
    if not isinstance(part["source"], str) or not part["source"].strip():
        raise _refuse(path, f"{name}.source", "every section states where its figures come from")
    return MappingProxyType({k: tuple(v) if isinstance(v, list) else v for k, v in part.items()})


@lru_cache(maxsize=4)
def flag_params(path: str | Path = FLAGS_FILE) -> MappingProxyType:
    """The red flags' thresholds by section (read-only); a missing or unknown key, a wrong type or a number not
    positive is a ParamsError naming the file and the key."""
    path = Path(path)
    data: Any = read_yaml(path)
    expected = {"title", "source", *SCHEMA}
    if not isinstance(data, dict) or set(data) != expected:
        found = sorted(data) if isinstance(data, dict) else type(data).__name__
        raise ParamsError(f"expected the keys {', '.join(sorted(expected))}, found {found}", file=str(path))
    rate = (
        data["low_execution_full_output"].get("rate") if isinstance(data["low_execution_full_output"], dict) else None
    )
    if isinstance(rate, _NUMBER) and not isinstance(rate, bool) and rate >= 1:
        raise _refuse(path, "low_execution_full_output.rate", f"expected a share below 1 such as 0.3, found {rate!r}")
    return MappingProxyType({name: _section(path, name, data[name]) for name in SCHEMA})
