"""Pre-flight: every config of a launch made from a sweep, ``--grid`` lists or given dicts, and validated first."""

from __future__ import annotations

import itertools
import math
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, NamedTuple

from pydantic import BaseModel

from typed_config._errors import ConfigError, Origin, Problem, checked, single
from typed_config._flat.flatten import flatten
from typed_config._keys.dotted import format_path, unflatten
from typed_config._keys.values import MISSING, lookup
from typed_config._layers.layers import KeyedLayer, Layer, keyed_layer, validate
from typed_config._model.load import source_layer
from typed_config._sources.argv import argv_layer
from typed_config._sources.files import file_layer
from typed_config._sweep.expand import expand_runs

MAX_CONFIGS: Final = 100_000
"""The most configs one launch may have: each is validated and gets a file before anything starts."""


class Planned(NamedTuple):
    """One config of a launch: the keys it sets, where each came from, and the config it validates to."""

    values: dict[str, Any]  # the swept dot-keys and their values
    sources: dict[str, str]  # dot-key -> the --grid argument or sweep line it came from
    config: BaseModel  # validated over the defaults file and the schema's defaults


def grid_choices(schema: type[BaseModel], grid: Sequence[str]) -> list[KeyedLayer]:
    """The product of ``--grid KEY=V1,V2`` lists (Hydra's ``a=1,2``), first argument outermost.

    Values are read by the field's type as on the command line.

    Raises:
        ConfigError: an argument is not KEY=V1,V2, names no key, or a value does not read.
    """
    axes: list[list[tuple[str, Any, Origin]]] = []
    problems: list[Problem] = []
    for arg in grid:
        origin = Origin(text=f"--grid {arg}")
        key, equals, texts = arg.partition("=")
        if not equals or not key:
            problems.append(Problem(None, "expected KEY=V1,V2,... (such as optimizer.lr=0.1,0.01)", origin))
            continue
        axis: list[tuple[str, Any, Origin]] = []
        for text in split_values(texts):
            parsed = argv_layer(schema, [f"--{key.removeprefix('--')}={text}"], name="--grid")
            problems.extend(
                q for p in parsed.problems if (q := Problem(p.key, p.message, origin)) not in problems
            )
            axis.extend((k, v, origin) for k, v in flatten(parsed.layer.data).items())
        axes.append(axis)
    size = math.prod(len(axis) for axis in axes)
    if size > MAX_CONFIGS:
        message = f"the grid has {size:,} configs, more than the {MAX_CONFIGS:,} a launch may have"
        problems.append(Problem(None, message, Origin(text="--grid " + " --grid ".join(grid))))
    if problems:
        raise ConfigError(problems)
    layers: list[KeyedLayer] = []
    for combo in itertools.product(*axes):
        layer, clashes = keyed_layer("--grid", list(combo), Origin(text="--grid"))
        if clashes:
            raise ConfigError(clashes)
        layers.append(layer)
    return layers


def split_values(text: str) -> list[str]:
    """``1,2`` -> ``["1", "2"]``; commas inside brackets or quotes stay (``[1,2],[3]``)."""
    values: list[str] = []
    depth, quote, start = 0, "", 0
    for i, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "\"'":
            quote = char
        elif char in "[{":
            depth += 1
        elif char in "]}":
            depth -= 1
        elif char == "," and depth == 0:
            values.append(text[start:i])
            start = i + 1
    values.append(text[start:])
    return [v.strip() for v in values]


def given_choices(schema: type[BaseModel], configs: Iterable[Mapping[str, Any]]) -> list[Layer]:
    """Layers of configs given by code, each a mapping of (nested or dot-) keys to values."""
    layers: list[Layer] = []
    problems: list[Problem] = []
    for index, config in enumerate(configs):
        layer, trouble = source_layer(schema, config, role=f"configs[{index}]")
        problems.extend(trouble)
        layers.append(layer)
    if problems:
        raise ConfigError(problems)
    return layers


def sweep_choices(
    schema: type[BaseModel],
    sweep: str | os.PathLike[str] | Mapping[str, Any],
    count: int | None,
    seed: int,
    *,
    name: str = "sweep",
) -> list[Layer]:
    """The configs a grid or random sweep expands to, as layers of the keys it sets in them.

    Raises:
        ConfigError: the sweep has problems (placed in its file), or a config it makes does not validate.
        TypeError: a random sweep without a count.
    """
    # The keys each config sets are the paths the sweep set in it (expanded over no defaults
    # file: the pre-flight layers that under them itself), never guessed from the values: a swept
    # value equal to the schema's default must still beat the defaults file.
    made = itertools.islice(
        expand_runs(schema, sweep, count=count, seed=seed, defaults=None), MAX_CONFIGS + 1
    )
    runs = [(unflatten(flatten(config)), paths) for config, paths in made]
    name = os.fspath(sweep) if not isinstance(sweep, Mapping) else name
    if len(runs) > MAX_CONFIGS:
        message = f"the sweep has more than the {MAX_CONFIGS:,} configs a launch may have; give a count"
        raise single(message, Origin(text=name))
    swept = list(dict.fromkeys(format_path(path) for _, paths in runs for path in paths))
    lines = _parameter_lines(name, swept) if not isinstance(sweep, Mapping) else {}
    origins = {k: Origin(text=f"{name}{lines.get(k, '')} (parameter {k})") for k in swept}
    layers: list[Layer] = []
    for nested, paths in runs:
        values = {format_path(path): lookup(nested, path) for path in paths}
        kept = {k: v for k, v in values.items() if v is not MISSING}
        layers.append(KeyedLayer("sweep", unflatten(kept), origins, Origin(text=name)))
    return layers


def _parameter_lines(path: str, keys: Sequence[str]) -> dict[str, str]:
    """``:LINE`` of each parameter's name in the sweep file, for the comments of config files."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            lines = handle.read(1 << 20).splitlines()
    except OSError:
        return {}
    found: dict[str, str] = {}
    for key in keys:
        for name in (key, key.rsplit(".", 1)[-1]):
            pattern = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*:")
            number = next((i for i, line in enumerate(lines, 1) if pattern.match(line)), None)
            if number is not None:
                found[key] = f":{number}"
                break
    return found


def preflight(
    schema: type[BaseModel], choices: Sequence[Layer], defaults: str | os.PathLike[str] | None
) -> list[Planned]:
    """Validate every config over the defaults file as ``init`` will read it; every problem, or none.

    Raises:
        ConfigError: the defaults file cannot be read, or any config has problems (each placed at
            its ``--grid`` argument, sweep line or defaults file line, and naming its config).
    """
    under = [checked(file_layer(defaults))] if defaults is not None else []
    planned: list[Planned] = []
    problems: dict[Problem, list[int]] = {}  # each problem once, with the configs that have it
    for number, choice in enumerate(choices, 1):
        try:
            config = validate(schema, [*under, choice])
        except ConfigError as exc:
            for problem in exc.problems:
                problems.setdefault(problem, []).append(number)
            continue
        values = flatten(choice.data)
        sources = {k: str(choice.origin(tuple(k.split(".")))) for k in values}
        planned.append(Planned(values, sources, config))
    if problems:
        raise ConfigError(_numbered(problem, numbers) for problem, numbers in problems.items())
    if not planned:
        raise single("nothing to launch: no configs", Origin(text="launch"))
    return planned


def _numbered(problem: Problem, numbers: list[int]) -> Problem:
    shown = ", ".join(f"{n:04d}" for n in numbers[:5]) + (
        f" and {len(numbers) - 5} more" if len(numbers) > 5 else ""
    )
    return Problem(
        problem.key, f"{problem.message} (config{'s' if len(numbers) > 1 else ''} {shown})", problem.origin
    )
