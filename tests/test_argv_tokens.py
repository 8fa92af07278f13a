"""How the tokens of one option become its value: one token is one value, as ``--key=value`` reads it.

``--key value`` and ``--key=value`` are the same setting, and an environment variable's text is
converted the same way: a plain word on a field that takes a string or a list (``str |
list[str]``) is the string; several tokens are a list; a flow list (``[a, b]``), leading blanks
and all, is a list, as YAML reads it. A field that takes strings keeps its text as written.
"""

from __future__ import annotations

import argparse
import os
from typing import Any
from unittest import mock

import pytest

import typed_config as tc


class Tokens(tc.HyperParams):
    names: str | list[str] = tc.Field(default_factory=lambda: ["x", "y"])
    counts: int | list[int] = tc.Field(default_factory=lambda: [0, 0])
    tags: list[str] = tc.Field(default_factory=lambda: ["t"])
    name: str = "n"
    maybe: list[str] | None = tc.Field(default_factory=lambda: ["m"])


def _given(argv: list[str]) -> Any:
    return tc.init(Tokens, argv=argv, dir=None, defaults=None).config


@pytest.mark.parametrize(
    ("argv", "key", "value"),
    [
        (["--names", "a"], "names", "a"),
        (["--names=a"], "names", "a"),
        (["--names", "a b"], "names", "a b"),
        (["--names", "a", "b"], "names", ["a", "b"]),
        (["--names", "[a]"], "names", ["a"]),
        (["--names=[a]"], "names", ["a"]),
        (["--counts", "3"], "counts", 3),
        (["--counts=3"], "counts", 3),
        (["--counts", "3", "4"], "counts", [3, 4]),
        (["--tags", "a"], "tags", ["a"]),  # a field that is only a list: one token is one item
        (["--tags", "a", "b"], "tags", ["a", "b"]),
        (["--maybe", "None"], "maybe", None),  # a list that may be None: the word None is None, as after =
        (["--maybe=None"], "maybe", None),
        (["--maybe", "null"], "maybe", None),
        (["--maybe", "a"], "maybe", ["a"]),
        (["--maybe", "None", "b"], "maybe", ["None", "b"]),  # several tokens: items, each as written
        (["--tags", "None"], "tags", ["None"]),  # a list that may not be None: the word is an item
    ],
)
def test_one_token_is_one_value_as_after_an_equals_sign(argv: list[str], key: str, value: Any) -> None:
    assert getattr(Tokens(), key) != value
    assert getattr(_given(argv), key) == value


@pytest.mark.parametrize(
    ("argv", "key", "value"),
    [
        (["--tags", " [a, b]"], "tags", ["a", "b"]),
        (["--tags= [a, b]"], "tags", ["a", "b"]),
        (["--tags", "\t[a, b] "], "tags", ["a", "b"]),
        (["--names", " [a, b]"], "names", ["a", "b"]),
        (["--counts", "  [1, 2]"], "counts", [1, 2]),
        (["--name", " x"], "name", " x"),  # a field that takes strings: the text as written
        (["--name= x"], "name", " x"),
        (["--name", " [a, b]"], "name", " [a, b]"),
    ],
)
def test_leading_blanks_before_a_flow_list_are_yamls(argv: list[str], key: str, value: Any) -> None:
    assert getattr(Tokens(), key) != value
    assert getattr(_given(argv), key) == value


def test_environment_variables_read_the_text_as_the_command_line_does() -> None:
    environment = {"TOK_NAMES": "a", "TOK_COUNTS": "3", "TOK_TAGS": " [a, b]", "TOK_NAME": " x"}
    with mock.patch.dict(os.environ, environment):
        cfg = tc.init(Tokens, argv=[], env_prefix="TOK_", dir=None, defaults=None).config
    assert (cfg.names, cfg.counts, cfg.tags, cfg.name) == ("a", 3, ["a", "b"], " x")


def test_argparse_options_read_tokens_as_the_command_line_does() -> None:
    parser = argparse.ArgumentParser()
    tc.add_arguments(parser, Tokens)
    cfg = Tokens()
    cfg.update(parser.parse_args(["--names", "a", "--counts", "3", "--tags", " [a, b]"]))
    assert (cfg.names, cfg.counts, cfg.tags) == ("a", 3, ["a", "b"])
    cfg.update(parser.parse_args(["--names", "a", "b", "--counts", "3", "4"]))
    assert (cfg.names, cfg.counts) == (["a", "b"], [3, 4])
