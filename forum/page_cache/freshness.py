"""Page versions: what changed, in the transaction that changed it.

A cached page and an ETag are keyed by the versions of what the page
shows (see forum.page_cache.cache). Each commit that changes a post, a thread,
a theme or a name on a page raises those versions before it commits, so
the next request after the commit reads a new key and can never be
answered with the old page, on any server or worker.

Most changes are found by looking at the session as it flushes: posts,
threads, themes and their panel and resources, members' names, and the
PostEvent row every change of a post's text or visibility writes.
Writers that change rows with a bulk UPDATE (pin and lock) call
thread_changed() themselves.

Each raise takes a new version from one counter for the whole forum, so
a version is never given twice. On SQLite writers come one at a time: the
counter is the highest theme version plus one, and a change to a thread
raises its theme's version too, so the highest theme version is the
version of the forum (the front page, the archive). On PostgreSQL a
post's writers run side by side (forum.core.database), so the counter is
a sequence (page_versions, migration 0018) and nothing every writer
shares is raised in their transactions:
- a thread's version is raised under the thread's row lock, so its
  versions commit in order;
- a theme page's key adds up its threads' versions, which grows with
  each commit that changes one of them, whatever order commits come in;
- the forum's pages are keyed by the sequence's last value, and each
  writer takes one more value after its commit: a page rendered before
  that commit was stored under a value that is then past.
A writer that dies between its commit and that last value leaves the
forum's pages as they were until the next change or the next minute
(their keys carry the minute).
"""
from __future__ import annotations

import logging
from functools import cache
from datetime import datetime, timedelta
from typing import Callable

from flask import current_app

from sqlalchemy import bindparam, event, func, inspect, literal_column, select, union, update
from sqlalchemy.orm import Session

from ..core.database import utcnow
from ..core.extensions import db
from ..models import GuestExpert, Panelist, Post, PostEvent, Resource, Theme, Thread, User
from ..models.panel import SCHEDULED, PanelQuestion
from ..models.themes import UPCOMING, panel_ahead, theme_state
from ..worker import heartbeat
from . import change_token
from .cache import PageVersions, dates_span, dates_until

_KEY = "page_changes"
# Set when a PostgreSQL transaction raised versions: it takes one more after its commit.
_RAISED = "page_versions_raised"
# Set when a transaction raised versions: the change token is replaced after its commit.
_CHANGED = "page_versions_changed"
_NEXT_VERSION = "SELECT nextval('page_versions')"
# A member's name and position are shown beside each of their posts.
_SHOWN_OF_A_MEMBER = ("display_name", "position")
# Rows whose every change shows on a thread or theme page.
_SHOWN = (Post, Thread, Theme, Panelist, Resource, PanelQuestion)
# Past this many rows changed at once (the demo, an import), every page's version is raised.
_MANY = 500


class _Changes:
    """Ids gathered through one transaction, resolved to threads and themes at commit."""

    def __init__(self) -> None:
        self.threads: set[int] = set()
        self.themes: set[int] = set()
        self.posts: set[int] = set()
        self.members: set[int] = set()
        # Themes every thread of which changes: a guest expert's badge shows on their posts in all of them.
        self.theme_threads: set[int] = set()
        self.objects: list = []  # new rows whose ids exist only after the flush
        self.everything = False

    def __bool__(self) -> bool:
        return bool(self.threads or self.themes or self.posts or self.members or self.theme_threads
                    or self.objects or self.everything)


def _changes(session: Session) -> _Changes:
    found = session.info.get(_KEY)
    if found is None:
        found = session.info[_KEY] = _Changes()
    return found


def thread_changed(thread: Thread) -> None:
    """For writers that UPDATE a thread in bulk (the session cannot see it)."""
    _changes(db.session()).threads.add(thread.id)


def theme_changed(theme_id: int) -> None:
    """For writers that UPDATE a theme's rows in bulk (a panel question's status)."""
    _changes(db.session()).themes.add(theme_id)


def marked_for_search(kind: str, ref_id: int) -> None:
    """What forum.searching.indexing marks for search (every post of a thread or theme, by id): the pages
    showing it change too. A post's own change is found from its PostEvent (_note)."""
    changes = _changes(db.session())
    {"thread": changes.threads, "theme": changes.themes}[kind].add(ref_id)


def everything_changed() -> None:
    """After an archive import or the demo: every page may differ."""
    _changes(db.session()).everything = True


def _note(session: Session, _flush_context, _instances) -> None:
    noted = session.info.get(_KEY)
    if noted is not None and noted.everything:
        return
    changes = _Changes()
    for obj in (*session.new, *session.dirty, *session.deleted):
        if isinstance(obj, PostEvent):  # hidden or shown by a bulk UPDATE the session cannot see
            changes.posts.add(obj.post_id)
        elif isinstance(obj, _SHOWN):
            if obj in session.dirty and not session.is_modified(obj, include_collections=False):
                continue  # only a relationship list changed (a parent given a reply)
            changes.objects.append(obj)
            if isinstance(obj, Thread):  # moved: the theme it left lists it no more
                changes.themes.update(filter(None, inspect(obj).attrs.theme_id.history.deleted))
        elif isinstance(obj, GuestExpert) and obj not in session.dirty:
            changes.objects.append(obj)  # invited or removed; declining emails shows nowhere
        elif isinstance(obj, User) and obj in session.dirty:
            state = inspect(obj)
            if any(state.attrs[name].history.has_changes() for name in _SHOWN_OF_A_MEMBER):
                changes.members.add(obj.id)
    if changes:
        _merge(_changes(session), changes)


def _merge(into: _Changes, found: _Changes) -> None:
    into.objects.extend(found.objects)
    into.posts |= found.posts
    into.themes |= found.themes
    into.members |= found.members
    into.theme_threads |= found.theme_threads
    if len(into.objects) > _MANY:
        into.everything, into.objects = True, []


def _resolve(changes: _Changes) -> None:
    """Turn the objects noted at each flush into ids, now that they all have one."""
    for obj in changes.objects:
        if isinstance(obj, Post):
            changes.threads.add(obj.thread_id)
        elif isinstance(obj, Thread):
            changes.threads.add(obj.id)
        elif isinstance(obj, Theme):
            changes.themes.add(obj.id)
        elif isinstance(obj, (Panelist, Resource, PanelQuestion)):
            changes.themes.add(obj.theme_id)
        elif isinstance(obj, GuestExpert):
            changes.themes.add(obj.theme_id)
            changes.theme_threads.add(obj.theme_id)
    changes.objects.clear()
    changes.threads.discard(None)
    changes.themes.discard(None)


def _raise_versions(session: Session) -> None:
    # The commit flushes only after this hook: flush now, so _note sees every change.
    if session.new or session.dirty or session.deleted:
        session.flush()
    changes = session.info.pop(_KEY, None)
    if not changes:
        return
    _resolve(changes)
    session.info[_CHANGED] = True
    connection = session.connection()
    sequenced = connection.dialect.name == "postgresql"
    if sequenced:
        version = connection.exec_driver_sql(_NEXT_VERSION).scalar()
        session.info[_RAISED] = True
    else:
        version = (connection.scalar(select(func.max(Theme.page_version))) or 0) + 1
    if changes.everything:
        connection.execute(update(Thread).values(page_version=version))
        connection.execute(update(Theme).values(page_version=version))
        return
    parts = [select(Thread.id).where(Thread.id.in_(changes.threads))]
    if changes.posts:
        parts.append(select(Post.thread_id).where(Post.id.in_(changes.posts)))
    if changes.members:  # with posts too, a union of three (a union has no .union of its own)
        parts.append(select(Post.thread_id).where(Post.author_id.in_(changes.members)))
    if changes.theme_threads:
        parts.append(select(Thread.id).where(Thread.theme_id.in_(changes.theme_threads)))
    thread_ids = union(*parts) if len(parts) > 1 else parts[0]
    connection.execute(update(Thread).where(Thread.id.in_(thread_ids)).values(page_version=version))
    themes = Theme.id.in_(changes.themes)
    if not sequenced:
        # A thread's theme lists it (counts, last post, starter): it changes too.
        # (On PostgreSQL its key adds up its threads' versions instead.)
        themes = themes | Theme.id.in_(select(Thread.theme_id).where(Thread.id.in_(thread_ids)))
    if changes.themes or not sequenced:
        connection.execute(update(Theme).where(themes).values(page_version=version))


def _take_version_after_commit(session: Session) -> None:
    """The forum's pages are keyed by the sequence's last value: move it past this commit."""
    if not session.info.pop(_RAISED, False):
        return
    try:
        connection = session.get_bind().raw_connection()  # the session's transaction is over; no lock to take
        try:
            connection.cursor().execute(_NEXT_VERSION)
            connection.commit()
        finally:
            connection.close()
    except Exception:  # the change is committed: say so, whatever this costs the cache (a minute at most)
        logging.getLogger(__name__).exception("page version not moved past a commit; the front page may "
                                              "show the change only at the next minute")


def _replace_token_after_commit(session: Session) -> None:
    """After the sequence's value above: a page checked with the new token reads the new versions."""
    if session.info.pop(_CHANGED, False):
        change_token.replace_after_commit()


def _forget(session: Session, _previous=None) -> None:
    session.info.pop(_KEY, None)
    session.info.pop(_RAISED, None)
    session.info.pop(_CHANGED, None)


_listening = False


def init_app(_app) -> None:
    """Session events are global: attached once per process."""
    global _listening
    if not _listening:
        event.listen(Session, "before_flush", _note)
        event.listen(Session, "before_commit", _raise_versions)
        event.listen(Session, "after_soft_rollback", _forget)
        event.listen(Session, "after_commit", _take_version_after_commit)
        event.listen(Session, "after_commit", _replace_token_after_commit)
        event.listen(Session, "after_commit", _forget)
        _listening = True


# What each cached page shows, read with one indexed query -------------------------
# Each returns the page's versions with the moment the clock alone changes the page
# (PageVersions, see forum.page_cache.cache), or None when visitors get no such page.
# `publish_due` runs first where the page shows panel questions: it publishes any
# whose time has come unless the worker does it. Without a worker, the query also
# reads when the theme's next question falls due: a page kept until then is checked
# again at that moment, and its view publishes the question.

def _read_after_publishing(read: Callable, key, theme_of: Callable, publish_due: Callable[[int], int]):
    """The page's row, read again when a panel question it shows was just published; whether a worker
    publishes them (then the row does not say when the next falls due)."""
    worker = heartbeat.worker_alive()
    row = read(key, not worker)
    # Without a worker the row says when the next question falls due: no look for one before.
    due = row is not None and (worker or (row.next_due is not None and row.next_due <= utcnow()))
    if due and publish_due(theme_of(row)):
        row = read(key, not worker)
    return row, worker


def _next_due(theme_id):
    return (select(func.min(PanelQuestion.publish_at))
            .where(PanelQuestion.status == SCHEDULED, PanelQuestion.theme_id == theme_id).scalar_subquery())


def _until(now: datetime, *moments: datetime | None) -> datetime:
    """The first of the moments still ahead, and at most PAGE_CACHE_TRUSTED_SECONDS from now."""
    trusted = now + timedelta(seconds=current_app.config["PAGE_CACHE_TRUSTED_SECONDS"])
    return min([trusted, *(moment for moment in moments if moment is not None and moment > now)])


def thread_page(thread_id: int, publish_due: Callable[[int], int]) -> PageVersions | None:
    row, worker = _read_after_publishing(_thread_row, thread_id, lambda found: found.theme_id, publish_due)
    if row is None:
        return None
    now = utcnow()
    state = theme_state(row.opens_at, row.closes_at, now)
    if row.facilitated and state == UPCOMING:
        return None  # not shown to visitors before the theme opens: the view says 404
    return PageVersions(
        ("thread", row.page_version, row.title, row.slug, row.month, state, dates_span(row.last_post_at, now)),
        _until(now, row.opens_at, row.closes_at, row.next_due, dates_until(row.last_post_at, now)), worker)


def _thread_row(thread_id: int, watch_due: bool):
    return db.session.execute(_thread_versions(watch_due), {"thread_id": thread_id}).first()


# The statements are built once: building one costs about as much as running it.
@cache
def _thread_versions(watch_due: bool):
    next_due = _next_due(Thread.theme_id) if watch_due else literal_column("NULL")
    return (select(Thread.page_version, Thread.last_post_at, Thread.facilitated, Thread.theme_id,
                   Theme.title, Theme.slug, Theme.month, Theme.opens_at, Theme.closes_at,
                   next_due.label("next_due"))
            .join(Theme, Theme.id == Thread.theme_id).where(Thread.id == bindparam("thread_id")))


def theme_page(slug: str, publish_due: Callable[[int], int]) -> PageVersions | None:
    row, worker = _read_after_publishing(_theme_row, slug, lambda found: found.id, publish_due)
    if row is None:
        return None
    now = utcnow()
    return PageVersions(
        ("theme", row.page_version, row.threads_version, theme_state(row.opens_at, row.closes_at, now),
         panel_ahead(row.panel_at, now), dates_span(row.latest, now)),
        _until(now, row.opens_at, row.closes_at, row.panel_at, row.next_due, dates_until(row.latest, now)), worker)


def _theme_row(slug: str, watch_due: bool):
    return db.session.execute(_theme_versions(watch_due), {"slug": slug}).first()


@cache
def _theme_versions(watch_due: bool):
    # The theme's threads read once, for both their latest post and their versions' sum.
    next_due = _next_due(Theme.id) if watch_due else literal_column("NULL")
    return (select(Theme.id, Theme.page_version, Theme.opens_at, Theme.closes_at, Theme.panel_at,
                   func.max(Thread.last_post_at).label("latest"),
                   func.coalesce(func.sum(Thread.page_version), 0).label("threads_version"),
                   next_due.label("next_due"))
            .outerjoin(Thread, Thread.theme_id == Theme.id)
            .where(Theme.slug == bindparam("slug")).group_by(Theme.id))


def forum_pages(publish_due: Callable[[int], int]) -> PageVersions:
    """The front page and the archive: any change anywhere, and the minute
    (which theme is open and how long ago posts were made change with the clock).
    Kept until the minute ends, so a question falling due shows on the front page
    within a minute when no worker publishes it."""
    now = utcnow()
    row = db.session.execute(_forum_versions(db.session.get_bind().dialect.name), {"now": now}).one()
    if row.current is not None and publish_due(row.current):
        return forum_pages(lambda _theme_id: 0)
    return PageVersions(("forum", row.version, dates_span(now, now)), _until(now, dates_until(now, now)),
                        heartbeat.worker_alive())


@cache
def _forum_versions(dialect: str):
    now = bindparam("now", type_=Theme.opens_at.type)
    current = (select(Theme.id).where(Theme.opens_at <= now, Theme.closes_at > now)
               .order_by(Theme.opens_at.desc()).limit(1).scalar_subquery())
    version = (literal_column("(SELECT last_value FROM page_versions)") if dialect == "postgresql"
               else func.max(Theme.page_version))
    return select(version.label("version"), current.label("current"))
