"""How text becomes search terms: one analyser for posts and queries, on every engine.

Both engines index the terms made here (Whoosh through a tokenizer that
wraps analyse(), PostgreSQL as a tsvector written by search.postgres_engine)
and every query is made of them (search.parsing), so a word matches the
same posts whichever engine runs. The rules, and why (docs/search.md has
the worked examples):

- Typography pasted from documents counts as its plain form: curly
  quotes, en and em dashes, the minus sign, non-breaking and thin spaces
  (`fold`, one character for one, so offsets into the text stay right).
- Words are lower-cased, accents folded, English stop words dropped and
  the rest stemmed (Porter): "makerspaces" finds "Makerspace".
- Acronyms are kept whole: a word typed in capitals, or one of the
  community's ACRONYMS however typed, is lower-cased but never stemmed,
  a plural "s" aside ("IEPs" is "iep").
- Numbers are words: "Grade 9" needs the 9, "1980s" is not "1980".
- A compound ("K-2", "co-teaching", "HS-LS1-1", "and/or", "Node.js")
  gives its parts (one-letter parts too: the K of K-2) and its joined
  form at the first part's place, so "k2", "K–2" and "K-2" meet, and so
  do "coteaching" and "co teaching". Two numbers keep their dash when
  joined ("6-8", not "68", which is a number of its own).
- Single letters are words ("Grade K", "Plan B"), but for "a" and "I"
  on their own; the s of "Sam's" and the t of "don't" are dropped.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator

from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

# Bump whenever analyse() would give any text different terms: both engines
# then see their index as out of date (`init-db` rebuilds; start-up warns).
VERSION = "1"

# Acronyms of this field, kept whole however they are typed ("ngss" finds
# "NGSS"); a word in capitals is taken as an acronym anyway.
ACRONYMS = frozenset({
    "ap", "ccss", "cer", "cs", "dok", "ela", "ell", "esl", "ib", "iep", "mtss", "ngss", "pbl", "pd", "plc",
    "pln", "rti", "sel", "sped", "steam", "stem", "udl",
})

_TYPOGRAPHY = str.maketrans({
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u201f": '"', "\u2033": '"',
    "\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-", "\u2015": "-", "\u2212": "-",
    "\u2044": "/", "\u2215": "/",
    "\u00a0": " ", "\u2007": " ", "\u2009": " ", "\u200a": " ", "\u202f": " ", "\u3000": " ",
})
# A run of word characters joined by - / . or an apostrophe: one compound.
_CHUNK = re.compile(r"\w+(?:[-/.']\w+)*")
_JOINER = re.compile(r"[-/.']")
_WORD = re.compile(r"\w")
_ACRONYM = re.compile(r"[A-Z]{2,6}s?")
_LONE_LETTERS_DROPPED = frozenset("ai")  # the article and the pronoun; "Grade K", "Plan B" stay
_CONTRACTION_ENDS = frozenset({"s", "t", "d", "ll", "re", "ve", "m"})
_SPELLABLE = re.compile(r"[^\W\d_]{3,30}")
LONGEST_TERM = 60  # longer "words" are pasted links or noise; PostgreSQL refuses very long ones
_CACHE_LIMIT = 100_000
_terms: dict[str, str | None] = {}


@dataclass(frozen=True)
class Token:
    term: str  # as the index holds it
    position: int  # word number from 0; a compound's joined form shares its first part's
    start: int  # where the word is in the text, for marking it in a snippet
    end: int


def fold(text: str) -> str:
    """Typographic characters as their plain forms, one character for one."""
    return text.translate(_TYPOGRAPHY)


def term(word: str, *, in_compound: bool = False) -> str | None:
    """One word (no separators) as the index holds it, or None for a word not indexed."""
    key = f"\x00{word}" if in_compound else word
    if key in _terms:
        return _terms[key]
    found = _term(word, in_compound)
    if len(_terms) >= _CACHE_LIMIT:
        _terms.clear()
    _terms[key] = found
    return found


def _term(word: str, in_compound: bool) -> str | None:
    lowered = word.lower()
    if not lowered.isascii():
        lowered = lowered.translate(accent_map)
    if len(lowered) > LONGEST_TERM or not lowered:
        return None
    if len(lowered) == 1:
        return lowered if in_compound or lowered not in _LONE_LETTERS_DROPPED else None
    if lowered in STOP_WORDS:
        return None
    acronym = _acronym(word, lowered)
    if acronym:
        return acronym
    if any(c.isdigit() for c in lowered):
        return lowered
    return stem(lowered)


def _acronym(word: str, lowered: str) -> str | None:
    """An acronym's term (its plural "s" dropped), or None for another word."""
    if lowered in ACRONYMS:
        return lowered
    if len(lowered) > 2 and lowered.endswith("s") and lowered[:-1] in ACRONYMS:
        return lowered[:-1]
    if _ACRONYM.fullmatch(word):  # NGSS, IEPs
        return lowered[:-1] if word.endswith("s") else lowered
    return None


def _parts(chunk: str, start: int) -> list[tuple[str, int, int]]:
    """A chunk's words with their offsets, and the separators dropped."""
    found, at = [], start
    for piece in _JOINER.split(chunk):
        found.append((piece, at, at + len(piece)))
        at += len(piece) + 1
    return found


def _joined(parts: list[tuple[str, int, int]], separators: list[str]) -> str:
    text = parts[0][0]
    for (before, _, _), (after, _, _), separator in zip(parts, parts[1:], separators):
        both_numbers = before[-1:].isdigit() and after[:1].isdigit()
        text += (separator if separator in "-/" else ".") + after if both_numbers else after
    return text


@dataclass(frozen=True)
class Chunk:
    """What one run of joined word characters gives: "K-2" is k2, and k and 2 in a row."""

    joined: Token | None  # a compound's joined form; None for a single word
    parts: tuple[Token, ...]

    def tokens(self) -> list[Token]:
        return ([self.joined] if self.joined else []) + list(self.parts)


def _chunk(text: str, start: int, position: int) -> tuple[Chunk | None, int]:
    """One chunk's terms, and the next free position."""
    parts = _parts(text, start)
    separators = _JOINER.findall(text)
    if len(parts) > 1 and separators[-1] == "'" and parts[-1][0].lower() in _CONTRACTION_ENDS:
        parts, separators = parts[:-1], separators[:-1]  # teacher's, don't, we'll
    if len(parts) > 1 and set(separators) == {"."} and all(len(p[0]) == 1 and p[0].isalpha() for p in parts):
        parts = [("".join(p[0] for p in parts), parts[0][1], parts[-1][2])]  # U.S.A., e.g.
    if len(parts) == 1:
        word, begin, end = parts[0]
        found = term(word)
        return (Chunk(None, (Token(found, position, begin, end),)), position + 1) if found else (None, position)
    whole = term(_joined(parts, separators))
    kept = tuple(Token(found, position + n, begin, end) for n, (word, begin, end) in enumerate(parts)
                 if (found := term(word, in_compound=True)))
    if not whole and not kept:
        return None, position
    joined = Token(whole, position, parts[0][1], parts[-1][2]) if whole else None
    return Chunk(joined, kept), position + len(parts)


def chunks(text: str) -> list[Chunk]:
    """The text's chunks in order, positions counted across them."""
    found, position = [], 0
    for match in _CHUNK.finditer(fold(text)):
        chunk, position = _chunk(match.group(), match.start(), position)
        if chunk is not None:
            found.append(chunk)
    return found


def analyse(text: str) -> list[Token]:
    """The terms of a text in order, each with its position and where it was written."""
    return [token for chunk in chunks(text) for token in chunk.tokens()]


# Each chunk's terms, as (start, end, term) from the chunk's own start (a chunk's terms depend on the
# chunk alone, and a forum's posts use a few thousand words again and again), and for each term the
# chunks that give it: a text's chunks holding a wanted term are then found by set operations.
_chunk_terms: dict[str, tuple[tuple[int, int, str], ...]] = {}
_chunks_giving: dict[str, set[str]] = {}


def _learn(word: str) -> tuple[tuple[int, int, str], ...]:
    if _JOINER.search(word):  # a compound, a contraction, initials: analysed whole
        chunk, _ = _chunk(word, 0, 0)
        found = tuple((token.start, token.end, token.term) for token in chunk.tokens()) if chunk else ()
    else:
        single = term(word)
        found = ((0, len(word), single),) if single else ()
    _chunk_terms[word] = found
    for _, _, given in found:
        _chunks_giving.setdefault(given, set()).add(word)
    return found


def terms_at(text: str, wanted: frozenset[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of each of the text's terms that is wanted, in analyse()'s order: the same
    terms at the same places without a Token for every word.

    A snippet marks a few words of a post's hundreds, and making each a Token was most of a results
    page's time (issue 36). So the chunks are listed by the regular expression alone, the ones never
    seen before are learnt (_learn), those giving a wanted term are picked by set operations, and
    places are looked for only in a text that has one.
    """
    if len(_chunk_terms) >= _CACHE_LIMIT:
        _chunk_terms.clear()
        _chunks_giving.clear()
    folded = fold(text)
    distinct = set(_CHUNK.findall(folded))
    for word in distinct:  # looked up, never walked: difference() with the keys walked all learnt words
        if word not in _chunk_terms:
            _learn(word)
    giving: set[str] = set()
    for wanted_term in wanted:
        giving.update(_chunks_giving.get(wanted_term, ()))
    giving &= distinct
    if not giving:
        return []
    places = []  # (where its chunk is, its place among the chunk's terms, start, end, term)
    for word in giving:
        hits = [(n, start, end, hit) for n, (start, end, hit) in enumerate(_chunk_terms.get(word) or _learn(word))
                if hit in wanted]
        at = folded.find(word)
        while at != -1:
            if _is_chunk(folded, at, at + len(word)):
                places += [(at, n, at + start, at + end, hit) for n, start, end, hit in hits]
            at = folded.find(word, at + 1)
    places.sort()
    return [(start, end, hit) for _, _, start, end, hit in places]


def _is_chunk(text: str, start: int, end: int) -> bool:
    """Whether the letters at text[start:end], written as one chunk, are one there: no word character,
    and no joiner with a word character beyond it, on either side (what _CHUNK's scan would take in)."""
    if start and (_WORD.match(text, start - 1) or
                  (start > 1 and _JOINER.match(text, start - 1) and _WORD.match(text, start - 2))):
        return False
    return not (_WORD.match(text, end) or (_JOINER.match(text, end) and _WORD.match(text, end + 1)))


def iter_terms(text: str) -> Iterator[str]:
    return (token.term for token in analyse(text))


def spellings(text: str) -> set[str]:
    """The words of a text as people spell them (lower case, accents folded): "did you mean" offers these."""
    lowered = fold(text).lower()
    if not lowered.isascii():
        lowered = lowered.translate(accent_map)
    return {word for word in _SPELLABLE.findall(lowered) if word not in STOP_WORDS}
