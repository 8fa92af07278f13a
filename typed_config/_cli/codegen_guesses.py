"""What codegen reads into a value beyond its own type: YAML 1.1 booleans, and zeros that look like rates."""

from __future__ import annotations

import re
from collections.abc import Set
from typing import Any, Final

from typed_config._keys.values import is_dict, is_list

__all__ = ["YAML11_BOOLEANS", "rate_like", "yaml11_boolean_paths", "yaml11_booleans"]

# The plain scalars YAML 1.1 (PyYAML, so wandb's loader) reads as booleans; YAML 1.2 reads text.
YAML11_BOOLEANS: Final = {
    word: value
    for words, value in (("yes on", True), ("no off", False))
    for word in words.split()
    for word in (word, word.capitalize(), word.upper())
}
# Words of a key or desc that name a quantity usually fractional: a 0 there is probably 0.0.
_RATE_WORD: Final = re.compile(
    "lr|rates?|dropout|momentum|decay|eps|epsilon|alpha|beta|gamma|lambda|temperature|tau|prob|"
    "probability|ratio|fraction|frac|scale|weight|wd|smoothing|noise|std|sigma|threshold|margin|"
    "factor|coef|coefficient|clip|penalty|l1|l2"
)


def yaml11_booleans(value: Any, path: tuple[Any, ...], paths: Set[tuple[Any, ...]]) -> tuple[Any, set[str]]:
    """``value`` with the YAML 1.1 boolean words at ``paths`` as booleans, and the words found."""
    if path in paths and isinstance(value, str) and value in YAML11_BOOLEANS:
        return YAML11_BOOLEANS[value], {value}
    if not (is_list(value) or is_dict(value)):
        return value, set()
    items = value.items() if is_dict(value) else enumerate(value)
    converted = {k: yaml11_booleans(v, (*path, k), paths) for k, v in items}
    words = set[str]().union(*(found for _, found in converted.values()))
    if is_dict(value):
        return {k: v for k, (v, _) in converted.items()}, words
    return [v for v, _ in converted.values()], words


def yaml11_boolean_paths(node: Any, path: tuple[Any, ...] = ()) -> set[tuple[Any, ...]]:
    """The paths (keys, list indexes) of plain scalars YAML 1.1 reads as booleans, in a node tree."""
    kind = getattr(node, "id", None)
    if kind == "scalar":
        return {path} if not node.style and node.value in YAML11_BOOLEANS else set()  # plain: no quotes
    if kind == "sequence":
        return set[tuple[Any, ...]]().union(
            *(yaml11_boolean_paths(n, (*path, i)) for i, n in enumerate(node.value))
        )
    if kind == "mapping":
        return set[tuple[Any, ...]]().union(
            *(
                yaml11_boolean_paths(v, (*path, k.value))
                for k, v in node.value
                if getattr(k, "id", None) == "scalar"
            )
        )
    return set()


def rate_like(key: str, desc: Any) -> bool:
    """Whether the key's words (``lr``, ``weight_decay``, ``dropoutRate``) or its desc name a rate."""
    text = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", key) + " " + (desc if isinstance(desc, str) else "")
    return any(_RATE_WORD.fullmatch(word) for word in re.split(r"[^a-z0-9]+", text.lower()))
