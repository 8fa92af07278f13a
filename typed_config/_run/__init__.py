"""Runs: a config kept in a run folder, its history, resume, ``explain`` and the ``Api`` over stored runs.

Owns: ``run`` (``Run``), ``folder_files`` (the files of a run folder: JSON, config, status, locking),
``ids`` (run ids and folders), ``launcher`` (torchrun/SLURM/launch environment), ``history``
(provenance on disk), ``resume``, ``explain``, ``api``. May import: ``_model`` and below.
"""
