"""Keys set by `${...}` references follow later changes of what they name: assignment, update, Api edits."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import typed_config as tc


class Data(tc.HyperParams):
    root: str = "/data"
    cache: str = "/cache"
    logs: str = "/logs"


class Train(tc.HyperParams):
    epochs: int = 10
    warmup: int = tc.Field(default=0, le=100)
    name: str = "run"
    data: Data = tc.Field(default_factory=Data)
    tags: list[str] = tc.Field(default_factory=list[str])
    seed: int = tc.Field(default=0, frozen=True)


REFS = "warmup: ${epochs}\ndata:\n  cache: ${.root}/cache\n  logs: ${data.cache}/logs\n"


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def start(here: Path, text: str = REFS, *args: str, **kwargs: Any) -> tc.Run[Train]:
    (here / "refs.yaml").write_text(text)
    return tc.init(Train, argv=["--configs", "refs.yaml", *args], defaults=None, project="p", **kwargs)


def stored(run: tc.Run[Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The run folder's config (flat, as written) and provenance, read back."""
    assert run.dir is not None
    run.update()  # the provenance log folded into provenance.json
    config = tc.load(Train, run.dir / "config.yaml").to_flat()
    return config, json.loads((run.dir / "provenance.json").read_text())


def test_assignment_makes_the_keys_that_follow_follow_written_and_recorded(here: Path) -> None:
    run = start(here)
    assert (run.config.data.cache, run.config.data.logs) == ("/data/cache", "/data/cache/logs")
    run.config.data.root = "/scratch"
    assert (run.config.data.cache, run.config.data.logs) == ("/scratch/cache", "/scratch/cache/logs")
    config, provenance = stored(run)
    assert (config["data.cache"], config["data.logs"]) == ("/scratch/cache", "/scratch/cache/logs")
    last = provenance["data.cache"][-1]
    assert (last["source"], last["origin"], last["value"]) == (
        "interpolation",
        "refs.yaml:3:10",
        "/scratch/cache",
    )
    assert last["note"].startswith("interpolated from data.root (assignment at ")
    assert provenance["data.logs"][-1]["note"] == "interpolated from data.cache (refs.yaml:3:10)"
    lines = str(run.explain("data.cache")).splitlines()
    assert lines[0] == 'data.cache = "/scratch/cache"'
    assert lines[-1].startswith(
        '  refs.yaml:3:10: "/scratch/cache" (interpolated from data.root (assignment at '
    )


def test_update_and_item_assignment_follow_and_a_lone_reference_keeps_its_type(here: Path) -> None:
    run = start(here)
    run.config.update({"epochs": 7}, allow_val_change=True)
    assert run.config.warmup == 7
    run.config["epochs"] = 42
    run.config["data.root"] = "/r"
    assert (run.config.warmup, run.config.data.logs) == (42, "/r/cache/logs")
    config, provenance = stored(run)
    assert config["warmup"] == 42
    notes = [entry.get("note", "") for entry in provenance["warmup"]]
    assert notes[-2].startswith("interpolated from epochs (update({...})['epochs'] at ")
    assert notes[-1].startswith("interpolated from epochs (assignment at ")


def test_a_key_set_explicitly_stops_following_and_the_keys_that_follow_it_take_its_value(here: Path) -> None:
    run = start(here)
    run.config.data.cache = "/fast"
    run.config.data.root = "/elsewhere"
    assert (run.config.data.cache, run.config.data.logs) == ("/fast", "/fast/logs")
    run.config.update({"warmup": 3}, allow_val_change=True)
    run.config.epochs = 50
    assert run.config.warmup == 3
    config, provenance = stored(run)
    assert (config["data.cache"], config["warmup"]) == ("/fast", 3)
    assert provenance["data.cache"][-1]["source"] == "assignment"


def test_a_change_a_key_that_follows_refuses_is_refused_whole(here: Path) -> None:
    run = start(here)
    before = stored(run)
    with pytest.raises(tc.ConfigError) as caught:
        run.config.update({"epochs": 500, "data.root": "/new"}, allow_val_change=True)
    (problem,) = caught.value.problems
    assert (problem.key, str(problem.origin)) == ("warmup", "refs.yaml:1:9")
    assert "less than or equal to 100" in problem.message
    assert "follows a reference to epochs" in problem.message
    assert (run.config.epochs, run.config.warmup, run.config.data.root) == (10, 10, "/data")
    with pytest.raises(tc.ConfigError, match=r"refs.yaml:1:9: warmup: .*assignment at .*reference to epochs"):
        run.config.epochs = 101
    assert stored(run) == before


def test_text_around_a_reference_and_literal_marks_stay_text(here: Path) -> None:
    run = start(here, "name: e${epochs}-\\${x}\ntags: ['${name}', 'plain']\n")
    assert (run.config.name, run.config.tags) == ("e10-${x}", ["e10-${x}", "plain"])
    run.config.epochs = 3
    assert (run.config.name, run.config.tags) == ("e3-${x}", ["e3-${x}", "plain"])
    run.config.tags = ["mine"]
    run.config.epochs = 4
    assert (run.config.name, run.config.tags) == ("e4-${x}", ["mine"])


def test_command_line_and_frozen_keys_keep_their_values(here: Path) -> None:
    run = start(here, "seed: ${epochs}\n", "--warmup=${epochs}", "--data.cache=${data.root}/c")
    assert (run.config.warmup, run.config.seed, run.config.data.cache) == (10, 10, "/data/c")
    run.config.epochs = 20
    run.config.data.root = "/r"
    assert (run.config.warmup, run.config.seed, run.config.data.cache) == (10, 10, "/data/c")


def test_a_run_kept_in_memory_follows_too(here: Path) -> None:
    run = start(here, dir=None)
    run.config.data.root = "/m"
    assert run.config.data.logs == "/m/cache/logs"
    assert "(interpolated from data.cache (refs.yaml:3:10))" in str(run.explain("data.logs"))


def test_api_edits_follow_and_record_and_an_explicit_edit_stops_following(here: Path) -> None:
    run = start(here)
    run.finish()
    stored_run = tc.Api().run(f"p/{run.id}", schema=Train)
    stored_run.config["data.root"] = "/api"
    stored_run.config["epochs"] = 30
    stored_run.update()
    assert (stored_run.typed.data.logs, stored_run.typed.warmup) == ("/api/cache/logs", 30)
    config, provenance = stored(tc.init(Train, argv=[], project="p", resume=run.id))
    assert (config["data.cache"], config["warmup"]) == ("/api/cache", 30)
    last = provenance["data.cache"][-1]
    assert (last["source"], last["origin"]) == ("interpolation", "refs.yaml:3:10")
    assert last["note"].startswith("interpolated from data.root (run.config['data.root'] at ")
    again = tc.Api().run(f"p/{run.id}", schema=Train)
    again.config["data.cache"] = "/pinned"
    again.update()
    again.config["data.root"] = "/later"
    again.update()
    assert (again.typed.data.cache, again.typed.data.logs) == ("/pinned", "/pinned/logs")


def test_an_api_edit_a_key_that_follows_refuses_writes_nothing(here: Path) -> None:
    run = start(here)
    run.finish()
    assert run.dir is not None
    before = (run.dir / "config.yaml").read_text()
    stored_run = tc.Api().run(f"p/{run.id}", schema=Train)
    stored_run.config["epochs"] = 1000
    with pytest.raises(tc.ConfigError) as caught:
        stored_run.update()
    (problem,) = caught.value.problems
    assert (problem.key, str(problem.origin)) == ("warmup", "refs.yaml:1:9")
    assert "run.config['epochs']" in problem.message
    assert "reference to epochs" in problem.message
    assert (run.dir / "config.yaml").read_text() == before


def test_a_resumed_run_remembers_its_references(here: Path) -> None:
    first = start(here)
    first.config.data.root = "/one"
    first.finish()
    run = tc.init(Train, argv=["--data.root=/two"], project="p", resume=first.id, allow_val_change=True)
    assert (run.config.data.cache, run.config.data.logs) == ("/two/cache", "/two/cache/logs")
    run.config.epochs = 12
    assert run.config.warmup == 12
    config, provenance = stored(run)
    assert (config["data.logs"], config["warmup"]) == ("/two/cache/logs", 12)
    assert provenance["warmup"][-1]["source"] == "interpolation"
    unchanged = tc.init(Train, argv=[], project="p", resume=first.id)
    assert unchanged.config.data.logs == "/two/cache/logs"


class Chain(tc.HyperParams):
    a: int = 1
    b: int = 2
    c: int = 3
    d: int = 4
    s: str = "s"


KEYS = ["a", "b", "c", "d"]


@st.composite
def chains(draw: st.DrawFn) -> tuple[str, list[tuple[str, int]]]:
    """A config file where each key may refer to an earlier one, and assignments to make after init."""
    lines: list[str] = []
    for index, key in enumerate(KEYS[1:], start=1):
        target = draw(st.sampled_from([None, *KEYS[:index]]))
        if target is not None:
            lines.append(f"{key}: ${{{target}}}")
    lines.append(f"s: ${{{draw(st.sampled_from(KEYS))}}}-\\${{x}}")
    changes = draw(st.lists(st.tuples(st.sampled_from(KEYS), st.integers(-9, 9)), max_size=5))
    return "\n".join(lines) + "\n", changes


@given(chains())
def test_after_assignments_a_run_equals_a_config_built_with_them_on_the_command_line(
    case: tuple[str, list[tuple[str, int]]],
) -> None:
    text, changes = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "chain.yaml"
        path.write_text(text)
        run = tc.init(Chain, argv=["--configs", str(path)], defaults=None, dir=None)
        final: dict[str, int] = {}
        for key, value in changes:
            run.config[key] = value
            final[key] = value
        expected = tc.load(Chain, path, overrides=[f"--{k}={v}" for k, v in final.items()])
    assert run.config == expected
