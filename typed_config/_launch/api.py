"""``typed_config.launch``: validate every config first, lay out the launch folder, and hand the runs to a backend."""

from __future__ import annotations

import itertools
import math
import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic

from pydantic import BaseModel

from typed_config._errors import ConfigError, Origin, single
from typed_config._fs import atomic_write
from typed_config._launch.options import Backend, Local, Slurm
from typed_config._layers.layers import Layer, keyed_layer
from typed_config._run.folder import now_text
from typed_config._schema.check import check_schema
from typed_config._schema.ref import reference_of
from typed_config._script.init import DEFAULTS_FILE
from typed_config._types import M

if TYPE_CHECKING:
    from typed_config._launch.folder import LaunchFolder
    from typed_config._launch.job import Job
    from typed_config._launch.plan import Planned

# The launch machinery (folders, backends, pre-flight) is imported when a launch starts, not with
# typed_config: most programs that import typed_config launch nothing.


@dataclass(frozen=True)
class RunResult(Generic[M]):
    """One config of a launch and how its run went (its latest attempt)."""

    index: int
    config: M
    run_id: str
    status: str  # pending, submitted, running, finished, crashed or killed
    exit_code: int | None
    log: str | None
    run_dir: str | None


@dataclass(frozen=True)
class LaunchResult(Generic[M]):
    """A launch: its id and folder, every config's result, and what the backend said."""

    id: str
    dir: Path
    runs: list[RunResult[M]]
    job_id: str | None = None  # the SLURM job id
    script: str | None = None  # the SLURM job-array script
    started: list[int] = field(default_factory=list[int])  # the configs this call started

    @property
    def ok(self) -> bool:
        """Whether every run finished (or, for SLURM, was submitted)."""
        return all(run.status in ("finished", "submitted") for run in self.runs)

    @property
    def failed(self) -> list[RunResult[M]]:
        """The runs that crashed or were killed."""
        return [run for run in self.runs if run.status in ("crashed", "killed")]


def launch(
    schema: type[M],
    configs: str | os.PathLike[str] | Mapping[str, Any] | Iterable[Mapping[str, Any]] | None,
    command: Sequence[str],
    *,
    backend: Backend | None = None,
    grid: Sequence[str] | Mapping[str, Sequence[Any]] = (),
    count: int | None = None,
    seed: int = 0,
    defaults: str | os.PathLike[str] | None = DEFAULTS_FILE,
    retry_failed: bool = False,
    rerun_all: bool = False,
    dry_run: bool = False,
    root: str | os.PathLike[str] = ".",
) -> LaunchResult[M]:
    """Run ``command`` once per config on a backend, every config validated before anything starts.

    Each job runs ``COMMAND --configs launches/<id>/config-NNNN.yaml`` with ``TYPED_CONFIG_RUN_ID``
    set, so the script's own ``init`` makes its run folder under that id. The same call again
    continues the launch: finished runs are skipped, runs that never started or were killed run
    again, failed ones only with ``retry_failed``, every one with ``rerun_all``.

    Args:
        schema: the schema the command's ``init`` validates with.
        configs: a wandb sweep (a file path or a mapping), or configs given as mappings of keys to
            values; None with ``grid``.
        command: the program and its arguments, such as ``["python", "train.py"]``.
        backend: ``Local(jobs=2)`` (the default: one at a time), ``Slurm(...)`` or ``Ray(...)``.
        grid: ``["optimizer.lr=0.1,0.01", ...]`` or ``{"optimizer.lr": [0.1, 0.01]}``: their product.
        count: a random sweep's number of configs, or a grid sweep's first ``count``; with no
            configs and no grid, how many configs to draw from the schema's own search space
            (``typed_config.search``).
        seed: a random sweep's seed.
        defaults: the defaults file the command's ``init`` reads (``config-defaults.yaml`` when it
            exists); the configs are validated over it. None: none.
        retry_failed: run crashed configs again.
        rerun_all: run every config again.
        dry_run: validate and lay out the launch folder (config files, ``launch.json``, a SLURM
            script, held in ``result.script``), and start nothing.
        root: the folder holding ``launches/``.

    Returns:
        The launch's result (its ``ok`` is True when every run finished).

    Raises:
        ConfigError: a config has problems (nothing started), or the backend refused the launch.
        TypeError: no configs or several kinds of them, or an empty command.
        KeyboardInterrupt: SIGINT stopped the local or Ray runs (each marked killed).
    """
    from typed_config._launch.folder import LaunchFolder, launch_id
    from typed_config._launch.job import next_attempt
    from typed_config._launch.plan import preflight

    check_schema(schema)
    if not command:
        raise TypeError("launch needs a command to run, such as ['python', 'train.py']")
    choices, prefix = _choices(schema, configs, grid, count, seed)
    planned = preflight(schema, choices, _defaults_path(defaults))
    chosen_backend = backend if backend is not None else Local()
    folder = LaunchFolder(Path(root), launch_id(reference_of(schema), list(command), planned, prefix))
    with folder.held():
        folder.open(planned, list(command), reference_of(schema), chosen_backend.model_dump())
        folder.refresh()
        _still_queued(folder)
        chosen = folder.chosen(retry_failed=retry_failed, rerun_all=rerun_all)
        jobs = [next_attempt(folder, r, list(command)) for r in chosen]
        if dry_run:  # the folder and its config files are there to read; nothing more is recorded
            return _result(folder, planned, jobs, _script(folder, jobs, chosen_backend))
        folder.save()
        script = _dispatch(folder, jobs, chosen_backend)
    return _result(folder, planned, jobs, script)


def _choices(
    schema: type[BaseModel],
    configs: Any,
    grid: Sequence[str] | Mapping[str, Sequence[Any]],
    count: int | None,
    seed: int,
) -> tuple[list[Layer], str]:
    from typed_config._launch.plan import given_choices, grid_choices, sweep_choices

    if configs is not None and grid:
        raise TypeError("give a sweep or configs, or a grid, not both")
    if grid:
        layers: list[Layer] = [
            *(_mapping_grid(grid) if isinstance(grid, Mapping) else grid_choices(schema, list(grid)))
        ]
        return layers, "grid"
    if isinstance(configs, str | os.PathLike):
        path: str = os.fspath(configs)
        return sweep_choices(schema, path, count, seed), Path(path).stem or "sweep"
    if isinstance(configs, Mapping):
        sweep: Mapping[str, Any] = configs  # pyright: ignore[reportUnknownVariableType]
        return sweep_choices(schema, sweep, count, seed), "sweep"
    if configs is None and count is not None:  # the schema's own search space, drawn count times
        from typed_config._sweep.from_space import space_parameters

        space = {"method": "random", "parameters": space_parameters(schema)}
        return sweep_choices(
            schema, space, count, seed, name=f"the search space of {schema.__name__}"
        ), "space"
    if configs is None:
        raise TypeError(
            "launch needs configs: a sweep, a list of mappings, a grid, or a count over the schema's space"
        )
    return given_choices(schema, configs), "configs"


def _mapping_grid(grid: Mapping[str, Sequence[Any]]) -> list[Layer]:
    from typed_config._launch.plan import MAX_CONFIGS

    axes = [
        [(key, value, Origin(text=f"grid[{key!r}][{i}]")) for i, value in enumerate(values)]
        for key, values in grid.items()
    ]
    size = math.prod(len(axis) for axis in axes)
    if size > MAX_CONFIGS:
        message = f"the grid has {size:,} configs, more than the {MAX_CONFIGS:,} a launch may have"
        raise single(message, Origin(text="grid"))
    layers: list[Layer] = []
    for combo in itertools.product(*axes):
        layer, problems = keyed_layer("grid", list(combo), Origin(text="grid"))
        if problems:
            raise ConfigError(problems)
        layers.append(layer)
    return layers


def _defaults_path(defaults: str | os.PathLike[str] | None) -> str | os.PathLike[str] | None:
    if defaults is DEFAULTS_FILE and not os.path.exists(DEFAULTS_FILE):
        return None
    return defaults


def _dispatch(folder: LaunchFolder, jobs: list[Job], backend: Backend) -> str | None:
    from typed_config._launch.local import run_local
    from typed_config._launch.ray_backend import run_ray
    from typed_config._launch.slurm import SCRIPT, submit

    if not jobs:
        return None
    if isinstance(backend, Slurm):
        script = _script(folder, jobs, backend)
        assert script is not None  # noqa: S101 - a SLURM launch has one
        assert folder.record is not None  # noqa: S101 - opened
        folder.record.job_id = submit(str(folder.dir / SCRIPT))
        for job in jobs:
            job.record.status, job.record.started = "submitted", now_text()
        folder.save()
        return script
    try:
        if isinstance(backend, Local):
            run_local(folder, jobs, backend, folder.save)
        else:
            run_ray(folder, jobs, backend, folder.save)
    finally:
        folder.save()
    return None


def _still_queued(folder: LaunchFolder) -> None:
    """Array tasks SLURM still has queued or running count as running: they are not submitted twice."""
    from typed_config._launch.slurm import queued_tasks

    record = folder.record
    if record is None or record.job_id is None:
        return
    waiting = [r for r in record.configs if r.status == "submitted"]
    queued: set[int] = queued_tasks(record.job_id) if waiting else set()
    for config in waiting:
        if config.index in queued:
            config.status = "running"


def _script(folder: LaunchFolder, jobs: list[Job], backend: Backend) -> str | None:
    """A SLURM launch's job-array script, written into the launch folder."""
    from typed_config._launch.slurm import SCRIPT, array_script

    if not isinstance(backend, Slurm) or not jobs:
        return None
    script = array_script(folder, jobs, backend)
    atomic_write(folder.dir / SCRIPT, script)
    return script


def _result(
    folder: LaunchFolder, planned: list[Planned], jobs: list[Job], script: str | None
) -> LaunchResult[Any]:
    assert folder.record is not None  # noqa: S101 - opened
    runs = [
        RunResult(r.index, planned[r.index - 1].config, r.run_id, r.status, r.exit_code, r.log, r.run_dir)
        for r in folder.record.configs
    ]
    return LaunchResult(
        folder.id, folder.dir, runs, folder.record.job_id, script, [j.record.index for j in jobs]
    )
