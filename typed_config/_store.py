"""Run folders on disk: ids, the distributed launcher's rank, atomic writes, reading back, locking.

A run folder is ``<root>/<project>/<run_id>/`` holding ``config.yaml`` (the desc/value format,
which wandb's loader and ``load`` both read), ``provenance.json`` (every key's chain of origins;
changes since it was written are appended to ``provenance.jsonl``, see ``_history``) and ``meta.json`` (the schema's import path and fingerprints, created time, argv, version).
Every file is written atomically; writers of one run serialise on an advisory lock that the
system releases when a process dies, so a killed writer never blocks the others.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import re
import time
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import Any, Final, NamedTuple

from typed_config._errors import ConfigError, Origin, Problem, show
from typed_config._fs import NEW_FILE_MODE, atomic_write
from typed_config._history import dumps
from typed_config._keys import is_dict
from typed_config._layers import Layer
from typed_config._sources.files import file_layer

CONFIG: Final = "config.yaml"
META: Final = "meta.json"
_LOCK: Final = ".lock"
_LOCK_FLAGS: Final = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC
LOCK_TIMEOUT: Final = 30.0
"""Seconds a writer waits for another one before giving up with a clear error."""


class Launcher(NamedTuple):
    """What a distributed launcher (torchrun, SLURM) says about this process."""

    rank: int
    run_id: str | None  # shared by every rank of one job, when the job has several


def launcher(environ: Mapping[str, str] | None = None) -> Launcher:
    """This process's rank, and the run id its job's ranks share (None outside a multi-rank job)."""
    env = os.environ if environ is None else environ
    if "RANK" in env and "WORLD_SIZE" in env:
        rank, world = _int(env["RANK"]), _int(env["WORLD_SIZE"])
    elif "SLURM_PROCID" in env:
        rank, world = _int(env["SLURM_PROCID"]), _int(env.get("SLURM_NTASKS", "1"))
    else:
        rank, world = 0, 1
    job = env.get("TYPED_CONFIG_RUN_ID")
    if job is None and world > 1:
        elastic = env.get("TORCHELASTIC_RUN_ID")
        # torchrun without --rdzv-id says "none": every such job would share one folder.
        job = (elastic if elastic and elastic != "none" else None) or _slurm_job(env)
    if not job:
        return Launcher(rank, None)
    variable = next(
        (v for v in ("TYPED_CONFIG_RUN_ID", "TORCHELASTIC_RUN_ID", "SLURM_JOB_ID") if env.get(v) == job),
        "SLURM_JOB_ID",
    )
    return Launcher(rank, check_name(_safe_id(job), Origin(text=f"${variable}"), "run id"))


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        return 0


def _slurm_job(env: Mapping[str, str]) -> str | None:
    job = env.get("SLURM_JOB_ID")
    step = env.get("SLURM_STEP_ID")
    return f"slurm-{job}.{step}" if job and step else (f"slurm-{job}" if job else None)


def _safe_id(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]", "_", text)[:100] or "run"


def check_name(name: str, origin: Origin, what: str = "run id") -> str:
    """``name`` when it can name one folder inside its parent: a run id or a project.

    Raises:
        ConfigError: the name is empty, ``.`` or ``..``, or holds a ``/`` (or the system's other
            separator) or a NUL; it would name another folder, or none.
    """
    separators = {"/", "\0", *([os.sep, os.altsep] if os.altsep else [os.sep])}
    if name in ("", ".", "..") or any(c in name for c in separators):
        message = (
            f"{what} {show(name)} cannot name a folder: it must not be empty, '.' or '..', or hold '/' or NUL"
        )
        raise ConfigError([Problem(None, message, origin)])
    return name


def new_run_id() -> str:
    """A fresh id that sorts by creation time: ``20261129-184512-123456-3fa9``."""
    import secrets  # kept out of import time

    now = time.time()
    return (
        time.strftime("%Y%m%d-%H%M%S", time.gmtime(now)) + f"-{int(now % 1 * 1e6):06d}-{secrets.token_hex(2)}"
    )


def create_run_dir(project_dir: Path, run_id: str | None) -> tuple[str, Path]:
    """Make the run's folder, with a fresh id unless the launcher's job gives one.

    Raises:
        ConfigError: the job's folder holds a run already (a requeued job): resume it or rename;
            or it is a symbolic link.
    """
    project_dir.mkdir(parents=True, exist_ok=True)
    if run_id is not None:
        check_name(run_id, Origin(path=str(project_dir)))
        (project_dir / run_id).mkdir(exist_ok=True)
        if (project_dir / run_id).is_symlink():  # a folder prepared elsewhere: not this run's to fill
            message = "the job's run folder is a symbolic link; typed_config does not write through links"
            raise _bad(project_dir / run_id, message)
        if (project_dir / run_id / CONFIG).exists():
            message = (
                f"a run {run_id!r} is stored here already: continue it with resume={run_id!r}, "
                "or give this job another id with TYPED_CONFIG_RUN_ID"
            )
            raise _bad(project_dir / run_id, message)
        return run_id, project_dir / run_id
    while True:  # mkdir is atomic: two processes never get the same folder
        fresh = new_run_id()
        try:
            (project_dir / fresh).mkdir()
        except FileExistsError:
            continue
        return fresh, project_dir / fresh


def latest_run(project_dir: Path) -> str | None:
    """The most recent run of a project, by the creation time its ``meta.json`` records."""
    runs = run_folders(project_dir)
    return runs[-1].name if runs else None


def run_folders(project_dir: Path) -> list[Path]:
    """A project's run folders, oldest first (a launcher's job id does not sort by time)."""
    if not project_dir.is_dir():
        return []
    found = [p for p in project_dir.iterdir() if (p / CONFIG).is_file()]
    return sorted(found, key=lambda p: (_created(p), p.name))


def _created(run_dir: Path) -> int:
    try:
        value = json.loads((run_dir / META).read_text(encoding="utf-8")).get("created_ns")
    except (OSError, ValueError, AttributeError):
        return 0
    return value if isinstance(value, int) else 0


STATUSES: Final = ("running", "finished", "crashed", "killed")
"""What ``meta.json`` says of a run's process: ``status``, with ``started`` and ``ended`` times."""


def now_text() -> str:
    """The time now, as ``meta.json`` records it (UTC, ISO 8601)."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def run_status(meta: Mapping[str, Any]) -> str | None:
    """A run's status as ``meta.json`` has it, with one correction that reading can make without writing.

    A run still marked ``running`` whose process, on this host, is gone died without finishing
    (killed by SIGKILL, or the machine's out-of-memory killer): it shows as ``crashed``.
    """
    status = meta.get("status")
    if status != "running":
        return status if isinstance(status, str) else None
    pid, host = meta.get("pid"), meta.get("host")
    if isinstance(pid, int) and host == _host() and not _alive(pid):
        return "crashed"
    return "running"


def _host() -> str:
    import socket  # kept out of import time

    return socket.gethostname()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


def process_fields() -> dict[str, Any]:
    """What ``meta.json`` records of a starting run's process: running, since now, with its pid and host."""
    return {"status": "running", "started": now_text(), "ended": None, "pid": os.getpid(), "host": _host()}


def mark_status(run_dir: Path, status: str, **fields: Any) -> dict[str, Any]:
    """Record a run's status (and its end time) in its ``meta.json``, patching the file as it is now.

    Returns:
        The meta data written.

    Raises:
        ConfigError: ``meta.json`` cannot be read, or the lock is a symbolic link.
    """
    with locked(run_dir):
        meta = read_json(run_dir / META)
        meta.update(status=status, ended=now_text() if status != "running" else None, **fields)
        write_json(run_dir / META, meta)
    return meta


LAUNCH_VARIABLES: Final = ("TYPED_CONFIG_LAUNCH", "TYPED_CONFIG_LAUNCH_INDEX", "TYPED_CONFIG_LAUNCH_DIR")
"""What ``typed-config launch`` puts in each job's environment, beside ``TYPED_CONFIG_RUN_ID``."""


def launch_of(environ: Mapping[str, str] | None = None) -> dict[str, Any] | None:
    """The launch this process is a job of, as ``meta.json`` records it: its id and the config's index."""
    env = os.environ if environ is None else environ
    launch, index = env.get("TYPED_CONFIG_LAUNCH"), env.get("TYPED_CONFIG_LAUNCH_INDEX", "")
    if not launch or not index.isdigit():
        return None
    return {"id": launch, "index": int(index)}


def note_launched_run(run_dir: Path, environ: Mapping[str, str] | None = None) -> None:
    """Tell the launch this job belongs to where its run folder is: ``LAUNCH_DIR/runs/0001.path``."""
    env = os.environ if environ is None else environ
    found, folder = launch_of(env), env.get("TYPED_CONFIG_LAUNCH_DIR")
    if found is None or not folder or not os.path.isdir(folder):
        return
    notes = Path(folder) / "runs"
    try:
        notes.mkdir(exist_ok=True)
        atomic_write(notes / f"{found['index']:04d}.path", str(run_dir.resolve()) + "\n")
    except (OSError, ConfigError):  # the launch folder is the launcher's: the run goes on without the note
        pass


def write_json(path: Path, data: Any) -> None:
    """Write JSON atomically.

    Text is kept readable (not escaped to ASCII) unless it holds lone surrogates, which a
    command-line argument that is not valid UTF-8 decodes to: then JSON escapes of them keep it,
    and reading the file gives the same text back.
    """
    atomic_write(path, dumps(data, indent=2) + "\n")


def read_json(path: Path) -> dict[str, Any]:
    """Read a run's JSON file.

    Raises:
        ConfigError: the file is missing or is not a JSON object, naming the file.
    """
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise _bad(path, f"cannot read file: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _bad(path, f"not valid JSON: {exc}") from None
    if not is_dict(data):
        raise _bad(path, "expected a JSON object")
    return data


def read_config(run_dir: Path) -> tuple[Layer, dict[str, str]]:
    """The stored config as a layer (with positions in ``config.yaml``) and its top-level desc texts.

    Raises:
        ConfigError: ``config.yaml`` is missing or has problems, naming the file.
    """
    layer = file_layer(run_dir / CONFIG)
    document = getattr(layer, "document", None)
    raw: dict[str, Any] = document.data if document is not None else {}
    descs = {k: v["desc"] for k, v in raw.items() if is_dict(v) and isinstance(v.get("desc"), str)}
    return layer, descs


@contextlib.contextmanager
def locked(run_dir: Path, timeout: float = LOCK_TIMEOUT) -> Generator[None, None, None]:
    """Hold the run's write lock; the system releases it if this process dies.

    Raises:
        ConfigError: another writer held the lock for ``timeout`` seconds, or the lock file is a
            symbolic link (never followed).
    """
    with _open_lock(run_dir) as handle:
        deadline = time.monotonic() + timeout
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise _bad(
                        run_dir, f"another process has held the run's lock for {timeout:.0f} s"
                    ) from None
                time.sleep(0.005)
        _remove_leftovers(run_dir)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


@contextlib.contextmanager
def _open_lock(run_dir: Path) -> Generator[int, None, None]:
    """The lock file's descriptor, opened without following a link (which could point anywhere)."""
    path = run_dir / _LOCK
    try:
        fd = os.open(path, _LOCK_FLAGS, NEW_FILE_MODE)
    except OSError as exc:
        if exc.errno != errno.ELOOP:
            raise
        message = "the run's lock file is a symbolic link; typed_config does not follow it: remove it"
        raise _bad(path, message) from None
    try:
        yield fd
    finally:
        os.close(fd)


def _remove_leftovers(run_dir: Path) -> None:
    """Delete temporary files of writers that died before their rename.

    Every writer holds this lock while it writes, so under the lock no temporary file is live.
    """
    for leftover in run_dir.glob(".*.tmp"):
        with contextlib.suppress(OSError):
            leftover.unlink()


def _bad(path: Path, message: str) -> ConfigError:
    return ConfigError([Problem(None, message, Origin(path=str(path)))])
