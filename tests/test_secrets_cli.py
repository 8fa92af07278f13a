"""Secrets never leak through real processes: a training script's output, its run folder, and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TRAIN = """
import typed_config as tc
from secret_schema import Keys

run = tc.init(Keys, project="p")
print(run.id)
"""

TESTS = str(Path(__file__).parent)


def python(*argv: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": TESTS}
    return subprocess.run([sys.executable, *argv], capture_output=True, text=True, check=False, env=env)


@pytest.fixture
def train(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    script = tmp_path / "train.py"
    script.write_text(TRAIN)
    return script


def assert_hidden(result: subprocess.CompletedProcess[str]) -> None:
    assert "hunter" not in result.stdout + result.stderr


def test_print_config_in_a_real_process_hides_secrets_and_their_arguments(train: Path) -> None:
    result = python(
        str(train), "--print-config", "--api-key", "hunter2", "--model.secrets", "hunter2-a", "-b"
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[:2] == [
        "# api_key: a secret, not printed; pass it with --api-key=... or an environment variable",
        "# pin: a secret, not printed; pass it with --pin=... or an environment variable",
    ]
    assert "# model.secrets: a secret, not printed; pass it with --model.secrets=..." in result.stdout
    assert_hidden(result)


def test_an_error_in_a_real_process_shows_no_secret_in_its_traceback(train: Path) -> None:
    result = python(str(train), "--pin=hunt", "--api-kye=hunter2", "--model.secrets=[*hunter2]")
    assert result.returncode == 1
    assert (
        "--pin=**********: pin: Value should have at least 6 items after validation, not 4" in result.stderr
    )
    assert "--api-kye=**********: unknown option" in result.stderr
    assert "During handling" not in result.stderr  # no pydantic error chained
    assert_hidden(result)


def test_run_folders_and_the_run_commands_show_no_secret(train: Path) -> None:
    runs = []
    for argv in (
        ["--api-key=hunter2", "--pin", "hunter2-pin", '{"creds": {"db": "hunter2\\u00e9"}}', "--epochs=2"],
        ["--api-key", "hunter2-b", "servers=[{password: hunter2-s}]", "--model.secrets", "hunter2-a", "-x"],
    ):
        result = python(str(train), *argv)
        assert result.returncode == 0, result.stderr
        runs.append("p/" + result.stdout.strip())
    for path in Path("runs").rglob("*"):
        if path.is_file():
            assert "hunter" not in path.read_text(), path
    commands = [
        ["runs"],
        ["runs", "--format", "json"],
        ["runs", "--format", "csv"],
        ["diff", *runs],
        ["hash", runs[0]],
        *(["explain", runs[0], key] for key in ("api_key", "pin", "creds.db", "model.secrets")),
        *(["explain", runs[1], key] for key in ("api_key", "servers", "model.secrets")),
    ]
    for command in commands:
        result = python("-m", "typed_config", *command)
        assert result.returncode in (0, 1), (command, result.stderr)
        assert_hidden(result)
    explained = python("-m", "typed_config", "explain", runs[1], "model.secrets").stdout
    assert explained.splitlines() == [
        'model.secrets = ["**********", "**********"]',
        "  schema default: []",
        '  --model.secrets ********** **********: ["**********", "**********"]',
    ]
