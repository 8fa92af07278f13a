"""Provenance, readable: where a key's value came from, lowest first, the schema default included."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, cast

from pydantic import BaseModel

from typed_config._compose.references import NAME, WRITTEN_AT, ReferenceLayer, only_keys
from typed_config._errors import Origin, escaped
from typed_config._keys.dotted import format_path
from typed_config._keys.values import MISSING, field_keys, lookup, to_plain
from typed_config._layers.layers import Layer, provenance
from typed_config._model.model import HyperParams
from typed_config._schema.secrets import holds_secret, redact, type_at
from typed_config._schema.types import is_model


@dataclass(frozen=True)
class Setting:
    """One source's value for a key: what it was, where it came from, and which source."""

    value: Any
    origin: Origin
    source: str
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        """The record ``provenance.json`` keeps (values as JSON, secrets redacted)."""
        record = {"source": self.source, "origin": str(self.origin), "value": to_plain(self.value)}
        return {**record, "note": self.note} if self.note else record

    def __str__(self) -> str:
        shown = f"{self.origin}: {_shown(self.value)}"
        return f"{shown} ({self.note})" if self.note else shown


@dataclass(frozen=True)
class Explanation:
    """Where a key's value came from: the chain of settings, lowest first, the default included."""

    key: str
    value: Any
    chain: tuple[Setting, ...]

    def __str__(self) -> str:
        lines = [f"{self.key} = {_shown(self.value)}"]
        lines += [f"  {setting}" for setting in self.chain]
        return "\n".join(escaped(line) for line in lines)  # safe to print: controls escaped


def _shown(value: Any) -> str:
    return json.dumps(to_plain(value), ensure_ascii=False)


def explain(config: HyperParams, layers: Sequence[Layer], key: str) -> Explanation:
    """The chain of sources that set ``key`` in ``config``, starting at the schema default.

    Raises:
        KeyError: no such key.
    """
    value, path = _value_at(config, key)
    chain = [
        Setting(default, Origin(text="schema default"), "default")
        for default in default_at(type(config), tuple(str(part) for part in path))
    ]
    for layer, v, origin in provenance(layers, path):
        whole = layer.whole(path) if isinstance(layer, ReferenceLayer) else None
        if whole is not None and not any(s.note.startswith(WRITTEN_AT) for s in chain):
            # A key inside a mapping a reference copied: the reference as written, where it is.
            at, text, writer = whole
            chain.append(Setting(text, writer.origin(at), writer.name, WRITTEN_AT + format_path(at)))
        chain.append(Setting(v, origin, layer.name, layer.note(path)))
    tp = type_at(type(config), path) if holds_secret(type(config)) else None
    if tp is not None and holds_secret(tp):
        # Every value a source gave is redacted by the field's type, as a whole; origins never
        # hold a secret (the sources name a secret's argument by the marker). A reference made
        # only of keys (``${token}``) names keys, not a value: it stays, so a resume follows it.
        chain = [Setting(_redacted(tp, s.value, s.source), s.origin, s.source, s.note) for s in chain]
        value = redact(tp, value)
    return Explanation(key, value, tuple(chain))


def _value_at(config: HyperParams, key: str) -> tuple[Any, tuple[str | int, ...]]:
    """The value at a dot-key, or at a key inside a list's item (``callbacks.1.patience``, ``callbacks[1].patience``).

    Raises:
        KeyError: no such key.
    """
    try:
        return config[key], tuple(key.split("."))
    except KeyError:
        path = tuple(int(p) if p.isdigit() else p for p in re.sub(r"\[(\d+)\]", r".\1", key).split("."))
        for end in range(len(path) - 1, 0, -1):
            if any(isinstance(part, int) for part in path[:end]):
                continue
            try:
                node = config[".".join(cast("tuple[str, ...]", path[:end]))]
            except KeyError:
                continue
            found = lookup(to_plain(node), path[end:])
            if found is not MISSING and any(isinstance(part, int) for part in path[end:]):
                return found, path
        raise


def _redacted(tp: Any, value: Any, source: str) -> Any:
    """A secret's value redacted, but a reference as written that only names keys (a resolved value never stays)."""
    return value if source != NAME and only_keys(value) else redact(tp, value)


def last_setting(config: HyperParams, layers: Sequence[Layer], key: str) -> Setting:
    """The last entry of ``explain(config, layers, key).chain``, found from the newest layer down.

    Its cost does not grow with the number of earlier changes (a run's layers grow with each).

    Raises:
        KeyError: no such key.
    """
    path = tuple(key.split("."))
    for layer in reversed(layers):
        value = lookup(layer.data, path)
        if value is not MISSING:
            tp = type_at(type(config), path) if holds_secret(type(config)) else None
            if tp is not None and holds_secret(tp):
                value = _redacted(tp, value, layer.name)
            return Setting(value, layer.origin(path), layer.name, layer.note(path))
    return explain(config, layers, key).chain[-1]


def default_at(schema: type[BaseModel], path: tuple[str, ...]) -> list[Any]:
    """The schema default at ``path`` (one item), or nothing when the key has no default."""
    node: Any = schema
    for index, part in enumerate(path):
        if isinstance(node, type) and is_model(node):
            names = {key: name for name, key in field_keys(node)}
            info = node.model_fields.get(names.get(part, ""))
            if info is None or info.is_required():
                return []
            node = info.get_default(call_default_factory=True, validated_data={})
        else:
            here = cast("object", node)
            found: Any = lookup(to_plain(here), path[index:])
            return [] if found is MISSING else [found]
    return [node]
