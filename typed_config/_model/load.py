"""``load`` and ``loads``: validate config files and overrides against a schema, without a run."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from pydantic import BaseModel

from typed_config._compose.bases import remerged
from typed_config._compose.catalog import DEFAULT_FOLDER, Catalog, PythonPresets
from typed_config._compose.presets import expand
from typed_config._compose.references import interpolate, with_notes
from typed_config._errors import ConfigError, Problem, ProblemList, checked, omitted_in
from typed_config._gc import paused_gc
from typed_config._keys.values import is_mapping
from typed_config._layers.layers import Layer, gather, validate
from typed_config._model.loaded import following
from typed_config._schema.check import check_schema
from typed_config._sources.argv import argv_layer
from typed_config._sources.files import file_layer, text_layer
from typed_config._sources.mapping import mapping_layer
from typed_config._sources.objects import attributes
from typed_config._types import M

Overrides = Sequence[str] | Mapping[str, Any]
"""Command-line style strings (``["--optimizer.lr=0.01"]``) or a mapping of dot-keys to values."""

Presets = str | os.PathLike[str] | PythonPresets | None
"""A folder of ``<dot.key>/<name>.yaml`` presets, presets written in Python by group and name, or None."""


def load(
    schema: type[M],
    *paths: str | os.PathLike[str],
    overrides: Overrides | None = None,
    presets: Presets = DEFAULT_FOLDER,
) -> M:
    """Load config files in order (later wins, key by key), apply overrides, and validate once.

    Args:
        schema: any pydantic model class; typed_config's rules apply whatever its config says.
        *paths: config files in the ``config-defaults.yaml`` format (desc/value wrappers or plain values).
        overrides: command-line style strings, or a mapping of dot-keys to values.
        presets: the presets folder (``presets/`` by default; read when it exists), or presets
            written in Python (``{"optimizer": {"fast": Adam(lr=1e-2)}}``, beside those of
            ``presets/``), or None for none.

    Returns:
        The validated config, an instance of ``schema``.

    Raises:
        ConfigError: every problem in every source, each with its file, line and column or argument.
        TypeError: ``schema`` is not a model class.
    """
    check_schema(schema)
    return _unwound(lambda: _load_files(schema, paths, overrides, presets))


def _load_files(
    schema: type[M], paths: Sequence[str | os.PathLike[str]], overrides: Overrides | None, presets: Presets
) -> M:
    layers: list[Layer] = []
    problems = ProblemList()
    for path in paths:  # every file's problems are reported, not only the first file's
        gather(file_layer(path), layers, problems)
    return _finish(schema, layers, problems, overrides, presets)


def loads(
    schema: type[M],
    text: str | bytes,
    source: str = "<string>",
    *,
    overrides: Overrides | None = None,
    presets: Presets = DEFAULT_FOLDER,
) -> M:
    """Like ``load``, for config text; ``source`` names it in messages.

    Raises:
        ConfigError: every problem, each with ``source``, line and column.
        TypeError: ``schema`` is not a model class.
    """
    check_schema(schema)
    # The text's problems alone, before the overrides are read (``load`` reports both).
    return _unwound(lambda: _finish(schema, [checked(text_layer(text, source))], [], overrides, presets))


def _unwound(call: Callable[[], M]) -> M:
    """``call()`` with the cyclic collector paused, its ``ConfigError`` raised without the frames it passed.

    A file's node tree (kept for positions), its values and pydantic's errors live until the call
    ends and none of them is garbage, yet each collection would walk them all: at 16 MiB, seconds
    each. Reference counting frees them when the call ends, before the collector resumes; for a
    ``ConfigError`` too, whose traceback (and its context's) would otherwise keep those frames, and
    so them, alive.
    """
    with paused_gc():
        try:
            return call()
        except ConfigError as exc:
            chained: BaseException | None = exc
            while chained is not None:  # Python keeps a chain of contexts free of cycles
                chained.__traceback__ = None
                chained = chained.__context__
            raise


def override_layers(
    schema: type[BaseModel], overrides: Overrides | None
) -> tuple[list[Layer], list[Problem]]:
    """The layer for ``overrides`` (none when there are none) and the problems found reading them."""
    if overrides is None:
        return [], []
    if isinstance(overrides, Mapping):
        layer, problems = mapping_layer(overrides, "overrides", lambda key: f"overrides[{key!r}]")
        return [layer], problems
    if isinstance(overrides, str):
        raise TypeError("overrides must be a list of arguments or a mapping, not a single string")
    parsed = argv_layer(schema, list(overrides), name="overrides")
    return [parsed.layer], parsed.problems


def source_layer(
    schema: type[BaseModel],
    source: object,
    *,
    role: str,
    where: str = "",
    include: Iterable[str] | None = None,
    exclude: Iterable[str] | None = None,
) -> tuple[Layer, list[Problem]]:
    """A layer from anything ``init(config=...)`` and ``update`` take.

    A path is a config file; a mapping gives nested values or dot-keys; a model instance its
    explicitly set fields; a ``Namespace`` its attributes that are not None; absl ``FlagValues``
    every flag's value but absl's own; any other object its ``__dict__``.

    Args:
        schema: the model whose keys attribute names fold onto.
        source: the values.
        role: how messages name a dict, e.g. ``config={...}`` gives ``config={...}['lr']``.
        where: added after every origin's text, e.g. `` at train.py:12``.
        include: take only these top-level names.
        exclude: leave these top-level names out.

    Returns the layer and its problems, as every source does.

    Raises:
        TypeError: ``source`` is of no kind above.
    """
    if isinstance(source, (str, os.PathLike)):
        return file_layer(source)  # pyright: ignore[reportUnknownArgumentType]
    if is_mapping(source):
        wanted = None if include is None else set(include)
        unwanted = set(exclude or ())
        chosen = {k: v for k, v in source.items() if (wanted is None or k in wanted) and k not in unwanted}
        return mapping_layer(chosen, role, lambda key: f"{role}[{key!r}]{where}")
    found = attributes(source, schema, include=include, exclude=exclude)
    return mapping_layer(found.values, found.name, lambda key: found.describe(key) + where)


def _finish(
    schema: type[M],
    layers: list[Layer],
    problems: list[Problem],
    overrides: Overrides | None,
    presets: Presets,
) -> M:
    extra, bad_overrides = override_layers(schema, overrides)
    layers += extra
    config = following(resolve(schema, layers, problems, bad_overrides, presets), layers)
    for layer in layers:  # a config that follows references keeps them, for positions rarely asked for
        layer.release()
    return config


def catalog(presets: Presets) -> Catalog | None:
    """The presets to choose from: a folder's files (read when chosen), or those written in Python."""
    if presets is None:
        return None
    if isinstance(presets, Mapping):
        return Catalog(DEFAULT_FOLDER, presets, _preset_file)  # beside the files of presets/
    return Catalog(presets, None, _preset_file)


def _preset_file(path: str) -> Layer:
    """A chosen preset's file: its problems are raised, as those of everything expanding presets.

    Its node tree goes at once: what was read from it is placed by the time anything asks where a
    value is (a problem, ``explain``), when it is composed again from the same text. Validation
    runs faster with fewer objects alive: pydantic allocates a config's worth of them.
    """
    layer = checked(file_layer(path))
    layer.release()
    return layer


def resolve(
    schema: type[M],
    layers: list[Layer],
    unread: list[Problem],
    unparsed: list[Problem],
    presets: Presets = None,
) -> M:
    """Validate the layers, reporting every problem in one ``ConfigError``.

    Args:
        schema: the model.
        layers: the layers that were read, lowest first; the layer of resolved ``${...}``
            references, when there are any, is appended to it.
        unread: problems reading sources; when there are any, nothing is validated (a file that
            could not be read would make its keys look missing).
        unparsed: problems with command-line style arguments, reported after the files'.
        presets: where the presets that sources choose by name are; the layers are expanded in place.
    """
    if unread:
        raise ConfigError(unread + unparsed, omitted_in(unread))
    try:
        layers[:] = [remerged(schema, layer) for layer in layers]
        chosen = catalog(presets)
        if chosen is not None:
            layers[:] = expand(schema, layers, chosen)
        references = interpolate(schema, layers)
        to_validate = layers
        if references is not None:
            layers.append(references)  # resolved values, on top: what explain shows and errors name
            to_validate = [references.resolved()]  # merged once, not again by validate
        config = validate(schema, to_validate)
    except ConfigError as exc:
        # File problems first (by file and position), then those of arguments and code.
        noted = with_notes(exc, layers)
        in_files = [p for p in noted.problems if p.origin.path is not None]
        rest = [p for p in noted.problems if p.origin.path is None]
        raise ConfigError([*in_files, *unparsed, *rest], exc.omitted) from None
    if unparsed:
        raise ConfigError(unparsed)
    return config


def with_selection_hint(error: ConfigError, source: object) -> ConfigError:
    """For attributes of a Namespace, flag set or object, say how to leave the script's own out."""
    if isinstance(source, (Mapping, str, os.PathLike)):
        return error
    hint = "; take only the config's attributes with include=[...] or leave this one out with exclude=[...]"
    return ConfigError(
        Problem(p.key, p.message + hint if p.message == "unknown key" else p.message, p.origin)
        for p in error.problems
    )
