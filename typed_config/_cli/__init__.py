"""The ``typed-config`` command: one module per command group; nothing below imports it.

Owns: ``main`` (the parser and dispatch), ``common`` (exit codes, output), ``runs``, ``sweep`` and
``sweep_init``, ``launch``, ``completion`` and ``shells`` (completion scripts), ``codegen`` with
``codegen_layout`` and ``codegen_guesses``. May import every other layer.
"""
