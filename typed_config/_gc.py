"""The cyclic garbage collector paused while many objects that all stay alive are made."""

from __future__ import annotations

import gc
from collections.abc import Generator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Generator[None, None, None]:
    """Pause the cyclic collector while many objects that stay alive are made.

    Each burst of allocations (YAML nodes and values, pydantic's error dicts) would otherwise
    start a collection that walks everything alive: quadratic in the size of the input.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
