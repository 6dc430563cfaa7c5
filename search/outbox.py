"""The search outbox, engine-free: which posts its rows name, and what to index or drop for them.

A change writes outbox rows in its own transaction (forum.searching.indexing); an
engine reads them here, applies them its own way, then deletes them.
Applying a row re-reads the post, so applying twice is harmless.
"""
from __future__ import annotations

from sqlalchemy import and_, or_, select

from forum.core.extensions import db
from forum.models import Post, SearchOutbox, Thread

from . import documents

BATCH = 500


def waiting(limit: int = BATCH, *, claim: bool = False) -> list[SearchOutbox]:
    """The oldest rows not applied yet.

    `claim` locks them until the commit, skipping rows another process has
    claimed, so two workers share the rows instead of waiting for each
    other (PostgreSQL; SQLite has one writer at a time anyway).
    """
    stmt = select(SearchOutbox).order_by(SearchOutbox.id).limit(limit)
    if claim:
        stmt = stmt.with_for_update(skip_locked=True)
    return db.session.scalars(stmt).all()


def post_ids_for(rows) -> set[int]:
    """The posts these rows name (each with kind and ref_id: outbox rows, or forum.searching.indexing.Change)."""
    ids = {row.ref_id for row in rows if row.kind == "post"}
    threads = [row.ref_id for row in rows if row.kind == "thread"]
    themes = [row.ref_id for row in rows if row.kind == "theme"]
    if threads:
        ids.update(db.session.scalars(select(Post.id).where(Post.thread_id.in_(threads))))
    if themes:
        ids.update(db.session.scalars(
            select(Post.id).join(Thread, Post.thread_id == Thread.id).where(Thread.theme_id.in_(themes))
        ))
    return ids


def changes(post_ids: set[int]) -> tuple[list[dict], list[int]]:
    """Documents to (re)index and the ids of posts to drop (deleted, hidden, not yet public)."""
    docs = documents.documents(documents.load_posts(post_ids))
    shown = {int(doc["post_id"]) for doc in docs}
    return docs, [post_id for post_id in post_ids if post_id not in shown]


def every_post_waiting() -> bool:
    """True when waiting rows name every post (or there are none): an empty index, once they are
    applied, then misses nothing."""
    named = select(SearchOutbox.id).where(or_(
        and_(SearchOutbox.kind == "post", SearchOutbox.ref_id == Post.id),
        and_(SearchOutbox.kind == "thread", SearchOutbox.ref_id == Post.thread_id),
        and_(SearchOutbox.kind == "theme", SearchOutbox.ref_id == Thread.theme_id),
    ))
    unnamed = select(Post.id).join(Thread, Post.thread_id == Thread.id).where(~named.exists()).limit(1)
    return db.session.scalar(unnamed) is None
