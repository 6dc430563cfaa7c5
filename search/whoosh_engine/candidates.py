"""Ranking only the documents already known to match, when they are few.

Every search first finds its matches as a bitmap (docsets: exact phrases,
filters and exclusions included). Whoosh's own ranking pass then walks the
postings of every word in every field, in Python: "release substitutes"
walks both words' postings in three fields to rank the 1,904 posts that
have both, and a theme filter walks every post with "feedback" to rank the
123 of them in the theme. A phrase's union matchers read and scored every
posting of its words in windows (62 % of such a search, issue 36).

When the matches are few, the same matcher Whoosh would use (built by its
own collector, so the same tree, scorer and floats) is moved with
skip_to() from one known match to the next: a posting block is decoded
only where a match sits, and only matches are scored. The collector
keeps the best `limit` as Whoosh does, ties included, so the order is the
one Whoosh's own pass gives (a test compares the two).
"""
from __future__ import annotations

import time as clock

from whoosh.collectors import TimeLimit

from ..request import SearchTimedOut
from .newest import set_bits

# Past this many matches, Whoosh's own pass (with its block-quality skipping) costs no more than
# stepping from match to match.
UP_TO = 5000


def best(searcher, query, bits: int, limit: int, until: float) -> list[int]:
    """The document numbers of the best `limit` documents of `bits` by `query`'s score, best first;
    every document in `bits` must match `query` (a superset of them may). SearchTimedOut past `until`."""
    collector = searcher.collector(limit=limit)
    # needs_current: unions as trees of matchers that move with skip_to. Whoosh's array union, its
    # choice for segments under 5,000 documents, reads and scores every posting of a 2,048-document
    # window as it is made. Either adds the same scores; for a post matching in all three fields the
    # sum may differ in its last bit.
    collector.prepare(searcher, query, searcher.context(needs_current=True))
    checked = 0
    for subsearcher, offset in searcher.leaf_searchers():
        here = (bits >> offset) & ((1 << subsearcher.doc_count_all()) - 1)
        if not here:
            continue
        collector.set_subsearcher(subsearcher, offset)
        matcher = collector.matcher
        for docnum in set_bits(here):
            if not checked & 255 and clock.monotonic() >= until:  # the first match, then every 256th
                raise SearchTimedOut()
            checked += 1
            if not matcher.is_active():
                break
            if matcher.id() < docnum:
                matcher.skip_to(docnum)
                if not matcher.is_active():
                    break
            if matcher.id() == docnum:
                collector.collect(docnum)
    try:
        collector.finish()
    except TimeLimit:  # Whoosh's own collectors raise it; ours never set one
        raise SearchTimedOut() from None
    return [hit.docnum for hit in collector.results()]
