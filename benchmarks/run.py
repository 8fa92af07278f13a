"""Run every benchmark, print a Markdown table of typed_config against its peers, and write results.md."""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import subprocess
import sys
import time
import traceback

import bench_bounds
import bench_changes
import bench_compose
import bench_core
import bench_import
import bench_init
import bench_peers
import pydantic
import yaml
from bench_core import Row

import typed_config as tc

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def machine() -> list[str]:
    """Where the numbers were taken: platform, CPUs, Python and the libraries that do the work."""
    cpu = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as handle:
            cpu = next(
                (line.split(":", 1)[1].strip() for line in handle if line.startswith("model name")), cpu
            )
    except OSError:
        pass
    try:
        from yaml import _yaml  # type: ignore[attr-defined]

        libyaml = _yaml.get_version_string()
    except ImportError:
        libyaml = "not available"
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        f"- Platform: {platform.platform()}",
        f"- CPU: {cpu}, {os.cpu_count()} logical CPUs (usable: {len(os.sched_getaffinity(0)) if hasattr(os, 'sched_getaffinity') else '?'})",
        f"- Python: {platform.python_implementation()} {platform.python_version()} ({sys.executable})",
        f"- pydantic {pydantic.VERSION} (pydantic-core {_core_version()}), "
        f"PyYAML {yaml.__version__} (libyaml {libyaml}, C loader: {yaml.__with_libyaml__})",
        f"- typed_config {tc.__version__} from `{os.path.dirname(tc.__file__)}` {_git_state()}",
        f"- Load average (1/5/15 min) when the run started: {load} (other work on the machine adds noise)",
    ]


def _git_state() -> str:
    """The commit measured, and whether typed_config/ had uncommitted changes (read-only git calls)."""
    if os.path.dirname(os.path.dirname(os.path.abspath(tc.__file__))) != REPO:
        return "(not this repository's copy)"
    try:
        head = subprocess.run(
            ["git", "-C", REPO, "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", REPO, "status", "--porcelain", "--", "typed_config"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""
    return f"(repository at {head}{', with uncommitted changes under typed_config/' if dirty else ''})"


def _core_version() -> str:
    import pydantic_core

    return pydantic_core.__version__


def _duration(seconds: float) -> str:
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return (
                f"{seconds / scale:.3g} {unit}" if seconds / scale < 100 else f"{seconds / scale:.0f} {unit}"
            )
    return f"{seconds / 1e-9:.3g} ns"


def _cell(name: str, stat: bench_core.Stat, *, by_median: bool) -> str:
    lead = (
        f"med {_duration(stat.median)} (min {_duration(stat.best)})"
        if by_median
        else (f"{_duration(stat.best)} (med {_duration(stat.median)})")
    )
    share = stat.gc_share
    gc_note = "" if share is None else f", gc {share:.0%}"
    return f"`{name}` {lead}{gc_note}"


def table(rows: list[Row]) -> list[str]:
    """The results as a Markdown table: one line per comparison."""
    lines = [
        "| workload | size | gc | ours | peer | ratio | target | met? |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for row in rows:
        other = row.min_ratio if row.by_median else row.median_ratio
        ratio = f"**{row.ratio:.2f}** ({'min' if row.by_median else 'med'} {other:.2f})"
        met = "-" if row.met is None else ("yes" if row.met else "**NO**")
        lines.append(
            f"| {row.workload} | {row.size} | {row.gc_mode} | {_cell(row.ours_name, row.ours, by_median=row.by_median)} "
            f"| {_cell(row.peer_name, row.peer, by_median=row.by_median)} | {ratio} | {row.target_text} | {met} |"
        )
    return lines


def import_notes(report: bench_import.ImportReport) -> list[str]:
    """What ``import typed_config`` brings into ``sys.modules``, beside what the peer import does."""
    forbidden = ", ".join(report.forbidden_found) or "none"
    lines = [
        "## What `import typed_config` imports",
        "",
        f"- New modules: {len(report.ours_modules)} (the peer import `{bench_import.PEER}`: {len(report.peer_modules)}).",
        f"- Must not import ({', '.join(bench_import.MUST_NOT_IMPORT)}): found **{forbidden}**.",
        f"- Notable modules loaded: {', '.join(report.heavy_ours) or 'none'}.",
        f"- Of those, not loaded by the peer import: {', '.join(report.heavy_ours_only) or 'none'}.",
        "- Bytecode: typed_config's cache is written first (`compileall`, as `pip install` does for a wheel);"
        f" modules still compiled from source on every import: {', '.join(report.uncached) or 'none'}.",
        "",
        "Slowest modules by self time (`-X importtime`), typed_config's own or loaded only because of it:",
        "",
        "| self | cumulative | module |",
        "| --- | --- | --- |",
    ]
    lines += [f"| {s / 1000:.2f} ms | {c / 1000:.2f} ms | `{name}` |" for s, c, name in report.slowest]
    return lines


def profile(rows: list[Row], top: int = 22) -> list[str]:
    """cProfile, for each workload, the size furthest from its target (ours / peer / target highest).

    Only workloads that miss a target are profiled, and always the worst of them all.
    """
    candidates = [r for r in rows if r.profile is not None and r.target is not None]
    if not candidates:
        return []
    worst_of_all = max(candidates, key=lambda r: r.ratio / (r.target or 1.0))
    by_workload: dict[str, Row] = {}
    for row in candidates:
        family = row.workload[:2]
        best = by_workload.get(family)
        if best is None or row.ratio / (row.target or 1.0) > best.ratio / (best.target or 1.0):
            by_workload[family] = row
    chosen = [r for r in by_workload.values() if r is worst_of_all or r.met is False]
    lines: list[str] = []
    for row in sorted(chosen, key=lambda r: -r.ratio / (r.target or 1.0)):
        profiler = cProfile.Profile()
        if row.gc_mode == "off":
            gc.disable()
        calls = 0
        start = time.perf_counter()
        try:
            while calls == 0 or time.perf_counter() - start < 0.5:  # enough calls for readable totals
                profiler.runcall(row.profile)  # type: ignore[arg-type]
                calls += 1
        finally:
            gc.enable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(top)
        text = out.getvalue()
        text = text[text.find("   ncalls") :] if "   ncalls" in text else text
        lines += [
            f"## Profile: {row.workload}, {row.size}, gc {row.gc_mode} "
            f"(ratio {row.ratio:.2f}, target {row.target_text})",
            "",
            f"{calls} call(s) of the `ours` side under cProfile (collector {row.gc_mode}; cProfile inflates",
            "Python-level calls against C ones), sorted by own time:",
            "",
            "```",
            *(line.replace(REPO + os.sep, "") for line in text.rstrip().splitlines()),
            "```",
            "",
        ]
    return lines


def peers(repeats: int, import_runs: int) -> list[str]:
    """The "Against the peers" section (measured in a child interpreter); a failure there is reported."""
    try:
        peer_rows = bench_peers.run(repeats=repeats, import_runs=import_runs)
    except Exception as exc:  # noqa: BLE001 - a peer's API change must not cost the rest of the results
        traceback.print_exc()
        return ["## Against the peers", "", f"Not measured: {type(exc).__name__}: {exc}", ""]
    return [*bench_peers.section(peer_rows, _duration), ""]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer repeats (a smoke run; noisier numbers)")
    parser.add_argument("--no-profile", action="store_true", help="skip the cProfile section")
    parser.add_argument("--no-peers", action="store_true", help="skip the 'Against the peers' section")
    parser.add_argument(
        "--output", default=os.path.join(HERE, "results.md"), help="where to write the Markdown"
    )
    args = parser.parse_args()
    repeats, import_runs, peer_import_runs = (3, 5, 5) if args.quick else (7, 15, 11)

    started = time.perf_counter()
    rows = (
        bench_core.run(repeats=repeats)
        + bench_init.run(repeats=repeats)
        + bench_compose.run(repeats=repeats)
        + bench_changes.run(repeats)
    )
    report = bench_import.run(runs=import_runs)
    rows = sorted([*rows, *report.rows], key=lambda r: r.workload[:2])  # stable: workload order, then size
    peer_lines = [] if args.no_peers else peers(repeats, peer_import_runs)
    lines = [
        "# typed_config benchmarks",
        "",
        *machine(),
        "",
        "Times are per call: the minimum over the repeats, with the median beside it (import times: the",
        "median over fresh interpreters, bare `python -c pass` subtracted). `ratio` is ours / peer, judged",
        "on minima (medians for imports). `gc on` is the default interpreter; `gc off` switches the",
        "collector off during the timed calls only, to show the work itself: at 20,000 leaves most of a",
        "load is spent in full collections triggered by the YAML node tree, whose cost grows with",
        "everything else alive in the process. `gc NN%` is the share of the median call spent collecting.",
        "",
        "The generated schemas nest a root, groups and subgroups of 20 leaves (int, float, str, bool,",
        "list of ints). Workload 2 also runs on four other nestings of as many leaves: each group's",
        "first 20 leaves in the group itself; subgroups typed as a union of two classes; a",
        "`dict[str, int]` field in every subgroup; many small groups, four deep. `flatten` copies a",
        "model whose fields are plain (scalars, Literals, enums, lists and tuples of scalars, dicts of",
        "scalars), and a model of such models, at C speed; a dict's entries go in their places by a",
        "layout made once for the keys the dicts hold.",
        "",
        *table(rows),
        "",
        *peer_lines,
        *import_notes(report),
        "",
        "## Hostile inputs",
        "",
        "Each loaded in a fresh interpreter; peak memory is the resident peak it adds (input included).",
        "",
        *bench_bounds.run(),
        "",
        "Files with as many problems as fit in the size limit: refused in time linear in their size,",
        "the message listing the first 100 problems and counting the rest. The target is on CPU time",
        "(the machine is shared); the time column is wall-clock.",
        "",
        *bench_bounds.run_problems(),
        "",
        "## Sweep worst cases",
        "",
        "Each checked or expanded in a fresh interpreter (`typed_config.sweep`), against its target.",
        "",
        *bench_bounds.run_sweeps(),
        "",
    ]
    if not args.no_profile:
        lines += profile(rows)
    lines.append(f"Total benchmark time: {time.perf_counter() - started:.0f} s.")
    text = "\n".join(lines) + "\n"
    print(text)
    with open(args.output, "w", encoding="utf-8") as handle:
        handle.write(text)
    write_docs(text.replace("# typed_config benchmarks", "# Benchmarks\n\nWritten by `make bench`.", 1))
    return 0


HAND_WRITTEN = "<!-- Written by hand from here on: make bench keeps it. -->"
"""The line in docs/benchmarks.md past which the page is notes on earlier runs, not this run's tables."""


def write_docs(text: str) -> None:
    """Write this run's tables to docs/benchmarks.md, keeping its hand-written part, all at once."""
    path = os.path.join(REPO, "docs", "benchmarks.md")
    try:
        with open(path, encoding="utf-8") as handle:
            old = handle.read()
    except FileNotFoundError:
        old = ""
    at = old.find(HAND_WRITTEN)
    if at >= 0:
        text += "\n" + old[at:]
    partial = path + ".partial"
    with open(partial, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.replace(partial, path)


if __name__ == "__main__":
    sys.exit(main())
