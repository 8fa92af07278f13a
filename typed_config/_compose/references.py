r"""``${...}`` references: resolved in the merged data before the one validation, each error positioned.

``${a.b}`` is another key's final value, ``${.x}`` a key of the mapping that holds the reference
(each further dot one mapping up), ``${env:NAME}`` and ``${env:NAME,default}`` an environment
variable, and ``\${`` a literal ``${``. Nothing else: no resolver runs code. A value that is
exactly one reference takes the referenced value with its type; text around a reference makes
the result text.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Sequence
from typing import Any, Final

from pydantic import BaseModel

from typed_config._compose.bases import StackLayer
from typed_config._compose.defaults import REQUIRED, UNKNOWN, schema_value
from typed_config._compose.marks import MARK, SCALARS, holds_mark, marked_places
from typed_config._errors import ConfigError, Origin, Problem
from typed_config._keys.dotted import format_path
from typed_config._keys.values import MISSING, is_dict, is_list, lookup
from typed_config._layers.layers import Layer
from typed_config._layers.merge import merge
from typed_config._schema.names import leaf_names, resolve_key
from typed_config._schema.secrets import holds_secret, secret_at
from typed_config._schema.suggest import suggest
from typed_config._schema.text import convert
from typed_config._types import Path

_TOKEN: Final = re.compile(r"\\\$\{|\$\{([^${}]*)\}|\$\{")
_KEY: Final = re.compile(r"(\.*)([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*)")
_LONE: Final = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_-]+)*)\}")
_ENV: Final = re.compile(r"env:([A-Za-z_][A-Za-z0-9_]*)(?:,(.*))?", re.DOTALL)
_LONE_KEYS: Final = re.compile(
    r"\$\{([A-Za-z_][A-Za-z0-9_-]*(?:\.(?![0-9]+[.}])[A-Za-z0-9_-]+)*)\}"
)  # no list index
_INDEX: Final = re.compile(r"(?:^|\.)[0-9]+(?:\.|$)")  # a part of a key that is a list index
_ONLY_KEYS: Final = re.compile(r"(?:\$\{" + _KEY.pattern + r"\})+")
_FAILED: Final = object()
NAME: Final = "interpolation"
"""The name of the layer that holds resolved references."""
WRITTEN_AT: Final = "written at "
"""The note of a reference that sets a whole mapping, shown at each key inside it: ``written at eval_data``."""


class ReferenceLayer(Layer):
    """The values of keys set by references; each traced to the reference, with a note of its target.

    Origins and notes are found when asked for (by explain and errors), not for every reference;
    so are the layer's nested data and its keys: a config from ``load`` that never changes and
    reports nothing never asks.
    """

    __slots__ = ("_data", "_keys", "_values", "resolver")

    def __init__(self, values: list[Any], resolver: _Resolver) -> None:
        super().__init__(NAME, {})
        self._values = values  # each reference's resolved value, in the order of ``resolver.written``
        self._data: dict[str, Any] | None = None
        self._keys: dict[str, Path] | None = None
        self.resolver = resolver

    @property
    def data(self) -> dict[str, Any]:  # made when asked
        if self._data is None:
            self._data = {}
            for path, value in zip(self.resolver.written, self._values, strict=True):
                _put(self._data, path, value)
        return self._data

    @data.setter
    def data(self, value: dict[str, Any]) -> None:
        self._data = value or None  # the base class's empty mapping: made from the places when asked

    @property
    def marked(self) -> dict[str, Path]:
        """Each reference's dot-key and its path."""
        if self._keys is None:
            self._keys = {format_path(path): path for path in self.resolver.written}
        return self._keys

    def _marked(self, path: Path) -> Path | None:
        for end in range(len(path), 0, -1):
            found = self.marked.get(format_path(path[:end]))
            if found is not None:
                return found
        return None

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:  # noqa: ARG002 - the same for keys
        found = self._marked(path)
        return Origin(text=NAME) if found is None else self.resolver.where(found)

    def note(self, path: Path) -> str:
        found = self._marked(path)
        return "" if found is None else self.resolver.note(found)

    def whole(self, path: Path) -> tuple[Path, Any, Layer] | None:
        """Where a key inside a value a reference sets whole (``eval_data: ${data}``) was written.

        The reference's path, its text as written and the layer that wrote it; None for any other key.
        """
        found = self._marked(path)
        if found is None or len(found) == len(path):
            return None
        text = self.resolver.written.get(found, MISSING)
        layer = next((one for one in reversed(self.resolver.layers) if one.has(found)), None)
        return None if text is MISSING or layer is None else (found, text, layer)

    def source_of(self, path: Path) -> Origin:
        """Where the value at ``path`` came from in the layers below (``schema default`` when none sets it)."""
        return self.resolver.where(path)

    def resolved(self) -> Layer:
        """Every layer below and this one as one layer, merged: what validation reads."""
        return self.resolver.stacked(self)

    def release(self) -> None:
        for layer in self.resolver.layers:
            layer.release()

    def givers(self) -> tuple[Layer, ...]:
        return ()  # each value replaces a reference a source below gave at the same key


def interpolate(schema: type[BaseModel], layers: Sequence[Layer]) -> ReferenceLayer | None:
    """The layer of resolved references over ``layers``, or None when no value holds ``${``.

    Raises:
        ConfigError: every reference that cannot be resolved, at its position.
    """
    if not any(holds_mark(layer.data) for layer in reversed(layers)):  # the command line first
        return None
    return _Resolver(schema, layers).run()


class _Resolver:
    """One resolution pass: each key's value resolved once, cycles and bad references reported."""

    def __init__(self, schema: type[BaseModel], layers: Sequence[Layer]) -> None:
        self.schema = schema
        self.layers = list(layers)  # the layer of results goes on top of the caller's list, not this one
        # `{}` on top makes the result own every mapping even for one layer: resolved values go in it.
        self.merged = merge([*(layer.data for layer in layers), {}], schema)
        self.written: dict[Path, Any] = {}  # each reference as written, once resolved values are in
        self.done: dict[Path, Any] = {}
        self.active: list[Path] = []
        self.problems: list[Problem] = []
        self.secrets = holds_secret(schema)  # most schemas have none: no check per reference

    def run(self) -> ReferenceLayer | None:
        places = marked_places(self.merged)
        if not places:
            return None
        values = [self.first(path, holder[key]) for path, holder, key in places]  # from the text as written
        if self.problems:  # a value that failed told why
            raise ConfigError(_unique(self.problems))
        written = self.written
        for (path, holder, key), value in zip(places, values, strict=True):
            written[path] = holder[key]
            holder[key] = value  # the merge made every mapping in it
        return ReferenceLayer(values, self)

    def stacked(self, top: Layer) -> StackLayer:
        """Every layer and ``top`` as one, holding the merged data with references resolved."""
        return StackLayer(NAME, [*self.layers, top], data=self.merged)

    def where(self, path: Path) -> Origin:
        """The origin of the value at ``path``: the highest layer that sets it."""
        for layer in reversed(self.layers):
            if path and layer.has(path):
                return layer.origin(path)
        return Origin(text="schema default")

    def note(self, path: Path) -> str:
        raw = self.written.get(path, MISSING)
        targets = [m.group(1) for m in _TOKEN.finditer(raw)] if isinstance(raw, str) else []
        shown = [self.absolute(path, t) for t in targets if t and not t.startswith("env:")]
        named = ", ".join(f"{format_path(t)} ({self.where(t)})" for t in shown if t is not None)
        return f"interpolated from {named}" if named else "interpolated"

    def value(self, path: Path) -> Any:
        """The final value at ``path``, references resolved (``_FAILED`` after a reported problem)."""
        if path in self.done:
            return self.done[path]
        if path in self.active:
            self.cycle(path)
            return _FAILED
        raw = lookup(self.merged, path)
        if raw is MISSING:
            raw = schema_value(self.schema, path)
        self.active.append(path)
        try:
            result = self.resolved(path, raw)
        finally:
            self.active.pop()
        self.done[path] = result
        return result

    def resolved(self, path: Path, raw: Any) -> Any:
        if isinstance(raw, str):
            return self.text(path, raw) if MARK in raw else raw
        if is_dict(raw):
            items = {k: self.value((*path, k)) for k in raw}
            return _FAILED if _FAILED in items.values() else items
        if is_list(raw):
            values = [self.value((*path, i)) for i in range(len(raw))]
            return _FAILED if any(v is _FAILED for v in values) else values
        return raw

    def text(self, path: Path, raw: str) -> Any:
        """Resolve the references in one string: a lone reference keeps its value's type."""
        lone = _LONE.fullmatch(raw)
        if lone is not None:  # the common case, without the tokenizer
            return self.lone(path, lone.group(1))
        pieces: list[Any] = []
        end = 0
        for match in _TOKEN.finditer(raw):
            pieces.append(raw[end : match.start()])
            end = match.end()
            if match.group(0) == "\\${":
                pieces.append(MARK)
                continue
            if match.group(1) is None:
                return self.fail(path, "a '${' that is not closed, or a reference inside a reference")
            value = self.reference(path, match.group(1))
            if value is _FAILED:
                return _FAILED
            pieces.append(value)
        pieces.append(raw[end:])
        if len(pieces) == 3 and pieces[0] == "" and pieces[2] == "":
            return pieces[1]
        return "".join(p if isinstance(p, str) else _render(p) for p in pieces)

    def first(self, path: Path, raw: Any) -> Any:
        """``value(path)`` for the text at a marked place: a lone reference to a number found at once."""
        lone = (
            _LONE_KEYS.fullmatch(raw)
            if type(raw) is str and not self.secrets and path not in self.done
            else None
        )
        found = MISSING
        if lone is not None:  # the key as written: no list index to work out, no secret to check
            found = lookup(self.merged, tuple(lone.group(1).split(".")))
            found = found if type(found) in SCALARS else MISSING
        if found is MISSING:
            return self.value(path)
        self.done[path] = found
        return found

    def lone(self, path: Path, body: str) -> Any:
        """A reference to a key written whole (``${a.b}``)."""
        found = self.scalar_at(body)
        return self.reference(path, body) if found is MISSING else found

    def scalar_at(self, body: str) -> Any:
        """The number, bool or None at the key ``body`` names absolutely; else ``MISSING``: the full way."""
        if self.secrets or _INDEX.search(body) is not None:  # a secret to check, a list index to work out
            return MISSING
        found = lookup(self.merged, tuple(body.split(".")))
        return found if type(found) in SCALARS else MISSING

    def reference(self, path: Path, body: str) -> Any:
        env = _ENV.fullmatch(body) if body.startswith("env:") else None
        if env is not None:
            return self.environment(path, env.group(1), env.group(2))
        target = self.absolute(path, body)
        if target is None:
            return self.fail(
                path,
                f"'${{{body}}}' is not a reference: write ${{key}}, ${{.key}} or ${{env:NAME[,default]}} "
                "(no resolvers run code)",
            )
        if self.secrets and secret_at(self.schema, target) and not secret_at(self.schema, path):
            return self.fail(path, f"'${{{body}}}' refers to a secret, which only a secret may take")
        found = lookup(self.merged, target)
        if found is MISSING:
            found = schema_value(self.schema, target)
            if found is UNKNOWN:
                names = sorted(set(leaf_names(self.schema)))
                return self.fail(path, f"'${{{body}}}' names no key" + suggest(format_path(target), names))
            if found is REQUIRED:
                return self.fail(
                    path, f"'${{{body}}}' refers to {format_path(target)}, a required value that nothing sets"
                )
        elif type(found) in SCALARS:
            return found  # a number, bool or None holds no reference: nothing to resolve or cache
        return self.value(target)

    def absolute(self, path: Path, body: str) -> Path | None:
        """The path ``body`` names, seen from the value at ``path`` (None when it is no key)."""
        match = _KEY.fullmatch(body)
        if match is None:
            return None
        parts = match.group(2).split(".")
        if not match.group(1) and _INDEX.search(match.group(2)) is None:
            return tuple(parts)  # absolute, no list index: the path as written
        dots = len(match.group(1))
        base = path[: max(len(path) - dots, 0)] if dots else ()
        node = lookup(self.merged, base)
        out: list[str | int] = list(base)
        for part in parts:
            step: str | int = int(part) if part.isdigit() and is_list(node) else part
            out.append(step)
            node = lookup(node, (step,)) if node is not MISSING else MISSING
        return tuple(out)

    def environment(self, path: Path, name: str, default: str | None) -> Any:
        text = os.environ.get(name, default)
        if text is None:
            return self.fail(path, f"'${{env:{name}}}': the environment variable {name} is not set")
        target = resolve_key(self.schema, format_path(path))
        if target is None:
            return text
        try:
            return convert(target[1], text)
        except ValueError:
            return text  # validation names the key and the value

    def cycle(self, path: Path) -> None:
        loop = [*self.active[self.active.index(path) :], path]
        shown = " -> ".join(f"{format_path(p)} ({self.where(p)})" for p in loop)
        self.fail(self.active[-1], f"references form a cycle: {shown}")

    def fail(self, path: Path, message: str) -> Any:
        self.problems.append(Problem(format_path(path) or None, message, self.where(path)))
        return _FAILED


def only_keys(text: Any) -> bool:
    """Whether ``text`` is only references to keys (``${token}``, ``${a}${.b}``): it names keys, shows no value."""
    return isinstance(text, str) and _ONLY_KEYS.fullmatch(text) is not None


def named_keys(key: str, text: Any) -> tuple[str, ...]:
    """The dot-keys the references in ``text`` (a string, or a list holding strings) at ``key`` name."""
    lone = _LONE.fullmatch(text) if isinstance(text, str) else None
    if lone is not None:  # the common case: one absolute reference, the key as written
        return (lone.group(1),)
    texts = _strings(text)
    path = key.split(".")
    found: list[str] = []
    for one in texts:
        for match in _TOKEN.finditer(one):
            named = _KEY.fullmatch(match.group(1) or "")
            if named is not None:
                dots = len(named.group(1))
                found.append(
                    ".".join(
                        [*path[: max(len(path) - dots, 0)], named.group(2)] if dots else [named.group(2)]
                    )
                )
    return tuple(found)


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    items = value.values() if is_dict(value) else value if is_list(value) else []
    return [text for item in items for text in _strings(item)]


def _render(value: Any) -> str:
    """A value inside text: strings as they are, everything else as JSON (``true``, ``[1, 2]``)."""
    return json.dumps(value, ensure_ascii=False, default=str)


def _put(data: dict[str, Any], path: Path, value: Any) -> None:
    node = data
    for part in path[:-1]:
        node = node.setdefault(str(part), {})
    node[str(path[-1])] = value


def _unique(problems: list[Problem]) -> list[Problem]:
    seen: set[str] = set()
    out: list[Problem] = []
    for problem in problems:
        if str(problem) not in seen:
            seen.add(str(problem))
            out.append(problem)
    return out


def with_notes(error: ConfigError, layers: Sequence[Layer]) -> ConfigError:
    """Add to each problem with a value set by a reference where the referenced value came from."""
    found = [layer for layer in layers if isinstance(layer, ReferenceLayer)]
    if not found:
        return error
    marked = found[-1].marked
    noted = [
        Problem(p.key, f"{p.message} ({found[-1].resolver.note(marked[p.key])})", p.origin)
        if p.key is not None and p.key in marked
        else p
        for p in error.problems
    ]
    return ConfigError(noted, error.omitted)
