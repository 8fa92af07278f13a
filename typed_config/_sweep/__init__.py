"""wandb sweep files: read, checked against a schema, and grid/random sweeps expanded locally.

Owns: ``file`` (reading, positions), ``spec`` (what a sweep may say), ``draw`` (distributions),
``check`` (every value validates), ``expand`` (configs one at a time). May import: ``_script`` and below.
"""
