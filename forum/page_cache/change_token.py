"""The forum's change token: what a visitor's cached page is checked against instead of the database.

A kept page is right as long as no commit has raised a page version since
it was checked (forum.page_cache.freshness) and the clock has not moved
past a date it shows. The first is this token: a random string that every
such commit replaces just after it commits, and that a page view reads
before it reads any version. A page checked against the database is kept
with the token read before that check; while the token is unchanged, no
commit can have changed what the check read, so the page is sent again
without a query.

Where the token lives decides who sees it change, so it is chosen by
where the forum's writers are:
- SQLite: a file beside the database (`forum.sqlite3-pages`). Every writer
  is on the database's machine, whatever cache each app uses, so an app
  with a page cache of its own still sees every other app's commits.
- PostgreSQL with a shared cache (Redis, memcached): a key in that cache,
  which every app server reads (a few bytes; the page itself is usually
  still in the process's memory, see forum.page_cache.cache._read).
- PostgreSQL with a cache on one machine's disk or memory: none. Another
  server's commit cannot reach this machine's files, so each visit checks
  the versions with its one query, as before.

The token is replaced, never counted up: two writers that replace it at
once each leave a value no page was kept with, and a cache that lost the
key (evicted, restarted) is given a fresh one before any page is checked.
A writer that dies between its commit and the replacement leaves pages
unchecked for PAGE_CACHE_TRUSTED_SECONDS at most: each kept page is
checked again after that, token or not.
"""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask, current_app, has_app_context
from sqlalchemy.engine import make_url

# Cache types every app server reads alike; any other keeps its pages on one machine.
_SHARED_CACHES = ("redis", "memcache")


class FileToken:
    """A token in a file beside the SQLite database: replaced whole (rename), so never read half-written."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def read(self) -> str:
        try:
            with open(self.path, "rb") as handle:
                token = handle.read()
        except FileNotFoundError:
            token = b""
        return token.decode() if token else self._first()

    def _first(self) -> str:
        """The first token: written aside and linked into place, so two first readers agree on one."""
        aside = self._aside()
        try:
            os.link(aside, self.path)
        except FileExistsError:
            pass
        finally:
            aside.unlink()
        return self.path.read_text()

    def _aside(self) -> Path:
        aside = self.path.with_name(f".{self.path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        aside.write_text(secrets.token_hex(8))
        return aside

    def replace(self) -> None:
        os.replace(self._aside(), self.path)


class CacheToken:
    """A token kept in the shared page cache under one key per forum."""

    def __init__(self, cache, key: str) -> None:
        self.cache, self.key = cache, key

    def read(self) -> str:
        return self.cache.get(self.key) or self._first()

    def _first(self) -> str:
        self.cache.add(self.key, secrets.token_hex(8), timeout=0)  # only if no other reader set it first
        return self.cache.get(self.key) or ""

    def replace(self) -> None:
        self.cache.set(self.key, secrets.token_hex(8), timeout=0)


def token_for(app: Flask, cache, build: str) -> FileToken | CacheToken | None:
    """Where this app's token lives, or None when visits must check the database (see above)."""
    url = make_url(str(app.config["SQLALCHEMY_DATABASE_URI"]))
    if url.get_backend_name() == "sqlite":
        with app.app_context():
            from ..core.extensions import db

            path = db.engine.url.database  # made absolute by Flask-SQLAlchemy
        if path and path != ":memory:" and not path.startswith("file:"):
            return FileToken(Path(f"{path}-pages"))
        return None
    if any(kind in str(app.config.get("CACHE_TYPE", "")).lower() for kind in _SHARED_CACHES):
        return CacheToken(cache, f"pages-changed:{build}")
    return None


def replace_after_commit() -> None:
    """A commit raised page versions: every kept page is checked again at its next view.

    What fails here leaves pages unchecked for PAGE_CACHE_TRUSTED_SECONDS at most; the change
    itself is committed, so it is logged, never raised.
    """
    if not has_app_context():
        return
    token = current_app.extensions.get("page_token")
    if token is None:
        return
    try:
        token.replace()
    except Exception:
        current_app.logger.exception("page cache change token not replaced; visitors' pages may show the "
                                     "change only after PAGE_CACHE_TRUSTED_SECONDS")
