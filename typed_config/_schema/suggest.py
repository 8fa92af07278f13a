"""Did-you-mean: the one rule for the closest known key to a misspelt one."""

from __future__ import annotations

from collections.abc import Sequence


def closest(key: str, candidates: Sequence[str]) -> str | None:
    """The candidate closest to ``key`` (dashes and underscores alike), if one is close.

    A typo is a few edits (swapped letters count as one) for short keys; difflib's ratio
    catches longer keys with a missing or extra word.
    """
    folded = {c.replace("-", "_").lower(): c for c in candidates}
    target = key.replace("-", "_").lower()
    scored = sorted((_edits(target, c), c) for c in folded)
    if scored and scored[0][0] <= max(1, len(target) // 4):
        return folded[scored[0][1]]
    import difflib  # only a problem needs a suggestion: kept out of import time

    match = difflib.get_close_matches(target, list(folded), n=1, cutoff=0.6)
    return folded[match[0]] if match else None


def _edits(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, transpositions."""
    if abs(len(a) - len(b)) > 3:
        return 99
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, 1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, 1):
            cost = char_a != char_b
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def suggest(key: str, candidates: Sequence[str]) -> str:
    """``; did you mean 'x'?`` for the closest candidate, or nothing."""
    match = closest(key, candidates)
    return f"; did you mean {match!r}?" if match else ""
