"""What each member follows: watch levels for threads and themes, and their defaults.

A thread's level for a member is the one they chose for it; failing that,
the one they chose for its theme (watching or muting a theme covers its
threads, as a category does in Discourse); failing that, normal. Members
watch the threads they start or reply to unless they chose otherwise, and
track the theme whose discussion is open.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ..core.database import utcnow
from ..core.extensions import db
from ..models import Theme, Thread, User, Watch
from ..models.notifications import MUTED, NORMAL, TRACKING, WATCH_LEVELS, WATCHING

LABELS = {
    WATCHING: "Watching",
    TRACKING: "Tracking",
    NORMAL: "Normal",
    MUTED: "Muted",
}
THREAD_HELP = {
    WATCHING: "You are told of every new post.",
    TRACKING: "New posts are counted for you, without notifications.",
    NORMAL: "You are told when someone replies to you or mentions you.",
    MUTED: "You are told of nothing in this thread.",
}
THEME_HELP = {
    WATCHING: "You are told of every new thread, panel question and post.",
    TRACKING: "New posts are counted for you, without notifications.",
    NORMAL: "You are told when someone replies to you or mentions you.",
    MUTED: "You are told of nothing in this theme, unless you watch a thread of it.",
}


def _chosen(user_id: int, *, thread_id: int | None = None, theme_id: int | None = None) -> Watch | None:
    column, value = (Watch.thread_id, thread_id) if thread_id is not None else (Watch.theme_id, theme_id)
    return db.session.scalar(select(Watch).where(Watch.user_id == user_id, column == value))


def theme_level(user: User, theme: Theme) -> str:
    chosen = _chosen(user.id, theme_id=theme.id)
    if chosen is not None:
        return chosen.level
    return TRACKING if theme.is_open() else NORMAL


def thread_level_columns(user_id, thread_id, theme_id):
    """The member's choice for the thread and for its theme (NULL where none), as
    scalar subqueries for a page that asks more in the same query; level_of() reads them."""
    chosen = select(Watch.level).where(Watch.user_id == user_id)
    return (chosen.where(Watch.thread_id == thread_id).scalar_subquery().label("thread_watch"),
            chosen.where(Watch.theme_id == theme_id).scalar_subquery().label("theme_watch"))


def level_of(thread_choice: str | None, theme_choice: str | None) -> str:
    """A thread's level: the member's own choice for it, else watching or muting its theme carries over."""
    if thread_choice is not None:
        return thread_choice
    return theme_choice if theme_choice in (WATCHING, MUTED) else NORMAL


def choose(user: User, level: str, *, thread: Thread | None = None, theme: Theme | None = None) -> None:
    """Record a member's choice for one thread or theme; commit."""
    if level not in WATCH_LEVELS:
        raise ValueError(f"unknown watch level {level!r}")
    chosen = _chosen(user.id, thread_id=thread.id if thread else None, theme_id=theme.id if theme else None)
    if chosen is None:
        db.session.add(Watch(user_id=user.id, thread_id=thread.id if thread else None,
                             theme_id=theme.id if theme else None, level=level))
    elif chosen.level != level:
        chosen.level, chosen.created_at = level, utcnow()
    db.session.commit()


def watch_after_posting(user: User, thread: Thread) -> None:
    """Posting in a thread watches it, unless the member already chose a level for it; no commit."""
    if _chosen(user.id, thread_id=thread.id) is None:
        db.session.add(Watch(user_id=user.id, thread_id=thread.id, level=WATCHING))


class WatchBook:
    """Every watch that may matter to a batch of threads, read in two queries."""

    def __init__(self, threads: list[Thread]):
        self.by_theme: dict[int, list[tuple[int, str, datetime]]] = {}
        self.by_thread: dict[int, list[tuple[int, str, datetime]]] = {}
        theme_ids, thread_ids = {t.theme_id for t in threads}, {t.id for t in threads}
        if not threads:
            return
        for theme_id, user_id, level, since in db.session.execute(
                select(Watch.theme_id, Watch.user_id, Watch.level, Watch.created_at)
                .where(Watch.theme_id.in_(theme_ids), Watch.level.in_((WATCHING, MUTED)))):
            self.by_theme.setdefault(theme_id, []).append((user_id, level, since))
        for thread_id, user_id, level, since in db.session.execute(
                select(Watch.thread_id, Watch.user_id, Watch.level, Watch.created_at)
                .where(Watch.thread_id.in_(thread_ids))):
            self.by_thread.setdefault(thread_id, []).append((user_id, level, since))

    def levels(self, thread: Thread, at: datetime) -> dict[int, str]:
        """Every member's level for the thread at a moment, where it is not normal.

        A watch chosen after the moment does not count, so a member who
        joins a thread is not told of the posts that were there before them.
        """
        levels = {user_id: level for user_id, level, since in self.by_theme.get(thread.theme_id, ()) if since <= at}
        levels.update((user_id, level) for user_id, level, since in self.by_thread.get(thread.id, ()) if since <= at)
        return levels


def chosen_by(user: User) -> list[Watch]:
    """What a member chose a level for, themes first, for their settings page."""
    return list(db.session.scalars(
        select(Watch).where(Watch.user_id == user.id)
        .options(selectinload(Watch.thread), selectinload(Watch.theme))
        .order_by(Watch.theme_id.is_(None), Watch.created_at.desc())
    ))
