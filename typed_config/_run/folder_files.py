"""Run folder files on disk: atomic JSON, the config read back, status, locking."""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import time
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import Any, Final

from typed_config._errors import at_path
from typed_config._fs import NEW_FILE_MODE, atomic_write
from typed_config._keys.values import is_dict
from typed_config._layers.layers import Layer
from typed_config._run.history import dumps
from typed_config._sources.files import file_layer

CONFIG: Final = "config.yaml"


META: Final = "meta.json"


_LOCK: Final = ".lock"


_LOCK_FLAGS: Final = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC


LOCK_TIMEOUT: Final = 30.0


"""Seconds a writer waits for another one before giving up with a clear error."""


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
        raise at_path(path, f"cannot read file: {exc.strerror or exc}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise at_path(path, f"not valid JSON: {exc}") from None
    if not is_dict(data):
        raise at_path(path, "expected a JSON object")
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
                    raise at_path(
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
        raise at_path(path, message) from None
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
