"""Every Python block and every command transcript in docs/ runs, in page order, in a folder per page.

The conventions a page follows:

- A ```python block runs in a fresh namespace per page, in a temporary folder that starts with a
  copy of ``examples/hparams.py`` (the schema that ``--schema hparams:HParams`` names).
- A block whose first line is a comment naming a file (``# train.py``, ``# bad.yaml``) is also
  written to that file in the folder, before the blocks after it run.
- A ```console block is a command transcript: each line starting with ``$ `` is a command, run
  by ``sh`` in the folder with the project's venv first on ``PATH`` (so ``python`` and
  ``typed-config`` are the venv's), and the lines up to the next command are what it prints,
  stdout and stderr together as a terminal shows them. Show an exit status with
  ``; echo "exit status $?"``. A command shown without its output belongs in a ```sh block.
"""

from __future__ import annotations

import itertools
import os
import re
import shutil
import subprocess
import sys
import types
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent
DOCS = ROOT / "docs"
BLOCK = re.compile(r"^```(\w+)\n(.*?)^```", re.DOTALL | re.MULTILINE)
FILE_HEADER = re.compile(r"# ([\w./-]+\.(?:py|yaml|yml|json|toml))\n")
PAGES = sorted(DOCS.rglob("*.md"))
PROMPT = "$ "
SHELL = shutil.which("sh") or "/bin/sh"


def blocks(page: Path) -> list[tuple[str, str]]:
    """The page's fenced blocks, as (language, text), in page order."""
    return [(m.group(1), m.group(2)) for m in BLOCK.finditer(page.read_text(encoding="utf-8"))]


def transcript(text: str) -> list[tuple[str, str]]:
    """A console block's (command, expected output) pairs."""
    lines = text.splitlines()
    assert lines, "an empty console block"
    assert lines[0].startswith(PROMPT), f"a console block starts with a command ({PROMPT!r}): {lines[0]!r}"
    pairs: list[tuple[str, list[str]]] = []
    for line in lines:
        if line.startswith(PROMPT):
            pairs.append((line[len(PROMPT) :], []))
        else:
            pairs[-1][1].append(line)
    return [(command, "".join(f"{line}\n" for line in output)) for command, output in pairs]


def shell_environment() -> dict[str, str]:
    """The venv's commands first; output as a terminal of 100 columns shows it, unbuffered."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WANDB_", "TYPED_CONFIG_"))}
    bin_dir = str(Path(sys.executable).parent)
    env.update(PATH=bin_dir + os.pathsep + env.get("PATH", ""), PYTHONUNBUFFERED="1", COLUMNS="100")
    env.update(TERM="dumb", NO_COLOR="1", PYTHONDONTWRITEBYTECODE="1")
    return env


def run_transcript(text: str, folder: Path, where: str) -> None:
    for command, expected in transcript(text):
        proc = subprocess.run(
            [SHELL, "-c", command],
            cwd=folder,
            env=shell_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            check=False,
            timeout=120,
        )
        assert proc.stdout == expected, f"{where}: $ {command}"


def test_the_docs_have_pages_with_code_and_transcripts() -> None:
    languages = {language for page in PAGES for language, _ in blocks(page)}
    assert {"python", "console"} <= languages


@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_a_command_shown_with_its_output_is_a_transcript(page: Path) -> None:
    """A ```sh block followed by a ```text block (the old form of a transcript) is not checked."""
    found = blocks(page)
    for (first, _), (second, _) in itertools.pairwise(found):
        assert (first, second) != ("sh", "text"), (
            f"{page.name}: write the command and its output as a console block"
        )
    for language, text in found:
        if language in ("sh", "bash", "shell"):
            assert not any(line.startswith(PROMPT) for line in text.splitlines()), page.name
        if language == "console":
            transcript(text)  # well formed


@pytest.mark.timeout(600)
@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(DOCS).as_posix() for p in PAGES])
def test_every_block_runs_in_page_order(page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(ROOT / "examples" / "hparams.py", tmp_path / "hparams.py")
    monkeypatch.chdir(tmp_path)
    # A real module, so pydantic can resolve the annotations of classes the page defines.
    module = types.ModuleType(f"docs_{page.stem.replace('-', '_')}")
    monkeypatch.setitem(sys.modules, module.__name__, module)
    for number, (language, text) in enumerate(blocks(page), 1):
        where = f"{page.name} block {number}"
        header = FILE_HEADER.match(text)
        if header and language in ("python", "yaml", "json", "toml"):
            target = tmp_path / header.group(1)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8")
        if language == "python":
            exec(compile(text, where, "exec"), module.__dict__)  # noqa: S102 - the point: documentation code runs
        elif language == "console":
            run_transcript(text, tmp_path, where)


def test_a_transcript_splits_into_commands_and_their_output() -> None:
    text = "$ typed-config validate a.yaml\na.yaml: ok\n$ echo done\ndone\n$ true\n"
    assert transcript(text) == [
        ("typed-config validate a.yaml", "a.yaml: ok\n"),
        ("echo done", "done\n"),
        ("true", ""),
    ]


def test_a_stale_transcript_fails(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match=r"page\.md block 1: \$ echo one"):
        run_transcript("$ echo one\ntwo\n", tmp_path, "page.md block 1")
