"""Panel questions: where each stands (status, counts) and publishing them into the discussion.
The queue, its order, scheduling and pasting many: queue.

Publishing is idempotent by construction: the move to "published" is one
conditional UPDATE (... WHERE status IN ('queued', 'scheduled')), and
only the caller whose UPDATE changed the row writes the post. Scheduled
questions are published by whichever page view or cron run first finds
them due (see publish_due).
"""
from __future__ import annotations

from dataclasses import dataclass

from datetime import datetime

from flask import current_app, g
from sqlalchemy import func, select, update
from sqlalchemy.exc import OperationalError

from ..moderation import audit
from ..page_cache import freshness
from ..worker import heartbeat
from ..themes import months
from ..discussions import posting
from ..mail import mailings
from ..core.database import utcnow, write_transaction
from ..core.extensions import db
from ..core.markup import escape_markdown
from ..core.text import shortened
from . import minutes
from ..models import PanelQuestion, Post, Theme, User
from ..permissions import why_not
from ..models.panel import ANSWERED_LIVE, DISMISSED, FORUM, PUBLISHABLE, PUBLISHED, QUEUED, SCHEDULED
from ..notifications import notify

# Where a question stands, as the queue page and duplicate warnings say it.
STATUS_LABELS = {
    QUEUED: "in the queue", SCHEDULED: "scheduled", PUBLISHED: "published",
    ANSWERED_LIVE: "answered live", DISMISSED: "dismissed",
}

# How a post credits the question: with the asker's name, and without one.
CREDITS = {
    "webinar_qa": ("Posed by {name} (webinar Q&A)", "Posed by a webinar participant (webinar Q&A)"),
    "webinar_chat": ("From the panel chat, {name}", "From the panel chat, a webinar participant"),
    "email": ("Sent in by email by {name}", "Sent in by email"),
    # A member's question from the theme page: named by their account, never by typed text.
    FORUM: ("Asked on the forum by {name}", "Asked on the forum by a member"),
}
# What webinar tools put where a name was not given: credited as nobody in particular.
NO_NAME = frozenset({"anonymous", "anon", "anonymous attendee", "anonymous participant", "attendee",
                     "participant", "guest", "unknown", "webinar participant"})

# Dismissing, marking answered live and returning to the queue: (new status, from which).
TRANSITIONS = {
    "dismiss": (DISMISSED, (QUEUED, SCHEDULED)),
    "answered_live": (ANSWERED_LIVE, (QUEUED, SCHEDULED, DISMISSED)),
    "requeue": (QUEUED, (SCHEDULED, DISMISSED, ANSWERED_LIVE)),
}


def summary(question: PanelQuestion) -> str:
    """One line naming a question, for flashes and the audit log."""
    text = shortened(question.question, 90)
    member = question.asked_by_member if question.source == FORUM else None
    return f"{member.display_name if member else question.asked_by or 'Anonymous'}: {text}"


@dataclass
class QuestionCounts:
    """How many of a theme's webinar questions met each fate (the theme page's panel section)."""

    posted: int = 0
    answered_live: int = 0
    scheduled: int = 0  # coming to the discussion on a known day
    queued: int = 0     # more to come, not yet given a day
    set_aside: int = 0  # dismissed: counted, never shown

    @property
    def to_come(self) -> int:
        return self.scheduled + self.queued

    @property
    def any(self) -> bool:
        return bool(self.posted or self.answered_live or self.to_come or self.set_aside)


def question_counts(theme_id: int) -> QuestionCounts:
    """One grouped query."""
    by_status = dict(db.session.execute(
        select(PanelQuestion.status, func.count(PanelQuestion.id))
        .where(PanelQuestion.theme_id == theme_id).group_by(PanelQuestion.status)).all())
    return QuestionCounts(posted=by_status.get(PUBLISHED, 0), answered_live=by_status.get(ANSWERED_LIVE, 0),
                          scheduled=by_status.get(SCHEDULED, 0), queued=by_status.get(QUEUED, 0),
                          set_aside=by_status.get(DISMISSED, 0))


def _transition(question: PanelQuestion, to: str, allowed_from: tuple[str, ...], **values) -> bool:
    """Change a question's status in SQL, only from the given ones: racing callers can't both win."""
    changed = db.session.execute(
        update(PanelQuestion)
        .where(PanelQuestion.id == question.id, PanelQuestion.status.in_(allowed_from))
        .values(status=to, **values)
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed:
        freshness.theme_changed(question.theme_id)  # the theme page counts questions by status
    db.session.expire(question)  # reloaded, as the database now has it, on next use
    return bool(changed)


def change_status(question: PanelQuestion, action: str, moderator: User, at_second: int | None = None) -> bool:
    """Dismiss, mark answered live (at `at_second` of the recording, when given), or return to the
    queue; commit. False when already moved on.

    The member who asked it on the forum is told it was answered live in this same transaction;
    a dismissed question tells them nothing.
    """
    to, allowed_from = TRANSITIONS[action]
    was_scheduled = question.status == SCHEDULED
    # Only an answered question has a minute: back in the queue, it has none.
    if not _transition(question, to, allowed_from, publish_at=None,
                       answered_at_second=at_second if to == ANSWERED_LIVE else None):
        return False
    name = "question.unschedule" if action == "requeue" and was_scheduled else f"question.{action}"
    audit.record(moderator, name, question, summary(question) + _minute_note(question))
    if to == ANSWERED_LIVE:
        notify.tell_asker_answered_live(question, moderator)
    db.session.commit()
    return True


def set_minute(question: PanelQuestion, at_second: int | None, moderator: User) -> bool:
    """Give (or change, or clear) where in the recording a question answered live was answered; commit.
    False when the question is not answered live (any more)."""
    if not _transition(question, ANSWERED_LIVE, (ANSWERED_LIVE,), answered_at_second=at_second):
        return False
    audit.record(moderator, "question.minute", question, summary(question) + _minute_note(question))
    db.session.commit()
    return True


def _minute_note(question: PanelQuestion) -> str:
    at = question.answered_at_second
    return f" (at {minutes.label(at)} in the recording)" if at is not None else ""


# Publishing -------------------------------------------------------------------

def credit(question: PanelQuestion, escape=str) -> str:
    """Who asked, as plain text (the queue page, escaped by Jinja); `escape` readies the name for
    where else it goes (escape_markdown for the post's Markdown)."""
    named, anonymous = CREDITS[question.source]
    if question.source == FORUM:
        member = question.asked_by_member
        return named.format(name=escape(member.display_name)) if member is not None else anonymous
    asked_by = question.asked_by.strip()
    if not asked_by or asked_by.lower().strip(" .") in NO_NAME:
        return anonymous
    return named.format(name=escape(asked_by))


def post_body(question: PanelQuestion) -> str:
    """The post's Markdown: framing, the question as one quotation, the credit."""
    # Every line quoted, blank ones too, so a question of several paragraphs stays one quotation.
    quoted = "\n".join(f"> {line}" if line.strip() else ">" for line in question.question.split("\n"))
    parts = [question.framing] if question.framing else []
    # Whoever asked may have typed anything as their name in the webinar chat: it stays text.
    return "\n\n".join([*parts, quoted, f"— {credit(question, escape_markdown)}"])


def _opening_body(theme: Theme) -> str:
    panel = f"the expert panel “{theme.panel_title}”" if theme.panel_title else "this month's expert panel"
    return (f"Welcome to the discussion of “{theme.title}”. Over the coming weeks we will post "
            f"questions from {panel} here, one at a time, each credited to whoever asked it. "
            "Reply under each question, and to each other.")


def _claim(question: PanelQuestion, moderator: User, now: datetime) -> bool:
    return _transition(question, PUBLISHED, PUBLISHABLE, published_at=now, published_by_id=moderator.id)


def _write_post(question: PanelQuestion, moderator: User) -> Post:
    """The question as a top-level post of the theme's facilitated discussion; no commit."""
    theme = question.theme
    thread = months.facilitated_thread(theme)
    if thread is None:
        thread = months.start_facilitated_thread(theme, moderator, _opening_body(theme))
    # The claim, the post, its counters and the link from question to post
    # land in one transaction.
    post = posting.add_reply(thread, moderator, post_body(question))
    question.post_id = post.id
    mailings.question_published(question)
    audit.record(moderator, "question.publish", question, summary(question))
    return post


def publish(question: PanelQuestion, moderator: User) -> Post | None:
    """A moderator's "Publish now": the question's post, committed; None when it was published
    already (a second click is done, not refused); posting.Refused, with nothing written, when it
    may not be."""
    _refuse(why_not(moderator, "manage_questions", question.theme))  # who may, before what state it is in
    if question.status == PUBLISHED:
        return None
    _refuse(why_not(moderator, "publish_question", question))
    if not _claim(question, moderator, utcnow()):
        # Moved on since it was read (the claim reloads it): published by another click, which
        # is done, or dismissed meanwhile, which is refused.
        _refuse(None if question.status == PUBLISHED else why_not(moderator, "publish_question", question))
        return None
    try:
        post = _write_post(question, moderator)
    except posting.PostingError as error:  # a post longer than this forum takes, say
        db.session.rollback()  # the claim and a facilitated discussion it would have started too
        raise posting.Refused(f"This question can't be posted as it is: {error.message}", 200) from None
    db.session.commit()
    return post


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise posting.Refused(refusal, 403)


def _due(theme_id: int | None, now: datetime):
    stmt = select(PanelQuestion.id).where(PanelQuestion.status == SCHEDULED,
                                          PanelQuestion.publish_at <= now)
    return stmt if theme_id is None else stmt.where(PanelQuestion.theme_id == theme_id)


def _credited_moderator(question: PanelQuestion) -> User | None:
    """Who posts a due question: whoever scheduled or added it; for imported
    questions, the facilitator of the theme's discussion, else the first moderator."""
    if question.scheduled_by or question.created_by:
        return question.scheduled_by or question.created_by
    thread = months.facilitated_thread(question.theme)
    if thread is not None and thread.author.is_moderator:
        return thread.author
    return db.session.scalar(
        select(User).where(User.role.in_(("moderator", "admin"))).order_by(User.id).limit(1)
    )


def publish_due(theme_id: int | None = None, now: datetime | None = None) -> int:
    """Publish scheduled questions whose time has come (of one theme, or all); how many.

    Page views call this: when nothing is due it costs one indexed query
    and writes nothing; when something is, the write gets its own
    BEGIN IMMEDIATE transaction instead of upgrading the page's read one.
    Each is credited to the moderator who scheduled it.
    """
    now = now or utcnow()
    if db.session.scalar(_due(theme_id, now).limit(1)) is None:
        return 0
    published = 0
    with write_transaction():
        due = db.session.scalars(
            select(PanelQuestion)
            .where(PanelQuestion.id.in_(_due(theme_id, now)))
            .order_by(PanelQuestion.publish_at, PanelQuestion.position)
        ).all()
        for question in due:
            author = _credited_moderator(question)
            if author is None:
                # Back to the queue, or every page view would find it due again.
                question.status = QUEUED
                current_app.logger.warning("panel question %s was due but the forum has no moderator "
                                           "to post it: returned to the queue", question.id)
                continue
            if _claim(question, author, now):
                _write_post(question, author)
                published += 1
    return published


def publish_due_on_view(theme_id: int) -> int:
    """publish_due for a page view, which shows the page even if the database stays busy.

    A question not published now is published by the next view or the cron job.
    Nothing to do, not even a query, while a worker on this machine publishes them;
    looked for once per theme and request (a page's version check and its view both ask).
    """
    checked = g.setdefault("due_questions_checked", set())
    if heartbeat.worker_alive() or theme_id in checked:
        return 0
    checked.add(theme_id)
    try:
        return publish_due(theme_id)
    except OperationalError as error:  # "database is locked" past the busy timeout
        current_app.logger.warning("panel questions of theme %s not published yet: %s", theme_id, error)
        return 0
