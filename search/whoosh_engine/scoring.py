"""Whoosh's BM25F ranking, with each segment's field lengths read once.

Whoosh's scorer asks for a document's field length through four layers
of Python (reader, per-document reader, column, file) for every document
it scores: about a third of a common word's search at 100k posts. A
segment's files never change once written, so its lengths column (one
byte a document) is read once and kept beside the reader.
The arithmetic is Whoosh's own, term for term, so every score is the
same float as before (a test holds us to that).
"""
from __future__ import annotations

from array import array

from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.scoring import BM25F, BM25FScorer
from whoosh.util.numeric import byte_to_length

from .segment_values import column_values, kept


def field_lengths(reader, fieldname: str) -> array | None:
    """The length byte of every document of one segment in one field, or None if it has none."""
    def read(reader):
        column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)
        return None if column is None else column_values(column, "B", reader.doc_count_all())

    return kept(reader, f"lengths of {fieldname}", read)


class _KeptLengthsScorer(BM25FScorer):
    def __init__(self, searcher, fieldname, text, B, K1, qf, lengths: array):
        super().__init__(searcher, fieldname, text, B, K1, qf=qf)
        self._lengths = lengths
        self._k1_plus_1 = K1 + 1
        # The length part of bm25()'s denominator for each length byte. Whoosh
        # reads a 0 byte as "no length", which the caller turns into 1.
        self._length_parts = [K1 * ((1 - B) + B * (byte_to_length(code) if code else 1) / self.avgfl)
                              for code in range(256)]

    def score(self, matcher):
        weight = matcher.weight()
        return self.idf * ((weight * self._k1_plus_1)
                           / (weight + self._length_parts[self._lengths[matcher.id()]]))


class KeptLengthsBM25F(BM25F):
    """BM25F as Whoosh defines it; segment scorers use lengths kept in memory."""

    def scorer(self, searcher, fieldname, text, qf=1):
        # The searcher of the whole index makes a scorer too, for its global
        # figures; only a single segment's searcher has lengths to keep.
        if not searcher.schema[fieldname].scorable or not searcher.is_atomic():
            return super().scorer(searcher, fieldname, text, qf=qf)
        lengths = field_lengths(searcher.reader(), fieldname)
        if lengths is None:
            return super().scorer(searcher, fieldname, text, qf=qf)
        return _KeptLengthsScorer(searcher, fieldname, text, self._field_B.get(fieldname, self.B),
                                  self.K1, qf, lengths)
