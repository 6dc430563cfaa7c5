""""Did you mean": the nearest known spelling of each word the index doesn't know.

Candidates come from search_words by trigram similarity (pg_trgm, an
indexed lookup), then the closest by edit distance within two edits and
with the same first letter, as Whoosh's corrector chooses. A suggestion
is only offered when it finds something.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import text

from forum.extensions import db

from ..request import respell

MAX_EDITS = 2
CANDIDATES = 12


def edit_distance(a: str, b: str) -> int:
    """Levenshtein distance: insertions, deletions and substitutions."""
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _nearest(word: str) -> str | None:
    candidates = db.session.scalars(text(
        "SELECT word FROM search_words WHERE word % :word AND word <> :word "
        "ORDER BY similarity(word, :word) DESC, word LIMIT :n"), {"word": word, "n": CANDIDATES}).all()
    close = [(edit_distance(word, c), n, c) for n, c in enumerate(candidates) if c[:1] == word[:1]]
    close = [entry for entry in close if entry[0] <= MAX_EDITS]
    return min(close)[2] if close else None


def suggest(typed: str, finds: Callable[[str], bool], known: Callable[[str], bool]) -> str | None:
    """The typed words with unknown ones corrected, if that finds anything."""
    suggestion = respell(typed, known, _nearest)
    return suggestion if suggestion and finds(suggestion) else None
