"""Round trips through the run store, and kill -9 on the other write paths."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from schemas import HParams
from strategies import as_source, examples, same, schemas_and_configs

import typed_config as tc


@settings(
    max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pair=schemas_and_configs())
def test_a_saved_run_reopens_to_the_same_config(
    tmp_path: Path, pair: tuple[type[tc.HyperParams], tc.HyperParams]
) -> None:
    schema, config = pair
    run = tc.init(schema, argv=[], config=as_source(config), dir=tmp_path / "runs", defaults=None)
    run.finish()
    reopened = tc.Api(root=tmp_path / "runs").run(f"default/{run.id}", schema=schema)
    # The run's config, not `config`: keys given by path under a dict field merge with its default.
    assert same(reopened.typed.to_flat(), run.config.to_flat())
    assert reopened.meta["config_fingerprint"] == run.config.fingerprint()


WRITER = """
import sys, typed_config as tc
sys.path.insert(0, {tests!r})
from schemas import HParams
mode, target = sys.argv[1], sys.argv[2]
configs = [HParams(epochs=1, dataset="a" * 2000, tags=["x"] * 300), HParams(epochs=2, dataset="b" * 2000)]
print("ready", flush=True)
n = 0
while True:
    n += 1
    if mode == "defaults":
        tc.dump_defaults(configs[n % 2], target)
    else:
        run = tc.Api(root=sys.argv[3]).run(target, schema=HParams)
        run.config["epochs"] = 1 + n % 2
        run.update()
"""


@pytest.mark.timeout(120)
@pytest.mark.parametrize("mode", ["defaults", "api"])
def test_a_writer_killed_at_any_moment_leaves_the_old_file_or_the_new(mode: str, tmp_path: Path) -> None:
    kills = 40
    if mode == "defaults":
        target = tmp_path / "config-defaults.yaml"
        tc.dump_defaults(HParams(epochs=1), target)
        argv = [mode, str(target)]
        check = target
    else:
        run = tc.init(
            HParams, argv=[], config={"epochs": 1}, dir=tmp_path / "runs", defaults=None, project="p"
        )
        run.finish()
        argv = [mode, f"p/{run.id}", str(tmp_path / "runs")]
        assert run.dir is not None
        check = run.dir / "config.yaml"
    script = WRITER.format(tests=str(Path(__file__).parent))
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("RANK", "WORLD_SIZE", "SLURM", "TORCHELASTIC"))
    }
    seen: set[int] = set()
    for index in range(kills):
        child = subprocess.Popen([sys.executable, "-c", script, *argv], stdout=subprocess.PIPE, env=env)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == b"ready"
        time.sleep((index % 10) * 0.004)
        child.send_signal(signal.SIGKILL)
        child.wait()
        child.stdout.close()
        loaded = tc.load(HParams, check)  # parses, and is one whole config or the other
        assert loaded.epochs in (1, 2)
        seen.add(loaded.epochs)
        assert yaml.safe_load(check.read_text()) is not None
    assert seen  # the file always held a whole config
