"""Work counted, not timed: bounds that a busy machine cannot break.

A wall-clock bound fails whenever the machine running the tests stalls (a 1-second bound once
failed on CI for work that takes a millisecond). The calls a piece of work makes — every Python
function entered and every call into C, as the profiler sees them — are the same on every
machine, so the tests that say "bounded" or "linear" count those instead of seconds.
"""

from __future__ import annotations

import sys
from types import FrameType, TracebackType
from typing import Any

_COUNTED = frozenset({"call", "c_call"})


class Calls:
    """Count the calls made inside a ``with`` block (this thread only)."""

    def __init__(self) -> None:
        self.count = 0
        self._before: Any = None

    def __enter__(self) -> Calls:
        self._before = sys.getprofile()  # put back on the way out, should a tool have set one
        sys.setprofile(self._seen)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        sys.setprofile(self._before)

    def _seen(self, frame: FrameType, event: str, arg: Any) -> None:
        if event in _COUNTED:
            self.count += 1
