"""One contract per job: every source returns its layer and its problems; each rule has one home."""

from __future__ import annotations

import importlib.metadata
import json
import os
from pathlib import Path
from typing import Any

import pytest
from pydantic import Secret, SecretBytes, SecretStr
from pydantic_core import to_jsonable_python

import typed_config as tc
import typed_config.sweep
from typed_config._errors import Problem
from typed_config._keys.values import REDACTED, to_plain
from typed_config._layers.layers import Layer
from typed_config._schema.secrets import redact
from typed_config._sources.argv import argv_layer
from typed_config._sources.dotenv import read_dotenv
from typed_config._sources.env import env_layer
from typed_config._sources.files import file_layer, sweep_param_layer, text_layer
from typed_config._sources.mapping import mapping_layer
from typed_config._sources.secret_files import secret_files_layer


class Optimizer(tc.HyperParams):
    lr: float = 0.1


class HParams(tc.HyperParams):
    epochs: int = 10
    optimizer: Optimizer = Optimizer()
    api_key: SecretStr = SecretStr("none")


# --- every source: (layer, problems), never raised -----------------------------------------------


def _every_source_given_bad_input(tmp_path: Path) -> dict[str, tuple[Layer, list[Problem]]]:
    bad_yaml = tmp_path / "bad.yaml"
    bad_yaml.write_text("epochs: 1\nepochs: 2\n")
    bad_env = tmp_path / ".env"
    bad_env.write_text("TRAIN_EPOCHS=1\nTRAIN_EPOCHS=2\n")
    variables, dotenv_problems = read_dotenv(bad_env, {})
    return {
        "file": file_layer(tmp_path / "missing.yaml"),
        "file duplicate": file_layer(bad_yaml),
        "text": text_layer("lr: 1\nlr: 2\n", "<text>"),
        "sweep parameters": sweep_param_layer(tmp_path / "missing.yaml"),
        "dotenv": (Layer(".env", dict(variables)), dotenv_problems),
        "argv": argv_layer(HParams, ["--epoch=3"])[:2],
        "mapping": mapping_layer({"optimizer": {"l.r": 1}}, "config", lambda key: f"config[{key!r}]"),
        "env": env_layer(HParams, {"TRAIN_EPOCH": "3"}, "TRAIN_"),
        "secret files": secret_files_layer(HParams, tmp_path / "no-such-folder"),
    }


def test_every_source_returns_its_problems_instead_of_raising(tmp_path: Path) -> None:
    read = _every_source_given_bad_input(tmp_path)
    shown = {name: [str(p) for p in problems] for name, (_layer, problems) in read.items()}
    assert shown == {
        "file": [f"{tmp_path / 'missing.yaml'}: cannot read file: No such file or directory"],
        "file duplicate": [f"{tmp_path / 'bad.yaml'}:2:1: epochs: duplicate key (first defined at line 1)"],
        "text": ["<text>:2:1: lr: duplicate key (first defined at line 1)"],
        "sweep parameters": [f"{tmp_path / 'missing.yaml'}: cannot read file: No such file or directory"],
        "dotenv": [f"{tmp_path / '.env'}:2:1: TRAIN_EPOCHS: duplicate name (first defined at line 1)"],
        "argv": ["--epoch=**********: unknown option; did you mean '--epochs'?"],  # the schema has a secret
        "mapping": ["config['optimizer']: optimizer: key 'l.r' contains '.'; nest it as a mapping instead"],
        "env": ["$TRAIN_EPOCH: environment variable names no key; did you mean TRAIN_EPOCHS?"],
        "secret files": [
            f"{tmp_path / 'no-such-folder'}: cannot read the secrets folder: No such file or directory"
        ],
    }
    assert all(isinstance(layer, Layer) and not layer.data for layer, _ in read.values())


def test_a_source_that_reads_well_returns_no_problems(tmp_path: Path) -> None:
    good = tmp_path / "good.yaml"
    good.write_text("epochs: 3\noptimizer:\n  lr: 0.5\n")
    layer, problems = file_layer(good)
    assert (layer.data, problems) == ({"epochs": 3, "optimizer": {"lr": 0.5}}, [])
    layer, problems = argv_layer(HParams, ["--optimizer.lr=0.25"])[:2]
    assert (layer.data, problems) == ({"optimizer": {"lr": 0.25}}, [])


def test_every_problem_of_every_source_is_reported_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("bad.yaml").write_text("epochs: 1\nepochs: 2\n")
    Path(".env").write_text("TRAIN_EPOCHS=1\nTRAIN_EPOCHS=2\n")
    monkeypatch.delenv("TRAIN_EPOCHS", raising=False)
    with pytest.raises(tc.ConfigError) as caught:
        tc.init(
            HParams,
            argv=["--configs", "bad.yaml", "--epoch=3"],
            config={"optimizer": {"l.r": 1}},
            dir=None,
            defaults=None,
            env_prefix="TRAIN_",
            env_file=".env",
        )
    assert str(caught.value).splitlines() == [  # in the order of precedence, the command line last
        "config={...}['optimizer']: optimizer: key 'l.r' contains '.'; nest it as a mapping instead",
        "bad.yaml:2:1: epochs: duplicate key (first defined at line 1)",
        ".env:2:1: TRAIN_EPOCHS: duplicate name (first defined at line 1)",
        "--epoch=**********: unknown option; did you mean '--epochs'?",
    ]


def test_a_dotenv_file_past_the_problem_limit_says_how_many_more(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The .env source once dropped the count of problems past the limit; files always gave it."""
    monkeypatch.chdir(tmp_path)
    Path(".env").write_text("".join(f"TRAIN_X{i}=1\n!bad line {i}\n" for i in range(150)))
    with pytest.raises(tc.ConfigError) as caught:
        tc.init(HParams, argv=[], dir=None, defaults=None, env_prefix="TRAIN_", env_file=".env")
    assert len(caught.value.problems) == 100
    assert caught.value.omitted == 50
    assert str(caught.value).splitlines()[-1] == "... and 50 more problems (only the first 100 are listed)"


# --- one home for each rule ------------------------------------------------------------------------


@pytest.mark.parametrize("secret", [SecretStr("s3cret"), SecretBytes(b"s3cret"), Secret[int](42)])
def test_the_redaction_marker_is_the_one_pydantic_shows(secret: Any) -> None:
    assert to_plain(secret) == REDACTED == to_jsonable_python(secret)
    assert to_plain(secret, reveal=True) in ("s3cret", b"s3cret", 42)


@pytest.mark.parametrize("secret", [SecretStr(""), SecretBytes(b""), Secret[int](0)])
def test_an_empty_secret_is_shown_as_pydantic_shows_it_but_redacted_as_the_marker(secret: Any) -> None:
    """Two rules that disagree: values written out show an empty secret as "", ``redact`` as the marker."""
    assert to_plain(secret) == "" == to_jsonable_python(secret)
    assert redact(type(secret), secret) == REDACTED


def test_the_version_has_one_home(tmp_path: Path) -> None:
    assert tc.__version__ == importlib.metadata.version("typed-config")
    run = tc.init(HParams, argv=[], dir=tmp_path, defaults=None)
    run.finish()
    assert run.dir is not None
    assert json.loads((run.dir / "meta.json").read_text())["typed_config_version"] == tc.__version__


def test_a_dotted_name_is_a_parameter_only_among_parameters(tmp_path: Path) -> None:
    """The loader's option replaces a text pre-pass: dots in keys are read where parameters are named."""
    file = tmp_path / "sweep.yaml"
    file.write_text(
        "method: grid\nmetric:\n  goal.x: minimize\nparameters:\n  optimizer.lr: {values: [0.1]}\n"
        "  optimizer:\n    parameters:\n      lr.x: {value: 1}\n"
    )
    assert [str(p) for p in tc.sweep.check(HParams, file)] == [
        f"{file}:3:3: metric: key 'goal.x' contains '.'; nest it as a mapping instead"
    ]


def test_keys_with_dots_stay_refused_in_ordinary_files(tmp_path: Path) -> None:
    assert [str(p) for p in text_layer("optimizer.lr: 1\n", "c.yaml")[1]] == [
        "c.yaml:1:1: key 'optimizer.lr' contains '.'; nest it as a mapping instead"
    ]
    sweep_params = tmp_path / "params.yaml"
    sweep_params.write_text("optimizer.lr: {value: 0.5}\n_wandb: {value: {1: x}}\n")
    layer, problems = sweep_param_layer(sweep_params)
    assert (layer.data, problems) == ({"optimizer": {"lr": 0.5}}, [])
    assert os.path.exists(sweep_params)


def test_the_integer_bound_is_one_number() -> None:
    from typed_config._yaml.scalars import _INT_BITS, MAX_INT_DIGITS, int_too_big

    assert (10**MAX_INT_DIGITS).bit_length() == _INT_BITS
    assert not int_too_big(10**MAX_INT_DIGITS - 1)
    assert int_too_big(10**MAX_INT_DIGITS)


def test_a_toml_integer_past_pythons_own_limit_has_its_own_message(tmp_path: Path) -> None:
    """Two messages for one bound: tomllib converts integers itself, so Python's limit speaks first."""
    file = tmp_path / "c.toml"
    file.write_text(f"a = {'9' * 4001}\nb = 1\n")
    assert [str(p) for p in file_layer(file)[1]] == [
        f"{file}: a: integer with 4001 digits (the limit is 4000)"
    ]
    file.write_text(f"a = {'9' * 5000}\n")
    assert [str(p) for p in file_layer(file)[1]] == [
        f"{file}: TOML value cannot be read: an integer has too many digits"
    ]
