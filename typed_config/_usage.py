"""What ``--help`` and ``--print-config`` print: the schema's options, and the resolved config's origins."""

from __future__ import annotations

import enum
import json
import pathlib
import typing
from collections.abc import Callable, Sequence
from typing import Any, Literal

from pydantic import BaseModel

from typed_config._errors import Origin, escaped
from typed_config._introspect import is_bool, is_model, members, strip
from typed_config._keys import field_keys, to_plain
from typed_config._yaml_scalars import dump_scalar

_WIDTH = 30


def help_text(schema: type[BaseModel], prog: str, sources: Sequence[str]) -> str:
    """The ``--help`` text: every key with its type, default and description, grouped by model."""
    lines = [
        f"usage: {prog} [--configs FILE [FILE ...]] [--print-config] [--KEY=VALUE ...]",
        "",
        f"Hyperparameters of {schema.__name__}. Each value comes from the last of: "
        + ", ".join(["the schema's default", *sources, "these options"])
        + ".",
        "",
        "options:",
        _row("-h, --help", "show this message and exit"),
        _row("--configs FILE [FILE ...]", "config files to load, in order (later files win)"),
        _row("--print-config", "print the resolved config with each value's origin, and exit"),
    ]
    _group(schema, "", f"{schema.__name__}:", lines)
    return "\n".join(lines) + "\n"


def _group(model: type[BaseModel], prefix: str, title: str, lines: list[str]) -> None:
    lines += ["", title]
    nested: list[tuple[str, type[BaseModel]]] = []
    for name, key in field_keys(model):
        info = model.model_fields[name]
        models = [m for m in members(info.annotation) if is_model(m)]
        option = "--" + (prefix + key).replace("_", "-")
        if len(models) == 1 and models == members(info.annotation):
            nested.append((prefix + key, models[0]))
            continue
        if is_bool(info.annotation):
            spelled = f"{option}, --no-{option[2:]}"
        else:
            spelled = f"{option} {type_name(info.annotation)}"
        default = (
            "required"
            if info.is_required()
            else f"default: {_shown(info.get_default(call_default_factory=True, validated_data={}))}"
        )
        lines.append(_row(spelled, f"{info.description or ''} ({default})".strip()))
    for dotted, sub in nested:
        _group(sub, dotted + ".", f"{dotted} ({sub.__name__}):", lines)


def _row(left: str, right: str) -> str:
    if len(left) >= _WIDTH - 2:
        return f"  {left}\n{' ' * _WIDTH}{right}"
    return f"  {left:<{_WIDTH - 2}}{right}"


def _shown(value: Any) -> str:
    plain = to_plain(value)
    try:
        return dump_scalar(plain)
    except TypeError:
        return json.dumps(plain, ensure_ascii=False)


def type_name(annotation: Any) -> str:
    """A short, readable name for a field's type: ``INT``, ``{adam,sgd}``, ``FLOAT [FLOAT ...]``."""
    found = [m for m in members(annotation) if m is not type(None)]
    optional = len(found) < len(members(annotation))
    names = [_one(m) for m in found]
    text = "|".join(dict.fromkeys(names))
    return f"{text}|None" if optional else text


def _one(tp: Any) -> str:
    tp = strip(tp)
    origin = typing.get_origin(tp)
    if origin is Literal:
        return "{" + ",".join(str(to_plain(v)) for v in typing.get_args(tp)) + "}"
    if origin in (list, tuple, set, frozenset, Sequence):
        args = [a for a in typing.get_args(tp) if a is not Ellipsis]
        item = _one(args[0]) if args else "VALUE"
        return f"{item} [{item} ...]"
    if origin is dict or tp is dict:
        return "MAPPING"
    if isinstance(tp, type):
        kind: type[Any] = tp
        if issubclass(kind, enum.Enum):
            return "{" + ",".join(str(m.value) for m in kind) + "}"
        if issubclass(kind, pathlib.PurePath):
            return "PATH"
        if is_model(kind):
            return "MAPPING"
        return kind.__name__.upper()
    return "VALUE"


def config_text(flat: dict[str, Any], origin_of: Callable[[str], Origin | None]) -> str:
    """The resolved config, one ``key: value  # origin`` line per dot-key."""
    width = max((len(k) for k in flat), default=0) + 2
    lines: list[str] = []
    for key, value in flat.items():
        origin = origin_of(key)
        line = f"{key + ':':<{width}}{_shown(value):<16}  # {origin if origin is not None else 'default'}"
        lines.append(escaped(line))  # a value may hold control characters: shown escaped
    return "\n".join(lines) + "\n"
