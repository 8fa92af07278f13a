"""A config from ``load`` or ``loads`` whose keys follow ``${...}`` references, without a run.

Such a config gets a small state of its own: nothing is locked, no provenance is kept, and
``update``, ``setdefaults`` and assignment behave as on any config, but the keys a reference set
follow a change of what they name, as in a run (``_compose/follow.py``). A config without
references gets no state: its assignments pay nothing for this.
"""

from __future__ import annotations

import functools
from collections.abc import Collection, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, cast

from pydantic import BaseModel

from typed_config._compose.follow import Follows, following_refs, related
from typed_config._compose.references import ReferenceLayer
from typed_config._errors import Origin
from typed_config._layers.layers import Layer
from typed_config._model.state import ConfigState
from typed_config._types import M

if TYPE_CHECKING:
    from typed_config._model.model import HyperParams


class LoadedState(ConfigState):
    """The state of a config without a run: only what its keys that follow a reference need.

    It keeps the origin of the current value of each key a reference names (for the notes of
    errors, ``interpolated from data.root (...)``), not a layer per change.
    """

    __slots__ = ("_origins", "_targets", "loaded")

    RECORDS: ClassVar[bool] = False  # the short path of assignment sets a value no reference concerns

    def __init__(self, loaded: ReferenceLayer) -> None:
        super().__init__([])
        self.loaded = loaded  # the layer of resolved references, which knows where each came from
        self._targets: frozenset[str] | None = None
        self._origins: dict[str, Origin | None] | None = None

    @property
    def targets(self) -> frozenset[str]:
        """The keys the references name (found at the first change: most configs never change)."""
        if self._targets is None:
            refs = self.follows.refs if self.follows is not None else {}
            self._targets = frozenset(t for ref in refs.values() for t in ref.targets)
        return self._targets

    @property
    def origins(self) -> dict[str, Origin | None]:
        """Where the current value of each target came from; None: where the load put it, found when asked."""
        if self._origins is None:
            self._origins = dict.fromkeys(self.targets)
        return self._origins

    def is_set(self, key: str) -> bool:  # noqa: ARG002 - nothing counts as set without a run
        """False: ``setdefaults`` sets every key, as on a config without references."""
        return False

    def setter_of(self, key: str) -> Origin | None:
        """Where the current value of ``key`` (a key a reference names) came from."""
        parts = key.split(".")
        for end in range(len(parts), 0, -1):
            at = ".".join(parts[:end])
            if at in self.origins:
                found = self.origins[at]
                if found is None:
                    found = self.origins[at] = self.loaded.source_of(tuple(parts[:end]))
                return found
        return None

    def add(self, layer: Layer, values: dict[str, Any], removed: Collection[str] = ()) -> None:
        """Note where the new values of the keys references name came from; nothing else is kept."""
        for key in (*removed, *values):
            if any(related(key, target) for target in self.targets):
                below = key + "."
                for old in [k for k in self.origins if k == key or k.startswith(below)]:
                    del self.origins[old]
                if key in values:
                    self.origins[key] = layer.origin(tuple(key.split(".")))


def following(config: M, layers: Sequence[Layer]) -> M:
    """``config`` (built from ``layers``), given a state when keys of it follow a reference.

    Only a ``HyperParams`` can follow (its assignment is typed_config's); a frozen key keeps its value.
    """
    found = next((layer for layer in reversed(layers) if isinstance(layer, ReferenceLayer)), None)
    if found is None or "_tc_state" not in type(config).__private_attributes__:
        return config
    state = LoadedState(found)
    state.follows = Follows(
        config,
        functools.partial(following_refs, type(config), list(layers), state),
        state,
        functools.partial(_share, config, state),
    )
    _share(config, state)
    return config


def _share(config: BaseModel, state: ConfigState) -> None:
    """Give the config (and every model in it) the state, as a run's config has its run's."""
    cast("HyperParams", config)._share(state, "")  # noqa: SLF001  # pyright: ignore[reportPrivateUsage]
