"""Real argparse and real absl-py flags, in and out of a config."""

from __future__ import annotations

import argparse

import absl.logging  # noqa: F401 - defines absl's own flags (verbosity and the like), which are skipped
import absl_flags_module  # noqa: F401 - defines flags in another module
import pytest
from absl import flags

import typed_config as tc

flags.DEFINE_float("interop_lr", 0.1, "Learning rate.")
flags.DEFINE_string("interop_unset", None, "A flag whose value is None.")
FLAGS = flags.FLAGS


class Optimizer(tc.HyperParams):
    lr: float = tc.Field(default=1e-3, description="Learning rate", gt=0)


class HParams(tc.HyperParams):
    batch_size: int = tc.Field(default=8, description="input batch size for training")
    epochs: int = 1
    use_amp: bool = False
    tags: list[str] = tc.Field(default_factory=list[str])
    optimizer: Optimizer = tc.Field(default_factory=Optimizer)


class FlagParams(tc.HyperParams):
    interop_data_dir: str = ""
    interop_batch_size: int = 0
    interop_lr: float = 0.0
    interop_unset: str = "kept"


def test_an_existing_parser_gets_the_schemas_options() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--gpu", type=int, default=0)
    tc.add_arguments(parser, HParams)
    args = parser.parse_args(
        ["--gpu", "1", "--batch_size", "64", "--optimizer.lr", "1e-2", "--use-amp", "--tags", "a", "b"]
    )
    cfg = tc.init(HParams, argv=[], dir=None, defaults=None).config
    cfg.update(args, exclude=["gpu"])
    assert (cfg.batch_size, cfg.optimizer.lr, cfg.use_amp, cfg.tags) == (64, 0.01, True, ["a", "b"])


def test_options_not_given_stay_none_and_are_not_taken() -> None:
    parser = argparse.ArgumentParser()
    tc.add_arguments(parser, HParams)
    args = parser.parse_args(["--epochs", "3"])
    assert args.batch_size is None
    cfg = HParams()
    cfg.update(args)
    assert (cfg.epochs, cfg.batch_size) == (3, 8)


def test_unreadable_text_is_argparses_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    parser = argparse.ArgumentParser(prog="train.py")
    tc.add_arguments(parser, HParams)
    with pytest.raises(SystemExit):
        parser.parse_args(["--epochs", "[1,"])
    assert "argument --epochs" in capsys.readouterr().err


def test_a_wrong_typed_option_is_a_config_error_naming_the_attribute() -> None:
    parser = argparse.ArgumentParser(prog="train.py")
    tc.add_arguments(parser, HParams)
    args = parser.parse_args(["--epochs", "abc"])
    with pytest.raises(tc.ConfigError) as info:
        HParams().update(args)
    assert str(info.value.problems[0]).startswith("Namespace attribute 'epochs' at ")
    assert str(info.value.problems[0]).endswith(": epochs: Input should be a valid integer (got 'abc')")


def test_help_comes_from_descriptions() -> None:
    parser = argparse.ArgumentParser()
    tc.add_arguments(parser, HParams)
    text = parser.format_help()
    assert "input batch size for training (default: 8)" in text
    assert "optimizer (Optimizer)" in text


def test_a_users_own_parser_folds_dashes_and_reports_strays() -> None:
    # The page's example: -b/--batch-size with dest batch_size, and a non-config --gpu.
    parser = argparse.ArgumentParser()
    parser.add_argument("-b", "--batch-size", type=int, default=8, metavar="N")
    parser.add_argument("--gpu", type=int, default=0)
    args = parser.parse_args(["-b", "32"])
    cfg = HParams()
    with pytest.raises(tc.ConfigError) as info:
        cfg.update(args)
    assert str(info.value.problems[0]).startswith("Namespace attribute 'gpu' at ")
    assert [p.message for p in info.value.problems] == [
        "unknown key; take only the config's attributes with include=[...] or leave this one out with exclude=[...]"
    ]
    cfg.update(args, include=["batch_size"])
    assert cfg.batch_size == 32
    ns = argparse.Namespace(**{"batch-size": 16})
    cfg.update(ns, allow_val_change=True)
    assert cfg.batch_size == 16


def test_init_takes_a_namespace_as_config() -> None:
    args = argparse.Namespace(batch_size=5, epochs=None)
    run = tc.init(HParams, config=args, argv=[], dir=None, defaults=None)
    assert (run.config.batch_size, run.config.epochs) == (5, 1)
    assert str(run.explain("batch_size").chain[-1].origin) == "Namespace attribute 'batch_size'"


def test_absl_flags_update_with_defaults_and_other_modules() -> None:
    FLAGS(["prog", "--interop_lr=0.5"])
    cfg = FlagParams()
    cfg.update(FLAGS, include=["interop_data_dir", "interop_batch_size", "interop_lr", "interop_unset"])
    assert (cfg.interop_data_dir, cfg.interop_batch_size, cfg.interop_lr) == ("/data/x", 128, 0.5)
    assert cfg.interop_unset == "kept"  # a flag whose value is None is not given


def test_absl_own_flags_are_skipped_and_others_are_errors_without_a_selection() -> None:
    FLAGS(["prog"])
    FlagParams().update(FLAGS)  # every flag but absl's own (verbosity, logtostderr, ...) is a key
    cfg = HParams()
    with pytest.raises(tc.ConfigError) as info:
        cfg.update(FLAGS)
    assert {p.key for p in info.value.problems} == {"interop_data_dir", "interop_batch_size", "interop_lr"}
    assert all(str(p.origin).startswith("flag --interop_") for p in info.value.problems)
    cfg.update(FLAGS, exclude=["interop_data_dir", "interop_batch_size", "interop_lr"])
    assert cfg == HParams()


def test_absl_flag_errors_name_the_flag() -> None:
    FLAGS(["prog", "--interop_lr=0.5"])

    class Strict(tc.HyperParams):
        interop_lr: int = 0

    with pytest.raises(tc.ConfigError) as info:
        Strict().update(FLAGS, include=["interop_lr"])
    assert str(info.value.problems[0]).startswith("flag --interop_lr at ")
    assert info.value.problems[0].message == "Input should be a valid integer (got 0.5)"
