"""``make bench`` rewrites docs/benchmarks.md's tables and keeps the notes written by hand below them."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

BENCHMARKS = Path(__file__).resolve().parent.parent / "benchmarks"


@pytest.fixture
def run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    sys.modules.pop("run", None)  # benchmarks/run.py, not any other module of that name
    import run as module

    monkeypatch.setattr(module, "REPO", str(tmp_path))
    (tmp_path / "docs").mkdir()
    yield module
    sys.modules.pop("run", None)


def test_the_tables_are_replaced_and_the_notes_kept(run: Any, tmp_path: Path) -> None:
    page = tmp_path / "docs" / "benchmarks.md"
    marker = run.HAND_WRITTEN
    page.write_text(f"# Benchmarks\n\nold table\n\n{marker}\n\n## Notes\n\nwritten by hand\n")
    run.write_docs("# Benchmarks\n\nnew table\n")
    assert page.read_text() == f"# Benchmarks\n\nnew table\n\n{marker}\n\n## Notes\n\nwritten by hand\n"
    assert not list(page.parent.glob("*.partial"))


def test_a_page_without_notes_is_the_tables_alone(run: Any, tmp_path: Path) -> None:
    run.write_docs("# Benchmarks\n\nnew table\n")
    assert (tmp_path / "docs" / "benchmarks.md").read_text() == "# Benchmarks\n\nnew table\n"


def test_the_page_in_the_repository_has_its_notes_below_the_marker(run: Any) -> None:
    text = (BENCHMARKS.parent / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    assert text.count(run.HAND_WRITTEN) == 1
    assert "## Notes on earlier runs" in text.split(run.HAND_WRITTEN)[1]
