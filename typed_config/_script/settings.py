"""The deployment sources of ``init``: secret files, then a ``.env`` file and environment variables.

Secret files sit below the variables; a variable set in the real environment beats the same
name in the ``.env`` file. A variable or ``.env`` line with the prefix that names no key is an
error with ``env_strict=True`` and otherwise a warning: environments collect stray variables
that a run should not die of.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Mapping
from typing import Final

from pydantic import BaseModel

from typed_config._errors import Origin, Problem, ProblemList
from typed_config._layers.layers import Layer, gather
from typed_config._sources.dotenv import read_dotenv
from typed_config._sources.env import env_layer
from typed_config._sources.secret_files import secret_files_layer

STRICT_HINT: Final = "ignored; env_strict=True makes it an error"


def settings_layers(
    schema: type[BaseModel],
    *,
    env_prefix: str | None,
    env_file: str | os.PathLike[str] | None,
    env_strict: bool,
    secrets_dir: str | os.PathLike[str] | None,
    environ: Mapping[str, str],
) -> tuple[list[Layer], list[Problem]]:
    """The layers these sources give, lowest first, and the problems that kept any from being read."""
    layers: list[Layer] = []
    problems = ProblemList()
    if secrets_dir is not None:
        _secret_files(schema, secrets_dir, layers, problems)
    if env_prefix:
        variables = dict(environ)
        origins: dict[str, Origin] = {}
        name_origins: dict[str, Origin] = {}
        if env_file is not None and os.path.exists(env_file):
            read, unread = read_dotenv(env_file, environ)
            if unread:
                problems.extend(unread)
                return layers, problems
            for name, variable in read.items():
                if name not in environ:  # the real environment wins, as in python-dotenv
                    variables[name] = variable.value
                    origins[name] = variable.origin
                    name_origins[name] = variable.name_origin
        strays: list[Problem] = []
        layer, found = env_layer(
            schema,
            variables,
            env_prefix,
            origins=origins,
            name_origins=name_origins,
            strays=None if env_strict else strays,
        )
        for stray in strays:
            warnings.warn(f"{stray} ({STRICT_HINT})", UserWarning, stacklevel=3)
        gather((layer, found), layers, problems)
    return layers, problems


def _secret_files(
    schema: type[BaseModel], folder: str | os.PathLike[str], layers: list[Layer], problems: list[Problem]
) -> None:
    if not os.path.isdir(folder):
        message = f"secrets_dir={os.fspath(folder)!r} is not a folder; no secret files were read"
        warnings.warn(message, UserWarning, stacklevel=4)
        return
    gather(secret_files_layer(schema, folder), layers, problems)


def check_settings_arguments(env_prefix: str | None, env_file: object, env_strict: bool) -> None:
    """``env_file=`` and ``env_strict=`` need a prefix: it is what makes a name a key's."""
    if (env_file is not None or env_strict) and not env_prefix:
        raise TypeError(
            "env_file= and env_strict= need env_prefix= (the prefix that marks a variable as a key's)"
        )
