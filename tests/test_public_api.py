"""The public surface: one door, documented names, typed_config as their module."""

from __future__ import annotations

import subprocess
import sys

import typed_config as tc

EXPECTED = [
    "Api",
    "ConfigError",
    "Explanation",
    "Field",
    "HyperParams",
    "LaunchResult",
    "Local",
    "Origin",
    "Problem",
    "Ray",
    "Run",
    "RunList",
    "RunResult",
    "Setting",
    "Slurm",
    "StoredConfig",
    "StoredRun",
    "add_arguments",
    "call",
    "dump_defaults",
    "fingerprint",
    "flatten",
    "init",
    "launch",
    "load",
    "loads",
    "unflatten",
]


def test_all_is_pinned_and_sorted() -> None:
    assert tc.__all__ == EXPECTED
    assert sorted(tc.__all__) == tc.__all__


def test_every_export_has_a_docstring() -> None:
    for name in tc.__all__:
        assert (getattr(tc, name).__doc__ or "").strip(), name


def test_exported_classes_belong_to_typed_config() -> None:
    classes = [name for name in tc.__all__ if isinstance(getattr(tc, name), type)]
    assert len(classes) == 16
    for name in classes:
        assert getattr(tc, name).__module__ == "typed_config"


def test_import_pulls_in_no_optional_integration() -> None:
    code = (
        "import sys, typed_config; "
        "bad = [m for m in ('wandb', 'absl', 'tomllib', 'tomli', 'numpy', 'mlflow') if m in sys.modules]; "
        "print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
