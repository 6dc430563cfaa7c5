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
from functools import lru_cache

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
        self._length_parts = _length_parts(K1, B, self.avgfl)

    def score(self, matcher):
        weight = matcher.weight()
        return self.idf * ((weight * self._k1_plus_1)
                           / (weight + self._length_parts[self._lengths[matcher.id()]]))


class TermScores:
    """One word's BM25F scores in one segment's field from its weights alone, as _KeptLengthsScorer
    gives them, for ranking documents without a matcher (candidates.py). Made with Whoosh's own
    idf and average length, without the term look-up a scorer makes for Whoosh's block skipping."""

    __slots__ = ("idf", "k1_plus_1", "length_parts", "lengths")

    def __init__(self, searcher, fieldname, text, B, K1, lengths: array):
        parent = searcher.get_parent()  # as BM25FScorer: the figures of the whole index
        self.idf = parent.idf(fieldname, text)
        self.k1_plus_1 = K1 + 1
        self.length_parts = _length_parts(K1, B, parent.avg_field_length(fieldname) or 1)
        self.lengths = lengths

    def scores(self, docnums, weights) -> list[float]:
        """The score of each document with the word's weight in it: _KeptLengthsScorer.score's sum."""
        idf, k1_plus_1, parts, lengths = self.idf, self.k1_plus_1, self.length_parts, self.lengths
        return [idf * ((weight * k1_plus_1) / (weight + parts[lengths[docnum]]))
                for docnum, weight in zip(docnums, weights)]


@lru_cache(maxsize=64)
def _length_parts(K1: float, B: float, average: float) -> tuple[float, ...]:
    """The length part of bm25()'s denominator for each length byte, for one field's average length.

    Made once per field and index state, not for every scorer: a two-word search makes six scorers a
    segment, and 256 of these cost a few hundred microseconds each time. Whoosh reads a 0 byte as
    "no length", which the caller turns into 1.
    """
    return tuple(K1 * ((1 - B) + B * (byte_to_length(code) if code else 1) / average) for code in range(256))


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

    def term_scores(self, searcher, fieldname: str, text: bytes) -> TermScores | None:
        """What scores the word in one segment's field without a matcher, or None where its scorer
        would not be ours (see scorer())."""
        if not searcher.schema[fieldname].scorable or not searcher.is_atomic():
            return None
        lengths = field_lengths(searcher.reader(), fieldname)
        if lengths is None:
            return None
        return TermScores(searcher, fieldname, text, self._field_B.get(fieldname, self.B), self.K1, lengths)
