"""Shared test settings: hypothesis profiles (a bounded run in `make test`, a long one in `make fuzz`)."""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

# Tests never assert timings: on a loaded machine (shared CI, parallel runs) generating a schema
# with pydantic can take seconds, and hypothesis' too_slow health check would fail a correct test.
settings.register_profile("default", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.register_profile(
    "fuzz",
    deadline=None,
    max_examples=20_000,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

LAUNCHER_VARIABLES = ("RANK", "WORLD_SIZE", "SLURM_PROCID", "SLURM_NTASKS", "SLURM_JOB_ID", "SLURM_STEP_ID")
LAUNCHER_IDS = ("TORCHELASTIC_RUN_ID", "TYPED_CONFIG_RUN_ID", "WANDB_SWEEP_PARAM_PATH")


@pytest.fixture(autouse=True)
def _no_launcher(monkeypatch: pytest.MonkeyPatch) -> None:
    """A test runs as a single process unless it says otherwise (CI may run under SLURM)."""
    for name in LAUNCHER_VARIABLES + LAUNCHER_IDS:
        monkeypatch.delenv(name, raising=False)
