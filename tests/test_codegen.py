"""typed-config codegen: generated modules give back their source file's values and pass the checkers.

The corpus is ``tests/data/codegen``: each ``NAME.yaml`` (or ``.json``) has the module the command
prints for it in ``NAME.hparams.txt``. After a deliberate change of the output, rewrite them from
that folder with ``python -m typed_config codegen NAME.yaml > NAME.hparams.txt``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import math
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import typed_config as tc
from typed_config._cli.codegen import add_codegen_command, generate, is_class_name, yaml11_boolean_paths
from typed_config._cli.common import EXIT_USAGE, UsageError, error
from typed_config._cli.main import main
from typed_config._errors import checked as read_or_raise
from typed_config._sources.files import FileLayer, file_layer

DATA = Path(__file__).parent / "data" / "codegen"
SOURCES = sorted(p for p in DATA.iterdir() if p.suffix in (".yaml", ".json"))
DEFAULTS_CORPUS = sorted((Path(__file__).parent / "data" / "defaults" / "valid").glob("*.yaml"))
ROOT = Path(tc.__file__).resolve().parents[1]
PYPROJECT = ROOT / "pyproject.toml"
BIN = Path(sys.executable).parent


class Result(NamedTuple):
    code: int
    out: str
    err: str


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> Result:
    """The codegen command through its own parser, handled as ``typed_config._cli.main.main`` does."""
    parser = argparse.ArgumentParser(prog="typed-config")
    add_codegen_command(parser.add_subparsers(required=True))
    try:
        args = parser.parse_args(argv)
        code = int(args.run(args))
    except UsageError as exc:
        error(str(exc))
        code = EXIT_USAGE
    except SystemExit as exc:
        code = int(exc.code or 0)
    captured = capsys.readouterr()
    return Result(code, captured.out, captured.err)


def descs_of(path: Path) -> dict[str, str | None]:
    """Every top-level key's desc text (None for none), read from the raw document."""
    layer = read_or_raise(file_layer(path))
    assert isinstance(layer, FileLayer)
    descs: dict[str, str | None] = {}
    for key, value in layer.document.data.items():
        desc = value.get("desc") if key in layer.wrapped else None
        descs[key] = desc if isinstance(desc, str) else None
    return descs


def generated_for(path: Path, *options: str) -> str:
    """What ``typed-config codegen PATH [OPTIONS]`` prints."""
    parser = argparse.ArgumentParser()
    add_codegen_command(parser.add_subparsers())
    args = parser.parse_args(["codegen", str(path), *options])
    with contextlib.redirect_stdout(io.StringIO()) as buffer:
        assert args.run(args) == 0
    return buffer.getvalue()


def import_text(text: str, folder: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> ModuleType:
    """Import generated source as a module (registered, so pydantic resolves its annotations)."""
    path = folder / f"{name}.py"
    path.write_text(text, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, module)
    spec.loader.exec_module(module)
    return module


def same(a: Any, b: Any) -> bool:
    """Equal JSON-like values, NaN equal to NaN (an int equals the float it widens to, as in ==)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    return bool(a == b) and isinstance(a, bool) == isinstance(b, bool)


def field_lines(data: dict[str, Any], **options: Any) -> list[str]:
    """The lines of the top-level class body that declare fields (and their comments)."""
    text = generate(data, **options)
    body = text.split('"""The hyperparameters, with the source file\'s values as defaults."""\n', 1)[1]
    return [line.strip() for line in body.splitlines() if line.strip()]


# The corpus: exact output, and loading the source back ------------------------------------------


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.name)
def test_output_is_the_expected_module(
    source: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(DATA)
    result = run(capsys, "codegen", source.name)
    assert (result.code, result.err) == (0, "")
    assert result.out == (DATA / f"{source.stem}.hparams.txt").read_text(encoding="utf-8")


@pytest.mark.parametrize("source", SOURCES + DEFAULTS_CORPUS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_generated_class_loads_the_source_back(
    source: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``load(HParams, source).to_flat()`` is the file's flat data, and so are the defaults."""
    descs = descs_of(source)
    module = import_text(generated_for(source), tmp_path, f"codegen_{source.stem}", monkeypatch)
    schema: type[tc.HyperParams] = module.HParams
    layer = read_or_raise(file_layer(source))
    if isinstance(layer, FileLayer) and yaml11_boolean_paths(layer.document.root):
        # A plain yes/no is a bool field (wandb's reading): the file must say true/false instead.
        with pytest.raises(tc.ConfigError) as caught:
            tc.load(schema, source)
        assert {p.message.split(" (got")[0] for p in caught.value.problems} == {
            "Input should be a valid boolean"
        }
        return
    loaded = tc.load(schema, source).to_flat()
    expected = tc.flatten(read_or_raise(file_layer(source)).data)
    # Keys with a desc and no value become `str | None` fields defaulting to None.
    expected.update({key: None for key in descs if key not in read_or_raise(file_layer(source)).data})
    assert same(loaded, expected), {k: (loaded.get(k), expected.get(k)) for k in loaded.keys() | expected}
    assert same(schema().to_flat(), expected)
    by_key = {info.alias or name: info for name, info in schema.model_fields.items()}
    assert {k: by_key[k].description for k in descs if descs[k] is not None} == {
        k: d for k, d in descs.items() if d is not None
    }


def test_json_wrappers_give_descriptions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    module = import_text(generated_for(DATA / "settings.json"), tmp_path, "codegen_json", monkeypatch)
    assert module.HParams.model_fields["epochs"].description == "Passes over the data"


def test_a_desc_only_key_becomes_an_optional_field_in_its_place() -> None:
    lines = field_lines({"a": 1, "c": 3}, descs={"a": None, "b": "set by the launcher", "c": None})
    assert lines == [
        "a: int = tc.Field(default=1)",
        "# no value in the source: set the real type",
        'b: str | None = tc.Field(default=None, description="set by the launcher")',
        "c: int = tc.Field(default=3)",
    ]


# Types and defaults -------------------------------------------------------------------------------

TYPES = [
    (1, "x: int = tc.Field(default=1)"),
    (1.5, "x: float = tc.Field(default=1.5)"),
    (True, "x: bool = tc.Field(default=True)"),
    ("NO", 'x: str = tc.Field(default="NO")'),
    (1e300, "x: float = tc.Field(default=1e300)"),
    (1e-05, "x: float = tc.Field(default=1e-05)"),
    (-0.0, "x: float = tc.Field(default=-0.0)"),
    (math.inf, 'x: float = tc.Field(default=float("inf"))'),
    (-math.inf, 'x: float = tc.Field(default=-float("inf"))'),
    (math.nan, 'x: float = tc.Field(default=float("nan"))'),
    ([1, math.nan], 'x: list[float] = tc.Field(default_factory=lambda: [1.0, float("nan")])'),
    ([1, 2], "x: list[int] = tc.Field(default_factory=lambda: [1, 2])"),
    ([1, 2.5], "x: list[float] = tc.Field(default_factory=lambda: [1.0, 2.5])"),
    ([2**60, 0.5], "x: list[float] = tc.Field(default_factory=lambda: [1152921504606846976, 0.5])"),
    # A float cannot hold 2**53 + 1: a list[float] would refuse its own source.
    ([2**53 + 1, 0.5], "x: list[int | float] = tc.Field(default_factory=lambda: [9007199254740993, 0.5])"),
    (
        [0.5, 2**53 + 1, 2],
        "x: list[int | float] = tc.Field(default_factory=lambda: [0.5, 9007199254740993, 2])",
    ),
    ([2**53 + 1, 2], "x: list[int] = tc.Field(default_factory=lambda: [9007199254740993, 2])"),
    (
        [None, 2**53 + 1, 0.5],
        "x: list[int | float | None] = tc.Field(default_factory=lambda: [None, 9007199254740993, 0.5])",
    ),
    (["a", "b"], 'x: list[str] = tc.Field(default_factory=lambda: ["a", "b"])'),
    ([True, 1], "x: list[Any] = tc.Field(default_factory=lambda: [True, 1])"),
    ([1, None], "x: list[int | None] = tc.Field(default_factory=lambda: [1, None])"),
    ([None, 1.5, 2], "x: list[float | None] = tc.Field(default_factory=lambda: [None, 1.5, 2.0])"),
    ([None], "x: list[None] = tc.Field(default_factory=lambda: [None])"),
    ([None, "a", 1], 'x: list[Any] = tc.Field(default_factory=lambda: [None, "a", 1])'),
    ([], "x: list[Any] = tc.Field(default_factory=list)"),
    ({}, "x: dict[str, Any] = tc.Field(default_factory=dict)"),
    ({"0": 1, "1": 2.5}, 'x: dict[str, float] = tc.Field(default_factory=lambda: {"0": 1.0, "1": 2.5})'),
    ([[1], [2.5], []], "x: list[list[float]] = tc.Field(default_factory=_default_x)"),
    ([{"a": 1}, {"b": "x"}], "x: list[dict[str, Any]] = tc.Field(default_factory=_default_x)"),
    ({"a b": [1], "c d": []}, "x: dict[str, list[int]] = tc.Field(default_factory=_default_x)"),
    (
        [[[[[[[[1]]]]]]]],
        "x: list[list[list[list[list[list[list[Any]]]]]]] = tc.Field(default_factory=_default_x)",
    ),
]


@pytest.mark.parametrize(("value", "line"), TYPES, ids=repr)
def test_types_are_inferred_from_values(value: Any, line: str) -> None:
    assert field_lines({"x": value}, line_length=120)[-1] == line


def test_null_is_an_optional_str_with_a_comment() -> None:
    assert field_lines({"x": None}) == [
        "# null in the source: set the real type",
        "x: str | None = tc.Field(default=None)",
    ]


def test_nested_containers_get_a_typed_default_function() -> None:
    text = generate({"x": [{"a": 1}, {"b": "x"}]})
    assert "def _default_x() -> list[dict[str, Any]]:\n" in text
    assert '    return [{"a": 1}, {"b": "x"}]\n' in text
    assert text.index("def _default_x") < text.index("class HParams")


def test_any_is_imported_only_when_a_type_uses_it() -> None:
    assert "from typing import Any" not in generate({"x": [1], "y": "Any"})
    assert (
        "from __future__ import annotations\n\nfrom typing import Any\n\nimport typed_config as tc\n"
        in generate({"x": []})
    )


def test_wandb_keys_below_the_top_level_are_renamed_fields(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A schema's top-level key may not be wandb_version; below the top level it is data.
    text = generate({"group": {"wandb_version": 2, "_wandb": 3}})
    assert '    wandb_version_: int = tc.Field(default=2, alias="wandb_version")\n' in text
    module = import_text(text, tmp_path, "codegen_wandb_keys", monkeypatch)
    config = tc.loads(module.HParams, "wandb_version: 1\ngroup: {wandb_version: 5}\n")
    assert config.to_flat() == {"group.wandb_version": 5, "group._wandb": 3}


# Names --------------------------------------------------------------------------------------------

NAMES = [
    ("lr", "lr", None),
    ("learning-rate", "learning_rate", "learning-rate"),
    ("batchSize", "batch_size", "batchSize"),
    ("HTTPServer", "http_server", "HTTPServer"),
    ("a b", "a_b", "a b"),
    ("x__y", "x_y", "x__y"),
    ("_private", "private", "_private"),
    ("2d", "field_2d", "2d"),
    ("学习率", "field", "学习率"),
    ("café", "cafe", "café"),
    ("class", "class_", "class"),
    ("None", "none", "None"),
    ("update", "update_", "update"),
    ("to_flat", "to_flat_", "to_flat"),
    ("json", "json_", "json"),  # a BaseModel method: pydantic would warn
    ("model_name", "mdl_name", "model_name"),  # pydantic's namespace, refused by HyperParams
    ("float", "float_", "float"),  # would shadow the type in later annotations
    ("tc", "tc_", "tc"),
    ("l", "l_", "l"),  # E741
]


@pytest.mark.parametrize(("key", "name", "alias"), NAMES)
def test_keys_become_safe_names_with_the_key_as_alias(key: str, name: str, alias: str | None) -> None:
    alias_arg = "" if alias is None else f', alias="{alias}"'
    assert field_lines({key: 1}) == [f"{name}: int = tc.Field(default=1{alias_arg})"]


def test_names_that_collide_are_numbered_and_good_names_keep_theirs() -> None:
    lines = field_lines({"LR": 1, "lr": 2, "Lr": 3, "class": 4, "class_": 5})
    assert [line.split(":")[0] for line in lines] == ["lr_2", "lr", "lr_3", "class_2", "class_"]


def test_renamed_keys_load_by_their_alias(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = {key: index for index, (key, _, _) in enumerate(NAMES)}
    module = import_text(generate(data), tmp_path, "codegen_names", monkeypatch)
    config = tc.loads(module.HParams, "learning-rate: 90\nmodel_name: 80\n")
    assert config.to_flat() == {**data, "learning-rate": 90, "model_name": 80}
    assert (config.learning_rate, config.mdl_name) == (90, 80)


def test_nested_mappings_become_classes_named_from_their_keys() -> None:
    text = generate(
        {"optimizer": {"lr": 0.1}, "scheduler": {"optimizer": {"lr": 0.2}}, "data-loader": {"workers": 4}}
    )
    assert "class Optimizer(tc.HyperParams):\n" in text
    assert "class SchedulerOptimizer(tc.HyperParams):\n" in text  # the name was taken: the parent's prefixed
    assert "class DataLoader(tc.HyperParams):\n" in text
    assert "    optimizer: SchedulerOptimizer = tc.Field(default_factory=SchedulerOptimizer)\n" in text
    assert '    data_loader: DataLoader = tc.Field(default_factory=DataLoader, alias="data-loader")\n' in text
    # Inner classes first, the top-level class last.
    assert (
        text.index("class SchedulerOptimizer") < text.index("class Scheduler(") < text.index("class HParams")
    )


@pytest.mark.parametrize(
    ("key", "class_name"),
    [
        ("2d", "Group2d"),
        ("none", "HParamsNone"),
        ("h_params", "HParamsHParams"),
        ("exception", "HParamsException"),
    ],
)
def test_class_names_never_shadow_keywords_builtins_or_the_top_class(key: str, class_name: str) -> None:
    assert f"class {class_name}(tc.HyperParams):" in generate({key: {"a": 1}})


def test_mappings_whose_keys_are_not_names_stay_data() -> None:
    data = {"weights": {"猫": 0.5, "café": 1.5}, "by_id": {"0": "a"}, "spaced": {"a b": 1}}
    lines = field_lines(data, line_length=120)
    assert [line.split(" = ")[0] for line in lines] == [
        "weights: dict[str, float]",
        "by_id: dict[str, str]",
        "spaced: dict[str, int]",
    ]


def test_class_name_option() -> None:
    assert "class Config(tc.HyperParams):" in generate({"a": 1}, class_name="Config")
    for bad in ("1abc", "class", "Any", "naïve", "str", ""):
        assert not is_class_name(bad)
        with pytest.raises(ValueError, match="not a usable class name"):
            generate({}, class_name=bad)


# Strings and layout -------------------------------------------------------------------------------

STRINGS = [
    ("plain", '"plain"'),
    ('say "hi"', "'say \"hi\"'"),
    ("it's", '"it\'s"'),
    ("\"'", '"\\"\'"'),
    ("tab\tnew\nline \\ nul\x00", '"tab\\tnew\\nline \\\\ nul\\x00"'),
    ("café 😀 ключ 日本語", '"café 😀 ключ 日本語"'),
    # What ruff's RUF001 reports as a look-alike of an ASCII character is escaped (the inputs are
    # escaped here too, or ruff would report this file).
    (
        "a\u2013b\uff0cc\uff1a\u201cq\u201d \u2212 \xd7",
        '"a\\u2013b\\uff0cc\\uff1a\\u201cq\\u201d \\u2212 \\xd7"',
    ),
    ("数据集-\u03b1 p\u0430ypal", '"数据集-\\u03b1 p\\u0430ypal"'),
    ("\uff21\uff22\xa0\u2113", '"\\uff21\\uff22\\xa0\\u2113"'),
]


@pytest.mark.parametrize(("text", "literal"), STRINGS)
def test_strings_are_exact_literals_as_ruff_writes_them(text: str, literal: str) -> None:
    assert field_lines({"x": text}) == [f"x: str = tc.Field(default={literal})"]
    assert eval(literal) == text  # noqa: S307 - a literal this test wrote


def test_long_lines_split_the_way_ruff_format_keeps_them() -> None:
    desc = "A long description that needs more than one line once written as a string literal, surely."
    text = generate({"layers": [1024] * 20, "lr": 0.1}, descs={"lr": desc}, line_length=60)
    assert "    layers: list[int] = tc.Field(\n        default_factory=lambda: [\n            1024,\n" in text
    assert (
        '    lr: float = tc.Field(\n        default=0.1,\n        description=(\n            "A long description that needs more than one "\n'
        '            "line once written as a string literal, surely."\n        ),\n    )\n' in text
    )


def test_the_module_docstring_names_the_source() -> None:
    text = generate({}, source="runs/config-defaults.yaml")
    assert text.startswith(
        '"""Hyperparameters generated by ``typed-config codegen``.\n\nSource: runs/config-defaults.yaml\n'
    )
    assert "Narrow a ``str`` to a ``Literal``" in text
    assert text.endswith(
        'class HParams(tc.HyperParams):\n    """The hyperparameters, with the source file\'s values as defaults."""\n'
    )


# The generated modules pass ruff, mypy and pyright ------------------------------------------------


@pytest.fixture(scope="module")
def checked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of generated modules: the corpus's, and one holding every type and name above."""
    folder = tmp_path_factory.mktemp("generated")
    for source in SOURCES:
        (folder / f"gen_{source.stem}.py").write_text(generated_for(source), encoding="utf-8")
    table = {f"t{index}": value for index, (value, _) in enumerate(TYPES)}
    table.update({key: 1 for key, _, _ in NAMES} | {"group": {"x": [1], "class": {"y": None}}})
    table.update({"dropout": 0, "optimizer": {"momentum": 0}})  # with the rate comment
    (folder / "gen_table.py").write_text(generate(table, descs={"t0": "with a desc"}), encoding="utf-8")
    yaml11 = folder / "yaml11.yaml"  # with the YAML 1.1 boolean comments
    yaml11.write_text(YAML11, encoding="utf-8")
    (folder / "gen_yaml11.py").write_text(generated_for(yaml11), encoding="utf-8")
    yaml11.unlink()
    return folder


def check(folder: Path, *command: str | Path) -> None:
    proc = subprocess.run(
        [str(part) for part in command], cwd=folder, capture_output=True, text=True, check=False, timeout=240
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


@pytest.mark.timeout(120)
@pytest.mark.parametrize(
    "command",
    [
        ["check", "--isolated", "--select", "E,F,I,UP", "."],
        ["check", "--isolated", "."],
        ["format", "--isolated", "--check", "--diff", "."],
        ["check", "--config", PYPROJECT, "."],  # the project's own broad rule set (D, ANN, N, RUF, ...)
    ],
    ids=["E,F,I,UP", "default rules", "format", "project rules"],
)
def test_ruff_passes(checked: Path, command: list[str | Path]) -> None:
    check(checked, BIN / "ruff", *command)


@pytest.mark.timeout(120)
def test_ruff_format_keeps_the_layout_for_the_projects_line_length(tmp_path: Path) -> None:
    for source in SOURCES:
        (tmp_path / f"gen_{source.stem}.py").write_text(
            generated_for(source, "--line-length", "110"), encoding="utf-8"
        )
    check(tmp_path, BIN / "ruff", "format", "--config", PYPROJECT, "--check", "--diff", ".")


@pytest.mark.timeout(180)
@pytest.mark.parametrize("plugin", [False, True], ids=["mypy --strict", "mypy --strict, pydantic plugin"])
def test_mypy_strict_passes(checked: Path, plugin: bool, tmp_path: Path) -> None:
    config = tmp_path / "mypy.ini"
    config.write_text(
        f"[mypy]\nstrict = True\nmypy_path = {ROOT}\n" + ("plugins = pydantic.mypy\n" if plugin else ""),
        encoding="utf-8",
    )
    files = sorted(p.name for p in checked.glob("*.py"))
    check(
        checked,
        sys.executable,
        "-m",
        "mypy",
        "--config-file",
        config,
        "--cache-dir",
        tmp_path / "cache",
        *files,
    )


@pytest.mark.timeout(180)
def test_pyright_strict_passes(checked: Path) -> None:
    config = checked / "pyrightconfig.json"
    config.write_text(
        '{"typeCheckingMode": "strict", "reportUnnecessaryTypeIgnoreComment": "error", '
        f'"extraPaths": ["{ROOT.as_posix()}"]}}',
        encoding="utf-8",
    )
    check(checked, BIN / "pyright", "--pythonpath", sys.executable, ".")


# The command --------------------------------------------------------------------------------------


def test_class_name_and_line_length_options(capsys: pytest.CaptureFixture[str]) -> None:
    result = run(
        capsys, "codegen", str(DATA / "wandb_page.yaml"), "--class-name", "Config", "--line-length", "60"
    )
    assert result.code == 0
    assert "class Config(tc.HyperParams):" in result.out
    assert "    epochs: int = tc.Field(\n        default=100,\n" in result.out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            ["--class-name", "class"],
            "typed-config: error: --class-name: 'class' cannot name a Python class\n",
        ),
        (["--line-length", "59"], "typed-config: error: --line-length: 59 is too short (at least 60)\n"),
    ],
)
def test_bad_options_are_usage_errors(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    assert run(capsys, "codegen", str(DATA / "wandb_page.yaml"), *argv) == (2, "", message)


def test_an_unreadable_file_is_a_usage_error(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    result = run(capsys, "codegen", str(tmp_path / "missing.yaml"))
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"typed-config: error: cannot read {tmp_path / 'missing.yaml'}: ")


def test_an_invalid_file_reports_its_problems(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text("epochs: 1\nepochs: 2\nlayers: [1, 2\n", encoding="utf-8")
    result = run(capsys, "codegen", str(path))
    assert (result.code, result.out) == (2, "")
    assert result.err.startswith(f"{path}:")


def test_a_value_no_literal_can_write_is_reported_with_its_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "dates.toml"
    path.write_text('name = "x"\n[schedule]\nstart = 2024-01-01\n', encoding="utf-8")
    assert run(capsys, "codegen", str(path)) == (
        2,
        "",
        f"{path}: schedule.start: codegen cannot write a date\n",
    )


def _wired() -> bool:
    with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
        return main(["codegen", "--help"]) == 0


@pytest.mark.skipif(not _wired(), reason="codegen is not registered in typed_config._cli.main yet")
@pytest.mark.timeout(60)
def test_python_m_typed_config_codegen_writes_a_loadable_module(tmp_path: Path) -> None:
    source = DATA / "optimizer_scheduler.yaml"
    proc = subprocess.run(
        [sys.executable, "-m", "typed_config", "codegen", str(source), "--class-name", "Config"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (proc.returncode, proc.stderr) == (0, "")
    (tmp_path / "hparams.py").write_text(proc.stdout, encoding="utf-8")
    probe = "import hparams, typed_config as tc, sys; print(tc.load(hparams.Config, sys.argv[1]).to_flat()['optimizer.lr'])"
    loaded = subprocess.run(
        [sys.executable, "-c", probe, str(source)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert (loaded.returncode, loaded.stdout) == (0, "0.0003\n"), loaded.stderr


# Guesses the comments point out ----------------------------------------------------------------


def test_a_list_of_an_inexact_int_and_a_float_validates_its_own_source(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "big.yaml"
    source.write_text(f"sizes: [{2**53 + 1}, 0.5]\nnested: {{a: [1, {2**70 + 1}, 2.5]}}\n", encoding="utf-8")
    module = import_text(generated_for(source), tmp_path, "codegen_big", monkeypatch)
    assert tc.load(module.HParams, source).to_flat() == {
        "sizes": [2**53 + 1, 0.5],
        "nested.a": [1, 2**70 + 1, 2.5],
    }


RATE_COMMENT = "# int inferred from 0; use float if fractions are meant"


@pytest.mark.parametrize(
    ("data", "descs", "commented"),
    [
        ({"lr": 0}, {}, True),
        ({"weight_decay": 0}, {}, True),
        ({"dropoutRate": 0}, {}, True),
        ({"label-smoothing": 0}, {}, True),
        ({"step": 0}, {"step": "Learning rate of the head"}, True),
        ({"epochs": 0}, {"epochs": "Number of epochs"}, False),
        ({"lr": 1}, {}, False),
        ({"lr": 0.0}, {}, False),
        ({"lr": False}, {}, False),
        ({"seed": 0}, {}, False),
    ],
)
def test_a_zero_where_the_name_or_desc_suggests_a_rate_keeps_int_with_a_comment(
    data: dict[str, Any], descs: dict[str, str], commented: bool
) -> None:
    lines = field_lines(data, descs=descs)
    assert (lines[0] == RATE_COMMENT) is commented


def test_a_rate_like_zero_in_a_nested_class_gets_the_comment_too() -> None:
    text = generate({"optimizer": {"momentum": 0, "steps": 0}})
    assert f"    {RATE_COMMENT}\n    momentum: int = tc.Field(default=0)\n    steps: int" in text


YAML11 = """\
use_amp: yes
quoted: 'yes'
flags: [on, off, "no"]
wrapped:
  desc: Mixed precision
  value: No
group:
  verbose: OFF
desc_only:
  desc: on
"""


def test_yaml11_booleans_become_bool_fields_with_a_comment(tmp_path: Path) -> None:
    source = tmp_path / "config-defaults.yaml"
    source.write_text(YAML11, encoding="utf-8")
    text = generated_for(source, "--line-length", "110")
    assert (
        "    # yes in the source: booleans to wandb (YAML 1.1), text to typed_config (YAML 1.2); write true or false\n"
        "    # there\n    use_amp: bool = tc.Field(default=True)\n"
    ) in text
    assert '    quoted: str = tc.Field(default="yes")\n' in text  # quoted: text to YAML 1.1 too
    assert "    flags: list[bool | str] = " not in text
    assert '    flags: list[Any] = tc.Field(default_factory=lambda: [True, False, "no"])\n' in text
    assert '    wrapped: bool = tc.Field(default=False, description="Mixed precision")\n' in text
    assert "    verbose: bool = tc.Field(default=False)\n" in text
    for words in ("No", "OFF", "off, on"):
        assert f"# {words} in the source" in text


def test_json_strings_are_never_yaml11_booleans(tmp_path: Path) -> None:
    source = tmp_path / "config.json"
    source.write_text('{"use_amp": "yes"}', encoding="utf-8")
    assert '    use_amp: str = tc.Field(default="yes")\n' in generated_for(source)


# The generated class validates its own source, for any YAML config -------------------------------

_names = st.from_regex(r"[a-z][a-z0-9_]{0,6}", fullmatch=True).filter(lambda k: k not in YAML11_WORDS)
_scalars = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.booleans()
    # A file's `${` is a reference (its own property tests live in test_compose_*), not codegen's subject.
    | st.text(st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=8).filter(
        lambda text: "${" not in text
    )
    | st.none()
)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_names, inner, max_size=3),
    max_leaves=8,
)
YAML11_WORDS = {"yes", "no", "on", "off"}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@example(data={"sizes": [2**53 + 1, 0.5], "group": {"a": [0.5, 2**60 + 1]}}, style="block")
@example(data={"a": "$", "b": "{x}"}, style="json")
@given(
    data=st.dictionaries(_names, _values, min_size=1, max_size=5), style=st.sampled_from(["block", "json"])
)
def test_the_generated_class_validates_its_own_source(
    data: dict[str, Any],
    style: str,
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Written as block YAML (PyYAML quotes what YAML 1.1 would misread) or as JSON (YAML 1.2 flow)."""
    folder = tmp_path_factory.mktemp("prop")
    source = folder / "config.yaml"
    if style == "json":
        text = json.dumps(data, ensure_ascii=False)
    else:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, default_flow_style=False)
    source.write_text(text, encoding="utf-8")
    module = import_text(generated_for(source), folder, f"codegen_prop_{folder.name}", monkeypatch)
    loaded = tc.load(module.HParams, source)
    # What the file holds, as typed_config reads it (PyYAML writes `0E0` plain: YAML 1.2 reads a float).
    assert same(loaded.to_flat(), tc.flatten(read_or_raise(file_layer(source)).data))
