"""Bounds on every way in: many problems cost linear time and give a bounded message; values built
by code, agents' JSON and ``from_flat`` text obey the file limits; no RecursionError, no traceback.

Time is measured by benchmarks/bench_bounds.py; tests here assert outcomes, with timeouts generous
enough for a shared machine (the quadratic code took minutes on these inputs).
"""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from schemas import HParams
from work import Calls

import typed_config as tc
from typed_config._errors import MAX_PROBLEMS
from typed_config._yaml.encoding import MAX_TREE_VALUES
from typed_config._yaml.read import MAX_ALIAS_NODES, MAX_BYTES, load_document


class Flat(tc.HyperParams):
    """A schema without unions (the fast path: only the first errors are placed)."""

    epochs: int = 1
    name: str = "run"
    extra: dict[str, int] = tc.Field(default_factory=dict[str, int])
    items: list[Any] = tc.Field(default_factory=list[Any])


def refused(call: Any, *args: Any, **kwargs: Any) -> tc.ConfigError:
    with pytest.raises(tc.ConfigError) as info:
        call(*args, **kwargs)
    return info.value


# Many problems ------------------------------------------------------------------------------------


def test_a_config_error_keeps_the_first_problems_and_counts_the_rest() -> None:
    problems = [tc.Problem(f"k{i}", "bad", tc.Origin(text=f"arg{i}")) for i in range(MAX_PROBLEMS + 250)]
    error = tc.ConfigError(problems)
    assert len(error.problems) == MAX_PROBLEMS
    assert error.omitted == 250
    lines = str(error).splitlines()
    assert len(lines) == MAX_PROBLEMS + 1
    assert lines[0] == "arg0: k0: bad"
    assert lines[-1] == f"... and 250 more problems (only the first {MAX_PROBLEMS} are listed)"
    copy = pickle.loads(pickle.dumps(error))  # noqa: S301 - our own error, written and read back here
    assert (copy.problems, copy.omitted) == (error.problems, error.omitted)


def test_many_duplicate_keys_are_listed_up_to_the_bound_with_where_each_was_first_defined() -> None:
    half = "".join(f"k{i}: 1\n" for i in range(5_000))
    error = refused(load_document, half + half, "dup.yaml")
    assert error.omitted == 5_000 - MAX_PROBLEMS
    assert str(error.problems[0]) == "dup.yaml:5001:1: k0: duplicate key (first defined at line 1)"
    assert str(error.problems[-1]) == "dup.yaml:5100:1: k99: duplicate key (first defined at line 100)"


def test_a_megabyte_of_duplicate_keys_is_refused_in_linear_time() -> None:
    half = "".join(f"key_number_{i:07d}: 1\n" for i in range(22_500))  # the 1 MB case: 85 s before
    start = time.perf_counter()
    error = refused(load_document, half + half, "dup.yaml")
    # The one bound still timed: duplicates are found inside C (a few thousand calls whatever the
    # size), where counting calls cannot see quadratic work. Linear is about a second; generous.
    assert time.perf_counter() - start < 30
    assert (len(error.problems), error.omitted) == (MAX_PROBLEMS, 22_500 - MAX_PROBLEMS)


@pytest.mark.parametrize("schema", [Flat, HParams], ids=["no unions", "with unions"])
def test_many_invalid_values_are_placed_in_order_and_counted(schema: type[tc.HyperParams]) -> None:
    text = "epochs: x\nextra:\n" + "".join(f"  k{i}: x{i}\n" for i in range(3_000))
    if schema is HParams:
        text = text.replace("extra:", "weights:")
    with Calls() as calls:
        error = refused(tc.loads, schema, text, "many.yaml")
    assert calls.count < 200 * 3_001  # about 50 calls a problem; quadratic placing made millions
    assert (len(error.problems), error.omitted) == (MAX_PROBLEMS, 3_001 - MAX_PROBLEMS)
    lines = str(error).splitlines()
    assert lines[0] == "many.yaml:1:9: epochs: Input should be a valid integer (got 'x')"
    assert lines[1].startswith("many.yaml:3:7: ")
    assert (
        lines[-1]
        == f"... and {3_001 - MAX_PROBLEMS} more problems (only the first {MAX_PROBLEMS} are listed)"
    )
    assert [p.origin.line for p in error.problems] == sorted(p.origin.line or 0 for p in error.problems)


def test_more_aliases_than_the_budget_allows_are_refused_at_the_alias_past_it() -> None:
    # Each alias adds a node: the file is refused at the first alias past the budget, before its
    # millions of nodes are composed (not at the sequence holding them, found once composed).
    text = "a: &x 1\nb: [" + "*x, " * MAX_ALIAS_NODES + "*x]\n"
    error = refused(load_document, text, "t.yaml")
    message = f"aliases expand this document by more than {MAX_ALIAS_NODES} nodes (an alias bomb?)"
    assert str(error) == f"t.yaml:2:{5 + 4 * MAX_ALIAS_NODES}: {message}"


def test_stars_that_are_not_aliases_do_not_count_against_the_alias_budget() -> None:
    text = "a: &x 1\nb: [" + '" *x", 2 *y, ' * MAX_ALIAS_NODES + "*x]\n"
    assert load_document(text, "t.yaml").data["b"][:2] == [" *x", "2 *y"]


def test_a_document_the_full_reader_would_take_millions_of_values_from_is_refused_first() -> None:
    # Block sequences of mappings are read by PyYAML's node tree: past MAX_TREE_VALUES it is not built.
    text = "items:\n" + "- a: 1\n" * (MAX_TREE_VALUES // 2)
    error = refused(tc.loads, Flat, text, "t.yaml")
    assert str(error) == (
        f"t.yaml:1:1: too many values to read: about {MAX_TREE_VALUES * 3 // 2 + 2:,} (the limit is "
        f"{MAX_TREE_VALUES:,} for YAML written with anchors, tags, multi-line text, block sequences of "
        "mappings or many small nested mappings)"
    )
    values = "[" + "1, " * MAX_TREE_VALUES + "1]"
    error = refused(tc.load, Flat, overrides=[f"--items={values}"], presets=None)
    assert [p.message for p in error.problems] == [
        f"cannot read the value: too many values: about {MAX_TREE_VALUES + 1:,} (the limit is {MAX_TREE_VALUES:,})"
    ]


def test_as_many_values_written_as_plain_lines_or_a_flow_list_are_read() -> None:
    text = "items: [" + "1, " * MAX_TREE_VALUES + "1]\n" + "".join(f"k{i}: 1\n" for i in range(3))
    error = refused(tc.loads, Flat, text, "t.yaml")  # read: only the three unknown keys are wrong
    assert [(p.key, str(p.origin)) for p in error.problems] == [
        (f"k{i}", f"t.yaml:{i + 2}:1") for i in range(3)
    ]


def test_positions_in_a_large_mapping_come_from_its_index_merge_keys_included() -> None:
    keys = "".join(f"    k{i}: {i}\n" for i in range(50))  # lines 3 to 52
    text = f"items:\n  - &base\n{keys}extra:\n  <<: *base\n  own: x\n"
    error = refused(tc.loads, Flat, text, "big.yaml")
    assert str(error) == "big.yaml:55:8: extra.own: Input should be a valid integer (got 'x')"
    error = refused(tc.loads, Flat, text.replace("own: x", "own: 1").replace("k40: 40", "k40: y"), "big.yaml")
    assert str(error) == "big.yaml:43:10: extra.k40: Input should be a valid integer (got 'y')"


SCHEMA_MODULE = "import typed_config as tc\n\n\nclass Flat(tc.HyperParams):\n    epochs: int = 1\n    extra: dict[str, int] = {}\n"


def test_the_json_report_says_how_many_problems_were_left_out(tmp_path: Path) -> None:
    (tmp_path / "flat.py").write_text(SCHEMA_MODULE, encoding="utf-8")
    path = tmp_path / "many.yaml"
    path.write_text("extra:\n" + "".join(f"  k{i}: x\n" for i in range(150)), encoding="utf-8")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "typed_config",
            "validate",
            str(path),
            "--schema",
            "flat:Flat",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 1
    records = json.loads(proc.stdout)
    assert len(records) == MAX_PROBLEMS + 1
    assert records[-1]["message"] == f"... and 50 more problems (only the first {MAX_PROBLEMS} are listed)"
    assert records[-1]["path"] == str(path)


# Values that enter by code ------------------------------------------------------------------------


def _deep(levels: int) -> list[Any]:
    value: list[Any] = []
    for _ in range(levels):
        value = [value]
    return value


def _cyclic_list() -> list[Any]:
    value: list[Any] = []
    value.append(value)
    return value


def _cyclic_dict() -> dict[str, Any]:
    value: dict[str, Any] = {}
    value["a"] = value
    return value


ASSIGNED = [
    ("items", _deep(5_000), "items: nesting deeper than 100 levels"),
    ("items", _deep(150), "items: nesting deeper than 100 levels"),
    (
        "items",
        _cyclic_list(),
        "items[0]: the value contains itself (a cycle): it cannot be written to a file",
    ),
    ("extra", _cyclic_dict(), "extra.a: the value contains itself (a cycle): it cannot be written to a file"),
    (
        "name",
        "x" * (MAX_BYTES + 1),
        f"name: text of {MAX_BYTES + 1} bytes is over the size limit ({MAX_BYTES} bytes)",
    ),
    ("epochs", 10**4000, "epochs: integer with more than 4000 digits"),
    ("items", [[0] * 10] * 2_000_000, "items: the value is too large"),
]


@pytest.mark.parametrize(
    ("field", "value", "message"), ASSIGNED, ids=[m.split(":")[1][:30] for _, _, m in ASSIGNED]
)
def test_assignment_refuses_what_a_file_could_not_hold(field: str, value: object, message: str) -> None:
    cfg = Flat()
    error = refused(setattr, cfg, field, value)
    assert error.problems[0].origin.text is not None
    assert error.problems[0].origin.text.startswith("assignment at ")
    assert str(error.problems[0]).split(": ", 1)[1].startswith(message)
    assert cfg == Flat()  # nothing changed


@pytest.mark.parametrize(
    ("field", "value", "message"), ASSIGNED, ids=[m.split(":")[1][:30] for _, _, m in ASSIGNED]
)
def test_update_refuses_what_a_file_could_not_hold(field: str, value: object, message: str) -> None:
    cfg = Flat()
    error = refused(cfg.update, {field: value})
    # A dict source names the key down to the first list index.
    assert str(error.problems[0]).split(": ", 1)[1].startswith(message.replace("[0]", ""))
    assert cfg == Flat()


def test_item_assignment_into_a_dict_field_is_bounded_too() -> None:
    error = refused(Flat().__setitem__, "extra.a", 10**4000)
    assert str(error.problems[0]).endswith("extra.a: integer with more than 4000 digits")


def test_a_value_shared_many_times_is_refused_by_its_written_size_not_walked_forever() -> None:
    bomb: list[Any] = [0] * 10
    for _ in range(30):
        bomb = [bomb] * 10  # 10**30 items written out, 310 objects in memory
    with Calls() as calls:
        error = refused(setattr, Flat(), "items", bomb)
    assert calls.count < 100_000  # walking it would be endless
    assert "the value is too large" in str(error)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[" * 5_000 + "]" * 5_000, "items: cannot read the value: nesting deeper than 100 levels"),
        ("[" * 150 + "]" * 150, "items: cannot read the value: nesting deeper than 100 levels"),
        (
            "[" + "9" * 5_000 + "]",
            "items: cannot read the value: integer with 5000 digits (the limit is 4000)",
        ),
        ("[" + "1," * (MAX_BYTES // 2) + "1]", "items: cannot read the value: JSON text too large"),
    ],
    ids=["5,000 deep", "150 deep", "5,000 digits", "over 16 MiB"],
)
def test_from_flat_scalars_holds_json_text_to_the_file_bounds(text: str, message: str) -> None:
    error = refused(Flat.from_flat, {"items": text}, scalars=True)
    assert str(error).startswith(f"from_flat()['items']: {message}")


def test_an_agents_json_file_has_the_size_limit(tmp_path: Path) -> None:
    path = tmp_path / "args.json"
    path.write_bytes(b'{"epochs": 2, "name": "' + b"x" * MAX_BYTES + b'"}')
    error = refused(tc.init, Flat, argv=[str(path)], dir=None, defaults=None)
    assert str(error) == f"{path}: file too large: {MAX_BYTES + 25} bytes (the limit is {MAX_BYTES})"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ('{"epochs": ' + "9" * 5_000 + "}", "integer with 5000 digits (the limit is 4000)"),
        ('{"items": ' + "[" * 5_000 + "]" * 5_000 + "}", "nesting deeper than 100 levels"),
    ],
    ids=["5,000 digits", "5,000 deep"],
)
def test_an_agents_json_holds_its_values_to_the_file_bounds(tmp_path: Path, text: str, reason: str) -> None:
    path = tmp_path / "args.json"
    path.write_text(text, encoding="utf-8")
    error = refused(tc.init, Flat, argv=[str(path)], dir=None, defaults=None)
    assert str(error) == f"{path}: {reason}"
    error = refused(tc.init, Flat, argv=[text], dir=None, defaults=None)  # ${args_json}: the object inline
    assert str(error).endswith(f": {reason}")


# Scalars in files -----------------------------------------------------------------------------------


@pytest.mark.parametrize("literal", ["0x" + "f" * 4_300, "0o" + "7" * 5_000], ids=["hex", "octal"])
def test_hex_and_octal_integers_count_their_digits(literal: str) -> None:
    error = refused(tc.loads, Flat, f"epochs: {literal}\n", "big.yaml")
    assert str(error) == "big.yaml:1:9: epochs: integer with more than 4000 digits (the limit is 4000)"


def test_a_small_hex_integer_with_many_leading_zeros_is_read() -> None:
    assert tc.loads(Flat, "epochs: 0x" + "0" * 5_000 + "1f\n").epochs == 31


def test_a_message_line_shows_at_most_80_characters_of_a_literal() -> None:
    error = refused(tc.loads, HParams, "extra: {a: 1" + "0" * 100_000 + ".0}\n", "f.yaml")
    assert str(error) == f"f.yaml:1:12: extra.a: 1{'0' * 76}... is out of the range of a float"
    error = refused(tc.loads, HParams, "epochs: !!int " + "x" * 100_000 + "\n", "f.yaml")
    assert len(str(error)) < 200


def test_a_problem_line_is_bounded_whatever_its_message() -> None:
    line = str(tc.Problem("k", "m" * 100_000, tc.Origin(text="arg")))
    assert len(line) < 1_100
    assert line.endswith("...")


# The command line -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "argv",
    [
        ["flatten", "hex.yaml"],
        ["codegen", "hex.yaml"],
        ["hash", "hex.yaml", "--schema", "flat:Flat"],
        ["diff", "hex.yaml", "hex.yaml", "--schema", "flat:Flat"],
        ["flatten", "hex.yaml", "--schema", "flat:Flat"],
        ["validate", "hex.yaml", "--schema", "flat:Flat"],
    ],
    ids=lambda argv: " ".join(argv[:2]) + (" --schema" if "--schema" in argv else ""),
)
def test_the_command_gives_a_positioned_message_for_a_huge_hex_integer(
    tmp_path: Path, argv: list[str]
) -> None:
    (tmp_path / "hex.yaml").write_text("epochs: 0x" + "f" * 4_300 + "\n", encoding="utf-8")
    (tmp_path / "flat.py").write_text(SCHEMA_MODULE, encoding="utf-8")
    proc = subprocess.run(
        [sys.executable, "-m", "typed_config", *argv],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
        cwd=tmp_path,
    )
    assert "Traceback" not in proc.stderr
    assert "hex.yaml:1:9: epochs: integer with more than 4000 digits (the limit is 4000)" in proc.stderr
    # Documented statuses: 1 for a config with problems (validate, flatten --schema), 2 for
    # invalid input to any other command.
    assert proc.returncode == (
        1 if argv[0] == "validate" or (argv[:1] == ["flatten"] and "--schema" in argv) else 2
    )
