"""Generated benchmark schemas (typed_config and plain pydantic twins) and their config-defaults.yaml text."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, Field, create_model

import typed_config as tc

FIELDS_PER_GROUP = 20
"""Fields in every generated model: leaves in a subgroup, subgroups in a top-level group."""

# One annotation per kind of leaf; the generator cycles through them so every model mixes them.
_KINDS: tuple[tuple[str, Any], ...] = (
    ("int", int),
    ("float", float),
    ("str", str),
    ("bool", bool),
    ("ints", list[int]),
)
_WORDS = ("adam", "sgd", "cosine", "linear", "relu", "gelu", "imagenet", "cifar10", "bf16", "fp32")
# Strings YAML 1.1 would misread: dump_defaults must quote them, and both loaders read them back.
_TRICKY = ("NO", "yes", "1e-3", "0755", "1:30", "null", "on")


@dataclass(frozen=True)
class Workload:
    """A generated schema of ``leaves`` leaves, a default instance and its config-defaults.yaml text."""

    leaves: int
    schema: type[BaseModel]
    config: BaseModel
    text: str
    data: bytes


def _leaf_value(kind: str, rng: random.Random) -> Any:
    if kind == "int":
        return rng.choice((0, 1, 32, 128, 4096, rng.randrange(-(10**6), 10**6)))
    if kind == "float":
        return rng.choice((0.5, 1e-3, 3e-4, 1e-05, 0.9, 0.999, rng.uniform(-100, 100)))
    if kind == "str":
        if rng.random() < 0.1:
            return rng.choice(_TRICKY)
        return f"{rng.choice(_WORDS)}_{rng.randrange(1000)}"
    if kind == "bool":
        return rng.random() < 0.5
    return [rng.randrange(1024) for _ in range(rng.randrange(1, 5))]


SHAPES = ("sections", "mixed", "unions", "dicts", "small")
"""How the generated models nest (``_build``): the flatten benchmark times each."""


def _build(leaves: int, base: type[BaseModel], seed: int, shape: str = "sections") -> type[BaseModel]:
    """A root model -> groups -> subgroups of leaves; the same seed gives the same shape and defaults.

    ``sections``: every group holds only subgroups. ``mixed``: each group's first 20 leaves sit in
    the group itself, beside its subgroups. ``unions``: every subgroup field is typed as a union of
    its class and another. ``dicts``: every subgroup's last leaf is an entry of a ``dict[str, int]``
    field, whose keys ``flatten`` learns only at run time (a layout made once for them).
    ``small``: many small groups, four levels deep (``_build_small``).
    """
    if shape == "small":
        return _build_small(leaves, base, seed)
    if leaves % FIELDS_PER_GROUP:
        raise ValueError(f"leaves must be a multiple of {FIELDS_PER_GROUP}")
    if shape not in SHAPES:
        raise ValueError(f"shape must be one of {SHAPES}")
    rng = random.Random(seed)
    n_sub = leaves // FIELDS_PER_GROUP
    other = create_model("Other", __base__=base, other=(int, Field(default=0)))
    groups: dict[str, Any] = {}
    made = 0
    group_index = 0
    while made < n_sub:
        subgroups: dict[str, Any] = {}
        for sub_index in range(min(FIELDS_PER_GROUP, n_sub - made)):
            fields: dict[str, Any] = {}
            for leaf in range(FIELDS_PER_GROUP):
                kind, annotation = _KINDS[(leaf + sub_index) % len(_KINDS)]
                default = _leaf_value(kind, rng)
                description = f"{kind} setting {leaf}" if leaf % 4 == 0 else None
                fields[f"{kind}_{leaf}"] = (annotation, Field(default=default, description=description))
            if shape == "dicts":
                fields.popitem()
                fields["table"] = (dict[str, int], Field(default={"k": rng.randrange(1024)}))
            made += 1
            if shape == "mixed" and sub_index == 0:
                subgroups.update(fields)
                continue
            name = f"G{group_index}S{sub_index}"
            model = create_model(name, __base__=base, **fields)
            subgroups[f"sub_{sub_index}"] = (
                model | other if shape == "unions" else model,
                Field(default_factory=model, description=f"subgroup {name}"),
            )
        group = create_model(f"G{group_index}", __base__=base, **subgroups)
        groups[f"group_{group_index}"] = (
            group,
            Field(default_factory=group, description=f"group {group_index}"),
        )
        group_index += 1
    return create_model(f"Root{leaves}", __base__=base, **groups)


SMALL = 4
"""Leaves in each small group, and groups in each group above them (``small`` shape)."""


def _build_small(leaves: int, base: type[BaseModel], seed: int) -> type[BaseModel]:
    """Many small groups: the root -> blocks -> layers -> units of four leaves (dot-keys four deep).

    Four unit classes, cycled; a layer holds four units, a block four layers (the last ones fewer).
    """
    rng = random.Random(seed)
    units: list[type[BaseModel]] = []
    for index in range(SMALL):
        fields: dict[str, Any] = {}
        for leaf in range(SMALL):
            kind, annotation = _KINDS[(leaf + index) % len(_KINDS)]
            fields[f"{kind}_{leaf}"] = (annotation, Field(default=_leaf_value(kind, rng)))
        units.append(create_model(f"Unit{index}", __base__=base, **fields))
    made: dict[tuple[int, int], type[BaseModel]] = {}

    def holder(count: int, level: int) -> type[BaseModel]:  # a layer (level 1) or block (2) of `count` units
        if (count, level) not in made:
            size = SMALL ** (level - 1)
            fields: dict[str, Any] = {}
            for index, start in enumerate(range(0, count, size)):
                child = units[index % SMALL] if level == 1 else holder(min(size, count - start), 1)
                fields[f"{'unit' if level == 1 else 'layer'}_{index}"] = (child, Field(default_factory=child))
            made[count, level] = create_model(
                f"{'Layer' if level == 1 else 'Block'}{count}", __base__=base, **fields
            )
        return made[count, level]

    total, per_block = leaves // SMALL, SMALL * SMALL
    blocks = {
        f"block_{index}": (model, Field(default_factory=model))
        for index, start in enumerate(range(0, total, per_block))
        for model in [holder(min(per_block, total - start), 2)]
    }
    return create_model(f"Small{leaves}", __base__=base, **blocks)


def build_workload(leaves: int, seed: int = 0, shape: str = "sections") -> Workload:
    """Generate the typed_config schema, its default instance and the YAML ``dump_defaults`` writes for it."""
    schema = _build(leaves, tc.HyperParams, seed, shape)
    config = schema()
    text = tc.dump_defaults(config)
    return Workload(leaves=leaves, schema=schema, config=config, text=text, data=text.encode())


def build_plain_twin(leaves: int, seed: int = 0) -> BaseModel:
    """An instance of the same schema built on plain ``pydantic.BaseModel`` (same seed, same shape)."""
    return _build(leaves, BaseModel, seed)()


ACCESS_PATH = ("group_0", "sub_0", "int_0")
"""A three-step attribute path present in every generated schema: ``cfg.group_0.sub_0.int_0``."""


def naive_unwrap(data: dict[str, Any]) -> dict[str, Any]:
    """What a hand-written loader does with the wandb format: take each top-level wrapper's ``value``."""
    return {
        key: value["value"] if isinstance(value, dict) and "value" in value else value
        for key, value in data.items()
    }
