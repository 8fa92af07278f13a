"""Keys set by `${...}` references follow without a run too (`tc.load`/`tc.loads`), and a mapping that
loses keys is a change of those keys: a reference to one of them is refused at its position."""

from __future__ import annotations

import copy
from collections.abc import Callable
from pathlib import Path

import pytest
import test_compose_follow as follow

import typed_config as tc


class Train(follow.Train):  # the run tests' schema, with a mapping to lose keys from
    extra: dict[str, str] = tc.Field(default_factory=dict[str, str])


REFS = "warmup: ${epochs}\ndata:\n  cache: ${.root}/cache\n  logs: ${data.cache}/logs\n"
SHRINK = "extra: {a: A, b: B}\nname: ${extra.b}\n"


def test_a_loaded_config_follows_assignment_item_assignment_and_update(tmp_path: Path) -> None:
    (tmp_path / "refs.yaml").write_text(REFS)
    cfg = tc.load(Train, tmp_path / "refs.yaml")
    cfg.data.root = "/scratch"
    assert (cfg.data.cache, cfg.data.logs) == ("/scratch/cache", "/scratch/cache/logs")
    cfg["data.root"] = "/item"
    assert cfg.data.logs == "/item/cache/logs"
    cfg.update({"epochs": 42, "data.root": "/upd"})
    assert (cfg.warmup, cfg.data.cache, cfg.data.logs) == (42, "/upd/cache", "/upd/cache/logs")
    cfg.update({"data": {"root": "/nested"}})
    assert cfg.data.logs == "/nested/cache/logs"
    assert cfg == tc.load(Train, tmp_path / "refs.yaml", overrides=["--epochs=42", "--data.root=/nested"])


def test_a_loaded_config_refuses_a_change_a_key_that_follows_refuses_whole() -> None:
    cfg = tc.loads(Train, REFS, "refs.yaml")
    with pytest.raises(tc.ConfigError) as caught:
        cfg.update({"epochs": 500, "data.root": "/new"})
    (problem,) = caught.value.problems
    assert (problem.key, str(problem.origin)) == ("warmup", "refs.yaml:1:9")
    assert "less than or equal to 100 (got 500)" in problem.message
    assert "(interpolated from epochs (update({...})['epochs'] at " in problem.message
    assert problem.message.endswith("it follows a reference to epochs, so this change of epochs is refused")
    assert (cfg.epochs, cfg.warmup, cfg.data.root, cfg.data.cache) == (10, 10, "/data", "/data/cache")
    with pytest.raises(
        tc.ConfigError, match=r"^refs.yaml:1:9: warmup: .*\(interpolated from epochs \(assignment at "
    ):
        cfg.epochs = 101
    with pytest.raises(tc.ConfigError, match=r"^refs.yaml:1:9: warmup: "):
        cfg["epochs"] = 102
    assert (cfg.epochs, cfg.warmup) == (10, 10)


def test_a_loaded_key_set_explicitly_stops_following_and_frozen_keys_keep_their_values() -> None:
    cfg = tc.loads(Train, REFS + "seed: ${epochs}\n", "refs.yaml")
    cfg.data.cache = "/fast"
    cfg.data.root = "/elsewhere"
    assert (cfg.data.cache, cfg.data.logs) == ("/fast", "/fast/logs")
    cfg.update({"warmup": 3})
    cfg.epochs = 50
    assert (cfg.warmup, cfg.seed) == (3, 10)
    cfg.setdefaults({"epochs": 60})  # as on a config without references: every key is set
    assert cfg.epochs == 60


def test_a_reference_given_in_overrides_follows_in_a_loaded_config() -> None:
    cfg = tc.loads(Train, "epochs: 7\n", overrides=["--warmup=${epochs}", "--name=e${epochs}"])
    cfg.epochs = 12
    assert (cfg.warmup, cfg.name) == (12, "e12")
    other = tc.loads(Train, "epochs: 7\n", overrides={"name": "n-${data.root}"})
    other.data = follow.Data(root="/model")
    assert other.name == "n-/model"


def test_a_loaded_config_with_a_literal_mark_keeps_it() -> None:
    cfg = tc.loads(Train, "name: e${epochs}-\\${x}\n")
    cfg.epochs = 3
    assert cfg.name == "e3-${x}"


@pytest.mark.parametrize(
    "change",
    [
        lambda cfg: setattr(cfg, "extra", {"a": "Z"}),
        lambda cfg: cfg.__setitem__("extra", {}),
        lambda cfg: cfg.update({"extra": {}}),
    ],
    ids=["assignment", "item", "update"],
)
def test_a_mapping_that_loses_a_key_a_reference_names_is_refused_at_the_reference(
    change: Callable[[Train], object],
) -> None:
    cfg = tc.loads(Train, SHRINK, "refs.yaml")
    assert cfg.name == "B"
    with pytest.raises(tc.ConfigError) as caught:
        change(cfg)
    (problem,) = caught.value.problems
    assert (problem.key, str(problem.origin)) == ("name", "refs.yaml:2:7")
    assert "'${extra.b}' names no key" in problem.message
    assert problem.message.endswith(
        "it follows a reference to extra.b, which this change removes, so it is refused"
    )
    assert (cfg.extra, cfg.name) == ({"a": "A", "b": "B"}, "B")
    cfg.extra = {"b": "kept"}  # the key stays: the reference follows
    assert cfg.name == "kept"


def test_a_run_refuses_a_mapping_that_loses_a_key_a_reference_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "refs.yaml").write_text(SHRINK)
    run = tc.init(Train, argv=["--configs", "refs.yaml"], defaults=None, project="p")
    assert run.dir is not None
    before = (run.dir / "config.yaml").read_text()
    with pytest.raises(tc.ConfigError, match=r"^refs.yaml:2:7: name: '\$\{extra.b\}' names no key"):
        run.config.extra = {"a": "Z"}
    with pytest.raises(
        tc.ConfigError, match=r"^refs.yaml:2:7: name: .*reference to extra.b, which this change removes"
    ):
        run.config.update({"extra": {}}, allow_val_change=True)
    assert (run.config.extra, run.config.name) == ({"a": "A", "b": "B"}, "B")
    assert (run.dir / "config.yaml").read_text() == before
    run.config.extra = {"b": "new"}
    assert run.config.name == "new"


def test_a_deep_copy_follows_on_its_own_and_a_shallow_copy_changes_nothing_of_the_original() -> None:
    cfg = tc.loads(Train, REFS, "refs.yaml")
    deep = cfg.model_copy(deep=True)
    deep.epochs = 7
    assert (deep.warmup, cfg.warmup) == (7, 10)
    shallow = cfg.model_copy(update={"name": "copy"})
    shallow.epochs = 5  # holds values only: nothing follows, in the copy or the original
    assert (shallow.warmup, cfg.epochs, cfg.warmup) == (10, 10, 10)
    cfg.epochs = 3
    assert (cfg.warmup, shallow.warmup, deep.warmup) == (3, 10, 7)


@pytest.mark.parametrize("refs", [REFS, "name: fixed\n"], ids=["references", "none"])
def test_a_copy_of_a_runs_config_holds_values_and_changing_it_changes_nothing_of_the_run(
    refs: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("refs.yaml").write_text(refs)
    run = tc.init(Train, argv=["--configs", "refs.yaml"], defaults=None, project="p")
    assert run.dir is not None
    before = (run.dir / "config.yaml").read_text()
    shallow, deep = run.config.model_copy(), copy.deepcopy(run.config)
    shallow.epochs, deep.epochs = 6, 9
    assert (run.config.epochs, run.config.warmup, shallow.epochs, deep.epochs) == (
        10,
        10 if refs == REFS else 0,
        6,
        9,
    )
    assert (run.dir / "config.yaml").read_text() == before
    shallow.data.root = "/shared"  # a shallow copy shares nested models: a change of the run's own
    assert run.config.data.root == "/shared"
    assert "/shared" in (run.dir / "config.yaml").read_text()
    deep.data.root = "/own"
    assert run.config.data.root == "/shared"
    run.finish()
