"""Round trips over generated schemas: ``dump_defaults`` -> ``loads``, ``to_flat`` -> ``from_flat``, fingerprints.

Configs may hold NaN, for which ``==`` is false, so values are compared through ``to_flat()`` with
``strategies.same`` (NaN equals NaN; types and the sign of zero must match).
"""

from __future__ import annotations

import math
import pathlib
import tempfile
import warnings
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import create_model
from strategies import examples, instances, same, schemas, schemas_and_configs

import typed_config as tc
from typed_config._compose.literals import escape_literals

Case = tuple[type[tc.HyperParams], tc.HyperParams]

# Schema generation builds pydantic models, which is slow for hypothesis' taste: these settings keep
# the whole file near 20 s while every property still tries 100 schemas.
roundtrip = settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])


def has_nan(value: object) -> bool:
    if isinstance(value, float):
        return math.isnan(value)
    if isinstance(value, dict):
        return any(has_nan(v) for v in value.values())
    if isinstance(value, list):
        return any(has_nan(v) for v in value)
    return False


def assert_same_config(actual: tc.HyperParams, expected: tc.HyperParams) -> None:
    assert type(actual) is type(expected)
    assert same(actual.to_flat(), expected.to_flat())
    if not has_nan(expected.to_flat()):
        assert actual == expected


# --- dump_defaults -> loads ----------------------------------------------------------------------


@roundtrip
@given(schemas_and_configs())
def test_loads_reads_dump_defaults_back(case: Case) -> None:
    schema, cfg = case
    assert_same_config(tc.loads(schema, tc.dump_defaults(cfg)), cfg)


@roundtrip
@given(schemas())
def test_loads_reads_schema_defaults_back(schema: type[tc.HyperParams]) -> None:
    assert_same_config(tc.loads(schema, tc.dump_defaults(schema)), schema())


@roundtrip
@given(schemas_and_configs())
def test_dump_defaults_is_plain_yaml_of_the_flat_dict(case: Case) -> None:
    schema, cfg = case
    document = yaml.safe_load(tc.dump_defaults(cfg))
    # Every top-level key is written in wrapper form, with desc when the field has a description.
    assert isinstance(document, dict)
    assert list(document) == [info.alias or name for name, info in schema.model_fields.items()]
    for name, info in schema.model_fields.items():
        entry = document[info.alias or name]
        expected_keys = ["desc", "value"] if info.description else ["value"]
        assert list(entry) == expected_keys
        if info.description:
            assert entry["desc"] == info.description
    unwrapped = {key: entry["value"] for key, entry in document.items()}
    # Plain YAML of the flat dict, but for a literal '${', written escaped so typed_config reads text.
    assert same(unwrapped, escape_literals(tc.unflatten(cfg.to_flat())))


@settings(
    roundtrip, max_examples=examples(25)
)  # each example fsyncs a file; the text is what the tests above check
@given(schemas_and_configs())
def test_dump_defaults_writes_the_file_load_reads(case: Case) -> None:
    schema, cfg = case
    with tempfile.TemporaryDirectory() as directory:  # not tmp_path: one directory per example
        path = pathlib.Path(directory, "config-defaults.yaml")
        text = tc.dump_defaults(cfg, path)
        assert path.read_text(encoding="utf-8") == text
        assert_same_config(tc.load(schema, path), cfg)


# --- to_flat -> from_flat, item access ------------------------------------------------------------


@roundtrip
@given(schemas_and_configs())
def test_from_flat_inverts_to_flat(case: Case) -> None:
    schema, cfg = case
    assert_same_config(schema.from_flat(cfg.to_flat()), cfg)
    # (The same flat dict given as overrides merges keys under dict fields with their schema
    # defaults, as every keyed source does: tests/test_values.py.)


@roundtrip
@given(schemas_and_configs())
def test_to_flat_is_flatten_and_is_json_like(case: Case) -> None:
    _, cfg = case
    flat = cfg.to_flat()
    assert same(tc.flatten(cfg), flat)
    assert same(tc.flatten(tc.unflatten(flat)), flat)


@roundtrip
@given(schemas_and_configs())
def test_flatten_of_a_config_is_flatten_of_its_dump(case: Case) -> None:
    # The one-step paths for plain fields and models of them write what the walk over the
    # nested dict writes: the same keys, in the same order, with the same values.
    _, cfg = case
    flat = tc.flatten(cfg)
    walked = tc.flatten(cfg.model_dump(by_alias=True))
    assert list(flat) == list(walked)
    assert same(flat, walked)


@roundtrip
@given(schemas_and_configs())
def test_item_access_by_every_flat_key(case: Case) -> None:
    _, cfg = case
    for key, value in cfg.to_flat().items():
        assert key in cfg
        # Item access gives the typed value (a tuple, an enum member); flattened it is the flat value.
        assert same(tc.flatten({"v": cfg[key]}), {"v": value})


@roundtrip
@given(schemas_and_configs())
def test_assigning_flat_values_back_changes_nothing(case: Case) -> None:
    _, cfg = case
    before = cfg.to_flat()
    for key, value in before.items():
        cfg[key] = value  # plain JSON-like values: lists widen to tuples, strings to enum members
    assert same(cfg.to_flat(), before)


@pytest.mark.parametrize("key", ["learning_rate", "lr"])
def test_assignment_to_aliased_field_does_not_warn(key: str) -> None:
    class Schema(tc.HyperParams):
        lr: float = tc.Field(default=0.1, alias="learning_rate")

    cfg = Schema()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        if key == "lr":
            cfg.lr = 0.2
        else:
            cfg[key] = 0.2
    assert cfg.lr == 0.2


# --- fingerprints --------------------------------------------------------------------------------


@roundtrip
@given(schemas_and_configs())
def test_fingerprint_is_stable_across_reloads(case: Case) -> None:
    schema, cfg = case
    print_ = cfg.fingerprint()
    assert len(print_) == 64
    assert int(print_, 16) >= 0
    assert tc.fingerprint(cfg) == print_
    assert tc.loads(schema, tc.dump_defaults(cfg)).fingerprint() == print_
    assert schema.from_flat(cfg.to_flat()).fingerprint() == print_
    assert schema.model_validate(cfg.model_dump(by_alias=True)).fingerprint() == print_


@roundtrip
@given(schemas_and_configs())
def test_fingerprint_of_the_flat_or_nested_dict(case: Case) -> None:
    _, cfg = case
    flat = cfg.to_flat()
    assert tc.fingerprint(flat) == cfg.fingerprint()
    assert tc.fingerprint(tc.unflatten(flat)) == cfg.fingerprint()


@roundtrip
@given(st.data())
def test_fingerprint_equal_exactly_when_values_are(data: st.DataObject) -> None:
    schema = data.draw(schemas())
    first = data.draw(instances(schema))
    second = data.draw(instances(schema))
    equal = same(first.to_flat(), second.to_flat())
    assert (first.fingerprint() == second.fingerprint()) == equal
    if equal and not has_nan(first.to_flat()):
        assert first == second


def test_fingerprint_equal_for_zero_and_negative_zero() -> None:
    class Schema(tc.HyperParams):
        x: float = 0.0

    positive, negative = Schema(x=0.0), Schema(x=-0.0)
    assert positive == negative
    assert positive.fingerprint() == negative.fingerprint()


# --- examples for cases the generators rarely reach ----------------------------------------------


@pytest.mark.parametrize(
    "description", ["bell\x07", "nul\x00", "escape\x1b[0m", "nonchar\ufffe", "nonchar\uffff", "bom\ufeff"]
)
def test_dump_defaults_comment_with_control_characters(description: str) -> None:
    # Nested descriptions are written as comments: they must not break the YAML.
    inner: Any = create_model(
        "Inner", __base__=tc.HyperParams, lr=(float, tc.Field(default=0.1, description=description))
    )
    schema: Any = create_model("Schema", __base__=tc.HyperParams, inner=(inner, inner()))
    text = tc.dump_defaults(schema)
    assert tc.loads(schema, text) == schema()
    assert yaml.safe_load(text) == {"inner": {"value": {"lr": 0.1}}}


def test_dump_defaults_long_dict_key() -> None:
    # YAML limits implicit keys to 1024 characters; a longer key must still read back.
    class Schema(tc.HyperParams):
        table: dict[str, int] = tc.Field(default_factory=lambda: {"k" * 1100: 1})

    text = tc.dump_defaults(Schema)
    assert tc.loads(Schema, text) == Schema()
    assert yaml.safe_load(text) == {"table": {"value": {"k" * 1100: 1}}}


def test_dump_defaults_of_an_empty_nested_model() -> None:
    empty: Any = create_model("Empty", __base__=tc.HyperParams)
    schema: Any = create_model("Schema", __base__=tc.HyperParams, empty=(empty, empty()))
    text = tc.dump_defaults(schema)
    assert yaml.safe_load(text) == {"empty": {"value": {}}}
    assert tc.loads(schema, text) == schema()
    assert schema().to_flat() == {"empty": {}}


def test_field_named_like_a_wandb_key_is_refused() -> None:
    # Config files drop wandb's own keys, so such a field could never be read back.
    schema: Any = create_model("Schema", __base__=tc.HyperParams, wandb_version=(int, 0))
    with pytest.raises(TypeError, match="Schema: field 'wandb_version': the key 'wandb_version' is reserved"):
        tc.dump_defaults(schema)


def test_a_literal_reference_text_in_a_default_reads_back_as_text() -> None:
    class Paths(tc.HyperParams):
        pattern: str = "run-${seed}"
        names: list[str] = ["${not closed", "plain"]  # noqa: RUF012 - pydantic copies defaults

    text = tc.dump_defaults(Paths)
    assert yaml.safe_load(text)["pattern"]["value"] == "run-\\${seed}"  # escaped: not a reference
    loaded = tc.loads(Paths, text)
    assert (loaded.pattern, loaded.names) == ("run-${seed}", ["${not closed", "plain"])
