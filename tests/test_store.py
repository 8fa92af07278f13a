"""Run folders: what init writes, resume, every change persisted, in-place changes, secrets."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from helpers import assert_not_default, not_defaults
from pydantic import SecretStr
from schemas import HParams, Step

import typed_config as tc
from typed_config._run.history import read_provenance


class Secretive(tc.HyperParams):
    api_key: SecretStr = SecretStr("")
    epochs: int = 1


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in (
        "RANK",
        "WORLD_SIZE",
        "SLURM_PROCID",
        "SLURM_NTASKS",
        "TORCHELASTIC_RUN_ID",
        "TYPED_CONFIG_RUN_ID",
    ):
        monkeypatch.delenv(name, raising=False)


def start(argv: list[str] | None = None, **kwargs: object) -> tc.Run[HParams]:
    return tc.init(HParams, argv=argv or [], project="p", **kwargs)  # type: ignore[arg-type]


def stored(run: tc.Run[HParams]) -> HParams:
    assert run.dir is not None
    return tc.load(HParams, run.dir / "config.yaml")


def test_a_run_folder_holds_config_provenance_and_meta() -> None:
    assert_not_default(HParams, "epochs", 3)
    run = start(["--epochs=3"], name="first")
    assert run.dir == Path("runs") / "p" / run.id
    assert sorted(p.name for p in run.dir.iterdir() if not p.name.startswith(".")) == [
        "config.yaml",
        "meta.json",
        "provenance.json",
    ]
    assert stored(run) == run.config
    meta = json.loads((run.dir / "meta.json").read_text())
    assert meta["schema"] == "schemas:HParams"
    assert meta["config_fingerprint"] == run.config.fingerprint()
    assert meta["argv"] == ["--epochs=3"]
    assert (meta["project"], meta["name"], meta["typed_config_version"]) == ("p", "first", "0.1.0")
    assert len(meta["schema_fingerprint"]) == 64
    provenance = json.loads((run.dir / "provenance.json").read_text())
    assert provenance["epochs"] == [
        {"source": "default", "origin": "schema default", "value": 100},
        {"source": "command line", "origin": "--epochs=3", "value": 3},
    ]


def test_dir_none_keeps_the_run_in_memory() -> None:
    run = tc.init(HParams, argv=[], dir=None)
    assert run.dir is None
    assert not Path("runs").exists()


def test_every_change_is_written_at_once() -> None:
    not_defaults(HParams, {"epochs": 7, "seed": 3})
    run = start()
    run.config.epochs = 7
    assert stored(run).epochs == 7
    run.config.update({"seed": 3})
    assert stored(run).seed == 3
    # Changes are appended to provenance.jsonl, which readers fold onto provenance.json ...
    assert [entry["source"] for entry in read_provenance(run.dir)["epochs"]] == ["default", "assignment"]  # type: ignore[arg-type]
    run.update()  # ... until a sync point folds the log into provenance.json
    provenance = json.loads((run.dir / "provenance.json").read_text())  # type: ignore[operator]
    assert [entry["source"] for entry in provenance["epochs"]] == ["default", "assignment"]
    assert not (run.dir / "provenance.jsonl").exists()  # type: ignore[operator]


def test_in_place_changes_are_found_at_update_and_finish() -> None:
    run = start()
    run.config.tags.append("late")
    assert stored(run).tags == []
    run.update()
    assert stored(run).tags == ["late"]
    chain = run.explain("tags").chain
    assert chain[-1].source == "in-place change"
    assert str(chain[-1].origin).startswith("in-place change found by run.update() at ")
    run.config.schedule.append(Step(epoch=2))
    run.finish()
    assert stored(run).schedule == [Step(epoch=2)]


def test_an_invalid_in_place_change_is_named_and_not_written() -> None:
    run = start()
    run.config.schedule.append(Step())
    run.config.schedule[0].__dict__["epoch"] = "soon"  # bypasses validation, as a buggy script might
    with pytest.raises(tc.ConfigError) as info:
        run.update()
    assert [(p.key, p.message) for p in info.value.problems] == [
        ("schedule[0].epoch", "Input should be a valid integer (got 'soon')")
    ]
    assert stored(run).schedule == []
    run.config.schedule.clear()


def test_an_in_place_change_to_a_locked_value_is_refused() -> None:
    run = start(["--tags", "a"])
    run.config.tags.append("b")
    with pytest.raises(
        tc.ConfigError, match=re.escape("tags: is locked: --tags a set it (a command-line or sweep value)")
    ):
        run.update()
    run.config.tags.pop()


def test_resume_continues_the_stored_config() -> None:
    not_defaults(HParams, {"epochs": 3, "seed": 9})
    first = start(["--epochs=3"])
    first.config.update({"seed": 9})
    again = start(["--epochs=3"], resume=first.id)
    assert (again.id, again.dir, again.config.epochs, again.config.seed) == (first.id, first.dir, 3, 9)
    latest = start(resume=True)
    assert latest.id == first.id


def test_resume_refuses_different_values_unless_allowed() -> None:
    first = start(["--epochs=3"])
    with pytest.raises(tc.ConfigError) as info:
        start(["--epochs=5", "--batch-size=8"], resume=first.id)
    assert [str(p) for p in info.value.problems] == [
        "--epochs=5: epochs: the resumed run has 3; changing it to 5 needs allow_val_change=True",
        "--batch-size=8: batch_size: the resumed run has 32; changing it to 8 needs allow_val_change=True",
    ]
    assert_not_default(HParams, "epochs", 5, base="epochs: 3\n")
    again = start(["--epochs=5"], resume=first.id, allow_val_change=True)
    assert stored(again).epochs == 5
    provenance = json.loads((again.dir / "provenance.json").read_text())  # type: ignore[operator]
    assert [entry["value"] for entry in provenance["epochs"]] == [100, 3, 5]


def test_resuming_a_run_that_does_not_exist_is_a_config_error() -> None:
    with pytest.raises(tc.ConfigError, match="no stored run 'nope' to resume"):
        start(resume="nope")
    with pytest.raises(tc.ConfigError, match="no stored run to resume"):
        start(resume=True)


def test_descriptions_edited_in_the_file_survive_a_rewrite() -> None:
    run = start()
    path = run.dir / "config.yaml"  # type: ignore[operator]
    path.write_text(path.read_text().replace("Number of epochs to train over", "Epochs (tuned by hand)"))
    again = start(resume=run.id)
    again.config.update({"seed": 1})
    assert 'desc: "Epochs (tuned by hand)"' in path.read_text()


def test_secrets_are_never_written_in_clear() -> None:
    assert_not_default(Secretive, "api_key", "hunter2")
    run = tc.init(Secretive, argv=["--api-key=hunter2"], project="p")
    assert run.config.api_key.get_secret_value() == "hunter2"
    for name in ("config.yaml", "provenance.json", "meta.json"):
        assert "hunter2" not in (run.dir / name).read_text()  # type: ignore[operator]
    # The fingerprint is the redacted flat dict's: it never depends on a secret (a digest of a
    # guessable one could be matched), yet it follows every other value.
    fingerprint = run.config.fingerprint()
    assert fingerprint == Secretive(api_key=SecretStr("other")).fingerprint()
    assert fingerprint == tc.fingerprint({"api_key": "**********", "epochs": 1})
    assert fingerprint != Secretive(api_key=SecretStr("hunter2"), epochs=2).fingerprint()
    assert run.config.to_flat()["api_key"] == "**********"


def test_run_ids_are_unique_and_sort_by_creation() -> None:
    ids = [start().id for _ in range(5)]
    assert len(set(ids)) == 5
    assert ids == sorted(ids)


def test_a_rank_other_than_zero_writes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RANK", "1")
    monkeypatch.setenv("WORLD_SIZE", "2")
    monkeypatch.setenv("TORCHELASTIC_RUN_ID", "job/7")
    run = start()
    run.config.epochs = 2
    assert run.id == "job_7"
    assert not Path("runs").exists()


def test_a_live_run_merges_api_edits_of_other_keys_and_refuses_to_overwrite_one_of_its_own() -> None:
    not_defaults(HParams, {"epochs": 9, "weights": {"a": 0.5}, "seed": 1}, base="epochs: 5\n")
    run = start()
    run.config.epochs = 5
    editor = tc.Api().run(f"p/{run.id}", schema=HParams)
    editor.config["epochs"] = 9
    editor.config["weights"] = {"a": 0.5}
    editor.update()
    run.config.seed = 1  # another key: merged, the edits stay
    assert (stored(run).epochs, stored(run).weights, stored(run).seed) == (9, {"a": 0.5}, 1)
    with pytest.raises(tc.ConfigError) as info:
        run.config.epochs = 6  # the stored value changed since this run wrote it
    assert [p.key for p in info.value.problems] == ["epochs"]
    assert "another process changed it to 9 since this run last wrote it" in str(info.value)
    assert (run.config.epochs, stored(run).epochs) == (9, 9)  # the run takes the edit
    assert run.explain("epochs").chain[-1].source == "another writer"
    run.config.epochs = 6  # now a deliberate change over a value it has seen
    assert stored(run).epochs == 6


def test_after_finish_a_change_is_refused() -> None:
    run = start()
    run.finish()
    with pytest.raises(
        tc.ConfigError, match=r"epochs: the run has finished \(run.finish\(\) at .*test_store.py"
    ):
        run.config.epochs = 3
    with pytest.raises(tc.ConfigError, match="seed: the run has finished"):
        run.config.update({"seed": 2})
    run.config.tags.append("late")
    with pytest.raises(tc.ConfigError, match="tags: the run has finished"):
        run.update()
    assert (stored(run).epochs, stored(run).seed, stored(run).tags) == (100, None, [])


def test_a_run_is_a_context_manager_that_finishes_on_exit_and_on_error() -> None:
    with start() as run:
        run.config.tags.append("kept")
    assert stored(run).tags == ["kept"]
    with pytest.raises(tc.ConfigError, match="the run has finished"):
        run.config.epochs = 3
    runs: list[tc.Run[HParams]] = []

    def train() -> None:
        with start() as failed:
            runs.append(failed)
            failed.config.tags.append("before the error")
            raise RuntimeError("training failed")

    with pytest.raises(RuntimeError, match="training failed"):
        train()
    assert stored(runs[0]).tags == ["before the error"]


def test_at_exit_the_valid_in_place_changes_are_written_and_the_invalid_named(tmp_path: Path) -> None:
    script = tmp_path / "train.py"
    script.write_text(
        "import typed_config as tc\n"
        "from schemas import HParams, Step\n"
        "run = tc.init(HParams, argv=[], project='p')\n"
        "run.config.tags.append('kept')\n"
        "run.config.schedule.append(Step())\n"
        "run.config.schedule[0].__dict__['epoch'] = 'soon'\n"
        "print(run.id)\n"
    )
    tests = str(Path(__file__).parent)
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": tests},
        timeout=60,
    )
    config = tc.load(HParams, Path("runs") / "p" / done.stdout.strip() / "config.yaml")
    assert (config.tags, config.schedule) == (["kept"], [])
    assert "in-place changes not saved at exit" in done.stderr
    assert "schedule[0].epoch: Input should be a valid integer (got 'soon')" in done.stderr


def test_an_in_place_change_inside_an_empty_dict_field_is_written() -> None:
    run = start()
    run.config.weights["a"] = 0.5  # the empty mapping was a leaf; now a key lives below it
    run.update()
    assert stored(run).weights == {"a": 0.5}
    del run.config.weights["a"]
    run.update()
    assert stored(run).weights == {}
