"""Search distributions declared on schema fields, checked against each field's type and bounds."""

from __future__ import annotations

import enum
import math
import typing
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Final, Literal

import annotated_types
from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo
from pydantic_core import to_json
from typing_extensions import TypeIs

from typed_config._keys.values import field_keys
from typed_config._schema.types import is_model, members, strip

__all__ = [
    "Choice",
    "Distribution",
    "IntUniform",
    "LogUniform",
    "Searched",
    "Uniform",
    "check_fields",
    "check_spaces",
    "mark_searched",
    "searched",
]

Scalar = None | bool | int | float | str
_SCALARS: Final = (type(None), bool, int, float, str)


class Distribution:
    """What every search distribution is: a set of values one field may be given in a search."""

    __slots__ = ()

    def contains(self, value: object) -> bool:
        """Whether ``value`` is one this distribution can draw."""
        raise NotImplementedError


def _number(value: object) -> TypeIs[int | float]:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _integer(value: object) -> TypeIs[int]:
    return isinstance(value, int) and not isinstance(value, bool)


@dataclass(frozen=True, slots=True)
class Uniform(Distribution):
    """Floats drawn uniformly from ``[low, high]``; with ``q``, only ``low + k * q``."""

    low: float
    high: float
    q: float | None = None

    def __init__(self, low: float, high: float, *, q: float | None = None) -> None:
        if not (_number(low) and _number(high) and low < high):
            raise TypeError(
                f"Uniform({low!r}, {high!r}): low and high must be finite numbers with low < high"
            )
        if q is not None:
            steps = (high - low) / q if _number(q) and q > 0 else math.nan
            if not (math.isfinite(steps) and math.isclose(steps, round(steps), abs_tol=1e-9)):
                raise TypeError(f"Uniform({low!r}, {high!r}, q={q!r}): q must be > 0 and divide high - low")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "q", q)

    def grid(self) -> list[float]:
        """The values ``low, low + q, ..., high`` (``[]`` without ``q``), each rounded to 12 digits."""
        if self.q is None:
            return []
        steps = round((self.high - self.low) / self.q)
        return [float(f"{self.low + k * self.q:.12g}") for k in range(steps + 1)]

    def contains(self, value: object) -> bool:
        """Whether ``value`` is a float in the range (on the grid of ``q`` when there is one)."""
        if not (_number(value) and self.low <= value <= self.high):
            return False
        if self.q is None:
            return True
        steps = (value - self.low) / self.q
        return math.isclose(steps, round(steps), abs_tol=1e-6)


@dataclass(frozen=True, slots=True)
class LogUniform(Distribution):
    """Positive floats drawn log-uniformly from ``[low, high]`` (the values, not their logarithms)."""

    low: float
    high: float

    def __init__(self, low: float, high: float) -> None:
        if not (_number(low) and _number(high) and 0 < low < high):
            raise TypeError(
                f"LogUniform({low!r}, {high!r}): low and high must be numbers with 0 < low < high"
            )
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)

    def contains(self, value: object) -> bool:
        """Whether ``value`` is a number in the range."""
        return _number(value) and self.low <= value <= self.high


@dataclass(frozen=True, slots=True)
class IntUniform(Distribution):
    """Integers drawn from ``low, low + step, ..., high``; with ``log``, log-uniformly (``step`` 1)."""

    low: int
    high: int
    log: bool = False
    step: int = 1

    def __init__(self, low: int, high: int, *, log: bool = False, step: int = 1) -> None:
        given: tuple[object, ...] = (low, high, step)
        ints = all(_integer(v) for v in given)
        if not (ints and low <= high and step >= 1 and (high - low) % step == 0):
            raise TypeError(
                f"IntUniform({low!r}, {high!r}, step={step!r}): low, high and step must be integers "
                "with low <= high, step >= 1 dividing high - low"
            )
        if log and (step != 1 or low < 1):
            raise TypeError(f"IntUniform({low!r}, {high!r}, log=True): needs low >= 1 and step 1")
        object.__setattr__(self, "low", low)
        object.__setattr__(self, "high", high)
        object.__setattr__(self, "log", log)
        object.__setattr__(self, "step", step)

    def contains(self, value: object) -> bool:
        """Whether ``value`` is an integer of the range, on its step."""
        if not (_integer(value) and self.low <= value <= self.high):
            return False
        return (value - self.low) % self.step == 0


@dataclass(frozen=True, slots=True)
class Choice(Distribution):
    """One of the given values (``None``, bools, numbers or strings; enum members give their values)."""

    values: tuple[Scalar, ...]

    def __init__(self, *values: Scalar | enum.Enum) -> None:
        plain: tuple[Any, ...] = tuple(v.value if isinstance(v, enum.Enum) else v for v in values)
        if not plain:
            raise TypeError("Choice(): give at least one value")
        bad = [v for v in plain if type(v) not in _SCALARS or (isinstance(v, float) and not math.isfinite(v))]
        if bad:
            raise TypeError(
                f"Choice: {bad[0]!r} is not None, a bool, a finite number or a string (what every engine stores)"
            )
        if len({(type(v).__name__, v) for v in plain}) != len(plain):
            raise TypeError(f"Choice{plain!r}: a value is given twice")
        object.__setattr__(self, "values", plain)

    def contains(self, value: object) -> bool:
        """Whether ``value`` is one of the values (``True`` is not ``1``)."""
        return any(type(v) is type(value) and v == value for v in self.values)


@dataclass(frozen=True, slots=True)
class Searched:
    """One searched key: its name in the flat space, its dot-key, its distribution, when it applies.

    ``when`` lists ``(tag dot-key, tag value)`` pairs that must all hold (variants of unions).
    """

    name: str
    key: str
    distribution: Distribution
    when: tuple[tuple[str, Any], ...] = ()


def distribution_of(info: FieldInfo) -> Distribution | None:
    """The distribution a field declares in its metadata, if any."""
    found = [m for m in info.metadata if isinstance(m, Distribution)]
    return found[-1] if found else None


def check_spaces(model: type[BaseModel]) -> None:
    """``check_fields`` for a class that declares a space; nearly free for one that does not.

    Raises:
        TypeError: naming the class, the field and the reason.
    """
    if any(isinstance(m, Distribution) for info in model.model_fields.values() for m in info.metadata):
        check_fields(model)


def mark_searched(config: BaseModel, origin: str, keys: Iterable[str]) -> None:
    """Remember that a search trial (``origin``) drew these dot-keys of ``config``, for provenance.

    Kept with the model's private values (a ``HyperParams`` has some: the run's state), where
    ``init(config=...)`` finds it; a model without private values stays as it is.
    """
    private = config.__pydantic_private__
    if private is not None:
        private["_tc_searched"] = (origin, frozenset(keys))


def check_fields(model: type[BaseModel]) -> None:
    """Refuse a distribution its field cannot take.

    Raises:
        TypeError: naming the class, the field and the reason.
    """
    for name, info in model.model_fields.items():
        dist = distribution_of(info)
        if dist is not None:
            reason = _refusal(info, dist)
            if reason:
                raise TypeError(f"{model.__name__}.{name}: search space {dist!r}: {reason}")


def _refusal(info: FieldInfo, dist: Distribution) -> str | None:
    kinds = [m for m in members(info.annotation) if m is not type(None)]
    if isinstance(dist, Choice):
        return _choice_refusal(info, dist)
    kind = kinds[0] if len(kinds) == 1 else None
    if isinstance(dist, IntUniform):
        if kind is not int:
            return "IntUniform needs an int field"
    elif kind is not float:
        return f"{type(dist).__name__} draws floats: it needs a float field (IntUniform or Choice for others)"
    if isinstance(dist, (Uniform, LogUniform, IntUniform)):
        return _bounds_refusal(info, dist)
    return f"{type(dist).__name__} is not a distribution typed_config knows"


def _bounds_refusal(info: FieldInfo, dist: Uniform | LogUniform | IntUniform) -> str | None:
    for bound in info.metadata:
        limit: Any = getattr(bound, "gt", None)
        if isinstance(bound, annotated_types.Gt) and not dist.low > limit:
            return f"low {dist.low!r} is not > {limit!r} (the field's gt)"
        limit = getattr(bound, "ge", None)
        if isinstance(bound, annotated_types.Ge) and not dist.low >= limit:
            return f"low {dist.low!r} is not >= {limit!r} (the field's ge)"
        limit = getattr(bound, "lt", None)
        if isinstance(bound, annotated_types.Lt) and not dist.high < limit:
            return f"high {dist.high!r} is not < {limit!r} (the field's lt)"
        limit = getattr(bound, "le", None)
        if isinstance(bound, annotated_types.Le) and not dist.high <= limit:
            return f"high {dist.high!r} is not <= {limit!r} (the field's le)"
    return None


def _choice_refusal(info: FieldInfo, dist: Choice) -> str | None:
    kept = [m for m in info.metadata if not isinstance(m, Distribution)]
    annotated: Any = typing.Annotated  # subscripted with a tuple built at run time
    params = (info.annotation, *kept)
    tp: Any = annotated[params] if kept else info.annotation
    adapter = TypeAdapter[Any](tp)
    for value in dist.values:
        try:
            adapter.validate_json(to_json(value), strict=True)
        except ValidationError as exc:
            message = exc.errors()[0]["msg"]
            return f"value {value!r} is not valid for the field: {message}"
    return None


def searched(model: type[BaseModel]) -> list[Searched]:
    """Every searched key of ``model``, nested models and union variants included, in field order.

    Raises:
        TypeError: a distribution its field cannot take, naming class and field.
    """
    found: list[Searched] = []
    _collect(model, "", "", (), found=found, seen=set())
    return found


def _collect(
    model: type[BaseModel],
    name_prefix: str,
    key_prefix: str,
    when: tuple[tuple[str, Any], ...],
    *,
    found: list[Searched],
    seen: set[type[BaseModel]],
) -> None:
    if model in seen:  # a recursive schema: searching it would never end
        return
    seen = seen | {model}
    check_fields(model)
    for attr, key in field_keys(model):
        info = model.model_fields[attr]
        dist = distribution_of(info)
        if dist is not None:
            found.append(Searched(name_prefix + key, key_prefix + key, dist, when))
            continue
        variants = [m for m in members(info.annotation) if is_model(m)]
        if isinstance(info.discriminator, str) and len(variants) > 1:
            _collect_union(
                info.discriminator,
                variants,
                (name_prefix + key, key_prefix + key),
                when,
                found=found,
                seen=seen,
            )
        elif len(variants) == 1 and len(members(info.annotation)) == 1:
            _collect(variants[0], f"{name_prefix}{key}.", f"{key_prefix}{key}.", when, found=found, seen=seen)


def _collect_union(
    tag_attr: str,
    variants: Sequence[type[BaseModel]],
    at: tuple[str, str],
    when: tuple[tuple[str, Any], ...],
    *,
    found: list[Searched],
    seen: set[type[BaseModel]],
) -> None:
    name, key = at
    branches: list[tuple[Any, list[Searched]]] = []
    tag_key = tag_attr
    for variant in variants:
        tag_info = variant.model_fields[tag_attr]
        tag_key = tag_info.alias or tag_attr
        tag = _tag_value(tag_info)
        inner: list[Searched] = []
        _collect(
            variant, f"{name}[{tag}].", f"{key}.", (*when, (f"{key}.{tag_key}", tag)), found=inner, seen=seen
        )
        if inner:
            branches.append((tag, inner))
    if branches:
        choice = Choice(*(tag for tag, _ in branches))
        found.append(Searched(f"{name}.{tag_key}", f"{key}.{tag_key}", choice, when))
        found.extend(s for _, inner in branches for s in inner)


def _tag_value(info: FieldInfo) -> Any:
    literal = strip(info.annotation)
    args = typing.get_args(literal) if typing.get_origin(literal) is Literal else ()
    return args[0] if args else info.default


def applies(item: Searched, values: dict[str, Any]) -> bool:
    """Whether a searched key is in play, given the values drawn so far (by dot-key)."""
    return all(values.get(tag_key) == tag for tag_key, tag in item.when)
