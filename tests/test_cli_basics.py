"""typed-config --version, no arguments, schema --output; add_arguments' --configs."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
from schemas import HParams

import typed_config as tc
from typed_config._script.init import VERSION

EXAMPLES = Path(__file__).parent.parent / "examples"


def typed_config(*argv: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "typed_config", *argv], capture_output=True, text=True, check=False, cwd=cwd
    )


def test_version_prints_the_version_and_exits_zero() -> None:
    result = typed_config("--version")
    assert (result.returncode, result.stdout, result.stderr) == (0, f"typed-config {VERSION}\n", "")


def test_no_arguments_prints_the_help_on_stderr_and_exits_two() -> None:
    result = typed_config()
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("usage: typed-config [-h] [--version] COMMAND ...\n")
    assert "commands:" in result.stderr
    assert "Traceback" not in result.stderr


def test_schema_output_writes_a_schema_the_example_files_validate_against(tmp_path: Path) -> None:
    target = tmp_path / "hparams.schema.json"
    result = typed_config("schema", "--schema", "hparams:HParams", "--output", str(target), cwd=EXAMPLES)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")
    schema = json.loads(target.read_text())
    yaml = pytest.importorskip("yaml")
    for name in ("config-defaults.yaml", "special-configs.yaml"):
        jsonschema.validate(yaml.safe_load((EXAMPLES / name).read_text()), schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"epochs": {"value": "many"}}, schema)
    printed = typed_config("schema", "--schema", "hparams:HParams", cwd=EXAMPLES).stdout
    assert printed == target.read_text()


def test_schema_output_to_a_folder_that_does_not_exist_exits_two(tmp_path: Path) -> None:
    result = typed_config(
        "schema", "--schema", "hparams:HParams", "--output", str(tmp_path / "no" / "s.json"), cwd=EXAMPLES
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"typed-config: error: cannot write {tmp_path / 'no' / 's.json'}: ")


def test_add_arguments_adds_configs_and_init_reads_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("a.yaml").write_text("epochs: 4\nbatch_size: 8\n")
    Path("b.yaml").write_text("epochs: 5\n")
    parser = argparse.ArgumentParser()
    tc.add_arguments(parser, HParams)
    args = parser.parse_args(["--configs", "a.yaml", "b.yaml", "--dropout", "0.25", "--batch-size", "16"])
    assert args.configs == ["a.yaml", "b.yaml"]
    run = tc.init(HParams, config=args, argv=[], dir=None, defaults=None)
    assert (run.config.epochs, run.config.batch_size, run.config.dropout) == (5, 16, 0.25)
    assert str(run.origin_of("epochs")) == "b.yaml:1:9"
    without = parser.parse_args(["--epochs", "2"])
    assert tc.init(HParams, config=without, argv=[], dir=None, defaults=None).config.epochs == 2


def test_add_arguments_leaves_a_parser_s_own_configs_alone() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--configs", default="mine")
    tc.add_arguments(parser, HParams)
    assert parser.parse_args([]).configs == "mine"
