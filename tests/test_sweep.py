"""wandb sweep files: ``typed_config.sweep.check`` and ``expand``, and the ``typed-config sweep`` commands.

``tests/data/sweeps/`` holds the sweep files, checked against ``schema.py:HParams`` there; each
``invalid_NAME.yaml`` is listed in ``INVALID`` with the exact lines its problems print as.
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import typed_config
import typed_config._cli.main
from typed_config import ConfigError, sweep
from typed_config._cli.common import EXIT_USAGE, UsageError
from typed_config._cli.sweep import add_sweep_commands
from typed_config._schema.ref import resolve_schema

DATA = Path(__file__).parent / "data" / "sweeps"
EXAMPLES = Path(__file__).parent.parent / "examples"
HParams: Any = resolve_schema(f"{DATA / 'schema.py'}:HParams")
Strict: Any = resolve_schema(f"{DATA / 'schema.py'}:Strict")


@pytest.fixture(autouse=True)
def _in_data(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(DATA)  # messages name files as they were given: relative to this folder


def flat(configs: Any) -> list[dict[str, Any]]:
    return [config.to_flat() for config in configs]


def random_sweep(**parameters: Any) -> dict[str, Any]:
    return {"program": "train.py", "method": "random", "parameters": parameters}


# --- check: every mistake, with its exact lines --------------------------------------------------

INVALID: list[tuple[str, list[str]]] = [
    ("unknown_parameter", ["4:3: optimizer.lrr: unknown parameter; did you mean 'optimizer.lr'?"]),
    (
        "unknown_nested_parameter",
        ["6:7: optimizer.learning_rate: unknown parameter; did you mean 'optimizer.name'?"],
    ),
    ("bad_value", ["5:12: optimizer.lr: Input should be greater than 0 (got -1)"]),
    (
        "bad_values_entry",
        [
            "5:18: batch_size: Input should be a valid integer (got '64')",
            "5:24: batch_size: Input should be greater than or equal to 1 (got 0)",
        ],
    ),
    ("literal_option", ["7:24: optimizer.name: Input should be 'adam' or 'sgd' (got 'rmsprop')"]),
    (
        "model_value",
        [
            "7:25: optimizer.lr: Input should be greater than 0 (got -0.1)",
            "7:31: optimizer.nesterov: unknown key",
        ],
    ),
    (
        "values_not_a_list",
        [
            "5:19: tags: Input should be a valid array (got 'b')",
            "7:13: epochs: values must be a non-empty list (got 3)",
        ],
    ),
    ("min_violates_gt", ["6:10: optimizer.lr: Input should be greater than 0 (got 0.0)"]),
    (
        "log_uniform_exponents",
        [
            "7:10: dropout: log_uniform draws e**1: Input should be less than or equal to 1 (got 2.718281828459045)"
        ],
    ),
    (
        "normal_unbounded",
        ["5:19: optimizer.lr: normal is unbounded but the field requires a value greater than 0"],
    ),
    (
        "log_normal_unbounded_above",
        [
            "5:19: dropout: log_normal is unbounded above but the field requires a value less than or equal to 1"
        ],
    ),
    (
        "q_rounds_to_zero",
        ["6:10: optimizer.lr: q_uniform rounds to 0: Input should be greater than 0 (got 0)"],
    ),
    ("int_distribution_for_str", ["4:3: dataset: int_uniform draws ints but the field takes str"]),
    ("float_distribution_for_int", ["5:19: epochs: uniform draws floats but the field takes int"]),
    ("min_not_less_than_max", ["5:10: epochs: min 10 is not less than max 1"]),
    (
        "bad_numbers",
        [
            "3:10: run_cap: Input should be greater than 0 (got 0)",
            "7:12: temperature: sigma must be >= 0 (got -1)",
            "10:10: optimizer.lr: q_log_uniform_values bounds are values, so min must be > 0 (got 0)",
            "14:10: epochs: int_uniform takes int bounds (got 1.5 and 4)",
            "18:10: dropout: min must be a finite number (got 'low')",
        ],
    ),
    ("unknown_distribution", ["5:19: dropout: unknown distribution 'unifrom'; did you mean 'uniform'?"]),
    ("spec_unknown_key", ["5:5: epochs: a parameter takes no 'vaules'; did you mean 'values'?"]),
    ("key_not_for_distribution", ["8:5: dropout: uniform takes no 'mu'"]),
    (
        "probabilities_sum",
        ["6:20: epochs: must be a number >= 0 per value, summing to 1 (got [0.5, 0.6, 0])"],
    ),
    ("nested_with_values", ["5:5: optimizer: nested parameters take no 'values'"]),
    ("parameter_set_twice", ["8:7: optimizer.lr: is also set by invalid_parameter_set_twice.yaml:4:3"]),
    ("empty_parameters", ["3:13: parameters must be a non-empty mapping (got {})"]),
    ("method_missing", ["1:1: method: required value is missing"]),
    ("method_unknown", ["2:9: method: Input should be 'grid', 'random', 'bayes' or 'custom' (got 'gird')"]),
    (
        "bayes_without_metric",
        ["2:9: method: bayes sweeps need a metric to optimise: {name: ..., goal: ...}"],
    ),
    ("metric_goal", ["5:9: metric.goal: Input should be 'minimize' or 'maximize' (got 'minimise')"]),
    ("unknown_top_key", ["3:1: early_terminat: unknown key; did you mean 'early_terminate'?"]),
    (
        "top_key_typos",
        [
            "2:1: contoller: unknown key; did you mean 'controller'?",
            "4:1: run_capp: unknown key; did you mean 'run_cap'?",
            "6:3: early_terminate: hyperband needs min_iter, or max_iter and s",
            "7:8: early_terminate.eta: Input should be greater than 1 (got 1)",
        ],
    ),
    (
        "grid_continuous",
        ["5:10: dropout: grids take value, values, int_uniform or q_uniform, not uniform"],
    ),
    (
        "grid_probabilities",
        ["6:20: epochs: grids take value, values, int_uniform or q_uniform, not probabilities"],
    ),
    (
        "yaml_error_after_dotted_name",  # positions survive the dotted-name pre-pass
        ["6:9: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)"],
    ),
]


@pytest.mark.parametrize(("name", "lines"), INVALID, ids=[name for name, _ in INVALID])
def test_check_reports_every_mistake_with_its_position(name: str, lines: list[str]) -> None:
    file = f"invalid_{name}.yaml"
    assert [str(problem) for problem in sweep.check(HParams, file)] == [f"{file}:{line}" for line in lines]


def test_every_invalid_file_is_in_the_table() -> None:
    assert sorted(p.stem.removeprefix("invalid_") for p in DATA.glob("invalid_*.yaml")) == sorted(
        name for name, _ in INVALID
    )


def test_problems_carry_typed_positions() -> None:
    (problem,) = sweep.check(HParams, "invalid_bad_value.yaml")
    assert (problem.key, problem.origin.path, problem.origin.line, problem.origin.column) == (
        "optimizer.lr",
        "invalid_bad_value.yaml",
        5,
        12,
    )


@pytest.mark.parametrize(
    "file",
    ["grid.yaml", "random.yaml", "bayes.yaml", "wandb_keys.yaml", "no_program.yaml", "mixed_bounds.yaml"],
)
def test_valid_sweeps_have_no_problems(file: str) -> None:
    # wandb_keys: every top-level key wandb's sweep schema takes; no_program: a sweep for
    # wandb.agent(sweep_id, function=train); mixed_bounds: an int and a float bound, uniform to wandb.
    assert sweep.check(HParams, file) == []


def test_a_sweep_without_program_expands_and_mixed_bounds_draw_floats() -> None:
    assert [c.epochs for c in sweep.expand(HParams, "no_program.yaml")] == [3]
    drawn = [c.dropout for c in sweep.expand(HParams, "mixed_bounds.yaml", count=20)]
    assert all(0 <= d <= 0.5 for d in drawn)
    assert len(set(drawn)) == 20


@pytest.mark.parametrize(
    ("keys", "lines"),
    [
        (
            {"method": "random", "metrics": [{"name": "loss"}, {"name": "acc", "goal": "maximize"}]},
            [
                "sweep: parameters are required unless scheduler.search_space is set",
                "sweep['metrics']: metrics: metrics (several objectives) need method: custom",
            ],
        ),
        (
            {"method": "custom", "metric": {"name": "a"}, "metrics": [{"name": "a"}, {"name": "b"}]},
            [
                "sweep: parameters are required unless scheduler.search_space is set",
                "sweep['metrics']: metrics: metric and metrics cannot both be set",
            ],
        ),
        (
            {"method": "random", "controller": {"type": "remote"}, "parameters": {"epochs": {"value": 2}}},
            ["sweep['controller']: controller.type: must be 'local' or 'cloud' (got 'remote')"],
        ),
        (
            {
                "method": "custom",
                "metrics": [{"name": "a"}, {"name": "b"}],
                "scheduler": {"engine": "optuna", "source": "s.py", "search_space": "space"},
            },
            [],
        ),
    ],
)
def test_rules_between_top_level_keys_are_wandbs(keys: dict[str, Any], lines: list[str]) -> None:
    assert [str(p) for p in sweep.check(HParams, keys)] == lines


def test_quoted_dotted_names_and_nested_blocks_are_read_and_placed() -> None:
    assert [str(p) for p in sweep.check(HParams, "quoted.yaml")] == [
        "quoted.yaml:6:19: optimizer.lr: Input should be greater than 0 (got -0.5)"
    ]


def test_dotted_names_in_flow_mappings_and_json_files_are_read_and_placed(tmp_path: Path) -> None:
    file = tmp_path / "sweep.json"
    file.write_text(
        '{"method": "grid", "parameters": {"optimizer.lr": {"values": [0.1, -1]}, '
        '"model": {"parameters": {"layers": {"value": 2}}}}}'
    )
    assert [str(p) for p in sweep.check(HParams, file)] == [
        f"{file}:1:68: optimizer.lr: Input should be greater than 0 (got -1)"
    ]


def test_values_merged_with_merge_keys_are_placed_where_they_are_written(tmp_path: Path) -> None:
    file = tmp_path / "sweep.yaml"
    file.write_text(
        "method: grid\nparameters:\n  temperature: &t {values: [0.5, -0.25]}\n"
        "  optimizer.lr:\n    <<: *t\n  epochs:\n    <<: *t\n    values: [0, 2]\n"
    )
    assert [str(p) for p in sweep.check(HParams, file)] == [
        f"{file}:3:34: optimizer.lr: Input should be greater than 0 (got -0.25)",  # at the anchor
        f"{file}:8:14: epochs: Input should be greater than or equal to 1 (got 0)",  # beside `<<` wins
    ]


def test_a_dotted_key_outside_parameters_is_still_refused(tmp_path: Path) -> None:
    file = tmp_path / "sweep.yaml"
    file.write_text("program: x\nmethod: grid\nmetric.name: loss\nparameters:\n  epochs: {value: 1}\n")
    assert [str(p) for p in sweep.check(HParams, file)] == [
        f"{file}:3:1: key 'metric.name' contains '.'; nest it as a mapping instead"
    ]


def test_a_mapping_is_checked_with_its_items_named() -> None:
    problems = sweep.check(
        HParams, random_sweep(**{"optimizer.lr": {"values": [0.1, 0]}, "epoch": {"value": 1}})
    )
    assert [str(p) for p in problems] == [
        "sweep['parameters']['optimizer.lr']['values'][1]: optimizer.lr: Input should be greater than 0 (got 0)",
        "sweep['parameters']['epoch']: epoch: unknown parameter; did you mean 'epochs'?",
    ]


def test_dashes_and_underscores_fold_in_parameter_names() -> None:
    configs = sweep.expand(HParams, random_sweep(**{"batch-size": {"value": 8}}), count=1)
    assert [c.batch_size for c in configs] == [8]


def test_an_unreadable_file_is_a_problem_and_a_non_model_a_type_error() -> None:
    assert [str(p) for p in sweep.check(HParams, "missing.yaml")] == [
        "missing.yaml: cannot read file: No such file or directory"
    ]
    with pytest.raises(TypeError):
        sweep.check(dict, "grid.yaml")


def test_beta_is_open_at_both_ends_and_judged_so() -> None:
    from pydantic import BaseModel, Field

    class Fractions(BaseModel):
        inside: float = Field(default=0.5, gt=0, lt=1)
        upper: float = Field(default=0.7, gt=0.5)

    assert sweep.check(Fractions, random_sweep(inside={"distribution": "beta"})) == []
    assert [p.message for p in sweep.check(Fractions, random_sweep(upper={"distribution": "beta"}))] == [
        "beta draws values down to 0 but the field requires a value greater than 0.5"
    ]


# --- expand: grids --------------------------------------------------------------------------------


def test_a_grid_is_the_product_of_values_in_wandbs_order() -> None:
    configs = list(sweep.expand(HParams, "grid.yaml"))
    assert all(isinstance(c, HParams) for c in configs)
    # wandb sorts parameters by name (model < optimizer < optimizer.lr); the first varies slowest.
    assert [(c.model.layers, c.optimizer.name, c.optimizer.lr) for c in configs] == [
        (layers, name, lr) for layers in (1, 2, 3) for name in ("adam", "sgd") for lr in (0.01, 0.001)
    ]
    assert {c.epochs for c in configs} == {5}  # a constant
    assert {c.batch_size for c in configs} == {32}  # left to the schema default


def test_a_grid_count_takes_its_first_configs() -> None:
    assert flat(sweep.expand(HParams, "grid.yaml", count=3)) == flat(sweep.expand(HParams, "grid.yaml"))[:3]


def test_q_uniform_is_enumerated_as_wandb_does_without_max() -> None:
    grid = {
        "program": "x",
        "method": "grid",
        "parameters": {"batch_size": {"distribution": "q_uniform", "min": 8, "max": 32, "q": 8}},
    }
    assert [c.batch_size for c in sweep.expand(HParams, grid)] == [8, 16, 24]


def test_a_combination_that_does_not_validate_is_a_config_error() -> None:
    grid = {"program": "x", "method": "grid", "parameters": {"lr": {"values": [0.1, 0.2]}}}
    with pytest.raises(ConfigError) as caught:
        list(sweep.expand(Strict, grid))
    assert str(caught.value) == "schema: name: required value is missing"  # set by no parameter


def test_expand_refuses_a_sweep_with_problems_and_a_bayes_sweep() -> None:
    with pytest.raises(ConfigError) as caught:
        sweep.expand(HParams, "invalid_bad_value.yaml")
    assert (
        str(caught.value)
        == "invalid_bad_value.yaml:5:12: optimizer.lr: Input should be greater than 0 (got -1)"
    )
    with pytest.raises(ConfigError) as caught:
        sweep.expand(HParams, "bayes.yaml")
    assert str(caught.value) == (
        "bayes.yaml:3:9: method: bayes sweeps need the wandb server; use method: random or grid to expand locally"
    )


# --- expand: random sweeps ---------------------------------------------------------------------------


def test_random_draws_are_fixed_by_the_seed() -> None:
    first = flat(sweep.expand(HParams, "random.yaml", seed=7))
    assert len(first) == 20  # the file's run_cap
    assert flat(sweep.expand(HParams, "random.yaml", seed=7)) == first
    assert flat(sweep.expand(HParams, "random.yaml", seed=8)) != first
    assert flat(sweep.expand(HParams, "random.yaml", seed=7, count=5)) == first[:5]


def test_a_random_sweep_needs_a_count() -> None:
    with pytest.raises(TypeError, match="needs a count"):
        sweep.expand(HParams, random_sweep(epochs={"value": 1}))


def test_a_drawn_value_the_field_refuses_is_placed_at_the_parameter() -> None:
    from pydantic import BaseModel, Field

    class Even(BaseModel):
        size: int = Field(default=2, multiple_of=2)

    draws = random_sweep(size={"min": 2, "max": 6})
    assert sweep.check(Even, draws) == []  # the ends, 2 and 6, are even
    with pytest.raises(
        ConfigError, match=r"^sweep\['parameters'\]\['size'\]: size: Input should be a multiple"
    ):
        list(sweep.expand(Even, draws, count=50))


E = math.e
DRAWS: list[tuple[str, dict[str, Any], Any]] = [
    ("temperature", {"distribution": "uniform", "min": -2, "max": 3}, lambda v: -2 <= v <= 3),
    ("temperature", {"min": -2.0, "max": 3.0}, lambda v: -2 <= v <= 3),
    ("temperature", {"distribution": "log_uniform", "min": -3, "max": 1}, lambda v: E**-3 <= v <= E),
    ("temperature", {"distribution": "log_uniform_values", "min": 1e-4, "max": 0.1}, lambda v: 1e-4 <= v <= 0.1),
    ("temperature", {"distribution": "inv_log_uniform", "min": 0, "max": 2}, lambda v: E**-2 <= v <= 1),
    ("temperature", {"distribution": "inv_log_uniform_values", "min": 0.01, "max": 10}, lambda v: 0.01 <= v <= 10),
    ("temperature", {"distribution": "normal", "mu": 5, "sigma": 0.1}, lambda v: 4 < v < 6),
    ("temperature", {"distribution": "log_normal", "mu": 0, "sigma": 1}, lambda v: v > 0),
    ("temperature", {"distribution": "beta", "a": 2, "b": 2}, lambda v: 0 < v < 1),
    ("temperature", {"distribution": "q_uniform", "min": 0, "max": 10, "q": 0.5}, lambda v: 0 <= v <= 10 and _on(v, 0.5)),
    ("temperature", {"distribution": "q_log_uniform", "min": 0, "max": 3, "q": 0.5}, lambda v: 1 <= v <= 20 and _on(v, 0.5)),
    ("temperature", {"distribution": "q_normal", "q": 0.25}, lambda v: _on(v, 0.25)),
    ("temperature", {"distribution": "q_log_normal", "q": 0.1}, lambda v: v >= 0 and _on(v, 0.1)),
    ("temperature", {"distribution": "q_beta", "q": 0.1}, lambda v: 0 <= v <= 1 and _on(v, 0.1)),
    ("model.layers", {"min": 1, "max": 8}, lambda v: type(v) is int and 1 <= v <= 8),
    ("batch_size", {"distribution": "q_uniform", "min": 16, "max": 128, "q": 16}, lambda v: type(v) is int and v % 16 == 0),
    ("model.width", {"distribution": "q_log_uniform_values", "min": 32, "max": 512, "q": 32}, lambda v: type(v) is int and 32 <= v <= 512),
    ("optimizer.name", {"values": ["adam", "sgd"], "probabilities": [1, 0]}, lambda v: v == "adam"),
    ("dataset", {"value": "cifar"}, lambda v: v == "cifar"),
]  # fmt: skip


def _on(value: float, q: float) -> bool:
    return abs(value / q - round(value / q)) < 1e-9


@pytest.mark.parametrize(
    ("key", "spec", "holds"), DRAWS, ids=[str(s.get("distribution", s)) for _, s, _ in DRAWS]
)
def test_every_distribution_draws_within_its_bounds(key: str, spec: dict[str, Any], holds: Any) -> None:
    draws = random_sweep(**{key: spec})
    assert sweep.check(HParams, draws) == []
    values = [c.to_flat()[key] for c in sweep.expand(HParams, draws, count=200, seed=3)]
    assert all(holds(v) for v in values), values
    if "values" not in spec and "value" not in spec:
        assert len(set(values)) > 1  # it does vary


def test_int_uniform_reaches_every_value() -> None:
    draws = random_sweep(**{"model.layers": {"min": 1, "max": 4}})
    assert {c.model.layers for c in sweep.expand(HParams, draws, count=100)} == {1, 2, 3, 4}


# --- the command line ----------------------------------------------------------------------------


def run(*argv: str) -> int:
    """The sweep commands through a parser of their own, as _cli.main runs them."""
    parser = argparse.ArgumentParser(prog="typed-config")
    add_sweep_commands(parser.add_subparsers(required=True))
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except UsageError as exc:
        print(f"typed-config: error: {exc}", file=sys.stderr)
        return EXIT_USAGE


def test_cli_check_exit_codes_and_output(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("sweep", "check", "grid.yaml", "--schema", "schema.py:HParams") == 0
    assert capsys.readouterr().out == "grid.yaml: ok\n"
    assert run("sweep", "check", "invalid_bad_value.yaml", "--schema", "schema.py:HParams") == 1
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        "",
        "invalid_bad_value.yaml:5:12: optimizer.lr: Input should be greater than 0 (got -1)\n",
    )
    assert run("sweep", "check", "missing.yaml", "--schema", "schema.py:HParams") == 2
    assert "cannot read missing.yaml" in capsys.readouterr().err
    assert run("sweep", "check", "grid.yaml", "--schema", "schema.py:Nope") == 2


def test_cli_check_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        run(
            "sweep",
            "check",
            "invalid_literal_option.yaml",
            "--schema",
            "schema.py:HParams",
            "--format",
            "json",
        )
        == 1
    )
    assert json.loads(capsys.readouterr().out) == [
        {
            "path": "invalid_literal_option.yaml",
            "line": 7,
            "column": 24,
            "key": "optimizer.name",
            "message": "Input should be 'adam' or 'sgd' (got 'rmsprop')",
            "source": "invalid_literal_option.yaml:7:24",
        }
    ]


def test_cli_expand_prints_one_flat_config_per_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("sweep", "expand", "grid.yaml", "--schema", "schema.py:HParams") == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert lines == flat(sweep.expand(HParams, "grid.yaml"))
    assert (
        run("sweep", "expand", "random.yaml", "--schema", "schema.py:HParams", "--count", "3", "--seed", "2")
        == 0
    )
    assert len(capsys.readouterr().out.splitlines()) == 3


def test_cli_expand_writes_config_files_that_load_back(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "configs"
    assert run("sweep", "expand", "grid.yaml", "--schema", "schema.py:HParams", "--out", str(out)) == 0
    assert capsys.readouterr().out == f"wrote 12 configs into {out}\n"
    files = sorted(out.iterdir())
    assert [f.name for f in files][:2] == ["config-0001.yaml", "config-0002.yaml"]
    assert flat(typed_config.load(HParams, f) for f in files) == flat(sweep.expand(HParams, "grid.yaml"))


def test_cli_expand_problems_and_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("sweep", "expand", "bayes.yaml", "--schema", "schema.py:HParams") == 1
    assert "bayes sweeps need the wandb server" in capsys.readouterr().err
    assert run("sweep", "expand", "invalid_bad_value.yaml", "--schema", "schema.py:HParams") == 1
    assert capsys.readouterr().out == ""  # nothing is printed when a config has problems
    no_cap = tmp_path / "no_cap.yaml"
    no_cap.write_text((DATA / "random.yaml").read_text(encoding="utf-8").replace("run_cap: 20\n", ""))
    assert run("sweep", "expand", str(no_cap), "--schema", "schema.py:HParams") == 2
    assert "a random sweep needs a count" in capsys.readouterr().err
    assert run("sweep", "expand", str(no_cap), "--schema", "schema.py:HParams", "--count", "-1") == 2


def _wired() -> bool:
    return "sweep" in typed_config._cli.main._parser().format_help()


needs_wiring = pytest.mark.skipif(
    not _wired(), reason="typed_config._cli.main does not register the sweep commands yet"
)


@needs_wiring
def test_python_m_typed_config_sweep_check() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "typed_config",
            "sweep",
            "check",
            "invalid_normal_unbounded.yaml",
            "--schema",
            "schema.py:HParams",
        ],
        cwd=DATA,
        capture_output=True,
        text=True,
        check=False,
    )
    assert (result.returncode, result.stderr) == (
        1,
        "invalid_normal_unbounded.yaml:5:19: optimizer.lr: normal is unbounded but the field requires a value greater than 0\n",
    )


@needs_wiring
def test_python_m_typed_config_sweep_expand() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "typed_config",
            "sweep",
            "expand",
            "grid.yaml",
            "--schema",
            "schema.py:HParams",
        ],
        cwd=DATA,
        capture_output=True,
        text=True,
        check=True,
    )
    assert len(result.stdout.splitlines()) == 12


# --- the example ---------------------------------------------------------------------------------


def test_the_example_sweep_is_valid_and_expands_to_four_runs() -> None:
    schema = resolve_schema(f"{EXAMPLES / 'hparams.py'}:HParams")
    assert sweep.check(schema, EXAMPLES / "sweep.yaml") == []
    configs = [c.to_flat() for c in sweep.expand(schema, EXAMPLES / "sweep.yaml")]
    # wandb's order: optimizer.lr sorts before optimizer.name, so it varies slowest.
    assert [(c["optimizer.lr"], c["optimizer.name"]) for c in configs] == [
        (0.01, "adam"),
        (0.01, "sgd"),
        (0.001, "adam"),
        (0.001, "sgd"),
    ]
