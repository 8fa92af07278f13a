"""Unit tests of the YAML loader and dumper (``typed_config._yaml.read``) beyond the file corpus.

The corpus (``test_corpus.py``) covers whole files through ``loads``; these tests pin the loader's
own contracts: the YAML 1.2 scalar table, explicit core tags, the bounds (aliases, size, depth),
``parse_value`` for command-line text, and the dumper's promise that what it writes reads back
identically in typed_config and in plain PyYAML (YAML 1.1, as wandb reads it).
"""

from __future__ import annotations

import itertools
import math
import tracemalloc
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from strategies import examples
from work import Calls

from typed_config import ConfigError
from typed_config._errors import checked
from typed_config._sources.files import text_layer
from typed_config._yaml.dump import dump_mapping
from typed_config._yaml.read import MAX_ALIAS_NODES, MAX_BYTES, MAX_DEPTH, load_document, parse_value
from typed_config._yaml.scalars import MAX_INT_DIGITS, dump_scalar


def _value(text: str) -> Any:
    """The value of ``k: TEXT`` as the loader reads it."""
    return load_document(f"k: {text}\n", "t.yaml").data["k"]


def _same(a: Any, b: Any) -> bool:
    """Equal with the same type, NaN equal to NaN, and the sign of zero kept."""
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return a == b and math.copysign(1.0, a) == math.copysign(1.0, b)
    return bool(a == b)


def _error_lines(exc: pytest.ExceptionInfo[ConfigError]) -> list[str]:
    return str(exc.value).splitlines()


# --- YAML 1.2 core-schema scalars ---------------------------------------------------------------

YAML12_SCALARS = [
    # integers: decimal (010 is ten, never eight), 0o octal, 0x hex; signs allowed on decimals only
    ("010", 10),
    ("+1", 1),
    ("-0", 0),
    ("-17", -17),
    ("00", 0),
    ("0o17", 15),
    ("0x1f", 31),
    ("0xFF", 255),
    ("0XFF", "0XFF"),
    ("0O17", "0O17"),
    ("-0x1f", "-0x1f"),
    ("0x", "0x"),
    ("0o8", "0o8"),
    ("1_000", "1_000"),
    ("0b101", "0b101"),
    ("1,000", "1,000"),
    # floats: 1e-3 is a float (YAML 1.1 would say string), dots on either side
    ("1e-3", 0.001),
    ("1E3", 1000.0),
    ("6.02e+23", 6.02e23),
    (".5", 0.5),
    ("5.", 5.0),
    ("-.5", -0.5),
    ("+5.", 5.0),
    ("-0.0", -0.0),
    ("0e0", 0.0),
    ("1e", "1e"),
    ("e3", "e3"),
    (".e3", ".e3"),
    ("0.1.2", "0.1.2"),
    (".", "."),
    (".inf", math.inf),
    ("+.Inf", math.inf),
    ("-.INF", -math.inf),
    (".nan", math.nan),
    (".NaN", math.nan),
    (".NAN", math.nan),
    (".Nan", ".Nan"),
    ("inf", "inf"),
    ("nan", "nan"),
    # booleans: only true/false in three spellings; YAML 1.1's yes/no/on/off/y/n are strings
    ("true", True),
    ("True", True),
    ("TRUE", True),
    ("FALSE", False),
    ("tRUE", "tRUE"),
    ("yes", "yes"),
    ("Yes", "Yes"),
    ("NO", "NO"),
    ("on", "on"),
    ("off", "off"),
    ("y", "y"),
    ("n", "n"),
    # null: null/Null/NULL/~ and nothing at all; None is Python's spelling, a string here
    ("null", None),
    ("Null", None),
    ("NULL", None),
    ("~", None),
    ("", None),
    ("nULL", "nULL"),
    ("None", "None"),
    # sexagesimals and timestamps are strings
    ("1:30", "1:30"),
    ("12:30:45", "12:30:45"),
    ("2024-01-01", "2024-01-01"),
    ("2024-01-01T10:00:00Z", "2024-01-01T10:00:00Z"),
]


@pytest.mark.parametrize(("text", "expected"), YAML12_SCALARS, ids=[repr(t) for t, _ in YAML12_SCALARS])
def test_plain_scalar_is_typed_by_the_yaml12_core_schema(text: str, expected: Any) -> None:
    assert _same(_value(text), expected)


@pytest.mark.parametrize(("text", "expected"), YAML12_SCALARS, ids=[repr(t) for t, _ in YAML12_SCALARS])
def test_quoted_scalar_is_always_a_string(text: str, expected: Any) -> None:
    assert _value(f"'{text}'") == text
    assert _value(f'"{text}"') == text


def test_integer_of_max_digits_is_read() -> None:
    assert _value("9" * MAX_INT_DIGITS) == int("9" * MAX_INT_DIGITS)


def test_integer_over_max_digits_is_refused_with_position() -> None:
    with pytest.raises(ConfigError) as caught:
        _value("1" * (MAX_INT_DIGITS + 1))
    assert _error_lines(caught) == [
        f"t.yaml:1:4: k: integer with {MAX_INT_DIGITS + 1} digits (the limit is {MAX_INT_DIGITS})"
    ]


def test_integer_digit_limit_does_not_count_the_sign() -> None:
    assert _value("-" + "9" * MAX_INT_DIGITS) == -int("9" * MAX_INT_DIGITS)
    assert _value("+" + "9" * MAX_INT_DIGITS) == int("9" * MAX_INT_DIGITS)


# --- explicit tags ------------------------------------------------------------------------------

CORE_TAGS = [
    ("!!str 1", "1"),
    ("!!str true", "true"),
    ("!!str", ""),
    ("!!float 1", 1.0),
    ("!!float 1e3", 1000.0),
    ("!!float .inf", math.inf),
    ("!!int 0x1f", 31),
    ('!!int "12"', 12),
    ("!!bool true", True),
    ("!!null ~", None),
    ("!!seq [1]", [1]),
    ("!!map {a: 1}", {"a": 1}),
    ("!<tag:yaml.org,2002:str> 010", "010"),
]


@pytest.mark.parametrize(("text", "expected"), CORE_TAGS, ids=[t for t, _ in CORE_TAGS])
def test_explicit_core_tag_is_honoured(text: str, expected: Any) -> None:
    assert _same(_value(text), expected)


BAD_CORE_TAGS = [
    ("!!int abc", "t.yaml:1:4: k: 'abc' is not a valid !!int"),
    ("!!int 1.0", "t.yaml:1:4: k: '1.0' is not a valid !!int"),
    ("!!bool yes", "t.yaml:1:4: k: 'yes' is not a valid !!bool"),
    ("!!float abc", "t.yaml:1:4: k: 'abc' is not a valid !!float"),
    ("!!null 0", "t.yaml:1:4: k: '0' is not a valid !!null"),
]


@pytest.mark.parametrize(("text", "message"), BAD_CORE_TAGS, ids=[t for t, _ in BAD_CORE_TAGS])
def test_explicit_core_tag_with_a_value_it_does_not_fit_is_an_error(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        _value(text)
    assert _error_lines(caught) == [message]


TOP_LEVEL_SCALARS = [
    ("1e400", "t.yaml:1:1: 1e400 is out of the range of a float"),
    ("--- -1e400", "t.yaml:1:5: -1e400 is out of the range of a float"),
    ("1" * 4001, "t.yaml:1:1: integer with 4001 digits (the limit is 4000)"),
    ("!!float 1e400", "t.yaml:1:1: 1e400 is out of the range of a float"),
    ("!foo x", "t.yaml:1:1: tag '!foo' is not allowed"),
    ("!!null", "t.yaml:1:1: the top level must be a mapping of keys to values, not the value None"),
    ("3", "t.yaml:1:1: the top level must be a mapping of keys to values, not the value 3"),
]


@pytest.mark.parametrize(("text", "message"), TOP_LEVEL_SCALARS, ids=[t[:20] for t, _ in TOP_LEVEL_SCALARS])
def test_a_top_level_scalar_is_an_error_with_its_position(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_document(text, "t.yaml")
    assert _error_lines(caught) == [message]


@pytest.mark.parametrize(
    "text",
    [
        "!!python/object/apply:os.system [echo]",
        "!!python/tuple [1]",
        "!!binary aGk=",
        "!!timestamp 2024-01-01",
        "!!set {a: null}",
        "!!omap [{a: 1}]",
        "!!pairs [{a: 1}]",
        "!custom x",
        "!<tag:example.com,2024:thing> x",
    ],
)
def test_tag_outside_the_core_schema_is_refused(text: str) -> None:
    with pytest.raises(ConfigError, match=r"^t\.yaml:1:4: k: tag '.+' is not allowed$"):
        _value(text)


# --- bounds: aliases, size, depth -----------------------------------------------------------------


def _laughs_sequences() -> str:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in itertools.pairwise("abcdefghi"):
        lines.append(f"{cur}: &{cur} [" + ",".join([f"*{prev}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def _laughs_mappings() -> str:
    lines = ["a: &a {l0: lol, l1: lol, l2: lol, l3: lol, l4: lol, l5: lol, l6: lol, l7: lol, l8: lol}"]
    for prev, cur in itertools.pairwise("abcdefghi"):
        lines.append(f"{cur}: &{cur} {{" + ", ".join(f"l{i}: *{prev}" for i in range(9)) + "}")
    return "\n".join(lines) + "\n"


def _laughs_merge_keys() -> str:
    lines = ["a: &a {k0: x, k1: x, k2: x, k3: x, k4: x, k5: x, k6: x, k7: x, k8: x, k9: x}"]
    for prev, cur in itertools.pairwise("abcdefghij"):
        lines.append(f"{cur}: &{cur} {{<<: *{prev}, " + ", ".join(f"v{j}: *{prev}" for j in range(10)) + "}")
    return "\n".join(lines) + "\n"


ALIAS_BOMBS = [
    pytest.param(_laughs_sequences(), id="billion-laughs-sequences"),
    pytest.param(_laughs_mappings(), id="billion-laughs-mappings"),
    pytest.param(_laughs_merge_keys(), id="merge-keys"),
]


@pytest.mark.parametrize("text", ALIAS_BOMBS)
def test_alias_bomb_is_small(text: str) -> None:
    assert len(text.encode()) < 1024


@pytest.mark.parametrize("text", ALIAS_BOMBS)
def test_alias_bomb_is_refused_before_it_is_expanded(text: str) -> None:
    # An outcome bound (DESIGN.md: "must fail in well under a second"), counted rather than timed:
    # the bombs expand to millions of nodes, and each node composed costs dozens of calls, so a
    # loader that expanded even the budget's worth would make far more calls than this.
    with (
        Calls() as calls,
        pytest.raises(
            ConfigError, match=f"aliases expand this document by more than {MAX_ALIAS_NODES} nodes"
        ),
    ):
        load_document(text, "bomb.yaml")
    assert calls.count < MAX_ALIAS_NODES // 10


def test_composing_aliases_costs_calls_in_proportion_to_the_nodes() -> None:
    # What makes the bound above able to fail: aliases that are expanded cost calls per node.
    text = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9]\n" + "".join(f"b{i}: *a\n" for i in range(1_000))
    with Calls() as calls:
        load_document(text, "many.yaml")
    assert calls.count > MAX_ALIAS_NODES // 10


@pytest.mark.parametrize("text", ALIAS_BOMBS)
def test_alias_bomb_is_refused_with_small_memory(text: str) -> None:
    tracemalloc.start()
    try:
        with pytest.raises(ConfigError):
            load_document(text, "bomb.yaml")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 50 * 1024 * 1024


def test_aliases_within_the_budget_are_expanded() -> None:
    text = "a: &a [1, 2]\nb: [*a, *a]\nc: &c {x: 1}\nd: {<<: *c, y: 2}\n"
    assert load_document(text, "t.yaml").data == {
        "a": [1, 2],
        "b": [[1, 2], [1, 2]],
        "c": {"x": 1},
        "d": {"x": 1, "y": 2},
    }


def test_file_just_over_max_bytes_is_refused() -> None:
    text = "a: " + "x" * (MAX_BYTES - 2)
    with pytest.raises(ConfigError) as caught:
        load_document(text, "big.yaml")
    assert _error_lines(caught) == [
        f"big.yaml:1:1: file too large: {MAX_BYTES + 1} bytes (the limit is {MAX_BYTES})"
    ]


def test_file_of_exactly_max_bytes_is_read() -> None:
    assert len(load_document(b"a: " + b"x" * (MAX_BYTES - 3), "big.yaml").data["a"]) == MAX_BYTES - 3


def test_size_bound_counts_utf8_bytes_not_characters() -> None:
    text = "a: " + "\u00e9" * (MAX_BYTES // 2)  # fewer characters than MAX_BYTES, more bytes
    assert len(text) < MAX_BYTES
    with pytest.raises(ConfigError, match="file too large"):
        load_document(text, "big.yaml")


_DEEP = 10_000

DEEP_DOCUMENTS = {
    "flow-sequences": lambda: "a: " + "[" * _DEEP + "]" * _DEEP + "\n",
    "flow-mappings": lambda: "a: " + "{a: " * _DEEP + "1" + "}" * _DEEP + "\n",
    "flow-mixed": lambda: "a: " + "[{a: " * _DEEP + "1" + "}]" * _DEEP + "\n",
    "block-sequences": lambda: "a:\n  " + "- " * _DEEP + "x\n",
    # Block mappings need one more space of indentation per level: 5,000 levels fill 12.5 MB.
    "block-mappings": lambda: "".join(" " * i + "a:\n" for i in range(5_000)) + " " * 5_000 + "b: 1\n",
}


@pytest.mark.parametrize("kind", DEEP_DOCUMENTS)
def test_deep_nesting_is_a_config_error_never_a_recursion_error(kind: str) -> None:
    with pytest.raises(ConfigError, match=f"nesting deeper than {MAX_DEPTH} levels"):
        load_document(DEEP_DOCUMENTS[kind](), "deep.yaml")


def test_nesting_of_exactly_max_depth_levels_is_read() -> None:
    # The root mapping is the first level; MAX_DEPTH - 1 lists complete it.
    depth = MAX_DEPTH - 1
    value = load_document("a: " + "[" * depth + "]" * depth, "t.yaml").data["a"]
    for _ in range(depth - 1):
        value = value[0]
    assert value == []


def test_nesting_one_level_deeper_than_max_depth_is_refused() -> None:
    depth = MAX_DEPTH
    with pytest.raises(ConfigError, match=f"nesting deeper than {MAX_DEPTH} levels"):
        load_document("a: " + "[" * depth + "]" * depth, "t.yaml")


# --- documents ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "\n",
        "# only a comment\n",
        "null",
        "~",
        "---\n",
        "--- ~\n...\n",
        b"\xef\xbb\xbf",
        b"\xef\xbb\xbf# c\r\n",
    ],
)
def test_empty_document_means_nothing_set(raw: str | bytes) -> None:
    document = load_document(raw, "t.yaml")
    assert document.data == {}
    assert document.root is None


def test_lone_surrogate_in_text_is_refused_with_position() -> None:
    with pytest.raises(ConfigError) as caught:
        load_document("a: 1\nb: x\ud800\n", "t.yaml")
    assert _error_lines(caught) == ["t.yaml:2:5: lone surrogate '\\ud800' is not valid text"]


def test_escaped_astral_character_is_read() -> None:
    assert _value(r'"\U0001F600"') == "\U0001f600"


def test_surrogate_escape_is_a_syntax_error() -> None:
    with pytest.raises(ConfigError, match="invalid Unicode character escape code"):
        _value(r'"\ud800"')


def test_origin_points_at_values_keys_and_merged_keys() -> None:
    document = load_document(
        "base: &b\n  lr: 0.5\nopt:\n  <<: *b\n  name: sgd\nsched:\n  - epochs: 1\n  - epochs: 2\n", "f.yaml"
    )
    positions = {
        (("opt", "name"), False): (5, 9),
        (("opt", "name"), True): (5, 3),
        (("opt", "lr"), False): (2, 7),  # merged: the position in the anchored mapping
        (("opt", "lr"), True): (2, 3),
        (("sched", 1, "epochs"), False): (8, 13),
        (("sched", 1, "epochs"), True): (8, 5),
        (("sched", 5), False): (7, 3),  # no such item: the nearest parent
        (("missing", "x"), False): (1, 1),
    }
    for (path, at_key), (line, column) in positions.items():
        origin = document.origin(path, at_key=at_key)
        assert (origin.path, origin.line, origin.column) == ("f.yaml", line, column), path


def test_text_layer_unwraps_top_level_wrappers_and_skips_wandb_keys() -> None:
    text = (
        "wandb_version: 1\n"
        "_wandb: {desc: null, value: {cli_version: 0.17.0, python_version: 3.11.7}}\n"
        "epochs: {desc: Number of epochs, value: 4}\n"
        "batch_size: {value: 8}\n"
        "dropout: {desc: kept at the schema default}\n"
        "optimizer: {lr: {desc: inner, value: 0.1}}\n"
        "weights: {desc: w, value: {desc: 0.5, value: 2.0}}\n"
    )
    assert checked(text_layer(text, "config.yaml")).data == {
        "epochs": 4,
        "batch_size": 8,
        "optimizer": {"lr": {"desc": "inner", "value": 0.1}},
        "weights": {"desc": 0.5, "value": 2.0},
    }


# --- parse_value ----------------------------------------------------------------------------------

PARSED_VALUES = [
    ("[a, b]", ["a", "b"]),
    ("{'lr': 0.01}", {"lr": 0.01}),
    ("{a: {b: 1}}", {"a": {"b": 1}}),
    ("[1, 2.5, yes, null]", [1, 2.5, "yes", None]),
    ("1e-3", 0.001),
    ("NO", "NO"),
    ("-1", -1),
    ("010", 10),
    ("0x1f", 31),
    ("1:30", "1:30"),
    ("2024-01-01", "2024-01-01"),
    ("~", None),
    ("true", True),
    (".inf", math.inf),
    ("'quoted'", "quoted"),
    ('"1e-3"', "1e-3"),
    (" 4 ", 4),
    ("a: b", "a: b"),
    ("!!str 1", "1"),
]


@pytest.mark.parametrize(("text", "expected"), PARSED_VALUES, ids=[t for t, _ in PARSED_VALUES])
def test_parse_value_reads_yaml12_flow_values(text: str, expected: Any) -> None:
    assert _same(parse_value(text), expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[a", "while parsing a flow sequence"),
        ("{a: 1, a: 2}", "duplicate key"),
        ("{a.b: 1}", "contains '.'"),
        ("{1: 2}", "keys must be strings"),
        ("[!!binary aGk=]", "is not allowed"),
        ("*undefined", "undefined alias"),
    ],
)
def test_parse_value_refuses_bad_text_with_value_error(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_value(text)


def test_parse_value_bounds_alias_expansion_like_a_file() -> None:
    # Just over the budget, yet cheap to expand: the buggy path returns a list instead of refusing.
    text = "[&a [" + ", ".join(["1"] * 100) + "], " + ", ".join(["*a"] * (MAX_ALIAS_NODES // 100 + 10)) + "]"
    with pytest.raises(ValueError, match="alias"):
        parse_value(text)


# --- dumping ------------------------------------------------------------------------------------

DUMPED_SCALARS = [
    (None, "null"),
    (True, "true"),
    (False, "false"),
    (0, "0"),
    (-12, "-12"),
    (10**30, "1000000000000000000000000000000"),
    (0.1, "0.1"),
    (100.0, "100.0"),
    (-0.0, "-0.0"),
    (1e-05, "1.0e-05"),  # YAML 1.1 needs the dot and the signed exponent to see a float
    (1e20, "1.0e+20"),
    (1.5e300, "1.5e+300"),
    (math.inf, ".inf"),
    (-math.inf, "-.inf"),
    (math.nan, ".nan"),
    ("plain", "plain"),
    ("two words", "two words"),
    ("path/to/file.txt", "path/to/file.txt"),
    ("NO", '"NO"'),
    ("yes", '"yes"'),
    ("On", '"On"'),
    ("1e-3", '"1e-3"'),
    ("0755", '"0755"'),
    ("1:30", '"1:30"'),
    ("2024-01-01", '"2024-01-01"'),
    ("", '""'),
    ("a: b", '"a: b"'),
    ("tab\there", '"tab\\there"'),
    ("line\nbreak", '"line\\nbreak"'),
    ("\u2028", '"\\u2028"'),
    ("\x85", '"\\u0085"'),
    ("é", '"é"'),
]


@pytest.mark.parametrize(("value", "text"), DUMPED_SCALARS, ids=[repr(v) for v, _ in DUMPED_SCALARS])
def test_dump_scalar_writes_text_both_yaml_versions_agree_on(value: Any, text: str) -> None:
    assert dump_scalar(value) == text


@pytest.mark.parametrize("value", [[1], {"a": 1}, (1,), b"x", object()])
def test_dump_scalar_refuses_what_is_not_a_scalar(value: Any) -> None:
    with pytest.raises(TypeError, match="cannot write"):
        dump_scalar(value)


TRICKY_STRINGS = [
    "NO",
    "yes",
    "on",
    "1e-3",
    "0755",
    "1:30",
    "2024-01-01",
    "null",
    "~",
    "true",
    "",
    " leading space",
    "trailing space ",
    "a: b",
    "#x",
    "a #b",
    "- x",
    "é",
    "中文",
    "\u2028",
    "tab\there",
    '"quote"',
    "'single'",
    "back\\slash",
    "0x1f",
    ".inf",
    "<<",
    "*alias",
    "&anchor",
    "!tag",
    "%directive",
    "@at",
    "`tick",
    "[x",
    "{x",
    "|",
    ">",
    "?",
    "---",
    "...",
    "\x00",
    "\x7f",
    "\ufeff",
    "\U0001f600",
    "line\nbreak",
    "\r\n",
]
TRICKY_FLOATS = [1e-05, 1e20, 0.1, -0.0, math.inf, -math.inf, math.nan, 100.0, 5e-324, 1.7976931348623157e308]


def _round_trips(value: Any) -> None:
    text = dump_mapping({"k": value})
    assert _same(yaml.safe_load(text)["k"], value), text  # plain PyYAML: YAML 1.1, as wandb reads it
    assert _same(load_document(text, "dumped.yaml").data["k"], value), text


@pytest.mark.parametrize("value", TRICKY_STRINGS + TRICKY_FLOATS, ids=repr)
def test_dumped_value_reads_back_equal_in_yaml11_and_yaml12(value: Any) -> None:
    _round_trips(value)


@settings(max_examples=examples(300), deadline=None)
@given(st.text() | st.floats())
def test_any_dumped_text_or_float_reads_back_equal(value: str | float) -> None:
    _round_trips(value)


_KEYS = st.text(min_size=1).filter(lambda key: "." not in key)
_LEAVES = st.none() | st.booleans() | st.integers() | st.floats() | st.text()
_NESTED = st.recursive(
    _LEAVES,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(_KEYS, children, max_size=3),
    max_leaves=12,
)


def _same_data(a: Any, b: Any) -> bool:
    if isinstance(a, dict) and isinstance(b, dict):
        return list(a) == list(b) and all(_same_data(a[k], b[k]) for k in a)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_same_data(x, y) for x, y in zip(a, b, strict=True))
    return _same(a, b)


@settings(max_examples=examples(300), deadline=None)
@given(st.dictionaries(_KEYS, _NESTED, max_size=4))
def test_any_dumped_mapping_reads_back_equal(data: dict[str, Any]) -> None:
    text = dump_mapping(data)
    assert _same_data(yaml.safe_load(text) or {}, data), text
    assert _same_data(load_document(text, "dumped.yaml").data, data), text


def test_dump_mapping_writes_comments_above_their_keys() -> None:
    data = {
        "epochs": 3,
        "optimizer": {"lr": 0.001, "name": "adam"},
        "tags": ["a", "NO"],
        "empty": {},
        "nothing": [],
    }
    comments = {("epochs",): "Number of epochs", ("optimizer", "lr"): "Learning rate\nmust be > 0"}
    text = dump_mapping(data, comments)
    assert text == (
        "# Number of epochs\n"
        "epochs: 3\n"
        "optimizer:\n"
        "  # Learning rate\n"
        "  # must be > 0\n"
        "  lr: 0.001\n"
        "  name: adam\n"
        "tags:\n"
        "  - a\n"
        '  - "NO"\n'
        "empty: {}\n"
        "nothing: []\n"
    )
    assert load_document(text, "t.yaml").data == data


def test_dump_mapping_of_nothing_is_an_empty_mapping() -> None:
    assert dump_mapping({}) == "{}\n"
    assert load_document(dump_mapping({}), "t.yaml").data == {}


# --- robustness ---------------------------------------------------------------------------------

_YAML_PIECES = st.sampled_from(
    [*"ab01 :-[]{},&*!|>'\"#%@`?\n\t.~", "<<", "!!str", "!!int", "&a", "*a", "---", "\ufeff", "é", "\r\n"]
)


@settings(max_examples=examples(300), deadline=None)
@given(st.lists(_YAML_PIECES, max_size=40).map("".join) | st.text() | st.binary())
def test_bad_input_only_ever_raises_config_error(raw: str | bytes) -> None:
    try:
        load_document(raw, "fuzz.yaml")
    except ConfigError as exc:
        problems = exc.problems
    else:
        return
    assert all(p.origin.path == "fuzz.yaml" and p.origin.line and p.origin.column for p in problems)
