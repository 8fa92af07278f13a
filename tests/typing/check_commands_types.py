"""Static types of subcommands: ``init`` with a mapping of commands, narrowed by ``match``; never executed.

mypy solves the mapping's classes to their common base, so the union is written once, on the
variable (pyright infers it without): both checkers then narrow ``run.config`` and check that a
``match`` covers every command.
"""

from __future__ import annotations

from typing_extensions import assert_never, assert_type

import typed_config as tc


class FitParams(tc.HyperParams):
    """Train the model."""

    epochs: int = 10


class TestParams(tc.HyperParams):
    """Evaluate a checkpoint."""

    checkpoint: str = "last.ckpt"


run: tc.Run[FitParams | TestParams] = tc.init({"fit": FitParams, "test": TestParams}, argv=["fit"])
assert_type(run.config, FitParams | TestParams)
assert_type(run.command, str | None)

commands: dict[str, type[FitParams] | type[TestParams]] = {"fit": FitParams, "test": TestParams}
assert_type(tc.init(commands), tc.Run[FitParams | TestParams])
assert_type(tc.init(FitParams), tc.Run[FitParams])  # one schema, as before


def every_command(run: tc.Run[FitParams | TestParams]) -> int:
    match run.config:
        case FitParams():
            return run.config.epochs
        case TestParams():
            return len(run.config.checkpoint)
        case _:
            assert_never(run.config)


def a_command_forgotten(run: tc.Run[FitParams | TestParams]) -> int:
    match run.config:
        case FitParams():
            return run.config.epochs
        case _:
            assert_never(run.config)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]


def narrowed_by_isinstance(run: tc.Run[FitParams | TestParams]) -> None:
    if isinstance(run.config, FitParams):
        assert_type(run.config.epochs, int)
    else:
        assert_type(run.config, TestParams)


tc.init({"fit": FitParams, "test": dict})  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
