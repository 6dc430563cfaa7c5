"""Ranking only the documents already known to match, when they are few.

Every search first finds its matches as a bitmap (docsets: exact phrases,
filters and exclusions included). Whoosh's own ranking pass then walks the
postings of every word in every field, in Python: "release substitutes"
walks both words' postings in three fields to rank the 1,878 posts that
have both, and a theme filter walks every post with "feedback" to rank the
123 of them in the theme.

So the known matches are scored directly: for each word of the query in
each field, the matches that have it and their weights, from the posting
blocks where they would be (postings.py), and Whoosh's BM25F score from
the kept field lengths (scoring.py). Whoosh adds a document's word
scores up a tree of matchers that it builds per segment, pairing the
rarest parts first; adding in another order could change a sum in its
last bit, and so the order of two nearly equal posts. The same tree is
built here from the same estimates, so each score is Whoosh's own float
(a test compares them), and the best `limit` are kept as Whoosh's
collector keeps them: by score, then the lower document number.

Queries of another shape (a boost, a weighting other than ours) are
ranked by moving Whoosh's own matcher from one known match to the next.
"""
from __future__ import annotations

import heapq
import time as clock
from bisect import bisect_right

from whoosh import query as wq
from whoosh.collectors import TimeLimit

from ..request import SearchTimedOut
from . import docsets, postings
from .newest import set_bits

# Past this many matches, Whoosh's own pass (with its block-quality skipping) costs no more than
# scoring every match.
UP_TO = 5000
# Or joins this many parts or more with a matcher that sums in another order (Whoosh's Or.TOO_MANY_CLAUSES).
_MANY_PARTS = wq.Or.TOO_MANY_CLAUSES

# A node of a segment's matcher tree: ("term", fieldname, bytes, scoring.TermScores), ("none",), ("either", a, b),
# ("both", a, b) or ("unless", a): the shape of Whoosh's UnionMatcher, IntersectionMatcher and
# AndNotMatcher trees, whose scores are a + b where both sides match, and a's alone for "unless".
Node = tuple


def best(searcher, query, bits: int, limit: int, until: float) -> list[int]:
    """The document numbers of the best `limit` documents of `bits` by `query`'s score, best first;
    every document in `bits` must match `query` (a superset of them may). SearchTimedOut past `until`."""
    found = scores(searcher, query, bits, until)
    if found is None:
        return _stepped(searcher, query, bits, limit, until)
    # Whoosh's collector keeps the best scores, the lower document number first between equal ones.
    return [-negated for _, negated in heapq.nlargest(limit, ((score, -docnum) for docnum, score in found.items()))]


def scores(searcher, query, bits: int, until: float = float("inf")) -> dict[int, float] | None:
    """Each document of `bits` that matches `query`, with the score Whoosh's matcher would give it;
    None for a query this can't score (see the module's docstring). SearchTimedOut past `until`."""
    try:
        trees = _trees(searcher, query, bits) if _scorable(query) else None
        if trees is None:
            return None
        found: dict[int, float] = {}
        for reader, offset, here, tree in trees:
            if clock.monotonic() >= until:
                raise SearchTimedOut()
            scored = _scores(tree, reader, here, {}, until)
            found.update((offset + docnum, score) for docnum, score in scored.items())
        return found
    except TimeLimit:
        raise SearchTimedOut() from None


def _scorable(query) -> bool:
    """Whether the query's scores can be added up here as Whoosh adds them."""
    kind = type(query)
    if kind is wq.Term:
        return query.boost == 1.0
    if kind is wq.AndNot:
        return _scorable(query.a)
    if kind in (wq.And, wq.Or):
        if query.boost != 1.0 or len(query.subqueries) >= _MANY_PARTS:
            return False
        if kind is wq.Or and query.scale:
            return False
        return all(_scorable(part) for part in query.subqueries)
    return False


def _trees(searcher, query, bits: int) -> list | None:
    """(segment reader, offset, its matches, its matcher tree) for each segment with matches, or None
    when a word's scores need Whoosh's matcher (a field without kept lengths, another weighting)."""
    term_scores = getattr(searcher.weighting, "term_scores", None)
    if term_scores is None:
        return None
    found = []
    for subsearcher, offset in searcher.leaf_searchers():
        here = (bits >> offset) & ((1 << subsearcher.doc_count_all()) - 1)
        if not here:
            continue
        tree, _ = _tree(subsearcher, subsearcher.reader(), term_scores, query)
        if tree is None:
            return None
        found.append((subsearcher.reader(), offset, here, tree))
    return found


def _tree(subsearcher, reader, term_scores, query) -> tuple[Node | None, int]:
    """The shape of the matcher Whoosh's query.matcher() builds on this segment (whoosh/query/compound.py),
    and the query's estimate_size() there, which decides that shape."""
    kind = type(query)
    if kind is wq.Term:
        if query.fieldname not in subsearcher.schema:
            return ("none",), 0
        try:
            btext = subsearcher.schema[query.fieldname].to_bytes(query.text)
        except ValueError:
            return ("none",), 0
        # One look-up in the term table: none of the postings when the segment lacks the word.
        count = reader.doc_frequency(query.fieldname, btext)
        if not count:
            return ("none",), 0
        scores = term_scores(subsearcher, query.fieldname, btext)
        return (None if scores is None else ("term", query.fieldname, btext, scores)), count
    if kind is wq.AndNot:
        positive, estimate = _tree(subsearcher, reader, term_scores, query.a)
        estimate = min(estimate + query.b.estimate_size(reader), reader.doc_count())
        return (None if positive is None else ("unless", positive)), estimate
    parts = query.subqueries
    if not parts:
        return ("none",), 0
    trees = [_tree(subsearcher, reader, term_scores, part) for part in parts]
    if kind is wq.Or:
        estimate = min(sum(size for _, size in trees), reader.doc_count())
    else:
        estimate = min(size for _, size in trees)
    if any(tree is None for tree, _ in trees):
        return None, estimate
    if len(trees) == 1:  # one part: its own matcher
        return trees[0][0], estimate
    if kind is wq.Or:  # the smallest parts are paired first
        return _weighted_tree("either", [(size, tree) for tree, size in trees]), estimate
    # And pairs the largest first: Whoosh weighs its parts by their negated sizes.
    return _weighted_tree("both", [(-size, tree) for tree, size in trees]), estimate


def _weighted_tree(name: str, weighted: list[tuple[int, Node]]) -> Node:
    """whoosh.util.make_weighted_tree as it behaves on matchers.

    It sorts (weight, matcher) pairs and inserts each new pair with
    bisect.insort; Whoosh's matchers compare neither less nor greater
    than each other, so both come down to the weights alone: a stable
    sort, and an insertion after every pair of the same weight.
    """
    weighted = sorted(weighted, key=lambda pair: pair[0])
    while len(weighted) > 1:
        (first_weight, first), (second_weight, second) = weighted[0], weighted[1]
        del weighted[:2]
        weight = first_weight + second_weight
        at = bisect_right([pair[0] for pair in weighted], weight)
        weighted.insert(at, (weight, (name, first, second)))
    return weighted[0][1]


def _scores(tree: Node, reader, here: int, terms: dict, until: float) -> dict[int, float]:
    """Each matching document of the segment's `here` with its score, as the matcher tree adds it up."""
    kind = tree[0]
    if kind == "term":
        _, fieldname, btext, scores = tree
        if (fieldname, btext) not in terms:  # a word asked twice is scored once
            # The word's bitmap, when kept, says which blocks hold none of `here`; a phrase's words
            # have none (the phrase was walked), and reading all their postings for one cost more
            # than looking in the blocks where `here` would be.
            kept = docsets.kept_segment_term(reader, fieldname, btext)
            wanted = list(set_bits(here if kept is None else here & kept))
            docnums, weights = postings.weights(reader, fieldname, btext, wanted, until)
            terms[fieldname, btext] = dict(zip(docnums, scores.scores(docnums, weights)))
        return terms[fieldname, btext]
    if kind == "none":
        return {}
    if kind == "unless":  # the left-out documents are not in `here`
        return _scores(tree[1], reader, here, terms, until)
    first = _scores(tree[1], reader, here, terms, until)
    second = _scores(tree[2], reader, here, terms, until)
    if kind == "both":
        return {docnum: score + second[docnum] for docnum, score in first.items() if docnum in second}
    if not first or not second:
        return second or first
    either = dict(first)
    for docnum, score in second.items():
        either[docnum] = either[docnum] + score if docnum in either else score
    return either


def _stepped(searcher, query, bits: int, limit: int, until: float) -> list[int]:
    """The same ranking by Whoosh's own matcher, moved with skip_to() from one known match to the next:
    a posting block is decoded only where a match sits, and only matches are scored."""
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
