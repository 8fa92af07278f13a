"""Atomic file writes: a temporary file in the same folder, flushed, fsynced and renamed over the target."""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from typing import Any, Final

from typed_config._errors import Origin, single

# What open(path, "w") asks for: the umask takes its bits away, so the file gets the usual mode.
NEW_FILE_MODE: Final = 0o666
_TEMP_FLAGS: Final = (
    os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
)


def atomic_write(path: str | os.PathLike[str], text: str, *, durable: bool = True) -> None:
    """Write ``text`` to ``path`` so that a crash leaves the old file or the new one, never a part.

    With ``durable`` (the default) the file and its folder are fsynced: the new file survives a
    power loss. Without it the rename still gives readers, and a killed process, the whole old
    file or the whole new one (the system's page cache outlives the process); ``fsync_path``
    makes it durable later.

    A new file gets the mode ``open(path, "w")`` would give it (0644 under the usual umask 022);
    a file that exists keeps its mode. A symbolic link is refused, wherever it points: the
    rename would replace the link, and following it could write outside the folder (a run
    folder's files are data that others may prepare).

    Raises:
        ConfigError: ``path`` is a symbolic link; nothing is written.
        OSError: the folder cannot be written; the old file, if any, is untouched.
    """
    target = os.fspath(path)
    folder = os.path.dirname(os.path.abspath(target))
    mode = _kept_mode(target)
    fd, temp = _create_temp(folder, os.path.basename(target), NEW_FILE_MODE if mode is None else mode)
    try:
        if mode is not None:
            os.fchmod(fd, mode)  # the umask applied at creation: give the old file's mode back exactly
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            if durable:
                os.fsync(handle.fileno())
        if not (not durable and mode is not None and _exchange(temp, target)):
            os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    if durable:
        fsync_folder(folder)
    else:
        with contextlib.suppress(OSError):
            os.unlink(
                temp
            )  # after an exchange: the old file (a writer that dies first leaves it to the next)


_EXCHANGE_FALLBACK: Final = frozenset(
    {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.EXDEV, errno.ENOENT}
)
_exchanges: list[Any] = []  # renameat2, once looked up (an empty list: not looked up yet)


def _exchange(temp: str, target: str) -> bool:
    """Swap ``temp`` and ``target`` atomically (Linux ``renameat2`` with ``RENAME_EXCHANGE``).

    Readers see the old file or the new one, as with a rename; unlike a rename over a file,
    ext4 does not start writing the new file's data out at once (its ``auto_da_alloc``), which
    costs milliseconds per write: a write that need not be durable yet takes the swap. False
    when the system cannot swap; the caller renames instead.
    """
    if not _exchanges:
        _exchanges.append(_renameat2())
    call = _exchanges[0]
    if call is None:
        return False
    if call(-100, os.fsencode(temp), -100, os.fsencode(target), 2) == 0:  # AT_FDCWD, RENAME_EXCHANGE
        return True
    import ctypes  # only writers of runs need it (loaded by _renameat2 already)

    code = ctypes.get_errno()
    if code in _EXCHANGE_FALLBACK:
        return False
    raise OSError(code, os.strerror(code), target)


def _renameat2() -> Any:
    if sys.platform != "linux":
        return None
    try:
        import ctypes

        call = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    call.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    call.restype = ctypes.c_int
    return call


def _kept_mode(target: str) -> int | None:
    """The mode of the file being replaced (None when there is none); a link is refused."""
    try:
        found = os.lstat(target)
    except FileNotFoundError:
        return None
    if stat.S_ISLNK(found.st_mode):
        where = os.readlink(target)
        message = (
            f"is a symbolic link (to {where}); typed_config does not write through links: "
            "write to the file it points to, or remove the link"
        )
        raise single(message, Origin(path=target))
    return stat.S_IMODE(found.st_mode)


def _create_temp(folder: str, name: str, mode: int) -> tuple[int, str]:
    """A new temporary file beside the target: created exclusively, so never through a link."""
    import secrets  # only writers need it: kept out of import time

    while True:
        temp = os.path.join(folder, f".{name}.{secrets.token_hex(4)}.tmp")
        try:
            return os.open(temp, _TEMP_FLAGS, mode), temp
        except FileExistsError:
            continue


def fsync_path(path: str | os.PathLike[str]) -> None:
    """Flush a file written earlier to the disk (nothing when it is missing or is a link)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_folder(folder: str) -> None:
    # The rename is durable only once the folder's entry is; some systems cannot open folders.
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
