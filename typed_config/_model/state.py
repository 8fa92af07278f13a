"""A run config's state: which keys are set, which the command line locked, and the layers that set them.

After ``init``, a key whose value comes only from the schema default is not yet set (like a new
key in wandb); its first explicit value is free. Changing a set value needs
``allow_val_change=True``, unless the change is a deliberate single assignment. Values from the
command line (a sweep's choices) are locked: code cannot replace them at all.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, ClassVar

from pydantic import BaseModel

from typed_config._errors import Origin, Problem, show
from typed_config._flat.flatten import flatten
from typed_config._keys.dotted import unflatten
from typed_config._keys.values import is_dict, to_plain
from typed_config._layers.layers import KeyedLayer, Layer, provenance
from typed_config._layers.merge import merge
from typed_config._types import Path

if TYPE_CHECKING:
    from typed_config._compose.follow import Follows


class ConfigState:
    """The bookkeeping behind one run's config, shared by every model in its tree."""

    __slots__ = ("closed", "follows", "layers", "listener", "locked", "pending", "set_keys", "started")

    RECORDS: ClassVar[bool] = True
    """Whether changes are checked and recorded (a run's); a config from ``load`` only follows references."""

    def __init__(self, layers: Sequence[Layer], locked: Iterable[tuple[str, Origin]] = ()) -> None:
        self.layers: list[Layer] = list(layers)
        self.set_keys: set[str] = set(flatten(merge([layer.data for layer in layers])) if layers else ())
        self.locked: dict[str, Origin] = dict(locked)
        self.started = False
        # Told after every recorded change: the flat keys it set, with their values, and those it removed.
        self.listener: Callable[[dict[str, Any], Collection[str]], None] | None = None
        self.closed: str | None = None  # what ended the run (``run.finish() at ...``): no change after it
        self.follows: Follows | None = None  # the keys that follow a ``${...}`` reference, if any
        self.pending: Callable[[], None] | None = None  # what follows the change being made (see plan)

    def is_set(self, key: str) -> bool:
        """Whether ``key`` (or a value that holds it, or one it holds) was given explicitly."""
        return _related(key, self.set_keys) is not None

    def lock_of(self, key: str) -> Origin | None:
        """The command-line argument that locked ``key``, if one did."""
        if not self.locked:  # a config from ``load``, a run without a command line: nothing to look for
            return None
        found = _related(key, self.locked)
        return None if found is None else self.locked[found]

    def setter_of(self, key: str) -> Origin | None:
        """Where the current value of ``key`` came from."""
        chain = provenance(self.layers, _path(key))
        return chain[-1][2] if chain else None

    def check(
        self,
        changed: dict[str, tuple[Any, Any]],
        origin_of: Callable[[str], Origin],
        *,
        allow_val_change: bool,
        deliberate: bool,
    ) -> list[Problem]:
        """Problems with changing each key from its old value to its new one."""
        self.pending = None  # a change starts: a plan for one that failed half-way is gone
        problems: list[Problem] = []
        for key, (old, new) in changed.items():
            lock = self.lock_of(key)
            if self.closed is not None:
                message = f"the run has finished ({self.closed}); its config can no longer change"
                problems.append(Problem(key, message, origin_of(key)))
            elif lock is not None:
                problems.append(
                    Problem(
                        key,
                        f"is locked: {lock} set it (a command-line or sweep value); code cannot change it",
                        origin_of(key),
                    )
                )
            elif self.started and not deliberate and not allow_val_change and self.is_set(key):
                where = self.setter_of(key)
                problems.append(
                    Problem(
                        key,
                        f"already set to {show(old)} by {where}; changing it to {show(new)} "
                        "needs allow_val_change=True",
                        origin_of(key),
                    )
                )
        return problems

    def record(
        self,
        name: str,
        values: dict[str, Any],
        origin_of: Callable[[str], Origin],
        removed: Collection[str] = (),
    ) -> None:
        """Add a layer of changes (flat dot-keys), so provenance shows them; ``removed`` keys are gone.

        Then the keys that follow a reference to a changed key follow (as ``plan`` found).
        """
        if len(values) == 1:  # one key (an assignment): a small layer, its nested data made when read
            [(key, value)] = values.items()
            self.add(OneKeyLayer(name, key, value, origin_of(key)), values, removed)
        elif values:
            origins = {key: origin_of(key) for key in values}
            fallback = next(iter(origins.values()))
            self.add(KeyedLayer(name, unflatten(values), origins, fallback), values, removed)
        elif removed and self.listener is not None:
            self.listener({}, removed)
        pending, self.pending = self.pending, None
        if pending is not None:
            pending()

    def plan(
        self,
        prefix: str,
        given: Mapping[str, Any],
        origin_of: Callable[[str], Origin],
        removed: Collection[str] = (),
    ) -> None:
        """Before a checked change is made: check the keys that follow a reference to a key it sets.

        ``given`` maps the dot-keys set (under ``prefix``) to their new values, ``removed`` lists
        the full dot-keys it removes (a mapping that lost keys); ``record`` makes the keys that
        follow them follow, after the change.

        Raises:
            ConfigError: a key that follows would be invalid; nothing is changed.
        """
        if (
            self.follows is not None
        ):  # the callers check it first too: a config without references pays nothing
            values = {prefix + k: to_plain(v, reveal=True) for k, v in given.items()}
            self.pending = self.follows.plan(values, removed, origin_of)

    def add(self, layer: Layer, values: dict[str, Any], removed: Collection[str] = ()) -> None:
        """Add a layer that sets ``values`` (flat dot-keys) and tell the listener."""
        self.layers.append(layer)
        self.set_keys.update(values)
        if self.listener is not None:
            self.listener(values, removed)

    def record_one(self, name: str, key: str, value: Any, origin: Origin) -> None:
        """``record`` of one key's new value (an assignment) in few steps, for a config whose keys follow no reference."""
        self.pending = None  # as ``check`` starts a change: nothing planned follows this one
        self.layers.append(OneKeyLayer(name, key, value, origin))
        self.set_keys.add(key)
        if self.listener is not None:
            self.listener({key: value}, ())


class OneKeyLayer(Layer):
    """A change of one key (an assignment), held as its key and value: few objects for a run to keep.

    Its nested ``data`` is made when something reads it (provenance, ``explain``).
    """

    __slots__ = ("at", "key", "value")

    def __init__(
        self, name: str, key: str, value: Any, origin: Origin
    ) -> None:  # no data slot: ``data`` is made when read
        self.name = name
        self.key = key
        self.value = value
        self.at = origin

    @property
    def data(self) -> dict[str, Any]:  # type: ignore[override]  # read only: made from the key
        """The change as nested data."""
        *parents, last = self.key.split(".")
        data: dict[str, Any] = {last: self.value}
        for part in reversed(parents):
            data = {part: data}
        return data

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:  # noqa: ARG002 - one origin
        """Where the change came from (one origin, as a ``KeyedLayer`` of one key gives for every path)."""
        return self.at


def unset_only(layer: Layer, state: ConfigState, prefix: str) -> Layer:
    """The part of a layer whose keys are not set yet (for setdefaults)."""
    flat = flatten(layer.data)
    kept = {k: v for k, v in flat.items() if not state.is_set(prefix + k)}
    origins = {k: layer.origin(tuple(k.split("."))) for k in kept}
    return KeyedLayer(layer.name, unflatten(kept), origins, layer.origin(()))


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The flat keys whose values differ, with (old, new); a missing key counts as None."""
    return {
        key: (old.get(key), new.get(key))
        for key in {**old, **new}
        if not same_value(old.get(key, _ABSENT), new.get(key, _ABSENT))
    }


_ABSENT = object()


def same_value(a: object, b: object) -> bool:
    """``a == b`` for config values, except that NaN equals NaN at any depth (in lists, dicts, models).

    ``==`` says a NaN equals only the very same float object, so two configs read from the same
    file would differ, and setting a NaN again would count as a change.
    """
    if a == b:
        return True
    if isinstance(a, float) and isinstance(b, float):
        return math.isnan(a) and math.isnan(b)
    if type(a) is not type(b):
        return False
    if is_dict(a) and is_dict(b):
        return a.keys() == b.keys() and all(same_value(value, b[key]) for key, value in a.items())
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(map(same_value, a, b))  # pyright: ignore[reportUnknownArgumentType]
    if isinstance(a, BaseModel) and isinstance(b, BaseModel):
        return same_value(a.__dict__, b.__dict__) and same_value(a.__pydantic_extra__, b.__pydantic_extra__)
    return False


def _related(key: str, keys: Iterable[str]) -> str | None:
    """``key`` itself, a key that holds it, or a key it holds, if any is in ``keys``."""
    pool: set[str] | dict[str, Any] = keys if isinstance(keys, (set, dict)) else set(keys)  # pyright: ignore[reportUnknownVariableType]
    if key in pool:
        return key
    parts = key.split(".")
    for end in range(len(parts) - 1, 0, -1):
        parent = ".".join(parts[:end])
        if parent in pool:
            return parent
    below = key + "."
    return next((k for k in pool if k.startswith(below)), None)


def _path(key: str) -> Path:
    return tuple(key.split("."))
