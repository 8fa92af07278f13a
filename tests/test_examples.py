"""Every example runs as its Usage block says, in a real subprocess."""

from __future__ import annotations

import ast
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).parent.parent / "examples"


def usage_lines(script: Path) -> list[tuple[list[str], int]]:
    doc = ast.get_docstring(ast.parse(script.read_text(encoding="utf-8"))) or ""
    assert "Usage:" in doc, f"{script.name} has no Usage block"
    commands: list[tuple[list[str], int]] = []
    for raw in doc.split("Usage:", 1)[1].splitlines():
        line = raw.strip()
        if not line.startswith("python "):
            continue
        command, _, comment = line.partition("#")
        expected = re.search(r"exit (\d+)", comment)
        commands.append((shlex.split(command)[1:], int(expected.group(1)) if expected else 0))
    assert commands, f"{script.name}'s Usage block has no command"
    return commands


CASES = [
    pytest.param(script, argv, code, id=f"{script.name} {' '.join(argv)}")
    for script in sorted(EXAMPLES.glob("[0-9][0-9]_*.py"))
    for argv, code in usage_lines(script)
]


@pytest.mark.parametrize(("script", "argv", "code"), CASES)
def test_example_runs_as_its_usage_says(script: Path, argv: list[str], code: int) -> None:
    result = subprocess.run(
        [sys.executable, *argv], cwd=EXAMPLES, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == code, result.stderr
    assert "Traceback" not in result.stderr


def test_quickstart_shows_the_flat_config_and_pins_its_errors() -> None:
    ok = subprocess.run(
        [sys.executable, "01_quickstart.py", "--optimizer.lr=0.01", "--epochs", "4"],
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
        check=True,
    )
    assert '"optimizer.lr": 0.01' in ok.stdout
    assert "Training for 4 epochs with adam at lr=0.01" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "01_quickstart.py", "--batch-size=abc", "--optimzer.lr=1"],
        cwd=EXAMPLES,
        capture_output=True,
        text=True,
        check=False,
    )
    assert bad.stderr.splitlines() == [
        "--optimzer.lr=1: unknown option; did you mean '--optimizer.lr'?",
        "--batch-size=abc: batch_size: Input should be a valid integer (got 'abc')",
    ]
