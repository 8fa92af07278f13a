"""Keys that follow a reference after the config is built: resolved again when what they name changes.

A key whose value a ``${...}`` reference set keeps following it. When ``update``, assignment or
an ``Api`` edit changes a key such a reference names, every key that still follows (chains
too) is resolved again from the changed config and validated with the change, all or nothing.
A key set explicitly afterwards stops following. A key the command line or a sweep set does not
follow at all: its value is locked as it was at ``init``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, Generic, Protocol

from pydantic import BaseModel

from typed_config._compose.marks import MARK
from typed_config._compose.references import NAME, ReferenceLayer, interpolate, named_keys, with_notes
from typed_config._errors import ConfigError, Origin, Problem
from typed_config._flat.flatten import flatten_fields
from typed_config._keys.dotted import format_path, unflatten
from typed_config._keys.values import MISSING, field_keys, is_dict, is_list, lookup, to_plain
from typed_config._layers.layers import KeyedLayer, Layer, validate
from typed_config._schema.derived import frozen_key
from typed_config._types import M, Path

LOCKING: Final = frozenset({"command line", "sweep"})
"""Sources whose values are locked: a reference they give does not follow later changes."""


class Reference:
    """A key's reference as written, where it was written, and the keys it names.

    Where it was written may be given as a function: worked out when first asked (an error, a
    record), as a config that never follows a change never asks.
    """

    __slots__ = ("_origin", "targets", "text")

    def __init__(self, text: Any, origin: Origin | Callable[[], Origin], targets: tuple[str, ...]) -> None:
        self.text = text  # a string, or a list that holds references
        self._origin = origin
        self.targets = targets

    @property
    def origin(self) -> Origin:
        """Where the reference was written."""
        if not isinstance(self._origin, Origin):
            self._origin = self._origin()
        return self._origin


@dataclass(frozen=True)
class Followed(Generic[M]):
    """The keys that followed a change: the validated config with them, and each one's new value."""

    model: M
    keys: list[str]  # the keys that hold a reference
    values: dict[str, Any]  # their flat keys' new values (secrets revealed)
    origins: dict[str, Origin]  # each flat key's reference position
    notes: dict[str, str]  # each flat key's ``interpolated from ...``


class NotedLayer(KeyedLayer):
    """A layer of values set by references, each with its note (``interpolated from data.root (...)``)."""

    __slots__ = ("notes",)

    def __init__(self, values: dict[str, Any], origins: dict[str, Origin], notes: dict[str, str]) -> None:
        super().__init__(NAME, unflatten(values), origins, next(iter(origins.values())))
        self.notes = notes

    def note(self, path: Path) -> str:
        return self.notes.get(format_path(path), "")


def related(a: str, b: str) -> bool:
    """Whether one dot-key is the other or holds it."""
    return a == b or a.startswith(b + ".") or b.startswith(a + ".")


def affected(refs: Mapping[str, Reference], changed: Collection[str]) -> dict[str, str]:
    """The keys whose references reach a changed key (through other references too), each with that key."""
    cause: dict[str, str] = {}
    frontier = [(key, key) for key in changed]
    while frontier:
        key, root = frontier.pop()
        for follower, ref in refs.items():
            if follower not in cause and any(related(t, key) for t in ref.targets):
                cause[follower] = root
                frontier.append((follower, root))
    return {k: cause[k] for k in refs if k in cause}


class _Current(Layer):
    """The config as it is before the change, each value traced to where it came from."""

    __slots__ = ("where",)

    def __init__(self, data: dict[str, Any], where: Callable[[str], Origin | None]) -> None:
        super().__init__("the current value", data)
        self.where = where

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:  # noqa: ARG002 - the same for keys
        return self.where(format_path(path)) or Origin(text="schema default")


def follow(
    schema: type[M],
    current: dict[str, Any],
    change: Layer,
    *,
    changed: Collection[str],
    refs: Mapping[str, Reference],
    where: Callable[[str], Origin | None],
) -> Followed[M] | None:
    """Resolve again the references that reach a key ``change`` sets, and validate the changed config.

    Args:
        schema: the config's model.
        current: the config before the change, as plain data (secrets revealed).
        change: the changed keys' new values, with their origins.
        changed: the dot-keys the change sets or removes.
        refs: the keys that follow a reference (none that ``change`` sets).
        where: the origin of a key's current value.

    Raises:
        ConfigError: a key that follows fails to resolve or validate; each problem names it, the
            reference's position and the changed key.
    """
    causes = affected(refs, changed)
    if not causes:
        return None
    written = {key: refs[key].text for key in causes}
    positions = {k: refs[k].origin for k in causes}
    references = KeyedLayer("references", unflatten(written), positions, next(iter(positions.values())))
    layers = [_Current(_escaped(current), where), change, references]
    resolved: ReferenceLayer | None = None
    try:
        resolved = interpolate(schema, layers)
        model = validate(schema, [resolved.resolved() if resolved is not None else references])
    except ConfigError as exc:
        noted = with_notes(exc, [resolved] if resolved is not None else [])
        raise ConfigError([_blamed(p, causes, change) for p in noted.problems], noted.omitted) from None
    assert resolved is not None  # noqa: S101 - the references written hold ``${``
    flat = flatten_fields(model, reveal=True)
    values = {k: v for k, v in flat.items() if any(k == f or k.startswith(f + ".") for f in causes)}
    owner = {k: next(f for f in causes if k == f or k.startswith(f + ".")) for k in values}
    origins = {k: refs[owner[k]].origin for k in values}
    notes = {k: resolved.note(tuple(owner[k].split("."))) for k in values}
    return Followed(model, list(causes), values, origins, notes)


def _blamed(problem: Problem, causes: Mapping[str, str], change: Layer) -> Problem:
    """The problem of a key that follows, naming the changed key it follows (one the change removes too)."""
    cause = next((c for k, c in causes.items() if problem.key is not None and related(problem.key, k)), None)
    if cause is None:
        return problem
    if change.has(tuple(cause.split("."))):
        reason = f"so this change of {cause} is refused"
    else:  # not among the values the change sets: a mapping made smaller lost it
        reason = "which this change removes, so it is refused"
    return Problem(
        problem.key, f"{problem.message}; it follows a reference to {cause}, {reason}", problem.origin
    )


def _escaped(data: Any) -> Any:
    r"""Plain data with each literal ``${`` written ``\\${``, so that resolving again leaves it as it is."""
    if isinstance(data, str):
        return data.replace(MARK, "\\" + MARK) if MARK in data else data
    if is_dict(data):
        return {k: _escaped(v) for k, v in data.items()}
    if is_list(data):
        return [_escaped(v) for v in data]
    return data


class _State(Protocol):
    def lock_of(self, key: str) -> Origin | None: ...
    def setter_of(self, key: str) -> Origin | None: ...
    def add(self, layer: Layer, values: dict[str, Any], removed: Collection[str] = ()) -> None: ...


class Follows:
    """A run config's keys that follow a reference; told of each change before it is made.

    The references may be given as a function that finds them: a config from ``load`` works them
    out at its first change, as most configs never change.
    """

    __slots__ = ("_refs", "reattach", "root", "state", "watched")

    def __init__(
        self,
        root: BaseModel,
        refs: dict[str, Reference] | Callable[[], dict[str, Reference]],
        state: _State,
        reattach: Callable[[], None],
    ) -> None:
        self.root = root
        self._refs = refs
        self.state = state
        self.reattach = reattach  # shares the run's state with models a change put in the tree
        self.watched: tuple[frozenset[str], frozenset[str]] | None = None  # see ``watches``

    @property
    def refs(self) -> dict[str, Reference]:
        """The keys that follow a reference, each with its reference."""
        if callable(self._refs):
            self._refs = self._refs()
        return self._refs

    def watches(self, key: str) -> bool:
        """Whether a change of ``key`` concerns a reference: ``plan`` has something to do.

        A key that follows, one a reference names, or one that holds or is held by either; any
        other key takes the short paths of change, as in a config without references.
        """
        if self.watched is None:
            keys = frozenset({*self.refs, *(t for ref in self.refs.values() for t in ref.targets)})
            held = frozenset(".".join(k.split(".")[:end]) for k in keys for end in range(1, k.count(".") + 2))
            self.watched = keys, held
        named, holders = self.watched
        if key in holders:  # the key, or one that holds it
            return True
        dot = key.rfind(".")
        while dot > 0:  # a key that holds it
            key = key[:dot]
            if key in named:
                return True
            dot = key.rfind(".")
        return False

    def plan(
        self, given: Mapping[str, Any], removed: Collection[str], origin_of: Callable[[str], Origin]
    ) -> Callable[[], None] | None:
        """Check a change of the flat keys ``given`` (values revealed); what to do once it is made.

        Raises:
            ConfigError: a key that follows a reference would be invalid after the change.
        """
        explicit = [k for k in self.refs if any(related(k, g) for g in (*given, *removed))]
        refs = {k: r for k, r in self.refs.items() if k not in explicit}
        if not explicit and not affected(refs, [*given, *removed]):
            return None
        change = KeyedLayer("change", unflatten(dict(given)), {k: origin_of(k) for k in given}, Origin())
        current = to_plain(self.root, reveal=True)
        for key in removed:
            _remove(current, key.split("."))
        followed = follow(
            type(self.root),
            current,
            change,
            changed=[*given, *removed],
            refs=refs,
            where=self.state.setter_of,
        )

        def after() -> None:
            for key in explicit:
                self.refs.pop(key, None)
            self.watched = None if explicit else self.watched
            if followed is not None:
                self.commit(followed)

        return after

    def commit(self, followed: Followed[BaseModel]) -> None:
        """Put the followed values in the config and record them (the run writes them)."""
        old = flatten_fields(self.root, reveal=True)
        changed = {k: v for k, v in followed.values.items() if old.get(k, MISSING) != v}
        if not changed:
            return
        for key in followed.keys:  # only the fields that change: other values keep their objects
            if any(related(key, k) for k in changed):
                _take(self.root, followed.model, key.split("."))
        self.reattach()
        origins = {k: followed.origins[k] for k in changed}
        notes = {k: followed.notes[k] for k in changed}
        self.state.add(NotedLayer(changed, origins, notes), changed)


def _take(root: BaseModel, model: BaseModel, parts: Sequence[str]) -> None:
    """Set the field that holds the key at ``parts`` in ``root`` to its value in ``model``."""
    owner: BaseModel = root
    source: BaseModel = model
    for index, part in enumerate(parts):
        name = next((n for n, k in field_keys(type(owner)) if k == part), None)
        if name is None:
            return
        new, old = source.__dict__[name], owner.__dict__[name]
        if index < len(parts) - 1 and isinstance(new, BaseModel) and type(new) is type(old):
            owner, source = old, new
            continue
        object.__setattr__(owner, name, new)
        owner.__pydantic_fields_set__.add(name)
        return


def _remove(data: dict[str, Any], parts: list[str]) -> None:
    node = lookup(data, tuple(parts[:-1]))
    if is_dict(node):
        node.pop(parts[-1], None)


def run_references(layers: Sequence[Layer], locked: Callable[[str], Origin | None]) -> dict[str, Reference]:
    """The keys a run's references set at init, but those the command line or a sweep locked."""
    found = next((layer for layer in reversed(layers) if isinstance(layer, ReferenceLayer)), None)
    if found is None:
        return {}
    refs: dict[str, Reference] = {}
    for key, path in found.marked.items():
        text = found.resolver.written.get(path, MISSING)
        if text is MISSING or locked(key) is not None:
            continue
        refs[key] = Reference(text, functools.partial(found.resolver.where, path), named_keys(key, text))
    return refs


def run_follows(
    root: BaseModel, layers: Sequence[Layer], state: _State, reattach: Callable[[], None]
) -> Follows | None:
    """What a run's config needs to keep its references followed (None when it has none)."""
    refs = following_refs(type(root), layers, state)
    return Follows(root, refs, state, reattach) if refs else None


def following_refs(schema: type[BaseModel], layers: Sequence[Layer], state: _State) -> dict[str, Reference]:
    """The keys of a config built from ``layers`` that follow a reference, each with its reference.

    A frozen key keeps the value it was built with, as it would refuse any other change.
    """
    return {
        k: r
        for k, r in run_references(layers, state.lock_of).items()
        if frozen_key(schema, k.split(".")) is None
    }
