"""wandb interop with the real wandb package, offline: push, pull, agent commands, files."""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from helpers import not_defaults
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import SecretStr, computed_field
from schemas import HParams
from strategies import YAML_TRAPS, examples

import typed_config as tc
import typed_config.wandb as tcw

wandb = pytest.importorskip("wandb")
from wandb.sdk.launch.sweeps.utils import create_sweep_command_args  # noqa: E402
from wandb.sdk.lib import config_util  # noqa: E402


class Keys(tc.HyperParams):
    name: str = "run"
    api_key: SecretStr = SecretStr("hunter2")
    lr: float = 0.1


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_SILENT", "true")
    monkeypatch.setenv("WANDB_DIR", str(tmp_path))
    monkeypatch.delenv("WANDB_SWEEP_PARAM_PATH", raising=False)
    return tmp_path


def test_import_typed_config_does_not_import_wandb() -> None:
    code = "import sys, typed_config; print('wandb' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def test_a_pushed_config_reads_back_unchanged_from_a_real_offline_run(offline: Path) -> None:
    cfg = HParams(tags=["a"], weights={"x": 0.5}, seed=None, sizes=(3, 4))
    run = wandb.init(project="p", dir=str(offline))
    try:
        tcw.push(cfg)
        stored = dict(run.config)
        assert stored == tcw.to_wandb(cfg)
        assert stored["optimizer"] == {"name": "adam", "lr": 0.001}
        assert stored["sizes"] == [3, 4]
        assert tcw.from_wandb(HParams) == cfg
    finally:
        run.finish()


class Steps(tc.HyperParams):
    steps_per_epoch: int = 100
    epochs: int = 2

    @computed_field  # type: ignore[prop-decorator]
    @property
    def total_steps(self) -> int:
        return self.steps_per_epoch * self.epochs


def test_computed_fields_are_pushed_and_read_back(offline: Path) -> None:
    cfg = Steps(epochs=3)
    run = wandb.init(project="p", dir=str(offline))
    try:
        tcw.push(cfg)
        assert dict(run.config) == {"steps_per_epoch": 100, "epochs": 3, "total_steps": 300}
        assert tcw.from_wandb(Steps) == cfg
    finally:
        run.finish()


def test_secrets_are_never_pushed_in_clear(offline: Path) -> None:
    run = wandb.init(project="p", dir=str(offline), config=tcw.to_wandb(Keys()))
    try:
        assert run.config["api_key"] == "**********"
    finally:
        run.finish()


def test_nested_dicts_and_dotted_keys_from_a_sweep_merge() -> None:
    config = {
        "optimizer": {"name": "sgd"},
        "optimizer.lr": 0.01,
        "_wandb": {"cli_version": "0.31.0"},
        "epochs": 3,
    }
    cfg = tcw.from_wandb(HParams, config)
    assert (cfg.optimizer.name, cfg.optimizer.lr, cfg.epochs) == ("sgd", 0.01, 3)
    same = {"optimizer": {"lr": 0.01}, "optimizer.lr": 0.01}
    assert tcw.from_wandb(HParams, same).optimizer.lr == 0.01


def test_a_real_conflict_between_nested_and_dotted_keys_is_an_error() -> None:
    with pytest.raises(tc.ConfigError) as info:
        tcw.from_wandb(HParams, {"optimizer": {"lr": 0.01}, "optimizer.lr": 0.02})
    assert str(info.value) == (
        "wandb.config['optimizer.lr']: optimizer.lr: wandb.config['optimizer.lr'] gives 0.02, "
        "but wandb.config['optimizer'] gives 0.01"
    )


def test_validation_errors_name_the_wandb_key() -> None:
    with pytest.raises(tc.ConfigError) as info:
        tcw.from_wandb(HParams, {"epochs": "many", "optimizer": {"lr": -1}})
    assert str(info.value).splitlines() == [
        "wandb.config['epochs']: epochs: Input should be a valid integer (got 'many')",
        "wandb.config['optimizer']: optimizer.lr: Input should be greater than 0 (got -1)",
    ]


def test_push_without_a_run_says_so() -> None:
    with pytest.raises(RuntimeError, match=r"call wandb\.init"):
        tcw.push(HParams())


AGENT_COMMAND = {
    "args": {
        "epochs": {"value": 7},
        "use_amp": {"value": False},
        "seed": {"value": None},
        "dataset": {"value": "NO"},
        "tags": {"value": ["a", "b"]},
        "optimizer": {"value": {"name": "sgd", "lr": 0.05}},
        "dropout": {"value": 1e-05},
    }
}


@pytest.mark.parametrize(
    "macro",
    [
        "args",
        "args_no_equals",
        "args_no_hyphens",
        "args_append_hydra",
        "args_override_hydra",
        "args_json",
        "args_no_boolean_flags",
    ],
)
def test_every_form_a_wandb_agent_passes_reaches_the_config(macro: str, offline: Path) -> None:
    argv = create_sweep_command_args(AGENT_COMMAND)[macro]
    # use_amp False and seed None are the schema defaults: they must replace other values to count.
    below = {"use_amp": True, "seed": 3}
    not_defaults(
        HParams, {k: v["value"] for k, v in AGENT_COMMAND["args"].items()}, base="use_amp: true\nseed: 3\n"
    )
    cfg = tc.init(HParams, argv=argv, dir=None, config=below).config
    amp = macro == "args_no_boolean_flags"  # this form leaves a False flag out: the value below stays
    assert (cfg.epochs, cfg.use_amp, cfg.seed, cfg.dataset, cfg.tags) == (7, amp, None, "NO", ["a", "b"])
    assert (cfg.optimizer.name, cfg.optimizer.lr, cfg.dropout) == ("sgd", 0.05, 1e-05)
    argv = create_sweep_command_args({"args": {"use_amp": {"value": True}}})[macro]
    assert tc.init(HParams, argv=argv, dir=None).config.use_amp is True


def test_the_agents_json_file_and_param_file(offline: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    json_file = offline / "config-run1.json"
    json_file.write_text(create_sweep_command_args(AGENT_COMMAND)["args_json"][0])
    cfg = tc.init(HParams, argv=[str(json_file)], dir=None).config
    assert (cfg.epochs, cfg.optimizer.lr) == (7, 0.05)
    param_file = offline / "wandb" / "sweep-x" / "config-run1.yaml"
    config_util.save_config_file_from_dict(
        str(param_file), {**AGENT_COMMAND["args"], "optimizer.name": {"value": "sgd"}}
    )
    monkeypatch.setenv("WANDB_SWEEP_PARAM_PATH", str(param_file))
    run = tc.init(HParams, argv=[], dir=None)
    assert (run.config.epochs, run.config.optimizer.lr, run.config.dataset) == (7, 0.05, "NO")
    with pytest.raises(tc.ConfigError, match="is locked"):
        run.config.epochs = 8  # a sweep's choice: code cannot replace it


def test_a_script_runs_unchanged_under_the_agents_command(offline: Path) -> None:
    script = offline / "train.py"
    here = str(Path(__file__).parent)
    script.write_text(
        f"import sys\nsys.path.insert(0, {here!r})\nimport typed_config as tc\nfrom schemas import HParams\n"
        "cfg = tc.init(HParams, dir=None).config\nprint(cfg.epochs, cfg.optimizer.name, cfg.optimizer.lr)\n"
    )
    for macro in ("args", "args_no_hyphens", "args_json"):
        argv = create_sweep_command_args(AGENT_COMMAND)[macro]
        out = subprocess.run([sys.executable, str(script), *argv], capture_output=True, text=True, check=True)
        assert out.stdout.split() == ["7", "sgd", "0.05"], macro


TRICKY = list(YAML_TRAPS)  # strings YAML 1.1 (wandb's loader) misreads, and worse


# wandb's dict_from_config_file leaves its file open: its ResourceWarning is wandb's, not ours.
_WANDB_LEAKS = [
    pytest.mark.filterwarnings("ignore::ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@_WANDB_LEAKS[0]
@_WANDB_LEAKS[1]
@settings(
    max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    name=st.sampled_from(TRICKY) | st.text(st.characters(exclude_categories=("Cs",)), max_size=20),
    lr=st.floats(min_value=1e-12, max_value=1e12) | st.sampled_from([1e-5, 1e20, 0.1, 100.0]),
    tags=st.lists(st.sampled_from(TRICKY), max_size=3),
)
def test_our_defaults_file_loads_the_same_in_wandbs_own_loader(
    tmp_path: Path, name: str, lr: float, tags: list[str]
) -> None:
    cfg = HParams(dataset=name, dropout=lr, tags=tags)
    path = tmp_path / "config-defaults.yaml"
    tc.dump_defaults(cfg, path)
    theirs = config_util.dict_from_config_file(str(path))
    assert theirs is not None
    assert tc.flatten(theirs) == cfg.to_flat()
    assert tc.load(HParams, path) == cfg


@_WANDB_LEAKS[0]
@_WANDB_LEAKS[1]
def test_a_config_yaml_as_wandb_keeps_it_validates_with_the_right_types(tmp_path: Path) -> None:
    path = tmp_path / "config.yaml"
    values: dict[str, Any] = {"epochs": 4, "optimizer": {"lr": 1e-05, "name": "sgd"}, "dataset": "NO"}
    wrapped = {k: {"desc": None, "value": v} for k, v in values.items()}
    wrapped["_wandb"] = {"desc": None, "value": {"cli_version": "0.31.0", "t": {1: [1, 55], 2: [1, 55]}}}
    config_util.save_config_file_from_dict(str(path), wrapped)
    path.write_text(path.read_text().replace("1.0e-05", "1e-05"))  # as wandb-core writes it
    assert config_util.dict_from_config_file(str(path))["optimizer"]["lr"] == "1e-05"  # a string to wandb
    cfg = tc.load(HParams, path)
    assert (cfg.epochs, cfg.optimizer.lr, cfg.dataset) == (4, 1e-05, "NO")
    assert not math.isnan(cfg.optimizer.lr)


@_WANDB_LEAKS[0]
@_WANDB_LEAKS[1]
def test_the_shipped_example_defaults_file_reads_in_wandbs_loader() -> None:
    path = Path(__file__).parent.parent / "examples" / "config-defaults.yaml"
    theirs = config_util.dict_from_config_file(str(path))
    assert theirs is not None
    assert theirs["optimizer"] == {"name": "adam", "lr": 0.0003}
