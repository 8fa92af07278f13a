"""Text to values by the target field's type, as on a command line, in environment variables and flags.

When every non-None member of the field's type accepts a string (``str``, string ``Literal``s
and enums, paths) the text is taken as it is, so ``--dataset=NO`` is ``"NO"``; otherwise it is
parsed by the YAML 1.2 rules files follow, plus the Python spellings a wandb sweep agent writes
(``None``, ``True``, ``inf``, ``{'lr': 0.01}``). In a text field that may be None, ``None`` is
None and ``'None'`` (quoted) the word.
"""

from __future__ import annotations

import math
from typing import Any, Final

from typed_config._schema.types import child_type, members, takes_single, takes_text
from typed_config._yaml.read import parse_value

_PYTHON_SPELLINGS: Final[dict[str, Any]] = {"None": None, "inf": math.inf, "-inf": -math.inf, "nan": math.nan}
# A text field that may be None: a wandb agent writes None as the text `None`; the word itself is
# written quoted, as in YAML. Other text, quoted or not, is taken as written.
_NONE_TEXTS: Final[dict[str, str | None]] = {"None": None, "'None'": "None", '"None"': "None"}
_NULL_WORDS: Final = frozenset({"None", "null", "Null", "NULL", "~"})


def convert(tp: Any, text: str) -> Any:
    """Convert text to a value for a field of type ``tp``.

    Raises:
        ValueError: the text is not a value.
    """
    if takes_text(tp):
        if type(None) in members(tp) and text in _NONE_TEXTS:
            return _NONE_TEXTS[text]
        return text
    if text in _PYTHON_SPELLINGS:
        return _PYTHON_SPELLINGS[text]
    try:
        return parse_value(text)
    except ValueError:
        if "${" in text:
            return text  # a reference: resolved once every source has merged, then validated by type
        raise


def convert_items(tp: Any, texts: list[str]) -> list[Any]:
    """Convert the tokens of a sequence field, each by its position's type (``tuple[str, int]``).

    Raises:
        ValueError: a token is not a value.
    """
    return [convert(child_type(tp, index), text) for index, text in enumerate(texts)]


def convert_tokens(tp: Any, texts: list[str]) -> Any:
    """Convert the tokens of an option that takes several (``--tags a b``) for a sequence field.

    One token is read as ``--tags=TEXT`` reads it (so ``--key value`` and ``--key=value`` agree)
    when it is a flow list, blanks before it allowed, when the type also takes a single value
    (``--names a`` on ``str | list[str]`` is ``"a"``), or when it is the word None (or YAML's
    null) and the type may be None. Otherwise each token is an item.

    Raises:
        ValueError: a token is not a value.
    """
    if len(texts) == 1 and (takes_single(tp) or _is_flow_list(texts[0]) or _is_null(tp, texts[0])):
        return convert(tp, texts[0])
    return convert_items(tp, texts)


def _is_null(tp: Any, text: str) -> bool:
    # `--tags None` on a list that may be None is None, as `--tags=None` is (and YAML's null and ~).
    return type(None) in members(tp) and text in _NULL_WORDS


def _is_flow_list(text: str) -> bool:
    # YAML skips the blanks before a value: ` [a, b]` is the list too.
    return text.lstrip(" \t").startswith("[")
