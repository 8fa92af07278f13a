"""Import time of typed_config against pydantic + PyYAML, in fresh interpreters, and what it pulls in."""

from __future__ import annotations

import compileall
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass

from bench_core import Row, Stat

OURS = "import typed_config"
PEER = "from pydantic import BaseModel, Field; import yaml"
PEER_MODEL = PEER + "\nclass M(BaseModel):\n    x: int = 1"
"""The peer plus one model class: the first class pays for pydantic's plugin lookup (importlib.metadata)."""
BARE = "pass"
MUST_NOT_IMPORT = ("wandb", "absl", "tomllib", "tomli", "argparse", "optuna", "ray")
"""Modules ``import typed_config`` must leave alone: optional integrations, and parsers it uses lazily."""
HEAVY = (
    "asyncio", "concurrent", "email", "http", "urllib", "ssl", "socket", "multiprocessing", "subprocess",
    "tempfile", "shutil", "zipfile", "tarfile", "difflib", "inspect", "ast", "dis", "tokenize", "decimal",
    "fractions", "uuid", "hashlib", "hmac", "secrets", "random", "csv", "json", "xml", "sqlite3", "ctypes",
    "importlib.metadata", "numpy", "yaml", "pydantic", "wandb", "absl", "argparse", "tomllib", "tomli",
)  # fmt: skip
"""Modules worth naming when an import pulls them in: big, or with a big import chain of their own."""

_UNCACHED_SNIPPET = """
import json, os, sys
before = set(sys.modules)
{stmt}
found = []
for name in sorted(set(sys.modules) - before):
    spec = getattr(sys.modules[name], "__spec__", None)
    origin = getattr(spec, "origin", None) or ""
    cached = getattr(spec, "cached", None)
    if origin.endswith(".py") and not (cached and os.path.exists(cached)):
        found.append(name)
print(json.dumps(found))
"""
"""Modules an import compiles from source on every run: no bytecode cache (``__pycache__``) beside them."""

_MODULES_SNIPPET = """
import json, sys
before = set(sys.modules)
{stmt}
print(json.dumps(sorted(set(sys.modules) - before)))
"""


@dataclass
class ImportReport:
    """Import-time rows and the modules each import brings in."""

    rows: list[Row]
    ours_modules: list[str]
    peer_modules: list[str]
    forbidden_found: list[str]
    heavy_ours: list[str]
    heavy_ours_only: list[str]
    uncached: list[str]  # modules compiled from source on every import, by either statement
    slowest: list[tuple[int, int, str]]  # (self us, cumulative us, module) from -X importtime


def _run(args: list[str], cwd: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, check=True)


def _wall(stmt: str, cwd: str) -> float:
    start = time.perf_counter()
    _run(["-c", stmt], cwd)
    return time.perf_counter() - start


def _modules(stmt: str, cwd: str) -> list[str]:
    return json.loads(_run(["-c", _MODULES_SNIPPET.format(stmt=stmt)], cwd).stdout)


def _importtime(stmt: str, cwd: str) -> list[tuple[int, int, str]]:
    """``-X importtime``'s (self, cumulative, module) lines for ``stmt``, slowest self time first."""
    lines = _run(["-X", "importtime", "-c", stmt], cwd).stderr.splitlines()
    out: list[tuple[int, int, str]] = []
    for line in lines:
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        self_us, cumulative_us, name = (part.strip() for part in line[len("import time:") :].split("|"))
        out.append((int(self_us), int(cumulative_us), name.strip()))
    return sorted(out, reverse=True)


def _uncached(stmt: str, cwd: str) -> list[str]:
    return json.loads(_run(["-c", _UNCACHED_SNIPPET.format(stmt=stmt)], cwd).stdout)


def _compile_package() -> None:
    """Write typed_config's bytecode cache, as ``pip install`` does for every wheel it installs.

    The peers' modules were compiled when pip installed them. An editable install writes the
    cache on first import, unless ``PYTHONDONTWRITEBYTECODE`` is set (as in many containers):
    then every ``import typed_config`` compiles ~35 modules from source, ~35 ms that no installed
    copy pays, and the comparison would measure the environment, not the package.
    """
    import typed_config

    compileall.compile_dir(os.path.dirname(typed_config.__file__), quiet=1)


def _is_heavy(module: str) -> bool:
    return any(module == h or module.startswith(h + ".") for h in HEAVY)


def run(runs: int = 15) -> ImportReport:
    """Median wall time of each import over ``runs`` fresh interpreters, minus a bare ``python -c pass``."""
    _compile_package()
    with tempfile.TemporaryDirectory() as cwd:  # no project directory on sys.path: the installed package
        for stmt in (BARE, OURS, PEER, PEER_MODEL):  # warm the bytecode caches and the OS file cache
            _run(["-c", stmt], cwd)
        times: dict[str, list[float]] = {BARE: [], OURS: [], PEER: [], PEER_MODEL: []}
        for _ in range(runs):
            for stmt, found in times.items():
                found.append(_wall(stmt, cwd))
        ours_modules = _modules(OURS, cwd)
        peer_modules = _modules(PEER, cwd)
        slowest = _importtime(OURS, cwd)
        uncached = sorted(set(_uncached(OURS, cwd)) | set(_uncached(PEER, cwd)))
    bare = statistics.median(times[BARE])
    ours, peer, peer_model = (
        Stat([max(t - bare, 1e-9) for t in times[s]], None) for s in (OURS, PEER, PEER_MODEL)
    )
    size = f"{runs} runs"
    rows = [
        Row("3. import (wall - bare python)", size, OURS, ours, PEER, peer, 1.2, "on", by_median=True),
        Row(
            "3. import, peer defines a model",
            size,
            OURS,
            ours,
            "... + class M(BaseModel)",
            peer_model,
            None,
            "on",
            by_median=True,
        ),
    ]
    forbidden = [m for m in MUST_NOT_IMPORT if any(x == m or x.startswith(m + ".") for x in ours_modules)]
    only_ours = sorted(set(ours_modules) - set(peer_modules))
    return ImportReport(
        rows=rows,
        ours_modules=ours_modules,
        peer_modules=peer_modules,
        forbidden_found=forbidden,
        heavy_ours=sorted({h for h in HEAVY for m in ours_modules if m == h or m.startswith(h + ".")}),
        heavy_ours_only=sorted({h for h in HEAVY for m in only_ours if m == h or m.startswith(h + ".")}),
        uncached=uncached,
        slowest=[s for s in slowest if s[2].startswith("typed_config") or s[2] in only_ours][:12],
    )
