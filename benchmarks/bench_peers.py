"""Against the peers: typed_config beside the libraries a user would pick instead, and beside the limit.

The peers are OmegaConf, ml_collections, wandb's ``Config`` and pydantic-settings; "the limit" is plain
pydantic + libyaml (``yaml.load(text, CSafeLoader)``, unwrap the wandb wrappers, ``model_validate`` on a
plain ``BaseModel`` twin of the schema). Every side reads the same generated config-defaults.yaml and
must produce the same values (checked before timing). A peer that is not installed is skipped, with a
note. :func:`run` measures in a fresh interpreter (this file as a script): the peers' modules stay out
of the caller, and the collector meets the same heap on every run.
"""

from __future__ import annotations

import argparse
import copy
import gc
import importlib
import importlib.metadata
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

import yaml
from _generate import ACCESS_PATH, Workload, build_plain_twin, build_workload, naive_unwrap
from bench_core import Row, Stat, compare, plain_flatten
from bench_import import PEER as LIMIT_IMPORT
from bench_init import _leaf_paths
from pydantic import BaseModel, create_model

import typed_config as tc

SIZES = (1_000, 20_000)
OVERRIDES = 100
OURS = "typed_config"
LIMIT = "the limit"
"""Plain pydantic + libyaml: the fastest a hand-written loader gets with the same two libraries."""
PEERS = {
    # name in the table: (module imported, distribution for the version, import statement timed)
    "OmegaConf": ("omegaconf", "omegaconf", "import omegaconf"),
    "ml_collections": ("ml_collections", "ml-collections", "import ml_collections"),
    "wandb Config": ("wandb.sdk.wandb_config", "wandb", "from wandb.sdk import wandb_config"),
    "pydantic-settings": ("pydantic_settings", "pydantic-settings", "import pydantic_settings"),
}
SLOW_LIMIT = 1_000
"""Largest size for the sides that take seconds a call at 20,000 leaves (named in the notes)."""

NOTES: list[str] = []
"""Lines for the notes under the table: skipped peers and sizes. Reset by every :func:`run`."""


@dataclass
class PeerRow(Row):
    """A side (ours, a peer or the limit itself) against the limit: ``ours`` is the side measured."""

    call: str = ""
    comparable: bool = True
    """False when the side does not compute what the limit does (the ratio is shown, but not meant)."""


@dataclass
class _Side:
    name: str
    call: str
    func: Callable[[], object]
    result: Callable[[Any], object] = field(default=lambda value: value)
    """Turns the side's result into plain data, compared with the expected value before timing."""
    comparable: bool = True


def _csafe(text: str) -> Any:
    return yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: TID251 - the naive peer under measurement


def _read(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8") as handle:
        return naive_unwrap(_csafe(handle.read()))


def _available() -> dict[str, str]:
    """Peer name -> version, for the peers that import; a note for each one that does not."""
    found: dict[str, str] = {}
    for name, (module, dist, _stmt) in PEERS.items():
        try:
            importlib.import_module(module)
            found[name] = importlib.metadata.version(dist)
        except Exception as exc:  # noqa: BLE001 - any failure to import means: skip this peer
            NOTES.append(
                f"{name} (`{module}`) is not available ({type(exc).__name__}: {exc}): its rows are skipped."
            )
    return found


def _size(leaves: int) -> str:
    return f"{leaves:,} leaves"


def _rows(
    workload: str, size: str, sides: list[_Side], expected: object, *, repeats: int, number: int
) -> list[Row]:
    """Check every side against ``expected``, then time them interleaved; the last side is the limit."""
    for side in sides:
        got = side.result(side.func())
        if got != expected:
            raise RuntimeError(f"{workload}: {side.name} disagrees with the others at {size}")
        del got
    gc.collect()
    # Keyed by position: one library may have two sides (wandb's two ways of loading).
    stats = compare({str(i): side.func for i, side in enumerate(sides)}, repeats=repeats, number=number)
    limit = stats[str(len(sides) - 1)]
    return [
        PeerRow(
            workload,
            size,
            side.name,
            stats[str(i)],
            LIMIT,
            limit,
            None,
            "on",
            call=side.call,
            comparable=side.comparable,
        )
        for i, side in enumerate(sides)
    ]


def _settings_class(plain: type[BaseModel], path: str) -> type[BaseModel]:
    """A pydantic-settings class with the plain twin's fields, reading ``path`` through its YAML source.

    The source's ``_read_file`` is extended to take each top-level wrapper's ``value`` (the wandb
    format of config-defaults.yaml); everything else is pydantic-settings' own (``yaml.safe_load``,
    env variables, .env and secrets sources as by default, the YAML file last).
    """
    from pydantic_settings import BaseSettings, SettingsConfigDict, YamlConfigSettingsSource

    class Source(YamlConfigSettingsSource):
        def _read_file(self, file_path: Any) -> dict[str, Any]:
            return naive_unwrap(super()._read_file(file_path))

    class Base(BaseSettings):
        model_config = SettingsConfigDict(yaml_file=path)

        @classmethod
        def settings_customise_sources(
            cls, settings_cls, init_settings, env_settings, dotenv_settings, file_secret_settings
        ):
            return (init_settings, env_settings, dotenv_settings, file_secret_settings, Source(settings_cls))

    fields: dict[str, Any] = {name: (info.annotation, info) for name, info in plain.model_fields.items()}
    return create_model(f"{plain.__name__}Settings", __base__=Base, **fields)


@contextmanager
def _cwd(folder: str) -> Iterator[None]:
    """wandb's ``Config()`` reads ./config-defaults.yaml on its own: the peers run where there is none."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def bench_load(
    work: Workload, plain: type[BaseModel], folder: str, have: dict[str, str], repeats: int
) -> list[Row]:
    """Workload 1: load and validate the same config-defaults.yaml."""
    leaves, schema, text, data = work.leaves, work.schema, work.text, work.data
    path = os.path.join(folder, "config-defaults.yaml")
    sides = [_Side(OURS, "`loads(Schema, bytes)`", lambda: tc.loads(schema, data), _dump)]
    if "OmegaConf" in have:
        from omegaconf import OmegaConf

        sides.append(
            _Side(
                "OmegaConf",
                "`OmegaConf.to_container(OmegaConf.create(unwrapped CSafeLoader dict))`",
                lambda: OmegaConf.to_container(OmegaConf.create(naive_unwrap(_csafe(text)))),
            )
        )
    if "ml_collections" in have:
        from ml_collections import ConfigDict

        sides.append(
            _Side(
                "ml_collections",
                "`ConfigDict(unwrapped CSafeLoader dict)`",
                lambda: ConfigDict(naive_unwrap(_csafe(text))),
                lambda value: value.to_dict(),
            )
        )
    if "wandb Config" in have:
        from wandb.sdk.wandb_config import Config

        def wandb_update() -> object:
            config = Config()
            config.update(naive_unwrap(_csafe(text)))
            return config

        sides.append(
            _Side("wandb Config", "`Config()` + `update(unwrapped CSafeLoader dict)`", wandb_update, dict)
        )
        if leaves <= SLOW_LIMIT:
            empty = os.getcwd()

            def wandb_own() -> object:
                os.chdir(folder)
                try:
                    return Config()  # reads ./config-defaults.yaml with yaml.safe_load (pure Python)
                finally:
                    os.chdir(empty)

            sides.append(
                _Side("wandb Config", "`Config()` reading ./config-defaults.yaml itself", wandb_own, dict)
            )
    if "pydantic-settings" in have:
        settings = _settings_class(plain, path)
        sides.append(
            _Side(
                "pydantic-settings",
                "`Settings()` with `YamlConfigSettingsSource` (`yaml.safe_load`)",
                settings,
                _dump,
            )
        )
    sides.append(
        _Side(
            LIMIT,
            "`PlainModel.model_validate(unwrapped CSafeLoader dict)`",
            lambda: plain.model_validate(naive_unwrap(_csafe(text))),
            _dump,
        )
    )
    number = 2 if leaves <= SLOW_LIMIT else 1
    return _rows(
        "1. load + validate", _size(leaves), sides, work.config.model_dump(), repeats=repeats, number=number
    )


def bench_flatten(work: Workload, plain_cfg: BaseModel, have: dict[str, str], repeats: int) -> list[Row]:
    """Workload 2: a flat dot-key dict of the loaded config (only typed_config has one built in)."""
    leaves, config = work.leaves, work.config
    expected = plain_flatten(config.model_dump())
    sides = [_Side(OURS, "`flatten(cfg)`", lambda: tc.flatten(config))]
    if "wandb Config" in have:
        from wandb.sdk.wandb_config import Config

        wandb_cfg = Config()
        wandb_cfg.update(config.model_dump())
        sides.append(
            _Side(
                "wandb Config",
                "`cfg.as_dict()`: nested, not flat",
                wandb_cfg.as_dict,
                plain_flatten,
                comparable=False,
            )
        )
    sides.append(
        _Side(
            LIMIT, "hand-written flatten of `cfg.model_dump()`", lambda: plain_flatten(plain_cfg.model_dump())
        )
    )
    number = max(1, 60_000 // leaves)
    return _rows("2. flatten", _size(leaves), sides, expected, repeats=repeats, number=number)


def bench_import(have: dict[str, str], runs: int) -> list[Row]:
    """Workload 3: wall time of each import in fresh interpreters, bare ``python -c pass`` subtracted."""
    stmts = {OURS: "import typed_config"}
    stmts.update({name: PEERS[name][2] for name in PEERS if name in have})
    stmts[LIMIT] = LIMIT_IMPORT
    bare = "pass"

    def wall(stmt: str, cwd: str) -> float:
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", stmt], cwd=cwd, check=True, capture_output=True)
        return time.perf_counter() - start

    times: dict[str, list[float]] = {name: [] for name in [bare, *stmts]}
    with tempfile.TemporaryDirectory() as cwd:  # no project directory on sys.path: the installed packages
        for stmt in [bare, *stmts.values()]:
            wall(stmt, cwd)  # warm the bytecode caches and the OS file cache
        for _ in range(runs):
            times[bare].append(wall(bare, cwd))
            for name, stmt in stmts.items():
                times[name].append(wall(stmt, cwd))
    base = statistics.median(times[bare])
    stats = {name: Stat([max(t - base, 1e-9) for t in times[name]], None) for name in stmts}
    return [
        PeerRow(
            "3. import",
            f"{runs} runs",
            name,
            stats[name],
            LIMIT,
            stats[LIMIT],
            None,
            "on",
            by_median=True,
            call=f"`{stmt}`",
        )
        for name, stmt in stmts.items()
    ]


def bench_access(
    work: Workload, plain_cfg: BaseModel, folder: str, have: dict[str, str], repeats: int
) -> list[Row]:
    """Workload 4: ``cfg.group_0.sub_0.int_0`` on each side's config object (item access for wandb)."""
    expected = getattr(getattr(getattr(work.config, ACCESS_PATH[0]), ACCESS_PATH[1]), ACCESS_PATH[2])
    dotted = "cfg." + ".".join(ACCESS_PATH)
    items = "cfg" + "".join(f"[{key!r}]" for key in ACCESS_PATH)
    data = work.config.model_dump()
    sides: list[tuple[str, str, object]] = [(OURS, dotted, work.config)]
    if "OmegaConf" in have:
        from omegaconf import OmegaConf

        sides.append(("OmegaConf", dotted, OmegaConf.create(copy.deepcopy(data))))
    if "ml_collections" in have:
        from ml_collections import ConfigDict

        sides.append(("ml_collections", dotted, ConfigDict(copy.deepcopy(data))))
    if "wandb Config" in have:
        from wandb.sdk.wandb_config import Config

        wandb_cfg = Config()
        wandb_cfg.update(copy.deepcopy(data))
        sides.append(("wandb Config", items, wandb_cfg))
    if "pydantic-settings" in have:
        sides.append(
            (
                "pydantic-settings",
                dotted,
                _settings_class(type(plain_cfg), os.path.join(folder, "config-defaults.yaml"))(),
            )
        )
    sides.append((LIMIT, dotted, plain_cfg))
    timers: dict[str, tuple[timeit.Timer, int]] = {}
    for name, stmt, cfg in sides:
        if eval(stmt, {"cfg": cfg}) != expected:
            raise RuntimeError(f"4. access: {name} reads a different value")
        # timeit would switch the collector off; "gc.enable()" in the setup keeps it on, as in real code.
        timer = timeit.Timer(stmt, "gc.enable()", globals={"cfg": cfg, "gc": gc})
        per_call = timer.timeit(10_000) / 10_000
        number = min(1_000_000, max(10_000, round(0.04 / per_call, -4)))  # about 40 ms a repeat
        timers[name] = (timer, int(number))
    stats = {name: Stat([], None) for name in timers}
    for _ in range(repeats):
        for name, (timer, number) in timers.items():
            stats[name].times.append(timer.timeit(number) / number)
    return [
        PeerRow(
            "4. access",
            _size(work.leaves),
            name,
            stats[name],
            LIMIT,
            stats[LIMIT],
            None,
            "on",
            call=f"`{stmt}`",
        )
        for name, stmt, _cfg in sides
    ]


def bench_overrides(
    work: Workload, plain: type[BaseModel], folder: str, have: dict[str, str], repeats: int
) -> list[Row]:
    """Workload 5: read config-defaults.yaml, apply 100 dot-key overrides of ints, validate."""
    leaves, schema = work.leaves, work.schema
    path = os.path.join(folder, "config-defaults.yaml")
    ints = [p for p in _leaf_paths(work.config.model_dump()) if p[-1].startswith("int_")]
    chosen = [(".".join(p), str(i)) for i, p in enumerate(random.Random(1).sample(ints, OVERRIDES))]
    argv = [f"--{key}={value}" for key, value in chosen]
    dotlist = [f"{key}={value}" for key, value in chosen]
    expected = work.config.model_dump()
    for key, value in chosen:
        *parents, last = key.split(".")
        node = expected
        for part in parents:
            node = node[part]
        node[last] = int(value)

    def limit() -> object:
        data = _read(path)
        for key, value in chosen:
            *parents, last = key.split(".")
            node = data
            for part in parents:
                node = node[part]
            node[last] = _csafe(value)
        return plain.model_validate(data)

    sides = [
        _Side(
            OURS,
            "`load(Schema, path, overrides=[100 x '--a.b.c=1'])`",
            lambda: tc.load(schema, path, overrides=argv),
            _dump,
        )
    ]
    if "OmegaConf" in have:
        from omegaconf import OmegaConf

        if leaves <= SLOW_LIMIT:
            sides.append(
                _Side(
                    "OmegaConf",
                    "`OmegaConf.merge(OmegaConf.create(unwrapped CSafeLoader dict), OmegaConf.from_dotlist([...]))`",
                    lambda: OmegaConf.merge(OmegaConf.create(_read(path)), OmegaConf.from_dotlist(dotlist)),
                    OmegaConf.to_container,
                )
            )
        else:
            NOTES.append(
                f"5. OmegaConf at {_size(leaves)}: skipped, about 4 s a call (`create` ~2.7 s, `merge` ~1.4 s);"
                " its 20,000-leaf load is in workload 1."
            )
    if "ml_collections" in have:
        from ml_collections import ConfigDict

        def mlc() -> object:
            config = ConfigDict(_read(path))
            config.update_from_flattened_dict({key: _csafe(value) for key, value in chosen})
            return config

        sides.append(
            _Side(
                "ml_collections",
                "`ConfigDict(...)` + `update_from_flattened_dict` (values parsed by CSafeLoader)",
                mlc,
                lambda value: value.to_dict(),
            )
        )
    if "pydantic-settings" in have:
        if leaves <= SLOW_LIMIT:
            settings = _settings_class(plain, path)
            sides.append(
                _Side(
                    "pydantic-settings",
                    "`Settings(_cli_parse_args=[100 x '--a.b.c=1'])` + the YAML source",
                    lambda: settings(_cli_parse_args=argv),  # type: ignore[call-arg]
                    _dump,
                )
            )
        else:
            NOTES.append(
                f"5. pydantic-settings at {_size(leaves)}: skipped, its CLI source builds an argparse parser of"
                " every leaf on each call (about 9 s a call)."
            )
    sides.append(
        _Side(
            LIMIT,
            "unwrapped CSafeLoader dict, 100 keys set (values parsed by CSafeLoader), `model_validate`",
            limit,
            _dump,
        )
    )
    return _rows("5. load + 100 overrides", _size(leaves), sides, expected, repeats=repeats, number=1)


def _dump(value: Any) -> object:
    return value.model_dump()


def run(repeats: int = 7, import_runs: int = 11) -> list[Row]:
    """Every peer workload, measured in a fresh interpreter (this file run as a script).

    A fresh process keeps the peers' modules out of the caller and gives every run the same heap:
    with the collector on, a 20,000-leaf load's collection cost depends on everything else alive
    (the limit measured 0.66 s, 73% of it collecting, alone; 0.19 s, 9%, after the core benchmarks).
    """
    with tempfile.TemporaryDirectory() as folder:
        out = os.path.join(folder, "peers.json")
        args = ["--repeats", str(repeats), "--import-runs", str(import_runs), "--out", out]
        subprocess.run(
            [sys.executable, os.path.abspath(__file__), *args],
            cwd=folder,
            check=True,
            stdout=subprocess.DEVNULL,  # the peers may print; the results come back in the file
        )
        with open(out, encoding="utf-8") as handle:
            found = json.load(handle)
    NOTES[:] = found["notes"]
    return [
        PeerRow(**{**row, "ours": Stat(**row["ours"]), "peer": Stat(**row["peer"])}) for row in found["rows"]
    ]


def measure(repeats: int = 7, import_runs: int = 11, sizes: tuple[int, ...] = SIZES) -> list[Row]:
    """Every peer workload in this process; each size's objects are freed before the next is built."""
    NOTES.clear()
    have = _available()
    versions = ", ".join(f"{PEERS[name][1]} {version}" for name, version in have.items())
    NOTES.insert(0, f"Versions: {versions}.")
    NOTES.append(
        "wandb Config has no dot-key override API (`update` replaces whole top-level values), and neither"
        " OmegaConf, ml_collections nor pydantic-settings has a flatten: those rows are absent."
    )
    if "OmegaConf" in have:
        NOTES.append(
            "OmegaConf.structured takes dataclasses and attrs classes, not pydantic models: OmegaConf is"
            " given the plain dict, so it checks no types."
        )
    rows: list[Row] = []
    with tempfile.TemporaryDirectory() as folder:
        empty = os.path.join(folder, "empty")
        os.mkdir(empty)
        with _cwd(empty):
            for leaves in sizes:
                work = build_workload(leaves)
                plain_cfg = build_plain_twin(leaves)
                plain = type(plain_cfg)
                with open(os.path.join(folder, "config-defaults.yaml"), "wb") as handle:
                    handle.write(work.data)
                big = leaves > SLOW_LIMIT
                size_repeats = max(2, repeats - 4) if big else repeats
                rows += bench_load(work, plain, folder, have, size_repeats)
                rows += bench_flatten(work, plain_cfg, have, size_repeats)
                if not big:  # an attribute read does not depend on the size of the config
                    rows += bench_access(
                        work, plain_cfg, folder, have, repeats * 2
                    )  # ~100 ns reads: more repeats
                rows += bench_overrides(work, plain, folder, have, size_repeats)
                del work, plain_cfg, plain
                gc.collect()
    if "wandb Config" in have:
        NOTES.append(
            f"1. wandb `Config()` reading ./config-defaults.yaml itself (wandb's documented path):"
            f" {_size(SLOW_LIMIT)} only."
        )
    if "wandb Config" in have or "pydantic-settings" in have:
        NOTES.append(
            "wandb's `Config()` and pydantic-settings' `YamlConfigSettingsSource` read YAML with PyYAML's"
            " pure-Python `yaml.safe_load`, not libyaml: most of their load time is spent there."
        )
    rows += bench_import(have, import_runs)
    return sorted(rows, key=lambda r: r.workload[:2])  # stable: workload order, then size, then side


def section(rows: list[Row], duration: Callable[[float], str]) -> list[str]:
    """The "Against the peers" Markdown: one line per side, its time and its ratio to the limit."""
    lines = [
        "## Against the peers",
        "",
        "The libraries a user would choose instead of typed_config, on the same generated schemas and",
        "config-defaults.yaml, each against **the limit**: plain pydantic + libyaml (`yaml.load(text,",
        "CSafeLoader)`, each top-level wrapper's `value`, `model_validate` on a plain `BaseModel` twin of",
        "the schema). `/ limit` is side / limit on minima (medians for imports); below 1 is faster than",
        "the limit. Every side's result is checked equal to the others' before timing. Collector on, in",
        "a fresh interpreter of their own, where all the peers are imported before any side is timed.",
        "",
        "| workload | size | side | call | time | / limit |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        stat = row.ours
        if row.by_median:
            time_text = f"med {duration(stat.median)} (min {duration(stat.best)})"
        else:
            time_text = f"{duration(stat.best)} (med {duration(stat.median)})"
        if stat.gc_share is not None:
            time_text += f", gc {stat.gc_share:.0%}"
        comparable = getattr(row, "comparable", True)
        ratio = f"**{row.ratio:.2f}**" if comparable else f"({row.ratio:.2g}: not the same work)"
        if row.ours_name == LIMIT:
            ratio = "1"
        side = f"**{row.ours_name}**" if row.ours_name == OURS else row.ours_name
        lines.append(
            f"| {row.workload} | {row.size} | {side} | {getattr(row, 'call', '')} | {time_text} | {ratio} |"
        )
    lines += ["", "Notes:", ""]
    lines += [f"- {note}" for note in NOTES]
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description="Measure the peers; write the rows and notes as JSON.")
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--import-runs", type=int, default=11)
    parser.add_argument("--out", required=True, help="where to write the JSON")
    args = parser.parse_args()
    rows = measure(repeats=args.repeats, import_runs=args.import_runs)
    found = {"rows": [{**asdict(row), "profile": None} for row in rows], "notes": NOTES}
    with open(args.out, "w", encoding="utf-8") as handle:
        json.dump(found, handle)
    return 0


if __name__ == "__main__":
    sys.exit(main())
