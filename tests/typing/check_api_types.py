"""Static types of the public API: type-checked by mypy and pyright (strict), never executed.

Positive cases use ``assert_type``; negative cases carry both ``# type: ignore[code]`` (mypy) and
``# pyright: ignore[rule]`` (pyright), and both checkers report an ignore that is not needed, so
each negative line must really be an error for both.
"""

from __future__ import annotations

from typing import Any, Literal

from typing_extensions import assert_type

import typed_config as tc


class Optimizer(tc.HyperParams):
    name: Literal["adam", "sgd"] = "adam"
    lr: float = tc.Field(default=1e-3, description="Learning rate", gt=0)


class HParams(tc.HyperParams):
    epochs: int = tc.Field(default=100, description="Number of epochs to train over")
    batch_size: int = tc.Field(default=32, description="Size of each mini-batch")
    dropout: float = 0.5
    tags: list[str] = tc.Field(default_factory=list)
    seed: int | None = None
    optimizer: Optimizer = Optimizer()
    dataset: str = tc.Field(default="ab131", description="Dataset identifier")


# --- construction and field access ----------------------------------------------------------------

cfg = HParams()  # a bare call: every field has a default (pyright sees Field(default=...))
assert_type(cfg, HParams)
assert_type(HParams(epochs=4, optimizer=Optimizer(lr=0.1)), HParams)
assert_type(cfg.epochs, int)
assert_type(cfg.dropout, float)
assert_type(cfg.tags, list[str])
assert_type(cfg.seed, int | None)
assert_type(cfg.optimizer, Optimizer)
assert_type(cfg.optimizer.lr, float)
assert_type(cfg.optimizer.name, Literal["adam", "sgd"])
assert_type(cfg.dataset, str)

for epoch in range(cfg.epochs):  # the story in DESIGN.md: an int to both checkers
    assert_type(epoch, int)

cfg.epochs = 4
cfg.optimizer.lr = 0.01
cfg.optimizer.name = "sgd"
cfg.seed = None

# --- dot-key access ----------------------------------------------------------------------------

assert_type(cfg["optimizer.lr"], Any)
cfg["optimizer.lr"] = 0.1
assert_type("optimizer.lr" in cfg, bool)
assert_type(cfg == HParams(), bool)

# --- flat dicts and fingerprints -----------------------------------------------------------------

assert_type(cfg.to_flat(), dict[str, Any])
assert_type(HParams.from_flat({"epochs": 4, "optimizer.lr": 0.1}), HParams)
assert_type(Optimizer.from_flat({"lr": 0.1}), Optimizer)
assert_type(tc.flatten(cfg), dict[str, Any])
assert_type(tc.flatten({"optimizer": {"lr": 0.1}}), dict[str, Any])
assert_type(tc.unflatten({"optimizer.lr": 0.1}), dict[str, Any])
assert_type(cfg.fingerprint(), str)
assert_type(tc.fingerprint(cfg), str)
assert_type(tc.fingerprint({"optimizer.lr": 0.1}), str)

# --- load, loads, dump_defaults ------------------------------------------------------------------

assert_type(tc.load(HParams, "x.yaml"), HParams)
assert_type(tc.load(HParams), HParams)
assert_type(tc.load(HParams, "a.yaml", "b.yaml", overrides=["--optimizer.lr=0.01"]), HParams)
assert_type(tc.load(HParams, overrides={"optimizer.lr": 0.01}), HParams)
assert_type(tc.load(Optimizer, "x.yaml"), Optimizer)
assert_type(tc.loads(HParams, "epochs: 4\n"), HParams)
assert_type(tc.loads(HParams, b"epochs: 4\n", source="inline.yaml"), HParams)
assert_type(tc.loads(HParams, "", overrides=["--epochs=3"]), HParams)
assert_type(tc.dump_defaults(HParams), str)
assert_type(tc.dump_defaults(cfg), str)
assert_type(tc.dump_defaults(cfg, "config-defaults.yaml"), str)

# --- errors --------------------------------------------------------------------------------------

try:
    tc.load(HParams, "x.yaml")
except tc.ConfigError as error:
    assert_type(error.problems, tuple[tc.Problem, ...])
    for problem in error.problems:
        assert_type(problem.key, str | None)
        assert_type(problem.message, str)
        assert_type(problem.origin, tc.Origin)
        assert_type(problem.origin.line, int | None)

# --- runs ----------------------------------------------------------------------------------------

run = tc.init(HParams)
assert_type(run, tc.Run[HParams])
assert_type(run.config, HParams)
assert_type(tc.init(HParams).config.optimizer.lr, float)
assert_type(tc.init(HParams, argv=["--epochs=3"], dir=None, config={"epochs": 3}).config.epochs, int)
assert_type(run.explain("optimizer.lr"), tc.Explanation)
assert_type(run.unknown_args, list[str])
run.config.update({"epochs": 3}, allow_val_change=True)
run.config.setdefaults({"seed": 1})
run.finish()
with tc.init(HParams) as managed:
    assert_type(managed, tc.Run[HParams])
stored = tc.Api().run("project/run_id", schema=HParams)
assert_type(stored, tc.StoredRun[HParams])
assert_type(stored.typed, HParams)
assert_type(stored.typed.optimizer.lr, float)
assert_type(tc.Api(root="runs").run("project/run_id"), tc.StoredRun[Any])
stored.config["optimizer.lr"] = 0.1
stored.update()
assert_type(tc.Api().runs("project", filter={"optimizer.name": "adam"}), tc.RunList)
listed: list[tc.StoredRun[Any]] = tc.Api().runs("project", schema=HParams)
assert_type(listed[0].config, tc.StoredConfig)
assert_type(tc.Api().runs("project").problems, tuple[tc.Problem, ...])

# --- negative cases: each line is an error for both checkers --------------------------------------

cfg.epochs = "x"  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]
cfg.optimizer.lr = "fast"  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]
cfg.optimizer.name = "rmsprop"  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]
cfg.seed = 1.5  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]
wrong: str = cfg.epochs  # type: ignore[assignment]  # pyright: ignore[reportAssignmentType]
cfg.epochz = 3  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
cfg.optimizer.lrr = 0.1  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue]
cfg.epoch  # type: ignore[attr-defined]  # pyright: ignore[reportAttributeAccessIssue, reportUnknownMemberType]
HParams(epoch=4)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
tc.load(int, "x")  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]
tc.loads(HParams, 4)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
tc.load(HParams, overrides=4)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
tc.flatten([1, 2])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
tc.unflatten([("a", 1)])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
tc.dump_defaults(dict)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
HParams.from_flat(["epochs"])  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
HParams.to_flat()  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
tc.init(Optimizer, argv=4)  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
tc.init(dict)  # type: ignore[type-var]  # pyright: ignore[reportArgumentType]
run.config.epochs = "x"  # type: ignore[assignment]  # pyright: ignore[reportAttributeAccessIssue]

# Many runs: the results carry the schema's type.
launched = tc.launch(HParams, None, ["python", "train.py"], grid={"epochs": [1, 2]}, backend=tc.Local(jobs=2))
assert_type(launched, tc.LaunchResult[HParams])
assert_type(launched.runs[0].config, HParams)
assert_type(launched.runs[0].status, str)
assert_type(launched.runs[0].exit_code, int | None)
assert_type(launched.ok, bool)
tc.launch(HParams, None, ["python"], backend=tc.Slurm(partition="gpu", max_parallel=4))
tc.launch(HParams, "sweep.yaml", ["python"], backend=tc.Ray(num_gpus=1))
tc.launch(HParams, None, ["python"], backend="local")  # type: ignore[arg-type]  # pyright: ignore[reportArgumentType]
tc.Local(job=2)  # type: ignore[call-arg]  # pyright: ignore[reportCallIssue]
