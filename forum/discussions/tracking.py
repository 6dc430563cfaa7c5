"""What is new to a member: posts after the last one they saw, per thread.

The marker moves forward only, and only by a POST from the thread page
(forum/discussions/views.py: a beacon the page sends once it is shown, or the
"Mark read" button without JavaScript). Counting leaves out the member's
own posts and posts members cannot see.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from ..core.database import utcnow
from ..core.extensions import db
from ..models import Post, Thread, ThreadRead, User


def last_read(user: User, thread: Thread) -> int | None:
    """The newest post id the member has seen in this thread; None before their first visit."""
    return db.session.scalar(select(ThreadRead.last_read_post_id).where(
        ThreadRead.user_id == user.id, ThreadRead.thread_id == thread.id))


def _new_to(user_id, marker=ThreadRead.last_read_post_id):
    """Posts after the member's marker (ThreadRead joined by the caller, or a subquery), by others,
    that members see."""
    return (Post.id > marker, Post.author_id != user_id, Post.is_visible)


def reading_state_columns(user_id, thread_id):
    """(the member's marker, the first post after it that is new to them) as scalar
    subqueries, for a page that asks more in the same query; both NULL before their
    first visit. The ids may be bound parameters, so the statement is built once."""
    marker = select(ThreadRead.last_read_post_id).where(
        ThreadRead.user_id == user_id, ThreadRead.thread_id == thread_id).scalar_subquery()
    first_new = select(func.min(Post.id)).where(Post.thread_id == thread_id, *_new_to(user_id, marker)).scalar_subquery()
    return marker.label("last_read"), first_new.label("first_new")


def new_counts(user: User, thread_ids: list[int]) -> dict[int, int]:
    """How many posts are new to the member in each of these threads they visited before: one query."""
    if not thread_ids:
        return {}
    rows = db.session.execute(
        select(Post.thread_id, func.count(Post.id)).join(ThreadRead, Post.thread_id == ThreadRead.thread_id)
        .where(ThreadRead.user_id == user.id, Post.thread_id.in_(thread_ids), *_new_to(user.id))
        .group_by(Post.thread_id)).all()
    return dict(rows)


@dataclass(frozen=True)
class Unread:
    thread: Thread
    new: int  # posts new to the member
    first_new: int  # the id of the first of them, where reading resumes


def unread_threads(user: User, limit: int = 8) -> list[Unread]:
    """Threads the member has read before that have posts new to them, the latest activity first: one query."""
    new = (
        select(Post.thread_id, func.count(Post.id).label("new"), func.min(Post.id).label("first_new"),
               func.max(Post.id).label("newest"))
        .join(ThreadRead, Post.thread_id == ThreadRead.thread_id)
        .where(ThreadRead.user_id == user.id, *_new_to(user.id))
        .group_by(Post.thread_id).subquery()
    )
    rows = db.session.execute(
        select(Thread, new.c.new, new.c.first_new).join(new, new.c.thread_id == Thread.id)
        .options(joinedload(Thread.theme))
        .order_by(new.c.newest.desc()).limit(limit)).all()
    return [Unread(thread, count, first) for thread, count, first in rows]


def unopened_threads(user: User, theme_id: int, limit: int = 8) -> list[Thread]:
    """Threads of a theme started by others since the member joined that they have not opened, newest first."""
    opened = select(ThreadRead.thread_id).where(ThreadRead.user_id == user.id)
    return db.session.scalars(
        select(Thread).options(joinedload(Thread.author))
        .where(Thread.theme_id == theme_id, Thread.author_id != user.id, Thread.created_at >= user.joined_at,
               Thread.id.not_in(opened))
        .order_by(Thread.created_at.desc(), Thread.id.desc()).limit(limit)).all()


def mark_read(user: User, thread: Thread, post_id: int) -> bool:
    """Move the member's marker forward to `post_id` (a post of this thread); commit. False if nothing moved."""
    if db.session.scalar(select(Post.id).where(Post.id == post_id, Post.thread_id == thread.id)) is None:
        db.session.rollback()
        return False
    moved = db.session.execute(
        update(ThreadRead).where(ThreadRead.user_id == user.id, ThreadRead.thread_id == thread.id,
                                 ThreadRead.last_read_post_id < post_id)
        .values(last_read_post_id=post_id, updated_at=utcnow())).rowcount
    if not moved and last_read(user, thread) is None:
        db.session.add(ThreadRead(user_id=user.id, thread_id=thread.id, last_read_post_id=post_id))
        moved = 1
    db.session.commit()
    return bool(moved)
