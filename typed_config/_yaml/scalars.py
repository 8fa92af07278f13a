"""YAML 1.2 core-schema scalars: typing plain text on the way in, writing safe text on the way out.

On the way in, ``010`` is 10, ``1e-3`` a float, ``NO`` and ``1:30`` strings. On the way out, a
scalar is written so that YAML 1.1 readers (plain PyYAML, wandb) and YAML 1.2 readers agree.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any, Final

_INT_RE: Final = re.compile(r"[-+]?[0-9]+")
_FLOAT_RE: Final = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL: Final[dict[str, Any]] = {
    "~": None, "null": None, "Null": None, "NULL": None, "": None,
    "true": True, "True": True, "TRUE": True, "false": False, "False": False, "FALSE": False,
    ".inf": math.inf, ".Inf": math.inf, ".INF": math.inf,
    "+.inf": math.inf, "+.Inf": math.inf, "+.INF": math.inf,
    "-.inf": -math.inf, "-.Inf": -math.inf, "-.INF": -math.inf,
    ".nan": math.nan, ".NaN": math.nan, ".NAN": math.nan,
}  # fmt: skip
MAYBE_TYPED: Final = frozenset("0123456789+-.~nNtTfF")
MAX_INT_DIGITS: Final = 4_000
"""The longest integer, in digits (CPython refuses to convert longer ones)."""
_INT_BITS: Final = int(MAX_INT_DIGITS * math.log2(10)) + 1  # the bit length of 10**MAX_INT_DIGITS
_SHOWN: Final = 80  # the most characters of a scalar's text a message shows


def resolve_plain(text: str) -> Any:
    """Type a plain scalar by YAML 1.2's core schema (``010`` is 10, ``NO`` and ``1:30`` strings)."""
    if text and text[0] not in MAYBE_TYPED:
        return text
    if text in _SPECIAL:
        return _SPECIAL[text]
    # checked_int and checked_float, written out: this is the loader's hot path.
    if _INT_RE.fullmatch(text):
        digits = len(text.lstrip("+-"))
        if digits > MAX_INT_DIGITS:
            raise ValueError(f"integer with {digits} digits (the limit is {MAX_INT_DIGITS})")
        return int(text)
    if text.startswith("0o") and len(text) > 2 and all(c in "01234567" for c in text[2:]):
        return _based(text, 8)
    if text.startswith("0x") and len(text) > 2 and all(c in "0123456789abcdefABCDEF" for c in text[2:]):
        return _based(text, 16)
    if _FLOAT_RE.fullmatch(text):
        number = float(text)
        if math.isinf(number):  # 1e400: YAML's infinities are spelled .inf
            raise ValueError(f"{cut(text)} is out of the range of a float")
        return number
    return text


def _based(text: str, base: int) -> int:
    # CPython's digit limit does not apply to power-of-two bases, and conversion is linear there;
    # the value must still be written in decimal (JSON, validation), so its decimal digits count.
    number = int(text[2:], base)
    if int_too_big(number):
        raise ValueError(f"integer with more than {MAX_INT_DIGITS} digits (the limit is {MAX_INT_DIGITS})")
    return number


def int_too_big(number: int) -> bool:
    """Whether an integer has more than ``MAX_INT_DIGITS`` decimal digits, found without counting them."""
    bits = number.bit_length()
    if bits != _INT_BITS:
        return bits > _INT_BITS
    return bool(abs(number) >= 10**MAX_INT_DIGITS)  # only at the boundary: no big constant at import time


def cut(text: str) -> str:
    """A scalar's text for a message: at most 80 characters."""
    return text if len(text) <= _SHOWN else text[: _SHOWN - 3] + "..."


def checked_int(text: str) -> int:
    """An integer written in decimal digits, refused past ``MAX_INT_DIGITS`` (files of every format).

    Raises:
        ValueError: too many digits.
    """
    digits = len(text.lstrip("+-"))
    if digits > MAX_INT_DIGITS:
        raise ValueError(f"integer with {digits} digits (the limit is {MAX_INT_DIGITS})")
    return int(text)


def int_problem(number: int) -> str | None:
    """What is wrong with an integer another parser made (TOML's), as ``checked_int`` says it, or None."""
    if number.bit_length() <= 13_000:  # at most 3,914 digits: no need to count them
        return None
    try:
        digits = len(str(abs(number)))
    except ValueError:  # past CPython's own limit on converting integers to text
        digits = int(number.bit_length() * math.log10(2)) + 1
    return (
        None if digits <= MAX_INT_DIGITS else f"integer with {digits} digits (the limit is {MAX_INT_DIGITS})"
    )


def checked_float(text: str) -> float:
    """A float written as text, refused when it is out of range (``1e400``); ``inf`` spelled out stays.

    Raises:
        ValueError: the number does not fit a float.
    """
    number = float(text)
    if math.isinf(number) and "inf" not in text.lower():
        raise ValueError(f"{text} is out of the range of a float")
    return number


_PLAIN_SAFE: Final = re.compile(r"[A-Za-z_/][A-Za-z0-9_./-]*(?: [A-Za-z0-9_./-]+)*")
# Words that YAML 1.1 (plain PyYAML, wandb's loader) reads as booleans or null.
_YAML11_WORDS: Final = frozenset({"y", "n", "yes", "no", "on", "off", "true", "false", "null", "none", "~"})
NON_PRINTABLE: Final = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff]")


def dump_scalar(value: object) -> str:
    """YAML text for a scalar that YAML 1.1 and YAML 1.2 readers both read back as ``value``."""
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value)
        mantissa, e, exponent = text.partition("e")
        # YAML 1.1 reads a float only with a dot and a signed exponent: 1e-05 would be a string.
        return f"{mantissa}.0e{exponent}" if e and "." not in mantissa else text
    if isinstance(value, str):
        return dump_str(value)
    raise TypeError(f"cannot write {type(value).__name__} as a YAML scalar")


def dump_str(text: str) -> str:
    if _PLAIN_SAFE.fullmatch(text) and text.lower() not in _YAML11_WORDS:
        return text
    quoted = json.dumps(text, ensure_ascii=False)
    return NON_PRINTABLE.sub(lambda m: f"\\u{ord(m.group()):04x}", quoted)


def explicit_scalar(kind: str, value: str) -> Any:
    """The value of a scalar with an explicit core tag (``!!int``, ``!!float``, ``!!bool``, ``!!null``).

    Raises:
        ValueError: the text is not of that kind.
    """
    resolved = resolve_plain(value)
    expected: dict[str, Callable[[Any], bool]] = {
        "int": lambda v: type(v) is int,
        "float": lambda v: type(v) in (int, float),
        "bool": lambda v: type(v) is bool,
        "null": lambda v: v is None,
    }
    if not expected[kind](resolved):
        raise ValueError(f"{cut(value)!r} is not a valid !!{kind}")
    return float(resolved) if kind == "float" else resolved


def dot_key_problem(key: str) -> str | None:
    """What is wrong with a dot-key (an empty segment), or None."""
    return f"key {key!r} has an empty segment" if "" in key.split(".") else None
