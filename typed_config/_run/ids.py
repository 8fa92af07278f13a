"""Run ids and run folders: new, checked, created without races, listed oldest first."""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

from typed_config._errors import ConfigError, Origin, Problem, at_path, show
from typed_config._run.folder_files import CONFIG, META


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
            raise at_path(project_dir / run_id, message)
        if (project_dir / run_id / CONFIG).exists():
            message = (
                f"a run {run_id!r} is stored here already: continue it with resume={run_id!r}, "
                "or give this job another id with TYPED_CONFIG_RUN_ID"
            )
            raise at_path(project_dir / run_id, message)
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
