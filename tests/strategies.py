"""Hypothesis strategies: JSON-like data, dot-key segments, generated schemas and their instances.

``schemas()`` builds ``HyperParams`` subclasses at run time with ``pydantic.create_model``; every
field has a default (so a bare ``Schema()`` works), sometimes a description and sometimes an
alias. ``instances(S)`` draws valid configs of such a schema, by reading the field annotations back. ``same(a, b)`` is
the equality the round-trip properties need: NaN equals NaN, and types and the sign of zero must
match too, so a value that comes back as another type (``1`` for ``1.0``) is not "equal".
"""

from __future__ import annotations

import enum
import functools
import itertools
import keyword
import math
import os
import types
import typing
import unicodedata
from typing import Any, Literal, Optional

import pydantic
from hypothesis import strategies as st

import typed_config as tc
from typed_config._compose.literals import escape_literals

FUZZ_FACTOR: int = 50
"""How many times more examples each property tries under ``make fuzz``."""


def examples(count: int) -> int:
    """``count`` examples in ``make test``; 50 times as many under ``make fuzz``.

    An explicit ``max_examples`` in ``@settings`` wins over the loaded hypothesis profile: a
    property that sets its own count would otherwise never run longer under ``make fuzz``.
    """
    if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz":
        return count * FUZZ_FACTOR
    return count


# --- scalars and keys ----------------------------------------------------------------------------

BIG = 10**30

ints = st.integers(min_value=-BIG, max_value=BIG)
floats = st.floats(allow_nan=True, allow_infinity=True)
YAML_TRAPS = (
    # YAML 1.1 booleans and nulls, YAML 1.2 numbers, sexagesimals, dates, octal-looking ints.
    *("NO", "no", "Yes", "on", "OFF", "y", "n", "~", "null", "Null", "true", "False", "none"),
    *("1e-3", "1e3", "1.5", ".5", "-.inf", ".nan", "nan", "inf", "0755", "0o17", "0x1F", "1_000"),
    *("1:30", "2024-01-01", "12:30:00", "+1", "-0", "010"),
    # Indicators and syntax: every one of these must be quoted.
    *("- a", "? a", ": a", "a: b", "a #b", "#", "<<", "=", "&a", "*a", "!tag", "!!str", "%YAML", "@", "`"),
    *("'", '"', "[a, b]", "{a: b}", "|", ">", ",", "---", "...", " ", " a", "a ", "a\nb", "\t", "\\"),
    *("\x85", "\u2028", "\ufeff", "\x00", "\x7f", "é", "😀"),
)
"""Strings that YAML writers and readers commonly get wrong."""

_chars = st.characters(exclude_categories=("Cs",))
texts = st.text(_chars) | st.sampled_from(YAML_TRAPS)
"""Arbitrary unicode text except lone surrogates (which UTF-8 cannot hold), and YAML traps."""

segments = (st.text(_chars, min_size=1, max_size=20) | st.sampled_from(YAML_TRAPS)).filter(
    lambda s: s and "." not in s
)
"""A valid segment of a dot-key: non-empty text without '.' (kept shorter than YAML's 1024-char key limit)."""

descriptions = st.text(_chars, max_size=40) | st.sampled_from(YAML_TRAPS)
"""Field descriptions: nested ones are written as YAML comments, so control characters matter."""

scalars = st.none() | st.booleans() | ints | floats | texts

json_values = st.recursive(
    scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(segments, children, max_size=4),
    max_leaves=20,
)
"""JSON-like values: scalars, lists, and dicts whose keys are valid dot-key segments."""

nested_dicts = st.dictionaries(segments, json_values, max_size=6)
"""JSON-like nested dicts, as ``flatten`` takes them."""


# --- field names ---------------------------------------------------------------------------------

RESERVED = frozenset({"update", "setdefaults", "to_flat", "from_flat", "fingerprint"})
"""Names HyperParams refuses as fields (its own methods)."""
SKIPPED_KEYS = frozenset({"wandb_version", "_wandb"})
"""wandb's own keys, which config files drop: typed_config refuses them as field names and aliases."""

_letters = st.characters(categories=("Lu", "Ll", "Lo")) | st.sampled_from("abcdefghxyz")
_tail = st.characters(categories=("Lu", "Ll", "Lo", "Nd")) | st.sampled_from("abcxyz0123_")


def _usable_name(name: str) -> bool:
    return (
        name.isidentifier()
        # Python NFKC-normalises identifiers in source, so only normalised names are real field names.
        and unicodedata.normalize("NFKC", name) == name
        and not keyword.iskeyword(name)
        and not name.startswith(("_", "model_"))
        and name not in RESERVED
        and name not in SKIPPED_KEYS
        # pydantic warns when a field shadows a BaseModel attribute (copy, json, schema...).
        and not hasattr(tc.HyperParams, name)
    )


field_names = st.one_of(
    st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True),
    st.builds(lambda head, tail: head + tail, _letters, st.text(_tail, max_size=8)),
).filter(_usable_name)
"""Valid Python identifiers usable as HyperParams field names."""


# --- generated schemas ---------------------------------------------------------------------------

_SIMPLE_TYPES: tuple[Any, ...] = (
    int,
    float,
    str,
    bool,
    list[int],
    list[str],
    tuple[int, ...],
    Optional[int],  # noqa: UP045 - typing.Optional, as many existing schemas still spell it
    dict[str, int],
)
MAX_DEPTH = 3
_counter = itertools.count()


def _unique_name(prefix: str) -> str:
    # Distinct class names keep pydantic's repr and error messages unambiguous when debugging.
    return f"{prefix}{next(_counter)}"


@st.composite
def literal_types(draw: st.DrawFn) -> Any:
    values = draw(st.lists(texts, min_size=1, max_size=4, unique=True))
    return Literal[tuple(values)]


@st.composite
def enum_types(draw: st.DrawFn) -> type[enum.Enum]:
    values = draw(st.lists(texts, min_size=1, max_size=4, unique=True))
    members = [(f"M{i}", value) for i, value in enumerate(values)]
    return enum.Enum(_unique_name("Choice"), members, type=str)  # type: ignore[return-value]


SECRET_CORE = "S3cr"  # noqa: S105 - the text the tests look for, not a password
"""Every generated secret holds this text: no output may contain it, in any spelling (it has no
character that JSON, YAML or ``repr`` escape, so an escaped secret still shows it)."""

secret_texts = st.builds(
    lambda head, number, tail: f"{head}{SECRET_CORE}{number}{tail}",
    st.sampled_from(["", "-", "--", '"', "'", "\\", "[", "{", " ", "é", "\n", "=", "a: "]),
    st.integers(min_value=0, max_value=10**12),
    st.sampled_from(["", '"', "\\", "]", "}", "\t", "😀", " #x", ",b", "=c"]),
)
"""Secret text: the core, wrapped in characters that quoting and escaping change."""

_SECRET_TYPES: tuple[Any, ...] = (
    pydantic.SecretStr,
    pydantic.SecretBytes,
    list[pydantic.SecretStr],
    tuple[pydantic.SecretStr, ...],
    dict[str, pydantic.SecretStr],
    Optional[pydantic.SecretStr],  # noqa: UP045 - as the other Optional above
    pydantic.SecretStr | int,
)


@functools.cache  # strategies are immutable; building them once per depth saves hypothesis' validation
def field_types(depth: int, secrets: bool = False) -> st.SearchStrategy[Any]:
    """Annotations for a field of a model at ``depth`` (1 = top level): nested models until MAX_DEPTH.

    With ``secrets``, secret types (alone, in containers and unions) are drawn at every depth too.
    """
    simple = st.sampled_from(_SIMPLE_TYPES) | literal_types() | enum_types()
    if secrets:
        simple = st.sampled_from(_SECRET_TYPES) | simple
    if depth >= MAX_DEPTH:
        return simple
    nested = schemas(depth=depth + 1, secrets=secrets)
    return st.one_of(
        simple,
        nested,
        nested.map(lambda model: Optional[model]),  # type: ignore[valid-type]  # noqa: UP045
        nested.map(lambda model: list[model]),  # type: ignore[valid-type]
    )


@st.composite
def schemas(
    draw: st.DrawFn, depth: int = 1, min_fields: int = 0, max_fields: int = 5, secrets: bool = False
) -> type[tc.HyperParams]:
    """A ``HyperParams`` subclass made at run time; every field has a default (a model may have no fields).

    With ``secrets``, fields may hold secrets at every depth (their values are ``secret_texts``).
    """
    names = draw(st.lists(field_names, min_size=min_fields, max_size=max_fields, unique=True))
    keys = set(names)
    fields: dict[str, Any] = {}
    for name in names:
        annotation = draw(field_types(depth, secrets))
        default = draw(values_for(annotation))
        description = draw(st.none() | descriptions)
        # Sometimes an alias: then the alias is the key in files and flat dicts; keys stay unique.
        alias = draw(st.none() | st.none() | segments)
        if alias in keys or alias in SKIPPED_KEYS:
            alias = None
        if alias is not None:
            keys.add(alias)
        field = pydantic.Field(default=default, description=description or None, alias=alias)
        fields[name] = (annotation, field)
    model: type[tc.HyperParams] = pydantic.create_model(  # type: ignore[call-overload]
        _unique_name("Generated"), __base__=tc.HyperParams, **fields
    )
    return model


def values_for(annotation: Any) -> st.SearchStrategy[Any]:
    """Valid Python values for a field annotated ``annotation`` (only the types ``schemas`` makes)."""
    scalar = _SCALAR_VALUES.get(annotation)
    if scalar is not None:
        return scalar
    if isinstance(annotation, type) and issubclass(annotation, enum.Enum):
        return st.sampled_from(list(annotation))
    if isinstance(annotation, type) and issubclass(annotation, pydantic.BaseModel):
        return instances(annotation)
    return _generic_values(annotation)


def _generic_values(annotation: Any) -> st.SearchStrategy[Any]:
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Literal:
        return st.sampled_from(args)
    if origin is list:
        return st.lists(values_for(args[0]), max_size=3)
    if origin is tuple:
        return st.lists(values_for(args[0]), max_size=3).map(tuple)
    if origin is dict:
        return st.dictionaries(segments, values_for(args[1]), max_size=3)
    if origin in (typing.Union, types.UnionType):
        return st.one_of(*(st.none() if arg is type(None) else values_for(arg) for arg in args))
    raise NotImplementedError(f"no strategy for {annotation!r}")


_SCALAR_VALUES: dict[Any, st.SearchStrategy[Any]] = {
    bool: st.booleans(),
    int: ints,
    float: floats,
    str: texts,
    pydantic.SecretStr: secret_texts.map(pydantic.SecretStr),
    pydantic.SecretBytes: secret_texts.map(lambda text: pydantic.SecretBytes(text.encode())),
}


def instances(schema: type[pydantic.BaseModel]) -> st.SearchStrategy[Any]:
    """Valid configs of a generated ``schema``, each field drawn to fit its type."""
    fields = {info.alias or name: values_for(info.annotation) for name, info in schema.model_fields.items()}
    return st.fixed_dictionaries(fields).map(schema.model_validate)


@st.composite
def schemas_and_configs(draw: st.DrawFn) -> tuple[type[tc.HyperParams], tc.HyperParams]:
    """A generated schema with one of its instances."""
    schema = draw(schemas())
    return schema, draw(instances(schema))


# --- comparison ----------------------------------------------------------------------------------


def as_source(config: tc.HyperParams) -> dict[str, Any]:
    r"""``config.to_flat()`` to give back as ``config={...}``: each ``${`` a value holds written ``\${``.

    Generated text may hold ``${``, and a source's ``${`` is a reference: written ``\${`` it is the text.
    """
    return escape_literals(config.to_flat())


def same(a: object, b: object) -> bool:
    """Deep equality of JSON-like data where NaN equals NaN and types and the sign of zero must match."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)  # key order is part of the output
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    return a == b
