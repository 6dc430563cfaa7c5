"""Newest first: the latest matches, picked from their bitmap by each segment's creation times.

Whoosh sorts by a column by reading every match's value through the
column reader, a few Python calls each: 1.1 s for a common word at a
million posts. The matches are already a bitmap (docsets), so each
segment's `created` column (its files never change) is read once into an
array, and the newest are picked with heapq. The order is Whoosh's:
newest first, and between equal times the later document first.
"""
from __future__ import annotations

import heapq
import sys
import threading
import weakref
from array import array
from typing import Iterator

from .docsets import by_segment

FIELD = "created"

# Per segment reader: kept as long as the reader is, dropped with it.
_segments: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
_lock = threading.Lock()
# The positions of the set bits of every byte value.
_BITS = [tuple(bit for bit in range(8) if value >> bit & 1) for value in range(256)]


def newest(searcher, bits: int, limit: int) -> list[int]:
    """The document numbers of the `limit` newest documents in `bits`, newest first."""
    candidates: list[tuple[int, int]] = []
    for reader, offset, here in by_segment(searcher, bits):
        times = _kept(reader).times
        count, size = here.bit_count(), reader.doc_count_all()
        if limit * size < count * count:
            # Many matches: walking the segment newest first meets `limit`
            # of them after about limit * size / count documents, far fewer
            # than listing every match.
            local = _walk_newest(reader, here, limit)
        else:
            local = set_bits(here)
        candidates += heapq.nlargest(limit, ((times[docnum], offset + docnum) for docnum in local))
    return [docnum for _, docnum in heapq.nlargest(limit, candidates)]


def _walk_newest(reader, bits: int, limit: int) -> list[int]:
    data = bits.to_bytes((reader.doc_count_all() + 7) // 8, "little")
    found = []
    for docnum in _kept(reader).newest_first():
        if data[docnum >> 3] >> (docnum & 7) & 1:
            found.append(docnum)
            if len(found) == limit:
                break
    return found


def set_bits(bits: int) -> Iterator[int]:
    """The positions of a bitmap's set bits, in order."""
    data = bits.to_bytes((bits.bit_length() + 7) // 8, "little")
    for index, value in enumerate(data):
        if value:
            base = index << 3
            for bit in _BITS[value]:
                yield base + bit


class _Segment:
    """One segment's creation times, and (made when first needed) its documents newest first."""

    def __init__(self, times: array):
        self.times = times
        self._order: array | None = None

    def newest_first(self) -> array:
        if self._order is None:
            # Sorting from the last document down, so that the stable sort
            # puts the later of two equal times first, as Whoosh does.
            self._order = array("I", sorted(range(len(self.times) - 1, -1, -1),
                                            key=self.times.__getitem__, reverse=True))
        return self._order


def _kept(reader) -> _Segment:
    with _lock:
        found = _segments.get(reader)
        if found is None:
            found = _segments[reader] = _Segment(_read_column(reader))
        return found


def _read_column(reader) -> array:
    # The sort keys Whoosh itself compares: the column's raw numbers.
    column = reader.column_reader(FIELD, translate=False)
    count = reader.doc_count_all()
    if getattr(column, "_typecode", None) == "Q":
        # Stored as big-endian 8-byte numbers: read in one go, not one unpack a document.
        values = array("Q", column._dbfile.get(column._basepos, column._count * 8))
        if sys.byteorder == "little":
            values.byteswap()
        values.extend([column._default] * (count - len(values)))
    else:
        values = array("Q", (column.sort_key(docnum) for docnum in range(count)))
    return values
