"""YAML, the only place PyYAML is imported: bounded, safe, position-aware reading and block-style writing.

Owns: ``encoding`` (bytes before parsing), ``scalars`` (YAML 1.2 core scalars both ways), ``nodes``
(positions in a node tree), ``read`` (loading documents and values), ``fast`` and ``lines`` (the
fast reader of line-oriented files, and its line grammar), ``flow`` (the fast reader's flow
mappings and JSON objects), ``aliases`` (the alias budget), ``document`` (a loaded document and its
positions), ``dump`` (writing YAML text), ``bounds`` (the same size, depth and digit bounds for
values that arrive from code or JSON).
May import: ``_keys``, ``_errors``, ``_types``.
"""
