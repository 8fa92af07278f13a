"""Which YAML reader a file goes to, and whether that is the faster one for its shape.

typed_config reads a file either the fast way (line by line, for ``key: value`` files and large
files, where it bounds the time problems take) or as PyYAML's node tree. ``_worth_reading_fast``
chooses by a few counts over the bytes. This prints, for files of typical shapes, the time of
each reader and the time of the one chosen against the faster one (1.00 is the best choice).

    ../.venv/bin/python bench_readers.py
"""

from __future__ import annotations

import gc
import random
import time
from collections.abc import Callable

from typed_config._yaml import read

_WORDS = ("1", "0.5", "adam", "true", "1e-3", "[1, 2]")


def _flat(lines: int, rng: random.Random) -> bytes:
    return "".join(f"key_{i}: {rng.choice(_WORDS)}\n" for i in range(lines)).encode()


def _nested(blocks: int, lines: int, rng: random.Random) -> bytes:
    return "".join(
        f"block_{b}:\n" + "".join(f"  key_{i}: {rng.choice(_WORDS[:4])}\n" for i in range(lines))
        for b in range(blocks)
    ).encode()


def _with_lists(lines: int) -> bytes:
    return "".join(
        f"key_{i}:\n  - 1\n  - 2\n" if i % 5 == 0 else f"key_{i}: 3\n" for i in range(lines)
    ).encode()


def shapes() -> dict[str, bytes]:
    rng = random.Random(1)
    found = {f"{n} lines of key: value": _flat(n, rng) for n in (1, 3, 10, 30, 300, 3000)}
    found.update(
        {f"{b} blocks of {n} keys": _nested(b, n, rng) for b, n in ((1, 3), (3, 5), (5, 10), (20, 20))}
    )
    found["30 keys, every 5th a block list"] = _with_lists(30)
    return found


def _best(call: Callable[[], object], number: int) -> float:
    best = float("inf")
    for _ in range(7):
        start = time.perf_counter()
        for _ in range(number):
            call()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def main() -> None:
    gc.disable()
    print(f"{'shape':34s} {'bytes':>7s} {'chosen':>6s} {'fast µs':>9s} {'tree µs':>9s} {'chosen/best':>11s}")
    for name, data in shapes().items():
        number = max(20, 20_000 // max(1, len(data) // 20))
        fast = _best(lambda data=data: read._load_fast(data, "bench", frozenset()), number)  # noqa: SLF001 - the readers under measurement
        tree = _best(lambda data=data: read._load(data, "bench", frozenset(), None), number)  # noqa: SLF001 - the readers under measurement
        chosen = read._worth_reading_fast(data)  # noqa: SLF001 - the readers under measurement
        ratio = (fast if chosen else tree) / min(fast, tree)
        print(
            f"{name:34s} {len(data):7d} {'fast' if chosen else 'tree':>6s} {fast * 1e6:9.1f} {tree * 1e6:9.1f} {ratio:11.2f}"
        )


if __name__ == "__main__":
    main()
