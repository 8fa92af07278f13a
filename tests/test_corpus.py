"""The config-file corpus: each valid file gives its expected flat dict, each invalid one its exact errors.

``tests/data/defaults/valid/NAME.yaml`` sits beside ``NAME.flat.json``, the expected
``cfg.to_flat()`` (defaults included) of the file validated against ``corpus_schema.HParams``;
``tests/data/defaults/invalid/NAME.yaml`` beside ``NAME.errors.txt``, the exact ``str(ConfigError)``
when the file is loaded with ``source="NAME.yaml"``. Files are read in binary, so BOMs, CRLF line
endings and invalid bytes reach the loader untouched. The ``.flat.json`` files write non-finite
floats as Python's ``json`` does (``NaN``, ``Infinity``). The expected files were written once by the
loader and then checked by hand against DESIGN.md; a file whose expectation the library does not
meet yet is listed in ``KNOWN_BUGS``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from corpus_schema import HParams

import typed_config as tc

DATA = Path(__file__).parent / "data" / "defaults"
VALID = sorted((DATA / "valid").glob("*.yaml"))
INVALID = sorted((DATA / "invalid").glob("*.yaml"))

# A lone surrogate cannot be stored in a UTF-8 file: these files hold its bytes as Python's
# "surrogatepass" codec writes them, and are passed to loads() as the str that codec decodes.
READ_AS_STR = frozenset({"lone_surrogate", "lone_surrogate_after_bom"})

KNOWN_BUGS: dict[str, str] = {}


def _cases(files: list[Path], kind: str) -> list[Any]:
    cases: list[Any] = []
    for path in files:
        name = path.name.removesuffix(".yaml")
        reason = KNOWN_BUGS.get(f"{kind}/{name}")
        marks = [pytest.mark.xfail(reason=reason, strict=True)] if reason else []
        cases.append(pytest.param(path, id=name, marks=marks))
    return cases


def _comparable(value: Any) -> Any:
    """JSON-like data with every scalar tagged by its type: 1 != 1.0 != True, NaN == NaN, -0.0 != 0.0."""
    if isinstance(value, dict):
        return {key: _comparable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_comparable(item) for item in value]
    return (type(value).__name__, repr(value))


def _read(path: Path) -> str | bytes:
    raw = path.read_bytes()
    name = path.name.removesuffix(".yaml")
    return raw.decode("utf-8", "surrogatepass") if name in READ_AS_STR else raw


def test_corpus_is_large_and_has_both_sets() -> None:
    assert len(VALID) + len(INVALID) >= 40
    assert VALID
    assert INVALID


def test_every_corpus_file_has_its_expectation() -> None:
    missing = [p.name for p in VALID if not p.with_suffix(".flat.json").is_file()]
    missing += [p.name for p in INVALID if not p.with_suffix(".errors.txt").is_file()]
    assert missing == []


@pytest.mark.parametrize("path", _cases(VALID, "valid"))
def test_valid_file_gives_expected_flat_dict(path: Path) -> None:
    expected = json.loads(path.with_suffix(".flat.json").read_text(encoding="utf-8"))
    config = tc.loads(HParams, _read(path), source=path.name)
    assert _comparable(config.to_flat()) == _comparable(expected)


@pytest.mark.parametrize("path", _cases(VALID, "valid"))
def test_valid_file_reads_the_same_from_text_and_from_disk(path: Path) -> None:
    from_bytes = tc.loads(HParams, path.read_bytes(), source=path.name).to_flat()
    from_text = tc.loads(HParams, path.read_bytes().decode("utf-8"), source=path.name).to_flat()
    from_disk = tc.load(HParams, path).to_flat()
    assert _comparable(from_text) == _comparable(from_bytes)
    assert _comparable(from_disk) == _comparable(from_bytes)


@pytest.mark.parametrize("path", _cases(INVALID, "invalid"))
def test_invalid_file_gives_expected_errors(path: Path) -> None:
    expected = path.with_suffix(".errors.txt").read_text(encoding="utf-8").rstrip("\n")
    with pytest.raises(tc.ConfigError) as caught:
        tc.loads(HParams, _read(path), source=path.name)
    assert str(caught.value) == expected
