"""Values from every source mean one thing: dict fields merge over their defaults, free-form paths, names."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel

import typed_config as tc


class Weighted(tc.HyperParams):
    weights: dict[str, float] = tc.Field(default={"a": 1.0})
    model_kwargs: dict[str, Any] = tc.Field(default={"act": "gelu"})
    epochs: int = 3


class Outer(tc.HyperParams):
    inner: Weighted = Weighted(weights={"x": 5.0})


def _init_config(source: dict[str, Any]) -> dict[str, float]:
    return tc.init(Weighted, argv=[], config=source, dir=None).config.weights


def _update(source: dict[str, Any]) -> dict[str, float]:
    cfg = Weighted()
    cfg.update(source)
    return cfg.weights


def _setitem(key: str, value: Any) -> dict[str, float]:
    cfg = Weighted()
    cfg[key] = value
    return cfg.weights


@pytest.mark.parametrize(
    "weights",
    [
        pytest.param(lambda: tc.load(Weighted, overrides=["--weights.b=2"]).weights, id="argv"),
        pytest.param(lambda: tc.load(Weighted, overrides={"weights.b": 2}).weights, id="overrides-map"),
        pytest.param(
            lambda: tc.init(Weighted, argv=["--weights.b", "2"], dir=None).config.weights, id="init-argv"
        ),
        pytest.param(lambda: _init_config({"weights.b": 2}), id="init-config-dotted"),
        pytest.param(lambda: _init_config({"weights": {"b": 2}}), id="init-config-nested"),
        pytest.param(lambda: _update({"weights.b": 2}), id="update"),
        pytest.param(lambda: _setitem("weights.b", 2), id="setitem"),
        pytest.param(lambda: tc.load(Weighted, overrides=["--weights={b: 2}"]).weights, id="whole-mapping"),
    ],
)
def test_a_key_set_under_a_dict_field_merges_with_the_schema_default(weights: Any) -> None:
    assert weights() == {"a": 1.0, "b": 2.0}


def test_a_file_gives_a_dict_fields_whole_value_and_later_keys_merge_into_it(tmp_path: Path) -> None:
    # A file is a written value (dump_defaults and run folders write whole configs): it replaces
    # the schema default, and a key set by path later merges into what the file set.
    assert tc.loads(Weighted, "weights:\n  b: 2\n").weights == {"b": 2.0}
    path = tmp_path / "w.yaml"
    path.write_text("weights:\n  b: 2\n")
    assert tc.load(Weighted, path, overrides=["--weights.c=3"]).weights == {"b": 2.0, "c": 3.0}
    cfg = tc.load(Weighted, overrides={"weights": {}})
    assert Weighted.from_flat(cfg.to_flat()) == cfg
    cfg.update({"weights.z": 1})
    assert Weighted.from_flat(cfg.to_flat()) == cfg
    assert tc.loads(Weighted, tc.dump_defaults(cfg)) == cfg


def test_an_empty_mapping_clears_a_dict_fields_default() -> None:
    assert tc.load(Weighted, overrides=["--weights={}"]).weights == {}
    assert tc.loads(Weighted, "weights: {}\n", overrides=["--weights.c=3"]).weights == {"c": 3.0}


def test_the_default_below_a_nested_model_is_the_outer_default_instance() -> None:
    assert tc.load(Outer, overrides=["--inner.weights.b=2"]).inner.weights == {"x": 5.0, "b": 2.0}


def test_dict_defaults_are_not_marked_set_in_a_run() -> None:
    run = tc.init(Weighted, argv=["--weights.b=2"], dir=None)
    run.config.update({"weights.a": 7})  # the default's key is not set yet: its first value is free
    assert run.config.weights == {"a": 7.0, "b": 2.0}


def test_a_command_line_path_reaches_into_a_free_form_mapping(tmp_path: Path) -> None:
    path = tmp_path / "model.yaml"
    path.write_text("model_kwargs:\n  head:\n    norm:\n      kind: layer\n")
    cfg = tc.load(
        Weighted, path, overrides=["--model_kwargs.head.norm.eps=1e-6", "--model-kwargs.depth", "4"]
    )
    assert cfg.model_kwargs == {"head": {"norm": {"kind": "layer", "eps": 1e-6}}, "depth": 4}
    cfg = tc.load(Weighted, overrides=["--model_kwargs.head.norm.eps=1e-6"])
    assert cfg.model_kwargs == {"act": "gelu", "head": {"norm": {"eps": 1e-6}}}


def test_a_path_into_a_typed_mapping_converts_by_the_value_type() -> None:
    with pytest.raises(tc.ConfigError) as caught:
        tc.load(Weighted, overrides=["--weights.b=yes"])
    assert str(caught.value) == "--weights.b=yes: weights.b: Input should be a valid number (got 'yes')"


def test_a_free_form_path_from_a_real_command_line(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(
        textwrap.dedent(
            """
            from typing import Any
            import typed_config as tc

            class HParams(tc.HyperParams):
                model_kwargs: dict[str, Any] = tc.Field(default={"act": "gelu"})

            print(tc.init(HParams, dir=None).config.model_kwargs)
            """
        )
    )
    done = subprocess.run(
        [sys.executable, str(script), "--model_kwargs.head.norm.eps=1e-6"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "{'act': 'gelu', 'head': {'norm': {'eps': 1e-06}}}"


def test_field_names_starting_with_model_are_ordinary_fields() -> None:
    class Arch(tc.HyperParams):
        model_architecture: str = "resnet"
        model_depth: int = 18

    cfg = tc.load(Arch, overrides=["--model_architecture=vit", "--model-depth=12"])
    assert (cfg.model_architecture, cfg.model_depth) == ("vit", 12)
    assert cfg.to_flat() == {"model_architecture": "vit", "model_depth": 12}


@pytest.mark.parametrize("name", ["model_fields_set", "model_fields", "copy", "dict", "json"])
def test_names_that_shadow_a_real_attribute_are_refused(name: str) -> None:
    with pytest.raises(TypeError, match=f"field name '{name}' is reserved"):
        type("Bad", (tc.HyperParams,), {"__annotations__": {name: int}, name: 1})


def test_a_dotted_alias_is_refused_quoting_the_alias() -> None:
    with pytest.raises(TypeError, match=r"Bad\.x \(alias 'opt\.lr'\)"):

        class Bad(tc.HyperParams):
            x: int = tc.Field(default=1, alias="opt.lr")

    class Plain(BaseModel):
        y: int = tc.Field(default=1, validation_alias="a.b")

    with pytest.raises(TypeError, match=r"Plain\.y \(alias 'a\.b'\)"):
        tc.load(Plain)


def test_init_refuses_argv_as_one_string_like_load_refuses_overrides() -> None:
    with pytest.raises(TypeError, match="argv must be a list of arguments, not a single string"):
        tc.init(Weighted, argv="--epochs=3", dir=None)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
    with pytest.raises(TypeError, match="overrides must be a list of arguments or a mapping"):
        tc.load(Weighted, overrides="--epochs=3")


class _Table(tc.HyperParams):
    table: dict[str, int] = tc.Field(default_factory=dict[str, int])


class _Holder(tc.HyperParams):
    inner: _Table = tc.Field(default_factory=_Table)


def test_assigning_a_mapping_with_a_dotted_key_is_refused_at_the_assignment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cfg = _Holder()
    with pytest.raises(tc.ConfigError) as caught:
        cfg.inner.table = {"a.b": 1}
    (problem,) = caught.value.problems
    assert str(problem.origin).startswith("assignment at ")
    assert (problem.key, cfg.inner.table) == ("table", {})  # a model on its own does not know its path
    monkeypatch.chdir(tmp_path)
    run = tc.init(_Holder, argv=[], defaults=None, project="p")
    with pytest.raises(tc.ConfigError) as caught:
        run.config.inner.table = {"a.b": 1}
    assert str(caught.value).startswith("assignment at ")
    assert caught.value.problems[0].key == "inner.table"
    run.finish()


class Adam(tc.HyperParams):
    lr: float = 0.1
    betas: dict[str, float] = tc.Field(default={"b1": 0.9})


class Composed(tc.HyperParams):
    weights: dict[str, float] = tc.Field(default={"a": 1.0})
    optimizer: Adam = Adam()
    epochs: int = 3
    warmup: int = 1


@pytest.fixture
def fast_preset(tmp_path: Path) -> Path:
    (tmp_path / "optimizer").mkdir()
    (tmp_path / "optimizer" / "fast.yaml").write_text("lr: 0.5\n")
    return tmp_path


@pytest.mark.parametrize(
    "overrides",
    [
        pytest.param(["--weights.b=2", "--optimizer=fast"], id="a-preset-chosen-beside"),
        pytest.param(["--weights.b=2", "--warmup=${epochs}"], id="a-reference-beside"),
        pytest.param({"weights.b": 2, "optimizer": "fast", "warmup": "${epochs}"}, id="both-in-a-mapping"),
    ],
)
def test_a_key_set_under_a_dict_field_keeps_its_default_beside_presets_and_references(
    fast_preset: Path, overrides: Any
) -> None:
    # Choosing a preset or writing a reference in the same source made the source a layer of
    # layers, which was taken for a whole value: the default's keys were dropped.
    cfg = tc.load(Composed, overrides=overrides, presets=fast_preset)
    assert cfg.weights == {"a": 1.0, "b": 2.0}
    run = tc.init(
        Composed,
        argv=[f"--{k}={v}" for k, v in dict(_pairs(overrides)).items()],
        presets=fast_preset,
        dir=None,
    )
    assert run.config.weights == {"a": 1.0, "b": 2.0}


def _pairs(overrides: Any) -> list[tuple[str, Any]]:
    if isinstance(overrides, dict):
        return list(overrides.items())
    return [tuple(item[2:].split("=", 1)) for item in overrides]


def test_a_key_under_a_dict_field_inside_a_chosen_group_merges_with_the_preset(fast_preset: Path) -> None:
    (fast_preset / "optimizer" / "wide.yaml").write_text("lr: 0.2\nbetas:\n  b2: 0.99\n")
    cfg = tc.load(Composed, overrides=["--optimizer=wide", "--optimizer.betas.b3=0.5"], presets=fast_preset)
    assert cfg.optimizer.betas == {"b2": 0.99, "b3": 0.5}  # a preset is a file: its mapping is whole
    cfg = tc.load(Composed, overrides=["--optimizer=fast", "--optimizer.betas.b3=0.5"], presets=fast_preset)
    assert cfg.optimizer.betas == {"b1": 0.9, "b3": 0.5}


def test_a_file_with_a_reference_still_gives_a_dict_fields_whole_value(tmp_path: Path) -> None:
    path = tmp_path / "w.yaml"
    path.write_text("weights:\n  b: 2\nwarmup: ${epochs}\n")
    cfg = tc.load(Composed, path, overrides=["--weights.c=3"], presets=None)
    assert (cfg.weights, cfg.warmup) == ({"b": 2.0, "c": 3.0}, 3)
