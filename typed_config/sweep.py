"""wandb sweep files: checked against a schema, and grid and random sweeps expanded locally into configs."""

from __future__ import annotations

import itertools
import math
import os
import random
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final, TypeVar

from pydantic import BaseModel

from typed_config._errors import ConfigError, Origin, Problem, show
from typed_config._introspect import closest, field_keys, is_model, members, strip, suggest, type_at
from typed_config._keys import Path, format_path, is_dict, is_list
from typed_config._layers import Layer, check_schema, validate
from typed_config._text import leaf_names, resolve_key
from typed_config._yaml_io import MAX_BYTES, load_document

__all__ = ["check", "expand", "plan"]

M = TypeVar("M", bound=BaseModel)
_Where = Callable[[Path, bool], Origin]  # (path in the sweep, at the key?) -> where it is written

_METHODS: Final = ("grid", "random", "bayes")
_GOALS: Final = ("minimize", "maximize")
_TOP_KEYS: Final = ("program", "method", "metric", "parameters", "command", "early_terminate", "name",
                    "description", "project", "entity", "run_cap", "apiVersion", "kind", "controller", "job",
                    "image_uri")  # fmt: skip
_METRIC_KEYS: Final = ("name", "goal", "target", "impute", "impute_while_running")
_TEXT_KEYS: Final = ("program", "name", "description", "project", "entity")
_DISTRIBUTIONS: Final[dict[str, tuple[str, ...]]] = {
    "constant": ("value",),
    "categorical": ("values", "probabilities"),
    "categorical_w_probabilities": ("values", "probabilities"),
    "int_uniform": ("min", "max"),
    **{d: ("min", "max") for d in ("uniform", "log_uniform", "log_uniform_values")},
    **{d: ("min", "max") for d in ("inv_log_uniform", "inv_log_uniform_values")},
    **{d: ("min", "max", "q") for d in ("q_uniform", "q_log_uniform", "q_log_uniform_values")},
    **{d: ("mu", "sigma") for d in ("normal", "log_normal")},
    **{d: ("mu", "sigma", "q") for d in ("q_normal", "q_log_normal")},
    "beta": ("a", "b"),
    "q_beta": ("a", "b", "q"),
}
_SPEC_KEYS: Final = ("distribution", "value", "values", "probabilities", "min", "max", "q", "mu", "sigma", "a", "b")
_DEFAULTS: Final[dict[str, float]] = {"q": 1.0, "mu": 0.0, "sigma": 1.0, "a": 1.0, "b": 1.0}
_GRID: Final = ("constant", "categorical", "int_uniform", "q_uniform")  # what wandb's grid search enumerates
_BAYES: Final = "bayes sweeps need the wandb server; use method: random or grid to expand locally"


@dataclass(frozen=True)
class _Param:
    """One swept parameter: its dotted name, its path in the schema and in the sweep, and its spec."""

    name: str
    path: Path
    written: tuple[str, ...]  # its name's segments as nested in the file (wandb orders a grid by them)
    where: Path
    dist: str
    spec: dict[str, Any]


def check(schema: type[BaseModel], sweep: Mapping[str, Any] | str | os.PathLike[str]) -> list[Problem]:
    """Check a wandb sweep configuration against a schema.

    Every parameter name (nested ``parameters:`` blocks and dotted names) must be a key of the
    schema; every ``value`` and ``values`` entry must validate for its field; bounds must suit
    the field's type and constraints as the distribution draws them (``log_uniform`` bounds are
    exponents; ``normal`` is unbounded); ``method``, ``metric``, ``program`` and the other keys
    must be what wandb takes.

    Args:
        schema: the model the swept program validates its config with.
        sweep: the sweep configuration, or the path of its YAML file.

    Returns:
        Every problem, each with the file, line and column of the offending key or value; empty
        when the sweep is valid.

    Raises:
        TypeError: ``schema`` is not a model class, or ``sweep`` neither a mapping nor a path.
    """
    check_schema(schema)
    try:
        data, where = _read(sweep)
    except ConfigError as exc:
        return list(exc.problems)
    return _parse(schema, data, where)[2]


def plan(
    schema: type[BaseModel], sweep: Mapping[str, Any] | str | os.PathLike[str], *, count: int | None = None,
    seed: int = 0,
) -> Iterator[list[Layer]]:  # fmt: skip
    """The layers of each config a sweep runs, in order, not yet validated (``expand`` validates them).

    Raises:
        ConfigError: the sweep has problems, or is a bayes sweep.
        TypeError: as ``expand``.
    """
    check_schema(schema)
    data, where = _read(sweep)
    method, params, problems = _parse(schema, data, where)
    if problems:
        raise ConfigError(problems)
    if method == "bayes":
        raise ConfigError([Problem("method", _BAYES, where(("method",), False))])
    if count is None and method == "random":
        count = data.get("run_cap")
        if count is None:
            raise TypeError("a random sweep needs a count (count=N, --count N) or a run_cap in the file")
    if count is not None and (type(count) is not int or count < 0):
        raise TypeError(f"count must be a non-negative int, not {count!r}")
    params.sort(key=lambda p: p.written)
    if method == "grid":
        grid = itertools.product(*[_grid_choices(p) for p in params])
        return ([_choice(p, v, at, where) for p, (v, at) in zip(params, c)] for c in itertools.islice(grid, count))
    rng = random.Random(seed)  # noqa: S311 - reproducible sampling, not cryptography
    draws = (((p, *_draw(p, rng)) for p in params) for _ in range(count or 0))
    return ([_choice(p, v, at, where) for p, v, at in draw] for draw in draws)


def expand(
    schema: type[M], sweep: Mapping[str, Any] | str | os.PathLike[str], *, count: int | None = None, seed: int = 0
) -> Iterator[M]:
    """Expand a grid or random sweep into the configs its runs would get, each validated.

    Values are applied onto the schema's defaults as dot-keys, as a wandb agent passes them. A
    grid is the cartesian product of every parameter's ``value``/``values`` (``int_uniform`` and
    ``q_uniform`` enumerated as wandb does), ordered as wandb orders it; a random sweep draws
    ``count`` configs with ``random.Random(seed)``, the same ones for the same seed.

    Args:
        schema: the model to validate each config with.
        sweep: the sweep configuration, or the path of its YAML file.
        count: how many configs: required for a random sweep unless the file sets ``run_cap``;
            for a grid, the first ``count`` configs (all when None).
        seed: the random seed.

    Returns:
        An iterator of validated configs; it raises ``ConfigError`` at a config that does not validate.

    Raises:
        ConfigError: the sweep has problems (everything ``check`` reports), or is a bayes sweep.
        TypeError: ``schema`` is not a model class, or a random sweep has no count.
    """
    layers = plan(schema, sweep, count=count, seed=seed)
    return (validate(schema, chosen) for chosen in layers)


# --- reading ---------------------------------------------------------------------------------


def _read(sweep: Mapping[str, Any] | str | os.PathLike[str]) -> tuple[dict[str, Any], _Where]:
    if isinstance(sweep, Mapping):
        data = {str(k): v for k, v in sweep.items()}
        return data, lambda path, _at_key: Origin(text="sweep" + "".join(f"[{p!r}]" for p in path))
    if not isinstance(sweep, (str, os.PathLike)):
        raise TypeError(f"a sweep is a mapping or the path of a YAML file, not {sweep!r}")
    source = os.fspath(sweep)
    try:
        with open(source, "rb") as handle:
            raw = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise ConfigError([Problem(None, f"cannot read file: {exc.strerror or exc}", Origin(path=source))]) from None
    return _load_dotted(raw, source)


# --- dotted parameter names: a pre-pass until the loader can allow them ---------------------------
# load_document refuses a '.' in any key (DESIGN.md: dots in files are errors), yet wandb names a
# parameter `optimizer.lr:`. Each dotted key it refuses where a parameter name stands is rewritten
# to a placeholder character that the text does not hold, one character for one, so every line and
# column stays where it was; the text is loaded again, and the placeholder turned back into '.'.
_NAME: Final = re.compile(r"""(["']?)([A-Za-z_][\w.-]*)\1""")


def _load_dotted(raw: bytes, source: str) -> tuple[dict[str, Any], _Where]:
    text: str | None = None
    mark = "."
    while True:
        try:
            document = load_document(raw if text is None else text, source)
        except ConfigError as exc:
            spots = [p.origin for p in exc.problems if _names_parameter(p.key)]
            if text is None and spots:
                try:
                    text = raw.decode("utf-8-sig")
                except UnicodeDecodeError:
                    raise exc from None
                mark = next(c for c in map(chr, range(0xE000, 0xF900)) if c not in text)
            rewritten = _rewrite(text, spots, mark) if text is not None else None
            if rewritten is None or rewritten == text:
                raise ConfigError(_unmark(p, mark) for p in exc.problems) from None
            text = rewritten
            continue
        break
    if mark == ".":
        return document.data, lambda path, at_key: document.origin(path, at_key=at_key)

    def where(path: Path, at_key: bool) -> Origin:
        return document.origin(tuple(p.replace(".", mark) if isinstance(p, str) else p for p in path), at_key=at_key)

    return _unmark_keys(document.data, mark), where


def _names_parameter(key: str | None) -> bool:
    """Whether a refused key's parent is a ``parameters`` block (``parameters``, ``parameters.x.parameters``)."""
    parts = (key or "").split(".")
    return len(parts) % 2 == 1 and all(part == "parameters" for part in parts[::2])


def _rewrite(text: str, spots: Sequence[Origin], mark: str) -> str:
    lines = re.split(r"(?<=\r\n)|(?<=\n)|(?<=\r)(?!\n)", text)
    starts = list(itertools.accumulate((len(line) for line in lines), initial=0))
    chars = list(text)
    for spot in spots:
        offset = starts[(spot.line or 1) - 1] + (spot.column or 1) - 1
        found = _NAME.match(text, offset)
        if found is not None:
            chars[found.start(2) : found.end(2)] = found.group(2).replace(".", mark)
    return "".join(chars)


def _unmark(problem: Problem, mark: str) -> Problem:
    key = None if problem.key is None else problem.key.replace(mark, ".")
    return Problem(key, problem.message.replace(mark, "."), problem.origin)


def _unmark_keys(value: Any, mark: str) -> Any:
    if is_dict(value):
        return {k.replace(mark, "."): _unmark_keys(v, mark) for k, v in value.items()}
    return value


# --- checking --------------------------------------------------------------------------------


def _parse(schema: type[BaseModel], data: dict[str, Any], where: _Where) -> tuple[Any, list[_Param], list[Problem]]:
    problems: list[Problem] = []

    def add(key: str | None, message: str, path: Path = (), at_key: bool = False) -> None:
        problems.append(Problem(key, message, where(path, at_key)))

    for key in data:
        if key not in _TOP_KEYS:
            add(key, "unknown key" + suggest(key, _TOP_KEYS), (key,), True)
    method = data.get("method")
    if "method" not in data:
        add(None, "method is required: grid, random or bayes")
    elif method not in _METHODS:
        near = closest(str(method), _METHODS)
        hint = f"did you mean {near!r}?" if near else "expected grid, random or bayes"
        add("method", f"unknown method {show(method)}; {hint}", ("method",))
    _check_metric(data, method, add)
    if "program" not in data and "command" not in data:
        add(None, "program is required unless command is given")
    for key in _TEXT_KEYS:
        if key in data and not isinstance(data[key], str):
            add(key, f"must be a string (got {show(data[key])})", (key,))
    if "command" in data and not is_list(data["command"]):
        add("command", f"must be a list of arguments (got {show(data['command'])})", ("command",))
    cap = data.get("run_cap")
    if "run_cap" in data and (type(cap) is not int or cap <= 0):
        add("run_cap", f"must be an integer greater than 0 (got {show(cap)})", ("run_cap",))
    params: list[_Param] = []
    if "parameters" not in data:
        add(None, "parameters is required: the parameters to sweep")
    else:
        _parameters(schema, data["parameters"], (), ("parameters",), params, add)
    _check_overlaps(params, add, where)
    for p in params:
        if method == "grid" and p.dist not in _GRID:
            at = ("distribution",) if "distribution" in p.spec else ("min",)
            add(p.name, f"grid sweeps take value, values, int_uniform or q_uniform; {p.dist} is continuous", (*p.where, *at))
        elif method == "grid" and "probabilities" in p.spec:
            add(p.name, "grid sweeps take no probabilities", (*p.where, "probabilities"), True)
    problems.sort(key=lambda p: (p.origin.line or 0, p.origin.column or 0))
    return method, params, problems


def _check_metric(data: dict[str, Any], method: Any, add: Callable[..., None]) -> None:
    if "metric" not in data:
        if method == "bayes":
            add("method", "bayes sweeps need a metric to optimise (metric: {name: ..., goal: ...})", ("method",))
        return
    metric = data["metric"]
    if not is_dict(metric):
        add("metric", f"must be a mapping with name and goal (got {show(metric)})", ("metric",))
        return
    for key in metric:
        if key not in _METRIC_KEYS:
            add(f"metric.{key}", "unknown key" + suggest(key, _METRIC_KEYS), ("metric", key), True)
    if not isinstance(metric.get("name"), str):
        got = f" (got {show(metric['name'])})" if "name" in metric else ""
        add("metric.name", "the metric needs a name, the key the program logs" + got, ("metric", "name"), "name" not in metric)
    goal = metric.get("goal", "minimize")
    if goal not in _GOALS:
        near = closest(str(goal), _GOALS)
        hint = f"did you mean {near!r}?" if near else "expected minimize or maximize"
        add("metric.goal", f"unknown goal {show(goal)}; {hint}", ("metric", "goal"))


def _parameters(
    schema: type[BaseModel], block: Any, written: tuple[str, ...], at: Path, out: list[_Param], add: Callable[..., None]
) -> None:
    name = ".".join(written) or "parameters"
    if not is_dict(block) or not block:
        add(name, f"parameters must be a non-empty mapping of names to parameters (got {show(block)})", at)
        return
    for key, spec in block.items():
        segments, here = (*written, key), (*at, key)
        dotted = ".".join(segments)
        if is_dict(spec) and "parameters" in spec:
            for other in spec:
                if other != "parameters":
                    add(dotted, f"a parameter with nested parameters takes no {other!r}", (*here, other), True)
            _parameters(schema, spec["parameters"], segments, (*here, "parameters"), out, add)
            continue
        resolved = resolve_key(schema, dotted)
        if resolved is None:
            add(dotted, "unknown parameter" + suggest(dotted, leaf_names(schema)), here, True)
            continue
        if not is_dict(spec):
            add(dotted, f"a parameter is a mapping (value, values, min/max, distribution), not {show(spec)}", here)
            continue
        param = _spec(dotted, resolved[0], segments, here, spec, add)
        if param is not None:
            out.append(param)
            _check_field(schema, param, resolved[1], add)


def _spec(
    name: str, path: Path, written: tuple[str, ...], at: Path, spec: dict[str, Any], add: Callable[..., None]
) -> _Param | None:
    for key in spec:
        if key not in _SPEC_KEYS:
            add(name, f"unknown key {key!r}" + suggest(key, _SPEC_KEYS), (*at, key), True)
    dist = spec.get("distribution")
    if dist is None:
        lo, hi = spec.get("min"), spec.get("max")
        if "value" in spec or "values" in spec:
            dist = "constant" if "value" in spec else "categorical"
        elif "min" not in spec or "max" not in spec:
            add(name, "a parameter needs value, values, min and max, or a distribution", at, True)
            return None
        elif type(lo) is type(hi) and type(lo) in (int, float):
            dist = "int_uniform" if type(lo) is int else "uniform"
        else:
            add(name, "min and max must both be ints (int_uniform) or both floats (uniform), or name the distribution", (*at, "min"))
            return None
    elif dist not in _DISTRIBUTIONS:
        add(name, f"unknown distribution {show(dist)}" + suggest(str(dist), list(_DISTRIBUTIONS)), (*at, "distribution"))
        return None
    takes = _DISTRIBUTIONS[dist]
    bad = [k for k in spec if k in _SPEC_KEYS and k != "distribution" and k not in takes]
    for key in bad:
        add(name, f"{key!r} does not go with {dist} (it takes {', '.join(takes)})", (*at, key), True)
    needed = [k for k in takes if k in ("value", "values", "min", "max") and k not in spec]
    if dist == "categorical_w_probabilities" and "probabilities" not in spec:
        needed.append("probabilities")
    if needed:
        add(name, f"{dist} needs {' and '.join(needed)}", at, True)
    filled = {**{k: v for k, v in _DEFAULTS.items() if k in takes}, **spec}
    if bad or needed or not _numbers_ok(name, dist, filled, at, add):
        return None
    return _Param(name, path, written, at, dist, filled)


def _numbers_ok(name: str, dist: str, spec: dict[str, Any], at: Path, add: Callable[..., None]) -> bool:
    problems: list[tuple[str, str]] = []
    for key in ("min", "max", "q", "mu", "sigma", "a", "b"):
        value = spec.get(key)
        if key in spec and (type(value) not in (int, float) or not math.isfinite(value)):
            problems.append((key, f"{key} must be a finite number (got {show(value)})"))
        elif key in ("q", "sigma", "a", "b") and key in spec and value <= 0 and (key == "q" or value < 0):
            problems.append((key, f"{key} must be {'> 0' if key == 'q' else '>= 0'} (got {show(value)})"))
    if not problems and "min" in spec:
        lo, hi = spec["min"], spec["max"]
        if dist == "int_uniform" and not (type(lo) is int and type(hi) is int):
            problems.append(("min", f"int_uniform takes integer bounds (got {show(lo)} and {show(hi)})"))
        elif lo >= hi:
            problems.append(("min", f"min {show(lo)} is not less than max {show(hi)}"))
        elif dist.endswith("_values") and lo <= 0:
            problems.append(("min", f"{dist} takes values: min must be > 0 (got {show(lo)})"))
    values = spec.get("values")
    if "values" in spec and (not is_list(values) or not values):
        problems.append(("values", f"values must be a non-empty list (got {show(values)})"))
    elif "probabilities" in spec:
        odds = spec["probabilities"]
        if not is_list(odds) or len(odds) != len(values) or any(type(p) not in (int, float) or p < 0 for p in odds):
            problems.append(("probabilities", f"probabilities must be {len(values)} numbers >= 0, one per value (got {show(odds)})"))
        elif not math.isclose(sum(odds), 1.0):
            problems.append(("probabilities", f"probabilities must sum to 1 (they sum to {sum(odds):g})"))
    for key, message in problems:
        add(name, message, (*at, key))
    return not problems


def _check_overlaps(params: list[_Param], add: Callable[..., None], where: _Where) -> None:
    seen: dict[Path, _Param] = {}
    for p in params:
        other = next((seen[p.path[:end]] for end in range(1, len(p.path) + 1) if p.path[:end] in seen), None)
        other = other or next((q for q in seen.values() if q.path[: len(p.path)] == p.path), None)
        if other is not None:
            add(p.name, f"is also set by {where(other.where, True)}", p.where, True)
        seen[p.path] = p


def _check_field(schema: type[BaseModel], p: _Param, tp: Any, add: Callable[..., None]) -> None:
    """The values a parameter can take must validate for its field."""
    if p.dist == "constant" or p.dist.startswith("categorical"):
        listed = [(p.spec["value"], ("value",))] if p.dist == "constant" else _listed(p)
        for value, at in listed:
            for problem in _invalid(schema, _choice(p, value, at, _nowhere), p):
                add(problem.key, problem.message, (*p.where, *at))
        return
    at_dist = (*p.where, "distribution") if "distribution" in p.spec else p.where
    kind = "int" if p.dist == "int_uniform" or (p.dist.startswith("q_") and type(p.spec["q"]) is int) else "float"
    takes = {k for m in members(tp) for k in {int: ("int",), float: ("int", "float"), Any: ("int", "float")}.get(m, ())}
    if kind not in takes:
        shown = " | ".join(m.__name__ if isinstance(m, type) else repr(m).replace("typing.", "") for m in members(tp))
        add(p.name, f"{p.dist} draws {kind}s but the field takes {shown}", at_dist, at_dist == p.where)
        return
    lower, upper = _limits(schema, p.path, tp)
    for label, side, value, closed, how in _ends(p):
        if value is not None and closed:
            for problem in _invalid(schema, _choice(p, value, (), _nowhere), p):
                add(problem.key, f"{how}: {problem.message}" if how else problem.message, (*p.where, label) if label else at_dist)
            continue
        limits = lower if side == "low" else upper
        wanted = [f"{op} {bound}" for op, bound in limits if value is None or (value < bound if side == "low" else value > bound)]
        if wanted and value is None:
            reach = "unbounded" if p.dist.removeprefix("q_") == "normal" else f"unbounded {'below' if side == 'low' else 'above'}"
            add(p.name, f"{p.dist} is {reach} but the field requires {' and '.join(wanted)}", at_dist)
        elif wanted:
            add(p.name, f"{p.dist} draws values {'down' if side == 'low' else 'up'} to {value} but the field requires {' and '.join(wanted)}", at_dist)


def _ends(p: _Param) -> list[tuple[str, str, float | None, bool, str]]:
    """The lowest and highest values a distribution draws: (key, side, value or None if unbounded, closed, how)."""
    s, base, quantized = p.spec, p.dist.removeprefix("q_"), p.dist.startswith("q_")
    if base in ("normal", "log_normal", "beta"):
        low = None if base == "normal" else 0
        high = 1 if base == "beta" else None
        return [("", "low", low, quantized, ""), ("", "high", high if not quantized or high is None else _round(high, s["q"]), quantized, "")]
    ends: list[tuple[str, str, float | None, bool, str]] = []
    for label, side in (("min", "low"), ("max", "high")) if base != "inv_log_uniform" else (("max", "low"), ("min", "high")):
        value, expr = s[label], label
        if base in ("log_uniform", "inv_log_uniform"):
            expr = f"e**{'-' if base.startswith('inv') else ''}{label}"
            value = math.exp(-value if base.startswith("inv") else value)
        how = f"{p.dist} draws {expr} = {value:.6g}" if expr != label else ""
        if quantized:
            rounded = _round(value, s["q"])
            how = f"{p.dist} rounds {expr} to {rounded}" if rounded != value or expr != label else ""
            value = rounded
        ends.append((label, side, float(value) if base != "int_uniform" and not quantized else value, True, how))
    return ends


def _limits(schema: type[BaseModel], path: Path, tp: Any) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]]:
    """The field's numeric bounds (``gt``, ``ge``, ``lt``, ``le``), from its FieldInfo and ``Annotated`` metadata."""
    metadata: list[Any] = list(getattr(tp, "__metadata__", ()))
    for model in members(type_at(schema, path[:-1])):
        if is_model(model):
            metadata += [m for name, key in field_keys(model) if key == path[-1] for m in model.model_fields[name].metadata]
    found = {op: [getattr(m, attr) for m in metadata if getattr(m, attr, None) is not None] for op, attr in
             ((">", "gt"), (">=", "ge"), ("<", "lt"), ("<=", "le"))}  # fmt: skip
    lower = [(op, bound) for op in (">", ">=") for bound in found[op]]
    return lower, [(op, bound) for op in ("<", "<=") for bound in found[op]]


def _invalid(schema: type[BaseModel], layer: Layer, p: _Param) -> list[Problem]:
    """The problems validating one value gives for its own key (others' required keys aside)."""
    try:
        validate(schema, [layer])
    except ConfigError as exc:
        mine = format_path(p.path)
        return [q for q in exc.problems if q.key is not None and re.match(rf"{re.escape(mine)}($|[.\[])", q.key)]
    return []


# --- expanding -------------------------------------------------------------------------------


class _Choice(Layer):
    """One parameter's value for one config; origins point into the sweep file."""

    __slots__ = ("at", "prefix", "where")

    def __init__(self, name: str, prefix: Path, value: Any, at: Path | None, where: _Where) -> None:
        for part in reversed(prefix):
            value = {part: value}
        super().__init__(name, value)
        self.prefix, self.at, self.where = prefix, at, where

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        rest = path[len(self.prefix) :]
        if self.at is None:  # a drawn value: the parameter's key
            return self.where(self.at or (), True)
        return self.where((*self.at, *rest), at_key and bool(rest))


def _nowhere(_path: Path, _at_key: bool) -> Origin:
    return Origin(text="")


def _choice(p: _Param, value: Any, at: Path | None, where: _Where) -> _Choice:
    return _Choice(f"sweep parameter {p.name}", p.path, value, None if at is None else (*p.where, *at), where)


def _listed(p: _Param) -> list[tuple[Any, Path]]:
    return [(value, ("values", i)) for i, value in enumerate(p.spec["values"])]


def _grid_choices(p: _Param) -> list[tuple[Any, Path | None]]:
    s = p.spec
    if p.dist == "constant":
        return [(s["value"], ("value",))]
    if p.dist == "int_uniform":
        return [(value, None) for value in range(s["min"], s["max"] + 1)]
    if p.dist == "q_uniform":  # numpy.arange(min, max, q), as wandb enumerates it: max itself is left out
        lo, q = s["min"], s["q"]
        return [(lo + i * q, None) for i in range(math.ceil((s["max"] - lo) / q))]
    return list(_listed(p))


def _draw(p: _Param, rng: random.Random) -> tuple[Any, Path | None]:
    s, base = p.spec, p.dist.removeprefix("q_")
    if p.dist == "constant":
        return s["value"], ("value",)
    if p.dist.startswith("categorical"):
        weights = s.get("probabilities")
        index = rng.choices(range(len(s["values"])), weights)[0] if weights else rng.randrange(len(s["values"]))
        return s["values"][index], ("values", index)
    if p.dist == "int_uniform":
        return rng.randint(s["min"], s["max"]), None
    if base in ("normal", "log_normal"):
        value = rng.normalvariate(s["mu"], s["sigma"])
        value = math.exp(value) if base == "log_normal" else value
    elif base == "beta":
        value = rng.betavariate(s["a"], s["b"])
    elif base.endswith("_values"):  # log_uniform_values, inv_log_uniform_values: log-uniform between the values
        value = math.exp(rng.uniform(math.log(s["min"]), math.log(s["max"])))
    else:
        value = rng.uniform(s["min"], s["max"])
        value = math.exp(value) if base == "log_uniform" else math.exp(-value) if base == "inv_log_uniform" else value
    return (_round(value, s["q"]) if p.dist.startswith("q_") else value), None


def _round(value: float, q: float) -> float:
    """Round to a multiple of ``q``, as wandb does (an int when ``q`` is an int)."""
    return round(value / q) * q
