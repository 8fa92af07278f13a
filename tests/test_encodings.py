"""YAML in UTF-16 and UTF-32 with a byte-order mark reads as its UTF-8 twin; other encodings are named."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from schemas import HParams

import typed_config as tc

CODECS = ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"]
TEXT = '# café ☕ 😀\nepochs: 9\ndataset: "naïve 😀"\ntags: [a, ü]\noptimizer: {lr: 0.5}\n'


def encoded(text: str, codec: str) -> bytes:
    """``text`` in ``codec``, opening with the byte-order mark."""
    return ("\ufeff" + text).encode(codec)


@pytest.mark.parametrize("codec", CODECS)
def test_a_file_with_a_byte_order_mark_reads_as_its_utf8_twin(tmp_path: Path, codec: str) -> None:
    path = tmp_path / "c.yaml"
    path.write_bytes(encoded(TEXT, codec))
    cfg = tc.load(HParams, path)
    assert (cfg.epochs, cfg.dataset, cfg.tags, cfg.optimizer.lr) == (9, "naïve 😀", ["a", "ü"], 0.5)
    assert tc.loads(HParams, encoded(TEXT, codec)) == tc.loads(HParams, TEXT) == cfg


@pytest.mark.parametrize("codec", CODECS)
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('epochs: 9\ndataset: "😀é😀" x\n', "c.yaml:2:16: YAML syntax error: did not find expected key"),
        ("tags: [😀, 😀]\nepochs: 😀\n", "c.yaml:2:9: epochs: Input should be a valid integer (got '😀')"),
        ("dataset: 😀😀\ndataset: b\n", "c.yaml:2:1: dataset: duplicate key (first defined at line 1)"),
        ("dataset: 😀é\x07\n", "c.yaml:1:12: character '\\x07' is not allowed in YAML"),
    ],
    ids=["syntax", "validation", "duplicate", "control-character"],
)
def test_positions_count_characters_in_every_encoding(codec: str, text: str, expected: str) -> None:
    with pytest.raises(tc.ConfigError) as caught:
        tc.loads(HParams, encoded(text, codec), source="c.yaml")
    with pytest.raises(tc.ConfigError) as in_utf8:
        tc.loads(HParams, text.encode("utf-8"), source="c.yaml")
    assert str(caught.value) == str(in_utf8.value)
    assert str(caught.value).startswith(expected)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (
            "epochs: 9\n".encode("utf-16-le"),
            "c.yaml:1:1: the file looks like UTF-16 without a byte-order mark; "
            "save it as UTF-8 (or UTF-16 with a BOM)",
        ),
        (
            "epochs: 9\n".encode("utf-16-be"),
            "c.yaml:1:1: the file looks like UTF-16 without a byte-order mark; "
            "save it as UTF-8 (or UTF-16 with a BOM)",
        ),
        (
            "epochs: 9\n".encode("utf-32-le"),
            "c.yaml:1:1: the file looks like UTF-32 without a byte-order mark; "
            "save it as UTF-8 (or UTF-32 with a BOM)",
        ),
        (
            "epochs: 9\n".encode("utf-32-be"),
            "c.yaml:1:1: the file looks like UTF-32 without a byte-order mark; "
            "save it as UTF-8 (or UTF-32 with a BOM)",
        ),
        (
            encoded("epochs: 9\ndataset: ab", "utf-16-le") + b"\x00\xd8" + "x\n".encode("utf-16-le"),
            "c.yaml:2:12: invalid UTF-16LE text: illegal UTF-16 surrogate",
        ),
        (
            encoded("epochs: 9\ndataset: ab", "utf-16-be") + b"\xdc\x00",
            "c.yaml:2:12: invalid UTF-16BE text: illegal encoding",
        ),
        (
            encoded("epochs: 9\ndataset: é", "utf-32-le") + b"\x00\xd8\x00\x00",
            "c.yaml:2:11: invalid UTF-32LE text: code point in surrogate code point range(0xd800, 0xe000)",
        ),
        (encoded("epochs: 9\n", "utf-16-le") + b"\x00", "c.yaml:2:1: invalid UTF-16LE text: truncated data"),
        ("epochs: 9\ndataset: café\n".encode("latin-1"), "c.yaml:2:13: invalid UTF-8 byte 0xe9"),
    ],
    ids=[
        "utf16le-no-bom",
        "utf16be-no-bom",
        "utf32le-no-bom",
        "utf32be-no-bom",
        "utf16-lone-high-surrogate",
        "utf16-lone-low-surrogate",
        "utf32-surrogate",
        "utf16-truncated",
        "latin1",
    ],
)
def test_an_encoding_problem_is_named_at_its_position(data: bytes, expected: str) -> None:
    with pytest.raises(tc.ConfigError) as caught:
        tc.loads(HParams, data, source="c.yaml")
    assert str(caught.value) == expected


def test_the_command_line_validates_a_utf16_file_and_names_a_bad_one(tmp_path: Path) -> None:
    (tmp_path / "hparams.py").write_text(
        "import typed_config as tc\nclass HParams(tc.HyperParams):\n    epochs: int = 1\n    dataset: str = 'x'\n",
        encoding="utf-8",
    )
    (tmp_path / "good.yaml").write_bytes(encoded("epochs: 9\ndataset: naïve\n", "utf-16-le"))
    (tmp_path / "bad.yaml").write_bytes("epochs: 9\n".encode("utf-16-be"))
    command = [
        sys.executable,
        "-m",
        "typed_config",
        "validate",
        "good.yaml",
        "bad.yaml",
        "--schema",
        "hparams:HParams",
    ]
    proc = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=False, timeout=120)
    assert (proc.returncode, proc.stdout) == (1, "good.yaml: ok\n")
    assert (
        proc.stderr
        == "bad.yaml:1:1: the file looks like UTF-16 without a byte-order mark; save it as UTF-8 (or UTF-16 with a BOM)\n"
    )


def test_a_utf16_config_file_reaches_a_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "c.yaml").write_bytes(encoded(TEXT, "utf-16-le"))
    run = tc.init(HParams, argv=["--configs", "c.yaml"], dir=None)
    assert (run.config.epochs, run.config.dataset) == (9, "naïve 😀")
    assert run.explain("epochs").chain[-1].origin == tc.Origin(path="c.yaml", line=2, column=9)
