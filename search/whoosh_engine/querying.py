"""Running a search on Whoosh: parse, filter, rank, page, highlight, facets, suggestions.

Wildcards and fuzzy terms are switched off in the parser (search.request
takes them out of what people type with a message), since a single `*`
or `s*` made Whoosh work for seconds at 100k posts.
"""
from __future__ import annotations

import time as clock
from datetime import date, datetime, time, timedelta

from flask import current_app
from whoosh import query as wq
from whoosh.collectors import FilterCollector, TimeLimit, WrappingCollector

from .. import parsing, snippets, spelling
from ..request import EARLIEST, MAX_PAGE, PER_PAGE, Hit, SearchRequest, SearchResults, SearchTimedOut, respell
from . import candidates, docsets, newest

FIELDS = ("body", "thread_title", "asked_by")  # what words are looked for in
CANDIDATES = 12  # spellings offered to search.spelling for "did you mean"


def compiled(node: parsing.Node | None):
    """A parsed search as Whoosh's query objects: each word or phrase in any of FIELDS."""
    if node is None:
        return None
    if isinstance(node, parsing.Word):
        return wq.Or([wq.Term(name, node.term) for name in FIELDS])
    if isinstance(node, parsing.Phrase):
        return wq.Or([wq.Phrase(name, list(node.terms)) for name in FIELDS])
    if isinstance(node, parsing.Without):
        return wq.AndNot(compiled(node.wanted), compiled(node.unwanted))
    kind = wq.And if isinstance(node, parsing.All) else wq.Or
    return kind([compiled(part) for part in node.parts])


def _months_between(first: date, last: date) -> list[str]:
    months, year, month = [], first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _date_filter(request: SearchRequest):
    """Posts written between two dates, mostly as month terms.

    A DateRange alone walks every matching date term in Python; whole
    months are single terms, so only the partial months at the ends use
    a DateRange, and then only within their month.
    """
    if not request.date_from and not request.date_to:
        return None
    # Open ends stop at dates no post can be outside of.
    first = request.date_from or EARLIEST
    last = request.date_to or date.today() + timedelta(days=1)
    start = datetime.combine(first, time.min)
    end = datetime.combine(last + timedelta(days=1), time.min) - timedelta(microseconds=1)
    parts = []
    months = _months_between(first, last)
    if len(months) > 600:  # a range wider than fifty years: one DateRange will do
        return wq.DateRange("created", start, end)
    for n, month in enumerate(months):
        term = wq.Term("month", month)
        partial = (n == 0 and first.day != 1) or (n == len(months) - 1 and
                                                   (last + timedelta(days=1)).day != 1)
        parts.append(wq.And([term, wq.DateRange("created", start, end)]) if partial else term)
    return wq.Or(parts)


def _combine(parts: list):
    if not parts:
        return None
    return wq.And(parts).normalize() if len(parts) > 1 else parts[0].normalize()


def build_parts(request: SearchRequest, node: parsing.Node | None = None):
    """(words, filters): what ranks the results, and what only narrows them.

    Filters (author, theme, dates) never add to a post's score, so
    narrowing a search doesn't reorder what is left.
    """
    words = compiled(node if node is not None else parsing.parse(request.text))
    filters = []
    if request.author_ids:
        filters.append(wq.Or([wq.Term("author_id", str(member)) for member in request.author_ids]))
    if request.theme_slugs:
        filters.append(wq.Or([wq.Term("theme", slug) for slug in request.theme_slugs]))
    if request.thread_id is not None:
        filters.append(wq.Term("thread_id", request.thread_id))
    dates = _date_filter(request)
    if dates is not None:
        filters.append(dates)
    return words, _combine(filters)


def build_query(request: SearchRequest):
    """Everything a request asks for as one query (for counting), or None when it asks nothing."""
    words, filters = build_parts(request)
    return _combine([part for part in (words, filters) if part is not None])


class DeadlineCollector(WrappingCollector):
    """Stops a ranking pass at a deadline: Whoosh raises TimeLimit at the first match found after it.

    Whoosh's own TimeLimitCollector starts a timer thread per search (and
    by default a SIGALRM, which only the main thread may take), and checks
    the time in collect_matches(), which a FilterCollector around it never
    calls. This one is the innermost collector and checks at each match.
    """

    def __init__(self, child, deadline: float):
        super().__init__(child)
        self.deadline = deadline

    def matches(self):
        deadline, now = self.deadline, clock.monotonic
        for sub_docnum in self.child.matches():
            if now() >= deadline:
                raise TimeLimit()
            yield sub_docnum

    def collect_matches(self):
        collect = self.child.collect
        for sub_docnum in self.matches():
            collect(sub_docnum)


def ranked(searcher, query, limit: int, deadline: float, allow=None) -> list[int]:
    """The document numbers of the best `limit` matches (only those in `allow`, when given);
    SearchTimedOut past the deadline."""
    collector = DeadlineCollector(searcher.collector(limit=limit), deadline)
    if allow is not None:
        collector = FilterCollector(collector, allow)
    try:
        searcher.search_with_collector(query, collector)
    except TimeLimit:
        raise SearchTimedOut() from None
    return [hit.docnum for hit in collector.results()]


def deadline() -> float:
    """When a search starting now must have finished ranking (SEARCH_TIME_LIMIT_MS from now)."""
    return clock.monotonic() + current_app.config["SEARCH_TIME_LIMIT_MS"] / 1000


def _search(searcher, words, filters, limit: int, newest_first: bool,
            until: float = float("inf")) -> tuple[list[int], int]:
    """(the document numbers of the first `limit` results in order, a bitmap of every match)."""
    if words is None:
        # Filters alone rank nothing: run them as the query, not over every post.
        words, filters = filters, None
    try:
        every = docsets.query_bits(searcher, words, until)
        if filters is not None:
            every &= docsets.query_bits(searcher, filters, until)
    except TimeLimit:
        raise SearchTimedOut() from None
    if not every:
        # Nothing matches: don't ask Whoosh for the best of nothing (6 ms at a
        # million posts). Whoosh would also take an empty filter for no filter.
        return [], 0
    if newest_first:
        return newest.newest(searcher, every, limit), every
    ranking = ranked_without_positions(words)
    if every.bit_count() <= candidates.UP_TO:
        return candidates.best(searcher, ranking, every, limit, until), every
    allow = None if filters is None and ranking is words else docsets.BitmapSet(every)
    return ranked(searcher, ranking, limit, until, allow), every


def ranked_without_positions(query):
    """The query with each phrase as all of its words, for ranking only (the same query when it has none).

    Whoosh scores a phrase as the sum of its words' scores, but checks the
    words' positions in every document it considers: "K-2" (the term k2 or
    the phrase "k 2") took 100 ms at 100,000 posts, almost all of it there.
    The exact matches are already known as a bitmap (docsets walks each
    phrase once per segment and keeps it), so the ranking pass gets them as
    its filter and may rank a superset of them: the same scores, no positions.
    """
    if not any(isinstance(leaf, wq.Phrase) for leaf in query.leaves()):
        return query
    return _relaxed(query)


def _relaxed(query):
    if isinstance(query, wq.Phrase):
        return wq.And([wq.Term(query.fieldname, word) for word in query.words])
    if isinstance(query, (wq.And, wq.Or)):
        return type(query)([_relaxed(part) for part in query.subqueries])
    if isinstance(query, wq.AndNot):  # what is left out is in the filter already
        return _relaxed(query.a)
    return query


def run(searcher, request: SearchRequest, bodies) -> SearchResults:
    """Search; `bodies(post_ids)` gives the plain text of posts for snippets. SearchTimedOut when
    ranking runs past SEARCH_TIME_LIMIT_MS."""
    until = deadline()
    node = parsing.parse(request.text)
    words, filters = build_parts(request, node)
    if words is None and filters is None:
        return SearchResults()
    page = min(max(request.page, 1), MAX_PAGE)
    # Filters alone (an author's posts, say) have nothing to rank by: newest first then.
    newest_first = request.newest_first or words is None
    limit = page * PER_PAGE
    found, every = _search(searcher, words, filters, limit, newest_first, until)
    total = every.bit_count()
    by_theme = docsets.counts_by_term(searcher, every, "theme") if total else {}
    by_year = docsets.counts_by_term(searcher, every, "year") if total else {}
    ids = [int(searcher.stored_fields(docnum)["post_id"]) for docnum in found[(page - 1) * PER_PAGE: limit]]
    texts = bodies(ids)
    marked = parsing.wanted_terms(node)
    hits = [Hit(post_id, snippets.snippet(texts.get(post_id, ""), marked)) for post_id in ids]
    out = SearchResults(
        hits=hits, total=total, page=page,
        pages=min(MAX_PAGE, -(-total // PER_PAGE)),
        by_theme=sorted(by_theme.items(), key=lambda item: (-item[1], item[0])),
        by_year=sorted(by_year.items(), reverse=True),
    )
    if total == 0:
        out.suggestion = suggest(searcher, request, until)
    return out


def suggest(searcher, request: SearchRequest, until: float | None = None) -> str | None:
    """A corrected query that has results, for "Did you mean"; none when finding it would run past `until`.

    Each word whose stem the index doesn't know is replaced by the closest
    word from the unstemmed spelling field, so suggestions are real words
    ("schedule"), not stems ("schedul").
    """
    text = request.text
    if not text:
        return None
    corrector = searcher.corrector("body")

    def known(word: str) -> bool:
        found = compiled(parsing.parse(word))
        return found is None or bool(docsets.query_bits(searcher, found, until))  # None: a stop word

    def nearest(word: str) -> str | None:
        return spelling.nearest(word, corrector.suggest(word, limit=CANDIDATES, maxdist=2, prefix=1))

    try:
        suggestion = respell(text, known, nearest)
        corrected = build_query(SearchRequest(text=suggestion)) if suggestion else None
        # Whether anything matches, not what: a scored search of a common word cost 60 ms.
        if corrected is None or not docsets.query_bits(searcher, corrected, until):
            return None
    except TimeLimit:  # twelve misspelt common words, in a new worker: 380 ms at 100,000 posts
        return None
    return suggestion
