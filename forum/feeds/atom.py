"""Atom feeds: the latest visible posts of the forum, a theme, a thread, and the panel questions.

A Jinja template (templates/feeds/atom.xml) writes the XML: Atom needs
a handful of elements, which tests check against RFC 4287's required
set, and a generator library would add a dependency (feedgen pulls in
lxml) for less than the template is.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..core.extensions import db
from ..core.markup import MARKUP_VERSION
from ..models import PanelQuestion, Post, Thread

ENTRIES = 30
# The `updated` of a feed with no entries yet: fixed, so its ETag stays the same.
NOTHING_YET = datetime(2000, 1, 1, tzinfo=timezone.utc)


@dataclass
class Feed:
    title: str
    page_url: str   # the page the feed follows (rel="alternate")
    feed_url: str   # the feed itself (rel="self"), also its id
    posts: list[Post]
    fallback_updated: datetime  # when there are no posts yet

    @property
    def updated(self) -> datetime:
        return max((entry_updated(post) for post in self.posts), default=self.fallback_updated)

    @property
    def etag(self) -> str:
        """Changes when an entry is added, edited, hidden or deleted, or the markup changes."""
        state = "|".join(f"{post.id}:{entry_updated(post).timestamp()}" for post in self.posts)
        return hashlib.sha256(f"{MARKUP_VERSION}|{self.feed_url}|{state}".encode()).hexdigest()[:32]


def entry_updated(post: Post) -> datetime:
    return post.edited_at or post.created_at


def latest_posts(*conditions) -> list[Post]:
    """The newest visible posts matching `conditions`, with what an entry shows: one query."""
    return db.session.scalars(
        select(Post)
        .options(joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.theme))
        .where(Post.is_visible, *conditions)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(ENTRIES)
    ).all()


def question_posts() -> list[Post]:
    """The posts published panel questions became."""
    return latest_posts(Post.id.in_(select(PanelQuestion.post_id).where(PanelQuestion.post_id.is_not(None))))


def theme_posts(theme) -> list[Post]:
    """The newest visible posts of one theme's threads."""
    return latest_posts(Post.thread_id.in_(select(Thread.id).where(Thread.theme_id == theme.id)))


def thread_posts(thread) -> list[Post]:
    """The newest visible posts of one thread."""
    return latest_posts(Post.thread_id == thread.id)
