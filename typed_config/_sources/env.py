"""Environment variables to a layer: ``TRAIN_EPOCHS=3``, ``TRAIN_OPTIMIZER__LR=0.01`` (``__`` nests)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from typed_config._errors import Origin, Problem
from typed_config._layers.layers import KeyedLayer, keyed_layer
from typed_config._schema.names import computed_problem, leaf_names, resolve_key
from typed_config._schema.secrets import holds_secret
from typed_config._schema.suggest import closest
from typed_config._schema.text import convert


def env_layer(
    schema: type[BaseModel],
    environ: Mapping[str, str],
    prefix: str,
    *,
    origins: Mapping[str, Origin] | None = None,
    name_origins: Mapping[str, Origin] | None = None,
    strays: list[Problem] | None = None,
) -> tuple[KeyedLayer, list[Problem]]:
    """Read every variable that starts with ``prefix``; text is converted as on the command line.

    A variable that names no key is a problem (with a suggestion), like an unknown option; when
    ``strays`` is given, such problems go there instead (the caller warns about them).
    ``origins`` gives where a variable's value was read when it is not ``$NAME`` (a ``.env``
    line), ``name_origins`` where its name was (for a stray one).
    """
    entries: list[tuple[str, Any, Origin]] = []
    problems: list[Problem] = []
    names = leaf_names(schema)
    for variable in sorted(environ):
        if not variable.startswith(prefix) or variable == prefix:
            continue
        origin = (origins or {}).get(variable) or Origin(text=f"${variable}")
        dotted = variable[len(prefix) :].lower().replace("__", ".")
        target = resolve_key(schema, dotted)
        if target is None:
            origin = (name_origins or {}).get(variable) or origin
            computed = computed_problem(schema, dotted, origin)
            if computed is not None:
                problems.append(computed)
                continue
            match = closest(dotted, names)
            hint = f"; did you mean {prefix}{match.upper().replace('.', '__')}?" if match else ""
            what = "environment variable" if origin.path is None else variable
            (problems if strays is None else strays).append(
                Problem(None, f"{what} names no key{hint}", origin)
            )
            continue
        path, tp = target
        key = ".".join(str(p) for p in path)
        try:
            entries.append((key, convert(tp, environ[variable]), origin))
        except ValueError as exc:
            # A reader's message may quote a piece of the text (an alias's name, a tag).
            reason = " (not shown: it holds a secret)" if holds_secret(tp) else f": {exc}"
            problems.append(Problem(key, f"cannot read the value{reason}", origin))
    layer, more = keyed_layer("environment", entries, Origin(text="environment"))
    return layer, problems + more
