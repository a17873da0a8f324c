"""Form layouts, one declaration each (see :mod:`.base` for the contract).

Every module of this package is imported here, so a new layout is one new module (plus its test): ``standard``
(项目支出 and 部门整体, the layouts of 财预〔2020〕10号 and their provincial copies) and the variants of them.
"""

from __future__ import annotations

from evaltools.data.forms.layouts.base import (
    BLOCKS,
    FIELDS,
    FORM_KINDS,
    FORM_LAYOUTS,
    KINDS,
    TITLE,
    Block,
    FormLayout,
    form_layout,
    is_title,
    layouts_titled,
)
from evaltools.registry import import_declarations

import_declarations(__name__, __path__)

__all__ = [
    "BLOCKS",
    "FIELDS",
    "FORM_KINDS",
    "FORM_LAYOUTS",
    "KINDS",
    "TITLE",
    "Block",
    "FormLayout",
    "form_layout",
    "is_title",
    "layouts_titled",
]
