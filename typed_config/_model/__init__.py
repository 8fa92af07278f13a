"""The typed config: ``HyperParams``, its state, fast assignment, ``load``/``loads``, and the defaults file.

Owns: ``model`` (the base class), ``state`` (set and locked keys, the layers that set them),
``as_is`` (assignment's validators, values that need none), ``assign`` (assignment's full path),
``fast_change`` (the short paths of assignment and ``update`` for plain values), ``load`` (files
and overrides validated without a run), ``loaded`` (the state of a loaded config whose keys
follow references), ``defaults_file`` (``config-defaults.yaml`` and its JSON
Schema written). May import: ``_compose``, ``_sources``,
``_layers``, ``_flat`` and below. Writes no run folder.
"""
