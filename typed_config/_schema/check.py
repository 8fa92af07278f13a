"""Whether a class can be a schema: a pydantic model, aliases without dots, none of wandb's keys."""

from __future__ import annotations

from typing import Final

from pydantic import BaseModel

from typed_config._schema.types import nested_models
from typed_config._types import per_class

WANDB_KEYS: Final = frozenset({"wandb_version", "_wandb"})
"""Keys wandb writes into a run's config.yaml: not configuration. Files drop them; no field may use them."""


def check_schema(schema: object) -> None:
    """Refuse what is not a model class, or a model whose aliases contain dots."""
    if not (isinstance(schema, type) and issubclass(schema, BaseModel)):
        raise TypeError(f"a schema must be a pydantic BaseModel subclass, not {schema!r}")
    per_class(schema, "__typed_config_checked__", _check_keys)  # once per class, not on every load


def _check_keys(schema: type[BaseModel]) -> bool:
    dotted = [name for model in nested_models(schema) for name in dotted_aliases(model)]
    if dotted:
        raise TypeError(f"field aliases must not contain '.': {', '.join(dotted)}")
    keys = {info.alias or name for name, info in schema.model_fields.items()}
    if keys & WANDB_KEYS:
        raise TypeError(
            f"{schema.__name__}: 'wandb_version' and '_wandb' are wandb's keys; config files drop them"
        )
    return True


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
