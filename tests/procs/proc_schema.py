"""The schema the process tests' children and the tests themselves share (importable as ``proc_schema``)."""

from __future__ import annotations

import typed_config as tc


class ProcParams(tc.HyperParams):
    epochs: int = 0
    steps: int = 0
    lr: float = 0.001
    name: str = "proc"
    notes: list[str] = tc.Field(default_factory=list[str])


def _notes(tag: str) -> list[str]:
    # A few kilobytes of text, so a torn write would be visible and a write takes a while.
    return [f"{tag} note {i:04d}: " + "x" * 40 for i in range(80)]


CONFIG_A = {"epochs": 1, "steps": 11, "lr": 0.1, "name": "alpha", "notes": _notes("alpha")}
CONFIG_B = {"epochs": 2, "steps": 22, "lr": 0.2, "name": "beta", "notes": _notes("beta")}
"""The two configs the killed writer alternates between; they differ in every key."""


class DictParams(tc.HyperParams):
    """A run with a dict field that several writers fill key by key."""

    epochs: int = 0
    steps: int = 0
    counters: dict[str, int] = tc.Field(default_factory=dict[str, int])
