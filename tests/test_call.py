"""tc.call: a command line from a function's signature, with every init source, through a real process too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Annotated, Literal

import pytest

import typed_config as tc


class Optimizer(tc.HyperParams):
    name: Literal["adam", "sgd"] = "adam"
    lr: float = 1e-3


def train(
    data: str,
    /,
    epochs: int = 10,
    *,
    batch_size: Annotated[int, tc.Field(ge=1, description="Examples per step")] = 32,
    optimizer: Optimizer = Optimizer(),  # noqa: B008 - a default value, never mutated
    tags: list[str] | None = None,
) -> dict[str, object]:
    """Train a model.

    More words about training.

    Args:
        data: where the data lives,
            on disk.
        epochs: passes over the data.
        batch_size: the docstring loses to the Field's description.
        optimizer: how to step.
        tags: free-form labels.

    Returns:
        What it saw.
    """
    return {"data": data, "epochs": epochs, "batch_size": batch_size, "optimizer": optimizer, "tags": tags}


def test_call_reads_the_command_line_and_calls_the_function(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("fast.yaml").write_text("epochs: 2\noptimizer:\n  name: sgd\n")
    seen = tc.call(
        train,
        ["--data", "/d", "--configs", "fast.yaml", "--batch-size", "8", "--optimizer.lr", "0.5"],
        dir=None,
        defaults=None,
    )
    assert seen == {
        "data": "/d",
        "epochs": 2,
        "batch_size": 8,
        "optimizer": Optimizer(name="sgd", lr=0.5),
        "tags": None,
    }


def test_a_parameter_without_default_is_required_and_errors_are_config_errors() -> None:
    with pytest.raises(tc.ConfigError) as info:
        tc.call(train, ["--epochs", "x", "--bach-size", "1"], dir=None, defaults=None)
    assert str(info.value).splitlines() == [
        "--bach-size: unknown option; did you mean '--batch_size'?",
        "--epochs x: epochs: Input should be a valid integer (got 'x')",
        "schema: data: required value is missing",
    ]


def test_descriptions_come_from_the_docstring_unless_the_field_has_one() -> None:
    from typed_config._script.call import schema_of_function

    fields = schema_of_function(train).model_fields
    assert fields["data"].description == "where the data lives, on disk."
    assert fields["epochs"].description == "passes over the data."
    assert fields["batch_size"].description == "Examples per step"
    assert fields["data"].is_required()
    assert schema_of_function(train).__doc__ == "Train a model."


def test_star_args_and_missing_annotations_are_type_errors() -> None:
    def star(*values: int) -> None: ...

    def stars(**values: int) -> None: ...

    def bare(x) -> None: ...  # type: ignore[no-untyped-def]

    with pytest.raises(
        TypeError, match=r"call cannot fill star's \*values: give each value a named parameter"
    ):
        tc.call(star, [], dir=None)
    with pytest.raises(TypeError, match=r"call cannot fill stars's \*\*values"):
        tc.call(stars, [], dir=None)
    with pytest.raises(TypeError, match="call needs a type annotation on bare's parameter 'x'"):
        tc.call(bare, [], dir=None)  # pyright: ignore[reportUnknownArgumentType]


SCRIPT = '''
import typed_config as tc


def main(steps: int, name: str = "demo") -> int:
    """Count to a number.

    Args:
        steps: how far to count.
        name: what to call it.
    """
    print(f"{name}: {steps}")
    return 0


raise SystemExit(tc.call(main, dir=None))
'''


def test_call_in_a_real_script_with_help(tmp_path: Path) -> None:
    (tmp_path / "count.py").write_text(SCRIPT)

    def run(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "count.py", *argv], cwd=tmp_path, capture_output=True, text=True, check=False
        )

    assert run("--steps", "3").stdout == "demo: 3\n"
    helped = run("--help")
    assert helped.returncode == 0
    assert "  --steps INT                 how far to count. (required)\n" in helped.stdout
    assert "  --name STR                  what to call it. (default: demo)\n" in helped.stdout
    assert "Hyperparameters of MainParams." in helped.stdout
