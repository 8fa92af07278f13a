"""Hostile inputs, measured: each one's outcome, time and peak memory (tests assert the outcomes).

Each input is loaded in a fresh interpreter whose resident high-water mark (``VmHWM``, which sees
libyaml's C allocations too) is reset after the imports, so the peak belongs to that input alone;
reading the input itself is included. Linux only.
"""

from __future__ import annotations

import itertools
import json
import subprocess
import sys
import time
from collections.abc import Callable

from typed_config._yaml_io import MAX_BYTES


def _bomb(levels: int, width: int = 10) -> str:
    lines = [f"a: &a [{', '.join(['x'] * width)}]"]
    names = "abcdefghijklmnop"
    for previous, name in itertools.islice(itertools.pairwise(names), levels):
        lines.append(f"{name}: &{name} [{', '.join([f'*{previous}'] * width)}]")
    return "\n".join(lines) + "\n"


CASES: dict[str, Callable[[], str]] = {
    "billion laughs, mapping form (9 levels, 1 KB)": lambda: _bomb(9),
    "billion laughs, sequence form": lambda: (
        "a:\n  - &a [x,x,x,x,x,x,x,x,x,x]\n"
        + "".join(
            f"  - &{n} [{','.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcdefgh", "bcdefghi", strict=True)
        )
    ),
    "self-referencing alias": lambda: "a: &a [1, *a]\n",
    "merge-key bomb": lambda: (
        "b0: &b0 {x: 1, y: 2}\n"
        + "".join(
            f"b{i}: &b{i}\n  <<: [{', '.join(f'*b{j}' for j in range(i))}]\n  k{i}: {i}\n"
            for i in range(1, 12)
        )
    ),
    "10,000-deep block nesting": lambda: (
        "".join("  " * i + "k:\n" for i in range(10_000)) + "  " * 10_000 + "k: 1\n"
    ),
    "10,000-deep flow nesting": lambda: "a: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "64 MiB file": lambda: "a: " + "x" * (64 * 1024 * 1024) + "\n",
    "file just under the 16 MiB limit": lambda: "a: " + "x" * (MAX_BYTES - 16) + "\n",
    "5,000-digit integer": lambda: "a: " + "9" * 5000 + "\n",
    "1 MB key": lambda: "k" * 1_000_000 + ": 1\n",
    "10 MB string value": lambda: "a: " + "s" * 10_000_000 + "\n",
}


_CHILD = """
import json, sys, time
import typed_config as tc
from typed_config._yaml_io import load_document


def high_water() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))


with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")  # start the high-water mark again from here: imports do not count
before = high_water()
raw = sys.stdin.buffer.read()
start = time.perf_counter()
try:
    load_document(raw, "hostile.yaml")
    outcome = "loaded"
except tc.ConfigError as error:
    outcome = "refused: " + error.problems[0].message
elapsed = time.perf_counter() - start
print(json.dumps([outcome, elapsed, (high_water() - before) / 1024]))
"""


def measure(text: str) -> tuple[str, float, float]:
    """The outcome (loaded, or the first problem's message), seconds, and peak memory added in MiB."""
    result = subprocess.run(
        [sys.executable, "-c", _CHILD], input=text.encode(), capture_output=True, check=True, timeout=120
    )
    outcome, seconds, peak = json.loads(result.stdout)
    return outcome, seconds, peak


def run() -> list[str]:
    """A Markdown table: input, size, outcome, time, peak memory."""
    lines = [
        "| hostile input | size | outcome | time | peak memory added |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, make in CASES.items():
        text = make()
        started = time.perf_counter()
        outcome, seconds, peak = measure(text)
        del started
        size = f"{len(text.encode()):,} B"
        lines.append(f"| {name} | {size} | {outcome[:70]} | {seconds * 1e3:.1f} ms | {peak:.1f} MiB |")
    return lines


if __name__ == "__main__":
    print("\n".join(run()))
