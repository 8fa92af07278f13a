"""Error-message quality: bad input from every source, the exact lines a user reads.

Each row is one bad input and every line its ConfigError prints: the origin (file:line:col,
argument, dict entry, attribute, flag, variable or code line), the key, the message, a suggestion
where one helps, and the offending value shown escaped and cut. Code lines are written ``HERE``.
"""

from __future__ import annotations

import argparse
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from absl import flags
from schemas import HParams, Optimizer

import typed_config as tc

_FLAGS = flags.FlagValues()
flags.DEFINE_integer("epochs", 3, "Epochs.", flag_values=_FLAGS)
flags.DEFINE_string("gpu_name", "a100", "Not a hyperparameter.", flag_values=_FLAGS)
flags.DEFINE_string("dataset", "x", "Dataset.", flag_values=_FLAGS)
_FLAGS(["prog", "--epochs=7"])


class Strict(tc.HyperParams):
    dataset: int = 0


HINT = "take only the config's attributes with include=[...] or leave this one out with exclude=[...]"
BOMB = (
    "[&a [x,x,x,x,x,x,x,x,x,x],"
    + ",".join(f"&{n} [{','.join([f'*{p}'] * 10)}]" for p, n in zip("abcdefg", "bcdefgh", strict=True))
    + "]"
)


def start(argv: list[str] | None = None, **kwargs: Any) -> None:
    tc.init(HParams, argv=argv or [], dir=None, defaults=None, **kwargs)


def text(yaml: str) -> Callable[[], object]:
    return lambda: tc.loads(HParams, yaml, "run.yaml")


def update(source: object, **kwargs: Any) -> Callable[[], None]:
    return lambda: HParams().update(source, **kwargs)


def obj(**attributes: Any) -> object:
    instance = type("Settings", (), {})()
    instance.__dict__.update(attributes)
    return instance


def assign(key: str, value: Any) -> Callable[[], None]:
    def go() -> None:
        HParams()[key] = value

    return go


def changed_after_init(**kwargs: Any) -> Callable[[], None]:
    def go() -> None:
        run = tc.init(HParams, argv=["--epochs=3"], dir=None, defaults=None, config={"dropout": 0.1})
        run.config.update(kwargs)

    return go


CASES: list[tuple[str, Callable[[], object], list[str]]] = [
    # --- files and text ---------------------------------------------------------------------
    (
        "yaml type",
        text("epochs: ten\n"),
        ["run.yaml:1:9: epochs: Input should be a valid integer (got 'ten')"],
    ),
    (
        "yaml bool for int",
        text("epochs: true\n"),
        ["run.yaml:1:9: epochs: Input should be a valid integer (got True)"],
    ),
    (
        "yaml float for int",
        text("batch_size: 10.5\n"),
        ["run.yaml:1:13: batch_size: Input should be a valid integer (got 10.5)"],
    ),
    (
        "yaml quoted int",
        text('epochs: "32"\n'),
        ["run.yaml:1:9: epochs: Input should be a valid integer (got '32')"],
    ),
    (
        "yaml null",
        text("epochs: null\n"),
        ["run.yaml:1:9: epochs: Input should be a valid integer (got None)"],
    ),
    ("yaml unknown", text("epchs: 3\n"), ["run.yaml:1:1: epchs: unknown key; did you mean 'epochs'?"]),
    (
        "yaml nested unknown",
        text("optimizer:\n  rl: 0.1\n"),
        ["run.yaml:2:3: optimizer.rl: unknown key; did you mean 'lr'?"],
    ),
    (
        "yaml duplicate",
        text("epochs: 1\nepochs: 2\n"),
        ["run.yaml:2:1: epochs: duplicate key (first defined at line 1)"],
    ),
    (
        "yaml tag",
        text("epochs: !!python/object/apply:os.system [ls]\n"),
        ["run.yaml:1:9: epochs: tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed"],
    ),
    (
        "yaml dotted key",
        text("optimizer.lr: 0.1\n"),
        ["run.yaml:1:1: key 'optimizer.lr' contains '.'; nest it as a mapping instead"],
    ),
    ("yaml int key", text("1: a\n"), ["run.yaml:1:1: keys must be strings, got int 1"]),
    (
        "yaml list top",
        text("- 1\n"),
        ["run.yaml:1:1: the top level must be a mapping of keys to values, not a sequence"],
    ),
    (
        "yaml two documents",
        text("a: 1\n---\nb: 2\n"),
        ["run.yaml:2:1: YAML syntax error: a config file holds one YAML document; a second one starts here"],
    ),
    (
        "yaml syntax",
        text("epochs: [1,\n"),
        ["run.yaml:2:1: YAML syntax error: did not find expected node content (while parsing a flow node)"],
    ),
    (
        "yaml alias bomb",
        text("x: " + BOMB + "\n"),
        ["run.yaml:1:135: aliases expand this document by more than 100000 nodes (an alias bomb?)"],
    ),
    (
        "yaml literal",
        text("optimizer: {name: rmsprop}\n"),
        ["run.yaml:1:19: optimizer.name: Input should be 'adam' or 'sgd' (got 'rmsprop')"],
    ),
    (
        "yaml gt",
        text("optimizer:\n  lr: 0\n"),
        ["run.yaml:2:7: optimizer.lr: Input should be greater than 0 (got 0)"],
    ),
    (
        "yaml list item",
        text("schedule:\n  - epoch: x\n"),
        ["run.yaml:2:12: schedule[0].epoch: Input should be a valid integer (got 'x')"],
    ),
    (
        "yaml wrapper value",
        text("epochs:\n  desc: Epochs\n  value: many\n"),
        ["run.yaml:3:10: epochs: Input should be a valid integer (got 'many')"],
    ),
    (
        "yaml desc-only typo",
        text("epchs:\n  desc: typo\n"),
        ["run.yaml:1:1: epchs: unknown key; did you mean 'epochs'?"],
    ),
    (
        "yaml control character",
        text('epochs: "a\\x1b[31mb"\n'),
        ["run.yaml:1:9: epochs: Input should be a valid integer (got 'a\\x1b[31mb')"],
    ),
    (
        "yaml long value",
        text("epochs: " + "x" * 200 + "\n"),
        ["run.yaml:1:9: epochs: Input should be a valid integer (got '" + "x" * 76 + "...)"],
    ),
    (
        "yaml NUL",
        lambda: tc.loads(HParams, b"epochs: 1\x00\n", "run.yaml"),
        ["run.yaml:1:10: NUL character is not allowed"],
    ),
    (
        "yaml bad utf-8",
        lambda: tc.loads(HParams, b"dataset: \xff\n", "run.yaml"),
        ["run.yaml:1:10: invalid UTF-8 byte 0xff"],
    ),
    (
        "yaml several problems",
        text("epochs: x\nbatch_size: y\noptimzer: {}\n"),
        [
            "run.yaml:1:9: epochs: Input should be a valid integer (got 'x')",
            "run.yaml:2:13: batch_size: Input should be a valid integer (got 'y')",
            "run.yaml:3:1: optimzer: unknown key; did you mean 'optimizer'?",
        ],
    ),
    # --- dicts passed by code ---------------------------------------------------------------
    (
        "dict type",
        lambda: start(config={"epochs": "ten"}),
        ["config={...}['epochs']: epochs: Input should be a valid integer (got 'ten')"],
    ),
    (
        "dict unknown",
        lambda: start(config={"epoch": 3}),
        ["config={...}['epoch']: epoch: unknown key; did you mean 'epochs'?"],
    ),
    (
        "dict nested unknown",
        lambda: start(config={"optimizer": {"rl": 0.1}}),
        ["config={...}['optimizer']: optimizer.rl: unknown key; did you mean 'lr'?"],
    ),
    (
        "dict dotted deep key",
        lambda: start(config={"weights": {"a.b": 1}}),
        ["config={...}['weights']: weights: key 'a.b' contains '.'; nest it as a mapping instead"],
    ),
    ("dict int key", lambda: start(config={1: 2}), ["config={...}: keys must be strings, got int 1"]),
    (
        "dict collision",
        lambda: start(config={"optimizer": {"lr": 1.0}, "optimizer.lr": 2.0}),
        ["config={...}['optimizer.lr']: optimizer.lr: is also set by config={...}['optimizer']"],
    ),
    (
        "dict enum",
        lambda: start(config={"color": "blue"}),
        ["config={...}['color']: color: Input should be 'red' or 'green' (got 'blue')"],
    ),
    (
        "dict union tag",
        lambda: start(config={"opt": {"kind": "rms"}}),
        [
            "config={...}['opt']: opt: Input tag 'rms' found using 'kind' does not match any of the expected tags: 'adam', 'sgd' (got {'kind': 'rms'})"
        ],
    ),
    (
        "dict union variant key",
        lambda: start(config={"opt": {"kind": "sgd", "beta1": 0.5}}),
        ["config={...}['opt']: opt.beta1: unknown key"],
    ),
    (
        "dict tuple item",
        lambda: start(config={"sizes": [1, "two"]}),
        ["config={...}['sizes']: sizes[1]: Input should be a valid integer (got 'two')"],
    ),
    (
        "dict date",
        lambda: start(config={"start": "yesterday"}),
        [
            "config={...}['start']: start: Input should be a valid date in the format YYYY-MM-DD, input is too short (got 'yesterday')"
        ],
    ),
    (
        "dict string for list",
        lambda: start(config={"tags": "a,b"}),
        ["config={...}['tags']: tags: Input should be a valid array (got 'a,b')"],
    ),
    (
        "from_flat collision",
        lambda: HParams.from_flat({"optimizer": {"lr": 1}, "optimizer.lr": 2}),
        ["from_flat()['optimizer.lr']: optimizer.lr: is also set by from_flat()['optimizer']"],
    ),
    (
        "unflatten collision",
        lambda: tc.unflatten({"a": 1, "a.b": 2}),
        ["unflatten() argument: a.b: collides with key 'a'"],
    ),
    (
        "unflatten empty segment",
        lambda: tc.unflatten({"a..b": 1}),
        ["unflatten() argument: a..b: key 'a..b' has an empty segment"],
    ),
    (
        "flatten dotted key",
        lambda: tc.flatten({"a": {"b.c": 1}}),
        ["flatten() argument: a: key 'b.c' contains '.'; nest it as a mapping instead"],
    ),
    # --- argparse Namespace, absl flags, objects, models --------------------------------------
    (
        "namespace type",
        update(argparse.Namespace(epochs="many")),
        ["Namespace attribute 'epochs' at HERE: epochs: Input should be a valid integer (got 'many')"],
    ),
    (
        "namespace stray",
        update(argparse.Namespace(gpu=1)),
        [f"Namespace attribute 'gpu' at HERE: gpu: unknown key; {HINT}"],
    ),
    (
        "namespace typo",
        update(argparse.Namespace(**{"batch-sise": 2})),
        ["Namespace attribute 'batch-sise' at HERE: batch-sise: unknown key; did you mean 'batch_size'?"],
    ),
    (
        "namespace nested",
        update(argparse.Namespace(**{"optimizer.lr": -1.0})),
        [
            "Namespace attribute 'optimizer.lr' at HERE: optimizer.lr: Input should be greater than 0 (got -1.0)"
        ],
    ),
    (
        "absl stray flag",
        update(_FLAGS, exclude=["dataset"]),
        [f"flag --gpu_name at HERE: gpu_name: unknown key; {HINT}"],
    ),
    (
        "absl flag type",
        lambda: Strict().update(_FLAGS, include=["dataset"]),
        ["flag --dataset at HERE: dataset: Input should be a valid integer (got 'x')"],
    ),
    (
        "object attribute",
        update(obj(epochs="x")),
        ["Settings attribute 'epochs' at HERE: epochs: Input should be a valid integer (got 'x')"],
    ),
    (
        "model at the wrong level",
        update(Optimizer(name="sgd")),
        [f"Optimizer field 'name' at HERE: name: unknown key; {HINT}"],
    ),
    # --- command line -------------------------------------------------------------------------
    (
        "argv type",
        lambda: start(["--epochs=x"]),
        ["--epochs=x: epochs: Input should be a valid integer (got 'x')"],
    ),
    (
        "argv spaced type",
        lambda: start(["--epochs", "x"]),
        ["--epochs x: epochs: Input should be a valid integer (got 'x')"],
    ),
    ("argv unknown", lambda: start(["--epoch=3"]), ["--epoch=3: unknown option; did you mean '--epochs'?"]),
    (
        "argv unknown nested",
        lambda: start(["--optimizer.nam=sgd"]),
        ["--optimizer.nam=sgd: unknown option; did you mean '--optimizer.name'?"],
    ),
    ("argv no value", lambda: start(["--epochs"]), ["--epochs: epochs: expected a value"]),
    (
        "argv no list values",
        lambda: start(["--tags", "--epochs=1"]),
        ["--tags: tags: expected one or more values"],
    ),
    (
        "argv twice",
        lambda: start(["--epochs=1", "--epochs=2"]),
        ["--epochs=2: epochs: is also set by --epochs=1"],
    ),
    ("argv stray word", lambda: start(["train"]), ["train: unexpected argument"]),
    (
        "argv bad flow",
        lambda: start(["--tags=[a"]),
        [
            "--tags=[a: tags: cannot read the value: did not find expected ',' or ']' (while parsing a flow sequence)"
        ],
    ),
    (
        "argv bool",
        lambda: start(["--use-amp=maybe"]),
        ["--use-amp=maybe: use_amp: Input should be a valid boolean (got 'maybe')"],
    ),
    (
        "argv negated non-bool",
        lambda: start(["--no-epochs"]),
        ["--no-epochs: unknown option; did you mean '--epochs'?"],
    ),
    (
        "argv literal",
        lambda: start(["--optimizer.name=adamw"]),
        ["--optimizer.name=adamw: optimizer.name: Input should be 'adam' or 'sgd' (got 'adamw')"],
    ),
    (
        "argv gt",
        lambda: start(["--optimizer.lr=-1e-3"]),
        ["--optimizer.lr=-1e-3: optimizer.lr: Input should be greater than 0 (got -0.001)"],
    ),
    (
        "argv agent json",
        lambda: start(['{"epochs": "x"}']),
        ["{\"epochs\": \"x\"}['epochs']: epochs: Input should be a valid integer (got 'x')"],
    ),
    (
        "argv agent no hyphens",
        lambda: start(["epochs=x"]),
        ["epochs=x: epochs: Input should be a valid integer (got 'x')"],
    ),
    (
        "argv configs without file",
        lambda: start(["--configs"]),
        ["--configs: expected one or more config files"],
    ),
    (
        "argv configs missing file",
        lambda: start(["--configs", "nope.yaml"]),
        ["nope.yaml: cannot read file: No such file or directory"],
    ),
    (
        "argv mapping for a model",
        lambda: start(["--optimizer={lr: x}"]),
        ["--optimizer={lr: x}: optimizer.lr: Input should be a valid number (got 'x')"],
    ),
    (
        "argv alias bomb",
        lambda: start(["--tags=" + BOMB]),
        [
            ("--tags=" + BOMB)[:117]
            + "...: tags: cannot read the value: aliases expand this document by more than 100000 nodes "
            "(an alias bomb?)"
        ],
    ),
    # --- environment ------------------------------------------------------------------------
    (
        "env unknown",
        lambda: start(env_prefix="MSG_T1_", env_strict=True),
        ["$MSG_T1_EPOCSH: environment variable names no key; did you mean MSG_T1_EPOCHS?"],
    ),
    (
        "env type",
        lambda: start(env_prefix="MSG_T2_"),
        ["$MSG_T2_OPTIMIZER__LR: optimizer.lr: Input should be a valid number (got 'fast')"],
    ),
    # --- changing values ----------------------------------------------------------------------
    (
        "assign type",
        lambda: setattr(HParams(), "batch_size", "big"),
        ["assignment at HERE: batch_size: Input should be a valid integer (got 'big')"],
    ),
    (
        "assign unknown",
        lambda: setattr(HParams(), "bach_size", 1),
        ["assignment at HERE: bach_size: unknown key; did you mean 'batch_size'?"],
    ),
    (
        "item nested",
        assign("optimizer.lr", "fast"),
        ["assignment at HERE: optimizer.lr: Input should be a valid number (got 'fast')"],
    ),
    (
        "value already set",
        changed_after_init(dropout=0.2),
        [
            "update({...})['dropout'] at HERE: dropout: already set to 0.1 by config={...}['dropout']; changing it to 0.2 needs allow_val_change=True"
        ],
    ),
    (
        "locked value",
        changed_after_init(epochs=4),
        [
            "update({...})['epochs'] at HERE: epochs: is locked: --epochs=3 set it (a command-line or sweep value); code cannot change it"
        ],
    ),
    # --- run folders --------------------------------------------------------------------------
    (
        "unknown run",
        lambda: tc.Api(root="runs").run("p/nope"),
        ["runs: no stored run 'p/nope' (looked in runs/PROJECT/RUN_ID and for a run folder)"],
    ),
    (
        "resume nothing",
        lambda: tc.init(HParams, argv=[], dir="runs", project="p", resume="nope"),
        ["runs/p: no stored run 'nope' to resume"],
    ),
]


@pytest.fixture(autouse=True)
def _environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("MSG_T1_EPOCSH", "3")
    monkeypatch.setenv("MSG_T2_OPTIMIZER__LR", "fast")


def test_the_table_is_large_and_covers_every_source() -> None:
    assert len(CASES) >= 60
    names = " ".join(name for name, _, _ in CASES)
    for source in ("yaml", "dict", "namespace", "absl", "object", "argv", "env", "assign", "run"):
        assert source in names


@pytest.mark.parametrize(("name", "thunk", "expected"), CASES, ids=[c[0] for c in CASES])
def test_the_message_a_user_reads(name: str, thunk: Callable[[], object], expected: list[str]) -> None:
    del name
    with pytest.raises(tc.ConfigError) as info:
        thunk()
    here = re.escape(os.path.abspath(__file__)) + r":\d+"
    lines = [re.sub(here, "HERE", line) for line in str(info.value).splitlines()]
    assert lines == expected
