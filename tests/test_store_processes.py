"""The run store with real processes: writers killed with SIGKILL, concurrent writers, launchers.

Every child is a plain script in ``tests/procs`` run with ``sys.executable``, in ``tmp_path``, with
no launcher variables unless the test sets them. The schema they share is ``procs/proc_schema.py``.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import pytest
from procs.proc_schema import CONFIG_A, CONFIG_B, DictParams, ProcParams

import typed_config as tc
from typed_config._run.folder import RunFolder

PROCS = Path(__file__).parent / "procs"
LAUNCHER_VARS = ("RANK", "WORLD_SIZE", "LOCAL_RANK", "TORCHELASTIC_RUN_ID", "TYPED_CONFIG_RUN_ID")
TEMP = re.compile(r"^\.(config\.yaml|provenance\.json|meta\.json)\.[A-Za-z0-9_]+\.tmp$")


def require(condition: bool, message: str) -> None:
    """A precondition: its failure is a plain test failure, never taken for an xfail's expected one."""
    if not condition:
        pytest.fail(message)


def child_env(**launcher: str) -> dict[str, str]:
    """This process's environment without launcher variables, plus ``launcher``; children import proc_schema."""
    env = {k: v for k, v in os.environ.items() if k not in LAUNCHER_VARS and not k.startswith("SLURM_")}
    env["PYTHONPATH"] = os.pathsep.join([str(PROCS), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.update(launcher)
    return env


class Children:
    """The processes a test starts; whatever is still alive at the end is killed, by pid."""

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.started: list[subprocess.Popen[str]] = []
        self.grandchildren: list[int] = []  # forked by a child: killed by pid at the end

    def start(self, script: str, *args: str, stdin: bool = False, **launcher: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [sys.executable, str(PROCS / script), *args],
            cwd=self.cwd,
            env=child_env(**launcher),
            stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.started.append(proc)
        return proc

    def finish(self, proc: subprocess.Popen[str], timeout: float = 30) -> str:
        """Wait for ``proc``; it must succeed. Its stdout."""
        out, err = proc.communicate(timeout=timeout)
        require(proc.returncode == 0, f"{proc.args} failed ({proc.returncode}):\n{err}")
        return out

    def cleanup(self) -> None:
        for pid in self.grandchildren:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        for proc in self.started:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
            for stream in (proc.stdin, proc.stdout, proc.stderr):
                if stream is not None:
                    with contextlib.suppress(OSError):
                        stream.close()


@pytest.fixture
def children(tmp_path: Path) -> Iterator[Children]:
    kids = Children(tmp_path)
    yield kids
    kids.cleanup()


@pytest.fixture
def root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """``tmp_path/runs``; this process runs in tmp_path without launcher variables too."""
    monkeypatch.chdir(tmp_path)
    for name in [*LAUNCHER_VARS, *(k for k in os.environ if k.startswith("SLURM_"))]:
        monkeypatch.delenv(name, raising=False)
    return tmp_path / "runs"


def new_run(root: Path, config: dict[str, Any] | None = None) -> str:
    """Create a run in project ``p`` from this process; its "p/<id>" path."""
    run = tc.init(ProcParams, argv=[], dir=root, project="p", defaults=None, config=config)
    run.finish()
    return f"p/{run.id}"


def stored(root: Path, path: str) -> ProcParams:
    return tc.load(ProcParams, root / path / "config.yaml")


def temp_files(run_dir: Path) -> set[str]:
    return {p.name for p in run_dir.iterdir() if p.name.endswith(".tmp")}


def read_line(stream: IO[str] | None) -> list[str]:
    assert stream is not None
    line = stream.readline()
    require(bool(line), "the child ended without a word")
    return line.split()


def touch(path: Path) -> None:
    path.write_text("go\n")


# 1. Fault injection -------------------------------------------------------------------------------

KILLS = 200
FRESH_KILLS = 8  # of KILLS: children started from scratch; the rest are forked from a warm server


def check_after_kill(run_dir: Path, before: set[str], seen: Counter[str], note: str) -> set[str]:
    """The stored run is whole: config.yaml is one of the two configs, the JSON files parse.

    A kill between creating the temp file and os.replace leaves that write's temp file behind (a third of the
    kills or so here); nothing removes them later (see the xfail test at the end). One kill can
    leave at most one: a writer writes its files one after the other.
    """
    config = tc.load(ProcParams, run_dir / "config.yaml").model_dump()
    assert config in (CONFIG_A, CONFIG_B), f"{note}: config.yaml is neither config: {config}"
    seen[config["name"]] += 1
    for name in ("meta.json", "provenance.json"):
        assert isinstance(json.loads((run_dir / name).read_text()), dict), f"{note}: {name}"
    now = temp_files(run_dir)
    assert all(TEMP.match(name) for name in now), f"{note}: unexpected files {now}"
    assert len(now - before) <= 1, f"{note}: one kill left several temp files: {now - before}"
    return now


@pytest.mark.timeout(90)
def test_a_writer_killed_at_random_moments_never_leaves_a_partial_config(
    root: Path, children: Children
) -> None:
    path = new_run(root, CONFIG_A)
    run_dir = root / path
    project, run_id = path.split("/")
    seed = int.from_bytes(os.urandom(4), "big")
    rng = random.Random(seed)  # noqa: S311 - when to kill, not a secret
    temps: set[str] = set()
    seen: Counter[str] = Counter()

    for k in range(FRESH_KILLS):  # a whole process: start, resume the run, write, killed
        proc = children.start("writer.py", "once", str(root), project, run_id)
        assert read_line(proc.stdout)[0] == "ready"
        time.sleep(rng.uniform(0, 0.03))
        proc.send_signal(signal.SIGKILL)
        proc.communicate(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        temps = check_after_kill(run_dir, temps, seen, f"fresh kill {k} (seed {seed})")

    server = children.start("writer.py", "serve", str(root), project, run_id, stdin=True)
    assert server.stdin is not None
    for k in range(KILLS - FRESH_KILLS):
        # A quarter of the workers say "ready" before init, so kills land in resume's writes too.
        server.stdin.write("go early\n" if rng.random() < 0.25 else "go late\n")
        server.stdin.flush()
        word, pid = read_line(server.stdout)
        assert word == "ready"
        children.grandchildren.append(int(pid))
        time.sleep(rng.uniform(0, 0.03))
        os.kill(int(pid), signal.SIGKILL)
        assert read_line(server.stdout) == ["dead", pid, str(int(signal.SIGKILL))]
        temps = check_after_kill(run_dir, temps, seen, f"kill {k} (seed {seed})")
    server.stdin.close()
    assert server.wait(timeout=10) == 0

    # After all that the run still opens and takes an update.
    handle = tc.Api(root).run(path, schema=ProcParams)
    handle.config["steps"] = 12345
    handle.update()
    assert stored(root, path).steps == 12345
    assert set(seen) == {"alpha", "beta"}, seen  # the workers did write between the kills
    assert len(temps) <= KILLS
    print(f"\n{KILLS} kills (seed {seed}): configs seen {dict(seen)}, {len(temps)} temp files left")


# 2. Concurrent writers ----------------------------------------------------------------------------

UPDATES = 100


@pytest.mark.timeout(60)
@pytest.mark.parametrize(
    ("mode_a", "mode_b"),
    [("keep", "reopen"), ("live", "keep"), ("live", "live")],
    ids=["api-handle+api-reopen", "live-run+api-handle", "live-run+live-run"],
)
def test_concurrent_writers_of_different_keys_lose_nothing(
    root: Path, children: Children, tmp_path: Path, mode_a: str, mode_b: str
) -> None:
    path = new_run(root)
    barrier = tmp_path / "barrier"
    a = children.start("updater.py", str(root), path, "epochs", str(UPDATES), mode_a, str(barrier))
    b = children.start("updater.py", str(root), path, "steps", str(UPDATES), mode_b, str(barrier))
    for proc in (a, b):
        assert read_line(proc.stdout)[0] == "ready"
    touch(barrier)
    assert children.finish(a).split() == ["done", "epochs", str(UPDATES)]
    assert children.finish(b).split() == ["done", "steps", str(UPDATES)]
    config = stored(root, path)
    assert (config.epochs, config.steps) == (UPDATES, UPDATES)
    # Provenance is read, extended and written under the lock too: no entry is lost either.
    provenance = json.loads((root / path / "provenance.json").read_text())
    assert [e["value"] for e in provenance["epochs"][-UPDATES:]] == list(range(1, UPDATES + 1))
    assert [e["value"] for e in provenance["steps"][-UPDATES:]] == list(range(1, UPDATES + 1))
    meta = json.loads((root / path / "meta.json").read_text())
    assert meta["config_fingerprint"] == tc.fingerprint(config)


@pytest.mark.timeout(60)
def test_concurrent_writers_of_the_same_key_conflict_and_never_lose_an_update(
    root: Path, children: Children, tmp_path: Path
) -> None:
    # Each process re-reads, appends its own entry to a list and retries when its update is refused
    # as a conflict: a conflict that went unnoticed would lose an entry.
    path = new_run(root)
    barrier = tmp_path / "barrier"
    procs = [
        children.start("updater.py", str(root), path, "notes", str(UPDATES), "retry", str(barrier))
        for _ in range(2)
    ]
    for proc in procs:
        assert read_line(proc.stdout)[0] == "ready"
    touch(barrier)
    outputs = [children.finish(proc).split() for proc in procs]
    notes = stored(root, path).notes
    for proc in procs:
        mine = [n for n in notes if n.startswith(f"{proc.pid}:")]
        assert mine == [f"{proc.pid}:{i}" for i in range(UPDATES)]
    assert len(notes) == 2 * UPDATES
    print(f"\nconflicts retried: {[int(out[3]) for out in outputs]}")


@pytest.mark.timeout(120)
def test_writers_adding_keys_to_one_dict_field_lose_none(
    root: Path, children: Children, tmp_path: Path
) -> None:
    # Each process copies the dict, adds its key and assigns the whole dict back: the update is the
    # key it added, applied to the dict as stored now.
    run = tc.init(DictParams, argv=[], dir=root, project="p", defaults=None)
    run.finish()
    path = f"p/{run.id}"
    barrier = tmp_path / "barrier"
    procs = [
        children.start("editor.py", "counters", str(root), path, str(barrier), who, str(UPDATES))
        for who in ("a", "b")
    ]
    for proc in procs:
        assert read_line(proc.stdout)[0] == "ready"
    touch(barrier)
    assert [children.finish(proc, timeout=100).split() for proc in procs] == [["done"], ["done"]]
    counters = tc.load(DictParams, root / path / "config.yaml").counters
    assert counters == {f"{who}{i}": i for who in ("a", "b") for i in range(UPDATES)}


@pytest.mark.timeout(120)
def test_an_api_edit_made_while_the_run_is_live_is_never_lost(
    root: Path, children: Children, tmp_path: Path
) -> None:
    # The live run changes steps and epochs in turn; an editor sets epochs through Api meanwhile.
    # Each acknowledged edit must be read by someone before it is replaced: by the editor's next
    # edit, or by the live run, whose change to epochs is then refused as a conflict naming the key
    # (the run takes the edited value). Writing over it unseen would lose it.
    run = tc.init(DictParams, argv=[], dir=root, project="p", defaults=None)
    run.finish()
    path = f"p/{run.id}"
    barrier, stop = tmp_path / "barrier", tmp_path / "stop"
    live = children.start("editor.py", "live", str(root), path, str(barrier), str(stop))
    editor = children.start("editor.py", "edit", str(root), path, str(barrier), str(UPDATES), str(stop))
    for proc in (live, editor):
        assert read_line(proc.stdout)[0] == "ready"
    touch(barrier)
    edits = json.loads(children.finish(editor, timeout=100))
    lived = json.loads(children.finish(live, timeout=30))
    final = tc.load(DictParams, root / path / "config.yaml").epochs
    known = {final, *lived["seen"], *edits["read"]}
    lost = [value for value in edits["acknowledged"] if value not in known]
    assert lost == [], f"{len(lost)} of {UPDATES} acknowledged edits lost"
    assert len(edits["acknowledged"]) == UPDATES
    print(f"\nlive run: {lived['changes']} changes, {len(lived['seen'])} conflicts on epochs")


def test_two_handles_changing_the_same_key_conflict_unless_overwrite(
    root: Path, children: Children, tmp_path: Path
) -> None:
    path = new_run(root)
    api = tc.Api(root)
    mine = api.run(path, schema=ProcParams)
    other_key = api.run(path, schema=ProcParams)
    barrier = tmp_path / "barrier"
    touch(barrier)
    other = children.start("updater.py", str(root), path, "epochs", "1", "keep", str(barrier))
    assert children.finish(other).split()[-3:] == ["done", "epochs", "1"]

    mine.config["epochs"] = 50
    with pytest.raises(tc.ConfigError) as info:
        mine.update()
    assert [p.key for p in info.value.problems] == ["epochs"]
    assert "another writer changed it since this run was read (now 1)" in str(info.value)
    assert stored(root, path).epochs == 1  # nothing written

    other_key.config["steps"] = 9  # a stale handle changing another key: no conflict
    other_key.update()
    assert (stored(root, path).epochs, stored(root, path).steps) == (1, 9)

    mine.update(overwrite=True)
    assert (stored(root, path).epochs, stored(root, path).steps) == (50, 9)


# 3. A lock whose holder was killed ----------------------------------------------------------------


@pytest.mark.timeout(30)
def test_a_lock_held_by_a_killed_process_does_not_block(root: Path, children: Children) -> None:
    path = new_run(root)
    holder = children.start("locker.py", str(root / path))
    assert read_line(holder.stdout) == ["locked"]
    with (
        pytest.raises(tc.ConfigError, match="another process has held the run's lock"),
        RunFolder(root / path).lock(0.2),
    ):
        pass  # the child really holds it

    holder.send_signal(signal.SIGKILL)
    holder.communicate(timeout=10)
    handle = tc.Api(root).run(path, schema=ProcParams)
    handle.config["epochs"] = 3
    handle.update()  # a lock still held would refuse this after the lock's timeout
    assert stored(root, path).epochs == 3


# 4. Distributed launchers and run ids -------------------------------------------------------------

WORLD = 8
Proc = tuple[dict[str, str], tuple[str, ...]]  # one process's launcher variables and extra arguments


def launch(children: Children, root: Path, go: Path, procs: list[Proc]) -> list[dict[str, Any]]:
    """Start rank.py processes, let them go together; each one's JSON line, in the order given."""
    started = [children.start("rank.py", str(root), "p", str(go), *args, **env) for env, args in procs]
    touch(go)
    return [json.loads(children.finish(proc)) for proc in started]


def job(world: int, rank_var: str, args: tuple[str, ...] = (), **env: str) -> list[Proc]:
    return [({**env, rank_var: str(rank)}, args) for rank in range(world)]


JOBS = {
    "torchrun": (job(WORLD, "RANK", WORLD_SIZE=str(WORLD), TORCHELASTIC_RUN_ID="job42"), "job42"),
    "slurm": (
        job(WORLD, "SLURM_PROCID", SLURM_NTASKS=str(WORLD), SLURM_JOB_ID="1234", SLURM_STEP_ID="5"),
        "slurm-1234.5",
    ),
    "explicit-id-beats-torchrun": (
        job(WORLD, "RANK", WORLD_SIZE=str(WORLD), TORCHELASTIC_RUN_ID="job42", TYPED_CONFIG_RUN_ID="mine"),
        "mine",
    ),
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("launcher", list(JOBS))
def test_the_ranks_of_a_job_share_one_run_that_only_rank_zero_writes(
    root: Path, children: Children, tmp_path: Path, launcher: str
) -> None:
    procs, run_id = JOBS[launcher]
    lines = launch(children, root, tmp_path / "go", procs)
    assert [line["rank"] for line in lines] == list(range(WORLD))
    assert [line["id"] for line in lines] == [run_id] * WORLD
    assert [line["steps"] for line in lines] == [7] * WORLD
    assert [line["epochs"] for line in lines] == [0, 999, *[0] * (WORLD - 2)]  # rank 1's own change
    assert sorted(p.name for p in (root / "p").iterdir()) == [run_id]
    config = stored(root, f"p/{run_id}")
    assert (config.steps, config.epochs) == (7, 0)  # rank 1's change stayed in its memory
    assert json.loads((root / "p" / run_id / "meta.json").read_text())["argv"] == ["--steps=7"]


@pytest.mark.timeout(60)
def test_concurrent_single_processes_get_distinct_run_ids(
    root: Path, children: Children, tmp_path: Path
) -> None:
    count = 20
    lines = launch(children, root, tmp_path / "go", [({}, (str(100 + i),)) for i in range(count)])
    ids = [line["id"] for line in lines]
    assert len(set(ids)) == count
    assert sorted(p.name for p in (root / "p").iterdir()) == sorted(ids)
    # Each process wrote its own folder: the folder holds that process's --steps.
    assert [line["steps"] for line in lines] == list(range(100, 100 + count))
    assert [stored(root, f"p/{line['id']}").steps for line in lines] == list(range(100, 100 + count))


@pytest.mark.timeout(60)
def test_run_ids_sort_by_creation_time(root: Path, children: Children, tmp_path: Path) -> None:
    count = 20
    procs = [children.start("rank.py", str(root), "p", str(tmp_path / f"go{i}")) for i in range(count)]
    ids = []
    for i, proc in enumerate(procs):  # released one at a time, each after the last one's run exists
        touch(tmp_path / f"go{i}")
        ids.append(json.loads(children.finish(proc))["id"])
        time.sleep(0.002)
    assert ids == sorted(ids)
    assert len(set(ids)) == count
    assert [run.id for run in tc.Api(root).runs("p")] == ids  # oldest first


# Bugs found, kept as the correct behaviour --------------------------------------------------------


@pytest.mark.timeout(60)
def test_two_torchrun_jobs_with_the_default_rdzv_id_keep_two_runs(
    root: Path, children: Children, tmp_path: Path
) -> None:
    # What torchrun sets without --rdzv-id (whose default is "none") and without --standalone.
    for steps in ("7", "8"):
        ranks = job(2, "RANK", (steps,), WORLD_SIZE="2", TORCHELASTIC_RUN_ID="none")
        launch(children, root, tmp_path / f"go{steps}", ranks)
    kept = sorted(stored(root, f"p/{p.name}").steps for p in (root / "p").iterdir())
    assert kept == [7, 8]


@pytest.mark.timeout(60)
def test_resume_true_picks_the_newest_run_when_a_launcher_named_one(
    root: Path, children: Children, tmp_path: Path
) -> None:
    launch(children, root, tmp_path / "go1", job(2, "RANK", WORLD_SIZE="2", TORCHELASTIC_RUN_ID="job42"))
    newest = launch(children, root, tmp_path / "go2", [({}, ())])[0]["id"]
    run = tc.init(ProcParams, argv=[], dir=root, project="p", defaults=None, resume=True)
    run.finish()
    assert run.id == newest
    assert [r.id for r in tc.Api(root).runs("p")] == ["job42", newest]  # oldest first


def crash(children: Children, root: Path, path: str, point: str) -> None:
    """A live run writing CONFIG_B kills itself with SIGKILL at ``point`` of writing config.yaml."""
    proc = children.start("crasher.py", str(root), path, point)
    _, err = proc.communicate(timeout=30)
    require(proc.returncode == -signal.SIGKILL, f"the crasher was not killed ({proc.returncode}):\n{err}")


@pytest.mark.timeout(30)
def test_meta_fingerprint_matches_the_config_after_a_killed_write(root: Path, children: Children) -> None:
    path = new_run(root, CONFIG_A)
    crash(children, root, path, "after-rename")
    config = stored(root, path)
    require(config.model_dump() == CONFIG_B, "the new config was in place when the writer died")
    opened = tc.Api(root).run(path, schema=ProcParams)
    assert opened.meta["config_fingerprint"] == tc.fingerprint(config)


@pytest.mark.timeout(30)
def test_the_next_writer_removes_temp_files_a_killed_writer_left(root: Path, children: Children) -> None:
    path = new_run(root, CONFIG_A)
    crash(children, root, path, "before-rename")
    require(stored(root, path).model_dump() == CONFIG_A, "the old config stays, whole")
    require(len(temp_files(root / path)) == 1, "the killed write left its temp file")
    handle = tc.Api(root).run(path, schema=ProcParams)
    handle.config["steps"] = 5
    handle.update()  # the next writer holds the lock: no other writer can own a temp file now
    assert temp_files(root / path) == set()


@pytest.mark.timeout(30)
def test_resuming_keeps_a_change_another_process_made_while_it_started(
    root: Path, children: Children, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = new_run(root)
    barrier = tmp_path / "barrier"
    touch(barrier)
    real_init = tc.Run.__init__

    def another_process_writes_first(self: tc.Run[ProcParams], *args: Any, **kwargs: Any) -> None:
        # init has read the stored run; before the Run it builds writes, another process changes a key.
        monkeypatch.setattr(tc.Run, "__init__", real_init)
        other = children.start("updater.py", str(root), path, "steps", "1", "keep", str(barrier))
        require(children.finish(other).split()[-3:] == ["done", "steps", "1"], "the other process wrote")
        require(stored(root, path).steps == 1, "the other process's change is stored")
        real_init(self, *args, **kwargs)

    monkeypatch.setattr(tc.Run, "__init__", another_process_writes_first)
    run = tc.init(ProcParams, argv=[], dir=root, project="p", defaults=None, resume=path.split("/")[1])
    run.finish()
    assert stored(root, path).steps == 1
