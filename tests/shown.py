"""What an error shows a person: the texts the secret tests search for a secret."""

from __future__ import annotations


def shown_by(exc: BaseException) -> str:
    """Everything an error shows: its text, repr and arguments, its problems, and every error it chains."""
    parts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        parts += [str(current), repr(current), *map(repr, current.args)]
        parts += [repr(p) for p in getattr(current, "problems", ())]
        current = current.__cause__ or current.__context__
    return "\n".join(parts)
