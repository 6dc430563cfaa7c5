"""Themes: the current one, what's next, the archive; creating and changing them, their
panelists and resources (moderators only), and their facilitated discussion."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import joinedload, selectinload

from ..moderation import audit
from ..searching import indexing
from ..core.database import utcnow
from ..core.extensions import db
from ..core.markup import render_markdown
from ..models import Panelist, Post, Resource, Theme, Thread, User
from ..discussions.posting import new_post
from ..core.slugs import slugify
from ..core.timefmt import to_utc


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
        .where(Theme.opens_at <= now, Theme.closes_at > now)
        .order_by(Theme.opens_at.desc())
        .limit(1)
    )


def next_theme() -> Theme | None:
    return db.session.scalar(
        select(Theme).where(Theme.opens_at > utcnow()).order_by(Theme.opens_at).limit(1)
    )


def recently_archived(limit: int) -> list[Theme]:
    """The themes whose discussions closed last, the latest first."""
    return db.session.scalars(
        select(Theme).where(Theme.closes_at <= utcnow()).order_by(Theme.closes_at.desc()).limit(limit)).all()


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


def get_by_id(theme_id: int) -> Theme | None:
    return db.session.get(Theme, theme_id)


def get_by_slug(slug: str) -> Theme | None:
    return db.session.scalar(
        select(Theme)
        .options(selectinload(Theme.panelists), selectinload(Theme.resources))
        .where(Theme.slug == slug)
    )


# Changing themes (moderators) ----------------------------------------------------

class SlugTaken(ValueError):
    pass


def _unique_slug(wanted: str, theme: Theme | None) -> str:
    existing = db.session.scalar(select(Theme).where(Theme.slug == wanted))
    if existing is not None and existing is not theme:
        raise SlugTaken(wanted)
    return wanted


def apply_theme_form(theme: Theme, data: dict) -> Theme:
    """Copy validated form data onto a theme (new or existing); no commit."""
    if theme.id is not None and (theme.title, theme.slug) != (data["title"], data["slug"] or theme.slug):
        indexing.mark_theme(theme)  # search results show the theme's title and link
    theme.slug = _unique_slug(data["slug"] or slugify(data["title"], 80), theme)
    theme.title = data["title"]
    theme.month = data["month"]
    theme.summary = data["summary"] or ""
    theme.blog_post = data["blog_post"] or ""
    theme.blog_post_html = render_markdown(theme.blog_post)
    theme.panel_title = data["panel_title"] or ""
    theme.panel_at = to_utc(data["panel_at"])
    theme.recording_url = data["recording_url"] or ""
    theme.panel_join_url = data["panel_join_url"] or ""
    theme.opens_at = to_utc(data["opens_at"])
    theme.closes_at = to_utc(data["closes_at"])
    return theme


def create_theme(data: dict, moderator: User) -> Theme:
    """A new theme, with its facilitated discussion when an opening post is given."""
    theme = apply_theme_form(Theme(), data)
    db.session.add(theme)
    opening = (data.get("opening_post") or "").strip()
    if opening:
        start_facilitated_thread(theme, moderator, opening)
    audit.record(moderator, "theme.create", theme, theme.title)
    db.session.commit()
    return theme


def save_theme(theme: Theme, data: dict, moderator: User) -> Theme:
    """Edit a theme from validated form data, audited; commit. SlugTaken when its slug is another's (rolled back)."""
    try:
        apply_theme_form(theme, data)
    except SlugTaken:
        db.session.rollback()
        raise
    audit.record(moderator, "theme.edit", theme, theme.title)
    db.session.commit()
    return theme


def add_panelist(theme: Theme, name: str, bio: str, moderator: User) -> Panelist:
    """A panelist at the end of the theme's expert panel, audited; commit."""
    panelist = Panelist(name=name, bio=bio, position=len(theme.panelists))
    theme.panelists.append(panelist)
    audit.record(moderator, "panelist.add", panelist, f"{panelist.name} in “{theme.title}”")
    db.session.commit()
    return panelist


def add_resource(theme: Theme, moderator: User, **fields) -> Resource:
    """A resource at the end of the theme's list (title, url, kind, note), audited; commit."""
    resource = Resource(**fields, position=len(theme.resources))
    theme.resources.append(resource)
    audit.record(moderator, "resource.add", resource, f"{resource.title} in “{theme.title}”")
    db.session.commit()
    return resource


def item_label(item: Panelist | Resource) -> str:
    return f"{getattr(item, 'name', None) or item.title} in “{item.theme.title}”"


def item_edited(item: Panelist | Resource, moderator: User) -> None:
    """A panelist or resource the caller changed, audited; commit."""
    audit.record(moderator, f"{_item_kind(item)}.edit", item, item_label(item))
    db.session.commit()


def remove_item(item: Panelist | Resource, moderator: User) -> None:
    """Take a panelist or resource off its theme, audited; commit."""
    audit.record(moderator, f"{_item_kind(item)}.remove", item, item_label(item))
    db.session.delete(item)
    db.session.commit()


def _item_kind(item: Panelist | Resource) -> str:
    return "panelist" if isinstance(item, Panelist) else "resource"


def start_facilitated_thread(theme: Theme, moderator: User, body: str) -> Thread:
    """The pinned discussion moderators run; may be prepared before the theme opens."""
    now = utcnow()
    thread = Thread(theme=theme, author=moderator, title=f"Discussion: {theme.title}",
                    facilitated=True, pinned=True, created_at=now, last_post_at=now)
    db.session.add(thread)
    new_post(thread, moderator, body, None)
    return thread


def facilitated_thread(theme: Theme) -> Thread | None:
    return db.session.scalar(
        select(Thread).where(Thread.theme_id == theme.id, Thread.facilitated.is_(True)).limit(1)
    )


def rerender_blog_posts() -> int:
    themes = db.session.scalars(select(Theme)).all()
    for theme in themes:
        theme.blog_post_html = render_markdown(theme.blog_post)
    db.session.commit()
    return len(themes)

