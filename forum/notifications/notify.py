"""Notifications: written as events with each change, turned into what members are told by the worker.

A new or edited post writes a PostEvent in its own transaction
(forum.models.post_events). The worker (handle_events) decides who is
told, from the post as it is then and from watch levels
(forum.notifications.watching), and writes their notifications; the rows
it handled go in the same transaction. A hidden or deleted post's
notifications go as its event is flushed (_withdraw). Members
who want email get at most one every NOTIFICATION_EMAIL_MINUTES, carrying
everything that arrived meanwhile (compose_emails). A guest expert
(forum.panel.guests) is told of each question their theme publishes,
under the bell and by an email of its own at once, which they may
decline (PANEL_MAILING): that notice never waits for the batch.
"""
from __future__ import annotations

from datetime import timedelta

from flask import current_app, g
from sqlalchemy import delete, event, func, insert, select, update
from sqlalchemy.orm import Session, joinedload

from ..mail import emails
from ..discussions import mentions
from . import watching
from ..panel import minutes
from ..core.database import utcnow
from ..core.extensions import db
from ..models import GuestExpert, Notification, PanelQuestion, Post, PostEvent, Thread, User
from ..models import post_events
from ..models.notifications import (MENTION, MUTED, NEW_THREAD, PANEL_QUESTION, QUESTION, REPLY,
                                   REPORT_HIDDEN, REPORT_KEPT, REPORT_OUTCOMES, WATCHED_POST, WATCHING,
                                   YOUR_QUESTION_ANSWERED, YOUR_QUESTION_POSTED)
from ..core.text import shortened

EVENTS_PER_BATCH = 100
MEMBERS_PER_BATCH = 50
EXCERPT_LENGTH = 300
NOTIFICATIONS_MAILING = "notifications"
# Whether a member takes notification emails: they asked for them, and they can log in to read them.
WANTS_EMAIL = User.email_notifications & User.password_hash.is_not(None)
# What a guest expert's one-click link in a panel question's email leaves (forum.mail.mailings.unsubscribe).
PANEL_MAILING = "panel"
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
        select(Post).options(joinedload(Post.thread).joinedload(Thread.theme), joinedload(Post.parent))
        .where(Post.id.in_({event.post_id for event in events})))}
    # A post hidden or deleted meanwhile tells no one.
    shown = [(event, posts[event.post_id]) for event in events
             if event.kind in TOLD_OF and event.post_id in posts and posts[event.post_id].is_visible]
    book = watching.WatchBook([post.thread for _, post in shown])
    questions = _question_posts([post for _, post in shown])  # post id -> the member who asked, if one did
    guests = _guest_experts({post.thread.theme_id for _, post in shown if post.id in questions})
    told: dict[tuple[int, int], str] = {}
    for post_event, post in shown:
        for user_id, kind in recipients(post, book, questions, edited=post_event.kind == post_events.EDITED,
                                        guests=guests).items():
            told[user_id, post.id] = kind
    written = _write_notifications(told, posts)
    _email_guest_experts([(user_id, posts[post_id]) for user_id, post_id, kind in written if kind == PANEL_QUESTION],
                         guests)
    db.session.execute(delete(PostEvent).where(PostEvent.id.in_([event.id for event in events])))
    db.session.commit()
    return len(events)


def recipients(post: Post, book: "watching.WatchBook", questions: dict[int, int | None],
               edited: bool = False, guests: dict[int, dict[int, bool]] | None = None) -> dict[int, str]:
    """Who is told of a post, and why (one reason each, the most personal).

    A panel question a member asked on the forum tells them it is posted, whatever they watch.

    For an edit, only the members it mentions: those already told of the
    post (mentioned before, or told for another reason) are not told again.
    A published question tells its theme's guest experts (`guests`, by
    theme) above any other reason: it is the question they are there to answer.
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
    if not edited and questions.get(post.id):
        told[questions[post.id]] = YOUR_QUESTION_POSTED
    if not edited and post.id in questions and guests:
        for user_id in guests.get(post.thread.theme_id, ()):
            told[user_id] = PANEL_QUESTION
    told.pop(post.author_id, None)  # nobody is told of their own post
    return told


def _guest_experts(theme_ids: set[int]) -> dict[int, dict[int, bool]]:
    """Each theme's guest experts: theme id -> {member id: whether they declined panel emails}."""
    if not theme_ids:
        return {}
    found: dict[int, dict[int, bool]] = {}
    for theme_id, user_id, declined_at in db.session.execute(
            select(GuestExpert.theme_id, GuestExpert.user_id, GuestExpert.emails_declined_at)
            .where(GuestExpert.theme_id.in_(theme_ids))):
        found.setdefault(theme_id, {})[user_id] = declined_at is not None
    return found


def _email_guest_experts(told: list[tuple[int, Post]], guests: dict[int, dict[int, bool]]) -> None:
    """A question for the panel is open: each guest expert who has not declined hears of it by email at once."""
    wanted = [(user_id, post) for user_id, post in told if not guests[post.thread.theme_id][user_id]]
    if not wanted:
        return
    members = {user.id: user for user in db.session.scalars(
        select(User).where(User.id.in_({user_id for user_id, _ in wanted})))}
    for user_id, post in wanted:
        theme = post.thread.theme
        question = question_text(post)
        emails.queue(f"panel-question:{post.id}:{user_id}", members[user_id],
                     f"A question for the panel is open: {question}", "panel-question",
                     unsubscribe=PANEL_MAILING, reply_post=post, question=question, theme=theme.title,
                     url=emails.absolute_url("threads.permalink", post_id=post.id))


def question_text(post: Post, length: int = 120) -> str:
    """A question's words from its post: the quoted lines (not the framing, not the credit)."""
    quoted = [line.lstrip(">").strip() for line in post.body.splitlines() if line.startswith(">")]
    return shortened(" ".join(quoted), length) if quoted else excerpt(post, length)


def _question_posts(posts: list[Post]) -> dict[int, int | None]:
    """Which of these posts are published panel questions (top-level posts of a facilitated discussion),
    each with the member who asked it on the forum (None for the webinar's askers)."""
    candidates = [post.id for post in posts if post.depth == 1 and post.thread.facilitated]
    if not candidates:
        return {}
    return dict(db.session.execute(select(PanelQuestion.post_id, PanelQuestion.asked_by_id)
                                   .where(PanelQuestion.post_id.in_(candidates))).all())


def tell_asker_answered_live(question: PanelQuestion, moderator: User) -> None:
    """The member who asked `question` on the forum hears that the panel answered it live; no commit.

    Written by the moderator's transition, in its transaction: a question answered live becomes no
    post, so no post's event would carry the news. Told once, however often it is marked again.
    """
    asker_id = question.asked_by_id
    if asker_id is None or asker_id == moderator.id:
        return
    told = db.session.scalar(select(Notification.id).where(
        Notification.user_id == asker_id, Notification.panel_question_id == question.id,
        Notification.kind == YOUR_QUESTION_ANSWERED))
    if told is not None:
        return
    wants_email = db.session.scalar(select(WANTS_EMAIL).where(User.id == asker_id))
    db.session.add(Notification(user_id=asker_id, kind=YOUR_QUESTION_ANSWERED, post_id=None,
                                panel_question_id=question.id, actor_id=moderator.id,
                                email_pending=bool(wants_email)))


def _write_notifications(told: dict[tuple[int, int], str], posts: dict[int, Post]) -> list[tuple[int, int, str]]:
    """Insert the notifications not written yet; (member, post, kind) of each written."""
    if not told:
        return []
    post_ids = {post_id for _, post_id in told}
    # Told already: of the post before it was edited, or by a worker that died before deleting its events.
    already = set(db.session.execute(select(Notification.user_id, Notification.post_id)
                                     .where(Notification.post_id.in_(post_ids))).all())
    wants_email = dict(db.session.execute(
        select(User.id, WANTS_EMAIL)
        .where(User.id.in_({user_id for user_id, _ in told}))).all())
    # A guest expert's question has an email of its own (_email_guest_experts): not the batch's too.
    rows = [dict(user_id=user_id, kind=kind, post_id=post_id, actor_id=posts[post_id].author_id,
                 created_at=posts[post_id].created_at,
                 email_pending=bool(wants_email.get(user_id)) and kind != PANEL_QUESTION)
            for (user_id, post_id), kind in told.items()
            if (user_id, post_id) not in already and user_id in wants_email]
    if rows:
        db.session.execute(insert(Notification), rows)
    return [(row["user_id"], row["post_id"], row["kind"]) for row in rows]


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
                     joinedload(Notification.post).joinedload(Post.thread).joinedload(Thread.theme),
                     joinedload(Notification.panel_question).joinedload(PanelQuestion.theme))
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
    if notification.post is None:  # a panel question answered live: the only news of no post
        question = notification.panel_question
        at = question.answered_at_second
        return (f"The panel answered your question live in “{question.theme.title}”"
                + (f", at {minutes.label(at)} in the recording" if at is not None else ""))
    post, actor = notification.post, notification.actor
    if notification.kind == PANEL_QUESTION:  # apart: the question's words are read from its post
        return f"A question for the panel is open: {question_text(post)}"
    who = actor.display_name if actor is not None else "Someone"
    thread = post.thread
    return {
        YOUR_QUESTION_POSTED: f"Your question for the panel is posted in “{thread.title}”",
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
    if notification.post is None:  # a question answered live: its place on the panel page
        question = notification.panel_question
        return "panel_page.show", {"slug": question.theme.slug, "_anchor": f"question-{question.id}"}
    return "threads.permalink", {"post_id": notification.post_id}


def excerpt(post: Post, length: int = EXCERPT_LENGTH) -> str:
    """The start of a post's text as written, on one line."""
    return shortened(post.body, length)


def notification_excerpt(notification: Notification, length: int = EXCERPT_LENGTH) -> str:
    """The start of what a notification is about: its post, or the question answered live."""
    if notification.post is None:
        return shortened(notification.panel_question.question, length)
    return excerpt(notification.post, length)


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
    shown = [n for n in pending if n.post is None or n.post.is_visible or n.kind in REPORT_OUTCOMES]
    if not shown or not member.email_notifications or not member.can_log_in:
        return
    member.notified_by_email_at = now
    subject = (sentence(shown[0]) if len(shown) == 1
               else f"{len(shown)} new notifications in {current_app.config['COMMUNITY_NAME']}")
    # An email of one post's news can be answered by email; one of several can't say which post a reply is for.
    one_post = shown[0].post if len(shown) == 1 and shown[0].kind not in REPORT_OUTCOMES else None
    emails.queue(f"notifications:{member.id}:{shown[0].id}", member, subject, "notifications",
                 unsubscribe=NOTIFICATIONS_MAILING, reply_post=one_post,
                 items=[(sentence(n), notification_excerpt(n), _absolute_link(n),
                         "Read it in the discussion" if n.post is not None else "See it on the panel page")
                        for n in shown],
                 notifications_url=emails.absolute_url("notifications.index"))


def _absolute_link(notification: Notification) -> str:
    endpoint, values = link_endpoint(notification)
    return emails.absolute_url(endpoint, **values)


def stop_notification_emails(user: User) -> None:
    """No more notification emails for this member (what waits is dropped); no commit."""
    user.email_notifications = False
    db.session.execute(update(Notification).where(Notification.user_id == user.id)
                       .values(email_pending=False))
