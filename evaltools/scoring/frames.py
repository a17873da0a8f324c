"""Columns of a small table set at once (issue 19 item 6: one form read and audited in a tenth of a second).

``frame[name] = values`` for a new column re-makes the frame's column index (a pyarrow string index in pandas 3)
and its block layout: on the table of one form, a score step that adds a dozen columns one by one spends more
in that than in its arithmetic. :func:`with_columns` gives the same frame with one concatenation."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd


def with_columns(frame: pd.DataFrame, columns: Mapping[str, object]) -> pd.DataFrame:
    """A new ``frame`` with ``columns`` set as ``frame[name] = value`` in order would set them: an existing column
    replaced where it is, a new one appended (same values, dtypes, index and order); ``frame`` is not changed.
    The new columns are made into one frame and concatenated once."""
    out = frame.copy(deep=False)
    new = {}
    for name, value in columns.items():
        if name in out.columns:
            out[name] = value
        else:
            new[name] = value
    if not new:
        return out
    attrs = out.attrs
    out = pd.concat([out, pd.DataFrame(new, index=out.index)], axis=1)
    if attrs:
        out.attrs = attrs
    return out
