"""A config file is read whole however it arrives: a pipe that gives its text in pieces, one past the size limit."""

from __future__ import annotations

import os
import threading
import time
from pathlib import Path

import pytest

import typed_config as tc
from typed_config._yaml.read import MAX_BYTES


class Small(tc.HyperParams):
    first: int = 0
    second: int = 0
    third: str = ""


def _write_in_pieces(path: Path, pieces: list[bytes]) -> threading.Thread:
    def write() -> None:
        with path.open("wb", buffering=0) as pipe:
            for piece in pieces:
                pipe.write(piece)
                time.sleep(0.05)  # each piece is its own read on the other end

    thread = threading.Thread(target=write)
    thread.start()
    return thread


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_that_gives_its_text_in_pieces_is_read_to_the_end(tmp_path: Path) -> None:
    pipe = tmp_path / "config.yaml"
    os.mkfifo(pipe)
    writer = _write_in_pieces(pipe, [b"first: 1\n", b"second: 2\n", b"third: three\n"])
    cfg = tc.load(Small, pipe, presets=None)
    writer.join()
    assert (cfg.first, cfg.second, cfg.third) == (1, 2, "three")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_longer_than_the_limit_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    pipe = tmp_path / "big.yaml"
    os.mkfifo(pipe)
    chunk = b"#" * (1 << 20) + b"\n"
    stop = threading.Event()

    def write() -> None:
        try:
            with pipe.open("wb", buffering=0) as out:
                while not stop.is_set():
                    out.write(chunk)
        except BrokenPipeError:
            pass  # the reader stopped at the limit and closed its end

    writer = threading.Thread(target=write)
    writer.start()
    with pytest.raises(tc.ConfigError, match=f"the limit is {MAX_BYTES}"):
        tc.load(Small, pipe, presets=None)
    stop.set()
    writer.join(timeout=30)
    assert not writer.is_alive()
