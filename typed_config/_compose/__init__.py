"""Composition: files that extend files (``_base_``) and ``${...}`` references between keys.

This package sits between the layers (which it builds on) and the sources and entry points
(which call it); its modules never run code from a config.
"""
