"""The public API for stored runs: reopen, read by dot-key, edit and update, list, bad input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from schemas import HParams

import typed_config as tc


@pytest.fixture
def run_id(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.chdir(tmp_path)
    for name in ("RANK", "WORLD_SIZE", "SLURM_PROCID", "TORCHELASTIC_RUN_ID", "TYPED_CONFIG_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    run = tc.init(HParams, argv=["--epochs=3"], project="p")
    run.finish()
    return run.id


def test_a_run_opens_by_project_path_entity_path_and_folder(run_id: str) -> None:
    api = tc.Api()
    for path in (f"p/{run_id}", f"me/p/{run_id}", f"runs/p/{run_id}", Path("runs") / "p" / run_id):
        run = api.run(path)
        assert (run.id, run.project, run.schema) == (run_id, "p", HParams)
        assert run.config["epochs"] == 3
        assert run.config["optimizer"] == {"name": "adam", "lr": 0.001}
        assert "optimizer.lr" in run.config


def test_the_typed_config_comes_with_a_schema(run_id: str) -> None:
    run = tc.Api().run(f"p/{run_id}", schema=HParams)
    assert isinstance(run.typed, HParams)
    assert run.typed.epochs == 3


def test_update_validates_and_writes_only_then(run_id: str) -> None:
    run = tc.Api().run(f"p/{run_id}")
    run.config["batch_size"] = 64
    run.config["weights.a"] = 0.5
    assert tc.Api().run(f"p/{run_id}").config["batch_size"] == 32
    run.update()
    again = tc.Api().run(f"p/{run_id}")
    assert (again.config["batch_size"], again.config["weights.a"]) == (64, 0.5)
    provenance = json.loads((Path("runs") / "p" / run_id / "provenance.json").read_text())
    assert provenance["batch_size"][-1]["source"] == "api update"
    assert provenance["batch_size"][-1]["origin"].startswith("run.config['batch_size'] at ")


def test_an_invalid_change_is_refused_and_nothing_is_written(run_id: str) -> None:
    path = Path("runs") / "p" / run_id / "config.yaml"
    before = path.read_text()
    run = tc.Api().run(f"p/{run_id}")
    run.config["batch_size"] = "big"
    run.config["foo"] = 32
    with pytest.raises(tc.ConfigError) as info:
        run.update()
    assert [(p.key, p.message) for p in info.value.problems] == [
        ("batch_size", "Input should be a valid integer (got 'big')"),
        ("foo", "unknown key"),
    ]
    assert path.read_text() == before


def test_descriptions_survive_an_update(run_id: str) -> None:
    run = tc.Api().run(f"p/{run_id}")
    run.config["seed"] = 1
    run.update()
    text = (Path("runs") / "p" / run_id / "config.yaml").read_text()
    assert "  desc: Number of epochs to train over\n  value: 3\n" in text


def test_writers_of_different_keys_keep_each_others_work(run_id: str) -> None:
    first, second = tc.Api().run(f"p/{run_id}"), tc.Api().run(f"p/{run_id}")
    first.config["batch_size"] = 8
    second.config["seed"] = 5
    first.update()
    second.update()
    again = tc.Api().run(f"p/{run_id}")
    assert (again.config["batch_size"], again.config["seed"]) == (8, 5)


def test_a_key_changed_by_another_writer_is_a_conflict(run_id: str) -> None:
    first, second = tc.Api().run(f"p/{run_id}"), tc.Api().run(f"p/{run_id}")
    first.config["batch_size"] = 8
    second.config["batch_size"] = 16
    first.update()
    with pytest.raises(tc.ConfigError) as info:
        second.update()
    assert info.value.problems[0].key == "batch_size"
    assert "another writer changed it since this run was read (now 8)" in info.value.problems[0].message
    second.update(overwrite=True)
    assert tc.Api().run(f"p/{run_id}").config["batch_size"] == 16


def test_a_run_whose_schema_no_longer_imports_opens_read_only(run_id: str) -> None:
    meta_path = Path("runs") / "p" / run_id / "meta.json"
    meta = json.loads(meta_path.read_text())
    meta_path.write_text(json.dumps({**meta, "schema": "gone_module:HParams"}))
    run = tc.Api().run(f"p/{run_id}")
    assert run.schema is None
    assert run.config["epochs"] == 3
    run.config["epochs"] = 4
    with pytest.raises(
        tc.ConfigError, match="this run is read-only: its schema 'gone_module:HParams' could not be imported"
    ):
        run.update()
    with pytest.raises(tc.ConfigError, match="pass schema= to Api"):
        run.typed
    fixed = tc.Api().run(f"p/{run_id}", schema=HParams)
    fixed.config["epochs"] = 4
    fixed.update()


@pytest.mark.parametrize(
    ("damage", "expected"),
    [
        (lambda d: (d / "config.yaml").write_text("epochs: [1,\n"), "config.yaml:2:1: YAML syntax error"),
        (
            lambda d: (d / "config.yaml").write_text("epochs:\n  value: many\n"),
            "config.yaml:2:10: epochs: Input should be a valid integer",
        ),
        (lambda d: (d / "meta.json").unlink(), "meta.json: cannot read file: No such file or directory"),
        (lambda d: (d / "meta.json").write_text("[1]"), "meta.json: expected a JSON object"),
    ],
)
def test_a_damaged_run_gives_a_config_error_naming_the_file(
    run_id: str, damage: object, expected: str
) -> None:
    run_dir = Path("runs") / "p" / run_id
    damage(run_dir)  # type: ignore[operator]
    before = {p.name: p.read_bytes() for p in run_dir.iterdir() if p.is_file()}
    with pytest.raises(tc.ConfigError) as info:
        tc.Api().run(f"p/{run_id}", schema=HParams)
    assert expected in str(info.value)
    assert {p.name: p.read_bytes() for p in run_dir.iterdir() if p.is_file()} == before


def test_an_unknown_run_is_a_config_error(run_id: str) -> None:
    with pytest.raises(tc.ConfigError, match="no stored run 'p/nope'"):
        tc.Api().run("p/nope")


def test_runs_lists_and_filters(run_id: str) -> None:
    other = tc.init(HParams, argv=["--optimizer.name=sgd"], project="p")
    api = tc.Api()
    assert [r.id for r in api.runs("p")] == [run_id, other.id]
    assert [r.id for r in api.runs("p", filter={"optimizer.name": "sgd"})] == [other.id]
    assert api.runs("p", filter={"optimizer.name": "rmsprop"}) == []
    assert api.runs("empty-project") == []


def test_a_schema_defined_in_a_script_is_never_imported_to_reopen_a_run(run_id: str, tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    marker = tmp_path / "training-ran"
    script.write_text(
        f"open({str(marker)!r}, 'w').write('yes')\nimport typed_config as tc\nclass HParams(tc.HyperParams):\n    epochs: int = 1\n"
    )
    meta_path = Path("runs") / "p" / run_id / "meta.json"
    meta_path.write_text(json.dumps({**json.loads(meta_path.read_text()), "schema": f"{script}:HParams"}))
    run = tc.Api().run(f"p/{run_id}")
    assert run.schema is None
    assert not marker.exists()
    with pytest.raises(tc.ConfigError, match="is a script, which opening a run does not run"):
        run.update()


def test_assigning_a_smaller_dict_removes_the_missing_keys(run_id: str) -> None:
    run = tc.Api().run(f"p/{run_id}", schema=HParams)
    run.config["weights"] = {"a": 0.5, "b": 0.25}
    run.update()
    run = tc.Api().run(f"p/{run_id}", schema=HParams)
    run.config["weights"] = {"a": 0.75}
    run.update()
    assert tc.Api().run(f"p/{run_id}", schema=HParams).typed.weights == {"a": 0.75}
    run.config["weights"] = {}  # then a dict: the last assignment is the value
    run.config["weights"] = {"c": 2.0}
    run.update()
    assert tc.Api().run(f"p/{run_id}", schema=HParams).typed.weights == {"c": 2.0}
    run.config["weights"] = {}
    run.update()
    assert tc.Api().run(f"p/{run_id}", schema=HParams).typed.weights == {}


def test_handles_adding_keys_to_one_dict_field_merge(run_id: str) -> None:
    first, second, third = (tc.Api().run(f"p/{run_id}", schema=HParams) for _ in range(3))
    first.config["weights"] = {**first.config["weights"], "a": 0.5}
    second.config["weights"] = {**second.config["weights"], "b": 0.25}
    third.config["weights"] = {"b": 0.25}  # the same key set to the same value: no conflict
    first.update()
    second.update()
    third.update()
    assert tc.Api().run(f"p/{run_id}", schema=HParams).typed.weights == {"a": 0.5, "b": 0.25}
    late = tc.Api().run(f"p/{run_id}", schema=HParams)
    fourth = tc.Api().run(f"p/{run_id}", schema=HParams)
    late.config["weights"] = {"a": 0.5, "b": 4.0}
    late.update()
    fourth.config["weights"]["b"] = 8.0  # the same key, another value: a conflict
    with pytest.raises(tc.ConfigError) as info:
        fourth.update()
    assert [p.key for p in info.value.problems] == ["weights.b"]
    assert "another writer changed it since this run was read (now 4.0)" in str(info.value)


def test_a_nested_edit_is_validated_and_written(run_id: str) -> None:
    run = tc.Api().run(f"p/{run_id}", schema=HParams)
    run.config["optimizer"]["lr"] = 0.05
    run.config["tags"].append("tuned")
    run.update()
    again = tc.Api().run(f"p/{run_id}", schema=HParams)
    assert (again.typed.optimizer.lr, again.typed.tags) == (0.05, ["tuned"])
    provenance = json.loads((Path("runs") / "p" / run_id / "provenance.json").read_text())
    assert provenance["optimizer.lr"][-1]["value"] == 0.05
    assert provenance["optimizer.lr"][-1]["origin"].startswith("run.config changed in place, found by")
    again.config["optimizer"]["lr"] = -1.0
    with pytest.raises(tc.ConfigError) as info:
        again.update()
    assert [(p.key, p.message) for p in info.value.problems] == [
        ("optimizer.lr", "Input should be greater than 0 (got -1.0)")
    ]


def test_an_update_changes_only_the_fingerprint_of_meta_json(run_id: str) -> None:
    handle = tc.Api().run(f"p/{run_id}", schema=HParams)
    argv = ["--epochs=3", "--seed=4"]
    resumed = tc.init(HParams, argv=argv, project="p", resume=run_id, name="again", allow_val_change=True)
    resumed.finish()
    handle.config["batch_size"] = 64
    handle.update()
    meta = json.loads((Path("runs") / "p" / run_id / "meta.json").read_text())
    assert (meta["name"], meta["argv"]) == ("again", ["--epochs=3", "--seed=4"])
    assert meta["config_fingerprint"] == handle.typed.fingerprint()


class Gained(HParams):
    """The schema after a field was added."""

    warmup: int = 5


def test_opening_a_run_never_writes(run_id: str) -> None:
    run_dir = Path("runs") / "p" / run_id
    # Root ignores file modes: every file's inode, times and bytes are compared instead.
    before = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in run_dir.iterdir()}
    opened = tc.Api().run(f"p/{run_id}", schema=Gained)
    listed = tc.Api().runs("p")
    after = {p.name: (p.stat().st_ino, p.stat().st_mtime_ns, p.read_bytes()) for p in run_dir.iterdir()}
    assert after == before
    assert opened.typed.warmup == 5
    assert opened.meta["config_fingerprint"] == opened.typed.fingerprint()  # what the config is now
    assert [r.id for r in listed] == [run_id]
