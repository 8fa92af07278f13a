"""A launch's folder: ``launches/<id>/`` with its config files, logs and ``launch.json``, kept atomically."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
from collections.abc import Generator, Sequence
from pathlib import Path
from typing import Any, Final, Literal

from pydantic import BaseModel, ValidationError

from typed_config._errors import ConfigError, at_path
from typed_config._flat.fingerprint import fingerprint
from typed_config._fs import atomic_write
from typed_config._keys.dotted import unflatten
from typed_config._launch.plan import Planned
from typed_config._run.folder import RunFolder, now_text, read_json, run_status, write_json
from typed_config._yaml.dump import dump_mapping

STATE: Final = "launch.json"
Status = Literal["pending", "submitted", "running", "finished", "crashed", "killed"]
_ENDS: Final[dict[str, Status]] = {"finished": "finished", "crashed": "crashed", "killed": "killed"}


class ConfigRecord(BaseModel):
    """What ``launch.json`` says of one config: its file, its run, and how its last attempt went."""

    index: int
    file: str
    fingerprint: str
    run_id: str
    attempt: int = 0
    status: Status = "pending"
    exit_code: int | None = None
    log: str | None = None
    run_dir: str | None = None
    started: str | None = None
    ended: str | None = None


class LaunchRecord(BaseModel):
    """The whole ``launch.json``."""

    id: str
    command: list[str]
    schema_ref: str
    backend: dict[str, Any]
    created: str
    configs: list[ConfigRecord]
    job_id: str | None = None


def launch_id(schema_ref: str, command: Sequence[str], planned: Sequence[Planned], prefix: str) -> str:
    """The same launch (schema, configs over the same defaults, command) always gets the same id."""
    digest = hashlib.sha256(
        json.dumps([schema_ref, list(command), [fingerprint(p.config) for p in planned]]).encode()
    ).hexdigest()
    return f"{prefix}-{digest[:10]}"


class LaunchFolder:
    """``<root>/launches/<id>/``: held by one launching process at a time."""

    def __init__(self, root: Path, ident: str) -> None:
        self.id = ident
        self.dir = (root / "launches" / ident).absolute()
        self.record: LaunchRecord | None = None

    def path_of(self, index: int, attempt: int) -> tuple[str, str]:
        """The run id and log file of one attempt at config ``index``; later attempts get ``.2``, ``.3``..."""
        suffix = "" if attempt <= 1 else f".{attempt}"
        return f"{self.id}-{index:04d}{suffix}", str(self.dir / "logs" / f"{index:04d}{suffix}.out")

    @contextlib.contextmanager
    def held(self) -> Generator[None, None, None]:
        """Hold the folder for this process; a second launch of the same id at the same time is refused."""
        (self.dir / "logs").mkdir(parents=True, exist_ok=True)
        fd = os.open(self.dir / ".lock", os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                message = "another typed-config launch of the same configs is running in this folder"
                raise at_path(self.dir, message) from None
            yield
        finally:
            os.close(fd)

    def open(
        self, planned: Sequence[Planned], command: list[str], schema_ref: str, backend: dict[str, Any]
    ) -> LaunchRecord:
        """The launch as recorded (a resumed one), or a new one with its config files written."""
        state = self.dir / STATE
        if state.is_file():
            try:
                self.record = LaunchRecord.model_validate(read_json(state))
            except ValidationError as exc:
                message = f"not a launch record typed_config can read: {exc.errors()[0]['msg']}"
                raise at_path(state, message) from None
            self.record.backend = backend
            return self.record
        records: list[ConfigRecord] = []
        for index, plan in enumerate(planned, 1):
            file = self.dir / f"config-{index:04d}.yaml"
            atomic_write(file, config_text(plan, self.id, index))
            run_id, _log = self.path_of(index, 1)
            records.append(
                ConfigRecord(index=index, file=str(file), fingerprint=fingerprint(plan.config), run_id=run_id)
            )
        self.record = LaunchRecord(
            id=self.id,
            command=command,
            schema_ref=schema_ref,
            backend=backend,
            created=now_text(),
            configs=records,
        )
        self.save()
        return self.record

    def save(self) -> None:
        """Write ``launch.json`` atomically."""
        assert self.record is not None  # noqa: S101 - opened first
        write_json(self.dir / STATE, self.record.model_dump(mode="json"))

    def refresh(self) -> None:
        """Take what each config's run folder says, for runs the launcher did not see end (SLURM, a dead launcher)."""
        assert self.record is not None  # noqa: S101 - opened first
        for record in self.record.configs:
            if record.status in ("finished", "crashed"):
                continue
            meta = self.meta_of(record)
            status = run_status(meta) if meta is not None else None
            done = _ENDS.get(status or "")
            if done is not None:
                record.status, record.ended = done, meta.get("ended") if meta else None
            elif status == "running":
                record.status = "running"
            elif (
                record.status == "running"
            ):  # its launcher died before the run began: this one holds the folder
                record.status = "killed"

    def meta_of(self, record: ConfigRecord) -> dict[str, Any] | None:
        note = self.dir / "runs" / f"{record.index:04d}.path"
        try:
            run_dir = Path(note.read_text(encoding="utf-8").strip())
            meta = RunFolder(run_dir).read_meta()
        except (OSError, ConfigError):
            return None
        if run_dir.name != record.run_id:
            return None  # an earlier attempt's run
        record.run_dir = str(run_dir)
        return meta

    def chosen(self, *, retry_failed: bool, rerun_all: bool) -> list[ConfigRecord]:
        """The configs to run now: never started or killed ones, failed ones when asked, or all."""
        assert self.record is not None  # noqa: S101 - opened first
        skip = (
            ()
            if rerun_all
            else ("finished", "running")
            if retry_failed
            else ("finished", "running", "crashed")
        )
        return [r for r in self.record.configs if r.status not in skip]


def config_text(plan: Planned, ident: str, index: int) -> str:
    """A ``--configs`` file of the swept keys only, each under a comment saying where it came from."""
    nested = unflatten(plan.values)
    document = {key: {"value": value} for key, value in nested.items()}
    comments: dict[tuple[str | int, ...], str] = {}
    for key, source in plan.sources.items():
        top, *rest = key.split(".")
        comments[(top, "value", *rest) if rest else (top,)] = f"from {source}"
    header = (
        f"# launch {ident}, config {index:04d}: the keys it sets; "
        "config-defaults.yaml and the schema give the others\n"
    )
    return header + dump_mapping(document, comments)
