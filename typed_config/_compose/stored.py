"""The references of a stored run: found again in its ``provenance.json``, for a resume and ``Api`` edits.

A key follows while the last entry of its chain was set by a reference; the entry before it
that holds ``${`` is the reference as written. A reference that sets a whole mapping
(``eval_data: ${data}``) shows at each key inside it with the note ``written at eval_data``; it
follows while every key inside it does. A secret's reference is kept as written when it is only
references to keys (``${token}``): other text is redacted, and such a secret does not follow.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

from typed_config._compose.follow import LOCKING, Followed, Reference, follow, related
from typed_config._compose.marks import MARK
from typed_config._compose.references import NAME, WRITTEN_AT, named_keys
from typed_config._errors import Origin
from typed_config._keys.dotted import format_path
from typed_config._keys.values import MISSING, is_dict, is_list
from typed_config._layers.layers import Layer
from typed_config._types import M, Path


def _interpolated(chain: Any) -> bool:
    """Whether a key's chain ends with a value a reference set: it still follows."""
    return is_list(chain) and bool(chain) and is_dict(chain[-1]) and chain[-1].get("source") == NAME


def stored_references(history: Mapping[str, Any]) -> dict[str, Reference]:
    """The keys of a stored run that still follow a reference, from its ``provenance.json``."""
    refs: dict[str, Reference] = {}
    for key, chain in history.items():
        if not _interpolated(chain):
            continue
        entry = next((e for e in reversed(chain[:-1]) if is_dict(e) and MARK in str(e.get("value"))), None)
        if entry is None or entry.get("source") in LOCKING or not isinstance(entry.get("value"), (str, list)):
            continue
        note = str(entry.get("note", ""))
        at = note[len(WRITTEN_AT) :] if note.startswith(WRITTEN_AT) else key
        if at in refs or not related(at, key):
            continue
        if at != key and not all(_interpolated(c) for k, c in history.items() if related(k, at)):
            continue  # a key inside the mapping was set explicitly: the mapping no longer follows
        text = entry["value"]
        refs[at] = Reference(text, Origin(text=str(entry.get("origin"))), named_keys(at, text))
    return refs


class _Resumed(Layer):
    """A stored run's config with the references its keys still follow written back as they were."""

    __slots__ = ("refs", "stored")

    def __init__(self, stored: Layer, refs: Mapping[str, Reference], dropped: Collection[str]) -> None:
        data = dict(stored.data)  # copied along each reference's path: the stored layer stays as read
        for key, ref in refs.items():
            *parents, last = key.split(".")
            node = data
            for part in parents:
                child = node.get(part)
                if not is_dict(child):
                    break
                node[part] = node = dict(child)
            else:
                if last in node or key in dropped:  # a redacted secret was dropped from the layer
                    node[last] = ref.text
        super().__init__(stored.name, data)
        self.stored = stored
        self.refs = refs

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        key = format_path(path)
        found = next((ref for k, ref in self.refs.items() if related(k, key)), None)
        return found.origin if found is not None and not at_key else self.stored.origin(path, at_key=at_key)

    def documented(self) -> frozenset[str]:
        return self.stored.documented()


def resumed_layer(stored: Layer, history: Mapping[str, Any], dropped: Collection[str] = ()) -> Layer:
    """The stored config as a resumed run's base: keys that followed a reference follow it again.

    ``dropped`` are the keys whose redacted secret the stored layer no longer holds.
    """
    refs = stored_references(history)
    return _Resumed(stored, refs, dropped) if refs else stored


def follow_stored(
    schema: type[M], history: Mapping[str, Any], stored: Layer, change: Layer, patch: Collection[str]
) -> Followed[M] | None:
    """An ``Api`` edit of a stored run: the keys that still follow a reference to a changed key follow.

    Raises:
        ConfigError: a key that follows would be invalid after the edit; nothing is written.
    """
    refs = {k: r for k, r in stored_references(history).items() if not any(related(k, p) for p in patch)}
    if not refs:
        return None

    def where(key: str) -> Origin | None:
        chain = history.get(key)
        last = chain[-1] if is_list(chain) and chain else None
        return Origin(text=str(last.get("origin"))) if is_dict(last) else None

    return follow(schema, stored.data, change, changed=list(patch), refs=refs, where=where)


def followed_entries(
    followed: Followed[Any] | None, before: Mapping[str, Any], after: Mapping[str, Any]
) -> dict[str, dict[str, Any]]:
    """The provenance entries of the keys that followed an edit and changed (values as written)."""
    if followed is None:
        return {}
    return {
        key: {
            "source": NAME,
            "origin": str(followed.origins[key]),
            "value": after[key],
            "note": followed.notes[key],
        }
        for key in followed.values
        if key in after and before.get(key, MISSING) != after[key]
    }
