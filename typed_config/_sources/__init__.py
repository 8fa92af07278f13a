"""One module per kind of source; siblings never import each other.

The contract every source keeps: it turns its input into one ``Layer`` (built from
``(dot-key, value, origin)`` entries, or read with positions from a file) and returns
``(layer, problems)``. Problems are returned, never raised, so ``init`` and ``load`` report every
problem of every source at once; a source that found problems returns an empty or partial layer,
which the caller leaves out (``_layers.layers.gather``). A caller that stops at the first bad
source raises them with ``_errors.checked``. The readers: ``files.file_layer``/``text_layer``/
``sweep_param_layer``, ``argv.argv_layer`` (whose result also names what was left for the script
and the arguments as they may be shown), ``mapping.mapping_layer``, ``env.env_layer``,
``secret_files.secret_files_layer``; ``dotenv.read_dotenv`` returns the variables ``env_layer``
reads, with its problems, the same way. Only a programmer's mistake (a wrong type) raises.
"""
