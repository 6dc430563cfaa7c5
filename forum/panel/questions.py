"""Panel questions: the queue, scheduling, and publishing into the discussion.

Publishing is idempotent by construction: the move to "published" is one
conditional UPDATE (... WHERE status IN ('queued', 'scheduled')), and
only the caller whose UPDATE changed the row writes the post. Scheduled
questions are published by whichever page view or cron run first finds
them due (see publish_due).
"""
from __future__ import annotations

from dataclasses import dataclass

from datetime import datetime, timedelta

from flask import current_app, g
from sqlalchemy import and_, func, or_, select, update
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import joinedload

from ..moderation import audit
from ..page_cache import freshness
from ..worker import heartbeat
from ..themes import months as themes
from ..discussions import posting
from ..mail import mailings
from ..core.database import utcnow, write_transaction
from ..core.extensions import db
from ..core.markup import escape_markdown
from ..models import PanelQuestion, Post, Theme, User
from ..models.panel import ANSWERED_LIVE, DISMISSED, PUBLISHABLE, PUBLISHED, QUEUED, SCHEDULED
from .paste import Pasted, PastedQuestion, flag_duplicates, parse
from ..core.timefmt import date_and_time, to_local_naive

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


class SchedulingError(ValueError):
    """Times the discussion window can't take; the message says why."""


def summary(question: PanelQuestion) -> str:
    """One line naming a question, for flashes and the audit log."""
    text = " ".join(question.question.split())
    text = text if len(text) <= 90 else text[:89].rstrip() + "…"
    return f"{question.asked_by or 'Anonymous'}: {text}"


def _audit_detail(question: PanelQuestion) -> str:
    when = f" (for {date_and_time(question.publish_at)})" if question.status == SCHEDULED else ""
    return summary(question) + when


# Reading ----------------------------------------------------------------------

def queue_of(theme: Theme) -> dict[str, list[PanelQuestion]]:
    """A theme's questions by status, each list in the order the queue page shows."""
    questions = db.session.scalars(
        select(PanelQuestion)
        .options(joinedload(PanelQuestion.published_by), joinedload(PanelQuestion.scheduled_by))
        .where(PanelQuestion.theme_id == theme.id)
        .order_by(PanelQuestion.position, PanelQuestion.id)
    ).all()
    groups: dict[str, list[PanelQuestion]] = {status: [] for status in STATUS_LABELS}
    for question in questions:
        groups[question.status].append(question)
    groups[SCHEDULED].sort(key=lambda q: (q.publish_at, q.id))
    groups[PUBLISHED].sort(key=lambda q: q.published_at, reverse=True)
    return groups


@dataclass
class QuestionCounts:
    """What members see of a theme's webinar questions: how many, not which."""

    posted: int = 0
    answered_live: int = 0
    to_come: int = 0


def question_counts(theme_id: int) -> QuestionCounts:
    """One grouped query; dismissed questions are not counted."""
    by_status = dict(db.session.execute(
        select(PanelQuestion.status, func.count(PanelQuestion.id))
        .where(PanelQuestion.theme_id == theme_id).group_by(PanelQuestion.status)).all())
    return QuestionCounts(posted=by_status.get(PUBLISHED, 0), answered_live=by_status.get(ANSWERED_LIVE, 0),
                          to_come=by_status.get(QUEUED, 0) + by_status.get(SCHEDULED, 0))


def window_problem(theme: Theme, moment: datetime) -> str | None:
    """Why a question can't go out at `moment`, or None when it falls in the discussion window."""
    if theme.opens_at <= moment < theme.closes_at:
        return None
    return (f"Choose a time within the discussion window, from {date_and_time(theme.opens_at)} "
            f"to {date_and_time(theme.closes_at)}.")


# The queue --------------------------------------------------------------------

def _next_position(theme_id: int) -> int:
    last = db.session.scalar(
        select(func.max(PanelQuestion.position)).where(PanelQuestion.theme_id == theme_id)
    )
    return (last or 0) + 1


def _apply(question: PanelQuestion, data: dict, moderator: User) -> None:
    """Copy validated form data onto a question; a publish time schedules it."""
    question.question = data["question"]
    question.asked_by = data["asked_by"] or ""
    question.source = data["source"]
    question.framing = data["framing"] or ""
    if data.get("publish_at") is not None:
        question.status, question.publish_at = SCHEDULED, data["publish_at"]
        question.scheduled_by_id = moderator.id
    elif question.status == SCHEDULED:
        question.status, question.publish_at = QUEUED, None


def add(theme: Theme, moderator: User, data: dict) -> PanelQuestion:
    """Queue one question (or schedule it, given a time); commit."""
    question = PanelQuestion(theme_id=theme.id, created_by_id=moderator.id,
                             position=_next_position(theme.id))
    _apply(question, data, moderator)
    db.session.add(question)
    audit.record(moderator, "question.add", question, _audit_detail(question))
    db.session.commit()
    return question


def edit(question: PanelQuestion, moderator: User, data: dict) -> None:
    """Change a question that is not yet published; commit."""
    _apply(question, data, moderator)
    audit.record(moderator, "question.edit", question, _audit_detail(question))
    db.session.commit()


def reorder(question: PanelQuestion, direction: str, moderator: User) -> bool:
    """Swap a question with its neighbour "up" or "down" its list; commit. In the queue they
    swap places; scheduled ones swap publish times, so the slots stay and nothing is unscheduled."""
    scheduled = question.status == SCHEDULED
    order = PanelQuestion.publish_at if scheduled else PanelQuestion.position
    mine = question.publish_at if scheduled else question.position
    stmt = select(PanelQuestion).where(PanelQuestion.theme_id == question.theme_id,
                                       PanelQuestion.status == question.status)
    if direction == "up":
        stmt = stmt.where(or_(order < mine, and_(order == mine, PanelQuestion.id < question.id)))
        stmt = stmt.order_by(order.desc(), PanelQuestion.id.desc())
    else:
        stmt = stmt.where(or_(order > mine, and_(order == mine, PanelQuestion.id > question.id)))
        stmt = stmt.order_by(order, PanelQuestion.id)
    neighbour = db.session.scalar(stmt.limit(1))
    if neighbour is None:
        return False
    if scheduled:
        question.publish_at, neighbour.publish_at = neighbour.publish_at, question.publish_at
    else:
        question.position, neighbour.position = neighbour.position, question.position
    audit.record(moderator, "question.reorder", question, f"{direction}: {summary(question)}")
    db.session.commit()
    return True


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


def change_status(question: PanelQuestion, action: str, moderator: User) -> bool:
    """Dismiss, mark answered live, or return to the queue; commit. False when already moved on."""
    to, allowed_from = TRANSITIONS[action]
    was_scheduled = question.status == SCHEDULED
    if not _transition(question, to, allowed_from, publish_at=None):
        return False
    name = "question.unschedule" if action == "requeue" and was_scheduled else f"question.{action}"
    audit.record(moderator, name, question, summary(question))
    db.session.commit()
    return True


def spread_times(theme: Theme, start: datetime, every_days: int, count: int) -> list[datetime]:
    """`count` times `every_days` apart from `start`, or SchedulingError outside the window."""
    times = [start + timedelta(days=every_days * n) for n in range(count)]
    if times[0] < theme.opens_at or times[0] >= theme.closes_at:
        raise SchedulingError(
            f"The first question would go out on {date_and_time(times[0])}, outside the discussion "
            f"window ({date_and_time(theme.opens_at)} to {date_and_time(theme.closes_at)}). "
            "Choose a start within it."
        )
    if times[-1] >= theme.closes_at:
        raise SchedulingError(
            f"At one every {every_days} day{'s' if every_days != 1 else ''}, the last of the {count} "
            f"queued questions would go out on {date_and_time(times[-1])}, after the discussion "
            f"closes on {date_and_time(theme.closes_at)}. Choose a shorter interval or an earlier "
            "start, or dismiss some questions first."
        )
    return times


@dataclass
class Clash:
    """A time for a queued question on a day that already has a scheduled one."""

    new: datetime
    scheduled: PanelQuestion


class ScheduleClashes(SchedulingError):
    """Times that fall on days already scheduled; refused unless the moderator says to go ahead."""

    def __init__(self, clashes: list[Clash], count: int) -> None:
        if count == 1:
            which = "The queued question"
        elif len(clashes) == count:
            which = f"All {count} queued questions"
        else:
            which = f"{len(clashes)} of the {count} queued questions"
        super().__init__(f"{which} would go out on a day that already has a scheduled one.")
        self.clashes = clashes


def _scheduled(theme: Theme) -> list[PanelQuestion]:
    return db.session.scalars(
        select(PanelQuestion).where(PanelQuestion.theme_id == theme.id, PanelQuestion.status == SCHEDULED)
        .order_by(PanelQuestion.publish_at, PanelQuestion.id)
    ).all()


def default_start(theme: Theme, every_days: int) -> datetime:
    """Where a batch starts unless the moderator says otherwise: one interval after the last
    scheduled question, so a second batch follows the first instead of landing on its days;
    with none scheduled, now, or the opening of a discussion still to come."""
    start = max(utcnow(), theme.opens_at)
    last = db.session.scalar(select(func.max(PanelQuestion.publish_at)).where(
        PanelQuestion.theme_id == theme.id, PanelQuestion.status == SCHEDULED))
    return start if last is None else max(start, last + timedelta(days=every_days))


def clashes(theme: Theme, times: list[datetime]) -> list[Clash]:
    """Each of `times` that falls on a day (in the community's zone) with a question already scheduled."""
    by_day: dict = {}
    for question in _scheduled(theme):
        by_day.setdefault(to_local_naive(question.publish_at).date(), question)
    return [Clash(moment, by_day[day]) for moment in times
            if (day := to_local_naive(moment).date()) in by_day]


def schedule_queue(theme: Theme, moderator: User, start: datetime, every_days: int,
                   allow_clashes: bool = False) -> int:
    """Schedule every queued question, in queue order, `every_days` apart; commit.

    ScheduleClashes, and nothing saved, when one would share a day with a question
    already scheduled, unless `allow_clashes`.
    """
    queued = db.session.scalars(
        select(PanelQuestion)
        .where(PanelQuestion.theme_id == theme.id, PanelQuestion.status == QUEUED)
        .order_by(PanelQuestion.position, PanelQuestion.id)
    ).all()
    if not queued:
        raise SchedulingError("There are no queued questions to schedule.")
    times = spread_times(theme, start, every_days, len(queued))
    found = [] if allow_clashes else clashes(theme, times)
    if found:
        raise ScheduleClashes(found, len(queued))
    for question, moment in zip(queued, times):
        question.status, question.publish_at, question.scheduled_by_id = SCHEDULED, moment, moderator.id
    audit.record(moderator, "question.schedule_queue", theme,
                 f"{len(queued)} in “{theme.title}”, every {every_days} days from {date_and_time(start)}")
    db.session.commit()
    return len(queued)


# Pasting many -----------------------------------------------------------------

def preview_paste(theme: Theme, text: str) -> Pasted:
    """A pasted list read into questions, with likely duplicates of the theme's own flagged."""
    pasted = parse(text)
    existing = db.session.execute(
        select(PanelQuestion.question, PanelQuestion.status).where(PanelQuestion.theme_id == theme.id)
    ).all()
    flag_duplicates(pasted.questions, [(text, STATUS_LABELS[status]) for text, status in existing])
    return pasted


def add_pasted(theme: Theme, moderator: User, questions: list[PastedQuestion], source: str) -> int:
    """Queue pasted questions, in the order given; commit."""
    position = _next_position(theme.id)
    for offset, item in enumerate(questions):
        db.session.add(PanelQuestion(
            theme_id=theme.id, question=item.question, asked_by=item.asked_by, source=source,
            position=position + offset, created_by_id=moderator.id,
        ))
    audit.record(moderator, "question.add_many", theme, f"{len(questions)} into “{theme.title}”")
    db.session.commit()
    return len(questions)


# Publishing -------------------------------------------------------------------

def credit(question: PanelQuestion, escape=str) -> str:
    """Who asked, as plain text (the queue page, escaped by Jinja); `escape` readies the name for
    where else it goes (escape_markdown for the post's Markdown)."""
    named, anonymous = CREDITS[question.source]
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
    thread = themes.facilitated_thread(theme)
    if thread is None:
        thread = themes.start_facilitated_thread(theme, moderator, _opening_body(theme))
    # The claim, the post, its counters and the link from question to post
    # land in one transaction.
    post = posting.add_reply(thread, moderator, post_body(question))
    question.post_id = post.id
    mailings.question_published(question)
    audit.record(moderator, "question.publish", question, summary(question))
    return post


def publish(question: PanelQuestion, moderator: User, now: datetime | None = None) -> Post | None:
    """Post a queued or scheduled question now; commit. None when it had already moved on."""
    if not _claim(question, moderator, now or utcnow()):
        return None
    post = _write_post(question, moderator)
    db.session.commit()
    return post


def _due(theme_id: int | None, now: datetime):
    stmt = select(PanelQuestion.id).where(PanelQuestion.status == SCHEDULED,
                                          PanelQuestion.publish_at <= now)
    return stmt if theme_id is None else stmt.where(PanelQuestion.theme_id == theme_id)


def _credited_moderator(question: PanelQuestion) -> User | None:
    """Who posts a due question: whoever scheduled or added it; for imported
    questions, the facilitator of the theme's discussion, else the first moderator."""
    if question.scheduled_by or question.created_by:
        return question.scheduled_by or question.created_by
    thread = themes.facilitated_thread(question.theme)
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
