"""A run's provenance on disk: ``provenance.json`` as written whole, and the changes since, appended as JSON lines.

``provenance.json`` maps every key to its chain of settings. A live run does not rewrite it at
each change: it appends one line per change to ``provenance.jsonl``, whose first line names the
sha256 of the ``provenance.json`` it extends. Readers fold the lines onto that file; lines of a
log written for another ``provenance.json`` (one rewritten since) are ignored, and so is a last
line a killed writer left without its newline. At a sync point the writer folds the log into a
new ``provenance.json`` (written atomically and fsynced) and removes the log.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

from typed_config._errors import at_path
from typed_config._fs import NEW_FILE_MODE, atomic_write, fsync_folder, fsync_path
from typed_config._keys.values import is_dict, is_list

PROVENANCE: Final = "provenance.json"
LOG: Final = "provenance.jsonl"
_APPEND_FLAGS: Final = os.O_RDWR | os.O_APPEND | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC


def dumps(data: Any, indent: int | None = None) -> str:
    """JSON text, readable (not escaped to ASCII) unless it holds lone surrogates, which it escapes."""
    text = json.dumps(data, indent=indent, ensure_ascii=False, allow_nan=True)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(data, indent=indent, ensure_ascii=True, allow_nan=True)
    return text


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_bytes(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def fold(base: Mapping[str, Any], lines: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """The chains of ``base`` with each line's entries appended (an entry equal to the chain's last is kept once)."""
    chains: dict[str, list[Any]] = {k: list(v) for k, v in base.items() if is_list(v)}
    for line in lines:
        for key, entry in line.items():
            chain = chains.setdefault(key, [])
            if not (chain and chain[-1] == entry):  # a retried write keeps one entry
                chain.append(entry)
    return chains


def log_lines(log: bytes | None, base: bytes | None) -> list[dict[str, Any]]:
    """The changes a log holds for this ``provenance.json`` (none when it was written for another)."""
    if not log:
        return []
    lines = log.split(b"\n")[:-1]  # a last line without its newline is a write a kill cut short
    try:
        header = json.loads(lines[0]) if lines else None
    except ValueError:
        return []
    if not (is_dict(header) and header.get("base") == _digest(base or b"")):
        return []
    found: list[dict[str, Any]] = []
    for line in lines[1:]:
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if is_dict(entry):
            found.append(entry)
    return found


def read_provenance(run_dir: Path) -> dict[str, list[Any]]:
    """Every key's chain of settings, as the folder holds them now (``{}`` when it has none).

    Raises:
        ConfigError: ``provenance.json`` is not a JSON object, naming the file.
    """
    base = log = None
    for _ in range(5):  # a writer that folds the log between the two reads: read again
        base = _read_bytes(run_dir / PROVENANCE)
        log = _read_bytes(run_dir / LOG)
        if _read_bytes(run_dir / PROVENANCE) == base:
            break
    try:
        data: Any = json.loads(base.decode("utf-8")) if base is not None else {}
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise at_path(run_dir / PROVENANCE, f"not valid JSON: {exc}") from None
    if not is_dict(data):
        raise at_path(run_dir / PROVENANCE, "expected a JSON object")
    return fold(data, log_lines(log, base))


def write_provenance(run_dir: Path, chains: Mapping[str, Any]) -> None:
    """Write ``provenance.json`` whole (atomically, fsynced) and remove the log it now holds."""
    atomic_write(run_dir / PROVENANCE, dumps(chains, indent=2) + "\n")
    with contextlib.suppress(FileNotFoundError):
        os.unlink(run_dir / LOG)
    fsync_folder(str(run_dir))


class Appender:
    """Appends changes to a run's log, without fsync; the caller holds the run's lock."""

    def __init__(self, run_dir: Path) -> None:
        self.dir = run_dir
        self._known: tuple[int, int, int] | None = None  # provenance.json as the log was checked against

    def append(self, entries: Mapping[str, Any]) -> None:
        """Add one line: each key's new entry."""
        if not entries:
            return
        line = (dumps(dict(entries)) + "\n").encode("utf-8")
        try:
            fd = os.open(self.dir / LOG, _APPEND_FLAGS, NEW_FILE_MODE)
        except OSError as exc:
            if exc.errno != errno.ELOOP:
                raise
            message = "is a symbolic link; typed_config does not write through links: remove it"
            raise at_path(self.dir / LOG, message) from None
        try:
            self._prepare(fd)
            os.write(fd, line)
        finally:
            os.close(fd)

    def _prepare(self, fd: int) -> None:
        """Start the log over when it extends another ``provenance.json``; cut a line a killed writer left."""
        try:
            found = os.stat(self.dir / PROVENANCE)
        except FileNotFoundError:
            found = None
        stamp = None if found is None else (found.st_ino, found.st_mtime_ns, found.st_size)
        size = os.fstat(fd).st_size
        if stamp is None or stamp != self._known or size == 0:
            base = _read_bytes(self.dir / PROVENANCE) or b""
            log = os.pread(fd, size, 0) if size else b""
            header = (dumps({"base": _digest(base)}) + "\n").encode("utf-8")
            if not log.startswith(header):
                os.ftruncate(fd, 0)
                os.write(fd, header)
                size = len(header)
            self._known = stamp
        if size and os.pread(fd, 1, size - 1) != b"\n":
            log = os.pread(fd, size, 0)
            os.ftruncate(fd, log.rfind(b"\n") + 1)


def sync(run_dir: Path, names: tuple[str, ...]) -> None:
    """Fold the log into ``provenance.json`` and make ``names`` durable (the caller holds the lock)."""
    if (run_dir / LOG).exists():
        write_provenance(run_dir, read_provenance(run_dir))
    for name in names:
        fsync_path(run_dir / name)
    fsync_folder(str(run_dir))


def file_stamp(path: Path) -> tuple[int, int, int, int] | None:
    """What tells one version of a file from another: a writer replaces it whole, as a new file."""
    try:
        found = os.stat(path)
    except FileNotFoundError:
        return None
    return (found.st_ino, found.st_mtime_ns, found.st_ctime_ns, found.st_size)
