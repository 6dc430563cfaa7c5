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
million posts. What a bitmap of terms can't answer (a phrase needs word
positions; a range inside a month) is walked by Whoosh once per segment
and kept the same way.
"""
from __future__ import annotations

import os
import struct
import sys
import threading
import time
from array import array
from collections import OrderedDict
from itertools import accumulate, chain
from pathlib import Path
from typing import Iterable, Iterator

from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.collectors import TimeLimit
from whoosh.idsets import DocIdSet
from whoosh.matching.wrappers import FilterMatcher

from .index import segment_key

MAX_CACHED_BYTES = 96 * 1024 * 1024  # per process; a term's bitmap at a million posts is 125 KB
# What an entry costs besides its value: its key and the cache's own links. Counted since a posting
# block (postings.py) is often smaller than that.
_ENTRY_BYTES = 200
FACET_FIELDS = frozenset({"theme", "year"})  # counted by every search: their bitmaps are kept on disk

# A bitmap, or a (first byte, bitmap from there) window of one; postings.py keeps its blocks here too
# (tuples of arrays), so that one budget bounds everything a process keeps of the index.
Kept = int | tuple

_lock = threading.Lock()
_cache: OrderedDict[tuple, Kept] = OrderedDict()
_cached_bytes = 0
# Each facet field's terms in a segment, as counts_by_term reads them (few: themes and years).
_facet_windows: dict[tuple, list[tuple[str, int, int, int]]] = {}


def remember(key: tuple, bits: Kept) -> Kept:
    """Keep a value read from the index under this key (the least recently used go past the budget)."""
    global _cached_bytes
    with _lock:
        if key not in _cache:
            _cache[key] = bits
            _cached_bytes += _size(bits) + _ENTRY_BYTES
            while _cached_bytes > MAX_CACHED_BYTES and len(_cache) > 1:
                _, dropped = _cache.popitem(last=False)
                _cached_bytes -= _size(dropped) + _ENTRY_BYTES
    return bits


def recall(key: tuple) -> Kept | None:
    """What was kept under this key, or None."""
    with _lock:
        bits = _cache.get(key)
        if bits is not None:
            _cache.move_to_end(key)
        return bits


def forget() -> None:
    """Drop every kept bitmap and posting block (the benchmark measures a first search this way)."""
    global _cached_bytes
    with _lock:
        _cache.clear()
        _facet_windows.clear()
        _cached_bytes = 0


def _size(kept) -> int:
    if isinstance(kept, tuple):
        return sum(_size(part) for part in kept)
    if isinstance(kept, int):
        return kept.bit_length() // 8 + 28
    if isinstance(kept, array):
        return kept.itemsize * len(kept) + 64
    return sys.getsizeof(kept)


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
    """What a bitmap composed over all segments depends on."""
    return tuple(segment_key(reader.segment()) for reader, _ in _segments(searcher))


def _live(reader) -> int:
    """The segment's documents that are not deleted."""
    segment = reader.segment()
    key = ("live", *segment_key(segment))
    bits = recall(key)
    if bits is None:
        everything = (1 << reader.doc_count_all()) - 1
        deleted = reader.deleted_docs_set if reader.has_deletions() else ()
        bits = remember(key, everything & ~bitmap(deleted, reader.doc_count_all()))
    return bits


def _term_key(reader, fieldname: str, text: bytes) -> tuple:
    return "term", reader.segment().segment_id(), fieldname, text


def segment_term(reader, fieldname: str, text: bytes) -> int:
    """The segment's documents with the term, deleted ones included (a segment's postings never change)."""
    key = _term_key(reader, fieldname, text)
    bits = recall(key)
    if bits is None:
        if fieldname in FACET_FIELDS:
            return _facet_bitmaps(reader, fieldname).get(text, 0)
        if not reader.doc_frequency(fieldname, text):
            return 0
        bits = remember(key, _postings_bitmap(reader, fieldname, text))
    return bits


def kept_segment_term(reader, fieldname: str, text: bytes) -> int | None:
    """The segment's bitmap of the term if it is kept already (see segment_term), else None."""
    return recall(_term_key(reader, fieldname, text))


def _postings_bitmap(reader, fieldname: str, text: bytes) -> int:
    matcher = reader.postings(fieldname, text)
    if isinstance(matcher, FilterMatcher):  # deletions are masked off per query instead
        matcher = matcher.child
    if isinstance(matcher, W3LeafMatcher):
        return bitmap(chain.from_iterable(_block_ids(matcher)), reader.doc_count_all())
    return bitmap(matcher.all_ids(), reader.doc_count_all())


def _block_ids(matcher: W3LeafMatcher) -> Iterator[Iterable[int]]:
    """A fresh matcher's document ids, a block at a time.

    Whoosh's all_ids() makes three Python calls a posting and decodes each
    block's delta-coded ids in a Python generator: 0.9 s for a word in
    300,000 posts. A block's ids come out of one unpickling, so they are
    taken whole and summed up with itertools.accumulate.
    """
    while not matcher._atend:
        if matcher._data is None:
            matcher._read_data()
        ids = matcher._data[0]
        yield ids if matcher._byteids else accumulate(ids)
        matcher._next_block()


def _facet_bitmaps(reader, fieldname: str) -> dict[bytes, int]:
    """Every term's bitmap of a facet field in one segment, kept in a file beside the segment.

    Every search counts every theme and year, so a worker's first search
    would read every posting of those fields: seconds at a million posts.
    The file is written once by whichever process needs it first; Whoosh
    deletes it with the segment's other files when the segment is merged away.
    """
    segment = reader.segment()
    folder = getattr(reader.storage(), "folder", None)
    path = Path(folder) / f"{segment.segment_id()}.{fieldname}.bitmaps" if folder else None
    found = _read_bitmaps(path) if path else None
    if found is None:
        found = {text: _postings_bitmap(reader, fieldname, text) for text in reader.lexicon(fieldname)}
        if path:
            _write_bitmaps(path, found)
    for text, bits in found.items():
        remember(_term_key(reader, fieldname, text), bits)
    return found


def precompute_facets(searcher) -> None:
    """Write the facet files of every segment now (after a rebuild), not at the first search."""
    for reader, _ in _segments(searcher):
        for fieldname in FACET_FIELDS:
            _facet_bitmaps(reader, fieldname)


_MAGIC = b"forum-bitmaps-1\n"


def _write_bitmaps(path: Path, found: dict[bytes, int]) -> None:
    parts = [_MAGIC, struct.pack("<I", len(found))]
    for text, bits in found.items():
        data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
        parts += [struct.pack("<II", len(text), len(data)), text, data]
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        temporary.write_bytes(b"".join(parts))
        os.replace(temporary, path)
    except OSError:  # a read-only index still searches; it just counts the slow way
        temporary.unlink(missing_ok=True)


def _read_bitmaps(path: Path) -> dict[bytes, int] | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    try:
        if not data.startswith(_MAGIC):
            return None
        at = len(_MAGIC)
        (count,) = struct.unpack_from("<I", data, at)
        at += 4
        found = {}
        for _ in range(count):
            text_length, bits_length = struct.unpack_from("<II", data, at)
            at += 8
            text = data[at:at + text_length]
            at += text_length
            found[text] = int.from_bytes(data[at:at + bits_length], "little")
            at += bits_length
        return found if at == len(data) else None
    except struct.error:
        return None


def term_bits(searcher, fieldname: str, text, state: tuple | None = None, until: float | None = None) -> int:
    """Every live document of the searcher with the term; TimeLimit when it must be read past `until`."""
    field = searcher.schema[fieldname]
    btext = text if isinstance(text, bytes) else field.to_bytes(text)
    key = ("all", state or _state(searcher), fieldname, btext)
    bits = recall(key)
    if bits is None:
        # Only reading postings costs (a common word, tens of ms at 100,000 posts); kept ones don't.
        if until is not None and time.monotonic() >= until:
            raise TimeLimit()
        bits = 0
        for reader, offset in _segments(searcher):
            bits |= (segment_term(reader, fieldname, btext) & _live(reader)) << offset
        bits = remember(key, bits)
    return bits


def _walked_bits(searcher, query) -> int:
    """What bitmaps can't combine (a phrase needs word positions; a date range), walked by Whoosh.

    Walked once per segment, then kept like a term: a segment's matches
    change only with its deletions, which are part of the key.
    """
    bits = 0
    for subsearcher, offset in searcher.subsearchers or [(searcher, 0)]:
        segment = subsearcher.reader().segment()
        if segment is None:
            continue
        key = ("walked", *segment_key(segment), repr(query))
        found = recall(key)
        if found is None:
            found = remember(key, bitmap(query.docs(subsearcher), subsearcher.doc_count_all()))
        bits |= found << offset
    return bits


def all_bits(searcher) -> int:
    """Every live document."""
    bits = 0
    for reader, offset in _segments(searcher):
        bits |= _live(reader) << offset
    return bits


def query_bits(searcher, query, until: float | None = None) -> int:
    """The live documents a query matches; TimeLimit when a term must be read past `until` (monotonic)."""
    if query is None or query is wq.NullQuery:
        return 0
    kind = type(query)
    if kind is wq.Term:
        return term_bits(searcher, query.fieldname, query.text, until=until)
    if kind is wq.Every:
        return all_bits(searcher)
    if kind is wq.Not:
        return all_bits(searcher) & ~query_bits(searcher, query.query, until)
    if kind is wq.AndNot:
        return query_bits(searcher, query.a, until) & ~query_bits(searcher, query.b, until)
    if kind in (wq.And, wq.Or):
        parts = [query_bits(searcher, sub, until) for sub in query.subqueries]
        bits = parts[0] if parts else 0
        for part in parts[1:]:
            bits = bits & part if kind is wq.And else bits | part
        return bits
    if kind is wq.ConstantScoreQuery:
        return query_bits(searcher, query.child, until)
    return _walked_bits(searcher, query)


def counts_by_term(searcher, bits: int, fieldname: str) -> dict[str, int]:
    """How many of these documents have each term of a field (a facet: theme, year).

    Counted segment by segment, each term only over the bytes where its
    documents are: a month's posts sit close together in a segment, so at
    a million posts a theme spans about 1 KB of a 60 KB segment bitmap.
    ANDing the whole bitmaps of 120 themes took 13 ms a search.
    """
    counts: dict[str, int] = {}
    for reader, _, here in by_segment(searcher, bits):
        data = memoryview(here.to_bytes((reader.doc_count_all() + 7) // 8, "little"))
        for name, first, width, window in _windows(reader, fieldname):
            count = (int.from_bytes(data[first:first + width], "little") & window).bit_count()
            if count:
                counts[name] = counts.get(name, 0) + count
    return counts


def by_segment(searcher, bits: int) -> Iterator[tuple[object, int, int]]:
    """(segment reader, its offset, its part of the bitmap) for each segment with documents in it."""
    for reader, offset in _segments(searcher):
        here = (bits >> offset) & ((1 << reader.doc_count_all()) - 1)
        if here:
            yield reader, offset, here


def _windows(reader, fieldname: str) -> list[tuple[str, int, int, int]]:
    """Each term of a segment's field as (its name, first byte with one of its documents, bytes from
    there to its last, its bits from that byte on), made once a segment: looking up 120 themes' windows
    in the cache one by one was most of counting a search's facets."""
    key = (reader.segment().segment_id(), fieldname)
    with _lock:
        windows = _facet_windows.get(key)
    if windows is None:
        windows = []
        for btext in reader.lexicon(fieldname):
            bits = segment_term(reader, fieldname, btext)
            first = ((bits & -bits).bit_length() - 1) >> 3 if bits else 0
            window = bits >> (first << 3)
            windows.append((btext.decode("utf-8"), first, (window.bit_length() + 7) // 8, window))
        with _lock:
            if len(_facet_windows) > 256:
                _facet_windows.clear()
            _facet_windows[key] = windows
    return windows


class BitmapSet(DocIdSet):
    """A bitmap as the document set Whoosh's filter= takes (it asks only `in`, and whether it is empty)."""

    def __init__(self, bits: int):
        self._bits = bits
        self._bytes = bits.to_bytes((bits.bit_length() + 7) // 8 or 1, "little")

    def __contains__(self, docnum: int) -> bool:
        byte = docnum >> 3
        return byte < len(self._bytes) and bool(self._bytes[byte] >> (docnum & 7) & 1)

    def __bool__(self) -> bool:
        return bool(self._bits)

    def __len__(self) -> int:
        return self._bits.bit_count()
