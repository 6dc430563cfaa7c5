"""A result's snippet: its best passages, with the words the search matched marked.

The same on every engine: the words are found with search.analysis, as
the index found them, so a match of "K-2" or "co-teaching" is marked
whole. Whoosh's own highlighter cost 0.9 ms a result (18 ms a page, more
than the search on a small archive) and ts_headline reads words with
PostgreSQL's parser, not ours; passages here are chosen by how many
different query words they hold, then how many matches.
"""
from __future__ import annotations

import html

from .analysis import terms_at

PASSAGE_CHARS = 220  # the longest passage
SURROUND = 60  # characters of context before the first match of a passage and after its last
PASSAGES = 2
PLAIN_CHARS = 240  # the opening shown when no word of the post itself matched
BETWEEN = " … "


def opening(text: str) -> str:
    """HTML: the start of a text, for a result no word of which was marked."""
    return html.escape(text[:PLAIN_CHARS] + ("…" if len(text) > PLAIN_CHARS else ""))


def _matches(text: str, words: frozenset[str]) -> list[tuple[int, int, str]]:
    """Where the words are, in order; a compound's joined form covers its parts."""
    found: list[tuple[int, int, str]] = []
    for start, end, term in sorted(terms_at(text, words), key=lambda t: (t[0], -t[1])):
        if found and start < found[-1][1]:
            continue
        found.append((start, end, term))
    return found


def matched_words(texts, words: frozenset[str], limit: int = 50) -> list[str]:
    """The words as written in these texts that a search's terms match ("Makerspaces", "K–2"), for marking
    them on the page a result leads to."""
    found: set[str] = set()
    for text in texts:
        found.update(text[start:end] for start, end, _ in _matches(text, words))
        if len(found) >= limit:
            break
    return sorted(found)[:limit]


def snippet(text: str, words: frozenset[str]) -> str:
    """HTML: escaped passages of the text with <mark> around the matched words."""
    matches = _matches(text, words) if words else []
    if not matches:
        return opening(text)
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
