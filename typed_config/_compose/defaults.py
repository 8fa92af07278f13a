"""The schema's own value at a dot-key path: its default, or a mark that it is required or unknown."""

from __future__ import annotations

from typing import Any, Final, cast

from pydantic import BaseModel

from typed_config._keys.values import MISSING, field_keys, lookup, to_plain
from typed_config._schema.types import is_model, members
from typed_config._types import Path

REQUIRED: Final = object()
"""The path is a key of the schema, with no default."""
UNKNOWN: Final = object()
"""The path is no key of the schema."""


def schema_value(schema: type[BaseModel], path: Path) -> Any:
    """The schema default at ``path`` as plain data, or ``REQUIRED``, or ``UNKNOWN``."""
    node: Any = schema
    for index, part in enumerate(path):
        if not (isinstance(node, type) and is_model(node)):
            here = cast("object", node)
            found = lookup(to_plain(here), path[index:])
            return UNKNOWN if found is MISSING else found
        names = {key: name for name, key in field_keys(node)}
        info = node.model_fields.get(names.get(str(part), ""))
        if info is None:
            return UNKNOWN
        if not info.is_required():
            node = info.get_default(call_default_factory=True, validated_data={})
            continue
        models = [m for m in members(info.annotation) if is_model(m)]
        if index == len(path) - 1 or len(models) != 1:
            return REQUIRED
        node = models[0]  # a required model: its fields' defaults still stand
    return to_plain(node) if not isinstance(node, type) else REQUIRED
