"""How a run kept on disk writes its changes: provenance appended as JSON lines, fsync at the sync points."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemas import HParams
from strategies import examples, instances, same, schemas_and_configs

import typed_config as tc
from typed_config import _fs
from typed_config._keys.patch import changes
from typed_config._model.defaults_file import Rendering, render_defaults
from typed_config._run.history import LOG, PROVENANCE, read_provenance

TESTS = Path(__file__).parent


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("RANK", "WORLD_SIZE", "SLURM_PROCID", "TORCHELASTIC_RUN_ID", "TYPED_CONFIG_RUN_ID"):
        monkeypatch.delenv(name, raising=False)


def start() -> tc.Run[HParams]:
    return tc.init(HParams, argv=[], project="p", defaults=None)


def count_fsyncs(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    calls: list[int] = []
    real = os.fsync

    def fsync(fd: int) -> None:
        calls.append(fd)
        real(fd)

    monkeypatch.setattr(_fs.os, "fsync", fsync)
    return calls


def test_an_assignment_appends_provenance_and_does_not_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    run = start()
    assert run.dir is not None
    before = (run.dir / PROVENANCE).stat()
    calls = count_fsyncs(monkeypatch)
    for epochs in (7, 8, 9):
        run.config.epochs = epochs
        assert tc.load(HParams, run.dir / "config.yaml").epochs == epochs  # written at once
    assert calls == []
    after = (run.dir / PROVENANCE).stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)  # not rewritten
    lines = (run.dir / LOG).read_text().splitlines()
    assert len(lines) == 4  # the header, then one line per change
    assert [e["value"] for e in read_provenance(run.dir)["epochs"]] == [100, 7, 8, 9]
    run.update()  # a sync point: fsync, and the log folded into provenance.json
    assert calls
    assert not (run.dir / LOG).exists()
    chain = json.loads((run.dir / PROVENANCE).read_text())["epochs"]
    assert [(e["source"], e["value"]) for e in chain] == [
        ("default", 100),
        ("assignment", 7),
        ("assignment", 8),
        ("assignment", 9),
    ]
    meta = json.loads((run.dir / "meta.json").read_text())
    assert meta["config_fingerprint"] == run.config.fingerprint()


def test_finish_and_api_updates_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    run = start()
    assert run.dir is not None
    run.config.seed = 5
    calls = count_fsyncs(monkeypatch)
    run.finish()
    assert calls
    calls.clear()
    stored = tc.Api().run(f"p/{run.id}", schema=HParams)
    stored.config["epochs"] = 3
    stored.update()
    assert calls
    chains = json.loads((run.dir / PROVENANCE).read_text())
    assert [e["value"] for e in chains["seed"]][-1] == 5
    assert [e["value"] for e in chains["epochs"]][-1] == 3


def test_a_folder_with_only_provenance_json_opens_resumes_and_explains() -> None:
    """A run folder of the previous version: provenance.json alone, rewritten whole at each change."""
    run = start()
    assert run.dir is not None
    run.finish()
    chains = json.loads((run.dir / PROVENANCE).read_text())
    chains["epochs"].append({"source": "assignment", "origin": "assignment at train.py:9", "value": 100})
    (run.dir / PROVENANCE).write_text(json.dumps(chains, indent=2) + "\n")
    assert not (run.dir / LOG).exists()
    assert tc.Api().run(f"p/{run.id}", schema=HParams).typed == run.config
    again = tc.init(HParams, argv=[], project="p", defaults=None, resume=run.id)
    again.config.epochs = 4
    assert [e["origin"] for e in read_provenance(run.dir)["epochs"]][1:3] == [
        "assignment at train.py:9",
        again.explain("epochs").chain[-1].origin.__str__(),
    ]
    explained = subprocess.run(
        [sys.executable, "-m", "typed_config", "explain", f"p/{run.id}", "epochs", "--root", "runs"],
        capture_output=True,
        text=True,
        check=False,
        cwd=os.getcwd(),
        env={**os.environ, "PYTHONPATH": str(TESTS)},
    )
    assert explained.returncode == 0, explained.stderr
    assert "assignment at train.py:9: 100" in explained.stdout
    assert explained.stdout.splitlines()[-1].endswith(": 4")


def test_a_torn_last_line_and_a_log_of_another_provenance_json_are_ignored() -> None:
    run = start()
    assert run.dir is not None
    run.config.epochs = 7
    log = run.dir / LOG
    whole = log.read_bytes()
    log.write_bytes(whole + b'{"epochs": {"source": "assignment", "val')  # a writer killed mid-line
    assert [e["value"] for e in read_provenance(run.dir)["epochs"]] == [100, 7]
    run.config.epochs = 8  # the next writer cuts the torn line before appending
    assert [e["value"] for e in read_provenance(run.dir)["epochs"]] == [100, 7, 8]
    assert log.read_bytes().count(b"\n") == 3
    # A log written for another provenance.json (one rewritten since, by a writer killed before
    # it removed the log) is not folded onto this one.
    (run.dir / PROVENANCE).write_text(json.dumps({"epochs": [{"source": "default", "value": 100}]}))
    assert read_provenance(run.dir) == {"epochs": [{"source": "default", "value": 100}]}


KILLED_WRITER = """
import sys
sys.path.insert(0, {tests!r})
import typed_config as tc
from schemas import HParams
run = tc.init(HParams, argv=[], project="p", defaults=None)
for epochs in range(1, 51):
    run.config.epochs = epochs
print(run.id, flush=True)
sys.stdin.readline()  # killed here, after the assignments returned
"""


@pytest.mark.timeout(60)
def test_a_kill_after_assignments_returned_loses_nothing() -> None:
    code = textwrap.dedent(KILLED_WRITER.format(tests=str(TESTS)))
    with subprocess.Popen(
        [sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        run_id = proc.stdout.readline().strip()
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL
    opened = tc.Api().run(f"p/{run_id}", schema=HParams)
    assert opened.typed.epochs == 50
    assert [e["value"] for e in read_provenance(opened.dir)["epochs"]] == [100, *range(1, 51)]


@settings(
    max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), pair=schemas_and_configs())
def test_line_by_line_rendering_is_the_full_rendering(
    data: st.DataObject, pair: tuple[type[tc.HyperParams], tc.HyperParams]
) -> None:
    schema, config = pair
    other = data.draw(instances(schema))
    rendering = Rendering(config)
    assert rendering.text() == render_defaults(config)
    patch = changes(config.to_flat(), other.to_flat())
    if rendering.change(patch):
        assert rendering.text() == render_defaults(other)
    else:
        assert rendering.text() == render_defaults(config)


@settings(
    max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data(), pair=schemas_and_configs())
def test_a_disk_runs_writes_match_a_full_rewrite(
    tmp_path_factory: pytest.TempPathFactory,
    data: st.DataObject,
    pair: tuple[type[tc.HyperParams], tc.HyperParams],
) -> None:
    schema, config = pair
    root = tmp_path_factory.mktemp("runs")
    run = tc.init(schema, argv=[], config=config.to_flat(), dir=root, defaults=None)
    assert run.dir is not None
    for _ in range(3):
        other = data.draw(instances(schema))
        flat = other.to_flat()
        for key in data.draw(st.lists(st.sampled_from(sorted(flat)), max_size=4)) if flat else []:
            try:
                run.config[key] = other[key]
            except (tc.ConfigError, KeyError):
                continue
            # The file a full revalidation reads back is the config, after every change.
            stored = tc.load(schema, run.dir / "config.yaml")
            assert same(stored.to_flat(), run.config.to_flat())
            assert (run.dir / "config.yaml").read_text() == render_defaults(run.config)
    folded = read_provenance(run.dir)
    run.finish()
    assert json.loads((run.dir / PROVENANCE).read_text()) == json.loads(json.dumps(folded))
    assert not (run.dir / LOG).exists()
    assert tc.Api(root=root).run(f"default/{run.id}", schema=schema).meta["config_fingerprint"] == (
        run.config.fingerprint()
    )
