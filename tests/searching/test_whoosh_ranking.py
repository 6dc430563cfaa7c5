"""Issue 36: a few known matches are scored without Whoosh's matchers, to the same floats and order.

One index, made once for the module: three segments (one with deletions),
words in the body, the thread's title and the question's asker, and posting
lists long enough to span several blocks of 128.
"""
from __future__ import annotations

import random
from collections import Counter

import pytest
from whoosh import query as wq
from whoosh.codec.whoosh3 import W3LeafMatcher

from search.request import SearchRequest
from search.whoosh_engine import candidates, docsets, newest, patches, querying
from search.whoosh_engine.index import RANKING, open_or_create, writer

# An index of its own and no database: once is enough, in the SQLite run.
pytestmark = [pytest.mark.whoosh_only, pytest.mark.sqlite_only]

patches.apply()  # what create_app does before any index is opened

WORDS = ["release", "substitutes", "master", "schedule", "feedback"]
FILLER = ["plan", "team", "lesson", "grade", "unit", "lab", "data", "week", "room"]
SEGMENTS, PER_SEGMENT = 3, 300


def _text(pick: random.Random, length: int) -> str:
    return " ".join(pick.choice(WORDS) if pick.random() < 0.25 else pick.choice(FILLER) for _ in range(length))


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    pick = random.Random(36)
    ix = open_or_create(tmp_path_factory.mktemp("whoosh-ranking"), may_create=lambda: True)
    for segment in range(SEGMENTS):  # a commit each: a segment each
        with writer(ix) as w:
            for n in range(segment * PER_SEGMENT, (segment + 1) * PER_SEGMENT):
                w.add_document(post_id=str(n), theme=f"theme-{n % 4}", author_id=str(n % 5),
                               body=_text(pick, pick.randint(3, 60)), thread_title=_text(pick, pick.randint(1, 8)),
                               asked_by=_text(pick, pick.randint(0, 3)))
            # Posts alike in every field score alike: their order is decided by document number.
            for n in range(3):
                w.add_document(post_id=f"twin-{segment}-{n}", theme="theme-0", author_id="0",
                               body="release substitutes master schedule", thread_title="release schedule")
    with writer(ix) as w:
        for n in range(0, PER_SEGMENT, 7):  # deletions in the first segment
            w.delete_by_term("post_id", str(n))
    docsets.forget()
    with ix.searcher(weighting=RANKING) as searcher:
        assert len(searcher.reader().leaf_readers()) == SEGMENTS
        yield searcher


# A phrase, words across the three fields, OR, an exclusion, filters by theme and author, and four words
# (And adds its parts up a tree too).
SEARCHES = [("release substitutes", (), ()), ('"master schedule"', (), ()), ("feedback", ("theme-1",), ()),
            ("release OR feedback", (), ()), ("schedule -feedback", (), ()),
            ('"release substitutes" master', ("theme-0", "theme-2"), ("1", "3")), ("substitutes release", (), ()),
            ("release substitutes schedule master", (), ())]


def _ranking(searcher, text: str, themes: tuple, authors: tuple):
    request = SearchRequest(text=text, theme_slugs=themes, author_ids=authors, resolved=True)
    words, filters = querying.build_parts(request)
    bits = docsets.query_bits(searcher, words)
    if filters is not None:
        bits &= docsets.query_bits(searcher, filters)
    return querying.ranked_without_positions(words), bits


def _whooshs_scores(searcher, query, bits: int) -> dict[int, float]:
    """Every match's score from Whoosh's own matcher tree, as the stepping path builds it."""
    found = {}
    for subsearcher, offset in searcher.leaf_searchers():
        matcher = query.matcher(subsearcher, subsearcher.context(needs_current=True))
        while matcher.is_active():
            if bits >> (offset + matcher.id()) & 1:
                found[offset + matcher.id()] = matcher.score()
            matcher.next()
    return found


def _scores_in_query_order(searcher, query, bits: int) -> dict[int, float]:
    """The same word scores, summed in the order the words are written instead of Whoosh's tree."""
    terms = [leaf for leaf in query.leaves() if isinstance(leaf, wq.Term)]
    summed: dict[int, float] = {}
    for term in terms:
        for docnum, score in _whooshs_scores(searcher, term, bits).items():
            summed[docnum] = summed.get(docnum, 0.0) + score
    return summed


@pytest.mark.parametrize("text, themes, authors", SEARCHES)
def test_every_score_is_whooshs_own_float(index, text, themes, authors):
    query, bits = _ranking(index, text, themes, authors)
    assert bits
    mine = candidates.scores(index, query, bits)
    assert mine is not None, "scored directly, not by Whoosh's matchers"
    assert mine == _whooshs_scores(index, query, bits)


def test_adding_in_another_order_would_change_scores(index):
    """What the test above guards: sums in the written order differ from Whoosh's in the last bit."""
    differ = 0
    for text, themes, authors in SEARCHES:
        query, bits = _ranking(index, text, themes, authors)
        theirs, naive = _whooshs_scores(index, query, bits), _scores_in_query_order(index, query, bits)
        differ += sum(naive[docnum] != score for docnum, score in theirs.items() if docnum in naive)
    assert differ


@pytest.mark.parametrize("text, themes, authors", SEARCHES)
def test_the_best_come_in_whooshs_order_ties_by_document_number(index, text, themes, authors):
    query, bits = _ranking(index, text, themes, authors)
    for limit in (1, 5, 20, 10_000):
        theirs = candidates._stepped(index, query, bits, limit, float("inf"))  # Whoosh's collector
        assert candidates.best(index, query, bits, limit, float("inf")) == theirs, limit


def test_equal_scores_are_ranked_by_document_number(index):
    query, bits = _ranking(index, "substitutes release", (), ())
    scores = candidates.scores(index, query, bits)
    ranked = candidates.best(index, query, bits, 10_000, float("inf"))
    tied = [docnum for docnum in ranked if Counter(scores.values())[scores[docnum]] > 1]
    assert len(tied) >= SEGMENTS * 3  # the twins at least
    for score in {scores[docnum] for docnum in tied}:
        alike = [docnum for docnum in ranked if scores[docnum] == score]
        assert alike == sorted(alike)


def test_a_query_it_cannot_score_is_ranked_by_whooshs_matcher(index):
    boosted = wq.Or([wq.Term("body", "release", boost=2.0), wq.Term("thread_title", "release")])
    bits = docsets.query_bits(index, boosted)
    assert candidates.scores(index, boosted, bits) is None
    ranked = candidates.best(index, boosted, bits, 20, float("inf"))
    assert ranked == [hit.docnum for hit in index.search(boosted, limit=20)]


def test_only_the_blocks_holding_matches_are_read_and_then_kept(index, monkeypatch):
    """Three posts among the 1,000 or so with a word that fills three blocks in each segment."""
    reads = []
    original = W3LeafMatcher._read_data
    monkeypatch.setattr(W3LeafMatcher, "_read_data", lambda self: reads.append(self._term) or original(self))
    query = wq.Term("body", "plan")
    every = list(newest.set_bits(docsets.query_bits(index, query)))
    assert len(every) > 3 * 128
    few = (1 << every[0]) | (1 << every[len(every) // 2]) | (1 << every[-1])
    docsets.forget()
    docsets.query_bits(index, query)  # as a search finds its matches first: the term's bitmaps are read whole
    reads.clear()
    ranked = candidates.best(index, query, few, 20, float("inf"))
    assert sorted(ranked) == [every[0], every[len(every) // 2], every[-1]]
    assert 1 <= len(reads) <= 3
    reads.clear()
    candidates.best(index, query, few, 20, float("inf"))
    assert reads == []  # kept: a segment's postings never change


def test_set_bits_lists_sparse_and_dense_bitmaps_in_order():
    pick = random.Random(5)
    for size, count in ((40_000, 3), (40_000, 500), (40_000, 20_000), (64, 64)):
        positions = sorted(pick.sample(range(size), count))
        assert list(newest.set_bits(sum(1 << n for n in positions))) == positions
    assert list(newest.set_bits(0)) == []


def test_a_phrase_is_ranked_without_reading_its_words_postings_whole(index, monkeypatch):
    """The phrase's matches are known from walking it; its words' bitmaps would read every block."""
    reads = []
    original = W3LeafMatcher._read_data
    monkeypatch.setattr(W3LeafMatcher, "_read_data", lambda self: reads.append(self._term) or original(self))
    docsets.forget()
    query, bits = _ranking(index, '"master schedule"', (), ())
    two = list(newest.set_bits(bits))[:2]
    reads.clear()
    ranked = candidates.best(index, query, (1 << two[0]) | (1 << two[1]), 20, float("inf"))
    assert sorted(ranked) == two
    assert len(reads) <= 2 * 6  # at most a block for each match in each word's posting list of each field
    for reader, _ in index.reader().leaf_readers():
        assert docsets.kept_segment_term(reader, "body", b"master") is None


def test_scoring_directly_makes_a_fraction_of_the_python_calls_of_stepping_whooshs_matchers(index):
    """The deterministic measure behind the benchmark's times (bench/RESULTS.md): Python calls a ranking."""
    import cProfile
    import pstats

    query, bits = _ranking(index, "release substitutes", (), ())
    candidates.best(index, query, bits, 20, float("inf"))  # blocks read and kept, as in a warm worker

    def calls(rank) -> int:
        profile = cProfile.Profile()
        profile.runcall(rank, index, query, bits, 20, float("inf"))
        return pstats.Stats(profile).total_calls

    assert bits.bit_count() > 50
    assert calls(candidates.best) * 5 < calls(candidates._stepped)
