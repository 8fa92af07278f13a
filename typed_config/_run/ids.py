"""Run ids: new ones that sort by creation time, and names checked to name one folder."""

from __future__ import annotations

import os
import re
import time

from typed_config._errors import Origin, show, single


def safe_id(text: str) -> str:
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
        raise single(message, origin)
    return name


def new_run_id() -> str:
    """A fresh id that sorts by creation time: ``20261129-184512-123456-3fa9``."""
    import secrets  # kept out of import time

    now = time.time()
    return (
        time.strftime("%Y%m%d-%H%M%S", time.gmtime(now)) + f"-{int(now % 1 * 1e6):06d}-{secrets.token_hex(2)}"
    )
