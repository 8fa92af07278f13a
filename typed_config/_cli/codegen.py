"""``typed-config codegen``: write a typed ``HyperParams`` module from a wandb-style defaults file."""

from __future__ import annotations

import argparse
import builtins
import keyword
import math
import re
import textwrap
import unicodedata
from collections.abc import Mapping, Set
from dataclasses import dataclass
from typing import Any, Final

from typed_config._cli.codegen_guesses import rate_like, yaml11_boolean_paths, yaml11_booleans
from typed_config._cli.codegen_layout import Code, Split, lines, prefixed, string, text_width
from typed_config._cli.common import EXIT_OK, EXIT_USAGE, UsageError, check_readable, out, report
from typed_config._errors import ConfigError, Origin, Problem, checked, single
from typed_config._keys.values import is_dict, is_list
from typed_config._model.model import HyperParams
from typed_config._sources.files import FileLayer, file_layer

__all__ = ["add_codegen_command", "generate", "is_class_name", "yaml11_boolean_paths"]

# Names a field must not take: HyperParams' own attributes (refused, or warned about by pydantic),
# keywords, names the generated class bodies use (a field called `float` would shadow the type in
# every later annotation), wandb's key (refused as a schema's top-level key; below it the alias
# keeps it) and `l` (ruff's E741).
_RESERVED_FIELDS: Final = frozenset(
    {name for name in dir(HyperParams) if not name.startswith("_")}
    | set(keyword.kwlist)
    | {"bool", "int", "float", "str", "list", "dict", "tc", "wandb_version", "l"}
)
_RESERVED_CLASSES: Final = frozenset({*keyword.kwlist, *dir(builtins), "Any", "HyperParams"})
# A nested mapping becomes a class when every key looks like a name: `{"0": .., "1": ..}` and
# `{猫: .., café: ..}` are data, and stay `dict[str, ...]`.
_NAME_LIKE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_MAX_TYPE_DEPTH: Final = 6  # deeper list and dict types are written as Any
_HEADER: Final = (
    "The types were inferred from the values: check them. Narrow a ``str`` to a ``Literal``, add "
    "constraints (``gt=0``), give each ``str | None`` field (null, or no value, in the source) its type."
)


@dataclass(frozen=True)
class _Type:
    # bool, int, float, str, None, Any, never (no items seen), opt, list, dict; bigint is an int
    # that no float holds exactly, number is `int | float` (ints among floats, one of them a bigint).
    kind: str
    arg: _Type | None = None

    def text(self, depth: int = 0) -> str:
        if self.arg is None:
            return _TEXTS.get(self.kind, self.kind)
        inner = self.arg.text(depth + 1) if depth < _MAX_TYPE_DEPTH else "Any"
        return {"opt": f"{inner} | None", "list": f"list[{inner}]"}.get(self.kind, f"dict[str, {inner}]")

    def without_none(self) -> _Type:
        return _NEVER if self == _NONE else self.arg if self.kind == "opt" and self.arg else self


_NEVER: Final = _Type("never")
_ANY: Final = _Type("Any")
_NONE: Final = _Type("None")
_FLOAT: Final = _Type("float")
_TEXTS: Final = {"never": "Any", "bigint": "int", "number": "int | float"}
_NUMBERS: Final = frozenset({"int", "bigint", "float", "number"})
_RATE_COMMENT: Final = "    # int inferred from 0; use float if fractions are meant"
_YAML11_COMMENT: Final = (
    "{words} in the source: booleans to wandb (YAML 1.1), text to typed_config (YAML 1.2); "
    "write true or false there"
)


def _unify(a: _Type, b: _Type) -> _Type:
    """The narrowest type both values validate as, by the lossless-widening rule (int to float only)."""
    if b in (a, _NEVER):
        return a
    if a == _NEVER:
        return b
    if _NONE in (a, b) or "opt" in (a.kind, b.kind):
        inner = _unify(a.without_none(), b.without_none())
        return _NONE if inner == _NEVER else _ANY if inner == _ANY else _Type("opt", inner)
    if {a.kind, b.kind} <= _NUMBERS:
        # An int the float type would refuse (not held exactly) keeps the union of both.
        if "number" in (a.kind, b.kind) or {a.kind, b.kind} == {"bigint", "float"}:
            return _Type("number")
        return _FLOAT if "float" in (a.kind, b.kind) else _Type("bigint")
    if a.kind == b.kind and a.arg is not None and b.arg is not None:  # two lists, or two dicts
        return _Type(a.kind, _unify(a.arg, b.arg))
    return _ANY


def _exact_as_float(value: int) -> bool:
    try:
        return float(value) == value
    except OverflowError:
        return False


def _infer(value: Any, key: str) -> _Type:
    if isinstance(value, int) and not isinstance(value, bool) and not _exact_as_float(value):
        return _Type("bigint")
    if value is None or isinstance(value, (bool, int, float, str)):
        return _Type(type(value).__name__ if value is not None else "None")
    what = "a mapping whose keys are not all strings" if is_dict(value) else f"a {type(value).__name__}"
    if not (is_list(value) or (is_dict(value) and all(isinstance(k, str) for k in value))):
        raise single(f"codegen cannot write {what}", Origin(text="codegen"), key)
    arg = _NEVER
    for item in value.values() if is_dict(value) else value:
        arg = _unify(arg, _infer(item, key))
    return _Type("dict" if is_dict(value) else "list", arg)


def _literal(value: Any, t: _Type) -> Code:
    """``value`` as Python source; an int where a float is expected is written as a float."""
    element = t.arg or _ANY
    if t.kind == "opt":
        return _literal(value, element)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return repr(float(value)) if t == _FLOAT and abs(value) < 2**53 else str(value)
    if isinstance(value, float):
        text = repr(value).replace("e+", "e")  # as ruff format writes exponents
        return text if math.isfinite(value) else f'{"-" * (value < 0)}float("{text.lstrip("-")}")'
    if isinstance(value, str):
        return Split("", text=value)
    if is_list(value):
        return Split("[", tuple(_literal(item, element) for item in value), "]")
    return Split("{", tuple(prefixed(f"{string(k)}: ", _literal(v, element)) for k, v in value.items()), "}")


def _field_name(key: str) -> str:
    """A snake_case, ASCII, unreserved name for ``key`` (the key becomes the alias when they differ)."""
    name = unicodedata.normalize("NFKD", key).encode("ascii", "ignore").decode()
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name))
    name = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower() or "field"
    if name[0].isdigit():
        name = f"field_{name}"
    if name.startswith("model_"):  # pydantic's namespace, refused by HyperParams
        name = f"mdl_{name[6:]}"
    return f"{name}_" if name in _RESERVED_FIELDS else name


def _unique(name: str, taken: set[str], separator: str = "_") -> str:
    base, number = name.rstrip("_") if separator else name, 2
    while name in taken:
        name, number = f"{base}{separator}{number}", number + 1
    taken.add(name)
    return name


def is_class_name(name: str) -> bool:
    """Whether ``name`` can name the generated class."""
    return name.isidentifier() and name.isascii() and name not in _RESERVED_CLASSES


class _Writer:
    """The generated module's classes and default functions, each written before its first use."""

    def __init__(self, width: int, taken: set[str], yaml11: Set[tuple[Any, ...]]) -> None:
        self.width = width
        self.yaml11 = yaml11  # where the source has a plain yes/no/on/off: a boolean to wandb
        self.taken = taken  # module-level names
        self.blocks: list[list[str]] = []
        self.uses_any = False

    def add_class(
        self, name: str, path: tuple[str, ...], data: Mapping[str, Any], descs: Mapping[str, Any]
    ) -> None:
        keys, ordered = list(data), list(descs)
        for index, key in enumerate(ordered):  # keys without a value, in their place in the file
            if key not in data:
                before = [k for k in ordered[:index] if k in keys]
                keys.insert(keys.index(before[-1]) + 1 if before else 0, key)
        # Keys that are good names already keep them; the others are renamed around them.
        names = {key: key for key in keys if _field_name(key) == key}
        taken = set(names)
        names.update({key: _unique(_field_name(key), taken) for key in keys if key not in names})
        body = [
            line for key in keys for line in self.field(name, (*path, key), names[key], data, descs.get(key))
        ]
        dotted = ".".join(path)
        plain = all(c.isascii() and c.isprintable() and c not in '"\\`' for c in dotted)
        docs = [f"Settings under ``{dotted}``."] * plain + [f"The ``{name}`` settings."]
        if not path:
            docs = ["The hyperparameters, with the source file's values as defaults.", "The hyperparameters."]
        doc = next(
            (f'    """{d}"""' for d in docs if text_width(d) + 10 <= self.width), f'    """{docs[-1]}"""'
        )
        self.blocks.append([f"class {name}(tc.HyperParams):", doc, *([""] if body else []), *body])

    def field(
        self, owner: str, path: tuple[str, ...], name: str, data: Mapping[str, Any], desc: Any
    ) -> list[str]:
        key, comment = path[-1], list[str]()
        value = data.get(key)
        default: Code
        if key not in data or value is None:
            why = "null in the source" if key in data else "no value in the source"
            comment, annotation, default = [f"    # {why}: set the real type"], "str | None", "default=None"
        elif is_dict(value) and value and all(_NAME_LIKE.fullmatch(k) for k in value):
            nested = "".join(w[0].upper() + w[1:] for w in re.split(r"[^A-Za-z0-9]+", key) if w)
            nested = nested if nested[:1].isalpha() else f"Group{nested}"
            nested = _unique(owner + nested if nested in self.taken else nested, self.taken, "")
            self.add_class(nested, path, value, {})
            annotation, default = nested, f"default_factory={nested}"
        else:
            value, comment = self.notes(path, desc, value)
            annotation, default = self.data_field(path, name, value)
        args = [default, *([Split("alias=", text=key)] if name != key else [])]
        args += [Split("description=", text=desc)] if isinstance(desc, str) else []
        call = Split("tc.Field(", tuple(args), ")")
        return [*comment, *lines(call, 4, f"    {name}: {annotation} = ", "", self.width)]

    def notes(self, path: tuple[str, ...], desc: Any, value: Any) -> tuple[Any, list[str]]:
        """The value as its field's type reads it, and the comments that say where that is a guess."""
        value, words = yaml11_booleans(value, path, self.yaml11)
        comment: list[str] = []
        if words:
            text = _YAML11_COMMENT.format(words=", ".join(sorted(words)))
            comment += [f"    # {line}" for line in textwrap.wrap(text, self.width - 6)]
        if type(value) is int and value == 0 and rate_like(path[-1], desc):
            comment.append(_RATE_COMMENT)
        return value, comment

    def data_field(self, path: tuple[str, ...], name: str, value: Any) -> tuple[str, Code]:
        """The annotation and the default of a field holding a scalar, a list or a mapping of data."""
        t = _infer(value, ".".join(path))
        annotation, literal = t.text(), _literal(value, t)
        self.uses_any |= "Any" in annotation
        if not (is_list(value) or is_dict(value)):
            return annotation, prefixed("default=", literal)
        if not value:  # pyright reads `lambda: []` as list[Unknown]
            return annotation, f"default_factory={type(value).__name__}"
        if not any(is_list(item) or is_dict(item) for item in (value.values() if is_dict(value) else value)):
            # A flat literal: mypy infers the type the field declares, so a lambda type-checks.
            return annotation, prefixed("default_factory=lambda: ", literal)
        # Nested containers: in a lambda, mypy joins `[{"a": 1}, {"b": "x"}]` to `list[object]`,
        # so a function whose return type is the field's type builds the default.
        function = _unique(f"_default_{name}", self.taken)
        self.blocks.append(
            [f"def {function}() -> {annotation}:", *lines(literal, 4, "    return ", "", self.width)]
        )
        return annotation, f"default_factory={function}"


def generate(
    data: Mapping[str, Any],
    *,
    class_name: str = "HParams",
    descs: Mapping[str, str | None] | None = None,
    source: str | None = None,
    line_length: int = 88,
    yaml11_booleans: Set[tuple[Any, ...]] = frozenset(),
) -> str:
    """Write a module declaring ``data``'s keys as ``HyperParams`` fields whose defaults are its values.

    Nested mappings whose keys look like names become classes; others, and lists, ``dict``/``list`` fields.

    Args:
        data: the file's values, top-level wrappers unwrapped (``checked(file_layer(path)).data``).
        class_name: the name of the top-level class.
        descs: top-level keys' ``desc`` texts (or None) in the file's order; a key without a value
            in ``data`` (``{desc}`` alone) becomes a ``str | None`` field: the loader wants one.
        source: the file's name, for the module docstring.
        line_length: the line length to lay the code out for (ruff's default is 88).
        yaml11_booleans: the paths (keys and list indexes) of strings written as plain ``yes``,
            ``no``, ``on`` or ``off``, which YAML 1.1 (wandb's loader) reads as booleans: they
            become ``bool`` values, with a comment (``yaml11_boolean_paths`` finds them).

    Returns:
        The module's source text, laid out as ``ruff format`` keeps it.

    Raises:
        ValueError: ``class_name`` cannot name the class.
        ConfigError: a value no Python literal writes (such as a TOML date), naming its key.
    """
    if not is_class_name(class_name):
        raise ValueError(f"not a usable class name: {class_name!r}")
    writer = _Writer(line_length, {class_name, *_RESERVED_CLASSES}, yaml11_booleans)
    writer.add_class(class_name, (), data, descs or {})
    lines = ['"""Hyperparameters generated by ``typed-config codegen``.', ""]
    if source is not None:
        safe = "".join(c if c.isprintable() and c.isascii() and c not in '"\\' else "?" for c in source)
        # A long path gets a line of its own, which line-length checks let pass as one word.
        lines += [f"Source: {safe}" if len(safe) + 8 <= line_length else f"Source:\n{safe}", ""]
    lines += [textwrap.fill(_HEADER, line_length), '"""', "", "from __future__ import annotations", ""]
    lines += ["from typing import Any", ""] if writer.uses_any else []
    lines.append("import typed_config as tc")
    for block in writer.blocks:
        lines += ["", "", *block]
    return "\n".join(lines) + "\n"


def _booleans_of(layer: Any) -> set[tuple[Any, ...]]:
    """Where the file's data holds a YAML 1.1 boolean word (a wrapper's ``value`` taken off its path)."""
    if not isinstance(layer, FileLayer) or layer.document.root is None:
        return set()
    return {
        (p[0], *p[2:]) if p[0] in layer.wrapped else p
        for p in yaml11_boolean_paths(layer.document.root)
        if p[0] not in layer.wrapped or p[1:2] == ("value",)
    }


def add_codegen_command(commands: Any) -> None:
    """Register ``codegen`` on the ``typed-config`` subparsers."""
    parser = commands.add_parser(
        "codegen",
        help="write a typed HyperParams module from a config-defaults.yaml",
        description=(
            "Print a Python module declaring FILE's keys as typed HyperParams fields, with the file's "
            "values as defaults and its desc texts as descriptions, for projects moving from "
            "wandb.config. Types are inferred so that the class validates FILE, except that plain "
            "yes/no/on/off (booleans to wandb's YAML 1.1 loader, text to typed_config) become bool "
            "fields: write true/false there. Comments mark these guesses, and a 0 whose key or desc "
            "suggests a rate. Exit status 2 when FILE cannot be read or is invalid."
        ),
    )
    parser.add_argument(
        "file", metavar="FILE", help="a config-defaults.yaml, or any YAML, JSON or TOML config"
    )
    parser.add_argument("--class-name", default="HParams", metavar="NAME", help="default: HParams")
    parser.add_argument("--line-length", type=int, default=88, metavar="N", help="default: 88")
    parser.set_defaults(run=_run_codegen)


def _run_codegen(args: argparse.Namespace) -> int:
    path, class_name, line_length = str(args.file), str(args.class_name), int(args.line_length)
    if not is_class_name(class_name):
        raise UsageError(f"--class-name: {class_name!r} cannot name a Python class")
    if line_length < 60:
        raise UsageError(f"--line-length: {line_length} is too short (at least 60)")
    check_readable(path)
    try:
        layer = checked(file_layer(path))
    except ConfigError as exc:
        report(exc)
        return EXIT_USAGE
    # Desc texts come from the raw document (the layer keeps only the wrappers' values), in the
    # file's order, which places the keys that have a desc and no value.
    descs: dict[str, str | None] = {}
    if isinstance(layer, FileLayer):
        for key, value in layer.document.data.items():
            desc = value.get("desc") if key in layer.wrapped else None
            descs[key] = desc if isinstance(desc, str) else None
    descs.update((key, None) for key in sorted(layer.documented()) if key not in descs)
    try:
        text = generate(
            layer.data,
            class_name=class_name,
            descs=descs,
            source=path,
            line_length=line_length,
            yaml11_booleans=_booleans_of(layer),
        )
    except ConfigError as exc:
        report(Problem(p.key, p.message, layer.origin(tuple((p.key or "").split(".")))) for p in exc.problems)
        return EXIT_USAGE
    out(text)
    return EXIT_OK
