"""Which of given documents of a segment have a term, and its weight in each: read a posting block
at a time, and kept.

Ranking a few known matches needs each word's weight (how often it is in
the post) in those posts only. Whoosh stores a term's postings in blocks
of up to 128, each one pickled whole: ids, weights, and every posting's
word positions. Unpickling a block is most of what reading it costs
(about 0.15 ms here), and Whoosh's matchers unpickle the first block of
every word in every field before a single match is scored.

So the blocks' directory (where each block starts and its last document)
is read once, only the blocks holding wanted documents are decoded, by
Whoosh's own code, and their ids and weights are kept in docsets' cache
beside the bitmaps: a segment's postings never change once written.
The blocks are read through Whoosh 2.7.5's matcher internals (_goto,
_read_ids, _read_weights), as docsets reads them; patches.check_version()
stops start-up under any other version.
"""
from __future__ import annotations

import time
from array import array
from bisect import bisect_left, bisect_right
from collections.abc import Sequence

from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.collectors import TimeLimit

from . import docsets

# A block, or a whole short posting list: its documents and their weights.
Block = tuple[array, array]


def weights(reader, fieldname: str, btext: bytes, docnums: Sequence[int],
            until: float | None = None) -> tuple[list[int], list[float]]:
    """Those of these documents (sorted) that have the term, and its weight in each as Whoosh's
    matcher gives it; TimeLimit when a block must be read past `until` (monotonic)."""
    segment = reader.segment().segment_id()
    kind, first, second = _directory(reader, segment, fieldname, btext)
    if kind == "blocks":
        return _from_blocks(reader, segment, fieldname, btext, first, second, docnums, until)
    return _found(first, second, docnums, [], [])  # a short list, kept whole


def _from_blocks(reader, segment, fieldname, btext, starts: array, last_ids: array, docnums,
                 until) -> tuple[list[int], list[float]]:
    """Each block's header starts at starts[n]; its last document is last_ids[n]."""
    have: list[int] = []
    found: list[float] = []
    block, matcher, blocks = -1, None, len(last_ids)
    at = 0
    while at < len(docnums):
        # The next block holding a wanted document, and the wanted documents up to its last.
        block = bisect_left(last_ids, docnums[at], block + 1)
        if block == blocks:
            break
        upto = bisect_right(docnums, last_ids[block], at)
        key = ("block", segment, fieldname, btext, block)
        kept = docsets.recall(key)
        if kept is None:
            if until is not None and time.monotonic() >= until:
                raise TimeLimit()
            if matcher is None:
                matcher = _leaf_matcher(reader, fieldname, btext)
            kept = docsets.remember(key, _decode(matcher, starts[block]))
        _found(*kept, docnums[at:upto], have, found)
        at = upto
    return have, found


def _found(ids: array, weights: array, docnums: Sequence[int], have: list[int],
           found: list[float]) -> tuple[list[int], list[float]]:
    """Adds to `have` and `found` those of `docnums` in `ids`, and their weights."""
    for docnum in docnums:
        at = bisect_left(ids, docnum)
        if at < len(ids) and ids[at] == docnum:
            have.append(docnum)
            found.append(weights[at])
    return have, found


def _leaf_matcher(reader, fieldname: str, btext: bytes):
    """The term's matcher without the filter of deleted documents reader.postings() puts around it.

    The wanted documents come from bitmaps of live ones, and that filter
    decodes the first block as it is made, to find the first live document.
    """
    return reader._terms.matcher(fieldname, btext, reader.schema[fieldname].format)


def _decode(matcher: W3LeafMatcher, start: int) -> Block:
    """One block's ids and weights, unpacked by Whoosh's own methods (the same numbers its matcher gives)."""
    matcher._goto(start)
    matcher._read_ids()
    matcher._read_weights()
    return array("I", matcher._ids), array("d", matcher._weights)


def _directory(reader, segment, fieldname: str, btext: bytes) -> tuple[str, array, array]:
    """("blocks", where each block's header starts, each block's last document), or ("list", ids, weights)."""
    key = ("blocks", segment, fieldname, btext)
    kept = docsets.recall(key)
    if kept is None:
        matcher = _leaf_matcher(reader, fieldname, btext)
        if isinstance(matcher, W3LeafMatcher):
            starts, last_ids = array("Q"), array("I")
            start = matcher._baseoffset
            while True:
                starts.append(start)
                last_ids.append(matcher._maxid)
                if matcher._lastblock:
                    break
                start = matcher._nextoffset
                matcher._next_block()
            kept = ("blocks", starts, last_ids)
        else:
            # A posting list short enough to live in the term's entry (one posting, as Whoosh writes
            # them): walked as Whoosh's matcher walks it.
            ids, found = array("I"), array("d")
            while matcher.is_active():
                ids.append(matcher.id())
                found.append(matcher.weight())
                matcher.next()
            kept = ("list", ids, found)
        kept = docsets.remember(key, kept)
    return kept
