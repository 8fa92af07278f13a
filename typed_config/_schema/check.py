"""Whether a class can be a schema: a pydantic model, aliases without dots, none of wandb's keys."""

from __future__ import annotations

from typing import Final

from pydantic import AliasChoices, AliasPath, BaseModel

from typed_config._schema.types import nested_models
from typed_config._types import per_class

WANDB_KEYS: Final = frozenset({"wandb_version", "_wandb"})
"""Keys wandb writes at the top of a run's config.yaml: not configuration. Files drop them there, so
no top-level field of a schema may have one as its key (``check_wandb_keys``)."""


def check_schema(schema: object) -> None:
    """Refuse what is not a model class, a model whose aliases contain dots, or one with a key of wandb's."""
    if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
        raise TypeError(f"a schema must be a pydantic BaseModel subclass, not {schema!r}")
    per_class(schema, "__typed_config_checked__", _check_keys)  # once per class, not on every load


def _check_keys(schema: type[BaseModel]) -> bool:
    dotted = [name for model in nested_models(schema) for name in dotted_aliases(model)]
    if dotted:
        raise TypeError(f"field aliases must not contain '.': {', '.join(dotted)}")
    check_wandb_keys(schema)
    return True


def check_wandb_keys(model: type[BaseModel]) -> None:
    """Refuse a field of ``model`` whose key is one of wandb's (``WANDB_KEYS``), naming class and field.

    The key is what files, ``to_flat`` and trackers use: the alias when one is set (any of pydantic's
    aliases, each choice of an ``AliasChoices`` and the first step of an ``AliasPath`` too), else the name. So ``version = Field(alias="wandb_version")`` is refused and
    ``wandb_version = Field(alias="version")`` is not. Only the top level is wandb's: a nested field
    may be called ``wandb_version``, as a config.yaml may hold ``group: {wandb_version: 2}``.

    Raises:
        TypeError: a field's key is one of wandb's.
    """
    for name, info in model.model_fields.items():
        keys = (info.alias or name, *_alias_keys(info.validation_alias), info.serialization_alias)
        key = next((k for k in keys if isinstance(k, str) and k in WANDB_KEYS), None)
        if key is not None:
            where = f"field {name!r}" if key == name else f"field {name!r} (alias {key!r})"
            raise TypeError(
                f"{model.__name__}: {where}: the key {key!r} is reserved: wandb writes it into a run's "
                "config.yaml and config files drop it; give the field another alias"
            )


def _alias_keys(alias: str | AliasPath | AliasChoices | None) -> list[str | int | None]:
    """The top-level keys a validation alias reads: itself, each of its choices, a path's first step."""
    if isinstance(alias, AliasChoices):
        return [key for choice in alias.choices for key in _alias_keys(choice)]
    if isinstance(alias, AliasPath):
        return list(alias.path[:1])
    return [alias]


def dotted_aliases(model: type[BaseModel]) -> list[str]:
    """Fields of ``model`` whose alias has a dot, as ``Class.field (alias 'a.b')``."""
    found: list[str] = []
    for name, info in model.model_fields.items():
        dotted = next(
            (
                a
                for a in (info.alias, info.validation_alias, info.serialization_alias)
                if isinstance(a, str) and "." in a
            ),
            None,
        )
        if dotted is not None:
            found.append(f"{model.__name__}.{name} (alias {dotted!r})")
    return found
