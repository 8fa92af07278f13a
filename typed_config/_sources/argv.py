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
from typed_config._flat.flatten import flatten
from typed_config._keys.values import REDACTED, is_dict
from typed_config._layers.layers import KeyedLayer, keyed_layer
from typed_config._schema.names import computed_problem, leaf_names, resolve_key
from typed_config._schema.secrets import holds_secret
from typed_config._schema.suggest import closest
from typed_config._schema.text import convert, convert_tokens
from typed_config._schema.types import is_bool, is_model, is_sequence, members
from typed_config._yaml.bounds import parse_json
from typed_config._yaml.encoding import MAX_BYTES

_BOOL_WORDS: Final = {"true": True, "false": False}


class Overrides(NamedTuple):
    """What a command line said: the layer and problems every source returns, then what is left.

    ``unknown`` is what was left for the script, ``shown`` the arguments as they may be shown.
    """

    layer: KeyedLayer
    problems: list[Problem]
    unknown: list[str]
    shown: list[str]
    """The arguments as they may be shown and kept (``meta.json``): each one that gives a secret,
    or a value that holds one, replaced as a whole by the redaction marker."""


BUILT_IN_OPTIONS: Final = ("configs", "help", "print-config")
"""The options every run's command line has besides its keys (did-you-mean knows them too)."""


def _is_value_token(token: str) -> bool:
    """A token that cannot start an option: anything not starting with '-', or a number."""
    if not token.startswith("-"):
        return True
    try:
        float(token)
    except ValueError:
        return False
    return True


def argv_layer(
    schema: type[BaseModel], argv: Sequence[str], *, name: str = "command line", allow_unknown: bool = False
) -> Overrides:
    """The command-line source: override arguments to a layer, and the problems (never raised).

    Args:
        schema: the model whose fields the options name.
        argv: the arguments, without the program name.
        name: the layer's name.
        allow_unknown: leave unknown options (and their values) in ``unknown`` instead of failing.
    """
    parser = _Parser(schema, list(argv), allow_unknown)
    parser.run()
    layer, more = keyed_layer(name, parser.entries, Origin(text=name))
    return Overrides(layer, parser.problems + more, parser.unknown, parser.shown)


class _Parser:
    """One pass over a command line: entries with origins, problems, what is left, what may be shown."""

    def __init__(self, schema: type[BaseModel], argv: list[str], allow_unknown: bool) -> None:
        self.schema = schema
        self.argv = argv
        self.allow_unknown = allow_unknown
        self.hides = holds_secret(schema)  # then an argument typed_config cannot place is not echoed
        self.entries: list[tuple[str, Any, Origin]] = []
        self.problems: list[Problem] = []
        self.unknown: list[str] = []
        self.shown = list(argv)
        self.index = 0

    def run(self) -> None:
        argv = self.argv
        while self.index < len(argv):
            arg = argv[self.index]
            self.index += 1
            if arg == "--":
                self.unknown.extend(argv[self.index :])
                return
            if not arg.startswith("--") or _is_value_token(arg):
                self._positional(arg)
            else:
                self._option(arg)

    def _positional(self, arg: str) -> None:
        agent = _agent_form(self.schema, arg, json_forms=not self.allow_unknown)
        if agent is not None:  # what `wandb agent` passes when its command is not ${args}
            found, trouble, secret = agent
            self.entries.extend(found)
            self.problems.extend(trouble)
            if secret:
                self.shown[self.index - 1] = _hidden(arg)
        elif self.allow_unknown:
            self.unknown.append(arg)
        else:
            self.problems.append(Problem(None, "unexpected argument", Origin(text=self._echo(arg))))

    def _echo(self, arg: str) -> str:
        """An argument typed_config cannot place, for a message: its value hidden if it may be a secret."""
        return _hidden(arg) if self.hides else arg

    def _option(self, arg: str) -> None:
        option, has_text, text = arg[2:].partition("=")
        target = resolve_key(self.schema, option)
        if target is None and option.startswith("no-") and not has_text:
            negated = resolve_key(self.schema, option[3:])
            if negated is not None and is_bool(negated[1]):
                key = ".".join(str(p) for p in negated[0])
                self.entries.append((key, False, Origin(text=arg)))
                return
        if target is None:
            self._unknown(arg, option)
            return
        path, tp = target
        key = ".".join(str(p) for p in path)
        secret = holds_secret(tp)
        if has_text:
            if secret:
                self.shown[self.index - 1] = _hidden(arg)
            self._convert(key, tp, text, Origin(text=self.shown[self.index - 1]), secret=secret)
        elif is_bool(tp):
            self._flag(key, arg)
        else:
            self._values(key, tp, arg, secret)

    def _unknown(self, arg: str, option: str) -> None:
        argv = self.argv
        values_after = self.index
        while values_after < len(argv) and _is_value_token(argv[values_after]):
            values_after += 1
        computed = computed_problem(self.schema, option, Origin(text=self._echo(arg)))
        if computed is not None:
            self.problems.append(computed)
        elif self.allow_unknown:
            self.unknown.extend(argv[self.index - 1 : values_after])
        else:
            match = closest(option, [*leaf_names(self.schema), *BUILT_IN_OPTIONS])
            hint = f"; did you mean '--{match}'?" if match else ""
            self.problems.append(Problem(None, f"unknown option{hint}", Origin(text=self._echo(arg))))
        self.index = values_after

    def _flag(self, key: str, arg: str) -> None:
        argv = self.argv
        if self.index < len(argv) and argv[self.index].lower() in _BOOL_WORDS:
            origin = Origin(text=f"{arg} {argv[self.index]}")
            self.entries.append((key, _BOOL_WORDS[argv[self.index].lower()], origin))
            self.index += 1
        else:
            self.entries.append((key, True, Origin(text=arg)))

    def _takes(self, item: str, secret: bool) -> bool:
        """Whether ``item`` is a value of the option before it.

        A secret's value is anything but ``--`` or a known option: a token such as ``-x7Qa``
        is far more likely the secret than a mistake, and echoing it back would show it.
        """
        if _is_value_token(item):
            return True
        if not secret or item == "--":
            return False
        option = item[2:].partition("=")[0] if item.startswith("--") else ""
        if not option:
            return True
        negated = option.startswith("no-") and resolve_key(self.schema, option[3:]) is not None
        return resolve_key(self.schema, option) is None and not negated

    def _values(self, key: str, tp: Any, arg: str, secret: bool) -> None:
        """The values of ``--key VALUE`` or, for a list field, ``--key V1 V2 ...``."""
        argv = self.argv
        start = self.index
        many = is_sequence(tp)
        while self.index < len(argv) and self._takes(argv[self.index], secret):
            self.index += 1
            if not many:
                break
        texts = argv[start : self.index]
        if secret:
            self.shown[start : self.index] = [REDACTED] * len(texts)
        origin = Origin(text=" ".join([arg, *self.shown[start : self.index]]))
        if not texts:
            message = "expected one or more values" if many else "expected a value"
            self.problems.append(Problem(key, message, origin))
        else:
            self._convert(key, tp, texts if many else texts[0], origin, secret=secret)

    def _convert(self, key: str, tp: Any, text: str | list[str], origin: Origin, *, secret: bool) -> None:
        """Convert one text, or the tokens of a sequence field, and add the entries."""
        try:
            value = convert_tokens(tp, text) if isinstance(text, list) else convert(tp, text)
            self.entries.extend(_expand(key, value, origin, tp))
        except ValueError as exc:
            self.problems.append(Problem(key, _unreadable(exc, secret), origin))


def _unreadable(exc: ValueError, secret: bool) -> str:
    # A reader's message may quote a piece of the text (an alias's name, a tag).
    return (
        "cannot read the value (not shown: it holds a secret)" if secret else f"cannot read the value: {exc}"
    )


def _hidden(arg: str) -> str:
    """An argument whose value may be a secret: ``--key=**********``, or only the marker."""
    head, equals, _ = arg.partition("=")
    return f"{head}={REDACTED}" if equals and not arg.startswith(("{", "[")) else REDACTED


def _agent_form(
    schema: type[BaseModel], arg: str, *, json_forms: bool
) -> tuple[list[tuple[str, Any, Origin]], list[Problem], bool] | None:
    """Read the argument forms of a wandb agent's command macros, or None for another argument.

    ``${args_no_hyphens}`` gives ``key=value``; the Hydra macros ``+key=value`` and ``++key=value``;
    ``${args_json}`` one JSON object; ``${args_json_file}`` the path of a JSON file holding one.
    Without ``json_forms`` (a script that takes its own arguments) the JSON forms are left alone:
    a positional ``labels.json`` or ``{...}`` is the script's, not config. The last item says
    whether the argument itself gives a secret (then it is never shown).
    """
    name, equals, text = arg.lstrip("+").partition("=")
    if equals and not arg.startswith("{"):
        target = resolve_key(schema, name)
        if target is None:
            return None
        path, tp = target
        key = ".".join(str(p) for p in path)
        secret = holds_secret(tp)
        origin = Origin(text=_hidden(arg) if secret else arg)
        try:
            return _expand(key, convert(tp, text), origin, tp), [], secret
        except ValueError as exc:
            return [], [Problem(key, _unreadable(exc, secret), origin)], secret
    if not json_forms:
        return None
    if arg.startswith("{"):
        return _json_entries(schema, arg, None)
    if arg.endswith(".json") and os.path.isfile(arg):
        try:
            with open(arg, "rb") as handle:
                raw = handle.read(MAX_BYTES + 1)  # a file of any size costs at most the limit
        except OSError as exc:
            return [], [Problem(None, f"cannot read file: {exc.strerror or exc}", Origin(path=arg))], False
        if len(raw) > MAX_BYTES:
            message = f"file too large: {os.path.getsize(arg)} bytes (the limit is {MAX_BYTES})"
            return [], [Problem(None, message, Origin(path=arg))], False
        return (*_json_entries(schema, raw, arg)[:2], False)
    return None


def _json_entries(
    schema: type[BaseModel], text: str | bytes, source: str | None
) -> tuple[list[tuple[str, Any, Origin]], list[Problem], bool]:
    """Entries from a JSON object of (dotted) keys, named by ``source`` (None: the argument itself).

    When the schema holds a secret, the argument is named by the redaction marker, as a whole.
    """
    # Any part of the text may be a secret, under a key that is misspelled or in the wrong place.
    inline = text if isinstance(text, str) else text.decode("utf-8", "replace")
    shown = source or (REDACTED if holds_secret(schema) else _cut(inline))
    try:  # held to the bounds of a file: size, nesting, 1e400 and 5,000-digit integers are refused
        data = parse_json(text)
    except json.JSONDecodeError as exc:
        return [], [Problem(None, f"not a JSON object: {exc}", Origin(text=shown))], False
    except ValueError as exc:  # over a bound
        return [], [Problem(None, str(exc), Origin(text=shown))], False
    if not is_dict(data):
        return [], [Problem(None, "not a JSON object", Origin(text=shown))], False
    targets = [(name, value, resolve_key(schema, name)) for name, value in data.items()]
    secret = any(target is not None and holds_secret(target[1]) for _, _, target in targets)
    found: list[tuple[str, Any, Origin]] = []
    for name, value, target in targets:
        key = ".".join(str(p) for p in target[0]) if target is not None else name
        tp = target[1] if target is not None else None
        found.extend(_expand(key, value, Origin(text=f"{shown}[{name!r}]"), tp))
    return found, [], secret


def _cut(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


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


def split_run_arguments(argv: list[str]) -> tuple[list[str], list[str], set[str], list[Problem], list[int]]:
    """Take ``--configs FILE...``, ``--help`` and ``--print-config`` out of a run's command line.

    Returns:
        The config files, the override arguments, the flags given, problems, and the position
        in ``argv`` of each override argument.
    """
    configs: list[str] = []
    rest: list[int] = []
    flags: set[str] = set()
    problems: list[Problem] = []
    index = 0
    while index < len(argv):
        arg = argv[index]
        index += 1
        if arg == "--":
            rest.extend(range(index - 1, len(argv)))
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
            rest.append(index - 1)
    return configs, [argv[i] for i in rest], flags, problems, rest
