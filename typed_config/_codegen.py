"""``typed-config codegen``: write a typed ``HyperParams`` module from a wandb-style defaults file."""

from __future__ import annotations

import argparse
import builtins
import keyword
import math
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from typed_config._cli_common import EXIT_OK, EXIT_USAGE, UsageError, check_readable, out, report
from typed_config._errors import ConfigError, Origin, Problem
from typed_config._model import HyperParams
from typed_config._sources.files import FileLayer, file_layer

__all__ = ["add_codegen_command", "generate"]

# Names a field must not take: HyperParams' own attributes (refused or warned about when the class
# is defined), keywords, the names the generated code uses in class bodies (a field called `float`
# would shadow the type in every later annotation), wandb's key, and E741's ambiguous `l`.
_RESERVED_FIELDS: Final = frozenset(
    {name for name in dir(HyperParams) if not name.startswith("_")}
    | set(keyword.kwlist)
    | {"bool", "int", "float", "str", "list", "dict", "tc", "math", "wandb_version", "l"}
)
_RESERVED_CLASSES: Final = frozenset({*keyword.kwlist, *dir(builtins), "Any", "HyperParams"})
_NAME_LIKE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_\-]*")
_MAX_TYPE_DEPTH: Final = 6  # deeper list and dict types are written as Any
_HEADER: Final = """\
The types were inferred from the values: check them. Narrow a ``str`` to a ``Literal`` of the
allowed values, add constraints such as ``gt=0``, and give each ``str | None`` field (null, or
only documented, in the source) its real type. Renamed keys keep their key as ``alias``."""


# Types --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Type:
    kind: str  # bool, int, float, str, None, Any, never (an empty list's items), opt, list, dict
    arg: _Type | None = None

    def text(self, depth: int = 0) -> str:
        if self.kind in ("opt", "list", "dict") and self.arg is not None:
            if depth >= _MAX_TYPE_DEPTH:
                return "Any"
            inner = self.arg.text(depth + 1)
            return {"opt": f"{inner} | None", "list": f"list[{inner}]", "dict": f"dict[str, {inner}]"}[self.kind]
        return "Any" if self.kind == "never" else self.kind


_NEVER: Final = _Type("never")
_ANY: Final = _Type("Any")
_NONE: Final = _Type("None")
_FLOAT: Final = _Type("float")


def _unify(a: _Type, b: _Type) -> _Type:
    """The narrowest type both values validate as, by the lossless-widening rule (int to float only)."""
    if a == b or b == _NEVER:
        return a
    if a == _NEVER:
        return b
    if _NONE in (a, b) or "opt" in (a.kind, b.kind):
        inner = _unify(_strip_none(a), _strip_none(b))
        return _NONE if inner == _NEVER else _ANY if inner == _ANY else _Type("opt", inner)
    if {a.kind, b.kind} == {"int", "float"}:
        return _FLOAT
    if a.kind == b.kind and a.kind in ("list", "dict") and a.arg is not None and b.arg is not None:
        return _Type(a.kind, _unify(a.arg, b.arg))
    return _ANY


def _strip_none(t: _Type) -> _Type:
    return _NEVER if t == _NONE else t.arg if t.kind == "opt" and t.arg is not None else t


def _infer(value: Any, key: str) -> _Type:
    if value is None or isinstance(value, (bool, int, float, str)):
        return _Type(type(value).__name__ if value is not None else "None")
    if isinstance(value, (list, dict)):
        items: list[Any] = list(value.values() if isinstance(value, dict) else value)
        if isinstance(value, dict) and not all(isinstance(k, str) for k in value):
            raise _unsupported(key, "a mapping with keys that are not strings")
        arg = _NEVER
        for item in items:
            arg = _unify(arg, _infer(item, key))
        return _Type("dict" if isinstance(value, dict) else "list", arg)
    raise _unsupported(key, f"a value of type {type(value).__name__}")


def _unsupported(key: str, what: str) -> ConfigError:
    return ConfigError([Problem(key, f"codegen cannot write {what}", Origin(text="codegen"))])


# Expressions, rendered flat or split the way ruff format keeps them -------------------------------


@dataclass(frozen=True)
class _Group:  # a call, list or dict: split one item per line with a magic trailing comma
    open: str
    items: tuple[_Expr, ...]
    close: str


@dataclass(frozen=True)
class _Prefixed:  # `name=` or `"key": ` or `lambda: ` before an expression
    prefix: str
    expr: _Expr


@dataclass(frozen=True)
class _Text:  # a string literal: split into implicitly concatenated parts when too long
    text: str


_Expr = str | _Group | _Prefixed | _Text


def _flat(expr: _Expr) -> str:
    if isinstance(expr, str):
        return expr
    if isinstance(expr, _Text):
        return _string(expr.text)
    if isinstance(expr, _Prefixed):
        return expr.prefix + _flat(expr.expr)
    return expr.open + ", ".join(_flat(item) for item in expr.items) + expr.close


def _lines(expr: _Expr, indent: int, head: str, tail: str, width: int) -> list[str]:
    """``head + expr + tail`` as lines no wider than ``width`` where the expression can split."""
    flat = head + _flat(expr) + tail
    if _width(flat) <= width or isinstance(expr, str):
        return [flat]
    if isinstance(expr, _Prefixed):
        return _lines(expr.expr, indent, head + expr.prefix, tail, width)
    inner = " " * (indent + 4)
    if isinstance(expr, _Text):
        parts = _chunks(expr.text, width - _width(inner))
        if len(parts) == 1:
            return [flat]
        return [f"{head}(", *(inner + part for part in parts), f"{' ' * indent}){tail}"]
    if not expr.items:
        return [flat]
    lines = [head + expr.open]
    for item in expr.items:
        lines.extend(_lines(item, indent + 4, inner, ",", width))
    return [*lines, " " * indent + expr.close + tail]


def _chunks(text: str, width: int) -> list[str]:
    """String literals of ``text`` cut at word ends, each no wider than ``width`` where possible."""
    parts: list[str] = []
    current = ""
    for word in re.findall(r"\S+\s*|\s+", text):
        if current and _width(_string(current + word)) > width:
            parts.append(_string(current))
            current = ""
        current += word
    return [*parts, _string(current)]


def _width(text: str) -> int:
    # ruff measures lines in columns: East Asian wide characters take two.
    return sum(
        2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in text
    )


def _string(text: str) -> str:
    """A string literal as ruff format writes it: double quotes unless single quotes escape less."""
    quote = "'" if text.count('"') > text.count("'") else '"'
    body = "".join(
        "\\\\" if c == "\\" else f"\\{c}" if c == quote else c if c.isprintable() else repr(c)[1:-1]
        for c in text
    )
    return f"{quote}{body}{quote}"


def _literal(value: Any, t: _Type) -> _Expr:
    """``value`` as Python source; ints where a float is expected are written as floats."""
    element = t.arg if t.kind in ("list", "dict", "opt") and t.arg is not None else _ANY
    if t.kind == "opt":
        return _literal(value, element)
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return repr(float(value)) if t == _FLOAT and abs(value) < 2**53 else str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "math.nan"
        return repr(value) if not math.isinf(value) else "math.inf" if value > 0 else "-math.inf"
    if isinstance(value, str):
        return _Text(value)
    if isinstance(value, list):
        return _Group("[", tuple(_literal(item, element) for item in value), "]")
    pairs = (_Prefixed(_string(k) + ": ", _literal(v, element)) for k, v in value.items())
    return _Group("{", tuple(pairs), "}")


# Names --------------------------------------------------------------------------------------------


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()


def _field_name(key: str) -> str:
    """A snake_case, ASCII, unreserved field name for ``key`` (the key becomes its alias if they differ)."""
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", _ascii(key))
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\1_\2", name)
    name = re.sub(r"[^A-Za-z0-9]+", "_", name).strip("_").lower() or "field"
    if name[0].isdigit():
        name = f"field_{name}"
    if name.startswith("model_"):  # pydantic's namespace, refused by HyperParams
        name = f"mdl_{name[6:]}"
    return f"{name}_" if name in _RESERVED_FIELDS else name


def _class_name(key: str) -> str:
    name = "".join(p[0].upper() + p[1:] for p in re.split(r"[^A-Za-z0-9]+", _ascii(key)) if p)
    return name if name[:1].isalpha() else f"Group{name}"


def _unique(name: str, taken: set[str]) -> str:
    base, number = name, 2
    while name in taken:
        name, number = f"{base.rstrip('_')}_{number}", number + 1
    taken.add(name)
    return name


def is_class_name(name: str) -> bool:
    """Whether ``name`` can name the generated class."""
    return name.isidentifier() and name.isascii() and name not in _RESERVED_CLASSES


# Generation ---------------------------------------------------------------------------------------


@dataclass
class _Module:
    width: int
    blocks: list[list[str]]  # classes and default functions, in definition order
    classes: set[str]
    functions: set[str]
    needs: set[str]  # "math", "Any"


def generate(
    data: Mapping[str, Any],
    *,
    class_name: str = "HParams",
    descs: Mapping[str, str] | None = None,
    source: str | None = None,
    line_length: int = 88,
) -> str:
    """Write a Python module declaring ``data``'s keys as typed ``HyperParams`` fields.

    Nested mappings whose keys look like names become nested classes; other mappings, and lists,
    become ``dict[str, ...]`` and ``list[...]`` fields. Every value becomes its field's default, so
    loading the source file with the generated class gives back the same values.

    Args:
        data: the file's values, top-level wrappers unwrapped (``file_layer(path).data``).
        class_name: the name of the top-level class.
        descs: top-level keys' ``desc`` texts, written as descriptions; a key that has a desc and
            no value becomes a ``str | None`` field whose type is left to the user.
        source: the file's name, for the module docstring.
        line_length: the line length the output is laid out for (ruff's default is 88).

    Returns:
        The module's source text, formatted as ``ruff format`` writes it.

    Raises:
        ValueError: ``class_name`` is not a usable class name.
        ConfigError: a value no Python literal can write (such as a TOML date), naming its key.
    """
    if not is_class_name(class_name):
        raise ValueError(f"not a usable class name: {class_name!r}")
    descs = descs or {}
    module = _Module(line_length, [], {class_name} | _RESERVED_CLASSES, set(), set())
    keys = list(data)
    for index, key in enumerate(descs):  # documented-only keys, in their place in the file
        if key not in data:
            before = [k for k in list(descs)[:index] if k in keys]
            keys.insert(keys.index(before[-1]) + 1 if before else 0, key)
    _add_class(module, class_name, (), data, keys, descs)
    return _module_text(module, source)


def _add_class(
    module: _Module,
    name: str,
    path: tuple[str, ...],
    data: Mapping[str, Any],
    keys: list[str],
    descs: Mapping[str, str],
) -> None:
    taken: set[str] = set()
    names = {key: key for key in keys if _field_name(key) == key and not keyword.iskeyword(key)}
    taken.update(names.values())
    names.update({key: _unique(_field_name(key), taken) for key in keys if key not in names})
    body: list[str] = []
    for key in keys:
        body.extend(_field(module, name, (*path, key), data.get(key), names[key], key in data, descs.get(key)))
    if path and all(c.isprintable() and c.isascii() and c not in '"\\`' for c in ".".join(path)):
        doc = f'    """Settings under ``{".".join(path)}``."""'
    else:
        doc = '    """The hyperparameters, with the source file\'s values as defaults."""' if not path else ""
    if not doc or _width(doc) > module.width:
        doc = f'    """Settings of ``{name}``."""'
    module.blocks.append([f"class {name}(tc.HyperParams):", doc, *([""] if body else []), *body])


def _field(
    module: _Module, owner: str, path: tuple[str, ...], value: Any, name: str, present: bool, desc: str | None
) -> list[str]:
    key = path[-1]
    comment: list[str] = []
    if not present or value is None:
        why = "null in the source" if present else "only a desc in the source"
        comment, annotation, default = [f"    # {why}: set the real type"], "str | None", _Prefixed("default=", "None")
    elif isinstance(value, dict) and value and all(_NAME_LIKE.fullmatch(k) for k in value):
        nested = _unique(_class_name(key), module.classes)
        if nested in module.classes - {nested} or nested in _RESERVED_CLASSES:
            nested = _unique(owner + nested, module.classes)
        _add_class(module, nested, path, value, list(value), {})
        annotation, default = nested, _Prefixed("default_factory=", nested)
    else:
        t = _infer(value, ".".join(path))
        annotation = t.text()
        if "Any" in annotation:
            module.needs.add("Any")
        literal = _literal(value, t)
        if "math." in _flat(literal):
            module.needs.add("math")
        if not isinstance(value, (list, dict)):
            default = _Prefixed("default=", literal)
        elif not value:
            default = _Prefixed("default_factory=", type(value).__name__)
        elif not any(isinstance(v, (list, dict)) for v in (value.values() if isinstance(value, dict) else value)):
            # A flat literal: mypy infers the same type the field declares, so a lambda checks.
            default = _Prefixed("default_factory=", _Prefixed("lambda: ", literal))
        else:
            # Nested containers of mixed types: mypy would infer `list[object]` for a lambda's
            # literal, so a function with the declared return type builds the default.
            function = _unique(f"_default_{name}", module.functions)
            head = f"def {function}() -> {annotation}:"
            module.blocks.append([head, *_lines(literal, 4, "    return ", "", module.width)])
            default = _Prefixed("default_factory=", function)
    args: list[_Expr] = [default]
    if name != key:
        args.append(_Prefixed("alias=", _Text(key)))
    if desc is not None:
        args.append(_Prefixed("description=", _Text(desc)))
    call = _Group("tc.Field(", tuple(args), ")")
    return [*comment, *_lines(call, 4, f"    {name}: {annotation} = ", "", module.width)]


def _module_text(module: _Module, source: str | None) -> str:
    summary = '"""Hyperparameters generated by ``typed-config codegen``.'
    where = ""
    if source is not None:
        safe = "".join(c if c.isprintable() and c not in '"\\' else "?" for c in source)
        where = f"\nSource: {safe}\n"
    lines = [summary, where, _HEADER, '"""', "", "from __future__ import annotations", ""]
    if module.needs & {"math", "Any"}:
        lines.extend([*(["import math"] if "math" in module.needs else [])])
        lines.extend([*(["from typing import Any"] if "Any" in module.needs else []), ""])
    lines.append("import typed_config as tc")
    for block in module.blocks:
        lines.extend(["", "", *block])
    return "\n".join(lines) + "\n"


# The command --------------------------------------------------------------------------------------


def add_codegen_command(commands: Any) -> None:
    """Register ``codegen`` on the ``typed-config`` subparsers."""
    parser = commands.add_parser(
        "codegen",
        help="write a typed HyperParams module from a config-defaults.yaml",
        description=(
            "Print a Python module declaring FILE's keys as typed HyperParams fields, with the file's "
            "values as defaults and its desc texts as descriptions, for projects moving from "
            "wandb.config. Exit status 2 when FILE cannot be read or is invalid."
        ),
    )
    parser.add_argument("file", metavar="FILE", help="a config-defaults.yaml (or YAML, JSON, TOML) file")
    parser.add_argument("--class-name", default="HParams", metavar="NAME", help="default: HParams")
    parser.add_argument(
        "--line-length", type=int, default=88, metavar="N", help="lay the code out for N columns (default: 88)"
    )
    parser.set_defaults(run=_run_codegen)


def _run_codegen(args: argparse.Namespace) -> int:
    path: str = args.file
    class_name: str = args.class_name
    if not is_class_name(class_name):
        raise UsageError(f"--class-name: {class_name!r} cannot name a Python class")
    if args.line_length < 40:
        raise UsageError(f"--line-length: {args.line_length} is too short (at least 40)")
    check_readable(path)
    try:
        layer = file_layer(path)
    except ConfigError as exc:
        report(exc.problems)
        return EXIT_USAGE
    raw = layer.document.data if isinstance(layer, FileLayer) else {}
    descs = {k: v["desc"] for k, v in raw.items() if isinstance(v, dict) and isinstance(v.get("desc"), str)}
    try:
        text = generate(
            layer.data, class_name=class_name, descs=descs, source=path, line_length=args.line_length
        )
    except ConfigError as exc:
        report(Problem(p.key, p.message, layer.origin(tuple((p.key or "").split(".")))) for p in exc.problems)
        return EXIT_USAGE
    out(text)
    return EXIT_OK
