"""05 - The public API: reopen a stored run, read and edit its config, compare runs.

The wandb page's ``api.run("username/project/run_id")``, ``run.config["foo"] = 32``,
``run.update()``, with no server: runs live in folders (``runs/<project>/<run_id>/``). Edits are
validated against the schema, written atomically under a lock, and keep their ``desc`` texts.

Usage:
    python 05_public_api.py
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from hparams import HParams

import typed_config as tc


def main() -> int:
    """Work in a scratch folder of runs, removed at the end."""
    with tempfile.TemporaryDirectory(prefix="typed-config-runs-") as folder:
        return demo(Path(folder))


def demo(root: Path) -> int:
    """Start two runs, edit one through the API, then list and compare them."""
    first = tc.init(HParams, argv=["--epochs=3"], dir=root, project="demo")
    second = tc.init(HParams, argv=["--epochs=3", "--optimizer.name=sgd"], dir=root, project="demo")
    first.finish()
    second.finish()

    api = tc.Api(root=root)
    run = api.run(f"me/demo/{first.id}", schema=HParams)  # "entity/project/run_id" as on the page
    print(f"{run.project}/{run.id}: batch_size={run.config['batch_size']}")
    run.config["batch_size"] = 32
    run.update()
    print("after update:", api.run(f"demo/{first.id}").typed.batch_size)

    run.config["batch_size"] = "thirty-two"
    try:
        run.update()
    except tc.ConfigError as error:
        print("refused:", error)

    for stored in api.runs("demo", filter={"optimizer.name": "sgd"}):
        print("sgd run:", stored.id, stored.config["optimizer.lr"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
