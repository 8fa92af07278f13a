"""The cyclic garbage collector paused while many objects that all stay alive are made."""

from __future__ import annotations

import gc
from types import TracebackType


class paused_gc:  # noqa: N801 - used as a function: ``with paused_gc():``
    """Pause the cyclic collector while many objects that stay alive are made.

    Each burst of allocations (YAML nodes and values, pydantic's error dicts) would otherwise
    start a collection that walks everything alive: quadratic in the size of the input. A class,
    not a generator: it is entered for every file read, and a generator's frame costs more.
    """

    __slots__ = ("enabled",)

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self.enabled:
            gc.enable()
