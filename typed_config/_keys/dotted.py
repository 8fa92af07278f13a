"""Dot-key rules: what a key may be, a model's keys, ``unflatten``, paths rendered as keys."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final, cast

from typed_config._errors import ConfigError, Origin, Problem, show
from typed_config._keys.values import is_dict, is_mapping

PRESET_KEY: Final = "_preset_"


"""Holds a preset's name where the same source also sets keys below it (``--optimizer=sgd --optimizer.lr=0.05``)."""


def segment_problem(key: object) -> str | None:
    """Say what is wrong with ``key`` as one segment of a dot-key, or None when it is fine."""
    if not isinstance(key, str):
        return f"keys must be strings, got {type(key).__name__} {show(key)}"
    if not key:
        return "keys must not be empty"
    if "." in key:
        return f"key {show(key)} contains '.'; nest it as a mapping instead"
    return None


def format_path(path: Sequence[str | int]) -> str:
    """Render a path as a key: ``("schedule", 0, "lr")`` becomes ``schedule[0].lr``."""
    try:  # the common case, a path of keys only, in one C call
        return ".".join(cast("Sequence[str]", path))
    except TypeError:  # a list index in it
        pass
    out: list[str] = []
    for part in path:
        if isinstance(part, int):
            out.append(f"[{part}]")
        else:
            out.append(f".{part}" if out else part)
    return "".join(out)


def unflatten(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Turn dot-keys back into nested dicts: the inverse of ``flatten``.

    Args:
        flat: a mapping of dot-keys to values.

    Returns:
        A new nested ``dict``.

    Raises:
        ConfigError: a key is malformed, or two keys collide (``a`` and ``a.b``); both are named.
    """
    if not is_mapping(flat):
        raise TypeError(f"unflatten() takes a mapping, not {type(flat).__name__}")
    origin = Origin(text="unflatten() argument")
    root: dict[str, Any] = {}
    made: set[int] = {id(root)}  # dicts this call created, as opposed to dict values it was given
    problems: list[Problem] = []
    for key, value in flat.items():
        reason = _dot_key_problem(key)
        if reason is not None:
            problems.append(Problem(key if isinstance(key, str) else None, reason, origin))  # pyright: ignore[reportUnnecessaryIsInstance] - callers may pass anything
            continue
        *parents, last = key.split(".")
        node: dict[str, Any] = root
        clash: str | None = None
        for depth, part in enumerate(parents):
            child: Any = node.get(part)
            if child is None and part not in node:
                child = node[part] = {}
                made.add(id(child))
            elif not (is_dict(child) and id(child) in made):
                clash = ".".join(parents[: depth + 1])
                break
            node = child
        else:
            if last in node:
                existing: Any = node[last]
                clash = key
                if is_dict(existing) and id(existing) in made:
                    clash = _first_key_under(existing, key, made)
            else:
                node[last] = value
                continue
        problems.append(Problem(key, f"collides with key {clash!r}", origin))
    if problems:
        raise ConfigError(problems)
    return root


def _dot_key_problem(key: object) -> str | None:
    if not isinstance(key, str):
        return segment_problem(key)
    if not key or "" in key.split("."):
        return f"key {show(key)} has an empty segment"
    return None


def _first_key_under(node: dict[str, Any], prefix: str, made: set[int]) -> str:
    """The first input key under a dict this call made (never inside a dict value it was given)."""
    current: Any = node
    while is_dict(current) and current and id(current) in made:
        part, current = next(iter(current.items()))
        prefix = f"{prefix}.{part}"
    return prefix


def replaced(container: Any, parts: list[str], value: Any, key: str) -> Any:
    """A copy of nested mappings with ``value`` at ``parts``; KeyError naming ``key`` past a non-mapping."""
    if not parts:
        return value
    if not is_mapping(container):
        raise KeyError(key)
    copy: dict[str, Any] = dict(container)
    copy[parts[0]] = replaced(copy.get(parts[0], {}), parts[1:], value, key)
    return copy


def keep_name(data: dict[str, Any], parts: Sequence[str], value: object, named: Mapping[str, object]) -> bool:
    """Keep a preset name and the keys one source sets below it together: ``{_preset_: name, lr: ...}``.

    ``named`` holds the dot-keys the source set so far. True when the entry was placed: a name
    for keys already set below it, or a key below a name already set (``--optimizer=sgd
    --optimizer.lr=0.05``, in either order). Whether the key takes presets is the schema's to say.
    """
    if ".".join(parts) in named:
        return False
    nodes: list[Any] = [data]
    for part in parts:
        nodes.append(nodes[-1].get(part) if is_dict(nodes[-1]) else None)
    if isinstance(value, str) and is_dict(nodes[-1]) and nodes[-1] and PRESET_KEY not in nodes[-1]:
        nodes[-1][PRESET_KEY] = value
        return True
    above = [end for end in range(1, len(parts)) if ".".join(parts[:end]) in named]
    if len(above) != 1 or not _is_name(nodes[above[0]]):
        return False
    if isinstance(nodes[above[0]], str):
        nodes[above[0] - 1][parts[above[0] - 1]] = {PRESET_KEY: nodes[above[0]]}
    node = data
    for part in parts[:-1]:
        node = node.setdefault(part, {})
    node[parts[-1]] = value
    return True


def _is_name(node: object) -> bool:
    return isinstance(node, str) or (is_dict(node) and PRESET_KEY in node)
