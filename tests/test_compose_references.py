"""`${...}` references: resolved after every source merged, typed, validated once, errors positioned."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Annotated, Literal

import pytest
from pydantic import SecretStr

import typed_config as tc


class Data(tc.HyperParams):
    root: str = "/data"
    cache: str = "/cache"
    workers: int = 2


class Adam(tc.HyperParams):
    kind: Literal["adam"] = "adam"
    lr: float = 1e-3


class Sgd(tc.HyperParams):
    kind: Literal["sgd"] = "sgd"
    lr: float = 0.1


class Train(tc.HyperParams):
    epochs: int = 10
    warmup: int = 0
    name: str = "run"
    data: Data = tc.Field(default_factory=Data)
    eval_data: Data = tc.Field(default_factory=Data)
    tags: list[str] = tc.Field(default_factory=list[str])
    token: SecretStr = SecretStr("")
    opt: Annotated[Adam | Sgd, tc.Field(discriminator="kind")] = tc.Field(default_factory=Adam)


class Needs(tc.HyperParams):
    seed: int
    warmup: int = 0


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> str:
    path.write_text(text)
    return path.name


def test_a_later_override_flows_into_a_reference_written_earlier(here: Path) -> None:
    name = write(here / "exp.yaml", "data:\n  cache: ${data.root}/cache\n")
    cfg = tc.load(Train, name, overrides=["--data.root=/scratch"])
    assert cfg.data.cache == "/scratch/cache"


def test_a_lone_reference_keeps_its_type_and_a_mapping_is_copied(here: Path) -> None:
    text = "epochs: 42\nwarmup: ${epochs}\ndata:\n  root: /r\n  workers: 8\neval_data: ${data}\n"
    cfg = tc.load(Train, write(here / "exp.yaml", text))
    assert cfg.warmup == 42
    assert cfg.eval_data == Data(root="/r", workers=8)


def test_relative_references_escapes_and_text_around_references(here: Path) -> None:
    text = "epochs: 3\nname: e${epochs}-\\${x}\ndata:\n  root: /r\n  cache: ${.root}/c\ntags: ['${name}', 'e${..epochs}']\n"
    cfg = tc.load(Train, write(here / "exp.yaml", text))
    assert (cfg.name, cfg.data.cache) == ("e3-${x}", "/r/c")
    assert cfg.tags == ["e3-${x}", "e3"]


def test_a_reference_to_a_schema_default_takes_the_default(here: Path) -> None:
    cfg = tc.load(Train, write(here / "exp.yaml", "warmup: ${data.workers}\nname: lr=${opt.lr}\n"))
    assert (cfg.warmup, cfg.name) == (2, "lr=0.001")


def test_environment_references_with_defaults_are_typed_by_the_field(
    here: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EPOCHS_FROM_ENV", "12")
    monkeypatch.delenv("UNSET_ROOT", raising=False)
    text = "epochs: ${env:EPOCHS_FROM_ENV}\ndata:\n  root: ${env:UNSET_ROOT,/fallback}\n"
    cfg = tc.load(Train, write(here / "exp.yaml", text))
    assert (cfg.epochs, cfg.data.root) == (12, "/fallback")


def test_references_from_every_source_through_init(here: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRAIN_NAME", "n-${epochs}")
    write(here / "config-defaults.yaml", "epochs: 20\n")
    run = tc.init(
        Train,
        config={"data": {"cache": "${data.root}/c"}},
        argv=["--warmup=${epochs}", "--data.root=/s"],
        env_prefix="TRAIN_",
        dir=None,
    )
    assert (run.config.warmup, run.config.name, run.config.data.cache) == (20, "n-20", "/s/c")


def test_explain_and_outputs_show_resolved_values_and_keep_the_reference(here: Path) -> None:
    write(here / "exp.yaml", "data:\n  cache: ${data.root}/cache\n")
    run = tc.init(Train, argv=["--configs", "exp.yaml", "--data.root=/s"], defaults=None, project="p")
    assert str(run.explain("data.cache")).splitlines() == [
        'data.cache = "/s/cache"',
        '  schema default: "/cache"',
        '  exp.yaml:2:10: "${data.root}/cache"',
        '  exp.yaml:2:10: "/s/cache" (interpolated from data.root (--data.root=/s))',
    ]
    assert run.config.to_flat()["data.cache"] == "/s/cache"
    assert run.dir is not None
    assert tc.load(Train, run.dir / "config.yaml").data.cache == "/s/cache"
    assert "cache: /s/cache" in tc.dump_defaults(tc.load(Train, "exp.yaml", overrides=["--data.root=/s"]))
    chain = json.loads((run.dir / "provenance.json").read_text())["data.cache"]
    assert [entry["value"] for entry in chain] == ["/cache", "${data.root}/cache", "/s/cache"]


class Case:
    def __init__(self, text: str, expected: str) -> None:
        self.text, self.expected = text, expected


CASES = {
    "unknown key": Case(
        "warmup: ${epoch}\n", "exp.yaml:1:9: warmup: '${epoch}' names no key; did you mean 'epochs'?"
    ),
    "cycle": Case(
        "warmup: ${epochs}\nepochs: ${warmup}\n",
        "exp.yaml:2:9: epochs: references form a cycle: "
        "warmup (exp.yaml:1:9) -> epochs (exp.yaml:2:9) -> warmup (exp.yaml:1:9)",
    ),
    "a resolver": Case(
        "name: ${oc.env:HOME}\n",
        "exp.yaml:1:7: name: '${oc.env:HOME}' is not a reference: "
        "write ${key}, ${.key} or ${env:NAME[,default]} (no resolvers run code)",
    ),
    "unclosed": Case(
        "name: a${b\n", "exp.yaml:1:7: name: a '${' that is not closed, or a reference inside a reference"
    ),
    "nested": Case(
        "name: ${data.${x}}\n",
        "exp.yaml:1:7: name: a '${' that is not closed, or a reference inside a reference",
    ),
    "invalid resolved value": Case(
        "data:\n  root: /r\nwarmup: ${data.root}\n",
        "exp.yaml:3:9: warmup: Input should be a valid integer (got '/r') "
        "(interpolated from data.root (exp.yaml:2:9))",
    ),
    "a secret": Case(
        "token: abc\nname: ${token}\n",
        "exp.yaml:2:7: name: '${token}' refers to a secret, which only a secret may take",
    ),
    "unset variable": Case(
        "name: ${env:TYPED_CONFIG_SURELY_UNSET}\n",
        "exp.yaml:1:7: name: '${env:TYPED_CONFIG_SURELY_UNSET}': "
        "the environment variable TYPED_CONFIG_SURELY_UNSET is not set",
    ),
}


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_references_are_refused_at_their_position(here: Path, case: Case) -> None:
    with pytest.raises(tc.ConfigError) as info:
        tc.load(Train, write(here / "exp.yaml", case.text))
    assert str(info.value) == case.expected


def test_a_reference_to_a_required_key_nothing_sets_names_both_ends(here: Path) -> None:
    with pytest.raises(tc.ConfigError) as info:
        tc.load(Needs, write(here / "exp.yaml", "warmup: ${seed}\n"))
    assert str(info.value).splitlines()[0] == (
        "exp.yaml:1:9: warmup: '${seed}' refers to seed, a required value that nothing sets"
    )
    assert tc.load(Needs, "exp.yaml", overrides=["--seed=5"]).warmup == 5


def test_the_command_reports_a_bad_reference_with_exit_1(here: Path) -> None:
    write(here / "exp.yaml", "warmup: ${epoch}\n")
    (here / "refs_schema.py").write_text(
        "import typed_config as tc\n\nclass Train(tc.HyperParams):\n    epochs: int = 1\n    warmup: int = 0\n"
    )
    proc = subprocess.run(
        [sys.executable, "-m", "typed_config", "validate", "--schema", "refs_schema:Train", "exp.yaml"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip() == "exp.yaml:1:9: warmup: '${epoch}' names no key; did you mean 'epochs'?"
