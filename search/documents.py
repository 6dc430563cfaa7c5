"""Turning posts into index documents, loaded from the database in batches."""
from __future__ import annotations

import html
import re
from typing import Iterable, Iterator

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from forum.core.extensions import db
from forum.models import UPCOMING, PanelQuestion, Post, Thread

_TAGS = re.compile(r"<[^>]+>")
_SPACES = re.compile(r"\s+")


def plain_text(post_html: str) -> str:
    """Words of a post from its stored, sanitised HTML: cheap, no Markdown rendering."""
    return _SPACES.sub(" ", html.unescape(_TAGS.sub(" ", post_html))).strip()


def is_searchable(post: Post) -> bool:
    """Only what every visitor may read goes into the index.

    A theme's prepared facilitated discussion waits for the theme to open
    (forum.permissions); the worker marks the theme for indexing then
    (forum.mail.mailings.schedule).
    """
    if not post.is_visible:
        return False
    thread = post.thread
    return not (thread.facilitated and thread.theme.state() == UPCOMING)


def to_document(post: Post, asked_by: str | None = None) -> dict:
    thread = post.thread
    theme = thread.theme
    return {
        "post_id": str(post.id),
        "thread_id": thread.id,
        "thread_title": thread.title,
        "theme": theme.slug,
        "month": post.created_at.strftime("%Y-%m"),  # when it was written, for date filters
        "year": post.created_at.strftime("%Y"),
        "author_id": str(post.author_id),
        "body": plain_text(post.html),
        "created": post.created_at.replace(tzinfo=None),
        "is_question": asked_by is not None,
        "asked_by": asked_by or "",
        "reply": post.depth > 1,
    }


def _with_context(stmt):
    return stmt.options(
        joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.theme)
    )


def load_posts(post_ids: Iterable[int]) -> list[Post]:
    ids = list(post_ids)
    if not ids:
        return []
    # As the rows are now: a moderator's hide is a bulk UPDATE, which leaves the
    # session's copy of the post visible (on PostgreSQL the document is built
    # in that same transaction, and a hidden post stayed found).
    return db.session.scalars(_with_context(select(Post)).where(Post.id.in_(ids))
                              .execution_options(populate_existing=True)).all()


def posts_after(last_id: int, batch_size: int, *, locked: bool = False) -> list[Post]:
    """The next batch of posts in id order; `locked` holds them (FOR SHARE) until the commit."""
    stmt = _with_context(select(Post)).where(Post.id > last_id).order_by(Post.id).limit(batch_size)
    if locked:
        stmt = stmt.with_for_update(read=True, of=Post)
    return db.session.scalars(stmt).all()


def iter_all_posts(batch_size: int = 2000) -> Iterator[list[Post]]:
    """Every post in id order, a batch at a time, so memory stays flat."""
    last_id = 0
    while batch := posts_after(last_id, batch_size):
        yield batch
        last_id = batch[-1].id
        db.session.expunge_all()  # let the batch go


def _askers(post_ids: list[int]) -> dict[int, str]:
    """Who asked each published panel question among these posts."""
    if not post_ids:
        return {}
    rows = db.session.execute(
        select(PanelQuestion.post_id, PanelQuestion.asked_by).where(PanelQuestion.post_id.in_(post_ids))
    )
    return {post_id: asked_by or "someone" for post_id, asked_by in rows}


def documents(posts: list[Post]) -> list[dict]:
    asked = _askers([p.id for p in posts])
    return [to_document(p, asked.get(p.id)) for p in posts if is_searchable(p)]
