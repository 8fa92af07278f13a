"""``HyperParams``, the base class for schemas, and ``Field``: validated assignment, dot-key access."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Final, TypeVar

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, TypeAdapter
from typing_extensions import Self

from typed_config._errors import ConfigError, Origin, Problem, checked, code_location, single
from typed_config._flat.fingerprint import fingerprint
from typed_config._flat.flatten import flatten, flatten_fields
from typed_config._keys.dotted import replaced
from typed_config._keys.values import field_keys, is_mapping, to_plain
from typed_config._layers.error_map import map_errors, under
from typed_config._layers.layers import Layer, attempt, validate
from typed_config._model.as_is import from_flat_as_is, scalar_targets, set_scalars
from typed_config._model.assign import assign
from typed_config._model.fast_change import assign as fast_assign
from typed_config._model.fast_change import item_target
from typed_config._model.fast_change import update as fast_update
from typed_config._model.load import source_layer, with_selection_hint
from typed_config._model.state import ConfigState, diff, same_value, unset_only
from typed_config._schema.check import dotted_aliases
from typed_config._schema.derived import computed_message, computed_name, frozen_problems, is_computed
from typed_config._schema.names import attribute_name, computed_problem
from typed_config._schema.secrets import redact_pairs
from typed_config._schema.space import check_spaces
from typed_config._schema.suggest import suggest
from typed_config._schema.tracker_scalars import from_scalars, to_scalars
from typed_config._schema.types import model_holders
from typed_config._sources.mapping import mapping_layer

__all__ = ["Field", "HyperParams"]

_OWN_METHODS: Final = frozenset({"update", "setdefaults", "to_flat", "from_flat", "fingerprint"})


class HyperParams(BaseModel):
    """Base class for hyperparameter schemas: a pydantic model with typed_config's rules.

    Assignment is validated by the same strictness rule as files (lossless widening only) and
    raises ``ConfigError``; ``cfg["optimizer.lr"]`` reads and writes by dot-key; ``to_flat()``
    gives the flat dict trackers expect. Field names that would hide these methods (and pydantic's
    ``model_*`` names) are refused when the class is defined, as are aliases containing a dot.
    """

    # defer_build: a validator is built on first use, not when a class is defined, so importing
    # typed_config (and defining a schema) does not pay for pydantic's schema build and plugin scan.
    # use_attribute_docstrings (a docstring under a field is its description: --help, desc, schema)
    # is switched on below, once this class is made: HyperParams has no fields, and pydantic would
    # otherwise parse this class's whole source at import looking for their docstrings.
    model_config = ConfigDict(extra="forbid", defer_build=True)

    __typed_config_adapters__: ClassVar[dict[str, TypeAdapter[Any]]]
    # A run's bookkeeping, shared by every model in the config's tree, and where this one sits.
    _tc_state: ConfigState | None = PrivateAttr(default=None)
    _tc_prefix: str = PrivateAttr(default="")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        # Runs before pydantic collects the fields, so a bad name never reaches its warnings.
        names = inspect.get_annotations(cls)
        # Only names pydantic or HyperParams really define: `model_architecture` is a field like any.
        reserved = [n for n in names if n in _OWN_METHODS or (n[:1] != "_" and hasattr(HyperParams, n))]
        if reserved:
            raise TypeError(
                f"{cls.__name__}: field name {reserved[0]!r} is reserved: it would hide "
                f"HyperParams.{reserved[0]}; rename the field (an alias can keep the key)"
            )
        super().__init_subclass__(**kwargs)

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        dotted = dotted_aliases(cls)
        if dotted:
            raise TypeError(f"field aliases must not contain '.': {', '.join(dotted)}")
        cls.__typed_config_adapters__ = {}
        check_spaces(cls)  # where a search space is declared (a scan of metadata for the others)
        super().__pydantic_init_subclass__(**kwargs)

    if not TYPE_CHECKING:  # as pydantic does: checkers still see unknown attributes as errors

        def __setattr__(self, name: str, value: Any) -> None:
            if name.startswith("_"):
                super().__setattr__(name, value)
                return
            if fast_assign(self, name, value):
                return  # a plain value of the field's own type: nothing to convert or check
            fields = type(self).model_fields
            if name not in fields:
                origin = Origin(text=f"assignment at {code_location()}")
                computed = computed_problem(type(self), name, origin)
                if computed is not None:
                    raise ConfigError([computed])
                message = "unknown key" + suggest(name, list(fields))
                raise single(message, origin, name)
            assign(self, name, value)

    def _set_validated(self, name: str, converted: Any, key: str, origin: Origin | None) -> None:
        # pydantic's own assignment runs model validators; the value already has its type.
        _, errors = attempt(lambda: self.__pydantic_validator__.validate_assignment(self, name, converted))
        if errors is not None:
            origin = origin or Origin(text=f"assignment at {code_location()}")
            raise map_errors(under(key, name, errors), type(self), {key: to_plain(converted)}, []).at(origin)
        _attach(self.__dict__[name], self._tc_state, f"{self._tc_prefix}{key}.")

    def __eq__(self, other: object) -> bool:
        """Configs are equal when their values are (NaN equals NaN): provenance and state are not compared."""
        if not isinstance(other, BaseModel):
            return NotImplemented
        return type(self) is type(other) and same_value(self.__dict__, other.__dict__)

    __hash__ = None  # type: ignore[assignment]  # mutable, like dict

    def __copy__(self) -> Self:
        """A shallow copy (``model_copy()``) holds values only: changing it changes no run and no other config.

        Its nested models are the original's (pydantic's shallow copy), so changing one of those
        is a change of the original, checked and recorded as such.
        """
        copied = super().__copy__()
        copied._tc_state = None  # noqa: SLF001 - its own class
        return copied

    def __deepcopy__(self, memo: dict[int, Any] | None = None) -> Self:
        """A deep copy; one of a run's config holds values only (a run has one config), a loaded one's follows on its own."""
        state = self._tc_state
        if state is not None and state.RECORDS:
            memo = {} if memo is None else memo
            memo[id(state)] = None  # every copied model's state is None
        return super().__deepcopy__(memo)

    def __getitem__(self, key: str) -> Any:
        """The value at a dot-key: ``cfg["optimizer.lr"]``."""
        owner, last = self._walk(key)
        if isinstance(owner, BaseModel):
            return getattr(owner, computed_name(type(owner), last) or attribute_name(owner, last))
        return owner[last]

    def __setitem__(self, key: str, value: Any) -> None:
        """Set the value at a dot-key, validated: ``cfg["optimizer.lr"] = 0.1``."""
        parts = key.split(".")
        found = item_target(self, key)  # a plain field through models: nothing else to look at
        if found is not None:
            model, name, index = *found, len(parts) - 1
        else:
            model, name, index, value = self._item_owner(key, parts, value)
        try:
            if not fast_assign(model, name, value):
                setattr(model, name, value)
        except ConfigError as exc:
            prefix = ".".join(parts[:index]) + "." if index else ""
            problems = [
                Problem(prefix + p.key if p.key else p.key, p.message, p.origin) for p in exc.problems
            ]
            raise ConfigError(problems) from None

    def _item_owner(self, key: str, parts: list[str], value: Any) -> tuple[BaseModel, str, int, Any]:
        """Where ``cfg[key] = value`` sets a field: the model, the attribute, its depth, the value to set."""
        owner = is_computed(type(self), parts)
        if owner is not None:
            origin = Origin(text=f"assignment at {code_location()}")
            raise single(computed_message(owner, parts[-1]), origin, key)
        model: BaseModel = self
        index = 0
        for index, part in enumerate(parts[:-1]):
            child = getattr(model, attribute_name(model, part, key))
            if not isinstance(child, BaseModel):
                # Inside a dict-valued field: validate the whole field with the one change made.
                value = replaced(child, parts[index + 1 :], value, key)
                break
            model = child
        else:
            index = len(parts) - 1
        return model, attribute_name(model, parts[index], key), index, value

    def __contains__(self, key: object) -> bool:
        """Whether ``key`` is a dot-key of this config: ``"optimizer.lr" in cfg``."""
        if not isinstance(key, str):
            return False
        try:
            self._walk(key)
        except KeyError:
            return False
        return True

    def _walk(self, key: str) -> tuple[Any, str]:  # (the owner of the last part, the last part)
        parts = key.split(".")
        node: Any = self
        for part in parts[:-1]:
            node = self._step(node, part, key)
        last = parts[-1]
        if isinstance(node, BaseModel):
            _ = computed_name(type(node), last) or attribute_name(node, last, key)  # computed keys read too
        elif not (is_mapping(node) and last in node):
            raise KeyError(key)
        return node, last

    @staticmethod
    def _step(node: Any, part: str, key: str) -> Any:
        if isinstance(node, BaseModel):
            return getattr(node, attribute_name(node, part, key))
        if is_mapping(node) and part in node:
            return node[part]
        raise KeyError(key)

    def update(
        self,
        source: object,
        allow_val_change: bool = False,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
    ) -> None:
        """Change several values at once, from any source ``init(config=...)`` takes.

        Every key is checked before any is applied: a failed update changes nothing. After
        ``init``, changing a value that was already set needs ``allow_val_change=True``; values
        from the command line cannot be changed at all.

        Args:
            source: a dict (nested or dot-keys), a model instance, an argparse ``Namespace``, absl
                ``FlagValues``, any object with ``__dict__``, or a path to a config file.
            allow_val_change: allow replacing values that are already set.
            include: take only these top-level names (of a Namespace, flag set, object or dict).
            exclude: leave these top-level names out.

        Raises:
            ConfigError: every problem, each naming its key and where the value came from.
        """
        self._change(source, "update", allow_val_change=allow_val_change, include=include, exclude=exclude)

    def setdefaults(self, source: object) -> None:
        """Set the keys of ``source`` that are not set yet; keys already set keep their values.

        Raises:
            ConfigError: every problem, each naming its key and where the value came from.
        """
        self._change(source, "setdefaults", defaults_only=True)

    def _change(
        self,
        source: object,
        verb: str,
        *,
        allow_val_change: bool = False,
        include: Iterable[str] | None = None,
        exclude: Iterable[str] | None = None,
        defaults_only: bool = False,
    ) -> None:
        short = not defaults_only and include is None and exclude is None
        if short and fast_update(self, source, allow_val_change=allow_val_change):
            return  # dot-keys of plain fields given values of their types: nothing to validate
        cls = type(self)
        where = f" at {code_location()}"
        layer = checked(
            source_layer(cls, source, role=f"{verb}({{...}})", where=where, include=include, exclude=exclude)
        )
        state, prefix = self._tc_state, self._tc_prefix
        if defaults_only and state is not None:
            layer = unset_only(layer, state, prefix)
        targets = scalar_targets(self, layer.data)  # plain scalars: only they are validated
        if targets is not None:
            old = {key: owner.__dict__[name] for owner, name, key, _ in targets}
            new = {key: value for *_, key, value in targets}
            apply = functools.partial(set_scalars, targets)
        else:
            try:
                updated = validate(cls, [Layer("the current value", to_plain(self, reveal=True)), layer])
            except ConfigError as exc:
                raise with_selection_hint(exc, source) from None
            old, new = flatten_fields(self, reveal=True), flatten_fields(updated, reveal=True)
            apply = functools.partial(adopt, self, updated)
        delta = redact_pairs(cls, diff(old, new))
        frozen = frozen_problems(cls, list(delta), prefix, lambda key: layer.origin(tuple(key.split("."))))
        if frozen:
            raise ConfigError(frozen)
        if state is None:
            apply()
            return
        changed = {prefix + k: v for k, v in delta.items()}
        origin_of: Callable[[str], Origin] = lambda key: layer.origin(tuple(key[len(prefix) :].split(".")))  # noqa: E731
        problems = state.check(changed, origin_of, allow_val_change=allow_val_change, deliberate=False)
        if problems:
            raise ConfigError(problems)
        given = {
            prefix + k: v for k, v in new.items() if prefix + k in changed or layer.has(tuple(k.split(".")))
        }
        recorded = {k: v for k, v in given.items() if k in changed or not state.is_set(k)}
        removed = [k for k in changed if k[len(prefix) :] not in new]  # keys a smaller mapping lost
        state.plan("", given, origin_of, removed)
        apply()  # first: recording tells the run, which writes the config
        state.record(verb, recorded, origin_of, removed)

    def _share(self, state: ConfigState | None, prefix: str) -> None:
        private = self.__pydantic_private__
        if private is None:  # pydantic's own assignment makes the dict
            self._tc_state = state
            self._tc_prefix = prefix
        else:  # what pydantic's assignment of a private attribute does, without its dispatch per call
            private["_tc_state"] = state
            private["_tc_prefix"] = prefix
        values = self.__dict__
        for name, key in model_holders(type(self)):  # only the fields whose type lets them hold a model
            value = values[name]
            if isinstance(value, HyperParams):
                value._share(state, f"{prefix}{key}.")  # noqa: SLF001 - its own class

    def _adopt(self, source: BaseModel) -> None:
        for name, key in field_keys(type(self)):
            old, new = self.__dict__[name], source.__dict__[name]
            if isinstance(old, HyperParams) and type(old) is type(new):
                old._adopt(new)  # noqa: SLF001 - the same class
            else:
                object.__setattr__(self, name, new)
                _attach(new, self._tc_state, f"{self._tc_prefix}{key}.")
        self.__pydantic_fields_set__.update(source.__pydantic_fields_set__)

    def to_flat(self, scalars: bool = False) -> dict[str, Any]:
        """The flat dot-key dict with JSON-compatible values, computed fields included, as trackers take it.

        Args:
            scalars: make every value a scalar, for trackers that take nothing else (MLflow
                params, TensorBoard hparams): lists and mappings become JSON text, None the text
                ``None``. ``from_flat(flat, scalars=True)`` reads it back.
        """
        flat = flatten(self)
        return to_scalars(flat) if scalars else flat

    @classmethod
    def from_flat(cls, flat: Mapping[str, Any], scalars: bool = False) -> Self:
        """Validate a flat dot-key dict (such as ``to_flat()`` gives) into a config.

        Args:
            flat: dot-keys to values.
            scalars: the values were written by ``to_flat(scalars=True)`` (or came back from a
                tracker as text): read JSON text and ``None`` back by the schema's types.

        Raises:
            ConfigError: every problem, each naming its key.
        """
        flat = from_scalars(cls, flat) if scalars else flat
        if (found := from_flat_as_is(cls, flat)) is not None:  # else the full path names the problems
            return found
        layer, problems = mapping_layer(flat, "from_flat", lambda key: f"from_flat()[{key!r}]")
        if problems:
            raise ConfigError(problems)
        return validate(cls, [layer], whole=True)

    def fingerprint(self) -> str:
        """The sha256 of this config's canonical flat JSON: equal values, equal fingerprints."""
        return fingerprint(self)


HyperParams.model_config["use_attribute_docstrings"] = True  # for every schema: see model_config

H = TypeVar("H", bound=HyperParams)
"""A schema: any ``HyperParams`` subclass's instances."""


def _attach(value: object, state: ConfigState | None, prefix: str) -> None:
    """Share ``state`` with a nested model tree (lists and dicts of models stay values)."""
    if isinstance(value, HyperParams):
        value._share(state, prefix)  # noqa: SLF001  # pyright: ignore[reportPrivateUsage] - its own bookkeeping


def attach_state(config: HyperParams, state: ConfigState) -> None:
    """Give a config (and every model nested in it) the run's state."""
    _attach(config, state, "")


def adopt(target: HyperParams, source: BaseModel) -> None:
    """Copy validated values into ``target`` in place, keeping nested model objects where they stay.

    Nothing is checked or recorded: the caller has validated ``source`` and keeps the provenance.
    """
    target._adopt(source)  # noqa: SLF001  # pyright: ignore[reportPrivateUsage] - its own bookkeeping
