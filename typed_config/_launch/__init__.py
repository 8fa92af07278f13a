"""Many runs on an existing engine: configs validated first, then run by a local pool, SLURM or Ray."""

from __future__ import annotations

from typed_config._launch.api import LaunchResult, RunResult, launch
from typed_config._launch.options import Local, Ray, Slurm

__all__ = ["LaunchResult", "Local", "Ray", "RunResult", "Slurm", "launch"]
