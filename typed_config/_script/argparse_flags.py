"""``add_arguments``: a schema's keys as options of an existing argparse parser."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Final

from pydantic import BaseModel

from typed_config._keys.values import field_keys
from typed_config._schema.check import check_schema
from typed_config._schema.text import convert, convert_tokens
from typed_config._schema.types import is_bool, is_model, is_sequence, members

if TYPE_CHECKING:
    import argparse


def add_arguments(parser: argparse.ArgumentParser, schema: type[BaseModel]) -> None:
    """Add one option per key of ``schema`` to ``parser``, with help from the descriptions.

    Options are spelled ``--optimizer.lr`` and ``--batch-size`` (``--batch_size`` works too); text
    is converted by the field's type as on typed_config's own command line; an option not given
    stays None, so ``cfg.update(parser.parse_args())`` takes only what was given. ``--configs FILE
    [FILE ...]`` is added too (unless the schema or the parser has it): ``init(config=args)``
    reads those files just below the ``Namespace``'s own values, as a command line would.

    Args:
        parser: the script's parser; its other options are left alone (select with
            ``update(args, include=...)`` or ``exclude=...``).
        schema: the model whose keys become options.
    """
    check_schema(schema)
    group = parser.add_argument_group(schema.__name__)
    if CONFIGS not in schema.model_fields and "--configs" not in parser._option_string_actions:  # noqa: SLF001 - argparse has no public way to ask
        group.add_argument(
            "--configs",
            dest=CONFIGS,
            nargs="+",
            metavar="FILE",
            default=None,
            help="config files to load, in order (later files win)",
        )
    _add(parser, schema, "", group)


CONFIGS: Final = "configs"
"""The ``Namespace`` attribute ``add_arguments``' ``--configs`` fills."""


def split_configs(config: object, schema: type[BaseModel]) -> tuple[object, list[str]]:
    """A ``Namespace`` from ``add_arguments``: the object without its ``--configs`` files, and the files."""
    files = getattr(config, CONFIGS, None)
    if CONFIGS in schema.model_fields or type(config).__name__ != "Namespace" or not isinstance(files, list):
        return config, []
    rest = copy.copy(config)
    delattr(rest, CONFIGS)
    return rest, [str(f) for f in files]  # pyright: ignore[reportUnknownArgumentType, reportUnknownVariableType]


def _boolean_action() -> type[argparse.Action]:
    import argparse  # the caller has it already; typed_config's import stays without it

    return argparse.BooleanOptionalAction


def _add(parser: argparse.ArgumentParser, model: type[BaseModel], prefix: str, group: Any) -> None:
    for name, key in field_keys(model):
        info = model.model_fields[name]
        dotted = prefix + key
        models = [m for m in members(info.annotation) if is_model(m)]
        if models and models == members(info.annotation) and len(models) == 1:
            _add(
                parser, models[0], dotted + ".", parser.add_argument_group(f"{dotted} ({models[0].__name__})")
            )
            continue
        spellings = list(dict.fromkeys(["--" + dotted.replace("_", "-"), "--" + dotted]))
        default = (
            "required"
            if info.is_required()
            else f"default: {info.get_default(call_default_factory=True, validated_data={})!r}"
        )
        help_text = f"{info.description or ''} ({default})".strip().replace("%", "%%")
        if is_bool(info.annotation):
            group.add_argument(
                *spellings, dest=dotted, action=_boolean_action(), default=None, help=help_text
            )
        elif is_sequence(info.annotation):
            group.add_argument(
                *spellings,
                dest=dotted,
                nargs="+",
                action=_items_action(info.annotation),
                default=None,
                help=help_text,
            )
        else:
            group.add_argument(
                *spellings, dest=dotted, type=_converter(info.annotation), default=None, help=help_text
            )


def _items_action(tp: Any) -> type[argparse.Action]:
    """An action converting the tokens as typed_config's command line does (``convert_tokens``).

    Each token by its position's type (``--pair b 2`` for ``tuple[str, int]``); one token that is a
    flow list, or on a type that also takes one value (``str | list[str]``), as one value.
    """
    import argparse

    class Items(argparse.Action):
        def __call__(
            self,
            parser: argparse.ArgumentParser,  # noqa: ARG002 - argparse's signature
            namespace: argparse.Namespace,
            values: Any,
            option_string: str | None = None,  # noqa: ARG002
        ) -> None:
            try:
                setattr(namespace, self.dest, convert_tokens(tp, list(values)))
            except ValueError as exc:
                raise argparse.ArgumentError(self, str(exc)) from None

    return Items


def _converter(tp: Any) -> Callable[[str], Any]:
    def converted(text: str) -> Any:
        try:
            return convert(tp, text)
        except ValueError as exc:
            import argparse

            raise argparse.ArgumentTypeError(str(exc)) from None

    converted.__name__ = "value"  # argparse names the converter in its error messages
    return converted
