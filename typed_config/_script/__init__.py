"""What a training script calls: ``init`` and ``call``, and the command line they give the script.

Owns: ``init`` (every source in order, validated once, into a run), ``call`` (a function's signature as
a command line), ``commands`` (subcommands), ``usage`` (``--help`` and ``--print-config``), ``settings``
(secret files, ``.env``, environment), ``argparse_flags`` (a schema's keys on an argparse parser).
May import: ``_run`` and below.
"""
