"""Fast paths against the full revalidation they stand for, on generated schemas and changes."""

from __future__ import annotations

import contextlib
import json
import math
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import as_source, examples, instances, same, schemas_and_configs

import typed_config as tc
from typed_config._model import assign as _assign
from typed_config._model import model as _model
from typed_config._model.as_is import as_is, plain_type


@contextlib.contextmanager
def full_path() -> Iterator[None]:
    """Every assignment takes the full path: JSON, strict validation, then pydantic's assignment."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_assign, "assigned_as_is", lambda *_args, **_kwargs: False)
        patch.setattr(_model, "fast_assign", lambda *_args: False)
        patch.setattr(_model, "fast_update", lambda *_args, **_kwargs: False)
        patch.setattr(_model, "item_target", lambda *_args: None)
        patch.setattr(_model, "scalar_targets", lambda _root, _data: None)
        patch.setattr(_model, "from_flat_as_is", lambda _schema, _flat: None)
        yield


def outcome(config: tc.HyperParams, name: str, value: Any) -> tuple[str, object]:
    try:
        setattr(config, name, value)
    except tc.ConfigError as error:
        return "error", [(p.key, p.message) for p in error.problems]
    return "set", config.to_flat()


SCALARS = st.one_of(
    st.integers(),
    st.floats(),
    st.text(max_size=20),
    st.booleans(),
    st.integers(min_value=-(2**60), max_value=2**60),
)


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), pair=schemas_and_configs())
def test_an_assignment_as_is_matches_the_full_path(
    data: st.DataObject, pair: tuple[type[tc.HyperParams], tc.HyperParams]
) -> None:
    schema, config = pair
    other = data.draw(instances(schema))
    for name in schema.model_fields:
        value = data.draw(st.one_of(st.just(getattr(other, name)), SCALARS))
        fast = config.model_copy(deep=True)
        with full_path():
            slow = config.model_copy(deep=True)
            expected = outcome(slow, name, value)
        got = outcome(fast, name, value)
        if got[0] == "set" and expected[0] == "set":
            assert same(got[1], expected[1])
        else:
            assert got == expected


@settings(max_examples=examples(30), deadline=None)
@given(data=st.data(), pair=schemas_and_configs())
def test_an_in_memory_runs_assignment_as_is_records_what_the_full_path_records(
    data: st.DataObject, pair: tuple[type[tc.HyperParams], tc.HyperParams]
) -> None:
    schema, config = pair
    other = data.draw(instances(schema))
    fast = tc.init(schema, argv=[], config=as_source(config), dir=None, defaults=None)
    with full_path():
        slow = tc.init(schema, argv=[], config=as_source(config), dir=None, defaults=None)
    for name in schema.model_fields:
        value = getattr(other, name)
        with full_path():
            expected = outcome(slow.config, name, value)
        assert outcome(fast.config, name, value)[0] == expected[0]
    assert same(fast.config.to_flat(), slow.config.to_flat())
    for key in fast.config.to_flat():
        mine = [(s.source, s.value) for s in fast.explain(key).chain]
        theirs = [(s.source, s.value) for s in slow.explain(key).chain]
        assert same(mine, theirs)
    fast.update()  # no in-place change is seen where there was none
    assert len(fast._state.layers) == len(slow._state.layers)


def test_which_values_go_as_is() -> None:
    class Plain(tc.HyperParams):
        count: int = 1
        rate: float = 0.5
        name: str = "a"
        flag: bool = False
        bounded: int = tc.Field(default=1, ge=0)

    assert [plain_type(Plain, n) for n in Plain.model_fields] == [int, float, str, bool, None]
    assert as_is(int, 3)
    assert not as_is(int, True)  # a bool is no int here
    assert not as_is(float, 3)  # widened by the full path
    assert not as_is(float, math.nan)
    assert not as_is(int, 2**80)  # the digit bounds are checked by the full path
    assert not as_is(str, "é")
    cfg = Plain()
    cfg.count = 4
    with pytest.raises(tc.ConfigError, match="count: Input should be a valid integer"):
        cfg.count = "5"  # type: ignore[assignment]
    with pytest.raises(tc.ConfigError, match="bounded: Input should be greater than or equal to 0"):
        cfg.bounded = -1
    assert (cfg.count, cfg.bounded) == (4, 1)


def updated(config: tc.HyperParams, changes: dict[str, Any], **options: Any) -> tuple[str, object]:
    try:
        config.update(changes, **options)
    except tc.ConfigError as error:
        return "error", sorted((p.key or "", p.message) for p in error.problems)
    return "set", config.to_flat()


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), pair=schemas_and_configs())
def test_an_update_of_plain_scalars_matches_the_full_validation(
    data: st.DataObject, pair: tuple[type[tc.HyperParams], tc.HyperParams]
) -> None:
    schema, config = pair
    other = data.draw(instances(schema))
    flat = other.to_flat()
    keys = data.draw(st.lists(st.sampled_from(sorted(flat)), unique=True)) if flat else []
    changes = {k: data.draw(st.one_of(st.just(flat[k]), SCALARS)) for k in keys}
    fast = config.model_copy(deep=True)
    with full_path():
        slow = config.model_copy(deep=True)
        expected = updated(slow, changes)
    got = updated(fast, changes)
    if got[0] == "set" and expected[0] == "set":
        assert same(got[1], expected[1])
    else:
        assert got == expected


@settings(max_examples=examples(30), deadline=None)
@given(data=st.data(), pair=schemas_and_configs(), allow=st.booleans())
def test_a_runs_update_of_plain_scalars_checks_and_records_as_the_full_validation(
    data: st.DataObject, pair: tuple[type[tc.HyperParams], tc.HyperParams], allow: bool
) -> None:
    schema, config = pair
    other = data.draw(instances(schema))
    flat = other.to_flat()
    keys = data.draw(st.lists(st.sampled_from(sorted(flat)), unique=True)) if flat else []
    changes = {k: flat[k] for k in keys}
    first = list(config.to_flat().items())[:1]
    locked = [
        f"--{k}={json.dumps(v)}" for k, v in first if isinstance(v, int) and "=" not in k
    ]  # "--a==1" is no option
    fast = tc.init(schema, argv=locked, config=as_source(config), dir=None, defaults=None)
    with full_path():
        slow = tc.init(schema, argv=locked, config=as_source(config), dir=None, defaults=None)
        expected = updated(slow.config, changes, allow_val_change=allow)
    assert updated(fast.config, changes, allow_val_change=allow)[0] == expected[0], expected
    assert same(fast.config.to_flat(), slow.config.to_flat())
    for key in fast.config.to_flat():
        mine = [(s.source, s.value) for s in fast.explain(key).chain]
        theirs = [(s.source, s.value) for s in slow.explain(key).chain]
        assert same(mine, theirs)


def from_flat(schema: type[tc.HyperParams], flat: dict[str, Any]) -> tuple[str, object]:
    try:
        return "made", schema.from_flat(flat).to_flat()
    except tc.ConfigError as error:
        return "error", [(p.key, p.message, str(p.origin)) for p in error.problems]


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), pair=schemas_and_configs())
def test_from_flat_of_plain_values_matches_the_full_path(
    data: st.DataObject, pair: tuple[type[tc.HyperParams], tc.HyperParams]
) -> None:
    schema, config = pair
    flat = config.to_flat()
    keys = sorted(flat)
    for key in data.draw(st.lists(st.sampled_from(keys), unique=True)) if keys else []:
        flat[key] = data.draw(SCALARS)
    if data.draw(st.booleans()):
        flat[data.draw(st.sampled_from([*keys, "x", "a..b", "", "x."]))] = data.draw(SCALARS)
    with full_path():
        expected = from_flat(schema, flat)
    got = from_flat(schema, flat)
    if got[0] == "made" and expected[0] == "made":
        assert same(got[1], expected[1])
    else:
        assert got == expected


def item_outcome(config: tc.HyperParams, key: str, value: Any) -> tuple[str, object]:
    try:
        config[key] = value
    except tc.ConfigError as error:
        return "error", [(p.key, p.message, str(p.origin)) for p in error.problems]
    except KeyError as error:  # a key into a model that is None: no such key
        return "no key", str(error)
    return "set", config.to_flat()


def chains(run: tc.Run[Any]) -> dict[str, list[tuple[str, str, Any]]]:
    """Every key's provenance: which source, from where (origin text), which value."""
    return {
        key: [(s.source, str(s.origin), s.value) for s in run.explain(key).chain]
        for key in run.config.to_flat()
    }


@settings(max_examples=examples(60), deadline=None)
@given(data=st.data(), pair=schemas_and_configs())
def test_an_item_assignment_through_nested_models_matches_the_full_path(
    data: st.DataObject, pair: tuple[type[tc.HyperParams], tc.HyperParams]
) -> None:
    schema, config = pair
    flat = data.draw(instances(schema)).to_flat()
    for key in data.draw(st.lists(st.sampled_from(sorted(flat)), unique=True, max_size=4)) if flat else []:
        value = data.draw(st.one_of(st.just(flat[key]), SCALARS, st.lists(st.integers(), max_size=3)))
        fast = config.model_copy(deep=True)
        with full_path():
            slow = config.model_copy(deep=True)
            expected = item_outcome(slow, key, value)
        got = item_outcome(fast, key, value)
        if got[0] == "set" and expected[0] == "set":
            assert same(got[1], expected[1])
        else:
            assert got == expected


def run_changes(run: tc.Run[Any], steps: list[tuple[str, Any]], allow: bool) -> list[tuple[str, object]]:
    """Each step (a dot-key assignment, or an ``update`` of several dot-keys) and its outcome."""
    outcomes: list[tuple[str, object]] = []
    for kind, change in steps:
        if kind == "item":
            outcomes.append(item_outcome(run.config, *change))
        else:
            outcomes.append(updated_with_origins(run.config, change, allow_val_change=allow))
    return outcomes


def updated_with_origins(
    config: tc.HyperParams, changes: dict[str, Any], **options: Any
) -> tuple[str, object]:
    try:
        config.update(changes, **options)
    except tc.ConfigError as error:
        return "error", sorted((p.key or "", p.message, str(p.origin)) for p in error.problems)
    return "set", config.to_flat()


@settings(max_examples=examples(40), deadline=None)
@given(data=st.data(), pair=schemas_and_configs(), allow=st.booleans())
def test_a_runs_changes_check_lock_and_record_as_the_full_path(
    data: st.DataObject, pair: tuple[type[tc.HyperParams], tc.HyperParams], allow: bool
) -> None:
    """Assignments by dot-key and updates of dot-keys in a run: same values, errors, locks and provenance."""
    schema, config = pair
    start = config.to_flat()
    flat = data.draw(instances(schema)).to_flat()
    keys = sorted(flat)
    plain = [
        k
        for k, v in start.items()
        if isinstance(v, (int, float, str)) and "=" not in k and "\n" not in str(v)
    ]
    locked = (
        [f"--{k}={json.dumps(start[k])}" for k in data.draw(st.lists(st.sampled_from(plain), max_size=1))]
        if plain
        else []
    )
    steps: list[tuple[str, Any]] = []
    for _ in range(data.draw(st.integers(0, 4)) if keys else 0):
        if data.draw(st.booleans()):
            key = data.draw(st.sampled_from(keys))
            steps.append(("item", (key, data.draw(st.one_of(st.just(flat[key]), SCALARS)))))
        else:
            chosen = data.draw(st.lists(st.sampled_from(keys), unique=True, min_size=1))
            steps.append(("update", {k: data.draw(st.one_of(st.just(flat[k]), SCALARS)) for k in chosen}))
    try:
        fast = tc.init(schema, argv=locked, config=start, dir=None, defaults=None)
    except tc.ConfigError:
        return  # a command-line spelling this schema's text cannot take: nothing to compare
    with full_path():
        slow = tc.init(schema, argv=locked, config=start, dir=None, defaults=None)
        expected = run_changes(slow, steps, allow)
    got = run_changes(fast, steps, allow)
    assert [g[0] for g in got] == [e[0] for e in expected]
    for mine, theirs in zip(got, expected, strict=True):
        assert same(mine[1], theirs[1]) if mine[0] == "set" else mine == theirs
    assert same(chains(fast), chains(slow))
