"""Workload 6: a 1,000-leaf config composed of 10 presets and 100 references, against it written out."""

from __future__ import annotations

import atexit
import copy
import os
import random
import shutil
import tempfile
from typing import Any

from _generate import build_workload
from bench_core import Row, compare

import typed_config as tc
from typed_config._yaml.dump import dump_mapping

LEAVES = 1_000
PRESETS = 10
REFERENCES = 100


def _leaves(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found: list[tuple[str, ...]] = []
    for key, value in data.items():
        found += _leaves(value, (*prefix, key)) if isinstance(value, dict) else [(*prefix, key)]
    return found


def _set(data: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for part in path[:-1]:
        data = data[part]
    data[path[-1]] = value


def _get(data: dict[str, Any], path: tuple[str, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def _setup(folder: str) -> tuple[type[tc.HyperParams], str, str]:
    """Two YAML files of the same values: written out, and composed (10 subgroups from presets, 100 ints by reference)."""
    work = build_workload(LEAVES)
    values: dict[str, Any] = work.config.model_dump()
    rng = random.Random(2)
    subgroups = rng.sample([(g, s) for g in values for s in values[g]], PRESETS)
    inside = {path for path in _leaves(values) if path[:2] in subgroups}
    ints = [p for p in _leaves(values) if p[-1].startswith("int_") and p not in inside]
    pairs = list(zip(ints[: 2 * REFERENCES : 2], ints[1 : 2 * REFERENCES : 2], strict=True))
    composed = copy.deepcopy(values)
    for source, target in pairs:  # both files hold the target's value at the source
        _set(values, source, _get(values, target))
        _set(composed, source, "${" + ".".join(target) + "}")
    for index, (group, sub) in enumerate(subgroups):
        where = os.path.join(folder, "presets", f"{group}.{sub}")
        os.makedirs(where)
        with open(os.path.join(where, f"p{index}.yaml"), "w", encoding="utf-8") as handle:
            handle.write(dump_mapping(values[group][sub]))
        composed[group][sub] = f"p{index}"
    paths = os.path.join(folder, "written.yaml"), os.path.join(folder, "composed.yaml")
    for path, data in zip(paths, (values, composed), strict=True):
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(dump_mapping(data))  # typed_config's writer: YAML 1.2 as the loader reads it
    return work.schema, paths[0], paths[1]  # type: ignore[return-value]


def run(repeats: int = 7) -> list[Row]:
    """``load`` of the composed file against ``load`` of the same values written out."""
    # Kept to the end of the process: run.py profiles the row's call after every benchmark has run.
    folder = tempfile.mkdtemp(prefix="bench_compose_")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    schema, written, composed = _setup(folder)
    presets = os.path.join(folder, "presets")

    def ours() -> object:
        return tc.load(schema, composed, presets=presets)

    def plain() -> object:
        return tc.load(schema, written, presets=None)

    assert ours() == plain(), "the two sides must agree"
    # A call takes about 6 ms: four times the repeats cost about a second more, and steady the
    # minimum of a 20% difference on a machine whose other work moves single runs by 10%.
    stats = compare({"composed": ours, "written out": plain}, repeats=4 * repeats, number=3)
    return [
        Row(
            f"6. load(composed: {PRESETS} presets + {REFERENCES} references) vs load(written out)",
            f"{LEAVES:,} leaves",
            "composed",
            stats["composed"],
            "written out",
            stats["written out"],
            1.3,
            "on",
            profile=ours,
        )
    ]


if __name__ == "__main__":
    for row in run():
        print(row.workload, f"{row.ratio:.2f}", row.ours.best, row.peer.best)
