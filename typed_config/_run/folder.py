"""``RunFolder``: the one owner of a run folder's files; nothing else reads or writes them.

A run folder holds ``config.yaml`` (the config, in the ``config-defaults.yaml`` format),
``provenance.json`` with its appended log ``provenance.jsonl`` (``history``), ``meta.json``
(what the run is: schema, argv, status) and ``.lock``. Every writer holds the lock while it
writes; each file is replaced whole (``_fs.atomic_write``), so readers need no lock.
"""

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

from typed_config._compose.literals import unescape_literals
from typed_config._errors import Origin, at_path, checked
from typed_config._fs import NEW_FILE_MODE, atomic_write
from typed_config._keys.values import is_dict
from typed_config._layers.layers import Layer
from typed_config._run import history
from typed_config._run.ids import check_name, new_run_id
from typed_config._sources.files import file_layer

CONFIG: Final = "config.yaml"
META: Final = "meta.json"
_LOCK: Final = ".lock"
_LOCK_FLAGS: Final = os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC

LOCK_TIMEOUT: Final = 30.0
"""Seconds a writer waits for another one before giving up with a clear error."""

STATUSES: Final = ("running", "finished", "crashed", "killed")
"""What ``meta.json`` says of a run's process: ``status``, with ``started`` and ``ended`` times."""

Stamp = tuple[int, int, int, int]
"""What tells one version of ``config.yaml`` from another (see ``history.file_stamp``)."""


class RunFolder:
    """A run folder by its path: reads its files, holds its lock, writes them atomically.

    Making one does no I/O. Writers hold ``lock()`` around their reads and writes; a write
    with ``durable=False`` is made durable by ``sync()`` at the run's next sync point.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self._log: history.Appender | None = None  # made at the first append

    @classmethod
    def create(cls, project_dir: Path, run_id: str | None) -> RunFolder:
        """Make a new run's folder, with a fresh id unless the launcher's job gives one.

        Raises:
            ConfigError: the job's folder holds a run already (a requeued job): resume it or
                rename; or it is a symbolic link.
        """
        project_dir.mkdir(parents=True, exist_ok=True)
        if run_id is not None:
            return cls._create_named(project_dir, check_name(run_id, Origin(path=str(project_dir))))
        while True:  # mkdir is atomic: two processes never get the same folder
            fresh = project_dir / new_run_id()
            try:
                fresh.mkdir()
            except FileExistsError:
                continue
            return cls(fresh)

    @classmethod
    def _create_named(cls, project_dir: Path, run_id: str) -> RunFolder:
        path = project_dir / run_id
        path.mkdir(exist_ok=True)
        if path.is_symlink():  # a folder prepared elsewhere: not this run's to fill
            message = "the job's run folder is a symbolic link; typed_config does not write through links"
            raise at_path(path, message)
        if (path / CONFIG).exists():
            message = (
                f"a run {run_id!r} is stored here already: continue it with resume={run_id!r}, "
                "or give this job another id with TYPED_CONFIG_RUN_ID"
            )
            raise at_path(path, message)
        return cls(path)

    @classmethod
    def in_project(cls, project_dir: Path) -> list[RunFolder]:
        """A project's run folders, oldest first by the creation time ``meta.json`` records.

        A launcher's job id does not sort by time; a folder without ``config.yaml`` holds no run.
        """
        if not project_dir.is_dir():
            return []
        found = [cls(p) for p in project_dir.iterdir() if (p / CONFIG).is_file()]
        return sorted(found, key=lambda f: (f.created_ns(), f.path.name))

    def created_ns(self) -> int:
        """When the run was created, as ``meta.json`` records it (0 when it cannot be read)."""
        try:
            value = json.loads((self.path / META).read_text(encoding="utf-8")).get("created_ns")
        except (OSError, ValueError, AttributeError):
            return 0
        return value if isinstance(value, int) else 0

    @property
    def id(self) -> str:
        return self.path.name

    def holds_run(self) -> bool:
        """Whether a run is stored here (its ``config.yaml`` is)."""
        return (self.path / CONFIG).is_file()

    def has_meta(self) -> bool:
        return (self.path / META).is_file()

    # -- config.yaml ---------------------------------------------------------------------------

    def read_config(self, *, as_written: bool = False) -> tuple[Layer, dict[str, str]]:
        r"""The stored config as a layer (with positions in ``config.yaml``) and its top-level desc texts.

        ``config.yaml`` holds a literal ``${`` written ``\${`` (so that interpolation reads it as
        text): the values are given as the config holds them, or ``as_written`` for a reader
        that interpolates them (resume).

        Raises:
            ConfigError: ``config.yaml`` is missing or has problems, naming the file.
        """
        layer = checked(file_layer(self.path / CONFIG))
        if not as_written:
            layer.data = unescape_literals(layer.data)
        document = getattr(layer, "document", None)
        raw: dict[str, Any] = document.data if document is not None else {}
        descs = {k: v["desc"] for k, v in raw.items() if is_dict(v) and isinstance(v.get("desc"), str)}
        return layer, unescape_literals(descs)

    def write_config(self, text: str, *, durable: bool = True) -> None:
        """Replace ``config.yaml`` whole (the caller holds the lock)."""
        atomic_write(self.path / CONFIG, text, durable=durable)

    def config_stamp(self) -> Stamp | None:
        """The version of ``config.yaml`` there now (None when there is none)."""
        return history.file_stamp(self.path / CONFIG)

    # -- meta.json -----------------------------------------------------------------------------

    def read_meta(self) -> dict[str, Any]:
        """``meta.json``.

        Raises:
            ConfigError: it is missing or is not a JSON object, naming the file.
        """
        return read_json(self.path / META)

    def write_meta(self, meta: Mapping[str, Any], *, durable: bool = True) -> None:
        """Replace ``meta.json`` whole (the caller holds the lock)."""
        atomic_write(self.path / META, history.dumps(meta, indent=2) + "\n", durable=durable)

    def mark_status(self, status: str, **fields: Any) -> dict[str, Any]:
        """Record a run's status (and its end time) in ``meta.json``, patching the file as it is now.

        Returns:
            The meta data written.

        Raises:
            ConfigError: ``meta.json`` cannot be read, or the lock is a symbolic link.
        """
        with self.lock():
            meta = self.read_meta()
            meta.update(status=status, ended=now_text() if status != "running" else None, **fields)
            self.write_meta(meta)
        return meta

    # -- provenance.json(l) --------------------------------------------------------------------

    def read_provenance(self) -> dict[str, list[Any]]:
        """Every key's chain of settings, the log folded in (``{}`` when the folder has none).

        Raises:
            ConfigError: ``provenance.json`` is not a JSON object, naming the file.
        """
        return history.read_provenance(self.path)

    def write_provenance(self, chains: Mapping[str, Any]) -> None:
        """Write ``provenance.json`` whole, durably, and remove the log it now holds (under the lock)."""
        history.write_provenance(self.path, chains)

    def append_provenance(self, entries: Mapping[str, Any]) -> None:
        """Append one line of changes to the log, without fsync (under the lock)."""
        if self._log is None:
            self._log = history.Appender(self.path)
        self._log.append(entries)

    def sync(self) -> None:
        """A sync point (under the lock): fold the log into ``provenance.json``, fsync the files."""
        history.sync(self.path, (CONFIG, META))

    # -- the lock ------------------------------------------------------------------------------

    @contextlib.contextmanager
    def lock(self, timeout: float = LOCK_TIMEOUT) -> Generator[None, None, None]:
        """Hold the run's write lock; the system releases it if this process dies.

        Raises:
            ConfigError: another writer held the lock for ``timeout`` seconds, or the lock file
                is a symbolic link (never followed).
        """
        with self._open_lock() as handle:
            deadline = time.monotonic() + timeout
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() > deadline:
                        raise at_path(
                            self.path, f"another process has held the run's lock for {timeout:.0f} s"
                        ) from None
                    time.sleep(0.005)
            self._remove_leftovers()
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @contextlib.contextmanager
    def _open_lock(self) -> Generator[int, None, None]:
        """The lock file's descriptor, opened without following a link (which could point anywhere)."""
        path = self.path / _LOCK
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

    def _remove_leftovers(self) -> None:
        """Delete temporary files of writers that died before their rename.

        Every writer holds this lock while it writes, so under the lock no temporary file is live.
        """
        for leftover in self.path.glob(".*.tmp"):
            with contextlib.suppress(OSError):
                leftover.unlink()

    def __repr__(self) -> str:
        return f"RunFolder({str(self.path)!r})"


def latest_run(project_dir: Path) -> str | None:
    """The most recent run of a project, by the creation time its ``meta.json`` records."""
    runs = RunFolder.in_project(project_dir)
    return runs[-1].id if runs else None


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


def write_json(path: Path, data: Any) -> None:
    """Write a JSON file (a launch's record; a run folder's are ``RunFolder``'s) atomically.

    Text is kept readable (not escaped to ASCII) unless it holds lone surrogates, which a
    command-line argument that is not valid UTF-8 decodes to: then JSON escapes of them keep it,
    and reading the file gives the same text back.
    """
    atomic_write(path, history.dumps(data, indent=2) + "\n")


def read_json(path: Path) -> dict[str, Any]:
    """Read a JSON object file.

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
