"""Which documents a query matches, as bitmaps: exact totals and facet counts.

A results page says how many posts matched and counts them by theme and
by year, so it needs every match, not only the first page. Whoosh finds
the best twenty without reading most postings; walking all of them
decodes each posting in Python (about 1.7 µs each here), which made
counting cost several times the search: 160 ms beside 36 ms for
"students" at 100,000 posts.

So, as search engines do with filter caches: the documents of a term in
one index segment are read once into a Python int used as a bitmap (bit
n set: document n has the term) and kept, since a segment's postings
never change once written. Deletions live beside the segment, so they
are masked off when a query runs. And, Or and Not then become &, | and
&~ over whole bitmaps, and a count is int.bit_count(): microseconds at a
million posts. Queries with parts a bitmap can't answer (phrases, which
need positions; date ranges inside a month) get None, and the caller
counts them the slow way.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Iterable

from whoosh import query as wq
from whoosh.idsets import DocIdSet
from whoosh.matching.wrappers import FilterMatcher

MAX_CACHED_BYTES = 96 * 1024 * 1024  # per process; a term's bitmap at a million posts is 125 KB

_lock = threading.Lock()
_cache: OrderedDict[tuple, int] = OrderedDict()
_cached_bytes = 0


def _remember(key: tuple, bits: int) -> int:
    global _cached_bytes
    with _lock:
        if key not in _cache:
            _cache[key] = bits
            _cached_bytes += _size(bits)
            while _cached_bytes > MAX_CACHED_BYTES and len(_cache) > 1:
                _, dropped = _cache.popitem(last=False)
                _cached_bytes -= _size(dropped)
    return bits


def _recall(key: tuple) -> int | None:
    with _lock:
        bits = _cache.get(key)
        if bits is not None:
            _cache.move_to_end(key)
        return bits


def forget() -> None:
    """Drop every kept bitmap (the benchmark measures a first search this way)."""
    global _cached_bytes
    with _lock:
        _cache.clear()
        _cached_bytes = 0


def _size(bits: int) -> int:
    return bits.bit_length() // 8 + 28


def bitmap(docnums: Iterable[int], size: int) -> int:
    """A bitmap of these document numbers."""
    buffer = bytearray((size + 7) // 8)
    for docnum in docnums:
        buffer[docnum >> 3] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


def _segments(searcher) -> list[tuple[object, int]]:
    """(segment reader, offset of its first document) of every segment that has documents."""
    return [(reader, offset) for reader, offset in searcher.reader().leaf_readers()
            if reader.segment() is not None]


def _state(searcher) -> tuple:
    """What a composed bitmap depends on: the segments, and how many documents each has deleted."""
    return tuple((reader.segment().segment_id(), reader.segment().deleted_count())
                 for reader, _ in _segments(searcher))


def _live(reader) -> int:
    """The segment's documents that are not deleted."""
    segment = reader.segment()
    key = ("live", segment.segment_id(), segment.deleted_count())
    bits = _recall(key)
    if bits is None:
        everything = (1 << reader.doc_count_all()) - 1
        deleted = reader.deleted_docs_set if reader.has_deletions() else ()
        bits = _remember(key, everything & ~bitmap(deleted, reader.doc_count_all()))
    return bits


def _segment_term(reader, fieldname: str, text: bytes) -> int:
    """The segment's documents with the term, deleted ones included (a segment's postings never change)."""
    key = ("term", reader.segment().segment_id(), fieldname, text)
    bits = _recall(key)
    if bits is None:
        if not reader.doc_frequency(fieldname, text):
            return 0
        matcher = reader.postings(fieldname, text)
        if isinstance(matcher, FilterMatcher):  # deletions are masked off per query instead
            matcher = matcher.child
        bits = _remember(key, bitmap(matcher.all_ids(), reader.doc_count_all()))
    return bits


def term_bits(searcher, fieldname: str, text) -> int:
    """Every live document of the searcher with the term."""
    field = searcher.schema[fieldname]
    btext = text if isinstance(text, bytes) else field.to_bytes(text)
    key = ("all", _state(searcher), fieldname, btext)
    bits = _recall(key)
    if bits is None:
        bits = 0
        for reader, offset in _segments(searcher):
            bits |= (_segment_term(reader, fieldname, btext) & _live(reader)) << offset
        bits = _remember(key, bits)
    return bits


def all_bits(searcher) -> int:
    """Every live document."""
    bits = 0
    for reader, offset in _segments(searcher):
        bits |= _live(reader) << offset
    return bits


def query_bits(searcher, query) -> int | None:
    """The documents a query matches, or None when a bitmap can't tell (phrases, ranges)."""
    if query is None or query is wq.NullQuery:
        return 0
    kind = type(query)
    if kind is wq.Term:
        return term_bits(searcher, query.fieldname, query.text)
    if kind is wq.Every:
        return all_bits(searcher)
    if kind is wq.Not:
        inner = query_bits(searcher, query.query)
        return None if inner is None else all_bits(searcher) & ~inner
    if kind is wq.AndNot:
        positive, negative = query_bits(searcher, query.a), query_bits(searcher, query.b)
        return None if positive is None or negative is None else positive & ~negative
    if kind in (wq.And, wq.Or):
        parts = [query_bits(searcher, sub) for sub in query.subqueries]
        if any(part is None for part in parts):
            return None
        bits = parts[0] if parts else 0
        for part in parts[1:]:
            bits = bits & part if kind is wq.And else bits | part
        return bits
    if kind is wq.ConstantScoreQuery:
        return query_bits(searcher, query.child)
    return None


def counts_by_term(searcher, bits: int, fieldname: str) -> dict[str, int]:
    """How many of these documents have each term of a field (a facet: theme, year)."""
    counts = {}
    for btext in searcher.reader().lexicon(fieldname):
        count = (bits & term_bits(searcher, fieldname, btext)).bit_count()
        if count:
            counts[btext.decode("utf-8")] = count
    return counts


class BitmapSet(DocIdSet):
    """A bitmap as the document set Whoosh's filter= takes (it only asks `in`)."""

    def __init__(self, bits: int):
        self._bytes = bits.to_bytes((bits.bit_length() + 7) // 8 or 1, "little")

    def __contains__(self, docnum: int) -> bool:
        byte = docnum >> 3
        return byte < len(self._bytes) and bool(self._bytes[byte] >> (docnum & 7) & 1)

    def __iter__(self):
        for byte_number, byte in enumerate(self._bytes):
            while byte:
                low = byte & -byte
                yield byte_number * 8 + low.bit_length() - 1
                byte ^= low

    def __len__(self) -> int:
        return int.from_bytes(self._bytes, "little").bit_count()
