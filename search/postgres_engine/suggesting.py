""""Did you mean": the nearest known spelling of each word the index doesn't know.

Candidates come from search_words by trigram similarity (pg_trgm, an
indexed lookup); search.spelling picks the nearest, as for Whoosh. A
suggestion is only offered when it finds something.
"""
from __future__ import annotations

from typing import Callable

from sqlalchemy import text

from forum.core.extensions import db

from .. import spelling
from ..request import respell

CANDIDATES = 12


def _nearest(word: str) -> str | None:
    candidates = db.session.scalars(text(
        "SELECT word FROM search_words WHERE word % :word AND word <> :word "
        "ORDER BY similarity(word, :word) DESC, word LIMIT :n"), {"word": word, "n": CANDIDATES}).all()
    return spelling.nearest(word, candidates)


def suggest(typed: str, finds: Callable[[str], bool], known: Callable[[str], bool]) -> str | None:
    """The typed words with unknown ones corrected, if that finds anything."""
    suggestion = respell(typed, known, _nearest)
    return suggestion if suggestion and finds(suggestion) else None
