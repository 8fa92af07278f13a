"""Subcommands: init with a mapping of command names to schemas, through real processes too."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import typed_config as tc


class FitParams(tc.HyperParams):
    """Train the model.

    More text that the help leaves out.
    """

    epochs: int = 10
    lr: float = 0.1


class EvalParams(tc.HyperParams):
    checkpoint: str = "last.ckpt"


COMMANDS = {"fit": FitParams, "test": EvalParams}
EXAMPLE = Path(__file__).parent.parent / "examples" / "11_subcommands.py"


def start(argv: list[str], **kwargs: object) -> tc.Run[FitParams | EvalParams]:
    return tc.init(COMMANDS, argv=argv, defaults=None, **kwargs)  # type: ignore[arg-type]


def test_the_first_argument_picks_the_schema_and_options_follow_anywhere(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("fast.yaml").write_text("epochs: 2\n")
    run = start(["fit", "--lr", "0.5", "--configs", "fast.yaml"], dir=None)
    assert run.command == "fit"
    assert isinstance(run.config, FitParams)
    assert (run.config.epochs, run.config.lr) == (2, 0.5)
    run = start(["test", "--checkpoint", "best.ckpt"], dir=None)
    assert (run.command, run.config) == ("test", EvalParams(checkpoint="best.ckpt"))
    assert tc.init(FitParams, argv=[], dir=None, defaults=None).command is None


def test_the_run_folder_records_the_command(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    run = start(["test", "--checkpoint=x"], project="p")
    assert run.dir is not None
    meta = json.loads((run.dir / "meta.json").read_text())
    assert (meta["command"], meta["argv"]) == ("test", ["test", "--checkpoint=x"])


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["tset"], "tset: unknown command; did you mean 'test'?"),
        (["deploy"], "deploy: unknown command; the commands are fit or test"),
        ([], "the command line: expected a command first: fit or test"),
        (
            ["--epochs", "3", "fit"],
            "the command line: expected a command first: fit or test; the first argument is '--epochs'",
        ),
    ],
)
def test_a_missing_or_unknown_command_is_a_config_error(argv: list[str], expected: str) -> None:
    with pytest.raises(tc.ConfigError) as info:
        start(argv, dir=None)
    assert str(info.value) == expected


def test_command_names_must_be_words() -> None:
    with pytest.raises(TypeError, match="at least one command"):
        tc.init({}, argv=[], dir=None)
    with pytest.raises(TypeError, match="must be a word"):
        tc.init({"--fit": FitParams}, argv=["--fit"], dir=None)
    with pytest.raises(TypeError, match="must be a pydantic BaseModel subclass"):
        tc.init({"fit": dict}, argv=["fit"], dir=None)  # type: ignore[arg-type, dict-item]


def run_example(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(EXAMPLE), *argv], capture_output=True, text=True, check=False, cwd=EXAMPLE.parent
    )


def test_help_before_a_command_lists_the_commands_with_their_docstrings() -> None:
    result = run_example("--help")
    assert result.returncode == 0
    assert result.stdout == (
        "usage: 11_subcommands.py COMMAND [--configs FILE [FILE ...]] [--print-config] [--KEY=VALUE ...]\n"
        "\n"
        "commands:\n"
        "  fit                         Train the model. (FitParams)\n"
        "  test                        Evaluate a checkpoint. (TestParams)\n"
        "\n"
        "'11_subcommands.py COMMAND --help' shows a command's options.\n"
    )


def test_help_after_a_command_shows_that_command_s_options() -> None:
    result = run_example("fit", "--help")
    assert result.returncode == 0
    assert result.stdout.startswith("usage: 11_subcommands.py fit [--configs FILE [FILE ...]]")
    assert (
        "  --epochs INT                Passes over the training data. [>= 1] (default: 10)\n" in result.stdout
    )
    assert "--checkpoint" not in result.stdout
