"""Files typed_config writes get the mode ``open(path, "w")`` would give; existing files keep theirs; links are refused."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from schemas import HParams

import typed_config as tc

TESTS = Path(__file__).parent
SWEEP = "program: train.py\nmethod: grid\nparameters:\n  epochs:\n    values: [3, 4]\n"


@pytest.fixture(params=[0o022, 0o027], ids=["umask022", "umask027"])
def umask(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[int]:
    """A umask for this test (and the processes it starts); the process's own comes back after."""
    monkeypatch.chdir(tmp_path)
    old = os.umask(request.param)
    try:
        yield request.param
    finally:
        os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def typed_config(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "typed_config", *argv],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(TESTS)},
    )


def test_every_file_written_gets_the_mode_open_would_give(umask: int) -> None:
    expected = 0o666 & ~umask  # 0o644 under 022, 0o640 under 027
    run = tc.init(HParams, argv=["--epochs=3"], project="p", defaults=None)
    stored = tc.Api().run(f"p/{run.id}", schema=HParams)
    stored.config["batch_size"] = 8
    stored.update()
    tc.dump_defaults(HParams, "dumped.yaml")
    Path("sweep.yaml").write_text(SWEEP)
    cli = [
        typed_config("defaults", "--schema", "schemas:HParams", "--output", "cli-defaults.yaml"),
        typed_config("sweep", "expand", "sweep.yaml", "--schema", "schemas:HParams", "--out", "configs"),
    ]
    assert [c.returncode for c in cli] == [0, 0], [c.stderr for c in cli]
    assert run.dir is not None
    written = [*run.dir.iterdir(), Path("dumped.yaml"), Path("cli-defaults.yaml"), *Path("configs").iterdir()]
    assert {p.name: oct(mode(p)) for p in written} == {p.name: oct(expected) for p in written}
    assert {p.name for p in run.dir.iterdir()} == {"config.yaml", "provenance.json", "meta.json", ".lock"}


def test_an_overwritten_file_keeps_its_mode(umask: int) -> None:
    run = tc.init(HParams, argv=[], project="p", defaults=None)
    assert run.dir is not None
    kept = {"config.yaml": 0o664, "provenance.json": 0o600, "meta.json": 0o604}
    for name, wanted in kept.items():
        (run.dir / name).chmod(wanted)
    run.config.seed = 5  # the live run writes
    stored = tc.Api().run(f"p/{run.id}", schema=HParams)
    stored.config["batch_size"] = 8
    stored.update()
    assert {name: mode(run.dir / name) for name in kept} == kept
    Path("dumped.yaml").write_text("")
    Path("dumped.yaml").chmod(0o606)
    tc.dump_defaults(HParams, "dumped.yaml")
    assert (mode(Path("dumped.yaml")), tc.load(HParams, "dumped.yaml")) == (0o606, HParams())


def test_a_link_is_refused_and_the_file_it_points_to_kept(umask: int) -> None:
    Path("real.yaml").write_text("epochs: 3\n")
    Path("link.yaml").symlink_to("real.yaml")
    with pytest.raises(tc.ConfigError) as info:
        tc.dump_defaults(HParams, "link.yaml")
    assert str(info.value) == (
        "link.yaml: is a symbolic link (to real.yaml); typed_config does not write through links: "
        "write to the file it points to, or remove the link"
    )
    cli = typed_config("defaults", "--schema", "schemas:HParams", "--output", "link.yaml")
    assert (cli.returncode, cli.stderr) == (
        2,
        f"typed-config: error: cannot write {info.value.problems[0]}\n",
    )
    assert Path("link.yaml").is_symlink()
    assert Path("real.yaml").read_text() == "epochs: 3\n"
