"""Notifications: written as events with each change, turned into what members are told by the worker.

A new or edited post writes a PostEvent in its own transaction
(forum.models.post_events). The worker (handle_events) decides who is
told, from the post as it is then and from watch levels
(forum.notifications.watching), and writes their notifications; the rows
it handled go in the same transaction. A hidden or deleted post's
notifications go as its event is flushed (_withdraw). Members
who want email get at most one every NOTIFICATION_EMAIL_MINUTES, carrying
everything that arrived meanwhile (compose_emails).
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, g
from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.orm import Session, joinedload

from ..mail import emails
from ..discussions import mentions
from . import watching
from ..core.database import utcnow
from ..core.extensions import db
from ..models import Notification, PanelQuestion, Post, PostEvent, Thread, User
from ..models import post_events
from ..models.notifications import (MENTION, MUTED, NEW_THREAD, QUESTION, REPLY, REPORT_HIDDEN, REPORT_KEPT,
                                   REPORT_OUTCOMES, WATCHED_POST, WATCHING)
from ..core.text import clean_line

EVENTS_PER_BATCH = 100
MEMBERS_PER_BATCH = 50
EXCERPT_LENGTH = 300
NOTIFICATIONS_MAILING = "notifications"
# The events members are told of; the worker deletes the others unread.
TOLD_OF = (post_events.WRITTEN, post_events.EDITED)


def _withdraw(session: Session, _flush_context, _instances) -> None:
    """A post was hidden or deleted: nobody is told of it any more, from this transaction on."""
    withdrawn = [obj.post_id for obj in session.new
                 if isinstance(obj, PostEvent) and obj.kind in post_events.WITHDRAWN]
    if withdrawn:  # on the connection: the session is flushing
        session.connection().execute(delete(Notification).where(Notification.post_id.in_(withdrawn)))


_listening = False


def init_app(_app) -> None:
    """Session events are global: attached once per process."""
    global _listening
    if not _listening:
        event.listen(Session, "before_flush", _withdraw)
        _listening = True


# Turning events into notifications (the worker).

def events_waiting() -> bool:
    return db.session.scalar(select(PostEvent.id).limit(1)) is not None


def handle_events() -> int:
    """Turn a batch of waiting events into notifications, in a fixed number of queries; how many events."""
    # Claimed: another worker (on this machine or another) takes the next events, not these.
    events = db.session.execute(select(PostEvent.id, PostEvent.kind, PostEvent.post_id)
                                .order_by(PostEvent.id).limit(EVENTS_PER_BATCH)
                                .with_for_update(skip_locked=True)).all()
    if not events:
        return 0
    posts = {post.id: post for post in db.session.scalars(
        select(Post).options(joinedload(Post.thread), joinedload(Post.parent))
        .where(Post.id.in_({event.post_id for event in events})))}
    # A post hidden or deleted meanwhile tells no one.
    shown = [(event, posts[event.post_id]) for event in events
             if event.kind in TOLD_OF and event.post_id in posts and posts[event.post_id].is_visible]
    book = watching.WatchBook([post.thread for _, post in shown])
    questions = _question_posts([post for _, post in shown])
    told: dict[tuple[int, int], str] = {}
    for post_event, post in shown:
        for user_id, kind in recipients(post, book, questions, edited=post_event.kind == post_events.EDITED).items():
            told[user_id, post.id] = kind
    _write_notifications(told, posts)
    db.session.execute(delete(PostEvent).where(PostEvent.id.in_([event.id for event in events])))
    db.session.commit()
    return len(events)


def recipients(post: Post, book: "watching.WatchBook", questions: set[int], edited: bool = False) -> dict[int, str]:
    """Who is told of a post, and why (one reason each, the most personal).

    For an edit, only the members it mentions: those already told of the
    post (mentioned before, or told for another reason) are not told again.
    """
    levels = book.levels(post.thread, post.created_at)
    told = {}
    if not edited:
        kind = NEW_THREAD if post.is_opening else QUESTION if post.id in questions else WATCHED_POST
        told = {user_id: kind for user_id, level in levels.items() if level == WATCHING}
        parent = post.parent
        if parent is not None and not parent.is_deleted and levels.get(parent.author_id) != MUTED:
            told[parent.author_id] = REPLY
    for user_id in mentions.mentioned_in(post.html):
        if levels.get(user_id) != MUTED:
            told[user_id] = MENTION
    told.pop(post.author_id, None)  # nobody is told of their own post
    return told


def _question_posts(posts: list[Post]) -> set[int]:
    """Which of these posts are published panel questions (top-level posts of a facilitated discussion)."""
    candidates = [post.id for post in posts if post.depth == 1 and post.thread.facilitated]
    if not candidates:
        return set()
    return set(db.session.scalars(select(PanelQuestion.post_id).where(PanelQuestion.post_id.in_(candidates))))


def _write_notifications(told: dict[tuple[int, int], str], posts: dict[int, Post]) -> None:
    if not told:
        return
    post_ids = {post_id for _, post_id in told}
    # Told already: of the post before it was edited, or by a worker that died before deleting its events.
    already = set(db.session.execute(select(Notification.user_id, Notification.post_id)
                                     .where(Notification.post_id.in_(post_ids))).all())
    wants_email = dict(db.session.execute(
        select(User.id, User.email_notifications & User.password_hash.is_not(None))
        .where(User.id.in_({user_id for user_id, _ in told}))).all())
    rows = [dict(user_id=user_id, kind=kind, post_id=post_id, actor_id=posts[post_id].author_id,
                 created_at=posts[post_id].created_at, email_pending=bool(wants_email.get(user_id)))
            for (user_id, post_id), kind in told.items()
            if (user_id, post_id) not in already and user_id in wants_email]
    if rows:
        db.session.execute(insert(Notification), rows)


# What the bell and the notifications page show.

def unread_count(user: User) -> int:
    """The bell's number: one indexed query, once per request (none when a page asked it already)."""
    if "unread_notifications" not in g:
        g.unread_notifications = db.session.scalar(select(unread_count_column(user.id)))
    return g.unread_notifications


def unread_count_column(user_id):
    """unread_count as a scalar subquery, for a page that asks it with more; pass the answer to unread_known()."""
    return (select(func.count()).select_from(Notification)
            .where(Notification.user_id == user_id, Notification.read_at.is_(None))
            .scalar_subquery().label("unread"))


def unread_known(count: int) -> None:
    g.unread_notifications = count


def listing(user: User):
    """A member's notifications, newest first, with what each sentence needs loaded."""
    return (select(Notification).where(Notification.user_id == user.id)
            .options(joinedload(Notification.actor),
                     joinedload(Notification.post).joinedload(Post.thread).joinedload(Thread.theme))
            .order_by(Notification.id.desc()))


def mark_read(user: User, notification_id: int | None = None) -> int:
    """Mark one notification (or all) of this member read; commit. How many changed."""
    stmt = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    # Read in the forum: no need to send it by email any more.
    changed = db.session.execute(stmt.values(read_at=utcnow(), email_pending=False)).rowcount
    db.session.commit()
    return changed


def sentence(notification: Notification) -> str:
    """What happened, in words, for the page and for email (escaped where shown)."""
    post, actor = notification.post, notification.actor
    who = actor.display_name if actor is not None else "Someone"
    thread = post.thread
    return {
        REPLY: f"{who} replied to your post in “{thread.title}”",
        WATCHED_POST: f"{who} posted in “{thread.title}”",
        NEW_THREAD: f"{who} started “{thread.title}” in {thread.theme.title}",
        QUESTION: f"A panel question is open in {thread.theme.title}",
        MENTION: f"{who} mentioned you in “{thread.title}”",
        REPORT_HIDDEN: f"A post you reported in “{thread.title}” was hidden by a moderator. Thank you.",
        REPORT_KEPT: f"A moderator read the post you reported in “{thread.title}” and left it up.",
    }[notification.kind]


def link_endpoint(notification: Notification) -> tuple[str, dict]:
    """Where a notification leads: its post, or, for a reported post that was hidden, its thread."""
    if notification.kind == REPORT_HIDDEN:
        return "threads.show", {"thread_id": notification.post.thread_id}
    return "threads.permalink", {"post_id": notification.post_id}


def excerpt(post: Post, length: int = EXCERPT_LENGTH) -> str:
    """The start of a post's text as written, on one line."""
    text = clean_line(post.body)
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


# Email (the worker).

def compose_emails(now=None) -> int:
    """One email per member whose notifications wait and whose last email is old enough."""
    now = now or utcnow()
    quiet_since = now - timedelta(minutes=current_app.config["NOTIFICATION_EMAIL_MINUTES"])
    waiting = (select(Notification.user_id).where(Notification.email_pending.is_(True))
               .distinct().scalar_subquery())
    members = db.session.scalars(
        select(User).where(User.id.in_(waiting))
        .where((User.notified_by_email_at.is_(None)) | (User.notified_by_email_at <= quiet_since))
        .order_by(User.id).limit(MEMBERS_PER_BATCH)
        .with_for_update(of=User, skip_locked=True)).all()  # members another worker writes to are its own
    for member in members:
        _compose_for(member, now)
    db.session.commit()
    return len(members)


def _compose_for(member: User, now) -> None:
    pending = db.session.scalars(
        listing(member).where(Notification.email_pending.is_(True))).unique().all()
    for notification in pending:
        notification.email_pending = False
    # A report's outcome is told whatever became of the post; other news of a gone post is not.
    shown = [n for n in pending if n.post.is_visible or n.kind in REPORT_OUTCOMES]
    if not shown or not member.email_notifications or not member.can_log_in:
        return
    member.notified_by_email_at = now
    subject = (sentence(shown[0]) if len(shown) == 1
               else f"{len(shown)} new notifications in {current_app.config['COMMUNITY_NAME']}")
    emails.queue(f"notifications:{member.id}:{shown[0].id}", member, subject, "notifications",
                 unsubscribe=NOTIFICATIONS_MAILING,
                 items=[(sentence(n), excerpt(n.post), _absolute_link(n)) for n in shown],
                 notifications_url=emails.absolute_url("notifications.index"))


def _absolute_link(notification: Notification) -> str:
    endpoint, values = link_endpoint(notification)
    return emails.absolute_url(endpoint, **values)


def stop_notification_emails(user: User) -> None:
    """No more notification emails for this member (what waits is dropped); no commit."""
    user.email_notifications = False
    db.session.execute(update(Notification).where(Notification.user_id == user.id)
                       .values(email_pending=False))
