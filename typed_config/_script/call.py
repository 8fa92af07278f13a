"""``call``: a command line from a function's signature, read by ``init`` and passed to the function."""

from __future__ import annotations

import contextlib
import inspect
import re
import typing
from collections.abc import Callable, Sequence
from typing import Any, Final, ParamSpec

from pydantic import create_model

from typed_config._model.model import HyperParams
from typed_config._script.init import init
from typed_config._types import R

P = ParamSpec("P")

_SECTION: Final = re.compile(r"^(\s*)(Args|Arguments|Parameters):\s*$")
_ENTRY: Final = re.compile(r"^(\s*)(\*{0,2}\w+)\s*(?:\([^)]*\))?\s*:\s*(.*)$")


def call(fn: Callable[P, R], argv: Sequence[str] | None = None, **init_options: Any) -> R:
    """Build a schema from ``fn``'s parameters, read every source ``init`` reads, and call ``fn``.

    Each parameter is a key: its annotation the type (``Annotated[int, tc.Field(...)]`` too), its
    default the default (none: required), its description the docstring's ``Args:`` entry.

    Args:
        fn: the function to call; its parameters must be named (no ``*args`` or ``**kwargs``).
        argv: the command line, as for ``init``; ``sys.argv[1:]`` when None.
        **init_options: passed on to ``init`` (``dir``, ``defaults``, ``env_prefix``, ...).

    Returns:
        What ``fn`` returns.

    Raises:
        ConfigError: every problem in every source, as ``init`` reports them.
        TypeError: ``fn`` takes ``*args`` or ``**kwargs``, or a parameter has no annotation.
    """
    schema = schema_of_function(fn)
    with init(schema, argv=argv, **init_options) as run:
        values = {name: getattr(run.config, name) for name in type(run.config).model_fields}
        positional = [
            values.pop(p.name)
            for p in inspect.signature(fn).parameters.values()
            if p.kind is inspect.Parameter.POSITIONAL_ONLY
        ]
        return fn(*positional, **values)  # pyright: ignore[reportCallIssue]


def schema_of_function(fn: Callable[..., Any]) -> type[HyperParams]:
    """A ``HyperParams`` class with one field per parameter of ``fn`` (remembered per function)."""
    cached: type[HyperParams] | None = getattr(fn, "__typed_config_schema__", None)
    if cached is not None:
        return cached
    name = getattr(fn, "__name__", type(fn).__name__)
    hints = typing.get_type_hints(fn, include_extras=True)
    described = _arg_descriptions(inspect.getdoc(fn) or "")
    fields: dict[str, Any] = {}
    for parameter in inspect.signature(fn).parameters.values():
        if parameter.kind in (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD):
            star = "*" if parameter.kind is inspect.Parameter.VAR_POSITIONAL else "**"
            raise TypeError(
                f"call cannot fill {name}'s {star}{parameter.name}: give each value a named parameter"
            )
        if parameter.name not in hints:
            raise TypeError(f"call needs a type annotation on {name}'s parameter {parameter.name!r}")
        annotation = hints[parameter.name]
        default = ... if parameter.default is inspect.Parameter.empty else parameter.default
        description = described.get(parameter.name)
        if description is not None and not _has_description(annotation):
            annotation = typing.Annotated[annotation, _described(description)]
        fields[parameter.name] = (annotation, default)
    schema: type[HyperParams] = create_model(
        f"{_camel(name)}Params",
        __base__=HyperParams,
        __doc__=(inspect.getdoc(fn) or "").split("\n\n", 1)[0] or None,
        **fields,
    )
    with contextlib.suppress(AttributeError, TypeError):  # a builtin or bound method: built each time
        setattr(fn, "__typed_config_schema__", schema)  # noqa: B010 - no such attribute for the checkers
    return schema


def _has_description(annotation: Any) -> bool:
    """Whether ``Annotated[..., Field(description=...)]`` already describes it (that one wins)."""
    return any(getattr(item, "description", None) for item in getattr(annotation, "__metadata__", ()))


def _described(text: str) -> Any:
    from pydantic import Field  # pydantic's own, not tc.Field: a description only

    return Field(description=text)


def _camel(name: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in name.split("_")) or "Function"


def _arg_descriptions(doc: str) -> dict[str, str]:
    """The ``Args:`` section of a Google-style docstring: parameter name -> its text (lines joined)."""
    lines = doc.splitlines()
    start = next((i for i, line in enumerate(lines) if _SECTION.match(line)), None)
    if start is None:
        return {}
    section_indent = len(lines[start]) - len(lines[start].lstrip())
    found: dict[str, str] = {}
    entry_indent: int | None = None
    current = ""
    for line in lines[start + 1 :]:
        if not line.strip():
            continue
        indent = len(line) - len(line.lstrip())
        if indent <= section_indent:
            break  # the next section
        entry = _ENTRY.match(line) if entry_indent in (None, indent) else None
        if entry is not None:
            entry_indent, current = indent, entry.group(2).lstrip("*")
            found[current] = entry.group(3).strip()
        elif current:
            found[current] = f"{found[current]} {line.strip()}".strip()
    return found
