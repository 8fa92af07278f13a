"""Flat dot-key views of configs: ``flatten`` (the walk), its ``plans``, ``leaves``, ``tables``, ``fingerprint``.

May import: ``_schema``, ``_keys`` and below; never ``_layers`` (the two are independent).
"""
