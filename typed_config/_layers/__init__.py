"""Layers and validation: values with their origins, merged in order, validated once, errors mapped back.

Owns: ``layers`` (``Layer``, merge, provenance, the one ``validate``), ``error_map`` (pydantic errors to
located problems), ``error_paths`` (where a pydantic error points), ``trim`` (what pydantic need not
see past the first problems, counted instead). May import: ``_schema``, ``_yaml``,
``_keys`` and below; never ``_flat``.
"""
