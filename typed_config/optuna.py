"""Optuna over a schema's search space: trials ask for every searched key and get a validated config.

Optuna is imported only when a function here needs it (``pip install 'typed-config[optuna]'``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final, Protocol

from typed_config._errors import ConfigError
from typed_config._keys.values import to_plain
from typed_config._layers.layers import Layer, validate
from typed_config._schema.space import Choice, IntUniform, LogUniform, Searched, Uniform, mark_searched
from typed_config._sources.mapping import mapping_layer
from typed_config._types import M
from typed_config.search import draw

if TYPE_CHECKING:
    import optuna as _optuna

__all__ = ["ERROR_ATTR", "TrialLike", "optimize", "suggest"]

ERROR_ATTR: Final = "typed_config.error"
"""The user attribute of a failed trial holding the config's problems, one ``ORIGIN: KEY: MESSAGE`` a line."""
_HINT = "typed_config.optuna needs Optuna: pip install 'typed-config[optuna]'"


class _StudyLike(Protocol):
    @property
    def study_name(self) -> str:
        """The study's name."""
        ...


class TrialLike(Protocol):
    """What ``suggest`` uses of an Optuna trial (``optuna.Trial`` and ``optuna.trial.FixedTrial`` fit)."""

    @property
    def number(self) -> int:
        """The trial's number in its study."""
        ...

    def suggest_float(
        self, name: str, low: float, high: float, *, step: float | None = ..., log: bool = ...
    ) -> float:
        """A float for ``name``."""
        ...

    def suggest_int(self, name: str, low: int, high: int, *, step: int = ..., log: bool = ...) -> int:
        """An int for ``name``."""
        ...

    def suggest_categorical(self, name: str, choices: Any) -> Any:
        """One of ``choices`` for ``name``."""
        ...


def suggest(trial: TrialLike, schema: type[M], base: M | None = None) -> M:
    """Ask ``trial`` for every searched key of ``schema`` and validate the config it makes.

    Keys of a union variant are asked for only when the trial chose that variant. The config
    remembers the trial as the origin of the searched keys: ``tc.init(Schema, config=cfg)``
    records ``optuna trial N of study NAME`` for them.

    Args:
        trial: the Optuna trial (or a ``FixedTrial``).
        schema: the schema whose fields declare the space.
        base: a config supplying the keys that are not searched (default: the schema's defaults).

    Returns:
        The validated config.

    Raises:
        ConfigError: a value the trial gave that the schema refuses (an enqueued trial, a fixed
            value), as ``optuna trial N of study NAME: KEY: MESSAGE``.
        TypeError: a search space its field cannot take.
    """
    label = f"optuna trial {trial.number}"
    study: _StudyLike | None = getattr(trial, "study", None)
    if study is not None:
        label += f" of study {study.study_name}"
    values = draw(schema, lambda item: _ask(trial, item))
    layer, problems = mapping_layer(values, label, lambda _key: label)
    if problems:
        raise ConfigError(problems)
    layers: list[Layer] = [layer] if base is None else [Layer("base", to_plain(base, reveal=True)), layer]
    config = validate(schema, layers)
    mark_searched(config, label, values)
    return config


def _ask(trial: TrialLike, item: Searched) -> Any:
    dist, name = item.distribution, item.name
    if isinstance(dist, Uniform):
        return trial.suggest_float(name, dist.low, dist.high, step=dist.q)
    if isinstance(dist, LogUniform):
        return trial.suggest_float(name, dist.low, dist.high, log=True)
    if isinstance(dist, IntUniform):
        return trial.suggest_int(name, dist.low, dist.high, step=dist.step, log=dist.log)
    if isinstance(dist, Choice):
        return trial.suggest_categorical(name, list(dist.values))
    raise TypeError(f"{name}: Optuna cannot draw from {dist!r}")


def optimize(
    schema: type[M],
    objective: Callable[[M], float],
    *,
    n_trials: int,
    study: str | _optuna.Study | None = None,
    storage: str | None = None,
    base: M | None = None,
    direction: str = "minimize",
) -> _optuna.Study:
    """Run ``n_trials`` trials of ``objective`` over the schema's space; return the study.

    With ``storage`` (an Optuna storage URL such as ``sqlite:///study.db``, or the path of a
    journal file) and a ``study`` name, every process or machine started the same way joins one
    study, the way Optuna scales out. A config the schema refuses fails its trial with the
    positioned message (kept in the trial's ``ERROR_ATTR`` user attribute); the study goes on.

    Args:
        schema: the schema whose fields declare the space.
        objective: ``objective(cfg) -> float``, called with each trial's validated config.
        n_trials: how many trials this call runs.
        study: an Optuna study, or the name of one to create or join.
        storage: an Optuna storage URL or a journal file path (default: in memory).
        base: a config supplying the keys that are not searched.
        direction: ``"minimize"`` or ``"maximize"``.

    Raises:
        ImportError: Optuna is not installed.
        TypeError: a search space its field cannot take.
    """
    optuna = _import_optuna()
    chosen: _optuna.Study
    if study is not None and not isinstance(study, str):
        chosen = study
    else:
        chosen = optuna.create_study(
            study_name=study,
            storage=_storage(optuna, storage),
            direction=direction,
            load_if_exists=study is not None,
        )

    def run(trial: _optuna.Trial) -> float:
        try:
            config = suggest(trial, schema, base)
        except ConfigError as exc:
            trial.set_user_attr(ERROR_ATTR, str(exc))  # the study keeps why the trial failed
            raise
        return objective(config)

    chosen.optimize(run, n_trials=n_trials, catch=(ConfigError,))
    return chosen


def _storage(optuna: Any, storage: str | None) -> Any:
    if storage is None or "://" in storage:
        return storage
    journal = optuna.storages.journal
    return optuna.storages.JournalStorage(journal.JournalFileBackend(storage))


def _import_optuna() -> Any:
    try:
        import optuna
    except ImportError as exc:
        raise ImportError(_HINT) from exc
    return optuna
