"""The page cache's tests on PostgreSQL keep pages in Redis, where a repeat view needs no query.

On PostgreSQL a repeat view skips the versions query only with a cache every
app server shares (forum.page_cache.change_token): with one machine's files it
checks each view with one query. So these tests use a throwaway Redis there
when the machine has one, and `hit_statements(app)` says what a repeat view
of this app sends: none, or that one query.
"""
from __future__ import annotations

import uuid

import pytest

from tests.conftest import _on_postgres

MARIA, ROSA = "member@example.org", "mod@example.org"


@pytest.fixture(autouse=True)
def _shared_cache_on_postgres(request, monkeypatch):
    if not _on_postgres():
        return
    try:
        server = request.getfixturevalue("redis_server")
    except pytest.skip.Exception:  # no redis-server here: the file cache, and its one query a view
        return
    monkeypatch.setenv("FLASK_CACHE_TYPE", "RedisCache")
    monkeypatch.setenv("FLASK_CACHE_REDIS_URL", server.url)
    # Each test's own keys: a later test may be given a database of the same name.
    monkeypatch.setenv("FLASK_CACHE_KEY_PREFIX", f"test-{uuid.uuid4().hex[:8]}-")


def hit_statements(app) -> int:
    """SQL statements a repeat view sends: none with a change token, else the versions query."""
    return 0 if app.extensions["page_token"] is not None else 1


@pytest.fixture
def discussion(app, make_user, make_theme, make_thread, add_reply):
    """A member's thread with a reply in the open theme, a moderator, and an archived theme beside."""
    ids = {"member": make_user(), "moderator": make_user(email=ROSA, display_name="Rosa Delgado",
                                                         role="moderator")}
    make_theme()
    make_theme(slug="assessment", title="Assessment that helps students think", state="archived")
    ids["thread"], ids["opening"] = make_thread("finding-time", ids["member"], title="Protected planning time")
    ids["reply"] = add_reply(ids["thread"], ids["member"], "We trade duties for a shared block.")
    return ids
