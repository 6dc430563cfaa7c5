"""Full-text search behind a small interface; Whoosh is its only engine today.

Views and commands call only what is here, so another engine (PostgreSQL
full-text search, for deployments with several app servers) can sit
behind the same functions later without touching them.

- query(request, bodies) -> SearchResults: run a search.
- apply_pending(): bring the index in step with the outbox (after commit).
- rebuild(progress): a fresh index from the database, swapped in atomically.
"""
from __future__ import annotations

from .querying import MAX_PAGE, MAX_QUERY_LENGTH, PER_PAGE, SearchRequest, SearchResults, tidy
from . import querying
from .sync import apply_pending, index_root, rebuild
from .whoosh_index import current_dir, is_current_version, searchers

__all__ = ["MAX_PAGE", "MAX_QUERY_LENGTH", "PER_PAGE", "SearchRequest", "SearchResults",
           "apply_pending", "index_exists", "query", "rebuild", "tidy"]


def index_exists() -> bool:
    """True when there is a live index built with today's schema."""
    live = current_dir(index_root())
    return live is not None and is_current_version(live)


def query(request: SearchRequest, bodies) -> SearchResults:
    """Run a search; `bodies(post_ids) -> {id: plain text}` feeds the snippets."""
    with searchers.using(index_root()) as searcher:
        return querying.run(searcher, request, bodies)
