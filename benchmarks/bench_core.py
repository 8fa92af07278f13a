"""Load+validate, flatten and attribute access: typed_config timed side by side with the naive paths."""

from __future__ import annotations

import gc
import os
import statistics
import tempfile
import time
import timeit
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import yaml
from _generate import ACCESS_PATH, SHAPES, Workload, build_plain_twin, build_workload, naive_unwrap

import typed_config as tc

SIZES = (1_000, 20_000)


@dataclass
class Stat:
    """Seconds per call over the repeats, and the seconds spent in the garbage collector per call."""

    times: list[float]
    gc_times: list[float] | None
    """None when not measured (the collector was off, or the timing ran elsewhere)."""

    @property
    def best(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def gc_share(self) -> float | None:
        """The share of the median call spent collecting garbage."""
        if self.gc_times is None:
            return None
        return statistics.median(self.gc_times) / self.median if self.median else 0.0


@dataclass
class Row:
    """One line of the results table: ours against a peer, with the target for ``ours / peer``."""

    workload: str
    size: str
    ours_name: str
    ours: Stat
    peer_name: str
    peer: Stat
    target: float | None
    gc_mode: str
    target_label: str = ""
    by_median: bool = False
    """Judge the target on the ratio of medians (noisy subprocess timings) instead of minima."""
    profile: Callable[[], object] | None = field(default=None, repr=False)
    """Runs the ``ours`` side once, for cProfile."""

    @property
    def min_ratio(self) -> float:
        return self.ours.best / self.peer.best

    @property
    def median_ratio(self) -> float:
        return self.ours.median / self.peer.median

    @property
    def ratio(self) -> float:
        """The ratio the target is judged on."""
        return self.median_ratio if self.by_median else self.min_ratio

    @property
    def target_text(self) -> str:
        if self.target is None:
            return "-"
        return self.target_label or f"<= {self.target:g}"

    @property
    def met(self) -> bool | None:
        return None if self.target is None else self.ratio <= self.target


class _GcClock:
    """Adds up the time the collector runs, through ``gc.callbacks`` (observes, changes nothing)."""

    def __init__(self) -> None:
        self.total = 0.0
        self._start = 0.0

    def __call__(self, phase: str, _info: dict[str, int]) -> None:
        if phase == "start":
            self._start = time.perf_counter()
        else:
            self.total += time.perf_counter() - self._start

    def __enter__(self) -> _GcClock:
        gc.callbacks.append(self)
        return self

    def __exit__(self, *_exc: object) -> None:
        gc.callbacks.remove(self)


def compare(
    funcs: dict[str, Callable[[], object]], *, repeats: int, number: int = 1, gc_on: bool = True
) -> dict[str, Stat]:
    """Time each function ``repeats`` times (``number`` calls each), interleaved so drift hits all alike.

    Every repeat starts from a full collection, so each function meets the same collector state.
    With ``gc_on=False`` the collector is off during the timed calls only (and on again after).
    """
    stats = {name: Stat([], [] if gc_on else None) for name in funcs}
    for _ in range(repeats):
        for name, func in funcs.items():
            gc.collect()
            if not gc_on:
                gc.disable()
            try:
                with _GcClock() as clock:
                    start = time.perf_counter()
                    for _ in range(number):
                        func()
                    elapsed = time.perf_counter() - start
            finally:
                gc.enable()
            stats[name].times.append(elapsed / number)
            if stats[name].gc_times is not None:
                stats[name].gc_times.append(clock.total / number)
    return stats


def naive_load(text: str) -> dict[str, Any]:
    """PyYAML's C loader (safe) and its generic constructor: the path a hand-written loader takes."""
    return yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: TID251 - the naive peer under measurement


def plain_flatten(
    data: dict[str, Any], prefix: str = "", out: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A plain recursive dot-key flatten of nested dicts (what code does with ``model_dump()``)."""
    if out is None:
        out = {}
    for key, value in data.items():
        if isinstance(value, dict) and value:
            plain_flatten(value, f"{prefix}{key}.", out)
        else:
            out[prefix + key] = value
    return out


def _size(leaves: int) -> str:
    return f"{leaves:,} leaves"


def bench_load(work: Workload, repeats: int) -> list[Row]:
    """Workload 1: ``loads``/``load`` against the naive loader and against libyaml's composer alone."""
    leaves = work.leaves
    schema, text, data = work.schema, work.text, work.data
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "config-defaults.yaml")
        with open(path, "wb") as handle:
            handle.write(data)

        def ours_loads() -> object:
            return tc.loads(schema, data)

        def ours_load() -> object:
            return tc.load(schema, path)

        def naive() -> object:
            return schema.model_validate(naive_unwrap(naive_load(text)))

        def naive_file() -> object:
            with open(path, encoding="utf-8") as handle:
                return schema.model_validate(naive_unwrap(naive_load(handle.read())))

        def compose() -> object:
            return yaml.compose(text, Loader=yaml.CSafeLoader)

        if not (ours_loads() == ours_load() == naive() == work.config):
            raise RuntimeError(
                "typed_config and the naive loader disagree: the comparison would be meaningless"
            )
        funcs = {
            "loads": ours_loads,
            "load": ours_load,
            "naive": naive,
            "naive_file": naive_file,
            "compose": compose,
        }
        number = max(1, 20_000 // leaves * 2)
        compose_target = 2.0 if leaves <= 1_000 else 1.5
        rows: list[Row] = []
        for gc_on in (True, False):
            stats = compare(funcs, repeats=repeats, number=number, gc_on=gc_on)
            mode = "on" if gc_on else "off"
            pairs = (
                ("1. loads(bytes) vs naive", "loads", "naive", 1.0, ours_loads),
                ("1. load(path) vs naive+read", "load", "naive_file", 1.0, ours_load),
                ("1. loads(bytes) vs compose", "loads", "compose", compose_target, ours_loads),
            )
            rows += [
                Row(title, _size(leaves), ours, stats[ours], peer, stats[peer], target, mode, profile=func)
                for title, ours, peer, target, func in pairs
            ]
    return rows


_SHAPE_TITLES = {
    "sections": "2. flatten(cfg) vs plain flatten(dict)",
    "mixed": "2. flatten, leaves beside subgroups",
    "unions": "2. flatten, subgroups typed as unions",
    "dicts": "2. flatten, a dict field in every subgroup",
    "small": "2. flatten, many small groups (four leaves each, four deep)",
}


def bench_flatten(work: Workload, repeats: int, shape: str = "sections") -> list[Row]:
    """Workload 2: ``flatten(cfg)`` against a plain recursive flatten of ``cfg.model_dump()``."""
    leaves, config = work.leaves, work.config
    dumped = config.model_dump()  # outside the timing, as the task says

    def ours() -> object:
        return tc.flatten(config)

    def peer() -> object:
        return plain_flatten(dumped)

    if ours() != peer():
        raise RuntimeError("flatten results differ: the comparison would be meaningless")
    number = max(1, 200_000 // leaves)
    stats = compare({"ours": ours, "peer": peer}, repeats=repeats, number=number)
    return [
        Row(
            _SHAPE_TITLES[shape],
            _size(leaves),
            "flatten",
            stats["ours"],
            "plain",
            stats["peer"],
            1.5,
            "on",
            profile=ours,
        )
    ]


def bench_access(repeats: int, number: int = 1_000_000) -> list[Row]:
    """Workload 4: ``cfg.group_0.sub_0.int_0`` on a HyperParams instance and on a plain BaseModel twin."""
    leaves = 1_000
    ours_cfg = build_workload(leaves).config
    plain_cfg = build_plain_twin(leaves)
    stmt = "cfg." + ".".join(ACCESS_PATH)
    timers = {
        "ours": timeit.Timer(stmt, "gc.enable()", globals={"cfg": ours_cfg, "gc": gc}),
        "peer": timeit.Timer(stmt, "gc.enable()", globals={"cfg": plain_cfg, "gc": gc}),
    }
    # timeit would switch the collector off; "gc.enable()" in the setup keeps it on, as in real code.
    stats = {name: Stat([], None) for name in timers}
    for _ in range(repeats):
        for name, timer in timers.items():
            stats[name].times.append(timer.timeit(number) / number)

    def profile() -> object:
        return timers["ours"].timeit(number)

    return [
        Row(
            f"4. {stmt} (x{number:,})",
            _size(leaves),
            "HyperParams",
            stats["ours"],
            "BaseModel",
            stats["peer"],
            1.05,
            "on",
            target_label="~1.0 (<= 1.05)",
            profile=profile,
        )
    ]


def run(repeats: int = 7, sizes: tuple[int, ...] = SIZES) -> list[Row]:
    """Every core workload, smallest size first; each size's objects are freed before the next is built."""
    rows: list[Row] = []
    for leaves in sizes:
        work = build_workload(leaves)
        rows += bench_load(work, repeats if leaves <= 1_000 else max(3, repeats - 2))
        rows += bench_flatten(work, repeats * 3)  # milliseconds per call: more repeats, a steadier minimum
        del work
        gc.collect()
    rows += run_shapes(repeats, sizes)
    rows += bench_access(repeats * 2)  # 100 ns operations: more repeats, so the minimum is stable
    return rows


def run_shapes(
    repeats: int = 7, sizes: tuple[int, ...] = SIZES, shapes: tuple[str, ...] = SHAPES[1:]
) -> list[Row]:
    """Workload 2 on the other nestings, at each size: flatten only."""
    rows: list[Row] = []
    for shape in shapes:
        for leaves in sizes:
            work = build_workload(leaves, shape=shape)
            rows += bench_flatten(work, repeats * 3, shape)
            del work
            gc.collect()
    return rows


if __name__ == "__main__":
    # The flatten rows only: ``python bench_core.py [repeats] [shape ...]`` (every nesting by default).
    import sys

    from run import table  # the results table, as ``make bench`` prints it

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    chosen = tuple(sys.argv[2:]) or SHAPES
    print("\n".join(table(run_shapes(count, SIZES, chosen))))
