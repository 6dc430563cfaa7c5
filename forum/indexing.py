"""Recording, in the writer's transaction, what the search index must catch up with.

Call these wherever a post's text, visibility or context (thread title,
theme) changes, before the commit; search.sync applies the rows after
commit. Nothing here touches the index itself.
"""
from __future__ import annotations

from .extensions import db
from .models.search import SearchOutbox


def _mark(kind: str, ref_id: int) -> None:
    db.session.add(SearchOutbox(kind=kind, ref_id=ref_id))


def mark_post(post) -> None:
    """A post was created, edited, deleted, hidden or unhidden."""
    if post.id is None:
        db.session.flush()
    _mark("post", post.id)


def mark_thread(thread) -> None:
    """Every post of a thread: its title changed, or it moved to another theme."""
    _mark("thread", thread.id)


def mark_theme(theme) -> None:
    """Every post of a theme: its title or slug changed."""
    _mark("theme", theme.id)
