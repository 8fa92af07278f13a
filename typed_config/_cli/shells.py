"""Static shell completion scripts (bash, zsh, fish) from what a command line accepts; nothing runs at TAB time.

A ``Spec`` lists, per command (``""`` for a program without commands), its options, the values
an option takes (``Literal``, enums, booleans) and the options that take files. Scripts quote
every word they hold, so no name or value in a schema can inject shell code.
"""

from __future__ import annotations

import enum
import re
import shlex
import typing
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from pydantic import BaseModel

from typed_config._keys.values import field_keys, to_plain
from typed_config._schema.types import is_bool, is_model, members, strip

SHELLS: Final = ("bash", "zsh", "fish")


@dataclass
class CommandSpec:
    """One command's options: their values, and which take files."""

    options: list[str] = field(default_factory=list[str])
    values: dict[str, list[str]] = field(default_factory=dict[str, list[str]])
    files: set[str] = field(default_factory=set[str])
    free: set[str] = field(default_factory=set[str])
    """Options that take a value nothing can complete (a number, a name)."""

    def add(
        self, option: str, values: list[str] | None = None, *, files: bool = False, free: bool = False
    ) -> None:
        """Add an option once, with the values it takes, whether it takes files, or a free value."""
        if option not in self.options:
            self.options.append(option)
        if free and not values and not files:
            self.free.add(option)
        if values:
            self.values[option] = list(dict.fromkeys([*self.values.get(option, []), *values]))
        if files:
            self.files.add(option)


Spec = dict[str, CommandSpec]
"""Command name -> its options; the one key ``""`` for a program without commands."""


def run_options() -> CommandSpec:
    """The options every training script's command line has besides its keys."""
    spec = CommandSpec()
    spec.add("--help")
    spec.add("--configs", files=True)
    spec.add("--print-config")
    return spec


def schema_spec(schema: type[BaseModel]) -> CommandSpec:
    """Every option a schema's keys give, as ``init`` reads them."""
    spec = run_options()
    _add_fields(spec, schema, "")
    return spec


def _add_fields(spec: CommandSpec, model: type[BaseModel], prefix: str) -> None:
    for name, key in field_keys(model):
        annotation = model.model_fields[name].annotation
        option = "--" + (prefix + key).replace("_", "-")
        found = members(annotation)
        models = [m for m in found if is_model(m)]
        for sub in models:
            _add_fields(spec, sub, f"{prefix}{key}.")
        if models and len(models) == len([m for m in found if m is not type(None)]):
            continue  # a model (or a union of them): its keys are the options
        if is_bool(annotation):
            spec.add(option, ["true", "false"])
            spec.add("--no-" + option[2:])
            continue
        spec.add(option, _values(annotation), files=_is_path(annotation), free=True)


def _values(annotation: Any) -> list[str]:
    values: list[str] = []
    for member in members(annotation):
        tp = strip(member)
        if typing.get_origin(tp) is Literal:
            values += [str(to_plain(v)) for v in typing.get_args(tp)]
        elif isinstance(tp, type) and issubclass(tp, enum.Enum):
            values += [str(m.value) for m in tp]
        elif tp is type(None):
            values.append("None")
    return values if len(values) > 1 or (values and values != ["None"]) else []


def _is_path(annotation: Any) -> bool:
    import pathlib  # only completion asks

    for member in members(annotation):
        tp = strip(member)
        args = typing.get_args(tp) if typing.get_origin(tp) in (list, tuple) else (tp,)
        if any(isinstance(a, type) and issubclass(a, pathlib.PurePath) for a in args):
            return True
    return False


# Rendering -----------------------------------------------------------------------------------------


def render(shell: str, prog: str, spec: Spec) -> str:
    """The completion script for ``prog`` in ``shell``."""
    if shell == "fish":
        return _fish(prog, spec)
    body = _bash(prog, spec)
    if shell == "zsh":  # zsh runs bash completion functions through its bashcompinit layer
        return (
            f"# zsh completion for {prog}: source it from ~/.zshrc (it uses zsh's bash completion layer)\n"
            "(( $+functions[compdef] )) || { autoload -U +X compinit && compinit -u; }\n"
            "autoload -U +X bashcompinit && bashcompinit\n" + body
        )
    return body


def function_name(prog: str) -> str:
    """The shell function a script defines for ``prog``."""
    return "_typed_config_" + re.sub(r"\W", "_", prog)


def _bash(prog: str, spec: Spec) -> str:
    name = function_name(prog)
    q = shlex.quote
    lines = [
        f"# bash completion for {prog}, written by `typed-config completion`: static, nothing runs at TAB time.",
        f"# Source it (or put it in ~/.local/share/bash-completion/completions/{prog}).",
        f"{name}_words() {{",
        '    local w; for w in "$@"; do [[ $w == "$cur"* ]] && COMPREPLY+=("$w"); done',
        "}",
        f"{name}_files() {{",
        "    compopt -o filenames 2>/dev/null; local IFS=$'\\n'; COMPREPLY=($(compgen -f -- \"$cur\"))",
        "}",
        f"{name}() {{",
        '    local cur="${COMP_WORDS[COMP_CWORD]}" opt="" command="" i',
        "    COMPREPLY=()",
        '    if (( COMP_CWORD > 0 )); then opt="${COMP_WORDS[COMP_CWORD-1]}"; fi',
        '    if [[ $cur == "=" ]]; then cur=""',  # `--key=` splits at '=' (COMP_WORDBREAKS)
        '    elif [[ $opt == "=" ]] && (( COMP_CWORD > 1 )); then opt="${COMP_WORDS[COMP_CWORD-2]}"; fi',
    ]
    commands = [c for c in spec if c]
    if commands:
        lines += [
            "    if (( COMP_CWORD == 1 )); then",
            f"        {name}_words {' '.join(q(c) for c in commands)}",
            "        return",
            "    fi",
            '    command="${COMP_WORDS[1]}"',
        ]
    lines += [
        "    for (( i = COMP_CWORD - 1; i > 0; i-- )); do",  # the last option before the cursor
        "        [[ ${COMP_WORDS[i]} == -* ]] && break",
        "    done",
        '    local last=""; (( i > 0 )) && last="${COMP_WORDS[i]}"',
        '    case "$command" in',
    ]
    for command, one in spec.items():
        lines.append(f"    {q(command)})")
        lines += _bash_command(one, name)
        lines.append("        ;;")
    lines += ["    esac", "}", f"complete -F {name} {q(prog)}", ""]
    return "\n".join(lines)


def _bash_command(spec: CommandSpec, name: str) -> list[str]:
    q = shlex.quote
    lines = ['        case "$opt" in']
    for option, values in spec.values.items():
        words = " ".join(q(v) for v in values)
        lines += [f"        {q(option)}) if [[ $cur != -* ]]; then {name}_words {words}; return; fi;;"]
    if spec.files:
        patterns = "|".join(q(o) for o in sorted(spec.files))
        lines += [f"        {patterns}) if [[ $cur != -* ]]; then {name}_files; return; fi;;"]
    if spec.free:
        patterns = "|".join(q(o) for o in sorted(spec.free))
        lines += [f"        {patterns}) if [[ $cur != -* ]]; then return; fi;;"]
    lines.append("        esac")
    if "--configs" in spec.files:  # --configs takes several files
        lines += [
            "        if [[ $last == --configs && $cur != -* ]]; then",
            f"            {name}_files; return",
            "        fi",
        ]
    lines.append(f"        {name}_words {' '.join(q(o) for o in spec.options)}")
    return lines


def _fish_quote(text: str) -> str:
    r"""A fish single-quoted word: only ``\\`` and ``\'`` are special inside."""
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def _fish(prog: str, spec: Spec) -> str:
    # fish expands -a and -n arguments as command lines (variables, command substitutions): each
    # word in them is quoted again, so a value such as '(rm x)' stays text.
    q = _fish_quote
    lines = [
        f"# fish completion for {prog}, written by `typed-config completion`: static, nothing runs at TAB time."
    ]
    lines.append(f"complete -c {q(prog)} -f")
    commands = [c for c in spec if c]
    if commands:
        lines.append(
            f"complete -c {q(prog)} -n __fish_use_subcommand -a {q(' '.join(q(c) for c in commands))}"
        )
    for command, one in spec.items():
        when = f" -n {q('__fish_seen_subcommand_from ' + q(command))}" if command else ""
        for option in one.options:
            parts = [f"complete -c {q(prog)}{when} -l {q(option[2:])}"]
            if option in one.values:
                parts.append(f"-x -a {q(' '.join(q(v) for v in one.values[option]))}")
            elif option in one.files:
                parts.append("-r -F")
            lines.append(" ".join(parts))
    return "\n".join(lines) + "\n"
