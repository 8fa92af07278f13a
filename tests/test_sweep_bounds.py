"""Sweeps obey the bounds: any text is checked in linear time, grids and draws cost what they make, numbers never overflow.

Time bounds are measured by ``benchmarks/bench_bounds.py``; these tests assert outcomes, with
generous timeouts.
"""

from __future__ import annotations

import contextlib
import random
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from work import Calls

from typed_config import ConfigError, Problem, sweep
from typed_config._schema.ref import resolve_schema

DATA = Path(__file__).parent / "data" / "sweeps"
HParams: Any = resolve_schema(f"{DATA / 'schema.py'}:HParams")
EVERY_PRIVATE_USE = "".join(map(chr, range(0xE000, 0xF900)))


def random_sweep(**parameters: Any) -> dict[str, Any]:
    return {"method": "random", "parameters": parameters}


# --- unusual characters -------------------------------------------------------------------------


def test_a_file_holding_every_private_use_character_is_read(tmp_path: Path) -> None:
    file = tmp_path / "sweep.yaml"
    file.write_text(f"# {EVERY_PRIVATE_USE}\nmethod: grid\nparameters:\n  optimizer.lr: {{value: 0.5}}\n")
    assert sweep.check(HParams, file) == []
    assert [c.optimizer.lr for c in sweep.expand(HParams, file, defaults=None)] == [0.5]
    file.write_text(f"method: grid\nparameters:\n  optimizer.lr: {{value: -1}}\n# {EVERY_PRIVATE_USE}\n")
    assert [str(p) for p in sweep.check(HParams, file)] == [
        f"{file}:3:25: optimizer.lr: Input should be greater than 0 (got -1)"
    ]


def test_an_invalid_byte_beside_dotted_names_is_named(tmp_path: Path) -> None:
    file = tmp_path / "sweep.yaml"
    file.write_bytes(b"method: grid\nparameters:\n  optimizer.lr: {value: 1}\n# \xff\n")
    assert [str(p) for p in sweep.check(HParams, file)] == [f"{file}:4:3: invalid UTF-8 byte 0xff"]


UNUSUAL = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
TEMPLATE = "method: {0}\nparameters:\n  optimizer.{1}: {{values: [{2}]}}\n  {3}.lr:\n    value: 1\n# {4}\n"


@settings(max_examples=150)
@given(st.tuples(UNUSUAL, UNUSUAL, UNUSUAL, UNUSUAL, st.just(EVERY_PRIVATE_USE) | UNUSUAL))
def test_any_text_is_checked_without_an_exception_other_than_config_error(parts: tuple[str, ...]) -> None:
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        file = Path(folder) / "sweep.yaml"
        file.write_text(TEMPLATE.format(*parts), encoding="utf-8", errors="surrogateescape")
        problems = sweep.check(HParams, file)
        assert all(isinstance(p, Problem) for p in problems)
        with contextlib.suppress(ConfigError):  # a sweep with problems; nothing else may escape
            list(sweep.expand(HParams, file, count=2, defaults=None))


@pytest.mark.timeout(60)
def test_a_long_parameters_block_is_checked_in_work_linear_in_its_length(tmp_path: Path) -> None:
    file = tmp_path / "sweep.yaml"
    file.write_text(
        "method: grid\nparameters:\n" + "".join(f"  p{i}.x: {{value: 1}}\n" for i in range(5_000))
    )
    with Calls() as calls:
        problems = sweep.check(HParams, file)
    assert len(problems) == 5_000  # each an unknown parameter
    # About 100 calls a parameter (benchmarks/bench_bounds.py times it); quadratic made millions.
    assert calls.count < 300 * 5_000


# --- grids and draws cost what they make ---------------------------------------------------------


@pytest.mark.timeout(30)
def test_a_grid_over_a_trillion_values_gives_its_first_config_at_once() -> None:
    grid = {"method": "grid", "parameters": {"seed": {"min": 0, "max": 10**12}}}
    assert [c.seed for c in sweep.expand(HParams, grid, count=2, defaults=None)] == [0, 1]
    draws = random_sweep(seed={"min": 0, "max": 10**12})
    (config,) = sweep.expand(HParams, draws, count=1, defaults=None)
    assert 0 <= config.seed <= 10**12


def _wide_grid(values: int = 100, **keys: Any) -> dict[str, Any]:
    names = ["epochs", "batch_size", "seed", "model.width", "model.layers", "optimizer.lr"]
    names += ["optimizer.momentum", "dropout", "temperature", "model.activation"]
    valid = {
        "model.layers": [1 + i % 8 for i in range(values)],
        "optimizer.momentum": [i / (values + 1) for i in range(values)],
        "dropout": [i / values for i in range(values)],
        "optimizer.lr": [(i + 1) / values for i in range(values)],
        "temperature": [float(i) for i in range(values)],
        "model.activation": ["relu", "gelu"] * (values // 2),
    }
    parameters = {name: {"values": valid.get(name, list(range(1, values + 1)))} for name in names}
    return {"method": "grid", "parameters": parameters, **keys}


@pytest.mark.timeout(30)
def test_a_grid_over_the_bound_is_refused_with_its_size_unless_a_count_limits_it() -> None:
    message = (
        "the grid has about 10**20 configs, more than the 1,000,000 a sweep may expand to; "
        "set run_cap, or expand with a count"
    )
    assert [str(p) for p in sweep.check(HParams, _wide_grid())] == [f"sweep['parameters']: {message}"]
    with pytest.raises(ConfigError, match=r"about 10\*\*20 configs"):
        sweep.expand(HParams, _wide_grid(), defaults=None)
    configs = list(sweep.expand(HParams, _wide_grid(), count=3, defaults=None))
    assert [(c.model.activation, c.temperature) for c in configs] == [
        ("relu", 0.0),
        ("relu", 1.0),
        ("relu", 2.0),
    ]
    assert sweep.check(HParams, _wide_grid(run_cap=5)) == []
    assert len(list(sweep.expand(HParams, _wide_grid(run_cap=5), defaults=None))) == 5


def test_a_grid_at_the_bound_is_expanded() -> None:
    grid = {
        "method": "grid",
        "parameters": {"seed": {"min": 1, "max": 1000}, "epochs": {"min": 1, "max": 1000}},
    }
    assert sweep.check(HParams, grid) == []
    grid["parameters"]["epochs"]["max"] = 1001
    assert [p.message.split(",")[0] for p in sweep.check(HParams, grid)] == ["the grid has 1"]


def test_a_random_sweep_with_a_huge_run_cap_needs_a_count() -> None:
    draws = {**random_sweep(epochs={"min": 1, "max": 9}), "run_cap": 10**9}
    assert sweep.check(HParams, draws) == []
    with pytest.raises(ConfigError, match=r"run_cap 1,000,000,000 is more than the 1,000,000 configs"):
        sweep.expand(HParams, draws, defaults=None)
    assert len(list(sweep.expand(HParams, draws, count=2, defaults=None))) == 2


@pytest.mark.timeout(30)
def test_drawing_from_a_long_values_list_costs_one_draw() -> None:
    draws = random_sweep(seed={"values": [*range(20_000)] * 10})  # a value repeated is validated once
    configs = list(sweep.expand(HParams, draws, count=2_000, defaults=None))
    assert len({c.seed for c in configs}) > 1_000


def test_weighted_draws_are_those_of_random_choices_with_the_seed() -> None:
    draws = random_sweep(**{"optimizer.name": {"values": ["adam", "sgd"], "probabilities": [0.3, 0.7]}})
    rng = random.Random(4)  # noqa: S311 - the draws expand makes, not secrets
    expected = [rng.choices(["adam", "sgd"], [0.3, 0.7])[0] for _ in range(50)]
    assert [
        c.optimizer.name for c in sweep.expand(HParams, draws, count=50, seed=4, defaults=None)
    ] == expected


# --- numbers that would overflow -----------------------------------------------------------------

OVERFLOWS: list[tuple[str, dict[str, Any], str]] = [
    ("temperature", {"distribution": "log_uniform", "min": 0, "max": 1000}, "log_uniform draws e**1000, beyond the largest float"),
    ("temperature", {"distribution": "inv_log_uniform", "min": -800, "max": 1}, "inv_log_uniform draws e**800, beyond the largest float"),
    ("temperature", {"distribution": "q_uniform", "min": -1e308, "max": 1e308, "q": 1}, "max - min is beyond the largest float (min -1e+308, max 1e+308)"),
    ("temperature", {"distribution": "uniform", "min": -1.5e308, "max": 1.5e308}, "max - min is beyond the largest float (min -1.5e+308, max 1.5e+308)"),
    ("temperature", {"distribution": "beta", "a": 0}, "a must be > 0 (got 0)"),
    ("temperature", {"distribution": "q_beta", "b": 0, "q": 0.1}, "b must be > 0 (got 0)"),
    ("temperature", {"distribution": "log_normal", "mu": 1000}, "log_normal draws values up to e**1008, beyond the largest float"),
    ("temperature", {"distribution": "normal", "sigma": 1e308}, "normal draws values up to mu ± 8 sigma, beyond the largest float"),
    ("temperature", {"distribution": "q_uniform", "min": 0, "max": 1e300, "q": 1e-10}, "q 1e-10 is too small: values up to 1e+300 / q are beyond the largest float"),
    ("temperature", {"distribution": "uniform", "min": 0, "max": 10**400}, f"max must be a finite number (got {str(10**400)[:77]}...)"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("key", "spec", "message"),
    OVERFLOWS,
    ids=[m.split(" ")[0] + "-" + str(s.get("distribution")) for _, s, m in OVERFLOWS],
)
def test_numbers_that_would_overflow_are_problems_and_config_errors(
    key: str, spec: dict[str, Any], message: str
) -> None:
    draws = random_sweep(**{key: spec})
    assert [p.message for p in sweep.check(HParams, draws)] == [message]
    with pytest.raises(ConfigError) as caught:
        list(sweep.expand(HParams, draws, count=5, defaults=None))
    assert [p.message for p in caught.value.problems] == [message]


def test_a_tiny_q_on_a_normal_rounds_without_overflowing() -> None:
    draws = random_sweep(temperature={"distribution": "q_normal", "q": 1e-10})
    assert sweep.check(HParams, draws) == []
    values = [c.temperature for c in sweep.expand(HParams, draws, count=20, defaults=None)]
    assert all(abs(v) < 9 for v in values)
    assert [
        p.message
        for p in sweep.check(HParams, random_sweep(dropout={"distribution": "q_normal", "q": 1e-10}))
    ] == [
        "q_normal is unbounded but the field requires a value greater than or equal to 0",
        "q_normal is unbounded but the field requires a value less than or equal to 1",
    ]


def test_a_huge_int_uniform_is_exact() -> None:
    draws = random_sweep(seed={"min": 10**100, "max": 10**100 + 3})
    assert sweep.check(HParams, draws) == []
    assert {c.seed - 10**100 for c in sweep.expand(HParams, draws, count=40, defaults=None)} <= {0, 1, 2, 3}


# --- the command line: a message and an exit status, never a traceback -------------------------

CLI_CASES = [
    ("grid", _wide_grid(), [], 1, "about 10**20 configs"),
    ("grid-with-count", _wide_grid(), ["--count", "2"], 0, ""),
    ("overflow", random_sweep(temperature={"distribution": "log_uniform", "min": 0, "max": 1000}), ["--count", "3"], 1, "e**1000"),
    ("huge-run-cap", {**random_sweep(epochs={"min": 1, "max": 3}), "run_cap": 10**7}, [], 1, "run_cap 10,000,000"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "data", "options", "status", "said"), CLI_CASES, ids=[c[0] for c in CLI_CASES]
)
def test_the_cli_reports_bounds_with_a_message_and_status(  # noqa: PLR0917 - one parametrized case
    tmp_path: Path, name: str, data: dict[str, Any], options: list[str], status: int, said: str
) -> None:
    import json
    import subprocess
    import sys

    file = tmp_path / f"{name}.yaml"
    file.write_text(json.dumps(data))  # JSON is YAML, dotted names in flow mappings included
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "typed_config",
            "sweep",
            "expand",
            str(file),
            "--schema",
            f"{DATA / 'schema.py'}:HParams",
            *options,
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == status, result.stderr
    assert said in result.stderr
    assert "Traceback" not in result.stderr


def test_did_you_mean_is_worked_out_for_the_first_problems_only() -> None:
    typos = random_sweep(**{f"epoch{i}": {"value": 1} for i in range(120)})
    messages = [p.message for p in sweep.check(HParams, typos)]
    assert len(messages) == 120
    assert messages[:100] == ["unknown parameter; did you mean 'epochs'?"] * 100
    assert messages[100:] == ["unknown parameter"] * 20
