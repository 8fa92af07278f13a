"""What the commands print is safe for a terminal: stored values cannot clear the screen or reorder text."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from schemas import HParams

import typed_config as tc
from typed_config._errors import escaped

TESTS = Path(__file__).parent
# Clear the screen and home the cursor, a one-character CSI (C1), a window title set by OSC, DEL,
# and bidi controls that show "txt.exe" as "exe.txt".
HOSTILE = "\x1b[2J\x1b[Hok\x9b31m\x1b]0;owned\x07\x7f\u202etxt.exe\u2066\u200f\u061c"
KEY = "k" + HOSTILE.replace(".", "_")  # a key segment holds no dot
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def typed_config(cwd: Path, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "typed_config", *argv],
        cwd=cwd,
        capture_output=True,
        text=True,
        errors="surrogateescape",
        check=False,
        env={**os.environ, "PYTHONPATH": str(TESTS)},
    )


@pytest.fixture
def hostile_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A stored run whose values, dict keys and origins hold terminal controls; its id."""
    monkeypatch.chdir(tmp_path)
    tc.init(HParams, argv=["--epochs=3"], project="p", defaults=None).finish()
    run = tc.init(
        HParams,
        argv=[f"--dataset={HOSTILE}"],
        config={"extra": {KEY: HOSTILE}, "tags": [HOSTILE]},
        project="p",
        defaults=None,
    )
    run.finish()
    return run.id


def test_escaped_covers_terminal_and_bidi_controls() -> None:
    assert escaped(HOSTILE) == (
        "\\x1b[2J\\x1b[Hok\\x9b31m\\x1b]0;owned\\x07\\x7f\\u202etxt.exe\\u2066\\u200f\\u061c"
    )
    assert escaped("a\udcffb\nc") == "a\\udcffb\\nc"
    assert escaped("plain ünïcode ✓") == "plain ünïcode ✓"


@pytest.mark.parametrize(
    "argv",
    [
        ["runs"],
        ["runs", "--format", "csv"],
        ["runs", "--format", "json"],
        ["diff", "p/{first}", "p/{id}"],
        ["explain", "p/{id}", "dataset"],
        ["explain", "p/{id}", "extra." + KEY],
        ["explain", "p/{id}", "nokey" + HOSTILE],
        ["explain", "p/" + HOSTILE, "dataset"],
        ["runs", HOSTILE],
    ],
    ids=[
        "table",
        "csv",
        "json",
        "diff",
        "explain",
        "explain-dict-key",
        "unknown-key",
        "unknown-run",
        "unrecognized-argument",
    ],
)
def test_the_run_commands_print_stored_text_escaped(
    hostile_run: str, tmp_path: Path, argv: list[str]
) -> None:
    first = next(p.name for p in (tmp_path / "runs" / "p").iterdir() if p.name != hostile_run)
    result = typed_config(tmp_path, *(arg.format(id=hostile_run, first=first) for arg in argv))
    shown = result.stdout + result.stderr
    assert shown.strip()
    assert UNSAFE.findall(shown) == []
    assert "[2J" in shown  # shown, escaped, not dropped


def test_print_config_shows_values_escaped(tmp_path: Path) -> None:
    (tmp_path / "train.py").write_text(
        "import typed_config as tc\nfrom schemas import HParams\ntc.init(HParams, dir=None, defaults=None)\n"
    )
    result = subprocess.run(
        [sys.executable, "train.py", "--print-config", f"--dataset={HOSTILE}", "--tags", HOSTILE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(TESTS)},
    )
    assert result.returncode == 0, result.stderr
    assert UNSAFE.findall(result.stdout) == []
    dataset = next(line for line in result.stdout.splitlines() if line.startswith("dataset:"))
    assert "\\u202etxt.exe" in dataset


def test_error_lines_show_text_escaped(tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text(f"raise ValueError({HOSTILE!r})\n")
    (tmp_path / "config.yaml").write_text("epochs: 3\n")
    result = typed_config(tmp_path, "validate", "config.yaml", "--schema", "broken:HParams")
    assert result.returncode == 2
    assert UNSAFE.findall(result.stderr) == []
    assert result.stderr.startswith(
        "typed-config: error: --schema 'broken:HParams': importing broken failed: "
    )
    problem = tc.Problem(None, f"bad {HOSTILE}", tc.Origin(text=HOSTILE))
    assert UNSAFE.findall(str(tc.ConfigError([problem]))) == []


def test_run_explain_is_safe_to_print(hostile_run: str) -> None:
    stored = tc.init(HParams, argv=[], project="p", defaults=None, resume=hostile_run)
    assert UNSAFE.findall(str(stored.explain("dataset"))) == []
    stored.finish()


def test_file_names_found_on_disk_are_printed_escaped(tmp_path: Path) -> None:
    name = f"c{HOSTILE}.yaml"
    (tmp_path / name).write_text("epochs: 3\n")
    result = typed_config(tmp_path, "validate", name, "--schema", "schemas:HParams")
    assert (result.returncode, result.stdout) == (0, f"{escaped(name)}: ok\n")
    assert UNSAFE.findall(result.stdout) == []
