"""Text to values by the target field's type, as on a command line, in environment variables and flags.

When every non-None member of the field's type accepts a string (``str``, string ``Literal``s
and enums, paths) the text is taken as it is, so ``--dataset=NO`` is ``"NO"``; otherwise it is
parsed by the YAML 1.2 rules files follow, plus the Python spellings a wandb sweep agent writes
(``None``, ``True``, ``inf``, ``{'lr': 0.01}``). In a text field that may be None, ``None`` is
None and ``'None'`` (quoted) the word.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from typing import Any, Final

from pydantic import BaseModel

from typed_config._errors import ConfigError, Origin, Problem
from typed_config._schema.derived import computed_message, is_computed
from typed_config._schema.types import child_type, is_model, members, model_fields_by_key, takes_text
from typed_config._types import Path
from typed_config._yaml.bounds import parse_json
from typed_config._yaml.read import parse_value

_PYTHON_SPELLINGS: Final[dict[str, Any]] = {"None": None, "inf": math.inf, "-inf": -math.inf, "nan": math.nan}
# A text field that may be None: a wandb agent writes None as the text `None`; the word itself is
# written quoted, as in YAML. Other text, quoted or not, is taken as written.
_NONE_TEXTS: Final[dict[str, str | None]] = {"None": None, "'None'": "None", '"None"': "None"}


def resolve_key(schema: type[BaseModel], name: str) -> tuple[Path, Any] | None:
    """The path and type behind a dotted name; ``-`` and ``_`` fold; keys of dict fields are literal."""
    cache: dict[str, tuple[Path, Any] | None] | None = schema.__dict__.get("__typed_config_resolved__")
    if cache is None:
        cache = {}
        type.__setattr__(schema, "__typed_config_resolved__", cache)
    if name not in cache:
        if len(cache) > 10_000:  # names come from command lines and files: keep the memory bounded
            cache.clear()
        cache[name] = _resolve_key(schema, name)
    return cache[name]


def _resolve_key(schema: type[BaseModel], name: str) -> tuple[Path, Any] | None:
    tp: Any = schema
    path: list[str | int] = []
    for part in name.split("."):
        models = [m for m in members(tp) if is_model(m)]
        if models:
            fields = {k.replace("-", "_"): k for m in models for k in model_fields_by_key(m)}
            key = fields.get(part.replace("-", "_"))
            if key is None:
                return None
        else:
            key = part
        step = child_type(tp, key)
        if step is None:
            return None
        path.append(key)
        tp = step
    return tuple(path), tp


def computed_problem(schema: type[BaseModel], name: str, origin: Origin) -> Problem | None:
    """The problem with a name (``-`` and ``_`` alike) that names a computed field, or None."""
    for parts in (name.split("."), name.replace("-", "_").split(".")):
        owner = is_computed(schema, parts)
        if owner is not None:
            return Problem(".".join(parts), computed_message(owner, parts[-1]), origin)
    return None


def leaf_names(schema: type[BaseModel], prefix: str = "") -> list[str]:
    """Every dotted name a schema accepts, nested models included (their own names too)."""
    names: list[str] = []
    for key, annotation in model_fields_by_key(schema).items():
        names.append(prefix + key)
        for member in members(annotation):
            if is_model(member):
                names.extend(leaf_names(member, f"{prefix}{key}."))
    return names


NONE_TEXT: Final = "None"
"""How ``to_flat(scalars=True)`` writes None (trackers such as MLflow take no None)."""


def to_scalars(flat: Mapping[str, Any]) -> dict[str, Any]:
    """Make every value a scalar trackers take: lists and mappings as JSON text, None as ``None``."""
    out: dict[str, Any] = {}
    for key, value in flat.items():
        if value is None:
            out[key] = NONE_TEXT
        elif isinstance(value, (list, dict)):
            out[key] = json.dumps(value, ensure_ascii=False)
        else:
            out[key] = value
    return out


def from_scalars(schema: type[BaseModel], flat: Mapping[str, Any]) -> dict[str, Any]:
    """Undo ``to_scalars`` by the schema's types: JSON text back to lists, ``None`` back to None.

    Text for a field that takes text stays text, except ``None`` for a field that may be None.

    Raises:
        ConfigError: JSON text over the bounds of a file (size, nesting, integer digits).
    """
    out: dict[str, Any] = {}
    problems: list[Problem] = []
    for key, value in flat.items():
        target = resolve_key(schema, key) if isinstance(value, str) else None
        if target is None:
            out[key] = value
            continue
        tp = target[1]
        if value == NONE_TEXT and type(None) in members(tp):
            out[key] = None
        elif takes_text(tp):
            out[key] = value
        elif value.startswith(("[", "{")):
            try:
                out[key] = parse_json(value)  # JSON, NaN and Infinity included, as to_scalars wrote it
            except json.JSONDecodeError:
                out[key] = value  # not ours: validation names the key
            except ValueError as exc:  # over a bound: say which, before anything else reads it
                origin = Origin(text=f"from_flat()[{key!r}]")
                problems.append(Problem(key, f"cannot read the value: {exc}", origin))
        else:
            try:
                out[key] = convert(tp, value)
            except ValueError:
                out[key] = value
    if problems:
        raise ConfigError(problems)
    return out


def convert(tp: Any, text: str) -> Any:
    """Convert text to a value for a field of type ``tp``.

    Raises:
        ValueError: the text is not a value.
    """
    if takes_text(tp):
        if type(None) in members(tp) and text in _NONE_TEXTS:
            return _NONE_TEXTS[text]
        return text
    if text in _PYTHON_SPELLINGS:
        return _PYTHON_SPELLINGS[text]
    try:
        return parse_value(text)
    except ValueError:
        if "${" in text:
            return text  # a reference: resolved once every source has merged, then validated by type
        raise


def convert_items(tp: Any, texts: list[str]) -> list[Any]:
    """Convert the tokens of a sequence field, each by its position's type (``tuple[str, int]``).

    Raises:
        ValueError: a token is not a value.
    """
    return [convert(child_type(tp, index), text) for index, text in enumerate(texts)]
