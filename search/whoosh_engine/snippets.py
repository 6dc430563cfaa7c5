"""A result's snippet: its best passages, with the words the search matched marked.

Whoosh's highlighter runs each result's text back through the analyzer
pipeline, a Token object a word, and scores every fragment: 0.9 ms a
result, so 18 ms of a 20-result page, more than the search itself on a
small archive. Here words are found with one regular expression, each
distinct word is stemmed once (cached), and passages are chosen by how
many different query words they hold, then how many matches.
"""
from __future__ import annotations

import html
import re

from whoosh import query as wq
from whoosh.lang.porter import stem
from whoosh.support.charset import accent_map

FIELD = "body"
PASSAGE_CHARS = 220  # the longest passage
SURROUND = 60  # characters of context before the first match of a passage and after its last
PASSAGES = 2
PLAIN_CHARS = 240  # the opening shown when no word of the post itself matched
BETWEEN = " … "

_WORD = re.compile(r"\w+(?:\.?\w+)*")  # the text analyzer's tokenizer, so words split the same way
_CACHE_LIMIT = 100_000
_normal: dict[str, str] = {}


def _normalise(word: str) -> str:
    """A word as the index holds it: lower case, accents folded, stemmed."""
    found = _normal.get(word)
    if found is None:
        lowered = word.lower()
        if not lowered.isascii():
            lowered = lowered.translate(accent_map)
        found = stem(lowered)
        if len(_normal) >= _CACHE_LIMIT:
            _normal.clear()
        _normal[word] = found
    return found


def query_words(query) -> frozenset[str]:
    """The indexed forms of the words a query looks for in posts (not the ones it excludes)."""
    found: set[str] = set()

    def walk(q) -> None:
        if q is None or isinstance(q, wq.Not):
            return
        if isinstance(q, wq.AndNot):
            walk(q.a)
            return
        if q.is_leaf():
            found.update(text for fieldname, text in q.terms(phrases=True) if fieldname == FIELD)
            return
        for child in q.children():
            walk(child)

    walk(query)
    return frozenset(text.decode() if isinstance(text, bytes) else text for text in found)


def snippet(text: str, words: frozenset[str]) -> str:
    """HTML: escaped passages of the text with <mark> around the matched words."""
    matches = [(m.start(), m.end(), term) for m in _WORD.finditer(text)
               if (term := _normalise(m.group())) in words] if words else []
    if not matches:
        return html.escape(text[:PLAIN_CHARS] + ("…" if len(text) > PLAIN_CHARS else ""))
    chosen = sorted(_best_passages(text, matches), key=lambda passage: passage[0])
    return BETWEEN.join(_marked(text, start, end, inside) for start, end, inside in chosen)


def _best_passages(text: str, matches: list[tuple[int, int, str]]) -> list:
    """Up to PASSAGES passages that don't overlap, the richest first."""
    candidates = []
    for first in range(len(matches)):
        last = first
        while (last + 1 < len(matches)
               and matches[last + 1][1] - matches[first][0] + 2 * SURROUND <= PASSAGE_CHARS):
            last += 1
        inside = matches[first:last + 1]
        richness = (len({term for _, _, term in inside}), len(inside), -first)
        candidates.append((richness, first, last))
    candidates.sort(reverse=True)
    taken: list[tuple[int, int, list]] = []
    used: set[int] = set()
    for _, first, last in candidates:
        if used.intersection(range(first, last + 1)):
            continue
        start, end = _widen(text, matches[first][0], matches[last][1])
        if any(start < other_end and other_start < end for other_start, other_end, _ in taken):
            continue
        used.update(range(first, last + 1))
        taken.append((start, end, matches[first:last + 1]))
        if len(taken) == PASSAGES:
            break
    return taken


def _widen(text: str, start: int, end: int) -> tuple[int, int]:
    """Context around the matches, cut at spaces so no word is split."""
    room = max(0, PASSAGE_CHARS - (end - start)) // 2
    begin = max(0, start - min(SURROUND, room))
    if begin > 0:
        space = text.find(" ", begin, start)
        begin = space + 1 if space != -1 else start
    finish = min(len(text), end + min(SURROUND, room))
    if finish < len(text):
        space = text.rfind(" ", end, finish)
        finish = space if space != -1 else end
    return begin, finish


def _marked(text: str, start: int, end: int, inside: list[tuple[int, int, str]]) -> str:
    parts, at = [], start
    for match_start, match_end, _ in inside:
        parts.append(html.escape(text[at:match_start]))
        parts.append(f"<mark>{html.escape(text[match_start:match_end])}</mark>")
        at = match_end
    parts.append(html.escape(text[at:end]))
    return "".join(parts)
