"""Composition: presets chosen by name, files that extend files (``_base_``), ``${...}`` references.

``follow`` keeps a config's references followed after init or ``load``: the state
(``_model/state.py``) asks it before a change is made. ``stored`` finds a stored run's references
again in its provenance, for a resume and ``Api`` edits.

This package sits between the layers (which it builds on) and the sources and entry points
(which call it); nothing in it runs code from a config.
"""
