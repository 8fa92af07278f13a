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

from typed_config._yaml.read import MAX_BYTES


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
from typed_config._yaml.read import load_document


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


# --- many problems ----------------------------------------------------------------------------
# Files within the size limit that hold as many problems as they can: each must be refused in time
# linear in its size, with a message listing the first 100 problems and counting the rest.

_PROBLEMS_CHILD = """
import json, sys, time
import typed_config as tc


class HParams(tc.HyperParams):
    epochs: int = 1
    extra: dict[str, int] = tc.Field(default_factory=dict)
    sizes: list[int] = tc.Field(default_factory=list)


raw = sys.stdin.buffer.read()
start, cpu = time.perf_counter(), time.process_time()
try:
    tc.loads(HParams, raw, sys.argv[1])
    outcome = "loaded"
except tc.ConfigError as error:
    outcome = f"refused: {len(error.problems)} listed + {error.omitted} more; {len(str(error))} characters"
print(json.dumps([outcome, time.perf_counter() - start, time.process_time() - cpu]))
"""


def _numbered(head: str, line: str, size: int) -> str:
    """``head`` then ``line.format(i)`` for i = 0, 1, ... while the text stays within ``size`` bytes."""
    parts, total, index = [head], len(head), 0
    while total + len(line.format(index)) <= size:
        parts.append(line.format(index))
        total += len(parts[-1])
        index += 1
    return "".join(parts)


def _duplicated(size: int) -> str:
    """Distinct keys, then all of them again: each duplicate's first definition is far back."""
    half = _numbered("", "k{}: 1\n", size // 2)
    return half + half


# name: (text, target seconds)
PROBLEM_CASES: dict[str, Callable[[], tuple[str, float]]] = {
    "16 MiB, ~770,000 duplicate keys (each defined first far back)": lambda: (
        _duplicated(MAX_BYTES),
        5.0,
    ),
    "16 MiB, 3.4 million duplicate keys (`a: 1` on every line)": lambda: ("a: 1\n" * (MAX_BYTES // 5), 5.0),
    "16 MiB, ~1.3 million invalid values in a dict field": lambda: (
        _numbered("extra:\n", "  k{}: x\n", MAX_BYTES),
        5.0,
    ),
    "16 MiB, ~1.5 million unknown keys": lambda: (_numbered("", "k{}: 1\n", MAX_BYTES), 5.0),
    "16 MiB, 8.4 million invalid list items (`[x,x,...]`)": lambda: (
        "sizes: [" + "x," * ((MAX_BYTES - 12) // 2) + "x]\n",
        5.0,
    ),
    "16 MiB, one key a million times, each with another list (`sizes: [0]`, `sizes: [1]`, ...)": lambda: (
        _numbered("", "sizes: [{}]\n", MAX_BYTES),
        5.0,
    ),
    # Forms only PyYAML's node tree reads (a Python object per value): bounded by MAX_TREE_VALUES.
    "16 MiB block sequence of 2.4 million mappings (`- a: 1`)": lambda: (
        "sizes:\n" + "- a: 1\n" * ((MAX_BYTES - 7) // 7),
        5.0,
    ),
    "16 MiB, 1.5 million tagged values (`a: !!str x`)": lambda: ("a: !!str x\n" * (MAX_BYTES // 11), 5.0),
    "16 MiB JSON list of 2 million objects": lambda: (
        '{"sizes": [' + '{"a":1},' * ((MAX_BYTES - 30) // 8) + '{"a":1}]}',
        5.0,
    ),
    # The same attacks in forms the fast line reader leaves to PyYAML's node tree, and in JSON.
    "16 MiB, 3.4 million duplicate keys after a `---` line": lambda: (
        "---\n" + "a: 1\n" * ((MAX_BYTES - 4) // 5),
        5.0,
    ),
    "16 MiB, 2.8 million duplicate keys in a flow mapping (`{a: 1, a: 1, ...}`)": lambda: (
        "{" + "a: 1, " * ((MAX_BYTES - 8) // 6) + "a: 1}\n",
        5.0,
    ),
    "16 MiB, 2.8 million duplicate keys written with an alias (`a: *x`)": lambda: (
        "a: &x 1\n" + "a: *x\n" * ((MAX_BYTES - 16) // 6),
        5.0,
    ),
    "16 MiB JSON, 2.8 million duplicate keys": lambda: (
        "{" + '"a":1,' * ((MAX_BYTES - 8) // 6) + '"a":1}',
        5.0,
    ),
    # The same nested: a flow mapping under a key, and JSON as json.dump(indent=2) writes it.
    "16 MiB, 2.8 million duplicate keys in a flow mapping under a key (`x: {a: 1, ...}`)": lambda: (
        "x: {" + "a: 1, " * ((MAX_BYTES - 16) // 6) + "a: 1}\n",
        5.0,
    ),
    "16 MiB JSON, indented and nested, 1.4 million duplicate keys": lambda: (
        '{\n  "x": {\n' + '    "a": 1,\n' * ((MAX_BYTES - 40) // 12) + '    "a": 1\n  }\n}\n',
        5.0,
    ),
    # Duplicate keys whose values are mappings: the node tree never builds a duplicate's value.
    "16 MiB, 1.7 million duplicate keys, each with a nested block (`k:\\n  a: 1`)": lambda: (
        "k:\n  a: 1\n" * (MAX_BYTES // 10),
        5.0,
    ),
    "16 MiB, 1.7 million duplicate keys, each with a flow mapping (`k: {a: 1}`)": lambda: (
        "k: {a: 1}\n" * (MAX_BYTES // 10),
        5.0,
    ),
    "15 MiB JSON, 1.2 million duplicate keys, each with an object": lambda: (
        "{" + '"k":{"a":1},' * ((MAX_BYTES - 20) // 13) + '"k":{"a":1}}',
        5.0,
    ),
}


def run_problems() -> list[str]:
    """A Markdown table of files with as many problems as fit: outcome, time, CPU time, target."""
    lines = [
        "| many problems | size | outcome | time | CPU time | target | met? |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, make in PROBLEM_CASES.items():
        text, target = make()
        result = subprocess.run(
            [sys.executable, "-c", _PROBLEMS_CHILD, "many.json" if "JSON" in name else "many.yaml"],
            input=text.encode(),
            capture_output=True,
            check=True,
            timeout=600,
        )
        outcome, seconds, cpu = json.loads(result.stdout)
        met = "yes" if cpu <= target and outcome.startswith("refused") else "NO"
        lines.append(
            f"| {name} | {len(text.encode()):,} B | {outcome} | {seconds:.1f} s | {cpu:.1f} s | < {target:g} s | {met} |"
        )
    return lines


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


# --- sweeps ----------------------------------------------------------------------------------------
# Kept apart from the loader's rows above: each sweep case is a file, what is done with it, and a
# target (seconds, and MiB of peak memory added), measured in a fresh interpreter as above.

_SWEEP_SCHEMA = """
import typed_config as tc


class Model(tc.HyperParams):
    width: int = 64
    layers: int = 2


class HParams(tc.HyperParams):
    lr: float = tc.Field(default=1e-3, gt=0)
    seed: int = 0
    temperature: float = 1.0
    model: Model = tc.Field(default_factory=Model)
""" + "".join(f"    p{i}: int = 0\n" for i in range(10))

_SWEEP_CHILD = """
import json, os, sys, tempfile, time
import typed_config as tc
import typed_config.sweep as tcs

folder = tempfile.mkdtemp()
with open(os.path.join(folder, "schema.py"), "w") as handle:
    handle.write(sys.argv[1])
sys.path.insert(0, folder)
from schema import HParams


def high_water() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))


op, count = sys.argv[2], json.loads(sys.argv[3])
path = os.path.join(folder, "sweep.yaml")
with open(path, "wb") as handle:
    handle.write(sys.stdin.buffer.read())
with open("/proc/self/clear_refs", "w") as refs:
    refs.write("5")
before = high_water()
start = time.perf_counter()
try:
    if op == "check":
        problems = tcs.check(HParams, path)
        outcome = f"{len(problems)} problems: " + problems[0].message if problems else "valid"
    else:
        made = sum(1 for _ in tcs.expand(HParams, path, count=count, defaults=None))
        outcome = f"{made} configs"
except tc.ConfigError as error:
    outcome = "refused: " + error.problems[0].message
except BaseException as error:  # the bound this row watches is broken
    outcome = f"CRASHED: {type(error).__name__}"
elapsed = time.perf_counter() - start
print(json.dumps([outcome, elapsed, (high_water() - before) / 1024]))
"""


def _wide_grid(params: int, values: int) -> str:
    return "method: grid\nparameters:\n" + "".join(
        f"  p{i}: {{values: [{', '.join(map(str, range(values)))}]}}\n" for i in range(params)
    )


def _sized(head: str, filler: str, size: int = MAX_BYTES - 64) -> str:
    """``head`` then comment lines of ``filler`` up to about ``size`` bytes (UTF-8)."""
    line = "# " + filler * max(1, 2000 // len(filler.encode())) + "\n"
    return head + line * ((size - len(head.encode())) // len(line.encode()))


_PRIVATE_USE = "".join(map(chr, range(0xE000, 0xF900)))
_DOTTED = "method: random\nparameters:\n  model.width: {values: [32, 64]}\n"
# name: (sweep text, operation, count, target seconds, target MiB)
SWEEP_CASES: dict[str, Callable[[], tuple[str, str, int | None, float, float]]] = {
    "16 MiB sweep, every private-use character (sweep check)": lambda: (
        _sized(_DOTTED, _PRIVATE_USE),
        "check",
        None,
        5.0,
        200.0,
    ),
    "16 MiB sweep, ASCII comments (sweep check)": lambda: (_sized(_DOTTED, "x"), "check", None, 5.0, 200.0),
    "20,000 dotted unknown parameters, 0.6 MB (sweep check)": lambda: (
        "method: grid\nparameters:\n" + "".join(f"  q{i}.lr: {{value: 1}}\n" for i in range(20_000)),
        "check",
        None,
        10.0,
        200.0,
    ),
    "one values list of 1,000,000 entries, 3 MB (sweep check)": lambda: (
        "method: random\nparameters:\n  seed: {values: [" + ", ".join(["7"] * 1_000_000) + "]}\n",
        "check",
        None,
        10.0,
        400.0,
    ),
    "int_uniform grid over 10**12 values (sweep expand --count 1)": lambda: (
        "method: grid\nparameters:\n  seed: {min: 0, max: 1000000000000}\n",
        "expand",
        1,
        1.0,
        20.0,
    ),
    "int_uniform random over 10**12 values (sweep expand --count 1)": lambda: (
        "method: random\nparameters:\n  seed: {min: 0, max: 1000000000000}\n",
        "expand",
        1,
        1.0,
        20.0,
    ),
    "4 KB grid, 10 params x 100 values = 10**20 configs (sweep expand)": lambda: (
        _wide_grid(10, 100),
        "expand",
        None,
        1.0,
        20.0,
    ),
    "the same grid (sweep expand --count 10000)": lambda: (_wide_grid(10, 100), "expand", 10_000, 10.0, 50.0),
    "log_uniform with max 1000 (sweep expand --count 10)": lambda: (
        "method: random\nparameters:\n  temperature: {distribution: log_uniform, min: 0, max: 1000}\n",
        "expand",
        10,
        1.0,
        20.0,
    ),
}


def measure_sweep(text: str, op: str, count: int | None) -> tuple[str, float, float]:
    """The outcome (configs made, problems, or the refusal), seconds, and peak memory added in MiB."""
    result = subprocess.run(
        [sys.executable, "-c", _SWEEP_CHILD, _SWEEP_SCHEMA, op, json.dumps(count)],
        input=text.encode(),
        capture_output=True,
        check=True,
        timeout=600,
    )
    outcome, seconds, peak = json.loads(result.stdout)
    return outcome, seconds, peak


def run_sweeps() -> list[str]:
    """A Markdown table of the sweep worst cases: input, size, outcome, time and memory against targets."""
    lines = [
        "| sweep worst case | size | outcome | time | peak memory added | target | met? |",
        "| --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name, make in SWEEP_CASES.items():
        text, op, count, seconds_target, memory_target = make()
        outcome, seconds, peak = measure_sweep(text, op, count)
        met = (
            "yes"
            if seconds <= seconds_target and peak <= memory_target and "CRASHED" not in outcome
            else "NO"
        )
        lines.append(
            f"| {name} | {len(text.encode()):,} B | {outcome[:70]} | {seconds * 1e3:.1f} ms | {peak:.1f} MiB "
            f"| < {seconds_target:g} s, < {memory_target:g} MiB | {met} |"
        )
    return lines


if __name__ == "__main__":
    if "--problems-only" in sys.argv:
        print("\n".join(run_problems()))
    else:
        print("\n".join([*run(), "", *run_problems()] if "--sweeps-only" not in sys.argv else []))
        print("\n".join(run_sweeps()))
