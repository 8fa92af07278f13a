"""Fuzzing: whatever the input, the only outcomes are a result or a ConfigError that names a place.

Bounded here (a few thousand examples in all, inside `make test`); `make fuzz` runs the same
properties with HYPOTHESIS_PROFILE=fuzz for many more.
"""

from __future__ import annotations

import io
import sys
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemas import HParams
from strategies import examples
from work import Calls

import typed_config as tc
from typed_config._cli.main import main
from typed_config._yaml.read import load_document

CORPUS = sorted((Path(__file__).parent / "data" / "defaults" / "valid").glob("*.yaml"))
SEEDS = [p.read_bytes() for p in CORPUS]
FRAGMENTS = [
    b"!!python/object:os.system ",
    b"!<tag:yaml.org,2002:python/name:os.system> ",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"{",
    b"}",
    b"[",
    b"]",
    b": ",
    b"- ",
    b"\n  ",
    b"\t",
    b"'",
    b'"',
    b"\\x",
    b"\x00",
    b"\xff",
    b"\xef\xbb\xbf",
    b"%TAG !p! tag:yaml.org,2002:python/\n---\n",
    b"---\n",
    b"...\n",
    b"1e400",
    b"9" * 50,
    b".nan",
    b"~",
    b"a.b: 1\n",
    b"1: x\n",
    b"epochs: 1\nepochs: 2\n",
    b"[" * 120,
    b"? ",
    b"|\n  x\n",
    b"#",
    b"\r\n",
]
SETTINGS = settings(max_examples=examples(400), suppress_health_check=[HealthCheck.too_slow])


def placed(error: tc.ConfigError) -> bool:
    """Every problem says where: a file with a line, or the argument/dict/flag it came from."""
    return all(
        (
            p.origin.path is not None
            and (p.origin.line is not None or "cannot read" in p.message or "file too large" in p.message)
        )
        or p.origin.text is not None
        for p in error.problems
    )


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(SEEDS)))
    for _ in range(draw(st.integers(1, 4))):
        at = draw(st.integers(0, len(data)))
        choice = draw(st.integers(0, 3))
        if choice == 0:
            data[at:at] = draw(st.sampled_from(FRAGMENTS))
        elif choice == 1 and data:
            del data[at : at + draw(st.integers(1, 8))]
        elif choice == 2:
            data[at:at] = draw(st.binary(max_size=8))
        else:
            line = data[:at].rsplit(b"\n", 1)[-1]
            data[at:at] = line + b"\n"  # a repeated line: duplicate keys and odd indentation
    return bytes(data)


@SETTINGS
@given(st.binary(max_size=300))
def test_random_bytes_load_or_fail_with_a_position(raw: bytes) -> None:
    try:
        load_document(raw, "fuzz.yaml")
    except tc.ConfigError as error:
        assert placed(error)


@SETTINGS
@given(mutated())
def test_mutated_config_files_load_or_fail_with_a_position(raw: bytes) -> None:
    try:
        tc.loads(HParams, raw, "fuzz.yaml")
    except tc.ConfigError as error:
        assert placed(error)
        assert all(str(p).startswith("fuzz.yaml") for p in error.problems)


TOKENS = st.sampled_from(
    [
        "--epochs",
        "--epochs=3",
        "--epochs=x",
        "3",
        "-1",
        "--",
        "--use-amp",
        "--no-use-amp",
        "false",
        "--tags",
        "a",
        "[a, b",
        "--optimizer.lr=1e-3",
        "--optimizer={lr: 2}",
        "--optimizer.name",
        "sgd",
        "epochs=2",
        '{"epochs": 1}',
        "{",
        "--configs",
        "missing.yaml",
        "--weights.a=1",
        "--opt.kind=sgd",
        "--seed=None",
        "--dataset=NO",
        "x=y",
        "+epochs=1",
        "--sizes",
        "1",
        "2",
        "--print_confi",
        "-h",
        "--print-config",
        "--start=2024-01-01",
        "--color=blue",
        "--extra={a.b: 1}",
    ]
)


@SETTINGS
@given(st.lists(TOKENS | st.text(max_size=12), max_size=8))
def test_command_lines_give_a_config_or_a_placed_error(argv: list[str]) -> None:
    try:
        tc.init(HParams, argv=argv, dir=None, defaults=None, allow_unknown_args=False)
    except tc.ConfigError as error:
        assert placed(error)
    except SystemExit as done:  # --help and --print-config print, then exit 0, as argparse does
        before_separator = argv[: argv.index("--")] if "--" in argv else argv
        assert done.code == 0
        assert {"-h", "--help", "--print-config", "--print_config"} & set(before_separator)


CLI_TOKENS = st.sampled_from(
    [
        "validate",
        "defaults",
        "schema",
        "flatten",
        "runs",
        "diff",
        "explain",
        "hash",
        "--schema",
        "schemas:HParams",
        "nope:X",
        "x.py:Y",
        "--format",
        "json",
        "csv",
        "--merge",
        "--output",
        "-",
        "--help",
        "--root",
        "f.yaml",
        "--filter",
        "a=1",
        "--columns",
        "p/x",
    ]
)


@settings(
    max_examples=examples(150),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(st.lists(CLI_TOKENS | st.text(max_size=8), max_size=6))
def test_the_command_line_tool_always_exits_with_a_documented_status(argv: list[str]) -> None:
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(argv)
    assert code in (0, 1, 2)
    assert "Traceback" not in err.getvalue()


@SETTINGS
@given(
    st.dictionaries(
        st.sampled_from(
            ["epochs", "optimizer", "optimizer.lr", "tags", "weights", "schedule", "opt", "x.y", "seed", ""]
        ),
        st.recursive(
            st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
            lambda inner: (
                st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
            ),
            max_leaves=8,
        ),
        max_size=5,
    )
)
def test_any_dict_validates_or_fails_with_named_entries(config: dict[str, object]) -> None:
    try:
        tc.load(HParams, overrides=config)
    except tc.ConfigError as error:
        assert placed(error)
        assert all(p.origin.text and p.origin.text.startswith("overrides") for p in error.problems)


# Problems at scale: a unit of lines repeated many times must cost time linear in the file's size.
UNITS = st.lists(
    st.sampled_from(
        [
            "epochs: {i}\n",  # a duplicate key from the second repetition on
            "k{i}: 1\n",  # an unknown key
            "epochs: x{i}\n",
            "weights:\n  w{i}: x\n",
            "weights: {{a: {i}, a: {i}}}\n",
            "tags: [x, {{y: {i}}}, 0x{i}ff]\n",
            "extra: {{n: 1e40{i}}}\n",
            "a{i}: &a{i} [1, 2]\nb{i}: *a{i}\n",
            "sizes: [1, two, {i}]\n",
            "'q.{i}': 1\n",
            "# comment {i}\n",
        ]
    ),
    min_size=1,
    max_size=5,
)


@settings(max_examples=examples(15), suppress_health_check=[HealthCheck.too_slow])
@given(UNITS, st.integers(1, 3_000))
def test_files_with_many_problems_cost_work_linear_in_their_size(unit: list[str], repeats: int) -> None:
    text = "".join(line.format(i=i) for i in range(repeats) for line in unit)
    with Calls() as calls:
        try:
            tc.loads(HParams, text, "many.yaml")
        except tc.ConfigError as error:
            assert placed(error)
            assert len(str(error).splitlines()) <= 101  # the first 100 problems, and how many more
    # Counted, not timed: linear work makes at most a few calls a byte (7 at most, measured);
    # quadratic work on 3,000 repetitions makes millions.
    assert calls.count < 50_000 + 50 * len(text.encode())


CLI_COMMANDS = [
    ["validate", "{f}", "--schema", "schemas:HParams"],
    ["validate", "{f}", "--schema", "schemas:HParams", "--format", "json"],
    ["flatten", "{f}"],
    ["flatten", "{f}", "--schema", "schemas:HParams"],
    ["hash", "{f}", "--schema", "schemas:HParams"],
    ["diff", "{f}", "{f}", "--schema", "schemas:HParams"],
    ["codegen", "{f}"],
]


@settings(
    max_examples=examples(25),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(mutated())
def test_every_command_on_fuzzed_files_exits_0_1_or_2_without_a_traceback(tmp_path: Path, raw: bytes) -> None:
    path = tmp_path / "fuzz.yaml"
    path.write_bytes(raw)
    for command in CLI_COMMANDS:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main([part.format(f=path) for part in command])  # an exception would fail the test
        assert code in (0, 1, 2), command
        assert "Traceback" not in err.getvalue()


def test_fuzz_targets_exist_for_a_long_run() -> None:
    assert SEEDS
    assert "fuzz" in (Path(__file__).parent.parent / "Makefile").read_text()
    assert sys.version_info >= (3, 10)
