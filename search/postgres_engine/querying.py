"""Running a search on PostgreSQL: one grouped query for totals and facets, one for the page.

What people type is parsed by search.parsing, as for Whoosh, and written
as a tsquery of our own terms (the documents hold the same terms, see
writing.py). Author, theme and dates narrow without changing the rank.
Every statement runs under SEARCH_STATEMENT_TIMEOUT_MS, so no query can
hold a connection for long.
"""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Iterator

from flask import current_app
from sqlalchemy import text
from sqlalchemy.exc import OperationalError

from forum.extensions import db

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
    shown = ", ".join(f"current_setting(:name{n}), set_config(:name{n}, :value{n}, true)" for n in range(len(names)))
    params = {f"name{n}": name for n, name in enumerate(names)} | \
        {f"value{n}": settings[name] for n, name in enumerate(names)}
    row = db.session.execute(text(f"SELECT {shown}"), params).first()
    return {name: row[2 * n] for n, name in enumerate(names)}


def _facets_statement(where: _Where):
    # By (theme, year) pairs, added up here: PostgreSQL runs a plain GROUP BY
    # in parallel but not GROUPING SETS (300 ms against 570 for a third of a
    # million posts). A theme spans a year or two, so the pairs are few.
    return text(f"SELECT theme_slug, year, count(*) FROM search_documents WHERE {where} "
                "GROUP BY theme_slug, year")


def _facets(where: _Where) -> tuple[int, dict[str, int], dict[str, int]]:
    by_theme, by_year = {}, {}
    for theme, year, count in db.session.execute(_facets_statement(where), where.params):
        by_theme[theme] = by_theme.get(theme, 0) + count
        by_year[str(year)] = by_year.get(str(year), 0) + count
    return sum(by_theme.values()), by_theme, by_year


def _page_statement(where: _Where, ranked: bool, limit: int, offset: int):
    params = {**where.params, "limit": limit, "offset": offset}
    if ranked:
        order = "rank DESC, created_at DESC, post_id DESC"
        rank = "ts_rank(words, CAST(:tsquery AS tsquery), 1)"
    else:
        order, rank = "created_at DESC, post_id DESC", "0"
    return text(f"SELECT post_id, body, {rank} AS rank FROM search_documents WHERE {where} "
                f"ORDER BY {order} LIMIT :limit OFFSET :offset"), params


def _page(plan: _Plan, limit: int) -> list[Hit]:
    rows = db.session.execute(*_page_statement(plan.where, plan.ranked, limit, plan.offset))
    marked = parsing.wanted_terms(plan.node)
    return [Hit(post_id, snippets.snippet(body, marked)) for post_id, body, _ in rows]


def run(request: SearchRequest) -> SearchResults:
    with _time_limit():
        plan = _Plan.of(request)
        if not plan.where.sql:
            return SearchResults()
        total, by_theme, by_year = _facets(plan.where)
        hits = _page(plan, PER_PAGE) if total > plan.offset else []
        results = SearchResults(
            hits=hits, total=total, page=plan.page, pages=min(MAX_PAGE, -(-total // PER_PAGE)),
            by_theme=sorted(by_theme.items(), key=lambda item: (-item[1], item[0])),
            by_year=sorted(by_year.items(), reverse=True),
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
    """For the benchmark: a function sending this search's two statements and nothing else,
    under the same session settings as a search."""
    with _time_limit():
        plan = _Plan.of(request)
        statements = [(_facets_statement(plan.where), plan.where.params),
                      _page_statement(plan.where, plan.ranked, PER_PAGE, plan.offset)]
        connection = db.session.connection()

        def run() -> None:
            for statement, params in statements:
                connection.execute(statement, params).all()
        yield run
