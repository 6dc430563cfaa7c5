"""Full-text search behind one small interface, with an engine chosen by configuration.

SEARCH_BACKEND names the engine: "whoosh" (the default: files on local
disk, nothing to install) or "postgres" (PostgreSQL's full-text search
in the forum's own database, for deployments past one machine). Views,
commands and the worker call only what is here; nothing outside search/
imports an engine or Whoosh.

- resolve(request) -> Scope: author: and theme: as members and themes
  (search.filters), with what they named for the page to say.
- query(request, bodies) -> SearchResults: run a search (resolving it
  first if resolve() has not); `bodies(post_ids) -> {id: plain text}`
  lets an engine that keeps no text make snippets. Raises SearchTimedOut
  when the engine stops a search past its time limit, and
  TooManyAlternatives, before any engine runs, for a search joining more
  than MAX_ALTERNATIVES words or phrases with OR. Raises IndexMissing when
  the index is gone or unreadable (it is never replaced by an empty one
  while posts would be missing from it).
- words_to_mark(typed, texts): the words a search matched in these
  texts, as written, for the page a result leads to.
- apply_in_transaction(rows): for an engine that indexes inside the
  writer's transaction (applies_in_transaction()), index these outbox rows now.
- apply_pending() -> int: bring the index in step with the outbox; raises
  IndexMissing, the rows kept, when there is no index to apply them to
  (during a rebuild it returns quietly: the rebuild applies them).
- rebuild(progress) -> int: a fresh index from the database, swapped in
  when complete (searches answer from the old one until then); raises
  RebuildRunning while another process rebuilds.
- index_exists() -> bool: whether the live index was built by this version.
- index_bytes() -> int: the live index's size on disk.
"""
from __future__ import annotations

import importlib
import sys

from flask import Flask, current_app

from . import filters, parsing, snippets
from .request import (MAX_ALTERNATIVES, MAX_PAGE, MAX_QUERY_LENGTH, PER_PAGE, Hit, IndexMissing, RebuildRunning,
                      SearchRequest, SearchResults, SearchTimedOut, TooManyAlternatives, tidy)

__all__ = ["INDEX_MISSING", "INDEX_REBUILDING", "MAX_ALTERNATIVES", "MAX_PAGE", "MAX_QUERY_LENGTH", "PER_PAGE",
           "REBUILD_NEEDED", "Hit", "IndexMissing", "RebuildRunning", "SearchRequest", "SearchResults",
           "SearchTimedOut", "TooManyAlternatives", "applies_in_transaction", "apply_in_transaction",
           "apply_pending", "close", "index_bytes", "index_exists", "init_app", "query", "rebuild", "resolve",
           "tidy", "words_to_mark"]

ENGINES = {"whoosh": "search.whoosh_engine", "postgres": "search.postgres_engine"}
# Said by the worker at start-up and on the search page to admins.
REBUILD_NEEDED = ("The search index is missing or was built by an earlier version of the search analyser: "
                  "run `flask --app app search rebuild`. Searches answer from the old index until it finishes.")
# Said by the worker each time it finds no index to apply changes to, and on the search page to admins.
INDEX_MISSING = ("The search index is missing or can’t be read: run `flask --app app search rebuild`. "
                 "Until it finishes, searches find nothing and changes wait in the outbox.")
INDEX_REBUILDING = ("The search index is missing and `flask --app app search rebuild` is building a new one: "
                    "searches find posts again when it finishes.")


class SearchConfigError(RuntimeError):
    """SEARCH_BACKEND names no engine, or one this database can't run."""


def init_app(app: Flask) -> None:
    name = app.config.get("SEARCH_BACKEND", "whoosh")
    if name not in ENGINES:
        raise SearchConfigError(f"SEARCH_BACKEND={name!r}: use one of {', '.join(sorted(ENGINES))}.")
    engine = importlib.import_module(ENGINES[name])
    engine.init_app(app)
    app.extensions["search"] = engine


def _engine():
    return current_app.extensions["search"]


def resolve(request: SearchRequest) -> filters.Scope:
    return filters.resolve(request)


def query(request: SearchRequest, bodies) -> SearchResults:
    if not request.resolved:
        request = resolve(request).request
    broad = parsing.alternatives(parsing.parse(request.text))
    if broad > MAX_ALTERNATIVES:
        raise TooManyAlternatives(broad)
    return _engine().query(request, bodies)


def words_to_mark(typed: str, texts) -> list[str]:
    """The words of these texts (as written) that a search for `typed` matched, to mark on a page."""
    return snippets.matched_words(texts, parsing.wanted_terms(parsing.parse(typed)))


def apply_pending(timeout: float = 5.0) -> int:
    return _engine().apply_pending(timeout=timeout)


def rebuild(progress=None, batch_size: int = 2000) -> int:
    return _engine().rebuild(progress=progress, batch_size=batch_size)


def index_exists() -> bool:
    return _engine().index_exists()


def index_bytes() -> int:
    """The live index's size on disk, indexes included (the benchmark reports it)."""
    return _engine().index_bytes()


def applies_in_transaction() -> bool:
    """True when the engine indexes a change in the change's own transaction (no worker needed)."""
    return _engine().APPLIES_IN_TRANSACTION


def bare(request: SearchRequest):
    """For the benchmark: a context manager giving a function that runs the engine's own part of
    this search (the same query, without parsing, snippets or anything else of ours)."""
    if not request.resolved:
        request = resolve(request).request
    return _engine().bare(request)


def forget_caches() -> None:
    """For the benchmark: forget what this process keeps between searches."""
    _engine().forget_caches()


def apply_in_transaction(changes) -> None:
    """Index these changes (forum.searching.indexing.Change: kind and ref_id, as outbox rows have) in the
    session's transaction; only for an engine that applies_in_transaction()."""
    _engine().apply_in_transaction(changes)


def close() -> None:
    """Let go of what this process's engines hold open (searchers, files); needs no app."""
    for module_name in ENGINES.values():
        engine = sys.modules.get(module_name)
        if engine is not None:
            engine.close()
