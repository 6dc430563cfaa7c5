""""Did you mean": which known spelling is nearest a word, the same rule on every engine.

Engines offer candidates (Whoosh from its spelling field, PostgreSQL
from a trigram lookup in its word list); nearest() picks one. A
candidate must start with the same letter (misspellings rarely change
the first) and be within one edit for a word of up to five letters, two
for a longer one: two edits turned "CER" into "cover", and a three-letter
word is a different word after two. Swapping two neighbouring letters
("evalutaion") counts as one edit.
"""
from __future__ import annotations

from typing import Iterable

SHORT_WORD = 5


def allowed_edits(word: str) -> int:
    return 1 if len(word) <= SHORT_WORD else 2


def edit_distance(a: str, b: str) -> int:
    """Edits from a to b: insertions, deletions, substitutions and swaps of neighbouring letters."""
    before_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            cost = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cost = min(cost, before_previous[j - 2] + 1)
            current.append(cost)
        before_previous, previous = previous, current
    return previous[-1]


def nearest(word: str, candidates: Iterable[str]) -> str | None:
    """The closest candidate within the allowed edits (the engine's order breaks ties), or None."""
    limit = allowed_edits(word)
    close = []
    for order, candidate in enumerate(candidates):
        if candidate == word or candidate[:1] != word[:1]:
            continue
        distance = edit_distance(word, candidate)
        if distance <= limit:
            close.append((distance, order, candidate))
    return min(close)[2] if close else None
