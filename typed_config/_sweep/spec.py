"""What a sweep may say, as wandb's sweep config JSON Schema has it: its top-level keys and each parameter's spec."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any, Final, Literal, NamedTuple, overload

from pydantic import BaseModel, Field

from typed_config._errors import ConfigError, Problem, show
from typed_config._keys.values import is_dict, is_list
from typed_config._layers.layers import validate
from typed_config._schema.suggest import suggest
from typed_config._sweep.draw import DISTRIBUTIONS, NUMBERS, overflow
from typed_config._sweep.file import Placed, Where
from typed_config._types import Path

_SPEC_KEYS: Final = ("distribution", "value", "values", "probabilities", *NUMBERS)
_POSITIVE: Final = ("q", "a", "b")  # > 0; sigma >= 0 (beta with a or b 0 cannot be drawn)
_LISTED: Final = ("constant", "categorical", "categorical_w_probabilities")
GRID: Final = (*_LISTED, "int_uniform", "q_uniform")  # what wandb's grid search enumerates
_NEEDS: Final = ("value", "values", "min", "max")


class _Metric(BaseModel):
    name: str
    goal: Literal["minimize", "maximize"] = "minimize"
    target: float | None = None
    impute: Literal["latest", "best", "worst"] = "worst"
    impute_while_running: Literal["latest", "best", "worst", "false"] = "false"


class _Hyperband(BaseModel):
    type: Literal["hyperband"]
    max_iter: int | None = None
    min_iter: int | None = Field(default=None, ge=1)
    s: float | None = None
    eta: float = Field(default=3, gt=1)
    strict: bool = True


class _Scheduler(BaseModel):
    engine: Literal["optuna", "ax", "wandb"]
    source: str | None = None
    optimizer: str | None = None
    search_space: str | None = None


class _Sweep(BaseModel):
    """The keys of a sweep file, as wandb's sweep config JSON Schema has them; parameters are read apart."""

    method: Literal["grid", "random", "bayes", "custom"]
    parameters: dict[str, Any] | None = None
    program: str | None = None
    command: list[Any] | None = None
    job: str | None = None
    image_uri: str | None = None
    controller: dict[str, Any] | None = None  # {type: local | cloud}, other keys allowed
    metric: _Metric | None = None
    metrics: list[_Metric] | None = Field(default=None, min_length=2)
    scheduler: _Scheduler | None = None
    early_terminate: _Hyperband | None = None
    name: str | None = None
    description: str | None = None
    project: str | None = None
    entity: str | None = None
    run_cap: int | None = Field(default=None, gt=0)
    api_version: str | None = Field(default=None, alias="apiVersion")
    kind: Literal["sweep"] | None = None


class Param(NamedTuple):
    """A swept parameter: its name, its path in the schema and in the sweep, and its filled-in spec."""

    name: str
    path: Path
    where: Path
    dist: str
    spec: dict[str, Any]


class Found(NamedTuple):
    """What reading a sweep found: its problems, placed by their path in it, and its parameters."""

    where: Where
    problems: list[Problem]
    params: list[Param]

    def add(self, key: str | None, message: str, path: Path = (), at_key: bool = False) -> None:
        self.problems.append(Problem(key, message, self.where(path, at_key)))


def check_keys(data: dict[str, Any], found: Found) -> None:
    """The top-level keys: each as wandb's schema takes it, and the rules between them."""
    try:
        validate(_Sweep, [Placed(data, found.where)])
    except ConfigError as exc:
        found.problems.extend(exc.problems)
    if data.get("method") == "bayes" and "metric" not in data:
        found.add("method", "bayes sweeps need a metric to optimise: {name: ..., goal: ...}", ("method",))
    scheduler = data.get("scheduler")
    if "parameters" not in data and not (is_dict(scheduler) and scheduler.get("search_space")):
        found.add(None, "parameters are required unless scheduler.search_space is set")
    if "metric" in data and "metrics" in data:
        found.add("metrics", "metric and metrics cannot both be set", ("metrics",), at_key=True)
    elif "metrics" in data and data.get("method") not in ("custom", None):
        found.add("metrics", "metrics (several objectives) need method: custom", ("metrics",), at_key=True)
    controller = data.get("controller")
    if is_dict(controller) and controller.get("type") not in ("local", "cloud"):
        got = show(controller.get("type")) if "type" in controller else "nothing"
        found.add("controller.type", f"must be 'local' or 'cloud' (got {got})", ("controller",))
    terminate = data.get("early_terminate")
    if is_dict(terminate) and "min_iter" not in terminate and not {"max_iter", "s"} <= terminate.keys():
        found.add("early_terminate", "hyperband needs min_iter, or max_iter and s", ("early_terminate",))


def distribution(name: str, spec: dict[str, Any], at: Path, found: Found) -> str | None:
    """The distribution a parameter draws from, or None when its spec has problems (added to ``found``)."""
    before = len(found.problems)

    def bad(key: str, message: str, *, at_key: bool = False) -> None:
        found.add(name, message, (*at, key) if key else at, at_key=at_key or not key)

    dist = _named(spec, bad, clean=lambda: len(found.problems) == before)
    if dist is None:
        return None
    missing = [key for key in _NEEDS if key in DISTRIBUTIONS[dist] and key not in spec]
    if missing:
        bad("", f"{dist} needs {' and '.join(missing)}")
    _numbers(dist, spec, bad)
    if len(found.problems) == before:
        _KIND_CHECKS.get(dist, _bounds)(dist, spec, bad)
    return dist if len(found.problems) == before else None


_Bad = Callable[..., None]


def _named(spec: dict[str, Any], bad: _Bad, clean: Callable[[], bool]) -> str | None:
    """The distribution a spec names or implies; keys it does not take are problems."""
    lo, hi = spec.get("min"), spec.get("max")
    implied = "constant" if "value" in spec else "categorical" if "values" in spec else None
    given = spec.get("distribution", implied or _by_bounds(lo, hi))
    dist = given if isinstance(given, str) and given in DISTRIBUTIONS else None
    takes = ("distribution", *DISTRIBUTIONS.get(dist or "", _SPEC_KEYS[1:]))
    for key in (k for k in spec if k not in takes):
        bad(key, f"{dist or 'a parameter'} takes no {key!r}" + suggest(str(key), takes), at_key=True)
    if dist is None:
        if "distribution" in spec:
            bad("distribution", f"unknown distribution {show(given)}{suggest(str(given), [*DISTRIBUTIONS])}")
        elif clean():  # else an unknown key (a typo) says what is wrong
            bad("", "a parameter needs value, values, min and max (numbers), or a distribution")
    return dist


def _by_bounds(lo: Any, hi: Any) -> str | None:
    """As wandb's schema: two ints are int_uniform; two numbers, one of them a float, uniform."""
    if type(lo) is int and type(hi) is int:
        return "int_uniform"
    numbers = type(lo) in (int, float) and type(hi) in (int, float)
    return "uniform" if numbers and float in (type(lo), type(hi)) else None


def finite(value: Any) -> bool:
    """Whether a number is a finite float, or an int a float can hold."""
    try:
        return math.isfinite(value)
    except OverflowError:  # an int beyond the largest float
        return False


def _numbers(dist: str, spec: dict[str, Any], bad: _Bad) -> None:
    for key, value in ((k, spec[k]) for k in NUMBERS if k in spec):
        exact = dist == "int_uniform" and key in ("min", "max") and type(value) is int
        if type(value) not in (int, float) or not (exact or finite(value)):
            bad(key, f"{key} must be a finite number (got {show(value)})")
        elif key in _POSITIVE and value <= 0:
            bad(key, f"{key} must be > 0 (got {show(value)})")
        elif key == "sigma" and value < 0:
            bad(key, f"sigma must be >= 0 (got {show(value)})")


def _bounds(dist: str, spec: dict[str, Any], bad: _Bad) -> None:
    lo, hi = spec["min"], spec["max"]
    if dist == "int_uniform" and not type(lo) is type(hi) is int:
        bad("min", f"int_uniform takes int bounds (got {show(lo)} and {show(hi)})")
    elif lo >= hi:
        bad("min", f"min {show(lo)} is not less than max {show(hi)}")
    elif dist.endswith("_values") and lo <= 0:
        bad("min", f"{dist} bounds are values, so min must be > 0 (got {show(lo)})")
    else:
        _overflow(dist, spec, bad)


def _overflow(dist: str, spec: dict[str, Any], bad: _Bad) -> None:
    found = overflow(dist, spec)
    if found is not None:
        bad(*found)


def _listed(dist: str, spec: dict[str, Any], bad: _Bad) -> None:
    del dist
    values: Any = spec.get("values")
    odds: Any = spec.get("probabilities")
    if "values" in spec and not (is_list(values) and values):
        bad("values", f"values must be a non-empty list (got {show(values)})")
    elif is_list(values) and "probabilities" in spec:
        numbers = is_list(odds) and all(type(x) in (int, float) and finite(x) and x >= 0 for x in odds)
        if not (numbers and len(odds) == len(values) and math.isclose(sum(odds), 1.0)):
            bad("probabilities", f"must be a number >= 0 per value, summing to 1 (got {show(odds)})")


_KIND_CHECKS: Final[dict[str, Callable[[str, dict[str, Any], _Bad], None]]] = {
    **{name: _overflow for name in DISTRIBUTIONS if "min" not in DISTRIBUTIONS[name]},
    **dict.fromkeys(_LISTED, _listed),
}


class Listed(Sequence[tuple[Any, "Path | None"]]):
    """A listed parameter's values, each with where in its spec it is written, made when asked for."""

    __slots__ = ("values",)

    def __init__(self, values: list[Any]) -> None:
        self.values = values

    def __len__(self) -> int:
        return len(self.values)

    @overload
    def __getitem__(self, index: int) -> tuple[Any, Path | None]: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[tuple[Any, Path | None]]: ...
    def __getitem__(self, index: int | slice) -> Any:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return self.values[index], ("values", index if index >= 0 else len(self.values) + index)


def listed(p: Param) -> Sequence[tuple[Any, Path | None]]:
    """A listed parameter's values, each with where in its spec it is written."""
    if p.dist == "constant":
        return [(p.spec["value"], ("value",))]
    return Listed(p.spec["values"])


def is_listed(p: Param) -> bool:
    """Whether a parameter lists its values (value, values) rather than drawing them."""
    return p.dist in _LISTED


MAX_CONFIGS: Final = 1_000_000
"""The most configs a sweep expands to without a count: a grid's size, or a random sweep's run_cap."""


class Axis(NamedTuple):
    """The values a grid takes for one parameter, without listing them: how many, and the i-th."""

    size: int
    at: Callable[[int], tuple[Any, Path | None]]


def axis(p: Param) -> Axis:
    """A grid parameter's values: listed ones, int_uniform's range, q_uniform's steps (max left out, as wandb)."""
    s = p.spec

    def step(i: int) -> tuple[Any, Path | None]:
        return s["min"] + i * s.get("q", 1), None

    if p.dist == "int_uniform":
        return Axis(s["max"] - s["min"] + 1, step)
    if p.dist == "q_uniform":  # as wandb: numpy.arange(min, max, q)
        return Axis(math.ceil((s["max"] - s["min"]) / s["q"]), step)
    items = listed(p)
    return Axis(len(items), items.__getitem__)


def count_text(size: int) -> str:
    """A number of configs as a message shows it: digits up to 10**15, a power of ten beyond."""
    if size < 10**15:
        return f"{size:,}"
    return f"about 10**{int(size.bit_length() * math.log10(2))}"  # no str() of a 5,000-digit int
