"""Cross-field checks (model and field validators) report every value they involve, where a source set it."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from pydantic import ValidationInfo, field_validator, model_validator
from typing_extensions import Self

import typed_config as tc


class Schedule(tc.HyperParams):
    warmup: int = 0
    total: int = 10
    decay: float = 0.9

    @model_validator(mode="after")
    def _warmup_fits(self) -> Self:
        if self.warmup > self.total:
            raise ValueError(f"warmup ({self.warmup}) must not exceed total ({self.total})")
        return self


class Train(tc.HyperParams):
    lr: float = 0.1
    min_lr: float = 0.0
    schedule: Schedule = Schedule()

    @field_validator("min_lr")
    @classmethod
    def _below_lr(cls, value: float, info: ValidationInfo) -> float:
        if value > info.data.get("lr", 0.0):
            raise ValueError("min_lr must be below lr")
        return value

    @model_validator(mode="after")
    def _odd_pair(self) -> Self:
        if self.schedule.decay == 0.5 and self.lr == 0.5:  # names neither key
            raise ValueError("this pair of values is refused")
        return self


CASES = [
    pytest.param(
        "schedule:\n  total: 5\n  warmup: 8\n",
        [],
        [
            "train.yaml:2:10: schedule.total: Value error, warmup (8) must not exceed total (5) (got 5)",
            "train.yaml:3:11: schedule.warmup: Value error, warmup (8) must not exceed total (5) (got 8)",
        ],
        id="nested-model-check-in-a-file",
    ),
    pytest.param(
        "schedule:\n  total: 5\n",
        ["--schedule.warmup=8"],
        [
            "train.yaml:2:10: schedule.total: Value error, warmup (8) must not exceed total (5) (got 5)",
            "--schedule.warmup=8: schedule.warmup: Value error, warmup (8) must not exceed total (5) (got 8)",
        ],
        id="file-and-argument",
    ),
    pytest.param(
        "lr: 0.01\n",
        ["--min-lr", "0.05"],
        [
            "train.yaml:1:5: lr: Value error, min_lr must be below lr (got 0.01)",
            "--min-lr 0.05: min_lr: Value error, min_lr must be below lr (got 0.05)",
        ],
        id="field-check-reading-another-field",
    ),
    pytest.param(
        "lr: 0.5\nschedule:\n  decay: 0.5\n",
        [],
        [
            "train.yaml:1:5: lr: Value error, this pair of values is refused (got 0.5)",
            "train.yaml:3:10: schedule.decay: Value error, this pair of values is refused (got 0.5)",
        ],
        id="message-names-no-key-all-set-keys",
    ),
]


@pytest.mark.parametrize(("text", "argv", "expected"), CASES)
def test_a_failed_check_is_reported_at_each_value_it_involves(
    text: str, argv: list[str], expected: list[str], tmp_path: Path
) -> None:
    path = tmp_path / "train.yaml"
    path.write_text(text)
    with pytest.raises(tc.ConfigError) as caught:
        tc.load(Train, path, overrides=argv)
    assert str(caught.value).replace(str(tmp_path) + "/", "").splitlines() == expected


def test_a_check_failing_on_values_from_code_and_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAIN_SCHEDULE__WARMUP", "30")
    with pytest.raises(tc.ConfigError) as caught:
        tc.init(Train, argv=[], dir=None, env_prefix="TRAIN_", config={"schedule": {"total": 20}})
    assert str(caught.value).splitlines() == [
        "config={...}['schedule']: schedule.total: Value error, warmup (30) must not exceed total (20) (got 20)",
        "$TRAIN_SCHEDULE__WARMUP: schedule.warmup: Value error, warmup (30) must not exceed total (20) (got 30)",
    ]
    cfg = Train()
    with pytest.raises(tc.ConfigError) as caught:
        cfg.update({"schedule.warmup": 12})
    assert [p.key for p in caught.value.problems] == ["schedule.total", "schedule.warmup"]
    assert "update({...})['schedule.warmup'] at " in str(caught.value.problems[1].origin)


class Quiet(tc.HyperParams):
    lr: float = 0.1
    min_lr: float = 0.0
    seed: int = 0
    batch: int = 8
    accumulate: int = 1

    @field_validator("min_lr")
    @classmethod
    def _below(cls, value: float, info: ValidationInfo) -> float:
        if value > info.data.get("lr", 0.0):
            raise ValueError("too large")  # names no key: the code shows it reads lr
        return value

    @model_validator(mode="after")
    def _fits(self) -> Self:
        if self.batch * self.accumulate > 64:
            raise ValueError("the effective batch is too large")
        return self


def test_the_keys_a_validator_reads_are_found_in_its_code_when_the_message_names_none() -> None:
    with pytest.raises(tc.ConfigError) as caught:
        tc.load(Quiet, overrides=["--seed=3", "--lr=0.01", "--min_lr=0.02"])
    assert str(caught.value).splitlines() == [
        "--min_lr=0.02: min_lr: Value error, too large (got 0.02)",
        "--lr=0.01: lr: Value error, too large (got 0.01)",
    ]
    with pytest.raises(tc.ConfigError) as caught:
        tc.load(Quiet, overrides=["--seed=3", "--batch=16", "--accumulate=8"])
    assert [p.key for p in caught.value.problems] == ["batch", "accumulate"]  # not seed


def test_defaults_that_fail_their_own_check_are_named_as_defaults() -> None:
    class Broken(tc.HyperParams):
        warmup: int = 9
        total: int = 3
        seed: int = 0

        @model_validator(mode="after")
        def _fits(self) -> Self:
            if self.warmup > self.total:
                raise ValueError("warmup must not exceed total")
            return self

    with pytest.raises(tc.ConfigError) as caught:
        tc.load(Broken)
    assert str(caught.value) == "the defaults of Broken: Value error, warmup must not exceed total"
    with pytest.raises(tc.ConfigError) as caught:
        tc.load(Broken, overrides=["--seed=4"])  # names no key it set: reported at every key set
    assert str(caught.value) == "--seed=4: seed: Value error, warmup must not exceed total (got 4)"


def test_the_validate_command_prints_the_positions(tmp_path: Path) -> None:
    (tmp_path / "hp.py").write_text(
        textwrap.dedent(
            """
            from typing_extensions import Self
            from pydantic import model_validator
            import typed_config as tc

            class Train(tc.HyperParams):
                warmup: int = 0
                total: int = 10

                @model_validator(mode="after")
                def _fits(self) -> Self:
                    if self.warmup > self.total:
                        raise ValueError("warmup must not exceed total")
                    return self
            """
        )
    )
    (tmp_path / "run.yaml").write_text("# a run\nwarmup: 50\n")
    done = subprocess.run(
        [sys.executable, "-m", "typed_config", "validate", "run.yaml", "--schema", "hp.py:Train"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == "run.yaml:2:9: warmup: Value error, warmup must not exceed total (got 50)\n"
