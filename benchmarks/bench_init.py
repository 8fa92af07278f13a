"""Workload 5: ``init`` with a defaults file, a ``--configs`` file and 100 command-line overrides."""

from __future__ import annotations

import os
import random
import tempfile
from typing import Any

import yaml
from _generate import Workload, build_workload, naive_unwrap
from bench_core import Row, compare

import typed_config as tc

LEAVES = 1_000
OVERRIDES = 100


def _leaf_paths(data: dict[str, Any], prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    paths: list[tuple[str, ...]] = []
    for key, value in data.items():
        if isinstance(value, dict) and value:
            paths += _leaf_paths(value, (*prefix, key))
        else:
            paths.append((*prefix, key))
    return paths


def _setup(work: Workload, folder: str) -> tuple[list[str], str, str]:
    """The files and the command line: a --configs file changing 50 keys, 100 overrides of ints."""
    defaults = os.path.join(folder, "config-defaults.yaml")
    with open(defaults, "w", encoding="utf-8") as handle:
        handle.write(work.text)
    plain = work.config.model_dump()
    leaves = _leaf_paths(plain)
    rng = random.Random(1)
    ints = [p for p in leaves if p[-1].startswith("int_")]
    extra: dict[str, Any] = {}
    for path in rng.sample(ints, 50):
        node = extra.setdefault(path[0], {}).setdefault(path[1], {})
        node[path[2]] = 7
    configs = os.path.join(folder, "special.yaml")
    with open(configs, "w", encoding="utf-8") as handle:
        handle.write(yaml.safe_dump(extra))
    argv = ["--configs", configs] + [
        f"--{'.'.join(p)}={i}" for i, p in enumerate(rng.sample(ints, OVERRIDES))
    ]
    return argv, defaults, configs


def _deep_merge(dst: dict[str, Any], src: dict[str, Any]) -> None:
    for key, value in src.items():
        if isinstance(value, dict) and isinstance(dst.get(key), dict):
            _deep_merge(dst[key], value)
        else:
            dst[key] = value


def run(repeats: int = 7) -> list[Row]:
    """``init(..., dir=None)`` against CSafeLoader + a dict merge + overrides applied + model_validate."""
    work = build_workload(LEAVES)
    with tempfile.TemporaryDirectory() as folder:
        argv, defaults, configs = _setup(work, folder)
        overrides = [a for a in argv if a.startswith("--") and a != "--configs"]

        def ours() -> object:
            return tc.init(work.schema, argv=argv, defaults=defaults, dir=None).config  # type: ignore[arg-type]

        def naive() -> object:
            with open(defaults, "rb") as handle:
                data = naive_unwrap(yaml.load(handle, Loader=yaml.CSafeLoader))  # noqa: TID251 - the naive peer
            with open(configs, "rb") as handle:
                _deep_merge(data, yaml.load(handle, Loader=yaml.CSafeLoader))  # noqa: TID251 - the naive peer
            for item in overrides:
                key, _, text = item[2:].partition("=")
                *parents, last = key.split(".")
                node = data
                for part in parents:
                    node = node[part]
                node[last] = yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: TID251 - the naive peer
            return work.schema.model_validate(data)

        ours_config, naive_config = ours(), naive()
        assert tc.flatten(ours_config) == tc.flatten(naive_config), "the two sides must agree"  # type: ignore[arg-type]
        stats = compare({"init": ours, "naive": naive}, repeats=repeats)
    return [
        Row(
            "5. init(defaults + --configs + 100 overrides) vs naive",
            f"{LEAVES:,} leaves",
            "init",
            stats["init"],
            "naive",
            stats["naive"],
            1.5,
            "on",
            profile=ours,
        )
    ]
