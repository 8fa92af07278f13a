"""Layers of values with their origins: merged in order, validated once, errors mapped back.

A layer is one source's values as nested data (dot-keys already expanded), plus a way to say
where any value in it came from. Layers merge key by key at the level of dot-keys: a later layer
that sets ``optimizer.lr`` keeps ``optimizer.name`` from an earlier one; lists are replaced; a
later ``{}`` or ``null`` replaces everything below it. The merged data is validated once, by
pydantic's strict JSON mode (exactly our strictness rule: lossless widening only), with unknown
keys forbidden at every depth. Each pydantic error is mapped back to the layer and position of
the value that caused it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails, PydanticSerializationError, to_json

from typed_config._errors import MAX_PROBLEMS, ConfigError, Origin, Problem, single
from typed_config._gc import paused_gc
from typed_config._keys.dotted import keep_name, segment_problem
from typed_config._keys.values import MISSING, is_dict, lookup, to_plain
from typed_config._layers.error_map import NO_SOURCE, has_unions, map_errors
from typed_config._layers.merge import merge
from typed_config._layers.trim import trimmed
from typed_config._schema.derived import computed_mismatches, without_computed
from typed_config._schema.dict_defaults import dict_defaults
from typed_config._schema.suggest import suggest
from typed_config._schema.unions import discriminators
from typed_config._schema.widening import inexact_integers, may_lose_digits
from typed_config._types import M, Path, T


class Layer:
    """One source's values, as nested data, with the origin of each."""

    __slots__ = ("data", "name")

    def __init__(self, name: str, data: dict[str, Any]) -> None:
        self.name = name
        self.data = data

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:  # noqa: ARG002 - for subclasses
        """Where the value at ``path`` (or its key, when ``at_key``) came from."""
        return Origin(text=self.name)

    def has(self, path: Path) -> bool:
        """Whether this layer sets a value at ``path``."""
        return lookup(self.data, path) is not MISSING

    def position(self, path: Path, *, at_key: bool = False) -> tuple[int, int]:
        """The line and column of ``origin(path)`` (0 when it has none), for ordering problems."""
        origin = self.origin(path, at_key=at_key)
        return origin.line or 0, origin.column or 0

    def documented(self) -> frozenset[str]:
        """Top-level keys this layer names without setting them (``{desc}``-only wrappers)."""
        return frozenset()

    def note(self, path: Path) -> str:  # noqa: ARG002 - for subclasses
        """How the value at ``path`` was made, when not as written (``interpolated from data.root``)."""
        return ""

    def release(self) -> None:
        """Let go of what positions are worked out from (a file's node tree): worked out again if asked.

        Layers that wrap layers release those.
        """

    def givers(self) -> tuple[Layer, ...]:
        """The layers that gave this one's values: itself, or the sources a layer made of others holds.

        Whether a source gives keys one by one (a ``KeyedLayer``) or whole values (a file) decides
        whether a mapping field's default stays under its keys (``_dict_defaults_under``).
        """
        return (self,)


class KeyedLayer(Layer):
    """A layer whose values were given by dot-key, each with its own origin (argv, dicts)."""

    __slots__ = ("fallback", "origins")

    def __init__(
        self, name: str, data: dict[str, Any], origins: Mapping[str, Origin], fallback: Origin
    ) -> None:
        super().__init__(name, data)
        self.origins = origins
        self.fallback = fallback

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:  # noqa: ARG002 - same for keys
        parts = [p for p in path if isinstance(p, str)]
        for end in range(len(parts), 0, -1):
            found = self.origins.get(".".join(parts[:end]))
            if found is not None:
                return found
        below = ".".join(parts) + "."  # a mapping given key by key: where its first key came from
        return next((o for k, o in self.origins.items() if k.startswith(below)), self.fallback)


def validate(schema: type[M], layers: Sequence[Layer], *, whole: bool = False) -> M:
    """Merge the layers and validate the result against ``schema`` by typed_config's rules.

    Keys given by path (command line, environment, dicts from code) into a mapping field merge
    with the field's schema default, unless a file sets the field (a file gives a whole value)
    or ``whole`` says every layer holds whole values (``from_flat``, a tracker's config).

    Raises:
        ConfigError: every problem, each with the origin of the value that caused it.
    """
    datas = [layer.data for layer in layers]
    below = [] if whole else _dict_defaults_under(schema, layers)
    merged = merge(datas, schema) if layers else {}
    if below:  # under everything merged: a choice of preset below a key's source drops no default
        merged = merge([*below, merged], schema)
    merged = _with_default_tags(merged, schema)
    unknown = _undocumented(schema, layers)
    merged, computed = without_computed(schema, merged)
    try:
        payload = encode(merged)
    except (PydanticSerializationError, RecursionError, ValueError) as exc:
        # Sources bound what they read; a value built by code may still be too deep to encode.
        where = layers[-1].origin(()) if layers else NO_SOURCE
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise single(f"a value is too deeply nested or too large to validate ({reason})", where) from None
    long_integers = may_lose_digits(payload)
    checked, dropped = _bounded(schema, merged, payload, long_integers=long_integers)
    config, errors = attempt(lambda: schema.model_validate_json(checked, strict=True, extra="forbid"))
    if config is None:  # a model never validates to None: pydantic said why
        # Integers a float would change are judged by the declared types here: there is no
        # validated config to read the values from.
        inexact = inexact_integers(schema, merged) if long_integers else []
        mapped = map_errors(errors or [], schema, merged, layers, extra=inexact, omitted=dropped)
        raise ConfigError(unknown + mapped.problems, mapped.omitted)
    if unknown:
        raise ConfigError(unknown)
    if computed:  # a computed key given a value: fine when it is the value it computes
        mismatches = computed_mismatches(config, computed)
        if mismatches:
            raise ConfigError(*map_errors([], schema, merged, layers, extra=mismatches))
    if long_integers:
        inexact = inexact_integers(schema, merged, config)
        if inexact:
            raise ConfigError(*map_errors([], schema, merged, layers, extra=inexact))
    return config


def _bounded(
    schema: type[BaseModel], merged: Any, payload: bytes, *, long_integers: bool
) -> tuple[bytes, int]:
    """The payload pydantic validates, and how many errors it would have found in what was left out.

    Past a container's first ``MAX_PROBLEMS`` bad items pydantic's errors are only counted
    (``trim.py``): a file of 8 million bad values is refused in the time it takes to count
    them. Not with unions (whose errors are all compared) or integers long enough to be checked
    against float fields (those checks see every value); the whole payload is encoded first, so
    a value that cannot be encoded is refused whether or not it would be left out.
    """
    if len(payload) <= 2 * MAX_PROBLEMS or long_integers or has_unions(schema):
        return payload, 0  # too short to hold more than MAX_PROBLEMS bad items (`1,` each) in one place
    cut = trimmed(schema, merged)
    return (encode(cut.data), cut.dropped) if cut.dropped else (payload, 0)


def attempt(call: Callable[[], T]) -> tuple[T, None] | tuple[None, list[ErrorDetails]]:
    """``call()``'s result, or pydantic's errors when it raises ``ValidationError``.

    A ``ConfigError`` raised from the errors is raised outside the ``except`` block, so it chains
    no pydantic error (whose text holds the input, secrets included) as its ``__context__``.
    """
    try:
        return call(), None
    except ValidationError as exc:
        with paused_gc():  # a file may hold a million bad values: one error dict each
            return None, exc.errors(include_url=False)


def _dict_defaults_under(schema: type[BaseModel], layers: Sequence[Layer]) -> list[dict[str, Any]]:
    """The defaults of mapping fields that keyed layers set keys under and no file sets: the lowest layer.

    Layers made of others (a file with its bases, one that chose presets, the resolved references)
    are judged by the sources they hold.
    """
    layers = [given for layer in layers for given in layer.givers()]
    below: dict[str, Any] = {}
    for path, value in dict_defaults(schema).items():
        keyed = (
            is_dict(node := lookup(layer.data, path)) and node
            for layer in layers
            if isinstance(layer, KeyedLayer)
        )
        if any(keyed) and all(
            lookup(layer.data, path) is MISSING for layer in layers if not isinstance(layer, KeyedLayer)
        ):
            node = below
            for part in path[:-1]:
                node = node.setdefault(part, {})
            node[path[-1]] = value
    return [below] if below else []


def _with_default_tags(merged: dict[str, Any], schema: type[BaseModel]) -> dict[str, Any]:
    """Give a discriminated union the tag of its default when sources set keys but not the tag.

    ``--opt.lr=0.01`` on a field whose default is the Adam variant means Adam's ``lr``: without
    the tag pydantic could not tell which variant the keys are for.
    """
    for path, (name, default) in discriminators(schema).items():
        node = lookup(merged, path)
        if default is None or not is_dict(node) or not node or name in node:
            continue
        merged = _set_copied(merged, path, {**node, name: default})
    return merged


def _set_copied(data: dict[str, Any], path: Path, value: Any) -> dict[str, Any]:
    """``data`` with ``value`` at ``path``, copying the dicts on the way (layers stay untouched)."""
    head, *rest = (str(part) for part in path)  # union fields sit in models: their path is keys
    copy = dict(data)
    copy[head] = _set_copied(data[head], tuple(rest), value) if rest else value
    return copy


def _undocumented(schema: type[BaseModel], layers: Sequence[Layer]) -> list[Problem]:
    """A key documented but not set (``epchs: {desc: ...}``) must still be a key of the schema."""
    problems: list[Problem] = []
    for layer in layers:
        names = layer.documented()
        if names:
            keys = [info.alias or name for name, info in schema.model_fields.items()]
            problems.extend(
                Problem(name, "unknown key" + suggest(name, keys), layer.origin((name,), at_key=True))
                for name in sorted(names - set(keys))
            )
    return problems


def encode(data: object) -> bytes:
    """JSON for validation: enums, paths, dates and numpy scalars become plain JSON values."""
    return to_json(data, fallback=to_plain)


def gather(read: tuple[Layer, list[Problem]], layers: list[Layer], problems: list[Problem]) -> Layer | None:
    """Add what a source returned: its layer, or, when it found problems, only its problems.

    A layer with problems is left out: a file that could not be read would make keys look missing.
    Returns the layer when it was added.
    """
    layer, found = read
    if found:
        problems.extend(found)
        return None
    layers.append(layer)
    return layer


def keyed_layer(
    name: str, entries: Sequence[tuple[str, Any, Origin]], fallback: Origin
) -> tuple[KeyedLayer, list[Problem]]:
    """Build a layer from (dot-key, value, origin) entries.

    A key set twice to different values, or set both as a value and as a parent of another key,
    is a problem naming both origins.
    """
    data: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    parents: dict[str, str] = {}  # each interior dot-key -> the first leaf key under it
    problems: list[Problem] = []
    for key, value, origin in entries:
        parts = key.split(".")
        bad = next((reason for part in parts if (reason := segment_problem(part))), None)
        if bad is not None:
            problems.append(Problem(key, bad, origin))
            continue
        prefixes = [".".join(parts[:end]) for end in range(1, len(parts))]
        if key in origins and lookup(data, tuple(parts)) == value:
            continue  # the same value twice (a sweep's nested and dotted forms): nothing to choose
        if keep_name(data, parts, value, origins):  # `--optimizer=sgd --optimizer.lr=0.05`
            origins[key] = origin
            continue
        other = origins.get(key) or next((origins[p] for p in prefixes if p in origins), None)
        if other is None and key in parents:
            other = origins[parents[key]]
        if other is not None:
            problems.append(Problem(key, f"is also set by {other}", origin))
            continue
        origins[key] = origin
        for prefix in prefixes:
            parents.setdefault(prefix, key)
        node = data
        for part in parts[:-1]:
            node = node.setdefault(part, {})
        node[parts[-1]] = value
    return KeyedLayer(name, data, origins, fallback), problems


def provenance(layers: Sequence[Layer], path: Path) -> list[tuple[Layer, Any, Origin]]:
    """Every layer that sets ``path``, lowest first, with its value and origin."""
    chain: list[tuple[Layer, Any, Origin]] = []
    for layer in layers:
        value = lookup(layer.data, path)
        if value is not MISSING:
            chain.append((layer, value, layer.origin(path)))
    return chain
