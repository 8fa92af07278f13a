"""The typed-config command: through main(argv), ``python -m typed_config`` and the installed script."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import NamedTuple

import pytest
import yaml

import typed_config
from typed_config._cli.main import main, main_exit
from typed_config._schema.ref import resolve_schema
from typed_config._yaml.read import MAX_BYTES

HPARAMS = """
from __future__ import annotations  # annotations resolve through sys.modules, as in real projects

from typing import Literal

from pydantic import BaseModel

from typed_config import Field, HyperParams


class Optimizer(HyperParams):
    name: Literal["adam", "sgd"] = "adam"
    lr: float = Field(default=0.001, gt=0, description="learning rate")


class HParams(HyperParams):
    optimizer: Optimizer = Field(default_factory=Optimizer, description="the optimizer")
    epochs: int = Field(default=10, gt=0, description="passes over the data")
    layers: list[int] = Field(default=[64, 64])
    seed: int = 0


class Required(BaseModel):
    name: str
    steps: int = 1


class Dotted(BaseModel):
    x: int = Field(default=1, alias="a.b")


class IntKeys(BaseModel):
    weights: dict[int, float] = {1: 0.5}


class Outer:
    class Inner(BaseModel):
        steps: int = 1


def helper() -> int:
    return 1
"""

FILES = {
    "good.yaml": "epochs: 3\noptimizer:\n  lr: 0.01\n",
    "bad.yaml": textwrap.dedent("""\
        optimizer:
          lr: -1
          name: rmsprop
        epochs: zero
        layers: [1, two]
        extra: 1
        """),
    "neg.yaml": "optimizer:\n  lr: -1\n",
    "lr.yaml": "optimizer:\n  lr: 0.5\n",
    "wrapped.yaml": textwrap.dedent("""\
        wandb_version: 1
        _wandb:
          value: {cli_version: 0.19.0}
        epochs:
          desc: passes over the data
          value: 5
        optimizer:
          value: {name: sgd}
        """),
    "syntax.yaml": "layers: [1, 2\n",
    "broken.py": 'raise RuntimeError("boom")\n',
    "needs_dep.py": "import no_such_dependency\n",
    "exits.py": "import sys\nsys.exit(3)\n",
}

BAD_LINES = [
    "bad.yaml:2:7: optimizer.lr: Input should be greater than 0 (got -1)",
    "bad.yaml:3:9: optimizer.name: Input should be 'adam' or 'sgd' (got 'rmsprop')",
    "bad.yaml:4:9: epochs: Input should be a valid integer (got 'zero')",
    "bad.yaml:5:13: layers[1]: Input should be a valid integer (got 'two')",
    "bad.yaml:6:1: extra: unknown key",
]
NEG_LINE = "neg.yaml:2:7: optimizer.lr: Input should be greater than 0 (got -1)"
SCHEMA = "hparams:HParams"


class Result(NamedTuple):
    code: int
    out: str
    err: str

    @property
    def err_lines(self) -> list[str]:
        return self.err.splitlines()


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A folder holding a schema module and config files, as the current folder."""
    (tmp_path / "hparams.py").write_text(HPARAMS, encoding="utf-8")
    for name, text in FILES.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    # The command puts the current folder on sys.path and imports `hparams` from it; every test
    # has its own folder, so neither may outlive the test. Only the test's own modules are
    # dropped: a library module imported twice would make two copies of its classes.
    monkeypatch.setattr(sys, "path", list(sys.path))
    yield tmp_path
    for name, module in list(sys.modules.items()):
        if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
            del sys.modules[name]


def run_main(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    code = main(argv)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def run_process(command: list[str], *argv: str, cwd: Path) -> Result:
    proc = subprocess.run(
        [*command, *argv], cwd=cwd, capture_output=True, text=True, check=False, timeout=120
    )
    return Result(proc.returncode, proc.stdout, proc.stderr)


Cli = Callable[..., Result]
"""Runs the command with the given arguments."""

SCRIPT = Path(sys.executable).parent / "typed-config"
COMMANDS = {"python -m": [sys.executable, "-m", "typed_config"], "script": [str(SCRIPT)]}


@pytest.fixture(params=["main", "python -m", "script"])
def cli(request: pytest.FixtureRequest, project: Path, capsys: pytest.CaptureFixture[str]) -> Cli:
    """Run the command in-process through main(argv), or as a real subprocess."""
    if request.param == "main":
        return lambda *argv: run_main(capsys, *argv)
    command = COMMANDS[request.param]
    return lambda *argv: run_process(command, *argv, cwd=project)


# validate -------------------------------------------------------------------------------------


def test_validate_valid_file_prints_ok_and_exits_0(cli: Cli) -> None:
    assert cli("validate", "good.yaml", "--schema", SCHEMA) == Result(0, "good.yaml: ok\n", "")


def test_validate_prints_each_problem_on_one_line_and_exits_1(cli: Cli) -> None:
    result = cli("validate", "bad.yaml", "--schema", SCHEMA)
    assert (result.code, result.out, result.err_lines) == (1, "", BAD_LINES)


def test_validate_checks_each_file_on_its_own(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(capsys, "validate", "neg.yaml", "lr.yaml", "good.yaml", "--schema", SCHEMA)
    assert result == Result(1, "lr.yaml: ok\ngood.yaml: ok\n", NEG_LINE + "\n")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        # lr.yaml's optimizer.lr replaces neg.yaml's: the merged config is valid.
        (["neg.yaml", "lr.yaml"], Result(0, "neg.yaml + lr.yaml: ok\n", "")),
        (["lr.yaml", "neg.yaml"], Result(1, "", NEG_LINE + "\n")),
        (["good.yaml", "bad.yaml"], Result(1, "", "".join(f"{line}\n" for line in BAD_LINES))),
    ],
)
def test_validate_merge_layers_files_in_order(
    project: Path, capsys: pytest.CaptureFixture[str], files: list[str], expected: Result
) -> None:
    assert run_main(capsys, "validate", *files, "--merge", "--schema", SCHEMA) == expected


def test_validate_json_prints_problems_as_one_array_on_stdout(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(capsys, "validate", "good.yaml", "neg.yaml", "--schema", SCHEMA, "--format", "json")
    assert (result.code, result.err) == (1, "")
    assert json.loads(result.out) == [
        {
            "path": "neg.yaml",
            "line": 2,
            "column": 7,
            "key": "optimizer.lr",
            "message": "Input should be greater than 0 (got -1)",
            "source": "neg.yaml:2:7",
        }
    ]


def test_validate_json_keeps_every_problem_in_order(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(capsys, "validate", "bad.yaml", "--schema", SCHEMA, "--format", "json")
    records = json.loads(result.out)
    assert result.code == 1
    assert [f"{r['source']}: {r['key']}: {r['message']}" for r in records] == BAD_LINES


def test_validate_json_prints_empty_array_when_all_valid(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(capsys, "validate", "good.yaml", "lr.yaml", "--schema", SCHEMA, "--format", "json")
    assert (result.code, json.loads(result.out), result.err) == (0, [], "")


def test_validate_json_gives_null_line_and_column_when_the_file_has_no_position(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with (project / "huge.yaml").open("wb") as handle:
        handle.truncate(MAX_BYTES + 1)  # sparse: the size is what counts
    result = run_main(capsys, "validate", "huge.yaml", "--schema", SCHEMA, "--format", "json")
    assert result.code == 1
    assert json.loads(result.out) == [
        {
            "path": "huge.yaml",
            "line": None,
            "column": None,
            "key": None,
            "message": f"file too large: {MAX_BYTES + 1} bytes (the limit is {MAX_BYTES})",
            "source": "huge.yaml",
        }
    ]


def test_validate_reports_a_missing_required_key_at_the_top_of_the_file(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "empty.yaml").write_text("", encoding="utf-8")
    result = run_main(capsys, "validate", "empty.yaml", "--schema", "hparams:Required")
    assert result == Result(1, "", "empty.yaml:1:1: name: required value is missing\n")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["validate", "missing.yaml", "--schema", SCHEMA],
            "cannot read missing.yaml: No such file or directory",
        ),
        # Checked before anything is validated: good.yaml gets no "ok" line.
        (
            ["validate", "good.yaml", "missing.yaml", "--schema", SCHEMA],
            "cannot read missing.yaml: No such file or directory",
        ),
        (
            ["validate", "good.yaml", "missing.yaml", "--merge", "--schema", SCHEMA],
            "cannot read missing.yaml: No such file or directory",
        ),
        (["validate", ".", "--schema", SCHEMA], "cannot read .: Is a directory"),
        (["flatten", "missing.yaml"], "cannot read missing.yaml: No such file or directory"),
        (
            ["flatten", "missing.yaml", "--schema", SCHEMA],
            "cannot read missing.yaml: No such file or directory",
        ),
    ],
)
def test_unreadable_input_files_exit_2_with_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    result = run_main(capsys, *argv)
    assert result == Result(2, "", f"typed-config: error: {message}\n")


# --schema references ----------------------------------------------------------------------------

SCHEMA_ERRORS = [
    ("hparams", "--schema 'hparams': expected MODULE:CLASS or path/to/file.py:CLASS"),
    (":HParams", "--schema ':HParams': expected MODULE:CLASS or path/to/file.py:CLASS"),
    ("hparams:", "--schema 'hparams:': expected MODULE:CLASS or path/to/file.py:CLASS"),
    ("no_such_module:HParams", "--schema 'no_such_module:HParams': no module named 'no_such_module'"),
    ("hparams.sub:HParams", "--schema 'hparams.sub:HParams': no module named 'hparams.sub'"),
    ("missing.py:HParams", "--schema 'missing.py:HParams': no such file: missing.py"),
    ("sub/missing.py:HParams", "--schema 'sub/missing.py:HParams': no such file: sub/missing.py"),
    ("hparams:Nope", "--schema 'hparams:Nope': hparams has no attribute 'Nope'"),
    ("hparams.py:Nope", "--schema 'hparams.py:Nope': hparams.py has no attribute 'Nope'"),
    ("hparams:helper", "--schema 'hparams:helper': helper is not a pydantic BaseModel subclass"),
    ("hparams:Outer", "--schema 'hparams:Outer': Outer is not a pydantic BaseModel subclass"),
    (
        "hparams:Dotted",
        "--schema 'hparams:Dotted': field aliases must not contain '.': Dotted.x (alias 'a.b')",
    ),
    ("broken:HParams", "--schema 'broken:HParams': importing broken failed: RuntimeError: boom"),
    ("broken.py:HParams", "--schema 'broken.py:HParams': importing broken.py failed: RuntimeError: boom"),
    (
        "needs_dep:HParams",
        "--schema 'needs_dep:HParams': importing needs_dep failed: "
        "ModuleNotFoundError: No module named 'no_such_dependency'",
    ),
    ("exits:HParams", "--schema 'exits:HParams': importing exits failed: SystemExit: 3"),
]


@pytest.mark.parametrize(("reference", "message"), SCHEMA_ERRORS)
def test_bad_schema_reference_exits_2_with_one_line(
    project: Path, capsys: pytest.CaptureFixture[str], reference: str, message: str
) -> None:
    result = run_main(capsys, "schema", "--schema", reference)
    assert result == Result(2, "", f"typed-config: error: {message}\n")


@pytest.mark.parametrize(("reference", "message"), SCHEMA_ERRORS)
def test_bad_schema_reference_prints_no_traceback_from_a_real_process(
    project: Path, reference: str, message: str
) -> None:
    result = run_process(COMMANDS["python -m"], "defaults", "--schema", reference, cwd=project)
    assert result == Result(2, "", f"typed-config: error: {message}\n")
    assert "Traceback" not in result.err


def test_bad_schema_reference_is_reported_before_missing_files(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(capsys, "validate", "missing.yaml", "--schema", "hparams:Nope")
    assert result == Result(
        2, "", "typed-config: error: --schema 'hparams:Nope': hparams has no attribute 'Nope'\n"
    )


@pytest.mark.parametrize(
    "reference", ["hparams.py:HParams", "./hparams.py:HParams", "sub/hparams.py:HParams"]
)
def test_schema_may_be_a_python_file(
    project: Path, capsys: pytest.CaptureFixture[str], reference: str
) -> None:
    (project / "sub").mkdir()
    (project / "sub" / "hparams.py").write_text(HPARAMS, encoding="utf-8")
    assert run_main(capsys, "validate", "bad.yaml", "--schema", reference).err_lines == BAD_LINES
    assert run_main(capsys, "validate", "good.yaml", "--schema", reference) == Result(
        0, "good.yaml: ok\n", ""
    )


def test_schema_file_loads_are_independent_modules(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "other").mkdir()
    (project / "other" / "hparams.py").write_text(
        HPARAMS.replace("gt=0, desc", "ge=-1, desc"), encoding="utf-8"
    )
    assert run_main(capsys, "validate", "neg.yaml", "--schema", "hparams.py:HParams").code == 1
    assert run_main(capsys, "validate", "neg.yaml", "--schema", "other/hparams.py:HParams").code == 0


def test_schema_class_may_be_nested_in_a_class(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(capsys, "flatten", "lr.yaml", "--schema", "hparams:Outer.Inner")
    assert result == Result(1, "", "lr.yaml:1:1: optimizer: unknown key\n")


def test_schema_may_be_a_plain_pydantic_model(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "named.yaml").write_text("name: x\n", encoding="utf-8")
    result = run_main(capsys, "flatten", "named.yaml", "--schema", "hparams:Required")
    assert (result.code, json.loads(result.out), result.err) == (0, {"name": "x", "steps": 1}, "")


# defaults -------------------------------------------------------------------------------------


def test_defaults_output_loads_back_to_the_schema_defaults(cli: Cli, project: Path) -> None:
    result = cli("defaults", "--schema", SCHEMA)
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("# config-defaults.yaml for HParams, written by typed_config\n")
    schema = resolve_schema(SCHEMA)
    assert typed_config.loads(schema, result.out) == schema()


def test_defaults_writes_descriptions_as_desc(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = yaml.safe_load(run_main(capsys, "defaults", "--schema", SCHEMA).out)
    assert data["epochs"] == {"desc": "passes over the data", "value": 10}
    assert data["optimizer"]["desc"] == "the optimizer"


def test_defaults_output_option_writes_the_file(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    printed = run_main(capsys, "defaults", "--schema", SCHEMA).out
    result = run_main(capsys, "defaults", "--schema", SCHEMA, "--output", "config-defaults.yaml")
    assert result == Result(0, "", "")
    assert (project / "config-defaults.yaml").read_text(encoding="utf-8") == printed


def test_defaults_output_to_a_missing_folder_exits_2(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(capsys, "defaults", "--schema", SCHEMA, "--output", "no/such/folder.yaml")
    assert result == Result(
        2, "", "typed-config: error: cannot write no/such/folder.yaml: No such file or directory\n"
    )


@pytest.mark.parametrize("command", [["defaults"], ["flatten", "empty.yaml"]])
def test_defaults_that_cannot_be_written_give_a_message_not_a_traceback(
    project: Path, command: list[str]
) -> None:
    (project / "empty.yaml").write_text("", encoding="utf-8")
    result = run_process(COMMANDS["python -m"], *command, "--schema", "hparams:IntKeys", cwd=project)
    # Whether int keys can be written is the business of dump_defaults and flatten; the command
    # either succeeds or says why in one line.
    assert result.code in {0, 2}
    assert "Traceback" not in result.err
    assert len(result.err_lines) == (1 if result.code else 0)


# schema ---------------------------------------------------------------------------------------


def test_schema_prints_a_json_schema_with_wrapper_or_plain_values(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(capsys, "schema", "--schema", SCHEMA)
    assert (result.code, result.err) == (0, "")
    document = json.loads(result.out)
    assert document["title"] == "config-defaults.yaml for HParams"
    properties = document["properties"]
    assert {"optimizer", "epochs", "layers", "seed"} <= properties.keys()
    for key in ("optimizer", "epochs", "layers", "seed"):
        wrapper, plain = properties[key]["anyOf"]
        assert wrapper["properties"]["value"] == plain
        assert wrapper["properties"]["desc"] == {"type": "string"}
    assert properties["epochs"]["description"] == "passes over the data"


def test_schema_accepts_the_defaults_file_and_refuses_unknown_keys(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    document = json.loads(run_main(capsys, "schema", "--schema", SCHEMA).out)
    defaults = yaml.safe_load(run_main(capsys, "defaults", "--schema", SCHEMA).out)
    jsonschema.validate(defaults, document)
    jsonschema.validate(yaml.safe_load(FILES["wrapped.yaml"]), document)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"extra": 1}, document)


# flatten --------------------------------------------------------------------------------------


def test_flatten_without_schema_prints_the_files_values(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(capsys, "flatten", "wrapped.yaml")
    assert (result.code, result.err) == (0, "")
    assert json.loads(result.out) == {"epochs": 5, "optimizer.name": "sgd"}


def test_flatten_without_schema_does_not_validate(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(capsys, "flatten", "bad.yaml")
    assert (result.code, result.err) == (0, "")
    assert json.loads(result.out) == {
        "optimizer.lr": -1,
        "optimizer.name": "rmsprop",
        "epochs": "zero",
        "layers": [1, "two"],
        "extra": 1,
    }


def test_flatten_with_schema_prints_the_validated_config_with_defaults(cli: Cli) -> None:
    result = cli("flatten", "wrapped.yaml", "--schema", SCHEMA)
    assert (result.code, result.err) == (0, "")
    assert json.loads(result.out) == {
        "optimizer.name": "sgd",
        "optimizer.lr": 0.001,
        "epochs": 5,
        "layers": [64, 64],
        "seed": 0,
    }


def test_flatten_with_schema_exits_1_when_the_config_has_problems(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_main(capsys, "flatten", "bad.yaml", "--schema", SCHEMA)
    assert (result.code, result.out, result.err_lines) == (1, "", BAD_LINES)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "layers: [1, 2\n",
            "in.yaml:2:1: YAML syntax error: did not find expected ',' or ']' (while parsing a flow sequence)",
        ),
        ("- 1\n", "in.yaml:1:1: the top level must be a mapping of keys to values, not a sequence"),
        ("1: x\n", "in.yaml:1:1: keys must be strings, got int 1"),
        (
            "a: !!python/object:x {}\n",
            "in.yaml:1:4: a: tag 'tag:yaml.org,2002:python/object:x' is not allowed",
        ),
    ],
)
def test_flatten_without_schema_exits_2_when_the_file_is_not_a_config(
    project: Path, capsys: pytest.CaptureFixture[str], text: str, line: str
) -> None:
    (project / "in.yaml").write_text(text, encoding="utf-8")
    assert run_main(capsys, "flatten", "in.yaml") == Result(2, "", line + "\n")


# Entry points -----------------------------------------------------------------------------------


def test_help_exits_0(cli: Cli) -> None:
    result = cli("--help")
    assert (result.code, result.err) == (0, "")
    assert result.out.startswith("usage: typed-config ")
    for command in ("validate", "defaults", "schema", "flatten"):
        assert command in result.out


def test_validate_help_documents_the_output(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    result = run_main(capsys, "validate", "--help")
    assert result.code == 0
    assert '"FILE: ok"' in result.out
    assert "--format" in result.out


@pytest.mark.parametrize(
    ("argv", "error"),
    [
        # argparse's own messages: their quoting changes between Python versions, so only the
        # start of the line and what it names are pinned.
        (["--schema", "x"], "typed-config: error: argument COMMAND: invalid choice: 'x'"),
        (["frobnicate"], "typed-config: error: argument COMMAND: invalid choice: 'frobnicate'"),
        (
            ["validate", "good.yaml"],
            "typed-config validate: error: the following arguments are required: --schema",
        ),
        (
            ["validate", "--schema", SCHEMA],
            "typed-config validate: error: the following arguments are required: FILE",
        ),
        (
            ["validate", "good.yaml", "--schema", SCHEMA, "--format", "xml"],
            "typed-config validate: error: argument --format: invalid choice: 'xml'",
        ),
    ],
)
def test_usage_errors_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], argv: list[str], error: str
) -> None:
    result = run_main(capsys, *argv)
    assert (result.code, result.out) == (2, "")
    assert result.err_lines[0].startswith("usage: typed-config")
    assert result.err_lines[-1].startswith(error)


def test_main_reads_argv_not_sys_argv(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["typed-config", "frobnicate"])
    assert run_main(capsys, "validate", "good.yaml", "--schema", SCHEMA) == Result(0, "good.yaml: ok\n", "")


def test_main_exit_exits_with_the_status_of_sys_argv(
    project: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sys, "argv", ["typed-config", "validate", "neg.yaml", "--schema", SCHEMA])
    with pytest.raises(SystemExit) as exc_info:
        main_exit()
    assert exc_info.value.code == 1
    assert capsys.readouterr().err == NEG_LINE + "\n"
