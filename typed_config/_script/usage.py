"""What ``--help`` and ``--print-config`` print: the schema's options, and the resolved config's origins."""

from __future__ import annotations

import enum
import json
import os
import pathlib
import re
import sys
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, Literal, NoReturn

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from typed_config._compose.catalog import Kind, group_kinds
from typed_config._compose.literals import escape_literals
from typed_config._errors import Origin, escaped
from typed_config._flat.flatten import flatten
from typed_config._keys.values import MISSING, REDACTED, field_keys, is_dict, lookup, to_plain
from typed_config._layers.layers import Layer
from typed_config._schema.secrets import secret_at_key
from typed_config._schema.types import is_bool, is_model, members, strip
from typed_config._types import Path
from typed_config._yaml.dump import dump_commented, dump_flow
from typed_config._yaml.scalars import dump_scalar

_WIDTH = 30
_BIDI: Final = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


Effective = Mapping[str, tuple[Any, Origin]]
"""Dot-key -> the value the sources read so far give it, and where it came from."""


def print_help(
    schema: type[BaseModel],
    layers: Sequence[Layer],
    *,
    env_prefix: str | None,
    env_file: str | os.PathLike[str] | None,
    secrets_dir: str | os.PathLike[str] | None,
    command: str | None = None,
    presets: Mapping[str, Sequence[str]] | None = None,
) -> NoReturn:
    """``--help``, with the defaults the sources read so far give (a source that failed adds none).

    ``presets`` lists each group's preset names, which ``--GROUP=NAME`` chooses.
    """
    sources = ["config-defaults.yaml", "config=...", "--configs files"]
    if secrets_dir is not None:
        sources.append(f"secret files in {os.fspath(secrets_dir)}")
    if env_prefix:
        sources.append(f"${env_prefix}* variables" + (f" (and {os.fspath(env_file)})" if env_file else ""))
    prog = (os.path.basename(sys.argv[0]) or "train.py") + (f" {command}" if command else "")
    effective = {
        k: (REDACTED if secret_at_key(schema, k) else v, o) for k, (v, o) in effective_values(layers).items()
    }
    sys.stdout.write(help_text(schema, prog, sources, effective, presets))
    raise SystemExit(0)


def effective_values(layers: Sequence[Layer]) -> dict[str, tuple[Any, Origin]]:
    """Every dot-key the layers set, with the value and origin of the highest layer that sets it."""
    found: dict[str, tuple[Any, Origin]] = {}
    for layer in layers:
        for key, value in flatten(layer.data).items():
            found[key] = (value, layer.origin(tuple(key.split("."))))
    return found


def help_text(
    schema: type[BaseModel],
    prog: str,
    sources: Sequence[str],
    effective: Effective | None = None,
    presets: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The ``--help`` text: every key with its type, constraints, default and description, grouped by model.

    A default is the effective one: the value the sources read so far (``effective``) give the
    key, with its origin, else the schema's. A union of models lists each variant's options.
    """
    lines = [
        f"usage: {prog} [--configs FILE [FILE ...]] [--print-config] [--KEY=VALUE ...]",
        "",
        f"Hyperparameters of {schema.__name__}. Each value comes from the last of: "
        + ", ".join(["the schema's default", *sources, "these options"])
        + ".",
        "",
        "options:",
        row("-h, --help", "show this message and exit"),
        row("--configs FILE [FILE ...]", "config files to load, in order (later files win)"),
        row("--print-config", "print the resolved config with each value's origin, and exit"),
    ]
    _group(schema, "", f"{schema.__name__}:", lines, effective or {})
    if presets:
        lines += _preset_rows(schema, presets)
    return "\n".join(lines) + "\n"


def _preset_rows(schema: type[BaseModel], presets: Mapping[str, Sequence[str]]) -> list[str]:
    """Each group's preset names: options for groups, keys spelled with ``[]`` for those in list items.

    A list of models takes a list of names: its option is shown as ``--callbacks '[NAME, ...]'``.
    """
    kinds = group_kinds(schema)
    inside = {group: kinds[group] for group in presets if "[]" in kinds.get(group, ("", "model"))[0]}
    lines = ["", "presets (choose one with --GROUP=NAME):"]
    lines += [
        row(f"--{group.replace('_', '-')}" + _listed(kinds.get(group), "'"), "{" + ",".join(names) + "}")
        for group, names in presets.items()
        if group not in inside
    ]
    if inside:
        lines += ["", "presets inside list items (an item chooses one with KEY: NAME):"]
        lines += [
            row(shown[0] + _listed(shown, ""), "{" + ",".join(presets[group]) + "}")
            for group, shown in inside.items()
        ]
    return lines


def _listed(kind: tuple[str, Kind] | None, quote: str) -> str:
    """How a list group's value is written after its key (a list of names), or nothing for a model group."""
    return f" {quote}[NAME, ...]{quote}" if kind is not None and kind[1] == "list" else ""


def _group(model: type[BaseModel], prefix: str, title: str, lines: list[str], effective: Effective) -> None:
    lines += ["", title]
    nested: list[tuple[str, str, type[BaseModel]]] = []
    for name, key in field_keys(model):
        info = model.model_fields[name]
        models = [m for m in members(info.annotation) if is_model(m)]
        option = "--" + (prefix + key).replace("_", "-")
        if models and len(models) == len([m for m in members(info.annotation) if m is not type(None)]):
            nested += [(prefix + key, _variant_title(prefix + key, m, info, len(models)), m) for m in models]
            if len(models) == 1 and models == members(info.annotation):
                continue
        if is_bool(info.annotation):
            spelled = f"{option}, --no-{option[2:]}"
        else:
            spelled = f"{option} {type_name(info.annotation)}"
        parts = [info.description or "", _constraints(info), f"({_default(info, prefix + key, effective)})"]
        lines.append(row(spelled, " ".join(p for p in parts if p)))
    for dotted, sub_title, sub in nested:
        _group(sub, dotted + ".", sub_title, lines, effective)


def _default(info: FieldInfo, key: str, effective: Effective) -> str:
    if key in effective:
        value, origin = effective[key]
        return f"default: {_shown(value)}, from {origin}"
    if info.is_required():
        return "required"
    return f"default: {_shown(info.get_default(call_default_factory=True, validated_data={}))}"


def _variant_title(dotted: str, model: type[BaseModel], info: FieldInfo, count: int) -> str:
    """``optimizer (Adam):``, or for one variant of a union ``optimizer (Sgd, with --optimizer.name=sgd):``."""
    tag = info.discriminator if isinstance(info.discriminator, str) else None
    choice = ""
    if count > 1 and tag is not None and tag in model.model_fields:
        values = typing.get_args(strip(model.model_fields[tag].annotation))
        choice = f", with --{dotted}.{tag}={to_plain(values[0])}" if values else ""
    return f"{dotted} ({model.__name__}{choice}):"


_BOUNDS: Final = {"gt": ">", "ge": ">=", "lt": "<", "le": "<="}


def _constraints(info: FieldInfo) -> str:
    """The field's constraints as a reader writes them: ``[0 < x < 1]``, ``[>= 1]``, ``[length >= 1]``."""
    found: dict[str, Any] = {}
    for item in info.metadata:
        for attribute in ("gt", "ge", "lt", "le", "multiple_of", "min_length", "max_length"):
            value = getattr(item, attribute, None)
            if value is not None:
                found[attribute] = value
    low = next(((op, found[k]) for k, op in (("gt", "<"), ("ge", "<=")) if k in found), None)
    high = next(((op, found[k]) for k, op in (("lt", "<"), ("le", "<=")) if k in found), None)
    texts: list[str] = []
    if low and high:
        texts.append(f"{low[1]} {low[0]} x {high[0]} {high[1]}")
    elif low or high:
        name = next(k for k in _BOUNDS if k in found)
        texts.append(f"{_BOUNDS[name]} {found[name]}")
    if "multiple_of" in found:
        texts.append(f"a multiple of {found['multiple_of']}")
    if "min_length" in found:
        texts.append(f"length >= {found['min_length']}")
    if "max_length" in found:
        texts.append(f"length <= {found['max_length']}")
    return f"[{', '.join(texts)}]" if texts else ""


def row(left: str, right: str) -> str:
    """One option and its text, in the help's two columns."""
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


def config_text(
    data: dict[str, Any],
    flat: dict[str, Any],
    origin_of: Callable[[str], Origin | None],
    secrets: Sequence[str],
) -> str:
    """The resolved config as YAML that ``--configs`` takes back, each value's origin in a comment.

    Secrets are left out (a comment at the top says so); a literal ``${`` is written escaped.
    """
    leaves: dict[Path, str] = {
        tuple(key.split(".")): str(origin_of(key) or "default") for key in flat if key not in secrets
    }
    header = "".join(
        f"# {escaped(key)}: a secret, not printed; pass it with --{escaped(key).replace('_', '-')}=... "
        "or an environment variable\n"
        for key in secrets
    )
    text = dump_commented(escape_literals(_without(data, secrets)), leaves)
    # Keys the config computes are shown, as comments: a file that --configs reads sets none of them.
    text += "".join(
        f"# {key}: {dump_flow(value)}  # {leaves[tuple(key.split('.'))]}\n"
        for key, value in flat.items()
        if key not in secrets and lookup(data, tuple(key.split("."))) is MISSING
    )
    # Text that is not plain is double-quoted, where YAML reads these escapes back: the terminal
    # shows no reordering controls (comments are escaped already).
    return header + _BIDI.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _without(data: dict[str, Any], keys: Sequence[str]) -> dict[str, Any]:
    out = dict(data)
    for key in keys:
        node, *rest = key.split(".")
        if rest and is_dict(out.get(node)):
            out[node] = _without(out[node], [".".join(rest)])
        elif not rest:
            out.pop(node, None)
    return out
