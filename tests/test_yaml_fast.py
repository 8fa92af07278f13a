"""The fast line-oriented reader (``_yaml/fast.py``) against the node-tree reader, document by document.

Generated documents in and around the fast reader's subset must come out the same both ways: the
same values (same types), or the same problems at the same positions and the same count of the
rest; and every position a caller may ask for (values, keys, missing keys, list items) the same.
"""

from __future__ import annotations

import json
import math
from typing import Any

import pytest
from hypothesis import event, example, given, settings
from hypothesis import strategies as st
from strategies import examples

from typed_config import ConfigError
from typed_config._gc import paused_gc
from typed_config._yaml import read
from typed_config._yaml.read import MAX_BYTES, load_document

_SUBSET_KEYS = [
    "a", "b", "lr", "name", "n", "y", "true", "null", "1", "0x1", "~", "a.b", "x-y", "_wandb",
    "wandb_version", "k_1", "é", "a/b", "a$b", '"q"', '"a.b"', "'s'", "'it''s'", '""', "''", '"x: y"', "n.",
]  # fmt: skip
_ODD_KEYS = [
    "${a}", "1e400", "a b", "-a", "?a", ".a", "a:b", "a#b", "[a]", "&a", "!t", "*a", "'" + "k" * 201 + "'", "k" * 210,
]  # fmt: skip
_SUBSET_VALUES = [
    "", "1", "-1", "+1", "010", "0x1F", "0o17", "0b1", "1_000", "1.5", ".5", "-.5", "1e-3", "1E+3", "1e400",
    "-1e400", ".inf", "-.inf", ".nan", "true", "False", "NO", "yes", "null", "Null", "~", "1:30", "x", "adam",
    "a b  c", "http://x.y/z", "$x", "a'b", 'a"b', "a\\b", '"q"', '"a # b"', "'s'", "'it''s'", "''", '""',
    "x # c", "[1, x, 1e400]", "[]", "[ ]", "[-1, .5, x y]", "é", "9" * 4001, "[" + "9" * 4001 + "]", "...",
    "[x, 1e999]", "-x", "a!b", "${a.b}", "a,b", "x{y}", "x]", "[-1, .5, ${x}]", "a::b", "${a}:${b}", "a\xa0b", "a\x7fb", "x\x85y", "x\u2028y", "x\ufeffy", "\u3000x", "x\u2009",
    "[x\xa0]", "[x\u2003, \u3000y]", "[a:b, c]", "[ x ,y  ]",
]  # fmt: skip
_ODD_VALUES = [
    '"esc\\n"', '"', "'", "x#c", "[a, [b]]", "[a,]", "[,]", "{a: 1}", "- x",
    "-", "&a x", "*a", "!!int 3", "! 3", "|", ">", "%x", "@x", "`x", "a: b", "x\ty", "---", "? x",
    "[x, 1e999, 'q']", "x, y", "x ]",
]  # fmt: skip
_FLOW_KEYS = ["a", "b", "lr", "1", "true", "~", "a.b", "_wandb", "x-y", "é", '"a"', '"a.b"', '""', "'s'", "'it''s'", '"q r"', '"a\\"b"', '"\\u0061"', '"\\u002e"']  # fmt: skip
_ODD_FLOW_KEYS = ["a:b", "-a", "[a]", "*a", "a b", "?a", '"e\\x41"', "a#", "&a a", "k" * 210, '"' + "\\t" * 200 + '"']  # fmt: skip
_FLOW_VALUES = [
    "1", "-1", "0x1F", "1e400", "-.inf", "x", "x y", "é", '"q"', '"a # b"', "'s'", "[1, x]", "[]", "null", "true",
    ".5", "[1, 1e999]", "9" * 4001, "${a}", "a/b", '"x\\ny"', '"\\u00e9\\t\\"\\\\\\/\\b\\f\\r"', '"\\u0000"', '"a\\\\"',
]  # fmt: skip
_ODD_FLOW_VALUES = ["", "a:b", "x # c", "&a 1", "*a", "!!int 3", '"\\x41"', "[a, [b]]", "a'b", "x]", ",", "-", '"\\uD83D\\uDE00"', '"\\q"', '"\\ "']  # fmt: skip
_FILLER = ["", "# comment", "  # indented comment", "   "]
_ODD_FILLER = ["\t", "---", "...", "%YAML 1.2", "  - x"]


def _pool(odd: bool, common: list[str], rare: list[str]) -> st.SearchStrategy[str]:
    """Mostly ``common``; with ``odd``, one draw in four from ``rare``."""
    if not odd:
        return st.sampled_from(common)
    return st.integers(0, 3).flatmap(lambda i: st.sampled_from(rare if i == 0 else common))


@st.composite
def _mapping(draw: st.DrawFn, odd: bool, indent: int = 0, depth: int = 0) -> list[str]:
    lines: list[str] = []
    keys, values = _pool(odd, _SUBSET_KEYS, _ODD_KEYS), _pool(odd, _SUBSET_VALUES, _ODD_VALUES)
    for _ in range(draw(st.integers(1, 5))):
        if draw(st.integers(0, 9)) == 0:
            lines.append(draw(_pool(odd, _FILLER, _ODD_FILLER)))
        key = draw(keys)
        space = draw(st.sampled_from(["", "", " "]))
        if depth < 3 and draw(st.integers(0, 3)) == 0:
            lines.append(f"{' ' * indent}{key}{space}:")
            step = draw(st.sampled_from([2, 2, 4, 1]))
            lines += draw(_mapping(odd, indent + step, depth + 1))
            if odd and draw(st.integers(0, 3)) == 0:  # a line indented in between: a syntax error
                lines.append(f"{' ' * (indent + 1)}z: 1")
            continue
        if draw(st.integers(0, 5)) == 0:  # a block sequence, indented or not
            lines.append(f"{' ' * indent}{key}{space}:")
            dash = " " * (indent + draw(st.sampled_from([0, 2, 2, 4])))
            lines += [
                f"{dash}-{draw(st.sampled_from([' ', '  ']))}{draw(values)}"
                for _ in range(draw(st.integers(1, 3)))
            ]
            continue
        value = draw(values) if draw(st.integers(0, 7)) else draw(_flow(odd, False))
        sep = draw(st.sampled_from([" ", " ", "  ", ""] if odd else [" ", "  "]))
        tail = draw(st.sampled_from(["", "", " ", " # note"]))
        lines.append(f"{' ' * indent}{key}{space}:{sep if value else ''}{value}{tail}")
    return lines


@st.composite
def _flow(draw: st.DrawFn, odd: bool, lines: bool, depth: int = 0) -> str:
    """A flow mapping: YAML's ``{a: 1}`` or JSON's ``{"a":1}``, over several lines when ``lines``."""
    gaps = [" ", "", "  "] + (["\n", "\n  "] if lines else [])
    colons = [": ", ": ", ":", " : "] + ([":\n  "] if lines else [])
    spread = ["[\n  1,\n  x\n]", "[\n]", "[1,\n2]", "[1\n, 2]", "[a\n b]"] if lines else []
    keys, values = _pool(odd, _FLOW_KEYS, _ODD_FLOW_KEYS), _pool(odd, _FLOW_VALUES + spread, _ODD_FLOW_VALUES)
    entries = []
    for _ in range(draw(st.integers(0 if odd else 1, 4))):
        nested = depth < 2 and draw(st.integers(0, 4)) == 0
        value = draw(_flow(odd, lines, depth + 1)) if nested else draw(values)
        entries.append(f"{draw(keys)}{draw(st.sampled_from(colons))}{value}")
    commas = [",", ", ", " ,"] + ([",\n", ",\n  "] if lines else [])
    body = "".join(f"{entry}{draw(st.sampled_from(commas))}" for entry in entries)
    if body and draw(st.integers(0, 3)) != 0:  # no trailing comma (YAML allows one, JSON does not)
        body = body.rstrip(" \n")[:-1]
    return f"{{{draw(st.sampled_from(gaps))}{body}{draw(st.sampled_from(gaps))}}}"


def _outcome(load: Any, text: str) -> tuple[str, Any]:
    try:
        with paused_gc():
            return "loaded", load(text.encode(), "t.yaml", frozenset({"_wandb"}))
    except ConfigError as exc:
        return "refused", (str(exc), exc.omitted)


def _fast(data: bytes, source: str, skip: frozenset[str]) -> Any:
    found = read._load_fast(data, source, skip)
    return found if found is not None else read._load(data, source, skip, None)


def _full(data: bytes, source: str, skip: frozenset[str]) -> Any:
    return read._load(data, source, skip, None)


def _same(a: Any, b: Any) -> bool:
    if type(a) is not type(b):
        return False
    if isinstance(a, float):
        return (math.isnan(a) and math.isnan(b)) or (a == b and math.copysign(1, a) == math.copysign(1, b))
    if isinstance(a, dict):
        return list(a) == list(b) and all(_same(a[k], b[k]) for k in a)  # pyright: ignore[reportUnknownVariableType]
    if isinstance(a, list):
        return len(a) == len(b) and all(map(_same, a, b))  # pyright: ignore[reportUnknownArgumentType]
    return bool(a == b)


def _paths(value: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path in ``value``, and a missing key below each mapping."""
    out = [path]
    if isinstance(value, dict):
        out.append((*path, "missing"))
        for key, child in value.items():
            out += _paths(child, (*path, key))
    elif isinstance(value, list):
        out.append((*path, len(value)))
        for index, child in enumerate(value):
            out += _paths(child, (*path, index, "below"))
    return out


def _check(text: str) -> bool:
    """Both readers agree on ``text``; whether the fast one read it."""
    took_fast = read.read_fast(text.encode(), frozenset()) is not None
    fast, full = _outcome(_fast, text), _outcome(_full, text)
    assert fast[0] == full[0], (fast, full)
    if fast[0] == "refused":
        assert fast[1] == full[1]
        return took_fast
    assert _same(fast[1].data, full[1].data), (fast[1].data, full[1].data)
    paths = _paths(full[1].data)
    for path in paths + paths[::-1]:  # in both orders: positions are worked out lazily
        for at_key in (False, True):
            assert fast[1].position(path, at_key=at_key) == full[1].position(path, at_key=at_key), (
                path,
                at_key,
            )
    return took_fast


@settings(max_examples=examples(600))
@given(
    st.booleans().flatmap(_mapping),
    st.sampled_from(["\n", "", "\n\n"]),
    st.sampled_from(["", "\n", "# top\n", " \n", "---\n", "--- # x\n"]),
)
@example(["a: 1", "b: [x]", "a: 2"], "\n", "---\n")
@example(["a: 1", "a: 2", "b:", "  c: 1e400", "  c: 3", "d: [1, 1e999]"], "\n", "")
@example(["a:", "    b: 1", "   c: 2"], "\n", "")
@example(["a: x", "  continued"], "\n", "")
@example(
    ["s: [1]", "s: [2, 3]", "s: []", "s: [ ]", "s: [x, , y]"], "\n", ""
)  # a duplicate's list: only its text checked
@example(["s: [1]", "s: [2, 3]", "s: []", "s: [4,]"], "\n", "")
@example(["s: [1]", "s: [1e999]", "s: []"], "\n", "")
@example(["s: [1]", "s: [a,b]", "s: [c,,d]"], "\n", "")  # words, then an empty item: only the dead copy
@example(["s: [1]", "s: [.5,x_y]", "s: [-1,a:b]"], "\n", "")
# A duplicate's (or a skipped key's) nested block or flow mapping is only checked, once per text:
# problems in it are not reported, but anything outside the subset or malformed still is.
@example(
    ["k:", "  a: 1", "k:", "  a: 1e400", "  b: x", "k:", "  a: 1e400", "  b: x", "k:", "  a: 1"], "\n", ""
)
@example(["k:", "  a: 1", "k:", "    b: 1", "   c: 2"], "\n", "")
@example(["k:", "  a: 1", "k:", "  a: !!int 3"], "\n", "")
@example(["k:", "  a: 1", "k:", "  a: &x 3", "k:", "  a: &x 3"], "\n", "")
@example(["k:", "  a:", "    b: 1", "k:", "  a:", "    b: *x"], "\n", "")
@example(["k:", "  - 1", "k:", "  - x", "  y: 1"], "\n", "")
@example(["k:", "  - 1", "k:", "  - [1e999]", "  - 1e999"], "\n", "")
@example(["1:", "  a: !!str x", "b: 1"], "\n", "")
@example(["_wandb:", "  a: 1e400", "_wandb:", "  a: &x 1", "b: 1"], "\n", "")
@example(["_wandb:", "  a: 1e400", "  b: {c: 1e999}", "b: 1"], "\n", "")
@example(["k: {a: 1}", "j: 1", "k: {b: 1e400}", "k: {b: 1e400}", "m: {b: 1e400}"], "\n", "")
@example(["k: {a: 1}", "k: {a: *x}"], "\n", "")
@example(["k: {a: 1}", "k: {a: [b]]}"], "\n", "")
@example(["k: {a: 1}", "k: {a: !!str 1}"], "\n", "")
@example(["_wandb: {a: 1e400, b: {c: [1e999]}}", '_wandb: {a: "\\q"}', "b: 1"], "\n", "")
def test_fast_reader_agrees_with_the_node_tree(lines: list[str], end: str, head: str) -> None:
    event(f"fast: {_check(head + chr(10).join(lines) + end)}")


@settings(max_examples=examples(600))
@given(
    st.tuples(st.booleans(), st.booleans()).flatmap(lambda odd_lines: _flow(*odd_lines)),
    st.sampled_from(["\n", "", "\n\n", "\n# end\n", " \n"]),
    st.sampled_from(["", "\n", "# top\n", "---\n"]),
)
@example('{"a":1,"b":{"c":[1,x],"c":2},"a":1e400}', "", "")
@example('{\n  "x": {\n    "a": 1,\n    "a": 2,\n    "b": [\n      1,\n      1e999\n    ]\n  }\n}', "\n", "")
@example("{a:1, b: 2}", "\n", "")
@example('{"k":{"a":1},"k":{"a":1e400},"k":{"a":1},"j":{"a":[1e999]},"_wandb":{"a":1e400}}', "", "")
def test_fast_reader_agrees_with_the_node_tree_on_flow_mappings(text: str, end: str, head: str) -> None:
    event(f"fast: {_check(head + text + end)}")


_PADDING = "".join(f"p{i}: {{}}, " for i in range(65))  # enough nested mappings to be split by depth


@settings(max_examples=examples(300))
@given(
    st.tuples(st.booleans(), st.booleans()).flatmap(lambda odd_lines: _flow(*odd_lines)),
    st.sampled_from(["\n", "", "\n# end\n"]),
)
@example(
    '{"k":{"a":1},"k":{"a":1e400},"k":{"a":1},"j":{"a":[1e999]},"_wandb":{"a":1e400},"1":{"a":1e400}}', ""
)
@example('{"k":{"a":1},"k":{"a":*x}}', "")
@example('{"k":{"a":1},"k":{"a":[*x]}}', "")  # in a duplicate's mapping only: checked all the same
@example('{"k":{"a":1},"k":{1e400: 1}}', "")
@example('{"k":{"a":1},"_wandb":{"a":{"b":[&y 1]}}}', "")
@example('{"k":{"a":1},"k":{"a":{"b":!!str 1}},"_wandb":{"a":&x 1}}', "")
@example('{"k":{"a":1},"k":{"a":{"b":[1e999]}},"_wandb":{"c":{"d":{}}},"k":{"a":1,"a":2}}', "")
@example('{"k":{"a":1},"k":{"a":1}}}', "")
@example('{"k":{"a":1},"k":{"a":1}', "")
@example("{k: {a: 1}, k: {" + "a: {" * 45 + "}" * 45 + "}}", "")
def test_many_nested_flow_mappings_split_by_depth_agree_with_the_node_tree(text: str, end: str) -> None:
    event(f"fast: {_check('{' + _PADDING + text[1:] + end)}")


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\nb:\n  c: x\n  d: [1, 2]\n",
        "# c\n\na: 'it''s'  # note\nb: \"q\"\nn: null\nt: true\nf: 1.5e3\n",
        "k0: 1\nk1: 2\nk0: 3\n_wandb: 1\n",
        "s: [1]\ns: [2, 3]\ns: []\ns: [ ]\nt: [a]\n",  # duplicates' lists, each different, empty ones too
    ],
)
def test_common_files_take_the_fast_path(text: str) -> None:
    assert _check(text)


def test_unicode_spaces_around_flow_items_are_text() -> None:
    # YAML's white space is space and tab: other spaces belong to the item (they were stripped).
    text = "a: [x\xa0, \u2003y ,z]\n"
    assert _check(text)
    assert load_document(text, "t.yaml").data == {"a": ["x\xa0", "\u2003y", "z"]}


def test_many_problems_are_counted_and_the_first_listed_in_order() -> None:
    text = "".join(f"k{i}: 1\n" for i in range(300)) * 2 + "x.y: 1\n" + "extra:\n" + "  e: 1e400\n" * 3
    assert _check(text)
    with pytest.raises(ConfigError) as caught:
        load_document(text, "t.yaml")
    assert len(caught.value.problems) == 100
    assert caught.value.omitted == 300 + 1 + 3 - 100
    assert str(caught.value.problems[0]) == "t.yaml:301:1: k0: duplicate key (first defined at line 1)"


def test_a_large_flat_file_is_read_the_fast_way() -> None:
    text = "a: 1\n" * (MAX_BYTES // 50)
    assert read.read_fast(text.encode(), frozenset()) is not None


@pytest.mark.parametrize(
    "entry", ["k:\n  a: 1\n", "k: {a: 1}\n", "k:\n  - 1\n"], ids=["block", "flow", "list"]
)
def test_many_duplicates_with_nested_values_are_read_the_fast_way(entry: str) -> None:
    # The duplicates' values are never built: each distinct text is checked once, not read per row.
    text = "a: 1\n" + entry * 20_000
    assert read.read_fast(text.encode(), frozenset()) is not None
    with pytest.raises(ConfigError) as caught:
        load_document(text, "t.yaml")
    assert caught.value.omitted == 20_000 - 1 - 100
    second = 2 + entry.count("\n")  # the line of the second ``k``
    assert str(caught.value.problems[0]) == f"t.yaml:{second}:1: k: duplicate key (first defined at line 2)"
    assert _check(text)


def test_deep_nesting_is_left_to_the_node_tree() -> None:
    # Each level's text is read again by the level above: deep files are not worth it.
    text = "".join(" " * i + "k:\n" for i in range(60)) + " " * 60 + "k: 1\n"
    assert read.read_fast(text.encode(), frozenset()) is None
    assert _check(text) is False
    assert read.read_fast(
        ("".join(" " * i + "k:\n" for i in range(10)) + " " * 10 + "k: 1\n").encode(), frozenset()
    )


@pytest.mark.parametrize(
    "text",
    [
        "{a: 1, b: {c: [1, 2]}, d: 'x'}\n",
        "x: {a: 1, a: 2}\ny: [1]\n",
        '{"a":1,"a":1,"b":{"c":1e400}}',
        json.dumps({"x": {"a": [1, 2.5, None], "b": {"c": "d", "e": True}}, "y": 1}, indent=2),
        json.dumps({"é": 'a"b\n\\/', "x": {"\x00": "\u2028"}}),
    ],
    ids=["yaml", "as a value", "json", "json indented", "json escapes"],
)
def test_flow_mappings_take_the_fast_path(text: str) -> None:
    assert _check(text)


def test_duplicates_in_an_indented_json_object_are_listed_at_their_lines() -> None:
    text = '{\n  "x": {\n' + '    "a": 1,\n' * 300 + '    "a": [1, 1e999]\n  }\n}\n'
    assert _check(text)
    with pytest.raises(ConfigError) as caught:
        load_document(text, "t.json")
    assert len(caught.value.problems) == 100
    assert caught.value.omitted == 300 - 100
    assert str(caught.value.problems[0]) == "t.json:4:5: x.a: duplicate key (first defined at line 3)"
