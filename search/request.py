"""What a search asks and what it answers, the same whichever engine runs it.

People type a few words, not a query language. Supported: words (all
must match, with stemming), "quoted phrases", OR, NOT or a leading
minus, parentheses, and author:/theme: in the query. Field names other
than those two are plain words; wildcards are taken out with a message.
tidy() prepares the text once, and search.filters resolves author: and
theme:, before any engine.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Callable

from .analysis import ACRONYMS, fold

MAX_QUERY_LENGTH = 200
PER_PAGE = 20
EARLIEST = date(1990, 1, 1)
MAX_PAGE = 50  # 1,000 results deep is as far as anyone reads; deeper costs the server
# Words and phrases joined by OR, at most: each option is ranked over every post that has it
# (Whoosh at 100,000 posts: 5 common words OR'ed took 0.7 s, 25 took 3.4 s).
MAX_ALTERNATIVES = 12
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_WILDCARDS = re.compile(r"[*?~^]")
_OTHER_FIELD = re.compile(r"(?<![\w:])(?!(?:author|theme):)([A-Za-z_]\w*):(?=\S)", re.IGNORECASE)


@dataclass
class SearchRequest:
    text: str = ""
    theme: str = ""  # as chosen or typed: a slug, a word of a title, a month
    author: str = ""  # as typed: a name or part of one
    thread_id: int | None = None  # "find in this discussion"
    date_from: date | None = None
    date_to: date | None = None
    newest_first: bool = False
    page: int = 1
    # Set by search.filters.resolve(), which engines' requests have been
    # through: `text` is then words only, and the filters are these.
    resolved: bool = False
    author_ids: tuple[int, ...] | None = None
    theme_slugs: tuple[str, ...] | None = None


@dataclass
class Hit:
    post_id: int
    snippet: str  # HTML: escaped text with <mark> around matched words


@dataclass
class SearchResults:
    hits: list[Hit] = field(default_factory=list)
    total: int = 0
    page: int = 1
    pages: int = 0
    by_theme: list[tuple[str, int]] = field(default_factory=list)
    by_year: list[tuple[str, int]] = field(default_factory=list)
    suggestion: str | None = None
    # True when the total and facet counts are estimates and the ranking covers the newest
    # matches only: a very broad search on PostgreSQL (search/postgres_engine/querying.py).
    estimated: bool = False


def tidy(text: str) -> tuple[str, list[str]]:
    """The query as we will run it, and what we changed, said for people."""
    notices = []
    text = _CONTROL.sub(" ", fold(text or ""))
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        notices.append(f"Your search was long, so only its first {MAX_QUERY_LENGTH} characters were used.")
    if _WILDCARDS.search(text):
        text = _WILDCARDS.sub(" ", text)
        notices.append("Wildcards (*, ?) aren't needed: word forms match automatically "
                       "(makerspace finds makerspaces).")
    others = sorted({match.group(1).lower() for match in _OTHER_FIELD.finditer(text)})
    if others:
        text = _OTHER_FIELD.sub(" ", text)
        notices.append(f"Only author: and theme: narrow a search, so {', '.join(o + ':' for o in others)} "
                       "was left out and the rest searched as words.")
    if text.count('"') % 2:
        text = text.replace('"', " ")
        notices.append("A quotation mark was unmatched, so the words were searched separately.")
    if text.count("(") != text.count(")"):
        text = text.replace("(", " ").replace(")", " ")
        notices.append("A parenthesis was unmatched, so parentheses were ignored.")
    return " ".join(text.split()), notices


# Words that are operators in what people type, on every engine.
OPERATORS = frozenset({"AND", "OR", "NOT", "ANDNOT", "ANDMAYBE"})
_TYPED_WORD = re.compile(r'"[^"]*"|\S+')


def respell(text: str, known: Callable[[str], bool], nearest: Callable[[str], str | None]) -> str | None:
    """The typed words with each unknown one replaced by its nearest known spelling, or None if none was.

    Phrases and operators stay as typed, and so do the community's acronyms
    ("CER" is not a misspelt "cover"); `known(word)` says a word needs no
    correction (it finds something, or searches nothing, as a stop word);
    `nearest(word)` gives the engine's closest spelling of a lower-cased word.
    """
    changed, words = False, []
    for word in _TYPED_WORD.findall(text):
        bare = word.lstrip("+-()").rstrip("()")
        better = None
        if not (word.startswith('"') or word in OPERATORS or not bare or bare.lower() in ACRONYMS
                or known(bare)):
            better = nearest(bare.lower())
        words.append(word.replace(bare, better) if better else word)
        changed = changed or bool(better)
    return " ".join(words) if changed else None


class SearchTimedOut(Exception):
    """The engine stopped a search that ran past its time limit."""


class IndexMissing(Exception):
    """The engine's index is gone or can't be read while the database has posts it would miss.

    Never answered with an empty index: searches would say "no posts found"
    for everything written before. `rebuilding` says a rebuild is making one.
    """

    def __init__(self, reason: str, rebuilding: bool = False):
        super().__init__(reason)
        self.rebuilding = rebuilding


class TooManyAlternatives(Exception):
    """A search joins more than MAX_ALTERNATIVES words or phrases with OR: it is not run."""

    def __init__(self, count: int):
        super().__init__(f"{count} words or phrases joined by OR; at most {MAX_ALTERNATIVES}")
        self.count = count


class RebuildRunning(RuntimeError):
    """Another process is rebuilding the index."""
