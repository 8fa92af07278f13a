"""Command-line overrides to a layer: ``--optimizer.lr=0.01``, ``--epochs 4``, ``--no-use-amp``.

Text is converted by the target field's type: when every non-None member of the type accepts a
string (``str``, string ``Literal``s and enums, paths) the text is taken as it is, so
``--dataset=NO`` is ``"NO"``; otherwise it is parsed by the YAML 1.2 rules files follow, plus the
Python spellings a wandb sweep agent writes (``None``, ``True``, ``inf``, ``{'lr': 0.01}``).
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any, Final, NamedTuple

from pydantic import BaseModel

from typed_config._errors import ConfigError, Origin, Problem
from typed_config._flatten import flatten
from typed_config._introspect import closest, is_bool, is_model, is_sequence, members, takes_text
from typed_config._keys import is_dict
from typed_config._layers import KeyedLayer, keyed_layer
from typed_config._text import convert, convert_items, leaf_names, resolve_key
from typed_config._yaml_scalars import checked_float, checked_int

_BOOL_WORDS: Final = {"true": True, "false": False}


class Overrides(NamedTuple):
    """What a command line said: the layer of values, and what was left for the script."""

    layer: KeyedLayer
    problems: list[Problem]
    unknown: list[str]


def _is_value_token(token: str) -> bool:
    """A token that cannot start an option: anything not starting with '-', or a number."""
    if not token.startswith("-"):
        return True
    try:
        float(token)
    except ValueError:
        return False
    return True


def parse_overrides(
    schema: type[BaseModel], argv: Sequence[str], *, name: str = "command line", allow_unknown: bool = False
) -> Overrides:
    """Parse override arguments into a layer.

    Args:
        schema: the model whose fields the options name.
        argv: the arguments, without the program name.
        name: the layer's name.
        allow_unknown: leave unknown options (and their values) in ``unknown`` instead of failing.
    """
    entries: list[tuple[str, Any, Origin]] = []
    problems: list[Problem] = []
    unknown: list[str] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if arg == "--":
            unknown.extend(argv[index:])
            break
        if not arg.startswith("--") or _is_value_token(arg):
            agent = _agent_form(schema, arg, json_forms=not allow_unknown)
            if agent is not None:  # what `wandb agent` passes when its command is not ${args}
                found, trouble = agent
                entries.extend(found)
                problems.extend(trouble)
                continue
            if allow_unknown:
                unknown.append(arg)
            else:
                problems.append(Problem(None, "unexpected argument", Origin(text=arg)))
            continue
        option, has_text, text = arg[2:].partition("=")
        target = resolve_key(schema, option)
        negated = False
        if target is None and option.startswith("no-") and not has_text:
            target = resolve_key(schema, option[3:])
            negated = target is not None and is_bool(target[1])
            target = target if negated else None
        if target is None:
            values_after = index
            while values_after < len(argv) and _is_value_token(argv[values_after]):
                values_after += 1
            if allow_unknown:
                unknown.extend(argv[index - 1 : values_after])
            else:
                match = closest(option, leaf_names(schema))
                hint = f"; did you mean '--{match}'?" if match else ""
                problems.append(Problem(None, f"unknown option{hint}", Origin(text=arg)))
            index = values_after
            continue
        path, tp = target
        key = ".".join(str(p) for p in path)
        if negated:
            entries.append((key, False, Origin(text=arg)))
            continue
        if has_text:
            origin = Origin(text=arg)
            texts = None
        elif is_bool(tp):
            if index < len(argv) and argv[index].lower() in _BOOL_WORDS:
                entries.append((key, _BOOL_WORDS[argv[index].lower()], Origin(text=f"{arg} {argv[index]}")))
                index += 1
            else:
                entries.append((key, True, Origin(text=arg)))
            continue
        elif is_sequence(tp) and not _scalar_text(tp):
            start = index
            while index < len(argv) and _is_value_token(argv[index]):
                index += 1
            texts = list(argv[start:index])
            origin = Origin(text=" ".join([arg, *texts]))
            if not texts:
                problems.append(Problem(key, "expected one or more values", origin))
                continue
            if len(texts) == 1 and texts[0].lstrip().startswith("["):
                text, texts = texts[0], None
        elif index < len(argv) and _is_value_token(argv[index]):
            text = argv[index]
            origin = Origin(text=f"{arg} {text}")
            index += 1
            texts = None
        else:
            problems.append(Problem(key, "expected a value", Origin(text=arg)))
            continue
        try:
            if texts is not None:
                value: Any = convert_items(tp, texts)
            else:
                value = convert(tp, text)
            entries.extend(_expand(key, value, origin, tp))
        except ValueError as exc:
            problems.append(Problem(key, f"cannot read the value: {exc}", origin))
    layer, more = keyed_layer(name, entries, Origin(text=name))
    return Overrides(layer, problems + more, unknown)


def _agent_form(
    schema: type[BaseModel], arg: str, *, json_forms: bool
) -> tuple[list[tuple[str, Any, Origin]], list[Problem]] | None:
    """Read the argument forms of a wandb agent's command macros, or None for another argument.

    ``${args_no_hyphens}`` gives ``key=value``; the Hydra macros ``+key=value`` and ``++key=value``;
    ``${args_json}`` one JSON object; ``${args_json_file}`` the path of a JSON file holding one.
    Without ``json_forms`` (a script that takes its own arguments) the JSON forms are left alone:
    a positional ``labels.json`` or ``{...}`` is the script's, not config.
    """
    name, equals, text = arg.lstrip("+").partition("=")
    if equals and not arg.startswith("{"):
        target = resolve_key(schema, name)
        if target is None:
            return None
        path, tp = target
        key = ".".join(str(p) for p in path)
        try:
            return _expand(key, convert(tp, text), Origin(text=arg), tp), []
        except ValueError as exc:
            return [], [Problem(key, f"cannot read the value: {exc}", Origin(text=arg))]
    if not json_forms:
        return None
    if arg.startswith("{"):
        return _json_entries(schema, arg, _cut(arg))
    if arg.endswith(".json") and os.path.isfile(arg):
        try:
            with open(arg, encoding="utf-8") as handle:
                text = handle.read()
        except OSError as exc:
            return [], [Problem(None, f"cannot read file: {exc.strerror or exc}", Origin(path=arg))]
        return _json_entries(schema, text, arg)
    return None


def _json_entries(
    schema: type[BaseModel], text: str, source: str
) -> tuple[list[tuple[str, Any, Origin]], list[Problem]]:
    """Entries from a JSON object of (dotted) keys; ``source`` names it in messages."""
    try:  # the scalar bounds files keep: 1e400 and 5,000-digit integers are refused
        data = json.loads(text, parse_int=checked_int, parse_float=checked_float)
    except (json.JSONDecodeError, RecursionError) as exc:
        return [], [Problem(None, f"not a JSON object: {exc}", Origin(text=source))]
    except ValueError as exc:  # a number past the bounds
        return [], [Problem(None, str(exc), Origin(text=source))]
    if not is_dict(data):
        return [], [Problem(None, "not a JSON object", Origin(text=source))]
    found: list[tuple[str, Any, Origin]] = []
    for name, value in data.items():
        target = resolve_key(schema, name)
        key = ".".join(str(p) for p in target[0]) if target is not None else name
        tp = target[1] if target is not None else None
        found.extend(_expand(key, value, Origin(text=f"{source}[{name!r}]"), tp))
    return found, []


def _cut(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _scalar_text(tp: Any) -> bool:
    # A str-or-list union: one token is taken as the string itself.
    return takes_text(tp) and not is_sequence(tp)


def _expand(key: str, value: Any, origin: Origin, tp: Any) -> list[tuple[str, Any, Origin]]:
    """A mapping given for a model field merges key by key, so it becomes one entry per leaf."""
    if isinstance(value, dict) and value and (tp is None or any(is_model(m) for m in members(tp))):
        try:
            flat = flatten(value)  # pyright: ignore[reportUnknownArgumentType]
        except ConfigError as exc:
            raise ValueError(exc.problems[0].message) from None
        return [(f"{key}.{sub}", leaf, origin) for sub, leaf in flat.items()]
    return [(key, value, origin)]


def default_argv() -> list[str]:
    """``sys.argv[1:]``, except inside a Jupyter kernel, whose arguments are the kernel's own."""
    # A Jupyter kernel runs as `ipykernel_launcher.py -f kernel.json`: those are not overrides.
    if "ipykernel" in sys.modules or sys.argv[0].endswith("ipykernel_launcher.py"):
        return []
    return sys.argv[1:]


def split_run_arguments(argv: list[str]) -> tuple[list[str], list[str], set[str], list[Problem]]:
    """Take ``--configs FILE...``, ``--help`` and ``--print-config`` out of a run's command line.

    Returns:
        The config files, the override arguments, the flags given, and problems.
    """
    configs: list[str] = []
    rest: list[str] = []
    flags: set[str] = set()
    problems: list[Problem] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if arg == "--":
            rest.extend(argv[index - 1 :])
            break
        if arg in ("-h", "--help"):
            flags.add("--help")
        elif arg in ("--print-config", "--print_config"):
            flags.add("--print-config")
        elif arg.startswith("--configs="):
            configs.extend(p for p in arg.split("=", 1)[1].split(",") if p)
        elif arg == "--configs":
            start = index
            while index < len(argv) and not argv[index].startswith("-"):
                index += 1
            if index == start:
                problems.append(Problem(None, "expected one or more config files", Origin(text=arg)))
            configs.extend(argv[start:index])
        else:
            rest.append(arg)
    return configs, rest, flags, problems
