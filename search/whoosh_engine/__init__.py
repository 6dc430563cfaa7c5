"""Whoosh: the embedded engine, an index of files in SEARCH_INDEX_DIR beside the database.

Needs nothing installed beyond the Python package, so `make run` works on
a bare machine. One machine only: every app server must see the same
index folder, and writes are applied by one writer at a time (the worker).
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

from flask import Flask
from whoosh.query import Every

from ..request import PER_PAGE

from . import docsets, patches, querying
from .index import current_dir, is_current_version, searchers
from .sync import apply_pending, empty_index_misses_nothing, index_root, rebuild

__all__ = ["apply_pending", "close", "index_bytes", "index_exists", "init_app", "query", "rebuild"]

# Outbox rows wait for the worker: applying them means taking the index's write lock.
APPLIES_IN_TRANSACTION = False


def init_app(app: Flask) -> None:
    patches.apply()


def index_exists() -> bool:
    """True when there is a live index built with today's schema, with the table of contents it opens by."""
    live = current_dir(index_root())
    # A glob, not whoosh's exists_in(), which reads the whole table: 4 ms at 100,000 posts.
    return live is not None and is_current_version(live) and any(live.glob("_MAIN_*.toc"))


def index_bytes() -> int:
    live = current_dir(index_root())
    return sum(path.stat().st_size for path in live.iterdir() if path.is_file()) if live else 0


def query(request, bodies):
    with searchers.using(index_root(), empty_index_misses_nothing) as searcher:
        return querying.run(searcher, request, bodies)


@contextmanager
def bare(request) -> Iterator:
    """For the benchmark: a function running this search on a Whoosh searcher, with nothing of ours."""
    words, filters = querying.build_parts(request)

    def alone():
        # The searcher is taken for each call, not held: the benchmark times /search in turns with this.
        with searchers.using(index_root(), empty_index_misses_nothing) as searcher:
            return searcher.search(
                words if words is not None else Every(), filter=filters, limit=request.page * PER_PAGE,
                sortedby="created" if request.newest_first else None, reverse=request.newest_first)
    yield alone


def forget_caches() -> None:
    """Drop the term bitmaps kept in memory, as a newly started process has none."""
    docsets.forget()


def close() -> None:
    """Close this process's searchers (tests, and before a folder is removed)."""
    searchers.close_all()
