"""Composition: presets chosen by name, files that extend files (``_base_``), ``${...}`` references.

This package sits between the layers (which it builds on) and the sources and entry points
(which call it); nothing in it runs code from a config.
"""
