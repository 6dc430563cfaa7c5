"""PostgreSQL full-text search: documents in the forum's own database, indexed with GIN.

For a forum past one machine: every app server searches the same
database, replicas included, and nothing lives on local disk. A post's
search document is written in the post's own transaction
(forum.searching.indexing calls apply_in_transaction, with no outbox row), so search
is never behind.
Needs the forum on PostgreSQL, with the unaccent and pg_trgm extensions
(migration 0009 creates them).
"""
from __future__ import annotations

from flask import Flask

from . import querying, writing
from .writing import apply_pending, rebuild

__all__ = ["apply_pending", "close", "index_bytes", "index_exists", "init_app", "query", "rebuild"]

APPLIES_IN_TRANSACTION = True


class NeedsPostgres(RuntimeError):
    """SEARCH_BACKEND=postgres on a database that is not PostgreSQL."""


def init_app(app: Flask) -> None:
    uri = str(app.config["SQLALCHEMY_DATABASE_URI"])
    if not uri.startswith("postgresql"):
        raise NeedsPostgres(
            f"SEARCH_BACKEND=postgres searches the forum's own PostgreSQL database, but the database is "
            f"{uri.split(':', 1)[0]}. Set FLASK_SQLALCHEMY_DATABASE_URI=postgresql+psycopg://..., "
            "or SEARCH_BACKEND=whoosh.")


def index_exists() -> bool:
    return writing.is_built()


def index_bytes() -> int:
    return writing.table_bytes()


def query(request, bodies=None):
    """Snippets come from the stored text (search/snippets.py), so `bodies` is not needed."""
    return querying.run(request)


def bare(request):
    return querying.bare(request)


def apply_in_transaction(changes) -> None:
    writing.apply_changes(changes)


def forget_caches() -> None:
    """Forget broad searches' kept counts; PostgreSQL's own buffers stay (they are the server's)."""
    querying.forget_counts()


def close() -> None:
    """Nothing held outside the database's connection pool."""
