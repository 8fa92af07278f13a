"""What a schema says: its types, names, unions, derived and secret fields, search spaces, text typed by field.

Owns, one job each: ``types`` (reading annotations: union members, the type down a path, text-taking
types), ``names`` (dotted names to paths, types and attributes), ``text`` (text to a value by the
target field's type), ``tracker_scalars`` (flat values as trackers' scalars, and back), ``unions``
(unions of models, discriminated or tagged by a literal key: where merging switches them, a
member by its tag), ``dict_defaults`` (defaults of mapping fields as the lowest layer),
``check`` (whether a class can be a schema), ``suggest`` (did-you-mean), ``derived``
(frozen and computed fields), ``secrets`` (the one redaction rule), ``widening`` (ints a float field
would change), ``bulk`` (where a value's type alone decides validation), ``space`` (search
distributions on fields), ``ref`` (``module:Class`` schema references). May import: ``_yaml``,
``_keys`` and below.
"""
