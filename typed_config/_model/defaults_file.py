"""Writing ``config-defaults.yaml`` (desc/value wrappers, descriptions as comments) and its JSON Schema."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any, Final

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from typed_config._compose.literals import escape_literals
from typed_config._flat.flatten import flatten
from typed_config._fs import atomic_write
from typed_config._keys.dotted import PRESET_KEY
from typed_config._keys.values import field_keys, is_dict, is_list, to_plain
from typed_config._schema.check import WANDB_KEYS, check_schema
from typed_config._schema.derived import computed_from, computed_paths
from typed_config._schema.secrets import holds_secret
from typed_config._schema.types import is_model, members
from typed_config._types import Path
from typed_config._yaml.dump import comment_block, dump_lines, dump_mapping, leaf_line

_REQUIRED_NOTE: Final = "required: this key has no default; set its value"


def dump_defaults(config: BaseModel | type[BaseModel], path: str | os.PathLike[str] | None = None) -> str:
    r"""Write a config, or a schema's defaults, in the ``config-defaults.yaml`` format.

    Every top-level key is written as a ``{desc, value}`` wrapper (``desc`` from the field's
    description), nested fields' descriptions as comments, and every value so that typed_config,
    plain PyYAML (YAML 1.1) and wandb's loader all read it back the same; the one exception is a
    ``${`` in text, written ``\${`` so that typed_config reads it as text, not as a reference.
    Computed fields are written as comments after the values, with the fields they are computed from.

    Args:
        config: a config instance, or a schema class (its defaults; required keys get a note).
        path: when given, the file to write, atomically: a new file gets the mode
            ``open(path, "w")`` would give it, an existing one keeps its mode.

    Returns:
        The YAML text.

    Raises:
        ConfigError: ``path`` is a symbolic link (typed_config does not write through links).
        OSError: the file cannot be written.
    """
    text = render_defaults(config, literal=True)
    if path is not None:
        atomic_write(path, text)
    return text


def render_defaults(
    config: BaseModel | type[BaseModel], descs: Mapping[str, str] | None = None, *, literal: bool = False
) -> str:
    r"""The ``config-defaults.yaml`` text; ``descs`` overrides top-level desc texts (kept from a file).

    With ``literal``, a ``${`` in a value is written escaped (``\${``): ``init`` and ``load`` read the
    file back as the same value instead of a reference.
    """
    header, document, comments = _document(config, descs)
    if literal:
        document = escape_literals(document)
    schema = config if isinstance(config, type) else type(config)
    values = None if isinstance(config, type) else config
    return header + dump_mapping(document, comments) + _computed_note(schema, values)


class Rendering:
    """A config's ``config-defaults.yaml`` text as lines, where a changed scalar is one line rewritten."""

    def __init__(
        self, config: BaseModel, descs: Mapping[str, str] | None = None, *, literal: bool = False
    ) -> None:
        header, document, comments = _document(config, descs)
        self._literal = literal  # as ``render_defaults(literal=...)``: each ``${`` written ``\\${``
        if literal:
            document = escape_literals(document)
        self._leaves: dict[Path, tuple[int, str]] = {}
        self._lines = [header.rstrip("\n"), *dump_lines(document, comments, self._leaves)]
        self._leaves = {
            (path[0], *path[2:]): (i + 1, head)
            for path, (i, head) in self._leaves.items()
            if path[1] == "value"
        }
        self._tail = _computed_note(type(config), config)
        if self._tail or holds_secret(type(config)):
            # Computed values follow every change, a secret's text is its redaction: rendered whole.
            self._leaves = {}

    def text(self) -> str:
        """The whole text, as ``render_defaults`` gives it for the config with every change made."""
        return "\n".join(self._lines) + "\n" + self._tail

    def change(self, flat: Mapping[str, Any]) -> bool:
        """Rewrite the lines of these flat dot-keys; False (nothing changed) unless each was and stays a scalar."""
        found: list[tuple[int, str, Any]] = []
        for key, value in flat.items():
            where = self._leaves.get(tuple(key.split(".")))
            if where is None or not _scalar(value):
                return False
            found.append((*where, value))
        for index, head, value in found:
            self._lines[index] = leaf_line(head, escape_literals(value) if self._literal else value)
        return True


def _scalar(value: object) -> bool:
    return value is None or type(value) in (bool, int, float, str)


def _document(
    config: BaseModel | type[BaseModel], descs: Mapping[str, str] | None
) -> tuple[str, dict[str, Any], dict[Path, str]]:
    """The header line, the document of desc/value wrappers, and the comments above nested keys."""
    schema = config if isinstance(config, type) else type(config)
    check_schema(schema)
    values = None if isinstance(config, type) else config
    document: dict[str, Any] = {}
    comments: dict[Path, str] = {}
    for name, key in field_keys(schema):
        info = schema.model_fields[name]
        entry: dict[str, Any] = {}
        desc = (descs or {}).get(key, info.description)
        if desc:
            entry["desc"] = desc
        if values is not None:
            value = to_plain(values.__dict__[name])
        elif info.is_required():
            entry.setdefault("desc", "required")
            comments[(key,)] = _REQUIRED_NOTE
            document[key] = entry
            continue
        else:
            value = to_plain(info.get_default(call_default_factory=True, validated_data={}))
        entry["value"] = value
        document[key] = entry
        _describe(info.annotation, value, (key, "value"), comments)
    header = f"# config-defaults.yaml for {schema.__name__}, written by typed_config\n"
    return header, document, comments


def _computed_note(schema: type[BaseModel], config: BaseModel | None) -> str:
    """Computed fields as comments after the values: shown for reference, never read back."""
    found = computed_paths(schema)
    if not found:
        return ""
    flat = flatten(config) if config is not None else {}
    lines = ["computed from the values above (not read back):"]
    for dotted, model, key in found:
        value = f" {json.dumps(flat[dotted], ensure_ascii=False)}" if dotted in flat else ""
        lines.append(f"  {dotted}:{value}  (computed{computed_from(model, key)})")
    return "\n" + comment_block("\n".join(lines))


def _describe(annotation: Any, value: Any, path: Path, comments: dict[Path, str]) -> None:
    """Add the descriptions of nested model fields as comments above their keys."""
    models = [m for m in members(annotation) if is_model(m)]
    if len(models) != 1 or not isinstance(value, dict):
        return
    model = models[0]
    for name, key in field_keys(model):
        info: FieldInfo = model.model_fields[name]
        if key not in value:
            continue
        here = (*path, key)
        if info.description:
            comments[here] = info.description
        _describe(info.annotation, value[key], here, comments)


def defaults_json_schema(
    schema: type[BaseModel], presets: Mapping[str, Sequence[str]] | None = None
) -> dict[str, Any]:
    """A JSON Schema for ``config-defaults.yaml`` files of ``schema``, for editors' YAML servers.

    Each top-level key may be a ``{desc, value}`` wrapper or a plain value; wandb's own keys are
    allowed; no key is required (a defaults file need not set everything). Each group's preset
    names (``presets``, by dot-key) are allowed values of its key, at any depth, and of a list's
    items for a list of models, so editors complete them.
    """
    check_schema(schema)
    base = schema.model_json_schema(by_alias=True)
    defs: dict[str, Any] = base.get("$defs", {})
    for group, names in (presets or {}).items():
        if names:
            base = _offered(base, group.split("."), list(names), defs)
    properties: dict[str, Any] = {}
    for key, prop in base.get("properties", {}).items():
        wrapper = {
            "type": "object",
            "properties": {"desc": {"type": "string"}, "value": prop},
            "additionalProperties": False,
            "minProperties": 1,
        }
        entry: dict[str, Any] = {"anyOf": [wrapper, prop]}
        if "description" in prop:
            entry["description"] = prop["description"]
        properties[key] = entry
    for key in sorted(WANDB_KEYS):
        properties[key] = {"description": "written by wandb; ignored"}
    result: dict[str, Any] = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"config-defaults.yaml for {schema.__name__}",
        "type": "object",
        "properties": properties,
        "additionalProperties": False,
    }
    if "$defs" in base:
        result["$defs"] = base["$defs"]
    return result


_DEFS: Final = "#/$defs/"


def _offered(node: Any, parts: Sequence[str], names: list[str], defs: Mapping[str, Any]) -> Any:
    """``node`` with ``names`` allowed as the value at ``parts`` below it (a list's: as its items).

    The nodes on the way are copied (a model's ``$ref`` inlined: the same model elsewhere is left
    as it is); list indexes are not in ``parts``, an array's items are walked through.
    """
    if not is_dict(node):
        return node
    ref = node.get("$ref")
    if parts and isinstance(ref, str) and ref.startswith(_DEFS) and ref[len(_DEFS) :] in defs:
        inlined = {**defs[ref[len(_DEFS) :]], **{k: v for k, v in node.items() if k != "$ref"}}
        return _offered(inlined, parts, names, defs)
    if not parts:
        items = node.get("items")
        if node.get("type") == "array" and is_dict(items):
            return {**node, "items": _named(items, names, defs)}
        return _named(node, names, defs)
    out = dict(node)
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(node.get(key), list):
            out[key] = [_offered(member, parts, names, defs) for member in node[key]]
    if is_dict(node.get("items")):
        out["items"] = _offered(node["items"], parts, names, defs)
    properties = node.get("properties")
    if is_dict(properties) and parts[0] in properties:
        out["properties"] = {**properties, parts[0]: _offered(properties[parts[0]], parts[1:], names, defs)}
    return out


def _named(node: dict[str, Any], names: list[str], defs: Mapping[str, Any]) -> dict[str, Any]:
    """A group's schema taking a preset's name too; a model's takes ``_preset_: NAME`` among its keys.

    For a union of models each member takes ``_preset_`` (a preset may hold any variant): its
    ``oneOf`` becomes an ``anyOf`` (``{_preset_: NAME}`` fits every member) without pydantic's
    ``discriminator`` mapping, whose members are the ``$defs`` that refuse ``_preset_``.
    """
    node = _keyed(node, names, defs)
    members: Any = node.get("oneOf", node.get("anyOf"))
    if "properties" not in node and is_list(members):
        node = {k: v for k, v in node.items() if k not in ("oneOf", "discriminator")}
        node["anyOf"] = [_keyed(member, names, defs) if is_dict(member) else member for member in members]
    return {"anyOf": [node, {"enum": names}]}


def _keyed(node: dict[str, Any], names: list[str], defs: Mapping[str, Any]) -> dict[str, Any]:
    """A model's schema (a ``$ref`` inlined) with ``_preset_: NAME`` among its keys; anything else as it is."""
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith(_DEFS) and is_dict(defs.get(ref[len(_DEFS) :])):
        node = {**defs[ref[len(_DEFS) :]], **{k: v for k, v in node.items() if k != "$ref"}}
    properties = node.get("properties")
    if is_dict(properties) and PRESET_KEY not in properties:
        node = {**node, "properties": {PRESET_KEY: {"enum": names}, **properties}}
    return node
