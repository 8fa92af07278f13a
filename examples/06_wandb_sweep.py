"""06 - wandb sweeps: check the sweep file against the schema, see its runs, then train one of them.

``sweep.yaml`` beside this file is a wandb grid sweep over ``optimizer.name`` and ``optimizer.lr``.
A wandb agent runs this script once per combination and passes the choice on the command line
(``--optimizer.lr=0.01``), which ``tc.init`` validates and locks like any override. Before the
sweep is launched, ``typed_config.sweep`` checks the file against ``HParams`` (a misspelt parameter
or a learning rate of 0 is caught on your machine, with its line and column, not on the cluster)
and expands it into the configs its runs will get.

To run the sweep for real (a wandb account needed), from this folder::

    typed-config sweep check sweep.yaml --schema hparams.py:HParams
    wandb sweep sweep.yaml              # prints the sweep id
    wandb agent ENTITY/PROJECT/SWEEP_ID

Only with ``--use-wandb`` (which ``sweep.yaml`` puts in the agent's command) does the script import
wandb and log its loss there; without it, nothing here needs wandb.

Usage:
    python 06_wandb_sweep.py --optimizer.lr=0.01
    python 06_wandb_sweep.py --optimizer.name=sgd --optimizer.lr=0.001 --epochs 3
    python 06_wandb_sweep.py --sweep sweep.yaml
    python 06_wandb_sweep.py --optimizer.lr=0   # exit 1: the learning rate must be greater than 0
"""

from __future__ import annotations

import json
import sys
from typing import Any

from hparams import HParams

import typed_config as tc
import typed_config.sweep as tcs


def main(argv: list[str]) -> int:
    """Show a sweep's configs (``--sweep FILE``), or train once with the config the command line gives."""
    if argv[:1] == ["--sweep"]:
        return show_sweep(argv[1] if len(argv) > 1 else "sweep.yaml")
    use_wandb = "--use-wandb" in argv
    try:
        run = tc.init(HParams, argv=[arg for arg in argv if arg != "--use-wandb"], dir=None)
    except tc.ConfigError as error:
        print(error, file=sys.stderr)
        return 1
    cfg = run.config
    log = wandb_logger(cfg) if use_wandb else None
    loss = train(cfg, log)
    print(f"{cfg.optimizer.name} at lr={cfg.optimizer.lr}, {cfg.epochs} epochs: loss {loss:.3g}")
    return 0


def show_sweep(path: str) -> int:
    """Check a sweep file against HParams and print the config of each run it makes."""
    problems = tcs.check(HParams, path)
    if problems:
        print("\n".join(str(problem) for problem in problems), file=sys.stderr)
        return 1
    for number, cfg in enumerate(tcs.expand(HParams, path), 1):
        print(
            f"run {number}:",
            json.dumps({k: v for k, v in cfg.to_flat().items() if k.startswith("optimizer")}),
        )
    return 0


def train(cfg: HParams, log: Any = None) -> float:
    """A stand-in for training: gradient steps on (w - 3)^2, with momentum for sgd."""
    weight, velocity, loss = 0.0, 0.0, (0.0 - 3.0) ** 2
    for epoch in range(cfg.epochs):  # an int to mypy and pyright
        for _step in range(cfg.batch_size):
            gradient = 2 * (weight - 3.0)
            if cfg.optimizer.name == "sgd":
                velocity = cfg.optimizer.momentum * velocity + gradient
                weight -= cfg.optimizer.lr * velocity
            else:  # a sign step stands in for adam
                weight -= cfg.optimizer.lr * (1 if gradient > 0 else -1)
        loss = (weight - 3.0) ** 2
        if log is not None:
            log({"loss": loss, "epoch": epoch})
    return loss


def wandb_logger(cfg: HParams) -> Any:
    """Start a wandb run holding the typed config; return its ``log``. Imports wandb only here."""
    import wandb

    import typed_config.wandb as tcw

    return wandb.init(config=tcw.to_wandb(cfg)).log


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
