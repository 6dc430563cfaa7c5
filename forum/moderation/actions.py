"""Moderating discussions: pin, lock, hide, move. One transaction each, audited.

Each change is a conditional UPDATE, so a double click or two moderators
at once change (and count, and audit) a thing once.
"""
from __future__ import annotations

from sqlalchemy import select, update

from . import audit, reports
from ..page_cache import freshness
from ..searching import indexing
from ..core.database import utcnow
from ..core.extensions import db
from ..models import Post, Theme, Thread, User
from ..models import post_events
from ..models.reports import HIDDEN

REASON_MAX = 300


def _set_flag(thread: Thread, column, value: bool) -> bool:
    """Set a thread's boolean column; True when it changed."""
    changed = db.session.execute(
        update(Thread)
        .where(Thread.id == thread.id, column != value)
        .values({column: value})
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        freshness.thread_changed(thread)  # a bulk UPDATE: the session cannot see it
    db.session.expire(thread)
    return bool(changed)


# action -> (the thread's flag, the value it sets)
THREAD_FLAGS = {
    "pin": (Thread.pinned, True), "unpin": (Thread.pinned, False),
    "lock": (Thread.locked, True), "unlock": (Thread.locked, False),
}


def set_thread_flag(thread: Thread, action: str, moderator: User) -> bool:
    """Pin or unpin (pinned threads are listed first), lock or unlock (no replies
    from members); commit. True when it changed."""
    column, value = THREAD_FLAGS[action]
    changed = _set_flag(thread, column, value)
    if changed:
        audit.record(moderator, f"thread.{action}", thread, thread.title)
    db.session.commit()
    return changed


def _count_change(post: Post, delta: int) -> None:
    # reply_count counts the replies members can see (post_rows.counts_as_reply).
    if post.parent_id is not None:
        db.session.execute(
            update(Thread).where(Thread.id == post.thread_id)
            .values(reply_count=Thread.reply_count + delta)
        )


def hide(post: Post, moderator: User, reason: str) -> bool:
    """Hide a post from members, with a reason kept for moderators; commit."""
    changed = db.session.execute(
        update(Post)
        .where(Post.id == post.id, Post.is_visible)
        .values(hidden_at=utcnow(), hidden_reason=reason[:REASON_MAX], hidden_by_id=moderator.id)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        _count_change(post, -1)
        post_events.post_changed(post, post_events.HIDDEN)  # search drops it, and nobody is told of it
        reports.close(post, moderator, HIDDEN)  # but whoever reported it is told it is gone
        audit.record(moderator, "post.hide", post, reason)
    db.session.commit()
    return bool(changed)


def unhide(post: Post, moderator: User) -> bool:
    """Show a hidden post to members again; commit."""
    was = post.hidden_reason
    changed = db.session.execute(
        update(Post)
        .where(Post.id == post.id, Post.hidden_at.is_not(None))
        .values(hidden_at=None, hidden_reason="", hidden_by_id=None)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        _count_change(post, +1)
        post_events.post_changed(post, post_events.SHOWN)  # search has it again
        audit.record(moderator, "post.unhide", post, f"was hidden: {was}")
    db.session.commit()
    return bool(changed)


def move(thread: Thread, theme: Theme, moderator: User) -> bool:
    """Move a thread, with all its posts, under another theme; commit."""
    if thread.theme_id == theme.id:
        return False
    old_title = thread.theme.title
    thread.theme = theme
    indexing.mark_thread(thread)  # search results show each post's theme
    audit.record(moderator, "thread.move", thread, f"“{thread.title}” from “{old_title}” to “{theme.title}”")
    db.session.commit()
    return True


def move_targets(thread: Thread) -> list[tuple[int, str]]:
    """Themes a thread could move to, newest month first, as (id, label)."""
    rows = db.session.execute(
        select(Theme.id, Theme.title, Theme.month)
        .where(Theme.id != thread.theme_id)
        .order_by(Theme.month.desc(), Theme.id.desc())
    ).all()
    return [(theme_id, f"{month} · {title}") for theme_id, title, month in rows]
