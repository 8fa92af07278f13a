"""Dot-keys, the bottom layer: what a key may be, plain values, paths, and patches of flat keys.

Owns: ``dotted`` (key rules, a model's keys, ``unflatten``), ``values`` (the shapes of nested data and
``to_plain``), ``patch`` (edits as flat dot-key patches). May import: ``_errors``, ``_types`` only.
"""
