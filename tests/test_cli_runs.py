"""typed-config runs, diff, explain and hash, on real run folders."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from schemas import HParams

import typed_config as tc
from typed_config._cli.main import main


@pytest.fixture
def two_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[str, str]:
    monkeypatch.chdir(tmp_path)
    for name in ("RANK", "WORLD_SIZE", "SLURM_PROCID", "TORCHELASTIC_RUN_ID", "TYPED_CONFIG_RUN_ID"):
        monkeypatch.delenv(name, raising=False)
    first = tc.init(HParams, argv=["--epochs=3"], project="p")
    second = tc.init(
        HParams, argv=["--epochs=5", "--optimizer.name=sgd", "--seed=1"], project="p", name="sgd-run"
    )
    return first.id, second.id


def run_cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_runs_prints_a_table_with_differing_columns_first(
    two_runs: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run_cli(capsys, "runs")
    first, second = two_runs
    lines = out.splitlines()
    assert code == 0
    assert lines[0].split()[:7] == ["run", "name", "status", "created", "epochs", "optimizer.name", "seed"]
    created = [json.loads(Path(f"runs/p/{run}/meta.json").read_text())["created"] for run in two_runs]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", created[0])
    assert lines[1].split()[:6] == [
        f"p/{first}",
        "running",
        created[0],
        "3",
        "adam",
        "null",
    ]  # no name: empty
    assert lines[2].split()[:7] == [f"p/{second}", "sgd-run", "running", created[1], "5", "sgd", "1"]


def test_runs_filters_selects_columns_and_speaks_json_and_csv(
    two_runs: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    _first, second = two_runs
    code, out, _ = run_cli(
        capsys,
        "runs",
        "--project",
        "p",
        "--filter",
        "optimizer.name=sgd",
        "--format",
        "json",
        "--columns",
        "epochs,seed",
    )
    assert code == 0
    [record] = json.loads(out)
    assert record == {
        "run": f"p/{second}",
        "name": "sgd-run",
        "status": "running",
        "created": record["created"],
        "config": {"epochs": 5, "seed": 1},
    }
    assert record["created"].startswith("20")
    code, out, _ = run_cli(capsys, "runs", "--filter", "epochs=3", "--format", "csv", "--columns", "epochs")
    assert out.splitlines()[0] == "run,name,status,created,epochs"
    assert re.fullmatch(rf"p/{two_runs[0]},,running,20[-0-9]+T[:0-9]+Z,3", out.splitlines()[1])
    code, _, err = run_cli(capsys, "runs", "--filter", "epochs")
    assert (code, err.strip()) == (2, "typed-config: error: --filter 'epochs': expected KEY=VALUE")


def test_diff_shows_changed_added_and_removed_keys(
    two_runs: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    first, second = two_runs
    code, out, _ = run_cli(capsys, "diff", f"p/{first}", f"p/{second}")
    assert code == 1
    assert out.splitlines() == ["~ epochs: 3 -> 5", '~ optimizer.name: "adam" -> "sgd"', "~ seed: null -> 1"]
    code, out, _ = run_cli(capsys, "diff", f"p/{first}", f"runs/p/{first}")
    assert (code, out) == (0, f"p/{first} and runs/p/{first} are equal\n")


def test_diff_compares_a_run_with_a_config_file(
    two_runs: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    Path("mine.yaml").write_text("epochs: 3\ntags: [x]\n")
    code, out, _ = run_cli(capsys, "diff", f"p/{two_runs[0]}", "mine.yaml", "--schema", "schemas:HParams")
    assert (code, out.splitlines()) == (1, ['~ tags: [] -> ["x"]'])


def test_diff_of_something_unreadable_exits_two(
    two_runs: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run_cli(capsys, "diff", f"p/{two_runs[0]}", "p/nope")
    assert code == 2
    assert err.startswith("typed-config: error: cannot read p/nope: ")


def test_explain_prints_the_chain(two_runs: tuple[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run_cli(capsys, "explain", f"p/{two_runs[1]}", "optimizer.name")
    assert (code, out) == (
        0,
        'optimizer.name = "sgd"\n  schema default: "adam"\n  --optimizer.name=sgd: "sgd"\n',
    )
    code, _, err = run_cli(capsys, "explain", f"p/{two_runs[1]}", "nope")
    assert (code, err.strip()) == (2, f"typed-config: error: p/{two_runs[1]} has no key 'nope'")
    code, _, err = run_cli(capsys, "explain", f"p/{two_runs[1]}", "optimizer.nmae")
    assert (code, err.strip()) == (
        2,
        f"typed-config: error: p/{two_runs[1]} has no key 'optimizer.nmae'; did you mean 'optimizer.name'?",
    )


def test_runs_refuses_an_unknown_column_or_filter_key_with_a_suggestion(
    two_runs: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert two_runs
    code, out, err = run_cli(capsys, "runs", "--columns", "epochs,optimizer.rl")
    assert (code, out, err) == (
        2,
        "",
        "typed-config: error: --columns 'optimizer.rl': no run has this key; did you mean 'optimizer.lr'?\n",
    )
    code, out, err = run_cli(capsys, "runs", "--filter", "epoch=3")
    assert (code, err) == (
        2,
        "typed-config: error: --filter 'epoch': no run has this key; did you mean 'epochs'?\n",
    )


def test_hash_matches_fingerprint_for_runs_and_files(
    two_runs: tuple[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    first = two_runs[0]
    expected = tc.Api().run(f"p/{first}", schema=HParams).typed.fingerprint()
    assert run_cli(capsys, "hash", f"p/{first}")[1].strip() == expected
    Path("same.yaml").write_text("epochs: 3\n")
    assert run_cli(capsys, "hash", "same.yaml", "--schema", "schemas:HParams")[1].strip() == expected


def test_the_run_commands_work_as_a_real_process(two_runs: tuple[str, str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "typed_config", "diff", f"p/{two_runs[0]}", f"p/{two_runs[1]}"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).parent)},
    )
    assert result.returncode == 1
    assert result.stdout.splitlines()[0] == "~ epochs: 3 -> 5"
