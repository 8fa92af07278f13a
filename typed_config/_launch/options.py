"""The typed option sets of the launch backends: a local process pool, a SLURM job array, a Ray cluster."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from typing_extensions import Self


class _Options(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, defer_build=True)  # built when first used


class Local(_Options):
    """A process pool on this machine: ``jobs`` runs at a time, each with its own GPUs when ``gpus`` are given."""

    kind: Literal["local"] = "local"
    jobs: int = Field(default=1, ge=1, description="How many runs at a time")
    gpus: list[str] = Field(default_factory=list, description="GPU ids to share out (CUDA_VISIBLE_DEVICES)")
    gpus_per_run: int = Field(default=1, ge=1, description="GPUs each run gets, when gpus are given")

    @model_validator(mode="after")
    def _enough_gpus(self) -> Self:
        if self.gpus and self.gpus_per_run > len(self.gpus):
            raise ValueError(f"gpus_per_run {self.gpus_per_run} is more than the {len(self.gpus)} GPUs given")
        if len(set(self.gpus)) != len(self.gpus):
            raise ValueError(f"gpus lists an id twice: {self.gpus}")
        return self


class Slurm(_Options):
    """One sbatch job array: array task i runs config i."""

    kind: Literal["slurm"] = "slurm"
    partition: str | None = Field(default=None, description="sbatch --partition")
    time: str | None = Field(default=None, description="sbatch --time, such as 1:00:00")
    gpus_per_node: int | None = Field(default=None, ge=0, description="sbatch --gpus-per-node")
    cpus_per_task: int | None = Field(default=None, ge=1, description="sbatch --cpus-per-task")
    mem: str | None = Field(default=None, description="sbatch --mem, such as 16G")
    max_parallel: int | None = Field(default=None, ge=1, description="at most this many tasks at once (%N)")
    extra: list[str] = Field(default_factory=list, description="more sbatch options, as KEY=VALUE")

    @field_validator("extra")
    @classmethod
    def _key_value(cls, items: list[str]) -> list[str]:
        for item in items:
            key, equals, _ = item.partition("=")
            if not equals or not key or key.startswith("-") or any(c.isspace() for c in key):
                raise ValueError(f"expected KEY=VALUE, such as account=proj1 (got {item!r})")
        return items

    @field_validator("partition", "time", "mem")
    @classmethod
    def _one_line(cls, text: str | None) -> str | None:
        if text is not None and (not text or any(c.isspace() for c in text)):
            raise ValueError(f"must be one word (got {text!r})")
        return text


class Ray(_Options):
    """Ray tasks that each start the command as a subprocess, on a cluster or a local Ray."""

    kind: Literal["ray"] = "ray"
    address: str | None = Field(
        default=None, description="a running cluster's address; a local Ray when unset"
    )
    num_cpus: float = Field(default=1, gt=0, description="CPUs each run reserves")
    num_gpus: float = Field(default=0, ge=0, description="GPUs each run reserves")
    local_cpus: int | None = Field(
        default=None, ge=1, description="CPUs of the local Ray started without an address"
    )


Backend = Local | Slurm | Ray
"""One of the backends' option sets."""
