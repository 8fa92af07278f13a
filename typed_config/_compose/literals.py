r"""Literal ``${`` in written files: escaped as ``\${`` on the way out, read back as ``${`` by readers that do not interpolate."""

from __future__ import annotations

from typing import Any

from typed_config._errors import Origin
from typed_config._keys.values import is_dict, is_list
from typed_config._layers.layers import Layer
from typed_config._types import Path


def escape_literals(value: Any) -> Any:
    r"""Values as config-file text: each ``${`` written ``\${``, so reading it back gives the value, not a reference."""
    return _replaced(value, "${", "\\${")


def unescape_literals(value: Any) -> Any:
    r"""The inverse of ``escape_literals``, for readers of a written file that do not interpolate: ``\${`` is ``${``."""
    return _replaced(value, "\\${", "${")


def _replaced(value: Any, old: str, new: str) -> Any:
    """``value`` with ``old`` replaced by ``new`` in every string value it holds (keys are left as they are)."""
    if isinstance(value, str):
        return value.replace(old, new)
    if is_dict(value):
        return {k: _replaced(v, old, new) for k, v in value.items()}
    if is_list(value):
        return [_replaced(v, old, new) for v in value]
    return value


class LiteralLayer(Layer):
    r"""A written file's layer with its values as a config holds them (``\${`` read as ``${``), origins its own."""

    __slots__ = ("inner",)

    def __init__(self, inner: Layer) -> None:
        super().__init__(inner.name, unescape_literals(inner.data))
        self.inner = inner

    def origin(self, path: Path, *, at_key: bool = False) -> Origin:
        return self.inner.origin(path, at_key=at_key)
