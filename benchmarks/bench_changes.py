"""Changing a config: ``update``, assignment, ``from_flat`` and a run kept on disk, against pydantic's own paths."""

from __future__ import annotations

import gc
import os
import sys
import tempfile
import time
from typing import Any

from _generate import _build, build_workload
from bench_core import Row, Stat, compare
from pydantic import BaseModel, ConfigDict

import typed_config as tc

SIZES = (1_000, 20_000)
CHANGED = 100  # the dot-keys one update changes: every leaf of the first five subgroups
FIELD = ("group_0", "sub_0", "float_1")  # the field assignment sets
DISK_CHANGES = int(os.environ.get("BENCH_DISK_CHANGES", "1000"))
DISK_GROWTH = int(os.environ.get("BENCH_DISK_GROWTH", "10000"))


def _size(leaves: int) -> str:
    return f"{leaves:,} leaves"


def _bumped(value: Any, step: int) -> Any:
    """A value of the same type as ``value`` that differs from it (and from the other step's)."""
    if isinstance(value, bool):
        return not value if step else value
    if isinstance(value, int):
        return value + 1 + step
    if isinstance(value, float):
        return value + 0.5 + step
    if isinstance(value, str):
        return f"{value}_{step}"
    return [*value, step]


def _changes(config: BaseModel, step: int) -> dict[str, Any]:
    flat = tc.flatten(config)
    keys = [k for k in flat if k.split(".")[1] in {f"sub_{i}" for i in range(5)} and k.startswith("group_0.")]
    return {k: _bumped(flat[k], step) for k in keys[:CHANGED]}


def cow_update(model: BaseModel, nested: dict[str, Any]) -> BaseModel:
    """Pydantic's copy-on-write update: validate each touched sub-model with its new leaves, copy the path."""
    leaves = {k: v for k, v in nested.items() if not isinstance(getattr(model, k), BaseModel)}
    models = {k: cow_update(getattr(model, k), v) for k, v in nested.items() if k not in leaves}
    if leaves:
        model = type(model).model_validate({**model.__dict__, **leaves})
    return model.model_copy(update=models) if models else model


def _nested(flat: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in flat.items():
        *parents, last = key.split(".")
        node = out
        for part in parents:
            node = node.setdefault(part, {})
        node[last] = value
    return out


def bench_update(repeats: int) -> list[Row]:
    """``cfg.update(100 dot-keys)`` against a copy-on-write pydantic update of the touched sub-models."""
    rows: list[Row] = []
    by_size: dict[int, Stat] = {}
    for leaves in SIZES:
        work = build_workload(leaves)
        ours_cfg = work.schema()
        peer_cfg = work.schema()
        batches = [_changes(ours_cfg, 0), _changes(ours_cfg, 1)]
        nested = [_nested(b) for b in batches]
        turn = [0, 0]

        def ours(
            cfg: Any = ours_cfg, batches: list[dict[str, Any]] = batches, turn: list[int] = turn
        ) -> object:
            turn[0] ^= 1
            return cfg.update(batches[turn[0]])

        def peer(
            nested: list[dict[str, Any]] = nested, cfg: Any = peer_cfg, turn: list[int] = turn
        ) -> object:
            turn[1] ^= 1
            return cow_update(cfg, nested[turn[1]])

        ours()
        if tc.flatten(ours_cfg) != tc.flatten(cow_update(peer_cfg, nested[1])):
            raise RuntimeError("update and the copy-on-write update disagree")
        stats = compare({"ours": ours, "peer": peer}, repeats=repeats, number=20)
        by_size[leaves] = stats["ours"]
        rows.append(
            Row(
                f"6. update({CHANGED} dot-keys) vs pydantic copy-on-write",
                _size(leaves),
                "update",
                stats["ours"],
                "cow+validate",
                stats["peer"],
                1.5,
                "on",
                profile=ours,
            )
        )
        del work
        gc.collect()
    big, small = SIZES[-1], SIZES[0]
    rows.append(
        Row(
            f"6. update({CHANGED} dot-keys): {big:,} leaves vs {small:,}",
            "both",
            f"update {big:,}",
            by_size[big],
            f"update {small:,}",
            by_size[small],
            1.3,
            "on",
        )
    )
    return rows


class _Assigned(BaseModel):
    model_config = ConfigDict(validate_assignment=True)


def bench_assign(repeats: int, number: int = 20_000) -> list[Row]:
    """``cfg.group_0.sub_0.float_1 = x`` against pydantic's ``validate_assignment=True`` on the same field."""
    leaves = 1_000
    schema = build_workload(leaves).schema
    standalone = schema()
    peer_cfg = _build(leaves, _Assigned, 0)()
    run = tc.init(schema, argv=[], defaults=None, dir=None)
    ours_sub, run_sub, peer_sub = (c.group_0.sub_0 for c in (standalone, run.config, peer_cfg))  # type: ignore[attr-defined]
    counter = [0.0]

    def ours() -> object:
        counter[0] += 1.0
        ours_sub.float_1 = counter[0]
        return None

    def in_run() -> object:
        counter[0] += 1.0
        run_sub.float_1 = counter[0]
        return None

    def item() -> object:
        counter[0] += 1.0
        standalone["group_0.sub_0.float_1"] = counter[0]
        return None

    def peer() -> object:
        counter[0] += 1.0
        peer_sub.float_1 = counter[0]
        return None

    funcs = {"ours": ours, "run": in_run, "item": item, "peer": peer}
    stats = compare(funcs, repeats=repeats, number=number)
    field = ".".join(FIELD)
    return [
        Row(f"7. cfg.{field} = x vs validate_assignment", _size(leaves), "standalone", stats["ours"], "pydantic", stats["peer"], 3.0, "on", profile=ours),
        Row(f'7. cfg["{field}"] = x vs validate_assignment', _size(leaves), "item", stats["item"], "pydantic", stats["peer"], 3.0, "on", profile=item),
        Row(f"7. run.config.{field} = x (in memory) vs validate_assignment", _size(leaves), "in-memory run", stats["run"], "pydantic", stats["peer"], 6.0, "on", profile=in_run),
    ]  # fmt: skip


def bench_from_flat(repeats: int) -> list[Row]:
    """``from_flat(flat)`` against a plain unflatten + ``model_validate``."""
    rows: list[Row] = []
    for leaves in SIZES:
        work = build_workload(leaves)
        schema, flat = work.schema, tc.flatten(work.config)

        def ours(schema: Any = schema, flat: dict[str, Any] = flat) -> object:
            return schema.from_flat(flat)

        def peer(schema: Any = schema, flat: dict[str, Any] = flat) -> object:
            return schema.model_validate(_nested(flat))

        if ours() != peer():
            raise RuntimeError("from_flat and unflatten + model_validate disagree")
        stats = compare({"ours": ours, "peer": peer}, repeats=repeats, number=max(1, 20_000 // leaves))
        rows.append(
            Row("8. from_flat(flat) vs unflatten + model_validate", _size(leaves), "from_flat", stats["ours"], "plain", stats["peer"], 1.2, "on", profile=ours)
        )  # fmt: skip
        del work
        gc.collect()
    return rows


def bench_disk(repeats: int) -> list[Row]:
    """A run kept on disk: 1,000 single assignments on 1,000 leaves (2 s budget); the Nth change against the 10th."""
    schema = build_workload(1_000).schema
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as tmp:
        run = tc.init(schema, argv=[], defaults=None, dir=tmp, project="bench")
        sub = run.config.group_0.sub_0  # type: ignore[attr-defined]
        totals: list[float] = []
        step = [0.0]

        def assign() -> None:
            step[0] += 1.0
            sub.float_1 = step[0]

        for _ in range(max(1, repeats // 3)):
            start = time.perf_counter()
            for _ in range(DISK_CHANGES):
                assign()
            totals.append((time.perf_counter() - start) * 1_000 / DISK_CHANGES)
        budget = Stat([2.0], None)
        rows.append(
            Row("9. disk run: 1,000 assignments (total)", "1,000 leaves", "assign x1000", Stat(totals, None), "2 s budget", budget, 1.0, "on", target_label="<= 2 s")
        )  # fmt: skip
        run.finish()
    with tempfile.TemporaryDirectory() as tmp:
        run = tc.init(schema, argv=[], defaults=None, dir=tmp, project="bench")
        sub = run.config.group_0.sub_0  # type: ignore[attr-defined]
        times: list[float] = []
        for i in range(DISK_GROWTH):
            start = time.perf_counter()
            sub.float_1 = float(i + 1)
            times.append(time.perf_counter() - start)
        run.finish()
    early = Stat(sorted(times[5:15]), None)
    late = Stat(sorted(times[-10:]), None)
    rows.append(
        Row(f"9. disk run: change {DISK_GROWTH:,} vs change 10", "1,000 leaves", f"change {DISK_GROWTH:,}", late, "change 10", early, 1.3, "on", by_median=True)
    )  # fmt: skip
    return rows


def run(repeats: int = 7) -> list[Row]:
    """Every change workload."""
    return bench_update(repeats) + bench_assign(repeats) + bench_from_flat(repeats) + bench_disk(repeats)


if __name__ == "__main__":
    from run import table  # the results table, as ``make bench`` prints it

    print("\n".join(table(run(int(sys.argv[1]) if len(sys.argv) > 1 else 5))))
