"""Threads and their posts, stored as a tree with a materialised path."""
from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Index, String, Text, and_
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..core.database import UTCDateTime, reference, utcnow
from ..core.extensions import db

if TYPE_CHECKING:
    from .themes import Theme
    from .users import User

# Each path segment is a post id in fixed-width base 36, so that sorting
# paths as strings gives conversation order: a post, then its replies in
# the order they were written, depth first.
SEGMENT_WIDTH = 8
_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"


def path_segment(post_id: int) -> str:
    digits = []
    while post_id:
        post_id, rest = divmod(post_id, 36)
        digits.append(_DIGITS[rest])
    return "".join(reversed(digits)).rjust(SEGMENT_WIDTH, "0")



class Thread(db.Model):
    __tablename__ = "threads"
    __table_args__ = (Index("ix_threads_theme_order", "theme_id", "pinned", "last_post_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    theme_id: Mapped[int] = mapped_column(reference("themes.id"))
    title: Mapped[str] = mapped_column(String(200))
    author_id: Mapped[int] = mapped_column(reference("users.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The moderators' discussion of the month, listed first.
    facilitated: Mapped[bool] = mapped_column(Boolean, default=False)
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    locked: Mapped[bool] = mapped_column(Boolean, default=False)
    # Denormalised, kept by forum.discussions.posting in the same transaction as the post.
    reply_count: Mapped[int] = mapped_column(default=0)
    last_post_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Raised by forum.page_cache.freshness whenever what the thread page shows changes:
    # the key of its cached page and its ETag.
    page_version: Mapped[int] = mapped_column(default=0)

    theme: Mapped[Theme] = relationship(back_populates="threads")
    author: Mapped[User] = relationship()
    posts: Mapped[list[Post]] = relationship(back_populates="thread", order_by="Post.path")

    def __repr__(self) -> str:
        return f"<Thread {self.id} {self.title!r}>"


class PostState:
    """What a post's columns say about it, for the Post model and for posts read as plain rows."""

    __slots__ = ()
    parent_id: int | None
    author_id: int
    edited_by_id: int | None
    deleted_at: datetime | None
    hidden_at: datetime | None

    @property
    def edited_by_moderator(self) -> bool:
        """The newest edit was not the author's: only a moderator may edit another's post."""
        return self.edited_by_id is not None and self.edited_by_id != self.author_id

    @property
    def is_opening(self) -> bool:
        return self.parent_id is None

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_visible(self) -> bool:
        """What every member may read: neither deleted nor hidden (Post.is_visible is the same rule in SQL)."""
        return self.deleted_at is None and self.hidden_at is None


class Post(PostState, db.Model):
    __tablename__ = "posts"
    __table_args__ = (
        Index("ix_posts_thread_path", "thread_id", "path"),
        Index("ix_posts_thread_depth_path", "thread_id", "depth", "path"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    thread_id: Mapped[int] = mapped_column(reference("threads.id"))
    # None only for a thread's opening post.
    parent_id: Mapped[int | None] = mapped_column(reference("posts.id"), index=True)
    author_id: Mapped[int] = mapped_column(reference("users.id"), index=True)
    path: Mapped[str] = mapped_column(Text, default="")
    depth: Mapped[int] = mapped_column(default=0)
    body: Mapped[str] = mapped_column(Text)  # Markdown, as written
    html: Mapped[str] = mapped_column(Text)  # sanitised, made from body at write time
    markup_version: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Who made the newest edit (its earlier versions: models.revisions): a moderator's edit of a
    # member's post says so on the thread page without reading the revisions.
    edited_by_id: Mapped[int | None] = mapped_column(reference("users.id"))
    deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    hidden_reason: Mapped[str] = mapped_column(String(300), default="")
    hidden_by_id: Mapped[int | None] = mapped_column(reference("users.id"))

    thread: Mapped[Thread] = relationship(back_populates="posts")
    author: Mapped[User] = relationship(foreign_keys=[author_id])
    edited_by: Mapped[User | None] = relationship(foreign_keys=[edited_by_id])
    parent: Mapped[Post | None] = relationship(remote_side=[id], foreign_keys=[parent_id])

    @hybrid_property
    def is_visible(self) -> bool:
        """The one rule of what every member may read: a post neither deleted nor hidden.

        On a post, a bool; on the class (or an alias of it), the same rule
        as an SQL condition: `.where(Post.is_visible)`.
        """
        return self.deleted_at is None and self.hidden_at is None

    @is_visible.inplace.expression
    @classmethod
    def _is_visible_expression(cls):
        return and_(cls.deleted_at.is_(None), cls.hidden_at.is_(None))

    def place_under(self, parent: Post | None) -> None:
        """Set path and depth once the id is known (after a flush)."""
        own = path_segment(self.id)
        if parent is None:
            self.path, self.depth = own, 0
        else:
            self.path, self.depth = f"{parent.path}.{own}", parent.depth + 1

    def __repr__(self) -> str:
        return f"<Post {self.id} in thread {self.thread_id}>"
