"""Runs: a config kept in a run folder, its history, resume, ``explain`` and the ``Api`` over stored runs.

Owns: ``run`` (``Run``), ``folder`` (``RunFolder``, the one reader and writer of a run folder's
files: config, meta, provenance, status, locking), ``ids`` (run ids), ``launcher`` (torchrun/SLURM/
launch environment), ``history`` (the provenance format on disk, used by ``RunFolder``), ``resume``,
``explain``, ``api``. May import: ``_model`` and below.
"""
