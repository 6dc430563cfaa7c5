"""A thread page's rows, held in each process's memory by the thread's page version (issue 36).

Signed-in members get a page made for each of them (what they have read,
their own posts, their forms), so the visitors' page cache cannot answer
them. What the page shows of its posts, though, is the same for every
member until the thread changes: its rows (posts, authors, badges, the
panel's questions) and the markup made of them. Every change a page shows
raises the thread's `page_version` in the writer's transaction
(forum.page_cache.freshness), and the thread page reads that version with
the thread itself, so rows kept under (thread, version, page) are right for
as long as that version is current: after an edit, a hiding, a deletion or
a reply the view reads a new version and loads the rows again. Nothing has
to be deleted, and other processes' commits are seen the same way.

Why it is safe with no lock between the two reads: the version is read
first, the rows after, so rows kept under a version are never older than
it. Rows are only kept and reused by a GET, whose transaction has written
nothing: a page drawn again after a refused write (the session may hold
rows never committed) reads the database.

What is kept is immutable once kept: each view builds its own tree of
nodes from it (reading.load_page), so threads of one process never share
a node they fill in for their viewer. The posts' markup is kept the other
way: across versions, each post's beside what it was made of
(forum.discussions.page_posts), so that the first view of a new version
remakes only the posts that changed.
"""
from __future__ import annotations

import threading
from typing import Any, Callable, Hashable

from flask import current_app, has_request_context, request

_EXTENSION = "thread_pages_held"


class _Held:
    """The last THREAD_PAGES_HELD entries of one app, oldest first (a dict keeps insertion order)."""

    def __init__(self, size: int) -> None:
        self.size = size
        self.entries: dict[Hashable, Any] = {}
        self.lock = threading.Lock()

    def get(self, key: Hashable) -> Any:
        with self.lock:
            found = self.entries.pop(key, None)
            if found is not None:
                self.entries[key] = found  # now the newest
            return found

    def put(self, key: Hashable, value: Any) -> None:
        with self.lock:
            self.entries[key] = value
            while len(self.entries) > self.size:
                del self.entries[next(iter(self.entries))]


def _held() -> _Held | None:
    app = current_app._get_current_object()
    held = app.extensions.get(_EXTENSION)
    if held is None:
        size = app.config.get("THREAD_PAGES_HELD", 0)
        if not size:
            return None
        held = app.extensions.setdefault(_EXTENSION, _Held(size))
    return held


def recall(key: Hashable, load: Callable[[], Any]) -> Any:
    """What `load()` answers for `key`, kept from an earlier GET of this process if it can be.

    When `load` reads the database, `key` must hold the thread's page_version, read before `load`
    reads anything; what is kept otherwise must say itself whether it still holds
    (page_posts._held_parts)."""
    held = _held() if has_request_context() and request.method == "GET" else None
    if held is None:
        return load()
    found = held.get(key)
    if found is None:
        found = load()
        held.put(key, found)
    return found

