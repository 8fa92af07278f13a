"""wandb's own keys (``wandb_version``, ``_wandb``): one rule, by the key that reaches files and trackers.

The key of a field is its alias when it has one, else its name: it is what a config file holds,
what ``to_flat`` and ``to_wandb`` give a tracker. A schema whose top-level key is one of wandb's
is refused wherever it is used, naming the class and the field; a field *named* so with another
alias is an ordinary field, and below the top level the keys are data like any other.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import Any

import pytest
from pydantic import AliasChoices, AliasPath, BaseModel

import typed_config as tc
import typed_config.sweep
import typed_config.wandb as tcw


class Aliased(tc.HyperParams):
    version: int = tc.Field(0, alias="wandb_version")


class Bare(tc.HyperParams):
    wandb_version: int = 0


class PlainAliased(BaseModel):
    meta: int = tc.Field(0, alias="_wandb")


class Choices(tc.HyperParams):
    meta: int = tc.Field(0, validation_alias=AliasChoices("meta", "_wandb"))


class Pathed(tc.HyperParams):
    meta: int = tc.Field(0, validation_alias=AliasPath("wandb_version", 0))


class Renamed(tc.HyperParams):
    wandb_version: int = tc.Field(0, alias="version")


class Group(tc.HyperParams):
    version: int = tc.Field(1, alias="wandb_version")


class Nested(tc.HyperParams):
    group: Group = tc.Field(default_factory=Group)


def _uses(schema: Any) -> list[Callable[[], object]]:
    """Every way a class is taken as a schema (and given to a tracker)."""
    return [
        lambda: tc.loads(schema, "{}\n"),
        lambda: tc.load(schema, overrides=[]),
        lambda: tc.init(schema, argv=[], dir=None, defaults=None),
        lambda: tc.dump_defaults(schema),
        lambda: tc.add_arguments(argparse.ArgumentParser(), schema),
        lambda: tcw.from_wandb(schema, {}),
        lambda: tcw.to_wandb(schema.model_construct()),
        lambda: typed_config.sweep.check(schema, {"method": "grid", "parameters": {}}),
    ]


@pytest.mark.parametrize(
    ("schema", "message"),
    [
        (Aliased, "Aliased: field 'version' (alias 'wandb_version'): the key 'wandb_version' is reserved"),
        (Bare, "Bare: field 'wandb_version': the key 'wandb_version' is reserved"),
        (PlainAliased, "PlainAliased: field 'meta' (alias '_wandb'): the key '_wandb' is reserved"),
        (Choices, "Choices: field 'meta' (alias '_wandb'): the key '_wandb' is reserved"),
        (Pathed, "Pathed: field 'meta' (alias 'wandb_version'): the key 'wandb_version' is reserved"),
    ],
)
def test_a_top_level_key_of_wandbs_is_refused_everywhere_naming_class_and_field(
    schema: Any, message: str
) -> None:
    for use in _uses(schema):
        with pytest.raises(TypeError) as info:
            use()
        assert str(info.value) == (
            f"{message}: wandb writes it into a run's config.yaml and config files drop it; "
            "give the field another alias"
        )


def test_a_field_named_like_wandbs_key_with_another_alias_is_an_ordinary_field() -> None:
    cfg = tc.loads(Renamed, "wandb_version: 1\nversion: 3\n")  # the file's wandb_version is wandb's
    assert cfg.wandb_version == 3
    assert cfg.to_flat() == {"version": 3} == tcw.to_wandb(cfg)
    assert tc.init(Renamed, argv=["--version=4"], dir=None, defaults=None).config.wandb_version == 4


def test_below_the_top_level_wandbs_keys_are_data() -> None:
    cfg = tc.loads(Nested, "wandb_version: 1\ngroup: {wandb_version: 5}\n")
    assert cfg.group.version == 5
    assert cfg.to_flat() == {"group.wandb_version": 5}
    with pytest.raises(TypeError, match="Group: field 'version' \\(alias 'wandb_version'\\)"):
        tcw.to_wandb(cfg.group)  # given to wandb on its own, the group is the top level


class Plain(tc.HyperParams):
    epochs: int = 3


_FILLER = "".join(f"# line {i}\n" for i in range(10))  # long enough for either reader


@pytest.mark.parametrize(
    ("text", "where"),
    [
        pytest.param("_wandb:\n  a: 1\nepochs: 5\n_wandb:\n  b: 2\n", "4:1", id="blocks"),
        pytest.param("epochs: 5\n_wandb: {a: 1}\n_wandb: 2\n", "3:1", id="flow-then-scalar"),
        pytest.param("wandb_version: 1\nwandb_version: 2\nepochs: 5\n", "2:1", id="version"),
        pytest.param(_FILLER + "wandb_version: 1\nepochs: 5\nwandb_version: 2\n", "13:1", id="long-file"),
        pytest.param('{"_wandb": {"a": 1}, "epochs": 5, "_wandb": 2}\n', "1:35", id="json"),
    ],
)
def test_a_key_of_wandbs_given_twice_is_a_duplicate_like_any_other(text: str, where: str) -> None:
    # Its value is left out unread, but a second one is no more silently dropped than any key's.
    with pytest.raises(tc.ConfigError) as caught:
        tc.loads(Plain, text, source="c.yaml", presets=None)
    (problem,) = caught.value.problems
    assert str(problem.origin) == f"c.yaml:{where}"
    assert problem.message.startswith("duplicate key (first defined at line")
    once = tc.loads(Plain, _FILLER + "_wandb:\n  a: 1\nwandb_version: 1\nepochs: 5\n", presets=None)
    assert once.epochs == 5  # given once, each is left out as before
