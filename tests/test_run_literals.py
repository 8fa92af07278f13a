r"""A literal ``${`` (written ``\${``) stays text in a run folder: Api, resume and the CLI read it as text."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

import typed_config as tc


class Train(tc.HyperParams):
    epochs: int = 10
    name: str = "run"
    pattern: str = "p"
    tags: list[str] = tc.Field(default_factory=list[str])


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _start(here: Path) -> tc.Run[Train]:
    (here / "exp.yaml").write_text("name: e-\\${epochs}\ntags: ['e${epochs}', '\\${x}']\n")
    return tc.init(Train, argv=["--configs", "exp.yaml", "--pattern=a\\${b}"], defaults=None, project="p")


def test_config_yaml_keeps_a_literal_mark_escaped(here: Path) -> None:
    run = _start(here)
    assert (run.config.name, run.config.pattern, run.config.tags) == ("e-${epochs}", "a${b}", ["e10", "${x}"])
    run.finish()
    assert run.dir is not None
    text = (run.dir / "config.yaml").read_text()
    assert '"e-\\\\${epochs}"' in text  # YAML text for e-\${epochs}
    assert "${" not in text.replace("\\${", "")
    assert tc.load(Train, run.dir / "config.yaml") == run.config


def test_api_shows_the_literal_and_writes_it_escaped(here: Path) -> None:
    run = _start(here)
    run.finish()
    for schema in (Train, None):
        stored = tc.Api().run(f"p/{run.id}", schema=schema)
        assert (stored.config["name"], stored.config["pattern"]) == ("e-${epochs}", "a${b}")
    stored = tc.Api().run(f"p/{run.id}", schema=Train)
    assert stored.typed.tags == ["e10", "${x}"]
    stored.config["pattern"] = "c${d}"
    stored.update()
    again = tc.Api().run(f"p/{run.id}", schema=Train)
    assert (again.config["name"], again.config["pattern"]) == ("e-${epochs}", "c${d}")
    assert run.dir is not None
    assert '"c\\\\${d}"' in (run.dir / "config.yaml").read_text()


def test_resume_keeps_the_literal(here: Path) -> None:
    run = _start(here)
    run.config.name = "x${y}"  # a change written line by line
    run.update()
    run.finish()
    resumed = tc.init(Train, argv=[], defaults=None, project="p", resume=run.id)
    assert (resumed.config.name, resumed.config.pattern) == ("x${y}", "a${b}")
    assert resumed.config.tags == ["e10", "${x}"]
    resumed.config.epochs = 3
    resumed.finish()
    stored = tc.Api().run(f"p/{run.id}", schema=Train)
    assert (stored.config["epochs"], stored.config["name"]) == (3, "x${y}")


def test_the_runs_command_shows_the_literal(here: Path) -> None:
    run = _start(here)
    run.finish()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}
    for extra in ([], ["--schema", "test_run_literals:Train"]):
        command = [sys.executable, "-m", "typed_config", "runs", "--format", "json", *extra]
        proc = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        assert proc.returncode == 0, proc.stderr
        assert '"name": "e-${epochs}"' in proc.stdout
        assert "\\${" not in proc.stdout


def test_diff_and_hash_read_a_run_folders_config_yaml_as_the_run(here: Path) -> None:
    run = _start(here)
    run.finish()
    assert run.dir is not None
    stored = str(run.dir / "config.yaml")
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).parent)}

    def command(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "typed_config", *args],
            capture_output=True,
            text=True,
            check=False,
            env=env,
        )

    for extra in ([], ["--schema", "test_run_literals:Train"]):
        by_id = command("hash", f"p/{run.id}", *extra)
        by_file = command("hash", stored, *extra)
        assert (by_id.returncode, by_file.returncode) == (0, 0), by_file.stderr
        assert by_file.stdout == by_id.stdout == tc.fingerprint(run.config) + "\n"
        proc = command("diff", f"p/{run.id}", stored, *extra)
        assert (proc.returncode, proc.stdout) == (0, f"p/{run.id} and {stored} are equal\n")
    (here / "other.yaml").write_text('name: "x${y}"\npattern: a\\${b}\n')  # a file of its own: as written
    proc = command("diff", stored, "other.yaml")
    assert proc.returncode == 1
    assert '~ name: "e-${epochs}" -> "x${y}"' in proc.stdout
    assert '~ pattern: "a${b}" -> "a\\\\${b}"' in proc.stdout
