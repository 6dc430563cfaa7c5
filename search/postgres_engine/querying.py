"""Running a search on PostgreSQL: the first matches (which count a narrow search exactly), then the page.

What people type is parsed by search.parsing, as for Whoosh, and written
as a tsquery of our own terms (the documents hold the same terms, see
writing.py). Author, theme and dates narrow without changing the rank.
Every statement runs under SEARCH_STATEMENT_TIMEOUT_MS, so no query can
hold a connection for long.

PostgreSQL reads every matching row to count matches and to rank them:
a word in a third of a million posts took 0.5 s to count and 0.6 s to
rank. So a search is first asked for its first SEARCH_EXACT_COUNT_UP_TO
+ 1 matches (post, theme and year only). Up to that many, they are the
exact counts, and the page ranks every match, read by primary key rather
than found again (for a phrase, that is checking the words' positions in
every post holding them a second time). Past it, the search is
broad: its counts are estimated from a fixed sample of the table's pages
(shown as "about"), and its results are the best-ranked of its newest
MAX_PAGE × PER_PAGE matches, as deep as pages go. At a million posts
that is about 30 ms for the first matches, 30 ms for the sample and
10 to 70 ms for the page (docs/search.md).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from time import monotonic
from datetime import datetime, time, timedelta
from typing import Iterator

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from forum.core.database import recorded_statements
from forum.core.extensions import db

from .. import parsing, snippets
from ..request import MAX_PAGE, PER_PAGE, Hit, SearchRequest, SearchResults, SearchTimedOut
from .suggesting import suggest
from .writing import quoted

QUERY_CANCELED = "57014"  # PostgreSQL's SQLSTATE for a statement stopped by statement_timeout


def tsquery(node: parsing.Node | None) -> str | None:
    """A parsed search as tsquery text, or None when it looks for nothing."""
    if node is None:
        return None
    if isinstance(node, parsing.Word):
        return quoted(node.term)
    if isinstance(node, parsing.Phrase):
        return "(" + " <-> ".join(quoted(term) for term in node.terms) + ")"
    if isinstance(node, parsing.Without):
        return f"({tsquery(node.wanted)}) & !({tsquery(node.unwanted)})"
    joiner = " & " if isinstance(node, parsing.All) else " | "
    return "(" + joiner.join(tsquery(part) for part in node.parts) + ")"


class _Where:
    """The conditions of one search, as SQL with bound parameters (never typed text in the SQL)."""

    def __init__(self, request: SearchRequest, tsquery: str | None):
        self.sql, self.params = [], {}
        if tsquery is not None:
            self.sql.append("words @@ CAST(:tsquery AS tsquery)")
            self.params["tsquery"] = tsquery
        if request.author_ids:
            self.sql.append("author_id = ANY(:authors)")
            self.params["authors"] = list(request.author_ids)
        if request.theme_slugs:
            self.sql.append("theme_slug = ANY(:themes)")
            self.params["themes"] = list(request.theme_slugs)
        if request.thread_id is not None:
            self.sql.append("thread_id = :thread")
            self.params["thread"] = request.thread_id
        if request.date_from:
            self.sql.append("created_at >= :start")
            self.params["start"] = datetime.combine(request.date_from, time.min)
        if request.date_to:
            self.sql.append("created_at < :end")
            self.params["end"] = datetime.combine(request.date_to + timedelta(days=1), time.min)

    def __str__(self) -> str:
        return " AND ".join(self.sql)


@dataclass
class _Plan:
    """A request made ready to run: its words, their tsquery, its conditions and its page."""

    words: str
    node: parsing.Node | None
    where: _Where
    ranked: bool  # by rank, or newest first
    offset: int
    page: int

    @classmethod
    def of(cls, request: SearchRequest) -> _Plan:
        node = parsing.parse(request.text)
        found = tsquery(node)
        page = min(max(request.page, 1), MAX_PAGE)
        return cls(request.text, node, _Where(request, found),
                   ranked=found is not None and not request.newest_first, offset=(page - 1) * PER_PAGE,
                   page=page)


@contextmanager
def _time_limit() -> Iterator[None]:
    """The statements inside run under the search time limit; a search past it raises SearchTimedOut."""
    limit = str(int(current_app.config["SEARCH_STATEMENT_TIMEOUT_MS"]))
    changed = {
        "statement_timeout": limit,
        # psycopg prepares a statement run five times; PostgreSQL then plans it
        # once for any words, without knowing how many posts they match, and
        # chose a plan that doubled a common word's search (0.7 s to 1.4 s).
        "plan_cache_mode": "force_custom_plan",
        # Compiling a search's expressions took 7 to 50 ms at a million posts
        # and saved nothing.
        "jit": "off",
    }
    before = _set(changed)
    try:
        yield
    except OperationalError as error:
        if getattr(error.orig, "sqlstate", None) != QUERY_CANCELED:
            raise
        db.session.rollback()
        raise SearchTimedOut() from None
    _set(before)


def _set(settings: dict[str, str]) -> dict[str, str]:
    """Change settings until the transaction ends; returns what they were."""
    names = sorted(settings)
    params = {f"name{n}": name for n, name in enumerate(names)} | \
        {f"value{n}": settings[name] for n, name in enumerate(names)}
    row = db.session.execute(_setting(len(names)), params).first()
    return {name: row[2 * n] for n, name in enumerate(names)}


@cache
def _setting(count: int):
    """The statement of _set for `count` settings, made once: a new text() each time was compiled
    each time, two thirds of what setting and restoring the search's limits cost."""
    shown = ", ".join(f"current_setting(:name{n}), set_config(:name{n}, :value{n}, true)" for n in range(count))
    return text(f"SELECT {shown}")


# How many rows the sample of a broad search reads: 2 % of the pages at a million posts.
SAMPLE_ROWS = 20_000
# The same pages for every broad search, so that its counts agree from one page of results to the next.
SAMPLE_SEED = 1
# A broad search ranks its newest matches, as many as its pages can show.
BROAD_RANKED = MAX_PAGE * PER_PAGE

Counts = tuple[int, dict[str, int], dict[str, int]]


def _first_matches_statement(where: _Where, limit: int):
    return text(f"SELECT post_id, theme_slug, year FROM search_documents WHERE {where} LIMIT :first"), \
        {**where.params, "first": limit}


def _counted(rows) -> Counts:
    by_theme, by_year = {}, {}
    for _, theme, year in rows:
        by_theme[theme] = by_theme.get(theme, 0) + 1
        by_year[str(year)] = by_year.get(str(year), 0) + 1
    return len(rows), by_theme, by_year


def _sample_statement(where: _Where, percent: float):
    # By (theme, year) pairs, added up here; the rows sampled are counted too, to scale up.
    return text(f"SELECT theme_slug, year, count(*) FILTER (WHERE {where}), count(*) "
                "FROM search_documents TABLESAMPLE SYSTEM (:percent) REPEATABLE (:seed) "
                "GROUP BY theme_slug, year"), {**where.params, "percent": percent, "seed": SAMPLE_SEED}


def _sample_percent() -> tuple[float, float]:
    """(the share of pages to read, in percent; the rows the table holds, as ANALYZE last counted)."""
    rows = db.session.execute(text(
        "SELECT reltuples FROM pg_class WHERE oid = 'search_documents'::regclass")).scalar() or 0
    if rows <= 0:  # never analysed: a small table
        return 100.0, 0.0
    return min(100.0, 100.0 * SAMPLE_ROWS / rows), float(rows)


def _estimated_counts(where: _Where, at_least: int, percent: float, rows: float) -> Counts:
    """Counts from a sample of the table's pages, scaled up and rounded: what "about" means."""
    sampled = db.session.execute(*_sample_statement(where, percent)).all()
    read = sum(row[3] for row in sampled)
    scale = rows / read if percent < 100 and read else 1.0
    by_theme, by_year = {}, {}
    for theme, year, matched, _ in sampled:
        if matched:
            by_theme[theme] = by_theme.get(theme, 0) + matched
            by_year[str(year)] = by_year.get(str(year), 0) + matched
    by_theme = {theme: about(count * scale) for theme, count in by_theme.items()}
    by_year = {year: about(count * scale) for year, count in by_year.items()}
    return max(about(sum(row[2] for row in sampled) * scale), at_least), by_theme, by_year


# A broad search's estimated counts, kept for a while in the process: a fresh estimate reads the
# first SEARCH_EXACT_COUNT_UP_TO + 1 matches and a sample of the table's pages (30 to 40 ms at
# 100,000 posts), where the page itself takes a millisecond. Kept only for a table past SAMPLE_ROWS,
# whose counts are estimates anyway: the posts written in BROAD_COUNTS_SECONDS move them by less than
# the sample's own error. A narrow search is counted afresh each time (its rows are read for the page).
BROAD_COUNTS_SECONDS = 300
BROAD_COUNTS_KEPT = 512
_broad_counts: OrderedDict[tuple, tuple[float, Counts]] = OrderedDict()
_broad_lock = threading.Lock()


def _broad_key(where: _Where, exact_up_to: int) -> tuple:
    params = tuple(sorted((name, tuple(value) if isinstance(value, list) else value)
                          for name, value in where.params.items()))
    return str(db.engine.url), str(where), params, exact_up_to


def _kept_counts(key: tuple) -> Counts | None:
    with _broad_lock:
        found = _broad_counts.get(key)
        if found is None:
            return None
        if monotonic() - found[0] > BROAD_COUNTS_SECONDS:
            del _broad_counts[key]
            return None
        _broad_counts.move_to_end(key)
        return found[1]


def _keep_counts(key: tuple, counts: Counts) -> None:
    with _broad_lock:
        _broad_counts[key] = (monotonic(), counts)
        while len(_broad_counts) > BROAD_COUNTS_KEPT:
            _broad_counts.popitem(last=False)


def forget_counts() -> None:
    with _broad_lock:
        _broad_counts.clear()


def about(count: float) -> int:
    """A count rounded to two significant figures (328,661 → 330,000), at least 1."""
    count = max(int(round(count)), 1)
    digits = len(str(count))
    return count if digits <= 2 else round(count, 2 - digits)


_RANK = "ts_rank(words, CAST(:tsquery AS tsquery), 1)"
_BEST_FIRST = "rank DESC, created_at DESC, post_id DESC"


def _page_statement(where: _Where, ranked: bool, limit: int, offset: int, matches: list[int] | None):
    """The page's posts with their text. `matches`: every match's post_id when the first statement
    found them all, which then need not be found again; None for a broad search."""
    params = {**where.params, "limit": limit, "offset": offset}
    if matches is not None:
        # By primary key: finding them again (the GIN index, and for a phrase the
        # positions of every post holding its words) took 80 ms at a million
        # posts, this takes 20.
        where = "post_id = ANY(:matches)"
        params = {"limit": limit, "offset": offset, "matches": matches,
                  **({"tsquery": params["tsquery"]} if ranked else {})}
    if ranked and matches is None:
        # The newest matches by the created_at index, ranked; only the page's bodies are read.
        return text(
            f"SELECT d.post_id, d.body, best.rank FROM ("
            f"SELECT post_id, created_at, rank FROM ("
            f"SELECT post_id, created_at, {_RANK} AS rank FROM search_documents WHERE {where} "
            f"ORDER BY created_at DESC, post_id DESC LIMIT :newest) newest "
            f"ORDER BY {_BEST_FIRST} LIMIT :limit OFFSET :offset) best "
            f"JOIN search_documents d ON d.post_id = best.post_id "
            f"ORDER BY best.rank DESC, best.created_at DESC, best.post_id DESC"), \
            {**params, "newest": BROAD_RANKED}
    if ranked:
        order, rank = _BEST_FIRST, _RANK
    else:
        order, rank = "created_at DESC, post_id DESC", "0"
    return text(f"SELECT post_id, body, {rank} AS rank FROM search_documents WHERE {where} "
                f"ORDER BY {order} LIMIT :limit OFFSET :offset"), params


def _page(plan: _Plan, limit: int, matches: list[int] | None) -> list[Hit]:
    rows = db.session.execute(*_page_statement(plan.where, plan.ranked, limit, plan.offset, matches))
    marked = parsing.wanted_terms(plan.node)
    return [Hit(post_id, snippets.snippet(body, marked)) for post_id, body, _ in rows]


def _exact_up_to() -> int:
    return int(current_app.config["SEARCH_EXACT_COUNT_UP_TO"])


def run(request: SearchRequest) -> SearchResults:
    with _time_limit():
        plan = _Plan.of(request)
        if not plan.where.sql:
            return SearchResults()
        exact_up_to = _exact_up_to()
        key = _broad_key(plan.where, exact_up_to)
        kept = _kept_counts(key)
        if kept is not None:  # known to be broad: neither its first matches nor the sample are read again
            broad, matches = True, None
            total, by_theme, by_year = kept
        else:
            first = db.session.execute(*_first_matches_statement(plan.where, exact_up_to + 1)).all()
            broad = len(first) > exact_up_to
            if broad:
                percent, rows = _sample_percent()
                total, by_theme, by_year = _estimated_counts(plan.where, len(first), percent, rows)
                if percent < 100:  # a sample, not the whole table: an estimate whenever it is made
                    _keep_counts(key, (total, by_theme, by_year))
            else:
                total, by_theme, by_year = _counted(first)
            matches = None if broad else [post_id for post_id, _, _ in first]
        shown = min(total, BROAD_RANKED) if broad and plan.ranked else total
        hits = _page(plan, PER_PAGE, matches) if shown > plan.offset else []
        results = SearchResults(
            hits=hits, total=total, page=plan.page, pages=min(MAX_PAGE, -(-shown // PER_PAGE)),
            by_theme=sorted(by_theme.items(), key=lambda item: (-item[1], item[0])),
            by_year=sorted(by_year.items(), reverse=True), estimated=broad,
        )
        if total == 0 and plan.words:
            results.suggestion = suggest(plan.words, finds=_finds, known=_known)
    return results


def _matches(tsquery: str) -> bool:
    # Asked whether a word absent from the index matches, the planner expects
    # an early hit and scans the whole table: 0.5 to 3 s at a million posts.
    # The GIN index answers in a millisecond.
    before = _set({"enable_seqscan": "off"})
    found = db.session.execute(text(
        "SELECT EXISTS (SELECT 1 FROM search_documents WHERE words @@ CAST(:tsquery AS tsquery))"),
        {"tsquery": tsquery}).scalar()
    _set(before)
    return found


def _finds(words: str) -> bool:
    """Whether these words, with none of the request's filters, find anything."""
    found = tsquery(parsing.parse(words))
    return found is not None and _matches(found)


def _known(word: str) -> bool:
    """A word to leave as typed: one that finds something, or a stop word that searches nothing."""
    found = tsquery(parsing.parse(word))
    return found is None or _matches(found)


@contextmanager
def bare(request: SearchRequest) -> Iterator:
    """For the benchmark: a function sending the statements this search sends, "Did you mean"
    included, as the driver received them, and nothing else.

    They are recorded from one run of the search, so the two cannot drift apart.
    """
    with recorded_statements(db.engine) as sent:
        run(request)
    driver = db.session.connection().connection.driver_connection

    def replay() -> None:
        with driver.cursor() as cursor:
            for statement, parameters in sent:
                cursor.execute(statement, parameters)
                if cursor.description is not None:
                    cursor.fetchall()
    replay.statements = [statement for statement, _ in sent]
    yield replay
