"""wandb sweep files: checked against a schema, and grid and random sweeps expanded locally into configs."""

from __future__ import annotations

import functools
import itertools
import math
import os
import random
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, Literal, NamedTuple, TypeAlias, TypeVar

from pydantic import BaseModel, Field

from typed_config._errors import ConfigError, Origin, Problem, show, single
from typed_config._introspect import members, suggest
from typed_config._keys import Path, format_path, is_dict, is_list
from typed_config._layers import Layer, check_schema, keyed_layer, validate
from typed_config._text import leaf_names, resolve_key
from typed_config._yaml_io import MAX_BYTES, load_document, utf8

__all__ = ["SweepSource", "check", "expand"]

M = TypeVar("M", bound=BaseModel)
SweepSource: TypeAlias = "Mapping[str, Any] | str | os.PathLike[str]"
"""A sweep configuration: a mapping, or the path of its YAML file."""
_Where = Callable[[Path, bool], Origin]  # (a path in the sweep, at its key?) -> where it is written

_BASIC: Final[dict[str, tuple[str, ...]]] = {
    "constant": ("value",),
    **dict.fromkeys(("categorical", "categorical_w_probabilities"), ("values", "probabilities")),
    **dict.fromkeys(("int_uniform", "uniform", "log_uniform", "log_uniform_values"), ("min", "max")),
    **dict.fromkeys(("inv_log_uniform", "inv_log_uniform_values"), ("min", "max")),
    **dict.fromkeys(("normal", "log_normal"), ("mu", "sigma")),
    "beta": ("a", "b"),
}
_QUANTIZED: Final = ("uniform", "log_uniform", "log_uniform_values", "normal", "log_normal", "beta")
_DISTRIBUTIONS: Final = {**_BASIC, **{f"q_{name}": (*_BASIC[name], "q") for name in _QUANTIZED}}
_NUMBERS: Final = ("min", "max", "q", "mu", "sigma", "a", "b")
_SPEC_KEYS: Final = ("distribution", "value", "values", "probabilities", *_NUMBERS)
_DEFAULTS: Final = {"q": 1.0, "mu": 0.0, "sigma": 1.0, "a": 1.0, "b": 1.0}  # an int q rounds to ints
_LISTED: Final = ("constant", "categorical", "categorical_w_probabilities")
_GRID: Final = (*_LISTED, "int_uniform", "q_uniform")  # what wandb's grid search enumerates
_DRAW: Final[dict[str, Callable[[random.Random, dict[str, Any]], float]]] = {
    "int_uniform": lambda r, s: r.randint(s["min"], s["max"]),
    "uniform": lambda r, s: r.uniform(s["min"], s["max"]),
    "log_uniform": lambda r, s: math.exp(r.uniform(s["min"], s["max"])),
    "inv_log_uniform": lambda r, s: math.exp(-r.uniform(s["min"], s["max"])),
    "log_uniform_values": lambda r, s: math.exp(r.uniform(math.log(s["min"]), math.log(s["max"]))),
    # wandb draws 1/x log-uniformly between the values: x itself is then log-uniform between them.
    "inv_log_uniform_values": lambda r, s: math.exp(r.uniform(math.log(s["min"]), math.log(s["max"]))),
    "normal": lambda r, s: r.normalvariate(s["mu"], s["sigma"]),
    "log_normal": lambda r, s: r.lognormvariate(s["mu"], s["sigma"]),
    "beta": lambda r, s: r.betavariate(s["a"], s["b"]),
}
_PROBES: Final = {  # values standing for the open or unbounded ends of a distribution, and how to say so
    "normal": ((-1e300, "is unbounded"), (1e300, "is unbounded")),
    "log_normal": ((5e-324, "draws values down to 0"), (1e300, "is unbounded above")),
    "beta": ((5e-324, "draws values down to 0"), (1 - 2**-53, "draws values up to 1")),
}
_BAYES: Final = "bayes sweeps need the wandb server; use method: random or grid to expand locally"


class _Metric(BaseModel):
    name: str
    goal: Literal["minimize", "maximize"] = "minimize"
    target: float | None = None
    impute: Literal["latest", "best", "worst"] = "worst"
    impute_while_running: Literal["latest", "best", "worst", "false"] = "false"


class _Sweep(BaseModel):
    """The keys of a sweep file, as wandb's sweep config JSON Schema has them; parameters are read apart."""

    method: Literal["grid", "random", "bayes"]
    parameters: dict[str, Any]
    program: str | None = None
    command: list[Any] | None = None
    metric: _Metric | None = None
    early_terminate: dict[str, Any] | None = None
    name: str | None = None
    description: str | None = None
    project: str | None = None
    entity: str | None = None
    run_cap: int | None = Field(default=None, gt=0)


class _Param(NamedTuple):
    """A swept parameter: its name, its path in the schema and in the sweep, and its filled-in spec."""

    name: str
    path: Path
    where: Path
    dist: str
    spec: dict[str, Any]


class _Found(NamedTuple):
    """What reading a sweep found: its problems, placed by their path in it, and its parameters."""

    where: _Where
    problems: list[Problem]
    params: list[_Param]

    def add(self, key: str | None, message: str, path: Path = (), at_key: bool = False) -> None:
        self.problems.append(Problem(key, message, self.where(path, at_key)))


def check(schema: type[BaseModel], sweep: SweepSource) -> list[Problem]:
    """Check a wandb sweep configuration against the schema of the program it runs.

    Parameter names (nested or dotted) must be keys of the schema; every value a parameter can take
    must validate for its field: each ``value`` and ``values`` entry, and a distribution's ends
    (``log_uniform`` bounds are exponents; ``normal`` has none). Other keys must be as wandb takes them.

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
        return _parse(schema, *_read(sweep)).problems
    except ConfigError as exc:
        return list(exc.problems)


def expand(schema: type[M], sweep: SweepSource, *, count: int | None = None, seed: int = 0) -> Iterator[M]:
    """Expand a grid or random sweep into the validated configs its runs get.

    Values apply onto the schema's defaults by dot-key, as a wandb agent passes them. A grid is the
    product of every parameter's ``value`` or ``values`` (``int_uniform`` and ``q_uniform``
    enumerated), in wandb's order; a random sweep draws ``count`` configs with ``random.Random(seed)``.

    Args:
        schema: the model to validate each config with.
        sweep: the sweep configuration, or the path of its YAML file.
        count: how many configs (a grid's first ``count``, all when None); a random sweep needs it
            unless the file sets ``run_cap``.
        seed: the seed of a random sweep: the same seed draws the same configs.

    Returns:
        The configs, made one at a time; one that does not validate raises ``ConfigError``.

    Raises:
        ConfigError: the sweep has problems (whatever ``check`` reports), or is a bayes sweep.
        TypeError: ``schema`` is not a model class, or a random sweep has no count.
    """
    check_schema(schema)
    data, where = _read(sweep)
    found = _parse(schema, data, where)
    if found.problems:
        raise ConfigError(found.problems)
    method, params = data["method"], sorted(found.params, key=lambda p: p.where[1::2])  # wandb's order
    if method == "bayes":
        raise ConfigError([Problem("method", _BAYES, where(("method",), False))])  # noqa: FBT003 - _Where
    count = data.get("run_cap") if count is None and method == "random" else count
    if count is None and method == "random":
        raise TypeError("a random sweep needs a count (count=N, --count N) or a run_cap in the file")
    rng = random.Random(seed)  # noqa: S311 - reproducible draws, not secrets
    draws = (tuple(_draw(p, rng) for p in params) for _ in itertools.count())
    combos = itertools.islice(itertools.product(*map(_grid, params)) if method == "grid" else draws, count)
    layers = ([_placed(p, *choice, where) for p, choice in zip(params, c, strict=True)] for c in combos)
    return (validate(schema, chosen) for chosen in layers)


# PRE-PASS for dotted parameter names (`optimizer.lr:`), which load_document refuses in any key:
# until it takes an option for them, dots in indented block keys become a placeholder the text lacks
# (one character for one: positions stay put), read back as '.' in data, messages and positions.
_DOTTED: Final = re.compile(r"""(?m)^[ \t]+(["']?)[A-Za-z_][\w-]*(?:\.[\w-]+)+\1(?=[ \t]*:(?:[ \t\r]|$))""")


def _read(sweep: SweepSource) -> tuple[dict[str, Any], _Where]:
    if isinstance(sweep, Mapping):
        return dict(sweep), lambda path, _: Origin(text="sweep" + "".join(f"[{part!r}]" for part in path))
    source = os.fspath(sweep)
    try:
        with open(source, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise single(f"cannot read file: {exc.strerror or exc}", Origin(path=source)) from None
    raw = utf8(raw, source)  # UTF-16 and UTF-32 with a byte-order mark, as every YAML file
    text = raw.decode("utf-8-sig", "surrogateescape")  # a bad byte stays, for the loader to report
    mark = next(c for c in map(chr, range(0xE000, 0xF900)) if c not in text)
    marked = _DOTTED.sub(lambda dotted: dotted.group().replace(".", mark), text)
    try:
        document = load_document(raw if marked == text else marked, source)
    except ConfigError as exc:
        raise ConfigError(_unmark(problem, mark) for problem in exc.problems) from None
    return _unmark(document.data, mark), lambda path, at_key: document.origin(
        tuple(part.replace(".", mark) if isinstance(part, str) else part for part in path), at_key=at_key
    )


def _unmark(value: Any, mark: str) -> Any:
    if isinstance(value, Problem):
        return Problem(_unmark(value.key, mark), _unmark(value.message, mark), value.origin)
    if isinstance(value, str):
        return value.replace(mark, ".")
    if is_dict(value):
        return {_unmark(key, mark): _unmark(item, mark) for key, item in value.items()}
    return [_unmark(item, mark) for item in value] if is_list(value) else value


def _parse(schema: type[BaseModel], data: dict[str, Any], where: _Where) -> _Found:
    found = _Found(where, [], [])
    try:
        validate(_Sweep, [_Placed(data, where)])
    except ConfigError as exc:
        found.problems.extend(exc.problems)
    method = data.get("method")
    if "program" not in data and "command" not in data:
        found.add(None, "program is required unless command is given")
    if method == "bayes" and "metric" not in data:
        found.add("method", "bayes sweeps need a metric to optimise: {name: ..., goal: ...}", ("method",))
    if is_dict(data.get("parameters")):
        _parameters(schema, data["parameters"], (), ("parameters",), found)
    names = [(".".join(map(str, p.path)), i, where(p.where, True)) for i, p in enumerate(found.params)]  # noqa: FBT003
    found.problems.extend(keyed_layer("sweep", names, Origin(text="sweep"))[1])  # a parameter set twice
    for p in found.params:
        if method == "grid" and (p.dist not in _GRID or "probabilities" in p.spec):
            wrong = "probabilities" if p.dist in _GRID else p.dist
            at = "probabilities" if p.dist in _GRID else "distribution" if "distribution" in p.spec else "min"
            found.add(
                p.name, f"grids take value, values, int_uniform or q_uniform, not {wrong}", (*p.where, at)
            )
    found.problems.sort(key=lambda p: (p.origin.line or 0, p.origin.column or 0))
    return found


def _parameters(schema: type[BaseModel], block: Any, names: tuple[str, ...], at: Path, found: _Found) -> None:
    if not is_dict(block) or not block:
        found.add(".".join(names) or None, f"parameters must be a non-empty mapping (got {show(block)})", at)
        return
    for key, spec in block.items():
        written, here = (*names, str(key)), (*at, key)
        name = ".".join(written)
        if is_dict(spec) and "parameters" in spec:
            for other in (k for k in spec if k != "parameters"):
                found.add(name, f"nested parameters take no {other!r}", (*here, other), at_key=True)
            _parameters(schema, spec["parameters"], written, (*here, "parameters"), found)
            continue
        resolved = resolve_key(schema, name)
        if resolved is None:
            found.add(name, "unknown parameter" + suggest(name, leaf_names(schema)), here, at_key=True)
        elif not is_dict(spec):
            found.add(name, f"a parameter is a mapping (value, values, min, max...), not {show(spec)}", here)
        elif (dist := _distribution(name, spec, here, found)) is not None:
            defaults = {k: v for k, v in _DEFAULTS.items() if k in _DISTRIBUTIONS[dist]}
            found.params.append(_Param(name, resolved[0], here, dist, {**defaults, **spec}))
            _check_field(schema, found.params[-1], resolved[1], found)


def _distribution(name: str, spec: dict[str, Any], at: Path, found: _Found) -> str | None:
    """The distribution a parameter draws from, or None when its spec has problems (added to ``found``)."""
    before = len(found.problems)

    def bad(key: str, message: str, *, at_key: bool = False) -> None:
        found.add(name, message, (*at, key) if key else at, at_key=at_key or not key)

    # () for a key not given: neither a number nor a list.
    lo, hi, values, odds = (spec.get(key, ()) for key in ("min", "max", "values", "probabilities"))
    implied = "constant" if "value" in spec else "categorical" if "values" in spec else None
    both = (
        "int_uniform" if type(lo) is type(hi) is int else "uniform" if type(lo) is type(hi) is float else None
    )
    given = spec.get("distribution", implied or both)
    dist = given if isinstance(given, str) and given in _DISTRIBUTIONS else None
    takes = ("distribution", *_DISTRIBUTIONS.get(dist or "", _SPEC_KEYS[1:]))
    for key in (k for k in spec if k not in takes):
        bad(key, f"{dist or 'a parameter'} takes no {key!r}" + suggest(str(key), takes), at_key=True)
    if dist is None:
        if "distribution" in spec:
            hint = suggest(str(given), [*_DISTRIBUTIONS])
            bad("distribution", f"unknown distribution {show(given)}{hint}")
        elif len(found.problems) == before:  # else an unknown key (a typo) says what is wrong
            bad("", "a parameter needs value, values, min and max (both ints or floats), or a distribution")
        return None
    missing = [key for key in takes if key in ("value", "values", "min", "max") and key not in spec]
    if missing:
        bad("", f"{dist} needs {' and '.join(missing)}")
    for key, value in ((k, spec[k]) for k in _NUMBERS if k in spec):
        if type(value) not in (int, float) or not math.isfinite(value):
            bad(key, f"{key} must be a finite number (got {show(value)})")
        elif key in ("q", "sigma", "a", "b") and (value <= 0 if key == "q" else value < 0):
            bad(key, f"{key} must be {'>' if key == 'q' else '>='} 0 (got {show(value)})")
    if len(found.problems) == before and "min" in takes:
        if dist == "int_uniform" and not type(lo) is type(hi) is int:
            bad("min", f"int_uniform takes int bounds (got {show(lo)} and {show(hi)})")
        elif lo >= hi:
            bad("min", f"min {show(lo)} is not less than max {show(hi)}")
        elif dist.endswith("_values") and lo <= 0:
            bad("min", f"{dist} bounds are values, so min must be > 0 (got {show(lo)})")
    if "values" in spec and not (is_list(values) and values):
        bad("values", f"values must be a non-empty list (got {show(values)})")
    elif is_list(values) and "probabilities" in spec:
        numbers = is_list(odds) and all(type(x) in (int, float) and x >= 0 for x in odds)
        if not (numbers and len(odds) == len(values) and math.isclose(sum(odds), 1.0)):
            bad("probabilities", f"must be a number >= 0 per value, summing to 1 (got {show(odds)})")
    return dist if len(found.problems) == before else None


def _check_field(schema: type[BaseModel], p: _Param, tp: Any, found: _Found) -> None:
    """Every value a parameter can take must validate for its field: those listed, or a distribution's ends."""
    if p.dist in _LISTED:
        for value, at in _listed(p):
            found.problems.extend(_invalid(schema, p, _placed(p, value, at, found.where)))
        return
    spot = ((*p.where, "distribution"), False) if "distribution" in p.spec else (p.where, True)
    kind = int if p.dist == "int_uniform" or type(p.spec.get("q")) is int else float
    if not any(m is kind or m in (float, object, Any) for m in members(tp)):
        takes = getattr(tp, "__name__", str(tp)).replace("typing.", "")
        found.add(p.name, f"{p.dist} draws {kind.__name__}s but the field takes {takes}", *spot)
        return
    for key, value, how in _ends(p, kind):
        for problem in _invalid(schema, p, _placed(p, value, None, found.where)):
            message, rule = problem.message, problem.message.rsplit(" (got ", 1)[0]
            if key or ("q" in p.spec and abs(value) < 1e300):  # reached: min, max, or a rounded probe
                message = f"{how}: {message}" if how else message
            else:  # a probe for an open or unbounded end: say what the field requires
                message = f"{how} but the field requires a value {rule.removeprefix('Input should be ')}"
            found.add(problem.key, message, *(((*p.where, key), False) if key else spot))


def _ends(p: _Param, kind: type) -> list[tuple[str, Any, str]]:
    """The extreme values a distribution draws: (its key in the spec, or "" for a probe; value; how)."""
    s, base, sign = p.spec, p.dist.removeprefix("q_"), {"log_uniform": 1, "inv_log_uniform": -1}
    ends = [("", v, f"{p.dist} {how}") for v, how in _PROBES.get(base, ())] or [
        (k, s[k], "")
        if base not in sign
        else (k, math.exp(sign[base] * s[k]), f"{p.dist} draws e**{sign[base] * s[k]:g}")
        for k in ("min", "max")
    ]
    if "q" not in s:
        return [(key, kind(value), how) for key, value, how in ends]
    rounded = [(key, value, round(value / s["q"]) * s["q"], how) for key, value, how in ends]
    return [(key, r, how if r == v else f"{p.dist} rounds to {r}") for key, v, r, how in rounded]


def _invalid(schema: type[BaseModel], p: _Param, layer: Layer) -> list[Problem]:
    """The problems of one parameter's value, for its own key (keys it leaves unset may be required)."""
    try:
        validate(schema, [layer])
    except ConfigError as exc:
        key = format_path(p.path)
        return [q for q in exc.problems if q.key and re.match(rf"{re.escape(key)}($|[.\[])", q.key)]
    return []


class _Placed(Layer):
    """Values from a sweep; ``place`` says where in the sweep a path of them is written."""

    __slots__ = ("place",)

    def __init__(self, data: Any, place: _Where) -> None:
        super().__init__("sweep", data)
        self.place = place

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        return self.place(path, at_key)


def _placed(p: _Param, value: Any, at: Path | None, where: _Where) -> _Placed:
    """A parameter's value at its schema path; ``at`` is where in its spec it is written (None: drawn)."""
    n = len(p.path)

    def place(path: Path, at_key: bool) -> Origin:
        if path[:n] != p.path or at is None:  # a key it leaves unset (a required one), or a drawn value
            return where(("parameters",) if path[:n] != p.path else p.where, True)  # noqa: FBT003
        return where((*p.where, *at, *path[n:]), at_key)

    return _Placed(functools.reduce(lambda data, part: {part: data}, reversed(p.path), value), place)


def _listed(p: _Param) -> list[tuple[Any, Path | None]]:
    if p.dist == "constant":
        return [(p.spec["value"], ("value",))]
    return [(value, ("values", i)) for i, value in enumerate(p.spec["values"])]


def _grid(p: _Param) -> list[tuple[Any, Path | None]]:
    s = p.spec
    if p.dist == "int_uniform":
        return [(value, None) for value in range(s["min"], s["max"] + 1)]
    if p.dist == "q_uniform":  # as wandb: numpy.arange(min, max, q), so max itself is left out
        return [(s["min"] + i * s["q"], None) for i in range(math.ceil((s["max"] - s["min"]) / s["q"]))]
    return _listed(p)


def _draw(p: _Param, rng: random.Random) -> tuple[Any, Path | None]:
    if p.dist in _LISTED:
        return rng.choices(_listed(p), p.spec.get("probabilities"))[0]
    value = _DRAW[p.dist.removeprefix("q_")](rng, p.spec)
    return (round(value / p.spec["q"]) * p.spec["q"] if "q" in p.spec else value), None
