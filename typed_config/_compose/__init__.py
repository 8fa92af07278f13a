"""Composition: presets chosen by name, files that extend files (``_base_``), ``${...}`` references.

``follow`` keeps a run's references followed after init: the state (``_model/state.py``) asks it
before a change is made, and the run folder's provenance remembers the references across resume.

This package sits between the layers (which it builds on) and the sources and entry points
(which call it); nothing in it runs code from a config.
"""
