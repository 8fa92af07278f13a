"""``python -m typed_config``: the typed-config command."""

from typed_config._cli.main import main_exit

main_exit()
