"""wandb sweep files: checked against a schema, and grid and random sweeps expanded locally into configs."""

from __future__ import annotations

import os
from collections.abc import Iterator

from pydantic import BaseModel

from typed_config._errors import ConfigError, Problem
from typed_config._schema.check import check_schema
from typed_config._script.init import DEFAULTS_FILE
from typed_config._sweep.check import parse
from typed_config._sweep.expand import expand_runs
from typed_config._sweep.file import SweepSource, read_sweep
from typed_config._sweep.spec import MAX_CONFIGS
from typed_config._types import M

__all__ = ["MAX_CONFIGS", "SweepSource", "check", "expand"]


def check(schema: type[BaseModel], sweep: SweepSource) -> list[Problem]:
    """Check a wandb sweep configuration against the schema of the program it runs.

    Parameter names (nested or dotted) must be keys of the schema; every value a parameter can take
    must validate for its field: each ``value`` and ``values`` entry, and a distribution's ends
    (``log_uniform`` bounds are exponents; ``normal`` has none). A field of one variant of a
    discriminated union is checked as that variant's. Other keys must be as wandb's sweep schema
    takes them (only ``method`` is required); a grid may have at most ``MAX_CONFIGS`` configs
    unless ``run_cap`` limits it.

    Args:
        schema: the model the swept program validates its config with.
        sweep: the sweep configuration, or the path of its YAML file.

    Returns:
        Every problem, placed at the offending key or value (file, line, column); empty when valid.

    Raises:
        TypeError: ``schema`` is not a model class, or ``sweep`` neither a mapping nor a path.
    """
    check_schema(schema)
    try:
        return parse(schema, *read_sweep(sweep)).problems
    except ConfigError as exc:
        return list(exc.problems)


def expand(
    schema: type[M],
    sweep: SweepSource,
    *,
    count: int | None = None,
    seed: int = 0,
    defaults: str | os.PathLike[str] | None = DEFAULTS_FILE,
) -> Iterator[M]:
    """Expand a grid or random sweep into the validated configs its runs get.

    Each config is built as a run under a wandb agent builds it: the sweep's values applied by
    dot-key onto the defaults file (``config-defaults.yaml`` in the working directory when it
    exists, as ``init`` reads it) and the schema's defaults. A swept field of a discriminated
    union's variant is left out of configs that chose another variant. A grid is the product of
    every parameter's ``value`` or ``values`` (``int_uniform`` and ``q_uniform`` enumerated), in
    wandb's order, made one config at a time; a random sweep draws with ``random.Random(seed)``.

    Args:
        schema: the model to validate each config with.
        sweep: the sweep configuration, or the path of its YAML file.
        count: how many configs: a grid's first ``count``, or a random sweep's draws. When None,
            the file's ``run_cap``, else a whole grid; a random sweep needs one or the other.
        seed: the seed of a random sweep: the same seed draws the same configs.
        defaults: the defaults file under the sweep's values; one passed explicitly must exist;
            None reads none.

    Returns:
        The configs, made one at a time; one that does not validate raises ``ConfigError``.

    Raises:
        ConfigError: the sweep has problems (whatever ``check`` reports, and a grid over
            ``MAX_CONFIGS`` configs that ``count`` does not limit), is a bayes or custom sweep,
            or the defaults file cannot be read.
        TypeError: ``schema`` is not a model class, or a random sweep has no count.
    """
    return (config for config, _ in expand_runs(schema, sweep, count=count, seed=seed, defaults=defaults))
