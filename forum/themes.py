"""Reading themes: the current one, what's next, the archive and activity."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import joinedload, selectinload

from .database import utcnow
from .extensions import db
from .models import Post, Theme, Thread, User


@dataclass
class ThemeStats:
    posts: int = 0
    participants: int = 0


def theme_stats(theme_ids: list[int] | None = None) -> dict[int, ThemeStats]:
    """Visible post and participant counts per theme, in one query."""
    stmt = (
        select(Thread.theme_id, func.count(Post.id), func.count(distinct(Post.author_id)))
        .join(Post, Post.thread_id == Thread.id)
        .where(Post.is_visible)
        .group_by(Thread.theme_id)
    )
    if theme_ids is not None:
        stmt = stmt.where(Thread.theme_id.in_(theme_ids))
    return {theme_id: ThemeStats(posts, people) for theme_id, posts, people in db.session.execute(stmt)}


def newest_first(limit: int | None = None) -> list[Theme]:
    """Themes by month, the newest first (all, or the first `limit`)."""
    return db.session.scalars(select(Theme).order_by(Theme.month.desc()).limit(limit)).all()


def menu() -> list[tuple[str, str]]:
    """Every theme as (slug, title), the newest month first: for choosing one in a form."""
    return db.session.execute(select(Theme.slug, Theme.title).order_by(Theme.month.desc())).all()


def current_theme() -> Theme | None:
    """The theme whose discussion is open now (the latest to open, if several)."""
    now = utcnow()
    return db.session.scalar(
        select(Theme)
        .options(selectinload(Theme.panelists), selectinload(Theme.resources))
        .where(Theme.opens_at <= now, Theme.closes_at > now)
        .order_by(Theme.opens_at.desc())
        .limit(1)
    )


def next_theme() -> Theme | None:
    return db.session.scalar(
        select(Theme).where(Theme.opens_at > utcnow()).order_by(Theme.opens_at).limit(1)
    )


def latest_archived_theme() -> Theme | None:
    return db.session.scalar(
        select(Theme)
        .options(selectinload(Theme.panelists), selectinload(Theme.resources))
        .where(Theme.closes_at <= utcnow()).order_by(Theme.closes_at.desc()).limit(1)
    )


def themes_by_year() -> list[tuple[str, list[Theme]]]:
    """Every theme, newest month first, grouped by year."""
    themes = db.session.scalars(select(Theme).order_by(Theme.month.desc(), Theme.id.desc())).all()
    years: dict[str, list[Theme]] = {}
    for theme in themes:
        years.setdefault(theme.month[:4], []).append(theme)
    return list(years.items())


def threads_of(theme: Theme) -> list[Thread]:
    """The facilitated discussion and pinned threads first, then the most recently active."""
    return db.session.scalars(
        select(Thread)
        .options(joinedload(Thread.author))
        .where(Thread.theme_id == theme.id)
        .order_by(Thread.facilitated.desc(), Thread.pinned.desc(), Thread.last_post_at.desc())
    ).all()


def recent_posts(limit: int = 8, author: User | None = None) -> list[Post]:
    """The latest visible posts, across the site or by one member, with thread and theme."""
    stmt = (
        select(Post)
        .options(joinedload(Post.author), joinedload(Post.thread).joinedload(Thread.theme))
        .where(Post.is_visible)
        .order_by(Post.created_at.desc(), Post.id.desc())
        .limit(limit)
    )
    if author is not None:
        stmt = stmt.where(Post.author_id == author.id)
    return db.session.scalars(stmt).all()


def post_count_of(member: User) -> int:
    return db.session.scalar(
        select(func.count(Post.id)).where(Post.author_id == member.id, Post.is_visible)
    )


def get_by_slug(slug: str) -> Theme | None:
    return db.session.scalar(
        select(Theme)
        .options(selectinload(Theme.panelists), selectinload(Theme.resources))
        .where(Theme.slug == slug)
    )
