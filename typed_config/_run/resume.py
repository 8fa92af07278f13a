"""Resuming a stored run: its config as the base layer, its redacted secrets given again by the sources.

A run folder keeps a secret only as its redaction marker, which is never a value: the marker is
dropped on resume. A secret that a source set in the first run must be given again (by the
command line, the environment, a config file, ``config=`` or ``config-defaults.yaml``); one that
held the schema's default falls back to it.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from typed_config._compose.follow import related
from typed_config._compose.literals import LiteralLayer
from typed_config._compose.stored import stored_references
from typed_config._errors import ConfigError, Origin, Problem, at_path, show
from typed_config._flat.flatten import flatten_fields
from typed_config._keys.dotted import unflatten
from typed_config._keys.values import MISSING, is_dict, lookup, to_plain
from typed_config._layers.layers import KeyedLayer, Layer, validate
from typed_config._model.model import H, HyperParams
from typed_config._model.state import diff
from typed_config._run.folder import RunFolder, latest_run
from typed_config._run.ids import check_name
from typed_config._schema.secrets import forget_markers


class Stored(NamedTuple):
    """A stored run being resumed."""

    run_id: str
    layer: Layer  # its config.yaml as written (a literal ``${`` escaped), with positions, redacted secrets dropped
    descs: dict[str, str]  # its config.yaml's top-level desc texts, which the resumed run keeps
    meta: dict[str, Any]
    history: dict[str, list[Any]]  # its provenance.json
    redacted: list[str]  # the dot-keys of the values dropped because they hold a redacted secret

    def explicit_keys(self) -> set[str]:
        """The keys its sources set (a chain longer than the schema default alone)."""
        return {key for key, chain in self.history.items() if len(chain) > 1}

    def needed(self) -> list[str]:
        """The redacted keys a source set in the stored run: a resume must be given them again."""
        # Without a record of where a key came from, it is taken as set: a secret is not guessed.
        # A secret that follows a reference (``${token}``) takes it again from what it names.
        follows = stored_references(self.history)
        return [
            k
            for k in self.redacted
            if not _default_only(self.history.get(k)) and not any(related(k, f) for f in follows)
        ]


def _default_only(chain: list[Any] | None) -> bool:
    return chain is not None and all(is_dict(e) and e.get("source") == "default" for e in chain)


def resumed(
    schema: type[HyperParams], project_dir: Path | None, resume: str | bool | None, job_id: str | None
) -> Stored | None:
    """The stored run to continue, if ``resume`` asks for one."""
    if resume is None or resume is False:
        return None
    if project_dir is None:
        raise TypeError("resume needs a run folder: pass dir= (not None)")
    if resume is True:
        run_id = latest_run(project_dir) or job_id
    else:
        run_id = check_name(str(resume), Origin(text=f"resume={show(resume)}"))
    folder = RunFolder(project_dir / run_id) if run_id is not None else None
    if folder is None or not folder.holds_run():
        wanted = "no stored run" if resume is True else f"no stored run {show(resume)}"
        raise at_path(project_dir, f"{wanted} to resume")
    layer, descs = folder.read_config(as_written=True)  # read through interpolation, as every source
    redacted = forget_markers(schema, layer.data)
    return Stored(folder.id, layer, descs, folder.read_meta(), folder.read_provenance(), redacted)


def secrets_only(layer: Layer, keys: Sequence[str]) -> Layer:
    """The part of a layer (``config-defaults.yaml``) that gives these keys, with their origins."""
    flat: dict[str, Any] = {}
    origins: dict[str, Origin] = {}
    for key in keys:
        path = tuple(key.split("."))
        for end in range(len(path), 0, -1):  # the key, or a mapping that holds it
            value = lookup(layer.data, path[:end])
            if value is not MISSING:
                flat[".".join(path[:end])] = value
                origins[".".join(path[:end])] = layer.origin(path[:end])
                break
    return KeyedLayer(layer.name, unflatten(flat), origins, layer.origin(()))


def missing_secrets(stored: Stored, layers: Sequence[Layer]) -> list[Problem]:
    """A problem for each redacted secret a source set in the stored run that no source gives now."""
    problems: list[Problem] = []
    for key in stored.needed():
        path = tuple(key.split("."))
        if any(layer.has(path[:end]) for layer in layers for end in range(len(path), 0, -1)):
            continue
        message = (
            "is a secret the stored run keeps only redacted; give it again to resume "
            "(command line, environment, config file or config=)"
        )
        problems.append(Problem(key, message, stored.layer.origin(path, at_key=True)))
    return problems


def as_stored(schema: type[H], stored: Stored, validated: H) -> H:
    """The stored config, its dropped secrets taken from the resumed config (they are not known)."""
    fill = {key: to_plain(validated[key], reveal=True) for key in stored.redacted if key in validated}
    # The stored layer is as written, for interpolation: validated alone, its literal marks are text.
    return validate(schema, [LiteralLayer(stored.layer), Layer("resumed secrets", unflatten(fill))])


def check_resumed(schema: type[H], stored: Stored, layers: list[Layer], validated: H) -> None:
    """On resume, a source that gives a different value than the stored one is an error."""
    before = flatten_fields(as_stored(schema, stored, validated))
    after = flatten_fields(validated)
    changed = diff(before, after)
    problems: list[Problem] = []
    for key in [k for k in {**before, **after} if k in changed]:  # in the schema's order
        old, new = changed[key]
        source = next((layer for layer in reversed(layers[1:]) if layer.has(tuple(key.split(".")))), None)
        origin = source.origin(tuple(key.split("."))) if source is not None else Origin(text="resume")
        problems.append(
            Problem(
                key,
                f"the resumed run has {show(old)}; changing it to {show(new)} needs allow_val_change=True",
                origin,
            )
        )
    if problems:
        raise ConfigError(problems)
